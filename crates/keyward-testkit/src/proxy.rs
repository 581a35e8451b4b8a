//! A fault-injecting HTTP/1.1 reverse proxy: hyper serves the client, reqwest forwards upstream.

use std::convert::Infallible;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use bytes::Bytes;
use http::header::{self, HeaderMap, HeaderName, HeaderValue};
use http::{Method, Request, Response, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, watch};
use tokio::task::{JoinHandle, JoinSet};

/// What the proxy does to a request a [`Rule`] picked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Answer at once with this status, `Retry-After` header (if any), `Content-Type` and body; the
    /// request is **not** forwarded.
    Status {
        /// The HTTP status code.
        status: u16,
        /// The `Retry-After` header value, if any (seconds or an HTTP date).
        retry_after: Option<String>,
        /// The response body.
        body: String,
        /// The `Content-Type` header value.
        content_type: String,
    },
    /// Wait, then forward and answer as usual. The wait and the forwarding run on their own, so the
    /// request reaches the upstream even when the client gave up (timed out) meanwhile — as a slow
    /// server would still apply it.
    Delay(Duration),
    /// Read the request, then close the TCP connection without any response. Not forwarded.
    Drop,
    /// Forward the request (the upstream applies it), then close the connection without answering:
    /// the "lost response" case.
    DropAfterForward,
}

impl Fault {
    /// A SCIM error answer (`application/scim+json`, RFC 7644 §3.12 body) with this status and detail.
    pub fn scim_error(status: u16, detail: &str) -> Fault {
        let body = serde_json::json!({
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"],
            "status": status.to_string(),
            "detail": detail,
        });
        Fault::Status {
            status,
            retry_after: None,
            body: body.to_string(),
            content_type: "application/scim+json".into(),
        }
    }

    /// 429 Too Many Requests with `Retry-After: <retry_after_secs>` and a SCIM error body.
    pub fn too_many_requests(retry_after_secs: u64) -> Fault {
        Fault::scim_error(429, "Too many requests (injected by keyward-testkit)")
            .with_retry_after(retry_after_secs.to_string())
    }

    /// 503 Service Unavailable, with `Retry-After: <secs>` when given, and a SCIM error body.
    pub fn unavailable(retry_after: Option<u64>) -> Fault {
        let fault = Fault::scim_error(503, "Service unavailable (injected by keyward-testkit)");
        match retry_after {
            Some(secs) => fault.with_retry_after(secs.to_string()),
            None => fault,
        }
    }

    /// 500 Internal Server Error with a SCIM error body.
    pub fn server_error() -> Fault {
        Fault::scim_error(500, "Internal server error (injected by keyward-testkit)")
    }

    /// The same [`Fault::Status`] with this `Retry-After` value; other faults are returned unchanged.
    pub fn with_retry_after(self, value: impl Into<String>) -> Fault {
        match self {
            Fault::Status { status, body, content_type, .. } => {
                Fault::Status { status, retry_after: Some(value.into()), body, content_type }
            }
            other => other,
        }
    }

    fn label(&self) -> String {
        match self {
            Fault::Status { status, .. } => format!("Status({status})"),
            Fault::Delay(duration) => format!("Delay({duration:?})"),
            Fault::Drop => "Drop".into(),
            Fault::DropAfterForward => "DropAfterForward".into(),
        }
    }

    fn forwards(&self) -> bool {
        matches!(self, Fault::Delay(_) | Fault::DropAfterForward)
    }
}

/// When to inject a fault: requests matching `method` (any if `None`) whose path+query contains
/// `path_contains` (any if `None`); the first `skip` matching requests pass untouched, the next `times`
/// get `fault`, later ones pass untouched. Rules are tried in the order they were injected; the first
/// rule that matches and is not used up takes the request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    /// The method to match, or any.
    pub method: Option<Method>,
    /// A substring of the request's path and query (e.g. `/Users`, `filter=`), or any.
    pub path_contains: Option<String>,
    /// How many matching requests pass untouched before the fault applies.
    pub skip: usize,
    /// How many matching requests get the fault (`usize::MAX`: all of them).
    pub times: usize,
    /// The fault.
    pub fault: Fault,
}

