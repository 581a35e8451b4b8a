//! The planner: desired state against accounts, per app, as a [`Plan`].
//!
//! `plan(policy, people, accounts, today)` is pure and deterministic: the
//! same inputs give a byte-identical plan. Safety rules live here:
//! deprovisioning needs a positive HR fact (a last working day, a
//! terminated status, a leave), never the absence of a person; orphans and
//! doubtful matches are listed for review, never changed; deletion waits for
//! the hand-over target.
//!
//! [`plan`] evaluates and correlates once, plans every app on its own
//! (`app`), one person at a time (`person`), adds the reviews of accounts
//! matching nobody (`reviews`) and turns what the connector cannot do into
//! work for a human (`manual`), then checks separation of duties over all
//! apps (`duties`). What a person's planning holds back until a later day
//! (`moverGrace`, a hand-over Exception) is listed as held (`held`); an
//! export older than its limit, or dated after the plan, is a warning
//! (`exports`). People the roster remembers whom the HR read no longer has
//! are matched to their accounts and reviewed (`vanished`). The plan's data
//! model is [`crate::plan`], below this.

use std::collections::BTreeMap;

use jiff::civil::Date;

use crate::account::AccountListing;
use crate::compile::PolicySet;
use crate::correlate::Indexes;
use crate::evaluate::{select_all, selector_warnings_from};
use crate::i18n::Lang;
use crate::people::{People, Phase};
use crate::plan::{Changes, Counts, PLAN_FORMAT_VERSION, PeopleSummary, Plan, PlanError, SeatChange};
use crate::roster::Roster;

mod app;
mod context;
mod done;
mod duties;
mod exports;
mod held;
mod manual;
mod person;
mod reviews;
mod vanished;

pub use done::settle_completions;

use app::{AppPart, plan_app, sort_key};
use context::{Scratch, Shared};

/// Makes the plan. See the module docs for the rules.
pub fn plan(
    set: &PolicySet,
    people: &People,
    listings: &BTreeMap<String, AccountListing>,
    today: Date,
) -> Result<Plan, PlanError> {
    plan_inner(set, people, listings, today, None, None)
}

/// [`plan`] with the roster of everyone seen before: people it remembers
/// whom `people` no longer has are listed as vanished, with their accounts
/// reviewed (see [`crate::roster`]).
pub fn plan_with_roster(
    set: &PolicySet,
    people: &People,
    listings: &BTreeMap<String, AccountListing>,
    today: Date,
    roster: &Roster,
) -> Result<Plan, PlanError> {
    plan_inner(set, people, listings, today, None, Some(roster))
}

/// Plans for some people only: the people at indexes `only` of
/// [`People::persons`]. For a reconcile of one person after an HR event,
/// where each listing holds only the accounts that may be theirs, so
/// accounts matching nobody say nothing and are not listed for review.
/// Everyone stays in `people`, so managers (hand-over targets) and
/// correlation still see the whole HR master.
pub fn plan_scoped(
    set: &PolicySet,
    people: &People,
    listings: &BTreeMap<String, AccountListing>,
    today: Date,
    only: &[usize],
) -> Result<Plan, PlanError> {
    let mut only: Vec<usize> = only.iter().copied().filter(|&i| i < people.len()).collect();
    only.sort_unstable();
    only.dedup();
    plan_inner(set, people, listings, today, Some(&only), None)
}

