//! Errors and rate limits: GitHub's message and documentation in errors, a missing token
//! named, and GitHub's documented rate limits through the shared HTTP policy
//! (`Throttle::GitHub` in keyward-http).

use crate::support::{
    DOCS, ORG, PEOPLE, assert_no_token, change, gh_error, members_path, ok, policy, setup, small_org, user,
};
use keyward_connectors::{Connector, build_all};
use keyward_core::action::Action;
use keyward_core::{PolicySet, SourceFile};
use serde_json::json;
use wiremock::Mock;
use wiremock::matchers::{method, path, query_param};

#[tokio::test]
async fn errors_carry_githubs_message_and_documentation_and_name_the_scope() {
    let s = setup().await;
    s.stub("GET", &members_path(), gh_error(401, "Bad credentials")).await;
    s.stub("GET", &format!("/orgs/{ORG}/invitations"), ok(json!([]))).await;
    s.stub("GET", &format!("/orgs/{ORG}/teams"), ok(json!([]))).await;
    let e = s.gh.list().await.unwrap_err();
    let text = e.to_string();
    assert!(text.contains("Bad credentials") && text.contains(DOCS), "{text}");
    assert!(text.contains("admin:org"), "{text}");
    assert!(text.contains(&format!("GET {}/orgs/{ORG}/members?role=", s.server.uri())), "{text}");
    assert!(!e.is_transient());
    assert_no_token(&e);

    let s = setup().await;
    s.stub("DELETE", &format!("/orgs/{ORG}/members/ann"), gh_error(403, "You must be an organization owner")).await;
    let e = s.gh.apply(&change(Action::Delete, "11", Some("ann"))).await.unwrap_err();
    let text = e.to_string();
    assert!(
        text.contains("You must be an organization owner") && text.contains("admin:org") && text.contains(DOCS),
        "{text}"
    );
    // A refusal is final: asking again would not change GitHub's mind.
    assert_eq!(s.requests().await.len(), 1);
}

#[tokio::test]
async fn build_makes_a_github_connector_and_a_missing_token_names_the_variable() {
    let dir = tempfile::tempdir().unwrap();
    let set = policy(dir.path(), "https://api.github.com", "");
    let built = build_all(&set).unwrap();
    assert_eq!(built["gh"].kind(), "github");

    let text = format!(
        "{PEOPLE}apiVersion: keyward.io/v1alpha1\nkind: Application\nmetadata: {{name: gh}}\nspec:\n  connector:\n    github: {{org: {ORG}, token: {{env: KEYWARD_TEST_UNSET_GITHUB_TOKEN}}}}\n"
    );
    let set = PolicySet::load("t", vec![SourceFile { path: "a.yaml".into(), text }]).unwrap().set;
    let Err(e) = build_all(&set) else { panic!("built without a token") };
    assert!(e.to_string().contains("GitHub token") && e.to_string().contains("KEYWARD_TEST_UNSET_GITHUB_TOKEN"), "{e}");
}

fn epoch_now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs()
}

#[tokio::test]
async fn a_primary_rate_limit_403_waits_for_the_reset_and_retries() {
    let s = setup().await;
    small_org(&s, vec![], vec![]).await;
    // A reset already reached: the retry may go out at once.
    let throttled = gh_error(403, "API rate limit exceeded for user ID 1.")
        .insert_header("x-ratelimit-limit", "5000")
        .insert_header("x-ratelimit-remaining", "0")
        .insert_header("x-ratelimit-used", "5000")
        .insert_header("x-ratelimit-reset", epoch_now().to_string().as_str())
        .insert_header("x-ratelimit-resource", "core");
    s.first_time(Mock::given(method("GET")).and(path(members_path())).and(query_param("role", "admin")), throttled)
        .await;
    let listing = s.gh.list().await.unwrap();
    assert!(listing.accounts.is_empty());
    let admin_reads =
        s.requests().await.into_iter().filter(|r| r.url.query().is_some_and(|q| q.contains("role=admin"))).count();
    assert_eq!(admin_reads, 2);
}

#[tokio::test]
async fn a_secondary_rate_limit_403_with_retry_after_is_retried() {
    let s = setup().await;
    small_org(&s, vec![], vec![]).await;
    let throttled =
        gh_error(403, "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.")
            .insert_header("retry-after", "1");
    s.first_time(Mock::given(method("GET")).and(path(format!("/orgs/{ORG}/invitations"))), throttled).await;
    s.gh.list().await.unwrap();
    assert_eq!(s.calls("GET", &format!("/orgs/{ORG}/invitations")).await.len(), 2);
}

#[tokio::test]
async fn a_429_with_retry_after_is_retried() {
    let s = setup().await;
    small_org(&s, vec![], vec![user(11, "ann")]).await;
    let throttled = gh_error(429, "Too Many Requests").insert_header("retry-after", "1");
    s.first_time(Mock::given(method("GET")).and(path(format!("/orgs/{ORG}/teams"))), throttled).await;
    let listing = s.gh.list().await.unwrap();
    assert_eq!(listing.accounts.len(), 1);
    assert_eq!(s.calls("GET", &format!("/orgs/{ORG}/teams")).await.len(), 2);
}

#[tokio::test]
async fn a_403_that_is_no_rate_limit_is_not_retried() {
    let s = setup().await;
    small_org(&s, vec![], vec![]).await;
    // Were it retried, the second answer would succeed.
    let refused = gh_error(403, "Resource not accessible by personal access token");
    s.first_time(Mock::given(method("GET")).and(path(format!("/orgs/{ORG}/teams"))), refused).await;
    let e = s.gh.list().await.unwrap_err();
    assert!(e.to_string().contains("Resource not accessible") && e.to_string().contains("admin:org"), "{e}");
    assert_eq!(s.calls("GET", &format!("/orgs/{ORG}/teams")).await.len(), 1);
}
