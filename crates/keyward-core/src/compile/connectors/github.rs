//! Checks of the `github` connector, and of GitHub's names.

use crate::compile::checker::Checker;
use crate::compile::fields::{check_api_url, check_secret_ref};
use crate::i18n::Msg;
use crate::load::Origin;

/// Checks the connector's settings.
pub(super) fn check(c: &mut Checker<'_>, o: &Origin, gh: &crate::resources::GithubConnector) {
    if !is_github_login(&gh.org) {
        c.error(
            o,
            "spec.connector.github.org",
            Msg::new("github-not-org").arg("org", &gh.org),
            Msg::new("github-not-org-help"),
        );
    }
    check_secret_ref(
        c,
        o,
        "spec.connector.github.token",
        &gh.token,
        super::secret_help("token", "GITHUB_TOKEN", "/var/run/secrets/github-token", "github-token"),
    );
    if let Some(url) = &gh.api_url {
        check_api_url(c, o, "spec.connector.github.apiUrl", url, Msg::new("github-api-url-help"));
    }
    c.timeout(o, "spec.connector.github.timeoutSeconds", gh.timeout_seconds, "call");
}

/// GitHub's rule for organisation logins: letters, digits and hyphens,
/// not at either end, at most 39 characters. (Two hyphens in a row are
/// refused for new names only, so old organisations may have them.)
fn is_github_login(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 39
        && s.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

/// A team's slug as GitHub makes it from the name: lower-case letters,
/// digits, `-`, `_` and `.`.
pub(in crate::compile) fn is_team_slug(s: &str) -> bool {
    s.chars().all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || matches!(ch, '-' | '_' | '.'))
}
