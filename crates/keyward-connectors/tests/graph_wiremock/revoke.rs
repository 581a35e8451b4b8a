//! Revocation against stubs of Microsoft's documented calls:
//! `POST /users/{id}/revokeSignInSessions` (answers `{"value": true}`),
//! `GET /oauth2PermissionGrants?$filter=principalId eq '…'` paged with
//! `@odata.nextLink`, `DELETE /oauth2PermissionGrants/{id}` (204).

use keyward_core::account::RevokeKinds;
use keyward_core::resources::RevokeKind;

use super::*;

/// An Application that asks for revocations.
const REVOKE: &str = "  lifecycle: {offboarding: {revoke: {}}}\n";

async fn revoking() -> Setup {
    setup_with(PEOPLE, "", REVOKE).await
}

fn revoke_change(id: &str, kinds: &[RevokeKind]) -> Change {
    let mut c = change(Action::Revoke, Some(id));
    c.revoke = Some(RevokeKinds::of(kinds));
    c
}

const BOTH: [RevokeKind; 2] = [RevokeKind::Sessions, RevokeKind::OauthTokens];

fn grant(id: &str, client: &str, consent: &str, principal: Option<&str>) -> Value {
    json!({
        "id": id, "clientId": client, "consentType": consent, "principalId": principal,
        "resourceId": "sp-graph", "scope": "openid profile User.Read offline_access"
    })
}

async fn revoke_sessions_answers(s: &Setup, user: &str, answer: ResponseTemplate) {
    Mock::given(method("POST"))
        .and(path(g(&format!("/users/{user}/revokeSignInSessions"))))
        .and(bearer())
        .respond_with(answer)
        .expect(1)
        .mount(&s.server)
        .await;
}

async fn sessions_revoked(s: &Setup, user: &str) {
    let ok = ResponseTemplate::new(200).set_body_json(
        json!({"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#Edm.Boolean", "value": true}),
    );
    revoke_sessions_answers(s, user, ok).await;
}

async fn grants_page(s: &Setup, user: &str, skiptoken: Option<&str>, body: Value) {
    let mock = Mock::given(method("GET"))
        .and(path(g("/oauth2PermissionGrants")))
        .and(bearer())
        .and(query_param("$filter", format!("principalId eq '{user}'").as_str()));
    let mock = match skiptoken {
        Some(t) => mock.and(query_param("$skiptoken", t)),
        None => mock.and(wiremock::matchers::query_param_is_missing("$skiptoken")),
    };
    mock.respond_with(ResponseTemplate::new(200).set_body_json(body)).mount(&s.server).await;
}

async fn delete_grant(s: &Setup, id: &str, answer: ResponseTemplate, times: u64) {
    Mock::given(method("DELETE"))
        .and(path(g(&format!("/oauth2PermissionGrants/{id}"))))
        .and(bearer())
        .respond_with(answer)
        .expect(times)
        .mount(&s.server)
        .await;
}

async fn service_principal(s: &Setup, id: &str, name: &str) {
    Mock::given(method("GET"))
        .and(path(g(&format!("/servicePrincipals/{id}"))))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": id, "displayName": name})))
        .mount(&s.server)
        .await;
}

#[tokio::test]
async fn revoke_signs_out_then_deletes_only_the_users_own_grants() {
    let s = revoking().await;
    let uri = s.server.uri();
    sessions_revoked(&s, "u9").await;
    grants_page(
        &s,
        "u9",
        None,
        json!({"value": [grant("gr-zoom", "sp-zoom", "Principal", Some("u9")), grant("gr-all", "sp-slack", "AllPrincipals", None)],
               "@odata.nextLink": format!("{uri}/v1.0/oauth2PermissionGrants?$filter=principalId%20eq%20%27u9%27&$skiptoken=p2")}),
    )
    .await;
    // A grant of someone else, should the filter ever let one through.
    grants_page(
        &s,
        "u9",
        Some("p2"),
        json!({"value": [grant("gr-miro", "sp-miro", "Principal", Some("u9")), grant("gr-other", "sp-miro", "Principal", Some("u1"))]}),
    )
    .await;
    delete_grant(&s, "gr-zoom", ResponseTemplate::new(204), 1).await;
    delete_grant(&s, "gr-miro", ResponseTemplate::new(204), 1).await;
    delete_grant(&s, "gr-all", ResponseTemplate::new(204), 0).await;
    delete_grant(&s, "gr-other", ResponseTemplate::new(204), 0).await;
    service_principal(&s, "sp-zoom", "Zoom").await;
    service_principal(&s, "sp-miro", "Miro\u{1b}[31m").await;

    let out = s.graph.apply(&revoke_change("u9", &BOTH)).await.unwrap();
    let Outcome::Applied(what) = &out else { panic!("{out:?}") };
    assert!(what.contains("sign-in sessions revoked; 2 delegated grants removed (Zoom, Miro\\u{1b}[31m)"), "{what}");

    let calls: Vec<String> = s
        .graph_requests()
        .await
        .iter()
        .filter(|r| !r.url.path().contains("/servicePrincipals/"))
        .map(|r| format!("{} {}", r.method, r.url.path()))
        .collect();
    assert_eq!(
        calls,
        [
            "POST /v1.0/users/u9/revokeSignInSessions",
            "GET /v1.0/oauth2PermissionGrants",
            "GET /v1.0/oauth2PermissionGrants",
            "DELETE /v1.0/oauth2PermissionGrants/gr-zoom",
            "DELETE /v1.0/oauth2PermissionGrants/gr-miro",
        ],
        "sessions first, then the user's grants, never the tenant-wide consent"
    );
}

