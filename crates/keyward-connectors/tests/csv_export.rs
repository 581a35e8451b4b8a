//! The csv-export connector on real files: what it reads, and the errors
//! a user sees for a bad export.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

use keyward_connectors::{ConnectorError, build_all};
use keyward_core::account::AccountStatus;
use keyward_core::{PolicySet, SourceFile};

const PEOPLE: &str = "apiVersion: keyward.io/v1alpha1\nkind: PeopleSource\nmetadata: {name: hr}\nspec: {csv: {path: hr.csv, columns: {id: id}}}\n---\n";

fn set(dir: &std::path::Path, app_spec: &str) -> PolicySet {
    let text = format!(
        "{PEOPLE}apiVersion: keyward.io/v1alpha1\nkind: Application\nmetadata: {{name: slack}}\nspec:\n{app_spec}"
    );
    let path = dir.join("apps.yaml").display().to_string();
    PolicySet::load("test", vec![SourceFile { path, text }]).unwrap().set
}

const SLACK: &str = "  connector:\n    csvExport:\n      path: slack.csv\n      columns: {id: userid, username: username, email: email, status: status, role: status, groups: groups}\n      statusValues: {active: [Member, Admin], suspended: [Deactivated], bot: [Bot], deleted: [Deleted]}\n      roleValues: {Member: member, Admin: admin}\n";

async fn list(dir: &std::path::Path, csv: &[u8]) -> Result<keyward_core::AccountListing, ConnectorError> {
    std::fs::write(dir.join("slack.csv"), csv).unwrap();
    let set = set(dir, SLACK);
    let connectors = build_all(&set).unwrap();
    connectors["slack"].list().await
}

#[tokio::test]
async fn reads_status_role_groups_and_skips_deleted_rows() {
    let dir = tempfile::tempdir().unwrap();
    let listing = list(
        dir.path(),
        "userid,username,email,status,groups\nU1,taro,Taro@Example.com,Admin,b;a\nU2,jiro,jiro@example.com,Deactivated,\nU3,bot,,Bot,\nU4,gone,gone@example.com,Deleted,\n"
            .as_bytes(),
    )
    .await
    .unwrap();
    let ids: Vec<&str> = listing.accounts.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["U1", "U2", "U3"]);
    let taro = &listing.accounts[0];
    assert_eq!((taro.status, taro.role.as_deref()), (AccountStatus::Active, Some("admin")));
    assert_eq!(taro.groups, ["a", "b"]);
    assert!(listing.accounts[2].bot);
}

#[tokio::test]
async fn a_deactivated_row_has_no_role_when_role_and_status_share_a_column() {
    // Regression: the role read as `Deactivated`, so restoring a rehire
    // planned `role Deactivated -> member`.
    let dir = tempfile::tempdir().unwrap();
    let listing = list(dir.path(), b"userid,username,email,status,groups\nU2,jiro,jiro@example.com,Deactivated,\n")
        .await
        .unwrap();
    assert_eq!(listing.accounts[0].status, AccountStatus::Suspended);
    assert_eq!(listing.accounts[0].role, None);
}

#[tokio::test]
async fn duplicate_ids_are_an_error_with_both_lines() {
    let dir = tempfile::tempdir().unwrap();
    let err = list(
        dir.path(),
        b"userid,username,email,status,groups\nU1,a,a@x.com,Member,\nU2,b,b@x.com,Member,\nU1,c,c@x.com,Member,\n",
    )
    .await
    .unwrap_err();
    let ConnectorError::Data(d) = err else { panic!("{err}") };
    assert_eq!(d.0.len(), 1);
    assert!(d.0[0].to_string().contains("slack.csv:4"), "{}", d.0[0]);
    assert!(d.0[0].message.contains("account `U1` appears twice (first on line 2)"), "{}", d.0[0]);
}

#[tokio::test]
async fn shift_jis_exports_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let (bytes, _, _) =
        encoding_rs::SHIFT_JIS.encode("userid,username,email,status,groups\nU1,山田,yamada@example.com,Member,営業\n");
    let listing = list(dir.path(), &bytes).await.unwrap();
    assert_eq!(listing.accounts[0].username.as_deref(), Some("山田"));
    assert_eq!(listing.accounts[0].groups, ["営業"]);
    assert!(listing.source.ends_with("(Shift_JIS)"), "{}", listing.source);
}

#[tokio::test]
async fn a_missing_file_names_the_app_and_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let set = set(dir.path(), SLACK);
    let err = build_all(&set).unwrap()["slack"].list().await.unwrap_err();
    let msg = err.to_string();
    assert!(msg.starts_with("cannot read ") && msg.contains("slack.csv (Application slack)"), "{msg}");
}

const DATED: &str = "  connector:\n    csvExport:\n      path: slack.csv\n      columns: {id: userid, email: email, exportedAt: 出力日時}\n";

async fn list_dated(dir: &std::path::Path, csv: &str) -> Result<keyward_core::AccountListing, ConnectorError> {
    std::fs::write(dir.join("slack.csv"), csv).unwrap();
    let connectors = build_all(&set(dir, DATED)).unwrap();
    connectors["slack"].list().await
}

#[tokio::test]
async fn the_export_date_is_the_oldest_of_its_column() {
    use keyward_core::account::{ExportDate, ExportDateFrom};
    let dir = tempfile::tempdir().unwrap();
    let listing =
        list_dated(dir.path(), "userid,email,出力日時\nU1,a@example.com,2026/11/30 09:15\nU2,b@example.com,2026年11月28日\nU3,c@example.com,\n")
            .await
            .unwrap();
    assert_eq!(
        listing.exported,
        Some(ExportDate {
            date: jiff::civil::date(2026, 11, 28),
            from: ExportDateFrom::Column { column: "出力日時".into() }
        })
    );
}

#[tokio::test]
async fn without_a_date_column_the_files_modification_time_is_the_export_date() {
    use keyward_core::account::ExportDateFrom;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("slack.csv");
    std::fs::write(&path, "userid,username,email,status,groups\nU1,taro,taro@example.com,Member,\n").unwrap();
    // Noon UTC is the same day in every time zone from UTC-11 to UTC+11.
    let noon: jiff::Timestamp = "2026-10-15T12:00:00Z".parse().unwrap();
    std::fs::File::options().write(true).open(&path).unwrap().set_modified(noon.into()).unwrap();
    let connectors = build_all(&set(dir.path(), SLACK)).unwrap();
    let listing = connectors["slack"].list().await.unwrap();
    let exported = listing.exported.unwrap();
    assert_eq!((exported.date, exported.from), (jiff::civil::date(2026, 10, 15), ExportDateFrom::FileModified));

    // A mapped column empty in every row says nothing: the file's time stands.
    let listing = list_dated(dir.path(), "userid,email,出力日時\nU1,a@example.com,\n").await.unwrap();
    assert_eq!(listing.exported.unwrap().from, ExportDateFrom::FileModified);
}

#[tokio::test]
async fn an_unreadable_export_date_is_an_error_at_its_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let err =
        list_dated(dir.path(), "userid,email,出力日時\nU1,a@example.com,2026/11/30\nU2,b@example.com,30/11/2026\n")
            .await
            .unwrap_err();
    let ConnectorError::Data(d) = &err else { panic!("{err}") };
    assert_eq!(d.0.len(), 1, "{err}");
    assert!(d.0[0].position().ends_with("slack.csv:3 (column 出力日時)"), "{}", d.0[0].position());
    assert_eq!(d.0[0].message, "cannot read the export date `30/11/2026`");
    assert!(d.0[0].help.as_deref().unwrap().contains("2026年11月30日"), "{err}");
}
