//! Markdown for pull-request comments.
//!
//! A reviewer reads the summary first (counts, head counts, and what is
//! taken away from whom), then one collapsible section per app, the apps
//! that take access or data away first and opened. A comment has a size
//! limit (GitHub 65,536 characters, GitLab 1,000,000), so
//! [`markdown_within`] degrades a plan too large for it: the counts per app
//! always, then as many whole app sections as fit, the largest
//! deprovisioning ones first, and a closing line pointing to the full plan.

use std::fmt::Write as _;

use super::diff::attribute_diffs;
use super::summary_line_in;
use super::words::count;
use crate::action::Action;
use crate::i18n::{Lang, Msg};
use crate::plan::{AppSummary, Change, Counts, Plan};
use crate::present::escape::{html_text, md_code, md_text};

/// The default comment budget: under GitHub's 65,536-character limit. The
/// budget counts bytes, and a character is at least one byte, so a
/// rendering within it fits whatever the script of the names.
pub const DEFAULT_MAX_BYTES: usize = 65_000;

/// Where the full plan is when the comment shows only part of it.
fn full_plan(lang: Lang) -> String {
    t!(lang, "md-full-plan")
}

/// The whole plan as Markdown, however long.
pub fn markdown(plan: &Plan) -> String {
    markdown_in(plan, Lang::En)
}

/// [`markdown`] in `lang`.
pub fn markdown_in(plan: &Plan, lang: Lang) -> String {
    Doc::new(plan, lang).full()
}

/// The plan as Markdown in at most `max_bytes` bytes (UTF-8). When the
/// whole plan does not fit it keeps, in order of importance: the summary
/// and the counts per app, then whole app sections (apps taking the most
/// access away first), then the warnings, and ends with a line saying
/// what was left out. When not even the counts fit, a short "too large"
/// notice replaces them. The result is deterministic and never longer than
/// `max_bytes`.
pub fn markdown_within(plan: &Plan, max_bytes: usize) -> String {
    markdown_within_in(plan, max_bytes, Lang::En)
}

/// [`markdown_within`] in `lang`.
pub fn markdown_within_in(plan: &Plan, max_bytes: usize, lang: Lang) -> String {
    Doc::new(plan, lang).within(max_bytes)
}

/// The parts of the comment, rendered once and then assembled to fit.
struct Doc {
    /// Title, summary line, HR head counts, deprovisioning call-out.
    head: String,
    /// Title, summary line and deprovisioning totals only: what is left
    /// when even the counts per app do not fit.
    brief: String,
    /// Counts per app, every app.
    table: String,
    /// One collapsible section per app with changes, in display order.
    sections: Vec<String>,
    /// The people who vanished from the HR source and the warnings block,
    /// empty when there are none.
    warnings: String,
    /// The language of the words.
    lang: Lang,
}

impl Doc {
    fn new(plan: &Plan, lang: Lang) -> Self {
        let order = section_order(plan);
        let (mut head, mut brief) = head(plan, &order, lang);
        if let Some(line) = super::duties_line(plan, lang) {
            let block = duties(plan, &line, lang);
            head.push_str(&block);
            // The shortest form names violations, not a clean result.
            if !plan.violations.is_empty() {
                let _ = writeln!(brief);
                let _ = writeln!(brief, "> **{}**", md_text(&line));
            }
        }
        Self {
            head,
            brief,
            table: counts_table(plan, lang),
            sections: order.iter().map(|&i| section(plan, &plan.apps[i], lang)).collect(),
            // Who vanished goes with the warnings: kept when they fit, and
            // said to be left out when not (the list can be long).
            warnings: super::done::markdown_section(plan, lang)
                + &super::vanished::markdown_section(plan, lang)
                + &warnings(&plan.warnings_in(lang), lang),
            lang,
        }
    }

    fn full(&self) -> String {
        let mut s = String::with_capacity(self.full_len());
        s.push_str(&self.head);
        s.push_str(&self.table);
        self.sections.iter().for_each(|x| s.push_str(x));
        s.push_str(&self.warnings);
        s
    }

