//! Access review (棚卸し): every account of every app, put in front of the
//! person who can vouch for it — each person's manager, or the app's
//! owner — with what keyward knows about it, to be marked `keep` or
//! `remove`. A reviewed sheet fed back becomes Exceptions (accounts kept
//! that no policy grants) and a list of removals.
//!
//! Accounts nobody can vouch for through a manager (orphans, ambiguous
//! matches, protected and bot accounts, people with no manager recorded)
//! go to the app's owner, so no account is left out of a review.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::account::AccountListing;
use crate::account::status_in;
use crate::compile::PolicySet;
use crate::compile::model::Compiled;
use crate::diag::Diagnostic;
use crate::evaluate::{EntView, Src, select_all};
use crate::i18n::{Lang, Msg};
use crate::people::{People, Phase};
use crate::plan::PlanError;
use crate::present::escape::{from_spreadsheet_cell, spreadsheet_cell};
pub use crate::present::inventory::column_title;
use crate::present::inventory::{inventory, situation_from, situation_in};
use crate::resources::{ExceptionSpec, Grant};
use crate::tabular::{RecordLines, row_error};

/// Who reviews.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewBy {
    /// Each person's manager (accounts without one go to the app owner).
    Manager,
    /// Each app's owner.
    App,
}

/// Where a row was read from: the sheet and its line, for messages. Not
/// part of what the row says: two rows are equal by their cells wherever
/// they were read.
#[derive(Debug, Clone, Default)]
pub struct RowAt {
    /// The file, as the reader named it.
    pub file: String,
    /// 1-based line of the row's first cell.
    pub line: usize,
}

impl PartialEq for RowAt {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for RowAt {}

/// One account to certify. The field names are the CSV's columns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct ReviewRow {
    /// Where the row was read (empty for rows keyward made).
    #[serde(skip)]
    pub at: RowAt,
    /// Who certifies this row (an e-mail or employee number).
    pub reviewer: String,
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
    /// Last sign-in, when the app reports it.
    pub last_active: String,
    /// Employee number of the matched person.
    pub person_id: String,
    /// Name of the matched person.
    pub person_name: String,
    /// Departments of the person's posts, `;`-separated.
    pub department: String,
    /// Employment type.
    pub employment_type: String,
    /// The person's situation on the review date.
    pub person_status: String,
    /// The policies and exceptions granting this app, or why nothing does.
    pub granted_by: String,
    /// How the account was matched to the person, or why not.
    pub matched_by: String,
    /// [`Self::matched_by`] as a message, for a sheet in another language
    /// (not read back: the cell is for the reviewer's eyes).
    #[serde(skip)]
    pub matched_by_message: Option<Msg>,
    /// `keep` (継続), `remove` (削除) or `check` (要確認), filled in by the reviewer.
    #[serde(default)]
    pub decision: String,
    /// Why, filled in by the reviewer (becomes an Exception's reason).
    #[serde(default)]
    pub comment: String,
    /// For an account matching nobody: the people its name suggests (a
    /// hint, never a match); last, after the reviewer's columns. Absent
    /// from sheets written before it existed.
    #[serde(default)]
    pub probably: String,
    /// [`Self::probably`] as a message, for a sheet in another language.
    #[serde(skip)]
    pub probably_message: Option<Msg>,
}

/// The columns of a sheet, in the order they are written: the field names
/// of [`ReviewRow`].
pub const COLUMNS: [&str; 18] = [
    "reviewer",
    "app",
    "account_id",
    "account",
    "status",
    "role",
    "groups",
    "last_active",
    "person_id",
    "person_name",
    "department",
    "employment_type",
    "person_status",
    "granted_by",
    "matched_by",
    "decision",
    "comment",
    "probably",
];

impl ReviewRow {
    /// The row's cells, in the order of [`COLUMNS`].
    fn cells(&self) -> [&str; 18] {
        [
            &self.reviewer,
            &self.app,
            &self.account_id,
            &self.account,
            &self.status,
            &self.role,
            &self.groups,
            &self.last_active,
            &self.person_id,
            &self.person_name,
            &self.department,
            &self.employment_type,
            &self.person_status,
            &self.granted_by,
            &self.matched_by,
            &self.decision,
            &self.comment,
            &self.probably,
        ]
    }
}

/// The byte-order mark a sheet starts with, so Excel reads it as UTF-8.
const BOM: char = crate::tabular::EXCEL_BOM;

