//! # keyward-connectors
//!
//! How keyward reads (and, where the app allows, changes) a SaaS app's
//! accounts: the [`Connector`] trait, its capabilities, the HTTP policy API
//! connectors share ([`http`]), and the connectors themselves: csv-export,
//! SCIM 2.0, GitHub organisations, Microsoft Graph ([`graph`]), Google
//! Workspace ([`google`]), Slack ([`slack`]), Atlassian Cloud
//! ([`atlassian`]), Okta ([`okta`]), LDAP directories, and any REST API a
//! policy describes (`http`, in [`rest`]); further vendor APIs plug in here.
//!
//! A connector must never return a partial listing as if it were complete:
//! an error, a page it could not fetch, or a file cut short is an error,
//! because a missing account is an account nobody offboards. Connectors do
//! not decide what to change; that is the plan's job.

use std::collections::BTreeMap;

use async_trait::async_trait;
use keyward_core::account::AccountListing;
pub use keyward_core::account::Capabilities;
use keyward_core::compile::PolicySet;
use keyward_core::diag::Diagnostics;
use keyward_core::load::Named;
use keyward_core::plan::Change;
use keyward_core::resources::{ApplicationSpec, ConnectorSpec};

pub mod atlassian;
pub mod csv_export;
pub mod discover;
pub mod github;
pub mod google;
pub mod graph;
pub mod http;
pub mod ldap;
mod lookup;
pub mod mapping;
pub mod okta;
pub mod rest;
pub mod scim;
pub mod secrets;
pub mod slack;
mod urls;

pub use keyward_http::secrets::ClusterSecrets;

/// Why a connector could not do its job.
#[derive(Debug, thiserror::Error)]
pub enum ConnectorError {
    /// A local file (an export) could not be read.
    #[error("cannot read {path} (Application {app}): {error}")]
    Io {
        /// The application.
        app: String,
        /// The file.
        path: String,
        /// What the operating system said.
        error: std::io::Error,
    },
    /// The data read has problems; each names file, line and column.
    #[error("the account data has {} problem(s)", .0.0.len())]
    Data(Diagnostics),
    /// The application's connector is not set up.
    #[error("Application {app} has no usable connector: {why}")]
    NotConfigured {
        /// The application.
        app: String,
        /// What is missing.
        why: String,
    },
    /// A secret (a token) could not be read from where the policy says.
    #[error("Application {app}: cannot read the {what}: {why}")]
    Credentials {
        /// The application.
        app: String,
        /// Which secret (`SCIM bearer token`).
        what: String,
        /// Why, never including the secret itself.
        why: String,
    },
    /// An HTTP call failed for good (after the retries it deserved).
    #[error("Application {app}: {call} failed: {problem}")]
    Http {
        /// The application.
        app: String,
        /// Method and URL, without credentials (`PATCH https://…/Users/42`).
        call: String,
        /// HTTP status, when the server answered.
        status: Option<u16>,
        /// What went wrong: the server's error detail and body, or the
        /// transport error; never a header or token.
        problem: String,
    },
    /// An LDAP operation failed, or the directory could not be reached.
    #[error("Application {app}: LDAP {operation} {dn} failed: {problem}")]
    Ldap {
        /// The application.
        app: String,
        /// The LDAP operation (`bind`, `search`, `add`, `modify`, `delete`,
        /// or `connect` for the connection itself).
        operation: &'static str,
        /// The DN operated on (for `connect`, the URL); never a password.
        dn: String,
        /// The LDAP result code, when the directory answered.
        code: Option<u32>,
        /// The result code's name and the directory's diagnostic text, or
        /// the transport error, and what it means for the change.
        problem: String,
    },
    /// The app returned fewer accounts than it said it has, or changed
    /// while being read: planning from it could miss a leaver.
    #[error("Application {app}: the account listing is incomplete: {why}")]
    Partial {
        /// The application.
        app: String,
        /// What did not add up.
        why: String,
    },
    /// The connector cannot carry out this kind of change.
    #[error("Application {app}: the {kind} connector cannot {action}")]
    Unsupported {
        /// The application.
        app: String,
        /// Connector kind.
        kind: &'static str,
        /// The action asked for.
        action: &'static str,
    },
    /// A bug or a crashed task inside keyward.
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<http::HttpError> for ConnectorError {
    fn from(e: http::HttpError) -> Self {
        match e {
            http::HttpError::Call { app, call, status, problem } => Self::Http { app, call, status, problem },
            http::HttpError::Credentials { app, what, why } => Self::Credentials { app, what, why },
            http::HttpError::Internal(why) => Self::Internal(why),
        }
    }
}

/// The id of the account a change acts on; a change without one (the
/// planner gives every change but a create an id) is an internal error
/// naming the change and the app.
pub(crate) fn account_id<'c>(change: &'c Change, app: &str) -> Result<&'c str, ConnectorError> {
    change.account.id.as_deref().ok_or_else(|| {
        ConnectorError::Internal(format!(
            "the {} change of {} names no account id in {app}",
            change.action.as_str(),
            change.account.label()
        ))
    })
}

