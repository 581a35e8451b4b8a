//! The systemd units in `packaging/systemd/` are copied onto servers as
//! they are: `systemd-analyze verify` must accept them, their hardening must
//! keep the exposure score `systemd-analyze security` gives low, and every
//! `keyward` command line in them must be one this CLI accepts. The units
//! name `/usr/local/bin/keyward`, which verify requires to exist: the test
//! checks copies with that path replaced by the binary Cargo just built.
//! systemd-analyze is part of the machine (Debian's systemd package); a
//! machine without it fails here rather than skipping.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

use std::path::{Path, PathBuf};
use std::process::Command;

const UNITS: [&str; 3] = ["keyward-controller.service", "keyward-apply.service", "keyward-apply.timer"];
const INSTALLED: &str = "/usr/local/bin/keyward";

fn units_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../packaging/systemd")
}

/// Copies of the units naming the binary under test instead of INSTALLED.
fn copies() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    for unit in UNITS {
        let text = std::fs::read_to_string(units_dir().join(unit)).unwrap();
        std::fs::write(tmp.path().join(unit), text.replace(INSTALLED, env!("CARGO_BIN_EXE_keyward"))).unwrap();
    }
    tmp
}

fn analyze(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new("systemd-analyze")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("systemd-analyze (Debian package systemd) cannot run: {e}"))
}

/// The value of the (last) `Key=` line, continuation lines joined.
fn setting(unit: &str, key: &str) -> Vec<String> {
    let text = std::fs::read_to_string(units_dir().join(unit)).unwrap().replace("\\\n", " ");
    text.lines().filter_map(|l| l.strip_prefix(&format!("{key}="))).map(str::to_owned).collect()
}

#[test]
fn systemd_analyze_verify_accepts_the_units() {
    let dir = copies();
    let paths: Vec<String> = UNITS.iter().map(|u| format!("./{u}")).collect();
    let mut args = vec!["verify"];
    args.extend(paths.iter().map(String::as_str));
    let out = analyze(dir.path(), &args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && stderr.trim().is_empty(), "systemd-analyze verify: {stderr}");
}

#[test]
fn the_services_are_hardened() {
    let dir = copies();
    for unit in ["keyward-controller.service", "keyward-apply.service"] {
        // Exposure 0 (locked down) to 10 (no protection); the units score
        // 1.2 with systemd 252: what is left is the network they need.
        // --threshold counts in tenths: fail above 2.0.
        let out = analyze(dir.path(), &["security", "--offline=true", "--threshold=20", &format!("./{unit}")]);
        let stdout = String::from_utf8_lossy(&out.stdout);
        let overall = stdout.lines().find(|l| l.contains("Overall exposure level")).unwrap_or("no score");
        assert!(out.status.success(), "{unit}: {overall}\n{}", String::from_utf8_lossy(&out.stderr));
        for (key, value) in [
            ("DynamicUser", "yes"),
            ("StateDirectory", "keyward"),
            ("ProtectSystem", "strict"),
            ("ProtectHome", "yes"),
            ("PrivateTmp", "yes"),
            ("NoNewPrivileges", "yes"),
            ("CapabilityBoundingSet", ""),
            ("MemoryDenyWriteExecute", "yes"),
            ("RestrictAddressFamilies", "AF_INET AF_INET6 AF_UNIX"),
            ("SystemCallFilter", "@system-service"),
        ] {
            assert!(setting(unit, key).iter().any(|v| v == value), "{unit}: no {key}={value}");
        }
        // Tokens come as credentials, not as files the service user reads.
        assert!(!setting(unit, "LoadCredential").is_empty(), "{unit}: no LoadCredential=");
        let exec = &setting(unit, "ExecStart")[0];
        assert!(exec.contains("--audit-log %S/keyward/audit.jsonl"), "{unit}: audit log not in the state directory");
    }
}

#[test]
fn the_timer_runs_the_apply_daily_and_catches_up() {
    let timer = "keyward-apply.timer";
    assert_eq!(setting(timer, "Persistent"), ["true"]);
    assert!(setting(timer, "OnCalendar")[0].starts_with("*-*-* "), "not daily");
    assert!(!setting(timer, "RandomizedDelaySec").is_empty(), "no randomised delay");
}

#[test]
fn every_keyward_command_in_the_units_is_one_the_cli_accepts() {
    for unit in ["keyward-controller.service", "keyward-apply.service"] {
        let exec = &setting(unit, "ExecStart")[0];
        // systemd's specifiers, as systemd would expand them.
        let expanded = exec.replace("%S", "/var/lib");
        let words: Vec<&str> = expanded.split_whitespace().collect();
        assert_eq!(words[0], INSTALLED, "{unit}");
        let help = Command::new(env!("CARGO_BIN_EXE_keyward")).args([words[1], "--help"]).output().unwrap();
        assert!(help.status.success(), "{unit}: no subcommand {}", words[1]);
        let help = String::from_utf8(help.stdout).unwrap();
        for flag in words.iter().filter(|w| w.starts_with('-')) {
            let listed =
                help.split(|c: char| c.is_whitespace() || c == ',' || c == '[' || c == ']').any(|w| w == *flag);
            assert!(listed, "{unit}: `keyward {}` has no flag {flag}", words[1]);
        }
    }
}
