//! The append-only audit log: JSON Lines with a hash chain.
//!
//! Every record is one line, one JSON object. Each line carries the hash of
//! the line before it (`prev`) and its own `hash`, so changing, removing or
//! reordering a line breaks the chain at that line, and [`verify`] names it.
//!
//! # Canonical form and hash
//!
//! A record's *body* is `serde_json::to_string` of [`Record`] without its
//! `hash` field: one line, no whitespace, keys in the order the struct
//! declares them (`seq, time, run, event, app, action, account, accountId,
//! person, reason, peopleTotal, planDate, changes, reviews, counts, detail,
//! error, actor, approvedBy, listing, prev, mac`), absent optional fields left out, strings escaped as
//! serde_json does (only `"`, `\` and control characters; everything else
//! verbatim UTF-8).
//!
//! `hash` = lowercase hex of SHA-256 over the 64 ASCII characters of `prev`
//! followed by the body's UTF-8 bytes. The line written is the body with
//! `,"hash":"<hash>"` before the closing brace, then `\n` — that is,
//! `serde_json::to_string` of the whole record. The first record's `prev`
//! is 64 zeros ([`GENESIS`]). A line must be byte-identical to the
//! serialization of what it parses to, so even a whitespace edit counts as
//! an alteration.
//!
//! The chain proves that the file was not edited *in place*; someone who
//! can write the file can still rewrite every line after the one they
//! change. Ship the last hash and the record count
//! ([`VerifySummary::last_hash`] and `records`, printed at the end of each
//! apply) somewhere else and give them to [`verify_with`] (`keyward audit
//! verify --expect-hash --expect-records`), and a rewrite or a cut tail
//! shows (`expect`).
//!
//! # HMAC
//!
//! With an [`AuditKey`] (`key`), each record also carries `mac`: lowercase
//! hex of HMAC-SHA256 under the key over `prev` followed by the body
//! *without* `mac` — the same input as the hash, before `mac` is added —
//! and the hash then covers the body with `mac`. Someone without the key
//! can rebuild the chain but not the HMACs. Records written before a key
//! was set have no `mac` and verify as before; once a record has one, every
//! later record must, and a keyed log is continued only with its key.
//!
//! # Durability
//!
//! Each record is written with one `write_all` of the full line followed by
//! `sync_data`, and `attempted` is written before a change is sent, so after
//! a crash the log shows every change that may have been made. A torn last
//! line (a crash mid-write) makes [`AuditLog::open`] refuse rather than
//! glue the next record onto it. The file is locked while open, so two
//! applies cannot fork the chain.

use std::fs;
use std::path::Path;

use jiff::civil::Date;
use keyward_connectors::http::redact_known;
use keyward_core::action::Action;
use keyward_core::history::ListingRecord;
use keyward_core::plan::{Change, Plan};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::guard::Refusal;

pub mod actor;
mod error;
mod expect;
mod file;
mod key;
mod log;
pub mod postgres;
#[cfg(test)]
mod tests;

pub use error::AuditError;
pub use expect::{Expect, verify_with};
pub use key::AuditKey;
pub use log::AuditLog;

/// `prev` of the first record.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What a record is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Event {
    /// An apply began (`peopleTotal`, `planDate`, `changes`, `reviews`).
    RunStarted,
    /// A change is about to be sent to the app. Written first, so a crash
    /// between the call and its answer still leaves a trace.
    Attempted,
    /// The app made the change (`detail` says what it did).
    Applied,
    /// The app already was as wanted.
    AlreadyDone,
    /// The change failed (`error`).
    Failed,
    /// The change was not attempted (`detail` says why).
    Skipped,
    /// The change was written to a checklist for a human (`detail`: file).
    Checklist,
    /// A human recorded that they made a checklist item's change
    /// (`keyward checklist done`/`import`; `detail`: `by <name>`).
    ChecklistDone,
    /// A guard refused the plan (`detail`); nothing was changed.
    Refused,
    /// The apply ended (`counts`).
    RunFinished,
    /// The accounts keyward read from an app (`app`, `listing`: complete,
    /// or the difference from the app's last listing record). Written at
    /// each apply, so `keyward history` can say who had access when.
    Listed,
}

impl Event {
    /// The word written in the log.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::RunStarted => "run-started",
            Self::Attempted => "attempted",
            Self::Applied => "applied",
            Self::AlreadyDone => "already-done",
            Self::Failed => "failed",
            Self::Skipped => "skipped",
            Self::Checklist => "checklist",
            Self::ChecklistDone => "checklist-done",
            Self::Refused => "refused",
            Self::RunFinished => "run-finished",
            Self::Listed => "listed",
        }
    }
}

