//! Each app's accounts before they are laid out in its export format:
//! people's accounts, mostly agreeing with the policies and lifecycles,
//! with the noise real exports have (other address spellings, stale
//! roles and groups, missing and duplicate accounts, leavers not yet
//! suspended), plus orphans, bots and service accounts.
//!
//! The draws happen in a fixed order per app stream; moving one changes
//! every byte after it.

use crate::org::{self, App, DOMAIN, Ent, Format, OLD_DOMAIN, Org, Person, Phase, PolicyDef, TransferTo};
use crate::rng::Rng;

/// An account's state as its export shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum AStatus {
    Active,
    Invited,
    Suspended,
    Bot,
    Deleted,
}

/// One account, before it is laid out in an app's export format.
#[derive(Debug, Clone)]
pub(super) struct Acct {
    pub(super) email: Option<String>,
    /// Username / login.
    pub(super) login: Option<String>,
    pub(super) family: String,
    pub(super) given: String,
    /// Romanised name, for English exports.
    pub(super) roman: String,
    pub(super) ext_id: Option<String>,
    pub(super) status: AStatus,
    pub(super) role: Option<&'static str>,
    pub(super) groups: Vec<String>,
    pub(super) last: Option<i32>,
    pub(super) dept: Option<String>,
    pub(super) emp: Option<&'static str>,
}

fn capitalise(s: &str) -> String {
    s.split('.')
        .map(|part| {
            let mut c = part.chars();
            match c.next() {
                Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(".")
}

/// The address as the app has it: mostly the HR one, sometimes with other
/// case, a `+tag`, or the pre-merger domain.
fn noisy_email(rng: &mut Rng, email: &str, app: &App) -> String {
    let Some((local, domain)) = email.split_once('@') else {
        return email.to_owned();
    };
    let r = rng.below(1000);
    if r < 40 {
        format!("{}@{}", capitalise(local), capitalise(domain))
    } else if r < 55 {
        format!("{local}+{}@{domain}", app.name)
    } else if domain == DOMAIN && (r < 85 && app.domain_alias || r < 58) {
        // Without a domainAliases entry these match nobody: orphans, and
        // the person gets a create — the mess such exports really have.
        format!("{local}@{OLD_DOMAIN}")
    } else {
        email.to_owned()
    }
}

fn other_role(rng: &mut Rng, app: &App, not: Option<&str>) -> Option<&'static str> {
    let others: Vec<&'static str> = app.roles.iter().copied().filter(|r| Some(*r) != not).collect();
    if others.is_empty() {
        not.and_then(|n| app.roles.iter().copied().find(|r| *r == n))
    } else {
        Some(others[rng.index(others.len())])
    }
}

fn roman(p: &Person) -> String {
    format!("{} {}", capitalise(p.given_romaji()), capitalise(p.family_romaji()))
}

struct AccountMaker<'a> {
    org: &'a Org,
    app: &'a App,
    managed: Vec<String>,
    out: Vec<Acct>,
}

impl AccountMaker<'_> {
    fn person(&mut self, rng: &mut Rng, p: &Person, ent: Option<&Ent>, status: AStatus, last: Option<i32>) {
        let app = self.app;
        if app.format == Format::GitHub && p.github.is_none() {
            return; // GitHub rows are keyed by login; HR records none
        }
        let email = noisy_email(rng, &p.email, app);
        let login = match app.format {
            Format::GitHub => p.github.as_ref().map(|l| {
                if rng.chance(0.03) {
                    let mut c = l.clone();
                    c[..1].make_ascii_uppercase();
                    c
                } else {
                    l.clone()
                }
            }),
            _ => p.email.split('@').next().map(str::to_owned),
        };
        let ext_id = if rng.chance(0.03) {
            None
        } else if rng.chance(0.002) {
            // A typo: matches nobody, so the e-mail fallback decides (weak).
            Some(p.id.to_lowercase())
        } else {
            Some(p.id.clone())
        };
        let role = match ent {
            Some(e) if rng.chance(0.97) => e.role,
            Some(e) => other_role(rng, app, e.role),
            None => app.default_role.or(app.roles.first().copied()),
        };
        let mut groups: Vec<String> = ent.map(|e| e.groups.iter().cloned().collect()).unwrap_or_default();
        if !groups.is_empty() {
            if p.moved_on.is_some() && rng.chance(0.5) {
                // Still in the old team after a transfer.
                let i = rng.index(groups.len());
                groups.remove(i);
                let candidates: Vec<&String> =
                    self.managed.iter().filter(|m| ent.is_none_or(|e| !e.groups.contains(*m))).collect();
                if !candidates.is_empty() {
                    groups.push(candidates[rng.index(candidates.len())].clone());
                }
            } else if rng.chance(0.02) {
                let i = rng.index(groups.len());
                groups.remove(i);
            }
        }
        if rng.chance(0.1) {
            groups.push("all-hands".to_owned());
        }
        groups.sort();
        let dept = p.posts.first().map(|post| self.org.depts[post.dept].path.clone());
        self.out.push(Acct {
            email: Some(email),
            login,
            family: p.family_kanji().to_owned(),
            given: p.given_kanji().to_owned(),
            roman: roman(p),
            ext_id,
            status,
            role,
            groups,
            last,
            dept,
            emp: Some(p.emp.label()),
        });
    }

    fn orphan(&mut self, rng: &mut Rng, k: usize) {
        let p = &self.org.persons[rng.index(self.org.persons.len())];
        let (given, family) = (p.given_romaji(), p.family_romaji());
        let domain = if rng.chance(0.1) {
            "gmail.com"
        } else if rng.chance(0.2) {
            OLD_DOMAIN
        } else {
            DOMAIN
        };
        let status = if rng.chance(0.85) { AStatus::Active } else { AStatus::Suspended };
        self.out.push(Acct {
            email: Some(format!("{given}.{family}.{k}@{domain}")),
            login: Some(format!("gh-{given}{family}{k}")),
            family: p.family_kanji().to_owned(),
            given: p.given_kanji().to_owned(),
            roman: roman(p),
            ext_id: rng.chance(0.3).then(|| format!("X{k:05}")),
            status,
            role: self.app.default_role.or(self.app.roles.first().copied()),
            groups: Vec::new(),
            last: Some(self.org.today - rng.range(0, 400)),
            dept: None,
            emp: None,
        });
    }

    fn service(&mut self, email: &str, login: &str, status: AStatus) {
        self.out.push(Acct {
            email: (!email.is_empty()).then(|| email.to_owned()),
            login: Some(login.to_owned()),
            family: "システム".to_owned(),
            given: login.to_owned(),
            roman: login.to_owned(),
            ext_id: None,
            status,
            role: self.app.roles.last().copied(),
            groups: Vec::new(),
            last: Some(self.org.today - 1),
            dept: None,
            emp: None,
        });
    }
}

