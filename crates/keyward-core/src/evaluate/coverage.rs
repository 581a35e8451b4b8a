//! Selectors only the HR data can prove wrong: an AccessPolicy that selects
//! nobody on the plan date, and a department glob that matches no
//! department of the HR data (a typo, a renamed department, one level too
//! many). Compilation cannot see either — it has no people — and the plan
//! would simply grant nothing, so both are located warnings that
//! `keyward validate` and `keyward plan` print.

use std::collections::BTreeSet;

use jiff::civil::Date;

use super::{Selections, select_all};
use crate::compile::PolicySet;
use crate::diag::{Diagnostic, suggest};
use crate::people::{People, Phase};

/// The warnings about `set`'s selectors for `people` on `today`, in file
/// order.
pub fn selector_warnings(set: &PolicySet, people: &People, today: Date) -> Vec<Diagnostic> {
    let phases: Vec<Phase> = people.persons().iter().map(|p| p.phase(today)).collect();
    let selections = select_all(&set.compiled, people, &phases, today);
    from_selections(set, people, &selections, today)
}

/// [`selector_warnings`] from selections already made (the planner's).
pub(crate) fn from_selections(
    set: &PolicySet,
    people: &People,
    selections: &Selections,
    today: Date,
) -> Vec<Diagnostic> {
    let compiled = &set.compiled;
    let mut selected = vec![false; compiled.policies.len()];
    for hit in &selections.hits {
        selected[hit.policy as usize] = true;
    }
    // Every department named in the HR data, leavers' too: a glob that
    // matches only leavers is not a typo.
    let departments: BTreeSet<&str> =
        people.persons().iter().flat_map(|p| &p.posts).filter_map(|p| p.department.as_deref()).collect();
    let known: Vec<&str> = departments.iter().copied().collect();
    let mut out = Vec::new();
    // Compiled policies are in the policy set's order.
    for ((policy, named), selected) in compiled.policies.iter().zip(&set.policies).zip(selected) {
        if let Some(matcher) = &policy.selector.department {
            let matching = matcher.patterns_matching(departments.iter().copied());
            for (i, pattern) in named.spec.select.department.iter().enumerate() {
                if matching.get(i).copied().unwrap_or(true) {
                    continue;
                }
                out.push(
                    set.warning_at(
                        &named.origin,
                        &format!("spec.select.department[{i}]"),
                        format!("department glob `{pattern}` matches no department in the HR data"),
                    )
                    .with_help(department_help(pattern, &known)),
                );
            }
        }
        if !selected {
            out.push(
                set.warning_at(
                    &named.origin,
                    "spec.select",
                    format!("AccessPolicy {} selects nobody on {today}", named.name),
                )
                .with_help(format!(
                    "no one in the HR data meets every condition of `spec.select` on {today} (people who left are never selected), so it grants nothing; `keyward explain PERSON --at {today}` says which condition a person fails — fix the selector, or remove the policy"
                )),
            );
        }
    }
    out.sort_by(|a, b| (&a.file, a.location).cmp(&(&b.file, b.location)));
    out
}

fn department_help(pattern: &str, known: &[&str]) -> String {
    let bare = pattern.trim().trim_end_matches("/**").trim_end_matches('/');
    if let Some(s) = suggest(bare, known) {
        return s;
    }
    match known.first() {
        Some(example) => format!(
            "departments are paths as the HR data writes them, e.g. `{example}`; `*` matches one level and `**` any number"
        ),
        None => "the HR data names no department".to_owned(),
    }
}
