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
use super::summary_line;
use crate::action::Action;
use crate::plan::{AppSummary, Change, Counts, Plan};
use crate::present::escape::{html_text, md_code, md_text};

/// The default comment budget: under GitHub's 65,536-character limit. The
/// budget counts bytes, and a character is at least one byte, so a
/// rendering within it fits whatever the script of the names.
pub const DEFAULT_MAX_BYTES: usize = 65_000;

/// Where the full plan is when the comment shows only part of it.
const FULL_PLAN: &str =
    "the full plan is in the JSON artifact (`keyward plan -o plan.json`) and in the output of `keyward plan`";

/// The whole plan as Markdown, however long.
pub fn markdown(plan: &Plan) -> String {
    Doc::new(plan).full()
}

/// The plan as Markdown in at most `max_bytes` bytes (UTF-8). When the
/// whole plan does not fit it keeps, in order of importance: the summary
/// and the counts per app, then whole app sections (apps taking the most
/// access away first), then the warnings, and ends with a line saying
/// what was left out. When not even the counts fit, a short "too large"
/// notice replaces them. The result is deterministic and never longer than
/// `max_bytes`.
pub fn markdown_within(plan: &Plan, max_bytes: usize) -> String {
    Doc::new(plan).within(max_bytes)
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
    /// The warnings block, empty when there are none.
    warnings: String,
}

