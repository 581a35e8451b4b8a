//! What the fuzz targets share: the fixed policy sets whose readers they
//! feed (built once per process), and a way to cut one fuzz input into a
//! choice byte and parts.
//!
//! A target must only ever fail by panicking, running out of its memory
//! limit or timing out; every `Err` a reader returns is a correct answer
//! to bad input. Setup panics (a fixed policy that does not load) are bugs
//! of the harness and say so.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // harness setup: a panic is the report

use std::sync::OnceLock;

use keyward_core::{PolicySet, SourceFile};

/// Loads fixed policy text, panicking with the diagnostics if it does not
/// load: a broken harness must not pass for a quiet target.
pub fn load(path: &str, text: &str) -> PolicySet {
    match PolicySet::load("fuzz", vec![SourceFile { path: path.to_owned(), text: text.to_owned() }]) {
        Ok(l) => l.set,
        Err(d) => panic!("the fuzz harness's policy {path} does not load:\n{d}"),
    }
}

/// One input cut into a choice (its first byte) and the rest.
pub fn choice(data: &[u8]) -> Option<(u8, &[u8])> {
    data.split_first().map(|(c, rest)| (*c, rest))
}

/// The rest of an input cut at the first `\0` byte: two parts that the
/// fuzzer mutates independently (a path and a document, a header and a
/// body). Without a `\0` the second part is empty.
pub fn two_parts(data: &[u8]) -> (&[u8], &[u8]) {
    match data.iter().position(|b| *b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[]),
    }
}

/// HR CSV PeopleSources, one per encoding and a few column and separator
/// styles; the `hr_csv` target picks one by its first byte.
pub const HR_SOURCES: &str = r#"
apiVersion: keyward.io/v1alpha1
kind: PeopleSource
metadata: {name: smarthr-auto}
spec:
  csv:
    path: hr.csv
    encoding: auto
    columns:
      id: 社員番号
      familyName: 姓
      givenName: 名
      email: メールアドレス
      department: 部署
      title: 役職
      employmentType: 雇用形態
      status: 在籍状況
      startDate: 入社年月日
      endDate: 退職年月日
      manager: 上長社員番号
      movedOn: 異動日
      attributes: {github: GitHubアカウント}
    dateFormats: ["%Y/%m/%d", "%Y-%m-%d"]
    listSeparator: ";"
    departmentSeparator: /
    values:
      status: {在籍: active, 休職中: on-leave, 退職済み: terminated}
---
apiVersion: keyward.io/v1alpha1
kind: PeopleSource
metadata: {name: english-utf8-tabs}
spec:
  csv:
    path: hr.tsv
    encoding: utf-8
    delimiter: "\t"
    columns:
      id: Employee ID
      name: Name
      email: Email
      department: Department
      title: Title
      employmentType: Type
      status: Status
      startDate: Start
      endDate: End
      manager: Manager
      attributes: {github: GitHub, slack: Slack}
    dateFormats: ["%d.%m.%Y", "%m/%d/%Y"]
    listSeparator: "|"
    departmentSeparator: " > "
    values:
      employmentType: {Employee: full-time, Contractor: contractor}
      status: {Active: active, Leave: on-leave, Gone: terminated}
---
apiVersion: keyward.io/v1alpha1
kind: PeopleSource
metadata: {name: smarthr-sjis}
spec:
  csv:
    path: hr-sjis.csv
    encoding: shift_jis
    columns:
      id: 社員番号
      email: メールアドレス
      department: 部署
      title: 役職
      employmentType: 雇用形態
      status: 在籍状況
      startDate: 入社年月日
      endDate: 退職年月日
---
apiVersion: keyward.io/v1alpha1
kind: PeopleSource
metadata: {name: minimal-semicolons}
spec:
  csv:
    path: hr-min.csv
    delimiter: ";"
    columns: {id: id, email: email}
"#;

/// The policy set of [`HR_SOURCES`].
pub fn hr_sources() -> &'static PolicySet {
    static SET: OnceLock<PolicySet> = OnceLock::new();
    SET.get_or_init(|| load("fuzz/hr-sources.yaml", HR_SOURCES))
}

/// csv-export Applications, one per encoding and a few column styles; the
/// `account_csv` target picks one by its first byte. (A policy set needs
/// an HR source to load; the target never reads it.)
pub const ACCOUNT_EXPORTS: &str = r#"
apiVersion: keyward.io/v1alpha1
kind: PeopleSource
metadata: {name: hr}
spec:
  csv: {path: hr.csv, columns: {id: id, email: email}}
---
apiVersion: keyward.io/v1alpha1
kind: Application
metadata: {name: slack}
spec:
  connector:
    csvExport:
      path: slack-members.csv
      columns: {id: userid, username: username, email: email, displayName: fullname, status: status, role: status}
      statusValues:
        active: [Primary Owner, Owner, Admin, Member, Multi-Channel Guest, Single-Channel Guest]
        suspended: [Deactivated]
        bot: [Bot]
      roleValues: {Primary Owner: admin, Owner: admin, Admin: admin, Member: member}
  correlate: [{email: {}}]
---
apiVersion: keyward.io/v1alpha1
kind: Application
metadata: {name: freee}
spec:
  connector:
    csvExport:
      path: freee-users.csv
      encoding: shift_jis
      columns: {displayName: 氏名, email: メールアドレス, role: 権限, status: 状態, lastActive: 最終ログイン日時, exportedAt: 出力日時}
      statusValues: {active: [有効], suspended: [無効], invited: [招待中]}
  correlate: [{email: {}}]
