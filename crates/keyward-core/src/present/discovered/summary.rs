//! [`summarize`]: the directories' scans, the HR snapshot and the declared
//! Applications → one [`Discovered`] document.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::Date;

use super::matching::{bounded, normalized, person_of, url_site, user_key};
use super::{
    AppId, CatalogueEntry, DirectorySummary, Discovered, DiscoveredApp, Holder, HolderPhase, NAME_CHARS, SCOPE_CHARS,
    SCOPES, Tally, UNKNOWN_EXAMPLES,
};
use crate::compile::PolicySet;
use crate::discovery::{AppUse, DISCOVERY_FORMAT_VERSION, DirectoryScan, Evidence};
use crate::people::{People, Phase};

/// Summarises what the directories report people using, on `today`.
///
/// The same app is merged over directories (and over several ids of one
/// directory) by its name compared without regard to case, spaces and
/// punctuation; an app no directory names stays apart under its id. Uses
/// dated before `since` are left out; undated grants stay. Users are found
/// in the HR data by e-mail as the email correlator matches them (case
/// and a `+tag` ignored). The result does not depend on the order of the
/// uses within a scan.
pub fn summarize(
    set: &PolicySet,
    people: &People,
    scans: &[DirectoryScan],
    today: Date,
    since: Option<Date>,
    catalogue: &[CatalogueEntry],
) -> Discovered {
    let mut apps: BTreeMap<String, Merged> = BTreeMap::new();
    for (order, scan) in scans.iter().enumerate() {
        for u in &scan.uses {
            if since.is_some_and(|s| u.last_seen.or(u.first_seen).is_some_and(|d| d < s)) {
                continue;
            }
            let facts = scan.apps.get(&u.app);
            let name = facts.and_then(|f| f.name.as_deref()).filter(|n| !normalized(n).is_empty());
            let key = match name {
                Some(n) => format!("n{}", normalized(n)),
                None => format!("i{order}\u{0}{}", u.app),
            };
            let m = apps.entry(key).or_default();
            pick(&mut m.name, order, name.unwrap_or(&u.app));
            if let Some(f) = facts {
                if let Some(p) = f.publisher.as_deref() {
                    pick(&mut m.publisher, order, p);
                }
                if let Some(h) = f.homepage.as_deref() {
                    pick(&mut m.homepage, order, h);
                }
            }
            m.add(people, scan, u, today);
        }
    }

    let covering = Covering::new(set);
    let mut out: Vec<DiscoveredApp> = apps.into_values().map(|m| m.finish(people, &covering, catalogue)).collect();
    out.sort_by(|a, b| {
        (a.covered_by.is_some(), Reverse(a.people), &a.name, &a.ids).cmp(&(
            b.covered_by.is_some(),
            Reverse(b.people),
            &b.name,
            &b.ids,
        ))
    });
    Discovered {
        version: DISCOVERY_FORMAT_VERSION,
        date: today,
        since,
        directories: scans
            .iter()
            .map(|s| DirectorySummary {
                directory: s.directory.clone(),
                kind: s.kind.clone(),
                source: s.source.clone(),
                users: s.users,
                requests: s.requests,
                notes: s.notes.clone(),
            })
            .collect(),
        apps: out,
    }
}

/// Keeps the value of the earliest directory, and the smallest of one
/// directory's, so the choice does not depend on the order of uses.
fn pick(slot: &mut Option<(usize, String)>, order: usize, value: &str) {
    let better = match slot {
        None => true,
        Some((o, v)) => (order, value) < (*o, v.as_str()),
    };
    if better {
        *slot = Some((order, value.to_owned()));
    }
}

/// One app's uses, gathered over the directories.
#[derive(Default)]
struct Merged {
    name: Option<(usize, String)>,
    publisher: Option<(usize, String)>,
    homepage: Option<(usize, String)>,
    ids: BTreeSet<AppId>,
    evidence: BTreeSet<Evidence>,
    tenant_consent: bool,
    persons: BTreeSet<usize>,
    unknown: BTreeSet<String>,
    first_seen: Option<Date>,
    last_seen: Option<Date>,
    /// By (employee number, directory, evidence).
    holders: BTreeMap<(String, String, Evidence), (Holder, BTreeSet<String>)>,
}

impl Merged {
    fn add(&mut self, people: &People, scan: &DirectoryScan, u: &AppUse, today: Date) {
        self.ids.insert(AppId { directory: scan.directory.clone(), id: bounded(&u.app, NAME_CHARS) });
        self.evidence.insert(u.evidence);
        let first = u.first_seen.or(u.last_seen);
        let last = u.last_seen.or(u.first_seen);
        if let Some(f) = first {
            self.first_seen = Some(self.first_seen.map_or(f, |x| x.min(f)));
        }
        if let Some(l) = last {
            self.last_seen = Some(self.last_seen.map_or(l, |x| x.max(l)));
        }
        if u.evidence == Evidence::TenantConsent {
            self.tenant_consent = true;
            return;
        }
        if u.user.trim().is_empty() {
            return;
        }
        let Some(index) = person_of(people, &u.user) else {
            self.unknown.insert(user_key(&u.user));
            return;
        };
        self.persons.insert(index);
        let Some(person) = people.get(index) else { return };
        let (phase, last_day) = match person.phase(today) {
            Phase::Left { last_day } => (HolderPhase::Left, last_day),
            Phase::OnLeave => (HolderPhase::OnLeave, person.effective_end_date()),
            Phase::NotStarted { .. } | Phase::Employed => return,
        };
        let key = (person.id.clone(), scan.directory.clone(), u.evidence);
        let (holder, scopes) = self.holders.entry(key).or_insert_with(|| {
            (
                Holder {
                    person_id: person.id.clone(),
                    name: person.name.clone(),
                    user: String::new(),
                    phase,
                    last_day,
                    directory: scan.directory.clone(),
                    evidence: u.evidence,
                    scopes: Vec::new(),
                    more_scopes: 0,
                    last_seen: None,
                },
                BTreeSet::new(),
            )
        });
        // The smallest address, whatever the order of the uses.
        let user = bounded(u.user.trim(), NAME_CHARS);
        if holder.user.is_empty() || user < holder.user {
            holder.user = user;
        }
        if let Some(l) = last {
            holder.last_seen = Some(holder.last_seen.map_or(l, |x| x.max(l)));
        }
        scopes.extend(u.scopes.iter().map(|s| s.to_string()));
    }

