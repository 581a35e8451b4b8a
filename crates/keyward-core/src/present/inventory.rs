//! Who has which account in which app, matched to people.

use std::borrow::Cow;
use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::Serialize;

use crate::account::AccountListing;
use crate::account::status_in;
use crate::compile::PolicySet;
use crate::correlate::{Indexes, Link, LinkDetail, correlate, explain};
use crate::hints::hint_message;
use crate::i18n::{Arg, Lang, Msg};
use crate::identity::clue_message;
use crate::people::{People, Phase};
use crate::plan::PlanError;
use crate::present::table;

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
    /// How the account was matched, or why not, in English (the CSV for
    /// tools, JSON).
    pub matched_by: String,
    /// [`Self::matched_by`] as a message, for readers of any language.
    #[serde(skip)]
    pub matched_by_message: Msg,
    /// For an account matching nobody: the people its name suggests
    /// (`E0100 山田 太郎 (left 2025-03-31)`, `; `-separated) — a hint for
    /// the reviewer, never a match.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub probably: String,
    /// [`Self::probably`] as a message (`None` without hints).
    #[serde(skip)]
    pub probably_message: Option<Msg>,
    /// The people the account may be, as indexes into
    /// [`People::persons`]: the candidates of an ambiguous match, whom a
    /// look-alike address resembles, or whom an unmatched account's name
    /// suggests ([`Self::probably`]). Empty for matched accounts.
    #[serde(skip)]
    pub candidates: Vec<usize>,
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
            let mut probably = None;
            let mut candidates = Vec::new();
            let empty = || (String::new(), String::new(), String::new());
            let ((person_id, person_name, person_status), how) = match link {
                Link::Person { person, .. } => {
                    let p = &people.persons()[person as usize];
                    ((p.id.clone(), p.name.clone().unwrap_or_default(), phase_word(p.phase(today))), matched(&d))
                }
                Link::Orphan => {
                    candidates = indexes.names(people).probable(a);
                    let mut named = candidates.iter().rev().filter_map(|&i| hint_message(people, i, today));
                    probably = named.next().map(|last| {
                        named.fold(last, |rest, first| {
                            Msg::new("inv-probably-and").arg("first", first).arg("rest", rest)
                        })
                    });
                    (empty(), Msg::new("inv-unmatched"))
                }
                _ => {
                    candidates.clone_from(&d.candidates);
                    (empty(), unmatched(people, link, d))
                }
            };
            let matched_by = how.render(Lang::En);
            let probably_en = probably.as_ref().map(|m| m.render(Lang::En)).unwrap_or_default();
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
                matched_by_message: how,
                probably: probably_en,
                probably_message: probably,
                candidates,
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

/// How a matched account was matched (`e-mail x@y`), with the fallback's
/// reason and the evidence when the address had several holders.
fn matched(d: &LinkDetail) -> Msg {
    let key = d.matched_by.as_ref().map(|(_, key)| key.as_str()).unwrap_or_default();
    let what: Arg = d.deciding.clone().map_or(Arg::Text(String::new()), Arg::from);
    let how = match &d.weak_message {
        Some(w) => Msg::new("inv-matched-fallback").arg("weak", w.clone()),
        None => Msg::new("inv-matched"),
    }
    .arg("what", what)
    .arg("key", key);
    match &d.verdict {
        Some(v) if v.doubt.is_some() => Msg::new("inv-in-doubt").arg("how", how).arg("clue", clue_message(v)),
        Some(v) if !v.earlier.is_empty() => Msg::new("inv-decided").arg("how", how).arg("clue", clue_message(v)),
        _ => how,
    }
}

/// Why an account is linked to nobody for sure (orphans aside).
fn unmatched(people: &People, link: Link, d: LinkDetail) -> Msg {
    let ids = || -> Vec<String> { d.candidates.iter().filter_map(|&i| people.get(i)).map(|p| p.id.clone()).collect() };
    match link {
        Link::Ambiguous { .. } => Msg::new("inv-ambiguous").arg("ids", ids()),
        Link::LookAlike { .. } => {
            let ids = ids();
            let like = if ids.is_empty() {
                Arg::Text(String::new())
            } else {
                Msg::new("inv-resembles").arg("ids", ids).into()
            };
            Msg::new("inv-look-alike").arg("chars", d.look_alike.join(" ")).arg("resembles", like)
        }
        Link::Protected { .. } => {
            let why: Arg = d.protected_message.map_or(Arg::Text(String::new()), Arg::from);
            Msg::new("inv-protected").arg("why", why)
        }
        Link::Bot => Msg::new("inv-bot"),
        Link::Person { .. } | Link::Orphan => Msg::new("inv-unmatched"),
    }
}

