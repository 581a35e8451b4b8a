//! An in-memory Kubernetes API server for the tests: kmock's `KubernetesEmulator` (PyPI `kmock==0.8`),
//! run by `kmock_launcher.py` as a child process.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::Value;
use tempfile::NamedTempFile;
use tokio::io::{AsyncBufReadExt as _, BufReader};
use tokio::process::{Child, Command};

use crate::free_port;

/// How long [`KubeEmulator::start`] waits for `READY`.
const START_TIMEOUT: Duration = Duration::from_secs(30);
/// How many times a start is retried when another process took the port in the meantime.
const PORT_ATTEMPTS: usize = 5;

const INSTALL_HINT: &str = "The Kubernetes API emulator of the tests (PyPI kmock==0.8) is missing. Install it \
     from the workspace root with `python3 -m venv .venv && .venv/bin/pip install -r \
     crates/keyward-testkit/requirements.txt` (or run `.ci/run`).";

/// A running kmock `KubernetesEmulator` on a free loopback port (plain HTTP, no authentication).
///
/// The launcher registers the five `keyward.io/v1alpha1` kinds (namespaced, with a `status`
/// subresource), `apiextensions.k8s.io/v1` CustomResourceDefinitions (the five keyward CRDs exist from
/// the start), `coordination.k8s.io/v1` Leases, `events.k8s.io/v1` and core `v1` Events, and core `v1`
/// Namespaces.
///
/// What differs from a real API server (kmock 0.8, see the launcher's docstring):
/// - objects are stored as sent but for `metadata.resourceVersion`: no `uid`, `generation` or
///   `creationTimestamp` is assigned (a test that needs a generation sends `metadata.generation`
///   itself);
/// - every PATCH, whatever its content type, is a recursive JSON merge, `/status` included, and a
///   PATCH of the main resource can change `.status` too;
/// - the launcher assigns `resourceVersion`s from one counter on every write (kube-rs's watcher
///   starts over on a watch event without one); a list answers the version it is at, and a watch from
///   a version streams only later changes (a watch without one replays every object as `ADDED`);
/// - PUT is a replace added by the launcher, with optimistic concurrency (a PUT carrying a stale
///   `resourceVersion` answers 409 Conflict); a second create of a Lease answers 409 AlreadyExists;
/// - no validation against the CRD schemas, no admission, no RBAC.
#[derive(Debug)]
pub struct KubeEmulator {
    child: Child,
    url: String,
    log_file: NamedTempFile,
    http: reqwest::Client,
}

impl KubeEmulator {
    /// Starts the emulator and waits until it listens. Panics with install instructions when kmock is
    /// missing.
    pub async fn start() -> KubeEmulator {
        let python = locate_python();
        let launcher = Path::new(env!("CARGO_MANIFEST_DIR")).join("kmock_launcher.py");
        let http = reqwest::Client::builder()
            .no_proxy()
            .timeout(Duration::from_secs(10))
            .build()
            .expect("build an HTTP client");
        let mut last_log = String::new();
        for _ in 0..PORT_ATTEMPTS {
            let port = free_port();
            let log_file = NamedTempFile::new().expect("create a temporary file for the emulator log");
            let stderr = log_file.as_file().try_clone().expect("open the emulator log");
            let mut child = Command::new(&python)
                .arg(&launcher)
                .arg(port.to_string())
                .env("PYTHONUNBUFFERED", "1")
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(stderr)
                .kill_on_drop(true)
                .spawn()
                .unwrap_or_else(|e| {
                    panic!("cannot run {} {}: {e}\n{INSTALL_HINT}", python.display(), launcher.display())
                });
            let stdout = child.stdout.take().expect("the launcher's stdout is piped");
            let ready = tokio::time::timeout(START_TIMEOUT, async move {
                let mut lines = BufReader::new(stdout).lines();
                while let Ok(Some(line)) = lines.next_line().await {
                    if line.trim() == "READY" {
                        return true;
                    }
                }
                false
            })
            .await;
            let log = read_log(log_file.path());
            match ready {
                Ok(true) => return KubeEmulator { child, url: format!("http://127.0.0.1:{port}"), log_file, http },
                Ok(false) if log.contains("No module named 'kmock'") => {
                    panic!("{INSTALL_HINT}\nthe launcher said:\n{log}")
                }
                Ok(false) if log.contains("address already in use") || log.contains("Address already in use") => {
                    last_log = log;
                }
                Ok(false) => panic!("the Kubernetes emulator exited before it was ready; its log:\n{log}"),
                Err(_) => panic!("the Kubernetes emulator was not ready within {START_TIMEOUT:?}; its log:\n{log}"),
            }
        }
        panic!("the Kubernetes emulator found no free port; its last log:\n{last_log}")
    }

