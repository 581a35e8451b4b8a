//! The order of compilation: people sources, applications, policies,
//! exceptions, role rankings and numbers, separation of duties, managed
//! groups. The order is part of the output: diagnostics are reported in
//! the order they are found (errors are sorted by place afterwards).

use std::collections::{BTreeMap, BTreeSet};

use super::PolicySet;
use super::application::compile_app;
use super::checker::Checker;
use super::duties::compile_duties;
use super::grants::compile_grants;
use super::model::{Compiled, CompiledException, CompiledPolicy};
use super::people_sources::check_people_source;
use super::reach::check_reach;
use super::selectors::compile_selector;
use crate::diag::Diagnostic;
use crate::i18n::Msg;
use crate::load::Origin;
use crate::vocab;

/// Runs every cross-field check and compiles the set. Errors and warnings
/// come back as diagnostics; the compiled form is only meaningful when
/// there are no errors.
pub(crate) fn check(set: &PolicySet, root: &str) -> (Compiled, Vec<Diagnostic>) {
    let mut c = Checker { set, diags: Vec::new() };
    if set.people_sources.is_empty() {
        c.diags.push(
            Diagnostic::error(root, None, Msg::new("compile-no-people-source"))
                .with_help(Msg::new("compile-no-people-source-help")),
        );
    }
    c.duplicates("PeopleSource", &set.people_sources);
    c.duplicates("Application", &set.applications);
    c.duplicates("AccessPolicy", &set.policies);
    c.duplicates("Exception", &set.exceptions);
    c.duplicates("SeparationOfDuties", &set.duties);

    let people_attributes = set.people_attributes();
    let mut employment_types: BTreeSet<String> =
        vocab::WELL_KNOWN_EMPLOYMENT_TYPES.iter().map(|s| (*s).to_owned()).collect();
    let mut has_manager_column = false;
    let mut has_moved_on_column = false;
    for src in &set.people_sources {
        check_people_source(&mut c, src, &mut employment_types);
        has_manager_column |= src.spec.has_manager();
        has_moved_on_column |= src.spec.has_moved_on();
    }

    check_reach(&mut c);

    let mut compiled = Compiled::default();
    for (i, app) in set.applications.iter().enumerate() {
        let ca = compile_app(&mut c, app, &people_attributes, has_manager_column, has_moved_on_column);
        compiled.app_index.insert(app.name.clone(), i);
        compiled.apps.push(ca);
    }

    // Roles granted per app, to require a ranking when there are several.
    let mut granted_roles: BTreeMap<usize, BTreeMap<String, (Origin, String)>> = BTreeMap::new();
    for pol in &set.policies {
        let selector = compile_selector(&mut c, pol, &people_attributes, &employment_types);
        if pol.spec.grant.is_empty() {
            c.error(
                &pol.origin,
                "spec.grant",
                Msg::new("compile-policy-grants-nothing"),
                Msg::new("compile-grants-nothing-help"),
            );
        }
        let grants = compile_grants(&mut c, &pol.origin, &pol.spec.grant, &compiled, &mut granted_roles);
        compiled.policies.push(CompiledPolicy { name: pol.name.clone(), selector, grants });
    }
    for ex in &set.exceptions {
        let s = &ex.spec;
        if s.person.trim().is_empty() {
            c.error(
                &ex.origin,
                "spec.person",
                Msg::new("compile-empty-field").arg("field", "person"),
                Msg::new("compile-exception-person-help"),
            );
        }
        if s.reason.trim().is_empty() {
            c.error(
                &ex.origin,
                "spec.reason",
                Msg::new("compile-empty-field").arg("field", "reason"),
                Msg::new("compile-exception-reason-help"),
            );
        }
        if s.approver.trim().is_empty() {
            c.error(
                &ex.origin,
                "spec.approver",
                Msg::new("compile-empty-field").arg("field", "approver"),
                Msg::new("compile-exception-approver-help"),
            );
        }
        if let Some(from) = s.from
            && from > s.until
        {
            c.error(
                &ex.origin,
                "spec.until",
                Msg::new("compile-until-before-from").arg("until", s.until).arg("from", from),
                Msg::new("compile-until-before-from-help"),
            );
        }
        if s.grant.is_empty() {
            c.error(
                &ex.origin,
                "spec.grant",
                Msg::new("compile-exception-grants-nothing"),
                Msg::new("compile-grants-nothing-help"),
            );
        }
        let grants = compile_grants(&mut c, &ex.origin, &s.grant, &compiled, &mut granted_roles);
        compiled.exceptions.push(CompiledException {
            name: ex.name.clone(),
            person: s.person.trim().to_owned(),
            from: s.from,
            until: s.until,
            reason: s.reason.clone(),
            approver: s.approver.clone(),
            grants,
        });
    }
    for (app_idx, roles) in &granted_roles {
        let app = &set.applications[*app_idx];
        if roles.len() > 1 && app.spec.roles.is_empty() {
            let names: Vec<&str> = roles.keys().map(String::as_str).collect();
            let (origin, path) = roles
                .values()
                .nth(1)
                .map(|(o, p)| (o.clone(), p.clone()))
                .unwrap_or((app.origin.clone(), String::new()));
            c.error(
                &origin,
                &path,
                Msg::new("compile-roles-unranked").arg("app", &app.name).arg("roles", names.clone()),
                Msg::new("compile-roles-unranked-help").arg("app", &app.name).arg("roles", names.join(", ")),
            );
        }
    }
    // Role numbers: every role a grant names gets one in its app.
    for grants in
        compiled.policies.iter_mut().map(|p| &mut p.grants).chain(compiled.exceptions.iter_mut().map(|e| &mut e.grants))
    {
        for g in grants.iter_mut() {
            if let (Some(role), Some(app)) = (&g.role, compiled.apps.get_mut(g.app)) {
                let key = role.to_lowercase();
                let next = app.role_ids.len() as u32;
                g.role_id = Some(*app.role_ids.entry(key).or_insert(next));
            }
        }
    }
    compile_duties(&mut c, &mut compiled);
    // Managed groups: every group some grant names.
    for pol in compiled.policies.iter().map(|p| &p.grants).chain(compiled.exceptions.iter().map(|e| &e.grants)) {
        for g in pol {
            if let Some(app) = compiled.apps.get_mut(g.app) {
                app.managed_groups.extend(g.groups.iter().cloned());
            }
        }
    }
    (compiled, c.diags)
}
