//! The Directory API's batch endpoint stub (`keyward_testkit::google_batch`,
//! shared with the discovery benchmark), mounted behind this suite's
//! bearer token.

use keyward_testkit::google_batch::Batches;
pub(crate) use keyward_testkit::google_batch::{BATCH, BatchStub, Hostile, asps, error_body, tokens};

use crate::support::{Setup, bearer};

/// Mounting a [`BatchStub`] on a test's stub server.
pub(crate) trait MountBatch {
    /// Mounts the stub behind the suite's token; the batches it receives stay readable.
    async fn mount(self, s: &Setup) -> Batches;
}

impl MountBatch for BatchStub {
    async fn mount(self, s: &Setup) -> Batches {
        self.mount_on(&s.server, bearer()).await
    }
}
