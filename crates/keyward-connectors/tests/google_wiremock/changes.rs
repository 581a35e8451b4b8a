//! Changes: create with licence and groups, suspend and restore, group membership
//! and licence moves for a role change, with Google's throttling and errors on the way.

use crate::support::{
    ACCESS_TOKEN, ADMIN, DIR, LIC, LICENCES, ROLES, STANDARD, STARTER, bearer, change, get_user, google_error, setup,
    user,
};
use keyward_connectors::{Connector, ConnectorError, Outcome};
use keyward_core::action::Action;
use keyward_core::plan::{Change, GroupChange, Profile, RoleChange};
use serde_json::{Value, json};
use wiremock::matchers::{body_json, body_partial_json, method, path};
use wiremock::{Mock, Request, Respond, ResponseTemplate};

#[tokio::test]
async fn a_rate_limited_403_is_retried_and_a_plain_403_is_final_without_the_token() {
    let s = setup("", "").await;
    get_user(&s, "u9", user("u9", "hanako@example.com")).await;
    Mock::given(method("PUT"))
        .and(path(format!("{DIR}/users/u9")))
        .respond_with(google_error(403, "userRateLimitExceeded", "User Rate Limit Exceeded", "PERMISSION_DENIED"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&s.server)
        .await;
    Mock::given(method("PUT"))
        .and(path(format!("{DIR}/users/u9")))
        .and(body_json(json!({"suspended": true})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "u9", "suspended": true})))
        .expect(1)
        .mount(&s.server)
        .await;
    let out = s.google.apply(&change(Action::Suspend, Some("u9"))).await.unwrap();
    assert!(matches!(&out, Outcome::Applied(w) if w.contains("suspended u9")), "{out:?}");
    assert_eq!(s.requests("PUT", &format!("{DIR}/users/u9")).await.len(), 2, "the throttled call was sent again");

    get_user(&s, "u8", user("u8", "taro@example.com")).await;
    Mock::given(method("PUT"))
        .and(path(format!("{DIR}/users/u8")))
        .respond_with(google_error(403, "forbidden", "Not Authorized to access this resource/api", "PERMISSION_DENIED"))
        .expect(1)
        .mount(&s.server)
        .await;
    let e = s.google.apply(&change(Action::Suspend, Some("u8"))).await.unwrap_err();
    let text = format!("{e} {e:?}");
    let ConnectorError::Http { call, status, problem, .. } = &e else { panic!("{e:?}") };
    assert_eq!(*status, Some(403));
    assert!(call.starts_with("PUT ") && call.ends_with("/admin/directory/v1/users/u8"), "{call}");
    assert!(problem.contains("forbidden: Not Authorized") && problem.contains("domain-wide delegation"), "{problem}");
    assert!(problem.contains(ADMIN) && problem.contains("admin.directory.user"), "{problem}");
    assert!(!text.contains(ACCESS_TOKEN), "the token leaked: {text}");
    assert!(!e.is_transient());
}

/// Answers a create with Google's error, quoting the request body back as
/// a careless proxy would.
struct EchoBody;

impl Respond for EchoBody {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        google_error(
            400,
            "invalid",
            &format!("Invalid Input: {}", String::from_utf8_lossy(&req.body)),
            "INVALID_ARGUMENT",
        )
    }
}

fn create_change() -> Change {
    let mut c = change(Action::Create, None);
    c.role = Some(Box::new(RoleChange { from: None, to: "standard".to_owned() }));
    c.groups = Some(Box::new(GroupChange { add: vec!["sales@example.com".to_owned()], remove: vec![] }));
    c.profile = Some(Box::new(Profile {
        department: Some("Sales".to_owned()),
        title: Some("Manager".to_owned()),
        ..Profile::default()
    }));
    c
}

#[tokio::test]
async fn create_posts_the_user_then_assigns_the_licence_and_joins_groups() {
    let s = setup(&format!("{LICENCES}, orgUnitPath: /Sales"), ROLES).await;
    Mock::given(method("POST"))
        .and(path(format!("{DIR}/users")))
        .and(bearer())
        .and(body_partial_json(json!({
            "primaryEmail": "hanako@example.com",
            "name": {"givenName": "Hanako", "familyName": "Yamada"},
            "changePasswordAtNextLogin": true,
            "orgUnitPath": "/Sales",
            "externalIds": [{"type": "organization", "value": "E100"}],
            "organizations": [{"department": "Sales", "title": "Manager", "primary": true}]
        })))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"id": "new-1", "primaryEmail": "hanako@example.com"})),
        )
        .expect(1)
        .mount(&s.server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("{LIC}/product/Google-Apps/sku/{STANDARD}/user")))
        .and(body_json(json!({"userId": "hanako@example.com"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"skuId": STANDARD})))
        .expect(1)
        .mount(&s.server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("{DIR}/groups/sales@example.com/members")))
        .and(body_json(json!({"email": "hanako@example.com", "role": "MEMBER"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "new-1", "role": "MEMBER"})))
        .expect(1)
        .mount(&s.server)
        .await;

    let out = s.google.apply(&create_change()).await.unwrap();
    let Outcome::Applied(what) = &out else { panic!("{out:?}") };
    assert!(what.contains("created new-1") && what.contains(STANDARD) && what.contains("sales@example.com"), "{what}");
    let post = &s.requests("POST", &format!("{DIR}/users")).await[0];
    let body: Value = serde_json::from_slice(&post.body).unwrap();
    let password = body["password"].as_str().unwrap();
    assert!(password.len() >= 16, "{password}");
    assert!(!format!("{out:?}").contains(password));
}

