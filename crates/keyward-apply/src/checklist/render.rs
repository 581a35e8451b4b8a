//! The Markdown of a checklist, in the language of the person who will
//! tick it off: the marker naming the app, one line per item with its id,
//! ticked where the human had ticked it before.

use std::fmt::Write as _;

use jiff::civil::Date;
use keyward_core::action::Action;
use keyward_core::i18n::{Arg, Lang};
use keyward_core::plan::{AccountRef, AppSummary, Change};
use keyward_core::present::render;
use keyward_core::t;

use super::ticks::{MARKER_END, MARKER_START, Ticks};

/// The checklist for one app's changes in `lang`, in the order a human
/// should make them (the apply phase order: a hand-over before the deletion).
/// Items ticked in `ticks` (the file as the human left it) stay ticked.
pub(crate) fn render(
    app: &AppSummary,
    (date, run): (Date, &str),
    changes: &[&Change],
    ticks: &Ticks,
    lang: Lang,
) -> String {
    let mut sorted: Vec<&Change> = changes.to_vec();
    sorted.sort_by_key(|c| c.action);
    let mut out = String::new();
    let _ = writeln!(out, "{MARKER_START}{}{MARKER_END}", marker_name(&app.name));
    let _ = writeln!(out, "# {}", t!(lang, "checklist-title", app = app.display_name.as_str()));
    let _ = writeln!(out);
    let intro = t!(
        lang,
        "checklist-intro",
        date = date,
        run = run,
        app = app.display_name.as_str(),
        connector = app.connector.as_str(),
        count = Arg::Text(sorted.len().to_string()),
    );
    let _ = writeln!(out, "{intro}");
    let _ = writeln!(out);
    for c in sorted {
        let id = c.item_id();
        let tick = if ticks.is_ticked(&id) { 'x' } else { ' ' };
        let _ = writeln!(out, "- [{tick}] {id} {}", line(c, lang));
    }
    out
}

/// The app's name for the marker line: resource names have no spaces or
/// `-->`, and anything else is replaced so the marker stays one comment.
fn marker_name(app: &str) -> String {
    app.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') { c } else { '_' }).collect()
}

/// The account as the checklist names it.
pub(crate) fn shown_as(a: &AccountRef) -> &str {
    a.label()
}

fn account(a: &AccountRef, lang: Lang) -> String {
    let label = shown_as(a);
    match a.id.as_deref() {
        Some(id) if id != label => t!(lang, "checklist-account-with-id", label = label, id = id),
        _ => format!("`{label}`"),
    }
}

fn line(c: &Change, lang: Lang) -> String {
    let mut s = format!("**{}** {}", render::action_name(c.action, lang), account(&c.account, lang));
    if let Some(p) = &c.person {
        let part = match p.name.as_deref() {
            Some(name) => t!(lang, "checklist-person-named", id = p.id.as_str(), name = name),
            None => t!(lang, "checklist-person", id = p.id.as_str()),
        };
        let _ = write!(s, " — {part}");
    }
    if let Some(r) = &c.role {
        let part = match &r.from {
            Some(from) => t!(lang, "checklist-role-change", from = from.as_str(), to = r.to.as_str()),
            None => t!(lang, "checklist-role", to = r.to.as_str()),
        };
        let _ = write!(s, " — {part}");
    }
    if let Some(g) = &c.groups {
        let mut parts: Vec<String> = g.add.iter().map(|x| format!("+{x}")).collect();
        parts.extend(g.remove.iter().map(|x| format!("−{x}")));
        if !parts.is_empty() {
            let _ = write!(s, " — {}", t!(lang, "checklist-groups", groups = parts.join(" ")));
        }
    }
    if c.action == Action::Transfer
        && let Some(to) = &c.transfer_to
    {
        let _ = write!(s, " — {}", t!(lang, "checklist-hand-over", to = account(to, lang)));
    }
    if c.action == Action::Revoke {
        // A read-only app cannot say what it can revoke: name everything a
        // human should look for in its admin console.
        let part = match c.revoke.filter(|r| !r.is_empty()) {
            Some(r) => t!(lang, "checklist-revoke", what = render::revoke_kinds(r, lang)),
            None => t!(lang, "checklist-revoke-all"),
        };
        let _ = write!(s, " — {part}");
    }
    // One item per line: a line break in a reason would split the item.
    let reason = c.reason_in(lang).replace(['\n', '\r'], " ");
    let _ = write!(s, " — {reason}");
    s
}
