//! The themed pages: for each, what it writes, what it shows, and how it is rendered, side
//! by side, so the three cannot drift apart. The values each template receives are listed
//! in docs/templates.md.

use std::collections::BTreeMap;

use tera::Value;

use super::job::{Reads, Scope, Writes, index_html};
use super::languages::elsewhere;
use super::values::{self, html, list, obj, opt_text, reading_time, text};
use super::{Files, Local, search};
use crate::error::{Diagnostic, Problem};
use crate::index::{Edition, EntityKind, PageRef};
use crate::parse::{Meta, Page};

// ---- home: `/` --------------------------------------------------------------------------

/// How many of the newest articles the home page lists.
pub const LATEST: usize = 10;

/// The articles the home page lists.
fn latest(ed: &Edition) -> std::ops::Range<usize> {
    0..ed.articles.len().min(LATEST)
}

pub(super) fn home_writes(s: &Scope) -> Writes {
    Writes::page(&s.local(""), None)
}

pub(super) fn home_reads(s: &Scope) -> Reads {
    let reads = match s.ed.home {
        Some(_) => Reads::themed().full(PageRef::Home),
        None => Reads::themed(),
    };
    reads
        .topic_cards()
        .cards(latest(s.ed))
        .other(s.ed.articles.len())
        .other(elsewhere(s, None, "timeline/"))
}

pub(super) fn home(r: &Local) -> Result<Files, Diagnostic> {
    let (ed, shared) = (r.ed, r.shared);
    let home = ed.home.as_ref();
    let title = home.map_or(r.site.config.title.as_str(), Page::title);
    let page_value = obj([
        ("title", text(title)),
        ("content", html(home.map_or("", |h| h.body.html.as_str()))),
        (
            "summary",
            text(home.map_or(r.site.config.description.as_str(), |h| h.summary.as_str())),
        ),
    ]);
    let latest: Vec<usize> = latest(ed).collect();
    r.page(
        "home.html",
        &r.local(""),
        title,
        "home",
        vec![
            ("page", page_value),
            ("topic_cards", shared.topic_cards.clone()),
            ("latest", shared.cards(&latest)),
            ("count", Value::from(ed.articles.len())),
            ("elsewhere", elsewhere(r, None, "timeline/").value(r)),
        ],
    )
}

// ---- an article: `/articles/<slug>/` ------------------------------------------------------

/// The older and the newer article (`prev`, `next`).
fn neighbours(ed: &Edition, i: usize) -> (Option<usize>, Option<usize>) {
    let older = (i + 1 < ed.articles.len()).then_some(i + 1);
    (older, i.checked_sub(1))
}

pub(super) fn article_writes(s: &Scope, i: usize) -> Writes {
    let a = &s.ed.articles[i];
    Writes::page(&a.path, a.article().map(|m| m.last_modified()))
}

pub(super) fn article_reads(s: &Scope, i: usize) -> Reads {
    let ed = s.ed;
    let (prev, next) = neighbours(ed, i);
    let mut reads = Reads::themed()
        .full(PageRef::Article(i))
        .cards(prev.into_iter().chain(next))
        .cards(ed.related[i].articles.iter().copied())
        .other((prev.is_some(), next.is_some()));
    // Its topics, linked by title (a topic not in its language, in another's words).
    for id in ed.articles[i].article().map_or(&[][..], |m| &m.topics) {
        match ed.topic(id) {
            Some(t) => reads = reads.link(PageRef::Topic(t)),
            None => reads = reads.other(topic_elsewhere(s, id)),
        }
    }
    reads
}

/// What a page in one language shows of a topic that is not in it: the title and URL of
/// the topic in the language that has it.
fn topic_elsewhere<'a>(s: &Scope<'a>, id: &str) -> Option<(&'a str, &'a str)> {
    s.site
        .editions
        .iter()
        .find_map(|e| e.topic(id).map(|t| &e.topics[t].page))
        .map(|p| (p.title(), p.path.as_str()))
}

pub(super) fn article(r: &Local, i: usize) -> Result<Files, Diagnostic> {
    let (ed, shared) = (r.ed, r.shared);
    let a = &ed.articles[i];
    let (prev, next) = neighbours(ed, i);
    let card = |i: Option<usize>| i.map_or_else(Value::none, |i| shared.cards[i].clone());
    r.page(
        "article.html",
        &a.path,
        a.title(),
        "article",
        vec![
            ("page", article_value(a, shared)),
            ("prev", card(prev)),
            ("next", card(next)),
            ("related", shared.cards(&ed.related[i].articles)),
        ],
    )
}

