//! The admin report as one self-contained HTML page: inline CSS, inline
//! script, inline SVG charts, nothing fetched (a Content-Security-Policy
//! forbids any network use), so it can be mailed or archived and opened
//! offline.
//!
//! Rendering only: every figure comes from the [`Report`], which comes
//! from the plan. Every value that comes from data goes through
//! [`html_text`] (names, e-mails and departments are typed by people and
//! may hold markup); the script reads the page's own `data-*` attributes
//! and never builds markup from them. The output is a pure function of the
//! report, so the same inputs give a byte-identical file.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use super::escape::html_text as esc;
use super::money;
use crate::action::Action;
use crate::plan::{Counts, SeatChange};
use crate::report::{AccountCell, AppAccounts, Bar, Cell, CellState, MatrixRow, Planned, Problem, Report, RowKind};
use crate::resources::SeatFreedBy;

/// The report as one HTML page.
pub fn page(r: &Report) -> String {
    let mut s = String::with_capacity(64 * 1024 + r.matrix.len() * 1024);
    head(&mut s, r);
    summary(&mut s, r);
    charts(&mut s, r);
    matrix(&mut s, r);
    leavers(&mut s, r);
    orphans(&mut s, r);
    externals(&mut s, r);
    seats(&mut s, r);
    duties(&mut s, r);
    footer(&mut s, r);
    s
}

