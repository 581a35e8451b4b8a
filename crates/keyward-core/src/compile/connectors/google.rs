//! Checks of the `googleWorkspace` connector: the service account, the
//! customer, the APIs' addresses and the licences roles map to.

use std::collections::HashMap;

use crate::compile::checker::Checker;
use crate::compile::fields::check_api_url;
use crate::compile::idp::check_google_service_account;
use crate::i18n::Msg;
use crate::load::Origin;
use crate::resources::ApplicationSpec;

/// Checks the connector's settings.
pub(super) fn check(
    c: &mut Checker<'_>,
    o: &Origin,
    app: &ApplicationSpec,
    g: &crate::resources::GoogleWorkspaceConnector,
) {
    const P: &str = "spec.connector.googleWorkspace";
    check_google_service_account(
        c,
        o,
        P,
        (&g.service_account_key, Msg::new("google-key-help").into()),
        (&g.subject, Msg::new("google-subject-help").into()),
    );
    if let Some(customer) = &g.customer
        && (customer.trim().is_empty() || !customer.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '_'))
    {
        c.error(
            o,
            &format!("{P}.customer"),
            Msg::new("google-not-customer").arg("customer", customer),
            Msg::new("google-not-customer-help"),
        );
    }
    if let Some(domain) = &g.domain
        && (!domain.contains('.') || domain.contains(['@', '/', ' ']))
    {
        c.error(
            o,
            &format!("{P}.domain"),
            Msg::new("google-not-domain").arg("domain", domain),
            Msg::new("google-not-domain-help"),
        );
    }
    for (field, url) in [
        ("directoryUrl", &g.directory_url),
        ("licensingUrl", &g.licensing_url),
        ("dataTransferUrl", &g.data_transfer_url),
    ] {
        if let Some(url) = url {
            check_api_url(c, o, &format!("{P}.{field}"), url, Msg::new("google-url-help"));
        }
    }
    let mut skus: HashMap<(&str, &str), &str> = HashMap::new();
    for (role, l) in &g.licences {
        let path = format!("{P}.licences.{role}");
        if !app.roles.is_empty() && !app.roles.iter().any(|r| r.eq_ignore_ascii_case(role)) {
            c.error(
                o,
                &path,
                Msg::new("google-licence-not-role").arg("role", role),
                Msg::new("google-licence-not-role-help").arg("roles", app.roles.clone()).arg("role", role),
            );
        }
        for (field, value) in [("productId", &l.product_id), ("skuId", &l.sku_id)] {
            if value.trim().is_empty() || value.contains(['/', ' ', '?', '#']) {
                c.error(
                    o,
                    &format!("{path}.{field}"),
                    Msg::new("google-not-licence-id").arg("value", value).arg("field", field),
                    Msg::new("google-not-licence-id-help"),
                );
            }
        }
        if let Some(other) = skus.insert((l.product_id.as_str(), l.sku_id.as_str()), role.as_str()) {
            c.error(
                o,
                &path,
                Msg::new("google-same-licence").arg("other", other).arg("role", role),
                Msg::new("google-same-licence-help"),
            );
        }
    }
    if let Some(ou) = &g.org_unit_path
        && !ou.starts_with('/')
    {
        c.error(
            o,
            &format!("{P}.orgUnitPath"),
            Msg::new("google-not-org-unit").arg("path", ou),
            Msg::new("google-not-org-unit-help"),
        );
    }
    if matches!(g.page_size, Some(n) if n == 0 || n > 500) {
        c.error(o, &format!("{P}.pageSize"), Msg::new("google-page-size"), Msg::new("google-page-size-help"));
    }
    c.timeout(o, &format!("{P}.timeoutSeconds"), g.timeout_seconds, "call");
}
