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
//!
//! The page is written section by section: `summary`, `charts`, `matrix`,
//! the lists (`lists`), the discovered apps when the caller read the directories (`discovered`), with the fragments they share in `parts` and the
//! inline style and script in `assets`.

use std::fmt::Write as _;

use super::Report;

mod assets;
mod charts;
mod discovered;
mod lists;
mod matrix;
mod parts;
mod summary;

use crate::present::escape::html_text as esc;
use assets::{CSS, SCRIPT};

/// The report as one HTML page.
pub fn page(r: &Report) -> String {
    let mut s = String::with_capacity(64 * 1024 + r.matrix.len() * 1024);
    head(&mut s, r);
    summary::summary(&mut s, r);
    charts::charts(&mut s, r);
    matrix::matrix(&mut s, r);
    lists::leavers(&mut s, r);
    lists::orphans(&mut s, r);
    lists::externals(&mut s, r);
    lists::seats(&mut s, r);
    lists::duties(&mut s, r);
    if let Some(d) = &r.discovered {
        discovered::discovered(&mut s, d);
    }
    footer(&mut s, r);
    s
}

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
        "<nav><a href=\"#summary\">Summary</a><a href=\"#charts\">Charts</a><a href=\"#matrix\">Access matrix</a><a href=\"#leavers\">Leavers</a><a href=\"#orphans\">Unmatched accounts</a><a href=\"#externals\">Contractors &amp; guests</a><a href=\"#seats\">Seats &amp; money</a><a href=\"#duties\">Separation of duties</a>",
    );
    if r.discovered.is_some() {
        s.push_str("<a href=\"#discovered\">Discovered apps</a>");
    }
    s.push_str("</nav>\n<main>\n");
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
