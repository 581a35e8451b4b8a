//! Checks of the `slack` connector.

use crate::compile::checker::Checker;
use crate::compile::fields::{check_api_url, check_secret_ref};
use crate::load::Origin;

/// Checks the connector's settings.
pub(super) fn check(c: &mut Checker<'_>, o: &Origin, s: &crate::resources::SlackConnector) {
    const P: &str = "spec.connector.slack";
    check_secret_ref(
        c,
        o,
        &format!("{P}.token"),
        &s.token,
        "write `token: {env: SLACK_TOKEN}`, `token: {file: /var/run/secrets/slack-token}` or, for the controller in Kubernetes, `token: {secret: {name: keyward-credentials, key: slack-token}}`",
    );
    if let Some(t) = &s.scim_token {
        check_secret_ref(
            c,
            o,
            &format!("{P}.scimToken"),
            t,
            "write `scimToken: {env: SLACK_SCIM_TOKEN}`, `scimToken: {file: /var/run/secrets/slack-scim-token}` or, for the controller in Kubernetes, `scimToken: {secret: {name: keyward-credentials, key: slack-scim-token}}`",
        );
    }
    let urls =
        [("apiUrl", &s.api_url, "https://slack.com/api"), ("scimUrl", &s.scim_url, "https://api.slack.com/scim/v2")];
    for (field, url, default) in urls {
        if let Some(url) = url {
            check_api_url(c, o, &format!("{P}.{field}"), url, format!("leave it out for Slack's own `{default}`"));
        }
    }
    if let Some(t) = &s.team_id
        && !(t.starts_with(['T', 'E'])
            && t.len() > 1
            && t.chars().all(|ch| ch.is_ascii_uppercase() || ch.is_ascii_digit()))
    {
        c.error(
            o,
            &format!("{P}.teamId"),
            format!("`{t}` is not a Slack workspace id"),
            "write the workspace id, `T` and upper-case letters and digits (`T0123ABCD`), as in the workspace's URL in the admin dashboard",
        );
    }
    if s.limit.is_some_and(|l| l == 0 || l > 1000) {
        c.error(o, &format!("{P}.limit"), "Slack pages hold 1 to 1000 users", "leave it out (200) or use 1 to 1000");
    }
    c.timeout(o, &format!("{P}.timeoutSeconds"), s.timeout_seconds, "call");
}
