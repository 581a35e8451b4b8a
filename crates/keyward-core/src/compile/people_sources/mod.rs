//! Checks of PeopleSources: exactly one source, and per kind its
//! settings (`csv`, `smarthr`, and the directory APIs in `hr_apis`); the
//! value maps and attribute names every kind shares are here.

use std::collections::{BTreeMap, BTreeSet};

use super::checker::Checker;
use crate::load::{Named, Origin};
use crate::vocab;

mod csv;
mod hr_apis;
mod smarthr;

/// Checks one PeopleSource; employment types its value maps name are
/// added to `types`.
pub(super) fn check_people_source(
    c: &mut Checker<'_>,
    src: &Named<crate::resources::PeopleSourceSpec>,
    types: &mut BTreeSet<String>,
) {
    let kinds = src.spec.kinds_set();
    if kinds.len() > 1 {
        let listed: Vec<String> = kinds.iter().map(|k| format!("`{k}`")).collect();
        c.error(
            &src.origin,
            "spec",
            format!("the PeopleSource sets {}", listed.join(" and ")),
            format!(
                "keep exactly one of {}; declare a second PeopleSource for the other",
                crate::resources::PeopleSourceSpec::KINDS.map(|k| format!("`{k}`")).join(", ")
            ),
        );
        return;
    }
    let spec = &src.spec;
    match (&spec.csv, &spec.smarthr, &spec.google_workspace, &spec.microsoft_graph) {
        (Some(csv), ..) => csv::check(c, &src.origin, csv, types),
        (_, Some(smarthr), ..) => smarthr::check(c, &src.origin, smarthr, types),
        (_, _, Some(google), _) => hr_apis::check_google(c, &src.origin, google, types),
        (_, _, _, Some(graph)) => hr_apis::check_graph_source(c, &src.origin, graph, types),
        (None, None, None, None) => c.error(
            &src.origin,
            "spec",
            "the PeopleSource has no source",
            "set `csv:` with the path and columns of the HR export, `smarthr:` with the tenant's URL and token, `googleWorkspace:` or `microsoftGraph:`",
        ),
    }
}

fn check_value_maps(
    c: &mut Checker<'_>,
    o: &Origin,
    path: &str,
    values: &crate::resources::PeopleValueMaps,
    types: &mut BTreeSet<String>,
) {
    for (label, ty) in &values.employment_type {
        if !vocab::is_type_word(ty) {
            c.error(
                o,
                &format!("{path}.employmentType.{label}"),
                format!("`{ty}` is not an employment type name"),
                "use lowercase words joined by `-`, such as `full-time`, `contractor` or `intern`",
            );
        } else {
            types.insert(ty.clone());
        }
    }
}

fn check_attribute_names(c: &mut Checker<'_>, o: &Origin, path: &str, attributes: &BTreeMap<String, String>) {
    for name in attributes.keys() {
        if name.is_empty() || name.contains(['.', ' ']) {
            c.error(
                o,
                &format!("{path}.{name}"),
                format!("`{name}` is not a usable attribute name"),
                "use letters, digits, `-` or `_`",
            );
        }
    }
}
