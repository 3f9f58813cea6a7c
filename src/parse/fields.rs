//! Front matter fields one by one: each is taken from the loose key list, checked on its
//! own and, when wrong, reported where it is written, so every problem of a file shows in
//! one run. Values are read the way Jekyll and Hugo read them: a single word where a list
//! belongs is a list of one, a number where text belongs is its text.

use std::collections::BTreeMap;
use std::path::Path;

use jiff::tz::TimeZone;
use serde_yaml::Value;

use super::dates::{self, DATE_EXAMPLE, PageDate};
use super::front_matter::{self, Fields, Format, describe};
use crate::error::{Diagnostic, Location, Problem};

/// Reads the fields of one file, collecting every problem.
pub struct Reader<'a> {
    /// The whole file, for locations.
    text: &'a str,
    display: &'a Path,
    format: Format,
    fields: Fields,
    pub tz: &'a TimeZone,
    /// Errors and warnings, in the order found.
    pub problems: Vec<Diagnostic>,
}

impl<'a> Reader<'a> {
    pub fn new(
        text: &'a str,
        display: &'a Path,
        format: Format,
        fields: Fields,
        tz: &'a TimeZone,
    ) -> Self {
        Reader {
            text,
            display,
            format,
            fields,
            tz,
            problems: Vec::new(),
        }
    }

    pub fn has_errors(&self) -> bool {
        self.problems.iter().any(Diagnostic::is_error)
    }

    /// An error about `key`, at its value.
    pub fn error(&mut self, key: &str, problem: Problem) {
        let location = front_matter::locate_key(self.text, key);
        self.error_at(location, problem);
    }

    /// An error about one item of the list in `key`.
    pub fn error_in(&mut self, key: &str, item: &str, problem: Problem) {
        let location = front_matter::locate_value(self.text, key, item);
        self.error_at(location, problem);
    }

    /// An error about the `index`-th item (from 0) of the list in `key`, at its `-`.
    pub fn error_at_item(&mut self, key: &str, index: usize, problem: Problem) {
        let location = front_matter::locate_list_item(self.text, key, index);
        self.error_at(location, problem);
    }

    fn error_at(&mut self, location: Option<Location>, problem: Problem) {
        let d = Diagnostic::new(self.display, problem).maybe_at(location, self.text);
        self.problems.push(d);
    }

    /// A required field that is not there; `hint` says what else would do.
    pub fn missing(&mut self, key: &str, hint: &str) {
        let line = match self.format {
            Format::Yaml => format!("`{key}:` line"),
            Format::Toml => format!("`{key} = ` line"),
        };
        let problem = Problem::FrontMatter(format!(
            "the required field `{key}` is missing: add a {line}{hint}"
        ));
        self.error_at(Some(Location::new(2, 1)), problem);
    }

    /// Takes `key` out of the fields (the first of its spellings that is there).
    pub fn take(&mut self, key: &str) -> Option<Value> {
        let at = self.fields.iter().position(|(k, _)| k == key)?;
        Some(self.fields.remove(at).1)
    }

    pub fn has(&self, key: &str) -> bool {
        self.fields.iter().any(|(k, _)| k == key)
    }

    /// Text: a number or `true` is its text; a list or map is an error.
    pub fn text(&mut self, key: &str) -> Option<String> {
        let value = self.take(key)?;
        self.text_of(key, value)
    }

    fn text_of(&mut self, key: &str, value: Value) -> Option<String> {
        match scalar(value) {
            Ok(text) => text,
            Err(value) => {
                self.error(
                    key,
                    Problem::FrontMatter(format!(
                        "`{key}` should be text, not {}",
                        describe(&value)
                    )),
                );
                None
            }
        }
    }

    /// Text that must be there.
    pub fn required_text(&mut self, key: &str) -> Option<String> {
        if !self.has(key) {
            self.missing(key, "");
            return None;
        }
        let text = self.text(key);
        if text.is_none() && !self.has_errors() {
            self.error(key, Problem::FrontMatter(format!("`{key}` is empty")));
        }
        text
    }

    /// A list of text; one value alone is a list of one, as Jekyll and Hugo read it.
    pub fn list(&mut self, key: &str) -> Vec<String> {
        let Some(value) = self.take(key) else {
            return Vec::new();
        };
        self.list_of(key, value)
    }

