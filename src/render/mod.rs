//! Stage 4, render: the [`Site`] through the templates into an [`Output`], every page in
//! parallel; plus the files attache writes itself (feeds, sitemap, robots.txt, search
//! index) and the static files.
//!
//! Rendering is split into [`Job`]s, one per output page or file group, so that `serve`
//! can re-render just the pages an edit touches.

pub mod feeds;
pub mod redirects;
pub mod search;
pub mod templates;
pub mod values;

use std::collections::BTreeMap;

use rayon::prelude::*;
use tera::{Context, Value};

use crate::emit::Output;
use crate::error::{Diagnostic, Diagnostics, Problem};
use crate::index::{EntityKind, Site};
use crate::load::StaticFile;
use crate::parse::Page;
pub use templates::Templates;
use values::{Shared, html, list, obj, opt_text, reading_time, text};

/// Files a job produces: output path and contents.
pub type Files = Vec<(String, Vec<u8>)>;

/// One unit of rendering work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Job {
    Home,
    Article(usize),
    Topics,
    Topic(usize),
    Timeline,
    Entities(EntityKind),
    Entity(EntityKind, usize),
    Page(usize),
    Search,
    NotFound,
    Feeds,
    Sitemap,
    Robots,
    SearchIndex,
    /// Redirect pages at every alias.
    Redirects,
}

/// Every job a full build runs.
pub fn all_jobs(site: &Site) -> Vec<Job> {
    let mut jobs = vec![
        Job::Home,
        Job::Topics,
        Job::Timeline,
        Job::NotFound,
        Job::Sitemap,
        Job::Robots,
    ];
    jobs.extend((0..site.articles.len()).map(Job::Article));
    jobs.extend((0..site.topics.len()).map(Job::Topic));
    jobs.extend((0..site.pages.len()).map(Job::Page));
    for kind in EntityKind::ALL {
        if kind.enabled(&site.config) {
            jobs.push(Job::Entities(kind));
            jobs.extend((0..site.entities[&kind].len()).map(|i| Job::Entity(kind, i)));
        }
    }
    if site.config.feeds.enabled {
        jobs.push(Job::Feeds);
    }
    if site.config.search.enabled {
        jobs.push(Job::Search);
        jobs.push(Job::SearchIndex);
    }
    if redirects::any(site) {
        jobs.push(Job::Redirects);
    }
    jobs
}

/// Renders the whole site.
pub fn render(
    site: &Site,
    templates: &Templates,
    statics: &[StaticFile],
) -> Result<Output, Diagnostics> {
    let (output, problems) = render_lenient(site, templates, statics);
    Diagnostics(problems).into_result(output)
}

/// Renders every page it can: the output without the pages that failed, and the problems.
pub fn render_lenient(
    site: &Site,
    templates: &Templates,
    statics: &[StaticFile],
) -> (Output, Vec<Diagnostic>) {
    let shared = Shared::new(site);
    let (mut output, mut problems) = render_some(site, &shared, templates, &all_jobs(site));
    if let Err(d) = add_statics(&mut output, statics) {
        problems.extend(d.0);
    }
    (output, problems)
}

/// Renders `jobs`; problems from many pages with the same template error are reported once.
pub fn render_jobs(
    site: &Site,
    shared: &Shared,
    templates: &Templates,
    jobs: &[Job],
) -> Result<Output, Diagnostics> {
    let (output, problems) = render_some(site, shared, templates, jobs);
    Diagnostics(problems).into_result(output)
}

fn render_some(
    site: &Site,
    shared: &Shared,
    templates: &Templates,
    jobs: &[Job],
) -> (Output, Vec<Diagnostic>) {
    let results: Vec<Result<Files, Diagnostic>> = jobs
        .par_iter()
        .map(|&job| render_job(site, shared, templates, job))
        .collect();
    let mut output = Output::default();
    let mut problems: Vec<Diagnostic> = Vec::new();
    for r in results {
        match r {
            Ok(files) => output.files.extend(files),
            Err(d) => {
                let seen = problems.iter().any(|p| {
                    p.path == d.path
                        && p.location == d.location
                        && p.problem.to_string() == d.problem.to_string()
                });
                if !seen {
                    problems.push(d);
                }
            }
        }
    }
    (output, problems)
}

/// The problem of a static file whose path a generated page already takes.
pub fn static_collision(s: &StaticFile) -> Diagnostic {
    Diagnostic::new(
        s.display.clone(),
        Problem::UrlCollision {
            url: format!("/{}", s.rel),
            other: "a generated page".to_string(),
        },
    )
}

