//! Fragments several sections share: a person, a status badge, planned
//! changes, an app's heading, an amount, and the words for actions,
//! account states and situations.

pub(super) use crate::account::status_in as status_word;
use std::fmt::Write as _;

use crate::action::Action;
use crate::i18n::Lang;
use crate::present::escape::html_text as esc;
use crate::present::render::money;
use crate::present::report::{AccountCell, AppAccounts, Planned, Report};

/// An amount without a sign (`1,450`, `12.50`).
pub(super) fn plain_money(v: f64) -> String {
    money(v.abs()).trim_start_matches('+').to_owned()
}

/// A plan action in words (`suspend`, `停止`); attributes keep
/// [`Action::as_str`].
pub(super) fn action_word(a: Action, lang: Lang) -> String {
    match a {
        Action::Create => t!(lang, "report-action-create"),
        Action::Restore => t!(lang, "report-action-restore"),
        Action::Update => t!(lang, "report-action-update"),
        Action::Suspend => t!(lang, "report-action-suspend"),
        Action::Transfer => t!(lang, "report-action-transfer"),
        Action::Revoke => t!(lang, "report-action-revoke"),
        Action::Delete => t!(lang, "report-action-delete"),
        Action::Review => t!(lang, "report-action-review"),
    }
}

/// A person's situation as the inventory words it (`left 2026-11-13`,
/// `employed`…, see `inventory::phase_word`), in `lang`.
pub(super) fn situation_word(situation: &str, lang: Lang) -> String {
    crate::present::inventory::situation_in(situation, lang)
}

/// A person's name (their employee number when HR has none) over a detail
/// line (`E0031 · tsubasa.aoki@example.com`).
pub(super) fn who(name: &str, id: &str, detail: &str) -> String {
    let shown = if name.is_empty() { id } else { name };
    format!("<span class=\"name\">{}</span><div class=\"sub\">{} · {}</div>", esc(shown), esc(id), esc(detail))
}

/// Departments, one a line.
pub(super) fn lines(departments: &[String]) -> String {
    departments.iter().map(|d| esc(d)).collect::<Vec<_>>().join("<br>")
}

pub(super) fn role_suffix(a: &AccountCell, lang: Lang) -> String {
    let status = status_word(&a.status, lang);
    let sep = match lang {
        Lang::En => ", ",
        Lang::Ja => "、",
    };
    if a.role.is_empty() { status } else { format!("{status}{sep}{}", a.role) }
}

pub(super) fn status_badge(status: &str, lang: Lang) -> String {
    format!("<span class=\"badge st-{}\">{}</span>", esc(status), esc(&status_word(status, lang)))
}

/// "nothing", in a cell where the plan does nothing.
pub(super) fn nothing(lang: Lang) -> String {
    format!("<span class=\"sub\">{}</span>", t!(lang, "report-nothing"))
}

pub(super) fn planned(p: &[Planned], lang: Lang) -> String {
    if p.is_empty() {
        return nothing(lang);
    }
    p.iter()
        .map(|c| {
            let proposed = c.proposed.map(|a| format!(" ({}?)", action_word(a, lang))).unwrap_or_default();
            format!("<b>{}</b>{proposed}<div class=\"reason\">{}</div>", action_word(c.action, lang), esc(&c.reason))
        })
        .collect::<Vec<_>>()
        .join("")
}

pub(super) fn plan_actions(p: &[Planned]) -> String {
    p.iter().map(|c| c.action.as_str()).collect::<Vec<_>>().join(" ")
}

pub(super) fn app_display<'r>(r: &'r Report, app: &'r str) -> &'r str {
    r.apps.iter().find(|a| a.name == app).map_or(app, |a| a.display_name.as_str())
}

pub(super) fn group_heading<T>(s: &mut String, r: &Report, g: &AppAccounts<T>, lang: Lang) {
    let n = g.accounts.len();
    let _ = write!(
        s,
        "<h3>{} <span class=\"count\">{}</span></h3>",
        esc(app_display(r, &g.app)),
        t!(lang, "report-group-accounts", count = n, n = format!("<span data-count=\"{n}\">{n}</span>"))
    );
}
