//! Changing the tenant: creating (or adopting) users, licences, group
//! memberships, suspending, restoring and deleting.

use http::{Method, StatusCode};
use keyward_core::plan::Change;
use serde_json::{Value, json};

use super::listing::held_skus;
use super::{
    MicrosoftGraph, READ_MEMBERS, READ_USERS, WRITE_LICENCES, WRITE_MEMBERS, WRITE_USERS, graph_error, graph_message,
    quote, text,
};
use crate::http::{Reply, Request, Secret};
use crate::{Connector, ConnectorError, Outcome};

impl MicrosoftGraph {
    async fn group_id(&self, name: &str) -> Result<Option<String>, ConnectorError> {
        // A group missing from the cache may be new since the listing, so
        // only a cached single hit skips the lookup.
        let cached = match self.group_ids.lock() {
            Ok(g) => g.as_ref().and_then(|m| m.get(name)).filter(|ids| ids.len() == 1).map(|ids| ids[0].clone()),
            Err(_) => None,
        };
        if cached.is_some() {
            return Ok(cached);
        }
        let filter = format!("displayName eq {}", quote(name));
        let url = self.url(&["groups"], &[("$filter", &filter), ("$select", "id,displayName")]);
        let found: Vec<Value> = self
            .pages(url.clone(), READ_MEMBERS)
            .await?
            .into_iter()
            .filter(|g| text(g, "displayName").is_some_and(|d| d == name))
            .collect();
        match found.as_slice() {
            [] => Ok(None),
            [one] => Ok(text(one, "id").map(str::to_owned)),
            many => Err(ConnectorError::Http {
                app: self.app.clone(),
                call: format!("GET {url}"),
                status: Some(200),
                problem: format!("{} groups are called `{name}`; keyward cannot tell which one is meant", many.len()),
            }),
        }
    }

    async fn required_groups(&self, names: &[String]) -> Result<Vec<(String, String)>, ConnectorError> {
        let mut out = Vec::with_capacity(names.len());
        for name in names {
            let Some(id) = self.group_id(name).await? else {
                return Err(ConnectorError::Http {
                    app: self.app.clone(),
                    call: format!(
                        "GET {}",
                        self.url(&["groups"], &[("$filter", &format!("displayName eq {}", quote(name)))])
                    ),
                    status: Some(200),
                    problem: format!(
                        "there is no group `{name}` in {}; create it in Entra or correct the policy's grant",
                        self.app
                    ),
                });
            };
            out.push((name.clone(), id));
        }
        Ok(out)
    }

    /// `true` when the user was added, `false` when already a member.
    async fn add_member(&self, group: &(String, String), user: &str) -> Result<bool, ConnectorError> {
        let (name, gid) = group;
        let reference = format!("{}/directoryObjects/{user}", self.base.as_str().trim_end_matches('/'));
        let req = Request::new(Method::POST, self.url(&["groups", gid, "members", "$ref"], &[]))
            .json(&json!({ "@odata.id": reference }));
        let reply = self.http.send(&req).await?;
        match reply.status {
            s if s.is_success() => Ok(true),
            StatusCode::BAD_REQUEST if graph_message(&reply).contains("already exist") => Ok(false),
            StatusCode::NOT_FOUND => Err(graph_error(
                &reply,
                Some(&format!("group `{name}` or user {user} no longer exists")),
                WRITE_MEMBERS,
            )
            .into()),
            _ => Err(graph_error(&reply, Some(&format!("cannot add {user} to group `{name}`")), WRITE_MEMBERS).into()),
        }
    }

    /// `true` when the user was removed, `false` when not a member.
    async fn remove_member(&self, gid: &str, user: &str) -> Result<bool, ConnectorError> {
        let req = Request::new(Method::DELETE, self.url(&["groups", gid, "members", user, "$ref"], &[]));
        let reply = self.http.send(&req).await?;
        match reply.status {
            s if s.is_success() => Ok(true),
            StatusCode::NOT_FOUND => Ok(false),
            _ => Err(graph_error(&reply, None, WRITE_MEMBERS).into()),
        }
    }

