//! The discovery summary as text for a terminal. Every value from a
//! directory is printed through [`crate::printable`], as the plan's text
//! rendering does: an app name can hold escape sequences.

use std::fmt::Write as _;

use super::{Discovered, DiscoveredApp, Holder, IDS_SHOWN, Tally, more, tally_items};
use crate::printable::escape as p;

/// Departments or employment types shown per app before `… and N more`.
const TALLIES: usize = 5;

/// The summary as text.
pub fn text(d: &Discovered) -> String {
    let mut s = String::new();
    let _ = write!(s, "Discovered apps on {}", d.date);
    if let Some(since) = d.since {
        let _ = write!(s, " (activity since {since})");
    }
    s.push('\n');
    for dir in &d.directories {
        let _ = writeln!(
            s,
            "  {} ({}): {} users read, {} requests",
            p(&dir.source),
            p(&dir.directory),
            dir.users,
            dir.requests
        );
    }
    let holders: usize = d.apps.iter().map(|a| a.holders.len()).sum();
    let _ = writeln!(
        s,
        "\n{} apps: {} undeclared, {} covered by an Application. {} grants held by leavers or people on leave.",
        d.apps.len(),
        d.undeclared(),
        d.apps.len() - d.undeclared(),
        holders
    );
    for a in &d.apps {
        app(&mut s, a);
    }
    let notes: Vec<(&str, &str)> = d.notes().collect();
    if !notes.is_empty() {
        let _ = writeln!(s, "\nNotes");
        for (dir, note) in notes {
            let _ = writeln!(s, "  {}: {}", p(dir), p(note));
        }
    }
    s
}

fn app(s: &mut String, a: &DiscoveredApp) {
    let mark = if a.undeclared() { "!" } else { "✓" };
    let _ = write!(s, "\n{mark} {}  {} {}", p(&a.name), a.people, if a.people == 1 { "person" } else { "people" });
    if a.unknown_users > 0 {
        let _ = write!(s, ", {} not in the HR data", a.unknown_users);
    }
    match (&a.covered_by, &a.catalogue) {
        (Some(c), _) => {
            let _ = write!(s, " · covered by {}", p(c));
        }
        (None, Some(c)) => {
            let _ = write!(s, " · undeclared (catalogue: {})", p(c));
        }
        (None, None) => s.push_str(" · undeclared"),
    }
    s.push('\n');
    let mut facts = Vec::new();
    if let Some(pb) = &a.publisher {
        facts.push(format!("publisher {}", p(pb)));
    }
    facts.push(a.evidence.iter().map(|e| e.as_str()).collect::<Vec<_>>().join(", "));
    if a.tenant_consent {
        facts.push("admin consent for the whole tenant".to_owned());
    }
    let seen = a.seen();
    if !seen.is_empty() {
        facts.push(format!("seen {seen}"));
    }
    let _ = writeln!(s, "    {}", facts.join(" · "));
    let mut ids: Vec<String> =
        a.ids.iter().take(IDS_SHOWN).map(|i| format!("{} {}", p(&i.directory), p(&i.id))).collect();
    ids.extend(more(a.ids.len(), IDS_SHOWN));
    let _ = writeln!(s, "    ids: {}", ids.join(", "));
    if !a.departments.is_empty() {
        let _ = writeln!(s, "    departments: {}", tallies(&a.departments));
    }
    if !a.employment_types.is_empty() {
        let _ = writeln!(s, "    employment types: {}", tallies(&a.employment_types));
    }
    if !a.unknown_examples.is_empty() {
        let mut list: Vec<String> = a.unknown_examples.iter().map(|u| p(u).into_owned()).collect();
        list.extend(more(a.unknown_users, a.unknown_examples.len()));
        let _ = writeln!(s, "    not in the HR data: {}", list.join(", "));
    }
    for h in &a.holders {
        let _ = writeln!(s, "    {}", holder(h));
    }
}

/// `Sales (8), Engineering (4), … and 2 more`.
fn tallies(t: &[Tally]) -> String {
    tally_items(t, TALLIES, |n| p(n).into_owned()).join(", ")
}

/// `left E0031 青木 翼 <a@x>, last day 2026-11-20: PeopleSource/hr oauthToken · scopes a, b`.
fn holder(h: &Holder) -> String {
    let mut s = format!("{} {}", h.phase.as_str(), p(&h.person_id));
    if let Some(n) = &h.name {
        let _ = write!(s, " {}", p(n));
    }
    let _ = write!(s, " <{}>", p(&h.user));
    if let Some(d) = h.last_day {
        let _ = write!(s, ", last day {d}");
    }
    let _ = write!(s, ": {} {}", p(&h.directory), h.evidence.as_str());
    if let Some(l) = h.last_seen {
        let _ = write!(s, ", last seen {l}");
    }
    if !h.scopes.is_empty() {
        let scopes: Vec<String> = h.scopes.iter().map(|x| p(x).into_owned()).collect();
        let _ = write!(s, " · scopes {}", scopes.join(", "));
        if h.more_scopes > 0 {
            let _ = write!(s, " … and {} more", h.more_scopes);
        }
    }
    s
}
