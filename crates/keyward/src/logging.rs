//! Logging on stderr: `KEYWARD_LOG` filters it; text lines by default,
//! JSON lines for log pipelines (`--log-format json` on the controller, or
//! `KEYWARD_LOG_FORMAT=json`). Set up once, by `main`, before any command
//! runs. Every line is written without the secrets the process holds
//! ([`Redacting`]).

use std::io::Write;

/// Log format on stderr (`--log-format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

/// How a command logs.
#[derive(Debug, Clone, Copy)]
pub struct LogSettings {
    /// `true` for the controller, which should say what it reconciled
    /// (`info`); other commands log warnings only.
    pub daemon: bool,
    /// The format asked for on the command line; else from the
    /// environment.
    pub format: Option<LogFormat>,
}

/// Whether `KEYWARD_LOG_FORMAT` asks for JSON lines (the listing display
/// stays off then too: see [`crate::progress`]).
pub fn json_from_env() -> bool {
    std::env::var("KEYWARD_LOG_FORMAT").is_ok_and(|v| v.trim().eq_ignore_ascii_case("json"))
}

/// Logs go to stderr; `KEYWARD_LOG` filters them (default `warn`, `info`
/// for the controller, which should say what it reconciled). JSON lines
/// with `--log-format json` or `KEYWARD_LOG_FORMAT=json`, for log
/// pipelines.
pub fn init(settings: LogSettings) {
    let json = match settings.format {
        Some(f) => f == LogFormat::Json,
        None => json_from_env(),
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("KEYWARD_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(if settings.daemon { "info" } else { "warn" }));
    let fmt = tracing_subscriber::fmt().with_env_filter(filter).with_writer(|| Redacting(std::io::stderr()));
    if json {
        fmt.json().init();
    } else {
        fmt.init();
    }
}

/// A writer that removes every secret the process holds from what passes
/// through it (`keyward_http::redact_known`): the last line of defence for
/// log lines, whatever field an app's words reached them by. The log
/// formatter writes each event in one call, so a secret is never split
/// between two writes.
pub struct Redacting<W>(pub W);

impl<W: Write> Write for Redacting<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match std::str::from_utf8(buf) {
            Ok(text) => self.0.write_all(keyward_connectors::http::redact_known(text).as_bytes())?,
            Err(_) => self.0.write_all(buf)?,
        }
        // All of `buf` was dealt with, even when redacting changed its length.
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn log_lines_never_hold_a_secret_the_process_holds() {
        let token = keyward_connectors::http::Secret::new("kw/log-SECRET+1a2b3c4d");
        let mut out = Redacting(Vec::new());
        writeln!(out, r#"WARN retrying problem="HTTP 503: {{\"echo\":\"kw\/log-SECRET+1a2b3c4d\"}}""#).unwrap();
        let line = String::from_utf8(out.0).unwrap();
        assert!(!line.contains("log-SECRET"), "{line}");
        assert!(line.contains("***"), "{line}");
        drop(token);
    }
}
