//! The Application kind: a SaaS app whose accounts keyward manages — how
//! its accounts are matched to people and which are never touched, its
//! lifecycle timing, seat cost, apply limits and the controller's status.
//! Its connector settings are in `connectors`.

use std::collections::BTreeMap;

use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::connectors::ConnectorSpec;
use crate::duration::{Days, Retention, SuspendTiming, TransferTo};

/// A SaaS application whose accounts keyward manages: how to read (and
/// later change) its accounts, how an account is matched to a person, which
/// accounts are never touched, and the app's lifecycle timing.
#[derive(CustomResource, Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[kube(
    group = "keyward.io",
    version = "v1alpha1",
    kind = "Application",
    namespaced,
    shortname = "kwapp",
    category = "keyward",
    status = "ApplicationStatus",
    printcolumn = r#"{"name":"Mode","type":"string","jsonPath":".spec.mode"}"#,
    printcolumn = r#"{"name":"Ready","type":"string","jsonPath":".status.conditions[?(@.type==\"Ready\")].status"}"#,
    printcolumn = r#"{"name":"Drift","type":"integer","description":"Changes the plan still wants to make","jsonPath":".status.drift"}"#,
    printcolumn = r#"{"name":"Changes","type":"integer","description":"Changes applied by the last reconcile","jsonPath":".status.lastApplied"}"#,
    printcolumn = r#"{"name":"Last Sync","type":"date","jsonPath":".status.lastSync"}"#,
    printcolumn = r#"{"name":"Age","type":"date","jsonPath":".metadata.creationTimestamp"}"#
)]
#[schemars(transform = crate::resources::admission::application)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ApplicationSpec {
    /// Name shown in plans and reports. Default: the resource name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// Who owns this app (an e-mail); named in access reviews.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// Names or ids under which the directories report this app to
    /// `keyward discover` (a Google OAuth client id, a Microsoft `appId`, or
    /// the name the directory shows), when neither the resource name nor
    /// `displayName` is it. Compared without regard to case, spaces or
    /// punctuation.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub discovered_as: Vec<String>,
    /// How keyward reads and changes the app's accounts. Exactly one.
    pub connector: ConnectorSpec,
    /// How an account is matched to a person, in order. Each account is
    /// matched by the first correlator for which it has a value. Default:
    /// `[{email: {}}]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    // Lists above a CEL rule are bounded: the API server multiplies a rule's
    // cost by how many times it can run (see `admission`).
    #[schemars(length(max = super::admission::MAX_CORRELATORS))]
    pub correlate: Vec<CorrelatorSpec>,
    /// Accounts keyward never touches (bots, break-glass admins, shared
    /// mailboxes). They never appear as changes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = super::admission::MAX_PROTECT))]
    pub protect: Vec<ProtectRule>,
    /// The app's roles from least to most privileged. Required when grants
    /// give the app more than one role: the most privileged granted role wins.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = super::admission::MAX_ROLES), inner(length(max = super::admission::MAX_ROLE_LEN)))]
    pub roles: Vec<String>,
    /// Role given when a grant names none. Without it, a grant without role
    /// leaves the account's role alone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = super::admission::MAX_ROLE_LEN))]
    pub default_role: Option<String>,
    /// Joiner, mover, leave and leaver timing for this app.
    #[serde(default)]
    pub lifecycle: LifecycleSpec,
    /// What one seat costs, for the savings shown in plans and reports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seat_cost: Option<SeatCost>,
    /// Which e-mail domains are the company's and which belong to partners
    /// (agencies, contractors' firms): accounts on any other domain are
    /// flagged for review, and people whose work e-mail is on a partner
    /// domain get at most `partnerMaxRole`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identities: Option<IdentitiesSpec>,
    /// How `keyward apply` may change this app: request rate, concurrency
    /// and the mass-deprovisioning guard.
    #[serde(default)]
    pub apply: ApplySpec,
    /// What `keyward controller` does with this app: `observe` (default;
    /// plan only, drift reported in the status and as events) or `enforce`
    /// (apply the plan through the apply engine and its guards). The CLI's
    /// `keyward apply` ignores it.
    #[serde(default)]
    pub mode: ReconcileMode,
}

/// What the controller does with an app's plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum ReconcileMode {
    /// Plan only: report drift, change nothing.
    #[default]
    Observe,
    /// Apply the plan, within the guards.
    Enforce,
}

