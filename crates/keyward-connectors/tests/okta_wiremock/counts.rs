//! What one full reconcile costs in requests (BENCHMARKS.md).

use keyward_connectors::Connector;
use keyward_core::action::Action;
use keyward_core::plan::{Change, GroupChange};
use serde_json::{Value, json};
use wiremock::matchers::method;
use wiremock::{Mock, ResponseTemplate};

use crate::support::*;

/// The numbers in BENCHMARKS.md ("HTTP requests of an Okta reconcile"):
/// one full reconcile of the same organisation shape as the SCIM
/// benchmark — 450 users and 20 deactivated ones, three Okta groups plus
/// Everyone; 50 joiners each into a group, 30 engineers missing their
/// group, 40 leavers to suspend, 20 to delete, 10 rehires to unsuspend —
/// costs the listing's pages plus one request per change (two per delete,
/// Okta's two steps).
#[tokio::test]
async fn a_full_reconcile_costs_its_pages_and_one_request_per_change() {
    use wiremock::matchers::path_regex;
    let s = setup().await;
    let all: Vec<Value> =
        (0..450).map(|i| user(&format!("00u{i:03}"), &format!("u{i:03}@example.com"), "ACTIVE")).collect();
    let gone: Vec<Value> =
        (0..20).map(|i| user(&format!("00ud{i:02}"), &format!("d{i:02}@example.com"), "DEPROVISIONED")).collect();
    paged(&s, "/api/v1/users", None, &all, 200, "u").await;
    paged(&s, "/api/v1/users", Some(DEPROVISIONED), &gone, 200, "d").await;
    let gs = vec![
        group("00g1", "engineering", "OKTA_GROUP"),
        group("00g2", "sales", "OKTA_GROUP"),
        group("00g3", "design", "OKTA_GROUP"),
        group("00g4", "Everyone", "BUILT_IN"),
    ];
    paged(&s, "/api/v1/groups", None, &gs, 200, "g").await;
    paged(&s, "/api/v1/groups/00g1/users", None, &all[..300], 200, "e").await;
    paged(&s, "/api/v1/groups/00g2/users", None, &all[300..], 200, "s").await;
    paged(&s, "/api/v1/groups/00g3/users", None, &[], 200, "x").await;
    let listing = s.okta.list().await.unwrap();
    assert_eq!(listing.accounts.len(), 470);
    let pages = s.requests().await.len();
    // 3 users + 1 deactivated + 1 groups + 2 + 1 + 1 member pages.
    assert_eq!(pages, 9);

    let ok = || ResponseTemplate::new(200).set_body_json(json!({}));
    stub(
        &s,
        "POST",
        "/api/v1/users",
        ResponseTemplate::new(200).set_body_json(user("00unew", "new@example.com", "ACTIVE")),
    )
    .await;
    Mock::given(method("POST"))
        .and(path_regex(r"^/api/v1/users/[^/]+/lifecycle/"))
        .respond_with(ok())
        .mount(&s.server)
        .await;
    Mock::given(method("PUT"))
        .and(path_regex(r"^/api/v1/groups/"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&s.server)
        .await;
    Mock::given(method("DELETE"))
        .and(path_regex(r"^/api/v1/users/"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&s.server)
        .await;

    let groups_add = |g: &str| Some(Box::new(GroupChange { add: vec![g.into()], remove: vec![] }));
    let mut plan: Vec<Change> = Vec::new();
    for i in 0..50 {
        let mut c = joiner("New Person", &format!("new{i}@example.com"));
        c.groups = groups_add("design");
        plan.push(c);
    }
    for i in 0..30 {
        let mut c = change(Action::Update, &format!("00u{:03}", 300 + i));
        c.groups = groups_add("engineering");
        plan.push(c);
    }
    plan.extend((0..40).map(|i| change(Action::Suspend, &format!("00u{:03}", 400 + i))));
    plan.extend((0..20).map(|i| change(Action::Delete, &format!("00ud{i:02}"))));
    plan.extend((0..10).map(|i| change(Action::Restore, &format!("00u{:03}", 440 + i))));
    for c in &plan {
        s.okta.apply(c).await.unwrap();
    }
    let total = s.requests().await.len();
    // 50 creates (groups in the same request) + 30 PUTs + 40 suspends +
    // 20 × (deactivate + delete) + 10 unsuspends; the group ids come from
    // the listing, so no group is read again.
    assert_eq!(total - pages, 170);
    assert_eq!(total, 179, "minimum {} = {pages} pages + {} changes", pages + plan.len(), plan.len());
}
