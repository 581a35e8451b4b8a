//! The diff: desired state against accounts, per app, as a [`Plan`].
//!
//! `plan(policy, people, accounts, today)` is pure and deterministic: the
//! same inputs give a byte-identical plan. Safety rules live here:
//! deprovisioning needs a positive HR fact (a last working day, a
//! terminated status, a leave), never the absence of a person; orphans and
//! doubtful matches are listed for review, never changed; deletion waits for
//! the hand-over target.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::account::{Account, AccountListing, AccountStatus, Capabilities, Text};
use crate::action::Action;
use crate::correlate::{Correlator, Indexes, Link, explain};
use crate::duration::{Retention, SuspendTiming, TransferTo};
use crate::duties::{self, Holding, Violation};
use crate::evaluate::{EntView, Selections, select_all};
use crate::people::{FieldLabels, People, Person, Phase};
use crate::policy::PolicySet;
use crate::resources::{OnLeave, Ungranted};
use crate::validate::{Compiled, CompiledApp, CompiledCorrelator};

/// Version of the JSON plan document. Bumped on any incompatible change.
pub const PLAN_FORMAT_VERSION: u32 = 1;

/// The account a change is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct AccountRef {
    /// The app's id (absent for accounts still to be created).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<Text>,
    /// E-mail.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<Text>,
    /// Username.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<Text>,
    /// Display name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<Text>,
    /// Status before the change.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<AccountStatus>,
}

impl AccountRef {
    fn of(a: &Account) -> Self {
        Self {
            id: Some(a.id.clone()),
            email: a.email.clone(),
            username: a.username.clone(),
            display_name: a.display_name.clone(),
            status: Some(a.status),
        }
    }

    /// The most recognisable handle.
    pub fn label(&self) -> &str {
        self.email.as_deref().or(self.username.as_deref()).or(self.id.as_deref()).unwrap_or("?")
    }
}

/// The person a change is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PersonRef {
    /// Employee number.
    pub id: Text,
    /// Work e-mail.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<Text>,
    /// Name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<Text>,
}

impl PersonRef {
    pub(crate) fn of(p: &Person) -> Self {
        Self {
            id: p.id.as_str().into(),
            email: p.email.as_deref().map(Text::from),
            name: p.name.as_deref().map(Text::from),
        }
    }
}

/// A role change, before → after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleChange {
    /// Current role.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// New role.
    pub to: String,
}

/// Group memberships to add and remove.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct GroupChange {
    /// Groups to join.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub add: Vec<String>,
    /// Groups to leave.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub remove: Vec<String>,
}

/// One change to one account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Change {
    /// Application name.
    pub app: Text,
    /// What to do.
    pub action: Action,
    /// The account (for `create`, the account to be made).
    pub account: AccountRef,
    /// The person, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub person: Option<PersonRef>,
    /// Why, in words: the rule or HR fact behind the change.
    pub reason: String,
    /// Role to set (create, update).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<Box<RoleChange>>,
    /// Groups to set (create, update).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub groups: Option<Box<GroupChange>>,
    /// Who receives the data (transfer).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transfer_to: Option<Box<AccountRef>>,
    /// For reviews: what keyward would do once a human confirms.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proposed: Option<Action>,
    /// For creates: the HR facts a connector may store on the new account.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profile: Option<Box<Profile>>,
}

impl Change {
    /// A change with only what every change has; the rest is set by the
    /// caller where it applies.
    pub fn new(app: impl Into<Text>, action: Action, account: AccountRef, reason: impl Into<String>) -> Self {
        Self {
            app: app.into(),
            action,
            account,
            person: None,
            reason: reason.into(),
            role: None,
            groups: None,
            transfer_to: None,
            proposed: None,
            profile: None,
        }
    }
}

/// HR facts about the person an account is created for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    /// Department path of the first post.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    /// Job title of the first post.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Employment type in keyward's vocabulary.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub employment_type: Option<String>,
    /// The manager, when the HR data names one who is in it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub manager: Option<PersonRef>,
}

/// Counts of changes by action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Counts {
    /// Accounts to create.
    pub create: usize,
    /// Accounts to restore.
    pub restore: usize,
    /// Accounts to update.
    pub update: usize,
    /// Accounts to suspend.
    pub suspend: usize,
    /// Hand-overs.
    pub transfer: usize,
    /// Accounts to delete.
    pub delete: usize,
    /// Items for review.
    pub review: usize,
}

impl Counts {
    fn add(&mut self, a: Action) {
        *self.get_mut(a) += 1;
    }

    fn get_mut(&mut self, a: Action) -> &mut usize {
        match a {
            Action::Create => &mut self.create,
            Action::Restore => &mut self.restore,
            Action::Update => &mut self.update,
            Action::Suspend => &mut self.suspend,
            Action::Transfer => &mut self.transfer,
            Action::Delete => &mut self.delete,
            Action::Review => &mut self.review,
        }
    }

    /// The count for one action.
    pub fn get(&self, a: Action) -> usize {
        let mut c = *self;
        *c.get_mut(a)
    }

    /// All changes, reviews included.
    pub fn total(&self) -> usize {
        Action::ALL.iter().map(|a| self.get(*a)).sum()
    }
}

/// Per-app facts for the plan header.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppSummary {
    /// Application name.
    pub name: String,
    /// Display name.
    pub display_name: String,
    /// Connector kind (`csvExport`).
    pub connector: String,
    /// What was read.
    pub source: String,
    /// Changes to a read-only app become a checklist for a human.
    pub read_only: bool,
    /// Accounts listed.
    pub accounts: usize,
    /// Accounts matched to a person.
    pub matched: usize,
    /// Accounts matched to nobody.
    pub orphans: usize,
    /// Protected accounts.
    pub protected: usize,
    /// Bot accounts.
    pub bots: usize,
    /// Changes by action.
    pub changes: Counts,
    /// Monthly cost of one seat, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seat_cost: Option<crate::resources::SeatCost>,
    /// Paid seats the plan adds and frees, when the seat cost is known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seats: Option<SeatChange>,
}

