//! Leader election with a `coordination.k8s.io/v1` Lease.
//!
//! Only the holder of the Lease reconciles and applies changes, so a
//! second replica is a hot standby, never a second writer. Every write is
//! a create or a replace carrying the `resourceVersion` that was read, so
//! when two replicas race for a free or expired Lease the API server
//! accepts exactly one write and answers the other with 409 Conflict,
//! which here means "someone else won".
//!
//! The arithmetic (is a Lease free, held by us, expired) is pure and
//! tested on its own; [`LeaseLock`] does the API calls.

use std::time::Duration;

use jiff::Timestamp;
use k8s_openapi::api::coordination::v1::{Lease, LeaseSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{MicroTime, ObjectMeta};
use kube::Api;
use kube::api::PostParams;

/// Default name of the Lease.
pub const DEFAULT_NAME: &str = "keyward-controller";
/// Default Lease duration: a standby takes over at most this long after
/// the leader stopped renewing.
pub const DEFAULT_DURATION: Duration = Duration::from_secs(15);
/// Default time between renewals: a third of the duration, so two renewals
/// can fail before the Lease expires.
pub const DEFAULT_RENEW: Duration = Duration::from_secs(5);

/// Why the Lease could not be read or written (a lost race is not an
/// error: see [`LeaseLock::try_acquire_or_renew`]).
#[derive(Debug, thiserror::Error)]
pub enum LeaseError {
    /// The API server refused or could not be reached.
    #[error("cannot {action} the Lease {name}: {source}")]
    Api {
        /// `read`, `create`, `renew`, `take over`, `release`.
        action: &'static str,
        /// The Lease's name.
        name: String,
        /// What the client said.
        source: kube::Error,
    },
}

/// Who holds a Lease, as read at one instant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Holder {
    /// No holder, or the holder stopped renewing: anyone may take it.
    Free,
    /// We hold it.
    Us,
    /// Another replica holds it and renewed it recently.
    Other(String),
}

/// Who holds the Lease described by `spec` at `now`, from `identity`'s
/// point of view. A Lease without a holder, without a renew time, or whose
/// `renewTime + leaseDurationSeconds` is not in the future is free. A
/// Lease without a duration uses `default_duration` (another client wrote
/// it; assume the usual).
pub fn holder(spec: Option<&LeaseSpec>, identity: &str, now: Timestamp, default_duration: Duration) -> Holder {
    let Some(spec) = spec else { return Holder::Free };
    let who = spec.holder_identity.as_deref().unwrap_or("");
    if who.is_empty() {
        return Holder::Free;
    }
    let Some(MicroTime(renewed)) = spec.renew_time else { return Holder::Free };
    if who == identity {
        return Holder::Us;
    }
    let seconds =
        spec.lease_duration_seconds.map_or(default_duration.as_secs(), |s| u64::try_from(s.max(0)).unwrap_or(0));
    if is_expired(renewed, seconds, now) { Holder::Free } else { Holder::Other(who.to_owned()) }
}

/// `true` when a Lease renewed at `renewed` for `seconds` is over at `now`.
pub fn is_expired(renewed: Timestamp, seconds: u64, now: Timestamp) -> bool {
    let length = jiff::SignedDuration::from_secs(i64::try_from(seconds).unwrap_or(i64::MAX));
    match renewed.checked_add(length) {
        Ok(until) => until <= now,
        // Beyond the representable range: it never expires in our lifetime.
        Err(_) => false,
    }
}

/// The Lease's spec after `identity` takes or renews it at `now`.
fn held_spec(
    prev: Option<&LeaseSpec>,
    identity: &str,
    now: Timestamp,
    duration: Duration,
    takeover: bool,
) -> LeaseSpec {
    let mut spec = prev.cloned().unwrap_or_default();
    spec.holder_identity = Some(identity.to_owned());
    spec.lease_duration_seconds = Some(i32::try_from(duration.as_secs()).unwrap_or(i32::MAX));
    spec.renew_time = Some(MicroTime(now));
    if takeover {
        spec.acquire_time = Some(MicroTime(now));
        // Counted like client-go does, so `kubectl get lease -o yaml` shows
        // how often leadership moved.
        spec.lease_transitions = Some(spec.lease_transitions.unwrap_or(0).saturating_add(1));
    }
    spec
}