/// What the controller last saw and did for an Application.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApplicationStatus {
    /// The `metadata.generation` this status describes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_generation: Option<i64>,
    /// `Ready`, `Synced`, `Drifted`, `BlockedByGuard` and `SourceError`,
    /// each `True`, `False` or `Unknown` with a reason and a message.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<k8s_openapi::apimachinery::pkg::apis::meta::v1::Condition>,
    /// When the app was last read and planned (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_sync: Option<String>,
    /// Accounts the app had at the last sync.
    #[serde(default)]
    pub accounts: u32,
    /// Changes (reviews excluded) the last plan still wanted to make.
    #[serde(default)]
    pub drift: u32,
    /// Items waiting for a human (reviews).
    #[serde(default)]
    pub reviews: u32,
    /// Changes applied by the last reconcile (enforce mode).
    #[serde(default)]
    pub last_applied: u32,
    /// The last plan's changes by action.
    #[serde(default)]
    pub plan: PlanCounts,
}

/// Changes of a plan by action, for statuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PlanCounts {
    /// Accounts to create.
    #[serde(default)]
    pub create: u32,
    /// Accounts to restore.
    #[serde(default)]
    pub restore: u32,
    /// Accounts to update.
    #[serde(default)]
    pub update: u32,
    /// Revocations of sessions and grants.
    #[serde(default)]
    pub revoke: u32,
    /// Accounts to suspend.
    #[serde(default)]
    pub suspend: u32,
    /// Hand-overs.
    #[serde(default)]
    pub transfer: u32,
    /// Accounts to delete.
    #[serde(default)]
    pub delete: u32,
    /// Items for review.
    #[serde(default)]
    pub review: u32,
}

/// Limits on applying changes to one app.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ApplySpec {
    /// Changes sent to the app at the same time. Default 4.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub concurrency: Option<u32>,
    /// Most requests per second sent to the app, listing included, so a
    /// vendor's rate limit is not hit in the first place. Default 10.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requests_per_second: Option<u32>,
    /// Refuse to apply when a plan would take too many accounts away at
    /// once: a truncated HR export or a wrong selector looks exactly like
    /// mass leavers.
    #[serde(default)]
    pub guard: GuardSpec,
}

/// Mass-change limits of one app. A plan that suspends or deletes more
/// accounts than either deprovisioning limit is refused until an operator
/// overrides it (`keyward apply --allow-mass-deprovision`); one that
/// creates or restores more than `maxCreate` likewise
/// (`--allow-mass-create`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct GuardSpec {
    /// Most accounts one apply may suspend or delete in this app.
    /// Default 25.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_deprovision: Option<u32>,
    /// Largest share of the app's accounts, in percent, one apply may
    /// suspend or delete. Checked only when more than 5 accounts are
    /// affected, so a small app can still lose its one leaver. Default 10.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_deprovision_percent: Option<u32>,
    /// Most accounts one apply may create or restore in this app.
    /// Default 50.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_create: Option<u32>,
}

/// One way to match an account to a person. Set exactly one field.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[schemars(transform = crate::resources::admission::correlator)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CorrelatorSpec {
    /// Match the account's e-mail to the person's work e-mail, without
    /// regard to case and with `+tags` removed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<EmailCorrelator>,
    /// Match an account field holding the HR employee number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub employee_id: Option<EmployeeIdCorrelator>,
    /// Match an account field to an HR attribute column (for example the
    /// GitHub login column to the account's username).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attribute: Option<AttributeCorrelator>,
}

/// Match by e-mail.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct EmailCorrelator {
    /// Old or secondary domains and the domain they stand for
    /// (`old-example.co.jp: example.com`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub domain_aliases: BTreeMap<String, String>,
    /// Keep `+tags` (`taro+slack@example.com`) instead of removing them.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub keep_plus_tag: bool,
    /// Account field holding the e-mail. Default `email`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_field: Option<String>,
}

/// Match by employee number.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct EmployeeIdCorrelator {
    /// Account field holding the employee number. Default `externalId`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_field: Option<String>,
}

/// Match by an HR attribute.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AttributeCorrelator {
    /// Name of the HR attribute (a key of the people source's
    /// `columns.attributes`).
    pub attribute: String,
    /// Account field to compare with. Default `username`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_field: Option<String>,
    /// Compare with regard to case (default: case-insensitive).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub case_sensitive: bool,
}

/// Accounts never touched. Set one of `username`, `email` (regular
/// expressions, matched anywhere unless anchored) or `id` (exact).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[schemars(transform = crate::resources::admission::protect)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ProtectRule {
    /// Regular expression on the username.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// Regular expression on the e-mail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Exact account id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Why these accounts are protected, shown in inventories.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Lifecycle timing of one app.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct LifecycleSpec {
    /// Create joiners' accounts this many days before their first day
    /// (default `0d`: on the first day). Never earlier.
    #[serde(default)]
    pub provision_before: Days,
    /// What happens to the account of someone on leave (休職): `keep`
    /// (default) or `suspend`; restored on return.
    #[serde(default)]
    pub on_leave: OnLeave,
    /// After a transfer (異動日), access the new posts no longer grant is
    /// kept this long for the handover. Needs the people source's `movedOn`
    /// column; without it, access ends at once.
    #[serde(default)]
    pub mover_grace: Days,
    /// An account of a current employee that no policy grants: `review`
    /// (default; list it) or `suspend` (enforce the policy).
    #[serde(default)]
    pub ungranted: Ungranted,
    /// What happens to a leaver's account.
    #[serde(default)]
    pub offboarding: OffboardingSpec,
}

