//! One YAML document → one typed resource: `apiVersion`, `kind`,
//! `metadata.name` and the kind's fields, each problem located at its key
//! or value with a fix.

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::{KINDS, Named, Origin, Resources, misspelling};
use crate::diag::{Diagnostic, suggest};
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
        return Err(Diagnostic::error(path, at(root), "a policy document must be a mapping")
            .with_help("start the document with `apiVersion: keyward.io/v1alpha1` and `kind:`"));
    };
    let Some(api_version) = root.get("apiVersion") else {
        return Err(Diagnostic::error(path, at(root), "document has no `apiVersion`")
            .with_help(format!("add `apiVersion: {API_VERSION}` at the top of the document")));
    };
    let api_version_str = api_version.as_str().unwrap_or_default();
    let group = api_version_str.split('/').next().unwrap_or_default();
    if group != GROUP {
        let kind = root.get("kind").and_then(Node::as_str).unwrap_or("?");
        into.skipped.push(format!("{path}:{} ({api_version_str} {kind})", root.location.line));
        return Ok(misspelling::warning(path, root, api_version));
    }
    if api_version_str != API_VERSION {
        return Err(Diagnostic::error(path, at(api_version), format!("unsupported apiVersion `{api_version_str}`"))
            .with_help(format!("this keyward reads `{API_VERSION}`")));
    }
    for (k, _) in entries {
        let key = k.key_string().unwrap_or_default();
        if !TOP_LEVEL.contains(&key.as_str()) {
            return Err(Diagnostic::error(path, at(k), format!("unknown top-level field `{key}`")).with_help(
                suggest(&key, &TOP_LEVEL).unwrap_or_else(|| {
                    "a document has only apiVersion, kind, metadata and spec; move this under `spec:`".to_owned()
                }),
            ));
        }
    }
    let kind_node = root.get("kind").ok_or_else(|| {
        Diagnostic::error(path, at(root), "document has no `kind`")
            .with_help(format!("add `kind:` with one of {}", KINDS.join(", ")))
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
            return Err(Diagnostic::error(path, at(kind_node), format!("unknown kind `{other}`")).with_help(
                suggest(other, &KINDS).unwrap_or_else(|| format!("keyward kinds are {}", KINDS.join(", "))),
            ));
        }
    }
    Ok(None)
}

fn check_metadata(path: &str, root: &Node) -> Result<String, Diagnostic> {
    let Some(meta) = root.get("metadata") else {
        return Err(Diagnostic::error(path, Some(root.location), "document has no `metadata`")
            .with_help("add `metadata: { name: <lowercase-name> }`"));
    };
    let Some(name_node) = meta.get("name") else {
        return Err(Diagnostic::error(path, Some(meta.location), "`metadata.name` is missing")
            .with_help("every resource needs a name: lowercase letters, digits and `-`"));
    };
    let name = name_node.as_str().unwrap_or_default();
    if !is_dns_subdomain(name) {
        return Err(Diagnostic::error(path, Some(name_node.location), format!("`{name}` is not a valid resource name"))
            .with_help("use lowercase letters, digits, `-` and `.`, starting and ending with a letter or digit (Kubernetes rules), at most 253 characters"));
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
        Diagnostic::error(path, Some(node.location), format!("{message}{where_}")).with_help(help)
    })
}

/// Names quoted in backticks in a serde message (`expected one of `a`, `b``).
fn backticked(message: &str) -> Vec<&str> {
    message.split('`').skip(1).step_by(2).collect()
}

fn help_for(message: &str, segments: &[PathSegment]) -> String {
    if message.starts_with("unknown field") || message.starts_with("unknown variant") {
        let names = backticked(message);
        if let Some((bad, expected)) = names.split_first() {
            if let Some(s) = suggest(bad, expected) {
                return s;
            }
            // serde says "there are no fields" for a mapping that takes
            // none; a mapping that shares fields with another (`flatten`)
            // names none at all, though it has some.
            if expected.is_empty() && message.contains("there are no fields") {
                return "remove it; nothing may be set here".to_owned();
            }
            if expected.is_empty() {
                return "remove it or correct its name; `keyward schema` lists the fields allowed here".to_owned();
            }
            return format!("remove it; allowed here: {}", expected.join(", "));
        }
    }
    if let Some(rest) = message.strip_prefix("missing field `") {
        let field = rest.split('`').next().unwrap_or_default();
        let parent = dotted(segments);
        return if parent.is_empty() { format!("add `{field}:`") } else { format!("add `{field}:` under `{parent}`") };
    }
    if message.starts_with("invalid type") {
        if message.contains("expected a string") {
            return "write the value as a string; quote it (`\"0001\"`) when YAML would read it as a number, date or boolean".to_owned();
        }
        if message.contains("a sequence") {
            return "write a list, one `- item` per line or `[a, b]`".to_owned();
        }
        if message.contains("struct") || message.contains("a map") {
            return "write a mapping of `key: value` lines (or `{}` for an empty one)".to_owned();
        }
    }
    if message.contains("civil date") || message.contains("Date") {
        return "write dates as YYYY-MM-DD".to_owned();
    }
    "see `keyward schema` for what this field accepts".to_owned()
}
