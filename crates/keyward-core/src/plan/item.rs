//! A change's checklist item id: short, stable across runs and releases,
//! so a human can name the item (`keyward checklist done slack K-3f2a9c01`)
//! and a re-written checklist keeps the ticks of items still on it.
//!
//! The id hashes what makes the item the same piece of work — the app, the
//! action, the account (its id, else its e-mail or username) and the
//! person — and nothing that may change while the work stays the same
//! (the reason's words, the day, the language).

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use super::Change;
use crate::action::Action;

/// `K-` and this many hex digits.
const HEX_DIGITS: usize = 8;

impl Change {
    /// The checklist item id, `K-` and 8 hex digits of a SHA-256 over the
    /// app, action, account and person (see the module documentation).
    /// SHA-256 rather than the standard library's hasher: its output is
    /// fixed by a standard, so ids in checklists and the audit log stay
    /// valid in later releases.
    pub fn item_id(&self) -> String {
        let account = self
            .account
            .id
            .as_deref()
            .or(self.account.email.as_deref())
            .or(self.account.username.as_deref())
            .unwrap_or("");
        let person = self.person.as_ref().map_or("", |p| p.id.as_str());
        item_id(&self.app, self.action, account, person)
    }
}

/// The item id of `action` on `account` (the app's id for it, else its
/// e-mail, else its username) of `person` (employee number, or empty) in
/// `app`: [`Change::item_id`] from the parts, as an audit record keeps
/// them.
pub fn item_id(app: &str, action: Action, account: &str, person: &str) -> String {
    let mut h = Sha256::new();
    // NUL separates the parts: none of them can contain it unseen.
    for part in ["keyward-checklist-item/1", app, action.as_str(), account, person] {
        h.update(part.as_bytes());
        h.update([0u8]);
    }
    let digest = hex::encode(h.finalize());
    format!("K-{}", &digest[..HEX_DIGITS])
}

/// A human recorded that they made the change of checklist item `item`
/// (`keyward checklist done`/`import`), read from the audit log and given
/// to the planner: it shows the change as done instead of asking again,
/// unless the app's listing was read after `on` and still shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    /// [`Change::item_id`].
    pub item: String,
    /// When it was recorded.
    pub on: jiff::Timestamp,
    /// The day of `on` on the calendar the exports' days are read on (the
    /// caller's): compared with an export's day.
    pub day: Date,
    /// Who did it, when known.
    pub by: Option<String>,
}

/// When an app's listing was read, to tell whether it can show the work of
/// a completion recorded at some time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListingRead {
    /// Read live from the app's API, starting at this instant: a
    /// completion recorded before it is reflected in the listing.
    Live(jiff::Timestamp),
    /// A hand-made export, of this day (its date column, else the file's
    /// modification day): only an export of a *later* day than a
    /// completion's reflects it — one of the same day may predate the work.
    Exported(Date),
}

impl ListingRead {
    /// `true` when a listing read so was read after `c` was recorded.
    pub fn is_after(self, c: &Completion) -> bool {
        match self {
            Self::Live(t) => t > c.on,
            Self::Exported(d) => d > c.day,
        }
    }
}

/// Who recorded a change done and on which day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MarkedDone {
    /// Who did it, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    /// The day it was recorded.
    pub on: Date,
}

/// A change a human recorded as made: shown, neither counted nor applied
/// nor put on a checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DoneChange {
    /// The checklist item's change.
    pub change: Change,
    /// Who recorded it and when.
    pub done: MarkedDone,
}

/// `true` when `s` has the shape of an item id (`K-` and 8 lower-case hex
/// digits), so a command line can tell an id from an account's name.
pub fn is_item_id(s: &str) -> bool {
    s.strip_prefix("K-")
        .is_some_and(|h| h.len() == HEX_DIGITS && h.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::plan::{AccountRef, PersonRef};

    fn change(action: Action, id: &str) -> Change {
        let account = AccountRef { id: Some(id.into()), email: Some("a@x".into()), ..AccountRef::default() };
        let mut c = Change::new("slack", action, account, "left on 2026-11-30");
        c.person = Some(PersonRef { id: "E1".into(), email: None, name: None });
        c
    }

    #[test]
    fn the_id_is_fixed_and_names_the_work_not_the_words() {
        let a = change(Action::Suspend, "U1");
        // Pinned: a changed hash would lose every tick and recorded completion.
        assert_eq!(a.item_id(), "K-09b1ec90");
        assert!(is_item_id(&a.item_id()));
        let mut reworded = a.clone();
        reworded.reason = "another reason".into();
        assert_eq!(reworded.item_id(), a.item_id());
        assert_ne!(change(Action::Delete, "U1").item_id(), a.item_id());
        assert_ne!(change(Action::Suspend, "U2").item_id(), a.item_id());
    }

    #[test]
    fn only_the_id_shape_is_an_id() {
        assert!(is_item_id("K-0123abcd"));
        assert!(!is_item_id("K-0123ABCD"));
        assert!(!is_item_id("K-0123abc"));
        assert!(!is_item_id("alice"));
    }
}
