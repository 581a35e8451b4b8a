//! Model-based properties of planning and applying: a random organisation
//! (joiners, movers, leavers, people on leave, rehires, terminations
//! without a date), random listings in three apps (matched accounts in
//! every spelling the correlators accept, duplicates, orphans, protected
//! service accounts, bots) and injected faults (changes that fail, or are
//! made by the app while the answer is lost) are planned, applied to an
//! in-memory model of the apps — each change made the way a connector
//! makes it — and planned again, until nothing but reviews is left.
//!
//! Every plan on the way must:
//! - never change an account that belongs to nobody, or is protected or a
//!   bot, and change a person's account only in that person's name;
//! - never create an account for someone who already has one in the app.
//!
//! And after the faulty round, applying every plan without faults must
//! converge within [`ROUNDS`] plans to one with no change besides
//! reviews, with nobody holding more accounts in an app than they started
//! with (or one, if they had none).
//!
//! Ground truth is known by construction: every generated account carries
//! only keys that its app's correlators resolve to the one person it was
//! made for, so "whose account is this" never depends on the planner.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::*;
use jiff::civil::Date;
use keyward_core::PolicySet;
use keyward_core::account::{Account, AccountListing, AccountStatus, Capabilities, Text};
use keyward_core::action::Action;
use keyward_core::people::{People, Person};
use keyward_core::plan::{Change, Plan};
use keyward_core::resources::HrStatus;
use proptest::prelude::*;

/// Fault-free plans allowed after the faulty round. A leaver's hand-over
/// to a manager whose own account is created in the same run can only be
/// planned once that account exists: one apply more than the rest.
const ROUNDS: usize = 3;

const APPS: [&str; 3] = ["chat", "code", "drive"];

fn set() -> PolicySet {
    policy(&format!(
        "{}{}{}{}{}{}",
        app(
            "chat",
            "  roles: [guest, member, admin]\n  correlate: [{email: {domainAliases: {example.co.jp: example.com}}}]\n  protect: [{username: '^svc-'}]\n  lifecycle: {provisionBefore: 5d, onLeave: suspend, ungranted: suspend, moverGrace: 7d, offboarding: {transferTo: manager, deleteAfter: 30d}}",
        ),
        app(
            "code",
            "  correlate: [{attribute: {attribute: github, accountField: username}}, {email: {}}]\n  protect: [{username: '^svc-'}]\n  lifecycle: {ungranted: review, offboarding: {suspend: afterLastDay}}",
        ),
        app(
            "drive",
            "  correlate: [{employeeId: {accountField: externalId}}, {email: {}}]\n  protect: [{username: '^svc-'}]\n  lifecycle: {moverGrace: 7d, offboarding: {suspend: onLastDay, transferTo: archive@example.com, deleteAfter: 10d}}",
        ),
        access(
            "sales",
            "{department: ['営業/**']}",
            "[{app: chat, role: member, groups: [sales]}, {app: drive, groups: [sales]}]"
        ),
        access(
            "eng",
            "{department: ['開発/**']}",
            "[{app: chat, role: admin, groups: [eng]}, {app: code}, {app: drive, groups: [eng]}]"
        ),
        access("contractors", "{employmentType: [contractor]}", "[{app: chat, role: guest}]"),
    ))
}

/// What each app's model connector can do: `code` has no hand-over (as
/// GitHub), the others everything.
fn capabilities(app: &str) -> Capabilities {
    Capabilities {
        revoke: keyward_core::account::RevokeKinds::NONE,
        create: true,
        update: true,
        suspend: true,
        restore: true,
        delete: true,
        transfer: app != "code",
        groups: true,
    }
}

const DEPTS: [&str; 5] = ["営業/東京", "営業", "開発/基盤", "開発", "総務"];
const GROUPS: [&str; 3] = ["sales", "eng", "other"];
const ROLES: [Option<&str>; 4] = [None, Some("guest"), Some("member"), Some("admin")];

fn today() -> Date {
    day(0)
}

