//! Handing a leaver's Drive and Calendar data over with the Data Transfer
//! API, and deleting a user only once that hand-over is complete.
//!
//! A transfer runs in Google's background for minutes to days after it is
//! requested. Deleting the user before it completes loses whatever was not
//! moved yet, for good (after the 20 days a deleted user can be restored).
//! So a delete first reads the user's transfers and refuses while one is
//! still running or when the last one failed; the next apply tries again.
//!
//! A transfer moves what the user owns when it runs, so only a transfer
//! Google requested (`requestTime`) after the user's last sign-in
//! (`lastLoginTime` of the user resource, read when the change is made)
//! hands over the data they have now. Anything a person makes needs a
//! session, a suspended user has none, and a restored rehire has to sign
//! in again: an older transfer, such as the completed one of an earlier
//! employment, holds none of what they made since. It neither makes the
//! hand-over done nor lets the delete go ahead. A user who never signed
//! in (Google's epoch) made nothing, so every transfer of theirs counts.
//! What this cannot see: a transfer requested by hand before the
//! suspension while the user was still signed in, which misses the files
//! of the rest of that session.
//!
//! The listing applies the same rule to every suspended user
//! ([`handed_over`]), so the plan asks again for a hand-over that failed
//! after the suspension went through.

use std::collections::HashMap;

use http::{Method, StatusCode};
use jiff::Timestamp;
use keyward_core::plan::Change;
use serde_json::{Value, json};

use super::{GoogleWorkspace, map};
use crate::http::Request;
use crate::{ConnectorError, Outcome, account_id};

/// Google Drive and Docs in the Data Transfer API.
const DRIVE_APPLICATION_ID: &str = "55656082996";
/// Google Calendar in the Data Transfer API.
const CALENDAR_APPLICATION_ID: &str = "435070579839";
/// Google's default page of transfers; it documents no larger one.
const TRANSFERS_PAGE_SIZE: &str = "100";

impl GoogleWorkspace {
    /// The body of `POST /transfers`: every Drive file, private and shared,
    /// and the leaver's calendars, with the rooms and resources of future
    /// events released.
    pub(super) fn transfer_body(old: &str, new: &str) -> Value {
        json!({
            "oldOwnerUserId": old,
            "newOwnerUserId": new,
            "applicationDataTransfers": [
                {
                    "applicationId": DRIVE_APPLICATION_ID,
                    "applicationTransferParams": [{"key": "PRIVACY_LEVEL", "value": ["PRIVATE", "SHARED"]}]
                },
                {
                    "applicationId": CALENDAR_APPLICATION_ID,
                    "applicationTransferParams": [{"key": "RELEASE_RESOURCES", "value": ["TRUE"]}]
                }
            ]
        })
    }

    /// Every Data Transfer of the customer by old owner, where the app
    /// hands data over (`None` where it does not: nothing to tell then).
    pub(super) async fn all_transfers(&self) -> Result<Option<HashMap<String, Vec<Value>>>, ConnectorError> {
        if !self.hands_over {
            return Ok(None);
        }
        // Like the licensing API, this one takes no `my_customer`.
        let customer = if self.customer != "my_customer" {
            self.customer.clone()
        } else {
            self.customer_id.lock().ok().and_then(|c| c.clone()).ok_or_else(|| ConnectorError::NotConfigured {
                app: self.app.clone(),
                why: "the users listed carry no customerId, which listing the Data Transfers needs; set `spec.connector.googleWorkspace.customer` to the customer id (Account settings → Customer ID)".to_owned(),
            })?
        };
        let query = [("customerId", customer.as_str()), ("maxResults", TRANSFERS_PAGE_SIZE)];
        let mut by_owner: HashMap<String, Vec<Value>> = HashMap::new();
        for t in self.all_pages(&self.data_transfer, &["transfers"], &query, "dataTransfers").await? {
            let Some(old) = map::text(&t, "oldOwnerUserId") else {
                return Err(self.partial(format!(
                    "GET {} returned a Data Transfer without oldOwnerUserId",
                    Self::url(&self.data_transfer, &["transfers"], &query)
                )));
            };
            by_owner.entry(old.to_owned()).or_default().push(t);
        }
        Ok(Some(by_owner))
    }

