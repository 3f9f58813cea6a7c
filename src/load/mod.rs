//! Stage 1, load: find the site's files and read them, in parallel.
//!
//! Nothing here knows what a page is; it only turns folders into [`Sources`]: Markdown text
//! by content path, templates by name, and static files by output path. Files an editor
//! leaves behind (swap files, backups, temp files) are never picked up.

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::config::Config;
use crate::error::{Diagnostic, Diagnostics, Location, Problem, relative_to};

mod theme;
pub use theme::{Theme, is_font, load_theme, read_static, theme_fonts};

/// One Markdown file under `content/`.
#[derive(Debug, Clone)]
pub struct ContentFile {
    /// Path under `content/`, with `/` separators (`articles/2025/x.md`).
    pub rel: String,
    /// Path relative to the site root, for messages.
    pub display: PathBuf,
    /// The text, with any BOM removed and CRLF turned into LF.
    pub text: String,
}

/// One template, named by its path under a `templates/` folder.
#[derive(Debug, Clone)]
pub struct TemplateFile {
    pub name: String,
    pub display: PathBuf,
    pub text: String,
}

/// One i18n file (`i18n/<code>.yaml`): the theme's words in one language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct I18nFile {
    /// The language code, from the file name (`ur` for `ur.yaml`).
    pub code: String,
    pub display: PathBuf,
    pub text: String,
    /// From the site's `i18n/` folder (whose words replace the theme's), not the theme's.
    pub site: bool,
}

/// One static file, named by its path in the output.
#[derive(Debug, Clone)]
pub struct StaticFile {
    pub rel: String,
    pub display: PathBuf,
    pub bytes: Vec<u8>,
}

/// Everything a build reads from disk.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    pub content: Vec<ContentFile>,
    pub templates: Vec<TemplateFile>,
    pub statics: Vec<StaticFile>,
    /// Files found but not read, and the like: shown, but no reason to stop.
    pub warnings: Vec<Diagnostic>,
    /// The theme's i18n files, then the site's.
    pub i18n: Vec<I18nFile>,
}

/// Folders a site is made from, resolved against the site root.
#[derive(Debug, Clone)]
pub struct SiteDirs {
    pub root: PathBuf,
    pub content: PathBuf,
    pub theme: PathBuf,
    pub templates: PathBuf,
    pub statics: PathBuf,
    /// The site's own i18n files, whose words replace the theme's.
    pub i18n: PathBuf,
}

impl SiteDirs {
    pub fn new(root: &Path, config: &Config) -> Self {
        SiteDirs {
            root: root.to_path_buf(),
            content: root.join("content"),
            theme: root.join("themes").join(&config.theme),
            templates: root.join("templates"),
            statics: root.join("static"),
            i18n: root.join("i18n"),
        }
    }

    /// Every folder whose changes affect the build (what `serve` watches).
    pub fn watched(&self) -> [&Path; 5] {
        [
            &self.content,
            &self.theme,
            &self.templates,
            &self.statics,
            &self.i18n,
        ]
    }
}

/// The default theme, built into the binary so a site needs no theme folder of its own.
/// A `themes/briefing/` folder in the site, when present, is used instead.
static BUILT_IN_THEME: include_dir::Dir =
    include_dir::include_dir!("$CARGO_MANIFEST_DIR/themes/briefing");

/// The name of the built-in theme.
pub const BUILT_IN_THEME_NAME: &str = "briefing";

/// Reads all content, templates and static files of the site.
pub fn load(dirs: &SiteDirs) -> Result<Sources, Diagnostics> {
    let (sources, problems) = load_lenient(dirs);
    Diagnostics(problems).into_result(sources)
}

/// Reads every file it can: the sources read, and the problems with the others.
pub fn load_lenient(dirs: &SiteDirs) -> (Sources, Vec<Diagnostic>) {
    let (content, mut problems) = load_content(dirs);
    let (theme, theme_problems) = load_theme(dirs);
    problems.extend(theme_problems);
    let sources = Sources {
        content: content.files,
        templates: theme.templates,
        statics: theme.statics,
        warnings: content.not_read,
        i18n: theme.i18n,
    };
    (sources, problems)
}

/// The content files read, and the files under `content/` attache does not read.
#[derive(Debug, Clone, Default)]
pub struct Content {
    pub files: Vec<ContentFile>,
    /// One warning per file that is not Markdown: it is named, not silently dropped.
    pub not_read: Vec<Diagnostic>,
}

