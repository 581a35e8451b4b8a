//! The generated directory discovery is measured on: users (with their HR
//! row), the third-party apps they granted access to, and what each vendor
//! keeps of it — Google's per-user OAuth tokens, Graph's service
//! principals, delegated grants and sign-ins. Deterministic from the seed.
//!
//! The shape follows what admins see: a few apps nearly everyone uses
//! (chat, video, documents) and a long tail of apps one or two people
//! tried; most people hold a handful of grants, few a dozen.

use std::fmt::Write as _;

use anyhow::{Result, bail};
use serde_json::{Value, json};

use crate::rng::Rng;

/// Apps in the catalogue of the generated tenant: the popular ones by
/// name, then the long tail.
pub const APPS: usize = 300;
/// The popular apps, most used first.
const POPULAR: [&str; 12] = [
    "Slack", "Zoom", "Notion", "Miro", "Figma", "Asana", "Trello", "Dropbox", "Canva", "Calendly", "DocuSign",
    "HubSpot",
];
/// Apps declared as Applications in the benchmark's policies, so the
/// summary also matches declared against discovered.
pub const DECLARED: [&str; 3] = ["Slack", "Zoom", "Notion"];
/// Apps the whole tenant consented to in Graph (`AllPrincipals`).
const TENANT_CONSENTS: usize = 5;
/// Service principals that are not third party: Microsoft's, the
/// tenant's own registrations, managed identities.
const MICROSOFT_APPS: usize = 20;
const OWN_APPS: usize = 5;
const MANAGED_IDENTITIES: usize = 5;

/// The tenant's id in Graph, and Microsoft's first-party tenant.
pub const TENANT_ID: &str = "0a1b2c3d-0000-4000-8000-00000000a11c";
const MICROSOFT_TENANT: &str = "f8cdef31-a31e-4b4a-93e4-5f571e91255a";
/// Sign-ins are dated within the month before this day.
pub const SIGN_IN_MONTH: &str = "2026-11";

const DEPARTMENTS: [&str; 8] = [
    "営業本部/第一営業部",
    "営業本部/第二営業部",
    "開発本部/プラットフォーム部",
    "開発本部/プロダクト部",
    "管理本部/人事部",
    "管理本部/経理部",
    "マーケティング本部/広報部",
    "経営企画室",
];
const EMPLOYMENT: [(&str, u32); 4] = [("正社員", 80), ("契約社員", 10), ("アルバイト", 5), ("業務委託", 5)];

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    /// Users in the directory (and rows in the HR export).
    pub users: usize,
    /// Fewest and most apps one user granted access to.
    pub grants: (usize, usize),
    /// PRNG seed.
    pub seed: u64,
}

/// `0-12` → (0, 12).
pub fn parse_grants(s: &str) -> Result<(usize, usize)> {
    let (lo, hi) = s.split_once('-').unwrap_or((s, s));
    let (Ok(lo), Ok(hi)) = (lo.trim().parse::<usize>(), hi.trim().parse::<usize>()) else {
        bail!("--grants-per-user `{s}`: write a range such as `0-12`");
    };
    if lo > hi || hi > APPS {
        bail!("--grants-per-user `{s}`: the range must go up, to at most {APPS} (the apps of the tenant)");
    }
    Ok((lo, hi))
}

/// Where a user stands in HR.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// At work.
    Active,
    /// Left: suspended in the directory, grants still there.
    Leaver,
    /// On leave.
    OnLeave,
}

/// One user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// `user000042@example.com`.
    pub email: String,
    /// Department path.
    pub department: &'static str,
    /// Employment type, as HR writes it.
    pub employment: &'static str,
    /// HR status.
    pub status: Status,
    /// Indexes into [`Directory::apps`] of the apps the user granted access to.
    pub apps: Vec<u16>,
    /// Sign-ins per app of `apps` (Graph with a P1/P2 licence keeps them).
    pub sign_ins: Vec<u8>,
}

/// One third-party app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct App {
    /// Its name.
    pub name: String,
    /// Google's OAuth client id.
    pub client_id: String,
    /// Graph's appId.
    pub app_id: String,
}

/// The whole generated directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directory {
    /// The users, in id order.
    pub users: Vec<User>,
    /// The third-party apps.
    pub apps: Vec<App>,
}

