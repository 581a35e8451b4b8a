//! Hand-over of a leaver's data by the Data Transfer API: requested once, a delete
//! waits for it, and a rehire's transfer from an earlier leaving does not count.

use crate::support::{DIR, DT, bearer, change, get_user, google_error, page, setup, user};
use keyward_connectors::{Connector, Outcome};
use keyward_core::action::Action;
use keyward_core::plan::{AccountRef, Change};
use serde_json::{Value, json};
use wiremock::matchers::{body_json, method, path, query_param};
use wiremock::{Mock, ResponseTemplate};

fn transfer_change(to_id: Option<&str>) -> Change {
    let mut c = change(Action::Transfer, Some("u9"));
    c.transfer_to = Some(Box::new(AccountRef {
        id: to_id.map(Into::into),
        email: Some("boss@example.com".into()),
        ..AccountRef::default()
    }));
    c
}

/// The Data Transfer keyward requests for u9 leaving: Drive (private and
/// shared files) and Calendar (resources released) to boss-1.
fn handover_request() -> Value {
    json!({
        "oldOwnerUserId": "u9",
        "newOwnerUserId": "boss-1",
        "applicationDataTransfers": [
            {"applicationId": "55656082996",
             "applicationTransferParams": [{"key": "PRIVACY_LEVEL", "value": ["PRIVATE", "SHARED"]}]},
            {"applicationId": "435070579839",
             "applicationTransferParams": [{"key": "RELEASE_RESOURCES", "value": ["TRUE"]}]}
        ]
    })
}

#[tokio::test]
async fn transfer_hands_drive_and_calendar_over_once() {
    let s = setup("", "  lifecycle: {offboarding: {transferTo: boss@example.com}}\n").await;
    let transfers = format!("{DT}/transfers");
    // First run: nothing yet; after the POST, the transfer is listed.
    Mock::given(method("GET"))
        .and(path(&transfers))
        .and(query_param("oldOwnerUserId", "u9"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"kind": "admin#datatransfer#dataTransfersList"})))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&s.server)
        .await;
    Mock::given(method("GET"))
        .and(path(&transfers))
        .and(query_param("oldOwnerUserId", "u9"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"dataTransfers": [
            {"id": "t-old", "oldOwnerUserId": "u9", "newOwnerUserId": "boss-1", "overallTransferStatusCode": "failed",
             "requestTime": "2026-11-29T18:00:00.000Z"},
            {"id": "t-1", "oldOwnerUserId": "u9", "newOwnerUserId": "boss-1", "overallTransferStatusCode": "inProgress",
             "requestTime": "2026-11-30T18:00:00.000Z"}
        ]})))
        .mount(&s.server)
        .await;
    Mock::given(method("POST"))
        .and(path(&transfers))
        .and(bearer())
        .and(body_json(handover_request()))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"id": "t-1", "overallTransferStatusCode": "new"})),
        )
        .expect(1)
        .mount(&s.server)
        .await;
    // The receiver named by e-mail only is looked up for its id.
    get_user(&s, "boss@example.com", user("boss-1", "boss@example.com")).await;
    // Last signed in on 2026-11-20, before every transfer listed.
    get_user(&s, "u9", user("u9", "hanako@example.com")).await;

    let out = s.google.apply(&transfer_change(None)).await.unwrap();
    assert!(matches!(&out, Outcome::Applied(w) if w.contains("t-1") && w.contains("boss-1")), "{out:?}");
    let out = s.google.apply(&transfer_change(Some("boss-1"))).await.unwrap();
    assert!(matches!(&out, Outcome::AlreadyDone(w) if w.contains("t-1") && w.contains("inProgress")), "{out:?}");
    assert_eq!(s.requests("GET", &format!("{DIR}/users/boss@example.com")).await.len(), 1);
}

