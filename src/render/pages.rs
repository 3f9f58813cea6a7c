//! The themed pages: for each, what it writes, what it shows, and how it is rendered, side
//! by side, so the three cannot drift apart. The values each template receives are listed
//! in docs/templates.md.

use tera::Value;

use super::job::{Reads, Scope, Writes, index_html};
use super::json_ld;
use super::languages::elsewhere;
use super::paging::{self, Paged};
use super::share::{self, Share};
use super::values::{self, Shared, html, list, obj, opt_text, reading_time, text};
use super::{Files, Local};
use crate::error::Diagnostic;
use crate::index::{Edition, EntityKind, PageRef};
use crate::parse::front_matter::PageDate;
use crate::parse::{Meta, Page};

// ---- home: `/`, its list paged at `/page/<n>/` ----------------------------------------------

/// The articles page `page` of the home page's list shows: every article, newest first.
fn home_paged(s: &Scope, page: usize) -> (Paged, std::ops::Range<usize>) {
    let (len, per) = (s.ed.articles.len(), paging::per_page(s.site));
    (
        Paged::of(len, page, per),
        paging::page_range(len, page, per),
    )
}

/// The number of pages of the home page's list.
pub(super) fn home_pages(s: &Scope) -> usize {
    paging::page_count(s.ed.articles.len(), paging::per_page(s.site))
}

/// The latest of some dates: when a page showing them last changed.
pub(super) fn newest(dates: impl IntoIterator<Item = Option<PageDate>>) -> Option<PageDate> {
    dates.into_iter().flatten().max()
}