fn day(offset: i64) -> Date {
    jiff::civil::date(2026, 6, 1).checked_add(jiff::Span::new().days(offset)).unwrap()
}

/// A person, as small numbers that shrink towards an ordinary employee.
#[derive(Debug, Clone)]
struct PersonGen {
    /// 0 employed, 1 joiner, 2 leaver, 3 leaves today, 4 on leave, 5 mover,
    /// 6 rehired on the same record, 7 terminated without a date, 8 leaves
    /// later, 9 rehired with a new employee number.
    kind: u8,
    /// Days, for whichever date the kind needs.
    offset: u8,
    dept: u8,
    contractor: bool,
    manager: Option<u8>,
    github: bool,
}

fn person_gen() -> impl Strategy<Value = PersonGen> {
    // Leavers weigh more: their suspensions, hand-overs and deletions are
    // where mistakes cost most.
    let kind = prop::sample::select(vec![0u8, 1, 2, 2, 2, 3, 4, 5, 6, 7, 8, 9]);
    (kind, 0..60u8, 0..5u8, any::<bool>(), prop::option::weighted(0.8, 0..12u8), any::<bool>()).prop_map(
        |(kind, offset, dept, contractor, manager, github)| PersonGen {
            kind,
            offset,
            dept,
            contractor,
            manager,
            github,
        },
    )
}

fn make_person(i: usize, g: &PersonGen, n: usize) -> Person {
    let mut p = person(&format!("E{i:03}"), &format!("p{i}@example.com"), DEPTS[g.dept as usize % DEPTS.len()]);
    if g.contractor {
        p.employment_type = Some("contractor".into());
    }
    let o = i64::from(g.offset);
    match g.kind {
        1 => p.start_date = Some(day(o % 20)),
        2 => {
            p.status = if o % 2 == 0 { HrStatus::Terminated } else { HrStatus::Active };
            p.end_date = Some(day(-1 - o));
        }
        3 => p.end_date = Some(today()),
        4 => p.status = HrStatus::OnLeave,
        5 => p.moved_on = Some(day(-(o % 14))),
        6 => {
            p.start_date = Some(day(-(o % 30)));
            p.end_date = Some(day(-40 - o));
        }
        7 => p.status = HrStatus::Terminated,
        8 => p.end_date = Some(day(1 + o)),
        9 => {
            p.start_date = Some(day(-(o % 30)));
            p.previous_ids = vec![format!("R{i:03}")];
        }
        _ => {}
    }
    p.manager = g.manager.map(|m| usize::from(m) % n.max(1)).filter(|m| *m != i).map(|m| format!("E{m:03}"));
    if g.github {
        p.attributes.insert("github".into(), format!("gh-{i}"));
    }
    p
}

/// Whom a generated account belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Owner {
    /// The person at this index (modulo the head count; nobody when there
    /// are no people, which makes it an orphan).
    Person(u8),
    Orphan(u8),
    Protected(u8),
    Bot(u8),
}

#[derive(Debug, Clone)]
struct AccountGen {
    app: u8,
    owner: Owner,
    /// Which of the keys the app's correlators accept it carries.
    style: u8,
    status: u8,
    role: u8,
    groups: Vec<u8>,
    /// For suspended accounts of apps that hand data over: unknown,
    /// not handed over, handed over.
    handed_over: u8,
}

fn account_gen() -> impl Strategy<Value = AccountGen> {
    let owner = prop_oneof![
        4 => (0..12u8).prop_map(Owner::Person),
        1 => (0..3u8).prop_map(Owner::Orphan),
        1 => (0..3u8).prop_map(Owner::Protected),
        1 => (0..2u8).prop_map(Owner::Bot),
    ];
    (0..3u8, owner, 0..4u8, 0..3u8, 0..4u8, prop::collection::vec(0..3u8, 0..3), 0..3u8).prop_map(
        |(app, owner, style, status, role, groups, handed_over)| AccountGen {
            app,
            owner,
            style,
            status,
            role,
            groups,
            handed_over,
        },
    )
}

