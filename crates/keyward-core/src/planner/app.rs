//! One app's part of the plan: every person's changes, the reviews of
//! accounts matching nobody, and the app's summary.

use crate::account::AccountListing;
use crate::action::Action;
use crate::compile::model::CompiledApp;
use crate::correlate::Link;
use crate::evaluate::EntView;
use crate::plan::{AppSummary, Change, Counts, ExportAge, Held, SeatChange, VanishedAccount};
use crate::resources::{CsvExportConnector, DEFAULT_EXPORT_MAX_AGE};

use super::context::{AppCtx, Scratch, Shared};
use super::duties::Holding;
use super::manual::hand_to_humans;
use super::person::PersonPlanner;
use super::reviews::{plan_doubted, plan_foreign_domains, plan_unmatched};
use super::vanished::Vanish;

/// One app's part of the plan.
pub(super) struct AppPart {
    /// The app's summary for the plan's header.
    pub(super) summary: AppSummary,
    /// Its changes, in order.
    pub(super) changes: Vec<Change>,
    /// The accounts separation of duties must look at (for apps a rule
    /// names).
    pub(super) holdings: Vec<Holding>,
    /// The changes held back until a later day.
    pub(super) held: Vec<Held>,
    /// Accounts of vanished people, with the person's index in the
    /// roster's vanished.
    pub(super) vanished: Vec<(usize, VanishedAccount)>,
}

/// Plans one app: see [`AppPart`].
pub(super) fn plan_app(
    shared: &Shared<'_>,
    app_idx: usize,
    app: &CompiledApp,
    listing: &AccountListing,
    vanish: Option<&Vanish<'_>>,
    scratch: &mut Scratch,
) -> AppPart {
    let (compiled, people, selections) = (shared.compiled, shared.people, shared.selections);
    let ctx = AppCtx::new(app, listing, people, shared.indexes, scratch);
    // A plan usually touches a small share of an app's accounts; starting
    // near that size saves regrowing (and re-faulting) a large vector.
    let mut app_changes = Vec::with_capacity(listing.accounts.len() / 16 + 16);
    let mut app_held = Vec::new();
    let mut ent = EntView::default();
    let everyone = 0..people.len();
    let persons: &mut dyn Iterator<Item = usize> = match shared.scope {
        Some(only) => &mut only.iter().copied(),
        None => &mut everyone.clone(),
    };
    for pi in persons {
        let maybe = selections.grants_app(pi, app_idx);
        let accounts = ctx.accounts_of(pi);
        if !maybe && accounts.is_empty() {
            continue;
        }
        let granted = maybe && selections.entitlement(compiled, pi, app_idx, &mut ent);
        if granted {
            ent.cap_for_partner(app, &people.persons()[pi]);
        }
        let person = &people.persons()[pi];
        let mut p = PersonPlanner { ctx: &ctx, s: shared, person, pi, out: &mut app_changes, held: &mut app_held };
        p.plan(granted.then_some(&ent), accounts);
    }
    let mut vanished = Vec::new();
    if shared.scope.is_none() {
        plan_unmatched(&ctx, people, shared.indexes, shared.today, &mut app_changes);
        if let Some(v) = vanish {
            vanished = v.mark(&ctx, &mut app_changes);
        }
    }
    let mut holdings = Vec::new();
    if app.in_duties {
        for (ai, l) in ctx.links.iter().enumerate() {
            if let Link::Person { person, .. } = l
                && shared.scope.is_none_or(|only| only.binary_search(&(*person as usize)).is_ok())
            {
                holdings.push(Holding { person: *person, account: ai as u32 });
            }
        }
    }
    plan_doubted(&ctx, people, shared.scope, &mut app_changes);
    plan_foreign_domains(&ctx, people, shared.scope, &mut app_changes);
    if !listing.capabilities.is_read_only() {
        hand_to_humans(app, &listing.capabilities, &mut app_changes);
    }
    app_changes.sort_by(|a, b| sort_key(a).cmp(&sort_key(b)));
    app_held.sort_by(|a, b| sort_key(&a.change).cmp(&sort_key(&b.change)));
    let mut counts = Counts::default();
    for c in &app_changes {
        counts.add(c.action);
    }
    let spec = shared.set.application(&app.name).map(|a| &a.spec);
    let summary = AppSummary {
        name: app.name.clone(),
        display_name: spec.and_then(|s| s.display_name.clone()).unwrap_or_else(|| app.name.clone()),
        connector: app.connector.to_owned(),
        source: listing.source.clone(),
        read_only: listing.capabilities.is_read_only(),
        accounts: listing.accounts.len(),
        matched: ctx.count(|l| matches!(l, Link::Person { .. })),
        orphans: ctx.count(|l| l.is_unmatched()),
        protected: ctx.count(|l| matches!(l, Link::Protected { .. })),
        bots: ctx.count(|l| matches!(l, Link::Bot)),
        changes: counts,
        seats: spec.and_then(|s| s.seat_cost.as_ref()).map(|c| SeatChange::of(c, &counts)),
        seat_cost: spec.and_then(|s| s.seat_cost.clone()),
        export: listing.exported.clone().map(|e| {
            let limit = spec.and_then(|s| s.connector.csv_export.as_ref()).map(CsvExportConnector::max_age);
            ExportAge::on(e, limit.unwrap_or(DEFAULT_EXPORT_MAX_AGE), shared.today)
        }),
    };
    AppPart { summary, changes: app_changes, holdings, held: app_held, vanished }
}

/// The order of an app's changes: by action, then person, then account.
pub(super) fn sort_key(c: &Change) -> (Action, &str, &str) {
    let person = c.person.as_ref().map_or("", |p| p.id.as_str());
    let account = c.account.id.as_deref().unwrap_or_else(|| c.account.label());
    (c.action, person, account)
}