fn plan_inner(
    set: &PolicySet,
    people: &People,
    listings: &BTreeMap<String, AccountListing>,
    today: Date,
    scope: Option<&[usize]>,
    roster: Option<&Roster>,
) -> Result<Plan, PlanError> {
    let compiled = &set.compiled;
    let phases: Vec<Phase> = people.persons().iter().map(|p| p.phase(today)).collect();

    let mut summary_people = PeopleSummary { total: people.len(), ..Default::default() };
    for ph in &phases {
        match ph {
            Phase::NotStarted { .. } => summary_people.not_started += 1,
            Phase::Employed => summary_people.employed += 1,
            Phase::OnLeave => summary_people.on_leave += 1,
            Phase::Left { .. } => summary_people.left += 1,
        }
    }

    for app in &compiled.apps {
        if !listings.contains_key(&app.name) {
            return Err(PlanError::MissingListing(app.name.clone()));
        }
    }
    // Who gets what, and who owns which key, are independent.
    let (selections, indexes) =
        rayon::join(|| select_all(compiled, people, &phases, today), || Indexes::build(&compiled.apps, people));
    // A person's reconcile does not look for the vanished: the full plan does.
    let roster = roster.filter(|_| scope.is_none()).map(|r| vanished::RosterView::new(compiled, r, people));
    if let Some(r) = &roster {
        (summary_people.vanished, summary_people.known) = (r.vanished, r.known);
    }
    let vanish = roster.as_ref().and_then(|r| r.vanish.as_ref());
    let shared =
        Shared { set, compiled, people, phases: &phases, selections: &selections, indexes: &indexes, today, scope };
    // Apps are independent: plan them in parallel, collected in app order so
    // the plan stays byte-identical.
    let per_app: Vec<AppPart> = {
        use rayon::prelude::*;
        compiled
            .apps
            .par_iter()
            .enumerate()
            .map_init(Scratch::default, |scratch, (app_idx, app)| {
                plan_app(&shared, app_idx, app, &listings[&app.name], vanish, scratch)
            })
            .collect()
    };
    let mut by_app = Vec::with_capacity(per_app.len());
    let mut apps = Vec::with_capacity(per_app.len());
    let mut holdings = Vec::with_capacity(per_app.len());
    let mut held = Vec::new();
    let mut vanished_accounts = Vec::new();
    for part in per_app {
        apps.push(part.summary);
        by_app.push(part.changes);
        holdings.push(part.holdings);
        held.extend(part.held);
        vanished_accounts.extend(part.vanished);
    }
    // Separation of duties spans apps, so it looks at the finished per-app
    // plans; what it holds back changes those apps' order and counts.
    let app_listings: Vec<&AccountListing> = compiled.apps.iter().map(|a| &listings[&a.name]).collect();
    let (violations, touched) =
        duties::check(compiled, people, &selections, scope, &mut by_app, &app_listings, &holdings);
    for ((app, app_changes), _) in apps.iter_mut().zip(by_app.iter_mut()).zip(touched).filter(|(_, t)| *t) {
        app_changes.sort_by(|a, b| sort_key(a).cmp(&sort_key(b)));
        let mut counts = Counts::default();
        for c in app_changes.iter() {
            counts.add(c.action);
        }
        app.changes = counts;
        app.seats = app.seat_cost.as_ref().map(|c| SeatChange::of(c, &counts));
    }
    let mut summary = Counts::default();
    for c in by_app.iter().flatten() {
        summary.add(c.action);
    }
    let mut warning_messages = selections.warnings.clone();
    warning_messages.extend(exports::export_warnings(&apps));
    warning_messages.extend(roster.as_ref().and_then(vanished::RosterView::warning));
    let warnings = warning_messages.iter().map(|m| m.render(Lang::En)).collect();
    Ok(Plan {
        api_version: crate::resources::API_VERSION.to_owned(),
        kind: "Plan".to_owned(),
        format_version: PLAN_FORMAT_VERSION,
        date: today,
        people: summary_people,
        apps,
        summary,
        changes: Changes::per_app(by_app),
        warnings,
        warning_messages,
        violations,
        duty_rules: compiled.duties.len(),
        // A person's reconcile looks at one person: what policies select
        // over everyone is the full plan's to say.
        diagnostics: if scope.is_none() { selector_warnings_from(set, people, &selections, today) } else { Vec::new() },
        held,
        vanished: vanish.map(|v| v.list(vanished_accounts)).unwrap_or_default(),
        done: Vec::new(),
    })
}
