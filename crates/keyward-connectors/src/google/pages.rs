//! Google's paging (`pageToken` in, `nextPageToken` out, read to the last
//! page) and Google's error body, shared by the Directory, Enterprise
//! License Manager and Data Transfer APIs.

use std::collections::HashSet;

use http::{Method, StatusCode};
use serde_json::Value;
use url::Url;

use super::GoogleWorkspace;
use crate::ConnectorError;
use crate::http::{HttpError, Reply, Request};

impl GoogleWorkspace {
    /// `{base}/{segments…}?{query}`, each part percent-encoded (a user key
    /// that is an e-mail goes in the path as `%40`, which Google takes).
    pub(super) fn url(base: &Url, segments: &[&str], query: &[(&str, &str)]) -> Url {
        crate::urls::join(base, segments, query, b"")
    }

    /// Every item under `key` of a paged listing, from the first page to
    /// the one without `nextPageToken`. A page that fails fails the whole
    /// reading (nothing is planned from a listing that stopped early), as
    /// does a page token Google already gave (the walk would loop) and an
    /// answer that is not a listing. `Ok(None)` when the first page is a
    /// 404 and `missing_ok` says that means "nothing there" (a group that
    /// does not exist has no members).
    pub(crate) async fn pages(
        &self,
        base: &Url,
        segments: &[&str],
        query: &[(&str, &str)],
        key: &str,
        missing_ok: bool,
    ) -> Result<Option<Vec<Value>>, ConnectorError> {
        let mut out = Vec::new();
        let mut tokens: HashSet<String> = HashSet::new();
        let mut token: Option<String> = None;
        let mut page = 0u32;
        loop {
            page += 1;
            let mut q: Vec<(&str, &str)> = query.to_vec();
            if let Some(t) = &token {
                q.push(("pageToken", t));
            }
            let context = (page > 1).then(|| {
                format!(
                    "the listing stopped at page {page}, after {} items; keyward plans nothing from part of a listing",
                    out.len()
                )
            });
            self.sent.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let sent = self.http.send(&Request::new(Method::GET, Self::url(base, segments, &q))).await;
            let reply = match (sent, &context) {
                (Ok(reply), _) => reply,
                (Err(e), Some(c)) => return Err(ConnectorError::from(e).prefixed(c)),
                (Err(e), None) => return Err(e.into()),
            };
            if reply.status == StatusCode::NOT_FOUND && missing_ok && page == 1 {
                return Ok(None);
            }
            if !reply.is_success() {
                return Err(self.google_error(&reply, context.as_deref()).into());
            }
            let body = reply.json()?;
            if !body.is_object() {
                return Err(self.partial(format!("{} did not answer with a listing", reply.call())));
            }
            match body.get(key) {
                // Google leaves the list out of a page with nothing on it.
                None | Some(Value::Null) => {}
                Some(Value::Array(items)) => out.extend(items.iter().cloned()),
                Some(_) => return Err(self.partial(format!("{} answered `{key}` that is not a list", reply.call()))),
            }
            match body.get("nextPageToken").and_then(Value::as_str).filter(|t| !t.is_empty()) {
                None => return Ok(Some(out)),
                Some(next) => {
                    if !tokens.insert(next.to_owned()) {
                        return Err(self.partial(format!(
                            "{} gave a page token it had given before; the listing would never end",
                            reply.call()
                        )));
                    }
                    token = Some(next.to_owned());
                }
            }
        }
    }

    /// [`Self::pages`] where a 404 is an error like any other.
    pub(super) async fn all_pages(
        &self,
        base: &Url,
        segments: &[&str],
        query: &[(&str, &str)],
        key: &str,
    ) -> Result<Vec<Value>, ConnectorError> {
        Ok(self.pages(base, segments, query, key, false).await?.unwrap_or_default())
    }

    pub(super) fn partial(&self, why: String) -> ConnectorError {
        ConnectorError::Partial { app: self.app.clone(), why }
    }

    /// The answer as an error that leads with Google's own `reason` and
    /// `message`; a refusal says what the service account and the admin
    /// it acts as need.
    pub(super) fn google_error(&self, reply: &Reply, context: Option<&str>) -> HttpError {
        let mut parts: Vec<String> = context.map(str::to_owned).into_iter().collect();
        let e = GoogleErrorBody::of(reply);
        if let Some(summary) = e.summary() {
            parts.push(summary);
        }
        if reply.status == StatusCode::FORBIDDEN || reply.status == StatusCode::UNAUTHORIZED {
            parts.push(self.refusal_hint());
        }
        if parts.is_empty() { reply.error() } else { reply.error_with(Some(&parts.join("; "))) }
    }

    /// What a refusal (401, 403) asks of the admin.
    pub(super) fn refusal_hint(&self) -> String {
        format!(
            "check that domain-wide delegation allows the service account the scopes {} and that {} is an administrator allowed to do this",
            self.scopes.join(", "),
            self.subject
        )
    }
}

/// What a Google error body says: `{"error": {"code", "message",
/// "errors": [{"reason", "domain", "message"}], "status"}}`.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct GoogleErrorBody {
    pub(super) message: Option<String>,
    pub(super) reason: Option<String>,
    pub(super) status: Option<String>,
}

impl GoogleErrorBody {
    pub(super) fn of(reply: &Reply) -> Self {
        Self::of_body(&reply.body)
    }

    /// The same from a body alone (a part of a batch answer).
    pub(super) fn of_body(body: &[u8]) -> Self {
        let v: Value = serde_json::from_slice(body).unwrap_or_default();
        let text = |p: &str| v.pointer(p).and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty());
        Self {
            message: text("/error/message").map(str::to_owned),
            reason: text("/error/errors/0/reason").map(str::to_owned),
            status: text("/error/status").map(str::to_owned),
        }
    }

    /// `Google says duplicate: Entity already exists. (ALREADY_EXISTS)`.
    pub(super) fn summary(&self) -> Option<String> {
        let message = self.message.as_deref()?;
        let mut s = match &self.reason {
            Some(r) => format!("Google says {r}: {message}"),
            None => format!("Google says: {message}"),
        };
        if let Some(st) = &self.status {
            s.push_str(&format!(" ({st})"));
        }
        Some(s)
    }

    /// The `reason` is this one (`duplicate`, `notFound`…).
    pub(super) fn is(&self, reason: &str) -> bool {
        self.reason.as_deref().is_some_and(|r| r.eq_ignore_ascii_case(reason))
    }
}
