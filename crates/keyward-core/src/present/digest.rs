//! What a notification after a plan or an apply says: leavers' accounts
//! still open, accounts that match nobody, and guard refusals — the three
//! things an IT admin must hear about without reading the whole plan —
//! as a generic JSON document and as a Slack incoming-webhook message.

use jiff::civil::Date;
use serde::Serialize;

use crate::action::Action;
use crate::i18n::{Arg, Lang};
use crate::people::{People, Phase};
use crate::plan::Plan;
use crate::present::render::action_name;

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
    /// The same refusals in the reader's language, for the chat message;
    /// when empty, the chat shows `guard_refusals`.
    #[serde(skip)]
    pub guard_refusals_shown: Vec<String>,
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
    /// The same changes as parts, to word them in the reader's language.
    #[serde(skip)]
    pub change_parts: Vec<ChangePart>,
}

/// One change of a leaver's account: app, action, account label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangePart {
    /// The Application.
    pub app: String,
    /// What happens.
    pub action: Action,
    /// The account's label.
    pub account: String,
}

impl ChangePart {
    /// `slack: suspend taro@example.com` / `slack：停止 taro@example.com`.
    fn render(&self, lang: Lang) -> String {
        let action = action_name(self.action, lang);
        t!(lang, "notify-change", app = self.app.as_str(), action = action, account = self.account.as_str())
    }
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
            let part = ChangePart { app: c.app.to_string(), action: c.action, account: c.account.label().to_owned() };
            let line = part.render(Lang::En);
            match leavers.iter_mut().find(|l| l.id == person.id) {
                Some(l) => {
                    l.changes.push(line);
                    l.change_parts.push(part);
                }
                None => leavers.push(LeaverAccounts {
                    id: person.id.clone(),
                    label: person.label(),
                    last_day,
                    days_since: last_day.map(|d| (plan.date - d).get_days()),
                    changes: vec![line],
                    change_parts: vec![part],
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
            guard_refusals_shown: Vec::new(),
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

    /// One line for chat previews and e-mail subjects, in `lang`.
    pub fn headline(&self, lang: Lang) -> String {
        let accounts: usize = self.leavers.iter().map(|l| l.changes.len()).sum();
        let unmatched: usize = self.unmatched.iter().map(|u| u.count).sum();
        let mut parts = vec![t!(lang, "notify-headline-event", event = self.event.as_str(), date = self.date)];
        if let Some(a) = self.applied {
            let (applied, failed, skipped) = (Arg::digits(a.applied), Arg::digits(a.failed), Arg::digits(a.skipped));
            parts.push(t!(lang, "notify-headline-applied", applied = applied, failed = failed, skipped = skipped));
        }
        if !self.guard_refusals.is_empty() {
            parts.push(t!(lang, "notify-headline-refused", count = Arg::digits(self.guard_refusals.len())));
        }
        let leavers = Arg::digits(self.leavers.len());
        parts.push(t!(lang, "notify-headline-leavers", accounts = Arg::digits(accounts), leavers = leavers));
        parts.push(t!(lang, "notify-headline-unmatched", count = Arg::digits(unmatched)));
        parts.join(&t!(lang, "notify-headline-separator"))
    }

    /// The body of a Slack incoming-webhook POST in `lang`: `text` (the
    /// headline, used by notifications) and Block Kit sections. Values from
    /// the data are escaped as Slack's mrkdwn requires.
    pub fn to_slack(&self, lang: Lang) -> serde_json::Value {
        let section = |text: String| serde_json::json!({"type": "section", "text": {"type": "mrkdwn", "text": text}});
        let headline = self.headline(lang);
        let mut blocks = vec![section(format!("*{}*", slack_escape(&headline)))];
        if !self.guard_refusals.is_empty() {
            let shown =
                if self.guard_refusals_shown.is_empty() { &self.guard_refusals } else { &self.guard_refusals_shown };
            let lines: Vec<String> = shown.iter().map(|r| format!("• {}", slack_escape(r))).collect();
            blocks.push(section(format!("{}\n{}", t!(lang, "notify-refused-heading"), lines.join("\n"))));
        }
        if !self.leavers.is_empty() {
            let mut lines: Vec<String> =
                self.leavers.iter().take(SLACK_LEAVERS_SHOWN).map(|l| leaver_line(l, lang)).collect();
            if self.leavers.len() > SLACK_LEAVERS_SHOWN {
                let more = Arg::digits(self.leavers.len() - SLACK_LEAVERS_SHOWN);
                lines.push(t!(lang, "notify-leavers-more", count = more));
            }
            blocks.push(section(format!("{}\n{}", t!(lang, "notify-leavers-heading"), lines.join("\n"))));
        }
        if !self.unmatched.is_empty() {
            let lines: Vec<String> =
                self.unmatched.iter().map(|u| format!("• {}: {}", slack_escape(&u.app), u.count)).collect();
            blocks.push(section(format!("{}\n{}", t!(lang, "notify-unmatched-heading"), lines.join("\n"))));
        }
        serde_json::json!({"text": headline, "blocks": blocks})
    }
}

/// `• Name <email> (left 3 day(s) ago): slack: suspend …`, escaped.
fn leaver_line(l: &LeaverAccounts, lang: Lang) -> String {
    let since = l.days_since.map(|d| t!(lang, "notify-leaver-since", days = Arg::digits(d))).unwrap_or_default();
    let changes: Vec<String> = if l.change_parts.len() == l.changes.len() {
        l.change_parts.iter().map(|p| p.render(lang)).collect()
    } else {
        l.changes.clone()
    };
    let sep = match lang {
        Lang::En => ", ",
        Lang::Ja => "、",
    };
    let label = slack_escape(&l.label);
    t!(lang, "notify-leaver", label = label, since = since, changes = slack_escape(&changes.join(sep)))
}

/// Slack's mrkdwn reserves `&`, `<` and `>` (links and mentions): a name
/// like `<!channel>` must not ping everyone.
fn slack_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn digest() -> Digest {
        let part = ChangePart { app: "slack".into(), action: Action::Suspend, account: "taro@example.com".into() };
        Digest {
            api_version: "keyward.io/v1alpha1".into(),
            kind: "Notification".into(),
            event: "apply".into(),
            date: jiff::civil::date(2026, 12, 3),
            leavers: vec![LeaverAccounts {
                id: "1042".into(),
                label: "山田 太郎 <taro@example.com>".into(),
                last_day: Some(jiff::civil::date(2026, 11, 30)),
                days_since: Some(3),
                changes: vec![part.render(Lang::En)],
                change_parts: vec![part],
            }],
            unmatched: vec![AppCount { app: "crm".into(), count: 2 }],
            guard_refusals: vec!["too many".into()],
            guard_refusals_shown: vec!["多すぎます".into()],
            applied: Some(AppliedCounts { applied: 1, failed: 0, skipped: 0 }),
        }
    }

    #[test]
    fn the_chat_message_reads_in_either_language_and_the_json_stays_english() {
        let d = digest();
        assert_eq!(
            d.headline(Lang::En),
            "keyward apply 2026-12-03 · 1 applied, 0 failed, 0 skipped · refused by 1 guard(s), nothing changed · 1 account change(s) for 1 leaver(s) · 2 account(s) match nobody"
        );
        assert_eq!(
            d.headline(Lang::Ja),
            "keyward apply 2026-12-03 · 適用 1件、失敗 0件、未実施 0件 · ガード 1件により拒否、変更なし · 退職者 1名のアカウント変更 1件 · どの従業員にも紐付かないアカウント 2件"
        );
        // Without the refusals in the reader's words, the English ones show.
        let en = Digest { guard_refusals_shown: Vec::new(), ..d.clone() }.to_slack(Lang::En);
        assert_eq!(en["blocks"][1]["text"]["text"], ":warning: *Guard refused the apply*\n• too many");
        assert_eq!(
            en["blocks"][2]["text"]["text"],
            "*Leavers' accounts*\n• 山田 太郎 &lt;taro@example.com&gt; (left 3 day(s) ago): slack: suspend taro@example.com"
        );
        let ja = d.to_slack(Lang::Ja);
        assert_eq!(ja["blocks"][1]["text"]["text"], ":warning: *ガードが適用を拒否しました*\n• 多すぎます");
        assert_eq!(
            ja["blocks"][2]["text"]["text"],
            "*退職者のアカウント*\n• 山田 太郎 &lt;taro@example.com&gt;（退職から 3日）：slack：停止 taro@example.com"
        );
        assert_eq!(ja["blocks"][3]["text"]["text"], "*人事マスタのどの従業員にも紐付かないアカウント*\n• crm: 2");
        let json = serde_json::to_value(&d).unwrap();
        assert_eq!(json["leavers"][0]["changes"][0], "slack: suspend taro@example.com");
        assert_eq!(json["guardRefusals"][0], "too many");
        assert!(json.get("guardRefusalsShown").is_none() && json["leavers"][0].get("changeParts").is_none());
    }

    #[test]
    fn a_name_cannot_mention_a_channel() {
        assert_eq!(slack_escape("<!channel> & co"), "&lt;!channel&gt; &amp; co");
    }
}
