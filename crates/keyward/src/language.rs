//! The language of everything keyward prints: `--lang`, else `KEYWARD_LANG`,
//! else the locale (`LC_ALL`, `LC_MESSAGES`, `LANG`), else English.
//!
//! Decided once at start and read wherever a rendering is made, like the
//! terminal's colour choice: threading it through every command's
//! arguments would change nothing but signatures.

use std::sync::OnceLock;

use keyward_core::i18n::Lang;

static CHOSEN: OnceLock<Lang> = OnceLock::new();

/// Settles the language from the flag (clap has already read
/// `KEYWARD_LANG` into it) or the locale variables. Called once by `main`;
/// a second call keeps the first choice.
pub fn init(flag: Option<Lang>) -> Lang {
    *CHOSEN.get_or_init(|| flag.unwrap_or_else(from_locale))
}

/// The language chosen at start (English before [`init`]).
pub fn current() -> Lang {
    CHOSEN.get().copied().unwrap_or_default()
}

fn from_locale() -> Lang {
    let var = |name: &str| std::env::var(name).ok();
    Lang::from_environment(var("LC_ALL").as_deref(), var("LC_MESSAGES").as_deref(), var("LANG").as_deref())
}
