//! Feeds (Atom and RSS 2.0), the sitemap and robots.txt: machine-read files, with
//! absolute URLs under `base_url`. Feeds are written by the formats' own crates
//! (`atom_syndication`, `rss`); the sitemap with an XML writer, so both are well-formed
//! whatever the content.
//!
//! A feed is described by a [`Feed`]: its title, the page it belongs to, its language and
//! the articles it carries. [`atom`] and [`rss`] write any such feed, so the site's feed,
//! a topic's and an entity's (and, with languages, a language's) are the same two calls.

use std::collections::BTreeMap;

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};
use rayon::prelude::*;
use tera::Value;

use super::job::{Listed, Reads, Scope, Writes, all_jobs};
use super::values::{Shared, text};
use crate::index::{Edition, PageRef, Site};
use crate::parse::front_matter::PageDate;

type XmlResult = std::io::Result<()>;

/// Runs `write` on an XML writer over a Vec. Writing to a Vec cannot fail, so the only
/// errors `write` could return are from the Vec, which has none.
fn xml(write: impl FnOnce(&mut Writer<Vec<u8>>) -> XmlResult) -> Vec<u8> {
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 1);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("utf-8"), None)))
        .and_then(|_| write(&mut w))
        .expect("writing XML into a Vec<u8> cannot fail");
    let mut out = w.into_inner();
    out.push(b'\n');
    out
}

fn element(w: &mut Writer<Vec<u8>>, name: &str, value: &str) -> XmlResult {
    w.create_element(name)
        .write_text_content(BytesText::new(value))
        .map(|_| ())
}

/// One feed: what it is, and what it carries.
pub struct Feed<'a> {
    pub title: String,
    /// A sentence on what it carries (`subtitle`, RSS `description`).
    pub description: &'a str,
    /// The URL path of the page the feed belongs to (`""`, `topics/trade/`); the feed
    /// files are `atom.xml` and `rss.xml` in it.
    pub page: &'a str,
    /// The language code of the feed.
    pub language: &'a str,
    /// Indices into the edition's articles, newest first.
    pub articles: &'a [usize],
    /// Each entry's content, by article index: its HTML with absolute URLs. Articles
    /// without one are carried as their summary only.
    pub bodies: &'a BTreeMap<usize, String>,
}

/// The feeds of one language's edition: the edition's, then (when enabled) one per topic,
/// each as the page it belongs to (`""` or `ur/`, `topics/<id>/` or `ur/topics/<id>/`) and
/// the articles it carries, newest first.
fn feed_lists<'a>(s: &'a Scope) -> Vec<(&'a str, Vec<usize>)> {
    let (ed, config) = (s.ed, &s.site.config);
    let limit = config.feeds.limit;
    let mut feeds = vec![(
        s.prefix.as_str(),
        (0..ed.articles.len().min(limit)).collect(),
    )];
    if config.feeds.per_topic {
        feeds.extend(ed.topics.iter().map(|t| {
            let shown = &t.articles[..t.articles.len().min(limit)];
            (t.page.path.as_str(), shown.to_vec())
        }));
    }
    feeds
}

/// The files of the feeds of the page at `page`.
fn feed_files(site: &Site, page: &str) -> Vec<String> {
    let mut files = vec![format!("{page}atom.xml")];
    if site.config.feeds.rss {
        files.push(format!("{page}rss.xml"));
    }
    files
}

pub(super) fn feeds_writes(s: &Scope) -> Writes {
    Writes::files(
        feed_lists(s)
            .into_iter()
            .flat_map(|(page, _)| feed_files(s.site, page))
            .collect(),
    )
}

/// The feeds carry their articles in full, and the titles of the topics (feed titles,
/// entry categories).
pub(super) fn feeds_reads(s: &Scope) -> Reads {
    let mut reads = Reads::default();
    let feeds = feed_lists(s);
    for (_, articles) in &feeds {
        reads = reads.articles_in_full(articles.iter().copied());
    }
    for t in 0..s.ed.topics.len() {
        reads = reads.link(PageRef::Topic(t));
    }
    let cut: Vec<usize> = feeds.iter().map(|(_, a)| a.len()).collect();
    reads.other(cut)
}

