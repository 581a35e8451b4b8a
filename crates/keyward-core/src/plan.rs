//! The diff: desired state against accounts, per app, as a [`Plan`].
//!
//! `plan(policy, people, accounts, today)` is pure and deterministic: the
//! same inputs give a byte-identical plan. Safety rules live here:
//! deprovisioning needs a positive HR fact (a last working day, a
//! terminated status, a leave), never the absence of a person; orphans and
//! doubtful matches are listed for review, never changed; deletion waits for
//! the hand-over target.

use std::collections::{BTreeMap, HashMap};

use jiff::civil::Date;
use serde::Serialize;

use crate::account::{Account, AccountListing, AccountStatus};
use crate::correlate::{Link, correlate};
use crate::duration::{Retention, TransferTo};
use crate::evaluate::{Entitlement, desired};
use crate::people::{FieldLabels, People, Person, Phase};
use crate::policy::PolicySet;
use crate::resources::{OnLeave, Ungranted};
use crate::validate::CompiledApp;

/// Version of the JSON plan document. Bumped on any incompatible change.
pub const PLAN_FORMAT_VERSION: u32 = 1;

/// What keyward will do to an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// Create an account for a person who should have one.
    Create,
    /// Re-enable a suspended account (a rehire, a return from leave).
    Restore,
    /// Change role or groups.
    Update,
    /// Disable sign-in, keeping the data.
    Suspend,
    /// Hand the account's data over to another account.
    Transfer,
    /// Delete the account.
    Delete,
    /// Nothing automatic: a human must look.
    Review,
}

impl Action {
    /// The word used in plans.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Create => "create",
            Self::Restore => "restore",
            Self::Update => "update",
            Self::Suspend => "suspend",
            Self::Transfer => "transfer",
            Self::Delete => "delete",
            Self::Review => "review",
        }
    }

    /// All actions in plan order.
    pub const ALL: [Action; 7] =
        [Self::Create, Self::Restore, Self::Update, Self::Suspend, Self::Transfer, Self::Delete, Self::Review];

    /// `true` for actions that take access or data away.
    pub fn is_deprovisioning(self) -> bool {
        matches!(self, Self::Suspend | Self::Transfer | Self::Delete)
    }
}

/// The account a change is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct AccountRef {
    /// The app's id (absent for accounts still to be created).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// E-mail.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Username.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// Display name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PersonRef {
    /// Employee number.
    pub id: String,
    /// Work e-mail.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

impl PersonRef {
    fn of(p: &Person) -> Self {
        Self { id: p.id.clone(), email: p.email.clone(), name: p.name.clone() }
    }
}

/// A role change, before → after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RoleChange {
    /// Current role.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// New role.
    pub to: String,
}

/// Group memberships to add and remove.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct GroupChange {
    /// Groups to join.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub add: Vec<String>,
    /// Groups to leave.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub remove: Vec<String>,
}

/// One change to one account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Change {
    /// Application name.
    pub app: String,
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
    pub role: Option<RoleChange>,
    /// Groups to set (create, update).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub groups: Option<GroupChange>,
    /// Who receives the data (transfer).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transfer_to: Option<AccountRef>,
    /// For reviews: what keyward would do once a human confirms.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proposed: Option<Action>,
}

/// Counts of changes by action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
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
#[derive(Debug, Clone, PartialEq, Serialize)]
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
}

/// Head counts of the HR snapshot on the plan date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
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
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Plan {
    /// Always `keyward.io/v1alpha1`.
    pub api_version: &'static str,
    /// Always `Plan`.
    pub kind: &'static str,
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
    pub changes: Vec<Change>,
    /// Things worth knowing that change nothing (expired exceptions…).
    pub warnings: Vec<String>,
}

impl Plan {
    /// `true` when there is anything to do or to review.
    pub fn has_changes(&self) -> bool {
        !self.changes.is_empty()
    }

    /// Changes of one app.
    pub fn changes_for<'a>(&'a self, app: &'a str) -> impl Iterator<Item = &'a Change> + 'a {
        self.changes.iter().filter(move |c| c.app == app)
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

/// Everything known about one app during planning.
struct AppCtx<'a> {
    app: &'a CompiledApp,
    listing: &'a AccountListing,
    links: Vec<Link>,
    /// person index → account indexes (strong matches first, live first).
    by_person: HashMap<usize, Vec<usize>>,
}

impl AppCtx<'_> {
    fn account(&self, i: usize) -> &Account {
        &self.listing.accounts[i]
    }

    fn is_weak(&self, i: usize) -> Option<&str> {
        match &self.links[i] {
            Link::Person { weak: Some(w), .. } => Some(w),
            _ => None,
        }
    }
}

