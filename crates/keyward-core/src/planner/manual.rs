//! What an app's connector cannot do, handed to a human as a review.

use crate::account::{Capabilities, Text};
use crate::action::Action;
use crate::compile::model::CompiledApp;
use crate::i18n::Msg;
use crate::plan::{Change, Reason};

/// Turns what the app's connector cannot do into reviews, so `apply`
/// never attempts it and a human sees it. (For a read-only app every change
/// is already a checklist item, so this is only for connectors that can do
/// some things.) A deletion after a hand-over done by hand waits too:
/// keyward cannot see that the data was handed over.
pub(super) fn hand_to_humans(app: &CompiledApp, caps: &Capabilities, changes: &mut Vec<Change>) {
    split_revocations(app, caps, changes);
    let mut manual_transfer: Vec<Text> = Vec::new();
    for c in changes.iter_mut() {
        let role_blocked = c.role.is_some() && !caps.update && c.action == Action::Update;
        let groups_blocked = c.groups.is_some() && !caps.groups && matches!(c.action, Action::Update);
        if c.action == Action::Review || (caps.can(c.action) && !role_blocked && !groups_blocked) {
            continue;
        }
        let what = if role_blocked {
            Msg::new("verb-change-roles")
        } else if groups_blocked {
            Msg::new("verb-change-groups")
        } else {
            c.action.verb_message()
        };
        if c.action == Action::Transfer
            && let Some(id) = &c.account.id
        {
            manual_transfer.push(id.clone());
        }
        c.append_reason(
            Msg::new("reason-connector-cannot")
                .arg("app", app.name.as_str())
                .arg("connector", app.connector)
                .arg("what", what),
        );
        c.proposed = Some(c.action);
        c.action = Action::Review;
    }
    if manual_transfer.is_empty() {
        return;
    }
    for c in changes.iter_mut() {
        if c.action == Action::Delete && c.account.id.as_ref().is_some_and(|id| manual_transfer.contains(id)) {
            c.append_reason(Msg::new("reason-delete-waits-manual-handover"));
            c.proposed = Some(Action::Delete);
            c.action = Action::Review;
        }
    }
}

/// A revocation asking for kinds the connector cannot revoke (app
/// passwords in Microsoft 365) keeps what it can do and leaves the rest to
/// a human as a review of its own. One that names no kinds asks for
/// everything the connector can revoke, which is settled here so the plan
/// says what will be closed.
fn split_revocations(app: &CompiledApp, caps: &Capabilities, changes: &mut Vec<Change>) {
    if caps.revoke.is_empty() {
        return; // the whole revocation becomes a review below
    }
    let mut by_hand = Vec::new();
    for c in changes.iter_mut().filter(|c| c.action == Action::Revoke) {
        let asked = c.revoke.filter(|r| !r.is_empty()).unwrap_or(caps.revoke);
        let can = asked.intersection(caps.revoke);
        let cannot = asked.without(caps.revoke);
        c.revoke = Some(can);
        if !cannot.is_empty() {
            let reason = Reason { text: c.reason.clone(), message: c.message.as_deref().cloned() };
            let mut r = Change::new(c.app.clone(), Action::Review, c.account.clone(), reason);
            r.append_reason(
                Msg::new("reason-connector-cannot-revoke")
                    .arg("app", app.name.as_str())
                    .arg("connector", app.connector)
                    .arg("kinds", cannot.message()),
            );
            r.person = c.person.clone();
            r.revoke = Some(cannot);
            r.proposed = Some(Action::Revoke);
            by_hand.push(r);
        }
    }
    // A revocation with nothing the connector can close is not a change:
    // the review above is all.
    changes.retain(|c| !(c.action == Action::Revoke && c.revoke.is_some_and(|r| r.is_empty())));
    changes.extend(by_hand);
}
