//! Whether a plan computed now is still the plan a reviewer approved.
//!
//! `keyward plan -o plan.json` is reviewed in a pull request and applied
//! later with `keyward apply plan.json`. In between, HR data, the apps or
//! the policy may change: a leaver may be rehired, an account renamed. So
//! apply re-reads everything, plans again for the approved plan's date, and
//! carries out only changes that were approved. Work the approved plan
//! holds that is no longer needed (done by an earlier, interrupted apply,
//! or by a human) is simply not done again, which is what makes a saved
//! plan resumable.

use std::collections::BTreeSet;

use crate::action::Action;
use crate::plan::{Change, Plan};

/// What identifies a change for approval: the same action on the same
/// account with the same target state. Reasons and the account's current
/// status are left out: they legitimately change while a plan is applied.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Key {
    app: String,
    action: Action,
    account: String,
    role: Option<String>,
    add: Vec<String>,
    remove: Vec<String>,
    transfer_to: Option<String>,
    revoke: Option<Vec<crate::resources::RevokeKind>>,
}

fn key(c: &Change) -> Key {
    let account = match (&c.account.id, &c.account.email) {
        (Some(id), _) => format!("id:{id}"),
        (None, Some(email)) => format!("email:{}", email.to_lowercase()),
        (None, None) => format!("person:{}", c.person.as_ref().map_or("", |p| p.id.as_str())),
    };
    Key {
        app: c.app.to_string(),
        action: c.action,
        account,
        role: c.role.as_ref().map(|r| r.to.clone()),
        add: c.groups.as_ref().map(|g| g.add.clone()).unwrap_or_default(),
        remove: c.groups.as_ref().map(|g| g.remove.clone()).unwrap_or_default(),
        transfer_to: c.transfer_to.as_ref().and_then(|t| t.id.as_ref().map(ToString::to_string)),
        revoke: c.revoke.map(|r| r.kinds()),
    }
}

/// How a plan made now compares with an approved one.
#[derive(Debug, Default)]
pub struct Comparison<'a> {
    /// Changes of the new plan that were approved: these may be applied.
    pub approved: Vec<&'a Change>,
    /// Positions of the approved changes in the new plan's change list.
    pub approved_positions: Vec<usize>,
    /// Changes of the new plan that nobody approved. Any of them means the
    /// live state moved on and the plan must be made and reviewed again.
    pub unapproved: Vec<&'a Change>,
    /// Approved changes no longer needed (already done).
    pub no_longer_needed: usize,
    /// Review items that are new; they change nothing, so they do not
    /// block, but the operator should hear of them.
    pub new_reviews: usize,
}

impl Comparison<'_> {
    /// `true` when everything still to do was approved.
    pub fn is_approved(&self) -> bool {
        self.unapproved.is_empty()
    }
}

/// Compares `now` (planned for `approved.date` from current data) with the
/// approved plan.
pub fn compare<'a>(approved: &Plan, now: &'a Plan) -> Comparison<'a> {
    let approved_keys: BTreeSet<Key> =
        approved.changes.iter().filter(|c| c.action != Action::Review).map(key).collect();
    let approved_reviews: BTreeSet<Key> =
        approved.changes.iter().filter(|c| c.action == Action::Review).map(key).collect();
    let mut out = Comparison::default();
    let mut still: BTreeSet<Key> = BTreeSet::new();
    for (pos, c) in now.changes.iter().enumerate() {
        let k = key(c);
        if c.action == Action::Review {
            if !approved_reviews.contains(&k) {
                out.new_reviews += 1;
            }
            continue;
        }
        if approved_keys.contains(&k) {
            out.approved.push(c);
            out.approved_positions.push(pos);
            still.insert(k);
        } else {
            out.unapproved.push(c);
        }
    }
    out.no_longer_needed = approved_keys.len() - still.len();
    out
}
