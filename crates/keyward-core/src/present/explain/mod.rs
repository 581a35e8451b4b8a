//! `keyward explain PERSON`: everything keyward knows and decides about one
//! person, in one place — the HR record it read, every grant and the
//! policies or exceptions behind it (and why the other policies did not
//! select them), every account found in every app and how it was matched,
//! and what the plan will do.
//!
//! Built only from what the plan itself uses ([`crate::grants`],
//! [`crate::present::inventory`], [`crate::plan_scoped`]), so an explanation can
//! never disagree with the plan.
//!
//! What a query names is found in `lookup` (a person, an account, a name);
//! an account nobody owns is explained in `account`; both are rendered for
//! people in `text`.

mod account;
mod lookup;
mod text;

pub use account::{AccountExplanation, ProbablePerson};
pub use lookup::{FoundBy, Query};

use std::collections::{BTreeMap, HashMap};

use jiff::civil::Date;
use serde::Serialize;

use crate::account::AccountListing;
use crate::compile::PolicySet;
use crate::discovery::DirectoryScan;
use crate::grants::{PersonGrants, grants_of};
use crate::hints::hint_message;
use crate::i18n::{Arg, Lang, Msg};
use crate::people::{People, Person, Phase};
use crate::plan::Violation;
use crate::plan::{Change, Held, PlanError};
use crate::planner::plan_scoped;
use crate::present::discovered::{DiscoveredGrant, discovered_grants};
use crate::present::inventory::{Inventory, InventoryRow, inventory};
use crate::roster::Roster;

use lookup::{Found, Missed};

/// The explanation of one person on one day.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Explanation {
    /// What was asked and how it led to the person (set by
    /// [`explain_query`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub asked: Option<Asked>,
    /// The day explained.
    pub date: Date,
    /// The HR record as read.
    pub person: Person,
    /// Where the record came from (`smarthr: hr.csv line 32`).
    pub source: String,
    /// [`Self::source`] as a message, for other languages.
    #[serde(skip)]
    pub source_message: Option<Msg>,
    /// The person's situation on the day, in words.
    pub situation: String,
    /// [`Self::situation`] as a message, for other languages.
    #[serde(skip)]
    pub situation_message: Msg,
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

/// What `keyward explain` was asked, and how the answer was found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Asked {
    /// The query as typed.
    pub query: String,
    /// How it led to the subject.
    #[serde(flatten)]
    pub by: FoundBy,
}

/// What a query explains: a person, or an account no one person owns.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum Explained {
    /// A person, with all their accounts.
    Person(Box<Explanation>),
    /// An account matching nobody (or several people, or protected…).
    Account(Box<AccountExplanation>),
}

/// Why a query cannot be explained.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExplainError {
    /// Nobody in the HR data has that employee number or e-mail, and no
    /// account or name matches.
    #[error("{}", self.message().render(Lang::En))]
    NotFound {
        /// What was asked for.
        key: String,
        /// Close employee numbers or e-mails.
        suggestions: Vec<String>,
    },
    /// `--app` names no Application.
    #[error("{}", self.message().render(Lang::En))]
    NoSuchApp {
        /// The name given.
        app: String,
        /// The Applications the policies define.
        known: Vec<String>,
    },
    /// The query names several people or accounts.
    #[error("{}", self.message().render(Lang::En))]
    Several {
        /// What was asked for.
        query: String,
        /// `true` for accounts, `false` for people.
        accounts: bool,
        /// Each candidate, in words.
        candidates: Vec<Msg>,
    },
    /// The plan could not be made.
    #[error(transparent)]
    Plan(#[from] PlanError),
}

impl ExplainError {
    /// The error as a message, for any language.
    pub fn message(&self) -> Msg {
        match self {
            Self::NotFound { key, suggestions } if suggestions.is_empty() => {
                Msg::new("explain-not-found").arg("query", key)
            }
            Self::NotFound { key, suggestions } => {
                Msg::new("explain-not-found-did-you-mean").arg("query", key).arg("suggestions", suggestions.clone())
            }
            Self::NoSuchApp { app, known } => {
                Msg::new("explain-no-such-app").arg("app", app).arg("known", known.clone())
            }
            Self::Several { query, accounts, candidates } => {
                let id = if *accounts { "explain-several-accounts" } else { "explain-several-people" };
                Msg::new(id).arg("query", query).arg("count", candidates.len()).arg("candidates", candidates.clone())
            }
            Self::Plan(e) => Msg::new("explain-plan-failed").arg("error", e.to_string()),
        }
    }
}

