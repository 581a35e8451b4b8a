//! The summary section: head counts, key figures, planned changes and the
//! apps read.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use super::parts::plain_money;
use crate::action::Action;
use crate::plan::Counts;
use crate::present::escape::html_text as esc;
use crate::present::report::Report;

pub(super) fn kpi(s: &mut String, class: &str, label: &str, stat: &str, value: impl std::fmt::Display, detail: &str) {
    let _ = write!(
        s,
        "<div class=\"kpi {class}\"><div class=\"l\">{label}</div><div class=\"n\" data-stat=\"{stat}\">{value}</div><div class=\"d\">{detail}</div></div>"
    );
}

pub(super) fn summary(s: &mut String, r: &Report) {
    s.push_str("<section id=\"summary\"><h2>Summary</h2><p class=\"lead\">Head counts are the HR master's on the plan date; accounts are what each app listed. Every figure on this page comes from the same plan as <code>keyward plan</code>.</p>\n<div class=\"kpis\">");
    let p = &r.people;
    let people_detail = format!(
        "<span data-stat=\"people-employed\">{}</span> employed · <span data-stat=\"people-on-leave\">{}</span> on leave · <span data-stat=\"people-not-started\">{}</span> not started · <span data-stat=\"people-left\">{}</span> left",
        p.employed, p.on_leave, p.not_started, p.left
    );
    kpi(s, "", "People in HR", "people-total", p.total, &people_detail);
    let accounts: usize = r.apps.iter().map(|a| a.accounts).sum();
    kpi(s, "", "Apps read", "apps", r.apps.len(), &format!("<span data-stat=\"accounts\">{accounts}</span> accounts"));
    let leavers = r.leaver_accounts();
    let leaver_people: BTreeSet<&str> =
        r.leavers.iter().flat_map(|g| &g.accounts).map(|a| a.person_id.as_str()).collect();
    kpi(
        s,
        if leavers > 0 { "bad" } else { "good" },
        "Leavers' accounts open",
        "leaver-accounts",
        leavers,
        &format!("held by <span data-stat=\"leaver-people\">{}</span> people who have left", leaver_people.len()),
    );
    let orphans = r.orphan_accounts();
    kpi(
        s,
        if orphans > 0 { "warn" } else { "good" },
        "Accounts matching nobody",
        "orphan-accounts",
        orphans,
        &format!("in {} app(s)", r.orphans.len()),
    );
    kpi(s, "", "Changes planned", "changes", r.summary.total(), &format!("{} of them reviews", r.summary.review));
    let saving: Vec<String> = r
        .savings
        .iter()
        .map(|v| {
            format!(
                "<span data-stat=\"saving-{}\" data-value=\"{}\">{} {}</span>",
                esc(&v.currency),
                v.monthly_saving,
                plain_money(v.monthly_saving),
                esc(&v.currency)
            )
        })
        .collect();
    let freeable: usize = r.seats.iter().map(|a| a.freeable).sum();
    let _ = write!(
        s,
        "<div class=\"kpi warn\"><div class=\"l\">Could be saved / month</div><div class=\"n\" style=\"font-size:20px;padding:4px 0\">{}</div><div class=\"d\"><span data-stat=\"freeable-seats\">{freeable}</span> seats of leavers and unmatched accounts</div></div>",
        if saving.is_empty() { "—".to_owned() } else { saving.join("<br>") }
    );
    s.push_str("</div>\n<h3>Planned changes</h3>\n<ul class=\"counts\">");
    for a in Action::ALL {
        let _ = write!(s, "<li data-summary=\"{}\"><b>{}</b> {}</li>", a.as_str(), r.summary.get(a), a.as_str());
    }
    s.push_str("</ul>\n<h3>Apps read</h3>\n<div class=\"scroll\"><table id=\"apps\"><thead><tr><th>Application</th><th>Read from</th><th class=\"num\">Accounts</th><th class=\"num\">Matched</th><th class=\"num\">Unmatched</th><th class=\"num\">Protected</th><th class=\"num\">Bots</th><th>Planned changes</th></tr></thead><tbody>\n");
    for a in &r.apps {
        let ro = if a.read_only { " · read-only" } else { "" };
        let _ = writeln!(
            s,
            "<tr data-app=\"{name}\"><td><span class=\"name\">{display}</span><div class=\"sub\">{name}</div></td><td><span class=\"sub\">{}: {}{ro}</span></td><td class=\"num\" data-field=\"accounts\">{}</td><td class=\"num\" data-field=\"matched\">{}</td><td class=\"num\" data-field=\"orphans\">{}</td><td class=\"num\" data-field=\"protected\">{}</td><td class=\"num\" data-field=\"bots\">{}</td><td>{}</td></tr>",
            esc(&a.connector),
            esc(&a.source),
            a.accounts,
            a.matched,
            a.orphans,
            a.protected,
            a.bots,
            counts(&a.changes),
            name = esc(&a.name),
            display = esc(&a.display_name),
        );
    }
    s.push_str("</tbody></table></div>\n</section>\n");
}

/// `1 create · 2 suspend`, each count tagged for tools reading the page.
pub(super) fn counts(c: &Counts) -> String {
    let parts: Vec<String> = Action::ALL
        .iter()
        .filter(|a| c.get(**a) > 0)
        .map(|a| format!("<span data-action=\"{0}\" data-count=\"{1}\">{1} {0}</span>", a.as_str(), c.get(*a)))
        .collect();
    if parts.is_empty() { "<span class=\"sub\">none</span>".to_owned() } else { parts.join(" · ") }
}
