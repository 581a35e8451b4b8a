//! The pause a throttle answer puts on the whole app.
//!
//! Vendors count their limits per token or organisation (Slack, Graph,
//! GitHub), not per request: when one request is told "429, retry after
//! 2 s", every other request with the same credential that goes out
//! inside those 2 s is throttled too, and keeps the storm going. So a
//! throttle answer pauses the client — every request of every caller
//! sharing it (concurrent applies in the controller share the app's
//! connector) — until the time asked has passed; then the requests
//! resume through the client's rate limiter, at the configured rate.
//!
//! Deadlines are read from the client's [`Clock`], so tests step time.

use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use jiff::Timestamp;

use crate::Clock;

/// Until when the app asked every request to wait, if it did.
#[derive(Debug, Default)]
pub(crate) struct Pause {
    until: Mutex<Option<Timestamp>>,
}

impl Pause {
    fn until(&self) -> Option<Timestamp> {
        *self.until.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Pauses every request until `d` from `now`, or later if already so.
    pub(crate) fn extend(&self, now: Timestamp, d: Duration) {
        let to = now.checked_add(d).unwrap_or(Timestamp::MAX);
        let mut until = self.until.lock().unwrap_or_else(PoisonError::into_inner);
        if until.is_none_or(|u| u < to) {
            *until = Some(to);
        }
    }

    /// `true` while a pause lasts at `now`.
    pub(crate) fn active(&self, now: Timestamp) -> bool {
        self.until().is_some_and(|u| u > now)
    }

    /// Ends the pause that lasted until `until`, unless it was extended.
    fn clear_if(&self, until: Timestamp) {
        let mut current = self.until.lock().unwrap_or_else(PoisonError::into_inner);
        if *current == Some(until) {
            *current = None;
        }
    }

    /// Waits while the app is paused, also through extensions made
    /// meanwhile. Returns how long it waited, or, without waiting, how
    /// long is left of a pause that would take more than `left`.
    pub(crate) async fn wait_out(&self, clock: &dyn Clock, left: Duration) -> Result<Duration, Duration> {
        let mut waited = Duration::ZERO;
        // Where the last wait ended, by the pause's own reckoning: a
        // clock that does not move (a test's) still ends each wait.
        let mut from: Option<Timestamp> = None;
        while let Some(until) = self.until() {
            let remaining = until.duration_since(from.unwrap_or_else(|| clock.now()));
            if remaining.is_negative() || remaining.is_zero() {
                self.clear_if(until);
                break;
            }
            let remaining = remaining.unsigned_abs();
            if waited + remaining > left {
                return Err(remaining);
            }
            clock.sleep(remaining).await;
            waited += remaining;
            self.clear_if(until);
            from = Some(until);
        }
        Ok(waited)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn t0() -> Timestamp {
        "2026-03-01T12:00:00Z".parse().unwrap()
    }

    /// A clock that stays at `t0` and whose waits end at once.
    struct Fixed;

    impl Clock for Fixed {
        fn now(&self) -> Timestamp {
            t0()
        }
        fn sleep(&self, _: Duration) -> crate::Sleep {
            Box::pin(async {})
        }
    }

    #[tokio::test]
    async fn a_pause_is_waited_out_once_and_only_extended_forward() {
        let p = Pause::default();
        let fixed = Fixed;
        assert_eq!(p.wait_out(&fixed, Duration::ZERO).await, Ok(Duration::ZERO));
        p.extend(t0(), Duration::from_secs(5));
        p.extend(t0(), Duration::from_secs(2));
        assert!(p.active(t0()) && !p.active(t0() + Duration::from_secs(5)));
        assert_eq!(p.wait_out(&fixed, Duration::from_secs(4)).await, Err(Duration::from_secs(5)));
        assert_eq!(p.wait_out(&fixed, Duration::from_secs(60)).await, Ok(Duration::from_secs(5)));
        // Waited out: the next request goes at once, even by a clock that
        // did not move.
        assert!(!p.active(t0()));
        assert_eq!(p.wait_out(&fixed, Duration::ZERO).await, Ok(Duration::ZERO));
    }
}
