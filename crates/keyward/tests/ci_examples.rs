//! The CI examples in `examples/ci/` are copied into policy repositories
//! as they are: their jobs must do what the README promises, and every
//! `keyward` command in them must be one this CLI accepts. In CI, keyward
//! must print no progress display.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_yaml::Value;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn load(name: &str) -> Value {
    let text = std::fs::read_to_string(repo().join("examples/ci").join(name)).unwrap();
    serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("examples/ci/{name} is not valid YAML: {e}"))
}

/// The shell lines of a GitHub job (`steps[].run`) or a GitLab job
/// (`before_script`, `script`, `after_script`), joined.
fn shell(job: &Value) -> String {
    let mut out = String::new();
    for step in job["steps"].as_sequence().into_iter().flatten() {
        if let Some(run) = step["run"].as_str() {
            out.push_str(run);
            out.push('\n');
        }
    }
    for key in ["before_script", "script", "after_script"] {
        for line in job[key].as_sequence().into_iter().flatten() {
            out.push_str(line.as_str().unwrap());
            out.push('\n');
        }
    }
    out
}

/// One `keyward ...` command line, as its words.
fn invocations(script: &str) -> Vec<Vec<String>> {
    let joined = script.replace("\\\n", " ");
    let mut out = Vec::new();
    for line in joined.lines() {
        // Only `keyward` in command position: not `cargo install ... keyward`.
        for segment in line.split(['|', ';', '&']).flat_map(|s| s.split("$(")) {
            let mut words: Vec<&str> = segment.split_whitespace().collect();
            while words.first().is_some_and(|w| matches!(*w, "!" | "if" | "then" | "else" | "do" | "{")) {
                words.remove(0);
            }
            if words.first() != Some(&"keyward") {
                continue;
            }
            let cmd: Vec<String> = words[1..]
                .iter()
                .take_while(|w| !w.starts_with('>') && !w.starts_with("2>") && **w != "]" && **w != "}")
                .map(|w| w.to_string())
                .collect();
            out.push(cmd);
        }
    }
    out
}

fn help(path: &[&str]) -> Option<String> {
    let out = Command::cargo_bin("keyward").unwrap().args(path).arg("--help").output().unwrap();
    out.status.success().then(|| String::from_utf8(out.stdout).unwrap())
}

/// Checks one invocation against the CLI's own `--help`; returns false when
/// the subcommand does not exist.
fn check(cmd: &[String], file: &str) -> bool {
    let mut path: Vec<&str> = vec![cmd[0].as_str()];
    let Some(mut text) = help(&path) else { return false };
    let mut rest = &cmd[1..];
    // Nested subcommands (`audit verify`).
    while text.contains("\nCommands:") {
        let sub = rest.first().unwrap_or_else(|| panic!("{file}: `keyward {}` needs a subcommand", path.join(" ")));
        path.push(sub);
        text = help(&path).unwrap_or_else(|| panic!("{file}: `keyward {}` does not exist", path.join(" ")));
        rest = &rest[1..];
    }
    for word in rest.iter().filter(|w| w.starts_with('-')) {
        let flag = word.split('=').next().unwrap();
        let listed = text.split(|c: char| c.is_whitespace() || c == ',' || c == '[' || c == ']').any(|w| w == flag);
        assert!(listed, "{file}: `keyward {}` has no flag `{flag}`:\n{text}", path.join(" "));
    }
    true
}

fn jobs_running<'a>(jobs: &'a BTreeMap<String, Value>, needle: &str) -> Vec<&'a String> {
    jobs.iter().filter(|(_, job)| shell(job).contains(needle)).map(|(name, _)| name).collect()
}

/// Every CI example: the pull-request pipelines and the daily schedules.
const CI_FILES: [&str; 4] =
    ["github-actions.yml", "gitlab-ci.yml", "github-actions-schedule.yml", "gitlab-ci-schedule.yml"];

fn jobs_of(workflow: &Value) -> BTreeMap<String, Value> {
    serde_yaml::from_value(workflow["jobs"].clone()).unwrap()
}

fn github_jobs() -> BTreeMap<String, Value> {
    jobs_of(&load("github-actions.yml"))
}

