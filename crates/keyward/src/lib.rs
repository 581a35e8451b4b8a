//! # keyward (CLI library)
//!
//! The command-line front end's shared steps, as a library so the
//! benchmark measures exactly what `keyward plan` does. It owns file
//! discovery, the load → read people → list accounts pipeline and the
//! printing of problems; it must not make decisions (those belong to
//! keyward-core) or talk to apps except through keyward-connectors.

pub mod apply;
pub mod args;
pub mod cli;
pub mod commands;
pub mod logging;
pub mod notify;
pub mod output;
pub mod pipeline;
pub mod problems;
pub mod progress;
pub mod schema;