impl Doc {
    fn new(plan: &Plan) -> Self {
        let order = section_order(plan);
        let (mut head, mut brief) = head(plan, &order);
        if let Some(line) = super::duties_line(plan) {
            let block = duties(plan, &line);
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
            table: counts_table(plan),
            sections: order.iter().map(|&i| section(plan, &plan.apps[i])).collect(),
            warnings: warnings(&plan.warnings),
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
            .map(|(left, w)| closing(max, left, n, w).len())
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
        s.push_str(&closing(max, left, keep.len(), !self.warnings.is_empty() && !with_warnings));
        s
    }

    /// Ever shorter forms of the notice; the empty string always fits.
    fn too_large(&self, max: usize) -> String {
        let notice = format!("_Too large for a {max}-byte comment, even as counts per app: {FULL_PLAN}._\n");
        [format!("{}\n{notice}", self.brief), notice, "_Plan too large for this comment._\n".to_owned()]
            .into_iter()
            .find(|s| s.len() <= max)
            .unwrap_or_default()
    }
}

/// The line ending a shortened comment.
fn closing(max: usize, left: usize, total: usize, warnings_left: bool) -> String {
    let sections = format!("{left} of {total} app section{} left out", plural(total));
    let what = match (left > 0, warnings_left) {
        (true, true) => format!("{sections}, and the warnings"),
        (true, false) => sections,
        (false, true) => "the warnings left out".to_owned(),
        (false, false) => "nothing left out".to_owned(),
    };
    format!(
        "\n_Shortened to fit a comment of at most {max} bytes: {what}. The counts above cover every change; {FULL_PLAN}._\n"
    )
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
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
fn deprovisioning_phrase(c: &Counts) -> String {
    [
        (Action::Revoke, c.revoke, "to revoke"),
        (Action::Suspend, c.suspend, "to suspend"),
        (Action::Transfer, c.transfer, "to hand over"),
        (Action::Delete, c.delete, "to delete"),
    ]
    .into_iter()
    .filter(|(_, n, _)| *n > 0)
    .map(|(a, n, what)| format!("{} {n} {what}", marker(a).unwrap_or_default()))
    .collect::<Vec<_>>()
    .join(" · ")
}

fn head(plan: &Plan, order: &[usize]) -> (String, String) {
    let mut top = String::new();
    let _ = writeln!(top, "### keyward plan for {}", plan.date);
    let _ = writeln!(top);
    let _ = writeln!(top, "**{}**", summary_line(&plan.summary));
    if let Some(seats) = super::seats_line(plan) {
        let _ = writeln!(top);
        let _ = writeln!(top, "{seats}");
    }
    let mut brief = top.clone();
    let mut head = top;
    let p = &plan.people;
    let _ = writeln!(head);
    let _ = writeln!(
        head,
        "HR: {} people — {} employed, {} on leave, {} not started, {} left.",
        p.total, p.employed, p.on_leave, p.not_started, p.left
    );
    let _ = writeln!(head);
    if deprovisioning(&plan.summary) == 0 {
        let _ = writeln!(head, "> **Deprovisioning:** none — no account is suspended, handed over or deleted.");
        return (head, brief);
    }
    let totals = deprovisioning_phrase(&plan.summary);
    let _ = writeln!(head, "> **Deprovisioning** (access or data taken away): {totals}");
    let _ = writeln!(head, ">");
    for &i in order {
        let app = &plan.apps[i];
        if deprovisioning(&app.changes) > 0 {
            let _ = writeln!(head, "> - **{}**: {}", md_text(&app.name), deprovisioning_phrase(&app.changes));
        }
    }
    let _ = writeln!(brief);
    let _ = writeln!(brief, "> **Deprovisioning** (access or data taken away): {totals}");
    (head, brief)
}

/// Most violations listed in the comment's head, which is always kept
/// whole: the plan JSON has every one.
const MAX_VIOLATIONS_SHOWN: usize = 20;

/// The separation-of-duties call-out: every violation with what gives each
/// duty, up to [`MAX_VIOLATIONS_SHOWN`].
fn duties(plan: &Plan, line: &str) -> String {
    let mut s = String::new();
    let _ = writeln!(s);
    let _ = writeln!(s, "> **{}**", md_text(line));
    for v in plan.violations.iter().take(MAX_VIOLATIONS_SHOWN) {
        let who = match &v.person.name {
            Some(n) => format!("{} ({})", md_text(n), md_text(&v.person.id)),
            None => md_text(&v.person.id),
        };
        let _ = writeln!(s, "> - ❗ **{}** — {who}: {}", md_text(&v.rule), md_text(&v.duty_names()));
        for (duty, what) in super::duty_evidence(v) {
            let _ = writeln!(s, ">   - {}: {}", md_text(duty), md_text(&what));
        }
    }
    if plan.violations.len() > MAX_VIOLATIONS_SHOWN {
        let _ = writeln!(s, "> - … and {} more: {FULL_PLAN}", plan.violations.len() - MAX_VIOLATIONS_SHOWN);
    }
    s
}

fn counts_table(plan: &Plan) -> String {
    let mut s = String::new();
    let _ = writeln!(s);
    let _ =
        writeln!(s, "| app | accounts | create | restore | update | revoke | suspend | transfer | delete | review |");
    let _ = writeln!(s, "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
    for app in &plan.apps {
        // An export's age shows beside the app even when within its limit:
        // a reviewer weighs a checklist by how fresh its source is.
        let export = match &app.export {
            Some(e) if e.is_stale() || e.is_future() => format!(" · ⚠️ export {}, limit {}", e.age(), e.max_age),
            Some(e) => format!(" · export {}", e.age()),
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

fn section(plan: &Plan, app: &AppSummary) -> String {
    let c = &app.changes;
    let n = c.total();
    let per_action: Vec<String> =
        Action::ALL.iter().filter(|a| c.get(**a) > 0).map(|a| format!("{} {}", c.get(*a), a.as_str())).collect();
    let open = if deprovisioning(c) > 0 { " open" } else { "" };
    let ro = if app.read_only { " · read-only: a checklist for a human" } else { "" };
    let mut s = String::new();
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "<details{open}><summary><b>{}</b> — {n} change{} ({}){ro}</summary>",
        html_text(&app.name),
        plural(n),
        per_action.join(", ")
    );
    let changes = plan.changes_for(&app.name);
    let (reviews, acts): (Vec<&Change>, Vec<&Change>) = changes.iter().partition(|c| c.action == Action::Review);
    if !acts.is_empty() {
        let _ = writeln!(s);
        let _ = writeln!(s, "| action | account | person | change | reason |");
        let _ = writeln!(s, "|---|---|---|---|---|");
        for c in acts {
            let action = match marker(c.action) {
                Some(m) => format!("{m} **{}**", c.action.as_str()),
                None => c.action.as_str().to_owned(),
            };
            let _ = writeln!(
                s,
                "| {action} | {} | {} | {} | {} |",
                md_code(c.account.label()),
                person(c),
                change_cell(c),
                md_text(&c.reason)
            );
        }
    }
    if !reviews.is_empty() {
        let _ = writeln!(s);
        let _ = writeln!(s, "**To review ({})** — keyward changes nothing here until a human acts:", reviews.len());
        let _ = writeln!(s);
        let _ = writeln!(s, "| account | person | proposed | reason |");
        let _ = writeln!(s, "|---|---|---|---|");
        for c in reviews {
            let proposed = match c.proposed {
                Some(p) => {
                    let change = change_cell(c);
                    if change.is_empty() { p.as_str().to_owned() } else { format!("{}: {change}", p.as_str()) }
                }
                None => String::new(),
            };
            let _ =
                writeln!(s, "| {} | {} | {proposed} | {} |", md_code(c.account.label()), person(c), md_text(&c.reason));
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
fn change_cell(c: &Change) -> String {
    let mut parts: Vec<String> =
        attribute_diffs(c).iter().map(|d| format!("{}: {}", d.attribute(), d.value_with(md_text))).collect();
    if let Some(t) = &c.transfer_to {
        parts.push(format!("to {}", md_code(t.label())));
    }
    if let Some(r) = c.revoke {
        parts.push(super::revoke_detail(r));
    }
    parts.join("; ")
}

fn warnings(ws: &[String]) -> String {
    let mut s = String::new();
    if ws.is_empty() {
        return s;
    }
    let _ = writeln!(s);
    let _ = writeln!(s, "**Warnings ({})**", ws.len());
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
            let longest = [0, 1, n].iter().map(|&l| closing(100, l, n, true).len()).max().unwrap_or(0);
            for left in 0..=n {
                for w in [false, true] {
                    assert!(closing(100, left, n, w).len() <= longest, "n {n} left {left}");
                }
            }
        }
    }

    #[test]
    fn deprovisioning_is_summed_over_suspend_transfer_revoke_and_delete_only() {
        let c = Counts { create: 5, restore: 1, update: 2, suspend: 3, transfer: 4, revoke: 2, delete: 1, review: 9 };
        assert_eq!(deprovisioning(&c), 10);
        assert_eq!(deprovisioning_phrase(&c), "🔒 2 to revoke · ⏸️ 3 to suspend · 📤 4 to hand over · ⛔ 1 to delete");
        let only = Counts { delete: 2, ..Counts::default() };
        assert_eq!(deprovisioning_phrase(&only), "⛔ 2 to delete");
    }
}
