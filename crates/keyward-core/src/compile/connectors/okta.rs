//! Checks of the `okta` connector: the organisation URL a token is sent
//! to, the token, and the roles an Okta app cannot have.

use crate::compile::checker::Checker;
use crate::compile::fields::{check_api_url, check_secret_ref};
use crate::endpoint;
use crate::i18n::Msg;
use crate::load::Origin;
use crate::resources::{ApplicationSpec, OktaConnector};

/// Okta's built-in group of every user: read, never changed.
pub(crate) const EVERYONE: &str = "Everyone";

/// Checks the connector's settings.
pub(super) fn check(c: &mut Checker<'_>, o: &Origin, app: &ApplicationSpec, k: &OktaConnector) {
    const P: &str = "spec.connector.okta";
    let example = Msg::new("okta-org-url-help");
    check_api_url(c, o, &format!("{P}.orgUrl"), &k.org_url, example);
    if let Ok(url) = endpoint::http_url(k.org_url.trim()) {
        if !url.path().trim_end_matches('/').is_empty() || url.query().is_some() {
            c.error(
                o,
                &format!("{P}.orgUrl"),
                Msg::new("okta-url-has-path").arg("path", url.path()),
                Msg::new("okta-url-has-path-help").arg("origin", url.origin().ascii_serialization()),
            );
        }
        if let Some(host) = url.host_str()
            && let Some((org, rest)) = host.split_once('.')
            && let Some(org) = org.strip_suffix("-admin")
        {
            c.error(
                o,
                &format!("{P}.orgUrl"),
                Msg::new("okta-admin-url").arg("host", host),
                Msg::new("okta-admin-url-help").arg("org", org).arg("rest", rest),
            );
        }
    }
    check_secret_ref(
        c,
        o,
        &format!("{P}.token"),
        &k.token,
        super::secret_help("token", "OKTA_API_TOKEN", "/var/run/secrets/okta-token", "okta-token"),
    );
    let named = app.roles.iter().enumerate().map(|(i, r)| (format!("spec.roles[{i}]"), r));
    for (path, r) in named.chain(app.default_role.iter().map(|d| ("spec.defaultRole".to_owned(), d))) {
        c.error(o, &path, Msg::new("okta-no-roles").arg("role", r), Msg::new("okta-no-roles-help"));
    }
    c.timeout(o, &format!("{P}.timeoutSeconds"), k.timeout_seconds, "call");
}
