//! Observation: with `lifecycle.offboarding.revoke`, the listing counts
//! the OAuth tokens and app passwords suspended users still hold, through
//! the batch endpoint; parts Google throttles go again in a later batch,
//! a part for a vanished user is skipped, anything else that fails fails
//! the listing, and a hostile answer is refused.

use crate::batch_stub::{BATCH, BatchStub, Hostile, MountBatch as _, asps, error_body, tokens};
use crate::support::{DIR, REVOKES, Setup, google_error, granted_scopes, page, setup, user};
use keyward_connectors::{Connector, ConnectorError};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

const SECURITY: &str = "https://www.googleapis.com/auth/admin.directory.user.security";

/// u1 active, u2 and u4 suspended, u3 archived.
async fn four_users(s: &Setup) {
    let mut u2 = user("u2", "leaver@example.com");
    u2["suspended"] = json!(true);
    let mut u3 = user("u3", "archived@example.com");
    u3["archived"] = json!(true);
    let mut u4 = user("u4", "vanished@example.com");
    u4["suspended"] = json!(true);
    page(s, &format!("{DIR}/users"), None, json!({"users": [user("u1", "a@example.com"), u2, u3, u4]})).await;
}

fn p(id: &str, what: &str) -> String {
    format!("{DIR}/users/{id}/{what}")
}

#[tokio::test]
async fn the_listing_counts_open_grants_of_suspended_users_only() {
    let s = setup("", REVOKES).await;
    four_users(&s).await;
    let rate = error_body(403, "rateLimitExceeded", "Rate Limit Exceeded", "PERMISSION_DENIED");
    let gone = error_body(404, "notFound", "Resource Not Found: userKey", "NOT_FOUND");
    let batches = BatchStub::new(Hostile::No)
        // Throttled the first time (429), then answered.
        .answer(&p("u2", "tokens"), 429, error_body(429, "rateLimitExceeded", "Too many", "RESOURCE_EXHAUSTED"))
        .answer(&p("u2", "tokens"), 200, tokens(&[("123.apps.googleusercontent.com", "Slack"), ("456", "Zoom")]))
        .answer(&p("u2", "asps"), 200, asps(&[7]))
        .answer(&p("u3", "tokens"), 200, tokens(&[]))
        // Throttled the first time with Google's 403, then answered.
        .answer(&p("u3", "asps"), 403, rate)
        .answer(&p("u3", "asps"), 200, json!({"kind": "admin#directory#aspList"}))
        .answer(&p("u4", "tokens"), 404, gone.clone())
        .answer(&p("u4", "asps"), 404, gone)
        .mount(&s)
        .await;

    let listing = s.google.list().await.unwrap();
    let grants = |id: &str| listing.accounts.iter().find(|a| a.id.as_str() == id).unwrap().open_grants;
    assert_eq!(grants("u1"), None, "an active user's grants are not read");
    assert_eq!(grants("u2"), Some(3), "two apps' tokens and one app password");
    assert_eq!(grants("u3"), Some(0), "an archived user with nothing left");
    assert_eq!(grants("u4"), None, "a user deleted meanwhile is skipped");
    assert!(s.google.capabilities().revoke.kinds().len() == 4, "every kind when revoke is configured");

    let batches = batches.lock().unwrap().clone();
    assert_eq!(batches.len(), 2, "one batch, then one for the throttled parts: {batches:?}");
    assert_eq!(batches[0].len(), 6, "two calls per suspended user, none for the active one");
    let mut again = batches[1].clone();
    again.sort();
    assert_eq!(again, [p("u2", "tokens"), p("u3", "asps")], "only the throttled parts go again");
    assert!(granted_scopes(&s).await.split(' ').any(|x| x == SECURITY), "the security scope is asked for");
}

#[tokio::test]
async fn without_revoke_no_batch_is_sent_and_the_scope_is_not_asked_for() {
    let s = setup("", "").await;
    four_users(&s).await;
    Mock::given(method("POST"))
        .and(path(BATCH))
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&s.server)
        .await;
    let listing = s.google.list().await.unwrap();
    assert!(listing.accounts.iter().all(|a| a.open_grants.is_none()));
    assert!(s.google.capabilities().revoke.is_empty());
    assert!(!granted_scopes(&s).await.contains(SECURITY), "existing delegations lack it: never asked for");
}

#[tokio::test]
async fn a_batch_request_throttled_as_a_whole_is_sent_again() {
    let s = setup("", REVOKES).await;
    let mut u2 = user("u2", "leaver@example.com");
    u2["suspended"] = json!(true);
    page(&s, &format!("{DIR}/users"), None, json!({"users": [user("u1", "a@example.com"), u2]})).await;
    Mock::given(method("POST"))
        .and(path(BATCH))
        .respond_with(google_error(403, "rateLimitExceeded", "Rate Limit Exceeded", "PERMISSION_DENIED"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&s.server)
        .await;
    let batches = BatchStub::new(Hostile::No)
        .answer(&p("u2", "tokens"), 200, tokens(&[("c1", "Notion")]))
        .answer(&p("u2", "asps"), 200, asps(&[]))
        .mount(&s)
        .await;
    let listing = s.google.list().await.unwrap();
    assert_eq!(listing.accounts.iter().find(|a| a.id.as_str() == "u2").unwrap().open_grants, Some(1));
    assert_eq!(s.requests("POST", BATCH).await.len(), 2, "the throttled batch, then the answered one");
    assert_eq!(batches.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn a_part_that_fails_otherwise_fails_the_listing() {
    let s = setup("", REVOKES).await;
    four_users(&s).await;
    let denied = error_body(403, "forbidden", "Not Authorized to access this resource/api", "PERMISSION_DENIED");
    BatchStub::new(Hostile::No)
        .answer(&p("u2", "tokens"), 200, tokens(&[]))
        .answer(&p("u2", "asps"), 403, denied)
        .answer(&p("u3", "tokens"), 200, tokens(&[]))
        .answer(&p("u3", "asps"), 200, asps(&[]))
        .answer(&p("u4", "tokens"), 200, tokens(&[]))
        .answer(&p("u4", "asps"), 200, asps(&[]))
        .mount(&s)
        .await;
    let e = s.google.list().await.unwrap_err();
    let text = e.to_string();
    assert!(matches!(e, ConnectorError::Http { status: Some(403), .. }), "{e:?}");
    assert!(text.contains("/users/u2/asps (in a batch)"), "names the call: {text}");
    assert!(text.contains("Not Authorized") && text.contains(SECURITY), "says what to delegate: {text}");
}

#[tokio::test]
async fn hostile_batch_answers_are_refused() {
    for (hostile, says) in [
        (Hostile::UnaskedId, "not sent, or answered twice"),
        (Hostile::ExtraPart, "more parts than"),
        (Hostile::MissingPart, "left out 1 of the 6 calls"),
    ] {
        let s = setup("", REVOKES).await;
        four_users(&s).await;
        let mut stub = BatchStub::new(hostile);
        for id in ["u2", "u3", "u4"] {
            stub = stub.answer(&p(id, "tokens"), 200, tokens(&[])).answer(&p(id, "asps"), 200, asps(&[]));
        }
        stub.mount(&s).await;
        let e = s.google.list().await.unwrap_err().to_string();
        assert!(e.contains(says), "{hostile:?}: {e}");
        assert!(e.contains(BATCH), "{hostile:?} names the batch call: {e}");
    }
}