/// Treatment of an account during a leave of absence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum OnLeave {
    /// Leave the account as it is.
    #[default]
    Keep,
    /// Suspend it for the leave and restore it on return.
    Suspend,
}

/// Treatment of an account that no policy grants to a current employee.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum Ungranted {
    /// List it for review.
    #[default]
    Review,
    /// Suspend it (never delete: the person still works here).
    Suspend,
}

/// A leaver's path: suspend, hand over, delete.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct OffboardingSpec {
    /// When to suspend: `afterLastDay` (default), `onLastDay`, or a day
    /// count after the last working day.
    #[serde(default)]
    pub suspend: SuspendTiming,
    /// Who receives the leaver's data before deletion: `manager` or an
    /// account of this app. Without it, nothing is handed over.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transfer_to: Option<TransferTo>,
    /// When to delete, counted from the last working day: `never` (default)
    /// or a day count. Deletion waits for the handover target to exist.
    #[serde(default)]
    pub delete_after: Retention,
    /// Close what a suspension leaves open: sign the leaver out of every
    /// session and revoke OAuth tokens granted to third-party apps, app
    /// passwords and backup verification codes, where the connector can.
    /// Without it, nothing is revoked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoke: Option<RevokeSpec>,
}

/// What to revoke from a leaver, and when.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RevokeSpec {
    /// What to close: `sessions`, `oauthTokens`, `appPasswords`,
    /// `verificationCodes`. Default: everything the connector can revoke.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub what: Vec<RevokeKind>,
    /// When, in the grammar of `suspend`: `onLastDay`, `afterLastDay` or a
    /// day count after the last working day. Default: with the suspension.
    /// A revocation is always made before the suspension of the same run,
    /// because some apps hide a suspended user's tokens from their API.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<SuspendTiming>,
}

/// One kind of access a revocation closes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum RevokeKind {
    /// Web and device sign-in sessions (and the refresh tokens behind them).
    Sessions,
    /// OAuth tokens and delegated permission grants given to other apps.
    OauthTokens,
    /// App-specific passwords (Google's ASPs).
    AppPasswords,
    /// Backup verification codes for two-step verification.
    VerificationCodes,
}

impl RevokeKind {
    /// Every kind, in the order they are revoked and printed.
    pub const ALL: [RevokeKind; 4] = [Self::Sessions, Self::OauthTokens, Self::AppPasswords, Self::VerificationCodes];

    /// The word used in policies and plans (`oauthTokens`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sessions => "sessions",
            Self::OauthTokens => "oauthTokens",
            Self::AppPasswords => "appPasswords",
            Self::VerificationCodes => "verificationCodes",
        }
    }

    /// What it is, for people (`OAuth tokens`).
    pub fn noun(self) -> &'static str {
        match self {
            Self::Sessions => "sessions",
            Self::OauthTokens => "OAuth tokens",
            Self::AppPasswords => "app passwords",
            Self::VerificationCodes => "backup verification codes",
        }
    }
}

/// Internal and partner e-mail domains of an app's accounts.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct IdentitiesSpec {
    /// The company's own domains (`example.com`); subdomains are not
    /// included unless listed. When set, an account matched to a person
    /// whose e-mail is on neither these nor `partnerDomains` is flagged: an
    /// address the company does not control outlives the person's
    /// employment.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub internal_domains: Vec<String>,
    /// Domains of partners whose people work in the app as externals.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub partner_domains: Vec<String>,
    /// The most privileged role a person whose HR work e-mail is on a
    /// partner domain may hold, whatever the policies grant (`guest`). One
    /// of the app's `roles`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = super::admission::MAX_ROLE_LEN))]
    pub partner_max_role: Option<String>,
}

/// Monthly price of one seat.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SeatCost {
    /// Price per seat per month.
    pub monthly: f64,
    /// ISO 4217 currency code (`JPY`, `USD`).
    pub currency: String,
    /// What stops the app billing an account: `suspend` (default: most
    /// SaaS bill active users only) or `delete` (Google Workspace and
    /// Microsoft 365 bill suspended users until the account is deleted).
    #[serde(default, skip_serializing_if = "SeatFreedBy::is_default")]
    pub freed_by: SeatFreedBy,
}

/// The change that frees a paid seat.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum SeatFreedBy {
    /// Suspending (deactivating) the account frees the seat.
    #[default]
    Suspend,
    /// Only deleting the account frees the seat.
    Delete,
}

impl SeatFreedBy {
    fn is_default(&self) -> bool {
        *self == Self::Suspend
    }
}
