//! Running test cases: each person's grants as the plan decides them,
//! compared with what the case expects.

use jiff::civil::Date;

use super::{CaseResult, Expectation, Expected, Mismatch, Outcome, Subject, TestCase};
use crate::compile::PolicySet;
use crate::diag::{Diagnostic, Diagnostics};
use crate::grants::{Grant, NotSelected, grants_of};
use crate::people::{FieldLabels, People, Person, SourceInfo};
use crate::resources::HrStatus;

/// `true` when some case tests a real employee, so the HR master must be read.
pub fn needs_people(cases: &[TestCase]) -> bool {
    cases.iter().any(|c| matches!(c.subject, Subject::Employee { .. }))
}

/// Runs every case. `people` is the HR master (needed only when
/// [`needs_people`]); `default_at` is the day for documents that fix none.
/// An employee the HR master does not know is an error at its place.
pub fn run(
    set: &PolicySet,
    cases: &[TestCase],
    people: Option<&People>,
    default_at: Date,
) -> Result<Outcome, Diagnostics> {
    let mut diags = Vec::new();
    let mut results = Vec::new();
    for case in cases {
        let at = case.at.unwrap_or(default_at);
        let synthetic_people;
        let (people, index) = match &case.subject {
            Subject::Synthetic(person) => {
                let source = SourceInfo {
                    name: "policy test".to_owned(),
                    location: case.file.clone(),
                    labels: FieldLabels::default(),
                };
                synthetic_people = People::new(vec![source], vec![(**person).clone()]).map_err(|e| {
                    Diagnostics(
                        e.into_iter()
                            .map(|e| Diagnostic::error(&case.file, Some(case.location), e.to_string()))
                            .collect(),
                    )
                })?;
                (&synthetic_people, 0)
            }
            Subject::Employee { key, location } => match people.and_then(|p| p.find(key).map(|i| (p, i))) {
                Some(found) => found,
                None => {
                    diags.push(
                            Diagnostic::error(&case.file, Some(*location), format!("no person `{key}` in the HR master"))
                                .with_help("use an employee number or work e-mail from the HR master, or describe a made-up HR record with `person:`"),
                        );
                    continue;
                }
            },
        };
        let Some(person) = people.get(index) else {
            continue;
        };
        let Some(actual) = grants_of(set, people, index, at) else {
            continue;
        };
        let mismatches = compare(&case.expect, &actual.grants, &actual.not_selected);
        results.push(CaseResult {
            test: case.test.clone(),
            name: case.name.clone(),
            file: case.file.clone(),
            line: case.location.line,
            column: case.location.column,
            at,
            person: match &case.subject {
                Subject::Synthetic(p) if p.name.is_none() => describe(p),
                _ => person.label(),
            },
            phase: actual.phase,
            passed: mismatches.is_empty(),
            mismatches,
            actual: actual.grants,
            exceptions_not_in_force: actual.exceptions_not_in_force,
        });
    }
    if !diags.is_empty() {
        return Err(Diagnostics(diags));
    }
    let passed = results.iter().filter(|r| r.passed).count();
    Ok(Outcome { passed, failed: results.len() - passed, cases: results })
}

/// A made-up person in words: `made-up person (contractor; 開発本部/プラットフォーム部)`.
fn describe(p: &Person) -> String {
    let mut parts = vec![p.employment_type.clone().unwrap_or_else(|| "no employment type".to_owned())];
    let posts: Vec<String> = p
        .posts
        .iter()
        .map(|post| match (&post.department, &post.title) {
            (Some(d), Some(t)) => format!("{t} in {d}"),
            (Some(d), None) => d.clone(),
            (None, Some(t)) => t.clone(),
            (None, None) => String::new(),
        })
        .filter(|s| !s.is_empty())
        .collect();
    if !posts.is_empty() {
        parts.push(posts.join(", "));
    }
    if p.status != HrStatus::Active {
        parts.push(p.status.as_str().to_owned());
    }
    format!("made-up person ({})", parts.join("; "))
}

/// The expectations of `expect` that `grants` do not meet. `not_selected`
/// explains missing grants.
pub fn compare(expect: &Expectation, grants: &[Grant], not_selected: &[NotSelected]) -> Vec<Mismatch> {
    let mut out = Vec::new();
    for e in &expect.grants {
        let actual = grants.iter().find(|g| g.app == e.app);
        let holds = actual.is_some_and(|a| {
            e.role.as_ref().is_none_or(|r| a.role.as_ref() == Some(r))
                && e.groups.as_ref().is_none_or(|gs| {
                    let mut have = a.groups.clone();
                    have.sort();
                    &have == gs
                })
        });
        if holds {
            continue;
        }
        let why_not = if actual.is_none() {
            not_selected.iter().filter(|n| n.apps.contains(&e.app)).cloned().collect()
        } else {
            Vec::new()
        };
        out.push(Mismatch {
            app: e.app.clone(),
            expected: Expected { granted: true, role: e.role.clone(), groups: e.groups.clone() },
            actual: actual.cloned(),
            why_not,
        });
    }
    for g in grants {
        let denied = expect.denies.contains(&g.app);
        let extra = expect.exactly && !expect.grants.iter().any(|e| e.app == g.app);
        if denied || extra {
            out.push(Mismatch {
                app: g.app.clone(),
                expected: Expected { granted: false, role: None, groups: None },
                actual: Some(g.clone()),
                why_not: Vec::new(),
            });
        }
    }
    out
}
