//! The auditors' two questions, end to end on the example organisation
//! (`policies/` + `examples/`) with Slack as a real SCIM server: two
//! applies on different plan days, an HR change in between making 山口
//! さくら (E0016) leave on 2026-11-30, then `keyward history` (who had
//! access when) and `keyward report --leavers` (how many days after the
//! last working day her access was removed).
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

use std::path::{Path, PathBuf};
use std::process::Output;

use keyward_testkit::ScimServer;
use keyward_testkit::org::scim_user;

const TOKEN: &str = "kw-history-SECRET-3b9d";
const TZ: &str = "Asia/Tokyo";

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let path = e.path();
        if path.is_dir() {
            copy_dir(&path, &to.join(e.file_name()));
        } else {
            std::fs::copy(&path, to.join(e.file_name())).unwrap();
        }
    }
}

/// The example organisation in `dir`, Slack pointing at `url`.
fn example_org(dir: &Path, url: &str) {
    copy_dir(&repo().join("policies"), &dir.join("policies"));
    copy_dir(&repo().join("examples/hr"), &dir.join("examples/hr"));
    copy_dir(&repo().join("examples/saas"), &dir.join("examples/saas"));
    let slack = std::fs::read_to_string(repo().join("examples/scim/slack.yaml")).unwrap();
    let slack = slack
        .replace("https://api.slack.com/scim/v2", url)
        .replace("      profile: slack\n", "")
        .replace("roles: [member, admin]", "roles: [guest, member, admin]")
        .replace("requestsPerSecond: 3", "requestsPerSecond: 100")
        .replace(
            "guard: {maxDeprovision: 10, maxDeprovisionPercent: 5}",
            "guard: {maxDeprovision: 50, maxDeprovisionPercent: 100}",
        );
    std::fs::write(dir.join("policies/apps/slack.yaml"), slack).unwrap();
}

/// Seeds the server with the example's Slack members (bots left out).
async fn seed(server: &ScimServer) {
    let csv = std::fs::read_to_string(repo().join("examples/saas/slack-members.csv")).unwrap();
    for line in csv.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let (email, status) = (f[1], f[2]);
        if email.is_empty() || status == "Bot" {
            continue;
        }
        server.create_user(scim_user(email, status != "Deactivated", None)).await;
    }
}

