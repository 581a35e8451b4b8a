//! Compilation of grants: the application each names, its role (checked
//! against the app's roles and its connector's) and its groups.

use std::collections::BTreeMap;

use super::checker::Checker;
use super::connectors::connector_role_problem;
use super::connectors::github::is_team_slug;
use super::connectors::okta;
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
                format!("application `{}` manages no groups ({setting} is false)", app.name),
                format!("remove the groups, or turn {setting} on"),
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
                        format!(
                            "group `{grp}` grants the product access of role `{role}` in application `{}`",
                            app.name
                        ),
                        format!("grant `role: {role}` instead; keyward manages that group through the role"),
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
                format!("application `{}` cannot have its groups managed: {why}", app.name),
                "remove the groups from this grant, or give the connector what it needs",
            );
        }
        for (j, grp) in g.groups.iter().enumerate() {
            if grp.trim().is_empty() {
                c.error(
                    origin,
                    &format!("{path}.groups[{j}]"),
                    "empty group name",
                    "remove it or write the group's name",
                );
            } else if app.group_names == GroupNames::Okta && grp.trim().eq_ignore_ascii_case(okta::EVERYONE) {
                c.error(
                    origin,
                    &format!("{path}.groups[{j}]"),
                    format!("`{grp}` is Okta's built-in group of every user, whose members Okta alone decides"),
                    "remove it: every Okta user is in it; grant an Okta group (type OKTA_GROUP) instead",
                );
            } else if app.group_names == GroupNames::TeamSlugs && !is_team_slug(grp) {
                c.error(
                    origin,
                    &format!("{path}.groups[{j}]"),
                    format!("`{grp}` is not a GitHub team slug"),
                    "name the team by its slug, the last part of its URL (github.com/orgs/ORG/teams/SLUG): lower-case, with `-` for spaces",
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
        "okta" => Some(("an Okta organisation, whose users have", "Okta groups instead: `groups: [engineering]`")),
        "ldap" => Some(("an LDAP directory, which has", "groups instead: `groups: [engineers]`")),
        _ => None,
    };
    if let Some((what, grant)) = roleless {
        c.error(
            origin,
            path,
            format!("application `{}` is {what} no roles to give `{role}`", app.name),
            format!("leave the role out and grant {grant}"),
        );
        return;
    }
    if let Some(known) = app.connector_roles
        && !known.iter().any(|k| k.eq_ignore_ascii_case(role))
    {
        c.error(origin, path, connector_role_problem(app.connector, role), format!("use {}", known.join(" or ")));
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
