//! The plan's renderings: text for terminals, JSON for tools, Markdown for
//! pull-request comments (`markdown`), and the attribute diffs both show
//! ([`diff`]). Pure functions of the plan, so snapshots are stable.

use std::fmt::Write as _;

use unicode_width::UnicodeWidthStr;

use crate::action::Action;
use crate::plan::Violation;
use crate::plan::{Change, Counts, ExportAge, Held, Plan};
use crate::printable::escape as printable;

pub mod diff;
mod markdown;
pub mod vanished;

pub use diff::{AttrDiff, attribute_diffs};
pub use markdown::{DEFAULT_MAX_BYTES, markdown, markdown_within};

/// Options for the text rendering.
#[derive(Debug, Clone, Copy, Default)]
pub struct TextOptions {
    /// Use ANSI colours (on a terminal).
    pub color: bool,
}

fn symbol(a: Action) -> &'static str {
    match a {
        Action::Create => "+",
        Action::Restore => "^",
        Action::Update => "~",
        Action::Suspend => "-",
        Action::Transfer => ">",
        Action::Revoke => "/",
        Action::Delete => "x",
        Action::Review => "?",
    }
}

fn color(a: Action) -> &'static str {
    match a {
        Action::Create | Action::Restore => "\x1b[32m",
        Action::Update => "\x1b[33m",
        Action::Suspend => "\x1b[31m",
        Action::Transfer => "\x1b[36m",
        Action::Revoke => "\x1b[31m",
        Action::Delete => "\x1b[1;31m",
        Action::Review => "\x1b[35m",
    }
}

/// `Plan: 3 to create, … 4 to review.`
pub fn summary_line(c: &Counts) -> String {
    format!(
        "Plan: {} to create, {} to restore, {} to update, {} to revoke, {} to suspend, {} to transfer, {} to delete, {} to review.",
        c.create, c.restore, c.update, c.revoke, c.suspend, c.transfer, c.delete, c.review
    )
}

/// `Held: 2 changes until a later day (moverGrace, hand-over exceptions).`,
/// or `None` when nothing is held.
pub fn held_line(plan: &Plan) -> Option<String> {
    match plan.held.len() {
        0 => None,
        1 => Some("Held: 1 change until a later day (shown as \"held until\" above).".to_owned()),
        n => Some(format!("Held: {n} changes until a later day (shown as \"held until\" above).")),
    }
}

/// `Seats: +2 added, 9 freed: −9,450 JPY/month; …`, or `None` when no
/// Application states a seat cost.
pub fn seats_line(plan: &Plan) -> Option<String> {
    let totals = plan.seat_totals();
    if totals.is_empty() {
        return None;
    }
    let parts: Vec<String> = totals
        .iter()
        .map(|t| format!("+{} added, {} freed: {} {}/month", t.added, t.freed, money(t.monthly_change), t.currency))
        .collect();
    Some(format!("Seats: {}.", parts.join("; ")))
}

/// `Separation of duties: 2 violations (1 rule checked).`, or `None` when
/// the policies declare no SeparationOfDuties.
pub fn duties_line(plan: &Plan) -> Option<String> {
    if plan.duty_rules == 0 {
        return None;
    }
    let rules = format!("{} rule{} checked", plan.duty_rules, if plan.duty_rules == 1 { "" } else { "s" });
    Some(match plan.violations.len() {
        0 => format!("Separation of duties: no violations ({rules})."),
        n => format!("Separation of duties: {n} violation{} ({rules}).", if n == 1 { "" } else { "s" }),
    })
}

/// How old an app's export is, for its summary:
/// `export of 2026-11-27 (from the file's modification time): 3 days old, within the limit of 30d`.
pub fn export_line(e: &ExportAge) -> String {
    let verdict = if e.is_stale() {
        format!("over the limit of {}: export again or raise maxAge", e.max_age)
    } else if e.is_future() {
        "check the clock or the exportedAt column".to_owned()
    } else {
        format!("within the limit of {}", e.max_age)
    };
    format!("export of {} ({}): {}, {verdict}", e.exported.date, e.exported.from, e.age())
}

