//! `attache import jekyll|hugo|zola SRC [DEST]`: converts a site once into attache's
//! content model.
//!
//! Each source kind has its own reader (where posts, pages, settings and static files are,
//! and what URL each post had); [`mapping`] turns what they find into attache's files
//! (front matter mapped, categories into topics, old URLs kept as aliases). The whole
//! result is planned in memory first, so nothing is written when DEST is refused or any
//! file would be overwritten. SRC is only ever read.

mod entry;
mod hugo;
mod jekyll;
pub(crate) mod mapping;
mod zola;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use crate::error::{Diagnostic, Problem};

/// The kinds of site `attache import` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SourceKind {
    Jekyll,
    Hugo,
    Zola,
}

impl SourceKind {
    pub fn name(self) -> &'static str {
        match self {
            SourceKind::Jekyll => "Jekyll",
            SourceKind::Hugo => "Hugo",
            SourceKind::Zola => "Zola",
        }
    }
}

/// Why an import did not happen; nothing was written.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ImportError {
    #[error("{path} is not a {kind} site: {reason}")]
    NotASite {
        path: PathBuf,
        kind: &'static str,
        reason: String,
    },
    #[error(
        "{path} is not empty and not an attache site (it has no site.yaml): import into a new or empty folder, or into an attache site"
    )]
    DestNotEmpty { path: PathBuf },
    #[error(
        "{dest} is inside {src}: the site being imported is never written to; choose a folder outside it"
    )]
    DestInsideSource { dest: PathBuf, src: PathBuf },
    #[error("{count} file{s} would be overwritten in {dest}, for example {first}: attache never overwrites a file", s = if *count == 1 { "" } else { "s" })]
    WouldOverwrite {
        dest: PathBuf,
        count: usize,
        first: String,
    },
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// What an import did.
#[derive(Debug)]
pub(crate) struct Imported {
    pub articles: usize,
    pub pages: usize,
    pub topics: usize,
    pub statics: usize,
    /// What could not be converted, by file and line in SRC (all warnings).
    pub notes: Vec<Diagnostic>,
}

impl Imported {
    /// One line on what was imported.
    pub(crate) fn summary(&self) -> String {
        let n = |count: usize, one: &str, many: &str| {
            format!("{count} {}", if count == 1 { one } else { many })
        };
        format!(
            "{}, {}, {} and {}",
            n(self.articles, "article", "articles"),
            n(self.pages, "page", "pages"),
            n(self.topics, "topic", "topics"),
            n(self.statics, "static file", "static files"),
        )
    }
}

/// Imports the site at `src` into `dest` (a new or empty folder, or an attache site).
pub(crate) fn import(kind: SourceKind, src: &Path, dest: &Path) -> Result<Imported, ImportError> {
    let dest_is_site = check_dest(src, dest)?;
    let mut plan = match kind {
        SourceKind::Jekyll => jekyll::plan(src)?,
        SourceKind::Hugo => hugo::plan(src)?,
        SourceKind::Zola => zola::plan(src)?,
    };
    plan.finish(
        kind.name(),
        dest_is_site.then(|| dest.to_path_buf()).as_deref(),
    );
    let conflicts: Vec<&String> = plan
        .files
        .keys()
        .filter(|rel| dest.join(rel).exists())
        .collect();
    if let Some(first) = conflicts.first() {
        return Err(ImportError::WouldOverwrite {
            dest: dest.to_path_buf(),
            count: conflicts.len(),
            first: first.to_string(),
        });
    }
    for (rel, bytes) in &plan.files {
        let path = dest.join(rel);
        let write = |path: &Path| -> std::io::Result<()> {
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent)?;
            }
            fs::write(path, bytes)
        };
        write(&path).map_err(|source| ImportError::Write {
            path: path.clone(),
            source,
        })?;
    }
    let mut notes = plan.notes;
    notes.sort_by(|a, b| (&a.path, a.location).cmp(&(&b.path, b.location)));
    Ok(Imported {
        articles: plan.articles,
        pages: plan.pages,
        topics: plan.topics_written,
        statics: plan.statics,
        notes,
    })
}

