//! YAML documents with positions.
//!
//! serde_yaml forgets where a value came from once it is deserialized, but a
//! policy error must name the file, line and column of the offending value,
//! including errors found long after parsing (an unknown app in a grant, a
//! regex that does not compile). So policy files are parsed once into a
//! [`Node`] tree that keeps every node's position, converted to JSON for typed
//! deserialization, and every later error is located by its field path.

use std::collections::HashMap;

use saphyr::Scalar;
use saphyr_parser::{Event, Parser, ScanError, Span};
use serde_json::{Map, Number, Value};

use crate::diag::{Diagnostic, LineIndex, Location};

/// One parsed YAML node with its position.
#[derive(Debug, Clone)]
pub struct Node {
    /// Where the node starts (and how long it is, for scalars).
    pub location: Location,
    /// The value.
    pub kind: NodeKind,
}

/// The value of a [`Node`].
#[derive(Debug, Clone)]
pub enum NodeKind {
    /// `~`, `null` or nothing.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A floating point number.
    Float(f64),
    /// Any string (quoted scalars are always strings).
    Str(String),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, in file order. Keys are nodes so errors can point at them.
    Map(Vec<(Node, Node)>),
}

impl Node {
    /// The string value of a scalar key or value (`None` for collections).
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Str(s) => Some(s),
            _ => None,
        }
    }

    /// Looks a key up in a mapping node.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|(_, v)| v)
    }

    /// Looks a key up in a mapping node, returning the key node too.
    pub fn entry(&self, key: &str) -> Option<(&Node, &Node)> {
        match &self.kind {
            NodeKind::Map(entries) => {
                entries.iter().find(|(k, _)| k.key_string().as_deref() == Some(key)).map(|(k, v)| (k, v))
            }
            _ => None,
        }
    }

    /// The text of a scalar used as a mapping key.
    pub fn key_string(&self) -> Option<String> {
        match &self.kind {
            NodeKind::Str(s) => Some(s.clone()),
            NodeKind::Int(i) => Some(i.to_string()),
            NodeKind::Float(f) => Some(f.to_string()),
            NodeKind::Bool(b) => Some(b.to_string()),
            NodeKind::Null => Some("null".to_owned()),
            NodeKind::Seq(_) | NodeKind::Map(_) => None,
        }
    }

    /// Converts to JSON for serde. Mapping keys become strings, as in
    /// Kubernetes manifests.
    pub fn to_json(&self) -> Value {
        match &self.kind {
            NodeKind::Null => Value::Null,
            NodeKind::Bool(b) => Value::Bool(*b),
            NodeKind::Int(i) => Value::Number((*i).into()),
            NodeKind::Float(f) => Number::from_f64(*f).map_or(Value::Null, Value::Number),
            NodeKind::Str(s) => Value::String(s.clone()),
            NodeKind::Seq(items) => Value::Array(items.iter().map(Node::to_json).collect()),
            NodeKind::Map(entries) => {
                let mut map = Map::new();
                for (k, v) in entries {
                    if let Some(key) = k.key_string() {
                        map.insert(key, v.to_json());
                    }
                }
                Value::Object(map)
            }
        }
    }

    /// Finds the node at a path of mapping keys and sequence indexes.
    /// Returns the deepest node reached and whether the whole path resolved;
    /// `key_of_last` asks for the key node of the last segment instead of
    /// its value (for "unknown field" errors, which are about the key).
    pub fn locate(&self, path: &[PathSegment], key_of_last: bool) -> (&Node, bool) {
        let mut node = self;
        for (i, seg) in path.iter().enumerate() {
            let last = i + 1 == path.len();
            let next = match (seg, &node.kind) {
                (PathSegment::Key(k), NodeKind::Map(_)) => match node.entry(k) {
                    Some((key, _)) if last && key_of_last => Some(key),
                    Some((_, value)) => Some(value),
                    None => None,
                },
                (PathSegment::Index(idx), NodeKind::Seq(items)) => items.get(*idx),
                _ => None,
            };
            match next {
                Some(n) => node = n,
                None => return (node, false),
            }
        }
        (node, true)
    }
}

/// One step in a path from a document's root to a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathSegment {
    /// A mapping key.
    Key(String),
    /// A sequence index, 0-based.
    Index(usize),
}

