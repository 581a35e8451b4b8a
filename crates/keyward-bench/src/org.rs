//! The synthetic organisation: departments, people, applications and
//! access policies, as plain data. The generator writes it out as an HR
//! export, SaaS exports and policy files; it also evaluates the policies
//! itself (a deliberately small re-implementation of the selector rules)
//! so that most accounts agree with the policies and the plan has a
//! realistic, small share of changes.

use std::collections::{BTreeSet, HashMap};

use crate::days;
use crate::rng::Rng;

/// The day the data is generated for; `run --at` defaults to it.
pub const REFERENCE_DATE: &str = "2026-11-23";

pub(crate) fn reference_day() -> i32 {
    days::from_civil(2026, 11, 23)
}

// ---------------------------------------------------------------- vocabulary

/// Employment types, with SmartHR's labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Emp {
    FullTime,
    Contract,
    PartTime,
    Temp,
    Contractor,
}

impl Emp {
    pub(crate) fn label(self) -> &'static str {
        match self {
            Self::FullTime => "正社員",
            Self::Contract => "契約社員",
            Self::PartTime => "アルバイト",
            Self::Temp => "派遣社員",
            Self::Contractor => "業務委託",
        }
    }

    pub(crate) fn word(self) -> &'static str {
        match self {
            Self::FullTime => "full-time",
            Self::Contract => "contract",
            Self::PartTime => "part-time",
            Self::Temp => "temp",
            Self::Contractor => "contractor",
        }
    }
}

const STAFF: &[Emp] = &[Emp::FullTime, Emp::Contract, Emp::PartTime];
const REGULAR: &[Emp] = &[Emp::FullTime, Emp::Contract];
const EXTERNAL: &[Emp] = &[Emp::Temp, Emp::Contractor];

/// HR status as written in the export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Status {
    Active,
    OnLeave,
    Left,
}

/// A person's situation on the reference day (mirrors keyward's `Phase`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Phase {
    NotStarted { start: i32 },
    Employed,
    OnLeave,
    Left { last_day: i32 },
}

/// What a division does; decides titles and apps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Executive,
    Sales,
    Engineering,
    Design,
    Corporate,
    Planning,
    Support,
    Hr,
}

/// Division kinds by division number (1-based); sizes are relative weights.
const DIVISIONS: [(Kind, u32); 10] = [
    (Kind::Sales, 14),
    (Kind::Sales, 12),
    (Kind::Engineering, 14),
    (Kind::Engineering, 12),
    (Kind::Engineering, 10),
    (Kind::Design, 6),
    (Kind::Corporate, 8),
    (Kind::Planning, 6),
    (Kind::Support, 12),
    (Kind::Hr, 6),
];

const DEPTS_PER_DIVISION: usize = 4;
const SECTIONS_PER_DEPT: usize = 4;

const FAMILY: [(&str, &str); 50] = [
    ("佐藤", "sato"),
    ("鈴木", "suzuki"),
    ("高橋", "takahashi"),
    ("田中", "tanaka"),
    ("伊藤", "ito"),
    ("渡辺", "watanabe"),
    ("山本", "yamamoto"),
    ("中村", "nakamura"),
    ("小林", "kobayashi"),
    ("加藤", "kato"),
    ("吉田", "yoshida"),
    ("山田", "yamada"),
    ("佐々木", "sasaki"),
    ("山口", "yamaguchi"),
    ("松本", "matsumoto"),
    ("井上", "inoue"),
    ("木村", "kimura"),
    ("林", "hayashi"),
    ("斎藤", "saito"),
    ("清水", "shimizu"),
    ("山崎", "yamazaki"),
    ("森", "mori"),
    ("池田", "ikeda"),
    ("橋本", "hashimoto"),
    ("阿部", "abe"),
    ("石川", "ishikawa"),
    ("山下", "yamashita"),
    ("中島", "nakajima"),
    ("石井", "ishii"),
    ("小川", "ogawa"),
    ("前田", "maeda"),
    ("岡田", "okada"),
    ("長谷川", "hasegawa"),
    ("藤田", "fujita"),
    ("後藤", "goto"),
    ("近藤", "kondo"),
    ("村上", "murakami"),
    ("遠藤", "endo"),
    ("青木", "aoki"),
    ("坂本", "sakamoto"),
    ("斉藤", "saito"),
    ("福田", "fukuda"),
    ("太田", "ota"),
    ("西村", "nishimura"),
    ("藤井", "fujii"),
    ("金子", "kaneko"),
    ("岡本", "okamoto"),
    ("藤原", "fujiwara"),
    ("中野", "nakano"),
    ("三浦", "miura"),
];

const GIVEN: [(&str, &str); 50] = [
    ("翔太", "shota"),
    ("蓮", "ren"),
    ("大翔", "hiroto"),
    ("陽斗", "haruto"),
    ("健一", "kenichi"),
    ("誠", "makoto"),
    ("直樹", "naoki"),
    ("修", "osamu"),
    ("大輔", "daisuke"),
    ("拓也", "takuya"),
    ("亮", "ryo"),
    ("和也", "kazuya"),
    ("隆", "takashi"),
    ("浩", "hiroshi"),
    ("学", "manabu"),
    ("悠真", "yuma"),
    ("湊", "minato"),
    ("樹", "itsuki"),
    ("蒼太", "sota"),
    ("健太", "kenta"),
    ("陽菜", "hina"),
    ("結衣", "yui"),
    ("葵", "aoi"),
    ("さくら", "sakura"),
    ("美咲", "misaki"),
    ("恵", "megumi"),
    ("彩", "aya"),
    ("愛", "ai"),
    ("真由美", "mayumi"),
    ("裕子", "yuko"),
    ("直美", "naomi"),
    ("智子", "tomoko"),
    ("由美", "yumi"),
    ("麻衣", "mai"),
    ("千夏", "chinatsu"),
    ("沙織", "saori"),
    ("明美", "akemi"),
    ("陽子", "yoko"),
    ("里美", "satomi"),
    ("杏", "an"),
    ("凛", "rin"),
    ("芽衣", "mei"),
    ("彩花", "ayaka"),
    ("七海", "nanami"),
    ("美羽", "miu"),
    ("莉子", "riko"),
    ("花子", "hanako"),
    ("太郎", "taro"),
    ("次郎", "jiro"),
    ("三郎", "saburo"),
];

