//! A real SCIM 2.0 server for the tests: the Python `scim2-server` package, run as a child process.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{Value, json};
use tempfile::NamedTempFile;
use tokio::process::{Child, Command};

use crate::{Ready, free_port};

/// How long [`ScimServer::start`] waits for the server to answer.
const START_TIMEOUT: Duration = Duration::from_secs(20);
/// How many times a start is retried when another process took the port in the meantime.
const PORT_ATTEMPTS: usize = 5;
/// The page size the inspection helpers ask for (the server may give fewer: they follow `itemsPerPage`).
const PAGE_SIZE: usize = 200;

const USER_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
const GROUP_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";
const SCIM_JSON: &str = "application/scim+json";

/// A running `scim2-server` (PyPI `scim2-server==0.8.3`) on a free loopback port, with an in-memory store.
///
/// Facts about this server that a client meets (checked against 0.8.3):
/// - Base URL: `http://127.0.0.1:PORT/v2` ([`url`](Self::url)); `/v2` is optional on the server side.
///   It speaks HTTP/1.0: every response closes its connection.
/// - Every request but `GET /ServiceProviderConfig` needs `Authorization: Bearer TOKEN`, else 401 with a
///   SCIM error body and `WWW-Authenticate: Bearer realm="SCIM"`.
/// - Default configuration ([`default_config`](Self::default_config)): patch, bulk (1000 operations,
///   1 MiB), filter (`maxResults` 1000), changePassword, sort and etag supported; no `pagination`
///   section, so paging is by `startIndex`/`count` only.
/// - PATCH answers **204 No Content** with an `ETag` header and no body, unless the request has an
///   `attributes` or `excludedAttributes` query parameter (then 200 with the resource). A PATCH that
///   changes nothing keeps the version. A filtered path that matches nothing (`emails[type eq "work"]`)
///   answers 400 `noTarget`.
/// - ETags: weak, `W/"N"` from one counter shared by all resources; sent on 201/200/204 and in
///   `meta.version`; `If-Match` with another version answers 412. With `etag.supported` false, no ETag and
///   no `meta.version` are sent.
/// - `User.groups` is **never populated** (it is read-only and the server does not derive it from the
///   groups); group membership is only in `Group.members` (`value`, and `display`/`$ref`/`type` if the
///   client sent them). Member ids are not checked: unknown ids are kept, and deleting a user leaves it
///   in its groups.
/// - `userName` is unique case-insensitively: a duplicate POST answers 409 with
///   `"scimType": "uniqueness"`. Group `displayName` is not unique.
/// - Unknown attributes in a body answer 400 `invalidSyntax` ("Extra inputs are not permitted").
/// - Filters: the full RFC 7644 grammar; strings are double-quoted and `\"` escapes a quote inside
///   (`userName eq "bo\"b"`); `eq` on `userName` is case-insensitive. A filter while `filter.supported`
///   is false, or `sortBy` while sort is unsupported, answers 501.
/// - Paging: results are ordered by id (random hex), not by creation; without `count` every match is
///   returned, bounded by `filter.maxResults` and `pagination.maxPageSize` (the smaller wins); a larger
///   `count` is silently lowered, `itemsPerPage` tells how many came back.
#[derive(Debug)]
pub struct ScimServer {
    child: Child,
    url: String,
    token: String,
    log_file: NamedTempFile,
    _config_file: Option<NamedTempFile>,
    http: reqwest::Client,
}

impl ScimServer {
    /// Starts a server with the default configuration (everything but cursor paging supported).
    pub async fn start(token: &str) -> ScimServer {
        Self::launch(token, None).await
    }

    /// Starts a server announcing (and enforcing) `service_provider_config` instead of the default.
    ///
    /// The JSON is a ServiceProviderConfig as served at `/ServiceProviderConfig` (camelCase); a
    /// capability left out counts as unsupported, and a value of the wrong type makes the server
    /// refuse to start. This shape is accepted (start from [`default_config`](Self::default_config)
    /// to change one thing):
    ///
    /// ```json
    /// {
    ///   "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
    ///   "patch": {"supported": false},
    ///   "bulk": {"supported": false, "maxOperations": 0, "maxPayloadSize": 0},
    ///   "filter": {"supported": true, "maxResults": 100},
    ///   "changePassword": {"supported": false},
    ///   "sort": {"supported": false},
    ///   "etag": {"supported": false},
    ///   "pagination": {"cursor": false, "index": true, "defaultPageSize": 2, "maxPageSize": 2}
    /// }
    /// ```
    ///
    /// `"cursor": true` needs the `cursor` extra of scim2-server, which is not installed.
    pub async fn start_with_config(token: &str, service_provider_config: Value) -> ScimServer {
        let mut file = NamedTempFile::new().expect("create a temporary file for the ServiceProviderConfig");
        file.write_all(service_provider_config.to_string().as_bytes()).expect("write the ServiceProviderConfig file");
        file.flush().expect("write the ServiceProviderConfig file");
        Self::launch(token, Some(file)).await
    }

