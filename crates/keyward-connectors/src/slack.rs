//! The Slack connector: a workspace's (or an Enterprise Grid
//! organisation's) users read through the Web API's `users.list`, and
//! accounts created, deactivated and reactivated through Slack's SCIM API
//! by the [`crate::scim`] connector's own client.
//!
//! The Web API answers errors as HTTP 200 with `{"ok": false, "error": …}`,
//! so every page's `ok` is checked: a page that is not `ok` fails the
//! listing with Slack's error code and what to do about it. Pages follow
//! `response_metadata.next_cursor` to the end (an empty cursor ends the
//! listing); a cursor seen twice is a partial listing.
//!
//! Slack never deletes users (SCIM's DELETE only deactivates), and SCIM
//! cannot change who is an owner, an admin or a guest, so deletions and
//! role changes are tasks for a human. The Web API user id is the SCIM id,
//! so the user groups read from SCIM's `/Groups` (with a SCIM token) are
//! matched to the Web API's users by it.
//!
//! A one-person lookup ([`Connector::find`]) asks `users.lookupByEmail`
//! for each of the person's addresses and reads each account's groups from
//! its SCIM User resource, instead of every page of users and groups.

use std::collections::HashSet;

use async_trait::async_trait;
use http::Method;
use keyward_core::account::{Account, AccountListing, AccountStatus, Text};
use keyward_core::action::Action;
use keyward_core::load::{Locator, Named};
use keyward_core::plan::Change;
use keyward_core::resources::{ApplicationSpec, ScimProfile, SlackConnector};
use serde_json::Value;
use url::Url;

use keyward_core::account::RevokeKinds;
use keyward_core::resources::RevokeKind;

use crate::ClusterSecrets;
use crate::http::{HttpClient, HttpSettings, Reply, Request, RetryPolicy, Throttle};
use crate::scim::Scim;
use crate::{Capabilities, Connector, ConnectorError, Outcome, PersonKeys};

/// Users per page when the policy does not say: Slack recommends at most 200.
const DEFAULT_LIMIT: u32 = 200;
/// Slack's largest page.
const MAX_LIMIT: u32 = 1000;

/// One Slack workspace or organisation, as one Application.
#[derive(Debug)]
pub struct Slack {
    app: String,
    api: Url,
    team_id: Option<String>,
    limit: u32,
    http: HttpClient,
    /// The SCIM client for changes; `None` without a `scimToken`, which
    /// makes the connector read-only.
    scim: Option<Scim>,
    /// Whether a person's accounts can be looked up by e-mail
    /// ([`crate::correlates_by_email_only`]).
    find_by_email: bool,
    /// Enterprise Grid's admin API, with the organisation admin's token,
    /// for session resets; `None` without an `adminToken`.
    admin: Option<HttpClient>,
}

