//! `keyward schema`: the JSON Schema of policy files (built by
//! [`crate::schema`]), printed or written to a file.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context as _, Result};
use keyward_core::i18n::Msg;

use crate::output::write_stdout;
use crate::problems::said;

/// `keyward schema`.
#[derive(Debug, clap::Args)]
pub struct SchemaArgs {
    /// Write the schema to this file instead of printing it.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// Prints the schema, or writes it to `--out`.
pub fn run(args: SchemaArgs) -> Result<ExitCode> {
    let text = crate::schema::policy_schema_text();
    match args.out {
        Some(path) => std::fs::write(&path, text)
            .with_context(|| said(Msg::new("cli-cannot-write").arg("path", path.display().to_string())))?,
        None => write_stdout(&text)?,
    }
    Ok(ExitCode::SUCCESS)
}
