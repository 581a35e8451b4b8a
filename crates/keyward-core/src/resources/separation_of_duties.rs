//! The SeparationOfDuties kind: duties one person must not hold together.

use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Separation of duties (職務分掌): duties that one person must not hold
/// together, such as submitting and approving payments. Each duty is a set
/// of entitlements; a person who holds (or is granted) entitlements of two
/// or more duties of the same resource is a violation. The plan lists every
/// violation, and a change that would give someone a conflicting
/// entitlement is held back for review: apply never creates one.
#[derive(CustomResource, Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[kube(
    group = "keyward.io",
    version = "v1alpha1",
    kind = "SeparationOfDuties",
    plural = "separationsofduties",
    singular = "separationofduties",
    namespaced,
    shortname = "kwsod",
    category = "keyward"
)]
#[schemars(transform = crate::resources::admission::separation_of_duties)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SeparationOfDutiesSpec {
    /// What the rule protects against, in a sentence auditors can read
    /// (shown with every violation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Who answers for the rule (e-mail), named with every violation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// The duties that must stay apart; at least two. Nobody may hold
    /// entitlements of more than one of them.
    #[schemars(length(max = super::admission::MAX_DUTIES))]
    pub duties: Vec<Duty>,
}

/// One duty: a name and the entitlements that make someone able to
/// perform it (any one of them is enough).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[schemars(transform = crate::resources::admission::duty)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Duty {
    /// The duty in words (`submit payments`), used in the plan.
    pub name: String,
    /// The entitlements that carry the duty; any one of them counts.
    pub entitlements: Vec<DutyEntitlement>,
}

/// An entitlement that carries a duty: an account in an app, optionally
/// with a given role or in a given group.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct DutyEntitlement {
    /// Name of the Application.
    pub app: String,
    /// Only accounts with this role (case-insensitive). With neither
    /// `role` nor `group`, any account in the app carries the duty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// Only accounts in this group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
}
