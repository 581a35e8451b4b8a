//! Who runs keyward, for the `actor` of every audit record: named by the
//! environment it runs in. These values come from the environment, so
//! they are bounded and stripped of control characters before they reach
//! a record that can never be removed.

/// The longest actor or approver kept, in characters.
pub const MAX_CHARS: usize = 200;

/// Names the actor outright (`KEYWARD_ACTOR`), over anything detected.
pub const ACTOR_ENV: &str = "KEYWARD_ACTOR";
/// The controller's ServiceAccount (the Helm chart sets it through the
/// downward API, `spec.serviceAccountName`), with `POD_NAMESPACE`.
pub const SERVICE_ACCOUNT_ENV: &str = "KEYWARD_SERVICE_ACCOUNT";

/// `text` without control characters, trimmed and cut to [`MAX_CHARS`];
/// `None` when nothing is left.
pub fn clean(text: &str) -> Option<String> {
    let kept: String = text.chars().filter(|c| !c.is_control()).take(MAX_CHARS).collect();
    let kept = kept.trim();
    (!kept.is_empty()).then(|| kept.to_owned())
}

/// The actor as this process's environment names it: `KEYWARD_ACTOR`; in
/// GitHub Actions `github:LOGIN (run ID)`; in GitLab CI `gitlab:LOGIN
/// (job ID)`; in a Kubernetes pod with `KEYWARD_SERVICE_ACCOUNT`
/// `kubernetes:system:serviceaccount:NS:NAME`; under systemd
/// `systemd:USER@HOST`; else `local:USER@HOST`.
pub fn from_env() -> Option<String> {
    detect(|name| std::env::var(name).ok().filter(|v| !v.trim().is_empty()), hostname)
}

fn hostname() -> Option<String> {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
}

/// [`from_env`] over `var` (an environment) and `host`, for tests.
fn detect(var: impl Fn(&str) -> Option<String>, host: impl Fn() -> Option<String>) -> Option<String> {
    if let Some(a) = var(ACTOR_ENV) {
        return clean(&a);
    }
    if var("GITHUB_ACTIONS").as_deref() == Some("true")
        && let Some(login) = var("GITHUB_ACTOR")
    {
        let run = var("GITHUB_RUN_ID").map(|id| format!(" (run {id})")).unwrap_or_default();
        return clean(&format!("github:{login}{run}"));
    }
    if var("GITLAB_CI").is_some()
        && let Some(login) = var("GITLAB_USER_LOGIN")
    {
        let job = var("CI_JOB_ID").map(|id| format!(" (job {id})")).unwrap_or_default();
        return clean(&format!("gitlab:{login}{job}"));
    }
    if let Some(sa) = var(SERVICE_ACCOUNT_ENV) {
        let ns = var("POD_NAMESPACE").unwrap_or_else(|| "default".to_owned());
        return clean(&format!("kubernetes:system:serviceaccount:{ns}:{sa}"));
    }
    let user = var("USER").or_else(|| var("LOGNAME")).unwrap_or_else(|| "unknown".to_owned());
    let host = host().unwrap_or_else(|| "unknown".to_owned());
    let kind = if var("INVOCATION_ID").is_some() { "systemd" } else { "local" };
    clean(&format!("{kind}:{user}@{host}"))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use std::collections::BTreeMap;

    use super::*;

    fn actor(env: &[(&str, &str)]) -> Option<String> {
        let env: BTreeMap<String, String> = env.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        detect(|k| env.get(k).cloned(), || Some("build-7".to_owned()))
    }

    #[test]
    fn each_environment_names_its_actor() {
        assert_eq!(actor(&[("KEYWARD_ACTOR", "alice"), ("GITHUB_ACTIONS", "true")]).unwrap(), "alice");
        let gh = [("GITHUB_ACTIONS", "true"), ("GITHUB_ACTOR", "octo"), ("GITHUB_RUN_ID", "42")];
        assert_eq!(actor(&gh).unwrap(), "github:octo (run 42)");
        let gl = [("GITLAB_CI", "true"), ("GITLAB_USER_LOGIN", "tanuki"), ("CI_JOB_ID", "9")];
        assert_eq!(actor(&gl).unwrap(), "gitlab:tanuki (job 9)");
        let k8s = [("KEYWARD_SERVICE_ACCOUNT", "keyward"), ("POD_NAMESPACE", "org-a")];
        assert_eq!(actor(&k8s).unwrap(), "kubernetes:system:serviceaccount:org-a:keyward");
        assert_eq!(actor(&[("USER", "bob"), ("INVOCATION_ID", "x")]).unwrap(), "systemd:bob@build-7");
        assert_eq!(actor(&[("USER", "bob")]).unwrap(), "local:bob@build-7");
    }

    #[test]
    fn what_the_environment_says_is_bounded_and_without_control_characters() {
        let long = "x".repeat(5000);
        assert_eq!(actor(&[("KEYWARD_ACTOR", &long)]).unwrap().chars().count(), MAX_CHARS);
        assert_eq!(actor(&[("KEYWARD_ACTOR", "eve\n\u{1b}[31mroot\r")]).unwrap(), "eve[31mroot");
        assert_eq!(clean("\n\t"), None);
    }
}
