//! Front matter: splitting it from the body, and the typed fields of each kind of page.

use std::collections::BTreeMap;
use std::fmt;

use jiff::Timestamp;
use jiff::civil::Date;
use serde::Deserialize;
use serde::de::{self, DeserializeOwned, Deserializer, Visitor};

use crate::config::{MAX_YAML_NESTING, explain_yaml, too_deep};
use crate::error::{Location, Problem};

/// A file split at its front matter fences.
#[derive(Debug, Clone, Copy)]
pub struct Split<'a> {
    /// The YAML between the `---` lines.
    pub yaml: &'a str,
    /// The Markdown after the closing fence.
    pub body: &'a str,
    /// Byte offset of `body` in the whole file, to turn body offsets into file locations.
    pub body_offset: usize,
}

/// Splits `---\n<yaml>\n---\n<body>`. The closing fence may also be `...`, as in YAML.
pub fn split(text: &str) -> Result<Split<'_>, (Problem, Location)> {
    if text.trim().is_empty() {
        return Err((Problem::Empty, Location::new(1, 1)));
    }
    let Some(after_open) = text
        .strip_prefix("---\n")
        .or_else(|| (text.trim_end() == "---").then_some(""))
    else {
        return Err((Problem::NoFrontMatter, Location::new(1, 1)));
    };
    let yaml_start = text.len() - after_open.len();
    let mut offset = 0;
    for line in after_open.split_inclusive('\n') {
        let fence = line.trim_end();
        if fence == "---" || fence == "..." {
            let body_offset = yaml_start + offset + line.len();
            return Ok(Split {
                yaml: &after_open[..offset],
                body: &text[body_offset..],
                body_offset,
            });
        }
        offset += line.len();
    }
    Err((Problem::UnclosedFrontMatter, Location::new(1, 1)))
}

/// Deserializes front matter YAML; errors carry a location in the whole file.
pub fn deserialize<T: DeserializeOwned>(yaml: &str) -> Result<T, (Problem, Option<Location>)> {
    // An empty front matter block is an empty mapping, so "missing field" errors name fields.
    let yaml = if yaml.trim().is_empty() { "{}" } else { yaml };
    if let Some((line, column)) = too_deep(yaml) {
        return Err((
            Problem::FrontMatter(format!(
                "lists or maps are nested more than {MAX_YAML_NESTING} deep here; front matter needs only a few levels"
            )),
            Some(Location::new(line + 1, column)),
        ));
    }
    serde_yaml::from_str(yaml).map_err(|e| {
        let (message, location) = explain_yaml(
            &e.to_string(),
            yaml,
            e.location().map(|l| (l.line(), l.column())),
        );
        // +1: the YAML starts on the line after the opening `---`.
        let location = location.map(|(line, column)| Location::new(line + 1, column));
        (Problem::FrontMatter(message), location)
    })
}

/// Front matter keys that are not fields of `T`, kept for templates as `extra`.
///
/// Only top-level keys are looked at, and the YAML is parsed a second time only when a
/// line looks like an unknown top-level key, so the common case costs a line scan.
pub fn extra(yaml: &str, known: &[&str]) -> BTreeMap<String, serde_yaml::Value> {
    let has_unknown = yaml.lines().any(|line| {
        let starts_key = line.starts_with(|c: char| !c.is_whitespace() && c != '#' && c != '-');
        starts_key
            && line
                .split_once(':')
                .is_some_and(|(k, _)| !known.contains(&k.trim().trim_matches(['"', '\''])))
    });
    if !has_unknown {
        return BTreeMap::new();
    }
    let mut map: BTreeMap<String, serde_yaml::Value> =
        serde_yaml::from_str(yaml).unwrap_or_default();
    map.retain(|k, _| !known.contains(&k.as_str()));
    map
}

/// A publication date: `YYYY-MM-DD`, or an RFC 3339 date-time as Hugo and Zola accept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PageDate {
    /// The instant, for ordering and feeds (midnight UTC for a plain date).
    pub instant: Timestamp,
    /// The calendar date as written, for display.
    pub date: Date,
}

impl PageDate {
    pub fn parse(value: &str) -> Result<PageDate, String> {
        let value = value.trim();
        if value.len() == 10 {
            let date: Date = value.parse().map_err(|e: jiff::Error| e.to_string())?;
            let instant = date
                .to_zoned_datetime(jiff::tz::TimeZone::UTC)
                .map_err(|e| e.to_string())?
                .timestamp();
            return Ok(PageDate { instant, date });
        }
        let instant: Timestamp = value.parse().map_err(|e: jiff::Error| e.to_string())?;
        // RFC 3339 starts with the local calendar date; that is the date the writer means.
        let date: Date = value
            .get(..10)
            .ok_or("too short")?
            .parse()
            .map_err(|e: jiff::Error| e.to_string())?;
        Ok(PageDate { instant, date })
    }

    /// `2025-01-15`
    pub fn iso(&self) -> String {
        self.date.to_string()
    }

