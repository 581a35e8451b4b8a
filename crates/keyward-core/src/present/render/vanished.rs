//! The plan's words about people who vanished from the HR source (see
//! [`crate::roster`]): one line for the head count, and a section listing
//! each with the day they were last seen and their accounts.

use std::fmt::Write as _;

use crate::plan::{Plan, Vanished};
use crate::printable::escape as printable;

/// `2 people are no longer in the HR source (of 120 seen before)`, or
/// nothing when nobody vanished.
pub fn vanished_line(plan: &Plan) -> Option<String> {
    let p = &plan.people;
    (p.vanished > 0).then(|| {
        let who = if p.vanished == 1 { "person is" } else { "people are" };
        format!("{} {who} no longer in the HR source (of {} seen before)", p.vanished, p.known)
    })
}

/// `1042 山田 太郎 <taro@example.com> — last seen 2026-11-30 (smarthr)`.
pub fn vanished_person(v: &Vanished) -> String {
    let mut s = v.person.id.to_string();
    if let Some(n) = &v.person.name {
        let _ = write!(s, " {n}");
    }
    if let Some(e) = &v.person.email {
        let _ = write!(s, " <{e}>");
    }
    let _ = write!(s, " — last seen {} ({})", v.last_seen, v.source);
    s
}

/// The text plan's section: each vanished person and their accounts, for a
/// decision. Empty when nobody vanished (or too many did to list).
pub fn text_section(plan: &Plan, bold: &str, reset: &str) -> String {
    let mut s = String::new();
    if plan.vanished.is_empty() {
        return s;
    }
    let _ = writeln!(s);
    let _ = writeln!(s, "{bold}No longer in the HR source — decide: they left, or the record moved{reset}");
    for v in &plan.vanished {
        let _ = writeln!(s, "  ? {}", printable(&vanished_person(v)));
        if v.accounts.is_empty() {
            let _ = writeln!(s, "      no accounts found");
        }
        for a in &v.accounts {
            let _ = writeln!(s, "      {}: {}", printable(&a.app), printable(a.account.label()));
        }
    }
    s
}

/// `keyward explain` of a person the HR master no longer has.
pub fn explain_text(v: &Vanished) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "{}", printable(&vanished_person(v)));
    let _ = writeln!(
        s,
        "  no longer in the HR source: keyward saw them last on {}, and has not since. Decide — they left (record the last working day in the HR master), or the record moved (fix its employee number or e-mail). Nothing is changed on absence alone.",
        v.last_seen
    );
    if v.accounts.is_empty() {
        let _ = writeln!(s, "  no accounts found");
    }
    for a in &v.accounts {
        let _ = writeln!(s, "  {}: {}", printable(&a.app), printable(a.account.label()));
    }
    s
}