/// Static files go to the output root; one may not replace a generated page.
pub fn add_statics(output: &mut Output, statics: &[StaticFile]) -> Result<(), Diagnostics> {
    let mut problems = Vec::new();
    for s in statics {
        if output.files.contains_key(&s.rel) {
            problems.push(static_collision(s));
        } else {
            output.files.insert(s.rel.clone(), s.bytes.clone());
        }
    }
    Diagnostics(problems).into_result(())
}

fn index_html(path: &str) -> String {
    format!("{path}index.html")
}

fn render_job(
    site: &Site,
    shared: &Shared,
    templates: &Templates,
    job: Job,
) -> Result<Files, Diagnostic> {
    // Titles attache gives its own pages, in the pages' language.
    let word = |key: &'static str| templates.words.text(&shared.language.code, key);
    let page = |template: &str,
                path: &str,
                title: &str,
                section: &str,
                extra: Vec<(&'static str, Value)>| {
        render_page(templates, shared, template, path, title, section, extra).map(|bytes| {
            vec![(
                if path == "404.html" {
                    path.to_string()
                } else {
                    index_html(path)
                },
                bytes,
            )]
        })
    };
    match job {
        Job::Home => {
            let home = site.home.as_ref();
            let title = home.map_or(site.config.title.as_str(), Page::title);
            let page_value = obj([
                ("title", text(title)),
                ("content", html(home.map_or("", |h| h.body.html.as_str()))),
                (
                    "summary",
                    text(home.map_or(site.config.description.as_str(), |h| h.summary.as_str())),
                ),
            ]);
            let latest: Vec<usize> = (0..site.articles.len().min(10)).collect();
            page(
                "home.html",
                "",
                title,
                "home",
                vec![
                    ("page", page_value),
                    ("topic_cards", shared.topic_cards.clone()),
                    ("latest", shared.cards(&latest)),
                    ("count", Value::from(site.articles.len())),
                ],
            )
        }
        Job::Article(i) => {
            let a = &site.articles[i];
            let article = article_value(a, shared);
            let prev = site
                .articles
                .get(i + 1)
                .map_or_else(Value::none, |_| shared.cards[i + 1].clone());
            let next = if i > 0 {
                shared.cards[i - 1].clone()
            } else {
                Value::none()
            };
            page(
                "article.html",
                &a.path,
                a.title(),
                "article",
                vec![
                    ("page", article),
                    ("prev", prev),
                    ("next", next),
                    ("related", shared.cards(&site.related[i])),
                ],
            )
        }
        Job::Topics => page(
            "topics.html",
            "topics/",
            word("topics"),
            "topics",
            vec![("topic_cards", shared.topic_cards.clone())],
        ),
        Job::Topic(t) => {
            let topic = &site.topics[t];
            let p = &topic.page;
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
                ("summary", text(&p.summary)),
                ("lead", lead(p)),
                ("content", html(&p.body.html)),
                ("toc", values::toc(&p.body.toc)),
                ("feed_url", feed),
            ]);
            page(
                "topic.html",
                &p.path,
                p.title(),
                "topic",
                vec![
                    ("page", page_value),
                    ("years", by_year(site, shared, &topic.articles)),
                    ("count", Value::from(topic.articles.len())),
                ],
            )
        }
        Job::Timeline => {
            let all: Vec<usize> = (0..site.articles.len()).collect();
            page(
                "timeline.html",
                "timeline/",
                word("timeline"),
                "timeline",
                vec![
                    ("years", by_year_and_month(site, shared, &all)),
                    ("count", Value::from(site.articles.len())),
                ],
            )
        }
        Job::Entities(kind) => {
            let entities = list(site.entities[&kind].iter().map(|e| {
                obj([
                    ("name", text(&e.name)),
                    (
                        "url",
                        text(&shared.url(&format!("{}/{}/", kind.key(), e.slug))),
                    ),
                    ("count", Value::from(e.articles.len())),
                ])
            }));
            let path = format!("{}/", kind.key());
            page(
                "entities.html",
                &path,
                word(kind.key()),
                kind.key(),
                vec![
                    ("kind", text(kind.key())),
                    ("kind_title", text(word(kind.key()))),
                    ("entities", entities),
                ],
            )
        }
        Job::Entity(kind, i) => {
            let e = &site.entities[&kind][i];
            let path = format!("{}/{}/", kind.key(), e.slug);
            let entity = obj([
                ("name", text(&e.name)),
                ("url", text(&shared.url(&path))),
                ("count", Value::from(e.articles.len())),
            ]);
            page(
                "entity.html",
                &path,
                &e.name,
                kind.key(),
                vec![
                    ("kind", text(kind.key())),
                    ("kind_title", text(word(kind.key()))),
                    ("entity", entity),
                    ("articles", shared.cards(&e.articles)),
                ],
            )
        }
        Job::Page(i) => {
            let p = &site.pages[i];
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
            page(
                "page.html",
                &p.path,
                p.title(),
                "page",
                vec![("page", page_value)],
            )
        }
        Job::Search => {
            if !templates.has("search.html") {
                return Err(Diagnostic::new(
                    "templates/search.html",
                    Problem::Template("search is on but the theme has no `search.html`: add one or set `search: {enabled: false}` in site.yaml".into()),
                ));
            }
            page(
                "search.html",
                "search/",
                word("search"),
                "search",
                vec![("index_url", text(&shared.url(search::INDEX_FILE)))],
            )
        }
        Job::NotFound => page(
            "404.html",
            "404.html",
            word("page_not_found"),
            "404",
            vec![],
        ),
        Job::Feeds => Ok(feeds::atom_feeds(site, shared)),
        Job::Sitemap => Ok(vec![(
            "sitemap.xml".to_string(),
            feeds::sitemap(site, shared),
        )]),
        Job::Robots => Ok(vec![("robots.txt".to_string(), feeds::robots(shared))]),
        Job::SearchIndex => Ok(vec![(
            search::INDEX_FILE.to_string(),
            search::index_json(site, shared),
        )]),
        Job::Redirects => Ok(redirects::redirects(site, shared)),
    }
}

