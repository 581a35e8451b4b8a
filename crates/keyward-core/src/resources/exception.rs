//! The Exception kind: an approved, time-bounded grant for one person.

use jiff::civil::Date;
use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::shared::Grant;

/// An explicit, approved, time-bounded grant for one person, outside the
/// policies (a handover, a project). It disappears by itself after `until`,
/// and it applies even after the person's last working day.
#[derive(CustomResource, Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[kube(
    group = "keyward.io",
    version = "v1alpha1",
    kind = "Exception",
    namespaced,
    shortname = "kwex",
    category = "keyward"
)]
#[schemars(transform = crate::resources::admission::exception)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ExceptionSpec {
    /// The person: employee number or work e-mail.
    pub person: String,
    /// What the person gets while the exception is in force.
    pub grant: Vec<Grant>,
    /// First day in force. Default: at once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<Date>,
    /// Last day in force (inclusive).
    pub until: Date,
    /// Why, in a sentence reviewers can judge.
    pub reason: String,
    /// Who approved it (e-mail).
    pub approver: String,
}