/// What a generated account is, for the invariants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Truth {
    Person(usize),
    Untouchable,
}

fn make_account(k: usize, g: &AccountGen, persons: &[Person]) -> (usize, Account, Truth) {
    let app = usize::from(g.app) % APPS.len();
    let name = APPS[app];
    let mut a = Account::new(format!("{name}-{k}"));
    let truth = match g.owner {
        Owner::Person(p) if !persons.is_empty() => {
            let i = usize::from(p) % persons.len();
            let local = format!("p{i}");
            a.email = Some(
                match (name, g.style) {
                    (_, 1) => format!("{}@EXAMPLE.com", local.to_uppercase()),
                    (_, 2) => format!("{local}+{name}@example.com"),
                    ("chat", 3) => format!("{local}@example.co.jp"),
                    _ => format!("{local}@example.com"),
                }
                .into(),
            );
            match name {
                "code" if persons[i].attributes.contains_key("github") && g.style.is_multiple_of(2) => {
                    a.username = Some(format!("GH-{i}").into());
                }
                "drive" if g.style == 3 => {
                    let id = persons[i].previous_ids.first().cloned().unwrap_or_else(|| persons[i].id.clone());
                    a.external_id = Some(id.into());
                }
                _ => {}
            }
            Truth::Person(i)
        }
        Owner::Person(p) | Owner::Orphan(p) => {
            a.email = Some(format!("orphan{p}@example.com").into());
            a.username = Some(format!("orphan{p}").into());
            Truth::Untouchable
        }
        Owner::Protected(p) => {
            a.email = Some(format!("svc-{p}@example.com").into());
            a.username = Some(format!("svc-{p}").into());
            Truth::Untouchable
        }
        Owner::Bot(p) => {
            a.username = Some(format!("bot-{p}").into());
            a.bot = true;
            Truth::Untouchable
        }
    };
    a.status = [AccountStatus::Active, AccountStatus::Suspended, AccountStatus::Invited][usize::from(g.status) % 3];
    a.role = ROLES[usize::from(g.role) % ROLES.len()].map(Text::from);
    a.groups = g
        .groups
        .iter()
        .map(|x| GROUPS[usize::from(*x) % 3])
        .collect::<BTreeSet<_>>()
        .into_iter()
        .map(Text::from)
        .collect();
    if a.status == AccountStatus::Suspended && name != "code" {
        a.handed_over = [None, Some(false), Some(true)][usize::from(g.handed_over) % 3];
    }
    (app, a, truth)
}

/// How an injected fault makes a change go wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fault {
    None,
    /// The app refuses: nothing happens.
    Fails,
    /// The app makes (part of) the change, but the answer is lost: the
    /// applier sees a failure.
    AnswerLost,
}

/// The apps' accounts, and whom each belongs to.
#[derive(Debug, Clone)]
struct World {
    apps: BTreeMap<&'static str, Vec<Account>>,
    truth: BTreeMap<(&'static str, String), Truth>,
    created: usize,
}

impl World {
    fn listings(&self) -> BTreeMap<String, AccountListing> {
        self.apps
            .iter()
            .map(|(name, accounts)| {
                let listing = AccountListing::new(format!("{name} (model)"), accounts.clone())
                    .with_capabilities(capabilities(name));
                ((*name).to_owned(), listing)
            })
            .collect()
    }

    /// Accounts per person and app.
    fn holdings(&self) -> BTreeMap<(&'static str, usize), usize> {
        let mut out = BTreeMap::new();
        for (key, truth) in &self.truth {
            if let Truth::Person(p) = truth
                && self.apps[key.0].iter().any(|a| a.id.as_str() == key.1)
            {
                *out.entry((key.0, *p)).or_default() += 1;
            }
        }
        out
    }