/// Every account of one app: people's (mostly agreeing with the
/// policies), orphans, bots and service accounts.
pub(super) fn app_accounts(
    org: &Org,
    app_idx: usize,
    app: &App,
    pols: &[PolicyDef],
    selected: &[Vec<u16>],
    rng: &mut Rng,
) -> Vec<Acct> {
    let mut m = AccountMaker { org, app, managed: org::managed_groups(app_idx, pols), out: Vec::new() };
    let lc = app.lifecycle;
    let today = org.today;
    for (pi, p) in org.persons.iter().enumerate() {
        if p.superseded {
            continue;
        }
        let ent = org::entitlement(app_idx, app, pols, &selected[pi]);
        let recent = Some(today - rng.range(0, 30));
        match p.phase(today) {
            Phase::Employed | Phase::OnLeave => {
                let Some(e) = &ent else {
                    if rng.chance(0.015) && (app.format != Format::GitHub || p.github.is_some()) {
                        m.person(rng, p, None, AStatus::Active, recent);
                    }
                    continue;
                };
                let on_leave = p.phase(today) == Phase::OnLeave;
                if p.earlier_record.is_some() {
                    // A rehire: half the apps still hold the suspended
                    // account of the earlier employment.
                    if rng.chance(0.5) && app.format != Format::GitHub {
                        m.person(rng, p, Some(e), AStatus::Suspended, None);
                        if let (Some(old), Some(a)) = (p.earlier_record, m.out.last_mut()) {
                            a.ext_id = Some(org.persons[old].id.clone());
                        }
                    } else {
                        m.person(rng, p, Some(e), AStatus::Active, recent);
                    }
                    continue;
                }
                if rng.chance(0.03) {
                    continue; // missing: keyward creates it
                }
                // Suspended for the leave, or by mistake (keyward restores it).
                let status = if (on_leave && lc.on_leave_suspend && rng.chance(0.6)) || rng.chance(0.004) {
                    AStatus::Suspended
                } else {
                    AStatus::Active
                };
                if status == AStatus::Suspended && app.format == Format::GitHub {
                    continue;
                }
                m.person(rng, p, Some(e), status, recent);
                if rng.chance(0.0005) {
                    // A second account of the same person.
                    m.person(rng, p, Some(e), AStatus::Active, recent);
                    if let Some(a) = m.out.last_mut() {
                        a.email = a.email.as_ref().map(|e| match e.split_once('@') {
                            Some((l, d)) => format!("{}+old@{d}", l.split('+').next().unwrap_or(l)),
                            None => e.clone(),
                        });
                        a.login = a.login.as_ref().map(|l| format!("{l}-old"));
                    }
                }
            }
            Phase::NotStarted { start } => {
                let Some(e) = &ent else { continue };
                let due = today >= start - lc.provision_before;
                if (due && rng.chance(0.35)) || (!due && rng.chance(0.05)) {
                    m.person(rng, p, Some(e), AStatus::Invited, None);
                }
            }
            Phase::Left { last_day } => {
                if ent.is_none() && !rng.chance(0.01) {
                    continue;
                }
                let first = lc.suspend.first_day(last_day);
                let last = Some(last_day - rng.range(0, 5));
                let status = if today < first {
                    AStatus::Active
                } else if lc.delete_after.is_some_and(|d| today >= (last_day + d).max(first)) {
                    if rng.chance(0.85) {
                        if rng.chance(0.1) {
                            AStatus::Deleted
                        } else {
                            continue; // already deleted
                        }
                    } else if rng.chance(0.02) {
                        AStatus::Active
                    } else {
                        AStatus::Suspended
                    }
                } else {
                    let active = if today - last_day <= 14 { 0.4 } else { 0.03 };
                    if rng.chance(active) { AStatus::Active } else { AStatus::Suspended }
                };
                let listed = match app.format {
                    Format::GitHub => status == AStatus::Active,
                    Format::Generic { .. } => true,
                    _ => status != AStatus::Deleted,
                };
                if listed {
                    m.person(rng, p, ent.as_ref(), status, last);
                }
            }
        }
    }
    let orphans = (m.out.len() / 100).max(1);
    for k in 0..orphans {
        m.orphan(rng, k + 1);
    }
    match app.format {
        Format::Slack => {
            m.service("", "slackbot", AStatus::Bot);
            m.service("jira@example.com", "jira-cloud", AStatus::Bot);
            m.service("svc-alerts@example.com", "svc-alerts", AStatus::Active);
            m.service("svc-pager@example.com", "svc-pager", AStatus::Active);
        }
        Format::Google => {
            m.service("admin-breakglass@example.com", "admin", AStatus::Active);
            m.service("svc-backup@example.com", "svc-backup", AStatus::Active);
        }
        Format::GitHub => {
            m.service("ci@example.com", "example-ci-bot", AStatus::Active);
            m.service("", "example-deploy-bot", AStatus::Active);
        }
        Format::Salesforce => {
            m.service("integration@example.com", "integration", AStatus::Active);
            m.service("admin-breakglass@example.com", "breakglass", AStatus::Active);
        }
        Format::Japanese { .. } => {
            m.service("svc-batch@example.com", "svc-batch", AStatus::Active);
        }
        Format::Generic { .. } => {
            m.service("integration@example.com", "integration", AStatus::Bot);
            m.service("svc-sync@example.com", "svc-sync", AStatus::Active);
        }
    }
    if let TransferTo::Account(a) = lc.transfer {
        m.service(a, "archive", AStatus::Active);
    }
    m.out
}
