//! What a prepared run will do, counted the way an operator is asked to
//! approve it: changes keyward makes itself apart from the items it only
//! writes down for a human and the apps it only plans.

use std::collections::BTreeSet;

use keyward_core::action::Action;
use keyward_core::plan::Plan;

use crate::strategy::Strategy;

/// The counts behind `apply`'s confirmation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// Changes made through a connector (reviews never are).
    pub changes: usize,
    /// Apps those changes go to.
    pub change_apps: usize,
    /// Items written to a checklist for a human.
    pub checklist_items: usize,
    /// Apps with a checklist.
    pub checklist_apps: usize,
    /// Apps with changes that are only planned (observed).
    pub planned_apps: usize,
}

impl Tally {
    /// Counts `plan`'s non-review changes by their app's strategy
    /// (`strategy` answers per app name; an app it does not know is
    /// counted as changed, the way the applier runs it). `observed` names
    /// the apps only planned, whose changes the run left out.
    pub fn count(plan: &Plan, strategy: impl Fn(&str) -> Option<Strategy>, observed: &BTreeSet<String>) -> Self {
        let mut tally = Self { planned_apps: observed.len(), ..Self::default() };
        for app in &plan.apps {
            let n = plan.changes_for(&app.name).iter().filter(|c| c.action != Action::Review).count();
            if n == 0 {
                continue;
            }
            match strategy(&app.name).unwrap_or(Strategy::Enforce) {
                Strategy::Enforce => {
                    tally.changes += n;
                    tally.change_apps += 1;
                }
                Strategy::Checklist => {
                    tally.checklist_items += n;
                    tally.checklist_apps += 1;
                }
                // Left out of the run already: counted in `observed`.
                Strategy::Observe => {}
            }
        }
        tally
    }
}
