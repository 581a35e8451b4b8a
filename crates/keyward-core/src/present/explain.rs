//! `keyward explain PERSON`: everything keyward knows and decides about one
//! person, in one place — the HR record it read, every grant and the
//! policies or exceptions behind it (and why the other policies did not
//! select them), every account found in every app and how it was matched,
//! and what the plan will do.
//!
//! Built only from what the plan itself uses ([`crate::grants`],
//! [`crate::present::inventory`], [`crate::plan_scoped`]), so an explanation can
//! never disagree with the plan.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use jiff::civil::Date;
use serde::Serialize;

use crate::account::{AccountListing, AccountStatus};
use crate::compile::PolicySet;
use crate::discovery::DirectoryScan;
use crate::grants::{Because, PersonGrants, grants_of};
use crate::people::{People, Person, Phase};
use crate::plan::Violation;
use crate::plan::{Change, Held, PlanError};
use crate::planner::plan_scoped;
use crate::present::discovered::{DiscoveredGrant, discovered_grants};
use crate::present::inventory::{InventoryRow, inventory};
use crate::printable::escape as printable;

/// The explanation of one person on one day.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Explanation {
    /// The day explained.
    pub date: Date,
    /// The HR record as read.
    pub person: Person,
    /// Where the record came from (`smarthr: hr.csv line 32`).
    pub source: String,
    /// The person's situation on the day, in words.
    pub situation: String,
    /// Grants, and the policies that did not select the person.
    pub grants: PersonGrants,
    /// Accounts matched to the person, and ambiguous accounts that could be
    /// theirs, by app then account id.
    pub accounts: Vec<InventoryRow>,
    /// Apps where no account of theirs was found.
    pub no_account_in: Vec<String>,
    /// What the plan does about the person.
    pub changes: Vec<Change>,
    /// What the plan holds back until a later day (moverGrace, a hand-over
    /// Exception).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub held: Vec<Held>,
    /// SeparationOfDuties rules the person would break.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub violations: Vec<Violation>,
    /// Third-party apps the directories report the person using (OAuth
    /// tokens, delegated grants, sign-ins), set by [`Self::with_discovery`].
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub discovered: Vec<DiscoveredGrant>,
    /// The directories read for `discovered`; empty when none was, and
    /// then nothing is known about third-party grants.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub directories: Vec<String>,
}

/// Why a person cannot be explained.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExplainError {
    /// Nobody in the HR data has that employee number or e-mail.
    #[error("nobody in the HR data has the employee number or work e-mail `{key}`{}", hint(.suggestions))]
    NotFound {
        /// What was asked for.
        key: String,
        /// Close employee numbers or e-mails.
        suggestions: Vec<String>,
    },
    /// The plan could not be made.
    #[error(transparent)]
    Plan(#[from] PlanError),
}

fn hint(s: &[String]) -> String {
    if s.is_empty() {
        "; check the spelling, or whether the HR export already has them".to_owned()
    } else {
        format!("; did you mean {}?", s.join(" or "))
    }
}

/// Explains the person with employee number (any case) or work e-mail `key`.
pub fn explain(
    set: &PolicySet,
    people: &People,
    listings: &BTreeMap<String, AccountListing>,
    key: &str,
    today: Date,
) -> Result<Explanation, ExplainError> {
    let key = key.trim();
    let not_found = || ExplainError::NotFound { key: key.to_owned(), suggestions: suggestions(people, key) };
    let index = people.find_typed(key).ok_or_else(not_found)?;
    let person = people.get(index).ok_or_else(not_found)?;
    let grants = grants_of(set, people, index, today).ok_or_else(not_found)?;

    let ids: Vec<&str> =
        std::iter::once(person.id.as_str()).chain(person.previous_ids.iter().map(String::as_str)).collect();
    let mut accounts: Vec<InventoryRow> = inventory(set, people, listings, today)?
        .rows
        .into_iter()
        .filter(|r| {
            r.person_id == person.id
                || r.matched_by.strip_prefix("ambiguous: ").is_some_and(|c| c.split(", ").any(|id| ids.contains(&id)))
        })
        .collect();
    accounts.sort_by(|a, b| (&a.app, &a.account_id).cmp(&(&b.app, &b.account_id)));
    let no_account_in =
        set.applications.iter().filter(|a| !accounts.iter().any(|r| r.app == a.name)).map(|a| a.name.clone()).collect();
    let mut plan = plan_scoped(set, people, listings, today, &[index])?;
    let changes =
        plan.changes.iter().filter(|c| c.person.as_ref().is_some_and(|p| p.id == person.id)).cloned().collect();
    let violations = std::mem::take(&mut plan.violations);
    let held = std::mem::take(&mut plan.held)
        .into_iter()
        .filter(|h| h.change.person.as_ref().is_some_and(|p| p.id == person.id))
        .collect();

    let source = people.sources.get(person.origin.source).map_or_else(String::new, |s| {
        if person.origin.line > 0 {
            format!("PeopleSource {}: {} line {}", s.name, s.location, person.origin.line)
        } else {
            format!("PeopleSource {}: {}", s.name, s.location)
        }
    });
    Ok(Explanation {
        date: today,
        person: person.clone(),
        source,
        situation: situation(person, person.phase(today)),
        grants,
        accounts,
        no_account_in,
        changes,
        held,
        violations,
        discovered: Vec::new(),
        directories: Vec::new(),
    })
}

