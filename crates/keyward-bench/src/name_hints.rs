//! `keyward-bench hints`: what the probable-person hints cost (issue 17
//! item 2). People are indexed once per plan by their name keys (kanji as
//! HR writes it, kana readings and their Hepburn romaji, both orders) and
//! each account that matches nobody is looked up with a few hash probes;
//! this measures both over a generated organisation, in memory, with the
//! mix of orphans a real tenant has: romaji display names of real people,
//! personal addresses, service accounts, and hostile display names of
//! hundreds of characters.

use std::time::{Duration, Instant};

use anyhow::{Result, anyhow};
use keyward_core::account::Account;
use keyward_core::hints::NameIndex;
use keyward_core::people::{NameReading, People, Person, PersonOrigin};
use keyward_core::resources::HrStatus;
use wana_kana::ConvertJapanese as _;

use crate::org::names::{FAMILY, GIVEN};
use crate::rng::Rng;

/// What `hints` was asked to measure.
#[derive(Debug, Clone, Copy)]
pub struct HintOptions {
    /// People in the HR data.
    pub people: usize,
    /// Accounts that match nobody.
    pub orphans: usize,
    /// Repetitions; the figures are medians.
    pub runs: usize,
    /// PRNG seed.
    pub seed: u64,
}

/// The figures of a `hints` measurement.
#[derive(Debug, Clone)]
pub struct HintFigures {
    /// Time to index everybody (median).
    pub build: Duration,
    /// Time to look up every orphan (median).
    pub lookups: Duration,
    /// Distinct name keys and the person entries under them.
    pub size: (usize, usize),
    /// Orphans given at least one probable person.
    pub hinted: usize,
    /// Hints given in all.
    pub hints: usize,
    /// Orphans of each kind: romaji names of people, personal addresses,
    /// service accounts, hostile names.
    pub kinds: [usize; 4],
}

fn person(i: usize, rng: &mut Rng) -> Person {
    let (fk, fr) = FAMILY[rng.index(FAMILY.len())];
    let (gk, gr) = GIVEN[rng.index(GIVEN.len())];
    Person {
        id: format!("E{i:06}"),
        previous_ids: Vec::new(),
        email: Some(format!("{gr}.{fr}.{i}@example.com")),
        name: Some(format!("{fk} {gk}")),
        // The reading columns as SmartHR writes them: katakana.
        reading: Some(NameReading { family: fr.to_katakana(), given: gr.to_katakana() }),
        posts: Vec::new(),
        employment_type: None,
        status: if rng.chance(0.05) { HrStatus::Terminated } else { HrStatus::Active },
        status_label: None,
        start_date: None,
        end_date: None,
        manager: None,
        moved_on: None,
        attributes: Default::default(),
        origin: PersonOrigin { source: 0, line: i + 2 },
    }
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_ascii_uppercase().to_string() + c.as_str()).unwrap_or_default()
}

/// One orphan of kind `k` (see [`HintFigures::kinds`]).
fn orphan(i: usize, k: usize, rng: &mut Rng) -> Account {
    let (_, fr) = FAMILY[rng.index(FAMILY.len())];
    let (_, gr) = GIVEN[rng.index(GIVEN.len())];
    let mut a = Account::new(format!("U{i:07}"));
    match k {
        0 => a.display_name = Some(format!("{} {}", capitalised(gr), capitalised(fr)).into()),
        1 => a.email = Some(format!("{fr}.{gr}{}@gmail.com", rng.below(100)).into()),
        2 => {
            a.email = Some(format!("svc-backup-{i}@example.com").into());
            a.display_name = Some(format!("Backup service {i}").into());
        }
        _ => {
            let long: String =
                (0..400).map(|j| if j % 7 == 6 { ' ' } else { char::from(b'a' + (j % 26) as u8) }).collect();
            a.display_name = Some(long.into());
            a.email = Some(format!("{}@example.net", "x".repeat(200)).into());
        }
    }
    a
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v.get(v.len() / 2).copied().unwrap_or_default()
}

/// Generates the people and orphans and measures the index and lookups.
pub fn measure(o: HintOptions) -> Result<HintFigures> {
    let mut rng = Rng::derive(o.seed, 17);
    let persons: Vec<Person> = (0..o.people).map(|i| person(i, &mut rng)).collect();
    let people = People::new(Vec::new(), persons).map_err(|e| anyhow!("the generated people do not load: {e:?}"))?;
    let mut kinds = [0usize; 4];
    let accounts: Vec<Account> = (0..o.orphans)
        .map(|i| {
            let k = rng.index(4);
            kinds[k] += 1;
            orphan(i, k, &mut rng)
        })
        .collect();

    let (mut builds, mut lookups) = (Vec::new(), Vec::new());
    let (mut size, mut hinted, mut hints) = ((0, 0), 0, 0);
    for run in 0..o.runs.max(1) {
        let t = Instant::now();
        let index = NameIndex::build(&people);
        builds.push(t.elapsed());
        let t = Instant::now();
        let found: Vec<usize> = accounts.iter().map(|a| index.probable(a).len()).collect();
        lookups.push(t.elapsed());
        if run == 0 {
            size = index.size();
            hinted = found.iter().filter(|n| **n > 0).count();
            hints = found.iter().sum();
        }
        drop(index);
    }
    Ok(HintFigures { build: median(builds), lookups: median(lookups), size, hinted, hints, kinds })
}
