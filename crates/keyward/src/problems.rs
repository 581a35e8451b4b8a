//! Printing problems: policy errors with a source snippet (miette), data
//! errors with file, line and column, and a last line that says nothing
//! was changed; and [`Said`], the CLI's own errors in the reader's language.

use std::collections::HashMap;
use std::fmt;

use keyward_connectors::ConnectorError;
use keyward_core::PolicySet;
use keyward_core::diag::{Diagnostic, Diagnostics, Severity};
use miette::{LabeledSpan, MietteDiagnostic, NamedSource};

use keyward_core::i18n::{Lang, Msg};
use keyward_core::printable::{escape, mask_keeping_offsets};
use keyward_core::t;

use crate::language;
use crate::output::{stderr_line, write_stderr_as_is};

/// Problems already described in detail; the error chain only summarises.
#[derive(Debug)]
pub struct Reported {
    diagnostics: Vec<Diagnostic>,
    texts: HashMap<String, String>,
    what: Where,
    extra: Vec<String>,
}

/// Where the problems were found, for the summary line.
#[derive(Debug, Clone, Copy)]
enum Where {
    Policy,
    HrData,
    Accounts,
}

impl Reported {
    pub fn from_policy(d: Diagnostics, texts: HashMap<String, String>) -> Self {
        Self { diagnostics: d.0, texts, what: Where::Policy, extra: Vec::new() }
    }

    /// Problems with policies that loaded, found by a check of the CLI's
    /// own (a credential only the Kubernetes controller can read).
    pub fn from_loaded(set: &PolicySet, d: Diagnostics) -> Self {
        Self { diagnostics: d.0, texts: policy_texts(set), what: Where::Policy, extra: Vec::new() }
    }

    pub fn from_data(set: &PolicySet, d: Diagnostics) -> Self {
        Self { diagnostics: d.0, texts: policy_texts(set), what: Where::HrData, extra: Vec::new() }
    }

    pub fn from_connectors(set: &PolicySet, errors: Vec<ConnectorError>) -> Self {
        let mut diagnostics = Vec::new();
        let mut extra = Vec::new();
        for e in errors {
            match e {
                ConnectorError::Data(d) => diagnostics.extend(d.0),
                other => extra.push(other.to_string()),
            }
        }
        Self { diagnostics, texts: policy_texts(set), what: Where::Accounts, extra }
    }
}

fn policy_texts(set: &PolicySet) -> HashMap<String, String> {
    let mut texts = HashMap::new();
    for o in set.applications.iter().map(|a| &a.origin).chain(set.people_sources.iter().map(|s| &s.origin)) {
        if let Some(path) = set.file_path(o)
            && let Some(t) = set.file_text(path)
        {
            texts.insert(path.to_owned(), t.to_owned());
        }
    }
    texts
}

impl Reported {
    /// "N problems in the policy files; nothing was planned or changed", in `lang`.
    fn summary(&self, lang: Lang) -> String {
        let count = self.diagnostics.iter().filter(|d| d.is_error()).count() + self.extra.len();
        match self.what {
            Where::Policy => t!(lang, "cli-problems-in-policy", count = count),
            Where::HrData => t!(lang, "cli-problems-in-hr-data", count = count),
            Where::Accounts => t!(lang, "cli-problems-reading-accounts", count = count),
        }
    }
}

impl fmt::Display for Reported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.summary(Lang::En))
    }
}

impl std::error::Error for Reported {}

/// Renders one diagnostic to stderr.
pub fn print(d: &Diagnostic, text: Option<&str>) {
    write_stderr_as_is(&format!("{}\n", render(d, text)));
}

/// Renders a warning from a loaded set.
pub fn diagnostic(set: &PolicySet, d: &Diagnostic) {
    print(d, set.file_text(&d.file));
}

fn render(d: &Diagnostic, text: Option<&str>) -> String {
    let lang = language::current();
    match (d.location, text) {
        (Some(loc), Some(text)) if d.column_name.is_none() && loc.offset <= text.len() => {
            let severity = match d.severity {
                Severity::Error => miette::Severity::Error,
                Severity::Warning => miette::Severity::Warning,
            };
            let len = loc.len.max(1).min(text.len().saturating_sub(loc.offset));
            // miette prints what it is given and may add colours of its
            // own, so the data in it is escaped here: the message and help,
            // and the snippet masked character for character, which keeps
            // the underlined span where it was.
            let mut md =
                MietteDiagnostic::new(format!("{}: {}", escape(&d.position_in(lang)), escape(&d.message_in(lang))))
                    .with_severity(severity)
                    .with_label(LabeledSpan::at(loc.offset..loc.offset + len, t!(lang, "diag-here")));
            let help = d.help_in(lang);
            // miette's own `help:` label is English: in another language
            // the help line is written after the snippet, labelled in it.
            if let Some(h) = help.as_ref().filter(|_| lang == Lang::En) {
                md = md.with_help(escape(h));
            }
            let source = NamedSource::new(escape(&d.file), mask_keeping_offsets(text).into_owned());
            let report = miette::Report::new(md).with_source_code(source);
            match help.filter(|_| lang != Lang::En) {
                // Laid out as miette lays out its own help line.
                Some(h) => {
                    format!("{}\n  {}: {}\n", format!("{report:?}").trim_end(), t!(lang, "diag-help"), escape(&h))
                }
                None => format!("{report:?}"),
            }
        }
        // The rendering escapes the data.
        _ => d.render(lang),
    }
}

/// One of the CLI's own messages (`cli.ftl`) as an error, or as the
/// context of one (`.with_context(|| said(Msg::new("cli-cannot-write")…))`):
/// shown in the language chosen at start, so one message says "cannot
/// write X" everywhere, in English or Japanese.
#[derive(Debug, Clone)]
pub struct Said(pub Msg);

/// [`Said`], shorter to write at the call.
pub fn said(m: Msg) -> Said {
    Said(m)
}

impl fmt::Display for Said {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.render(language::current()))
    }
}

impl std::error::Error for Said {}

/// Prints an error that ends the command.
pub fn error(e: &anyhow::Error) {
    if let Some(r) = e.downcast_ref::<Reported>() {
        for d in &r.diagnostics {
            print(d, r.texts.get(&d.file).map(String::as_str));
        }
        let label = t!(language::current(), "diag-error");
        for x in &r.extra {
            stderr_line(&format!("{label}: {x}"));
        }
        stderr_line(&format!("{label}: {}", r.summary(language::current())));
    } else {
        stderr_line(&format!("{}: {e:#}", t!(language::current(), "diag-error")));
    }
}
