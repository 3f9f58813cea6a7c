//! Front matter: splitting it from the body, reading it loosely into keys and values, and
//! finding where a key or value is in the file, for messages.
//!
//! Front matter is read in two steps. First the whole block becomes a list of keys with
//! untyped values (YAML between `---` lines, or TOML between `+++` lines as Hugo and Zola
//! write it); only a syntax error stops there. Then [`super::fields`] checks each field
//! on its own, so a file with a bad date, a list where text belongs and a misspelt key is
//! told all three in one run.

use serde_yaml::Value;

use crate::config::{MAX_YAML_NESTING, explain_yaml, too_deep};
use crate::error::{Location, Problem};

pub use super::dates::{PageDate, month_name, suggest as suggest_date};
pub use super::meta::{
    ARTICLE_KEYS, ArticleMeta, PAGE_KEYS, PageMeta, Source, TOPIC_KEYS, TopicMeta,
};

/// How the front matter is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Between `---` lines (Jekyll, Hugo, attache).
    Yaml,
    /// Between `+++` lines (Hugo, Zola).
    Toml,
}

/// A file split at its front matter fences.
#[derive(Debug, Clone, Copy)]
pub struct Split<'a> {
    pub format: Format,
    /// The YAML or TOML between the fences.
    pub yaml: &'a str,
    /// The Markdown after the closing fence.
    pub body: &'a str,
    /// Byte offset of `body` in the whole file, to turn body offsets into file locations.
    pub body_offset: usize,
}

/// Splits `---\n<yaml>\n---\n<body>` (the closing fence may also be `...`, as in YAML) or
/// `+++\n<toml>\n+++\n<body>`.
pub fn split(text: &str) -> Result<Split<'_>, (Problem, Location)> {
    if text.trim().is_empty() {
        return Err((Problem::Empty, Location::new(1, 1)));
    }
    let (format, fence) = if text.starts_with("+++") {
        (Format::Toml, "+++")
    } else {
        (Format::Yaml, "---")
    };
    let Some(after_open) = text
        .strip_prefix(fence)
        .and_then(|rest| rest.strip_prefix('\n'))
        .or_else(|| (text.trim_end() == fence).then_some(""))
    else {
        return Err((Problem::NoFrontMatter, Location::new(1, 1)));
    };
    let yaml_start = text.len() - after_open.len();
    let mut offset = 0;
    for line in after_open.split_inclusive('\n') {
        let closing = line.trim_end();
        if closing == fence || (format == Format::Yaml && closing == "...") {
            let body_offset = yaml_start + offset + line.len();
            return Ok(Split {
                format,
                yaml: &after_open[..offset],
                body: &text[body_offset..],
                body_offset,
            });
        }
        offset += line.len();
    }
    Err((Problem::UnclosedFrontMatter { fence }, Location::new(1, 1)))
}

/// The keys of a front matter block, in the order written, with their untyped values.
pub type Fields = Vec<(String, Value)>;

/// Reads front matter into its keys and values; only a syntax error (or a block that is
/// not `key: value` lines) fails here. Locations are in the whole file.
pub fn read(split: &Split) -> Result<Fields, (Problem, Option<Location>)> {
    match split.format {
        Format::Yaml => read_yaml(split.yaml),
        Format::Toml => read_toml(split.yaml),
    }
}

fn read_yaml(yaml: &str) -> Result<Fields, (Problem, Option<Location>)> {
    if yaml.trim().is_empty() {
        return Ok(Fields::new());
    }
    if let Some((line, column)) = too_deep(yaml) {
        return Err((
            Problem::FrontMatter(format!(
                "lists or maps are nested more than {MAX_YAML_NESTING} deep here; front matter needs only a few levels"
            )),
            Some(Location::new(line + 1, column)),
        ));
    }
    let value: Value = serde_yaml::from_str(yaml).map_err(|e| {
        let (message, location) = explain_yaml(
            &e.to_string(),
            yaml,
            e.location().map(|l| (l.line(), l.column())),
        );
        // +1: the YAML starts on the line after the opening `---`.
        let location = location.map(|(line, column)| Location::new(line + 1, column));
        (Problem::FrontMatter(message), location)
    })?;
    let mapping = match value {
        Value::Mapping(m) => m,
        Value::Null => return Ok(Fields::new()),
        other => {
            return Err((
                Problem::FrontMatter(format!(
                    "the front matter is {}, not `key: value` lines",
                    describe(&other)
                )),
                Some(Location::new(2, 1)),
            ));
        }
    };
    let mut fields = Fields::with_capacity(mapping.len());
    for (key, value) in mapping {
        let key = match key {
            Value::String(s) => s,
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Null => "null".to_string(),
            other => {
                return Err((
                    Problem::FrontMatter(format!(
                        "a key is {}: keys are single words such as `title`",
                        describe(&other)
                    )),
                    Some(Location::new(2, 1)),
                ));
            }
        };
        fields.push((key, value));
    }
    Ok(fields)
}

