//! Short, capped excerpts of text that came from outside — a data file's
//! header, a cell, a line a parser quotes — for messages. A message that
//! quotes a hostile file whole can be megabytes long (a 5 MB one-line
//! "CSV" once gave 68 MB of stderr) and can carry whatever the file holds
//! into logs, statuses and Events; an excerpt is bounded whatever the
//! input.

use crate::i18n::{Arg, Lang, Msg};

/// Longest excerpt of one value, in characters.
pub const VALUE_CHARS: usize = 40;

/// Values listed in one excerpt of a list.
pub const LIST_ITEMS: usize = 12;

/// `text` cut to `max` characters, with `…` when it was longer; a control
/// character (a line break, an escape sequence) or bidi override is shown
/// as its escape (`\u{1b}`), as everywhere else keyward prints data
/// ([`crate::printable`]), so an excerpt stays on one line, cannot steer a
/// terminal, and still shows what the file holds.
pub fn value(text: &str, max: usize) -> String {
    let cut = match text.char_indices().nth(max) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    };
    crate::printable::escape(&cut).into_owned()
}

/// The first [`LIST_ITEMS`] of `items`, each cut to [`VALUE_CHARS`],
/// joined by `, `, with `… and N more` when there were more.
pub fn list<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    list_arg(items).render(Lang::En)
}

/// [`list`] as a message argument: joined in the reader's language, with
/// the `… and N more` in it too.
pub fn list_arg<'a>(items: impl IntoIterator<Item = &'a str>) -> Arg {
    let mut shown = Vec::new();
    let mut more = 0usize;
    for item in items {
        if shown.len() < LIST_ITEMS {
            shown.push(Arg::Text(value(item, VALUE_CHARS)));
        } else {
            more += 1;
        }
    }
    if more > 0 {
        shown.push(Msg::new("excerpt-and-more").arg("count", Arg::digits(more)).into());
    }
    Arg::List(shown)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_are_bounded_whatever_the_input() {
        assert_eq!(value("社員番号", 40), "社員番号");
        assert_eq!(value(&"x".repeat(5_000_000), 40), format!("{}…", "x".repeat(40)));
        assert_eq!(value("a\nb\u{1b}[31m", 40), "a\\u{a}b\\u{1b}[31m");
        assert_eq!(value("\u{1b}\u{1b}\u{1b}", 2), "\\u{1b}\\u{1b}…", "cut before escaping");
        assert_eq!(list(["id", "email"]), "id, email");
        let many: Vec<String> = (0..100).map(|i| format!("c{i}")).collect();
        let l = list(many.iter().map(String::as_str));
        assert!(l.starts_with("c0, c1, ") && l.ends_with("c11, … and 88 more"), "{l}");
    }
}
