#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The testkit's slapd: the layout, accounts and password policy `LdapServer`'s documentation promises.

use keyward_testkit::ldap::{ADMIN_DN, ADMIN_PASSWORD, GROUPS_DN, PEOPLE_DN, POLICY_DN, SERVICE_DN, SERVICE_PASSWORD};
use keyward_testkit::{LdapOptions, LdapServer};

#[tokio::test]
async fn the_directory_has_its_layout_and_accounts() {
    let ldap = LdapServer::start().await;
    assert!(ldap.url().starts_with("ldap://127.0.0.1:"));
    for dn in [PEOPLE_DN, GROUPS_DN, SERVICE_DN, POLICY_DN] {
        assert!(ldap.entry(dn).await.is_some(), "{dn} is missing");
    }
    assert!(ldap.can_bind(SERVICE_DN, SERVICE_PASSWORD).await);
    assert!(ldap.can_bind(ADMIN_DN, ADMIN_PASSWORD).await);
    assert!(!ldap.can_bind(SERVICE_DN, "wrong").await);
    assert!(ldap.entry("uid=nobody,ou=people,dc=example,dc=com").await.is_none());

    let ann = ldap.add_person("ann", Some("E1"), Some("ann-pw")).await;
    let group = ldap.add_group("eng", &[&ann]).await;
    let entry = ldap.entry(&ann).await.unwrap();
    assert_eq!(entry.first("mail"), Some("ann@example.com"));
    assert_eq!(entry.first("employeeNumber"), Some("E1"));
    assert_eq!(ldap.members("eng").await, vec![ann.clone()]);
    assert_eq!(group, format!("cn=eng,{GROUPS_DN}"));
    ldap.add_group("empty", &[]).await;
    assert_eq!(ldap.members("empty").await, vec![String::new()]);
}

#[tokio::test]
async fn a_permanent_lock_stops_binds_and_its_removal_allows_them_again() {
    let ldap = LdapServer::start().await;
    let ann = ldap.add_person("ann", None, Some("ann-pw")).await;
    assert!(ldap.can_bind(&ann, "ann-pw").await);
    ldap.set_locked_time(&ann, "000001010000Z").await;
    assert!(!ldap.can_bind(&ann, "ann-pw").await, "the ppolicy overlay must refuse a locked account");
    assert_eq!(ldap.entry(&ann).await.unwrap().first("pwdAccountLockedTime"), Some("000001010000Z"));
    ldap.modify(&format!("dn: {ann}\nchangetype: modify\ndelete: pwdAccountLockedTime\n")).await;
    assert!(ldap.can_bind(&ann, "ann-pw").await);
}

#[tokio::test]
async fn two_directories_run_side_by_side_each_with_its_own_data_and_config() {
    let a = LdapServer::start().await;
    let b = LdapServer::start_with(LdapOptions { paged_total_limit: Some(1), ..Default::default() }).await;
    assert_ne!(a.url(), b.url());
    a.add_person("ann", None, None).await;
    assert_eq!(a.search(PEOPLE_DN, "(uid=*)").await.len(), 1);
    assert!(b.search(PEOPLE_DN, "(uid=*)").await.is_empty(), "each has its own database");
}