#[tokio::test]
async fn delete_waits_for_the_transfer_to_complete_and_a_deleted_user_is_already_done() {
    let s = setup("", "  lifecycle: {offboarding: {transferTo: boss@example.com}}\n").await;
    let transfers = format!("{DT}/transfers");
    get_user(&s, "u9", user("u9", "hanako@example.com")).await;
    let listed = |status: &str| {
        ResponseTemplate::new(200).set_body_json(json!({"dataTransfers": [
            {"id": "t-1", "oldOwnerUserId": "u9", "newOwnerUserId": "boss-1", "overallTransferStatusCode": status,
             "requestTime": "2026-11-30T18:00:00.000Z"}
        ]}))
    };
    Mock::given(method("GET"))
        .and(path(&transfers))
        .respond_with(listed("inProgress"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&s.server)
        .await;
    Mock::given(method("GET"))
        .and(path(&transfers))
        .respond_with(listed("failed"))
        .up_to_n_times(1)
        .with_priority(2)
        .mount(&s.server)
        .await;
    Mock::given(method("GET"))
        .and(path(&transfers))
        .respond_with(listed("completed"))
        .with_priority(3)
        .mount(&s.server)
        .await;
    Mock::given(method("DELETE"))
        .and(path(format!("{DIR}/users/u9")))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&s.server)
        .await;

    let e = s.google.apply(&change(Action::Delete, Some("u9"))).await.unwrap_err();
    assert!(e.to_string().contains("still inProgress") && e.to_string().contains("would lose"), "{e}");
    let e = s.google.apply(&change(Action::Delete, Some("u9"))).await.unwrap_err();
    assert!(e.to_string().contains("failed"), "{e}");
    assert!(s.requests("DELETE", &format!("{DIR}/users/u9")).await.is_empty(), "deleted before the hand-over");
    let out = s.google.apply(&change(Action::Delete, Some("u9"))).await.unwrap();
    assert!(matches!(&out, Outcome::Applied(w) if w.contains("deleted u9")), "{out:?}");

    Mock::given(method("GET"))
        .and(path(format!("{DIR}/users/u5")))
        .respond_with(google_error(404, "notFound", "Resource Not Found: userKey", "NOT_FOUND"))
        .mount(&s.server)
        .await;
    let out = s.google.apply(&change(Action::Delete, Some("u5"))).await.unwrap();
    assert!(matches!(out, Outcome::AlreadyDone(_)), "{out:?}");
}

#[tokio::test]
async fn delete_without_any_hand_over_is_refused_where_the_app_hands_data_over() {
    let s = setup("", "  lifecycle: {offboarding: {transferTo: boss@example.com}}\n").await;
    get_user(&s, "u9", user("u9", "hanako@example.com")).await;
    Mock::given(method("GET"))
        .and(path(format!("{DT}/transfers")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .mount(&s.server)
        .await;
    Mock::given(method("DELETE")).respond_with(ResponseTemplate::new(204)).expect(0).mount(&s.server).await;
    let e = s.google.apply(&change(Action::Delete, Some("u9"))).await.unwrap_err();
    assert!(e.to_string().contains("no Data Transfer"), "{e}");
}

/// Hanako left in March 2025 (her data went to boss-1 then), was rehired
/// and restored in April 2026, and signed in last on the morning of her
/// second last working day, 2026-11-30.
fn rehired_leaver() -> Value {
    let mut u = user("u9", "hanako@example.com");
    u["suspended"] = json!(true);
    u["lastLoginTime"] = json!("2026-11-30T08:55:00.000Z");
    u
}

fn dt(id: &str, status: &str, requested: &str) -> Value {
    json!({"kind": "admin#datatransfer#DataTransfer", "id": id, "oldOwnerUserId": "u9", "newOwnerUserId": "boss-1",
           "overallTransferStatusCode": status, "requestTime": requested,
           "applicationDataTransfers": [{"applicationId": "55656082996"}, {"applicationId": "435070579839"}]})
}

const FIRST_LEAVING: &str = "2025-03-31T18:00:00.000Z";
const SECOND_LEAVING: &str = "2026-11-30T18:02:00.000Z";

#[tokio::test]
async fn a_rehire_leaving_again_gets_a_second_hand_over_to_the_same_receiver() {
    let s = setup("", "  lifecycle: {offboarding: {transferTo: boss@example.com}}\n").await;
    let transfers = format!("{DT}/transfers");
    get_user(&s, "u9", rehired_leaver()).await;
    Mock::given(method("GET"))
        .and(path(&transfers))
        .and(query_param("oldOwnerUserId", "u9"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "kind": "admin#datatransfer#dataTransfersList",
            "dataTransfers": [dt("t-2025", "completed", FIRST_LEAVING)]
        })))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&s.server)
        .await;
    Mock::given(method("GET"))
        .and(path(&transfers))
        .and(query_param("oldOwnerUserId", "u9"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"dataTransfers": [
            dt("t-2025", "completed", FIRST_LEAVING), dt("t-2026", "inProgress", SECOND_LEAVING)
        ]})))
        .mount(&s.server)
        .await;
    Mock::given(method("POST"))
        .and(path(&transfers))
        .and(bearer())
        .and(body_json(handover_request()))
        .respond_with(ResponseTemplate::new(200).set_body_json(dt("t-2026", "new", SECOND_LEAVING)))
        .expect(1)
        .mount(&s.server)
        .await;

    let out = s.google.apply(&transfer_change(Some("boss-1"))).await.unwrap();
    assert!(
        matches!(&out, Outcome::Applied(w) if w.contains("requested Data Transfer t-2026") && w.contains("t-2025") && w.contains("holds none of what they made since")),
        "the completed transfer of the first leaving is not this hand-over: {out:?}"
    );
    // The rerun finds the new one, and requests nothing more.
    let out = s.google.apply(&transfer_change(Some("boss-1"))).await.unwrap();
    assert!(matches!(&out, Outcome::AlreadyDone(w) if w.contains("t-2026") && w.contains("inProgress")), "{out:?}");
    assert_eq!(s.requests("POST", &transfers).await.len(), 1);

    // Someone who never signed in made nothing: an old transfer still counts.
    let s = setup("", "  lifecycle: {offboarding: {transferTo: boss@example.com}}\n").await;
    let mut never = rehired_leaver();
    never["lastLoginTime"] = json!("1970-01-01T00:00:00.000Z");
    get_user(&s, "u9", never).await;
    Mock::given(method("GET"))
        .and(path(&transfers))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"dataTransfers": [dt("t-2025", "completed", FIRST_LEAVING)]})),
        )
        .mount(&s.server)
        .await;
    Mock::given(method("POST"))
        .and(path(&transfers))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&s.server)
        .await;
    let out = s.google.apply(&transfer_change(Some("boss-1"))).await.unwrap();
    assert!(matches!(&out, Outcome::AlreadyDone(w) if w.contains("t-2025") && w.contains("completed")), "{out:?}");
}

