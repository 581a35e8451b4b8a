//! One exchange with an app: the [`Request`] a connector builds (with the
//! secrets its body carries, so no answer can quote them) and the final
//! [`Reply`], with the app's own words about an error, bounded.

use http::header::{ETAG, HeaderMap};
use http::{Method, StatusCode};
use url::Url;

use crate::{HttpError, Secret, redact_all};

/// Longest piece of a response body quoted in an error: enough to show the
/// app's message, short enough for a log line.
const BODY_EXCERPT_CHARS: usize = 300;

/// One request, built by a connector and sent (perhaps several times) by
/// [`HttpClient::send`].
#[derive(Clone)]
pub struct Request {
    pub(crate) method: Method,
    pub(crate) url: Url,
    pub(crate) body: Option<Body>,
    pub(crate) if_match: Option<String>,
    /// Secrets in the body (a token request's assertion or client
    /// secret), scrubbed from whatever the answer quotes back.
    pub(crate) secrets: Vec<Secret>,
    /// An `Authorization` of the request's own (a token request's client
    /// authentication), sent when the client adds none.
    pub(crate) authorization: Option<http::HeaderValue>,
}

#[derive(Clone)]
pub(crate) enum Body {
    /// Sent with the client's `Content-Type`.
    Json(Vec<u8>),
    /// `application/x-www-form-urlencoded`.
    Form(Vec<u8>),
    /// Bytes sent with a `Content-Type` of their own (a Google batch's
    /// `multipart/mixed; boundary=…`).
    Raw(http::HeaderValue, Vec<u8>),
}

/// Leaves bodies out: a token request's form carries a client secret or a
/// signed assertion, and a SCIM user may carry a password.
impl std::fmt::Debug for Request {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let body = match &self.body {
            None => "none".to_owned(),
            Some(Body::Json(b)) => format!("JSON, {} bytes", b.len()),
            Some(Body::Form(b)) => format!("form, {} bytes", b.len()),
            Some(Body::Raw(_, b)) => format!("raw, {} bytes", b.len()),
        };
        f.debug_struct("Request").field("call", &self.call()).field("body", &body).finish_non_exhaustive()
    }
}

impl Request {
    /// A request without body.
    pub fn new(method: Method, url: Url) -> Self {
        Self { method, url, body: None, if_match: None, secrets: Vec::new(), authorization: None }
    }

    /// With a JSON body (sent with the client's `Content-Type`).
    pub fn json(mut self, body: &serde_json::Value) -> Self {
        self.body = Some(Body::Json(body.to_string().into_bytes()));
        self
    }

    /// With an `application/x-www-form-urlencoded` body (token requests)
    /// and `Accept: application/json`, what token endpoints answer in.
    pub fn form(mut self, fields: &[(&str, &str)]) -> Self {
        let encoded = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(fields).finish();
        self.body = Some(Body::Form(encoded.into_bytes()));
        self
    }

    /// With a body of another type than the client's (a Google batch's
    /// `multipart/mixed`), sent as it is with this `Content-Type`. A type
    /// a header cannot carry is an error before anything is sent.
    pub fn raw(mut self, content_type: &str, body: Vec<u8>) -> Result<Self, HttpError> {
        let ct = http::HeaderValue::from_str(content_type)
            .map_err(|_| HttpError::Internal(format!("invalid Content-Type `{content_type}`")))?;
        self.body = Some(Body::Raw(ct, body));
        Ok(self)
    }

    /// Marks a secret the body carries (a token request's credential, a
    /// new user's initial password), so no error quotes it: it is scrubbed
    /// from the error body of the [`Reply`] too.
    pub fn carrying(mut self, secret: &Secret) -> Self {
        self.secrets.push(secret.clone());
        self
    }

    /// With this `Authorization` value (a token endpoint's basic client
    /// authentication), kept out of logs and errors like the client's own.
    /// A value a header cannot carry is left out, and the endpoint's 401
    /// says so.
    pub fn basic_auth(mut self, value: &Secret) -> Self {
        if let Ok(mut v) = http::HeaderValue::from_str(value.expose()) {
            v.set_sensitive(true);
            self.authorization = Some(v);
        }
        self.secrets.push(value.clone());
        self
    }

    /// With `If-Match`, so the app refuses the change if the resource
    /// changed since it was read.
    pub fn if_match(mut self, etag: Option<&str>) -> Self {
        self.if_match = etag.map(str::to_owned);
        self
    }

    /// `METHOD URL` for messages, without any user-info part of the URL.
    pub fn call(&self) -> String {
        let mut url = self.url.clone();
        // Both only fail for URLs that cannot carry user info at all.
        let _ = url.set_username("");
        let _ = url.set_password(None);
        format!("{} {url}", self.method)
    }

    /// The URL.
    pub fn url(&self) -> &Url {
        &self.url
    }

    /// The same request sent to `url` (the next page of a listing).
    pub fn to(mut self, url: Url) -> Self {
        self.url = url;
        self
    }