#[tokio::test]
async fn a_create_error_shows_googles_words_but_never_the_password() {
    let s = setup("", "").await;
    Mock::given(method("POST")).and(path(format!("{DIR}/users"))).respond_with(EchoBody).mount(&s.server).await;
    let e = s.google.apply(&change(Action::Create, None)).await.unwrap_err();
    let text = format!("{e} {e:?}");
    let post = &s.requests("POST", &format!("{DIR}/users")).await[0];
    let body: Value = serde_json::from_slice(&post.body).unwrap();
    let password = body["password"].as_str().unwrap();
    assert!(text.contains("invalid: Invalid Input") && text.contains("POST "), "{text}");
    assert!(!text.contains(password), "the password leaked: {text}");
    assert!(!text.contains(ACCESS_TOKEN), "{text}");
}

#[tokio::test]
async fn a_duplicate_create_adopts_the_user_and_an_existing_licence_is_kept() {
    let s = setup(LICENCES, ROLES).await;
    Mock::given(method("POST"))
        .and(path(format!("{DIR}/users")))
        .respond_with(google_error(409, "duplicate", "Entity already exists.", "ALREADY_EXISTS"))
        .expect(1)
        .mount(&s.server)
        .await;
    get_user(&s, "hanako@example.com", user("old-7", "hanako@example.com")).await;
    Mock::given(method("POST"))
        .and(path(format!("{LIC}/product/Google-Apps/sku/{STANDARD}/user")))
        .respond_with(google_error(
            412,
            "conditionNotMet",
            "User already has a license for the specified product and SKU",
            "FAILED_PRECONDITION",
        ))
        .expect(1)
        .mount(&s.server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{LIC}/product/Google-Apps/sku/{STANDARD}/user/hanako@example.com")))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"userId": "hanako@example.com", "skuId": STANDARD})),
        )
        .expect(1)
        .mount(&s.server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("{DIR}/groups/sales@example.com/members")))
        .respond_with(google_error(409, "duplicate", "Member already exists.", "ALREADY_EXISTS"))
        .expect(1)
        .mount(&s.server)
        .await;
    let out = s.google.apply(&create_change()).await.unwrap();
    assert!(matches!(&out, Outcome::Applied(w) if w.contains("adopted existing user old-7")), "{out:?}");
    assert!(s.requests("PUT", &format!("{DIR}/users/old-7")).await.is_empty(), "an active user is left as it is");
}

#[tokio::test]
async fn suspend_and_restore_put_suspended_and_a_user_already_so_is_already_done() {
    let s = setup("", "").await;
    get_user(&s, "u1", user("u1", "a@example.com")).await;
    let mut archived = user("u2", "b@example.com");
    archived["archived"] = json!(true);
    get_user(&s, "u2", archived).await;
    Mock::given(method("PUT"))
        .and(path(format!("{DIR}/users/u1")))
        .and(body_json(json!({"suspended": true})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "u1"})))
        .expect(1)
        .mount(&s.server)
        .await;
    Mock::given(method("PUT"))
        .and(path(format!("{DIR}/users/u2")))
        .and(body_json(json!({"suspended": false, "archived": false})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "u2"})))
        .expect(1)
        .mount(&s.server)
        .await;
    let out = s.google.apply(&change(Action::Suspend, Some("u1"))).await.unwrap();
    assert!(matches!(&out, Outcome::Applied(w) if w.contains("suspended u1")), "{out:?}");
    let out = s.google.apply(&change(Action::Restore, Some("u1"))).await.unwrap();
    assert!(matches!(&out, Outcome::AlreadyDone(w) if w.contains("already active")), "{out:?}");
    let out = s.google.apply(&change(Action::Suspend, Some("u2"))).await.unwrap();
    assert!(matches!(&out, Outcome::AlreadyDone(w) if w.contains("archived")), "{out:?}");
    let out = s.google.apply(&change(Action::Restore, Some("u2"))).await.unwrap();
    assert!(matches!(&out, Outcome::Applied(w) if w.contains("restored u2")), "{out:?}");
}

#[tokio::test]
async fn a_super_admin_is_never_suspended_or_deleted() {
    let s = setup("", "").await;
    let mut admin = user("u1", ADMIN);
    admin["isAdmin"] = json!(true);
    get_user(&s, "u1", admin).await;
    Mock::given(method("PUT")).respond_with(ResponseTemplate::new(200)).expect(0).mount(&s.server).await;
    Mock::given(method("DELETE")).respond_with(ResponseTemplate::new(204)).expect(0).mount(&s.server).await;
    for action in [Action::Suspend, Action::Delete] {
        let e = s.google.apply(&change(action, Some("u1"))).await.unwrap_err();
        assert!(e.to_string().contains("super administrator") && e.to_string().contains("spec.protect"), "{e}");
    }
}

