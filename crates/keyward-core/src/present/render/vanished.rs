//! The plan's words about people who vanished from the HR source (see
//! [`crate::roster`]): one line for the head count, and a section listing
//! each with the day they were last seen and their accounts.

use std::fmt::Write as _;

use super::words::count;
use crate::i18n::Lang;
use crate::plan::{Plan, Vanished};
use crate::present::escape::md_text;
use crate::printable::escape as printable;

/// `2 people are no longer in the HR source (of 120 seen before)`, or
/// nothing when nobody vanished.
pub fn vanished_line(plan: &Plan, lang: Lang) -> Option<String> {
    let p = &plan.people;
    (p.vanished > 0).then(|| {
        t!(
            lang,
            "vanished-line",
            count = count(p.vanished),
            n = crate::i18n::Arg::digits(p.vanished),
            known = crate::i18n::Arg::digits(p.known)
        )
    })
}

/// `1042 山田 太郎 <taro@example.com> — last seen 2026-11-30 (smarthr)`.
pub fn vanished_person(v: &Vanished, lang: Lang) -> String {
    let mut s = v.person.id.to_string();
    if let Some(n) = &v.person.name {
        let _ = write!(s, " {n}");
    }
    if let Some(e) = &v.person.email {
        let _ = write!(s, " <{e}>");
    }
    let seen = t!(lang, "vanished-last-seen", date = v.last_seen, source = v.source.as_str());
    let _ = write!(s, " — {seen}");
    s
}

/// The text plan's section: each vanished person and their accounts, for a
/// decision. Empty when nobody vanished (or too many did to list).
pub fn text_section(plan: &Plan, bold: &str, reset: &str, lang: Lang) -> String {
    let mut s = String::new();
    if plan.vanished.is_empty() {
        return s;
    }
    let _ = writeln!(s);
    let _ = writeln!(s, "{bold}{}{reset}", t!(lang, "vanished-heading"));
    for v in &plan.vanished {
        let _ = writeln!(s, "  ? {}", printable(&vanished_person(v, lang)));
        accounts(&mut s, v, "      ", lang);
    }
    s
}

/// The Markdown plan's section: the same list as [`text_section`], as a
/// list under a heading. Empty when nobody vanished.
pub fn markdown_section(plan: &Plan, lang: Lang) -> String {
    let mut s = String::new();
    if plan.vanished.is_empty() {
        return s;
    }
    let _ = writeln!(s);
    let _ = writeln!(s, "**{}**", t!(lang, "vanished-heading"));
    let _ = writeln!(s);
    for v in &plan.vanished {
        let _ = writeln!(s, "- {}", md_text(&vanished_person(v, lang)));
        if v.accounts.is_empty() {
            let _ = writeln!(s, "  - {}", t!(lang, "vanished-no-accounts"));
        }
        for a in &v.accounts {
            let _ = writeln!(s, "  - {}: {}", md_text(&a.app), md_text(a.account.label()));
        }
    }
    s
}

/// `keyward explain` of a person the HR master no longer has.
pub fn explain_text(v: &Vanished, lang: Lang) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "{}", printable(&vanished_person(v, lang)));
    let _ = writeln!(s, "  {}", t!(lang, "vanished-explain", date = v.last_seen));
    accounts(&mut s, v, "  ", lang);
    s
}

/// The person's accounts, one per line under `indent`, or that none was found.
fn accounts(s: &mut String, v: &Vanished, indent: &str, lang: Lang) {
    if v.accounts.is_empty() {
        let _ = writeln!(s, "{indent}{}", t!(lang, "vanished-no-accounts"));
    }
    for a in &v.accounts {
        let _ = writeln!(s, "{indent}{}: {}", printable(&a.app), printable(a.account.label()));
    }
}
