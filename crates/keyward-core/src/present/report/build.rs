//! Building the report from the plan, the inventory and the selection of
//! grants: the matrix, the lists, seats and the charts' figures.

use std::collections::BTreeMap;

use jiff::civil::Date;

use super::{
    AccountCell, AppAccount, AppAccounts, AppBar, AppSeats, Bar, Cell, CellState, Charts, ExternalPerson, Granted,
    GuestAccount, LeaverAccount, MatrixRow, OrphanAccount, Planned, Problem, Report, ReportError, RowKind, Savings,
};
use crate::account::{AccountListing, AccountStatus};
use crate::action::Action;
use crate::compile::PolicySet;
use crate::correlate::Link;
use crate::evaluate::{EntView, select_all};
use crate::people::{People, Person, Phase};
use crate::plan::{Change, Plan};
use crate::present::inventory::{InventoryRow, inventory, phase_word};
use crate::present::review::granted_by;
use crate::resources::{ApplicationSpec, SeatFreedBy};

/// Employment type of regular staff; every other type is listed under
/// contractors and guests.
const FULL_TIME: &str = "full-time";

/// `true` for a role that gives less than regular staff get: one named
/// guest, or the least privileged of the app's `roles` unless that is the
/// role everyone gets (the app's `defaultRole`), because then it says
/// nothing about an account.
pub fn guest_like(spec: &ApplicationSpec, role: &str) -> bool {
    if role.to_lowercase().contains("guest") {
        return true;
    }
    let Some(lowest) = spec.roles.first() else { return false };
    spec.roles.len() > 1
        && lowest.eq_ignore_ascii_case(role)
        && spec.default_role.as_deref().is_none_or(|d| !d.eq_ignore_ascii_case(lowest))
}

fn is_live(r: &InventoryRow) -> bool {
    r.status != AccountStatus::Suspended.as_str()
}

fn is_orphan(r: &InventoryRow) -> bool {
    r.link.is_unmatched()
}

fn person_of(r: &InventoryRow) -> Option<usize> {
    match r.link {
        Link::Person { person, .. } => Some(person as usize),
        _ => None,
    }
}

fn account_cell(r: &InventoryRow) -> AccountCell {
    AccountCell { id: r.account_id.clone(), account: r.account.clone(), status: r.status.clone(), role: r.role.clone() }
}

fn departments(p: &Person) -> Vec<String> {
    p.posts.iter().filter_map(|x| x.department.clone()).collect()
}

/// Days from `last` to `today`, as leavers' lists count them.
pub fn days_since(last: Date, today: Date) -> i32 {
    (today - last).get_days()
}

/// What the report reads of the plan, indexed once.
struct PlanIndex<'p> {
    /// Changes by (app, account id).
    by_account: BTreeMap<(&'p str, &'p str), Vec<&'p Change>>,
    /// Actions by (app, employee number).
    by_person: BTreeMap<(&'p str, &'p str), Vec<Action>>,
}

impl<'p> PlanIndex<'p> {
    fn new(plan: &'p Plan) -> Self {
        let mut by_account: BTreeMap<(&str, &str), Vec<&Change>> = BTreeMap::new();
        let mut by_person: BTreeMap<(&str, &str), Vec<Action>> = BTreeMap::new();
        for c in &plan.changes {
            if let Some(id) = &c.account.id {
                by_account.entry((c.app.as_str(), id.as_str())).or_default().push(c);
            }
            if let Some(p) = &c.person {
                let actions = by_person.entry((c.app.as_str(), p.id.as_str())).or_default();
                if !actions.contains(&c.action) {
                    actions.push(c.action);
                }
            }
        }
        for actions in by_person.values_mut() {
            actions.sort();
        }
        Self { by_account, by_person }
    }

    fn planned(&self, app: &str, account_id: &str) -> Vec<Planned> {
        self.by_account
            .get(&(app, account_id))
            .map(|cs| cs.iter().map(|c| Planned::of(c)).collect())
            .unwrap_or_default()
    }

    fn account_actions(&self, app: &str, account_id: &str) -> Vec<Action> {
        let mut out: Vec<Action> =
            self.by_account.get(&(app, account_id)).map(|cs| cs.iter().map(|c| c.action).collect()).unwrap_or_default();
        out.sort();
        out.dedup();
        out
    }
}

