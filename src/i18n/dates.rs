//! Dates in the page's language: "15 January 2025", "15 января 2025 г.", "15 جنوری، 2025".
//!
//! The patterns and month names are CLDR's, through ICU4X's compiled data, so each language
//! gets the form its readers expect (the genitive `января` inside a Russian date, the
//! nominative `Январь` as a month heading) without a table per language here.
//!
//! Front-matter dates are Gregorian, so formatting is fixed to the Gregorian calendar even
//! where a locale would prefer another (Persian, Hijri): the date shown is the date written.
//!
//! A site of 10,000 articles asks for the same few thousand dates tens of thousands of
//! times (cards, article pages, sources), so each formatted date is kept, per language, and
//! handed out as a shared template value.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock, PoisonError, RwLock};

use icu_calendar::{Date as IcuDate, Gregorian};
use icu_datetime::FixedCalendarDateTimeFormatter;
use icu_datetime::fieldsets::{M, YMD};
use icu_locale::{LanguageIdentifier, langid};
use jiff::civil::Date;
use rustc_hash::FxHashMap;
use tera::Value;

use super::Language;

/// Formats the dates of one language.
pub struct Dates {
    long: Option<FixedCalendarDateTimeFormatter<Gregorian, YMD>>,
    month: Option<FixedCalendarDateTimeFormatter<Gregorian, M>>,
    cache: RwLock<FxHashMap<Date, Value>>,
}

impl std::fmt::Debug for Dates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dates").finish_non_exhaustive()
    }
}

impl Dates {
    /// The formatter of `language`, made once per language and process: `serve` rebuilds
    /// its shared values on every edit and keeps the dates already formatted.
    pub fn for_language(language: &Language) -> Arc<Dates> {
        static ALL: OnceLock<Mutex<HashMap<String, Arc<Dates>>>> = OnceLock::new();
        let all = ALL.get_or_init(Default::default);
        // A panic elsewhere while the lock was held leaves the map as valid as before.
        let mut all = all.lock().unwrap_or_else(PoisonError::into_inner);
        all.entry(language.code.clone())
            .or_insert_with(|| Arc::new(Dates::new(&language.id)))
            .clone()
    }

    fn new(id: &LanguageIdentifier) -> Dates {
        let locale = date_locale(id);
        let prefs = (&locale).into();
        // With compiled data these only fail for a field set the data lacks, which the
        // tests rule out for every field set used here; ISO dates stand in if one does.
        Dates {
            long: FixedCalendarDateTimeFormatter::try_new(prefs, YMD::long()).ok(),
            month: FixedCalendarDateTimeFormatter::try_new(prefs, M::long()).ok(),
            cache: RwLock::default(),
        }
    }

    /// The date as written in running text: `15 January 2025`.
    pub fn long(&self, date: Date) -> Value {
        if let Some(v) = self
            .cache
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&date)
        {
            return v.clone();
        }
        let value = Value::from(self.long_text(date));
        self.cache
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(date, value.clone());
        value
    }

    fn long_text(&self, date: Date) -> String {
        match (&self.long, gregorian(date)) {
            (Some(f), Some(d)) => f.format(&d).to_string(),
            _ => date.to_string(),
        }
    }

    /// The month's name on its own, as a heading shows it: `January`, `Январь`, `جنوری`.
    /// `month` is 1 to 12.
    pub fn month(&self, month: i8) -> String {
        let date = Date::new(2000, month.clamp(1, 12), 1)
            .ok()
            .and_then(gregorian);
        let name = match (&self.month, date) {
            (Some(f), Some(d)) => f.format(&d).to_string(),
            _ => month.to_string(),
        };
        capitalized(&name)
    }
}

/// The locale whose date patterns a language uses. Plain `en` is CLDR's American English
/// ("January 15, 2025"); a briefing read across Asia and Europe, as before ICU4X, writes
/// international English ("15 January 2025"). `en-US`, `en-GB`... keep their own.
pub fn date_locale(id: &LanguageIdentifier) -> LanguageIdentifier {
    if *id == langid!("en") {
        langid!("en-001")
    } else {
        id.clone()
    }
}

fn gregorian(date: Date) -> Option<IcuDate<Gregorian>> {
    // jiff's months and days are in range, so only a year outside ICU4X's range fails.
    IcuDate::try_new_gregorian(
        i32::from(date.year()),
        date.month().unsigned_abs(),
        date.day().unsigned_abs(),
    )
    .ok()
}

/// A month name as a heading: CLDR writes stand-alone months in lower case in some
/// languages (Russian `январь`), and a heading starts with a capital.
fn capitalized(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dates(code: &str) -> Arc<Dates> {
        Dates::for_language(&Language::from_code(code).unwrap())
    }

    fn long(code: &str, date: &str) -> String {
        dates(code)
            .long(date.parse().unwrap())
            .as_str()
            .unwrap()
            .to_string()
    }

    #[test]
    fn english_dates_read_day_month_year() {
        assert_eq!(long("en", "2025-01-15"), "15 January 2025");
        assert_eq!(long("en", "2024-12-01"), "1 December 2024");
        assert_eq!(long("en-US", "2025-01-15"), "January 15, 2025");
        assert_eq!(dates("en").month(1), "January");
    }

    #[test]
    fn russian_dates_use_the_genitive_and_headings_the_nominative() {
        // CLDR puts a narrow no-break space before the abbreviation of «год».
        assert_eq!(long("ru", "2025-01-15"), "15 января 2025\u{202f}г.");
        assert_eq!(dates("ru").month(1), "Январь");
        assert_eq!(dates("ru").month(5), "Май");
    }

    #[test]
    fn urdu_dates_use_urdu_month_names() {
        let text = long("ur", "2025-01-15");
        assert!(text.contains("جنوری"), "{text}");
        assert!(text.contains("2025"), "{text}");
        assert_eq!(dates("ur").month(1), "جنوری");
    }

    #[test]
    fn a_date_is_formatted_once_and_shared() {
        let d = dates("en");
        let date: Date = "2023-03-04".parse().unwrap();
        assert_eq!(d.long(date), d.long(date));
        assert!(d.cache.read().unwrap().contains_key(&date));
    }
}
