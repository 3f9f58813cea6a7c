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

/// The templates and static files: the theme's (or the built-in theme's), replaced by
/// the site's of the same name.
#[derive(Debug, Clone, Default)]
pub struct Theme {
    pub templates: Vec<TemplateFile>,
    pub statics: Vec<StaticFile>,
    /// The theme's i18n files, then the site's.
    pub i18n: Vec<I18nFile>,
}

/// Reads the theme's and the site's templates, static files and i18n files.
pub fn load_theme(dirs: &SiteDirs) -> (Theme, Vec<Diagnostic>) {
    let mut problems = Vec::new();
    let built_in = uses_built_in_theme(dirs);
    if !dirs.theme.is_dir() && !built_in {
        problems.push(Diagnostic::new(
            crate::config::CONFIG_FILE,
            Problem::MissingTheme {
                name: theme_name(dirs),
                looked: relative_to(&dirs.theme, &dirs.root),
            },
        ));
    }

    // Site files come second so they replace the theme's of the same name.
    let mut templates: Vec<Result<TemplateFile, Diagnostic>> = Vec::new();
    let mut statics: Vec<Result<StaticFile, Diagnostic>> = Vec::new();
    let mut i18n: Vec<Result<I18nFile, Diagnostic>> = Vec::new();
    if built_in {
        built_in_theme(&mut templates, &mut statics, &mut i18n);
    }
    let mut template_paths = list(
        &dirs.root,
        &dirs.theme.join("templates"),
        &mut problems,
        |_| true,
    );
    template_paths.extend(list(&dirs.root, &dirs.templates, &mut problems, |_| true));
    templates.extend(
        template_paths
            .par_iter()
            .map(|(path, rel)| {
                let display = relative_to(path, &dirs.root);
                read_text(path, &display).map(|text| TemplateFile {
                    name: rel.clone(),
                    display,
                    text,
                })
            })
            .collect::<Vec<_>>(),
    );

    let mut static_paths = list(
        &dirs.root,
        &dirs.theme.join("static"),
        &mut problems,
        |_| true,
    );
    static_paths.extend(list(&dirs.root, &dirs.statics, &mut problems, |_| true));
    statics.extend(
        static_paths
            .par_iter()
            .map(|(path, rel)| read_static_at(dirs, path, rel))
            .collect::<Vec<_>>(),
    );

    for (dir, site) in [(dirs.theme.join("i18n"), false), (dirs.i18n.clone(), true)] {
        let paths = list(&dirs.root, &dir, &mut problems, |p| i18n_code(p).is_some());
        let direct = paths.iter().filter(|(_, rel)| !rel.contains('/'));
        i18n.extend(direct.map(|(path, _)| {
            let display = relative_to(path, &dirs.root);
            read_text(path, &display).map(|text| I18nFile {
                code: i18n_code(path).unwrap_or_default(),
                display,
                text,
                site,
            })
        }));
    }

    let mut theme = Theme::default();
    for r in templates {
        match r {
            Ok(t) => {
                // A later (site) template replaces the theme's of the same name.
                theme.templates.retain(|old| old.name != t.name);
                theme.templates.push(t);
            }
            Err(d) => problems.push(d),
        }
    }
    for r in statics {
        match r {
            Ok(s) => {
                theme.statics.retain(|old| old.rel != s.rel);
                theme.statics.push(s);
            }
            Err(d) => problems.push(d),
        }
    }
    for r in i18n {
        match r {
            Ok(f) => theme.i18n.push(f),
            Err(d) => problems.push(d),
        }
    }
    (theme, problems)
}

/// The language code an i18n file is for: its name without `.yaml` (or `.yml`), when the
/// file is directly in the i18n folder.
fn i18n_code(path: &Path) -> Option<String> {
    let ext = path.extension()?;
    if ext != "yaml" && ext != "yml" {
        return None;
    }
    Some(path.file_stem()?.to_string_lossy().into_owned())
}

