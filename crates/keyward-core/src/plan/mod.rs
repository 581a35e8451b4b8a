//! The plan's data model: every change keyward proposes, per app, with
//! its reason, as `keyward plan --format json` writes it (a versioned
//! contract) and `keyward apply` reads it back.
//!
//! The planner ([`crate::planner`]) fills it; renderers, guards and the
//! applier read it. Nothing here plans: a type of the plan names people and
//! accounts by reference and needs neither the policy nor the planner.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::account::{Account, AccountStatus, RevokeKinds, Text};
use crate::action::Action;
use crate::i18n::{Lang, Msg};
use crate::people::Person;

mod export_age;
mod item;
pub use export_age::ExportAge;
pub use item::{Completion, DoneChange, ListingRead, MarkedDone, is_item_id, item_id};

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
    pub(crate) fn of(a: &Account) -> Self {
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
    /// Why, in words: the rule or HR fact behind the change. Always
    /// English, byte-stable: tools and the audit log read it.
    pub reason: String,
    /// The same reason as a message, to show it in the reader's language
    /// (see [`Change::reason_in`]). Absent in plans written before reasons
    /// were messages, and in changes made from bare text.
    #[serde(rename = "reasonMessage", default, skip_serializing_if = "Option::is_none")]
    pub message: Option<Box<Msg>>,
    /// Role to set (create, update).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<Box<RoleChange>>,
    /// Groups to set (create, update).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub groups: Option<Box<GroupChange>>,
    /// Who receives the data (transfer).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transfer_to: Option<Box<AccountRef>>,
    /// What a revocation closes (revoke, and reviews proposing one). An
    /// empty set asks for everything the app can revoke.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoke: Option<RevokeKinds>,
    /// For reviews: what keyward would do once a human confirms.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proposed: Option<Action>,
    /// For creates: the HR facts a connector may store on the new account.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profile: Option<Box<Profile>>,
    /// A human recorded this checklist item done, yet the app's listing,
    /// read since, still shows the account needing it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub marked_done: Option<Box<MarkedDone>>,
}

impl Change {
    /// A change with only what every change has; the rest is set by the
    /// caller where it applies.
    pub fn new(app: impl Into<Text>, action: Action, account: AccountRef, reason: impl Into<Reason>) -> Self {
        let Reason { text, message } = reason.into();
        Self {
            app: app.into(),
            action,
            account,
            person: None,
            reason: text,
            message: message.map(Box::new),
            role: None,
            groups: None,
            transfer_to: None,
            revoke: None,
            proposed: None,
            profile: None,
            marked_done: None,
        }
    }

    /// The reason in `lang`: the message when the change has one, else the
    /// stored text (a plan from an older version, read back).
    pub fn reason_in(&self, lang: Lang) -> std::borrow::Cow<'_, str> {
        match &self.message {
            Some(m) => std::borrow::Cow::Owned(m.render(lang)),
            None => std::borrow::Cow::Borrowed(&self.reason),
        }
    }

    /// Appends a clause to the reason (`…; deletion waits …`), in the text
    /// and in the message alike. A change without a message (bare text)
    /// keeps none: half a message would read as the whole reason.
    pub fn append_reason(&mut self, clause: Msg) {
        self.reason = format!("{}; {}", self.reason, clause.render(Lang::En));
        self.message = self
            .message
            .take()
            .map(|first| Box::new(Msg::new("reason-clauses").arg("first", *first).arg("then", clause)));
    }
}

/// A change's reason as the planner decides it: the English text the plan
/// stores in `reason`, and the message it was rendered from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason {
    /// The English text.
    pub text: String,
    /// The message, when the reason was made from one.
    pub message: Option<Msg>,
}

impl From<Msg> for Reason {
    fn from(m: Msg) -> Self {
        Self { text: m.render(Lang::En), message: Some(m) }
    }
}

/// Bare text (tests, hand-made changes): no message, shown as it is in
/// every language.
impl From<String> for Reason {
    fn from(text: String) -> Self {
        Self { text, message: None }
    }
}

