//! The theme's words in each language: menus, labels, messages.
//!
//! A theme keeps them in `i18n/<code>.yaml`, one `key: text` line per word; a site may
//! replace any of them, key by key, in its own `i18n/<code>.yaml`. A word counted with a
//! number gives its plural forms instead of one text (see [`super::plural`]):
//!
//! ```yaml
//! key_points: Key points
//! articles:
//!   one: "{n} article"
//!   other: "{n} articles"
//! ```
//!
//! Templates read the words of the page's language from one shared `t` object
//! (`{{ t.key_points }}`), a pointer copy per page, so 10,000 pages cost no more than one.
//! Every language of the site must have every word, and every word a template asks for
//! must exist: both are checked before anything is rendered, and a problem names the file
//! and the key. A word is always text: `{{ }}` in a translation is printed, never run.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use rustc_hash::FxHashMap;
use tera::Value;
use tera::value::Key;

use super::file::{Entry, at_key, parse};
use super::plural::{self, LANG_KEY};
use super::{Language, parse_code};
use crate::error::{Diagnostic, Diagnostics, Location, Problem, did_you_mean};
use crate::load::{I18nFile, TemplateFile};

/// Words attache itself puts in pages (titles of the pages it makes), so every theme's
/// i18n files must have them.
pub const ATTACHE_KEYS: &[&str] = &[
    "topics",
    "timeline",
    "people",
    "organizations",
    "tags",
    "search",
    "page_not_found",
];

/// The words of one file, by key.
struct Parsed<'a> {
    file: &'a I18nFile,
    entries: BTreeMap<String, Entry>,
}

/// A word of one language and the file it came from.
struct Word<'a> {
    entry: &'a Entry,
    file: &'a I18nFile,
}

/// The words of every language of a site, ready for templates.
#[derive(Debug, Default)]
pub struct Words {
    /// The `t` object of each language, by code.
    t: FxHashMap<String, Value>,
    /// The texts attache puts in pages itself, by code, then key.
    texts: FxHashMap<String, FxHashMap<&'static str, String>>,
    /// Every key any language has.
    keys: BTreeSet<String>,
}

impl Words {
    /// Reads the i18n files (the theme's first, then the site's, which replace the theme's
    /// words key by key) for `languages`, and checks every language has every word.
    pub fn compile(files: &[I18nFile], languages: &[Language]) -> Result<Words, Diagnostics> {
        let mut problems = Vec::new();
        let mut parsed: Vec<Parsed> = Vec::new();
        for file in files {
            if !languages
                .iter()
                .any(|l| file_for(files, l, file.site) == Some(file))
            {
                continue;
            }
            match parse(file) {
                Ok(entries) => parsed.push(Parsed { file, entries }),
                Err(d) => problems.extend(d),
            }
        }
        if !problems.is_empty() {
            return Err(Diagnostics(problems).sorted());
        }

        // Each language's words: the theme's, then the site's over them.
        let mut merged: Vec<(&Language, BTreeMap<&str, Word>)> = Vec::new();
        for language in languages {
            let theme = file_for(files, language, false);
            let site = file_for(files, language, true);
            if theme.is_none() && site.is_none() {
                problems.push(no_words(files, language));
                continue;
            }
            let mut words = BTreeMap::new();
            for file in [theme, site].into_iter().flatten() {
                let Some(p) = parsed.iter().find(|p| std::ptr::eq(p.file, file)) else {
                    continue;
                };
                for (key, entry) in &p.entries {
                    words.insert(key.as_str(), Word { entry, file });
                }
            }
            merged.push((language, words));
        }

        // Every word the theme has in any language, and every word a site file adds.
        let mut keys: BTreeSet<String> = ATTACHE_KEYS.iter().map(|k| k.to_string()).collect();
        for (_, words) in &merged {
            keys.extend(words.keys().map(|k| k.to_string()));
        }
        for file in files.iter().filter(|f| !f.site) {
            if !parsed.iter().any(|p| std::ptr::eq(p.file, file)) {
                // A language the site does not use: its problems are not the site's.
                keys.extend(parse(file).into_iter().flat_map(BTreeMap::into_keys));
            }
        }
        // The kind each key should have: attache's own words are text; others as the
        // default language (or else the first language that has the key) gives them.
        let reference = |key: &str| -> Option<&'static str> {
            if ATTACHE_KEYS.contains(&key) {
                return Some("text");
            }
            merged
                .iter()
                .find_map(|(_, words)| words.get(key).map(|w| w.entry.kind()))
        };

