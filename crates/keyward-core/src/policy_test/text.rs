//! The results of a test run as text for a terminal.

use std::fmt::Write as _;

use super::{Expected, Outcome};
use crate::grants::{Because, Grant};

/// One line per case (`ok` / `FAILED`); under a failure, each app that
/// differs with expected and actual, the reasons for an actual grant or
/// the policies that did not select the person, and every actual grant;
/// then `N passed, M failed`.
pub fn render_text(outcome: &Outcome) -> String {
    let mut s = String::new();
    for c in &outcome.cases {
        if c.passed {
            let _ = writeln!(s, "ok      {}: {}", c.test, c.name);
            continue;
        }
        let _ = writeln!(s, "FAILED  {}: {} ({}:{}:{})", c.test, c.name, c.file, c.line, c.column);
        let _ = writeln!(s, "        {} on {}, {}", c.person, c.at, c.phase);
        for m in &c.mismatches {
            let _ = writeln!(s, "        {}:", m.app);
            let _ = writeln!(s, "          expected  {}", expected_words(&m.expected));
            match &m.actual {
                Some(g) => {
                    // No groups are worth saying only when groups were expected.
                    let groups = (!g.groups.is_empty() || m.expected.groups.is_some()).then(|| g.groups.clone());
                    let actual = Expected { granted: true, role: g.role.clone(), groups };
                    let _ = writeln!(s, "          actual    {}", expected_words(&actual));
                    let _ = writeln!(s, "          because   {}", because_words(&g.because));
                }
                None => {
                    let _ = writeln!(s, "          actual    not granted");
                    // A leaver fails every policy for the same reason;
                    // one line per reason reads better than one per policy.
                    let mut reasons: Vec<(&str, Vec<&str>)> = Vec::new();
                    for n in &m.why_not {
                        match reasons.iter_mut().find(|(why, _)| *why == n.why) {
                            Some((_, policies)) => policies.push(&n.policy),
                            None => reasons.push((&n.why, vec![&n.policy])),
                        }
                    }
                    for (why, policies) in reasons {
                        let _ = writeln!(s, "          not selected by {}: {why}", policies.join(", "));
                    }
                }
            }
        }
        for e in &c.exceptions_not_in_force {
            let _ = writeln!(s, "        note: {e}");
        }
        if c.actual.is_empty() {
            let _ = writeln!(s, "        actual grants: none");
        } else {
            let _ = writeln!(s, "        actual grants:");
            for g in &c.actual {
                let _ = writeln!(s, "          {}  ({})", grant_words(g), because_words(&g.because));
            }
        }
    }
    let _ = writeln!(s, "{} passed, {} failed", outcome.passed, outcome.failed);
    s
}

/// `granted, role member, groups [a, b]` or `not granted`.
fn expected_words(e: &Expected) -> String {
    if !e.granted {
        return "not granted".to_owned();
    }
    let mut s = match &e.role {
        Some(r) => format!("granted, role {r}"),
        None => "granted".to_owned(),
    };
    if let Some(gs) = &e.groups {
        let _ = write!(s, ", groups [{}]", gs.join(", "));
    }
    s
}

fn grant_words(g: &Grant) -> String {
    let mut s = g.app.clone();
    if let Some(r) = &g.role {
        let _ = write!(s, ": {r}");
    }
    if !g.groups.is_empty() {
        let _ = write!(s, ", groups [{}]", g.groups.join(", "));
    }
    s
}

fn because_words(because: &[Because]) -> String {
    because
        .iter()
        .map(|b| match b {
            Because::AccessPolicy { name, .. } => format!("AccessPolicy {name}"),
            Because::Exception { name, until, .. } => format!("Exception {name} until {until}"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}