    /// `15 January 2025`
    pub fn display(&self) -> String {
        format!(
            "{} {} {}",
            self.date.day(),
            month_name(self.date.month()),
            self.date.year()
        )
    }

    /// `2025-01-15T00:00:00Z`, for Atom and the sitemap.
    pub fn rfc3339(&self) -> String {
        self.instant.to_string()
    }
}

pub fn month_name(month: i8) -> &'static str {
    const NAMES: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    NAMES[(month.clamp(1, 12) - 1) as usize]
}

impl<'de> Deserialize<'de> for PageDate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct DateVisitor;
        impl Visitor<'_> for DateVisitor {
            type Value = PageDate;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a date written YYYY-MM-DD or an RFC 3339 date-time")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<PageDate, E> {
                PageDate::parse(v).map_err(|reason| {
                    E::custom(format!(
                        "`{v}` is not a date ({reason}); write YYYY-MM-DD or an RFC 3339 date-time"
                    ))
                })
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<PageDate, E> {
                self.visit_str(&v.to_string())
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<PageDate, E> {
                self.visit_str(&v.to_string())
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<PageDate, E> {
                self.visit_str(&v.to_string())
            }
        }
        deserializer.deserialize_any(DateVisitor)
    }
}

/// A cited source.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub title: String,
    #[serde(default)]
    pub publisher: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub date: Option<PageDate>,
    /// The place a report was filed from (`Islamabad`).
    #[serde(default)]
    pub dateline: Option<String>,
}

/// Front matter of `content/articles/**.md`.
#[derive(Debug, Clone, Deserialize)]
pub struct ArticleMeta {
    pub title: String,
    pub date: PageDate,
    pub topics: Vec<String>,
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default)]
    pub key_points: Vec<String>,
    #[serde(default)]
    pub people: Vec<String>,
    #[serde(default)]
    pub organizations: Vec<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub location: Option<String>,
    #[serde(default)]
    pub sources: Vec<Source>,
    #[serde(default)]
    pub slug: Option<String>,
    #[serde(default)]
    pub updated: Option<PageDate>,
    #[serde(default)]
    pub draft: bool,
}

impl ArticleMeta {
    /// When the article last changed: `updated`, unless that is before `date`.
    pub fn last_modified(&self) -> PageDate {
        self.updated.unwrap_or(self.date).max(self.date)
    }
}

pub const ARTICLE_KEYS: &[&str] = &[
    "title",
    "date",
    "topics",
    "summary",
    "key_points",
    "people",
    "organizations",
    "tags",
    "location",
    "sources",
    "slug",
    "updated",
    "draft",
];

/// Front matter of `content/topics/<id>.md`.
#[derive(Debug, Clone, Deserialize)]
pub struct TopicMeta {
    pub title: String,
    #[serde(default)]
    pub summary: Option<String>,
    /// Lower weights come first in menus and on the home page.
    #[serde(default)]
    pub weight: i64,
    /// When the overview was last revised; a pack of the topic is "as of" this date
    /// when it is newer than every article in it.
    #[serde(default)]
    pub updated: Option<PageDate>,
}

pub const TOPIC_KEYS: &[&str] = &["title", "summary", "weight", "updated"];

/// Front matter of `content/_index.md` and `content/pages/*.md`.
#[derive(Debug, Clone, Deserialize)]
pub struct PageMeta {
    pub title: String,
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default)]
    pub slug: Option<String>,
    /// Show a link to this page in the main menu.
    #[serde(default)]
    pub menu: bool,
    #[serde(default)]
    pub weight: i64,
    #[serde(default)]
    pub draft: bool,
}

pub const PAGE_KEYS: &[&str] = &["title", "summary", "slug", "menu", "weight", "draft"];

/// Where in the front matter `key` has `value` (for problems found after parsing, such as
/// an unknown topic). Looks at `key: value`, `key: [a, value]` and `- value` list lines.
pub fn locate_value(text: &str, key: &str, value: &str) -> Option<Location> {
    let mut in_key = false;
    for (i, line) in text.lines().enumerate().skip(1) {
        if line.trim_end() == "---" || line.trim_end() == "..." {
            break;
        }
        let top_level = line.starts_with(|c: char| !c.is_whitespace() && c != '-');
        if top_level {
            in_key = line
                .split_once(':')
                .is_some_and(|(k, _)| k.trim().trim_matches(['"', '\'']) == key);
        }
        if in_key {
            let search_from = if top_level {
                line.find(':').map_or(0, |c| c + 1)
            } else {
                0
            };
            if let Some(col) = find_token(&line[search_from..], value) {
                let byte = search_from + col;
                return Some(Location::new(i + 1, line[..byte].chars().count() + 1));
            }
        }
    }
    find_key_line(text, key)
}

fn find_token(haystack: &str, token: &str) -> Option<usize> {
    let is_word = |c: char| c.is_alphanumeric() || c == '-' || c == '_';
    haystack.match_indices(token).map(|(i, _)| i).find(|&i| {
        let before = haystack[..i].chars().next_back();
        let after = haystack[i + token.len()..].chars().next();
        !before.is_some_and(is_word) && !after.is_some_and(is_word)
    })
}

