//! The list sections: leavers' open accounts, unmatched accounts,
//! separation of duties, contractors and guests, seats and money.

use std::fmt::Write as _;

use super::parts::{
    app_display, group_heading, lines, nothing, plain_money, plan_actions, planned, situation_word, status_badge, who,
};
use crate::i18n::Lang;
use crate::plan::SeatChange;
use crate::present::escape::html_text as esc;
use crate::present::render::{duty_evidence, money};
use crate::present::report::{OrphanAccount, Report};
use crate::resources::SeatFreedBy;

/// `<th>…</th>` for each header, `num` ones right-aligned.
fn headers(cols: &[(&str, bool)]) -> String {
    cols.iter()
        .map(|(h, num)| if *num { format!("<th class=\"num\">{h}</th>") } else { format!("<th>{h}</th>") })
        .collect()
}

fn none_line(s: &mut String, text: &str) {
    let _ = write!(s, "<p class=\"none\">{text}</p>");
}

pub(super) fn leavers(s: &mut String, r: &Report, lang: Lang) {
    let _ = writeln!(
        s,
        "<section id=\"leavers\"><h2>{}</h2><p class=\"lead\">{}</p>",
        t!(lang, "report-leavers-heading"),
        t!(lang, "report-leavers-lead", date = r.date)
    );
    if r.leavers.is_empty() {
        none_line(s, &t!(lang, "report-leavers-none"));
    }
    for g in &r.leavers {
        let _ = write!(s, "<div class=\"group\" data-app=\"{}\" data-count=\"{}\">", esc(&g.app), g.accounts.len());
        group_heading(s, r, g, lang);
        let _ = writeln!(
            s,
            "<div class=\"scroll\"><table><thead><tr>{}</tr></thead><tbody>",
            headers(&[
                (&t!(lang, "report-col-person"), false),
                (&t!(lang, "report-col-account"), false),
                (&t!(lang, "report-col-status"), false),
                (&t!(lang, "report-col-last-day"), false),
                (&t!(lang, "report-col-days-since"), true),
                (&t!(lang, "report-col-kept-by"), false),
                (&t!(lang, "report-col-plan"), false),
            ])
        );
        for a in &g.accounts {
            let last = a.last_day.map_or_else(|| t!(lang, "report-not-recorded"), |d| d.to_string());
            let days = a.days_since.map_or_else(String::new, |d| d.to_string());
            let _ = writeln!(
                s,
                "<tr data-person=\"{}\" data-account-id=\"{}\" data-days=\"{days}\" data-plan=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td class=\"nowrap\">{}</td><td class=\"num\">{days}</td><td>{}</td><td>{}</td></tr>",
                esc(&a.person_id),
                esc(&a.account.id),
                plan_actions(&a.plan),
                who(&a.name, &a.person_id, &a.email),
                esc(&a.account.account),
                status_badge(&a.account.status, lang),
                esc(&last),
                a.kept_by.as_deref().map_or_else(|| nothing(lang), esc),
                planned(&a.plan, lang)
            );
        }
        s.push_str("</tbody></table></div></div>\n");
    }
    s.push_str("</section>\n");
}

/// Why an account matches nobody, and whom its name suggests.
fn why_orphan(a: &OrphanAccount, lang: Lang) -> String {
    let why = esc(&a.matched_by_message.render(lang));
    // The message renders in English as `probably` reads.
    let probably = a.probably_message.as_ref().map(|p| p.render(lang)).unwrap_or_default();
    if probably.is_empty() {
        return why;
    }
    format!("{why}<br><span class=\"hint\">{}</span>", t!(lang, "report-orphan-probably", candidates = esc(&probably)))
}