/// Paid seats added and freed, and what that does to the monthly bill.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SeatChange {
    /// ISO 4217 currency code.
    pub currency: String,
    /// Seats added: accounts created or restored.
    pub added: usize,
    /// Seats freed: accounts suspended, or deleted where only a deletion
    /// stops the billing (`seatCost.freedBy`).
    pub freed: usize,
    /// Change of the monthly bill (negative: a saving).
    pub monthly_change: f64,
}

impl SeatChange {
    fn of(cost: &crate::resources::SeatCost, c: &Counts) -> Self {
        let added = c.create + c.restore;
        let freed = match cost.freed_by {
            crate::resources::SeatFreedBy::Suspend => c.suspend,
            crate::resources::SeatFreedBy::Delete => c.delete,
        };
        Self {
            currency: cost.currency.clone(),
            added,
            freed,
            monthly_change: (added as f64 - freed as f64) * cost.monthly,
        }
    }
}

/// Head counts of the HR snapshot on the plan date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct PeopleSummary {
    /// Everybody in the HR data.
    pub total: usize,
    /// Working.
    pub employed: usize,
    /// On leave.
    pub on_leave: usize,
    /// Not started yet.
    pub not_started: usize,
    /// Gone.
    pub left: usize,
}

/// The plan: every change keyward proposes, per app, with reasons.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Plan {
    /// Always `keyward.io/v1alpha1`.
    pub api_version: String,
    /// Always `Plan`.
    pub kind: String,
    /// [`PLAN_FORMAT_VERSION`].
    pub format_version: u32,
    /// The day the plan is for.
    pub date: Date,
    /// HR head counts.
    pub people: PeopleSummary,
    /// Per-app facts, by app name.
    pub apps: Vec<AppSummary>,
    /// Changes by action over all apps.
    pub summary: Counts,
    /// Every change, grouped by app (in app order), then by action.
    pub changes: Changes,
    /// Things worth knowing that change nothing (expired exceptions…).
    pub warnings: Vec<String>,
    /// People who hold, or would hold, duties a SeparationOfDuties rule
    /// keeps apart; by rule, then person.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub violations: Vec<Violation>,
    /// How many SeparationOfDuties rules were checked.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub duty_rules: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl Plan {
    /// Seats added and freed over all apps, one total per currency, by
    /// currency code.
    pub fn seat_totals(&self) -> Vec<SeatChange> {
        let mut out: Vec<SeatChange> = Vec::new();
        for s in self.apps.iter().filter_map(|a| a.seats.as_ref()) {
            match out.iter_mut().find(|t| t.currency == s.currency) {
                Some(t) => {
                    t.added += s.added;
                    t.freed += s.freed;
                    t.monthly_change += s.monthly_change;
                }
                None => out.push(s.clone()),
            }
        }
        out.sort_by(|a, b| a.currency.cmp(&b.currency));
        out
    }

    /// `true` when there is anything to do or to review.
    pub fn has_changes(&self) -> bool {
        !self.changes.is_empty()
    }

    /// Keeps only the changes `keep` accepts; the counts follow.
    pub fn retain_changes(&mut self, mut keep: impl FnMut(&Change) -> bool) {
        let mut summary = Counts::default();
        for (app, changes) in self.apps.iter_mut().zip(self.changes.by_app.iter_mut()) {
            changes.retain(&mut keep);
            let mut counts = Counts::default();
            for c in changes.iter() {
                counts.add(c.action);
                summary.add(c.action);
            }
            app.changes = counts;
        }
        self.summary = summary;
    }

    /// Changes of one app.
    pub fn changes_for(&self, app: &str) -> &[Change] {
        self.apps.iter().position(|a| a.name == app).and_then(|i| self.changes.by_app.get(i)).map_or(&[], Vec::as_slice)
    }
}

/// Every change of a plan, kept per app (in the order of `Plan::apps`) and
/// read as one list. Planning fills each app's list on its own thread;
/// keeping them apart saves copying a hundred thousand changes into one
/// vector. Serialized as one flat JSON array.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Changes {
    by_app: Vec<Vec<Change>>,
}

impl Changes {
    /// Every change, app by app.
    pub fn iter(&self) -> impl Iterator<Item = &Change> {
        self.by_app.iter().flatten()
    }

    /// Number of changes.
    pub fn len(&self) -> usize {
        self.by_app.iter().map(Vec::len).sum()
    }

    /// `true` when there are none.
    pub fn is_empty(&self) -> bool {
        self.by_app.iter().all(Vec::is_empty)
    }
}

impl std::ops::Index<usize> for Changes {
    type Output = Change;
    fn index(&self, mut i: usize) -> &Change {
        for app in &self.by_app {
            if i < app.len() {
                return &app[i];
            }
            i -= app.len();
        }
        // Like slice indexing: an index past the end is a caller bug.
        panic!("change index {i} out of range")
    }
}

impl<'a> IntoIterator for &'a Changes {
    type Item = &'a Change;
    type IntoIter = std::iter::Flatten<std::slice::Iter<'a, Vec<Change>>>;
    fn into_iter(self) -> Self::IntoIter {
        self.by_app.iter().flatten()
    }
}

impl Serialize for Changes {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

impl<'de> Deserialize<'de> for Changes {
    /// Reads the flat array into one bucket; [`Plan::from_json`] regroups
    /// it by app.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Self { by_app: vec![Vec::<Change>::deserialize(d)?] })
    }
}

/// Why a saved plan cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum PlanDocError {
    /// Not JSON, or not shaped like a plan.
    #[error("not a keyward plan: {0}")]
    Json(#[from] serde_json::Error),
    /// Written by a keyward whose plan format this one does not read.
    #[error(
        "plan format version {found} is not supported (this keyward reads version {PLAN_FORMAT_VERSION}); make the plan again with this keyward"
    )]
    Version {
        /// The version in the document.
        found: u32,
    },
    /// A change names an app the plan's header does not list.
    #[error("change for application `{0}` which the plan does not list")]
    UnknownApp(String),
}

