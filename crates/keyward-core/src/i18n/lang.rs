//! The languages keyward speaks and how a locale chooses one.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A language every message exists in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// English, the default: what a locale that is neither Japanese nor set gives.
    #[default]
    En,
    /// Japanese.
    Ja,
}

impl Lang {
    /// Every language, in catalogue order.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Ja];

    /// The BCP 47 tag (`en`, `ja`).
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ja => "ja",
        }
    }

    /// The language a POSIX locale names: `ja_JP.UTF-8`, `ja`, `ja-JP` give
    /// Japanese; `C`, `POSIX`, `en_US.UTF-8` and any other language give
    /// English (the one every message exists in first). An empty value says
    /// nothing (`None`), so the next variable is asked.
    pub fn from_locale(locale: &str) -> Option<Lang> {
        let locale = locale.trim();
        if locale.is_empty() {
            return None;
        }
        let language = locale.split(['_', '-', '.', '@']).next().unwrap_or(locale);
        Some(if language.eq_ignore_ascii_case("ja") { Lang::Ja } else { Lang::En })
    }

    /// The language of the environment, from the variables as POSIX orders
    /// them: `LC_ALL`, then `LC_MESSAGES`, then `LANG`. The caller reads
    /// the environment (the core does no I/O) and passes each variable's
    /// value.
    pub fn from_environment(lc_all: Option<&str>, lc_messages: Option<&str>, lang: Option<&str>) -> Lang {
        [lc_all, lc_messages, lang].into_iter().flatten().find_map(Lang::from_locale).unwrap_or_default()
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.tag())
    }
}

/// `--lang` takes a tag: `en`, `ja` (or a locale such as `ja_JP.UTF-8`).
impl FromStr for Lang {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "en" | "english" => Ok(Lang::En),
            "ja" | "japanese" | "日本語" => Ok(Lang::Ja),
            other if other.starts_with("ja_") || other.starts_with("ja-") => Ok(Lang::Ja),
            other if other.starts_with("en_") || other.starts_with("en-") => Ok(Lang::En),
            _ => Err(format!("unknown language {s:?}: use `en` or `ja`")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_japanese_locale_gives_japanese_and_anything_else_english() {
        assert_eq!(Lang::from_locale("ja_JP.UTF-8"), Some(Lang::Ja));
        assert_eq!(Lang::from_locale("ja"), Some(Lang::Ja));
        assert_eq!(Lang::from_locale("ja-JP"), Some(Lang::Ja));
        assert_eq!(Lang::from_locale("C.UTF-8"), Some(Lang::En));
        assert_eq!(Lang::from_locale("POSIX"), Some(Lang::En));
        assert_eq!(Lang::from_locale("de_DE@euro"), Some(Lang::En));
        assert_eq!(Lang::from_locale(" "), None);
    }

    #[test]
    fn lc_all_wins_over_lc_messages_over_lang_and_empty_ones_are_skipped() {
        assert_eq!(Lang::from_environment(Some("C"), None, Some("ja_JP.UTF-8")), Lang::En);
        assert_eq!(Lang::from_environment(Some(""), None, Some("ja_JP.UTF-8")), Lang::Ja);
        assert_eq!(Lang::from_environment(None, Some("ja_JP.UTF-8"), Some("en_US.UTF-8")), Lang::Ja);
        assert_eq!(Lang::from_environment(None, None, None), Lang::En);
    }

    #[test]
    fn the_flag_takes_tags_and_locales_and_names_the_choices_otherwise() {
        assert_eq!("ja".parse::<Lang>(), Ok(Lang::Ja));
        assert_eq!("EN".parse::<Lang>(), Ok(Lang::En));
        assert_eq!("ja_JP.UTF-8".parse::<Lang>(), Ok(Lang::Ja));
        assert!("fr".parse::<Lang>().unwrap_err().contains("`en` or `ja`"));
    }
}