    /// Every Data Transfer of `old`'s data, oldest first as Google lists them.
    pub(super) async fn transfers_of(&self, old: &str) -> Result<Vec<Value>, ConnectorError> {
        self.all_pages(&self.data_transfer, &["transfers"], &[("oldOwnerUserId", old)], "dataTransfers").await
    }

    fn transfers_call(&self, old: &str) -> String {
        format!("GET {}", Self::url(&self.data_transfer, &["transfers"], &[("oldOwnerUserId", old)]))
    }

    /// The receiver's Directory user id: the change's account id, else
    /// looked up by its e-mail.
    async fn receiver(&self, change: &Change) -> Result<String, ConnectorError> {
        let Some(to) = change.transfer_to.as_deref() else {
            return Err(ConnectorError::Internal(format!(
                "the transfer of {} in {} names nobody to receive the data",
                change.account.label(),
                self.app
            )));
        };
        if let Some(id) = to.id.as_deref() {
            return Ok(id.to_owned());
        }
        let Some(email) = to.email.as_deref().or(to.username.as_deref()) else {
            return Err(ConnectorError::Internal(format!(
                "the receiver of {}'s data has no id or e-mail",
                change.account.label()
            )));
        };
        match self.user(email).await? {
            Some((reply, user)) => map::text(&user, "id")
                .map(str::to_owned)
                .ok_or_else(|| self.partial(format!("{} returned a user without an id", reply.call()))),
            None => Err(ConnectorError::Http {
                app: self.app.clone(),
                call: format!("GET {}", Self::url(&self.directory, &["users", email], &[])),
                status: Some(404),
                problem: format!("the receiver {email} of the hand-over does not exist in Google Workspace"),
            }),
        }
    }

    pub(super) async fn transfer(&self, change: &Change) -> Result<Outcome, ConnectorError> {
        let old = account_id(change, &self.app)?;
        let new = self.receiver(change).await?;
        // A user who is gone has no sign-in to go by; Google's answer to
        // the request then says what became of them.
        let since = self.user(old).await?.and_then(|(_, u)| map::last_sign_in(&u));
        // A transfer to the same receiver that did not fail and was
        // requested since the last sign-in is this change, made by an
        // earlier run (or by a human in the Admin console).
        let existing = self.transfers_of(old).await?;
        let to_new = |t: &&Value| map::text(t, "newOwnerUserId") == Some(new.as_str()) && status(t) != Some("failed");
        if let Some(t) = existing.iter().rev().filter(to_new).find(|t| holds_current_data(t, since)) {
            return Ok(Outcome::AlreadyDone(format!(
                "Data Transfer {} of {old}'s data to {new} is already {}",
                map::text(t, "id").unwrap_or("?"),
                status(t).unwrap_or("requested")
            )));
        }
        let stale = existing.iter().rev().find(to_new).map(|t| {
            format!(
                "; the earlier one, {}, was requested {} before {old} last signed in ({}), so it holds none of what they made since",
                map::text(t, "id").unwrap_or("?"),
                map::text(t, "requestTime").unwrap_or("at an unknown time"),
                since.map(|s| s.to_string()).unwrap_or_default()
            )
        });
        // Sent once per run; a retry after a lost answer could request the
        // same hand-over twice, which moves nothing twice (the first one
        // already owns the files).
        let req = Request::new(Method::POST, Self::url(&self.data_transfer, &["transfers"], &[]))
            .json(&Self::transfer_body(old, &new));
        let reply = self.http.send(&req).await?;
        if !reply.is_success() {
            return Err(self
                .google_error(&reply, Some(&format!("cannot hand {old}'s Drive and Calendar data over to {new}")))
                .into());
        }
        let body = reply.json()?;
        Ok(Outcome::Applied(format!(
            "requested Data Transfer {} of {old}'s Drive and Calendar data to {new} ({}){}",
            map::text(&body, "id").unwrap_or("?"),
            status(&body).unwrap_or("new"),
            stale.unwrap_or_default()
        )))
    }