impl Plan {
    /// Reads a plan written by `keyward plan --format json`.
    pub fn from_json(text: &str) -> Result<Self, PlanDocError> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Head {
            format_version: u32,
        }
        let head: Head = serde_json::from_str(text)?;
        if head.format_version != PLAN_FORMAT_VERSION {
            return Err(PlanDocError::Version { found: head.format_version });
        }
        let mut plan: Plan = serde_json::from_str(text)?;
        let all: Vec<Change> = std::mem::take(&mut plan.changes.by_app).into_iter().flatten().collect();
        let mut by_app: Vec<Vec<Change>> = vec![Vec::new(); plan.apps.len()];
        for c in all {
            let i = plan
                .apps
                .iter()
                .position(|a| a.name == c.app.as_str())
                .ok_or_else(|| PlanDocError::UnknownApp(c.app.to_string()))?;
            by_app[i].push(c);
        }
        plan.changes = Changes { by_app };
        Ok(plan)
    }
}

/// Why a plan could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    /// An application's accounts were not provided: planning without them
    /// would miss that app's leavers.
    #[error("no account listing for application `{0}`")]
    MissingListing(String),
}

/// Buffers reused from one app to the next on the same thread: fresh
/// memory is slow to fault in, and every app needs the same sizes.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    links: Vec<Link>,
    facts: Vec<Facts>,
    offsets: Vec<u32>,
    fill: Vec<u32>,
    accts: Vec<u32>,
}

/// What the per-person loop needs of an account, packed: reading the
/// account itself (a few hundred bytes, anywhere in memory) for every
/// person of every app is what made planning slow.
#[derive(Debug, Clone, Copy)]
struct Facts {
    status: AccountStatus,
    has_groups: bool,
    /// Number of the account's role in the app's `role_ids`; [`NO_ROLE`] or
    /// [`OTHER_ROLE`] otherwise.
    role: u32,
}

const NO_ROLE: u32 = u32::MAX;
const OTHER_ROLE: u32 = u32::MAX - 1;

/// Everything known about one app during planning.
pub(crate) struct AppCtx<'a> {
    pub(crate) app: &'a CompiledApp,
    pub(crate) listing: &'a AccountListing,
    pub(crate) links: &'a [Link],
    facts: &'a [Facts],
    /// `accts[offsets[p]..offsets[p + 1]]` are person `p`'s accounts, the
    /// one keyward manages first (strong match, live, exact, by id).
    offsets: &'a [u32],
    accts: &'a [u32],
    /// The account named by `transferTo: <account>`, found once.
    fixed_target: Option<u32>,
}

impl<'a> AppCtx<'a> {
    /// Correlates the app's accounts and groups them by person.
    pub(crate) fn new(
        app: &'a CompiledApp,
        listing: &'a AccountListing,
        people: &People,
        indexes: &Indexes,
        scratch: &'a mut Scratch,
    ) -> Self {
        let Scratch { links, facts, offsets, fill, accts } = scratch;
        let mut correlator = Correlator::new(app, indexes);
        let mut lower = String::new();
        links.clear();
        facts.clear();
        // One pass over the accounts: each is read once, in memory order.
        for a in &listing.accounts {
            links.push(correlator.link(a));
            facts.push(Facts {
                status: a.status,
                has_groups: !a.groups.is_empty(),
                role: match a.role.as_deref() {
                    None => NO_ROLE,
                    Some(r) => {
                        lower.clear();
                        if r.is_ascii() {
                            lower.push_str(r);
                            lower.make_ascii_lowercase();
                        } else {
                            lower.push_str(&r.to_lowercase());
                        }
                        app.role_ids.get(lower.as_str()).copied().unwrap_or(OTHER_ROLE)
                    }
                },
            });
        }
        // Group accounts by person with a counting sort (linear); only the
        // rare people with several accounts need ordering.
        offsets.clear();
        offsets.resize(people.len() + 1, 0);
        for l in links.iter() {
            if let Link::Person { person, .. } = l {
                offsets[*person as usize + 1] += 1;
            }
        }
        for i in 1..offsets.len() {
            offsets[i] += offsets[i - 1];
        }
        fill.clear();
        fill.extend_from_slice(offsets);
        accts.clear();
        accts.resize(offsets[people.len()] as usize, 0);
        for (ai, l) in links.iter().enumerate() {
            if let Link::Person { person, .. } = l {
                let slot = &mut fill[*person as usize];
                accts[*slot as usize] = ai as u32;
                *slot += 1;
            }
        }
        let pref = |ai: u32| {
            let a = &listing.accounts[ai as usize];
            let (weak, exact) = match links[ai as usize] {
                Link::Person { weak, exact, .. } => (weak, exact),
                _ => (true, false),
            };
            (weak, !a.status.is_live(), !exact, a.status, a.id.as_str())
        };
        for p in 0..people.len() {
            let group = &mut accts[offsets[p] as usize..offsets[p + 1] as usize];
            if group.len() > 1 {
                group.sort_by(|x, y| pref(*x).cmp(&pref(*y)));
            }
        }
        let fixed_target = match &app.lifecycle.offboarding.transfer_to {
            Some(TransferTo::Account(key)) => {
                let k = key.to_lowercase();
                let same = |v: Option<&str>| v.is_some_and(|v| v.to_lowercase() == k);
                listing
                    .accounts
                    .iter()
                    .position(|a| a.id == *key || same(a.email.as_deref()) || same(a.username.as_deref()))
                    .map(|i| i as u32)
            }
            _ => None,
        };
        Self { app, listing, links, facts, offsets, accts, fixed_target }
    }

    fn account(&self, i: u32) -> &Account {
        &self.listing.accounts[i as usize]
    }

    fn status(&self, i: u32) -> AccountStatus {
        self.facts[i as usize].status
    }

    pub(crate) fn accounts_of(&self, person: usize) -> &[u32] {
        &self.accts[self.offsets[person] as usize..self.offsets[person + 1] as usize]
    }

