//! `keyward plan`: read the snapshot, plan for the day, print the plan in
//! the format asked for (and save it as JSON for `keyward apply`), send
//! the digest. With `--detailed-exitcode`, exit 2 when the plan has
//! changes. With `--offline`, only files are read and nothing is sent.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context as _, Result};
use jiff::civil::Date;
use keyward_core::i18n::Msg;
use keyward_core::present::digest::Digest;
use keyward_core::present::render::{self, TextOptions};

use super::EXIT_CHANGES;
use crate::args::{Input, NotifyArgs, RosterArgs};
use crate::output::{ColorChoice, stderr_line, stream_stdout, write_stdout};
use crate::pipeline::{self, Snapshot};
use crate::problems;
use crate::problems::said;

/// `keyward plan`.
#[derive(Debug, clap::Args)]
pub struct PlanArgs {
    #[command(flatten)]
    pub input: Input,
    /// Plan for this day instead of today (YYYY-MM-DD), to preview what
    /// the policy will do then.
    #[arg(long, value_name = "DATE")]
    pub at: Option<Date>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = PlanFormat::Text)]
    pub format: PlanFormat,
    /// Also write the JSON plan to this file (for `keyward apply`).
    #[arg(short = 'o', long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Exit 2 when the plan has changes (0 when none, 1 on error).
    #[arg(long)]
    pub detailed_exitcode: bool,
    /// Plan from files only (CSV HR exports, csv-export listings) and
    /// contact no URL named in the policies or given for notifications;
    /// fails when the policies name an HR API or an app's API.
    #[arg(long, conflicts_with_all = ["notify_slack_env", "notify_webhook_env"])]
    pub offline: bool,
    /// When to use colours.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// With --format markdown: the most bytes to print (a pull-request
    /// comment's limit). A longer plan is shortened to the counts per
    /// app and the largest sections that fit.
    #[arg(long, value_name = "N", default_value_t = render::DEFAULT_MAX_BYTES)]
    pub max_bytes: usize,
    #[command(flatten)]
    pub notify: NotifyArgs,
    /// Read (never written by `plan`): people it remembers whom the HR
    /// master no longer has are shown as vanished.
    #[command(flatten)]
    pub roster: RosterArgs,
}

/// How the plan is printed (`--format`).
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum PlanFormat {
    Text,
    Json,
    Markdown,
}

/// Plans and prints; the notification targets are resolved before
/// anything is read, so a typo fails at once.
pub async fn run(args: PlanArgs) -> Result<ExitCode> {
    let PlanArgs { input, at, format, out, detailed_exitcode, offline, color, max_bytes, notify, roster } = args;
    let today = at.unwrap_or_else(super::today);
    let notifiers = notify.notifiers()?;
    let audit_log = crate::args::default_audit_log();
    let roster_read = roster.read(&audit_log).await?;
    let records = roster
        .state(&audit_log)?
        .records(&roster.state.chain, keyward_apply::audit::AuditKey::from_env()?)
        .await
        .with_context(|| said(Msg::new("cli-cannot-use-audit-log").arg("path", audit_log.display().to_string())))?;
    let roster = roster_read;
    let listed_at = jiff::Timestamp::now();
    let snapshot = if offline { read_offline(&input).await? } else { Snapshot::read(&input).await? };
    let mut plan =
        keyward_core::plan_with_roster(snapshot.set(), &snapshot.people, &snapshot.listings, today, &roster)?;
    // What a human recorded done leaves the changes (see README, checklists).
    crate::pipeline::settle_completions(&mut plan, &records, &snapshot.listings, listed_at);
    drop(records);
    for w in &plan.diagnostics {
        problems::diagnostic(snapshot.set(), w);
    }
    if let Some(path) = &out {
        let file = std::fs::File::create(path)
            .with_context(|| said(Msg::new("cli-cannot-write-plan").arg("path", path.display().to_string())))?;
        let mut w = std::io::BufWriter::new(file);
        render::json_to(&plan, &mut w)
            .and_then(|()| w.flush())
            .with_context(|| said(Msg::new("cli-cannot-write-plan").arg("path", path.display().to_string())))?;
    }
    match format {
        PlanFormat::Text => {
            let opts = TextOptions { color: color.enabled(), lang: crate::language::current() };
            write_stdout(&render::text(&plan, opts))?;
        }
        PlanFormat::Json => stream_stdout(|out| render::json_to(&plan, out))?,
        PlanFormat::Markdown => {
            write_stdout(&render::markdown_within_in(&plan, max_bytes, crate::language::current()))?;
        }
    }
    if !notifiers.is_empty() {
        let digest = Digest::new("plan", &plan, &snapshot.people);
        for w in notifiers.send(&digest).await {
            stderr_line(&format!("warning: {w}"));
        }
    }
    let changes = plan.has_changes();
    // The process ends next: freeing millions of accounts one by one
    // would only delay the exit.
    std::mem::forget((plan, snapshot));
    Ok(if detailed_exitcode && changes { ExitCode::from(EXIT_CHANGES) } else { ExitCode::SUCCESS })
}

/// The snapshot from files only, or an error naming every input that
/// would need the network.
async fn read_offline(input: &Input) -> Result<Snapshot> {
    let loaded = pipeline::load_policies(&input.paths)?;
    let remote = pipeline::network_inputs(&loaded.set);
    if !remote.is_empty() {
        anyhow::bail!(said(Msg::new("cli-offline-needs-network").arg("inputs", remote)));
    }
    Snapshot::read_local(loaded, &input.hr_limits()).await
}