fn render_page(
    templates: &Templates,
    shared: &Shared,
    template: &str,
    path: &str,
    title: &str,
    section: &str,
    values: Vec<(&'static str, Value)>,
) -> Result<Vec<u8>, Diagnostic> {
    let mut context = Context::new();
    for (k, v) in &shared.globals {
        context.insert_value(*k, v.clone());
    }
    context.insert_value("t", templates.words.t(&shared.language.code));
    context.insert_value("section", text(section));
    context.insert_value("title", text(title));
    context.insert_value("canonical", text(&shared.permalink(path)));
    for (k, v) in values {
        context.insert_value(k, v);
    }
    // Render into a buffer each thread reuses, then copy out exactly: pages are kept in
    // memory until written, and growth slack on ten thousand pages adds up to hundreds of
    // megabytes.
    thread_local! {
        static BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    BUFFER.with_borrow_mut(|buffer| {
        buffer.clear();
        templates
            .tera
            .render_to(template, &context, &mut *buffer)
            .map_err(|e| templates.diagnose(&e, Some(template)))?;
        Ok(buffer.as_slice().to_vec())
    })
}

/// A front matter text that is there and not blank.
fn given(s: &Option<String>) -> Option<&str> {
    s.as_deref().filter(|s| !s.trim().is_empty())
}

fn article_value(a: &Page, shared: &Shared) -> Value {
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
        crate::parse::Meta::Article(m) => m.summary.as_deref(),
        crate::parse::Meta::Topic(m) => m.summary.as_deref(),
        crate::parse::Meta::Page(m) | crate::parse::Meta::Home(m) => m.summary.as_deref(),
    };
    opt_text(written.filter(|s| !s.trim().is_empty()))
}

fn year_of(site: &Site, i: usize) -> i16 {
    site.articles[i].article().map_or(0, |m| m.date.date.year())
}

/// Articles (already newest first) grouped by year.
fn by_year(site: &Site, shared: &Shared, articles: &[usize]) -> Value {
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

/// Articles (already newest first) grouped by year, then month.
fn by_year_and_month(site: &Site, shared: &Shared, articles: &[usize]) -> Value {
    let month_of = |i: usize| {
        site.articles[i]
            .article()
            .map_or(1, |m| m.date.date.month())
    };
    let mut years: BTreeMap<std::cmp::Reverse<i16>, Vec<&[usize]>> = BTreeMap::new();
    for group in articles
        .chunk_by(|&a, &b| year_of(site, a) == year_of(site, b) && month_of(a) == month_of(b))
    {
        years
            .entry(std::cmp::Reverse(year_of(site, group[0])))
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
