//! The changes the Okta connector makes, one request per change where
//! Okta allows it: a lifecycle call answered with an error is followed by
//! reading the user, so a rerun after a crash (the user already
//! suspended, deactivated or gone) is [`Outcome::AlreadyDone`] and not
//! an error, without a read before every call.

use http::{Method, StatusCode};
use keyward_core::plan::Change;
use keyward_core::resources::OktaSuspendAs;
use serde_json::{Value, json};

use super::{Group, Okta, map, okta_error};
use crate::http::{Reply, Request};
use crate::{ConnectorError, Outcome};

/// What a user's status is, read after a refused lifecycle call.
enum Now {
    /// Okta has no such user.
    Gone,
    /// Its `status`.
    Status(String),
}

impl Okta {
    /// `POST /api/v1/users/{id}/lifecycle/{verb}`.
    async fn lifecycle(&self, id: &str, verb: &str, query: &[(&str, &str)]) -> Result<Reply, ConnectorError> {
        Ok(self.http.send(&Request::new(Method::POST, self.url(&["users", id, "lifecycle", verb], query))).await?)
    }

    /// The user's status now, after `refused` (kept for the error when
    /// the user cannot be read either).
    async fn now(&self, id: &str, refused: &Reply) -> Result<Now, ConnectorError> {
        let reply = self.http.send(&Request::new(Method::GET, self.url(&["users", id], &[]))).await?;
        if reply.status == StatusCode::NOT_FOUND {
            return Ok(Now::Gone);
        }
        if !reply.is_success() {
            return Err(okta_error(refused, None).into());
        }
        Ok(Now::Status(map::text(&reply.json()?, "status").unwrap_or("").to_owned()))
    }

    pub(super) async fn suspend(&self, id: &str) -> Result<Outcome, ConnectorError> {
        let (verb, done, query): (&str, &str, &[(&str, &str)]) = match self.suspend_as {
            OktaSuspendAs::Suspend => ("suspend", "suspended", &[]),
            OktaSuspendAs::Deactivate => ("deactivate", "deactivated", &[("sendEmail", "false")]),
        };
        let reply = self.lifecycle(id, verb, query).await?;
        if reply.is_success() {
            return Ok(Outcome::Applied(format!("{done} {id}")));
        }
        match self.now(id, &reply).await? {
            Now::Gone => Ok(Outcome::AlreadyDone(format!("{id} is no longer in Okta"))),
            Now::Status(s) if s == "DEPROVISIONED" || (s == "SUSPENDED" && verb == "suspend") => {
                Ok(Outcome::AlreadyDone(format!("{id} is already {s}")))
            }
            // Okta suspends only ACTIVE users. One who never activated has
            // no data in the apps yet, and the activation link Okta sent
            // would still let them in: deactivating is what shuts it.
            Now::Status(s) if verb == "suspend" && (s == "STAGED" || s == "PROVISIONED") => {
                let again = self.lifecycle(id, "deactivate", &[("sendEmail", "false")]).await?;
                if !again.is_success() {
                    return Err(okta_error(&again, Some(&format!("cannot deactivate {id} ({s})"))).into());
                }
                Ok(Outcome::Applied(format!(
                    "deactivated {id}: it was {s}, which Okta cannot suspend, and its activation link would still work"
                )))
            }
            Now::Status(s) => Err(okta_error(
                &reply,
                Some(&format!(
                    "cannot {verb} {id}, whose status is {s}: Okta suspends only ACTIVE users; unlock or reset it in the Admin Console, or set suspendAs: deactivate"
                )),
            )
            .into()),
        }
    }

    /// Unsuspends a SUSPENDED user; activates a DEPROVISIONED one again
    /// (Okta e-mails them an activation link: with `sendEmail=false` the
    /// link would come back to keyward alone, which does not keep it, and
    /// the person could never sign in).
    pub(super) async fn restore(&self, id: &str) -> Result<Outcome, ConnectorError> {
        let reply = self.lifecycle(id, "unsuspend", &[]).await?;
        if reply.is_success() {
            return Ok(Outcome::Applied(format!("unsuspended {id}")));
        }
        match self.now(id, &reply).await? {
            Now::Status(s) if s == "DEPROVISIONED" => {
                let again = self.lifecycle(id, "activate", &[("sendEmail", "true")]).await?;
                if !again.is_success() {
                    return Err(okta_error(&again, Some(&format!("cannot activate {id} again"))).into());
                }
                Ok(Outcome::Applied(format!("activated {id} again (Okta e-mailed the activation link)")))
            }
            Now::Status(s) if s == "SUSPENDED" || s.is_empty() => {
                Err(okta_error(&reply, Some(&format!("cannot unsuspend {id}"))).into())
            }
            Now::Status(s) => Ok(Outcome::AlreadyDone(format!("{id} is {s}, not suspended"))),
            Now::Gone => {
                Err(okta_error(&reply, Some(&format!("{id} is no longer in Okta; nothing to restore"))).into())
            }
        }
    }

