//! `attache new` and `attache init`: files a writer would otherwise copy by hand, written
//! complete (every front matter field present) and never over an existing file.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use jiff::civil::Date;
use thiserror::Error;

use crate::config::{CONFIG_FILE, Config};
use crate::error::did_you_mean;
use crate::parse::{checked_slug, topic_id};

mod translation;

pub(crate) use translation::{NewTranslation, new_translation};

#[derive(Debug, Error)]
pub(crate) enum ScaffoldError {
    #[error(
        "{path} already exists; attache never overwrites a file (pick another title or --slug)"
    )]
    Exists { path: PathBuf },
    #[error("{path} is not empty; `attache init` needs a new or empty folder")]
    NotEmpty { path: PathBuf },
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("`{value}` cannot be used as a file name: {reason}")]
    BadName { value: String, reason: &'static str },
    #[error("unknown topic `{topic}`{hint}")]
    UnknownTopic { topic: String, hint: String },
    #[error("`{value}` is not a date: write YYYY-MM-DD")]
    BadDate { value: String },
    #[error(
        "{path} already exists: this translation has been started; attache never overwrites a file"
    )]
    TranslationExists { path: PathBuf },
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path} cannot be translated yet: {reason}")]
    BadOriginal { path: String, reason: String },
    #[error(
        "`--lang {code}`: site.yaml lists one language; list the site's languages under `languages:` first"
    )]
    OneLanguage { code: String },
    #[error(
        "`--lang {code}` is the site's default language, the one originals are written in; translations are in {others}"
    )]
    DefaultLanguage { code: String, others: String },
    #[error("`--lang {code}` is not one of the site's languages; translations are in {others}")]
    UnknownLanguage { code: String, others: String },
    #[error("no article `{of}` to translate{hint} (give its file name without .md, or its path)")]
    NoOriginal { of: String, hint: String },
    #[error("`{of}` names several articles ({paths}): give the path of the one to translate")]
    AmbiguousOriginal { of: String, paths: String },
    #[error(transparent)]
    Site(#[from] crate::error::Diagnostics),
}

/// What `attache new article` needs.
#[derive(Debug, Clone)]
pub(crate) struct NewArticle {
    pub title: String,
    pub topics: Vec<String>,
    /// Default: today.
    pub date: Option<String>,
    pub slug: Option<String>,
    /// The language it is written in, when not the site's default one: a `lang:` line.
    pub lang: Option<String>,
}

/// Writes `content/articles/<year>/<slug>.md` and returns its path.
pub(crate) fn new_article(root: &Path, article: &NewArticle) -> Result<PathBuf, ScaffoldError> {
    let config = Config::load(root).map_err(crate::error::Diagnostics::from)?;
    let lang_line = match &article.lang {
        Some(tag) => {
            let language = translation::translation_language(&config.languages, tag)?;
            format!("lang: {}\n", language.code)
        }
        None => String::new(),
    };
    let date = match &article.date {
        Some(d) => d
            .parse::<Date>()
            .map_err(|_| ScaffoldError::BadDate { value: d.clone() })?,
        None => jiff::ZonedDateTime::now().date(),
    };
    let known = topic_ids(root);
    for topic in &article.topics {
        if !known.contains(topic) {
            let hint = match did_you_mean(topic, known.iter().map(String::as_str)) {
                Some(s) => format!(": did you mean `{s}`?"),
                None if known.is_empty() => {
                    ": the site has no topics yet (`attache new topic ID`)".to_string()
                }
                None => format!(": known topics are {}", known.join(", ")),
            };
            return Err(ScaffoldError::UnknownTopic {
                topic: topic.clone(),
                hint,
            });
        }
    }
    let raw = article.slug.as_deref().unwrap_or(&article.title);
    let slug = checked_slug(raw).map_err(|reason| ScaffoldError::BadName {
        value: raw.to_string(),
        reason,
    })?;
    let path = root
        .join("content/articles")
        .join(date.year().to_string())
        .join(format!("{slug}.md"));
    let topics_line = if article.topics.is_empty() {
        format!(
            "topics: []  # required: file it under at least one of: {}",
            if known.is_empty() {
                "(no topics yet)".to_string()
            } else {
                known.join(", ")
            }
        )
    } else {
        format!("topics: [{}]", article.topics.join(", "))
    };
    let text = format!(
        "---\n\
title: {title}\n\
date: {date}\n\
{topics_line}\n\
summary: \"\"\n\
key_points: []\n\
people: []\n\
organizations: []\n\
tags: []\n\
location: \"\"\n\
sources: []\n\
{lang_line}\
draft: true\n\
---\n\
Write the article here. Remove `draft: true` above to publish it.\n",
        title = yaml_string(&article.title),
    );
    create_new(&path, &text)?;
    Ok(path)
}

