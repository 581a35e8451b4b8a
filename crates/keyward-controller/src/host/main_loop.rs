//! The one main loop of both modes: a full reconcile when this replica
//! starts to lead (standalone: at once), after the policies change, and at
//! every resync, until shutdown.
//!
//! Changes are debounced as a quiet time: each change restarts the wait,
//! so an editor or a `git pull` writing several files, or `kubectl apply
//! -f dir/` creating several objects, causes one reconcile after the last
//! of them. The resync timer runs on its own, so a stream of changes never
//! starves it.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, watch};
use tokio::time::Instant;

use super::{Controller, Host, Wake};

/// When the loop reconciles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timing {
    /// Time between full reconciles.
    pub resync: Duration,
    /// Quiet time after a policy change before reconciling.
    pub debounce: Duration,
}

/// Waits until `rx` says stop (or its sender is gone). Returns `()` so no
/// borrow of the channel's value (which is not `Send`) is held across the
/// loop's awaits.
async fn stopped(rx: &mut watch::Receiver<bool>) {
    let _ = rx.wait_for(|s| *s).await;
}

/// Runs full reconciles on `controller` until `shutdown` says stop.
/// `changes` names what changed in the policies (for the log).
pub(crate) async fn main_loop<H: Host>(
    controller: Arc<Controller<H>>,
    mut changes: mpsc::UnboundedReceiver<&'static str>,
    mut shutdown: watch::Receiver<bool>,
    timing: Timing,
) {
    let mut leader = controller.host.leadership();
    // The full reconcile waiting for its time, and what it is for.
    let mut pending: Option<(Instant, Wake)> = None;
    if *leader.borrow_and_update() {
        pending = Some((Instant::now(), Wake::Leading));
    }
    let mut leadership_known = true;
    let mut resync_at = Instant::now() + timing.resync;
    loop {
        let wake_at = pending.map_or(resync_at, |(at, _)| at.min(resync_at));
        tokio::select! {
            biased;
            () = stopped(&mut shutdown) => break,
            changed = leader.changed(), if leadership_known => {
                match changed {
                    // The election has ended: only at shutdown.
                    Err(_) => leadership_known = false,
                    Ok(()) => {
                        if *leader.borrow_and_update() {
                            pending = Some((Instant::now(), Wake::Leading));
                        }
                    }
                }
            }
            Some(what) = changes.recv() => {
                tracing::debug!(what, "the policies changed");
                pending = Some((Instant::now() + timing.debounce, Wake::Changed));
            }
            () = tokio::time::sleep_until(wake_at) => {
                let why = match pending {
                    Some((at, why)) if at <= Instant::now() => {
                        pending = None;
                        why
                    }
                    _ => {
                        tracing::debug!("periodic resync");
                        Wake::Resync
                    }
                };
                controller.full_logged(why).await;
                resync_at = Instant::now() + timing.resync;
            }
        }
    }
}