    /// The server's default ServiceProviderConfig (what [`start`](Self::start) announces, less the
    /// bearer authentication scheme the server adds itself).
    pub fn default_config() -> Value {
        json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
            "patch": {"supported": true},
            "bulk": {"supported": true, "maxOperations": 1000, "maxPayloadSize": 1_048_576},
            "filter": {"supported": true, "maxResults": 1000},
            "changePassword": {"supported": true},
            "sort": {"supported": true},
            "etag": {"supported": true}
        })
    }

    async fn launch(token: &str, config: Option<NamedTempFile>) -> ScimServer {
        let program = locate_scim2_server();
        let http = reqwest::Client::builder()
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(10))
            .build()
            .expect("build an HTTP client");
        for attempt in 1..=PORT_ATTEMPTS {
            let port = free_port();
            let log_file = NamedTempFile::new().expect("create a temporary file for the SCIM server log");
            let stdout = log_file.as_file().try_clone().expect("open the SCIM server log");
            let stderr = log_file.as_file().try_clone().expect("open the SCIM server log");
            let mut command = Command::new(&program);
            command
                .args(["--hostname", "127.0.0.1", "--port", &port.to_string(), "--bearer-token", token])
                // Builds `meta.location` and `Location` from `X-Forwarded-Host`, which FaultProxy sends,
                // so that clients following them stay behind the proxy.
                .arg("--reverse-proxy")
                .env("PYTHONUNBUFFERED", "1")
                .stdin(Stdio::null())
                .stdout(stdout)
                .stderr(stderr)
                .kill_on_drop(true);
            if let Some(file) = &config {
                command.arg("--service-provider-config").arg(file.path());
            }
            let child = command
                .spawn()
                .unwrap_or_else(|e| panic!("cannot run the SCIM server {}: {e}\n{}", program.display(), INSTALL_HINT));
            let mut server = ScimServer {
                child,
                url: format!("http://127.0.0.1:{port}/v2"),
                token: token.to_owned(),
                log_file,
                _config_file: None,
                http: http.clone(),
            };
            match server.wait_ready().await {
                Ready::Yes => {
                    server._config_file = config;
                    return server;
                }
                Ready::PortTaken if attempt < PORT_ATTEMPTS => continue,
                Ready::PortTaken | Ready::Exited => {
                    panic!("the SCIM server {} exited before answering; its log:\n{}", program.display(), server.log())
                }
                Ready::TimedOut => panic!(
                    "the SCIM server {} did not answer GET {}/ServiceProviderConfig within {START_TIMEOUT:?}; its log:\n{}",
                    program.display(),
                    server.url,
                    server.log()
                ),
            }
        }
        unreachable!("the loop returns or panics")
    }

    async fn wait_ready(&mut self) -> Ready {
        let deadline = Instant::now() + START_TIMEOUT;
        let probe = format!("{}/ServiceProviderConfig", self.url);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return if self.log().contains("Address already in use") { Ready::PortTaken } else { Ready::Exited };
            }
            let answer = self.http.get(&probe).bearer_auth(&self.token).timeout(Duration::from_secs(2)).send().await;
            if answer.is_ok_and(|response| response.status() == StatusCode::OK) {
                return Ready::Yes;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Ready::TimedOut
    }

    /// The SCIM base URL (`http://127.0.0.1:PORT/v2`): a client appends `/Users`, `/Groups`, ….
    pub fn url(&self) -> String {
        self.url.clone()
    }

    /// The bearer token the server accepts.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// What the server printed so far (startup line, one access-log line per request, errors).
    pub fn log(&self) -> String {
        String::from_utf8_lossy(&std::fs::read(self.log_file.path()).unwrap_or_default()).into_owned()
    }

    /// Creates a user and returns its id. `schemas` is added when missing. Panics on any other answer
    /// than 201, with status and body.
    pub async fn create_user(&self, mut user: Value) -> String {
        if user.get("schemas").is_none() {
            user["schemas"] = json!([USER_SCHEMA]);
        }
        self.create("Users", &user).await
    }

    /// Creates a group with these member ids and returns its id. Panics on any other answer than 201.
    pub async fn create_group(&self, display_name: &str, member_ids: &[&str]) -> String {
        let members: Vec<Value> = member_ids.iter().map(|id| json!({"value": id, "type": "User"})).collect();
        let group = json!({"schemas": [GROUP_SCHEMA], "displayName": display_name, "members": members});
        self.create("Groups", &group).await
    }

    async fn create(&self, endpoint: &str, body: &Value) -> String {
        let (status, answer) = self.send(self.http.post(format!("{}/{endpoint}", self.url)).json(body)).await;
        if status != StatusCode::CREATED {
            panic!("POST {}/{endpoint} answered {status}: {answer}\nbody sent: {body}", self.url);
        }
        answer["id"].as_str().unwrap_or_else(|| panic!("POST /{endpoint} answered no id: {answer}")).to_owned()
    }

    /// Every user, following the server's paging until `totalResults`.
    pub async fn users(&self) -> Vec<Value> {
        self.list("Users").await
    }

    /// Every group, following the server's paging until `totalResults`.
    pub async fn groups(&self) -> Vec<Value> {
        self.list("Groups").await
    }

    async fn list(&self, endpoint: &str) -> Vec<Value> {
        let mut all = Vec::new();
        loop {
            let url = format!("{}/{endpoint}?startIndex={}&count={PAGE_SIZE}", self.url, all.len() + 1);
            let (status, page) = self.send(self.http.get(&url)).await;
            if status != StatusCode::OK {
                panic!("GET {url} answered {status}: {page}");
            }
            let total = page["totalResults"].as_u64().unwrap_or_else(|| panic!("GET {url}: no totalResults in {page}"));
            let resources = page["Resources"].as_array().cloned().unwrap_or_default();
            let got = resources.len();
            all.extend(resources);
            if got == 0 || all.len() as u64 >= total {
                return all;
            }
        }
    }

    /// The user with this id, or `None` when the server answers 404.
    pub async fn user(&self, id: &str) -> Option<Value> {
        self.get_resource("Users", id).await
    }

    /// The group with this id, or `None` when the server answers 404.
    pub async fn group(&self, id: &str) -> Option<Value> {
        self.get_resource("Groups", id).await
    }

    async fn get_resource(&self, endpoint: &str, id: &str) -> Option<Value> {
        let url = format!("{}/{endpoint}/{id}", self.url);
        match self.send(self.http.get(&url)).await {
            (StatusCode::OK, body) => Some(body),
            (StatusCode::NOT_FOUND, _) => None,
            (status, body) => panic!("GET {url} answered {status}: {body}"),
        }
    }

    /// The user whose `userName` equals `name` case-insensitively (as SCIM compares it). It lists the
    /// users rather than filtering, so it works whatever the configuration says about filters.
    pub async fn user_by_user_name(&self, name: &str) -> Option<Value> {
        let wanted = name.to_lowercase();
        self.users()
            .await
            .into_iter()
            .find(|user| user["userName"].as_str().is_some_and(|n| n.to_lowercase() == wanted))
    }

    /// The group whose `displayName` is exactly `display_name` (the first one: names are not unique).
    pub async fn group_by_display_name(&self, display_name: &str) -> Option<Value> {
        self.groups().await.into_iter().find(|group| group["displayName"].as_str() == Some(display_name))
    }

    /// The member ids (`members[].value`) of the group named `display_name`, in the server's order.
    /// Panics when there is no such group.
    pub async fn group_members(&self, display_name: &str) -> Vec<String> {
        let groups = self.groups().await;
        let Some(group) = groups.iter().find(|group| group["displayName"].as_str() == Some(display_name)) else {
            let names: Vec<&str> = groups.iter().filter_map(|group| group["displayName"].as_str()).collect();
            panic!("the SCIM server has no group named {display_name:?}; its groups: {names:?}");
        };
        group["members"]
            .as_array()
            .map(|members| members.iter().filter_map(|m| m["value"].as_str().map(str::to_owned)).collect())
            .unwrap_or_default()
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> (StatusCode, Value) {
        let response =
            request.bearer_auth(&self.token).header(reqwest::header::ACCEPT, SCIM_JSON).send().await.unwrap_or_else(
                |e| panic!("the SCIM server at {} did not answer: {e}\nits log:\n{}", self.url, self.log()),
            );
        let status = response.status();
        let bytes = response.bytes().await.unwrap_or_default();
        let body = serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
        (status, body)
    }
}

