//! From the indexed [`Site`] to a [`Pack`]: which pages it holds, in which order, and the
//! lists gathered from them (sources, people, organizations).

use std::collections::HashMap;

use super::{
    Language, Links, MAX_MARKDOWN_BYTES, Named, Overview, Pack, PackArticle, PackSource, Scope,
    TopicRef, Words,
};
use crate::config::PackOrder;
use crate::error::{Diagnostic, Problem, did_you_mean};
use crate::i18n::Lang;
use crate::index::{Edition, EntityKind, Site};
use crate::parse::front_matter::{ArticleMeta, Source};
use crate::parse::markdown::MarkdownOptions;
use crate::parse::{Meta, Page};

/// The pack of `scope`, of the pages written in `lang`. An unknown topic id is an error
/// that names the known ones; a page parsed without its Markdown (see
/// [`crate::parse::ParseOptions::keep_markdown`]) is an error too, as the pack could not
/// show its body.
pub(crate) fn assemble<'s>(
    site: &'s Site,
    lang: Lang,
    scope: &Scope,
) -> Result<Pack<'s>, Diagnostic> {
    let ed = &site.editions[lang];
    let code = site
        .config
        .languages
        .get(lang)
        .map_or("en", |l| l.code.as_str());
    let words = Words::for_language(code);
    let members = members(site, lang, scope)?;
    let size = members.size(ed);
    // A pack over the limit shows no body (see [`Pack::too_large`]), so it is only its
    // cover: no articles, sources, names or links are worked out, which at 10,000 articles
    // would be nearly all of its cost, paid again on every edit under `serve`.
    let shows_bodies = size.0 <= MAX_MARKDOWN_BYTES;
    let Members { topics, articles } = members;
    let held = articles.len();
    let as_of_articles = articles
        .iter()
        .filter_map(|&a| ed.articles[a].article().map(ArticleMeta::last_modified))
        .max();
    let articles = if shows_bodies { articles } else { Vec::new() };
    let position = positions(ed, &articles);
    let topic_anchor: HashMap<&str, String> = topics
        .iter()
        .map(|&t| {
            let id = ed.topics[t].page.id.as_str();
            (id, format!("topic-{id}"))
        })
        .collect();

    let mut pack_articles = Vec::with_capacity(articles.len());
    let mut sources = Sources::default();
    for (p, &a) in articles.iter().enumerate() {
        let page = &ed.articles[a];
        let Some(meta) = page.article() else { continue };
        let cited = meta
            .sources
            .iter()
            .map(|s| sources.cite(s, p))
            .fold(Vec::new(), |mut v, i| {
                if !v.contains(&i) {
                    v.push(i);
                }
                v
            });
        pack_articles.push(article(
            site,
            lang,
            page,
            meta,
            &topic_anchor,
            markdown(page, shows_bodies)?,
            cited,
        ));
    }

    let overviews = topics
        .iter()
        .map(|&t| {
            let topic = &ed.topics[t];
            let page = &topic.page;
            Ok(Overview {
                page,
                id: &page.id,
                title: page.title(),
                summary: page.summary(),
                updated: match &page.meta {
                    Meta::Topic(m) => m.updated,
                    _ => None,
                },
                anchor: topic_anchor[page.id.as_str()].clone(),
                body: markdown(page, shows_bodies)?,
                article_count: if shows_bodies {
                    topic
                        .articles
                        .iter()
                        .filter(|&&a| position[a].is_some())
                        .count()
                } else {
                    topic.articles.len()
                },
            })
        })
        .collect::<Result<Vec<_>, Diagnostic>>()?;

    let as_of = as_of_articles
        .into_iter()
        .chain(overviews.iter().filter_map(|o| o.updated))
        .max();
    let named = |kind: EntityKind| named_in(ed, kind, &position);
    let (title, summary) = match scope {
        Scope::Briefing => (words.briefing_title, site.config.description_in(lang)),
        Scope::Topic(_) => (overviews[0].title, overviews[0].summary),
    };
    let links = shows_bodies.then(|| links(site, lang, &topic_anchor, &position));
    Ok(Pack {
        scope: scope.clone(),
        site_title: site.config.title_in(lang),
        title,
        summary,
        as_of,
        language: Language::new(code),
        words,
        people: named(EntityKind::People),
        organizations: named(EntityKind::Organizations),
        overviews,
        articles: pack_articles,
        held,
        size,
        sources: sources.list,
        links,
    })
}

