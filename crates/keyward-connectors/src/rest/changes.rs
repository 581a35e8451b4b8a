//! Changes of the `http` connector: each planned change is the policy's
//! request template for it, filled from the change (the account, the
//! person, the role, the groups) and sent once. The statuses the policy
//! accepts are success, those it lists as `alreadyDone` are a change some
//! earlier run or a human already made. A create that the app answers
//! with "already exists" looks the account up with the policy's `find`
//! request and adopts it, so a rerun after a lost answer never makes a
//! second account.

use keyward_core::action::Action;
use keyward_core::plan::Change;
use keyward_core::resources::{HttpCreate, HttpRequest};
use serde_json::{Value, json};

use super::HttpApi;
use super::map::{Record, RecordReader, compile, text};
use super::request::Values;
use crate::http::Reply;
use crate::{ConnectorError, Outcome};

/// What an answer to a change means.
enum Answer {
    Done,
    AlreadyDone,
    Refused,
}

impl HttpApi {
    pub(super) async fn change(&self, change: &Change) -> Result<Outcome, ConnectorError> {
        let c = &self.spec.changes;
        let unsupported =
            || ConnectorError::Unsupported { app: self.app.clone(), kind: "http", action: change.action.verb() };
        match change.action {
            Action::Create => self.create(c.create.as_ref().ok_or_else(unsupported)?, change).await,
            Action::Suspend => {
                self.simple("changes.suspend", c.suspend.as_ref().ok_or_else(unsupported)?, change, None).await
            }
            Action::Restore => {
                self.simple("changes.restore", c.restore.as_ref().ok_or_else(unsupported)?, change, None).await
            }
            Action::Delete => {
                self.simple("changes.delete", c.delete.as_ref().ok_or_else(unsupported)?, change, None).await
            }
            Action::Update => self.update(change).await,
            Action::Transfer | Action::Revoke | Action::Review => Err(unsupported()),
        }
    }

    /// A role change, then each group joined and left.
    async fn update(&self, change: &Change) -> Result<Outcome, ConnectorError> {
        let c = &self.spec.changes;
        let unsupported = |action| ConnectorError::Unsupported { app: self.app.clone(), kind: "http", action };
        let mut done = Vec::new();
        let mut already = Vec::new();
        if change.role.is_some() {
            let r = c.update_role.as_ref().ok_or_else(|| unsupported("change roles"))?;
            match self.simple("changes.updateRole", r, change, None).await? {
                Outcome::Applied(t) => done.push(t),
                Outcome::AlreadyDone(t) => already.push(t),
            }
        }
        if let Some(g) = &change.groups {
            let pairs = g.add.iter().map(|g| ("changes.addGroup", c.add_group.as_ref(), g));
            let pairs = pairs.chain(g.remove.iter().map(|g| ("changes.removeGroup", c.remove_group.as_ref(), g)));
            for (field, r, group) in pairs {
                let r = r.ok_or_else(|| unsupported("change group memberships"))?;
                match self.simple(field, r, change, Some(group)).await? {
                    Outcome::Applied(t) => done.push(t),
                    Outcome::AlreadyDone(t) => already.push(t),
                }
            }
        }
        Ok(if done.is_empty() && !already.is_empty() {
            Outcome::AlreadyDone(already.join("; "))
        } else {
            done.extend(already);
            Outcome::Applied(done.join("; "))
        })
    }

    /// Sends the request at `field` for `change` (and `group`).
    async fn simple(
        &self,
        field: &str,
        r: &HttpRequest,
        change: &Change,
        group: Option<&str>,
    ) -> Result<Outcome, ConnectorError> {
        let values = |name: &str| self.value(change, group, name);
        let default = if field == "changes.delete" { "DELETE" } else { "PATCH" };
        let request = self.build(field, r, default, &values, &[])?;
        let reply = self.http.send(&request).await?;
        let what = match group {
            Some(g) => format!("{} (group {})", request.call(), keyward_core::excerpt::value(g, 60)),
            None => request.call(),
        };
        match answer(r, &reply) {
            Answer::Done => Ok(Outcome::Applied(format!("{what}: HTTP {}", reply.status.as_u16()))),
            Answer::AlreadyDone => {
                Ok(Outcome::AlreadyDone(format!("{what}: HTTP {} (already done)", reply.status.as_u16())))
            }
            Answer::Refused => {
                Err(reply.error_with(Some(&format!("the app refused the {}", change.action.as_str()))).into())
            }
        }
    }