/// The sheet of one reviewer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReviewSheet {
    /// Who certifies it.
    pub reviewer: String,
    /// What the reviewer is (`manager of 3 people`, `owner of slack`).
    pub role: String,
    /// Rows, by app then account.
    pub rows: Vec<ReviewRow>,
}

/// Text of `granted_by` for an account no policy or exception grants.
pub const NOT_GRANTED: &str = "not granted by any policy";

/// The review sheets for `today`, one per reviewer, sorted by reviewer.
pub fn sheets(
    set: &PolicySet,
    people: &People,
    listings: &BTreeMap<String, AccountListing>,
    today: Date,
    by: ReviewBy,
) -> Result<Vec<ReviewSheet>, PlanError> {
    let compiled = &set.compiled;
    let phases: Vec<Phase> = people.persons().iter().map(|p| p.phase(today)).collect();
    let selections = select_all(compiled, people, &phases, today);
    let inv = inventory(set, people, listings, today)?;
    let owner_of = |app: &str| {
        set.application(app)
            .and_then(|a| a.spec.owner.clone())
            .unwrap_or_else(|| format!("(no owner set for Application {app})"))
    };

    let mut by_reviewer: BTreeMap<String, (String, Vec<ReviewRow>)> = BTreeMap::new();
    let mut view = EntView::default();
    for r in inv.rows {
        let person = (!r.person_id.is_empty()).then(|| people.find(&r.person_id)).flatten();
        let granted_by = match (person, compiled.app_index.get(&r.app)) {
            (Some(p), Some(&a)) if selections.entitlement(compiled, p, a, &mut view) => granted_by(compiled, &view),
            (Some(_), _) => NOT_GRANTED.to_owned(),
            (None, _) => String::new(),
        };
        let p = person.and_then(|i| people.get(i));
        let manager = p
            .and_then(|p| p.manager.as_deref())
            .map(|m| people.find(m).and_then(|i| people.get(i)).and_then(|m| m.email.clone()).unwrap_or(m.to_owned()));
        let (reviewer, role) = match (by, manager) {
            (ReviewBy::Manager, Some(m)) => (m, "manager".to_owned()),
            _ => (owner_of(&r.app), format!("owner of {}", r.app)),
        };
        let row = ReviewRow {
            at: RowAt::default(),
            reviewer: reviewer.clone(),
            app: r.app,
            account_id: r.account_id,
            account: r.account,
            status: r.status,
            role: r.role,
            groups: r.groups,
            last_active: r.last_active,
            person_id: r.person_id,
            person_name: r.person_name,
            department: p
                .map(|p| p.posts.iter().filter_map(|x| x.department.clone()).collect::<Vec<_>>().join(";"))
                .unwrap_or_default(),
            employment_type: p.and_then(|p| p.employment_type.clone()).unwrap_or_default(),
            person_status: r.person_status,
            granted_by,
            matched_by: r.matched_by,
            matched_by_message: Some(r.matched_by_message),
            probably: r.probably,
            probably_message: r.probably_message,
            decision: String::new(),
            comment: String::new(),
        };
        let entry = by_reviewer.entry(reviewer).or_insert_with(|| (role.clone(), Vec::new()));
        if !entry.0.split(", ").any(|x| x == role) {
            entry.0 = format!("{}, {role}", entry.0);
        }
        entry.1.push(row);
    }
    Ok(by_reviewer
        .into_iter()
        .map(|(reviewer, (role, mut rows))| {
            rows.sort_by(|a, b| (&a.app, &a.account_id).cmp(&(&b.app, &b.account_id)));
            ReviewSheet { reviewer, role, rows }
        })
        .collect())
}

