//! Accounts as a SaaS app lists them.

use std::collections::BTreeMap;

use compact_str::CompactString;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::action::Action;
use crate::resources::RevokeKind;

/// A short string kept inline (up to 24 bytes) — ids, usernames, roles and
/// most names fit, so millions of accounts do not mean millions of small
/// heap allocations.
pub type Text = CompactString;

/// Whether an account can be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AccountStatus {
    /// Can sign in.
    Active,
    /// An invitation not yet accepted; counts as provisioned.
    Invited,
    /// Exists but cannot sign in.
    Suspended,
}

/// An account's status word (`active`, as [`AccountStatus::as_str`] and
/// the data say it) in `lang` (`有効`); an unknown word is shown as it is.
pub fn status_in(status: &str, lang: crate::i18n::Lang) -> String {
    match status {
        "active" => t!(lang, "account-status-active"),
        "invited" => t!(lang, "account-status-invited"),
        "suspended" => t!(lang, "account-status-suspended"),
        other => other.to_owned(),
    }
}

impl AccountStatus {
    /// The word used in plans.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Invited => "invited",
            Self::Suspended => "suspended",
        }
    }

    /// `true` when the account grants access now or will once accepted.
    pub fn is_live(self) -> bool {
        !matches!(self, Self::Suspended)
    }
}

/// One account in one app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Account {
    /// The app's id for the account (unique within the app).
    pub id: Text,
    /// E-mail address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<Text>,
    /// Login name or handle.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<Text>,
    /// Display name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<Text>,
    /// HR employee number stored in the app.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_id: Option<Text>,
    /// Active, invited or suspended.
    pub status: AccountStatus,
    /// A bot or integration, never matched to people nor changed.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub bot: bool,
    /// Role in the app.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<Text>,
    /// Group memberships, sorted.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<Text>,
    /// Last sign-in day.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_active: Option<Date>,
    /// The day the app created the account, when its listing says: with
    /// `last_active`, the evidence of whose account it is when an address
    /// passed from one HR record to another (see `identity`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created: Option<Date>,
    /// Further fields by name.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, String>,
    /// For a suspended account of an app that hands data over and can
    /// tell: whether a hand-over of the data the account holds now was
    /// requested (and has not failed). `Some(false)` makes the plan
    /// request it for a leaver whose transfer failed or never ran after
    /// the suspension; `None` when the app cannot tell.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub handed_over: Option<bool>,
    /// For apps that can tell: how many OAuth grants, third-party tokens
    /// and app passwords the account still holds. A suspended leaver's
    /// account with some open is revoked again; `None` when the app cannot
    /// tell or was not asked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub open_grants: Option<u32>,
    /// For apps that can tell: the day from which the app refuses sessions
    /// and refresh tokens issued earlier (Microsoft Graph's
    /// `signInSessionsValidFromDateTime`). A suspended leaver's account
    /// whose sessions are still valid from before the revocation was due is
    /// revoked again.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sessions_valid_from: Option<Date>,
}

impl Account {
    /// A new active account with only an id.
    pub fn new(id: impl Into<Text>) -> Self {
        Self {
            id: id.into(),
            email: None,
            username: None,
            display_name: None,
            external_id: None,
            status: AccountStatus::Active,
            bot: false,
            role: None,
            groups: Vec::new(),
            last_active: None,
            created: None,
            attributes: BTreeMap::new(),
            handed_over: None,
            open_grants: None,
            sessions_valid_from: None,
        }
    }

    /// A field by its policy name: `id`, `email`, `username`,
    /// `displayName`, `externalId`, or an attribute name.
    pub fn field(&self, name: &str) -> Option<&str> {
        match name {
            "id" => Some(self.id.as_str()),
            "email" => self.email.as_deref(),
            "username" => self.username.as_deref(),
            "displayName" => self.display_name.as_deref(),
            "externalId" => self.external_id.as_deref(),
            other => self.attributes.get(other).map(String::as_str),
        }
        .filter(|v| !v.trim().is_empty())
    }

    /// The most recognisable handle: e-mail, else username, else id.
    pub fn label(&self) -> &str {
        self.email.as_deref().or(self.username.as_deref()).unwrap_or(&self.id)
    }
}

/// Account field names every connector provides.
pub const BUILTIN_FIELDS: [&str; 5] = ["id", "email", "username", "displayName", "externalId"];

/// What a connector can do to an app's accounts, so a plan proposes only
/// what the app supports and leaves the rest to a human.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Capabilities {
    /// Can create accounts.
    pub create: bool,
    /// Can change roles.
    pub update: bool,
    /// Can suspend accounts.
    pub suspend: bool,
    /// Can restore suspended accounts.
    pub restore: bool,
    /// Can delete accounts.
    pub delete: bool,
    /// Can hand an account's data over to another account.
    pub transfer: bool,
    /// Can change group memberships.
    pub groups: bool,
    /// What it can revoke (sessions, OAuth tokens, app passwords, backup
    /// codes).
    #[serde(default, skip_serializing_if = "RevokeKinds::is_empty")]
    pub revoke: RevokeKinds,
}

/// A set of [`RevokeKind`]s: what a connector can revoke, or what one
/// revocation closes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct RevokeKinds(u8);

impl RevokeKinds {
    /// Nothing.
    pub const NONE: Self = Self(0);

    /// The set of the given kinds.
    pub const fn of(kinds: &[RevokeKind]) -> Self {
        let mut bits = 0u8;
        let mut i = 0;
        while i < kinds.len() {
            bits |= Self::bit(kinds[i]);
            i += 1;
        }
        Self(bits)
    }

