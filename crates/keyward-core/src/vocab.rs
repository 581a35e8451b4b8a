//! Built-in vocabulary: what common HR and SaaS export labels mean, so a
//! SmartHR export or a typical admin-screen export works without a long
//! mapping. User mappings are added on top and win.

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;

use crate::resources::HrStatus;

/// Employment types every policy may use without a mapping.
pub const WELL_KNOWN_EMPLOYMENT_TYPES: [&str; 5] = ["full-time", "contract", "part-time", "temp", "contractor"];

/// Default HR labels for employment types (matched after trimming,
/// without regard to case).
pub const DEFAULT_EMPLOYMENT_TYPES: &[(&str, &str)] = &[
    ("正社員", "full-time"),
    ("正規社員", "full-time"),
    ("契約社員", "contract"),
    ("嘱託社員", "contract"),
    ("パート", "part-time"),
    ("アルバイト", "part-time"),
    ("パート・アルバイト", "part-time"),
    ("パートタイム", "part-time"),
    ("派遣社員", "temp"),
    ("派遣", "temp"),
    ("業務委託", "contractor"),
    ("full-time", "full-time"),
    ("full time", "full-time"),
    ("fulltime", "full-time"),
    ("permanent", "full-time"),
    ("employee", "full-time"),
    ("contract", "contract"),
    ("fixed-term", "contract"),
    ("part-time", "part-time"),
    ("part time", "part-time"),
    ("temp", "temp"),
    ("temporary", "temp"),
    ("contractor", "contractor"),
    ("freelance", "contractor"),
];

/// Default HR labels for statuses.
pub const DEFAULT_STATUSES: &[(&str, HrStatus)] = &[
    ("在籍", HrStatus::Active),
    ("在籍中", HrStatus::Active),
    ("在職", HrStatus::Active),
    ("在職中", HrStatus::Active),
    ("入社予定", HrStatus::Active),
    ("休職", HrStatus::OnLeave),
    ("休職中", HrStatus::OnLeave),
    ("産休", HrStatus::OnLeave),
    ("育休", HrStatus::OnLeave),
    ("産休・育休", HrStatus::OnLeave),
    ("退職", HrStatus::Terminated),
    ("退職済", HrStatus::Terminated),
    ("退職済み", HrStatus::Terminated),
    ("active", HrStatus::Active),
    ("employed", HrStatus::Active),
    ("on-leave", HrStatus::OnLeave),
    ("on leave", HrStatus::OnLeave),
    ("absent", HrStatus::OnLeave),
    ("leave", HrStatus::OnLeave),
    ("terminated", HrStatus::Terminated),
    ("retired", HrStatus::Terminated),
    ("resigned", HrStatus::Terminated),
    ("inactive", HrStatus::Terminated),
];

/// Default account status words, used when an export's `statusValues`
/// are not given.
pub const DEFAULT_ACCOUNT_ACTIVE: &[&str] = &["active", "enabled", "member", "有効", "利用中"];
/// See [`DEFAULT_ACCOUNT_ACTIVE`].
pub const DEFAULT_ACCOUNT_SUSPENDED: &[&str] =
    &["suspended", "deactivated", "disabled", "inactive", "locked", "無効", "停止", "利用停止"];
/// See [`DEFAULT_ACCOUNT_ACTIVE`].
pub const DEFAULT_ACCOUNT_INVITED: &[&str] = &["invited", "pending", "招待中"];
/// See [`DEFAULT_ACCOUNT_ACTIVE`].
pub const DEFAULT_ACCOUNT_BOT: &[&str] = &["bot", "integration", "app", "service"];
/// See [`DEFAULT_ACCOUNT_ACTIVE`].
pub const DEFAULT_ACCOUNT_DELETED: &[&str] = &["deleted", "removed", "削除済み"];

/// Labels and what they mean, looked up as written first and then without
/// regard to case and spacing. Exports repeat the same few labels millions
/// of times, so the common case must not allocate.
#[derive(Debug, Clone)]
pub struct LabelMap<T> {
    exact: FxHashMap<String, T>,
    folded: FxHashMap<String, T>,
}

impl<T: Clone> LabelMap<T> {
    /// Builds the map; later pairs win over earlier ones.
    pub fn new<S: AsRef<str>>(pairs: impl IntoIterator<Item = (S, T)>) -> Self {
        let mut exact = FxHashMap::default();
        let mut folded = FxHashMap::default();
        for (k, v) in pairs {
            exact.insert(k.as_ref().trim().to_owned(), v.clone());
            folded.insert(label_key(k.as_ref()), v);
        }
        Self { exact, folded }
    }

    /// What a label means, if known.
    pub fn get(&self, raw: &str) -> Option<&T> {
        let t = raw.trim();
        self.exact.get(t).or_else(|| self.folded.get(&label_key(t)))
    }
}

/// Whether `s` reads as one e-mail address (`local@domain.tld`, no
/// spaces): what HR fields and policy fields holding an address must be.
pub fn looks_like_email(s: &str) -> bool {
    matches!(s.split_once('@'), Some((l, d)) if !l.is_empty() && d.contains('.') && !d.contains('@') && !s.contains(char::is_whitespace))
}

/// Normalises a label for lookups: trimmed, lowercase, inner white space folded.
pub fn label_key(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// The employment type map of a source: defaults plus the user's entries.
pub fn employment_type_map(user: &BTreeMap<String, String>) -> LabelMap<String> {
    let defaults = DEFAULT_EMPLOYMENT_TYPES.iter().map(|(k, v)| (*k, (*v).to_owned()));
    LabelMap::new(defaults.chain(user.iter().map(|(k, v)| (k.as_str(), v.clone()))))
}

/// The status map of a source: defaults plus the user's entries.
pub fn status_map(user: &BTreeMap<String, HrStatus>) -> LabelMap<HrStatus> {
    LabelMap::new(DEFAULT_STATUSES.iter().copied().chain(user.iter().map(|(k, v)| (k.as_str(), *v))))
}

/// `true` for names like `full-time` or `intern`: lowercase ASCII words
/// joined by `-`.
pub fn is_type_word(s: &str) -> bool {
    !s.is_empty()
        && s.split('-').all(|w| !w.is_empty() && w.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_entries_win_over_defaults() {
        let mut user = BTreeMap::new();
        user.insert("嘱託社員".to_owned(), "part-time".to_owned());
        let map = employment_type_map(&user);
        assert_eq!(map.get("嘱託社員").map(String::as_str), Some("part-time"));
        assert_eq!(map.get(" 正社員 ").map(String::as_str), Some("full-time"));
        assert_eq!(map.get("Full  Time").map(String::as_str), Some("full-time"));
    }

    #[test]
    fn label_keys_fold_case_and_space() {
        assert_eq!(label_key("  Full   Time "), "full time");
    }

    #[test]
    fn type_words() {
        assert!(is_type_word("full-time"));
        assert!(!is_type_word("Full-Time"));
        assert!(!is_type_word("full--time"));
    }
}
