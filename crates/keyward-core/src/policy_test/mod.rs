//! Policy unit tests: `PolicyTest` documents that say what a person should
//! (and should not) be granted, checked against the policies by
//! `keyward test`.
//!
//! A test describes a person, either a synthetic HR record written in the
//! test or a real employee from the HR master, and the grants expected.
//! The person's actual grants come from [`grants_of`], the same selection
//! the plan makes, so a passing test says something true about the plan.
//!
//! Test files are loaded with positions like policy files: every mistake
//! (an app, role, group, employment type or attribute the policies do not
//! know, a bad date, an unknown field) is an error at `file:line:column`
//! with a fix, because a test that cannot fail silently is worse than none.
//!
//! Test documents are read in `load` (with the made-up person in
//! `subject` and the expectations in `expect`, both located through
//! `doc`), run in `run` and shown in `text`.

use jiff::civil::Date;
use serde::Serialize;

use crate::diag::Location;
use crate::grants::{Grant, NotSelected};
use crate::people::Person;

mod doc;
mod expect;
mod load;
mod run;
mod subject;
#[cfg(test)]
mod tests;
mod text;

pub use load::load;
pub use run::{compare, needs_people, run};
pub use text::render_text;

/// The kind of a policy test document.
pub const KIND: &str = "PolicyTest";

/// Employee number of a synthetic person whose test gives none.
pub const DEFAULT_ID: &str = "test-person";

/// Work e-mail of a synthetic person whose test gives none.
pub const DEFAULT_EMAIL: &str = "test-person@policy-test.invalid";

/// One test case, loaded and checked against the policies.
#[derive(Debug, Clone)]
pub struct TestCase {
    /// `metadata.name` of the PolicyTest document.
    pub test: String,
    /// The case's `name`.
    pub name: String,
    /// The test file.
    pub file: String,
    /// Where the case starts in the file.
    pub location: Location,
    /// The day the case is evaluated on, when the document fixes one.
    pub at: Option<Date>,
    /// Who is tested.
    pub subject: Subject,
    /// What is expected.
    pub expect: Expectation,
}

/// The person a case is about.
#[derive(Debug, Clone)]
pub enum Subject {
    /// A synthetic HR record written in the test.
    Synthetic(Box<Person>),
    /// A person from the HR master, by employee number or work e-mail.
    Employee {
        /// The employee number or e-mail as written.
        key: String,
        /// Where it was written, for "no such person" errors.
        location: Location,
    },
}

/// What a case expects.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Expectation {
    /// Apps that must be granted, in the order written.
    pub grants: Vec<ExpectedGrant>,
    /// Apps that must not be granted.
    pub denies: Vec<String>,
    /// No app beyond `grants` may be granted.
    pub exactly: bool,
}

/// One app a case expects to be granted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpectedGrant {
    /// The Application's name.
    pub app: String,
    /// The role expected; `None` when any role (or none) will do.
    pub role: Option<String>,
    /// The groups expected, exactly; `None` when groups do not matter.
    pub groups: Option<Vec<String>>,
}

/// What was expected of one app, as shown in results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Expected {
    /// `true` when the app must be granted, `false` when it must not.
    pub granted: bool,
    /// The role expected, when the test names one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// The groups expected, when the test names them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub groups: Option<Vec<String>>,
}

/// One app where the actual grant differs from the expected one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Mismatch {
    /// The Application's name.
    pub app: String,
    /// What the test expected.
    pub expected: Expected,
    /// What the policies grant (`None`: not granted), with the policies and
    /// exceptions behind it.
    pub actual: Option<Grant>,
    /// When the app was expected but is not granted: the policies granting
    /// it that did not select the person, each with the first condition
    /// the person fails.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub why_not: Vec<NotSelected>,
}

/// The result of one case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CaseResult {
    /// `metadata.name` of the PolicyTest document.
    pub test: String,
    /// The case's name.
    pub name: String,
    /// The test file.
    pub file: String,
    /// Line of the case in the file.
    pub line: usize,
    /// Column of the case in the file.
    pub column: usize,
    /// The day the grants were decided on.
    pub at: Date,
    /// The person, as plans name people.
    pub person: String,
    /// The person's phase on that day (`employed`, `left`…).
    pub phase: String,
    /// `true` when every expectation holds.
    pub passed: bool,
    /// The expectations that do not hold.
    pub mismatches: Vec<Mismatch>,
    /// Every grant the person has, with its reasons.
    pub actual: Vec<Grant>,
    /// Exceptions naming the person that are not in force on the day
    /// (a common reason for a missing grant).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub exceptions_not_in_force: Vec<String>,
}

/// The results of a test run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Outcome {
    /// Number of cases that passed.
    pub passed: usize,
    /// Number of cases that failed.
    pub failed: usize,
    /// Every case, in file and case order.
    pub cases: Vec<CaseResult>,
}

impl Outcome {
    /// `true` when every case passed.
    pub fn success(&self) -> bool {
        self.failed == 0
    }
}