/// Builds a path from dotted notation such as `spec.grant[2].app`.
pub fn path(dotted: &str) -> Vec<PathSegment> {
    let mut out = Vec::new();
    for part in dotted.split('.').filter(|p| !p.is_empty()) {
        let mut rest = part;
        if let Some(open) = rest.find('[') {
            if open > 0 {
                out.push(PathSegment::Key(rest[..open].to_owned()));
            }
            rest = &rest[open..];
            while let Some(stripped) = rest.strip_prefix('[') {
                let close = stripped.find(']').unwrap_or(stripped.len());
                if let Ok(i) = stripped[..close].parse() {
                    out.push(PathSegment::Index(i));
                }
                rest = stripped.get(close + 1..).unwrap_or("");
            }
        } else {
            out.push(PathSegment::Key(rest.to_owned()));
        }
    }
    out
}

/// `spec.grant[0].role`: a serde path as policy messages name fields.
pub(crate) fn dotted(segments: &[PathSegment]) -> String {
    let mut out = String::new();
    for s in segments {
        match s {
            PathSegment::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            PathSegment::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// A parsed YAML document and where it starts.
#[derive(Debug, Clone)]
pub struct Document {
    /// 0-based position of the document in its file.
    pub index: usize,
    /// The root node.
    pub root: Node,
}

/// Parses a (possibly multi-document) YAML text into documents with positions.
///
/// Empty documents (a trailing `---`, a file of comments) are dropped.
/// Duplicate keys are an error: YAML forbids them and silently keeping one
/// of two values is how a policy ends up granting what nobody reviewed.
pub fn parse_documents(file: &str, text: &str) -> Result<Vec<Document>, Diagnostic> {
    let lines = LineIndex::new(text);
    let mut builder = Builder {
        file,
        text,
        lines: &lines,
        stack: Vec::new(),
        anchors: HashMap::new(),
        docs: Vec::new(),
        current_root: None,
    };
    let mut parser = Parser::new_from_str(text);
    while let Some(next) = parser.next_event() {
        match next {
            Ok((event, span)) => builder.on_event(event, span)?,
            Err(e) => return Err(scan_error(file, text, &lines, &e)),
        }
    }
    Ok(builder.docs)
}

fn scan_error(file: &str, text: &str, lines: &LineIndex, e: &ScanError) -> Diagnostic {
    let m = e.marker();
    Diagnostic::error(
        file,
        Some(lines.location(text, m.line(), m.col(), 1)),
        format!("invalid YAML: {}", e.info()),
    )
    .with_help("check the indentation and quoting around this place; values containing `: ` or starting with `*`, `&`, `!` or `%` must be quoted")
}

enum Frame {
    Seq { start: Location, anchor: usize, items: Vec<Node> },
    Map { start: Location, anchor: usize, entries: Vec<(Node, Node)>, pending_key: Option<Node> },
}

struct Builder<'a> {
    file: &'a str,
    text: &'a str,
    lines: &'a LineIndex,
    stack: Vec<Frame>,
    anchors: HashMap<usize, Node>,
    docs: Vec<Document>,
    current_root: Option<Node>,
}

impl Builder<'_> {
    fn loc(&self, span: &Span, len_chars: usize) -> Location {
        self.lines.location(self.text, span.start.line(), span.start.col(), len_chars)
    }

    fn on_event(&mut self, event: Event<'_>, span: Span) -> Result<(), Diagnostic> {
        match event {
            Event::Nothing | Event::StreamStart | Event::StreamEnd | Event::DocumentStart(_) => {}
            Event::DocumentEnd => {
                if let Some(root) = self.current_root.take()
                    && !matches!(root.kind, NodeKind::Null)
                {
                    let index = self.docs.len();
                    self.docs.push(Document { index, root });
                }
            }
            Event::Alias(id) => {
                let node = self.anchors.get(&id).cloned().ok_or_else(|| {
                    Diagnostic::error(self.file, Some(self.loc(&span, 1)), "alias refers to an unknown anchor")
                        .with_help("define the anchor (`&name`) before using it (`*name`)")
                })?;
                self.push_value(node)?;
            }
            Event::Scalar(value, style, anchor, tag) => {
                let len = span.end.index().saturating_sub(span.start.index()).max(1);
                let location = self.loc(&span, len);
                let kind = match Scalar::parse_from_cow_and_metadata(value.clone(), style, tag.as_ref()) {
                    Some(Scalar::Null) => NodeKind::Null,
                    Some(Scalar::Boolean(b)) => NodeKind::Bool(b),
                    Some(Scalar::Integer(i)) => NodeKind::Int(i),
                    Some(Scalar::FloatingPoint(f)) => NodeKind::Float(f.into_inner()),
                    Some(Scalar::String(s)) => NodeKind::Str(s.into_owned()),
                    None => {
                        return Err(Diagnostic::error(
                            self.file,
                            Some(location),
                            format!("`{value}` does not fit its tag"),
                        )
                        .with_help("remove the tag or quote the value"));
                    }
                };
                let node = Node { location, kind };
                if anchor > 0 {
                    self.anchors.insert(anchor, node.clone());
                }
                self.push_value(node)?;
            }
            Event::SequenceStart(anchor, _) => {
                let start = self.loc(&span, 1);
                self.stack.push(Frame::Seq { start, anchor, items: Vec::new() });
            }
            Event::MappingStart(anchor, _) => {
                let start = self.loc(&span, 1);
                self.stack.push(Frame::Map { start, anchor, entries: Vec::new(), pending_key: None });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let node = match self.stack.pop() {
                    Some(Frame::Seq { start, anchor, items }) => {
                        let node = Node { location: start, kind: NodeKind::Seq(items) };
                        (anchor, node)
                    }
                    Some(Frame::Map { start, anchor, entries, .. }) => {
                        let node = Node { location: start, kind: NodeKind::Map(entries) };
                        (anchor, node)
                    }
                    None => return Ok(()),
                };
                let (anchor, node) = node;
                if anchor > 0 {
                    self.anchors.insert(anchor, node.clone());
                }
                self.push_value(node)?;
            }
        }
        Ok(())
    }

    fn push_value(&mut self, node: Node) -> Result<(), Diagnostic> {
        match self.stack.last_mut() {
            None => self.current_root = Some(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map { entries, pending_key, .. }) => match pending_key.take() {
                None => {
                    if let Some(name) = node.key_string()
                        && let Some((first, _)) = entries.iter().find(|(k, _)| k.key_string().as_deref() == Some(&name))
                    {
                        return Err(Diagnostic::error(
                            self.file,
                            Some(node.location),
                            format!("duplicate key `{name}` (first set on line {})", first.location.line),
                        )
                        .with_help("YAML keeps only one of the two values; remove or merge one of them"));
                    }
                    *pending_key = Some(node);
                }
                Some(key) => entries.push((key, node)),
            },
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_positions_across_documents() {
        let text = "a: 1\n---\nkind: X\nspec:\n  grant:\n    - app: slack\n";
        let docs = parse_documents("f.yaml", text).unwrap();
        assert_eq!(docs.len(), 2);
        let (node, found) = docs[1].root.locate(&path("spec.grant[0].app"), false);
        assert!(found);
        assert_eq!(node.as_str(), Some("slack"));
        assert_eq!((node.location.line, node.location.column), (6, 12));
    }

    #[test]
    fn key_of_last_points_at_the_key() {
        let text = "spec:\n  selct: {}\n";
        let docs = parse_documents("f.yaml", text).unwrap();
        let (node, found) = docs[0].root.locate(&path("spec.selct"), true);
        assert!(found);
        assert_eq!((node.location.line, node.location.column), (2, 3));
    }

    #[test]
    fn duplicate_keys_are_errors() {
        let err = parse_documents("f.yaml", "a: 1\nb: 2\na: 3\n").unwrap_err();
        assert_eq!(err.location.map(|l| (l.line, l.column)), Some((3, 1)));
        assert!(err.message.contains("duplicate key `a`"), "{err}");
    }

    #[test]
    fn syntax_errors_have_a_position() {
        let err = parse_documents("f.yaml", "a: [1, 2\nb: 3\n").unwrap_err();
        assert!(err.location.is_some());
        assert!(err.message.starts_with("invalid YAML"), "{err}");
    }

    #[test]
    fn quoted_scalars_stay_strings_and_plain_ones_are_typed() {
        let docs = parse_documents("f.yaml", "a: '0001'\nb: 0001\nc: 2026-12-15\nd: ~\n").unwrap();
        let json = docs[0].root.to_json();
        assert_eq!(json["a"], "0001");
        assert_eq!(json["b"], 1);
        assert_eq!(json["c"], "2026-12-15");
        assert!(json["d"].is_null());
    }

    #[test]
    fn anchors_and_aliases_resolve() {
        let docs = parse_documents("f.yaml", "a: &g [x, y]\nb: *g\n").unwrap();
        assert_eq!(docs[0].root.to_json()["b"], serde_json::json!(["x", "y"]));
    }

    #[test]
    fn empty_documents_are_dropped() {
        let docs = parse_documents("f.yaml", "# only a comment\n---\na: 1\n---\n").unwrap();
        assert_eq!(docs.len(), 1);
    }

    #[test]
    fn dotted_paths_parse() {
        assert_eq!(
            path("spec.grant[2].app"),
            vec![
                PathSegment::Key("spec".into()),
                PathSegment::Key("grant".into()),
                PathSegment::Index(2),
                PathSegment::Key("app".into())
            ]
        );
    }
}
