//! People's names as comparable keys: the kanji HR writes, the reading in
//! kana, and Hepburn romaji derived from the reading, so `Taro Yamada`,
//! `yamada.taro@gmail.com`, `ヤマダ タロウ` and `山田 太郎` meet.
//!
//! A key is either the name's own characters (kanji, with spaces and case
//! ignored) or romaji. Kana becomes romaji through `wana_kana` (a port of
//! WaniKani's converter, the usual choice in Rust); romaji is then
//! normalised so the ways Japanese names are written in Latin letters
//! compare equal: macrons dropped (`Ōno` → `ono`), long vowels written out
//! collapsed (`ou`, `oo`, `oh` before a consonant or at the end → `o`;
//! `uu` → `u`; so `Ohno`, `Ono`, `Oono` and `Yuuki`, `Yuki` meet), and `m`
//! before `b`, `m`, `p` read as `n` (`Homma`, `Honma`). `ei` and `ii` stay:
//! they are written so in passports too. Keys only ever *suggest* a person
//! (see `hints`); they never match an account.

use wana_kana::ConvertJapanese as _;

/// Longest name part kept as a key: longer ones are not names, and this
/// bounds what a hostile display name can cost.
const MAX_PART: usize = 64;

/// The comparable key of one part of a name (a family or given name, a
/// token of a display name or address), or `None` when nothing is left.
pub fn key(part: &str) -> Option<String> {
    let part = part.trim();
    if part.is_empty() || part.chars().count() > MAX_PART {
        return None;
    }
    let has_kana = part.chars().any(is_kana);
    let has_latin = part.chars().any(|c| c.is_ascii_alphabetic() || is_macron(c));
    let k = if has_kana {
        romaji(&part.to_romaji())
    } else if has_latin && part.chars().all(|c| c.is_ascii() || is_macron(c) || !c.is_alphanumeric()) {
        romaji(part)
    } else {
        // Kanji (or another script): as written, case and spaces ignored.
        part.chars().filter(|c| !c.is_whitespace() && !c.is_ascii_digit()).flat_map(char::to_lowercase).collect()
    };
    (!k.is_empty()).then_some(k)
}

/// The parts of a display name or an e-mail's local part: split on white
/// space, `.`, `_`, `-`, `+` and `,`, digits dropped.
pub fn parts(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| c.is_whitespace() || matches!(c, '.' | '_' | '-' | '+' | ',' | '・' | '　'))
        .map(|p| p.trim_matches(|c: char| c.is_ascii_digit()))
        .filter(|p| !p.is_empty())
}

fn is_kana(c: char) -> bool {
    matches!(c, '\u{3041}'..='\u{309f}' | '\u{30a0}'..='\u{30ff}' | '\u{ff66}'..='\u{ff9f}')
}

fn is_macron(c: char) -> bool {
    matches!(c, 'ā' | 'ī' | 'ū' | 'ē' | 'ō' | 'Ā' | 'Ī' | 'Ū' | 'Ē' | 'Ō' | 'â' | 'û' | 'ô' | 'Â' | 'Û' | 'Ô')
}

/// Romaji normalised as the module doc says.
fn romaji(s: &str) -> String {
    let letters: Vec<char> = s
        .chars()
        .filter_map(|c| match c {
            'ā' | 'Ā' | 'â' | 'Â' => Some('a'),
            'ī' | 'Ī' => Some('i'),
            'ū' | 'Ū' | 'û' | 'Û' => Some('u'),
            'ē' | 'Ē' => Some('e'),
            'ō' | 'Ō' | 'ô' | 'Ô' => Some('o'),
            c if c.is_ascii_alphabetic() => Some(c.to_ascii_lowercase()),
            _ => None,
        })
        .collect();
    let mut out = String::with_capacity(letters.len());
    let vowel = |c: char| matches!(c, 'a' | 'i' | 'u' | 'e' | 'o');
    let mut i = 0;
    while i < letters.len() {
        let c = letters[i];
        let next = letters.get(i + 1).copied();
        match (c, next) {
            // ou, oo, uu: a long vowel written out.
            ('o', Some('u' | 'o')) | ('u', Some('u')) => {
                out.push(c);
                i += 2;
                continue;
            }
            // oh before a consonant or at the end (Ohno, Satoh).
            ('o', Some('h')) if letters.get(i + 2).is_none_or(|n| !vowel(*n)) => {
                out.push('o');
                i += 2;
                continue;
            }
            ('m', Some('b' | 'm' | 'p')) => out.push('n'),
            _ => out.push(c),
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(s: &str) -> String {
        key(s).unwrap_or_default()
    }

    #[test]
    fn long_vowels_compare_as_people_write_them() {
        for same in [["Ohno", "Ono", "Oono"], ["Yuuki", "Yuki", "Yūki"], ["オオノ", "おおの", "Ōno"]] {
            let keys: Vec<String> = same.iter().map(|s| k(s)).collect();
            assert!(keys.windows(2).all(|w| w[0] == w[1]), "{same:?} → {keys:?}");
        }
        assert_eq!(k("ヤマダ"), "yamada");
        assert_eq!(k("タロウ"), "taro");
        assert_eq!(k("Taro"), k("たろう"));
        assert_eq!(k("サトウ"), k("Satoh"));
        assert_eq!(k("Homma"), k("ホンマ"));
        assert_eq!(k("Keiko"), "keiko", "ei stays");
        assert_ne!(k("Sato"), k("Saito"));
    }

    #[test]
    fn kanji_is_kept_and_addresses_split_into_parts() {
        assert_eq!(k("山田"), "山田");
        assert_eq!(parts("taro.yamada_02-x+tag").collect::<Vec<_>>(), ["taro", "yamada", "x", "tag"]);
        assert_eq!(parts("山田　太郎").collect::<Vec<_>>(), ["山田", "太郎"]);
        assert_eq!(key(""), None);
        assert_eq!(key(&"a".repeat(100)), None, "bounded");
    }
}
