//! Creating users, changing their licence and groups, suspending and
//! restoring them: each idempotent, because the apply engine reruns a
//! change whose outcome it never learnt.

use http::{Method, StatusCode};
use keyward_core::plan::Change;
use keyward_core::resources::GoogleLicence;
use serde_json::{Value, json};

use super::pages::GoogleErrorBody;
use super::{GoogleWorkspace, map};
use crate::http::{Reply, Request};
use crate::{ConnectorError, Outcome, account_id};

impl GoogleWorkspace {
    /// `GET /users/{userKey}`: the user, or `None` when Google has none.
    pub(super) async fn user(&self, key: &str) -> Result<Option<(Reply, Value)>, ConnectorError> {
        let reply =
            self.http.send(&Request::new(Method::GET, Self::url(&self.directory, &["users", key], &[]))).await?;
        if reply.status == StatusCode::NOT_FOUND {
            return Ok(None);
        }
        if !reply.is_success() {
            return Err(self.google_error(&reply, None).into());
        }
        let user = reply.json()?;
        Ok(Some((reply, user)))
    }

    /// Refuses to take access from a super administrator: losing the last
    /// one locks everyone out of the Admin console, so a human decides.
    pub(super) fn refuse_admin(&self, reply: &Reply, user: &Value, what: &str) -> Result<(), ConnectorError> {
        if !map::flag(user, "isAdmin") {
            return Ok(());
        }
        Err(ConnectorError::Http {
            app: self.app.clone(),
            call: reply.call().to_owned(),
            status: Some(reply.status.as_u16()),
            problem: format!(
                "{} is a super administrator; keyward never {what}s one: revoke the super admin role in the Admin console first, or protect the account in spec.protect",
                map::text(user, "primaryEmail").unwrap_or("the user")
            ),
        })
    }

    pub(super) async fn create(&self, change: &Change) -> Result<Outcome, ConnectorError> {
        let person = change.person.as_ref();
        let email =
            change.account.email.as_deref().or_else(|| person.and_then(|p| p.email.as_deref())).ok_or_else(|| {
                ConnectorError::Internal(format!(
                    "the create of {} in {} has no e-mail to make the primaryEmail from",
                    change.account.label(),
                    self.app
                ))
            })?;
        let full = person
            .and_then(|p| p.name.as_deref())
            .or(change.account.display_name.as_deref())
            .unwrap_or_else(|| email.split('@').next().unwrap_or(email));
        let (given, family) = map::split_name(full, self.name_order);
        let password = map::initial_password()?;
        let mut body = json!({
            "primaryEmail": email,
            "name": {"givenName": given, "familyName": family},
            "password": password.expose(),
            "changePasswordAtNextLogin": true,
            "orgUnitPath": self.org_unit,
        });
        if let Some(p) = person {
            body["externalIds"] = json!([{"type": "organization", "value": p.id.as_str()}]);
        }
        let profile = change.profile.as_deref();
        let department = profile.and_then(|p| p.department.as_deref());
        let title = profile.and_then(|p| p.title.as_deref());
        if department.is_some() || title.is_some() {
            let mut org = json!({"primary": true});
            if let Some(d) = department {
                org["department"] = json!(d);
            }
            if let Some(t) = title {
                org["title"] = json!(t);
            }
            body["organizations"] = json!([org]);
        }
        let req =
            Request::new(Method::POST, Self::url(&self.directory, &["users"], &[])).json(&body).carrying(&password);
        let reply = self.http.send(&req).await?;
        let (id, how) = if reply.is_success() {
            let Some(id) = reply.json()?.get("id").and_then(Value::as_str).map(str::to_owned) else {
                return Err(ConnectorError::Http {
                    app: self.app.clone(),
                    call: reply.call().to_owned(),
                    status: Some(reply.status.as_u16()),
                    problem: "Google accepted the new user but did not say its id".to_owned(),
                });
            };
            (id, "created")
        } else if reply.status == StatusCode::CONFLICT {
            // An earlier attempt whose answer was lost, or a human.
            (self.adopt(&reply, email).await?, "adopted existing user")
        } else {
            return Err(self.google_error(&reply, None).into());
        };
        let role = change.role.as_ref().map(|r| r.to.as_str());
        let groups = change.groups.as_ref().map(|g| g.add.as_slice()).unwrap_or_default();
        let rest = async {
            if let Some(l) = self.licence_of(role) {
                self.assign_licence(email, l).await?;
            }
            for g in groups {
                self.add_member(g, email).await?;
            }
            Ok::<(), ConnectorError>(())
        };
        rest.await.map_err(|e| {
            e.prefixed(&format!(
                "user {id} was {how}, but its licence or groups failed (the next apply adopts it and retries)"
            ))
        })?;
        let mut what = format!("{how} {id} ({email}) in {}", self.org_unit);
        if let Some(l) = self.licence_of(role) {
            what.push_str(&format!(", licence {}/{}", l.product_id, l.sku_id));
        }
        if !groups.is_empty() {
            what.push_str(&format!(", groups {}", groups.join(", ")));
        }
        Ok(Outcome::Applied(what))
    }