/// `/atom.xml` and `/rss.xml`, and the same under `/topics/<id>/` when enabled, of one
/// language's edition (`/ur/atom.xml`, `/ur/topics/<id>/atom.xml`), in its language.
pub fn site_feeds(s: &Scope, shared: &Shared) -> super::Files {
    let lists = feed_lists(s);
    let mut wanted: Vec<usize> = lists.iter().flat_map(|(_, a)| a.iter().copied()).collect();
    wanted.sort_unstable();
    wanted.dedup();
    let bodies: BTreeMap<usize, String> = wanted
        .into_par_iter()
        .map(|i| {
            let a = &s.ed.articles[i];
            (
                i,
                absolute_html(&a.body.html.unpack(), &shared.permalink(&a.path)),
            )
        })
        .collect();
    let mut files = Vec::new();
    for (page, articles) in &lists {
        let title = match s.ed.topics.iter().find(|t| t.page.path == *page) {
            Some(topic) => format!("{} — {}", shared.site_title, topic.page.title()),
            None => shared.site_title.clone(),
        };
        let feed = Feed {
            title,
            description: &shared.site_description,
            page,
            language: &shared.language.code,
            articles,
            bodies: &bodies,
        };
        files.extend(both(s, shared, &feed));
    }
    files
}

/// A feed's files: Atom, and RSS when enabled.
fn both(s: &Scope, shared: &Shared, feed: &Feed) -> super::Files {
    let mut files = vec![(format!("{}atom.xml", feed.page), atom(s, shared, feed))];
    if s.site.config.feeds.rss {
        files.push((format!("{}rss.xml", feed.page), rss(s, shared, feed)));
    }
    files
}

/// Whether entities get feeds.
fn entity_feeds_on(site: &Site) -> bool {
    site.config.feeds.enabled && site.config.feeds.per_entity
}

/// The feed files of the entity page at `path`, written by its job.
pub(super) fn entity_feed_files(site: &Site, path: &str) -> Vec<String> {
    if entity_feeds_on(site) {
        feed_files(site, path)
    } else {
        Vec::new()
    }
}

/// The Atom and RSS URLs of the entity page at `path`, for its template (none when off).
pub(super) fn entity_feed_urls(site: &Site, shared: &Shared, path: &str) -> (Value, Value) {
    if !entity_feeds_on(site) {
        return (Value::none(), Value::none());
    }
    let rss = if site.config.feeds.rss {
        text(&shared.url(&format!("{path}rss.xml")))
    } else {
        Value::none()
    };
    (text(&shared.url(&format!("{path}atom.xml"))), rss)
}

/// How many of an entity's `count` articles (newest first) its feeds carry.
pub(super) fn entity_feed_len(site: &Site, count: usize) -> usize {
    if entity_feeds_on(site) {
        count.min(site.config.feeds.limit)
    } else {
        0
    }
}

/// The feeds of an entity: its newest articles, each as its summary and link (the site's
/// and topics' feeds carry the full text).
pub(super) fn entity_feeds(
    s: &Scope,
    shared: &Shared,
    name: &str,
    path: &str,
    articles: &[usize],
) -> super::Files {
    let site = s.site;
    if !entity_feeds_on(site) {
        return Vec::new();
    }
    let shown = &articles[..entity_feed_len(site, articles.len())];
    let feed = Feed {
        title: format!("{} — {name}", shared.site_title),
        description: &shared.site_description,
        page: path,
        language: &shared.language.code,
        articles: shown,
        bodies: &BTreeMap::new(),
    };
    both(s, shared, &feed)
}

/// `html` with every link and image made absolute against `page_url`, the address of the
/// page it is shown on: feed readers show it elsewhere, where root-relative and relative
/// URLs would lead nowhere. A `#fragment` alone points into that page.
pub fn absolute_html(html: &str, page_url: &str) -> String {
    let Ok(base) = url::Url::parse(page_url) else {
        return html.to_string();
    };
    let absolute = |value: &str| -> Option<String> {
        if value.is_empty() || crate::parse::markdown::has_scheme(value) {
            return None;
        }
        base.join(value).ok().map(String::from)
    };
    let rewrite = |el: &mut lol_html::html_content::Element, attr: &str| {
        if let Some(new) = el.get_attribute(attr).and_then(|v| absolute(&v)) {
            // The name is one lol_html just read, so setting it cannot fail.
            let _ = el.set_attribute(attr, &new);
        }
    };
    let settings = lol_html::RewriteStrSettings::new()
        .append_element_content_handler(lol_html::element!("[href]", |el| {
            rewrite(el, "href");
            Ok(())
        }))
        .append_element_content_handler(lol_html::element!("[src]", |el| {
            rewrite(el, "src");
            Ok(())
        }));
    lol_html::rewrite_str(html, settings).unwrap_or_else(|_| html.to_string())
}

/// A date for `atom_syndication`.
fn fixed(date: PageDate) -> chrono::DateTime<chrono::FixedOffset> {
    let t = date.instant;
    chrono::DateTime::from_timestamp(t.as_second(), t.subsec_nanosecond().max(0) as u32)
        .unwrap_or_default()
        .fixed_offset()
}

