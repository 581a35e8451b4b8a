//! Checks of the `atlassian` connector, and of the app's roles against
//! the product access it maps them to.

use crate::compile::checker::Checker;
use crate::compile::fields::{check_api_url, check_secret_ref};
use crate::i18n::Msg;
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
            Msg::new("atlassian-not-org-id").arg("id", &a.org_id),
            Msg::new("atlassian-not-org-id-help"),
        );
    }
    if let Some(d) = &a.directory_id
        && !id_like(d)
    {
        c.error(
            o,
            &format!("{P}.directoryId"),
            Msg::new("atlassian-not-directory-id").arg("id", d),
            Msg::new("atlassian-not-directory-id-help"),
        );
    }
    check_secret_ref(
        c,
        o,
        &format!("{P}.apiKey"),
        &a.api_key,
        super::secret_help("apiKey", "ATLASSIAN_API_KEY", "/var/run/secrets/atlassian-key", "atlassian-api-key"),
    );
    if let Some(url) = &a.api_url {
        check_api_url(c, o, &format!("{P}.apiUrl"), url, Msg::new("atlassian-api-url-help"));
    }
    for (role, groups) in &a.product_access {
        if groups.is_empty() || groups.iter().any(|g| g.trim().is_empty()) {
            c.error(
                o,
                &format!("{P}.productAccess.{role}"),
                Msg::new("atlassian-role-no-group").arg("role", role),
                Msg::new("atlassian-role-no-group-help"),
            );
        }
    }
    let named = app.roles.iter().enumerate().map(|(i, r)| (format!("spec.roles[{i}]"), r));
    for (path, r) in named.chain(app.default_role.iter().map(|d| ("spec.defaultRole".to_owned(), d))) {
        if !a.product_access.keys().any(|k| k.eq_ignore_ascii_case(r)) {
            c.error(
                o,
                &path,
                Msg::new("atlassian-role-unmapped").arg("role", r),
                Msg::new("atlassian-role-unmapped-help").arg("field", format!("{P}.productAccess")).arg("role", r),
            );
        }
    }
    c.timeout(o, &format!("{P}.timeoutSeconds"), a.timeout_seconds, "call");
}