    fn full_len(&self) -> usize {
        self.head.len() + self.table.len() + self.sections.iter().map(String::len).sum::<usize>() + self.warnings.len()
    }

    fn within(&self, max: usize) -> String {
        if self.full_len() <= max {
            return self.full();
        }
        self.shortened(max).unwrap_or_else(|| self.too_large(max))
    }

    /// Counts per app plus what fits, or `None` when the counts alone
    /// (with the closing line) do not fit.
    fn shortened(&self, max: usize) -> Option<String> {
        let n = self.sections.len();
        let has_warnings = !self.warnings.is_empty();
        // The closing line's length depends on the numbers in it; reserve
        // its longest form (most digits, plural, warnings named).
        let reserve = [0, 1, n]
            .into_iter()
            .flat_map(|left| [(left, false), (left, has_warnings)])
            .map(|(left, w)| closing(max, left, n, w, self.lang).len())
            .max()
            .unwrap_or(0);
        let mut budget = max.checked_sub(self.head.len() + self.table.len() + reserve)?;
        let mut keep = vec![false; n];
        // Sections are in priority order: take each that still fits, so a
        // huge section does not keep the smaller ones after it out.
        for (k, s) in keep.iter_mut().zip(&self.sections) {
            if s.len() <= budget {
                *k = true;
                budget -= s.len();
            }
        }
        let mut with_warnings = has_warnings && self.warnings.len() <= budget;
        loop {
            let out = self.assemble(max, &keep, with_warnings);
            if out.len() <= max {
                return Some(out);
            }
            // Unreachable with the reserve above; kept so that the limit
            // holds even if the closing line's wording changes.
            if with_warnings {
                with_warnings = false;
            } else if let Some(last) = keep.iter().rposition(|k| *k) {
                keep[last] = false;
            } else {
                return None;
            }
        }
    }

    fn assemble(&self, max: usize, keep: &[bool], with_warnings: bool) -> String {
        let mut s = String::with_capacity(max.min(self.full_len()));
        s.push_str(&self.head);
        s.push_str(&self.table);
        for (section, _) in self.sections.iter().zip(keep).filter(|(_, k)| **k) {
            s.push_str(section);
        }
        if with_warnings {
            s.push_str(&self.warnings);
        }
        let left = keep.iter().filter(|k| !**k).count();
        s.push_str(&closing(max, left, keep.len(), !self.warnings.is_empty() && !with_warnings, self.lang));
        s
    }

    /// Ever shorter forms of the notice; the empty string always fits.
    fn too_large(&self, max: usize) -> String {
        let lang = self.lang;
        let notice =
            format!("_{}_\n", t!(lang, "md-too-large", max = crate::i18n::Arg::digits(max), full = full_plan(lang)));
        let tiny = format!("_{}_\n", t!(lang, "md-too-large-short"));
        [format!("{}\n{notice}", self.brief), notice, tiny].into_iter().find(|s| s.len() <= max).unwrap_or_default()
    }
}

/// The line ending a shortened comment.
fn closing(max: usize, left: usize, total: usize, warnings_left: bool, lang: Lang) -> String {
    let sections = t!(
        lang,
        "md-sections-left-out",
        left = crate::i18n::Arg::digits(left),
        total = crate::i18n::Arg::digits(total),
        count = count(total)
    );
    let what = match (left > 0, warnings_left) {
        (true, true) => t!(lang, "md-left-out-and-warnings", sections = sections),
        (true, false) => sections,
        (false, true) => t!(lang, "md-warnings-left-out"),
        (false, false) => t!(lang, "md-nothing-left-out"),
    };
    format!(
        "\n_{}_\n",
        t!(lang, "md-shortened", max = crate::i18n::Arg::digits(max), what = what, full = full_plan(lang))
    )
}

/// Changes that take access or data away.
fn deprovisioning(c: &Counts) -> usize {
    c.suspend + c.transfer + c.revoke + c.delete
}

