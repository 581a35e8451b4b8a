//! The diagnostics compilation collects, and the small checks every kind
//! shares (regular expressions, delimiters, duplicate names).

use std::collections::HashMap;

use regex::Regex;

use super::PolicySet;
use crate::diag::{Diagnostic, Text};
use crate::i18n::{Arg, Msg};
use crate::load::{Named, Origin};

/// The policy set being checked, and the diagnostics found so far, in
/// the order they were found.
pub(super) struct Checker<'a> {
    pub(super) set: &'a PolicySet,
    pub(super) diags: Vec<Diagnostic>,
}

impl Checker<'_> {
    pub(super) fn error(&mut self, origin: &Origin, path: &str, message: impl Into<Text>, help: impl Into<Text>) {
        let d = self.set.error_at(origin, path, message).with_help(help);
        self.diags.push(d);
    }

    pub(super) fn warn(&mut self, origin: &Origin, path: &str, message: impl Into<Text>, help: impl Into<Text>) {
        let d = self.set.warning_at(origin, path, message).with_help(help);
        self.diags.push(d);
    }

    /// A connector's or source's `timeoutSeconds` at `path`: 0 fails every
    /// call (`per`: what one timeout covers, `call` or `operation`).
    pub(super) fn timeout(&mut self, origin: &Origin, path: &str, seconds: Option<u32>, per: &str) {
        if seconds == Some(0) {
            self.error(
                origin,
                path,
                match per {
                    "operation" => Msg::new("compile-timeout-zero-operation"),
                    _ => Msg::new("compile-timeout-zero-call"),
                },
                Msg::new("compile-timeout-zero-help"),
            );
        }
    }

    pub(super) fn regex(&mut self, origin: &Origin, path: &str, pattern: &str) -> Option<Regex> {
        match Regex::new(pattern) {
            Ok(r) => Some(r),
            Err(e) => {
                let (why, help) = regex_error(&e);
                self.error(origin, path, Msg::new("compile-bad-regex").arg("pattern", pattern).arg("why", why), help);
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
                Msg::new("compile-bad-delimiter").arg("delimiter", d),
                Msg::new("compile-bad-delimiter-help"),
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
                    Msg::new("compile-defined-twice")
                        .arg("kind", kind)
                        .arg("name", &item.name)
                        .arg("first", format!("{first_at}:{first_line}")),
                    Msg::new("compile-defined-twice-help"),
                );
            } else {
                seen.insert(&item.name, &item.origin);
            }
        }
    }
}

/// `a or b or c` (`a、b、c` in Japanese), built two at a time.
pub(super) fn or_list<S: AsRef<str>>(items: &[S]) -> Arg {
    chain(items, &|first, rest| Msg::new("compile-or").arg("first", first).arg("rest", rest))
}

/// `a and b and c` (`a と b と c` in Japanese), built two at a time.
pub(super) fn and_list<S: AsRef<str>>(items: &[S]) -> Arg {
    chain(items, &|first, rest| Msg::new("compile-and").arg("first", first).arg("rest", rest))
}

fn chain<S: AsRef<str>>(items: &[S], pair: &dyn Fn(&str, Arg) -> Msg) -> Arg {
    match items {
        [] => Arg::Text(String::new()),
        [one] => one.as_ref().into(),
        [first, rest @ ..] => pair(first.as_ref(), chain(rest, pair)).into(),
    }
}

/// Why a pattern was refused, and how to fix it.
fn regex_error(e: &regex::Error) -> (Arg, Msg) {
    match e {
        // The size limit bounds what matching may cost; counted
        // repetitions multiply a pattern's size, nested ones exponentially.
        regex::Error::CompiledTooBig(limit) => (
            Msg::new("compile-regex-too-big").arg("limit", limit.to_string()).into(),
            Msg::new("compile-regex-too-big-help"),
        ),
        // A syntax error's text draws the pattern with a caret under the
        // fault and ends with the reason on its `error:` line.
        other => {
            let detail = other.to_string();
            let reason = detail.lines().rfind(|l| l.starts_with("error:")).map(|l| l.trim_start_matches("error: "));
            // The parser's own reason stays as it wrote it.
            (reason.unwrap_or(detail.trim()).into(), Msg::new("compile-regex-syntax-help"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_regex_error_has_a_reason() {
        let reasons: Vec<String> = ["(a{1000}){1000}", "(部長", "a{2,1}", "\\p{Nope}"]
            .into_iter()
            .map(|pattern| {
                let (why, help) = regex_error(&Regex::new(pattern).unwrap_err());
                let why = why.render(crate::i18n::Lang::En);
                assert!(!why.is_empty() && !help.render(crate::i18n::Lang::En).is_empty(), "{pattern}");
                why
            })
            .collect();
        assert!(reasons[0].starts_with("it compiles to more than 10485760 bytes"), "{}", reasons[0]);
        assert_eq!(reasons[1], "unclosed group");
    }
}