impl Slack {
    /// Builds the connector of an Application with a `slack` connector,
    /// reading its tokens now: a missing token is an error before anything
    /// is listed.
    pub fn new(
        locator: &Locator,
        app: &Named<ApplicationSpec>,
        spec: &SlackConnector,
        secrets: &ClusterSecrets,
    ) -> Result<Self, ConnectorError> {
        let token = crate::secrets::read(locator, app, &spec.token, secrets, "Slack Web API token", "token")?;
        let base = |field: &str, written: &str| {
            let written = written.trim_end_matches('/');
            crate::http::api_base(written).map_err(|e| ConnectorError::NotConfigured {
                app: app.name.clone(),
                why: format!("spec.connector.slack.{field}: {e}"),
            })
        };
        let api = base("apiUrl", spec.api_url())?;
        let scim = match &spec.scim_token {
            Some(r) => {
                let scim_token = crate::secrets::read(locator, app, r, secrets, "Slack SCIM token", "scimToken")?;
                let url = base("scimUrl", spec.scim_url())?;
                Some(Scim::vendor(app, url, scim_token, ScimProfile::Slack, spec.timeout_seconds)?)
            }
            None => None,
        };
        let mut settings = HttpSettings::new(spec.timeout_seconds, app.spec.apply.requests_per_second);
        settings.throttle = Throttle::Standard;
        let admin = match &spec.admin_token {
            Some(r) => {
                let t = crate::secrets::read(locator, app, r, secrets, "Slack admin token", "adminToken")?;
                Some(HttpClient::bearer(&app.name, t, &settings)?)
            }
            None => None,
        };
        Ok(Self {
            admin,
            app: app.name.clone(),
            api,
            team_id: spec.team_id.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned),
            limit: spec.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT),
            http: HttpClient::bearer(&app.name, token, &settings)?,
            scim,
            find_by_email: crate::correlates_by_email_only(&app.spec),
        })
    }

    /// The same connector with another retry policy (tests use short delays).
    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.http.set_retry(retry);
        self.scim = self.scim.map(|s| s.with_retry(retry));
        if let Some(a) = &mut self.admin {
            a.set_retry(retry);
        }
        self
    }

    /// `{api}/{method}?{query}`.
    fn url(&self, method: &str, query: &[(&str, &str)]) -> Url {
        crate::urls::join(&self.api, &[method], query, &[])
    }

    /// A Web API call's answer, `ok` or not (Slack's errors come as 200).
    async fn get(&self, url: Url) -> Result<(Reply, Value), ConnectorError> {
        let reply = self.http.send(&Request::new(Method::GET, url)).await?;
        if !reply.is_success() {
            return Err(reply.error().into());
        }
        let body = reply.json()?;
        Ok((reply, body))
    }

    /// A Web API call's body when Slack says `ok`; its error otherwise.
    async fn call(&self, url: Url) -> Result<(Reply, Value), ConnectorError> {
        let (reply, body) = self.get(url).await?;
        if !is_ok(&body) {
            return Err(slack_error(&self.app, &reply, &body));
        }
        Ok((reply, body))
    }

    /// Signs user `id` out of every Slack session on every device
    /// (`admin.users.session.reset`, Enterprise Grid). Slack answers `ok`
    /// however often it is called; a user Slack no longer has is done.
    async fn reset_sessions(&self, id: &str) -> Result<Outcome, ConnectorError> {
        let Some(admin) = &self.admin else {
            return Err(ConnectorError::Unsupported { app: self.app.clone(), kind: "slack", action: "reset sessions" });
        };
        let url = self.url("admin.users.session.reset", &[]);
        let reply = admin.send(&Request::new(Method::POST, url).form(&[("user_id", id)])).await?;
        if !reply.is_success() {
            return Err(reply.error().into());
        }
        let body = reply.json()?;
        if is_ok(&body) {
            return Ok(Outcome::Applied(format!("signed {id} out of every Slack session")));
        }
        match text(&body, "error") {
            Some("user_not_found") => Ok(Outcome::AlreadyDone(format!("{id} is no longer in Slack"))),
            Some("not_an_enterprise" | "feature_not_enabled" | "not_allowed_token_type") => {
                let mut e = slack_error(&self.app, &reply, &body);
                if let ConnectorError::Http { problem, .. } = &mut e {
                    problem.push_str(
                        "; session resets need Enterprise Grid and an organisation admin's user token with admin.users:write in spec.connector.slack.adminToken",
                    );
                }
                Err(e)
            }
            _ => Err(slack_error(&self.app, &reply, &body)),
        }
    }

    fn listing(&self, accounts: Vec<Account>) -> AccountListing {
        AccountListing::new(self.url("users.list", &[]).to_string(), accounts).with_capabilities(self.capabilities())
    }

    fn partial(&self, why: String) -> ConnectorError {
        ConnectorError::Partial { app: self.app.clone(), why }
    }

    fn scim(&self, action: &str) -> Result<&Scim, ConnectorError> {
        self.scim.as_ref().ok_or_else(|| ConnectorError::NotConfigured {
            app: self.app.clone(),
            why: format!(
                "cannot {action}: `spec.connector.slack.scimToken` is not set, so keyward only lists Slack's users; set a SCIM token with the `admin` scope, or make the change by hand"
            ),
        })
    }

    async fn create(&self, change: &Change) -> Result<Outcome, ConnectorError> {
        let scim = self.scim("create accounts")?;
        let role = change.role.as_ref().map(|r| r.to.to_ascii_lowercase());
        if role.as_deref().is_some_and(|r| r.ends_with("-guest")) {
            // A full member would get more access than the guest wanted.
            return Err(ConnectorError::Unsupported {
                app: self.app.clone(),
                kind: self.kind(),
                action: "create guests",
            });
        }
        let email = change.account.email.as_deref().or_else(|| change.person.as_ref().and_then(|p| p.email.as_deref()));
        if let Some(email) = email
            && let Some(user) = self.lookup_by_email(email).await?
        {
            // An account made by hand or by an earlier, interrupted run.
            let Some(id) = text(&user, "id") else {
                return Err(ConnectorError::Internal("users.lookupByEmail returned a user without id".to_owned()));
            };
            if user.get("deleted") == Some(&Value::Bool(true)) {
                let done = scim.reactivate(id).await?;
                return Ok(Outcome::Applied(format!(
                    "adopted existing account {id} ({email}): {}",
                    outcome_text(&done)
                )));
            }
            return Ok(Outcome::AlreadyDone(format!("{email} already has account {id}")));
        }
        // SCIM cannot make owners, admins or guests: the account starts as
        // a member and the next plan shows the role left to a human.
        let mut member = change.clone();
        member.role = None;
        let done = scim.create_account(&member).await?;
        Ok(match (done, role.as_deref()) {
            (Outcome::Applied(t), Some(r)) if r != "member" => {
                Outcome::Applied(format!("{t}; created as member: make it {r} by hand in Slack"))
            }
            (done, _) => done,
        })
    }

    /// The user with this e-mail, `None` when Slack has none.
    async fn lookup_by_email(&self, email: &str) -> Result<Option<Value>, ConnectorError> {
        let (reply, body) = self.get(self.url("users.lookupByEmail", &[("email", email)])).await?;
        if is_ok(&body) {
            Ok(body.get("user").cloned())
        } else if text(&body, "error") == Some("users_not_found") {
            Ok(None)
        } else {
            Err(slack_error(&self.app, &reply, &body))
        }
    }
}

