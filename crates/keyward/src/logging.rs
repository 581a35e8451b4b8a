//! Logging on stderr: `KEYWARD_LOG` filters it; text lines by default,
//! JSON lines for log pipelines (`--log-format json` on the controller, or
//! `KEYWARD_LOG_FORMAT=json`). Set up once, by `main`, before any command
//! runs. Data in a text line has its control characters escaped, so one
//! event is always one line, and every line is written without the
//! secrets the process holds ([`Redacting`]).

use std::io::Write;

use keyward_core::printable::escape;

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
    let fmt = tracing_subscriber::fmt().with_env_filter(filter);
    if json {
        // JSON strings escape control characters themselves.
        fmt.with_writer(|| Redacting(std::io::stderr())).json().init();
    } else {
        fmt.with_writer(|| LogLine(Redacting(std::io::stderr()))).init();
    }
}

/// A writer for one text log line (the formatter writes each event whole,
/// line feed included, in one write). Values from data in it — a name
/// from the HR master, a vendor's error — may hold line feeds, carriage
/// returns or bidi overrides, which would forge a log line or garble a
/// terminal: every control character but the line's last line feed is
/// escaped (`keyward_core::printable`). The formatter's own colours stay:
/// it escapes the escape character in values itself, so every escape
/// sequence left is one of its colours. A failed write is dropped, never
/// a panic or an error that would stop the command.
struct LogLine<W>(W);

impl<W: Write> Write for LogLine<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        let (body, end) = text.strip_suffix('\n').map_or((text.as_ref(), ""), |b| (b, "\n"));
        let line = format!("{}{end}", escape_keeping_colours(body));
        let _ = self.0.write_all(line.as_bytes());
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let _ = self.0.flush();
        Ok(())
    }
}

/// `line` escaped, but for SGR colour sequences (`ESC [ 1;31 m`).
fn escape_keeping_colours(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(at) = rest.find('\x1b') {
        out.push_str(&escape(&rest[..at]));
        let seq = &rest[at..];
        let colour = seq
            .strip_prefix("\x1b[")
            .and_then(|s| s.find('m').filter(|&m| s[..m].bytes().all(|b| b.is_ascii_digit() || b == b';')))
            .map(|m| m + 3);
        match colour {
            Some(len) => {
                out.push_str(&seq[..len]);
                rest = &seq[len..];
            }
            None => {
                out.push_str("\\u{1b}");
                rest = &seq[1..];
            }
        }
    }
    out.push_str(&escape(rest));
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::sync::{Arc, Mutex};

    use super::*;

    /// What a text log line looks like with a field and a message from data.
    fn logged(ansi: bool) -> String {
        let out = Arc::new(Mutex::new(Vec::new()));
        let sink = out.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_ansi(ansi)
            .without_time()
            .with_writer(move || LogLine(Shared(sink.clone())))
            .finish();
        tracing::subscriber::with_default(subscriber, || {
            let name = "佐藤\r\n2026-01-01T00:00:00Z  INFO forged line\t\u{202e}\x1b]0;x\x07";
            tracing::warn!(person = %name, "cannot look up {name}");
        });
        String::from_utf8(out.lock().unwrap().clone()).unwrap()
    }

    struct Shared(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Shared {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn data_in_a_text_log_line_cannot_start_a_line_or_act_on_the_terminal() {
        for ansi in [false, true] {
            let line = logged(ansi);
            assert_eq!(line.matches('\n').count(), 1, "one event, one line: {line:?}");
            assert!(line.ends_with('\n'), "{line:?}");
            assert!(line.contains("佐藤\\u{d}\\u{a}2026-01-01T00:00:00Z  INFO forged line\\u{9}\\u{202e}"), "{line:?}");
            for c in line.trim_end_matches('\n').chars().filter(|c| c.is_control()) {
                assert!(ansi && c == '\x1b', "raw {c:?} in {line:?}");
            }
        }
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
mod redaction_tests {
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