impl Rule {
    /// Requests with this method (`"*"`: any) whose path+query contains `path_contains` (`""`: any).
    /// The fault applies once unless [`RuleBuilder::times`] says otherwise.
    ///
    /// `Rule::on("POST", "/Users").times(2).fault(Fault::too_many_requests(1))`
    pub fn on(method: &str, path_contains: &str) -> RuleBuilder {
        let method = (method != "*").then(|| {
            Method::from_bytes(method.to_ascii_uppercase().as_bytes())
                .unwrap_or_else(|_| panic!("not an HTTP method: {method:?}"))
        });
        let path_contains = (!path_contains.is_empty()).then(|| path_contains.to_owned());
        RuleBuilder { method, path_contains, skip: 0, times: 1 }
    }

    /// Every request.
    pub fn any() -> RuleBuilder {
        Rule::on("*", "")
    }

    fn matches(&self, method: &Method, path: &str) -> bool {
        self.method.as_ref().is_none_or(|m| m == method)
            && self.path_contains.as_deref().is_none_or(|needle| path.contains(needle))
    }
}

/// Builds a [`Rule`]; [`fault`](Self::fault) finishes it.
#[derive(Clone, Debug)]
pub struct RuleBuilder {
    method: Option<Method>,
    path_contains: Option<String>,
    skip: usize,
    times: usize,
}

impl RuleBuilder {
    /// Let the first `n` matching requests pass untouched.
    pub fn skip(mut self, n: usize) -> RuleBuilder {
        self.skip = n;
        self
    }

    /// Apply the fault to `n` matching requests (after the skipped ones).
    pub fn times(mut self, n: usize) -> RuleBuilder {
        self.times = n;
        self
    }

    /// Apply the fault to every matching request (after the skipped ones).
    pub fn always(self) -> RuleBuilder {
        self.times(usize::MAX)
    }

    /// The fault to apply.
    pub fn fault(self, fault: Fault) -> Rule {
        Rule { method: self.method, path_contains: self.path_contains, skip: self.skip, times: self.times, fault }
    }
}

/// One request the proxy received.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Logged {
    /// The method, e.g. `POST`.
    pub method: String,
    /// Path and query, e.g. `/v2/Users?filter=...`.
    pub path: String,
    /// The status the upstream or the fault answered; `None` while in flight, held, or when no answer
    /// was made ([`Fault::Drop`]). For [`Fault::DropAfterForward`] it is the upstream's status that the
    /// client never saw. 502 when the upstream could not be reached.
    pub status: Option<u16>,
    /// The fault applied (`"Status(429)"`, `"Delay(200ms)"`, `"Drop"`, `"DropAfterForward"`), or
    /// `"Hold"` while the request is held by [`FaultProxy::hold_writes_after`].
    pub fault: Option<String>,
    /// Whether the upstream received the request.
    pub forwarded: bool,
}

#[derive(Default)]
struct State {
    rules: Vec<(Rule, usize)>,
    log: Vec<(u64, Logged)>,
    next_id: u64,
    hold_after: Option<usize>,
    writes_forwarded: usize,
    release_generation: u64,
}

struct Inner {
    state: Mutex<State>,
    upstream_origin: String,
    proxy_origin: String,
    proxy_host: HeaderValue,
    client: reqwest::Client,
    held: watch::Sender<usize>,
    released: watch::Sender<u64>,
}

impl Inner {
    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn update_log(&self, id: u64, update: impl FnOnce(&mut Logged)) {
        if let Some((_, entry)) = self.state().log.iter_mut().rev().find(|(entry_id, _)| *entry_id == id) {
            update(entry);
        }
    }
}

/// A reverse proxy on a loopback port in front of an upstream base URL, injecting faults on demand.
///
/// Everything is forwarded as is (method, path and query, headers less hop-by-hop ones and `Host`,
/// body), plus `X-Forwarded-Host`/`X-Forwarded-Proto` naming the proxy, which [`crate::ScimServer`]
/// honours so that the `meta.location` URLs it returns point at the proxy. `Location` and
/// `Content-Location` headers naming the upstream are rewritten to the proxy. Dropping the proxy
/// stops it and closes its connections.
pub struct FaultProxy {
    inner: Arc<Inner>,
    url: String,
    upstream: String,
    accept: JoinHandle<()>,
}