/// Each duty of a violation with what gives it to the person, in words:
/// (`approve payments`, `held: … · granted by … · held back: …`).
pub fn duty_evidence(v: &Violation) -> Vec<(&str, String)> {
    v.duties
        .iter()
        .map(|d| {
            let mut parts = Vec::new();
            if !d.held.is_empty() {
                parts.push(format!("held: {}", d.held.join(", ")));
            }
            if !d.granted_by.is_empty() {
                parts.push(format!("granted by {}", d.granted_by.join(", ")));
            }
            if !d.held_back.is_empty() {
                parts.push(format!("held back: {}", d.held_back.join(", ")));
            }
            (d.duty.as_str(), parts.join(" · "))
        })
        .collect()
}

/// A signed amount with thousands separators; cents only when there are
/// some (`−9,450`, `+12.50`).
pub(crate) fn money(v: f64) -> String {
    let sign = if v < 0.0 {
        "−"
    } else if v > 0.0 {
        "+"
    } else {
        ""
    };
    let abs = v.abs();
    let cents = (abs * 100.0).round() as u64;
    let (whole, frac) = (cents / 100, cents % 100);
    let digits = whole.to_string();
    let mut grouped = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    if frac == 0 { format!("{sign}{grouped}") } else { format!("{sign}{grouped}.{frac:02}") }
}

/// `closes: sessions and OAuth tokens`, or `closes: everything the app can
/// revoke` for a revocation that names no kinds.
pub(crate) fn revoke_detail(r: crate::account::RevokeKinds) -> String {
    if r.is_empty() {
        "closes: every session, OAuth token, app password and backup code the app has".to_owned()
    } else {
        format!("closes: {}", r.describe())
    }
}

fn person_label(c: &Change) -> String {
    match &c.person {
        Some(p) => match &p.name {
            Some(n) => format!("{n} ({})", p.id),
            None => p.id.to_string(),
        },
        None => String::new(),
    }
}

fn details(c: &Change) -> Vec<String> {
    let mut out: Vec<String> = attribute_diffs(c).iter().map(ToString::to_string).collect();
    if let Some(t) = &c.transfer_to {
        out.push(format!("to {}", t.label()));
    }
    if let Some(r) = c.revoke {
        out.push(revoke_detail(r));
    }
    if let Some(p) = c.proposed {
        out.push(format!("proposed: {}", p.as_str()));
    }
    out
}

