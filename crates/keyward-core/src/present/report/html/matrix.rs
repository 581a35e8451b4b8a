//! The access matrix: one row per person (and per unmatched handle), one
//! cell per app, with the filters' `data-*` attributes.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use super::parts::{action_word, lines, role_suffix, situation_word, status_word, who};
use crate::i18n::Lang;
use crate::present::escape::html_text as esc;
use crate::present::report::{Cell, CellState, MatrixRow, Problem, Report, RowKind};

/// A department path and the paths above it (`営業本部` and
/// `営業本部/第一営業部`), so a filter on a division finds its departments.
pub(super) fn with_parents(department: &str) -> impl Iterator<Item = &str> {
    department.match_indices('/').map(move |(i, _)| &department[..i]).chain(std::iter::once(department))
}

/// Every department path of the rows and above, numbered: rows carry the
/// numbers, so no department name has to survive being split in script.
pub(super) fn department_keys(rows: &[MatrixRow]) -> BTreeMap<&str, usize> {
    let all: BTreeSet<&str> = rows.iter().flat_map(|r| &r.departments).flat_map(|d| with_parents(d)).collect();
    all.into_iter().enumerate().map(|(i, d)| (d, i)).collect()
}

pub(super) fn situation_class(row: &MatrixRow) -> &'static str {
    if row.kind == RowKind::Unmatched {
        "sit-nobody"
    } else if row.leaver {
        "sit-left"
    } else if row.situation.starts_with("joins") {
        "sit-joins"
    } else if row.situation == "on leave" {
        "sit-leave"
    } else {
        "sit-employed"
    }
}

/// A flag's word, and its meaning for the tooltip.
pub(super) fn problem_label(p: Problem, lang: Lang) -> (String, String) {
    match p {
        Problem::Leaver => (t!(lang, "report-flag-leaver"), t!(lang, "report-flag-leaver-meaning")),
        Problem::Orphan => (t!(lang, "report-flag-orphan"), t!(lang, "report-flag-orphan-meaning")),
        Problem::Mismatch => (t!(lang, "report-flag-mismatch"), t!(lang, "report-flag-mismatch-meaning")),
    }
}

