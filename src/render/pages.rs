//! The themed pages: for each, what it writes, what it shows, and how it is rendered, side
//! by side, so the three cannot drift apart. The values each template receives are listed
//! in docs/templates.md.

use tera::Value;

use super::job::{Reads, Writes, index_html};
use super::paging::{self, Paged};
use super::timeline::year_of;
use super::values::{self, html, list, obj, opt_text, reading_time, text};
use super::{Files, Renderer, search};
use crate::error::{Diagnostic, Problem};
use crate::index::{EntityKind, PageRef, Site};
use crate::parse::{Meta, Page};

// ---- home: `/`, its list paged at `/page/<n>/` ----------------------------------------------

/// The articles page `page` of the home page's list shows: every article, newest first.
fn home_paged(site: &Site, page: usize) -> (Paged, std::ops::Range<usize>) {
    let (len, per) = (site.articles.len(), paging::per_page(site));
    (
        Paged::of(len, page, per),
        paging::page_range(len, page, per),
    )
}

/// The number of pages of the home page's list.
pub(super) fn home_pages(site: &Site) -> usize {
    paging::page_count(site.articles.len(), paging::per_page(site))
}

pub(super) fn home_writes(page: usize) -> Writes {
    Writes::page(&paging::page_path("", page), None)
}

pub(super) fn home_reads(site: &Site, page: usize) -> Reads {
    let (paged, shown) = home_paged(site, page);
    // The first page shows the home page's text and the topics; the others its title.
    let reads = match (&site.home, page) {
        (Some(_), 0) => Reads::themed().full(PageRef::Home),
        (Some(_), _) => Reads::themed().link(PageRef::Home),
        (None, _) => Reads::themed(),
    };
    let reads = if page == 0 {
        reads.topic_cards()
    } else {
        reads
    };
    reads
        .cards(shown)
        .other((paging::first_only(page, site.articles.len()), paged))
}

pub(super) fn home(r: &Renderer, page: usize) -> Result<Files, Diagnostic> {
    let (site, shared) = (r.site, r.shared);
    let home = site.home.as_ref();
    let first = page == 0;
    let title = home.map_or(site.config.title.as_str(), Page::title);
    let content = home.filter(|_| first).map_or("", |h| h.body.html.as_str());
    let page_value = obj([
        ("title", text(title)),
        ("content", html(content)),
        (
            "summary",
            text(home.map_or(site.config.description.as_str(), |h| h.summary.as_str())),
        ),
    ]);
    let (paged, shown) = home_paged(site, page);
    let shown: Vec<usize> = shown.collect();
    let topic_cards = if first {
        shared.topic_cards.clone()
    } else {
        list([])
    };
    r.page(
        "home.html",
        &paging::page_path("", page),
        title,
        "home",
        vec![
            ("page", page_value),
            ("topic_cards", topic_cards),
            ("latest", shared.cards(&shown)),
            ("count", paging::count_value(page, site.articles.len())),
            ("pager", paged.value(shared, "")),
        ],
    )
}

// ---- an article: `/articles/<slug>/` ------------------------------------------------------

/// The older and the newer article (`prev`, `next`).
fn neighbours(site: &Site, i: usize) -> (Option<usize>, Option<usize>) {
    let older = (i + 1 < site.articles.len()).then_some(i + 1);
    (older, i.checked_sub(1))
}

pub(super) fn article_writes(site: &Site, i: usize) -> Writes {
    let a = &site.articles[i];
    Writes::page(&a.path, a.article().map(|m| m.last_modified()))
}

pub(super) fn article_reads(site: &Site, i: usize) -> Reads {
    let (prev, next) = neighbours(site, i);
    let mut reads = Reads::themed()
        .full(PageRef::Article(i))
        .cards(prev.into_iter().chain(next))
        .cards(site.related[i].articles.iter().copied())
        .other((prev.is_some(), next.is_some()));
    // Its topics, linked by title.
    for id in site.articles[i].article().map_or(&[][..], |m| &m.topics) {
        if let Some(t) = site.topics.iter().position(|t| &t.page.id == id) {
            reads = reads.link(PageRef::Topic(t));
        }
    }
    reads
}