impl Report {
    /// Builds the report of `plan`, which must have been made from `set`,
    /// `people` and `listings`; its date is the report's.
    pub fn build(
        set: &PolicySet,
        people: &People,
        listings: &BTreeMap<String, AccountListing>,
        plan: &Plan,
    ) -> Result<Self, ReportError> {
        let today = plan.date;
        let compiled = &set.compiled;
        let app_names: Vec<&str> = plan.apps.iter().map(|a| a.name.as_str()).collect();
        if !app_names.iter().copied().eq(compiled.apps.iter().map(|a| a.name.as_str())) {
            return Err(ReportError::OtherPolicies {
                plan: app_names.iter().map(|s| (*s).to_owned()).collect(),
                policies: compiled.apps.iter().map(|a| a.name.clone()).collect(),
            });
        }
        let inv = inventory(set, people, listings, today)?;
        let phases: Vec<Phase> = people.persons().iter().map(|p| p.phase(today)).collect();
        let selections = select_all(compiled, people, &phases, today);
        let index = PlanIndex::new(plan);
        let app_pos = |name: &str| app_names.iter().position(|a| *a == name);

        // Rows by (person, app), and unmatched rows by handle then app.
        let mut of_person: BTreeMap<(usize, usize), Vec<&InventoryRow>> = BTreeMap::new();
        let mut unmatched: BTreeMap<String, (String, BTreeMap<usize, Vec<&InventoryRow>>)> = BTreeMap::new();
        for r in &inv.rows {
            let Some(ai) = app_pos(&r.app) else { continue };
            if let Some(pi) = person_of(r) {
                of_person.entry((pi, ai)).or_default().push(r);
            } else if is_orphan(r) {
                let entry =
                    unmatched.entry(r.account.to_lowercase()).or_insert_with(|| (r.account.clone(), BTreeMap::new()));
                entry.1.entry(ai).or_default().push(r);
            }
        }

        let mut view = EntView::default();
        let mut matrix = Vec::with_capacity(people.len() + unmatched.len());
        for (pi, p) in people.persons().iter().enumerate() {
            let leaver = matches!(phases[pi], Phase::Left { .. });
            let cells = compiled
                .apps
                .iter()
                .enumerate()
                .map(|(ai, app)| {
                    let granted = (selections.grants_app(pi, ai)
                        && selections.entitlement(compiled, pi, ai, &mut view))
                    .then(|| {
                        // The role the plan gives, partner cap included.
                        view.cap_for_partner(app, p);
                        Granted { role: view.role.map(str::to_owned), by: granted_by(compiled, &view) }
                    });
                    let rows = of_person.get(&(pi, ai)).map_or(&[][..], Vec::as_slice);
                    let actions = index.by_person.get(&(app.name.as_str(), p.id.as_str())).cloned().unwrap_or_default();
                    let problem = if leaver && rows.iter().any(|r| is_live(r)) {
                        Some(Problem::Leaver)
                    } else if !actions.is_empty() {
                        Some(Problem::Mismatch)
                    } else {
                        None
                    };
                    cell(rows, granted, actions, problem)
                })
                .collect();
            matrix.push(person_row(p, phase_word(phases[pi]), leaver, cells));
        }
        for (label, by_app) in unmatched.values() {
            let cells: Vec<Cell> = (0..app_names.len())
                .map(|ai| {
                    let rows = by_app.get(&ai).map_or(&[][..], Vec::as_slice);
                    let mut actions: Vec<Action> =
                        rows.iter().flat_map(|r| index.account_actions(app_names[ai], &r.account_id)).collect();
                    actions.sort();
                    actions.dedup();
                    let problem = (!rows.is_empty()).then_some(Problem::Orphan);
                    cell(rows, None, actions, problem)
                })
                .collect();
            let problems = problems_of(&cells);
            matrix.push(MatrixRow {
                kind: RowKind::Unmatched,
                id: String::new(),
                name: label.clone(),
                email: String::new(),
                departments: Vec::new(),
                employment_type: String::new(),
                situation: "matches nobody".to_owned(),
                leaver: false,
                cells,
                problems,
            });
        }

        let mut leavers: Vec<AppAccounts<LeaverAccount>> = Vec::new();
        let mut orphans: Vec<AppAccounts<OrphanAccount>> = Vec::new();
        let mut guests = Vec::new();
        for r in &inv.rows {
            let spec = set.application(&r.app).map(|a| &a.spec);
            let person = person_of(r).and_then(|pi| Some((pi, people.get(pi)?)));
            if let Some((pi, p)) = person
                && let Phase::Left { last_day } = phases[pi]
                && is_live(r)
            {
                // The first rows of the matrix are the people, in order.
                let kept_by =
                    app_pos(&r.app).and_then(|ai| matrix[pi].cells[ai].granted.as_ref()).map(|g| g.by.clone());
                push_to(
                    &mut leavers,
                    &r.app,
                    LeaverAccount {
                        person_id: p.id.clone(),
                        name: p.name.clone().unwrap_or_default(),
                        email: p.email.clone().unwrap_or_default(),
                        account: account_cell(r),
                        last_day,
                        days_since: last_day.map(|d| days_since(d, today)),
                        kept_by,
                        plan: index.planned(&r.app, &r.account_id),
                    },
                );
            }
            if is_orphan(r) {
                push_to(
                    &mut orphans,
                    &r.app,
                    OrphanAccount {
                        account: account_cell(r),
                        last_active: r.last_active.clone(),
                        matched_by: r.matched_by.clone(),
                        matched_by_message: r.matched_by_message.clone(),
                        probably: r.probably.clone(),
                        probably_message: r.probably_message.clone(),
                        plan: index.planned(&r.app, &r.account_id),
                    },
                );
            }
            if !r.role.is_empty() && spec.is_some_and(|s| guest_like(s, &r.role)) {
                let p = person.map(|(_, p)| p);
                guests.push(GuestAccount {
                    app: r.app.clone(),
                    account: account_cell(r),
                    person_id: r.person_id.clone(),
                    person_name: r.person_name.clone(),
                    employment_type: p.and_then(|p| p.employment_type.clone()).unwrap_or_default(),
                    person_status: r.person_status.clone(),
                });
            }
        }
        for group in &mut leavers {
            // Longest gone first: those accounts have been open the longest.
            group.accounts.sort_by(|a, b| {
                b.days_since
                    .cmp(&a.days_since)
                    .then_with(|| a.person_id.cmp(&b.person_id))
                    .then_with(|| a.account.id.cmp(&b.account.id))
            });
        }

        let externals = people
            .persons()
            .iter()
            .enumerate()
            .filter(|(_, p)| p.employment_type.as_deref().is_some_and(|t| t != FULL_TIME))
            .map(|(pi, p)| ExternalPerson {
                id: p.id.clone(),
                name: p.name.clone().unwrap_or_default(),
                email: p.email.clone().unwrap_or_default(),
                employment_type: p.employment_type.clone().unwrap_or_default(),
                departments: departments(p),
                situation: phase_word(phases[pi]),
                accounts: (0..app_names.len())
                    .flat_map(|ai| of_person.get(&(pi, ai)).into_iter().flatten())
                    .map(|r| AppAccount { app: r.app.clone(), account: account_cell(r) })
                    .collect(),
            })
            .collect();

        let (seats, savings) = seats(plan, &index, &inv.rows, &phases);
        let charts = charts(people, plan, &inv.rows, &leavers);
        Ok(Self {
            date: today,
            people: plan.people,
            apps: plan.apps.clone(),
            summary: plan.summary,
            seat_totals: plan.seat_totals(),
            matrix,
            leavers,
            orphans,
            externals,
            guests,
            seats,
            savings,
            charts,
            warnings: plan.warnings.clone(),
            warning_messages: plan.warning_messages.clone(),
            violations: plan.violations.clone(),
            duty_rules: plan.duty_rules,
            discovered: None,
        })
    }

