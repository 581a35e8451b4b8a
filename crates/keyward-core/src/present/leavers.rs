//! `keyward report --leavers`: per leaver and app, the last working day
//! (HR), when keyward suspended and deleted the access (the audit
//! records), the lag in days, what is still held back and why (the plan
//! of today), and the exceptions that keep access on purpose — the
//! auditor's "how many days after their last working day was each
//! leaver's access removed?". As CSV, Markdown or one HTML page in the
//! admin report's style.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde::Serialize;

use crate::action::Action;
use crate::history::{Outcome, Seen};
use crate::i18n::{Arg, Lang};
use crate::load::Named;
use crate::people::{People, Phase};
use crate::plan::Plan;
use crate::present::escape::html_text;
use crate::present::render::action_name;
use crate::present::table;
use crate::resources::ExceptionSpec;

/// The columns, by key (the CSV for tools' header).
pub const HEADERS: [&str; 10] =
    ["person", "name", "lastDay", "app", "suspended", "deleted", "lagDays", "openDays", "heldBack", "exceptions"];

/// One leaver in one app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LeaverRow {
    /// Employee number.
    pub person: String,
    /// Name in the HR data.
    pub name: String,
    /// Last working day.
    pub last_day: Date,
    /// Application.
    pub app: String,
    /// The day keyward's suspension was applied (organisation's time zone).
    pub suspended: Option<Date>,
    /// The day keyward's deletion was applied.
    pub deleted: Option<Date>,
    /// Days from the last working day to the first removal (suspension or
    /// deletion); absent while access is still open.
    pub lag_days: Option<i32>,
    /// While access is still open: days since the last working day.
    pub open_days: Option<i32>,
    /// What today's plan still holds back for the account, and why.
    pub held_back: Vec<String>,
    /// Exceptions granting the app to the person: name, approver, until.
    pub exceptions: Vec<String>,
}

/// Bounds on the leavers by last working day (both inclusive).
#[derive(Debug, Clone, Copy, Default)]
pub struct Range {
    /// First last working day included.
    pub from: Option<Date>,
    /// Last last working day included.
    pub to: Option<Date>,
}

/// Builds the rows: every person who has left by `plan.date` with a last
/// working day within `range`, in every app where the records show them
/// an account or a change, or today's plan has a change for them.
pub fn rows(
    people: &People,
    seen: &[Seen],
    plan: &Plan,
    exceptions: &[Named<ExceptionSpec>],
    tz: &TimeZone,
    range: Range,
    lang: Lang,
) -> Vec<LeaverRow> {
    let today = plan.date;
    let mut out = Vec::new();
    for p in people.persons() {
        let Phase::Left { last_day: Some(last_day) } = p.phase(today) else { continue };
        if range.from.is_some_and(|f| last_day < f) || range.to.is_some_and(|t| last_day > t) {
            continue;
        }
        let mine = |owner: Option<&str>| owner == Some(p.id.as_str());
        let mut apps = BTreeSet::new();
        for s in seen {
            match s {
                Seen::Listing { app, record, .. } => {
                    if record.accounts.iter().any(|a| mine(a.owner.as_deref())) {
                        apps.insert(app.clone());
                    }
                }
                Seen::Change { app, person, .. } if mine(person.as_deref()) => {
                    apps.insert(app.clone());
                }
                Seen::Change { .. } => {}
            }
        }
        let planned: Vec<_> = plan.changes.iter().filter(|c| c.person.as_ref().is_some_and(|x| x.id == p.id)).collect();
        apps.extend(planned.iter().map(|c| c.app.to_string()));
        let held: Vec<_> =
            plan.held.iter().filter(|h| h.change.person.as_ref().is_some_and(|x| x.id == p.id)).collect();
        for app in apps {
            let done = |action: Action| {
                seen.iter().find_map(|s| match s {
                    Seen::Change { app: a, action: x, outcome, person, time, .. }
                        if *a == app
                            && *x == action
                            && mine(person.as_deref())
                            && matches!(outcome, Outcome::Applied | Outcome::AlreadyDone) =>
                    {
                        Some(time.to_zoned(tz.clone()).date())
                    }
                    _ => None,
                })
            };
            let (suspended, deleted) = (done(Action::Suspend), done(Action::Delete));
            let removed = [suspended, deleted].into_iter().flatten().min();
            // `Date - Date` is a span in days.
            let days = |d: Date| (d - last_day).get_days();
            let mut held_back: Vec<String> = planned
                .iter()
                .filter(|c| c.app == app)
                .map(|c| {
                    let why = c.reason_in(lang).into_owned();
                    match c.action {
                        Action::Review => t!(lang, "leavers-held-review", reason = why),
                        Action::Transfer => t!(lang, "leavers-held-handover", reason = why),
                        a => t!(lang, "leavers-held-pending", action = action_name(a, lang), reason = why),
                    }
                })
                .collect();
            held_back.extend(held.iter().filter(|h| h.change.app == app).map(|h| {
                t!(
                    lang,
                    "leavers-held-until",
                    action = action_name(h.change.action, lang),
                    until = h.until.to_string(),
                    reason = h.change.reason_in(lang).into_owned(),
                )
            }));
            let exceptions = exceptions
                .iter()
                .filter(|e| {
                    e.spec.person == p.id || p.email.as_deref().is_some_and(|m| m.eq_ignore_ascii_case(&e.spec.person))
                })
                .filter(|e| e.spec.grant.iter().any(|g| g.app == app))
                .map(|e| {
                    t!(
                        lang,
                        "leavers-exception",
                        name = e.name.as_str(),
                        approver = e.spec.approver.as_str(),
                        until = e.spec.until.to_string(),
                        reason = e.spec.reason.as_str(),
                    )
                })
                .collect();
            out.push(LeaverRow {
                person: p.id.clone(),
                name: p.name.clone().unwrap_or_default(),
                last_day,
                app,
                suspended,
                deleted,
                lag_days: removed.map(days),
                open_days: if removed.is_none() { Some(days(today)) } else { None },
                held_back,
                exceptions,
            });
        }
    }
    out.sort_by(|a, b| (a.last_day, &a.person, &a.app).cmp(&(b.last_day, &b.person, &b.app)));
    out
}