/// Makes the plan. See the module docs for the rules.
pub fn plan(
    set: &PolicySet,
    people: &People,
    listings: &BTreeMap<String, AccountListing>,
    today: Date,
) -> Result<Plan, PlanError> {
    let compiled = &set.compiled;
    let phases: Vec<Phase> = people.persons().iter().map(|p| p.phase(today)).collect();
    let desired = desired(compiled, people, &phases, today);

    let mut summary_people = PeopleSummary { total: people.len(), ..Default::default() };
    for ph in &phases {
        match ph {
            Phase::NotStarted { .. } => summary_people.not_started += 1,
            Phase::Employed => summary_people.employed += 1,
            Phase::OnLeave => summary_people.on_leave += 1,
            Phase::Left { .. } => summary_people.left += 1,
        }
    }

    let mut changes = Vec::new();
    let mut apps = Vec::new();
    let mut summary = Counts::default();
    for (app_idx, app) in compiled.apps.iter().enumerate() {
        let listing = listings.get(&app.name).ok_or_else(|| PlanError::MissingListing(app.name.clone()))?;
        let links = correlate(app, people, &listing.accounts);
        let mut by_person: HashMap<usize, Vec<usize>> = HashMap::new();
        for (ai, l) in links.iter().enumerate() {
            if let Link::Person { person, .. } = l {
                by_person.entry(*person).or_default().push(ai);
            }
        }
        for accts in by_person.values_mut() {
            accts.sort_by_key(|&ai| {
                let a = &listing.accounts[ai];
                let (weak, exact) = match &links[ai] {
                    Link::Person { weak, exact, .. } => (weak.is_some(), *exact),
                    _ => (true, false),
                };
                (weak, !a.status.is_live(), !exact, a.status, a.id.clone())
            });
        }
        let ctx = AppCtx { app, listing, links, by_person };
        let mut app_changes = Vec::new();
        for (pi, person) in people.persons().iter().enumerate() {
            let ent = desired.per_person[pi].get(&app_idx);
            let accounts = ctx.by_person.get(&pi).map(Vec::as_slice).unwrap_or(&[]);
            if ent.is_none() && accounts.is_empty() {
                continue;
            }
            let mut p = PersonPlanner { ctx: &ctx, people, phases: &phases, person, pi, today, out: &mut app_changes };
            p.plan(ent, accounts);
        }
        plan_unmatched(&ctx, people, &mut app_changes);
        app_changes.sort_by_key(sort_key);

        let mut counts = Counts::default();
        for c in &app_changes {
            counts.add(c.action);
            summary.add(c.action);
        }
        let spec = set.application(&app.name).map(|a| &a.spec);
        apps.push(AppSummary {
            name: app.name.clone(),
            display_name: spec.and_then(|s| s.display_name.clone()).unwrap_or_else(|| app.name.clone()),
            connector: app.connector.to_owned(),
            source: listing.source.clone(),
            read_only: app.read_only,
            accounts: listing.accounts.len(),
            matched: ctx.links.iter().filter(|l| matches!(l, Link::Person { .. })).count(),
            orphans: ctx.links.iter().filter(|l| matches!(l, Link::Orphan { .. } | Link::Ambiguous { .. })).count(),
            protected: ctx.links.iter().filter(|l| matches!(l, Link::Protected { .. })).count(),
            bots: ctx.links.iter().filter(|l| matches!(l, Link::Bot)).count(),
            changes: counts,
            seat_cost: spec.and_then(|s| s.seat_cost.clone()),
        });
        changes.extend(app_changes);
    }
    Ok(Plan {
        api_version: crate::resources::API_VERSION,
        kind: "Plan",
        format_version: PLAN_FORMAT_VERSION,
        date: today,
        people: summary_people,
        apps,
        summary,
        changes,
        warnings: desired.warnings,
    })
}

fn sort_key(c: &Change) -> (Action, String, String) {
    let person = c.person.as_ref().map(|p| p.id.clone()).unwrap_or_default();
    let account = c.account.id.clone().unwrap_or_else(|| c.account.label().to_owned());
    (c.action, person, account)
}

fn labels<'a>(people: &'a People, p: &Person) -> Option<&'a FieldLabels> {
    people.sources.get(p.origin.source).map(|s| &s.labels)
}

fn quote(label: Option<&String>) -> String {
    label.map(|l| format!(" ({l})")).unwrap_or_default()
}

