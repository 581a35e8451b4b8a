//! Request templates of the `http` connector: text with `{{placeholders}}`
//! (a request path, a query value) and JSON bodies whose strings carry
//! them. Parsing is shared by the policy checks (an unknown placeholder or
//! a body that is not JSON is an error at file:line:column) and the
//! connector (which fills them), so both read a template the same way.
//!
//! A JSON body is parsed once as JSON, with its placeholders inside
//! strings, and filled value by value: a string that is exactly one
//! placeholder becomes that value as JSON (a string, an array of groups,
//! or `null` where the caller says an optional value is absent), and a
//! placeholder inside a longer string is put into that string. A value the
//! caller has none for is an error, never an empty or `null` identifier. The filled body is serialised by `serde_json`, so
//! quotes, backslashes and control characters are escaped and Japanese
//! goes out as UTF-8, byte for byte; no value can break out of its string.

use std::fmt;

use serde_json::Value;

use crate::i18n::{Arg, Lang, Msg};

/// Most placeholders one template may hold; a template is written by an
/// admin, but a resource from the API is hostile input.
const MAX_PLACEHOLDERS: usize = 64;

/// Why a template cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    /// `{{` without `}}`, an empty or malformed name.
    #[error("{why} (at character {at})")]
    Syntax {
        /// Character offset in the template, from 1.
        at: usize,
        /// What is wrong.
        why: SyntaxWhy,
    },
    /// The body is not JSON.
    #[error("the body is not valid JSON: {why} (line {line}, column {column} of the body)")]
    Json {
        /// Line in the body, from 1.
        line: usize,
        /// Column in the body, from 1.
        column: usize,
        /// serde_json's message, without the text.
        why: String,
    },
    /// More placeholders than a template may hold.
    #[error("more than {MAX_PLACEHOLDERS} placeholders")]
    TooMany,
    /// A number that would not go out as written.
    #[error("the number {0} would not be sent as written (only whole numbers within 64 bits and exact decimals are)")]
    Number(String),
}

impl TemplateError {
    /// What is wrong, as a catalogue message; in English it is the
    /// `Display` text (a test checks it).
    pub fn message(&self) -> Msg {
        match self {
            Self::Syntax { at, why } => {
                Msg::new("template-syntax").arg("why", why.message()).arg("at", Arg::digits(at))
            }
            Self::Json { line, column, why } => Msg::new("template-json")
                .arg("why", why)
                .arg("line", Arg::digits(line))
                .arg("column", Arg::digits(column)),
            Self::TooMany => Msg::new("template-too-many").arg("max", Arg::digits(MAX_PLACEHOLDERS)),
            Self::Number(n) => Msg::new("template-number").arg("number", n),
        }
    }
}

/// What is wrong with a placeholder's braces or name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyntaxWhy {
    /// `{{` without `}}`.
    NotClosed,
    /// A name that is not one (quoted as an excerpt).
    BadName(String),
    /// `}}` without `{{`.
    NotOpened,
}

impl SyntaxWhy {
    /// The reason as a catalogue message.
    pub fn message(&self) -> Msg {
        match self {
            Self::NotClosed => Msg::new("template-not-closed"),
            Self::BadName(name) => Msg::new("template-bad-name").arg("name", name),
            Self::NotOpened => Msg::new("template-not-opened"),
        }
    }
}

impl fmt::Display for SyntaxWhy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message().render(Lang::En))
    }
}

/// Beyond 2^53 a decimal number is no longer exact in a double.
const EXACT_DOUBLE: f64 = 9_007_199_254_740_992.0;

/// Why a template could not be filled.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{{{{{name}}}}}` has no value for this change")]
pub struct Unfilled {
    /// The placeholder.
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Text(String),
    Slot(String),
}

/// Text with placeholders: a path or a query value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    parts: Vec<Part>,
}

impl Template {
    /// Parses `text`.
    pub fn parse(text: &str) -> Result<Self, TemplateError> {
        let mut parts = Vec::new();
        let mut rest = text;
        let mut offset = 0usize;
        let mut slots = 0usize;
        while let Some(open) = rest.find("{{") {
            if open > 0 {
                parts.push(Part::Text(rest[..open].to_owned()));
            }
            let after = &rest[open + 2..];
            let at = offset + rest[..open].chars().count() + 1;
            let Some(close) = after.find("}}") else {
                return Err(TemplateError::Syntax { at, why: SyntaxWhy::NotClosed });
            };
            let name = after[..close].trim();
            if !is_name(name) {
                return Err(TemplateError::Syntax {
                    at,
                    why: SyntaxWhy::BadName(crate::excerpt::value(&after[..close], 40)),
                });
            }
            slots += 1;
            if slots > MAX_PLACEHOLDERS {
                return Err(TemplateError::TooMany);
            }
            parts.push(Part::Slot(name.to_owned()));
            let consumed = open + 2 + close + 2;
            offset += rest[..consumed].chars().count();
            rest = &rest[consumed..];
        }
        if let Some(at) = rest.find("}}") {
            return Err(TemplateError::Syntax {
                at: offset + rest[..at].chars().count() + 1,
                why: SyntaxWhy::NotOpened,
            });
        }
        if !rest.is_empty() {
            parts.push(Part::Text(rest.to_owned()));
        }
        Ok(Self { parts })
    }

