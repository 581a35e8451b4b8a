//! The controller's HTTP endpoints, on one listener:
//!
//! | endpoint | answers |
//! |---|---|
//! | `GET /healthz` | `200 ok` while the process runs |
//! | `GET /readyz` | `200 {"ready": true}` once policies are loaded and the first reconcile finished; else `503 {"ready": false, "reasons": [...]}` |
//! | `GET /metrics` | the [`Metrics`] in the OpenMetrics text format |
//! | `POST /hr/events` | `202 {"id", "people"}` for a signed event (reconciles start at once, in the background); `401 {"error"}` for a missing, wrong or stale signature; `409 {"error"}` for a signature already taken (a replay); `400 {"error", "accepted"}` for a body of no accepted shape; `413` for a body over 64 KiB; `429 {"error"}` with `Retry-After` when more events arrived within the signature window than are remembered; `503 {"error"}` when events are disabled (no secret) or the controller is stopping |
//!
//! See [`crate::webhook`] for the signature and the body shapes. The
//! endpoints know nothing about where policies come from: events go to a
//! [`PersonEvents`], which [`crate::host`] implements once for both
//! modes.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::json;

use crate::metrics::{self, HrEventLabel, Metrics};
use crate::replay::{Claim, Replays};
use crate::webhook::{self, WebhookSecret};

/// Largest HR event body accepted.
pub const MAX_EVENT_BYTES: usize = 64 * 1024;

/// Where accepted HR events go.
pub trait PersonEvents: Send + Sync + 'static {
    /// Starts reconciling `people` (employee numbers or e-mails) and
    /// returns at once; `Err(why)` when events cannot be taken now.
    fn reconcile_people(&self, event_id: &str, people: Vec<String>) -> Result<(), String>;
}

/// Whether the controller is ready, and if not, why.
#[derive(Debug, Default)]
pub struct Readiness {
    inner: Mutex<ReadyState>,
}

#[derive(Debug, Default)]
struct ReadyState {
    policies_loaded: bool,
    policy_error: Option<String>,
    reconciled: bool,
    stopping: bool,
}

impl Readiness {
    fn with(&self, f: impl FnOnce(&mut ReadyState)) {
        f(&mut self.inner.lock().unwrap_or_else(std::sync::PoisonError::into_inner));
    }

    /// Policies were loaded (`Ok`) or failed to (`Err`, the last good set,
    /// if any, stays in use).
    pub fn policies(&self, result: Result<(), String>) {
        self.with(|s| match result {
            Ok(()) => {
                s.policies_loaded = true;
                s.policy_error = None;
            }
            Err(e) => s.policy_error = Some(e),
        });
    }

    /// A full reconcile finished.
    pub fn reconciled(&self) {
        self.with(|s| s.reconciled = true);
    }

    /// The controller is shutting down.
    pub fn stopping(&self) {
        self.with(|s| s.stopping = true);
    }

    /// Why the controller is not ready; empty when it is.
    pub fn reasons(&self) -> Vec<String> {
        let s = self.inner.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut out = Vec::new();
        if !s.policies_loaded {
            out.push(match &s.policy_error {
                Some(e) => format!("the policies could not be loaded: {e}"),
                None => "the policies are not loaded yet".to_owned(),
            });
        }
        if !s.reconciled {
            out.push("the first reconcile has not finished yet".to_owned());
        }
        if s.stopping {
            out.push("shutting down".to_owned());
        }
        out
    }

    /// The load error of the last policy change, while the last good set
    /// stays in use.
    pub fn policy_error(&self) -> Option<String> {
        self.inner.lock().unwrap_or_else(std::sync::PoisonError::into_inner).policy_error.clone()
    }
}

/// What the endpoints share.
pub struct HttpState {
    /// Served at `/metrics`.
    pub metrics: Metrics,
    /// Served at `/readyz`.
    pub readiness: Arc<Readiness>,
    /// Receives accepted HR events.
    pub events: Arc<dyn PersonEvents>,
    /// Signs HR events; `None` disables `/hr/events`.
    pub secret: Option<WebhookSecret>,
    /// Names the environment variable the secret is read from, for the
    /// error that says events are disabled.
    pub secret_hint: String,
    counter: AtomicU64,
    /// The signatures of the events taken within the window.
    replays: Replays,
}

impl HttpState {
    /// The shared state of the endpoints.
    pub fn new(
        metrics: Metrics,
        readiness: Arc<Readiness>,
        events: Arc<dyn PersonEvents>,
        secret: Option<WebhookSecret>,
        secret_hint: impl Into<String>,
    ) -> Self {
        Self {
            metrics,
            readiness,
            events,
            secret,
            secret_hint: secret_hint.into(),
            counter: AtomicU64::new(0),
            replays: Replays::default(),
        }
    }
}

