//! `attache new article --lang CODE --of ORIGINAL`: the start of a translation, written
//! beside its original (`x.md` → `x.ur.md`) with the original's words to translate.
//!
//! The file holds the fields a translation has of its own (title, summary, key points and
//! the sources' descriptions) filled with the original's text, and the original's body
//! below: a translator replaces the words in place. What a translation takes from its
//! original (date, topics, names, place) is shown as comments, not written as fields, so
//! that a later change to the original is not contradicted. It starts as a draft.

use std::path::{Path, PathBuf};

use serde_yaml::{Mapping, Value};

use super::{ScaffoldError, create_new};
use crate::config::Config;
use crate::error::did_you_mean;
use crate::i18n::Language;
use crate::load::{SiteDirs, list_content, markdown_stem};
use crate::parse::{front_matter, translate};

/// The fields a translation has of its own, copied from the original for translating.
const OWN_FIELDS: [&str; 4] = ["title", "summary", "key_points", "sources"];

/// The fields it takes from the original when it leaves them out, shown as comments.
const TAKEN_FIELDS: [&str; 7] = [
    "date",
    "topics",
    "people",
    "organizations",
    "tags",
    "location",
    "slug",
];

/// What `attache new article --lang CODE --of ORIGINAL` needs.
#[derive(Debug, Clone)]
pub(crate) struct NewTranslation {
    /// The language of the translation: one of the site's, not the default.
    pub lang: String,
    /// The article it translates: its file name without extension (its slug, usually), or
    /// its path (`content/articles/2025/x.md` or `articles/2025/x.md`).
    pub of: String,
    /// The translated title, if the writer has it already.
    pub title: Option<String>,
}

/// Writes the translation beside its original and returns its path.
pub(crate) fn new_translation(root: &Path, t: &NewTranslation) -> Result<PathBuf, ScaffoldError> {
    let config = Config::load(root).map_err(crate::error::Diagnostics::from)?;
    let language = translation_language(&config.languages, &t.lang)?;
    let dirs = SiteDirs::new(root, &config);
    let (path, rel) = find_original(&dirs, &config.languages, &t.of)?;
    let text = std::fs::read_to_string(&path).map_err(|source| ScaffoldError::Read {
        path: path.clone(),
        source,
    })?;
    let display = format!("content/{rel}");
    let bad_original = |reason: String| ScaffoldError::BadOriginal {
        path: display.clone(),
        reason,
    };
    let split = front_matter::split(&text).map_err(|(p, _)| bad_original(p.to_string()))?;
    if split.format != front_matter::Format::Yaml {
        return Err(bad_original(
            "its front matter is TOML; translations are started from YAML front matter".into(),
        ));
    }
    let fields = front_matter::read(&split).map_err(|(p, _)| bad_original(p.to_string()))?;
    let field = |key: &str| fields.iter().find(|(k, _)| k == key).map(|(_, v)| v);

    let mut own = Mapping::new();
    for key in OWN_FIELDS {
        let value = match (key, &t.title) {
            ("title", Some(title)) => Some(Value::from(title.clone())),
            _ => field(key).cloned(),
        };
        if let Some(value) = value {
            own.insert(Value::from(key), value);
        }
    }
    own.insert(Value::from("draft"), Value::from(true));
    let own = serde_yaml::to_string(&own).map_err(|e| bad_original(e.to_string()))?;
    let mut taken = String::new();
    for key in TAKEN_FIELDS {
        if let Some(value) = field(key) {
            taken.push_str(&format!("#   {key}: {}\n", one_line(value)));
        }
    }
    let name = &language.name;
    let out = format!(
        "---\n\
# The {name} ({code}) translation of {display}.\n\
# Translate the fields below and the text; remove `draft: true` to publish it.\n\
# From the original, unless given here (a different date or topics is an error):\n\
{taken}\
{own}\
---\n\
{body}",
        code = language.code,
        body = split.body,
    );
    let target = sibling(&path, &language.code);
    match create_new(&target, &out) {
        Err(ScaffoldError::Exists { path }) => Err(ScaffoldError::TranslationExists { path }),
        other => other.map(|()| target),
    }
}