/// A front matter text that is there and not blank.
fn given(s: &Option<String>) -> Option<&str> {
    s.as_deref().filter(|s| !s.trim().is_empty())
}

fn article_value(a: &Page, shared: &values::Shared) -> Value {
    let Some(m) = a.article() else {
        return Value::none();
    };
    let (date_iso, date_display) = shared.date_values(Some(m.date));
    let (updated_iso, updated_display) = shared.date_values(m.updated);
    let sources = list(m.sources.iter().map(|s| {
        let (iso, display) = shared.date_values(s.date);
        obj([
            ("title", opt_text(given(&s.title))),
            ("kind", opt_text(given(&s.kind))),
            ("description", opt_text(given(&s.description))),
            ("publisher", opt_text(s.publisher.as_deref())),
            ("url", opt_text(s.url.as_deref())),
            ("date_iso", iso),
            ("date_display", display),
            ("dateline", opt_text(s.dateline.as_deref())),
        ])
    }));
    obj([
        ("title", text(&m.title)),
        ("url", text(&shared.url(&a.path))),
        ("permalink", text(&shared.permalink(&a.path))),
        ("date_iso", date_iso),
        ("date_display", date_display),
        ("updated_iso", updated_iso),
        ("updated_display", updated_display),
        ("location", opt_text(m.location.as_deref())),
        ("summary", text(&a.summary)),
        ("lead", lead(a)),
        ("key_points", list(m.key_points.iter().map(|k| text(k)))),
        ("topics", shared.topic_list(&m.topics)),
        ("people", shared.entity_refs(EntityKind::People, &m.people)),
        (
            "organizations",
            shared.entity_refs(EntityKind::Organizations, &m.organizations),
        ),
        ("tags", shared.entity_refs(EntityKind::Tags, &m.tags)),
        ("authors", list(m.authors.iter().map(|a| text(a)))),
        ("categories", list(m.categories.iter().map(|c| text(c)))),
        ("lang", opt_text(m.common.lang.as_deref())),
        ("sources", sources),
        ("content", html(&a.body.html)),
        ("toc", values::toc(&a.body.toc)),
        ("word_count", Value::from(a.body.word_count)),
        ("reading_time", Value::from(reading_time(a.body.word_count))),
        ("extra", Value::from_serializable(&a.extra)),
    ])
}

/// The summary to show above the content: only one written in front matter, since a
/// summary taken from the body is already on the page.
fn lead(page: &Page) -> Value {
    let written = match &page.meta {
        Meta::Article(m) => m.summary.as_deref(),
        Meta::Topic(m) => m.summary.as_deref(),
        Meta::Page(m) | Meta::Home(m) => m.summary.as_deref(),
    };
    opt_text(written.filter(|s| !s.trim().is_empty()))
}

// ---- the topics: `/topics/` and `/topics/<id>/` -------------------------------------------

pub(super) fn topics_writes(s: &Scope) -> Writes {
    Writes::page(&s.local("topics/"), None)
}

pub(super) fn topics_reads() -> Reads {
    Reads::themed().topic_cards()
}

pub(super) fn topics(r: &Local) -> Result<Files, Diagnostic> {
    r.page(
        "topics.html",
        &r.local("topics/"),
        r.word("topics"),
        "topics",
        vec![("topic_cards", r.shared.topic_cards.clone())],
    )
}

pub(super) fn topic_writes(s: &Scope, t: usize) -> Writes {
    Writes::page(&s.ed.topics[t].page.path, None)
}

/// Where the list of a topic is in its edition (`topics/trade/`, after the prefix).
fn topic_list_path(id: &str) -> String {
    format!("topics/{id}/")
}

pub(super) fn topic_reads(s: &Scope, t: usize) -> Reads {
    let id = &s.ed.topics[t].page.id;
    Reads::themed()
        .full(PageRef::Topic(t))
        .cards(s.ed.topics[t].articles.iter().copied())
        .other(elsewhere(s, Some(id), &topic_list_path(id)))
}

