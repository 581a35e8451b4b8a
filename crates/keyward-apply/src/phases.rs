//! Carrying out one app's changes: in [`PHASES`] order, a few accounts at
//! once, one account's changes one after another, a change skipped when an
//! earlier change of its account did not happen, every attempt audited
//! before it is made; or, for a read-only app, its checklist.
//!
//! Every concurrent piece owns what it works on — the plan and the
//! connector behind `Arc`s, positions into the plan instead of borrowed
//! changes — so the apply future is `Send` and can run on any worker.

use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::path::Path;
use std::sync::{Arc, Mutex};

use futures::FutureExt as _;
use futures::StreamExt as _;
use keyward_connectors::http::redact_known;
use keyward_connectors::{Connector, Outcome};
use keyward_core::action::Action;
use keyward_core::i18n::{Lang, Msg};
use keyward_core::plan::{AppSummary, Change, Plan};
use keyward_core::resources::Vendor;

use crate::applier::AppRun;
use crate::audit::{AuditLog, Entry, Event};
use crate::checklist;
use crate::guard;
use crate::report::{Item, ItemResult, Reason};
use crate::strategy::Strategy;

/// The order of phases within an app. Accounts exist before their groups
/// change; sessions and grants are revoked before the suspension (some
/// apps hide a suspended user's tokens from their API); access is cut and
/// data handed over before anything is deleted.
pub const PHASES: [Action; 7] = [
    Action::Create,
    Action::Restore,
    Action::Update,
    Action::Revoke,
    Action::Suspend,
    Action::Transfer,
    Action::Delete,
];

/// Why a later change of an account is not attempted.
#[derive(Debug, Clone, Copy)]
enum Cause {
    Failed(Action),
    NotAttempted(Action),
}

impl Cause {
    /// Why the change `next` of the account is skipped. The catalogue
    /// names the actions (`the suspend failed, so the deletion …`) by
    /// their keywords.
    fn skip_reason(self, next: Action) -> Reason {
        let msg = match self {
            Self::Failed(a) => Msg::new("apply-skip-failed").arg("action", a.as_str()),
            Self::NotAttempted(a) => Msg::new("apply-skip-not-attempted").arg("action", a.as_str()),
        };
        Reason::new(msg.arg("next", next.as_str()))
    }
}

/// Accounts whose earlier change did not happen, by id and by e-mail.
#[derive(Debug, Default)]
struct Blocked {
    ids: HashMap<String, Cause>,
    emails: HashMap<String, Cause>,
}

impl Blocked {
    fn get(&self, c: &Change) -> Option<Cause> {
        let by_id = c.account.id.as_deref().and_then(|id| self.ids.get(id));
        let by_email = || c.account.email.as_deref().and_then(|e| self.emails.get(&e.to_lowercase()));
        by_id.or_else(by_email).copied()
    }

    fn block(&mut self, c: &Change, cause: Cause) {
        if let Some(id) = c.account.id.as_deref() {
            self.ids.entry(id.to_owned()).or_insert(cause);
        }
        if let Some(e) = c.account.email.as_deref() {
            self.emails.entry(e.to_lowercase()).or_insert(cause);
        }
    }
}

/// The audit log as one run writes it, shared by every app's task.
pub(crate) struct RunLog {
    audit: AuditLog,
    id: String,
    audit_error: Mutex<Option<String>>,
}

impl RunLog {
    pub(crate) fn new(audit: AuditLog, id: &str) -> Self {
        Self { audit, id: id.to_owned(), audit_error: Mutex::new(None) }
    }

    /// Records an entry; the first failure is kept for the report and
    /// stops further attempts.
    pub(crate) async fn record(&self, entry: Entry) -> Result<(), String> {
        if let Some(e) = self.broken() {
            return Err(e);
        }
        match self.audit.record_async(&self.id, entry).await {
            Ok(_) => Ok(()),
            Err(e) => {
                let e = e.to_string();
                tracing::error!(error = %e, "cannot write the audit log; no further change is attempted");
                if let Ok(mut slot) = self.audit_error.lock() {
                    slot.get_or_insert_with(|| e.clone());
                }
                Err(e)
            }
        }
    }

    /// The first failure to write the log, if any.
    pub(crate) fn broken(&self) -> Option<String> {
        self.audit_error.lock().map(|s| s.clone()).unwrap_or_else(|p| p.into_inner().clone())
    }
}

/// The changes of the app at `app` in `plan.apps`.
fn app_changes(plan: &Plan, app: usize) -> &[Change] {
    plan.apps.get(app).map_or(&[], |a| plan.changes_for(&a.name))
}