fn situation(p: &Person, phase: Phase) -> String {
    match phase {
        Phase::NotStarted { start } => format!("joins on {start}"),
        Phase::Employed => match p.effective_end_date() {
            Some(end) => format!("employed; last working day {end}"),
            None => "employed".to_owned(),
        },
        Phase::OnLeave => "on leave".to_owned(),
        Phase::Left { last_day: Some(d) } => format!("left; last working day {d}"),
        Phase::Left { last_day: None } => "left (terminated in HR, no last working day recorded)".to_owned(),
    }
}

/// Up to three employee numbers or e-mails close to `key`.
fn suggestions(people: &People, key: &str) -> Vec<String> {
    let key = key.to_lowercase();
    let mut scored: Vec<(f64, String)> = people
        .persons()
        .iter()
        .flat_map(|p| std::iter::once(p.id.clone()).chain(p.email.clone()))
        .map(|k| (strsim::jaro_winkler(&key, &k.to_lowercase()), k))
        .filter(|(s, _)| *s > 0.85)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    scored.into_iter().take(3).map(|(_, k)| k).collect()
}

impl Explanation {
    /// The explanation with the person's grants from the directories'
    /// scans (what `keyward discover` reads), matched as `discover`
    /// matches them. `set` and `people` are those [`explain`] was given.
    pub fn with_discovery(mut self, set: &PolicySet, people: &People, scans: &[DirectoryScan]) -> Self {
        self.discovered = discovered_grants(set, people, scans, &self.person.id);
        self.directories = scans.iter().map(|s| s.directory.clone()).collect();
        self
    }

    /// `true` when the person has left on the day explained.
    pub fn is_leaver(&self) -> bool {
        matches!(self.person.phase(self.date), Phase::Left { .. })
    }

    /// Declared accounts that are neither suspended nor deleted: a
    /// leaver's doors still open, with the discovered grants.
    pub fn open_accounts(&self) -> impl Iterator<Item = &InventoryRow> {
        self.accounts.iter().filter(|r| r.status != AccountStatus::Suspended.as_str())
    }

    /// For a leaver, the "Still open" section: every declared account not
    /// suspended or deleted and every discovered grant, or "nothing left
    /// open" when there are none. Empty for anyone else.
    pub fn still_open_lines(&self) -> Vec<String> {
        if !self.is_leaver() {
            return Vec::new();
        }
        let mut lines = Vec::new();
        for r in self.open_accounts() {
            let mut line = format!("{}: {} [{}]", r.app, r.account, r.status);
            let planned: Vec<&str> = self
                .changes
                .iter()
                .filter(|c| c.app == r.app && c.account.id.as_deref() == Some(r.account_id.as_str()))
                .map(|c| c.action.as_str())
                .collect();
            if !planned.is_empty() {
                let _ = write!(line, " — the plan: {}", planned.join(", "));
            }
            lines.push(line);
        }
        for g in &self.discovered {
            let covered =
                g.covered_by.as_deref().map_or_else(|| "undeclared".to_owned(), |c| format!("covered by {c}"));
            let mut line = format!("{} ({}): {} in {}", g.app, covered, g.evidence.as_str(), g.directory);
            if !g.scopes.is_empty() {
                let _ = write!(line, ", scopes {}", g.scopes.join(", "));
                if g.more_scopes > 0 {
                    let _ = write!(line, " … and {} more", g.more_scopes);
                }
            }
            if let Some(d) = g.last_seen {
                let _ = write!(line, ", last seen {d}");
            }
            lines.push(line);
        }
        let read = !self.directories.is_empty();
        match (lines.is_empty(), read) {
            (true, true) => lines.push("nothing left open".to_owned()),
            (true, false) => lines.push(
                "nothing left open among the declared accounts; third-party grants were not read (`keyward explain --discover` reads them from the directories)"
                    .to_owned(),
            ),
            (false, false) => {
                lines.push("third-party grants were not read (`keyward explain --discover` reads them from the directories)".to_owned());
            }
            (false, true) => {}
        }
        lines.into_iter().map(|l| printable(&l).into_owned()).collect()
    }

