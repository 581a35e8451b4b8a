//! Checks of PeopleSources: exactly one source, and per kind its
//! settings (`csv`, `smarthr`, and the directory APIs in `hr_apis`); the
//! value maps and attribute names every kind shares are here.

use std::collections::{BTreeMap, BTreeSet};

use super::checker::{Checker, and_list};
use crate::i18n::Msg;
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
            Msg::new("compile-people-source-kinds").arg("kinds", and_list(&listed)),
            Msg::new("compile-people-source-kinds-help")
                .arg("all", crate::resources::PeopleSourceSpec::KINDS.map(|k| format!("`{k}`")).to_vec()),
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
            Msg::new("compile-people-source-none"),
            Msg::new("compile-people-source-none-help"),
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
                Msg::new("compile-not-employment-type-name").arg("value", ty),
                Msg::new("compile-not-employment-type-name-help"),
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
                Msg::new("compile-bad-attribute-name").arg("name", name),
                Msg::new("compile-bad-attribute-name-help"),
            );
        }
    }
}
