//! Each vendor's way of saying "too many requests, wait", read in one
//! place: [`Throttle::wait`] looks at an answer and tells the retry loop
//! whether it is a throttle and how long it asks to wait.

use std::sync::Arc;
use std::time::Duration;

use http::StatusCode;
use http::header::{HeaderMap, RETRY_AFTER};
use jiff::Timestamp;

/// How a vendor signals throttling, and how long it asks to wait. Each
/// API client names its vendor; the retry loop asks the variant whether an
/// answer is a throttle and for how long, instead of connectors sleeping
/// on their own.
///
/// Every variant also keeps RFC 9110's rule for 503 (with `Retry-After`
/// when given) and treats any 429 as a throttle: no vendor uses them for
/// anything else.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Throttle {
    /// RFC 9110: 429 or 503, with `Retry-After` (seconds or a date) when
    /// given (SCIM servers, Slack).
    #[default]
    Standard,
    /// Google APIs: 403 (or 429) with reason `rateLimitExceeded`,
    /// `userRateLimitExceeded` or `quotaExceeded`; no wait is given, so
    /// back off exponentially. Any other 403 is final.
    Google,
    /// GitHub REST: 403 or 429; `retry-after` if present, else
    /// `x-ratelimit-reset` (epoch seconds) when `x-ratelimit-remaining` is
    /// 0, else at least a minute. A 403 without any of these that does not
    /// speak of a rate limit is final.
    GitHub,
    /// Microsoft Graph: 429 with `Retry-After`, which some identity
    /// resources omit (then back off); 503 and 504 as usual.
    Graph,
    /// Atlassian Cloud: 429 with `X-RateLimit-Reset` as an ISO 8601 date,
    /// else `Retry-After`, else back off.
    Atlassian,
    /// SmartHR: 429 with `x-rate-limit-reset` in seconds, else
    /// `Retry-After`, else back off.
    SmartHr,
    /// Okta: 429 with `X-Rate-Limit-Reset` as UTC epoch seconds (sent
    /// with every answer, so only a 429 reads it), else `Retry-After`,
    /// else back off.
    Okta,
    /// What an `http` connector's policy declares: further statuses that
    /// mean "wait", and a reset header, beside RFC 9110's rules.
    Declared(Arc<DeclaredThrottle>),
}

/// An API's throttling signal as a policy describes it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DeclaredThrottle {
    /// Statuses that mean "wait" beside 429 and 503 (some APIs throttle
    /// with 403).
    pub statuses: Vec<u16>,
    /// A header holding when the limit resets, read when `Retry-After` is
    /// absent.
    pub reset_header: Option<String>,
    /// What the reset header holds.
    pub reset: ResetHeader,
}

/// The meaning of a rate-limit reset header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ResetHeader {
    /// Seconds since 1970 when the limit resets.
    #[default]
    EpochSeconds,
    /// Seconds to wait.
    Seconds,
    /// An RFC 3339 date.
    Date,
}

impl DeclaredThrottle {
    fn wait(&self, status: StatusCode, headers: &HeaderMap, now: Timestamp) -> Option<Wait> {
        let throttled = status == StatusCode::TOO_MANY_REQUESTS
            || status == StatusCode::SERVICE_UNAVAILABLE
            || self.statuses.contains(&status.as_u16());
        if !throttled {
            return None;
        }
        let reset =
            self.reset_header.as_deref().and_then(|name| header(headers, name)).and_then(|v| match self.reset {
                ResetHeader::EpochSeconds => {
                    v.parse::<i64>().ok().and_then(|e| Timestamp::from_second(e).ok()).map(|t| until(t, now))
                }
                ResetHeader::Seconds => v.parse::<u64>().ok().map(Duration::from_secs),
                ResetHeader::Date => v.parse::<Timestamp>().ok().map(|t| until(t, now)),
            });
        Some(given_retry_after(headers, now).or(reset.map(Wait::For)).unwrap_or(Wait::Backoff))
    }
}

