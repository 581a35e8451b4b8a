//! Listing: Link paging, deactivated users, groups and members, errors and throttling.

use std::time::{Duration, Instant};

use keyward_connectors::{Connector, ConnectorError};
use keyward_core::account::AccountStatus;
use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, ResponseTemplate};

use crate::support::*;

#[tokio::test]
async fn lists_three_pages_deprovisioned_users_and_groups_with_the_ssws_token() {
    let s = setup().await;
    let mut all: Vec<Value> =
        (0..5).map(|i| user(&format!("00u{i}"), &format!("u{i}@example.com"), "ACTIVE")).collect();
    all[1]["status"] = json!("SUSPENDED");
    all[2]["status"] = json!("PROVISIONED");
    all[3]["status"] = json!("LOCKED_OUT");
    all[4]["profile"]["employeeNumber"] = json!("E004");
    // Three pages of two, two and one.
    paged(&s, "/api/v1/users", None, &all, 2, "u").await;
    paged(&s, "/api/v1/users", Some(DEPROVISIONED), &[user("00ugone", "gone@example.com", "DEPROVISIONED")], 200, "d")
        .await;
    let gs = vec![
        group("00g1", "engineering", "OKTA_GROUP"),
        group("00g2", "Salesforce Users", "APP_GROUP"),
        group("00geveryone", "Everyone", "BUILT_IN"),
    ];
    groups(&s, gs, &[("00g1", vec![all[0].clone(), all[1].clone()]), ("00g2", vec![all[0].clone()])]).await;

    let l = s.okta.list().await.unwrap();
    let ids: Vec<&str> = l.accounts.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["00u0", "00u1", "00u2", "00u3", "00u4", "00ugone"]);
    let by = |id: &str| l.accounts.iter().find(|a| a.id == id).unwrap();
    assert_eq!(by("00u0").groups, vec!["Salesforce Users", "engineering"]);
    assert_eq!(by("00u0").username.as_deref(), Some("u0@example.com"));
    assert_eq!(by("00u0").email.as_deref(), Some("u0@example.com"));
    assert_eq!(by("00u0").display_name.as_deref(), Some("User 00u0"));
    assert_eq!(by("00u0").last_active.unwrap().to_string(), "2026-02-27");
    assert_eq!(by("00u1").status, AccountStatus::Suspended);
    assert_eq!(by("00u1").attributes["oktaStatus"], "SUSPENDED");
    assert_eq!(by("00u2").status, AccountStatus::Invited);
    assert_eq!(by("00u3").status, AccountStatus::Active);
    assert_eq!(by("00u4").external_id.as_deref(), Some("E004"));
    assert_eq!(by("00ugone").status, AccountStatus::Suspended);
    assert_eq!(by("00ugone").attributes["oktaStatus"], "DEPROVISIONED");
    assert!(l.capabilities.create && l.capabilities.suspend && l.capabilities.delete && l.capabilities.groups);
    assert!(!l.capabilities.transfer);

    let reqs = s.requests().await;
    for r in &reqs {
        assert_eq!(r.headers.get("authorization").unwrap().to_str().unwrap(), format!("SSWS {TOKEN}"));
    }
    // 3 users pages + 1 deprovisioned + 1 groups + 2 member pages
    // (Everyone, which holds every user, is not read).
    assert_eq!(reqs.len(), 7, "{:#?}", sent(&s).await);
    assert!(!reqs.iter().any(|r| r.url.path().contains("00geveryone")));
}

#[tokio::test]
async fn a_listing_costs_its_pages_not_a_request_per_user() {
    let s = setup().await;
    let all: Vec<Value> =
        (0..450).map(|i| user(&format!("00u{i:03}"), &format!("u{i:03}@example.com"), "ACTIVE")).collect();
    let gone: Vec<Value> =
        (0..3).map(|i| user(&format!("00ud{i}"), &format!("d{i}@example.com"), "DEPROVISIONED")).collect();
    paged(&s, "/api/v1/users", None, &all, 200, "u").await;
    paged(&s, "/api/v1/users", Some(DEPROVISIONED), &gone, 200, "d").await;
    stub(
        &s,
        "GET",
        "/api/v1/groups",
        page(
            &s,
            "/api/v1/groups",
            vec![
                group("00g1", "engineering", "OKTA_GROUP"),
                group("00g2", "sales", "OKTA_GROUP"),
                group("00g3", "Everyone", "BUILT_IN"),
            ],
            None,
        ),
    )
    .await;
    paged(&s, "/api/v1/groups/00g1/users", None, &all[..300], 200, "m").await;
    paged(&s, "/api/v1/groups/00g2/users", None, &all[300..], 200, "n").await;

    let l = s.okta.list().await.unwrap();
    assert_eq!(l.accounts.len(), 453);
    assert!(l.accounts.iter().filter(|a| a.groups == vec!["engineering"]).count() == 300);
    // 3 users pages + 1 deprovisioned page + 1 groups page + member pages
    // 2 (engineering) + 1 (sales) = 8 for 453 users, where reading each
    // user's groups would cost 455.
    let reqs = s.requests().await;
    assert_eq!(reqs.len(), 8, "{:#?}", sent(&s).await);
    assert!(reqs.iter().all(|r| r.method.as_str() == "GET"));
}

