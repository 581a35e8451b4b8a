#![allow(clippy::unwrap_used, clippy::expect_used)]
//! A document that was meant to be a keyward resource but names the API
//! group or the kind wrongly is warned about at its place, never silently
//! skipped; documents of genuinely other groups stay silently skipped.

use keyward_core::diag::Diagnostic;
use keyward_core::{PolicySet, SourceFile};

const SOURCE: &str = "apiVersion: keyward.io/v1alpha1\nkind: PeopleSource\nmetadata: {name: hr}\nspec:\n  csv: {path: hr.csv, columns: {id: 社員番号}}\n---\n";

/// Loads one file: the PeopleSource (5 lines and `---`), then `extra`
/// from line 7. Ok(warnings) or Err(every problem).
fn load(extra: &str) -> Result<Vec<Diagnostic>, Vec<Diagnostic>> {
    let text = format!("{SOURCE}{extra}");
    PolicySet::load("policies", vec![SourceFile { path: "p.yaml".into(), text }]).map(|l| l.warnings).map_err(|d| d.0)
}

fn one_warning(extra: &str) -> Diagnostic {
    let warnings = load(extra).unwrap_or_else(|e| panic!("refused: {e:#?}"));
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    warnings.into_iter().next().unwrap()
}

#[test]
fn a_misspelled_group_is_warned_about_at_the_api_version() {
    let w = one_warning("apiVersion: keyword.io/v1alpha1\nkind: Application\nmetadata: {name: slack}\nspec: {}\n");
    assert_eq!(w.position(), "p.yaml:7:13");
    assert!(w.message.contains("keyword.io/v1alpha1"), "{w}");
    assert!(w.message.contains("skipped"), "{w}");
    assert_eq!(w.help.as_deref(), Some("did you mean `keyward.io/v1alpha1`?"));
}

#[test]
fn a_group_differing_only_in_case_or_missing_its_domain_is_warned_about() {
    for api in ["Keyward.io/v1alpha1", "keyward/v1alpha1", "keyward.io.example.com/v1alpha1", "keywrad.io/v1alpha1"] {
        let w = one_warning(&format!("apiVersion: {api}\nkind: AccessPolicy\nmetadata: {{name: a}}\nspec: {{}}\n"));
        assert!(w.message.contains(api), "{api}: {w}");
        assert_eq!(w.help.as_deref(), Some("did you mean `keyward.io/v1alpha1`?"), "{api}");
    }
}

#[test]
fn a_keyward_kind_without_a_group_is_warned_about() {
    // `apiVersion: v1alpha1` (the group forgotten) reads as the core group.
    let w = one_warning("apiVersion: v1alpha1\nkind: AccessPolicy\nmetadata: {name: a}\nspec: {}\n");
    assert_eq!(w.position(), "p.yaml:7:13");
    assert_eq!(w.help.as_deref(), Some("did you mean `keyward.io/v1alpha1`?"));
    let w = one_warning("apiVersion: v1\nkind: Aplication\nmetadata: {name: a}\nspec: {}\n");
    assert_eq!(w.position(), "p.yaml:8:7");
    assert!(w.message.contains("Aplication"), "{w}");
    assert_eq!(w.help.as_deref(), Some("did you mean `apiVersion: keyward.io/v1alpha1` and `kind: Application`?"));
}

#[test]
fn a_misspelled_kind_in_keyward_group_stays_an_error() {
    let e = load("apiVersion: keyward.io/v1alpha1\nkind: Aplication\nmetadata: {name: a}\nspec: {}\n").unwrap_err();
    assert_eq!(e[0].position(), "p.yaml:8:7");
    assert_eq!(e[0].help.as_deref(), Some("did you mean `Application`?"));
}

#[test]
fn another_version_of_keyward_group_is_an_error_not_a_skip() {
    let e = load("apiVersion: keyward.io/v1\nkind: Application\nmetadata: {name: a}\nspec: {}\n").unwrap_err();
    assert_eq!(e[0].position(), "p.yaml:7:13");
    assert!(e[0].message.contains("keyward.io/v1"), "{}", e[0]);
    assert_eq!(e[0].help.as_deref(), Some("this keyward reads `keyward.io/v1alpha1`"));
}

#[test]
fn documents_of_other_groups_stay_silently_skipped() {
    let others = "apiVersion: v1\nkind: Namespace\nmetadata: {name: keyward}\n---\n\
        apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: keyward}\n---\n\
        apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: keyward}\n---\n\
        apiVersion: v1\nkind: Secret\nmetadata: {name: slack}\n---\n\
        apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: keyward}\n---\n\
        apiVersion: coordination.k8s.io/v1\nkind: Lease\nmetadata: {name: keyward}\n";
    let loaded =
        PolicySet::load("policies", vec![SourceFile { path: "p.yaml".into(), text: format!("{SOURCE}{others}") }])
            .unwrap();
    assert_eq!(loaded.warnings, vec![]);
    assert_eq!(loaded.set.skipped.len(), 6);
}
