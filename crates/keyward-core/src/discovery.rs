//! Third-party apps people use with their directory account, as the
//! directories report them: Google Workspace's per-user OAuth tokens,
//! Microsoft Graph's delegated permission grants and sign-in records.
//!
//! `keyward discover` reads these through `keyward-connectors` and the
//! summary (`crate::present::discovered`) turns them, with the HR snapshot
//! and the declared Applications, into "which apps, used by whom, covered
//! by what". This module is only the data: what a directory said, kept
//! small (an app's facts once, each use naming the app by id) because a
//! directory of 10,000 people holds hundreds of thousands of grants.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::account::Text;

/// Version of the JSON document `keyward discover --format json` writes.
pub const DISCOVERY_FORMAT_VERSION: u32 = 1;

/// What shows that a person uses an app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Evidence {
    /// An OAuth token the person granted a third-party app (Google's
    /// `users.tokens`).
    OauthToken,
    /// A delegated permission grant of the person to an app (Graph's
    /// `oauth2PermissionGrants` with `consentType: Principal`).
    DelegatedGrant,
    /// An admin's consent for the whole tenant (`consentType:
    /// AllPrincipals`): everyone may use the app, so it names nobody.
    TenantConsent,
    /// A sign-in record (Graph's `auditLogs/signIns`).
    SignIn,
}

impl Evidence {
    /// The word used in outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::OauthToken => "oauthToken",
            Self::DelegatedGrant => "delegatedGrant",
            Self::TenantConsent => "tenantConsent",
            Self::SignIn => "signIn",
        }
    }
}

/// What the directory says about an app, once per app.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppFacts {
    /// The name the directory shows (Google's `displayText`, a service
    /// principal's `displayName`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<Text>,
    /// The publisher, when the directory knows it (Graph's verified
    /// publisher or `publisherName`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publisher: Option<Text>,
    /// The app's home page, when known: its host helps find the app in the
    /// catalogue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub homepage: Option<String>,
    /// The directory's own object for the app (Graph's service principal
    /// id), which grants name instead of the app id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object_id: Option<Text>,
}

/// One person's use of one app, as one directory reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppUse {
    /// The app: Google's OAuth client id, Graph's `appId`. A key of
    /// [`DirectoryScan::apps`].
    pub app: Text,
    /// The user as the directory names them: primary e-mail or UPN.
    /// Empty for [`Evidence::TenantConsent`].
    pub user: Text,
    /// The directory's id of the user, when it gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<Text>,
    /// What shows the use.
    pub evidence: Evidence,
    /// Scopes granted, as the directory lists them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scopes: Vec<Text>,
    /// First and last day seen, where the directory dates it (sign-ins,
    /// Graph grants' `startTime` when set). Grants without dates have none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_seen: Option<Date>,
    /// See `first_seen`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_seen: Option<Date>,
    /// What removes this grant: Graph's grant id (Google's tokens are
    /// removed by the app's client id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grant_id: Option<Text>,
}

/// Everything one directory said.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DirectoryScan {
    /// The resource whose credentials were used (`PeopleSource/hr` or
    /// `Application/google-workspace`).
    pub directory: String,
    /// `googleWorkspace` or `microsoftGraph`.
    pub kind: String,
    /// What was read, for messages (`Google Workspace my_customer`).
    pub source: String,
    /// Facts about every app a use names, by the id uses name.
    pub apps: BTreeMap<Text, AppFacts>,
    /// Every use found.
    pub uses: Vec<AppUse>,
    /// Users whose grants were read.
    pub users: usize,
    /// What the directory could not tell, and why, in words for the
    /// reader (sign-in records without an Entra ID P1/P2 licence). Never
    /// an error: a scan that could not read what it must fails instead.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// HTTP requests sent, counting each call of a batch once.
    pub requests: u64,
}
