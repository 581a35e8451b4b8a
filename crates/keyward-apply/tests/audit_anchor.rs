#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Tamper evidence beyond the file: an expected record count and hash kept
//! elsewhere detect a cut tail and a rewritten file, which the chain alone
//! cannot; an HMAC key detects a chain rebuilt by someone without the key.
//! Logs written before any of this verify as before.

use std::path::{Path, PathBuf};

use keyward_apply::AuditLog;
use keyward_apply::audit::{self, AuditError, AuditKey, Entry, Event, Expect, Record};
use sha2::{Digest, Sha256};

fn key(s: &str) -> AuditKey {
    AuditKey::new(s.repeat(32).into_bytes()).unwrap()
}

/// A log at `dir/audit.jsonl` with `n` records (written with `key`).
fn log(dir: &Path, n: usize, key: Option<&AuditKey>) -> PathBuf {
    let path = dir.join("audit.jsonl");
    let log = AuditLog::open_keyed(&path, key.cloned()).unwrap();
    for i in 0..n {
        log.record("r1", Entry::new(Event::Skipped).detail(format!("record {i}"))).unwrap();
    }
    path
}

fn lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path).unwrap().lines().map(str::to_owned).collect()
}

fn write(path: &Path, lines: &[String]) {
    std::fs::write(path, lines.iter().map(|l| format!("{l}\n")).collect::<String>()).unwrap();
}

fn expect(hash: Option<&str>, records: Option<u64>) -> Expect {
    Expect { hash: hash.map(str::to_owned), records }
}

#[test]
fn a_cut_tail_is_detected_with_the_expected_record_count() {
    let dir = tempfile::tempdir().unwrap();
    let path = log(dir.path(), 5, None);
    let anchor = audit::verify(&path).unwrap();
    let all = lines(&path);
    write(&path, &all[..3]);
    assert!(audit::verify(&path).is_ok(), "the chain alone cannot see a cut tail");
    let e = audit::verify_with(&path, None, &expect(None, Some(5))).unwrap_err();
    assert!(matches!(e, AuditError::TooFewRecords { found: 3, expected: 5, .. }), "{e}");
    assert!(e.to_string().contains("holds 3 records, fewer than the 5 expected"), "{e}");
    let e = audit::verify_with(&path, None, &expect(Some(&anchor.last_hash), None)).unwrap_err();
    assert!(matches!(e, AuditError::AnchorMissing { .. }), "{e}");
}

#[test]
fn a_rewritten_file_is_detected_with_the_expected_hash() {
    let dir = tempfile::tempdir().unwrap();
    let path = log(dir.path(), 3, None);
    let anchor = audit::verify(&path).unwrap();
    // Someone able to write the file starts a new, valid chain.
    std::fs::remove_file(&path).unwrap();
    let forged = AuditLog::open(&path).unwrap();
    for i in 0..3 {
        forged.record("r1", Entry::new(Event::Skipped).detail(format!("forged {i}"))).unwrap();
    }
    drop(forged);
    assert!(audit::verify(&path).is_ok(), "a rebuilt chain verifies on its own");
    let e = audit::verify_with(&path, None, &expect(Some(&anchor.last_hash), None)).unwrap_err();
    assert!(matches!(e, AuditError::AnchorMissing { .. }), "{e}");
    assert!(e.to_string().contains(&anchor.last_hash), "{e}");
    let e = audit::verify_with(&path, None, &expect(Some(&anchor.last_hash), Some(3))).unwrap_err();
    assert!(matches!(e, AuditError::AnchorMismatch { seq: 3, .. }), "{e}");
}

#[test]
fn records_appended_after_the_expected_one_still_verify() {
    let dir = tempfile::tempdir().unwrap();
    let path = log(dir.path(), 3, None);
    let anchor = audit::verify(&path).unwrap();
    let more = AuditLog::open(&path).unwrap();
    more.record("r2", Entry::new(Event::RunStarted)).unwrap();
    drop(more);
    let s = audit::verify_with(&path, None, &expect(Some(&anchor.last_hash.to_uppercase()), Some(3))).unwrap();
    assert_eq!(s.records, 4);
    assert_eq!(s.anchor, Some(3), "the expected record is the third");
}

