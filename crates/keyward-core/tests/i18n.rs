#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is the failure report
//! The message catalogues: every message exists in English and Japanese with
//! the same variables, no id is defined twice, every file parses, and every
//! id the code names (through the `t!` macro or `Msg::new`) is in them.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use fluent_syntax::ast::{self, Entry, Expression, InlineExpression, Pattern, PatternElement};
use keyward_core::i18n::{CATALOGUE_FILES, Lang};

/// Message id → the variables its value uses.
type Messages = BTreeMap<String, BTreeSet<String>>;

fn messages(file: &str, lang: &str, text: &str) -> Messages {
    let resource = fluent_syntax::parser::parse(text)
        .unwrap_or_else(|(_, errors)| panic!("i18n/{lang}/{file}.ftl does not parse: {errors:?}"));
    let mut out = Messages::new();
    for entry in resource.body {
        if let Entry::Message(m) = entry {
            let mut vars = BTreeSet::new();
            if let Some(p) = &m.value {
                pattern_vars(p, &mut vars);
            }
            assert!(m.value.is_some(), "i18n/{lang}/{file}.ftl: {} has no value", m.id.name);
            let previous = out.insert(m.id.name.to_owned(), vars);
            assert!(previous.is_none(), "i18n/{lang}/{file}.ftl defines {} twice", m.id.name);
        }
    }
    out
}

fn pattern_vars(p: &Pattern<&str>, vars: &mut BTreeSet<String>) {
    for el in &p.elements {
        if let PatternElement::Placeable { expression } = el {
            expression_vars(expression, vars);
        }
    }
}

fn expression_vars(e: &Expression<&str>, vars: &mut BTreeSet<String>) {
    match e {
        Expression::Inline(i) => inline_vars(i, vars),
        Expression::Select { selector, variants } => {
            inline_vars(selector, vars);
            for v in variants {
                pattern_vars(&v.value, vars);
            }
        }
    }
}

fn inline_vars(i: &InlineExpression<&str>, vars: &mut BTreeSet<String>) {
    match i {
        InlineExpression::VariableReference { id } => {
            vars.insert(id.name.to_owned());
        }
        InlineExpression::Placeable { expression } => expression_vars(expression, vars),
        InlineExpression::FunctionReference { arguments, .. } => {
            let ast::CallArguments { positional, named } = arguments;
            for a in positional {
                inline_vars(a, vars);
            }
            for n in named {
                inline_vars(&n.value, vars);
            }
        }
        _ => {}
    }
}

/// Every file's messages per language, checked for duplicates across files.
fn catalogue(lang: Lang) -> Messages {
    let mut all = Messages::new();
    for (file, en, ja) in CATALOGUE_FILES {
        let text = if lang == Lang::En { en } else { ja };
        for (id, vars) in messages(file, lang.tag(), text) {
            assert!(!all.contains_key(&id), "{id} is defined in two {lang} catalogue files (one is {file}.ftl)");
            all.insert(id, vars);
        }
    }
    all
}

#[test]
fn every_message_exists_in_both_languages_with_the_same_variables() {
    let en = catalogue(Lang::En);
    let ja = catalogue(Lang::Ja);
    let only_en: Vec<_> = en.keys().filter(|k| !ja.contains_key(*k)).collect();
    let only_ja: Vec<_> = ja.keys().filter(|k| !en.contains_key(*k)).collect();
    assert!(only_en.is_empty(), "messages without a Japanese text: {only_en:?}");
    assert!(only_ja.is_empty(), "messages without an English text: {only_ja:?}");
    for (id, vars) in &en {
        assert_eq!(vars, &ja[id], "{id}: the English and Japanese texts use different variables");
    }
}

#[test]
fn every_catalogue_file_exists_for_both_languages_and_is_built_in() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("i18n");
    for lang in Lang::ALL {
        let on_disk: BTreeSet<String> = std::fs::read_dir(dir.join(lang.tag()))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().trim_end_matches(".ftl").to_owned())
            .collect();
        let built_in: BTreeSet<String> = CATALOGUE_FILES.iter().map(|(n, _, _)| (*n).to_owned()).collect();
        assert_eq!(on_disk, built_in, "i18n/{lang}/ holds other files than CATALOGUE_FILES lists");
    }
}

/// Message ids named in the workspace's Rust sources.
fn ids_used_in_code() -> BTreeMap<String, String> {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let re = regex::Regex::new(r#"(?:\bt!\(\s*[^,()]+(?:\([^()]*\))?\s*,\s*|Msg::new\(\s*)"([a-z0-9-]+)""#).unwrap();
    let mut out = BTreeMap::new();
    let mut stack = vec![crates.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if path.is_dir() {
                if name != "target" && !name.starts_with('.') {
                    stack.push(path);
                }
            } else if name.ends_with(".rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                for c in re.captures_iter(&text) {
                    out.entry(c[1].to_owned()).or_insert_with(|| path.display().to_string());
                }
            }
        }
    }
    out
}

#[test]
fn every_message_the_code_names_is_in_the_catalogue() {
    let en = catalogue(Lang::En);
    let used = ids_used_in_code();
    assert!(used.contains_key("lang-name"), "the scan found no message ids: is the pattern still right?");
    let missing: Vec<_> = used.iter().filter(|(id, _)| !en.contains_key(*id) && *id != "no-such-message").collect();
    assert!(missing.is_empty(), "messages named in code but not in the catalogue (id, first file): {missing:?}");
}
