//! Whose account is it, when a correlator's match leaves room for doubt.
//!
//! A correlator finds *the person* an account's e-mail or employee number
//! belongs to. Two HR facts can make that answer wrong:
//! - the address passed from a leaver to a new hire (the HR master holds
//!   several records with one address, folded into one person by
//!   [`People::new`]): the account may be the leaver's, with the leaver's
//!   data;
//! - the account is older than the person: created or last used before
//!   their first day (less the app's `provisionBefore`).
//!
//! The account's own evidence decides — its employee id, its creation
//! date, its last sign-in against the records' dates — and without deciding
//! evidence the account is a [`Doubt`]: linked for inventories and to
//! prevent a second account, but never changed without a human (the
//! planner turns every change to it into a review). A doubt only ever
//! turns a change into a review, so it can add no deprovisioning.
//!
//! The hot path ([`Timeline::doubt`]) reads a few bytes per account; the
//! words ([`Verdict`], `words`) are computed only for the
//! accounts a plan or an explanation talks about.

use std::collections::HashMap;

use jiff::civil::Date;

use crate::account::Account;
use crate::duration::Days;
use crate::people::{People, Person};
use crate::resources::HrStatus;

mod words;

pub use words::clue_message;
pub(crate) use words::{decided_note, doubt_reason};

/// Why a matched account is not attributed to its person without a human.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Doubt {
    /// Created or last active before the person's first day (less
    /// `provisionBefore`): it predates them.
    PreStart,
    /// The address is shared by several HR records and the account's own
    /// evidence ties it to an earlier one (a leaver's).
    EarlierRecord,
    /// The address is shared by several HR records and nothing the account
    /// carries ties it to one of them.
    Undecided,
}

/// One HR record's identity and dates, as the evidence is weighed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// Employee number.
    pub id: String,
    /// Name as HR has it.
    pub name: Option<String>,
    /// HR status.
    pub status: HrStatus,
    /// First working day.
    pub start: Option<Date>,
    /// Last working day.
    pub end: Option<Date>,
}

impl Record {
    fn of(p: &Person) -> Self {
        Self { id: p.id.clone(), name: p.name.clone(), status: p.status, start: p.start_date, end: p.end_date }
    }
}

/// Which record a piece of evidence points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    /// The person's current record.
    Current,
    /// An earlier record (index into the earlier records, oldest first).
    Earlier(usize),
}

/// The evidence that decided, or that there was none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clue {
    /// The account stores this record's employee number.
    EmployeeId(Which),
    /// Last active on this day, on or after the current record's start.
    ActiveSinceStart(Date),
    /// Created on this day, on or after the current record's start less
    /// `provisionBefore`.
    CreatedForCurrent(Date),
    /// Created on this day, while an earlier record was employed.
    CreatedDuring(Date, usize),
    /// Created on this day, before the current record's start less
    /// `provisionBefore`.
    CreatedBefore(Date),
    /// Last active on this day, before the current record's start less
    /// `provisionBefore`.
    ActiveBefore(Date),
    /// Nothing the account carries decides.
    Nothing,
}

/// What the evidence says about one account and its matched person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// `None` when the account is the person's current record's.
    pub doubt: Option<Doubt>,
    /// The evidence.
    pub clue: Clue,
    /// The person's current record.
    pub current: Record,
    /// The earlier records sharing the address (empty for most people).
    pub earlier: Vec<Record>,
    /// The app's `provisionBefore`.
    pub lead: Days,
}

/// The record facts the correlation of every account reads: a few bytes
/// per person, built once per plan.
#[derive(Debug, Default)]
pub(crate) struct Timeline {
    facts: Vec<Fact>,
    /// Records of the people with earlier records: `[current, earlier…]`.
    shared: HashMap<u32, Vec<Record>>,
}

#[derive(Debug, Clone, Copy, Default)]
struct Fact {
    /// The first working day to test accounts against; `None` without
    /// one, and for a rehire on the same record (the HR's own employee
    /// number says the earlier account is theirs).
    start: Option<Date>,
    /// Has earlier records sharing the address.
    shared: bool,
}

impl Timeline {
    pub(crate) fn build(people: &People) -> Self {
        let mut shared = HashMap::new();
        let facts = people
            .persons()
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let earlier = people.earlier_records(i);
                if !earlier.is_empty() {
                    let mut recs = vec![Record::of(p)];
                    recs.extend(earlier.iter().map(Record::of));
                    shared.insert(i as u32, recs);
                }
                let start = if p.is_rehire_on_same_record() { None } else { p.start_date };
                Fact { start, shared: !earlier.is_empty() }
            })
            .collect();
        Self { facts, shared }
    }

    /// The doubt about `a` being person `person`'s, for an app whose
    /// `provisionBefore` is `lead`. Cheap for the common case: an account
    /// without dates of a person with one record.
    pub(crate) fn doubt(&self, person: u32, a: &Account, lead: Days) -> Option<Doubt> {
        let f = self.facts.get(person as usize).copied().unwrap_or_default();
        if f.shared {
            let recs = self.shared.get(&person)?;
            let (current, earlier) = recs.split_first()?;
            return weigh(current, earlier, a, lead).0;
        }
        let start = f.start?;
        pre_start(start, a, lead).map(|_| Doubt::PreStart)
    }
}

