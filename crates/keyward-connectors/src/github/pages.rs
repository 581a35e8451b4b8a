//! Walking a GitHub listing page by page along its `Link: <…>; rel="next"`
//! header, and telling a complete listing from one that changed or broke
//! while being read.
//!
//! GitHub pages by page number, so a member removed while the listing is
//! read shifts everyone behind them one place forward, and one person is
//! skipped; a member added shows one person twice. Twice-seen items and
//! page counts that differ from what the first page announced as
//! `rel="last"` are caught here; a skip alone leaves no trace in page
//! numbers, which is why a listing that shifted is read again as a whole.

use std::collections::HashSet;

use serde_json::Value;
use url::Url;

/// What one page means for the walk.
#[derive(Debug, PartialEq)]
pub(crate) enum Step {
    /// Fetch this page next.
    Next(Url),
    /// Every item, once each, in the order GitHub sent them.
    Done(Vec<Value>),
    /// The listing changed while being read; reading it again may work.
    Shifted(String),
    /// The pages cannot be walked to the end; reading again will not help.
    Broken(String),
}

/// The state of one walk through a listing.
#[derive(Debug)]
pub(crate) struct Walk {
    /// The API base: the token goes nowhere else.
    base: Url,
    visited: HashSet<String>,
    seen: HashSet<u64>,
    page: u64,
    /// The page count the first page announced.
    last: Option<u64>,
    items: Vec<Value>,
}

impl Walk {
    /// A walk starting at `first`, which the caller fetches.
    pub(crate) fn new(base: &Url, first: &Url) -> Self {
        Self {
            base: base.clone(),
            visited: HashSet::from([first.to_string()]),
            seen: HashSet::new(),
            page: page_number(first).unwrap_or(1),
            last: None,
            items: Vec::new(),
        }
    }

    /// Takes one page: `call` names the request, `body` is its JSON and
    /// `link` its `Link` header.
    pub(crate) fn page(&mut self, call: &str, body: Value, link: Option<&str>) -> Step {
        let Value::Array(items) = body else {
            return Step::Broken(format!("{call} did not answer with a list"));
        };
        let links = match link.map(parse_link_header::parse_with_rel) {
            None => Default::default(),
            Some(Ok(l)) => l,
            Some(Err(e)) => return Step::Broken(format!("{call} sent a Link header keyward cannot read ({e})")),
        };
        let next = links.get("next").map(|l| l.uri.clone());
        if self.visited.len() == 1 {
            self.last = links.get("last").and_then(|l| page_number(&l.uri));
        }
        if items.is_empty() && next.is_some() {
            return Step::Shifted(format!("{call} was empty but named a next page"));
        }
        for item in items {
            let Some(id) = item.get("id").and_then(Value::as_u64) else {
                return Step::Broken(format!("{call} returned an entry without a numeric id"));
            };
            if !self.seen.insert(id) {
                return Step::Shifted(format!(
                    "{call} repeated an entry of an earlier page (id {id}): someone was added while the list was read, so others may have been skipped"
                ));
            }
            self.items.push(item);
        }
        let Some(next) = next else {
            return match self.last {
                Some(last) if last != self.page => Step::Shifted(format!(
                    "the listing ended at page {}, but its first page announced {last} pages",
                    self.page
                )),
                _ => Step::Done(std::mem::take(&mut self.items)),
            };
        };
        if !self.within_base(&next) {
            return Step::Broken(format!(
                "{call} names its next page at {}, outside {}; keyward does not send the token there",
                origin(&next),
                self.base
            ));
        }
        let number = page_number(&next);
        if !self.visited.insert(next.to_string()) || number.is_some_and(|n| n <= self.page) {
            return Step::Broken(format!("{call} names as its next page one already read ({next})"));
        }
        self.page = number.unwrap_or(self.page + 1);
        if let Some(last) = self.last
            && self.page > last
        {
            return Step::Shifted(format!("the listing goes on past the {last} pages its first page announced"));
        }
        Step::Next(next)
    }

