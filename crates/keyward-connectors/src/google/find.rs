//! The accounts of one person, for a reconcile after an HR event, without
//! reading every user, licence and group member of the customer.

use std::collections::HashSet;

use http::{Method, StatusCode};
use keyward_core::account::{AccountListing, AccountStatus, Text};
use serde_json::Value;

use super::{GoogleWorkspace, map};
use crate::http::Request;
use crate::{Connector, ConnectorError, PersonKeys};

impl GoogleWorkspace {
    /// The users a person's e-mails (`GET /users/{email}`, which finds
    /// aliases too; in every alias domain of the app's correlators) and
    /// employee numbers (`query=externalId:…`) lead to, with the HR
    /// attribute values the correlators compare with either, each with the
    /// role of its licence and its granted groups read one by one. `None`
    /// when the keys cannot be searched for exactly, or a correlator
    /// compares a field no search reaches (the caller then reads the whole
    /// listing).
    pub(super) async fn find_person(&self, person: &PersonKeys) -> Result<Option<AccountListing>, ConnectorError> {
        let Some(keys) = crate::lookup::by_address_and_id(&self.correlate, person, crate::lookup::UserNames::Addresses)
        else {
            return Ok(None);
        };
        if (keys.emails.is_empty() && keys.ids.is_empty()) || keys.ids.iter().any(|id| id.contains(['\'', '\\'])) {
            return Ok(None);
        }
        let mut users: Vec<Value> = Vec::new();
        for email in &keys.emails {
            if let Some((_, user)) = self.user(email).await? {
                users.push(user);
            }
        }
        let size = self.page_size.to_string();
        for id in &keys.ids {
            let q = if id.contains(char::is_whitespace) {
                format!("externalId:'{id}'")
            } else {
                format!("externalId:{id}")
            };
            let mut query: Vec<(&str, &str)> = match &self.domain {
                Some(d) => vec![("domain", d.as_str())],
                None => vec![("customer", self.customer.as_str())],
            };
            query.extend([("query", q.as_str()), ("maxResults", size.as_str()), ("projection", "full")]);
            users.extend(self.all_pages(&self.directory, &["users"], &query, "users").await?);
        }
        let mut seen: HashSet<String> = HashSet::new();
        let mut accounts = Vec::new();
        for user in users {
            let (Some(id), Some(email)) = (map::text(&user, "id"), map::text(&user, "primaryEmail")) else {
                return Err(self.partial("a user looked up for a person has no id or primaryEmail".to_owned()));
            };
            if !seen.insert(id.to_owned()) {
                continue;
            }
            let role = self.role_held(email).await?;
            let mut groups = Vec::new();
            for g in &self.groups {
                if self.is_direct_member(g, id).await? {
                    groups.push(Text::from(g.as_str()));
                }
            }
            let Some(mut a) = map::account(&user, role, groups) else { continue };
            if self.hands_over && a.status == AccountStatus::Suspended {
                let transfers = self.transfers_of(id).await?;
                a.handed_over = super::transfer::handed_over(&user, &transfers);
            }
            accounts.push(a);
        }
        Ok(Some(AccountListing::new(self.directory.to_string(), accounts).with_capabilities(self.capabilities())))
    }

    /// The most privileged role whose licence the user holds.
    async fn role_held(&self, email: &str) -> Result<Option<String>, ConnectorError> {
        let mut held = None;
        // Least privileged first: the last one held wins.
        for (role, l) in &self.licences {
            if self.holds(email, l).await? {
                held = Some(role.clone());
            }
        }
        Ok(held)
    }

    /// `GET /groups/{group}/members/{id}`: direct members only, as the
    /// listing reads them; a group that does not exist has none.
    async fn is_direct_member(&self, group: &str, id: &str) -> Result<bool, ConnectorError> {
        let url = Self::url(&self.directory, &["groups", group, "members", id], &[]);
        let reply = self.http.send(&Request::new(Method::GET, url)).await?;
        match reply.status {
            s if s.is_success() => Ok(true),
            StatusCode::NOT_FOUND => Ok(false),
            _ => Err(self.google_error(&reply, None).into()),
        }
    }
}
