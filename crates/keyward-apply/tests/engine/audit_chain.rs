//! The audit log's hash chain: runs link, and an edited, deleted, swapped,
//! renumbered or torn line is found.

use super::*;

async fn log_with_runs(env: &Env) -> Vec<String> {
    let set = policy(&[app_doc("crm", "{}")]);
    let c = connectors(vec![Fake::new("crm").0]);
    for run in ["r1", "r2"] {
        let p =
            plan(10, &[app("crm", 100)], vec![change("crm", Action::Create, run), change("crm", Action::Suspend, run)]);
        env.apply(&p, &c, &set, &env.opts(run)).await;
    }
    let s = verify(env.log_path()).unwrap();
    assert_eq!((s.records, s.runs), (12, 2));
    std::fs::read_to_string(env.log_path()).unwrap().lines().map(str::to_owned).collect()
}

fn write_lines(path: &Path, lines: &[String]) {
    std::fs::write(path, lines.iter().map(|l| format!("{l}\n")).collect::<String>()).unwrap();
}

#[tokio::test]
async fn the_chain_verifies_and_links_runs() {
    let env = Env::new();
    let lines = log_with_runs(&env).await;
    let records = audit::read(env.log_path()).unwrap();
    assert_eq!(records.iter().map(|r| r.seq).collect::<Vec<_>>(), (1..=12).collect::<Vec<u64>>());
    assert_eq!(records[0].prev, audit::GENESIS);
    for w in records.windows(2) {
        assert_eq!(w[1].prev, w[0].hash);
    }
    let started = &records[0];
    assert_eq!(
        (started.event, started.people_total, started.changes, started.reviews),
        (Event::RunStarted, Some(10), Some(2), Some(0))
    );
    assert_eq!(started.plan_date, Some(date(2026, 11, 23)));
    assert!(started.time.ends_with('Z') && started.time.parse::<jiff::Timestamp>().is_ok(), "{}", started.time);
    assert!(
        lines[1].contains(
            r#""event":"attempted","app":"crm","action":"create","account":"r1@example.com","person":"E-r1","reason":"#
        ),
        "{}",
        lines[1]
    );
}

#[tokio::test]
async fn editing_one_byte_of_a_middle_line_is_found() {
    let env = Env::new();
    let mut lines = log_with_runs(&env).await;
    let edited = lines[4].replacen("r1@example.com", "r1@examplf.com", 1);
    assert_ne!(edited, lines[4]);
    assert_eq!(edited.len(), lines[4].len(), "one byte changed");
    lines[4] = edited;
    write_lines(&env.log_path(), &lines);
    let e = verify(env.log_path()).unwrap_err();
    assert!(matches!(e, AuditError::HashMismatch { line: 5, .. }), "{e}");
    assert!(e.to_string().contains("line 5 of the audit log") && e.to_string().contains("altered"), "{e}");
    let refused = AuditLog::open(env.log_path()).unwrap_err();
    assert!(matches!(refused, AuditError::HashMismatch { line: 5, .. }), "open refuses a tampered log: {refused}");
}

#[tokio::test]
async fn deleting_a_line_is_found() {
    let env = Env::new();
    let mut lines = log_with_runs(&env).await;
    lines.remove(4);
    write_lines(&env.log_path(), &lines);
    let e = verify(env.log_path()).unwrap_err();
    assert!(matches!(e, AuditError::SeqGap { line: 5, expected: 5, found: 6, .. }), "{e}");
    assert!(e.to_string().contains("removed"), "{e}");
    assert!(AuditLog::open(env.log_path()).is_err());
}

#[tokio::test]
async fn swapping_two_lines_is_found() {
    let env = Env::new();
    let mut lines = log_with_runs(&env).await;
    lines.swap(3, 4);
    write_lines(&env.log_path(), &lines);
    let e = verify(env.log_path()).unwrap_err();
    assert!(matches!(e, AuditError::SeqGap { line: 4, .. }), "{e}");
}

#[tokio::test]
async fn renumbering_after_a_removal_is_still_found() {
    let env = Env::new();
    let mut lines = log_with_runs(&env).await;
    lines.remove(0);
    // Even with seq fixed up, the line's hash covers its seq.
    lines[0] = lines[0].replacen("\"seq\":2,", "\"seq\":1,", 1);
    write_lines(&env.log_path(), &lines);
    assert!(matches!(verify(env.log_path()), Err(AuditError::HashMismatch { line: 1, .. })));
}

#[tokio::test]
async fn a_torn_last_line_is_refused() {
    let env = Env::new();
    let lines = log_with_runs(&env).await;
    let mut text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    text.push_str(&lines[0][..40]);
    std::fs::write(env.log_path(), text).unwrap();
    let e = AuditLog::open(env.log_path()).unwrap_err();
    assert!(matches!(e, AuditError::TornWrite { line: 13, .. }), "{e}");
    assert!(e.to_string().contains("incomplete"), "{e}");
    assert!(verify(env.log_path()).is_err());
}
