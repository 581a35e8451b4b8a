#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report
//! Concurrent posts (兼務) from an HR export with a column per post
//! (SmartHR's `部署1`, `部署2`, …): `departments:` and `titles:` pair by
//! position, an empty position is no post, and a missing header is named
//! at its place in the policy file.

use keyward_core::people::Post;
use keyward_core::{PolicySet, SourceFile};

const POLICY: &str = "apiVersion: keyward.io/v1alpha1
kind: PeopleSource
metadata: {name: smarthr}
spec:
  csv:
    path: hr.csv
    columns:
      id: 社員番号
      departments: [部署1, 部署2, 部署3]
      titles: [役職1, 役職2]
";

fn set(text: &str) -> PolicySet {
    let file = SourceFile { path: "policies/hr.yaml".into(), text: text.to_owned() };
    match PolicySet::load("policies", vec![file]) {
        Ok(l) => l.set,
        Err(d) => panic!("policy does not load:\n{d}"),
    }
}

fn post(department: Option<&str>, title: Option<&str>) -> Post {
    Post { department: department.map(str::to_owned), title: title.map(str::to_owned) }
}

#[test]
fn a_column_per_post_gives_concurrent_posts_paired_by_position() {
    let csv = "社員番号,部署1,役職1,部署2,役職2,部署3\n\
               1,営業本部 / 第一営業部,部長,DX推進室,兼務,\n\
               2,開発本部,,,,\n\
               3,管理本部,課長,,,経理部\n\
               4,,,,主任,\n";
    let (info, people) =
        keyward_sources::read_csv_bytes(&set(POLICY), 0, "hr.csv", csv.as_bytes().to_vec()).expect("reads");
    let posts: Vec<&[Post]> = people.iter().map(|p| p.posts.as_slice()).collect();
    assert_eq!(posts[0], [post(Some("営業本部/第一営業部"), Some("部長")), post(Some("DX推進室"), Some("兼務"))]);
    assert_eq!(posts[1], [post(Some("開発本部"), None)], "empty 部署2 and 部署3 cells are no posts");
    assert_eq!(posts[2], [post(Some("管理本部"), Some("課長")), post(Some("経理部"), None)]);
    assert_eq!(posts[3], [post(None, Some("主任"))], "a title without its department is still a post");
    assert_eq!(info.labels.department.as_deref(), Some("部署1, 部署2, 部署3"));
    assert_eq!(info.labels.title.as_deref(), Some("役職1, 役職2"));
}

#[test]
fn one_title_column_lists_titles_for_the_department_columns_in_order() {
    let policy = POLICY.replace("titles: [役職1, 役職2]", "title: 役職");
    let csv = "社員番号,部署1,部署2,部署3,役職\n1,A,B,,部長;課長\n";
    let (_, people) = keyward_sources::read_csv_bytes(&set(&policy), 0, "hr.csv", csv.as_bytes().to_vec()).unwrap();
    assert_eq!(people[0].posts, [post(Some("A"), Some("部長")), post(Some("B"), Some("課長"))]);
}

#[test]
fn a_missing_post_column_is_named_at_its_place_in_the_policy() {
    let csv = "社員番号,部署1,部署2,役職1,役職2\n1,A,B,,\n";
    let errors = keyward_sources::read_csv_bytes(&set(POLICY), 0, "hr.csv", csv.as_bytes().to_vec()).unwrap_err();
    let shown: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(shown.len(), 1, "{shown:#?}");
    assert!(shown[0].starts_with("policies/hr.yaml:9:"), "{shown:#?}");
    assert!(shown[0].contains("column `部署3` is not in hr.csv"), "{shown:#?}");
}
