//! Attribute-level diffs of a change (`role: member → admin`,
//! `groups: +eng-platform −eng-sales`), shared by the text and Markdown
//! renderings so a reviewer reads the same words in a terminal and in a
//! pull request.
//!
//! A change carries the role before and after, and the groups to join and
//! leave, but not the account's whole group list (the plan JSON is a
//! versioned contract and the unchanged groups add nothing to a review), so
//! the groups diff runs over the sorted groups to leave (old) against the
//! sorted groups to join (new).

use std::fmt;

use similar::{Algorithm, ChangeTag, capture_diff_slices};

use crate::action::Action;
use crate::plan::Change;

/// What changes in one attribute of one account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttrDiff {
    /// The role given to an account being created.
    RoleSet {
        /// The role.
        to: String,
    },
    /// A role change on an existing account.
    Role {
        /// The current role; `None` when the listing shows none.
        from: Option<String>,
        /// The new role.
        to: String,
    },
    /// Group memberships gained and lost, each sorted and without repeats.
    Groups {
        /// Groups to join.
        added: Vec<String>,
        /// Groups to leave.
        removed: Vec<String>,
    },
}

impl AttrDiff {
    /// The attribute's name (`role`, `groups`).
    pub fn attribute(&self) -> &'static str {
        match self {
            Self::RoleSet { .. } | Self::Role { .. } => "role",
            Self::Groups { .. } => "groups",
        }
    }

    /// The value part, each data value passed through `value` (identity
    /// for a terminal, escaping for Markdown).
    pub(crate) fn value_with(&self, value: impl Fn(&str) -> String) -> String {
        self.value_in(&value, NO_ROLE)
    }

    /// [`Self::value_with`], printing `none` for a missing current role
    /// (the words of the reader's language).
    pub(crate) fn value_in(&self, value: &dyn Fn(&str) -> String, none: &str) -> String {
        match self {
            Self::RoleSet { to } => value(to),
            Self::Role { from, to } => {
                format!("{} → {}", from.as_deref().map_or_else(|| none.to_owned(), value), value(to))
            }
            Self::Groups { added, removed } => {
                let plus = added.iter().map(|g| format!("+{}", value(g)));
                let minus = removed.iter().map(|g| format!("{MINUS}{}", value(g)));
                plus.chain(minus).collect::<Vec<_>>().join(" ")
            }
        }
    }
}

/// Printed for a missing current role; parenthesised so it cannot be read
/// as a role name.
const NO_ROLE: &str = "(none)";

/// U+2212: a real minus lines up with `+` and cannot be taken for a hyphen
/// inside a group name such as `eng-sales`.
const MINUS: char = '−';

impl fmt::Display for AttrDiff {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.attribute(), self.value_with(str::to_owned))
    }
}

/// The attribute diffs of a change: its role, then its groups. Empty for
/// changes that carry neither (suspensions, deletions…).
pub fn attribute_diffs(c: &Change) -> Vec<AttrDiff> {
    let mut out = Vec::new();
    if let Some(r) = &c.role {
        // A creation has no "before"; a review proposing a creation neither.
        let creating = c.action == Action::Create || c.proposed == Some(Action::Create);
        out.push(if creating && r.from.is_none() {
            AttrDiff::RoleSet { to: r.to.clone() }
        } else {
            AttrDiff::Role { from: r.from.clone(), to: r.to.clone() }
        });
    }
    if let Some(g) = &c.groups {
        let (added, removed) = group_diff(&g.remove, &g.add);
        if !added.is_empty() || !removed.is_empty() {
            out.push(AttrDiff::Groups { added, removed });
        }
    }
    out
}