    fn is_weak(&self, i: u32) -> bool {
        matches!(self.links[i as usize], Link::Person { weak: true, .. })
    }

    fn count(&self, f: impl Fn(&Link) -> bool) -> usize {
        self.links.iter().filter(|l| f(l)).count()
    }
}

/// Makes the plan. See the module docs for the rules.
pub fn plan(
    set: &PolicySet,
    people: &People,
    listings: &BTreeMap<String, AccountListing>,
    today: Date,
) -> Result<Plan, PlanError> {
    plan_inner(set, people, listings, today, None)
}

/// Plans for some people only: the people at indexes `only` of
/// [`People::persons`]. For a reconcile of one person after an HR event,
/// where each listing holds only the accounts that may be theirs, so
/// accounts matching nobody say nothing and are not listed for review.
/// Everyone stays in `people`, so managers (hand-over targets) and
/// correlation still see the whole HR master.
pub fn plan_scoped(
    set: &PolicySet,
    people: &People,
    listings: &BTreeMap<String, AccountListing>,
    today: Date,
    only: &[usize],
) -> Result<Plan, PlanError> {
    let mut only: Vec<usize> = only.iter().copied().filter(|&i| i < people.len()).collect();
    only.sort_unstable();
    only.dedup();
    plan_inner(set, people, listings, today, Some(&only))
}

fn plan_inner(
    set: &PolicySet,
    people: &People,
    listings: &BTreeMap<String, AccountListing>,
    today: Date,
    scope: Option<&[usize]>,
) -> Result<Plan, PlanError> {
    let compiled = &set.compiled;
    let phases: Vec<Phase> = people.persons().iter().map(|p| p.phase(today)).collect();

    let mut summary_people = PeopleSummary { total: people.len(), ..Default::default() };
    for ph in &phases {
        match ph {
            Phase::NotStarted { .. } => summary_people.not_started += 1,
            Phase::Employed => summary_people.employed += 1,
            Phase::OnLeave => summary_people.on_leave += 1,
            Phase::Left { .. } => summary_people.left += 1,
        }
    }

    for app in &compiled.apps {
        if !listings.contains_key(&app.name) {
            return Err(PlanError::MissingListing(app.name.clone()));
        }
    }
    // Who gets what, and who owns which key, are independent.
    let (selections, indexes) =
        rayon::join(|| select_all(compiled, people, &phases, today), || Indexes::build(&compiled.apps, people));
    let shared =
        Shared { set, compiled, people, phases: &phases, selections: &selections, indexes: &indexes, today, scope };
    // Apps are independent: plan them in parallel, collected in app order so
    // the plan stays byte-identical.
    let per_app: Vec<(AppSummary, Vec<Change>, Vec<Holding>)> = {
        use rayon::prelude::*;
        compiled
            .apps
            .par_iter()
            .enumerate()
            .map_init(Scratch::default, |scratch, (app_idx, app)| {
                plan_app(&shared, app_idx, app, &listings[&app.name], scratch)
            })
            .collect()
    };
    let mut by_app = Vec::with_capacity(per_app.len());
    let mut apps = Vec::with_capacity(per_app.len());
    let mut holdings = Vec::with_capacity(per_app.len());
    for (app, app_changes, held) in per_app {
        apps.push(app);
        by_app.push(app_changes);
        holdings.push(held);
    }
    // Separation of duties spans apps, so it looks at the finished per-app
    // plans; what it holds back changes those apps' order and counts.
    let app_listings: Vec<&AccountListing> = compiled.apps.iter().map(|a| &listings[&a.name]).collect();
    let (violations, touched) =
        duties::check(compiled, people, &selections, scope, &mut by_app, &app_listings, &holdings);
    for ((app, app_changes), _) in apps.iter_mut().zip(by_app.iter_mut()).zip(touched).filter(|(_, t)| *t) {
        app_changes.sort_by(|a, b| sort_key(a).cmp(&sort_key(b)));
        let mut counts = Counts::default();
        for c in app_changes.iter() {
            counts.add(c.action);
        }
        app.changes = counts;
        app.seats = app.seat_cost.as_ref().map(|c| SeatChange::of(c, &counts));
    }
    let mut summary = Counts::default();
    for c in by_app.iter().flatten() {
        summary.add(c.action);
    }
    Ok(Plan {
        api_version: crate::resources::API_VERSION.to_owned(),
        kind: "Plan".to_owned(),
        format_version: PLAN_FORMAT_VERSION,
        date: today,
        people: summary_people,
        apps,
        summary,
        changes: Changes { by_app },
        warnings: selections.warnings.clone(),
        violations,
        duty_rules: compiled.duties.len(),
    })
}

