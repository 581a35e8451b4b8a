//! What keyward does to an account: the verbs of a plan.
//!
//! Its own module because both the accounts (what a connector can do) and
//! the plan (what it will do) name actions, and neither may need the other.

use serde::{Deserialize, Serialize};

/// What keyward will do to an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// Create an account for a person who should have one.
    Create,
    /// Re-enable a suspended account (a rehire, a return from leave).
    Restore,
    /// Change role or groups.
    Update,
    /// Sign a leaver out everywhere and revoke what outlives a suspension:
    /// sessions, OAuth grants to other apps, app passwords. Before the
    /// suspension, which in some apps hides the tokens from the API.
    Revoke,
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
            Self::Revoke => "revoke",
            Self::Delete => "delete",
            Self::Review => "review",
        }
    }

    /// The action's name as a message (`suspend` / `停止`), for reasons
    /// that name one.
    pub fn message(self) -> crate::i18n::Msg {
        use crate::i18n::Msg;
        match self {
            Self::Create => Msg::new("action-create"),
            Self::Restore => Msg::new("action-restore"),
            Self::Update => Msg::new("action-update"),
            Self::Suspend => Msg::new("action-suspend"),
            Self::Transfer => Msg::new("action-transfer"),
            Self::Revoke => Msg::new("action-revoke"),
            Self::Delete => Msg::new("action-delete"),
            Self::Review => Msg::new("action-review"),
        }
    }

    /// [`Self::verb`] as a message (`hand data over` / `データを引き継ぐ`).
    pub fn verb_message(self) -> crate::i18n::Msg {
        use crate::i18n::Msg;
        match self {
            Self::Create => Msg::new("verb-create"),
            Self::Restore => Msg::new("verb-restore"),
            Self::Update => Msg::new("verb-update"),
            Self::Suspend => Msg::new("verb-suspend"),
            Self::Transfer => Msg::new("verb-transfer"),
            Self::Revoke => Msg::new("verb-revoke"),
            Self::Delete => Msg::new("verb-delete"),
            Self::Review => Msg::new("verb-review"),
        }
    }

    /// What the action does, for messages (`hand data over`).
    pub fn verb(self) -> &'static str {
        match self {
            Self::Create => "create accounts",
            Self::Restore => "restore accounts",
            Self::Update => "change roles or groups",
            Self::Suspend => "suspend accounts",
            Self::Transfer => "hand data over",
            Self::Revoke => "revoke sessions and grants",
            Self::Delete => "delete accounts",
            Self::Review => "carry out a review",
        }
    }

    /// All actions in plan order.
    pub const ALL: [Action; 8] = [
        Self::Create,
        Self::Restore,
        Self::Update,
        Self::Revoke,
        Self::Suspend,
        Self::Transfer,
        Self::Delete,
        Self::Review,
    ];

    /// `true` for actions that take access or data away. A revocation is
    /// not one: it comes with a suspension (which is) or closes what a
    /// suspended account still holds, so the mass-change guard counts the
    /// accounts, not the doors closed on them.
    pub fn is_deprovisioning(self) -> bool {
        matches!(self, Self::Suspend | Self::Transfer | Self::Delete)
    }
}
