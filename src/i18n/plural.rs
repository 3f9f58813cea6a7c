//! Counted words: "1 article", "3 статьи", "5 статей".
//!
//! A counted word in an i18n file gives one form per CLDR plural category the language
//! uses (`one` and `other` in English and Urdu; `one`, `few`, `many` and `other` in
//! Russian), and ICU4X's plural rules pick the form for a number. Templates write
//! `{{ t.articles | plural(n=count) }}`; `{n}` in the form is replaced by the number,
//! grouped as the language groups digits (ICU4X's decimal formatter: "12,345" in English,
//! "12 345" in Russian).

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use icu_decimal::DecimalFormatter;
use icu_decimal::input::Decimal;
use icu_locale::LanguageIdentifier;
use icu_plurals::{PluralCategory, PluralRules};
use rustc_hash::FxHashMap;
use tera::value::Key;
use tera::{Error, Kwargs, Map, State, TeraResult, Value};

use super::Language;

/// The key under which a counted word's map names its language, for the `plural` filter.
pub const LANG_KEY: &str = "lang";

/// CLDR's name of a plural category, as i18n files write it.
pub fn category_name(category: PluralCategory) -> &'static str {
    match category {
        PluralCategory::Zero => "zero",
        PluralCategory::One => "one",
        PluralCategory::Two => "two",
        PluralCategory::Few => "few",
        PluralCategory::Many => "many",
        PluralCategory::Other => "other",
    }
}

/// The cardinal plural rules of a language, made once per language and process.
pub fn rules(id: &LanguageIdentifier) -> Option<Arc<PluralRules>> {
    static ALL: OnceLock<Mutex<HashMap<String, Option<Arc<PluralRules>>>>> = OnceLock::new();
    let all = ALL.get_or_init(Default::default);
    let mut all = all.lock().unwrap_or_else(PoisonError::into_inner);
    all.entry(id.to_string())
        .or_insert_with(|| PluralRules::try_new_cardinal(id.into()).ok().map(Arc::new))
        .clone()
}

/// The decimal formatter of a language, made once per language and process.
fn formatter(id: &LanguageIdentifier) -> Option<Arc<DecimalFormatter>> {
    static ALL: OnceLock<Mutex<HashMap<String, Option<Arc<DecimalFormatter>>>>> = OnceLock::new();
    let all = ALL.get_or_init(Default::default);
    let mut all = all.lock().unwrap_or_else(PoisonError::into_inner);
    all.entry(id.to_string())
        .or_insert_with(|| {
            DecimalFormatter::try_new(id.into(), Default::default())
                .ok()
                .map(Arc::new)
        })
        .clone()
}

/// `n` as the language `id` writes it: plain below 1,000 (most counts, and no formatter
/// is asked), grouped above.
pub fn number(id: &LanguageIdentifier, n: i64) -> String {
    written(formatter(id).as_deref(), n)
}

fn written(formatter: Option<&DecimalFormatter>, n: i64) -> String {
    match formatter {
        Some(f) if n.unsigned_abs() >= 1000 => f.format(&Decimal::from(n)).to_string(),
        _ => n.to_string(),
    }
}

/// The categories a language's numbers fall into: the forms a counted word must give.
pub fn categories(id: &LanguageIdentifier) -> Vec<&'static str> {
    match rules(id) {
        Some(r) => r.categories().map(category_name).collect(),
        None => vec!["other"],
    }
}

/// The form of a counted word for `n`, with `{n}` replaced by the number.
pub fn select(id: &LanguageIdentifier, forms: &BTreeMap<String, String>, n: i64) -> String {
    let category = rules(id).map_or(PluralCategory::Other, |r| r.category_for(n));
    let form = forms
        .get(category_name(category))
        .or_else(|| forms.get("other"))
        .map_or("", String::as_str);
    fill_n(form, &number(id, n))
}

/// How a language counts: its plural rules and its way of writing numbers.
struct Counting {
    rules: Option<Arc<PluralRules>>,
    formatter: Option<Arc<DecimalFormatter>>,
}