/// A date as RSS writes it (RFC 2822).
fn rfc2822(date: PageDate) -> String {
    let zoned = date.instant.to_zoned_datetime(jiff::tz::TimeZone::UTC);
    jiff::fmt::rfc2822::to_string(&zoned).unwrap_or_else(|_| date.rfc3339())
}

/// The newest date in a feed; an empty feed is of the epoch, so output stays stable.
fn feed_updated(ed: &Edition, articles: &[usize]) -> Option<PageDate> {
    articles
        .iter()
        .filter_map(|&i| ed.articles[i].article())
        .map(|m| m.last_modified())
        .max()
}

/// The topics of an article as (id, title, URL): in the feed's language, else in the
/// language that has the topic.
fn topics_of<'s>(
    s: &'s Scope,
    ids: &'s [String],
) -> impl Iterator<Item = (&'s str, &'s str, &'s str)> {
    ids.iter().map(move |id| {
        let topic = s.ed.topic(id).map(|t| &s.ed.topics[t].page).or_else(|| {
            s.site
                .editions
                .iter()
                .find_map(|e| e.topic(id).map(|t| &e.topics[t].page))
        });
        match topic {
            Some(t) => (id.as_str(), t.title(), t.path.as_str()),
            None => (id.as_str(), id.as_str(), ""),
        }
    })
}

/// The Atom document of `feed`.
pub fn atom(s: &Scope, shared: &Shared, feed: &Feed) -> Vec<u8> {
    let site = s.site;
    use atom_syndication as a;
    let self_url = shared.permalink(&format!("{}atom.xml", feed.page));
    let link = |href: String, rel: &str, mime: &str| a::Link {
        href,
        rel: rel.to_string(),
        mime_type: Some(mime.to_string()),
        ..a::Link::default()
    };
    let entries = feed
        .articles
        .iter()
        .filter_map(|&i| {
            let page = &s.ed.articles[i];
            let meta = page.article()?;
            let url = shared.permalink(&page.path);
            Some(a::Entry {
                title: a::Text::plain(meta.title.as_str()),
                id: url.clone(),
                updated: fixed(meta.last_modified()),
                published: Some(fixed(meta.date)),
                authors: meta
                    .authors
                    .iter()
                    .map(|n| a::Person {
                        name: n.clone(),
                        ..a::Person::default()
                    })
                    .collect(),
                categories: topics_of(s, &meta.topics)
                    .map(|(id, title, _)| a::Category {
                        term: id.to_string(),
                        label: Some(title.to_string()),
                        ..a::Category::default()
                    })
                    .collect(),
                links: vec![link(url, "alternate", "text/html")],
                summary: (!page.summary().is_empty()).then(|| a::Text::plain(page.summary())),
                content: feed.bodies.get(&i).map(|body| a::Content {
                    value: Some(body.clone()),
                    content_type: Some("html".to_string()),
                    ..a::Content::default()
                }),
                ..a::Entry::default()
            })
        })
        .collect();
    let atom_feed = a::Feed {
        title: a::Text::plain(feed.title.as_str()),
        id: self_url.clone(),
        updated: feed_updated(s.ed, feed.articles).map_or_else(Default::default, fixed),
        authors: site
            .config
            .author
            .iter()
            .map(|n| a::Person {
                name: n.clone(),
                ..a::Person::default()
            })
            .collect(),
        generator: Some(a::Generator {
            value: "attache".to_string(),
            ..a::Generator::default()
        }),
        links: vec![
            link(self_url, "self", "application/atom+xml"),
            link(shared.permalink(feed.page), "alternate", "text/html"),
        ],
        subtitle: (!feed.description.is_empty()).then(|| a::Text::plain(feed.description)),
        entries,
        lang: Some(feed.language.to_string()),
        ..a::Feed::default()
    };
    let config = a::WriteConfig {
        write_document_declaration: true,
        indent_size: Some(1),
    };
    let mut out = atom_feed
        .write_with_config(Vec::new(), config)
        .unwrap_or_default();
    out.push(b'\n');
    out
}

