//! Checks of the `googleWorkspace` connector: the service account, the
//! customer, the APIs' addresses and the licences roles map to.

use std::collections::HashMap;

use crate::compile::checker::Checker;
use crate::compile::fields::check_api_url;
use crate::compile::idp::check_google_service_account;
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
        (
            &g.service_account_key,
            "write `serviceAccountKey: {file: /var/run/secrets/google/key.json}`, `serviceAccountKey: {env: GOOGLE_SA_KEY}` (the key file's JSON) or, for the controller in Kubernetes, `serviceAccountKey: {secret: {name: keyward-credentials, key: google-sa-key.json}}`".into(),
        ),
        (
            &g.subject,
            "write the e-mail of the Workspace administrator the service account acts as (domain-wide delegation), for example `it-admin@example.com`".into(),
        ),
    );
    if let Some(customer) = &g.customer
        && (customer.trim().is_empty() || !customer.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '_'))
    {
        c.error(
            o,
            &format!("{P}.customer"),
            format!("`{customer}` is not a customer id"),
            "leave it out (`my_customer`, the subject's own account) or write the customer id from Account settings, for example `C01abc23d`",
        );
    }
    if let Some(domain) = &g.domain
        && (!domain.contains('.') || domain.contains(['@', '/', ' ']))
    {
        c.error(
            o,
            &format!("{P}.domain"),
            format!("`{domain}` is not a domain"),
            "write the domain alone, without `@`, for example `example.com`",
        );
    }
    for (field, url) in [
        ("directoryUrl", &g.directory_url),
        ("licensingUrl", &g.licensing_url),
        ("dataTransferUrl", &g.data_transfer_url),
    ] {
        if let Some(url) = url {
            check_api_url(c, o, &format!("{P}.{field}"), url, "leave it out for Google's own https URL");
        }
    }
    let mut skus: HashMap<(&str, &str), &str> = HashMap::new();
    for (role, l) in &g.licences {
        let path = format!("{P}.licences.{role}");
        if !app.roles.is_empty() && !app.roles.iter().any(|r| r.eq_ignore_ascii_case(role)) {
            c.error(
                o,
                &path,
                format!("`{role}` is not one of the app's roles"),
                format!("name the licence after one of {}, or add `{role}` to `spec.roles`", app.roles.join(", ")),
            );
        }
        for (field, value) in [("productId", &l.product_id), ("skuId", &l.sku_id)] {
            if value.trim().is_empty() || value.contains(['/', ' ', '?', '#']) {
                c.error(
                    o,
                    &format!("{path}.{field}"),
                    format!("`{value}` is not a licence {field}"),
                    "use the ids from Google's Products and SKUs list, for example `productId: Google-Apps, skuId: 1010020028`",
                );
            }
        }
        if let Some(other) = skus.insert((l.product_id.as_str(), l.sku_id.as_str()), role.as_str()) {
            c.error(
                o,
                &path,
                format!("roles `{other}` and `{role}` name the same licence"),
                "give each role its own SKU: keyward reads a user's role from the licence they hold",
            );
        }
    }
    if let Some(ou) = &g.org_unit_path
        && !ou.starts_with('/')
    {
        c.error(
            o,
            &format!("{P}.orgUnitPath"),
            format!("`{ou}` is not an organisational unit path"),
            "write the full path from the top, starting with `/`, for example `/Sales/Japan`",
        );
    }
    if matches!(g.page_size, Some(n) if n == 0 || n > 500) {
        c.error(
            o,
            &format!("{P}.pageSize"),
            "the Directory API returns 1 to 500 users per page",
            "leave it out (500) or use 1 to 500",
        );
    }
    c.timeout(o, &format!("{P}.timeoutSeconds"), g.timeout_seconds, "call");
}
