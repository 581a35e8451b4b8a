//! Checks of a `smarthr` PeopleSource.

use std::collections::BTreeSet;

use super::{check_attribute_names, check_value_maps};
use crate::compile::checker::Checker;
use crate::compile::fields::{check_api_url, check_secret_ref};
use crate::i18n::Msg;
use crate::load::Origin;

/// Checks the settings of SmartHR's API as the HR master.
pub(super) fn check(
    c: &mut Checker<'_>,
    o: &Origin,
    s: &crate::resources::SmartHrPeopleSource,
    types: &mut BTreeSet<String>,
) {
    check_api_url(c, o, "spec.smarthr.url", &s.url, Msg::new("compile-smarthr-url-help"));
    check_secret_ref(c, o, "spec.smarthr.token", &s.token, Msg::new("compile-smarthr-token-help"));
    match s.per_page {
        Some(0) => {
            c.error(
                o,
                "spec.smarthr.perPage",
                Msg::new("compile-page-size-zero"),
                Msg::new("compile-page-size-1-100-help"),
            );
        }
        Some(n) if n > 100 => c.error(
            o,
            "spec.smarthr.perPage",
            Msg::new("compile-smarthr-page-too-big").arg("size", n.to_string()),
            Msg::new("compile-smarthr-page-too-big-help"),
        ),
        _ => {}
    }
    c.timeout(o, "spec.smarthr.timeoutSeconds", s.timeout_seconds, "call");
    for (field, name) in [("manager", &s.fields.manager), ("movedOn", &s.fields.moved_on)] {
        if name.as_deref().is_some_and(|n| n.trim().is_empty()) {
            c.error(
                o,
                &format!("spec.smarthr.fields.{field}"),
                Msg::new("compile-smarthr-field-empty").arg("field", field),
                Msg::new("compile-smarthr-field-empty-help"),
            );
        }
    }
    check_value_maps(c, o, "spec.smarthr.values", &s.values, types);
    check_attribute_names(c, o, "spec.smarthr.customFields", &s.custom_fields);
}
