//! What keyward saw of each app over time, and who had which account on a
//! given day.
//!
//! At each apply the applier records, per app, the accounts it listed
//! ([`ListedAccount`]: id, handle, owner, role, groups, status) in the
//! audit chain — the whole listing the first time ([`ListingRecord`] with
//! no `base`), and afterwards only the difference from the last recorded
//! one ([`ListingRecord::between`]). A year of daily runs of 20 apps of
//! 1,000 accounts then grows the log by the changes, not by 20,000
//! accounts a day.
//!
//! [`at`](reconstruct::at) answers "who had access to this app at that
//! time?" from those records ([`Seen`], in log order): the last recorded
//! listing before the time, plus the changes applied after it — and says
//! how it knows. Before an app's first listing the answer is "unknown",
//! never a guess; a change that failed or whose result was never recorded
//! makes its account uncertain. Pure: the caller reads the records and
//! chooses the instant.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::account::AccountStatus;
use crate::action::Action;

mod reconstruct;

pub use reconstruct::{AccountAt, AppAt, HistoryAt, Knowledge, LaterChange, at};

/// A full listing is recorded again after this many differences for the
/// same app, so a difference recorded against a stale base (two writers
/// that did not see each other's records) costs at most this many runs of
/// "unknown".
pub const FULL_LISTING_EVERY: u32 = 100;

/// One account as keyward listed it, in the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ListedAccount {
    /// The app's id for the account.
    pub id: String,
    /// E-mail, else username, else id.
    pub handle: String,
    /// Employee number of the person the account was matched to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// Role in the app.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// Group memberships, sorted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<String>,
    /// Active, invited or suspended.
    pub status: AccountStatus,
}

/// One app's listing in one audit record: complete, or the difference from
/// the listing recorded at `base`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ListingRecord {
    /// `seq` of the listing record of the same app this one is the
    /// difference from; absent for a complete listing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base: Option<u64>,
    /// Complete: every account. Difference: the accounts added or changed.
    /// By id.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub accounts: Vec<ListedAccount>,
    /// Difference: the ids of the accounts no longer listed, sorted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub removed: Vec<String>,
    /// Accounts in the listing (after the difference): a check on the
    /// reconstruction.
    pub total: usize,
}

impl ListingRecord {
    /// The complete listing of `accounts`.
    pub fn full(accounts: &[ListedAccount]) -> Self {
        let mut accounts = accounts.to_vec();
        accounts.sort_by(|a, b| a.id.cmp(&b.id));
        accounts.dedup_by(|a, b| a.id == b.id);
        Self { base: None, total: accounts.len(), accounts, removed: Vec::new() }
    }

    /// What to record for `now` when `last` (recorded at `last_seq`, the
    /// `diffs` th difference since a complete listing) is the last listing
    /// recorded for the app: the difference, unless there is no last one,
    /// [`FULL_LISTING_EVERY`] differences were recorded since the last
    /// complete one, or the difference would be larger than the listing.
    pub fn between(last: Option<(u64, &Listing, u32)>, now: &[ListedAccount]) -> Self {
        let Some((base, last, diffs)) = last else { return Self::full(now) };
        if diffs + 1 >= FULL_LISTING_EVERY {
            return Self::full(now);
        }
        let now = Listing::of(now);
        let changed: Vec<ListedAccount> =
            now.accounts.values().filter(|a| last.accounts.get(&a.id) != Some(*a)).cloned().collect();
        let removed: Vec<String> = last.accounts.keys().filter(|id| !now.accounts.contains_key(*id)).cloned().collect();
        if changed.len() + removed.len() > now.accounts.len() {
            let all: Vec<ListedAccount> = now.accounts.into_values().collect();
            return Self::full(&all);
        }
        Self { base: Some(base), total: now.accounts.len(), accounts: changed, removed }
    }

    /// `true` for a complete listing.
    pub fn is_full(&self) -> bool {
        self.base.is_none()
    }
}

/// An app's accounts by id, as reconstructed from its listing records.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Listing {
    /// By id.
    pub accounts: BTreeMap<String, ListedAccount>,
}

impl Listing {
    /// The listing of `accounts` (the last of two with one id wins).
    pub fn of(accounts: &[ListedAccount]) -> Self {
        Self { accounts: accounts.iter().map(|a| (a.id.clone(), a.clone())).collect() }
    }

    /// The listing `record` describes after `self`; `None` when a
    /// difference does not add up (its total differs).
    pub fn then(&self, record: &ListingRecord) -> Option<Self> {
        let next = if record.is_full() {
            Self::of(&record.accounts)
        } else {
            let mut next = self.clone();
            for id in &record.removed {
                next.accounts.remove(id);
            }
            for a in &record.accounts {
                next.accounts.insert(a.id.clone(), a.clone());
            }
            next
        };
        (next.accounts.len() == record.total).then_some(next)
    }
}

/// The last listing recorded for each app, with the `seq` of its record
/// and the differences recorded since the last complete one: what the
/// next difference is taken against.
#[derive(Debug, Clone, Default)]
pub struct LastListings {
    apps: BTreeMap<String, (u64, Listing, u32)>,
}

impl LastListings {
    /// Follows one listing record (`seq`, `app`) in log order. A difference
    /// whose base is not the app's last record, or that does not add up,
    /// forgets the app: the next record for it is then complete.
    pub fn observe(&mut self, seq: u64, app: &str, record: &ListingRecord) {
        let next = match (record.base, self.apps.get(app)) {
            (None, _) => Listing::default().then(record).map(|l| (l, 0)),
            (Some(base), Some((last_seq, last, diffs))) if base == *last_seq => {
                last.then(record).map(|l| (l, diffs + 1))
            }
            _ => None,
        };
        match next {
            Some((listing, diffs)) => {
                self.apps.insert(app.to_owned(), (seq, listing, diffs));
            }
            None => {
                self.apps.remove(app);
            }
        }
    }

    /// The record to write for `app` listed as `now`, against the last.
    pub fn record_for(&self, app: &str, now: &[ListedAccount]) -> ListingRecord {
        ListingRecord::between(self.apps.get(app).map(|(seq, l, d)| (*seq, l, *d)), now)
    }
}

/// How a change recorded in the audit log ended, as far as the log says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// About to be sent; no result recorded (yet).
    Attempted,
    /// Made.
    Applied,
    /// Already as wanted.
    AlreadyDone,
    /// Failed.
    Failed,
}

/// One audit record history cares about, in log order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seen {
    /// An app's listing.
    Listing {
        /// The record's `seq`.
        seq: u64,
        /// When it was written.
        time: jiff::Timestamp,
        /// The run it belongs to.
        run: String,
        /// Application.
        app: String,
        /// The listing.
        record: ListingRecord,
    },
    /// A change sent to an app, or its result.
    Change {
        /// The record's `seq`.
        seq: u64,
        /// When it was written.
        time: jiff::Timestamp,
        /// The run it belongs to.
        run: String,
        /// Application.
        app: String,
        /// What was done.
        action: Action,
        /// How far it got.
        outcome: Outcome,
        /// The app's id for the account (absent before a create).
        account_id: Option<String>,
        /// The account's handle.
        account: String,
        /// The person's employee number.
        person: Option<String>,
    },
}

impl Seen {
    /// When the record was written.
    pub fn time(&self) -> jiff::Timestamp {
        match self {
            Self::Listing { time, .. } | Self::Change { time, .. } => *time,
        }
    }
}

#[cfg(test)]
mod tests;