#[tokio::test]
async fn a_rehires_delete_waits_for_the_new_hand_over_not_the_old_completed_one() {
    let s = setup("", "  lifecycle: {offboarding: {transferTo: boss@example.com}}\n").await;
    let transfers = format!("{DT}/transfers");
    get_user(&s, "u9", rehired_leaver()).await;
    let listed = |list: Vec<Value>| ResponseTemplate::new(200).set_body_json(json!({"dataTransfers": list}));
    for (priority, list) in [
        (1, vec![dt("t-2025", "completed", FIRST_LEAVING)]),
        (2, vec![dt("t-2025", "completed", FIRST_LEAVING), dt("t-2026", "inProgress", SECOND_LEAVING)]),
    ] {
        Mock::given(method("GET"))
            .and(path(&transfers))
            .and(query_param("oldOwnerUserId", "u9"))
            .respond_with(listed(list))
            .up_to_n_times(1)
            .with_priority(priority)
            .mount(&s.server)
            .await;
    }
    Mock::given(method("GET"))
        .and(path(&transfers))
        .and(query_param("oldOwnerUserId", "u9"))
        .respond_with(listed(vec![dt("t-2025", "completed", FIRST_LEAVING), dt("t-2026", "completed", SECOND_LEAVING)]))
        .with_priority(3)
        .mount(&s.server)
        .await;
    Mock::given(method("DELETE"))
        .and(path(format!("{DIR}/users/u9")))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&s.server)
        .await;

    let e = s.google.apply(&change(Action::Delete, Some("u9"))).await.unwrap_err().to_string();
    assert!(
        e.contains("t-2025")
            && e.contains("before the user last signed in (2026-11-30T08:55:00Z)")
            && e.contains("not handed over"),
        "{e}"
    );
    let e = s.google.apply(&change(Action::Delete, Some("u9"))).await.unwrap_err().to_string();
    assert!(e.contains("t-2026") && e.contains("still inProgress"), "{e}");
    assert!(s.requests("DELETE", &format!("{DIR}/users/u9")).await.is_empty(), "deleted before the second hand-over");
    let out = s.google.apply(&change(Action::Delete, Some("u9"))).await.unwrap();
    assert!(matches!(&out, Outcome::Applied(w) if w.contains("deleted u9")), "{out:?}");
}