/// Renders the plan for a terminal, grouped per app. Every value from data
/// (names, accounts, reasons quoting them) has its control characters
/// escaped: a plan is read before it is approved, and an account named
/// with a cursor move could otherwise hide the line above it.
pub fn text(plan: &Plan, opts: TextOptions) -> String {
    let (bold, reset, dim) = if opts.color { ("\x1b[1m", "\x1b[0m", "\x1b[2m") } else { ("", "", "") };
    let mut s = String::new();
    let p = &plan.people;
    let _ = writeln!(s, "{bold}keyward plan for {}{reset}", plan.date);
    let _ = writeln!(
        s,
        "HR: {} people ({} employed, {} on leave, {} not started, {} left)",
        p.total, p.employed, p.on_leave, p.not_started, p.left
    );
    if let Some(line) = vanished::vanished_line(plan) {
        let _ = writeln!(s, "! {line}");
    }
    for app in &plan.apps {
        let _ = writeln!(s);
        let ro = if app.read_only { "; read-only: apply writes a checklist" } else { "" };
        let title = if app.display_name == app.name {
            app.name.clone()
        } else {
            format!("{} ({})", app.name, app.display_name)
        };
        let _ = writeln!(
            s,
            "{bold}{}{reset} {dim}[{}: {}{ro}]{reset}",
            printable(&title),
            printable(&app.connector),
            printable(&app.source)
        );
        let _ = writeln!(
            s,
            "  {} accounts: {} matched, {} unmatched, {} protected, {} bots",
            app.accounts, app.matched, app.orphans, app.protected, app.bots
        );
        if let Some(e) = &app.export {
            let mark = if e.is_stale() || e.is_future() { "! " } else { "" };
            let _ = writeln!(s, "  {mark}{}", printable(&export_line(e)));
        }
        let changes = plan.changes_for(&app.name);
        let width =
            changes.iter().map(|c| UnicodeWidthStr::width(printable(c.account.label()).as_ref())).max().unwrap_or(0);
        let any = !changes.is_empty();
        for c in changes {
            let (on, off) = if opts.color { (color(c.action), reset) } else { ("", "") };
            let label = printable(c.account.label());
            let pad = " ".repeat(width - UnicodeWidthStr::width(label.as_ref()));
            let line = format!(
                "  {on}{} {:<9}{off} {label}{pad}  {}",
                symbol(c.action),
                c.action.as_str(),
                printable(&person_label(c))
            );
            let _ = writeln!(s, "{}", line.trim_end());
            let details = details(c);
            if !details.is_empty() {
                let _ = writeln!(s, "              {}", printable(&details.join(" · ")));
            }
            let _ = writeln!(s, "              {dim}{}{reset}", printable(&c.reason));
        }
        let held: Vec<&Held> = plan.held.iter().filter(|h| h.change.app == app.name.as_str()).collect();
        if !any && held.is_empty() {
            let _ = writeln!(s, "  no changes");
        }
        for h in held {
            let c = &h.change;
            let line = format!("  = held      {}  {}", c.account.label(), person_label(c));
            let _ = writeln!(s, "{}", line.trim_end());
            let what = std::iter::once(format!("{} held until {}", c.action.as_str(), h.until)).chain(details(c));
            let _ = writeln!(s, "              {}", what.collect::<Vec<_>>().join(" · "));
            let _ = writeln!(s, "              {dim}{}{reset}", c.reason);
        }
    }
    s.push_str(&vanished::text_section(plan, bold, reset));
    if !plan.warnings.is_empty() {
        let _ = writeln!(s);
        let _ = writeln!(s, "{bold}Warnings{reset}");
        for w in &plan.warnings {
            let _ = writeln!(s, "  ! {}", printable(w));
        }
    }
    if let Some(line) = duties_line(plan) {
        let _ = writeln!(s);
        let _ = writeln!(s, "{bold}{line}{reset}");
        for v in &plan.violations {
            let who = match &v.person.name {
                Some(n) => format!("{n} ({})", v.person.id),
                None => v.person.id.to_string(),
            };
            let _ = writeln!(s, "  ✗ {}  {}: {}", printable(&v.rule), printable(&who), printable(&v.duty_names()));
            for (duty, what) in duty_evidence(v) {
                let _ = writeln!(s, "      {} — {}", printable(duty), printable(&what));
            }
        }
    }
    let _ = writeln!(s);
    let _ = writeln!(s, "{bold}{}{reset}", summary_line(&plan.summary));
    if let Some(held) = held_line(plan) {
        let _ = writeln!(s, "{held}");
    }
    if let Some(seats) = seats_line(plan) {
        let _ = writeln!(s, "{seats}");
    }
    s
}

/// The versioned JSON document (see DESIGN.md's contract).
pub fn json(plan: &Plan) -> String {
    let mut out = Vec::new();
    // Writing into a Vec cannot fail, and the plan serializes to JSON
    // without maps keyed by non-strings.
    let _ = json_to(plan, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// Writes the JSON document to `w`, without building it in memory first
/// (a plan over a large organisation is tens of megabytes).
pub fn json_to(plan: &Plan, mut w: impl std::io::Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut w, plan)?;
    w.write_all(b"\n")
}
