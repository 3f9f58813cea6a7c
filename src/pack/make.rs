//! `attache pack`: read the site, assemble the pack, typeset it, write the PDF.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::{Scope, assemble, pdf};
use crate::config::Config;
use crate::error::{Diagnostic, Diagnostics, Problem};
use crate::i18n::Lang;
use crate::load::{self, SiteDirs};
use crate::parse::{self, ParseOptions};

/// What to make a pack of.
#[derive(Debug, Clone, Default)]
pub(crate) struct PackOptions {
    /// One topic's pack; the whole briefing when `None`.
    pub topic: Option<String>,
    /// The language of the pack; the site's when `None`.
    pub lang: Option<String>,
    /// Include articles and pages marked `draft: true`.
    pub drafts: bool,
    /// Include pages not yet published or withdrawn.
    pub future: bool,
    /// The moment of the pack, for `publish_date` and `expiry_date`; the clock if `None`.
    pub now: Option<jiff::Timestamp>,
}

/// A typeset pack and what went into it.
#[derive(Debug, Clone)]
pub(crate) struct Made {
    pub pdf: pdf::Pdf,
    pub title: String,
    pub articles: usize,
    pub sources: usize,
    pub elapsed: Duration,
    /// Time spent in each stage, in order.
    pub stages: Vec<(&'static str, Duration)>,
}

/// Reads the site at `root` and typesets the pack `options` ask for.
pub(crate) fn make(root: &Path, options: &PackOptions) -> Result<Made, Diagnostics> {
    let start = Instant::now();
    let mut clock = start;
    let mut stages = Vec::new();
    let mut lap = |name: &'static str| {
        stages.push((name, clock.elapsed()));
        clock = Instant::now();
    };
    let config = Config::load(root)?;
    let lang = check_language(&config, options.lang.as_deref())?;
    let dirs = SiteDirs::new(root, &config);
    let sources = load::load(&dirs)?;
    let mut fonts = load::theme_fonts(&dirs)?;
    // Fonts the site ships for its pages (static/fonts/…) serve its packs too.
    fonts.extend(
        sources
            .statics
            .iter()
            .filter(|f| load::is_font(&f.rel))
            .cloned(),
    );
    lap("load");
    let parse_options = ParseOptions {
        drafts: options.drafts,
        keep_markdown: true,
        keep_links: false,
        future: options.future,
        now: options.now.unwrap_or_else(jiff::Timestamp::now),
    };
    let pages = parse::parse_all(sources.content, &config, parse_options)?;
    lap("parse");
    let site = crate::index::index(config, pages)?;
    lap("index");
    let scope = match &options.topic {
        Some(id) => Scope::Topic(id.clone()),
        None => Scope::Briefing,
    };
    let pack = assemble(&site, lang, &scope)?;
    lap("assemble");
    let pdf = pdf::typeset(&pack, &fonts)?;
    stages.extend(pdf.stages.iter().copied());
    Ok(Made {
        title: pack.title.to_string(),
        articles: pack.held,
        sources: pack.sources.len(),
        pdf,
        elapsed: start.elapsed(),
        stages,
    })
}

/// The language whose pages the pack holds: the one `--lang` names (one of the site's
/// languages), else the default.
fn check_language(config: &Config, lang: Option<&str>) -> Result<Lang, Diagnostic> {
    let Some(asked) = lang else {
        return Ok(0);
    };
    let found = crate::i18n::parse_code(asked).ok().and_then(|id| {
        let code = id.to_string();
        config.languages.iter().position(|l| l.code == code)
    });
    found.ok_or_else(|| {
        Diagnostic::new(
            "--lang",
            Problem::UnknownLanguage {
                lang: asked.to_string(),
                site: config
                    .languages
                    .iter()
                    .map(|l| l.code.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            },
        )
    })
}

/// Checks, before any work, that a PDF can be written at `out`: not a folder, in a
/// folder that exists.
pub(crate) fn check_output(out: &Path) -> Result<(), Diagnostic> {
    let fail = |reason: String| Err(Diagnostic::new(out, Problem::PackOutput(reason)));
    if out.as_os_str().is_empty() {
        return fail("no file name was given".into());
    }
    if out.is_dir() {
        return fail("it is a folder: give a file name, such as pack.pdf".into());
    }
    let parent = parent_of(out);
    if !parent.is_dir() {
        return fail(format!("the folder {} does not exist", parent.display()));
    }
    Ok(())
}

fn parent_of(out: &Path) -> PathBuf {
    match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Writes `bytes` to `out` whole or not at all: into a temporary file beside it, then
/// renamed over it, so a reader never sees half a PDF and a failure leaves any previous
/// file as it was.
pub(crate) fn write_pdf(bytes: &[u8], out: &Path) -> Result<(), Diagnostic> {
    check_output(out)?;
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "pack.pdf".into());
    let temp = parent_of(out).join(format!(".{name}.{}.tmp", std::process::id()));
    let result = std::fs::write(&temp, bytes).and_then(|()| std::fs::rename(&temp, out));
    result.map_err(|e| {
        let _ = std::fs::remove_file(&temp);
        Diagnostic::new(out, Problem::PackOutput(e.to_string()))
    })
}
