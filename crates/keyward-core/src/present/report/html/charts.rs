//! The charts section: inline SVG bar charts of the report's figures.

use std::fmt::Write as _;

use crate::i18n::Lang;
use crate::present::escape::html_text as esc;
use crate::present::report::{Bar, Report};

pub(super) struct Segment {
    class: &'static str,
    /// The key tools read (`data-segment`).
    name: &'static str,
    /// What the legend says.
    label: String,
}

/// A horizontal bar chart; each row a label and one value per segment
/// (stacked). Labels are cut to fit and shown whole in a tooltip.
pub(super) fn bar_chart(
    id: &str,
    title: &str,
    rows: &[(String, Vec<usize>)],
    segments: &[Segment],
    lang: Lang,
) -> String {
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
        let _ = write!(s, "<text x=\"{LABEL}\" y=\"18\" class=\"lbl\">{}</text>", t!(lang, "report-none"));
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
            let _ = write!(s, "<span><span class=\"sw {}\"></span>{}</span>", seg.class, seg.label);
        }
        s.push_str("</div>");
    }
    s.push_str("</figure>");
    s
}

/// At most `n` characters, with an ellipsis when cut.
pub(super) fn cut(s: &str, n: usize) -> String {
    if s.chars().count() <= n { s.to_owned() } else { format!("{}…", s.chars().take(n - 1).collect::<String>()) }
}

pub(super) fn single(bars: &[Bar]) -> Vec<(String, Vec<usize>)> {
    bars.iter().map(|b| (b.label.clone(), vec![b.value])).collect()
}

pub(super) fn charts(s: &mut String, r: &Report, lang: Lang) {
    let _ = write!(
        s,
        "<section id=\"charts\"><h2>{}</h2><p class=\"lead\">{}</p><div class=\"grid\"><div>",
        t!(lang, "report-nav-charts"),
        t!(lang, "report-charts-lead")
    );
    let by_app: Vec<(String, Vec<usize>)> = r
        .charts
        .accounts_by_app
        .iter()
        .map(|b| (b.app.clone(), vec![b.open, b.suspended, b.unmatched, b.other]))
        .collect();
    s.push_str(&bar_chart(
        "chart-apps",
        &t!(lang, "report-chart-apps"),
        &by_app,
        &[
            Segment { class: "f-open", name: "people, open", label: t!(lang, "report-segment-open") },
            Segment { class: "f-suspended", name: "people, suspended", label: t!(lang, "report-segment-suspended") },
            Segment { class: "f-unmatched", name: "matching nobody", label: t!(lang, "report-segment-unmatched") },
            Segment { class: "f-other", name: "protected and bots", label: t!(lang, "report-segment-other") },
        ],
        lang,
    ));
    s.push_str("<div style=\"height:20px\"></div>");
    s.push_str(&bar_chart(
        "chart-leavers",
        &t!(lang, "report-chart-leavers"),
        &single(&r.charts.leaver_accounts_by_app),
        &[Segment { class: "f-leaver", name: "leavers' open accounts", label: t!(lang, "report-segment-leavers") }],
        lang,
    ));
    s.push_str("</div><div>");
    s.push_str(&bar_chart(
        "chart-departments",
        &t!(lang, "report-chart-departments"),
        &single(&r.charts.accounts_by_department),
        &[Segment { class: "f-dept", name: "open accounts", label: t!(lang, "report-segment-departments") }],
        lang,
    ));
    s.push_str("</div></div></section>\n");
}