/// `AccessPolicy a; Exception b until 2026-12-15`: what grants an
/// entitlement, in the words a reviewer (and the admin report) shows.
pub(crate) fn granted_by(compiled: &Compiled, view: &EntView<'_>) -> String {
    view.sources
        .iter()
        .map(|s| match *s {
            Src::Policy(h) => format!("AccessPolicy {}", compiled.policies[h.policy as usize].name),
            Src::Exception(e) => {
                let ex = &compiled.exceptions[e as usize];
                format!("Exception {} until {}", ex.name, ex.until)
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// A sheet as Markdown, in English.
pub fn to_markdown(sheet: &ReviewSheet, today: Date) -> String {
    to_markdown_in(sheet, today, Lang::En)
}

/// A sheet as Markdown in `lang`: one checklist table per app, leavers'
/// and ungranted accounts marked so a reviewer sees them first.
pub fn to_markdown_in(sheet: &ReviewSheet, today: Date, lang: Lang) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", t!(lang, "review-md-title", date = today, reviewer = md(&sheet.reviewer)));
    let _ = writeln!(out, "{}\n", t!(lang, "review-md-intro", role = sheet_role(&sheet.role, lang)));
    let mut apps: Vec<&str> = sheet.rows.iter().map(|r| r.app.as_str()).collect();
    apps.dedup();
    for app in apps {
        let _ = writeln!(out, "## {}\n", md(app));
        let _ = writeln!(out, "{}", t!(lang, "review-md-header"));
        let _ = writeln!(out, "|---|---|---|---|---|---|---|---|");
        for r in sheet.rows.iter().filter(|r| r.app == app) {
            let person = if r.person_id.is_empty() {
                let why = r.matched_by_message.as_ref().map_or_else(|| r.matched_by.clone(), |m| m.render(lang));
                format!("— ({why})")
            } else {
                t!(
                    lang,
                    "review-md-person",
                    name = &r.person_name,
                    id = &r.person_id,
                    status = situation_in(&r.person_status, lang)
                )
            };
            let note = if r.person_status.starts_with("left") {
                t!(lang, "review-md-note-leaver")
            } else if r.granted_by == NOT_GRANTED {
                t!(lang, "review-md-note-not-granted")
            } else if r.person_id.is_empty() {
                t!(lang, "review-md-note-unmatched")
            } else {
                String::new()
            };
            let _ = writeln!(
                out,
                "| [ ] | [ ] | {} | {} | {} | {} | {} | {note} |",
                md(&r.account),
                md(&person),
                md(&status_in(&r.status, lang)),
                md(&r.role),
                md(&granted_by_in(&r.granted_by, lang))
            );
        }
        out.push('\n');
    }
    out
}

/// What a reviewer is (`manager, owner of slack`), in `lang`.
fn sheet_role(role: &str, lang: Lang) -> String {
    let parts: Vec<String> = role
        .split(", ")
        .map(|r| match r.strip_prefix("owner of ") {
            _ if r == "manager" => t!(lang, "review-role-manager"),
            Some(app) => t!(lang, "review-role-owner", app = app),
            None => r.to_owned(),
        })
        .collect();
    parts.join(match lang {
        Lang::En => ", ",
        Lang::Ja => "、",
    })
}

/// `granted_by` in `lang`: only the "not granted" sentence is words; the
/// rest names resources (`AccessPolicy sales`), which stay as they are.
fn granted_by_in(granted_by: &str, lang: Lang) -> String {
    if granted_by == NOT_GRANTED { t!(lang, "review-not-granted") } else { granted_by.to_owned() }
}

/// The column key a header names, in any language (`判断（継続・削除・要確認）`
/// → `decision`); a header of no column is kept, so serde names it.
fn column_key(header: &str) -> String {
    let header = header.trim();
    COLUMNS
        .iter()
        .find(|c| Lang::ALL.iter().any(|&l| column_title(c, l) == header))
        .map_or_else(|| header.to_owned(), |c| (*c).to_owned())
}

/// A sheet as CSV, in English.
pub fn to_csv(sheet: &ReviewSheet) -> String {
    to_csv_in(sheet, Lang::En)
}

/// A sheet as CSV to fill in, its headers and words in `lang`: UTF-8 with
/// a byte-order mark (so Excel opens Japanese text correctly), a header
/// row, one row per account. A cell that would start a spreadsheet formula
/// (a name typed as `=HYPERLINK(…)` in the HR master) gets a leading `'`,
/// which [`read_csv`] removes. [`read_csv`] reads it back in either
/// language to the same rows.
pub fn to_csv_in(sheet: &ReviewSheet, lang: Lang) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(COLUMNS.map(|c| column_title(c, lang)));
    for r in &sheet.rows {
        let mut cells = r.cells().map(str::to_owned);
        cells[4] = status_in(&r.status, lang);
        cells[12] = situation_in(&r.person_status, lang);
        cells[13] = granted_by_in(&r.granted_by, lang);
        // The messages render in English as the data's words read.
        if let Some(m) = &r.matched_by_message {
            cells[14] = m.render(lang);
        }
        if let Some(m) = &r.probably_message {
            cells[17] = m.render(lang);
        }
        let _ =
            w.write_record(cells.iter().map(|c| spreadsheet_cell(c)).collect::<Vec<_>>().iter().map(|c| c.as_bytes()));
    }
    crate::tabular::for_excel(&String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default())
}

/// A row read from a sheet written in any language, in the English words
/// the decisions are made on.
fn to_english(mut row: ReviewRow) -> ReviewRow {
    for lang in Lang::ALL {
        if row.granted_by.trim() == t!(lang, "review-not-granted") {
            row.granted_by = NOT_GRANTED.to_owned();
        }
        for english in ["active", "invited", "suspended"] {
            if row.status.trim() == status_in(english, lang) {
                row.status = english.to_owned();
            }
        }
        let status = situation_from(&row.person_status, lang);
        if status != row.person_status.trim() {
            row.person_status = status;
        }
    }
    row
}

/// Reads a filled-in sheet (`file` names it in errors): each cell as
/// [`to_csv`] wrote it, whatever else the reviewer left in it. An error
/// names the file and line.
pub fn read_csv(file: &str, text: &str) -> Result<Vec<ReviewRow>, Diagnostic> {
    let text = text.strip_prefix(BOM).unwrap_or(text);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let mut lines = RecordLines::new(text);
    let help = "keep the columns `keyward review export` wrote and fill in only `decision` and `comment`";
    let located = |line: usize, e: &dyn std::fmt::Display| row_error(file, line, None, e.to_string()).with_help(help);
    let headers: csv::StringRecord = reader.headers().map_err(|e| located(1, &e))?.iter().map(column_key).collect();
    // Only the comment may be left out; a sheet without the account's
    // columns or the decision cannot be carried out.
    let missing: Vec<&str> =
        COLUMNS.iter().copied().filter(|c| *c != "comment" && !headers.iter().any(|h| h.trim() == *c)).collect();
    if !missing.is_empty() {
        return Err(row_error(file, 1, None, missing_columns_message(&missing)).with_help(help));
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| located(e.position().map_or(0, |p| lines.line(p)), &e))?;
        let line = record.position().map_or(0, |p| lines.line(p));
        let cells: csv::StringRecord = record.iter().map(from_spreadsheet_cell).collect();
        let mut row = to_english(cells.deserialize::<ReviewRow>(Some(&headers)).map_err(|e| located(line, &e))?);
        row.at = RowAt { file: file.to_owned(), line };
        rows.push(row);
    }
    Ok(rows)
}

/// The error for a sheet whose header row lacks columns keyward wrote.
fn missing_columns_message(missing: &[&str]) -> String {
    format!("the sheet has no column `{}`", missing.join("`, `"))
}

/// Every account reviewed twice (in one sheet or two): which decision
/// counts would be a guess, so each is an error naming both rows.
pub fn duplicate_rows(rows: &[ReviewRow]) -> Vec<Diagnostic> {
    let mut first: std::collections::HashMap<(&str, &str), &RowAt> = std::collections::HashMap::new();
    let mut out = Vec::new();
    for r in rows {
        let key = (r.app.as_str(), if r.account_id.is_empty() { r.account.as_str() } else { r.account_id.as_str() });
        match first.get(&key) {
            Some(at) => out.push(
                row_error(&r.at.file, r.at.line, None, duplicate_row_message(&r.app, &r.account, at))
                    .with_help("keep one row per account, with one decision"),
            ),
            None => {
                first.insert(key, &r.at);
            }
        }
    }
    out
}

/// The error for an account reviewed in two rows.
fn duplicate_row_message(app: &str, account: &str, first: &RowAt) -> String {
    format!("{app} account `{account}` is already reviewed in {} line {}", first.file, first.line)
}

/// Escapes what would break a Markdown table cell or become HTML.
fn md(s: &str) -> String {
    s.replace('\\', "\\\\").replace('|', "\\|").replace('<', "&lt;").replace('>', "&gt;").replace(['\n', '\r'], " ")
}

/// What a reviewed sheet asks for.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Decisions {
    /// Accounts kept that no policy grants: one Exception each.
    pub exceptions: Vec<(String, ExceptionSpec)>,
    /// Accounts to remove (the plan removes those no policy grants when
    /// the app's `ungranted` is `suspend`; otherwise an admin does).
    pub removals: Vec<ReviewRow>,
    /// Rows whose decision a review cannot carry out: removing an account
    /// a policy grants needs a policy change; keeping a leaver's account
    /// needs a deliberate Exception.
    pub conflicts: Vec<(ReviewRow, String)>,
    /// Rows without a decision.
    pub undecided: usize,
    /// Rows the reviewer marked to be checked (`要確認`, `check`): no
    /// decision yet, but someone has a question about the account.
    pub to_check: Vec<ReviewRow>,
}

