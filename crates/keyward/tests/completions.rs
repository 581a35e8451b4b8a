//! `keyward completions <shell>` prints a script the shell can load, naming
//! every subcommand so `keyward <TAB>` offers them.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

use assert_cmd::Command;

/// Every subcommand `keyward --help` lists (but `help`), so a new one is
/// checked without anyone remembering to add it here.
fn subcommands() -> Vec<String> {
    let out = Command::cargo_bin("keyward").unwrap().arg("--help").assert().success();
    let help = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let commands = help.split("Commands:").nth(1).unwrap().split("Options:").next().unwrap();
    let names: Vec<String> = commands
        .lines()
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|n| *n != "help")
        .map(str::to_owned)
        .collect();
    for known in ["validate", "test", "plan", "apply", "explain", "review", "report", "inventory", "controller"] {
        assert!(names.iter().any(|n| n == known), "`{known}` is missing from --help: {names:?}");
    }
    names
}

fn script(shell: &str) -> String {
    let out = Command::cargo_bin("keyward").unwrap().args(["completions", shell]).assert().success();
    String::from_utf8(out.get_output().stdout.clone()).unwrap()
}

#[test]
fn bash_and_zsh_scripts_name_every_subcommand() {
    for shell in ["bash", "zsh"] {
        let text = script(shell);
        assert!(text.lines().count() > 20, "{shell}: the script is nearly empty:\n{text}");
        for sub in subcommands() {
            assert!(text.contains(&sub), "{shell}: `{sub}` is not completed");
        }
    }
    assert!(script("bash").contains("complete -F"), "bash registers the function with `complete`");
    assert!(script("zsh").starts_with("#compdef keyward"), "zsh finds the script by its #compdef line");
}

#[test]
fn fish_powershell_and_elvish_are_generated_too() {
    for shell in ["fish", "powershell", "elvish"] {
        assert!(script(shell).contains("keyward"), "{shell}: the script does not mention keyward");
    }
}

#[test]
fn an_unknown_shell_is_refused_with_the_choices() {
    let out = Command::cargo_bin("keyward").unwrap().args(["completions", "tcsh"]).assert().failure();
    let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(err.contains("bash") && err.contains("zsh"), "{err}");
}