/// The "as of" date of a page (its `updated`) as `updated_iso` and `updated_display`.
fn as_of(shared: &values::Shared, page: &Page) -> [(&'static str, Value); 2] {
    let (iso, display) = shared.date_values(page.meta.updated());
    [("updated_iso", iso), ("updated_display", display)]
}

/// The home page was last changed by its text or by the newest article it lists.
pub(super) fn home_writes(s: &Scope, page: usize) -> Writes {
    let shown = home_paged(s, page)
        .1
        .map(|i| s.ed.articles[i].meta.updated());
    let home = s.ed.home.as_ref().and_then(|h| h.meta.updated());
    Writes::page(
        &paging::page_path(&s.local(""), page),
        newest(shown.chain([home])),
    )
}

pub(super) fn home_reads(s: &Scope, page: usize) -> Reads {
    let (paged, shown) = home_paged(s, page);
    // The first page shows the home page's text and the topics; the others its title.
    let reads = match (&s.ed.home, page) {
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
        .other((paging::first_only(page, s.ed.articles.len()), paged))
        .other(elsewhere(s, None, "timeline/"))
}

pub(super) fn home(r: &Local, page: usize) -> Result<Files, Diagnostic> {
    let (site, ed, shared) = (r.site, r.ed, r.shared);
    let home = ed.home.as_ref();
    let first = page == 0;
    let title = home.map_or(shared.site_title.as_str(), Page::title);
    let summary = home.map_or(shared.site_description.as_str(), |h| h.summary());
    let content = home
        .filter(|_| first)
        .map(|h| h.body.html.unpack())
        .unwrap_or_default();
    let [updated_iso, updated_display] = match home {
        Some(h) => as_of(shared, h),
        None => [
            ("updated_iso", Value::none()),
            ("updated_display", Value::none()),
        ],
    };
    let page_value = obj([
        ("title", text(title)),
        ("content", html(&content)),
        ("summary", text(summary)),
        updated_iso,
        updated_display,
    ]);
    let (paged, shown) = home_paged(r, page);
    let shown: Vec<usize> = shown.collect();
    let topic_cards = if first {
        shared.topic_cards.clone()
    } else {
        list([])
    };
    let path = paging::page_path(&r.local(""), page);
    let preview = Share {
        title,
        description: summary,
        path: &path,
        kind: share::Kind::Website,
        image: home.and_then(|h| h.meta.common().image.as_deref()),
    };
    r.page(
        "home.html",
        &paging::page_path(&r.local(""), page),
        title,
        "home",
        vec![
            ("share", preview.value(shared)),
            (
                "json_ld",
                json_ld::script(&json_ld::graph(vec![json_ld::website(site, shared)])),
            ),
            (
                "publication",
                home.map_or_else(Value::none, |h| values::publication(h, &shared.dates)),
            ),
            ("page", page_value),
            ("topic_cards", topic_cards),
            ("latest", shared.cards(&shown)),
            ("count", paging::count_value(page, ed.articles.len())),
            ("pager", paged.value(shared, &r.local(""))),
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
        .other((
            prev.is_some(),
            next.is_some(),
            profile_claims(s, i, &Shared::language_of(s.site, s.lang).code),
        ));
    // Its topics, linked by title (a topic not in its language, in another's words).
    for id in ed.articles[i].article().map_or(&[][..], |m| &m.topics) {
        match ed.topic(id) {
            Some(t) => reads = reads.link(PageRef::Topic(t)),
            None => reads = reads.other(topic_elsewhere(s, id)),
        }
    }
    reads
}

/// The profile each person, organization and tag article `i` of the edition `s` names is
/// filed under, when a profile claims the name (by its file name, name, aliases or names
/// in other scripts), and the name it goes by in the language `code`; for a name no
/// profile of the edition claims, the profile in another language that names it in this
/// one. An alias added to or taken from a profile moves where the article's links lead, a
/// name respelled changes what they say.
fn profile_claims<'a>(s: &Scope<'a>, i: usize, code: &str) -> Vec<(&'a str, &'a str, &'a str)> {
    let ed = s.ed;
    let Some(m) = ed.articles[i].article() else {
        return Vec::new();
    };
    if s.site.editions.iter().all(|e| e.profiles.is_empty()) {
        return Vec::new();
    }
    let mut claims = Vec::new();
    for (kind, names) in [
        (crate::parse::Kind::Person, &m.people),
        (crate::parse::Kind::Organization, &m.organizations),
        (crate::parse::Kind::Tag, &m.tags),
    ] {
        for name in names {
            let slug = slug::slugify(name);
            let before = claims.len();
            for p in ed.profiles_claiming(kind, &slug) {
                if let Some(meta) = p.profile() {
                    claims.push((name.as_str(), p.rel.as_str(), meta.name_in(code)));
                }
            }
            if claims.len() == before
                && let Some((p, shown)) = s.site.name_elsewhere(s.lang, kind, &slug, code)
            {
                claims.push((name.as_str(), p.rel.as_str(), shown));
            }
        }
    }
    claims
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
    let mut extra = Vec::new();
    if let Some(m) = a.article() {
        let topics: Vec<&Page> = m
            .topics
            .iter()
            .filter_map(|id| ed.topic(id).map(|t| &ed.topics[t].page))
            .collect();
        let preview = Share {
            title: a.title(),
            description: a.summary(),
            path: &a.path,
            kind: share::Kind::Article {
                meta: m,
                sections: topics.iter().map(|t| t.title()).collect(),
            },
            image: m.common.image.as_deref(),
        };
        let mut steps = vec![(shared.site_title.as_str(), r.local(""))];
        steps.extend(topics.first().map(|t| (t.title(), t.path.clone())));
        steps.push((a.title(), a.path.clone()));
        let url = shared.permalink(&a.path);
        let ld = json_ld::graph(vec![
            json_ld::news_article(r, shared, a, m, &url),
            json_ld::breadcrumbs(shared, &steps),
        ]);
        extra = vec![
            ("share", preview.value(shared)),
            ("json_ld", json_ld::script(&ld)),
        ];
    }
    extra.push(("publication", values::publication(a, &shared.dates)));
    extra.extend([
        ("page", article_value(a, shared)),
        ("prev", card(prev)),
        ("next", card(next)),
        ("related", shared.cards(&ed.related[i].articles)),
    ]);
    r.page("article.html", &a.path, a.title(), "article", extra)
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
        ("summary", text(a.summary())),
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
        ("content", html(&a.body.html.unpack())),
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
        Meta::Profile(m) => m.summary.as_deref(),
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

/// The articles page `page` of topic `t` shows.
fn topic_paged<'a>(s: &Scope<'a>, t: usize, page: usize) -> (Paged, &'a [usize]) {
    let articles = &s.ed.topics[t].articles;
    let per = paging::per_page(s.site);
    let range = paging::page_range(articles.len(), page, per);
    (Paged::of(articles.len(), page, per), &articles[range])
}

/// The number of pages of topic `t`.
pub(super) fn topic_pages(s: &Scope, t: usize) -> usize {
    paging::page_count(s.ed.topics[t].articles.len(), paging::per_page(s.site))
}

/// A topic's page was last changed by its overview or by the newest article it lists.
pub(super) fn topic_writes(s: &Scope, t: usize, page: usize) -> Writes {
    let topic = &s.ed.topics[t];
    let (_, shown) = topic_paged(s, t, page);
    let articles = shown.iter().map(|&a| s.ed.articles[a].meta.updated());
    let lastmod = newest(articles.chain([topic.page.meta.updated()]));
    Writes::page(&paging::page_path(&topic.page.path, page), lastmod)
}

/// How many articles filed under a topic are dated after its overview's `updated`.
fn filed_since(ed: &Edition, t: usize) -> usize {
    let topic = &ed.topics[t];
    let Some(updated) = topic.page.meta.updated() else {
        return 0;
    };
    topic
        .articles
        .iter()
        .take_while(|&&a| {
            ed.articles[a]
                .article()
                .is_some_and(|m| m.date.date > updated.date)
        })
        .count()
}

/// Where the list of a topic is in its edition (`topics/trade/`, after the prefix).
fn topic_list_path(id: &str) -> String {
    format!("topics/{id}/")
}

pub(super) fn topic_reads(s: &Scope, t: usize, page: usize) -> Reads {
    let id = &s.ed.topics[t].page.id;
    let (paged, shown) = topic_paged(s, t, page);
    // The first page shows the topic's overview; the others its title.
    let reads = if page == 0 {
        Reads::themed().full(PageRef::Topic(t))
    } else {
        Reads::themed().link(PageRef::Topic(t))
    };
    reads
        .cards(shown.iter().copied())
        .other((
            paging::first_only(page, s.ed.topics[t].articles.len()),
            paged,
        ))
        .other(elsewhere(s, Some(id), &topic_list_path(id)))
}

pub(super) fn topic(r: &Local, t: usize, page: usize) -> Result<Files, Diagnostic> {
    let (ed, shared) = (r.ed, r.shared);
    let config = &r.site.config;
    let topic = &ed.topics[t];
    let p = &topic.page;
    let first = page == 0;
    let feed = if config.feeds.enabled && config.feeds.per_topic {
        text(&shared.url(&format!("{}atom.xml", p.path)))
    } else {
        Value::none()
    };
    let rss = if config.feeds.enabled && config.feeds.per_topic && config.feeds.rss {
        text(&shared.url(&format!("{}rss.xml", p.path)))
    } else {
        Value::none()
    };
    let [updated_iso, updated_display] = as_of(shared, p);
    let page_value = obj([
        ("id", text(&p.id)),
        ("title", text(p.title())),
        ("url", text(&shared.url(&p.path))),
        ("permalink", text(&shared.permalink(&p.path))),
        ("summary", text(if first { p.summary() } else { "" })),
        ("lead", if first { lead(p) } else { Value::none() }),
        (
            "content",
            html(&if first {
                p.body.html.unpack()
            } else {
                String::new()
            }),
        ),
        ("toc", values::toc(if first { &p.body.toc } else { &[] })),
        ("feed_url", feed),
        (
            "pack_url",
            if config.packs.enabled {
                text(&shared.url(&format!("{}pack/", p.path)))
            } else {
                Value::none()
            },
        ),
        ("rss_url", rss),
        updated_iso,
        updated_display,
        ("filed_since", Value::from(filed_since(ed, t))),
    ]);
    let preview = Share {
        title: p.title(),
        description: p.summary(),
        path: &p.path,
        kind: share::Kind::Website,
        image: p.meta.common().image.as_deref(),
    };
    let steps = [
        (shared.site_title.as_str(), r.local("")),
        (r.word("topics"), r.local("topics/")),
        (p.title(), p.path.clone()),
    ];
    let ld = json_ld::graph(vec![json_ld::breadcrumbs(shared, &steps)]);
    let (paged, shown) = topic_paged(r, t, page);
    r.page(
        "topic.html",
        &paging::page_path(&p.path, page),
        p.title(),
        "topic",
        vec![
            ("share", preview.value(shared)),
            ("json_ld", json_ld::script(&ld)),
            ("publication", values::publication(p, &shared.dates)),
            ("page", page_value),
            ("years", by_year(ed, shared, shown)),
            ("count", paging::count_value(page, topic.articles.len())),
            ("pager", paged.value(shared, &p.path)),
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

// ---- a plain page: `/<slug>/` ---------------------------------------------------------------

pub(super) fn page_writes(s: &Scope, i: usize) -> Writes {
    let p = &s.ed.pages[i];
    Writes::page(&p.path, p.meta.updated())
}

pub(super) fn page_reads(i: usize) -> Reads {
    Reads::themed().full(PageRef::Page(i))
}

pub(super) fn page(r: &Local, i: usize) -> Result<Files, Diagnostic> {
    let (p, shared) = (&r.ed.pages[i], r.shared);
    let [updated_iso, updated_display] = as_of(shared, p);
    let page_value = obj([
        ("title", text(p.title())),
        ("url", text(&shared.url(&p.path))),
        ("permalink", text(&shared.permalink(&p.path))),
        ("summary", text(p.summary())),
        ("lead", lead(p)),
        ("content", html(&p.body.html.unpack())),
        ("toc", values::toc(&p.body.toc)),
        ("extra", Value::from_serializable(&p.extra)),
        updated_iso,
        updated_display,
    ]);
    let preview = Share {
        title: p.title(),
        description: p.summary(),
        path: &p.path,
        kind: share::Kind::Website,
        image: p.meta.common().image.as_deref(),
    };
    r.page(
        "page.html",
        &p.path,
        p.title(),
        "page",
        vec![
            ("share", preview.value(shared)),
            ("publication", values::publication(p, &shared.dates)),
            ("page", page_value),
        ],
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
