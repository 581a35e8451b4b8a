//! The admin report (`keyward report --html`): who has what, and what is
//! left behind, for an IT or HR admin who would rather open one page than
//! read a plan.
//!
//! This module owns the report's data: the access matrix (people × apps),
//! leavers' accounts still open, accounts matching nobody, contractors and
//! guest-like accounts, seats and money, and the figures behind the charts.
//! It is built only from what `keyward plan` itself uses — the inventory's
//! rows and correlation ([`crate::present::inventory`]), the same selection
//! of grants ([`crate::evaluate`]) and the [`Plan`](crate::plan::Plan) — so a number in the report
//! cannot disagree with the plan. It decides nothing the plan does not, and
//! like the rest of the core it does no I/O and reads no clock: the only
//! date is the plan's. The report is built in `build`; the HTML page is
//! rendered by [`html`].
//!
//! The plan's separation-of-duties violations are carried over as they
//! are, with the number of rules checked.

use jiff::civil::Date;
use serde::Serialize;

use crate::action::Action;
use crate::i18n::Msg;
use crate::plan::{AppSummary, Change, Counts, PeopleSummary, PlanError, SeatChange};
use crate::resources::SeatCost;

mod build;
pub mod html;

pub use build::{days_since, guest_like};

/// Why a report cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReportError {
    /// The inventory behind the report could not be made.
    #[error(transparent)]
    Plan(#[from] PlanError),
    /// The plan was made from other policies: its apps are not the
    /// policy set's, so its numbers would describe something else.
    #[error(
        "the plan lists the apps {plan:?} but the policies define {policies:?}; make the plan from the same policies"
    )]
    OtherPolicies {
        /// Apps of the plan, in order.
        plan: Vec<String>,
        /// Apps of the policy set, in order.
        policies: Vec<String>,
    },
}

/// Everything the admin report shows, for one day.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// The plan's date: every "days since" counts to it.
    pub date: Date,
    /// HR head counts, as the plan states them.
    pub people: PeopleSummary,
    /// The apps read, as the plan summarises them (column order of the
    /// matrix).
    pub apps: Vec<AppSummary>,
    /// Changes by action over all apps, as the plan counts them.
    pub summary: Counts,
    /// The plan's seat change per currency ([`Plan::seat_totals`]).
    pub seat_totals: Vec<SeatChange>,
    /// One row per person in the HR data (by employee number), then one
    /// per account handle that matches nobody.
    pub matrix: Vec<MatrixRow>,
    /// Leavers' accounts that can still sign in, per app (apps with none
    /// left out), longest gone first.
    pub leavers: Vec<AppAccounts<LeaverAccount>>,
    /// Accounts matching nobody (or several people), per app (apps with
    /// none left out).
    pub orphans: Vec<AppAccounts<OrphanAccount>>,
    /// People whose employment type is not full-time, with their accounts.
    pub externals: Vec<ExternalPerson>,
    /// Accounts holding a guest-like role (see [`guest_like`]).
    pub guests: Vec<GuestAccount>,
    /// Paid seats per app.
    pub seats: Vec<AppSeats>,
    /// Paid seats per currency, over the apps that state a seat cost.
    pub savings: Vec<Savings>,
    /// The figures behind the charts.
    pub charts: Charts,
    /// The plan's warnings (expired exceptions…), in English.
    pub warnings: Vec<String>,
    /// The same warnings as messages, for the page in the reader's
    /// language (not in the JSON, which stays English).
    #[serde(skip)]
    pub warning_messages: Vec<crate::i18n::Msg>,
    /// People holding duties a SeparationOfDuties keeps apart, from the plan.
    pub violations: Vec<crate::plan::Violation>,
    /// SeparationOfDuties rules checked.
    pub duty_rules: usize,
    /// What `keyward discover` found, when the caller read the
    /// directories (`keyward report --discovery`): the page gets a
    /// "Discovered apps" section. [`Report::build`] leaves it `None`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub discovered: Option<crate::present::discovered::Discovered>,
}

/// A list of accounts of one app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AppAccounts<T> {
    /// The Application.
    pub app: String,
    /// Its accounts.
    pub accounts: Vec<T>,
}

