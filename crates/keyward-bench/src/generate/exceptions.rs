//! A handful of Exceptions, each for a person found in the generated
//! organisation: a leaver's hand-over, a cross-team project, a
//! contractor's audit access, and one that has expired.

use std::fmt::Write as _;

use super::yaml::q;
use crate::days;
use crate::org::{self, App, Org, Person, Phase};

/// One Exception to write; `app` is 1-based.
struct ExceptionDef<'a> {
    kind: &'static str,
    person: Option<&'a Person>,
    app: usize,
    role: Option<&'static str>,
    from: Option<i32>,
    until: i32,
    reason: &'static str,
}

/// A handful of Exceptions: a leaver's hand-over, a cross-team project, a
/// contractor's audit access, and one that has expired.
pub(super) fn exceptions_yaml(org: &Org, apps: &[App]) -> String {
    let today = org.today;
    let find = |from: usize, ok: &dyn Fn(&Person) -> bool| -> Option<&Person> {
        let n = org.persons.len();
        (0..n).map(|i| &org.persons[(from + i) % n]).find(|p| !p.superseded && ok(p))
    };
    let n = org.persons.len();
    let leaver = find(n / 3, &|p| matches!(p.phase(today), Phase::Left { last_day } if today - last_day <= 20));
    let engineer = find(n / 2, &|p| p.phase(today) == Phase::Employed && p.github.is_some());
    let contractor = find(n / 5, &|p| p.phase(today) == Phase::Employed && p.emp == org::Emp::Contractor);
    let someone = find(n / 7, &|p| p.phase(today) == Phase::Employed);
    let items = [
        ExceptionDef {
            kind: "handover",
            person: leaver,
            app: 2,
            role: None,
            from: None,
            until: today + 30,
            reason: "引き継ぎのため退職後30日間メールを残す",
        },
        ExceptionDef {
            kind: "project",
            person: engineer,
            app: 12,
            role: Some("read-only"),
            from: Some(today - 10),
            until: today + 60,
            reason: "顧客データ連携プロジェクトのため",
        },
        ExceptionDef {
            kind: "audit",
            person: contractor,
            app: 16,
            role: Some("viewer"),
            from: None,
            until: today + 90,
            reason: "外部監査の期間中のみ",
        },
        ExceptionDef {
            kind: "expired",
            person: someone,
            app: 3,
            role: Some("licensed"),
            from: Some(today - 60),
            until: today - 5,
            reason: "ウェビナー開催のため(終了済み)",
        },
    ];
    let mut y = String::new();
    for ExceptionDef { kind, person, app, role, from, until, reason } in items {
        let (Some(p), Some(a)) = (person, apps.get(app - 1)) else {
            continue;
        };
        if !y.is_empty() {
            y.push_str("---\n");
        }
        y.push_str("apiVersion: keyward.io/v1alpha1\nkind: Exception\nmetadata:\n");
        let _ = writeln!(y, "  name: {kind}-{}", p.id.to_lowercase());
        y.push_str("spec:\n");
        let _ = writeln!(y, "  person: {}", q(&p.id));
        let _ = writeln!(y, "  grant:\n    - app: {}", a.name);
        if let Some(r) = role {
            let _ = writeln!(y, "      role: {r}");
        }
        if let Some(f) = from {
            let _ = writeln!(y, "  from: {}", days::iso(f));
        }
        let _ = writeln!(y, "  until: {}", days::iso(until));
        let _ = writeln!(y, "  reason: {}", q(reason));
        y.push_str("  approver: jinji@example.com\n");
    }
    y
}
