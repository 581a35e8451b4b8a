//! An account that belongs to no one person, explained: how the
//! correlation saw it (nobody, several people, a look-alike address, a
//! protected or bot account), the people its name suggests — a hint for the
//! human, never a match — and what the plan does about it.
//!
//! The changes come from the whole plan (with the roster, so an account of
//! someone the HR master lost shows that review), filtered to the account:
//! the explanation cannot disagree with `keyward plan`.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::Serialize;

use crate::account::AccountListing;
use crate::compile::PolicySet;
use crate::correlate::Link;
use crate::hints::candidates_message;
use crate::i18n::Msg;
use crate::people::People;
use crate::plan::{Change, Held};
use crate::planner::plan_with_roster;
use crate::present::inventory::{Inventory, InventoryRow, phase_word};
use crate::roster::Roster;

use super::ExplainError;

/// One account, whoever it belongs to, on one day.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountExplanation {
    /// The day explained.
    pub date: Date,
    /// The account as the inventory lists it (app, id, status, role, how
    /// it was matched).
    pub account: InventoryRow,
    /// For an account matching nobody: the people its display name, e-mail
    /// or username spells.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub probably: Vec<ProbablePerson>,
    /// [`Self::probably`] as one message, for any language.
    #[serde(skip)]
    pub probably_message: Option<Msg>,
    /// What the plan does about the account.
    pub changes: Vec<Change>,
    /// What the plan holds back until a later day.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub held: Vec<Held>,
}

/// A person an account's name suggests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProbablePerson {
    /// Employee number.
    pub id: String,
    /// Name as HR writes it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Their situation on the day, as the inventory words it
    /// (`left 2025-03-31`, `employed`…).
    pub status: String,
}

impl AccountExplanation {
    /// Explains the account at `index` of `app`'s listing; `inv` is the
    /// inventory on `today`.
    pub(super) fn new(
        set: &PolicySet,
        people: &People,
        listings: &BTreeMap<String, AccountListing>,
        (app, index): (&str, usize),
        today: Date,
        roster: &Roster,
        inv: &Inventory,
    ) -> Result<Self, ExplainError> {
        let missing = || ExplainError::NotFound { key: format!("{app} #{index}"), suggestions: Vec::new() };
        let a = listings.get(app).and_then(|l| l.accounts.get(index)).ok_or_else(missing)?;
        let row =
            inv.rows.iter().find(|r| r.app == app && r.account_id == a.id.as_str()).cloned().ok_or_else(missing)?;
        // The inventory found them already, with the plan's one name index.
        let hints = if matches!(row.link, Link::Orphan) { row.candidates.clone() } else { Vec::new() };
        let probably = hints
            .iter()
            .filter_map(|&i| {
                let p = people.get(i)?;
                Some(ProbablePerson { id: p.id.clone(), name: p.name.clone(), status: phase_word(p.phase(today)) })
            })
            .collect();
        let plan = plan_with_roster(set, people, listings, today, roster)?;
        let mine = |c: &Change| c.app == app && c.account.id.as_deref() == Some(a.id.as_str());
        let changes = plan.changes.iter().filter(|c| mine(c)).cloned().collect();
        let held = plan.held.into_iter().filter(|h| mine(&h.change)).collect();
        Ok(Self {
            date: today,
            account: row,
            probably,
            probably_message: candidates_message(people, &hints, today),
            changes,
            held,
        })
    }

    /// `true` when the account matches no one in the HR data.
    pub fn matches_nobody(&self) -> bool {
        matches!(self.account.link, Link::Orphan)
    }
}