/// What [`LeaseLock::acquire`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Acquired {
    /// We held it and renewed it.
    Renewed,
    /// We took it: it was absent, released (`from: None`) or expired
    /// (`from`: who held it last).
    Taken {
        /// The holder it was taken from, if it named one.
        from: Option<String>,
    },
    /// Another replica holds it (fresh, or it won the race).
    Busy,
}

/// One replica's handle on the Lease.
#[derive(Clone)]
pub struct LeaseLock {
    api: Api<Lease>,
    name: String,
    identity: String,
    duration: Duration,
}

impl std::fmt::Debug for LeaseLock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LeaseLock").field("name", &self.name).field("identity", &self.identity).finish_non_exhaustive()
    }
}

fn conflict(e: &kube::Error) -> bool {
    matches!(e, kube::Error::Api(s) if s.is_conflict() || s.is_already_exists())
}

impl LeaseLock {
    /// The Lease `name` in `api`'s namespace, held as `identity` for
    /// `duration` at a time.
    pub fn new(api: Api<Lease>, name: impl Into<String>, identity: impl Into<String>, duration: Duration) -> Self {
        Self { api, name: name.into(), identity: identity.into(), duration }
    }

    /// Who this replica is.
    pub fn identity(&self) -> &str {
        &self.identity
    }

    /// The Lease's duration.
    pub fn duration(&self) -> Duration {
        self.duration
    }

