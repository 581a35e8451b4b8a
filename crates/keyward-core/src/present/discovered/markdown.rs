//! The discovery summary as Markdown (an issue, a pull-request comment, a
//! wiki page): tables, every value escaped as the plan's Markdown is
//! ([`crate::present::escape`]).

use std::fmt::Write as _;

use super::{Discovered, DiscoveredApp, Tally, tally_items};
use crate::present::escape::{md_code, md_text};

/// Departments or employment types shown per cell before `… and N more`.
const TALLIES: usize = 3;

/// The summary as Markdown.
pub fn markdown(d: &Discovered) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "## Discovered apps on {}\n", d.date);
    if let Some(since) = d.since {
        let _ = writeln!(s, "Activity since {since}; undated grants are included.\n");
    }
    let holders: usize = d.apps.iter().map(|a| a.holders.len()).sum();
    let _ = writeln!(
        s,
        "**{}** apps: **{}** undeclared, {} covered by an Application. **{holders}** grants held by leavers or people on leave.\n",
        d.apps.len(),
        d.undeclared(),
        d.apps.len() - d.undeclared()
    );
    if !d.directories.is_empty() {
        s.push_str("| Directory | Read | Users | Requests |\n|---|---|---:|---:|\n");
        for dir in &d.directories {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} |",
                md_code(&dir.directory),
                md_text(&dir.source),
                dir.users,
                dir.requests
            );
        }
        s.push('\n');
    }
    if !d.apps.is_empty() {
        s.push_str("| App | People | Not in HR | Departments | Employment types | Seen | Covered by |\n|---|---:|---:|---|---|---|---|\n");
        for a in &d.apps {
            app_row(&mut s, a);
        }
        s.push('\n');
    }
    if holders > 0 {
        s.push_str("### Leavers and people on leave still holding grants\n\n| App | Person | Situation | Directory | Evidence | Scopes |\n|---|---|---|---|---|---|\n");
        for a in &d.apps {
            for h in &a.holders {
                let who = match &h.name {
                    Some(n) => format!("{} ({})", md_text(n), md_text(&h.person_id)),
                    None => md_text(&h.person_id),
                };
                let situation = h.situation();
                let mut scopes: Vec<String> = h.scopes.iter().map(|x| md_code(x)).collect();
                if h.more_scopes > 0 {
                    scopes.push(format!("… and {} more", h.more_scopes));
                }
                let _ = writeln!(
                    s,
                    "| {} | {who} {} | {situation} | {} | {} | {} |",
                    md_text(&a.name),
                    md_code(&h.user),
                    md_code(&h.directory),
                    h.evidence.as_str(),
                    scopes.join(", ")
                );
            }
        }
        s.push('\n');
    }
    let notes: Vec<(&str, &str)> = d.notes().collect();
    if !notes.is_empty() {
        s.push_str("### Notes\n\n");
        for (dir, note) in notes {
            let _ = writeln!(s, "- {}: {}", md_code(dir), md_text(note));
        }
        s.push('\n');
    }
    s
}

fn app_row(s: &mut String, a: &DiscoveredApp) {
    let mut name = md_text(&a.name);
    if let Some(p) = &a.publisher {
        let _ = write!(name, " · {}", md_text(p));
    }
    if a.tenant_consent {
        name.push_str(" · tenant-wide consent");
    }
    let seen = a.seen();
    let covered = match (&a.covered_by, &a.catalogue) {
        (Some(c), _) => md_code(c),
        (None, Some(c)) => format!("**undeclared** (catalogue: {})", md_code(c)),
        (None, None) => "**undeclared**".to_owned(),
    };
    let _ = writeln!(
        s,
        "| {name} | {} | {} | {} | {} | {seen} | {covered} |",
        a.people,
        a.unknown_users,
        tallies(&a.departments),
        tallies(&a.employment_types)
    );
}

fn tallies(t: &[Tally]) -> String {
    tally_items(t, TALLIES, md_text).join(", ")
}