/// Refuses a destination that is not new, empty or an attache site, or that lies in the
/// source. True when it is an attache site already.
fn check_dest(src: &Path, dest: &Path) -> Result<bool, ImportError> {
    let canonical = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
    let src_abs = canonical(src);
    // The folder may not exist yet: judge by its nearest existing ancestor.
    let dest_abs = dest
        .ancestors()
        .find(|a| a.exists())
        .map(|existing| {
            let rest = dest.strip_prefix(existing).unwrap_or(Path::new(""));
            canonical(existing).join(rest)
        })
        .unwrap_or_else(|| dest.to_path_buf());
    if dest_abs.starts_with(&src_abs) {
        return Err(ImportError::DestInsideSource {
            dest: dest.to_path_buf(),
            src: src.to_path_buf(),
        });
    }
    if !dest.exists() {
        return Ok(false);
    }
    if dest.join(crate::config::CONFIG_FILE).is_file() {
        return Ok(true);
    }
    let empty = fs::read_dir(dest)
        .map_err(|source| ImportError::Read {
            path: dest.to_path_buf(),
            source,
        })?
        .next()
        .is_none();
    if empty {
        Ok(false)
    } else {
        Err(ImportError::DestNotEmpty {
            path: dest.to_path_buf(),
        })
    }
}

/// A note on something not converted, at a file (relative to SRC) and line.
pub(crate) fn note(file: &str, line: Option<usize>, message: String) -> Diagnostic {
    let mut d = Diagnostic::warning(file, Problem::Import(message));
    d.location = line.map(|l| crate::error::Location::new(l, 1));
    d
}

/// Every file below `dir`, as paths relative to `root` with `/`, sorted; names starting
/// with `.` (and editor leftovers) are left out.
pub(crate) fn files_under(root: &Path, dir: &Path) -> Vec<String> {
    if !dir.is_dir() {
        return Vec::new();
    }
    let mut out: Vec<String> = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            e.depth() == 0 || !crate::load::is_ignored(&e.file_name().to_string_lossy())
        })
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| {
            let rel = e.path().strip_prefix(root).ok()?;
            Some(
                rel.components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/"),
            )
        })
        .collect();
    out.sort();
    out
}

/// Reads a file of the source site.
pub(crate) fn read(root: &Path, rel: &str) -> Result<Vec<u8>, ImportError> {
    let path = root.join(rel);
    fs::read(&path).map_err(|source| ImportError::Read { path, source })
}

/// Reads a settings file (YAML or TOML, by extension) as a YAML value.
pub(crate) fn read_settings(root: &Path, rel: &str) -> Result<serde_yaml::Value, ImportError> {
    let bytes = read(root, rel)?;
    let text = String::from_utf8_lossy(&bytes);
    let bad = |reason: String| ImportError::NotASite {
        path: root.join(rel),
        kind: "readable",
        reason,
    };
    if rel.ends_with(".toml") {
        let table: toml::Table = toml::from_str(&text).map_err(|e| bad(e.message().to_string()))?;
        Ok(crate::parse::front_matter::toml_to_yaml(
            toml::Value::Table(table),
        ))
    } else {
        serde_yaml::from_str(&text).map_err(|e| bad(e.to_string()))
    }
}

/// The text at `path` (`["params", "author"]`) in a settings value, if it is text.
pub(crate) fn setting(value: &serde_yaml::Value, path: &[&str]) -> Option<String> {
    let mut v = value;
    for key in path {
        v = v.get(*key)?;
    }
    match v {
        serde_yaml::Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        serde_yaml::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The site's settings as found in the source, for site.yaml.
#[derive(Debug, Default, Clone)]
pub(crate) struct Settings {
    pub title: Option<String>,
    pub description: Option<String>,
    pub base_url: Option<String>,
    pub language: Option<String>,
    pub author: Option<String>,
    pub timezone: Option<String>,
}

/// Files to write, by path under DEST.
pub(crate) type Files = BTreeMap<String, Vec<u8>>;
