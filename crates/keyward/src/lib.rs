//! # keyward (CLI library)
//!
//! The command-line front end, as a library so the binary stays wiring
//! only and the benchmark measures exactly what `keyward plan` does. It
//! must not make decisions (those belong to keyward-core and
//! keyward-apply) or talk to apps except through keyward-connectors.
//!
//! - [`cli`] — what clap parses ([`cli::Cli`], [`cli::Command`]) and the
//!   dispatch to [`commands`], one module per command, each with its flags
//!   and one `run`. Rules between flags are declared there, in clap.
//! - [`args`] — the argument groups several commands share: policy files,
//!   notification targets, guard flags.
//! - [`pipeline`] — the one snapshot reader: load the policies, read the
//!   HR master, list every app's accounts ([`pipeline::Snapshot`]).
//! - [`output`] — writing results to stdout and anything to stderr
//!   (closed streams never panic, colours);
//!   [`problems`] — printing problems to stderr with file, line and
//!   column; [`logging`] — the log set-up; [`progress`] — the listing
//!   display on a terminal.
//! - [`notify`] — the digest sent after `plan` and
//!   `apply`; [`schema`] — the JSON Schema of policy files.
//!
//! Dependencies run one way: `cli` → `commands` → the rest; nothing below
//! `commands` knows a command.

// `println!` and `eprintln!` panic when a stream is gone (exit status 101,
// mid-apply too); everything is written through `output`, which does not.
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod args;
pub mod catalogue;
pub mod cli;
pub mod commands;
pub mod language;
pub mod logging;
pub mod notify;
pub mod output;
pub mod pipeline;
pub mod problems;
pub mod progress;
pub mod schema;