const CSS: &str = r#"
:root{--ink:#1d2733;--muted:#5f6b7a;--line:#e3e7ec;--bg:#f3f5f8;--card:#fff;--accent:#2b5f91;--ok:#1f7a4a;--warn:#a86a12;--bad:#b42318;--idle:#98a2b3}
*{box-sizing:border-box}
html{font:14px/1.45 system-ui,-apple-system,"Segoe UI","Hiragino Sans","Hiragino Kaku Gothic ProN","Noto Sans CJK JP","Yu Gothic",Meiryo,"IPAPGothic",sans-serif;color:var(--ink);background:var(--bg)}
body{margin:0}
[hidden]{display:none!important}
header.top{background:#17263a;color:#fff;padding:22px 32px 18px}
header.top h1{margin:0;font-size:22px;font-weight:600;letter-spacing:.01em}
header.top .meta{color:#b9c6d6;margin-top:4px}
header.top .meta b{color:#fff;font-weight:600}
nav{position:sticky;top:0;z-index:5;background:#fff;border-bottom:1px solid var(--line);padding:0 32px;display:flex;gap:22px;flex-wrap:wrap}
nav a{color:var(--muted);text-decoration:none;padding:10px 0;font-weight:500;border-bottom:2px solid transparent}
nav a:hover{color:var(--accent);border-bottom-color:var(--accent)}
main{padding:24px 32px 8px}
section{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:20px 24px;margin-bottom:24px;box-shadow:0 1px 2px rgba(16,24,40,.04)}
h2{font-size:17px;margin:0 0 4px}
h3{font-size:14px;margin:18px 0 8px;display:flex;gap:8px;align-items:baseline}
h3 .count{color:var(--muted);font-weight:400}
p.lead{color:var(--muted);margin:0 0 16px;max-width:980px}
.kpis{display:grid;grid-template-columns:repeat(auto-fill,minmax(200px,1fr));gap:12px;margin:4px 0 20px}
.kpi{border:1px solid var(--line);border-radius:8px;padding:12px 14px;background:#fbfcfd}
.kpi .n{font-size:28px;font-weight:600;line-height:1.2;font-variant-numeric:tabular-nums}
.kpi .l{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.05em}
.kpi .d{color:var(--muted);font-size:12px;margin-top:2px}
.kpi.bad .n{color:var(--bad)}.kpi.warn .n{color:var(--warn)}.kpi.good .n{color:var(--ok)}
.counts{display:flex;flex-wrap:wrap;gap:8px;margin:0 0 16px;padding:0;list-style:none}
.counts li{border:1px solid var(--line);border-radius:14px;padding:2px 10px;font-size:13px;color:var(--muted)}
.counts li b{color:var(--ink);font-variant-numeric:tabular-nums}
.scroll{overflow:auto;max-width:100%}
.matrix-scroll{max-height:760px;border:1px solid var(--line);border-radius:8px}
table{border-collapse:separate;border-spacing:0;width:100%;font-size:13px}
th,td{text-align:left;padding:6px 10px;border-bottom:1px solid var(--line);vertical-align:top}
thead th{font-weight:600;color:var(--muted);background:#f7f9fb;position:sticky;top:0;z-index:1;white-space:nowrap}
thead th.app{white-space:normal;min-width:96px;max-width:130px}
tbody tr:hover td{background:#f8fafc}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.nowrap{white-space:nowrap}
.sub{color:var(--muted);font-size:12px}
.name{font-weight:600}
.badge{display:inline-block;padding:0 8px;border-radius:10px;font-size:12px;line-height:20px;white-space:nowrap;border:1px solid transparent}
.st-active{background:#e6f4ec;color:#17603a}
.st-invited{background:#e8f0fb;color:#234e86}
.st-suspended{background:#eef0f3;color:#596474}
.st-missing{background:#fff;color:var(--bad);border:1px dashed #e3a29b}
.st-none{color:#c4cad3}
.p-leaver{background:#fdecea;color:var(--bad)}
.p-orphan{background:#fff4e0;color:#8a5a0b}
.p-mismatch{background:#f1ecfb;color:#5b3a9b}
.sit-left{background:#fdecea;color:var(--bad)}
.sit-joins{background:#e8f0fb;color:#234e86}
.sit-leave{background:#fff4e0;color:#8a5a0b}
.sit-employed{color:var(--muted)}
.sit-nobody{background:#fff4e0;color:#8a5a0b}
td.c{white-space:nowrap;min-width:92px}
td.c.leaver{background:#fff6f5}
td.c .act{display:block;font-size:11px;color:#5b3a9b;margin-top:2px}
tr.r-leaver td:first-child{box-shadow:inset 3px 0 0 var(--bad)}
tr.r-unmatched td:first-child{box-shadow:inset 3px 0 0 #d99a22}
form.filters{display:flex;flex-wrap:wrap;gap:10px 14px;align-items:end;margin:0 0 12px}
form.filters label{display:flex;flex-direction:column;font-size:12px;color:var(--muted);gap:3px}
form.filters input,form.filters select{font:inherit;font-size:13px;padding:5px 8px;border:1px solid #cdd4dc;border-radius:6px;background:#fff;color:var(--ink);min-width:150px}
form.filters input[type=search]{min-width:260px}
form.filters button{font:inherit;font-size:13px;padding:5px 12px;border:1px solid #cdd4dc;border-radius:6px;background:#f7f9fb;cursor:pointer}
.shown{margin-left:auto;color:var(--muted);font-size:13px;padding-bottom:6px}
.shown b{color:var(--ink)}
.legend{display:flex;flex-wrap:wrap;gap:8px 14px;margin:10px 0 0;font-size:12px;color:var(--muted);align-items:center}
.empty{padding:18px;color:var(--muted);text-align:center}
.none{color:var(--muted);margin:8px 0}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(520px,1fr));gap:20px}
figure{margin:0;border:1px solid var(--line);border-radius:8px;padding:14px 16px}
figcaption{font-weight:600;margin-bottom:8px}
svg text{font-family:inherit;font-size:12px;fill:var(--ink)}
svg .lbl{fill:var(--muted)}
svg .v{font-variant-numeric:tabular-nums}
svg .grid-line{stroke:#eef1f4}
.sw{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:5px;vertical-align:-1px}
.f-open{fill:#3b78b5;background:#3b78b5}.f-suspended{fill:#a7b1bf;background:#a7b1bf}.f-unmatched{fill:#e0a030;background:#e0a030}.f-other{fill:#d5dbe3;background:#d5dbe3}.f-dept{fill:#4c8bc9}.f-leaver{fill:#d1495b}
.reason{color:var(--muted);font-size:12px;max-width:520px}
.total td{font-weight:600;background:#f7f9fb}
footer{padding:0 32px 32px;color:var(--muted);font-size:12px}
footer ul{margin:6px 0 12px;padding-left:18px}
@media print{nav,form.filters{display:none}.matrix-scroll{max-height:none}section{break-inside:avoid-page}}
"#;

/// Reads the filter from the URL fragment (`#q=営業&type=contractor`),
/// shows the matching rows, and keeps the fragment in step with the
/// controls so a filtered view can be linked to. It only toggles `hidden`
/// and writes numbers: it never turns data into markup.
const SCRIPT: &str = r#"
(function () {
  'use strict';
  var form = document.getElementById('filters');
  if (!form) return;
  var fields = ['q', 'dept', 'type', 'app', 'problem'];
  var rows = Array.prototype.slice.call(document.querySelectorAll('#matrix-table tbody tr'));
  var cols = Array.prototype.slice.call(document.querySelectorAll('#matrix-table [data-col]'));
  var shown = document.getElementById('matrix-shown');
  var empty = document.getElementById('matrix-empty');
  function control(name) { return form.elements[name]; }
  function has(select, value) {
    return Array.prototype.some.call(select.options, function (o) { return o.value === value; });
  }
  function fromHash() {
    var state = {};
    location.hash.replace(/^#/, '').split('&').forEach(function (pair) {
      if (!pair) return;
      var i = pair.indexOf('=');
      var key = i < 0 ? pair : pair.slice(0, i);
      var value = i < 0 ? '' : pair.slice(i + 1);
      try {
        state[decodeURIComponent(key)] = decodeURIComponent(value.replace(/\+/g, ' '));
      } catch (e) { /* a malformed escape: ignore that pair */ }
    });
    if (state.problems && !state.problem) state.problem = 'any';
    fields.forEach(function (f) {
      var c = control(f);
      var v = state[f] || '';
      if (c.tagName === 'SELECT' && !has(c, v)) v = '';
      c.value = v;
    });
    apply();
  }
  function toHash() {
    var parts = [];
    fields.forEach(function (f) {
      var v = control(f).value;
      if (v) parts.push(f + '=' + encodeURIComponent(v));
    });
    try {
      history.replaceState(null, '', parts.length ? '#' + parts.join('&') : location.pathname + location.search);
    } catch (e) { /* some browsers refuse on file: URLs; the filter still works */ }
  }
  function apply() {
    var q = control('q').value.trim().toLowerCase();
    var d = control('dept');
    var dept = d.value ? ' ' + d.options[d.selectedIndex].getAttribute('data-key') + ' ' : '';
    var type = control('type').value;
    var app = control('app').value;
    var problem = control('problem').value;
    var count = 0;
    rows.forEach(function (r) {
      var ok = (!q || r.getAttribute('data-q').indexOf(q) >= 0)
        && (!dept || r.getAttribute('data-depts').indexOf(dept) >= 0)
        && (!type || (type === '*external' ? r.getAttribute('data-external') === '1' : r.getAttribute('data-type') === type))
        && (!app || r.getAttribute('data-apps').indexOf(' ' + app + ' ') >= 0)
        && (!problem || (problem === 'any'
          ? r.getAttribute('data-problems').trim() !== ''
          : r.getAttribute('data-problems').indexOf(' ' + problem + ' ') >= 0));
      r.hidden = !ok;
      if (ok) count++;
    });
    cols.forEach(function (c) { c.hidden = app !== '' && c.getAttribute('data-col') !== app; });
    shown.textContent = String(count);
    shown.setAttribute('data-count', String(count));
    empty.hidden = count > 0;
    document.documentElement.setAttribute('data-filter', fields.map(function (f) {
      return f + '=' + control(f).value;
    }).join('&'));
  }
  form.addEventListener('input', function () { apply(); toHash(); });
  form.addEventListener('change', function () { apply(); toHash(); });
  form.addEventListener('submit', function (e) { e.preventDefault(); });
  form.addEventListener('reset', function () { setTimeout(function () { apply(); toHash(); }, 0); });
  window.addEventListener('hashchange', fromHash);
  fromHash();
})();
"#;

fn head(s: &mut String, r: &Report) {
    let date = r.date;
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n\
<meta name=\"generator\" content=\"keyward report\">\n\
<title>Access report {date} · keyward</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
    );
    let accounts: usize = r.apps.iter().map(|a| a.accounts).sum();
    let _ = writeln!(
        s,
        "<header class=\"top\"><h1>Access report</h1><div class=\"meta\">As of <b><time id=\"report-date\" datetime=\"{date}\">{date}</time></b> (the plan date) · <b>{}</b> people in the HR master · <b>{}</b> apps read, <b>{accounts}</b> accounts · the same inputs as <code>keyward plan</code></div></header>",
        r.people.total,
        r.apps.len()
    );
    s.push_str(
        "<nav><a href=\"#summary\">Summary</a><a href=\"#charts\">Charts</a><a href=\"#matrix\">Access matrix</a><a href=\"#leavers\">Leavers</a><a href=\"#orphans\">Unmatched accounts</a><a href=\"#externals\">Contractors &amp; guests</a><a href=\"#seats\">Seats &amp; money</a><a href=\"#duties\">Separation of duties</a></nav>\n<main>\n",
    );
}

fn kpi(s: &mut String, class: &str, label: &str, stat: &str, value: impl std::fmt::Display, detail: &str) {
    let _ = write!(
        s,
        "<div class=\"kpi {class}\"><div class=\"l\">{label}</div><div class=\"n\" data-stat=\"{stat}\">{value}</div><div class=\"d\">{detail}</div></div>"
    );
}

fn summary(s: &mut String, r: &Report) {
    s.push_str("<section id=\"summary\"><h2>Summary</h2><p class=\"lead\">Head counts are the HR master's on the plan date; accounts are what each app listed. Every figure on this page comes from the same plan as <code>keyward plan</code>.</p>\n<div class=\"kpis\">");
    let p = &r.people;
    let people_detail = format!(
        "<span data-stat=\"people-employed\">{}</span> employed · <span data-stat=\"people-on-leave\">{}</span> on leave · <span data-stat=\"people-not-started\">{}</span> not started · <span data-stat=\"people-left\">{}</span> left",
        p.employed, p.on_leave, p.not_started, p.left
    );
    kpi(s, "", "People in HR", "people-total", p.total, &people_detail);
    let accounts: usize = r.apps.iter().map(|a| a.accounts).sum();
    kpi(s, "", "Apps read", "apps", r.apps.len(), &format!("<span data-stat=\"accounts\">{accounts}</span> accounts"));
    let leavers = r.leaver_accounts();
    let leaver_people: BTreeSet<&str> =
        r.leavers.iter().flat_map(|g| &g.accounts).map(|a| a.person_id.as_str()).collect();
    kpi(
        s,
        if leavers > 0 { "bad" } else { "good" },
        "Leavers' accounts open",
        "leaver-accounts",
        leavers,
        &format!("held by <span data-stat=\"leaver-people\">{}</span> people who have left", leaver_people.len()),
    );
    let orphans = r.orphan_accounts();
    kpi(
        s,
        if orphans > 0 { "warn" } else { "good" },
        "Accounts matching nobody",
        "orphan-accounts",
        orphans,
        &format!("in {} app(s)", r.orphans.len()),
    );
    kpi(s, "", "Changes planned", "changes", r.summary.total(), &format!("{} of them reviews", r.summary.review));
    let saving: Vec<String> = r
        .savings
        .iter()
        .map(|v| {
            format!(
                "<span data-stat=\"saving-{}\" data-value=\"{}\">{} {}</span>",
                esc(&v.currency),
                v.monthly_saving,
                plain_money(v.monthly_saving),
                esc(&v.currency)
            )
        })
        .collect();
    let freeable: usize = r.seats.iter().map(|a| a.freeable).sum();
    let _ = write!(
        s,
        "<div class=\"kpi warn\"><div class=\"l\">Could be saved / month</div><div class=\"n\" style=\"font-size:20px;padding:4px 0\">{}</div><div class=\"d\"><span data-stat=\"freeable-seats\">{freeable}</span> seats of leavers and unmatched accounts</div></div>",
        if saving.is_empty() { "—".to_owned() } else { saving.join("<br>") }
    );
    s.push_str("</div>\n<h3>Planned changes</h3>\n<ul class=\"counts\">");
    for a in Action::ALL {
        let _ = write!(s, "<li data-summary=\"{}\"><b>{}</b> {}</li>", a.as_str(), r.summary.get(a), a.as_str());
    }
    s.push_str("</ul>\n<h3>Apps read</h3>\n<div class=\"scroll\"><table id=\"apps\"><thead><tr><th>Application</th><th>Read from</th><th class=\"num\">Accounts</th><th class=\"num\">Matched</th><th class=\"num\">Unmatched</th><th class=\"num\">Protected</th><th class=\"num\">Bots</th><th>Planned changes</th></tr></thead><tbody>\n");
    for a in &r.apps {
        let ro = if a.read_only { " · read-only" } else { "" };
        let _ = writeln!(
            s,
            "<tr data-app=\"{name}\"><td><span class=\"name\">{display}</span><div class=\"sub\">{name}</div></td><td><span class=\"sub\">{}: {}{ro}</span></td><td class=\"num\" data-field=\"accounts\">{}</td><td class=\"num\" data-field=\"matched\">{}</td><td class=\"num\" data-field=\"orphans\">{}</td><td class=\"num\" data-field=\"protected\">{}</td><td class=\"num\" data-field=\"bots\">{}</td><td>{}</td></tr>",
            esc(&a.connector),
            esc(&a.source),
            a.accounts,
            a.matched,
            a.orphans,
            a.protected,
            a.bots,
            counts(&a.changes),
            name = esc(&a.name),
            display = esc(&a.display_name),
        );
    }
    s.push_str("</tbody></table></div>\n</section>\n");
}

/// `1 create · 2 suspend`, each count tagged for tools reading the page.
fn counts(c: &Counts) -> String {
    let parts: Vec<String> = Action::ALL
        .iter()
        .filter(|a| c.get(**a) > 0)
        .map(|a| format!("<span data-action=\"{0}\" data-count=\"{1}\">{1} {0}</span>", a.as_str(), c.get(*a)))
        .collect();
    if parts.is_empty() { "<span class=\"sub\">none</span>".to_owned() } else { parts.join(" · ") }
}

/// An amount without a sign (`1,450`, `12.50`).
fn plain_money(v: f64) -> String {
    money(v.abs()).trim_start_matches('+').to_owned()
}

struct Segment {
    class: &'static str,
    name: &'static str,
}

/// A horizontal bar chart; each row a label and one value per segment
/// (stacked). Labels are cut to fit and shown whole in a tooltip.
fn bar_chart(id: &str, title: &str, rows: &[(String, Vec<usize>)], segments: &[Segment]) -> String {
    const WIDTH: f64 = 640.0;
    const LABEL: f64 = 220.0;
    const VALUE: f64 = 44.0;
    const ROW: f64 = 26.0;
    const BAR: f64 = 16.0;
    let max = rows.iter().map(|(_, v)| v.iter().sum::<usize>()).max().unwrap_or(0).max(1);
    let area = WIDTH - LABEL - VALUE;
    let height = ROW * rows.len().max(1) as f64 + 8.0;
    let mut s = String::new();
    let _ = write!(
        s,
        "<figure id=\"{id}\"><figcaption>{title}</figcaption><svg viewBox=\"0 0 {WIDTH} {height}\" width=\"100%\" role=\"img\" aria-label=\"{title}\" xmlns=\"http://www.w3.org/2000/svg\">"
    );
    for q in 1..=4 {
        let x = LABEL + area * f64::from(q) / 4.0;
        let _ = write!(s, "<line class=\"grid-line\" x1=\"{x:.1}\" y1=\"0\" x2=\"{x:.1}\" y2=\"{height}\"/>");
    }
    if rows.is_empty() {
        let _ = write!(s, "<text x=\"{LABEL}\" y=\"18\" class=\"lbl\">none</text>");
    }
    for (i, (label, values)) in rows.iter().enumerate() {
        let y = ROW * i as f64 + 4.0;
        let total: usize = values.iter().sum();
        let _ = write!(
            s,
            "<g data-label=\"{}\" data-value=\"{total}\"><title>{}: {total}</title><text class=\"lbl\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            esc(label),
            esc(label),
            LABEL - 8.0,
            y + BAR - 3.0,
            esc(&cut(label, 30))
        );
        let mut x = LABEL;
        for (v, seg) in values.iter().zip(segments) {
            if *v == 0 {
                continue;
            }
            let w = area * *v as f64 / max as f64;
            let _ = write!(
                s,
                "<rect class=\"{}\" x=\"{x:.1}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{BAR}\" rx=\"2\" data-segment=\"{}\" data-value=\"{v}\"/>",
                seg.class, seg.name
            );
            x += w;
        }
        let _ = write!(s, "<text class=\"v\" x=\"{:.1}\" y=\"{:.1}\">{total}</text></g>", x + 6.0, y + BAR - 3.0);
    }
    s.push_str("</svg>");
    if segments.len() > 1 {
        s.push_str("<div class=\"legend\">");
        for seg in segments {
            let _ = write!(s, "<span><span class=\"sw {}\"></span>{}</span>", seg.class, seg.name);
        }
        s.push_str("</div>");
    }
    s.push_str("</figure>");
    s
}

/// At most `n` characters, with an ellipsis when cut.
fn cut(s: &str, n: usize) -> String {
    if s.chars().count() <= n { s.to_owned() } else { format!("{}…", s.chars().take(n - 1).collect::<String>()) }
}

fn single(bars: &[Bar]) -> Vec<(String, Vec<usize>)> {
    bars.iter().map(|b| (b.label.clone(), vec![b.value])).collect()
}

fn charts(s: &mut String, r: &Report) {
    s.push_str("<section id=\"charts\"><h2>Charts</h2><p class=\"lead\">Accounts per app by kind, leavers' accounts that can still sign in, and open accounts per department (of the person's first post).</p><div class=\"grid\"><div>");
    let by_app: Vec<(String, Vec<usize>)> = r
        .charts
        .accounts_by_app
        .iter()
        .map(|b| (b.app.clone(), vec![b.open, b.suspended, b.unmatched, b.other]))
        .collect();
    s.push_str(&bar_chart(
        "chart-apps",
        "Accounts per app",
        &by_app,
        &[
            Segment { class: "f-open", name: "people, open" },
            Segment { class: "f-suspended", name: "people, suspended" },
            Segment { class: "f-unmatched", name: "matching nobody" },
            Segment { class: "f-other", name: "protected and bots" },
        ],
    ));
    s.push_str("<div style=\"height:20px\"></div>");
    s.push_str(&bar_chart(
        "chart-leavers",
        "Leavers' accounts still open, per app",
        &single(&r.charts.leaver_accounts_by_app),
        &[Segment { class: "f-leaver", name: "leavers' open accounts" }],
    ));
    s.push_str("</div><div>");
    s.push_str(&bar_chart(
        "chart-departments",
        "Open accounts per department",
        &single(&r.charts.accounts_by_department),
        &[Segment { class: "f-dept", name: "open accounts" }],
    ));
    s.push_str("</div></div></section>\n");
}

/// A department path and the paths above it (`営業本部` and
/// `営業本部/第一営業部`), so a filter on a division finds its departments.
fn with_parents(department: &str) -> impl Iterator<Item = &str> {
    department.match_indices('/').map(move |(i, _)| &department[..i]).chain(std::iter::once(department))
}

/// Every department path of the rows and above, numbered: rows carry the
/// numbers, so no department name has to survive being split in script.
fn department_keys(rows: &[MatrixRow]) -> BTreeMap<&str, usize> {
    let all: BTreeSet<&str> = rows.iter().flat_map(|r| &r.departments).flat_map(|d| with_parents(d)).collect();
    all.into_iter().enumerate().map(|(i, d)| (d, i)).collect()
}

fn situation_class(row: &MatrixRow) -> &'static str {
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
fn problem_label(p: Problem) -> (&'static str, &'static str) {
    match p {
        Problem::Leaver => ("leaver", "a leaver's account can still sign in"),
        Problem::Orphan => ("no person", "matches nobody in the HR master"),
        Problem::Mismatch => ("differs", "differs from what the policies grant: the plan changes it"),
    }
}

fn matrix(s: &mut String, r: &Report) {
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

fn matrix_row(s: &mut String, r: &Report, row: &MatrixRow, depts: &BTreeMap<&str, usize>) {
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

fn matrix_cell(s: &mut String, app: &str, c: &Cell) {
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

/// A person's name (their employee number when HR has none) over a detail
/// line (`E0031 · tsubasa.aoki@example.com`).
fn who(name: &str, id: &str, detail: &str) -> String {
    let shown = if name.is_empty() { id } else { name };
    format!("<span class=\"name\">{}</span><div class=\"sub\">{} · {}</div>", esc(shown), esc(id), esc(detail))
}

/// Departments, one a line.
fn lines(departments: &[String]) -> String {
    departments.iter().map(|d| esc(d)).collect::<Vec<_>>().join("<br>")
}

fn role_suffix(a: &AccountCell) -> String {
    if a.role.is_empty() { String::new() } else { format!(", {}", a.role) }
}

fn status_badge(status: &str) -> String {
    format!("<span class=\"badge st-{0}\">{0}</span>", esc(status))
}

fn planned(p: &[Planned]) -> String {
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

fn plan_actions(p: &[Planned]) -> String {
    p.iter().map(|c| c.action.as_str()).collect::<Vec<_>>().join(" ")
}

fn app_display<'r>(r: &'r Report, app: &'r str) -> &'r str {
    r.apps.iter().find(|a| a.name == app).map_or(app, |a| a.display_name.as_str())
}

fn group_heading<T>(s: &mut String, r: &Report, g: &AppAccounts<T>, what: &str) {
    let n = g.accounts.len();
    let _ = write!(
        s,
        "<h3>{} <span class=\"count\"><span data-count=\"{n}\">{n}</span> {what}{}</span></h3>",
        esc(app_display(r, &g.app)),
        if n == 1 { "" } else { "s" }
    );
}

fn leavers(s: &mut String, r: &Report) {
    let _ = writeln!(
        s,
        "<section id=\"leavers\"><h2>Leavers' accounts still open</h2><p class=\"lead\">Accounts that can still sign in, of people whose last working day has passed (or whom HR marks as gone), per app, longest gone first. Days are counted to the plan date, {}.</p>",
        r.date
    );
    if r.leavers.is_empty() {
        s.push_str("<p class=\"none\">None: every leaver's accounts are suspended or gone.</p>");
    }
    for g in &r.leavers {
        let _ = write!(s, "<div class=\"group\" data-app=\"{}\" data-count=\"{}\">", esc(&g.app), g.accounts.len());
        group_heading(s, r, g, "account");
        s.push_str("<div class=\"scroll\"><table><thead><tr><th>Person</th><th>Account</th><th>Status</th><th>Last working day</th><th class=\"num\">Days since</th><th>Still granted by</th><th>The plan</th></tr></thead><tbody>\n");
        for a in &g.accounts {
            let last = a.last_day.map_or_else(|| "not recorded".to_owned(), |d| d.to_string());
            let days = a.days_since.map_or_else(String::new, |d| d.to_string());
            let _ = writeln!(
                s,
                "<tr data-person=\"{}\" data-account-id=\"{}\" data-days=\"{days}\" data-plan=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td class=\"nowrap\">{}</td><td class=\"num\">{days}</td><td>{}</td><td>{}</td></tr>",
                esc(&a.person_id),
                esc(&a.account.id),
                plan_actions(&a.plan),
                who(&a.name, &a.person_id, &a.email),
                esc(&a.account.account),
                status_badge(&a.account.status),
                esc(&last),
                a.kept_by.as_deref().map_or_else(|| "<span class=\"sub\">nothing</span>".to_owned(), esc),
                planned(&a.plan)
            );
        }
        s.push_str("</tbody></table></div></div>\n");
    }
    s.push_str("</section>\n");
}

fn orphans(s: &mut String, r: &Report) {
    s.push_str("<section id=\"orphans\"><h2>Accounts matching nobody</h2><p class=\"lead\">Accounts that no person in the HR master matches (or that match several). keyward never removes them by itself: each may be a leaver missing from the export, a renamed person, a shared mailbox or a bot. Protect it, fix the data, or remove it by hand.</p>\n");
    if r.orphans.is_empty() {
        s.push_str("<p class=\"none\">None: every account matches a person, a protect rule or a bot.</p>");
    }
    for g in &r.orphans {
        let _ = write!(s, "<div class=\"group\" data-app=\"{}\" data-count=\"{}\">", esc(&g.app), g.accounts.len());
        group_heading(s, r, g, "account");
        s.push_str("<div class=\"scroll\"><table><thead><tr><th>Account</th><th>Status</th><th>Role</th><th>Last active</th><th>Why</th><th>The plan</th></tr></thead><tbody>\n");
        for a in &g.accounts {
            let _ = writeln!(
                s,
                "<tr data-account-id=\"{}\" data-plan=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td class=\"nowrap\">{}</td><td class=\"reason\">{}</td><td>{}</td></tr>",
                esc(&a.account.id),
                plan_actions(&a.plan),
                esc(&a.account.account),
                status_badge(&a.account.status),
                esc(&a.account.role),
                esc(&a.last_active),
                esc(&a.matched_by),
                planned(&a.plan)
            );
        }
        s.push_str("</tbody></table></div></div>\n");
    }
    s.push_str("</section>\n");
}

fn duties(s: &mut String, r: &Report) {
    let _ = writeln!(
        s,
        "<section id=\"duties\" data-rules=\"{}\" data-violations=\"{}\"><h2>Separation of duties</h2><p class=\"lead\">People who hold, or whom the policies would give, duties that a SeparationOfDuties rule keeps apart. keyward holds back every change that would give the second duty, and never takes an entitlement away by itself: the rule's owner decides which duty ends.</p>",
        r.duty_rules,
        r.violations.len()
    );
    if r.duty_rules == 0 {
        s.push_str("<p class=\"none\">No SeparationOfDuties rules are declared.</p></section>\n");
        return;
    }
    if r.violations.is_empty() {
        let _ = writeln!(
            s,
            "<p class=\"none\">No violations of the {} rule{} checked.</p></section>",
            r.duty_rules,
            if r.duty_rules == 1 { "" } else { "s" }
        );
        return;
    }
    s.push_str("<div class=\"scroll\"><table><thead><tr><th>Rule</th><th>Person</th><th>Duty</th><th>What gives it</th></tr></thead><tbody>\n");
    for v in &r.violations {
        let evidence = super::duty_evidence(v);
        for (i, (duty, what)) in evidence.iter().enumerate() {
            s.push_str("<tr data-violation=\"");
            s.push_str(&esc(&v.rule));
            s.push_str("\">");
            if i == 0 {
                let span = evidence.len();
                let owner = v.owner.as_deref().map(|o| format!("owner {o}")).unwrap_or_default();
                let name = v.person.name.as_deref().unwrap_or("");
                let _ = write!(
                    s,
                    "<td rowspan=\"{span}\"><span class=\"name\">{}</span><div class=\"sub\">{}</div></td><td rowspan=\"{span}\">{}</td>",
                    esc(&v.rule),
                    esc(&owner),
                    who(name, &v.person.id, v.person.email.as_deref().unwrap_or(""))
                );
            }
            let _ = writeln!(s, "<td>{}</td><td class=\"reason\">{}</td></tr>", esc(duty), esc(what));
        }
    }
    s.push_str("</tbody></table></div></section>\n");
}

fn externals(s: &mut String, r: &Report) {
    let _ = write!(
        s,
        "<section id=\"externals\"><h2>Contractors and guests</h2><p class=\"lead\">People whose employment type is not full-time (contract, part-time, temp, contractor…) with their accounts, and every account holding a guest-like role: one named guest, or the least privileged of the app's roles when that is not the role everyone gets.</p>\n<h3>People not employed full-time <span class=\"count\"><span data-count=\"{0}\" id=\"externals-count\">{0}</span></span></h3>",
        r.externals.len()
    );
    if r.externals.is_empty() {
        s.push_str("<p class=\"none\">None.</p>");
    } else {
        s.push_str("<div class=\"scroll\"><table id=\"externals-table\"><thead><tr><th>Person</th><th>Type</th><th>Department</th><th>Situation</th><th>Accounts</th></tr></thead><tbody>\n");
        for p in &r.externals {
            let accounts: Vec<String> = p
                .accounts
                .iter()
                .map(|a| {
                    let role = if a.account.role.is_empty() { String::new() } else { format!(" {}", a.account.role) };
                    format!(
                        "<span class=\"badge st-{}\" title=\"{}\">{}{}</span>",
                        esc(&a.account.status),
                        esc(&a.account.account),
                        esc(&a.app),
                        esc(&role)
                    )
                })
                .collect();
            let _ = writeln!(
                s,
                "<tr data-id=\"{}\" data-type=\"{}\"><td>{}</td><td class=\"nowrap\">{}</td><td>{}</td><td class=\"nowrap\">{}</td><td>{}</td></tr>",
                esc(&p.id),
                esc(&p.employment_type),
                who(&p.name, &p.id, &p.email),
                esc(&p.employment_type),
                lines(&p.departments),
                esc(&p.situation),
                if accounts.is_empty() { "<span class=\"sub\">none</span>".to_owned() } else { accounts.join(" ") }
            );
        }
        s.push_str("</tbody></table></div>\n");
    }
    let _ = write!(
        s,
        "<h3>Accounts with a guest-like role <span class=\"count\"><span data-count=\"{0}\" id=\"guests-count\">{0}</span></span></h3>",
        r.guests.len()
    );
    if r.guests.is_empty() {
        s.push_str("<p class=\"none\">None.</p>");
    } else {
        s.push_str("<div class=\"scroll\"><table id=\"guests-table\"><thead><tr><th>App</th><th>Account</th><th>Role</th><th>Status</th><th>Person</th><th>Type</th></tr></thead><tbody>\n");
        for g in &r.guests {
            let person = if g.person_id.is_empty() {
                "<span class=\"badge p-orphan\">matches nobody</span>".to_owned()
            } else {
                who(&g.person_name, &g.person_id, &g.person_status)
            };
            let _ = writeln!(
                s,
                "<tr data-app=\"{}\" data-account-id=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{person}</td><td class=\"nowrap\">{}</td></tr>",
                esc(&g.app),
                esc(&g.account.id),
                esc(app_display(r, &g.app)),
                esc(&g.account.account),
                esc(&g.account.role),
                status_badge(&g.account.status),
                esc(&g.employment_type)
            );
        }
        s.push_str("</tbody></table></div>\n");
    }
    s.push_str("</section>\n");
}

fn seats(s: &mut String, r: &Report) {
    s.push_str("<section id=\"seats\"><h2>Seats and money</h2><p class=\"lead\">Seats billed per app — accounts that can sign in, or every account where only a deletion stops the billing (<code>seatCost.freedBy: delete</code>); bots are not counted — the seats of leavers and of accounts matching nobody that could be freed, and what that would save a month at the Application's <code>seatCost</code>. The last column is the plan's own seat change.</p>\n");
    s.push_str("<div class=\"scroll\"><table id=\"seats-table\"><thead><tr><th>App</th><th class=\"num\">Seat / month</th><th class=\"num\">In use</th><th class=\"num\">Cost / month</th><th class=\"num\">Leavers</th><th class=\"num\">Matching nobody</th><th class=\"num\">Could be freed</th><th class=\"num\">Could be saved / month</th><th class=\"num\">The plan: seats, bill / month</th></tr></thead><tbody>\n");
    for a in &r.seats {
        let cur = a.seat_cost.as_ref().map(|c| esc(&c.currency)).unwrap_or_default();
        let price = a.seat_cost.as_ref().map_or_else(
            || "<span class=\"sub\">no seatCost</span>".to_owned(),
            |c| {
                let by =
                    if c.freed_by == SeatFreedBy::Delete { "<div class=\"sub\">freed by delete</div>" } else { "" };
                format!("{} {cur}{by}", plain_money(c.monthly))
            },
        );
        let amount = |v: Option<f64>| v.map_or_else(|| "—".to_owned(), |v| format!("{} {cur}", plain_money(v)));
        let (plan, data) = plan_seats(a.plan.as_ref());
        let _ = writeln!(
            s,
            "<tr data-app=\"{}\" data-in-use=\"{}\" data-freeable=\"{}\"{data}><td class=\"nowrap\">{}</td><td class=\"num\">{price}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\"><b>{}</b></td><td class=\"num\"><b>{}</b></td><td class=\"num\">{plan}</td></tr>",
            esc(&a.app),
            a.in_use,
            a.freeable,
            esc(app_display(r, &a.app)),
            a.in_use,
            amount(a.monthly_cost),
            a.leavers,
            a.orphans,
            a.freeable,
            amount(a.monthly_saving),
        );
    }
    for v in &r.savings {
        let (plan, data) = plan_seats(r.seat_totals.iter().find(|t| t.currency == v.currency));
        let cur = esc(&v.currency);
        let _ = writeln!(
            s,
            "<tr class=\"total\" data-currency=\"{cur}\" data-in-use=\"{}\" data-freeable=\"{}\" data-saving=\"{}\"{data}><td>Total {cur}</td><td></td><td class=\"num\">{}</td><td class=\"num\">{} {cur}</td><td></td><td></td><td class=\"num\">{}</td><td class=\"num\">{} {cur}</td><td class=\"num\">{plan}</td></tr>",
            v.in_use,
            v.freeable,
            v.monthly_saving,
            v.in_use,
            plain_money(v.monthly_cost),
            v.freeable,
            plain_money(v.monthly_saving),
        );
    }
    s.push_str("</tbody></table></div>\n</section>\n");
}

/// The plan's seat change in words (`+2 / −3 seats, −1,450 JPY`) and as
/// `data-*` attributes.
fn plan_seats(p: Option<&SeatChange>) -> (String, String) {
    match p {
        Some(p) => (
            format!("+{} / −{} seats, {} {}", p.added, p.freed, money(p.monthly_change), esc(&p.currency)),
            format!(
                " data-plan-added=\"{}\" data-plan-freed=\"{}\" data-plan-change=\"{}\"",
                p.added, p.freed, p.monthly_change
            ),
        ),
        None => ("—".to_owned(), String::new()),
    }
}

fn footer(s: &mut String, r: &Report) {
    s.push_str("</main>\n<footer>");
    if !r.warnings.is_empty() {
        s.push_str("<b>Warnings from the plan</b><ul id=\"warnings\">");
        for w in &r.warnings {
            let _ = write!(s, "<li>{}</li>", esc(w));
        }
        s.push_str("</ul>");
    }
    let _ = write!(
        s,
        "Made by keyward for {}. The same policy files, HR export and app lists always give this same file.</footer>\n<script>{SCRIPT}</script>\n</body>\n</html>\n",
        r.date
    );
}
