//! What each vendor connector makes of the JSON its API sends, as pure
//! functions over one user (or one page) at a time.
//!
//! The listings call these very functions for every user they read; they
//! are public so that the fuzz targets in `fuzz/` and tests can feed them
//! hostile JSON without a server. Nothing here does I/O, and nothing here
//! decides anything a listing does not: a user a connector cannot identify
//! is `None` (or an error), as in the listing, which then refuses the
//! whole listing as partial.

use std::collections::BTreeMap;

use keyward_core::account::{Account, Text};
use keyward_core::resources::NameOrder;
use serde_json::Value;
use url::Url;

use crate::github::pages::{Step, Walk};

/// A SCIM 2.0 User resource (RFC 7643) as an account, with the groups the
/// resource itself lists (servers without a `/Groups` endpoint).
pub fn scim_user(user: &Value) -> Option<Account> {
    crate::scim::map::account(user, crate::scim::map::own_groups(user))
}

/// The member ids a SCIM Group resource lists.
pub fn scim_group_members(group: &Value) -> Vec<&str> {
    crate::scim::map::members(group).collect()
}

/// A Google Directory user as an account: `role` is the licence role the
/// listing found for the user, `groups` the groups they are in, and
/// `transfers` their Data Transfer requests when the listing read them.
pub fn google_user(
    user: &Value,
    role: Option<String>,
    groups: Vec<Text>,
    transfers: Option<&[Value]>,
) -> Option<Account> {
    let mut a = crate::google::map::account(user, role, groups)?;
    if let Some(t) = transfers {
        a.handed_over = crate::google::transfer::handed_over(user, t);
    }
    Some(a)
}

/// The given and family names Google is sent for a new user's full name.
pub fn google_split_name(full: &str, order: NameOrder) -> (String, String) {
    crate::google::map::split_name(full, order)
}

/// A GitHub `simple-user` from a members listing as an account with the
/// organisation role `role` and the team slugs `teams`; an error when the
/// JSON is not a user keyward can read.
pub fn github_member(user: Value, role: &str, teams: Vec<Text>) -> Result<Account, serde_json::Error> {
    let user: crate::github::map::User = serde_json::from_value(user)?;
    Ok(crate::github::map::member(&user, role, teams))
}

/// A GitHub `organization-invitation` as an account, `None` for one that
/// makes no member; an error when the JSON is not an invitation.
pub fn github_invitation(invitation: Value, teams: Vec<Text>) -> Result<Option<Account>, serde_json::Error> {
    let inv: crate::github::map::Invitation = serde_json::from_value(invitation)?;
    Ok(crate::github::map::invitation(&inv, teams))
}

/// How a walk through a GitHub listing ended.
#[derive(Debug, PartialEq)]
pub enum GithubWalk {
    /// Every item, once each.
    Done(Vec<Value>),
    /// The listing changed while being read.
    Shifted(String),
    /// The pages cannot be walked to the end.
    Broken(String),
    /// The pages given ran out while the last one named this next page.
    Next(Url),
}

/// Walks a GitHub listing that starts at `first` under the API `base`
/// through `pages` (each page's JSON body and `Link` header), as the
/// connector does page by page.
pub fn github_walk(base: &Url, first: &Url, pages: impl IntoIterator<Item = (Value, Option<String>)>) -> GithubWalk {
    let mut walk = Walk::new(base, first);
    let mut next = first.clone();
    for (n, (body, link)) in pages.into_iter().enumerate() {
        match walk.page(&format!("page {}", n + 1), body, link.as_deref()) {
            Step::Next(url) => next = url,
            Step::Done(items) => return GithubWalk::Done(items),
            Step::Shifted(why) => return GithubWalk::Shifted(why),
            Step::Broken(why) => return GithubWalk::Broken(why),
        }
    }
    GithubWalk::Next(next)
}

/// A Slack Web API member (`users.list`) as an account.
pub fn slack_member(member: &Value) -> Option<Account> {
    crate::slack::account(member)
}

/// An Atlassian admin-API user as an account, given the product-access
/// groups of each role and the names of the groups the user is in.
pub fn atlassian_user(
    product_access: &BTreeMap<String, Vec<String>>,
    user: &Value,
    groups: &[&str],
) -> Option<Account> {
    crate::atlassian::user_account(product_access, user, groups)
}

/// The cursor an Atlassian page's `links.next` stands for.
pub fn atlassian_next_cursor(next: &str) -> String {
    crate::atlassian::next_cursor(next)
}

/// A Microsoft Graph user as an account, given the SKU id of each role and
/// the names of the groups the user is in.
pub fn graph_user(licences: &BTreeMap<String, String>, user: &Value, groups: Vec<Text>) -> Option<Account> {
    crate::graph::user_account(licences, user, groups)
}

