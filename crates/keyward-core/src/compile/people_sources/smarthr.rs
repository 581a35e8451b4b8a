//! Checks of a `smarthr` PeopleSource.

use std::collections::BTreeSet;

use super::{check_attribute_names, check_value_maps};
use crate::compile::checker::Checker;
use crate::compile::fields::{check_api_url, check_secret_ref};
use crate::load::Origin;

/// Checks the settings of SmartHR's API as the HR master.
pub(super) fn check(
    c: &mut Checker<'_>,
    o: &Origin,
    s: &crate::resources::SmartHrPeopleSource,
    types: &mut BTreeSet<String>,
) {
    check_api_url(
        c,
        o,
        "spec.smarthr.url",
        &s.url,
        "write the tenant's address, for example `https://example.smarthr.jp`",
    );
    check_secret_ref(
        c,
        o,
        "spec.smarthr.token",
        &s.token,
        "write `token: {env: SMARTHR_TOKEN}`, `token: {file: /var/run/secrets/smarthr-token}` or, for the controller in Kubernetes, `token: {secret: {name: keyward-credentials, key: smarthr-token}}`",
    );
    match s.per_page {
        Some(0) => {
            c.error(o, "spec.smarthr.perPage", "a page size of 0 reads nothing", "leave it out or use 1 to 100");
        }
        Some(n) if n > 100 => c.error(
            o,
            "spec.smarthr.perPage",
            format!("SmartHR returns at most 100 crews per page, not {n}"),
            "leave it out (100) or use 1 to 100",
        ),
        _ => {}
    }
    c.timeout(o, "spec.smarthr.timeoutSeconds", s.timeout_seconds, "call");
    for (field, name) in [("manager", &s.fields.manager), ("movedOn", &s.fields.moved_on)] {
        if name.as_deref().is_some_and(|n| n.trim().is_empty()) {
            c.error(
                o,
                &format!("spec.smarthr.fields.{field}"),
                format!("`{field}` names no custom field"),
                "write the custom field's name as SmartHR shows it, or leave the line out",
            );
        }
    }
    check_value_maps(c, o, "spec.smarthr.values", &s.values, types);
    check_attribute_names(c, o, "spec.smarthr.customFields", &s.custom_fields);
}