pub(super) fn matrix(s: &mut String, r: &Report, lang: Lang) {
    let depts = department_keys(&r.matrix);
    let types: BTreeSet<&str> = r.matrix.iter().map(|m| m.employment_type.as_str()).filter(|t| !t.is_empty()).collect();
    let _ = writeln!(
        s,
        "<section id=\"matrix\"><h2>{}</h2><p class=\"lead\">{}</p>",
        t!(lang, "report-nav-matrix"),
        t!(
            lang,
            "report-matrix-lead",
            missing = format!("<span class=\"badge st-missing\">{}</span>", t!(lang, "report-missing"))
        )
    );
    let _ = write!(
        s,
        "<form id=\"filters\" class=\"filters\" autocomplete=\"off\"><label>{}<input type=\"search\" name=\"q\" placeholder=\"{}\"></label>",
        t!(lang, "report-filter-search"),
        t!(lang, "report-filter-search-placeholder")
    );
    let _ = write!(
        s,
        "<label>{}<select name=\"dept\"><option value=\"\">{}</option>",
        t!(lang, "report-filter-department"),
        t!(lang, "report-filter-all-departments")
    );
    for (d, i) in &depts {
        let depth = d.matches('/').count();
        let indent = "\u{a0}\u{a0}\u{a0}".repeat(depth);
        let _ = write!(
            s,
            "<option value=\"{}\" data-key=\"{i}\">{indent}{}</option>",
            esc(d),
            esc(d.rsplit('/').next().unwrap_or(d))
        );
    }
    let _ = write!(
        s,
        "</select></label><label>{}<select name=\"type\"><option value=\"\">{}</option><option value=\"*external\">{}</option>",
        t!(lang, "report-filter-type"),
        t!(lang, "report-filter-all-types"),
        t!(lang, "report-filter-external")
    );
    for t in &types {
        let _ = write!(s, "<option value=\"{0}\">{0}</option>", esc(t));
    }
    let _ = write!(
        s,
        "</select></label><label>{}<select name=\"app\"><option value=\"\">{}</option>",
        t!(lang, "report-filter-app"),
        t!(lang, "report-filter-all-apps")
    );
    for a in &r.apps {
        let _ = write!(s, "<option value=\"{}\">{}</option>", esc(&a.name), esc(&a.display_name));
    }
    let _ = write!(
        s,
        "</select></label><label>{}<select name=\"problem\"><option value=\"\">{}</option><option value=\"any\">{}</option><option value=\"leaver\">{}</option><option value=\"orphan\">{}</option><option value=\"mismatch\">{}</option></select></label><button type=\"reset\">{}</button>",
        t!(lang, "report-filter-problems"),
        t!(lang, "report-filter-all-rows"),
        t!(lang, "report-filter-any-problem"),
        t!(lang, "report-filter-leaver"),
        t!(lang, "report-filter-orphan"),
        t!(lang, "report-filter-mismatch"),
        t!(lang, "report-filter-clear")
    );
    // The script rewrites only the numbers inside the two <b>s.
    let n = r.matrix.len();
    let _ = writeln!(
        s,
        "<div class=\"shown\">{}</div></form>",
        t!(
            lang,
            "report-matrix-shown",
            shown = format!("<b id=\"matrix-shown\" data-count=\"{n}\">{n}</b>"),
            total = format!("<b id=\"matrix-total\" data-count=\"{n}\">{n}</b>")
        )
    );
    let _ = write!(
        s,
        "<div class=\"scroll matrix-scroll\"><table id=\"matrix-table\"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th>",
        t!(lang, "report-col-person-or-account"),
        t!(lang, "report-col-department"),
        t!(lang, "report-col-type"),
        t!(lang, "report-col-situation")
    );
    for a in &r.apps {
        let _ = write!(s, "<th class=\"app\" data-col=\"{}\">{}</th>", esc(&a.name), esc(&a.display_name));
    }
    let _ = writeln!(s, "<th>{}</th></tr></thead><tbody>", t!(lang, "report-col-flags"));
    for row in &r.matrix {
        matrix_row(s, r, row, &depts, lang);
    }
    let _ = writeln!(
        s,
        "</tbody></table><div id=\"matrix-empty\" class=\"empty\" hidden>{}</div></div>",
        t!(lang, "report-matrix-empty")
    );
    let role = t!(lang, "report-legend-role");
    let _ = writeln!(
        s,
        "<div class=\"legend\"><span class=\"badge st-active\">{role}</span> {} <span class=\"badge st-invited\">{role}</span> {} <span class=\"badge st-suspended\">{role}</span> {} <span class=\"badge st-missing\">{}</span> {} <span class=\"badge st-none\">·</span> {} <span class=\"act\" style=\"color:#5b3a9b\">→ {}</span> {}</div>\n</section>",
        t!(lang, "account-status-active"),
        t!(lang, "account-status-invited"),
        t!(lang, "account-status-suspended"),
        t!(lang, "report-missing"),
        t!(lang, "report-legend-missing"),
        t!(lang, "report-legend-none"),
        t!(lang, "report-legend-action"),
        t!(lang, "report-legend-action-meaning"),
    );
}

