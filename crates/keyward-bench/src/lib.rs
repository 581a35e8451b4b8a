//! # keyward-bench
//!
//! The end-to-end benchmark of `keyward plan`. It owns the synthetic
//! organisation generator ([`generate`]: an HR export with Japanese headers,
//! twenty SaaS user exports in their vendors' layouts, and the policy
//! repository that ties them together; the organisation itself — people,
//! apps, policies — is drawn by the private `org` module tree and written
//! out by `generate`'s submodules), the in-process measurement of the
//! parse-only and plan phases ([`run`]), and the report over repeated
//! runs ([`all`]); and the count of HTTP requests a SCIM reconcile sends
//! against a real server ([`scim_requests`]); and the controller's leaver
//! latency, HR event to suspended in twenty apps ([`leaver_latency`]); and
//! the mapping of Google and Graph directory users to people
//! ([`directory_sources`]); and discovery over a generated directory of
//! thousands of users against Google and Graph stubs ([`discovery`]).
//!
//! It only calls the public APIs of the other crates, the way the CLI
//! does; it must not change what it measures.

pub mod all;
pub mod audit_writes;
pub mod controller_memory;
mod days;
pub mod directory_sources;
pub mod discovery;
pub mod generate;
pub mod handover;
pub mod leaver_latency;
pub mod name_hints;
mod org;
mod rng;
pub mod run;
pub mod scim_requests;

pub use org::REFERENCE_DATE;