/// Registers the `plural` filter for the site's languages: `{{ t.articles | plural(n=3) }}`
/// is "3 articles". The rules are looked up once here, not per call: the filter runs for
/// every card of every list, hundreds of thousands of times on a large site.
pub fn register(tera: &mut tera::Tera, languages: &[Language]) {
    let by_code: FxHashMap<String, Counting> = languages
        .iter()
        .map(|l| {
            let counting = Counting {
                rules: rules(&l.id),
                formatter: formatter(&l.id),
            };
            (l.code.clone(), counting)
        })
        .collect();
    tera.register_filter(
        "plural",
        move |forms: &Map, kwargs: Kwargs, _: &State| -> TeraResult<String> {
            let n = kwargs.must_get::<i64>("n")?;
            // Small counts are written out in the map already.
            if let Some(written) = u128::try_from(n)
                .ok()
                .and_then(|k| forms.get(&Key::from(k)))
                .and_then(Value::as_str)
            {
                return Ok(written.to_string());
            }
            let get = |key: &'static str| forms.get(&Key::Str(key)).and_then(Value::as_str);
            let code = get(LANG_KEY).ok_or_else(|| {
                Error::message(
                    "`plural` counts a word of `t` that has plural forms, such as `t.articles | plural(n=count)`",
                )
            })?;
            let counting = by_code.get(code);
            let rules = counting.and_then(|c| c.rules.as_deref());
            let formatter = counting.and_then(|c| c.formatter.as_deref());
            let category = rules.map_or(PluralCategory::Other, |r| r.category_for(n));
            let form = get(category_name(category))
                .or_else(|| get("other"))
                .unwrap_or_default();
            Ok(fill_n(form, &written(formatter, n)))
        },
    );
}

/// `form` with `{n}` replaced by `n`. By hand: this runs once per card on every list, and
/// `str::replace` sets up a substring searcher on each call.
fn fill_n(form: &str, n: &str) -> String {
    let mut out = String::with_capacity(form.len() + 8);
    let mut rest = form;
    while let Some(i) = rest.as_bytes().windows(3).position(|w| w == b"{n}") {
        out.push_str(&rest[..i]);
        out.push_str(n);
        rest = &rest[i + 3..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn forms(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn russian_counts_take_one_few_and_many() {
        let ru: LanguageIdentifier = "ru".parse().unwrap();
        let f = forms(&[
            ("one", "{n} статья"),
            ("few", "{n} статьи"),
            ("many", "{n} статей"),
            ("other", "{n} статьи"),
        ]);
        let said: Vec<String> = [1, 3, 5, 11, 21, 22, 25, 101]
            .iter()
            .map(|&n| select(&ru, &f, n))
            .collect();
        assert_eq!(
            said,
            [
                "1 статья",
                "3 статьи",
                "5 статей",
                "11 статей",
                "21 статья",
                "22 статьи",
                "25 статей",
                "101 статья"
            ]
        );
        assert_eq!(categories(&ru), ["one", "few", "many", "other"]);
    }

    #[test]
    fn large_counts_are_grouped_as_each_language_groups_digits() {
        let f = forms(&[("one", "{n} article"), ("other", "{n} articles")]);
        let said = |code: &str, n| select(&code.parse().unwrap(), &f, n);
        assert_eq!(said("en", 999), "999 articles");
        assert_eq!(said("en", 12_345), "12,345 articles");
        assert_eq!(said("ru", 12_345), "12\u{a0}345 articles");
        assert_eq!(said("ur", 1_234_567), "1,234,567 articles");
    }

    #[test]
    fn english_and_urdu_have_one_and_other() {
        for code in ["en", "ur"] {
            let id: LanguageIdentifier = code.parse().unwrap();
            assert_eq!(categories(&id), ["one", "other"], "{code}");
        }
        let en: LanguageIdentifier = "en".parse().unwrap();
        let f = forms(&[("one", "{n} article"), ("other", "{n} articles")]);
        assert_eq!(select(&en, &f, 1), "1 article");
        assert_eq!(select(&en, &f, 0), "0 articles");
        assert_eq!(fill_n("{n} of {n}, not {m}", "12"), "12 of 12, not {m}");
    }
}
