//! Reading a SCIM server's resources: every page of `/Users` or `/Groups`
//! (a listing that shifts while being read is read again, then refused,
//! never returned short), lookups by one attribute, and the accounts the
//! connector lists — all of them, or one person's by a single or-ed filter.

use std::collections::HashSet;

use http::StatusCode;
use keyward_core::account::AccountListing;
use keyward_core::resources::ScimProfile;
use serde_json::Value;

use super::discovery::Features;
use super::{Kind, Scim, filter, map};
use crate::{Connector, ConnectorError, PersonKeys};

/// Users asked for per page unless the policy says otherwise.
const DEFAULT_PAGE_SIZE: u32 = 100;
/// Atlassian refuses larger pages.
const ATLASSIAN_MAX_PAGE_SIZE: u32 = 100;

/// One reading of a paged listing.
enum Pages {
    /// Every resource, once each.
    Complete(Vec<Value>),
    /// The endpoint does not exist (a server without groups).
    Missing,
    /// The listing changed while being read; what did not add up.
    Shifted(String),
}

impl Scim {
    fn page_size(&self, f: &Features) -> u32 {
        let mut n = self.page_size.unwrap_or(DEFAULT_PAGE_SIZE);
        if self.profile == ScimProfile::Atlassian {
            n = n.min(ATLASSIAN_MAX_PAGE_SIZE);
        }
        if let Some(max) = f.max_results {
            n = n.min(max);
        }
        n.max(1)
    }

    /// Every resource of one kind, de-duplicated by id; `None` when the
    /// server has no such endpoint (only asked of Groups). A listing that
    /// shifts while being read is read once more, then refused.
    pub(super) async fn list_all(&self, kind: Kind) -> Result<Option<Vec<Value>>, ConnectorError> {
        let page = self.page_size(&self.features().await?);
        let mut first_problem: Option<String> = None;
        loop {
            match self.read_pages(kind, page).await? {
                Pages::Complete(all) => return Ok(Some(all)),
                Pages::Missing => return Ok(None),
                Pages::Shifted(why) => match first_problem {
                    None => {
                        tracing::warn!(app = %self.app, problem = %why, "the {} changed while being listed; reading again", kind.noun());
                        first_problem = Some(why);
                    }
                    Some(first) => {
                        return Err(ConnectorError::Partial {
                            app: self.app.clone(),
                            why: format!("{first}; read again: {why}"),
                        });
                    }
                },
            }
        }
    }

    async fn read_pages(&self, kind: Kind, page: u32) -> Result<Pages, ConnectorError> {
        let noun = kind.noun();
        let mut out = Vec::new();
        let mut seen: HashSet<String> = HashSet::new();
        let mut start: u64 = 1;
        let mut total: Option<u64> = None;
        let mut read: u64 = 0;
        loop {
            let url = self.url(&[kind.path()], &[("startIndex", &start.to_string()), ("count", &page.to_string())]);
            let reply = self.get(url).await?;
            if kind == Kind::Groups
                && start == 1
                && matches!(reply.status, StatusCode::NOT_FOUND | StatusCode::NOT_IMPLEMENTED)
            {
                return Ok(Pages::Missing);
            }
            if !reply.is_success() {
                return Err(reply.error().into());
            }
            let body = reply.json()?;
            let Some(t) = body.get("totalResults").and_then(Value::as_u64) else {
                return Err(ConnectorError::Partial {
                    app: self.app.clone(),
                    why: format!(
                        "{} has no totalResults, so keyward cannot tell whether it has every one",
                        reply.call()
                    ),
                });
            };
            if let Some(before) = total
                && before != t
            {
                return Ok(Pages::Shifted(format!("totalResults went from {before} to {t} between pages")));
            }
            total = Some(t);
            let resources = body
                .get("Resources")
                .or_else(|| body.get("resources"))
                .and_then(Value::as_array)
                .map(Vec::as_slice)
                .unwrap_or_default();
            if resources.is_empty() {
                if read >= t {
                    break;
                }
                return Ok(Pages::Shifted(format!(
                    "the page at startIndex {start} was empty after {read} of {t} {noun} were read"
                )));
            }
            read += resources.len() as u64;
            start += resources.len() as u64;
            let before = out.len();
            for r in resources {
                let Some(id) = map::id(r) else {
                    return Err(ConnectorError::Partial {
                        app: self.app.clone(),
                        why: format!("{} returned one of the {noun} without an id", reply.call()),
                    });
                };
                if seen.insert(id) {
                    out.push(r.clone());
                }
            }
            // A server that ignores startIndex repeats its first page; stop
            // rather than walk to totalResults on copies.
            if out.len() == before {
                return Ok(Pages::Shifted(format!(
                    "the page at startIndex {} held only {noun} already read",
                    start - resources.len() as u64
                )));
            }
            if read >= t {
                break;
            }
        }
        let total = total.unwrap_or_default();
        if (out.len() as u64) < total {
            return Ok(Pages::Shifted(format!(
                "{} of the {total} {noun} came twice, so as many were skipped: the list shifted while being read",
                read - out.len() as u64
            )));
        }
        Ok(Pages::Complete(out))
    }

