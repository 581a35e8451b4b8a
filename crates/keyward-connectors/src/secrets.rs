//! Values of Kubernetes Secrets named by connector credentials
//! (`token: {secret: {name, key}}`).
//!
//! Connectors are built synchronously, so whoever can reach the Kubernetes
//! API (the controller) fetches the values first and hands them over here;
//! everyone else builds with [`ClusterSecrets::unavailable`], which turns a
//! `secret:` reference into a message saying where it can be used.

use std::collections::BTreeMap;

use keyward_core::resources::SecretKeyRef;

use crate::http::Secret;

/// Why the CLI and the standalone daemon cannot use `secret:`.
const OUTSIDE_KUBERNETES: &str = "`token.secret` names a Kubernetes Secret, which only `keyward controller` running in Kubernetes reads; here, use `token.env` or `token.file` (a Secret mounted as a file works in a pod too)";

/// Secret values by name and key, or why one could not be read.
#[derive(Debug, Clone)]
pub struct ClusterSecrets {
    values: BTreeMap<SecretKeyRef, Result<Secret, String>>,
    /// The answer for a key that was not fetched.
    missing: String,
}

impl ClusterSecrets {
    /// Outside Kubernetes: every `secret:` reference is refused with a
    /// message naming the alternatives.
    pub fn unavailable() -> Self {
        Self { values: BTreeMap::new(), missing: OUTSIDE_KUBERNETES.to_owned() }
    }

    /// In Kubernetes: filled with [`ClusterSecrets::insert`] for every
    /// reference of the apps being built.
    pub fn fetched() -> Self {
        Self {
            values: BTreeMap::new(),
            missing: "this Secret key was not fetched (a bug: please report it)".to_owned(),
        }
    }

    /// Records a fetched value, or why it could not be fetched (a message
    /// that never contains the value).
    pub fn insert(&mut self, r: SecretKeyRef, value: Result<Secret, String>) {
        self.values.insert(r, value);
    }

    /// The value of `r`.
    pub fn get(&self, r: &SecretKeyRef) -> Result<&Secret, &str> {
        match self.values.get(r) {
            Some(Ok(v)) => Ok(v),
            Some(Err(why)) => Err(why),
            None => Err(&self.missing),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn key(name: &str, key: &str) -> SecretKeyRef {
        SecretKeyRef { name: name.to_owned(), key: key.to_owned() }
    }

    #[test]
    fn outside_kubernetes_a_secret_reference_names_the_alternatives() {
        let s = ClusterSecrets::unavailable();
        let why = s.get(&key("creds", "token")).unwrap_err();
        assert!(why.contains("token.env") && why.contains("token.file"), "{why}");
    }

    #[test]
    fn fetched_values_and_failures_are_kept_apart() {
        let mut s = ClusterSecrets::fetched();
        s.insert(key("creds", "a"), Ok(Secret::new("v")));
        s.insert(key("creds", "b"), Err("Secret creds has no key b".to_owned()));
        assert_eq!(s.get(&key("creds", "a")).unwrap().expose(), "v");
        assert_eq!(s.get(&key("creds", "b")).unwrap_err(), "Secret creds has no key b");
        assert!(s.get(&key("other", "a")).unwrap_err().contains("not fetched"));
        // Debug never shows a value.
        assert!(!format!("{s:?}").contains("\"v\""));
    }
}