pub(super) fn topic(r: &Local, t: usize) -> Result<Files, Diagnostic> {
    let (ed, shared) = (r.ed, r.shared);
    let config = &r.site.config;
    let topic = &ed.topics[t];
    let p = &topic.page;
    let feed = if config.feeds.enabled && config.feeds.per_topic {
        text(&shared.url(&format!("{}atom.xml", p.path)))
    } else {
        Value::none()
    };
    let page_value = obj([
        ("id", text(&p.id)),
        ("title", text(p.title())),
        ("url", text(&shared.url(&p.path))),
        ("permalink", text(&shared.permalink(&p.path))),
        ("summary", text(&p.summary)),
        ("lead", lead(p)),
        ("content", html(&p.body.html)),
        ("toc", values::toc(&p.body.toc)),
        ("feed_url", feed),
        (
            "pack_url",
            if config.packs.enabled {
                text(&shared.url(&format!("{}pack/", p.path)))
            } else {
                Value::none()
            },
        ),
    ]);
    r.page(
        "topic.html",
        &p.path,
        p.title(),
        "topic",
        vec![
            ("page", page_value),
            ("years", by_year(ed, shared, &topic.articles)),
            ("count", Value::from(topic.articles.len())),
            (
                "elsewhere",
                elsewhere(r, Some(&p.id), &topic_list_path(&p.id)).value(r),
            ),
        ],
    )
}

fn year_of(ed: &Edition, i: usize) -> i16 {
    ed.articles[i].article().map_or(0, |m| m.date.date.year())
}

/// Articles (already newest first) grouped by year.
fn by_year(ed: &Edition, shared: &values::Shared, articles: &[usize]) -> Value {
    list(
        articles
            .chunk_by(|&a, &b| year_of(ed, a) == year_of(ed, b))
            .map(|group| {
                obj([
                    ("year", Value::from(year_of(ed, group[0]))),
                    ("count", Value::from(group.len())),
                    ("articles", shared.cards(group)),
                ])
            }),
    )
}

// ---- the timeline: `/timeline/` -----------------------------------------------------------

pub(super) fn timeline_writes(s: &Scope) -> Writes {
    Writes::page(&s.local("timeline/"), None)
}

pub(super) fn timeline_reads(s: &Scope) -> Reads {
    Reads::themed()
        .cards(0..s.ed.articles.len())
        .other(elsewhere(s, None, "timeline/"))
}

pub(super) fn timeline(r: &Local) -> Result<Files, Diagnostic> {
    let ed = r.ed;
    let all: Vec<usize> = (0..ed.articles.len()).collect();
    r.page(
        "timeline.html",
        &r.local("timeline/"),
        r.word("timeline"),
        "timeline",
        vec![
            ("years", by_year_and_month(ed, r.shared, &all)),
            ("count", Value::from(ed.articles.len())),
            ("elsewhere", elsewhere(r, None, "timeline/").value(r)),
        ],
    )
}

/// Articles (already newest first) grouped by year, then month.
fn by_year_and_month(ed: &Edition, shared: &values::Shared, articles: &[usize]) -> Value {
    let month_of = |i: usize| ed.articles[i].article().map_or(1, |m| m.date.date.month());
    let mut years: BTreeMap<std::cmp::Reverse<i16>, Vec<&[usize]>> = BTreeMap::new();
    for group in
        articles.chunk_by(|&a, &b| year_of(ed, a) == year_of(ed, b) && month_of(a) == month_of(b))
    {
        years
            .entry(std::cmp::Reverse(year_of(ed, group[0])))
            .or_default()
            .push(group);
    }
    list(years.into_iter().map(|(std::cmp::Reverse(year), months)| {
        let count: usize = months.iter().map(|m| m.len()).sum();
        obj([
            ("year", Value::from(year)),
            ("count", Value::from(count)),
            (
                "months",
                list(months.into_iter().map(|group| {
                    let month = month_of(group[0]);
                    obj([
                        ("month", Value::from(month)),
                        ("name", text(&shared.dates.month(month))),
                        ("articles", shared.cards(group)),
                    ])
                })),
            ),
        ])
    }))
}

// ---- a plain page: `/<slug>/` ---------------------------------------------------------------

pub(super) fn page_writes(s: &Scope, i: usize) -> Writes {
    Writes::page(&s.ed.pages[i].path, None)
}

pub(super) fn page_reads(i: usize) -> Reads {
    Reads::themed().full(PageRef::Page(i))
}

pub(super) fn page(r: &Local, i: usize) -> Result<Files, Diagnostic> {
    let (p, shared) = (&r.ed.pages[i], r.shared);
    let page_value = obj([
        ("title", text(p.title())),
        ("url", text(&shared.url(&p.path))),
        ("permalink", text(&shared.permalink(&p.path))),
        ("summary", text(&p.summary)),
        ("lead", lead(p)),
        ("content", html(&p.body.html)),
        ("toc", values::toc(&p.body.toc)),
        ("extra", Value::from_serializable(&p.extra)),
    ]);
    r.page(
        "page.html",
        &p.path,
        p.title(),
        "page",
        vec![("page", page_value)],
    )
}