/// Explains whatever `query` names (see [`Query`]): a person, found by
/// employee number, e-mail, old-domain address, one of their accounts or
/// their name; or an account that belongs to no one person. `roster` is
/// the memory of people the HR master no longer has (the plan's vanished
/// people), as the plan reads it.
pub fn explain_query(
    set: &PolicySet,
    people: &People,
    listings: &BTreeMap<String, AccountListing>,
    query: Query<'_>,
    today: Date,
    roster: &Roster,
) -> Result<Explained, ExplainError> {
    let text = query.text.trim();
    let inv = inventory(set, people, listings, today)?;
    let owners = owners(&inv);
    let owner = |app: &str, i: usize| {
        let a = listings.get(app)?.accounts.get(i)?;
        owners.get(&(app, a.id.as_str())).copied()
    };
    match lookup::find(set, people, listings, query, owner) {
        Ok(Found::Person { index, by }) => {
            let mut e = explain_person(set, people, listings, index, today, inv)?;
            e.asked = Some(Asked { query: text.to_owned(), by });
            Ok(Explained::Person(Box::new(e)))
        }
        Ok(Found::Account { app, index }) => {
            let e = AccountExplanation::new(set, people, listings, (&app, index), today, roster, &inv)?;
            Ok(Explained::Account(Box::new(e)))
        }
        Err(Missed::Nothing) => {
            Err(ExplainError::NotFound { key: text.to_owned(), suggestions: suggestions(people, text) })
        }
        Err(Missed::NoSuchApp { known }) => {
            Err(ExplainError::NoSuchApp { app: query.app.unwrap_or_default().to_owned(), known })
        }
        Err(Missed::People(found)) => Err(ExplainError::Several {
            query: text.to_owned(),
            accounts: false,
            candidates: found.into_iter().filter_map(|i| hint_message(people, i, today)).collect(),
        }),
        Err(Missed::Accounts(found)) => Err(ExplainError::Several {
            query: text.to_owned(),
            accounts: true,
            candidates: found
                .into_iter()
                .filter_map(|(app, i)| {
                    let a = listings.get(&app)?.accounts.get(i)?;
                    let whose = match owner(&app, i).and_then(|p| people.get(p)) {
                        Some(p) => Msg::new("explain-whose-person").arg("id", &p.id),
                        None => Msg::new("explain-whose-nobody"),
                    };
                    Some(
                        Msg::new("explain-candidate-account")
                            .arg("app", &app)
                            .arg("account", a.label())
                            .arg("id", a.id.as_str())
                            .arg("whose", whose),
                    )
                })
                .collect(),
        }),
    }
}

/// Whose each account is, by (app, account id), as the inventory matched
/// it: a person's index.
fn owners(inv: &Inventory) -> HashMap<(&str, &str), usize> {
    inv.rows
        .iter()
        .filter_map(|r| match r.link {
            crate::correlate::Link::Person { person, .. } => {
                Some(((r.app.as_str(), r.account_id.as_str()), person as usize))
            }
            _ => None,
        })
        .collect()
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
    let inv = inventory(set, people, listings, today)?;
    explain_person(set, people, listings, index, today, inv)
}

/// Explains the person at `index`; `inv` is the inventory on `today`.
fn explain_person(
    set: &PolicySet,
    people: &People,
    listings: &BTreeMap<String, AccountListing>,
    index: usize,
    today: Date,
    inv: Inventory,
) -> Result<Explanation, ExplainError> {
    let not_found = || ExplainError::NotFound { key: index.to_string(), suggestions: Vec::new() };
    let person = people.get(index).ok_or_else(not_found)?;
    let grants = grants_of(set, people, index, today).ok_or_else(not_found)?;

    let mut accounts: Vec<InventoryRow> = inv
        .rows
        .into_iter()
        .filter(|r| {
            r.person_id == person.id
                || (matches!(r.link, crate::correlate::Link::Ambiguous { .. }) && r.candidates.contains(&index))
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

    let source_message = people.sources.get(person.origin.source).map(|s| {
        let m = Msg::new(if person.origin.line > 0 { "explain-source-line" } else { "explain-source" })
            .arg("name", &s.name)
            .arg("location", &s.location);
        if person.origin.line > 0 { m.arg("line", Arg::digits(person.origin.line)) } else { m }
    });
    let situation_message = situation(person, person.phase(today));
    Ok(Explanation {
        asked: None,
        date: today,
        person: person.clone(),
        source: source_message.as_ref().map(|m| m.render(Lang::En)).unwrap_or_default(),
        source_message,
        situation: situation_message.render(Lang::En),
        situation_message,
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

fn situation(p: &Person, phase: Phase) -> Msg {
    match phase {
        Phase::NotStarted { start } => Msg::new("explain-situation-joins").arg("date", start),
        Phase::Employed => match p.effective_end_date() {
            Some(end) => Msg::new("explain-situation-employed-until").arg("date", end),
            None => Msg::new("explain-situation-employed"),
        },
        Phase::OnLeave => Msg::new("explain-situation-on-leave"),
        Phase::Left { last_day: Some(d) } => Msg::new("explain-situation-left-on").arg("date", d),
        Phase::Left { last_day: None } => Msg::new("explain-situation-left-unrecorded"),
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
        self.accounts.iter().filter(|r| r.status != crate::account::AccountStatus::Suspended.as_str())
    }
}
