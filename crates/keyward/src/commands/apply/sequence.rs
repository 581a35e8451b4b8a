//! The sequence of `keyward apply`: read everything, plan (or check a saved plan is still
//! what was approved), prepare the run (the guards), ask, and hand it to
//! the applier. Decisions stay in keyward-core and keyward-apply; this
//! module only sequences them and talks to the operator.

use std::collections::BTreeMap;
use std::io::BufRead as _;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context as _, Result, bail};
use is_terminal::IsTerminal as _;
use jiff::civil::Date;
use keyward_apply::audit::AuditKey;
use keyward_apply::{Applier, GuardOptions, Scope};
use keyward_connectors::Connector;
use keyward_core::action::Action;
use keyward_core::i18n::{Arg, Lang, Msg};
use keyward_core::plan::Plan;
use keyward_core::present::digest::{AppliedCounts, Digest};
use keyward_core::present::render::{self, TextOptions};
use keyward_core::t;

use crate::output::{stderr_line, write_stderr, write_stdout, write_text};
use crate::pipeline;
use crate::problems::said;

/// What the operator asked for, with the flags resolved (the notification
/// targets parsed, the day chosen).
#[derive(Debug, Clone)]
pub struct Request {
    /// Policy files or directories.
    pub paths: Vec<PathBuf>,
    /// A plan saved by `keyward plan -o`, reviewed and approved.
    pub plan_file: Option<PathBuf>,
    /// Plan for this day (without a plan file).
    pub at: Date,
    /// Apply without asking.
    pub auto_approve: bool,
    /// Who approved the saved plan.
    pub approved_by: Option<String>,
    /// The audit log.
    pub audit_log: PathBuf,
    /// Where checklists for read-only apps go.
    pub checklist_dir: PathBuf,
    /// Guard overrides and limits.
    pub guard: GuardOptions,
    /// Caps on the HR master.
    pub hr_limits: keyward_sources::HrLimits,
    /// Colour in the printed plan.
    pub color: bool,
    /// Where the digest of the run is sent.
    pub notify: crate::notify::Notifiers,
    /// The roster of everyone seen (read, and written after the run).
    pub roster: crate::args::RosterArgs,
}

/// How an apply ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApplyOutcome {
    /// Nothing needed doing.
    NothingToDo,
    /// Every change was made (or put on a checklist).
    Done,
    /// Some changes failed or were skipped; the rest were made.
    Partial,
    /// A guard refused the plan; nothing was changed.
    Refused,
    /// The operator said no; nothing was changed.
    Declined,
}

