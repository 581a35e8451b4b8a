//! `keyward-bench gen`: writes the synthetic organisation as files —
//! `hr/employees.csv`, `saas/app-NN.csv` and `policies/*.yaml` — the way a
//! real keyward policy repository and its exports look.
//!
//! Everything is derived from the seed through [`Rng`] streams and written
//! in a fixed order, so the same options give byte-identical files.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};

use crate::days;
use crate::org::{
    self, App, DOMAIN, Ent, Format, OLD_DOMAIN, Org, Person, Phase, PolicyDef, SuspendTiming, TransferTo,
};
use crate::rng::Rng;

/// What to generate.
#[derive(Debug, Clone)]
pub struct GenOptions {
    /// HR rows (current and former people).
    pub people: usize,
    /// Number of applications (at most [`MAX_APPS`]).
    pub apps: usize,
    /// PRNG seed.
    pub seed: u64,
}

/// The size of the app catalogue.
pub const MAX_APPS: usize = 20;

/// What was written.
#[derive(Debug, Clone)]
pub struct Summary {
    /// HR rows.
    pub people: usize,
    /// Departments.
    pub departments: usize,
    /// Access policies.
    pub policies: usize,
    /// Data rows per app export, by app name (a few are `deleted`
    /// accounts, which readers skip).
    pub rows: Vec<(String, usize)>,
}

impl Summary {
    /// All export rows.
    pub fn total_rows(&self) -> usize {
        self.rows.iter().map(|(_, n)| n).sum()
    }
}

/// The file that records how a data directory was generated.
pub const GENERATED_FILE: &str = "generated.txt";

/// Writes the organisation under `out`. Files of an earlier generation
/// that this one would not write (more apps before) are removed first.
pub fn generate(out: &Path, opts: &GenOptions) -> Result<Summary> {
    if opts.apps == 0 || opts.apps > MAX_APPS {
        bail!("--apps must be between 1 and {MAX_APPS}");
    }
    if opts.people < org::minimum_people() {
        bail!("--people must be at least {}", org::minimum_people());
    }
    let hr_dir = out.join("hr");
    let saas_dir = out.join("saas");
    let pol_dir = out.join("policies");
    for d in [&hr_dir, &saas_dir, &pol_dir] {
        std::fs::create_dir_all(d).with_context(|| format!("cannot create {}", d.display()))?;
    }
    clean(&saas_dir, |n| n.starts_with("app-") && n.ends_with(".csv"))?;
    clean(&pol_dir, |n| n.ends_with(".yaml"))?;

    let org = org::build(opts.people, opts.seed);
    let apps = org::apps(opts.apps);
    let pols = org::policies(org.divisions, apps.len());
    let selected = org::selected(&org, &pols);

    write_file(&hr_dir.join("employees.csv"), &hr_csv(&org))?;
    let mut rows = Vec::new();
    for (i, app) in apps.iter().enumerate() {
        let mut rng = Rng::derive(opts.seed, 1000 + i as u64);
        let accts = app_accounts(&org, i, app, &pols, &selected, &mut rng);
        let text = export(app, &accts, &mut rng);
        let path = saas_dir.join(format!("{}.csv", app.name));
        let n = text.lines().count().saturating_sub(1);
        if let Format::Japanese { sjis: true } = app.format {
            let (bytes, _, had_errors) = encoding_rs::SHIFT_JIS.encode(&text);
            if had_errors {
                bail!("{}: a character has no Shift_JIS form", path.display());
            }
            write_file(&path, &bytes)?;
        } else {
            write_file(&path, text.as_bytes())?;
        }
        rows.push((app.name.clone(), n));
    }

    write_file(&pol_dir.join("people.yaml"), people_yaml().as_bytes())?;
    for app in &apps {
        let text = app_yaml(app);
        write_file(&pol_dir.join(format!("{}.yaml", app.name)), text.as_bytes())?;
    }
    let mut files: BTreeMap<&str, String> = BTreeMap::new();
    for p in &pols {
        let file = if p.name.starts_with("division-") || p.name.starts_with("github-") {
            "access-divisions.yaml"
        } else if p.name.starts_with("sales-") || p.name.starts_with("corporate-") {
            "access-departments.yaml"
        } else {
            "access-company.yaml"
        };
        let text = files.entry(file).or_default();
        if !text.is_empty() {
            text.push_str("---\n");
        }
        text.push_str(&policy_yaml(p, &apps));
    }
    for (name, text) in &files {
        write_file(&pol_dir.join(name), text.as_bytes())?;
    }
    let ex = exceptions_yaml(&org, &apps);
    if !ex.is_empty() {
        write_file(&pol_dir.join("exceptions.yaml"), ex.as_bytes())?;
    }

    let summary = Summary { people: org.persons.len(), departments: org.depts.len(), policies: pols.len(), rows };
    let mut record = format!(
        "keyward-bench gen --out {} --people {} --apps {} --seed {}\n",
        out.display(),
        opts.people,
        opts.apps,
        opts.seed
    );
    let _ = writeln!(
        record,
        "{} people, {} departments, {} access policies, {} account rows in {} app exports, as of {}",
        summary.people,
        summary.departments,
        summary.policies,
        summary.total_rows(),
        summary.rows.len(),
        org::REFERENCE_DATE
    );
    for (name, n) in &summary.rows {
        let _ = writeln!(record, "{name}: {n}");
    }
    write_file(&out.join(GENERATED_FILE), record.as_bytes())?;
    Ok(summary)
}

