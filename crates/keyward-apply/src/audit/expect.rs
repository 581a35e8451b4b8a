//! Verifying a log against what was kept elsewhere: the record count and
//! the hash of a record (the last one, when it was printed or published).
//! The chain alone cannot show a cut tail, or a file rewritten with a new
//! chain; these can. Records appended after the expected one are fine: the
//! log grows between the time the figures were kept and the check.

use std::path::Path;

use super::{AuditError, AuditKey, VerifySummary, read_all, scan};

/// What a verification checks beyond the chain itself.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Expect {
    /// A record's hash, kept elsewhere (any case): some record must have
    /// it — the record `records` names, when that is given too.
    pub hash: Option<String>,
    /// How many records the log held when the figures were kept: it must
    /// hold at least that many.
    pub records: Option<u64>,
}

/// Checks a whole log as [`super::verify`] does; with `key`, each record's
/// HMAC too; with `expect`, that it still holds the records and the hash
/// kept elsewhere.
pub fn verify_with(
    path: impl AsRef<Path>,
    key: Option<&AuditKey>,
    expect: &Expect,
) -> Result<VerifySummary, AuditError> {
    let path = path.as_ref();
    verify_bytes_with(path, &read_all(path)?, key, expect)
}

/// [`verify_with`] on a log's bytes, read from `path` (a file, or the name
/// of a store's chain).
pub(super) fn verify_bytes_with(
    path: &Path,
    bytes: &[u8],
    key: Option<&AuditKey>,
    expect: &Expect,
) -> Result<VerifySummary, AuditError> {
    let wanted = expect.hash.as_deref().map(|h| h.trim().to_ascii_lowercase());
    let mut records = 0;
    let mut hash_at_count = None;
    let mut seq_of_hash = None;
    let chain = scan(path, bytes, key, |r| {
        records += 1;
        if Some(r.seq) == expect.records {
            hash_at_count = Some(r.hash.clone());
        }
        if wanted.as_deref() == Some(r.hash.as_str()) {
            seq_of_hash.get_or_insert(r.seq);
        }
    })?;
    if let Some(expected) = expect.records
        && chain.seq < expected
    {
        return Err(AuditError::TooFewRecords { path: path.to_owned(), found: chain.seq, expected });
    }
    let anchor = match (wanted, expect.records) {
        (Some(expected), Some(seq)) => {
            let found = hash_at_count.unwrap_or_default();
            if found != expected {
                return Err(AuditError::AnchorMismatch { path: path.to_owned(), seq, expected, found });
            }
            Some(seq)
        }
        (Some(hash), None) => {
            Some(seq_of_hash.ok_or_else(|| AuditError::AnchorMissing { path: path.to_owned(), hash })?)
        }
        (None, records) => records,
    };
    Ok(VerifySummary { records, runs: chain.runs, last_hash: chain.last_hash, keyed: chain.keyed, anchor })
}