    pub(super) async fn delete(&self, change: &Change) -> Result<Outcome, ConnectorError> {
        let id = account_id(change, &self.app)?;
        let Some((reply, user)) = self.user(id).await? else {
            return Ok(Outcome::AlreadyDone(format!("{id}: the user no longer exists")));
        };
        self.refuse_admin(&reply, &user, "delete")?;
        self.check_handed_over(id, &user).await?;
        let req = Request::new(Method::DELETE, Self::url(&self.directory, &["users", id], &[]));
        let reply = self.http.send(&req).await?;
        match reply.status {
            s if s.is_success() => Ok(Outcome::Applied(format!(
                "deleted {id} (restorable in the Admin console for 20 days; its licences are freed)"
            ))),
            StatusCode::NOT_FOUND => Ok(Outcome::AlreadyDone(format!("{id}: the user no longer exists"))),
            _ => Err(self.google_error(&reply, None).into()),
        }
    }

    /// Refuses the delete while a Data Transfer of the user's data is not
    /// complete: one still running, one since the last sign-in that failed
    /// with none since completed, or none since at all where the app hands
    /// data over.
    async fn check_handed_over(&self, id: &str, user: &Value) -> Result<(), ConnectorError> {
        let since = map::last_sign_in(user);
        let transfers = self.transfers_of(id).await?;
        let refuse = |problem: String| ConnectorError::Http {
            app: self.app.clone(),
            call: self.transfers_call(id),
            status: Some(200),
            problem: format!("{id} is not deleted: {problem}"),
        };
        if let Some(t) = transfers.iter().find(|t| !matches!(status(t), Some("completed" | "failed"))) {
            return Err(refuse(format!(
                "Data Transfer {} of its data to {} is still {}; deleting now would lose what is not moved yet, so the next apply deletes it once the transfer is completed",
                map::text(t, "id").unwrap_or("?"),
                map::text(t, "newOwnerUserId").unwrap_or("?"),
                status(t).unwrap_or("running")
            )));
        }
        // A running one blocks whenever it was requested; the rest count
        // only when they hold the data the user has now.
        let current: Vec<&Value> = transfers.iter().filter(|t| holds_current_data(t, since)).collect();
        let completed = current.iter().any(|t| status(t) == Some("completed"));
        if !completed && let Some(t) = current.last() {
            return Err(refuse(format!(
                "Data Transfer {} of its data to {} failed; hand the data over again (the next apply's transfer does) before it is deleted",
                map::text(t, "id").unwrap_or("?"),
                map::text(t, "newOwnerUserId").unwrap_or("?"),
            )));
        }
        if !completed && self.hands_over {
            if let (Some(t), Some(since)) = (transfers.iter().rev().find(|t| status(t) == Some("completed")), since) {
                return Err(refuse(format!(
                    "Data Transfer {} of its data to {} completed, but it was requested {} before the user last signed in ({since}), so what they made since (a rehire's new files) is not handed over yet; the next apply's transfer hands it over first",
                    map::text(t, "id").unwrap_or("?"),
                    map::text(t, "newOwnerUserId").unwrap_or("?"),
                    map::text(t, "requestTime").unwrap_or("at an unknown time"),
                )));
            }
            return Err(refuse(
                "no Data Transfer of its data exists, and the app hands data over before deleting (lifecycle.offboarding.transferTo); the transfer comes first".to_owned(),
            ));
        }
        Ok(())
    }
}

/// For a suspended user: whether some transfer of theirs that has not
/// failed holds the data they have now (see [`holds_current_data`]).
/// `None` for a user who can still sign in, whose data keeps changing.
pub(crate) fn handed_over(user: &Value, transfers: &[Value]) -> Option<bool> {
    if !(map::flag(user, "suspended") || map::flag(user, "archived")) {
        return None;
    }
    let since = map::last_sign_in(user);
    Some(transfers.iter().any(|t| status(t) != Some("failed") && holds_current_data(t, since)))
}

/// `true` when `t` was requested after the last sign-in `since` (`None`:
/// never signed in), so it moves what the user owns now. A transfer
/// without a `requestTime` cannot show that, and is requested again.
fn holds_current_data(t: &Value, since: Option<Timestamp>) -> bool {
    let Some(since) = since else { return true };
    map::text(t, "requestTime").and_then(|r| r.parse::<Timestamp>().ok()).is_some_and(|r| r > since)
}

/// A transfer's `overallTransferStatusCode` (`new`, `inProgress`,
/// `completed`, `failed`).
fn status(t: &Value) -> Option<&str> {
    map::text(t, "overallTransferStatusCode")
}
