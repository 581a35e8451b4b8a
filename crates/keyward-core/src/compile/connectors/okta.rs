//! Checks of the `okta` connector: the organisation URL a token is sent
//! to, the token, and the roles an Okta app cannot have.

use crate::compile::checker::Checker;
use crate::compile::fields::{check_api_url, check_secret_ref};
use crate::endpoint;
use crate::load::Origin;
use crate::resources::{ApplicationSpec, OktaConnector};

/// Okta's built-in group of every user: read, never changed.
pub(crate) const EVERYONE: &str = "Everyone";

/// Checks the connector's settings.
pub(super) fn check(c: &mut Checker<'_>, o: &Origin, app: &ApplicationSpec, k: &OktaConnector) {
    const P: &str = "spec.connector.okta";
    let example = "write the organisation's URL, for example `https://acme.okta.com`";
    check_api_url(c, o, &format!("{P}.orgUrl"), &k.org_url, example);
    if let Ok(url) = endpoint::http_url(k.org_url.trim()) {
        if !url.path().trim_end_matches('/').is_empty() || url.query().is_some() {
            c.error(
                o,
                &format!("{P}.orgUrl"),
                format!("`{}` has a path; keyward adds `/api/v1/…` itself", url.path()),
                format!("write only the organisation's URL, `{}`", url.origin().ascii_serialization()),
            );
        }
        if let Some(host) = url.host_str()
            && let Some((org, rest)) = host.split_once('.')
            && let Some(org) = org.strip_suffix("-admin")
        {
            c.error(
                o,
                &format!("{P}.orgUrl"),
                format!("`{host}` is the Admin Console's address, not the organisation's"),
                format!("write `https://{org}.{rest}`: Okta's API answers at the organisation's URL"),
            );
        }
    }
    check_secret_ref(
        c,
        o,
        &format!("{P}.token"),
        &k.token,
        "write `token: {env: OKTA_API_TOKEN}`, `token: {file: /var/run/secrets/okta-token}` or, for the controller in Kubernetes, `token: {secret: {name: keyward-credentials, key: okta-token}}`",
    );
    let named = app.roles.iter().enumerate().map(|(i, r)| (format!("spec.roles[{i}]"), r));
    for (path, r) in named.chain(app.default_role.iter().map(|d| ("spec.defaultRole".to_owned(), d))) {
        c.error(
            o,
            &path,
            format!("role `{r}`: Okta users have no role the Okta connector can set"),
            "remove it and grant Okta groups instead: `grant: [{app: okta, groups: [engineering]}]`",
        );
    }
    c.timeout(o, &format!("{P}.timeoutSeconds"), k.timeout_seconds, "call");
}
