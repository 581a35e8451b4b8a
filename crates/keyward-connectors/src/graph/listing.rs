//! Reading the tenant's users: the listing, one person's lookup, and what
//! an Entra user becomes as an [`Account`].

use std::collections::{BTreeMap, HashMap};

use keyward_core::account::{Account, AccountListing, AccountStatus, Text};
use serde_json::Value;

use super::{MicrosoftGraph, READ_MEMBERS, READ_USERS, USER_FIELDS, quote, text};
use crate::{Connector, ConnectorError, PersonKeys};

impl MicrosoftGraph {
    /// Every user with the groups they are in.
    pub(super) async fn read_all(&self) -> Result<AccountListing, ConnectorError> {
        let top = self.top();
        let users = self.pages(self.url(&["users"], &[("$select", USER_FIELDS), ("$top", &top)]), READ_USERS).await?;
        let groups =
            self.pages(self.url(&["groups"], &[("$select", "id,displayName"), ("$top", &top)]), READ_MEMBERS).await?;
        let mut member_of: HashMap<String, Vec<Text>> = HashMap::new();
        let mut ids: HashMap<String, Vec<String>> = HashMap::new();
        for g in &groups {
            let (Some(gid), Some(name)) = (text(g, "id"), text(g, "displayName")) else { continue };
            ids.entry(name.to_owned()).or_default().push(gid.to_owned());
            let url = self.url(&["groups", gid, "members"], &[("$select", "id"), ("$top", &top)]);
            for m in self.pages(url, READ_MEMBERS).await? {
                if let Some(mid) = text(&m, "id") {
                    member_of.entry(mid.to_owned()).or_default().push(Text::from(name));
                }
            }
        }
        if let Ok(mut cache) = self.group_ids.lock() {
            *cache = Some(ids);
        }
        let accounts = users
            .iter()
            .filter_map(|u| {
                let groups = text(u, "id").and_then(|id| member_of.get(id).cloned()).unwrap_or_default();
                self.account(u, groups)
            })
            .collect();
        if let Ok(mut cache) = self.member_of.lock() {
            *cache = member_of;
        }
        Ok(self.listing(accounts))
    }

    /// The users whose UPN or mail is one of the person's addresses (in
    /// every alias domain of the app's correlators) or whose employeeId is
    /// one of their employee numbers, with the HR attribute values the
    /// correlators compare with either; the whole listing when a
    /// correlator compares a field no filter reaches.
    pub(super) async fn read_person(&self, person: &PersonKeys) -> Result<AccountListing, ConnectorError> {
        let Some(keys) = crate::lookup::by_address_and_id(&self.correlate, person, crate::lookup::UserNames::Addresses)
        else {
            return self.list().await;
        };
        let mut clauses: Vec<String> = Vec::new();
        for e in &keys.emails {
            clauses.push(format!("userPrincipalName eq {}", quote(e)));
            clauses.push(format!("mail eq {}", quote(e)));
        }
        for id in &keys.ids {
            clauses.push(format!("employeeId eq {}", quote(id)));
        }
        if clauses.is_empty() {
            return self.list().await;
        }
        let found = self.users_where(&clauses.join(" or ")).await?;
        let member_of = self.member_of.lock().map(|m| m.clone()).unwrap_or_default();
        let accounts = found
            .iter()
            .filter_map(|u| {
                let groups = text(u, "id").and_then(|id| member_of.get(id).cloned()).unwrap_or_default();
                self.account(u, groups)
            })
            .collect();
        Ok(self.listing(accounts))
    }

    pub(super) async fn users_where(&self, filter: &str) -> Result<Vec<Value>, ConnectorError> {
        let top = self.top();
        let url = self.url(&["users"], &[("$filter", filter), ("$select", USER_FIELDS), ("$top", &top)]);
        self.pages(url, READ_USERS).await
    }

    fn account(&self, user: &Value, groups: Vec<Text>) -> Option<Account> {
        user_account(&self.licences, user, groups)
    }

    fn listing(&self, accounts: Vec<Account>) -> AccountListing {
        AccountListing::new(self.base.to_string(), accounts).with_capabilities(self.capabilities())
    }
}

/// The account an Entra user becomes, given the SKU id of each role
/// (`spec.connector.microsoftGraph.licences`) and the names of the groups
/// the user is in. `None` without an `id`.
pub(crate) fn user_account(licences: &BTreeMap<String, String>, user: &Value, groups: Vec<Text>) -> Option<Account> {
    let mut a = Account::new(text(user, "id")?);
    let upn = text(user, "userPrincipalName");
    a.username = upn.map(Text::from);
    a.email = text(user, "mail").or(upn).map(Text::from);
    a.display_name = text(user, "displayName").map(Text::from);
    a.external_id = text(user, "employeeId").map(Text::from);
    a.status = if user.get("accountEnabled") == Some(&Value::Bool(false)) {
        AccountStatus::Suspended
    } else {
        AccountStatus::Active
    };
    // The role whose licence the user holds (the first in the policy's
    // map when several are).
    let held = held_skus(user);
    a.role = licences
        .iter()
        .find(|(_, sku)| held.iter().any(|h| h.eq_ignore_ascii_case(sku)))
        .map(|(r, _)| Text::from(r.as_str()));
    a.groups = groups;
    a.groups.sort();
    a.groups.dedup();
    a.attributes = ["department", "jobTitle", "employeeType"]
        .iter()
        .filter_map(|k| text(user, k).map(|v| ((*k).to_owned(), v.to_owned())))
        .collect();
    Some(a)
}

/// The SKU ids of a user's `assignedLicenses`.
pub(super) fn held_skus(user: &Value) -> Vec<&str> {
    user.get("assignedLicenses")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|l| text(l, "skuId"))
        .collect()
}
