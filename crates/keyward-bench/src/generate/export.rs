//! Lays an app's accounts out in its vendor's export format: Slack's
//! member list, Google Workspace's user download, GitHub's people list,
//! Salesforce's user report, Japanese admin screens and plain English
//! exports.

use super::accounts::{AStatus, Acct};
use super::csv::row;
use crate::days;
use crate::org::{App, Format};
use crate::rng::Rng;

/// Ids that are unique per app and look like the app's own.
fn scrambled(k: usize, mul: u32) -> u32 {
    (k as u32).wrapping_mul(mul)
}

fn slack_label(rng: &mut Rng, a: &Acct) -> &'static str {
    match a.status {
        AStatus::Suspended | AStatus::Deleted => "Deactivated",
        AStatus::Bot => "Bot",
        AStatus::Active | AStatus::Invited => match a.role {
            Some("admin") => {
                if rng.chance(0.05) {
                    "Owner"
                } else {
                    "Admin"
                }
            }
            Some("guest") => {
                if rng.chance(0.3) {
                    "Single-Channel Guest"
                } else {
                    "Multi-Channel Guest"
                }
            }
            _ => "Member",
        },
    }
}

fn generic_status(s: AStatus) -> &'static str {
    match s {
        AStatus::Active => "active",
        AStatus::Invited => "invited",
        AStatus::Suspended => "suspended",
        AStatus::Bot => "bot",
        AStatus::Deleted => "deleted",
    }
}

fn japanese_role(r: &str) -> &str {
    match r {
        "admin" => "管理者",
        "member" => "メンバー",
        "viewer" => "閲覧者",
        other => other,
    }
}

fn salesforce_profile(r: &str) -> &str {
    match r {
        "read-only" => "Read Only",
        "standard" => "Standard User",
        "manager" => "Sales Manager",
        other => other,
    }
}