/// The pages a pack holds, as indices into its language's [`Edition`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Members {
    /// Its topics (their overviews), in the edition's order.
    pub topics: Vec<usize>,
    /// Its articles, in the pack's order (`packs.order`).
    pub articles: Vec<usize>,
}

/// Which pages the pack of `scope` in `lang` holds, in reading order, without reading
/// them: what a renderer declares it shows. An unknown topic id is an error that names the
/// known ones.
pub(crate) fn members(site: &Site, lang: Lang, scope: &Scope) -> Result<Members, Diagnostic> {
    let ed = &site.editions[lang];
    let (topics, mut articles): (Vec<usize>, Vec<usize>) = match scope {
        Scope::Briefing => (
            (0..ed.topics.len()).collect(),
            (0..ed.articles.len()).collect(),
        ),
        Scope::Topic(id) => {
            let t = topic_position(ed, id)?;
            (vec![t], ed.topics[t].articles.clone())
        }
    };
    order(&mut articles, ed, site.config.packs.order);
    Ok(Members { topics, articles })
}

impl Members {
    /// How many bytes of Markdown the pack's bodies hold, and the file of the largest
    /// (as [`Pack::size`], without assembling the pack).
    pub(crate) fn size<'s>(&self, ed: &'s Edition) -> (usize, Option<&'s std::path::Path>) {
        let pages = self
            .topics
            .iter()
            .map(|&t| &ed.topics[t].page)
            .chain(self.articles.iter().map(|&a| &ed.articles[a]));
        super::largest(pages.map(|p| (p.markdown_len, p)))
    }
}

/// The people or organizations the pack's articles name (`position`: edition article
/// index to pack article index), each with the pack's articles naming them.
pub(crate) fn named_in<'s>(
    ed: &'s Edition,
    kind: EntityKind,
    position: &[Option<usize>],
) -> Vec<Named<'s>> {
    ed.entities[&kind]
        .iter()
        .filter_map(|e| {
            let mut in_pack: Vec<usize> = e.articles.iter().filter_map(|&a| position[a]).collect();
            in_pack.sort_unstable();
            let profile = ed.profile_of(e).and_then(Page::profile);
            (!in_pack.is_empty()).then_some(Named {
                name: &e.name,
                role: profile.and_then(|m| m.role_line()),
                articles: in_pack,
            })
        })
        .collect()
}

/// Edition article index to pack article index, for the pack's `articles` in order.
pub(crate) fn positions(ed: &Edition, articles: &[usize]) -> Vec<Option<usize>> {
    let mut position: Vec<Option<usize>> = vec![None; ed.articles.len()];
    for (p, &a) in articles.iter().enumerate() {
        position[a] = Some(p);
    }
    position
}

fn topic_position(ed: &Edition, id: &str) -> Result<usize, Diagnostic> {
    ed.topic(id).ok_or_else(|| {
        let ids: Vec<&str> = ed.topics.iter().map(|t| t.page.id.as_str()).collect();
        let mut known: Vec<String> = ids.iter().map(|s| s.to_string()).collect();
        known.sort();
        Diagnostic::new(
            "--topic",
            Problem::UnknownTopic {
                topic: id.to_string(),
                suggestion: did_you_mean(id, ids.iter().copied()),
                known,
            },
        )
    })
}

/// Articles arrive newest first (the site's order); a pack may read oldest first.
fn order(articles: &mut [usize], ed: &Edition, order: PackOrder) {
    let key = |&i: &usize| ed.articles[i].article().map(|m| m.date);
    match order {
        PackOrder::NewestFirst => articles.sort_by(|a, b| key(b).cmp(&key(a)).then(a.cmp(b))),
        PackOrder::OldestFirst => articles.sort_by(|a, b| key(a).cmp(&key(b)).then(a.cmp(b))),
    }
}

