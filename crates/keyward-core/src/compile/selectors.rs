//! Compilation of an AccessPolicy's selector: department globs, the title
//! and attribute expressions, employment types and statuses.

use std::collections::{BTreeMap, BTreeSet};

use globset::{GlobBuilder, GlobSetBuilder};

use super::checker::Checker;
use super::model::{CompiledSelector, DeptMatcher};
use crate::diag::suggestion;
use crate::i18n::Msg;
use crate::load::Named;
use crate::resources::SelectStatus;

pub(super) fn compile_selector(
    c: &mut Checker<'_>,
    pol: &Named<crate::resources::AccessPolicySpec>,
    people_attributes: &BTreeMap<String, String>,
    employment_types: &BTreeSet<String>,
) -> CompiledSelector {
    let o = &pol.origin;
    let sel = &pol.spec.select;
    let mut out = CompiledSelector::default();
    if !sel.department.is_empty() {
        let mut builder = GlobSetBuilder::new();
        let mut pattern_of = Vec::new();
        let mut ok = true;
        for (i, pat) in sel.department.iter().enumerate() {
            let trimmed = pat.trim().trim_end_matches('/');
            // `X/**` also matches `X` itself, whatever `X` is (braces too).
            let forms = std::iter::once(trimmed).chain(trimmed.strip_suffix("/**"));
            for form in forms {
                match GlobBuilder::new(form).literal_separator(true).build() {
                    Ok(g) => {
                        builder.add(g);
                        pattern_of.push(i);
                    }
                    Err(e) => {
                        ok = false;
                        c.error(
                            o,
                            &format!("spec.select.department[{i}]"),
                            Msg::new("compile-bad-department-glob")
                                .arg("pattern", pat)
                                .arg("why", e.kind().to_string()),
                            Msg::new("compile-bad-department-glob-help"),
                        );
                        break;
                    }
                }
            }
        }
        if ok {
            match builder.build() {
                Ok(set) => out.department = Some(DeptMatcher { set, pattern_of }),
                Err(e) => c.error(
                    o,
                    "spec.select.department",
                    Msg::new("compile-department-globs-fail").arg("why", e.to_string()),
                    Msg::new("compile-department-globs-fail-help"),
                ),
            }
        }
    }
    if let Some(t) = &sel.title {
        out.title = c.regex(o, "spec.select.title", t);
    }
    for (i, t) in sel.employment_type.iter().enumerate() {
        if !employment_types.contains(t) {
            let cands: Vec<&str> = employment_types.iter().map(String::as_str).collect();
            c.error(
                o,
                &format!("spec.select.employmentType[{i}]"),
                Msg::new("compile-unknown-employment-type").arg("value", t),
                suggestion(t, &cands)
                    .unwrap_or_else(|| Msg::new("compile-unknown-employment-type-help").arg("types", cands.clone())),
            );
        }
    }
    out.employment_types = sel.employment_type.clone();
    if sel.status.is_empty() {
        out.active = true;
        out.on_leave = true;
    } else {
        out.active = sel.status.contains(&SelectStatus::Active);
        out.on_leave = sel.status.contains(&SelectStatus::OnLeave);
    }
    for (k, v) in &sel.attributes {
        if !people_attributes.contains_key(k) {
            let cands: Vec<&str> = people_attributes.keys().map(String::as_str).collect();
            c.error(
                o,
                &format!("spec.select.attributes.{k}"),
                Msg::new("compile-unknown-attribute").arg("name", k),
                suggestion(k, &cands).unwrap_or_else(|| Msg::new("compile-unknown-attribute-help")),
            );
        }
        if let Some(r) = c.regex(o, &format!("spec.select.attributes.{k}"), v) {
            out.attributes.push((k.clone(), r));
        }
    }
    out
}
