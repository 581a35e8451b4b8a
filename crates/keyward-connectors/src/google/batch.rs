//! The Directory API's batch endpoint: many `GET`s in one HTTP request
//! (`multipart/mixed`, each part an `application/http` request with a
//! `Content-ID`), answered by one `multipart/mixed` whose parts are whole
//! HTTP responses, each with `Content-ID: response-<id>`, in any order.
//!
//! Google allows 1000 calls per batch and counts each against the quota,
//! so a batch saves round trips, not quota: a part can be throttled
//! (429, or 403 `rateLimitExceeded`/`quotaExceeded`) while its neighbours
//! succeed. Throttled parts go again in a later batch after the shared
//! retry policy's backoff; a part answered 404 is a user that vanished
//! meanwhile; any other failing part fails the whole reading, because an
//! answer with holes would look like "no grants" to the planner.
//!
//! The answer is the vendor's and treated as hostile: no more parts than
//! calls, each for a call that was asked and only once, each part and its
//! headers bounded, and nothing of a part quoted beyond an excerpt.

use std::collections::HashMap;
use std::time::Duration;

use backon::{BackoffBuilder, ExponentialBuilder};
use futures::FutureExt as _;
use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use serde_json::Value;
use url::Url;

use super::GoogleWorkspace;
use super::pages::GoogleErrorBody;
use crate::ConnectorError;
use crate::http::{Request, Throttle};

/// Google's limit of calls in one batch request.
pub(super) const MAX_CALLS: usize = 1000;
/// Largest part keyward reads: one user's tokens or app passwords are a
/// few kilobytes; a part this size is not an answer to them.
const MAX_PART_BYTES: u64 = 4 * 1024 * 1024;
/// Headers of one part's HTTP response that are read; more is refused.
const MAX_PART_HEADERS: usize = 32;

/// What one call of a batch answered.
#[derive(Debug)]
pub(crate) enum Answer {
    /// 2xx, with its JSON body (`null` when empty).
    Found(Value),
    /// 404: the user (or what the call names) no longer exists.
    Gone,
}

/// One part of a batch answer, as HTTP.
#[derive(Debug)]
pub(crate) struct Part {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Vec<u8>,
}

impl GoogleWorkspace {
    /// `https://admin.googleapis.com/batch/admin/directory_v1` for the
    /// default Directory URL: the batch path replaces the API's
    /// `admin/directory/v1` (kept before it, so a proxy's prefix and a
    /// test server's address carry over).
    pub(super) fn batch_url(&self) -> Url {
        let mut url = self.directory.clone();
        let path = url.path().trim_end_matches('/');
        let prefix = path.strip_suffix("/admin/directory/v1").unwrap_or("");
        url.set_path(&format!("{prefix}/batch/admin/directory_v1"));
        url.set_query(None);
        url
    }

