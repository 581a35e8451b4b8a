//! Revocations: a leaver's Okta sessions (with the tokens Okta issued) and
//! consent grants, each one idempotent call; a user Okta no longer has is
//! done already.

use keyward_connectors::{Connector, ConnectorError, Outcome};
use keyward_core::account::RevokeKinds;
use keyward_core::action::Action;
use keyward_core::resources::RevokeKind;
use wiremock::ResponseTemplate;

use crate::support::*;

fn revoke(id: &str, kinds: &[RevokeKind]) -> keyward_core::plan::Change {
    let mut c = change(Action::Revoke, id);
    c.revoke = Some(RevokeKinds::of(kinds));
    c
}

#[tokio::test]
async fn sessions_and_grants_are_revoked_with_two_calls_that_a_rerun_repeats_harmlessly() {
    let s = setup().await;
    assert_eq!(s.okta.capabilities().revoke, RevokeKinds::of(&[RevokeKind::Sessions, RevokeKind::OauthTokens]));
    stub(&s, "DELETE", "/api/v1/users/00u1/sessions", ResponseTemplate::new(204)).await;
    stub(&s, "DELETE", "/api/v1/users/00u1/grants", ResponseTemplate::new(204)).await;
    let both = revoke("00u1", &[RevokeKind::Sessions, RevokeKind::OauthTokens]);
    for _ in 0..2 {
        let out = s.okta.apply(&both).await.unwrap();
        let Outcome::Applied(text) = out else { panic!("{out:?}") };
        assert!(text.contains("sessions and the tokens Okta issued revoked"), "{text}");
        assert!(text.contains("consent grants"), "{text}");
    }
    let reqs = s.requests().await;
    assert_eq!(reqs.len(), 4, "two calls per revocation");
    let sessions: Vec<_> = reqs.iter().filter(|r| r.url.path().ends_with("/sessions")).collect();
    assert!(sessions.iter().all(|r| r.url.query() == Some("oauthTokens=true")), "{:?}", sessions[0].url);
    assert!(reqs.iter().all(|r| r.headers.get("authorization").unwrap() == format!("SSWS {TOKEN}").as_str()));
}

#[tokio::test]
async fn sessions_alone_keep_the_oauth_tokens_and_send_no_grant_call() {
    let s = setup().await;
    stub(&s, "DELETE", "/api/v1/users/00u1/sessions", ResponseTemplate::new(204)).await;
    let out = s.okta.apply(&revoke("00u1", &[RevokeKind::Sessions])).await.unwrap();
    assert!(matches!(&out, Outcome::Applied(t) if t.starts_with("Okta sessions revoked")), "{out:?}");
    let reqs = s.requests().await;
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].url.query(), Some("oauthTokens=false"));
}

#[tokio::test]
async fn a_user_okta_no_longer_has_is_already_done() {
    let s = setup().await;
    let gone = okta_error(404, "E0000007", "Not found: Resource not found: 00u9 (User)", &[]);
    stub(&s, "DELETE", "/api/v1/users/00u9/sessions", gone).await;
    let out = s.okta.apply(&revoke("00u9", &[RevokeKind::Sessions, RevokeKind::OauthTokens])).await.unwrap();
    assert!(matches!(&out, Outcome::AlreadyDone(t) if t.contains("no longer in Okta")), "{out:?}");
}

#[tokio::test]
async fn a_refused_revocation_is_an_error_with_oktas_words_and_no_token() {
    let s = setup().await;
    let refused = okta_error(403, "E0000006", "You do not have permission to perform the requested action", &[]);
    stub(&s, "DELETE", "/api/v1/users/00u1/sessions", refused).await;
    let e = s.okta.apply(&revoke("00u1", &[RevokeKind::Sessions])).await.unwrap_err();
    let text = e.to_string();
    assert!(matches!(e, ConnectorError::Http { status: Some(403), .. }), "{e:?}");
    assert!(text.contains("cannot revoke the sessions of 00u1") && text.contains("E0000006"), "{text}");
    assert_no_token(&e);
}