    /// Resources whose `attribute` equals `value`: by filter when the
    /// server filters, else by reading them all. Results are checked here
    /// too, because a server that ignores an unsupported filter answers
    /// with everybody, and adopting "the first user" would be a disaster.
    pub(super) async fn find(&self, kind: Kind, attribute: &str, value: &str) -> Result<Vec<Value>, ConnectorError> {
        let candidates = if self.features().await?.filter {
            let reply = self.get(self.url(&[kind.path()], &[("filter", &filter::eq(attribute, value))])).await?;
            if kind == Kind::Groups && reply.status == StatusCode::NOT_FOUND {
                return Ok(Vec::new());
            }
            if !reply.is_success() {
                return Err(reply.error().into());
            }
            let body = reply.json()?;
            body.get("Resources").and_then(Value::as_array).cloned().unwrap_or_default()
        } else {
            self.list_all(kind).await?.unwrap_or_default()
        };
        let case_exact = attribute == "externalId";
        Ok(candidates
            .into_iter()
            .filter(|r| map::id(r).is_some())
            .filter(|r| {
                map::text(r, attribute)
                    .is_some_and(|v| if case_exact { v == value } else { v.eq_ignore_ascii_case(value) })
            })
            .collect())
    }

    /// Every account, with its groups from `/Groups` (or, on a server
    /// without groups, from each User's own `groups`). Refreshes the group
    /// caches the changes and targeted lookups use.
    pub(super) async fn list_accounts(&self) -> Result<AccountListing, ConnectorError> {
        let Some(users) = self.list_all(Kind::Users).await? else {
            return Err(ConnectorError::Internal("the Users listing reported no endpoint".to_owned()));
        };
        let groups = self.list_all(Kind::Groups).await?;
        let mut member_of = self.index_groups(groups.as_deref().unwrap_or_default());
        if let Ok(mut cache) = self.member_of.lock() {
            cache.clone_from(&member_of);
        }
        let accounts = users
            .iter()
            .filter_map(|u| {
                let groups = match &groups {
                    Some(_) => map::id(u).and_then(|id| member_of.remove(id.as_str())).unwrap_or_default(),
                    None => map::own_groups(u),
                };
                map::account(u, groups)
            })
            .collect();
        Ok(AccountListing::new(self.base.to_string(), accounts).with_capabilities(self.capabilities()))
    }

    /// One person's accounts, by one filter request or-ing every key the
    /// person has: the users whose userName or e-mail is one of the
    /// person's addresses (in every alias domain of the app's correlators),
    /// whose userName is one of their HR attribute values, or whose
    /// externalId is one of their employee numbers. Every account when a
    /// correlator compares a field no filter reaches, the server cannot
    /// filter, or the filter plainly was not applied.
    pub(super) async fn find_accounts(&self, person: &PersonKeys) -> Result<AccountListing, ConnectorError> {
        let Some(keys) = crate::lookup::by_address_and_id(&self.correlate, person, crate::lookup::UserNames::Logins)
        else {
            return self.list_accounts().await;
        };
        let mut clauses: Vec<String> = Vec::new();
        for e in &keys.emails {
            clauses.push(filter::eq("userName", e));
            clauses.push(filter::eq("emails.value", e));
        }
        for u in &keys.user_names {
            clauses.push(filter::eq("userName", u));
        }
        for id in &keys.ids {
            clauses.push(filter::eq("externalId", id));
        }
        if clauses.is_empty() || !self.features().await?.filter {
            return self.list_accounts().await;
        }
        // One request with every key or-ed together: an HR event must cut
        // access in as few round trips as possible.
        let page = 100u32.to_string();
        let query = clauses.join(" or ");
        let reply = self.get(self.url(&["Users"], &[("filter", &query), ("count", &page)])).await?;
        if !reply.is_success() {
            return Err(reply.error().into());
        }
        let body = reply.json()?;
        let found = body.get("Resources").and_then(Value::as_array).cloned().unwrap_or_default();
        let total = body.get("totalResults").and_then(Value::as_u64).unwrap_or(found.len() as u64);
        if total > found.len() as u64 {
            // Far more matches than one person has: the filter was not
            // applied as meant. Read everything rather than guess.
            return self.list_accounts().await;
        }
        let member_of = self.member_of.lock().map(|m| m.clone()).unwrap_or_default();
        let accounts = found
            .iter()
            .filter_map(|u| {
                let groups = map::id(u).and_then(|id| member_of.get(&id).cloned()).unwrap_or_default();
                map::account(u, groups)
            })
            .collect();
        Ok(AccountListing::new(self.base.to_string(), accounts).with_capabilities(self.capabilities()))
    }
}
