//! Markdown checklists for apps keyward can only read.

use std::fmt::Write as _;

use jiff::civil::Date;
use keyward_core::action::Action;
use keyward_core::plan::{AccountRef, AppSummary, Change};

/// `<app>.md`, with anything that could leave the directory replaced.
pub(crate) fn file_name(app: &str) -> String {
    let safe: String =
        app.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') { c } else { '_' }).collect();
    // A leading dot would hide the file, and `..` would climb out.
    let safe = safe.trim_start_matches('.');
    if safe.is_empty() { "_.md".to_owned() } else { format!("{safe}.md") }
}

/// The checklist for one app's changes, in the order a human should make
/// them (the apply phase order: a hand-over before the deletion).
pub(crate) fn render(app: &AppSummary, date: Date, run: &str, changes: &[&Change]) -> String {
    let mut sorted: Vec<&Change> = changes.to_vec();
    sorted.sort_by_key(|c| c.action);
    let mut out = String::new();
    let _ = writeln!(out, "# {}: changes to make by hand", app.display_name);
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "Plan for {date}, keyward apply run `{run}`. keyward cannot change {} itself (its {} connector only reads), so make these {} change(s) in the app, top to bottom, and tick each one off. The next plan shows what is still left.",
        app.display_name,
        app.connector,
        sorted.len()
    );
    let _ = writeln!(out);
    for c in sorted {
        let _ = writeln!(out, "- [ ] {}", line(c));
    }
    out
}

fn account(a: &AccountRef) -> String {
    let label = a.label();
    match a.id.as_deref() {
        Some(id) if id != label => format!("`{label}` (id `{id}`)"),
        _ => format!("`{label}`"),
    }
}

fn line(c: &Change) -> String {
    let mut s = format!("**{}** {}", c.action.as_str(), account(&c.account));
    if let Some(p) = &c.person {
        let name = p.name.as_deref().map(|n| format!(" {n}")).unwrap_or_default();
        let _ = write!(s, " — person {}{name}", p.id);
    }
    if let Some(r) = &c.role {
        match &r.from {
            Some(from) => {
                let _ = write!(s, " — role {from} → {}", r.to);
            }
            None => {
                let _ = write!(s, " — role {}", r.to);
            }
        }
    }
    if let Some(g) = &c.groups {
        let mut parts: Vec<String> = g.add.iter().map(|x| format!("+{x}")).collect();
        parts.extend(g.remove.iter().map(|x| format!("−{x}")));
        if !parts.is_empty() {
            let _ = write!(s, " — groups {}", parts.join(" "));
        }
    }
    if c.action == Action::Transfer
        && let Some(to) = &c.transfer_to
    {
        let _ = write!(s, " — hand the data over to {}", account(to));
    }
    if c.action == Action::Revoke {
        // A read-only app cannot say what it can revoke: name everything a
        // human should look for in its admin console.
        let what = c
            .revoke
            .filter(|r| !r.is_empty())
            .map_or_else(|| "every session, OAuth token and app password".to_owned(), |r| r.describe());
        let _ = write!(s, " — sign the person out and revoke {what}");
    }
    // One item per line: a line break in a reason would split the item.
    let reason = c.reason.replace(['\n', '\r'], " ");
    let _ = write!(s, " — {reason}");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_stay_in_the_directory() {
        assert_eq!(file_name("slack"), "slack.md");
        assert_eq!(file_name("../etc/passwd"), "_etc_passwd.md");
        assert_eq!(file_name(".."), "_.md");
        assert_eq!(file_name("google.workspace"), "google.workspace.md");
    }
}