/// Reads every Markdown file under `content/`.
pub fn load_content(dirs: &SiteDirs) -> (Content, Vec<Diagnostic>) {
    let listing = list_content(dirs);
    let mut problems = listing.problems;
    let read: Vec<_> = listing
        .markdown
        .par_iter()
        .map(|(path, rel)| {
            let display = relative_to(path, &dirs.root);
            read_text(path, &display).map(|text| ContentFile {
                rel: rel.clone(),
                display,
                text,
            })
        })
        .collect();
    let mut files = Vec::with_capacity(read.len());
    for r in read {
        match r {
            Ok(f) => files.push(f),
            Err(d) => problems.push(d),
        }
    }
    let content = Content {
        files,
        not_read: listing.not_read,
    };
    (content, problems)
}

/// What is under `content/`.
pub struct ContentListing {
    /// The Markdown files: path, and path under content/.
    pub markdown: Vec<(PathBuf, String)>,
    /// A warning for each other file.
    pub not_read: Vec<Diagnostic>,
    /// Problems listing them: links out of the site, loops, folders that cannot be read.
    pub problems: Vec<Diagnostic>,
}

/// Lists the files under `content/`.
pub fn list_content(dirs: &SiteDirs) -> ContentListing {
    let mut problems = Vec::new();
    let (markdown, others): (Vec<_>, Vec<_>) =
        list(&dirs.root, &dirs.content, &mut problems, |_| true)
            .into_iter()
            .partition(|(path, _)| is_markdown(path));
    let not_read = others
        .iter()
        .map(|(path, _)| not_read(&relative_to(path, &dirs.root)))
        .collect();
    ContentListing {
        markdown,
        not_read,
        problems,
    }
}

/// Reads the content file at `rel` (a path under `content/`) again, by the rules of
/// [`list_content`]: `None` when there is no such file (or an editor's leftover), a
/// problem when it cannot be read or is a link that leaves the site.
pub fn read_content(dirs: &SiteDirs, rel: &str) -> Result<Option<ContentFile>, Diagnostic> {
    let path = join_rel(&dirs.content, rel);
    let Some(path) = listed(&dirs.root, &dirs.content, &path, is_markdown)? else {
        return Ok(None);
    };
    let display = relative_to(&path, &dirs.root);
    let text = read_text(&path, &display)?;
    Ok(Some(ContentFile {
        rel: rel.to_string(),
        display,
        text,
    }))
}

/// Files below `dir` (which may be missing), as (path, path under `dir` with `/`), sorted.
/// Editors' leftovers are skipped; a symbolic link is followed only while it stays inside
/// the site, and every problem met on the way is reported.
fn list(
    root: &Path,
    dir: &Path,
    problems: &mut Vec<Diagnostic>,
    keep: impl Fn(&Path) -> bool,
) -> Vec<(PathBuf, String)> {
    if !dir.exists() {
        return Vec::new();
    }
    let mut out = Vec::new();
    // Whether the entry at each depth of the walk so far was reached through a symbolic
    // link (its own or a folder's above it): the walk gives each folder before what it
    // holds, and knows whether an entry is a link, so no file costs more look-ups on disk.
    let mut linked: Vec<bool> = Vec::new();
    let walker = WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored(e.file_name().to_string_lossy().as_ref()));
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e.path().unwrap_or(dir).to_path_buf();
                let message = match e.loop_ancestor() {
                    Some(a) => format!(
                        "a symbolic link loops back to {}",
                        relative_to(a, root).display()
                    ),
                    None => e
                        .io_error()
                        .map_or_else(|| e.to_string(), ToString::to_string),
                };
                problems.push(Diagnostic::new(
                    relative_to(&path, root),
                    Problem::Walk(message),
                ));
                continue;
            }
        };
        // `dir` itself (depth 0) may be a link: what it holds is the site's content.
        let depth = entry.depth();
        let through_link = depth > 0
            && (entry.path_is_symlink() || linked.get(depth - 1).copied().unwrap_or(false));
        linked.truncate(depth);
        linked.push(through_link);
        if !entry.file_type().is_file() {
            continue;
        }
        let path = entry.path();
        if through_link && let Err(d) = lies_inside(root, path) {
            problems.push(d);
            continue;
        }
        if !keep(path) {
            continue;
        }
        if let Some(rel) = rel_path(dir, path) {
            out.push((path.to_path_buf(), rel));
        }
    }
    out
}