#[tokio::test]
async fn a_grant_already_gone_is_tolerated_and_a_rerun_is_already_done() {
    let s = revoking().await;
    grants_page(&s, "u9", None, json!({"value": [grant("gr-zoom", "sp-zoom", "Principal", Some("u9"))]})).await;
    delete_grant(&s, "gr-zoom", graph_error(404, "Request_ResourceNotFound", "Resource 'gr-zoom' does not exist."), 1)
        .await;
    let out = s.graph.apply(&revoke_change("u9", &[RevokeKind::OauthTokens])).await.unwrap();
    assert!(matches!(&out, Outcome::AlreadyDone(w) if w.contains("1 delegated grant already gone")), "{out:?}");
}

#[tokio::test]
async fn revoking_a_deleted_user_is_already_done() {
    let s = revoking().await;
    revoke_sessions_answers(&s, "u9", graph_error(404, "Request_ResourceNotFound", "Resource 'u9' does not exist."))
        .await;
    let out = s.graph.apply(&revoke_change("u9", &BOTH)).await.unwrap();
    assert!(matches!(&out, Outcome::AlreadyDone(w) if w.contains("no longer exists")), "{out:?}");
}

#[tokio::test]
async fn a_refused_session_revocation_names_user_revoke_sessions_all() {
    let s = revoking().await;
    revoke_sessions_answers(
        &s,
        "u9",
        graph_error(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation."),
    )
    .await;
    let e = s.graph.apply(&revoke_change("u9", &BOTH)).await.unwrap_err();
    let ConnectorError::Http { status, problem, .. } = &e else { panic!("{e:?}") };
    assert_eq!(*status, Some(403));
    assert!(problem.contains("User.RevokeSessions.All") && problem.contains("rid-0f3c"), "{problem}");
}

#[tokio::test]
async fn a_refused_grant_delete_names_the_permission_and_what_was_done_before() {
    let s = revoking().await;
    sessions_revoked(&s, "u9").await;
    grants_page(&s, "u9", None, json!({"value": [grant("gr-zoom", "sp-zoom", "Principal", Some("u9"))]})).await;
    delete_grant(
        &s,
        "gr-zoom",
        graph_error(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation."),
        1,
    )
    .await;
    let e = s.graph.apply(&revoke_change("u9", &BOTH)).await.unwrap_err();
    let ConnectorError::Http { problem, .. } = &e else { panic!("{e:?}") };
    assert!(problem.contains("DelegatedPermissionGrant.ReadWrite.All"), "{problem}");
    assert!(problem.starts_with("sign-in sessions revoked before this failed"), "{problem}");
}

#[tokio::test]
async fn a_throttled_grant_listing_waits_for_retry_after_then_goes_on() {
    let s = revoking().await;
    Mock::given(method("GET"))
        .and(path(g("/oauth2PermissionGrants")))
        .respond_with(graph_error(429, "TooManyRequests", "Too many requests").insert_header("Retry-After", "1"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&s.server)
        .await;
    grants_page(&s, "u9", None, json!({"value": []})).await;
    let started = std::time::Instant::now();
    let out = s.graph.apply(&revoke_change("u9", &[RevokeKind::OauthTokens])).await.unwrap();
    assert!(matches!(&out, Outcome::AlreadyDone(w) if w.contains("no delegated grants")), "{out:?}");
    assert!(started.elapsed() >= std::time::Duration::from_millis(900), "Retry-After was not waited out");
    assert_eq!(s.graph_requests().await.len(), 2);
}

#[tokio::test]
async fn revocations_are_offered_only_when_the_application_asks_for_them() {
    let plain = setup("").await;
    assert!(plain.graph.capabilities().revoke.is_empty(), "no new permission is needed without revoke");
    let s = revoking().await;
    let can = s.graph.capabilities().revoke;
    assert_eq!(can, RevokeKinds::of(&BOTH));
    let e = s.graph.apply(&revoke_change("u9", &[RevokeKind::AppPasswords])).await.unwrap_err();
    assert!(matches!(e, ConnectorError::Unsupported { .. }), "{e:?}");
    assert!(s.graph_requests().await.is_empty());
    // No call was made, so the token the setup expects was never asked for.
    plain.server.reset().await;
    s.server.reset().await;
}
