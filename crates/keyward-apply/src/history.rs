//! The listings recorded at each apply, and reading the audit records back
//! as what history needs ([`keyward_core::history::Seen`]).
//!
//! [`seen`] is the one place records are read for history: `keyward
//! history`, the leaver report and the applier's last listings all go
//! through it, whatever store the records came from.

use std::collections::BTreeMap;

use keyward_core::action::Action;
use keyward_core::history::{LastListings, ListedAccount, Outcome, Seen};

use crate::audit::{AuditError, AuditLog, Entry, Event, Record};

/// The records history reads — listings, and changes with how they
/// ended — in log order. Records of other events, and records whose time
/// does not parse, are left out.
pub fn seen<'a>(records: impl IntoIterator<Item = &'a Record>) -> Vec<Seen> {
    let mut out = Vec::new();
    for r in records {
        let Ok(time) = r.time.parse::<jiff::Timestamp>() else { continue };
        let Some(app) = r.app.clone() else { continue };
        let outcome = match r.event {
            Event::Listed => {
                if let Some(record) = &r.listing {
                    out.push(Seen::Listing { seq: r.seq, time, run: r.run.clone(), app, record: record.clone() });
                }
                continue;
            }
            Event::Attempted => Outcome::Attempted,
            Event::Applied => Outcome::Applied,
            Event::AlreadyDone => Outcome::AlreadyDone,
            Event::Failed => Outcome::Failed,
            _ => continue,
        };
        let Some(action) = r.action.filter(|a| *a != Action::Review) else { continue };
        out.push(Seen::Change {
            seq: r.seq,
            time,
            run: r.run.clone(),
            app,
            action,
            outcome,
            account_id: r.account_id.clone(),
            account: r.account.clone().unwrap_or_default(),
            person: r.person.clone(),
        });
    }
    out
}

/// The last listing recorded per app in `seen`.
pub(crate) fn last_listings(seen: &[Seen]) -> LastListings {
    let mut last = LastListings::default();
    for s in seen {
        if let Seen::Listing { seq, app, record, .. } = s {
            last.observe(*seq, app, record);
        }
    }
    last
}

/// Which listings a run records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unchanged {
    /// Every app's, an unchanged one as an empty difference: the run is
    /// on record as having seen it (a CLI apply).
    Record,
    /// Only those that changed since the last record (a controller
    /// resyncing every few minutes would otherwise add a record per app
    /// each time).
    Skip,
}

/// Writes one `listed` record per app of `listed` to `audit` as `run`,
/// each against `last`, which follows what is written.
pub(crate) async fn record(
    audit: &AuditLog,
    last: &mut LastListings,
    run: &str,
    listed: &BTreeMap<String, Vec<ListedAccount>>,
    unchanged: Unchanged,
) -> Result<(), AuditError> {
    for (app, accounts) in listed {
        let record = last.record_for(app, accounts);
        let empty = record.base.is_some() && record.accounts.is_empty() && record.removed.is_empty();
        if empty && unchanged == Unchanged::Skip {
            continue;
        }
        let written = audit.record_async(run, Entry::listed(app, record.clone())).await?;
        last.observe(written.seq, app, &record);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use keyward_core::account::AccountStatus;
    use keyward_core::history::{Knowledge, at};

    use super::*;
    use crate::{Applier, GuardOptions};

    fn account(app: usize, i: usize, status: AccountStatus) -> ListedAccount {
        ListedAccount {
            id: format!("{app:02}-{i:06}"),
            handle: format!("person.number{i}@example.com"),
            owner: Some(format!("E{i:05}")),
            role: Some("member".into()),
            groups: vec!["all-staff".into()],
            status,
        }
    }

    fn org(apps: usize, accounts: usize, day: usize) -> BTreeMap<String, Vec<ListedAccount>> {
        (0..apps)
            .map(|a| {
                // Each day five people per app are suspended and five join.
                let rows = (day * 5..accounts + day * 5)
                    .map(|i| {
                        let status = if i < day * 5 + 5 { AccountStatus::Suspended } else { AccountStatus::Active };
                        account(a, i, status)
                    })
                    .collect();
                (format!("app{a:02}"), rows)
            })
            .collect()
    }

    #[tokio::test]
    async fn the_first_listing_is_complete_then_only_differences_are_recorded_even_after_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.jsonl");
        let applier = Applier::new(AuditLog::open(&path).unwrap(), dir.path(), GuardOptions::default());
        applier.record_listings("r1", &org(2, 100, 0), Unchanged::Record).await.unwrap();
        applier.record_listings("r2", &org(2, 100, 0), Unchanged::Skip).await.unwrap();
        applier.record_listings("r3", &org(2, 100, 0), Unchanged::Record).await.unwrap();
        drop(applier);
        let applier = Applier::new(AuditLog::open(&path).unwrap(), dir.path(), GuardOptions::default());
        applier.record_listings("r4", &org(2, 100, 1), Unchanged::Skip).await.unwrap();
        drop(applier);
        let records = crate::audit::read(&path).unwrap();
        let listings: Vec<(&str, Option<u64>, usize, usize)> = records
            .iter()
            .map(|r| {
                let l = r.listing.as_ref().unwrap();
                (r.run.as_str(), l.base, l.accounts.len(), l.removed.len())
            })
            .collect();
        assert_eq!(
            listings,
            [
                ("r1", None, 100, 0),
                ("r1", None, 100, 0),
                ("r3", Some(1), 0, 0),
                ("r3", Some(2), 0, 0),
                ("r4", Some(3), 5 + 5, 5),
                ("r4", Some(4), 5 + 5, 5),
            ]
        );
        let end = jiff::Timestamp::now() + jiff::SignedDuration::from_secs(1);
        let h = at(&seen(&records), end, &[]);
        let Knowledge::Known { accounts, run, .. } = &h.apps[0].knowledge else { panic!("{h:?}") };
        assert_eq!((run.as_str(), accounts.len()), ("r4", 100));
    }

    /// Measures what a year of daily applies adds to the log: 20 apps of
    /// 1,000 accounts, five leavers and five joiners per app a day.
    #[tokio::test]
    async fn a_year_of_daily_listings_stays_small() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.jsonl");
        let applier = Applier::new(AuditLog::open(&path).unwrap(), dir.path(), GuardOptions::default());
        applier.record_listings("day0", &org(20, 1000, 0), Unchanged::Record).await.unwrap();
        let first = std::fs::metadata(&path).unwrap().len();
        let days = 30;
        for day in 1..=days {
            applier.record_listings(&format!("day{day}"), &org(20, 1000, day), Unchanged::Record).await.unwrap();
        }
        let per_run = (std::fs::metadata(&path).unwrap().len() - first) / days as u64;
        eprintln!("first listing: {first} bytes; then {per_run} bytes per run");
        assert!(first < 4_000_000, "{first}");
        // Fifteen accounts changed per app: about 30 KB a run, 11 MB a year.
        assert!(per_run < 40_000, "{per_run}");
        let before = std::fs::metadata(&path).unwrap().len();
        applier.record_listings("same", &org(20, 1000, days), Unchanged::Record).await.unwrap();
        let unchanged = std::fs::metadata(&path).unwrap().len() - before;
        eprintln!("a run that finds nothing changed: {unchanged} bytes");
        assert!(unchanged < 8_000, "{unchanged}");
    }
}
