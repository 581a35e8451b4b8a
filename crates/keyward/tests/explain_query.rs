//! `keyward explain` for anything (issue 17 item 3): a person by name in
//! kanji, kana or romaji, an account by id, username or e-mail (in one app
//! with `--app`, or across apps), an old-domain address through an app's
//! `domainAliases` — and candidates, never a guess, when several match.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

#[path = "common/readings_org.rs"]
mod readings_org;

use std::path::Path;

use readings_org::keyward;
use serde_json::Value;

const HR: &str = "\
E0100,山田,太郎,ヤマダ,タロウ,taro.yamada@example.com,営業本部,退職,2015/04/01,2025/03/31\n\
E0300,山田,太郎,ヤマダ,タロウ,taro.yamada2@example.com,開発本部,在籍,2022/04/01,\n\
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
  correlate: [{email: {domainAliases: {old-example.co.jp: example.com}}}]
---
apiVersion: keyward.io/v1alpha1
kind: Application
metadata: {name: wiki}
spec:
  connector:
    csvExport:
      path: wiki.csv
      columns: {id: id, email: email, username: login, status: status}
      statusValues: {active: [on], suspended: [off]}
  correlate: [{email: {}}]
---
apiVersion: keyward.io/v1alpha1
kind: AccessPolicy
metadata: {name: all}
spec:
  select: {department: ['**']}
  grant: [{app: chat}, {app: wiki}]
";

const CHAT: &str = "id,email,name,status,last\n\
U1,taro.yamada2@example.com,山田 太郎,Member,2026-11-20\n\
U2,ohno.yuuki@gmail.com,Yuki Ohno,Member,2026-11-01\n\
U3,yuki.ohno@old-example.co.jp,大野 優希,Member,2026-11-20\n\
U7,shared@example.com,Shared,Member,2026-10-01\n";

const WIKI: &str = "id,email,login,status\n\
U7,yuki.ohno@example.com,yohno,on\n\
W9,taro.yamada2@example.com,tyamada,on\n";

fn org() -> tempfile::TempDir {
    readings_org::org(&[("hr.csv", HR), ("policy.yaml", POLICY), ("chat.csv", CHAT), ("wiki.csv", WIKI)])
}

/// The text `explain` printed; it must have succeeded.
fn explained(dir: &Path, args: &[&str]) -> String {
    let out = keyward(dir, &[&["explain"], args].concat());
    assert!(out.status.success(), "explain {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// What `explain` said on standard error; it must have failed, printing
/// nothing on standard output.
fn refused(dir: &Path, args: &[&str]) -> String {
    let out = keyward(dir, &[&["explain"], args].concat());
    assert_eq!(out.status.code(), Some(1), "explain {args:?} fails");
    assert!(out.stdout.is_empty(), "{}", String::from_utf8_lossy(&out.stdout));
    String::from_utf8(out.stderr).unwrap()
}

#[test]
fn a_person_is_found_by_name_in_kanji_kana_or_romaji_in_either_order() {
    let dir = org();
    for name in ["大野 優希", "大野優希", "オオノ ユウキ", "Yuki Ohno", "oono yuuki", "Ōno", "ユウキ"]
    {
        let text = explained(dir.path(), &[name]);
        assert!(text.starts_with(&format!("found by the name `{name}`")), "{name}: {text}");
        assert!(text.contains("大野 優希 <yuki.ohno@example.com> (E0200)"), "{name}: {text}");
    }
}

#[test]
fn a_name_several_people_share_lists_them_instead_of_choosing() {
    let dir = org();
    let err = refused(dir.path(), &["山田 太郎"]);
    assert!(err.contains("`山田 太郎` names 2 people"), "{err}");
    assert!(err.contains("E0100 山田 太郎 (left 2025-03-31)"), "{err}");
    assert!(err.contains("E0300 山田 太郎 (current)"), "{err}");
    assert!(err.contains("explain one by employee number"), "{err}");
    // The same in Japanese.
    let err = refused(dir.path(), &["--lang", "ja", "ヤマダ"]);
    assert!(err.contains("`ヤマダ` に該当する従業員が 2 人います"), "{err}");
}

#[test]
fn an_account_matching_nobody_is_explained_with_the_people_its_name_suggests() {
    let dir = org();
    let text = explained(dir.path(), &["ohno.yuuki@gmail.com"]);
    insta::assert_snapshot!("orphan_account_en", text);
    assert!(text.contains("matches nobody in the HR data"), "{text}");
    assert!(text.contains("by its name probably E0200 大野 優希 (current)"), "{text}");
    assert!(text.contains("chat: review ohno.yuuki@gmail.com"), "the plan's review for it: {text}");
    insta::assert_snapshot!("orphan_account_ja", explained(dir.path(), &["--lang", "ja", "ohno.yuuki@gmail.com"]));

    let json: Value = serde_json::from_str(&explained(dir.path(), &["U2", "--format", "json"])).unwrap();
    assert_eq!(json["account"]["accountId"], "U2");
    assert_eq!(json["probably"][0]["id"], "E0200");
    assert_eq!(json["changes"][0]["action"], "review");
}

#[test]
fn an_account_of_a_person_explains_that_person_and_says_how_it_was_found() {
    let dir = org();
    let by_login = explained(dir.path(), &["TYamada"]);
    assert!(by_login.starts_with("found through the wiki account taro.yamada2@example.com (W9)"), "{by_login}");
    assert!(by_login.contains("(E0300)"), "{by_login}");
    let by_id = explained(dir.path(), &["U3", "--app", "chat"]);
    assert!(by_id.starts_with("found through the chat account yuki.ohno@old-example.co.jp (U3)"), "{by_id}");
    assert!(by_id.contains("(E0200)"), "{by_id}");
}

#[test]
fn an_account_id_two_apps_use_for_different_owners_needs_the_app() {
    let dir = org();
    let err = refused(dir.path(), &["U7"]);
    assert!(err.contains("`U7` matches 2 accounts"), "{err}");
    assert!(err.contains("chat: shared@example.com (U7) — matches nobody"), "{err}");
    assert!(err.contains("wiki: yuki.ohno@example.com (U7) — belongs to E0200"), "{err}");
    assert!(err.contains("--app"), "{err}");
    assert!(explained(dir.path(), &["U7", "--app", "wiki"]).contains("(E0200)"));
    assert!(explained(dir.path(), &["U7", "--app", "chat"]).starts_with("chat: shared@example.com [active]"));
}

#[test]
fn an_old_domain_address_is_read_through_the_aliases() {
    let dir = org();
    // The alias leads to her before the account that holds the address is
    // looked up (its owner is her too).
    let text = explained(dir.path(), &["Yuki.Ohno@old-example.co.jp"]);
    assert!(
        text.starts_with(
            "`Yuki.Ohno@old-example.co.jp` is an old-domain address: the domainAliases of chat read it as yuki.ohno@example.com"
        ),
        "{text}"
    );
    assert!(text.contains("(E0200)"), "{text}");
}

#[test]
fn an_unknown_app_or_query_is_an_error_that_says_what_exists() {
    let dir = org();
    let err = refused(dir.path(), &["U7", "--app", "chatt"]);
    assert!(err.contains("no Application named `chatt`; the policies define: chat, wiki"), "{err}");
    let err = refused(dir.path(), &["nobody-at-all"]);
    assert!(err.contains("no account or name matches it"), "{err}");
}