/// Writes `content/topics/<id>.md` and returns its path.
pub(crate) fn new_topic(
    root: &Path,
    id: &str,
    title: Option<&str>,
) -> Result<PathBuf, ScaffoldError> {
    Config::load(root).map_err(crate::error::Diagnostics::from)?;
    let slug = topic_id(id).map_err(|reason| ScaffoldError::BadName {
        value: id.to_string(),
        reason,
    })?;
    let weight = topic_ids(root).len() + 1;
    let title = title.map_or_else(|| capitalize(&slug.replace('-', " ")), str::to_owned);
    let path = root.join("content/topics").join(format!("{slug}.md"));
    let text = format!(
        "---\ntitle: {}\nsummary: \"\"\nweight: {weight}\n---\n## State of play\n\nWhat is known about {}, and what to watch.\n",
        yaml_string(&title),
        title.to_lowercase(),
    );
    create_new(&path, &text)?;
    Ok(path)
}

/// Creates a minimal working site in `dir`: settings, a home page, one topic, one article.
pub(crate) fn init(dir: &Path, title: &str) -> Result<Vec<PathBuf>, ScaffoldError> {
    if dir.exists() && fs::read_dir(dir).is_ok_and(|mut d| d.next().is_some()) {
        return Err(ScaffoldError::NotEmpty {
            path: dir.to_path_buf(),
        });
    }
    let today = jiff::ZonedDateTime::now().date();
    let files = [
        (
            CONFIG_FILE.to_string(),
            format!(
                "# Settings for this site; every field is described in attache's README.\n\
title: {}\n\
description: \"A briefing built with attache.\"\n\
base_url: \"https://example.org/\"\n\
language: en\n\
theme: briefing\n",
                yaml_string(title)
            ),
        ),
        (
            "content/_index.md".to_string(),
            format!(
                "---\ntitle: {}\nsummary: \"What this briefing covers.\"\n---\nWelcome. Start with the [general topic](topics/general.md).\n",
                yaml_string(title)
            ),
        ),
        (
            "content/topics/general.md".to_string(),
            "---\ntitle: General\nsummary: \"Everything not yet filed elsewhere.\"\nweight: 1\n---\n## State of play\n\nThe overview of this topic goes here.\n".to_string(),
        ),
        (
            format!("content/articles/{}/welcome.md", today.year()),
            format!(
                "---\ntitle: Welcome\ndate: {today}\ntopics: [general]\nsummary: \"The first article of this briefing.\"\nkey_points:\n  - \"Articles live in content/articles/.\"\npeople: []\norganizations: []\ntags: [start]\nsources: []\n---\nThis is the first article. Add more with `attache new article \"Title\" --topics general`.\n"
            ),
        ),
    ];
    let mut written = Vec::new();
    for (rel, text) in files {
        let path = dir.join(rel);
        create_new(&path, &text)?;
        written.push(path);
    }
    Ok(written)
}

/// The ids of the site's topics, by the rule the build uses ([`topic_id`]).
fn topic_ids(root: &Path) -> Vec<String> {
    let mut ids: Vec<String> = fs::read_dir(root.join("content/topics"))
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            if crate::load::is_ignored(&name) {
                return None;
            }
            topic_id(crate::load::markdown_stem(&name)?).ok()
        })
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

/// Creates `path` (and its folders) with `text`, failing if it exists.
fn create_new(path: &Path, text: &str) -> Result<(), ScaffoldError> {
    let write_err = |source| ScaffoldError::Write {
        path: path.to_path_buf(),
        source,
    };
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(write_err)?;
    }
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| {
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                ScaffoldError::Exists {
                    path: path.to_path_buf(),
                }
            } else {
                write_err(e)
            }
        })?;
    file.write_all(text.as_bytes()).map_err(write_err)
}

/// A YAML double-quoted string, safe for any title.
fn yaml_string(s: &str) -> String {
    // A JSON string is a valid YAML double-quoted scalar.
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_string())
}

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