fn read_toml(toml_text: &str) -> Result<Fields, (Problem, Option<Location>)> {
    if let Some((line, column)) = too_deep(toml_text) {
        return Err((
            Problem::FrontMatter(format!(
                "lists or tables are nested more than {MAX_YAML_NESTING} deep here; front matter needs only a few levels"
            )),
            Some(Location::new(line + 1, column)),
        ));
    }
    let table: toml::Table = toml::from_str(toml_text).map_err(|e| {
        let location = e.span().map(|span| {
            let l = Location::of_offset(toml_text, span.start);
            Location::new(l.line + 1, l.column)
        });
        let mut message = e.message().trim_end().to_string();
        if message == "duplicate key"
            && let Some(key) = e.span().and_then(|s| toml_text.get(s))
        {
            message = format!("`{}` is written twice: keep one of them", key.trim());
        }
        (
            Problem::FrontMatter(format!("the TOML is not valid: {message}")),
            location,
        )
    })?;
    Ok(table
        .into_iter()
        .map(|(k, v)| (k, toml_to_yaml(v)))
        .collect())
}

/// A TOML value as the YAML value it would be: dates and times become their text.
pub fn toml_to_yaml(value: toml::Value) -> Value {
    match value {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => Value::Number(i.into()),
        toml::Value::Float(f) => Value::Number(f.into()),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(items) => Value::Sequence(items.into_iter().map(toml_to_yaml).collect()),
        toml::Value::Table(t) => Value::Mapping(
            t.into_iter()
                .map(|(k, v)| (Value::String(k), toml_to_yaml(v)))
                .collect(),
        ),
    }
}

/// `a list`, `a map`, `text`, … for messages about a value of the wrong kind.
pub fn describe(value: &Value) -> &'static str {
    match value {
        Value::Null => "empty",
        Value::Bool(_) => "true or false",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Sequence(_) => "a list",
        Value::Mapping(_) => "a map of keys and values",
        Value::Tagged(_) => "a tagged value",
    }
}

/// Where in the front matter `key` has `value` (for problems found after parsing, such as
/// an unknown topic). Looks at `key: value`, `key: [a, value]`, `key = ["value"]` and
/// `- value` list lines.
pub fn locate_value(text: &str, key: &str, value: &str) -> Option<Location> {
    let mut in_key = false;
    for (i, line) in front_lines(text) {
        let top_level = line.starts_with(|c: char| !c.is_whitespace() && c != '-');
        if top_level {
            in_key = key_of(line).is_some_and(|k| k == key);
        }
        if in_key && !value.is_empty() {
            let search_from = if top_level {
                separator(line).map_or(0, |c| c + 1)
            } else {
                0
            };
            if let Some(col) = find_token(&line[search_from..], value) {
                let byte = search_from + col;
                return Some(Location::new(i + 1, line[..byte].chars().count() + 1));
            }
        }
    }
    locate_key(text, key)
}

/// Where the value of the top-level `key` starts (`date: |next Tuesday`), or the key
/// itself when its value is on the lines below.
pub fn locate_key(text: &str, key: &str) -> Option<Location> {
    front_lines(text).find_map(|(i, line)| {
        if key_of(line)? != key {
            return None;
        }
        let after = separator(line)? + 1;
        let value = line[after..].trim_start();
        let column = if value.is_empty() || value.starts_with('#') {
            1
        } else {
            line[..line.len() - value.len()].chars().count() + 1
        };
        Some(Location::new(i + 1, column))
    })
}

