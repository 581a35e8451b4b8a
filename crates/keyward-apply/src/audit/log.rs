//! [`AuditLog`]: one handle over the two places a log can be kept, the
//! JSON Lines file (the embedded default) and a chain in PostgreSQL.
//!
//! An enum rather than a trait: there are exactly two backends, both live
//! in this crate, and callers (the applier, the controller, the CLI) hold
//! one concrete, cheaply cloned type without boxing async trait methods;
//! a third backend is one more arm the compiler makes every method handle.

use std::path::Path;

use super::file::FileLog;
use super::postgres::PgLog;
use super::{AuditError, AuditKey, Entry, Record};

/// An open audit log, ready to append. Cheap to clone; clones share the
/// file or the connections, and records from concurrent tasks are
/// serialized (in PostgreSQL, also with every other writer of the chain).
#[derive(Debug, Clone)]
pub struct AuditLog {
    backend: Backend,
    /// Stamped on every record that does not name its own (see
    /// [`super::actor`]).
    actor: Option<std::sync::Arc<str>>,
}

#[derive(Debug, Clone)]
enum Backend {
    File(FileLog),
    Postgres(PgLog),
}

impl AuditLog {
    /// Opens (creating it and its directory if missing) and verifies a log.
    ///
    /// Refuses a log whose chain does not verify or whose last line is
    /// torn, a log another process has open, and a keyed log (see
    /// [`AuditLog::open_keyed`]).
    pub fn open(path: impl AsRef<Path>) -> Result<Self, AuditError> {
        Self::open_keyed(path, None)
    }

    /// As [`AuditLog::open`]; with `key`, checks the HMACs of the records
    /// that carry one and signs every record written. Without a key, a log
    /// whose records carry HMACs is refused: unkeyed records after them
    /// would break it.
    pub fn open_keyed(path: impl AsRef<Path>, key: Option<AuditKey>) -> Result<Self, AuditError> {
        Ok(Self { backend: Backend::File(FileLog::open(path.as_ref(), key)?), actor: None })
    }

    pub(crate) fn postgres(log: PgLog) -> Self {
        Self { backend: Backend::Postgres(log), actor: None }
    }

    /// The same log stamping `actor` (who runs this process, e.g.
    /// [`actor::from_env`](super::actor::from_env)) on every record it
    /// writes; bounded and stripped of control characters.
    #[must_use]
    pub fn with_actor(mut self, actor: Option<&str>) -> Self {
        self.actor = actor.and_then(super::actor::clean).map(std::sync::Arc::from);
        self
    }

    /// Who the records this log writes name as their actor.
    pub fn actor(&self) -> Option<&str> {
        self.actor.as_deref()
    }

    /// The file, or the chain in PostgreSQL as `postgres://user@host:port/db#chain`
    /// (never with a password).
    pub fn path(&self) -> &Path {
        match &self.backend {
            Backend::File(f) => f.path(),
            Backend::Postgres(p) => p.path(),
        }
    }

    /// `true` when other processes may append to the same log (a chain in
    /// PostgreSQL): what this process saw of it may be out of date.
    pub fn is_shared(&self) -> bool {
        matches!(self.backend, Backend::Postgres(_))
    }

    /// Every record of the log as the store holds it now, verified.
    pub async fn read_all(&self) -> Result<Vec<Record>, AuditError> {
        match &self.backend {
            Backend::File(f) => {
                let path = f.path().to_owned();
                tokio::task::spawn_blocking(move || super::read(path))
                    .await
                    .map_err(|e| AuditError::Internal(format!("the audit task failed: {e}")))?
            }
            Backend::Postgres(p) => p.records().await,
        }
    }

    /// The HR head count of the last run that started, was not refused by
    /// a guard and finished, as this process last saw it; `None` before
    /// the first such run. For a file (locked while open) that is the
    /// whole log; other writers may append to a PostgreSQL chain, so the
    /// guards use [`AuditLog::people_baseline`], which asks the store.
    ///
    /// Refused runs are left out so that rerunning a refused apply cannot
    /// lower the baseline and slip past the HR-shrink guard; unfinished
    /// (crashed) runs are left out because an older figure can only make
    /// the guard stricter. Runs that applied nothing still count: their
    /// snapshot passed the guards, and an organisation whose apps are all
    /// read-only never applies anything, yet needs the guard too.
    pub fn last_people_total(&self) -> Option<usize> {
        match &self.backend {
            Backend::File(f) => f.last_people_total(),
            Backend::Postgres(p) => p.last_people_total(),
        }
    }

    /// [`AuditLog::last_people_total`] as the store holds it now,
    /// including what other writers appended since this log was opened.
    /// This is what [`guard::check`](crate::guard::check) compares the next
    /// snapshot with.
    pub async fn people_baseline(&self) -> Result<Option<usize>, AuditError> {
        match &self.backend {
            Backend::File(f) => Ok(f.last_people_total()),
            Backend::Postgres(p) => p.people_baseline().await,
        }
    }

    /// `hash` of the last record written or seen; [`GENESIS`](super::GENESIS)
    /// for an empty log.
    pub fn last_hash(&self) -> String {
        match &self.backend {
            Backend::File(f) => f.last_hash(),
            Backend::Postgres(p) => p.head().1,
        }
    }

    /// Records in the log (the `seq` of the last written or seen): with
    /// [`Self::last_hash`], what to keep elsewhere for
    /// [`verify_with`](super::verify_with).
    pub fn records(&self) -> u64 {
        match &self.backend {
            Backend::File(f) => f.records(),
            Backend::Postgres(p) => p.head().0,
        }
    }

    /// Appends one record and waits until it is on disk. Blocking, and only
    /// for a file: from async code, and for PostgreSQL, use
    /// [`AuditLog::record_async`].
    pub fn record(&self, run: &str, entry: Entry) -> Result<Record, AuditError> {
        let entry = entry.by(self.actor());
        match &self.backend {
            Backend::File(f) => f.record(run, entry),
            Backend::Postgres(_) => {
                Err(AuditError::Internal("a PostgreSQL audit store is written with record_async".to_owned()))
            }
        }
    }

    /// Puts the log in the state a failed write leaves it in.
    #[cfg(test)]
    pub(crate) fn break_for_test(&self, why: &str) {
        if let Backend::File(f) = &self.backend {
            f.break_for_test(why);
        }
    }

    /// Appends one record: to a file on tokio's blocking pool, so waiting
    /// for the disk does not stall the calls in flight; to PostgreSQL in
    /// one transaction holding the chain's head. Needs a tokio runtime.
    pub async fn record_async(&self, run: &str, entry: Entry) -> Result<Record, AuditError> {
        let entry = entry.by(self.actor());
        match &self.backend {
            Backend::File(f) => {
                let log = f.clone();
                let run = run.to_owned();
                tokio::task::spawn_blocking(move || log.record(&run, entry))
                    .await
                    .map_err(|e| AuditError::Internal(format!("the audit task failed: {e}")))?
            }
            Backend::Postgres(p) => p.append(run, entry).await,
        }
    }
}
