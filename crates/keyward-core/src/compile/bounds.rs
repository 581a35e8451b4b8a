//! The bounds the CRDs' CEL rules put on lists and names (see
//! `resources::admission`), checked here too, so a policy `keyward
//! validate` accepts is one `kubectl apply` accepts: without these checks
//! an Application with 101 roles would pass in CI and be refused by the API
//! server.

use super::checker::Checker;
use crate::i18n::Msg;
use crate::load::Origin;

/// An error when the list at `path` has more than `max` entries.
pub(super) fn list(c: &mut Checker<'_>, origin: &Origin, path: &str, len: usize, max: u32) {
    if len > max as usize {
        c.error(
            origin,
            path,
            Msg::new("compile-too-many").arg("field", path).arg("count", len).arg("max", max),
            Msg::new("compile-too-many-help"),
        );
    }
}

/// An error when the text at `path` is longer than `max` characters.
pub(super) fn text(c: &mut Checker<'_>, origin: &Origin, path: &str, text: &str, max: u32) {
    let len = text.chars().count();
    if len > max as usize {
        c.error(
            origin,
            path,
            Msg::new("compile-too-long").arg("field", path).arg("count", len).arg("max", max),
            Msg::new("compile-too-long-help"),
        );
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // test code: a panic is the failure report

    use crate::compile::PolicySet;
    use crate::load::SourceFile;

    const PEOPLE: &str = "apiVersion: keyward.io/v1alpha1\nkind: PeopleSource\nmetadata: {name: hr}\nspec:\n  csv: {path: hr.csv, columns: {id: id, email: email}}\n---\n";

    /// The errors of `text` (after a PeopleSource), as `position message`.
    fn errors(text: &str) -> Vec<String> {
        let file = SourceFile { path: "p.yaml".into(), text: format!("{PEOPLE}{text}") };
        match PolicySet::load("policies", vec![file]) {
            Ok(_) => Vec::new(),
            Err(d) => d.0.iter().map(|d| format!("{} {}", d.position(), d.message)).collect(),
        }
    }

    fn app(roles: &[String], default_role: &str) -> String {
        format!(
            "apiVersion: keyward.io/v1alpha1\nkind: Application\nmetadata: {{name: chat}}\nspec:\n  connector:\n    csvExport: {{path: chat.csv, columns: {{id: id, email: email, role: role}}}}\n  roles: [{}]\n  defaultRole: {default_role}\n",
            roles.join(", ")
        )
    }

    #[test]
    fn an_application_within_the_bounds_passes() {
        let roles: Vec<String> = (0..100).map(|i| format!("r{i}")).collect();
        assert_eq!(errors(&app(&roles, "r0")), Vec::<String>::new());
    }

    #[test]
    fn more_roles_than_the_crd_allows_is_an_error_at_the_list() {
        let roles: Vec<String> = (0..101).map(|i| format!("r{i}")).collect();
        let e = errors(&app(&roles, "r0"));
        assert_eq!(e, ["p.yaml:13:10 `spec.roles` has 101 entries; at most 100 are allowed"], "{e:?}");
    }

    #[test]
    fn a_role_name_longer_than_the_crd_allows_is_an_error_at_the_name() {
        let long = "x".repeat(257);
        let e = errors(&app(std::slice::from_ref(&long), &long));
        assert_eq!(e.len(), 2, "{e:?}");
        assert!(e[0].ends_with("`spec.roles[0]` is 257 characters long; at most 256 are allowed"), "{e:?}");
        assert!(e[1].ends_with("`spec.defaultRole` is 257 characters long; at most 256 are allowed"), "{e:?}");
    }

    #[test]
    fn more_duties_than_the_crd_allows_is_an_error() {
        let duties: Vec<String> =
            (0..51).map(|i| format!("    - {{name: d{i}, entitlements: [{{app: chat, role: r{i}}}]}}")).collect();
        let text = format!(
            "{}---\napiVersion: keyward.io/v1alpha1\nkind: SeparationOfDuties\nmetadata: {{name: sod}}\nspec:\n  duties:\n{}\n",
            app(&(0..51).map(|i| format!("r{i}")).collect::<Vec<_>>(), "r0"),
            duties.join("\n")
        );
        let e = errors(&text);
        assert!(e.iter().any(|e| e.ends_with("`spec.duties` has 51 entries; at most 50 are allowed")), "{e:?}");
    }
}
