//! Reading a checklist back: which items a human ticked, and which app the
//! file is for. A re-written checklist keeps these ticks, and `keyward
//! checklist import` records them.
//!
//! An item line is `- [ ] K-xxxxxxxx …` or `- [x] K-xxxxxxxx …`; a line
//! that starts like a checkbox but does not carry an item id is not one
//! keyward wrote (an edited line, or a checklist from before item ids), so
//! the file is refused rather than its ticks silently lost.

use std::collections::BTreeMap;

use keyward_core::i18n::{Lang, Msg};
use keyward_core::plan::is_item_id;

/// The first line keyward writes, naming the app (resource names have no
/// spaces).
pub(crate) const MARKER_START: &str = "<!-- keyward-checklist app: ";
pub(crate) const MARKER_END: &str = " -->";

/// A checklist as a human left it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ticks {
    /// The app named by the file's first line, if it has one.
    pub app: Option<String>,
    /// Every item id in the file, `true` when ticked.
    pub items: BTreeMap<String, bool>,
}

impl Ticks {
    /// The ids of the ticked items.
    pub fn ticked(&self) -> impl Iterator<Item = &str> {
        self.items.iter().filter(|(_, t)| **t).map(|(id, _)| id.as_str())
    }

    /// `true` when the item `id` is in the file and ticked.
    pub fn is_ticked(&self, id: &str) -> bool {
        self.items.get(id).copied().unwrap_or(false)
    }
}

/// Why a file cannot be read as a checklist, at 1-based `line`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.message().render(Lang::En))]
pub struct Malformed {
    /// 1-based line.
    pub line: usize,
    /// 1-based column (in characters).
    pub column: usize,
    /// What is wrong there.
    pub problem: Problem,
}

impl Malformed {
    /// Where and what, for the human's language.
    pub fn message(&self) -> Msg {
        Msg::new("checklist-problem-at")
            .arg("line", self.line.to_string())
            .arg("column", self.column.to_string())
            .arg("problem", self.problem.message())
    }
}

/// What is wrong with a checklist line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// The bytes are not UTF-8.
    NotUtf8,
    /// A checkbox other than `- [ ]` or `- [x]`.
    Checkbox,
    /// A checkbox without an item id.
    NoItemId,
}

impl Problem {
    /// The problem in words, for the human's language.
    pub fn message(self) -> Msg {
        Msg::new(match self {
            Self::NotUtf8 => "checklist-problem-not-utf8",
            Self::Checkbox => "checklist-problem-checkbox",
            Self::NoItemId => "checklist-problem-no-id",
        })
    }
}

/// Reads the ticks of a checklist's bytes.
///
/// # Errors
/// [`Malformed`] when the bytes are not UTF-8 or a checkbox line has no
/// item id.
pub fn parse(bytes: &[u8]) -> Result<Ticks, Malformed> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let before = &bytes[..e.valid_up_to()];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        Malformed { line, column: 1, problem: Problem::NotUtf8 }
    })?;
    let mut ticks = Ticks::default();
    for (n, raw) in text.lines().enumerate() {
        let line = raw.trim_end();
        if n == 0
            && let Some(app) = line.strip_prefix(MARKER_START).and_then(|r| r.strip_suffix(MARKER_END))
        {
            ticks.app = Some(app.trim().to_owned());
            continue;
        }
        let Some(rest) = line.trim_start().strip_prefix("- [") else { continue };
        let column = raw.len() - raw.trim_start().len() + 1;
        let (ticked, rest) = match rest.split_at_checked(2) {
            Some((" ]", rest)) => (false, rest),
            Some(("x]" | "X]", rest)) => (true, rest),
            _ => return Err(Malformed { line: n + 1, column, problem: Problem::Checkbox }),
        };
        let id = rest.split_whitespace().next().unwrap_or("");
        if !is_item_id(id) {
            return Err(Malformed { line: n + 1, column, problem: Problem::NoItemId });
        }
        let seen = ticks.items.entry(id.to_owned()).or_insert(false);
        *seen |= ticked;
    }
    Ok(ticks)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn ticks_and_the_app_are_read_back() {
        let text = "<!-- keyward-checklist app: slack -->\n# Slack\n\n- [x] K-0123abcd **suspend** `a`\n  - [ ] K-89abcdef **delete** `b`\n- [X] K-11111111 x\n";
        let t = parse(text.as_bytes()).unwrap();
        assert_eq!(t.app.as_deref(), Some("slack"));
        assert_eq!(t.ticked().collect::<Vec<_>>(), ["K-0123abcd", "K-11111111"]);
        assert!(!t.is_ticked("K-89abcdef"));
        assert_eq!(t.items.len(), 3);
    }

    #[test]
    fn a_checkbox_without_an_id_is_refused_with_its_place() {
        let old = "# Slack\n\n- [x] **suspend** `a` — left\n";
        assert_eq!(parse(old.as_bytes()).unwrap_err(), Malformed { line: 3, column: 1, problem: Problem::NoItemId });
        assert_eq!(parse(b"ok\n- [v] K-0123abcd\n").unwrap_err().line, 2);
        assert_eq!(parse(b"a\n\xff\n").unwrap_err(), Malformed { line: 2, column: 1, problem: Problem::NotUtf8 });
    }
}