    async fn assign_licences(&self, user: &str, add: &[&str], remove: &[&str]) -> Result<(), ConnectorError> {
        if add.is_empty() && remove.is_empty() {
            return Ok(());
        }
        let add: Vec<Value> = add.iter().map(|sku| json!({"skuId": sku, "disabledPlans": []})).collect();
        let body = json!({ "addLicenses": add, "removeLicenses": remove });
        let reply = self
            .http
            .send(&Request::new(Method::POST, self.url(&["users", user, "assignLicense"], &[])).json(&body))
            .await?;
        if reply.is_success() {
            return Ok(());
        }
        let hint = (graph_message(&reply).contains("usage location"))
            .then_some("the user has no usage location: set `usageLocation` in the connector");
        Err(graph_error(&reply, hint, WRITE_LICENCES).into())
    }

    fn sku_of(&self, role: Option<&str>) -> Option<&str> {
        role.and_then(|r| self.licences.iter().find(|(k, _)| k.eq_ignore_ascii_case(r))).map(|(_, v)| v.as_str())
    }

    async fn set_enabled(&self, id: &str, enabled: bool) -> Result<Option<Reply>, ConnectorError> {
        let req =
            Request::new(Method::PATCH, self.url(&["users", id], &[])).json(&json!({ "accountEnabled": enabled }));
        let reply = self.http.send(&req).await?;
        match reply.status {
            s if s.is_success() => Ok(None),
            StatusCode::NOT_FOUND => Ok(Some(reply)),
            _ => Err(graph_error(&reply, None, WRITE_USERS).into()),
        }
    }

    pub(super) async fn create(&self, change: &Change) -> Result<Outcome, ConnectorError> {
        let person = change.person.as_ref();
        let upn =
            change.account.email.as_deref().or_else(|| person.and_then(|p| p.email.as_deref())).ok_or_else(|| {
                ConnectorError::Internal(format!(
                    "the create of {} in {} has no e-mail to make the userPrincipalName from",
                    change.account.label(),
                    self.app
                ))
            })?;
        let role = change.role.as_ref().map(|r| r.to.as_str());
        let wanted = change.groups.as_ref().map(|g| g.add.as_slice()).unwrap_or_default();
        // Before creating anything: a grant naming a group the tenant lacks
        // fails the change without leaving a half-made account.
        let groups = self.required_groups(wanted).await?;
        let password = initial_password()?;
        let profile = change.profile.as_deref();
        let display =
            change.account.display_name.as_deref().or_else(|| person.and_then(|p| p.name.as_deref())).unwrap_or(upn);
        let mut body = json!({
            "accountEnabled": true,
            "displayName": display,
            "mailNickname": mail_nickname(upn),
            "userPrincipalName": upn,
            "passwordProfile": {"password": password.expose(), "forceChangePasswordNextSignIn": true},
        });
        let optional = [
            ("employeeId", person.map(|p| p.id.as_str())),
            ("department", profile.and_then(|p| p.department.as_deref())),
            ("jobTitle", profile.and_then(|p| p.title.as_deref())),
            ("usageLocation", self.usage_location.as_deref()),
        ];
        for (k, v) in optional {
            if let Some(v) = v {
                body[k] = json!(v);
            }
        }
        let req = Request::new(Method::POST, self.url(&["users"], &[])).json(&body).carrying(&password);
        let reply = self.http.send(&req).await?;
        let (id, how) = if reply.is_success() {
            let Some(id) = reply.json()?.get("id").and_then(Value::as_str).map(str::to_owned) else {
                return Err(ConnectorError::Http {
                    app: self.app.clone(),
                    call: reply.call().to_owned(),
                    status: Some(reply.status.as_u16()),
                    problem: "Graph accepted the new user but did not say its id".to_owned(),
                });
            };
            (id, "created")
        } else if reply.status == StatusCode::BAD_REQUEST && graph_message(&reply).contains("already exists") {
            (self.adopt(&reply, upn).await?, "adopted existing user")
        } else {
            return Err(graph_error(&reply, None, WRITE_USERS).into());
        };
        let rest = async {
            for g in &groups {
                self.add_member(g, &id).await?;
            }
            let sku: Vec<&str> = self.sku_of(role).into_iter().collect();
            self.assign_licences(&id, &sku, &[]).await
        };
        rest.await.map_err(|e| {
            e.prefixed(&format!(
                "user {id} was {how}, but its groups or licence failed (the next apply adopts it and retries)"
            ))
        })?;
        let names: Vec<&str> = groups.iter().map(|(n, _)| n.as_str()).collect();
        let mut what = format!("{how} {id} ({upn})");
        if !names.is_empty() {
            what.push_str(&format!(" in {}", names.join(", ")));
        }
        if let Some(sku) = self.sku_of(role) {
            what.push_str(&format!(", licence {sku}"));
        }
        Ok(Outcome::Applied(what))
    }

