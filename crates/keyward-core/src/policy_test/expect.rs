//! What a test case expects: grants (app → role, `true` or `{role,
//! groups}`), denials and `exactly`, each app, role and group checked
//! against the policies.

use serde::Deserialize;
use serde_json::Value;

use super::doc::{Doc, Vocabulary, join, key};
use super::{Expectation, ExpectedGrant};
use crate::diag::suggest;
use crate::yaml::{Node, NodeKind, PathSegment};

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(super) struct RawExpect {
    // App → role, `true` or `{role, groups}`; read from the node.
    #[serde(default)]
    grants: Option<Value>,
    #[serde(default)]
    denies: Vec<String>,
    #[serde(default)]
    exactly: bool,
}

pub(super) fn expectation(
    vocab: &Vocabulary<'_>,
    doc: &mut Doc<'_>,
    base: &[PathSegment],
    raw: RawExpect,
) -> Expectation {
    let mut out = Expectation { grants: Vec::new(), denies: Vec::new(), exactly: raw.exactly };
    let grants_path = join(base, &[key("grants")]);
    if raw.grants.is_some() {
        match doc.node(&grants_path).cloned() {
            Some(Node { kind: NodeKind::Map(entries), .. }) => {
                for (k, v) in &entries {
                    let app = k.key_string().unwrap_or_default();
                    let here = join(&grants_path, &[key(&app)]);
                    if !known_app(vocab, doc, &here, &app) {
                        continue;
                    }
                    if let Some(g) = expected_grant(vocab, doc, &here, &app, v) {
                        out.grants.push(g);
                    }
                }
            }
            Some(Node { kind: NodeKind::Null, .. }) | None => {}
            Some(_) => doc.error(
                &grants_path,
                false,
                "`grants` must map apps to roles",
                "write `grants: {slack: guest, github: member}`; `true` when the app has no roles",
            ),
        }
    }
    for (i, app) in raw.denies.iter().enumerate() {
        let here = join(base, &[key("denies"), PathSegment::Index(i)]);
        if !known_app(vocab, doc, &here, app) {
            continue;
        }
        if out.grants.iter().any(|g| &g.app == app) {
            doc.error(
                &here,
                false,
                format!("`{app}` is both expected and denied"),
                "keep it under `grants:` or under `denies:`, not both",
            );
            continue;
        }
        out.denies.push(app.clone());
    }
    let no_grants = match &raw.grants {
        None | Some(Value::Null) => true,
        Some(Value::Object(m)) => m.is_empty(),
        Some(_) => false,
    };
    if no_grants && raw.denies.is_empty() && !raw.exactly {
        doc.error(
            base,
            false,
            "the case expects nothing",
            "add `grants: {app: role}`, `denies: [app]`, or `exactly: true` with no grants to say nothing is granted",
        );
    }
    out
}

pub(super) fn known_app(vocab: &Vocabulary<'_>, doc: &mut Doc<'_>, at: &[PathSegment], app: &str) -> bool {
    if vocab.set.application(app).is_some() {
        return true;
    }
    let names = vocab.app_names();
    // A grant's app is a mapping key; a denied app is a list item.
    let on_key = matches!(at.last(), Some(PathSegment::Key(_)));
    doc.error(
        at,
        on_key,
        format!("unknown app `{app}`"),
        suggest(app, &names).unwrap_or_else(|| format!("the policies define: {}", names.join(", "))),
    );
    false
}

pub(super) fn expected_grant(
    vocab: &Vocabulary<'_>,
    doc: &mut Doc<'_>,
    at: &[PathSegment],
    app: &str,
    value: &Node,
) -> Option<ExpectedGrant> {
    let (role, groups) = match &value.kind {
        NodeKind::Bool(true) => (None, None),
        NodeKind::Bool(false) => {
            doc.error(
                at,
                false,
                format!("`{app}: false` in `grants`"),
                format!("list apps that must not be granted under `denies: [{app}]`"),
            );
            return None;
        }
        NodeKind::Str(r) => (Some((r.clone(), at.to_vec())), None),
        NodeKind::Map(entries) => {
            let mut role = None;
            let mut groups = None;
            for (k, v) in entries {
                let name = k.key_string().unwrap_or_default();
                let here = join(at, &[key(&name)]);
                match (name.as_str(), &v.kind) {
                    ("role", NodeKind::Str(r)) => role = Some((r.clone(), here)),
                    ("groups", NodeKind::Seq(items)) => {
                        let mut gs = Vec::new();
                        for (i, item) in items.iter().enumerate() {
                            match item.as_str() {
                                Some(g) => gs.push((g.to_owned(), join(&here, &[PathSegment::Index(i)]))),
                                None => {
                                    doc.error(
                                        &join(&here, &[PathSegment::Index(i)]),
                                        false,
                                        "a group must be a string",
                                        "quote the group name",
                                    );
                                    return None;
                                }
                            }
                        }
                        groups = Some(gs);
                    }
                    ("role", _) => {
                        doc.error(
                            &here,
                            false,
                            "`role` must be a string",
                            "write the role's name, one of the app's `roles`",
                        );
                        return None;
                    }
                    ("groups", _) => {
                        doc.error(&here, false, "`groups` must be a list", "write `groups: [engineers, platform]`");
                        return None;
                    }
                    _ => {
                        doc.error(
                            &here,
                            true,
                            format!("unknown field `{name}` in an expected grant"),
                            suggest(&name, &["role", "groups"])
                                .unwrap_or_else(|| "an expected grant has only `role` and `groups`".to_owned()),
                        );
                        return None;
                    }
                }
            }
            (role, groups)
        }
        _ => {
            doc.error(at, false, format!("`{app}` must be a role, `true` or `{{role, groups}}`"), format!("write `{app}: <role>`, `{app}: true` when the role does not matter, or `{app}: {{role: <role>, groups: [..]}}`"));
            return None;
        }
    };
    let mut ok = true;
    if let Some((r, here)) = &role {
        let roles = vocab.roles(app);
        if !roles.contains(r) {
            let cands: Vec<&str> = roles.iter().map(String::as_str).collect();
            let help = if cands.is_empty() {
                format!("`{app}` has no roles; write `{app}: true`")
            } else {
                suggest(r, &cands).unwrap_or_else(|| format!("`{app}` has the roles {}", cands.join(", ")))
            };
            doc.error(here, false, format!("`{r}` is not a role of `{app}`"), help);
            ok = false;
        }
    }
    let mut group_names = None;
    if let Some(gs) = groups {
        let known = vocab.groups(app);
        let cands: Vec<&str> = known.iter().map(String::as_str).collect();
        for (g, here) in &gs {
            if !known.contains(g) {
                let help = if cands.is_empty() {
                    format!("no policy or exception grants groups in `{app}`")
                } else {
                    suggest(g, &cands).unwrap_or_else(|| format!("groups granted in `{app}`: {}", cands.join(", ")))
                };
                doc.error(here, false, format!("no policy or exception grants the group `{g}` in `{app}`"), help);
                ok = false;
            }
        }
        let mut names: Vec<String> = gs.into_iter().map(|(g, _)| g).collect();
        names.sort();
        names.dedup();
        group_names = Some(names);
    }
    ok.then(|| ExpectedGrant { app: app.to_owned(), role: role.map(|(r, _)| r), groups: group_names })
}
