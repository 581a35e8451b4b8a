//! `keyward report`: the admin report — one self-contained HTML page (and
//! optionally its data as JSON) built by keyward-core from the same plan
//! as `keyward plan`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context as _, Result};
use jiff::civil::Date;
use keyward_core::discovery::DISCOVERY_FORMAT_VERSION;
use keyward_core::i18n::{Arg, Msg};
use keyward_core::present::discovered::Discovered;
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
    /// The HTML file to write.
    #[arg(short = 'o', long = "html", value_name = "FILE")]
    pub html: PathBuf,
    /// Also write the report's data as JSON to this file.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Add a "Discovered apps" section from this summary, as `keyward
    /// discover -o FILE` wrote it.
    #[arg(long, value_name = "FILE")]
    pub discovery: Option<PathBuf>,
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
    let ReportArgs { input, at, html, json, discovery } = args;
    let today = at.unwrap_or_else(super::today);
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
