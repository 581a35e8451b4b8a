//! Revoke: sign out, delete every app's OAuth tokens and every app
//! password, invalidate backup codes, in that order; idempotent (what is
//! gone already is done), a deleted user is done, and a refusal names the
//! scope to add to the delegation.

use crate::batch_stub::{asps, error_body, tokens};
use crate::support::{ACCESS_TOKEN, DIR, REVOKES, Setup, bearer, change, setup};
use keyward_connectors::{Connector, ConnectorError, Outcome};
use keyward_core::account::RevokeKinds;
use keyward_core::action::Action;
use keyward_core::resources::RevokeKind;
use serde_json::Value;
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

async fn on(s: &Setup, verb: &str, p: &str, status: u16, body: Option<Value>) {
    let mut r = ResponseTemplate::new(status);
    if let Some(b) = body {
        r = r.set_body_json(b);
    }
    Mock::given(method(verb))
        .and(path(format!("{DIR}/users/u3{p}")))
        .and(bearer())
        .respond_with(r)
        .mount(&s.server)
        .await;
}

/// The calls the stub received, as `VERB /path` under the user, in order.
async fn calls(s: &Setup) -> Vec<String> {
    let prefix = format!("{DIR}/users/u3");
    s.server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter_map(|r| r.url.path().strip_prefix(&prefix).map(|p| format!("{} {p}", r.method)))
        .collect()
}

fn revoke(kinds: Option<&[RevokeKind]>) -> keyward_core::plan::Change {
    let mut c = change(Action::Revoke, Some("u3"));
    c.revoke = kinds.map(RevokeKinds::of);
    c
}

#[tokio::test]
async fn revoke_closes_sessions_tokens_passwords_and_codes_in_order() {
    let s = setup("", REVOKES).await;
    on(&s, "POST", "/signOut", 204, None).await;
    let listed = tokens(&[("123-abc.apps.googleusercontent.com", "Slack"), ("zoom-id", "Zoom\u{1b}[2J")]);
    on(&s, "GET", "/tokens", 200, Some(listed)).await;
    on(&s, "DELETE", "/tokens/123-abc.apps.googleusercontent.com", 204, None).await;
    // Deleted by someone else meanwhile: gone is what was wanted.
    on(&s, "DELETE", "/tokens/zoom-id", 404, Some(error_body(404, "notFound", "Not Found", "NOT_FOUND"))).await;
    on(&s, "GET", "/asps", 200, Some(asps(&[7]))).await;
    on(&s, "DELETE", "/asps/7", 204, None).await;
    on(&s, "POST", "/verificationCodes/invalidate", 204, None).await;

    let all = [RevokeKind::Sessions, RevokeKind::OauthTokens, RevokeKind::AppPasswords, RevokeKind::VerificationCodes];
    let out = s.google.apply(&revoke(Some(&all[..]))).await.unwrap();
    assert_eq!(
        out,
        Outcome::Applied(
            "u3: signed out; 2 OAuth tokens (Slack, Zoom\\u{1b}[2J) and 1 app password revoked; backup codes invalidated"
                .into()
        ),
        "app names are escaped"
    );
    assert_eq!(
        calls(&s).await,
        [
            "POST /signOut",
            "GET /tokens",
            "DELETE /tokens/123-abc.apps.googleusercontent.com",
            "DELETE /tokens/zoom-id",
            "GET /asps",
            "DELETE /asps/7",
            "POST /verificationCodes/invalidate"
        ]
    );
}

#[tokio::test]
async fn a_second_revoke_with_nothing_open_only_signs_out_and_invalidates() {
    let s = setup("", REVOKES).await;
    on(&s, "POST", "/signOut", 204, None).await;
    on(&s, "GET", "/tokens", 200, Some(tokens(&[]))).await;
    on(&s, "GET", "/asps", 200, Some(serde_json::json!({"kind": "admin#directory#aspList"}))).await;
    on(&s, "POST", "/verificationCodes/invalidate", 204, None).await;
    // No set in the change: everything the connector can revoke.
    let out = s.google.apply(&revoke(None)).await.unwrap();
    assert_eq!(
        out,
        Outcome::Applied("u3: signed out; no OAuth token or app password was left; backup codes invalidated".into())
    );
    assert_eq!(calls(&s).await, ["POST /signOut", "GET /tokens", "GET /asps", "POST /verificationCodes/invalidate"]);
}

#[tokio::test]
async fn only_the_kinds_asked_for_are_closed() {
    let s = setup("", REVOKES).await;
    on(&s, "GET", "/tokens", 200, Some(tokens(&[]))).await;
    let out = s.google.apply(&revoke(Some(&[RevokeKind::OauthTokens][..]))).await.unwrap();
    assert_eq!(
        out,
        Outcome::AlreadyDone("u3: no OAuth token was left".into()),
        "nothing was sent that changes anything"
    );
    assert_eq!(calls(&s).await, ["GET /tokens"]);
}

#[tokio::test]
async fn revoking_a_deleted_user_is_done_already() {
    let s = setup("", REVOKES).await;
    on(&s, "POST", "/signOut", 404, Some(error_body(404, "notFound", "Resource Not Found: userKey", "NOT_FOUND")))
        .await;
    let out = s.google.apply(&revoke(None)).await.unwrap();
    assert_eq!(out, Outcome::AlreadyDone("u3: the user no longer exists".into()));
    assert_eq!(calls(&s).await, ["POST /signOut"]);
}

#[tokio::test]
async fn a_refusal_names_the_scope_to_add_to_the_delegation() {
    let s = setup("", REVOKES).await;
    let denied = error_body(403, "forbidden", "Not Authorized to access this resource/api", "PERMISSION_DENIED");
    on(&s, "POST", "/signOut", 403, Some(denied)).await;
    let e = s.google.apply(&revoke(None)).await.unwrap_err();
    assert!(matches!(e, ConnectorError::Http { status: Some(403), .. }), "{e:?}");
    let text = e.to_string();
    assert!(text.contains("https://www.googleapis.com/auth/admin.directory.user.security"), "{text}");
    assert!(text.contains("domain-wide delegation") && text.contains("Not Authorized"), "{text}");
    assert!(!text.contains(ACCESS_TOKEN));
}

#[tokio::test]
async fn an_app_that_does_not_revoke_refuses_a_revocation() {
    let s = setup("", "").await;
    let e = s.google.apply(&revoke(None)).await.unwrap_err();
    assert!(e.to_string().contains("spec.lifecycle.offboarding.revoke"), "{e}");
    assert!(s.server.received_requests().await.unwrap().is_empty(), "nothing is sent, not even a token request");
    // The token the setup expects was never needed.
    s.server.reset().await;
}