    fn finish(self, people: &People, covering: &Covering, catalogue: &[CatalogueEntry]) -> DiscoveredApp {
        let name = self.name.map_or_else(String::new, |(_, n)| bounded(&n, NAME_CHARS));
        let homepage = self.homepage.map(|(_, h)| bounded(&h, NAME_CHARS * 2));
        let covered_by = covering.find(&name, &self.ids);
        let catalogue = match covered_by {
            None => catalogue_match(catalogue, &name, homepage.as_deref()),
            Some(_) => None,
        };
        let holders = self
            .holders
            .into_values()
            .map(|(mut h, scopes)| {
                h.more_scopes = scopes.len().saturating_sub(SCOPES);
                h.scopes = scopes.iter().take(SCOPES).map(|s| bounded(s, SCOPE_CHARS)).collect();
                h
            })
            .collect();
        let mut departments: BTreeMap<String, usize> = BTreeMap::new();
        let mut types: BTreeMap<String, usize> = BTreeMap::new();
        for p in self.persons.iter().filter_map(|&i| people.get(i)) {
            let depts: BTreeSet<&str> =
                p.posts.iter().map(|post| post.department.as_deref().unwrap_or(NO_DEPARTMENT)).collect();
            for d in if depts.is_empty() { BTreeSet::from([NO_DEPARTMENT]) } else { depts } {
                *departments.entry(d.to_owned()).or_default() += 1;
            }
            *types.entry(p.employment_type.clone().unwrap_or_else(|| NO_TYPE.to_owned())).or_default() += 1;
        }
        DiscoveredApp {
            name,
            publisher: self.publisher.map(|(_, p)| bounded(&p, NAME_CHARS)),
            homepage,
            ids: self.ids.into_iter().collect(),
            evidence: self.evidence.into_iter().collect(),
            tenant_consent: self.tenant_consent,
            people: self.persons.len(),
            unknown_users: self.unknown.len(),
            unknown_examples: self.unknown.iter().take(UNKNOWN_EXAMPLES).map(|u| bounded(u, NAME_CHARS)).collect(),
            departments: tallies(departments),
            employment_types: tallies(types),
            first_seen: self.first_seen,
            last_seen: self.last_seen,
            covered_by,
            catalogue,
            holders,
        }
    }
}

/// The department of a person without one, in tallies.
pub(super) const NO_DEPARTMENT: &str = "(no department)";
/// The employment type of a person without one, in tallies.
pub(super) const NO_TYPE: &str = "(not recorded)";

/// Sorts counts most first, then by name.
fn tallies(counts: BTreeMap<String, usize>) -> Vec<Tally> {
    let mut v: Vec<Tally> = counts.into_iter().map(|(name, count)| Tally { name, count }).collect();
    v.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
    v
}

/// The declared Applications, keyed for [`Covering::find`].
pub(super) struct Covering<'s> {
    /// (Application, its names and `discoveredAs`, normalised).
    apps: Vec<(&'s str, Vec<String>, Vec<String>)>,
}

impl<'s> Covering<'s> {
    pub(super) fn new(set: &'s PolicySet) -> Self {
        let apps = set
            .applications
            .iter()
            .map(|a| {
                let names = std::iter::once(a.name.as_str())
                    .chain(a.spec.display_name.as_deref())
                    .map(normalized)
                    .filter(|n| !n.is_empty())
                    .collect();
                let aliases = a.spec.discovered_as.iter().map(|s| normalized(s)).filter(|n| !n.is_empty()).collect();
                (a.name.as_str(), names, aliases)
            })
            .collect();
        Self { apps }
    }

    /// The first Application (by name) whose `discoveredAs` lists the
    /// app's name or one of its ids, or whose name or `displayName` is the
    /// app's name.
    pub(super) fn find(&self, name: &str, ids: &BTreeSet<AppId>) -> Option<String> {
        let name = normalized(name);
        let ids: Vec<String> = ids.iter().map(|i| normalized(&i.id)).filter(|n| !n.is_empty()).collect();
        self.apps
            .iter()
            .find(|(_, names, aliases)| {
                (!name.is_empty() && (names.contains(&name) || aliases.contains(&name)))
                    || ids.iter().any(|i| aliases.contains(i))
            })
            .map(|(n, _, _)| (*n).to_owned())
    }
}

/// The catalogue entry named as the app, else the first whose URLs are on
/// the site of the app's home page.
fn catalogue_match(catalogue: &[CatalogueEntry], name: &str, homepage: Option<&str>) -> Option<String> {
    let name = normalized(name);
    let by_name = (!name.is_empty())
        .then(|| {
            catalogue.iter().find(|e| {
                normalized(&e.name) == name || e.display_name.as_deref().is_some_and(|d| normalized(d) == name)
            })
        })
        .flatten();
    let by_site = || {
        let site = url_site(homepage?)?;
        catalogue.iter().find(|e| e.sites.contains(&site))
    };
    by_name.or_else(by_site).map(|e| e.name.clone())
}
