//! A pack as a PDF, typeset by Typst, which is built into attache: nothing else needs to
//! be installed.
//!
//! # How the pack reaches Typst
//!
//! The layout is one fixed Typst file, `pack.typ`, that contains no text from the site.
//! Everything from the site reaches it as *data*, through `sys.inputs` (the dictionary a
//! Typst document reads its inputs from), built here as Typst values:
//!
//! - strings a layout only prints (dates, URLs) are `str` values;
//! - titles, names and summaries are `content` holding one `TextElem` each, turned to
//!   right-to-left where their first letter is (see [`content::text`]);
//! - bodies are `content` built element by element from the parsed Markdown events
//!   ([`content::body`]), the same events every pack renderer draws;
//! - anchors are `label` values, so links inside the pack are real PDF links.
//!
//! No site text is ever pasted into Typst source, so there is nothing to escape and
//! nothing that could run: `#panic()` in a title is printed as those eight characters.
//!
//! The same pack gives the same bytes: the world has no clock, the document date is
//! `none`, and the PDF's identifier is derived from the pack's title.

pub(crate) mod content;
mod world;

use std::time::{Duration, Instant};

use typst::diag::{SourceDiagnostic, Warned};
use typst::foundations::{Array, Bytes, Dict, IntoValue, Smart, Str, Value};
use typst::text::Font;
use typst_layout::PagedDocument;
use typst_pdf::PdfOptions;

use super::Pack;
use crate::error::{Diagnostic, Problem};
use crate::load::StaticFile;
use content::label;
use world::PackWorld;

/// The layout of every pack.
const LAYOUT: &str = include_str!("pack.typ");

pub(crate) use super::MAX_MARKDOWN_MB;

/// A typeset pack.
#[derive(Debug, Clone)]
pub(crate) struct Pdf {
    pub bytes: Vec<u8>,
    pub pages: usize,
    /// Time spent in each step: building the content, laying it out, writing the PDF.
    pub stages: Vec<(&'static str, Duration)>,
}

/// Typesets `pack` with the fonts built into attache and `fonts` (the theme's and the
/// site's font files).
pub(crate) fn typeset(pack: &Pack, fonts: &[StaticFile]) -> Result<Pdf, Diagnostic> {
    let (size, largest) = pack.size();
    if size > super::MAX_MARKDOWN_BYTES {
        let path = largest.map_or_else(|| "(pack)".into(), |p| p.to_path_buf());
        return Err(Diagnostic::new(
            path,
            Problem::PackTooLarge {
                size: format!("{:.1}", size as f64 / 1e6),
                limit: MAX_MARKDOWN_MB,
            },
        ));
    }
    let mut clock = Instant::now();
    let mut stages = Vec::new();
    let mut lap = |name: &'static str| {
        stages.push((name, clock.elapsed()));
        clock = Instant::now();
    };
    let world = PackWorld::new(LAYOUT, inputs(pack), load_fonts(fonts));
    lap("content");
    let Warned { output, .. } = typst::compile::<PagedDocument>(&world);
    let document = output.map_err(|errors| engine_problem(&world, &errors))?;
    lap("layout");
    let options = PdfOptions {
        ident: Smart::Custom(format!(
            "attache pack: {} / {}",
            pack.site_title, pack.title
        )),
        creator: Smart::Custom(Some("attache".into())),
        timestamp: None,
        ..PdfOptions::default()
    };
    let bytes = typst_pdf::pdf(&document, &options).map_err(|e| engine_problem(&world, &e))?;
    let pages = document.pages().len();
    // Typst memoizes for incremental compiles; one pack gains nothing from keeping it.
    typst::comemo::evict(0);
    lap("pdf");
    Ok(Pdf {
        bytes,
        pages,
        stages,
    })
}

/// Every font the engine may use: the ones built in (Libertinus Serif for text, DejaVu
/// Sans Mono for code), then the given files. A file that is not a font is passed over.
fn load_fonts(files: &[StaticFile]) -> Vec<Font> {
    typst_assets::fonts()
        .map(Bytes::new)
        .chain(files.iter().map(|f| Bytes::new(f.bytes.clone())))
        .flat_map(Font::iter)
        .collect()
}

/// The engine's errors, as one problem. They point into the layout (or nowhere), never
/// into a content file, since no content is Typst source.
fn engine_problem(world: &PackWorld, errors: &[SourceDiagnostic]) -> Diagnostic {
    let messages: Vec<String> = errors
        .iter()
        .map(|e| {
            let source = world.main_source();
            let at = typst::WorldExt::range(world, e.span)
                .filter(|r| r.end <= source.text().len())
                .map(|r| {
                    let line = source.text()[..r.start].matches('\n').count() + 1;
                    format!(" (pack.typ line {line})")
                })
                .unwrap_or_default();
            format!("{}{at}", e.message)
        })
        .collect();
    Diagnostic::new("(pack)", Problem::Typeset(messages.join("; ")))
}

/// The language subtag of a BCP 47 tag as Typst's `text(lang:)` takes it (two or three
/// letters), or `None` for a tag it would refuse.
fn typst_lang(code: &str) -> Option<String> {
    let primary = code.split(['-', '_']).next()?;
    ((2..=3).contains(&primary.len()) && primary.chars().all(|c| c.is_ascii_alphabetic()))
        .then(|| primary.to_ascii_lowercase())
}

fn dict<const N: usize>(pairs: [(&str, Value); N]) -> Value {
    Value::Dict(
        pairs
            .into_iter()
            .map(|(k, v)| (Str::from(k), v))
            .collect::<Dict>(),
    )
}

