//! The discovery summary as Markdown (an issue, a pull-request comment, a
//! wiki page): tables, every value escaped as the plan's Markdown is
//! ([`crate::present::escape`]).

use std::fmt::Write as _;

use super::{Discovered, DiscoveredApp, Tally, join, more_in, tally_items_in};
use crate::i18n::{Arg, Lang};
use crate::present::escape::{md_code, md_text};

/// Departments or employment types shown per cell before `… and N more`.
const TALLIES: usize = 3;

/// The summary as Markdown, in English.
pub fn markdown(d: &Discovered) -> String {
    markdown_in(d, Lang::En)
}

/// The summary as Markdown, in `lang`.
pub fn markdown_in(d: &Discovered, lang: Lang) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "## {}\n", t!(lang, "discover-title", date = d.date));
    if let Some(since) = d.since {
        let _ = writeln!(s, "{}\n", t!(lang, "discover-md-since", since = since));
    }
    let holders: usize = d.apps.iter().map(|a| a.holders.len()).sum();
    let totals = t!(
        lang,
        "discover-md-totals",
        apps = Arg::digits(d.apps.len()),
        undeclared = Arg::digits(d.undeclared()),
        covered = Arg::digits(d.apps.len() - d.undeclared()),
        holders = Arg::digits(holders)
    );
    let _ = writeln!(s, "{totals}\n");
    if !d.directories.is_empty() {
        let _ = writeln!(s, "{}\n|---|---|---:|---:|", t!(lang, "discover-md-directories-header"));
        for dir in &d.directories {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} |",
                md_code(&dir.directory),
                md_text(&dir.source),
                dir.users,
                dir.requests
            );
        }
        s.push('\n');
    }
    if !d.apps.is_empty() {
        let _ = writeln!(s, "{}\n|---|---:|---:|---|---|---|---|", t!(lang, "discover-md-apps-header"));
        for a in &d.apps {
            app_row(&mut s, a, lang);
        }
        s.push('\n');
    }
    if holders > 0 {
        let _ = writeln!(
            s,
            "### {}\n\n{}\n|---|---|---|---|---|---|",
            t!(lang, "discover-md-holders-title"),
            t!(lang, "discover-md-holders-header")
        );
        for a in &d.apps {
            for h in &a.holders {
                let who = match &h.name {
                    Some(n) => t!(lang, "discover-md-who", name = md_text(n), id = md_text(&h.person_id)),
                    None => md_text(&h.person_id),
                };
                let situation = h.situation_in(lang);
                let mut scopes: Vec<String> = h.scopes.iter().map(|x| md_code(x)).collect();
                scopes.extend(more_in(h.scopes.len() + h.more_scopes, h.scopes.len(), lang));
                let _ = writeln!(
                    s,
                    "| {} | {who} {} | {situation} | {} | {} | {} |",
                    md_text(&a.name),
                    md_code(&h.user),
                    md_code(&h.directory),
                    h.evidence.as_str(),
                    join(scopes, lang)
                );
            }
        }
        s.push('\n');
    }
    let notes: Vec<(&str, &str)> = d.notes().collect();
    if !notes.is_empty() {
        let _ = writeln!(s, "### {}\n", t!(lang, "discover-notes"));
        for (dir, note) in notes {
            let _ = writeln!(s, "- {}: {}", md_code(dir), md_text(note));
        }
        s.push('\n');
    }
    s
}

fn app_row(s: &mut String, a: &DiscoveredApp, lang: Lang) {
    let mut name = md_text(&a.name);
    if let Some(p) = &a.publisher {
        let _ = write!(name, " · {}", md_text(p));
    }
    if a.tenant_consent {
        let _ = write!(name, " · {}", t!(lang, "discover-md-tenant-consent"));
    }
    let seen = a.seen();
    let covered = match (&a.covered_by, &a.catalogue) {
        (Some(c), _) => md_code(c),
        (None, Some(c)) => t!(lang, "discover-md-undeclared-catalogue", catalogue = md_code(c)),
        (None, None) => t!(lang, "discover-md-undeclared"),
    };
    let _ = writeln!(
        s,
        "| {name} | {} | {} | {} | {} | {seen} | {covered} |",
        a.people,
        a.unknown_users,
        tallies(&a.departments, lang),
        tallies(&a.employment_types, lang)
    );
}

fn tallies(t: &[Tally], lang: Lang) -> String {
    join(tally_items_in(t, TALLIES, md_text, lang), lang)
}
