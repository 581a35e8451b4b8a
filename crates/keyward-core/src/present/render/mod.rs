//! The plan's renderings: text for terminals, JSON for tools, Markdown for
//! pull-request comments (`markdown`), and the attribute diffs both show
//! ([`diff`]). Pure functions of the plan, so snapshots are stable.

use std::fmt::Write as _;

use unicode_width::UnicodeWidthStr;

use crate::action::Action;
use crate::i18n::{Lang, Msg};
use crate::plan::Violation;
use crate::plan::{Change, Counts, ExportAge, Held, Plan};
use crate::printable::escape as printable;

pub mod diff;
pub mod done;
mod markdown;
pub mod vanished;
mod words;

pub use diff::{AttrDiff, attribute_diffs};
pub use markdown::{DEFAULT_MAX_BYTES, markdown, markdown_in, markdown_within, markdown_within_in};
pub use words::{action_name, revoke_kinds};
use words::{count, pad};

/// Options for the text rendering.
#[derive(Debug, Clone, Copy, Default)]
pub struct TextOptions {
    /// Use ANSI colours (on a terminal).
    pub color: bool,
    /// The language of the words (English by default); data stays as it is.
    pub lang: Lang,
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
    summary_line_in(c, Lang::En)
}

/// [`summary_line`] in `lang`.
pub fn summary_line_in(c: &Counts, lang: Lang) -> String {
    t!(
        lang,
        "plan-summary",
        create = crate::i18n::Arg::digits(c.create),
        restore = crate::i18n::Arg::digits(c.restore),
        update = crate::i18n::Arg::digits(c.update),
        revoke = crate::i18n::Arg::digits(c.revoke),
        suspend = crate::i18n::Arg::digits(c.suspend),
        transfer = crate::i18n::Arg::digits(c.transfer),
        delete = crate::i18n::Arg::digits(c.delete),
        review = crate::i18n::Arg::digits(c.review),
    )
}

/// `Held: 2 changes until a later day (moverGrace, hand-over exceptions).`,
/// or `None` when nothing is held.
pub fn held_line(plan: &Plan, lang: Lang) -> Option<String> {
    match plan.held.len() {
        0 => None,
        n => Some(t!(lang, "plan-held-line", count = count(n), n = crate::i18n::Arg::digits(n))),
    }
}

/// `Seats: +2 added, 9 freed: −9,450 JPY/month; …`, or `None` when no
/// Application states a seat cost.
pub fn seats_line(plan: &Plan) -> Option<String> {
    seats_line_in(plan, Lang::En)
}

/// [`seats_line`] in `lang`.
pub fn seats_line_in(plan: &Plan, lang: Lang) -> Option<String> {
    let totals = plan.seat_totals();
    if totals.is_empty() {
        return None;
    }
    let parts: Vec<String> = totals
        .iter()
        .map(|s| {
            t!(
                lang,
                "plan-seats-part",
                added = crate::i18n::Arg::digits(s.added),
                freed = crate::i18n::Arg::digits(s.freed),
                money = money(s.monthly_change),
                currency = s.currency.as_str(),
            )
        })
        .collect();
    Some(t!(lang, "plan-seats-line", parts = parts.join(&t!(lang, "plan-seats-separator"))))
}

/// `Separation of duties: 2 violations (1 rule checked).`, or `None` when
/// the policies declare no SeparationOfDuties.
pub fn duties_line(plan: &Plan, lang: Lang) -> Option<String> {
    if plan.duty_rules == 0 {
        return None;
    }
    let (rules, n) = (plan.duty_rules, plan.violations.len());
    Some(t!(lang, "plan-duties-line", rules = count(rules), violations = count(n)))
}

/// How old an app's export is, for its summary:
/// `export of 2026-11-27 (from the file's modification time): 3 days old, within the limit of 30d`.
pub fn export_line(e: &ExportAge, lang: Lang) -> String {
    let limit = e.max_age.to_string();
    let verdict = if e.is_stale() {
        t!(lang, "plan-export-over", limit = limit)
    } else if e.is_future() {
        t!(lang, "plan-export-future")
    } else {
        t!(lang, "plan-export-within", limit = limit)
    };
    t!(
        lang,
        "plan-export-line",
        date = e.exported.date,
        from = export_from(&e.exported.from, lang),
        age = export_age(e, lang),
        verdict = verdict,
    )
}