/// How the report is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// CSV for tools: column keys, English words.
    Csv,
    /// CSV for people (Excel): headers and words in the language.
    CsvForPeople,
    /// A Markdown table under a heading.
    Markdown,
    /// One HTML page in the admin report's style.
    Html,
}

/// A column's header in `lang`.
pub fn column_title(column: &str, lang: Lang) -> String {
    match column {
        "person" => t!(lang, "leavers-col-person"),
        "name" => t!(lang, "leavers-col-name"),
        "lastDay" => t!(lang, "leavers-col-last-day"),
        "app" => t!(lang, "leavers-col-app"),
        "suspended" => t!(lang, "leavers-col-suspended"),
        "deleted" => t!(lang, "leavers-col-deleted"),
        "lagDays" => t!(lang, "leavers-col-lag-days"),
        "openDays" => t!(lang, "leavers-col-open-days"),
        "heldBack" => t!(lang, "leavers-col-held-back"),
        "exceptions" => t!(lang, "leavers-col-exceptions"),
        other => other.to_owned(),
    }
}

fn cells(r: &LeaverRow) -> Vec<String> {
    let day = |d: Option<Date>| d.map(|d| d.to_string()).unwrap_or_default();
    let n = |n: Option<i32>| n.map(|n| n.to_string()).unwrap_or_default();
    vec![
        r.person.clone(),
        r.name.clone(),
        r.last_day.to_string(),
        r.app.clone(),
        day(r.suspended),
        day(r.deleted),
        n(r.lag_days),
        n(r.open_days),
        r.held_back.join("; "),
        r.exceptions.join("; "),
    ]
}

/// The rows (built in `lang`) as of `date` in `format`.
pub fn render(rows: &[LeaverRow], date: Date, format: Format, lang: Lang) -> String {
    let headers: Vec<String> = match format {
        Format::Csv => HEADERS.iter().map(|h| (*h).to_owned()).collect(),
        _ => HEADERS.iter().map(|h| column_title(h, lang)).collect(),
    };
    let body: Vec<Vec<String>> = rows.iter().map(cells).collect();
    let title = t!(lang, "leavers-title", date = date.to_string(), count = Arg::digits(rows.len()));
    match format {
        Format::Csv | Format::CsvForPeople => table::csv(&headers, &body),
        Format::Markdown => {
            format!("## {}\n\n{}", crate::present::escape::md_text(&title), table::markdown(&headers, &body))
        }
        Format::Html => html(&title, &headers, &body, lang),
    }
}

fn html(title: &str, headers: &[String], body: &[Vec<String>], lang: Lang) -> String {
    let mut s = String::new();
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
<meta name=\"generator\" content=\"keyward report --leavers\">\n<title>{}</title>\n<style>{}</style>\n</head>\n<body>\n\
<header class=\"top\"><h1>{}</h1></header>\n<main>\n<section>\n<table>\n<thead><tr>",
        lang.tag(),
        html_text(title),
        crate::present::report::html::style(),
        html_text(title),
    );
    for h in headers {
        let _ = write!(s, "<th>{}</th>", html_text(h));
    }
    s.push_str("</tr></thead>\n<tbody>\n");
    for r in body {
        s.push_str("<tr>");
        for c in r {
            let _ = write!(s, "<td>{}</td>", html_text(c));
        }
        s.push_str("</tr>\n");
    }
    s.push_str("</tbody>\n</table>\n</section>\n</main>\n</body>\n</html>\n");
    s
}