#[tokio::test]
async fn the_listing_tells_which_suspended_users_have_no_hand_over_of_their_current_data() {
    let s = setup("", "  lifecycle: {offboarding: {transferTo: boss@example.com}}\n").await;
    let suspended = |id: &str, last_login: &str| {
        let mut u = user(id, &format!("{id}@example.com"));
        u["suspended"] = json!(true);
        u["lastLoginTime"] = json!(last_login);
        u
    };
    let users = vec![
        user("boss-1", "boss@example.com"),
        // Handed over after her last sign-in; still running counts.
        suspended("u2", "2026-11-30T08:55:00.000Z"),
        // Only a failed transfer.
        suspended("u3", "2026-11-30T08:55:00.000Z"),
        // A rehire: the completed transfer is from her first leaving.
        suspended("u9", "2026-11-30T08:55:00.000Z"),
        // Never signed in, and nothing transferred.
        suspended("u5", "1970-01-01T00:00:00.000Z"),
    ];
    page(&s, &format!("{DIR}/users"), None, json!({"users": users})).await;
    let of = |old: &str, id: &str, status: &str, requested: &str| {
        let mut t = dt(id, status, requested);
        t["oldOwnerUserId"] = json!(old);
        t
    };
    let transfers = format!("{DT}/transfers");
    Mock::given(method("GET"))
        .and(path(&transfers))
        .and(query_param("customerId", "C0123abc"))
        .and(query_param("maxResults", "100"))
        .and(wiremock::matchers::query_param_is_missing("pageToken"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "kind": "admin#datatransfer#dataTransfersList",
            "dataTransfers": [of("u9", "t-2025", "completed", FIRST_LEAVING), of("u3", "t-3", "failed", SECOND_LEAVING)],
            "nextPageToken": "d2"
        })))
        .expect(1)
        .mount(&s.server)
        .await;
    Mock::given(method("GET"))
        .and(path(&transfers))
        .and(query_param("customerId", "C0123abc"))
        .and(query_param("pageToken", "d2"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"dataTransfers": [of("u2", "t-2", "inProgress", SECOND_LEAVING)]})),
        )
        .expect(1)
        .mount(&s.server)
        .await;

    let listing = s.google.list().await.unwrap();
    let handed_over = |id: &str| listing.accounts.iter().find(|a| a.id.as_str() == id).unwrap().handed_over;
    assert_eq!(handed_over("boss-1"), None, "an active user's data keeps changing");
    assert_eq!(handed_over("u2"), Some(true), "requested after the last sign-in, not failed");
    assert_eq!(handed_over("u3"), Some(false), "a failed transfer hands nothing over");
    assert_eq!(handed_over("u9"), Some(false), "a transfer from before the rehire holds none of the new data");
    assert_eq!(handed_over("u5"), Some(false), "no transfer at all");

    // Where the app hands nothing over, the transfers are not read.
    let s = setup("", "").await;
    page(&s, &format!("{DIR}/users"), None, json!({"users": [suspended("u5", "1970-01-01T00:00:00.000Z")]})).await;
    let listing = s.google.list().await.unwrap();
    assert_eq!(listing.accounts[0].handed_over, None);
    assert!(s.requests("GET", &transfers).await.is_empty());
}

#[tokio::test]
async fn a_person_lookup_tells_whether_a_suspended_users_data_was_handed_over() {
    let s = setup("", "  lifecycle: {offboarding: {transferTo: boss@example.com}}\n").await;
    get_user(&s, "hanako@example.com", rehired_leaver()).await;
    Mock::given(method("GET"))
        .and(path(format!("{DT}/transfers")))
        .and(query_param("oldOwnerUserId", "u9"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"dataTransfers": [dt("t-2025", "completed", FIRST_LEAVING)]})),
        )
        .expect(1)
        .mount(&s.server)
        .await;
    let keys = keyward_connectors::PersonKeys {
        ids: vec![],
        emails: vec!["hanako@example.com".to_owned()],
        user_names: vec![],
    };
    let found = s.google.find(&keys).await.unwrap();
    assert_eq!(found.accounts.len(), 1);
    assert_eq!(found.accounts[0].handed_over, Some(false), "the only transfer is from before the rehire");
}