        for (language, words) in &merged {
            for key in &keys {
                let Some(word) = words.get(key.as_str()) else {
                    problems.push(missing(files, language, key));
                    continue;
                };
                let expected = reference(key);
                if expected.is_some_and(|k| k != word.entry.kind()) {
                    let message = if word.entry.kind() == "text" {
                        format!(
                            "`{key}` is a counted word: give its forms on the lines below it ({})",
                            plural::categories(&language.id).join(", ")
                        )
                    } else {
                        format!("`{key}` is one text, not a counted word: write `{key}: text`")
                    };
                    problems.push(at_key(word.file, key, None, Problem::Words(message)));
                    continue;
                }
                if let Entry::Counted(forms) = word.entry {
                    for category in plural::categories(&language.id) {
                        if !forms.contains_key(category) {
                            let message = format!(
                                "`{key}` has no `{category}` form: {} counts as {}, so add `{category}:` under `{key}`",
                                language.code,
                                plural::categories(&language.id).join(", ")
                            );
                            problems.push(at_key(word.file, key, None, Problem::Words(message)));
                        }
                    }
                }
            }
        }
        if !problems.is_empty() {
            return Err(Diagnostics(problems).sorted());
        }

        let mut out = Words {
            keys,
            ..Words::default()
        };
        for (language, words) in merged {
            let t: BTreeMap<String, Value> = words
                .iter()
                .map(|(key, word)| (key.to_string(), value(word.entry, language)))
                .collect();
            out.t.insert(language.code.clone(), Value::from(t));
            let texts = ATTACHE_KEYS
                .iter()
                .filter_map(|&key| match words.get(key).map(|w| w.entry) {
                    Some(Entry::Text(text)) => Some((key, text.clone())),
                    _ => None,
                })
                .collect();
            out.texts.insert(language.code.clone(), texts);
        }
        Ok(out)
    }

    /// The `t` object of a language: every word by key.
    pub fn t(&self, code: &str) -> Value {
        self.t.get(code).cloned().unwrap_or_else(Value::none)
    }

    /// One of attache's own words ([`ATTACHE_KEYS`]) in a language; compiling checked that
    /// every language has them.
    pub fn text(&self, code: &str, key: &'static str) -> &str {
        self.texts
            .get(code)
            .and_then(|t| t.get(key))
            .map_or(key, String::as_str)
    }

    /// Every `t.<key>` the templates ask for that no language has, located in the template.
    pub fn check_templates(&self, templates: &[TemplateFile]) -> Vec<Diagnostic> {
        let mut problems = Vec::new();
        for template in templates {
            if rebinds_t(&template.text) {
                // `t` is something else here (a loop over topics, say): rendering reports
                // any word it lacks.
                continue;
            }
            for (offset, key) in word_uses(&template.text) {
                if self.keys.contains(key) {
                    continue;
                }
                let suggestion = did_you_mean(key, self.keys.iter().map(String::as_str));
                let location = Location::of_offset(&template.text, offset);
                problems.push(
                    Diagnostic::new(
                        template.display.clone(),
                        Problem::UnknownWord {
                            key: key.to_string(),
                            suggestion,
                        },
                    )
                    .at(location, &template.text),
                );
            }
        }
        problems
    }
}

