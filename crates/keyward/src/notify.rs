//! Notifications after `keyward plan` and `keyward apply`: a Slack
//! incoming webhook and a generic JSON webhook, each carrying the
//! [`Digest`] (leavers' accounts, unmatched accounts, guard refusals).
//!
//! Webhook URLs are secrets (a Slack incoming-webhook URL is its own
//! credential), so they come from environment variables and messages name
//! only the variable and the host. A notification that cannot be delivered
//! is a warning: the plan or apply it reports on already happened, and its
//! exit code must say how that went, not how the chat server is.

use std::time::Duration;

use anyhow::{Result, bail};
use backon::{ExponentialBuilder, Retryable as _};
use keyward_core::i18n::{Arg, Msg};
use keyward_core::present::digest::Digest;

use crate::problems::said;

/// Where to send, resolved from the environment before any work starts.
#[derive(Clone, Default)]
pub struct Notifiers {
    targets: Vec<Target>,
}

#[derive(Clone)]
struct Target {
    kind: Kind,
    /// The environment variable the URL came from, for messages.
    var: String,
    url: reqwest::Url,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Slack,
    Json,
}

impl std::fmt::Debug for Notifiers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the URLs: they are credentials.
        let vars: Vec<&str> = self.targets.iter().map(|t| t.var.as_str()).collect();
        f.debug_struct("Notifiers").field("from", &vars).finish()
    }
}

impl Notifiers {
    /// Reads the URLs from the named environment variables. A named
    /// variable that is unset, empty or not an http(s) URL is an error, so
    /// a CI job with a typo fails before it plans rather than staying
    /// silent.
    pub fn from_env(slack_var: Option<&str>, json_var: Option<&str>) -> Result<Self> {
        let mut targets = Vec::new();
        for (kind, var) in [(Kind::Slack, slack_var), (Kind::Json, json_var)] {
            let Some(var) = var else { continue };
            let value = std::env::var(var).unwrap_or_default();
            if value.trim().is_empty() {
                bail!(said(Msg::new("cli-notify-var-unset").arg("var", var)));
            }
            let url = reqwest::Url::parse(value.trim())
                .ok()
                .filter(|u| matches!(u.scheme(), "https" | "http") && u.host_str().is_some());
            let Some(url) = url else {
                bail!(said(Msg::new("cli-notify-var-not-url").arg("var", var)));
            };
            targets.push(Target { kind, var: var.to_owned(), url });
        }
        Ok(Self { targets })
    }

    /// `true` when nothing is to be sent.
    pub fn is_empty(&self) -> bool {
        self.targets.is_empty()
    }

    /// Sends `digest` to every target (unless it has nothing to say).
    /// Returns one warning per target that could not be reached.
    pub async fn send(&self, digest: &Digest) -> Vec<String> {
        if self.targets.is_empty() || digest.is_quiet() {
            return Vec::new();
        }
        let client = match reqwest::Client::builder().timeout(Duration::from_secs(10)).build() {
            Ok(c) => c,
            Err(e) => return vec![said(Msg::new("cli-notify-cannot-send").arg("error", e.to_string())).to_string()],
        };
        let mut warnings = Vec::new();
        for t in &self.targets {
            let body = match t.kind {
                // The chat message is for people: in their language. The
                // JSON document is for tools and stays English.
                Kind::Slack => digest.to_slack(crate::language::current()),
                Kind::Json => match serde_json::to_value(digest) {
                    Ok(v) => v,
                    Err(e) => {
                        warnings
                            .push(said(Msg::new("cli-notify-cannot-render").arg("error", e.to_string())).to_string());
                        continue;
                    }
                },
            };
            let attempt = || async {
                let r = client.post(t.url.clone()).json(&body).send().await.map_err(|e| Failure {
                    retry: e.is_timeout() || e.is_connect() || e.is_request(),
                    why: if e.is_timeout() {
                        Msg::new("cli-notify-timed-out")
                    } else {
                        Msg::new("cli-notify-no-connection")
                    },
                })?;
                let status = r.status();
                if status.is_success() {
                    Ok(())
                } else {
                    Err(Failure {
                        retry: status.is_server_error() || status.as_u16() == 429,
                        why: Msg::new("cli-notify-http-status").arg("status", Arg::digits(status.as_u16())),
                    })
                }
            };
            let backoff = ExponentialBuilder::default()
                .with_min_delay(Duration::from_millis(200))
                .with_max_delay(Duration::from_secs(2))
                .with_max_times(2)
                .with_jitter();
            if let Err(f) = attempt.retry(backoff).when(|f: &Failure| f.retry).await {
                let what = match t.kind {
                    Kind::Slack => Msg::new("cli-notify-slack-webhook"),
                    Kind::Json => Msg::new("cli-notify-webhook"),
                };
                let m = Msg::new("cli-notify-not-delivered")
                    .arg("what", what)
                    .arg("host", t.url.host_str().unwrap_or("?"))
                    .arg("var", t.var.as_str())
                    .arg("why", f.why);
                warnings.push(said(m).to_string());
            }
        }
        warnings
    }
}

struct Failure {
    retry: bool,
    /// Why, without the URL (it is a credential).
    why: Msg,
}