/// How long a throttled (or otherwise retryable) answer asks to wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wait {
    /// The answer says how long: exactly that, and a wait longer than what
    /// is left of the retry limit fails at once.
    For(Duration),
    /// No wait was given: the policy's exponential backoff.
    Backoff,
    /// At least this long, plus the growing backoff, so repeated throttles
    /// wait longer each time (GitHub's secondary rate limit).
    AtLeast(Duration),
}

/// GitHub: "wait for at least one minute" when a secondary rate limit
/// gives no other signal.
const GITHUB_SECONDARY_WAIT: Duration = Duration::from_secs(60);

/// Google's throttling reasons, compared without case or underscores so
/// the legacy `userRateLimitExceeded` and the newer `RATE_LIMIT_EXCEEDED`
/// both match.
const GOOGLE_REASONS: [&str; 3] = ["ratelimitexceeded", "userratelimitexceeded", "quotaexceeded"];

impl Throttle {
    /// Whether an answer is a throttle, and how long it asks to wait;
    /// `None` for anything else (a success, a final error, or a 5xx the
    /// caller retries with plain backoff). `now` turns reset dates and
    /// epochs into waits; a reset already past means "now".
    pub fn wait(&self, status: StatusCode, headers: &HeaderMap, body: &[u8], now: Timestamp) -> Option<Wait> {
        match self {
            Self::Declared(d) => d.wait(status, headers, now),
            // Graph's rules are RFC 9110's; it is named so that callers say
            // which vendor they talk to, and so that a Graph-only signal
            // has a place to go.
            Self::Standard | Self::Graph => standard(status, headers, now),
            Self::Google => {
                if status == StatusCode::FORBIDDEN && google_rate_limited(body) {
                    Some(Wait::Backoff)
                } else {
                    standard(status, headers, now)
                }
            }
            Self::GitHub => github(status, headers, body, now).or_else(|| standard(status, headers, now)),
            Self::Atlassian if status == StatusCode::TOO_MANY_REQUESTS => Some(
                header(headers, "x-ratelimit-reset")
                    .and_then(|v| v.parse::<Timestamp>().ok())
                    .map(|reset| Wait::For(until(reset, now)))
                    .or_else(|| given_retry_after(headers, now))
                    .unwrap_or(Wait::Backoff),
            ),
            Self::SmartHr if status == StatusCode::TOO_MANY_REQUESTS => {
                Some(smarthr_reset(headers).or_else(|| given_retry_after(headers, now)).unwrap_or(Wait::Backoff))
            }
            Self::Okta if status == StatusCode::TOO_MANY_REQUESTS => Some(
                header(headers, "x-rate-limit-reset")
                    .and_then(|v| v.parse::<i64>().ok())
                    .and_then(|epoch| Timestamp::from_second(epoch).ok())
                    .map(|reset| Wait::For(until(reset, now)))
                    .or_else(|| given_retry_after(headers, now))
                    .unwrap_or(Wait::Backoff),
            ),
            Self::Atlassian | Self::SmartHr | Self::Okta => standard(status, headers, now),
        }
    }
}

/// RFC 9110: 429 and 503 ask to wait `Retry-After` when they say, else
/// whatever backoff thinks fit.
fn standard(status: StatusCode, headers: &HeaderMap, now: Timestamp) -> Option<Wait> {
    (status == StatusCode::TOO_MANY_REQUESTS || status == StatusCode::SERVICE_UNAVAILABLE)
        .then(|| given_retry_after(headers, now).unwrap_or(Wait::Backoff))
}

fn given_retry_after(headers: &HeaderMap, now: Timestamp) -> Option<Wait> {
    headers.get(RETRY_AFTER).and_then(|v| v.to_str().ok()).and_then(|v| retry_after(v, now)).map(Wait::For)
}