    /// The explanation as text for a terminal.
    pub fn to_text(&self) -> String {
        let p = &self.person;
        let mut out = String::new();
        let _ = writeln!(out, "{} ({})", p.label(), p.id);
        if !p.previous_ids.is_empty() {
            let _ = writeln!(out, "  earlier employee numbers: {}", p.previous_ids.join(", "));
        }
        let _ = writeln!(out, "  on {}: {}", self.date, self.situation);
        for post in &p.posts {
            let dept = post.department.as_deref().unwrap_or("(no department)");
            match &post.title {
                Some(t) => {
                    let _ = writeln!(out, "  post: {dept} · {t}");
                }
                None => {
                    let _ = writeln!(out, "  post: {dept}");
                }
            }
        }
        if let Some(t) = &p.employment_type {
            let _ = writeln!(out, "  employment type: {t}");
        }
        if let Some(m) = &p.manager {
            let _ = writeln!(out, "  manager: {m}");
        }
        for (k, v) in &p.attributes {
            let _ = writeln!(out, "  {k}: {v}");
        }
        if !self.source.is_empty() {
            let _ = writeln!(out, "  from {}", self.source);
        }

        let _ = writeln!(out, "\nGrants");
        if self.grants.grants.is_empty() && self.grants.phase != "left" {
            let _ = writeln!(out, "  none");
        }
        for g in &self.grants.grants {
            let mut what = g.app.clone();
            if let Some(r) = &g.role {
                let _ = write!(what, " as {r}");
            }
            if !g.groups.is_empty() {
                let _ = write!(what, ", groups {}", g.groups.join(", "));
            }
            let _ = writeln!(out, "  {what}");
            for b in &g.because {
                let _ = writeln!(out, "    because {}", because(b));
            }
        }
        for x in &self.grants.exceptions_not_in_force {
            let _ = writeln!(out, "  not in force: {x}");
        }
        if self.grants.phase == "left" {
            // Every policy says the same: one line instead of one per policy.
            let line = if self.grants.grants.is_empty() {
                "none: no policy selects people who have left; their accounts follow each app's offboarding (see Plan)"
            } else {
                "no AccessPolicy selects people who have left; only the exceptions above keep access"
            };
            let _ = writeln!(out, "  {line}");
        } else if !self.grants.not_selected.is_empty() {
            let _ = writeln!(out, "\nPolicies that do not select them");
            for n in &self.grants.not_selected {
                let _ = writeln!(out, "  {} ({}): {}", n.policy, n.apps.join(", "), n.why);
            }
        }

        let _ = writeln!(out, "\nAccounts");
        for r in &self.accounts {
            let mut what = format!("{}: {} [{}]", r.app, r.account, r.status);
            if !r.role.is_empty() {
                let _ = write!(what, " role {}", r.role);
            }
            if !r.groups.is_empty() {
                let _ = write!(what, ", groups {}", r.groups.replace(';', ", "));
            }
            let _ = writeln!(out, "  {what}");
            let _ = writeln!(out, "    matched by {}", r.matched_by);
        }
        if !self.no_account_in.is_empty() {
            let _ = writeln!(out, "  no account in {}", self.no_account_in.join(", "));
        }

        let _ = writeln!(out, "\nPlan");
        if self.changes.is_empty() {
            let _ = writeln!(out, "  nothing to change");
        }
        for c in &self.changes {
            let _ = writeln!(out, "  {}: {} {} — {}", c.app, c.action.as_str(), c.account.label(), c.reason);
        }
        for h in &self.held {
            let c = &h.change;
            let _ = writeln!(
                out,
                "  {}: {} {} held until {} — {}",
                c.app,
                c.action.as_str(),
                c.account.label(),
                h.until,
                c.reason
            );
        }
        let open = self.still_open_lines();
        if !open.is_empty() {
            let _ = writeln!(out, "\nStill open on {}", self.date);
            for l in open {
                let _ = writeln!(out, "  {l}");
            }
        }
        if !self.violations.is_empty() {
            let _ = writeln!(out, "\nSeparation of duties");
            for v in &self.violations {
                let _ = writeln!(out, "  ✗ {}: {}", v.rule, v.duty_names());
                for (duty, what) in crate::present::render::duty_evidence(v) {
                    let _ = writeln!(out, "    {duty} — {what}");
                }
            }
        }
        out
    }
}

fn because(b: &Because) -> String {
    match b {
        Because::AccessPolicy { name, department, title, role } => {
            let mut s = format!("AccessPolicy {name}");
            match (department, title) {
                (Some(d), Some(t)) => {
                    let _ = write!(s, " (post {d} · {t})");
                }
                (Some(d), None) => {
                    let _ = write!(s, " (post {d})");
                }
                (None, Some(t)) => {
                    let _ = write!(s, " (title {t})");
                }
                (None, None) => {}
            }
            if let Some(r) = role {
                let _ = write!(s, " grants {r}");
            }
            s
        }
        Because::Exception { name, until, reason, approver } => {
            format!("Exception {name} until {until}: {reason} (approved by {approver})")
        }
    }
}
