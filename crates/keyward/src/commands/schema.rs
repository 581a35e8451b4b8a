//! `keyward schema`: the JSON Schema of policy files (built by
//! [`crate::schema`]), printed or written to a file.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context as _, Result};

use crate::output::write_stdout;

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
        Some(path) => std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?,
        None => write_stdout(&text)?,
    }
    Ok(ExitCode::SUCCESS)
}