/// The Markdown of a page in a pack; none is needed when the pack shows no body, and a
/// build keeps none for such pages.
fn markdown(page: &Page, shows_bodies: bool) -> Result<&str, Diagnostic> {
    if !shows_bodies {
        return Ok(page.markdown.as_deref().unwrap_or(""));
    }
    page.markdown.as_deref().ok_or_else(|| {
        Diagnostic::new(
            page.display.clone(),
            Problem::Pack(
                "the page was read without its Markdown, so a pack cannot show it".into(),
            ),
        )
    })
}

fn article<'s>(
    site: &'s Site,
    lang: Lang,
    page: &'s Page,
    meta: &'s ArticleMeta,
    topic_anchor: &HashMap<&str, String>,
    body: &'s str,
    sources: Vec<usize>,
) -> PackArticle<'s> {
    let topics = meta
        .topics
        .iter()
        .map(|id| TopicRef {
            id,
            // In the pack's language where the topic has a version in it.
            title: std::iter::once(&site.editions[lang])
                .chain(&site.editions)
                .find_map(|e| e.topic(id).map(|t| e.topics[t].page.title()))
                .unwrap_or(id.as_str()),
            anchor: topic_anchor.get(id.as_str()).cloned(),
        })
        .collect();
    PackArticle {
        page,
        title: &meta.title,
        date: meta.date,
        updated: meta.updated.filter(|u| u.date > meta.date.date),
        location: meta.location.as_deref(),
        summary: meta
            .summary
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty()),
        key_points: &meta.key_points,
        topics,
        people: &meta.people,
        organizations: &meta.organizations,
        anchor: format!("article-{}", page.id),
        url: format!("{}{}", site.config.base_url, page.path),
        body,
        sources,
    }
}

/// The pack's sources, each once: the same URL (or, without one, the same title and
/// publisher) is one source, numbered where it is first cited.
#[derive(Default)]
struct Sources<'s> {
    list: Vec<PackSource<'s>>,
    by_key: HashMap<String, usize>,
}

impl<'s> Sources<'s> {
    /// Records that pack article `article` cites `source`; returns the source's index.
    fn cite(&mut self, source: &'s Source, article: usize) -> usize {
        let given = |s: &'s Option<String>| s.as_deref().map(str::trim).filter(|s| !s.is_empty());
        let next = self.list.len();
        let i = *self.by_key.entry(source_key(source)).or_insert(next);
        if i == next {
            self.list.push(PackSource {
                number: next + 1,
                title: given(&source.title),
                description: given(&source.description),
                publisher: None,
                url: None,
                date: None,
                dateline: None,
                anchor: format!("source-{}", next + 1),
                cited_by: Vec::new(),
            });
        }
        let entry = &mut self.list[i];
        // A later citation may know what an earlier one left out.
        entry.publisher = entry.publisher.or(given(&source.publisher));
        entry.url = entry.url.or(given(&source.url));
        entry.dateline = entry.dateline.or(given(&source.dateline));
        entry.date = entry.date.or(source.date);
        if entry.cited_by.last() != Some(&article) {
            entry.cited_by.push(article);
        }
        i
    }
}

/// What makes two citations one source: the URL without scheme, `www.`, case of the host
/// or a trailing slash; without a URL, the title and publisher, ignoring case and spacing.
fn source_key(source: &Source) -> String {
    let words = |s: &str| {
        s.split_whitespace()
            .map(str::to_lowercase)
            .collect::<Vec<_>>()
            .join(" ")
    };
    match source
        .url
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty())
    {
        Some(url) => {
            let rest = url.split_once("://").map_or(url, |(_, r)| r);
            let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
            let host = host.to_lowercase();
            let host = host.strip_prefix("www.").unwrap_or(&host);
            format!("url:{host}/{}", path.trim_end_matches('/'))
        }
        None => format!(
            "title:{}|{}|{}|{}",
            words(source.title.as_deref().unwrap_or("")),
            words(source.description.as_deref().unwrap_or("")),
            words(source.publisher.as_deref().unwrap_or("")),
            source.date.map(|d| d.iso()).unwrap_or_default()
        ),
    }
}