/// The router of every endpoint.
pub fn router(state: Arc<HttpState>) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics_text))
        .route("/hr/events", post(hr_event).layer(DefaultBodyLimit::max(MAX_EVENT_BYTES)))
        .with_state(state)
}

async fn healthz() -> &'static str {
    "ok\n"
}

async fn readyz(State(state): State<Arc<HttpState>>) -> Response {
    let reasons = state.readiness.reasons();
    if reasons.is_empty() {
        let mut body = json!({"ready": true});
        if let Some(e) = state.readiness.policy_error() {
            body["warning"] =
                json!(format!("the last policy change did not load; the previous policies stay in use: {e}"));
        }
        (StatusCode::OK, axum::Json(body)).into_response()
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, axum::Json(json!({"ready": false, "reasons": reasons}))).into_response()
    }
}

async fn metrics_text(State(state): State<Arc<HttpState>>) -> Response {
    ([(header::CONTENT_TYPE, metrics::CONTENT_TYPE)], state.metrics.encode()).into_response()
}

fn error(status: StatusCode, message: impl Into<String>) -> Response {
    (status, axum::Json(json!({"error": message.into()}))).into_response()
}

async fn hr_event(State(state): State<Arc<HttpState>>, headers: HeaderMap, body: Bytes) -> Response {
    let count = |result| state.metrics.hr_event(result);
    let Some(secret) = &state.secret else {
        count(HrEventLabel::unavailable);
        return error(
            StatusCode::SERVICE_UNAVAILABLE,
            format!(
                "HR events are disabled: no webhook secret is set. Set the environment variable {} for the controller",
                state.secret_hint
            ),
        );
    };
    let header_str = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let now = jiff::Timestamp::now().as_second();
    let signed = match webhook::verify(
        secret,
        header_str(webhook::TIMESTAMP_HEADER),
        header_str(webhook::SIGNATURE_HEADER),
        &body,
        now,
    ) {
        Ok(signed) => signed,
        Err(e) => {
            // The reason helps the sender fix their side; nothing secret is
            // in it, and the signature itself is never logged.
            tracing::warn!(reason = %e, "refused an HR event that is not correctly signed");
            count(HrEventLabel::unauthorized);
            return error(StatusCode::UNAUTHORIZED, e.to_string());
        }
    };
    // Only after the signature checks out, so nobody without the secret
    // can fill the memory.
    match state.replays.claim(&signed.tag, signed.at, now) {
        Claim::New => {}
        Claim::Replay { first_seen } => {
            count(HrEventLabel::replayed);
            let first = jiff::Timestamp::from_second(first_seen).map(|t| t.to_string()).unwrap_or_default();
            tracing::warn!(first_seen = %first, "refused a replayed HR event");
            return error(
                StatusCode::CONFLICT,
                format!(
                    "this event was already received at {first}: the same signed request is handled once. To send the change again, sign a new request (a new X-Keyward-Timestamp)"
                ),
            );
        }
        Claim::Full { retry_after } => {
            count(HrEventLabel::busy);
            let mut answer = error(
                StatusCode::TOO_MANY_REQUESTS,
                format!(
                    "more HR events arrived within {} s than keyward remembers to refuse replays; send this one again in {retry_after} s (bulk changes are picked up by the periodic resync)",
                    webhook::MAX_SKEW_SECONDS
                ),
            );
            if let Ok(v) = header::HeaderValue::from_str(&retry_after.to_string()) {
                answer.headers_mut().insert(header::RETRY_AFTER, v);
            }
            return answer;
        }
    }
    let people = match webhook::parse_event(&body) {
        Ok(p) => p,
        Err(e) => {
            state.replays.release(&signed.tag);
            count(HrEventLabel::invalid);
            return (
                StatusCode::BAD_REQUEST,
                axum::Json(json!({
                    "error": e.0,
                    "accepted": [
                        {"type": webhook::PERSON_CHANGED, "person": "E0031"},
                        {"type": webhook::PERSON_CHANGED, "people": ["E0031", "mika@example.com"]},
                        {"employeeId": "E0031"},
                        {"email": "mika@example.com"}
                    ]
                })),
            )
                .into_response();
        }
    };
    let n = state.counter.fetch_add(1, Ordering::Relaxed) + 1;
    let id = format!("evt-{}-{n}", jiff::Timestamp::now().strftime("%Y%m%dT%H%M%SZ"));
    match state.events.reconcile_people(&id, people.clone()) {
        Ok(()) => {
            count(HrEventLabel::accepted);
            tracing::info!(event = %id, people = ?people, "HR event accepted; reconciling");
            (StatusCode::ACCEPTED, axum::Json(json!({"id": id, "people": people}))).into_response()
        }
        Err(why) => {
            // Not taken: the sender may send the same request again.
            state.replays.release(&signed.tag);
            count(HrEventLabel::unavailable);
            error(StatusCode::SERVICE_UNAVAILABLE, why)
        }
    }
}