pub(super) fn matrix_row(s: &mut String, r: &Report, row: &MatrixRow, depts: &BTreeMap<&str, usize>, lang: Lang) {
    let keys: BTreeSet<usize> =
        row.departments.iter().flat_map(|d| with_parents(d)).filter_map(|d| depts.get(d).copied()).collect();
    let keys: String = keys.iter().map(|k| format!(" {k}")).collect();
    let apps: String = r
        .apps
        .iter()
        .zip(&row.cells)
        .filter(|(_, c)| c.state != CellState::None)
        .map(|(a, _)| format!(" {}", a.name))
        .collect();
    let problems: String = row.problems.iter().map(|p| format!(" {}", p.as_str())).collect();
    let mut q = vec![row.name.clone(), row.email.clone(), row.id.clone(), row.employment_type.clone()];
    q.extend(row.departments.iter().cloned());
    q.extend(row.cells.iter().flat_map(|c| c.accounts.iter().map(|a| a.account.clone())));
    let q = q.join(" ").to_lowercase();
    let external = !row.employment_type.is_empty() && row.employment_type != "full-time";
    let class = match (row.kind, row.leaver) {
        (RowKind::Unmatched, _) => " class=\"r-unmatched\"",
        (_, true) => " class=\"r-leaver\"",
        _ => "",
    };
    let kind = match row.kind {
        RowKind::Person => "person",
        RowKind::Unmatched => "unmatched",
    };
    let _ = write!(
        s,
        "<tr{class} data-kind=\"{kind}\" data-id=\"{}\" data-type=\"{}\" data-external=\"{}\" data-depts=\"{keys} \" data-apps=\"{apps} \" data-problems=\"{problems} \" data-q=\"{}\">",
        esc(&row.id),
        esc(&row.employment_type),
        u8::from(external),
        esc(&q)
    );
    match row.kind {
        RowKind::Person => {
            let _ = write!(s, "<td>{}</td>", who(&row.name, &row.id, &row.email));
        }
        RowKind::Unmatched => {
            let _ = write!(
                s,
                "<td><span class=\"name\">{}</span><div class=\"sub\">{}</div></td>",
                esc(&row.name),
                t!(lang, "report-flag-orphan")
            );
        }
    }
    let _ = write!(
        s,
        "<td>{}</td><td class=\"nowrap\">{}</td><td><span class=\"badge {}\">{}</span></td>",
        lines(&row.departments),
        esc(&row.employment_type),
        situation_class(row),
        esc(&situation_word(&row.situation, lang))
    );
    for (a, c) in r.apps.iter().zip(&row.cells) {
        matrix_cell(s, &a.name, c, lang);
    }
    let flags: Vec<String> = row
        .problems
        .iter()
        .map(|p| {
            let (word, meaning) = problem_label(*p, lang);
            format!("<span class=\"badge p-{}\" title=\"{meaning}\">{word}</span>", p.as_str())
        })
        .collect();
    let _ = writeln!(s, "<td>{}</td></tr>", flags.join(" "));
}

pub(super) fn matrix_cell(s: &mut String, app: &str, c: &Cell, lang: Lang) {
    let state = c.state.as_str();
    let leaver = if c.problem == Some(Problem::Leaver) { " leaver" } else { "" };
    let mut title: Vec<String> =
        c.accounts.iter().map(|a| format!("{} ({})", a.account, role_suffix(a, lang))).collect();
    if let Some(g) = &c.granted {
        title.push(match &g.role {
            Some(role) => t!(lang, "report-cell-granted-role", role = role, by = &g.by),
            None => t!(lang, "report-cell-granted", by = &g.by),
        });
    }
    let _ = write!(
        s,
        "<td class=\"c{leaver}\" data-col=\"{}\" data-state=\"{state}\" title=\"{}\">",
        esc(app),
        esc(&title.join("; "))
    );
    let text = match c.state {
        CellState::None => "·".to_owned(),
        CellState::Missing => t!(lang, "report-missing"),
        _ => {
            let main = c.accounts.iter().find(|a| a.status != "suspended").or(c.accounts.first());
            main.map(|a| if a.role.is_empty() { status_word(&a.status, lang) } else { a.role.clone() })
                .unwrap_or_default()
        }
    };
    let more = if c.accounts.len() > 1 { format!(" +{}", c.accounts.len() - 1) } else { String::new() };
    let _ = write!(s, "<span class=\"badge st-{state}\">{}{more}</span>", esc(&text));
    if !c.actions.is_empty() {
        let acts: Vec<&str> = c.actions.iter().map(|a| a.as_str()).collect();
        let words: Vec<String> = c.actions.iter().map(|a| action_word(*a, lang)).collect();
        let _ = write!(s, "<span class=\"act\" data-actions=\"{}\">→ {}</span>", acts.join(" "), words.join(" "));
    }
    s.push_str("</td>");
}