const CONTRACTOR_DOMAINS: [&str; 4] = ["partner-a.co.jp", "partner-b.com", "freelance-jp.net", "devhouse.io"];
const TEMP_DOMAIN: &str = "staff.haken-agency.co.jp";
/// The company's domain, and the pre-merger domain some accounts still use.
pub(crate) const DOMAIN: &str = "example.com";
pub(crate) const OLD_DOMAIN: &str = "example.co.jp";

// ---------------------------------------------------------------- people

/// A department: its path with `/` between levels.
#[derive(Debug, Clone)]
pub(crate) struct Dept {
    pub(crate) path: String,
}

/// One post: department index and title (empty = none).
#[derive(Debug, Clone)]
pub(crate) struct Post {
    pub(crate) dept: usize,
    pub(crate) title: &'static str,
}

/// One row of the HR export.
#[derive(Debug, Clone)]
pub(crate) struct Person {
    pub(crate) id: String,
    pub(crate) family: usize,
    pub(crate) given: usize,
    /// The e-mail as HR has it (unique without regard to case).
    pub(crate) email: String,
    pub(crate) posts: Vec<Post>,
    pub(crate) emp: Emp,
    pub(crate) status: Status,
    pub(crate) status_label: &'static str,
    pub(crate) start: i32,
    pub(crate) end: Option<i32>,
    pub(crate) manager: Option<usize>,
    pub(crate) moved_on: Option<i32>,
    /// The GitHub login (canonical, lowercase).
    pub(crate) github: Option<String>,
    /// How HR wrote it (case, a leading `@`).
    pub(crate) github_cell: Option<String>,
    /// For a rehire: the index of the earlier record.
    pub(crate) earlier_record: Option<usize>,
    /// This row is an earlier employment of someone rehired later; keyward
    /// folds it into the current record.
    pub(crate) superseded: bool,
    /// Department cell written with spaces around `/` (export noise).
    pub(crate) spaced_dept: bool,
}

impl Person {
    pub(crate) fn phase(&self, today: i32) -> Phase {
        if let Some(end) = self.end
            && today > end
        {
            return Phase::Left { last_day: end };
        }
        if today < self.start {
            return Phase::NotStarted { start: self.start };
        }
        match self.status {
            Status::OnLeave => Phase::OnLeave,
            _ => Phase::Employed,
        }
    }

    pub(crate) fn family_kanji(&self) -> &'static str {
        FAMILY[self.family].0
    }

    pub(crate) fn given_kanji(&self) -> &'static str {
        GIVEN[self.given].0
    }

    pub(crate) fn family_romaji(&self) -> &'static str {
        FAMILY[self.family].1
    }

    pub(crate) fn given_romaji(&self) -> &'static str {
        GIVEN[self.given].1
    }
}

/// The whole organisation.
#[derive(Debug)]
pub(crate) struct Org {
    pub(crate) depts: Vec<Dept>,
    pub(crate) persons: Vec<Person>,
    pub(crate) divisions: usize,
    pub(crate) today: i32,
}

fn division_name(d: usize) -> String {
    format!("本部{d:02}")
}

pub(crate) fn division_kind(d: usize) -> Kind {
    if d == 0 {
        return Kind::Executive;
    }
    DIVISIONS[(d - 1) % DIVISIONS.len()].0
}

/// Number of divisions for an organisation of `people`: ten for a real
/// company, fewer for test-sized ones so heads do not crowd out staff.
fn divisions_for(people: usize) -> usize {
    (people / 2000).clamp(1, DIVISIONS.len())
}

/// Heads (CEO, division, department and section heads) for `divisions`.
fn heads_for(divisions: usize) -> usize {
    1 + divisions * (1 + DEPTS_PER_DIVISION * (1 + SECTIONS_PER_DEPT))
}

/// The smallest organisation `build` accepts.
pub(crate) fn minimum_people() -> usize {
    heads_for(1) + 20
}

struct Namer {
    emails: HashMap<String, u32>,
    logins: HashMap<String, u32>,
}

impl Namer {
    /// `given.family@domain`, numbered from the second of a name.
    fn email(&mut self, given: &str, family: &str, domain: &str) -> String {
        let base = format!("{given}.{family}@{domain}");
        let n = self.emails.entry(base).or_insert(0);
        *n += 1;
        if *n == 1 { format!("{given}.{family}@{domain}") } else { format!("{given}.{family}{n}@{domain}") }
    }

    fn login(&mut self, given: &str, family: &str) -> String {
        let base = format!("{given}-{family}");
        let n = self.logins.entry(base).or_insert(0);
        *n += 1;
        if *n == 1 { format!("{given}-{family}") } else { format!("{given}-{family}{n}") }
    }
}

