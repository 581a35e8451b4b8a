//! `keyward history`: who had which account in which app at the end of a
//! day (or at an instant), from the listings and changes in the audit log
//! — the auditor's "who had access to this app on that date?". The
//! reconstruction and its renderings are keyward-core's; the records are
//! read through keyward-apply's `history::seen`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context as _, Result};
use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use keyward_core::present::history::{self, Format};

use crate::output::{write_stdout, write_text};

/// `keyward history`.
#[derive(Debug, clap::Args)]
pub struct HistoryArgs {
    /// The day (YYYY-MM-DD): the accounts at its end, in the
    /// organisation's time zone (the system's, or TZ). An instant
    /// (2026-12-07T18:30:00+09:00) asks about that moment. Default: now.
    #[arg(long, value_name = "DATE", value_parser = parse_at)]
    pub at: Option<At>,
    /// Only this application (repeatable).
    #[arg(long = "app", value_name = "NAME")]
    pub apps: Vec<String>,
    /// Only the accounts of this person (employee number).
    #[arg(long, value_name = "ID")]
    pub person: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = HistoryFormat::Text)]
    pub format: HistoryFormat,
    /// With `--format csv`: start with a UTF-8 byte order mark for Excel,
    /// with headers and words in the `--lang` language (without it the CSV
    /// is for tools: column keys and English words).
    #[arg(long)]
    pub bom: bool,
    /// The audit log the applies wrote (without --state).
    #[arg(long, value_name = "FILE", env = "KEYWARD_AUDIT_LOG", default_value = ".keyward/audit.jsonl")]
    pub audit_log: PathBuf,
    /// The audit log in PostgreSQL instead.
    #[command(flatten)]
    pub state: crate::args::StateArgs,
}

/// How the answer is printed (`--format`).
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum HistoryFormat {
    Text,
    Csv,
    Markdown,
    Json,
}

/// What `--at` names.
#[derive(Debug, Clone, Copy)]
pub enum At {
    /// The end of this day.
    Day(Date),
    /// This instant.
    Instant(Timestamp),
}

fn parse_at(s: &str) -> Result<At, String> {
    // The instant first: jiff reads the day out of a full timestamp too.
    if let Ok(t) = s.parse::<Timestamp>() {
        return Ok(At::Instant(t));
    }
    match s.parse::<Date>() {
        Ok(d) if !s.contains('T') => Ok(At::Day(d)),
        _ => Err("expected a day (2026-12-07) or an instant with its offset (2026-12-07T18:30:00+09:00)".to_owned()),
    }
}

impl At {
    /// The instant records must be written before, and the words for it.
    fn resolve(self, tz: &TimeZone) -> Result<(Timestamp, String)> {
        match self {
            Self::Day(d) => {
                let next = d.tomorrow().context("no day after this one")?;
                let end = next.to_zoned(tz.clone()).context("the day does not exist in this time zone")?;
                Ok((end.timestamp(), d.to_string()))
            }
            Self::Instant(t) => Ok((t, history::local(t, tz))),
        }
    }
}

/// Reads and verifies the log, reconstructs, prints.
pub async fn run(args: HistoryArgs) -> Result<ExitCode> {
    let HistoryArgs { at, apps, person, format, bom, audit_log, state } = args;
    let tz = TimeZone::system();
    let (end, asked) = match at {
        Some(at) => at.resolve(&tz)?,
        None => (Timestamp::now(), history::local(Timestamp::now(), &tz)),
    };
    let records = state.records(&audit_log).await?;
    let seen = keyward_apply::history::seen(&records);
    let answer = history::only(keyward_core::history::at(&seen, end, &apps), &apps, person.as_deref());
    let lang = crate::language::current();
    let format = match format {
        HistoryFormat::Text => Format::Text,
        HistoryFormat::Csv if bom => Format::CsvForPeople,
        HistoryFormat::Csv => Format::Csv,
        HistoryFormat::Markdown => Format::Markdown,
        HistoryFormat::Json => Format::Json,
    };
    let out = history::render(&answer, &asked, &tz, format, lang);
    match format {
        Format::CsvForPeople => write_stdout(&keyward_core::tabular::for_excel(&out))?,
        Format::Text => write_text(&out)?,
        _ => write_stdout(&out)?,
    }
    Ok(ExitCode::SUCCESS)
}
