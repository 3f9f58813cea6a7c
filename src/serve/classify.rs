//! What a changed path means for the build: which source it is, and how much must be read
//! again. Nothing here reads a file; it looks at the path, at what is on disk there now
//! (a folder? a symbolic link?), and at what the sources in memory held.

use std::path::Path;

use crate::config::CONFIG_FILE;
use crate::load::{self, SiteDirs};

/// What a changed path means for the build.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Change {
    /// A Markdown file under content/, by its path there.
    Content(String),
    /// Something under content/ that may be (or have been) a folder, or a symbolic link:
    /// list content/ again, as a build does.
    ContentFolder,
    /// A template of the theme or the site.
    Template,
    /// A static file, by its output path.
    Static(String),
    /// Static folders changed in a way best read again as a whole.
    StaticFolder,
    /// site.yaml, or a source folder appearing or going: build everything from disk.
    Everything,
}

/// What the sources in memory held, as far as classifying needs to know.
pub(super) trait Known {
    fn dirs(&self) -> &SiteDirs;
    /// Whether content files were read below `folder` (a path under content/).
    fn content_under(&self, folder: &str) -> bool;
    /// Whether static files were read below `folder` (an output path).
    fn static_under(&self, folder: &str) -> bool;
    /// Whether listing content/ found problems: then any change there lists it again.
    fn content_listing_failed(&self) -> bool;
}

/// What the change of `path` (absolute, as the watcher reports it) in the site at `root`
/// means, or `None` when it does not concern the site. With nothing in memory, every
/// change means building everything.
pub(super) fn classify(path: &Path, root: &Path, known: Option<&dyn Known>) -> Option<Change> {
    if path == root.join(CONFIG_FILE) {
        return Some(Change::Everything);
    }
    let Some(known) = known else {
        return Some(Change::Everything);
    };
    let dirs = known.dirs();
    let theme_templates = dirs.theme.join("templates");
    let theme_static = dirs.theme.join("static");
    // A source folder itself appearing or going.
    let folders = [
        &dirs.content,
        &dirs.theme,
        &dirs.templates,
        &dirs.statics,
        &theme_templates,
        &theme_static,
    ];
    if folders.iter().any(|d| path == d.as_path()) {
        return Some(Change::Everything);
    }
    if let Some(rel) = load::rel_path(&dirs.content, path) {
        return content(path, &rel, &dirs.content, known);
    }
    // The theme's words change what templates print, as a template edit does.
    let theme_i18n = dirs.theme.join("i18n");
    for dir in [&theme_templates, &dirs.templates, &theme_i18n, &dirs.i18n] {
        if let Some(rel) = load::rel_path(dir, path) {
            return (!ignored(&rel)).then_some(Change::Template);
        }
    }
    for dir in [&theme_static, &dirs.statics] {
        if let Some(rel) = load::rel_path(dir, path) {
            if ignored(&rel) {
                return None;
            }
            if path.is_dir() || linked(path, dir) || known.static_under(&rel) {
                return Some(Change::StaticFolder);
            }
            return Some(Change::Static(rel));
        }
    }
    None
}

fn content(path: &Path, rel: &str, dir: &Path, known: &dyn Known) -> Option<Change> {
    if ignored(rel) {
        return None;
    }
    // A symbolic link is followed (or refused) by a listing, as a build does; so is any
    // change while the last listing had problems, which it may have fixed.
    if linked(path, dir) || known.content_listing_failed() {
        return Some(Change::ContentFolder);
    }
    if load::is_markdown(path) && !path.is_dir() {
        return Some(Change::Content(rel.to_string()));
    }
    // A folder, or something that was one.
    if path.is_dir() || known.content_under(rel) {
        return Some(Change::ContentFolder);
    }
    None
}

/// Files editors and systems leave around, anywhere on the path.
fn ignored(rel: &str) -> bool {
    rel.split('/').any(load::is_ignored)
}

