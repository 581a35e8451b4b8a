//! Desired state: which person should have which app, with which role and
//! groups, and why.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use jiff::civil::Date;
use serde::Serialize;

use crate::people::{People, Person, Phase, Post};
use crate::validate::{Compiled, CompiledApp, CompiledSelector};

/// Why a person has a grant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum GrantSource {
    /// An AccessPolicy selected the person.
    Policy {
        /// Policy name.
        name: String,
        /// The post that matched, when the selector looked at posts.
        #[serde(skip_serializing_if = "Option::is_none")]
        post: Option<Post>,
        /// The department pattern that matched, as written.
        #[serde(skip_serializing_if = "Option::is_none")]
        pattern: Option<String>,
        /// Role this policy grants.
        #[serde(skip_serializing_if = "Option::is_none")]
        role: Option<String>,
    },
    /// An Exception names the person.
    Exception {
        /// Exception name.
        name: String,
        /// Last day in force.
        until: Date,
        /// Why.
        reason: String,
        /// Who approved.
        approver: String,
        /// Role it grants.
        #[serde(skip_serializing_if = "Option::is_none")]
        role: Option<String>,
    },
}

impl GrantSource {
    /// `AccessPolicy sales (営業本部/第一営業部)` or `Exception x until …`.
    pub fn describe(&self) -> String {
        match self {
            Self::Policy { name, post, .. } => match post.as_ref().and_then(|p| p.department.as_deref()) {
                Some(dept) => format!("AccessPolicy {name} ({dept})"),
                None => format!("AccessPolicy {name}"),
            },
            Self::Exception { name, until, approver, .. } => {
                format!("Exception {name} until {until}, approved by {approver}")
            }
        }
    }
}

/// What one person should have in one app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entitlement {
    /// The winning role, if any grant names one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// Union of granted groups.
    pub groups: BTreeSet<String>,
    /// Every grant behind it.
    pub sources: Vec<GrantSource>,
}

impl Entitlement {
    /// `true` when an exception is among the sources.
    pub fn has_exception(&self) -> bool {
        self.sources.iter().any(|s| matches!(s, GrantSource::Exception { .. }))
    }

    /// `true` when only exceptions grant it.
    pub fn only_exceptions(&self) -> bool {
        self.sources.iter().all(|s| matches!(s, GrantSource::Exception { .. }))
    }

    /// "granted by AccessPolicy a, Exception b…".
    pub fn describe(&self) -> String {
        let parts: Vec<String> = self.sources.iter().map(GrantSource::describe).collect();
        format!("granted by {}", parts.join(", "))
    }
}

/// Entitlements of every person, by app index.
pub(crate) struct Desired {
    /// Parallel to `People::persons`.
    pub(crate) per_person: Vec<BTreeMap<usize, Entitlement>>,
    /// Exceptions whose person is not in the HR data, or that expired.
    pub(crate) warnings: Vec<String>,
}

