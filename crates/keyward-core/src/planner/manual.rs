//! What an app's connector cannot do, handed to a human as a review.

use crate::account::{Capabilities, Text};
use crate::action::Action;
use crate::compile::model::CompiledApp;
use crate::plan::Change;

/// Turns what the app's connector cannot do into reviews, so `apply`
/// never attempts it and a human sees it. (For a read-only app every change
/// is already a checklist item, so this is only for connectors that can do
/// some things.) A deletion after a hand-over done by hand waits too:
/// keyward cannot see that the data was handed over.
pub(super) fn hand_to_humans(app: &CompiledApp, caps: &Capabilities, changes: &mut [Change]) {
    let mut manual_transfer: Vec<Text> = Vec::new();
    for c in changes.iter_mut() {
        let role_blocked = c.role.is_some() && !caps.update && c.action == Action::Update;
        let groups_blocked = c.groups.is_some() && !caps.groups && matches!(c.action, Action::Update);
        if c.action == Action::Review || (caps.can(c.action) && !role_blocked && !groups_blocked) {
            continue;
        }
        let what = if role_blocked {
            "change roles"
        } else if groups_blocked {
            "change group memberships"
        } else {
            c.action.verb()
        };
        if c.action == Action::Transfer
            && let Some(id) = &c.account.id
        {
            manual_transfer.push(id.clone());
        }
        c.reason = format!("{}; {}'s {} connector cannot {what}: do it by hand", c.reason, app.name, app.connector);
        c.proposed = Some(c.action);
        c.action = Action::Review;
    }
    if manual_transfer.is_empty() {
        return;
    }
    for c in changes.iter_mut() {
        if c.action == Action::Delete && c.account.id.as_ref().is_some_and(|id| manual_transfer.contains(id)) {
            c.reason = format!(
                "{}; deletion waits because the hand-over is done by hand: delete by hand once the data is handed over",
                c.reason
            );
            c.proposed = Some(Action::Delete);
            c.action = Action::Review;
        }
    }
}
