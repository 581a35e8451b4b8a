//! The audit store in a real PostgreSQL 15 (keyward-testkit's `PostgresServer`): the chain, its
//! verification, export, migrations, several writers at once, a writer killed mid-transaction,
//! chains side by side, the roster, and the password kept out of every message.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write as _;
use std::time::Duration;

use keyward_apply::audit::postgres::verify_export;
use keyward_apply::audit::{AuditError, Entry, Event, Expect, RunCounts};
use keyward_apply::state::{PgState, State, StateError, Store};
use keyward_core::roster::Roster;
use keyward_testkit::PostgresServer;

fn state(server: &PostgresServer, db: &str) -> PgState {
    PgState::parse(&server.url(db), Some(PostgresServer::PASSWORD.to_owned())).unwrap()
}

async fn open(pg: &PgState, chain: &str) -> Store {
    State::Postgres(pg.clone()).open(chain, None).await.unwrap()
}

async fn append(store: &Store, run: &str, n: usize) {
    for i in 0..n {
        store
            .audit
            .record_async(run, Entry::new(Event::Skipped).detail(format!("record {i} \"quoted\" 日本語")))
            .await
            .unwrap();
    }
}

async fn finished_run(store: &Store, run: &str, people: usize) {
    store.audit.record_async(run, Entry::new(Event::RunStarted).people_total(people)).await.unwrap();
    store.audit.record_async(run, Entry::run_finished(RunCounts::default())).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_chain_round_trips_and_its_export_verifies_as_a_file_byte_for_byte() {
    let server = PostgresServer::start();
    let pg = state(&server, "postgres");
    let store = open(&pg, "default").await;
    append(&store, "r1", 3).await;
    finished_run(&store, "r2", 40).await;
    assert_eq!(store.audit.records(), 5);
    drop(store);
    // Re-opened (migrations already applied): verified, and the chain continues.
    let store = open(&pg, "default").await;
    assert_eq!(store.audit.records(), 5);
    assert_eq!(store.audit.last_people_total(), Some(40));
    let rec = store.audit.record_async("r3", Entry::new(Event::RunStarted)).await.unwrap();
    assert_eq!(rec.seq, 6);
    let (summary, bytes) = verify_export(&pg, "default", None, &Expect::default()).await.unwrap();
    assert_eq!((summary.records, summary.runs), (6, 2));
    assert_eq!(summary.last_hash, rec.hash);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("export.jsonl");
    std::fs::write(&file, &bytes).unwrap();
    assert_eq!(keyward_apply::verify(&file).unwrap(), summary);
    // The file backend writes the very same lines: a file log continued
    // from the export appends after it.
    let log = keyward_apply::AuditLog::open(&file).unwrap();
    assert_eq!(log.last_hash(), rec.hash);
    // With the figures kept elsewhere.
    let expect = Expect { hash: Some(rec.hash.clone()), records: Some(6) };
    assert_eq!(verify_export(&pg, "default", None, &expect).await.unwrap().0.anchor, Some(6));
    let cut = Expect { hash: None, records: Some(7) };
    let e = verify_export(&pg, "default", None, &cut).await.unwrap_err();
    assert!(matches!(e, StateError::Audit(AuditError::TooFewRecords { .. })), "{e}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tampered_row_is_named_when_the_chain_is_opened() {
    let server = PostgresServer::start();
    let pg = state(&server, "postgres");
    append(&open(&pg, "default").await, "r1", 4).await;
    server.psql("postgres", "UPDATE keyward_audit SET line = replace(line, 'record 1', 'record 9') WHERE seq = 2");
    let e = State::Postgres(pg.clone()).open("default", None).await.unwrap_err();
    assert!(matches!(e, StateError::Audit(AuditError::HashMismatch { line: 2, .. })), "{e}");
    let shown = e.to_string();
    assert!(shown.contains("line 2 of the audit log postgres://keyward@127.0.0.1:"), "{shown}");
    assert!(shown.contains("#default was altered"), "{shown}");
    // A record removed from the end: the head says more.
    server.psql("postgres", "UPDATE keyward_audit SET line = replace(line, 'record 9', 'record 1') WHERE seq = 2");
    server.psql("postgres", "DELETE FROM keyward_audit WHERE seq = 4");
    let e = State::Postgres(pg).open("default", None).await.unwrap_err();
    assert!(matches!(e, StateError::Audit(AuditError::HeadMismatch { head: 4, found: 3, .. })), "{e}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_schema_is_created_once_and_a_newer_one_is_refused() {
    let server = PostgresServer::start();
    let url = server.create_database("fresh");
    let pg = PgState::parse(&url, Some(PostgresServer::PASSWORD.to_owned())).unwrap();
    // Two keywards starting at once on an empty database.
    let (sa, sb) = (State::Postgres(pg.clone()), State::Postgres(pg.clone()));
    let (a, b) = tokio::join!(sa.open("a", None), sb.open("b", None));
    a.unwrap();
    b.unwrap();
    let versions =
        server.psql("fresh", "SELECT string_agg(version::text, ',' ORDER BY version) FROM keyward_schema_history");
    assert_eq!(versions.trim(), keyward_apply::state::pg::schema_version().to_string());
    server.psql(
        "fresh",
        "INSERT INTO keyward_schema_history (version, name, applied_on, checksum) VALUES (99, 'from_the_future', '', '0')",
    );
    let e = State::Postgres(pg).open("a", None).await.unwrap_err();
    assert!(matches!(e, StateError::SchemaNewer { found: 99, .. }), "{e}");
    assert!(e.to_string().contains("upgrade this keyward"), "{e}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writers_leave_one_chain_without_gap_fork_or_duplicate() {
    let server = PostgresServer::start();
    let pg = state(&server, "postgres");
    const WRITERS: usize = 3;
    const EACH: usize = 60;
    let mut tasks = Vec::new();
    for w in 0..WRITERS {
        // Each writer its own store (its own connections), as replicas are.
        let store = open(&pg, "default").await;
        tasks.push(tokio::spawn(async move { append(&store, &format!("writer-{w}"), EACH).await }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let (summary, bytes) = verify_export(&pg, "default", None, &Expect::default()).await.unwrap();
    assert_eq!(summary.records, WRITERS * EACH);
    let text = String::from_utf8(bytes).unwrap();
    for w in 0..WRITERS {
        assert_eq!(text.matches(&format!("\"run\":\"writer-{w}\"")).count(), EACH);
    }
    let rows = server.psql("postgres", "SELECT count(*), count(DISTINCT prev), min(seq), max(seq) FROM keyward_audit");
    assert_eq!(rows.trim(), format!("{0}|{0}|1|{0}", WRITERS * EACH));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_writer_killed_mid_transaction_leaves_nothing_and_the_next_continues() {
    let server = PostgresServer::start();
    let pg = state(&server, "postgres");
    let store = open(&pg, "default").await;
    append(&store, "r1", 2).await;
    // Another writer process takes the head and writes half a record,
    // then is killed before committing.
    let mut writer = server.psql_command("postgres").stdin(std::process::Stdio::piped()).spawn().unwrap();
    let mut stdin = writer.stdin.take().unwrap();
    writeln!(
        stdin,
        "BEGIN; SELECT seq FROM keyward_chain WHERE chain = 'default' FOR UPDATE; \
         INSERT INTO keyward_audit (chain, seq, prev, hash, time, run, event, line) \
         SELECT 'default', seq + 1, last_hash, 'half', '', 'killed', 'attempted', '{{}}' FROM keyward_chain WHERE chain = 'default';"
    )
    .unwrap();
    stdin.flush().unwrap();
    let held = || server.psql("postgres", "SELECT count(*) FROM pg_stat_activity WHERE state = 'idle in transaction'");
    for _ in 0..100 {
        if held().trim() == "1" {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(held().trim(), "1", "the writer holds the head");
    // Our append waits for the head…
    let waiting = {
        let store = store.clone();
        tokio::spawn(async move { store.audit.record_async("r2", Entry::new(Event::RunStarted)).await })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!waiting.is_finished(), "an append must wait while another writer holds the head");
    // …until the writer dies.
    writer.kill().unwrap();
    writer.wait().unwrap();
    drop(stdin);
    let rec = tokio::time::timeout(Duration::from_secs(20), waiting).await.unwrap().unwrap().unwrap();
    assert_eq!(rec.seq, 3);
    let (summary, _) = verify_export(&pg, "default", None, &Expect::default()).await.unwrap();
    assert_eq!(summary.records, 3);
    assert_eq!(server.psql("postgres", "SELECT count(*) FROM keyward_audit WHERE run = 'killed'").trim(), "0");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chains_in_one_database_are_independent() {
    let server = PostgresServer::start();
    let pg = state(&server, "postgres");
    let a = open(&pg, "org-a").await;
    let b = open(&pg, "org-b").await;
    append(&a, "ra", 3).await;
    finished_run(&b, "rb", 7).await;
    assert_eq!(a.audit.people_baseline().await.unwrap(), None);
    assert_eq!(b.audit.people_baseline().await.unwrap(), Some(7));
    assert_eq!(verify_export(&pg, "org-a", None, &Expect::default()).await.unwrap().0.records, 3);
    assert_eq!(verify_export(&pg, "org-b", None, &Expect::default()).await.unwrap().0.records, 2);
    // Tampering with one chain does not stop the other.
    server.psql("postgres", "UPDATE keyward_audit SET line = line || ' ' WHERE chain = 'org-a' AND seq = 1");
    assert!(State::Postgres(pg.clone()).open("org-a", None).await.is_err());
    assert!(State::Postgres(pg.clone()).open("org-b", None).await.is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_guards_baseline_comes_from_the_store_not_from_what_this_process_saw() {
    let server = PostgresServer::start();
    let pg = state(&server, "postgres");
    let ours = open(&pg, "default").await;
    assert_eq!(ours.audit.people_baseline().await.unwrap(), None);
    let other = open(&pg, "default").await;
    finished_run(&other, "elsewhere", 500).await;
    assert_eq!(ours.audit.people_baseline().await.unwrap(), Some(500));
    // Our next record follows the other writer's.
    assert_eq!(ours.audit.record_async("r", Entry::new(Event::RunStarted)).await.unwrap().seq, 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_roster_is_kept_per_chain_and_updates_compose() {
    let server = PostgresServer::start();
    let pg = state(&server, "postgres");
    let a = open(&pg, "a").await;
    let b = open(&pg, "b").await;
    assert_eq!(a.roster.read().await.unwrap(), Roster::default());
    let people = |json: &str| Roster::from_json(json).unwrap();
    let one = people(
        r#"{"formatVersion":1,"people":[{"id":"E1","status":"active","source":"hr","firstSeen":"2026-01-01","lastSeen":"2026-01-01"}]}"#,
    );
    a.roster.update(|_| one.clone()).await.unwrap();
    assert_eq!(a.roster.read().await.unwrap(), one);
    assert_eq!(b.roster.read().await.unwrap(), Roster::default());
    // The update sees what is stored now.
    a.roster
        .update(|now| {
            assert_eq!(now, &one);
            now.clone()
        })
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_password_is_never_shown() {
    let server = PostgresServer::start();
    let secret = PostgresServer::PASSWORD;
    let with_password = server.url("postgres").replace("keyward@", &format!("keyward:{secret}@"));
    let e = PgState::parse(&with_password, None).unwrap_err().to_string();
    assert!(!e.contains(secret), "{e}");
    assert!(e.contains("keyward:***@127.0.0.1") && e.contains("KEYWARD_STATE_PASSWORD"), "{e}");
    let pg = state(&server, "postgres");
    assert!(!format!("{pg:?}").contains(secret));
    assert!(!pg.shown().contains(secret));
    // A wrong password: the error names the database, never a password.
    let wrong = PgState::parse(&server.url("postgres"), Some("not-the-password".to_owned())).unwrap();
    let e = State::Postgres(wrong).open("default", None).await.unwrap_err().to_string();
    assert!(e.contains("cannot connect to the state database postgres://keyward@127.0.0.1:"), "{e}");
    assert!(!e.contains("not-the-password"), "{e}");
    let store = open(&pg, "default").await;
    assert!(!store.audit.path().display().to_string().contains(secret));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_keyed_chain_is_signed_checked_and_continued_only_with_its_key() {
    use keyward_apply::audit::AuditKey;
    let key = || AuditKey::new(b"0123456789abcdef0123456789abcdef-pg-test".to_vec()).unwrap();
    let server = PostgresServer::start();
    let pg = state(&server, "postgres");
    let store = State::Postgres(pg.clone()).open("default", Some(key())).await.unwrap();
    append(&store, "r1", 2).await;
    let (summary, _) = verify_export(&pg, "default", Some(&key()), &Expect::default()).await.unwrap();
    assert_eq!(summary.keyed, 2);
    let e = State::Postgres(pg.clone()).open("default", None).await.unwrap_err();
    assert!(matches!(e, StateError::Audit(AuditError::KeyNeeded { line: 1, .. })), "{e}");
    let other = AuditKey::new(b"another-key-of-at-least-32-bytes-0000".to_vec()).unwrap();
    let e = verify_export(&pg, "default", Some(&other), &Expect::default()).await.unwrap_err();
    assert!(matches!(e, StateError::Audit(AuditError::HmacMismatch { line: 1, .. })), "{e}");
}