    /// The method.
    pub fn method(&self) -> &Method {
        &self.method
    }
}

/// A final answer from the app: a success, or an error status that
/// retrying would not change (404, 409, 412…). The caller decides what a
/// status means; [`Reply::error`] turns it into a [`HttpError`].
#[derive(Debug, Clone)]
pub struct Reply {
    /// HTTP status.
    pub status: StatusCode,
    /// Response headers.
    pub headers: HeaderMap,
    /// Response body.
    pub body: Vec<u8>,
    pub(crate) app: String,
    pub(crate) call: String,
    pub(crate) problem: String,
    /// What the request carried, to scrub from an error that quotes a
    /// successful body ([`Reply::json`]): success bodies are the app's
    /// data and are kept as they came.
    pub(crate) secrets: Vec<Secret>,
}

impl Reply {
    /// `true` for 2xx.
    pub fn is_success(&self) -> bool {
        self.status.is_success()
    }

    /// `METHOD URL` of the call that got this answer.
    pub fn call(&self) -> &str {
        &self.call
    }

    /// The body as JSON (an empty body reads as `null`).
    pub fn json(&self) -> Result<serde_json::Value, HttpError> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(serde_json::Value::Null);
        }
        serde_json::from_slice(&self.body).map_err(|e| HttpError::Call {
            app: self.app.clone(),
            call: self.call.clone(),
            status: Some(self.status.as_u16()),
            problem: format!("the answer is not JSON ({e}): {}", redact_all(&self.secrets, &excerpt(&self.body))),
        })
    }

    /// `text` without what the request carried, in any encoding: for a
    /// connector quoting a successful body (Slack answers its errors with
    /// HTTP 200), which the client keeps as the app sent it.
    pub fn redact(&self, text: &str) -> String {
        redact_all(&self.secrets, text)
    }

    /// The `ETag` header.
    pub fn etag(&self) -> Option<&str> {
        self.headers.get(ETAG).and_then(|v| v.to_str().ok())
    }

    /// SCIM's error type (`uniqueness`, `noTarget`…), when the body is a SCIM error.
    pub fn scim_type(&self) -> Option<String> {
        let v: serde_json::Value = serde_json::from_slice(&self.body).ok()?;
        v.get("scimType").and_then(|t| t.as_str()).map(str::to_owned)
    }

    /// This answer as an error.
    pub fn error(&self) -> HttpError {
        self.error_with(None)
    }

    /// This answer as an error, with what it means to keyward first.
    pub fn error_with(&self, context: Option<&str>) -> HttpError {
        let problem = match context {
            Some(c) => format!("{c}: {}", self.problem),
            None => self.problem.clone(),
        };
        HttpError::Call { app: self.app.clone(), call: self.call.clone(), status: Some(self.status.as_u16()), problem }
    }
}

/// `HTTP 409 Conflict: uniqueness: User exists — {…body…}`: the status,
/// the app's own words (SCIM `scimType` and `detail`, or the `message` /
/// `error` other APIs use) and a bounded piece of the body.
pub(crate) fn describe(status: StatusCode, body: &[u8]) -> String {
    let mut out = format!("HTTP {status}");
    if let Ok(v) = serde_json::from_slice::<serde_json::Value>(body) {
        let text = |k: &str| v.get(k).and_then(|x| x.as_str()).filter(|s| !s.is_empty());
        if let Some(t) = text("scimType") {
            out.push_str(": ");
            out.push_str(t);
        }
        if let Some(d) =
            text("detail").or_else(|| text("message")).or_else(|| text("error_description")).or_else(|| text("error"))
        {
            out.push_str(": ");
            out.push_str(d);
        }
    }
    if body.iter().all(u8::is_ascii_whitespace) {
        out.push_str(" (empty body)");
    } else {
        out.push_str(" — body: ");
        out.push_str(&excerpt(body));
    }
    out
}

/// The start of a body, cut at a character boundary.
fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    match text.char_indices().nth(BODY_EXCERPT_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn problems_carry_scim_detail_and_a_bounded_body() {
        let body = br#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"409","scimType":"uniqueness","detail":"userName taken"}"#;
        let d = describe(StatusCode::CONFLICT, body);
        assert!(d.starts_with("HTTP 409 Conflict: uniqueness: userName taken — body: {"), "{d}");
        let long = "é".repeat(1000);
        let d = describe(StatusCode::BAD_GATEWAY, long.as_bytes());
        assert!(d.chars().count() < BODY_EXCERPT_CHARS + 60, "{d}");
        assert!(describe(StatusCode::INTERNAL_SERVER_ERROR, b"").ends_with("(empty body)"));
    }

    #[test]
    fn calls_hide_user_info() {
        let r = Request::new(Method::GET, Url::parse("https://u:p@example.com/scim/Users?x=1").unwrap());
        assert_eq!(r.call(), "GET https://example.com/scim/Users?x=1");
    }
}
