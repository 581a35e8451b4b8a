//! `keyward apply` through a fault-injecting proxy in front of a real SCIM
//! server: throttling, outages, slow answers, lost responses, a crash
//! between two changes. Each test ends with the server in the wanted state,
//! nothing duplicated and nothing lost.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

#[path = "common/scim_org.rs"]
mod scim_org;

use std::time::{Duration, Instant};

use keyward_testkit::{Fault, FaultProxy, Rule, ScimServer};
use scim_org::*;

async fn setup() -> (ScimServer, Seeded, FaultProxy, Org) {
    let server = ScimServer::start(TOKEN).await;
    let seeded = seed(&server).await;
    let proxy = FaultProxy::start(&server.url()).await;
    let org = Org::new(&proxy.url());
    (server, seeded, proxy, org)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttling_with_retry_after_is_waited_out() {
    let (server, seeded, proxy, org) = setup().await;
    proxy.inject(Rule::on("POST", "/Users").times(1).fault(Fault::too_many_requests(1)));
    proxy.inject(Rule::on("GET", "/Users").times(1).fault(Fault::too_many_requests(1)));
    let started = Instant::now();
    let out = org.apply(&[]).await;
    assert!(out.status.success(), "{}", text(&out));
    assert!(started.elapsed() >= Duration::from_secs(2), "Retry-After was honoured twice");
    assert_converged(&server, &seeded).await;
    let throttled = proxy.requests().iter().filter(|r| r.status == Some(429)).count();
    assert_eq!(throttled, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outages_and_server_errors_are_retried() {
    let (server, seeded, proxy, org) = setup().await;
    proxy.inject(Rule::on("PATCH", "/Users").times(2).fault(Fault::unavailable(Some(1))));
    proxy.inject(Rule::on("*", "/Groups").times(2).fault(Fault::server_error()));
    proxy.inject(Rule::on("DELETE", "/Users").times(1).fault(Fault::server_error()));
    let out = org.apply(&[]).await;
    assert!(out.status.success(), "{}", text(&out));
    assert_converged(&server, &seeded).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_answer_past_the_timeout_is_retried_without_harm() {
    let (server, seeded, proxy, org) = setup().await;
    // The policy's timeout is 2 s; the first suspend/restore is held 3 s
    // and still reaches the server, so the retry finds it done.
    proxy.inject(Rule::on("PATCH", "/Users").times(1).fault(Fault::Delay(Duration::from_secs(3))));
    let out = org.apply(&[]).await;
    assert!(out.status.success(), "{}", text(&out));
    assert_converged(&server, &seeded).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_response_to_a_create_adopts_the_account_instead_of_duplicating_it() {
    let (server, seeded, proxy, org) = setup().await;
    // The server creates the joiner, but the answer never arrives.
    proxy.inject(Rule::on("POST", "/Users").times(1).fault(Fault::DropAfterForward));
    // And one connection is cut before anything is sent.
    proxy.inject(Rule::on("PATCH", "/Groups").times(1).fault(Fault::Drop));
    let out = org.apply(&[]).await;
    assert!(out.status.success(), "{}", text(&out));
    assert_converged(&server, &seeded).await;
    assert!(proxy.count_matching("POST", "/Users") >= 2, "the create was retried");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_that_keeps_failing_is_reported_the_rest_applies_and_a_rerun_converges() {
    let (server, seeded, proxy, org) = setup().await;
    let misaki = format!("/Users/{}", seeded.misaki);
    proxy.inject(
        Rule::on("PATCH", &misaki).always().fault(Fault::scim_error(500, "backend for this user is down (test)")),
    );
    let out = org.apply(&[]).await;
    assert_eq!(out.status.code(), Some(3), "partial: {}", text(&out));
    let all = text(&out);
    assert!(all.contains(&format!("PATCH {}{misaki}", proxy.url())), "names the HTTP call: {all}");
    assert!(all.contains("backend for this user is down (test)"), "carries the body: {all}");
    assert!(server.user_by_user_name("jiro@example.com").await.is_some(), "the rest was applied");
    assert!(server.user(&seeded.misaki).await.unwrap()["active"].as_bool().unwrap_or(true));

    proxy.clear();
    let out = org.apply(&[]).await;
    assert!(out.status.success(), "{}", text(&out));
    assert_converged(&server, &seeded).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crash_between_two_changes_then_a_rerun_converges() {
    let (server, seeded, proxy, org) = setup().await;
    proxy.hold_writes_after(2);
    let audit = org.audit_log();
    let bin = assert_cmd::cargo::cargo_bin!("keyward");
    let mut child = tokio::process::Command::new(bin)
        .args(["apply", "-f", ".", "--at", DATE, "--auto-approve", "--audit-log"])
        .arg(&audit)
        .current_dir(org.path())
        .env(TOKEN_ENV, TOKEN)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    tokio::time::timeout(Duration::from_secs(60), proxy.held()).await.expect("a third write was attempted");
    child.kill().await.unwrap();
    proxy.release();
    proxy.clear();

    // The interrupted run left an audit log that still verifies, and the
    // rerun finishes the job.
    let out = org.keyward(&["audit", "verify", audit.to_str().unwrap()]).await;
    assert!(out.status.success(), "{}", text(&out));
    let out = org.apply(&[]).await;
    assert!(out.status.success(), "{}", text(&out));
    assert_converged(&server, &seeded).await;
    let out = org.keyward(&["plan", "-f", ".", "--at", DATE, "--detailed-exitcode"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_listing_that_keeps_failing_stops_everything_before_any_change() {
    let (server, _seeded, proxy, org) = setup().await;
    proxy.inject(Rule::on("GET", "/Users").always().fault(Fault::server_error()));
    let out = org.apply(&[]).await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nothing was planned or changed"), "{}", text(&out));
    let writes = proxy.requests().iter().filter(|r| r.method != "GET").count();
    assert_eq!(writes, 0);
    assert!(server.user_by_user_name("jiro@example.com").await.is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_the_app_echoes_in_any_encoding_reaches_neither_the_output_nor_the_audit_log() {
    // A `/` and a `+`, which JSON and percent-encoding write differently.
    const SLASHED: &str = "kw/test+SECRET/5b1e9c3f7a";
    let server = ScimServer::start(SLASHED).await;
    let _seeded = seed(&server).await;
    let proxy = FaultProxy::start(&server.url()).await;
    let org = Org::new(&proxy.url());
    // A SCIM error that quotes the request: JSON-escaped, \u-escaped,
    // percent-encoded, and the Authorization header as basic credentials.
    let body = r#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"400","detail":"token kw\/test+SECRET\/5b1e9c3f7a is not allowed to do this","request":"\u006bw\/test\u002BSECRET/5b1e9c3f7a","query":"access_token=kw%2Ftest%2BSECRET%2f5b1e9c3f7a","auth":"Basic c2NpbTprdy90ZXN0K1NFQ1JFVC81YjFlOWMzZjdh"}"#;
    let refusal = Fault::Status {
        status: 400,
        retry_after: None,
        body: body.into(),
        content_type: "application/scim+json".into(),
    };
    proxy.inject(Rule::on("POST", "/Users").always().fault(refusal.clone()));
    proxy.inject(Rule::on("PATCH", "/Users").always().fault(refusal));
    let audit = org.audit_log();
    let args = ["apply", "-f", ".", "--at", DATE, "--auto-approve", "--audit-log", audit.to_str().unwrap()];
    let out = org.keyward_with_token(SLASHED, &args).await;
    assert_eq!(out.status.code(), Some(3), "partial: {}", text(&out));
    let all = text(&out);
    assert!(all.contains("is not allowed to do this"), "the app's words are kept: {all}");
    let log = std::fs::read_to_string(&audit).unwrap();
    assert!(log.contains("is not allowed to do this"), "the failure is audited: {log}");
    for (what, bytes) in [("the output", all.as_str()), ("the audit log", log.as_str())] {
        for form in ["SECRET", "c2NpbTprdy90ZXN0K1NFQ1JFVC81YjFlOWMzZjdh", r"\u006bw"] {
            assert!(!bytes.contains(form), "{what} holds the token as `{form}`:\n{bytes}");
        }
    }
}
