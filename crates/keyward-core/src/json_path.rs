//! Paths into a directory user's JSON, as the Google Workspace and
//! Microsoft Graph PeopleSources map their fields:
//!
//! ```text
//! primaryEmail                           a property
//! name.fullName                          a property of an object
//! organizations[primary].department      the element with "primary": true (else the first)
//! externalIds[type=organization].value   the elements whose `type` is `organization`
//! organizations[*].department            every element (concurrent posts)
//! emails[0].address                      the element at an index
//! customSchemas.HR.EmploymentType        a custom schema's field
//! ```
//!
//! An array reached without a selector stands for its first element, or
//! for every element where the field takes several values (departments
//! and titles). Strings, numbers and booleans are values; `null`, empty
//! strings, objects and missing properties are none.
//!
//! Parsing is here, in the core, so that a path's mistakes are reported at
//! the policy file's line and column before anything is read.

use serde_json::Value;

/// A parsed path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonPath {
    written: String,
    segments: Vec<Segment>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Segment {
    name: String,
    select: Option<Select>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Select {
    /// `[primary]`: elements with `"primary": true`, else the first.
    Primary,
    /// `[*]`: every element.
    All,
    /// `[3]`.
    Index(usize),
    /// `[type=work]`: elements whose field has this value.
    Field(String, String),
}

/// Why a path cannot be read, with where in it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{why} (at character {at} of `{path}`)")]
pub struct PathError {
    /// The path as written.
    pub path: String,
    /// 1-based character position of the problem.
    pub at: usize,
    /// What is wrong.
    pub why: String,
}

impl JsonPath {
    /// Parses `written`; see the module documentation for the syntax.
    pub fn parse(written: &str) -> Result<Self, PathError> {
        let path = written.trim();
        let fail = |at: usize, why: &str| PathError { path: path.to_owned(), at: at + 1, why: why.to_owned() };
        if path.is_empty() {
            return Err(fail(0, "the path is empty"));
        }
        let chars: Vec<char> = path.chars().collect();
        let mut segments = Vec::new();
        let mut i = 0;
        loop {
            let start = i;
            while i < chars.len() && !matches!(chars[i], '.' | '[' | ']') {
                if chars[i].is_whitespace() || chars[i] == '=' {
                    return Err(fail(i, "a property name cannot hold spaces or `=`"));
                }
                i += 1;
            }
            if i == start {
                return Err(fail(i, "a property name is missing here"));
            }
            let name: String = chars[start..i].iter().collect();
            let mut select = None;
            if i < chars.len() && chars[i] == '[' {
                let open = i;
                let close = chars[open..].iter().position(|c| *c == ']').map(|p| p + open);
                let Some(close) = close else {
                    return Err(fail(open, "`[` is not closed by `]`"));
                };
                let inner: String = chars[open + 1..close].iter().collect();
                select = Some(parse_select(inner.trim()).map_err(|why| fail(open + 1, why))?);
                i = close + 1;
            }
            segments.push(Segment { name, select });
            match chars.get(i) {
                None => break,
                Some('.') => i += 1,
                Some(']') => return Err(fail(i, "`]` without `[`")),
                Some(_) => return Err(fail(i, "expected `.` or the end of the path after `]`")),
            }
        }
        Ok(Self { written: path.to_owned(), segments })
    }

    /// The path as written (trimmed).
    pub fn as_str(&self) -> &str {
        &self.written
    }

    /// The top-level property the path starts with (what Graph's
    /// `$select` must name).
    pub fn root(&self) -> &str {
        self.segments.first().map_or("", |s| s.name.as_str())
    }

    /// The name of the `n`-th property on the path (0 is [`Self::root`]):
    /// `HR` in `customSchemas.HR.EmploymentType`.
    pub fn segment(&self, n: usize) -> Option<&str> {
        self.segments.get(n).map(|s| s.name.as_str())
    }

    /// The first value the path reaches in `user`, if any.
    pub fn first(&self, user: &Value) -> Option<String> {
        self.values(user, false).into_iter().flatten().next()
    }

    /// Every value the path reaches, arrays without a selector fanned out
    /// over all their elements. An element where the rest of the path
    /// finds nothing leaves `None` in its place, so that two paths through
    /// the same array (department and title) stay paired by element.
    pub fn all(&self, user: &Value) -> Vec<Option<String>> {
        self.values(user, true)
    }

    fn values(&self, user: &Value, many: bool) -> Vec<Option<String>> {
        let mut out = Vec::new();
        walk(user, &self.segments, many, &mut out);
        out
    }
}

impl std::fmt::Display for JsonPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.written)
    }
}

fn parse_select(inner: &str) -> Result<Select, &'static str> {
    if inner.is_empty() {
        return Err("`[]` selects nothing: write `[primary]`, `[*]`, an index or `[field=value]`");
    }
    if inner == "primary" {
        return Ok(Select::Primary);
    }
    if inner == "*" {
        return Ok(Select::All);
    }
    if let Ok(n) = inner.parse::<usize>() {
        return Ok(Select::Index(n));
    }
    match inner.split_once('=') {
        Some((field, value)) if !field.trim().is_empty() && !value.trim().is_empty() => {
            Ok(Select::Field(field.trim().to_owned(), value.trim().to_owned()))
        }
        _ => Err("write `[primary]`, `[*]`, an index such as `[0]`, or `[field=value]` such as `[type=organization]`"),
    }
}

