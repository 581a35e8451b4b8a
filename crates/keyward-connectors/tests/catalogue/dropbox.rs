//! `catalogue/dropbox.yaml` against stubs of Dropbox's Business API: POST
//! listings followed with `list/continue_v2` while `has_more`, `.tag`
//! unions, a 429 with `Retry-After`, 409 `error_summary` refusals (some of
//! which mean "already done") and `members/add_v2`'s 200 answer
//! `user_already_on_team` resolved by `get_info_v2`.

use keyward_connectors::{Connector, Outcome};
use keyward_core::account::AccountStatus;
use keyward_core::action::Action;
use serde_json::{Value, json};
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, ResponseTemplate};

use crate::harness::{App, SECRET, body, change, load, shown};

/// The access token the stub's token endpoint hands out.
const ACCESS: &str = "sl.kw-dropbox-access-7c1e";

/// The requests that reached the API, the token requests aside.
async fn api_calls(app: &App) -> Vec<wiremock::Request> {
    app.requests().await.into_iter().filter(|r| r.url.path() != "/oauth2/token").collect()
}

/// The Dropbox definition at a stub whose token endpoint takes the app
/// key and secret (basic) and the refresh token.
async fn dropbox() -> App {
    use base64::Engine as _;
    let app = load("dropbox").await;
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("your-app-key:{SECRET}"));
    Mock::given(method("POST"))
        .and(path("/oauth2/token"))
        .and(header("authorization", format!("Basic {basic}").as_str()))
        .and(wiremock::matchers::body_string_contains("grant_type=refresh_token"))
        .and(wiremock::matchers::body_string_contains(format!("refresh_token={SECRET}")))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"access_token": ACCESS, "token_type": "bearer", "expires_in": 14400})),
        )
        .mount(&app.server)
        .await;
    app
}

const LIST: &str = "/2/team/members/list_v2";
const CONTINUE: &str = "/2/team/members/list/continue_v2";

fn member(id: &str, email: &str, status: &str) -> Value {
    json!({
        "profile": {
            "team_member_id": id, "account_id": format!("dbid:{id}"), "email": email, "email_verified": true,
            "secondary_emails": [], "status": {".tag": status},
            "name": {"given_name": "Taro", "surname": "Yamada", "familiar_name": "Taro",
                     "display_name": "Taro Yamada", "abbreviated_name": "TY"},
            "membership_type": {".tag": "full"}, "joined_on": "2024-04-01T00:00:00Z",
            "external_id": format!("E{id}"), "groups": [], "member_folder_id": "20"
        },
        "roles": []
    })
}

/// Dropbox's endpoint-specific refusal.
fn refusal(tag: &str) -> ResponseTemplate {
    ResponseTemplate::new(409).set_body_json(json!({"error_summary": format!("{tag}/.."), "error": {".tag": tag}}))
}

fn user(id: &str) -> Value {
    json!({".tag": "team_member_id", "team_member_id": id})
}

#[tokio::test]
async fn lists_every_page_and_waits_out_a_rate_limit() {
    let app = dropbox().await;
    let bearer = format!("Bearer {ACCESS}");
    let mut admin = member("dbmid:A", "a@example.com", "active");
    admin["roles"] = json!([{"role_id": "pid_dbtmr:1", "name": "User management admin", "description": "…"}]);
    Mock::given(method("POST"))
        .and(path(LIST))
        .and(header("authorization", bearer.as_str()))
        .and(body_json(json!({"limit": 1000, "include_removed": false})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "members": [admin, member("dbmid:B", "b@example.com", "invited")], "cursor": "c1", "has_more": true
        })))
        .mount(&app.server)
        .await;
    Mock::given(method("POST"))
        .and(path(CONTINUE))
        .and(body_json(json!({"cursor": "c1"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "members": [member("dbmid:C", "c@example.com", "suspended")], "cursor": "c2", "has_more": true
        })))
        .mount(&app.server)
        .await;
    // Throttled once, as Dropbox does: 429, Retry-After in seconds.
    Mock::given(method("POST"))
        .and(path(CONTINUE))
        .and(body_json(json!({"cursor": "c2"})))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("Retry-After", "1")
                .set_body_json(json!({"error_summary": "too_many_requests/..",
                    "error": {"reason": {".tag": "too_many_requests"}, "retry_after": 1}})),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&app.server)
        .await;
    // The last page carries a cursor too; `has_more: false` ends it.
    Mock::given(method("POST"))
        .and(path(CONTINUE))
        .and(body_json(json!({"cursor": "c2"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "members": [member("dbmid:D", "d@example.com", "active")], "cursor": "c3", "has_more": false
        })))
        .with_priority(2)
        .mount(&app.server)
        .await;
    let listing = app.api.list().await.unwrap();
    let ids: Vec<&str> = listing.accounts.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["dbmid:A", "dbmid:B", "dbmid:C", "dbmid:D"]);
    let statuses: Vec<AccountStatus> = listing.accounts.iter().map(|a| a.status).collect();
    assert_eq!(
        statuses,
        [AccountStatus::Active, AccountStatus::Invited, AccountStatus::Suspended, AccountStatus::Active]
    );
    let a = &listing.accounts[0];
    assert_eq!(a.email.as_deref(), Some("a@example.com"));
    assert_eq!(a.display_name.as_deref(), Some("Taro Yamada"));
    assert_eq!(a.external_id.as_deref(), Some("Edbmid:A"));
    assert_eq!(a.attributes["adminRole"], "User management admin");
    assert!(!listing.accounts[1].attributes.contains_key("adminRole"));
    let caps = listing.capabilities;
    assert!(caps.create && caps.suspend && caps.restore && caps.delete && !caps.update);
    // Three pages and one retry: no request more.
    assert_eq!(api_calls(&app).await.len(), 4);
}

