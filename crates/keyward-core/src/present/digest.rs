//! What a notification after a plan or an apply says: leavers' accounts
//! still open, accounts that match nobody, and guard refusals — the three
//! things an IT admin must hear about without reading the whole plan —
//! as a generic JSON document and as a Slack incoming-webhook message.

use jiff::civil::Date;
use serde::Serialize;

use crate::action::Action;
use crate::people::{People, Phase};
use crate::plan::Plan;

/// Leavers listed by name in a Slack message; the rest are counted (the
/// JSON document lists everyone).
const SLACK_LEAVERS_SHOWN: usize = 10;

/// The digest of one plan or apply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Digest {
    /// `keyward.io/v1alpha1`.
    pub api_version: String,
    /// `Notification`.
    pub kind: String,
    /// `plan` or `apply`.
    pub event: String,
    /// The day planned for.
    pub date: Date,
    /// People who have left and still have accounts the plan acts on.
    pub leavers: Vec<LeaverAccounts>,
    /// Accounts matching nobody in the HR data, per app (apps with none
    /// left out).
    pub unmatched: Vec<AppCount>,
    /// Why a guard refused the apply (empty for a plan or an apply that ran).
    pub guard_refusals: Vec<String>,
    /// For an apply that ran: changes made, failed and skipped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub applied: Option<AppliedCounts>,
}

/// One leaver and what happens to their accounts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LeaverAccounts {
    /// Employee number.
    pub id: String,
    /// `Name <email>`.
    pub label: String,
    /// Last working day, when HR records one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_day: Option<Date>,
    /// Days since the last working day.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days_since: Option<i32>,
    /// `app: action account` for each change.
    pub changes: Vec<String>,
}

/// A count for one app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AppCount {
    /// The Application.
    pub app: String,
    /// How many.
    pub count: usize,
}

/// What an apply did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct AppliedCounts {
    /// Changes made (or already done).
    pub applied: usize,
    /// Changes that failed.
    pub failed: usize,
    /// Changes skipped after an earlier failure.
    pub skipped: usize,
}

impl Digest {
    /// The digest of `plan`, which was made (or applied) for `event`.
    pub fn new(event: &str, plan: &Plan, people: &People) -> Self {
        let mut leavers: Vec<LeaverAccounts> = Vec::new();
        for c in plan
            .changes
            .iter()
            .filter(|c| c.action.is_deprovisioning() || matches!(c.action, Action::Revoke | Action::Review))
        {
            let Some(pref) = &c.person else { continue };
            let Some(person) = people.find(&pref.id).and_then(|i| people.get(i)) else { continue };
            let Phase::Left { last_day } = person.phase(plan.date) else { continue };
            let line = format!("{}: {} {}", c.app, c.action.as_str(), c.account.label());
            match leavers.iter_mut().find(|l| l.id == person.id) {
                Some(l) => l.changes.push(line),
                None => leavers.push(LeaverAccounts {
                    id: person.id.clone(),
                    label: person.label(),
                    last_day,
                    days_since: last_day.map(|d| (plan.date - d).get_days()),
                    changes: vec![line],
                }),
            }
        }
        // Longest gone first: those accounts have been open the longest.
        leavers.sort_by(|a, b| b.days_since.cmp(&a.days_since).then_with(|| a.id.cmp(&b.id)));
        let unmatched = plan
            .apps
            .iter()
            .filter(|a| a.orphans > 0)
            .map(|a| AppCount { app: a.name.clone(), count: a.orphans })
            .collect();
        Self {
            api_version: crate::resources::API_VERSION.to_owned(),
            kind: "Notification".to_owned(),
            event: event.to_owned(),
            date: plan.date,
            leavers,
            unmatched,
            guard_refusals: Vec::new(),
            applied: None,
        }
    }

    /// `true` when there is nothing an admin must hear about.
    pub fn is_quiet(&self) -> bool {
        self.leavers.is_empty()
            && self.unmatched.is_empty()
            && self.guard_refusals.is_empty()
            && self.applied.is_none_or(|a| a.failed + a.skipped == 0)
    }

    /// One line for chat previews and e-mail subjects.
    pub fn headline(&self) -> String {
        let accounts: usize = self.leavers.iter().map(|l| l.changes.len()).sum();
        let unmatched: usize = self.unmatched.iter().map(|u| u.count).sum();
        let mut parts = vec![format!("keyward {} {}", self.event, self.date)];
        if let Some(a) = self.applied {
            parts.push(format!("{} applied, {} failed, {} skipped", a.applied, a.failed, a.skipped));
        }
        if !self.guard_refusals.is_empty() {
            parts.push(format!("refused by {} guard(s), nothing changed", self.guard_refusals.len()));
        }
        parts.push(format!("{accounts} account change(s) for {} leaver(s)", self.leavers.len()));
        parts.push(format!("{unmatched} account(s) match nobody"));
        parts.join(" · ")
    }

    /// The body of a Slack incoming-webhook POST: `text` (the headline,
    /// used by notifications) and Block Kit sections. Values from the data
    /// are escaped as Slack's mrkdwn requires.
    pub fn to_slack(&self) -> serde_json::Value {
        let mut blocks = vec![serde_json::json!({
            "type": "section",
            "text": {"type": "mrkdwn", "text": format!("*{}*", slack_escape(&self.headline()))}
        })];
        if !self.guard_refusals.is_empty() {
            let lines: Vec<String> = self.guard_refusals.iter().map(|r| format!("• {}", slack_escape(r))).collect();
            blocks.push(serde_json::json!({
                "type": "section",
                "text": {"type": "mrkdwn", "text": format!(":warning: *Guard refused the apply*\n{}", lines.join("\n"))}
            }));
        }
        if !self.leavers.is_empty() {
            let mut lines: Vec<String> = self
                .leavers
                .iter()
                .take(SLACK_LEAVERS_SHOWN)
                .map(|l| {
                    let since = l.days_since.map(|d| format!(" (left {d} day(s) ago)")).unwrap_or_default();
                    format!("• {}{since}: {}", slack_escape(&l.label), slack_escape(&l.changes.join(", ")))
                })
                .collect();
            if self.leavers.len() > SLACK_LEAVERS_SHOWN {
                lines.push(format!("…and {} more leaver(s)", self.leavers.len() - SLACK_LEAVERS_SHOWN));
            }
            blocks.push(serde_json::json!({
                "type": "section",
                "text": {"type": "mrkdwn", "text": format!("*Leavers' accounts*\n{}", lines.join("\n"))}
            }));
        }
        if !self.unmatched.is_empty() {
            let lines: Vec<String> =
                self.unmatched.iter().map(|u| format!("• {}: {}", slack_escape(&u.app), u.count)).collect();
            blocks.push(serde_json::json!({
                "type": "section",
                "text": {"type": "mrkdwn", "text": format!("*Accounts matching nobody in HR*\n{}", lines.join("\n"))}
            }));
        }
        serde_json::json!({"text": self.headline(), "blocks": blocks})
    }
}

/// Slack's mrkdwn reserves `&`, `<` and `>` (links and mentions): a name
/// like `<!channel>` must not ping everyone.
fn slack_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_cannot_mention_a_channel() {
        assert_eq!(slack_escape("<!channel> & co"), "&lt;!channel&gt; &amp; co");
    }
}