impl std::fmt::Debug for FaultProxy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FaultProxy").field("url", &self.url).field("upstream", &self.upstream).finish_non_exhaustive()
    }
}

impl FaultProxy {
    /// Starts a proxy in front of `upstream_base` (e.g. `http://127.0.0.1:8080/v2`).
    pub async fn start(upstream_base: &str) -> FaultProxy {
        let upstream =
            url::Url::parse(upstream_base).unwrap_or_else(|e| panic!("bad upstream URL {upstream_base:?}: {e}"));
        assert_eq!(upstream.scheme(), "http", "FaultProxy forwards to http:// upstreams only, not {upstream_base}");
        let upstream_origin = upstream.origin().ascii_serialization();
        let base_path = upstream.path().trim_end_matches('/').to_owned();
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind a loopback port for the proxy");
        let addr = listener.local_addr().expect("read the proxy's port");
        let client = reqwest::Client::builder()
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("build the proxy's HTTP client");
        let inner = Arc::new(Inner {
            state: Mutex::new(State::default()),
            upstream_origin,
            proxy_origin: format!("http://{addr}"),
            proxy_host: HeaderValue::from_str(&addr.to_string()).expect("an address is a header value"),
            client,
            held: watch::Sender::new(0),
            released: watch::Sender::new(0),
        });
        let accept = tokio::spawn(accept_loop(listener, inner.clone()));
        FaultProxy { inner, url: format!("http://{addr}{base_path}"), upstream: upstream_base.to_owned(), accept }
    }

    /// The proxy's base URL: the upstream base with the proxy's address (same path), so
    /// `{proxy.url()}/Users` forwards to `{upstream}/Users`.
    pub fn url(&self) -> String {
        self.url.clone()
    }

    /// The upstream base URL given to [`start`](Self::start).
    pub fn upstream(&self) -> String {
        self.upstream.clone()
    }

    /// Adds a fault rule; it applies to requests arriving from now on.
    pub fn inject(&self, rule: Rule) {
        self.inner.state().rules.push((rule, 0));
    }

    /// Removes every fault rule (holding is left as it is: see [`release`](Self::release)).
    pub fn clear(&self) {
        self.inner.state().rules.clear();
    }

    /// Every request received since the start or the last [`reset_log`](Self::reset_log), in arrival order.
    pub fn requests(&self) -> Vec<Logged> {
        self.inner.state().log.iter().map(|(_, entry)| entry.clone()).collect()
    }

    /// How many requests were received since the start or the last [`reset_log`](Self::reset_log).
    pub fn count(&self) -> usize {
        self.inner.state().log.len()
    }

    /// How many logged requests have this method (`"*"`: any) and a path+query containing `path_contains`.
    pub fn count_matching(&self, method: &str, path_contains: &str) -> usize {
        self.inner
            .state()
            .log
            .iter()
            .filter(|(_, e)| (method == "*" || e.method.eq_ignore_ascii_case(method)) && e.path.contains(path_contains))
            .count()
    }

    /// Forgets the logged requests.
    pub fn reset_log(&self) {
        self.inner.state().log.clear();
    }

    /// Lets the next `n` mutating requests (POST, PUT, PATCH, DELETE) that are forwarded upstream
    /// through, then holds every later one: never forwarded, never answered, until
    /// [`release`](Self::release). Writes answered by a [`Fault::Status`] or [`Fault::Drop`] do not count.
    /// A held request whose client goes away (killed process, closed connection) is discarded and never
    /// forwarded, even after `release`. Reads are never held.
    pub fn hold_writes_after(&self, n: usize) {
        let mut state = self.inner.state();
        state.hold_after = Some(n);
        state.writes_forwarded = 0;
    }

    /// Stops holding: the held requests whose client is still connected go on (rules apply, then they
    /// are forwarded), and later writes are no longer held.
    pub fn release(&self) {
        let mut state = self.inner.state();
        state.hold_after = None;
        state.release_generation += 1;
        self.inner.released.send_replace(state.release_generation);
    }

    /// Resolves once at least one request is being held.
    pub async fn held(&self) {
        let mut held = self.inner.held.subscribe();
        held.wait_for(|n| *n > 0).await.expect("the proxy owns the sender");
    }