    async fn create(&self, create: &HttpCreate, change: &Change) -> Result<Outcome, ConnectorError> {
        // Made for every create, sent only where the template asks for it,
        // and scrubbed from whatever the app answers.
        let password = crate::graph::initial_password()?;
        let with_password = |name: &str| match name {
            "initialPassword" => Some(json!(password.expose())),
            _ => self.value(change, None, name),
        };
        let request = self.build("changes.create", &create.request, "POST", &with_password, &[])?.carrying(&password);
        let values = |name: &str| self.value(change, None, name);
        let reply = self.http.send(&request).await?;
        if let Some(conflict) = &create.conflict
            && self.exists(conflict, &reply)
        {
            let id = self.adopt(create, change, &values).await?;
            return Ok(Outcome::AlreadyDone(format!(
                "{}: HTTP {}; the account already existed, adopted id {id}",
                request.call(),
                reply.status.as_u16()
            )));
        }
        match answer(&create.request, &reply) {
            Answer::Done | Answer::AlreadyDone => {}
            Answer::Refused => return Err(reply.error_with(Some("the app refused the create")).into()),
        }
        let id = match &create.id {
            Some(q) => {
                let q = compile(q, "changes.create.id").map_err(|w| self.not_configured(w))?;
                let body = reply.json()?;
                text(&body, &q)
            }
            None => Some(self.adopt(create, change, &values).await?),
        };
        let id = id.ok_or_else(|| {
            // A 2xx answer has no problem text of its own: quote it, as it
            // may be a refusal sent with 200 (Dropbox's add results).
            let body = keyward_core::excerpt::value(&String::from_utf8_lossy(&reply.body), 300);
            ConnectorError::from(reply.error_with(Some(&format!(
                "the app accepted the create but its answer has no id at `{}`, so it may not have made the account (answer: {})",
                create.id.as_deref().unwrap_or("id"),
                reply.redact(&body)
            ))))
        })?;
        Ok(Outcome::Applied(format!("{}: created id {id}", request.call())))
    }

    /// Whether `reply` says the account already exists.
    fn exists(&self, conflict: &keyward_core::resources::HttpConflict, reply: &Reply) -> bool {
        let status = reply.status.as_u16();
        let statuses: &[u16] = if conflict.statuses.is_empty() { &[409] } else { &conflict.statuses };
        if !statuses.contains(&status) {
            return false;
        }
        matches(conflict.when.as_ref(), reply)
    }

    /// Finds the account a create collided with: the one the `find`
    /// request lists whose e-mail or username is the new account's.
    async fn adopt(&self, create: &HttpCreate, change: &Change, values: Values<'_>) -> Result<String, ConnectorError> {
        let Some(conflict) = &create.conflict else {
            return Err(self
                .not_configured("spec.connector.http.changes.create has neither `id` nor `conflict.find`".to_owned()));
        };
        let request = self.build("changes.create.conflict.find", &conflict.find, "GET", values, &[])?;
        let reply = self.http.send(&request).await?;
        if !reply.is_success() {
            return Err(reply
                .error_with(Some("cannot look up the account that already exists; nothing was created"))
                .into());
        }
        let body = reply.json()?;
        let records_query =
            conflict.records.as_deref().map(|q| compile(q, "changes.create.conflict.records")).transpose();
        let records = self.reader.records_at(records_query.map_err(|w| self.not_configured(w))?.as_ref(), &body);
        let wanted: Vec<String> = [
            change.account.email.as_deref(),
            change.account.username.as_deref(),
            change.person.as_ref().and_then(|p| p.email.as_deref()),
        ]
        .into_iter()
        .flatten()
        .map(str::to_lowercase)
        .collect();
        let matches = |reader: &RecordReader, r: &Value| match reader.account(r) {
            Ok(Record::Account(a)) => {
                let keys = [a.email.as_deref(), a.username.as_deref()];
                keys.into_iter().flatten().any(|k| wanted.contains(&k.to_lowercase())).then(|| a.id.to_string())
            }
            _ => None,
        };
        let found: Vec<String> = records.into_iter().filter_map(|r| matches(&self.reader, r)).collect();
        match found.as_slice() {
            [id] => Ok(id.clone()),
            [] => Err(reply
                .error_with(Some(&format!(
                    "the app says {} already exists, but the find request lists no account with that e-mail or username; nothing was created",
                    change.account.label()
                )))
                .into()),
            more => Err(reply
                .error_with(Some(&format!(
                    "the find request lists {} accounts for {}; keyward adopts only one, nothing was created",
                    more.len(),
                    change.account.label()
                )))
                .into()),
        }
    }