    /// The user behind a create conflict: an earlier attempt whose answer
    /// was lost, or one made by hand. Enabled again if it was disabled.
    async fn adopt(&self, conflict: &Reply, upn: &str) -> Result<String, ConnectorError> {
        let found = self.users_where(&format!("userPrincipalName eq {}", quote(upn))).await?;
        let found: Vec<&Value> = found
            .iter()
            .filter(|u| text(u, "userPrincipalName").is_some_and(|x| x.eq_ignore_ascii_case(upn)))
            .collect();
        let [user] = found.as_slice() else {
            return Err(graph_error(
                conflict,
                Some(&format!(
                    "Graph says {upn} exists, but {} users with that userPrincipalName can be read (it may be in deleted items: restore or purge it there); keyward will not create a second one",
                    found.len()
                )),
                WRITE_USERS,
            )
            .into());
        };
        let Some(id) = text(user, "id") else {
            return Err(ConnectorError::Internal("a listed user has no id".to_owned()));
        };
        if user.get("accountEnabled") == Some(&Value::Bool(false))
            && let Some(gone) = self.set_enabled(id, true).await?
        {
            return Err(graph_error(&gone, Some("the user disappeared while being adopted"), WRITE_USERS).into());
        }
        Ok(id.to_owned())
    }

    pub(super) async fn update(&self, change: &Change) -> Result<Outcome, ConnectorError> {
        let id = crate::account_id(change, &self.app)?;
        let mut did: Vec<String> = Vec::new();
        let mut already: Vec<String> = Vec::new();
        if let Some(role) = &change.role {
            let to = self.sku_of(Some(&role.to));
            let from = self.sku_of(role.from.as_deref()).filter(|f| Some(*f) != to);
            if to.is_none() && from.is_none() {
                return Err(ConnectorError::Unsupported {
                    app: self.app.clone(),
                    kind: self.kind(),
                    action: "change a role no licence stands for",
                });
            }
            let add: Vec<&str> = to.into_iter().collect();
            let remove: Vec<&str> = from.into_iter().collect();
            self.assign_licences(id, &add, &remove).await?;
            did.push(format!("role {} (licence {})", role.to, to.unwrap_or("none")));
        }
        if let Some(groups) = &change.groups {
            for g in self.required_groups(&groups.add).await? {
                if self.add_member(&g, id).await? {
                    did.push(format!("joined {}", g.0));
                } else {
                    already.push(format!("already in {}", g.0));
                }
            }
            for name in &groups.remove {
                let Some(gid) = self.group_id(name).await? else {
                    already.push(format!("group {name} no longer exists"));
                    continue;
                };
                if self.remove_member(&gid, id).await? {
                    did.push(format!("left {name}"));
                } else {
                    already.push(format!("not in {name}"));
                }
            }
        }
        Ok(if did.is_empty() {
            Outcome::AlreadyDone(if already.is_empty() { "nothing to change".to_owned() } else { already.join(", ") })
        } else {
            Outcome::Applied(format!("{id}: {}", did.join(", ")))
        })
    }

    pub(super) async fn enable(&self, change: &Change, enabled: bool) -> Result<Outcome, ConnectorError> {
        let id = crate::account_id(change, &self.app)?;
        match self.set_enabled(id, enabled).await? {
            None if enabled => Ok(Outcome::Applied(format!("restored {id} (accountEnabled true)"))),
            None => Ok(Outcome::Applied(format!("suspended {id} (accountEnabled false)"))),
            Some(gone) if enabled => Err(graph_error(
                &gone,
                Some(
                    "the user no longer exists; if deleted less than 30 days ago, restore it from deleted items first",
                ),
                WRITE_USERS,
            )
            .into()),
            Some(_) => Ok(Outcome::AlreadyDone(format!("{id}: the user no longer exists"))),
        }
    }