struct PersonPlanner<'a, 'b> {
    ctx: &'a AppCtx<'a>,
    people: &'a People,
    phases: &'a [Phase],
    person: &'a Person,
    pi: usize,
    today: Date,
    out: &'b mut Vec<Change>,
}

impl PersonPlanner<'_, '_> {
    fn change(&mut self, action: Action, account: AccountRef, reason: String) -> &mut Change {
        self.out.push(Change {
            app: self.ctx.app.name.clone(),
            action,
            account,
            person: Some(PersonRef::of(self.person)),
            reason,
            role: None,
            groups: None,
            transfer_to: None,
            proposed: None,
        });
        let last = self.out.len() - 1;
        &mut self.out[last]
    }

    /// A change to an existing account, turned into a review when the
    /// account is only weakly matched.
    fn account_change(&mut self, action: Action, ai: usize, reason: String) -> Option<&mut Change> {
        let acct = AccountRef::of(self.ctx.account(ai));
        if let Some(weak) = self.ctx.is_weak(ai).map(str::to_owned) {
            let label = self.person.label();
            let c = self.change(
                Action::Review,
                acct,
                format!("would {} ({reason}), but the account is matched to {label} only by a fallback: {weak}; confirm the match or fix the account's data", action.as_str()),
            );
            c.proposed = Some(action);
            return None;
        }
        Some(self.change(action, acct, reason))
    }

    fn plan(&mut self, ent: Option<&Entitlement>, accounts: &[usize]) {
        let app = self.ctx.app;
        let labels = labels(self.people, self.person).cloned().unwrap_or_default();
        // `suspend: onLastDay` cuts access during the last working day,
        // while the person is still (formally) employed.
        if let Some(end) = self.person.effective_end_date()
            && app.lifecycle.offboarding.suspend == crate::duration::SuspendTiming::OnLastDay
            && self.today == end
            && matches!(self.phases[self.pi], Phase::Employed | Phase::OnLeave)
            && !ent.is_some_and(Entitlement::has_exception)
        {
            self.leaver(Some(end), accounts, &labels);
            return;
        }
        match self.phases[self.pi] {
            Phase::NotStarted { start } => {
                let Some(ent) = ent else { return };
                let from = app.lifecycle.provision_before.before(start);
                if self.today >= from {
                    let why = format!("joins {start}{}; {}", quote(labels.start_date.as_ref()), ent.describe());
                    self.ensure_active(ent, accounts, why, false);
                }
            }
            Phase::Employed => match ent {
                Some(ent) => {
                    let rehire = self.person.is_rehire_on_same_record() || !self.person.previous_ids.is_empty();
                    self.ensure_active(ent, accounts, ent.describe(), rehire);
                }
                None => self.ungranted(accounts, &labels),
            },
            Phase::OnLeave => match ent {
                Some(ent) if app.lifecycle.on_leave == OnLeave::Suspend && !ent.has_exception() => {
                    let status = self.person.status_label.clone().unwrap_or_else(|| "on-leave".to_owned());
                    let why = format!(
                        "on leave ({status}{}); {} suspends accounts during leave (lifecycle.onLeave: suspend)",
                        labels.status.as_ref().map(|l| format!(" in {l}")).unwrap_or_default(),
                        app.name
                    );
                    self.suspend_all(accounts, why, false);
                }
                Some(ent) => self.ensure_active(ent, accounts, ent.describe(), false),
                None => self.ungranted(accounts, &labels),
            },
            Phase::Left { last_day } => {
                if let Some(ent) = ent {
                    let when = last_day
                        .map(|d| format!("left {d}{}, but ", quote(labels.end_date.as_ref())))
                        .unwrap_or_default();
                    let why = format!("{when}{}", ent.describe());
                    self.ensure_active(ent, accounts, why, false);
                    return;
                }
                self.leaver(last_day, accounts, &labels);
            }
        }
    }