fn gitlab_jobs() -> BTreeMap<String, Value> {
    let all: BTreeMap<String, Value> = serde_yaml::from_value(load("gitlab-ci.yml")).unwrap();
    // Jobs are the top-level keys with a script; the rest is configuration.
    all.into_iter().filter(|(_, v)| v.get("script").is_some()).collect()
}

fn assert_pr_job(file: &str, name: &str, job: &Value, condition: &str) {
    let text = serde_yaml::to_string(job).unwrap();
    assert!(text.contains(condition), "{file}: job {name} does not run on pull/merge requests");
    let sh = shell(job);
    let cmds = invocations(&sh);
    let has =
        |sub: &str, flags: &[&str]| cmds.iter().any(|c| c[0] == sub && flags.iter().all(|f| c.iter().any(|w| w == f)));
    assert!(has("validate", &["-f"]), "{file}: {name} does not validate: {cmds:?}");
    assert!(has("test", &["-f", "policies/"]), "{file}: {name} does not run the policy tests: {cmds:?}");
    assert!(has("plan", &["--format", "markdown"]), "{file}: {name} does not render the plan as markdown: {cmds:?}");
    assert!(has("plan", &["-o", "plan.json"]), "{file}: {name} does not save plan.json: {cmds:?}");
    assert!(!has("apply", &[]), "{file}: {name} must not apply anything before the merge");
    assert!(text.contains("plan.json"), "{file}: {name} does not keep plan.json as an artifact");
}

fn assert_apply_job(file: &str, name: &str, job: &Value, condition: &str) {
    let text = serde_yaml::to_string(job).unwrap();
    assert!(text.contains(condition), "{file}: job {name} does not run on the main branch only");
    let cmds = invocations(&shell(job));
    let apply: Vec<_> = cmds.iter().filter(|c| c[0] == "apply").collect();
    assert_eq!(apply.len(), 1, "{file}: {name} should apply once: {cmds:?}");
    let apply = apply[0];
    for word in ["-f", "policies/", "plan.json", "--auto-approve"] {
        assert!(apply.iter().any(|w| w == word), "{file}: `keyward {}` lacks `{word}`", apply.join(" "));
    }
    assert!(text.contains("/var/lib/keyward/audit.jsonl"), "{file}: {name} does not keep the audit log on the volume");
}

#[test]
fn github_workflow_plans_on_pull_requests_and_applies_the_saved_plan_on_main() {
    let wf = load("github-actions.yml");
    assert!(wf["on"]["pull_request"].is_mapping() && wf["on"]["push"].is_mapping(), "triggers: {:?}", wf["on"]);
    let jobs = github_jobs();
    let plans = jobs_running(&jobs, "keyward plan");
    assert_eq!(plans.len(), 1, "one job plans: {plans:?}");
    assert_pr_job("github-actions.yml", plans[0], &jobs[plans[0]], "github.event_name == 'pull_request'");
    let pr_text = serde_yaml::to_string(&jobs[plans[0]]).unwrap();
    assert!(pr_text.contains("actions/upload-artifact") && pr_text.contains("gh pr comment"), "{pr_text}");
    let applies = jobs_running(&jobs, "keyward apply");
    assert_eq!(applies.len(), 1, "one job applies: {applies:?}");
    let apply = &jobs[applies[0]];
    assert_apply_job("github-actions.yml", applies[0], apply, "github.event_name == 'push'");
    assert!(shell(apply).contains("gh run download"), "the apply job fetches the reviewed plan");
}

#[test]
fn gitlab_pipeline_plans_on_merge_requests_and_applies_the_saved_plan_on_main() {
    let jobs = gitlab_jobs();
    let plans = jobs_running(&jobs, "keyward plan");
    assert_eq!(plans.len(), 1, "one job plans: {plans:?}");
    let plan = &jobs[plans[0]];
    assert_pr_job("gitlab-ci.yml", plans[0], plan, "$CI_PIPELINE_SOURCE == \"merge_request_event\"");
    assert!(shell(plan).contains("/merge_requests/$CI_MERGE_REQUEST_IID/notes"), "the plan is posted as a note");
    let applies = jobs_running(&jobs, "keyward apply");
    assert_eq!(applies.len(), 1, "one job applies: {applies:?}");
    let apply = &jobs[applies[0]];
    assert_apply_job("gitlab-ci.yml", applies[0], apply, "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH");
    assert!(shell(apply).contains("/artifacts/plan.json"), "the apply job fetches the reviewed plan");
}

