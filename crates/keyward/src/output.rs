//! Writing a command's result to standard output, the one way every
//! command does it: whole renderings at once, a closed pipe
//! (`keyward plan | head`) quietly accepted, and the choice of colours;
//! and the one way anything is written to standard error.
//!
//! Nothing here panics on a failed write, as `println!` and `eprintln!`
//! do: a panic would replace keyward's exit status with 101, in the middle
//! of an apply too. Only results go to stdout; problems go to stderr
//! through [`crate::problems`].

use std::io::Write as _;

use anyhow::{Context as _, Result};
use is_terminal::IsTerminal as _;
use keyward_core::i18n::Msg;
use keyward_core::printable::escape_lines;
use serde::Serialize;

use crate::problems::said;

/// When to use colours (`--color`).
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    /// Whether to colour: `auto` colours only a terminal, and never when
    /// `NO_COLOR` is set.
    pub fn enabled(self) -> bool {
        match self {
            Self::Always => true,
            Self::Never => false,
            Self::Auto => std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        }
    }
}

/// Buffered, locked standard output, for [`stream_stdout`].
pub type StdoutBuffer = std::io::BufWriter<std::io::StdoutLock<'static>>;

/// Writes `s` to standard output and flushes it.
pub fn write_stdout(s: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    ignore_broken_pipe(out.write_all(s.as_bytes()).and_then(|()| out.flush()))
}

/// Writes text for people that quotes data (an explanation, a table, a
/// report) to standard output, as [`write_stdout`], with every control
/// character but line feeds escaped (`keyward_core::printable`): a value
/// typed in the HR master or by a vendor never acts on the terminal.
pub fn write_text(s: &str) -> Result<()> {
    write_stdout(&escape_lines(s))
}

/// Streams a large rendering to standard output through a buffer, so it
/// is never held whole in memory.
pub fn stream_stdout(render: impl FnOnce(&mut StdoutBuffer) -> std::io::Result<()>) -> Result<()> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    ignore_broken_pipe(render(&mut out).and_then(|()| out.flush()))
}

/// Writes `s` to standard error and flushes it, every control character
/// but line feeds escaped as in [`write_text`] (errors and warnings quote
/// data too). A write that fails is dropped: with stderr gone (its reader
/// exited, or it was closed) there is nowhere left to report it, and the
/// exit status still tells.
pub fn write_stderr(s: &str) {
    write_stderr_as_is(&escape_lines(s));
}

/// [`write_stderr`] without escaping, for a rendering whose data was
/// escaped already and that brings its own colours (a diagnostic with its
/// source snippet).
pub(crate) fn write_stderr_as_is(s: &str) {
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(s.as_bytes()).and_then(|()| err.flush());
}

/// `s` and a line end on standard error, as [`write_stderr`].
pub fn stderr_line(s: &str) {
    write_stderr(&format!("{s}\n"));
}

/// `value` as pretty JSON ending with a newline; `what` names it in the
/// error ("the explanation").
pub fn pretty_json(value: &impl Serialize, what: &str) -> Result<String> {
    let mut s =
        serde_json::to_string_pretty(value).with_context(|| said(Msg::new("cli-cannot-render").arg("what", what)))?;
    s.push('\n');
    Ok(s)
}

/// A write to standard output that failed because the reader went away
/// is not an error worth a message.
pub fn ignore_broken_pipe(r: std::io::Result<()>) -> Result<()> {
    match r {
        // A closed pipe (`keyward plan | head`) is not an error worth a message.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context(said(Msg::new("cli-cannot-write-stdout"))),
    }
}
