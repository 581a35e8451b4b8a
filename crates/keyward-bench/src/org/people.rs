//! People: employment types, HR status, each person's posts and dates,
//! and [`build`], which draws the whole HR master — heads first, then
//! staff, with leavers, people on leave, joiners, movers, concurrent
//! posts and rehires in realistic shares.

use std::collections::HashMap;

use super::Org;
use super::departments::{self, Kind, division_kind};
use super::names::{CONTRACTOR_DOMAINS, DOMAIN, FAMILY, GIVEN, Namer, TEMP_DOMAIN};
use super::reference_day;
use crate::rng::Rng;

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

// The employment types the policies select by: staff on the payroll,
// regular employees, and people employed elsewhere.
pub(super) const STAFF: &[Emp] = &[Emp::FullTime, Emp::Contract, Emp::PartTime];
pub(super) const REGULAR: &[Emp] = &[Emp::FullTime, Emp::Contract];
pub(super) const EXTERNAL: &[Emp] = &[Emp::Temp, Emp::Contractor];

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

/// Builds the organisation: `people` HR rows in total.
pub(crate) fn build(people: usize, seed: u64) -> Org {
    let today = reference_day();
    let divisions = departments::divisions_for(people);
    let mut rng = Rng::derive(seed, 0);

    let (depts, tree) = departments::departments(divisions);

    let mut namer = Namer::default();
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

    let weights = departments::division_weights(divisions);
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
        let title = departments::title_for(&mut rng, kind, emp);
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