fn plan_app(
    shared: &Shared<'_>,
    app_idx: usize,
    app: &CompiledApp,
    listing: &AccountListing,
    scratch: &mut Scratch,
) -> (AppSummary, Vec<Change>, Vec<Holding>) {
    let (compiled, people, selections) = (shared.compiled, shared.people, shared.selections);
    let ctx = AppCtx::new(app, listing, people, shared.indexes, scratch);
    // A plan usually touches a small share of an app's accounts; starting
    // near that size saves regrowing (and re-faulting) a large vector.
    let mut app_changes = Vec::with_capacity(listing.accounts.len() / 16 + 16);
    let mut ent = EntView::default();
    let everyone = 0..people.len();
    let persons: &mut dyn Iterator<Item = usize> = match shared.scope {
        Some(only) => &mut only.iter().copied(),
        None => &mut everyone.clone(),
    };
    for pi in persons {
        let maybe = selections.grants_app(pi, app_idx);
        let accounts = ctx.accounts_of(pi);
        if !maybe && accounts.is_empty() {
            continue;
        }
        let granted = maybe && selections.entitlement(compiled, pi, app_idx, &mut ent);
        if granted {
            ent.cap_for_partner(app, &people.persons()[pi]);
        }
        let mut p = PersonPlanner { ctx: &ctx, s: shared, person: &people.persons()[pi], pi, out: &mut app_changes };
        p.plan(granted.then_some(&ent), accounts);
    }
    if shared.scope.is_none() {
        plan_unmatched(&ctx, people, &mut app_changes);
    }
    let mut holdings = Vec::new();
    if app.in_duties {
        for (ai, l) in ctx.links.iter().enumerate() {
            if let Link::Person { person, .. } = l
                && shared.scope.is_none_or(|only| only.binary_search(&(*person as usize)).is_ok())
            {
                holdings.push(Holding { person: *person, account: ai as u32 });
            }
        }
    }
    plan_foreign_domains(&ctx, people, shared.scope, &mut app_changes);
    if !listing.capabilities.is_read_only() {
        hand_to_humans(app, &listing.capabilities, &mut app_changes);
    }
    app_changes.sort_by(|a, b| sort_key(a).cmp(&sort_key(b)));
    let mut counts = Counts::default();
    for c in &app_changes {
        counts.add(c.action);
    }
    let spec = shared.set.application(&app.name).map(|a| &a.spec);
    let summary = AppSummary {
        name: app.name.clone(),
        display_name: spec.and_then(|s| s.display_name.clone()).unwrap_or_else(|| app.name.clone()),
        connector: app.connector.to_owned(),
        source: listing.source.clone(),
        read_only: listing.capabilities.is_read_only(),
        accounts: listing.accounts.len(),
        matched: ctx.count(|l| matches!(l, Link::Person { .. })),
        orphans: ctx.count(|l| matches!(l, Link::Orphan | Link::Ambiguous { .. })),
        protected: ctx.count(|l| matches!(l, Link::Protected { .. })),
        bots: ctx.count(|l| matches!(l, Link::Bot)),
        changes: counts,
        seats: spec.and_then(|s| s.seat_cost.as_ref()).map(|c| SeatChange::of(c, &counts)),
        seat_cost: spec.and_then(|s| s.seat_cost.clone()),
    };
    (summary, app_changes, holdings)
}

/// Turns what the app's connector cannot do into reviews, so `apply`
/// never attempts it and a human sees it. (For a read-only app every change
/// is already a checklist item, so this is only for connectors that can do
/// some things.) A deletion after a hand-over done by hand waits too:
/// keyward cannot see that the data was handed over.
fn hand_to_humans(app: &CompiledApp, caps: &Capabilities, changes: &mut [Change]) {
    let mut manual_transfer: Vec<Text> = Vec::new();
    for c in changes.iter_mut() {
        let role_blocked = c.role.is_some() && !caps.update && c.action == Action::Update;
        let groups_blocked = c.groups.is_some() && !caps.groups && matches!(c.action, Action::Update);
        if c.action == Action::Review || (caps.can(c.action) && !role_blocked && !groups_blocked) {
            continue;
        }
        let what = if role_blocked {
            "change roles"
        } else if groups_blocked {
            "change group memberships"
        } else {
            c.action.verb()
        };
        if c.action == Action::Transfer
            && let Some(id) = &c.account.id
        {
            manual_transfer.push(id.clone());
        }
        c.reason = format!("{}; {}'s {} connector cannot {what}: do it by hand", c.reason, app.name, app.connector);
        c.proposed = Some(c.action);
        c.action = Action::Review;
    }
    if manual_transfer.is_empty() {
        return;
    }
    for c in changes.iter_mut() {
        if c.action == Action::Delete && c.account.id.as_ref().is_some_and(|id| manual_transfer.contains(id)) {
            c.reason = format!(
                "{}; deletion waits because the hand-over is done by hand: delete by hand once the data is handed over",
                c.reason
            );
            c.proposed = Some(Action::Delete);
            c.action = Action::Review;
        }
    }
}

fn sort_key(c: &Change) -> (Action, &str, &str) {
    let person = c.person.as_ref().map_or("", |p| p.id.as_str());
    let account = c.account.id.as_deref().unwrap_or_else(|| c.account.label());
    (c.action, person, account)
}

fn quote(label: Option<&String>) -> String {
    label.map(|l| format!(" ({l})")).unwrap_or_default()
}

/// What every app's and person's planning reads.
struct Shared<'a> {
    set: &'a PolicySet,
    compiled: &'a Compiled,
    people: &'a People,
    phases: &'a [Phase],
    selections: &'a Selections,
    indexes: &'a Indexes,
    today: Date,
    /// Only these people (sorted), for a person-scoped plan.
    scope: Option<&'a [usize]>,
}

/// Why a person should have an account; turned into words only when a
/// change is planned.
#[derive(Clone, Copy)]
enum Why {
    Granted,
    Joins(Date),
    LeftButGranted(Option<Date>),
}

struct PersonPlanner<'a, 'b> {
    ctx: &'a AppCtx<'a>,
    s: &'a Shared<'a>,
    person: &'a Person,
    pi: usize,
    out: &'b mut Vec<Change>,
}

impl PersonPlanner<'_, '_> {
    fn labels(&self) -> &FieldLabels {
        self.s.people.labels(self.person)
    }

    fn profile(&self) -> Profile {
        let post = self.person.posts.first();
        let manager = self
            .person
            .manager
            .as_deref()
            .and_then(|m| self.s.people.find(m))
            .map(|mi| PersonRef::of(&self.s.people.persons()[mi]));
        Profile {
            department: post.and_then(|p| p.department.clone()),
            title: post.and_then(|p| p.title.clone()),
            employment_type: self.person.employment_type.clone(),
            manager,
        }
    }

    fn why(&self, why: Why, ent: &EntView<'_>) -> String {
        let granted = ent.describe(self.s.compiled, self.person);
        match why {
            Why::Granted => granted,
            Why::Joins(start) => format!("joins {start}{}; {granted}", quote(self.labels().start_date.as_ref())),
            Why::LeftButGranted(Some(last)) => {
                format!("left {last}{}, but {granted}", quote(self.labels().end_date.as_ref()))
            }
            Why::LeftButGranted(None) => format!("left, but {granted}"),
        }
    }

