//! `keyward explain QUERY`: one person's HR record, grants and the
//! policies behind them, accounts and how they were matched, and what the
//! plan will do — or one account nobody owns, with the people its name
//! suggests — as keyward-core's explanation, printed as text or JSON.
//!
//! The query is an employee number (any case), a work e-mail or an
//! old-domain address of it, an account's id, username or e-mail (in one
//! app with `--app`), or a name in kanji, kana or romaji.

use std::process::ExitCode;

use anyhow::Result;
use jiff::civil::Date;

use crate::args::{Input, RosterArgs};
use crate::output::{pretty_json, write_stdout, write_text};
use crate::pipeline::Snapshot;

/// `keyward explain`.
#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    /// What to explain: an employee number (any case; a rehire's earlier
    /// number too), a work e-mail or an old-domain address of it, an
    /// account's id, username or e-mail, or a person's name (山田 太郎,
    /// ヤマダ タロウ, Taro Yamada). Several matches are listed, not guessed.
    #[arg(value_name = "QUERY")]
    pub person: String,
    /// Look for the account in this Application only.
    #[arg(long, value_name = "APP")]
    pub app: Option<String>,
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

/// Explains what the query names; an unknown or ambiguous query is an
/// error that names the candidates.
pub async fn run(args: ExplainArgs) -> Result<ExitCode> {
    use keyward_core::present::explain::{ExplainError, Explained, Query, explain_query};

    let lang = crate::language::current();
    let today = args.at.unwrap_or_else(super::today);
    let snapshot = Snapshot::read(&args.input).await?;
    let roster = args.roster.read(&crate::args::default_audit_log()).await?;
    let query = Query { text: &args.person, app: args.app.as_deref() };
    let found = explain_query(snapshot.set(), &snapshot.people, &snapshot.listings, query, today, &roster);
    let mut explained = match found {
        Ok(e) => e,
        Err(e @ ExplainError::NotFound { .. }) if args.app.is_none() => {
            // Someone the HR master no longer has, whom the roster remembers.
            let said = || anyhow::anyhow!(e.message().render(lang));
            let Some(seen) = roster.get(args.person.trim()) else { return Err(said()) };
            let plan =
                keyward_core::plan_with_roster(snapshot.set(), &snapshot.people, &snapshot.listings, today, &roster)?;
            let Some(v) = plan.vanished.iter().find(|v| v.person.id == seen.id.as_str()) else { return Err(said()) };
            match args.format {
                ExplainFormat::Text => write_text(&keyward_core::present::render::vanished::explain_text(v, lang))?,
                ExplainFormat::Json => write_stdout(&pretty_json(v, "the explanation")?)?,
            }
            return Ok(ExitCode::SUCCESS);
        }
        Err(e) => return Err(anyhow::anyhow!(e.message().render(lang))),
    };
    if args.discover
        && let Explained::Person(person) = explained
    {
        let scans = super::discover::scan(snapshot.set(), None).await?;
        explained = Explained::Person(Box::new(person.with_discovery(snapshot.set(), &snapshot.people, &scans)));
    }
    match args.format {
        ExplainFormat::Text => write_text(&explained.to_text_in(lang))?,
        ExplainFormat::Json => write_stdout(&pretty_json(&explained, "the explanation")?)?,
    }
    Ok(ExitCode::SUCCESS)
}
