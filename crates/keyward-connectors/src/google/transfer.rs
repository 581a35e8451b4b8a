//! Handing a leaver's Drive and Calendar data over with the Data Transfer
//! API, and deleting a user only once that hand-over is complete.
//!
//! A transfer runs in Google's background for minutes to days after it is
//! requested. Deleting the user before it completes loses whatever was not
//! moved yet, for good (after the 20 days a deleted user can be restored).
//! So a delete first reads the user's transfers and refuses while one is
//! still running or when the last one failed; the next apply tries again.

use http::{Method, StatusCode};
use keyward_core::plan::Change;
use serde_json::{Value, json};

use super::{GoogleWorkspace, account_id, map};
use crate::http::Request;
use crate::{ConnectorError, Outcome};

/// Google Drive and Docs in the Data Transfer API.
const DRIVE_APPLICATION_ID: &str = "55656082996";
/// Google Calendar in the Data Transfer API.
const CALENDAR_APPLICATION_ID: &str = "435070579839";

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

    /// Every Data Transfer of `old`'s data, oldest first as Google lists them.
    async fn transfers_of(&self, old: &str) -> Result<Vec<Value>, ConnectorError> {
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
        // A transfer to the same receiver that did not fail is this change,
        // made by an earlier run (or by a human in the Admin console).
        let existing = self.transfers_of(old).await?;
        if let Some(t) = existing
            .iter()
            .rev()
            .find(|t| map::text(t, "newOwnerUserId") == Some(new.as_str()) && status(t) != Some("failed"))
        {
            return Ok(Outcome::AlreadyDone(format!(
                "Data Transfer {} of {old}'s data to {new} is already {}",
                map::text(t, "id").unwrap_or("?"),
                status(t).unwrap_or("requested")
            )));
        }
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
            "requested Data Transfer {} of {old}'s Drive and Calendar data to {new} ({})",
            map::text(&body, "id").unwrap_or("?"),
            status(&body).unwrap_or("new")
        )))
    }

    pub(super) async fn delete(&self, change: &Change) -> Result<Outcome, ConnectorError> {
        let id = account_id(change, &self.app)?;
        let Some((reply, user)) = self.user(id).await? else {
            return Ok(Outcome::AlreadyDone(format!("{id}: the user no longer exists")));
        };
        self.refuse_admin(&reply, &user, "delete")?;
        self.check_handed_over(id).await?;
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
    /// complete: one still running, one that failed with none completed,
    /// or none at all where the app hands data over.
    async fn check_handed_over(&self, id: &str) -> Result<(), ConnectorError> {
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
        let completed = transfers.iter().any(|t| status(t) == Some("completed"));
        if !completed && let Some(t) = transfers.last() {
            return Err(refuse(format!(
                "Data Transfer {} of its data to {} failed; hand the data over again (the next apply's transfer does) before it is deleted",
                map::text(t, "id").unwrap_or("?"),
                map::text(t, "newOwnerUserId").unwrap_or("?"),
            )));
        }
        if !completed && self.hands_over {
            return Err(refuse(
                "no Data Transfer of its data exists, and the app hands data over before deleting (lifecycle.offboarding.transferTo); the transfer comes first".to_owned(),
            ));
        }
        Ok(())
    }
}

/// A transfer's `overallTransferStatusCode` (`new`, `inProgress`,
/// `completed`, `failed`).
fn status(t: &Value) -> Option<&str> {
    map::text(t, "overallTransferStatusCode")
}
