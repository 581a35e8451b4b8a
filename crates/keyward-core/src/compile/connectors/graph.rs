//! Checks of the `microsoftGraph` connector.

use crate::compile::checker::Checker;
use crate::compile::fields::is_guid;
use crate::compile::idp::{EntraApp, check_entra_app};
use crate::i18n::Msg;
use crate::load::Origin;

/// Checks the connector's settings.
pub(super) fn check(c: &mut Checker<'_>, o: &Origin, g: &crate::resources::MicrosoftGraphConnector) {
    const P: &str = "spec.connector.microsoftGraph";
    let app = EntraApp {
        tenant: &g.tenant,
        client_id: &g.client_id,
        client_secret: &g.client_secret,
        graph_url: g.graph_url.as_deref(),
        authority_url: g.authority_url.as_deref(),
    };
    // The connector has always taken any non-empty client id; only the newer
    // people source warns about one that is not a GUID.
    check_entra_app(c, o, P, &app, false);
    for (role, sku) in &g.licences {
        if !is_guid(sku) {
            c.error(
                o,
                &format!("{P}.licences.{role}"),
                Msg::new("graph-not-sku").arg("sku", sku),
                Msg::new("graph-not-sku-help"),
            );
        }
    }
    if let Some(loc) = &g.usage_location
        && !(loc.len() == 2 && loc.chars().all(|ch| ch.is_ascii_uppercase()))
    {
        c.error(
            o,
            &format!("{P}.usageLocation"),
            Msg::new("graph-not-country").arg("code", loc),
            Msg::new("graph-not-country-help"),
        );
    }
    if !g.licences.is_empty() && g.usage_location.is_none() {
        c.warn(
            o,
            &format!("{P}.licences"),
            Msg::new("graph-no-usage-location"),
            Msg::new("graph-no-usage-location-help"),
        );
    }
    if matches!(g.page_size, Some(n) if n == 0 || n > 999) {
        c.error(o, &format!("{P}.pageSize"), Msg::new("graph-page-size"), Msg::new("graph-page-size-help"));
    }
    c.timeout(o, &format!("{P}.timeoutSeconds"), g.timeout_seconds, "call");
}