    /// The API server's base URL (`http://127.0.0.1:PORT`).
    pub fn url(&self) -> String {
        self.url.clone()
    }

    /// What the emulator printed so far (errors and tracebacks).
    pub fn log(&self) -> String {
        read_log(self.log_file.path())
    }

    /// Writes a kubeconfig whose current context points at the emulator (plain HTTP, no credentials)
    /// with `namespace` as the default namespace.
    pub fn write_kubeconfig(&self, path: &Path, namespace: &str) {
        let text = format!(
            "apiVersion: v1
kind: Config
clusters:
- name: kmock
  cluster:
    server: {url}
users:
- name: kmock
  user: {{}}
contexts:
- name: kmock
  context:
    cluster: kmock
    user: kmock
    namespace: {namespace}
current-context: kmock
",
            url = self.url
        );
        std::fs::write(path, text).unwrap_or_else(|e| panic!("cannot write the kubeconfig {}: {e}", path.display()));
    }

    /// The collection path of a namespaced kind: `/apis/GROUP/VERSION/namespaces/NS/PLURAL` (`/api/v1/…`
    /// for the core group, given as `v1`).
    pub fn collection(api_version: &str, namespace: &str, plural: &str) -> String {
        let prefix = if api_version.contains('/') { "/apis" } else { "/api" };
        format!("{prefix}/{api_version}/namespaces/{namespace}/{plural}")
    }

    /// Creates a namespaced object (POST to its collection; `apiVersion` and `metadata.namespace` are
    /// taken from the object) and returns what the emulator stored. Panics on any other answer than
    /// 200/201.
    pub async fn create(&self, plural: &str, object: Value) -> Value {
        let api_version = object["apiVersion"].as_str().expect("the object has an apiVersion").to_owned();
        let namespace = object["metadata"]["namespace"].as_str().expect("the object has a metadata.namespace");
        let path = Self::collection(&api_version, namespace, plural);
        let (status, body) = self.send(self.http.post(format!("{}{path}", self.url)).json(&object)).await;
        if !matches!(status, StatusCode::OK | StatusCode::CREATED) {
            panic!("POST {path} answered {status}: {body}\nbody sent: {object}");
        }
        body
    }

    /// Merge-patches a namespaced object (as `kubectl patch --type=merge` would). Panics on any other
    /// answer than 200.
    pub async fn patch(&self, api_version: &str, namespace: &str, plural: &str, name: &str, patch: Value) -> Value {
        let path = format!("{}/{name}", Self::collection(api_version, namespace, plural));
        let request = self
            .http
            .patch(format!("{}{path}", self.url))
            .header(reqwest::header::CONTENT_TYPE, "application/merge-patch+json")
            .body(patch.to_string());
        let (status, body) = self.send(request).await;
        if status != StatusCode::OK {
            panic!("PATCH {path} answered {status}: {body}");
        }
        body
    }

    /// A namespaced object, or `None` on 404.
    pub async fn get(&self, api_version: &str, namespace: &str, plural: &str, name: &str) -> Option<Value> {
        let path = format!("{}/{name}", Self::collection(api_version, namespace, plural));
        match self.send(self.http.get(format!("{}{path}", self.url))).await {
            (StatusCode::OK, body) => Some(body),
            (StatusCode::NOT_FOUND, _) => None,
            (status, body) => panic!("GET {path} answered {status}: {body}"),
        }
    }

    /// The items of a namespaced collection.
    pub async fn list(&self, api_version: &str, namespace: &str, plural: &str) -> Vec<Value> {
        let path = Self::collection(api_version, namespace, plural);
        match self.send(self.http.get(format!("{}{path}", self.url))).await {
            (StatusCode::OK, body) => body["items"].as_array().cloned().unwrap_or_default(),
            (status, body) => panic!("GET {path} answered {status}: {body}"),
        }
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> (StatusCode, Value) {
        let response = request.send().await.unwrap_or_else(|e| {
            panic!("the Kubernetes emulator at {} did not answer: {e}\nits log:\n{}", self.url, self.log())
        });
        let status = response.status();
        let bytes = response.bytes().await.unwrap_or_default();
        let body = serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
        (status, body)
    }
}

impl Drop for KubeEmulator {
    fn drop(&mut self) {
        let _ = self.child.start_kill();
    }
}

fn read_log(path: &Path) -> String {
    String::from_utf8_lossy(&std::fs::read(path).unwrap_or_default()).into_owned()
}

/// `<workspace>/.venv/bin/python`, where `requirements.txt` installs kmock.
fn locate_python() -> PathBuf {
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.venv/bin/python");
    if !venv.is_file() {
        panic!("no Python virtual environment at {}.\n{INSTALL_HINT}", venv.display());
    }
    venv
}
