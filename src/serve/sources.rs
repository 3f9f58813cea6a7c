//! The site's sources as `serve` last read them, and reading again what a change names.
//! Everything is read through [`crate::load`], with the walker and the rules a build uses
//! (editors' leftovers skipped, symbolic links kept inside the site, every problem kept),
//! so what `serve` reads is what a build would read.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use bytes::Bytes;

use super::classify::{Change, Known};
use crate::error::{Diagnostic, Diagnostics, Problem};
use crate::i18n::Language;
use crate::load::{self, ContentFile, SiteDirs, StaticFile};
use crate::render::Templates;

/// A static file as served.
pub(super) struct Static {
    /// Path from the site root, for messages.
    pub(super) display: PathBuf,
    pub(super) bytes: Bytes,
}

/// The sources in memory.
pub(super) struct Sources {
    pub(super) dirs: SiteDirs,
    /// The site's languages, which the theme's words are checked against.
    languages: Vec<Language>,
    /// Every content file, as last read, by path under content/.
    pub(super) texts: BTreeMap<String, ContentFile>,
    /// Content files that could not be read, by path under content/.
    unreadable: BTreeMap<String, Diagnostic>,
    /// The problems of the last listing of content/ (links out of the site, loops).
    listing: Vec<Diagnostic>,
    pub(super) templates: Templates,
    /// The problems with the templates or static files on disk, when they have some.
    theme_problem: Option<Diagnostics>,
    /// Static files by output path (the site's replacing the theme's).
    pub(super) statics: BTreeMap<String, Static>,
}

/// What reading the changes found.
#[derive(Debug, Default)]
pub(super) struct Read {
    /// Content files that changed, came or went, by path under content/.
    pub(super) content: BTreeSet<String>,
    /// The templates changed: every page may look different.
    pub(super) templates: bool,
    /// The static files changed.
    pub(super) statics: bool,
}

fn statics_by_path(statics: Vec<StaticFile>) -> BTreeMap<String, Static> {
    statics
        .into_iter()
        .map(|s| {
            let file = Static {
                display: s.display,
                bytes: Bytes::from(s.bytes),
            };
            (s.rel, file)
        })
        .collect()
}

impl Sources {
    /// Sources a full load read (without problems).
    pub(super) fn new(
        dirs: SiteDirs,
        languages: Vec<Language>,
        content: &[ContentFile],
        templates: Templates,
        statics: Vec<StaticFile>,
    ) -> Sources {
        Sources {
            dirs,
            languages,
            texts: content.iter().map(|f| (f.rel.clone(), f.clone())).collect(),
            unreadable: BTreeMap::new(),
            listing: Vec::new(),
            templates,
            theme_problem: None,
            statics: statics_by_path(statics),
        }
    }

    /// Reads again what `changes` name.
    pub(super) fn read(&mut self, changes: &BTreeSet<Change>) -> Read {
        let mut read = Read::default();
        for change in changes {
            match change {
                Change::Content(rel) => {
                    self.read_content(rel);
                    read.content.insert(rel.clone());
                }
                Change::ContentFolder => read.content.extend(self.list_content()),
                Change::Template => {
                    self.read_theme();
                    read.templates = true;
                    read.statics = true;
                }
                Change::StaticFolder => {
                    self.read_theme();
                    read.statics = true;
                }
                Change::Static(rel) => {
                    self.read_static(rel);
                    read.statics = true;
                }
                Change::Everything => {}
            }
        }
        read
    }

    /// The problems that stop a build before anything is parsed, if there are any.
    pub(super) fn problems(&self) -> Option<Diagnostics> {
        let mut problems: Vec<Diagnostic> = Vec::new();
        if let Some(p) = &self.theme_problem {
            problems.extend(p.iter().cloned());
        }
        problems.extend(self.listing.iter().cloned());
        problems.extend(self.unreadable.values().cloned());
        (!problems.is_empty()).then(|| Diagnostics(problems).sorted())
    }

    /// Reads one content file again (or notes that it is gone).
    fn read_content(&mut self, rel: &str) {
        self.unreadable.remove(rel);
        self.texts.remove(rel);
        match load::read_content(&self.dirs, rel) {
            Ok(Some(file)) => {
                self.texts.insert(rel.to_string(), file);
            }
            Ok(None) => {}
            // Unless it went between the event and the read, it is a problem to show.
            Err(d) if !is_gone(&d) => {
                self.unreadable.insert(rel.to_string(), d);
            }
            Err(_) => {}
        }
    }

    /// Lists content/ again, as a build does; reads the files that appeared and forgets
    /// those that went. Returns their paths.
    fn list_content(&mut self) -> Vec<String> {
        let listing = load::list_content(&self.dirs);
        self.listing = listing.problems;
        let on_disk: BTreeSet<String> = listing.markdown.into_iter().map(|(_, rel)| rel).collect();
        let known: BTreeSet<String> = self
            .texts
            .keys()
            .chain(self.unreadable.keys())
            .cloned()
            .collect();
        let mut changed = Vec::new();
        for rel in known.difference(&on_disk) {
            self.texts.remove(rel);
            self.unreadable.remove(rel);
            changed.push(rel.clone());
        }
        for rel in on_disk.difference(&known) {
            self.read_content(rel);
            changed.push(rel.clone());
        }
        changed
    }

    /// Reads the templates and static files again (they are few), exactly as a build does.
    fn read_theme(&mut self) {
        let (theme, problems) = load::load_theme(&self.dirs);
        self.statics = statics_by_path(theme.statics);
        let compiled = if problems.is_empty() {
            Templates::compile(&theme.templates, &theme.i18n, &self.languages)
        } else {
            Err(Diagnostics(problems))
        };
        match compiled {
            Ok(t) => {
                self.templates = t;
                self.theme_problem = None;
            }
            Err(e) => self.theme_problem = Some(e.sorted()),
        }
    }

    /// Reads one static file again; on any problem, every template and static file.
    fn read_static(&mut self, rel: &str) {
        match load::read_static(&self.dirs, rel) {
            Ok(Some(file)) => self.statics.extend(statics_by_path(vec![file])),
            Ok(None) => {
                self.statics.remove(rel);
            }
            Err(_) => self.read_theme(),
        }
    }
}

/// A read that failed because the file is no longer there.
fn is_gone(d: &Diagnostic) -> bool {
    matches!(&d.problem, Problem::Read(e) if e.kind() == std::io::ErrorKind::NotFound)
}

impl Known for Sources {
    fn dirs(&self) -> &SiteDirs {
        &self.dirs
    }

    fn content_under(&self, folder: &str) -> bool {
        let prefix = format!("{folder}/");
        self.texts
            .range(prefix.clone()..)
            .next()
            .is_some_and(|(k, _)| k.starts_with(&prefix))
            || self.unreadable.keys().any(|k| k.starts_with(&prefix))
    }

    fn static_under(&self, folder: &str) -> bool {
        let prefix = format!("{folder}/");
        self.statics
            .range(prefix.clone()..)
            .next()
            .is_some_and(|(k, _)| k.starts_with(&prefix))
    }

    fn content_listing_failed(&self) -> bool {
        !self.listing.is_empty()
    }
}