    fn ensure_active(&mut self, ent: &Entitlement, accounts: &[usize], why: String, rehire: bool) {
        let Some((&primary, rest)) = accounts.split_first() else {
            let Some(email) = self.person.email.clone() else {
                let c = self.change(
                    Action::Review,
                    AccountRef::default(),
                    format!("should have an account ({why}), but the HR data has no e-mail to create it with; add the e-mail to the HR master"),
                );
                c.proposed = Some(Action::Create);
                return;
            };
            let account =
                AccountRef { email: Some(email), display_name: self.person.name.clone(), ..Default::default() };
            let role = ent.role.clone().map(|to| RoleChange { from: None, to });
            let groups = (!ent.groups.is_empty())
                .then(|| GroupChange { add: ent.groups.iter().cloned().collect(), remove: vec![] });
            let c = self.change(Action::Create, account, why);
            c.role = role;
            c.groups = groups;
            return;
        };
        let acct = self.ctx.account(primary);
        if acct.status == AccountStatus::Suspended {
            let what = if rehire {
                let start = self.person.start_date.map(|d| format!(" {d}")).unwrap_or_default();
                format!("rehired{start}: restore the earlier account rather than create a second; {why}")
            } else {
                format!("suspended, but {why}")
            };
            self.account_change(Action::Restore, primary, what);
        }
        self.update(ent, primary, &why);
        for &other in rest {
            let a = self.ctx.account(other);
            if a.status.is_live() {
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

    /// Role and group changes, with the mover grace period holding back
    /// removals and downgrades.
    fn update(&mut self, ent: &Entitlement, ai: usize, why: &str) {
        let app = self.ctx.app;
        let acct = self.ctx.account(ai);
        let in_grace = self.person.moved_on.is_some_and(|m| self.today < app.lifecycle.mover_grace.after(m))
            && app.lifecycle.mover_grace.0 > 0;
        let mut role = None;
        if let Some(to) = &ent.role {
            let differs = acct.role.as_deref().is_none_or(|r| !r.eq_ignore_ascii_case(to));
            if differs {
                let rank = |r: &str| app.role_rank.get(&r.to_lowercase()).copied();
                let downgrade = match (acct.role.as_deref().and_then(rank), rank(to)) {
                    (Some(cur), Some(new)) => new < cur,
                    _ => false,
                };
                if !(downgrade && in_grace) {
                    role = Some(RoleChange { from: acct.role.clone(), to: to.clone() });
                }
            }
        }
        let add: Vec<String> = ent.groups.iter().filter(|g| !acct.groups.contains(g)).cloned().collect();
        let remove: Vec<String> = if in_grace {
            Vec::new()
        } else {
            acct.groups
                .iter()
                .filter(|g| app.managed_groups.contains(*g) && !ent.groups.contains(*g))
                .cloned()
                .collect()
        };
        if role.is_none() && add.is_empty() && remove.is_empty() {
            return;
        }
        // The change itself is in `role`/`groups`; the reason says why.
        let reason =
            if remove.is_empty() { why.to_owned() } else { format!("{} no longer granted; {why}", remove.join(", ")) };
        let groups = (!add.is_empty() || !remove.is_empty()).then_some(GroupChange { add, remove });
        if let Some(c) = self.account_change(Action::Update, ai, reason) {
            c.role = role;
            c.groups = groups;
        }
    }

    fn ungranted(&mut self, accounts: &[usize], labels: &FieldLabels) {
        let app = self.ctx.app;
        if let Some(m) = self.person.moved_on
            && app.lifecycle.mover_grace.0 > 0
            && self.today < app.lifecycle.mover_grace.after(m)
        {
            return;
        }
        let moved = self
            .person
            .moved_on
            .map(|m| format!(" since the transfer on {m}{}", quote(labels.moved_on.as_ref())))
            .unwrap_or_default();
        for &ai in accounts {
            let a = self.ctx.account(ai);
            if !a.status.is_live() {
                continue;
            }
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

    fn suspend_all(&mut self, accounts: &[usize], why: String, leaver: bool) {
        for &ai in accounts {
            if !self.ctx.account(ai).status.is_live() {
                continue;
            }
            let weak = self.ctx.is_weak(ai).is_some();
            self.account_change(Action::Suspend, ai, why.clone());
            if leaver && !weak {
                self.transfer(ai, "hand the leaver's data over before it is lost");
            }
        }
    }

    /// Plans a hand-over if the app has a target. Returns `false` when a
    /// target is configured but cannot be used (deletion must then wait).
    fn transfer(&mut self, ai: usize, why: &str) -> bool {
        let Some(to) = self.ctx.app.lifecycle.offboarding.transfer_to.clone() else {
            return true;
        };
        match self.transfer_target(&to) {
            Ok((target, label)) => {
                let reason = format!("{why}: to {label} (lifecycle.offboarding.transferTo: {to})");
                if let Some(c) = self.account_change(Action::Transfer, ai, reason) {
                    c.transfer_to = Some(target);
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
                let mi = self.people.find(m).ok_or_else(|| format!("manager `{m}` is not in the HR data"))?;
                let manager = &self.people.persons()[mi];
                if !matches!(self.phases[mi], Phase::Employed | Phase::OnLeave) {
                    return Err(format!("manager {} is not working here", manager.label()));
                }
                let ai = self
                    .ctx
                    .by_person
                    .get(&mi)
                    .and_then(|v| {
                        v.iter()
                            .copied()
                            .find(|&ai| self.ctx.account(ai).status.is_live() && self.ctx.is_weak(ai).is_none())
                    })
                    .ok_or_else(|| format!("manager {} has no active account in {}", manager.label(), app.name))?;
                Ok((AccountRef::of(self.ctx.account(ai)), format!("manager {}", manager.label())))
            }
            TransferTo::Account(key) => {
                let k = key.to_lowercase();
                let a = self
                    .ctx
                    .listing
                    .accounts
                    .iter()
                    .find(|a| {
                        a.id == *key
                            || a.email.as_deref().is_some_and(|e| e.to_lowercase() == k)
                            || a.username.as_deref().is_some_and(|u| u.to_lowercase() == k)
                    })
                    .ok_or_else(|| format!("the hand-over account `{key}` does not exist in {}", app.name))?;
                if !a.status.is_live() {
                    return Err(format!("the hand-over account `{key}` is suspended in {}", app.name));
                }
                Ok((AccountRef::of(a), format!("`{key}`")))
            }
        }
    }

    fn leaver(&mut self, last_day: Option<Date>, accounts: &[usize], labels: &FieldLabels) {
        let off = &self.ctx.app.lifecycle.offboarding;
        let Some(last) = last_day else {
            let status = self.person.status_label.clone().unwrap_or_else(|| "terminated".to_owned());
            let why = format!(
                "marked {status}{} without a last working day; deletion waits for a date",
                quote(labels.status.as_ref())
            );
            self.suspend_all(accounts, why, true);
            return;
        };
        let first = off.suspend.first_day(last);
        if self.today < first {
            return;
        }
        let left = format!("last working day {last}{}", quote(labels.end_date.as_ref()));
        let delete_on = match off.delete_after {
            Retention::Never => None,
            Retention::After(d) => Some(d.after(last).max(first)),
        };
        match delete_on {
            Some(on) if self.today >= on => {
                for &ai in accounts {
                    let live = self.ctx.account(ai).status.is_live();
                    if live {
                        self.account_change(Action::Suspend, ai, left.clone());
                    }
                    if self.ctx.is_weak(ai).is_some() {
                        if !live {
                            self.account_change(Action::Delete, ai, left.clone());
                        }
                        continue;
                    }
                    if self.transfer(ai, "hand the data over before deletion") {
                        let why = format!("{left}; retention ({}) ended {on}", off.delete_after);
                        self.account_change(Action::Delete, ai, why);
                    }
                }
            }
            _ => {
                let timing = match off.suspend {
                    crate::duration::SuspendTiming::OnLastDay => " (suspend: onLastDay)".to_owned(),
                    crate::duration::SuspendTiming::AfterLastDay => String::new(),
                    crate::duration::SuspendTiming::DaysAfter(d) => {
                        format!(" (suspend: {d} after)")
                    }
                };
                self.suspend_all(accounts, format!("{left}{timing}"), true);
            }
        }
    }
}

/// Orphans and ambiguous matches that can still sign in.
fn plan_unmatched(ctx: &AppCtx<'_>, people: &People, out: &mut Vec<Change>) {
    for (ai, link) in ctx.links.iter().enumerate() {
        let a = ctx.account(ai);
        if !a.status.is_live() {
            continue;
        }
        let reason = match link {
            Link::Orphan { tried } => {
                let what = if tried.is_empty() {
                    "it has no value any correlator can use".to_owned()
                } else {
                    let t: Vec<String> = tried.iter().map(|(w, v)| format!("{w} `{v}`")).collect();
                    format!("tried {}", t.join(", "))
                };
                format!(
                    "matches nobody in the HR data ({what}); a leaver missing from the export, a renamed person, a shared mailbox or a bot? Protect it or fix the data — keyward never deletes it on its own"
                )
            }
            Link::Ambiguous { persons, key, via } => {
                let names: Vec<String> =
                    persons.iter().filter_map(|&p| people.get(p)).map(|p| format!("{} {}", p.id, p.label())).collect();
                let what = ctx.app.correlators.get(*via).map(|c| c.describe()).unwrap_or_default();
                format!(
                    "its {what} `{key}` matches several people ({}); fix the HR data so the value is unique",
                    names.join("; ")
                )
            }
            _ => continue,
        };
        out.push(Change {
            app: ctx.app.name.clone(),
            action: Action::Review,
            account: AccountRef::of(a),
            person: None,
            reason,
            role: None,
            groups: None,
            transfer_to: None,
            proposed: None,
        });
    }
}
