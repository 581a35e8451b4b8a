//! How discovered apps are compared with declared Applications, catalogue
//! entries and each other, and how a directory's user is found in the HR
//! data.

use crate::correlate::email_key;
use crate::people::People;

/// A name or id without regard to case, spaces or punctuation
/// (`Zoom Workplace` = `zoom-workplace`): letters and digits of any
/// script, lowercased.
pub(super) fn normalized(s: &str) -> String {
    s.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// `s` cut to `max` characters, with `…` when it was longer. Escaping is
/// left to each rendering.
pub(super) fn bounded(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((end, _)) => format!("{}…", &s[..end]),
        None => s.to_owned(),
    }
}

/// The person a directory's user is, by e-mail as the email correlator
/// matches: ASCII case-insensitive, a `+tag` ignored. Only addresses match:
/// a bare value could be someone's employee number.
pub(super) fn person_of(people: &People, user: &str) -> Option<usize> {
    let key = email_key(user)?;
    people.find(user.trim_ascii()).or_else(|| people.find(&key))
}

/// The key under which one user is counted once: the address as the email
/// correlator compares it; anything else lowercased (ASCII).
pub(super) fn user_key(user: &str) -> String {
    email_key(user).unwrap_or_else(|| user.trim_ascii().to_ascii_lowercase())
}

/// Second-level labels under which a country's registrable names sit
/// (`example.co.jp`): enough to tell `a.example.co.jp` and `b.other.co.jp`
/// apart without a public-suffix list.
const SECOND_LEVEL: &[&str] = &["co", "ne", "or", "ac", "go", "ed", "lg", "gr", "com", "net", "org", "gov", "edu"];

/// The site a host belongs to: its last two labels, or three under a
/// country's second level (`api.notion.com` → `notion.com`,
/// `x.cybozu.co.jp` → `cybozu.co.jp`). Hosts are compared by site because
/// a catalogue entry names the API host and a directory the home page.
pub(super) fn site(host: &str) -> String {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let labels: Vec<&str> = host.split('.').filter(|l| !l.is_empty()).collect();
    let n = labels.len();
    let keep = if n >= 3 && labels[n - 1].len() == 2 && SECOND_LEVEL.contains(&labels[n - 2]) { 3 } else { 2 };
    labels[n.saturating_sub(keep)..].join(".")
}

/// The site of a URL's host; `None` when it is no http(s) URL with a
/// host name. Template placeholders (`https://{{subdomain}}.zendesk.com`)
/// stand for one label.
pub(super) fn url_site(text: &str) -> Option<String> {
    let text = text.trim();
    if !(text.starts_with("https://") || text.starts_with("http://")) {
        return None;
    }
    let mut filled = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find("{{") {
        filled.push_str(&rest[..open]);
        filled.push('x');
        rest = rest[open..].find("}}").map_or("", |close| &rest[open + close + 2..]);
    }
    filled.push_str(rest);
    let url = url::Url::parse(&filled).ok()?;
    match url.host()? {
        url::Host::Domain(d) if d.contains('.') => Some(site(d)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_compare_without_case_spaces_or_punctuation() {
        assert_eq!(normalized("Zoom Workplace"), normalized("zoom-workplace"));
        assert_eq!(normalized("ＳＬＡＣＫ"), "ｓｌａｃｋ");
        assert_eq!(normalized("経費精算 (freee)"), "経費精算freee");
        assert_eq!(normalized("!!!"), "");
    }

    #[test]
    fn sites_keep_the_registrable_name() {
        assert_eq!(site("api.notion.com"), "notion.com");
        assert_eq!(site("www.notion.so"), "notion.so");
        assert_eq!(site("x.cybozu.co.jp"), "cybozu.co.jp");
        assert_eq!(site("localhost"), "localhost");
        assert_eq!(url_site("https://{{subdomain}}.zendesk.com/api/v2").as_deref(), Some("zendesk.com"));
        assert_eq!(url_site("https://127.0.0.1/x"), None);
        assert_eq!(url_site("mailto:a@b.c"), None);
        assert_eq!(url_site("https://{{broken"), None);
    }

    #[test]
    fn user_keys_ignore_case_and_plus_tags() {
        assert_eq!(user_key(" Ai.Matsuda+saas@Example.com "), "ai.matsuda@example.com");
        assert_eq!(user_key("no-address"), "no-address");
    }

    #[test]
    fn bounded_cuts_on_characters() {
        assert_eq!(bounded("日本語のアプリ", 3), "日本語…");
        assert_eq!(bounded("abc", 3), "abc");
    }
}
