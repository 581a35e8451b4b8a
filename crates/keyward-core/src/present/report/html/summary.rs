//! The summary section: head counts, key figures, planned changes and the
//! apps read.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use super::parts::{action_word, plain_money};
use crate::action::Action;
use crate::i18n::Lang;
use crate::plan::Counts;
use crate::present::escape::html_text as esc;
use crate::present::render::money;
use crate::present::report::Report;

pub(super) fn kpi(s: &mut String, class: &str, label: &str, stat: &str, value: impl std::fmt::Display, detail: &str) {
    let _ = write!(
        s,
        "<div class=\"kpi {class}\"><div class=\"l\">{label}</div><div class=\"n\" data-stat=\"{stat}\">{value}</div><div class=\"d\">{detail}</div></div>"
    );
}

/// `<span data-stat="people-employed">3</span>`: a count tools read back.
fn stat(name: &str, n: usize) -> String {
    format!("<span data-stat=\"{name}\">{n}</span>")
}

pub(super) fn summary(s: &mut String, r: &Report, lang: Lang) {
    let _ = write!(
        s,
        "<section id=\"summary\"><h2>{}</h2><p class=\"lead\">{}</p>\n<div class=\"kpis\">",
        t!(lang, "report-nav-summary"),
        t!(lang, "report-summary-lead")
    );
    let p = &r.people;
    let people_detail = t!(
        lang,
        "report-kpi-people-detail",
        employed = stat("people-employed", p.employed),
        on_leave = stat("people-on-leave", p.on_leave),
        not_started = stat("people-not-started", p.not_started),
        left = stat("people-left", p.left)
    );
    kpi(s, "", &t!(lang, "report-kpi-people"), "people-total", p.total, &people_detail);
    let accounts: usize = r.apps.iter().map(|a| a.accounts).sum();
    kpi(
        s,
        "",
        &t!(lang, "report-kpi-apps"),
        "apps",
        r.apps.len(),
        &t!(lang, "report-kpi-apps-detail", accounts = stat("accounts", accounts)),
    );
    let leavers = r.leaver_accounts();
    let leaver_people: BTreeSet<&str> =
        r.leavers.iter().flat_map(|g| &g.accounts).map(|a| a.person_id.as_str()).collect();
    kpi(
        s,
        if leavers > 0 { "bad" } else { "good" },
        &t!(lang, "report-kpi-leavers"),
        "leaver-accounts",
        leavers,
        &t!(lang, "report-kpi-leavers-detail", people = stat("leaver-people", leaver_people.len())),
    );
    let orphans = r.orphan_accounts();
    kpi(
        s,
        if orphans > 0 { "warn" } else { "good" },
        &t!(lang, "report-kpi-orphans"),
        "orphan-accounts",
        orphans,
        &t!(lang, "report-kpi-orphans-detail", apps = r.orphans.len().to_string()),
    );
    kpi(
        s,
        "",
        &t!(lang, "report-kpi-changes"),
        "changes",
        r.summary.total(),
        &t!(lang, "report-kpi-changes-detail", reviews = r.summary.review.to_string()),
    );
    money_kpis(s, r, lang);
    let _ = write!(s, "</div>\n<h3>{}</h3>\n<ul class=\"counts\">", t!(lang, "report-planned-changes"));
    for a in Action::ALL {
        let _ =
            write!(s, "<li data-summary=\"{}\"><b>{}</b> {}</li>", a.as_str(), r.summary.get(a), action_word(a, lang));
    }
    let _ = write!(
        s,
        "</ul>\n<h3>{}</h3>\n<div class=\"scroll\"><table id=\"apps\"><thead><tr><th>{}</th><th>{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th><th>{}</th></tr></thead><tbody>\n",
        t!(lang, "report-kpi-apps"),
        t!(lang, "report-col-application"),
        t!(lang, "report-col-read-from"),
        t!(lang, "report-col-accounts"),
        t!(lang, "report-col-matched"),
        t!(lang, "report-col-unmatched"),
        t!(lang, "report-col-protected"),
        t!(lang, "report-col-bots"),
        t!(lang, "report-planned-changes"),
    );
    for a in &r.apps {
        let ro = if a.read_only { t!(lang, "report-read-only") } else { String::new() };
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
            counts(&a.changes, lang),
            name = esc(&a.name),
            display = esc(&a.display_name),
        );
    }
    s.push_str("</tbody></table></div>\n</section>\n");
}

/// The two money figures, each saying what it counts: the plan's own seat
/// change (the same figure as the plan's `Seats:` line), and what the
/// seats of leavers and unmatched accounts this plan does not free would
/// save once they are freed.
fn money_kpis(s: &mut String, r: &Report, lang: Lang) {
    let plan: Vec<String> = r
        .seat_totals
        .iter()
        .map(|t| {
            format!(
                "<span data-stat=\"plan-change-{0}\" data-value=\"{1}\">{2} {0}</span>",
                esc(&t.currency),
                t.monthly_change,
                money(t.monthly_change)
            )
        })
        .collect();
    let (added, freed) = r.seat_totals.iter().fold((0, 0), |(a, f), t| (a + t.added, f + t.freed));
    let _ = write!(
        s,
        "<div class=\"kpi\"><div class=\"l\">{}</div><div class=\"n\" style=\"font-size:20px;padding:4px 0\">{}</div><div class=\"d\">{}</div></div>",
        t!(lang, "report-kpi-plan-money"),
        if plan.is_empty() { "—".to_owned() } else { plan.join("<br>") },
        t!(lang, "report-kpi-plan-money-detail", added = stat("plan-added", added), freed = stat("plan-freed", freed))
    );
    let later: Vec<String> = r
        .savings
        .iter()
        .map(|v| {
            format!(
                "<span data-stat=\"later-saving-{0}\" data-value=\"{1}\">{2} {0}</span>",
                esc(&v.currency),
                v.monthly_later,
                plain_money(v.monthly_later)
            )
        })
        .collect();
    // Seats of the apps that state a price: the ones the amounts count.
    let seats: usize = r.savings.iter().map(|v| v.later).sum();
    let freeable: usize = r.savings.iter().map(|v| v.freeable).sum();
    let _ = write!(
        s,
        "<div class=\"kpi warn\"><div class=\"l\">{}</div><div class=\"n\" style=\"font-size:20px;padding:4px 0\">{}</div><div class=\"d\">{}</div></div>",
        t!(lang, "report-kpi-later-money"),
        if later.is_empty() { "—".to_owned() } else { later.join("<br>") },
        t!(
            lang,
            "report-kpi-later-money-detail",
            later = stat("later-seats", seats),
            freeable = stat("freeable-seats", freeable)
        )
    );
}

/// `1 create · 2 suspend`, each count tagged for tools reading the page.
pub(super) fn counts(c: &Counts, lang: Lang) -> String {
    let parts: Vec<String> = Action::ALL
        .iter()
        .filter(|a| c.get(**a) > 0)
        .map(|a| {
            format!(
                "<span data-action=\"{}\" data-count=\"{1}\">{1} {2}</span>",
                a.as_str(),
                c.get(*a),
                action_word(*a, lang)
            )
        })
        .collect();
    if parts.is_empty() {
        format!("<span class=\"sub\">{}</span>", t!(lang, "report-none"))
    } else {
        parts.join(" · ")
    }
}
