//! Changes: the lifecycle calls and their reruns, creation and adoption, group membership.

use keyward_connectors::{Connector, ConnectorError, Outcome};
use keyward_core::action::Action;
use keyward_core::plan::GroupChange;
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, ResponseTemplate};

use crate::support::*;

/// `POST …/lifecycle/{verb}` answers 200 once, then `then` (Okta refuses
/// a transition the user is past).
async fn lifecycle_once(s: &Setup, id: &str, verb: &str, then: ResponseTemplate) {
    let p = format!("/api/v1/users/{id}/lifecycle/{verb}");
    Mock::given(method("POST"))
        .and(path(p.as_str()))
        .and(header("authorization", format!("SSWS {TOKEN}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .up_to_n_times(1)
        .mount(&s.server)
        .await;
    stub(s, "POST", p, then).await;
}

/// `GET /api/v1/users/{id}` answers with the user in `status`.
async fn user_is(s: &Setup, id: &str, status: &str) {
    stub(
        s,
        "GET",
        format!("/api/v1/users/{id}"),
        ResponseTemplate::new(200).set_body_json(user(id, "a@example.com", status)),
    )
    .await;
}

fn not_allowed(what: &str) -> ResponseTemplate {
    okta_error(400, "E0000001", &format!("Api validation failed: {what}"), &[&format!("{what}: not allowed")])
}

#[tokio::test]
async fn suspend_and_unsuspend_are_one_call_each_and_reruns_are_already_done() {
    let s = setup().await;
    lifecycle_once(&s, "00u1", "suspend", not_allowed("suspend")).await;
    lifecycle_once(&s, "00u1", "unsuspend", not_allowed("unsuspend")).await;
    let out = s.okta.apply(&change(Action::Suspend, "00u1")).await.unwrap();
    assert_eq!(out, Outcome::Applied("suspended 00u1".into()));
    // The rerun: Okta refuses, the user is read, and it is SUSPENDED.
    let user_mock = Mock::given(method("GET"))
        .and(path("/api/v1/users/00u1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(user("00u1", "a@example.com", "SUSPENDED")))
        .up_to_n_times(1)
        .mount_as_scoped(&s.server)
        .await;
    let again = s.okta.apply(&change(Action::Suspend, "00u1")).await.unwrap();
    assert!(matches!(&again, Outcome::AlreadyDone(t) if t.contains("already SUSPENDED")), "{again:?}");
    drop(user_mock);

    let out = s.okta.apply(&change(Action::Restore, "00u1")).await.unwrap();
    assert_eq!(out, Outcome::Applied("unsuspended 00u1".into()));
    user_is(&s, "00u1", "ACTIVE").await;
    let again = s.okta.apply(&change(Action::Restore, "00u1")).await.unwrap();
    assert!(matches!(&again, Outcome::AlreadyDone(t) if t.contains("ACTIVE")), "{again:?}");
    assert_eq!(
        sent(&s).await,
        [
            "POST /api/v1/users/00u1/lifecycle/suspend",
            "POST /api/v1/users/00u1/lifecycle/suspend",
            "GET /api/v1/users/00u1",
            "POST /api/v1/users/00u1/lifecycle/unsuspend",
            "POST /api/v1/users/00u1/lifecycle/unsuspend",
            "GET /api/v1/users/00u1",
        ]
    );
}

#[tokio::test]
async fn suspend_as_deactivate_deactivates_and_restore_activates_again() {
    let s = setup_with(", suspendAs: deactivate", "").await;
    lifecycle_once(&s, "00u1", "deactivate", not_allowed("deactivate")).await;
    let out = s.okta.apply(&change(Action::Suspend, "00u1")).await.unwrap();
    assert_eq!(out, Outcome::Applied("deactivated 00u1".into()));
    user_is(&s, "00u1", "DEPROVISIONED").await;
    let again = s.okta.apply(&change(Action::Suspend, "00u1")).await.unwrap();
    assert!(matches!(&again, Outcome::AlreadyDone(t) if t.contains("DEPROVISIONED")), "{again:?}");

    // A deprovisioned user cannot be unsuspended: it is activated again.
    stub(
        &s,
        "POST",
        "/api/v1/users/00u1/lifecycle/unsuspend",
        okta_error(
            400,
            "E0000001",
            "Api validation failed: unsuspend",
            &["Cannot unsuspend a user that is not suspended"],
        ),
    )
    .await;
    Mock::given(method("POST"))
        .and(path("/api/v1/users/00u1/lifecycle/activate"))
        .and(query_param("sendEmail", "true"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .expect(1)
        .mount(&s.server)
        .await;
    let out = s.okta.apply(&change(Action::Restore, "00u1")).await.unwrap();
    assert!(matches!(&out, Outcome::Applied(t) if t.starts_with("activated 00u1 again")), "{out:?}");
    let deactivations: Vec<String> = sent(&s).await.into_iter().filter(|r| r.contains("deactivate")).collect();
    assert!(deactivations.iter().all(|r| r.ends_with("?sendEmail=false")), "{deactivations:?}");
}

#[tokio::test]
async fn delete_deactivates_then_deletes_and_a_rerun_is_already_done() {
    let s = setup().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/users/00u1/lifecycle/deactivate"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .up_to_n_times(1)
        .mount(&s.server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/api/v1/users/00u1"))
        .respond_with(ResponseTemplate::new(204))
        .up_to_n_times(1)
        .mount(&s.server)
        .await;
    let out = s.okta.apply(&change(Action::Delete, "00u1")).await.unwrap();
    assert_eq!(out, Outcome::Applied("deactivated and deleted 00u1".into()));
    assert_eq!(
        sent(&s).await,
        ["POST /api/v1/users/00u1/lifecycle/deactivate?sendEmail=false", "DELETE /api/v1/users/00u1?sendEmail=false"]
    );
    // Afterwards Okta knows no such user.
    stub(
        &s,
        "POST",
        "/api/v1/users/00u1/lifecycle/deactivate",
        okta_error(404, "E0000007", "Not found: Resource not found: 00u1 (User)", &[]),
    )
    .await;
    stub(
        &s,
        "GET",
        "/api/v1/users/00u1",
        okta_error(404, "E0000007", "Not found: Resource not found: 00u1 (User)", &[]),
    )
    .await;
    let again = s.okta.apply(&change(Action::Delete, "00u1")).await.unwrap();
    assert!(matches!(&again, Outcome::AlreadyDone(t) if t.contains("no longer in Okta")), "{again:?}");
}

#[tokio::test]
async fn delete_after_a_crash_between_the_two_steps_only_deletes() {
    let s = setup().await;
    stub(&s, "POST", "/api/v1/users/00u1/lifecycle/deactivate", not_allowed("deactivate")).await;
    user_is(&s, "00u1", "DEPROVISIONED").await;
    Mock::given(method("DELETE"))
        .and(path("/api/v1/users/00u1"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&s.server)
        .await;
    let out = s.okta.apply(&change(Action::Delete, "00u1")).await.unwrap();
    assert!(matches!(&out, Outcome::Applied(t) if t.contains("deleted 00u1")), "{out:?}");
}

#[tokio::test]
async fn a_refused_lifecycle_call_is_an_error_with_oktas_causes() {
    let s = setup().await;
    stub(
        &s,
        "POST",
        "/api/v1/users/00u1/lifecycle/suspend",
        okta_error(400, "E0000001", "Api validation failed: suspend", &["Cannot suspend a user that is not active"]),
    )
    .await;
    user_is(&s, "00u1", "LOCKED_OUT").await;
    let e = s.okta.apply(&change(Action::Suspend, "00u1")).await.unwrap_err();
    let shown = e.to_string();
    assert!(shown.contains(&format!("POST {}", s.url("/api/v1/users/00u1/lifecycle/suspend"))), "{shown}");
    assert!(shown.contains("cannot suspend 00u1, whose status is LOCKED_OUT"), "{shown}");
    assert!(shown.contains("or set suspendAs: deactivate"), "{shown}");
    assert!(
        shown
            .contains("Okta error E0000001: Api validation failed: suspend (Cannot suspend a user that is not active)"),
        "{shown}"
    );
    assert_no_token(&e);
}

#[tokio::test]
async fn a_leaver_who_never_activated_is_deactivated_so_the_activation_link_dies() {
    let s = setup().await;
    stub(&s, "POST", "/api/v1/users/00u1/lifecycle/suspend", not_allowed("suspend")).await;
    user_is(&s, "00u1", "PROVISIONED").await;
    Mock::given(method("POST"))
        .and(path("/api/v1/users/00u1/lifecycle/deactivate"))
        .and(query_param("sendEmail", "false"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .expect(1)
        .mount(&s.server)
        .await;
    let out = s.okta.apply(&change(Action::Suspend, "00u1")).await.unwrap();
    assert!(matches!(&out, Outcome::Applied(t) if t.starts_with("deactivated 00u1: it was PROVISIONED")), "{out:?}");
}

#[tokio::test]
async fn a_joiner_is_created_activated_with_an_exact_profile_and_joins_groups() {
    let s = setup_with(", nameOrder: familyFirst", "").await;
    let name = "山田 \"花子\"\\";
    Mock::given(method("POST"))
        .and(path("/api/v1/users"))
        .and(query_param("activate", "true"))
        .and(body_json(json!({"profile": {
            "firstName": "\"花子\"\\", "lastName": "山田", "email": "hanako@example.com",
            "login": "hanako@example.com", "employeeNumber": "E042"
        }, "groupIds": ["00g1"]})))
        .respond_with(ResponseTemplate::new(200).set_body_json(user("00unew", "hanako@example.com", "ACTIVE")))
        .expect(1)
        .mount(&s.server)
        .await;
    groups(&s, vec![group("00g1", "engineering", "OKTA_GROUP")], &[]).await;
    let mut c = joiner(name, "hanako@example.com");
    c.groups = Some(Box::new(GroupChange { add: vec!["engineering".into()], remove: vec![] }));
    let out = s.okta.apply(&c).await.unwrap();
    assert_eq!(out, Outcome::Applied("created and activated 00unew (hanako@example.com), groups engineering".into()));
}

#[tokio::test]
async fn a_taken_login_is_adopted_never_a_second_user() {
    let s = setup().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/users"))
        .respond_with(okta_error(
            400,
            "E0000001",
            "Api validation failed: login",
            &["login: An object with this field already exists in the current organization"],
        ))
        .expect(1)
        .mount(&s.server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/users/ann@example.com"))
        .respond_with(ResponseTemplate::new(200).set_body_json(user("00uann", "ann@example.com", "ACTIVE")))
        .expect(1)
        .mount(&s.server)
        .await;
    groups(&s, vec![group("00g1", "engineering", "OKTA_GROUP")], &[]).await;
    Mock::given(method("PUT"))
        .and(path("/api/v1/groups/00g1/users/00uann"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&s.server)
        .await;
    let mut c = joiner("Ann Lee", "ann@example.com");
    c.groups = Some(Box::new(GroupChange { add: vec!["engineering".into()], remove: vec![] }));
    let out = s.okta.apply(&c).await.unwrap();
    assert_eq!(out, Outcome::Applied("adopted existing user 00uann (ann@example.com), groups engineering".into()));

    // Any other refusal is an error with Okta's causes, and nothing adopted.
    let s = setup().await;
    stub(
        &s,
        "POST",
        "/api/v1/users",
        okta_error(400, "E0000001", "Api validation failed: email", &["email: Does not match required pattern"]),
    )
    .await;
    let e = s.okta.apply(&joiner("Ann Lee", "ann@example.com")).await.unwrap_err();
    assert!(e.to_string().contains("cannot create ann@example.com"), "{e}");
    assert!(e.to_string().contains("(email: Does not match required pattern)"), "{e}");
    assert_no_token(&e);
    assert_eq!(s.requests().await.len(), 1);
}

#[tokio::test]
async fn groups_are_joined_and_left_and_app_groups_are_never_touched() {
    let s = setup().await;
    groups(
        &s,
        vec![
            group("00g1", "engineering", "OKTA_GROUP"),
            group("00g2", "ops", "OKTA_GROUP"),
            group("00g3", "Salesforce Users", "APP_GROUP"),
        ],
        &[],
    )
    .await;
    Mock::given(method("PUT"))
        .and(path("/api/v1/groups/00g1/users/00u1"))
        .respond_with(ResponseTemplate::new(204))
        .expect(2)
        .mount(&s.server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/api/v1/groups/00g2/users/00u1"))
        .respond_with(ResponseTemplate::new(204))
        .up_to_n_times(1)
        .expect(1)
        .mount(&s.server)
        .await;
    stub(
        &s,
        "DELETE",
        "/api/v1/groups/00g2/users/00u1",
        okta_error(404, "E0000007", "Not found: Resource not found: 00u1 (User)", &[]),
    )
    .await;
    let mut c = change(Action::Update, "00u1");
    c.groups = Some(Box::new(GroupChange { add: vec!["engineering".into()], remove: vec!["ops".into()] }));
    let out = s.okta.apply(&c).await.unwrap();
    assert_eq!(out, Outcome::Applied("00u1: joined engineering, left ops".into()));
    // A rerun: Okta's PUT is 204 again, the DELETE of a non-member 404.
    let again = s.okta.apply(&c).await.unwrap();
    assert_eq!(again, Outcome::Applied("00u1: joined engineering, not in ops (no change)".into()));

    let mut c = change(Action::Update, "00u1");
    c.groups = Some(Box::new(GroupChange { add: vec!["engineering".into()], remove: vec!["Salesforce Users".into()] }));
    let e = s.okta.apply(&c).await.unwrap_err();
    assert!(e.to_string().contains("`Salesforce Users` is an APP_GROUP group"), "{e}");
    let mut c = change(Action::Update, "00u1");
    c.groups = Some(Box::new(GroupChange { add: vec!["no-such".into()], remove: vec![] }));
    let e = s.okta.apply(&c).await.unwrap_err();
    assert!(e.to_string().contains("there is no Okta group `no-such`"), "{e}");
    // The groups were read once for the first change; a missing name reads
    // them again. Nothing was sent for the refused changes.
    let reqs = s.requests().await;
    assert_eq!(reqs.iter().filter(|r| r.url.path() == "/api/v1/groups").count(), 2);
    assert_eq!(reqs.iter().filter(|r| r.method.as_str() != "GET").count(), 4);
}

#[tokio::test]
async fn a_hand_over_is_not_something_okta_does() {
    let s = setup().await;
    let e = s.okta.apply(&change(Action::Transfer, "00u1")).await.unwrap_err();
    assert!(matches!(e, ConnectorError::Unsupported { kind: "okta", .. }), "{e:?}");
    assert!(s.requests().await.is_empty());
}
