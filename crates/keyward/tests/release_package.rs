//! `scripts/release/package` makes the assets the release workflow
//! publishes: every platform's archive holds what the README promises, the
//! checksums check, and the same inputs give the same bytes, so anyone can
//! rebuild an archive and compare its sum. A stand-in file plays the binary:
//! the script only copies it. (.ci/run packages the real release binary.)
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

fn script(name: &str, args: &[&Path], epoch: &str) -> std::process::Output {
    Command::new(repo().join("scripts/release").join(name)).args(args).env("SOURCE_DATE_EPOCH", epoch).output().unwrap()
}

const TARGETS: [&str; 2] = ["x86_64-unknown-linux-musl", "x86_64-pc-windows-msvc"];

/// Packages both kinds of archive (tar.gz, zip) into a new directory.
fn package(tmp: &Path, out: &str, epoch: &str) -> PathBuf {
    let binary = tmp.join("keyward-binary");
    std::fs::write(&binary, b"\x7fELF stand-in").unwrap();
    let dist = tmp.join(out);
    for target in TARGETS {
        let run = script("package", &[Path::new(target), &binary, &dist, Path::new("v0.1.0")], epoch);
        assert!(run.status.success(), "package {target}: {}", String::from_utf8_lossy(&run.stderr));
    }
    dist
}

fn verify(dist: &Path) -> std::process::Output {
    let mut args: Vec<&Path> = vec![dist, Path::new("0.1.0")];
    args.extend(TARGETS.iter().map(Path::new));
    script("verify", &args, "0")
}

fn files(dist: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<_> = std::fs::read_dir(dist)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (e.file_name().into_string().unwrap(), std::fs::read(e.path()).unwrap())
        })
        .collect();
    out.sort();
    out
}

#[test]
fn package_makes_every_asset_with_checksums_that_verify() {
    let tmp = tempfile::tempdir().unwrap();
    let dist = package(tmp.path(), "dist", "1767225600");
    let names: Vec<String> = files(&dist).into_iter().map(|(n, _)| n).collect();
    assert_eq!(
        names,
        [
            "SHA256SUMS",
            "keyward-0.1.0-crds.tar.gz",
            "keyward-0.1.0-x86_64-pc-windows-msvc.zip",
            "keyward-0.1.0-x86_64-unknown-linux-musl.tar.gz",
            "keyward.schema.json",
        ]
    );
    let sums = std::fs::read_to_string(dist.join("SHA256SUMS")).unwrap();
    assert_eq!(sums.lines().count(), 4, "one sum per asset:\n{sums}");
    let run = verify(&dist);
    assert!(run.status.success(), "verify: {}", String::from_utf8_lossy(&run.stderr));
}

#[test]
fn package_gives_the_same_bytes_for_the_same_inputs() {
    let tmp = tempfile::tempdir().unwrap();
    let first = package(tmp.path(), "first", "1767225600");
    // Files written later (other mtimes on disk) must not change a byte.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let second = package(tmp.path(), "second", "1767225600");
    assert!(files(&first) == files(&second), "two packagings of the same inputs differ");
    let other_day = package(tmp.path(), "other", "1767312000");
    assert!(files(&first) != files(&other_day), "SOURCE_DATE_EPOCH is not used for the archives' times");
}

#[test]
fn verify_refuses_a_changed_asset() {
    let tmp = tempfile::tempdir().unwrap();
    let dist = package(tmp.path(), "dist", "1767225600");
    std::fs::write(dist.join("keyward.schema.json"), b"{}").unwrap();
    let run = verify(&dist);
    assert!(!run.status.success(), "verify passed over a changed schema");
    let why = String::from_utf8_lossy(&run.stderr);
    assert!(why.contains("keyward.schema.json"), "{why}");
}

#[test]
fn the_release_workflow_pins_its_actions_and_calls_the_scripts() {
    let text = std::fs::read_to_string(repo().join(".github/workflows/release.yml")).unwrap();
    let workflow: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
    assert!(workflow["on"]["push"]["tags"][0].as_str() == Some("v*"), "not triggered by a version tag");
    for line in text.lines().filter(|l| l.contains("uses:")) {
        let spec = line.split("uses:").nth(1).unwrap().trim();
        let (action, rest) = spec.split_once('@').unwrap_or_else(|| panic!("not pinned: {line}"));
        let (commit, comment) = rest.split_once(' ').unwrap_or((rest, ""));
        assert!(
            commit.len() == 40 && commit.bytes().all(|b| b.is_ascii_hexdigit()),
            "{action}: pin by full commit SHA, not {commit}"
        );
        assert!(comment.trim_start().starts_with("# v"), "{action}: say the version beside the SHA: {line}");
    }
    let targets: Vec<&str> = workflow["jobs"]["binaries"]["strategy"]["matrix"]["include"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|m| m["target"].as_str().unwrap())
        .collect();
    for target in [
        "x86_64-unknown-linux-musl",
        "aarch64-unknown-linux-musl",
        "x86_64-apple-darwin",
        "aarch64-apple-darwin",
        "x86_64-pc-windows-msvc",
    ] {
        assert!(targets.contains(&target), "no binary for {target}: {targets:?}");
    }
    for step in
        ["scripts/release/build", "scripts/release/package", "scripts/release/checksums", "scripts/release/verify"]
    {
        assert!(text.contains(step), "the workflow does not call {step}");
    }
    assert!(
        text.contains("ghcr.io/keyward/keyward") && text.contains("linux/amd64,linux/arm64"),
        "no multi-arch image"
    );
}

/// A bug fixed: `checksums` ran `find` in the same pipeline as the
/// redirection that creates `SHA256SUMS.tmp`, so about one run in six listed
/// the half-written sums file itself — and `sha256sum -c` then failed on the
/// published `SHA256SUMS`. Twenty runs made that all but certain to show.
#[test]
fn checksums_never_list_their_own_file() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("a.tar.gz"), b"a").unwrap();
    std::fs::write(tmp.path().join("b.zip"), b"b").unwrap();
    for _ in 0..20 {
        let run = script("checksums", &[tmp.path()], "0");
        assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
        let sums = std::fs::read_to_string(tmp.path().join("SHA256SUMS")).unwrap();
        let names: Vec<&str> = sums.lines().filter_map(|l| l.split_whitespace().nth(1)).collect();
        assert_eq!(names, ["a.tar.gz", "b.zip"], "{sums}");
    }
}