/// A front matter value on one line, for a comment: `2025-01-15`, `[trade, culture]`.
fn one_line(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Sequence(items) => {
            let items: Vec<String> = items.iter().map(one_line).collect();
            format!("[{}]", items.join(", "))
        }
        // JSON is YAML's flow style, on one line.
        other => serde_json::to_string(other).unwrap_or_default(),
    }
}

/// The site language `tag` names, which must not be the default one.
pub(super) fn translation_language<'a>(
    languages: &'a [Language],
    tag: &str,
) -> Result<&'a Language, ScaffoldError> {
    let codes = || {
        languages
            .iter()
            .skip(1)
            .map(|l| l.code.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    if languages.len() < 2 {
        return Err(ScaffoldError::OneLanguage {
            code: tag.to_string(),
        });
    }
    match translate::edition_of(tag, languages) {
        Some(0) => Err(ScaffoldError::DefaultLanguage {
            code: tag.to_string(),
            others: codes(),
        }),
        Some(i) => Ok(&languages[i]),
        None => Err(ScaffoldError::UnknownLanguage {
            code: tag.to_string(),
            others: codes(),
        }),
    }
}

/// The article `of` names among the site's untranslated articles: its path (from the site
/// or from `content/`), or its file name without extension.
fn find_original(
    dirs: &SiteDirs,
    languages: &[Language],
    of: &str,
) -> Result<(PathBuf, String), ScaffoldError> {
    let wanted = of.trim_start_matches("./");
    let wanted = wanted.strip_prefix("content/").unwrap_or(wanted);
    let originals: Vec<(PathBuf, String)> = list_content(dirs)
        .markdown
        .into_iter()
        .filter(|(_, rel)| rel.starts_with("articles/"))
        .filter(|(path, rel)| {
            matches!(translate::named(rel, languages), Ok(None))
                && !in_other_language(path, languages)
        })
        .collect();
    let stem = |rel: &str| {
        let name = rel.rsplit('/').next().unwrap_or(rel);
        markdown_stem(name).unwrap_or(name).to_string()
    };
    let mut found: Vec<&(PathBuf, String)> =
        originals.iter().filter(|(_, rel)| rel == wanted).collect();
    if found.is_empty() {
        found = originals
            .iter()
            .filter(|(_, rel)| stem(rel) == wanted)
            .collect();
    }
    match found.as_slice() {
        [one] => Ok((*one).clone()),
        [] => {
            let stems: Vec<String> = originals.iter().map(|(_, rel)| stem(rel)).collect();
            let hint = match did_you_mean(wanted, stems.iter().map(String::as_str)) {
                Some(s) => format!(": did you mean `{s}`?"),
                None => String::new(),
            };
            Err(ScaffoldError::NoOriginal {
                of: of.to_string(),
                hint,
            })
        }
        many => Err(ScaffoldError::AmbiguousOriginal {
            of: of.to_string(),
            paths: many
                .iter()
                .map(|(_, rel)| format!("content/{rel}"))
                .collect::<Vec<_>>()
                .join(", "),
        }),
    }
}

/// Whether the file at `path` says by its `lang:` that it is in another language than the
/// default one (a translation by folder, or a page of its own in that language).
fn in_other_language(path: &Path, languages: &[Language]) -> bool {
    let Ok(text) = std::fs::read_to_string(path) else {
        return false;
    };
    let Ok(split) = front_matter::split(&text) else {
        return false;
    };
    let Ok(fields) = front_matter::read(&split) else {
        return false;
    };
    fields.iter().any(|(key, value)| {
        key == "lang"
            && value
                .as_str()
                .is_some_and(|tag| translate::edition_of(tag, languages) != Some(0))
    })
}

/// `x.md` → `x.ur.md`, beside it.
fn sibling(original: &Path, code: &str) -> PathBuf {
    let name = original
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let new_name = match markdown_stem(&name) {
        Some(stem) => format!("{stem}.{code}{}", &name[stem.len()..]),
        None => format!("{name}.{code}.md"),
    };
    original.with_file_name(new_name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_translation_goes_beside_its_original() {
        assert_eq!(
            sibling(Path::new("content/articles/2025/x.md"), "ur"),
            Path::new("content/articles/2025/x.ur.md")
        );
        assert_eq!(
            sibling(Path::new("a/b.markdown"), "pt-BR"),
            Path::new("a/b.pt-BR.markdown")
        );
    }
}