#[test]
fn an_hmac_keyed_log_verifies_with_its_key_and_a_rebuilt_chain_does_not() {
    let dir = tempfile::tempdir().unwrap();
    let k = key("k");
    let path = log(dir.path(), 3, Some(&k));
    let s = audit::verify_with(&path, Some(&k), &Expect::default()).unwrap();
    assert_eq!((s.records, s.keyed), (3, 3));
    assert!(lines(&path)[0].contains("\"mac\":\""), "{}", lines(&path)[0]);
    let e = audit::verify_with(&path, Some(&key("x")), &Expect::default()).unwrap_err();
    assert!(matches!(e, AuditError::HmacMismatch { line: 1, .. }), "{e}");

    // Without the key, one can edit a record and rebuild the hash chain,
    // but not its HMAC.
    let mut records: Vec<Record> = lines(&path).iter().map(|l| serde_json::from_str(l).unwrap()).collect();
    records[1].detail = Some("nothing happened here".into());
    let mut prev = audit::GENESIS.to_owned();
    for r in &mut records {
        r.prev = prev.clone();
        r.hash.clear();
        let body = serde_json::to_string(r).unwrap();
        r.hash = hex::encode(Sha256::new().chain_update(prev.as_bytes()).chain_update(body.as_bytes()).finalize());
        prev = r.hash.clone();
    }
    write(&path, &records.iter().map(|r| serde_json::to_string(r).unwrap()).collect::<Vec<_>>());
    assert!(audit::verify(&path).is_ok(), "the rebuilt chain verifies without the key");
    let e = audit::verify_with(&path, Some(&k), &Expect::default()).unwrap_err();
    assert!(matches!(e, AuditError::HmacMismatch { line: 2, .. }), "{e}");
}

#[test]
fn unkeyed_records_after_keyed_ones_are_refused_and_a_keyed_log_needs_its_key_to_grow() {
    let dir = tempfile::tempdir().unwrap();
    let k = key("k");
    // An older, unkeyed start, then the key is set: allowed.
    let path = log(dir.path(), 2, None);
    let keyed = AuditLog::open_keyed(&path, Some(k.clone())).unwrap();
    keyed.record("r2", Entry::new(Event::RunStarted)).unwrap();
    drop(keyed);
    let s = audit::verify_with(&path, Some(&k), &Expect::default()).unwrap();
    assert_eq!((s.records, s.keyed), (3, 1));

    let e = AuditLog::open(&path).unwrap_err();
    assert!(matches!(e, AuditError::KeyNeeded { .. }), "{e}");
    assert!(e.to_string().contains("KEYWARD_AUDIT_HMAC_KEY"), "{e}");

    // An unkeyed record after the keyed one (appended by a keyward without
    // the key, or forged) is refused.
    let mut all = lines(&path);
    let forged_path = dir.path().join("other.jsonl");
    let other = AuditLog::open(&forged_path).unwrap();
    for _ in 0..4 {
        other.record("r3", Entry::new(Event::Skipped)).unwrap();
    }
    drop(other);
    let third: Record = serde_json::from_str(&all[2]).unwrap();
    let mut unkeyed: Record = serde_json::from_str(&lines(&forged_path)[3]).unwrap();
    unkeyed.prev = third.hash.clone();
    unkeyed.hash.clear();
    let body = serde_json::to_string(&unkeyed).unwrap();
    unkeyed.hash =
        hex::encode(Sha256::new().chain_update(third.hash.as_bytes()).chain_update(body.as_bytes()).finalize());
    all.push(serde_json::to_string(&unkeyed).unwrap());
    write(&path, &all);
    let e = audit::verify_with(&path, Some(&k), &Expect::default()).unwrap_err();
    assert!(matches!(e, AuditError::Unkeyed { line: 4, .. }), "{e}");
    let e = audit::verify(&path).unwrap_err();
    assert!(matches!(e, AuditError::Unkeyed { line: 4, .. }), "mixing is refused without the key too: {e}");
}

#[test]
fn a_short_key_is_refused() {
    let e = AuditKey::new(b"short".to_vec()).unwrap_err();
    assert!(e.to_string().contains("at least 32 bytes"), "{e}");
}

#[test]
fn a_log_written_before_any_of_this_verifies_as_before() {
    // Written by keyward before HMACs and expectations existed (two applies
    // of the example organisation).
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/audit-before-hmac.jsonl");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    std::fs::copy(&fixture, &path).unwrap();
    let s = audit::verify(&path).unwrap();
    assert_eq!((s.records, s.runs, s.keyed), (35, 2, 0));
    let last = "ec79ebdad26942b75150ad3af37774552545cc54bda8aa5c1e7c43ae7d49f8de";
    assert_eq!(s.last_hash, last);
    assert!(audit::verify_with(&path, Some(&key("k")), &expect(Some(last), Some(35))).is_ok());
    // And it can be continued with a key.
    let log = AuditLog::open_keyed(&path, Some(key("k"))).unwrap();
    log.record("r3", Entry::new(Event::RunStarted)).unwrap();
    drop(log);
    let s = audit::verify_with(&path, Some(&key("k")), &expect(Some(last), Some(35))).unwrap();
    assert_eq!((s.records, s.keyed), (36, 1));
}