pub(super) fn orphans(s: &mut String, r: &Report, lang: Lang) {
    let _ = writeln!(
        s,
        "<section id=\"orphans\"><h2>{}</h2><p class=\"lead\">{}</p>",
        t!(lang, "report-kpi-orphans"),
        t!(lang, "report-orphans-lead")
    );
    if r.orphans.is_empty() {
        none_line(s, &t!(lang, "report-orphans-none"));
    }
    for g in &r.orphans {
        let _ = write!(s, "<div class=\"group\" data-app=\"{}\" data-count=\"{}\">", esc(&g.app), g.accounts.len());
        group_heading(s, r, g, lang);
        let _ = writeln!(
            s,
            "<div class=\"scroll\"><table><thead><tr>{}</tr></thead><tbody>",
            headers(&[
                (&t!(lang, "report-col-account"), false),
                (&t!(lang, "report-col-status"), false),
                (&t!(lang, "report-col-role"), false),
                (&t!(lang, "report-col-last-active"), false),
                (&t!(lang, "report-col-why"), false),
                (&t!(lang, "report-col-plan"), false),
            ])
        );
        for a in &g.accounts {
            let _ = writeln!(
                s,
                "<tr data-account-id=\"{}\" data-plan=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td class=\"nowrap\">{}</td><td class=\"reason\">{}</td><td>{}</td></tr>",
                esc(&a.account.id),
                plan_actions(&a.plan),
                esc(&a.account.account),
                status_badge(&a.account.status, lang),
                esc(&a.account.role),
                esc(&a.last_active),
                why_orphan(a, lang),
                planned(&a.plan, lang)
            );
        }
        s.push_str("</tbody></table></div></div>\n");
    }
    s.push_str("</section>\n");
}

pub(super) fn duties(s: &mut String, r: &Report, lang: Lang) {
    let _ = writeln!(
        s,
        "<section id=\"duties\" data-rules=\"{}\" data-violations=\"{}\"><h2>{}</h2><p class=\"lead\">{}</p>",
        r.duty_rules,
        r.violations.len(),
        t!(lang, "report-nav-duties"),
        t!(lang, "report-duties-lead")
    );
    if r.duty_rules == 0 {
        let _ = writeln!(s, "<p class=\"none\">{}</p></section>", t!(lang, "report-duties-no-rules"));
        return;
    }
    if r.violations.is_empty() {
        let _ = writeln!(
            s,
            "<p class=\"none\">{}</p></section>",
            t!(lang, "report-duties-none", count = r.duty_rules, rules = r.duty_rules.to_string())
        );
        return;
    }
    let _ = writeln!(
        s,
        "<div class=\"scroll\"><table><thead><tr>{}</tr></thead><tbody>",
        headers(&[
            (&t!(lang, "report-col-rule"), false),
            (&t!(lang, "report-col-person"), false),
            (&t!(lang, "report-col-duty"), false),
            (&t!(lang, "report-col-what-gives-it"), false),
        ])
    );
    for v in &r.violations {
        let evidence = duty_evidence(v);
        for (i, (duty, what)) in evidence.iter().enumerate() {
            s.push_str("<tr data-violation=\"");
            s.push_str(&esc(&v.rule));
            s.push_str("\">");
            if i == 0 {
                let span = evidence.len();
                let owner = v.owner.as_deref().map(|o| t!(lang, "report-duty-owner", owner = o)).unwrap_or_default();
                let name = v.person.name.as_deref().unwrap_or("");
                let _ = write!(
                    s,
                    "<td rowspan=\"{span}\"><span class=\"name\">{}</span><div class=\"sub\">{}</div></td><td rowspan=\"{span}\">{}</td>",
                    esc(&v.rule),
                    esc(&owner),
                    who(name, &v.person.id, v.person.email.as_deref().unwrap_or(""))
                );
            }
            let _ = writeln!(s, "<td>{}</td><td class=\"reason\">{}</td></tr>", esc(duty), esc(what));
        }
    }
    s.push_str("</tbody></table></div></section>\n");
}

