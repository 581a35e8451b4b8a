//! Running the built `keyward` binary in an organisation's directory, as
//! the end-to-end tests against request-level stubs do: no colours, no
//! log settings from the environment, killed if the test stops first.

use std::path::Path;
use std::process::Output;

/// `keyward ARGS…` run in `dir`, its output once it exits.
pub async fn keyward_in(dir: &Path, args: &[&str]) -> Output {
    let bin = assert_cmd::cargo::cargo_bin!("keyward");
    tokio::process::Command::new(bin)
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("KEYWARD_LOG")
        .kill_on_drop(true)
        .output()
        .await
        .expect("the keyward binary runs")
}
