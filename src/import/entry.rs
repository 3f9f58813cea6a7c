//! A content file of the source site as every source kind reads it: its path, its front
//! matter read loosely (fields in their order, any YAML), and its body.

use std::path::Path;

use serde_yaml::Value;

use super::mapping::Plan;
use super::{ImportError, note};
use crate::parse::front_matter::{self, Fields};

/// A content file of the source site, its front matter read loosely.
pub(crate) struct Entry {
    /// Path in the source, with `/`.
    pub rel: String,
    pub fields: Fields,
    pub body: String,
    /// The line the body starts on, to turn body lines into file lines.
    pub body_line: usize,
}

impl Entry {
    /// Reads `rel`; `None` (with a note) when it has no front matter that can be read.
    pub(crate) fn read(
        root: &Path,
        rel: &str,
        plan: &mut Plan,
    ) -> Result<Option<Entry>, ImportError> {
        let bytes = super::read(root, rel)?;
        let Ok(text) = crate::load::decode_text(bytes) else {
            plan.notes.push(note(
                rel,
                None,
                "not converted: it is not UTF-8 text".into(),
            ));
            return Ok(None);
        };
        let split = match front_matter::split(&text) {
            Ok(s) => s,
            Err((problem, _)) => {
                plan.notes
                    .push(note(rel, Some(1), format!("not converted: {problem}")));
                return Ok(None);
            }
        };
        let fields = match front_matter::read(&split) {
            Ok(f) => f,
            Err((problem, location)) => {
                plan.notes.push(note(
                    rel,
                    location.map(|l| l.line),
                    format!("not converted: {problem}"),
                ));
                return Ok(None);
            }
        };
        let body_line = text[..split.body_offset].lines().count() + 1;
        Ok(Some(Entry {
            rel: rel.to_string(),
            fields,
            body: split.body.to_string(),
            body_line,
        }))
    }

    pub(crate) fn take(&mut self, key: &str) -> Option<Value> {
        let at = self.fields.iter().position(|(k, _)| k == key)?;
        Some(self.fields.remove(at).1)
    }

    pub(crate) fn text(&mut self, key: &str) -> Option<String> {
        match self.take(key)? {
            Value::String(s) if !s.trim().is_empty() => Some(s),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    /// A list; with `split_words`, one string is several words (as Jekyll reads
    /// `tags: a b c`), else a list of one.
    pub(crate) fn list(&mut self, key: &str, split_words: bool) -> Vec<String> {
        list_of(self.take(key), split_words)
    }

    pub(crate) fn get(&self, key: &str) -> Option<&Value> {
        self.fields.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }
}

pub(crate) fn list_of(value: Option<Value>, split_words: bool) -> Vec<String> {
    let scalar = |v: Value| match v {
        Value::String(s) => Some(s),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    };
    match value {
        Some(Value::Sequence(items)) => items.into_iter().filter_map(scalar).collect(),
        Some(Value::String(s)) if split_words => s.split_whitespace().map(str::to_owned).collect(),
        Some(v) => scalar(v).into_iter().collect(),
        None => Vec::new(),
    }
}