impl Directory {
    /// Generates the directory of `shape`.
    pub fn generate(shape: Shape) -> Self {
        let apps: Vec<App> = (0..APPS)
            .map(|i| App {
                name: POPULAR.get(i).map_or_else(|| format!("Long-tail app {i:03}"), |n| (*n).to_owned()),
                client_id: format!("{}-{i:03}.apps.googleusercontent.com", 100_000_000_000u64 + i as u64),
                app_id: uuid(0xa99, i),
            })
            .collect();
        // Zipf-like popularity: the n-th app is used about 1/n as often as the first.
        let weights: Vec<u32> = (0..APPS).map(|i| (100_000 / (i + 1)) as u32).collect();
        let (lo, hi) = shape.grants;
        // Fewer grants more often: k grants weigh hi - k + 1.
        let counts: Vec<(usize, u32)> = (lo..=hi).map(|k| (k, (hi - k + 1) as u32)).collect();
        let mut r = Rng::derive(shape.seed, 1601);
        let users = (0..shape.users)
            .map(|i| {
                let status = match r.below(100) {
                    0..=2 => Status::Leaver,
                    3..=4 => Status::OnLeave,
                    _ => Status::Active,
                };
                let n = r.choose(&counts, lo);
                let mut apps: Vec<u16> = Vec::with_capacity(n);
                while apps.len() < n {
                    let a = r.weighted(&weights) as u16;
                    if !apps.contains(&a) {
                        apps.push(a);
                    }
                }
                apps.sort_unstable();
                let sign_ins = apps.iter().map(|_| if r.chance(0.5) { r.range(1, 4) as u8 } else { 0 }).collect();
                User {
                    email: format!("user{i:06}@example.com"),
                    department: DEPARTMENTS[r.index(DEPARTMENTS.len())],
                    employment: r.choose(&EMPLOYMENT, "正社員"),
                    status,
                    apps,
                    sign_ins,
                }
            })
            .collect();
        Self { users, apps }
    }

    /// Grants (user, app) over all users.
    pub fn grants(&self) -> usize {
        self.users.iter().map(|u| u.apps.len()).sum()
    }

    /// The HR export, in the columns of `keyward_testkit::org::people_source_yaml`.
    pub fn hr_csv(&self) -> String {
        let mut s = String::from(keyward_testkit::org::HR_CSV_HEADER);
        for (i, u) in self.users.iter().enumerate() {
            let (status, end) = match u.status {
                Status::Active => ("在籍", ""),
                Status::Leaver => ("退職済み", "2026/10/31"),
                Status::OnLeave => ("休職中", ""),
            };
            let _ = writeln!(
                s,
                "E{i:06},山田,太郎{i},{},{},担当,{},{status},2020/04/01,{end},",
                u.email, u.department, u.employment
            );
        }
        s
    }

    // ------------------------------------------------------------ Google

    /// Google's user id of user `i`.
    pub fn google_id(i: usize) -> String {
        format!("1{i:020}")
    }

    /// The user `google_id` names.
    pub fn google_index(id: &str) -> Option<usize> {
        id.strip_prefix('1').filter(|d| d.len() == 20).and_then(|d| d.parse().ok())
    }

    /// `users.list` items of users `from..to`, with the fields discovery asks for.
    pub fn google_users(&self, from: usize, to: usize) -> Vec<Value> {
        (from..to.min(self.users.len()))
            .map(|i| {
                let u = &self.users[i];
                json!({"id": Self::google_id(i), "primaryEmail": u.email, "suspended": u.status == Status::Leaver})
            })
            .collect()
    }

    /// User `i`'s `tokens.list` answer.
    pub fn google_tokens(&self, i: usize) -> Option<Value> {
        let u = self.users.get(i)?;
        let items: Vec<Value> = u
            .apps
            .iter()
            .map(|&a| {
                let app = &self.apps[usize::from(a)];
                json!({
                    "kind": "admin#directory#token", "etag": "\"e\"", "clientId": app.client_id,
                    "displayText": app.name, "anonymous": false, "nativeApp": false,
                    "userKey": Self::google_id(i),
                    "scopes": ["openid", "https://www.googleapis.com/auth/userinfo.email",
                               "https://www.googleapis.com/auth/calendar.readonly"],
                })
            })
            .collect();
        Some(if items.is_empty() {
            json!({"kind": "admin#directory#tokenList", "etag": "\"e\""})
        } else {
            json!({"kind": "admin#directory#tokenList", "etag": "\"e\"", "items": items})
        })
    }

    // ------------------------------------------------------------- Graph

    /// Graph's user object id of user `i`.
    pub fn graph_id(i: usize) -> String {
        uuid(0x05e, i)
    }

