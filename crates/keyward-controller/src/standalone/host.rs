//! The standalone [`Host`]: the policies loaded from files (the last good
//! set kept when an edit does not load), every status written to one JSON
//! file, and always the leader.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};

use async_trait::async_trait;
use keyward_core::PolicySet;
use serde::Serialize;
use tokio::sync::watch;

use crate::engine::{Engine, ReconcileReport};
use crate::host::{Host, Wake};
use crate::http::Readiness;

/// The standalone [`Host`]: policies from files, statuses to a file, and
/// always the leader.
pub struct PolicyFiles {
    engine: Arc<Engine>,
    readiness: Arc<Readiness>,
    paths: Vec<PathBuf>,
    /// The last good policies.
    policies: RwLock<Option<Arc<PolicySet>>>,
    status_file: Option<PathBuf>,
    /// Serializes status file writes (they share a temporary file name).
    write_lock: Mutex<()>,
    last: Mutex<Option<LastReconcile>>,
    /// Always `true`: without a Lease there is nobody else to lead.
    leader: watch::Sender<bool>,
}

impl std::fmt::Debug for PolicyFiles {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PolicyFiles").field("paths", &self.paths).finish_non_exhaustive()
    }
}

impl PolicyFiles {
    /// Policies from `paths`, statuses (the `engine`'s, with `readiness`)
    /// to `status_file`.
    pub(super) fn new(
        engine: Arc<Engine>,
        readiness: Arc<Readiness>,
        paths: Vec<PathBuf>,
        status_file: Option<PathBuf>,
    ) -> Self {
        Self {
            engine,
            readiness,
            paths,
            policies: RwLock::new(None),
            status_file,
            write_lock: Mutex::new(()),
            last: Mutex::new(None),
            leader: watch::channel(true).0,
        }
    }

    /// Loads the policies; on failure the last good set stays in use for
    /// HR events. The new set, or `None` when they did not load.
    fn reload(&self) -> Option<Arc<PolicySet>> {
        match crate::engine::blocking(|| crate::policies::load_policies(&self.paths)) {
            Ok(set) => {
                let set = Arc::new(set);
                *self.policies.write().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(set.clone());
                self.readiness.policies(Ok(()));
                tracing::info!(paths = ?self.paths, "policies loaded");
                Some(set)
            }
            Err(e) => {
                let kept = if self.current().is_some() {
                    "the last good policies stay in use"
                } else {
                    "nothing is reconciled until they load"
                };
                tracing::error!(error = %e, "the policies could not be loaded; {kept}");
                self.readiness.policies(Err(e));
                self.write_status();
                None
            }
        }
    }

    fn record(&self, r: &ReconcileReport) {
        let last = LastReconcile {
            kind: r.kind,
            person: r.person.clone(),
            started: crate::status::rfc3339(r.started),
            seconds: r.duration.as_secs_f64(),
            ok: r.is_ok(),
            applied: r.applied(),
            error: r.error.clone(),
        };
        *self.last.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(last);
    }

    /// Writes the status file: to a temporary file beside it, then renamed
    /// over it, so a reader never sees half a file.
    fn write_status(&self) {
        let Some(path) = &self.status_file else { return };
        let _guard = self.write_lock.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let statuses = self.engine.statuses();
        let not_ready = self.readiness.reasons();
        let doc = StatusDoc {
            updated: crate::status::rfc3339(jiff::Timestamp::now()),
            ready: not_ready.is_empty(),
            not_ready,
            policies: PolicyState {
                paths: &self.paths,
                loaded: self.current().is_some(),
                error: self.readiness.policy_error(),
            },
            last_reconcile: self.last.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone(),
            audit_log: AuditEnd::of(&self.engine),
            applications: &statuses.applications,
            people_sources: &statuses.people_sources,
        };
        if let Err(e) = write_atomically(path, &doc) {
            tracing::error!(file = %path.display(), error = %e, "cannot write the status file");
        }
    }
}

#[async_trait]
impl Host for PolicyFiles {
    type Policies = PolicySet;
    type Error = std::convert::Infallible;

    /// Loads the files at start and after a change; a resync reuses the
    /// last good set.
    async fn load(&self, why: Wake) -> Result<Option<Arc<PolicySet>>, Self::Error> {
        Ok(match why {
            Wake::Resync => self.current(),
            Wake::Changed => {
                tracing::info!("a policy file changed; reloading");
                self.reload()
            }
            Wake::Leading => self.reload(),
        })
    }

    fn current(&self) -> Option<Arc<PolicySet>> {
        self.policies.read().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    async fn publish(&self, _: &PolicySet, report: &ReconcileReport) {
        self.record(report);
        self.write_status();
    }

    fn leadership(&self) -> watch::Receiver<bool> {
        self.leader.subscribe()
    }

    fn not_leading(&self) -> String {
        // Never asked: the standalone controller always leads.
        "not the leader".to_owned()
    }

    fn stopped(&self) {
        self.write_status();
    }
}

/// The last reconcile, as the status file shows it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct LastReconcile {
    kind: crate::engine::ReconcileKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    person: Option<String>,
    started: String,
    seconds: f64,
    ok: bool,
    applied: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<crate::status::Problem>,
}

/// The status file.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct StatusDoc<'a> {
    updated: String,
    ready: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    not_ready: Vec<String>,
    policies: PolicyState<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_reconcile: Option<LastReconcile>,
    audit_log: AuditEnd,
    applications: &'a std::collections::BTreeMap<String, keyward_core::resources::ApplicationStatus>,
    people_sources: &'a std::collections::BTreeMap<String, keyward_core::resources::PeopleSourceStatus>,
}

/// Where the audit log ends, for an operator to keep elsewhere and give
/// to `keyward audit verify --expect-records --expect-hash`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct AuditEnd {
    path: PathBuf,
    records: u64,
    last_hash: String,
}

impl AuditEnd {
    fn of(engine: &Engine) -> Self {
        let (path, records, last_hash) = engine.audit_end();
        Self { path, records, last_hash }
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct PolicyState<'a> {
    paths: &'a [PathBuf],
    loaded: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

fn write_atomically(path: &Path, doc: &impl Serialize) -> std::io::Result<()> {
    let mut text = serde_json::to_string_pretty(doc).map_err(std::io::Error::other)?;
    text.push('\n');
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, path)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    #[test]
    fn the_status_file_is_replaced_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state/status.json");
        write_atomically(&path, &serde_json::json!({"a": 1})).unwrap();
        write_atomically(&path, &serde_json::json!({"a": 2})).unwrap();
        let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(v["a"], 2);
        let names: Vec<_> =
            std::fs::read_dir(dir.path().join("state")).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, vec![std::ffi::OsString::from("status.json")], "no temporary file left behind");
    }
}