    pub(super) async fn delete(&self, change: &Change) -> Result<Outcome, ConnectorError> {
        let id = crate::account_id(change, &self.app)?;
        if !self.licences.is_empty() {
            // A deleted user's licences come back with it on a restore;
            // those keyward assigned are given back to the pool now.
            let url = self.url(&["users", id], &[("$select", "id,assignedLicenses")]);
            let reply = self.http.send(&Request::new(Method::GET, url)).await?;
            if reply.status == StatusCode::NOT_FOUND {
                return Ok(Outcome::AlreadyDone(format!("{id}: the user no longer exists")));
            }
            if !reply.is_success() {
                return Err(graph_error(&reply, None, READ_USERS).into());
            }
            let user = reply.json()?;
            let has = held_skus(&user);
            let held: Vec<&str> = self
                .licences
                .values()
                .filter(|sku| has.iter().any(|h| h.eq_ignore_ascii_case(sku)))
                .map(String::as_str)
                .collect();
            self.assign_licences(id, &[], &held).await?;
        }
        let reply = self.http.send(&Request::new(Method::DELETE, self.url(&["users", id], &[]))).await?;
        match reply.status {
            s if s.is_success() => {
                Ok(Outcome::Applied(format!("deleted {id} (restorable from deleted items for 30 days)")))
            }
            StatusCode::NOT_FOUND => Ok(Outcome::AlreadyDone(format!("{id}: the user no longer exists"))),
            _ => Err(graph_error(&reply, None, WRITE_USERS).into()),
        }
    }
}

/// The local part of the UPN in the characters `mailNickname` accepts.
fn mail_nickname(upn: &str) -> String {
    let local = upn.split('@').next().unwrap_or_default();
    let nick: String =
        local.chars().filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_')).take(64).collect();
    let nick = nick.trim_matches('.');
    if nick.is_empty() { "user".to_owned() } else { nick.to_owned() }
}

/// A random initial password the user must change at first sign-in: 24
/// characters from 64 (144 bits) and one of each class Entra's complexity
/// rule counts. Nobody ever sees it; the user gets in through a reset or
/// a Temporary Access Pass. The `http` connector's `{{initialPassword}}`
/// too: its rule is the strictest of the apps keyward knows.
pub(crate) fn initial_password() -> Result<Secret, ConnectorError> {
    const ALL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-!";
    const CLASSES: [&[u8]; 4] = [b"ABCDEFGHJKLMNPQRSTUVWXYZ", b"abcdefghijkmnopqrstuvwxyz", b"23456789", b"!#%+-=?@"];
    let mut bytes = [0u8; 28];
    getrandom::fill(&mut bytes).map_err(|e| {
        ConnectorError::Internal(format!("the operating system gave no random bytes for a password: {e}"))
    })?;
    let mut out = String::with_capacity(bytes.len());
    for b in &bytes[..24] {
        out.push(ALL[usize::from(*b & 63)] as char);
    }
    for (b, class) in bytes[24..].iter().zip(CLASSES) {
        out.push(class[usize::from(*b) % class.len()] as char);
    }
    Ok(Secret::new(out))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn passwords_differ_and_meet_the_complexity_rule() {
        let a = initial_password().unwrap();
        let b = initial_password().unwrap();
        assert_ne!(a.expose(), b.expose());
        let p = a.expose();
        assert_eq!(p.len(), 28);
        assert!(p.chars().any(|c| c.is_ascii_uppercase()) && p.chars().any(|c| c.is_ascii_lowercase()));
        assert!(p.chars().any(|c| c.is_ascii_digit()) && p.chars().any(|c| !c.is_ascii_alphanumeric()));
    }

    #[test]
    fn nicknames_keep_only_what_graph_accepts() {
        assert_eq!(mail_nickname("hanako.yamada@example.com"), "hanako.yamada");
        assert_eq!(mail_nickname("山田 (hr)@example.com"), "hr");
        assert_eq!(mail_nickname("@example.com"), "user");
    }
}