#[async_trait]
impl Connector for Slack {
    fn kind(&self) -> &'static str {
        "slack"
    }

    fn app(&self) -> &str {
        &self.app
    }

    /// With a SCIM token: creates, deactivates (suspend) and reactivates
    /// (restore), and changes user-group memberships (SCIM Groups). Never
    /// deletes (Slack cannot) and changes no role (SCIM cannot). With an
    /// Enterprise Grid admin token: resets sessions. Without a SCIM token:
    /// lists only.
    fn capabilities(&self) -> Capabilities {
        if self.scim.is_none() {
            return Capabilities::READ_ONLY;
        }
        Capabilities {
            revoke: if self.admin.is_some() { RevokeKinds::of(&[RevokeKind::Sessions]) } else { RevokeKinds::NONE },
            create: true,
            update: false,
            suspend: true,
            restore: true,
            delete: false,
            transfer: false,
            groups: true,
        }
    }

    async fn list(&self) -> Result<AccountListing, ConnectorError> {
        let limit = self.limit.to_string();
        let mut cursor = String::new();
        let mut seen_cursors: HashSet<String> = HashSet::new();
        let mut seen_ids: HashSet<String> = HashSet::new();
        let mut accounts = Vec::new();
        loop {
            let mut query = vec![("limit", limit.as_str())];
            if !cursor.is_empty() {
                query.push(("cursor", cursor.as_str()));
            }
            if let Some(t) = &self.team_id {
                query.push(("team_id", t.as_str()));
            }
            let (reply, body) = self.call(self.url("users.list", &query)).await?;
            let Some(members) = body.get("members").and_then(Value::as_array) else {
                return Err(self.partial(format!("{} answered without a `members` list", reply.call())));
            };
            for m in members {
                let Some(a) = account(m) else {
                    return Err(self.partial(format!("{} returned a member without an id", reply.call())));
                };
                if seen_ids.insert(a.id.to_string()) {
                    accounts.push(a);
                }
            }
            let next = body.pointer("/response_metadata/next_cursor").and_then(Value::as_str).unwrap_or_default();
            if next.is_empty() {
                break;
            }
            if !seen_cursors.insert(next.to_owned()) {
                return Err(self.partial(format!("{} gave back a cursor already followed", reply.call())));
            }
            cursor = next.to_owned();
        }
        if let Some(scim) = &self.scim
            && let Some(member_of) = scim.memberships().await?
        {
            for a in &mut accounts {
                a.groups = member_of.get(a.id.as_str()).cloned().unwrap_or_default();
                a.groups.sort();
                a.groups.dedup();
            }
        }
        Ok(self.listing(accounts))
    }

    /// The users `users.lookupByEmail` finds for the person's addresses
    /// (`users_not_found` is none, any other error fails the lookup), each
    /// with its user groups from SCIM when a SCIM token is set. With no
    /// address, or when the Application matches accounts by something
    /// other than their e-mail, the whole listing is read: Slack looks
    /// users up by e-mail only. Slack's lookup does not return deactivated
    /// users (it answers `users_not_found`), so a work e-mail it does not
    /// know may still be a deactivated account: then the whole listing is read
    /// too, because planning from "no account" would create a second
    /// account for a rehire instead of restoring theirs.
    async fn find(&self, person: &PersonKeys) -> Result<AccountListing, ConnectorError> {
        let emails = person.addresses();
        if emails.is_empty() || !self.find_by_email {
            return self.list().await;
        }
        let mut seen: HashSet<String> = HashSet::new();
        let mut accounts = Vec::new();
        for email in emails {
            let Some(user) = self.lookup_by_email(email).await? else {
                // Only a work e-mail can be the person's own deactivated
                // account; a login that happens to be an address (a
                // manager's, in an HR attribute) is simply no account.
                if person.emails.iter().any(|e| e.trim().eq_ignore_ascii_case(email)) {
                    return self.list().await;
                }
                continue;
            };
            let Some(mut a) = account(&user) else {
                return Err(self.partial(format!("users.lookupByEmail returned a user without an id for {email}")));
            };
            if !seen.insert(a.id.to_string()) {
                continue;
            }
            if let Some(scim) = &self.scim {
                a.groups = scim.user_groups(a.id.as_str()).await?;
                a.groups.sort();
                a.groups.dedup();
            }
            accounts.push(a);
        }
        Ok(self.listing(accounts))
    }

    async fn apply(&self, change: &Change) -> Result<Outcome, ConnectorError> {
        let id = || crate::account_id(change, &self.app);
        match change.action {
            Action::Create => self.create(change).await,
            Action::Suspend => self.scim("deactivate accounts")?.deactivate(id()?).await,
            Action::Restore => self.scim("reactivate accounts")?.reactivate(id()?).await,
            // The plan hands a role change to a human; groups only come here.
            Action::Update if change.role.is_none() => self.scim("change user groups")?.change_groups(change).await,
            Action::Revoke if self.admin.is_some() => self.reset_sessions(id()?).await,
            Action::Update | Action::Delete | Action::Transfer | Action::Revoke | Action::Review => {
                Err(ConnectorError::Unsupported {
                    app: self.app.clone(),
                    kind: self.kind(),
                    action: change.action.verb(),
                })
            }
        }
    }
}

