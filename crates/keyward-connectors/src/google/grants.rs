//! What a suspended user can still reach: the OAuth tokens and app
//! passwords (ASPs) Google still holds for them, counted while listing so
//! the planner revokes again what a suspension (or an earlier revoke)
//! left open.
//!
//! Only suspended users are read: a leaver's account is suspended before
//! or with its revocation, and reading every user's grants would cost two
//! calls per user per run. Both lists of all suspended users go through
//! the batch endpoint, so 10,000 suspended users cost 20 batch requests.

use std::collections::HashMap;

use serde_json::Value;
use url::Url;

use super::batch::Answer;
use super::{GoogleWorkspace, map};
use crate::ConnectorError;

/// Most tokens or app passwords read for one user: a real user has a few
/// dozen; an answer with more is not believed.
pub(super) const MAX_ITEMS: usize = 2000;

impl GoogleWorkspace {
    /// `{directory}/users/{id}/{what}` (`tokens`, `asps`).
    pub(crate) fn user_url(&self, id: &str, what: &[&str]) -> Url {
        let mut segments = vec!["users", id];
        segments.extend_from_slice(what);
        Self::url(&self.directory, &segments, &[])
    }

    /// User id → OAuth tokens plus app passwords still issued, for the
    /// suspended (or archived) users among `users`; nothing when the
    /// Application does not revoke (the scope to read them is not asked
    /// for). A user deleted meanwhile is left out.
    pub(super) async fn open_grants(&self, users: &[Value]) -> Result<HashMap<String, u32>, ConnectorError> {
        let mut out: HashMap<String, u32> = HashMap::new();
        if self.revoke.is_empty() {
            return Ok(out);
        }
        let ids: Vec<&str> = users
            .iter()
            .filter(|u| map::flag(u, "suspended") || map::flag(u, "archived"))
            .filter_map(|u| map::text(u, "id"))
            .collect();
        let calls: Vec<Url> =
            ids.iter().flat_map(|id| [self.user_url(id, &["tokens"]), self.user_url(id, &["asps"])]).collect();
        let mut gone: Vec<usize> = Vec::new();
        self.batch_get(&calls, |i, answer| {
            let user = i / 2;
            match answer {
                Answer::Gone => gone.push(user),
                Answer::Found(body) => {
                    let n = items(&self.app, &body, &calls[i])?.len();
                    let n = u32::try_from(n).unwrap_or(u32::MAX);
                    let count = out.entry(ids[user].to_owned()).or_default();
                    *count = count.saturating_add(n);
                }
            }
            Ok(())
        })
        .await?;
        for user in gone {
            out.remove(ids[user]);
        }
        Ok(out)
    }
}

/// The `items` of a Directory list answer (`tokens.list`, `asps.list`):
/// absent or `null` when there are none, as Google leaves it out. Anything
/// else than a list, or more than [`MAX_ITEMS`], is refused.
pub(crate) fn items<'v>(app: &str, body: &'v Value, call: &Url) -> Result<&'v [Value], ConnectorError> {
    let refuse = |why: &str| ConnectorError::Http {
        app: app.to_owned(),
        call: format!("GET {call}"),
        status: Some(200),
        problem: why.to_owned(),
    };
    if !body.is_object() && !body.is_null() {
        return Err(refuse("the answer is not a list"));
    }
    match body.get("items") {
        None | Some(Value::Null) => Ok(&[]),
        Some(Value::Array(list)) if list.len() <= MAX_ITEMS => Ok(list),
        Some(Value::Array(list)) => Err(refuse(&format!(
            "the answer lists {} items, more than the {MAX_ITEMS} keyward reads for one user",
            list.len()
        ))),
        Some(_) => Err(refuse("the answer's `items` is not a list")),
    }
}
