//! The core's layering, checked on its source: every module belongs to a
//! layer (the table below, the same as the crate documentation's), uses
//! only modules of its own layer or lower ones, and no modules form a
//! cycle.
//!
//! A reference is any `crate::…`, `super::…` or `self::…` path, or a path
//! through a child module, in a `use` or inline, outside comments and
//! string literals; it counts for the deepest module its path names
//! (`crate::compile::model::CompiledApp` → `compile::model`). Modules are
//! files (`src/compile/model.rs` is `compile::model`); inline modules such
//! as `mod tests` count as their file.
//!
//! "No cycle" is checked among the children of every module (the crate's
//! top-level modules, the files of `compile/`, …): if anything under `a`
//! uses anything under `b`, then nothing under `b` may use anything under
//! `a`. A module and the modules inside it are one unit, so a child may
//! use what its parent defines.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test: a panic is the failure report

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Module path prefix → layer. The longest prefix that matches decides;
/// every module must match one.
const LAYERS: &[(&str, u8)] = &[
    // 0. foundations
    ("diag", 0),
    ("yaml", 0),
    ("duration", 0),
    ("json_path", 0),
    ("printable", 0),
    ("endpoint", 0),
    ("excerpt", 0),
    ("template", 0),
    ("i18n", 0),
    // 1. resource types
    ("resources", 1),
    // 2. the data model and vocabularies
    ("names", 2),
    ("people", 2),
    ("action", 2),
    ("account", 2),
    ("discovery", 2),
    ("history", 2),
    ("plan", 2),
    ("roster", 2),
    ("vocab", 2),
    ("tabular", 2),
    // 3. loading
    ("load", 3),
    // 4. compilation
    ("compile", 4),
    // 5. evaluation and correlation
    ("evaluate", 5),
    ("correlate", 5),
    ("grants", 5),
    ("identity", 5),
    ("hints", 5),
    ("owners", 5),
    // 6. the planner
    ("planner", 6),
    ("approval", 6),
    // 7. presentation and policy tests
    ("present", 7),
    ("policy_test", 7),
];

/// One use of a module by another.
#[derive(Debug, Clone)]
struct Reference {
    /// The module whose file holds the reference.
    from: String,
    /// The module the path names.
    to: String,
    /// The file, for messages.
    file: String,
    /// The path as written (resolved to `crate::…`).
    path: String,
}

#[test]
fn core_modules_are_layered_and_acyclic() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let sources = read_sources(&src);
    let modules: BTreeSet<String> = sources.keys().cloned().collect();
    let mut problems = Vec::new();
    for m in modules.iter().filter(|m| !m.is_empty()) {
        if layer(m).is_none() {
            problems.push(format!("{m} is in no layer: add it to LAYERS in tests/layers.rs and to the crate docs"));
        }
    }
    let refs: Vec<Reference> =
        sources.iter().flat_map(|(m, (file, text))| references(m, file, text, &modules)).collect();
    problems.extend(layer_problems(&refs));
    problems.extend(cycle_problems(&refs, &modules));
    assert!(problems.is_empty(), "the core's layering is broken:\n  {}", problems.join("\n  "));
}

#[test]
fn the_checks_find_an_upward_use_a_cycle_and_a_use_of_the_root() {
    let modules: BTreeSet<String> =
        ["", "planner", "planner::person", "present", "present::render", "compile", "compile::a", "compile::b"]
            .into_iter()
            .map(str::to_owned)
            .collect();
    let upward = references(
        "planner::person",
        "src/planner/person.rs",
        "// crate::present::render in a comment does not count\nuse crate::present::render::text;\nfn f() { let s = \"crate::present\"; }",
        &modules,
    );
    assert_eq!(upward.len(), 1, "{upward:?}");
    assert_eq!(
        layer_problems(&upward),
        vec![
            "planner::person uses present::render, layer 7 above 6 (crate::present::render::text in src/planner/person.rs)"
        ]
    );
    let mut refs = references("compile::a", "src/compile/a.rs", "use super::b::{X, Y};", &modules);
    refs.extend(references("compile::b", "src/compile/b.rs", "fn f() { crate::compile::a::g() }", &modules));
    let cycles = cycle_problems(&refs, &modules);
    assert_eq!(cycles.len(), 1, "{cycles:?}");
    assert!(cycles[0].starts_with("cycle among the modules of compile: a → b → a"), "{}", cycles[0]);
    let root = references("planner", "src/planner/mod.rs", "fn f() -> crate::Action { todo!() }", &modules);
    assert_eq!(
        layer_problems(&root),
        vec!["planner uses the crate root (crate::Action in src/planner/mod.rs); name the module that defines it"]
    );
}