/// How an apply ended, in `run-finished`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RunCounts {
    /// Changes the apps made.
    pub applied: usize,
    /// Changes that were already in place.
    pub already_done: usize,
    /// Changes that failed.
    pub failed: usize,
    /// Changes not attempted.
    pub skipped: usize,
    /// Changes handed to humans as checklist items.
    pub checklist: usize,
    /// Review items in the plan (never executed).
    pub reviews: usize,
    /// Guard refusals (when non-zero nothing was attempted).
    pub refusals: usize,
}

/// One line of the audit log. Field order is the canonical order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Record {
    /// 1-based position in the log, continuing across runs.
    pub seq: u64,
    /// When it was written, RFC 3339 in UTC.
    pub time: String,
    /// The apply it belongs to.
    pub run: String,
    /// What happened.
    pub event: Event,
    /// Application.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app: Option<String>,
    /// The planned action.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<Action>,
    /// The account's most recognisable handle (e-mail, username or id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// The app's id for the account (absent before a create).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    /// The person's employee number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person: Option<String>,
    /// Why the plan wanted the change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// `run-started`: people in the HR snapshot.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub people_total: Option<usize>,
    /// `run-started`: the day the plan is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan_date: Option<Date>,
    /// `run-started`: changes to carry out (reviews not included).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub changes: Option<usize>,
    /// `run-started`: review items in the plan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reviews: Option<usize>,
    /// `run-finished`: how it went.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counts: Option<RunCounts>,
    /// What the app did, why a change was skipped, a refusal, a file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Why a change failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Who ran it: `github:LOGIN (run ID)`, `gitlab:LOGIN`,
    /// `kubernetes:system:serviceaccount:NS:NAME`, `local:USER@HOST`… (see
    /// [`actor`]). Absent in records written before keyward recorded it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    /// `run-started` of a saved plan: who approved it, where known
    /// (`apply --approved-by`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approved_by: Option<String>,
    /// `listed`: the app's accounts (see [`keyward_core::history`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listing: Option<ListingRecord>,
    /// `hash` of the previous line; [`GENESIS`] for the first.
    pub prev: String,
    /// HMAC of the record under the log's key, when it has one (see the
    /// module documentation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mac: Option<String>,
    /// See the module documentation. Empty only while being computed.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub hash: String,
}

impl Record {
    /// The body the hash covers: the record without `hash`.
    fn body(&self) -> Result<String, serde_json::Error> {
        let mut r = self.clone();
        r.hash.clear();
        serde_json::to_string(&r)
    }

    /// The body the HMAC covers: the record without `hash` and `mac`.
    fn unsigned_body(&self) -> Result<String, serde_json::Error> {
        let mut r = self.clone();
        r.hash.clear();
        r.mac = None;
        serde_json::to_string(&r)
    }
}

impl Record {
    /// The record `entry` makes at `seq` after `prev` in `run`, stamped
    /// now, with every secret this process holds removed, signed under
    /// `key`; and its line (without the line end). Both backends write
    /// exactly this line.
    fn next(
        seq: u64,
        prev: String,
        run: &str,
        entry: Entry,
        key: Option<&AuditKey>,
    ) -> Result<(Record, String), AuditError> {
        let now = jiff::Timestamp::now();
        let time = now.round(jiff::Unit::Millisecond).unwrap_or(now).to_string();
        let Entry {
            event,
            app,
            action,
            account,
            account_id,
            person,
            reason,
            people_total,
            plan_date,
            changes,
            reviews,
            counts,
            detail,
            error,
            actor,
            approved_by,
            listing,
        } = entry.redacted();
        let mut rec = Record {
            seq,
            time,
            run: run.to_owned(),
            event,
            app,
            action,
            account,
            account_id,
            person,
            reason,
            people_total,
            plan_date,
            changes,
            reviews,
            counts,
            detail,
            error,
            actor,
            approved_by,
            listing,
            prev,
            mac: None,
            hash: String::new(),
        };
        if let Some(key) = key {
            let unsigned = rec.unsigned_body().map_err(|e| AuditError::Internal(e.to_string()))?;
            rec.mac = Some(key.sign(&rec.prev, &unsigned));
        }
        let body = rec.body().map_err(|e| AuditError::Internal(e.to_string()))?;
        rec.hash = chain_hash(&rec.prev, &body);
        let line = serde_json::to_string(&rec).map_err(|e| AuditError::Internal(e.to_string()))?;
        Ok((rec, line))
    }
}

fn chain_hash(prev: &str, body: &str) -> String {
    let mut h = Sha256::new();
    h.update(prev.as_bytes());
    h.update(body.as_bytes());
    hex::encode(h.finalize())
}

/// What to record; the log adds `seq`, `time`, `run`, `prev` and `hash`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    event: Event,
    app: Option<String>,
    action: Option<Action>,
    account: Option<String>,
    account_id: Option<String>,
    person: Option<String>,
    reason: Option<String>,
    people_total: Option<usize>,
    plan_date: Option<Date>,
    changes: Option<usize>,
    reviews: Option<usize>,
    counts: Option<RunCounts>,
    detail: Option<String>,
    error: Option<String>,
    actor: Option<String>,
    approved_by: Option<String>,
    listing: Option<ListingRecord>,
}

