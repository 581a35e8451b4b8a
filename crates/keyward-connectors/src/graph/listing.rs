//! Reading the tenant's users: the listing, one person's lookup, and what
//! an Entra user becomes as an [`Account`].

use std::collections::{BTreeMap, HashMap};

use keyward_core::account::{Account, AccountListing, AccountStatus, Text};
use serde_json::Value;

use super::{MicrosoftGraph, READ_GRANTS, READ_MEMBERS, READ_USERS, USER_FIELDS, quote, text, utc_day};
use crate::{Connector, ConnectorError, PersonKeys};

impl MicrosoftGraph {
    /// Every user with the groups they are in.
    pub(super) async fn read_all(&self) -> Result<AccountListing, ConnectorError> {
        let top = self.top();
        let fields = self.user_fields();
        let users = self.pages(self.url(&["users"], &[("$select", &fields), ("$top", &top)]), READ_USERS).await?;
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
        let grants = match self.revoke_configured {
            true => Some(self.open_grants(None).await?),
            false => None,
        };
        let accounts = users
            .iter()
            .filter_map(|u| {
                let groups = text(u, "id").and_then(|id| member_of.get(id).cloned()).unwrap_or_default();
                self.account(u, groups, grants.as_ref())
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
        let mut grants = self.revoke_configured.then(HashMap::new);
        if let Some(grants) = grants.as_mut() {
            for id in found.iter().filter_map(|u| text(u, "id")) {
                grants.extend(self.open_grants(Some(id)).await?);
            }
        }
        let accounts = found
            .iter()
            .filter_map(|u| {
                let groups = text(u, "id").and_then(|id| member_of.get(id).cloned()).unwrap_or_default();
                self.account(u, groups, grants.as_ref())
            })
            .collect();
        Ok(self.listing(accounts))
    }

    pub(super) async fn users_where(&self, filter: &str) -> Result<Vec<Value>, ConnectorError> {
        let top = self.top();
        let fields = self.user_fields();
        let url = self.url(&["users"], &[("$filter", filter), ("$select", &fields), ("$top", &top)]);
        self.pages(url, READ_USERS).await
    }

    /// The user as an account; with `grants` (revocations are asked for),
    /// also what a revocation would close: the number of the user's own
    /// delegated grants and the day their sessions are valid from.
    fn account(&self, user: &Value, groups: Vec<Text>, grants: Option<&HashMap<String, u32>>) -> Option<Account> {
        let mut a = user_account(&self.licences, user, groups)?;
        if let Some(grants) = grants {
            a.open_grants = Some(grants.get(a.id.as_str()).copied().unwrap_or(0));
            a.sessions_valid_from = text(user, "signInSessionsValidFromDateTime").and_then(utc_day);
        }
        Some(a)
    }

    /// The users' `$select`: what revocations need only when asked for, so
    /// existing deployments send the requests they always sent.
    fn user_fields(&self) -> String {
        match self.revoke_configured {
            true => format!("{USER_FIELDS},signInSessionsValidFromDateTime"),
            false => USER_FIELDS.to_owned(),
        }
    }

    /// Principal id → how many `consentType: Principal` grants name it:
    /// the tenant's grants read once (every page, or the listing fails),
    /// or one user's (`principalId eq`). Tenant-wide consents name nobody.
    async fn open_grants(&self, user: Option<&str>) -> Result<HashMap<String, u32>, ConnectorError> {
        let top = self.top();
        let filter = user.map(|u| format!("principalId eq {}", quote(u)));
        let mut query = vec![("$top", top.as_str())];
        if let Some(f) = &filter {
            query.push(("$filter", f));
        }
        let mut out: HashMap<String, u32> = HashMap::new();
        if let Some(u) = user {
            out.insert(u.to_owned(), 0);
        }
        self.pager()
            .each(self.url(&["oauth2PermissionGrants"], &query), READ_GRANTS, |_, g| {
                if text(&g, "consentType") == Some("Principal")
                    && let Some(p) = text(&g, "principalId")
                {
                    let n = out.entry(p.to_owned()).or_default();
                    *n = n.saturating_add(1);
                }
                Ok(())
            })
            .await?;
        Ok(out)
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
