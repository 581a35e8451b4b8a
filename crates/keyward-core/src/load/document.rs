//! One YAML document → one typed resource: `apiVersion`, `kind`,
//! `metadata.name` and the kind's fields, each problem located at its key
//! or value with a fix.

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::{KINDS, Named, Origin, Resources, misspelling};
use crate::diag::{Diagnostic, Text, suggestion};
use crate::i18n::Msg;
use crate::resources::{API_VERSION, AccessPolicy, Application, Exception, GROUP, PeopleSource, SeparationOfDuties};
use crate::yaml::{self, Node, PathSegment, dotted};

const TOP_LEVEL: [&str; 5] = ["apiVersion", "kind", "metadata", "spec", "status"];

/// Reads the document `root` of the policy file `path` into `into`: Ok
/// with a warning when the document was skipped but looks like a misspelt
/// keyward resource (see `misspelling`).
pub(super) fn read(
    path: &str,
    root: &Node,
    origin: Origin,
    into: &mut Resources,
) -> Result<Option<Diagnostic>, Diagnostic> {
    let at = |node: &Node| Some(node.location);
    let yaml::NodeKind::Map(entries) = &root.kind else {
        return Err(Diagnostic::error(path, at(root), Msg::new("load-not-a-mapping"))
            .with_help(Msg::new("load-not-a-mapping-help")));
    };
    let Some(api_version) = root.get("apiVersion") else {
        return Err(Diagnostic::error(path, at(root), Msg::new("load-no-api-version"))
            .with_help(Msg::new("load-no-api-version-help").arg("version", API_VERSION)));
    };
    let api_version_str = api_version.as_str().unwrap_or_default();
    let group = api_version_str.split('/').next().unwrap_or_default();
    if group != GROUP {
        let kind = root.get("kind").and_then(Node::as_str).unwrap_or("?");
        into.skipped.push(format!("{path}:{} ({api_version_str} {kind})", root.location.line));
        return Ok(misspelling::warning(path, root, api_version));
    }
    if api_version_str != API_VERSION {
        return Err(Diagnostic::error(
            path,
            at(api_version),
            Msg::new("load-unsupported-api-version").arg("version", api_version_str),
        )
        .with_help(Msg::new("load-unsupported-api-version-help").arg("version", API_VERSION)));
    }
    for (k, _) in entries {
        let key = k.key_string().unwrap_or_default();
        if !TOP_LEVEL.contains(&key.as_str()) {
            return Err(Diagnostic::error(path, at(k), Msg::new("load-unknown-top-level-field").arg("field", &key))
                .with_help(
                    suggestion(&key, &TOP_LEVEL).unwrap_or_else(|| Msg::new("load-unknown-top-level-field-help")),
                ));
        }
    }
    let kind_node = root.get("kind").ok_or_else(|| {
        Diagnostic::error(path, at(root), Msg::new("load-no-kind"))
            .with_help(Msg::new("load-no-kind-help").arg("kinds", KINDS.to_vec()))
    })?;
    let kind = kind_node.as_str().unwrap_or_default().to_owned();
    let name = check_metadata(path, root)?;
    let json = root.to_json();
    match kind.as_str() {
        "PeopleSource" => {
            let spec = typed::<PeopleSource>(path, root, json)?.spec;
            into.people_sources.push(Named { name, spec, origin });
        }
        "Application" => {
            let spec = typed::<Application>(path, root, json)?.spec;
            into.applications.push(Named { name, spec, origin });
        }
        "AccessPolicy" => {
            let spec = typed::<AccessPolicy>(path, root, json)?.spec;
            into.policies.push(Named { name, spec, origin });
        }
        "Exception" => {
            let spec = typed::<Exception>(path, root, json)?.spec;
            into.exceptions.push(Named { name, spec, origin });
        }
        "SeparationOfDuties" => {
            let spec = typed::<SeparationOfDuties>(path, root, json)?.spec;
            into.duties.push(Named { name, spec, origin });
        }
        other => {
            return Err(Diagnostic::error(path, at(kind_node), Msg::new("load-unknown-kind").arg("kind", other))
                .with_help(
                    suggestion(other, &KINDS)
                        .unwrap_or_else(|| Msg::new("load-unknown-kind-help").arg("kinds", KINDS.to_vec())),
                ));
        }
    }
    Ok(None)
}

fn check_metadata(path: &str, root: &Node) -> Result<String, Diagnostic> {
    let Some(meta) = root.get("metadata") else {
        return Err(Diagnostic::error(path, Some(root.location), Msg::new("load-no-metadata"))
            .with_help(Msg::new("load-no-metadata-help")));
    };
    let Some(name_node) = meta.get("name") else {
        return Err(Diagnostic::error(path, Some(meta.location), Msg::new("load-no-name"))
            .with_help(Msg::new("load-no-name-help")));
    };
    let name = name_node.as_str().unwrap_or_default();
    if !is_dns_subdomain(name) {
        return Err(Diagnostic::error(path, Some(name_node.location), Msg::new("load-bad-name").arg("name", name))
            .with_help(Msg::new("load-bad-name-help")));
    }
    Ok(name.to_owned())
}

fn is_dns_subdomain(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 253
        && s.split('.').all(|label| {
            !label.is_empty()
                && label.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        })
}

