//! Groups by name: their ids (from the last listing's cache, else by
//! filter), the indexing of a `/Groups` listing into each user's groups,
//! and joining the groups a change names, every one required to exist.

use std::collections::HashMap;

use keyward_core::account::Text;
use serde_json::Value;

use super::changes::Edited;
use super::edit::Edit;
use super::{Kind, Scim, filter, map};
use crate::ConnectorError;

impl Scim {
    /// Each user's groups (display names) by user id, from a `/Groups`
    /// listing; every group's id is kept by name for later changes.
    pub(super) fn index_groups(&self, groups: &[Value]) -> HashMap<String, Vec<Text>> {
        let mut member_of: HashMap<String, Vec<Text>> = HashMap::new();
        let mut ids: HashMap<String, Vec<String>> = HashMap::new();
        for g in groups {
            let Some(name) = map::text(g, "displayName") else { continue };
            if let Some(id) = map::id(g) {
                ids.entry(name.to_owned()).or_default().push(id);
            }
            for m in map::members(g) {
                member_of.entry(m.to_owned()).or_default().push(Text::from(name));
            }
        }
        if let Ok(mut cache) = self.group_ids.lock() {
            *cache = Some(ids);
        }
        member_of
    }

    /// A group's id by display name: a single hit in the last listing's
    /// cache, else a lookup; `None` when no group has that name, an error
    /// when several do.
    pub(super) async fn group_id(&self, name: &str) -> Result<Option<String>, ConnectorError> {
        // A group missing from the cache may have been made since the
        // listing, so only a cached single hit skips the lookup.
        let cached = match self.group_ids.lock() {
            Ok(g) => g.as_ref().and_then(|m| m.get(name)).filter(|ids| ids.len() == 1).map(|ids| ids[0].clone()),
            Err(_) => None,
        };
        if cached.is_some() {
            return Ok(cached);
        }
        let found = self.find(Kind::Groups, "displayName", name).await?;
        match found.as_slice() {
            [] => Ok(None),
            [one] => Ok(map::id(one)),
            many => Err(ConnectorError::Http {
                app: self.app.clone(),
                call: format!("GET {}", self.url(&["Groups"], &[("filter", &filter::eq("displayName", name))])),
                status: Some(200),
                problem: format!("{} groups are called `{name}`; keyward cannot tell which one is meant", many.len()),
            }),
        }
    }

    /// The ids of groups to join, every one required to exist.
    pub(super) async fn required_groups(&self, names: &[String]) -> Result<Vec<(String, String)>, ConnectorError> {
        let mut out = Vec::with_capacity(names.len());
        for name in names {
            match self.group_id(name).await? {
                Some(id) => out.push((name.clone(), id)),
                None => {
                    return Err(ConnectorError::Http {
                        app: self.app.clone(),
                        call: format!("GET {}", self.url(&["Groups"], &[("filter", &filter::eq("displayName", name))])),
                        status: Some(200),
                        problem: format!(
                            "there is no group `{name}` in {}; create it there or correct the policy's grant",
                            self.app
                        ),
                    });
                }
            }
        }
        Ok(out)
    }

    /// Adds `user` to each group (name, id); a group that disappeared
    /// meanwhile is an error naming it.
    pub(super) async fn join_groups(&self, user: &str, groups: &[(String, String)]) -> Result<(), ConnectorError> {
        for (name, gid) in groups {
            if let Edited::Missing(call) =
                self.edit(Kind::Groups, gid, &[Edit::AddMember(user.to_owned())], false).await?
            {
                return Err(self.gone(call, &format!("group `{name}` disappeared before {user} could join it")));
            }
        }
        Ok(())
    }
}

/// ` in a, b` for an outcome's message; empty without groups.
pub(super) fn in_groups(groups: &[(String, String)]) -> String {
    if groups.is_empty() {
        String::new()
    } else {
        let names: Vec<&str> = groups.iter().map(|(n, _)| n.as_str()).collect();
        format!(" in {}", names.join(", "))
    }
}