impl ConnectorError {
    /// The same error, with what it means for the change first.
    pub(crate) fn prefixed(self, context: &str) -> Self {
        match self {
            Self::Http { app, call, status, problem } => {
                Self::Http { app, call, status, problem: format!("{context}: {problem}") }
            }
            Self::Ldap { app, operation, dn, code, problem } => {
                Self::Ldap { app, operation, dn, code, problem: format!("{context}: {problem}") }
            }
            other => other,
        }
    }

    /// `true` when the same call may succeed later (the app was down,
    /// throttled for longer than keyward waits, or the network failed).
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Http { status: None, .. } => true,
            Self::Http { status: Some(s), .. } => *s == 429 || *s >= 500,
            // No answer (a dropped connection, a timeout), busy or unavailable.
            Self::Ldap { code, .. } => matches!(code, None | Some(51 | 52)),
            _ => false,
        }
    }
}

/// What identifies a person's accounts in an app, for a targeted lookup.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PersonKeys {
    /// Employee numbers, earlier ones of a rehire included (an app's
    /// `externalId`).
    pub ids: Vec<String>,
    /// Work e-mail addresses.
    pub emails: Vec<String>,
    /// Login names held in HR attributes (a GitHub login, say).
    pub user_names: Vec<String>,
}

impl PersonKeys {
    /// The keys of one person: employee numbers, e-mail, and every HR
    /// attribute value (any may be the login an app correlates on).
    pub fn of(p: &keyward_core::Person) -> Self {
        let mut ids = vec![p.id.clone()];
        ids.extend(p.previous_ids.iter().cloned());
        Self {
            ids,
            emails: p.email.iter().cloned().collect(),
            user_names: p.attributes.values().filter(|v| !v.trim().is_empty()).cloned().collect(),
        }
    }

    /// Adds another person's keys (the manager who receives a hand-over).
    pub fn extend(&mut self, other: PersonKeys) {
        self.ids.extend(other.ids);
        self.emails.extend(other.emails);
        self.user_names.extend(other.user_names);
    }

    /// The e-mail addresses to look accounts up by: the work e-mails and
    /// every login that is an address, trimmed, each once (without regard
    /// to case), in order.
    pub(crate) fn addresses(&self) -> Vec<&str> {
        let mut seen = std::collections::HashSet::new();
        self.emails
            .iter()
            .chain(self.user_names.iter().filter(|u| u.contains('@')))
            .map(|e| e.trim())
            .filter(|e| !e.is_empty() && seen.insert(e.to_lowercase()))
            .collect()
    }
}

/// `true` when the Application matches accounts to people by the
/// accounts' `email` alone, without domain aliases: only then does a
/// lookup by the person's addresses find every account the plan could
/// match to them. An employee-number or attribute correlator, or an alias
/// domain, matches accounts no address lookup finds, and a one-person
/// reconcile that missed them would miss a leaver's account. (An account
/// whose address carries a `+tag` the person's lacks is the one case left
/// to the next full reconcile.)
pub(crate) fn correlates_by_email_only(app: &ApplicationSpec) -> bool {
    app.correlate.iter().all(|c| {
        c.employee_id.is_none()
            && c.attribute.is_none()
            && c.email.as_ref().is_some_and(|e| {
                e.domain_aliases.is_empty() && e.account_field.as_deref().is_none_or(|f| f.trim() == "email")
            })
    })
}

/// What became of one change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The app made the change. The text says what it did, for the audit
    /// log (`created id 2819c223`).
    Applied(String),
    /// The app already was as wanted (a rerun after a crash, or a human
    /// got there first); nothing was sent that changes it.
    AlreadyDone(String),
}

