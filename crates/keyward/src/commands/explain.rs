//! `keyward explain PERSON`: one person's HR record, grants and the
//! policies behind them, accounts and how they were matched, and what the
//! plan will do — as keyward-core's explanation, printed as text or JSON.

use std::process::ExitCode;

use anyhow::Result;
use jiff::civil::Date;

use crate::args::{Input, RosterArgs};
use crate::output::{pretty_json, write_stdout, write_text};
use crate::pipeline::Snapshot;

/// `keyward explain`.
#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    /// Employee number or work e-mail (an earlier employee number of a
    /// rehire works too).
    #[arg(value_name = "PERSON")]
    pub person: String,
    #[command(flatten)]
    pub input: Input,
    /// Explain as of this day (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub at: Option<Date>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ExplainFormat::Text)]
    pub format: ExplainFormat,
    /// Also read the person's OAuth grants to third-party apps from the
    /// Google Workspace or Microsoft Graph directories the policies connect
    /// to (as `keyward discover` does), so a leaver's "still open" covers
    /// apps nobody declared.
    #[arg(long)]
    pub discover: bool,
    /// A person the HR master no longer has but the roster remembers is
    /// explained as vanished, with their accounts.
    #[command(flatten)]
    pub roster: RosterArgs,
}

/// How the explanation is printed (`--format`).
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ExplainFormat {
    Text,
    Json,
}

/// Explains the person; an unknown person is an error.
pub async fn run(args: ExplainArgs) -> Result<ExitCode> {
    let today = args.at.unwrap_or_else(super::today);
    let snapshot = Snapshot::read(&args.input).await?;
    let found = keyward_core::present::explain::explain(
        snapshot.set(),
        &snapshot.people,
        &snapshot.listings,
        &args.person,
        today,
    );
    let mut explained = match found {
        Ok(e) => e,
        Err(e) => {
            let roster = args.roster.read(&crate::args::default_audit_log())?;
            let Some(seen) = roster.get(args.person.trim()) else { return Err(e.into()) };
            let plan =
                keyward_core::plan_with_roster(snapshot.set(), &snapshot.people, &snapshot.listings, today, &roster)?;
            let Some(v) = plan.vanished.iter().find(|v| v.person.id == seen.id.as_str()) else { return Err(e.into()) };
            match args.format {
                ExplainFormat::Text => {
                    write_text(&keyward_core::present::render::vanished::explain_text(v, crate::language::current()))?
                }
                ExplainFormat::Json => write_stdout(&pretty_json(v, "the explanation")?)?,
            }
            return Ok(ExitCode::SUCCESS);
        }
    };
    if args.discover {
        let scans = super::discover::scan(snapshot.set(), None).await?;
        explained = explained.with_discovery(snapshot.set(), &snapshot.people, &scans);
    }
    match args.format {
        ExplainFormat::Text => write_text(&explained.to_text())?,
        ExplainFormat::Json => write_stdout(&pretty_json(&explained, "the explanation")?)?,
    }
    Ok(ExitCode::SUCCESS)
}