async fn keyward(dir: &Path, args: &[&str]) -> Output {
    let out = tokio::process::Command::new(assert_cmd::cargo::cargo_bin!("keyward"))
        .args(args)
        .current_dir(dir)
        .env("SLACK_SCIM_TOKEN", TOKEN)
        .env("TZ", TZ)
        .env("NO_COLOR", "1")
        .env("KEYWARD_ROSTER", dir.join("state/roster.json"))
        .env("KEYWARD_AUDIT_LOG", dir.join("state/audit.jsonl"))
        .env_remove("KEYWARD_LOG")
        .env_remove("KEYWARD_LANG")
        .kill_on_drop(true)
        .output()
        .await
        .unwrap();
    assert!(
        out.status.success(),
        "keyward {args:?}: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

async fn stdout(dir: &Path, args: &[&str]) -> String {
    String::from_utf8(keyward(dir, args).await.stdout).unwrap()
}

async fn apply(dir: &Path, day: &str) {
    let lists = dir.join("state/checklists");
    // On 2026-12-01 the example's Google Workspace checklist suspends 12%
    // of its accounts, past the default guard: intended here.
    let args =
        ["apply", "-f", "policies", "--at", day, "--auto-approve", "--allow-mass-deprovision", "--checklist-dir"];
    keyward(dir, &[&args[..], &[lists.to_str().unwrap()]].concat()).await;
}

/// The CSV row of `account` in `csv` (history's CSV for tools), as cells.
fn row<'a>(csv: &'a str, account: &str) -> Option<Vec<&'a str>> {
    csv.lines()
        .map(|l| l.split(',').collect::<Vec<_>>())
        .find(|c| c.get(2).is_some_and(|a| a.eq_ignore_ascii_case(account)))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn history_and_the_leaver_report_answer_the_auditors_questions() {
    let server = ScimServer::start(TOKEN).await;
    seed(&server).await;
    let work = tempfile::tempdir().unwrap();
    let dir = work.path();
    example_org(dir, &server.url());
    let tz = jiff::tz::TimeZone::get(TZ).unwrap();
    let today = jiff::Timestamp::now().to_zoned(tz.clone()).date();

    apply(dir, "2026-11-23").await;
    // Records are written at millisecond resolution: leave a gap either side.
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    let between = jiff::Timestamp::now().to_zoned(tz.clone()).strftime("%Y-%m-%dT%H:%M:%S%.3f%:z").to_string();
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;

    // HR says 山口 さくら leaves on 2026-11-30; Slack suspends the day after.
    let hr = dir.join("examples/hr/employees.csv");
    let text = std::fs::read_to_string(&hr).unwrap();
    let before =
        "E0016,山口,さくら,sakura.yamaguchi@example.com,営業本部/カスタマーサクセス部,,正社員,在籍,2021/04/01,,";
    assert!(text.contains(before));
    let after = "E0016,山口,さくら,sakura.yamaguchi@example.com,営業本部/カスタマーサクセス部,,正社員,退職済み,2021/04/01,2026/11/30,";
    std::fs::write(&hr, text.replace(before, after)).unwrap();
    apply(dir, "2026-12-01").await;

    let sakura = "Sakura.Yamaguchi@example.com";
    // Before anything was recorded: unknown, never a guess.
    let yesterday = today.yesterday().unwrap().to_string();
    let csv = stdout(dir, &["history", "--at", &yesterday, "--app", "slack", "--format", "csv"]).await;
    assert_eq!(
        csv.lines().nth(1).map(|l| l.split(',').take(1).chain(l.split(',').skip(6).take(1)).collect::<Vec<_>>()),
        Some(vec!["slack", "unknown"]),
        "{csv}"
    );
    assert_eq!(csv.lines().count(), 2, "{csv}");

    // Between the applies she had an active account, owned by E0016, known
    // from the first run's listing.
    let csv =
        stdout(dir, &["history", "--at", &between, "--app", "slack", "--person", "E0016", "--format", "csv"]).await;
    let r = row(&csv, sakura).unwrap_or_else(|| panic!("{csv}"));
    assert_eq!((r[0], r[3], r[6], r[7]), ("slack", "E0016", "active", ""), "{between}: {csv}");
    assert!(r[8].starts_with("listing of run "), "{csv}");

    // At the end of today it is suspended.
    let csv =
        stdout(dir, &["history", "--at", &today.to_string(), "--app", "slack", "--person", "E0016", "--format", "csv"])
            .await;
    let r = row(&csv, sakura).unwrap_or_else(|| panic!("{csv}"));
    assert_eq!((r[3], r[6], r[7]), ("E0016", "suspended", ""), "{csv}");
    assert!(r[8].starts_with("listing of run ") && r[8].contains("; then suspend applied at "), "{csv}");
    assert_eq!(csv.lines().count(), 2, "only her account: {csv}");

    // Someone who stayed still has an active account today.
    let csv = stdout(dir, &["history", "--at", &today.to_string(), "--app", "slack", "--format", "csv"]).await;
    let r = row(&csv, "daisuke.ito@example.com").unwrap_or_else(|| panic!("{csv}"));
    assert_eq!((r[3], r[6]), ("E0006", "active"), "{csv}");

    // The other apps were listed too (csv exports), and the Japanese
    // rendering and JSON read the same records.
    let text = stdout(dir, &["--lang", "ja", "history", "--at", &today.to_string(), "--person", "E0016"]).await;
    assert!(text.contains("時点のアカウント") && text.contains("停止"), "{text}");
    let json: serde_json::Value =
        serde_json::from_str(&stdout(dir, &["history", "--app", "slack", "--format", "json"]).await).unwrap();
    assert_eq!(json["apps"][0]["knowledge"]["state"], "known", "{json}");

    // Q2: her Slack access was removed today, the lag counted from her last
    // working day (the applies ran today, whatever day they planned for).
    let at = today.to_string();
    let csv =
        stdout(dir, &["report", "-f", "policies", "--at", &at, "--leavers", "--from", "2026-11-30", "--format", "csv"])
            .await;
    assert!(
        csv.starts_with("person,name,lastDay,app,suspended,deleted,lagDays,openDays,heldBack,exceptions\n"),
        "{csv}"
    );
    let lag = (today - jiff::civil::date(2026, 11, 30)).get_days().to_string();
    let want = format!("E0016,山口 さくら,2026-11-30,slack,{today},,{lag},,");
    assert!(csv.lines().any(|l| l.starts_with(&want)), "{want}\n{csv}");
    assert!(
        csv.lines().skip(1).all(|l| l.contains(",2026-11-30,") || l.contains(",2026-12-")),
        "--from bounds the leavers: {csv}"
    );
    // Her accounts in the read-only apps are still open: the lag is the
    // open days, and what is pending says why.
    let gw = csv
        .lines()
        .find(|l| l.starts_with("E0016,") && l.contains(",google-workspace,"))
        .unwrap_or_else(|| panic!("{csv}"));
    assert!(gw.contains(&format!(",,,,{lag},")), "{gw}");
    // For Excel, in Japanese, with a BOM; Markdown and HTML from the same rows.
    let ja = stdout(
        dir,
        &["--lang", "ja", "report", "-f", "policies", "--at", &at, "--leavers", "--format", "csv", "--bom"],
    )
    .await;
    assert!(ja.starts_with("\u{feff}社員番号,氏名,最終出社日"), "{ja}");
    let md = stdout(dir, &["report", "-f", "policies", "--at", &at, "--leavers", "--format", "markdown"]).await;
    assert!(md.contains("| E0016 | 山口 さくら | 2026-11-30 | slack |"), "{md}");
    let page = dir.join("leavers.html");
    keyward(
        dir,
        &["report", "-f", "policies", "--at", &at, "--leavers", "--format", "html", "-o", page.to_str().unwrap()],
    )
    .await;
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains("<td>山口 さくら</td>"), "{html}");
}