    /// GETs every URL of `calls` through the batch endpoint, at most
    /// [`MAX_CALLS`] per batch, and hands each answer to `each` with the
    /// call's index as it arrives, so nothing holds every answer at once.
    /// Each call sent counts in [`Self::calls_sent`], a call sent again
    /// after a throttle again (Google counts it against the quota).
    pub(crate) async fn batch_get<F>(&self, calls: &[Url], mut each: F) -> Result<(), ConnectorError>
    where
        F: FnMut(usize, Answer) -> Result<(), ConnectorError>,
    {
        let policy = self.retry;
        let mut delays = ExponentialBuilder::new()
            .with_jitter()
            .with_min_delay(policy.min_delay)
            .with_max_delay(policy.max_delay)
            .with_max_times(policy.max_attempts.saturating_sub(1) as usize)
            .build();
        let mut waited = Duration::ZERO;
        let mut pending: Vec<usize> = (0..calls.len()).collect();
        let mut rounds = 0u32;
        while !pending.is_empty() {
            rounds += 1;
            let mut again: Vec<usize> = Vec::new();
            for chunk in pending.chunks(MAX_CALLS) {
                self.sent.fetch_add(chunk.len() as u64, std::sync::atomic::Ordering::Relaxed);
                for (i, part) in self.send_batch(calls, chunk).await? {
                    let call = format!("GET {} (in a batch)", calls[i]);
                    if part.status.is_success() {
                        let body = if part.body.iter().all(u8::is_ascii_whitespace) {
                            Value::Null
                        } else {
                            serde_json::from_slice(&part.body).map_err(|e| {
                                self.batch_error(&call, Some(&part), format!("the answer is not JSON ({e})"))
                            })?
                        };
                        each(i, Answer::Found(body))?;
                    } else if part.status == StatusCode::NOT_FOUND {
                        each(i, Answer::Gone)?;
                    } else if throttled(&part) {
                        again.push(i);
                    } else {
                        return Err(self.batch_error(&call, Some(&part), self.part_problem(&part)));
                    }
                }
            }
            if again.is_empty() {
                break;
            }
            let left = policy.max_total_wait.saturating_sub(waited);
            let Some(delay) = delays.next().filter(|d| *d <= left) else {
                return Err(ConnectorError::Http {
                    app: self.app.clone(),
                    call: format!("POST {}", self.batch_url()),
                    status: Some(429),
                    problem: format!(
                        "Google still throttled {} of the calls after {rounds} batches and {:.1} s of waiting; keyward reads no part of a listing, so run again later or lower spec.apply.requestsPerSecond",
                        again.len(),
                        waited.as_secs_f32()
                    ),
                });
            };
            tracing::warn!(app = %self.app, calls = again.len(), wait_ms = delay.as_millis() as u64, "Google throttled calls of a batch; sending them again");
            tokio::time::sleep(delay).await;
            waited += delay;
            again.sort_unstable();
            pending = again;
        }
        Ok(())
    }