impl Entry {
    /// An event with no further fields.
    pub fn new(event: Event) -> Self {
        Self {
            event,
            app: None,
            action: None,
            account: None,
            account_id: None,
            person: None,
            reason: None,
            people_total: None,
            plan_date: None,
            changes: None,
            reviews: None,
            counts: None,
            detail: None,
            error: None,
            actor: None,
            approved_by: None,
            listing: None,
        }
    }

    /// An event about one change: app, action, account, person, reason.
    pub fn change(event: Event, c: &Change) -> Self {
        Self {
            app: Some(c.app.to_string()),
            action: Some(c.action),
            account: Some(c.account.label().to_owned()),
            account_id: c.account.id.as_ref().map(ToString::to_string),
            person: c.person.as_ref().map(|p| p.id.to_string()),
            reason: Some(c.reason.clone()),
            ..Self::new(event)
        }
    }

    /// `run-started` for this plan.
    pub fn run_started(plan: &Plan) -> Self {
        let reviews = plan.changes.iter().filter(|c| c.action == Action::Review).count();
        Self {
            people_total: Some(plan.people.total),
            plan_date: Some(plan.date),
            changes: Some(plan.changes.len() - reviews),
            reviews: Some(reviews),
            ..Self::new(Event::RunStarted)
        }
    }

    /// `refused` for one guard refusal.
    pub fn refused(r: &Refusal) -> Self {
        Self { app: r.app.clone(), detail: Some(r.message.clone()), ..Self::new(Event::Refused) }
    }

    /// `run-finished` with its counts.
    pub fn run_finished(counts: RunCounts) -> Self {
        Self { counts: Some(counts), ..Self::new(Event::RunFinished) }
    }

    /// `listed`: what was read from `app`.
    pub fn listed(app: &str, listing: ListingRecord) -> Self {
        Self { app: Some(app.to_owned()), listing: Some(listing), ..Self::new(Event::Listed) }
    }

    /// Adds `peopleTotal` (the HR head count of a `run-started`).
    pub fn people_total(mut self, total: usize) -> Self {
        self.people_total = Some(total);
        self
    }

    /// Adds who approved the plan (`approvedBy`), bounded and without
    /// control characters (see [`actor::clean`]).
    pub fn approved_by(mut self, name: &str) -> Self {
        self.approved_by = actor::clean(name);
        self
    }

    /// Adds who ran it (`actor`) unless it already says, bounded and
    /// without control characters.
    pub(crate) fn by(mut self, actor: Option<&str>) -> Self {
        if self.actor.is_none() {
            self.actor = actor.and_then(actor::clean);
        }
        self
    }

    /// Adds a `detail`.
    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    /// Adds an `error`.
    pub fn error(mut self, error: impl Into<String>) -> Self {
        self.error = Some(error.into());
        self
    }

    /// Every text without the secrets this process holds: a line of the
    /// log can never be removed, so a token an app echoed in a way no
    /// connector caught must not reach it (see `keyward_http::redact_known`).
    fn redacted(self) -> Self {
        let scrub = |t: Option<String>| t.map(|t| redact_known(&t).into_owned());
        Self {
            app: scrub(self.app),
            account: scrub(self.account),
            account_id: scrub(self.account_id),
            person: scrub(self.person),
            reason: scrub(self.reason),
            detail: scrub(self.detail),
            error: scrub(self.error),
            actor: scrub(self.actor),
            approved_by: scrub(self.approved_by),
            ..self
        }
    }
}

/// What [`verify`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifySummary {
    /// Records (lines).
    pub records: usize,
    /// Applies started (`run-started` records).
    pub runs: usize,
    /// `hash` of the last record; [`GENESIS`] for an empty log.
    pub last_hash: String,
    /// Records carrying an HMAC (checked when a key was given).
    pub keyed: usize,
    /// The `seq` of the record an expected hash or count named, when one
    /// was given (see [`verify_with`]).
    pub anchor: Option<u64>,
}

/// Which HR head count the next apply is compared with.
///
/// Only a run that started, was not refused, and finished counts. A refused
/// run's snapshot is the suspect one — if it counted, simply running again
/// would get past the HR-shrink guard. A run that crashed before finishing
/// does not count either: the comparison then uses an older, trusted
/// figure, which can only make the guard stricter. A run that applied
/// nothing still counts: the guards accepted its snapshot, and for apps
/// with read-only connectors no run ever applies anything.
#[derive(Debug, Default, Clone)]
struct Baseline {
    current: Option<(String, Option<usize>, bool)>,
    last: Option<usize>,
}