/// A row's decision that is none of the words a sheet takes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}row {row}: decision `{value}` is not `keep` (継続), `remove` (削除) or `check` (要確認)", at_prefix(.at))]
pub struct DecisionError {
    /// 1-based data row (after the header).
    pub row: usize,
    /// What was written.
    pub value: String,
    /// Where the row was read.
    pub at: RowAt,
}

/// `sheet.csv:5: ` for a row read from a file; nothing for one keyward made.
fn at_prefix(at: &RowAt) -> String {
    if at.file.is_empty() { String::new() } else { format!("{}:{}: ", at.file, at.line) }
}

/// Turns reviewed rows into Exceptions, removals and conflicts. Kept
/// accounts become Exceptions in force until `until`, approved by the
/// reviewer, for the reason in `comment`.
pub fn decide(rows: &[ReviewRow], until: Date) -> Result<Decisions, Vec<DecisionError>> {
    let mut d = Decisions::default();
    let mut errors = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        let decision = r.decision.trim().to_lowercase();
        match decision.as_str() {
            "" => d.undecided += 1,
            "keep" | "k" | "✓" | "残す" | "継続" => {
                if r.granted_by == NOT_GRANTED && r.person_status.starts_with("left") {
                    // A tick must never give a leaver access: that takes an
                    // Exception someone writes and justifies on purpose.
                    d.conflicts.push((
                        r.clone(),
                        "the person has left; keeping a leaver's account needs an Exception written by hand with the hand-over reason, not a review tick".to_owned(),
                    ));
                } else if r.granted_by == NOT_GRANTED && !r.person_id.is_empty() {
                    let name = exception_name(r);
                    let groups: Vec<String> =
                        r.groups.split(';').map(str::trim).filter(|g| !g.is_empty()).map(str::to_owned).collect();
                    let reason = if r.comment.trim().is_empty() {
                        format!("kept in the access review by {}", r.reviewer)
                    } else {
                        r.comment.trim().to_owned()
                    };
                    d.exceptions.push((
                        name,
                        ExceptionSpec {
                            person: r.person_id.clone(),
                            grant: vec![Grant {
                                app: r.app.clone(),
                                role: (!r.role.is_empty()).then(|| r.role.clone()),
                                groups,
                            }],
                            from: None,
                            until,
                            reason,
                            approver: r.reviewer.clone(),
                        },
                    ));
                }
            }
            "remove" | "r" | "✗" | "削除" => {
                if r.granted_by.starts_with("AccessPolicy") {
                    d.conflicts.push((
                        r.clone(),
                        format!("{} grants it; change that policy (or the person's HR record) instead", r.granted_by),
                    ));
                } else {
                    d.removals.push(r.clone());
                }
            }
            "check" | "?" | "要確認" | "確認" => d.to_check.push(r.clone()),
            _ => errors.push(DecisionError { row: i + 1, value: r.decision.clone(), at: r.at.clone() }),
        }
    }
    if errors.is_empty() { Ok(d) } else { Err(errors) }
}

