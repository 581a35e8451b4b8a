//! Small words every plan rendering shares, in the reader's language: the
//! actions' names, what a revocation closes, counts and padding by display
//! width (Japanese characters take two columns in a terminal).

use unicode_width::UnicodeWidthStr;

use crate::account::RevokeKinds;
use crate::action::Action;
use crate::i18n::{Arg, Lang};

/// The action's name as a plan shows it: `suspend` / `停止`. English keeps
/// the JSON word, so a reader can grep one for the other.
pub fn action_name(a: Action, lang: Lang) -> String {
    if lang == Lang::En {
        return a.as_str().to_owned();
    }
    match a {
        Action::Create => t!(lang, "action-create"),
        Action::Restore => t!(lang, "action-restore"),
        Action::Update => t!(lang, "action-update"),
        Action::Suspend => t!(lang, "action-suspend"),
        Action::Transfer => t!(lang, "action-transfer"),
        Action::Revoke => t!(lang, "action-revoke"),
        Action::Delete => t!(lang, "action-delete"),
        Action::Review => t!(lang, "action-review"),
    }
}

/// What a revocation closes, as a list (`sessions and OAuth tokens` /
/// `セッション、OAuth トークン`).
pub fn revoke_kinds(r: RevokeKinds, lang: Lang) -> String {
    r.message().render(lang)
}

/// A count for plural selection.
pub(crate) fn count(n: usize) -> Arg {
    Arg::from(n)
}

/// `s` padded with spaces to `width` terminal columns (`{:<9}` for ASCII).
pub(crate) fn pad(s: &str, width: usize) -> String {
    let w = UnicodeWidthStr::width(s);
    format!("{s}{}", " ".repeat(width.saturating_sub(w)))
}
