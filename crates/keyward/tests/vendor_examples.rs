//! The vendor examples in `examples/vendors/`, which admins copy into their
//! policy repositories: each must load as a valid policy without warnings
//! (an Application next to the example HR master, a PeopleSource on its
//! own), use the connector or HR source its file name promises, keep its
//! credentials out of the file, and carry the editor's schema modeline.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

use std::path::{Path, PathBuf};

use keyward_core::resources::SecretRef;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

fn vendors() -> PathBuf {
    repo().join("examples/vendors")
}

/// Application files, with the app's name and the connector they must use.
const APPLICATIONS: [(&str, &str, &str); 7] = [
    ("google-workspace.yaml", "google-workspace", "googleWorkspace"),
    ("microsoft-365.yaml", "microsoft-365", "microsoftGraph"),
    ("github.yaml", "github", "github"),
    ("slack.yaml", "slack", "slack"),
    ("atlassian.yaml", "atlassian", "atlassian"),
    ("ldap.yaml", "ldap", "ldap"),
    ("okta.yaml", "okta", "okta"),
];

/// PeopleSource files, with the source's name and the HR source they must use.
const PEOPLE_SOURCES: [(&str, &str, &str); 3] = [
    ("smarthr-api.yaml", "smarthr", "smarthr"),
    ("google-directory.yaml", "google-directory", "googleWorkspace"),
    ("microsoft-graph-hr.yaml", "entra-hr", "microsoftGraph"),
];

fn load(paths: &[PathBuf]) -> keyward_core::compile::Loaded {
    let loaded = keyward::pipeline::load_policies(paths).unwrap_or_else(|e| panic!("{paths:?}: {e:?}"));
    let warnings: Vec<String> = loaded.warnings.iter().map(|w| w.to_string()).collect();
    assert!(warnings.is_empty(), "{paths:?} loads with warnings:\n{}", warnings.join("\n"));
    loaded
}

fn reads_from_env(what: &str, secret: &SecretRef) {
    assert!(
        secret.env.is_some() && secret.file.is_none() && secret.secret.is_none(),
        "{what}: the example reads its credential from an environment variable: {secret:?}"
    );
}

#[test]
fn every_vendor_application_is_a_valid_policy_with_the_example_hr_master() {
    for (file, name, kind) in APPLICATIONS {
        let loaded = load(&[repo().join("policies/people.yaml"), vendors().join(file)]);
        let app = loaded.set.application(name).unwrap_or_else(|| panic!("{file}: no Application {name}"));
        assert_eq!(app.spec.connector.kinds_set(), [kind], "{file}: the connector");
        let c = &app.spec.connector;
        let secrets: Vec<&SecretRef> = match kind {
            "googleWorkspace" => vec![&c.google_workspace.as_ref().unwrap().service_account_key],
            "microsoftGraph" => vec![&c.microsoft_graph.as_ref().unwrap().client_secret],
            "github" => vec![&c.github.as_ref().unwrap().token],
            "slack" => c.slack.as_ref().unwrap().tokens().collect(),
            "atlassian" => vec![&c.atlassian.as_ref().unwrap().api_key],
            "ldap" => vec![&c.ldap.as_ref().unwrap().password],
            "okta" => vec![&c.okta.as_ref().unwrap().token],
            other => panic!("no credential check for {other}"),
        };
        for s in secrets {
            reads_from_env(file, s);
        }
    }
}

#[test]
fn every_vendor_people_source_is_a_valid_hr_master_on_its_own() {
    for (file, name, kind) in PEOPLE_SOURCES {
        let loaded = load(&[vendors().join(file)]);
        let sources = &loaded.set.people_sources;
        assert_eq!(sources.len(), 1, "{file}: one PeopleSource");
        assert_eq!(sources[0].name, name, "{file}");
        assert_eq!(sources[0].spec.kinds_set(), [kind], "{file}: the HR source");
        let spec = &sources[0].spec;
        let secret = (spec.smarthr.as_ref().map(|s| &s.token))
            .or(spec.google_workspace.as_ref().map(|g| &g.service_account_key))
            .or(spec.microsoft_graph.as_ref().map(|g| &g.client_secret))
            .unwrap();
        reads_from_env(file, secret);
        // What the examples are for: managers for hand-overs, transfer
        // dates for the mover grace, and a GitHub login to match by.
        assert!(spec.has_manager(), "{file}: maps the manager");
        assert!(spec.has_moved_on(), "{file}: maps the transfer date");
        assert!(spec.attributes().is_some_and(|a| a.contains_key("github")), "{file}: maps the GitHub login");
    }
}