    /// Leavers' accounts that can still sign in, over all apps.
    pub fn leaver_accounts(&self) -> usize {
        self.leavers.iter().map(|g| g.accounts.len()).sum()
    }

    /// Accounts matching nobody, over all apps.
    pub fn orphan_accounts(&self) -> usize {
        self.orphans.iter().map(|g| g.accounts.len()).sum()
    }
}

fn cell(rows: &[&InventoryRow], granted: Option<Granted>, actions: Vec<Action>, problem: Option<Problem>) -> Cell {
    let state = if rows.iter().any(|r| r.status == AccountStatus::Active.as_str()) {
        CellState::Active
    } else if rows.iter().any(|r| r.status == AccountStatus::Invited.as_str()) {
        CellState::Invited
    } else if !rows.is_empty() {
        CellState::Suspended
    } else if granted.is_some() {
        CellState::Missing
    } else {
        CellState::None
    };
    Cell { state, granted, accounts: rows.iter().map(|r| account_cell(r)).collect(), actions, problem }
}

fn problems_of(cells: &[Cell]) -> Vec<Problem> {
    let mut out: Vec<Problem> = cells.iter().filter_map(|c| c.problem).collect();
    out.sort();
    out.dedup();
    out
}

fn person_row(p: &Person, situation: String, leaver: bool, cells: Vec<Cell>) -> MatrixRow {
    let problems = problems_of(&cells);
    MatrixRow {
        kind: RowKind::Person,
        id: p.id.clone(),
        name: p.name.clone().unwrap_or_default(),
        email: p.email.clone().unwrap_or_default(),
        departments: departments(p),
        employment_type: p.employment_type.clone().unwrap_or_default(),
        situation,
        leaver,
        cells,
        problems,
    }
}

/// Appends to the group of `app`; rows arrive app by app, so the group is
/// the last one or a new one.
fn push_to<T>(groups: &mut Vec<AppAccounts<T>>, app: &str, item: T) {
    match groups.last_mut() {
        Some(g) if g.app == app => g.accounts.push(item),
        _ => groups.push(AppAccounts { app: app.to_owned(), accounts: vec![item] }),
    }
}

