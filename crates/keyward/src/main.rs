//! # keyward (CLI)
//!
//! Wiring only: parse the command line, set up logging and the async
//! runtime, run the command (see the library's `cli` and `commands`), and
//! turn the outcome into an exit code. Decisions belong to the library
//! crates.

// See lib.rs: nothing is printed with the panicking macros.
#![deny(clippy::print_stdout, clippy::print_stderr)]

// Plans over millions of accounts allocate and free millions of small
// strings; mimalloc does that markedly faster than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::process::ExitCode;

use clap::Parser as _;
use keyward::cli::Cli;
use keyward::{logging, problems};

fn main() -> ExitCode {
    // Parsed first: the controller's --log-format decides how logging is
    // set up. Argument errors are printed by clap itself.
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return clap_exit(&e),
    };
    logging::init(cli.command.log_settings());
    keyward::language::init(cli.lang);
    // Long messages stay on one line so CI logs can be searched for
    // `file:line:column`.
    let _ = miette::set_hook(Box::new(|_| Box::new(miette::MietteHandlerOpts::new().wrap_lines(false).build())));
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            keyward::output::stderr_line(&format!("error: cannot start the async runtime: {e}"));
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(cli.command.run()) {
        Ok(code) => code,
        Err(e) => {
            problems::error(&e);
            ExitCode::FAILURE
        }
    }
}

/// Prints clap's message (help and version on stdout, usage errors on
/// stderr). A usage error exits 1 like any other error, not clap's 2: with
/// `--detailed-exitcode` a 2 means "the plan has changes". Help and version
/// exit 0.
fn clap_exit(e: &clap::Error) -> ExitCode {
    // Nothing more can be said when stdout or stderr is gone.
    let _ = e.print();
    if e.use_stderr() { ExitCode::FAILURE } else { ExitCode::SUCCESS }
}
