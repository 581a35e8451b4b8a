//! The roster: everyone keyward has seen in the HR master, with the first
//! and last day it saw them.
//!
//! A person deleted from a directory (or a row dropped from an export)
//! simply disappears from the [`People`] snapshot; without a memory, their
//! accounts would become "matches nobody" with no hint of whose they were.
//! The roster is that memory. `keyward apply` and the controller write it
//! (the CLI and the controller keep it beside their audit log); `plan`
//! reads it and never writes it. It is an input of the pure planner
//! ([`crate::planner::plan_with_roster`]): reading and writing the file,
//! and the date, are the callers' business.
//!
//! Absence is never a fact about a person: a vanished person's accounts
//! are reviewed, never deprovisioned. A vanished entry is kept until the
//! person reappears (by id, an earlier id or the work e-mail) or a human
//! acknowledges it ([`Roster::acknowledge`]); it is never dropped by itself.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::people::{People, Person, PersonOrigin, Post};
use crate::resources::HrStatus;

/// Version of the roster file. Bumped on any incompatible change.
pub const ROSTER_FORMAT_VERSION: u32 = 1;
/// Share of the roster, in percent, that may vanish in one read before the
/// read is taken for a truncated one.
pub const MASS_VANISH_PERCENT: usize = 10;
/// The share rule applies only when more than this many people vanish, so
/// a small company can still lose one record.
pub const MASS_VANISH_ABOVE: usize = 5;

/// Everyone seen, by employee number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Roster {
    /// [`ROSTER_FORMAT_VERSION`].
    pub format_version: u32,
    /// Sorted by employee number, one entry each.
    pub people: Vec<Seen>,
}

impl Default for Roster {
    fn default() -> Self {
        Self { format_version: ROSTER_FORMAT_VERSION, people: Vec::new() }
    }
}

/// One person as keyward last saw them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Seen {
    /// Employee number.
    pub id: String,
    /// Earlier employee numbers of the same person (a rehire).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub previous_ids: Vec<String>,
    /// Name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Work e-mail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// The HR status last read.
    pub status: HrStatus,
    /// The posts last read.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub posts: Vec<Post>,
    /// The PeopleSource the person was read from.
    pub source: String,
    /// The first day keyward saw them.
    pub first_seen: Date,
    /// The last day keyward saw them.
    pub last_seen: Date,
    /// A human's decision about a vanished person; while set, the person
    /// is not reported as vanished. Cleared when they reappear.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acknowledged: Option<Acknowledged>,
}

/// A human's decision that a vanished person needs no more attention.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Acknowledged {
    /// The day of the decision.
    pub on: Date,
    /// What was decided, in the decider's words.
    pub reason: String,
}

/// A roster file keyward cannot use.
#[derive(Debug, thiserror::Error)]
pub enum RosterError {
    /// Not the JSON of a roster.
    #[error("not a keyward roster: {0}")]
    Json(#[from] serde_json::Error),
    /// Written by another version of keyward.
    #[error("roster format version {found}, this keyward reads version {ROSTER_FORMAT_VERSION}")]
    Version {
        /// The version in the file.
        found: u32,
    },
}

impl Roster {
    /// Reads a roster file's text.
    pub fn from_json(text: &str) -> Result<Self, RosterError> {
        let mut roster: Self = serde_json::from_str(text)?;
        if roster.format_version != ROSTER_FORMAT_VERSION {
            return Err(RosterError::Version { found: roster.format_version });
        }
        roster.people.sort_by(|a, b| a.id.cmp(&b.id));
        roster.people.dedup_by(|a, b| a.id == b.id);
        Ok(roster)
    }

    /// The roster file's text (pretty JSON, one field a line, so a diff of
    /// two days reads well).
    pub fn to_json(&self) -> String {
        // A roster holds strings, dates and enums only: it always serialises.
        serde_json::to_string_pretty(self).unwrap_or_default() + "\n"
    }

