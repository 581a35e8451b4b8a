//! A stub of the Google Directory API's batch endpoint, shaped as Google
//! documents it: the request is `multipart/mixed`, each part an
//! `application/http` GET with a `Content-ID`; the answer is
//! `multipart/mixed` whose parts carry `Content-ID: <response-…>` and a
//! whole HTTP response, in an order of the server's (here: reversed).
//!
//! Shared by the Google connector's tests (answers from a table, some on
//! purpose wrong) and `keyward-bench discovery` (answers computed from a
//! generated directory of thousands of users), so both exercise the same
//! parsing of the request and the same shape of answer.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use serde_json::Value;
use wiremock::matchers::{method, path};
use wiremock::{Match, Mock, MockServer, Request, Respond, ResponseTemplate};

/// The batch endpoint's path for a Directory URL of `{server}/admin/directory/v1`.
pub const BATCH: &str = "/batch/admin/directory_v1";

/// What the stub does wrong, on purpose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hostile {
    /// Answers honestly.
    No,
    /// Adds a part for a Content-ID never sent.
    UnaskedId,
    /// Answers the first call twice.
    ExtraPart,
    /// Leaves the first call out.
    MissingPart,
}

/// Answers a call's inner path (`/admin/directory/v1/users/u1/tokens`)
/// with a status and a JSON body; `None` when it has no answer for it.
pub type Answerer = dyn Fn(&str) -> Option<(u16, String)> + Send + Sync;

/// The batches a stub received: the inner paths of each, in the order sent.
pub type Batches = Arc<Mutex<Vec<Vec<String>>>>;

/// Answers by inner path: from the table, the n-th time a path is asked
/// its n-th answer (the last one again after that); a path not in the
/// table by the [`Answerer`] given to [`BatchStub::answering`].
pub struct BatchStub {
    table: HashMap<String, Vec<(u16, String)>>,
    fallback: Option<Box<Answerer>>,
    asked: Mutex<HashMap<String, usize>>,
    batches: Batches,
    /// Calls (parts) received, over every batch.
    calls: Arc<AtomicU64>,
    /// Whether each batch's paths are kept in [`Self::batches`].
    record: bool,
    hostile: Hostile,
}

impl BatchStub {
    /// A stub answering from a table filled with [`Self::answer`].
    pub fn new(hostile: Hostile) -> Self {
        Self {
            table: HashMap::new(),
            fallback: None,
            asked: Mutex::new(HashMap::new()),
            batches: Batches::default(),
            calls: Arc::default(),
            record: true,
            hostile,
        }
    }

    /// An honest stub answering every call with `f`, recording no paths
    /// (only [`Self::calls`]): for directories of thousands of users.
    pub fn answering(f: impl Fn(&str) -> Option<(u16, String)> + Send + Sync + 'static) -> Self {
        Self { fallback: Some(Box::new(f)), record: false, ..Self::new(Hostile::No) }
    }

    /// `p` answers `status` with `body`, after the answers given before.
    #[must_use]
    pub fn answer(mut self, p: &str, status: u16, body: Value) -> Self {
        self.table.entry(p.to_owned()).or_default().push((status, body.to_string()));
        self
    }

    /// Each batch received: its inner paths, in the order sent (empty for
    /// a stub made by [`Self::answering`]).
    pub fn batches(&self) -> Batches {
        self.batches.clone()
    }

    /// Calls received over every batch.
    pub fn calls(&self) -> Arc<AtomicU64> {
        self.calls.clone()
    }

    /// Mounts the stub on `server` for `POST` [`BATCH`] requests that
    /// `auth` accepts (the bearer token); returns [`Self::batches`].
    pub async fn mount_on(self, server: &MockServer, auth: impl Match + 'static) -> Batches {
        let batches = self.batches();
        Mock::given(method("POST")).and(path(BATCH)).and(auth).respond_with(self).mount(server).await;
        batches
    }

    /// The answer to the `n`-th asking of `p`.
    fn answer_to(&self, p: &str, n: usize) -> (u16, String) {
        if let Some(list) = self.table.get(p) {
            return list[(n - 1).min(list.len() - 1)].clone();
        }
        self.fallback.as_ref().and_then(|f| f(p)).unwrap_or_else(|| panic!("no answer for {p}"))
    }
}

