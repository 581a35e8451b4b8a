//! Vendor profiles: what Slack, GitHub EMU, Zoom and other known vendors need beyond
//! RFC 7644.

use crate::support::{TOKEN, change, features, list, no_groups, p, scim_error, setup, user, users_page};
use keyward_connectors::{Connector, ConnectorError, Outcome};
use keyward_core::action::Action;
use wiremock::matchers::{header_exists, method, path};
use wiremock::{Mock, ResponseTemplate};

#[tokio::test]
async fn slack_never_claims_to_delete() {
    let s = setup(", profile: slack").await;
    let caps = s.scim.capabilities();
    assert!(!caps.delete && caps.suspend && caps.create && !caps.transfer);
    let e = s.scim.apply(&change(Action::Delete, Some("u1"))).await.unwrap_err();
    assert!(matches!(e, ConnectorError::Unsupported { action: "delete accounts", .. }), "{e}");
    assert!(s.requests().await.is_empty());
}

#[tokio::test]
async fn github_emu_sends_a_user_agent_and_deletes_for_good() {
    let s = setup(", profile: githubEmu").await;
    assert!(s.scim.capabilities().delete);
    Mock::given(method("DELETE"))
        .and(path(p("/Users/u1")))
        .and(header_exists("user-agent"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&s.server)
        .await;
    let out = s.scim.apply(&change(Action::Delete, Some("u1"))).await.unwrap();
    assert!(matches!(&out, Outcome::Applied(t) if t.contains("for good")), "{out:?}");
    let r = &s.requests().await[0];
    let ua = r.headers.get("user-agent").unwrap().to_str().unwrap();
    assert!(ua.starts_with("keyward/"), "{ua}");
    assert_eq!(r.headers.get("authorization").unwrap().to_str().unwrap(), format!("Bearer {TOKEN}"));
}

#[tokio::test]
async fn zoom_accepts_scim_json_only_and_others_also_json() {
    for (profile, accept) in
        [(", profile: zoom", "application/scim+json"), ("", "application/scim+json, application/json")]
    {
        let s = setup(profile).await;
        features(&s, true, false, None).await;
        users_page(&s, 1, list(0, 1, vec![])).await;
        no_groups(&s).await;
        s.scim.list().await.unwrap();
        for r in s.requests().await {
            assert_eq!(r.headers.get("accept").unwrap().to_str().unwrap(), accept);
        }
    }
}

#[tokio::test]
async fn without_service_provider_config_known_vendors_patch() {
    let s = setup(", profile: slack").await;
    Mock::given(method("GET"))
        .and(path(p("/ServiceProviderConfig")))
        .respond_with(scim_error(404, None, "no"))
        .mount(&s.server)
        .await;
    Mock::given(method("GET"))
        .and(path(p("/Users/u1")))
        .respond_with(ResponseTemplate::new(200).set_body_json(user("u1", "a@x.io", true)))
        .mount(&s.server)
        .await;
    Mock::given(method("PATCH"))
        .and(path(p("/Users/u1")))
        .respond_with(ResponseTemplate::new(204))
        .expect(2)
        .mount(&s.server)
        .await;
    s.scim.apply(&change(Action::Suspend, Some("u1"))).await.unwrap();
    // Discovered once, used by every later call.
    s.scim.apply(&change(Action::Suspend, Some("u1"))).await.unwrap();
    assert_eq!(s.calls("GET", "/ServiceProviderConfig").await.len(), 1);
}