    /// Okta's two steps: deactivate (unless already DEPROVISIONED), then
    /// delete.
    pub(super) async fn delete(&self, id: &str) -> Result<Outcome, ConnectorError> {
        let reply = self.lifecycle(id, "deactivate", &[("sendEmail", "false")]).await?;
        if !reply.is_success() {
            match self.now(id, &reply).await? {
                Now::Gone => return Ok(Outcome::AlreadyDone(format!("{id} is no longer in Okta"))),
                Now::Status(s) if s == "DEPROVISIONED" => {}
                Now::Status(s) => {
                    return Err(
                        okta_error(&reply, Some(&format!("cannot deactivate {id} (status {s}) to delete it"))).into()
                    );
                }
            }
        }
        let url = self.url(&["users", id], &[("sendEmail", "false")]);
        let reply = self.http.send(&Request::new(Method::DELETE, url)).await?;
        match reply.status {
            s if s.is_success() => Ok(Outcome::Applied(format!("deactivated and deleted {id}"))),
            StatusCode::NOT_FOUND => Ok(Outcome::AlreadyDone(format!("{id} is no longer in Okta"))),
            _ => Err(okta_error(&reply, Some(&format!("{id} is deactivated but could not be deleted"))).into()),
        }
    }

    /// Creates and activates the person's user (login = work e-mail) in the
    /// granted groups, one request; a taken login is the user an earlier
    /// attempt (or a human) made, which is adopted, never a second user,
    /// and then joins the granted groups.
    pub(super) async fn create(&self, change: &Change) -> Result<Outcome, ConnectorError> {
        let person = change.person.as_ref();
        let email = change.account.email.as_deref().or_else(|| person.and_then(|p| p.email.as_deref()));
        let Some(email) = email else {
            return Err(ConnectorError::Internal(format!(
                "the create of {} in {} has no e-mail to make the login from",
                change.account.label(),
                self.app
            )));
        };
        let full = person
            .and_then(|p| p.name.as_deref())
            .or(change.account.display_name.as_deref())
            .unwrap_or_else(|| email.split('@').next().unwrap_or(email));
        let (first, last) = crate::google::map::split_name(full, self.name_order);
        let mut profile = json!({"firstName": first, "lastName": last, "email": email, "login": email});
        if let Some(p) = person {
            profile["employeeNumber"] = json!(p.id.as_str());
        }
        // Every group must be one keyward may change before the user is made.
        let groups = change.groups.as_ref().map(|g| g.add.as_slice()).unwrap_or_default();
        let mut joins = Vec::with_capacity(groups.len());
        for g in groups {
            joins.push(self.changeable(g).await?);
        }
        let mut body = json!({ "profile": profile });
        if !joins.is_empty() {
            // Okta adds the new user to these groups in the same request.
            body["groupIds"] = json!(joins.iter().map(|g| g.id.as_str()).collect::<Vec<_>>());
        }
        let req = Request::new(Method::POST, self.url(&["users"], &[("activate", "true")])).json(&body);
        let reply = self.http.send(&req).await?;
        let (id, how) = if reply.is_success() {
            let Some(id) = map::text(&reply.json()?, "id").map(str::to_owned) else {
                return Err(okta_error(&reply, Some("Okta accepted the new user but did not say its id")).into());
            };
            (id, "created and activated")
        } else if reply.status == StatusCode::BAD_REQUEST && map::login_taken(&reply.body) {
            (self.adopt(&reply, email).await?, "adopted existing user")
        } else {
            return Err(okta_error(&reply, Some(&format!("cannot create {email}"))).into());
        };
        // An adopted user may lack the groups: joining is harmless if not.
        let adopted = how.starts_with("adopted");
        for g in joins.iter().filter(|_| adopted) {
            self.join(&id, g).await.map_err(|e| {
                e.prefixed(&format!(
                    "user {id} was {how}, but joining its groups failed (the next apply adopts it and retries)"
                ))
            })?;
        }
        let mut what = format!("{how} {id} ({email})");
        if !joins.is_empty() {
            let names: Vec<&str> = joins.iter().map(|g| g.name.as_str()).collect();
            what.push_str(&format!(", groups {}", names.join(", ")));
        }
        Ok(Outcome::Applied(what))
    }

    /// The user whose login is `login`, behind a "login taken" refusal.
    async fn adopt(&self, refused: &Reply, login: &str) -> Result<String, ConnectorError> {
        let reply = self.http.send(&Request::new(Method::GET, self.url(&["users", login], &[]))).await?;
        let user: Value = if reply.is_success() { reply.json()? } else { Value::Null };
        let same =
            user.get("profile").and_then(|p| map::text(p, "login")).is_some_and(|l| l.eq_ignore_ascii_case(login));
        match map::text(&user, "id") {
            Some(id) if same => Ok(id.to_owned()),
            _ => Err(okta_error(
                refused,
                Some(&format!("the login {login} is taken, but no user with that login could be read to adopt")),
            )
            .into()),
        }
    }