#[test]
fn every_keyward_command_in_the_examples_is_one_the_cli_accepts() {
    let has_test = help(&["test"]).is_some();
    let mut checked = 0;
    for file in CI_FILES {
        let root = load(file);
        let jobs: BTreeMap<String, Value> = serde_yaml::from_value(root.get("jobs").cloned().unwrap_or(root)).unwrap();
        for cmd in jobs.values().flat_map(|job| invocations(&shell(job))) {
            assert!(!cmd.is_empty(), "{file}: a bare `keyward`");
            // `keyward test` is being built elsewhere; every other command is
            // checked now, and `test` as soon as it exists.
            if cmd[0] == "test" && !has_test {
                continue;
            }
            assert!(check(&cmd, file), "{file}: `keyward {}`: no such subcommand", cmd.join(" "));
            checked += 1;
        }
    }
    assert!(checked >= 14, "only {checked} keyward commands found: is the parsing broken?");
}

#[test]
fn secrets_come_from_the_ci_secret_store() {
    // GitHub: every secret-looking variable of every job is taken from
    // `secrets.` (or the job's own token).
    for (name, job) in github_jobs().into_iter().chain(jobs_of(&load("github-actions-schedule.yml"))) {
        let mut envs: Vec<&Value> = vec![&job["env"]];
        envs.extend(job["steps"].as_sequence().into_iter().flatten().map(|s| &s["env"]));
        for (key, value) in envs.into_iter().filter_map(Value::as_mapping).flatten() {
            let key = key.as_str().unwrap();
            if key.contains("TOKEN") || key.contains("WEBHOOK") {
                let value = value.as_str().unwrap_or_default();
                assert!(
                    value.starts_with("${{ secrets.") || value == "${{ github.token }}",
                    "github-actions.yml: {name}: {key} is not read from the secret store: {value}"
                );
            }
        }
    }
    // All: nothing shaped like a real credential.
    for file in CI_FILES {
        let text = std::fs::read_to_string(repo().join("examples/ci").join(file)).unwrap();
        for shape in ["xoxp-", "xoxb-", "ghp_", "github_pat_", "glpat-", "hooks.slack.com/services/"] {
            assert!(!text.contains(shape), "{file}: contains what looks like a credential ({shape})");
        }
    }
}

#[test]
fn plan_prints_no_progress_display_when_stderr_is_not_a_terminal() {
    let out = Command::cargo_bin("keyward")
        .unwrap()
        .current_dir(repo())
        .args(["plan", "-f", "policies/", "--at", "2026-11-23"])
        .env_remove("KEYWARD_LOG_FORMAT")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains('\x1b'), "escape codes on a non-terminal stderr: {stderr:?}");
    assert!(!stderr.contains("listing accounts") && !stderr.contains("accounts ("), "progress lines: {stderr:?}");
}

/// A scheduled job: plans, then applies that plan once, behind the audit
/// log's check, with the log on the runner's volume.
fn assert_scheduled_apply(file: &str, name: &str, job: &Value) {
    let sh = shell(job);
    let cmds = invocations(&sh);
    let names: Vec<&str> = cmds.iter().map(|c| c[0].as_str()).collect();
    let at = |sub: &str| {
        names.iter().position(|n| *n == sub).unwrap_or_else(|| panic!("{file}: {name}: no `keyward {sub}`: {cmds:?}"))
    };
    assert!(
        at("audit") < at("plan") && at("plan") < at("apply"),
        "{file}: {name}: verify, plan, apply in that order: {cmds:?}"
    );
    assert_eq!(names.iter().filter(|n| **n == "apply").count(), 1, "{file}: {name} should apply once");
    let plan = &cmds[at("plan")];
    assert!(plan.iter().any(|w| w == "plan.json"), "{file}: {name}: the plan is not saved for the apply: {plan:?}");
    let apply = &cmds[at("apply")];
    for word in ["-f", "policies/", "plan.json", "--auto-approve", "--audit-log"] {
        assert!(apply.iter().any(|w| w == word), "{file}: `keyward {}` lacks `{word}`", apply.join(" "));
    }
    let text = serde_yaml::to_string(job).unwrap();
    assert!(text.contains("/var/lib/keyward/audit.jsonl"), "{file}: {name} does not keep the audit log on the volume");
    assert!(text.contains("keyward"), "{file}: {name} does not run on the runner with the volume");
    // The binary comes from a release, checked against its published sums.
    assert!(sh.contains("sha256sum") && sh.contains("SHA256SUMS"), "{file}: {name} installs keyward unchecked");
    // The HR master comes from an API: no export is read from the repository.
    let smarthr = std::fs::read_to_string(repo().join("examples/ci").join(file)).unwrap();
    assert!(smarthr.contains("SMARTHR_TOKEN"), "{file}: no HR API token");
}