/// `review-<person>-<app>`, lower-case, as a Kubernetes name allows.
fn exception_name(r: &ReviewRow) -> String {
    let raw = format!("review-{}-{}", r.person_id, r.app).to_lowercase();
    let mut name: String =
        raw.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '.' { c } else { '-' }).collect();
    name.truncate(253);
    name.trim_matches('-').to_owned()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn a_cell_cannot_break_the_table_or_inject_html() {
        assert_eq!(md("a|b<script>\nc"), "a\\|b&lt;script&gt; c");
    }

    fn row() -> ReviewRow {
        ReviewRow {
            at: RowAt::default(),
            reviewer: "m@example.com".into(),
            app: "Google Workspace".into(),
            account_id: String::new(),
            account: String::new(),
            status: String::new(),
            role: String::new(),
            groups: String::new(),
            last_active: String::new(),
            person_id: "E0012".into(),
            person_name: String::new(),
            department: String::new(),
            employment_type: String::new(),
            person_status: "employed".into(),
            granted_by: NOT_GRANTED.into(),
            matched_by: String::new(),
            matched_by_message: None,
            decision: "Keep".into(),
            comment: String::new(),
            probably: String::new(),
            probably_message: None,
        }
    }

    #[test]
    fn a_sheet_reads_back_as_written_in_lf_or_crlf() {
        let mut hostile = row();
        hostile.person_name = "=HYPERLINK(\"http://evil.example\")".into();
        hostile.groups = "-1+1;@all".into();
        hostile.comment = "'=already\r\nsecond line".into();
        let sheet = ReviewSheet { reviewer: "m".into(), role: "manager".into(), rows: vec![row(), hostile] };
        let text = to_csv(&sheet);
        assert!(text.starts_with(BOM), "{text}");
        assert!(text.contains("\"'=HYPERLINK("), "{text}");
        assert_eq!(read_csv("s.csv", &text).unwrap(), sheet.rows);
        assert_eq!(read_csv("s.csv", &text.replace('\n', "\r\n")).unwrap()[0], sheet.rows[0]);
        // Serde's names are the columns written.
        let json = serde_json::to_value(row()).unwrap();
        let names: Vec<&str> = json.as_object().unwrap().keys().map(String::as_str).collect();
        let mut columns = COLUMNS.to_vec();
        columns.sort_unstable();
        assert_eq!(names, columns);
    }

    #[test]
    fn a_japanese_sheet_reads_back_as_the_same_rows() {
        let mut leaver = row();
        leaver.person_status = "left 2026-11-13".into();
        leaver.status = "suspended".into();
        let mut granted = row();
        granted.granted_by = "AccessPolicy sales".into();
        let sheet = ReviewSheet { reviewer: "m".into(), role: "manager".into(), rows: vec![row(), leaver, granted] };
        let text = to_csv_in(&sheet, Lang::Ja);
        assert!(text.contains("判断（継続・削除・要確認）") && text.contains("退職（2026-11-13）"), "{text}");
        assert!(text.contains("どのポリシーでも付与されていない"), "{text}");
        assert_eq!(read_csv("s.csv", &text).unwrap(), sheet.rows);
        assert_eq!(to_csv_in(&sheet, Lang::En), to_csv(&sheet));
    }

    #[test]
    fn a_sheet_error_names_the_line_an_editor_shows() {
        let mut second = row();
        second.decision = "keep2".into();
        let text = to_csv(&ReviewSheet { reviewer: "m".into(), role: "r".into(), rows: vec![row(), second] })
            .replace('\n', "\r\n")
            .replacen(",keep2,", ",keep2,,extra", 1);
        let err = read_csv("s.csv", &text).unwrap_err();
        assert_eq!(err.position(), "s.csv:3:1", "{err}");
    }

    #[test]
    fn a_sheet_without_a_column_keyward_wrote_names_the_file_and_the_column() {
        let text = to_csv(&ReviewSheet { reviewer: "m".into(), role: "r".into(), rows: vec![row()] }).replacen(
            ",decision,",
            ",決定,",
            1,
        );
        let err = read_csv("s.csv", &text).unwrap_err();
        assert_eq!(err.position(), "s.csv:1:1", "{err}");
        assert_eq!(err.message, "the sheet has no column `decision`");
    }

    #[test]
    fn an_account_reviewed_twice_names_both_rows() {
        let text = to_csv(&ReviewSheet { reviewer: "m".into(), role: "r".into(), rows: vec![row()] });
        let mut rows = read_csv("a.csv", &text).unwrap();
        rows.extend(read_csv("b.csv", &text).unwrap());
        let errors = duplicate_rows(&rows);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].position(), "b.csv:2:1");
        assert!(errors[0].message.ends_with("is already reviewed in a.csv line 2"), "{}", errors[0].message);
    }

    #[test]
    fn exception_names_are_valid_kubernetes_names() {
        let mut r = row();
        assert_eq!(exception_name(&r), "review-e0012-google-workspace");
        let until = jiff::civil::date(2027, 3, 31);
        let d = decide(std::slice::from_ref(&r), until).unwrap();
        assert_eq!(d.exceptions.len(), 1);
        assert_eq!(d.exceptions[0].1.approver, "m@example.com");
        assert_eq!(d.exceptions[0].1.reason, "kept in the access review by m@example.com");
        r.decision = "削除".into();
        assert_eq!(decide(&[r], until).unwrap().removals.len(), 1);
    }
}
