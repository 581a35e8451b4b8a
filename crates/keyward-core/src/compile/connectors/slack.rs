//! Checks of the `slack` connector.

use crate::compile::checker::Checker;
use crate::compile::fields::{check_api_url, check_secret_ref};
use crate::i18n::Msg;
use crate::load::Origin;

/// Checks the connector's settings.
pub(super) fn check(c: &mut Checker<'_>, o: &Origin, s: &crate::resources::SlackConnector) {
    const P: &str = "spec.connector.slack";
    check_secret_ref(
        c,
        o,
        &format!("{P}.token"),
        &s.token,
        super::secret_help("token", "SLACK_TOKEN", "/var/run/secrets/slack-token", "slack-token"),
    );
    if let Some(t) = &s.scim_token {
        check_secret_ref(
            c,
            o,
            &format!("{P}.scimToken"),
            t,
            super::secret_help(
                "scimToken",
                "SLACK_SCIM_TOKEN",
                "/var/run/secrets/slack-scim-token",
                "slack-scim-token",
            ),
        );
    }
    let urls =
        [("apiUrl", &s.api_url, "https://slack.com/api"), ("scimUrl", &s.scim_url, "https://api.slack.com/scim/v2")];
    for (field, url, default) in urls {
        if let Some(url) = url {
            check_api_url(c, o, &format!("{P}.{field}"), url, Msg::new("slack-url-help").arg("default", default));
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
            Msg::new("slack-not-team-id").arg("team", t),
            Msg::new("slack-not-team-id-help"),
        );
    }
    if s.limit.is_some_and(|l| l == 0 || l > 1000) {
        c.error(o, &format!("{P}.limit"), Msg::new("slack-limit"), Msg::new("slack-limit-help"));
    }
    c.timeout(o, &format!("{P}.timeoutSeconds"), s.timeout_seconds, "call");
}
