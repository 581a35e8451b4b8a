//! What an apply did: one [`Item`] per change with its [`ItemResult`], the
//! guard refusals, the checklists written and the audit log's state, and
//! the plain-text summary the CLI prints. Data and rendering only: the
//! applier fills it, callers read it.

use std::fmt::{self, Write as _};
use std::ops::Deref;
use std::path::PathBuf;

use keyward_core::i18n::{Arg, Lang, Msg};
use keyward_core::plan::Change;
use keyward_core::present::render;
use keyward_core::t;

use crate::audit::RunCounts;
use crate::guard::Refusal;

/// Why a change failed or was not attempted: the English text, which the
/// audit log, the controller's status and notifications keep, and — when
/// the words are keyward's own — the same as a catalogue message, so the
/// CLI's summary can say it in the reader's language. A connector's error
/// (what the app answered) has no message: it is shown as the app said it.
#[derive(Debug, Clone)]
pub struct Reason {
    text: String,
    msg: Option<Box<Msg>>,
}

impl Reason {
    /// A reason in keyward's words.
    pub fn new(msg: Msg) -> Self {
        Self { text: msg.render(Lang::En), msg: Some(Box::new(msg)) }
    }

    /// The English text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The reason in `lang` (the English text when it is no catalogue message).
    pub fn render(&self, lang: Lang) -> String {
        match &self.msg {
            Some(m) if lang != Lang::En => m.render(lang),
            _ => self.text.clone(),
        }
    }
}

/// Two reasons are the same when they say the same thing in English.
impl PartialEq for Reason {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}
impl Eq for Reason {}

impl Deref for Reason {
    type Target = str;
    fn deref(&self) -> &str {
        &self.text
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl From<String> for Reason {
    fn from(text: String) -> Self {
        Self { text, msg: None }
    }
}

impl From<&str> for Reason {
    fn from(text: &str) -> Self {
        text.to_owned().into()
    }
}

impl From<Msg> for Reason {
    fn from(msg: Msg) -> Self {
        Self::new(msg)
    }
}

/// What became of one change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ItemResult {
    /// The app made the change; what it did.
    Applied(String),
    /// The app already was as wanted.
    AlreadyDone(String),
    /// The change failed: the connector's error (the HTTP call and what the
    /// app answered, never a secret), or keyward's reason.
    Failed(Reason),
    /// Not attempted, and why.
    Skipped(Reason),
    /// Written to this checklist for a human.
    Checklist(PathBuf),
}

impl ItemResult {
    /// `applied`, `already-done`, `failed`, `skipped` or `checklist`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Applied(_) => "applied",
            Self::AlreadyDone(_) => "already-done",
            Self::Failed(_) => "failed",
            Self::Skipped(_) => "skipped",
            Self::Checklist(_) => "checklist",
        }
    }
}

/// One change of the plan and its result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// Position of the change in `plan.changes`.
    pub index: usize,
    /// The change.
    pub change: Change,
    /// What became of it.
    pub result: ItemResult,
}

/// The outcome of an apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The run id.
    pub run_id: String,
    /// Why the plan was refused; when not empty nothing was attempted.
    pub refusals: Vec<Refusal>,
    /// Every change except reviews, in plan order.
    pub items: Vec<Item>,
    /// Review items in the plan: never executed.
    pub reviews: usize,
    /// Checklists written, one per read-only app with changes.
    pub checklists: Vec<PathBuf>,
    /// Previous checklists that could not be read back, kept aside: where
    /// and why (their ticks are not carried over).
    pub checklists_set_aside: Vec<Reason>,
    /// The first failure to write the audit log, if any. Changes not yet
    /// attempted at that point were skipped.
    pub audit_error: Option<String>,
    /// `hash` of the audit log's last record after the run, to keep
    /// somewhere else: it proves later that the log was not rewritten.
    pub audit_last_hash: String,
    /// Records in the audit log after the run, kept with the hash.
    pub audit_records: u64,
}

impl Report {
    fn count(&self, f: impl Fn(&ItemResult) -> bool) -> usize {
        self.items.iter().filter(|i| f(&i.result)).count()
    }

