//! People as the HR master states them, and what that means on a given day.
//!
//! A [`People`] snapshot is built by a source reader (CSV, SmartHR…) and is
//! the only place keyward learns that someone joined, moved, went on leave
//! or left. Being absent from it is *not* a fact about a person: an account
//! whose person is missing is an orphan for review, never a leaver.

use std::collections::{BTreeMap, HashMap};

use jiff::civil::Date;
use serde::Serialize;

use crate::resources::HrStatus;

/// One post (所属) a person holds: a department path and a title.
/// Concurrent posts (兼務) are several posts.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize, Default)]
pub struct Post {
    /// Department path with `/` between levels (`営業本部/第一営業部`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    /// Job title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

/// Where a person's record came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PersonOrigin {
    /// Index into [`People::sources`].
    pub source: usize,
    /// 1-based line of the record in the source file (0 when not a file).
    pub line: usize,
}

/// A person in the HR master.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Person {
    /// Employee number.
    pub id: String,
    /// Employee numbers of earlier records of the same person (a rehire
    /// with a new number); accounts stored with them still belong to them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub previous_ids: Vec<String>,
    /// Work e-mail as the HR master has it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Display name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The reading of the name (furigana, in kana), when HR has it: how an
    /// account named `Taro Yamada` is recognised as 山田 太郎's (only ever
    /// a hint, see `hints`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reading: Option<NameReading>,
    /// Current posts; several for concurrent posts.
    pub posts: Vec<Post>,
    /// Employment type in keyward's vocabulary (`full-time`, `contractor`…).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub employment_type: Option<String>,
    /// The HR status as recorded (not yet adjusted for dates).
    pub status: HrStatus,
    /// The HR label the status was read from (`休職中`), for reasons.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_label: Option<String>,
    /// First working day.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_date: Option<Date>,
    /// Last working day.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_date: Option<Date>,
    /// Manager's employee number or e-mail.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub manager: Option<String>,
    /// Date of the latest transfer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub moved_on: Option<Date>,
    /// Further HR columns by attribute name.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, String>,
    /// Where the record came from.
    pub origin: PersonOrigin,
}

/// The reading of a name (フリガナ), as HR writes it in kana.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct NameReading {
    /// The family name's reading (`ヤマダ`); may be empty.
    pub family: String,
    /// The given name's reading (`タロウ`); may be empty.
    pub given: String,
}

/// A person's situation on one day, derived from the HR status and dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Hired, first day still ahead.
    NotStarted {
        /// First working day.
        start: Date,
    },
    /// Working.
    Employed,
    /// On a leave of absence.
    OnLeave,
    /// Gone: the last working day has passed, or HR marks them terminated.
    Left {
        /// The last working day, when HR states one.
        last_day: Option<Date>,
    },
}

impl Person {
    /// The person's phase on `today`.
    ///
    /// The last working day is still a working day. An end date before the
    /// start date belongs to an earlier employment (a rehire on the same
    /// record) and is ignored. A future end date wins over a "terminated"
    /// status, because HR often marks the status when the resignation is
    /// filed while the person works to the end.
    pub fn phase(&self, today: Date) -> Phase {
        let end = self.effective_end_date();
        if let Some(end) = end {
            if today > end {
                return Phase::Left { last_day: Some(end) };
            }
        } else if self.status == HrStatus::Terminated {
            return Phase::Left { last_day: None };
        }
        if let Some(start) = self.start_date
            && today < start
        {
            return Phase::NotStarted { start };
        }
        if self.status == HrStatus::OnLeave { Phase::OnLeave } else { Phase::Employed }
    }

    /// The end date unless it belongs to an earlier employment.
    pub fn effective_end_date(&self) -> Option<Date> {
        match (self.start_date, self.end_date) {
            (Some(start), Some(end)) if end < start => None,
            (_, end) => end,
        }
    }

    /// `true` when the end date is from an earlier employment (a rehire kept
    /// on one record).
    pub fn is_rehire_on_same_record(&self) -> bool {
        matches!((self.start_date, self.end_date), (Some(s), Some(e)) if e < s)
    }

