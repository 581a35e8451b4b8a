//! Checks of an Application's connector: exactly one, and per connector
//! its settings, one file each. What is kept of the connector (its kind,
//! the roles and groups it can set, the account fields it stores) is
//! returned as [`ConnectorFacts`].

use super::checker::Checker;
use super::checker::or_list;
use super::model::{GroupNames, GroupsUnsupported};
use crate::account::BUILTIN_FIELDS;
use crate::i18n::Msg;
use crate::load::Origin;
use crate::resources::ApplicationSpec;

mod atlassian;
mod csv_export;
pub(super) mod github;
mod google;
mod graph;
mod http;
mod ldap;
pub(super) mod okta;
mod scim;
mod slack;

/// The roles of Slack members, as the Slack connector reads them.
const SLACK_ROLES: &[&str] = &["member", "admin", "owner", "multi-channel-guest", "single-channel-guest"];

/// The roles a GitHub organisation member can have.
const GITHUB_ROLES: &[&str] = &["member", "admin"];

/// Why `role` cannot be set by the app's connector.
pub(super) fn connector_role_problem(connector: &str, role: &str) -> Msg {
    match connector {
        "github" => Msg::new("compile-github-role").arg("role", role),
        "slack" => Msg::new("compile-slack-role").arg("role", role),
        other => Msg::new("compile-connector-cannot-set-role").arg("connector", other).arg("role", role),
    }
}

/// `use a or b or c`: the help naming the only roles a connector can set.
pub(super) fn use_either(known: &[&str]) -> Msg {
    Msg::new("compile-use").arg("what", or_list(known))
}

/// The help of a credential field: its three forms, from the environment
/// variable `env`, the file `file` and the Kubernetes Secret's key `key`.
fn secret_help(field: &str, env: &str, file: &str, key: &str) -> Msg {
    Msg::new("connectors-secret-help").arg("field", field).arg("env", env).arg("file", file).arg("key", key)
}

/// What compilation keeps of an app's connector.
pub(super) struct ConnectorFacts {
    /// The connector's kind as written (`csvExport`); `none` when there is none.
    pub(super) kind: &'static str,
    /// The only roles the connector can set, when it has a fixed set.
    pub(super) roles: Option<&'static [&'static str]>,
    /// What the connector accepts as group names in grants.
    pub(super) group_names: GroupNames,
    /// The account fields correlators may name: the built-in ones and
    /// what the connector stores beside them.
    pub(super) account_fields: Vec<String>,
}

/// Checks the connector of the Application `s` declared at `o`.
pub(super) fn check(c: &mut Checker<'_>, o: &Origin, s: &ApplicationSpec) -> ConnectorFacts {
    let mut account_fields: Vec<String> = BUILTIN_FIELDS.iter().map(|f| (*f).to_owned()).collect();
    if s.connector.kinds_set().len() > 1 {
        let kinds: Vec<String> = crate::resources::ConnectorSpec::KINDS.iter().map(|k| format!("`{k}`")).collect();
        c.error(
            o,
            "spec.connector",
            Msg::new("connectors-more-than-one"),
            Msg::new("connectors-more-than-one-help").arg("kinds", kinds),
        );
    }
    let mut connector_roles = None;
    let mut group_names = GroupNames::Any;
    let connector = match (&s.connector.csv_export, &s.connector.scim, &s.connector.github, &s.connector.ldap) {
        (None, None, None, Some(ldap)) => {
            ldap::check(c, o, s, ldap);
            "ldap"
        }
        (None, Some(scim), _, _) => {
            scim::check(c, o, scim);
            "scim"
        }
        (None, None, Some(github), _) => {
            github::check(c, o, github);
            connector_roles = Some(GITHUB_ROLES);
            group_names = if github.teams() {
                GroupNames::TeamSlugs
            } else {
                GroupNames::Unmanaged("spec.connector.github.teams")
            };
            "github"
        }
        (Some(csv), _, _, _) => {
            csv_export::check(c, o, csv, &mut account_fields);
            "csvExport"
        }
        (None, None, None, None) if s.connector.microsoft_graph.is_some() => "microsoftGraph",
        (None, None, None, None) if s.connector.google_workspace.is_some() => "googleWorkspace",
        (None, None, None, None) if s.connector.slack.is_some() => "slack",
        (None, None, None, None) if s.connector.atlassian.is_some() => "atlassian",
        (None, None, None, None) if s.connector.http.is_some() => "http",
        (None, None, None, None) if s.connector.okta.is_some() => "okta",
        (None, None, None, None) => {
            c.error(o, "spec.connector", Msg::new("connectors-none"), Msg::new("connectors-none-help"));
            "none"
        }
    };
    if connector == "scim" {
        // What the SCIM connector stores beside the built-in fields.
        account_fields.extend(["employeeNumber", "department"].map(str::to_owned));
    }
    if connector == "ldap" {
        // The entry's DN, kept beside the uid that is the account's id.
        account_fields.push("dn".to_owned());
    }
    if let Some(slack) = &s.connector.slack {
        slack::check(c, o, slack);
        connector_roles = Some(SLACK_ROLES);
        if slack.scim_token.is_none() {
            group_names = GroupNames::NotSupported(GroupsUnsupported::SlackWithoutScim);
        }
    }
    if let Some(atlassian) = &s.connector.atlassian {
        atlassian::check(c, o, s, atlassian);
    }
    if let Some(okta) = &s.connector.okta {
        okta::check(c, o, s, okta);
        group_names = GroupNames::Okta;
        // Okta's own status word (`SUSPENDED`, `DEPROVISIONED`…).
        account_fields.push("oktaStatus".to_owned());
    }
    if let Some(graph) = &s.connector.microsoft_graph {
        graph::check(c, o, graph);
        // What the Graph connector stores beside the built-in fields.
        account_fields.extend(["department", "jobTitle", "employeeType"].map(str::to_owned));
    }
    if let Some(gw) = &s.connector.google_workspace {
        google::check(c, o, s, gw);
        // What the Google Workspace connector stores beside the built-in fields.
        account_fields.extend(["department", "title", "orgUnitPath", "isAdmin"].map(str::to_owned));
    }
    if let Some(h) = &s.connector.http {
        http::check(c, o, s, h, &mut account_fields);
    }
    ConnectorFacts { kind: connector, roles: connector_roles, group_names, account_fields }
}

/// Status values at `path` listed under two meanings.
fn status_values(c: &mut Checker<'_>, o: &Origin, path: &str, sv: &crate::resources::AccountStatusValues) {
    let mut seen: std::collections::HashMap<String, &str> = std::collections::HashMap::new();
    for (meaning, values) in [
        ("active", &sv.active),
        ("suspended", &sv.suspended),
        ("invited", &sv.invited),
        ("bot", &sv.bot),
        ("deleted", &sv.deleted),
    ] {
        for v in values {
            if let Some(prev) = seen.insert(crate::vocab::label_key(v), meaning) {
                c.error(
                    o,
                    &format!("{path}.{meaning}"),
                    Msg::new("connectors-status-both").arg("value", v).arg("first", prev).arg("second", meaning),
                    Msg::new("connectors-status-both-help"),
                );
            }
        }
    }
}
