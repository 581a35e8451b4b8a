#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report
//! Discovery in a Microsoft Entra tenant against request-level stubs shaped
//! as Microsoft documents Graph v1.0: `/organization`, `/servicePrincipals`
//! (`appOwnerOrganizationId`, `verifiedPublisher`), `/users`,
//! `/oauth2PermissionGrants` (`consentType` Principal / AllPrincipals),
//! `/auditLogs/signIns` (`$top` ≤ 1000, `createdDateTime` filter, the 403
//! of a tenant without Entra ID P1/P2), `@odata.nextLink` paging and 429
//! with `Retry-After`.

mod common;

use common::fast;
use jiff::civil::date;
use keyward_connectors::discover::{Directory, ScanOptions, directories};
use keyward_connectors::{ClusterSecrets, ConnectorError};
use keyward_core::discovery::{DirectoryScan, Evidence};
use keyward_core::{PolicySet, SourceFile};
use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TENANT: &str = "example.onmicrosoft.com";
const TENANT_ID: &str = "0a1b2c3d-0000-4000-8000-00000000a11c";
const MICROSOFT: &str = "f8cdef31-a31e-4b4a-93e4-5f571e91255a";

struct Setup {
    server: MockServer,
    dir: Directory,
    _tmp: tempfile::TempDir,
}

fn g(p: &str) -> String {
    format!("/v1.0{p}")
}

/// A PeopleSource and an Application on the same tenant: one directory.
async fn setup() -> Setup {
    let server = MockServer::start().await;
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("secret.txt"), "kw-graph-discover-secret\n").unwrap();
    let uri = server.uri();
    let graph = format!(
        "tenant: {TENANT}, clientId: cid, clientSecret: {{file: secret.txt}}, graphUrl: \"{uri}/v1.0\", authorityUrl: \"{uri}\""
    );
    let text = format!(
        "apiVersion: keyward.io/v1alpha1\nkind: PeopleSource\nmetadata: {{name: hr}}\nspec:\n  microsoftGraph: {{{graph}}}\n---\napiVersion: keyward.io/v1alpha1\nkind: Application\nmetadata: {{name: entra}}\nspec:\n  connector:\n    microsoftGraph: {{{graph}}}\n"
    );
    let file = tmp.path().join("policy.yaml").display().to_string();
    let set = PolicySet::load("test", vec![SourceFile { path: file, text }]).unwrap().set;
    let mut dirs = directories(&set, &ClusterSecrets::unavailable()).unwrap();
    assert_eq!(dirs.len(), 1, "one tenant, scanned once");
    let dir = dirs.remove(0).with_retry(fast());
    Mock::given(method("POST"))
        .and(path(format!("/{TENANT}/oauth2/v2.0/token")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "token_type": "Bearer", "expires_in": 3599, "access_token": "kw-discover-token"
        })))
        .mount(&server)
        .await;
    Setup { server, dir, _tmp: tmp }
}

async fn page(s: &Setup, p: &str, skiptoken: Option<&str>, body: Value) {
    let mock = Mock::given(method("GET")).and(path(g(p)));
    let mock = match skiptoken {
        Some(t) => mock.and(query_param("$skiptoken", t)),
        None => mock.and(query_param_is_missing("$skiptoken")),
    };
    mock.respond_with(ResponseTemplate::new(200).set_body_json(body)).mount(&s.server).await;
}

fn next(s: &Setup, p: &str, token: &str) -> String {
    format!("{}/v1.0{p}?$skiptoken={token}", s.server.uri())
}

fn graph_error(status: u16, code: &str, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(json!({"error": {
        "code": code, "message": message,
        "innerError": {"date": "2026-04-01T09:00:00", "request-id": "rid-5d1e", "client-request-id": "crid-5d1e"}
    }}))
}

fn sp(id: &str, app_id: &str, name: &str, owner: Option<&str>) -> Value {
    json!({"id": id, "appId": app_id, "displayName": name, "appOwnerOrganizationId": owner,
           "publisherName": format!("{name} Inc."), "verifiedPublisher": {"displayName": null}, "homepage": null})
}