#[test]
fn the_graph_hr_example_reads_deltas_in_tokyo_time_with_japanese_labels() {
    let loaded = load(&[vendors().join("microsoft-graph-hr.yaml")]);
    let graph = loaded.set.people_sources[0].spec.microsoft_graph.clone().unwrap();
    assert!(graph.delta, "delta queries");
    assert_eq!(graph.time_zone.as_deref(), Some("Asia/Tokyo"));
    assert_eq!(graph.values.employment_type.get("嘱託").map(String::as_str), Some("contract"));
}

#[test]
fn the_vendor_hr_masters_load_with_every_vendor_application() {
    // An admin swaps the HR master: the applications must still load,
    // `transferTo: manager` and `moverGrace` included.
    let apps: Vec<PathBuf> = APPLICATIONS.iter().map(|(file, ..)| vendors().join(file)).collect();
    for (file, ..) in PEOPLE_SOURCES {
        let mut paths = vec![vendors().join(file)];
        paths.extend(apps.iter().cloned());
        let loaded = load(&paths);
        assert_eq!(loaded.set.applications.len(), APPLICATIONS.len(), "{file}");
    }
}

#[test]
fn the_offboarding_of_each_vendor_fits_what_the_vendor_can_do() {
    let loaded = load(
        &std::iter::once(repo().join("policies/people.yaml"))
            .chain(APPLICATIONS.iter().map(|(file, ..)| vendors().join(file)))
            .collect::<Vec<_>>(),
    );
    let offboarding = |name: &str| {
        let app = loaded.set.application(name).unwrap();
        let o = &app.spec.lifecycle.offboarding;
        (o.transfer_to.as_ref().map(ToString::to_string), o.delete_after.to_string())
    };
    // Drive and calendars go to the manager before the account is deleted.
    assert_eq!(offboarding("google-workspace"), (Some("manager".to_owned()), "30d".to_owned()));
    // Slack cannot delete users, and GitHub's removal is already final.
    assert_eq!(offboarding("slack"), (None, "never".to_owned()));
    assert_eq!(offboarding("github"), (None, "never".to_owned()));
}

#[test]
fn every_vendor_example_protects_its_break_glass_or_owner_accounts() {
    for (file, name, _) in APPLICATIONS {
        let loaded = load(&[repo().join("policies/people.yaml"), vendors().join(file)]);
        let app = loaded.set.application(name).unwrap();
        assert!(
            app.spec.protect.iter().any(|p| p.reason.as_deref().is_some_and(|r| !r.trim().is_empty())),
            "{file}: protects no account, with a reason"
        );
    }
}

#[test]
fn every_vendor_example_is_listed_and_has_the_schema_modeline() {
    let mut yaml: Vec<String> = std::fs::read_dir(vendors())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".yaml") || n.ends_with(".yml"))
        .collect();
    yaml.sort();
    let mut expected: Vec<String> =
        APPLICATIONS.iter().chain(PEOPLE_SOURCES.iter()).map(|(file, ..)| (*file).to_owned()).collect();
    expected.sort();
    assert_eq!(yaml, expected, "examples/vendors/ holds exactly the files these tests load");
    let readme = std::fs::read_to_string(vendors().join("README.md")).unwrap();
    for file in &yaml {
        let text = std::fs::read_to_string(vendors().join(file)).unwrap();
        assert_eq!(
            text.lines().next(),
            Some("# yaml-language-server: $schema=../../schemas/keyward.schema.json"),
            "{file}: the first line must be the schema modeline"
        );
        assert!(readme.contains(&format!("`{file}`")), "examples/vendors/README.md does not list {file}");
    }
}