/// The template value of a word. A counted word is a map of its forms that also names its
/// language, which is all the `plural` filter needs, and holds every count below
/// [`WRITTEN_COUNTS`] already written out (`t.min_read[3]` is "3 min read"): a lookup,
/// where a filter call per card of a list of thousands costs more than the card.
fn value(entry: &Entry, language: &Language) -> Value {
    match entry {
        Entry::Text(text) => Value::from(text.as_str()),
        Entry::Counted(forms) => {
            let mut map = tera::Map::default();
            for (category, form) in forms {
                map.insert(Key::from(category.clone()), Value::from(form.as_str()));
            }
            map.insert(Key::from(LANG_KEY), Value::from(language.code.as_str()));
            for n in 0..WRITTEN_COUNTS {
                let written = plural::select(&language.id, forms, n as i64);
                map.insert(Key::from(u128::from(n)), Value::from(written));
            }
            Value::from(map)
        }
    }
}

/// Counts a counted word holds written out: reading times and the like.
pub const WRITTEN_COUNTS: u64 = 100;

/// The theme's (or the site's) file for a language: the one named by its code, else by its
/// language alone (`en.yaml` serves `en-GB`).
fn file_for<'a>(files: &'a [I18nFile], language: &Language, site: bool) -> Option<&'a I18nFile> {
    let base = language.id.language.as_str();
    let named = |code: &str| {
        files
            .iter()
            .rev()
            .find(|f| f.site == site && same_code(&f.code, code))
    };
    named(&language.code).or_else(|| named(base))
}

fn same_code(file_code: &str, code: &str) -> bool {
    parse_code(file_code).is_ok_and(|id| id.to_string() == code)
}

/// The problem of a language with no i18n file at all.
fn no_words(files: &[I18nFile], language: &Language) -> Diagnostic {
    let theme: BTreeSet<&str> = files
        .iter()
        .filter(|f| !f.site)
        .map(|f| f.code.as_str())
        .collect();
    let reason = if theme.is_empty() {
        "the theme has no i18n files".to_string()
    } else {
        format!(
            "the theme has words for {}",
            theme.into_iter().collect::<Vec<_>>().join(", ")
        )
    };
    Diagnostic::new(
        PathBuf::from("i18n").join(format!("{}.yaml", language.code)),
        Problem::Words(format!(
            "there are no words for the language `{}`: {reason}; add this file with every key of one of the theme's i18n files, translated",
            language.code
        )),
    )
}

/// The problem of a word a language lacks, on the file that should have it.
fn missing(files: &[I18nFile], language: &Language, key: &str) -> Diagnostic {
    let path = file_for(files, language, false)
        .or_else(|| file_for(files, language, true))
        .map_or_else(
            || PathBuf::from("i18n").join(format!("{}.yaml", language.code)),
            |f| f.display.clone(),
        );
    Diagnostic::new(
        path,
        Problem::MissingWord {
            key: key.to_string(),
            language: language.code.clone(),
        },
    )
}

/// Whether a template names something else `t` (`{% for t in topics %}`, `{% set t = %}`,
/// a component argument `t`), which older templates do: its `t.x` may not be words.
fn rebinds_t(text: &str) -> bool {
    let squeezed: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    [
        "for t in",
        "for t,",
        ", t in",
        "set t =",
        "set_global t =",
        "(t,",
        "(t)",
        ", t,",
        ", t)",
        "(t=",
        ", t=",
    ]
    .iter()
    .any(|p| squeezed.contains(p))
}