/// Paid seats per app and per currency. Of the seats of leavers and
/// unmatched accounts (`freeable`), those this plan frees — the account is
/// suspended, or deleted where only a deletion stops the billing, exactly
/// what the plan's seat line counts as freed — are told apart from those
/// it leaves for later (reviews, hand-over exceptions, deletions not yet
/// due), so the page can say which figure is the plan's.
fn seats(plan: &Plan, index: &PlanIndex<'_>, rows: &[InventoryRow], phases: &[Phase]) -> (Vec<AppSeats>, Vec<Savings>) {
    let mut per_app = Vec::with_capacity(plan.apps.len());
    let mut by_currency: BTreeMap<String, Savings> = BTreeMap::new();
    for app in &plan.apps {
        let cost = app.seat_cost.clone();
        let freed_by = cost.as_ref().map_or(SeatFreedBy::Suspend, |c| c.freed_by);
        let billed = rows
            .iter()
            .filter(|r| r.app == app.name && r.link != Link::Bot)
            .filter(|r| freed_by == SeatFreedBy::Delete || is_live(r));
        let frees = match freed_by {
            SeatFreedBy::Suspend => Action::Suspend,
            SeatFreedBy::Delete => Action::Delete,
        };
        let (mut in_use, mut leavers, mut orphans, mut freed_now) = (0, 0, 0, 0);
        for r in billed {
            in_use += 1;
            let freeable = if person_of(r).is_some_and(|pi| matches!(phases[pi], Phase::Left { .. })) {
                leavers += 1;
                true
            } else if is_orphan(r) {
                orphans += 1;
                true
            } else {
                false
            };
            if freeable && index.account_actions(&app.name, &r.account_id).contains(&frees) {
                freed_now += 1;
            }
        }
        let freeable = leavers + orphans;
        let later = freeable - freed_now;
        if let Some(c) = &cost {
            let s = by_currency.entry(c.currency.clone()).or_insert_with(|| Savings {
                currency: c.currency.clone(),
                in_use: 0,
                freeable: 0,
                monthly_cost: 0.0,
                monthly_saving: 0.0,
                freed_now: 0,
                later: 0,
                monthly_later: 0.0,
            });
            s.in_use += in_use;
            s.freeable += freeable;
            s.freed_now += freed_now;
            s.later += later;
            s.monthly_cost += in_use as f64 * c.monthly;
            s.monthly_saving += freeable as f64 * c.monthly;
            s.monthly_later += later as f64 * c.monthly;
        }
        per_app.push(AppSeats {
            app: app.name.clone(),
            monthly_cost: cost.as_ref().map(|c| in_use as f64 * c.monthly),
            monthly_saving: cost.as_ref().map(|c| freeable as f64 * c.monthly),
            monthly_later: cost.as_ref().map(|c| later as f64 * c.monthly),
            seat_cost: cost,
            in_use,
            leavers,
            orphans,
            freeable,
            freed_now,
            later,
            plan: app.seats.clone(),
        });
    }
    (per_app, by_currency.into_values().collect())
}

fn charts(people: &People, plan: &Plan, rows: &[InventoryRow], leavers: &[AppAccounts<LeaverAccount>]) -> Charts {
    let mut by_dept: BTreeMap<String, usize> = BTreeMap::new();
    for r in rows.iter().filter(|r| is_live(r)) {
        let Some(p) = person_of(r).and_then(|pi| people.get(pi)) else { continue };
        let dept = p.posts.first().and_then(|x| x.department.clone()).unwrap_or_else(|| "(no department)".to_owned());
        *by_dept.entry(dept).or_default() += 1;
    }
    let mut accounts_by_department: Vec<Bar> = by_dept.into_iter().map(|(label, value)| Bar { label, value }).collect();
    accounts_by_department.sort_by(|a, b| b.value.cmp(&a.value).then_with(|| a.label.cmp(&b.label)));

    let accounts_by_app = plan
        .apps
        .iter()
        .map(|app| {
            let mut bar = AppBar { app: app.name.clone(), open: 0, suspended: 0, unmatched: 0, other: 0 };
            for r in rows.iter().filter(|r| r.app == app.name) {
                match (person_of(r), is_orphan(r)) {
                    (Some(_), _) if is_live(r) => bar.open += 1,
                    (Some(_), _) => bar.suspended += 1,
                    (None, true) => bar.unmatched += 1,
                    (None, false) => bar.other += 1,
                }
            }
            bar
        })
        .collect();
    let leaver_accounts_by_app = plan
        .apps
        .iter()
        .map(|app| Bar {
            label: app.name.clone(),
            value: leavers.iter().find(|g| g.app == app.name).map_or(0, |g| g.accounts.len()),
        })
        .collect();
    Charts { accounts_by_department, accounts_by_app, leaver_accounts_by_app }
}
