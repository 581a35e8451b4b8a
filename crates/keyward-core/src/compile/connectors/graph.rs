//! Checks of the `microsoftGraph` connector.

use crate::compile::checker::Checker;
use crate::compile::fields::is_guid;
use crate::compile::idp::{EntraApp, check_entra_app};
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
                format!("`{sku}` is not a SKU id"),
                "use the skuId GUID of the licence from `GET /subscribedSkus` (not its skuPartNumber such as ENTERPRISEPACK)",
            );
        }
    }
    if let Some(loc) = &g.usage_location
        && !(loc.len() == 2 && loc.chars().all(|ch| ch.is_ascii_uppercase()))
    {
        c.error(
            o,
            &format!("{P}.usageLocation"),
            format!("`{loc}` is not a two-letter country code"),
            "write an ISO 3166-1 alpha-2 code in capitals, for example `JP`",
        );
    }
    if !g.licences.is_empty() && g.usage_location.is_none() {
        c.warn(
            o,
            &format!("{P}.licences"),
            "licences are assigned but no usageLocation is set: Microsoft refuses to license a user without one",
            "set `usageLocation` (for example `JP`), or make sure every new user gets one another way",
        );
    }
    if matches!(g.page_size, Some(n) if n == 0 || n > 999) {
        c.error(o, &format!("{P}.pageSize"), "Graph pages hold 1 to 999 objects", "leave it out (999) or use 1 to 999");
    }
    c.timeout(o, &format!("{P}.timeoutSeconds"), g.timeout_seconds, "call");
}
