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
}

/// Folders a site is made from, resolved against the site root.
#[derive(Debug, Clone)]
pub struct SiteDirs {
    pub root: PathBuf,
    pub content: PathBuf,
    pub theme: PathBuf,
    pub templates: PathBuf,
    pub statics: PathBuf,
}

impl SiteDirs {
    pub fn new(root: &Path, config: &Config) -> Self {
        SiteDirs {
            root: root.to_path_buf(),
            content: root.join("content"),
            theme: root.join("themes").join(&config.theme),
            templates: root.join("templates"),
            statics: root.join("static"),
        }
    }

    /// Every folder whose changes affect the build (what `serve` watches).
    pub fn watched(&self) -> [&Path; 4] {
        [&self.content, &self.theme, &self.templates, &self.statics]
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
    let mut problems = Vec::new();
    let theme_name = dirs
        .theme
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let built_in = !dirs.theme.is_dir() && theme_name == BUILT_IN_THEME_NAME;
    if !dirs.theme.is_dir() && !built_in {
        problems.push(Diagnostic::new(
            crate::config::CONFIG_FILE,
            Problem::MissingTheme {
                name: dirs
                    .theme
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                looked: relative_to(&dirs.theme, &dirs.root),
            },
        ));
    }

    let content_paths = list(&dirs.root, &dirs.content, &mut problems, |p| {
        p.extension().is_some_and(|e| e == "md")
    });
    let content: Vec<_> = content_paths
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

    // Site files come second so they replace the theme's of the same name.
    let mut templates: Vec<Result<TemplateFile, Diagnostic>> = Vec::new();
    let mut statics: Vec<Result<StaticFile, Diagnostic>> = Vec::new();
    if built_in {
        built_in_theme(&mut templates, &mut statics);
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
            .map(|(path, rel)| {
                let display = relative_to(path, &dirs.root);
                std::fs::read(path)
                    .map(|bytes| StaticFile {
                        rel: rel.clone(),
                        display: display.clone(),
                        bytes,
                    })
                    .map_err(|e| Diagnostic::new(display, Problem::Read(e)))
            })
            .collect::<Vec<_>>(),
    );

    let mut sources = Sources::default();
    for r in content {
        match r {
            Ok(f) => sources.content.push(f),
            Err(d) => problems.push(d),
        }
    }
    for r in templates {
        match r {
            Ok(t) => {
                // A later (site) template replaces the theme's of the same name.
                sources.templates.retain(|old| old.name != t.name);
                sources.templates.push(t);
            }
            Err(d) => problems.push(d),
        }
    }
    for r in statics {
        match r {
            Ok(s) => {
                sources.statics.retain(|old| old.rel != s.rel);
                sources.statics.push(s);
            }
            Err(d) => problems.push(d),
        }
    }
    (sources, problems)
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
            Err(e) => problems.push(Diagnostic::new(display, Problem::Read(e))),
        }
    }
    Diagnostics(problems).into_result(fonts)
}

/// The built-in theme's files, as if read from a `themes/briefing/` folder.
fn built_in_theme(
    templates: &mut Vec<Result<TemplateFile, Diagnostic>>,
    statics: &mut Vec<Result<StaticFile, Diagnostic>>,
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
fn list(
    root: &Path,
    dir: &Path,
    problems: &mut Vec<Diagnostic>,
    keep: impl Fn(&Path) -> bool,
) -> Vec<(PathBuf, String)> {
    if !dir.exists() {
        return Vec::new();
    }
    let canonical_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
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
        if entry.path_is_symlink() || has_symlinked_parent(path, dir) {
            match path.canonicalize() {
                Ok(target) if target.starts_with(&canonical_root) => {}
                Ok(target) => {
                    problems.push(Diagnostic::new(
                        relative_to(path, root),
                        Problem::LinkOutsideSite { target },
                    ));
                    continue;
                }
                Err(e) => {
                    problems.push(Diagnostic::new(relative_to(path, root), Problem::Read(e)));
                    continue;
                }
            }
        }
        if !keep(path) {
            continue;
        }
        let rel = path
            .strip_prefix(dir)
            .unwrap_or(path)
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        out.push((path.to_path_buf(), rel));
    }
    out
}

fn has_symlinked_parent(path: &Path, dir: &Path) -> bool {
    path.ancestors()
        .skip(1)
        .take_while(|a| *a != dir)
        .any(|a| a.is_symlink())
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
    let bytes = std::fs::read(path).map_err(|e| Diagnostic::new(display, Problem::Read(e)))?;
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