impl From<&str> for Reason {
    fn from(text: &str) -> Self {
        Self { text: text.to_owned(), message: None }
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
    /// Revocations of sessions and grants. (Absent in plans written before
    /// revocations existed.)
    #[serde(default)]
    pub revoke: usize,
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
    pub(crate) fn add(&mut self, a: Action) {
        *self.get_mut(a) += 1;
    }

    fn get_mut(&mut self, a: Action) -> &mut usize {
        match a {
            Action::Create => &mut self.create,
            Action::Restore => &mut self.restore,
            Action::Update => &mut self.update,
            Action::Suspend => &mut self.suspend,
            Action::Transfer => &mut self.transfer,
            Action::Revoke => &mut self.revoke,
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
    /// For an export made by hand: how old it is on the plan's date.
    /// Absent for apps read live, so older readers are unaffected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub export: Option<ExportAge>,
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
    pub(crate) fn of(cost: &crate::resources::SeatCost, c: &Counts) -> Self {
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
    /// People the roster remembers whom this HR read no longer has (and no
    /// human has acknowledged). Absent when none.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub vanished: usize,
    /// Everyone the roster remembers, for the share of the vanished.
    /// Absent without a roster.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub known: usize,
}

impl PeopleSummary {
    /// `true` when so many people vanished at once that the HR read looks
    /// truncated: the plan lists no reviews for them and apply refuses
    /// until `--allow-hr-shrink` (see [`crate::roster::Roster::is_mass_vanish`]).
    pub fn mass_vanish(&self) -> bool {
        crate::roster::Roster::is_mass_vanish(self.vanished, self.known)
    }
}

/// A person keyward saw in the HR master before whom this read no longer
/// has: shown with their accounts, for a human to decide (they left, or
/// the record moved). Nothing is planned for them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Vanished {
    /// The person as last seen.
    pub person: PersonRef,
    /// The last day keyward saw them.
    pub last_seen: Date,
    /// The PeopleSource they were read from.
    pub source: String,
    /// Their accounts, matched with each app's correlators on what the
    /// roster remembers (employee number, e-mail).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub accounts: Vec<VanishedAccount>,
}

/// One account of a vanished person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VanishedAccount {
    /// Application name.
    pub app: Text,
    /// The account.
    pub account: AccountRef,
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
    /// Things worth knowing that change nothing (expired exceptions…),
    /// in English.
    pub warnings: Vec<String>,
    /// The same warnings as messages, one per entry of `warnings` in the
    /// same order, to show them in the reader's language (see
    /// [`Plan::warnings_in`]). Not written: the JSON keeps `warnings` as
    /// strings, and a plan read back shows them as stored.
    #[serde(skip)]
    pub warning_messages: Vec<Msg>,
    /// People who hold, or would hold, duties a SeparationOfDuties rule
    /// keeps apart; by rule, then person.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub violations: Vec<Violation>,
    /// How many SeparationOfDuties rules were checked.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub duty_rules: usize,
    /// Located warnings about the policies that only the HR data on the
    /// plan's date shows (a policy selecting nobody, a department glob
    /// matching no department). Absent when there are none, so older
    /// readers are unaffected.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub diagnostics: Vec<crate::diag::Diagnostic>,
    /// Changes held back until a later day (by `moverGrace` after a
    /// transfer, or by a hand-over Exception keeping a leaver's account),
    /// by app in app order. Not changes: nothing counts or applies them.
    /// Absent when there are none, so older readers are unaffected.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub held: Vec<Held>,
    /// People missing since the last HR read, with their accounts, by
    /// employee number. Empty when so many vanished at once that the read
    /// looks truncated ([`PeopleSummary::mass_vanish`]). Absent when none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vanished: Vec<Vanished>,
    /// Checklist items a human recorded as done (`keyward checklist
    /// done`), by app in app order: not changes, not counted. Absent when
    /// there are none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub done: Vec<DoneChange>,
}

/// A change the plan holds back: planned on `until`, unless something else
/// changes first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Held {
    /// The first day the change will be planned.
    pub until: Date,
    /// The change as it will be planned; its reason says what holds it.
    #[serde(flatten)]
    pub change: Change,
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

    /// The warnings in `lang`: the messages when every warning has one,
    /// else the stored text.
    pub fn warnings_in(&self, lang: Lang) -> Vec<String> {
        if self.warning_messages.len() == self.warnings.len() {
            self.warning_messages.iter().map(|m| m.render(lang)).collect()
        } else {
            self.warnings.clone()
        }
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
    /// The changes of each app, in the order of `Plan::apps`.
    pub(crate) fn per_app(by_app: Vec<Vec<Change>>) -> Self {
        Self { by_app }
    }

    /// Every change, app by app.
    pub fn iter(&self) -> impl Iterator<Item = &Change> {
        self.by_app.iter().flatten()
    }

    /// Every change, app by app, to annotate (the counts stay right only
    /// while no change's action changes).
    pub(crate) fn iter_mut(&mut self) -> impl Iterator<Item = &mut Change> {
        self.by_app.iter_mut().flatten()
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

/// One person holding, or about to hold, two or more duties of one
/// SeparationOfDuties rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Violation {
    /// The SeparationOfDuties resource.
    pub rule: String,
    /// The rule's description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Who answers for the rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// The person.
    pub person: PersonRef,
    /// The duties they would hold together, in the rule's order.
    pub duties: Vec<DutyHeld>,
}

/// One duty of a violation and everything that gives it to the person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DutyHeld {
    /// The duty's name.
    pub duty: String,
    /// Accounts that carry it now and keep it after the plan
    /// (`payments: sato@example.com (role approver)`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub held: Vec<String>,
    /// Policies and exceptions whose grants carry it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub granted_by: Vec<String>,
    /// Changes of this plan that would have given it; each is held back
    /// for review.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub held_back: Vec<String>,
}

impl Violation {
    /// "approve payments and submit payments".
    pub fn duty_names(&self) -> String {
        let names: Vec<&str> = self.duties.iter().map(|d| d.duty.as_str()).collect();
        match names.split_last() {
            Some((last, [])) => (*last).to_owned(),
            Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
            None => String::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn suspend(reason: impl Into<Reason>) -> Change {
        Change::new("slack", Action::Suspend, AccountRef::default(), reason)
    }

    #[test]
    fn a_reason_made_from_a_message_keeps_the_english_text_and_reads_in_either_language() {
        let c = suspend(Msg::new("reason-left"));
        assert_eq!(c.reason, "left");
        assert_eq!(c.reason_in(Lang::En), "left");
        assert_eq!(c.reason_in(Lang::Ja), "退職しました。");
    }

    #[test]
    fn an_appended_clause_goes_into_the_text_and_the_message_alike() {
        let mut c = suspend(Msg::new("reason-left"));
        c.append_reason(Msg::new("reason-handover-before-delete"));
        assert_eq!(c.reason, "left; hand the data over before deletion");
        assert_eq!(c.message.as_ref().unwrap().render(Lang::En), c.reason);
        assert_eq!(c.reason_in(Lang::Ja), "退職しました。削除の前にデータを引き継ぎます");
    }

    #[test]
    fn bare_text_and_a_plan_from_before_messages_show_the_stored_text_in_every_language() {
        let mut c = suspend("left");
        c.append_reason(Msg::new("reason-left"));
        assert_eq!(c.reason, "left; left");
        assert!(c.message.is_none(), "half a message would read as the whole reason");
        assert_eq!(c.reason_in(Lang::Ja), "left; left");
        let json = serde_json::to_string(&c).unwrap();
        assert!(!json.contains("reasonMessage"), "{json}");
        let back: Change = serde_json::from_str(&json).unwrap();
        assert_eq!(back, c);
    }

    #[test]
    fn the_message_is_written_as_reason_message_and_read_back() {
        let c = suspend(Msg::new("reason-last-day").arg("last", "2026-11-30").arg("col", ""));
        let json = serde_json::to_value(&c).unwrap();
        assert_eq!(json["reason"], "last working day 2026-11-30");
        assert_eq!(json["reasonMessage"]["id"], "reason-last-day");
        let back: Change = serde_json::from_value(json).unwrap();
        assert_eq!(back, c);
    }
}
