//! Changing existing accounts: sending edits (a blind, targeted PATCH
//! where the server supports it, else GET + PUT with `If-Match`), and the
//! update, suspend, restore and delete changes built on them. Each tells
//! a change already made from one it made.

use http::{Method, StatusCode};
use keyward_core::action::Action;
use keyward_core::plan::Change;
use keyward_core::resources::ScimProfile;

use super::edit::{self, Edit};
use super::{Kind, Scim, map};
use crate::http::Request;
use crate::{ConnectorError, Outcome};

/// What became of an edit.
pub(super) enum Edited {
    /// Sent, and the server took it.
    Applied,
    /// The resource already was as wanted; nothing was sent.
    AlreadyDone,
    /// The resource does not exist (the call that found out).
    Missing(String),
}

impl Scim {
    /// Applies `edits` to one resource. With PATCH, the operations keyward
    /// sends (replace `active`, replace `roles`, add or remove one member)
    /// are targeted and idempotent, so they go out blind: no read, and no
    /// `If-Match`, which only guards a whole-resource write against a lost
    /// update. That is one request per change instead of two. A read comes
    /// first when a PUT body must be built from the current resource, and
    /// when `read_first` asks for it (adopting an account).
    pub(super) async fn edit(
        &self,
        kind: Kind,
        id: &str,
        edits: &[Edit],
        read_first: bool,
    ) -> Result<Edited, ConnectorError> {
        let f = self.features().await?;
        let url = self.url(&[kind.path(), id], &[]);
        if !read_first && f.patch {
            let reply = self.http.send(&Request::new(Method::PATCH, url).json(&edit::patch_body(edits))).await?;
            return match reply.status {
                s if s.is_success() => Ok(Edited::Applied),
                StatusCode::NOT_FOUND => Ok(Edited::Missing(reply.call().to_owned())),
                // Removing a member who is not one.
                StatusCode::BAD_REQUEST
                    if reply.scim_type().as_deref() == Some("noTarget")
                        && edits.iter().all(|e| matches!(e, Edit::RemoveMember(_))) =>
                {
                    Ok(Edited::AlreadyDone)
                }
                _ => Err(reply.error().into()),
            };
        }
        let mut reread = false;
        loop {
            let reply = self.get(url.clone()).await?;
            if reply.status == StatusCode::NOT_FOUND {
                return Ok(Edited::Missing(reply.call().to_owned()));
            }
            if !reply.is_success() {
                return Err(reply.error().into());
            }
            let current = reply.json()?;
            let pending: Vec<&Edit> = edits.iter().filter(|e| !e.is_done(&current)).collect();
            if pending.is_empty() {
                return Ok(Edited::AlreadyDone);
            }
            let tag = if f.etag { map::etag(&current, reply.etag()).map(str::to_owned) } else { None };
            let request = if f.patch {
                Request::new(Method::PATCH, url.clone()).json(&edit::patch_body(pending.iter().copied()))
            } else {
                Request::new(Method::PUT, url.clone()).json(&edit::put_body(&current, pending.iter().copied()))
            };
            let reply = self.http.send(&request.if_match(tag.as_deref())).await?;
            match reply.status {
                s if s.is_success() => return Ok(Edited::Applied),
                StatusCode::NOT_FOUND => return Ok(Edited::Missing(reply.call().to_owned())),
                // Someone changed it since it was read: decide again on a fresh copy, once.
                StatusCode::PRECONDITION_FAILED if !reread => {
                    tracing::info!(app = %self.app, call = %reply.call(), "changed since read; reading it again");
                    reread = true;
                }
                _ => return Err(reply.error().into()),
            }
        }
    }

    pub(super) async fn update(&self, change: &Change) -> Result<Outcome, ConnectorError> {
        let id = self.account_id(change)?;
        let mut did: Vec<String> = Vec::new();
        let mut already: Vec<String> = Vec::new();
        if let Some(role) = &change.role {
            match self.edit(Kind::Users, id, &[Edit::Role(role.to.clone())], false).await? {
                Edited::Applied => did.push(format!("role {}", role.to)),
                Edited::AlreadyDone => already.push(format!("role already {}", role.to)),
                Edited::Missing(call) => return Err(self.gone(call, "the account no longer exists")),
            }
        }
        if let Some(groups) = &change.groups {
            for (name, gid) in self.required_groups(&groups.add).await? {
                match self.edit(Kind::Groups, &gid, &[Edit::AddMember(id.to_owned())], false).await? {
                    Edited::Applied => did.push(format!("joined {name}")),
                    Edited::AlreadyDone => already.push(format!("already in {name}")),
                    Edited::Missing(call) => return Err(self.gone(call, &format!("group `{name}` disappeared"))),
                }
            }
            for name in &groups.remove {
                let Some(gid) = self.group_id(name).await? else {
                    already.push(format!("group {name} no longer exists"));
                    continue;
                };
                match self.edit(Kind::Groups, &gid, &[Edit::RemoveMember(id.to_owned())], false).await? {
                    Edited::Applied => did.push(format!("left {name}")),
                    Edited::AlreadyDone | Edited::Missing(_) => already.push(format!("not in {name}")),
                }
            }
        }
        Ok(if did.is_empty() {
            Outcome::AlreadyDone(if already.is_empty() { "nothing to change".to_owned() } else { already.join(", ") })
        } else {
            Outcome::Applied(format!("{id}: {}", did.join(", ")))
        })
    }

    pub(super) async fn set_active(&self, change: &Change, active: bool) -> Result<Outcome, ConnectorError> {
        let id = self.account_id(change)?;
        Ok(match self.edit(Kind::Users, id, &[Edit::Active(active)], false).await? {
            Edited::Applied if active => Outcome::Applied(format!("restored {id}")),
            Edited::Applied => Outcome::Applied(format!("suspended {id}")),
            Edited::AlreadyDone => {
                Outcome::AlreadyDone(format!("{id} is already {}", if active { "active" } else { "suspended" }))
            }
            Edited::Missing(call) if active => {
                return Err(self.gone(call, "the account no longer exists, so it cannot be restored"));
            }
            Edited::Missing(_) => Outcome::AlreadyDone(format!("{id}: the account no longer exists")),
        })
    }

    pub(super) async fn delete(&self, change: &Change) -> Result<Outcome, ConnectorError> {
        if self.profile == ScimProfile::Slack {
            // Slack's DELETE only deactivates; claiming a deletion would lie.
            return Err(self.unsupported(Action::Delete));
        }
        let id = self.account_id(change)?;
        let reply = self.http.send(&Request::new(Method::DELETE, self.url(&["Users", id], &[]))).await?;
        match reply.status {
            s if s.is_success() => Ok(Outcome::Applied(match self.profile {
                ScimProfile::GithubEmu => format!("deleted {id} for good (its repositories, keys and tokens are gone)"),
                _ => format!("deleted {id}"),
            })),
            StatusCode::NOT_FOUND => Ok(Outcome::AlreadyDone(format!("{id}: the account no longer exists"))),
            _ => Err(reply.error().into()),
        }
    }
}
