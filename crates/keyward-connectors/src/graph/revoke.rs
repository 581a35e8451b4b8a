//! Closing what a leaver can still reach after the suspension: their
//! sign-in sessions and the delegated permission grants they gave apps.
//!
//! `POST /users/{id}/revokeSignInSessions` moves the user's
//! `signInSessionsValidFromDateTime` to now, so every refresh token and
//! session cookie issued before stops working. Grants are read with
//! `GET /oauth2PermissionGrants?$filter=principalId eq '{id}'` rather than
//! `/users/{id}/oauth2PermissionGrants`, because Microsoft's permission
//! table for the latter says application permissions are not supported,
//! and keyward signs in as an application. Only `consentType: Principal`
//! grants of this user are deleted: an `AllPrincipals` grant is an
//! admin's consent for the whole tenant, and deleting it would cut every
//! user off the app.
//!
//! Reruns are safe: a user already deleted is [`Outcome::AlreadyDone`], a
//! grant deleted meanwhile (404) is already gone, and revoking sessions
//! twice only moves the date again.

use http::{Method, StatusCode};
use keyward_core::account::RevokeKinds;
use keyward_core::plan::Change;
use keyward_core::resources::RevokeKind;

use super::{MicrosoftGraph, graph_error, quote, text};
use crate::http::Request;
use crate::{ConnectorError, Outcome};

/// What the connector can revoke.
pub(super) const CAN_REVOKE: RevokeKinds = RevokeKinds::of(&[RevokeKind::Sessions, RevokeKind::OauthTokens]);

/// Application permissions, named when Graph refuses.
const REVOKE_SESSIONS: &str = "User.RevokeSessions.All";
const WRITE_GRANTS: &str = "DelegatedPermissionGrant.ReadWrite.All";

/// One grant to delete: its id and the client service principal's id.
struct Grant {
    id: String,
    client: String,
}

impl MicrosoftGraph {
    /// Revokes what `change.revoke` names (everything the connector can
    /// when it names nothing).
    pub(super) async fn revoke(&self, change: &Change) -> Result<Outcome, ConnectorError> {
        let id = crate::account_id(change, &self.app)?;
        let asked = change.revoke.filter(|k| !k.is_empty()).unwrap_or(CAN_REVOKE);
        if asked.kinds().into_iter().any(|k| !CAN_REVOKE.contains(k)) {
            return Err(ConnectorError::Unsupported {
                app: self.app.clone(),
                kind: "microsoftGraph",
                action: "revoke app passwords or backup verification codes (Entra has neither to revoke)",
            });
        }
        let mut did: Vec<String> = Vec::new();
        if asked.contains(RevokeKind::Sessions) {
            let reply = self
                .http
                .send(&Request::new(Method::POST, self.url(&["users", id, "revokeSignInSessions"], &[])))
                .await?;
            match reply.status {
                s if s.is_success() => did.push("sign-in sessions revoked".to_owned()),
                StatusCode::NOT_FOUND => return Ok(Outcome::AlreadyDone(format!("{id}: the user no longer exists"))),
                _ => return Err(graph_error(&reply, None, REVOKE_SESSIONS).into()),
            }
        }
        if !asked.contains(RevokeKind::OauthTokens) {
            return Ok(Outcome::Applied(format!("{id}: {}", did.join("; "))));
        }
        let grants = self.grants_of(id).await.map_err(|e| done_before(e, &did))?;
        let mut removed: Vec<&str> = Vec::new();
        let mut gone = 0usize;
        for g in &grants {
            let reply = self
                .http
                .send(&Request::new(Method::DELETE, self.url(&["oauth2PermissionGrants", &g.id], &[])))
                .await
                .map_err(|e| done_before(e.into(), &with_removed(&did, removed.len())))?;
            match reply.status {
                s if s.is_success() => removed.push(&g.client),
                StatusCode::NOT_FOUND => gone += 1,
                _ => {
                    let e = graph_error(&reply, None, WRITE_GRANTS).into();
                    return Err(done_before(e, &with_removed(&did, removed.len())));
                }
            }
        }
        if !removed.is_empty() {
            let names = self.client_names(&removed).await;
            did.push(format!(
                "{} ({})",
                grants_removed(removed.len()),
                keyward_core::excerpt::list(names.iter().map(String::as_str))
            ));
        }
        let already = match gone {
            0 if grants.is_empty() => "no delegated grants".to_owned(),
            0 => String::new(),
            1 => "1 delegated grant already gone".to_owned(),
            n => format!("{n} delegated grants already gone"),
        };
        if did.is_empty() {
            return Ok(Outcome::AlreadyDone(format!("{id}: {already}")));
        }
        if !already.is_empty() {
            did.push(already);
        }
        Ok(Outcome::Applied(format!("{id}: {}", did.join("; "))))
    }

    /// The user's own delegated grants (never tenant-wide consents).
    async fn grants_of(&self, user: &str) -> Result<Vec<Grant>, ConnectorError> {
        let filter = format!("principalId eq {}", quote(user));
        let top = self.top();
        let url = self.url(&["oauth2PermissionGrants"], &[("$filter", &filter), ("$top", &top)]);
        let mut out = Vec::new();
        self.pager()
            .each(url, WRITE_GRANTS, |_, g| {
                let mine = text(&g, "consentType") == Some("Principal") && text(&g, "principalId") == Some(user);
                if let (true, Some(id)) = (mine, text(&g, "id")) {
                    out.push(Grant { id: id.to_owned(), client: text(&g, "clientId").unwrap_or_default().to_owned() });
                }
                Ok(())
            })
            .await?;
        Ok(out)
    }

    /// The display names of the client apps, for the audit log; the id
    /// where Graph does not say (a name is a courtesy, not worth failing a
    /// revocation already made). At most as many as a message shows.
    async fn client_names(&self, clients: &[&str]) -> Vec<String> {
        let mut distinct: Vec<&str> = Vec::new();
        for c in clients {
            if !distinct.contains(c) {
                distinct.push(c);
            }
        }
        let mut out = Vec::with_capacity(distinct.len());
        for (i, client) in distinct.iter().enumerate() {
            let name = if i < keyward_core::excerpt::LIST_ITEMS && !client.is_empty() {
                self.display_name(client).await
            } else {
                None
            };
            out.push(name.unwrap_or_else(|| (*client).to_owned()));
        }
        out
    }

    async fn display_name(&self, service_principal: &str) -> Option<String> {
        let url = self.url(&["servicePrincipals", service_principal], &[("$select", "id,displayName")]);
        let reply = self.http.send(&Request::new(Method::GET, url)).await.ok()?;
        if !reply.is_success() {
            return None;
        }
        let body = reply.json().ok()?;
        text(&body, "displayName").map(str::to_owned)
    }
}

fn grants_removed(n: usize) -> String {
    if n == 1 { "1 delegated grant removed".to_owned() } else { format!("{n} delegated grants removed") }
}

fn with_removed(did: &[String], removed: usize) -> Vec<String> {
    let mut out = did.to_vec();
    if removed > 0 {
        out.push(grants_removed(removed));
    }
    out
}

/// The error, saying first what was already done (the audit log and the
/// retry should know the sessions are closed).
fn done_before(e: ConnectorError, did: &[String]) -> ConnectorError {
    if did.is_empty() { e } else { e.prefixed(&format!("{} before this failed", did.join("; "))) }
}