    /// The user behind a 409: only one whose primary e-mail is `email` (an
    /// alias of someone else is not adopted). Unsuspended if suspended,
    /// since the plan wants the person to have a working account.
    async fn adopt(&self, conflict: &Reply, email: &str) -> Result<String, ConnectorError> {
        let found = self.user(email).await?;
        let Some((reply, user)) =
            found.filter(|(_, u)| map::text(u, "primaryEmail").is_some_and(|p| p.eq_ignore_ascii_case(email)))
        else {
            return Err(self
                .google_error(
                    conflict,
                    Some(&format!(
                        "Google says {email} exists, but no user has it as primary e-mail (it may be an alias or a group's address); keyward will not create a second one"
                    )),
                )
                .into());
        };
        let Some(id) = map::text(&user, "id") else {
            return Err(self.partial(format!("{} returned a user without an id", reply.call())));
        };
        if map::flag(&user, "suspended") {
            self.put_user(id, &json!({"suspended": false})).await?;
        }
        Ok(id.to_owned())
    }

    /// `PUT /users/{id}` with only the fields to change (Google's update
    /// has patch semantics). `false` when the user does not exist.
    async fn put_user(&self, id: &str, body: &Value) -> Result<bool, ConnectorError> {
        let req = Request::new(Method::PUT, Self::url(&self.directory, &["users", id], &[])).json(body);
        let reply = self.http.send(&req).await?;
        match reply.status {
            s if s.is_success() => Ok(true),
            StatusCode::NOT_FOUND => Ok(false),
            _ => Err(self.google_error(&reply, None).into()),
        }
    }

    pub(super) async fn set_suspended(&self, change: &Change, suspend: bool) -> Result<Outcome, ConnectorError> {
        let id = account_id(change, &self.app)?;
        let Some((reply, user)) = self.user(id).await? else {
            if suspend {
                return Ok(Outcome::AlreadyDone(format!("{id}: the user no longer exists")));
            }
            return Err(ConnectorError::Http {
                app: self.app.clone(),
                call: format!("GET {}", Self::url(&self.directory, &["users", id], &[])),
                status: Some(404),
                problem: "the user no longer exists; a user deleted less than 20 days ago can be restored in the Admin console first".to_owned(),
            });
        };
        let suspended = map::flag(&user, "suspended");
        let archived = map::flag(&user, "archived");
        if suspend {
            if suspended || archived {
                return Ok(Outcome::AlreadyDone(format!(
                    "{id} is already {}",
                    if suspended { "suspended" } else { "archived" }
                )));
            }
            self.refuse_admin(&reply, &user, "suspend")?;
        } else if !suspended && !archived {
            return Ok(Outcome::AlreadyDone(format!("{id} is already active")));
        }
        let mut body = json!({"suspended": suspend});
        if !suspend && archived {
            // An archived user signs in again only once unarchived (and
            // given a licence again where the product needs one).
            body["archived"] = json!(false);
        }
        if !self.put_user(id, &body).await? {
            return Ok(Outcome::AlreadyDone(format!("{id}: the user no longer exists")));
        }
        Ok(Outcome::Applied(format!("{} {id} (suspended: {suspend})", if suspend { "suspended" } else { "restored" })))
    }

