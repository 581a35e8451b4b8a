//! Creating accounts: `POST /Users` with the userName, externalId, role
//! and enterprise attributes the policy asks for, after checking every
//! group to join exists; and adopting the account a 409 points at, so a
//! create rerun after a lost answer never makes a second account.

use http::{Method, StatusCode};
use keyward_core::plan::{Change, PersonRef};
use keyward_core::resources::{EnterpriseAttribute, ScimUserName};
use serde_json::{Map, json};

use super::changes::Edited;
use super::edit::Edit;
use super::groups::in_groups;
use super::{Kind, Scim, filter, map};
use crate::http::{Reply, Request};
use crate::{ConnectorError, Outcome};

impl Scim {
    /// The manager's account id, found by the userName the manager's
    /// account would have been given, then by e-mail, then by externalId.
    async fn manager_id(&self, manager: &PersonRef) -> Result<Option<String>, ConnectorError> {
        let email = manager.email.as_deref();
        let mut tries: Vec<(&str, &str)> = Vec::new();
        match self.user_name {
            ScimUserName::Email => {
                tries.extend(email.map(|e| ("userName", e)));
                tries.push(("userName", manager.id.as_str()));
            }
            ScimUserName::EmployeeId => {
                tries.push(("userName", manager.id.as_str()));
                tries.extend(email.map(|e| ("userName", e)));
            }
        }
        tries.push(("externalId", manager.id.as_str()));
        for (attribute, value) in tries {
            if let [one] = self.find(Kind::Users, attribute, value).await?.as_slice() {
                return Ok(map::id(one));
            }
        }
        Ok(None)
    }

    pub(super) async fn create(&self, change: &Change) -> Result<Outcome, ConnectorError> {
        let person = change.person.as_ref();
        let email = change.account.email.as_deref().or_else(|| person.and_then(|p| p.email.as_deref()));
        let user_name = match self.user_name {
            ScimUserName::Email => email,
            ScimUserName::EmployeeId => person.map(|p| p.id.as_str()),
        }
        .ok_or_else(|| {
            ConnectorError::Internal(format!(
                "the create of {} in {} has no {} to make the userName from",
                change.account.label(),
                self.app,
                match self.user_name {
                    ScimUserName::Email => "e-mail",
                    ScimUserName::EmployeeId => "employee number",
                }
            ))
        })?;
        let external_id = person.map(|p| p.id.as_str());
        let role = change.role.as_ref().map(|r| r.to.as_str());
        let wanted_groups = change.groups.as_ref().map(|g| g.add.as_slice()).unwrap_or_default();
        // Before creating anything: a grant naming a group the app lacks
        // fails the change without leaving a half-made account.
        let groups = self.required_groups(wanted_groups).await?;
        let mut enterprise = Map::new();
        let profile = change.profile.as_deref();
        for attribute in &self.enterprise {
            match attribute {
                EnterpriseAttribute::EmployeeNumber => {
                    if let Some(p) = person {
                        enterprise.insert("employeeNumber".to_owned(), json!(p.id.as_str()));
                    }
                }
                EnterpriseAttribute::Department => {
                    if let Some(d) = profile.and_then(|p| p.department.as_deref()) {
                        enterprise.insert("department".to_owned(), json!(d));
                    }
                }
                EnterpriseAttribute::Manager => {
                    if let Some(m) = profile.and_then(|p| p.manager.as_ref())
                        && let Some(id) = self.manager_id(m).await?
                    {
                        enterprise.insert("manager".to_owned(), json!({ "value": id }));
                    }
                }
            }
        }
        let body = map::create_body(&map::NewUser {
            user_name,
            external_id,
            display_name: change.account.display_name.as_deref().or_else(|| person.and_then(|p| p.name.as_deref())),
            email,
            role,
            enterprise,
        });
        let reply = self.http.send(&Request::new(Method::POST, self.url(&["Users"], &[])).json(&body)).await?;
        if reply.status == StatusCode::CONFLICT {
            return self.adopt(&reply, user_name, external_id, role, &groups).await;
        }
        if !reply.is_success() {
            return Err(reply.error().into());
        }
        let Some(id) = map::id(&reply.json()?) else {
            return Err(ConnectorError::Http {
                app: self.app.clone(),
                call: reply.call().to_owned(),
                status: Some(reply.status.as_u16()),
                problem: "the app accepted the new account but did not say its id".to_owned(),
            });
        };
        self.join_groups(&id, &groups).await.map_err(|e| {
            e.prefixed(&format!(
                "account {id} was created, but joining its groups failed (the next apply adopts it and retries)"
            ))
        })?;
        Ok(Outcome::Applied(format!("created {id} (userName {user_name}){}", in_groups(&groups))))
    }

    /// A create met an existing account: an earlier attempt whose answer
    /// was lost, or one made by hand. Find it and make it as wanted.
    async fn adopt(
        &self,
        conflict: &Reply,
        user_name: &str,
        external_id: Option<&str>,
        role: Option<&str>,
        groups: &[(String, String)],
    ) -> Result<Outcome, ConnectorError> {
        let mut found = self.find(Kind::Users, "userName", user_name).await?;
        if found.is_empty()
            && let Some(x) = external_id
        {
            found = self.find(Kind::Users, "externalId", x).await?;
        }
        let looked_for = match external_id {
            Some(x) => format!("userName {} or externalId {}", filter::quote(user_name), filter::quote(x)),
            None => format!("userName {}", filter::quote(user_name)),
        };
        let user = match found.as_slice() {
            [one] => one,
            [] => {
                return Err(conflict
                    .error_with(Some(&format!(
                        "the app says the account exists, but no user with {looked_for} can be found (it may be deleted but still reserved, or hidden from this token); resolve it in the app, keyward will not create a second account"
                    )))
                    .into());
            }
            many => {
                return Err(conflict
                    .error_with(Some(&format!(
                        "the app says the account exists and {} users match {looked_for}; adopt the right one by hand",
                        many.len()
                    )))
                    .into());
            }
        };
        let Some(id) = map::id(user) else {
            return Err(ConnectorError::Internal("find returned a user without id".to_owned()));
        };
        let mut edits = vec![Edit::Active(true)];
        edits.extend(external_id.map(|x| Edit::ExternalId(x.to_owned())));
        edits.extend(role.map(|r| Edit::Role(r.to_owned())));
        let mut did: Vec<String> = edits
            .iter()
            .filter(|e| !e.is_done(user))
            .map(|e| match e {
                Edit::Active(_) => "made active".to_owned(),
                Edit::ExternalId(x) => format!("externalId {x}"),
                Edit::Role(r) => format!("role {r}"),
                Edit::AddMember(_) | Edit::RemoveMember(_) => String::new(),
            })
            .collect();
        if let Edited::Missing(call) = self.edit(Kind::Users, &id, &edits, true).await? {
            return Err(self.gone(call, &format!("account {id} disappeared while being adopted")));
        }
        self.join_groups(&id, groups).await?;
        if did.is_empty() {
            did.push("already as wanted".to_owned());
        }
        Ok(Outcome::Applied(format!(
            "adopted existing account {id} (userName {user_name}): {}{}",
            did.join(", "),
            in_groups(groups)
        )))
    }
}
