//! `keyward discover`: the third-party apps people use with their
//! directory account, summarised for an admin — per app, how many people
//! and which departments, whether a declared Application covers it, and
//! which leavers and people on leave still hold a grant.
//!
//! [`summarize`] turns what the directories said ([`DirectoryScan`]s) into
//! one [`Discovered`] document with the HR snapshot and the policy set; it
//! is a pure function of its inputs (no clock: the day is a parameter), so
//! the same scans give byte-identical JSON. The document is rendered as
//! text ([`text`]), Markdown ([`markdown`]) or JSON (serde), in the admin
//! report (`present::report::html`), and for one person by `explain`
//! ([`discovered_grants`]). [`stub`] writes a ready-to-edit Application for an app
//! nobody declared, from the connector catalogue ([`CatalogueEntry`]) when
//! it has one.
//!
//! Everything in a scan came from a vendor's answer and is treated as
//! hostile: names and scopes are cut to a bound here, lists of addresses
//! and scopes are capped, and every rendering escapes for its medium.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::i18n::{Arg, Lang};

pub use crate::discovery::{DISCOVERY_FORMAT_VERSION, DirectoryScan, Evidence};

mod catalogue;
mod markdown;
mod matching;
mod person;
mod stub;
mod summary;
mod text;

pub use catalogue::{CatalogueEntry, CatalogueError};
pub use markdown::{markdown, markdown_in};
pub use person::{DiscoveredGrant, discovered_grants};
pub use stub::stub;
pub use summary::summarize;
pub use text::{text, text_in};

/// Longest app name, publisher or directory id kept, in characters.
pub const NAME_CHARS: usize = 120;
/// Most addresses of users not in the HR data kept per app.
pub const UNKNOWN_EXAMPLES: usize = 5;
/// Most scopes kept per grant.
pub const SCOPES: usize = 8;
/// Longest scope kept, in characters.
pub const SCOPE_CHARS: usize = 160;
/// Ids of one app shown in text and stubs (the JSON keeps every id): an
/// app merged by name is covered by its name, so the rest add nothing.
pub const IDS_SHOWN: usize = 6;

/// What `keyward discover` found, for one day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Discovered {
    /// [`DISCOVERY_FORMAT_VERSION`].
    pub version: u32,
    /// The day the summary is for: leavers and people on leave are judged
    /// on it.
    pub date: Date,
    /// Uses dated before this day were left out (`--since`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<Date>,
    /// The directories read, in the order given.
    pub directories: Vec<DirectorySummary>,
    /// The apps: undeclared first, then by people (most first), then name.
    pub apps: Vec<DiscoveredApp>,
}

/// One directory read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DirectorySummary {
    /// The resource whose credentials were used (`PeopleSource/hr`).
    pub directory: String,
    /// `googleWorkspace` or `microsoftGraph`.
    pub kind: String,
    /// What was read (`Google Workspace my_customer`).
    pub source: String,
    /// Users whose grants were read.
    pub users: usize,
    /// HTTP requests sent.
    pub requests: u64,
    /// What the directory could not tell, and why.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// An app's id in one directory.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppId {
    /// The directory ([`DirectorySummary::directory`]).
    pub directory: String,
    /// Google's OAuth client id or Graph's `appId`.
    pub id: String,
}

/// How many people share a value (a department, an employment type).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Tally {
    /// The value.
    pub name: String,
    /// People with it.
    pub count: usize,
}

/// Why a holder should not hold a grant any more.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum HolderPhase {
    /// Their last working day has passed, or HR marks them gone.
    Left,
    /// On a leave of absence.
    OnLeave,
}

impl HolderPhase {
    /// The word used in outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Left => "left",
            Self::OnLeave => "on leave",
        }
    }
}

/// A leaver or person on leave who still holds a grant to an app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Holder {
    /// Employee number.
    pub person_id: String,
    /// Name, when HR has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The address the directory named.
    pub user: String,
    /// Left or on leave.
    pub phase: HolderPhase,
    /// Last working day, when HR records one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_day: Option<Date>,
    /// The directory that reports the grant.
    pub directory: String,
    /// What shows the grant.
    pub evidence: Evidence,
    /// Scopes granted (at most [`SCOPES`], each cut to [`SCOPE_CHARS`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scopes: Vec<String>,
    /// Scopes left out of `scopes`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub more_scopes: usize,
    /// Last day seen, where the directory dates it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_seen: Option<Date>,
}