    pub fn list_of(&mut self, key: &str, value: Value) -> Vec<String> {
        let items = match value {
            Value::Sequence(items) => items,
            Value::Null => return Vec::new(),
            Value::Mapping(_) => {
                self.error(
                    key,
                    Problem::FrontMatter(format!(
                        "`{key}` should be a list such as `[a, b]` (or one value), not a map of keys and values"
                    )),
                );
                return Vec::new();
            }
            other => return self.text_of(key, other).into_iter().collect(),
        };
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            match scalar(item) {
                Ok(Some(text)) => out.push(text),
                Ok(None) => {}
                Err(item) => {
                    self.error(
                        key,
                        Problem::FrontMatter(format!(
                            "each item of `{key}` should be text, but one is {}",
                            describe(&item)
                        )),
                    );
                }
            }
        }
        out
    }

    /// `true` or `false` (also written as text, as TOML and hand-edited files do).
    pub fn flag(&mut self, key: &str) -> Option<bool> {
        let value = self.take(key)?;
        match &value {
            Value::Bool(b) => Some(*b),
            Value::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
            Value::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
            Value::Null => None,
            _ => {
                self.error(
                    key,
                    Problem::FrontMatter(format!(
                        "`{key}` should be true or false, not {}",
                        shown(&value)
                    )),
                );
                None
            }
        }
    }

    /// A whole number (also written as text).
    pub fn integer(&mut self, key: &str) -> Option<i64> {
        let value = self.take(key)?;
        let number = match &value {
            Value::Number(n) => n.as_i64(),
            Value::String(s) => s.trim().parse().ok(),
            Value::Null => return None,
            _ => None,
        };
        if number.is_none() {
            self.error(
                key,
                Problem::FrontMatter(format!(
                    "`{key}` should be a whole number, not {}",
                    shown(&value)
                )),
            );
        }
        number
    }

    /// A date or date-time, in any spelling [`PageDate::parse_in`] reads.
    pub fn date(&mut self, key: &str) -> Option<PageDate> {
        let value = self.take(key)?;
        self.date_of(key, value)
    }

    pub fn date_of(&mut self, key: &str, value: Value) -> Option<PageDate> {
        let text = match scalar(value) {
            Ok(Some(text)) => text,
            Ok(None) => return None,
            Err(value) => {
                self.error(
                    key,
                    Problem::FrontMatter(format!(
                        "`{key}` should be one date such as `2025-01-15`, not {}",
                        describe(&value)
                    )),
                );
                return None;
            }
        };
        match PageDate::parse_in(&text, self.tz) {
            Ok(date) => Some(date),
            Err(reason) => {
                let suggestion = dates::suggest(&text);
                let location = front_matter::locate_value(self.text, key, text.trim());
                self.error_at(
                    location,
                    Problem::BadDate {
                        value: text,
                        reason,
                        suggestion,
                    },
                );
                None
            }
        }
    }

    /// The keys no field took, for templates as `extra`; each close to a field `known`
    /// (or a known synonym of one) is a warning with a did-you-mean.
    pub fn rest(&mut self, known: &[&str]) -> BTreeMap<String, Value> {
        let fields = std::mem::take(&mut self.fields);
        let mut extra = BTreeMap::new();
        for (key, value) in fields {
            if let Some(suggestion) = near_key(&key, known) {
                let location = front_matter::locate_key_name(self.text, &key);
                let d = Diagnostic::warning(
                    self.display,
                    Problem::UnknownKey {
                        key: key.clone(),
                        suggestion: suggestion.to_string(),
                    },
                )
                .maybe_at(location, self.text);
                self.problems.push(d);
            }
            extra.insert(key, value);
        }
        extra
    }
}

/// A scalar as text (`None` when empty); anything else back as the error.
fn scalar(value: Value) -> Result<Option<String>, Value> {
    match value {
        Value::String(s) => Ok((!s.trim().is_empty()).then_some(s)),
        Value::Number(n) => Ok(Some(n.to_string())),
        Value::Bool(b) => Ok(Some(b.to_string())),
        Value::Null => Ok(None),
        Value::Tagged(t) => scalar(t.value),
        other => Err(other),
    }
}

/// `"yes"`, `5`, `a list`: a value as a message shows it.
fn shown(value: &Value) -> String {
    match value {
        Value::String(s) => format!("`{s}`"),
        Value::Number(n) => format!("`{n}`"),
        other => describe(other).to_string(),
    }
}

/// Keys other tools use for what attache calls otherwise.
const SYNONYMS: &[(&str, &str)] = &[
    ("lastmod", "updated"),
    ("last_modified_at", "updated"),
    ("modified", "updated"),
    ("description", "summary"),
    ("excerpt", "summary"),
    ("keypoints", "key_points"),
    ("organisations", "organizations"),
    ("person", "people"),
];

/// The field a key not known was probably meant to be: one within a typing slip (one
/// edit in a short key, two in a longer one), or a synonym from another tool.
pub(super) fn near_key<'k>(key: &str, known: &[&'k str]) -> Option<&'k str> {
    let lower = key.to_lowercase();
    if let Some(&k) = known.iter().find(|k| **k == lower) {
        return Some(k);
    }
    if let Some((_, field)) = SYNONYMS.iter().find(|(s, _)| *s == lower)
        && let Some(&k) = known.iter().find(|k| *k == field)
    {
        return Some(k);
    }
    let allowed = if lower.chars().count() <= 4 { 1 } else { 2 };
    known
        .iter()
        .map(|k| (strsim::damerau_levenshtein(&lower, k), *k))
        .filter(|(distance, _)| *distance <= allowed)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, k)| k)
}

/// The spelling shown with a date that cannot be read.
pub(super) fn date_help(suggestion: Option<&str>) -> String {
    match suggestion {
        Some(s) => format!("did you mean `{s}`? Dates are written YYYY-MM-DD"),
        None => format!("write dates as YYYY-MM-DD, e.g. {DATE_EXAMPLE}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEYS: &[&str] = &["title", "tags", "location", "summary", "topics", "updated"];

    #[test]
    fn near_misses_are_found_and_strangers_left_alone() {
        assert_eq!(near_key("locaton", KEYS), Some("location"));
        assert_eq!(near_key("tagz", KEYS), Some("tags"));
        assert_eq!(near_key("summery", KEYS), Some("summary"));
        assert_eq!(near_key("Title", KEYS), Some("title"));
        assert_eq!(near_key("lastmod", KEYS), Some("updated"));
        assert_eq!(near_key("toc", KEYS), None);
        assert_eq!(near_key("layout", KEYS), None);
        assert_eq!(near_key("image", KEYS), None);
        assert_eq!(near_key("comments", KEYS), None);
    }
}
