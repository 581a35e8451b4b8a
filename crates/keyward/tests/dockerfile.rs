//! The Dockerfile's promises, checked without a Docker engine (there is none
//! in CI): every base image pinned by digest, no download by `ADD`, and a
//! final stage that runs `keyward` as a non-root user with the OCI labels.
//! hadolint (scripts/release/lint-dockerfile, run by .ci/run) checks the
//! general good practice; this test checks what is keyward's own.
//!
//! The instructions are read by joining continuation lines and dropping
//! comments, which is all the Dockerfile syntax these checks need.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// (instruction in upper case, its arguments), continuation lines joined.
fn instructions(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with('#') || (trimmed.is_empty() && current.is_empty()) {
            continue;
        }
        if let Some(head) = trimmed.strip_suffix('\\') {
            current.push_str(head);
            current.push(' ');
            continue;
        }
        current.push_str(trimmed);
        let (word, rest) = current.split_once(char::is_whitespace).unwrap_or((&current, ""));
        out.push((word.to_uppercase(), rest.trim().to_owned()));
        current.clear();
    }
    out
}

fn dockerfile() -> Vec<(String, String)> {
    instructions(&std::fs::read_to_string(repo().join("Dockerfile")).unwrap())
}

/// The instructions of the last stage (from its FROM on).
fn final_stage(all: &[(String, String)]) -> &[(String, String)] {
    let last_from = all.iter().rposition(|(i, _)| i == "FROM").expect("no FROM");
    &all[last_from..]
}

#[test]
fn every_base_image_is_pinned_by_digest() {
    let all = dockerfile();
    let froms: Vec<&String> = all.iter().filter(|(i, _)| i == "FROM").map(|(_, a)| a).collect();
    assert!(froms.len() >= 2, "a multi-stage build: {froms:?}");
    for from in froms {
        let image = from.split_whitespace().find(|w| !w.starts_with("--")).unwrap();
        let (name, digest) =
            image.split_once("@sha256:").unwrap_or_else(|| panic!("FROM {from}: not pinned by digest"));
        assert!(name.contains(':'), "FROM {from}: name the tag beside the digest, for the reader");
        assert!(
            digest.len() == 64 && digest.bytes().all(|b| b.is_ascii_hexdigit()),
            "FROM {from}: not a sha256 digest"
        );
    }
}

#[test]
fn nothing_is_downloaded_by_add() {
    for (instruction, args) in dockerfile() {
        assert!(instruction != "ADD", "ADD {args}: use COPY for files, a pinned package for tools");
    }
}

#[test]
fn the_image_runs_keyward_as_a_non_root_user_on_distroless() {
    let all = dockerfile();
    let last = final_stage(&all);
    let from = &last[0].1;
    assert!(from.starts_with("gcr.io/distroless/cc-debian12:nonroot@"), "runtime base: {from}");
    let users: Vec<&String> = last.iter().filter(|(i, _)| i == "USER").map(|(_, a)| a).collect();
    assert_eq!(users.len(), 1, "one USER in the final stage: {users:?}");
    let uid = users[0].split(':').next().unwrap();
    // Numeric, so that Kubernetes' runAsNonRoot can check it without /etc/passwd.
    assert_eq!(uid, "65532", "USER {}: distroless's nonroot, by number", users[0]);
    let entrypoint: Vec<&String> = last.iter().filter(|(i, _)| i == "ENTRYPOINT").map(|(_, a)| a).collect();
    assert_eq!(entrypoint, [r#"["/usr/local/bin/keyward"]"#], "exec form, the keyward binary");
    let cmd: Vec<&String> = last.iter().filter(|(i, _)| i == "CMD").map(|(_, a)| a).collect();
    assert_eq!(cmd, [r#"["--help"]"#]);
    // Nothing runs in the final stage: it has no shell.
    assert!(!last.iter().any(|(i, _)| i == "RUN"), "a RUN in the distroless stage");
    // The binary comes from the build stage of this Dockerfile.
    assert!(
        last.iter()
            .any(|(i, a)| i == "COPY" && a.starts_with("--from=build ") && a.ends_with(" /usr/local/bin/keyward")),
        "the binary is not copied from the build stage"
    );
}

#[test]
fn the_build_stage_builds_the_locked_release_of_keyward() {
    let all = dockerfile();
    let cargo = all
        .iter()
        .filter(|(i, _)| i == "RUN")
        .find(|(_, a)| a.contains("cargo build"))
        .expect("no cargo build in the Dockerfile");
    for flag in ["--locked", "--release", "-p keyward"] {
        assert!(cargo.1.contains(flag), "cargo build without {flag}: {}", cargo.1);
    }
}

#[test]
fn the_image_carries_the_oci_labels() {
    let all = dockerfile();
    let labels: String = final_stage(&all).iter().filter(|(i, _)| i == "LABEL").map(|(_, a)| a.as_str()).collect();
    for key in ["title", "description", "source", "licenses", "version", "revision"] {
        assert!(labels.contains(&format!("org.opencontainers.image.{key}=")), "no org.opencontainers.image.{key}");
    }
    let cargo = std::fs::read_to_string(repo().join("Cargo.toml")).unwrap();
    let license = cargo.lines().find_map(|l| l.strip_prefix("license = ")).unwrap().trim_matches('"');
    assert!(labels.contains(&format!("org.opencontainers.image.licenses=\"{license}\"")), "licenses ≠ {license}");
}

#[test]
fn the_build_context_leaves_out_build_output_and_local_state() {
    let ignore = std::fs::read_to_string(repo().join(".dockerignore")).unwrap();
    let lines: Vec<&str> = ignore.lines().map(str::trim).collect();
    for path in ["/target", "/.venv", "/.keyward", "/.tools", "/fuzz/corpus", "/fuzz/artifacts", "/.git"] {
        assert!(lines.contains(&path), ".dockerignore does not leave out {path}");
    }
}

#[test]
fn continuation_lines_and_comments_are_read_as_one_instruction() {
    let parsed = instructions("# a comment\nRUN a \\\n    b\n\nuser 1\n");
    assert_eq!(parsed, [("RUN".to_owned(), "a  b".to_owned()), ("USER".to_owned(), "1".to_owned())]);
}
