//! The made-up person of a test case: an HR record written in the test,
//! every value checked against what the policies know.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::Deserialize;
use serde_json::Value;

use super::doc::{Doc, Vocabulary, join, key};
use super::{DEFAULT_EMAIL, DEFAULT_ID};
use crate::diag::suggest;
use crate::people::{Person, PersonOrigin, Post};
use crate::resources::HrStatus;
use crate::yaml::{NodeKind, PathSegment};

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(super) struct RawPerson {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    email: Option<String>,
    #[serde(default)]
    name: Option<String>,
    // String or list of posts; read from the node for precise errors.
    #[serde(default)]
    department: Option<Value>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    employment_type: Option<String>,
    #[serde(default)]
    status: Option<HrStatus>,
    #[serde(default)]
    start_date: Option<Date>,
    #[serde(default)]
    end_date: Option<Date>,
    #[serde(default)]
    attributes: BTreeMap<String, String>,
}

pub(super) fn synthetic(
    vocab: &Vocabulary<'_>,
    doc: &mut Doc<'_>,
    base: &[PathSegment],
    raw: RawPerson,
) -> Option<Person> {
    let mut ok = true;
    let mut posts = Vec::new();
    let dept_path = join(base, &[key("department")]);
    match (raw.department, doc.node(&dept_path).cloned()) {
        (None, _) | (Some(Value::Null), _) => {
            if raw.title.is_some() {
                posts.push(Post { department: None, title: raw.title.clone() });
            }
        }
        (Some(Value::String(d)), _) => {
            posts.push(Post { department: Some(d.trim().to_owned()), title: raw.title.clone() })
        }
        (Some(Value::Array(_)), Some(node)) => {
            if raw.title.is_some() {
                doc.error(
                    &join(base, &[key("title")]),
                    true,
                    "`title` next to a list of posts",
                    "with several posts (兼務), give each its title: `department: [{department: 営業本部, title: 部長}, …]`",
                );
                ok = false;
            }
            let NodeKind::Seq(items) = &node.kind else {
                return None;
            };
            for (i, item) in items.iter().enumerate() {
                let here = join(&dept_path, &[PathSegment::Index(i)]);
                match &item.kind {
                    NodeKind::Str(d) => posts.push(Post { department: Some(d.trim().to_owned()), title: None }),
                    NodeKind::Map(entries) => {
                        let mut post = Post::default();
                        for (k, v) in entries {
                            let name = k.key_string().unwrap_or_default();
                            match (name.as_str(), v.as_str()) {
                                ("department", Some(s)) => post.department = Some(s.trim().to_owned()),
                                ("title", Some(s)) => post.title = Some(s.to_owned()),
                                ("department" | "title", None) => {
                                    doc.error(
                                        &join(&here, &[key(&name)]),
                                        false,
                                        format!("`{name}` must be a string"),
                                        "quote the value",
                                    );
                                    ok = false;
                                }
                                _ => {
                                    doc.error(
                                        &join(&here, &[key(&name)]),
                                        true,
                                        format!("unknown field `{name}` in a post"),
                                        suggest(&name, &["department", "title"])
                                            .unwrap_or_else(|| "a post has only `department` and `title`".to_owned()),
                                    );
                                    ok = false;
                                }
                            }
                        }
                        posts.push(post);
                    }
                    _ => {
                        doc.error(
                            &here,
                            false,
                            "a post must be a department path or `{department, title}`",
                            "write `- 営業本部/第一営業部` or `- {department: 営業本部/第一営業部, title: 部長}`",
                        );
                        ok = false;
                    }
                }
            }
        }
        (Some(_), _) => {
            doc.error(
                &dept_path,
                false,
                "`department` must be a department path or a list of posts",
                "write `department: 開発本部/プラットフォーム部`, or for 兼務 a list of `{department, title}`",
            );
            ok = false;
        }
    }
    if let Some(t) = &raw.employment_type
        && !vocab.employment_types.contains(t)
    {
        let cands: Vec<&str> = vocab.employment_types.iter().map(String::as_str).collect();
        doc.error(
            &join(base, &[key("employmentType")]),
            false,
            format!("unknown employment type `{t}`"),
            suggest(t, &cands).unwrap_or_else(|| {
                format!("use one of {} (keyward's words, not the HR labels they are mapped from)", cands.join(", "))
            }),
        );
        ok = false;
    }
    for attr in raw.attributes.keys() {
        if !vocab.attributes.contains_key(attr) {
            let cands: Vec<&str> = vocab.attributes.keys().map(String::as_str).collect();
            doc.error(
                &join(base, &[key("attributes"), key(attr)]),
                true,
                format!("no people source declares the attribute `{attr}`"),
                suggest(attr, &cands).unwrap_or_else(|| {
                    if cands.is_empty() {
                        "declare it under the PeopleSource's `columns.attributes` first".to_owned()
                    } else {
                        format!("declared attributes: {}", cands.join(", "))
                    }
                }),
            );
            ok = false;
        }
    }
    if !ok {
        return None;
    }
    let id = raw.id.unwrap_or_else(|| DEFAULT_ID.to_owned());
    let line = doc.at(base, false).line;
    Some(Person {
        id,
        previous_ids: Vec::new(),
        reading: None,
        email: Some(raw.email.unwrap_or_else(|| DEFAULT_EMAIL.to_owned())),
        name: raw.name,
        posts,
        employment_type: raw.employment_type,
        status: raw.status.unwrap_or(HrStatus::Active),
        status_label: None,
        start_date: raw.start_date,
        end_date: raw.end_date,
        manager: None,
        moved_on: None,
        attributes: raw.attributes,
        origin: PersonOrigin { source: 0, line },
    })
}