fn theme_name(dirs: &SiteDirs) -> String {
    dirs.theme
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// True when the site uses the theme built into attache (it has no folder of that name).
fn uses_built_in_theme(dirs: &SiteDirs) -> bool {
    !dirs.theme.is_dir() && theme_name(dirs) == BUILT_IN_THEME_NAME
}

fn read_static_at(dirs: &SiteDirs, path: &Path, rel: &str) -> Result<StaticFile, Diagnostic> {
    let display = relative_to(path, &dirs.root);
    std::fs::read(path)
        .map(|bytes| StaticFile {
            rel: rel.to_string(),
            display: display.clone(),
            bytes,
        })
        .map_err(|e| Diagnostic::new(display, Problem::Read(e.into())))
}

/// Reads the static file with output path `rel` again, by the rules of [`load_theme`]:
/// the site's file, else the theme's, else the built-in theme's; `None` when there is
/// none.
pub fn read_static(dirs: &SiteDirs, rel: &str) -> Result<Option<StaticFile>, Diagnostic> {
    for dir in [&dirs.statics, &dirs.theme.join("static")] {
        let path = join_rel(dir, rel);
        if let Some(path) = listed(&dirs.root, dir, &path, |_| true)? {
            return read_static_at(dirs, &path, rel).map(Some);
        }
    }
    if !uses_built_in_theme(dirs) {
        return Ok(None);
    }
    let (mut templates, mut statics, mut i18n) = (Vec::new(), Vec::new(), Vec::new());
    built_in_theme(&mut templates, &mut statics, &mut i18n);
    Ok(statics
        .into_iter()
        .filter_map(Result::ok)
        .find(|s| s.rel == rel))
}

/// Whether a file name is a font a pack can embed (TrueType or OpenType, or a collection).
pub fn is_font(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [".ttf", ".otf", ".ttc", ".otc"]
        .iter()
        .any(|ext| lower.ends_with(ext))
}

/// The fonts a theme carries for packs in its `fonts/` folder (not copied to the site):
/// the built-in theme's always, so every site can print every script they cover, then
/// those of the site's own theme folder. Named by their path under `fonts/`.
pub fn theme_fonts(dirs: &SiteDirs) -> Result<Vec<StaticFile>, Diagnostics> {
    let mut fonts: Vec<StaticFile> = BUILT_IN_THEME
        .get_dir("fonts")
        .into_iter()
        .flat_map(|d| d.files())
        .filter(|f| is_font(&f.path().to_string_lossy()))
        .map(|f| {
            let rel = f.path().to_string_lossy().replace('\\', "/");
            StaticFile {
                display: PathBuf::from("(built-in theme)").join(&rel),
                rel,
                bytes: f.contents().to_vec(),
            }
        })
        .collect();
    fonts.sort_by(|a, b| a.rel.cmp(&b.rel));
    let mut problems = Vec::new();
    let on_disk = list(&dirs.root, &dirs.theme.join("fonts"), &mut problems, |p| {
        p.file_name().is_some_and(|n| is_font(&n.to_string_lossy()))
    });
    for (path, rel) in on_disk {
        let display = relative_to(&path, &dirs.root);
        match std::fs::read(&path) {
            Ok(bytes) => {
                // The site's copy of the built-in theme carries the same files.
                let rel = format!("fonts/{rel}");
                fonts.retain(|f| f.rel != rel || f.bytes != bytes);
                fonts.push(StaticFile {
                    rel,
                    display,
                    bytes,
                });
            }
            Err(e) => problems.push(Diagnostic::new(display, Problem::Read(e.into()))),
        }
    }
    Diagnostics(problems).into_result(fonts)
}

/// The built-in theme's files, as if read from a `themes/briefing/` folder.
fn built_in_theme(
    templates: &mut Vec<Result<TemplateFile, Diagnostic>>,
    statics: &mut Vec<Result<StaticFile, Diagnostic>>,
    i18n: &mut Vec<Result<I18nFile, Diagnostic>>,
) {
    fn walk<'a>(dir: &'a include_dir::Dir<'a>, out: &mut Vec<&'a include_dir::File<'a>>) {
        for entry in dir.entries() {
            match entry {
                include_dir::DirEntry::Dir(d) => walk(d, out),
                include_dir::DirEntry::File(f) => out.push(f),
            }
        }
    }
    let mut files = Vec::new();
    walk(&BUILT_IN_THEME, &mut files);
    files.sort_by_key(|f| f.path());
    for file in files {
        let path = file.path().to_string_lossy().replace('\\', "/");
        let display = PathBuf::from("(built-in theme)").join(&path);
        if let Some(name) = path.strip_prefix("templates/") {
            templates.push(match file.contents_utf8() {
                Some(text) => Ok(TemplateFile {
                    name: name.to_string(),
                    display,
                    text: text.to_string(),
                }),
                None => Err(Diagnostic::new(display, Problem::NotUtf8 { offset: 0 })),
            });
        } else if let Some(code) = path
            .strip_prefix("i18n/")
            .and_then(|rel| i18n_code(Path::new(rel)))
        {
            i18n.push(match file.contents_utf8() {
                Some(text) => Ok(I18nFile {
                    code,
                    display,
                    text: text.to_string(),
                    site: false,
                }),
                None => Err(Diagnostic::new(display, Problem::NotUtf8 { offset: 0 })),
            });
        } else if let Some(rel) = path.strip_prefix("static/") {
            statics.push(Ok(StaticFile {
                rel: rel.to_string(),
                display,
                bytes: file.contents().to_vec(),
            }));
        }
    }
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
        if !entry.file_type().is_file() {
            continue;
        }
        let path = entry.path();
        if let Err(d) = stays_inside(root, dir, path) {
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
    if !linked {
        return Ok(());
    }
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
