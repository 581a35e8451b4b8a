//! Credentials and secrecy: where the token comes from (environment, file, Kubernetes
//! Secret), each failure named, and the token never shown.

use crate::common::fast;
use crate::support::{ERROR_SCHEMA, PEOPLE, TOKEN, assert_no_token, change, p, policy, setup};
use keyward_connectors::scim::Scim;
use keyward_connectors::{Connector, ConnectorError, build_all};
use keyward_core::action::Action;
use keyward_core::{PolicySet, SourceFile};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, Request, Respond, ResponseTemplate};

#[tokio::test]
async fn a_missing_env_token_is_a_credentials_error_naming_the_variable() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "{PEOPLE}apiVersion: keyward.io/v1alpha1\nkind: Application\nmetadata: {{name: app}}\nspec:\n  connector:\n    scim: {{url: \"https://scim.example.com/v2\", token: {{env: KEYWARD_TEST_UNSET_SCIM_TOKEN_41B7}}}}\n"
    );
    let set = PolicySet::load("test", vec![SourceFile { path: dir.path().join("a.yaml").display().to_string(), text }])
        .unwrap()
        .set;
    let Err(e) = build_all(&set) else { panic!("built without a token") };
    let ConnectorError::Credentials { app, what, why } = &e else { panic!("{e:?}") };
    assert_eq!(app, "app");
    assert_eq!(what, "SCIM bearer token");
    assert!(why.contains("KEYWARD_TEST_UNSET_SCIM_TOKEN_41B7") && why.contains("not set"), "{why}");
}

#[tokio::test]
async fn a_kubernetes_secret_token_is_refused_outside_the_controller_and_used_inside() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "{PEOPLE}apiVersion: keyward.io/v1alpha1\nkind: Application\nmetadata: {{name: app}}\nspec:\n  connector:\n    scim: {{url: \"https://scim.example.com/v2\", token: {{secret: {{name: creds, key: scim}}}}}}\n"
    );
    let set = PolicySet::load("test", vec![SourceFile { path: dir.path().join("a.yaml").display().to_string(), text }])
        .unwrap()
        .set;
    // The CLI and the standalone daemon build with no cluster to read from.
    let Err(e) = build_all(&set) else { panic!("built with a Secret nobody can read") };
    let ConnectorError::Credentials { app, why, .. } = &e else { panic!("{e:?}") };
    assert_eq!(app, "app");
    assert!(why.contains("token.env") && why.contains("token.file") && why.contains("keyward controller"), "{why}");

    // The controller hands over what it read.
    let key = keyward_core::resources::SecretKeyRef { name: "creds".to_owned(), key: "scim".to_owned() };
    let mut secrets = keyward_connectors::ClusterSecrets::fetched();
    secrets.insert(key.clone(), Ok(keyward_connectors::http::Secret::new(" tok \n")));
    let app = &set.applications[0];
    assert!(keyward_connectors::build(&set, app, &secrets).is_ok());
    let mut empty = keyward_connectors::ClusterSecrets::fetched();
    empty.insert(key, Ok(keyward_connectors::http::Secret::new("  ")));
    let Err(e) = keyward_connectors::build(&set, app, &empty) else { panic!("built with an empty token") };
    assert!(e.to_string().contains("key scim of Secret creds is empty"), "{e}");
}

#[tokio::test]
async fn an_empty_or_missing_token_file_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let set = policy(dir.path(), "https://scim.example.com/v2", "", "");
    std::fs::write(dir.path().join("token.txt"), " \n").unwrap();
    let Err(e) = build_all(&set) else { panic!("built with an empty token") };
    assert!(
        matches!(&e, ConnectorError::Credentials { why, .. } if why.contains("token.txt") && why.contains("empty")),
        "{e}"
    );
    std::fs::remove_file(dir.path().join("token.txt")).unwrap();
    let Err(e) = build_all(&set) else { panic!("built without a token file") };
    assert!(matches!(&e, ConnectorError::Credentials { why, .. } if why.contains("token.txt")), "{e}");
}

/// Echoes the request's Authorization header back, as some error pages do.
struct EchoAuth;

impl Respond for EchoAuth {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let auth = req.headers.get("authorization").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
        ResponseTemplate::new(401).set_body_json(
            json!({"schemas": [ERROR_SCHEMA], "status": "401", "detail": format!("bad credentials: {auth}")}),
        )
    }
}

#[tokio::test]
async fn the_token_appears_in_no_error_nor_debug_output() {
    let s = setup("").await;
    // Built through build_all too: the boxed connector's Debug is not
    // reachable, but the concrete one's is.
    let shown = format!("{:?}", s.scim);
    assert!(!shown.contains(TOKEN), "{shown}");

    let mut errors = Vec::new();
    Mock::given(method("GET")).and(path(p("/ServiceProviderConfig"))).respond_with(EchoAuth).mount(&s.server).await;
    errors.push(s.scim.list().await.unwrap_err());
    errors.push(s.scim.apply(&change(Action::Suspend, Some("u1"))).await.unwrap_err());
    errors.push(s.scim.apply(&change(Action::Transfer, Some("u1"))).await.unwrap_err());

    // Nothing listening: connection refused, retried, then given up.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    };
    let dir = tempfile::tempdir().unwrap();
    let set = policy(dir.path(), &format!("http://{closed}/scim/v2"), "", "");
    let app = &set.applications[0];
    let gone = Scim::new(&set.locator(&app.origin), app, app.spec.connector.scim.as_ref().unwrap())
        .unwrap()
        .with_retry(fast());
    let e = gone.list().await.unwrap_err();
    assert!(
        matches!(&e, ConnectorError::Http { status: None, problem, .. } if problem.contains("could not connect")),
        "{e}"
    );
    assert!(e.is_transient());
    errors.push(e);

    assert!(errors[0].to_string().contains("bad credentials: Bearer ***"), "{}", errors[0]);
    for e in &errors {
        assert_no_token(e);
    }
}