#[test]
fn github_schedule_plans_and_applies_daily_one_run_at_a_time() {
    let wf = load("github-actions-schedule.yml");
    let cron = wf["on"]["schedule"][0]["cron"].as_str().expect("no schedule: cron");
    let fields: Vec<&str> = cron.split_whitespace().collect();
    assert_eq!(fields.len(), 5, "cron: {cron}");
    // Daily, in the Japanese morning: 05:00–09:00 JST is 20:00–00:00 UTC.
    assert!(fields[2..] == ["*", "*", "*"], "not daily: {cron}");
    let hour: u32 = fields[1].parse().unwrap();
    assert!((20..=23).contains(&hour) || hour == 0, "{cron} is not a Japanese morning in UTC");
    assert!(wf["on"].get("workflow_dispatch").is_some(), "no workflow_dispatch: {:?}", wf["on"]);
    // The same group as the merge's apply, so the two never overlap.
    assert_eq!(wf["concurrency"]["group"].as_str(), Some("keyward-apply"));
    assert_eq!(wf["concurrency"]["cancel-in-progress"].as_bool(), Some(false));
    let jobs = jobs_of(&wf);
    assert_eq!(jobs.len(), 1, "{:?}", jobs.keys());
    let (name, job) = jobs.iter().next().unwrap();
    assert_eq!(job["runs-on"][0].as_str(), Some("self-hosted"), "the audit log needs the runner's volume");
    assert_scheduled_apply("github-actions-schedule.yml", name, job);
}

#[test]
fn gitlab_schedule_plans_and_applies_only_in_scheduled_pipelines() {
    let all: BTreeMap<String, Value> = serde_yaml::from_value(load("gitlab-ci-schedule.yml")).unwrap();
    let jobs: Vec<(&String, &Value)> = all.iter().filter(|(_, v)| v.get("script").is_some()).collect();
    assert_eq!(jobs.len(), 1, "one scheduled job");
    let (name, job) = jobs[0];
    let rules = serde_yaml::to_string(&job["rules"]).unwrap();
    assert!(rules.contains("$CI_PIPELINE_SOURCE == \"schedule\""), "{name}: not for schedules: {rules}");
    assert_eq!(job["resource_group"].as_str(), Some("keyward-apply"), "{name}: shares the apply's resource group");
    assert_scheduled_apply("gitlab-ci-schedule.yml", name, job);
    // The pipeline it joins lets schedules start, and has its stage.
    let main = load("gitlab-ci.yml");
    let workflow = serde_yaml::to_string(&main["workflow"]).unwrap();
    assert!(workflow.contains("$CI_PIPELINE_SOURCE == \"schedule\""), "gitlab-ci.yml's workflow refuses schedules");
    let stage = job["stage"].as_str().unwrap();
    assert!(main["stages"].as_sequence().unwrap().iter().any(|s| s.as_str() == Some(stage)), "no stage {stage}");
    // The pull-request jobs stay out of scheduled pipelines.
    for (other, job) in gitlab_jobs() {
        let rules = serde_yaml::to_string(&job["rules"]).unwrap();
        assert!(!rules.contains("schedule"), "gitlab-ci.yml: {other} runs on schedules too");
    }
}
