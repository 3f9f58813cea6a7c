//! Languages: what a site is written in, the theme's words in each language, and dates
//! written the way each language's readers expect.
//!
//! A site has one or more [`Language`]s (`site.yaml` `languages:`, or the shorter
//! `language:` for a one-language site), the first being the default. Every page is written
//! in one of them, which gives it its `lang` and `dir`, the theme's words ([`words`]) and the
//! form of its dates ([`dates`]). Locale data (month names, date patterns, plural rules,
//! script direction) comes from ICU4X and its compiled CLDR data, never from tables of our
//! own.

pub mod dates;
mod file;
pub mod plural;
pub mod words;

use std::fmt;

use icu_locale::{LanguageIdentifier, LocaleDirectionality, langid};
use serde::{Deserialize, Serialize};

pub use dates::Dates;
pub use words::Words;

/// A language of the site, by its place in `languages` (0 is the default language). Every
/// page is in one, and each has its own edition of the site: its pages, lists and feeds.
pub type Lang = usize;

/// The start of the URL paths of the pages in `lang`: nothing for the default language,
/// its code and a slash for the others (`ur/`).
pub fn prefix(languages: &[Language], lang: Lang) -> String {
    match languages.get(lang) {
        Some(l) if lang > 0 => format!("{}/", l.code),
        _ => String::new(),
    }
}

/// The direction a language is written in, as HTML's `dir` attribute names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Ltr,
    Rtl,
}

impl Direction {
    /// `ltr` or `rtl`.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Ltr => "ltr",
            Direction::Rtl => "rtl",
        }
    }

    /// The direction a language is written in, from its code: the script the code names
    /// (`pa-Arab`) or, failing that, the script the language is most likely written in
    /// (`ur`, `ar`, `fa`, `he`, `ps`, `sd`, `ug`, `yi`, `dv`, `ckb` are right-to-left).
    /// A language ICU4X knows nothing of is taken as left-to-right.
    pub fn of(code: &LanguageIdentifier) -> Direction {
        // The extended likely-subtags data covers every language CLDR knows, not only
        // the most common ones (`ug`, `dv`, `yi` are not in the common set).
        static DIRECTIONALITY: LocaleDirectionality = LocaleDirectionality::new_extended();
        if DIRECTIONALITY.is_right_to_left(code) {
            Direction::Rtl
        } else {
            Direction::Ltr
        }
    }
}

impl fmt::Display for Direction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One language of a site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Language {
    /// The BCP 47 code in its canonical form (`en`, `ur`, `ru`, `pt-BR`): the page's `lang`.
    pub code: String,
    /// The language's name in its own script (`اردو`, `Русский`), for a language switcher.
    pub name: String,
    /// Left-to-right or right-to-left: the page's `dir`.
    pub dir: Direction,
    /// The site's title and description in this language, when site.yaml gives them
    /// (else the site's own): see [`crate::config::Config::title_in`].
    pub title: Option<String>,
    pub description: Option<String>,
    /// The parsed code, for ICU4X.
    #[serde(skip)]
    pub id: LanguageIdentifier,
}

impl Language {
    /// A language from its code alone: named by its code, its direction derived.
    pub fn from_code(code: &str) -> Result<Language, String> {
        let id = parse_code(code)?;
        Ok(Language {
            code: id.to_string(),
            name: id.to_string(),
            dir: Direction::of(&id),
            title: None,
            description: None,
            id,
        })
    }

    /// Orders `names` as a reader of this language expects a list of names ordered
    /// (Unicode collation, with the language's own rules where CLDR has them): code point
    /// order puts Urdu's ٹ, پ and ک after every Arabic letter, and Russian ё after я.
    pub fn compare_names(&self) -> impl Fn(&str, &str) -> std::cmp::Ordering + use<> {
        let collator = icu_collator::Collator::try_new((&self.id).into(), Default::default()).ok();
        move |a, b| match &collator {
            Some(c) => c.compare(a, b).then_with(|| a.cmp(b)),
            // Only a language the data does not know: lower case, then as written.
            None => a
                .to_lowercase()
                .cmp(&b.to_lowercase())
                .then_with(|| a.cmp(b)),
        }
    }

    /// English, the language of a site that names none.
    pub fn english() -> Language {
        let id = langid!("en");
        Language {
            code: "en".to_string(),
            name: "English".to_string(),
            dir: Direction::Ltr,
            title: None,
            description: None,
            id,
        }
    }
}

/// Parses a language code (`en`, `ur`, `pt-BR`, `sr-Latn`) into its canonical form; the
/// error says what is wrong in words.
pub fn parse_code(code: &str) -> Result<LanguageIdentifier, String> {
    let trimmed = code.trim();
    if trimmed.is_empty() {
        return Err("the language code is empty: write a code such as `en`, `ur` or `ru`".into());
    }
    // `pt_BR` is a common way to write `pt-BR` (POSIX locales, file names).
    let id = LanguageIdentifier::try_from_str(&trimmed.replace('_', "-")).map_err(|_| {
        format!(
            "`{code}` is not a language code: write a BCP 47 code such as `en`, `ur`, `ru` or `pt-BR`"
        )
    })?;
    if id.language.is_unknown() {
        return Err(format!(
            "`{code}` names no language: write a code such as `en`, `ur` or `ru`"
        ));
    }
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn right_to_left_languages_are_known_by_their_code() {
        for code in [
            "ur", "ar", "fa", "he", "ps", "sd", "ug", "yi", "dv", "ckb", "pa-Arab",
        ] {
            let l = Language::from_code(code).unwrap();
            assert_eq!(l.dir, Direction::Rtl, "{code}");
        }
        for code in ["en", "ru", "de", "zh", "hi", "sd-Deva", "xx"] {
            let l = Language::from_code(code).unwrap();
            assert_eq!(l.dir, Direction::Ltr, "{code}");
        }
    }

    #[test]
    fn codes_are_checked_and_made_canonical() {
        assert_eq!(Language::from_code("EN").unwrap().code, "en");
        assert_eq!(Language::from_code("pt_br").unwrap().code, "pt-BR");
        for bad in ["", "english!", "e", "und", "en-US-u-ca-buddhist", "12"] {
            assert!(parse_code(bad).is_err(), "{bad:?} was accepted");
        }
    }
}
