//! The GitHub organisation connector (REST API, github.com or GitHub
//! Enterprise Server): members with their organisation role, pending
//! invitations, and team memberships as groups.
//!
//! GitHub has no suspended members. Taking access away means removing the
//! person from the organisation, which is what both "suspend" and
//! "delete" do here; GitHub keeps a removed member's settings (role, team
//! memberships, private forks) for three months and gives them back to an
//! invitation with role `reinstate`, which is what a restore sends, so a
//! suspension is undone the way admins expect, by re-inviting. Data cannot
//! be handed over.
//!
//! Every change is idempotent, because the apply engine reruns a change
//! whose outcome it never learnt: an invitation GitHub refuses as "already
//! a member/invited" is [`Outcome::AlreadyDone`], and so is removing
//! someone who is no longer there.

pub(crate) mod map;
pub(crate) mod pages;

use std::collections::{BTreeSet, HashMap, HashSet};

use async_trait::async_trait;
use futures::{StreamExt, TryStreamExt};
use http::header::LINK;
use http::{Method, StatusCode};
use keyward_core::account::{Account, AccountListing, Text};
use keyward_core::action::Action;
use keyward_core::load::{Locator, Named};
use keyward_core::plan::Change;
use keyward_core::resources::{ApplicationSpec, GithubConnector};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use url::Url;

use self::map::{INVITATION, Invitation, Membership, Team, User};
use self::pages::{Step, Walk};
use crate::ClusterSecrets;
use crate::http::{HttpClient, HttpSettings, Reply, Request, RetryPolicy, Throttle};
use crate::{Capabilities, Connector, ConnectorError, Outcome, PersonKeys};

/// The REST API version keyward is written against.
const API_VERSION: &str = "2022-11-28";
/// GitHub's largest page.
const PER_PAGE: &str = "100";
/// Team member listings read at once: enough to hide latency, far below
/// GitHub's 100 concurrent requests.
const TEAM_READS_IN_FLIGHT: usize = 4;
/// What a token needs, for error messages.
const SCOPE: &str = "a classic token needs the `admin:org` scope, a fine-grained token the organisation permission \"Members: read and write\", and the token's owner must be an owner of the organisation";

/// One GitHub organisation, as one Application.
#[derive(Debug)]
pub struct Github {
    app: String,
    org: String,
    base: Url,
    teams: bool,
    http: HttpClient,
    /// Team ids and memberships from the last listing: a create needs the
    /// ids of its teams, and a targeted lookup the teams of a member,
    /// without reading every team again. Memberships changed since are
    /// corrected by the next full reconcile; joining a team twice is
    /// checked before it is sent.
    cache: std::sync::Mutex<TeamCache>,
}

#[derive(Debug, Default, Clone)]
struct TeamCache {
    ids: HashMap<String, u64>,
    /// User id → team slugs.
    member_of: HashMap<u64, Vec<Text>>,
}

/// Whom an invitation is for.
enum Invitee {
    /// A GitHub user, by numeric id.
    User { login: String, id: u64 },
    /// Someone without a known login, by e-mail.
    Email(String),
}

impl Invitee {
    fn label(&self) -> String {
        match self {
            Self::User { login, id } => format!("{login} (user {id})"),
            Self::Email(e) => e.clone(),
        }
    }
}

impl Github {
    /// Builds the connector of an Application with a `github` connector,
    /// reading its token now: a missing token is an error before anything
    /// is listed.
    pub fn new(
        locator: &Locator,
        app: &Named<ApplicationSpec>,
        spec: &GithubConnector,
    ) -> Result<Self, ConnectorError> {
        Self::new_with(locator, app, spec, &ClusterSecrets::unavailable())
    }