pub(super) fn externals(s: &mut String, r: &Report, lang: Lang) {
    let n = r.externals.len();
    let _ = write!(
        s,
        "<section id=\"externals\"><h2>{}</h2><p class=\"lead\">{}</p>\n<h3>{} <span class=\"count\"><span data-count=\"{n}\" id=\"externals-count\">{n}</span></span></h3>",
        t!(lang, "report-externals-heading"),
        t!(lang, "report-externals-lead"),
        t!(lang, "report-externals-people")
    );
    if r.externals.is_empty() {
        none_line(s, &t!(lang, "report-none-sentence"));
    } else {
        let _ = writeln!(
            s,
            "<div class=\"scroll\"><table id=\"externals-table\"><thead><tr>{}</tr></thead><tbody>",
            headers(&[
                (&t!(lang, "report-col-person"), false),
                (&t!(lang, "report-col-type"), false),
                (&t!(lang, "report-col-department"), false),
                (&t!(lang, "report-col-situation"), false),
                (&t!(lang, "report-col-accounts"), false),
            ])
        );
        for p in &r.externals {
            let accounts: Vec<String> = p
                .accounts
                .iter()
                .map(|a| {
                    let role = if a.account.role.is_empty() { String::new() } else { format!(" {}", a.account.role) };
                    format!(
                        "<span class=\"badge st-{}\" title=\"{}\">{}{}</span>",
                        esc(&a.account.status),
                        esc(&a.account.account),
                        esc(&a.app),
                        esc(&role)
                    )
                })
                .collect();
            let _ = writeln!(
                s,
                "<tr data-id=\"{}\" data-type=\"{}\"><td>{}</td><td class=\"nowrap\">{}</td><td>{}</td><td class=\"nowrap\">{}</td><td>{}</td></tr>",
                esc(&p.id),
                esc(&p.employment_type),
                who(&p.name, &p.id, &p.email),
                esc(&p.employment_type),
                lines(&p.departments),
                esc(&situation_word(&p.situation, lang)),
                if accounts.is_empty() {
                    format!("<span class=\"sub\">{}</span>", t!(lang, "report-none"))
                } else {
                    accounts.join(" ")
                }
            );
        }
        s.push_str("</tbody></table></div>\n");
    }
    let n = r.guests.len();
    let _ = write!(
        s,
        "<h3>{} <span class=\"count\"><span data-count=\"{n}\" id=\"guests-count\">{n}</span></span></h3>",
        t!(lang, "report-guests-heading")
    );
    if r.guests.is_empty() {
        none_line(s, &t!(lang, "report-none-sentence"));
    } else {
        let _ = writeln!(
            s,
            "<div class=\"scroll\"><table id=\"guests-table\"><thead><tr>{}</tr></thead><tbody>",
            headers(&[
                (&t!(lang, "report-col-app"), false),
                (&t!(lang, "report-col-account"), false),
                (&t!(lang, "report-col-role"), false),
                (&t!(lang, "report-col-status"), false),
                (&t!(lang, "report-col-person"), false),
                (&t!(lang, "report-col-type"), false),
            ])
        );
        for g in &r.guests {
            let person = if g.person_id.is_empty() {
                format!("<span class=\"badge p-orphan\">{}</span>", t!(lang, "report-matches-nobody"))
            } else {
                who(&g.person_name, &g.person_id, &situation_word(&g.person_status, lang))
            };
            let _ = writeln!(
                s,
                "<tr data-app=\"{}\" data-account-id=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{person}</td><td class=\"nowrap\">{}</td></tr>",
                esc(&g.app),
                esc(&g.account.id),
                esc(app_display(r, &g.app)),
                esc(&g.account.account),
                esc(&g.account.role),
                status_badge(&g.account.status, lang),
                esc(&g.employment_type)
            );
        }
        s.push_str("</tbody></table></div>\n");
    }
    s.push_str("</section>\n");
}

