//! Changes to members: role and teams, suspend and delete (the membership removed or
//! the invitation cancelled, a rerun already done), and no data hand-over.

use crate::support::{ORG, change, gh_error, ok, setup, user};
use keyward_connectors::{Connector, ConnectorError, Outcome};
use keyward_core::action::Action;
use keyward_core::plan::{GroupChange, RoleChange};
use serde_json::json;
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, ResponseTemplate};

#[tokio::test]
async fn a_role_change_sets_the_organisation_membership() {
    let s = setup().await;
    Mock::given(method("PUT"))
        .and(path(format!("/orgs/{ORG}/memberships/ann")))
        .and(body_json(json!({"role": "admin"})))
        .respond_with(ok(json!({"state": "active", "role": "admin", "user": user(11, "ann")})))
        .expect(1)
        .mount(&s.server)
        .await;
    let mut c = change(Action::Update, "11", Some("ann"));
    c.role = Some(Box::new(RoleChange { from: Some("member".into()), to: "admin".into() }));
    let out = s.gh.apply(&c).await.unwrap();
    assert!(matches!(&out, Outcome::Applied(w) if w.contains("role admin")), "{out:?}");
}

#[tokio::test]
async fn teams_are_joined_and_left_and_a_rerun_changes_nothing() {
    let s = setup().await;
    let membership = |slug: &str| format!("/orgs/{ORG}/teams/{slug}/memberships/ann");
    // Not yet in platform: joined as a member.
    s.stub("GET", &membership("platform"), gh_error(404, "Not Found")).await;
    Mock::given(method("PUT"))
        .and(path(membership("platform")))
        .and(body_json(json!({"role": "member"})))
        .respond_with(ok(json!({"role": "member", "state": "active"})))
        .expect(1)
        .mount(&s.server)
        .await;
    // Already a maintainer of sre: left alone, not demoted to member.
    s.stub("GET", &membership("sre"), ok(json!({"role": "maintainer", "state": "active"}))).await;
    Mock::given(method("PUT"))
        .and(path(membership("sre")))
        .respond_with(ok(json!({})))
        .expect(0)
        .mount(&s.server)
        .await;
    s.stub("DELETE", &membership("legacy"), ResponseTemplate::new(204)).await;

    let mut c = change(Action::Update, "11", Some("ann"));
    c.groups =
        Some(Box::new(GroupChange { add: vec!["platform".into(), "sre".into()], remove: vec!["legacy".into()] }));
    let out = s.gh.apply(&c).await.unwrap();
    let Outcome::Applied(what) = out else { panic!("{out:?}") };
    assert!(what.contains("joined platform") && what.contains("left legacy"), "{what}");

    // The rerun: ann is in both teams to join and out of the one to leave.
    let s = setup().await;
    s.stub("GET", &membership("platform"), ok(json!({"role": "member", "state": "active"}))).await;
    s.stub("GET", &membership("sre"), ok(json!({"role": "maintainer", "state": "active"}))).await;
    s.stub("DELETE", &membership("legacy"), gh_error(404, "Not Found")).await;
    s.stub("GET", "/user/11", ok(user(11, "ann"))).await;
    Mock::given(method("PUT")).respond_with(ok(json!({}))).expect(0).mount(&s.server).await;
    let out = s.gh.apply(&c).await.unwrap();
    assert!(
        matches!(&out, Outcome::AlreadyDone(w) if w.contains("already in platform") && w.contains("not in legacy")),
        "{out:?}"
    );
}

#[tokio::test]
async fn an_email_invitations_role_cannot_be_changed_in_place() {
    let s = setup().await;
    let mut c = change(Action::Update, "invitation:502", None);
    c.role = Some(Box::new(RoleChange { from: Some("member".into()), to: "admin".into() }));
    let e = s.gh.apply(&c).await.unwrap_err();
    assert!(matches!(&e, ConnectorError::Unsupported { .. }) && e.to_string().contains("cancel it"), "{e}");
    assert!(s.requests().await.is_empty());
}