    /// One batch request of the calls `chunk` (indexes into `calls`), and
    /// its parts, each paired with the index of the call it answers.
    async fn send_batch(&self, calls: &[Url], chunk: &[usize]) -> Result<Vec<(usize, Part)>, ConnectorError> {
        let boundary = boundary()?;
        let mut body = String::with_capacity(chunk.len() * 160);
        let mut asked: HashMap<String, usize> = HashMap::with_capacity(chunk.len());
        for (n, &i) in chunk.iter().enumerate() {
            let id = format!("kw{n}");
            let url = &calls[i];
            let target = match url.query() {
                Some(q) => format!("{}?{q}", url.path()),
                None => url.path().to_owned(),
            };
            body.push_str(&format!(
                "--{boundary}\r\nContent-Type: application/http\r\nContent-ID: <{id}>\r\n\r\nGET {target} HTTP/1.1\r\n\r\n"
            ));
            asked.insert(id, i);
        }
        body.push_str(&format!("--{boundary}--\r\n"));
        let url = self.batch_url();
        let req = Request::new(Method::POST, url.clone())
            .raw(&format!("multipart/mixed; boundary={boundary}"), body.into_bytes())?;
        let reply = self.http.send(&req).await?;
        if !reply.is_success() {
            return Err(self.google_error(&reply, Some("the batch request failed")).into());
        }
        let call = reply.call().to_owned();
        let content_type =
            reply.headers.get(http::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
        read_answer(&content_type, reply.body, asked).map_err(|r| {
            let why = match r.call {
                Some(i) => format!("the answer to GET {}: {}", calls[i], r.why),
                None => r.why,
            };
            self.batch_error(&call, None, why)
        })
    }

    /// An error about a batch call (`GET …/tokens (in a batch)`) or the
    /// batch request itself.
    fn batch_error(&self, call: &str, part: Option<&Part>, problem: String) -> ConnectorError {
        ConnectorError::Http {
            app: self.app.clone(),
            call: call.to_owned(),
            status: part.map(|p| p.status.as_u16()),
            problem,
        }
    }

    /// What a failing part says: its status, Google's reason and message,
    /// and on a refusal what the delegation needs.
    fn part_problem(&self, part: &Part) -> String {
        let mut out = format!("HTTP {}", part.status);
        if let Some(summary) = GoogleErrorBody::of_body(&part.body).summary() {
            out.push_str(": ");
            out.push_str(&keyward_core::excerpt::value(&summary, 300));
        }
        if part.status == StatusCode::FORBIDDEN || part.status == StatusCode::UNAUTHORIZED {
            out.push_str("; ");
            out.push_str(&self.refusal_hint());
        }
        out
    }
}

/// A part answered as Google throttles: 429, 403 with a rate-limit or
/// quota reason, or a 5xx that a later call may not get.
pub(crate) fn throttled(part: &Part) -> bool {
    Throttle::Google.wait(part.status, &part.headers, &part.body, jiff::Timestamp::now()).is_some()
        || matches!(part.status.as_u16(), 500 | 502 | 504)
}

/// Why a batch answer is refused: what is wrong with it, and the call
/// whose part it is when it is one part.
#[derive(Debug)]
pub(crate) struct Refusal {
    pub(crate) call: Option<usize>,
    pub(crate) why: String,
}

impl Refusal {
    fn whole(why: String) -> Self {
        Self { call: None, why }
    }
}

/// Reads one whole batch answer (its Content-Type and body) into its
/// parts, each paired with the index of the call it answers; `asked` maps
/// each Content-ID sent (`kw3`) to that index. Refused: an answer that is
/// not `multipart/mixed`, has more parts than calls, a part for a call not
/// sent or answered twice, a part over the size bound or not an HTTP
/// response, or leaves a call out.
///
/// Synchronous although multer is async: the body is already in memory
/// and goes to multer as one ready chunk, so every future here is ready at
/// its first poll (one that is not would be a multer change, refused as
/// such rather than waited for). Public to the fuzz target through
/// `mapping::google_batch`.
pub(crate) fn read_answer(
    content_type: &str,
    body: Vec<u8>,
    asked: HashMap<String, usize>,
) -> Result<Vec<(usize, Part)>, Refusal> {
    let Some(boundary) = multipart_boundary(content_type) else {
        return Err(Refusal::whole(format!(
            "the answer is not multipart/mixed with a boundary (Content-Type `{}`)",
            keyward_core::excerpt::value(content_type, 60)
        )));
    };
    read_parts(body, boundary, asked).now_or_never().unwrap_or_else(|| {
        Err(Refusal::whole("the answer cannot be read: the multipart reader waited on a body already read".to_owned()))
    })
}

async fn read_parts(
    body: Vec<u8>,
    boundary: String,
    mut asked: HashMap<String, usize>,
) -> Result<Vec<(usize, Part)>, Refusal> {
    let calls = asked.len();
    let stream = futures::stream::once(async move { Ok::<Vec<u8>, std::convert::Infallible>(body) });
    let limits = multer::Constraints::new().size_limit(multer::SizeLimit::new().per_field(MAX_PART_BYTES));
    let mut parts = multer::Multipart::with_constraints(stream, boundary, limits);
    let mut out = Vec::with_capacity(calls);
    loop {
        let field = parts.next_field().await.map_err(|e| Refusal::whole(format!("the answer cannot be read: {e}")))?;
        let Some(field) = field else { break };
        if out.len() == calls {
            return Err(Refusal::whole(format!("the answer has more parts than the {calls} calls sent")));
        }
        let id = field.headers().get("content-id").and_then(|v| v.to_str().ok()).map(answered_id);
        let Some(i) = id.as_deref().and_then(|id| asked.remove(id)) else {
            return Err(Refusal::whole(format!(
                "the answer has a part for a call that was not sent, or answered twice (Content-ID `{}`)",
                keyward_core::excerpt::value(id.as_deref().unwrap_or(""), 40)
            )));
        };
        let bytes = field.bytes().await.map_err(|e| Refusal::whole(format!("a part cannot be read: {e}")))?;
        let part = parse_part(&bytes).map_err(|why| Refusal { call: Some(i), why })?;
        out.push((i, part));
    }
    if !asked.is_empty() {
        return Err(Refusal::whole(format!(
            "the answer left out {} of the {calls} calls sent; keyward reads no part of a listing",
            asked.len()
        )));
    }
    Ok(out)
}

/// The boundary of a `multipart/mixed` Content-Type (quoted or not).
fn multipart_boundary(content_type: &str) -> Option<String> {
    let m: mime::Mime = content_type.parse().ok()?;
    (m.type_() == mime::MULTIPART && m.subtype() == "mixed")
        .then(|| m.get_param(mime::BOUNDARY).map(|b| b.as_str().to_owned()))
        .flatten()
}

/// The id a part answers: `<response-kw3>` → `kw3`.
fn answered_id(header: &str) -> String {
    let id = header.trim().trim_start_matches('<').trim_end_matches('>');
    id.strip_prefix("response-").unwrap_or(id).to_owned()
}

/// One part's HTTP response: status line, headers, body.
fn parse_part(bytes: &[u8]) -> Result<Part, String> {
    // Google starts a part's body with the response, after optional blank lines.
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(bytes.len());
    let bytes = &bytes[start..];
    let mut headers = [httparse::EMPTY_HEADER; MAX_PART_HEADERS];
    let mut response = httparse::Response::new(&mut headers);
    let len = match response.parse(bytes) {
        Ok(httparse::Status::Complete(len)) => len,
        Ok(httparse::Status::Partial) => return Err("the part's HTTP response is cut off".to_owned()),
        Err(e) => return Err(format!("the part is not an HTTP response ({e})")),
    };
    let status = response
        .code
        .and_then(|c| StatusCode::from_u16(c).ok())
        .ok_or_else(|| "the part's HTTP response has no valid status".to_owned())?;
    let mut map = HeaderMap::new();
    for h in response.headers.iter() {
        if let (Ok(name), Ok(value)) = (HeaderName::from_bytes(h.name.as_bytes()), HeaderValue::from_bytes(h.value)) {
            map.append(name, value);
        }
    }
    Ok(Part { status, headers: map, body: bytes[len..].to_vec() })
}

/// A boundary no part can contain: 96 random bits, in the characters a
/// boundary may hold unquoted.
fn boundary() -> Result<String, ConnectorError> {
    let mut bytes = [0u8; 12];
    getrandom::fill(&mut bytes)
        .map_err(|e| ConnectorError::Internal(format!("the operating system gave no random bytes: {e}")))?;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    Ok(format!("keyward_batch_{hex}"))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn parts_are_http_responses() {
        let p = parse_part(b"\r\nHTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\n\r\n{\"error\":{}}\r\n")
            .unwrap();
        assert_eq!(p.status, StatusCode::NOT_FOUND);
        assert_eq!(p.headers.get("content-type").unwrap(), "application/json");
        assert!(p.body.starts_with(b"{\"error\""));
        assert!(parse_part(b"HTTP/1.1 200 OK\r\nContent-Type: a").is_err());
        assert!(parse_part(b"GET / HTTP/1.1\r\n\r\n").is_err());
        let many: String = (0..40).map(|i| format!("X-{i}: v\r\n")).collect();
        assert!(parse_part(format!("HTTP/1.1 200 OK\r\n{many}\r\n").as_bytes()).is_err(), "too many headers");
    }

    #[test]
    fn only_multipart_mixed_answers_have_a_boundary() {
        assert_eq!(multipart_boundary("multipart/mixed; boundary=\"batch_a=_b\"").as_deref(), Some("batch_a=_b"));
        assert_eq!(multipart_boundary("multipart/mixed; boundary=abc").as_deref(), Some("abc"));
        assert_eq!(multipart_boundary("multipart/mixed"), None);
        assert_eq!(multipart_boundary("application/json; boundary=abc"), None);
    }

    #[test]
    fn answered_ids_drop_the_response_prefix_and_brackets() {
        assert_eq!(answered_id("<response-kw3>"), "kw3");
        assert_eq!(answered_id("response-kw3"), "kw3");
        assert_eq!(answered_id(" <kw9> "), "kw9");
    }

    #[test]
    fn boundaries_differ() {
        assert_ne!(boundary().unwrap(), boundary().unwrap());
    }
}
