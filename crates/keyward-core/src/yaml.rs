//! YAML documents with positions.
//!
//! serde_yaml forgets where a value came from once it is deserialized, but a
//! policy error must name the file, line and column of the offending value,
//! including errors found long after parsing (an unknown app in a grant, a
//! regex that does not compile). So policy files are parsed once into a
//! [`Node`] tree that keeps every node's position, converted to JSON for typed
//! deserialization, and every later error is located by its field path.
//!
//! A policy file may come from anyone who can open a pull request or
//! `kubectl apply`, so what parsing it may cost is bounded: the file's size
//! ([`MAX_FILE_BYTES`]), what aliases may copy and how deep collections may
//! nest (`budget`).

mod budget;

use std::collections::HashMap;

use saphyr::Scalar;
use saphyr_parser::{Event, Parser, ScanError, Span};
use serde_json::{Map, Number, Value};

use self::budget::{AliasBudget, MAX_DEPTH, Size};
pub use self::budget::{MAX_ALIAS_BYTES, MAX_ALIAS_NODES};
use crate::diag::{Diagnostic, LineIndex, Location};
use crate::i18n::Msg;

/// The largest policy or test file keyward reads, in bytes.
pub const MAX_FILE_BYTES: usize = 4 * 1024 * 1024;

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
///
/// A text over [`MAX_FILE_BYTES`] is refused before parsing; aliases that
/// copy too much and collections nested too deeply are refused where they
/// occur.
pub fn parse_documents(file: &str, text: &str) -> Result<Vec<Document>, Diagnostic> {
    if text.len() > MAX_FILE_BYTES {
        return Err(too_large(file, text.len()));
    }
    let lines = LineIndex::new(text);
    let mut builder = Builder {
        file,
        text,
        lines: &lines,
        stack: Vec::new(),
        anchors: HashMap::new(),
        budget: AliasBudget::default(),
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

/// The error for a policy or test file of `len` bytes, over [`MAX_FILE_BYTES`].
pub fn too_large(file: &str, len: usize) -> Diagnostic {
    Diagnostic::error(
        file,
        None,
        Msg::new("yaml-too-large").arg("max", MAX_FILE_BYTES.to_string()).arg("len", len.to_string()),
    )
    .with_help(Msg::new("yaml-too-large-help"))
}

fn scan_error(file: &str, text: &str, lines: &LineIndex, e: &ScanError) -> Diagnostic {
    let m = e.marker();
    Diagnostic::error(
        file,
        Some(lines.location(text, m.line(), m.col(), 1)),
        Msg::new("yaml-invalid").arg("detail", e.info()),
    )
    .with_help(Msg::new("yaml-invalid-help"))
}

enum Frame {
    Seq { start: Location, anchor: usize, size: Size, items: Vec<Node> },
    Map { start: Location, anchor: usize, size: Size, entries: Vec<(Node, Node)>, pending_key: Option<Node> },
}

struct Builder<'a> {
    file: &'a str,
    text: &'a str,
    lines: &'a LineIndex,
    stack: Vec<Frame>,
    /// Anchored nodes and their sizes, which is what an alias copies.
    anchors: HashMap<usize, (Node, Size)>,
    budget: AliasBudget,
    docs: Vec<Document>,
    current_root: Option<Node>,
}

impl Builder<'_> {
    fn loc(&self, span: &Span, len_chars: usize) -> Location {
        self.lines.location(self.text, span.start.line(), span.start.col(), len_chars)
    }

    fn on_event(&mut self, event: Event<'_>, span: Span) -> Result<(), Diagnostic> {
        match event {
            Event::Nothing | Event::StreamStart | Event::StreamEnd => {}
            Event::DocumentStart(_) => self.budget.reset(),
            Event::DocumentEnd => {
                if let Some(root) = self.current_root.take()
                    && !matches!(root.kind, NodeKind::Null)
                {
                    let index = self.docs.len();
                    self.docs.push(Document { index, root });
                }
            }
            Event::Alias(id) => {
                let location = self.loc(&span, 1);
                let Some((anchored, size)) = self.anchors.get(&id) else {
                    return Err(Diagnostic::error(self.file, Some(location), Msg::new("yaml-unknown-anchor"))
                        .with_help(Msg::new("yaml-unknown-anchor-help")));
                };
                let size = *size;
                // Charged before the copy is made: the copy is what costs.
                self.budget.charge(size).map_err(|message| {
                    Diagnostic::error(self.file, Some(location), message).with_help(Msg::new("yaml-alias-budget-help"))
                })?;
                let node = anchored.clone();
                self.push_value(node, size)?;
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
                            Msg::new("yaml-tag-mismatch").arg("value", value.as_ref()),
                        )
                        .with_help(Msg::new("yaml-tag-mismatch-help")));
                    }
                };
                let size = Size::scalar(match &kind {
                    NodeKind::Str(s) => s.len(),
                    _ => 0,
                });
                let node = Node { location, kind };
                if anchor > 0 {
                    self.anchors.insert(anchor, (node.clone(), size));
                }
                self.push_value(node, size)?;
            }
            Event::SequenceStart(anchor, _) => {
                let start = self.collection_start(&span)?;
                self.stack.push(Frame::Seq { start, anchor, size: Size::collection(), items: Vec::new() });
            }
            Event::MappingStart(anchor, _) => {
                let start = self.collection_start(&span)?;
                self.stack.push(Frame::Map {
                    start,
                    anchor,
                    size: Size::collection(),
                    entries: Vec::new(),
                    pending_key: None,
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (anchor, size, node) = match self.stack.pop() {
                    Some(Frame::Seq { start, anchor, size, items }) => {
                        (anchor, size, Node { location: start, kind: NodeKind::Seq(items) })
                    }
                    Some(Frame::Map { start, anchor, size, entries, .. }) => {
                        (anchor, size, Node { location: start, kind: NodeKind::Map(entries) })
                    }
                    None => return Ok(()),
                };
                if anchor > 0 {
                    self.anchors.insert(anchor, (node.clone(), size));
                }
                self.push_value(node, size)?;
            }
        }
        Ok(())
    }

    /// Where a sequence or mapping starts; an error past [`MAX_DEPTH`] levels.
    fn collection_start(&self, span: &Span) -> Result<Location, Diagnostic> {
        let start = self.loc(span, 1);
        if self.stack.len() >= MAX_DEPTH {
            return Err(Diagnostic::error(
                self.file,
                Some(start),
                Msg::new("yaml-too-deep").arg("max", MAX_DEPTH.to_string()),
            )
            .with_help(Msg::new("yaml-too-deep-help")));
        }
        Ok(start)
    }

    fn push_value(&mut self, node: Node, node_size: Size) -> Result<(), Diagnostic> {
        match self.stack.last_mut() {
            None => self.current_root = Some(node),
            Some(Frame::Seq { items, size, .. }) => {
                size.add(node_size);
                items.push(node);
            }
            Some(Frame::Map { entries, pending_key, size, .. }) => match pending_key.take() {
                None => {
                    if let Some(name) = node.key_string()
                        && let Some((first, _)) = entries.iter().find(|(k, _)| k.key_string().as_deref() == Some(&name))
                    {
                        return Err(Diagnostic::error(
                            self.file,
                            Some(node.location),
                            Msg::new("yaml-duplicate-key")
                                .arg("key", &name)
                                .arg("line", first.location.line.to_string()),
                        )
                        .with_help(Msg::new("yaml-duplicate-key-help")));
                    }
                    size.add(node_size);
                    *pending_key = Some(node);
                }
                Some(key) => {
                    size.add(node_size);
                    entries.push((key, node));
                }
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

    /// The classic "billion laughs": nine levels of nine aliases each.
    fn laughs() -> String {
        let mut text =
            String::from("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (prev, name) in
            ["a", "b", "c", "d", "e", "f", "g", "h"].iter().zip(["b", "c", "d", "e", "f", "g", "h", "i"])
        {
            let items = vec![format!("*{prev}"); 9].join(",");
            text.push_str(&format!("{name}: &{name} [{items}]\n"));
        }
        text
    }

    #[test]
    fn nested_aliases_stop_at_the_alias_that_crosses_the_limit() {
        let err = parse_documents("f.yaml", &laughs()).unwrap_err();
        // a = 10 nodes, b = 91, c = 820, d = 7,381, e = 66,430: the aliases
        // up to `e` add 74,718 nodes; the first `*e` of `f` adds 66,430 more.
        assert_eq!(err.location.map(|l| (l.line, l.column)), Some((6, 8)), "{err}");
        assert!(err.message.contains("aliases"), "{err}");
        assert!(err.message.contains("100000"), "{err}");
        assert!(err.help.as_deref().is_some_and(|h| h.contains("anchor")), "{err}");
    }

    #[test]
    fn aliases_of_long_strings_are_bounded_by_their_text() {
        let text = format!("a: &a \"{}\"\nb: [{}]\n", "x".repeat(1 << 20), vec!["*a"; 20].join(","));
        let err = parse_documents("f.yaml", &text).unwrap_err();
        assert_eq!(err.location.map(|l| l.line), Some(2), "{err}");
        assert!(err.message.contains("aliases"), "{err}");
    }

    #[test]
    fn each_document_has_its_own_alias_budget() {
        let doc = format!("a: &a [{}]\nb: [{}]\n", vec!["x"; 99].join(","), vec!["*a"; 900].join(","));
        let text = format!("{doc}---\n{doc}---\n{doc}");
        let docs = parse_documents("f.yaml", &text).unwrap();
        assert_eq!(docs.len(), 3);
        assert_eq!(docs[2].root.to_json()["b"].as_array().map(Vec::len), Some(900));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let text = "- ".repeat(100_000) + "x\n";
        let err = parse_documents("f.yaml", &text).unwrap_err();
        assert_eq!(err.location.map(|l| l.line), Some(1), "{err}");
        assert!(err.message.contains("nested"), "{err}");
    }

    #[test]
    fn oversized_text_is_refused_before_parsing() {
        let text = format!("a: \"{}\"\n", "x".repeat(MAX_FILE_BYTES));
        let err = parse_documents("f.yaml", &text).unwrap_err();
        assert!(err.message.contains("larger than"), "{err}");
        assert!(err.help.as_deref().is_some_and(|h| h.contains("split")), "{err}");
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
