//! Logging on stderr: `KEYWARD_LOG` filters it; text lines by default,
//! JSON lines for log pipelines (`--log-format json` on the controller, or
//! `KEYWARD_LOG_FORMAT=json`). Set up once, by `main`, before any command
//! runs.

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
    let fmt = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    if json {
        fmt.json().init();
    } else {
        fmt.init();
    }
}
