//! Writing what a reconcile found back to the cluster: each Application's
//! and PeopleSource's `.status` (a JSON merge patch on the `/status`
//! subresource, which cannot touch `.spec`), and Kubernetes Events on
//! Applications when something worth a human's attention changed.
//!
//! Which events to send is decided here, purely ([`wanted_events`],
//! [`EventMemory`]), so a resync that finds the same drift as the last one
//! stays quiet instead of adding an event every ten minutes.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::ObjectReference;
use keyward_core::resources::{Application, ApplicationStatus, PeopleSource, PeopleSourceStatus};
use kube::Api;
use kube::api::{Patch, PatchParams};
use kube::runtime::events::{Event, EventType, Recorder};
use serde::Serialize;
use serde_json::json;

use crate::status::{self, AppOutcome, Mode};

/// Event reason: an app in observe mode differs from the policy.
pub const DRIFTED: &str = "Drifted";
/// Event reason: changes were applied (enforce mode).
pub const APPLIED: &str = "Applied";
/// Event reason: a guard refused the app's changes.
pub const BLOCKED_BY_GUARD: &str = "BlockedByGuard";
/// Event reason: the HR data or the app's accounts could not be read.
pub const SOURCE_ERROR: &str = "SourceError";
/// Event reason: the app's export is too old (or dated after today).
pub const STALE_EXPORT: &str = "StaleExport";

/// Longest event note: the API refuses notes over 1 kB.
const MAX_NOTE: usize = 1000;

/// One event to send about an Application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wanted {
    /// `Drifted`, `Applied`, `BlockedByGuard`, `SourceError`.
    pub reason: &'static str,
    /// Normal or warning.
    pub warning: bool,
    /// What happened, for `kubectl describe`.
    pub note: String,
}

fn cut(mut s: String) -> String {
    if s.len() > MAX_NOTE {
        let mut end = MAX_NOTE - 3;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s.truncate(end);
        s.push_str("...");
    }
    s
}

/// The events one app's outcome calls for, before de-duplication. `full`:
/// the outcome is from a full reconcile (a person's reconcile sees only
/// that person's accounts, so it says nothing about the app's drift).
pub fn wanted_events(o: &AppOutcome, full: bool) -> Vec<Wanted> {
    let mut out = Vec::new();
    if let Some(p) = &o.problem {
        out.push(Wanted { reason: SOURCE_ERROR, warning: true, note: cut(format!("{}: {}", p.reason, p.message)) });
    }
    if full && let Some(p) = &o.export_problem {
        out.push(Wanted { reason: STALE_EXPORT, warning: true, note: cut(p.message.clone()) });
    }
    if !o.refusals.is_empty() {
        out.push(Wanted { reason: BLOCKED_BY_GUARD, warning: true, note: cut(o.refusals.join("; ")) });
    }
    if o.applied > 0 {
        let mut note = format!("applied {} change{}", o.applied, if o.applied == 1 { "" } else { "s" });
        if o.failed > 0 {
            note.push_str(&format!(", {} failed", o.failed));
        }
        out.push(Wanted { reason: APPLIED, warning: o.failed > 0, note: cut(note) });
    }
    if full && o.mode == Mode::Observe && o.problem.is_none() && o.drift > 0 {
        let note = format!(
            "{} change{} pending ({}); observe mode changes nothing",
            o.drift,
            if o.drift == 1 { "" } else { "s" },
            status::describe(&o.planned, false)
        );
        out.push(Wanted { reason: DRIFTED, warning: false, note: cut(note) });
    }
    out
}

/// The last event sent per app and reason, so that a state that lasts
/// produces one event, not one per resync.
#[derive(Debug, Default)]
pub struct EventMemory {
    last: BTreeMap<(String, &'static str), String>,
}

impl EventMemory {
    /// Of `wanted` for `app`, those to send now. `Applied` is always sent
    /// (every apply is news); the others only when their note differs from
    /// the last one sent. After a full reconcile, a reason no longer wanted
    /// is forgotten, so its return is reported again.
    pub fn filter(&mut self, app: &str, wanted: Vec<Wanted>, full: bool) -> Vec<Wanted> {
        if full {
            for reason in [DRIFTED, BLOCKED_BY_GUARD, SOURCE_ERROR, STALE_EXPORT] {
                if !wanted.iter().any(|w| w.reason == reason) {
                    self.last.remove(&(app.to_owned(), reason));
                }
            }
        }
        wanted
            .into_iter()
            .filter(|w| {
                if w.reason == APPLIED {
                    return true;
                }
                let key = (app.to_owned(), w.reason);
                if self.last.get(&key) == Some(&w.note) {
                    return false;
                }
                self.last.insert(key, w.note.clone());
                true
            })
            .collect()
    }

