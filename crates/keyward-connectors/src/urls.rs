//! URLs of API calls, built the same way by every connector.

use url::Url;

/// `{base}/{segments…}?{query}`, each part percent-encoded; bytes in
/// `keep` stay as they are in the query (OData's `$`).
pub(crate) fn join(base: &Url, segments: &[&str], query: &[(&str, &str)], keep: &[u8]) -> Url {
    let mut url = base.clone();
    // Connectors refuse cannot-be-a-base URLs, the only ones without segments.
    if let Ok(mut path) = url.path_segments_mut() {
        path.pop_if_empty().extend(segments);
    }
    if !query.is_empty() {
        let q: Vec<String> = query.iter().map(|(k, v)| format!("{}={}", encode(k, keep), encode(v, keep))).collect();
        url.set_query(Some(&q.join("&")));
    }
    url
}

/// Percent-encodes everything but RFC 3986's unreserved characters and
/// `keep`, so spaces and quotes survive servers that do not read `+` as a
/// space.
pub(crate) fn encode(s: &str, keep: &[u8]) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') || keep.contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
