//! A live display while apps' accounts are listed: one line per app with a
//! spinner and the elapsed time, ending with the number of accounts read.
//! Listing a large SCIM app page by page takes minutes, and a silent
//! terminal looks hung.
//!
//! Shown only to a person: never when stderr is not a terminal (CI logs,
//! pipes, tests), with JSON logs (log pipelines want one JSON object per
//! line) or when asked to be quiet.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::Poll;
use std::time::{Duration, Instant};

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use is_terminal::IsTerminal as _;

static QUIET: AtomicBool = AtomicBool::new(false);

const RUNNING: &str = "{spinner:.cyan} {prefix:.bold}: listing accounts… {elapsed}";
const FINISHED: &str = "{prefix:.bold}: {msg}";

/// Turns the display off for the rest of the process (for a `--quiet`
/// flag: the person asked for silence).
pub fn set_quiet(quiet: bool) {
    QUIET.store(quiet, Ordering::Relaxed);
}

/// Whether a display is shown: only on a terminal, never with JSON logs
/// and never when quiet.
pub fn should_show(stderr_is_terminal: bool, json_logs: bool, quiet: bool) -> bool {
    stderr_is_terminal && !json_logs && !quiet
}

/// The display of one listing run, with a line per app.
pub struct Listing {
    multi: MultiProgress,
}

impl Listing {
    /// A display on stderr, or `None` when none should be shown (see
    /// [`should_show`]).
    pub fn start() -> Option<Self> {
        should_show(std::io::stderr().is_terminal(), crate::logging::json_from_env(), QUIET.load(Ordering::Relaxed))
            .then(|| Self { multi: MultiProgress::with_draw_target(ProgressDrawTarget::stderr()) })
    }

    /// A display that draws nowhere, so the listing path with a display can
    /// be tested.
    pub fn hidden() -> Self {
        Self { multi: MultiProgress::with_draw_target(ProgressDrawTarget::hidden()) }
    }

    /// Starts the line of one app.
    pub fn app(&self, name: &str) -> AppLine {
        let bar = self.multi.add(ProgressBar::new_spinner().with_style(style(RUNNING)).with_prefix(name.to_owned()));
        bar.enable_steady_tick(Duration::from_millis(100));
        AppLine { bar, started: Instant::now() }
    }
}

/// One app's line; it keeps spinning until [`AppLine::done`] or
/// [`AppLine::failed`].
pub struct AppLine {
    bar: ProgressBar,
    started: Instant,
}

impl AppLine {
    /// Ends the line with the number of accounts read.
    pub fn done(&self, accounts: usize) {
        let noun = if accounts == 1 { "account" } else { "accounts" };
        self.finish(format!("{accounts} {noun} ({})", seconds(self.started.elapsed())));
    }

    /// Ends the line saying the listing failed (the error itself is
    /// reported with the others once every app is done).
    pub fn failed(&self) {
        self.finish(format!("failed ({})", seconds(self.started.elapsed())));
    }

    /// The line stays on screen: together the lines say which app was slow.
    fn finish(&self, message: String) {
        self.bar.set_style(style(FINISHED));
        self.bar.finish_with_message(message);
    }

    /// The line's text after it finished, for tests.
    pub fn message(&self) -> String {
        self.bar.message()
    }
}

fn style(template: &str) -> ProgressStyle {
    // The templates are constants checked by a test below; the fallback
    // only keeps a typo from taking the command down.
    ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_spinner())
}

fn seconds(d: Duration) -> String {
    format!("{:.1}s", d.as_secs_f64())
}

/// Runs `futures` side by side on the current task and returns their
/// outputs in order; each app's line can then finish as soon as its own
/// listing does.
pub async fn join_all<F: Future>(futures: Vec<F>) -> Vec<F::Output> {
    let mut futures: Vec<Pin<Box<F>>> = futures.into_iter().map(Box::pin).collect();
    let mut outputs: Vec<Option<F::Output>> = futures.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (future, output) in futures.iter_mut().zip(outputs.iter_mut()) {
            // A finished future must not be polled again.
            if output.is_none() {
                match future.as_mut().poll(cx) {
                    Poll::Ready(v) => *output = Some(v),
                    Poll::Pending => pending = true,
                }
            }
        }
        if pending { Poll::Pending } else { Poll::Ready(()) }
    })
    .await;
    outputs.into_iter().flatten().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shown_only_to_a_person_at_a_terminal() {
        assert!(should_show(true, false, false));
        assert!(!should_show(false, false, false), "not in CI logs or pipes");
        assert!(!should_show(true, true, false), "not between JSON log lines");
        assert!(!should_show(true, false, true), "not when quiet");
    }

    #[test]
    fn templates_parse() {
        assert!(ProgressStyle::with_template(RUNNING).is_ok());
        assert!(ProgressStyle::with_template(FINISHED).is_ok());
    }

    #[test]
    fn a_line_ends_with_the_account_count() {
        let display = Listing::hidden();
        let one = display.app("slack");
        one.done(1);
        assert!(one.message().starts_with("1 account ("), "{}", one.message());
        let many = display.app("github");
        many.done(42);
        assert!(many.message().starts_with("42 accounts ("), "{}", many.message());
        let bad = display.app("freee");
        bad.failed();
        assert!(bad.message().starts_with("failed ("), "{}", bad.message());
    }

    #[tokio::test]
    async fn join_all_keeps_the_order_whatever_finishes_first() {
        let slow = async {
            tokio::time::sleep(Duration::from_millis(30)).await;
            1
        };
        let fast = async { 2 };
        let boxed: Vec<Pin<Box<dyn Future<Output = i32>>>> = vec![Box::pin(slow), Box::pin(fast)];
        assert_eq!(join_all(boxed).await, vec![1, 2]);
    }
}
