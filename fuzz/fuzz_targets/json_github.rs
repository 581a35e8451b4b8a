//! GitHub's REST answers: members (`simple-user`), invitations
//! (`organization-invitation`) and the walk through a paged listing along
//! its `Link` headers. The first byte picks which; for the walk, the rest
//! is pages cut at `\0`, each a `Link` header line and a JSON body.
#![no_main]

use keyward_connectors::mapping::{self, GithubWalk};
use keyward_core::account::Text;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use url::Url;

fn walk(data: &[u8]) {
    let (Ok(base), Ok(first)) =
        (Url::parse("https://api.github.com"), Url::parse("https://api.github.com/orgs/acme/members?per_page=100"))
    else {
        return;
    };
    let mut pages = Vec::new();
    for chunk in data.split(|b| *b == 0).take(64) {
        let Ok(text) = std::str::from_utf8(chunk) else { return };
        let (link, body) = text.split_once('\n').unwrap_or((text, ""));
        let Ok(body) = serde_json::from_str::<Value>(body) else { return };
        pages.push((body, Some(link.to_owned()).filter(|l| !l.is_empty())));
    }
    match mapping::github_walk(&base, &first, pages) {
        GithubWalk::Next(next) => {
            // The token goes to the API and nowhere else.
            assert_eq!(next.scheme(), "https", "next page {next}");
            assert_eq!(next.host_str(), Some("api.github.com"), "next page {next}");
            assert_eq!(next.port_or_known_default(), Some(443), "next page {next}");
        }
        GithubWalk::Done(items) => {
            let mut ids: Vec<u64> = items.iter().filter_map(|i| i.get("id").and_then(Value::as_u64)).collect();
            assert_eq!(ids.len(), items.len(), "an item without a numeric id");
            ids.sort_unstable();
            ids.dedup();
            assert_eq!(ids.len(), items.len(), "an item twice");
        }
        GithubWalk::Shifted(_) | GithubWalk::Broken(_) => {}
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((pick, rest)) = keyward_fuzz::choice(data) else { return };
    match pick % 3 {
        0 | 1 => {
            let Ok(page) = serde_json::from_slice::<Value>(rest) else { return };
            for item in keyward_fuzz::users(&page, "items") {
                let teams: Vec<Text> = keyward_fuzz::strings(item, "teams").into_iter().map(Text::from).collect();
                let account = if pick % 3 == 0 {
                    mapping::github_member(item.clone(), "member", teams).ok()
                } else {
                    mapping::github_invitation(item.clone(), teams).ok().flatten()
                };
                if let Some(a) = account {
                    keyward_fuzz::check_account(&a);
                }
            }
        }
        _ => walk(rest),
    }
});
