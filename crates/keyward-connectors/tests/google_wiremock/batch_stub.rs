//! A stub of the Directory API's batch endpoint, shaped as Google
//! documents it: the request is `multipart/mixed`, each part an
//! `application/http` GET with a `Content-ID`; the answer is
//! `multipart/mixed` whose parts carry `Content-ID: <response-…>` and a
//! whole HTTP response, in an order of the server's (here: reversed).

use std::collections::HashMap;
use std::sync::Mutex;

use serde_json::Value;
use wiremock::matchers::{method, path};
use wiremock::{Mock, Request, Respond, ResponseTemplate};

use crate::support::{Setup, bearer};

/// The batch endpoint's path on the stub.
pub(crate) const BATCH: &str = "/batch/admin/directory_v1";

/// What the stub does wrong, on purpose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Hostile {
    /// Answers honestly.
    No,
    /// Adds a part for a Content-ID never sent.
    UnaskedId,
    /// Answers the first call twice.
    ExtraPart,
    /// Leaves the first call out.
    MissingPart,
}

/// Answers by inner path (`/admin/directory/v1/users/u1/tokens`): the n-th
/// time a path is asked, its n-th answer (the last one again after that).
pub(crate) struct BatchStub {
    answers: HashMap<String, Vec<(u16, String)>>,
    asked: Mutex<HashMap<String, usize>>,
    /// Each batch received: the inner paths, in the order sent.
    pub(crate) batches: std::sync::Arc<Mutex<Vec<Vec<String>>>>,
    hostile: Hostile,
}

impl BatchStub {
    pub(crate) fn new(hostile: Hostile) -> Self {
        Self { answers: HashMap::new(), asked: Mutex::new(HashMap::new()), batches: Default::default(), hostile }
    }

    /// `p` answers `status` with `body`, after the answers given before.
    pub(crate) fn answer(mut self, p: &str, status: u16, body: Value) -> Self {
        self.answers.entry(p.to_owned()).or_default().push((status, body.to_string()));
        self
    }

    /// Mounts the stub on the server; the batches it receives stay readable.
    pub(crate) async fn mount(self, s: &Setup) -> std::sync::Arc<Mutex<Vec<Vec<String>>>> {
        let batches = self.batches.clone();
        Mock::given(method("POST")).and(path(BATCH)).and(bearer()).respond_with(self).mount(&s.server).await;
        batches
    }
}

/// `(Content-ID, GET path)` of each part of a batch request.
pub(crate) fn parts_of(req: &Request) -> Vec<(String, String)> {
    let ct = req.headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    assert!(ct.starts_with("multipart/mixed; boundary="), "batch Content-Type {ct}");
    let boundary = ct.split("boundary=").nth(1).unwrap().trim_matches('"').to_owned();
    let body = String::from_utf8(req.body.clone()).unwrap();
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
        self.batches.lock().unwrap().push(parts.iter().map(|(_, p)| p.clone()).collect());
        let mut answered: Vec<(String, u16, String)> = Vec::new();
        for (id, p) in &parts {
            let n = {
                let mut asked = self.asked.lock().unwrap();
                let n = asked.entry(p.clone()).or_default();
                *n += 1;
                *n
            };
            let list = self.answers.get(p).unwrap_or_else(|| panic!("no answer for {p}"));
            let (status, body) = list[(n - 1).min(list.len() - 1)].clone();
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

/// A `tokens.list` answer.
pub(crate) fn tokens(list: &[(&str, &str)]) -> Value {
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
pub(crate) fn asps(codes: &[i64]) -> Value {
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
pub(crate) fn error_body(code: u16, reason: &str, message: &str, status: &str) -> Value {
    serde_json::json!({"error": {
        "code": code, "message": message,
        "errors": [{"message": message, "domain": "global", "reason": reason}],
        "status": status
    }})
}