/// Does the selector pick this person? Returns the matching post (when
/// posts were looked at) and the department pattern that matched.
fn select<'p, 'c>(
    sel: &'c CompiledSelector,
    person: &'p Person,
    phase: Phase,
    memo: &mut HashMap<(usize, &'p str), Option<&'c str>>,
    policy_idx: usize,
) -> Option<(Option<Post>, Option<String>)> {
    let status_ok = match phase {
        Phase::NotStarted { .. } | Phase::Employed => sel.active,
        Phase::OnLeave => sel.on_leave,
        Phase::Left { .. } => false,
    };
    if !status_ok {
        return None;
    }
    if !sel.employment_types.is_empty() {
        let ty = person.employment_type.as_deref()?;
        if !sel.employment_types.iter().any(|t| t == ty) {
            return None;
        }
    }
    // A missing value is matched as the empty string, so `.*` means
    // "anyone" and `.+` means "has a value".
    for (attr, re) in &sel.attributes {
        if !re.is_match(person.attributes.get(attr).map_or("", String::as_str)) {
            return None;
        }
    }
    if sel.department.is_none() && sel.title.is_none() {
        return Some((None, None));
    }
    static NO_POST: [Post; 1] = [Post { department: None, title: None }];
    let posts: &[Post] = if person.posts.is_empty() { &NO_POST } else { &person.posts };
    for post in posts {
        let pattern = match &sel.department {
            Some(m) => {
                let Some(dept) = post.department.as_deref() else {
                    continue;
                };
                // Departments repeat across thousands of people: remember
                // each department's verdict per policy.
                let hit = *memo.entry((policy_idx, dept)).or_insert_with(|| m.matching_pattern(dept));
                match hit {
                    Some(p) => Some(p.to_owned()),
                    None => continue,
                }
            }
            None => None,
        };
        if let Some(re) = &sel.title
            && !re.is_match(post.title.as_deref().unwrap_or(""))
        {
            continue;
        }
        return Some((Some(post.clone()), pattern));
    }
    None
}

fn add_grant(
    apps: &[CompiledApp],
    out: &mut BTreeMap<usize, Entitlement>,
    app_idx: usize,
    role: Option<&String>,
    groups: &[String],
    source: GrantSource,
) {
    let e =
        out.entry(app_idx).or_insert_with(|| Entitlement { role: None, groups: BTreeSet::new(), sources: Vec::new() });
    if let Some(r) = role {
        let rank = |x: &str| apps[app_idx].role_rank.get(&x.to_lowercase()).copied().unwrap_or(0);
        let better = match &e.role {
            None => true,
            Some(cur) => rank(r) > rank(cur),
        };
        if better {
            e.role = Some(r.clone());
        }
    }
    e.groups.extend(groups.iter().cloned());
    e.sources.push(source);
}

/// Computes every person's entitlements on `today`.
pub(crate) fn desired(compiled: &Compiled, people: &People, phases: &[Phase], today: Date) -> Desired {
    let mut warnings = Vec::new();
    // Exceptions by person index.
    let mut by_person: HashMap<usize, Vec<usize>> = HashMap::new();
    for (i, ex) in compiled.exceptions.iter().enumerate() {
        match people.find(&ex.person) {
            Some(p) => by_person.entry(p).or_default().push(i),
            None => warnings.push(format!(
                "Exception {} names `{}`, who is not in the HR data; it grants nothing",
                ex.name, ex.person
            )),
        }
        if ex.until < today {
            warnings.push(format!(
                "Exception {} expired on {}; it grants nothing any more and can be removed",
                ex.name, ex.until
            ));
        }
    }
    let mut memo = HashMap::new();
    let per_person = people
        .persons()
        .iter()
        .enumerate()
        .map(|(pi, person)| {
            let mut out = BTreeMap::new();
            for (policy_idx, pol) in compiled.policies.iter().enumerate() {
                if let Some((post, pattern)) = select(&pol.selector, person, phases[pi], &mut memo, policy_idx) {
                    for (app_idx, g) in &pol.grants {
                        let role = g.role.as_ref().or(compiled.apps[*app_idx].default_role.as_ref());
                        let source = GrantSource::Policy {
                            name: pol.name.clone(),
                            post: post.clone(),
                            pattern: pattern.clone(),
                            role: role.cloned(),
                        };
                        add_grant(&compiled.apps, &mut out, *app_idx, role, &g.groups, source);
                    }
                }
            }
            for &ei in by_person.get(&pi).map(Vec::as_slice).unwrap_or(&[]) {
                let ex = &compiled.exceptions[ei];
                let in_force = ex.from.is_none_or(|f| f <= today) && today <= ex.until;
                if !in_force {
                    continue;
                }
                for (app_idx, g) in &ex.grants {
                    let role = g.role.as_ref().or(compiled.apps[*app_idx].default_role.as_ref());
                    let source = GrantSource::Exception {
                        name: ex.name.clone(),
                        until: ex.until,
                        reason: ex.reason.clone(),
                        approver: ex.approver.clone(),
                        role: role.cloned(),
                    };
                    add_grant(&compiled.apps, &mut out, *app_idx, role, &g.groups, source);
                }
            }
            out
        })
        .collect();
    warnings.sort();
    Desired { per_person, warnings }
}
