//! Atom feeds, the sitemap and robots.txt: machine-read files, written with an XML writer
//! so they are well-formed whatever the content, and with absolute URLs under `base_url`.

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};

use super::job::{Reads, Writes, all_jobs};
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

/// The feeds: the site's, then (when enabled) one per topic, each as the page it belongs to
/// (`""`, `topics/<id>/`) and the articles it carries, newest first.
fn feed_lists(site: &Site) -> Vec<(&str, Vec<usize>)> {
    let limit = site.config.feeds.limit;
    let mut feeds = vec![("", (0..site.articles.len().min(limit)).collect())];
    if site.config.feeds.per_topic {
        feeds.extend(site.topics.iter().map(|t| {
            let shown = &t.articles[..t.articles.len().min(limit)];
            (t.page.path.as_str(), shown.to_vec())
        }));
    }
    feeds
}

pub(super) fn feeds_writes(site: &Site) -> Writes {
    Writes::files(
        feed_lists(site)
            .into_iter()
            .map(|(page, _)| format!("{page}atom.xml"))
            .collect(),
    )
}

/// The feeds carry their articles in full, and the titles of the topics (feed titles,
/// entry categories).
pub(super) fn feeds_reads(site: &Site) -> Reads {
    let mut reads = Reads::default();
    let feeds = feed_lists(site);
    for (_, articles) in &feeds {
        reads = reads.articles_in_full(articles.iter().copied());
    }
    for t in 0..site.topics.len() {
        reads = reads.link(PageRef::Topic(t));
    }
    let cut: Vec<usize> = feeds.iter().map(|(_, a)| a.len()).collect();
    reads.other(cut)
}

/// `/atom.xml`, and `/topics/<id>/atom.xml` for each topic when enabled.
pub fn atom_feeds(site: &Site, shared: &Shared) -> super::Files {
    feed_lists(site)
        .into_iter()
        .map(|(page, articles)| {
            let title = match site.topics.iter().find(|t| t.page.path == page) {
                Some(topic) if !page.is_empty() => {
                    format!("{} — {}", site.config.title, topic.page.title())
                }
                _ => site.config.title.clone(),
            };
            (
                format!("{page}atom.xml"),
                atom(site, shared, &title, page, &articles),
            )
        })
        .collect()
}

fn atom(site: &Site, shared: &Shared, title: &str, page_path: &str, shown: &[usize]) -> Vec<u8> {
    let config = &site.config;
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
            .with_attribute(("xml:lang", config.default_language().code.as_str()))
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
                    entry(w, site, shared, i)?;
                }
                Ok(())
            })
            .map(|_| ())
    })
}

fn entry(w: &mut Writer<Vec<u8>>, site: &Site, shared: &Shared, i: usize) -> XmlResult {
    let page = &site.articles[i];
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
                let label = site
                    .topics
                    .iter()
                    .find(|t| &t.page.id == id)
                    .map_or(id.as_str(), |t| t.page.title());
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

/// `/sitemap.xml`: every page a job lists (every HTML page but the 404 page).
pub fn sitemap(site: &Site, shared: &Shared) -> super::Files {
    let urls = entries(site);
    let xml = xml(|w| {
        w.create_element("urlset")
            .with_attribute(("xmlns", "http://www.sitemaps.org/schemas/sitemap/0.9"))
            .write_inner_content(|w| {
                for entry in &urls {
                    w.create_element("url").write_inner_content(|w| {
                        element(w, "loc", &shared.permalink(&entry.path))?;
                        if let Some(lastmod) = &entry.lastmod {
                            element(w, "lastmod", &lastmod.iso())?;
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