    fn change(&mut self, action: Action, account: AccountRef, reason: String) -> &mut Change {
        let mut c = Change::new(self.ctx.app.name.as_str(), action, account, reason);
        c.person = Some(PersonRef::of(self.person));
        self.out.push(c);
        let last = self.out.len() - 1;
        &mut self.out[last]
    }

    /// A change to an existing account, turned into a review when the
    /// account is only weakly matched.
    fn account_change(&mut self, action: Action, ai: u32, reason: String) -> Option<&mut Change> {
        let acct = self.ctx.account(ai);
        let r = AccountRef::of(acct);
        if self.ctx.is_weak(ai) {
            let d = explain(self.ctx.app, self.s.people, acct, self.ctx.links[ai as usize]);
            let weak = d.weak_because.unwrap_or_default();
            let label = self.person.label();
            let c = self.change(
                Action::Review,
                r,
                format!(
                    "would {} ({reason}), but the account is matched to {label} only by a fallback: {weak}; confirm the match or fix the account's data",
                    action.as_str()
                ),
            );
            c.proposed = Some(action);
            return None;
        }
        Some(self.change(action, r, reason))
    }

    fn plan(&mut self, ent: Option<&EntView<'_>>, accounts: &[u32]) {
        let app = self.ctx.app;
        let today = self.s.today;
        // `suspend: onLastDay` cuts access during the last working day,
        // while the person is still (formally) employed.
        // (The app's setting is checked first: most apps do not cut access
        // on the last day, and reading the person record for every account
        // of every app is what makes planning slow.)
        if app.lifecycle.offboarding.suspend == SuspendTiming::OnLastDay
            && let Some(end) = self.person.effective_end_date()
            && today == end
            && matches!(self.s.phases[self.pi], Phase::Employed | Phase::OnLeave)
            && !ent.is_some_and(EntView::has_exception)
        {
            self.leaver(Some(end), accounts);
            return;
        }
        match self.s.phases[self.pi] {
            Phase::NotStarted { start } => {
                let Some(ent) = ent else { return };
                if today >= app.lifecycle.provision_before.before(start) {
                    self.ensure_active(ent, accounts, Why::Joins(start), false);
                }
            }
            Phase::Employed => match ent {
                Some(ent) => self.ensure_active(ent, accounts, Why::Granted, true),
                None => self.ungranted(accounts),
            },
            Phase::OnLeave => match ent {
                Some(ent) if app.lifecycle.on_leave == OnLeave::Suspend && !ent.has_exception() => {
                    let status = self.person.status_label.clone().unwrap_or_else(|| "on-leave".to_owned());
                    let why = format!(
                        "on leave ({status}{}); {} suspends accounts during leave (lifecycle.onLeave: suspend)",
                        self.labels().status.as_ref().map(|l| format!(" in {l}")).unwrap_or_default(),
                        app.name
                    );
                    self.suspend_all(accounts, &why, false);
                }
                Some(ent) => self.ensure_active(ent, accounts, Why::Granted, false),
                None => self.ungranted(accounts),
            },
            Phase::Left { last_day } => match ent {
                Some(ent) => self.ensure_active(ent, accounts, Why::LeftButGranted(last_day), false),
                None => self.leaver(last_day, accounts),
            },
        }
    }

    /// `may_be_rehire`: a suspended account of someone working here again
    /// is explained as a rehire when the HR record says so.
    fn ensure_active(&mut self, ent: &EntView<'_>, accounts: &[u32], why: Why, may_be_rehire: bool) {
        let Some((&primary, rest)) = accounts.split_first() else {
            let reason = self.why(why, ent);
            let Some(email) = self.person.email.clone() else {
                let c = self.change(
                    Action::Review,
                    AccountRef::default(),
                    format!("should have an account ({reason}), but the HR data has no e-mail to create it with; add the e-mail to the HR master"),
                );
                c.proposed = Some(Action::Create);
                return;
            };
            let account = AccountRef {
                email: Some(email.into()),
                username: self.known_username().map(Text::from),
                display_name: self.person.name.as_deref().map(Text::from),
                ..Default::default()
            };
            let role = ent.role.map(|to| Box::new(RoleChange { from: None, to: to.to_owned() }));
            let groups = (!ent.groups.is_empty()).then(|| {
                Box::new(GroupChange { add: ent.groups.iter().map(|g| (*g).to_owned()).collect(), remove: vec![] })
            });
            let profile = self.profile();
            let c = self.change(Action::Create, account, reason);
            c.role = role;
            c.groups = groups;
            c.profile = Some(Box::new(profile));
            return;
        };
        if self.ctx.status(primary) == AccountStatus::Suspended {
            let reason = self.why(why, ent);
            let rehire =
                may_be_rehire && (self.person.is_rehire_on_same_record() || !self.person.previous_ids.is_empty());
            let what = if rehire {
                let start = self.person.start_date.map(|d| format!(" {d}")).unwrap_or_default();
                format!("rehired{start}: restore the earlier account rather than create a second; {reason}")
            } else {
                format!("suspended, but {reason}")
            };
            self.account_change(Action::Restore, primary, what);
        }
        self.update(ent, primary, why);
        for &other in rest {
            if self.ctx.status(other).is_live() {
                let a = self.ctx.account(other);
                let main = self.ctx.account(primary).label().to_owned();
                let label = self.person.label();
                let c = self.change(
                    Action::Review,
                    AccountRef::of(a),
                    format!("a second account of {label} (keyward manages {main}); suspend it by hand or protect it if it is shared"),
                );
                c.proposed = Some(Action::Suspend);
            }
        }
    }

    /// The login HR records for the account to be made: the person's value
    /// of the first correlator matching an HR attribute to the account's
    /// `username` (a GitHub login). Connectors that invite an existing user
    /// need it; the others make the username themselves and ignore it.
    fn known_username(&self) -> Option<&str> {
        self.ctx.app.correlators.iter().find_map(|c| match c {
            CompiledCorrelator::Attribute { attribute, field, .. } if field == "username" => self
                .person
                .attributes
                .get(attribute)
                .map(|v| v.trim().trim_start_matches('@'))
                .filter(|v| !v.is_empty()),
            _ => None,
        })
    }