/// Where a template reads `t.<key>`, as (byte offset of the key, key). Only inside `{{ }}`
/// and `{% %}` and outside string literals, so text that merely looks like `t.x` is not
/// taken for a word.
fn word_uses(text: &str) -> Vec<(usize, &str)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i + 1 < bytes.len() {
        let open = &bytes[i..i + 2];
        if open != b"{{" && open != b"{%" {
            i += 1;
            continue;
        }
        let close: &[u8] = if open == b"{{" { b"}}" } else { b"%}" };
        let mut j = i + 2;
        let mut quote: Option<u8> = None;
        while j < bytes.len() {
            let c = bytes[j];
            if let Some(q) = quote {
                if c == q {
                    quote = None;
                }
                j += 1;
                continue;
            }
            if matches!(c, b'"' | b'\'' | b'`') {
                quote = Some(c);
                j += 1;
                continue;
            }
            if bytes[j..].starts_with(close) {
                break;
            }
            let starts_word = c == b't'
                && bytes.get(j + 1) == Some(&b'.')
                && !bytes[..j]
                    .last()
                    .is_some_and(|&p| p.is_ascii_alphanumeric() || p == b'_' || p == b'.');
            if starts_word {
                let start = j + 2;
                let end = bytes[start..]
                    .iter()
                    .position(|&b| !(b.is_ascii_alphanumeric() || b == b'_'))
                    .map_or(bytes.len(), |n| start + n);
                if end > start {
                    out.push((start, &text[start..end]));
                }
                j = end;
                continue;
            }
            j += 1;
        }
        i = j + 2;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(code: &str, site: bool, text: &str) -> I18nFile {
        let folder = if site { "i18n" } else { "themes/t/i18n" };
        I18nFile {
            code: code.to_string(),
            display: PathBuf::from(folder).join(format!("{code}.yaml")),
            text: text.to_string(),
            site,
        }
    }

    const BASE: &str = "topics: Topics\ntimeline: Timeline\npeople: People\norganizations: Organizations\ntags: Tags\nsearch: Search\npage_not_found: Page not found\n";

    fn lang(code: &str) -> Language {
        Language::from_code(code).unwrap()
    }

    fn word<'a>(t: &'a Value, key: &'static str) -> Option<&'a str> {
        t.as_map()?.get(&tera::value::Key::Str(key))?.as_str()
    }

    fn headlines(e: Diagnostics) -> Vec<String> {
        e.iter().map(Diagnostic::headline).collect()
    }

    #[test]
    fn a_site_file_replaces_one_word_and_keeps_the_rest() {
        let files = [
            file("en", false, &format!("{BASE}key_points: Key points\n")),
            file("en", true, "key_points: In brief\n"),
        ];
        let words = Words::compile(&files, &[lang("en")]).unwrap();
        let t = words.t("en");
        assert_eq!(word(&t, "key_points"), Some("In brief"));
        assert_eq!(word(&t, "topics"), Some("Topics"));
        assert_eq!(words.text("en", "timeline"), "Timeline");
    }

    #[test]
    fn a_word_missing_in_one_language_names_its_file_and_key() {
        let files = [
            file("en", false, &format!("{BASE}key_points: Key points\n")),
            file("ur", false, BASE),
        ];
        let e = Words::compile(&files, &[lang("en"), lang("ur")]).unwrap_err();
        assert_eq!(
            headlines(e),
            [
                "themes/t/i18n/ur.yaml: the key `key_points` is missing for ur: add a `key_points:` line with its text"
            ]
        );
    }

    #[test]
    fn counted_words_need_every_form_of_their_language() {
        let files = [file(
            "ru",
            false,
            &format!("{BASE}articles:\n  one: \"{{n}} статья\"\n  other: \"{{n}} статьи\"\n"),
        )];
        let e = Words::compile(&files, &[lang("ru")]).unwrap_err();
        let h = headlines(e);
        assert_eq!(h.len(), 2, "{h:?}");
        assert!(
            h[0].starts_with("themes/t/i18n/ru.yaml:8:1: `articles` has no `few` form"),
            "{h:?}"
        );
        assert!(h[1].contains("no `many` form"), "{h:?}");
    }

    #[test]
    fn a_file_that_is_not_yaml_is_located() {
        let files = [file("en", false, &format!("{BASE}key_points: [unclosed\n"))];
        let e = Words::compile(&files, &[lang("en")]).unwrap_err();
        let h = headlines(e);
        assert!(h[0].starts_with("themes/t/i18n/en.yaml:"), "{h:?}");
        assert!(h[0].contains("not valid YAML"), "{h:?}");
    }

    #[test]
    fn a_language_without_any_file_says_which_file_to_add() {
        let files = [file("en", false, BASE)];
        let e = Words::compile(&files, &[lang("de")]).unwrap_err();
        let h = headlines(e);
        assert!(
            h[0].starts_with("i18n/de.yaml: there are no words for the language `de`"),
            "{h:?}"
        );
        assert!(h[0].contains("en"), "{h:?}");
    }

    #[test]
    fn en_gb_uses_the_english_file() {
        let files = [file("en", false, BASE)];
        let words = Words::compile(&files, &[lang("en-GB")]).unwrap();
        assert_eq!(words.text("en-GB", "topics"), "Topics");
    }

    #[test]
    fn templates_asking_for_an_unknown_word_are_located() {
        let files = [file(
            "en",
            false,
            &format!("{BASE}key_points: Key points\n"),
        )];
        let words = Words::compile(&files, &[lang("en")]).unwrap();
        let template = TemplateFile {
            name: "page.html".into(),
            display: PathBuf::from("templates/page.html"),
            text: "<p>t.nothing {{ \"t.quoted\" }}</p>\n<h2>{{ t.key_point }}</h2>{{ t.topics }}{{ at.x }}\n".into(),
        };
        let problems = words.check_templates(&[template]);
        let h: Vec<String> = problems.iter().map(Diagnostic::headline).collect();
        assert_eq!(
            h,
            [
                "templates/page.html:2:10: the template asks for the word `t.key_point`, which no i18n file has"
            ]
        );
        assert_eq!(
            problems[0].problem.help().as_deref(),
            Some("did you mean `t.key_points`?")
        );
    }

    #[test]
    fn a_template_that_names_something_else_t_is_left_to_rendering() {
        let files = [file("en", false, BASE)];
        let words = Words::compile(&files, &[lang("en")]).unwrap();
        let template = TemplateFile {
            name: "topics.html".into(),
            display: PathBuf::from("templates/topics.html"),
            text: "{% for t in topics %}{{ t.title }}{% endfor %}".into(),
        };
        assert!(words.check_templates(&[template]).is_empty());
    }

    #[test]
    fn counted_words_hold_small_counts_written_out() {
        let files = [file(
            "ru",
            false,
            &format!(
                "{BASE}articles:\n  one: \"{{n}} статья\"\n  few: \"{{n}} статьи\"\n  many: \"{{n}} статей\"\n  other: \"{{n}} статьи\"\n"
            ),
        )];
        let words = Words::compile(&files, &[lang("ru")]).unwrap();
        let t = words.t("ru");
        let articles = t.as_map().unwrap().get(&Key::Str("articles")).unwrap();
        let written = |n: u128| {
            articles
                .as_map()
                .unwrap()
                .get(&Key::from(n))
                .and_then(Value::as_str)
                .map(str::to_string)
        };
        assert_eq!(written(1).as_deref(), Some("1 статья"));
        assert_eq!(written(22).as_deref(), Some("22 статьи"));
        assert_eq!(written(99).as_deref(), Some("99 статей"));
        assert_eq!(written(100), None);
    }

    #[test]
    fn words_are_text_even_when_they_look_like_templates() {
        let files = [file(
            "en",
            false,
            &format!("{BASE}key_points: \"{{{{ site.title }}}}\"\n"),
        )];
        let words = Words::compile(&files, &[lang("en")]).unwrap();
        assert_eq!(word(&words.t("en"), "key_points"), Some("{{ site.title }}"));
    }
}
