//! Checks of the directory PeopleSources, `spec.googleWorkspace` and
//! `spec.microsoftGraph`: credentials, addresses, the paths of their field
//! mapping and their time zone, each reported at its place.

use std::collections::{BTreeMap, BTreeSet};

use super::{check_attribute_names, check_value_maps};
use crate::compile::checker::Checker;
use crate::compile::fields::check_api_url;
use crate::compile::idp::{EntraApp, check_entra_app, check_google_service_account};
use crate::i18n::Msg;
use crate::json_path::JsonPath;
use crate::load::Origin;
use crate::resources::{GoogleWorkspacePeopleSource, MicrosoftGraphPeopleSource, UserFieldPaths};

pub(super) fn check_google(
    c: &mut Checker<'_>,
    o: &Origin,
    g: &GoogleWorkspacePeopleSource,
    types: &mut BTreeSet<String>,
) {
    const P: &str = "spec.googleWorkspace";
    check_google_service_account(
        c,
        o,
        P,
        (&g.service_account_key, Msg::new("compile-google-source-key-help").into()),
        (&g.subject, Msg::new("compile-google-source-subject-help").into()),
    );
    if g.customer.is_some() && g.domain.is_some() {
        c.error(
            o,
            &format!("{P}.domain"),
            Msg::new("compile-customer-and-domain"),
            Msg::new("compile-customer-and-domain-help"),
        );
    }
    for (field, value) in [("customer", &g.customer), ("domain", &g.domain)] {
        if value.as_deref().is_some_and(|v| v.trim().is_empty() || v.contains(char::is_whitespace)) {
            c.error(
                o,
                &format!("{P}.{field}"),
                if field == "customer" { Msg::new("compile-not-customer") } else { Msg::new("compile-not-domain") }
                    .arg("value", value.as_deref().unwrap_or_default()),
                Msg::new("compile-customer-help"),
            );
        }
    }
    if let Some(ou) = &g.org_unit_path
        && (!ou.starts_with('/') || ou.contains('\''))
    {
        c.error(
            o,
            &format!("{P}.orgUnitPath"),
            Msg::new("compile-not-org-unit").arg("value", ou),
            Msg::new("compile-not-org-unit-help"),
        );
    }
    if g.query.as_deref().is_some_and(|q| q.trim().is_empty()) {
        c.error(o, &format!("{P}.query"), Msg::new("compile-query-empty"), Msg::new("compile-read-every-user-help"));
    }
    if let Some(url) = &g.directory_url {
        check_api_url(c, o, &format!("{P}.directoryUrl"), url, Msg::new("compile-directory-url-help"));
    }
    check_common(c, o, P, &g.fields, &g.attributes, g.time_zone.as_deref(), g.timeout_seconds);
    check_value_maps(c, o, &format!("{P}.values"), &g.values, types);
}

pub(super) fn check_graph_source(
    c: &mut Checker<'_>,
    o: &Origin,
    g: &MicrosoftGraphPeopleSource,
    types: &mut BTreeSet<String>,
) {
    const P: &str = "spec.microsoftGraph";
    let app = EntraApp {
        tenant: &g.tenant,
        client_id: &g.client_id,
        client_secret: &g.client_secret,
        graph_url: g.graph_url.as_deref(),
        authority_url: g.authority_url.as_deref(),
    };
    check_entra_app(c, o, P, &app, true);
    if g.filter.as_deref().is_some_and(|f| f.trim().is_empty()) {
        c.error(o, &format!("{P}.filter"), Msg::new("compile-filter-empty"), Msg::new("compile-read-every-user-help"));
    }
    if g.delta && g.filter.is_some() {
        c.error(
            o,
            &format!("{P}.filter"),
            Msg::new("compile-graph-delta-filter"),
            Msg::new("compile-graph-delta-filter-help"),
        );
    }
    if g.delta
        && g.fields.manager.as_deref().and_then(|m| JsonPath::parse(m).ok()).is_some_and(|p| p.root() == "manager")
    {
        c.error(
            o,
            &format!("{P}.fields.manager"),
            Msg::new("compile-graph-delta-manager"),
            Msg::new("compile-graph-delta-manager-help"),
        );
    }
    if matches!(g.page_size, Some(n) if n == 0 || n > 999) {
        c.error(
            o,
            &format!("{P}.pageSize"),
            Msg::new("compile-graph-page-size"),
            Msg::new("compile-graph-page-size-help"),
        );
    }
    check_common(c, o, P, &g.fields, &g.attributes, g.time_zone.as_deref(), g.timeout_seconds);
    check_value_maps(c, o, &format!("{P}.values"), &g.values, types);
}

/// Paths, attribute names, time zone and timeout, shared by both.
fn check_common(
    c: &mut Checker<'_>,
    o: &Origin,
    prefix: &str,
    fields: &UserFieldPaths,
    attributes: &BTreeMap<String, String>,
    time_zone: Option<&str>,
    timeout_seconds: Option<u32>,
) {
    let named = fields.named();
    let fields = named.iter().filter_map(|(name, p)| Some((format!("{prefix}.fields.{name}"), (*p)?)));
    let attrs = attributes.iter().map(|(name, p)| (format!("{prefix}.attributes.{name}"), p));
    for (at, written) in fields.chain(attrs) {
        // An empty field path turns the vendor's default off.
        if written.trim().is_empty() && at.contains(".fields.") && !at.ends_with(".fields.id") {
            continue;
        }
        if let Err(e) = JsonPath::parse(written) {
            // The parser's reason stays as it wrote it.
            let problem = Msg::new("compile-not-a-path")
                .arg("path", written)
                .arg("why", e.why.to_string())
                .arg("at", e.at.to_string());
            c.error(o, &at, problem, Msg::new("compile-google-path-help"));
        }
    }
    check_attribute_names(c, o, &format!("{prefix}.attributes"), attributes);
    if let Some(tz) = time_zone
        && jiff::tz::TimeZone::get(tz.trim()).is_err()
    {
        c.error(
            o,
            &format!("{prefix}.timeZone"),
            Msg::new("compile-unknown-time-zone").arg("zone", tz),
            Msg::new("compile-unknown-time-zone-help"),
        );
    }
    c.timeout(o, &format!("{prefix}.timeoutSeconds"), timeout_seconds, "call");
}