    /// `Name <email>` or whatever of the two is known, else the id.
    pub fn label(&self) -> String {
        match (&self.name, &self.email) {
            (Some(n), Some(e)) => format!("{n} <{e}>"),
            (Some(n), None) => format!("{n} ({})", self.id),
            (None, Some(e)) => e.clone(),
            (None, None) => self.id.clone(),
        }
    }
}

/// The HR column headers behind each field, so reasons can quote the HR
/// master in its own words ("left 2026-09-30 (退職年月日)").
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FieldLabels {
    /// Header of the status column.
    pub status: Option<String>,
    /// Header of the start date column.
    pub start_date: Option<String>,
    /// Header of the end date column.
    pub end_date: Option<String>,
    /// Header of the department column.
    pub department: Option<String>,
    /// Header of the title column.
    pub title: Option<String>,
    /// Header of the employment type column.
    pub employment_type: Option<String>,
    /// Header of the transfer date column.
    pub moved_on: Option<String>,
}

/// A source the people came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceInfo {
    /// Name of the PeopleSource.
    pub name: String,
    /// What was read (a file path, an API).
    pub location: String,
    /// Column headers for reasons.
    pub labels: FieldLabels,
}

/// A problem with the people data as a whole (not with one cell).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PeopleError {
    /// Two records share an employee number.
    #[error(
        "employee number `{id}` appears twice ({}, {})",
        record_place(.first_source, *.first_line),
        record_place(.second_source, *.second_line)
    )]
    DuplicateId {
        /// The employee number.
        id: String,
        /// Source name of the first record.
        first_source: String,
        /// Line of the first record.
        first_line: usize,
        /// Source name of the second record.
        second_source: String,
        /// Line of the second record.
        second_line: usize,
    },
    /// Two current records share an e-mail, so accounts could not be told apart.
    #[error("e-mail `{email}` belongs to two current people, `{first_id}` and `{second_id}`")]
    DuplicateEmail {
        /// The e-mail.
        email: String,
        /// The first record's employee number.
        first_id: String,
        /// The second record's employee number.
        second_id: String,
        /// Source of the second record.
        source_name: String,
        /// Line of the second record.
        line: usize,
    },
}

/// `source smarthr line 32` for a file's record; an API's record has no
/// line (0), and "line 0" would send a reader looking for one.
fn record_place(source: &str, line: usize) -> String {
    if line > 0 { format!("source {source} line {line}") } else { format!("source {source}") }
}

/// Everybody the HR master knows, current and former, with lookups.
#[derive(Debug, Clone, Default)]
pub struct People {
    /// The sources read, in order.
    pub sources: Vec<SourceInfo>,
    persons: Vec<Person>,
    /// The earlier records folded into a person (by index into
    /// `persons`), oldest first: a rehire's, or a leaver's whose address
    /// HR gave to a new hire. Accounts are tied to one of them only by their
    /// own evidence (`identity`).
    earlier: HashMap<usize, Vec<Person>>,
    by_id: HashMap<String, usize>,
    by_email: HashMap<String, usize>,
}

