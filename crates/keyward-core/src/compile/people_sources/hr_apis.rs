//! Checks of the directory PeopleSources, `spec.googleWorkspace` and
//! `spec.microsoftGraph`: credentials, addresses, the paths of their field
//! mapping and their time zone, each reported at its place.

use std::collections::{BTreeMap, BTreeSet};

use super::{check_attribute_names, check_value_maps};
use crate::compile::checker::Checker;
use crate::compile::fields::check_api_url;
use crate::compile::idp::{EntraApp, check_entra_app, check_google_service_account};
use crate::json_path::JsonPath;
use crate::load::Origin;
use crate::resources::{GoogleWorkspacePeopleSource, MicrosoftGraphPeopleSource, UserFieldPaths};

const PATH_HELP: &str = "write a path into the user's JSON: `primaryEmail`, `name.fullName`, `organizations[primary].department`, `externalIds[type=organization].value`, `organizations[*].title` or `customSchemas.HR.EmploymentType`";

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
        (
            &g.service_account_key,
            "write `serviceAccountKey: {file: /var/run/secrets/google/key.json}`, `{env: GOOGLE_SA_KEY}` (the key file's JSON) or, for the controller in Kubernetes, `{secret: {name: keyward-credentials, key: google-key.json}}`",
        ),
        (
            &g.subject,
            "write the e-mail of a Workspace administrator the service account may act as (domain-wide delegation)",
        ),
    );
    if g.customer.is_some() && g.domain.is_some() {
        c.error(
            o,
            &format!("{P}.domain"),
            "both `customer` and `domain` are set",
            "keep one: `customer` reads every domain of the account, `domain` only one",
        );
    }
    for (field, value) in [("customer", &g.customer), ("domain", &g.domain)] {
        if value.as_deref().is_some_and(|v| v.trim().is_empty() || v.contains(char::is_whitespace)) {
            c.error(
                o,
                &format!("{P}.{field}"),
                format!("`{}` is not a {field}", value.as_deref().unwrap_or_default()),
                "leave it out for the administrator's own customer (`my_customer`), or write the customer id (`C01abc23`) or domain",
            );
        }
    }
    if let Some(ou) = &g.org_unit_path
        && (!ou.starts_with('/') || ou.contains('\''))
    {
        c.error(
            o,
            &format!("{P}.orgUnitPath"),
            format!("`{ou}` is not an organisational unit path"),
            "write the unit's full path from the top, starting with `/`, for example `/Employees/Sales`",
        );
    }
    if g.query.as_deref().is_some_and(|q| q.trim().is_empty()) {
        c.error(o, &format!("{P}.query"), "the query is empty", "leave it out to read every user");
    }
    if let Some(url) = &g.directory_url {
        check_api_url(
            c,
            o,
            &format!("{P}.directoryUrl"),
            url,
            "leave it out, or write `https://admin.googleapis.com/admin/directory/v1`",
        );
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
        c.error(o, &format!("{P}.filter"), "the filter is empty", "leave it out to read every user");
    }
    if g.delta && g.filter.is_some() {
        c.error(
            o,
            &format!("{P}.filter"),
            "Graph's delta query on users cannot filter by property",
            "remove `filter`, or set `delta: false` to read every page of the filtered users each time",
        );
    }
    if g.delta
        && g.fields.manager.as_deref().and_then(|m| JsonPath::parse(m).ok()).is_some_and(|p| p.root() == "manager")
    {
        c.error(
            o,
            &format!("{P}.fields.manager"),
            "a delta query does not return the expanded manager",
            "set `delta: false`, or read the manager from a property of the user (an extension attribute holding the manager's employee number)",
        );
    }
    if matches!(g.page_size, Some(n) if n == 0 || n > 999) {
        c.error(o, &format!("{P}.pageSize"), "Graph pages hold 1 to 999 users", "leave it out (999) or use 1 to 999");
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
            c.error(o, &at, format!("`{written}` is not a path: {}, at character {}", e.why, e.at), PATH_HELP);
        }
    }
    check_attribute_names(c, o, &format!("{prefix}.attributes"), attributes);
    if let Some(tz) = time_zone
        && jiff::tz::TimeZone::get(tz.trim()).is_err()
    {
        c.error(
            o,
            &format!("{prefix}.timeZone"),
            format!("`{tz}` is not a time zone this machine knows"),
            "write an IANA time zone name such as `Asia/Tokyo`, `Europe/Berlin` or `UTC`",
        );
    }
    c.timeout(o, &format!("{prefix}.timeoutSeconds"), timeout_seconds, "call");
}
