//! Name hints and `explain` through the binary (issue 17, items 2 and 3):
//! an HR CSV with the reading columns (フリガナ), an app export with a
//! personal address under a romaji display name, a recycled address.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

#[path = "common/readings_org.rs"]
mod readings_org;

use std::process::Output;

use readings_org::keyward;

const HR: &str = "\
E0100,山田,太郎,ヤマダ,タロウ,taro.yamada@example.com,営業本部,退職,2015/04/01,2025/03/31\n\
E0500,山田,太郎,ヤマダ,タロウ,taro.yamada@example.com,営業本部,在籍,2026/04/01,\n\
E0200,大野,優希,オオノ,ユウキ,yuki.ohno@example.com,営業本部,在籍,2020/04/01,\n";

const POLICY: &str = "apiVersion: keyward.io/v1alpha1
kind: Application
metadata: {name: chat}
spec:
  connector:
    csvExport:
      path: chat.csv
      columns: {id: id, email: email, displayName: name, status: status, lastActive: last}
      statusValues: {active: [Member], suspended: [Deactivated]}
  correlate: [{email: {}}]
---
apiVersion: keyward.io/v1alpha1
kind: AccessPolicy
metadata: {name: all}
spec:
  select: {department: ['**']}
  grant: [{app: chat}]
";

const CHAT: &str = "id,email,name,status,last\n\
U1,taro.yamada@example.com,山田 太郎,Member,2025-03-20\n\
U2,ohno.yuuki@gmail.com,Yuki Ohno,Member,2026-11-01\n\
U3,yuki.ohno@example.com,大野 優希,Member,2026-11-20\n";

fn org() -> tempfile::TempDir {
    readings_org::org(&[("hr.csv", HR), ("policy.yaml", POLICY), ("chat.csv", CHAT)])
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn the_plan_names_the_probable_person_and_reviews_the_recycled_address() {
    let dir = org();
    let out = keyward(dir.path(), &["plan"]);
    let text = stdout(&out);
    assert!(out.status.success(), "{text}{}", String::from_utf8_lossy(&out.stderr));
    assert!(text.contains("by its name probably E0200 大野 優希 (current)"), "{text}");
    assert!(text.contains("its address belongs to several HR records: E0500 山田 太郎"), "{text}");
    assert!(text.contains("last active 2025-03-20, before E0500 started on 2026-04-01"), "{text}");
}

#[test]
fn the_review_sheet_and_the_report_name_the_probable_person() {
    let dir = org();
    let sheets = dir.path().join("sheets");
    let out = keyward(dir.path(), &["review", "export", "--out-dir", sheets.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let all: String = std::fs::read_dir(&sheets)
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap_or_default())
        .collect();
    assert!(all.contains(",probably"), "a column: {all}");
    assert!(all.contains("E0200 大野 優希 (current)"), "{all}");
    let html = dir.path().join("report.html");
    let out = keyward(dir.path(), &["report", "--html", html.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let html = std::fs::read_to_string(html).unwrap();
    assert!(html.contains("probably E0200 大野 優希 (current) (by name only — confirm)"), "{html}");
}
