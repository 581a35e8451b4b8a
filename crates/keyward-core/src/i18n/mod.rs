//! Every sentence a person reads, in English or Japanese.
//!
//! The words live in Fluent catalogues (`crates/keyward-core/i18n/<lang>/*.ftl`,
//! one file per area, the same file names and message ids in both languages),
//! built into the binary. Code names a message by its id and passes named
//! arguments; the translator decides word order, particles and plurals.
//!
//! - [`Lang`]: the two languages and how a locale (`ja_JP.UTF-8`) picks one.
//! - [`t!`](crate::t): render a message now, in one language.
//! - [`Msg`]: a message kept as data (id and arguments), so a reason decided
//!   by the planner can be stored in a plan and read later in either language.
//!
//! A missing message never panics: it renders as its id (and the catalogue
//! test fails in CI), so a reader sees something to report.

mod catalogue;
mod lang;
mod message;

pub use catalogue::{CATALOGUE_FILES, render};
pub use lang::Lang;
pub use message::{Arg, Msg};

/// Renders the message `id` in `lang` with named arguments.
///
/// ```
/// use keyward_core::{i18n::Lang, t};
/// assert_eq!(t!(Lang::En, "lang-name"), "English");
/// ```
#[macro_export]
macro_rules! t {
    ($lang:expr, $id:literal $(,)?) => {
        $crate::i18n::render($lang, $id, &[])
    };
    ($lang:expr, $id:literal, $($name:ident = $value:expr),+ $(,)?) => {
        $crate::i18n::render($lang, $id, &[$((stringify!($name), $crate::i18n::Arg::from($value))),+])
    };
}

/// The macro by a path of its own module, so core modules name
/// `crate::i18n::t` (the layering test refuses uses of the crate root).
pub use t;
