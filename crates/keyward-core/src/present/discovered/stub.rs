//! [`stub`]: a ready-to-edit Application for an app nobody declared, to
//! paste into the policy repository — the catalogue's definition when one
//! matches, else a skeleton reading a CSV export.
//!
//! Values from a directory go into YAML only as double-quoted scalars
//! with every character a YAML parser or a terminal could take for
//! something else escaped ([`yaml_quoted`]), and into comments only
//! escaped onto one line, so a hostile app name can neither add a field
//! nor end the comment.

use std::fmt::Write as _;

use super::{CatalogueEntry, Discovered, DiscoveredApp, IDS_SHOWN, more};
use crate::printable;

/// The longest resource name the stub makes (a DNS label).
const SLUG_CHARS: usize = 63;

/// The Application stub for `d.apps[app_index]`; `None` when there is no
/// such app. For an app a declared Application already covers it is the
/// same as for an undeclared one: the caller decides which to print.
pub fn stub(d: &Discovered, app_index: usize, catalogue: &[CatalogueEntry]) -> Option<String> {
    let app = d.apps.get(app_index)?;
    let mut s = header(d, app);
    let entry = app.catalogue.as_deref().and_then(|n| catalogue.iter().find(|e| e.name == n));
    match entry {
        Some(e) => {
            let _ = writeln!(
                s,
                "# This is the connector catalogue's definition ({}): adapt what its comments point at.",
                comment(&e.file)
            );
            s.push_str(&with_discovered_as(&e.text, app));
        }
        None => skeleton(&mut s, app),
    }
    if !s.ends_with('\n') {
        s.push('\n');
    }
    Some(s)
}

fn header(d: &Discovered, app: &DiscoveredApp) -> String {
    let mut s = String::new();
    let _ = write!(
        s,
        "# Discovered by `keyward discover` on {}: {} in the HR data {} \"{}\"",
        d.date,
        if app.people == 1 { "1 person".to_owned() } else { format!("{} people", app.people) },
        if app.people == 1 { "uses" } else { "use" },
        comment(&app.name)
    );
    match app.unknown_users {
        0 => {}
        1 => s.push_str(", and 1 user it does not know"),
        n => {
            let _ = write!(s, ", and {n} users it does not know");
        }
    }
    s.push_str(".\n");
    if let Some(p) = &app.publisher {
        let _ = writeln!(s, "# Publisher: {}", comment(p));
    }
    let mut dirs: Vec<String> =
        app.ids.iter().take(IDS_SHOWN).map(|i| format!("{} ({})", comment(&i.directory), comment(&i.id))).collect();
    dirs.extend(more(app.ids.len(), IDS_SHOWN));
    let _ = writeln!(s, "# Reported by: {}", dirs.join(", "));
    if !app.holders.is_empty() {
        let _ = writeln!(
            s,
            "# {} grants are held by leavers or people on leave: see `keyward discover`.",
            app.holders.len()
        );
    }
    s
}

/// The skeleton: a `csvExport` Application that suspends leavers.
fn skeleton(s: &mut String, app: &DiscoveredApp) {
    let name = slug(app);
    let _ = writeln!(
        s,
        "apiVersion: keyward.io/v1alpha1\nkind: Application\nmetadata:\n  name: {name}\nspec:\n  displayName: {}",
        yaml_quoted(&app.name)
    );
    discovered_as(s, app, "  ");
    for line in [
        "  connector:",
        "    # Export the user list from the app's admin screen as CSV (one row per user, with at",
        "    # least the e-mail; the status and role when it has them) and save it here, relative",
        "    # to this file. When the app has a user API, replace `csvExport` with the `http`",
        "    # connector (see the README and `catalogue/`), or with `scim` if it offers SCIM 2.0.",
        "    csvExport:",
    ] {
        let _ = writeln!(s, "{line}");
    }
    let _ = writeln!(s, "      path: exports/{name}.csv");
    for line in [
        "      columns:",
        "        email: email",
        "        # status: status",
        "        # role: role",
        "  lifecycle:",
        "    offboarding:",
        "      suspend: afterLastDay",
        "      # Close sessions and tokens too, where the connector can:",
        "      # revoke: {what: [sessions, oauthTokens], when: afterLastDay}",
    ] {
        let _ = writeln!(s, "{line}");
    }
}