fn title_for(rng: &mut Rng, kind: Kind, emp: Emp) -> &'static str {
    if matches!(emp, Emp::Temp | Emp::Contractor) {
        let t: &[(&str, u32)] = match kind {
            Kind::Engineering => &[("エンジニア", 60), ("", 40)],
            Kind::Design => &[("デザイナー", 50), ("", 50)],
            _ => &[("担当", 40), ("", 60)],
        };
        return rng.choose(t, "");
    }
    let t: &[(&str, u32)] = match kind {
        Kind::Engineering => &[
            ("エンジニア", 40),
            ("シニアエンジニア", 15),
            ("テックリード", 5),
            ("", 25),
            ("主任", 10),
            ("マネージャー", 5),
        ],
        Kind::Design => &[("デザイナー", 35), ("プロダクトマネージャー", 15), ("", 30), ("主任", 10), ("リーダー", 10)],
        Kind::Sales => &[("営業", 45), ("", 20), ("主任", 15), ("リーダー", 10), ("マネージャー", 10)],
        Kind::Support => &[("サポート", 50), ("", 20), ("リーダー", 15), ("主任", 15)],
        _ => &[("担当", 40), ("", 30), ("主任", 15), ("リーダー", 10), ("マネージャー", 5)],
    };
    rng.choose(t, "")
}

/// A department's index and the indexes of its sections.
type DeptNode = (usize, Vec<usize>);

/// Builds the organisation: `people` HR rows in total.
pub(crate) fn build(people: usize, seed: u64) -> Org {
    let today = reference_day();
    let divisions = divisions_for(people);
    let mut rng = Rng::derive(seed, 0);

    // Departments: 社長室, then per division its department tree.
    let mut depts = vec![Dept { path: "社長室".to_owned() }];
    // Per division: (division dept, [(dept, [sections])]).
    let mut tree: Vec<(usize, Vec<DeptNode>)> = Vec::new();
    for d in 1..=divisions {
        let div_path = division_name(d);
        let div_idx = depts.len();
        depts.push(Dept { path: div_path.clone() });
        let mut ds = Vec::new();
        for j in 1..=DEPTS_PER_DIVISION {
            let dept_path = format!("{div_path}/部{j:02}");
            let dept_idx = depts.len();
            depts.push(Dept { path: dept_path.clone() });
            let mut secs = Vec::new();
            for k in 1..=SECTIONS_PER_DEPT {
                secs.push(depts.len());
                depts.push(Dept { path: format!("{dept_path}/課{k:02}") });
            }
            ds.push((dept_idx, secs));
        }
        tree.push((div_idx, ds));
    }

    let mut namer = Namer { emails: HashMap::new(), logins: HashMap::new() };
    let mut persons: Vec<Person> = Vec::with_capacity(people);
    let push = |persons: &mut Vec<Person>, mut p: Person| -> usize {
        p.id = format!("E{:06}", persons.len() + 1);
        persons.push(p);
        persons.len() - 1
    };
    let new_person = |rng: &mut Rng, namer: &mut Namer, emp: Emp, dept: usize, title| {
        let family = rng.index(FAMILY.len());
        let given = rng.index(GIVEN.len());
        let domain = match emp {
            Emp::Contractor => CONTRACTOR_DOMAINS[rng.index(CONTRACTOR_DOMAINS.len())],
            Emp::Temp => TEMP_DOMAIN,
            _ => DOMAIN,
        };
        let email = namer.email(GIVEN[given].1, FAMILY[family].1, domain);
        Person {
            id: String::new(),
            family,
            given,
            email,
            posts: vec![Post { dept, title }],
            emp,
            status: Status::Active,
            status_label: "在籍",
            start: today - rng.range(3650, 9000),
            end: None,
            manager: None,
            moved_on: None,
            github: None,
            github_cell: None,
            earlier_record: None,
            superseded: false,
            spaced_dept: false,
        }
    };

    // Heads: long-tenured full-time staff.
    let ceo = new_person(&mut rng, &mut namer, Emp::FullTime, 0, "代表取締役社長");
    let ceo = push(&mut persons, ceo);
    // section dept index → head person index, for managers.
    let mut head_of: HashMap<usize, usize> = HashMap::new();
    for (div_idx, ds) in &tree {
        let h = new_person(&mut rng, &mut namer, Emp::FullTime, *div_idx, "本部長");
        let div_head = push(&mut persons, h);
        persons[div_head].manager = Some(ceo);
        head_of.insert(*div_idx, div_head);
        for (dept_idx, secs) in ds {
            let h = new_person(&mut rng, &mut namer, Emp::FullTime, *dept_idx, "部長");
            let dept_head = push(&mut persons, h);
            persons[dept_head].manager = Some(div_head);
            head_of.insert(*dept_idx, dept_head);
            for s in secs {
                let h = new_person(&mut rng, &mut namer, Emp::FullTime, *s, "課長");
                let sec_head = push(&mut persons, h);
                persons[sec_head].manager = Some(dept_head);
                head_of.insert(*s, sec_head);
            }
        }
    }

    let weights: Vec<u32> = DIVISIONS[..divisions].iter().map(|(_, w)| *w).collect();
    let all_sections: Vec<usize> =
        tree.iter().flat_map(|(_, ds)| ds.iter().flat_map(|(_, secs)| secs.iter().copied())).collect();
    while persons.len() < people {
        let d = rng.weighted(&weights);
        let (_, ds) = &tree[d];
        let (dept_idx, secs) = &ds[rng.index(ds.len())];
        let at_dept_level = rng.chance(0.03);
        let dept = if at_dept_level { *dept_idx } else { secs[rng.index(secs.len())] };
        let emp = rng.choose(
            &[(Emp::FullTime, 72), (Emp::Contract, 8), (Emp::PartTime, 5), (Emp::Temp, 5), (Emp::Contractor, 10)],
            Emp::FullTime,
        );
        let kind = division_kind(d + 1);
        let title = title_for(&mut rng, kind, emp);
        let mut p = new_person(&mut rng, &mut namer, emp, dept, title);
        p.manager = if rng.chance(0.003) { None } else { head_of.get(&dept).copied() };
        p.spaced_dept = rng.chance(0.02);
        let github_rate = match kind {
            Kind::Engineering | Kind::Design => 0.92,
            _ => 0.02,
        };
        if rng.chance(github_rate) {
            let login = namer.login(p.given_romaji(), p.family_romaji());
            let cell = if rng.chance(0.03) {
                let mut c = login.clone();
                c[..1].make_ascii_uppercase();
                c
            } else if rng.chance(0.02) {
                format!("@{login}")
            } else {
                login.clone()
            };
            p.github = Some(login);
            p.github_cell = Some(cell);
        }
        let roll = rng.below(10_000);
        match roll {
            0..800 => {
                let end = today - rng.range(1, 731);
                p.status = Status::Left;
                p.status_label = "退職済み";
                p.end = Some(end);
                p.start = end - rng.range(180, 5000);
            }
            800..1100 => {
                p.status = Status::OnLeave;
                p.status_label = "休職中";
            }
            1100..1200 => {
                p.status_label = if rng.chance(0.5) { "入社予定" } else { "在籍" };
                p.start = today + rng.range(1, 46);
            }
            1200..1250 => {
                // Resignation filed, still working until the last day.
                p.end = Some(today + rng.range(0, 31));
            }
            _ => {
                p.start = today - rng.range(30, 7300);
                if rng.chance(0.06) {
                    p.moved_on = Some(today - rng.range(0, 120));
                }
                if rng.chance(0.015) && !all_sections.is_empty() {
                    // 兼務: a second post elsewhere; both titles written so
                    // the two lists stay aligned.
                    let other = all_sections[rng.index(all_sections.len())];
                    if other != dept {
                        if p.posts[0].title.is_empty() {
                            p.posts[0].title = "担当";
                        }
                        p.posts.push(Post { dept: other, title: "兼務" });
                    }
                }
                if rng.chance(0.001) && persons.len() + 2 <= people {
                    // A rehire with a new employee number: the earlier
                    // record (same e-mail) ended before the new start.
                    p.start = today - rng.range(30, 600);
                    let mut old = p.clone();
                    old.status = Status::Left;
                    old.status_label = "退職済み";
                    old.end = Some(p.start - rng.range(30, 1500));
                    old.start = old.end.unwrap_or(p.start) - rng.range(200, 3000);
                    old.moved_on = None;
                    old.superseded = true;
                    let old_idx = push(&mut persons, old);
                    p.earlier_record = Some(old_idx);
                }
            }
        }
        push(&mut persons, p);
    }
    Org { depts, persons, divisions, today }
}

