//! Closing what outlives a leaver's suspension in Okta: the Okta sessions
//! (`DELETE /api/v1/users/{id}/sessions`, with `oauthTokens=true` the
//! OpenID Connect and OAuth tokens Okta issued too) and the user's consent
//! grants to OAuth apps (`DELETE /api/v1/users/{id}/grants`). Both answer
//! 204 however often they are called, so a rerun is harmless; a user Okta
//! no longer has is done already. Sessions of the apps themselves are the
//! apps' own: Okta cannot end them, which the plan's other apps cover.

use http::{Method, StatusCode};
use keyward_core::account::RevokeKinds;
use keyward_core::resources::RevokeKind;

use super::{Okta, okta_error};
use crate::http::Request;
use crate::{ConnectorError, Outcome};

/// What Okta can revoke.
pub(super) const KINDS: RevokeKinds = RevokeKinds::of(&[RevokeKind::Sessions, RevokeKind::OauthTokens]);

impl Okta {
    /// Revokes `kinds` (those of [`KINDS`]) of user `id`.
    pub(super) async fn revoke(&self, id: &str, kinds: RevokeKinds) -> Result<Outcome, ConnectorError> {
        let tokens = kinds.contains(RevokeKind::OauthTokens);
        let mut done: Vec<&str> = Vec::new();
        if kinds.contains(RevokeKind::Sessions) {
            let q: &[(&str, &str)] = &[("oauthTokens", if tokens { "true" } else { "false" })];
            let reply = self.http.send(&Request::new(Method::DELETE, self.url(&["users", id, "sessions"], q))).await?;
            match reply.status {
                s if s.is_success() => done.push(if tokens {
                    "Okta sessions and the tokens Okta issued revoked"
                } else {
                    "Okta sessions revoked"
                }),
                StatusCode::NOT_FOUND => return Ok(Outcome::AlreadyDone(format!("{id} is no longer in Okta"))),
                _ => return Err(okta_error(&reply, Some(&format!("cannot revoke the sessions of {id}"))).into()),
            }
        }
        if tokens {
            let reply = self.http.send(&Request::new(Method::DELETE, self.url(&["users", id, "grants"], &[]))).await?;
            match reply.status {
                s if s.is_success() => done.push("consent grants to OAuth apps revoked"),
                StatusCode::NOT_FOUND => return Ok(Outcome::AlreadyDone(format!("{id} is no longer in Okta"))),
                _ => return Err(okta_error(&reply, Some(&format!("cannot revoke the grants of {id}"))).into()),
            }
        }
        if done.is_empty() {
            return Err(ConnectorError::Internal(format!("the revocation of {id} names nothing Okta can revoke")));
        }
        Ok(Outcome::Applied(format!("{}: {id}", done.join("; "))))
    }
}
