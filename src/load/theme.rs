//! The theme's files: templates, static files and i18n files, from the site's theme folder
//! or the theme built into attache, each replaced by the site's own file of the same name.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::{
    BUILT_IN_THEME, BUILT_IN_THEME_NAME, I18nFile, SiteDirs, StaticFile, TemplateFile, join_rel,
    list, listed, read_text,
};
use crate::error::{Diagnostic, Diagnostics, Problem, relative_to};

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