fn typed<T: DeserializeOwned>(path: &str, root: &Node, json: Value) -> Result<T, Diagnostic> {
    serde_path_to_error::deserialize::<_, T>(json).map_err(|e| {
        let segments: Vec<PathSegment> = e
            .path()
            .iter()
            .filter_map(|s| match s {
                serde_path_to_error::Segment::Seq { index } => Some(PathSegment::Index(*index)),
                serde_path_to_error::Segment::Map { key } => Some(PathSegment::Key(key.clone())),
                serde_path_to_error::Segment::Enum { .. } | serde_path_to_error::Segment::Unknown => None,
            })
            .collect();
        let message = e.inner().to_string();
        let unknown = message.starts_with("unknown field") || message.starts_with("unknown variant");
        // Unknown fields are about the key; a missing field is best shown at
        // the key of the mapping that lacks it.
        let at_key = (unknown && message.starts_with("unknown field")) || message.starts_with("missing field");
        let (node, _) = root.locate(&segments, at_key);
        let field = dotted(&segments);
        let help = help_for(&message, &segments);
        let where_ = if field.is_empty() { String::new() } else { format!(" at `{field}`") };
        let english = format!("{message}{where_}");
        let said = serde_message(&message)
            .map(
                |m| if field.is_empty() { m } else { Msg::new("load-at-field").arg("message", m).arg("field", &field) },
            )
            .filter(|m| m.render(crate::i18n::Lang::En) == english)
            .map_or(Text::Plain(english), Text::Msg);
        Diagnostic::error(path, Some(node.location), said).with_help(help)
    })
}

/// serde's message as a catalogue message, for the forms a policy file
/// meets most; `None` for the others (they show in English). The caller
/// keeps it only when it renders in English exactly as serde wrote it.
fn serde_message(message: &str) -> Option<Msg> {
    let names = |rest: &str| backticked(rest).into_iter().map(|n| format!("`{n}`")).collect::<Vec<_>>();
    for (prefix, id) in [("unknown field `", "load-unknown-field"), ("unknown variant `", "load-unknown-variant")] {
        if let Some(rest) = message.strip_prefix(prefix) {
            let (bad, rest) = rest.split_once('`')?;
            let m = Msg::new(id).arg("name", bad);
            let expected = if rest == ", there are no fields" {
                return Some(Msg::new("load-unknown-field-none").arg("name", bad));
            } else if let Some(one_of) = rest.strip_prefix(", expected one of ") {
                Msg::new("load-expected-one-of").arg("names", names(one_of))
            } else if let Some((a, b)) = rest.strip_prefix(", expected ")?.split_once(" or ") {
                Msg::new("load-expected-either").arg("first", a).arg("second", b)
            } else {
                Msg::new("load-expected-name").arg("name", rest.strip_prefix(", expected ")?)
            };
            return Some(m.arg("expected", expected));
        }
    }
    if let Some(rest) = message.strip_prefix("missing field `") {
        return Some(Msg::new("load-missing-field").arg("name", rest.strip_suffix('`')?));
    }
    let rest = message.strip_prefix("invalid type: ")?;
    let (got, expected) = rest.rsplit_once(", expected ")?;
    let (got_kind, value) = got.split_once(' ').unwrap_or((got, ""));
    let kind = Msg::new(type_id(got_kind)?);
    let got = if value.is_empty() { kind } else { Msg::new("load-type-got").arg("kind", kind).arg("value", value) };
    let expected = match expected {
        "a string" => "load-expected-string",
        "a sequence" => "load-expected-sequence",
        "a map" => "load-expected-map",
        "a boolean" => "load-expected-boolean",
        _ => return None,
    };
    Some(Msg::new("load-invalid-type").arg("got", got).arg("expected", Msg::new(expected)))
}

/// The catalogue id of the name of a YAML type, as serde names it.
fn type_id(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "integer" => "load-type-integer",
        "string" => "load-type-string",
        "boolean" => "load-type-boolean",
        "sequence" => "load-type-sequence",
        "map" => "load-type-map",
        _ => return None,
    })
}

/// Names quoted in backticks in a serde message (`expected one of `a`, `b``).
fn backticked(message: &str) -> Vec<&str> {
    message.split('`').skip(1).step_by(2).collect()
}

fn help_for(message: &str, segments: &[PathSegment]) -> Msg {
    if message.starts_with("unknown field") || message.starts_with("unknown variant") {
        let names = backticked(message);
        if let Some((bad, expected)) = names.split_first() {
            if let Some(s) = suggestion(bad, expected) {
                return s;
            }
            // serde says "there are no fields" for a mapping that takes
            // none; a mapping that shares fields with another (`flatten`)
            // names none at all, though it has some.
            if expected.is_empty() && message.contains("there are no fields") {
                return Msg::new("load-help-remove-nothing-allowed");
            }
            if expected.is_empty() {
                return Msg::new("load-help-remove-or-rename");
            }
            return Msg::new("load-help-remove-allowed").arg("allowed", expected.to_vec());
        }
    }
    if let Some(rest) = message.strip_prefix("missing field `") {
        let field = rest.split('`').next().unwrap_or_default();
        let parent = dotted(segments);
        return if parent.is_empty() {
            Msg::new("load-help-add-field").arg("field", field)
        } else {
            Msg::new("load-help-add-field-under").arg("field", field).arg("parent", parent)
        };
    }
    if message.starts_with("invalid type") {
        if message.contains("expected a string") {
            return Msg::new("load-help-write-string");
        }
        if message.contains("a sequence") {
            return Msg::new("load-help-write-list");
        }
        if message.contains("struct") || message.contains("a map") {
            return Msg::new("load-help-write-mapping");
        }
    }
    if message.contains("civil date") || message.contains("Date") {
        return Msg::new("load-help-write-date");
    }
    Msg::new("load-help-see-schema")
}
