//! The list sections: leavers' open accounts, unmatched accounts,
//! separation of duties, contractors and guests, seats and money.

use std::fmt::Write as _;

use super::parts::{app_display, group_heading, lines, plain_money, plan_actions, planned, status_badge, who};
use crate::plan::SeatChange;
use crate::present::escape::html_text as esc;
use crate::present::render::{duty_evidence, money};
use crate::present::report::{OrphanAccount, Report};
use crate::resources::SeatFreedBy;

pub(super) fn leavers(s: &mut String, r: &Report) {
    let _ = writeln!(
        s,
        "<section id=\"leavers\"><h2>Leavers' accounts still open</h2><p class=\"lead\">Accounts that can still sign in, of people whose last working day has passed (or whom HR marks as gone), per app, longest gone first. Days are counted to the plan date, {}.</p>",
        r.date
    );
    if r.leavers.is_empty() {
        s.push_str("<p class=\"none\">None: every leaver's accounts are suspended or gone.</p>");
    }
    for g in &r.leavers {
        let _ = write!(s, "<div class=\"group\" data-app=\"{}\" data-count=\"{}\">", esc(&g.app), g.accounts.len());
        group_heading(s, r, g, "account");
        s.push_str("<div class=\"scroll\"><table><thead><tr><th>Person</th><th>Account</th><th>Status</th><th>Last working day</th><th class=\"num\">Days since</th><th>Still granted by</th><th>The plan</th></tr></thead><tbody>\n");
        for a in &g.accounts {
            let last = a.last_day.map_or_else(|| "not recorded".to_owned(), |d| d.to_string());
            let days = a.days_since.map_or_else(String::new, |d| d.to_string());
            let _ = writeln!(
                s,
                "<tr data-person=\"{}\" data-account-id=\"{}\" data-days=\"{days}\" data-plan=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td class=\"nowrap\">{}</td><td class=\"num\">{days}</td><td>{}</td><td>{}</td></tr>",
                esc(&a.person_id),
                esc(&a.account.id),
                plan_actions(&a.plan),
                who(&a.name, &a.person_id, &a.email),
                esc(&a.account.account),
                status_badge(&a.account.status),
                esc(&last),
                a.kept_by.as_deref().map_or_else(|| "<span class=\"sub\">nothing</span>".to_owned(), esc),
                planned(&a.plan)
            );
        }
        s.push_str("</tbody></table></div></div>\n");
    }
    s.push_str("</section>\n");
}

/// Why an account matches nobody, and whom its name suggests.
fn why_orphan(a: &OrphanAccount) -> String {
    if a.probably.is_empty() {
        esc(&a.matched_by)
    } else {
        format!(
            "{}<br><span class=\"hint\">probably {} (by name only — confirm)</span>",
            esc(&a.matched_by),
            esc(&a.probably)
        )
    }
}

pub(super) fn orphans(s: &mut String, r: &Report) {
    s.push_str("<section id=\"orphans\"><h2>Accounts matching nobody</h2><p class=\"lead\">Accounts that no person in the HR master matches (or that match several). keyward never removes them by itself: each may be a leaver missing from the export, a renamed person, a shared mailbox or a bot. Protect it, fix the data, or remove it by hand.</p>\n");
    if r.orphans.is_empty() {
        s.push_str("<p class=\"none\">None: every account matches a person, a protect rule or a bot.</p>");
    }
    for g in &r.orphans {
        let _ = write!(s, "<div class=\"group\" data-app=\"{}\" data-count=\"{}\">", esc(&g.app), g.accounts.len());
        group_heading(s, r, g, "account");
        s.push_str("<div class=\"scroll\"><table><thead><tr><th>Account</th><th>Status</th><th>Role</th><th>Last active</th><th>Why</th><th>The plan</th></tr></thead><tbody>\n");
        for a in &g.accounts {
            let _ = writeln!(
                s,
                "<tr data-account-id=\"{}\" data-plan=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td class=\"nowrap\">{}</td><td class=\"reason\">{}</td><td>{}</td></tr>",
                esc(&a.account.id),
                plan_actions(&a.plan),
                esc(&a.account.account),
                status_badge(&a.account.status),
                esc(&a.account.role),
                esc(&a.last_active),
                why_orphan(a),
                planned(&a.plan)
            );
        }
        s.push_str("</tbody></table></div></div>\n");
    }
    s.push_str("</section>\n");
}

