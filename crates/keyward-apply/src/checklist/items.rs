//! The items of the checklist last written for an app, beside it as JSON
//! (`<app>.items.json`): what `keyward checklist done` and `import` look an
//! item up in — its change, to record who did it — without reading the
//! HR master or any app again.

use jiff::civil::Date;
use keyward_core::plan::Change;
use serde::{Deserialize, Serialize};

/// The checklist's items, as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Items {
    /// The app.
    pub app: String,
    /// The apply run that wrote the checklist.
    pub run: String,
    /// The day its plan is for.
    pub date: Date,
    /// Every item to tick, in the checklist's order.
    pub items: Vec<Item>,
}

/// One item of a checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Item {
    /// [`Change::item_id`].
    pub id: String,
    /// The account as the checklist names it (the app's own identifier).
    pub shown_as: String,
    /// The change to make.
    pub change: Change,
}

impl Items {
    /// The items `key` names: the one with that id, or every item of the
    /// account the app shows as `key` (or with that e-mail, username or
    /// id): a human who names an account did all of its items. Empty when
    /// nothing matches.
    pub fn find(&self, key: &str) -> Vec<&Item> {
        if let Some(item) = self.items.iter().find(|i| i.id == key) {
            return vec![item];
        }
        let a = |i: &&Item| {
            let acct = &i.change.account;
            i.shown_as == key
                || [acct.id.as_deref(), acct.email.as_deref(), acct.username.as_deref()]
                    .into_iter()
                    .flatten()
                    .any(|k| k.eq_ignore_ascii_case(key))
        };
        self.items.iter().filter(a).collect()
    }
}

/// The JSON file beside `<app>.md`.
pub fn file_name(app: &str) -> String {
    let md = super::file_name(app);
    format!("{}.items.json", md.trim_end_matches(".md"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_items_file_sits_beside_the_checklist() {
        assert_eq!(file_name("slack"), "slack.items.json");
        assert_eq!(file_name("../x"), "_x.items.json");
    }
}
