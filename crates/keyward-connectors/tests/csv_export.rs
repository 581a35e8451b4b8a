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