    /// How many requests are being held right now.
    pub fn held_count(&self) -> usize {
        *self.inner.held.borrow()
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

async fn accept_loop(listener: TcpListener, inner: Arc<Inner>) {
    // Owning the connection tasks here means aborting this task closes them all.
    let mut connections = JoinSet::new();
    loop {
        while connections.try_join_next().is_some() {}
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        connections.spawn(serve_connection(stream, inner.clone()));
    }
}

async fn serve_connection(stream: TcpStream, inner: Arc<Inner>) {
    // A request whose fault closes the connection notifies this; dropping the connection future
    // drops the socket, so the client sees the connection close without a response.
    let kill = Arc::new(Notify::new());
    let service_kill = kill.clone();
    let service = service_fn(move |request| {
        let inner = inner.clone();
        let kill = service_kill.clone();
        async move { Ok::<_, Infallible>(handle(inner, kill, request).await) }
    });
    let connection = http1::Builder::new().serve_connection(TokioIo::new(stream), service);
    tokio::select! {
        _ = connection => {}
        () = kill.notified() => {}
    }
}

enum Decision {
    Pass,
    Fault(Fault),
    Hold(u64),
}

fn is_write(method: &Method) -> bool {
    matches!(*method, Method::POST | Method::PUT | Method::PATCH | Method::DELETE)
}

/// Picks what happens to a request, under the state lock.
fn decide(state: &mut State, method: &Method, path: &str, may_hold: bool) -> Decision {
    let write = is_write(method);
    if write && may_hold && state.hold_after.is_some_and(|n| state.writes_forwarded >= n) {
        return Decision::Hold(state.release_generation);
    }
    let mut decision = Decision::Pass;
    for (rule, seen) in &mut state.rules {
        if rule.matches(method, path) && *seen < rule.skip.saturating_add(rule.times) {
            *seen += 1;
            if *seen > rule.skip {
                decision = Decision::Fault(rule.fault.clone());
            }
            break;
        }
    }
    let forwards = match &decision {
        Decision::Pass => true,
        Decision::Fault(fault) => fault.forwards(),
        Decision::Hold(_) => false,
    };
    if write && forwards {
        state.writes_forwarded += 1;
    }
    decision
}

/// Decrements the held count however the held request ends (released, or dropped with its connection).
struct HeldGuard(Arc<Inner>);

impl HeldGuard {
    fn new(inner: &Arc<Inner>) -> HeldGuard {
        inner.held.send_modify(|n| *n += 1);
        HeldGuard(inner.clone())
    }
}

impl Drop for HeldGuard {
    fn drop(&mut self) {
        self.0.held.send_modify(|n| *n = n.saturating_sub(1));
    }
}

async fn handle(inner: Arc<Inner>, kill: Arc<Notify>, request: Request<Incoming>) -> Response<Full<Bytes>> {
    let (parts, body) = request.into_parts();
    let body = match body.collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(e) => {
            return plain(StatusCode::BAD_REQUEST, format!("keyward-testkit proxy: cannot read the request body: {e}"));
        }
    };
    let path = parts.uri.path_and_query().map_or_else(|| "/".to_owned(), |pq| pq.as_str().to_owned());

    let (id, mut decision) = {
        let mut state = inner.state();
        let id = state.next_id;
        state.next_id += 1;
        let entry = Logged {
            method: parts.method.to_string(),
            path: path.clone(),
            status: None,
            fault: None,
            forwarded: false,
        };
        state.log.push((id, entry));
        (id, decide(&mut state, &parts.method, &path, true))
    };

    if let Decision::Hold(generation) = decision {
        inner.update_log(id, |entry| entry.fault = Some("Hold".into()));
        let guard = HeldGuard::new(&inner);
        let mut released = inner.released.subscribe();
        // If the client goes away, hyper drops this future here: the request is never forwarded.
        let _ = released.wait_for(|g| *g != generation).await;
        drop(guard);
        inner.update_log(id, |entry| entry.fault = None);
        decision = decide(&mut inner.state(), &parts.method, &path, false);
    }

    let fault = match decision {
        Decision::Fault(fault) => Some(fault),
        Decision::Pass | Decision::Hold(_) => None,
    };
    if let Some(fault) = &fault {
        inner.update_log(id, |entry| entry.fault = Some(fault.label()));
    }
    let forward = Forward { inner: inner.clone(), id, method: parts.method, path, headers: parts.headers, body };
    match fault {
        None => forward.spawn().await,
        Some(Fault::Delay(delay)) => {
            let task = tokio::spawn(async move {
                tokio::time::sleep(delay).await;
                forward.run().await
            });
            task.await.unwrap_or_else(|e| plain(StatusCode::INTERNAL_SERVER_ERROR, format!("proxy task failed: {e}")))
        }
        Some(Fault::Status { status, retry_after, body, content_type }) => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            inner.update_log(id, |entry| entry.status = Some(status.as_u16()));
            let mut response = Response::new(Full::new(Bytes::from(body)));
            *response.status_mut() = status;
            if let Ok(value) = HeaderValue::from_str(&content_type) {
                response.headers_mut().insert(header::CONTENT_TYPE, value);
            }
            if let Some(value) = retry_after.and_then(|v| HeaderValue::from_str(&v).ok()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            response
        }
        Some(Fault::Drop) => {
            kill.notify_one();
            std::future::pending().await
        }
        Some(Fault::DropAfterForward) => {
            let _lost = forward.spawn().await;
            kill.notify_one();
            std::future::pending().await
        }
    }
}

/// A request to send upstream; it logs its own outcome.
struct Forward {
    inner: Arc<Inner>,
    id: u64,
    method: Method,
    path: String,
    headers: HeaderMap,
    body: Bytes,
}

const HOP_BY_HOP: [HeaderName; 8] = [
    header::CONNECTION,
    HeaderName::from_static("keep-alive"),
    header::PROXY_AUTHENTICATE,
    header::PROXY_AUTHORIZATION,
    header::TE,
    header::TRAILER,
    header::TRANSFER_ENCODING,
    header::UPGRADE,
];

impl Forward {
    /// Runs on its own task, so the upstream gets the whole request even if the client goes away.
    async fn spawn(self) -> Response<Full<Bytes>> {
        tokio::spawn(self.run())
            .await
            .unwrap_or_else(|e| plain(StatusCode::INTERNAL_SERVER_ERROR, format!("proxy task failed: {e}")))
    }