/// Apps with changes in display order: those taking the most access away
/// first (ties in plan order), then the others in plan order. Apps without
/// changes have no section; the counts table lists them.
fn section_order(plan: &Plan) -> Vec<usize> {
    let mut deprov: Vec<usize> = (0..plan.apps.len()).filter(|&i| deprovisioning(&plan.apps[i].changes) > 0).collect();
    deprov.sort_by_key(|&i| (std::cmp::Reverse(deprovisioning(&plan.apps[i].changes)), i));
    let rest = (0..plan.apps.len()).filter(|&i| {
        let c = &plan.apps[i].changes;
        deprovisioning(c) == 0 && c.total() > 0
    });
    deprov.into_iter().chain(rest).collect()
}

/// The marker and bold word of a deprovisioning action; chosen from emoji
/// both GitHub and GitLab render in tables and in `<summary>`.
fn marker(a: Action) -> Option<&'static str> {
    match a {
        Action::Suspend => Some("⏸️"),
        Action::Transfer => Some("📤"),
        Action::Revoke => Some("🔒"),
        Action::Delete => Some("⛔"),
        _ => None,
    }
}

/// `⏸️ 3 to suspend · 📤 4 to hand over · ⛔ 1 to delete`.
fn deprovisioning_phrase(c: &Counts, lang: Lang) -> String {
    [
        (Action::Revoke, c.revoke),
        (Action::Suspend, c.suspend),
        (Action::Transfer, c.transfer),
        (Action::Delete, c.delete),
    ]
    .into_iter()
    .filter(|(_, n)| *n > 0)
    .map(|(a, n)| {
        let what = match a {
            Action::Revoke => t!(lang, "md-n-to-revoke", n = crate::i18n::Arg::digits(n)),
            Action::Suspend => t!(lang, "md-n-to-suspend", n = crate::i18n::Arg::digits(n)),
            Action::Transfer => t!(lang, "md-n-to-hand-over", n = crate::i18n::Arg::digits(n)),
            _ => t!(lang, "md-n-to-delete", n = crate::i18n::Arg::digits(n)),
        };
        format!("{} {what}", marker(a).unwrap_or_default())
    })
    .collect::<Vec<_>>()
    .join(" · ")
}

fn head(plan: &Plan, order: &[usize], lang: Lang) -> (String, String) {
    let mut top = String::new();
    let _ = writeln!(top, "### {}", t!(lang, "plan-title", date = plan.date));
    let _ = writeln!(top);
    let _ = writeln!(top, "**{}**", summary_line_in(&plan.summary, lang));
    if let Some(seats) = super::seats_line_in(plan, lang) {
        let _ = writeln!(top);
        let _ = writeln!(top, "{seats}");
    }
    let mut brief = top.clone();
    let mut head = top;
    let p = &plan.people;
    let _ = writeln!(head);
    let _ = writeln!(head, "{}", super::hr_line(p, Msg::new("md-hr-line"), lang));
    if let Some(line) = super::vanished::vanished_line(plan, lang) {
        let _ = writeln!(head);
        let _ = writeln!(head, "⚠️ {}", md_text(&line));
    }
    let _ = writeln!(head);
    if deprovisioning(&plan.summary) == 0 {
        let _ = writeln!(head, "> {}", t!(lang, "md-deprovisioning-none"));
        return (head, brief);
    }
    let totals = deprovisioning_phrase(&plan.summary, lang);
    let deprov = t!(lang, "md-deprovisioning", totals = totals.as_str());
    let _ = writeln!(head, "> {deprov}");
    let _ = writeln!(head, ">");
    for &i in order {
        let app = &plan.apps[i];
        if deprovisioning(&app.changes) > 0 {
            let _ = writeln!(head, "> - **{}**: {}", md_text(&app.name), deprovisioning_phrase(&app.changes, lang));
        }
    }
    let _ = writeln!(brief);
    let _ = writeln!(brief, "> {deprov}");
    (head, brief)
}

/// Most violations listed in the comment's head, which is always kept
/// whole: the plan JSON has every one.
const MAX_VIOLATIONS_SHOWN: usize = 20;