#[tokio::test]
async fn joining_twice_and_leaving_a_group_one_is_not_in_are_already_done() {
    let s = setup("", "").await;
    Mock::given(method("POST"))
        .and(path(format!("{DIR}/groups/sales@example.com/members")))
        .and(body_json(json!({"email": "hanako@example.com", "role": "MEMBER"})))
        .respond_with(google_error(409, "duplicate", "Member already exists.", "ALREADY_EXISTS"))
        .expect(1)
        .mount(&s.server)
        .await;
    Mock::given(method("DELETE"))
        .and(path(format!("{DIR}/groups/eng@example.com/members/u9")))
        .respond_with(google_error(404, "notFound", "Resource Not Found: memberKey", "NOT_FOUND"))
        .expect(1)
        .mount(&s.server)
        .await;
    let mut c = change(Action::Update, Some("u9"));
    c.groups = Some(Box::new(GroupChange {
        add: vec!["sales@example.com".to_owned()],
        remove: vec!["eng@example.com".to_owned()],
    }));
    let out = s.google.apply(&c).await.unwrap();
    assert!(
        matches!(&out, Outcome::AlreadyDone(w) if w.contains("already in sales@example.com") && w.contains("not in eng@example.com")),
        "{out:?}"
    );

    Mock::given(method("DELETE"))
        .and(path(format!("{DIR}/groups/eng@example.com/members/u7")))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&s.server)
        .await;
    let mut c = change(Action::Update, Some("u7"));
    c.groups = Some(Box::new(GroupChange { add: vec![], remove: vec!["eng@example.com".to_owned()] }));
    let out = s.google.apply(&c).await.unwrap();
    assert!(matches!(&out, Outcome::Applied(w) if w.contains("left eng@example.com")), "{out:?}");
}

#[tokio::test]
async fn a_role_change_moves_the_user_to_the_new_sku_in_one_call() {
    let s = setup(LICENCES, ROLES).await;
    Mock::given(method("PUT"))
        .and(path(format!("{LIC}/product/Google-Apps/sku/{STARTER}/user/hanako@example.com")))
        .and(body_json(json!({"productId": "Google-Apps", "skuId": STANDARD, "userId": "hanako@example.com"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"skuId": STANDARD})))
        .expect(1)
        .mount(&s.server)
        .await;
    let mut c = change(Action::Update, Some("u9"));
    c.role = Some(Box::new(RoleChange { from: Some("basic".to_owned()), to: "standard".to_owned() }));
    let out = s.google.apply(&c).await.unwrap();
    assert!(matches!(&out, Outcome::Applied(w) if w.contains("role standard") && w.contains(STANDARD)), "{out:?}");

    // No licence before: the new one is assigned.
    Mock::given(method("POST"))
        .and(path(format!("{LIC}/product/Google-Apps/sku/{STARTER}/user")))
        .and(body_json(json!({"userId": "hanako@example.com"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"skuId": STARTER})))
        .expect(1)
        .mount(&s.server)
        .await;
    let mut c = change(Action::Update, Some("u9"));
    c.role = Some(Box::new(RoleChange { from: None, to: "basic".to_owned() }));
    let out = s.google.apply(&c).await.unwrap();
    assert!(matches!(&out, Outcome::Applied(w) if w.contains("role basic")), "{out:?}");
}

#[tokio::test]
async fn a_role_change_across_products_assigns_the_new_licence_then_revokes_the_old() {
    let s = setup(
        ", licences: {basic: {productId: Google-Apps, skuId: '1010020027'}, archive: {productId: '101034', skuId: '1010340001'}}",
        "  roles: [archive, basic]\n",
    )
    .await;
    Mock::given(method("POST"))
        .and(path(format!("{LIC}/product/101034/sku/1010340001/user")))
        .and(body_json(json!({"userId": "hanako@example.com"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"skuId": "1010340001"})))
        .expect(1)
        .mount(&s.server)
        .await;
    Mock::given(method("DELETE"))
        .and(path(format!("{LIC}/product/Google-Apps/sku/{STARTER}/user/hanako@example.com")))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&s.server)
        .await;
    let mut c = change(Action::Update, Some("u9"));
    c.role = Some(Box::new(RoleChange { from: Some("basic".to_owned()), to: "archive".to_owned() }));
    let out = s.google.apply(&c).await.unwrap();
    assert!(matches!(&out, Outcome::Applied(w) if w.contains("role archive") && w.contains("removed")), "{out:?}");
    let order: Vec<String> = s
        .server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| r.method.to_string())
        .filter(|m| m != "GET")
        .collect();
    assert_eq!(order, ["POST", "POST", "DELETE"], "token, new licence, then the old one goes");
}
