//! The access matrix: one row per person (and per unmatched handle), one
//! cell per app, with the filters' `data-*` attributes.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use super::parts::{lines, role_suffix, who};
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
pub(super) fn problem_label(p: Problem) -> (&'static str, &'static str) {
    match p {
        Problem::Leaver => ("leaver", "a leaver's account can still sign in"),
        Problem::Orphan => ("no person", "matches nobody in the HR master"),
        Problem::Mismatch => ("differs", "differs from what the policies grant: the plan changes it"),
    }
}

pub(super) fn matrix(s: &mut String, r: &Report) {
    let depts = department_keys(&r.matrix);
    let types: BTreeSet<&str> = r.matrix.iter().map(|m| m.employment_type.as_str()).filter(|t| !t.is_empty()).collect();
    s.push_str("<section id=\"matrix\"><h2>Access matrix</h2><p class=\"lead\">Every person in the HR master and every account matching nobody, against every app: the account's role and status, or <span class=\"badge st-missing\">missing</span> where a policy grants the app and no account exists. Filter here, or link to a filtered view with the URL fragment, e.g. <code>report.html#q=営業&amp;type=contractor</code> (keys <code>q</code>, <code>dept</code>, <code>type</code>, <code>app</code>, <code>problem</code>).</p>\n");
    s.push_str("<form id=\"filters\" class=\"filters\" autocomplete=\"off\"><label>Search<input type=\"search\" name=\"q\" placeholder=\"name, e-mail, employee number, department\"></label>");
    s.push_str("<label>Department<select name=\"dept\"><option value=\"\">all departments</option>");
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
    s.push_str("</select></label><label>Employment type<select name=\"type\"><option value=\"\">all types</option><option value=\"*external\">all but full-time</option>");
    for t in &types {
        let _ = write!(s, "<option value=\"{0}\">{0}</option>", esc(t));
    }
    s.push_str("</select></label><label>App<select name=\"app\"><option value=\"\">all apps</option>");
    for a in &r.apps {
        let _ = write!(s, "<option value=\"{}\">{}</option>", esc(&a.name), esc(&a.display_name));
    }
    s.push_str("</select></label><label>Problems<select name=\"problem\"><option value=\"\">all rows</option><option value=\"any\">only problems</option><option value=\"leaver\">leavers with open accounts</option><option value=\"orphan\">accounts matching nobody</option><option value=\"mismatch\">differs from policy</option></select></label><button type=\"reset\">Clear</button>");
    let _ = writeln!(
        s,
        "<div class=\"shown\">Showing <b id=\"matrix-shown\" data-count=\"{0}\">{0}</b> of <b id=\"matrix-total\" data-count=\"{0}\">{0}</b> rows</div></form>",
        r.matrix.len()
    );
    s.push_str("<div class=\"scroll matrix-scroll\"><table id=\"matrix-table\"><thead><tr><th>Person or account</th><th>Department</th><th>Type</th><th>Situation</th>");
    for a in &r.apps {
        let _ = write!(s, "<th class=\"app\" data-col=\"{}\">{}</th>", esc(&a.name), esc(&a.display_name));
    }
    s.push_str("<th>Flags</th></tr></thead><tbody>\n");
    for row in &r.matrix {
        matrix_row(s, r, row, &depts);
    }
    s.push_str(
        "</tbody></table><div id=\"matrix-empty\" class=\"empty\" hidden>No row matches the filter.</div></div>\n",
    );
    s.push_str("<div class=\"legend\"><span class=\"badge st-active\">role</span> active <span class=\"badge st-invited\">role</span> invited <span class=\"badge st-suspended\">role</span> suspended <span class=\"badge st-missing\">missing</span> granted, no account <span class=\"badge st-none\">·</span> not granted <span class=\"act\" style=\"color:#5b3a9b\">→ action</span> what the plan does</div>\n</section>\n");
}

pub(super) fn matrix_row(s: &mut String, r: &Report, row: &MatrixRow, depts: &BTreeMap<&str, usize>) {
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
            let _ =
                write!(s, "<td><span class=\"name\">{}</span><div class=\"sub\">no person</div></td>", esc(&row.name));
        }
    }
    let _ = write!(
        s,
        "<td>{}</td><td class=\"nowrap\">{}</td><td><span class=\"badge {}\">{}</span></td>",
        lines(&row.departments),
        esc(&row.employment_type),
        situation_class(row),
        esc(&row.situation)
    );
    for (a, c) in r.apps.iter().zip(&row.cells) {
        matrix_cell(s, &a.name, c);
    }
    let flags: Vec<String> = row
        .problems
        .iter()
        .map(|p| {
            let (word, meaning) = problem_label(*p);
            format!("<span class=\"badge p-{}\" title=\"{meaning}\">{word}</span>", p.as_str())
        })
        .collect();
    let _ = writeln!(s, "<td>{}</td></tr>", flags.join(" "));
}

pub(super) fn matrix_cell(s: &mut String, app: &str, c: &Cell) {
    let state = c.state.as_str();
    let leaver = if c.problem == Some(Problem::Leaver) { " leaver" } else { "" };
    let mut title: Vec<String> =
        c.accounts.iter().map(|a| format!("{} ({}{})", a.account, a.status, role_suffix(a))).collect();
    if let Some(g) = &c.granted {
        title.push(match &g.role {
            Some(role) => format!("granted {role} by {}", g.by),
            None => format!("granted by {}", g.by),
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
        CellState::Missing => "missing".to_owned(),
        _ => {
            let main = c.accounts.iter().find(|a| a.status != "suspended").or(c.accounts.first());
            main.map(|a| if a.role.is_empty() { a.status.clone() } else { a.role.clone() }).unwrap_or_default()
        }
    };
    let more = if c.accounts.len() > 1 { format!(" +{}", c.accounts.len() - 1) } else { String::new() };
    let _ = write!(s, "<span class=\"badge st-{state}\">{}{more}</span>", esc(&text));
    if !c.actions.is_empty() {
        let acts: Vec<&str> = c.actions.iter().map(|a| a.as_str()).collect();
        let _ = write!(s, "<span class=\"act\" data-actions=\"{0}\">→ {0}</span>", acts.join(" "));
    }
    s.push_str("</td>");
}
