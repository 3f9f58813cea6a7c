//! Bringing the site in memory up to date with changed content files.
//!
//! The changed files are parsed again, and with them the pages whose links or topics they
//! change (a page that links to a file that moved, an article filed under a topic that
//! came or went); no other file is read or parsed. Then either the new pages take the
//! places of the old ones, when nothing moves (same URL, and for an article the same date,
//! title, topics and names), or the site is indexed again from the pages in memory. Either
//! way the result says how each page changed, for [`super::affected`].

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::Path;

use rayon::prelude::*;
use tera::Value;

use super::affected::{Before, Changed};
use super::model::{Lookup, Model};
use crate::error::{Diagnostic, Diagnostics};
use crate::index::{self, PageRef, Site};
use crate::parse::{self, Head, Kind, Meta, Page, ParseOptions};
use crate::render::View;
use crate::render::values::{self, Shared};

/// How the site changed.
pub(super) enum Outcome {
    /// Every page kept its place: the same jobs show the same pages.
    InPlace(Changed),
    /// Pages came, went or moved, and the site was indexed again; `before` names the pages
    /// by where they were.
    Reindexed { changed: Changed, before: Before },
}

/// Why an update failed.
pub(super) struct Failed {
    pub(super) problems: Diagnostics,
    /// The model is still the one before the update (otherwise it lost its pages, and the
    /// next rebuild starts from disk).
    pub(super) model_kept: bool,
}

impl Failed {
    fn kept(problems: Vec<Diagnostic>) -> Failed {
        Failed {
            problems: Diagnostics(problems).sorted(),
            model_kept: true,
        }
    }
}

/// A content file parsed again: the page, or `None` when the file is gone or a draft.
type Parsed = (String, Option<Page>);

/// Parses the `pending` content files (and the pages they affect) and updates the site.
pub(super) fn update(
    model: &mut Model,
    pending: &BTreeSet<String>,
    options: ParseOptions,
) -> Result<Outcome, Failed> {
    // First pass for the changed files: their URL and kind.
    let heads = heads_of(model, pending.iter(), options)?;
    let base_path = model.site.config.base_path().to_string();
    let url = |h: &Option<Head>| h.as_ref().map(|h| format!("{base_path}{}", h.path()));
    let topic = |h: &Option<Head>| {
        h.as_ref()
            .filter(|h| h.kind() == Kind::Topic)
            .map(|h| h.id().to_string())
    };
    let mut lookup = Lookup::default();
    let mut moved: BTreeSet<&str> = BTreeSet::new();
    let mut topics_changed: BTreeSet<String> = BTreeSet::new();
    for (rel, head) in &heads {
        if url(head).as_ref() != model.lookup.urls.get(rel) {
            moved.insert(rel);
        }
        let (old, new) = (model.lookup.topic_ids.get(rel), topic(head));
        if old != new.as_ref() {
            topics_changed.extend(old.cloned().into_iter().chain(new));
        }
    }
    let links_change = !moved.is_empty() || !topics_changed.is_empty();
    if links_change {
        lookup = model.lookup.clone();
        for (rel, head) in &heads {
            match url(head) {
                Some(u) => lookup.urls.insert(rel.clone(), u),
                None => lookup.urls.remove(rel),
            };
            match topic(head) {
                Some(id) => lookup.topic_ids.insert(rel.clone(), id),
                None => lookup.topic_ids.remove(rel),
            };
        }
    }
    let lookup = if links_change { &lookup } else { &model.lookup };

    // Pages that link to a file that moved, or name a topic that came or went, are parsed
    // again too: their links or checks may turn out differently.
    let affected: Vec<String> = if links_change {
        let topic_gone = |p: &Page| {
            p.article()
                .is_some_and(|m| m.topics.iter().any(|t| topics_changed.contains(t)))
        };
        model
            .site
            .all_pages()
            .filter(|p| !pending.contains(&p.rel))
            .filter(|p| p.body.links_to.iter().any(|t| moved.contains(t.as_str())) || topic_gone(p))
            .map(|p| p.rel.clone())
            .collect()
    } else {
        Vec::new()
    };
    let mut heads = heads;
    heads.extend(heads_of(model, affected.iter(), options)?);

    // Second pass: Markdown to HTML, links resolved through the new URLs.
    let topic_ids: Vec<&str> = lookup.topic_ids.values().map(String::as_str).collect();
    let config = &model.site.config;
    let parsed: Vec<(Parsed, Vec<Diagnostic>)> = heads
        .into_par_iter()
        .map(|(rel, head)| match head {
            None => ((rel, None), Vec::new()),
            Some(h) => {
                let (page, problems) = parse::parse_body(h, &lookup.urls, &topic_ids, config);
                ((rel, Some(page)), problems)
            }
        })
        .collect();
    let mut problems = Vec::new();
    let mut pages = Vec::with_capacity(parsed.len());
    for (page, page_problems) in parsed {
        pages.push(page);
        problems.extend(page_problems);
    }
    if !problems.is_empty() {
        return Err(Failed::kept(problems));
    }

    let in_place = !links_change
        && pages
            .iter()
            .all(|(rel, new)| match (model.lookup.locate.get(rel), new) {
                (Some(&at), Some(new)) => same_place(&model.site, at, new),
                _ => false,
            });
    if in_place {
        Ok(Outcome::InPlace(put_in_place(model, pages)))
    } else {
        reindex(model, pages, pending)
    }
}

