//! Discovery in Google Workspace: every user of the customer (or domain),
//! then the OAuth tokens each granted to third-party apps
//! (`users.tokens.list`), read through the Directory API's batch endpoint,
//! 1000 users per request.
//!
//! Users are read with only the fields discovery needs (id, primary
//! e-mail, suspended), 500 per page; each batch's answer is folded into
//! the scan as it arrives, so 10,000 users cost 20 pages and 10 batch
//! requests and never more than one batch answer in memory. Google does
//! not date tokens, so `--since` cannot narrow them: the scan says so.
//!
//! The service account needs, in its domain-wide delegation, the scopes
//! `admin.directory.user.readonly` and `admin.directory.user.security`
//! (the second is not among those a PeopleSource or the connector needs
//! otherwise).

use keyward_core::account::Text;
use keyward_core::discovery::{AppFacts, AppUse, DirectoryScan, Evidence};
use keyward_core::load::{Locator, Named};
use keyward_core::resources::{
    ApplicationSpec, GoogleWorkspaceConnector, GoogleWorkspacePeopleSource, PeopleSourceSpec, SecretRef,
};
use serde_json::Value;
use url::Url;

use super::ScanOptions;
use crate::google::batch::Answer;
use crate::google::{GoogleWorkspace, Reader, map};
use crate::http::RetryPolicy;
use crate::{ClusterSecrets, ConnectorError};

/// The users page discovery asks for: the largest, with only its fields.
const USER_FIELDS: &str = "nextPageToken,users(id,primaryEmail,suspended)";
/// Scopes of one token kept per use: enough to tell what an app can do.
const MAX_SCOPES: usize = 50;
/// Longest app id, app name or scope kept: Google's are short, a longer
/// one is cut (outputs escape what they print; this bounds what they
/// hold).
const MAX_TEXT: usize = 200;

/// One Google Workspace directory to scan.
#[derive(Debug)]
pub struct GoogleDirectory {
    resource: String,
    key: String,
    /// Boxed: the client is large, and directories are kept in a list
    /// with Graph's.
    google: Box<GoogleWorkspace>,
}

impl GoogleDirectory {
    /// The directory an Application's connector reaches.
    pub fn from_connector(
        locator: &Locator,
        app: &Named<ApplicationSpec>,
        spec: &GoogleWorkspaceConnector,
        secrets: &ClusterSecrets,
    ) -> Result<Self, ConnectorError> {
        let reader = Reader {
            subject: &spec.subject,
            customer: spec.customer.as_deref(),
            domain: spec.domain.as_deref(),
            directory_url: spec.directory_url.as_deref(),
            timeout_seconds: spec.timeout_seconds,
            requests_per_second: app.spec.apply.requests_per_second,
        };
        Self::new(format!("Application/{}", app.name), locator, &spec.service_account_key, secrets, reader)
    }

    /// The directory a PeopleSource reads.
    pub fn from_people_source(
        locator: &Locator,
        src: &Named<PeopleSourceSpec>,
        spec: &GoogleWorkspacePeopleSource,
        secrets: &ClusterSecrets,
    ) -> Result<Self, ConnectorError> {
        let reader = Reader {
            subject: &spec.subject,
            customer: spec.customer.as_deref(),
            domain: spec.domain.as_deref(),
            directory_url: spec.directory_url.as_deref(),
            timeout_seconds: spec.timeout_seconds,
            requests_per_second: None,
        };
        Self::new(format!("PeopleSource/{}", src.name), locator, &spec.service_account_key, secrets, reader)
    }

    fn new(
        resource: String,
        locator: &Locator,
        key: &SecretRef,
        secrets: &ClusterSecrets,
        reader: Reader<'_>,
    ) -> Result<Self, ConnectorError> {
        let key = keyward_http::secrets::read_secret(locator, key, secrets, "serviceAccountKey").map_err(|why| {
            ConnectorError::Credentials { app: resource.clone(), what: "Google service account key".to_owned(), why }
        })?;
        let google = Box::new(GoogleWorkspace::reader(&resource, key, reader)?);
        let (by, value) = google.scope_query();
        let key = format!("{by}={}@{}", value.to_lowercase(), google.directory());
        Ok(Self { resource, key, google })
    }

    /// What identifies the directory whatever resource names it: the
    /// customer or domain and the Directory API it is read from.
    pub fn key(&self) -> String {
        self.key.clone()
    }

    /// The same directory with another retry policy.
    pub fn with_retry(self, retry: RetryPolicy) -> Self {
        Self { google: Box::new(self.google.with_retry(retry)), ..self }
    }