/// `discoveredAs:` with the app's name and its first ids, so the directories'
/// reports are counted as covered once the stub is in the policies.
fn discovered_as(s: &mut String, app: &DiscoveredApp, indent: &str) {
    let mut values: Vec<&str> = vec![app.name.as_str()];
    for i in app.ids.iter().take(IDS_SHOWN) {
        if !values.contains(&i.id.as_str()) {
            values.push(&i.id);
        }
    }
    let list: Vec<String> = values.iter().map(|v| yaml_quoted(v)).collect();
    let _ = writeln!(s, "{indent}# The names and ids the directories report the app under.");
    let _ = writeln!(s, "{indent}discoveredAs: [{}]", list.join(", "));
}

/// The catalogue's text with `discoveredAs` added at the top of `spec`
/// (indented as the line after `spec:`); as it is when the text already
/// has one or no top-level `spec:` line.
fn with_discovered_as(text: &str, app: &DiscoveredApp) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let Some(at) = lines.iter().position(|l| l.trim_end() == "spec:") else { return text.to_owned() };
    if text.lines().any(|l| l.trim_start().starts_with("discoveredAs:")) {
        return text.to_owned();
    }
    let indent: String = lines
        .get(at + 1)
        .map(|l| l.chars().take_while(|c| *c == ' ').collect())
        .filter(|i: &String| !i.is_empty())
        .unwrap_or_else(|| "  ".to_owned());
    let mut out = String::with_capacity(text.len() + 256);
    for (i, l) in lines.iter().enumerate() {
        out.push_str(l);
        out.push('\n');
        if i == at {
            discovered_as(&mut out, app, &indent);
        }
    }
    out
}

impl DiscoveredApp {
    /// A resource name for the app's stub: its name (else its first id) in
    /// lowercase ASCII letters and digits joined by `-`, at most a DNS
    /// label.
    pub fn slug(&self) -> String {
        std::iter::once(self.name.as_str())
            .chain(self.ids.iter().map(|i| i.id.as_str()))
            .map(slug_of)
            .find(|s| !s.is_empty())
            .unwrap_or_else(|| "discovered-app".to_owned())
    }
}

fn slug(app: &DiscoveredApp) -> String {
    app.slug()
}

fn slug_of(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
        if out.len() >= SLUG_CHARS {
            break;
        }
    }
    out.truncate(SLUG_CHARS);
    out.trim_end_matches('-').to_owned()
}

/// A YAML double-quoted scalar holding exactly `s`: `"` and `\` escaped,
/// and every character outside YAML's printable set, every line break and
/// every character [`printable::is_unsafe`] as `\u`/`\U`.
pub(super) fn yaml_quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if needs_escape(c) => {
                let code = u32::from(c);
                if code <= 0xffff {
                    let _ = write!(out, "\\u{code:04x}");
                } else {
                    let _ = write!(out, "\\U{code:08x}");
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Whether `c` must be escaped in YAML: outside YAML's printable set
/// (C0 and C1 controls but tab, surrogates, U+FFFE/U+FFFF), a line break,
/// a byte order mark (refused inside a document), or a character
/// [`printable::is_unsafe`] for a terminal.
fn needs_escape(c: char) -> bool {
    let code = u32::from(c);
    let printable_in_yaml = matches!(code, 0x20..=0x7e | 0xa0..=0xd7ff | 0xe000..=0xfffd | 0x10000..=0x10ffff);
    !printable_in_yaml || code == 0xfeff || printable::is_unsafe(c)
}

/// Text for a YAML comment: on one line, every character [`needs_escape`]
/// written as `\u{…}`.
fn comment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if needs_escape(c) {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_scalars_escape_what_yaml_or_a_terminal_would_act_on() {
        assert_eq!(yaml_quoted("a\"b\\c"), "\"a\\\"b\\\\c\"");
        assert_eq!(yaml_quoted("x\ny\u{85}z\u{2028}\u{1b}[2J"), "\"x\\u000ay\\u0085z\\u2028\\u001b[2J\"");
        assert_eq!(yaml_quoted("経費: {a}, [b] #c &d *e !f"), "\"経費: {a}, [b] #c &d *e !f\"");
        assert_eq!(yaml_quoted("\u{feff}\u{fffe}"), "\"\\ufeff\\ufffe\"");
    }

    #[test]
    fn comments_stay_on_one_line_without_a_byte_order_mark() {
        assert_eq!(comment("a\nb\u{feff}c\u{1b}"), "a\\u{a}b\\u{feff}c\\u{1b}");
    }

    #[test]
    fn slugs_are_dns_labels() {
        assert_eq!(slug_of("Zoom Workplace"), "zoom-workplace");
        assert_eq!(slug_of("  --Foo__Bar!!  "), "foo-bar");
        assert_eq!(slug_of("経費精算"), "");
        assert_eq!(slug_of(&"a-".repeat(100)).len(), 63);
        assert!(!slug_of(&"ab-".repeat(40)).ends_with('-'));
    }
}
