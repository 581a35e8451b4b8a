//! Checks of the `scim` connector.

use crate::compile::checker::Checker;
use crate::compile::fields::{check_api_url, check_secret_ref};
use crate::i18n::Msg;
use crate::load::Origin;

/// Checks the connector's settings.
pub(super) fn check(c: &mut Checker<'_>, o: &Origin, scim: &crate::resources::ScimConnector) {
    check_api_url(c, o, "spec.connector.scim.url", &scim.url, Msg::new("scim-url-help"));
    check_secret_ref(
        c,
        o,
        "spec.connector.scim.token",
        &scim.token,
        super::secret_help("token", "SLACK_SCIM_TOKEN", "/var/run/secrets/slack-token", "slack-scim-token"),
    );
    if scim.page_size == Some(0) {
        c.error(
            o,
            "spec.connector.scim.pageSize",
            Msg::new("connectors-page-size-zero"),
            Msg::new("compile-timeout-zero-help"),
        );
    }
    c.timeout(o, "spec.connector.scim.timeoutSeconds", scim.timeout_seconds, "call");
}
