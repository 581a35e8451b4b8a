//! SCIM filter expressions (RFC 7644 §3.4.2.2) built from values keyward
//! does not control — a person's e-mail or employee number from the HR
//! export, a group name from a policy — so a value can only ever be a value.

use serde_json::Value;

/// A filter string literal. The grammar takes JSON strings, so JSON's
/// escaping (`\` → `\\`, `"` → `\"`, control characters as `\n`, `\u0001`)
/// keeps any value inside its quotes.
pub(crate) fn quote(value: &str) -> String {
    Value::String(value.to_owned()).to_string()
}

/// `attribute eq "value"`.
pub(crate) fn eq(attribute: &str, value: &str) -> String {
    format!("{attribute} eq {}", quote(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_values_are_quoted() {
        assert_eq!(eq("userName", "ann@example.com"), r#"userName eq "ann@example.com""#);
    }

    #[test]
    fn quotes_and_backslashes_are_escaped() {
        assert_eq!(quote(r#"a"b\c"#), r#""a\"b\\c""#);
        assert_eq!(quote("tab\there\n"), r#""tab\there\n""#);
    }

    #[test]
    fn a_value_cannot_end_the_string_and_add_clauses() {
        let hostile = r#"x" or userName pr or userName eq "y"#;
        let f = eq("userName", hostile);
        assert_eq!(f, r#"userName eq "x\" or userName pr or userName eq \"y""#);
        // Walk the literal as a SCIM parser would: it must end exactly at
        // the end of the filter.
        let literal = f.strip_prefix("userName eq ").unwrap_or_default();
        let mut chars = literal.chars();
        assert_eq!(chars.next(), Some('"'));
        let mut end = None;
        let mut i = 1;
        while let Some(c) = chars.next() {
            match c {
                '\\' => {
                    chars.next();
                    i += 1;
                }
                '"' => {
                    end = Some(i);
                    break;
                }
                _ => {}
            }
            i += 1;
        }
        assert_eq!(end, Some(literal.chars().count() - 1));
        let back: String = serde_json::from_str(literal).unwrap_or_default();
        assert_eq!(back, hostile);
    }
}
