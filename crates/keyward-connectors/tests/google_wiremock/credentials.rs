//! Where the service account key comes from: the environment (an unset variable
//! is named) or a Kubernetes Secret (a missing key is named).

use crate::support::{ACCESS_TOKEN, ADMIN, DIR, PEOPLE, bearer, key_json, user};
use keyward_connectors::{ClusterSecrets, ConnectorError, build_all};
use keyward_core::{PolicySet, SourceFile};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn build_dispatches_google_workspace_and_reads_the_key_from_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "{PEOPLE}apiVersion: keyward.io/v1alpha1\nkind: Application\nmetadata: {{name: workspace}}\nspec:\n  connector:\n    googleWorkspace: {{serviceAccountKey: {{env: KEYWARD_TEST_UNSET_GOOGLE_KEY_4F}}, subject: {ADMIN}}}\n"
    );
    let set = PolicySet::load("test", vec![SourceFile { path: dir.path().join("a.yaml").display().to_string(), text }])
        .unwrap()
        .set;
    let Err(e) = build_all(&set) else { panic!("built without its key") };
    let ConnectorError::Credentials { what, why, .. } = &e else { panic!("{e:?}") };
    assert!(what.contains("Google service account key"), "{what}");
    assert!(why.contains("KEYWARD_TEST_UNSET_GOOGLE_KEY_4F") && why.contains("not set"), "{why}");
}

#[tokio::test]
async fn the_key_can_come_from_a_kubernetes_secret() {
    let server = MockServer::start().await;
    let uri = server.uri();
    let text = format!(
        "{PEOPLE}apiVersion: keyward.io/v1alpha1\nkind: Application\nmetadata: {{name: workspace}}\nspec:\n  connector:\n    googleWorkspace: {{serviceAccountKey: {{secret: {{name: keyward-credentials, key: google-sa.json}}}}, subject: {ADMIN}, directoryUrl: \"{uri}{DIR}\"}}\n"
    );
    let set = PolicySet::load("test", vec![SourceFile { path: "ns/apps.yaml".into(), text }]).unwrap().set;
    let app = set.application("workspace").unwrap();
    let r = app.spec.connector.secret_refs()[0].clone();
    let mut secrets = ClusterSecrets::fetched();
    secrets.insert(r.clone(), Ok(keyward_connectors::http::Secret::new(key_json(&format!("{uri}/token")))));
    Mock::given(method("POST"))
        .and(path("/token"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"access_token": ACCESS_TOKEN, "expires_in": 3599, "token_type": "Bearer"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{DIR}/users")))
        .and(bearer())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"users": [user("u1", ADMIN)]})))
        .expect(1)
        .mount(&server)
        .await;
    let google = keyward_connectors::build(&set, app, &secrets).unwrap();
    assert_eq!(google.kind(), "googleWorkspace");
    assert_eq!(google.list().await.unwrap().accounts.len(), 1);

    // A Secret without the key is the connector's credential error, naming the reference.
    let mut missing = ClusterSecrets::fetched();
    missing.insert(r, Err("the Secret keyward-credentials has no key google-sa.json".to_owned()));
    let Err(e) = keyward_connectors::build(&set, app, &missing) else { panic!("built without its key") };
    assert!(matches!(&e, ConnectorError::Credentials { why, .. } if why.contains("google-sa.json")), "{e}");
}