// ---------------------------------------------------------------- applications

/// The layout of an app's user export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    /// Slack's member list: status and role mixed in one column.
    Slack,
    /// Google Workspace's user download (bulk-upload headers).
    Google,
    /// A GitHub organisation's people list: no status column.
    GitHub,
    /// Salesforce's user report: `Active` true/false, profiles as roles.
    Salesforce,
    /// A Japanese admin screen's export (Shift_JIS when `sjis`).
    Japanese { sjis: bool },
    /// A plain English export; `employee_number` adds the HR id column.
    Generic { employee_number: bool },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SuspendTiming {
    OnLastDay,
    AfterLastDay,
    DaysAfter(i32),
}

impl SuspendTiming {
    pub(crate) fn first_day(self, last: i32) -> i32 {
        match self {
            Self::OnLastDay => last,
            Self::AfterLastDay => last + 1,
            Self::DaysAfter(n) => last + n,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TransferTo {
    Nobody,
    Manager,
    Account(&'static str),
}

/// Lifecycle settings of one app.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Lifecycle {
    pub(crate) provision_before: i32,
    pub(crate) on_leave_suspend: bool,
    pub(crate) mover_grace: i32,
    pub(crate) ungranted_suspend: bool,
    pub(crate) suspend: SuspendTiming,
    pub(crate) transfer: TransferTo,
    pub(crate) delete_after: Option<i32>,
}

const LC: Lifecycle = Lifecycle {
    provision_before: 0,
    on_leave_suspend: false,
    mover_grace: 0,
    ungranted_suspend: false,
    suspend: SuspendTiming::AfterLastDay,
    transfer: TransferTo::Nobody,
    delete_after: None,
};

/// One SaaS application.
#[derive(Debug, Clone)]
pub(crate) struct App {
    /// `app-01`.
    pub(crate) name: String,
    pub(crate) display: &'static str,
    pub(crate) owner: &'static str,
    pub(crate) format: Format,
    /// Least to most privileged.
    pub(crate) roles: &'static [&'static str],
    pub(crate) default_role: Option<&'static str>,
    pub(crate) lifecycle: Lifecycle,
    /// Accounts on the pre-merger domain count as the current one.
    pub(crate) domain_alias: bool,
    pub(crate) seat_cost: Option<(u32, &'static str)>,
}

impl App {
    pub(crate) fn rank(&self, role: &str) -> usize {
        self.roles.iter().position(|r| *r == role).unwrap_or(0)
    }
}

/// The app catalogue; `count` ≤ 20 takes the first ones.
pub(crate) fn apps(count: usize) -> Vec<App> {
    use Format::*;
    let catalogue = [
        App {
            name: String::new(),
            display: "Slack",
            owner: "it-admin@example.com",
            format: Slack,
            roles: &["guest", "member", "admin"],
            default_role: Some("member"),
            lifecycle: Lifecycle { provision_before: 3, ..LC },
            domain_alias: true,
            seat_cost: Some((1050, "JPY")),
        },
        App {
            name: String::new(),
            display: "Google Workspace",
            owner: "it-admin@example.com",
            format: Google,
            roles: &[],
            default_role: None,
            lifecycle: Lifecycle {
                provision_before: 7,
                mover_grace: 30,
                transfer: TransferTo::Manager,
                delete_after: Some(90),
                ..LC
            },
            domain_alias: true,
            seat_cost: Some((1360, "JPY")),
        },
        App {
            name: String::new(),
            display: "Zoom",
            owner: "it-admin@example.com",
            format: Generic { employee_number: false },
            roles: &["basic", "licensed"],
            default_role: Some("basic"),
            lifecycle: Lifecycle {
                on_leave_suspend: true,
                suspend: SuspendTiming::OnLastDay,
                delete_after: Some(30),
                ..LC
            },
            domain_alias: false,
            seat_cost: Some((2000, "JPY")),
        },
        App {
            name: String::new(),
            display: "Confluence",
            owner: "it-admin@example.com",
            format: Generic { employee_number: false },
            roles: &["viewer", "editor", "admin"],
            default_role: None,
            lifecycle: Lifecycle { mover_grace: 14, ..LC },
            domain_alias: true,
            seat_cost: Some((870, "JPY")),
        },
        App {
            name: String::new(),
            display: "Okta",
            owner: "security@example.com",
            format: Generic { employee_number: true },
            roles: &[],
            default_role: None,
            lifecycle: Lifecycle { provision_before: 7, suspend: SuspendTiming::OnLastDay, ..LC },
            domain_alias: false,
            seat_cost: Some((800, "JPY")),
        },
        App {
            name: String::new(),
            display: "freee会計",
            owner: "keiri@example.com",
            format: Japanese { sjis: true },
            roles: &["viewer", "member", "admin"],
            default_role: None,
            lifecycle: Lifecycle { on_leave_suspend: true, delete_after: Some(365), ..LC },
            domain_alias: true,
            seat_cost: Some((2380, "JPY")),
        },
        App {
            name: String::new(),
            display: "セキュリティ研修",
            owner: "security@example.com",
            format: Generic { employee_number: false },
            roles: &[],
            default_role: None,
            lifecycle: Lifecycle { ungranted_suspend: true, ..LC },
            domain_alias: false,
            seat_cost: None,
        },
        App {
            name: String::new(),
            display: "SmartHR 従業員ポータル",
            owner: "jinji@example.com",
            format: Japanese { sjis: false },
            roles: &["member", "admin"],
            default_role: Some("member"),
            lifecycle: Lifecycle { provision_before: 14, ..LC },
            domain_alias: false,
            seat_cost: Some((600, "JPY")),
        },
        App {
            name: String::new(),
            display: "Box",
            owner: "it-admin@example.com",
            format: Generic { employee_number: false },
            roles: &[],
            default_role: None,
            lifecycle: Lifecycle {
                transfer: TransferTo::Account("archive@example.com"),
                delete_after: Some(180),
                ..LC
            },
            domain_alias: true,
            seat_cost: Some((1800, "JPY")),
        },
        App {
            name: String::new(),
            display: "1Password",
            owner: "security@example.com",
            format: Generic { employee_number: false },
            roles: &["member", "admin"],
            default_role: Some("member"),
            lifecycle: Lifecycle {
                on_leave_suspend: true,
                suspend: SuspendTiming::DaysAfter(3),
                delete_after: Some(60),
                ..LC
            },
            domain_alias: true,
            seat_cost: Some((8, "USD")),
        },
        App {
            name: String::new(),
            display: "GitHub",
            owner: "cto@example.com",
            format: GitHub,
            roles: &["member", "admin"],
            default_role: Some("member"),
            lifecycle: Lifecycle { provision_before: 3, ..LC },
            domain_alias: true,
            seat_cost: Some((4, "USD")),
        },
        App {
            name: String::new(),
            display: "Salesforce",
            owner: "sales-ops@example.com",
            format: Salesforce,
            roles: &["read-only", "standard", "manager"],
            default_role: None,
            lifecycle: Lifecycle { mover_grace: 30, transfer: TransferTo::Manager, delete_after: Some(90), ..LC },
            domain_alias: true,
            seat_cost: Some((19800, "JPY")),
        },
        App {
            name: String::new(),
            display: "Jira",
            owner: "cto@example.com",
            format: Generic { employee_number: false },
            roles: &["user", "admin"],
            default_role: Some("user"),
            lifecycle: Lifecycle { mover_grace: 14, ..LC },
            domain_alias: true,
            seat_cost: Some((1100, "JPY")),
        },
        App {
            name: String::new(),
            display: "Figma",
            owner: "design@example.com",
            format: Generic { employee_number: false },
            roles: &["viewer", "editor"],
            default_role: None,
            lifecycle: Lifecycle { delete_after: Some(30), ..LC },
            domain_alias: false,
            seat_cost: Some((2250, "JPY")),
        },
        App {
            name: String::new(),
            display: "kintone",
            owner: "somu@example.com",
            format: Japanese { sjis: false },
            roles: &[],
            default_role: None,
            lifecycle: Lifecycle { mover_grace: 30, ..LC },
            domain_alias: true,
            seat_cost: Some((1500, "JPY")),
        },
        App {
            name: String::new(),
            display: "Tableau",
            owner: "planning@example.com",
            format: Generic { employee_number: true },
            roles: &["viewer", "explorer", "creator"],
            default_role: None,
            lifecycle: Lifecycle { ungranted_suspend: true, delete_after: Some(60), ..LC },
            domain_alias: false,
            seat_cost: Some((70, "USD")),
        },
        App {
            name: String::new(),
            display: "Zendesk",
            owner: "support@example.com",
            format: Generic { employee_number: false },
            roles: &["light-agent", "agent", "admin"],
            default_role: None,
            lifecycle: Lifecycle {
                on_leave_suspend: true,
                transfer: TransferTo::Manager,
                delete_after: Some(30),
                ..LC
            },
            domain_alias: true,
            seat_cost: Some((55, "USD")),
        },
        App {
            name: String::new(),
            display: "Notion",
            owner: "it-admin@example.com",
            format: Generic { employee_number: false },
            roles: &["member"],
            default_role: Some("member"),
            lifecycle: Lifecycle { provision_before: 3, ..LC },
            domain_alias: true,
            seat_cost: Some((1650, "JPY")),
        },
        App {
            name: String::new(),
            display: "Miro",
            owner: "design@example.com",
            format: Generic { employee_number: false },
            roles: &[],
            default_role: None,
            lifecycle: Lifecycle { suspend: SuspendTiming::DaysAfter(7), ..LC },
            domain_alias: false,
            seat_cost: Some((1200, "JPY")),
        },
        App {
            name: String::new(),
            display: "Datadog",
            owner: "sre@example.com",
            format: Generic { employee_number: true },
            roles: &["member", "admin"],
            default_role: Some("member"),
            lifecycle: Lifecycle { mover_grace: 7, ..LC },
            domain_alias: false,
            seat_cost: Some((23, "USD")),
        },
    ];
    catalogue
        .into_iter()
        .take(count)
        .enumerate()
        .map(|(i, app)| App { name: format!("app-{:02}", i + 1), ..app })
        .collect()
}

// ---------------------------------------------------------------- policies

/// A department pattern: `X/**` (X and everything under it) or exactly X.
#[derive(Debug, Clone)]
pub(crate) enum DeptPattern {
    Tree(String),
    Exact(String),
}

impl DeptPattern {
    pub(crate) fn written(&self) -> String {
        match self {
            Self::Tree(p) => format!("{p}/**"),
            Self::Exact(p) => p.clone(),
        }
    }

    fn matches(&self, dept: &str) -> bool {
        match self {
            Self::Tree(p) => dept == p || (dept.starts_with(p.as_str()) && dept[p.len()..].starts_with('/')),
            Self::Exact(p) => dept == p,
        }
    }
}

/// A title condition, written as a regular expression.
#[derive(Debug, Clone)]
pub(crate) enum TitleMatch {
    /// One of these titles exactly: `^(?:a|b)$`.
    OneOf(&'static [&'static str]),
    /// Contains one of these: `a|b`.
    Contains(&'static [&'static str]),
    /// Ends with this: `x$`.
    EndsWith(&'static str),
}

impl TitleMatch {
    pub(crate) fn regex(&self) -> String {
        match self {
            Self::OneOf(t) => format!("^(?:{})$", t.join("|")),
            Self::Contains(t) => t.join("|"),
            Self::EndsWith(t) => format!("{t}$"),
        }
    }

    fn matches(&self, title: &str) -> bool {
        match self {
            Self::OneOf(t) => t.contains(&title),
            Self::Contains(t) => t.iter().any(|x| title.contains(x)),
            Self::EndsWith(t) => title.ends_with(t),
        }
    }
}

/// One grant: app index (0-based), role, groups.
#[derive(Debug, Clone)]
pub(crate) struct GrantDef {
    pub(crate) app: usize,
    pub(crate) role: Option<&'static str>,
    pub(crate) groups: Vec<String>,
}

/// An AccessPolicy.
#[derive(Debug, Clone)]
pub(crate) struct PolicyDef {
    pub(crate) name: String,
    pub(crate) description: String,
    pub(crate) depts: Vec<DeptPattern>,
    pub(crate) title: Option<TitleMatch>,
    pub(crate) emp: Vec<Emp>,
    /// `attributes: {github: ".+"}`.
    pub(crate) needs_github: bool,
    pub(crate) grants: Vec<GrantDef>,
}

impl PolicyDef {
    fn new(name: impl Into<String>, description: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            description: description.into(),
            depts: Vec::new(),
            title: None,
            emp: Vec::new(),
            needs_github: false,
            grants: Vec::new(),
        }
    }

    fn tree(mut self, p: impl Into<String>) -> Self {
        self.depts.push(DeptPattern::Tree(p.into()));
        self
    }

    fn exact(mut self, p: impl Into<String>) -> Self {
        self.depts.push(DeptPattern::Exact(p.into()));
        self
    }

    fn title(mut self, t: TitleMatch) -> Self {
        self.title = Some(t);
        self
    }

    fn emp(mut self, e: &[Emp]) -> Self {
        self.emp = e.to_vec();
        self
    }

    fn github(mut self) -> Self {
        self.needs_github = true;
        self
    }

    /// `app` is 1-based, as in the file names.
    fn grant(mut self, app: usize, role: Option<&'static str>, groups: &[String]) -> Self {
        self.grants.push(GrantDef { app: app - 1, role, groups: groups.to_vec() });
        self
    }

    /// Does the policy select the person (as if employed)?
    pub(crate) fn selects(&self, org: &Org, p: &Person) -> bool {
        if !self.emp.is_empty() && !self.emp.contains(&p.emp) {
            return false;
        }
        if self.needs_github && p.github_cell.is_none() {
            return false;
        }
        if self.depts.is_empty() && self.title.is_none() {
            return true;
        }
        p.posts.iter().any(|post| {
            let dept = &org.depts[post.dept].path;
            let dept_ok = self.depts.is_empty() || self.depts.iter().any(|d| d.matches(dept));
            let title_ok = match &self.title {
                None => true,
                Some(t) => !post.title.is_empty() && t.matches(post.title),
            };
            dept_ok && title_ok
        })
    }
}

fn g(s: impl Into<String>) -> Vec<String> {
    vec![s.into()]
}

/// About forty access policies over `apps` apps: everyone, externals,
/// per division, per sales and corporate department, and by title.
pub(crate) fn policies(divisions: usize, apps: usize) -> Vec<PolicyDef> {
    use TitleMatch::*;
    let none: &[String] = &[];
    let mut v = vec![
        PolicyDef::new("all-employees", "Every employee gets the everyday tools.")
            .emp(STAFF)
            .grant(1, Some("member"), none)
            .grant(2, None, none)
            .grant(3, Some("basic"), none)
            .grant(4, Some("editor"), none)
            .grant(5, None, none)
            .grant(6, Some("member"), none)
            .grant(7, None, none)
            .grant(8, None, none)
            .grant(9, None, none)
            .grant(10, None, none),
        PolicyDef::new("externals", "Temps and contractors: chat as guests, mail, video, read-only wiki, files.")
            .emp(EXTERNAL)
            .grant(1, Some("guest"), none)
            .grant(2, None, none)
            .grant(3, Some("basic"), none)
            .grant(4, Some("viewer"), none)
            .grant(5, None, none)
            .grant(7, None, none)
            .grant(9, None, none),
        PolicyDef::new("it-admins", "情報システム部 administers the core tools.")
            .tree("本部07/部01")
            .emp(REGULAR)
            .grant(1, Some("admin"), none)
            .grant(4, Some("admin"), none)
            .grant(10, Some("admin"), none)
            .grant(13, Some("admin"), none),
        PolicyDef::new("accounting", "経理部 runs the books.")
            .tree("本部07/部02")
            .emp(STAFF)
            .grant(6, Some("admin"), none)
            .grant(15, None, &g("経理")),
        PolicyDef::new("hr-team", "人事 administers the employee portal.")
            .tree("本部10")
            .emp(REGULAR)
            .grant(8, Some("admin"), none)
            .grant(15, None, &g("人事")),
        PolicyDef::new("executives", "社長室 sees every report.")
            .exact("社長室")
            .grant(12, Some("read-only"), none)
            .grant(16, Some("creator"), none),
    ];
    for d in 1..=divisions {
        let div = division_name(d);
        let team = format!("team-{d:02}");
        let mut p = PolicyDef::new(format!("division-{d:02}"), format!("{div} (staff) gets its division's tools."))
            .tree(div.clone())
            .emp(STAFF);
        p = match division_kind(d) {
            Kind::Sales => p
                .grant(14, Some("viewer"), none)
                .grant(15, None, &g(div.clone()))
                .grant(16, Some("explorer"), none)
                .grant(17, Some("light-agent"), none)
                .grant(18, None, &g(div.clone()))
                .grant(19, None, &g(div.clone())),
            Kind::Engineering => p
                .grant(13, None, &g(div.clone()))
                .grant(14, Some("viewer"), none)
                .grant(16, Some("viewer"), none)
                .grant(17, Some("light-agent"), none)
                .grant(18, None, &g(div.clone()))
                .grant(19, None, &g(div.clone()))
                .grant(20, None, none),
            Kind::Design => p
                .grant(13, None, &g(div.clone()))
                .grant(14, Some("editor"), none)
                .grant(16, Some("viewer"), none)
                .grant(17, Some("light-agent"), none)
                .grant(18, None, &g(div.clone()))
                .grant(19, None, &g(div.clone()))
                .grant(20, None, none),
            Kind::Corporate => p
                .grant(13, None, &g(div.clone()))
                .grant(15, None, &g(div.clone()))
                .grant(16, Some("viewer"), none)
                .grant(18, None, &g(div.clone()))
                .grant(19, None, &g(div.clone())),
            Kind::Hr => p.grant(18, None, &g(div.clone())).grant(19, None, &g(div.clone())),
            Kind::Planning => p
                .grant(12, Some("read-only"), &g("企画"))
                .grant(13, None, &g(div.clone()))
                .grant(14, Some("viewer"), none)
                .grant(15, None, &g(div.clone()))
                .grant(16, Some("creator"), none)
                .grant(18, None, &g(div.clone()))
                .grant(19, None, &g(div.clone())),
            Kind::Support => p
                .grant(12, Some("read-only"), &g("サポート"))
                .grant(13, None, &g(div.clone()))
                .grant(14, Some("viewer"), none)
                .grant(16, Some("viewer"), none)
                .grant(17, Some("agent"), none)
                .grant(18, None, &g(div.clone()))
                .grant(19, None, &g(div.clone()))
                .grant(20, None, none),
            Kind::Executive => p,
        };
        v.push(p);
        if matches!(division_kind(d), Kind::Engineering | Kind::Design) {
            v.push(
                PolicyDef::new(
                    format!("github-{d:02}"),
                    format!("{div}: GitHub organisation membership and the division team."),
                )
                .tree(div.clone())
                .emp(&[Emp::FullTime, Emp::Contract, Emp::Contractor])
                .github()
                .grant(11, None, &[String::from("engineers"), team]),
            );
        }
        if division_kind(d) == Kind::Sales {
            for j in 1..=DEPTS_PER_DIVISION {
                let dept = format!("{div}/部{j:02}");
                v.push(
                    PolicyDef::new(
                        format!("sales-{d:02}-{j:02}"),
                        format!("{dept} works its own pipeline in Salesforce."),
                    )
                    .tree(dept.clone())
                    .emp(REGULAR)
                    .grant(12, Some("standard"), &g(dept)),
                );
            }
        }
        if matches!(division_kind(d), Kind::Corporate | Kind::Hr) {
            for j in 1..=DEPTS_PER_DIVISION {
                let dept = format!("{div}/部{j:02}");
                v.push(
                    PolicyDef::new(format!("corporate-{d:02}-{j:02}"), format!("{dept}: its kintone workflow apps."))
                        .tree(dept.clone())
                        .emp(STAFF)
                        .grant(15, None, &g(dept)),
                );
            }
        }
    }
    let sales: Vec<usize> = (1..=divisions).filter(|d| division_kind(*d) == Kind::Sales).collect();
    let eng: Vec<usize> = (1..=divisions).filter(|d| division_kind(*d) == Kind::Engineering).collect();
    let mut sales_managers =
        PolicyDef::new("sales-managers", "Managers in sales see forecasts (Sales Manager profile).")
            .title(OneOf(&["課長", "部長", "本部長"]))
            .grant(12, Some("manager"), none);
    for d in &sales {
        sales_managers = sales_managers.tree(division_name(*d));
    }
    let mut eng_leads =
        PolicyDef::new("engineering-leads", "Tech leads and heads of engineering are organisation owners.")
            .title(OneOf(&["テックリード", "部長", "本部長"]))
            .grant(11, Some("admin"), none)
            .grant(20, Some("admin"), none);
    let mut eng_contractors =
        PolicyDef::new("engineering-contractors", "Contractors in engineering work in Jira and Notion.")
            .emp(&[Emp::Contractor])
            .grant(13, None, &g("contractors"))
            .grant(18, None, &g("contractors"));
    for d in &eng {
        eng_leads = eng_leads.tree(division_name(*d));
        eng_contractors = eng_contractors.tree(division_name(*d));
    }
    v.push(sales_managers);
    v.push(eng_leads);
    v.push(eng_contractors);
    v.push(
        PolicyDef::new("managers", "Every head (課長, 部長, 本部長…) gets a licensed Zoom, dashboards and approvals.")
            .title(EndsWith("長"))
            .grant(3, Some("licensed"), none)
            .grant(15, None, &g("承認者"))
            .grant(16, Some("viewer"), none),
    );
    v.push(
        PolicyDef::new("support-leads", "Support leads administer Zendesk.")
            .tree("本部09")
            .title(Contains(&["リーダー", "長"]))
            .grant(17, Some("admin"), none),
    );
    v.push(
        PolicyDef::new("product-managers", "Product managers read customer records and explore dashboards.")
            .title(OneOf(&["プロダクトマネージャー"]))
            .grant(12, Some("read-only"), none)
            .grant(16, Some("explorer"), none),
    );
    v.push(PolicyDef::new("designers", "Designers anywhere edit in Figma.").title(Contains(&["デザイナー"])).grant(
        14,
        Some("editor"),
        none,
    ));
    v.push(
        PolicyDef::new("platform", "プラットフォーム部 administers monitoring.")
            .tree("本部04/部01")
            .emp(&[Emp::FullTime, Emp::Contract, Emp::Contractor])
            .grant(20, Some("admin"), &g("platform")),
    );
    // Keep grants to apps that exist; drop policies left with none.
    for p in &mut v {
        p.grants.retain(|gr| gr.app < apps);
    }
    v.retain(|p| !p.grants.is_empty());
    v.sort_by(|a, b| a.name.cmp(&b.name));
    v
}

/// What one person should have in one app, by the generator's reading of
/// the policies.
#[derive(Debug, Clone, Default)]
pub(crate) struct Ent {
    pub(crate) role: Option<&'static str>,
    pub(crate) groups: BTreeSet<String>,
}

/// For each person, the indexes of the policies that select them as if
/// they were employed (leavers keep the accounts they had).
pub(crate) fn selected(org: &Org, pols: &[PolicyDef]) -> Vec<Vec<u16>> {
    org.persons
        .iter()
        .map(|p| pols.iter().enumerate().filter(|(_, pol)| pol.selects(org, p)).map(|(i, _)| i as u16).collect())
        .collect()
}

/// The entitlement in `app` from the selected policies.
pub(crate) fn entitlement(app_idx: usize, app: &App, pols: &[PolicyDef], sel: &[u16]) -> Option<Ent> {
    let mut out: Option<Ent> = None;
    for &pi in sel {
        for gr in pols[usize::from(pi)].grants.iter().filter(|gr| gr.app == app_idx) {
            let e = out.get_or_insert_with(Ent::default);
            if let Some(r) = gr.role.or(app.default_role) {
                let better = e.role.is_none_or(|cur| app.rank(r) > app.rank(cur));
                if better {
                    e.role = Some(r);
                }
            }
            e.groups.extend(gr.groups.iter().cloned());
        }
    }
    out
}

/// Every group some policy grants in `app` (keyward manages only these).
pub(crate) fn managed_groups(app_idx: usize, pols: &[PolicyDef]) -> Vec<String> {
    let set: BTreeSet<&String> = pols
        .iter()
        .flat_map(|p| p.grants.iter())
        .filter(|gr| gr.app == app_idx)
        .flat_map(|gr| gr.groups.iter())
        .collect();
    set.into_iter().cloned().collect()
}