    /// Every service principal: the third-party apps, Microsoft's, the
    /// tenant's own and managed identities, interleaved as Graph lists them.
    pub fn graph_service_principals(&self) -> Vec<Value> {
        let mut out: Vec<Value> = self
            .apps
            .iter()
            .enumerate()
            .map(|(i, a)| {
                json!({"id": uuid(0x5b0, i), "appId": a.app_id, "displayName": a.name,
                       "appOwnerOrganizationId": uuid(0x0a0, i), "publisherName": format!("{} Inc.", a.name),
                       "verifiedPublisher": {"displayName": null}, "homepage": null})
            })
            .collect();
        for i in 0..MICROSOFT_APPS + OWN_APPS + MANAGED_IDENTITIES {
            let owner = if i < MICROSOFT_APPS {
                json!(MICROSOFT_TENANT)
            } else if i < MICROSOFT_APPS + OWN_APPS {
                json!(TENANT_ID)
            } else {
                Value::Null
            };
            let sp = json!({"id": uuid(0x5b1, i), "appId": uuid(0xa98, i), "displayName": format!("First-party {i}"),
                            "appOwnerOrganizationId": owner, "publisherName": null,
                            "verifiedPublisher": {"displayName": null}, "homepage": null});
            out.insert((i * 7) % out.len(), sp);
        }
        out
    }

    /// `/users` items with the fields discovery selects.
    pub fn graph_users(&self) -> Vec<Value> {
        let users = self.users.iter().enumerate();
        users.map(|(i, u)| json!({"id": Self::graph_id(i), "userPrincipalName": u.email, "mail": u.email})).collect()
    }

    /// Every delegated grant: one per (user, app), and the tenant-wide
    /// consents of the first apps.
    pub fn graph_grants(&self) -> Vec<Value> {
        let mut out = Vec::with_capacity(self.grants() + TENANT_CONSENTS);
        for a in 0..TENANT_CONSENTS.min(self.apps.len()) {
            out.push(json!({"id": format!("consent-{a}"), "clientId": uuid(0x5b0, a), "consentType": "AllPrincipals",
                            "principalId": null, "resourceId": "sp-graph", "scope": "User.Read openid profile"}));
        }
        for (i, u) in self.users.iter().enumerate() {
            for &a in &u.apps {
                out.push(json!({"id": format!("grant-{i}-{a}"), "clientId": uuid(0x5b0, usize::from(a)),
                                "consentType": "Principal", "principalId": Self::graph_id(i),
                                "resourceId": "sp-graph", "scope": "User.Read offline_access openid"}));
            }
        }
        out
    }

    /// Every sign-in to a third-party app in [`SIGN_IN_MONTH`].
    pub fn graph_sign_ins(&self) -> Vec<Value> {
        let mut out = Vec::new();
        for (i, u) in self.users.iter().enumerate() {
            for (&a, &n) in u.apps.iter().zip(&u.sign_ins) {
                let app = &self.apps[usize::from(a)];
                for k in 0..n {
                    out.push(json!({
                        "id": format!("si-{i}-{a}-{k}"), "createdDateTime":
                            format!("{SIGN_IN_MONTH}-{:02}T{:02}:00:00Z", 1 + (i + usize::from(k)) % 28, (i % 24)),
                        "userId": Self::graph_id(i), "userPrincipalName": u.email, "appId": app.app_id,
                        "appDisplayName": app.name, "status": {"errorCode": 0}
                    }));
                }
            }
        }
        out
    }
}

/// A stable UUID-shaped id for item `i` of a kind.
fn uuid(kind: u32, i: usize) -> String {
    format!("{kind:08x}-0000-4000-8000-{i:012x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_generator_is_deterministic_and_follows_the_shape() {
        let shape = Shape { users: 500, grants: (0, 12), seed: 42 };
        let a = Directory::generate(shape);
        assert_eq!(a, Directory::generate(shape), "same seed, same directory");
        assert_ne!(a, Directory::generate(Shape { seed: 43, ..shape }), "another seed, another directory");
        assert_eq!(a.users.len(), 500);
        assert!(a.users.iter().all(|u| u.apps.len() <= 12 && u.apps.windows(2).all(|w| w[0] < w[1])));
        let slack = a.users.iter().filter(|u| u.apps.contains(&0)).count();
        let tail = a.users.iter().filter(|u| u.apps.contains(&299)).count();
        assert!(slack > 100 && tail < 10, "popular apps and a long tail: {slack}, {tail}");
        assert!(a.users.iter().any(|u| u.status == Status::Leaver));
        assert_eq!(a.hr_csv().lines().count(), 501);
        assert_eq!(Directory::google_index(&Directory::google_id(4711)), Some(4711));
        assert_eq!(a.graph_grants().len(), a.grants() + TENANT_CONSENTS);
        assert_eq!(a.graph_service_principals().len(), APPS + 30);
        assert_eq!(parse_grants("0-12").unwrap(), (0, 12));
        assert!(parse_grants("12-0").is_err() && parse_grants("x").is_err());
    }
}