fn grant(id: &str, client: &str, consent: &str, principal: Option<&str>, scope: &str) -> Value {
    json!({"id": id, "clientId": client, "consentType": consent, "principalId": principal,
           "resourceId": "sp-graph", "scope": scope})
}

fn sign_in(user: &str, upn: &str, app: &str, at: &str) -> Value {
    json!({"id": format!("si-{user}-{app}-{at}"), "createdDateTime": at, "userId": user, "userPrincipalName": upn,
           "appId": app, "appDisplayName": "whatever", "status": {"errorCode": 0}})
}

/// The tenant: Zoom and Miro are third party; Teams is Microsoft's; the
/// tenant's own app and a managed identity are not third party either.
async fn tenant(s: &Setup) {
    page(s, "/organization", None, json!({"value": [{"id": TENANT_ID}]})).await;
    let mut miro = sp("sp-miro", "app-miro", "Miro", Some("7e57ab1e-0000-4000-8000-00000000beef"));
    miro["verifiedPublisher"] = json!({"displayName": "Miro (verified)", "verifiedPublisherId": "123"});
    miro["homepage"] = json!("https://miro.com/");
    page(
        s,
        "/servicePrincipals",
        None,
        json!({"value": [sp("sp-zoom", "app-zoom", "Zoom", Some("5a5a5a5a-0000-4000-8000-00000000200a")),
                         sp("sp-teams", "app-teams", "Microsoft Teams", Some(MICROSOFT)),
                         sp("sp-own", "app-own", "Our intranet", Some(TENANT_ID))],
               "@odata.nextLink": next(s, "/servicePrincipals", "sp2")}),
    )
    .await;
    page(
        s,
        "/servicePrincipals",
        Some("sp2"),
        json!({"value": [miro, sp("sp-mi", "app-mi", "backup-identity", None)]}),
    )
    .await;
    page(
        s,
        "/users",
        None,
        json!({"value": [{"id": "u1", "userPrincipalName": "taro@example.com", "mail": "taro.mail@example.com"},
                         {"id": "u2", "userPrincipalName": "jiro@example.com", "mail": null}]}),
    )
    .await;
    page(
        s,
        "/oauth2PermissionGrants",
        None,
        json!({"value": [grant("gr-1", "sp-zoom", "Principal", Some("u1"), "User.Read offline_access"),
                         grant("gr-2", "sp-teams", "Principal", Some("u2"), "User.Read"),
                         grant("gr-3", "sp-miro", "AllPrincipals", None, "User.Read")],
               "@odata.nextLink": next(s, "/oauth2PermissionGrants", "gr2")}),
    )
    .await;
    page(
        s,
        "/oauth2PermissionGrants",
        Some("gr2"),
        json!({"value": [grant("gr-4", "sp-miro", "AllPrincipals", None, "Files.Read"),
                         grant("gr-5", "sp-miro", "Principal", Some("u2"), "Boards.Read")]}),
    )
    .await;
}

async fn sign_ins(s: &Setup) {
    page(
        s,
        "/auditLogs/signIns",
        None,
        json!({"value": [sign_in("u1", "taro@example.com", "app-zoom", "2026-02-03T10:00:00Z"),
                         sign_in("u1", "taro@example.com", "app-teams", "2026-02-03T11:00:00Z")],
               "@odata.nextLink": next(s, "/auditLogs/signIns", "si2")}),
    )
    .await;
    page(
        s,
        "/auditLogs/signIns",
        Some("si2"),
        json!({"value": [sign_in("u1", "taro@example.com", "app-zoom", "2026-01-15T23:59:00Z"),
                         sign_in("u1", "taro@example.com", "app-zoom", "2026-03-01T00:00:01Z"),
                         sign_in("u2", "jiro@example.com", "app-miro", "2026-02-20T08:00:00Z")]}),
    )
    .await;
}

async fn graph_calls(s: &Setup) -> Vec<wiremock::Request> {
    let all = s.server.received_requests().await.unwrap();
    all.into_iter().filter(|r| r.url.path().starts_with("/v1.0/")).collect()
}

fn uses_of<'a>(scan: &'a DirectoryScan, app: &str, evidence: Evidence) -> Vec<&'a keyward_core::discovery::AppUse> {
    scan.uses.iter().filter(|u| u.app.as_str() == app && u.evidence == evidence).collect()
}

