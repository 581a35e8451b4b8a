//! Which replica applies to which application: the pure part of sharding.
//!
//! A shard is one (namespace, application). Every replica computes the
//! same assignment from the same list of live replicas with rendezvous
//! (highest random weight) hashing: each replica scores each shard with a
//! stable hash of both names and the highest score wins. When a replica
//! joins or dies only the shards it wins or held move; every other shard
//! stays where it is (Argo CD's application-controller sharding reshuffles
//! by position in a list instead, which moves most clusters when one
//! replica joins).
//!
//! The assignment only says who *should* hold a shard; who *may* apply is
//! decided by the shard's Lease ([`super::sharding`]): two replicas that
//! briefly disagree about who is alive both try the Lease and the API
//! server lets exactly one win.
//!
//! SHA-256 (already a dependency, for the webhook's HMAC) is the hash: it
//! is the same on every platform and every build, which `std`'s hasher is
//! not promised to be.

use sha2::{Digest as _, Sha256};

/// One shard: an Application of a namespace.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Shard {
    /// The namespace (the organisation).
    pub namespace: String,
    /// The Application's name in it.
    pub app: String,
}

impl Shard {
    /// The shard of `app` in `namespace`.
    pub fn new(namespace: impl Into<String>, app: impl Into<String>) -> Self {
        Self { namespace: namespace.into(), app: app.into() }
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.namespace, self.app)
    }
}

/// The rendezvous score of `replica` for the key `(namespace, app)`. The
/// parts are separated by a NUL, which no Kubernetes name contains, so
/// ("a", "bc") and ("ab", "c") never collide.
fn score(replica: &str, namespace: &str, app: &str) -> u64 {
    let mut h = Sha256::new();
    for part in [replica, namespace, app] {
        h.update(part.as_bytes());
        h.update([0u8]);
    }
    let digest = h.finalize();
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    u64::from_be_bytes(first)
}

/// The replica among `replicas` that should hold `(namespace, app)`;
/// `None` when there is no replica. Ties (practically impossible) go to
/// the smaller name, so every replica decides alike.
pub fn owner<'a>(replicas: &'a [String], namespace: &str, app: &str) -> Option<&'a str> {
    replicas
        .iter()
        .map(|r| (score(r, namespace, app), r))
        .max_by(|(sa, ra), (sb, rb)| sa.cmp(sb).then_with(|| rb.cmp(ra)))
        .map(|(_, r)| r.as_str())
}

/// The replica that writes what belongs to a namespace as a whole (the
/// PeopleSources' statuses): the owner of the namespace's empty app name,
/// which no Application has.
pub fn namespace_owner<'a>(replicas: &'a [String], namespace: &str) -> Option<&'a str> {
    owner(replicas, namespace, "")
}

/// Longest Kubernetes object name.
const MAX_NAME: usize = 253;

/// A Kubernetes object name made of `prefix` and `name`: `prefix-name`
/// when `name` is a valid name part (lowercase letters, digits, `-` and
/// `.`) and the whole fits; otherwise `prefix-` and the first 16 hex
/// digits of `name`'s SHA-256, so any identity or app name gives a valid,
/// stable, distinct Lease name.
pub fn object_name(prefix: &str, name: &str) -> String {
    let plain = !name.is_empty()
        && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
        && name.as_bytes().first().is_some_and(u8::is_ascii_alphanumeric)
        && name.as_bytes().last().is_some_and(u8::is_ascii_alphanumeric)
        && prefix.len() + 1 + name.len() <= MAX_NAME;
    if plain {
        format!("{prefix}-{name}")
    } else {
        let digest = Sha256::digest(name.as_bytes());
        format!("{prefix}-{}", &hex::encode(digest)[..16])
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use std::collections::BTreeMap;

    use super::*;

    fn replicas(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn no_replica_owns_nothing() {
        assert_eq!(owner(&[], "ns", "app"), None);
    }

    #[test]
    fn every_replica_computes_the_same_owner_whatever_the_order() {
        let a = replicas(&["r1", "r2", "r3"]);
        let b = replicas(&["r3", "r1", "r2"]);
        for i in 0..200 {
            let app = format!("app-{i}");
            assert_eq!(owner(&a, "ns", &app), owner(&b, "ns", &app));
        }
    }

    #[test]
    fn shards_spread_over_replicas() {
        let r = replicas(&["r1", "r2", "r3"]);
        let mut count: BTreeMap<&str, usize> = BTreeMap::new();
        for i in 0..300 {
            *count.entry(owner(&r, "ns", &format!("app-{i}")).unwrap()).or_default() += 1;
        }
        assert_eq!(count.len(), 3);
        assert!(count.values().all(|&c| c > 60), "{count:?}");
    }

    #[test]
    fn a_replica_leaving_moves_only_its_own_shards() {
        let before = replicas(&["r1", "r2", "r3"]);
        let after = replicas(&["r1", "r3"]);
        for i in 0..300 {
            let app = format!("app-{i}");
            let was = owner(&before, "ns", &app).unwrap();
            let now = owner(&after, "ns", &app).unwrap();
            if was != "r2" {
                assert_eq!(was, now, "{app} moved although its owner stayed");
            }
        }
    }

    #[test]
    fn same_app_name_in_two_namespaces_is_two_shards() {
        let r = replicas(&["r1", "r2", "r3", "r4", "r5"]);
        let differs = (0..50).any(|i| {
            let app = format!("app-{i}");
            owner(&r, "org-a", &app) != owner(&r, "org-b", &app)
        });
        assert!(differs);
        assert_ne!(score("r", "a", "bc"), score("r", "ab", "c"));
    }

    #[test]
    fn object_names_are_valid_and_stable() {
        assert_eq!(object_name("keyward-shard", "slack"), "keyward-shard-slack");
        let odd = object_name("keyward-replica", "Pod_1");
        assert!(odd.starts_with("keyward-replica-") && odd.len() == "keyward-replica-".len() + 16, "{odd}");
        assert_eq!(odd, object_name("keyward-replica", "Pod_1"));
        assert_ne!(odd, object_name("keyward-replica", "Pod_2"));
        let long = "a".repeat(300);
        assert!(object_name("p", &long).len() <= MAX_NAME);
        assert!(object_name("p", "-x").starts_with("p-") && object_name("p", "-x").len() == 18);
    }
}