/// A column's header in `lang` (the inventory's and the review sheets'
/// columns); in English the column's key, which
/// the review import reads in either language.
pub fn column_title(column: &str, lang: Lang) -> String {
    match column {
        "reviewer" => t!(lang, "review-col-reviewer"),
        "app" => t!(lang, "review-col-app"),
        "account_id" => t!(lang, "review-col-account-id"),
        "account" => t!(lang, "review-col-account"),
        "status" => t!(lang, "review-col-status"),
        "role" => t!(lang, "review-col-role"),
        "groups" => t!(lang, "review-col-groups"),
        "last_active" => t!(lang, "review-col-last-active"),
        "person_id" => t!(lang, "review-col-person-id"),
        "person_name" => t!(lang, "review-col-person-name"),
        "department" => t!(lang, "review-col-department"),
        "employment_type" => t!(lang, "review-col-employment-type"),
        "person_status" => t!(lang, "review-col-person-status"),
        "granted_by" => t!(lang, "review-col-granted-by"),
        "matched_by" => t!(lang, "review-col-matched-by"),
        "decision" => t!(lang, "review-col-decision"),
        "comment" => t!(lang, "review-col-comment"),
        other => other.to_owned(),
    }
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

/// A row's cells for people reading `lang`: the account's status, the
/// person's situation and how the account was matched in their words;
/// the rest is data and stays as the app and HR hold it.
fn cells_in(r: &InventoryRow, lang: Lang) -> [Cow<'_, str>; 11] {
    let mut cells = fields(r).map(Cow::Borrowed);
    cells[3] = Cow::Owned(status_in(&r.status, lang));
    cells[9] = Cow::Owned(situation_in(&r.person_status, lang));
    cells[10] = Cow::Owned(r.matched_by_message.render(lang));
    cells
}

impl Inventory {
    /// CSV for tools: a header row of column keys and English words in
    /// every cell, whatever the reader's language (UTF-8, RFC 4180
    /// quoting). A cell that would start a spreadsheet formula is written
    /// with a leading `'`.
    pub fn to_csv(&self) -> String {
        self.csv(|r| fields(r).map(Cow::Borrowed), HEADERS.map(str::to_owned))
    }

    /// CSV for people (opened in Excel): headers and the words in cells
    /// in `lang`. In English it is [`Self::to_csv`], byte for byte.
    pub fn to_csv_in(&self, lang: Lang) -> String {
        self.csv(|r| cells_in(r, lang), HEADERS.map(|h| column_title(h, lang)))
    }

    fn csv<'a>(&'a self, cells: impl Fn(&'a InventoryRow) -> [Cow<'a, str>; 11], headers: [String; 11]) -> String {
        let rows: Vec<Vec<String>> =
            self.rows.iter().map(|r| cells(r).iter().map(|c| c.clone().into_owned()).collect()).collect();
        table::csv(&headers, &rows)
    }

    /// An aligned text table in English.
    pub fn to_table(&self) -> String {
        self.to_table_in(Lang::En)
    }

    /// An aligned text table in `lang`. Column widths count East Asian
    /// wide characters as two cells so Japanese names line up.
    pub fn to_table_in(&self, lang: Lang) -> String {
        let cols = [0usize, 2, 3, 4, 7, 8, 9, 10];
        let all = HEADERS.map(|h| column_title(h, lang));
        let headers: Vec<String> = cols.iter().map(|&c| all[c].clone()).collect();
        let rows: Vec<Vec<String>> = self
            .rows
            .iter()
            .map(|r| {
                let cells = cells_in(r, lang);
                cols.iter().map(|&c| cells[c].clone().into_owned()).collect()
            })
            .collect();
        table::aligned(&headers, &rows)
    }
}
