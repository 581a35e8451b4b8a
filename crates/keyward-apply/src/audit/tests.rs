//! Tests of the JSON Lines log: the chain, the canonical form, the lock and
//! the guards' baseline.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use super::*;

fn log_with(n: usize) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit/log.jsonl");
    let log = AuditLog::open(&path).unwrap();
    for i in 0..n {
        log.record("r1", Entry::new(Event::Skipped).detail(format!("record {i} \"quoted\" 日本語"))).unwrap();
    }
    (dir, path)
}

#[test]
fn a_secret_the_process_holds_never_reaches_a_line() {
    let token = keyward_connectors::http::Secret::new("kw/audit-SECRET+5e4d3c2b");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("log.jsonl");
    let log = AuditLog::open(&path).unwrap();
    let echoed = format!("HTTP 400: invalid token {}", token.expose().replace('/', "\\/"));
    log.record("r1", Entry::new(Event::Failed).error(echoed).detail(token.expose())).unwrap();
    let text = fs::read_to_string(&path).unwrap();
    assert!(!text.contains("audit-SECRET"), "{text}");
    assert!(text.contains(r#""detail":"***","error":"HTTP 400: invalid token ***""#), "{text}");
    verify(&path).unwrap();
}

#[test]
fn hash_is_sha256_of_prev_then_body() {
    let (_d, path) = log_with(2);
    let recs = read(&path).unwrap();
    assert_eq!(recs[0].prev, GENESIS);
    assert_eq!(recs[1].prev, recs[0].hash);
    let text = fs::read_to_string(&path).unwrap();
    let first = text.lines().next().unwrap();
    let body = first.replace(&format!(",\"hash\":\"{}\"", recs[0].hash), "");
    let mut h = Sha256::new();
    h.update(GENESIS.as_bytes());
    h.update(body.as_bytes());
    assert_eq!(hex::encode(h.finalize()), recs[0].hash);
    assert!(first.starts_with("{\"seq\":1,\"time\":\""), "{first}");
    assert!(first.ends_with(&format!("\"prev\":\"{GENESIS}\",\"hash\":\"{}\"}}", recs[0].hash)), "{first}");
}

#[test]
fn seq_continues_across_opens() {
    let (_d, path) = log_with(3);
    let log = AuditLog::open(&path).unwrap();
    let r = log.record("r2", Entry::new(Event::RunStarted)).unwrap();
    assert_eq!(r.seq, 4);
    drop(log);
    let s = verify(&path).unwrap();
    assert_eq!((s.records, s.runs), (4, 1));
    assert_eq!(s.last_hash, r.hash);
}

#[test]
fn a_second_writer_is_refused_while_the_first_is_open() {
    let (_d, path) = log_with(1);
    let first = AuditLog::open(&path).unwrap();
    assert!(matches!(AuditLog::open(&path), Err(AuditError::Locked { .. })));
    drop(first);
    assert!(AuditLog::open(&path).is_ok());
}

#[test]
fn reformatting_a_line_counts_as_altering_it() {
    let (_d, path) = log_with(3);
    let text = fs::read_to_string(&path).unwrap();
    fs::write(&path, text.replacen("{\"seq\":2,", "{\"seq\": 2,", 1)).unwrap();
    let e = verify(&path).unwrap_err();
    assert!(matches!(e, AuditError::HashMismatch { line: 2, .. }), "{e}");
}

#[test]
fn unknown_fields_are_not_ignored() {
    let (_d, path) = log_with(2);
    let text = fs::read_to_string(&path).unwrap();
    fs::write(&path, text.replacen("{\"seq\":2,", "{\"seq\":2,\"extra\":1,", 1)).unwrap();
    assert!(matches!(verify(&path), Err(AuditError::BadJson { line: 2, .. })));
}

fn run(log: &AuditLog, id: &str, total: usize, refused: bool, finish: bool) {
    let mut e = Entry::new(Event::RunStarted);
    e.people_total = Some(total);
    log.record(id, e).unwrap();
    if refused {
        log.record(id, Entry::refused(&Refusal { app: None, message: "no".into(), msg: None })).unwrap();
    }
    if finish {
        let counts = RunCounts { refusals: usize::from(refused), ..RunCounts::default() };
        log.record(id, Entry::run_finished(counts)).unwrap();
    }
}

#[test]
fn baseline_skips_refused_and_unfinished_runs() {
    let (_d, path) = log_with(0);
    let log = AuditLog::open(&path).unwrap();
    assert_eq!(log.last_people_total(), None);
    run(&log, "a", 800, false, true);
    assert_eq!(log.last_people_total(), Some(800));
    run(&log, "b", 600, true, true);
    assert_eq!(log.last_people_total(), Some(800), "a refused run must not lower the baseline");
    run(&log, "c", 700, false, false);
    assert_eq!(log.last_people_total(), Some(800), "an unfinished run does not count");
    run(&log, "d", 790, false, true);
    assert_eq!(log.last_people_total(), Some(790));
    drop(log);
    assert_eq!(AuditLog::open(&path).unwrap().last_people_total(), Some(790), "the same after reopening");
}

#[test]
fn every_record_names_its_actor_and_older_records_without_one_still_verify() {
    let (_d, path) = log_with(2);
    let log = AuditLog::open(&path).unwrap().with_actor(Some("github:octo (run 42)\n"));
    log.record("r2", Entry::new(Event::RunStarted).approved_by("lead\u{7}")).unwrap();
    drop(log);
    let recs = read(&path).unwrap();
    assert_eq!(recs[1].actor, None, "records written before keep no actor");
    assert_eq!(recs[2].actor.as_deref(), Some("github:octo (run 42)"));
    assert_eq!(recs[2].approved_by.as_deref(), Some("lead"));
    let text = fs::read_to_string(&path).unwrap();
    let last = text.lines().last().unwrap();
    assert!(last.contains(r#""actor":"github:octo (run 42)","approvedBy":"lead","prev":""#), "{last}");
    assert_eq!(verify(&path).unwrap().records, 3);
}