/// GitHub's documented order: `retry-after`, then the primary limit's
/// reset, then the secondary limit's minute. Only for 403 and 429.
fn github(status: StatusCode, headers: &HeaderMap, body: &[u8], now: Timestamp) -> Option<Wait> {
    if status != StatusCode::FORBIDDEN && status != StatusCode::TOO_MANY_REQUESTS {
        return None;
    }
    if let Some(w) = given_retry_after(headers, now) {
        return Some(w);
    }
    if header(headers, "x-ratelimit-remaining") == Some("0") {
        // A reset that cannot be read still means "throttled": treat it
        // as the secondary limit rather than as a final 403.
        return Some(
            header(headers, "x-ratelimit-reset")
                .and_then(|v| v.parse::<i64>().ok())
                .and_then(|epoch| Timestamp::from_second(epoch).ok())
                .map_or(Wait::AtLeast(GITHUB_SECONDARY_WAIT), |reset| Wait::For(until(reset, now))),
        );
    }
    // A 403 is also what a token without the right scope gets; only its
    // message tells the secondary rate limit apart.
    (status == StatusCode::TOO_MANY_REQUESTS || message_says_rate_limit(body))
        .then_some(Wait::AtLeast(GITHUB_SECONDARY_WAIT))
}

fn message_says_rate_limit(body: &[u8]) -> bool {
    serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v.get("message").and_then(|m| m.as_str()).map(|m| m.to_ascii_lowercase().contains("rate limit")))
        .unwrap_or(false)
}

/// Google's error body names the reason in the legacy `error.errors[]`,
/// in `error.details[]` (google.rpc.ErrorInfo) or, for quota, in
/// `error.status` as RESOURCE_EXHAUSTED.
fn google_rate_limited(body: &[u8]) -> bool {
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(body) else {
        return false;
    };
    let Some(error) = v.get("error") else {
        return false;
    };
    let is_reason = |r: &serde_json::Value| {
        r.as_str().is_some_and(|s| {
            let s: String = s.chars().filter(|c| *c != '_').collect::<String>().to_ascii_lowercase();
            GOOGLE_REASONS.contains(&s.as_str())
        })
    };
    let reasons = |list: &str| {
        error
            .get(list)
            .and_then(|l| l.as_array())
            .is_some_and(|items| items.iter().any(|i| i.get("reason").is_some_and(is_reason)))
    };
    let status = error.get("status");
    reasons("errors")
        || reasons("details")
        || status.is_some_and(is_reason)
        || status.and_then(|s| s.as_str()) == Some("RESOURCE_EXHAUSTED")
}

/// SmartHR has a normal and an "intensive" limit, each with its own
/// headers; the 429 is for whichever is spent, so wait for the longest
/// reset among the spent ones, or the normal one when none says so.
fn smarthr_reset(headers: &HeaderMap) -> Option<Wait> {
    let seconds = |name: &str| header(headers, name).and_then(|v| v.parse::<u64>().ok());
    let spent = [
        ("x-rate-limit-remaining", "x-rate-limit-reset"),
        ("x-intensive-rate-limit-remaining", "x-intensive-rate-limit-reset"),
    ]
    .into_iter()
    .filter(|(remaining, _)| header(headers, remaining) == Some("0"))
    .filter_map(|(_, reset)| seconds(reset))
    .max();
    spent.or_else(|| seconds("x-rate-limit-reset")).map(|s| Wait::For(Duration::from_secs(s)))
}

fn header<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim)
}

/// From `now` until `when`, or zero if `when` is past.
fn until(when: Timestamp, now: Timestamp) -> Duration {
    let d = when.duration_since(now);
    if d.is_negative() { Duration::ZERO } else { d.unsigned_abs() }
}

