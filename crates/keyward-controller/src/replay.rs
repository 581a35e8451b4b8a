//! Replayed HR events: the signatures of the events taken, remembered for
//! as long as their timestamp is accepted, so a captured request sent
//! again is refused instead of queueing the same reconciles once more.
//!
//! A signature covers the timestamp and the body, so a sender that means
//! to send a change again signs a new request (a new timestamp) and is
//! not refused; only the same bytes sent again are. A signature is
//! forgotten when its timestamp leaves the accepted window
//! ([`MAX_SKEW_SECONDS`] after it): from then on the request is refused as
//! stale anyway. Memory is bounded: at most [`MAX_REMEMBERED`] signatures;
//! when that many events arrived within one window, further ones are
//! refused until the oldest expires (refusing fails safe — the periodic
//! resync still comes — where forgetting one would let it be replayed).
//! Pure: the caller gives the time.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Mutex, PoisonError};

use crate::webhook::MAX_SKEW_SECONDS;

/// Most signatures remembered at once: 33 events a second for the whole
/// window, far above what HR systems send (bulk changes are the resync's).
pub const MAX_REMEMBERED: usize = 10_000;

/// What [`Replays::claim`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    /// Not seen before: now remembered.
    New,
    /// Taken before, at this time (Unix seconds).
    Replay {
        /// When the event was first taken.
        first_seen: i64,
    },
    /// The memory is full; try again after this many seconds.
    Full {
        /// Seconds until the oldest signature expires.
        retry_after: i64,
    },
}

#[derive(Debug, Default)]
struct Seen {
    /// Signature → (expiry, when first taken).
    by_tag: HashMap<Vec<u8>, (i64, i64)>,
    /// (expiry, signature), oldest first.
    by_expiry: BTreeSet<(i64, Vec<u8>)>,
}

/// The signatures of events taken within the window.
#[derive(Debug, Default)]
pub struct Replays {
    seen: Mutex<Seen>,
}

impl Replays {
    /// Remembers the signature `tag` of an event signed at `signed_at`,
    /// unless it was seen already or the memory is full. `now` and
    /// `signed_at` are Unix seconds.
    pub fn claim(&self, tag: &[u8], signed_at: i64, now: i64) -> Claim {
        let mut seen = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
        while let Some((expiry, old)) = seen.by_expiry.first().cloned() {
            if expiry >= now {
                break;
            }
            seen.by_expiry.remove(&(expiry, old.clone()));
            seen.by_tag.remove(&old);
        }
        if let Some(&(_, first_seen)) = seen.by_tag.get(tag) {
            return Claim::Replay { first_seen };
        }
        if seen.by_tag.len() >= MAX_REMEMBERED {
            let oldest = seen.by_expiry.first().map_or(now, |(e, _)| *e);
            return Claim::Full { retry_after: oldest.saturating_sub(now).saturating_add(1) };
        }
        let expiry = signed_at.saturating_add(MAX_SKEW_SECONDS);
        seen.by_tag.insert(tag.to_vec(), (expiry, now));
        seen.by_expiry.insert((expiry, tag.to_vec()));
        Claim::New
    }

    /// Forgets a claimed signature whose event was not taken after all
    /// (a body of no accepted shape, a controller that cannot take events
    /// now), so sending the same request again is a retry, not a replay.
    pub fn release(&self, tag: &[u8]) {
        let mut seen = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((expiry, _)) = seen.by_tag.remove(tag) {
            seen.by_expiry.remove(&(expiry, tag.to_vec()));
        }
    }

    /// Signatures remembered now.
    pub fn len(&self) -> usize {
        self.seen.lock().unwrap_or_else(PoisonError::into_inner).by_tag.len()
    }

    /// `true` when none is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_795_425_300;

    #[test]
    fn a_signature_is_refused_again_until_its_timestamp_is_stale() {
        let r = Replays::default();
        assert_eq!(r.claim(b"a", NOW, NOW), Claim::New);
        assert_eq!(r.claim(b"a", NOW, NOW + 10), Claim::Replay { first_seen: NOW });
        assert_eq!(r.claim(b"b", NOW, NOW + 10), Claim::New);
        // Signed 300 s ago: the last second it is accepted, still a replay.
        assert_eq!(r.claim(b"a", NOW, NOW + MAX_SKEW_SECONDS), Claim::Replay { first_seen: NOW });
        // Past the window it is forgotten (and verify refuses it as stale).
        assert_eq!(r.claim(b"c", NOW + 400, NOW + MAX_SKEW_SECONDS + 1), Claim::New);
        assert_eq!(r.len(), 1);
    }

    #[test]
    fn a_released_signature_may_be_sent_again() {
        let r = Replays::default();
        assert_eq!(r.claim(b"a", NOW, NOW), Claim::New);
        r.release(b"a");
        assert!(r.is_empty());
        assert_eq!(r.claim(b"a", NOW, NOW + 1), Claim::New);
    }

    #[test]
    fn memory_is_bounded_and_a_full_memory_refuses_rather_than_forgets() {
        let r = Replays::default();
        for i in 0..MAX_REMEMBERED {
            let signed = NOW - 100 + i64::try_from(i % 50).unwrap_or(0);
            assert_eq!(r.claim(&i.to_be_bytes(), signed, NOW), Claim::New);
        }
        assert_eq!(r.claim(b"one more", NOW, NOW), Claim::Full { retry_after: 201 });
        assert_eq!(r.claim(&0usize.to_be_bytes(), NOW - 100, NOW), Claim::Replay { first_seen: NOW });
        // Once the oldest expire, there is room again.
        assert_eq!(r.claim(b"one more", NOW + 199, NOW + 201), Claim::New);
        assert!(r.len() < MAX_REMEMBERED);
    }
}