    /// Changes the apps made.
    pub fn applied(&self) -> usize {
        self.count(|r| matches!(r, ItemResult::Applied(_)))
    }

    /// Changes already in place.
    pub fn already_done(&self) -> usize {
        self.count(|r| matches!(r, ItemResult::AlreadyDone(_)))
    }

    /// Changes that failed.
    pub fn failed(&self) -> usize {
        self.count(|r| matches!(r, ItemResult::Failed(_)))
    }

    /// Changes not attempted.
    pub fn skipped(&self) -> usize {
        self.count(|r| matches!(r, ItemResult::Skipped(_)))
    }

    /// Changes written to checklists.
    pub fn checklist_items(&self) -> usize {
        self.count(|r| matches!(r, ItemResult::Checklist(_)))
    }

    /// `true` when guards refused the plan (nothing was attempted).
    pub fn is_refused(&self) -> bool {
        !self.refusals.is_empty()
    }

    /// `true` when some change failed or was skipped, or the audit log
    /// could not be written: a rerun is needed to converge.
    pub fn is_partial(&self) -> bool {
        self.failed() > 0 || self.skipped() > 0 || self.audit_error.is_some()
    }

    /// Failed and skipped items, in plan order.
    pub fn problems(&self) -> impl Iterator<Item = &Item> {
        self.items.iter().filter(|i| matches!(i.result, ItemResult::Failed(_) | ItemResult::Skipped(_)))
    }

    /// The counts as written in `run-finished`.
    pub fn counts(&self) -> RunCounts {
        RunCounts {
            applied: self.applied(),
            already_done: self.already_done(),
            failed: self.failed(),
            skipped: self.skipped(),
            checklist: self.checklist_items(),
            reviews: self.reviews,
            refusals: self.refusals.len(),
        }
    }

    /// Plain text for the CLI in `lang`: refusals, one line per failed or
    /// skipped change (app, action, account, error), the checklists, and a
    /// summary. The connectors' own errors stay as the app gave them.
    pub fn render_text(&self, lang: Lang) -> String {
        let mut out = String::new();
        for r in &self.refusals {
            let _ = writeln!(out, "{}", t!(lang, "apply-refused", why = r.message_in(lang)));
        }
        if self.is_refused() {
            let _ = writeln!(out, "{}", t!(lang, "apply-nothing-changed", run = self.run_id.as_str()));
            return out;
        }
        for i in self.problems() {
            let c = &i.change;
            let label = c.account.label();
            let account = match c.account.id.as_deref() {
                Some(id) if id != label => t!(lang, "apply-account-with-id", label = label, id = id),
                _ => label.to_owned(),
            };
            let (result, why) = match &i.result {
                ItemResult::Failed(e) => (t!(lang, "apply-result-failed"), e.render(lang)),
                ItemResult::Skipped(e) => (t!(lang, "apply-result-skipped"), e.render(lang)),
                _ => (i.result.as_str().to_owned(), String::new()),
            };
            let action = render::action_name(c.action, lang);
            let app = c.app.as_str();
            let line =
                t!(lang, "apply-problem", result = result, app = app, action = action, account = account, why = why);
            let _ = writeln!(out, "{line}");
        }
        for why in &self.checklists_set_aside {
            let _ = writeln!(out, "{}", why.render(lang));
        }
        for path in &self.checklists {
            let _ = writeln!(out, "{}", t!(lang, "apply-checklist-written", path = path.display().to_string()));
        }
        if let Some(e) = &self.audit_error {
            let _ = writeln!(out, "{}", t!(lang, "apply-audit-error", error = e.as_str()));
        }
        let c = self.counts();
        // Bare digits, as the English line always printed them.
        let n = |n: usize| Arg::Text(n.to_string());
        let summary = t!(
            lang,
            "apply-summary",
            run = self.run_id.as_str(),
            applied = n(c.applied),
            done = n(c.already_done),
            failed = n(c.failed),
            skipped = n(c.skipped),
            checklist = n(c.checklist),
            reviews = n(c.reviews),
            partial = if self.is_partial() { "yes" } else { "no" },
        );
        let _ = writeln!(out, "{summary}");
        out
    }
}