    /// Makes one change the way a connector would; `Err` is what the
    /// applier sees as a failure.
    fn apply(&mut self, c: &Change, fault: Fault, persons: &[Person]) -> Result<(), ()> {
        let app = APPS.into_iter().find(|a| *a == c.app.as_str()).expect("a change to a known app");
        if fault == Fault::Fails {
            if c.action == Action::Transfer {
                // The app shows that the hand-over did not happen.
                self.account(app, c).handed_over = Some(false);
            }
            return Err(());
        }
        let lost = if fault == Fault::AnswerLost { Err(()) } else { Ok(()) };
        match c.action {
            Action::Create => {
                self.created += 1;
                let mut a = Account::new(format!("{app}-new-{}", self.created));
                a.email = c.account.email.clone();
                a.username = c.account.username.clone();
                a.display_name = c.account.display_name.clone();
                a.role = c.role.as_ref().map(|r| Text::from(r.to.as_str()));
                if fault == Fault::None {
                    a.groups = c
                        .groups
                        .as_ref()
                        .map(|g| g.add.iter().map(|x| Text::from(x.as_str())).collect())
                        .unwrap_or_default();
                    a.groups.sort();
                }
                let person = c.person.as_ref().expect("a create names its person");
                let owner = persons.iter().position(|p| p.id == person.id.as_str()).expect("a known person");
                self.truth.insert((app, a.id.to_string()), Truth::Person(owner));
                self.apps.get_mut(app).unwrap().push(a);
                lost
            }
            Action::Restore => {
                self.account(app, c).status = AccountStatus::Active;
                lost
            }
            Action::Update => {
                let a = self.account(app, c);
                if let Some(r) = &c.role {
                    a.role = Some(Text::from(r.to.as_str()));
                }
                if fault == Fault::None
                    && let Some(g) = &c.groups
                {
                    a.groups.retain(|x| !g.remove.iter().any(|r| r == x.as_str()));
                    a.groups.extend(g.add.iter().map(|x| Text::from(x.as_str())));
                    a.groups.sort();
                    a.groups.dedup();
                }
                lost
            }
            Action::Suspend => {
                let a = self.account(app, c);
                a.status = AccountStatus::Suspended;
                if app != "code" {
                    a.handed_over = Some(false);
                }
                lost
            }
            Action::Transfer => {
                self.account(app, c).handed_over = Some(true);
                lost
            }
            Action::Revoke => {
                self.account(app, c).open_grants = Some(0);
                lost
            }
            Action::Delete => {
                let id = c.account.id.clone().expect("a delete names its account");
                self.apps.get_mut(app).unwrap().retain(|a| a.id != id);
                lost
            }
            Action::Review => Ok(()),
        }
    }

    fn account(&mut self, app: &str, c: &Change) -> &mut Account {
        let id = c.account.id.as_deref().expect("a change to an existing account names it");
        self.apps.get_mut(app).unwrap().iter_mut().find(|a| a.id.as_str() == id).expect("the account exists")
    }

