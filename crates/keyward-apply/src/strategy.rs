//! How the changes of one app are carried out, decided in one place from
//! the app's spec and connector and from what the caller asked for.
//!
//! Pure: no I/O. The applier asks [`Strategy::decide`] once per app while
//! preparing; nothing else chooses between making changes, only planning
//! them, and writing them down for a human.

use keyward_connectors::Connector;
use keyward_core::plan::AppSummary;
use keyward_core::resources::{ApplicationSpec, ReconcileMode};

/// Which apps the caller wants changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Every app of the plan, whatever its `spec.mode`: `keyward apply`,
    /// where an operator approved the plan as it was shown.
    EveryApp,
    /// Only Applications in `spec.mode: enforce`; the others are observed
    /// (planned, never changed): the controller, which runs unattended.
    EnforcedApps,
}

/// How one app's changes are carried out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strategy {
    /// The changes are made through the app's connector, phase by phase.
    Enforce,
    /// Plan only: nothing is executed or recorded, and the changes stay
    /// drift for whoever reports it.
    Observe,
    /// The app can only be read: its changes are written to a Markdown
    /// checklist for a human, and nothing is sent to it.
    Checklist,
}

impl Strategy {
    /// The strategy for `app`: observed when the caller changes enforced
    /// apps only and the Application (`spec`, absent when the policies no
    /// longer declare it) is not enforced; a checklist when the plan or the
    /// connector says the app is read-only; else enforced. An enforced app
    /// without a connector stays enforced, so each of its changes fails
    /// with the reason instead of vanishing.
    pub fn decide(
        app: &AppSummary,
        spec: Option<&ApplicationSpec>,
        connector: Option<&dyn Connector>,
        scope: Scope,
    ) -> Self {
        if scope == Scope::EnforcedApps && spec.is_none_or(|s| s.mode != ReconcileMode::Enforce) {
            return Self::Observe;
        }
        if app.read_only || connector.is_some_and(|c| c.capabilities().is_read_only()) {
            return Self::Checklist;
        }
        Self::Enforce
    }
}