/// Carries out the changes of the app at position `app` in `plan.apps`,
/// whose first change is at `base` in `plan.changes`, as `how` says. The
/// items come back in phase order; the checklist written, if any, beside.
pub(crate) async fn run_app(
    log: Arc<RunLog>,
    plan: Arc<Plan>,
    app: usize,
    base: usize,
    how: AppRun,
    checklist_dir: Arc<Path>,
    lang: Lang,
) -> (Vec<Item>, Option<checklist::Written>) {
    let Some(summary) = plan.apps.get(app) else { return (Vec::new(), None) };
    let changes = app_changes(&plan, app);
    let work: Vec<usize> = (0..changes.len()).filter(|&i| changes[i].action != Action::Review).collect();
    let item = |i: usize, result: ItemResult| Item { index: base + i, change: changes[i].clone(), result };
    match how.strategy {
        // Preparing left no change of an observed app in the plan.
        Strategy::Observe => return (Vec::new(), None),
        // The reviews go on the checklist too, as decisions for the human:
        // an app with only reviews gets one.
        Strategy::Checklist if !changes.is_empty() => {
            let (results, path) =
                write_checklist(&log, &plan, (summary, how.vendor), changes, &work, (&checklist_dir, lang)).await;
            return (results.into_iter().map(|(i, r)| item(i, r)).collect(), path);
        }
        Strategy::Checklist => return (Vec::new(), None),
        Strategy::Enforce => {}
    }
    if work.is_empty() {
        return (Vec::new(), None);
    }
    let Some(connector) = how.connector else {
        let why = Reason::new(Msg::new("apply-no-connector").arg("app", &summary.name));
        let mut out = Vec::with_capacity(work.len());
        for i in work {
            let _ = log.record(Entry::change(Event::Failed, &changes[i]).error(why.to_string())).await;
            out.push(item(i, ItemResult::Failed(why.clone())));
        }
        return (out, None);
    };
    let mut blocked = Blocked::default();
    let mut out = Vec::with_capacity(work.len());
    for phase in PHASES {
        // Changes of one account in the same phase run one after another,
        // in plan order; different accounts run side by side.
        let mut groups: Vec<Vec<usize>> = Vec::new();
        let mut by_account: HashMap<String, usize> = HashMap::new();
        for &i in work.iter().filter(|&&i| changes[i].action == phase) {
            match guard::identity(&changes[i].account) {
                Some(key) => {
                    let g = *by_account.entry(key).or_insert_with(|| {
                        groups.push(Vec::new());
                        groups.len() - 1
                    });
                    groups[g].push(i);
                }
                None => groups.push(vec![i]),
            }
        }
        if groups.is_empty() {
            continue;
        }
        // Each group starts with what blocks its account now; the phase's
        // own outcomes only block later phases.
        let groups: Vec<Group> = groups
            .into_iter()
            .map(|positions| Group { blocked_by: positions.first().and_then(|&i| blocked.get(&changes[i])), positions })
            .collect();
        let (log, plan, connector) = (log.clone(), plan.clone(), connector.clone());
        let done: Vec<Vec<Done>> = futures::stream::iter(groups)
            .map(move |g| run_group(log.clone(), connector.clone(), plan.clone(), app, g))
            .buffer_unordered(how.concurrency)
            .collect()
            .await;
        for (i, result, cause) in done.into_iter().flatten() {
            // A failed revocation must not keep a leaver's account open:
            // the suspension goes ahead, and the revocation is planned
            // again where the app shows what is still open.
            if let Some(cause) = cause.filter(|_| changes[i].action != Action::Revoke) {
                blocked.block(&changes[i], cause);
            }
            out.push(item(i, result));
        }
    }
    (out, None)
}

/// One account's changes of one phase: positions in the app's changes, in
/// plan order, and what blocked the account before the phase began.
struct Group {
    positions: Vec<usize>,
    blocked_by: Option<Cause>,
}

/// A change's position in its app's changes, its result, and the cause it
/// sets for the account's later changes.
type Done = (usize, ItemResult, Option<Cause>);

/// One account's changes of one phase, in order, each with the cause that
/// blocks the account's later changes (the first thing that did not
/// happen, so a skip three steps later still names the real failure).
async fn run_group(
    log: Arc<RunLog>,
    connector: Arc<dyn Connector>,
    plan: Arc<Plan>,
    app: usize,
    group: Group,
) -> Vec<Done> {
    let changes = app_changes(&plan, app);
    let mut cause = group.blocked_by;
    let mut out = Vec::with_capacity(group.positions.len());
    for i in group.positions {
        let Some(c) = changes.get(i) else { continue };
        let result = match cause {
            Some(why) => {
                let reason = why.skip_reason(c.action);
                let _ = log.record(Entry::change(Event::Skipped, c).detail(reason.to_string())).await;
                ItemResult::Skipped(reason)
            }
            None => run_one(&log, connector.as_ref(), c).await,
        };
        match &result {
            ItemResult::Failed(_) => cause = cause.or(Some(Cause::Failed(c.action))),
            ItemResult::Skipped(_) => cause = cause.or(Some(Cause::NotAttempted(c.action))),
            _ => {}
        }
        let blocks = matches!(result, ItemResult::Failed(_) | ItemResult::Skipped(_)).then_some(cause).flatten();
        out.push((i, result, blocks));
    }
    out
}