/// One file below `dir`, by the rules of [`list`]: `None` when it is not a file [`list`]
/// would return.
fn listed(
    root: &Path,
    dir: &Path,
    path: &Path,
    keep: impl Fn(&Path) -> bool,
) -> Result<Option<PathBuf>, Diagnostic> {
    let Some(rel) = rel_path(dir, path) else {
        return Ok(None);
    };
    if rel.split('/').any(is_ignored) || !path.is_file() || !keep(path) {
        return Ok(None);
    }
    stays_inside(root, dir, path)?;
    Ok(Some(path.to_path_buf()))
}

/// A file reached through a symbolic link (its own, or a folder's) must lie inside the
/// site folder.
fn stays_inside(root: &Path, dir: &Path, path: &Path) -> Result<(), Diagnostic> {
    let linked = path
        .ancestors()
        .take_while(|a| *a != dir)
        .any(|a| a.is_symlink());
    if linked {
        lies_inside(root, path)
    } else {
        Ok(())
    }
}

/// A file reached through a symbolic link must lie inside the site folder.
fn lies_inside(root: &Path, path: &Path) -> Result<(), Diagnostic> {
    let canonical_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    match path.canonicalize() {
        Ok(target) if target.starts_with(&canonical_root) => Ok(()),
        Ok(target) => Err(Diagnostic::new(
            relative_to(path, root),
            Problem::LinkOutsideSite { target },
        )),
        Err(e) => Err(Diagnostic::new(
            relative_to(path, root),
            Problem::Read(e.into()),
        )),
    }
}

/// The path of `path` below `dir`, with `/` between its parts: how attache names sources
/// (`articles/2025/x.md`, `css/site.css`). `None` when it is not below `dir`.
pub fn rel_path(dir: &Path, path: &Path) -> Option<String> {
    let rest = path.strip_prefix(dir).ok()?;
    Some(
        rest.components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/"),
    )
}

/// The file at `rel` (a path with `/`, as [`rel_path`] makes) below `dir`.
pub fn join_rel(dir: &Path, rel: &str) -> PathBuf {
    rel.split('/')
        .filter(|part| !part.is_empty())
        .fold(dir.to_path_buf(), |p, part| p.join(part))
}

/// The extensions of the Markdown files attache reads under `content/`: `.md`, and the
/// others Jekyll reads by default (`.markdown`, `.mkdown`, `.mkdn`, `.mkd`) plus `.mdown`.
pub const MARKDOWN_EXTENSIONS: &[&str] = &["md", "markdown", "mdown", "mkdown", "mkdn", "mkd"];

/// The name of a Markdown file without its extension (`x` for `x.markdown`).
pub fn markdown_stem(name: &str) -> Option<&str> {
    let (stem, extension) = name.rsplit_once('.')?;
    MARKDOWN_EXTENSIONS
        .iter()
        .any(|e| extension.eq_ignore_ascii_case(e))
        .then_some(stem)
}

/// Whether attache reads the file at `path` as Markdown content.
pub fn is_markdown(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .and_then(markdown_stem)
        .is_some()
}

/// Formats of text that are not Markdown but are sometimes found beside it.
const OTHER_TEXT: &[&str] = &[
    "mdx", "html", "htm", "adoc", "asciidoc", "asc", "org", "rst", "txt", "textile", "pandoc",
    "rmd", "qmd", "ipynb",
];

/// The warning for a file under content/ that attache does not read.
fn not_read(display: &Path) -> Diagnostic {
    let extension = display
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let reason = if OTHER_TEXT.contains(&extension.as_str()) {
        "attache reads Markdown files only (.md, .markdown, .mdown, .mkdown, .mkdn, .mkd), so it is left out"
    } else {
        "files in content/ other than Markdown are not published"
    };
    Diagnostic::warning(display, Problem::NotRead { reason })
}

/// Files editors and systems leave around that are never part of a site.
pub fn is_ignored(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name.ends_with(".bak")
        || name == "4913"
        || name == "Thumbs.db"
}

