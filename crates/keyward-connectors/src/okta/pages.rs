//! Walking an Okta collection page by page along its `Link: <…>;
//! rel="next"` headers (Okta sends `self` and `next` as two `Link`
//! headers), to the end or to an error: a page that cannot be read, a
//! next link outside the organisation, or one already followed fails the
//! whole walk, because a listing cut short hides leavers.

use std::collections::HashSet;

use serde_json::Value;
use url::Url;

/// The state of one walk through a collection.
#[derive(Debug)]
pub(crate) struct Walk {
    /// The organisation: the token goes nowhere else.
    base: Url,
    visited: HashSet<String>,
    ids: HashSet<String>,
    items: Vec<Value>,
}

impl Walk {
    /// A walk starting at `first`, which the caller fetches.
    pub(crate) fn new(base: &Url, first: &Url) -> Self {
        Self { base: base.clone(), visited: HashSet::from([first.to_string()]), ids: HashSet::new(), items: Vec::new() }
    }

    /// Takes one page: `call` names the request, `body` is its JSON and
    /// `links` its `Link` headers. `Ok(Some(next))` to go on, `Ok(None)`
    /// at the end, `Err(why)` when the collection cannot be read whole.
    pub(crate) fn page(&mut self, call: &str, body: Value, links: &[&str]) -> Result<Option<Url>, String> {
        let Value::Array(items) = body else {
            return Err(format!("{call} did not answer with a list"));
        };
        let mut next = None;
        for link in links {
            let parsed = parse_link_header::parse_with_rel(link)
                .map_err(|e| format!("{call} sent a Link header keyward cannot read ({e})"))?;
            if let Some(n) = parsed.get("next") {
                next = Some(n.uri.clone());
            }
        }
        for item in items {
            let Some(id) = item.get("id").and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty()) else {
                return Err(format!("{call} returned an entry without an id"));
            };
            // Okta's cursors never repeat an entry; one seen twice is kept once.
            if self.ids.insert(id.to_owned()) {
                self.items.push(item);
            }
        }
        let Some(next) = next else { return Ok(None) };
        if !self.within_base(&next) {
            return Err(format!(
                "{call} names its next page at {}, outside {}; keyward does not send the token there",
                next.origin().ascii_serialization(),
                self.base.origin().ascii_serialization()
            ));
        }
        if !self.visited.insert(next.to_string()) {
            return Err(format!("{call} names as its next page one already read"));
        }
        Ok(Some(next))
    }

    /// Every entry, once each, in the order Okta sent them.
    pub(crate) fn items(self) -> Vec<Value> {
        self.items
    }

    fn within_base(&self, url: &Url) -> bool {
        url.scheme() == self.base.scheme()
            && url.host_str() == self.base.host_str()
            && url.port_or_known_default() == self.base.port_or_known_default()
            && url.path().starts_with("/api/v1/")
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use serde_json::json;

    use super::*;

    fn base() -> Url {
        Url::parse("https://acme.okta.com").unwrap()
    }

    fn first() -> Url {
        Url::parse("https://acme.okta.com/api/v1/users?limit=2").unwrap()
    }

    fn users(ids: &[&str]) -> Value {
        Value::Array(ids.iter().map(|i| json!({"id": i})).collect())
    }

    const SELF: &str = r#"<https://acme.okta.com/api/v1/users?limit=2>; rel="self""#;

    fn next(after: &str) -> String {
        format!(r#"<https://acme.okta.com/api/v1/users?after={after}&limit=2>; rel="next""#)
    }

    #[test]
    fn follows_next_links_sent_as_separate_headers() {
        let mut w = Walk::new(&base(), &first());
        let n = next("00u2");
        let url = w.page("p1", users(&["00u1", "00u2"]), &[SELF, &n]).unwrap().unwrap();
        assert_eq!(url.query(), Some("after=00u2&limit=2"));
        assert_eq!(w.page("p2", users(&["00u3"]), &[SELF]).unwrap(), None);
        assert_eq!(w.items().len(), 3);
    }

    #[test]
    fn a_link_elsewhere_back_or_a_bad_page_fails() {
        let mut w = Walk::new(&base(), &first());
        let evil = r#"<https://evil.example/api/v1/users?after=x>; rel="next""#;
        assert!(w.page("p1", users(&["a"]), &[evil]).unwrap_err().contains("does not send the token"));

        let mut w = Walk::new(&base(), &first());
        let n = next("a");
        w.page("p1", users(&["a"]), &[&n]).unwrap();
        assert!(w.page("p2", users(&["b"]), &[&n]).unwrap_err().contains("already read"));

        let mut w = Walk::new(&base(), &first());
        assert!(w.page("p1", json!({"errorCode": "E0000006"}), &[]).unwrap_err().contains("not answer with a list"));
        assert!(w.page("p1", json!([{"status": "ACTIVE"}]), &[]).unwrap_err().contains("without an id"));
        assert!(w.page("p1", users(&["a"]), &["not a link"]).unwrap_err().contains("cannot read"));
    }
}
