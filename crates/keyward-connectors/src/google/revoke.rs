//! Closing what a suspension leaves open, in the order Google's Directory
//! API allows it per user: sign out of every web and device session,
//! delete each third-party app's OAuth tokens, delete each app-specific
//! password, invalidate the backup verification codes.
//!
//! Idempotent as every change: a token or app password already gone (404
//! on its delete) counts as closed, and a user deleted meanwhile has
//! nothing left to close. All of it needs the scope
//! `admin.directory.user.security`, which existing deployments' delegation
//! lacks: a refusal says to add it.

use http::{Method, StatusCode};
use keyward_core::plan::Change;
use keyward_core::resources::RevokeKind;
use serde_json::Value;
use url::Url;

use super::grants::items;
use super::{GoogleWorkspace, SCOPE_SECURITY, map};
use crate::http::{Reply, Request};
use crate::{ConnectorError, Outcome, account_id};

/// What one revocation did so far, for the audit log.
#[derive(Debug, Default)]
struct Closed {
    signed_out: bool,
    /// `displayText` (or client id) of each app whose tokens went.
    apps: Vec<String>,
    /// App passwords deleted.
    passwords: usize,
    codes: bool,
    /// Kinds asked for that had nothing open.
    nothing_left: Vec<&'static str>,
    /// A call that changes something was sent.
    wrote: bool,
}

impl GoogleWorkspace {
    pub(super) async fn revoke(&self, change: &Change) -> Result<Outcome, ConnectorError> {
        let id = account_id(change, &self.app)?;
        let asked = change.revoke.filter(|k| !k.is_empty()).unwrap_or(self.revoke);
        let kinds = asked.intersection(self.revoke);
        if kinds.is_empty() {
            return Err(ConnectorError::NotConfigured {
                app: self.app.clone(),
                why: "the connector revokes only where spec.lifecycle.offboarding.revoke is set, so that the scope admin.directory.user.security is asked for".to_owned(),
            });
        }
        let mut closed = Closed::default();
        for kind in kinds.kinds() {
            let done = match kind {
                RevokeKind::Sessions => self.sign_out(id, &mut closed).await?,
                RevokeKind::OauthTokens => self.delete_tokens(id, &mut closed).await?,
                RevokeKind::AppPasswords => self.delete_passwords(id, &mut closed).await?,
                RevokeKind::VerificationCodes => self.invalidate_codes(id, &mut closed).await?,
            };
            if !done {
                let gone = format!("{id}: the user no longer exists");
                return Ok(if closed.wrote {
                    Outcome::Applied(format!("{}; then {gone}", closed.describe()))
                } else {
                    Outcome::AlreadyDone(gone)
                });
            }
        }
        let what = format!("{id}: {}", closed.describe());
        Ok(if closed.wrote { Outcome::Applied(what) } else { Outcome::AlreadyDone(what) })
    }

    /// `POST /users/{id}/signOut`. `false` when the user is gone.
    async fn sign_out(&self, id: &str, closed: &mut Closed) -> Result<bool, ConnectorError> {
        let url = self.user_url(id, &["signOut"]);
        if self.call(Method::POST, url).await?.is_none() {
            return Ok(false);
        }
        closed.signed_out = true;
        closed.wrote = true;
        Ok(true)
    }

    /// Every third-party app's tokens, one `DELETE` per app.
    async fn delete_tokens(&self, id: &str, closed: &mut Closed) -> Result<bool, ConnectorError> {
        let client = |t: &Value| map::text(t, "clientId").map(str::to_owned);
        let Some(deleted) = self.delete_each(id, "tokens", "clientId", client).await? else {
            return Ok(false);
        };
        if deleted.is_empty() {
            closed.nothing_left.push("OAuth token");
        }
        for (t, client) in &deleted {
            closed.apps.push(map::text(t, "displayText").unwrap_or(client).to_owned());
        }
        closed.wrote |= !deleted.is_empty();
        Ok(true)
    }

