//! Reading one i18n file: its words, each a text or a counted word's forms, with problems
//! located on the line of the key they concern.

use std::collections::BTreeMap;

use crate::config::{MAX_YAML_NESTING, explain_yaml, find_key, too_deep};
use crate::error::{Diagnostic, Location, Problem};
use crate::load::I18nFile;

/// One word of an i18n file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Entry {
    Text(String),
    /// Plural forms by CLDR category (`one`, `few`, `many`, `other`...).
    Counted(BTreeMap<String, String>),
}

impl Entry {
    pub(super) fn kind(&self) -> &'static str {
        match self {
            Entry::Text(_) => "text",
            Entry::Counted(_) => "counted",
        }
    }
}

/// A problem with a word, pointed at its line where it can be found.
pub(super) fn at_key(
    file: &I18nFile,
    key: &str,
    category: Option<&str>,
    problem: Problem,
) -> Diagnostic {
    let d = Diagnostic::new(file.display.clone(), problem);
    match key_location(&file.text, key, category) {
        Some(l) => d.at(l, &file.text),
        None => d,
    }
}

/// The line of `key:` at the top level, or of `category:` under it.
fn key_location(text: &str, key: &str, category: Option<&str>) -> Option<Location> {
    let at = find_key(text, key)?;
    let Some(category) = category else {
        return Some(at);
    };
    text.lines()
        .enumerate()
        .skip(at.line)
        .take_while(|(_, line)| line.is_empty() || line.starts_with([' ', '\t', '#']))
        .find_map(|(i, line)| {
            let rest = line.trim_start();
            let indent = line.len() - rest.len();
            rest.strip_prefix(category)
                .filter(|r| r.trim_start().starts_with(':'))
                .map(|_| Location::new(i + 1, indent + 1))
        })
}

/// The words of one file; a file that is not a map of words is an error located in it.
pub(super) fn parse(file: &I18nFile) -> Result<BTreeMap<String, Entry>, Vec<Diagnostic>> {
    let text = file.text.as_str();
    let d = |problem: Problem| Diagnostic::new(file.display.clone(), problem);
    if let Some((line, column)) = too_deep(text) {
        let p = Problem::Words(format!(
            "lists or maps are nested more than {MAX_YAML_NESTING} deep here"
        ));
        return Err(vec![d(p).at(Location::new(line, column), text)]);
    }
    let yaml: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| {
        let (message, location) = explain_yaml(
            &e.to_string(),
            text,
            e.location().map(|l| (l.line(), l.column())),
        );
        let diagnostic = d(Problem::Words(format!("it is not valid YAML: {message}")));
        vec![match location {
            Some((line, column)) => diagnostic.at(Location::new(line, column), text),
            None => diagnostic,
        }]
    })?;
    let map = match yaml {
        serde_yaml::Value::Null => return Ok(BTreeMap::new()),
        serde_yaml::Value::Mapping(m) => m,
        _ => {
            return Err(vec![
                d(Problem::Words(
                    "an i18n file is a list of `key: text` lines, one per word".into(),
                ))
                .at(Location::new(1, 1), text),
            ]);
        }
    };
    let mut entries = BTreeMap::new();
    let mut problems = Vec::new();
    for (key, value) in map {
        let Some(key) = key.as_str().map(str::to_string) else {
            problems.push(d(Problem::Words(format!(
                "the key {} is not a word's name: use lower-case letters, digits and `_`",
                yaml_text(&key)
            ))));
            continue;
        };
        let bad = |message: String| at_key(file, &key, None, Problem::Words(message));
        if !is_key(&key) {
            problems.push(bad(format!(
                "`{key}` cannot name a word: use lower-case letters, digits and `_`, starting with a letter (templates write `t.{key}`)"
            )));
            continue;
        }
        match value {
            serde_yaml::Value::String(s) => {
                entries.insert(key, Entry::Text(s));
            }
            serde_yaml::Value::Mapping(forms) => {
                let mut out = BTreeMap::new();
                for (category, form) in forms {
                    let category = category.as_str().unwrap_or_default().to_string();
                    if icu_plurals::PluralCategory::get_for_cldr_string(&category).is_none() {
                        problems.push(at_key(
                            file,
                            &key,
                            Some(&category),
                            Problem::Words(format!(
                                "`{key}` has a form `{category}`, which is no plural category: use zero, one, two, few, many and other"
                            )),
                        ));
                        continue;
                    }
                    match form {
                        serde_yaml::Value::String(s) => {
                            out.insert(category, s);
                        }
                        other => problems.push(at_key(
                            file,
                            &key,
                            Some(&category),
                            Problem::Words(format!(
                                "the `{category}` form of `{key}` is {}, not text: put the text in quotes",
                                yaml_text(&other)
                            )),
                        )),
                    }
                }
                if !out.contains_key("other") {
                    problems.push(bad(format!(
                        "`{key}` has no `other` form: every counted word needs one"
                    )));
                }
                entries.insert(key, Entry::Counted(out));
            }
            other => problems.push(bad(format!(
                "`{key}` is {}, not text: put the text in quotes",
                yaml_text(&other)
            ))),
        }
    }
    if problems.is_empty() {
        Ok(entries)
    } else {
        Err(problems)
    }
}

fn yaml_text(value: &serde_yaml::Value) -> String {
    match value {
        serde_yaml::Value::Null => "empty".to_string(),
        serde_yaml::Value::Bool(b) => format!("`{b}`"),
        serde_yaml::Value::Number(n) => format!("the number `{n}`"),
        serde_yaml::Value::Sequence(_) => "a list".to_string(),
        serde_yaml::Value::Mapping(_) => "a map".to_string(),
        serde_yaml::Value::String(s) => format!("`{s}`"),
        serde_yaml::Value::Tagged(_) => "a tagged value".to_string(),
    }
}

fn is_key(key: &str) -> bool {
    key.starts_with(|c: char| c.is_ascii_lowercase())
        && key
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}