    fn err(&self, action: &'static str) -> impl FnOnce(kube::Error) -> LeaseError + '_ {
        move |source| LeaseError::Api { action, name: self.name.clone(), source }
    }

    /// Creates the Lease when absent, takes it over when expired, renews
    /// it when ours. `Ok(true)`: we hold it now. `Ok(false)`: another
    /// replica holds it (it is fresh, or it won the race: 409). Never
    /// writes to a Lease another replica holds and renewed in time.
    pub async fn try_acquire_or_renew(&self) -> Result<bool, LeaseError> {
        Ok(self.acquire().await? != Acquired::Busy)
    }

    /// [`LeaseLock::try_acquire_or_renew`], saying whether the Lease was
    /// renewed or taken, and from whom.
    pub async fn acquire(&self) -> Result<Acquired, LeaseError> {
        let now = Timestamp::now();
        let current = match self.api.get_opt(&self.name).await.map_err(self.err("read"))? {
            Some(l) => l,
            None => {
                let lease = Lease {
                    metadata: ObjectMeta { name: Some(self.name.clone()), ..ObjectMeta::default() },
                    spec: Some(held_spec(None, &self.identity, now, self.duration, true)),
                };
                return match self.api.create(&PostParams::default(), &lease).await {
                    Ok(_) => Ok(Acquired::Taken { from: None }),
                    Err(e) if conflict(&e) => Ok(Acquired::Busy),
                    Err(e) => Err(self.err("create")(e)),
                };
            }
        };
        let (takeover, action) = match holder(current.spec.as_ref(), &self.identity, now, self.duration) {
            Holder::Other(_) => return Ok(Acquired::Busy),
            Holder::Us => (false, "renew"),
            Holder::Free => (true, "take over"),
        };
        let previous = current.spec.as_ref().and_then(|s| s.holder_identity.clone()).filter(|h| !h.is_empty());
        let mut next = current.clone();
        // `metadata.resourceVersion` is kept from the read: the replace
        // fails with 409 if anyone wrote in between.
        next.spec = Some(held_spec(current.spec.as_ref(), &self.identity, now, self.duration, takeover));
        match self.api.replace(&self.name, &PostParams::default(), &next).await {
            Ok(_) if takeover => Ok(Acquired::Taken { from: previous }),
            Ok(_) => Ok(Acquired::Renewed),
            Err(e) if conflict(&e) => Ok(Acquired::Busy),
            Err(e) => Err(self.err(action)(e)),
        }
    }

    /// Gives the Lease up if we hold it (holder and renew time cleared), so
    /// a standby takes over at once instead of after the duration. A Lease
    /// held by another replica is left alone.
    pub async fn release(&self) -> Result<(), LeaseError> {
        let Some(current) = self.api.get_opt(&self.name).await.map_err(self.err("read"))? else {
            return Ok(());
        };
        let ours = current.spec.as_ref().and_then(|s| s.holder_identity.as_deref()) == Some(self.identity.as_str());
        if !ours {
            return Ok(());
        }
        let mut next = current.clone();
        if let Some(spec) = next.spec.as_mut() {
            spec.holder_identity = None;
            spec.renew_time = None;
        }
        match self.api.replace(&self.name, &PostParams::default(), &next).await {
            // Someone else wrote since the read: it is not ours to clear.
            Err(e) if conflict(&e) => Ok(()),
            Err(e) => Err(self.err("release")(e)),
            Ok(_) => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn spec(holder: Option<&str>, renewed: Option<&str>, secs: Option<i32>) -> LeaseSpec {
        LeaseSpec {
            holder_identity: holder.map(str::to_owned),
            renew_time: renewed.map(|r| MicroTime(at(r))),
            lease_duration_seconds: secs,
            ..LeaseSpec::default()
        }
    }

    const D: Duration = Duration::from_secs(15);

    #[test]
    fn expiry_is_renew_time_plus_duration() {
        let renewed = at("2026-01-01T00:00:00Z");
        assert!(!is_expired(renewed, 15, at("2026-01-01T00:00:14.999Z")));
        assert!(is_expired(renewed, 15, at("2026-01-01T00:00:15Z")));
        assert!(is_expired(renewed, 0, renewed));
        assert!(!is_expired(renewed, u64::MAX, at("2030-01-01T00:00:00Z")));
    }

    #[test]
    fn who_holds_the_lease() {
        let now = at("2026-01-01T00:00:10Z");
        assert_eq!(holder(None, "a", now, D), Holder::Free);
        assert_eq!(holder(Some(&spec(None, Some("2026-01-01T00:00:05Z"), Some(15))), "a", now, D), Holder::Free);
        assert_eq!(holder(Some(&spec(Some(""), Some("2026-01-01T00:00:05Z"), Some(15))), "a", now, D), Holder::Free);
        assert_eq!(holder(Some(&spec(Some("b"), None, Some(15))), "a", now, D), Holder::Free);
        assert_eq!(
            holder(Some(&spec(Some("b"), Some("2026-01-01T00:00:05Z"), Some(15))), "a", now, D),
            Holder::Other("b".into())
        );
        assert_eq!(holder(Some(&spec(Some("b"), Some("2025-12-31T23:59:50Z"), Some(15))), "a", now, D), Holder::Free);
        // Our own Lease is ours even when late: renewing it is how we keep it.
        assert_eq!(holder(Some(&spec(Some("a"), Some("2025-12-31T23:00:00Z"), Some(15))), "a", now, D), Holder::Us);
        // No duration written: the default applies.
        assert_eq!(
            holder(Some(&spec(Some("b"), Some("2026-01-01T00:00:00Z"), None)), "a", now, D),
            Holder::Other("b".into())
        );
        assert_eq!(
            holder(Some(&spec(Some("b"), Some("2026-01-01T00:00:00Z"), None)), "a", now, Duration::from_secs(5)),
            Holder::Free
        );
    }

    #[test]
    fn taking_over_counts_a_transition_and_renewing_does_not() {
        let now = at("2026-01-01T00:00:10Z");
        let prev = LeaseSpec { lease_transitions: Some(2), ..spec(Some("b"), Some("2026-01-01T00:00:00Z"), Some(15)) };
        let taken = held_spec(Some(&prev), "a", now, D, true);
        assert_eq!(taken.holder_identity.as_deref(), Some("a"));
        assert_eq!(taken.lease_transitions, Some(3));
        assert_eq!(taken.acquire_time, Some(MicroTime(now)));
        assert_eq!(taken.renew_time, Some(MicroTime(now)));
        assert_eq!(taken.lease_duration_seconds, Some(15));
        let renewed = held_spec(Some(&taken), "a", at("2026-01-01T00:00:15Z"), D, false);
        assert_eq!(renewed.lease_transitions, Some(3));
        assert_eq!(renewed.acquire_time, Some(MicroTime(now)));
    }
}