pub(super) fn article(r: &Renderer, i: usize) -> Result<Files, Diagnostic> {
    let (site, shared) = (r.site, r.shared);
    let a = &site.articles[i];
    let (prev, next) = neighbours(site, i);
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
            ("related", shared.cards(&site.related[i].articles)),
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

pub(super) fn topics_writes() -> Writes {
    Writes::page("topics/", None)
}

pub(super) fn topics_reads() -> Reads {
    Reads::themed().topic_cards()
}

pub(super) fn topics(r: &Renderer) -> Result<Files, Diagnostic> {
    r.page(
        "topics.html",
        "topics/",
        r.word("topics"),
        "topics",
        vec![("topic_cards", r.shared.topic_cards.clone())],
    )
}

/// The articles page `page` of topic `t` shows.
fn topic_paged(site: &Site, t: usize, page: usize) -> (Paged, &[usize]) {
    let articles = &site.topics[t].articles;
    let per = paging::per_page(site);
    let range = paging::page_range(articles.len(), page, per);
    (Paged::of(articles.len(), page, per), &articles[range])
}

/// The number of pages of topic `t`.
pub(super) fn topic_pages(site: &Site, t: usize) -> usize {
    paging::page_count(site.topics[t].articles.len(), paging::per_page(site))
}

pub(super) fn topic_writes(site: &Site, t: usize, page: usize) -> Writes {
    Writes::page(&paging::page_path(&site.topics[t].page.path, page), None)
}

pub(super) fn topic_reads(site: &Site, t: usize, page: usize) -> Reads {
    let (paged, shown) = topic_paged(site, t, page);
    // The first page shows the topic's overview; the others its title.
    let reads = if page == 0 {
        Reads::themed().full(PageRef::Topic(t))
    } else {
        Reads::themed().link(PageRef::Topic(t))
    };
    reads.cards(shown.iter().copied()).other((
        paging::first_only(page, site.topics[t].articles.len()),
        paged,
    ))
}

pub(super) fn topic(r: &Renderer, t: usize, page: usize) -> Result<Files, Diagnostic> {
    let (site, shared) = (r.site, r.shared);
    let topic = &site.topics[t];
    let p = &topic.page;
    let first = page == 0;
    let feed = if site.config.feeds.enabled && site.config.feeds.per_topic {
        text(&shared.url(&format!("{}atom.xml", p.path)))
    } else {
        Value::none()
    };
    let page_value = obj([
        ("id", text(&p.id)),
        ("title", text(p.title())),
        ("url", text(&shared.url(&p.path))),
        ("permalink", text(&shared.permalink(&p.path))),
        ("summary", text(if first { &p.summary } else { "" })),
        ("lead", if first { lead(p) } else { Value::none() }),
        ("content", html(if first { &p.body.html } else { "" })),
        ("toc", values::toc(if first { &p.body.toc } else { &[] })),
        ("feed_url", feed),
    ]);
    let (paged, shown) = topic_paged(site, t, page);
    r.page(
        "topic.html",
        &paging::page_path(&p.path, page),
        p.title(),
        "topic",
        vec![
            ("page", page_value),
            ("years", by_year(site, shared, shown)),
            ("count", paging::count_value(page, topic.articles.len())),
            ("pager", paged.value(shared, &p.path)),
        ],
    )
}

/// Articles (already newest first) grouped by year.
fn by_year(site: &Site, shared: &values::Shared, articles: &[usize]) -> Value {
    list(
        articles
            .chunk_by(|&a, &b| year_of(site, a) == year_of(site, b))
            .map(|group| {
                obj([
                    ("year", Value::from(year_of(site, group[0]))),
                    ("count", Value::from(group.len())),
                    ("articles", shared.cards(group)),
                ])
            }),
    )
}

// ---- a plain page: `/<slug>/` ---------------------------------------------------------------

pub(super) fn page_writes(site: &Site, i: usize) -> Writes {
    Writes::page(&site.pages[i].path, None)
}

pub(super) fn page_reads(i: usize) -> Reads {
    Reads::themed().full(PageRef::Page(i))
}

pub(super) fn page(r: &Renderer, i: usize) -> Result<Files, Diagnostic> {
    let (p, shared) = (&r.site.pages[i], r.shared);
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

fn entities_path(kind: EntityKind) -> String {
    format!("{}/", kind.key())
}

fn entity_path(site: &Site, kind: EntityKind, i: usize) -> String {
    format!("{}/{}/", kind.key(), site.entities[&kind][i].slug)
}

pub(super) fn entities_writes(kind: EntityKind) -> Writes {
    Writes::page(&entities_path(kind), None)
}

pub(super) fn entities_reads(site: &Site, kind: EntityKind) -> Reads {
    let shown: Vec<(&str, &str, usize)> = site.entities[&kind]
        .iter()
        .map(|e| (e.name.as_str(), e.slug.as_str(), e.articles.len()))
        .collect();
    Reads::themed().other(shown)
}

pub(super) fn entities(r: &Renderer, kind: EntityKind) -> Result<Files, Diagnostic> {
    let shared = r.shared;
    let entities = list(r.site.entities[&kind].iter().map(|e| {
        obj([
            ("name", text(&e.name)),
            (
                "url",
                text(&shared.url(&format!("{}/{}/", kind.key(), e.slug))),
            ),
            ("count", Value::from(e.articles.len())),
        ])
    }));
    r.page(
        "entities.html",
        &entities_path(kind),
        r.word(kind.key()),
        kind.key(),
        vec![
            ("kind", text(kind.key())),
            ("kind_title", text(r.word(kind.key()))),
            ("entities", entities),
        ],
    )
}

/// The articles page `page` of entity `i` shows.
fn entity_paged(site: &Site, kind: EntityKind, i: usize, page: usize) -> (Paged, &[usize]) {
    let articles = &site.entities[&kind][i].articles;
    let per = paging::per_page(site);
    let range = paging::page_range(articles.len(), page, per);
    (Paged::of(articles.len(), page, per), &articles[range])
}

/// The number of pages of entity `i`.
pub(super) fn entity_pages(site: &Site, kind: EntityKind, i: usize) -> usize {
    paging::page_count(
        site.entities[&kind][i].articles.len(),
        paging::per_page(site),
    )
}

pub(super) fn entity_writes(site: &Site, kind: EntityKind, i: usize, page: usize) -> Writes {
    Writes::page(&paging::page_path(&entity_path(site, kind, i), page), None)
}

pub(super) fn entity_reads(site: &Site, kind: EntityKind, i: usize, page: usize) -> Reads {
    let e = &site.entities[&kind][i];
    let (paged, shown) = entity_paged(site, kind, i, page);
    Reads::themed().cards(shown.iter().copied()).other((
        &e.name,
        &e.slug,
        paging::first_only(page, e.articles.len()),
        paged,
    ))
}

pub(super) fn entity(
    r: &Renderer,
    kind: EntityKind,
    i: usize,
    page: usize,
) -> Result<Files, Diagnostic> {
    let (site, shared) = (r.site, r.shared);
    let e = &site.entities[&kind][i];
    let path = entity_path(site, kind, i);
    let entity = obj([
        ("name", text(&e.name)),
        ("url", text(&shared.url(&path))),
        ("count", paging::count_value(page, e.articles.len())),
    ]);
    let (paged, shown) = entity_paged(site, kind, i, page);
    r.page(
        "entity.html",
        &paging::page_path(&path, page),
        &e.name,
        kind.key(),
        vec![
            ("kind", text(kind.key())),
            ("kind_title", text(r.word(kind.key()))),
            ("entity", entity),
            ("articles", shared.cards(shown)),
            ("pager", paged.value(shared, &path)),
        ],
    )
}

// ---- search: `/search/` ---------------------------------------------------------------------

pub(super) fn search_writes() -> Writes {
    Writes::page("search/", None)
}

pub(super) fn search_reads() -> Reads {
    Reads::themed()
}

pub(super) fn search(r: &Renderer) -> Result<Files, Diagnostic> {
    if !r.templates.has("search.html") {
        return Err(Diagnostic::new(
            "templates/search.html",
            Problem::Template("search is on but the theme has no `search.html`: add one or set `search: {enabled: false}` in site.yaml".into()),
        ));
    }
    r.page(
        "search.html",
        "search/",
        r.word("search"),
        "search",
        vec![(
            "index_url",
            text(&r.shared.url(&search::manifest_path(search::FOLDER))),
        )],
    )
}

// ---- the page for unknown addresses: `/404.html` ----------------------------------------

/// Hosts serve it for unknown paths; it is not in the sitemap.
pub(super) fn not_found_writes() -> Writes {
    Writes::files(vec!["404.html".to_string()])
}

pub(super) fn not_found_reads() -> Reads {
    Reads::themed()
}

pub(super) fn not_found(r: &Renderer) -> Result<Files, Diagnostic> {
    r.page(
        "404.html",
        "404.html",
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
