//! The generated directory served on loopback as Google and Microsoft
//! document their APIs: Google's service-account token endpoint, `users`
//! pages (`maxResults` ≤ 500, `pageToken`) and the Directory API's batch
//! endpoint (the shared `keyward_testkit::google_batch` stub); Graph's
//! client-credentials token endpoint and `@odata.nextLink` pages of
//! `organization`, `servicePrincipals`, `users`, `oauth2PermissionGrants`
//! (`$top` ≤ 999) and `auditLogs/signIns` (`$top` ≤ 1000).
//!
//! The stubs count what they receive, so the benchmark can compare the
//! scan's own count with the server's.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use keyward_testkit::google_batch::BatchStub;
use serde_json::{Value, json};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use super::directory::{Directory, TENANT_ID};

/// The access token both token endpoints hand out.
pub const ACCESS_TOKEN: &str = "kw-bench-discovery-token";
/// Directory API path on the Google stub.
pub const GOOGLE_DIR: &str = "/admin/directory/v1";
/// Graph's version path on the Graph stub.
pub const GRAPH: &str = "/v1.0";
/// The tenant the Graph policy names.
pub const TENANT: &str = "example.onmicrosoft.com";

/// Google's largest `users.list` page.
const GOOGLE_PAGE: usize = 500;
/// Graph's largest page of directory objects, and of sign-ins.
pub const GRAPH_PAGE: usize = 999;
pub const SIGN_IN_PAGE: usize = 1000;

/// A running stub and its counters.
pub struct Stub {
    /// The wiremock server.
    pub server: MockServer,
    /// Calls carried by batch requests (Google only).
    pub batch_calls: Arc<AtomicU64>,
}

impl Stub {
    /// HTTP requests received so far, token requests apart: (token, API).
    pub async fn received(&self) -> (usize, usize) {
        let all = self.server.received_requests().await.unwrap_or_default();
        let token = all.iter().filter(|r| r.url.path().ends_with("/token")).count();
        (token, all.len() - token)
    }

    /// Batch calls received so far.
    pub fn calls(&self) -> u64 {
        self.batch_calls.load(Ordering::Relaxed)
    }

    /// Requests to `p` received so far.
    pub async fn requests_to(&self, p: &str) -> usize {
        let all = self.server.received_requests().await.unwrap_or_default();
        all.iter().filter(|r| r.url.path() == p).count()
    }
}

fn bearer() -> wiremock::matchers::HeaderExactMatcher {
    header("authorization", format!("Bearer {ACCESS_TOKEN}").as_str())
}

fn token_answer() -> ResponseTemplate {
    ResponseTemplate::new(200)
        .set_body_json(json!({"access_token": ACCESS_TOKEN, "expires_in": 3599, "token_type": "Bearer"}))
}

fn query(req: &Request, key: &str) -> Option<String> {
    req.url.query_pairs().find(|(k, _)| k == key).map(|(_, v)| v.into_owned())
}

/// Google Workspace: token, user pages, batch.
pub async fn google(dir: Arc<Directory>) -> Stub {
    let server = MockServer::start().await;
    Mock::given(method("POST")).and(path("/token")).respond_with(token_answer()).mount(&server).await;
    Mock::given(method("GET"))
        .and(path(format!("{GOOGLE_DIR}/users")))
        .and(bearer())
        .respond_with(GoogleUsers(dir.clone()))
        .mount(&server)
        .await;
    let tokens_of = move |p: &str| {
        let id = p.strip_prefix(GOOGLE_DIR)?.strip_prefix("/users/")?.strip_suffix("/tokens")?;
        let body = dir.google_tokens(Directory::google_index(id)?)?;
        Some((200, body.to_string()))
    };
    let batch = BatchStub::answering(tokens_of);
    let batch_calls = batch.calls();
    batch.mount_on(&server, bearer()).await;
    Stub { server, batch_calls }
}

/// `users.list`: `maxResults` (at most 500) users from `pageToken`.
struct GoogleUsers(Arc<Directory>);

impl Respond for GoogleUsers {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let size = query(req, "maxResults").and_then(|m| m.parse().ok()).unwrap_or(100).clamp(1, GOOGLE_PAGE);
        let from: usize = query(req, "pageToken").and_then(|t| t.strip_prefix('p')?.parse().ok()).unwrap_or(0);
        let to = from + size;
        let mut body =
            json!({"kind": "admin#directory#users", "etag": "\"e\"", "users": self.0.google_users(from, to)});
        if to < self.0.users.len() {
            body["nextPageToken"] = json!(format!("p{to}"));
        }
        ResponseTemplate::new(200).set_body_json(body)
    }
}

/// Microsoft Graph: token, organization, and four paged collections.
pub async fn graph(dir: &Directory) -> Stub {
    let server = MockServer::start().await;
    let base = format!("{}{GRAPH}", server.uri());
    Mock::given(method("POST"))
        .and(path(format!("/{TENANT}/oauth2/v2.0/token")))
        .respond_with(token_answer())
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{GRAPH}/organization")))
        .and(bearer())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": [{"id": TENANT_ID}]})))
        .mount(&server)
        .await;
    for (p, items, max) in [
        ("/servicePrincipals", dir.graph_service_principals(), GRAPH_PAGE),
        ("/users", dir.graph_users(), GRAPH_PAGE),
        ("/oauth2PermissionGrants", dir.graph_grants(), GRAPH_PAGE),
        ("/auditLogs/signIns", dir.graph_sign_ins(), SIGN_IN_PAGE),
    ] {
        let items: Vec<String> = items.iter().map(Value::to_string).collect();
        let pages = GraphPages { link: format!("{base}{p}"), items, max };
        Mock::given(method("GET"))
            .and(path(format!("{GRAPH}{p}")))
            .and(bearer())
            .respond_with(pages)
            .mount(&server)
            .await;
    }
    Stub { server, batch_calls: Arc::default() }
}

/// One Graph collection, paged: `$top` items (at most `max`, 100 when not
/// asked) from `$skiptoken`, with `@odata.nextLink` while more remain.
struct GraphPages {
    link: String,
    /// Each item's JSON.
    items: Vec<String>,
    max: usize,
}

impl GraphPages {
    fn page(&self, top: usize, from: usize) -> String {
        let to = (from + top).min(self.items.len());
        let mut body = String::from("{\"value\":[");
        for (n, item) in self.items.get(from..to).unwrap_or_default().iter().enumerate() {
            if n > 0 {
                body.push(',');
            }
            body.push_str(item);
        }
        body.push(']');
        if to < self.items.len() {
            body.push_str(&format!(",\"@odata.nextLink\":\"{}?$top={top}&$skiptoken={to}\"", self.link));
        }
        body.push('}');
        body
    }
}

impl Respond for GraphPages {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let top = query(req, "$top").and_then(|t| t.parse().ok()).unwrap_or(100).clamp(1, self.max);
        let from = query(req, "$skiptoken").and_then(|t| t.parse().ok()).unwrap_or(0);
        ResponseTemplate::new(200).set_body_raw(self.page(top, from).into_bytes(), "application/json")
    }
}