    /// As [`Github::new`], with the Kubernetes Secret values a
    /// `token.secret` may name.
    pub fn new_with(
        locator: &Locator,
        app: &Named<ApplicationSpec>,
        spec: &GithubConnector,
        secrets: &ClusterSecrets,
    ) -> Result<Self, ConnectorError> {
        let token = crate::secrets::read(locator, app, &spec.token, secrets, "GitHub token", "token")?;
        let written = spec.api_url().trim_end_matches('/');
        let base = crate::http::api_base(&format!("{written}/")).map_err(|e| ConnectorError::NotConfigured {
            app: app.name.clone(),
            why: format!("spec.connector.github.apiUrl: {e}"),
        })?;
        let mut settings = HttpSettings::new(spec.timeout_seconds, app.spec.apply.requests_per_second);
        settings.accept = "application/vnd.github+json".to_owned();
        settings.throttle = Throttle::GitHub;
        settings.headers.push(("X-GitHub-Api-Version".to_owned(), API_VERSION.to_owned()));
        let http = HttpClient::bearer(&app.name, token, &settings)?;
        Ok(Self {
            app: app.name.clone(),
            org: spec.org.trim().to_owned(),
            base,
            teams: spec.teams(),
            http,
            cache: std::sync::Mutex::new(TeamCache::default()),
        })
    }