/// The separation-of-duties call-out: every violation with what gives each
/// duty, up to [`MAX_VIOLATIONS_SHOWN`].
fn duties(plan: &Plan, line: &str, lang: Lang) -> String {
    let mut s = String::new();
    let _ = writeln!(s);
    let _ = writeln!(s, "> **{}**", md_text(line));
    for v in plan.violations.iter().take(MAX_VIOLATIONS_SHOWN) {
        let who = match &v.person.name {
            Some(n) => format!("{} ({})", md_text(n), md_text(&v.person.id)),
            None => md_text(&v.person.id),
        };
        let _ = writeln!(s, "> - ❗ **{}** — {who}: {}", md_text(&v.rule), md_text(&v.duty_names()));
        for (duty, what) in super::duty_evidence_in(v, lang) {
            let _ = writeln!(s, ">   - {}: {}", md_text(duty), md_text(&what));
        }
    }
    if plan.violations.len() > MAX_VIOLATIONS_SHOWN {
        let more = plan.violations.len() - MAX_VIOLATIONS_SHOWN;
        let _ = writeln!(
            s,
            "> - {}",
            t!(lang, "md-violations-more", n = crate::i18n::Arg::digits(more), full = full_plan(lang))
        );
    }
    s
}

fn counts_table(plan: &Plan, lang: Lang) -> String {
    let mut s = String::new();
    let _ = writeln!(s);
    let actions: Vec<String> = Action::ALL.iter().map(|a| super::action_name(*a, lang)).collect();
    let _ = writeln!(s, "| {} | {} | {} |", t!(lang, "md-col-app"), t!(lang, "md-col-accounts"), actions.join(" | "));
    let _ = writeln!(s, "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
    for app in &plan.apps {
        // An export's age shows beside the app even when within its limit:
        // a reviewer weighs a checklist by how fresh its source is.
        let export = match &app.export {
            Some(e) if e.is_stale() || e.is_future() => format!(
                " · ⚠️ {}",
                t!(lang, "md-export-over", age = super::export_age(e, lang), limit = e.max_age.to_string())
            ),
            Some(e) => format!(" · {}", t!(lang, "md-export-age", age = super::export_age(e, lang))),
            None => String::new(),
        };
        let _ = write!(s, "| {}{export} | {} |", md_text(&app.name), app.accounts);
        for a in Action::ALL {
            let n = app.changes.get(a);
            // A non-zero deprovisioning count stands out in the grid.
            if (a.is_deprovisioning() || a == Action::Revoke) && n > 0 {
                let _ = write!(s, " **{n}** |");
            } else {
                let _ = write!(s, " {n} |");
            }
        }
        let _ = writeln!(s);
    }
    s
}

fn section(plan: &Plan, app: &AppSummary, lang: Lang) -> String {
    let c = &app.changes;
    let n = c.total();
    let per_action: Vec<String> = Action::ALL
        .iter()
        .filter(|a| c.get(**a) > 0)
        .map(|a| {
            t!(lang, "md-n-action", n = crate::i18n::Arg::digits(c.get(*a)), action = super::action_name(*a, lang))
        })
        .collect();
    let open = if deprovisioning(c) > 0 { " open" } else { "" };
    let ro = if app.read_only { format!(" · {}", t!(lang, "md-read-only-checklist")) } else { String::new() };
    let changes_word = t!(lang, "md-n-changes", count = count(n), n = crate::i18n::Arg::digits(n));
    let mut s = String::new();
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "<details{open}><summary><b>{}</b> — {changes_word} ({}){ro}</summary>",
        html_text(&app.name),
        per_action.join(t!(lang, "md-list-separator").as_str())
    );
    let changes = plan.changes_for(&app.name);
    let (reviews, acts): (Vec<&Change>, Vec<&Change>) = changes.iter().partition(|c| c.action == Action::Review);
    if !acts.is_empty() {
        let _ = writeln!(s);
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} |",
            t!(lang, "md-col-action"),
            t!(lang, "md-col-account"),
            t!(lang, "md-col-person"),
            t!(lang, "md-col-change"),
            t!(lang, "md-col-reason")
        );
        let _ = writeln!(s, "|---|---|---|---|---|");
        for c in acts {
            let name = super::action_name(c.action, lang);
            let action = match marker(c.action) {
                Some(m) => format!("{m} **{name}**"),
                None => name,
            };
            let _ = writeln!(
                s,
                "| {action} | {} | {} | {} | {} |",
                md_code(c.account.label()),
                person(c),
                change_cell(c, lang),
                md_text(&c.reason_in(lang))
            );
        }
    }
    if !reviews.is_empty() {
        let _ = writeln!(s);
        let _ = writeln!(s, "{}", t!(lang, "md-to-review", n = crate::i18n::Arg::digits(reviews.len())));
        let _ = writeln!(s);
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} |",
            t!(lang, "md-col-account"),
            t!(lang, "md-col-person"),
            t!(lang, "md-col-proposed"),
            t!(lang, "md-col-reason")
        );
        let _ = writeln!(s, "|---|---|---|---|");
        for c in reviews {
            let proposed = match c.proposed {
                Some(p) => {
                    let change = change_cell(c, lang);
                    let name = super::action_name(p, lang);
                    if change.is_empty() { name } else { format!("{name}: {change}") }
                }
                None => String::new(),
            };
            let reason = md_text(&c.reason_in(lang));
            let _ = writeln!(s, "| {} | {} | {proposed} | {reason} |", md_code(c.account.label()), person(c));
        }
    }
    let _ = writeln!(s);
    let _ = writeln!(s, "</details>");
    s
}

