//! The plan's words about checklist items a human recorded as done: a
//! section listing them ("done by X on DATE"), and the note on a change a
//! human marked done that the app, read since, still shows.

use std::fmt::Write as _;

use crate::i18n::Lang;
use crate::plan::{MarkedDone, Plan};
use crate::present::escape::md_text;
use crate::printable::escape as printable;

/// `done by Ann on 2026-12-02` (`done on 2026-12-02` when nobody is named).
pub fn done_by(m: &MarkedDone, lang: Lang) -> String {
    match &m.by {
        Some(by) => t!(lang, "plan-done-by", by = by.as_str(), date = m.on),
        None => t!(lang, "plan-done-on", date = m.on),
    }
}

/// The note on a change still shown after it was marked done.
pub fn still_shown(m: &MarkedDone, lang: Lang) -> String {
    t!(lang, "plan-marked-done-still-shown", done = done_by(m, lang))
}

fn line(d: &crate::plan::DoneChange, lang: Lang) -> String {
    let c = &d.change;
    format!(
        "{} {} {} — {}",
        c.app.as_str(),
        super::action_name(c.action, lang),
        c.account.label(),
        done_by(&d.done, lang)
    )
}

/// The text plan's section; empty when nothing was recorded done.
pub fn text_section(plan: &Plan, bold: &str, reset: &str, lang: Lang) -> String {
    let mut s = String::new();
    if plan.done.is_empty() {
        return s;
    }
    let _ = writeln!(s);
    let _ = writeln!(s, "{bold}{}{reset}", t!(lang, "plan-done-heading"));
    for d in &plan.done {
        let _ = writeln!(s, "  ✓ {}", printable(&line(d, lang)));
    }
    s
}

/// The Markdown plan's section; empty when nothing was recorded done.
pub fn markdown_section(plan: &Plan, lang: Lang) -> String {
    let mut s = String::new();
    if plan.done.is_empty() {
        return s;
    }
    let _ = writeln!(s);
    let _ = writeln!(s, "**{}**", t!(lang, "plan-done-heading"));
    let _ = writeln!(s);
    for d in &plan.done {
        let _ = writeln!(s, "- {}", md_text(&line(d, lang)));
    }
    s
}