fn walk(v: &Value, segments: &[Segment], many: bool, out: &mut Vec<Option<String>>) {
    let Some((seg, rest)) = segments.split_first() else {
        leaf(v, many, out);
        return;
    };
    // An array met on the way (not selected) stands for its elements.
    if let Value::Array(items) = v {
        return fan(items, segments, many, out);
    }
    let Some(child) = v.get(&seg.name) else {
        out.push(None);
        return;
    };
    let Some(select) = &seg.select else {
        return walk(child, rest, many, out);
    };
    let Some(items) = child.as_array() else {
        // A selector on a single object: the object is its only element.
        let single = std::slice::from_ref(child);
        return selected(single, select, rest, many, out);
    };
    selected(items, select, rest, many, out);
}

fn selected(items: &[Value], select: &Select, rest: &[Segment], many: bool, out: &mut Vec<Option<String>>) {
    let chosen: Vec<&Value> = match select {
        Select::All => items.iter().collect(),
        Select::Index(n) => items.get(*n).into_iter().collect(),
        Select::Primary => {
            let primary: Vec<&Value> =
                items.iter().filter(|i| i.get("primary").and_then(Value::as_bool) == Some(true)).collect();
            if primary.is_empty() { items.first().into_iter().collect() } else { primary }
        }
        Select::Field(field, value) => {
            items.iter().filter(|i| i.get(field).and_then(scalar).as_deref() == Some(value.as_str())).collect()
        }
    };
    if chosen.is_empty() {
        out.push(None);
        return;
    }
    let chosen = if many { chosen } else { chosen.into_iter().take(1).collect() };
    for item in chosen {
        walk(item, rest, many, out);
    }
}

fn fan(items: &[Value], segments: &[Segment], many: bool, out: &mut Vec<Option<String>>) {
    if items.is_empty() {
        out.push(None);
        return;
    }
    let take = if many { items.len() } else { 1 };
    for item in items.iter().take(take) {
        walk(item, segments, many, out);
    }
}

fn leaf(v: &Value, many: bool, out: &mut Vec<Option<String>>) {
    match v {
        Value::Array(items) if items.is_empty() => out.push(None),
        Value::Array(items) => {
            let take = if many { items.len() } else { 1 };
            for item in items.iter().take(take) {
                out.push(scalar(item));
            }
        }
        other => out.push(scalar(other)),
    }
}

/// A string (trimmed, not empty), a number or a boolean, as text.
pub fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.trim().to_owned()).filter(|s| !s.is_empty()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::json;

    fn p(s: &str) -> JsonPath {
        JsonPath::parse(s).unwrap()
    }

    fn user() -> Value {
        json!({
            "primaryEmail": "taro@example.com",
            "name": {"fullName": "山田 太郎"},
            "externalIds": [{"type": "custom", "customType": "old", "value": "X1"}, {"type": "organization", "value": "E0001"}],
            "organizations": [
                {"department": "営業本部/第一営業部", "title": "部長"},
                {"department": "DX推進室", "primary": true},
            ],
            "customSchemas": {"HR": {"EmploymentType": "正社員", "Projects": [{"value": "a"}, {"value": "b"}], "Grade": 3}},
            "suspended": false,
        })
    }

    #[test]
    fn properties_selectors_and_first_elements() {
        let u = user();
        assert_eq!(p("primaryEmail").first(&u).unwrap(), "taro@example.com");
        assert_eq!(p("name.fullName").first(&u).unwrap(), "山田 太郎");
        assert_eq!(p("externalIds[type=organization].value").first(&u).unwrap(), "E0001");
        assert_eq!(p("organizations[primary].department").first(&u).unwrap(), "DX推進室");
        assert_eq!(p("organizations.department").first(&u).unwrap(), "営業本部/第一営業部");
        assert_eq!(p("organizations[1].department").first(&u).unwrap(), "DX推進室");
        assert_eq!(p("customSchemas.HR.EmploymentType").first(&u).unwrap(), "正社員");
        assert_eq!(p("customSchemas.HR.Grade").first(&u).unwrap(), "3");
        assert_eq!(p("suspended").first(&u).unwrap(), "false");
        assert_eq!(p("customSchemas.HR.Missing").first(&u), None);
        assert_eq!(p("externalIds[type=login].value").first(&u), None);
        assert_eq!(p("name").first(&u), None, "an object is no value");
    }

    #[test]
    fn primary_falls_back_to_the_first_element() {
        let u = json!({"organizations": [{"department": "A"}, {"department": "B"}]});
        assert_eq!(p("organizations[primary].department").first(&u).unwrap(), "A");
    }

    #[test]
    fn many_values_stay_paired_by_element() {
        let u = user();
        assert_eq!(
            p("organizations[*].department").all(&u),
            [Some("営業本部/第一営業部".to_owned()), Some("DX推進室".to_owned())]
        );
        assert_eq!(p("organizations.title").all(&u), [Some("部長".to_owned()), None]);
        assert_eq!(p("customSchemas.HR.Projects.value").all(&u), [Some("a".to_owned()), Some("b".to_owned())]);
    }

    #[test]
    fn mistakes_name_their_place() {
        let e = JsonPath::parse("organizations[primary.department").unwrap_err();
        assert_eq!(e.at, 14);
        assert!(e.why.contains("not closed"), "{e}");
        assert!(JsonPath::parse("a..b").unwrap_err().why.contains("missing"));
        assert!(JsonPath::parse("a[]").unwrap_err().why.contains("selects nothing"));
        assert!(JsonPath::parse("a[type=]").is_err());
        assert!(JsonPath::parse("a]").is_err());
        assert!(JsonPath::parse("a[0]b").is_err());
        assert!(JsonPath::parse("my field").is_err());
        assert!(JsonPath::parse(" ").is_err());
        assert_eq!(p("employeeOrgData.division").root(), "employeeOrgData");
        assert_eq!(p("customSchemas.HR.Grade").segment(1), Some("HR"));
        assert_eq!(p("customSchemas").segment(1), None);
    }
}