/// One page of an `http` connector's listing as the listing reads it: the
/// records `listing.records` selects, each mapped to an account or found
/// deleted (`None`); an error is the listing's refusal (a record without
/// id, a status nobody declared, a `records` query that selects nothing).
pub fn http_page(listing: &keyward_core::resources::HttpListing, page: &Value) -> Result<Vec<Option<Account>>, String> {
    let reader = crate::rest::map::RecordReader::new(listing)?;
    let records = reader.records(page).ok_or_else(|| "the records query selects nothing".to_owned())?;
    records
        .into_iter()
        .map(|r| {
            reader.account(r).map(|rec| match rec {
                crate::rest::map::Record::Account(a) => Some(*a),
                crate::rest::map::Record::Deleted => None,
            })
        })
        .collect()
}

/// An Okta user as an account, with the names of the groups it is in.
pub fn okta_user(user: &Value, groups: Vec<Text>) -> Option<Account> {
    crate::okta::map::user_account(user, groups)
}

/// Okta's error body (`errorCode`, `errorSummary`, `errorCauses`) as the
/// line errors quote, `None` when the body is not Okta's.
pub fn okta_error_text(body: &[u8]) -> Option<String> {
    crate::okta::map::error_text(body)
}

/// Takes one page of an Okta collection (its JSON and its `Link`
/// headers) as the listing does, starting at `first` under the
/// organisation `base`: `Ok(Some(next))`, `Ok(None)` at the end, or why
/// the collection cannot be read whole.
pub fn okta_page(base: &Url, first: &Url, body: Value, links: &[&str]) -> Result<Option<Url>, String> {
    crate::okta::pages::Walk::new(base, first).page("page 1", body, links)
}

/// One part of a Google batch answer as the connector reads it.
#[derive(Debug)]
pub struct GoogleBatchPart {
    /// The index of the call it answers (Content-ID `response-kw{call}`).
    pub call: usize,
    /// Its HTTP status.
    pub status: u16,
    /// Whether the connector sends the call again later (429, a 403 rate
    /// or quota reason, 500, 502, 504).
    pub throttled: bool,
    /// Its body.
    pub body: Vec<u8>,
}

/// A Google batch answer (its Content-Type and body) to `calls` calls,
/// sent with Content-IDs `kw0`… `kw{calls-1}`, read as the connector
/// reads it: every part with the call it answers, or why the answer is
/// refused.
pub fn google_batch(content_type: &str, body: Vec<u8>, calls: usize) -> Result<Vec<GoogleBatchPart>, String> {
    let asked = (0..calls).map(|n| (format!("kw{n}"), n)).collect();
    let parts = crate::google::batch::read_answer(content_type, body, asked).map_err(|r| match r.call {
        Some(i) => format!("the answer to call {i}: {}", r.why),
        None => r.why,
    })?;
    Ok(parts
        .into_iter()
        .map(|(call, part)| GoogleBatchPart {
            call,
            status: part.status.as_u16(),
            throttled: crate::google::batch::throttled(&part),
            body: part.body,
        })
        .collect())
}

/// A Google users page entry as discovery reads it: (id, lower-case
/// primary e-mail), `None` when it lacks either (the scan is refused).
pub fn google_discovery_user(user: &Value) -> Option<(Text, Text)> {
    crate::discover::google::user_of(user)
}

/// Folds one user's `tokens.list` answer into `scan` as Google discovery
/// does; an error refuses the scan.
pub fn google_discovered_tokens(
    scan: &mut keyward_core::discovery::DirectoryScan,
    user_id: &str,
    email: &str,
    tokens: &Value,
) -> Result<(), String> {
    let call = Url::parse("https://admin.googleapis.com/admin/directory/v1/users/u/tokens")
        .map_err(|e| format!("the harness's URL: {e}"))?;
    crate::discover::google::token_uses(scan, "fuzz", tokens, &call, &Text::from(user_id), &Text::from(email))
        .map_err(|e| e.to_string())
}

/// What Graph discovery makes of a tenant's listings (the tenant's id,
/// then each listing's items in the order read): the apps some use names
/// and the uses; `sign_ins` `None` is a tenant whose licence keeps none.
pub fn graph_discovery(
    tenant_id: &str,
    service_principals: &[Value],
    users: &[Value],
    grants: &[Value],
    sign_ins: Option<&[Value]>,
) -> keyward_core::discovery::DirectoryScan {
    let mut fold = crate::discover::graph::fold::Fold::new(tenant_id);
    service_principals.iter().for_each(|sp| fold.service_principal(sp));
    users.iter().for_each(|u| fold.user(u));
    grants.iter().for_each(|g| fold.grant(g));
    sign_ins.into_iter().flatten().for_each(|s| fold.sign_in(s));
    let users = fold.users();
    let (apps, uses) = fold.finish();
    keyward_core::discovery::DirectoryScan { apps, uses, users, ..Default::default() }
}