fn clean(dir: &Path, ours: impl Fn(&str) -> bool) -> Result<()> {
    let entries = std::fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))?;
    for e in entries {
        let e = e.with_context(|| format!("cannot read {}", dir.display()))?;
        let name = e.file_name();
        if ours(&name.to_string_lossy()) {
            let path: PathBuf = e.path();
            std::fs::remove_file(&path).with_context(|| format!("cannot remove {}", path.display()))?;
        }
    }
    Ok(())
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let f = std::fs::File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    let mut w = std::io::BufWriter::with_capacity(1 << 20, f);
    w.write_all(bytes).and_then(|()| w.flush()).with_context(|| format!("cannot write {}", path.display()))
}

// ---------------------------------------------------------------- CSV

/// Appends one CSV field, quoted only when it must be.
fn cell(out: &mut String, s: &str) {
    if s.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&s.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(s);
    }
}

fn row(out: &mut String, fields: &[&str]) {
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        cell(out, f);
    }
    out.push('\n');
}

/// SmartHR's employee export: UTF-8 with BOM, Japanese headers.
fn hr_csv(org: &Org) -> Vec<u8> {
    let mut s = String::with_capacity(org.persons.len() * 160);
    s.push('\u{feff}');
    row(
        &mut s,
        &[
            "社員番号",
            "姓",
            "名",
            "メールアドレス",
            "部署",
            "役職",
            "雇用形態",
            "在籍状況",
            "入社年月日",
            "退職年月日",
            "上長社員番号",
            "異動日",
            "GitHubアカウント",
        ],
    );
    for p in &org.persons {
        let sep = if p.spaced_dept { " / " } else { "/" };
        let depts: Vec<String> = p.posts.iter().map(|post| org.depts[post.dept].path.replace('/', sep)).collect();
        let titles: Vec<&str> = p.posts.iter().map(|post| post.title).collect();
        let titles = if titles.iter().all(|t| t.is_empty()) { String::new() } else { titles.join(";") };
        let manager = p.manager.map(|m| org.persons[m].id.as_str()).unwrap_or_default();
        row(
            &mut s,
            &[
                &p.id,
                p.family_kanji(),
                p.given_kanji(),
                &p.email,
                &depts.join(";"),
                &titles,
                p.emp.label(),
                p.status_label,
                &days::slash(p.start),
                &p.end.map(days::slash).unwrap_or_default(),
                manager,
                &p.moved_on.map(days::slash).unwrap_or_default(),
                p.github_cell.as_deref().unwrap_or_default(),
            ],
        );
    }
    s.into_bytes()
}

// ---------------------------------------------------------------- accounts

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AStatus {
    Active,
    Invited,
    Suspended,
    Bot,
    Deleted,
}