/// A Web API member as an account: deactivated users are suspended, bots
/// (Slackbot too) are bots, and the role is read from Slack's flags, the
/// most privileged first. `None` without an id.
pub(crate) fn account(m: &Value) -> Option<Account> {
    let flag = |k: &str| m.get(k) == Some(&Value::Bool(true));
    let id = text(m, "id")?;
    let profile = m.get("profile").unwrap_or(&Value::Null);
    let mut a = Account::new(id);
    a.username = text(m, "name").map(Text::from);
    a.email = text(profile, "email").map(Text::from);
    a.display_name = text(m, "real_name")
        .or_else(|| text(profile, "real_name"))
        .or_else(|| text(profile, "display_name"))
        .map(Text::from);
    a.bot = flag("is_bot") || flag("is_app_user") || id == "USLACKBOT";
    a.status = if flag("deleted") {
        AccountStatus::Suspended
    } else if flag("is_invited_user") {
        AccountStatus::Invited
    } else {
        AccountStatus::Active
    };
    let role = if flag("is_primary_owner") || flag("is_owner") {
        "owner"
    } else if flag("is_admin") {
        "admin"
    } else if flag("is_ultra_restricted") {
        "single-channel-guest"
    } else if flag("is_restricted") {
        "multi-channel-guest"
    } else {
        "member"
    };
    a.role = Some(Text::from(role));
    Some(a)
}

/// Slack's `ok: false` answer as an error: its error code first, then
/// what to do about it.
fn slack_error(app: &str, reply: &Reply, body: &Value) -> ConnectorError {
    let code = text(body, "error").unwrap_or("unknown_error");
    let help = match code {
        "missing_scope" => format!(
            "the token lacks the scope `{}` (it has: {}); add it under OAuth & Permissions in the Slack app's settings and reinstall the app",
            text(body, "needed").unwrap_or("?"),
            text(body, "provided").unwrap_or("none")
        ),
        "invalid_auth" | "not_authed" | "token_revoked" | "token_expired" | "account_inactive" => {
            "Slack does not accept the token of spec.connector.slack.token; issue a new one and update the secret"
                .to_owned()
        }
        "ratelimited" => "Slack is rate limiting this method; run again later".to_owned(),
        "missing_argument" | "team_access_not_granted" | "invalid_team_id" => {
            "an Enterprise Grid token needs `teamId` naming a workspace the app is installed in".to_owned()
        }
        _ => "see Slack's documentation of this method's errors".to_owned(),
    };
    ConnectorError::Http {
        app: app.to_owned(),
        call: reply.call().to_owned(),
        status: Some(reply.status.as_u16()),
        // An HTTP 200 body, which the client does not scrub: `error`,
        // `needed` and `provided` are the app's words.
        problem: reply.redact(&format!("Slack error `{code}`: {help}")),
    }
}

fn is_ok(body: &Value) -> bool {
    body.get("ok") == Some(&Value::Bool(true))
}

fn outcome_text(o: &Outcome) -> &str {
    match o {
        Outcome::Applied(t) | Outcome::AlreadyDone(t) => t,
    }
}

/// A string field, `None` when absent or blank.
fn text<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty())
}