    /// Applies a plan as the applier does: each app's changes in phase
    /// order (the plan's order), reviews never, and no further change to
    /// an account after one of its changes failed.
    fn apply_plan(&mut self, plan: &Plan, faults: &[u8], persons: &[Person]) {
        let mut blocked: BTreeSet<String> = BTreeSet::new();
        for (j, c) in plan.changes.iter().enumerate() {
            if c.action == Action::Review {
                continue;
            }
            let key = match (&c.account.id, &c.account.email) {
                (Some(id), _) => format!("{}/id:{id}", c.app),
                (None, Some(e)) => format!("{}/email:{}", c.app, e.to_lowercase()),
                (None, None) => format!("{}/#{j}", c.app),
            };
            if blocked.contains(&key) {
                continue;
            }
            let fault = match faults.get(j).map(|f| f % 4) {
                Some(1) => Fault::Fails,
                Some(2) => Fault::AnswerLost,
                _ => Fault::None,
            };
            if self.apply(c, fault, persons).is_err() {
                blocked.insert(key);
            }
        }
    }
}

/// The invariants every plan must keep, against the world it was made from.
fn check_plan(plan: &Plan, world: &World, persons: &[Person]) -> Result<(), TestCaseError> {
    for c in plan.changes.iter().filter(|c| c.action != Action::Review) {
        let app = APPS.into_iter().find(|a| *a == c.app.as_str()).unwrap();
        let named = c.person.as_ref().map(|p| p.id.as_str());
        match &c.account.id {
            Some(id) => {
                let truth = world.truth.get(&(app, id.to_string()));
                match truth {
                    Some(Truth::Person(p)) => prop_assert_eq!(
                        named,
                        Some(persons[*p].id.as_str()),
                        "{} of {}'s account {} in the name of someone else",
                        c.action.as_str(),
                        persons[*p].id,
                        id
                    ),
                    other => prop_assert!(
                        false,
                        "{} of {} in {}, which belongs to nobody or is protected ({:?}): {}",
                        c.action.as_str(),
                        id,
                        app,
                        other,
                        c.reason
                    ),
                }
            }
            None => {
                prop_assert_eq!(c.action, Action::Create, "a change without an account id");
                let who = named.expect("a create names its person");
                let p = persons.iter().position(|x| x.id == who).unwrap();
                let held = world.holdings().get(&(app, p)).copied().unwrap_or(0);
                prop_assert_eq!(held, 0, "a second account for {} in {}: {}", who, app, c.reason);
            }
        }
    }
    Ok(())
}

fn plan(world: &World, people: &People) -> Plan {
    keyward_core::plan(&set(), people, &world.listings(), today()).expect("plan")
}

fn changes(plan: &Plan) -> Vec<String> {
    plan.changes
        .iter()
        .filter(|c| c.action != Action::Review)
        .map(|c| format!("{} {} {}: {}", c.app, c.action.as_str(), c.account.label(), c.reason))
        .collect()
}

fn org() -> impl Strategy<Value = (Vec<PersonGen>, Vec<AccountGen>, Vec<u8>)> {
    (
        prop::collection::vec(person_gen(), 0..10),
        prop::collection::vec(account_gen(), 0..30),
        prop::collection::vec(any::<u8>(), 0..40),
    )
}

fn world(persons: &[Person], accounts: &[AccountGen]) -> World {
    let mut w = World { apps: APPS.iter().map(|a| (*a, Vec::new())).collect(), truth: BTreeMap::new(), created: 0 };
    // drive hands leavers' data over to this account, which is nobody's.
    let mut archive = Account::new("drive-archive");
    archive.email = Some("archive@example.com".into());
    w.truth.insert(("drive", archive.id.to_string()), Truth::Untouchable);
    w.apps.get_mut("drive").unwrap().push(archive);
    for (k, g) in accounts.iter().enumerate() {
        let (app, a, truth) = make_account(k, g, persons);
        w.truth.insert((APPS[app], a.id.to_string()), truth);
        w.apps.get_mut(APPS[app]).unwrap().push(a);
    }
    w
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn applied_plans_converge_and_never_touch_what_is_not_theirs((ps, accounts, faults) in org()) {
        let persons: Vec<Person> = ps.iter().enumerate().map(|(i, g)| make_person(i, g, ps.len())).collect();
        let people = people(persons.clone());
        let mut w = world(&persons, &accounts);
        let before = w.holdings();

        let first = plan(&w, &people);
        check_plan(&first, &w, &persons)?;
        w.apply_plan(&first, &faults, &persons);

        let mut last = Vec::new();
        let mut converged = false;
        for _ in 0..ROUNDS {
            let p = plan(&w, &people);
            check_plan(&p, &w, &persons)?;
            last = changes(&p);
            if last.is_empty() {
                converged = true;
                break;
            }
            w.apply_plan(&p, &[], &persons);
        }
        prop_assert!(converged, "still changing after {} fault-free rounds: {:#?}", ROUNDS, last);
        for ((app, p), n) in w.holdings() {
            let had = before.get(&(app, p)).copied().unwrap_or(0);
            prop_assert!(n <= had.max(1), "{} holds {} accounts in {} (had {})", persons[p].id, n, app, had);
        }
    }
}
