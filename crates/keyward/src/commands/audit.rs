//! `keyward audit verify`: check the hash chain of the audit log and say
//! what it holds. The chain itself is keyward-apply's.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context as _, Result};

use crate::output::write_stdout;

/// `keyward audit`.
#[derive(Debug, clap::Args)]
pub struct AuditArgs {
    #[command(subcommand)]
    pub command: AuditCommand,
}

/// What to do with the audit log.
#[derive(Debug, clap::Subcommand)]
pub enum AuditCommand {
    /// Check that no line of the audit log was altered, removed or
    /// reordered (each line carries the hash of the one before).
    Verify {
        /// The audit log.
        #[arg(value_name = "FILE", env = "KEYWARD_AUDIT_LOG", default_value = ".keyward/audit.jsonl")]
        path: PathBuf,
    },
}

/// Verifies the log; fails when the chain is broken.
pub fn run(args: AuditArgs) -> Result<ExitCode> {
    let AuditCommand::Verify { path } = args.command;
    let summary = keyward_apply::verify(&path).with_context(|| format!("{} does not verify", path.display()))?;
    write_stdout(&format!(
        "OK: {} verifies: {} record(s) from {} run(s); last hash {}. Keep that hash elsewhere: anyone who can rewrite the whole file can rebuild a chain.\n",
        path.display(),
        summary.records,
        summary.runs,
        summary.last_hash
    ))?;
    Ok(ExitCode::SUCCESS)
}
