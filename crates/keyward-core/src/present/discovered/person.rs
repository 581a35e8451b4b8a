//! One person's discovered grants, for `keyward explain`: every
//! third-party app a directory reports them using, so a leaver's view
//! shows what is still open beyond the declared accounts.

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::matching::{bounded, person_of};
use super::summary::Covering;
use super::{AppId, NAME_CHARS, SCOPE_CHARS, SCOPES};
use crate::compile::PolicySet;
use crate::discovery::{DirectoryScan, Evidence};
use crate::people::People;

/// A grant a directory reports for one person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DiscoveredGrant {
    /// The app's name as the directory shows it (its id when it shows
    /// none), at most [`NAME_CHARS`].
    pub app: String,
    /// The app's id in the directory.
    pub id: String,
    /// The declared Application that covers it; `None`: undeclared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub covered_by: Option<String>,
    /// The directory that reports it.
    pub directory: String,
    /// What shows it.
    pub evidence: Evidence,
    /// Scopes granted (at most [`SCOPES`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scopes: Vec<String>,
    /// Scopes left out of `scopes`.
    #[serde(default, skip_serializing_if = "super::is_zero")]
    pub more_scopes: usize,
    /// Last day seen, where the directory dates it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_seen: Option<Date>,
}

/// (app name, directory, app id, evidence): one grant line per key.
type GrantKey = (String, String, String, Evidence);

/// The grants every scan reports for the person with this employee number
/// or work e-mail (found as [`People::find`] does), by app, directory and
/// evidence; none when nobody has that key. Users are matched to the
/// person as [`super::summarize`] matches them. Tenant-wide consents name
/// nobody and are left out; `--since` does not apply: a grant still open is
/// open however old.
pub fn discovered_grants(set: &PolicySet, people: &People, scans: &[DirectoryScan], key: &str) -> Vec<DiscoveredGrant> {
    let Some(index) = people.find(key.trim()) else { return Vec::new() };
    let covering = Covering::new(set);
    let mut found: BTreeMap<GrantKey, (Option<Date>, BTreeSet<String>)> = BTreeMap::new();
    for scan in scans {
        for u in &scan.uses {
            if u.evidence == Evidence::TenantConsent || person_of(people, &u.user) != Some(index) {
                continue;
            }
            let name = scan.apps.get(&u.app).and_then(|f| f.name.as_deref()).unwrap_or(&u.app);
            let key = (bounded(name, NAME_CHARS), scan.directory.clone(), bounded(&u.app, NAME_CHARS), u.evidence);
            let (last, scopes) = found.entry(key).or_default();
            if let Some(l) = u.last_seen.or(u.first_seen) {
                *last = Some(last.map_or(l, |x| x.max(l)));
            }
            scopes.extend(u.scopes.iter().map(|s| s.to_string()));
        }
    }
    found
        .into_iter()
        .map(|((app, directory, id, evidence), (last_seen, scopes))| {
            let ids = BTreeSet::from([AppId { directory: directory.clone(), id: id.clone() }]);
            DiscoveredGrant {
                covered_by: covering.find(&app, &ids),
                app,
                id,
                directory,
                evidence,
                more_scopes: scopes.len().saturating_sub(SCOPES),
                scopes: scopes.iter().take(SCOPES).map(|s| bounded(s, SCOPE_CHARS)).collect(),
                last_seen,
            }
        })
        .collect()
}