    fn within_base(&self, url: &Url) -> bool {
        url.scheme() == self.base.scheme()
            && url.host_str() == self.base.host_str()
            && url.port_or_known_default() == self.base.port_or_known_default()
            && url.path().starts_with(self.base.path().trim_end_matches('/'))
    }
}

fn page_number(url: &Url) -> Option<u64> {
    url.query_pairs().find(|(k, _)| k == "page").and_then(|(_, v)| v.parse().ok())
}

fn origin(url: &Url) -> String {
    url.origin().ascii_serialization()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::json;

    fn base() -> Url {
        Url::parse("https://api.github.com").unwrap()
    }

    fn first() -> Url {
        Url::parse("https://api.github.com/orgs/acme/members?per_page=2").unwrap()
    }

    fn link(next: Option<u64>, last: Option<u64>) -> String {
        let u = |p: u64| format!("<https://api.github.com/organizations/9/members?per_page=2&page={p}>");
        let mut parts = Vec::new();
        if let Some(n) = next {
            parts.push(format!("{}; rel=\"next\"", u(n)));
        }
        if let Some(l) = last {
            parts.push(format!("{}; rel=\"last\"", u(l)));
        }
        parts.join(", ")
    }

    fn ids(ids: &[u64]) -> Value {
        Value::Array(ids.iter().map(|i| json!({"id": i})).collect())
    }

    #[test]
    fn follows_next_to_the_end_across_hosts_paths_of_the_same_api() {
        let mut w = Walk::new(&base(), &first());
        let Step::Next(u) = w.page("p1", ids(&[1, 2]), Some(&link(Some(2), Some(3)))) else { panic!() };
        assert_eq!(u.path(), "/organizations/9/members");
        assert!(matches!(w.page("p2", ids(&[3, 4]), Some(&link(Some(3), Some(3)))), Step::Next(_)));
        let Step::Done(all) = w.page("p3", ids(&[5]), None) else { panic!() };
        assert_eq!(all, ids(&[1, 2, 3, 4, 5]).as_array().unwrap().clone());
    }

    #[test]
    fn a_link_back_or_elsewhere_is_broken() {
        let mut w = Walk::new(&base(), &first());
        w.page("p1", ids(&[1, 2]), Some(&link(Some(2), None)));
        assert!(
            matches!(w.page("p2", ids(&[3, 4]), Some(&link(Some(2), None))), Step::Broken(m) if m.contains("already read"))
        );

        let mut w = Walk::new(&base(), &first());
        let evil = "<https://evil.example/orgs/acme/members?page=2>; rel=\"next\"";
        assert!(
            matches!(w.page("p1", ids(&[1]), Some(evil)), Step::Broken(m) if m.contains("does not send the token"))
        );

        let mut w = Walk::new(&base(), &first());
        assert!(matches!(w.page("p1", json!({"message": "x"}), None), Step::Broken(_)));
    }

    #[test]
    fn counts_that_do_not_add_up_and_repeats_are_shifts() {
        let mut w = Walk::new(&base(), &first());
        w.page("p1", ids(&[1, 2]), Some(&link(Some(2), Some(3))));
        assert!(matches!(w.page("p2", ids(&[3]), None), Step::Shifted(m) if m.contains("announced 3 pages")));

        let mut w = Walk::new(&base(), &first());
        w.page("p1", ids(&[1, 2]), Some(&link(Some(2), Some(2))));
        assert!(
            matches!(w.page("p2", ids(&[3, 4]), Some(&link(Some(3), None))), Step::Shifted(m) if m.contains("past the 2 pages"))
        );

        let mut w = Walk::new(&base(), &first());
        w.page("p1", ids(&[1, 2]), Some(&link(Some(2), None)));
        assert!(matches!(w.page("p2", ids(&[2, 3]), None), Step::Shifted(m) if m.contains("id 2")));

        let mut w = Walk::new(&base(), &first());
        assert!(matches!(w.page("p1", ids(&[]), Some(&link(Some(2), None))), Step::Shifted(_)));
    }
}