    /// Role and group changes, with the mover grace period holding back
    /// removals and downgrades.
    fn update(&mut self, ent: &EntView<'_>, ai: u32, why: Why) {
        let app = self.ctx.app;
        let f = self.ctx.facts[ai as usize];
        let role_same = ent.role_id.is_none_or(|id| id == f.role);
        if role_same && ent.groups.is_empty() && !f.has_groups {
            return;
        }
        let acct = self.ctx.account(ai);
        let grace = app.lifecycle.mover_grace;
        let in_grace = grace.0 > 0 && self.person.moved_on.is_some_and(|m| self.s.today < grace.after(m));
        let mut role = None;
        if let Some(to) = ent.role {
            let differs = acct.role.as_deref().is_none_or(|r| !r.eq_ignore_ascii_case(to));
            if differs {
                let rank = |r: &str| app.role_rank.get(&r.to_lowercase()).copied();
                let downgrade = match (acct.role.as_deref().and_then(rank), rank(to)) {
                    (Some(cur), Some(new)) => new < cur,
                    _ => false,
                };
                if !(downgrade && in_grace) {
                    role =
                        Some(Box::new(RoleChange { from: acct.role.as_deref().map(str::to_owned), to: to.to_owned() }));
                }
            }
        }
        let add: Vec<String> =
            ent.groups.iter().filter(|g| !acct.groups.iter().any(|x| x == **g)).map(|g| (*g).to_owned()).collect();
        let remove: Vec<String> = if in_grace {
            Vec::new()
        } else {
            acct.groups
                .iter()
                .filter(|g| app.managed_groups.contains(g.as_str()) && ent.groups.binary_search(&g.as_str()).is_err())
                .map(|g| g.to_string())
                .collect()
        };
        if role.is_none() && add.is_empty() && remove.is_empty() {
            return;
        }
        // The change itself is in `role`/`groups`; the reason says why.
        let granted = self.why(why, ent);
        let reason =
            if remove.is_empty() { granted } else { format!("{} no longer granted; {granted}", remove.join(", ")) };
        let groups = (!add.is_empty() || !remove.is_empty()).then(|| Box::new(GroupChange { add, remove }));
        if let Some(c) = self.account_change(Action::Update, ai, reason) {
            c.role = role;
            c.groups = groups;
        }
    }

    fn ungranted(&mut self, accounts: &[u32]) {
        let app = self.ctx.app;
        let grace = app.lifecycle.mover_grace;
        if let Some(m) = self.person.moved_on
            && grace.0 > 0
            && self.s.today < grace.after(m)
        {
            return;
        }
        for &ai in accounts {
            let a = self.ctx.account(ai);
            if !a.status.is_live() {
                continue;
            }
            let moved = self
                .person
                .moved_on
                .map(|m| format!(" since the transfer on {m}{}", quote(self.labels().moved_on.as_ref())))
                .unwrap_or_default();
            let why = format!("no policy grants {} to this current employee{moved}", app.name);
            match app.lifecycle.ungranted {
                Ungranted::Suspend => {
                    self.account_change(Action::Suspend, ai, format!("{why} (lifecycle.ungranted: suspend)"));
                }
                Ungranted::Review => {
                    let c = self.change(
                        Action::Review,
                        AccountRef::of(a),
                        format!("{why}; grant it in a policy or an Exception, or set lifecycle.ungranted: suspend"),
                    );
                    c.proposed = Some(Action::Suspend);
                }
            }
        }
    }

    fn suspend_all(&mut self, accounts: &[u32], why: &str, leaver: bool) {
        for &ai in accounts {
            let a = self.ctx.account(ai);
            if a.status.is_live() {
                self.account_change(Action::Suspend, ai, why.to_owned());
                if leaver && !self.ctx.is_weak(ai) {
                    self.transfer(ai, "hand the leaver's data over before it is lost");
                }
            } else if leaver && a.handed_over == Some(false) && !self.ctx.is_weak(ai) {
                // Suspended already, but the app shows no hand-over: the
                // transfer failed, or the run stopped after the suspension.
                // Without this it would wait for the delete, or for ever.
                // A target that cannot be used is reviewed when the delete
                // is due; asking every day until then says nothing new.
                let usable = self
                    .ctx
                    .app
                    .lifecycle
                    .offboarding
                    .transfer_to
                    .as_ref()
                    .is_some_and(|to| self.transfer_target(to).is_ok());
                if usable {
                    self.transfer(ai, "hand the leaver's data over: the app shows no hand-over since the suspension");
                }
            }
        }
    }

    /// Plans a hand-over if the app has a target. Returns `false` when a
    /// target is configured but cannot be used (deletion must then wait).
    fn transfer(&mut self, ai: u32, why: &str) -> bool {
        let Some(to) = self.ctx.app.lifecycle.offboarding.transfer_to.clone() else { return true };
        match self.transfer_target(&to) {
            Ok((target, label)) => {
                let reason = format!("{why}: to {label} (lifecycle.offboarding.transferTo: {to})");
                if let Some(c) = self.account_change(Action::Transfer, ai, reason) {
                    c.transfer_to = Some(Box::new(target));
                }
                true
            }
            Err(problem) => {
                let acct = AccountRef::of(self.ctx.account(ai));
                let c = self.change(
                    Action::Review,
                    acct,
                    format!("cannot hand the data over: {problem}; deletion is held until this is fixed (set transferTo to an account, or add the manager's account)"),
                );
                c.proposed = Some(Action::Transfer);
                false
            }
        }
    }