/// The link table: every page of the site, with its anchor when the pack holds it. A link
/// to a page that has a version in the pack's language leads to that version, as on the
/// site.
fn links<'s>(
    site: &'s Site,
    lang: Lang,
    topic_anchor: &HashMap<&str, String>,
    position: &[Option<usize>],
) -> Links<'s> {
    let ed = &site.editions[lang];
    let entry = |page: &'s Page, anchor: Option<String>| {
        (
            page.rel.as_str(),
            page.path.as_str(),
            anchor,
            page.body.anchors(),
        )
    };
    let articles = ed.articles.iter().enumerate().map(|(i, page)| {
        let anchor = position[i].map(|_| format!("article-{}", page.id));
        entry(page, anchor)
    });
    let topics = ed.topics.iter().map(|t| {
        let anchor = topic_anchor.get(t.page.id.as_str()).cloned();
        entry(&t.page, anchor)
    });
    let others = ed
        .home
        .iter()
        .chain(&ed.pages)
        .chain(&ed.profiles)
        .map(|p| entry(p, None));
    let own = articles.chain(topics).chain(others);
    // Later entries win: the pages of other languages, then this one's, then this one's
    // again under the content paths of the pages they translate.
    let foreign = site
        .editions
        .iter()
        .enumerate()
        .filter(|(l, _)| *l != lang)
        .flat_map(|(_, e)| e.all_pages())
        .map(|p| entry(p, None));
    let translated: Vec<_> = own.collect();
    let by_original: Vec<_> = translated
        .iter()
        .zip(
            ed.articles
                .iter()
                .chain(ed.topics.iter().map(|t| &t.page))
                .chain(ed.home.iter())
                .chain(&ed.pages)
                .chain(&ed.profiles),
        )
        .filter_map(|(e, page)| Some((page.original.as_deref()?, e.1, e.2.clone(), e.3.clone())))
        .collect();
    let pages = foreign.chain(translated).chain(by_original);
    let markdown = MarkdownOptions::of(&site.config);
    Links::new(&site.config.base_url, pages, markdown)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(title: &str, publisher: Option<&str>, url: Option<&str>) -> Source {
        Source {
            title: Some(title.into()),
            kind: None,
            description: None,
            publisher: publisher.map(Into::into),
            url: url.map(Into::into),
            date: None,
            dateline: None,
        }
    }

    #[test]
    fn one_source_cited_twice_is_listed_once_with_both_articles() {
        let a = source("Report", None, Some("https://www.Example.org/r/"));
        let b = source("The report", Some("Daily"), Some("http://example.org/r"));
        let c = source("Other", None, None);
        let d = source("  other ", None, None);
        let mut s = Sources::default();
        assert_eq!(s.cite(&a, 0), 0);
        assert_eq!(s.cite(&c, 0), 1);
        assert_eq!(s.cite(&b, 1), 0);
        assert_eq!(s.cite(&d, 2), 1);
        assert_eq!(s.list.len(), 2);
        assert_eq!(s.list[0].title, Some("Report"));
        assert_eq!(s.list[0].publisher, Some("Daily"));
        assert_eq!(s.list[0].cited_by, [0, 1]);
        assert_eq!(s.list[1].number, 2);
        assert_eq!(s.list[1].cited_by, [0, 2]);
    }

    #[test]
    fn an_untitled_source_is_one_source_by_its_description_and_date() {
        let untitled = |date: &str| Source {
            title: None,
            kind: Some("news report".into()),
            description: Some("News report (untitled)".into()),
            publisher: None,
            url: None,
            date: Some(crate::parse::front_matter::PageDate::parse(date).unwrap()),
            dateline: Some("Islamabad".into()),
        };
        let (a, b, c) = (
            untitled("2025-01-15"),
            untitled("2025-01-15"),
            untitled("2025-02-01"),
        );
        let mut s = Sources::default();
        assert_eq!(s.cite(&a, 0), 0);
        assert_eq!(s.cite(&b, 1), 0);
        assert_eq!(s.cite(&c, 2), 1);
        assert_eq!(s.list[0].title, None);
        assert_eq!(s.list[0].description, Some("News report (untitled)"));
    }
}
