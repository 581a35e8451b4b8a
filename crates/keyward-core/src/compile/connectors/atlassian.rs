//! Checks of the `atlassian` connector, and of the app's roles against
//! the product access it maps them to.

use crate::compile::checker::Checker;
use crate::compile::fields::{check_api_url, check_secret_ref};
use crate::load::Origin;
use crate::resources::ApplicationSpec;

/// Checks the connector's settings.
pub(super) fn check(c: &mut Checker<'_>, o: &Origin, app: &ApplicationSpec, a: &crate::resources::AtlassianConnector) {
    const P: &str = "spec.connector.atlassian";
    let id_like = |v: &str| !v.trim().is_empty() && v.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '-');
    if !id_like(&a.org_id) {
        c.error(
            o,
            &format!("{P}.orgId"),
            format!("`{}` is not an Atlassian organisation id", a.org_id),
            "copy the id from admin.atlassian.com/o/ORG_ID, or from the page where the API key was created",
        );
    }
    if let Some(d) = &a.directory_id
        && !id_like(d)
    {
        c.error(
            o,
            &format!("{P}.directoryId"),
            format!("`{d}` is not a directory id"),
            "leave it out for every directory (`-`), or write the directory's id",
        );
    }
    check_secret_ref(
        c,
        o,
        &format!("{P}.apiKey"),
        &a.api_key,
        "write `apiKey: {env: ATLASSIAN_API_KEY}`, `apiKey: {file: /var/run/secrets/atlassian-key}` or, for the controller in Kubernetes, `apiKey: {secret: {name: keyward-credentials, key: atlassian-api-key}}`",
    );
    if let Some(url) = &a.api_url {
        check_api_url(c, o, &format!("{P}.apiUrl"), url, "leave it out for `https://api.atlassian.com`");
    }
    for (role, groups) in &a.product_access {
        if groups.is_empty() || groups.iter().any(|g| g.trim().is_empty()) {
            c.error(
                o,
                &format!("{P}.productAccess.{role}"),
                format!("role `{role}` names no group"),
                "list the groups that grant the role's product access, for example `[jira-software-users-example]`",
            );
        }
    }
    let named = app.roles.iter().enumerate().map(|(i, r)| (format!("spec.roles[{i}]"), r));
    for (path, r) in named.chain(app.default_role.iter().map(|d| ("spec.defaultRole".to_owned(), d))) {
        if !a.product_access.keys().any(|k| k.eq_ignore_ascii_case(r)) {
            c.error(
                o,
                &path,
                format!("role `{r}` has no product-access groups, so the Atlassian connector cannot give it"),
                format!("map it under `{P}.productAccess`, for example `{r}: [jira-software-users-example]`"),
            );
        }
    }
    c.timeout(o, &format!("{P}.timeoutSeconds"), a.timeout_seconds, "call");
}
