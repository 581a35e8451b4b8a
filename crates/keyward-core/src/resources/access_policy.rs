//! The AccessPolicy kind: who gets which account, selected by HR
//! attributes.

use std::collections::BTreeMap;

use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::shared::Grant;

/// Who gets which account: people selected by HR attributes get the listed
/// grants. Grants are a union over all matching policies and all of a
/// person's current posts.
#[derive(CustomResource, Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[kube(
    group = "keyward.io",
    version = "v1alpha1",
    kind = "AccessPolicy",
    namespaced,
    shortname = "kwpol",
    category = "keyward"
)]
#[schemars(transform = crate::resources::admission::access_policy)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AccessPolicySpec {
    /// What this policy is for, shown in explanations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Which people the policy applies to. Every condition given must hold.
    pub select: Selector,
    /// What the selected people get.
    pub grant: Vec<Grant>,
}

/// Conditions on HR attributes. Every condition given must hold; a missing
/// condition holds for everyone. Department and title are checked against
/// the same post, so `{department: [Sales/**], title: Manager}` means "a
/// manager in Sales", not "in Sales and a manager somewhere".
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Selector {
    /// Department globs; any may match. `*` is one level, `**` any number
    /// of levels; `Sales/**` also matches `Sales` itself.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub department: Vec<String>,
    /// Regular expression on the job title (matched anywhere unless
    /// anchored; a missing title is matched as the empty string).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Employment types; any may match.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub employment_type: Vec<String>,
    /// HR statuses; any may match. Default: `active` and `on-leave` (what
    /// happens to accounts during a leave is the app's `onLeave` setting).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub status: Vec<SelectStatus>,
    /// Regular expressions on HR attributes (for example `github: ".+"`
    /// for people who have a GitHub login; a missing attribute is matched
    /// as the empty string).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, String>,
}

/// A status a selector can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum SelectStatus {
    /// Working (and joiners about to start).
    Active,
    /// On a leave of absence.
    OnLeave,
}
