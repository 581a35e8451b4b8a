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
use crate::i18n::Lang;

mod assets;
mod charts;
mod discovered;
mod lists;
mod matrix;
mod parts;
mod summary;

use crate::present::escape::html_text as esc;
use assets::{CSS, SCRIPT};

/// The report's style sheet, for other pages that look the same (the
/// leaver report).
pub(crate) fn style() -> &'static str {
    CSS
}

/// The report as one HTML page, in English.
pub fn page(r: &Report) -> String {
    page_in(r, Lang::En)
}

/// The report as one HTML page in `lang`: every heading, label and
/// sentence of the page, and its `<html lang>`. Values from the data
/// (names, departments, the plan's reasons) are shown as they are.
pub fn page_in(r: &Report, lang: Lang) -> String {
    let mut s = String::with_capacity(64 * 1024 + r.matrix.len() * 1024);
    head(&mut s, r, lang);
    summary::summary(&mut s, r, lang);
    charts::charts(&mut s, r, lang);
    matrix::matrix(&mut s, r, lang);
    lists::leavers(&mut s, r, lang);
    lists::orphans(&mut s, r, lang);
    lists::externals(&mut s, r, lang);
    lists::seats(&mut s, r, lang);
    lists::duties(&mut s, r, lang);
    if let Some(d) = &r.discovered {
        discovered::discovered(&mut s, d, lang);
    }
    footer(&mut s, r, lang);
    s
}

fn head(s: &mut String, r: &Report, lang: Lang) {
    let date = r.date;
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n\
<meta name=\"generator\" content=\"keyward report\">\n\
<title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n",
        lang.tag(),
        t!(lang, "report-title", date = date)
    );
    let accounts: usize = r.apps.iter().map(|a| a.accounts).sum();
    let _ = writeln!(
        s,
        "<header class=\"top\"><h1>{}</h1><div class=\"meta\">{}</div></header>",
        t!(lang, "report-heading"),
        t!(
            lang,
            "report-meta",
            date = format!("<b><time id=\"report-date\" datetime=\"{date}\">{date}</time></b>"),
            people = format!("<b>{}</b>", r.people.total),
            apps = format!("<b>{}</b>", r.apps.len()),
            accounts = format!("<b>{accounts}</b>")
        )
    );
    let _ = write!(
        s,
        "<nav><a href=\"#summary\">{}</a><a href=\"#charts\">{}</a><a href=\"#matrix\">{}</a><a href=\"#leavers\">{}</a><a href=\"#orphans\">{}</a><a href=\"#externals\">{}</a><a href=\"#seats\">{}</a><a href=\"#duties\">{}</a>",
        t!(lang, "report-nav-summary"),
        t!(lang, "report-nav-charts"),
        t!(lang, "report-nav-matrix"),
        t!(lang, "report-nav-leavers"),
        t!(lang, "report-nav-orphans"),
        t!(lang, "report-nav-externals"),
        t!(lang, "report-nav-seats"),
        t!(lang, "report-nav-duties"),
    );
    if r.discovered.is_some() {
        let _ = write!(s, "<a href=\"#discovered\">{}</a>", t!(lang, "report-nav-discovered"));
    }
    s.push_str("</nav>\n<main>\n");
}

fn footer(s: &mut String, r: &Report, lang: Lang) {
    s.push_str("</main>\n<footer>");
    if !r.warnings.is_empty() {
        let _ = write!(s, "<b>{}</b><ul id=\"warnings\">", t!(lang, "report-warnings"));
        // Messages when each warning has one (plans from this version),
        // else the English text as stored.
        let words: Vec<String> = if r.warning_messages.len() == r.warnings.len() {
            r.warning_messages.iter().map(|m| m.render(lang)).collect()
        } else {
            r.warnings.clone()
        };
        for w in &words {
            let _ = write!(s, "<li>{}</li>", esc(w));
        }
        s.push_str("</ul>");
    }
    let _ = write!(
        s,
        "{}</footer>\n<script>{SCRIPT}</script>\n</body>\n</html>\n",
        t!(lang, "report-footer", date = r.date)
    );
}