    /// The placeholders, in order.
    pub fn placeholders(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|p| match p {
            Part::Slot(s) => Some(s.as_str()),
            Part::Text(_) => None,
        })
    }

    /// `true` when the template has no placeholder.
    pub fn is_literal(&self) -> bool {
        self.placeholders().next().is_none()
    }

    /// The text with each placeholder replaced by `encode` of its value;
    /// a placeholder without a value is an error, never an empty string (a
    /// `DELETE /users/` must not go out).
    pub fn fill(
        &self,
        value: &dyn Fn(&str) -> Option<Value>,
        encode: &dyn Fn(&str) -> String,
    ) -> Result<String, Unfilled> {
        let mut out = String::new();
        for p in &self.parts {
            match p {
                Part::Text(t) => out.push_str(t),
                Part::Slot(name) => {
                    let text = value(name).as_ref().and_then(scalar_text).filter(|t| !t.is_empty());
                    let text = text.ok_or_else(|| Unfilled { name: name.clone() })?;
                    out.push_str(&encode(&text));
                }
            }
        }
        Ok(out)
    }

    /// As a JSON string of one placeholder, the placeholder's name.
    fn only_slot(&self) -> Option<&str> {
        match self.parts.as_slice() {
            [Part::Slot(s)] => Some(s),
            _ => None,
        }
    }
}

/// A JSON body with placeholders in its strings.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonTemplate {
    body: Value,
}

impl JsonTemplate {
    /// Parses `text` as JSON, then the placeholders of every string (object
    /// keys are taken as written).
    pub fn parse(text: &str) -> Result<Self, TemplateError> {
        let body: Value = serde_json::from_str(text).map_err(|e| TemplateError::Json {
            line: e.line(),
            column: e.column(),
            why: json_reason(&e),
        })?;
        check_numbers(&body)?;
        let mut count = 0usize;
        let mut failed = None;
        visit_strings(&body, &mut |s| {
            if failed.is_some() {
                return;
            }
            match Template::parse(s) {
                Ok(t) => {
                    count += t.placeholders().count();
                    if count > MAX_PLACEHOLDERS {
                        failed = Some(TemplateError::TooMany);
                    }
                }
                Err(e) => failed = Some(e),
            }
        });
        match failed {
            Some(e) => Err(e),
            None => Ok(Self { body }),
        }
    }

    /// Every placeholder of the body.
    pub fn placeholders(&self) -> Vec<String> {
        let mut out = Vec::new();
        visit_strings(&self.body, &mut |s| {
            if let Ok(t) = Template::parse(s) {
                out.extend(t.placeholders().map(str::to_owned));
            }
        });
        out
    }

    /// The body with its placeholders filled: see the module
    /// documentation.
    pub fn fill(&self, value: &dyn Fn(&str) -> Option<Value>) -> Result<Value, Unfilled> {
        fill_value(&self.body, value)
    }
}

fn fill_value(v: &Value, value: &dyn Fn(&str) -> Option<Value>) -> Result<Value, Unfilled> {
    Ok(match v {
        Value::String(s) => {
            // Parsed at load; a string that no longer parses cannot be.
            let Ok(t) = Template::parse(s) else { return Ok(v.clone()) };
            if let Some(name) = t.only_slot() {
                value(name).ok_or_else(|| Unfilled { name: name.to_owned() })?
            } else if t.is_literal() {
                v.clone()
            } else {
                Value::String(t.fill(value, &|s| s.to_owned())?)
            }
        }
        Value::Array(items) => Value::Array(items.iter().map(|i| fill_value(i, value)).collect::<Result<_, _>>()?),
        Value::Object(map) => {
            let mut out = serde_json::Map::new();
            for (k, item) in map {
                out.insert(k.clone(), fill_value(item, value)?);
            }
            Value::Object(out)
        }
        other => other.clone(),
    })
}

/// Every number of `v` goes out as it was written: a whole number within
/// 64 bits, or a decimal that survives being written and read again. A
/// 34-digit id became `2.2222222222222225e33` (fuzzing found it).
fn check_numbers(v: &Value) -> Result<(), TemplateError> {
    match v {
        Value::Number(n) if n.is_f64() => {
            let x = n.as_f64().unwrap_or(f64::NAN);
            let back: Option<Value> = serde_json::from_str(&n.to_string()).ok();
            if x.abs() >= EXACT_DOUBLE || back.as_ref() != Some(v) {
                return Err(TemplateError::Number(n.to_string()));
            }
            Ok(())
        }
        Value::Array(items) => items.iter().try_for_each(check_numbers),
        Value::Object(map) => map.values().try_for_each(check_numbers),
        _ => Ok(()),
    }
}

fn visit_strings(v: &Value, f: &mut dyn FnMut(&str)) {
    match v {
        Value::String(s) => f(s),
        Value::Array(items) => items.iter().for_each(|i| visit_strings(i, f)),
        Value::Object(map) => map.values().for_each(|i| visit_strings(i, f)),
        _ => {}
    }
}