    pub(super) async fn update(&self, change: &Change) -> Result<Outcome, ConnectorError> {
        let id = account_id(change, &self.app)?;
        // Licences are keyed by primary e-mail; groups take either.
        let email = change.account.email.as_deref();
        let mut did: Vec<String> = Vec::new();
        let mut already: Vec<String> = Vec::new();
        if let Some(role) = &change.role {
            let to = self.licence_of(Some(&role.to));
            let from = self.licence_of(role.from.as_deref()).filter(|f| Some(*f) != to);
            let Some(email) = email else {
                return Err(ConnectorError::Internal(format!(
                    "the role change of {id} names no e-mail for its licence"
                )));
            };
            match (from, to) {
                (None, None) => {
                    return Err(ConnectorError::Unsupported {
                        app: self.app.clone(),
                        kind: "googleWorkspace",
                        action: "change a role no licence stands for",
                    });
                }
                (Some(f), Some(t)) if f.product_id == t.product_id => {
                    if self.change_sku(email, f, t).await? {
                        did.push(format!("role {} (licence {}/{})", role.to, t.product_id, t.sku_id));
                    } else {
                        already.push(format!("already licensed {}/{}", t.product_id, t.sku_id));
                    }
                }
                (from, to) => {
                    if let Some(t) = to {
                        if self.assign_licence(email, t).await? {
                            did.push(format!("role {} (licence {}/{})", role.to, t.product_id, t.sku_id));
                        } else {
                            already.push(format!("already licensed {}/{}", t.product_id, t.sku_id));
                        }
                    }
                    if let Some(f) = from
                        && self.revoke_licence(email, f).await?
                    {
                        did.push(format!("licence {}/{} removed", f.product_id, f.sku_id));
                    }
                }
            }
        }
        if let Some(groups) = &change.groups {
            let member = email.unwrap_or(id);
            for g in &groups.add {
                if self.add_member(g, member).await? {
                    did.push(format!("joined {g}"));
                } else {
                    already.push(format!("already in {g}"));
                }
            }
            for g in &groups.remove {
                if self.remove_member(g, id).await? {
                    did.push(format!("left {g}"));
                } else {
                    already.push(format!("not in {g}"));
                }
            }
        }
        Ok(if did.is_empty() {
            Outcome::AlreadyDone(if already.is_empty() { "nothing to change".to_owned() } else { already.join(", ") })
        } else {
            Outcome::Applied(format!("{id}: {}", did.join(", ")))
        })
    }

    /// `POST /groups/{group}/members` as a `MEMBER`; `false` when already one.
    async fn add_member(&self, group: &str, member: &str) -> Result<bool, ConnectorError> {
        // A member is named by e-mail, or by user id when the plan knows no e-mail.
        let body = if member.contains('@') {
            json!({"email": member, "role": "MEMBER"})
        } else {
            json!({"id": member, "role": "MEMBER"})
        };
        let req =
            Request::new(Method::POST, Self::url(&self.directory, &["groups", group, "members"], &[])).json(&body);
        let reply = self.http.send(&req).await?;
        match reply.status {
            s if s.is_success() => Ok(true),
            StatusCode::CONFLICT => Ok(false),
            StatusCode::NOT_FOUND => Err(self
                .google_error(&reply, Some(&format!("there is no group `{group}` (or no user {member}); create the group or correct the policy's grant")))
                .into()),
            _ => Err(self.google_error(&reply, Some(&format!("cannot add {member} to `{group}`"))).into()),
        }
    }

