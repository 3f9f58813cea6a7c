//! Atom feeds, the sitemap and robots.txt: machine-read files, written with an XML writer
//! so they are well-formed whatever the content, and with absolute URLs under `base_url`.

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};

use super::values::Shared;
use crate::index::{EntityKind, Site};

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

/// `/atom.xml`, and `/topics/<id>/atom.xml` for each topic when enabled.
pub fn atom_feeds(site: &Site, shared: &Shared) -> super::Files {
    let all: Vec<usize> = (0..site.articles.len()).collect();
    let mut feeds = vec![(
        "atom.xml".to_string(),
        atom(site, shared, &site.config.title, "", &all),
    )];
    if site.config.feeds.per_topic {
        for topic in &site.topics {
            let title = format!("{} — {}", site.config.title, topic.page.title());
            let path = format!("{}atom.xml", topic.page.path);
            let feed = atom(site, shared, &title, &topic.page.path, &topic.articles);
            feeds.push((path, feed));
        }
    }
    feeds
}

fn atom(site: &Site, shared: &Shared, title: &str, page_path: &str, articles: &[usize]) -> Vec<u8> {
    let config = &site.config;
    let self_url = shared.permalink(&format!("{page_path}atom.xml"));
    let shown = &articles[..articles.len().min(config.feeds.limit)];
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

/// `/sitemap.xml`: every HTML page but the 404 page.
pub fn sitemap(site: &Site, shared: &Shared) -> Vec<u8> {
    let mut urls: Vec<(String, Option<String>)> = vec![
        (String::new(), None),
        ("topics/".into(), None),
        ("timeline/".into(), None),
    ];
    for a in &site.articles {
        let lastmod = a.article().map(|m| m.last_modified().iso());
        urls.push((a.path.clone(), lastmod));
    }
    urls.extend(site.topics.iter().map(|t| (t.page.path.clone(), None)));
    urls.extend(site.pages.iter().map(|p| (p.path.clone(), None)));
    for kind in EntityKind::ALL {
        if kind.enabled(&site.config) {
            urls.push((format!("{}/", kind.key()), None));
            for e in &site.entities[&kind] {
                urls.push((format!("{}/{}/", kind.key(), e.slug), None));
            }
        }
    }
    if site.config.search.enabled {
        urls.push(("search/".into(), None));
    }
    xml(|w| {
        w.create_element("urlset")
            .with_attribute(("xmlns", "http://www.sitemaps.org/schemas/sitemap/0.9"))
            .write_inner_content(|w| {
                for (path, lastmod) in &urls {
                    w.create_element("url").write_inner_content(|w| {
                        element(w, "loc", &shared.permalink(path))?;
                        if let Some(lastmod) = lastmod {
                            element(w, "lastmod", lastmod)?;
                        }
                        Ok(())
                    })?;
                }
                Ok(())
            })
            .map(|_| ())
    })
}

pub fn robots(shared: &Shared) -> Vec<u8> {
    format!(
        "User-agent: *\nAllow: /\n\nSitemap: {}\n",
        shared.permalink("sitemap.xml")
    )
    .into_bytes()
}
