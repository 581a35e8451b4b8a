//! The HR-event path of both modes: an accepted event reconciles each
//! person it names at once, in a task of its own — but one person is
//! reconciled by one task at a time, and events naming someone already
//! being reconciled are coalesced.
//!
//! A reconcile reads the HR data when it starts, so an event that arrives
//! while one is running may carry news it did not see: the person is
//! reconciled once more after it, never twice more — at most one reconcile
//! waits behind the running one however many events name the person
//! meanwhile (a burst of events, or a sender retrying). The people are
//! keyed as the events name them (an e-mail without regard to case), so an
//! event naming someone by e-mail and another by employee number are two
//! keys: the reconciles then only cost a lookup more.

use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex, PoisonError};

use futures::FutureExt as _;

use super::{Controller, Host};
use crate::http::PersonEvents;

/// The people being reconciled after HR events, each with whether one
/// more reconcile waits behind the running one.
#[derive(Debug, Default)]
pub(super) struct PersonQueue {
    running: Mutex<HashMap<String, bool>>,
}

/// What [`PersonQueue::enqueue`] decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Queued {
    /// Nobody reconciles the person: start a task.
    Start,
    /// A reconcile runs: one more follows it.
    Behind,
    /// A reconcile runs and one more already waits: nothing to add.
    Coalesced,
}

impl PersonQueue {
    fn enqueue(&self, key: &str) -> Queued {
        let mut running = self.running.lock().unwrap_or_else(PoisonError::into_inner);
        match running.get_mut(key) {
            None => {
                running.insert(key.to_owned(), false);
                Queued::Start
            }
            Some(again @ false) => {
                *again = true;
                Queued::Behind
            }
            Some(true) => Queued::Coalesced,
        }
    }

    /// After a reconcile of `key`: `true` when another must run (and it
    /// is taken off the queue), else the person is no longer running.
    fn next(&self, key: &str, stopping: bool) -> bool {
        let mut running = self.running.lock().unwrap_or_else(PoisonError::into_inner);
        match running.get_mut(key) {
            Some(again) if *again && !stopping => {
                *again = false;
                true
            }
            _ => {
                running.remove(key);
                false
            }
        }
    }
}

/// How events name one person, for the queue: an e-mail address without
/// regard to case.
fn key(person: &str) -> String {
    if person.contains('@') { person.to_lowercase() } else { person.to_owned() }
}

/// Takes accepted HR events for a [`Controller`].
pub(crate) struct HrEvents<H: Host>(pub(crate) Arc<Controller<H>>);

impl<H: Host> PersonEvents for HrEvents<H> {
    fn reconcile_people(&self, event_id: &str, people: Vec<String>) -> Result<(), String> {
        let controller = &self.0;
        if controller.engine.is_stopping() {
            return Err("the controller is shutting down; send the event again to the next instance".to_owned());
        }
        if !controller.is_leader() {
            return Err(controller.host.not_leading());
        }
        if controller.host.current().is_none() {
            return Err("the policies are not loaded yet; the event cannot be handled".to_owned());
        }
        let mut tasks = controller.tasks.lock().unwrap_or_else(PoisonError::into_inner);
        // Reap finished tasks so the set does not grow for the life of the
        // process.
        while tasks.try_join_next().is_some() {}
        for person in people {
            let key = key(&person);
            match controller.queue.enqueue(&key) {
                Queued::Start => {}
                Queued::Behind => {
                    tracing::info!(event = %event_id, person = %person, "a reconcile of this person is running; one more follows it");
                    continue;
                }
                Queued::Coalesced => {
                    controller.engine.metrics().person_coalesced();
                    tracing::info!(event = %event_id, person = %person, "a reconcile of this person already waits; the event is coalesced into it");
                    continue;
                }
            }
            let controller = controller.clone();
            let event = event_id.to_owned();
            tasks.spawn(async move {
                loop {
                    reconcile_logged(&controller, &event, &person).await;
                    if !controller.queue.next(&key, controller.engine.is_stopping()) {
                        break;
                    }
                }
            });
        }
        Ok(())
    }
}

/// One reconcile of `person` for `event`, its failure or panic logged.
async fn reconcile_logged<H: Host>(controller: &Controller<H>, event: &str, person: &str) {
    // A bug must not take the controller down with it: the event is lost
    // (the next resync catches up), the process goes on.
    let Ok(report) = AssertUnwindSafe(controller.reconcile_person(person)).catch_unwind().await else {
        tracing::error!(event = %event, person = %person, "internal error: the reconcile of this person panicked");
        return;
    };
    if let Some(e) = report.as_ref().and_then(|r| r.error.as_ref()) {
        tracing::warn!(event = %event, person = %person, reason = %e.reason, error = %e.message, "the HR event could not be handled");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_most_one_reconcile_waits_behind_the_running_one() {
        let q = PersonQueue::default();
        assert_eq!(q.enqueue("E5"), Queued::Start);
        assert_eq!(q.enqueue("E5"), Queued::Behind);
        assert_eq!(q.enqueue("E5"), Queued::Coalesced);
        assert_eq!(q.enqueue("E6"), Queued::Start);
        assert!(q.next("E5", false), "the one waiting runs");
        assert_eq!(q.enqueue("E5"), Queued::Behind, "news during the second one queue a third");
        assert!(!q.next("E5", true), "not while stopping");
        assert_eq!(q.enqueue("E5"), Queued::Start, "done: the next event starts afresh");
        assert_eq!(key("Mika@Example.com"), "mika@example.com");
        assert_eq!(key("E5"), "E5");
    }
}
