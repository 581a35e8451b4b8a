//! Who has which account in which app, matched to people.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::Serialize;

use crate::account::AccountListing;
use crate::compile::PolicySet;
use crate::correlate::{Indexes, Link, correlate, explain};
use crate::hints::hint_words;
use crate::i18n::Lang;
use crate::people::{People, Phase};
use crate::plan::PlanError;
use crate::present::escape::spreadsheet_cell;

/// One account and whom it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InventoryRow {
    /// Application.
    pub app: String,
    /// The app's account id.
    pub account_id: String,
    /// E-mail, username or id.
    pub account: String,
    /// active / invited / suspended.
    pub status: String,
    /// Role in the app.
    pub role: String,
    /// Groups, `;`-separated.
    pub groups: String,
    /// Last sign-in.
    pub last_active: String,
    /// Employee number of the matched person.
    pub person_id: String,
    /// Name of the matched person.
    pub person_name: String,
    /// The person's situation on the inventory date.
    pub person_status: String,
    /// How the account was matched, or why not.
    pub matched_by: String,
    /// For an account matching nobody: the people its name suggests
    /// (`E0100 山田 太郎 (left 2025-03-31)`, `; `-separated) — a hint for
    /// the reviewer, never a match.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub probably: String,
    /// The correlation itself, for callers that group rows by person or
    /// pick out orphans without parsing `matched_by`'s words.
    #[serde(skip)]
    pub link: Link,
}

/// The inventory of all apps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Inventory {
    /// The day the person statuses are for.
    pub date: Date,
    /// One row per account, by app then account id.
    pub rows: Vec<InventoryRow>,
}

/// The person's situation in the words inventories and the report show.
pub(crate) fn phase_word(p: Phase) -> String {
    match p {
        Phase::NotStarted { start } => format!("joins {start}"),
        Phase::Employed => "employed".to_owned(),
        Phase::OnLeave => "on leave".to_owned(),
        Phase::Left { last_day: Some(d) } => format!("left {d}"),
        Phase::Left { last_day: None } => "left".to_owned(),
    }
}

/// A situation as [`phase_word`] words it (`left 2026-11-13`, `employed`,
/// and `matches nobody` for the report's unmatched rows), in `lang`. The
/// inventory's data and JSON keep the English words; this is for pages and
/// sheets people read. Anything else is shown as it is.
pub fn situation_in(situation: &str, lang: Lang) -> String {
    let (word, date) = situation.split_once(' ').map_or((situation, ""), |(w, d)| (w, d));
    match (word, date) {
        ("employed", "") => t!(lang, "situation-employed"),
        ("on", "leave") => t!(lang, "situation-on-leave"),
        ("left", "") => t!(lang, "situation-left"),
        ("left", d) => t!(lang, "situation-left-on", date = d),
        ("joins", d) if !d.is_empty() => t!(lang, "situation-joins-on", date = d),
        ("matches", "nobody") => t!(lang, "situation-matches-nobody"),
        _ => situation.to_owned(),
    }
}

/// The situation [`situation_in`] wrote in `lang`, back in the English
/// words the rest of keyward reads (a review sheet filled in and imported).
pub fn situation_from(shown: &str, lang: Lang) -> String {
    let shown = shown.trim();
    for english in ["employed", "on leave", "left", "matches nobody"] {
        if shown == situation_in(english, lang) {
            return english.to_owned();
        }
    }
    // The date is the only part that varies: find it and compare the rest.
    if let Some(date) = shown.split([' ', '\u{3000}', '（', '）', '(', ')']).find(|p| p.parse::<Date>().is_ok()) {
        for word in ["left", "joins"] {
            let english = format!("{word} {date}");
            if shown == situation_in(&english, lang) {
                return english;
            }
        }
    }
    shown.to_owned()
}