/// Diffs two group lists after sorting them, so the order an app lists
/// groups in never shows as a change. A group both left and joined (only
/// possible in a hand-edited plan) is shown on both sides rather than
/// hidden as "unchanged": `apply` would act on both.
fn group_diff(old: &[String], new: &[String]) -> (Vec<String>, Vec<String>) {
    let (old, new) = (sorted(old), sorted(new));
    let (mut added, mut removed) = (Vec::new(), Vec::new());
    for op in capture_diff_slices(Algorithm::Myers, &old, &new) {
        for change in op.iter_changes(&old, &new) {
            let g = (*change.value()).to_owned();
            match change.tag() {
                ChangeTag::Insert => added.push(g),
                ChangeTag::Delete => removed.push(g),
                ChangeTag::Equal => {
                    added.push(g.clone());
                    removed.push(g);
                }
            }
        }
    }
    // The diff interleaves by position; each side is reported sorted.
    added.sort_unstable();
    removed.sort_unstable();
    (added, removed)
}

fn sorted(v: &[String]) -> Vec<&str> {
    let mut v: Vec<&str> = v.iter().map(String::as_str).collect();
    v.sort_unstable();
    v.dedup();
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{AccountRef, GroupChange, RoleChange};

    fn update(role: Option<(Option<&str>, &str)>, add: &[&str], remove: &[&str]) -> Change {
        let mut c = Change::new("github", Action::Update, AccountRef::default(), "because");
        c.role = role.map(|(from, to)| Box::new(RoleChange { from: from.map(str::to_owned), to: to.to_owned() }));
        if !add.is_empty() || !remove.is_empty() {
            c.groups = Some(Box::new(GroupChange {
                add: add.iter().map(|s| (*s).to_owned()).collect(),
                remove: remove.iter().map(|s| (*s).to_owned()).collect(),
            }));
        }
        c
    }

    fn shown(c: &Change) -> Vec<String> {
        attribute_diffs(c).iter().map(ToString::to_string).collect()
    }

    #[test]
    fn a_role_change_shows_before_and_after() {
        assert_eq!(shown(&update(Some((Some("member"), "admin")), &[], &[])), ["role: member → admin"]);
    }

    #[test]
    fn an_update_from_no_role_says_so() {
        assert_eq!(shown(&update(Some((None, "member")), &[], &[])), ["role: (none) → member"]);
    }

    #[test]
    fn a_creation_shows_the_role_it_sets_without_an_arrow() {
        let mut c = update(Some((None, "member")), &["engineers"], &[]);
        c.action = Action::Create;
        assert_eq!(shown(&c), ["role: member", "groups: +engineers"]);
    }

    #[test]
    fn groups_show_joins_then_leaves_each_sorted() {
        let c = update(None, &["eng-platform", "all-staff"], &["eng-sales", "eng-ops"]);
        assert_eq!(shown(&c), ["groups: +all-staff +eng-platform −eng-ops −eng-sales"]);
    }

    #[test]
    fn role_and_groups_come_in_that_order() {
        let c = update(Some((Some("member"), "admin")), &["eng-platform"], &["eng-sales"]);
        assert_eq!(shown(&c), ["role: member → admin", "groups: +eng-platform −eng-sales"]);
    }

    #[test]
    fn repeated_groups_are_shown_once() {
        let c = update(None, &["b", "a", "b"], &[]);
        assert_eq!(shown(&c), ["groups: +a +b"]);
    }

    #[test]
    fn a_group_both_joined_and_left_is_shown_on_both_sides() {
        let c = update(None, &["x", "y"], &["x"]);
        assert_eq!(shown(&c), ["groups: +x +y −x"]);
    }

    #[test]
    fn a_change_without_role_or_groups_has_no_diff() {
        let c = Change::new("github", Action::Suspend, AccountRef::default(), "left");
        assert!(attribute_diffs(&c).is_empty());
        assert!(attribute_diffs(&update(None, &[], &[])).is_empty());
    }

    #[test]
    fn values_pass_through_the_escaper() {
        let c = update(Some((Some("a|b"), "c")), &[], &[]);
        let d = &attribute_diffs(&c)[0];
        assert_eq!(d.value_with(|s| s.replace('|', "!")), "a!b → c");
    }
}
