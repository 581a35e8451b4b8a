//! `keyward report`: the admin report — one self-contained HTML page (and
//! optionally its data as JSON) built by keyward-core from the same plan
//! as `keyward plan`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context as _, Result};
use jiff::civil::Date;
use keyward_core::discovery::DISCOVERY_FORMAT_VERSION;
use keyward_core::i18n::{Arg, Lang, Msg};
use keyward_core::present::discovered::Discovered;
use keyward_core::present::leavers;
use keyward_core::present::report::{Report, html};

use crate::args::Input;
use crate::output::{pretty_json, write_stdout};
use crate::pipeline::Snapshot;
use crate::problems::said;

/// `keyward report`.
#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub input: Input,
    /// Report as of this day (YYYY-MM-DD): the plan date, which every
    /// "days since" counts to.
    #[arg(long, value_name = "DATE")]
    pub at: Option<Date>,
    /// The HTML file to write. With --leavers: the file to write the
    /// leaver report to (default: standard output).
    #[arg(short = 'o', long = "html", value_name = "FILE", required_unless_present = "leavers")]
    pub html: Option<PathBuf>,
    /// Also write the report's data as JSON to this file.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Add a "Discovered apps" section from this summary, as `keyward
    /// discover -o FILE` wrote it.
    #[arg(long, value_name = "FILE")]
    pub discovery: Option<PathBuf>,
    #[command(flatten)]
    pub leavers: LeaverArgs,
}

/// `keyward report --leavers`: per leaver and app, the last working day,
/// when access was suspended and deleted, the lag, what is held back.
#[derive(Debug, clap::Args)]
pub struct LeaverArgs {
    /// Write the leaver report instead of the admin report (from the HR
    /// data, the audit log and today's plan).
    #[arg(long)]
    pub leavers: bool,
    /// With --leavers: only leavers whose last working day is on or after
    /// this day.
    #[arg(long, value_name = "DATE", requires = "leavers")]
    pub from: Option<Date>,
    /// With --leavers: only leavers whose last working day is on or before
    /// this day.
    #[arg(long, value_name = "DATE", requires = "leavers")]
    pub to: Option<Date>,
    /// With --leavers: the format.
    #[arg(long, value_enum, default_value_t = LeaverFormat::Csv, requires = "leavers")]
    pub format: LeaverFormat,
    /// With --leavers --format csv: start with a UTF-8 byte order mark for
    /// Excel, headers and words in the --lang language.
    #[arg(long, requires = "leavers")]
    pub bom: bool,
    /// The audit log the applies wrote (without --state).
    #[arg(long, value_name = "FILE", env = "KEYWARD_AUDIT_LOG", default_value = ".keyward/audit.jsonl")]
    pub audit_log: PathBuf,
    /// The audit log in PostgreSQL instead.
    #[command(flatten)]
    pub state: crate::args::StateArgs,
}

/// How the leaver report is written (`--format`).
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum LeaverFormat {
    Csv,
    Markdown,
    Html,
}

/// Reads a discovery summary `keyward discover -o` wrote; a file of
/// another version or shape is refused with what to do.
fn read_discovery(path: &std::path::Path) -> Result<Discovered> {
    let text = std::fs::read_to_string(path)
        .with_context(|| said(Msg::new("cli-cannot-read").arg("path", path.display().to_string())))?;
    let found: Discovered = serde_json::from_str(&text).map_err(|e| {
        said(
            Msg::new("cli-not-a-discovery")
                .arg("path", path.display().to_string())
                .arg("line", Arg::digits(e.line()))
                .arg("column", Arg::digits(e.column()))
                .arg("error", e.to_string()),
        )
    })?;
    if found.version != DISCOVERY_FORMAT_VERSION {
        anyhow::bail!(said(
            Msg::new("cli-discovery-version")
                .arg("path", path.display().to_string())
                .arg("version", Arg::digits(found.version))
                .arg("supported", Arg::digits(DISCOVERY_FORMAT_VERSION))
        ));
    }
    Ok(found)
}

/// Plans, builds the report, writes the files and says what they hold.
pub async fn run(args: ReportArgs) -> Result<ExitCode> {
    let ReportArgs { input, at, html, json, discovery, leavers } = args;
    let today = at.unwrap_or_else(super::today);
    if leavers.leavers {
        return leaver_report(&input, today, html, &leavers).await;
    }
    let Some(html) = html else { anyhow::bail!("--html FILE is needed (or --leavers)") };
    // Read first: a wrong file should not wait for every app to be listed.
    let discovered = discovery.as_deref().map(read_discovery).transpose()?;
    let snapshot = Snapshot::read(&input).await?;
    let plan = keyward_core::plan(snapshot.set(), &snapshot.people, &snapshot.listings, today)?;
    let mut report = Report::build(snapshot.set(), &snapshot.people, &snapshot.listings, &plan)?;
    report.discovered = discovered;
    std::fs::write(&html, html::page_in(&report, crate::language::current()))
        .with_context(|| said(Msg::new("cli-cannot-write-report").arg("path", html.display().to_string())))?;
    if let Some(path) = &json {
        std::fs::write(path, pretty_json(&report, "the report as JSON")?)
            .with_context(|| said(Msg::new("cli-cannot-write-report-data").arg("path", path.display().to_string())))?;
    }
    write_stdout(&format!(
        "Wrote {}: {} people, {} apps; {} leavers' account(s) still open, {} account(s) matching nobody.\n",
        html.display(),
        report.people.total,
        report.apps.len(),
        report.leaver_accounts(),
        report.orphan_accounts()
    ))?;
    Ok(ExitCode::SUCCESS)
}

/// `--leavers`: plans for `today` (what is still held back), reads the
/// audit log through keyward-apply's `history::seen`, writes the rows.
async fn leaver_report(input: &Input, today: Date, out: Option<PathBuf>, args: &LeaverArgs) -> Result<ExitCode> {
    let records = args.state.records(&args.audit_log).await?;
    let seen = keyward_apply::history::seen(&records);
    let snapshot = Snapshot::read(input).await?;
    let plan = keyward_core::plan(snapshot.set(), &snapshot.people, &snapshot.listings, today)?;
    let lang = crate::language::current();
    let tz = jiff::tz::TimeZone::system();
    let range = leavers::Range { from: args.from, to: args.to };
    let format = match args.format {
        LeaverFormat::Csv if args.bom => leavers::Format::CsvForPeople,
        LeaverFormat::Csv => leavers::Format::Csv,
        LeaverFormat::Markdown => leavers::Format::Markdown,
        LeaverFormat::Html => leavers::Format::Html,
    };
    // The CSV for tools keeps English words whatever --lang says.
    let words = if format == leavers::Format::Csv { Lang::En } else { lang };
    let rows = leavers::rows(&snapshot.people, &seen, &plan, &snapshot.set().exceptions, &tz, range, words);
    let mut text = leavers::render(&rows, today, format, lang);
    if format == leavers::Format::CsvForPeople {
        text = keyward_core::tabular::for_excel(&text);
    }
    match out {
        Some(path) => std::fs::write(&path, text)
            .with_context(|| said(Msg::new("cli-cannot-write-report").arg("path", path.display().to_string())))?,
        None => write_stdout(&text)?,
    }
    Ok(ExitCode::SUCCESS)
}
