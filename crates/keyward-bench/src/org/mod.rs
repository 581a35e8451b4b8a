//! The synthetic organisation: departments, people, applications and
//! access policies, as plain data. The generator writes it out as an HR
//! export, SaaS exports and policy files; it also evaluates the policies
//! itself (a deliberately small re-implementation of the selector rules,
//! [`selection`]) so that most accounts agree with the policies and the
//! plan has a realistic, small share of changes.
//!
//! - [`departments`]: divisions, their kinds and sizes, departments and
//!   sections, and the titles each kind of division uses;
//! - [`names`]: the name tables, e-mail domains and unique addresses and logins;
//! - [`people`]: who is employed, since and until when, in which posts
//!   ([`build`]);
//! - [`apps`]: the application catalogue with export layouts and lifecycles;
//! - [`policies`]: the access policies the generator writes;
//! - [`selection`]: which policies select whom, and the resulting entitlements.
//!
//! Everything here is drawn from [`Rng`](crate::rng::Rng) streams in a
//! fixed order: moving a draw changes every byte that follows it.

mod apps;
mod departments;
pub(crate) mod names;
mod people;
mod policies;
mod selection;

pub(crate) use apps::{App, Format, SuspendTiming, TransferTo, apps};
pub(crate) use departments::minimum_people;
pub(crate) use names::{DOMAIN, OLD_DOMAIN};
pub(crate) use people::{Emp, Person, Phase, build};
pub(crate) use policies::{PolicyDef, policies};
pub(crate) use selection::{Ent, entitlement, managed_groups, selected};

use self::departments::Dept;
use crate::days;

/// The day the data is generated for; `run --at` defaults to it.
pub const REFERENCE_DATE: &str = "2026-11-23";

pub(crate) fn reference_day() -> i32 {
    days::from_civil(2026, 11, 23)
}

/// The whole organisation.
#[derive(Debug)]
pub(crate) struct Org {
    pub(crate) depts: Vec<Dept>,
    pub(crate) persons: Vec<Person>,
    pub(crate) divisions: usize,
    pub(crate) today: i32,
}