/// `from the column `出力日時`` / `from the file's modification time`.
pub(crate) fn export_from(from: &crate::account::ExportDateFrom, lang: Lang) -> String {
    match from {
        crate::account::ExportDateFrom::Column { column } => t!(lang, "export-from-column", column = column),
        crate::account::ExportDateFrom::FileModified => t!(lang, "export-from-file"),
    }
}

/// `3 days old` (see [`ExportAge::age`]).
pub(crate) fn export_age(e: &ExportAge, lang: Lang) -> String {
    if lang == Lang::En {
        return e.age();
    }
    match e.age_days {
        n if n < 0 && !e.is_future() => t!(lang, "export-age-modified-after"),
        n if n < 0 => t!(lang, "export-age-future", days = n.unsigned_abs().to_string()),
        n => t!(lang, "export-age-days", days = n.to_string()),
    }
}

/// Each duty of a violation with what gives it to the person, in words:
/// (`approve payments`, `held: … · granted by … · held back: …`).
pub fn duty_evidence(v: &Violation) -> Vec<(&str, String)> {
    duty_evidence_in(v, Lang::En)
}

/// [`duty_evidence`] in `lang`.
pub fn duty_evidence_in(v: &Violation, lang: Lang) -> Vec<(&str, String)> {
    v.duties
        .iter()
        .map(|d| {
            let mut parts = Vec::new();
            if !d.held.is_empty() {
                parts.push(t!(lang, "duty-held", what = d.held.join(", ")));
            }
            if !d.granted_by.is_empty() {
                parts.push(t!(lang, "duty-granted-by", what = d.granted_by.join(", ")));
            }
            if !d.held_back.is_empty() {
                parts.push(t!(lang, "duty-held-back", what = d.held_back.join(", ")));
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
pub(crate) fn revoke_detail(r: crate::account::RevokeKinds, lang: Lang) -> String {
    if r.is_empty() {
        t!(lang, "plan-revoke-closes-all")
    } else {
        t!(lang, "plan-revoke-closes", kinds = revoke_kinds(r, lang))
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

fn details(c: &Change, lang: Lang) -> Vec<String> {
    let mut out: Vec<String> = attribute_diffs(c).iter().map(|d| attr_diff(d, lang, &|s: &str| s.to_owned())).collect();
    if let Some(to) = &c.transfer_to {
        out.push(t!(lang, "plan-transfer-to", to = to.label()));
    }
    if let Some(r) = c.revoke {
        out.push(revoke_detail(r, lang));
    }
    if let Some(p) = c.proposed {
        out.push(t!(lang, "plan-proposed", action = action_name(p, lang)));
    }
    if let Some(m) = &c.marked_done {
        out.push(done::still_shown(m, lang));
    }
    out
}

/// `role: member → admin` with the attribute's name in `lang`, each data
/// value passed through `value`.
pub(crate) fn attr_diff(d: &AttrDiff, lang: Lang, value: &dyn Fn(&str) -> String) -> String {
    let name = match d {
        AttrDiff::RoleSet { .. } | AttrDiff::Role { .. } => t!(lang, "plan-attr-role"),
        AttrDiff::Groups { .. } => t!(lang, "plan-attr-groups"),
    };
    let none = t!(lang, "plan-no-role");
    format!("{name}: {}", d.value_in(value, &none))
}

/// Renders the plan for a terminal, grouped per app. Every value from data
/// (names, accounts, reasons quoting them) has its control characters
/// escaped: a plan is read before it is approved, and an account named
/// with a cursor move could otherwise hide the line above it.
pub fn text(plan: &Plan, opts: TextOptions) -> String {
    let lang = opts.lang;
    let (bold, reset, dim) = if opts.color { ("\x1b[1m", "\x1b[0m", "\x1b[2m") } else { ("", "", "") };
    let mut s = String::new();
    let p = &plan.people;
    let _ = writeln!(s, "{bold}{}{reset}", t!(lang, "plan-title", date = plan.date));
    let _ = writeln!(s, "{}", hr_line(p, Msg::new("plan-hr-line"), lang));
    if let Some(line) = vanished::vanished_line(plan, lang) {
        let _ = writeln!(s, "! {line}");
    }
    for app in &plan.apps {
        let _ = writeln!(s);
        let ro = if app.read_only { t!(lang, "plan-read-only-checklist") } else { String::new() };
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
            "  {}",
            t!(
                lang,
                "plan-app-accounts",
                accounts = crate::i18n::Arg::digits(app.accounts),
                matched = crate::i18n::Arg::digits(app.matched),
                orphans = crate::i18n::Arg::digits(app.orphans),
                protected = crate::i18n::Arg::digits(app.protected),
                bots = crate::i18n::Arg::digits(app.bots),
            )
        );
        if let Some(e) = &app.export {
            let mark = if e.is_stale() || e.is_future() { "! " } else { "" };
            let _ = writeln!(s, "  {mark}{}", printable(&export_line(e, lang)));
        }
        let changes = plan.changes_for(&app.name);
        let width =
            changes.iter().map(|c| UnicodeWidthStr::width(printable(c.account.label()).as_ref())).max().unwrap_or(0);
        let any = !changes.is_empty();
        for c in changes {
            let (on, off) = if opts.color { (color(c.action), reset) } else { ("", "") };
            let label = printable(c.account.label());
            let pad_label = " ".repeat(width - UnicodeWidthStr::width(label.as_ref()));
            let line = format!(
                "  {on}{} {}{off} {label}{pad_label}  {}",
                symbol(c.action),
                pad(&action_name(c.action, lang), 9),
                printable(&person_label(c))
            );
            let _ = writeln!(s, "{}", line.trim_end());
            let details = details(c, lang);
            if !details.is_empty() {
                let _ = writeln!(s, "              {}", printable(&details.join(" · ")));
            }
            let _ = writeln!(s, "              {dim}{}{reset}", printable(&c.reason_in(lang)));
        }
        let held: Vec<&Held> = plan.held.iter().filter(|h| h.change.app == app.name.as_str()).collect();
        if !any && held.is_empty() {
            let _ = writeln!(s, "  {}", t!(lang, "plan-no-changes"));
        }
        for h in held {
            let c = &h.change;
            let line = format!("  = {} {}  {}", pad(&t!(lang, "plan-held"), 9), c.account.label(), person_label(c));
            let _ = writeln!(s, "{}", line.trim_end());
            let until = t!(lang, "plan-held-until", action = action_name(c.action, lang), until = h.until);
            let what = std::iter::once(until).chain(details(c, lang));
            let _ = writeln!(s, "              {}", what.collect::<Vec<_>>().join(" · "));
            let _ = writeln!(s, "              {dim}{}{reset}", c.reason_in(lang));
        }
    }
    s.push_str(&done::text_section(plan, bold, reset, lang));
    s.push_str(&vanished::text_section(plan, bold, reset, lang));
    if !plan.warnings.is_empty() {
        let _ = writeln!(s);
        let _ = writeln!(s, "{bold}{}{reset}", t!(lang, "plan-warnings"));
        for w in plan.warnings_in(lang) {
            let _ = writeln!(s, "  ! {}", printable(&w));
        }
    }
    if let Some(line) = duties_line(plan, lang) {
        let _ = writeln!(s);
        let _ = writeln!(s, "{bold}{line}{reset}");
        for v in &plan.violations {
            let who = match &v.person.name {
                Some(n) => format!("{n} ({})", v.person.id),
                None => v.person.id.to_string(),
            };
            let _ = writeln!(s, "  ✗ {}  {}: {}", printable(&v.rule), printable(&who), printable(&v.duty_names()));
            for (duty, what) in duty_evidence_in(v, lang) {
                let _ = writeln!(s, "      {} — {}", printable(duty), printable(&what));
            }
        }
    }
    let _ = writeln!(s);
    let _ = writeln!(s, "{bold}{}{reset}", summary_line_in(&plan.summary, lang));
    if let Some(held) = held_line(plan, lang) {
        let _ = writeln!(s, "{held}");
    }
    if let Some(seats) = seats_line_in(plan, lang) {
        let _ = writeln!(s, "{seats}");
    }
    s
}

/// The HR head counts, in the text's or the Markdown's wording (`message`).
pub(crate) fn hr_line(p: &crate::plan::PeopleSummary, message: Msg, lang: Lang) -> String {
    message
        .arg("total", crate::i18n::Arg::digits(p.total))
        .arg("employed", crate::i18n::Arg::digits(p.employed))
        .arg("on_leave", crate::i18n::Arg::digits(p.on_leave))
        .arg("not_started", crate::i18n::Arg::digits(p.not_started))
        .arg("left", crate::i18n::Arg::digits(p.left))
        .render(lang)
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