/// Whether `path`, or a folder between it and `dir`, is a symbolic link.
fn linked(path: &Path, dir: &Path) -> bool {
    path.ancestors()
        .take_while(|a| *a != dir)
        .any(|a| a.is_symlink())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;
    use std::path::PathBuf;

    /// A site folder on disk, with what memory held of it.
    struct Site {
        dir: tempfile::TempDir,
        dirs: SiteDirs,
        content: Vec<&'static str>,
        statics: Vec<&'static str>,
        listing_failed: bool,
    }

    impl Known for Site {
        fn dirs(&self) -> &SiteDirs {
            &self.dirs
        }
        fn content_under(&self, folder: &str) -> bool {
            self.content
                .iter()
                .any(|c| c.starts_with(&format!("{folder}/")))
        }
        fn static_under(&self, folder: &str) -> bool {
            self.statics
                .iter()
                .any(|c| c.starts_with(&format!("{folder}/")))
        }
        fn content_listing_failed(&self) -> bool {
            self.listing_failed
        }
    }

    fn site() -> Site {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_path_buf();
        let config = crate::config::Config::parse("title: t\nbase_url: http://x/\n").unwrap();
        for d in ["content/articles/2025", "static/css", "templates"] {
            fs::create_dir_all(root.join(d)).unwrap();
        }
        fs::write(root.join("content/articles/2025/a.md"), "x").unwrap();
        Site {
            dirs: SiteDirs::new(&root, &config),
            dir,
            content: vec!["articles/2025/a.md", "articles/old/b.md"],
            statics: vec!["css/site.css"],
            listing_failed: false,
        }
    }

    impl Site {
        fn path(&self, rel: &str) -> PathBuf {
            self.dir.path().join(rel)
        }
        fn classify(&self, rel: &str) -> Option<Change> {
            classify(&self.path(rel), self.dir.path(), Some(self))
        }
    }

    #[test]
    fn a_saved_article_is_read_alone() {
        let s = site();
        assert_eq!(
            s.classify("content/articles/2025/a.md"),
            Some(Change::Content("articles/2025/a.md".into()))
        );
        // Deleted or not yet there, a Markdown path is still that one file.
        assert_eq!(
            s.classify("content/articles/2025/new.md"),
            Some(Change::Content("articles/2025/new.md".into()))
        );
    }

    #[test]
    fn editor_leftovers_change_nothing() {
        let s = site();
        for leftover in [
            "content/articles/2025/.a.md.swp",
            "content/articles/2025/a.md~",
            "content/articles/2025/4913",
            "content/articles/.git/HEAD",
            "static/.DS_Store",
            "templates/#home.html#",
        ] {
            assert_eq!(s.classify(leftover), None, "{leftover}");
        }
        // Files under content/ that are not Markdown are not sources.
        assert_eq!(s.classify("content/articles/2025/notes.txt"), None);
    }

    #[test]
    fn folders_coming_and_going_list_content_again() {
        let s = site();
        assert_eq!(
            s.classify("content/articles/2025"),
            Some(Change::ContentFolder)
        );
        // Gone from disk, but it held articles.
        assert_eq!(
            s.classify("content/articles/old"),
            Some(Change::ContentFolder)
        );
        assert_eq!(s.classify("content/articles/never"), None);
    }

    #[cfg(unix)]
    #[test]
    fn a_symbolic_link_is_listed_as_a_build_lists_it() {
        let s = site();
        std::os::unix::fs::symlink("/etc/hostname", s.path("content/articles/2025/x.md")).unwrap();
        assert_eq!(
            s.classify("content/articles/2025/x.md"),
            Some(Change::ContentFolder)
        );
        std::os::unix::fs::symlink("/etc", s.path("content/articles/etc")).unwrap();
        assert_eq!(
            s.classify("content/articles/etc/passwd.md"),
            Some(Change::ContentFolder)
        );
        std::os::unix::fs::symlink("/etc/hostname", s.path("static/leak.txt")).unwrap();
        assert_eq!(s.classify("static/leak.txt"), Some(Change::StaticFolder));
    }

    #[test]
    fn while_the_listing_failed_every_content_change_lists_again() {
        let mut s = site();
        s.listing_failed = true;
        assert_eq!(
            s.classify("content/articles/2025/a.md"),
            Some(Change::ContentFolder)
        );
    }

    #[test]
    fn templates_statics_and_settings() {
        let s = site();
        assert_eq!(s.classify("templates/home.html"), Some(Change::Template));
        assert_eq!(
            s.classify("static/css/new.css"),
            Some(Change::Static("css/new.css".into()))
        );
        assert_eq!(s.classify("static/css"), Some(Change::StaticFolder));
        assert_eq!(s.classify("site.yaml"), Some(Change::Everything));
        assert_eq!(s.classify("content"), Some(Change::Everything));
        assert_eq!(s.classify("static"), Some(Change::Everything));
        assert_eq!(s.classify("public/index.html"), None);
        assert_eq!(s.classify("README.md"), None);
    }

    #[test]
    fn with_nothing_in_memory_everything_is_built() {
        let s = site();
        let root = s.dir.path();
        assert_eq!(
            classify(&s.path("content/articles/2025/a.md"), root, None),
            Some(Change::Everything)
        );
    }
}
