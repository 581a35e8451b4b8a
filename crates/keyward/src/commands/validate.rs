//! `keyward validate`: read the policies, the HR master and every app's
//! accounts, and say how much was read. Every problem on the way is
//! reported with file, line and column by the snapshot reader; selectors
//! the HR data cannot meet on the day are warned about.

use std::process::ExitCode;

use anyhow::Result;
use jiff::civil::Date;

use crate::args::Input;
use crate::output::write_stdout;
use crate::pipeline::Snapshot;
use crate::problems;

/// `keyward validate`.
#[derive(Debug, clap::Args)]
pub struct ValidateArgs {
    #[command(flatten)]
    pub input: Input,
    /// Check the selectors against the HR data of this day instead of
    /// today (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub at: Option<Date>,
}

/// Reads everything; prints the counts.
pub async fn run(args: ValidateArgs) -> Result<ExitCode> {
    let snapshot = Snapshot::read(&args.input.paths).await?;
    let set = snapshot.set();
    let today = args.at.unwrap_or_else(super::today);
    for w in keyward_core::selector_warnings(set, &snapshot.people, today) {
        problems::diagnostic(set, &w);
    }
    write_stdout(&format!(
        "OK: {} people source(s), {} application(s), {} access polic(y/ies), {} exception(s); {} people, {} accounts read.\n",
        set.people_sources.len(),
        set.applications.len(),
        set.policies.len(),
        set.exceptions.len(),
        snapshot.people.len(),
        snapshot.accounts()
    ))?;
    Ok(ExitCode::SUCCESS)
}
