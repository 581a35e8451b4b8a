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
use keyward_apply::history::Unchanged;
use keyward_apply::{Applier, GuardOptions, Scope, Tally};
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
    let listed_at = jiff::Timestamp::now();
    let listings = pipeline::list_with(set, &connectors).await?;
    let date = approved.as_ref().map_or(args.at, |p| p.date);
    let mut plan = keyward_core::plan_with_roster(set, &people, &listings, date, &roster)?;
    // What was read, with each account's owner, for the audit log
    // (`keyward history`): recorded whether or not anything is applied.
    let listed = keyward_core::owners::listed_accounts(set, &people, &listings);
    // Checklist items a human recorded done are neither applied nor listed again.
    let records = store
        .audit
        .read_all()
        .await
        .with_context(|| said(Msg::new("cli-cannot-use-audit-log").arg("path", state.shown())))?;
    pipeline::settle_completions(&mut plan, &records, &listings, listed_at);
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
    let connectors: BTreeMap<String, Arc<dyn Connector>> =
        connectors.into_iter().map(|(app, c)| (app, Arc::from(c))).collect();
    let audit = store.audit.with_actor(keyward_apply::audit::actor::from_env().as_deref());
    let applier = Applier::new(audit, &args.checklist_dir, args.guard.clone())
        .in_lang(lang)
        .approved_by(args.approved_by.clone())
        .knowing(&records);
    drop(records);
    let run_id = keyward_apply::new_run_id();
    if executable == 0 {
        applier
            .record_listings(&run_id, &listed, Unchanged::Record)
            .await
            .with_context(|| said(Msg::new("cli-cannot-use-audit-log").arg("path", state.shown())))?;
        write_text(&format!("{}\n", t!(lang, "apply-nothing-to-apply")))?;
        store.roster.update(|now| now.updated(&people, date)).await?;
        notify(args, Digest::new("apply", &plan, &people)).await;
        return Ok(ApplyOutcome::NothingToDo);
    }

    // Every app is applied, whatever its mode: the operator approved the
    // plan as it was shown.
    let plan = Arc::new(plan);
    let prepared = applier.prepare(plan.clone(), set, &connectors, Scope::EveryApp).await;
    let refused = prepared.is_refused();
    let confirmed = !refused && (args.auto_approve || approved.is_some() || confirm(prepared.tally(), lang)?);
    if !refused && !confirmed {
        write_text(&format!("{}\n", t!(lang, "apply-cancelled")))?;
        return Ok(ApplyOutcome::Declined);
    }
    // The listings go on record before any change, so the changes of this
    // run are read as coming after them. A log that cannot take them
    // stops the run: the applier would refuse every change anyway.
    applier
        .record_listings(&run_id, &listed, Unchanged::Record)
        .await
        .with_context(|| said(Msg::new("cli-cannot-use-audit-log").arg("path", state.shown())))?;
    // With refusals the applier records them in the audit log and changes
    // nothing.
    let report = applier.apply(prepared, &run_id).await;
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
fn confirm(tally: Tally, lang: Lang) -> Result<bool> {
    if !std::io::stdin().is_terminal() {
        bail!(t!(lang, "apply-no-terminal"));
    }
    write_text(&format!("\n{}", confirmation(tally, lang)))?;
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer).context(said(Msg::new("cli-cannot-read-answer")))?;
    Ok(answer.trim() == "yes")
}

/// The question: only what keyward will change counts as a change; items
/// for a human and apps only planned are said apart, each line only when
/// there is something to say.
fn confirmation(tally: Tally, lang: Lang) -> String {
    let mut out = String::new();
    if tally.changes > 0 {
        let line = t!(
            lang,
            "apply-confirm-changes",
            changes = Arg::digits(tally.changes),
            apps = Arg::digits(tally.change_apps)
        );
        out.push_str(&format!("{line}\n"));
    }
    if tally.checklist_items > 0 {
        let line = t!(
            lang,
            "apply-confirm-checklists",
            items = Arg::digits(tally.checklist_items),
            apps = Arg::digits(tally.checklist_apps)
        );
        out.push_str(&format!("{line}\n"));
    }
    if tally.planned_apps > 0 {
        out.push_str(&format!("{}\n", t!(lang, "apply-confirm-planned", apps = Arg::digits(tally.planned_apps))));
    }
    out.push_str(&t!(lang, "apply-confirm"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_confirmation_counts_only_what_keyward_changes() {
        let tally = Tally { changes: 3, change_apps: 1, checklist_items: 2, checklist_apps: 1, planned_apps: 1 };
        assert_eq!(
            confirmation(tally, Lang::En),
            "3 change(s) will be made in 1 application(s).\n\
             2 item(s) go to checklists for a human in 1 application(s); nothing is sent to those apps.\n\
             1 application(s) are only planned; nothing is done there.\n\
             Apply? Only 'yes' is accepted: "
        );
        let only_checklists = Tally { checklist_items: 2, checklist_apps: 1, ..Tally::default() };
        let ja = confirmation(only_checklists, Lang::Ja);
        assert!(!ja.contains("件の変更を行います"), "{ja}");
        assert!(ja.starts_with("1個のアプリの 2件は、担当者向けのチェックリスト"), "{ja}");
    }
}