    /// The value of placeholder `name` for `change`: `None` when an
    /// identifier is missing (the request is not sent), JSON `null` for an
    /// absent optional value (a create without a role).
    fn value(&self, change: &Change, group: Option<&str>, name: &str) -> Option<Value> {
        let found = self.found(change, group, name);
        if OPTIONAL.contains(&name) { Some(found.unwrap_or(Value::Null)) } else { found }
    }

    fn found(&self, change: &Change, group: Option<&str>, name: &str) -> Option<Value> {
        let person = change.person.as_ref();
        let profile = change.profile.as_deref();
        let account = &change.account;
        let text = |s: Option<&str>| s.filter(|s| !s.trim().is_empty()).map(|s| json!(s));
        let full_name = || person.and_then(|p| p.name.as_deref()).or(account.display_name.as_deref());
        let split = || full_name().map(|n| crate::google::map::split_name(n, self.spec.name_order));
        match name {
            "account.id" => text(account.id.as_deref()),
            "account.email" => text(account.email.as_deref().or_else(|| person.and_then(|p| p.email.as_deref()))),
            "account.username" => text(account.username.as_deref()),
            "account.displayName" => text(account.display_name.as_deref().or_else(full_name)),
            "account.externalId" | "person.id" => text(person.map(|p| p.id.as_str())),
            "person.email" => text(person.and_then(|p| p.email.as_deref())),
            "person.name" => text(full_name()),
            "person.givenName" => split().map(|(given, _)| json!(given)),
            "person.familyName" => split().map(|(_, family)| json!(family)),
            "person.department" => text(profile.and_then(|p| p.department.as_deref())),
            "person.title" => text(profile.and_then(|p| p.title.as_deref())),
            "person.employmentType" => text(profile.and_then(|p| p.employment_type.as_deref())),
            "role" => change.role.as_ref().map(|r| json!(self.roles_out.get(&r.to).unwrap_or(&r.to))),
            "roleName" => change.role.as_ref().map(|r| json!(r.to)),
            "group" => text(group),
            "groups" => Some(json!(change.groups.as_ref().map(|g| g.add.clone()).unwrap_or_default())),
            _ => None,
        }
    }
}

/// Placeholders a change may lack: they fill a JSON body with `null`.
/// Identifiers (ids, e-mails, the group, the cursor) are never optional.
const OPTIONAL: &[&str] = &[
    "role",
    "roleName",
    "groups",
    "account.displayName",
    "account.externalId",
    "person.name",
    "person.givenName",
    "person.familyName",
    "person.department",
    "person.title",
    "person.employmentType",
];

/// Whether the answer says what `m` asks for (always, without `m`): any
/// value the query selects may be the code (`errorCauses[*]`).
fn matches(m: Option<&keyward_core::resources::HttpMatch>, reply: &Reply) -> bool {
    let Some(m) = m else { return true };
    let Ok(q) = compile(&m.path, "when.path") else { return false };
    let body: Value = serde_json::from_slice(&reply.body).unwrap_or(Value::Null);
    q.query(&body).all().into_iter().filter_map(keyward_core::template::scalar_text).any(|v| m.values.contains(&v))
}

/// What `reply` means for a change sent with `r`: an `alreadyDone`
/// status counts only when the answer also says what `alreadyDoneWhen`
/// asks for.
fn answer(r: &HttpRequest, reply: &Reply) -> Answer {
    let status = reply.status.as_u16();
    if r.already_done.contains(&status) {
        if !matches(r.already_done_when.as_ref(), reply) {
            return Answer::Refused;
        }
        Answer::AlreadyDone
    } else if (r.accept.is_empty() && reply.is_success()) || r.accept.contains(&status) {
        Answer::Done
    } else {
        Answer::Refused
    }
}