fn find_key_line(text: &str, key: &str) -> Option<Location> {
    text.lines().enumerate().skip(1).find_map(|(i, line)| {
        line.strip_prefix(key)
            .filter(|rest| rest.trim_start().starts_with(':'))
            .map(|_| Location::new(i + 1, 1))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter_from_body() {
        let s = split("---\ntitle: x\n---\nBody\n").unwrap();
        assert_eq!(s.yaml, "title: x\n");
        assert_eq!(s.body, "Body\n");
        assert_eq!(s.body_offset, 17);
    }

    #[test]
    fn unclosed_and_missing_front_matter_are_told_apart() {
        assert!(matches!(
            split("---\ntitle: x\nBody\n"),
            Err((Problem::UnclosedFrontMatter, _))
        ));
        assert!(matches!(
            split("# Title\n"),
            Err((Problem::NoFrontMatter, _))
        ));
        assert!(matches!(split("\n\n"), Err((Problem::Empty, _))));
    }

    #[test]
    fn dates_accept_plain_and_rfc3339() {
        let d = PageDate::parse("2025-01-15").unwrap();
        assert_eq!(d.display(), "15 January 2025");
        assert_eq!(d.rfc3339(), "2025-01-15T00:00:00Z");
        let t = PageDate::parse("2025-01-15T23:30:00+05:00").unwrap();
        assert_eq!(t.iso(), "2025-01-15");
        assert_eq!(t.rfc3339(), "2025-01-15T18:30:00Z");
        assert!(PageDate::parse("2025-13-45").is_err());
        assert!(PageDate::parse("yesterday").is_err());
    }

    #[test]
    fn yaml_errors_point_into_the_file() {
        let (problem, loc) =
            deserialize::<ArticleMeta>("title: x\ndate: 2025-02-30\ntopics: [a]\n").unwrap_err();
        assert!(problem.to_string().contains("2025-02-30"), "{problem}");
        assert_eq!(loc.map(|l| l.line), Some(3));
    }

    #[test]
    fn yaml_mistakes_are_explained_where_they_are() {
        let (p, loc) =
            deserialize::<ArticleMeta>("title: x\ndate: 2025-01-01\ntitle: y\ntopics: [a]\n")
                .unwrap_err();
        assert!(p.to_string().contains("`title` is written twice"), "{p}");
        assert_eq!(loc, Some(Location::new(4, 1)));
        let (p, loc) = deserialize::<ArticleMeta>(
            "title: x\ndate: 2025-01-01\ntopics: [a]\nsources:\n  - title: a\n    title: b\n",
        )
        .unwrap_err();
        assert!(p.to_string().contains("`title` is written twice"), "{p}");
        assert_eq!(loc, Some(Location::new(7, 5)));
        let (p, _) = deserialize::<ArticleMeta>("title: x\ntopics: [a]\n").unwrap_err();
        assert!(p.to_string().contains("required field `date`"), "{p}");
        let (p, loc) =
            deserialize::<ArticleMeta>("title: x\ndate: 2025-01-01\ntopics:\n\t- a\n").unwrap_err();
        assert!(p.to_string().contains("indented with a tab"), "{p}");
        assert_eq!(loc.map(|l| l.line), Some(5));
    }

    #[test]
    fn deep_nesting_is_refused_before_the_yaml_parser_sees_it() {
        let deep = format!(
            "title: x\ndate: 2025-01-01\ntopics: [a]\nmood: {}{}\n",
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        let start = std::time::Instant::now();
        let (p, loc) = deserialize::<ArticleMeta>(&deep).unwrap_err();
        assert!(start.elapsed().as_secs() < 5);
        assert!(p.to_string().contains("nested more than 64 deep"), "{p}");
        assert_eq!(loc, Some(Location::new(5, 71)));
        // Brackets in strings are text; an apostrophe in plain text opens no string.
        let quoted = format!(
            "title: \"{}\"\ndate: 2025-01-01\ntopics: [a]\n",
            "[".repeat(100)
        );
        assert!(deserialize::<ArticleMeta>(&quoted).is_ok());
        let sneaky = format!(
            "title: it's\ndate: 2025-01-01\ntopics: [a]\nx: {}\n",
            "[".repeat(70)
        );
        assert!(deserialize::<ArticleMeta>(&sneaky).is_err());
    }

    #[test]
    fn values_are_located_in_lists_of_both_styles() {
        let text = "---\ntitle: x\ntopics: [trade, tarde]\npeople:\n  - A B\n---\n";
        assert_eq!(
            locate_value(text, "topics", "tarde"),
            Some(Location::new(3, 17))
        );
        assert_eq!(
            locate_value(text, "people", "A B"),
            Some(Location::new(5, 5))
        );
    }

    #[test]
    fn unknown_keys_become_extra() {
        let extra = extra("title: x\nmood: calm\n", ARTICLE_KEYS);
        assert_eq!(extra.len(), 1);
        assert!(extra.contains_key("mood"));
    }
}
