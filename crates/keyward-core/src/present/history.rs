//! `keyward history`: who had which account in which app at an instant,
//! and how that is known, as a text table, CSV, Markdown or JSON.

use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::Serialize;

use crate::account::status_in;
use crate::history::{AccountAt, HistoryAt, Knowledge, Outcome};
use crate::i18n::{Arg, Lang};
use crate::present::render::action_name;
use crate::present::table;

/// The columns, by key (the CSV for tools' header).
pub const HEADERS: [&str; 9] =
    ["app", "accountId", "account", "owner", "role", "groups", "status", "certainty", "basis"];

/// How the answer is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// An aligned table.
    Text,
    /// CSV for tools: column keys and English words.
    Csv,
    /// CSV for people (Excel): headers and words in the language.
    CsvForPeople,
    /// A Markdown table under a heading.
    Markdown,
    /// The reconstruction as JSON (English, for tools).
    Json,
}

/// The JSON document.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Document<'a> {
    /// What was asked, as given (`2026-12-07` or an instant).
    at: &'a str,
    #[serde(flatten)]
    history: &'a HistoryAt,
}

/// Keeps the apps in `apps` (all when empty) and, with `person`, the
/// accounts owned by that employee number. An app whose accounts are not
/// known stays: that is part of the answer.
pub fn only(mut h: HistoryAt, apps: &[String], person: Option<&str>) -> HistoryAt {
    if !apps.is_empty() {
        h.apps.retain(|a| apps.contains(&a.app));
    }
    if let Some(person) = person {
        for a in &mut h.apps {
            if let Knowledge::Known { accounts, .. } = &mut a.knowledge {
                accounts.retain(|r| r.owner.as_deref() == Some(person));
            }
        }
    }
    h
}

/// `h` (the answer for `asked`, a day or an instant) in `format`, times
/// shown in `tz`, words in `lang`.
pub fn render(h: &HistoryAt, asked: &str, tz: &TimeZone, format: Format, lang: Lang) -> String {
    if format == Format::Json {
        return serde_json::to_string_pretty(&Document { at: asked, history: h }).unwrap_or_default() + "\n";
    }
    let words = if format == Format::Csv { Lang::En } else { lang };
    let rows = rows(h, tz, words);
    let headers: Vec<String> = match format {
        Format::Csv => HEADERS.iter().map(|h| (*h).to_owned()).collect(),
        _ => HEADERS.iter().map(|h| column_title(h, lang)).collect(),
    };
    match format {
        Format::Csv | Format::CsvForPeople => table::csv(&headers, &rows),
        Format::Markdown => {
            let title = t!(lang, "history-title", at = asked, zone = zone(tz));
            format!("## {}\n\n{}", crate::present::escape::md_text(&title), table::markdown(&headers, &rows))
        }
        Format::Text | Format::Json => {
            let title = t!(lang, "history-title", at = asked, zone = zone(tz));
            format!("{title}\n\n{}", table::aligned(&headers, &rows))
        }
    }
}

fn zone(tz: &TimeZone) -> String {
    tz.iana_name().map_or_else(|| "UTC".to_owned(), str::to_owned)
}

/// A column's header in `lang`.
pub fn column_title(column: &str, lang: Lang) -> String {
    match column {
        "app" => t!(lang, "history-col-app"),
        "accountId" => t!(lang, "history-col-account-id"),
        "account" => t!(lang, "history-col-account"),
        "owner" => t!(lang, "history-col-owner"),
        "role" => t!(lang, "history-col-role"),
        "groups" => t!(lang, "history-col-groups"),
        "status" => t!(lang, "history-col-status"),
        "certainty" => t!(lang, "history-col-certainty"),
        "basis" => t!(lang, "history-col-basis"),
        other => other.to_owned(),
    }
}

/// A time as the organisation reads it: `2026-12-07 18:30`.
pub fn local(t: Timestamp, tz: &TimeZone) -> String {
    t.to_zoned(tz.clone()).strftime("%Y-%m-%d %H:%M").to_string()
}

fn rows(h: &HistoryAt, tz: &TimeZone, lang: Lang) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for app in &h.apps {
        let (run, listed, accounts) = match &app.knowledge {
            Knowledge::Known { run, listed, accounts, .. } => (run, listed, accounts),
            Knowledge::Unknown => {
                let why = t!(lang, "history-unknown", time = local(h.end, tz));
                out.push(unknown_row(&app.app, why, lang));
                continue;
            }
            Knowledge::Broken { seq } => {
                let why = t!(lang, "history-broken", seq = Arg::digits(*seq as usize));
                out.push(unknown_row(&app.app, why, lang));
                continue;
            }
        };
        let listing = t!(lang, "history-basis-listing", run = run.as_str(), time = local(*listed, tz));
        for a in accounts {
            out.push(account_row(&app.app, a, &listing, tz, lang));
        }
    }
    out
}

fn unknown_row(app: &str, why: String, lang: Lang) -> Vec<String> {
    let unknown = t!(lang, "history-status-unknown");
    vec![
        app.to_owned(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        unknown,
        String::new(),
        why,
    ]
}

fn account_row(app: &str, a: &AccountAt, listing: &str, tz: &TimeZone, lang: Lang) -> Vec<String> {
    let mut basis = listing.to_owned();
    for c in &a.changes {
        let outcome = match c.outcome {
            Outcome::Attempted => t!(lang, "history-outcome-attempted"),
            Outcome::Applied => t!(lang, "history-outcome-applied"),
            Outcome::AlreadyDone => t!(lang, "history-outcome-already-done"),
            Outcome::Failed => t!(lang, "history-outcome-failed"),
        };
        basis.push_str(&t!(
            lang,
            "history-basis-change",
            action = action_name(c.action, lang),
            outcome = outcome,
            time = local(c.time, tz),
        ));
    }
    vec![
        app.to_owned(),
        a.id.clone().unwrap_or_default(),
        a.handle.clone(),
        a.owner.clone().unwrap_or_default(),
        a.role.clone().unwrap_or_default(),
        a.groups.join(";"),
        status_in(a.status.as_str(), lang),
        if a.uncertain { t!(lang, "history-uncertain") } else { String::new() },
        basis,
    ]
}