    const fn bit(k: RevokeKind) -> u8 {
        match k {
            RevokeKind::Sessions => 1,
            RevokeKind::OauthTokens => 2,
            RevokeKind::AppPasswords => 4,
            RevokeKind::VerificationCodes => 8,
        }
    }

    /// Whether `kind` is in the set.
    pub fn contains(self, kind: RevokeKind) -> bool {
        self.0 & Self::bit(kind) != 0
    }

    /// `true` for the empty set.
    pub fn is_empty(&self) -> bool {
        self.0 == 0
    }

    /// The kinds in both sets.
    pub fn intersection(self, other: Self) -> Self {
        Self(self.0 & other.0)
    }

    /// The kinds of `self` not in `other`.
    pub fn without(self, other: Self) -> Self {
        Self(self.0 & !other.0)
    }

    /// The kinds, in [`RevokeKind::ALL`] order.
    pub fn kinds(self) -> Vec<RevokeKind> {
        RevokeKind::ALL.into_iter().filter(|k| self.contains(*k)).collect()
    }

    /// [`Self::describe`] as a message argument, for the reader's language.
    pub fn message(self) -> crate::i18n::Arg {
        use crate::i18n::{Arg, Msg};
        let mut nouns: Vec<Msg> = self
            .kinds()
            .into_iter()
            .map(|k| match k {
                RevokeKind::Sessions => Msg::new("revoke-kind-sessions"),
                RevokeKind::OauthTokens => Msg::new("revoke-kind-oauth-tokens"),
                RevokeKind::AppPasswords => Msg::new("revoke-kind-app-passwords"),
                RevokeKind::VerificationCodes => Msg::new("revoke-kind-verification-codes"),
            })
            .collect();
        match nouns.pop() {
            None => Arg::Text(String::new()),
            Some(last) if nouns.is_empty() => Arg::from(last),
            Some(last) => Arg::from(
                Msg::new("list-and")
                    .arg("rest", Arg::List(nouns.into_iter().map(Arg::from).collect()))
                    .arg("last", last),
            ),
        }
    }

    /// `sessions, OAuth tokens and app passwords`.
    pub fn describe(self) -> String {
        let nouns: Vec<&str> = self.kinds().into_iter().map(RevokeKind::noun).collect();
        match nouns.split_last() {
            None => String::new(),
            Some((last, [])) => (*last).to_owned(),
            Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        }
    }
}

impl Serialize for RevokeKinds {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.kinds().serialize(s)
    }
}

impl<'de> Deserialize<'de> for RevokeKinds {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Self::of(&Vec::<RevokeKind>::deserialize(d)?))
    }
}

impl Capabilities {
    /// Lists only (an export): every change is a task for a human.
    pub const READ_ONLY: Self = Self {
        create: false,
        update: false,
        suspend: false,
        restore: false,
        delete: false,
        transfer: false,
        groups: false,
        revoke: RevokeKinds::NONE,
    };

    /// `true` when keyward can change nothing itself.
    pub fn is_read_only(&self) -> bool {
        *self == Self::READ_ONLY
    }

    /// Whether the connector can carry out `action` itself.
    pub fn can(&self, action: Action) -> bool {
        match action {
            Action::Create => self.create,
            Action::Restore => self.restore,
            Action::Update => self.update || self.groups,
            Action::Suspend => self.suspend,
            Action::Transfer => self.transfer,
            Action::Revoke => !self.revoke.is_empty(),
            Action::Delete => self.delete,
            Action::Review => false,
        }
    }
}

/// A complete list of an app's accounts.
///
/// Connectors only build one after reading every page: a listing that
/// stopped early must be an error, never a shorter list, because a missing
/// account is an account nobody offboards.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccountListing {
    /// What was read, for messages (`csv export examples/saas/slack.csv`).
    pub source: String,
    /// Every account, in the order the app returned them. Plans and
    /// inventories sort what they print, so the order does not matter.
    pub accounts: Vec<Account>,
    /// What the connector that listed them can change.
    pub capabilities: Capabilities,
    /// For an export made by hand: the day it was made and how that is
    /// known. `None` for a listing read live from the app.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exported: Option<ExportDate>,
}

/// The day an export was made, and where keyward read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExportDate {
    /// The day (of the oldest row, when the rows carry dates).
    pub date: Date,
    /// Where the day comes from.
    #[serde(flatten)]
    pub from: ExportDateFrom,
}

/// Where an export's day comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "from", rename_all = "camelCase")]
pub enum ExportDateFrom {
    /// A column of the export (`columns.exportedAt`), by its header.
    Column {
        /// The header.
        column: String,
    },
    /// The file's modification time, on the machine's calendar.
    FileModified,
}

impl std::fmt::Display for ExportDateFrom {
    /// `from the column `出力日時`` / `from the file's modification time`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Column { column } => write!(f, "from the column `{column}`"),
            Self::FileModified => f.write_str("from the file's modification time"),
        }
    }
}

impl AccountListing {
    /// Builds a read-only listing (an export).
    pub fn new(source: impl Into<String>, accounts: Vec<Account>) -> Self {
        Self { source: source.into(), accounts, capabilities: Capabilities::READ_ONLY, exported: None }
    }

    /// The same listing, read from an export made on `exported`.
    pub fn with_export_date(mut self, exported: ExportDate) -> Self {
        self.exported = Some(exported);
        self
    }

    /// The same listing from a connector that can make `capabilities`.
    pub fn with_capabilities(mut self, capabilities: Capabilities) -> Self {
        self.capabilities = capabilities;
        self
    }
}