/// Reads (and later changes) one app's accounts.
#[async_trait]
pub trait Connector: Send + Sync {
    /// Connector kind as written in policies (`csvExport`).
    fn kind(&self) -> &'static str;
    /// The Application's name.
    fn app(&self) -> &str;
    /// What it can do.
    fn capabilities(&self) -> Capabilities;
    /// Every account of the app, with [`Connector::capabilities`] set on
    /// the listing. Never a partial list.
    async fn list(&self) -> Result<AccountListing, ConnectorError>;
    /// The accounts that may belong to one person: for a reconcile of that
    /// person alone, after an HR event, without reading every account of
    /// every app. May return more than the person's accounts (the plan
    /// correlates them), never fewer than an exact lookup by the keys finds.
    /// The default reads the whole listing.
    async fn find(&self, person: &PersonKeys) -> Result<AccountListing, ConnectorError> {
        let _ = person;
        self.list().await
    }
    /// Carries out one planned change (never a review).
    ///
    /// Must be idempotent, because a crash or a lost response makes the
    /// engine run it again: creating an account that already exists adopts
    /// it, suspending a suspended account or deleting a deleted one is
    /// [`Outcome::AlreadyDone`].
    async fn apply(&self, change: &Change) -> Result<Outcome, ConnectorError> {
        Err(ConnectorError::Unsupported { app: self.app().to_owned(), kind: self.kind(), action: change.action.verb() })
    }
}

/// Builds the connector of every Application in the set, by app name,
/// outside Kubernetes (a `token.secret` reference is refused).
pub fn build_all(set: &PolicySet) -> Result<BTreeMap<String, Box<dyn Connector>>, ConnectorError> {
    let secrets = ClusterSecrets::unavailable();
    set.applications.iter().map(|app| Ok((app.name.clone(), build(set, app, &secrets)?))).collect()
}

/// Builds one Application's connector; Kubernetes Secret references are
/// read from `secrets`. The connector itself gets only the app's
/// [`Locator`](keyward_core::load::Locator) (where the policy declared it,
/// for paths and messages) and, for Google Workspace, the groups the
/// policies grant in the app, both from `set`.
pub fn build(
    set: &PolicySet,
    app: &Named<ApplicationSpec>,
    secrets: &ClusterSecrets,
) -> Result<Box<dyn Connector>, ConnectorError> {
    let c = &app.spec.connector;
    let locator = set.locator(&app.origin);
    let names = c.kinds_set();
    if names.len() != 1 {
        let why = if names.is_empty() {
            format!("set one of {}", ConnectorSpec::KINDS.map(|k| format!("`spec.connector.{k}`")).join(", "))
        } else {
            format!(
                "keep exactly one of {}",
                names.iter().map(|k| format!("`spec.connector.{k}`")).collect::<Vec<_>>().join(" and ")
            )
        };
        return Err(ConnectorError::NotConfigured { app: app.name.clone(), why });
    }
    if let Some(spec) = &c.csv_export {
        return Ok(Box::new(csv_export::CsvExport::new(&locator, app, spec)));
    }
    if let Some(spec) = &c.scim {
        return Ok(Box::new(scim::Scim::new_with(&locator, app, spec, secrets)?));
    }
    if let Some(spec) = &c.github {
        return Ok(Box::new(github::Github::new_with(&locator, app, spec, secrets)?));
    }
    if let Some(spec) = &c.ldap {
        return Ok(Box::new(ldap::Ldap::new_with(&locator, app, spec, secrets)?));
    }
    if let Some(spec) = &c.microsoft_graph {
        return Ok(Box::new(graph::MicrosoftGraph::new(&locator, app, spec, secrets)?));
    }
    if let Some(spec) = &c.google_workspace {
        return Ok(Box::new(google::GoogleWorkspace::new(
            &locator,
            app,
            spec,
            secrets,
            set.granted_groups(&app.name),
        )?));
    }
    if let Some(spec) = &c.atlassian {
        return Ok(Box::new(atlassian::Atlassian::new(&locator, app, spec, secrets)?));
    }
    if let Some(spec) = &c.slack {
        return Ok(Box::new(slack::Slack::new(&locator, app, spec, secrets)?));
    }
    if let Some(spec) = &c.http {
        return Ok(Box::new(rest::HttpApi::new(&locator, app, spec, secrets)?));
    }
    if let Some(spec) = &c.okta {
        return Ok(Box::new(okta::Okta::new(&locator, app, spec, secrets)?));
    }
    Err(ConnectorError::Internal(format!("Application {}: connector kind {names:?} is not built", app.name)))
}

/// Lists every app concurrently. All listings must succeed: a plan over
/// some apps but not others would hide the others' leavers.
pub async fn list_all(
    connectors: &BTreeMap<String, Box<dyn Connector>>,
) -> Result<BTreeMap<String, AccountListing>, Vec<ConnectorError>> {
    let futures = connectors.iter().map(|(name, c)| async move { (name.clone(), c.list().await) });
    let results = futures::future::join_all(futures).await;
    let mut out = BTreeMap::new();
    let mut errors = Vec::new();
    for (name, r) in results {
        match r {
            Ok(l) => {
                out.insert(name, l);
            }
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() { Ok(out) } else { Err(errors) }
}
