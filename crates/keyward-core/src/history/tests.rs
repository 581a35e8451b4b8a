//! The reconstruction: a listing, the changes after it, differences.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use proptest::prelude::*;

use super::*;

fn acct(id: &str, owner: Option<&str>, status: AccountStatus) -> ListedAccount {
    ListedAccount {
        id: id.to_owned(),
        handle: format!("{id}@example.com"),
        owner: owner.map(str::to_owned),
        role: Some("member".to_owned()),
        groups: Vec::new(),
        status,
    }
}

fn t(s: i64) -> jiff::Timestamp {
    jiff::Timestamp::from_second(1_800_000_000 + s).unwrap()
}

fn listing(seq: u64, time: i64, record: ListingRecord) -> Seen {
    Seen::Listing { seq, time: t(time), run: format!("run{seq}"), app: "chat".into(), record }
}

fn change(seq: u64, time: i64, run: &str, action: Action, outcome: Outcome, id: &str) -> Seen {
    Seen::Change {
        seq,
        time: t(time),
        run: run.into(),
        app: "chat".into(),
        action,
        outcome,
        account_id: Some(id.into()),
        account: format!("{id}@example.com"),
        person: None,
    }
}

fn known(h: &HistoryAt) -> &[AccountAt] {
    match &h.apps[0].knowledge {
        Knowledge::Known { accounts, .. } => accounts,
        other => panic!("{other:?}"),
    }
}

#[test]
fn before_the_first_listing_an_app_is_unknown() {
    let seen = vec![listing(1, 10, ListingRecord::full(&[acct("a", Some("E1"), AccountStatus::Active)]))];
    let h = at(&seen, t(5), &["chat".to_owned()]);
    assert_eq!(h.apps[0].knowledge, Knowledge::Unknown);
    assert_eq!(known(&at(&seen, t(11), &[]))[0].owner.as_deref(), Some("E1"));
}

#[test]
fn a_suspension_applied_after_the_listing_shows_and_an_unconfirmed_one_is_uncertain() {
    let first = [acct("a", Some("E1"), AccountStatus::Active), acct("b", Some("E2"), AccountStatus::Active)];
    let seen = vec![
        listing(1, 10, ListingRecord::full(&first)),
        change(2, 20, "r2", Action::Suspend, Outcome::Attempted, "a"),
        change(3, 21, "r2", Action::Suspend, Outcome::Applied, "a"),
        change(4, 22, "r2", Action::Suspend, Outcome::Attempted, "b"),
    ];
    let rows = at(&seen, t(30), &[]).apps[0].knowledge.clone();
    let Knowledge::Known { accounts, run, .. } = rows else { panic!() };
    assert_eq!(run, "run1");
    assert_eq!((accounts[0].status, accounts[0].uncertain), (AccountStatus::Suspended, false));
    assert_eq!(accounts[0].changes[0].outcome, Outcome::Applied);
    assert_eq!((accounts[1].status, accounts[1].uncertain), (AccountStatus::Active, true));
    // Between the attempt and its result, the change is not yet known.
    let between = at(&seen, t(21), &[]);
    assert!(known(&between)[0].uncertain);
}

#[test]
fn a_deleted_account_is_gone_and_a_created_one_appears() {
    let seen = vec![
        listing(1, 10, ListingRecord::full(&[acct("a", Some("E1"), AccountStatus::Suspended)])),
        change(2, 20, "r2", Action::Delete, Outcome::Applied, "a"),
        Seen::Change {
            seq: 3,
            time: t(21),
            run: "r2".into(),
            app: "chat".into(),
            action: Action::Create,
            outcome: Outcome::Applied,
            account_id: None,
            account: "new@example.com".into(),
            person: Some("E3".into()),
        },
    ];
    let rows = known(&at(&seen, t(30), &[])).to_vec();
    assert_eq!(rows.len(), 1);
    assert_eq!((rows[0].handle.as_str(), rows[0].owner.as_deref()), ("new@example.com", Some("E3")));
}

#[test]
fn a_difference_from_a_listing_that_is_not_the_last_breaks_until_a_full_one() {
    let a = [acct("a", None, AccountStatus::Active)];
    let mut last = LastListings::default();
    let full = ListingRecord::full(&a);
    last.observe(1, "chat", &full);
    let b = [acct("a", None, AccountStatus::Active), acct("b", None, AccountStatus::Active)];
    let diff = last.record_for("chat", &b);
    assert_eq!((diff.base, diff.accounts.len(), diff.total), (Some(1), 1, 2));
    let stale = ListingRecord { base: Some(99), ..diff.clone() };
    let seen = vec![listing(1, 10, full.clone()), listing(2, 20, stale)];
    assert_eq!(at(&seen, t(30), &[]).apps[0].knowledge, Knowledge::Broken { seq: 2 });
    let seen = vec![listing(1, 10, full), listing(2, 20, diff), listing(3, 30, ListingRecord::full(&a))];
    assert_eq!(known(&at(&seen, t(25), &[])).len(), 2);
    assert_eq!(known(&at(&seen, t(35), &[])).len(), 1);
}

#[test]
fn an_unchanged_listing_records_an_empty_difference() {
    let a = [acct("a", None, AccountStatus::Active)];
    let mut last = LastListings::default();
    last.observe(7, "chat", &ListingRecord::full(&a));
    let same = last.record_for("chat", &a);
    assert_eq!(same, ListingRecord { base: Some(7), accounts: vec![], removed: vec![], total: 1 });
    assert_eq!(serde_json::to_string(&same).unwrap(), r#"{"base":7,"total":1}"#);
}

fn arb_listing() -> impl Strategy<Value = Vec<ListedAccount>> {
    proptest::collection::btree_map("[a-f]{1,2}", (0..3u8, proptest::option::of("E[0-9]")), 0..12).prop_map(|m| {
        m.into_iter()
            .map(|(id, (s, owner))| {
                let status = [AccountStatus::Active, AccountStatus::Invited, AccountStatus::Suspended][s as usize];
                acct(&id, owner.as_deref(), status)
            })
            .collect()
    })
}

proptest! {
    /// Whatever listings follow each other, the history right after each
    /// one is exactly that listing: differences reconstruct it.
    #[test]
    fn history_right_after_a_listing_is_that_listing(listings in proptest::collection::vec(arb_listing(), 1..6)) {
        let mut last = LastListings::default();
        let mut seen = Vec::new();
        for (i, l) in listings.iter().enumerate() {
            let seq = i as u64 + 1;
            let record = last.record_for("chat", l);
            last.observe(seq, "chat", &record);
            seen.push(listing(seq, seq as i64 * 10, record));
            let h = at(&seen, t(seq as i64 * 10 + 1), &[]);
            let got: Vec<ListedAccount> = known(&h).iter().map(|r| ListedAccount {
                id: r.id.clone().unwrap(),
                handle: r.handle.clone(),
                owner: r.owner.clone(),
                role: r.role.clone(),
                groups: r.groups.clone(),
                status: r.status,
            }).collect();
            prop_assert_eq!(&got, l);
        }
    }
}
