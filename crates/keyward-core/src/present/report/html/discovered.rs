//! The "Discovered apps" section: the third-party apps the directories
//! report people using (`keyward report --discovery`), undeclared ones
//! flagged, with the leavers still holding grants and what the
//! directories could not tell. Absent from the page when the report has
//! no discovery.

use std::fmt::Write as _;

use crate::present::discovered::{Discovered, Tally, tally_items};
use crate::present::escape::html_text as esc;

/// Departments or employment types shown per cell.
const TALLIES: usize = 3;

pub(super) fn discovered(s: &mut String, d: &Discovered) {
    let holders: usize = d.apps.iter().map(|a| a.holders.len()).sum();
    let _ = write!(
        s,
        "<section id=\"discovered\" data-apps=\"{}\" data-undeclared=\"{}\" data-holders=\"{holders}\"><h2>Discovered apps</h2><p class=\"lead\">Third-party apps people sign into with their directory account, as the directories report them on {}",
        d.apps.len(),
        d.undeclared(),
        d.date
    );
    if let Some(since) = d.since {
        let _ = write!(s, " (activity since {since}; undated grants included)");
    }
    s.push_str(". An app no Application covers is <b>undeclared</b>: keyward does not manage its accounts, and a leaver's access to it is closed by nobody.</p>\n");
    if d.apps.is_empty() {
        s.push_str("<p class=\"none\">None: the directories report no third-party app.</p>");
    } else {
        s.push_str("<div class=\"scroll\"><table><thead><tr><th>App</th><th class=\"num\">People</th><th class=\"num\">Not in HR</th><th>Departments</th><th>Employment types</th><th>Seen</th><th>Covered by</th><th class=\"num\">Leavers holding</th></tr></thead><tbody>\n");
        for a in &d.apps {
            let covered = match (&a.covered_by, &a.catalogue) {
                (Some(c), _) => esc(c),
                (None, Some(c)) => format!(
                    "<span class=\"badge p-orphan\">undeclared</span><div class=\"sub\">catalogue: {}</div>",
                    esc(c)
                ),
                (None, None) => "<span class=\"badge p-orphan\">undeclared</span>".to_owned(),
            };
            let seen = a.seen();
            let mut sub: Vec<String> = a.publisher.iter().map(|p| esc(p)).collect();
            if a.tenant_consent {
                sub.push("tenant-wide consent".to_owned());
            }
            let sub =
                if sub.is_empty() { String::new() } else { format!("<div class=\"sub\">{}</div>", sub.join(" · ")) };
            let _ = writeln!(
                s,
                "<tr data-undeclared=\"{}\" data-people=\"{}\"><td><span class=\"name\">{}</span>{sub}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td><td>{}</td><td class=\"nowrap\">{seen}</td><td>{covered}</td><td class=\"num\">{}</td></tr>",
                a.undeclared(),
                a.people,
                esc(&a.name),
                a.people,
                a.unknown_users,
                tallies(&a.departments),
                tallies(&a.employment_types),
                a.holders.len()
            );
        }
        s.push_str("</tbody></table></div>\n");
    }
    if holders > 0 {
        s.push_str("<h3>Leavers and people on leave still holding grants</h3><div class=\"scroll\"><table><thead><tr><th>App</th><th>Person</th><th>Situation</th><th>Directory</th><th>Evidence</th><th>Scopes</th></tr></thead><tbody>\n");
        for a in &d.apps {
            for h in &a.holders {
                let shown = h.name.as_deref().unwrap_or(&h.person_id);
                let situation = h.situation();
                let mut scopes: Vec<String> = h.scopes.iter().map(|x| esc(x)).collect();
                if h.more_scopes > 0 {
                    scopes.push(format!("… and {} more", h.more_scopes));
                }
                let _ = writeln!(
                    s,
                    "<tr data-person=\"{}\"><td>{}</td><td><span class=\"name\">{}</span><div class=\"sub\">{} · {}</div></td><td>{situation}</td><td>{}</td><td>{}</td><td class=\"reason\">{}</td></tr>",
                    esc(&h.person_id),
                    esc(&a.name),
                    esc(shown),
                    esc(&h.person_id),
                    esc(&h.user),
                    esc(&h.directory),
                    h.evidence.as_str(),
                    scopes.join("<br>")
                );
            }
        }
        s.push_str("</tbody></table></div>\n");
    }
    let notes: Vec<(&str, &str)> = d.notes().collect();
    if !notes.is_empty() {
        s.push_str("<h3>What the directories could not tell</h3><ul>");
        for (dir, note) in notes {
            let _ = write!(s, "<li><b>{}</b>: {}</li>", esc(dir), esc(note));
        }
        s.push_str("</ul>\n");
    }
    s.push_str("</section>\n");
}

fn tallies(t: &[Tally]) -> String {
    tally_items(t, TALLIES, esc).join("<br>")
}