fn array<T>(items: impl IntoIterator<Item = T>, f: impl Fn(T) -> Value) -> Value {
    Value::Array(items.into_iter().map(f).collect::<Array>())
}

fn opt(value: Option<Value>) -> Value {
    value.unwrap_or(Value::None)
}

fn anchor(a: &str) -> Value {
    label(a).map_or(Value::None, Value::Label)
}

/// The pack as `sys.inputs`: `(pack: (...))`, every field described in `pack.typ`.
fn inputs(pack: &Pack) -> Dict {
    let base = pack.language.direction;
    let text = |s: &str| Value::Content(content::text(s, base));
    let w = pack.words;
    let count =
        |n: usize, (one, many): (&str, &str)| format!("{n} {}", if n == 1 { one } else { many });
    let cite = |i: usize| {
        let a = &pack.articles[i];
        dict([("title", text(a.title)), ("anchor", anchor(&a.anchor))])
    };
    let overviews = array(pack.overviews.iter().enumerate(), |(i, o)| {
        dict([
            ("title", text(o.title)),
            (
                "title_dir",
                opt(content::block_direction(o.title, base).map(IntoValue::into_value)),
            ),
            ("anchor", anchor(&o.anchor)),
            ("summary", text(o.summary)),
            (
                "body",
                Value::Content(content::body(&pack.overview_events(i), base)),
            ),
        ])
    });
    let articles = array(pack.articles.iter().enumerate(), |(i, a)| {
        dict([
            ("title", text(a.title)),
            ("title_text", a.title.into_value()),
            ("anchor", anchor(&a.anchor)),
            ("date", a.date.display().into_value()),
            ("updated", opt(a.updated.map(|u| u.display().into_value()))),
            ("location", opt(a.location.map(text))),
            (
                "topics",
                array(&a.topics, |t| {
                    dict([
                        ("title", text(t.title)),
                        ("anchor", opt(t.anchor.as_deref().map(anchor))),
                    ])
                }),
            ),
            ("people", array(a.people, |p| text(p))),
            ("organizations", array(a.organizations, |o| text(o))),
            ("summary", opt(a.summary.map(text))),
            (
                "key_points",
                Value::Content(content::list(a.key_points, base)),
            ),
            ("has_key_points", (!a.key_points.is_empty()).into_value()),
            (
                "title_dir",
                opt(content::block_direction(a.title, base).map(IntoValue::into_value)),
            ),
            (
                "body",
                Value::Content(content::body(&pack.article_events(i), base)),
            ),
            (
                "sources",
                array(&a.sources, |&s| {
                    let s = &pack.sources[s];
                    dict([
                        ("number", (s.number as i64).into_value()),
                        ("anchor", anchor(&s.anchor)),
                    ])
                }),
            ),
            ("url", a.url.as_str().into_value()),
        ])
    });
    let sources = array(&pack.sources, |s| {
        dict([
            ("number", (s.number as i64).into_value()),
            ("anchor", anchor(&s.anchor)),
            ("title", opt(s.title.map(text))),
            ("description", opt(s.description.map(text))),
            ("publisher", opt(s.publisher.map(text))),
            ("date", opt(s.date.map(|d| d.display().into_value()))),
            ("dateline", opt(s.dateline.map(text))),
            ("url", opt(s.url.map(IntoValue::into_value))),
            ("cited", array(s.cited_by.iter().copied(), cite)),
        ])
    });
    let named = |list: &[super::Named]| {
        array(list, |n| {
            dict([
                ("name", text(n.name)),
                ("role", opt(n.role.as_deref().map(text))),
                ("articles", array(n.articles.iter().copied(), cite)),
            ])
        })
    };
    let words = dict([
        ("as_of", w.as_of.into_value()),
        ("language", w.language.into_value()),
        ("contents", w.contents.into_value()),
        ("overview", w.overview.into_value()),
        ("overviews", w.overviews.into_value()),
        ("articles", w.articles.into_value()),
        ("no_articles", w.no_articles.into_value()),
        ("key_points", w.key_points.into_value()),
        ("people", w.people.into_value()),
        ("organizations", w.organizations.into_value()),
        (
            "people_and_organizations",
            w.people_and_organizations.into_value(),
        ),
        ("sources", w.sources.into_value()),
        ("cited_in", w.cited_in.into_value()),
        ("updated", w.updated.into_value()),
        ("online", w.online.into_value()),
        ("page", w.page.into_value()),
    ]);
    let value = dict([
        ("site", text(pack.site_title)),
        ("site_text", pack.site_title.into_value()),
        ("title", text(pack.title)),
        ("title_text", pack.title.into_value()),
        (
            "title_dir",
            opt(content::block_direction(pack.title, base).map(IntoValue::into_value)),
        ),
        ("summary", text(pack.summary)),
        (
            "briefing",
            matches!(pack.scope, super::Scope::Briefing).into_value(),
        ),
        ("as_of", opt(pack.as_of.map(|d| d.display().into_value()))),
        (
            "lang",
            opt(typst_lang(&pack.language.code).map(IntoValue::into_value)),
        ),
        ("dir", pack.language.direction.as_str().into_value()),
        ("language", text(&pack.language.name)),
        (
            "article_count",
            count(pack.articles.len(), w.article_count).into_value(),
        ),
        (
            "source_count",
            count(pack.sources.len(), w.source_count).into_value(),
        ),
        ("words", words),
        ("overviews", overviews),
        ("articles", articles),
        ("sources", sources),
        ("people", named(&pack.people)),
        ("organizations", named(&pack.organizations)),
    ]);
    [(Str::from("pack"), value)].into_iter().collect()
}
