//! A resource's status while the policy set does not validate: the
//! resource's own errors (a field that does not check, a file or variable
//! it may not reach) become `Ready` and `Synced` conditions with reason
//! `InvalidSpec`, so `kubectl get` and `kubectl describe` say what is
//! wrong and how to fix it, not only the controller's log. Counts and
//! `lastSync` keep their last known values. Pure.

use jiff::Timestamp;
use keyward_core::Diagnostic;
use keyward_core::resources::{ApplicationStatus, PeopleSourceStatus};

use super::conditions::{READY, SYNCED, set_condition};

/// Condition reason: the resource (or another one of the namespace) does
/// not validate, so nothing is reconciled.
pub const INVALID_SPEC: &str = "InvalidSpec";

/// Errors named in one condition; the rest are counted.
const SHOWN: usize = 5;

/// The errors among `diagnostics` that are about the resource `label`
/// (`Application acme/chat`), in words for a condition: each field, what
/// is wrong and what to do. `None` when it has none.
pub fn errors_of(diagnostics: &[Diagnostic], label: &str) -> Option<String> {
    let mine: Vec<&Diagnostic> = diagnostics.iter().filter(|d| d.is_error() && d.file == label).collect();
    if mine.is_empty() {
        return None;
    }
    let mut parts: Vec<String> = mine
        .iter()
        .take(SHOWN)
        .map(|d| match &d.help {
            Some(help) => format!("{} ({help})", d.message),
            None => d.message.clone(),
        })
        .collect();
    if mine.len() > SHOWN {
        parts.push(format!("and {} more", mine.len() - SHOWN));
    }
    Some(parts.join("; "))
}

fn message(errors: &str) -> String {
    format!("this resource does not validate, so nothing in its namespace is reconciled until it does: {errors}")
}

/// An Application's status while it does not validate.
pub fn invalid_application(prev: Option<&ApplicationStatus>, errors: &str, now: Timestamp) -> ApplicationStatus {
    let mut s = prev.cloned().unwrap_or_default();
    let msg = message(errors);
    set_condition(&mut s.conditions, SYNCED, "False", INVALID_SPEC, &msg, now);
    set_condition(&mut s.conditions, READY, "False", INVALID_SPEC, &msg, now);
    s
}

/// A PeopleSource's status while it does not validate.
pub fn invalid_people_source(prev: Option<&PeopleSourceStatus>, errors: &str, now: Timestamp) -> PeopleSourceStatus {
    let mut s = prev.cloned().unwrap_or_default();
    set_condition(&mut s.conditions, READY, "False", INVALID_SPEC, &message(errors), now);
    s
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use crate::status::conditions::condition;
    use crate::status::t;

    #[test]
    fn a_resource_that_does_not_validate_says_why_on_its_own_status() {
        let d = vec![
            Diagnostic::error("Application acme/chat", None, "spec.connector.scim.token.env: not from a variable")
                .with_help("use a Secret"),
            Diagnostic::error("Application acme/wiki", None, "spec.connector.csvExport.path: relative"),
        ];
        let errors = errors_of(&d, "Application acme/chat").unwrap();
        assert_eq!(errors, "spec.connector.scim.token.env: not from a variable (use a Secret)");
        assert_eq!(errors_of(&d, "PeopleSource acme/hr"), None);
        let prev = ApplicationStatus { accounts: 7, ..ApplicationStatus::default() };
        let s = invalid_application(Some(&prev), &errors, t(0));
        assert_eq!(s.accounts, 7, "counts are kept");
        let ready = condition(&s.conditions, READY).unwrap();
        assert_eq!((ready.status.as_str(), ready.reason.as_str()), ("False", INVALID_SPEC));
        assert!(ready.message.ends_with(&errors), "{}", ready.message);
        let s = invalid_people_source(None, "spec.csv.path: relative", t(0));
        assert_eq!(condition(&s.conditions, READY).unwrap().reason, INVALID_SPEC);
    }
}