/// One account, before it is laid out in an app's export format.
#[derive(Debug, Clone)]
struct Acct {
    email: Option<String>,
    /// Username / login.
    login: Option<String>,
    family: String,
    given: String,
    /// Romanised name, for English exports.
    roman: String,
    ext_id: Option<String>,
    status: AStatus,
    role: Option<&'static str>,
    groups: Vec<String>,
    last: Option<i32>,
    dept: Option<String>,
    emp: Option<&'static str>,
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
fn app_accounts(
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
fn export(app: &App, accts: &[Acct], rng: &mut Rng) -> String {
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

// ---------------------------------------------------------------- YAML

/// A YAML double-quoted scalar.
fn q(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            _ => out.push(c),
        }
    }
    out.push('"');
    out
}

fn people_yaml() -> String {
    r#"# The HR master: a SmartHR employee export (generated by keyward-bench).
apiVersion: keyward.io/v1alpha1
kind: PeopleSource
metadata:
  name: smarthr
spec:
  csv:
    path: ../hr/employees.csv
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
      attributes:
        github: GitHubアカウント
    dateFormats:
      - "%Y/%m/%d"
      - "%Y-%m-%d"
    listSeparator: ";"
    departmentSeparator: /
    values:
      employmentType:
        正社員: full-time
        契約社員: contract
        アルバイト: part-time
        派遣社員: temp
        業務委託: contractor
      status:
        在籍: active
        入社予定: active
        休職中: on-leave
        退職済み: terminated
"#
    .to_owned()
}

fn days_word(n: i32) -> String {
    format!("{n}d")
}

fn app_yaml(app: &App) -> String {
    let mut y = String::new();
    let _ = writeln!(y, "# {} — user export read by the csvExport connector.", app.display);
    y.push_str("apiVersion: keyward.io/v1alpha1\nkind: Application\nmetadata:\n");
    let _ = writeln!(y, "  name: {}", app.name);
    y.push_str("spec:\n");
    let _ = writeln!(y, "  displayName: {}", q(app.display));
    let _ = writeln!(y, "  owner: {}", app.owner);
    y.push_str("  connector:\n    csvExport:\n");
    let _ = writeln!(y, "      path: ../saas/{}.csv", app.name);
    let cols: &[(&str, &str)];
    let mut employee_id = false;
    let mut github = false;
    let mut protect: Vec<(&str, String, &str)> = Vec::new();
    match app.format {
        Format::Slack => {
            cols = &[
                ("id", "userid"),
                ("username", "username"),
                ("email", "email"),
                ("displayName", "fullname"),
                ("status", "status"),
                ("role", "status"),
            ];
            protect.push(("username", "^slackbot$".to_owned(), "Slack's own bot"));
            protect.push(("username", "^svc-".to_owned(), "service accounts that hold a seat on purpose"));
        }
        Format::Google => {
            cols = &[
                ("id", "Email Address [Required]"),
                ("email", "Email Address [Required]"),
                ("externalId", "Employee ID"),
                ("status", "Status [READ ONLY]"),
                ("lastActive", "Last Sign In [READ ONLY]"),
            ];
            employee_id = true;
            protect.push(("email", "^admin-breakglass@".to_owned(), "break-glass super admin"));
            protect.push(("email", "^svc-".to_owned(), "service accounts"));
        }
        Format::GitHub => {
            cols = &[
                ("id", "login"),
                ("username", "login"),
                ("displayName", "name"),
                ("email", "email"),
                ("role", "role"),
                ("groups", "teams"),
                ("lastActive", "last_active"),
            ];
            github = true;
            protect.push(("username", "-bot$".to_owned(), "machine users for CI and deployments"));
        }
        Format::Salesforce => {
            cols = &[
                ("id", "Username"),
                ("email", "Email"),
                ("displayName", "Full Name"),
                ("role", "Profile"),
                ("groups", "Role"),
                ("status", "Active"),
                ("lastActive", "Last Login"),
                ("externalId", "Employee Number"),
            ];
            employee_id = true;
            protect.push((
                "email",
                "^(integration|admin-breakglass)@".to_owned(),
                "integration user and break-glass admin",
            ));
        }
        Format::Japanese { .. } => {
            cols = &[
                ("id", "ユーザーID"),
                ("email", "メールアドレス"),
                ("displayName", "氏名"),
                ("role", "権限"),
                ("status", "ステータス"),
                ("groups", "グループ"),
                ("lastActive", "最終ログイン日時"),
            ];
            protect.push(("email", "^svc-".to_owned(), "バッチ用のサービスアカウント"));
        }
        Format::Generic { employee_number } => {
            cols = if employee_number {
                &[
                    ("id", "id"),
                    ("email", "email"),
                    ("displayName", "name"),
                    ("role", "role"),
                    ("status", "status"),
                    ("groups", "groups"),
                    ("lastActive", "last_login"),
                    ("externalId", "employee_number"),
                ]
            } else {
                &[
                    ("id", "id"),
                    ("email", "email"),
                    ("displayName", "name"),
                    ("role", "role"),
                    ("status", "status"),
                    ("groups", "groups"),
                    ("lastActive", "last_login"),
                ]
            };
            employee_id = employee_number;
            protect.push(("email", "^svc-".to_owned(), "service accounts"));
        }
    }
    if let TransferTo::Account(a) = app.lifecycle.transfer {
        let local = a.split('@').next().unwrap_or(a);
        protect.push(("email", format!("^{local}@"), "receives leavers' data"));
    }
    y.push_str("      columns:\n");
    for (k, v) in cols {
        let _ = writeln!(y, "        {k}: {}", q(v));
    }
    match app.format {
        Format::Slack => {
            y.push_str(
                "      statusValues:\n        active: [Primary Owner, Owner, Admin, Member, Multi-Channel Guest, Single-Channel Guest]\n        suspended: [Deactivated]\n        bot: [Bot]\n",
            );
            y.push_str(
                "      roleValues:\n        Primary Owner: admin\n        Owner: admin\n        Admin: admin\n        Member: member\n        Multi-Channel Guest: guest\n        Single-Channel Guest: guest\n",
            );
        }
        Format::Google => {
            y.push_str("      statusValues:\n        active: [Active]\n        suspended: [Suspended]\n");
        }
        Format::Salesforce => {
            y.push_str("      statusValues:\n        active: [\"true\"]\n        suspended: [\"false\"]\n");
            y.push_str(
                "      roleValues:\n        Read Only: read-only\n        Standard User: standard\n        Sales Manager: manager\n",
            );
        }
        Format::Japanese { .. } if !app.roles.is_empty() => {
            y.push_str("      roleValues:\n        管理者: admin\n        メンバー: member\n        閲覧者: viewer\n");
        }
        _ => {}
    }
    y.push_str("  correlate:\n");
    if employee_id {
        y.push_str("    - employeeId: {}\n");
    }
    if github {
        y.push_str("    - attribute:\n        attribute: github\n        accountField: username\n");
    }
    if app.domain_alias {
        let _ = writeln!(y, "    - email:\n        domainAliases:\n          {OLD_DOMAIN}: {DOMAIN}");
    } else {
        y.push_str("    - email: {}\n");
    }
    y.push_str("  protect:\n");
    for (field, pattern, reason) in &protect {
        let _ = writeln!(y, "    - {field}: {}\n      reason: {}", q(pattern), q(reason));
    }
    if !app.roles.is_empty() {
        let _ = writeln!(y, "  roles: [{}]", app.roles.join(", "));
    }
    if let Some(d) = app.default_role {
        let _ = writeln!(y, "  defaultRole: {d}");
    }
    let lc = app.lifecycle;
    y.push_str("  lifecycle:\n");
    let _ = writeln!(y, "    provisionBefore: {}", days_word(lc.provision_before));
    let _ = writeln!(y, "    onLeave: {}", if lc.on_leave_suspend { "suspend" } else { "keep" });
    if lc.mover_grace > 0 {
        let _ = writeln!(y, "    moverGrace: {}", days_word(lc.mover_grace));
    }
    let _ = writeln!(y, "    ungranted: {}", if lc.ungranted_suspend { "suspend" } else { "review" });
    y.push_str("    offboarding:\n");
    let suspend = match lc.suspend {
        SuspendTiming::OnLastDay => "onLastDay".to_owned(),
        SuspendTiming::AfterLastDay => "afterLastDay".to_owned(),
        SuspendTiming::DaysAfter(n) => days_word(n),
    };
    let _ = writeln!(y, "      suspend: {suspend}");
    match lc.transfer {
        TransferTo::Nobody => {}
        TransferTo::Manager => y.push_str("      transferTo: manager\n"),
        TransferTo::Account(a) => {
            let _ = writeln!(y, "      transferTo: {a}");
        }
    }
    let _ = writeln!(y, "      deleteAfter: {}", lc.delete_after.map_or_else(|| "never".to_owned(), days_word));
    if let Some((monthly, currency)) = app.seat_cost {
        let _ = writeln!(y, "  seatCost:\n    monthly: {monthly}\n    currency: {currency}");
    }
    y
}

fn policy_yaml(p: &PolicyDef, apps: &[App]) -> String {
    let mut y = String::new();
    y.push_str("apiVersion: keyward.io/v1alpha1\nkind: AccessPolicy\nmetadata:\n");
    let _ = writeln!(y, "  name: {}", p.name);
    y.push_str("spec:\n");
    let _ = writeln!(y, "  description: {}", q(&p.description));
    y.push_str("  select:");
    if p.depts.is_empty() && p.title.is_none() && p.emp.is_empty() && !p.needs_github {
        y.push_str(" {}\n");
    } else {
        y.push('\n');
    }
    if !p.depts.is_empty() {
        y.push_str("    department:\n");
        for d in &p.depts {
            let _ = writeln!(y, "      - {}", q(&d.written()));
        }
    }
    if let Some(t) = &p.title {
        let _ = writeln!(y, "    title: {}", q(&t.regex()));
    }
    if !p.emp.is_empty() {
        let words: Vec<&str> = p.emp.iter().map(|e| e.word()).collect();
        let _ = writeln!(y, "    employmentType: [{}]", words.join(", "));
    }
    if p.needs_github {
        y.push_str("    attributes:\n      github: \".+\"\n");
    }
    y.push_str("  grant:\n");
    for gr in &p.grants {
        let _ = writeln!(y, "    - app: {}", apps[gr.app].name);
        if let Some(r) = gr.role {
            let _ = writeln!(y, "      role: {r}");
        }
        if !gr.groups.is_empty() {
            let groups: Vec<String> = gr.groups.iter().map(|g| q(g)).collect();
            let _ = writeln!(y, "      groups: [{}]", groups.join(", "));
        }
    }
    y
}

/// One Exception to write; `app` is 1-based.
struct ExceptionDef<'a> {
    kind: &'static str,
    person: Option<&'a Person>,
    app: usize,
    role: Option<&'static str>,
    from: Option<i32>,
    until: i32,
    reason: &'static str,
}