#[tokio::test]
async fn an_add_sends_the_names_byte_exact_and_user_already_on_team_adopts_the_member() {
    let app = dropbox().await;
    Mock::given(method("POST"))
        .and(path("/2/team/members/add_v2"))
        .and(body_json(json!({
            "new_members": [{"member_email": "new@example.com", "member_given_name": "\"太郎\" \\ Yamada",
                "member_surname": "山田", "member_external_id": "E100", "send_welcome_email": true}],
            "force_async": false
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            ".tag": "complete",
            "complete": [{".tag": "success", "profile": member("dbmid:NEW", "new@example.com", "invited")["profile"], "roles": []}]
        })))
        .mount(&app.server)
        .await;
    let out = app.api.apply(&change(Action::Create, None, "new@example.com")).await.unwrap();
    assert!(matches!(&out, Outcome::Applied(t) if t.contains("created id dbmid:NEW")), "{out:?}");
    let raw = String::from_utf8(api_calls(&app).await[0].body.clone()).unwrap();
    assert!(raw.contains(r#""\"太郎\" \\ Yamada""#) && raw.contains(r#""山田""#), "{raw}");

    let app = dropbox().await;
    Mock::given(method("POST"))
        .and(path("/2/team/members/add_v2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            ".tag": "complete",
            "complete": [{".tag": "user_already_on_team", "user_already_on_team": "old@example.com"}]
        })))
        .mount(&app.server)
        .await;
    Mock::given(method("POST"))
        .and(path("/2/team/members/get_info_v2"))
        .and(body_json(json!({"members": [{".tag": "email", "email": "old@example.com"}]})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "members_info": [{".tag": "member_info", "profile": member("dbmid:OLD", "old@example.com", "suspended")["profile"], "roles": []}]
        })))
        .mount(&app.server)
        .await;
    let out = app.api.apply(&change(Action::Create, None, "old@example.com")).await.unwrap();
    assert!(matches!(&out, Outcome::AlreadyDone(t) if t.contains("adopted id dbmid:OLD")), "{out:?}");
    let adds = api_calls(&app).await.iter().filter(|r| r.url.path() == "/2/team/members/add_v2").count();
    assert_eq!(adds, 1, "never a second add");
}

#[tokio::test]
async fn another_add_result_is_an_error_naming_it() {
    let app = dropbox().await;
    Mock::given(method("POST"))
        .and(path("/2/team/members/add_v2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            ".tag": "complete",
            "complete": [{".tag": "free_team_member_limit_reached", "free_team_member_limit_reached": "new@example.com"}]
        })))
        .mount(&app.server)
        .await;
    let e = app.api.apply(&change(Action::Create, None, "new@example.com")).await.unwrap_err();
    let text = shown(&e);
    assert!(text.contains("no id") && text.contains("free_team_member_limit_reached"), "{text}");
}

#[tokio::test]
async fn suspend_unsuspend_remove_and_their_reruns() {
    let app = dropbox().await;
    let id = "dbmid:AAA";
    let calls = [
        ("/2/team/members/suspend", json!({"user": user(id), "wipe_data": false}), "suspend_inactive_user"),
        ("/2/team/members/unsuspend", json!({"user": user(id)}), "unsuspend_non_suspended_member"),
        (
            "/2/team/members/remove",
            json!({"user": user(id), "wipe_data": true, "keep_account": false}),
            "user_not_in_team",
        ),
    ];
    for (p, sent, again) in &calls {
        // `null` for suspend and unsuspend, a launch result for remove.
        let done = if p.ends_with("remove") { json!({".tag": "complete"}) } else { Value::Null };
        Mock::given(method("POST"))
            .and(path(*p))
            .and(body_json(sent))
            .respond_with(ResponseTemplate::new(200).set_body_json(done))
            .up_to_n_times(1)
            .mount(&app.server)
            .await;
        Mock::given(method("POST")).and(path(*p)).respond_with(refusal(again)).mount(&app.server).await;
    }
    for action in [Action::Suspend, Action::Restore, Action::Delete] {
        let c = change(action, Some(id), "a@example.com");
        let first = app.api.apply(&c).await.unwrap();
        assert!(matches!(first, Outcome::Applied(_)), "{action:?}: {first:?}");
        let again = app.api.apply(&c).await.unwrap();
        assert!(matches!(again, Outcome::AlreadyDone(_)), "{action:?} rerun: {again:?}");
    }
    let sent: Vec<Value> = api_calls(&app).await.iter().map(body).collect();
    assert_eq!(sent.len(), 6);
    assert_eq!(sent[0], calls[0].1);
}

#[tokio::test]
async fn another_409_is_refused_with_the_error_summary_and_no_token() {
    let app = dropbox().await;
    Mock::given(method("POST"))
        .and(path("/2/team/members/suspend"))
        .respond_with(refusal("suspend_last_admin"))
        .mount(&app.server)
        .await;
    let e = app.api.apply(&change(Action::Suspend, Some("dbmid:AAA"), "a@example.com")).await.unwrap_err();
    let text = shown(&e);
    assert!(text.contains("POST http://") && text.contains("/2/team/members/suspend"), "{text}");
    assert!(text.contains("suspend_last_admin"), "{text}");
    assert_eq!(api_calls(&app).await.len(), 1);
}