/// Builds the inventory.
pub fn inventory(
    set: &PolicySet,
    people: &People,
    listings: &BTreeMap<String, AccountListing>,
    today: Date,
) -> Result<Inventory, PlanError> {
    let mut rows = Vec::new();
    let indexes = Indexes::build(&set.compiled.apps, people);
    for app in &set.compiled.apps {
        let listing = listings.get(&app.name).ok_or_else(|| PlanError::MissingListing(app.name.clone()))?;
        let links = correlate(app, &listing.accounts, &indexes);
        let mut app_rows = Vec::with_capacity(listing.accounts.len());
        for (a, link) in listing.accounts.iter().zip(links) {
            let d = explain(app, people, a, link);
            let mut probably = String::new();
            let empty = || (String::new(), String::new(), String::new());
            let ((person_id, person_name, person_status), matched_by) = match link {
                Link::Person { person, weak, .. } => {
                    let p = &people.persons()[person as usize];
                    let (what, key) = d.matched_by.unwrap_or_default();
                    let mut how = match (weak, d.weak_because) {
                        (true, Some(w)) => format!("{what} {key} (fallback: {w})"),
                        _ => format!("{what} {key}"),
                    };
                    if let Some(v) = &d.verdict
                        && (v.doubt.is_some() || !v.earlier.is_empty())
                    {
                        let state = if v.doubt.is_some() { "in doubt" } else { "decided" };
                        how = format!("{how} ({state}: {})", crate::identity::clue_words(v));
                    }
                    ((p.id.clone(), p.name.clone().unwrap_or_default(), phase_word(p.phase(today))), how)
                }
                Link::Ambiguous { .. } => {
                    let ids: Vec<&str> =
                        d.candidates.iter().filter_map(|&i| people.get(i)).map(|p| p.id.as_str()).collect();
                    (empty(), format!("ambiguous: {}", ids.join(", ")))
                }
                Link::LookAlike { .. } => {
                    let ids: Vec<&str> =
                        d.candidates.iter().filter_map(|&i| people.get(i)).map(|p| p.id.as_str()).collect();
                    let like = if ids.is_empty() { String::new() } else { format!(", resembles {}", ids.join(", ")) };
                    (empty(), format!("look-alike address: non-ASCII {}{like}", d.look_alike.join(" ")))
                }
                Link::Orphan => {
                    let hints = indexes.names(people).probable(a);
                    probably = hints.iter().map(|&i| hint_words(people, i, today)).collect::<Vec<_>>().join("; ");
                    (empty(), "unmatched".to_owned())
                }
                Link::Protected { .. } => (empty(), format!("protected: {}", d.protected_because.unwrap_or_default())),
                Link::Bot => (empty(), "bot".to_owned()),
            };
            app_rows.push(InventoryRow {
                app: app.name.clone(),
                account_id: a.id.to_string(),
                account: a.label().to_owned(),
                status: a.status.as_str().to_owned(),
                role: a.role.as_deref().unwrap_or_default().to_owned(),
                groups: a.groups.join(";"),
                last_active: a.last_active.map(|d| d.to_string()).unwrap_or_default(),
                person_id,
                person_name,
                person_status,
                matched_by,
                probably,
                link,
            });
        }
        // Listings keep the order the app exported; the inventory is
        // sorted so the same accounts always print the same way.
        app_rows.sort_by(|x, y| x.account_id.cmp(&y.account_id));
        rows.extend(app_rows);
    }
    Ok(Inventory { date: today, rows })
}

const HEADERS: [&str; 11] = [
    "app",
    "account_id",
    "account",
    "status",
    "role",
    "groups",
    "last_active",
    "person_id",
    "person_name",
    "person_status",
    "matched_by",
];

fn fields(r: &InventoryRow) -> [&str; 11] {
    [
        &r.app,
        &r.account_id,
        &r.account,
        &r.status,
        &r.role,
        &r.groups,
        &r.last_active,
        &r.person_id,
        &r.person_name,
        &r.person_status,
        &r.matched_by,
    ]
}

impl Inventory {
    /// CSV with a header row (UTF-8, RFC 4180 quoting). A cell that would
    /// start a spreadsheet formula is written with a leading `'`.
    pub fn to_csv(&self) -> String {
        let mut w = csv::Writer::from_writer(Vec::new());
        let _ = w.write_record(HEADERS);
        for r in &self.rows {
            let _ = w.write_record(fields(r).map(spreadsheet_cell).iter().map(|c| c.as_bytes()));
        }
        let bytes = w.into_inner().unwrap_or_default();
        String::from_utf8(bytes).unwrap_or_default()
    }

    /// An aligned text table. Column widths count East Asian wide
    /// characters as two cells so Japanese names line up.
    pub fn to_table(&self) -> String {
        let cols = [0usize, 2, 3, 4, 7, 8, 9, 10];
        let mut widths: Vec<usize> = cols.iter().map(|&c| display_width(HEADERS[c])).collect();
        for r in &self.rows {
            let f = fields(r);
            for (w, &c) in widths.iter_mut().zip(&cols) {
                *w = (*w).max(display_width(f[c]));
            }
        }
        let mut out = String::new();
        let line = |out: &mut String, vals: Vec<&str>| {
            let mut s = String::new();
            for (i, (v, w)) in vals.iter().zip(&widths).enumerate() {
                s.push_str(v);
                if i + 1 < vals.len() {
                    s.push_str(&" ".repeat(w - display_width(v) + 2));
                }
            }
            out.push_str(s.trim_end());
            out.push('\n');
        };
        line(&mut out, cols.iter().map(|&c| HEADERS[c]).collect());
        for r in &self.rows {
            let f = fields(r);
            line(&mut out, cols.iter().map(|&c| f[c]).collect());
        }
        out
    }
}

fn display_width(s: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(s)
}
