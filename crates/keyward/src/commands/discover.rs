//! `keyward discover`: the third-party apps people use with their Google
//! or Microsoft account, read from the directories the policies already
//! connect to, summarised against the HR master and the declared
//! Applications. It reads and never changes anything.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context as _, Result, bail};
use jiff::civil::Date;
use keyward_connectors::ClusterSecrets;
use keyward_connectors::discover::{self, ScanOptions};
use keyward_core::discovery::DirectoryScan;
use keyward_core::duration::Days;
use keyward_core::i18n::{Arg, Msg};
use keyward_core::present::discovered::{self, Discovered};
use keyward_core::t;

use crate::args::Input;
use crate::output::{pretty_json, write_stdout, write_text};
use crate::pipeline::{load_policies, read_people_within, refuse_cluster_secrets};
use crate::problems::said;

/// `keyward discover`.
#[derive(Debug, clap::Args)]
pub struct DiscoverArgs {
    #[command(flatten)]
    pub input: Input,
    /// The day the summary is for (YYYY-MM-DD): who is a leaver, and what
    /// `--since 30d` counts back from. Default: today.
    #[arg(long, value_name = "DATE")]
    pub at: Option<Date>,
    /// Only activity on or after this day (YYYY-MM-DD), or within this many
    /// days (`30d`), where the directory dates it (sign-in records).
    /// Grants without a date are always listed: a grant stays usable
    /// however old it is.
    #[arg(long, value_name = "DATE|DAYS")]
    pub since: Option<Since>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DiscoverFormat::Text)]
    pub format: DiscoverFormat,
    /// Also write the summary as JSON to this file (for `keyward report
    /// --discovery`).
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Print a ready-to-edit Application for this undeclared app (its name
    /// or an id, as the summary shows it) instead of the summary.
    #[arg(long, value_name = "APP", conflicts_with = "stubs")]
    pub stub: Option<String>,
    /// Write a ready-to-edit Application for every undeclared app into this
    /// directory, one `<name>.yaml` each (existing files are left alone).
    #[arg(long, value_name = "DIR")]
    pub stubs: Option<PathBuf>,
}

/// How the summary is printed (`--format`).
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum DiscoverFormat {
    Text,
    Json,
    Markdown,
}

/// `--since`: a day, or a number of days back from `--at`.
#[derive(Debug, Clone, Copy)]
pub enum Since {
    /// From this day on.
    Day(Date),
    /// Within this many days.
    Within(Days),
}

impl std::str::FromStr for Since {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if let Ok(d) = s.trim().parse::<Date>() {
            return Ok(Self::Day(d));
        }
        s.trim()
            .parse::<Days>()
            .map(Self::Within)
            .map_err(|_| format!("`{s}` is neither a day (YYYY-MM-DD) nor a number of days (`30d`)"))
    }
}

impl Since {
    fn day(self, today: Date) -> Date {
        match self {
            Self::Day(d) => d,
            Self::Within(Days(n)) => today.saturating_sub(jiff::Span::new().days(i64::from(n))),
        }
    }
}

/// Scans every directory the policies name. Shared with `explain
/// --discover`.
pub async fn scan(set: &keyward_core::PolicySet, since: Option<Date>) -> Result<Vec<DirectoryScan>> {
    refuse_cluster_secrets(set)?;
    let dirs = discover::directories(set, &ClusterSecrets::unavailable())?;
    if dirs.is_empty() {
        bail!(said(Msg::new("cli-discover-no-directory")));
    }
    Ok(discover::scan_all(&dirs, &ScanOptions { since }).await?)
}

/// Scans, summarises and prints; writes the JSON and stubs asked for.
pub async fn run(args: DiscoverArgs) -> Result<ExitCode> {
    let today = args.at.unwrap_or_else(super::today);
    let since = args.since.map(|s| s.day(today));
    let loaded = load_policies(&args.input.paths)?;
    let set = &loaded.set;
    let people = read_people_within(set, &args.input.hr_limits()).await?;
    let scans = scan(set, since).await?;
    let catalogue = crate::catalogue::entries().context(said(Msg::new("cli-catalogue-broken")))?;
    let found = discovered::summarize(set, &people, &scans, today, since, &catalogue);
    if let Some(path) = &args.output {
        std::fs::write(path, pretty_json(&found, "the discovery summary")?)
            .with_context(|| said(Msg::new("cli-cannot-write-discovery").arg("path", path.display().to_string())))?;
    }
    if let Some(name) = &args.stub {
        let i = find_app(&found, name)?;
        let text = discovered::stub(&found, i, &catalogue).context(said(Msg::new("cli-no-stub")))?;
        write_stdout(&text)?;
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(dir) = &args.stubs {
        write_stubs(&found, dir, &catalogue)?;
    }
    match args.format {
        DiscoverFormat::Text => write_text(&discovered::text_in(&found, crate::language::current()))?,
        DiscoverFormat::Markdown => write_stdout(&discovered::markdown_in(&found, crate::language::current()))?,
        DiscoverFormat::Json => write_stdout(&pretty_json(&found, "the discovery summary")?)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// The position of the app `name` names: its name or one of its ids,
/// without regard to case.
fn find_app(found: &Discovered, name: &str) -> Result<usize> {
    let name = name.trim();
    let hit = found
        .apps
        .iter()
        .position(|a| a.name.eq_ignore_ascii_case(name) || a.ids.iter().any(|id| id.id.eq_ignore_ascii_case(name)));
    match hit {
        Some(i) => Ok(i),
        None => {
            let known: Vec<&str> =
                found.apps.iter().filter(|a| a.undeclared()).map(|a| a.name.as_str()).take(10).collect();
            let known = if known.is_empty() { Msg::new("cli-none").into() } else { Arg::from(known) };
            bail!(said(Msg::new("cli-no-such-discovered-app").arg("name", name).arg("known", known)))
        }
    }
}

/// One stub per undeclared app, named by the stub's own resource name;
/// a file already there is kept (it may have been edited already).
fn write_stubs(found: &Discovered, dir: &std::path::Path, catalogue: &[discovered::CatalogueEntry]) -> Result<()> {
    std::fs::create_dir_all(dir)
        .with_context(|| said(Msg::new("cli-cannot-create").arg("path", dir.display().to_string())))?;
    let (mut written, mut kept) = (0usize, 0usize);
    for (i, app) in found.apps.iter().enumerate().filter(|(_, a)| a.undeclared()) {
        let Some(text) = discovered::stub(found, i, catalogue) else { continue };
        let path = dir.join(format!("{}.yaml", app.slug()));
        if path.exists() {
            kept += 1;
            continue;
        }
        std::fs::write(&path, text)
            .with_context(|| said(Msg::new("cli-cannot-write").arg("path", path.display().to_string())))?;
        written += 1;
    }
    let lang = crate::language::current();
    let kept = if kept > 0 { t!(lang, "discover-stubs-kept", count = Arg::digits(kept)) } else { String::new() };
    let dir = dir.display().to_string();
    crate::output::stderr_line(&t!(lang, "discover-wrote-stubs", count = Arg::digits(written), dir = dir, kept = kept));
    Ok(())
}