    /// People the roster knows whom `people` no longer has, and no human
    /// has acknowledged: the vanished.
    pub fn vanished<'a>(&'a self, people: &People) -> Vec<&'a Seen> {
        self.people.iter().filter(|s| s.acknowledged.is_none() && !s.present_in(people)).collect()
    }

    /// The roster after reading `people` on `today`: everyone read is
    /// recorded as seen today (keeping the day they were first seen); everyone
    /// else is kept as they were — never forgotten.
    pub fn updated(&self, people: &People, today: Date) -> Self {
        let mut out: Vec<Seen> = self.people.iter().filter(|s| !s.present_in(people)).cloned().collect();
        for p in people.persons() {
            let earlier = std::iter::once(&p.id)
                .chain(&p.previous_ids)
                .find_map(|id| self.get(id))
                .or_else(|| p.email.as_deref().and_then(|e| self.by_email(e)));
            let source = people.sources.get(p.origin.source).map(|s| s.name.clone()).unwrap_or_default();
            out.push(Seen {
                id: p.id.clone(),
                previous_ids: p.previous_ids.clone(),
                name: p.name.clone(),
                email: p.email.clone(),
                status: p.status,
                posts: p.posts.clone(),
                source,
                first_seen: earlier.map_or(today, |e| e.first_seen.min(today)),
                last_seen: earlier.map_or(today, |e| e.last_seen.max(today)),
                acknowledged: None,
            });
        }
        out.sort_by(|a, b| a.id.cmp(&b.id));
        out.dedup_by(|a, b| a.id == b.id);
        Self { format_version: ROSTER_FORMAT_VERSION, people: out }
    }

    /// Records a human's decision about the person `id`; `false` when the
    /// roster has nobody by that number.
    pub fn acknowledge(&mut self, id: &str, on: Date, reason: String) -> bool {
        match self.people.iter_mut().find(|s| s.id == id) {
            Some(s) => {
                s.acknowledged = Some(Acknowledged { on, reason });
                true
            }
            None => false,
        }
    }

    /// The entry for an employee number (current or earlier).
    pub fn get(&self, id: &str) -> Option<&Seen> {
        self.people.iter().find(|s| s.id == id || s.previous_ids.iter().any(|p| p == id))
    }

    fn by_email(&self, email: &str) -> Option<&Seen> {
        self.people.iter().find(|s| s.email.as_deref().is_some_and(|e| e.eq_ignore_ascii_case(email)))
    }

    /// `true` when so many people vanished at once that the HR read looks
    /// truncated: more than [`MASS_VANISH_PERCENT`] % of the roster and
    /// more than [`MASS_VANISH_ABOVE`] people.
    pub fn is_mass_vanish(vanished: usize, known: usize) -> bool {
        vanished > MASS_VANISH_ABOVE && vanished * 100 > known * MASS_VANISH_PERCENT
    }
}

impl Seen {
    /// `true` when the snapshot still has this person, under this id, an
    /// earlier one, or this work e-mail (a record re-keyed in the HR
    /// master is the same person).
    fn present_in(&self, people: &People) -> bool {
        std::iter::once(&self.id).chain(&self.previous_ids).any(|id| people.find(id).is_some())
            || self.email.as_deref().is_some_and(|e| people.find(e).is_some())
    }

    /// The person as last seen, for matching their accounts with the same
    /// correlators as everyone's. Not a person of the HR master: nothing
    /// is planned for them.
    pub fn as_person(&self) -> Person {
        Person {
            reading: None,
            id: self.id.clone(),
            previous_ids: self.previous_ids.clone(),
            email: self.email.clone(),
            name: self.name.clone(),
            posts: self.posts.clone(),
            employment_type: None,
            status: self.status,
            status_label: None,
            start_date: None,
            end_date: None,
            manager: None,
            moved_on: None,
            attributes: Default::default(),
            origin: PersonOrigin { source: 0, line: 0 },
        }
    }

    /// `1042 山田 太郎`, or the id alone.
    pub fn label(&self) -> String {
        match &self.name {
            Some(n) => format!("{} {n}", self.id),
            None => self.id.clone(),
        }
    }
}
