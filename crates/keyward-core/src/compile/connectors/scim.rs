//! Checks of the `scim` connector.

use crate::compile::checker::Checker;
use crate::compile::fields::{check_api_url, check_secret_ref};
use crate::load::Origin;

/// Checks the connector's settings.
pub(super) fn check(c: &mut Checker<'_>, o: &Origin, scim: &crate::resources::ScimConnector) {
    check_api_url(
        c,
        o,
        "spec.connector.scim.url",
        &scim.url,
        "write the SCIM base URL, for example `https://api.slack.com/scim/v2`",
    );
    check_secret_ref(
        c,
        o,
        "spec.connector.scim.token",
        &scim.token,
        "write `token: {env: SLACK_SCIM_TOKEN}`, `token: {file: /var/run/secrets/slack-token}` or, for the controller in Kubernetes, `token: {secret: {name: keyward-credentials, key: slack-scim-token}}`",
    );
    if scim.page_size == Some(0) {
        c.error(o, "spec.connector.scim.pageSize", "a page size of 0 reads nothing", "leave it out or use 1 or more");
    }
    c.timeout(o, "spec.connector.scim.timeoutSeconds", scim.timeout_seconds, "call");
}