/// Every `.rs` file under `src`, by module path (`""` for `lib.rs`).
fn read_sources(src: &Path) -> BTreeMap<String, (String, String)> {
    let mut out = BTreeMap::new();
    let mut dirs = vec![src.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let rel = path.strip_prefix(src).unwrap().with_extension("");
            let mut parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().into_owned()).collect();
            if parts.last().is_some_and(|p| p == "mod" || p == "lib") {
                parts.pop();
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let shown = format!("src/{}", path.strip_prefix(src).unwrap().display());
            out.insert(parts.join("::"), (shown, text));
        }
    }
    out
}

/// The layer of a module: its longest matching prefix in [`LAYERS`].
fn layer(module: &str) -> Option<u8> {
    LAYERS
        .iter()
        .filter(|(prefix, _)| module == *prefix || module.starts_with(&format!("{prefix}::")))
        .max_by_key(|(prefix, _)| prefix.len())
        .map(|(_, l)| *l)
}

fn top(module: &str) -> &str {
    module.split("::").next().unwrap_or_default()
}

fn layer_problems(refs: &[Reference]) -> Vec<String> {
    let mut out = BTreeSet::new();
    for r in refs {
        if r.from.is_empty() || top(&r.from) == top(&r.to) {
            continue;
        }
        if r.to.is_empty() {
            out.insert(format!(
                "{} uses the crate root ({} in {}); name the module that defines it",
                r.from, r.path, r.file
            ));
            continue;
        }
        if let (Some(from), Some(to)) = (layer(&r.from), layer(&r.to))
            && to > from
        {
            out.insert(format!("{} uses {}, layer {to} above {from} ({} in {})", r.from, r.to, r.path, r.file));
        }
    }
    out.into_iter().collect()
}

/// Cycles among the children of every module, each named once with a
/// reference behind every step.
fn cycle_problems(refs: &[Reference], modules: &BTreeSet<String>) -> Vec<String> {
    let mut out = Vec::new();
    for parent in modules {
        let children: Vec<&String> = modules.iter().filter(|m| parent_of(m) == Some(parent.as_str())).collect();
        let child_of = |m: &str| -> Option<String> {
            children.iter().find(|c| m == c.as_str() || m.starts_with(&format!("{c}::"))).map(|c| (*c).clone())
        };
        // child → child it uses, with one reference as evidence.
        let mut edges: BTreeMap<String, BTreeMap<String, &Reference>> = BTreeMap::new();
        for r in refs {
            if let (Some(a), Some(b)) = (child_of(&r.from), child_of(&r.to))
                && a != b
            {
                edges.entry(a).or_default().entry(b).or_insert(r);
            }
        }
        let mut reported: BTreeSet<BTreeSet<String>> = BTreeSet::new();
        for start in edges.keys() {
            if let Some(cycle) = find_cycle(start, &edges) {
                let members: BTreeSet<String> = cycle.iter().cloned().collect();
                if !reported.insert(members) {
                    continue;
                }
                let short = |m: &str| m.rsplit("::").next().unwrap_or(m).to_owned();
                let names: Vec<String> = cycle.iter().map(|m| short(m)).collect();
                let evidence: Vec<String> = cycle
                    .windows(2)
                    .map(|w| {
                        let r = edges[&w[0]][&w[1]];
                        format!("{} uses {} in {}: {}", short(&w[0]), short(&w[1]), r.file, r.path)
                    })
                    .collect();
                let within = if parent.is_empty() { "the crate".to_owned() } else { parent.clone() };
                out.push(format!(
                    "cycle among the modules of {within}: {} ({})",
                    names.join(" → "),
                    evidence.join("; ")
                ));
            }
        }
    }
    out
}

