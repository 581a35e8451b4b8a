//! Compilation of grants: the application each names, its role (checked
//! against the app's roles and its connector's) and its groups.

use std::collections::BTreeMap;

use super::checker::Checker;
use super::connectors::github::is_team_slug;
use super::connectors::okta;
use super::connectors::{connector_role_problem, use_either};
use super::model::{Compiled, CompiledApp, CompiledGrant, GroupNames};
use crate::diag::suggestion;
use crate::i18n::Msg;
use crate::load::Origin;
use crate::resources::Grant;

pub(super) fn compile_grants(
    c: &mut Checker<'_>,
    origin: &Origin,
    grants: &[Grant],
    compiled: &Compiled,
    granted_roles: &mut BTreeMap<usize, BTreeMap<String, (Origin, String)>>,
) -> Vec<CompiledGrant> {
    let mut out = Vec::new();
    for (i, g) in grants.iter().enumerate() {
        let path = format!("spec.grant[{i}]");
        let Some(app_idx) = app_ref(c, origin, &format!("{path}.app"), &g.app, compiled) else {
            continue;
        };
        let app = &compiled.apps[app_idx];
        let role = g.role.clone().or_else(|| app.default_role.clone());
        if let Some(r) = &g.role {
            check_role(c, origin, &format!("{path}.role"), app, r);
        }
        if let Some(r) = &role {
            granted_roles
                .entry(app_idx)
                .or_default()
                .entry(r.to_lowercase())
                .or_insert_with(|| (origin.clone(), format!("{path}.role")));
        }
        if let GroupNames::Unmanaged(setting) = app.group_names
            && !g.groups.is_empty()
        {
            c.error(
                origin,
                &format!("{path}.groups"),
                Msg::new("compile-groups-unmanaged").arg("app", &app.name).arg("setting", setting),
                Msg::new("compile-groups-unmanaged-help").arg("setting", setting),
            );
        }
        let set = c.set;
        if let Some(a) = set.application(&app.name).and_then(|a| a.spec.connector.atlassian.as_ref()) {
            for (j, grp) in g.groups.iter().enumerate() {
                if let Some((role, _)) =
                    a.product_access.iter().find(|(_, gs)| gs.iter().any(|x| x.eq_ignore_ascii_case(grp)))
                {
                    c.error(
                        origin,
                        &format!("{path}.groups[{j}]"),
                        Msg::new("compile-group-is-product-access")
                            .arg("group", grp)
                            .arg("role", role)
                            .arg("app", &app.name),
                        Msg::new("compile-group-is-product-access-help").arg("role", role),
                    );
                }
            }
        }
        if let GroupNames::NotSupported(why) = app.group_names
            && !g.groups.is_empty()
        {
            c.error(
                origin,
                &format!("{path}.groups"),
                Msg::new("compile-groups-not-supported").arg("app", &app.name).arg("why", why.msg()),
                Msg::new("compile-groups-not-supported-help"),
            );
        }
        for (j, grp) in g.groups.iter().enumerate() {
            if grp.trim().is_empty() {
                c.error(
                    origin,
                    &format!("{path}.groups[{j}]"),
                    Msg::new("compile-group-empty"),
                    Msg::new("compile-group-empty-help"),
                );
            } else if app.group_names == GroupNames::Okta && grp.trim().eq_ignore_ascii_case(okta::EVERYONE) {
                c.error(
                    origin,
                    &format!("{path}.groups[{j}]"),
                    Msg::new("compile-okta-everyone").arg("group", grp),
                    Msg::new("compile-okta-everyone-help"),
                );
            } else if app.group_names == GroupNames::TeamSlugs && !is_team_slug(grp) {
                c.error(
                    origin,
                    &format!("{path}.groups[{j}]"),
                    Msg::new("compile-not-team-slug").arg("group", grp),
                    Msg::new("compile-not-team-slug-help"),
                );
            }
        }
        let rank = role.as_ref().and_then(|r| app.role_rank.get(&r.to_lowercase()).copied()).unwrap_or(0);
        let mut groups = g.groups.clone();
        groups.sort();
        groups.dedup();
        out.push(CompiledGrant { app: app_idx, role, rank, role_id: None, groups });
    }
    out
}

/// The index of the Application named `name`, or an error at `path` that
/// names the Applications there are.
pub(super) fn app_ref(
    c: &mut Checker<'_>,
    origin: &Origin,
    path: &str,
    name: &str,
    compiled: &Compiled,
) -> Option<usize> {
    if let Some(&i) = compiled.app_index.get(name) {
        return Some(i);
    }
    let names: Vec<&str> = compiled.apps.iter().map(|a| a.name.as_str()).collect();
    c.error(
        origin,
        path,
        Msg::new("compile-unknown-application").arg("name", name),
        suggestion(name, &names).unwrap_or_else(|| {
            if names.is_empty() {
                Msg::new("compile-unknown-application-help-none")
            } else {
                Msg::new("compile-unknown-application-help").arg("name", name).arg("apps", names.clone())
            }
        }),
    );
    None
}

/// Reports a role the app does not list, when it lists its roles.
pub(super) fn check_role(c: &mut Checker<'_>, origin: &Origin, path: &str, app: &CompiledApp, role: &str) {
    // Apps whose accounts have no role at all: what they are, and what to grant.
    let roleless = match app.connector {
        "okta" => Some((Msg::new("compile-roleless-okta"), Msg::new("compile-roleless-okta-help"))),
        "ldap" => Some((Msg::new("compile-roleless-ldap"), Msg::new("compile-roleless-ldap-help"))),
        _ => None,
    };
    if let Some((what, grant)) = roleless {
        c.error(origin, path, what.arg("app", &app.name).arg("role", role), grant);
        return;
    }
    if let Some(known) = app.connector_roles
        && !known.iter().any(|k| k.eq_ignore_ascii_case(role))
    {
        c.error(origin, path, connector_role_problem(app.connector, role), use_either(known));
        return;
    }
    if app.role_rank.is_empty() || app.role_rank.contains_key(&role.to_lowercase()) {
        return;
    }
    let mut roles: Vec<(&String, &usize)> = app.role_rank.iter().collect();
    roles.sort_by_key(|(_, rank)| **rank);
    let names: Vec<&str> = roles.iter().map(|(n, _)| n.as_str()).collect();
    c.error(
        origin,
        path,
        Msg::new("compile-unknown-role").arg("role", role).arg("app", &app.name),
        suggestion(role, &names).unwrap_or_else(|| Msg::new("compile-unknown-role-help").arg("roles", names.clone())),
    );
}