    async fn run(self) -> Response<Full<Bytes>> {
        let mut headers = self.headers;
        for name in HOP_BY_HOP.iter().chain([&header::HOST, &header::CONTENT_LENGTH]) {
            headers.remove(name);
        }
        headers.insert(HeaderName::from_static("x-forwarded-host"), self.inner.proxy_host.clone());
        headers.insert(HeaderName::from_static("x-forwarded-proto"), HeaderValue::from_static("http"));
        let url = format!("{}{}", self.inner.upstream_origin, self.path);
        let sent = self.inner.client.request(self.method, &url).headers(headers).body(self.body).send().await;
        let upstream = match sent {
            Ok(response) => response,
            Err(e) => {
                self.inner.update_log(self.id, |entry| entry.status = Some(502));
                return plain(StatusCode::BAD_GATEWAY, format!("keyward-testkit proxy: upstream {url} failed: {e}"));
            }
        };
        self.inner.update_log(self.id, |entry| entry.forwarded = true);
        let status = upstream.status();
        let mut headers = upstream.headers().clone();
        let body = match upstream.bytes().await {
            Ok(body) => body,
            Err(e) => {
                self.inner.update_log(self.id, |entry| entry.status = Some(502));
                return plain(StatusCode::BAD_GATEWAY, format!("keyward-testkit proxy: reading {url} failed: {e}"));
            }
        };
        self.inner.update_log(self.id, |entry| entry.status = Some(status.as_u16()));
        for name in HOP_BY_HOP.iter().chain([&header::CONTENT_LENGTH]) {
            headers.remove(name);
        }
        for name in [header::LOCATION, header::CONTENT_LOCATION] {
            let rewritten = headers
                .get(&name)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix(self.inner.upstream_origin.as_str()))
                .and_then(|rest| HeaderValue::from_str(&format!("{}{rest}", self.inner.proxy_origin)).ok());
            if let Some(value) = rewritten {
                headers.insert(name, value);
            }
        }
        let mut response = Response::new(Full::new(body));
        *response.status_mut() = status;
        *response.headers_mut() = headers;
        response
    }
}

fn plain(status: StatusCode, text: String) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(text)));
    *response.status_mut() = status;
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    response
}