/// The verdict on `a` being person `idx`'s, with the evidence: the same
/// answer as [`Timeline::doubt`], and what to say about it. `None` when
/// there is nothing to weigh (one record, an account without dates).
pub fn verdict(people: &People, idx: usize, a: &Account, lead: Days) -> Option<Verdict> {
    let p = people.get(idx)?;
    if people.earlier_records(idx).is_empty() && (a.created.is_none() && a.last_active.is_none()) {
        return None;
    }
    let earlier: Vec<Record> = people.earlier_records(idx).iter().map(Record::of).collect();
    let current = Record::of(p);
    let (doubt, clue) = if !earlier.is_empty() {
        weigh(&current, &earlier, a, lead)
    } else {
        match p.start_date.filter(|_| !p.is_rehire_on_same_record()).and_then(|s| pre_start(s, a, lead)) {
            Some(clue) => (Some(Doubt::PreStart), clue),
            None => (None, Clue::Nothing),
        }
    };
    Some(Verdict { doubt, clue, current, earlier, lead })
}

/// Created or last active before `start` less `lead`: the clue, or `None`.
fn pre_start(start: Date, a: &Account, lead: Days) -> Option<Clue> {
    // Compared with the start first: most accounts are younger, and moving
    // a date by a span costs more than comparing two.
    let early = |d: Option<Date>| d.filter(|d| *d < start && *d < lead.before(start));
    early(a.created).map(Clue::CreatedBefore).or_else(|| early(a.last_active).map(Clue::ActiveBefore))
}

/// The account's evidence between a current record and earlier ones with
/// the same address. An employee number decides first; then activity
/// since the current start (someone uses it as the new hire: a rehire
/// keeps their account); then the creation date; then activity that ended
/// before the current start.
fn weigh(current: &Record, earlier: &[Record], a: &Account, lead: Days) -> (Option<Doubt>, Clue) {
    if let Some(x) = a.external_id.as_deref().map(str::trim).filter(|x| !x.is_empty()) {
        if x.eq_ignore_ascii_case(&current.id) {
            return (None, Clue::EmployeeId(Which::Current));
        }
        if let Some(i) = earlier.iter().position(|r| x.eq_ignore_ascii_case(&r.id)) {
            return (Some(Doubt::EarlierRecord), Clue::EmployeeId(Which::Earlier(i)));
        }
    }
    let Some(start) = current.start else { return (Some(Doubt::Undecided), Clue::Nothing) };
    let from = lead.before(start);
    if let Some(d) = a.last_active.filter(|d| *d >= start) {
        return (None, Clue::ActiveSinceStart(d));
    }
    if let Some(c) = a.created {
        if c >= from {
            return (None, Clue::CreatedForCurrent(c));
        }
        let during = earlier.iter().rposition(|r| r.start.is_none_or(|s| s <= c) && r.end.is_none_or(|e| c <= e));
        return match during {
            Some(i) => (Some(Doubt::EarlierRecord), Clue::CreatedDuring(c, i)),
            None => (Some(Doubt::EarlierRecord), Clue::CreatedBefore(c)),
        };
    }
    if let Some(d) = a.last_active.filter(|d| *d < from) {
        return (Some(Doubt::EarlierRecord), Clue::ActiveBefore(d));
    }
    (Some(Doubt::Undecided), Clue::Nothing)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn rec(id: &str, start: Date, end: Option<Date>) -> Record {
        Record { id: id.into(), name: None, status: HrStatus::Active, start: Some(start), end }
    }

    fn account(created: Option<Date>, last: Option<Date>, ext: Option<&str>) -> Account {
        let mut a = Account::new("u1");
        a.created = created;
        a.last_active = last;
        a.external_id = ext.map(Into::into);
        a
    }

    #[test]
    fn the_accounts_own_evidence_decides_between_records() {
        let current = rec("E0500", date(2026, 4, 1), None);
        let earlier = [rec("E0100", date(2015, 4, 1), Some(date(2025, 3, 31)))];
        let lead = Days(7);
        let w = |a: &Account| weigh(&current, &earlier, a, lead);
        assert_eq!(w(&account(None, None, Some("e0500"))), (None, Clue::EmployeeId(Which::Current)));
        assert_eq!(
            w(&account(None, None, Some("E0100"))),
            (Some(Doubt::EarlierRecord), Clue::EmployeeId(Which::Earlier(0)))
        );
        let (d, c) = w(&account(Some(date(2026, 3, 28)), None, None));
        assert_eq!((d, c), (None, Clue::CreatedForCurrent(date(2026, 3, 28))), "within provisionBefore");
        let (d, c) = w(&account(Some(date(2019, 5, 1)), Some(date(2025, 3, 20)), None));
        assert_eq!((d, c), (Some(Doubt::EarlierRecord), Clue::CreatedDuring(date(2019, 5, 1), 0)));
        let (d, c) = w(&account(Some(date(2019, 5, 1)), Some(date(2026, 5, 2)), None));
        assert_eq!((d, c), (None, Clue::ActiveSinceStart(date(2026, 5, 2))), "used by the new hire: a rehire");
        let (d, c) = w(&account(None, Some(date(2025, 3, 20)), None));
        assert_eq!((d, c), (Some(Doubt::EarlierRecord), Clue::ActiveBefore(date(2025, 3, 20))));
        assert_eq!(w(&account(None, None, None)), (Some(Doubt::Undecided), Clue::Nothing));
    }

    #[test]
    fn an_account_older_than_its_person_is_doubted() {
        let lead = Days(7);
        let start = date(2026, 4, 1);
        assert_eq!(pre_start(start, &account(Some(date(2026, 3, 25)), None, None), lead), None);
        assert_eq!(
            pre_start(start, &account(Some(date(2026, 3, 24)), None, None), lead),
            Some(Clue::CreatedBefore(date(2026, 3, 24)))
        );
        assert_eq!(
            pre_start(start, &account(None, Some(date(2025, 1, 10)), None), lead),
            Some(Clue::ActiveBefore(date(2025, 1, 10)))
        );
        assert_eq!(pre_start(start, &account(None, Some(date(2026, 4, 2)), None), lead), None);
    }
}