// ---- people, organizations, tags: `/<kind>/` and `/<kind>/<slug>/` -----------------------

fn entities_path(s: &Scope, kind: EntityKind) -> String {
    format!("{}{}/", s.prefix, kind.key())
}

fn entity_path(s: &Scope, kind: EntityKind, i: usize) -> String {
    format!(
        "{}{}/{}/",
        s.prefix,
        kind.key(),
        s.ed.entities[&kind][i].slug
    )
}

pub(super) fn entities_writes(s: &Scope, kind: EntityKind) -> Writes {
    Writes::page(&entities_path(s, kind), None)
}

pub(super) fn entities_reads(s: &Scope, kind: EntityKind) -> Reads {
    let shown: Vec<(&str, &str, usize)> = s.ed.entities[&kind]
        .iter()
        .map(|e| (e.name.as_str(), e.slug.as_str(), e.articles.len()))
        .collect();
    Reads::themed().other(shown)
}

pub(super) fn entities(r: &Local, kind: EntityKind) -> Result<Files, Diagnostic> {
    let shared = r.shared;
    let entities = list(r.ed.entities[&kind].iter().map(|e| {
        obj([
            ("name", text(&e.name)),
            (
                "url",
                text(&shared.url(&format!("{}{}/{}/", r.prefix, kind.key(), e.slug))),
            ),
            ("count", Value::from(e.articles.len())),
        ])
    }));
    r.page(
        "entities.html",
        &entities_path(r, kind),
        r.word(kind.key()),
        kind.key(),
        vec![
            ("kind", text(kind.key())),
            ("kind_title", text(r.word(kind.key()))),
            ("entities", entities),
        ],
    )
}

pub(super) fn entity_writes(s: &Scope, kind: EntityKind, i: usize) -> Writes {
    Writes::page(&entity_path(s, kind, i), None)
}

pub(super) fn entity_reads(s: &Scope, kind: EntityKind, i: usize) -> Reads {
    let e = &s.ed.entities[&kind][i];
    Reads::themed()
        .cards(e.articles.iter().copied())
        .other((&e.name, &e.slug))
}

pub(super) fn entity(r: &Local, kind: EntityKind, i: usize) -> Result<Files, Diagnostic> {
    let shared = r.shared;
    let e = &r.ed.entities[&kind][i];
    let path = entity_path(r, kind, i);
    let entity = obj([
        ("name", text(&e.name)),
        ("url", text(&shared.url(&path))),
        ("count", Value::from(e.articles.len())),
    ]);
    r.page(
        "entity.html",
        &path,
        &e.name,
        kind.key(),
        vec![
            ("kind", text(kind.key())),
            ("kind_title", text(r.word(kind.key()))),
            ("entity", entity),
            ("articles", shared.cards(&e.articles)),
        ],
    )
}

// ---- search: `/search/` ---------------------------------------------------------------------

pub(super) fn search_writes(s: &Scope) -> Writes {
    Writes::page(&s.local("search/"), None)
}

pub(super) fn search_reads() -> Reads {
    Reads::themed()
}

pub(super) fn search(r: &Local) -> Result<Files, Diagnostic> {
    if !r.templates.has("search.html") {
        return Err(Diagnostic::new(
            "templates/search.html",
            Problem::Template("search is on but the theme has no `search.html`: add one or set `search: {enabled: false}` in site.yaml".into()),
        ));
    }
    r.page(
        "search.html",
        &r.local("search/"),
        r.word("search"),
        "search",
        vec![("index_url", text(&r.shared.url(&search::index_file(r))))],
    )
}

// ---- the page for unknown addresses: `/404.html` ----------------------------------------

/// Hosts serve it for unknown paths; it is not in the sitemap.
pub(super) fn not_found_writes(s: &Scope) -> Writes {
    Writes::files(vec![s.local("404.html")])
}

pub(super) fn not_found_reads() -> Reads {
    Reads::themed()
}

pub(super) fn not_found(r: &Local) -> Result<Files, Diagnostic> {
    r.page(
        "404.html",
        &r.local("404.html"),
        r.word("page_not_found"),
        "404",
        vec![],
    )
}

/// The output path of a themed page at `path`: its `index.html`, or the file itself.
pub(super) fn output_path(path: &str) -> String {
    if path.ends_with(".html") {
        path.to_string()
    } else {
        index_html(path)
    }
}