/// The RSS 2.0 document of `feed`: summaries as `description`, the text (when the feed
/// carries it) as `content:encoded`.
pub fn rss(s: &Scope, shared: &Shared, feed: &Feed) -> Vec<u8> {
    let self_url = shared.permalink(&format!("{}rss.xml", feed.page));
    let items = feed
        .articles
        .iter()
        .filter_map(|&i| {
            let page = &s.ed.articles[i];
            let meta = page.article()?;
            let url = shared.permalink(&page.path);
            Some(rss::Item {
                title: Some(meta.title.clone()),
                link: Some(url.clone()),
                description: (!page.summary().is_empty()).then(|| page.summary().to_owned()),
                guid: Some(rss::Guid {
                    value: url,
                    permalink: true,
                }),
                pub_date: Some(rfc2822(meta.date)),
                categories: topics_of(s, &meta.topics)
                    .map(|(_, title, path)| rss::Category {
                        name: title.to_string(),
                        domain: (!path.is_empty()).then(|| shared.permalink(path)),
                    })
                    .collect(),
                content: feed.bodies.get(&i).cloned(),
                ..rss::Item::default()
            })
        })
        .collect();
    let channel = rss::Channel {
        title: feed.title.clone(),
        link: shared.permalink(feed.page),
        description: if feed.description.is_empty() {
            feed.title.clone()
        } else {
            feed.description.to_string()
        },
        language: Some(feed.language.to_string()),
        last_build_date: feed_updated(s.ed, feed.articles).map(rfc2822),
        generator: Some("attache".to_string()),
        managing_editor: None,
        atom_ext: Some(rss::extension::atom::AtomExtension {
            links: vec![rss::extension::atom::Link {
                href: self_url,
                rel: "self".to_string(),
                mime_type: Some("application/rss+xml".to_string()),
                ..Default::default()
            }],
        }),
        items,
        ..rss::Channel::default()
    };
    let mut out = channel
        .pretty_write_to(Vec::new(), b' ', 1)
        .unwrap_or_default();
    out.push(b'\n');
    out
}

pub(super) fn sitemap_writes() -> Writes {
    Writes::files(vec!["sitemap.xml".to_string()])
}

/// The sitemap shows the entry every job declares.
pub(super) fn sitemap_reads() -> Reads {
    Reads {
        listings: true,
        ..Reads::default()
    }
}

/// `/sitemap.xml`: every page a job lists (every HTML page but the 404 pages), in every
/// language, each with its versions in the other languages as `xhtml:link` alternates.
pub fn sitemap(site: &Site, shared: &Shared) -> super::Files {
    let urls: Vec<Listed> = all_jobs(site)
        .into_iter()
        .filter_map(|job| job.writes(site).listed)
        .collect();
    sitemap_of(urls.iter(), site, shared)
}

/// The sitemap of the entries `urls` (in the order of the jobs), for a caller that has
/// every job's [`Writes`] at hand already (`serve` keeps them).
pub fn sitemap_of<'a>(
    urls: impl Iterator<Item = &'a Listed> + Clone,
    site: &Site,
    shared: &Shared,
) -> super::Files {
    let languages = &site.config.languages;
    let translated = urls.clone().any(|u| !u.alternates.is_empty());
    let xml = xml(|w| {
        let mut urlset = w
            .create_element("urlset")
            .with_attribute(("xmlns", "http://www.sitemaps.org/schemas/sitemap/0.9"));
        if translated {
            urlset = urlset.with_attribute(("xmlns:xhtml", "http://www.w3.org/1999/xhtml"));
        }
        urlset
            .write_inner_content(|w| {
                for entry in urls.clone() {
                    w.create_element("url").write_inner_content(|w| {
                        element(w, "loc", &shared.permalink(&entry.path))?;
                        if let Some(lastmod) = &entry.lastmod {
                            element(w, "lastmod", &lastmod.iso())?;
                        }
                        let x_default = entry.alternates.first().map(|(_, p)| ("x-default", p));
                        let versions = entry
                            .alternates
                            .iter()
                            .map(|(lang, path)| (languages[*lang].code.as_str(), path));
                        for (hreflang, path) in versions.chain(x_default) {
                            w.create_element("xhtml:link")
                                .with_attribute(("rel", "alternate"))
                                .with_attribute(("hreflang", hreflang))
                                .with_attribute(("href", shared.permalink(path).as_str()))
                                .write_empty()?;
                        }
                        Ok(())
                    })?;
                }
                Ok(())
            })
            .map(|_| ())
    });
    vec![("sitemap.xml".to_string(), xml)]
}

pub(super) fn robots_writes() -> Writes {
    Writes::files(vec!["robots.txt".to_string()])
}

/// Only settings: nothing from the site.
pub(super) fn robots_reads() -> Reads {
    Reads::default()
}

pub fn robots(shared: &Shared) -> super::Files {
    let text = format!(
        "User-agent: *\nAllow: /\n\nSitemap: {}\n",
        shared.permalink("sitemap.xml")
    );
    vec![("robots.txt".to_string(), text.into_bytes())]
}