    /// Group membership changes; a role is not something Okta users have.
    pub(super) async fn update(&self, id: &str, change: &Change) -> Result<Outcome, ConnectorError> {
        if change.role.is_some() {
            return Err(ConnectorError::Unsupported { app: self.app.clone(), kind: "okta", action: "change a role" });
        }
        // Every group is checked before anything is sent: a change is not
        // left half made because its last group is one keyward may not touch.
        let (mut joins, mut leaves) = (Vec::new(), Vec::new());
        if let Some(groups) = &change.groups {
            for g in &groups.add {
                joins.push(self.changeable(g).await?);
            }
            for g in &groups.remove {
                // A group that is gone has no members to remove.
                if self.group(g).await?.is_some() {
                    leaves.push(self.changeable(g).await?);
                } else {
                    leaves.push(Group { id: String::new(), name: g.clone(), kind: String::new() });
                }
            }
        }
        let mut did: Vec<String> = Vec::new();
        let mut already: Vec<String> = Vec::new();
        for g in &joins {
            self.join(id, g).await?;
            did.push(format!("joined {}", g.name));
        }
        for g in &leaves {
            if self.leave(id, g).await? {
                did.push(format!("left {}", g.name));
            } else {
                already.push(format!("not in {}", g.name));
            }
        }
        Ok(if did.is_empty() {
            Outcome::AlreadyDone(if already.is_empty() { "nothing to change".to_owned() } else { already.join(", ") })
        } else {
            if !already.is_empty() {
                did.push(format!("{} (no change)", already.join(", ")));
            }
            Outcome::Applied(format!("{id}: {}", did.join(", ")))
        })
    }

    /// The group called `name`, from the cache or read afresh (a name the
    /// cache lacks may be a group made since).
    async fn group(&self, name: &str) -> Result<Option<Group>, ConnectorError> {
        let find = |all: &[Group]| {
            let hits: Vec<&Group> = all.iter().filter(|g| g.name == name).collect();
            match hits.as_slice() {
                [one] => Ok(Some((*one).clone())),
                [] => Ok(None),
                many => Err(many.len()),
            }
        };
        let cached = self.groups.lock().ok().and_then(|g| g.as_ref().and_then(|all| find(all).ok().flatten()));
        if cached.is_some() {
            return Ok(cached);
        }
        let all = self.read_groups().await?;
        find(&all).map_err(|n| ConnectorError::Http {
            app: self.app.clone(),
            call: format!("GET {}", self.url(&["groups"], &[])),
            status: Some(200),
            problem: format!("{n} Okta groups are called `{name}`; rename all but one so keyward knows which is meant"),
        })
    }

    /// The Okta group `name` may be changed: it exists and is an
    /// `OKTA_GROUP`. Checked before anything is sent.
    async fn changeable(&self, name: &str) -> Result<Group, ConnectorError> {
        let problem = |why: String| ConnectorError::Http {
            app: self.app.clone(),
            call: format!("GET {}", self.url(&["groups"], &[])),
            status: Some(200),
            problem: why,
        };
        let Some(g) = self.group(name).await? else {
            return Err(problem(format!(
                "there is no Okta group `{name}` in {}; create it in the Admin Console (Directory → Groups) or correct the policy",
                self.app
            )));
        };
        if g.kind != "OKTA_GROUP" {
            return Err(problem(format!(
                "`{name}` is an {} group, whose members {} decides, not keyward; grant an Okta group (OKTA_GROUP) instead",
                g.kind,
                if g.kind == "APP_GROUP" { "the app or directory it comes from" } else { "Okta" }
            )));
        }
        Ok(g)
    }

    /// Adds the user to the group (Okta answers 204 whether or not it
    /// was a member, so a rerun is harmless).
    async fn join(&self, id: &str, g: &Group) -> Result<(), ConnectorError> {
        let reply = self.http.send(&Request::new(Method::PUT, self.url(&["groups", &g.id, "users", id], &[]))).await?;
        if reply.is_success() {
            return Ok(());
        }
        Err(okta_error(&reply, Some(&format!("cannot add {id} to group `{}`", g.name))).into())
    }

    /// `true` when the user left, `false` when not a member or the group
    /// is gone.
    async fn leave(&self, id: &str, g: &Group) -> Result<bool, ConnectorError> {
        if g.id.is_empty() {
            return Ok(false);
        }
        let reply =
            self.http.send(&Request::new(Method::DELETE, self.url(&["groups", &g.id, "users", id], &[]))).await?;
        match reply.status {
            s if s.is_success() => Ok(true),
            StatusCode::NOT_FOUND => Ok(false),
            _ => Err(okta_error(&reply, Some(&format!("cannot remove {id} from group `{}`", g.name))).into()),
        }
    }
}