/// A JSON scalar as text (`true`, `42`, the string itself); `None` for
/// `null`, arrays and objects.
pub fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn is_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name.split('.').all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
}

/// serde_json's message without its position suffix (given separately).
fn json_reason(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(i) => text[..i].to_owned(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn values(name: &str) -> Option<Value> {
        match name {
            "person.name" => Some(json!("山田 \"太郎\" \\ <x>")),
            "account.id" => Some(json!("a/b c")),
            "groups" => Some(json!(["x", "y"])),
            "optional" => Some(Value::Null),
            "n" => Some(json!(3)),
            _ => None,
        }
    }

    #[test]
    fn a_path_fills_and_encodes_each_value() {
        let t = Template::parse("/users/{{ account.id }}/x").unwrap();
        assert_eq!(t.placeholders().collect::<Vec<_>>(), ["account.id"]);
        let out = t.fill(&values, &|s| s.replace('/', "%2F").replace(' ', "%20")).unwrap();
        assert_eq!(out, "/users/a%2Fb%20c/x");
    }

    #[test]
    fn a_missing_value_is_an_error_not_an_empty_segment() {
        let t = Template::parse("/users/{{account.email}}").unwrap();
        assert_eq!(t.fill(&values, &|s| s.to_owned()).unwrap_err().name, "account.email");
    }

    #[test]
    fn syntax_errors_say_where() {
        assert_eq!(Template::parse("/a/{{x").unwrap_err(), TemplateError::Syntax { at: 4, why: SyntaxWhy::NotClosed });
        assert_eq!(Template::parse("/a/{{x").unwrap_err().to_string(), "`{{` is not closed by `}}` (at character 4)");
        assert!(matches!(Template::parse("/{{ }}").unwrap_err(), TemplateError::Syntax { at: 2, .. }));
        assert!(matches!(Template::parse("/a}}").unwrap_err(), TemplateError::Syntax { at: 3, .. }));
    }

    #[test]
    fn a_json_body_keeps_every_byte_of_a_value() {
        let t = JsonTemplate::parse(
            r#"{"name": "{{person.name}}", "label": "Name: {{person.name}}", "groups": "{{groups}}", "n": "{{n}}", "none": "{{optional}}", "k": true}"#,
        )
        .unwrap();
        let body = t.fill(&values).unwrap();
        let text = serde_json::to_string(&body).unwrap();
        assert_eq!(
            text,
            r#"{"groups":["x","y"],"k":true,"label":"Name: 山田 \"太郎\" \\ <x>","n":3,"name":"山田 \"太郎\" \\ <x>","none":null}"#
        );
        // A value the caller has none for is an error, even alone in a string.
        let t = JsonTemplate::parse(r#"{"code": "{{missing}}"}"#).unwrap();
        assert_eq!(t.fill(&values).unwrap_err().name, "missing");
        // Parsed back, the value is exactly the input.
        let back: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back["name"], json!("山田 \"太郎\" \\ <x>"));
    }

    #[test]
    fn a_body_that_is_not_json_says_where() {
        let e = JsonTemplate::parse("{\n  \"a\": \"{{x}}\",\n}").unwrap_err();
        assert!(matches!(e, TemplateError::Json { line: 3, column: 1, .. }), "{e:?}");
    }

    #[test]
    fn numbers_that_would_not_go_out_as_written_are_refused() {
        // The input the `request_template` fuzz target found: read as a
        // double, written back as another one.
        let found = "2".repeat(34);
        assert!(matches!(JsonTemplate::parse(&found), Err(TemplateError::Number(_))), "{found}");
        assert!(matches!(JsonTemplate::parse(r#"{"id": 18446744073709551616}"#), Err(TemplateError::Number(_))));
        for fine in [r#"{"domainId": 10000001}"#, r#"{"n": -9223372036854775808}"#, r#"{"ratio": 0.5}"#] {
            JsonTemplate::parse(fine).unwrap();
        }
    }

    #[test]
    fn placeholders_are_bounded() {
        let many = "{{a}}".repeat(MAX_PLACEHOLDERS + 1);
        assert_eq!(Template::parse(&many).unwrap_err(), TemplateError::TooMany);
    }

    #[test]
    fn every_error_reads_in_english_as_displayed_and_in_japanese() {
        let errors = [
            Template::parse("/a/{{x").unwrap_err(),
            Template::parse("/{{ a b }}").unwrap_err(),
            Template::parse("/a}}").unwrap_err(),
            JsonTemplate::parse("{\"a\": }").unwrap_err(),
            Template::parse(&"{{a}}".repeat(65)).unwrap_err(),
            TemplateError::Number("1e400".into()),
        ];
        for e in &errors {
            assert_eq!(e.message().render(Lang::En), e.to_string());
            assert!(e.message().render(Lang::Ja).chars().any(|c| c > '\u{3000}'), "{e}");
        }
        assert_eq!(errors[0].message().render(Lang::Ja), "`{{` が `}}` で閉じられていません（4 文字目）");
    }
}
