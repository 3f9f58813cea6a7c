//! Atom feeds, the sitemap and robots.txt: machine-read files, written with an XML writer
//! so they are well-formed whatever the content, and with absolute URLs under `base_url`.

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};

use super::job::{Reads, Scope, Writes, all_jobs};
use super::values::Shared;
use crate::index::{PageRef, Site};

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

pub(super) fn feeds_writes(s: &Scope) -> Writes {
    Writes::files(
        feed_lists(s)
            .into_iter()
            .map(|(page, _)| format!("{page}atom.xml"))
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

/// `/atom.xml`, and `/topics/<id>/atom.xml` for each topic when enabled, of one language's
/// edition (`/ur/atom.xml`, `/ur/topics/<id>/atom.xml`), in its language.
pub fn atom_feeds(s: &Scope, shared: &Shared) -> super::Files {
    let config = &s.site.config;
    feed_lists(s)
        .into_iter()
        .map(|(page, articles)| {
            let title = match s.ed.topics.iter().find(|t| t.page.path == page) {
                Some(topic) => format!("{} — {}", config.title, topic.page.title()),
                None => config.title.clone(),
            };
            (
                format!("{page}atom.xml"),
                atom(s, shared, &title, page, &articles),
            )
        })
        .collect()
}

fn atom(s: &Scope, shared: &Shared, title: &str, page_path: &str, shown: &[usize]) -> Vec<u8> {
    let (site, config) = (s.ed, &s.site.config);
    let self_url = shared.permalink(&format!("{page_path}atom.xml"));
    // Newest date in the feed; feeds of an empty site use the epoch so output stays stable.
    let updated = shown
        .iter()
        .filter_map(|&i| site.articles[i].article())
        .map(|m| m.last_modified())
        .max()
        .map_or_else(|| "1970-01-01T00:00:00Z".to_string(), |d| d.rfc3339());
    xml(|w| {
        w.create_element("feed")
            .with_attribute(("xmlns", "http://www.w3.org/2005/Atom"))
            .with_attribute(("xml:lang", shared.language.code.as_str()))
            .write_inner_content(|w| {
                element(w, "title", title)?;
                if !config.description.is_empty() {
                    element(w, "subtitle", &config.description)?;
                }
                w.create_element("link")
                    .with_attribute(("href", self_url.as_str()))
                    .with_attribute(("rel", "self"))
                    .with_attribute(("type", "application/atom+xml"))
                    .write_empty()?;
                w.create_element("link")
                    .with_attribute(("href", shared.permalink(page_path).as_str()))
                    .with_attribute(("rel", "alternate"))
                    .with_attribute(("type", "text/html"))
                    .write_empty()?;
                element(w, "id", &self_url)?;
                element(w, "updated", &updated)?;
                w.create_element("generator")
                    .write_text_content(BytesText::new("attache"))?;
                if let Some(author) = &config.author {
                    w.create_element("author")
                        .write_inner_content(|w| element(w, "name", author))?;
                }
                for &i in shown {
                    entry(w, s, shared, i)?;
                }
                Ok(())
            })
            .map(|_| ())
    })
}

fn entry(w: &mut Writer<Vec<u8>>, s: &Scope, shared: &Shared, i: usize) -> XmlResult {
    let page = &s.ed.articles[i];
    let Some(meta) = page.article() else {
        return Ok(());
    };
    let link = shared.permalink(&page.path);
    w.create_element("entry")
        .write_inner_content(|w| {
            element(w, "title", &meta.title)?;
            w.create_element("link")
                .with_attribute(("href", link.as_str()))
                .with_attribute(("rel", "alternate"))
                .with_attribute(("type", "text/html"))
                .write_empty()?;
            element(w, "id", &link)?;
            element(w, "published", &meta.date.rfc3339())?;
            let updated = meta.last_modified();
            element(w, "updated", &updated.rfc3339())?;
            for author in &meta.authors {
                w.create_element("author")
                    .write_inner_content(|w| element(w, "name", author))?;
            }
            for id in &meta.topics {
                let label = s
                    .site
                    .editions
                    .iter()
                    .find_map(|e| e.topic(id).map(|t| e.topics[t].page.title()))
                    .unwrap_or(id.as_str());
                w.create_element("category")
                    .with_attribute(("term", id.as_str()))
                    .with_attribute(("label", label))
                    .write_empty()?;
            }
            if !page.summary.is_empty() {
                element(w, "summary", &page.summary)?;
            }
            w.create_element("content")
                .with_attribute(("type", "html"))
                .write_text_content(BytesText::new(&page.body.html))?;
            Ok(())
        })
        .map(|_| ())
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

/// Every page's entry, in the order of the jobs.
fn entries(site: &Site) -> Vec<super::job::Listed> {
    all_jobs(site)
        .into_iter()
        .filter_map(|job| job.writes(site).listed)
        .collect()
}

/// `/sitemap.xml`: every page a job lists (every HTML page but the 404 pages), in every
/// language, each with its versions in the other languages as `xhtml:link` alternates.
pub fn sitemap(site: &Site, shared: &Shared) -> super::Files {
    let urls = entries(site);
    let languages = &site.config.languages;
    let translated = urls.iter().any(|u| !u.alternates.is_empty());
    let xml = xml(|w| {
        let mut urlset = w
            .create_element("urlset")
            .with_attribute(("xmlns", "http://www.sitemaps.org/schemas/sitemap/0.9"));
        if translated {
            urlset = urlset.with_attribute(("xmlns:xhtml", "http://www.w3.org/1999/xhtml"));
        }
        urlset
            .write_inner_content(|w| {
                for entry in &urls {
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