/// What a matrix row stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RowKind {
    /// A person in the HR data.
    Person,
    /// Accounts that match nobody, under one handle (e-mail or username).
    Unmatched,
}

/// Something an admin should look at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Problem {
    /// A person who has left still has an account that can sign in.
    Leaver,
    /// An account matches nobody in the HR data.
    Orphan,
    /// The account differs from what the policies grant: the plan changes
    /// it (creates, restores, updates, suspends or reviews it).
    Mismatch,
}

impl Problem {
    /// The word used in filters and `data-*` attributes.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Leaver => "leaver",
            Self::Orphan => "orphan",
            Self::Mismatch => "mismatch",
        }
    }
}

/// One row of the access matrix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MatrixRow {
    /// A person, or unmatched accounts.
    pub kind: RowKind,
    /// Employee number (empty for unmatched accounts).
    pub id: String,
    /// The person's name, or the unmatched accounts' handle.
    pub name: String,
    /// Work e-mail.
    pub email: String,
    /// Departments of the person's posts.
    pub departments: Vec<String>,
    /// Employment type.
    pub employment_type: String,
    /// `employed`, `left 2026-11-20`, `joins 2026-11-25`…
    pub situation: String,
    /// The person has left.
    pub leaver: bool,
    /// One cell per app, in the order of [`Report::apps`].
    pub cells: Vec<Cell>,
    /// The problems of the cells, sorted, without repeats.
    pub problems: Vec<Problem>,
}

/// The state of one person's access to one app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CellState {
    /// An account that can sign in.
    Active,
    /// An invitation not yet accepted.
    Invited,
    /// Only suspended accounts.
    Suspended,
    /// Granted, but no account.
    Missing,
    /// Not granted, no account.
    None,
}

impl CellState {
    /// The word used in `data-*` attributes and class names.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Invited => "invited",
            Self::Suspended => "suspended",
            Self::Missing => "missing",
            Self::None => "none",
        }
    }
}

/// What grants a person an app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Granted {
    /// The role the plan gives (partner cap included).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// `AccessPolicy a; Exception b until …`.
    pub by: String,
}

/// One account, as a cell or a list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountCell {
    /// The app's account id.
    pub id: String,
    /// E-mail, username or id.
    pub account: String,
    /// active / invited / suspended.
    pub status: String,
    /// Role in the app.
    pub role: String,
}

/// One cell of the matrix: a person (or handle) in one app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Cell {
    /// What the admin sees at a glance.
    pub state: CellState,
    /// What grants the app, when something does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub granted: Option<Granted>,
    /// The accounts, by account id.
    pub accounts: Vec<AccountCell>,
    /// What the plan does here, in plan order.
    pub actions: Vec<Action>,
    /// Why an admin should look, if they should.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<Problem>,
}

/// A change the plan makes to an account, in brief.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Planned {
    /// What the plan does.
    pub action: Action,
    /// For reviews: what keyward would do once a human confirms.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proposed: Option<Action>,
    /// The plan's reason.
    pub reason: String,
}

impl Planned {
    fn of(c: &Change) -> Self {
        Self { action: c.action, proposed: c.proposed, reason: c.reason.clone() }
    }
}

/// A leaver's account that can still sign in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LeaverAccount {
    /// Employee number.
    pub person_id: String,
    /// Name.
    pub name: String,
    /// Work e-mail.
    pub email: String,
    /// The account.
    pub account: AccountCell,
    /// Last working day, when HR records one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_day: Option<Date>,
    /// Days from the last working day to the report's date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days_since: Option<i32>,
    /// What still grants the app (an Exception for a hand-over), if anything.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kept_by: Option<String>,
    /// What the plan does to the account.
    pub plan: Vec<Planned>,
}

/// An account matching nobody.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrphanAccount {
    /// The account.
    pub account: AccountCell,
    /// Last sign-in, when the app reports it.
    pub last_active: String,
    /// Why it matches nobody (or several people).
    pub matched_by: String,
    /// [`Self::matched_by`] as a message, for the page's language.
    #[serde(skip)]
    pub matched_by_message: Msg,
    /// The people its name suggests (a hint, never a match); empty
    /// without any.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub probably: String,
    /// [`Self::probably`] as a message, for the page's language.
    #[serde(skip)]
    pub probably_message: Option<Msg>,
    /// What the plan does (a review, for accounts that can sign in).
    pub plan: Vec<Planned>,
}