    /// Every app-specific password, one `DELETE` each.
    async fn delete_passwords(&self, id: &str, closed: &mut Closed) -> Result<bool, ConnectorError> {
        // Google documents `codeId` as an integer; a string is taken too.
        let code = |a: &Value| match a.get("codeId") {
            Some(Value::Number(n)) => Some(n.to_string()),
            Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_owned()),
            _ => None,
        };
        let Some(deleted) = self.delete_each(id, "asps", "codeId", code).await? else {
            return Ok(false);
        };
        if deleted.is_empty() {
            closed.nothing_left.push("app password");
        }
        closed.passwords += deleted.len();
        closed.wrote |= !deleted.is_empty();
        Ok(true)
    }

    /// `GET /users/{id}/{what}`, then `DELETE /users/{id}/{what}/{key}`
    /// for each item (a 404 there: gone already). The items deleted with
    /// their key; `None` when the user is gone.
    async fn delete_each(
        &self,
        id: &str,
        what: &str,
        field: &str,
        key: impl Fn(&Value) -> Option<String>,
    ) -> Result<Option<Vec<(Value, String)>>, ConnectorError> {
        let Some(listed) = self.list_of(id, what).await? else {
            return Ok(None);
        };
        let mut out = Vec::with_capacity(listed.len());
        for item in listed {
            let Some(k) = key(&item) else {
                return Err(
                    self.partial(format!("GET {} listed an item without a {field}", self.user_url(id, &[what])))
                );
            };
            self.call(Method::DELETE, self.user_url(id, &[what, &k])).await?;
            out.push((item, k));
        }
        Ok(Some(out))
    }

    /// `POST /users/{id}/verificationCodes/invalidate`.
    async fn invalidate_codes(&self, id: &str, closed: &mut Closed) -> Result<bool, ConnectorError> {
        let url = self.user_url(id, &["verificationCodes", "invalidate"]);
        if self.call(Method::POST, url).await?.is_none() {
            return Ok(false);
        }
        closed.codes = true;
        closed.wrote = true;
        Ok(true)
    }

    /// `GET /users/{id}/{what}`'s items; `None` when the user is gone.
    async fn list_of(&self, id: &str, what: &str) -> Result<Option<Vec<Value>>, ConnectorError> {
        let url = self.user_url(id, &[what]);
        let Some(reply) = self.call(Method::GET, url.clone()).await? else {
            return Ok(None);
        };
        let body = reply.json()?;
        Ok(Some(items(&self.app, &body, &url)?.to_vec()))
    }

    /// One call of a revocation: `None` for a 404, the user gone (or, for
    /// a delete, the token or password gone already); a refusal names the
    /// scope to add to the delegation.
    async fn call(&self, method: Method, url: Url) -> Result<Option<Reply>, ConnectorError> {
        let reply = self.http.send(&Request::new(method, url)).await?;
        match reply.status {
            s if s.is_success() => Ok(Some(reply)),
            StatusCode::NOT_FOUND => Ok(None),
            StatusCode::FORBIDDEN | StatusCode::UNAUTHORIZED => Err(self
                .google_error(
                    &reply,
                    Some(&format!(
                        "revoking needs the scope {SCOPE_SECURITY} in the service account's domain-wide delegation (Admin console → Security → Access and data control → API controls → Domain-wide delegation)"
                    )),
                )
                .into()),
            _ => Err(self.google_error(&reply, None).into()),
        }
    }
}

impl Closed {
    /// `signed out; 3 OAuth tokens (Slack, Zoom, Notion) and 1 app password
    /// revoked; backup codes invalidated`.
    fn describe(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        if self.signed_out {
            parts.push("signed out".to_owned());
        }
        let mut revoked: Vec<String> = Vec::new();
        if !self.apps.is_empty() {
            let names = keyward_core::excerpt::list(self.apps.iter().map(String::as_str));
            revoked.push(format!("{} ({names})", count(self.apps.len(), "OAuth token")));
        }
        if self.passwords > 0 {
            revoked.push(count(self.passwords, "app password"));
        }
        if !revoked.is_empty() {
            parts.push(format!("{} revoked", revoked.join(" and ")));
        }
        if !self.nothing_left.is_empty() {
            parts.push(format!("no {} was left", self.nothing_left.join(" or ")));
        }
        if self.codes {
            parts.push("backup codes invalidated".to_owned());
        }
        parts.join("; ")
    }
}

/// `1 app password`, `3 OAuth tokens`.
fn count(n: usize, noun: &str) -> String {
    if n == 1 { format!("1 {noun}") } else { format!("{n} {noun}s") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_was_closed_reads_as_a_sentence() {
        let c = Closed {
            signed_out: true,
            apps: vec!["Slack".into(), "Zoom\u{1b}[31m".into(), "Notion".into()],
            passwords: 1,
            codes: true,
            ..Closed::default()
        };
        assert_eq!(
            c.describe(),
            "signed out; 3 OAuth tokens (Slack, Zoom\\u{1b}[31m, Notion) and 1 app password revoked; backup codes invalidated"
        );
        let none = Closed {
            signed_out: true,
            nothing_left: vec!["OAuth token", "app password"],
            codes: true,
            ..Closed::default()
        };
        assert_eq!(none.describe(), "signed out; no OAuth token or app password was left; backup codes invalidated");
    }
}
