//! Who had which account at an instant: the last listing recorded before
//! it, then the changes recorded after that listing.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::{ListedAccount, Listing, ListingRecord, Outcome, Seen};
use crate::account::AccountStatus;
use crate::action::Action;

/// What the audit log says about every app at one instant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoryAt {
    /// The instant (records written before it count).
    pub end: jiff::Timestamp,
    /// One per app, by name.
    pub apps: Vec<AppAt>,
}

/// One app at the instant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AppAt {
    /// Application.
    pub app: String,
    /// What is known.
    pub knowledge: Knowledge,
}

/// What the log lets one say about an app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "state")]
pub enum Knowledge {
    /// No listing of the app was recorded before the instant: nobody can
    /// say from the log who had an account.
    Unknown,
    /// The listing records of the app do not add up (a difference from a
    /// listing that is not the last one recorded) since record `seq`, and
    /// no complete listing followed before the instant.
    Broken {
        /// The record that did not add up.
        seq: u64,
    },
    /// Known from a listing and the changes after it.
    #[serde(rename_all = "camelCase")]
    Known {
        /// The run whose listing it is.
        run: String,
        /// When that listing was recorded.
        listed: jiff::Timestamp,
        /// Its record.
        seq: u64,
        /// The accounts at the instant, by id (then handle).
        accounts: Vec<AccountAt>,
    },
}

/// One account at the instant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountAt {
    /// The app's id; absent for an account created after the listing when
    /// the log does not say its id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// E-mail, username or id.
    pub handle: String,
    /// Employee number of its person.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// Role, as listed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// Groups, as listed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<String>,
    /// Status after the changes.
    pub status: AccountStatus,
    /// A change after the listing failed or has no recorded result: the
    /// account may be otherwise (or, for a create, may not exist).
    pub uncertain: bool,
    /// The changes recorded after the listing, in log order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<LaterChange>,
}

/// A change recorded after the listing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LaterChange {
    /// When its last record was written.
    pub time: jiff::Timestamp,
    /// Its run.
    pub run: String,
    /// What.
    pub action: Action,
    /// How it ended by the instant.
    pub outcome: Outcome,
}

/// Per app while reading the records.
#[derive(Debug, Default)]
struct AppState {
    /// The listing as recorded and the record it was last set by.
    listing: Option<(Listing, u64, String, jiff::Timestamp)>,
    broken: Option<u64>,
    /// Changes after the listing, one per (run, action, account), with
    /// the latest record's outcome and time.
    changes: Vec<Tracked>,
}

/// One change after the listing, as far as the records go.
#[derive(Debug)]
struct Tracked {
    run: String,
    action: Action,
    account_id: Option<String>,
    account: String,
    person: Option<String>,
    outcome: Outcome,
    time: jiff::Timestamp,
}

/// What the records `seen` (in log order) say about every app they name
/// (even only later) and every app in `apps` at `end`: records written at
/// or after `end` are not read.
pub fn at(seen: &[Seen], end: jiff::Timestamp, apps: &[String]) -> HistoryAt {
    let named = seen.iter().map(|s| match s {
        Seen::Listing { app, .. } | Seen::Change { app, .. } => app,
    });
    let mut state: BTreeMap<String, AppState> =
        apps.iter().chain(named).map(|a| (a.clone(), AppState::default())).collect();
    for s in seen.iter().filter(|s| s.time() < end) {
        match s {
            Seen::Listing { seq, time, run, app, record } => {
                let st = state.entry(app.clone()).or_default();
                follow(st, *seq, run, *time, record);
            }
            Seen::Change { time, run, app, action, outcome, account_id, account, person, .. } => {
                let st = state.entry(app.clone()).or_default();
                let same = st.changes.iter_mut().find(|c| {
                    c.run == *run
                        && c.action == *action
                        && c.account == *account
                        && (c.account_id == *account_id || c.account_id.is_none())
                });
                match same {
                    Some(c) => {
                        if account_id.is_some() {
                            c.account_id.clone_from(account_id);
                        }
                        c.outcome = *outcome;
                        c.time = *time;
                    }
                    None => st.changes.push(Tracked {
                        run: run.clone(),
                        action: *action,
                        account_id: account_id.clone(),
                        account: account.clone(),
                        person: person.clone(),
                        outcome: *outcome,
                        time: *time,
                    }),
                }
            }
        }
    }
    let apps = state.into_iter().map(|(app, st)| AppAt { app, knowledge: knowledge(st) }).collect();
    HistoryAt { end, apps }
}

fn follow(st: &mut AppState, seq: u64, run: &str, time: jiff::Timestamp, record: &ListingRecord) {
    let next = match (&st.listing, record.base) {
        (_, None) => Listing::default().then(record),
        (Some((last, last_seq, ..)), Some(base)) if base == *last_seq && st.broken.is_none() => last.then(record),
        _ => None,
    };
    match next {
        Some(l) => {
            st.listing = Some((l, seq, run.to_owned(), time));
            st.broken = None;
        }
        None => st.broken = Some(seq),
    }
    // The listing already shows what the changes before it did.
    st.changes.clear();
}

fn knowledge(st: AppState) -> Knowledge {
    if let Some(seq) = st.broken {
        return Knowledge::Broken { seq };
    }
    let Some((listing, seq, run, listed)) = st.listing else { return Knowledge::Unknown };
    let mut rows: Vec<AccountAt> = listing.accounts.into_values().map(row).collect();
    let mut gone = BTreeSet::new();
    for Tracked { run, action, account_id, account, person, outcome, time } in st.changes {
        let i = rows.iter().position(|r| account_id.is_some() && r.id == account_id).or_else(|| {
            rows.iter().position(|r| r.handle.eq_ignore_ascii_case(&account) || r.id.as_deref() == Some(&account))
        });
        let i = match i {
            Some(i) => i,
            // Only a create brings an account the listing did not have.
            None if action == Action::Create => {
                rows.push(AccountAt {
                    id: account_id.clone(),
                    handle: account.clone(),
                    owner: person.clone(),
                    role: None,
                    groups: Vec::new(),
                    status: AccountStatus::Active,
                    uncertain: false,
                    changes: Vec::new(),
                });
                rows.len() - 1
            }
            None => continue,
        };
        let r = &mut rows[i];
        r.changes.push(LaterChange { time, run, action, outcome });
        if r.owner.is_none() {
            r.owner = person;
        }
        match outcome {
            Outcome::Attempted | Outcome::Failed => r.uncertain = true,
            Outcome::Applied | Outcome::AlreadyDone => match action {
                Action::Suspend => r.status = AccountStatus::Suspended,
                Action::Restore => r.status = AccountStatus::Active,
                Action::Delete => {
                    gone.insert(i);
                }
                _ => {}
            },
        }
    }
    let mut accounts: Vec<AccountAt> =
        rows.into_iter().enumerate().filter(|(i, r)| !gone.contains(i) || r.uncertain).map(|(_, r)| r).collect();
    accounts.sort_by(|a, b| (&a.id, &a.handle).cmp(&(&b.id, &b.handle)));
    Knowledge::Known { run, listed, seq, accounts }
}

fn row(a: ListedAccount) -> AccountAt {
    AccountAt {
        id: Some(a.id),
        handle: a.handle,
        owner: a.owner,
        role: a.role,
        groups: a.groups,
        status: a.status,
        uncertain: false,
        changes: Vec::new(),
    }
}
