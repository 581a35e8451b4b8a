//! Kubernetes-style conditions on a status: setting one (its
//! `lastTransitionTime` moves only when its status changes), finding one,
//! and how statuses write times. Pure.

use jiff::Timestamp;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{Condition, Time};

/// Condition type: everything is as the resource asks.
pub const READY: &str = "Ready";
/// Condition type: the last reconcile completed.
pub const SYNCED: &str = "Synced";
/// Condition type: changes remain.
pub const DRIFTED: &str = "Drifted";
/// Condition type: a guard refused the changes.
pub const BLOCKED_BY_GUARD: &str = "BlockedByGuard";
/// Condition type: data could not be read.
pub const SOURCE_ERROR: &str = "SourceError";
/// Condition type: the app's export is older than its `maxAge` (or dated
/// after today). Set only for apps read from an export.
pub const STALE_EXPORT: &str = "StaleExport";

/// Longest condition message kept; longer ones are cut (the full text is
/// in the log).
pub const MAX_MESSAGE: usize = 2000;

/// Sets a condition, keeping its `lastTransitionTime` when the status did
/// not change.
pub fn set_condition(
    conditions: &mut Vec<Condition>,
    type_: &str,
    status: &str,
    reason: &str,
    message: &str,
    now: Timestamp,
) {
    let message = truncate(message);
    match conditions.iter_mut().find(|c| c.type_ == type_) {
        Some(c) => {
            if c.status != status {
                c.last_transition_time = Time(second(now));
            }
            c.status = status.to_owned();
            c.reason = reason.to_owned();
            c.message = message;
        }
        None => conditions.push(Condition {
            last_transition_time: Time(second(now)),
            message,
            observed_generation: None,
            reason: reason.to_owned(),
            status: status.to_owned(),
            type_: type_.to_owned(),
        }),
    }
}

/// The condition of a type, if set.
pub fn condition<'a>(conditions: &'a [Condition], type_: &str) -> Option<&'a Condition> {
    conditions.iter().find(|c| c.type_ == type_)
}

fn truncate(s: &str) -> String {
    if s.len() <= MAX_MESSAGE {
        return s.to_owned();
    }
    let mut end = MAX_MESSAGE;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

fn second(t: Timestamp) -> Timestamp {
    Timestamp::from_second(t.as_second()).unwrap_or(t)
}

/// `2026-11-23T09:15:00Z`, as statuses write times.
pub fn rfc3339(t: Timestamp) -> String {
    second(t).to_string()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use crate::status::t;

    #[test]
    fn transition_times_move_only_when_the_status_changes() {
        let mut c = Vec::new();
        set_condition(&mut c, READY, "True", "InSync", "ok", t(0));
        set_condition(&mut c, READY, "True", "InSync", "still ok", t(100));
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].last_transition_time, Time(t(0)));
        assert_eq!(c[0].message, "still ok");
        set_condition(&mut c, READY, "False", "ApplyFailed", "broken", t(200));
        assert_eq!(c[0].last_transition_time, Time(t(200)));
        assert_eq!(c[0].reason, "ApplyFailed");
        let long = "x".repeat(MAX_MESSAGE + 10);
        set_condition(&mut c, DRIFTED, "True", "ChangesPending", &long, t(0));
        assert!(c[1].message.len() <= MAX_MESSAGE + '…'.len_utf8());
    }
}