/// The first pass over the files at `rels`, as last read (`None`: gone, or a draft).
fn heads_of<'a>(
    model: &Model,
    rels: impl Iterator<Item = &'a String>,
    options: ParseOptions,
) -> Result<Vec<(String, Option<Head>)>, Failed> {
    let mut heads = Vec::new();
    let mut problems = Vec::new();
    for rel in rels {
        let Some(file) = model.sources.texts.get(rel) else {
            heads.push((rel.clone(), None));
            continue;
        };
        match parse::parse_head(file.clone(), options) {
            Ok(h) => heads.push((rel.clone(), h)),
            Err(d) => problems.push(d),
        }
    }
    if problems.is_empty() {
        Ok(heads)
    } else {
        Err(Failed::kept(problems))
    }
}

/// True when `new` can replace the page at `at` without moving anything in the site:
/// same kind and URL, and for an article the same sort key, topics and names.
fn same_place(site: &Site, at: PageRef, new: &Page) -> bool {
    let Some(old) = site.page(at) else {
        return false;
    };
    if old.kind != new.kind || old.path != new.path {
        return false;
    }
    match (&old.meta, &new.meta) {
        (Meta::Article(a), Meta::Article(b)) => {
            a.date == b.date
                && a.title == b.title
                && a.topics == b.topics
                && a.people == b.people
                && a.organizations == b.organizations
                && a.tags == b.tags
        }
        (Meta::Topic(a), Meta::Topic(b)) => a.title == b.title && a.weight == b.weight,
        (Meta::Page(a), Meta::Page(b)) => {
            a.title == b.title && a.weight == b.weight && a.menu == b.menu
        }
        (Meta::Home(_), Meta::Home(_)) => true,
        _ => false,
    }
}

/// A page's entry in the sitemap: its URL path and last change.
fn listing(page: &Page) -> (&str, Option<String>) {
    (&page.path, page.article().map(|m| m.last_modified().iso()))
}

fn slot(site: &mut Site, at: PageRef) -> &mut Page {
    match at {
        PageRef::Home => site.home.as_mut().expect("located pages exist"),
        PageRef::Article(i) => &mut site.articles[i],
        PageRef::Topic(i) => &mut site.topics[i].page,
        PageRef::Page(i) => &mut site.pages[i],
    }
}

/// Replaces pages whose place in the site does not change.
fn put_in_place(model: &mut Model, pages: Vec<Parsed>) -> Changed {
    let mut changed = Changed::default();
    let base_path = model.site.config.base_path().to_string();
    let mut cards = std::mem::take(&mut model.shared.cards);
    for (rel, page) in pages {
        let page = page.expect("checked by same_place");
        let at = model.lookup.locate[&rel];
        model.search.remove(&rel);
        changed.page(at, View::Full);
        let old = slot(&mut model.site, at);
        if listing(old) != listing(&page) {
            changed.page(at, View::Listing);
        }
        if let PageRef::Article(i) = at {
            let card = values::card(&page, &base_path, &model.shared.topic_refs);
            if card != cards[i] {
                cards[i] = card;
                changed.page(at, View::Card);
            }
        }
        *old = page;
    }
    let shared = Shared::with_cards(&model.site, cards);
    changed.topic_cards = shared.topic_cards != model.shared.topic_cards;
    changed.globals = shared.globals != model.shared.globals;
    model.shared = shared;
    changed
}