impl Baseline {
    fn observe(&mut self, r: &Record) {
        match r.event {
            Event::RunStarted => self.current = Some((r.run.clone(), r.people_total, false)),
            Event::Refused => {
                if let Some(c) = self.current.as_mut().filter(|c| c.0 == r.run) {
                    c.2 = true;
                }
            }
            Event::RunFinished => {
                if let Some((_, total, refused)) = self.current.take_if(|c| c.0 == r.run) {
                    let refused = refused || r.counts.is_some_and(|c| c.refusals > 0);
                    if !refused && total.is_some() {
                        self.last = total;
                    }
                }
            }
            _ => {}
        }
    }
}

/// The state at the end of a verified chain.
#[derive(Debug)]
struct Chain {
    seq: u64,
    last_hash: String,
    runs: usize,
    baseline: Baseline,
    /// Records with an HMAC, and the line of the first.
    keyed: usize,
    first_keyed: Option<usize>,
}

/// Verifies `bytes` (the whole log) — with `key`, each record's HMAC too —
/// and calls `each` with every record.
fn scan(path: &Path, bytes: &[u8], key: Option<&AuditKey>, mut each: impl FnMut(&Record)) -> Result<Chain, AuditError> {
    let mut chain = Chain {
        seq: 0,
        last_hash: GENESIS.to_owned(),
        runs: 0,
        baseline: Baseline::default(),
        keyed: 0,
        first_keyed: None,
    };
    let torn = !bytes.is_empty() && !bytes.ends_with(b"\n");
    let mut lines: Vec<&[u8]> = bytes.split(|b| *b == b'\n').collect();
    // `split` yields an empty piece after the final line end, or the torn
    // remainder when there is none; either way it is not a complete line.
    let tail = lines.pop();
    for (i, raw) in lines.into_iter().enumerate() {
        let line = i + 1;
        let bad = |error: String| AuditError::BadJson { path: path.to_owned(), line, error };
        let text = std::str::from_utf8(raw).map_err(|e| bad(e.to_string()))?;
        let rec: Record = serde_json::from_str(text).map_err(|e| bad(e.to_string()))?;
        let altered = || AuditError::HashMismatch { path: path.to_owned(), line };
        let canonical = serde_json::to_string(&rec).map_err(|e| bad(e.to_string()))?;
        if canonical != text {
            return Err(altered());
        }
        let body = rec.body().map_err(|e| bad(e.to_string()))?;
        if chain_hash(&rec.prev, &body) != rec.hash {
            return Err(altered());
        }
        if rec.seq != chain.seq + 1 {
            return Err(AuditError::SeqGap { path: path.to_owned(), line, expected: chain.seq + 1, found: rec.seq });
        }
        if rec.prev != chain.last_hash {
            return Err(AuditError::PrevMismatch { path: path.to_owned(), line });
        }
        match &rec.mac {
            Some(mac) => {
                chain.keyed += 1;
                chain.first_keyed.get_or_insert(line);
                let unsigned = rec.unsigned_body().map_err(|e| bad(e.to_string()))?;
                if key.is_some_and(|k| !k.verify(&rec.prev, &unsigned, mac)) {
                    return Err(AuditError::HmacMismatch { path: path.to_owned(), line });
                }
            }
            None if chain.first_keyed.is_some() => return Err(AuditError::Unkeyed { path: path.to_owned(), line }),
            None => {}
        }
        chain.seq = rec.seq;
        chain.last_hash.clone_from(&rec.hash);
        if rec.event == Event::RunStarted {
            chain.runs += 1;
        }
        chain.baseline.observe(&rec);
        each(&rec);
    }
    if torn {
        let line = chain.seq as usize + 1;
        debug_assert!(tail.is_some_and(|t| !t.is_empty()));
        return Err(AuditError::TornWrite { path: path.to_owned(), line });
    }
    Ok(chain)
}

fn read_all(path: &Path) -> Result<Vec<u8>, AuditError> {
    fs::read(path).map_err(|source| AuditError::Io { path: path.to_owned(), what: "read", source })
}

/// Checks a whole log: every line parses, is in canonical form, matches
/// its hash, follows the line before, no unkeyed line follows a keyed one,
/// and the last line is complete. HMACs are checked only with a key, and a
/// cut tail or a rewritten file only with what was kept elsewhere: see
/// [`verify_with`].
pub fn verify(path: impl AsRef<Path>) -> Result<VerifySummary, AuditError> {
    verify_with(path, None, &Expect::default())
}

/// Verifies a log and returns its records.
pub fn read(path: impl AsRef<Path>) -> Result<Vec<Record>, AuditError> {
    let path = path.as_ref();
    let bytes = read_all(path)?;
    let mut out = Vec::new();
    scan(path, &bytes, None, |r| out.push(r.clone()))?;
    Ok(out)
}