    /// `DELETE /groups/{group}/members/{id}`; `false` when not a member.
    async fn remove_member(&self, group: &str, id: &str) -> Result<bool, ConnectorError> {
        let req = Request::new(Method::DELETE, Self::url(&self.directory, &["groups", group, "members", id], &[]));
        let reply = self.http.send(&req).await?;
        match reply.status {
            s if s.is_success() => Ok(true),
            StatusCode::NOT_FOUND => Ok(false),
            _ => Err(self.google_error(&reply, None).into()),
        }
    }

    fn licence_url(&self, l: &GoogleLicence, user: Option<&str>) -> url::Url {
        let mut segments = vec!["product", l.product_id.as_str(), "sku", l.sku_id.as_str(), "user"];
        segments.extend(user);
        Self::url(&self.licensing, &segments, &[])
    }

    /// `true` when the user holds licence `l` now.
    pub(super) async fn holds(&self, email: &str, l: &GoogleLicence) -> Result<bool, ConnectorError> {
        let reply = self.http.send(&Request::new(Method::GET, self.licence_url(l, Some(email)))).await?;
        match reply.status {
            s if s.is_success() => Ok(true),
            StatusCode::NOT_FOUND => Ok(false),
            _ => Err(self.google_error(&reply, None).into()),
        }
    }

    /// Assigns `l`; `false` when the user already holds it. Google answers
    /// an assignment that exists with a 409 or 412, which is also what "no
    /// licences left" can look like, so the assignment is read back.
    async fn assign_licence(&self, email: &str, l: &GoogleLicence) -> Result<bool, ConnectorError> {
        let req = Request::new(Method::POST, self.licence_url(l, None)).json(&json!({"userId": email}));
        let reply = self.http.send(&req).await?;
        if reply.is_success() {
            return Ok(true);
        }
        if matches!(reply.status, StatusCode::CONFLICT | StatusCode::PRECONDITION_FAILED)
            && self.holds(email, l).await?
        {
            return Ok(false);
        }
        Err(self
            .google_error(&reply, Some(&format!("cannot give {email} the licence {}/{}", l.product_id, l.sku_id)))
            .into())
    }

    /// Takes `l` away; `false` when the user did not hold it.
    async fn revoke_licence(&self, email: &str, l: &GoogleLicence) -> Result<bool, ConnectorError> {
        let reply = self.http.send(&Request::new(Method::DELETE, self.licence_url(l, Some(email)))).await?;
        match reply.status {
            s if s.is_success() => Ok(true),
            StatusCode::NOT_FOUND => Ok(false),
            _ => Err(self.google_error(&reply, None).into()),
        }
    }

    /// Moves the user from SKU `from` to `to` of the same product in one
    /// call (`PUT …/sku/{from}/user/{email}` with the new `skuId`), so the
    /// user is never without a licence. When the user does not hold `from`
    /// (changed by hand since the listing), `to` is assigned instead.
    async fn change_sku(&self, email: &str, from: &GoogleLicence, to: &GoogleLicence) -> Result<bool, ConnectorError> {
        let body = json!({"productId": to.product_id, "skuId": to.sku_id, "userId": email});
        let reply = self.http.send(&Request::new(Method::PUT, self.licence_url(from, Some(email))).json(&body)).await?;
        if reply.is_success() {
            return Ok(true);
        }
        if reply.status == StatusCode::NOT_FOUND || GoogleErrorBody::of(&reply).is("notFound") {
            return self.assign_licence(email, to).await;
        }
        Err(self
            .google_error(&reply, Some(&format!("cannot move {email} to the licence {}/{}", to.product_id, to.sku_id)))
            .into())
    }
}
