#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report
//! The example plan in the reader's language: Japanese under a Japanese
//! locale or `--lang ja`, English with `--lang en` whatever the locale, and
//! every reason in the JSON carried as a message whose English is the
//! `reason` tools read.

use assert_cmd::Command;
use keyward_core::i18n::Lang;
use keyward_core::plan::Plan;

#[path = "common/example_exports.rs"]
mod example_exports;

/// Runs keyward in the repository with exactly the locale variables given.
fn keyward(env: &[(&str, &str)], args: &[&str]) -> String {
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap();
    example_exports::pin_export_times(&repo);
    let mut cmd = Command::cargo_bin("keyward").unwrap();
    cmd.current_dir(&repo).env("NO_COLOR", "1");
    for var in ["LANG", "LC_ALL", "LC_MESSAGES", "KEYWARD_LANG"] {
        cmd.env_remove(var);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.args(args).output().unwrap();
    assert!(out.status.success(), "keyward {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// Runs keyward in the repository without a locale and returns its exit
/// code and standard error: for commands that fail.
fn keyward_failing(args: &[&str]) -> (i32, String) {
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap();
    let mut cmd = Command::cargo_bin("keyward").unwrap();
    cmd.current_dir(&repo).env("NO_COLOR", "1");
    for var in ["LANG", "LC_ALL", "LC_MESSAGES", "KEYWARD_LANG"] {
        cmd.env_remove(var);
    }
    let out = cmd.args(args).output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8(out.stderr).unwrap())
}

fn plan(env: &[(&str, &str)], format: &str, extra: &[&str]) -> String {
    let mut args = vec!["plan", "-f", "policies", "--at", "2026-11-23", "--format", format, "--color", "never"];
    args.extend_from_slice(extra);
    keyward(env, &args)
}

const JA: &[(&str, &str)] = &[("LANG", "ja_JP.UTF-8")];

#[test]
fn example_plan_text_ja() {
    let text = plan(JA, "text", &[]);
    assert!(text.starts_with("keyward 変更計画（2026-11-23）"), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn example_plan_markdown_ja() {
    insta::assert_snapshot!(plan(&[], "markdown", &["--lang", "ja"]));
}

#[test]
fn the_flag_and_the_locale_give_the_same_japanese() {
    assert_eq!(plan(&[], "text", &["--lang", "ja"]), plan(JA, "text", &[]));
}

#[test]
fn lang_en_under_a_japanese_locale_stays_english() {
    let english = plan(&[("LANG", "C")], "text", &[]);
    assert!(english.starts_with("keyward plan for 2026-11-23"), "{english}");
    assert_eq!(plan(JA, "text", &["--lang", "en"]), english);
    assert_eq!(plan(JA, "markdown", &["--lang", "en"]), plan(&[], "markdown", &[]));
}

#[test]
fn the_json_stays_english_and_every_reason_is_a_message_rendering_to_it() {
    let json = plan(JA, "json", &[]);
    assert_eq!(json, plan(&[], "json", &[]), "JSON is for tools: the locale changes nothing in it");
    let plan = Plan::from_json(&json).unwrap();
    assert!(!plan.changes.is_empty());
    for c in plan.changes.iter().chain(plan.held.iter().map(|h| &h.change)) {
        let m = c.message.as_ref().unwrap_or_else(|| panic!("no reasonMessage for {:?}", c.reason));
        assert_eq!(m.render(Lang::En), c.reason);
        assert_ne!(m.render(Lang::Ja), c.reason, "{:?} is not translated", c.reason);
    }
}

const INVENTORY: &[&str] = &["inventory", "-f", "policies", "--at", "2026-11-23"];

#[test]
fn example_inventory_table_ja() {
    let mut args = INVENTORY.to_vec();
    args.extend(["--lang", "ja"]);
    let table = keyward(&[], &args);
    assert!(table.starts_with("アプリ "), "{table}");
    assert_eq!(keyward(JA, INVENTORY), table, "the locale gives the same Japanese as the flag");
    insta::assert_snapshot!(table);
}

#[test]
fn the_inventory_csv_for_excel_is_japanese_and_the_csv_for_tools_stays_english() {
    let mut tools = INVENTORY.to_vec();
    tools.extend(["--format", "csv"]);
    let english = keyward(&[], &tools);
    assert_eq!(keyward(JA, &tools), english, "a CSV for tools keeps its keys and words whatever the language");
    let mut excel = tools.clone();
    excel.push("--bom");
    let ja = keyward(JA, &excel);
    let ja = ja.strip_prefix('\u{feff}').expect("a BOM for Excel");
    let header = ja.lines().next().unwrap();
    assert_eq!(
        header,
        "アプリ,アカウントID,アカウント,状態,ロール,グループ,最終利用日,社員番号,氏名,在籍状況,紐付けの根拠"
    );
    assert_eq!(ja.lines().count(), english.lines().count(), "the same rows");
    assert!(ja.contains(",有効,") && ja.contains("紐付く従業員なし") && ja.contains("メールアドレス "), "{ja}");
    assert!(!ja.contains(",active,") && !ja.contains(",unmatched"), "{ja}");
}

#[test]
fn a_cli_error_is_in_the_chosen_language() {
    let args = ["inventory", "--app", "nosuch", "-f", "policies"];
    let (code, english) = keyward_failing(&args);
    assert_ne!(code, 0);
    assert!(english.contains("error: no Application named `nosuch`; the policies define: "), "{english}");
    let mut ja = vec!["--lang", "ja"];
    ja.extend(args);
    let (code, japanese) = keyward_failing(&ja);
    assert_ne!(code, 0);
    assert!(
        japanese.contains("エラー: `nosuch` という Application はありません。ポリシーで定義されているのは "),
        "{japanese}"
    );
    assert!(japanese.contains("、"), "a list in Japanese: {japanese}");
}

#[test]
fn an_error_with_a_file_is_in_the_chosen_language() {
    let (_, japanese) = keyward_failing(&[
        "--lang",
        "ja",
        "report",
        "-f",
        "policies",
        "-o",
        "no/such/report.html",
        "--discovery",
        "no/such/file.json",
    ]);
    assert!(japanese.contains("no/such/file.json を読み込めません"), "{japanese}");
}