#[tokio::test]
async fn a_failing_page_fails_the_listing_with_oktas_error_and_no_token() {
    let s = setup().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/users"))
        .and(query_param_is_missing("after"))
        .respond_with(page(&s, "/api/v1/users", vec![user("00u1", "a@example.com", "ACTIVE")], Some("c2")))
        .mount(&s.server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/users"))
        .and(query_param("after", "c2"))
        .respond_with(okta_error(403, "E0000006", "You do not have permission to perform the requested action", &[]))
        .mount(&s.server)
        .await;
    let e = s.okta.list().await.unwrap_err();
    let ConnectorError::Http { call, status, problem, .. } = &e else { panic!("{e:?}") };
    assert_eq!(*status, Some(403));
    assert!(call.starts_with("GET ") && call.contains("/api/v1/users?after=c2&limit=200"), "{call}");
    assert!(problem.contains("Okta error E0000006: You do not have permission"), "{problem}");
    assert!(problem.contains("Group Administrator"), "{problem}");
    assert_no_token(&e);

    let s = setup().await;
    Mock::given(method("GET"))
        .respond_with(okta_error(401, "E0000011", "Invalid token provided", &[]))
        .mount(&s.server)
        .await;
    let e = s.okta.list().await.unwrap_err();
    assert!(e.to_string().contains("Okta error E0000011: Invalid token provided"), "{e}");
    assert!(e.to_string().contains("Security → API → Tokens"), "{e}");
    assert_no_token(&e);
}

#[tokio::test]
async fn a_next_link_to_another_host_or_back_is_partial() {
    let s = setup().await;
    stub(
        &s,
        "GET",
        "/api/v1/users",
        ResponseTemplate::new(200)
            .set_body_json(json!([user("00u1", "a@example.com", "ACTIVE")]))
            .append_header("link", "<https://evil.example/api/v1/users?after=x>; rel=\"next\""),
    )
    .await;
    let e = s.okta.list().await.unwrap_err();
    assert!(matches!(&e, ConnectorError::Partial { why, .. } if why.contains("does not send the token")), "{e:?}");
    assert_eq!(s.requests().await.len(), 1);
}

#[tokio::test]
async fn a_429_waits_until_the_epoch_reset_and_one_too_far_fails_at_once() {
    let s = setup().await;
    // Okta's reset is whole epoch seconds: at least one second away.
    let reset = (jiff::Timestamp::now().as_second() + 2).to_string();
    Mock::given(method("GET"))
        .and(path("/api/v1/users"))
        .respond_with(
            okta_error(429, "E0000047", "API call exceeded rate limit due to too many requests.", &[])
                .insert_header("X-Rate-Limit-Limit", "600")
                .insert_header("X-Rate-Limit-Remaining", "0")
                .insert_header("X-Rate-Limit-Reset", reset.as_str()),
        )
        .up_to_n_times(1)
        .mount(&s.server)
        .await;
    users(&s, vec![user("00u1", "a@example.com", "ACTIVE")], vec![]).await;
    groups(&s, vec![], &[]).await;
    let started = Instant::now();
    let l = s.okta.list().await.unwrap();
    assert_eq!(l.accounts.len(), 1);
    assert!(started.elapsed() >= Duration::from_millis(900), "waited only {:?}", started.elapsed());

    let s = setup().await;
    let later = (jiff::Timestamp::now().as_second() + 3600).to_string();
    stub(
        &s,
        "GET",
        "/api/v1/users",
        okta_error(429, "E0000047", "API call exceeded rate limit due to too many requests.", &[])
            .insert_header("X-Rate-Limit-Reset", later.as_str()),
    )
    .await;
    let started = Instant::now();
    let e = s.okta.list().await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(2), "should not wait an hour: {:?}", started.elapsed());
    let shown = e.to_string();
    assert!(shown.contains("longer than the") && shown.contains("retry limit"), "{shown}");
    assert!(e.is_transient());
    assert_no_token(&e);
    assert_eq!(s.requests().await.len(), 1);
}