fn parent_of(module: &str) -> Option<&str> {
    if module.is_empty() {
        return None;
    }
    Some(module.rsplit_once("::").map_or("", |(p, _)| p))
}

/// A path of edges from `start` back to `start`, if there is one.
fn find_cycle(start: &str, edges: &BTreeMap<String, BTreeMap<String, &Reference>>) -> Option<Vec<String>> {
    let mut stack = vec![vec![start.to_owned()]];
    let mut seen = BTreeSet::new();
    while let Some(path) = stack.pop() {
        let last = path.last().unwrap();
        for next in edges.get(last).into_iter().flat_map(|e| e.keys()) {
            if next == start {
                let mut cycle = path.clone();
                cycle.push(start.to_owned());
                return Some(cycle);
            }
            if seen.insert(next.clone()) {
                let mut longer = path.clone();
                longer.push(next.clone());
                stack.push(longer);
            }
        }
    }
    None
}

/// The module references of one file.
fn references(module: &str, file: &str, text: &str, modules: &BTreeSet<String>) -> Vec<Reference> {
    let code = strip_comments_and_strings(text);
    let mut out = Vec::new();
    let mut push = |scope: &str, path: &str| {
        if let Some((to, shown)) = resolve(scope, path, modules) {
            out.push(Reference { from: module.to_owned(), to, file: file.to_owned(), path: shown });
        }
    };
    // Statements and inline modules, tracked by brace depth so `super::`
    // inside `mod tests { … }` means the file's own module.
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut depth = 0usize;
    let chars: Vec<char> = code.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let scope = match inline.last() {
            Some((m, _)) => m.clone(),
            None => module.to_owned(),
        };
        let rest: String = chars[i..chars.len().min(i + 200)].iter().collect();
        let word_start = i == 0 || !is_ident(chars[i - 1]);
        if word_start && let Some(name) = inline_mod(&rest) {
            depth += 1;
            let m = if scope.is_empty() { name } else { format!("{scope}::{name}") };
            inline.push((m, depth));
            i += rest.chars().position(|c| c == '{').unwrap() + 1;
            continue;
        }
        if word_start && rest.starts_with("use ") {
            let end = i + chars[i..].iter().position(|c| *c == ';').unwrap();
            let tree: String = chars[i + 4..end].iter().collect();
            for path in expand_use(&tree) {
                push(&scope, &path);
            }
            i = end + 1;
            continue;
        }
        if word_start && (rest.starts_with("crate::") || rest.starts_with("super::") || rest.starts_with("self::")) {
            let len = rest.chars().take_while(|c| is_ident(*c) || *c == ':').count();
            push(&scope, rest[..len].trim_end_matches(':'));
            i += len;
            continue;
        }
        match chars[i] {
            '{' => depth += 1,
            '}' => {
                if inline.last().is_some_and(|(_, d)| *d == depth) {
                    inline.pop();
                }
                depth = depth.saturating_sub(1);
            }
            _ => {}
        }
        i += 1;
    }
    out
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// `mod name {` at the start of `rest`: the name.
fn inline_mod(rest: &str) -> Option<String> {
    let after = rest.strip_prefix("mod ")?;
    let name: String = after.chars().take_while(|c| is_ident(*c)).collect();
    let tail = after[name.len()..].trim_start();
    (!name.is_empty() && tail.starts_with('{')).then_some(name)
}

/// The paths a `use` tree names (`a::{b, c::d as e, self}` → `a::b`,
/// `a::c::d`, `a`).
fn expand_use(tree: &str) -> Vec<String> {
    let tree: String = tree.chars().filter(|c| !c.is_whitespace() || *c == ' ').collect();
    let tree = tree.trim();
    let mut out = Vec::new();
    if let Some(open) = tree.find('{') {
        let base = tree[..open].trim_end_matches("::");
        let inner = &tree[open + 1..tree.rfind('}').unwrap()];
        for part in split_top(inner) {
            for p in expand_use(&part) {
                let p = if p == "self" { String::new() } else { p };
                out.push(match (base.is_empty(), p.is_empty()) {
                    (true, _) => p,
                    (false, true) => base.to_owned(),
                    (false, false) => format!("{base}::{p}"),
                });
            }
        }
    } else {
        let path = tree.split(" as ").next().unwrap_or_default().trim();
        out.push(path.trim_end_matches("::*").to_owned());
    }
    out
}

