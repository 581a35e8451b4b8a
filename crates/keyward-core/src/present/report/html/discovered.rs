//! The "Discovered apps" section: the third-party apps the directories
//! report people using (`keyward report --discovery`), undeclared ones
//! flagged, with the leavers still holding grants and what the
//! directories could not tell. Absent from the page when the report has
//! no discovery.

use std::fmt::Write as _;

use crate::i18n::Lang;
use crate::present::discovered::{Discovered, Holder, HolderPhase, Tally, tally_items};
use crate::present::escape::html_text as esc;

/// Departments or employment types shown per cell.
const TALLIES: usize = 3;

/// `left, last day 2026-11-20` or `on leave`, in `lang`.
fn situation(h: &Holder, lang: Lang) -> String {
    match (h.phase, h.last_day) {
        (HolderPhase::Left, Some(day)) => t!(lang, "discover-holder-left-on", date = day),
        (HolderPhase::Left, None) => t!(lang, "situation-left"),
        (HolderPhase::OnLeave, Some(day)) => t!(lang, "discover-holder-on-leave-until", date = day),
        (HolderPhase::OnLeave, None) => t!(lang, "situation-on-leave"),
    }
}

pub(super) fn discovered(s: &mut String, d: &Discovered, lang: Lang) {
    let holders: usize = d.apps.iter().map(|a| a.holders.len()).sum();
    let since = d.since.map(|since| t!(lang, "report-discovered-since", since = since)).unwrap_or_default();
    let _ = writeln!(
        s,
        "<section id=\"discovered\" data-apps=\"{}\" data-undeclared=\"{}\" data-holders=\"{holders}\"><h2>{}</h2><p class=\"lead\">{}</p>",
        d.apps.len(),
        d.undeclared(),
        t!(lang, "report-nav-discovered"),
        t!(lang, "report-discovered-lead", date = d.date, since = since)
    );
    let undeclared = t!(lang, "report-discovered-undeclared");
    if d.apps.is_empty() {
        let _ = write!(s, "<p class=\"none\">{}</p>", t!(lang, "report-discovered-none"));
    } else {
        let _ = writeln!(
            s,
            "<div class=\"scroll\"><table><thead><tr><th>{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th class=\"num\">{}</th></tr></thead><tbody>",
            t!(lang, "report-col-app"),
            t!(lang, "report-discovered-col-people"),
            t!(lang, "report-discovered-col-not-in-hr"),
            t!(lang, "report-discovered-col-departments"),
            t!(lang, "report-discovered-col-types"),
            t!(lang, "report-discovered-col-seen"),
            t!(lang, "report-discovered-col-covered-by"),
            t!(lang, "report-discovered-col-holders"),
        );
        for a in &d.apps {
            let covered = match (&a.covered_by, &a.catalogue) {
                (Some(c), _) => esc(c),
                (None, Some(c)) => format!(
                    "<span class=\"badge p-orphan\">{undeclared}</span><div class=\"sub\">{}</div>",
                    t!(lang, "report-discovered-catalogue", catalogue = esc(c))
                ),
                (None, None) => format!("<span class=\"badge p-orphan\">{undeclared}</span>"),
            };
            let seen = a.seen();
            let mut sub: Vec<String> = a.publisher.iter().map(|p| esc(p)).collect();
            if a.tenant_consent {
                sub.push(t!(lang, "report-discovered-tenant-consent"));
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
        let _ = writeln!(
            s,
            "<h3>{}</h3><div class=\"scroll\"><table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
            t!(lang, "report-discovered-holders"),
            t!(lang, "report-col-app"),
            t!(lang, "report-col-person"),
            t!(lang, "report-col-situation"),
            t!(lang, "report-discovered-col-directory"),
            t!(lang, "report-discovered-col-evidence"),
            t!(lang, "report-discovered-col-scopes"),
        );
        for a in &d.apps {
            for h in &a.holders {
                let shown = h.name.as_deref().unwrap_or(&h.person_id);
                let situation = situation(h, lang);
                let mut scopes: Vec<String> = h.scopes.iter().map(|x| esc(x)).collect();
                if h.more_scopes > 0 {
                    scopes.push(t!(lang, "report-discovered-more", count = h.more_scopes));
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
        let _ = write!(s, "<h3>{}</h3><ul>", t!(lang, "report-discovered-notes"));
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