    fn transfer_target(&self, to: &TransferTo) -> Result<(AccountRef, String), String> {
        let app = self.ctx.app;
        match to {
            TransferTo::Manager => {
                let m = self.person.manager.as_deref().ok_or_else(|| "the HR data names no manager".to_owned())?;
                let mi = self.s.people.find(m).ok_or_else(|| format!("manager `{m}` is not in the HR data"))?;
                let manager = &self.s.people.persons()[mi];
                if !matches!(self.s.phases[mi], Phase::Employed | Phase::OnLeave) {
                    return Err(format!("manager {} is not working here", manager.label()));
                }
                let ai = self
                    .ctx
                    .accounts_of(mi)
                    .iter()
                    .copied()
                    .find(|&ai| self.ctx.account(ai).status.is_live() && !self.ctx.is_weak(ai))
                    .ok_or_else(|| format!("manager {} has no active account in {}", manager.label(), app.name))?;
                Ok((AccountRef::of(self.ctx.account(ai)), format!("manager {}", manager.label())))
            }
            TransferTo::Account(key) => {
                let a = self
                    .ctx
                    .fixed_target
                    .map(|i| self.ctx.account(i))
                    .ok_or_else(|| format!("the hand-over account `{key}` does not exist in {}", app.name))?;
                if !a.status.is_live() {
                    return Err(format!("the hand-over account `{key}` is suspended in {}", app.name));
                }
                Ok((AccountRef::of(a), format!("`{key}`")))
            }
        }
    }

    fn leaver(&mut self, last_day: Option<Date>, accounts: &[u32]) {
        let off = &self.ctx.app.lifecycle.offboarding;
        let today = self.s.today;
        let Some(last) = last_day else {
            let status = self.person.status_label.clone().unwrap_or_else(|| "terminated".to_owned());
            let why = format!(
                "marked {status}{} without a last working day; deletion waits for a date",
                quote(self.labels().status.as_ref())
            );
            self.suspend_all(accounts, &why, true);
            return;
        };
        let first = off.suspend.first_day(last);
        if today < first {
            return;
        }
        let left = format!("last working day {last}{}", quote(self.labels().end_date.as_ref()));
        let delete_on = match off.delete_after {
            Retention::Never => None,
            Retention::After(d) => Some(d.after(last).max(first)),
        };
        match delete_on {
            Some(on) if today >= on => {
                let retention = off.delete_after;
                for &ai in accounts {
                    let live = self.ctx.account(ai).status.is_live();
                    if live {
                        self.account_change(Action::Suspend, ai, left.clone());
                    }
                    if self.ctx.is_weak(ai) {
                        if !live {
                            self.account_change(Action::Delete, ai, left.clone());
                        }
                        continue;
                    }
                    if self.transfer(ai, "hand the data over before deletion") {
                        let why = format!("{left}; retention ({retention}) ended {on}");
                        self.account_change(Action::Delete, ai, why);
                    }
                }
            }
            _ => {
                let timing = match off.suspend {
                    SuspendTiming::OnLastDay => " (suspend: onLastDay)".to_owned(),
                    SuspendTiming::AfterLastDay => String::new(),
                    SuspendTiming::DaysAfter(d) => format!(" (suspend: {d} after)"),
                };
                self.suspend_all(accounts, &format!("{left}{timing}"), true);
            }
        }
    }
}

/// Orphans and ambiguous matches that can still sign in.
/// Accounts matched to a person but on an e-mail domain that is neither
/// the company's nor a partner's (`spec.identities`): a private address
/// stays reachable by its owner after they leave, whatever HR says. Only
/// reviewed — moving an account to another address is a human's job.
fn plan_foreign_domains(ctx: &AppCtx<'_>, people: &People, scope: Option<&[usize]>, out: &mut Vec<Change>) {
    let Some(ids) = &ctx.app.identities else { return };
    if ids.internal.is_empty() {
        return;
    }
    for (ai, link) in ctx.links.iter().enumerate() {
        let Link::Person { person, .. } = link else { continue };
        if scope.is_some_and(|s| s.binary_search(&(*person as usize)).is_err()) {
            continue;
        }
        let a = &ctx.listing.accounts[ai];
        if !a.status.is_live() {
            continue;
        }
        let Some(domain) = a.email.as_deref().and_then(crate::validate::CompiledIdentities::domain) else { continue };
        if !ids.is_foreign(&domain) {
            continue;
        }
        let acct = AccountRef::of(a);
        if out.iter().any(|c| c.action == Action::Review && c.account == acct) {
            continue;
        }
        let mut c = Change::new(
            ctx.app.name.as_str(),
            Action::Review,
            acct,
            format!(
                "its e-mail domain `{domain}` is neither the company's nor a partner's (spec.identities): an address the company does not control stays usable after the person leaves; move the account to their work address, or list the domain"
            ),
        );
        c.person = people.get(*person as usize).map(PersonRef::of);
        out.push(c);
    }
}

fn plan_unmatched(ctx: &AppCtx<'_>, people: &People, out: &mut Vec<Change>) {
    for (ai, link) in ctx.links.iter().enumerate() {
        if !matches!(link, Link::Orphan | Link::Ambiguous { .. }) {
            continue;
        }
        let a = &ctx.listing.accounts[ai];
        if !a.status.is_live() {
            continue;
        }
        let d = explain(ctx.app, people, a, *link);
        let reason = match link {
            Link::Ambiguous { .. } => {
                let names: Vec<String> = d
                    .candidates
                    .iter()
                    .filter_map(|&p| people.get(p))
                    .map(|p| format!("{} {}", p.id, p.label()))
                    .collect();
                let (what, key) = d.matched_by.unwrap_or_default();
                format!(
                    "its {what} `{key}` matches several people ({}); fix the HR data so the value is unique",
                    names.join("; ")
                )
            }
            _ => {
                let what = if d.tried.is_empty() {
                    "it has no value any correlator can use".to_owned()
                } else {
                    let t: Vec<String> = d.tried.iter().map(|(w, v)| format!("{w} `{v}`")).collect();
                    format!("tried {}", t.join(", "))
                };
                format!(
                    "matches nobody in the HR data ({what}); a leaver missing from the export, a renamed person, a shared mailbox or a bot? Protect it or fix the data — keyward never deletes it on its own"
                )
            }
        };
        out.push(Change::new(ctx.app.name.as_str(), Action::Review, AccountRef::of(a), reason));
    }
}