/// Lays the accounts out in the app's export format.
pub(super) fn export(app: &App, accts: &[Acct], rng: &mut Rng) -> String {
    let mut s = String::with_capacity(accts.len() * 120);
    let login_time = |rng: &mut Rng, day: Option<i32>, sep: &str| -> String {
        day.map(|d| {
            let (h, m) = (8 + rng.below(11), rng.below(60));
            format!("{}{sep}{h:02}:{m:02}", days::slash(d))
        })
        .unwrap_or_default()
    };
    let name = |a: &Acct| format!("{} {}", a.family, a.given);
    match app.format {
        Format::Slack => {
            row(
                &mut s,
                &[
                    "username",
                    "email",
                    "status",
                    "billing-active",
                    "has-2fa",
                    "has-sso",
                    "userid",
                    "fullname",
                    "displayname",
                ],
            );
            for (k, a) in accts.iter().enumerate() {
                let label = slack_label(rng, a);
                let billing = if matches!(a.status, AStatus::Active | AStatus::Invited) { "1" } else { "0" };
                row(
                    &mut s,
                    &[
                        a.login.as_deref().unwrap_or_default(),
                        a.email.as_deref().unwrap_or_default(),
                        label,
                        billing,
                        "1",
                        "1",
                        &format!("U{:08X}", scrambled(k + 1, 0x9E37_79B1)),
                        &name(a),
                        &a.family,
                    ],
                );
            }
        }
        Format::Google => {
            row(
                &mut s,
                &[
                    "First Name [Required]",
                    "Last Name [Required]",
                    "Email Address [Required]",
                    "Org Unit Path [Required]",
                    "Employee ID",
                    "Employee Type",
                    "Department",
                    "Last Sign In [READ ONLY]",
                    "Status [READ ONLY]",
                ],
            );
            for a in accts {
                let status = match a.status {
                    AStatus::Suspended | AStatus::Deleted => "Suspended",
                    _ => "Active",
                };
                let dept = a.dept.as_deref().unwrap_or_default();
                row(
                    &mut s,
                    &[
                        &a.given,
                        &a.family,
                        a.email.as_deref().unwrap_or_default(),
                        &format!("/{dept}"),
                        a.ext_id.as_deref().unwrap_or_default(),
                        a.emp.unwrap_or_default(),
                        dept,
                        &format!("{}:00", login_time(rng, a.last, " ")),
                        status,
                    ],
                );
            }
        }
        Format::GitHub => {
            row(&mut s, &["login", "name", "email", "role", "teams", "2fa_enabled", "last_active"]);
            for a in accts {
                let public = if rng.chance(0.3) { a.email.as_deref().unwrap_or_default() } else { "" };
                row(
                    &mut s,
                    &[
                        a.login.as_deref().unwrap_or_default(),
                        &a.roman,
                        public,
                        a.role.unwrap_or("member"),
                        &a.groups.join(";"),
                        "true",
                        &a.last.map(days::iso).unwrap_or_default(),
                    ],
                );
            }
        }
        Format::Salesforce => {
            row(
                &mut s,
                &[
                    "Username",
                    "Email",
                    "Full Name",
                    "Alias",
                    "Profile",
                    "Role",
                    "Active",
                    "Last Login",
                    "Employee Number",
                ],
            );
            for a in accts {
                let email = a.email.as_deref().unwrap_or_default();
                // Usernames are the canonical address: unique per org.
                let username = match email.split_once('@') {
                    Some((l, d)) => {
                        let l = l.split('+').next().unwrap_or(l);
                        let dup = if email.contains("+old@") { ".old" } else { "" };
                        format!("{l}@{d}{dup}").to_lowercase()
                    }
                    None => a.login.clone().unwrap_or_default(),
                };
                let alias: String = a.login.as_deref().unwrap_or("user").chars().take(8).collect();
                let active = if matches!(a.status, AStatus::Suspended | AStatus::Deleted) { "false" } else { "true" };
                row(
                    &mut s,
                    &[
                        &username,
                        email,
                        &name(a),
                        &alias,
                        a.role.map(salesforce_profile).unwrap_or("System Administrator"),
                        &a.groups.join(";"),
                        active,
                        &a.last.map(days::slash).unwrap_or_default(),
                        a.ext_id.as_deref().unwrap_or_default(),
                    ],
                );
            }
        }
        Format::Japanese { .. } => {
            row(
                &mut s,
                &["ユーザーID", "メールアドレス", "氏名", "権限", "ステータス", "グループ", "最終ログイン日時"],
            );
            for (k, a) in accts.iter().enumerate() {
                let status = match a.status {
                    AStatus::Suspended | AStatus::Deleted => "無効",
                    AStatus::Invited => "招待中",
                    _ => "有効",
                };
                let role = if app.roles.is_empty() { "" } else { a.role.map(japanese_role).unwrap_or_default() };
                row(
                    &mut s,
                    &[
                        &format!("{:08}", (k as u64 * 7919 + 13) % 100_000_000),
                        a.email.as_deref().unwrap_or_default(),
                        &name(a),
                        role,
                        status,
                        &a.groups.join(";"),
                        &login_time(rng, a.last, " "),
                    ],
                );
            }
        }
        Format::Generic { employee_number } => {
            let mut header = vec!["id", "email", "name", "role", "status", "groups", "last_login"];
            if employee_number {
                header.push("employee_number");
            }
            row(&mut s, &header);
            for (k, a) in accts.iter().enumerate() {
                let role = if app.roles.is_empty() { "" } else { a.role.unwrap_or_default() };
                let last = a
                    .last
                    .map(|d| format!("{}T{:02}:{:02}:00Z", days::iso(d), rng.below(24), rng.below(60)))
                    .unwrap_or_default();
                let id = format!("usr_{:08x}", scrambled(k + 1, 0x85EB_CA6B));
                let groups = a.groups.join(";");
                let mut fields = vec![
                    id.as_str(),
                    a.email.as_deref().unwrap_or_default(),
                    &a.roman,
                    role,
                    generic_status(a.status),
                    &groups,
                    &last,
                ];
                if employee_number {
                    fields.push(a.ext_id.as_deref().unwrap_or_default());
                }
                row(&mut s, &fields);
            }
        }
    }
    s
}
