#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The testkit against the real scim2-server: seeding, auth, configuration, and every proxy fault.

use std::time::{Duration, Instant};

use keyward_testkit::{Fault, FaultProxy, Logged, Rule, ScimServer};
use serde_json::{Value, json};
use tokio::io::AsyncWriteExt as _;

const TOKEN: &str = "test-token";

fn client() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().timeout(Duration::from_secs(10)).build().unwrap()
}

fn user(name: &str) -> Value {
    json!({"userName": name, "active": true, "emails": [{"value": format!("{name}@example.com"), "primary": true}]})
}

async fn post_user(client: &reqwest::Client, base: &str, name: &str) -> reqwest::Result<reqwest::Response> {
    client
        .post(format!("{base}/Users"))
        .bearer_auth(TOKEN)
        .header("content-type", "application/scim+json")
        .json(&json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": name}))
        .send()
        .await
}

#[tokio::test]
async fn scim_server_seeds_and_reads_back() {
    let server = ScimServer::start(TOKEN).await;
    assert!(server.url().ends_with("/v2"), "{}", server.url());
    assert_eq!(server.token(), TOKEN);

    let alice = server.create_user(user("alice")).await;
    let bob = server.create_user(user("bob")).await;
    let group = server.create_group("engineering", &[&alice, &bob]).await;

    let users = server.users().await;
    assert_eq!(users.len(), 2);
    let found = server.user_by_user_name("ALICE").await.expect("userName compares case-insensitively");
    assert_eq!(found["id"], alice.as_str());
    assert_eq!(found["emails"][0]["value"], "alice@example.com");
    assert!(server.user_by_user_name("carol").await.is_none());
    assert_eq!(server.user(&bob).await.unwrap()["userName"], "bob");
    assert!(server.user("no-such-id").await.is_none());

    assert_eq!(server.groups().await.len(), 1);
    assert_eq!(server.group(&group).await.unwrap()["displayName"], "engineering");
    let mut members = server.group_members("engineering").await;
    members.sort();
    let mut expected = vec![alice.clone(), bob.clone()];
    expected.sort();
    assert_eq!(members, expected);
    // The server does not derive User.groups from the groups.
    assert!(server.user(&alice).await.unwrap().get("groups").is_none());

    // A wrong token (or none) is refused; the discovery endpoint needs none.
    let http = client();
    let refused = http.get(format!("{}/Users", server.url())).bearer_auth("wrong").send().await.unwrap();
    assert_eq!(refused.status(), 401);
    assert_eq!(refused.json::<Value>().await.unwrap()["status"], "401");
    let anonymous = http.get(format!("{}/Users", server.url())).send().await.unwrap();
    assert_eq!(anonymous.status(), 401);

    // A duplicate userName, differing in case only, is a 409 uniqueness error.
    let duplicate = post_user(&http, &server.url(), "Alice").await.unwrap();
    assert_eq!(duplicate.status(), 409);
    assert_eq!(duplicate.json::<Value>().await.unwrap()["scimType"], "uniqueness");

    assert!(server.log().contains("POST /v2/Users"), "{}", server.log());
}

#[tokio::test]
async fn start_with_config_announces_and_enforces_it() {
    let mut config = ScimServer::default_config();
    config["patch"]["supported"] = json!(false);
    config["pagination"] = json!({"cursor": false, "index": true, "defaultPageSize": 2, "maxPageSize": 2});
    let server = ScimServer::start_with_config(TOKEN, config).await;
    let http = client();

    let announced: Value = http
        .get(format!("{}/ServiceProviderConfig", server.url()))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(announced["patch"]["supported"], false);
    assert_eq!(announced["etag"]["supported"], true);
    assert_eq!(announced["pagination"]["maxPageSize"], 2);

    let id = server.create_user(user("dora")).await;
    let patch = http
        .patch(format!("{}/Users/{id}", server.url()))
        .bearer_auth(TOKEN)
        .json(&json!({
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{"op": "replace", "path": "active", "value": false}]
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(patch.status(), 501);

    // Pages of 2: the helpers still see everyone.
    for name in ["erin", "finn", "gus", "hana"] {
        server.create_user(user(name)).await;
    }
    assert_eq!(server.users().await.len(), 5);
    let page: Value = http
        .get(format!("{}/Users?count=100", server.url()))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!((page["totalResults"].as_u64(), page["itemsPerPage"].as_u64()), (Some(5), Some(2)));
}

#[tokio::test]
async fn proxy_forwards_and_answers_status_faults() {
    let server = ScimServer::start(TOKEN).await;
    let proxy = FaultProxy::start(&server.url()).await;
    assert!(proxy.url().ends_with("/v2") && proxy.url() != server.url(), "{}", proxy.url());
    let http = client();

    // Plain forwarding; the locations the server returns point at the proxy.
    let created = post_user(&http, &proxy.url(), "ivan").await.unwrap();
    assert_eq!(created.status(), 201);
    let location = created.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with(&proxy.url()), "{location}");
    let body: Value = created.json().await.unwrap();
    assert!(body["meta"]["location"].as_str().unwrap().starts_with(&proxy.url()), "{body}");
    let read = http.get(&location).bearer_auth(TOKEN).send().await.unwrap();
    assert_eq!(read.status(), 200);
    assert!(read.headers().contains_key("etag"));

    // 429 on the second POST only, with Retry-After and a SCIM error body; not forwarded.
    proxy.inject(Rule::on("POST", "/Users").skip(1).times(1).fault(Fault::too_many_requests(7)));
    assert_eq!(post_user(&http, &proxy.url(), "judy").await.unwrap().status(), 201);
    let limited = post_user(&http, &proxy.url(), "kim").await.unwrap();
    assert_eq!(limited.status(), 429);
    assert_eq!(limited.headers()["retry-after"], "7");
    assert_eq!(limited.headers()["content-type"], "application/scim+json");
    let error: Value = limited.json().await.unwrap();
    assert_eq!(error["schemas"][0], "urn:ietf:params:scim:api:messages:2.0:Error");
    assert_eq!(error["status"], "429");
    assert!(server.user_by_user_name("kim").await.is_none());
    assert_eq!(post_user(&http, &proxy.url(), "kim").await.unwrap().status(), 201, "the rule is used up");

    // Other statuses; GETs are not matched by a POST rule.
    proxy.inject(Rule::on("GET", "/Users").times(2).fault(Fault::unavailable(Some(2))));
    let unavailable = http.get(format!("{}/Users", proxy.url())).bearer_auth(TOKEN).send().await.unwrap();
    assert_eq!((unavailable.status().as_u16(), unavailable.headers()["retry-after"].to_str().unwrap()), (503, "2"));
    proxy.clear();
    assert_eq!(http.get(format!("{}/Users", proxy.url())).bearer_auth(TOKEN).send().await.unwrap().status(), 200);
    proxy.inject(Rule::any().fault(Fault::server_error()));
    let failed = http.get(format!("{}/Groups", proxy.url())).bearer_auth(TOKEN).send().await.unwrap();
    assert_eq!(failed.status(), 500);
    assert!(failed.headers().get("retry-after").is_none());

    let log = proxy.requests();
    assert_eq!(log.len(), proxy.count());
    let post = |status: u16, fault: Option<&str>, forwarded: bool| Logged {
        method: "POST".into(),
        path: "/v2/Users".into(),
        status: Some(status),
        fault: fault.map(str::to_owned),
        forwarded,
    };
    assert_eq!(log[0], post(201, None, true));
    assert_eq!(log[3], post(429, Some("Status(429)"), false));
    assert_eq!(log.last().unwrap().fault.as_deref(), Some("Status(500)"));
    assert_eq!(proxy.count_matching("POST", "/Users"), 4);
    proxy.reset_log();
    assert_eq!(proxy.count(), 0);
}

#[tokio::test]
async fn proxy_delays_drops_and_loses_responses() {
    let server = ScimServer::start(TOKEN).await;
    let proxy = FaultProxy::start(&server.url()).await;
    let http = client();

    // Delay: measured, and applied upstream even when the client has given up.
    proxy.inject(Rule::on("GET", "/Users").fault(Fault::Delay(Duration::from_millis(300))));
    let started = Instant::now();
    let slow = http.get(format!("{}/Users", proxy.url())).bearer_auth(TOKEN).send().await.unwrap();
    assert_eq!(slow.status(), 200);
    assert!(started.elapsed() >= Duration::from_millis(300), "{:?}", started.elapsed());
    proxy.inject(Rule::on("POST", "/Users").fault(Fault::Delay(Duration::from_millis(400))));
    let impatient = reqwest::Client::builder().no_proxy().timeout(Duration::from_millis(100)).build().unwrap();
    let timed_out = post_user(&impatient, &proxy.url(), "late").await.unwrap_err();
    assert!(timed_out.is_timeout(), "{timed_out:?}");
    let deadline = Instant::now() + Duration::from_secs(3);
    while server.user_by_user_name("late").await.is_none() {
        assert!(Instant::now() < deadline, "the delayed POST never reached the server");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // Drop: the connection closes without a response, quickly, and nothing reaches the server.
    proxy.inject(Rule::on("POST", "/Users").fault(Fault::Drop));
    let started = Instant::now();
    let dropped = post_user(&http, &proxy.url(), "dropped").await.unwrap_err();
    assert!(!dropped.is_timeout() && started.elapsed() < Duration::from_secs(2), "{dropped:?}");
    assert!(server.user_by_user_name("dropped").await.is_none());

    // DropAfterForward: the server creates the user, the client gets an error instead of the 201.
    proxy.inject(Rule::on("POST", "/Users").fault(Fault::DropAfterForward));
    let lost = post_user(&http, &proxy.url(), "lost").await.unwrap_err();
    assert!(!lost.is_timeout(), "{lost:?}");
    assert!(server.user_by_user_name("lost").await.is_some(), "the change was applied");
    // The rule is used up: a retry reaches the server, which reports the duplicate.
    assert_eq!(post_user(&http, &proxy.url(), "lost").await.unwrap().status(), 409);

    let faults: Vec<(Option<String>, Option<u16>, bool)> =
        proxy.requests().into_iter().map(|e| (e.fault, e.status, e.forwarded)).collect();
    assert_eq!(
        faults,
        vec![
            (Some("Delay(300ms)".into()), Some(200), true),
            (Some("Delay(400ms)".into()), Some(201), true),
            (Some("Drop".into()), None, false),
            (Some("DropAfterForward".into()), Some(201), true),
            (None, Some(409), true),
        ]
    );
}

#[tokio::test]
async fn hold_writes_after_holds_until_release() {
    let server = ScimServer::start(TOKEN).await;
    let proxy = FaultProxy::start(&server.url()).await;
    let http = client();

    proxy.hold_writes_after(1);
    assert_eq!(post_user(&http, &proxy.url(), "first").await.unwrap().status(), 201);
    let base = proxy.url();
    let client = http.clone();
    let second = tokio::spawn(async move { post_user(&client, &base, "second").await.unwrap().status() });
    tokio::time::timeout(Duration::from_secs(5), proxy.held()).await.expect("the second write is held");
    assert_eq!(proxy.held_count(), 1);
    // Reads still pass while a write is held; the held write has not reached the server.
    assert_eq!(http.get(format!("{}/Users", proxy.url())).bearer_auth(TOKEN).send().await.unwrap().status(), 200);
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(server.user_by_user_name("second").await.is_none());
    assert!(!second.is_finished());
    let held = proxy.requests().into_iter().find(|e| e.path == "/v2/Users" && e.method == "POST" && e.status.is_none());
    assert_eq!(held.unwrap().fault.as_deref(), Some("Hold"));

    proxy.release();
    assert_eq!(second.await.unwrap(), 201);
    assert!(server.user_by_user_name("second").await.is_some());
    assert_eq!(proxy.held_count(), 0);

    // A held write whose client goes away (a killed process) is never forwarded, even after release.
    proxy.hold_writes_after(0);
    let body = r#"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"ghost"}"#;
    let port = proxy.url().trim_start_matches("http://127.0.0.1:").split('/').next().unwrap().to_owned();
    let mut raw = tokio::net::TcpStream::connect(format!("127.0.0.1:{port}")).await.unwrap();
    let request = format!(
        "POST /v2/Users HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {TOKEN}\r\nContent-Type: application/scim+json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    raw.write_all(request.as_bytes()).await.unwrap();
    tokio::time::timeout(Duration::from_secs(5), proxy.held()).await.expect("the raw write is held");
    drop(raw);
    let deadline = Instant::now() + Duration::from_secs(3);
    while proxy.held_count() > 0 {
        assert!(Instant::now() < deadline, "the proxy did not notice the client left");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    proxy.release();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(server.user_by_user_name("ghost").await.is_none());
    let ghost = proxy.requests().pop().unwrap();
    assert_eq!((ghost.status, ghost.forwarded), (None, false));
}