/// One app, merged over the directories that report it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DiscoveredApp {
    /// The name a directory shows (the first directory that names it), or
    /// its id when none does; at most [`NAME_CHARS`].
    pub name: String,
    /// The publisher, when a directory knows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publisher: Option<String>,
    /// Its home page, when a directory knows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub homepage: Option<String>,
    /// Every id under which a directory reports it, sorted.
    pub ids: Vec<AppId>,
    /// What shows its use, sorted.
    pub evidence: Vec<Evidence>,
    /// An admin consented for the whole tenant: everyone may use it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub tenant_consent: bool,
    /// Distinct people of the HR data who use it.
    pub people: usize,
    /// Distinct users the HR data does not know.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub unknown_users: usize,
    /// Up to [`UNKNOWN_EXAMPLES`] of those addresses, sorted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unknown_examples: Vec<String>,
    /// Departments of the people's posts: count (most first), then name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub departments: Vec<Tally>,
    /// Employment types of the people, sorted as `departments`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub employment_types: Vec<Tally>,
    /// First day seen, where a directory dates a use.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_seen: Option<Date>,
    /// Last day seen, where a directory dates a use.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_seen: Option<Date>,
    /// The declared Application that covers it; `None`: undeclared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub covered_by: Option<String>,
    /// For an undeclared app, the catalogue entry that matches it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub catalogue: Option<String>,
    /// Leavers and people on leave still holding a grant, by person then
    /// directory.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub holders: Vec<Holder>,
}

impl DiscoveredApp {
    /// `true` when no declared Application covers it.
    pub fn undeclared(&self) -> bool {
        self.covered_by.is_none()
    }

    /// `2026-09-14 – 2026-11-02`, one day, or empty when undated.
    pub fn seen(&self) -> String {
        match (self.first_seen, self.last_seen) {
            (Some(f), Some(l)) if f != l => format!("{f} – {l}"),
            (Some(d), _) | (None, Some(d)) => d.to_string(),
            (None, None) => String::new(),
        }
    }
}

impl Holder {
    /// `left, last day 2026-11-20` or `on leave`.
    pub fn situation(&self) -> String {
        self.situation_in(Lang::En)
    }

    /// [`Self::situation`] in `lang`.
    pub fn situation_in(&self, lang: Lang) -> String {
        match (self.phase, self.last_day) {
            (HolderPhase::Left, Some(day)) => t!(lang, "discover-holder-left-on", date = day),
            (HolderPhase::Left, None) => t!(lang, "situation-left"),
            (HolderPhase::OnLeave, Some(day)) => t!(lang, "discover-holder-on-leave-until", date = day),
            (HolderPhase::OnLeave, None) => t!(lang, "situation-on-leave"),
        }
    }
}

/// What is left after the first `max` of `total`, as `… and N more`.
pub(crate) fn more(total: usize, max: usize) -> Option<String> {
    more_in(total, max, Lang::En)
}

/// [`more`] in `lang`.
pub(crate) fn more_in(total: usize, max: usize, lang: Lang) -> Option<String> {
    (total > max).then(|| t!(lang, "discover-more", count = Arg::digits(total - max)))
}

/// The first `max` tallies as `name (count)`, each name shown through
/// `show` (the medium's escaping), then `… and N more`.
pub(crate) fn tally_items(t: &[Tally], max: usize, show: impl Fn(&str) -> String) -> Vec<String> {
    let mut out: Vec<String> = t.iter().take(max).map(|x| format!("{} ({})", show(&x.name), x.count)).collect();
    out.extend(more(t.len(), max));
    out
}

/// [`tally_items`] in `lang`, the placeholders for people without a
/// department or an employment type in its words too.
pub(crate) fn tally_items_in(t: &[Tally], max: usize, show: impl Fn(&str) -> String, lang: Lang) -> Vec<String> {
    let name = |n: &str| match n {
        summary::NO_DEPARTMENT => t!(lang, "discover-no-department"),
        summary::NO_TYPE => t!(lang, "discover-no-employment-type"),
        other => show(other),
    };
    let mut out: Vec<String> = t
        .iter()
        .take(max)
        .map(|x| t!(lang, "discover-tally", name = name(&x.name), count = Arg::digits(x.count)))
        .collect();
    out.extend(more_in(t.len(), max, lang));
    out
}

/// Items joined the way `lang` writes a list (`a, b` / `a、b`).
pub(crate) fn join(items: Vec<String>, lang: Lang) -> String {
    Arg::from(items).render(lang)
}

impl Discovered {
    /// Apps no declared Application covers.
    pub fn undeclared(&self) -> usize {
        self.apps.iter().filter(|a| a.undeclared()).count()
    }

    /// Every note of every directory, as `directory: note`.
    pub fn notes(&self) -> impl Iterator<Item = (&str, &str)> {
        self.directories.iter().flat_map(|d| d.notes.iter().map(move |n| (d.directory.as_str(), n.as_str())))
    }
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}
