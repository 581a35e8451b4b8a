//! A human's completions of checklist items, as the audit log keeps them:
//! the `checklist-done` entry written for one, and reading them back —
//! for the planner ([`completions`]) and for `keyward checklist done`
//! (which items of a checklist are still open).
//!
//! Who did it goes in `detail` as `by <name>` until records carry an
//! actor; [`Entry::checklist_done`] and [`done_by`] are the only two
//! places that know that.

use std::collections::HashMap;

use keyward_core::plan::{Change, Completion, item_id};

use crate::audit::{Entry, Event, Record};
use crate::checklist::{Item, Items};

const BY: &str = "by ";

impl Entry {
    /// `checklist-done` for `change`, done by `by`.
    pub fn checklist_done(change: &Change, by: &str) -> Self {
        Self::change(Event::ChecklistDone, change).detail(format!("{BY}{by}"))
    }
}

/// Who did the work of a `checklist-done` record.
pub fn done_by(r: &Record) -> Option<&str> {
    r.detail.as_deref().and_then(|d| d.strip_prefix(BY))
}

/// The item id of a record about one change (its account as the record
/// keeps it: the app's id, else the handle, which is the e-mail or the
/// username as [`Change::item_id`] prefers them).
fn record_item(r: &Record) -> Option<String> {
    let (app, action) = (r.app.as_deref()?, r.action?);
    let account = r.account_id.as_deref().or(r.account.as_deref()).unwrap_or("");
    Some(item_id(app, action, account, r.person.as_deref().unwrap_or("")))
}

/// Every completion a human recorded, oldest first, each `day` on the UTC
/// calendar (a caller comparing with exports dated on another calendar
/// sets it anew). A record whose time does not parse is left out (the
/// chain verified, so it is keyward's own).
pub fn completions(records: &[Record]) -> Vec<Completion> {
    records
        .iter()
        .filter(|r| r.event == Event::ChecklistDone)
        .filter_map(|r| {
            let on: jiff::Timestamp = r.time.parse().ok()?;
            let day = on.to_zoned(jiff::tz::TimeZone::UTC).date();
            Some(Completion { item: record_item(r)?, on, day, by: done_by(r).map(str::to_owned) })
        })
        .collect()
}

/// Whether each item of `items` is open: not recorded done since it was
/// last put on a checklist. An item put on a checklist again after a
/// completion (the app still showed it) is open again.
pub fn open<'i>(items: &'i Items, records: &[Record]) -> Vec<(&'i Item, bool)> {
    let mut listed: HashMap<String, u64> = HashMap::new();
    let mut done: HashMap<String, u64> = HashMap::new();
    for r in records {
        let map = match r.event {
            Event::Checklist => &mut listed,
            Event::ChecklistDone => &mut done,
            _ => continue,
        };
        if let Some(id) = record_item(r) {
            map.insert(id, r.seq);
        }
    }
    items
        .items
        .iter()
        .map(|i| {
            let open = match (listed.get(&i.id), done.get(&i.id)) {
                (_, None) => true,
                (Some(l), Some(d)) => l > d,
                (None, Some(_)) => false,
            };
            (i, open)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use keyward_core::action::Action;
    use keyward_core::plan::{AccountRef, PersonRef};

    use super::*;
    use crate::AuditLog;

    fn change(who: &str, id: Option<&str>) -> Change {
        let account =
            AccountRef { id: id.map(Into::into), email: Some(format!("{who}@x").into()), ..AccountRef::default() };
        let mut c = Change::new("slack", Action::Suspend, account, "left");
        c.person = Some(PersonRef { id: "E1".into(), email: None, name: None });
        c
    }

    #[test]
    fn a_completion_names_the_item_the_checklist_showed() {
        let dir = tempfile::tempdir().unwrap();
        let log = AuditLog::open(dir.path().join("a.jsonl")).unwrap();
        let (with_id, without) = (change("a", Some("U1")), change("b", None));
        log.record("r1", Entry::change(Event::Checklist, &with_id)).unwrap();
        log.record("d1", Entry::checklist_done(&with_id, "Ann")).unwrap();
        log.record("d2", Entry::checklist_done(&without, "Bo")).unwrap();
        let records = crate::audit::read(dir.path().join("a.jsonl")).unwrap();
        let done = completions(&records);
        assert_eq!(done.len(), 2);
        assert_eq!((done[0].item.as_str(), done[0].by.as_deref()), (with_id.item_id().as_str(), Some("Ann")));
        assert_eq!(done[1].item, without.item_id());

        let item = |c: &Change| Item { id: c.item_id(), shown_as: String::new(), change: c.clone() };
        let other = change("c", Some("U3"));
        let items = Items {
            app: "slack".into(),
            run: "r1".into(),
            date: jiff::civil::date(2026, 1, 1),
            items: vec![item(&with_id), item(&other)],
        };
        let open: Vec<bool> = open(&items, &records).into_iter().map(|(_, o)| o).collect();
        assert_eq!(open, [false, true]);
        // Listed again after the completion: open again.
        log.record("r2", Entry::change(Event::Checklist, &with_id)).unwrap();
        let records = crate::audit::read(dir.path().join("a.jsonl")).unwrap();
        assert!(super::open(&items, &records)[0].1);
    }
}