/// An account of one app, in a list about people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AppAccount {
    /// The Application.
    pub app: String,
    /// The account.
    pub account: AccountCell,
}

/// A contractor, temp, part-timer or contract employee.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExternalPerson {
    /// Employee number.
    pub id: String,
    /// Name.
    pub name: String,
    /// Work e-mail.
    pub email: String,
    /// Employment type.
    pub employment_type: String,
    /// Departments of the person's posts.
    pub departments: Vec<String>,
    /// `employed`, `left 2026-11-20`…
    pub situation: String,
    /// Their accounts, by app then account id.
    pub accounts: Vec<AppAccount>,
}

/// An account with a guest-like role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GuestAccount {
    /// The Application.
    pub app: String,
    /// The account.
    pub account: AccountCell,
    /// Employee number of the matched person (empty when nobody).
    pub person_id: String,
    /// Name of the matched person.
    pub person_name: String,
    /// Their employment type.
    pub employment_type: String,
    /// Their situation on the report's date.
    pub person_status: String,
}

/// Paid seats of one app.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AppSeats {
    /// The Application.
    pub app: String,
    /// Price of one seat, when the Application states it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seat_cost: Option<SeatCost>,
    /// Accounts the app bills: those that can sign in, or every account
    /// where only a deletion stops the billing (`freedBy: delete`); bots
    /// are not billed.
    pub in_use: usize,
    /// Of those, leavers' accounts.
    pub leavers: usize,
    /// Of those, accounts matching nobody.
    pub orphans: usize,
    /// Seats that could be freed: `leavers + orphans`.
    pub freeable: usize,
    /// Of those, the seats this plan frees (counted in the plan's seat
    /// change, [`AppSeats::plan`]).
    pub freed_now: usize,
    /// Of those, the seats this plan does not free: reviews, hand-over
    /// exceptions, deletions not yet due (`freeable - freed_now`).
    pub later: usize,
    /// `in_use` × price, when the price is known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub monthly_cost: Option<f64>,
    /// `freeable` × price, when the price is known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub monthly_saving: Option<f64>,
    /// `later` × price, when the price is known: what the seats this plan
    /// leaves open would save once they are freed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub monthly_later: Option<f64>,
    /// The plan's seat change for the app, as the plan states it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan: Option<SeatChange>,
}

/// Paid seats over the apps billed in one currency.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Savings {
    /// ISO 4217 currency code.
    pub currency: String,
    /// Seats billed.
    pub in_use: usize,
    /// Seats that could be freed.
    pub freeable: usize,
    /// What the billed seats cost a month.
    pub monthly_cost: f64,
    /// What freeing them would save a month.
    pub monthly_saving: f64,
    /// Of the freeable seats, those this plan frees.
    pub freed_now: usize,
    /// Of the freeable seats, those this plan does not free.
    pub later: usize,
    /// What freeing the seats this plan leaves open would save a month.
    pub monthly_later: f64,
}

/// One bar of a chart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Bar {
    /// What the bar counts.
    pub label: String,
    /// How many.
    pub value: usize,
}

/// One app's accounts, split as the stacked chart shows them. The parts
/// add up to the app's accounts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AppBar {
    /// The Application.
    pub app: String,
    /// Matched to a person and able to sign in.
    pub open: usize,
    /// Matched to a person and suspended.
    pub suspended: usize,
    /// Matching nobody (or several people).
    pub unmatched: usize,
    /// Protected and bot accounts.
    pub other: usize,
}

/// The figures behind the charts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Charts {
    /// Accounts that can sign in, by the department of the person's first
    /// post, most first.
    pub accounts_by_department: Vec<Bar>,
    /// Every account of every app, by kind.
    pub accounts_by_app: Vec<AppBar>,
    /// Leavers' accounts that can still sign in, per app (every app).
    pub leaver_accounts_by_app: Vec<Bar>,
}