pub(super) fn seats(s: &mut String, r: &Report, lang: Lang) {
    let _ = writeln!(
        s,
        "<section id=\"seats\"><h2>{}</h2><p class=\"lead\">{}</p>",
        t!(lang, "report-seats-heading"),
        t!(lang, "report-seats-lead")
    );
    let _ = writeln!(
        s,
        "<div class=\"scroll\"><table id=\"seats-table\"><thead><tr>{}</tr></thead><tbody>",
        headers(&[
            (&t!(lang, "report-col-app"), false),
            (&t!(lang, "report-col-seat-price"), true),
            (&t!(lang, "report-col-in-use"), true),
            (&t!(lang, "report-col-cost"), true),
            (&t!(lang, "report-col-leavers"), true),
            (&t!(lang, "report-col-matching-nobody"), true),
            (&t!(lang, "report-col-freeable"), true),
            (&t!(lang, "report-col-saving"), true),
            (&t!(lang, "report-col-freed-now"), true),
            (&t!(lang, "report-col-later"), true),
            (&t!(lang, "report-col-plan-seats"), true),
        ])
    );
    for a in &r.seats {
        let cur = a.seat_cost.as_ref().map(|c| esc(&c.currency)).unwrap_or_default();
        let price = a.seat_cost.as_ref().map_or_else(
            || format!("<span class=\"sub\">{}</span>", t!(lang, "report-no-seat-cost")),
            |c| {
                let by = if c.freed_by == SeatFreedBy::Delete {
                    format!("<div class=\"sub\">{}</div>", t!(lang, "report-freed-by-delete"))
                } else {
                    String::new()
                };
                format!("{} {cur}{by}", plain_money(c.monthly))
            },
        );
        let amount = |v: Option<f64>| v.map_or_else(|| "—".to_owned(), |v| format!("{} {cur}", plain_money(v)));
        let (plan, data) = plan_seats(a.plan.as_ref(), lang);
        let _ = writeln!(
            s,
            "<tr data-app=\"{}\" data-in-use=\"{}\" data-freeable=\"{}\" data-freed-now=\"{}\" data-later=\"{}\"{data}><td class=\"nowrap\">{}</td><td class=\"num\">{price}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\"><b>{}</b></td><td class=\"num\"><b>{}</b></td><td class=\"num\">{}</td><td class=\"num\">{} · {}</td><td class=\"num\">{plan}</td></tr>",
            esc(&a.app),
            a.in_use,
            a.freeable,
            a.freed_now,
            a.later,
            esc(app_display(r, &a.app)),
            a.in_use,
            amount(a.monthly_cost),
            a.leavers,
            a.orphans,
            a.freeable,
            amount(a.monthly_saving),
            a.freed_now,
            a.later,
            amount(a.monthly_later),
        );
    }
    for v in &r.savings {
        let (plan, data) = plan_seats(r.seat_totals.iter().find(|t| t.currency == v.currency), lang);
        let cur = esc(&v.currency);
        let _ = writeln!(
            s,
            "<tr class=\"total\" data-currency=\"{cur}\" data-in-use=\"{}\" data-freeable=\"{}\" data-saving=\"{}\" data-freed-now=\"{}\" data-later=\"{}\" data-later-saving=\"{}\"{data}><td>{}</td><td></td><td class=\"num\">{}</td><td class=\"num\">{} {cur}</td><td></td><td></td><td class=\"num\">{}</td><td class=\"num\">{} {cur}</td><td class=\"num\">{}</td><td class=\"num\">{} · {} {cur}</td><td class=\"num\">{plan}</td></tr>",
            v.in_use,
            v.freeable,
            v.monthly_saving,
            v.freed_now,
            v.later,
            v.monthly_later,
            t!(lang, "report-seats-total", currency = cur.as_str()),
            v.in_use,
            plain_money(v.monthly_cost),
            v.freeable,
            plain_money(v.monthly_saving),
            v.freed_now,
            v.later,
            plain_money(v.monthly_later),
        );
    }
    s.push_str("</tbody></table></div>\n");
    for v in &r.savings {
        let Some(p) = r.seat_totals.iter().find(|t| t.currency == v.currency) else { continue };
        let _ = writeln!(
            s,
            "<p class=\"lead\" data-explains=\"{}\">{}</p>",
            esc(&v.currency),
            t!(
                lang,
                "report-seats-explained",
                currency = esc(&v.currency),
                added = p.added,
                freed = p.freed,
                change = money(p.monthly_change),
                freed_now = v.freed_now,
                later = v.later,
                later_money = plain_money(v.monthly_later)
            )
        );
    }
    s.push_str("</section>\n");
}

/// The plan's seat change in words (`+2 / −3 seats, −1,450 JPY`) and as
/// `data-*` attributes.
pub(super) fn plan_seats(p: Option<&SeatChange>, lang: Lang) -> (String, String) {
    match p {
        Some(p) => (
            t!(
                lang,
                "report-plan-seats",
                added = p.added.to_string(),
                freed = p.freed.to_string(),
                change = money(p.monthly_change),
                currency = esc(&p.currency)
            ),
            format!(
                " data-plan-added=\"{}\" data-plan-freed=\"{}\" data-plan-change=\"{}\"",
                p.added, p.freed, p.monthly_change
            ),
        ),
        None => ("—".to_owned(), String::new()),
    }
}