---
apiVersion: keyward.io/v1alpha1
kind: Application
metadata: {name: github}
spec:
  connector:
    csvExport:
      path: github-members.csv
      encoding: utf-8
      columns: {username: login, displayName: name, email: email, role: role, groups: teams, lastActive: last_active, attributes: {twoFactor: 2fa_enabled}}
      listSeparator: ";"
  correlate: [{email: {}}]
---
apiVersion: keyward.io/v1alpha1
kind: Application
metadata: {name: salesforce}
spec:
  connector:
    csvExport:
      path: salesforce-users.tsv
      encoding: auto
      delimiter: "\t"
      columns: {id: Username, email: Email, displayName: Full Name, role: Profile, externalId: Employee Number, status: Active, lastActive: Last Login}
      statusValues: {active: ["true"], suspended: ["false"], deleted: [deleted]}
  correlate: [{email: {}}]
"#;

/// The policy set of [`ACCOUNT_EXPORTS`].
pub fn account_exports() -> &'static PolicySet {
    static SET: OnceLock<PolicySet> = OnceLock::new();
    SET.get_or_init(|| load("fuzz/account-exports.yaml", ACCOUNT_EXPORTS))
}

/// The HR API PeopleSources of `examples/vendors/`: Google's Directory,
/// Microsoft Graph and SmartHR, in that order.
pub fn hr_apis() -> &'static PolicySet {
    static SET: OnceLock<PolicySet> = OnceLock::new();
    SET.get_or_init(|| {
        let text = [
            include_str!("../../examples/vendors/google-directory.yaml"),
            include_str!("../../examples/vendors/microsoft-graph-hr.yaml"),
            include_str!("../../examples/vendors/smarthr-api.yaml"),
        ]
        .join("\n---\n");
        load("examples/vendors/hr-apis.yaml", &text)
    })
}

/// The users of a vendor's page: the array under `key` (`Resources`,
/// `members`, `value`…), else the page itself when it is an array, else
/// the page as one user. Lets one target take whole pages and single
/// users alike.
pub fn users<'a>(page: &'a serde_json::Value, key: &str) -> Vec<&'a serde_json::Value> {
    match (page.get(key).and_then(serde_json::Value::as_array), page.as_array()) {
        (Some(items), _) | (None, Some(items)) => items.iter().collect(),
        (None, None) => vec![page],
    }
}

/// The strings of `user[key]` when it is an array (a harness convention
/// for the groups a listing found for the user).
pub fn strings<'a>(user: &'a serde_json::Value, key: &str) -> Vec<&'a str> {
    user.get(key).and_then(serde_json::Value::as_array).into_iter().flatten().filter_map(|v| v.as_str()).collect()
}

/// Asserts what every mapped account must have: a non-blank id.
pub fn check_account(a: &keyward_core::Account) {
    assert!(!a.id.trim().is_empty(), "an account with a blank id: {a:?}");
}

/// Every definition of the connector catalogue (`catalogue/*.yaml`), for
/// the `json_http` target.
pub fn catalogue() -> &'static PolicySet {
    static SET: OnceLock<PolicySet> = OnceLock::new();
    SET.get_or_init(|| {
        let text = [
            "apiVersion: keyward.io/v1alpha1\nkind: PeopleSource\nmetadata: {name: hr}\nspec: {csv: {path: hr.csv, columns: {id: id}}}\n",
            include_str!("../../catalogue/hubspot.yaml"),
            include_str!("../../catalogue/kintone.yaml"),
            include_str!("../../catalogue/zendesk.yaml"),
            include_str!("../../catalogue/notion.yaml"),
            include_str!("../../catalogue/freee.yaml"),
            include_str!("../../catalogue/line-works.yaml"),
            include_str!("../../catalogue/box.yaml"),
            include_str!("../../catalogue/zoom.yaml"),
            include_str!("../../catalogue/dropbox.yaml"),
        ]
        .join("\n---\n");
        load("catalogue/all.yaml", &text)
    })
}

/// A report of one Application and nobody in the HR data, built once: the
/// `discovered_json` target renders it with each discovery summary it
/// reads, as `keyward report --discovery` does.
pub fn empty_report() -> &'static keyward_core::present::report::Report {
    use keyward_core::account::AccountListing;
    use keyward_core::people::{FieldLabels, People, SourceInfo};
    static REPORT: OnceLock<keyward_core::present::report::Report> = OnceLock::new();
    REPORT.get_or_init(|| {
        let set = load(
            "fuzz/report.yaml",
            "apiVersion: keyward.io/v1alpha1\nkind: PeopleSource\nmetadata: {name: hr}\nspec: {csv: {path: hr.csv, columns: {id: id, email: email}}}\n---\napiVersion: keyward.io/v1alpha1\nkind: Application\nmetadata: {name: slack}\nspec:\n  connector:\n    csvExport: {path: slack.csv, columns: {email: email}}\n",
        );
        let source = SourceInfo { name: "hr".into(), location: "hr.csv".into(), labels: FieldLabels::default() };
        let people = People::new(vec![source], vec![]).expect("no people");
        let listings: std::collections::BTreeMap<String, AccountListing> =
            [("slack".to_owned(), AccountListing::new("slack.csv".to_owned(), vec![]))].into();
        let today = jiff::civil::date(2026, 12, 1);
        let plan = keyward_core::plan(&set, &people, &listings, today).expect("the harness's plan");
        keyward_core::present::report::Report::build(&set, &people, &listings, &plan).expect("the harness's report")
    })
}

/// Asserts that `text` (a rendering) holds no character that would act on
/// a terminal or a log line other than the line feeds it is made of.
pub fn check_printable(what: &str, text: &str) {
    if let Some(c) = text.chars().find(|c| *c != '\n' && keyward_core::printable::is_unsafe(*c)) {
        panic!("the {what} holds a raw {c:?}");
    }
}
