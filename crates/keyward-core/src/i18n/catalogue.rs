//! The built-in catalogues and rendering through Fluent.

use std::borrow::Cow;
use std::sync::LazyLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

use super::{Arg, Lang};

macro_rules! catalogue_file {
    ($name:literal) => {
        (
            $name,
            include_str!(concat!("../../i18n/en/", $name, ".ftl")),
            include_str!(concat!("../../i18n/ja/", $name, ".ftl")),
        )
    };
}

/// Every catalogue file: its name and its text in English and Japanese.
/// The same names exist under `i18n/en/` and `i18n/ja/`; `tests/i18n.rs`
/// checks that both hold the same message ids and variables.
pub const CATALOGUE_FILES: &[(&str, &str, &str)] = &[
    catalogue_file!("common"),
    catalogue_file!("diag"),
    catalogue_file!("load"),
    catalogue_file!("compile"),
    catalogue_file!("cli"),
    catalogue_file!("plan"),
    catalogue_file!("reasons"),
    catalogue_file!("report"),
    catalogue_file!("review"),
    catalogue_file!("inventory"),
    catalogue_file!("discover"),
    catalogue_file!("apply"),
    catalogue_file!("notify"),
    catalogue_file!("explain"),
    catalogue_file!("connectors"),
    catalogue_file!("history"),
];

type Bundle = FluentBundle<FluentResource>;

/// One bundle per language, in [`Lang::ALL`] order, built on first use.
static BUNDLES: LazyLock<Vec<Bundle>> = LazyLock::new(|| Lang::ALL.iter().map(|&l| bundle(l)).collect());

fn bundle(lang: Lang) -> Bundle {
    let id = match lang {
        Lang::En => unic_langid::langid!("en"),
        Lang::Ja => unic_langid::langid!("ja"),
    };
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    // Isolation marks (U+2068/U+2069) would end up in terminals, CSV cells
    // and Markdown tables; keyward's arguments are names and numbers.
    bundle.set_use_isolating(false);
    bundle.set_formatter(Some(format_number));
    for (_, en, ja) in CATALOGUE_FILES {
        let text = match lang {
            Lang::En => *en,
            Lang::Ja => *ja,
        };
        // A syntax error in a built-in catalogue is caught by tests/i18n.rs;
        // here the entries that did parse are kept, never a panic.
        let resource = FluentResource::try_new(text.to_owned()).unwrap_or_else(|(partial, _)| partial);
        // Duplicate ids are caught by the same test; the first one wins.
        let _ = bundle.add_resource(resource);
    }
    bundle
}

/// Numbers print with thousands separators in both languages (`51,800`).
fn format_number<M>(value: &FluentValue, _: &M) -> Option<String> {
    match value {
        FluentValue::Number(n) if n.value.fract() == 0.0 && n.value.abs() < 9.0e15 => {
            // The guard above keeps the value an exact integer in range.
            #[allow(clippy::cast_possible_truncation)]
            Some(group_digits(n.value as i64))
        }
        _ => None,
    }
}

/// `51800` → `51,800`.
pub(super) fn group_digits(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Renders message `id` in `lang` with `args`; see [`t!`](crate::t).
pub fn render(lang: Lang, id: &str, args: &[(&str, Arg)]) -> String {
    render_pairs(lang, id, args.iter().map(|(k, v)| (*k, v)))
}

pub(super) fn render_pairs<'a>(lang: Lang, id: &str, args: impl Iterator<Item = (&'a str, &'a Arg)>) -> String {
    let Some(bundle) = BUNDLES.get(lang as usize) else { return id.to_owned() };
    let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) else { return id.to_owned() };
    let mut fargs = FluentArgs::new();
    for (name, value) in args {
        let v: FluentValue = match value {
            Arg::Num(n) => FluentValue::from(*n),
            other => FluentValue::String(Cow::Owned(other.render(lang))),
        };
        fargs.set(name.to_owned(), v);
    }
    let mut errors = Vec::new();
    bundle.format_pattern(pattern, Some(&fargs), &mut errors).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_are_grouped_by_three_signs_kept() {
        assert_eq!(group_digits(0), "0");
        assert_eq!(group_digits(999), "999");
        assert_eq!(group_digits(1000), "1,000");
        assert_eq!(group_digits(-1450), "-1,450");
        assert_eq!(group_digits(1_234_567), "1,234,567");
    }

    #[test]
    fn a_message_renders_in_each_language_and_an_unknown_id_as_itself() {
        assert_eq!(render(Lang::En, "lang-name", &[]), "English");
        assert_eq!(render(Lang::Ja, "lang-name", &[]), "日本語");
        assert_eq!(render(Lang::Ja, "no-such-message", &[]), "no-such-message");
    }
}