    /// Reads every app use the directory reports.
    pub async fn scan(&self, opts: &ScanOptions) -> Result<DirectoryScan, ConnectorError> {
        let start = self.google.calls_sent();
        let users = self.users().await?;
        let (by, value) = self.google.scope_query();
        let mut scan = DirectoryScan {
            directory: self.resource.clone(),
            kind: "googleWorkspace".to_owned(),
            source: format!("Google Workspace {by} {value}"),
            ..DirectoryScan::default()
        };
        if opts.since.is_some() {
            scan.notes.push(
                "Google does not date OAuth tokens, so --since cannot narrow them: every token still issued is listed"
                    .to_owned(),
            );
        }
        let calls: Vec<Url> = users.iter().map(|(id, _)| self.google.user_url(id, &["tokens"])).collect();
        let app = self.resource.as_str();
        let mut read = 0usize;
        self.google
            .batch_get(&calls, |i, answer| {
                // A user deleted since the listing has nothing to report.
                let Answer::Found(body) = answer else { return Ok(()) };
                read += 1;
                let (id, email) = &users[i];
                token_uses(&mut scan, app, &body, &calls[i], id, email)
            })
            .await?;
        scan.users = read;
        scan.requests = self.google.calls_sent() - start;
        Ok(scan)
    }

    /// Every user's id and primary e-mail, suspended users included (a
    /// leaver's token is what discovery must show).
    async fn users(&self) -> Result<Vec<(Text, Text)>, ConnectorError> {
        let query = [self.google.scope_query(), ("maxResults", "500"), ("fields", USER_FIELDS)];
        let base = self.google.directory().clone();
        let pages = self.google.pages(&base, &["users"], &query, "users", false).await?.unwrap_or_default();
        let mut out = Vec::with_capacity(pages.len());
        for u in &pages {
            let Some(user) = user_of(u) else {
                return Err(ConnectorError::Partial {
                    app: self.resource.clone(),
                    why: format!("GET {base}/users returned a user without an id or primaryEmail"),
                });
            };
            out.push(user);
        }
        if out.is_empty() {
            return Err(ConnectorError::Partial {
                app: self.resource.clone(),
                why: format!("GET {base}/users listed no users at all; check `customer` and `domain`"),
            });
        }
        Ok(out)
    }
}

/// A user of the users page as (id, lower-case primary e-mail); `None`
/// when it lacks either, which refuses the listing.
pub(crate) fn user_of(user: &Value) -> Option<(Text, Text)> {
    let (id, email) = (map::text(user, "id")?, map::text(user, "primaryEmail")?);
    Some((Text::from(id), Text::from(email.to_lowercase())))
}

/// Folds one user's `tokens.list` answer (`body`, read from `call`) into
/// `scan`: one use per token, and the app's name the first time an app
/// is seen. A token without a `clientId` refuses the scan (an app
/// nobody can name would hide a grant).
pub(crate) fn token_uses(
    scan: &mut DirectoryScan,
    app: &str,
    body: &Value,
    call: &Url,
    id: &Text,
    email: &Text,
) -> Result<(), ConnectorError> {
    for t in crate::google::grants::items(app, body, call)? {
        let Some(client) = map::text(t, "clientId") else {
            return Err(ConnectorError::Partial {
                app: app.to_owned(),
                why: format!("GET {call} listed a token without a clientId"),
            });
        };
        let client = cut(client);
        scan.apps
            .entry(client.clone())
            .or_insert_with(|| AppFacts { name: map::text(t, "displayText").map(cut), ..AppFacts::default() });
        scan.uses.push(AppUse {
            app: client,
            user: email.clone(),
            user_id: Some(id.clone()),
            evidence: Evidence::OauthToken,
            scopes: scopes(t),
            first_seen: None,
            last_seen: None,
            grant_id: None,
        });
    }
    Ok(())
}

/// A token's scopes, at most [`MAX_SCOPES`].
fn scopes(token: &Value) -> Vec<Text> {
    token
        .get("scopes")
        .and_then(Value::as_array)
        .map(|l| l.iter().filter_map(Value::as_str).take(MAX_SCOPES).map(cut).collect())
        .unwrap_or_default()
}

/// `s` cut to [`MAX_TEXT`] characters.
fn cut(s: &str) -> Text {
    match s.char_indices().nth(MAX_TEXT) {
        Some((end, _)) => Text::from(&s[..end]),
        None => Text::from(s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vendor_text_is_cut() {
        assert_eq!(cut("Slack"), "Slack");
        assert_eq!(cut(&"é".repeat(5000)).chars().count(), MAX_TEXT);
    }
}