pub(super) fn duties(s: &mut String, r: &Report) {
    let _ = writeln!(
        s,
        "<section id=\"duties\" data-rules=\"{}\" data-violations=\"{}\"><h2>Separation of duties</h2><p class=\"lead\">People who hold, or whom the policies would give, duties that a SeparationOfDuties rule keeps apart. keyward holds back every change that would give the second duty, and never takes an entitlement away by itself: the rule's owner decides which duty ends.</p>",
        r.duty_rules,
        r.violations.len()
    );
    if r.duty_rules == 0 {
        s.push_str("<p class=\"none\">No SeparationOfDuties rules are declared.</p></section>\n");
        return;
    }
    if r.violations.is_empty() {
        let _ = writeln!(
            s,
            "<p class=\"none\">No violations of the {} rule{} checked.</p></section>",
            r.duty_rules,
            if r.duty_rules == 1 { "" } else { "s" }
        );
        return;
    }
    s.push_str("<div class=\"scroll\"><table><thead><tr><th>Rule</th><th>Person</th><th>Duty</th><th>What gives it</th></tr></thead><tbody>\n");
    for v in &r.violations {
        let evidence = duty_evidence(v);
        for (i, (duty, what)) in evidence.iter().enumerate() {
            s.push_str("<tr data-violation=\"");
            s.push_str(&esc(&v.rule));
            s.push_str("\">");
            if i == 0 {
                let span = evidence.len();
                let owner = v.owner.as_deref().map(|o| format!("owner {o}")).unwrap_or_default();
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

pub(super) fn externals(s: &mut String, r: &Report) {
    let _ = write!(
        s,
        "<section id=\"externals\"><h2>Contractors and guests</h2><p class=\"lead\">People whose employment type is not full-time (contract, part-time, temp, contractor…) with their accounts, and every account holding a guest-like role: one named guest, or the least privileged of the app's roles when that is not the role everyone gets.</p>\n<h3>People not employed full-time <span class=\"count\"><span data-count=\"{0}\" id=\"externals-count\">{0}</span></span></h3>",
        r.externals.len()
    );
    if r.externals.is_empty() {
        s.push_str("<p class=\"none\">None.</p>");
    } else {
        s.push_str("<div class=\"scroll\"><table id=\"externals-table\"><thead><tr><th>Person</th><th>Type</th><th>Department</th><th>Situation</th><th>Accounts</th></tr></thead><tbody>\n");
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
                esc(&p.situation),
                if accounts.is_empty() { "<span class=\"sub\">none</span>".to_owned() } else { accounts.join(" ") }
            );
        }
        s.push_str("</tbody></table></div>\n");
    }
    let _ = write!(
        s,
        "<h3>Accounts with a guest-like role <span class=\"count\"><span data-count=\"{0}\" id=\"guests-count\">{0}</span></span></h3>",
        r.guests.len()
    );
    if r.guests.is_empty() {
        s.push_str("<p class=\"none\">None.</p>");
    } else {
        s.push_str("<div class=\"scroll\"><table id=\"guests-table\"><thead><tr><th>App</th><th>Account</th><th>Role</th><th>Status</th><th>Person</th><th>Type</th></tr></thead><tbody>\n");
        for g in &r.guests {
            let person = if g.person_id.is_empty() {
                "<span class=\"badge p-orphan\">matches nobody</span>".to_owned()
            } else {
                who(&g.person_name, &g.person_id, &g.person_status)
            };
            let _ = writeln!(
                s,
                "<tr data-app=\"{}\" data-account-id=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{person}</td><td class=\"nowrap\">{}</td></tr>",
                esc(&g.app),
                esc(&g.account.id),
                esc(app_display(r, &g.app)),
                esc(&g.account.account),
                esc(&g.account.role),
                status_badge(&g.account.status),
                esc(&g.employment_type)
            );
        }
        s.push_str("</tbody></table></div>\n");
    }
    s.push_str("</section>\n");
}

pub(super) fn seats(s: &mut String, r: &Report) {
    s.push_str("<section id=\"seats\"><h2>Seats and money</h2><p class=\"lead\">Seats billed per app — accounts that can sign in, or every account where only a deletion stops the billing (<code>seatCost.freedBy: delete</code>); bots are not counted — the seats of leavers and of accounts matching nobody that could be freed, and what that would save a month at the Application's <code>seatCost</code>. The last column is the plan's own seat change.</p>\n");
    s.push_str("<div class=\"scroll\"><table id=\"seats-table\"><thead><tr><th>App</th><th class=\"num\">Seat / month</th><th class=\"num\">In use</th><th class=\"num\">Cost / month</th><th class=\"num\">Leavers</th><th class=\"num\">Matching nobody</th><th class=\"num\">Could be freed</th><th class=\"num\">Could be saved / month</th><th class=\"num\">The plan: seats, bill / month</th></tr></thead><tbody>\n");
    for a in &r.seats {
        let cur = a.seat_cost.as_ref().map(|c| esc(&c.currency)).unwrap_or_default();
        let price = a.seat_cost.as_ref().map_or_else(
            || "<span class=\"sub\">no seatCost</span>".to_owned(),
            |c| {
                let by =
                    if c.freed_by == SeatFreedBy::Delete { "<div class=\"sub\">freed by delete</div>" } else { "" };
                format!("{} {cur}{by}", plain_money(c.monthly))
            },
        );
        let amount = |v: Option<f64>| v.map_or_else(|| "—".to_owned(), |v| format!("{} {cur}", plain_money(v)));
        let (plan, data) = plan_seats(a.plan.as_ref());
        let _ = writeln!(
            s,
            "<tr data-app=\"{}\" data-in-use=\"{}\" data-freeable=\"{}\"{data}><td class=\"nowrap\">{}</td><td class=\"num\">{price}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\"><b>{}</b></td><td class=\"num\"><b>{}</b></td><td class=\"num\">{plan}</td></tr>",
            esc(&a.app),
            a.in_use,
            a.freeable,
            esc(app_display(r, &a.app)),
            a.in_use,
            amount(a.monthly_cost),
            a.leavers,
            a.orphans,
            a.freeable,
            amount(a.monthly_saving),
        );
    }
    for v in &r.savings {
        let (plan, data) = plan_seats(r.seat_totals.iter().find(|t| t.currency == v.currency));
        let cur = esc(&v.currency);
        let _ = writeln!(
            s,
            "<tr class=\"total\" data-currency=\"{cur}\" data-in-use=\"{}\" data-freeable=\"{}\" data-saving=\"{}\"{data}><td>Total {cur}</td><td></td><td class=\"num\">{}</td><td class=\"num\">{} {cur}</td><td></td><td></td><td class=\"num\">{}</td><td class=\"num\">{} {cur}</td><td class=\"num\">{plan}</td></tr>",
            v.in_use,
            v.freeable,
            v.monthly_saving,
            v.in_use,
            plain_money(v.monthly_cost),
            v.freeable,
            plain_money(v.monthly_saving),
        );
    }
    s.push_str("</tbody></table></div>\n</section>\n");
}

/// The plan's seat change in words (`+2 / −3 seats, −1,450 JPY`) and as
/// `data-*` attributes.
pub(super) fn plan_seats(p: Option<&SeatChange>) -> (String, String) {
    match p {
        Some(p) => (
            format!("+{} / −{} seats, {} {}", p.added, p.freed, money(p.monthly_change), esc(&p.currency)),
            format!(
                " data-plan-added=\"{}\" data-plan-freed=\"{}\" data-plan-change=\"{}\"",
                p.added, p.freed, p.monthly_change
            ),
        ),
        None => ("—".to_owned(), String::new()),
    }
}