/// Reads a UTF-8 text file, dropping a BOM and normalising CRLF line endings to LF.
pub fn read_text(path: &Path, display: &Path) -> Result<String, Diagnostic> {
    let bytes =
        std::fs::read(path).map_err(|e| Diagnostic::new(display, Problem::Read(e.into())))?;
    if let Err(e) = std::str::from_utf8(&bytes) {
        return Err(not_utf8(display, &bytes, e.valid_up_to()));
    }
    decode_text(bytes).map_err(|offset| Diagnostic::new(display, Problem::NotUtf8 { offset }))
}

/// Points at the first byte that is not UTF-8 by line and column, as an editor counts them,
/// showing its line with the bad bytes replaced.
fn not_utf8(display: &Path, bytes: &[u8], offset: usize) -> Diagnostic {
    let before = std::str::from_utf8(&bytes[..offset]).unwrap_or_default();
    let before = before.strip_prefix('\u{feff}').unwrap_or(before);
    let location = Location::of_offset(before, before.len());
    let line_start = offset - (before.len() - before.rfind('\n').map_or(0, |i| i + 1));
    let line_end = bytes[offset..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |i| offset + i);
    let line = String::from_utf8_lossy(&bytes[line_start..line_end]);
    let mut d = Diagnostic::new(display, Problem::NotUtf8 { offset });
    d.location = Some(location);
    d.line_text = Some(line.trim_end_matches('\r').to_string());
    d
}

/// Decodes bytes as UTF-8 text; on failure returns the offset of the first bad byte.
pub fn decode_text(bytes: Vec<u8>) -> Result<String, usize> {
    let text = String::from_utf8(bytes).map_err(|e| e.utf8_error().valid_up_to())?;
    let text = match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    };
    Ok(if text.contains('\r') {
        text.replace("\r\n", "\n")
    } else {
        text
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_leftovers_are_ignored() {
        for name in [
            ".x.md.swp",
            "x.md~",
            "4913",
            ".#x.md",
            "#x.md#",
            ".DS_Store",
        ] {
            assert!(is_ignored(name), "{name}");
        }
        assert!(!is_ignored("trade.md"));
    }

    #[test]
    fn markdown_is_known_by_its_extensions() {
        for name in ["a.md", "a.markdown", "a.MD", "a.mdown", "a.mkd"] {
            assert!(is_markdown(Path::new(name)), "{name}");
        }
        for name in ["a.mdx", "a.html", "md", "a.md.bak"] {
            assert!(!is_markdown(Path::new(name)), "{name}");
        }
        assert_eq!(markdown_stem("2013-01-01-x.markdown"), Some("2013-01-01-x"));
        let w = not_read(Path::new("content/articles/a.mdx"));
        assert!(
            w.headline().contains("reads Markdown files only"),
            "{}",
            w.headline()
        );
        let w = not_read(Path::new("content/articles/a.png"));
        assert!(w.headline().contains("not published"), "{}", w.headline());
    }

    #[test]
    fn bom_and_crlf_are_normalised() {
        let text = decode_text(b"\xEF\xBB\xBF---\r\ntitle: x\r\n".to_vec()).unwrap();
        assert_eq!(text, "---\ntitle: x\n");
    }

    #[test]
    fn invalid_utf8_reports_the_offset() {
        assert_eq!(decode_text(b"ok\xFFno".to_vec()), Err(2));
    }

    #[test]
    fn invalid_utf8_is_located_by_line_and_column() {
        let bytes = b"\xEF\xBB\xBF---\ntitle: caf\xE9 \xC3\xA7a\n---\n";
        let d = not_utf8(Path::new("a.md"), bytes, 17);
        assert_eq!(d.location, Some(Location::new(2, 11)));
        assert_eq!(d.line_text.as_deref(), Some("title: caf\u{fffd} \u{e7}a"));
        assert!(d.headline().starts_with("a.md:2:11: "), "{}", d.headline());
    }
}

#[cfg(test)]
mod path_tests {
    use super::*;

    #[test]
    fn source_paths_have_slashes_both_ways() {
        let dir = Path::new("/site/content");
        let file = join_rel(dir, "articles/2025/x.md");
        assert_eq!(file, Path::new("/site/content/articles/2025/x.md"));
        assert_eq!(rel_path(dir, &file).as_deref(), Some("articles/2025/x.md"));
        assert_eq!(rel_path(dir, Path::new("/elsewhere/x.md")), None);
        assert_eq!(rel_path(dir, dir).as_deref(), Some(""));
    }
}
