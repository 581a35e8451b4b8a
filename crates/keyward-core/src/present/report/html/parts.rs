//! Fragments several sections share: a person, a status badge, planned
//! changes, an app's heading, an amount.

use std::fmt::Write as _;

use crate::present::escape::html_text as esc;
use crate::present::render::money;
use crate::present::report::{AccountCell, AppAccounts, Planned, Report};

/// An amount without a sign (`1,450`, `12.50`).
pub(super) fn plain_money(v: f64) -> String {
    money(v.abs()).trim_start_matches('+').to_owned()
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

pub(super) fn role_suffix(a: &AccountCell) -> String {
    if a.role.is_empty() { String::new() } else { format!(", {}", a.role) }
}

pub(super) fn status_badge(status: &str) -> String {
    format!("<span class=\"badge st-{0}\">{0}</span>", esc(status))
}

pub(super) fn planned(p: &[Planned]) -> String {
    if p.is_empty() {
        return "<span class=\"sub\">nothing</span>".to_owned();
    }
    p.iter()
        .map(|c| {
            let proposed = c.proposed.map(|a| format!(" ({}?)", a.as_str())).unwrap_or_default();
            format!("<b>{}</b>{proposed}<div class=\"reason\">{}</div>", c.action.as_str(), esc(&c.reason))
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

pub(super) fn group_heading<T>(s: &mut String, r: &Report, g: &AppAccounts<T>, what: &str) {
    let n = g.accounts.len();
    let _ = write!(
        s,
        "<h3>{} <span class=\"count\"><span data-count=\"{n}\">{n}</span> {what}{}</span></h3>",
        esc(app_display(r, &g.app)),
        if n == 1 { "" } else { "s" }
    );
}
