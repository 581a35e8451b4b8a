//! What a reconcile returns: which one it was, what each app's outcome
//! was, and every status after it. Data only; the engine fills it.

use std::collections::BTreeMap;
use std::time::Duration;

use jiff::Timestamp;
use jiff::civil::Date;
use keyward_core::resources::{ApplicationStatus, PeopleSourceStatus};
use serde::Serialize;

use crate::metrics::KindLabel;
use crate::status::{AppOutcome, Problem};

/// Which reconcile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum ReconcileKind {
    /// Every person and every app.
    Full,
    /// One person, after an HR event.
    Person,
}

impl ReconcileKind {
    pub(super) fn label(self) -> KindLabel {
        match self {
            Self::Full => KindLabel::full,
            Self::Person => KindLabel::person,
        }
    }

    pub(super) fn as_str(self) -> &'static str {
        match self {
            Self::Full => "full",
            Self::Person => "person",
        }
    }
}

/// What one reconcile saw and did.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReconcileReport {
    /// Full or person.
    pub kind: ReconcileKind,
    /// For a person's reconcile: the employee number or e-mail asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub person: Option<String>,
    /// The day planned for.
    pub date: Date,
    /// When it started.
    pub started: Timestamp,
    /// How long it took.
    pub duration: Duration,
    /// Why nothing at all was planned (the HR data could not be read, the
    /// person is not in it, the plan failed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<Problem>,
    /// Stopped before applying because the controller is shutting down;
    /// nothing was applied and no status changed.
    pub interrupted: bool,
    /// What happened to each app (for a person's reconcile: the apps in
    /// enforce mode).
    pub apps: BTreeMap<String, AppOutcome>,
    /// Audit log run ids of the applies made.
    pub run_ids: Vec<String>,
    /// Every Application's status after this reconcile.
    pub applications: BTreeMap<String, ApplicationStatus>,
    /// Every PeopleSource's status after this reconcile.
    pub people_sources: BTreeMap<String, PeopleSourceStatus>,
}

impl ReconcileReport {
    pub(super) fn new(kind: ReconcileKind, person: Option<&str>, date: Date) -> Self {
        Self {
            kind,
            person: person.map(str::to_owned),
            date,
            started: Timestamp::now(),
            duration: Duration::ZERO,
            error: None,
            interrupted: false,
            apps: BTreeMap::new(),
            run_ids: Vec::new(),
            applications: BTreeMap::new(),
            people_sources: BTreeMap::new(),
        }
    }

    /// `true` when everything was read and planned and no change failed.
    /// A guard refusal is not an error: the guard did its job.
    pub fn is_ok(&self) -> bool {
        !self.interrupted
            && self.error.is_none()
            && self.apps.values().all(|o| o.problem.is_none() && o.failed + o.skipped == 0 && o.failures.is_empty())
    }

    /// Changes applied over all apps.
    pub fn applied(&self) -> u32 {
        self.apps.values().map(|o| o.applied).sum()
    }
}

/// The last statuses, by resource name.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Statuses {
    /// Application name → status.
    pub applications: BTreeMap<String, ApplicationStatus>,
    /// PeopleSource name → status.
    pub people_sources: BTreeMap<String, PeopleSourceStatus>,
}
