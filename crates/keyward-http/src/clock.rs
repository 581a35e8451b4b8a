//! [`Clock`]: where the client reads the time and how it waits, so tests
//! can step time instead of waiting for it.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;

/// A wait, as [`Clock::sleep`] returns it.
pub type Sleep = Pin<Box<dyn Future<Output = ()> + Send + 'static>>;

/// Where the client reads the time and how it waits: reset dates and
/// epochs in throttling headers become waits against it, access tokens
/// expire by it, service-account assertions are dated by it, and the
/// waits between attempts (and while the app asked every request to
/// wait) are its [`Clock::sleep`]. Tests put a fixed or stepped clock in
/// with [`HttpClient::set_clock`](crate::HttpClient::set_clock); any
/// `Fn() -> Timestamp` is one, waiting as tokio does.
pub trait Clock: Send + Sync {
    /// The current time.
    fn now(&self) -> Timestamp;

    /// Waits `d`. Tokio's timer unless a test steps time itself.
    fn sleep(&self, d: Duration) -> Sleep {
        Box::pin(tokio::time::sleep(d))
    }
}

impl<F: Fn() -> Timestamp + Send + Sync> Clock for F {
    fn now(&self) -> Timestamp {
        self()
    }
}

/// The waits between attempts, on the client's clock. A named type rather
/// than a closure: with a closure the retry future is not `Send` for every
/// lifetime the compiler asks about, and connectors' futures must be.
pub(crate) struct Sleeper(pub(crate) Arc<dyn Clock>);

impl backon::Sleeper for Sleeper {
    type Sleep = Sleep;

    fn sleep(&self, d: Duration) -> Sleep {
        self.0.sleep(d)
    }
}