/// Where the top-level `key` is written, at its first column.
pub fn locate_key_name(text: &str, key: &str) -> Option<Location> {
    front_lines(text)
        .find(|(_, line)| key_of(line).is_some_and(|k| k == key))
        .map(|(i, _)| Location::new(i + 1, 1))
}

/// The front matter's lines with their 0-based numbers, without the fences.
fn front_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let fence = if text.starts_with("+++") {
        "+++"
    } else {
        "---"
    };
    text.lines()
        .enumerate()
        .skip(1)
        .take_while(move |(_, line)| {
            let l = line.trim_end();
            l != fence && !(fence == "---" && l == "...")
        })
}

/// The byte index of `:` (YAML) or `=` (TOML) after a key.
fn separator(line: &str) -> Option<usize> {
    let colon = line.find(':');
    let equals = line.find('=');
    match (colon, equals) {
        (Some(c), Some(e)) => Some(c.min(e)),
        (c, e) => c.or(e),
    }
}

/// The key a top-level line sets (`title: x`, `"title": x`, `title = "x"`).
fn key_of(line: &str) -> Option<&str> {
    if line.starts_with(|c: char| c.is_whitespace() || c == '-' || c == '#' || c == '[') {
        return None;
    }
    let key = line[..separator(line)?].trim().trim_matches(['"', '\'']);
    (!key.is_empty()).then_some(key)
}

/// Where the `index`-th item (from 0) of the block list under the top-level `key` starts:
/// its `-`. Falls back to the `key:` line for a list written in flow style (`[a, b]`).
pub fn locate_list_item(text: &str, key: &str, index: usize) -> Option<Location> {
    let mut lines = text.lines().enumerate().skip(1);
    lines.find(|(_, line)| {
        line.split_once(':')
            .is_some_and(|(k, _)| k.trim_end().trim_matches(['"', '\'']) == key)
            && !line.starts_with(char::is_whitespace)
    })?;
    // The items are the `-` lines at the indentation of the first one.
    let mut dash_column = None;
    let mut seen = 0;
    for (i, line) in lines {
        let fence = line.trim_end();
        if fence == "---" || fence == "..." {
            break;
        }
        let trimmed = line.trim_start_matches(' ');
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let indent = line.len() - trimmed.len();
        let is_item = trimmed == "-" || trimmed.starts_with("- ");
        match dash_column {
            None if is_item => dash_column = Some(indent),
            None => break,
            Some(column) if indent < column || (indent == column && !is_item) => break,
            Some(_) => {}
        }
        if is_item && Some(indent) == dash_column {
            if seen == index {
                return Some(Location::new(i + 1, indent + 1));
            }
            seen += 1;
        }
    }
    locate_key_name(text, key)
}