    /// The same connector with another retry policy (tests use short delays).
    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.http.set_retry(retry);
        self
    }

    /// `{base}/{segments…}?{query}`, each part percent-encoded.
    fn url(&self, segments: &[&str], query: &[(&str, &str)]) -> Url {
        let mut url = self.base.clone();
        // `new_with` refused cannot-be-a-base URLs, the only ones without segments.
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().extend(segments);
        }
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        url
    }

    /// `/orgs/{org}/{segments…}`.
    fn org_url(&self, segments: &[&str], query: &[(&str, &str)]) -> Url {
        let mut all = vec!["orgs", self.org.as_str()];
        all.extend_from_slice(segments);
        self.url(&all, query)
    }

    async fn send(&self, req: Request) -> Result<Reply, ConnectorError> {
        Ok(self.http.send(&req).await?)
    }

    async fn get(&self, url: Url) -> Result<Reply, ConnectorError> {
        self.send(Request::new(Method::GET, url)).await
    }

    /// A failed answer as an error, with GitHub's own words (`message`,
    /// each of `errors[].message`, `documentation_url`) and, for refusals,
    /// what the token needs.
    fn failed(&self, reply: &Reply, context: Option<&str>) -> ConnectorError {
        let mut parts: Vec<String> = context.into_iter().map(str::to_owned).collect();
        let header = |name: &str| reply.headers.get(name).and_then(|v| v.to_str().ok());
        match reply.status {
            StatusCode::UNAUTHORIZED => parts.push(format!(
                "GitHub does not accept the token (expired, revoked or mistyped?); {SCOPE}"
            )),
            StatusCode::FORBIDDEN | StatusCode::TOO_MANY_REQUESTS if header("x-ratelimit-remaining") == Some("0") => {
                let until = header("x-ratelimit-reset")
                    .and_then(|r| r.trim().parse::<i64>().ok())
                    .and_then(|s| jiff::Timestamp::from_second(s).ok())
                    .map(|t| format!(" until {t}"))
                    .unwrap_or_default();
                parts.push(format!("the token's GitHub rate limit is used up{until}; the next run resumes"));
            }
            StatusCode::FORBIDDEN if header("x-github-sso").is_some() => parts.push(
                "the token is not authorised for the organisation's SAML single sign-on; authorise it in the token's settings (Configure SSO)".to_owned(),
            ),
            StatusCode::FORBIDDEN => parts.push(format!("GitHub refused: {SCOPE} {}", self.org)),
            _ => {}
        }
        if let Ok(body) = serde_json::from_slice::<Value>(&reply.body) {
            let details: Vec<&str> = body
                .get("errors")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|e| e.get("message").and_then(Value::as_str).or_else(|| e.as_str()))
                .collect();
            if !details.is_empty() {
                parts.push(details.join("; "));
            }
            if let Some(doc) = body.get("documentation_url").and_then(Value::as_str) {
                parts.push(format!("see {doc}"));
            }
        }
        if parts.is_empty() { reply.error().into() } else { reply.error_with(Some(&parts.join("; "))).into() }
    }

    /// Every item of a paged listing. A listing that shifts while being
    /// read is read once more, then refused.
    async fn all(&self, first: Url) -> Result<Vec<Value>, ConnectorError> {
        let mut earlier: Option<String> = None;
        loop {
            match self.walk(&first).await? {
                Ok(items) => return Ok(items),
                Err(why) => match earlier {
                    None => {
                        tracing::warn!(app = %self.app, problem = %why, "the listing changed while being read; reading it again");
                        earlier = Some(why);
                    }
                    Some(first_problem) => {
                        return Err(self.partial(format!("{first_problem}; read again: {why}")));
                    }
                },
            }
        }
    }

    /// One walk through a listing: the items, or why it shifted.
    async fn walk(&self, first: &Url) -> Result<Result<Vec<Value>, String>, ConnectorError> {
        let mut walk = Walk::new(&self.base, first);
        let mut url = first.clone();
        loop {
            let reply = self.get(url).await?;
            if !reply.is_success() {
                return Err(self.failed(
                    &reply,
                    Some("a page of the listing could not be read, so keyward plans nothing from it"),
                ));
            }
            let link = reply.headers.get(LINK).and_then(|v| v.to_str().ok());
            match walk.page(reply.call(), reply.json()?, link) {
                Step::Next(next) => url = next,
                Step::Done(items) => return Ok(Ok(items)),
                Step::Shifted(why) => return Ok(Err(why)),
                Step::Broken(why) => return Err(self.partial(why)),
            }
        }
    }

    /// Every item of a listing, typed.
    async fn all_of<T: DeserializeOwned>(&self, first: Url, what: &str) -> Result<Vec<T>, ConnectorError> {
        let call = format!("GET {first}");
        self.all(first).await?.into_iter().map(|v| self.parse(v, &call, what)).collect()
    }

    fn parse<T: DeserializeOwned>(&self, v: Value, call: &str, what: &str) -> Result<T, ConnectorError> {
        serde_json::from_value(v).map_err(|e| {
            self.partial(format!("{call} returned {what} keyward cannot read ({e}), so it cannot tell who it is"))
        })
    }

    fn partial(&self, why: String) -> ConnectorError {
        ConnectorError::Partial { app: self.app.clone(), why }
    }

    /// Members with their role: organisation owners, then members. A
    /// person in both lists changed role while they were read.
    async fn members(&self) -> Result<Vec<(User, &'static str)>, ConnectorError> {
        let by_role = |role: &'static str| {
            let url = self.org_url(&["members"], &[("role", role), ("per_page", PER_PAGE)]);
            async move { self.all_of::<User>(url, "a member").await.map(|users| (users, role)) }
        };
        let mut earlier: Option<String> = None;
        loop {
            let ((admins, a), (members, m)) = futures::try_join!(by_role("admin"), by_role("member"))?;
            let owners: HashSet<u64> = admins.iter().map(|u| u.id).collect();
            match members.iter().find(|u| owners.contains(&u.id)) {
                None => {
                    let mut out: Vec<(User, &'static str)> = admins.into_iter().map(|u| (u, a)).collect();
                    out.extend(members.into_iter().map(|u| (u, m)));
                    return Ok(out);
                }
                Some(u) => {
                    let why = format!(
                        "{} is listed both as an owner and as a member: the role changed while being read",
                        u.login
                    );
                    match earlier {
                        None => earlier = Some(why),
                        Some(first) => return Err(self.partial(format!("{first}; read again: {why}"))),
                    }
                }
            }
        }
    }

    /// Pending invitations with the slugs of the teams each one adds.
    async fn invitations(&self) -> Result<Vec<(Invitation, Vec<Text>)>, ConnectorError> {
        let url = self.org_url(&["invitations"], &[("per_page", PER_PAGE)]);
        let invitations = self.all_of::<Invitation>(url, "an invitation").await?;
        let mut out = Vec::with_capacity(invitations.len());
        for inv in invitations {
            let teams = self.invitation_teams(&inv).await?;
            out.push((inv, teams));
        }
        Ok(out)
    }

    /// The slugs of the teams an invitation adds its invitee to.
    async fn invitation_teams(&self, inv: &Invitation) -> Result<Vec<Text>, ConnectorError> {
        if !self.teams || inv.team_count == 0 {
            return Ok(Vec::new());
        }
        let id = inv.id.to_string();
        let url = self.org_url(&["invitations", &id, "teams"], &[("per_page", PER_PAGE)]);
        Ok(self.all_of::<Team>(url, "a team").await?.into_iter().map(|t| Text::from(t.slug)).collect())
    }

    /// Every team and its members.
    async fn read_teams(&self) -> Result<TeamCache, ConnectorError> {
        let mut cache = TeamCache::default();
        if !self.teams {
            return Ok(cache);
        }
        let teams = self.all_of::<Team>(self.org_url(&["teams"], &[("per_page", PER_PAGE)]), "a team").await?;
        let reads: Vec<_> = teams.iter().map(|t| self.team_members(&t.slug)).collect();
        let members: Vec<(&str, Vec<User>)> =
            futures::stream::iter(reads).buffered(TEAM_READS_IN_FLIGHT).try_collect().await?;
        for t in &teams {
            cache.ids.insert(t.slug.clone(), t.id);
        }
        for (slug, users) in members {
            for u in users {
                cache.member_of.entry(u.id).or_default().push(Text::from(slug));
            }
        }
        Ok(cache)
    }

    async fn team_members<'s>(&self, slug: &'s str) -> Result<(&'s str, Vec<User>), ConnectorError> {
        let url = self.org_url(&["teams", slug, "members"], &[("per_page", PER_PAGE)]);
        Ok((slug, self.all_of::<User>(url, "a team member").await?))
    }

    fn cached(&self) -> TeamCache {
        self.cache.lock().map(|c| c.clone()).unwrap_or_default()
    }

    fn listing(&self, accounts: Vec<Account>) -> AccountListing {
        AccountListing::new(self.org_url(&[], &[]).to_string(), accounts).with_capabilities(self.capabilities())
    }

    fn unsupported(&self, action: &'static str) -> ConnectorError {
        ConnectorError::Unsupported { app: self.app.clone(), kind: self.kind(), action }
    }

    fn login<'c>(&self, change: &'c Change) -> Result<&'c str, ConnectorError> {
        change.account.username.as_deref().ok_or_else(|| {
            ConnectorError::Internal(format!(
                "the {} change of {} in {} names no GitHub login",
                change.action.as_str(),
                change.account.label(),
                self.app
            ))
        })
    }

    /// The user's login today, by the numeric id that survives renames;
    /// `None` when the user no longer exists.
    async fn current_login(&self, id: &str) -> Result<Option<String>, ConnectorError> {
        let reply = self.get(self.url(&["user", id], &[])).await?;
        match reply.status {
            s if s.is_success() => Ok(Some(self.parse::<User>(reply.json()?, reply.call(), "a user")?.login)),
            StatusCode::NOT_FOUND => Ok(None),
            _ => Err(self.failed(&reply, None)),
        }
    }

    /// Sends `build(login)`; when GitHub answers 404 because the member
    /// renamed their account since the listing, sends it once more with
    /// the login the account's id has now. Returns the answer and the
    /// login it was for.
    async fn send_as(
        &self,
        change: &Change,
        build: impl Fn(&str) -> Request,
    ) -> Result<(Reply, String), ConnectorError> {
        let login = self.login(change)?;
        let reply = self.send(build(login)).await?;
        if reply.status != StatusCode::NOT_FOUND {
            return Ok((reply, login.to_owned()));
        }
        let Some(id) = change.account.id.as_deref().filter(|id| id.bytes().all(|b| b.is_ascii_digit())) else {
            return Ok((reply, login.to_owned()));
        };
        match self.current_login(id).await? {
            Some(now) if !now.eq_ignore_ascii_case(login) => {
                tracing::info!(app = %self.app, from = %login, to = %now, "the member renamed their account");
                let reply = self.send(build(&now)).await?;
                Ok((reply, now))
            }
            _ => Ok((reply, login.to_owned())),
        }
    }

    /// The ids of the teams to join, every one required to exist.
    async fn team_ids(&self, slugs: &[String]) -> Result<Vec<u64>, ConnectorError> {
        let cached = self.cached();
        let mut out = Vec::with_capacity(slugs.len());
        for slug in slugs {
            if let Some(id) = cached.ids.get(slug) {
                out.push(*id);
                continue;
            }
            let reply = self.get(self.org_url(&["teams", slug], &[])).await?;
            match reply.status {
                s if s.is_success() => out.push(self.parse::<Team>(reply.json()?, reply.call(), "a team")?.id),
                StatusCode::NOT_FOUND => {
                    return Err(self.failed(
                        &reply,
                        Some(&format!(
                            "there is no team `{slug}` in {}; create it there or correct the policy's grant",
                            self.org
                        )),
                    ));
                }
                _ => return Err(self.failed(&reply, None)),
            }
        }
        Ok(out)
    }

    /// The invitee of a create: the GitHub user HR names, else the e-mail.
    async fn invitee(&self, change: &Change) -> Result<Invitee, ConnectorError> {
        if let Some(login) = change.account.username.as_deref() {
            let reply = self.get(self.url(&["users", login], &[])).await?;
            return match reply.status {
                s if s.is_success() => {
                    let user = self.parse::<User>(reply.json()?, reply.call(), "a user")?;
                    Ok(Invitee::User { login: user.login, id: user.id })
                }
                StatusCode::NOT_FOUND => Err(self.failed(
                    &reply,
                    Some(&format!(
                        "there is no GitHub user `{login}`, the login the HR data records for {}; correct it there",
                        change.person.as_ref().map(|p| p.id.as_str()).unwrap_or(change.account.label())
                    )),
                )),
                _ => Err(self.failed(&reply, None)),
            };
        }
        let email = change.account.email.as_deref().or_else(|| change.person.as_ref().and_then(|p| p.email.as_deref()));
        match email {
            Some(e) => Ok(Invitee::Email(e.to_owned())),
            None => Err(ConnectorError::Internal(format!(
                "the {} change of {} in {} has neither a GitHub login nor an e-mail to invite",
                change.action.as_str(),
                change.account.label(),
                self.app
            ))),
        }
    }

    /// Invites someone (a create, or a restore with `role` `reinstate`).
    async fn invite(&self, change: &Change, invitee: Invitee, role: &str) -> Result<Outcome, ConnectorError> {
        let slugs = change.groups.as_ref().map(|g| g.add.clone()).unwrap_or_default();
        // Before inviting: a grant naming a team the organisation lacks fails
        // the change without leaving a half-made invitation.
        let team_ids = if self.teams { self.team_ids(&slugs).await? } else { Vec::new() };
        let mut body = json!({ "role": role, "team_ids": team_ids });
        match &invitee {
            Invitee::User { id, .. } => body["invitee_id"] = json!(id),
            Invitee::Email(e) => body["email"] = json!(e),
        }
        let who = invitee.label();
        let reply = self.send(Request::new(Method::POST, self.org_url(&["invitations"], &[])).json(&body)).await?;
        if reply.is_success() {
            let inv = self.parse::<Invitation>(reply.json()?, reply.call(), "an invitation")?;
            let teams =
                if slugs.is_empty() || !self.teams { String::new() } else { format!(" to {}", slugs.join(", ")) };
            return Ok(Outcome::Applied(format!("invited {who} as {role}{teams} (invitation {})", inv.id)));
        }
        if reply.status == StatusCode::UNPROCESSABLE_ENTITY
            && let Some(why) = already_there(&reply)
        {
            return Ok(Outcome::AlreadyDone(format!("{who}: {why}")));
        }
        Err(self.failed(&reply, Some(&format!("cannot invite {who}"))))
    }

    async fn create(&self, change: &Change) -> Result<Outcome, ConnectorError> {
        let wanted = change.role.as_ref().map(|r| r.to.as_str());
        let role = map::invitation_role(wanted).ok_or_else(|| self.bad_role(wanted.unwrap_or_default()))?;
        let invitee = self.invitee(change).await?;
        self.invite(change, invitee, role).await
    }

    /// Re-invites a removed member; without a role from the plan, GitHub's
    /// `reinstate` gives back the role they had.
    async fn restore(&self, change: &Change) -> Result<Outcome, ConnectorError> {
        let role = match change.role.as_ref().map(|r| r.to.as_str()) {
            Some(r) => map::invitation_role(Some(r)).ok_or_else(|| self.bad_role(r))?,
            None => "reinstate",
        };
        let id = change.account.id.as_deref().and_then(|id| id.parse::<u64>().ok());
        let invitee = match (id, change.account.username.as_deref()) {
            (Some(id), Some(login)) => Invitee::User { login: login.to_owned(), id },
            _ => self.invitee(change).await?,
        };
        self.invite(change, invitee, role).await
    }

    fn bad_role(&self, role: &str) -> ConnectorError {
        ConnectorError::NotConfigured {
            app: self.app.clone(),
            why: format!("`{role}` is not a GitHub organisation role; use member or admin"),
        }
    }

    async fn update(&self, change: &Change) -> Result<Outcome, ConnectorError> {
        if change.account.username.is_none() && is_invitation(change) {
            return Err(self.unsupported(
                "change the role or teams of an invitation sent to an e-mail address (cancel it in GitHub; keyward then invites again)",
            ));
        }
        let mut did: Vec<String> = Vec::new();
        let mut already: Vec<String> = Vec::new();
        if let Some(role) = &change.role {
            let to = map::membership_role(&role.to).ok_or_else(|| self.bad_role(&role.to))?;
            let (reply, login) = self
                .send_as(change, |login| {
                    Request::new(Method::PUT, self.org_url(&["memberships", login], &[])).json(&json!({ "role": to }))
                })
                .await?;
            if !reply.is_success() {
                return Err(self.failed(&reply, Some(&format!("cannot make {login} {to}"))));
            }
            did.push(format!("role {to}"));
        }
        if let Some(groups) = &change.groups
            && self.teams
        {
            for slug in &groups.add {
                let (reply, login) = self
                    .send_as(change, |login| {
                        Request::new(Method::GET, self.org_url(&["teams", slug, "memberships", login], &[]))
                    })
                    .await?;
                if reply.is_success() {
                    // A maintainer stays one: sending `member` would demote them.
                    already.push(format!("already in {slug}"));
                    continue;
                }
                if reply.status != StatusCode::NOT_FOUND {
                    return Err(self.failed(&reply, None));
                }
                let url = self.org_url(&["teams", slug, "memberships", &login], &[]);
                let reply = self.send(Request::new(Method::PUT, url).json(&json!({ "role": "member" }))).await?;
                match reply.status {
                    s if s.is_success() => did.push(format!("joined {slug}")),
                    StatusCode::NOT_FOUND => {
                        return Err(self.failed(
                            &reply,
                            Some(&format!("there is no team `{slug}` in {}, or no user {login}", self.org)),
                        ));
                    }
                    _ => return Err(self.failed(&reply, Some(&format!("cannot add {login} to {slug}")))),
                }
            }
            for slug in &groups.remove {
                let (reply, login) = self
                    .send_as(change, |login| {
                        Request::new(Method::DELETE, self.org_url(&["teams", slug, "memberships", login], &[]))
                    })
                    .await?;
                match reply.status {
                    s if s.is_success() => did.push(format!("left {slug}")),
                    StatusCode::NOT_FOUND => already.push(format!("not in {slug}")),
                    _ => return Err(self.failed(&reply, Some(&format!("cannot remove {login} from {slug}")))),
                }
            }
        }
        let who = change.account.username.as_deref().unwrap_or(change.account.label());
        Ok(if did.is_empty() {
            Outcome::AlreadyDone(if already.is_empty() { "nothing to change".to_owned() } else { already.join(", ") })
        } else {
            Outcome::Applied(format!("{who}: {}", did.join(", ")))
        })
    }

    /// Takes the member out of the organisation (`suspend` through the
    /// membership, `delete` through the member list: the same effect).
    async fn remove(&self, change: &Change, action: Action) -> Result<Outcome, ConnectorError> {
        if is_invitation(change) {
            return self.cancel(change).await;
        }
        let (reply, login) = self
            .send_as(change, |login| {
                let url = match action {
                    Action::Suspend => self.org_url(&["memberships", login], &[]),
                    _ => self.org_url(&["members", login], &[]),
                };
                Request::new(Method::DELETE, url)
            })
            .await?;
        match reply.status {
            s if s.is_success() => Ok(Outcome::Applied(match action {
                Action::Suspend => format!(
                    "removed {login} from {}; for three months, restoring (re-inviting) them gives back their role and teams",
                    self.org
                ),
                _ => format!("removed {login} from {}", self.org),
            })),
            StatusCode::NOT_FOUND => Ok(Outcome::AlreadyDone(format!("{login} is not a member of {}", self.org))),
            _ => Err(self.failed(&reply, Some(&format!("cannot remove {login} from {}", self.org)))),
        }
    }

    /// Cancels a pending invitation. One accepted since the listing has
    /// made a member, who is removed instead: the plan wanted the access gone.
    async fn cancel(&self, change: &Change) -> Result<Outcome, ConnectorError> {
        let id = change.account.id.as_deref().and_then(|id| id.strip_prefix(INVITATION)).unwrap_or_default();
        let who = change.account.label();
        let reply = self.send(Request::new(Method::DELETE, self.org_url(&["invitations", id], &[]))).await?;
        if reply.is_success() {
            return Ok(Outcome::Applied(format!("cancelled the invitation of {who} to {} ({id})", self.org)));
        }
        if reply.status != StatusCode::NOT_FOUND {
            return Err(self.failed(&reply, Some(&format!("cannot cancel the invitation of {who}"))));
        }
        let Some(login) = change.account.username.as_deref() else {
            return Ok(Outcome::AlreadyDone(format!("the invitation of {who} is no longer pending")));
        };
        let reply = self.get(self.org_url(&["memberships", login], &[])).await?;
        if reply.status == StatusCode::NOT_FOUND {
            return Ok(Outcome::AlreadyDone(format!("the invitation of {who} is no longer pending")));
        }
        if !reply.is_success() {
            return Err(self.failed(&reply, None));
        }
        let reply = self.send(Request::new(Method::DELETE, self.org_url(&["memberships", login], &[]))).await?;
        match reply.status {
            s if s.is_success() => Ok(Outcome::Applied(format!(
                "{login} had accepted the invitation meanwhile; removed them from {}",
                self.org
            ))),
            StatusCode::NOT_FOUND => Ok(Outcome::AlreadyDone(format!("{login} is not a member of {}", self.org))),
            _ => Err(self.failed(&reply, Some(&format!("cannot remove {login} from {}", self.org)))),
        }
    }
}

