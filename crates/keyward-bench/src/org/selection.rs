//! The generator's own reading of the policies — a deliberately small
//! re-implementation of keyward's selector rules (department trees,
//! title patterns, employment types, a required attribute) — so that most
//! generated accounts agree with what keyward will plan.

use std::collections::BTreeSet;

use super::Org;
use super::apps::App;
use super::people::Person;
use super::policies::{DeptPattern, PolicyDef, TitleMatch};

impl DeptPattern {
    /// Is `dept` this department, or (for `X/**`) one under it?
    fn matches(&self, dept: &str) -> bool {
        match self {
            Self::Tree(p) => dept == p || (dept.starts_with(p.as_str()) && dept[p.len()..].starts_with('/')),
            Self::Exact(p) => dept == p,
        }
    }
}

impl TitleMatch {
    /// Does the title satisfy the condition, as its regex would?
    fn matches(&self, title: &str) -> bool {
        match self {
            Self::OneOf(t) => t.contains(&title),
            Self::Contains(t) => t.iter().any(|x| title.contains(x)),
            Self::EndsWith(t) => title.ends_with(t),
        }
    }
}

impl PolicyDef {
    /// Does the policy select the person (as if employed)?
    fn selects(&self, org: &Org, p: &Person) -> bool {
        if !self.emp.is_empty() && !self.emp.contains(&p.emp) {
            return false;
        }
        if self.needs_github && p.github_cell.is_none() {
            return false;
        }
        if self.depts.is_empty() && self.title.is_none() {
            return true;
        }
        p.posts.iter().any(|post| {
            let dept = &org.depts[post.dept].path;
            let dept_ok = self.depts.is_empty() || self.depts.iter().any(|d| d.matches(dept));
            let title_ok = match &self.title {
                None => true,
                Some(t) => !post.title.is_empty() && t.matches(post.title),
            };
            dept_ok && title_ok
        })
    }
}

/// What one person should have in one app, by the generator's reading of
/// the policies.
#[derive(Debug, Clone, Default)]
pub(crate) struct Ent {
    pub(crate) role: Option<&'static str>,
    pub(crate) groups: BTreeSet<String>,
}

/// For each person, the indexes of the policies that select them as if
/// they were employed (leavers keep the accounts they had).
pub(crate) fn selected(org: &Org, pols: &[PolicyDef]) -> Vec<Vec<u16>> {
    org.persons
        .iter()
        .map(|p| pols.iter().enumerate().filter(|(_, pol)| pol.selects(org, p)).map(|(i, _)| i as u16).collect())
        .collect()
}

/// The entitlement in `app` from the selected policies.
pub(crate) fn entitlement(app_idx: usize, app: &App, pols: &[PolicyDef], sel: &[u16]) -> Option<Ent> {
    let mut out: Option<Ent> = None;
    for &pi in sel {
        for gr in pols[usize::from(pi)].grants.iter().filter(|gr| gr.app == app_idx) {
            let e = out.get_or_insert_with(Ent::default);
            if let Some(r) = gr.role.or(app.default_role) {
                let better = e.role.is_none_or(|cur| app.rank(r) > app.rank(cur));
                if better {
                    e.role = Some(r);
                }
            }
            e.groups.extend(gr.groups.iter().cloned());
        }
    }
    out
}

/// Every group some policy grants in `app` (keyward manages only these).
pub(crate) fn managed_groups(app_idx: usize, pols: &[PolicyDef]) -> Vec<String> {
    let set: BTreeSet<&String> = pols
        .iter()
        .flat_map(|p| p.grants.iter())
        .filter(|gr| gr.app == app_idx)
        .flat_map(|gr| gr.groups.iter())
        .collect();
    set.into_iter().cloned().collect()
}