fn split_top(s: &str) -> Vec<String> {
    let (mut out, mut cur, mut depth) = (Vec::new(), String::new(), 0);
    for c in s.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                out.push(std::mem::take(&mut cur));
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    out.push(cur);
    out.into_iter().map(|p| p.trim().to_owned()).filter(|p| !p.is_empty()).collect()
}

/// The module `path`, written in `scope`, names; `None` for another
/// crate's path or the module itself.
fn resolve(scope: &str, path: &str, modules: &BTreeSet<String>) -> Option<(String, String)> {
    let mut segs: Vec<&str> = path.split("::").filter(|s| !s.is_empty()).collect();
    let mut base: Vec<String> = Vec::new();
    match segs.first().copied() {
        Some("crate") => {
            segs.remove(0);
        }
        Some("self") | Some("super") => {
            base = scope.split("::").filter(|s| !s.is_empty()).map(str::to_owned).collect();
            while let Some(s) = segs.first().copied() {
                match s {
                    "self" => {}
                    "super" => {
                        base.pop();
                    }
                    _ => break,
                }
                segs.remove(0);
            }
        }
        Some(first) => {
            // A path through a child module declared here (`use app::plan_app`).
            let child = if scope.is_empty() { first.to_owned() } else { format!("{scope}::{first}") };
            if !modules.contains(&child) {
                return None;
            }
            base = scope.split("::").filter(|s| !s.is_empty()).map(str::to_owned).collect();
        }
        None => return None,
    }
    let full: Vec<String> = base.into_iter().chain(segs.iter().map(|s| (*s).to_owned())).collect();
    let to = (0..=full.len()).rev().map(|n| full[..n].join("::")).find(|m| modules.contains(m))?;
    let file_module = {
        let mut m = scope.to_owned();
        while !modules.contains(&m) {
            m = parent_of(&m).unwrap_or_default().to_owned();
        }
        m
    };
    if to == file_module {
        return None;
    }
    Some((to, format!("crate::{}", full.join("::")).replace("crate::::", "crate::")))
}

/// The code with comments, string and character literals blanked out, and
/// `pub(in path)` removed (a visibility names no dependency).
fn strip_comments_and_strings(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
            continue;
        }
        if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            out.push(' ');
            continue;
        }
        let raw_start = (c == 'r' || (c == 'b' && next == Some('r'))) && (i == 0 || !is_ident(chars[i - 1])) && {
            let j = if c == 'b' { i + 2 } else { i + 1 };
            let hashes = chars[j..].iter().take_while(|c| **c == '#').count();
            chars.get(j + hashes) == Some(&'"')
        };
        if raw_start {
            let j = if c == 'b' { i + 2 } else { i + 1 };
            let hashes = chars[j..].iter().take_while(|c| **c == '#').count();
            let close: String = std::iter::once('"').chain(std::iter::repeat_n('#', hashes)).collect();
            let body_start = j + hashes + 1;
            let rest: String = chars[body_start..].iter().collect();
            let end = rest.find(&close).map_or(chars.len(), |e| body_start + rest[..e].chars().count() + close.len());
            out.push_str("\"\"");
            i = end;
            continue;
        }
        if c == '"' {
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                i += if chars[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
            out.push_str("\"\"");
            continue;
        }
        if c == '\'' {
            // A character literal ('a', '\n', '\u{feff}'); a lifetime ('a) is code.
            if next == Some('\\') {
                i += 2;
                while i < chars.len() && chars[i] != '\'' {
                    i += 1;
                }
                i += 1;
                out.push_str("' '");
                continue;
            }
            if chars.get(i + 2) == Some(&'\'') {
                i += 3;
                out.push_str("' '");
                continue;
            }
        }
        out.push(c);
        i += 1;
    }
    let mut cleaned = String::with_capacity(out.len());
    let mut rest = out.as_str();
    while let Some(at) = rest.find("pub(in ") {
        cleaned.push_str(&rest[..at + 3]);
        rest = &rest[at..];
        rest = &rest[rest.find(')').map_or(rest.len(), |e| e + 1)..];
    }
    cleaned.push_str(rest);
    cleaned
}
