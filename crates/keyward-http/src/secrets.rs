//! Credentials named in policy files (`token: {env | file | secret}`),
//! read where the policy says, and the values of the Kubernetes Secrets
//! among them.
//!
//! Clients are built synchronously, so whoever can reach the Kubernetes
//! API (the controller) fetches Secret values first and hands them over
//! here; everyone else builds with [`ClusterSecrets::unavailable`], which
//! turns a `secret:` reference into a message saying where it can be used.

use std::collections::BTreeMap;

use keyward_core::load::Locator;
use keyward_core::resources::{SecretKeyRef, SecretRef};

use crate::Secret;

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

/// Reads the secret `r` names, for the resource `locator` locates (a
/// relative `file` is relative to its policy file). The error says
/// where the secret was looked for and why it is unusable, never its value.
/// `field` is the reference's name in the resource (`token`, `password`).
/// An empty value is refused: an LDAP bind with an empty password is an
/// anonymous bind that succeeds.
/// A resource from the Kubernetes API may only name a `secret:` (its
/// Locator says so): an `env` or `file` reference is refused before any
/// variable or file is read.
pub fn read_secret(locator: &Locator, r: &SecretRef, secrets: &ClusterSecrets, field: &str) -> Result<Secret, String> {
    locator.admit_secret(field, r).map_err(|refusal| refusal.to_string())?;
    let (value, from) = match (&r.env, &r.file, &r.secret) {
        (Some(var), None, None) => match std::env::var(var) {
            Ok(v) => (v, format!("environment variable {var}")),
            Err(std::env::VarError::NotPresent) => return Err(format!("environment variable {var} is not set")),
            Err(std::env::VarError::NotUnicode(_)) => {
                return Err(format!("environment variable {var} is not valid UTF-8"));
            }
        },
        (None, Some(file), None) => {
            let file = crate::resource_files::admit(locator, &format!("{field}.file"), file)?;
            match std::fs::read_to_string(&file.path) {
                Ok(v) => (v, format!("file {}", file.shown)),
                // The error's text is the OS's reason, never the file's content.
                Err(e) => return Err(format!("cannot read file {}: {e}", file.shown)),
            }
        }
        (None, None, Some(key)) => match secrets.get(key) {
            Ok(v) => (v.expose().to_owned(), format!("key {} of Secret {}", key.key, key.name)),
            Err(why) => return Err(why.to_owned()),
        },
        _ => return Err(format!("set exactly one of `{field}.env`, `{field}.file` and `{field}.secret`")),
    };
    let value = value.trim();
    if value.is_empty() {
        return Err(format!("{from} is empty"));
    }
    Ok(Secret::new(value))
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