async fn run_one(log: &RunLog, connector: &dyn Connector, c: &Change) -> ItemResult {
    // Without a record of the attempt the change must not be made: the log
    // has to show everything keyward may have done.
    if let Err(e) = log.record(Entry::change(Event::Attempted, c)).await {
        return ItemResult::Skipped(Reason::new(Msg::new("apply-audit-unwritable").arg("error", e)));
    }
    let outcome = AssertUnwindSafe(connector.apply(c)).catch_unwind().await;
    // The app's words go into the report and from there to the terminal,
    // a status or a notification: without any secret this process holds.
    let scrub = |text: &str| redact_known(text).into_owned();
    let (result, entry) = match outcome {
        Ok(Ok(Outcome::Applied(what))) => {
            let what = scrub(&what);
            (ItemResult::Applied(what.clone()), Entry::change(Event::Applied, c).detail(what))
        }
        Ok(Ok(Outcome::AlreadyDone(what))) => {
            let what = scrub(&what);
            (ItemResult::AlreadyDone(what.clone()), Entry::change(Event::AlreadyDone, c).detail(what))
        }
        Ok(Err(e)) => {
            let e = scrub(&e.to_string());
            (ItemResult::Failed(e.clone().into()), Entry::change(Event::Failed, c).error(e))
        }
        Err(_) => {
            // A bug in one connector must not take down the other apps.
            let e = Reason::new(Msg::new("apply-connector-panicked").arg("kind", connector.kind()));
            (ItemResult::Failed(e.clone()), Entry::change(Event::Failed, c).error(e.to_string()))
        }
    };
    // The change is made either way; a failure here is kept in the report
    // and stops later attempts.
    let _ = log.record(entry).await;
    result
}

/// Writes the checklist of a read-only app: the changes at `work` in
/// `changes`, each with its result, and the app's reviews for the human to
/// decide (no result: nothing was done about them).
async fn write_checklist(
    log: &RunLog,
    plan: &Plan,
    (app, vendor): (&AppSummary, Option<Vendor>),
    changes: &[Change],
    work: &[usize],
    (dir, lang): (&Path, Lang),
) -> (Vec<(usize, ItemResult)>, Option<checklist::Written>) {
    let listed: Vec<&Change> = work.iter().map(|&i| &changes[i]).collect();
    let reviews: Vec<&Change> = changes.iter().filter(|c| c.action == Action::Review).collect();
    let sheet = checklist::Sheet { app, vendor, when: (plan.date, &log.id), changes: &listed, reviews: &reviews };
    let written = checklist::write(dir, &sheet, lang).await;
    let mut out = Vec::with_capacity(work.len());
    match written {
        Ok(written) => {
            for &i in work {
                let entry = Entry::change(Event::Checklist, &changes[i]).detail(written.path.display().to_string());
                let _ = log.record(entry).await;
                out.push((i, ItemResult::Checklist(written.path.clone())));
            }
            (out, Some(written))
        }
        Err(e) => {
            let path = dir.join(checklist::file_name(&app.name));
            let why = Reason::new(
                Msg::new("apply-checklist-unwritable")
                    .arg("path", path.display().to_string())
                    .arg("error", e.to_string()),
            );
            for &i in work {
                let _ = log.record(Entry::change(Event::Failed, &changes[i]).error(why.to_string())).await;
                out.push((i, ItemResult::Failed(why.clone())));
            }
            (out, None)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skip_reasons_name_the_cause() {
        assert_eq!(
            Cause::Failed(Action::Suspend).skip_reason(Action::Delete).as_str(),
            "the suspend failed, so the deletion was not attempted"
        );
        assert_eq!(
            Cause::NotAttempted(Action::Create).skip_reason(Action::Update).as_str(),
            "the create was not attempted, so the update was not attempted either"
        );
    }

    #[test]
    fn skip_reasons_name_every_action_in_both_languages() {
        let english = [
            (Action::Create, "creation"),
            (Action::Restore, "restore"),
            (Action::Update, "update"),
            (Action::Revoke, "revocation"),
            (Action::Suspend, "suspension"),
            (Action::Transfer, "hand-over"),
            (Action::Delete, "deletion"),
        ];
        for (next, noun) in english {
            let why = Cause::Failed(Action::Create).skip_reason(next);
            assert_eq!(why.as_str(), format!("the create failed, so the {noun} was not attempted"));
        }
        assert_eq!(
            Cause::Failed(Action::Suspend).skip_reason(Action::Transfer).render(Lang::Ja),
            "停止に失敗したため、引き継ぎは試行していません"
        );
        assert_eq!(
            Cause::NotAttempted(Action::Create).skip_reason(Action::Update).render(Lang::Ja),
            "作成を試行しなかったため、変更も試行していません"
        );
    }

    #[test]
    fn phases_follow_the_action_order() {
        let mut sorted = PHASES;
        sorted.sort();
        assert_eq!(sorted, PHASES, "checklists sort by Action and must match the apply order");
    }
}