fn find_token(haystack: &str, token: &str) -> Option<usize> {
    let is_word = |c: char| c.is_alphanumeric() || c == '-' || c == '_';
    haystack.match_indices(token).map(|(i, _)| i).find(|&i| {
        let before = haystack[..i].chars().next_back();
        let after = haystack[i + token.len()..].chars().next();
        !before.is_some_and(is_word) && !after.is_some_and(is_word)
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
        let t = split("+++\ntitle = \"x\"\n+++\nBody\n").unwrap();
        assert_eq!(t.format, Format::Toml);
        assert_eq!(t.yaml, "title = \"x\"\n");
        assert_eq!(t.body, "Body\n");
    }

    #[test]
    fn unclosed_and_missing_front_matter_are_told_apart() {
        assert!(matches!(
            split("---\ntitle: x\nBody\n"),
            Err((Problem::UnclosedFrontMatter { fence: "---" }, _))
        ));
        assert!(matches!(
            split("+++\ntitle = 1\n---\n"),
            Err((Problem::UnclosedFrontMatter { fence: "+++" }, _))
        ));
        assert!(matches!(
            split("# Title\n"),
            Err((Problem::NoFrontMatter, _))
        ));
        assert!(matches!(split("\n\n"), Err((Problem::Empty, _))));
    }

    fn yaml(text: &str) -> Result<Fields, (Problem, Option<Location>)> {
        read(&split(&format!("---\n{text}---\n")).unwrap())
    }

    #[test]
    fn yaml_mistakes_are_explained_where_they_are() {
        let (p, loc) = yaml("title: x\ndate: 2025-01-01\ntitle: y\ntopics: [a]\n").unwrap_err();
        assert!(p.to_string().contains("`title` is written twice"), "{p}");
        assert_eq!(loc, Some(Location::new(4, 1)));
        let (p, loc) = yaml("title: x\ndate: 2025-01-01\ntopics:\n\t- a\n").unwrap_err();
        assert!(p.to_string().contains("indented with a tab"), "{p}");
        assert_eq!(loc.map(|l| l.line), Some(5));
        let (p, _) = yaml("- just\n- a list\n").unwrap_err();
        assert!(
            p.to_string().contains("a list, not `key: value` lines"),
            "{p}"
        );
    }

    #[test]
    fn toml_mistakes_are_explained_where_they_are() {
        let text = "+++\ntitle = \"x\"\ndate = 2025-01-01\ntags = [\"a\",\n+++\n";
        let (p, loc) = read(&split(text).unwrap()).unwrap_err();
        assert!(p.to_string().contains("TOML is not valid"), "{p}");
        assert!(loc.is_some_and(|l| l.line >= 4), "{loc:?}");
        let fields = read(&split("+++\ndate = 2025-01-01T05:00:00Z\n+++\n").unwrap()).unwrap();
        assert_eq!(fields[0].1, Value::String("2025-01-01T05:00:00Z".into()));
    }

    #[test]
    fn deep_nesting_is_refused_before_the_yaml_parser_sees_it() {
        let deep = format!(
            "title: x\ndate: 2025-01-01\ntopics: [a]\nmood: {}{}\n",
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        let start = std::time::Instant::now();
        let (p, loc) = yaml(&deep).unwrap_err();
        assert!(start.elapsed().as_secs() < 5);
        assert!(p.to_string().contains("nested more than 64 deep"), "{p}");
        assert_eq!(loc, Some(Location::new(5, 71)));
        // Brackets in strings are text; an apostrophe in plain text opens no string.
        let quoted = format!(
            "title: \"{}\"\ndate: 2025-01-01\ntopics: [a]\n",
            "[".repeat(100)
        );
        assert!(yaml(&quoted).is_ok());
        let sneaky = format!(
            "title: it's\ndate: 2025-01-01\ntopics: [a]\nx: {}\n",
            "[".repeat(70)
        );
        assert!(yaml(&sneaky).is_err());
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
        let toml = "+++\ntitle = \"x\"\ntags = [\"a\", \"b\"]\n+++\n";
        assert_eq!(locate_value(toml, "tags", "b"), Some(Location::new(3, 15)));
        assert_eq!(locate_key(toml, "title"), Some(Location::new(2, 9)));
        assert_eq!(locate_key(text, "people"), Some(Location::new(4, 1)));
        assert_eq!(locate_key_name(text, "topics"), Some(Location::new(3, 1)));
    }

    #[test]
    fn list_items_are_located_by_their_dash() {
        let text = "---\ntitle: x\nsources:\n  - title: a\n    date: 2025-01-01\n\n  # note\n  - description: b\n  -\ntags: [t]\n---\n- not front matter\n";
        assert_eq!(
            locate_list_item(text, "sources", 0),
            Some(Location::new(4, 3))
        );
        assert_eq!(
            locate_list_item(text, "sources", 1),
            Some(Location::new(8, 3))
        );
        assert_eq!(
            locate_list_item(text, "sources", 2),
            Some(Location::new(9, 3))
        );
        // Past the end of the list, and a list in flow style: the key's line.
        assert_eq!(
            locate_list_item(text, "sources", 3),
            Some(Location::new(3, 1))
        );
        let flow = "---\nsources: [{title: a}]\n---\n";
        assert_eq!(
            locate_list_item(flow, "sources", 0),
            Some(Location::new(2, 1))
        );
        // A list at the key's own indentation is YAML too.
        let flush = "---\nsources:\n- title: a\n- title: b\n---\n";
        assert_eq!(
            locate_list_item(flush, "sources", 1),
            Some(Location::new(4, 1))
        );
    }
}
