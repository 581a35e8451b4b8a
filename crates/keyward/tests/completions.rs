//! `keyward completions <shell>` prints a script the shell can load, naming
//! every subcommand so `keyward <TAB>` offers them.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

use assert_cmd::Command;

const SUBCOMMANDS: [&str; 9] =
    ["validate", "plan", "apply", "audit", "crd", "schema", "completions", "controller", "inventory"];

fn script(shell: &str) -> String {
    let out = Command::cargo_bin("keyward").unwrap().args(["completions", shell]).assert().success();
    String::from_utf8(out.get_output().stdout.clone()).unwrap()
}

#[test]
fn bash_and_zsh_scripts_name_every_subcommand() {
    for shell in ["bash", "zsh"] {
        let text = script(shell);
        assert!(text.lines().count() > 20, "{shell}: the script is nearly empty:\n{text}");
        for sub in SUBCOMMANDS {
            assert!(text.contains(sub), "{shell}: `{sub}` is not completed");
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
