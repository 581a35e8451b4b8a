//! Planning with the listings that could be read: the apps that could not
//! be read get no change at all, the others are planned as usual.

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::Date;
use keyward_core::People;
use keyward_core::PolicySet;
use keyward_core::account::AccountListing;
use keyward_core::plan::Plan;
use keyward_core::roster::Roster;

use super::blocking;
use crate::status::Problem;

/// Plans with what could be read: for everyone, or (`only`) for the person
/// at that position in `people`. An app that could not be read (no listing,
/// or a problem) is planned from an empty stand-in listing — apps are
/// planned independently, so that does not touch the others — and every
/// one of its changes is dropped. The roster (whom earlier reconciles saw)
/// shows the people who vanished from the HR data since; a one-person plan
/// does not look at it.
pub(super) fn plan_readable(
    set: &PolicySet,
    people: &People,
    mut listings: BTreeMap<String, AccountListing>,
    problems: &BTreeMap<String, Problem>,
    today: Date,
    only: Option<usize>,
    roster: &Roster,
) -> Result<Plan, Problem> {
    let usable: BTreeSet<String> = set
        .applications
        .iter()
        .filter(|a| listings.contains_key(&a.name) && !problems.contains_key(&a.name))
        .map(|a| a.name.clone())
        .collect();
    for app in &set.applications {
        listings.entry(app.name.clone()).or_insert_with(|| AccountListing::new(app.name.clone(), Vec::new()));
    }
    let planned = blocking(|| match only {
        None => keyward_core::plan_with_roster(set, people, &listings, today, roster),
        Some(i) => keyward_core::plan_scoped(set, people, &listings, today, &[i]),
    });
    let mut plan = planned.map_err(|e| Problem::new("PlanFailed", format!("the plan could not be made: {e}")))?;
    plan.retain_changes(|c| usable.contains(c.app.as_str()));
    Ok(plan)
}