fn is_invitation(change: &Change) -> bool {
    change.account.id.as_deref().is_some_and(|id| id.starts_with(INVITATION))
}

/// GitHub's reason, when a 422 to an invitation says the person is already
/// a member or already invited.
fn already_there(reply: &Reply) -> Option<String> {
    let body: Value = serde_json::from_slice(&reply.body).ok()?;
    let messages = body
        .get("errors")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|e| e.get("message").and_then(Value::as_str).or_else(|| e.as_str()));
    let top = body.get("message").and_then(Value::as_str);
    messages.chain(top).find(|m| m.to_lowercase().contains("already")).map(str::to_owned)
}

#[async_trait]
impl Connector for Github {
    fn kind(&self) -> &'static str {
        "github"
    }

    fn app(&self) -> &str {
        &self.app
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            revoke: keyward_core::account::RevokeKinds::NONE,
            create: true,
            update: true,
            // By removing the member from the organisation: see the module
            // documentation.
            suspend: true,
            // By inviting again.
            restore: true,
            delete: true,
            // Repositories belong to the organisation, not to the member.
            transfer: false,
            groups: self.teams,
        }
    }

    async fn list(&self) -> Result<AccountListing, ConnectorError> {
        let (members, invitations, teams) = futures::try_join!(self.members(), self.invitations(), self.read_teams())?;
        let mut accounts = Vec::with_capacity(members.len() + invitations.len());
        for (user, role) in &members {
            let groups = teams.member_of.get(&user.id).cloned().unwrap_or_default();
            accounts.push(map::member(user, role, groups));
        }
        accounts.extend(invitations.into_iter().filter_map(|(inv, teams)| map::invitation(&inv, teams)));
        if let Ok(mut cache) = self.cache.lock() {
            *cache = teams;
        }
        Ok(self.listing(accounts))
    }

    async fn find(&self, person: &PersonKeys) -> Result<AccountListing, ConnectorError> {
        let logins: BTreeSet<String> =
            person.user_names.iter().filter_map(|v| map::as_login(v)).map(str::to_lowercase).collect();
        let emails: BTreeSet<String> = person.emails.iter().map(|e| e.trim().to_lowercase()).collect();
        let member_of = self.cached().member_of;
        let mut accounts = Vec::new();
        for login in &logins {
            let reply = self.get(self.org_url(&["memberships", login], &[])).await?;
            if reply.status == StatusCode::NOT_FOUND {
                continue;
            }
            if !reply.is_success() {
                return Err(self.failed(&reply, None));
            }
            let m = self.parse::<Membership>(reply.json()?, reply.call(), "a membership")?;
            // A pending membership is an invitation, which the listing below finds.
            let (Some(user), "active", role @ ("admin" | "member")) = (m.user, m.state.as_str(), m.role.as_str())
            else {
                continue;
            };
            let groups = member_of.get(&user.id).cloned().unwrap_or_default();
            accounts.push(map::member(&user, role, groups));
        }
        let matches = |inv: &Invitation| {
            inv.login.as_deref().is_some_and(|l| logins.contains(&l.to_lowercase()))
                || inv.email.as_deref().is_some_and(|e| emails.contains(&e.trim().to_lowercase()))
        };
        let url = self.org_url(&["invitations"], &[("per_page", PER_PAGE)]);
        for inv in self.all_of::<Invitation>(url, "an invitation").await?.into_iter().filter(matches) {
            let teams = self.invitation_teams(&inv).await?;
            accounts.extend(map::invitation(&inv, teams));
        }
        Ok(self.listing(accounts))
    }

    async fn apply(&self, change: &Change) -> Result<Outcome, ConnectorError> {
        match change.action {
            Action::Create => self.create(change).await,
            Action::Restore => self.restore(change).await,
            Action::Update => self.update(change).await,
            Action::Suspend | Action::Delete => self.remove(change, change.action).await,
            Action::Transfer | Action::Revoke | Action::Review => Err(self.unsupported(change.action.verb())),
        }
    }
}