/// A handful of Exceptions: a leaver's hand-over, a cross-team project, a
/// contractor's audit access, and one that has expired.
fn exceptions_yaml(org: &Org, apps: &[App]) -> String {
    let today = org.today;
    let find = |from: usize, ok: &dyn Fn(&Person) -> bool| -> Option<&Person> {
        let n = org.persons.len();
        (0..n).map(|i| &org.persons[(from + i) % n]).find(|p| !p.superseded && ok(p))
    };
    let n = org.persons.len();
    let leaver = find(n / 3, &|p| matches!(p.phase(today), Phase::Left { last_day } if today - last_day <= 20));
    let engineer = find(n / 2, &|p| p.phase(today) == Phase::Employed && p.github.is_some());
    let contractor = find(n / 5, &|p| p.phase(today) == Phase::Employed && p.emp == org::Emp::Contractor);
    let someone = find(n / 7, &|p| p.phase(today) == Phase::Employed);
    let items = [
        ExceptionDef {
            kind: "handover",
            person: leaver,
            app: 2,
            role: None,
            from: None,
            until: today + 30,
            reason: "引き継ぎのため退職後30日間メールを残す",
        },
        ExceptionDef {
            kind: "project",
            person: engineer,
            app: 12,
            role: Some("read-only"),
            from: Some(today - 10),
            until: today + 60,
            reason: "顧客データ連携プロジェクトのため",
        },
        ExceptionDef {
            kind: "audit",
            person: contractor,
            app: 16,
            role: Some("viewer"),
            from: None,
            until: today + 90,
            reason: "外部監査の期間中のみ",
        },
        ExceptionDef {
            kind: "expired",
            person: someone,
            app: 3,
            role: Some("licensed"),
            from: Some(today - 60),
            until: today - 5,
            reason: "ウェビナー開催のため(終了済み)",
        },
    ];
    let mut y = String::new();
    for ExceptionDef { kind, person, app, role, from, until, reason } in items {
        let (Some(p), Some(a)) = (person, apps.get(app - 1)) else {
            continue;
        };
        if !y.is_empty() {
            y.push_str("---\n");
        }
        y.push_str("apiVersion: keyward.io/v1alpha1\nkind: Exception\nmetadata:\n");
        let _ = writeln!(y, "  name: {kind}-{}", p.id.to_lowercase());
        y.push_str("spec:\n");
        let _ = writeln!(y, "  person: {}", q(&p.id));
        let _ = writeln!(y, "  grant:\n    - app: {}", a.name);
        if let Some(r) = role {
            let _ = writeln!(y, "      role: {r}");
        }
        if let Some(f) = from {
            let _ = writeln!(y, "  from: {}", days::iso(f));
        }
        let _ = writeln!(y, "  until: {}", days::iso(until));
        let _ = writeln!(y, "  reason: {}", q(reason));
        y.push_str("  approver: jinji@example.com\n");
    }
    y
}
