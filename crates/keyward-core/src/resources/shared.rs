//! Small types several resource kinds share: where a credential is read
//! from, how a file is decoded, and one grant of an app.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A secret read at run time: from an environment variable, a file (a
/// mounted Kubernetes Secret, say), or, when keyward runs as the controller
/// in Kubernetes, a key of a Secret in the resource's namespace. Set
/// exactly one. A resource the controller reads from the Kubernetes API
/// may only use `secret`: a variable or a file would be the controller's
/// own.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[schemars(transform = crate::resources::admission::secret_ref)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SecretRef {
    /// Name of the environment variable holding the secret (policy files
    /// only: refused in a resource read from the Kubernetes API).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub env: Option<String>,
    /// Path of a file holding the secret (surrounding whitespace is
    /// ignored), relative to the directory of the policy file (policy
    /// files only: refused in a resource read from the Kubernetes API).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// A key of a Kubernetes Secret in the resource's namespace, read by
    /// the controller through the API (its Role needs `get` on that Secret
    /// by name). Only `keyward controller` in Kubernetes mode can read it;
    /// the CLI and the standalone daemon refuse it with a message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<SecretKeyRef>,
}

impl SecretRef {
    /// How many of `env`, `file` and `secret` are set (exactly one must be).
    pub fn sources_set(&self) -> usize {
        usize::from(self.env.is_some()) + usize::from(self.file.is_some()) + usize::from(self.secret.is_some())
    }
}

/// One key of a Kubernetes Secret.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SecretKeyRef {
    /// The Secret's name, in the resource's namespace.
    pub name: String,
    /// The key within the Secret's `data` (surrounding whitespace of the
    /// value is ignored).
    pub key: String,
}

/// How a file's bytes are decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TextEncoding {
    /// UTF-8 with or without BOM; otherwise Shift_JIS (CP932).
    #[default]
    Auto,
    /// UTF-8 only; a file that is not valid UTF-8 is an error.
    #[serde(rename = "utf-8")]
    Utf8,
    /// Shift_JIS as Windows writes it (CP932).
    ShiftJis,
}

/// One entitlement: an account in an app, with a role and groups.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Grant {
    /// Name of the Application.
    pub app: String,
    /// Role in the app (one of the Application's `roles` when it lists them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// Groups in the app. keyward manages only groups some grant names;
    /// other groups on an account are left alone.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<String>,
}