/// Indexes the site again with the new pages. `pending` are the files whose text changed;
/// the other pages parsed again changed at most in where their links lead.
fn reindex(
    model: &mut Model,
    pages: Vec<Parsed>,
    pending: &BTreeSet<String>,
) -> Result<Outcome, Failed> {
    // URLs first, on paths alone, so that a collision leaves the site untouched.
    let mut paths: BTreeMap<&str, (&str, &Path)> = model
        .site
        .all_pages()
        .map(|p| (p.rel.as_str(), (p.path.as_str(), p.display.as_path())))
        .collect();
    for (rel, page) in &pages {
        match page {
            Some(p) => paths.insert(rel, (p.path.as_str(), p.display.as_path())),
            None => paths.remove(rel.as_str()),
        };
    }
    let collisions = index::check_urls(paths.values().copied());
    if !collisions.is_empty() {
        return Err(Failed::kept(
            collisions.into_iter().map(|(_, d)| d).collect(),
        ));
    }

    let before = Before::of(&model.site);
    let old_cards: HashMap<String, Value> = model
        .site
        .articles
        .iter()
        .zip(&model.shared.cards)
        .map(|(a, c)| (a.rel.clone(), c.clone()))
        .collect();

    // Take the pages out of the site (no copies), swap in the new ones, index again.
    let config = model.site.config.clone();
    let site = std::mem::replace(&mut model.site, Site::empty(config.clone()));
    let mut by_rel: BTreeMap<String, Page> = BTreeMap::new();
    let Site {
        home,
        articles,
        topics,
        pages: plain,
        ..
    } = site;
    for p in home
        .into_iter()
        .chain(articles)
        .chain(topics.into_iter().map(|t| t.page))
        .chain(plain)
    {
        by_rel.insert(p.rel.clone(), p);
    }
    // Pages whose content changed: the files edited, and pages whose links now lead
    // elsewhere; and their old entries in the sitemap.
    let mut reparsed: HashMap<String, Option<(String, Option<String>)>> = HashMap::new();
    for (rel, page) in pages {
        let old = by_rel.get(&rel);
        let text_changed = pending.contains(&rel)
            || match (old, &page) {
                (Some(old), Some(new)) => {
                    old.body.html != new.body.html || old.body.summary_html != new.body.summary_html
                }
                _ => true,
            };
        if text_changed {
            let old_listing = old.map(|p| {
                let (path, lastmod) = listing(p);
                (path.to_string(), lastmod)
            });
            reparsed.insert(rel.clone(), old_listing);
        }
        if pending.contains(&rel) {
            model.search.remove(&rel);
        }
        match page {
            Some(p) => by_rel.insert(rel, p),
            None => by_rel.remove(&rel),
        };
    }
    model.site = match index::index(config, by_rel.into_values().collect()) {
        Ok(site) => site,
        Err(problems) => {
            return Err(Failed {
                problems,
                model_kept: false,
            });
        }
    };
    model.lookup = Lookup::of(&model.site);

    let mut changed = Changed::default();
    for (rel, old_listing) in &reparsed {
        let Some(&at) = model.lookup.locate.get(rel) else {
            continue;
        };
        changed.page(at, View::Full);
        let page = model.site.page(at).expect("located");
        let (path, lastmod) = listing(page);
        if old_listing.as_ref() != Some(&(path.to_string(), lastmod)) {
            changed.page(at, View::Listing);
        }
    }

    // Cards: kept for the articles that did not change while the topics they name look
    // the same.
    let topic_refs = Shared::topic_refs(&model.site);
    let refs_same = topic_refs == model.shared.topic_refs;
    if !refs_same {
        model.search.clear();
    }
    let base_path = model.site.config.base_path().to_string();
    let unchanged: HashSet<&str> = model
        .site
        .articles
        .iter()
        .map(|a| a.rel.as_str())
        .filter(|rel| refs_same && !reparsed.contains_key(*rel))
        .collect();
    let cards: Vec<(Value, bool)> = model
        .site
        .articles
        .par_iter()
        .map(|a| {
            let old = old_cards.get(&a.rel);
            match old {
                Some(c) if unchanged.contains(a.rel.as_str()) => (c.clone(), false),
                _ => {
                    let card = values::card(a, &base_path, &topic_refs);
                    let differs = old != Some(&card);
                    (card, differs)
                }
            }
        })
        .collect();
    let mut kept = Vec::with_capacity(cards.len());
    for (i, (card, differs)) in cards.into_iter().enumerate() {
        if differs {
            changed.page(PageRef::Article(i), View::Card);
        }
        kept.push(card);
    }
    let shared = Shared::with_cards(&model.site, kept);
    changed.topic_cards = shared.topic_cards != model.shared.topic_cards;
    changed.globals = shared.globals != model.shared.globals;
    model.shared = shared;
    Ok(Outcome::Reindexed { changed, before })
}