    /// Forgets apps no longer in the policies.
    pub fn retain(&mut self, apps: &dyn Fn(&str) -> bool) {
        self.last.retain(|(a, _), _| apps(a));
    }
}

/// Sends one event about an Application. A failure is logged, never
/// fatal: the status carries the same facts.
pub async fn publish(recorder: &Recorder, reference: &ObjectReference, w: &Wanted) {
    let ev = Event {
        type_: if w.warning { EventType::Warning } else { EventType::Normal },
        reason: w.reason.to_owned(),
        // Events outlive the run in the cluster: no secret the process
        // holds, whatever path an app's words took into the note.
        note: Some(keyward_connectors::http::redact_known(&w.note).into_owned()),
        action: "Reconcile".to_owned(),
        secondary: None,
    };
    if let Err(e) = recorder.publish(&ev, reference).await {
        tracing::warn!(object = reference.name.as_deref().unwrap_or(""), reason = w.reason, error = %e, "cannot send a Kubernetes event");
    }
}

/// The merge patch that sets `.status`.
pub fn status_patch<S: Serialize>(status: &S) -> serde_json::Value {
    json!({ "status": status })
}

/// Writes an Application's status, describing `generation`.
pub async fn patch_application(
    api: &Api<Application>,
    name: &str,
    status: &ApplicationStatus,
    generation: Option<i64>,
) -> Result<(), kube::Error> {
    let mut s = status.clone();
    s.observed_generation = generation;
    api.patch_status(name, &PatchParams::default(), &Patch::Merge(status_patch(&s))).await.map(|_| ())
}

/// Writes a PeopleSource's status, describing `generation`.
pub async fn patch_people_source(
    api: &Api<PeopleSource>,
    name: &str,
    status: &PeopleSourceStatus,
    generation: Option<i64>,
) -> Result<(), kube::Error> {
    let mut s = status.clone();
    s.observed_generation = generation;
    api.patch_status(name, &PatchParams::default(), &Patch::Merge(status_patch(&s))).await.map(|_| ())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use crate::status::Problem;

    fn observe(drift: u32) -> AppOutcome {
        let mut o = AppOutcome { drift, ..AppOutcome::default() };
        o.planned.suspend = drift;
        o
    }

    #[test]
    fn a_stale_export_is_a_warning_event_once_until_it_changes() {
        let mut o = observe(0);
        o.export_problem = Some(crate::status::Problem::new("ExportTooOld", "the export crm.csv is 31 days old"));
        let mut m = EventMemory::default();
        let first = m.filter("crm", wanted_events(&o, true), true);
        assert_eq!(first.len(), 1);
        assert_eq!((first[0].reason, first[0].warning), (STALE_EXPORT, true));
        assert!(m.filter("crm", wanted_events(&o, true), true).is_empty());
        assert!(wanted_events(&o, false).is_empty(), "a person's reconcile says nothing about it");
    }

    #[test]
    fn drift_is_reported_once_until_it_changes() {
        let mut m = EventMemory::default();
        let first = m.filter("slack", wanted_events(&observe(2), true), true);
        assert_eq!(first.len(), 1);
        assert_eq!(first[0].reason, DRIFTED);
        assert!(first[0].note.starts_with("2 changes pending (2 suspend)"), "{}", first[0].note);
        assert!(m.filter("slack", wanted_events(&observe(2), true), true).is_empty());
        assert_eq!(m.filter("slack", wanted_events(&observe(3), true), true).len(), 1);
        // In sync, then drifting again: reported again.
        assert!(m.filter("slack", wanted_events(&observe(0), true), true).is_empty());
        assert_eq!(m.filter("slack", wanted_events(&observe(3), true), true).len(), 1);
    }

    #[test]
    fn a_person_reconcile_says_nothing_about_drift_and_applies_are_always_news() {
        let mut m = EventMemory::default();
        assert!(m.filter("slack", wanted_events(&observe(1), false), false).is_empty());
        let applied = AppOutcome { mode: Mode::Enforce, applied: 1, ..AppOutcome::default() };
        assert_eq!(m.filter("slack", wanted_events(&applied, false), false)[0].reason, APPLIED);
        assert_eq!(m.filter("slack", wanted_events(&applied, false), false).len(), 1);
    }

    #[test]
    fn errors_and_refusals_are_warnings() {
        let o = AppOutcome {
            mode: Mode::Enforce,
            problem: Some(Problem::new("ListFailed", "HTTP 500")),
            refusals: vec!["too many suspends".into()],
            ..AppOutcome::default()
        };
        let w = wanted_events(&o, true);
        assert_eq!(
            w.iter().map(|w| (w.reason, w.warning)).collect::<Vec<_>>(),
            [(SOURCE_ERROR, true), (BLOCKED_BY_GUARD, true)]
        );
        assert_eq!(w[0].note, "ListFailed: HTTP 500");
        assert_eq!(cut("é".repeat(600)).len(), 999);
    }
}
