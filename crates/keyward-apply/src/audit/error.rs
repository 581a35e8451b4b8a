//! Why the audit log cannot be read, verified or written: each error names
//! the file and the line, and says what to do.

use std::io;
use std::path::PathBuf;

const INVESTIGATE: &str = "keyward will not append to a log it cannot verify. Compare the file with a backup or with the last hash printed by an earlier apply, keep this file as evidence, and point keyward at a new log once you know what happened";

/// Why the audit log cannot be read or written.
#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    /// The file or its directory could not be created, read, locked or written.
    #[error("cannot {what} the audit log {}: {source}", path.display())]
    Io {
        /// The log.
        path: PathBuf,
        /// What keyward was doing (`read`, `append to`).
        what: &'static str,
        /// What the operating system said.
        source: io::Error,
    },
    /// Another process (a concurrent apply) holds the log open for writing.
    #[error("the audit log {} is in use by another keyward apply; wait for it to finish (two applies at once would interleave their changes)", path.display())]
    Locked {
        /// The log.
        path: PathBuf,
    },
    /// A line is not UTF-8 JSON shaped like an audit record.
    #[error("line {line} of the audit log {} is not an audit record ({error}); {INVESTIGATE}", path.display())]
    BadJson {
        /// The log.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What the parser said.
        error: String,
    },
    /// A line's content does not match its hash: it was altered after it
    /// was written (even re-formatting counts).
    #[error("line {line} of the audit log {} was altered after it was written: its content does not match its hash; {INVESTIGATE}", path.display())]
    HashMismatch {
        /// The log.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
    },
    /// A line's `seq` is not one more than the line before: a record was
    /// removed, inserted or moved before this line.
    #[error("line {line} of the audit log {} has seq {found} where {expected} was expected: a record was removed, inserted or moved before it; {INVESTIGATE}", path.display())]
    SeqGap {
        /// The log.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// The seq that should be there.
        expected: u64,
        /// The seq that is there.
        found: u64,
    },
    /// A line's `prev` is not the hash of the line before: a record was
    /// removed or the lines were reordered (and renumbered).
    #[error("line {line} of the audit log {} does not follow the line before it (its prev is not that line's hash): a record was removed or reordered; {INVESTIGATE}", path.display())]
    PrevMismatch {
        /// The log.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
    },
    /// The last line has no line end: a write was cut short.
    #[error("the last line ({line}) of the audit log {} is incomplete: a write was cut short by a crash or a full disk (the lines before it verify). Check whether that run's last change was made, then remove the incomplete line (keep a copy) and apply again", path.display())]
    TornWrite {
        /// The log.
        path: PathBuf,
        /// 1-based line number of the incomplete line.
        line: usize,
    },
    /// An earlier write of this process failed, so the end of the file is
    /// unknown; nothing more is appended.
    #[error("the audit log {} can no longer be written: {why}; reopen it to check the end of the file", path.display())]
    Broken {
        /// The log.
        path: PathBuf,
        /// The earlier failure.
        why: String,
    },
    /// A line's HMAC does not match under the key given: it was written
    /// with another key, or altered (and its chain rebuilt) by someone
    /// without the key.
    #[error("line {line} of the audit log {} fails its HMAC check: it was altered by someone without the key (who rebuilt the hash chain), or written with another key; {INVESTIGATE}", path.display())]
    HmacMismatch {
        /// The log.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
    },
    /// A line has no HMAC although a line before it has one: once a log is
    /// keyed, every record is.
    #[error("line {line} of the audit log {} carries no HMAC although earlier lines do: it was appended without the key or forged; {INVESTIGATE}", path.display())]
    Unkeyed {
        /// The log.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
    },
    /// The log's records carry HMACs, but no key was given to continue it
    /// with (appending unkeyed records would break it).
    #[error("the audit log {} is keyed (its records carry an HMAC from line {line} on); set KEYWARD_AUDIT_HMAC_KEY (or KEYWARD_AUDIT_HMAC_KEY_FILE) to the key it was written with", path.display())]
    KeyNeeded {
        /// The log.
        path: PathBuf,
        /// The first keyed line.
        line: usize,
    },
    /// The HMAC key could not be read or is unusable.
    #[error("the audit log's HMAC key: {0}")]
    Key(String),
    /// The log holds fewer records than the count kept elsewhere: its
    /// tail was cut.
    #[error("the audit log {} holds {found} records, fewer than the {expected} expected: records were cut from its end (or the whole file was replaced); {INVESTIGATE}", path.display())]
    TooFewRecords {
        /// The log.
        path: PathBuf,
        /// Records in the log.
        found: u64,
        /// Records expected.
        expected: u64,
    },
    /// No record has the hash kept elsewhere: the log was cut before it, or
    /// rewritten.
    #[error("no record of the audit log {} has the expected hash {hash}: the log was cut before that record or rewritten (a rebuilt chain verifies on its own, but not with the hash kept elsewhere); {INVESTIGATE}", path.display())]
    AnchorMissing {
        /// The log.
        path: PathBuf,
        /// The expected hash.
        hash: String,
    },
    /// The record at the expected position has another hash: the log was
    /// rewritten up to there.
    #[error("record {seq} of the audit log {} has hash {found}, not the expected {expected}: the log was rewritten; {INVESTIGATE}", path.display())]
    AnchorMismatch {
        /// The log.
        path: PathBuf,
        /// The expected position.
        seq: u64,
        /// The hash kept elsewhere.
        expected: String,
        /// The hash the record has.
        found: String,
    },
    /// The database holding the log could not be read or written.
    #[error("cannot {what} the audit log {store}: {error}")]
    Store {
        /// The database and chain (never with a password).
        store: String,
        /// What keyward was doing (`read`, `append to`).
        what: &'static str,
        /// What the database said.
        error: String,
    },
    /// The head of a chain in the database (its record count and last
    /// hash) does not match its last record: records were removed from its
    /// end, or the head was edited.
    #[error("the head of the audit log {} says {head} records with last hash {head_hash}, but its records end at {found}: records were removed from its end or the head was edited; {INVESTIGATE}", path.display())]
    HeadMismatch {
        /// The database and chain.
        path: PathBuf,
        /// The head's record count.
        head: u64,
        /// The head's last hash.
        head_hash: String,
        /// The last record's seq.
        found: u64,
    },
    /// A bug inside keyward (a record that does not serialize, a crashed task).
    #[error("internal error writing the audit log: {0}")]
    Internal(String),
}
