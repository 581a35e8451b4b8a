//! Support shared by the connector tests against request-level stubs.

use std::time::Duration;

use keyward_connectors::http::RetryPolicy;

/// Retries with delays short enough for a test.
pub fn fast() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 4,
        max_total_wait: Duration::from_secs(5),
        min_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(40),
    }
}