#[tokio::test]
async fn a_scan_lists_third_party_apps_with_grants_tenant_consents_and_folded_sign_ins() {
    let s = setup().await;
    tenant(&s).await;
    sign_ins(&s).await;
    let scan = s.dir.scan(&ScanOptions { since: Some(date(2026, 1, 1)) }).await.unwrap();

    let apps: Vec<&str> = scan.apps.keys().map(|k| k.as_str()).collect();
    assert_eq!(apps, ["app-miro", "app-zoom"], "only third-party apps someone uses");
    let miro = &scan.apps["app-miro"];
    assert_eq!(miro.publisher.as_deref(), Some("Miro (verified)"));
    assert_eq!(miro.homepage.as_deref(), Some("https://miro.com/"));
    assert_eq!(miro.object_id.as_deref(), Some("sp-miro"));
    assert_eq!(scan.apps["app-zoom"].publisher.as_deref(), Some("Zoom Inc."));

    let zoom = uses_of(&scan, "app-zoom", Evidence::DelegatedGrant);
    assert_eq!(zoom.len(), 1);
    assert_eq!(zoom[0].user.as_str(), "taro.mail@example.com");
    assert_eq!(zoom[0].user_id.as_deref(), Some("u1"));
    assert_eq!(zoom[0].grant_id.as_deref(), Some("gr-1"));
    let scopes: Vec<&str> = zoom[0].scopes.iter().map(|s| s.as_str()).collect();
    assert_eq!(scopes, ["User.Read", "offline_access"]);

    let consent = uses_of(&scan, "app-miro", Evidence::TenantConsent);
    assert_eq!(consent.len(), 1, "one tenant consent per app, however many resources it covers");
    assert!(consent[0].user.is_empty());
    let miro_grant = uses_of(&scan, "app-miro", Evidence::DelegatedGrant);
    assert_eq!(miro_grant[0].user.as_str(), "jiro@example.com", "no mail: the UPN names the user");

    let zoom_sign_ins = uses_of(&scan, "app-zoom", Evidence::SignIn);
    assert_eq!(zoom_sign_ins.len(), 1, "three sign-ins fold into one use");
    assert_eq!(zoom_sign_ins[0].first_seen, Some(date(2026, 1, 15)));
    assert_eq!(zoom_sign_ins[0].last_seen, Some(date(2026, 3, 1)));
    assert_eq!(uses_of(&scan, "app-miro", Evidence::SignIn).len(), 1);
    assert!(scan.uses.iter().all(|u| u.app.as_str() != "app-teams"), "Microsoft's own apps are not third party");

    assert_eq!(scan.kind, "microsoftGraph");
    assert_eq!(scan.directory, "PeopleSource/hr");
    assert_eq!(scan.users, 2);
    assert!(scan.notes.is_empty(), "{:?}", scan.notes);
    let calls = graph_calls(&s).await;
    assert_eq!(scan.requests, calls.len() as u64, "every call counted");
    assert_eq!(calls.len(), 8, "organization, then 2 + 1 + 2 + 2 pages: {calls:?}");
    let first_sign_ins = calls.iter().find(|r| r.url.path() == g("/auditLogs/signIns")).unwrap();
    let q: Vec<(String, String)> = first_sign_ins.url.query_pairs().map(|(k, v)| (k.into(), v.into())).collect();
    assert!(q.contains(&("$top".into(), "1000".into())), "{q:?}");
    assert!(q.contains(&("$filter".into(), "createdDateTime ge 2026-01-01T00:00:00Z".into())), "{q:?}");
    let sps = calls.iter().find(|r| r.url.path() == g("/servicePrincipals")).unwrap();
    assert!(sps.url.query().unwrap().contains("appOwnerOrganizationId"), "{}", sps.url);
}

#[tokio::test]
async fn without_since_the_sign_ins_are_not_filtered() {
    let s = setup().await;
    tenant(&s).await;
    sign_ins(&s).await;
    s.dir.scan(&ScanOptions::default()).await.unwrap();
    let calls = graph_calls(&s).await;
    let first = calls.iter().find(|r| r.url.path() == g("/auditLogs/signIns")).unwrap();
    assert!(first.url.query_pairs().all(|(k, _)| k != "$filter"), "{}", first.url);
}

