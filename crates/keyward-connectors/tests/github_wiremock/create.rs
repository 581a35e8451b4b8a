//! Create: an invitation by login or e-mail with role and teams, a rerun already done,
//! and what fails before anyone is invited.

use crate::support::{ORG, change, create, gh_error, invitation, ok, setup, small_org, team, user, validation_failed};
use keyward_connectors::{Connector, Outcome};
use keyward_core::action::Action;
use serde_json::json;
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, ResponseTemplate};

#[tokio::test]
async fn create_invites_the_login_hr_records_by_id_with_role_and_teams() {
    let s = setup().await;
    s.stub("GET", "/users/AnnLee", ok(user(42, "AnnLee"))).await;
    s.stub("GET", &format!("/orgs/{ORG}/teams/platform"), ok(team(71, "platform"))).await;
    Mock::given(method("POST"))
        .and(path(format!("/orgs/{ORG}/invitations")))
        .and(body_json(json!({"invitee_id": 42, "role": "direct_member", "team_ids": [71]})))
        .respond_with(ResponseTemplate::new(201).set_body_json(invitation(
            900,
            Some("AnnLee"),
            None,
            "direct_member",
            1,
        )))
        .expect(1)
        .mount(&s.server)
        .await;

    let out = s.gh.apply(&create(Some("AnnLee"), "ann@example.com", "member", &["platform"])).await.unwrap();
    let Outcome::Applied(what) = out else { panic!("{out:?}") };
    assert!(what.contains("AnnLee") && what.contains("invitation 900") && what.contains("platform"), "{what}");
}

#[tokio::test]
async fn create_without_a_login_invites_the_email_as_owner() {
    let s = setup().await;
    Mock::given(method("POST"))
        .and(path(format!("/orgs/{ORG}/invitations")))
        .and(body_json(json!({"email": "ann@example.com", "role": "admin", "team_ids": []})))
        .respond_with(ResponseTemplate::new(201).set_body_json(invitation(
            901,
            None,
            Some("ann@example.com"),
            "admin",
            0,
        )))
        .expect(1)
        .mount(&s.server)
        .await;
    let out = s.gh.apply(&create(None, "ann@example.com", "admin", &[])).await.unwrap();
    assert!(matches!(&out, Outcome::Applied(w) if w.contains("ann@example.com") && w.contains("admin")), "{out:?}");
}

#[tokio::test]
async fn a_rerun_create_meeting_already_a_member_or_invited_is_already_done() {
    let s = setup().await;
    s.stub("GET", "/users/AnnLee", ok(user(42, "AnnLee"))).await;
    s.stub(
        "POST",
        &format!("/orgs/{ORG}/invitations"),
        validation_failed("Invitee is already a part of this organization"),
    )
    .await;
    let out = s.gh.apply(&create(Some("AnnLee"), "ann@example.com", "member", &[])).await.unwrap();
    assert!(matches!(&out, Outcome::AlreadyDone(w) if w.contains("already a part")), "{out:?}");

    let s = setup().await;
    s.stub(
        "POST",
        &format!("/orgs/{ORG}/invitations"),
        validation_failed("A user with this email addresss is already a part of this organization"),
    )
    .await;
    let out = s.gh.apply(&create(None, "ann@example.com", "member", &[])).await.unwrap();
    assert!(matches!(out, Outcome::AlreadyDone(_)), "{out:?}");
}

#[tokio::test]
async fn restore_reinvites_the_removed_member_to_reinstate_what_they_had() {
    let s = setup().await;
    Mock::given(method("POST"))
        .and(path(format!("/orgs/{ORG}/invitations")))
        .and(body_json(json!({"invitee_id": 11, "role": "reinstate", "team_ids": []})))
        .respond_with(ResponseTemplate::new(201).set_body_json(invitation(903, Some("ann"), None, "reinstate", 0)))
        .expect(1)
        .mount(&s.server)
        .await;
    let out = s.gh.apply(&change(Action::Restore, "11", Some("ann"))).await.unwrap();
    assert!(matches!(&out, Outcome::Applied(w) if w.contains("ann (user 11)") && w.contains("reinstate")), "{out:?}");
}

#[tokio::test]
async fn another_422_is_an_error_with_githubs_reasons() {
    let s = setup().await;
    s.stub("POST", &format!("/orgs/{ORG}/invitations"), validation_failed("Over the seat limit of the plan")).await;
    let e = s.gh.apply(&create(None, "ann@example.com", "member", &[])).await.unwrap_err();
    let text = e.to_string();
    assert!(text.contains("Validation Failed") && text.contains("Over the seat limit"), "{text}");
    assert!(text.contains("create-an-organization-invitation"), "{text}");
}

#[tokio::test]
async fn a_login_github_does_not_know_or_a_missing_team_fails_before_inviting() {
    let s = setup().await;
    s.stub("GET", "/users/nobody-here", gh_error(404, "Not Found")).await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(201)).expect(0).mount(&s.server).await;
    let e = s.gh.apply(&create(Some("nobody-here"), "ann@example.com", "member", &[])).await.unwrap_err();
    assert!(e.to_string().contains("there is no GitHub user `nobody-here`"), "{e}");

    s.stub("GET", "/users/AnnLee", ok(user(42, "AnnLee"))).await;
    s.stub("GET", &format!("/orgs/{ORG}/teams/ghost"), gh_error(404, "Not Found")).await;
    let e = s.gh.apply(&create(Some("AnnLee"), "ann@example.com", "member", &["ghost"])).await.unwrap_err();
    assert!(e.to_string().contains("there is no team `ghost` in acme"), "{e}");
}

#[tokio::test]
async fn team_ids_come_from_the_listing_without_asking_again() {
    let s = setup().await;
    s.first_page(&format!("/orgs/{ORG}/teams"), &[], ok(json!([team(71, "platform")]))).await;
    s.stub("GET", &format!("/orgs/{ORG}/teams/platform/members"), ok(json!([]))).await;
    small_org(&s, vec![], vec![]).await;
    s.gh.list().await.unwrap();
    Mock::given(method("POST"))
        .and(path(format!("/orgs/{ORG}/invitations")))
        .and(body_json(json!({"email": "ann@example.com", "role": "direct_member", "team_ids": [71]})))
        .respond_with(ResponseTemplate::new(201).set_body_json(invitation(
            902,
            None,
            Some("ann@example.com"),
            "direct_member",
            1,
        )))
        .expect(1)
        .mount(&s.server)
        .await;
    s.gh.apply(&create(None, "ann@example.com", "member", &["platform"])).await.unwrap();
    assert!(s.calls("GET", &format!("/orgs/{ORG}/teams/platform")).await.is_empty());
}