/// `(Content-ID, GET path)` of each part of a batch request.
pub fn parts_of(req: &Request) -> Vec<(String, String)> {
    let ct = req.headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    assert!(ct.starts_with("multipart/mixed; boundary="), "batch Content-Type {ct}");
    let boundary = ct.split("boundary=").nth(1).unwrap().trim_matches('"').to_owned();
    let body = std::str::from_utf8(&req.body).unwrap();
    assert!(body.trim_end().ends_with(&format!("--{boundary}--")), "the batch is closed");
    let mut out = Vec::new();
    for part in body.split(&format!("--{boundary}")).skip(1) {
        if part.starts_with("--") {
            break;
        }
        assert!(part.contains("Content-Type: application/http\r\n"), "{part}");
        let id = part.lines().find_map(|l| l.strip_prefix("Content-ID: ")).unwrap();
        let get = part.lines().find_map(|l| l.strip_prefix("GET ")).unwrap();
        let target = get.strip_suffix(" HTTP/1.1").unwrap();
        let p = target.split('?').next().unwrap();
        out.push((id.trim_matches(|c| c == '<' || c == '>').to_owned(), p.to_owned()));
    }
    out
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        403 => "Forbidden",
        404 => "Not Found",
        429 => "Too Many Requests",
        _ => "Error",
    }
}

impl Respond for BatchStub {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let parts = parts_of(req);
        self.calls.fetch_add(parts.len() as u64, Ordering::Relaxed);
        if self.record {
            self.batches.lock().unwrap().push(parts.iter().map(|(_, p)| p.clone()).collect());
        }
        let mut answered: Vec<(String, u16, String)> = Vec::with_capacity(parts.len() + 1);
        for (id, p) in &parts {
            let n = {
                let mut asked = self.asked.lock().unwrap();
                let n = asked.entry(p.clone()).or_default();
                *n += 1;
                *n
            };
            let (status, body) = self.answer_to(p, n);
            answered.push((id.clone(), status, body));
        }
        match self.hostile {
            Hostile::No => {}
            Hostile::UnaskedId => answered.push(("kw999".into(), 200, "{}".into())),
            Hostile::ExtraPart => answered.push(answered[0].clone()),
            Hostile::MissingPart => {
                answered.remove(0);
            }
        }
        answered.reverse();
        let b = "batch_pK7JBAk73-E=_AA5eFwv4m2Q=";
        let mut out = String::new();
        for (id, status, body) in answered {
            out.push_str(&format!(
                "--{b}\r\nContent-Type: application/http\r\nContent-ID: <response-{id}>\r\n\r\nHTTP/1.1 {status} {}\r\nContent-Type: application/json; charset=UTF-8\r\nVary: Origin\r\n\r\n{body}\r\n",
                reason(status)
            ));
        }
        out.push_str(&format!("--{b}--\r\n"));
        ResponseTemplate::new(200).set_body_raw(out.into_bytes(), &format!("multipart/mixed; boundary=\"{b}\""))
    }
}

/// A `tokens.list` answer: one token per `(clientId, displayText)`.
pub fn tokens(list: &[(&str, &str)]) -> Value {
    let items: Vec<Value> = list
        .iter()
        .map(|(client, name)| {
            serde_json::json!({
                "kind": "admin#directory#token", "clientId": client, "displayText": name,
                "scopes": ["openid", "https://www.googleapis.com/auth/userinfo.email"],
                "anonymous": false, "nativeApp": false, "userKey": "x", "etag": "\"e\""
            })
        })
        .collect();
    if items.is_empty() {
        serde_json::json!({"kind": "admin#directory#tokenList", "etag": "\"e\""})
    } else {
        serde_json::json!({"kind": "admin#directory#tokenList", "etag": "\"e\"", "items": items})
    }
}

/// An `asps.list` answer with these code ids.
pub fn asps(codes: &[i64]) -> Value {
    let items: Vec<Value> = codes
        .iter()
        .map(|c| {
            serde_json::json!({"kind": "admin#directory#asp", "codeId": c, "name": format!("Mail on phone {c}"),
                "creationTime": "1700000000000", "lastTimeUsed": "1700000500000", "userKey": "x", "etag": "\"e\""})
        })
        .collect();
    serde_json::json!({"kind": "admin#directory#aspList", "etag": "\"e\"", "items": items})
}

/// Google's error body, as a part carries it.
pub fn error_body(code: u16, reason: &str, message: &str, status: &str) -> Value {
    serde_json::json!({"error": {
        "code": code, "message": message,
        "errors": [{"message": message, "domain": "global", "reason": reason}],
        "status": status
    }})
}
