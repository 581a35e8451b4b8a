//! The diagnostics compilation collects, and the small checks every kind
//! shares (regular expressions, delimiters, duplicate names).

use std::collections::HashMap;

use regex::Regex;

use super::PolicySet;
use crate::diag::Diagnostic;
use crate::load::{Named, Origin};

/// The policy set being checked, and the diagnostics found so far, in
/// the order they were found.
pub(super) struct Checker<'a> {
    pub(super) set: &'a PolicySet,
    pub(super) diags: Vec<Diagnostic>,
}

impl Checker<'_> {
    pub(super) fn error(&mut self, origin: &Origin, path: &str, message: impl Into<String>, help: impl Into<String>) {
        let d = self.set.error_at(origin, path, message).with_help(help);
        self.diags.push(d);
    }

    pub(super) fn warn(&mut self, origin: &Origin, path: &str, message: impl Into<String>, help: impl Into<String>) {
        let d = self.set.warning_at(origin, path, message).with_help(help);
        self.diags.push(d);
    }

    pub(super) fn regex(&mut self, origin: &Origin, path: &str, pattern: &str) -> Option<Regex> {
        match Regex::new(pattern) {
            Ok(r) => Some(r),
            Err(e) => {
                let detail = e.to_string();
                let last =
                    detail.lines().rfind(|l| l.starts_with("error:")).unwrap_or("").trim_start_matches("error: ");
                self.error(
                    origin,
                    path,
                    format!("`{pattern}` is not a valid regular expression: {last}"),
                    "fix the pattern (Rust regex syntax); escape literal `.`, `+`, `(` with `\\`",
                );
                None
            }
        }
    }

    pub(super) fn delimiter(&mut self, origin: &Origin, path: &str, delim: Option<&String>) {
        if let Some(d) = delim
            && (d.chars().count() != 1 || !d.is_ascii())
        {
            self.error(
                origin,
                path,
                format!("delimiter `{d}` must be one ASCII character"),
                "use `,`, `;`, `|` or a tab",
            );
        }
    }

    pub(super) fn duplicates<T>(&mut self, kind: &str, items: &[Named<T>]) {
        let mut seen: HashMap<&str, &Origin> = HashMap::new();
        for item in items {
            if let Some(first) = seen.get(item.name.as_str()) {
                let first_at = self.set.origin_label(first);
                let first_line = self.set.locate(first, "metadata.name", false).map(|l| l.line).unwrap_or(0);
                self.error(
                    &item.origin,
                    "metadata.name",
                    format!("{kind} `{}` is defined twice (first in {first_at}:{first_line})", item.name),
                    "rename one of them or merge the two",
                );
            } else {
                seen.insert(&item.name, &item.origin);
            }
        }
    }
}
