//! The discovery summary as text for a terminal. Every value from a
//! directory is printed through [`crate::printable`], as the plan's text
//! rendering does: an app name can hold escape sequences.

use std::fmt::Write as _;

use super::{Discovered, DiscoveredApp, Holder, HolderPhase, IDS_SHOWN, Tally, join, more_in, tally_items_in};
use crate::i18n::{Arg, Lang};
use crate::printable::escape as p;

/// Departments or employment types shown per app before `… and N more`.
const TALLIES: usize = 5;

/// The summary as text, in English.
pub fn text(d: &Discovered) -> String {
    text_in(d, Lang::En)
}

/// The summary as text, in `lang`. Names, addresses, ids and the
/// directories' evidence words (`oauthToken`) are data and stay as they are.
pub fn text_in(d: &Discovered, lang: Lang) -> String {
    let mut s = String::new();
    s.push_str(&match d.since {
        Some(since) => t!(lang, "discover-title-since", date = d.date, since = since),
        None => t!(lang, "discover-title", date = d.date),
    });
    s.push('\n');
    for dir in &d.directories {
        let line = t!(
            lang,
            "discover-directory",
            source = p(&dir.source).into_owned(),
            directory = p(&dir.directory).into_owned(),
            users = Arg::digits(dir.users),
            requests = Arg::digits(dir.requests)
        );
        let _ = writeln!(s, "  {line}");
    }
    let holders: usize = d.apps.iter().map(|a| a.holders.len()).sum();
    let totals = t!(
        lang,
        "discover-totals",
        apps = Arg::digits(d.apps.len()),
        undeclared = Arg::digits(d.undeclared()),
        covered = Arg::digits(d.apps.len() - d.undeclared()),
        holders = Arg::digits(holders)
    );
    let _ = writeln!(s, "\n{totals}");
    for a in &d.apps {
        app(&mut s, a, lang);
    }
    let notes: Vec<(&str, &str)> = d.notes().collect();
    if !notes.is_empty() {
        let _ = writeln!(s, "\n{}", t!(lang, "discover-notes"));
        for (dir, note) in notes {
            let _ = writeln!(s, "  {}: {}", p(dir), p(note));
        }
    }
    s
}

fn app(s: &mut String, a: &DiscoveredApp, lang: Lang) {
    let mark = if a.undeclared() { "!" } else { "✓" };
    let _ = write!(s, "\n{mark} {}  {}", p(&a.name), t!(lang, "discover-people", count = a.people));
    if a.unknown_users > 0 {
        s.push_str(&t!(lang, "discover-not-in-hr-count", count = Arg::digits(a.unknown_users)));
    }
    let covered = match (&a.covered_by, &a.catalogue) {
        (Some(c), _) => t!(lang, "discover-covered-by", app = p(c).into_owned()),
        (None, Some(c)) => t!(lang, "discover-undeclared-catalogue", catalogue = p(c).into_owned()),
        (None, None) => t!(lang, "discover-undeclared"),
    };
    let _ = writeln!(s, " · {covered}");
    let mut facts = Vec::new();
    if let Some(pb) = &a.publisher {
        facts.push(t!(lang, "discover-publisher", publisher = p(pb).into_owned()));
    }
    facts.push(a.evidence.iter().map(|e| e.as_str()).collect::<Vec<_>>().join(", "));
    if a.tenant_consent {
        facts.push(t!(lang, "discover-tenant-consent"));
    }
    let seen = a.seen();
    if !seen.is_empty() {
        facts.push(t!(lang, "discover-seen", seen = seen));
    }
    let _ = writeln!(s, "    {}", facts.join(" · "));
    let mut ids: Vec<String> =
        a.ids.iter().take(IDS_SHOWN).map(|i| format!("{} {}", p(&i.directory), p(&i.id))).collect();
    ids.extend(more_in(a.ids.len(), IDS_SHOWN, lang));
    let _ = writeln!(s, "    {}", t!(lang, "discover-line-ids", list = join(ids, lang)));
    if !a.departments.is_empty() {
        let _ = writeln!(s, "    {}", t!(lang, "discover-line-departments", list = tallies(&a.departments, lang)));
    }
    if !a.employment_types.is_empty() {
        let list = tallies(&a.employment_types, lang);
        let _ = writeln!(s, "    {}", t!(lang, "discover-line-employment-types", list = list));
    }
    if !a.unknown_examples.is_empty() {
        let mut list: Vec<String> = a.unknown_examples.iter().map(|u| p(u).into_owned()).collect();
        list.extend(more_in(a.unknown_users, a.unknown_examples.len(), lang));
        let _ = writeln!(s, "    {}", t!(lang, "discover-line-not-in-hr", list = join(list, lang)));
    }
    for h in &a.holders {
        let _ = writeln!(s, "    {}", holder(h, lang));
    }
}

/// `Sales (8), Engineering (4), … and 2 more`.
fn tallies(t: &[Tally], lang: Lang) -> String {
    join(tally_items_in(t, TALLIES, |n| p(n).into_owned(), lang), lang)
}

/// `left E0031 青木 翼 <a@x>, last day 2026-11-20: PeopleSource/hr oauthToken · scopes a, b`.
fn holder(h: &Holder, lang: Lang) -> String {
    let mut who = p(&h.person_id).into_owned();
    if let Some(n) = &h.name {
        let _ = write!(who, " {}", p(n));
    }
    let phase = match h.phase {
        HolderPhase::Left => t!(lang, "discover-phase-left"),
        HolderPhase::OnLeave => t!(lang, "discover-phase-on-leave"),
    };
    let last_day = h.last_day.map(|d| t!(lang, "discover-holder-last-day", date = d)).unwrap_or_default();
    let last_seen = h.last_seen.map(|d| t!(lang, "discover-holder-last-seen", date = d)).unwrap_or_default();
    let scopes = if h.scopes.is_empty() {
        String::new()
    } else {
        let scopes: Vec<String> = h.scopes.iter().map(|x| p(x).into_owned()).collect();
        let more = if h.more_scopes > 0 {
            t!(lang, "discover-holder-more-scopes", count = Arg::digits(h.more_scopes))
        } else {
            String::new()
        };
        t!(lang, "discover-holder-scopes", scopes = join(scopes, lang), more = more)
    };
    t!(
        lang,
        "discover-holder",
        phase = phase,
        who = who,
        user = p(&h.user).into_owned(),
        last_day = last_day,
        directory = p(&h.directory).into_owned(),
        evidence = h.evidence.as_str(),
        last_seen = last_seen,
        scopes = scopes
    )
}