/// Runs `keyward apply`.
pub async fn run(args: &Request) -> Result<ApplyOutcome> {
    let lang = crate::language::current();
    let loaded = pipeline::load_policies(&args.paths)?;
    let set = &loaded.set;
    // Open (and verify) the audit log before touching any app: a log that
    // cannot be written, or was tampered with, must stop the run up front.
    let state = args.roster.state(&args.audit_log)?;
    let key = AuditKey::from_env()?;
    let store = state
        .open(&args.roster.state.chain, key)
        .await
        .with_context(|| said(Msg::new("cli-cannot-use-audit-log").arg("path", state.shown())))?;
    let roster = store.roster.read().await?;
    let approved = match &args.plan_file {
        Some(path) => Some(read_plan(path)?),
        None => None,
    };
    let people = pipeline::read_people_within(set, &args.hr_limits).await?;
    let connectors = pipeline::connect(set)?;
    let listings = pipeline::list_with(set, &connectors).await?;
    let date = approved.as_ref().map_or(args.at, |p| p.date);
    let mut plan = keyward_core::plan_with_roster(set, &people, &listings, date, &roster)?;
    drop(listings);

    if let Some(approved) = &approved {
        let cmp = keyward_core::approval::compare(approved, &plan);
        if !cmp.is_approved() {
            let mut msg = t!(lang, "apply-not-approved", count = Arg::digits(cmp.unapproved.len()));
            msg.push('\n');
            for c in &cmp.unapproved {
                let line = t!(
                    lang,
                    "apply-not-approved-line",
                    app = c.app.as_str(),
                    action = render::action_name(c.action, lang),
                    account = c.account.label(),
                    reason = c.reason_in(lang).into_owned(),
                );
                msg.push_str(&format!("  {line}\n"));
            }
            msg.push_str(&t!(lang, "apply-not-approved-end"));
            bail!(msg);
        }
        if cmp.no_longer_needed > 0 {
            write_text(&format!(
                "{}\n",
                t!(lang, "apply-no-longer-needed", count = Arg::digits(cmp.no_longer_needed))
            ))?;
        }
        if cmp.new_reviews > 0 {
            write_text(&format!("{}\n", t!(lang, "apply-new-reviews", count = Arg::digits(cmp.new_reviews))))?;
        }
        let keep = cmp.approved_positions.clone();
        let mut pos = 0usize;
        let mut next = 0usize;
        plan.retain_changes(|c| {
            let here = pos;
            pos += 1;
            if next < keep.len() && keep[next] == here {
                next += 1;
                true
            } else {
                c.action == Action::Review
            }
        });
        if date != args.at {
            stderr_line(&t!(lang, "apply-approved-for-day", date = date));
        }
    }

    let executable = plan.changes.iter().filter(|c| c.action != Action::Review).count();
    // Before any change: a plan that cannot be shown is not applied.
    // The text rendering escapes its data itself, around its colours.
    write_stdout(&render::text(&plan, TextOptions { color: args.color, lang }))?;
    if executable == 0 {
        write_text(&format!("{}\n", t!(lang, "apply-nothing-to-apply")))?;
        store.roster.update(|now| now.updated(&people, date)).await?;
        notify(args, Digest::new("apply", &plan, &people)).await;
        return Ok(ApplyOutcome::NothingToDo);
    }

    // Every app is applied, whatever its mode: the operator approved the
    // plan as it was shown.
    let connectors: BTreeMap<String, Arc<dyn Connector>> =
        connectors.into_iter().map(|(app, c)| (app, Arc::from(c))).collect();
    let audit = store.audit.with_actor(keyward_apply::audit::actor::from_env().as_deref());
    let applier = Applier::new(audit, &args.checklist_dir, args.guard.clone())
        .in_lang(lang)
        .approved_by(args.approved_by.clone());
    let plan = Arc::new(plan);
    let prepared = applier.prepare(plan.clone(), set, &connectors, Scope::EveryApp).await;
    let refused = prepared.is_refused();
    let confirmed = !refused && (args.auto_approve || approved.is_some() || confirm(&plan, executable, lang)?);
    if !refused && !confirmed {
        write_text(&format!("{}\n", t!(lang, "apply-cancelled")))?;
        return Ok(ApplyOutcome::Declined);
    }
    // With refusals the applier records them in the audit log and changes
    // nothing.
    let report = applier.apply(prepared, &keyward_apply::new_run_id()).await;
    let text = report.render_text(lang);
    let mut digest = Digest::new("apply", &plan, &people);
    digest.guard_refusals = report.refusals.iter().map(ToString::to_string).collect();
    digest.guard_refusals_shown = report.refusals.iter().map(|r| r.message_in(lang)).collect();
    if report.is_refused() {
        write_stderr(&text);
        notify(args, digest).await;
        return Ok(ApplyOutcome::Refused);
    }
    // The roster records whom this run saw only once a run went ahead: a
    // refused or cancelled one leaves it for the next to compare with.
    if let Err(e) = store.roster.update(|now| now.updated(&people, date)).await {
        stderr_line(&format!("warning: {e:#}"));
    }
    // After the changes were made, failing to show the report must not
    // make the run look failed: the audit log has every change.
    let end = t!(
        lang,
        "apply-audit-end",
        log = applier.audit().path().display().to_string(),
        records = Arg::digits(report.audit_records),
        hash = report.audit_last_hash.as_str(),
    );
    let shown = format!("{text}{end}\n");
    if let Err(e) = write_text(&shown) {
        stderr_line(&format!("warning: {e:#}"));
    }
    digest.applied = Some(AppliedCounts {
        applied: report.applied() + report.already_done(),
        failed: report.failed(),
        skipped: report.skipped(),
    });
    notify(args, digest).await;
    Ok(if report.is_partial() { ApplyOutcome::Partial } else { ApplyOutcome::Done })
}

/// Sends the digest; a delivery problem is a warning, never the outcome.
async fn notify(args: &Request, digest: Digest) {
    for w in args.notify.send(&digest).await {
        stderr_line(&format!("warning: {w}"));
    }
}

fn read_plan(path: &PathBuf) -> Result<Plan> {
    let text = std::fs::read_to_string(path)
        .with_context(|| said(Msg::new("cli-cannot-read-plan").arg("path", path.display().to_string())))?;
    Plan::from_json(&text).with_context(|| said(Msg::new("cli-not-a-plan").arg("path", path.display().to_string())))
}

/// Asks on the terminal. Without one (CI), refuses: an unattended apply
/// must say so with `--auto-approve`.
fn confirm(plan: &Plan, executable: usize, lang: Lang) -> Result<bool> {
    if !std::io::stdin().is_terminal() {
        bail!(t!(lang, "apply-no-terminal"));
    }
    let apps = plan.apps.iter().filter(|a| a.changes.total() > a.changes.review).count();
    write_text(&format!(
        "\n{}",
        t!(lang, "apply-confirm", changes = Arg::digits(executable), apps = Arg::digits(apps))
    ))?;
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer).context(said(Msg::new("cli-cannot-read-answer")))?;
    Ok(answer.trim() == "yes")
}
