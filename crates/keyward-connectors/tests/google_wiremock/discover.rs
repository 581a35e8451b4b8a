//! Discovery: every user of the Workspace (only the fields it needs, 500
//! per page), then every user's OAuth tokens through batches of at most
//! 1000 calls; a PeopleSource and an Application on the same Workspace are
//! scanned once.

use crate::batch_stub::{BatchStub, Hostile, MountBatch as _, error_body, tokens};
use crate::common::fast;
use crate::support::{DIR, page, setup_with};
use keyward_connectors::ClusterSecrets;
use keyward_connectors::discover::{ScanOptions, directories, scan_all};
use keyward_core::discovery::Evidence;
use serde_json::{Value, json};

const PEOPLE: &str = "apiVersion: keyward.io/v1alpha1\nkind: PeopleSource\nmetadata: {name: hr}\nspec:\n  googleWorkspace: {serviceAccountKey: {file: key.json}, subject: it-admin@example.com, directoryUrl: \"{URI}/admin/directory/v1\"}\n---\n";

fn users(from: usize, to: usize) -> Vec<Value> {
    (from..to)
        .map(|i| json!({"id": format!("u{i}"), "primaryEmail": format!("User{i}@Example.com"), "suspended": i == 0}))
        .collect()
}

fn p(id: &str) -> String {
    format!("{DIR}/users/{id}/tokens")
}

#[tokio::test]
async fn discovery_reads_every_users_tokens_in_batches_of_a_thousand() {
    let s = setup_with(PEOPLE, "", "").await;
    let list = format!("{DIR}/users");
    page(&s, &list, None, json!({"kind": "admin#directory#users", "users": users(0, 500), "nextPageToken": "p2"}))
        .await;
    page(&s, &list, Some("p2"), json!({"users": users(500, 1000), "nextPageToken": "p3"})).await;
    page(&s, &list, Some("p3"), json!({"users": users(1000, 1500)})).await;
    let mut stub = BatchStub::new(Hostile::No)
        .answer(&p("u0"), 200, tokens(&[("slack-client", "Slack"), ("zoom-client", "Zoom")]))
        .answer(&p("u1"), 404, error_body(404, "notFound", "Resource Not Found: userKey", "NOT_FOUND"))
        .answer(&p("u2"), 429, error_body(429, "rateLimitExceeded", "Too many", "RESOURCE_EXHAUSTED"))
        .answer(&p("u2"), 200, tokens(&[("slack-client", "Slack")]));
    for i in 3..1500 {
        stub = stub.answer(&p(&format!("u{i}")), 200, tokens(&[]));
    }
    let batches = stub.mount(&s).await;

    let dirs = directories(&s.set, &ClusterSecrets::unavailable()).unwrap();
    assert_eq!(dirs.len(), 1, "the PeopleSource and the Application name one Workspace: scanned once");
    let dirs: Vec<_> = dirs.into_iter().map(|d| d.with_retry(fast())).collect();
    let since = Some(jiff::civil::date(2026, 1, 1));
    let scan = scan_all(&dirs, &ScanOptions { since }).await.unwrap().remove(0);

    assert_eq!(scan.directory, "PeopleSource/hr");
    assert_eq!(scan.kind, "googleWorkspace");
    assert_eq!(scan.users, 1499, "every user but the one deleted meanwhile");
    assert_eq!(scan.apps.len(), 2);
    assert_eq!(scan.apps["slack-client"].name.as_deref(), Some("Slack"));
    assert_eq!(scan.uses.len(), 3);
    let slack: Vec<&str> =
        scan.uses.iter().filter(|u| u.app == "slack-client").map(|u| u.user.as_str()).collect::<Vec<_>>();
    assert_eq!(slack.len(), 2);
    assert!(slack.contains(&"user0@example.com") && slack.contains(&"user2@example.com"), "{slack:?}");
    let u0 = scan.uses.iter().find(|u| u.user == "user0@example.com").unwrap();
    assert_eq!(u0.user_id.as_deref(), Some("u0"));
    assert_eq!(u0.evidence, Evidence::OauthToken);
    assert_eq!(u0.scopes.len(), 2);
    assert!(u0.first_seen.is_none() && u0.last_seen.is_none(), "Google dates no token");
    assert!(scan.notes.iter().any(|n| n.contains("--since")), "{:?}", scan.notes);

    let sizes: Vec<usize> = batches.lock().unwrap().iter().map(Vec::len).collect();
    assert_eq!(sizes, [1000, 500, 1], "two batches, then the throttled call again");
    assert_eq!(scan.requests, 3 + 1500 + 1, "three pages and every call of a batch, the retried one twice");

    let first = &s.requests("GET", &list).await[0];
    let q: Vec<(String, String)> = first.url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    for (k, v) in [
        ("customer", "my_customer"),
        ("maxResults", "500"),
        ("fields", "nextPageToken,users(id,primaryEmail,suspended)"),
    ] {
        assert!(q.contains(&(k.to_owned(), v.to_owned())), "{k}={v} missing in {q:?}");
    }
}

#[tokio::test]
async fn without_since_there_is_no_note_and_a_failing_part_fails_the_scan() {
    let s = setup_with(PEOPLE, "", "").await;
    page(&s, &format!("{DIR}/users"), None, json!({"users": users(0, 2)})).await;
    BatchStub::new(Hostile::No)
        .answer(&p("u0"), 200, tokens(&[]))
        .answer(&p("u1"), 400, error_body(400, "invalid", "Invalid Input", "INVALID_ARGUMENT"))
        .mount(&s)
        .await;
    let dirs = directories(&s.set, &ClusterSecrets::unavailable()).unwrap();
    let e = scan_all(&dirs, &ScanOptions::default()).await.unwrap_err().to_string();
    assert!(e.contains("PeopleSource/hr") && e.contains("/users/u1/tokens (in a batch)"), "{e}");
    assert!(e.contains("Invalid Input"), "{e}");
}