#[tokio::test]
async fn suspend_removes_the_membership_and_a_rerun_is_already_done() {
    let s = setup().await;
    let m = format!("/orgs/{ORG}/memberships/ann");
    s.first_time(Mock::given(method("DELETE")).and(path(&m)), ResponseTemplate::new(204)).await;
    s.stub("DELETE", &m, gh_error(404, "Not Found")).await;
    // The 404 is checked against the user's id: still called ann, so truly gone.
    s.stub("GET", "/user/11", ok(user(11, "ann"))).await;

    let c = change(Action::Suspend, "11", Some("ann"));
    let out = s.gh.apply(&c).await.unwrap();
    assert!(
        matches!(&out, Outcome::Applied(w) if w.contains("removed ann from acme") && w.contains("re-inviting")),
        "{out:?}"
    );
    let out = s.gh.apply(&c).await.unwrap();
    assert!(matches!(&out, Outcome::AlreadyDone(w) if w.contains("not a member")), "{out:?}");
}

#[tokio::test]
async fn a_member_renamed_since_the_listing_is_removed_under_the_new_login() {
    let s = setup().await;
    s.stub("DELETE", &format!("/orgs/{ORG}/members/ann"), gh_error(404, "Not Found")).await;
    s.stub("GET", "/user/11", ok(user(11, "ann-new"))).await;
    Mock::given(method("DELETE"))
        .and(path(format!("/orgs/{ORG}/members/ann-new")))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&s.server)
        .await;
    let out = s.gh.apply(&change(Action::Delete, "11", Some("ann"))).await.unwrap();
    assert!(matches!(&out, Outcome::Applied(w) if w.contains("ann-new")), "{out:?}");
}

#[tokio::test]
async fn delete_removes_from_the_organisation_and_404_is_already_done() {
    let s = setup().await;
    let m = format!("/orgs/{ORG}/members/ann");
    s.first_time(Mock::given(method("DELETE")).and(path(&m)), ResponseTemplate::new(204)).await;
    s.stub("DELETE", &m, gh_error(404, "Not Found")).await;
    s.stub("GET", "/user/11", gh_error(404, "Not Found")).await;
    let c = change(Action::Delete, "11", Some("ann"));
    assert!(matches!(s.gh.apply(&c).await.unwrap(), Outcome::Applied(_)));
    assert!(matches!(s.gh.apply(&c).await.unwrap(), Outcome::AlreadyDone(_)));
}

#[tokio::test]
async fn a_pending_invitation_is_cancelled_and_a_rerun_is_already_done() {
    let s = setup().await;
    let inv = format!("/orgs/{ORG}/invitations/502");
    s.first_time(Mock::given(method("DELETE")).and(path(&inv)), ResponseTemplate::new(204)).await;
    s.stub("DELETE", &inv, gh_error(404, "Not Found")).await;
    let mut c = change(Action::Suspend, "invitation:502", None);
    c.account.email = Some("dave@example.com".into());
    let out = s.gh.apply(&c).await.unwrap();
    assert!(
        matches!(&out, Outcome::Applied(w) if w.contains("cancelled the invitation of dave@example.com")),
        "{out:?}"
    );
    let out = s.gh.apply(&c).await.unwrap();
    assert!(matches!(out, Outcome::AlreadyDone(_)), "{out:?}");
    assert!(s.requests().await.iter().all(|r| !r.url.path().contains("memberships")));
}

#[tokio::test]
async fn an_invitation_accepted_since_the_listing_is_removed_as_a_member() {
    let s = setup().await;
    s.stub("DELETE", &format!("/orgs/{ORG}/invitations/501"), gh_error(404, "Not Found")).await;
    let m = format!("/orgs/{ORG}/memberships/carol");
    s.stub("GET", &m, ok(json!({"state": "active", "role": "admin", "user": user(31, "carol")}))).await;
    Mock::given(method("DELETE"))
        .and(path(&m))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&s.server)
        .await;
    let out = s.gh.apply(&change(Action::Delete, "invitation:501", Some("carol"))).await.unwrap();
    assert!(matches!(&out, Outcome::Applied(w) if w.contains("had accepted")), "{out:?}");
}

#[tokio::test]
async fn nothing_can_be_handed_over() {
    let s = setup().await;
    let e = s.gh.apply(&change(Action::Transfer, "11", Some("ann"))).await.unwrap_err();
    assert!(matches!(e, ConnectorError::Unsupported { kind: "github", .. }), "{e:?}");
}