impl People {
    /// Builds the snapshot. Records are sorted by employee number so that
    /// everything downstream is deterministic whatever the file order.
    ///
    /// A terminated record and a current record with the same e-mail
    /// become one person whose `previous_ids` keep the old number, and the
    /// old record is kept ([`Self::earlier_records`]): a rehire with a new
    /// number, or a leaver's address given to a new hire — which of the two,
    /// each account's own evidence says (`identity`), never the address.
    /// Two current records with one e-mail are an error, as are duplicate
    /// employee numbers.
    pub fn new(sources: Vec<SourceInfo>, mut persons: Vec<Person>) -> Result<Self, Vec<PeopleError>> {
        let mut errors = Vec::new();
        persons.sort_by(|a, b| a.id.cmp(&b.id));
        for w in persons.windows(2) {
            if w[0].id == w[1].id {
                errors.push(PeopleError::DuplicateId {
                    id: w[0].id.clone(),
                    first_source: source_name(&sources, w[0].origin.source),
                    first_line: w[0].origin.line,
                    second_source: source_name(&sources, w[1].origin.source),
                    second_line: w[1].origin.line,
                });
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }

        // Group records by e-mail to find rehires and conflicts.
        let mut by_email: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, p) in persons.iter().enumerate() {
            if let Some(e) = &p.email {
                by_email.entry(e.to_ascii_lowercase()).or_default().push(i);
            }
        }
        let mut absorbed = vec![false; persons.len()];
        let mut moves: Vec<(usize, Vec<String>)> = Vec::new();
        for (email, idxs) in &by_email {
            if idxs.len() < 2 {
                continue;
            }
            // The record with the latest start is the current employment;
            // every other record must have ended before it began, else the
            // two are different people sharing an address.
            let latest =
                idxs.iter().copied().max_by_key(|&i| (persons[i].start_date, persons[i].id.clone())).unwrap_or(idxs[0]);
            let latest_start = persons[latest].start_date;
            let overlapping = idxs.iter().copied().find(|&i| i != latest && !ended_before(&persons[i], latest_start));
            if let Some(other) = overlapping {
                let (first, second) =
                    if persons[other].id < persons[latest].id { (other, latest) } else { (latest, other) };
                errors.push(PeopleError::DuplicateEmail {
                    email: email.clone(),
                    first_id: persons[first].id.clone(),
                    second_id: persons[second].id.clone(),
                    source_name: source_name(&sources, persons[second].origin.source),
                    line: persons[second].origin.line,
                });
                continue;
            }
            let olds: Vec<usize> = idxs.iter().copied().filter(|&i| i != latest).collect();
            let ids = olds.iter().map(|&i| persons[i].id.clone()).collect();
            for i in olds {
                absorbed[i] = true;
            }
            moves.push((latest, ids));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let mut folded_into = vec![usize::MAX; persons.len()];
        for (keep, mut ids) in moves {
            ids.sort();
            for id in &ids {
                if let Ok(i) = persons.binary_search_by(|p| p.id.as_str().cmp(id)) {
                    folded_into[i] = keep;
                }
            }
            persons[keep].previous_ids.extend(ids);
        }
        let mut kept = Vec::with_capacity(persons.len());
        let mut new_index = vec![0usize; persons.len()];
        let mut folded = Vec::new();
        for (i, (p, gone)) in persons.into_iter().zip(absorbed).enumerate() {
            if gone {
                folded.push((folded_into[i], p));
            } else {
                new_index[i] = kept.len();
                kept.push(p);
            }
        }
        let mut earlier: HashMap<usize, Vec<Person>> = HashMap::new();
        for (into, p) in folded {
            if let Some(&at) = new_index.get(into) {
                earlier.entry(at).or_default().push(p);
            }
        }
        for records in earlier.values_mut() {
            records.sort_by(|a, b| (a.start_date, &a.id).cmp(&(b.start_date, &b.id)));
        }

        let mut people = Self { sources, persons: kept, earlier, by_id: HashMap::new(), by_email: HashMap::new() };
        people.reindex();
        Ok(people)
    }

    fn reindex(&mut self) {
        self.by_id.clear();
        self.by_email.clear();
        for (i, p) in self.persons.iter().enumerate() {
            self.by_id.insert(p.id.clone(), i);
            for old in &p.previous_ids {
                self.by_id.insert(old.clone(), i);
            }
            if let Some(e) = &p.email {
                self.by_email.insert(e.to_ascii_lowercase(), i);
            }
        }
    }

    /// All people, sorted by employee number.
    pub fn persons(&self) -> &[Person] {
        &self.persons
    }

    /// Number of people.
    pub fn len(&self) -> usize {
        self.persons.len()
    }

    /// `true` when nobody is known.
    pub fn is_empty(&self) -> bool {
        self.persons.is_empty()
    }

    /// The person with this employee number (current or previous) or work
    /// e-mail (ASCII case-insensitive: Unicode case folding would make a
    /// look-alike such as U+212A KELVIN SIGN another person's address), as
    /// an index into [`Self::persons`].
    pub fn find(&self, key: &str) -> Option<usize> {
        self.by_id.get(key).or_else(|| self.by_email.get(&key.to_ascii_lowercase())).copied()
    }

    /// As [`Self::find`], but an employee number also matches whatever its
    /// ASCII case (`e0018` → `E0018`) when exactly one person's current or
    /// earlier number does — for people typing a number (`keyward
    /// explain`), never for matching accounts, where a case-only
    /// difference is a different value.
    pub fn find_typed(&self, key: &str) -> Option<usize> {
        self.find(key).or_else(|| {
            let mut hits =
                self.persons.iter().enumerate().filter(|(_, p)| {
                    std::iter::once(&p.id).chain(&p.previous_ids).any(|id| id.eq_ignore_ascii_case(key))
                });
            let (first, _) = hits.next()?;
            hits.next().is_none().then_some(first)
        })
    }

    /// The person at an index.
    pub fn get(&self, idx: usize) -> Option<&Person> {
        self.persons.get(idx)
    }

    /// The earlier HR records folded into the person at `idx` because
    /// they share the address (oldest first); empty for most people.
    pub fn earlier_records(&self, idx: usize) -> &[Person] {
        self.earlier.get(&idx).map_or(&[], Vec::as_slice)
    }

    /// The column headers of the source a person came from.
    pub fn labels(&self, person: &Person) -> &FieldLabels {
        static NONE: FieldLabels = FieldLabels {
            status: None,
            start_date: None,
            end_date: None,
            department: None,
            title: None,
            employment_type: None,
            moved_on: None,
        };
        self.sources.get(person.origin.source).map_or(&NONE, |s| &s.labels)
    }
}

/// `true` when `p` is an earlier employment of someone who (re)started on `start`.
fn ended_before(p: &Person, start: Option<Date>) -> bool {
    match (p.end_date, start) {
        (Some(end), Some(start)) => end < start,
        (None, _) => p.status == HrStatus::Terminated,
        (Some(_), None) => p.status == HrStatus::Terminated,
    }
}

fn source_name(sources: &[SourceInfo], idx: usize) -> String {
    sources.get(idx).map_or_else(|| format!("#{idx}"), |s| s.name.clone())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use jiff::civil::date;

    pub(crate) fn person(id: &str, email: &str) -> Person {
        Person {
            id: id.into(),
            previous_ids: vec![],
            reading: None,
            email: Some(email.into()),
            name: None,
            posts: vec![],
            employment_type: Some("full-time".into()),
            status: HrStatus::Active,
            status_label: None,
            start_date: Some(date(2020, 4, 1)),
            end_date: None,
            manager: None,
            moved_on: None,
            attributes: BTreeMap::new(),
            origin: PersonOrigin { source: 0, line: 2 },
        }
    }

    fn source() -> Vec<SourceInfo> {
        vec![SourceInfo { name: "hr".into(), location: "hr.csv".into(), labels: FieldLabels::default() }]
    }

    #[test]
    fn a_typed_employee_number_matches_in_any_case_unless_two_differ_only_in_case() {
        let id = |people: &People, key: &str| people.find_typed(key).and_then(|i| people.get(i)).map(|p| p.id.clone());
        let people = People::new(
            source(),
            vec![person("E7", "a@example.com"), person("ab", "b@example.com"), person("AB", "c@example.com")],
        )
        .unwrap();
        assert_eq!(people.find("e7"), None, "matching accounts stays exact");
        assert_eq!(id(&people, "e7").as_deref(), Some("E7"));
        assert_eq!(id(&people, "AB").as_deref(), Some("AB"), "an exact number first");
        assert_eq!(id(&people, "Ab"), None, "two numbers differ only in case: neither is guessed");
    }

    #[test]
    fn last_working_day_is_still_a_working_day() {
        let mut p = person("1", "a@example.com");
        p.end_date = Some(date(2026, 9, 30));
        assert_eq!(p.phase(date(2026, 9, 30)), Phase::Employed);
        assert_eq!(p.phase(date(2026, 10, 1)), Phase::Left { last_day: Some(date(2026, 9, 30)) });
    }

    #[test]
    fn future_end_date_wins_over_terminated_status() {
        let mut p = person("1", "a@example.com");
        p.status = HrStatus::Terminated;
        p.end_date = Some(date(2026, 12, 31));
        assert_eq!(p.phase(date(2026, 11, 23)), Phase::Employed);
        p.end_date = None;
        assert_eq!(p.phase(date(2026, 11, 23)), Phase::Left { last_day: None });
    }

    #[test]
    fn joiner_before_first_day_and_leave() {
        let mut p = person("1", "a@example.com");
        p.start_date = Some(date(2026, 12, 1));
        assert_eq!(p.phase(date(2026, 11, 23)), Phase::NotStarted { start: date(2026, 12, 1) });
        p.start_date = Some(date(2020, 1, 1));
        p.status = HrStatus::OnLeave;
        assert_eq!(p.phase(date(2026, 11, 23)), Phase::OnLeave);
    }

    #[test]
    fn rehire_on_the_same_record_ignores_the_old_end_date() {
        let mut p = person("1", "a@example.com");
        p.start_date = Some(date(2026, 11, 1));
        p.end_date = Some(date(2024, 3, 31));
        assert_eq!(p.phase(date(2026, 11, 23)), Phase::Employed);
        assert!(p.is_rehire_on_same_record());
    }

    #[test]
    fn rehire_with_a_new_number_merges_into_one_person() {
        let mut old = person("E0100", "Sato@example.com");
        old.status = HrStatus::Terminated;
        old.end_date = Some(date(2023, 3, 31));
        let mut new = person("E0500", "sato@example.com");
        new.start_date = Some(date(2026, 4, 1));
        let people = People::new(source(), vec![old, new]).unwrap();
        assert_eq!(people.len(), 1);
        assert_eq!(people.persons()[0].id, "E0500");
        assert_eq!(people.persons()[0].previous_ids, vec!["E0100".to_string()]);
        assert_eq!(people.find("E0100"), Some(0));
        assert_eq!(people.find("SATO@EXAMPLE.COM"), Some(0));
        let earlier: Vec<&str> = people.earlier_records(0).iter().map(|p| p.id.as_str()).collect();
        assert_eq!(earlier, ["E0100"], "the leaver's record is kept to tell accounts apart");
    }

    #[test]
    fn a_look_alike_address_is_nobody_and_no_rehire() {
        // U+212A KELVIN SIGN lowercases to an ASCII `k`.
        let mut old = person("E0100", "ren.ishi\u{212a}awa@example.com");
        old.status = HrStatus::Terminated;
        old.end_date = Some(date(2023, 3, 31));
        let people = People::new(source(), vec![old, person("E0500", "ren.ishikawa@example.com")]).unwrap();
        assert_eq!(people.len(), 2, "two people, not a rehire");
        assert_eq!(people.find("ren.ishikawa@example.com").map(|i| people.persons()[i].id.as_str()), Some("E0500"));
        assert_eq!(
            people.find("REN.ISHI\u{212a}AWA@example.com").map(|i| people.persons()[i].id.as_str()),
            Some("E0100")
        );
    }

    #[test]
    fn two_current_people_with_one_email_is_an_error() {
        let err = People::new(source(), vec![person("1", "a@example.com"), person("2", "A@example.com")]).unwrap_err();
        assert!(
            matches!(&err[0], PeopleError::DuplicateEmail { first_id, second_id, .. } if first_id == "1" && second_id == "2")
        );
    }

    #[test]
    fn duplicate_employee_numbers_are_an_error() {
        let err = People::new(source(), vec![person("1", "a@example.com"), person("1", "b@example.com")]).unwrap_err();
        assert!(matches!(&err[0], PeopleError::DuplicateId { .. }));
    }

    #[test]
    fn a_duplicate_names_a_file_line_but_no_line_for_an_api_record() {
        let e = |first_line, second_line| {
            PeopleError::DuplicateId {
                id: "E1".into(),
                first_source: "hr-csv".into(),
                first_line,
                second_source: "entra".into(),
                second_line,
            }
            .to_string()
        };
        assert_eq!(e(32, 0), "employee number `E1` appears twice (source hr-csv line 32, source entra)");
        assert_eq!(e(0, 7), "employee number `E1` appears twice (source hr-csv, source entra line 7)");
    }
}