fn person(c: &Change) -> String {
    match &c.person {
        Some(p) => match &p.name {
            Some(n) => format!("{} ({})", md_text(n), md_text(&p.id)),
            None => md_text(&p.id),
        },
        None => String::new(),
    }
}

/// The attribute diffs and the hand-over target.
fn change_cell(c: &Change, lang: Lang) -> String {
    let mut parts: Vec<String> = attribute_diffs(c).iter().map(|d| super::attr_diff(d, lang, &md_text)).collect();
    if let Some(to) = &c.transfer_to {
        parts.push(t!(lang, "plan-transfer-to", to = md_code(to.label())));
    }
    if let Some(r) = c.revoke {
        parts.push(super::revoke_detail(r, lang));
    }
    if let Some(m) = &c.marked_done {
        parts.push(md_text(&super::done::still_shown(m, lang)));
    }
    parts.join("; ")
}

fn warnings(ws: &[String], lang: Lang) -> String {
    let mut s = String::new();
    if ws.is_empty() {
        return s;
    }
    let _ = writeln!(s);
    let _ = writeln!(s, "{}", t!(lang, "md-warnings", n = crate::i18n::Arg::digits(ws.len())));
    let _ = writeln!(s);
    for w in ws {
        // The marker first: data at the start of a list item could be read
        // as a heading or a nested list.
        let _ = writeln!(s, "- ⚠️ {}", md_text(w));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_closing_line_reserve_covers_every_count() {
        // The reserve in `shortened` takes 0, 1 and n; every count between
        // has no more digits than n and the same plural.
        for n in [1usize, 2, 9, 10, 11, 99, 100, 1000] {
            for lang in Lang::ALL {
                let longest = [0, 1, n].iter().map(|&l| closing(100, l, n, true, lang).len()).max().unwrap_or(0);
                for left in 0..=n {
                    for w in [false, true] {
                        assert!(closing(100, left, n, w, lang).len() <= longest, "n {n} left {left}");
                    }
                }
            }
        }
    }

    #[test]
    fn deprovisioning_is_summed_over_suspend_transfer_revoke_and_delete_only() {
        let c = Counts { create: 5, restore: 1, update: 2, suspend: 3, transfer: 4, revoke: 2, delete: 1, review: 9 };
        assert_eq!(deprovisioning(&c), 10);
        assert_eq!(
            deprovisioning_phrase(&c, Lang::En),
            "🔒 2 to revoke · ⏸️ 3 to suspend · 📤 4 to hand over · ⛔ 1 to delete"
        );
        let only = Counts { delete: 2, ..Counts::default() };
        assert_eq!(deprovisioning_phrase(&only, Lang::En), "⛔ 2 to delete");
    }
}
