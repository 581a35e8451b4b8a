//! A running controller of either mode: the HTTP endpoints and the main
//! loop started around a [`Controller`], the one signal handler, and the
//! graceful stop — no new HR events, no new reconcile, a change in flight
//! finished, then the HTTP server closed.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

use super::main_loop::{Timing, main_loop};
use super::{Controller, Host, HrEvents};
use crate::ControllerError;
use crate::http::{self, HttpState};
use crate::metrics::Metrics;
use crate::webhook::WebhookSecret;

/// Binds the HTTP endpoints' listener; the address it got (port 0 asks for
/// any free port).
pub(crate) async fn listen(addr: SocketAddr) -> Result<(tokio::net::TcpListener, SocketAddr), ControllerError> {
    let listener =
        tokio::net::TcpListener::bind(addr).await.map_err(|source| ControllerError::Listen { addr, source })?;
    let local = listener.local_addr().map_err(|source| ControllerError::Listen { addr, source })?;
    Ok((listener, local))
}

/// Says at start-up that HR events are refused, and why, when there is no
/// webhook secret (read from the environment variable `env`).
pub(crate) fn warn_if_events_disabled(secret: Option<&WebhookSecret>, env: &str) {
    if secret.is_none() {
        tracing::warn!(
            "HR events are disabled: the environment variable {env} is not set; terminations wait for the next resync"
        );
    }
}

/// Waits for SIGTERM or Ctrl-C, then says that the controller stops.
pub(crate) async fn until_signal() {
    #[cfg(unix)]
    {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for SIGTERM; only Ctrl-C stops the controller");
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
    tracing::info!("stopping: no new HR events are taken; a change in flight is finished first");
}

/// What the HTTP endpoints need besides the controller.
pub(crate) struct Endpoints {
    /// The bound listener.
    pub(crate) listener: tokio::net::TcpListener,
    /// Served at `/metrics`.
    pub(crate) metrics: Metrics,
    /// Signs HR events; `None` disables them.
    pub(crate) webhook_secret: Option<WebhookSecret>,
    /// Where the secret is read from, for messages.
    pub(crate) webhook_secret_env: String,
    /// Where accepted HR events go instead of the controller's own
    /// reconciles (the Kubernetes mode with several namespaces: to each).
    pub(crate) events: Option<Arc<dyn crate::http::PersonEvents>>,
}

/// The HTTP server and the main loop of one controller.
pub(crate) struct Running<H: Host> {
    pub(crate) controller: Arc<Controller<H>>,
    shutdown: watch::Sender<bool>,
    main: JoinHandle<()>,
    /// `None` for a controller whose endpoints another one serves.
    server: Option<JoinHandle<std::io::Result<()>>>,
}

impl<H: Host> Running<H> {
    /// Serves the endpoints (through `layer`, which may wrap the router)
    /// and starts the main loop, fed by `changes`.
    pub(crate) fn start(
        controller: Arc<Controller<H>>,
        endpoints: Endpoints,
        layer: impl FnOnce(axum::Router) -> axum::Router,
        changes: mpsc::UnboundedReceiver<&'static str>,
        timing: Timing,
    ) -> Self {
        let (shutdown, shutdown_rx) = watch::channel(false);
        let events = endpoints.events.unwrap_or_else(|| Arc::new(HrEvents(controller.clone())));
        let state = HttpState::new(
            endpoints.metrics,
            controller.readiness.clone(),
            events,
            endpoints.webhook_secret,
            endpoints.webhook_secret_env,
        );
        let app = layer(http::router(Arc::new(state)));
        let mut stop_http = shutdown_rx.clone();
        let listener = endpoints.listener;
        let server = tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = stop_http.wait_for(|s| *s).await;
                })
                .await
        });
        let main = tokio::spawn(main_loop(controller.clone(), changes, shutdown_rx, timing));
        Self { controller, shutdown, main, server: Some(server) }
    }

    /// Starts the main loop only: another controller serves the endpoints
    /// (the Kubernetes mode's other namespaces).
    pub(crate) fn start_loop(
        controller: Arc<Controller<H>>,
        changes: mpsc::UnboundedReceiver<&'static str>,
        timing: Timing,
    ) -> Self {
        let (shutdown, shutdown_rx) = watch::channel(false);
        let main = tokio::spawn(main_loop(controller.clone(), changes, shutdown_rx, timing));
        Self { controller, shutdown, main, server: None }
    }

    /// Stops: no new HR events are taken (503) and no new reconcile
    /// starts; `stop_watching` ends the policy watch; a reconcile that is
    /// reading stops before applying, one that is applying finishes its
    /// changes; the host says its last word; then the HTTP server closes.
    /// Every step is taken even when an earlier one failed; the first
    /// failure is returned.
    pub(crate) async fn stop(self, stop_watching: impl Future<Output = ()>) -> Result<(), ControllerError> {
        let c = &self.controller;
        c.readiness.stopping();
        c.engine.stop();
        self.shutdown.send_replace(true);
        stop_watching.await;
        let mut failed = None;
        if let Err(e) = self.main.await {
            tracing::error!(error = %e, "the reconcile loop ended abnormally");
            failed = Some(ControllerError::Internal(format!("the controller loop ended abnormally: {e}")));
        }
        c.join_person_tasks().await;
        c.engine.idle().await;
        c.host.stopped();
        let Some(server) = self.server else {
            return failed.map_or(Ok(()), Err);
        };
        let served = match server.await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(ControllerError::Serve(e)),
            Err(e) => Err(ControllerError::Internal(format!("the HTTP server task ended abnormally: {e}"))),
        };
        match failed {
            Some(e) => Err(e),
            None => served,
        }
    }
}
