//! Usage errors and the exit codes around them. clap words the errors;
//! keyward exits 1 on them rather than clap's 2, because 2 means "the plan
//! has changes" with `plan --detailed-exitcode`. Help and version exit 0.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

use assert_cmd::Command;

/// Runs keyward; returns (exit code, stdout, stderr).
fn keyward(args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::cargo_bin("keyward").unwrap().args(args).env_remove("POD_NAMESPACE").output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_usage_error_exits_1_never_the_2_of_a_plan_with_changes() {
    for args in [
        vec!["plan"],
        vec!["plan", "-f", "policies", "--format", "yaml"],
        vec!["plan", "-f", "policies", "--at", "2026-13-01"],
        vec!["frobnicate"],
        vec!["audit"],
    ] {
        let (code, out, err) = keyward(&args);
        assert_eq!(code, Some(1), "{args:?}: {err}");
        assert!(out.is_empty(), "{args:?}: a usage error prints nothing on stdout: {out}");
        // clap's message: the usage, or where to find it.
        assert!(err.contains("Usage: keyward") || err.contains("try '--help'"), "{args:?}: {err}");
    }
}

#[test]
fn help_and_version_exit_0_on_stdout() {
    for args in [vec!["--help"], vec!["plan", "--help"], vec!["controller", "-h"], vec!["--version"]] {
        let (code, out, err) = keyward(&args);
        assert_eq!(code, Some(0), "{args:?}: {err}");
        assert!(!out.is_empty() && err.is_empty(), "{args:?}: stdout {out:?}, stderr {err:?}");
    }
}

#[test]
fn standalone_needs_policy_files() {
    let (code, _, err) = keyward(&["controller", "--standalone"]);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("the following required arguments were not provided:"), "{err}");
    assert!(err.lines().any(|l| l.trim() == "--file <PATH>"), "{err}");
}

#[test]
fn the_controller_help_says_which_flags_belong_to_standalone() {
    // The rules clap enforces are spelled out where a user looks for them.
    let (_, help, _) = keyward(&["controller", "--help"]);
    // Wrapped to the terminal's width: compare the words.
    let words = help.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(words.contains("Repeatable. Needed with --standalone"), "{help}");
    assert!(words.contains("With --standalone: where every Application's"), "{help}");
}