/// `Retry-After` as delay-seconds or an HTTP-date (RFC 9110 §10.2.3). A
/// date in the past means "now".
pub fn retry_after(value: &str, now: Timestamp) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = jiff::fmt::rfc2822::parse(value).ok()?.timestamp();
    Some(until(when, now))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use http::HeaderValue;

    fn now() -> Timestamp {
        "2026-03-01T12:00:00Z".parse().unwrap()
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    fn wait(t: &Throttle, status: u16, pairs: &[(&'static str, &str)], body: &str) -> Option<Wait> {
        t.wait(StatusCode::from_u16(status).unwrap(), &headers(pairs), body.as_bytes(), now())
    }

    fn secs(s: u64) -> Option<Wait> {
        Some(Wait::For(Duration::from_secs(s)))
    }

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        assert_eq!(retry_after("7", now()), Some(Duration::from_secs(7)));
        assert_eq!(retry_after(" 0 ", now()), Some(Duration::ZERO));
        assert_eq!(retry_after("Sun, 01 Mar 2026 12:00:30 GMT", now()), Some(Duration::from_secs(30)));
        // A date already past: retry at once rather than never.
        assert_eq!(retry_after("Sun, 01 Mar 2026 11:00:00 GMT", now()), Some(Duration::ZERO));
        assert_eq!(retry_after("soon", now()), None);
        assert_eq!(retry_after("-5", now()), None);
    }

    #[test]
    fn standard_is_429_and_503_with_retry_after() {
        let t = Throttle::Standard;
        assert_eq!(wait(&t, 429, &[("retry-after", "3")], ""), secs(3));
        assert_eq!(wait(&t, 503, &[("retry-after", "Sun, 01 Mar 2026 12:00:10 GMT")], ""), secs(10));
        assert_eq!(wait(&t, 429, &[], ""), Some(Wait::Backoff));
        assert_eq!(wait(&t, 429, &[("retry-after", "later")], ""), Some(Wait::Backoff));
        // Other 5xx are retried with backoff by the caller, not as throttles.
        assert_eq!(wait(&t, 502, &[("retry-after", "3")], ""), None);
        assert_eq!(wait(&t, 403, &[("retry-after", "3")], ""), None);
        assert_eq!(wait(&t, 200, &[], ""), None);
    }

    #[test]
    fn google_throttles_with_a_403_reason_and_backs_off() {
        let t = Throttle::Google;
        let legacy = |reason: &str| {
            format!(
                r#"{{"error":{{"code":403,"message":"Quota exceeded","errors":[{{"message":"Quota exceeded","domain":"usageLimits","reason":"{reason}"}}]}}}}"#
            )
        };
        for reason in ["userRateLimitExceeded", "rateLimitExceeded", "quotaExceeded"] {
            assert_eq!(wait(&t, 403, &[], &legacy(reason)), Some(Wait::Backoff), "{reason}");
        }
        let info = r#"{"error":{"code":403,"message":"Quota exceeded","status":"PERMISSION_DENIED","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"RATE_LIMIT_EXCEEDED","domain":"googleapis.com"}]}}"#;
        assert_eq!(wait(&t, 403, &[], info), Some(Wait::Backoff));
        let exhausted = r#"{"error":{"code":403,"message":"Quota exceeded","status":"RESOURCE_EXHAUSTED"}}"#;
        assert_eq!(wait(&t, 403, &[], exhausted), Some(Wait::Backoff));
        // Google's 429 is a throttle whatever its body says.
        assert_eq!(wait(&t, 429, &[], "{}"), Some(Wait::Backoff));
        assert_eq!(wait(&t, 503, &[("retry-after", "2")], ""), secs(2));
    }

    #[test]
    fn google_permission_errors_are_final() {
        let t = Throttle::Google;
        for reason in ["forbidden", "insufficientPermissions", "dailyLimitExceededUnreg"] {
            let body = format!(
                r#"{{"error":{{"code":403,"errors":[{{"reason":"{reason}"}}],"status":"PERMISSION_DENIED"}}}}"#
            );
            assert_eq!(wait(&t, 403, &[], &body), None, "{reason}");
        }
        assert_eq!(wait(&t, 403, &[], "Forbidden"), None);
        assert_eq!(wait(&t, 403, &[], ""), None);
        // A throttling reason outside `error` is not Google's shape.
        assert_eq!(wait(&t, 403, &[], r#"{"reason":"rateLimitExceeded"}"#), None);
    }

    #[test]
    fn github_follows_its_documented_order() {
        let t = Throttle::GitHub;
        let limited = r#"{"message":"API rate limit exceeded for user ID 1.","documentation_url":"https://docs.github.com/rest"}"#;
        let reset = (now().as_second() + 42).to_string();
        let primary = [("x-ratelimit-remaining", "0"), ("x-ratelimit-reset", reset.as_str())];
        // retry-after first, even with a spent primary limit beside it.
        let mut both = primary.to_vec();
        both.push(("retry-after", "5"));
        assert_eq!(wait(&t, 403, &both, limited), secs(5));
        assert_eq!(wait(&t, 429, &[("retry-after", "7")], ""), secs(7));
        // Then the primary limit's reset, an epoch against `now`.
        assert_eq!(wait(&t, 403, &primary, limited), secs(42));
        assert_eq!(wait(&t, 429, &primary, ""), secs(42));
        let past = (now().as_second() - 10).to_string();
        assert_eq!(wait(&t, 403, &[("x-ratelimit-remaining", "0"), ("x-ratelimit-reset", &past)], ""), secs(0));
        // Then the secondary limit: at least a minute.
        let minute = Some(Wait::AtLeast(Duration::from_secs(60)));
        let secondary = r#"{"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again."}"#;
        assert_eq!(wait(&t, 403, &[("x-ratelimit-remaining", "4999")], secondary), minute);
        assert_eq!(wait(&t, 429, &[], ""), minute);
        assert_eq!(wait(&t, 403, &[("x-ratelimit-remaining", "0")], ""), minute);
    }

    #[test]
    fn github_permission_errors_are_final() {
        let t = Throttle::GitHub;
        let denied = r#"{"message":"Resource not accessible by personal access token","documentation_url":"https://docs.github.com/rest"}"#;
        let h = [("x-ratelimit-remaining", "4999"), ("x-ratelimit-reset", "1772366400")];
        assert_eq!(wait(&t, 403, &h, denied), None);
        assert_eq!(wait(&t, 403, &[], "Forbidden"), None);
        assert_eq!(wait(&t, 404, &[("retry-after", "5")], ""), None);
        assert_eq!(wait(&t, 503, &[("retry-after", "5")], ""), secs(5));
    }

    #[test]
    fn graph_waits_for_retry_after_or_backs_off() {
        let t = Throttle::Graph;
        let body = r#"{"error":{"code":"TooManyRequests","message":"Too many requests","innerError":{"date":"2026-03-01T12:00:00"}}}"#;
        assert_eq!(
            wait(&t, 429, &[("retry-after", "2"), ("x-ms-throttle-scope", "Tenant_Application/ReadWrite/x")], body),
            secs(2)
        );
        assert_eq!(wait(&t, 429, &[], body), Some(Wait::Backoff));
        assert_eq!(wait(&t, 503, &[("retry-after", "4")], ""), secs(4));
        // 504 is retried as a 5xx by the caller.
        assert_eq!(wait(&t, 504, &[], ""), None);
        assert_eq!(wait(&t, 403, &[("retry-after", "4")], body), None);
    }

    #[test]
    fn atlassian_waits_until_the_iso_reset() {
        let t = Throttle::Atlassian;
        assert_eq!(wait(&t, 429, &[("x-ratelimit-reset", "2026-03-01T12:00:30Z")], ""), secs(30));
        assert_eq!(wait(&t, 429, &[("X-RateLimit-Reset", "2026-03-01T21:01:00+09:00")], ""), secs(60));
        assert_eq!(
            wait(&t, 429, &[("x-ratelimit-reset", "2026-03-01T12:00:00.500Z")], ""),
            Some(Wait::For(Duration::from_millis(500)))
        );
        assert_eq!(wait(&t, 429, &[("x-ratelimit-reset", "2026-03-01T11:00:00Z")], ""), secs(0));
        // Unreadable or absent: Retry-After, then backoff.
        assert_eq!(wait(&t, 429, &[("x-ratelimit-reset", "30"), ("retry-after", "3")], ""), secs(3));
        assert_eq!(wait(&t, 429, &[("retry-after", "3")], ""), secs(3));
        assert_eq!(wait(&t, 429, &[], ""), Some(Wait::Backoff));
        assert_eq!(wait(&t, 403, &[("x-ratelimit-reset", "2026-03-01T12:00:30Z")], ""), None);
    }

    #[test]
    fn smarthr_waits_the_reset_seconds() {
        let t = Throttle::SmartHr;
        let body = r#"{"code":6,"type":"too_many_requests","message":"Too Many Requests"}"#;
        let h = [("x-rate-limit-limit", "10"), ("x-rate-limit-remaining", "0"), ("x-rate-limit-reset", "8")];
        assert_eq!(wait(&t, 429, &h, body), secs(8));
        // The intensive limit spent, the normal one not: its reset counts.
        let h = [
            ("x-rate-limit-remaining", "3"),
            ("x-rate-limit-reset", "8"),
            ("x-intensive-rate-limit-remaining", "0"),
            ("x-intensive-rate-limit-reset", "25"),
        ];
        assert_eq!(wait(&t, 429, &h, body), secs(25));
        assert_eq!(wait(&t, 429, &[("x-rate-limit-reset", "2")], body), secs(2));
        assert_eq!(wait(&t, 429, &[("retry-after", "4")], body), secs(4));
        assert_eq!(wait(&t, 429, &[], body), Some(Wait::Backoff));
        // The headers come on every answer: only a 429 is a throttle.
        assert_eq!(wait(&t, 200, &[("x-rate-limit-remaining", "0"), ("x-rate-limit-reset", "8")], ""), None);
        assert_eq!(wait(&t, 503, &[], r#"{"code":9,"type":"service_maintenance"}"#), Some(Wait::Backoff));
    }

    #[test]
    fn a_declared_throttle_reads_its_statuses_and_reset_header() {
        let declared = |reset| {
            Throttle::Declared(Arc::new(DeclaredThrottle {
                statuses: vec![403],
                reset_header: Some("X-RateLimit-Reset".into()),
                reset,
            }))
        };
        let t = declared(ResetHeader::EpochSeconds);
        let epoch = now().as_second() + 20;
        assert_eq!(wait(&t, 403, &[("x-ratelimit-reset", &epoch.to_string())], ""), secs(20));
        assert_eq!(wait(&t, 429, &[("retry-after", "3"), ("x-ratelimit-reset", &epoch.to_string())], ""), secs(3));
        assert_eq!(wait(&t, 429, &[], ""), Some(Wait::Backoff));
        // Not declared: a 401 is final.
        assert_eq!(wait(&t, 401, &[], ""), None);
        assert_eq!(wait(&declared(ResetHeader::Seconds), 429, &[("x-ratelimit-reset", "7")], ""), secs(7));
        assert_eq!(
            wait(&declared(ResetHeader::Date), 429, &[("x-ratelimit-reset", "2026-03-01T12:00:30Z")], ""),
            secs(30)
        );
        // Unreadable: backoff.
        assert_eq!(
            wait(&declared(ResetHeader::Seconds), 429, &[("x-ratelimit-reset", "soon")], ""),
            Some(Wait::Backoff)
        );
    }

    #[test]
    fn okta_waits_until_the_epoch_reset() {
        let t = Throttle::Okta;
        let body = r#"{"errorCode":"E0000047","errorSummary":"API call exceeded rate limit due to too many requests.","errorLink":"E0000047","errorId":"oae1","errorCauses":[]}"#;
        let reset = (now().as_second() + 17).to_string();
        let h =
            [("x-rate-limit-limit", "600"), ("x-rate-limit-remaining", "0"), ("x-rate-limit-reset", reset.as_str())];
        assert_eq!(wait(&t, 429, &h, body), secs(17));
        let past = (now().as_second() - 5).to_string();
        assert_eq!(wait(&t, 429, &[("X-Rate-Limit-Reset", past.as_str())], body), secs(0));
        // Unreadable or absent: Retry-After, then backoff.
        assert_eq!(wait(&t, 429, &[("x-rate-limit-reset", "soon"), ("retry-after", "3")], body), secs(3));
        assert_eq!(wait(&t, 429, &[("retry-after", "4")], body), secs(4));
        assert_eq!(wait(&t, 429, &[], body), Some(Wait::Backoff));
        // The headers come with every answer: only a 429 is a throttle.
        assert_eq!(wait(&t, 200, &h, ""), None);
        assert_eq!(wait(&t, 403, &h, ""), None);
        assert_eq!(wait(&t, 503, &[("retry-after", "2")], ""), secs(2));
    }
}