#[tokio::test]
async fn a_tenant_without_premium_sign_in_logs_gets_a_note_and_its_grants() {
    let s = setup().await;
    tenant(&s).await;
    Mock::given(method("GET"))
        .and(path(g("/auditLogs/signIns")))
        .respond_with(graph_error(
            403,
            "Authentication_RequestFromNonPremiumTenantOrB2CTenant",
            "Neither tenant is B2C or tenant doesn't have premium license",
        ))
        .mount(&s.server)
        .await;
    let scan = s.dir.scan(&ScanOptions::default()).await.unwrap();
    assert_eq!(
        scan.notes,
        ["sign-in records unavailable: the tenant has no Microsoft Entra ID P1 or P2 licence; grants are still listed"]
    );
    assert_eq!(uses_of(&scan, "app-zoom", Evidence::DelegatedGrant).len(), 1);
    assert!(scan.uses.iter().all(|u| u.evidence != Evidence::SignIn));
}

#[tokio::test]
async fn a_refused_sign_in_read_is_an_error_naming_audit_log_read_all() {
    let s = setup().await;
    tenant(&s).await;
    Mock::given(method("GET"))
        .and(path(g("/auditLogs/signIns")))
        .respond_with(graph_error(
            403,
            "Authorization_RequestDenied",
            "Insufficient privileges to complete the operation.",
        ))
        .mount(&s.server)
        .await;
    let e = s.dir.scan(&ScanOptions::default()).await.unwrap_err();
    let ConnectorError::Http { status, problem, .. } = &e else { panic!("{e:?}") };
    assert_eq!(*status, Some(403));
    assert!(problem.contains("AuditLog.Read.All") && problem.contains("rid-5d1e"), "{problem}");
}

#[tokio::test]
async fn a_failing_page_fails_the_scan() {
    let s = setup().await;
    page(&s, "/organization", None, json!({"value": [{"id": TENANT_ID}]})).await;
    page(
        &s,
        "/servicePrincipals",
        None,
        json!({"value": [sp("sp-zoom", "app-zoom", "Zoom", Some("5a5a5a5a-0000-4000-8000-00000000200a"))],
               "@odata.nextLink": next(&s, "/servicePrincipals", "sp2")}),
    )
    .await;
    Mock::given(method("GET"))
        .and(path(g("/servicePrincipals")))
        .and(query_param("$skiptoken", "sp2"))
        .respond_with(graph_error(400, "Request_BadRequest", "Invalid skip token"))
        .mount(&s.server)
        .await;
    let e = s.dir.scan(&ScanOptions::default()).await.expect_err("a scan missing a page was returned as complete");
    assert!(e.to_string().contains("sp2") && e.to_string().contains("400"), "{e}");
    let calls = graph_calls(&s).await;
    assert!(calls.iter().all(|r| r.url.path() != g("/oauth2PermissionGrants")), "nothing read after the failure");
}

#[tokio::test]
async fn a_throttled_page_waits_for_retry_after_then_goes_on() {
    let s = setup().await;
    Mock::given(method("GET"))
        .and(path(g("/users")))
        .respond_with(graph_error(429, "TooManyRequests", "Too many requests").insert_header("Retry-After", "1"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&s.server)
        .await;
    tenant(&s).await;
    sign_ins(&s).await;
    let started = std::time::Instant::now();
    let scan = s.dir.scan(&ScanOptions::default()).await.unwrap();
    assert!(started.elapsed() >= std::time::Duration::from_millis(900), "Retry-After was not waited out");
    assert_eq!(scan.users, 2);
    assert_eq!(scan.requests, 8, "a retried call counts once");
}

#[tokio::test]
async fn the_directory_key_names_authority_tenant_and_graph() {
    let s = setup().await;
    let key = s.dir.key();
    assert!(key.starts_with("graph:"), "{key}");
    assert!(key.contains(TENANT) && key.contains("/v1.0") && key.contains(&s.server.uri()), "{key}");
}
