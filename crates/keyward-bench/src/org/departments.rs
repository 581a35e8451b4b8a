//! The shape of the organisation: divisions and what each does, their
//! departments and sections (as paths), and the titles each kind of
//! division hands out. No randomness but the title draw.

use super::people::Emp;
use crate::rng::Rng;

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

pub(super) const DEPTS_PER_DIVISION: usize = 4;
const SECTIONS_PER_DEPT: usize = 4;

/// A department: its path with `/` between levels.
#[derive(Debug, Clone)]
pub(crate) struct Dept {
    pub(crate) path: String,
}

pub(super) fn division_name(d: usize) -> String {
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
pub(super) fn divisions_for(people: usize) -> usize {
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

/// A title for a member of a `kind` division; externals get fewer and
/// plainer ones, and an empty title is common.
pub(super) fn title_for(rng: &mut Rng, kind: Kind, emp: Emp) -> &'static str {
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

/// Relative sizes of the first `divisions` divisions, for drawing where
/// a member of staff works.
pub(super) fn division_weights(divisions: usize) -> Vec<u32> {
    DIVISIONS[..divisions].iter().map(|(_, w)| *w).collect()
}

/// A department's index and the indexes of its sections.
pub(super) type DeptNode = (usize, Vec<usize>);

/// A division's index and its departments.
pub(super) type DivisionNode = (usize, Vec<DeptNode>);

/// Every department — 社長室, then per division its department tree — and
/// the tree as indexes into that list.
pub(super) fn departments(divisions: usize) -> (Vec<Dept>, Vec<DivisionNode>) {
    let mut depts = vec![Dept { path: "社長室".to_owned() }];
    // Per division: (division dept, [(dept, [sections])]).
    let mut tree: Vec<DivisionNode> = Vec::new();
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
    (depts, tree)
}