impl Drop for ScimServer {
    fn drop(&mut self) {
        // `kill_on_drop` kills it too; this also works when dropped outside of a runtime.
        let _ = self.child.start_kill();
    }
}

const INSTALL_HINT: &str = "The SCIM server of the tests (PyPI scim2-server) is missing. Install it from the \
     workspace root with `python3 -m venv .venv && .venv/bin/pip install -r crates/keyward-testkit/requirements.txt` \
     (or run `.ci/run`), or point KEYWARD_SCIM2_SERVER at a scim2-server executable.";

/// `KEYWARD_SCIM2_SERVER`, else `<workspace>/.venv/bin/scim2-server`, else `scim2-server` on `PATH`.
fn locate_scim2_server() -> PathBuf {
    if let Some(path) = std::env::var_os("KEYWARD_SCIM2_SERVER") {
        let path = PathBuf::from(path);
        if !path.is_file() {
            panic!("KEYWARD_SCIM2_SERVER is {}, which is not a file.\n{INSTALL_HINT}", path.display());
        }
        return path;
    }
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.venv/bin/scim2-server");
    if venv.is_file() {
        return venv;
    }
    std::env::var_os("PATH")
        .and_then(|paths| std::env::split_paths(&paths).map(|dir| dir.join("scim2-server")).find(|p| p.is_file()))
        .unwrap_or_else(|| panic!("no scim2-server in {} nor on PATH.\n{INSTALL_HINT}", venv.display()))
}
