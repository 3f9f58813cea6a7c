//! Bringing the site in memory up to date with changed content files.
//!
//! The changed files are parsed again, and with them the pages whose links or topics they
//! change (a page that links to a file that moved, an article filed under a topic that
//! came or went); no other file is read or parsed. Then either the new pages take the
//! places of the old ones, when nothing moves (same URL, and for an article the same date,
//! title, topics and names), or the site is indexed again from the pages in memory. Either
//! way the result says how each page changed, for [`super::affected`].

use std::collections::{BTreeMap, BTreeSet, HashMap};

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use tera::Value;

use super::affected::{Before, Changed, Moves};
use super::model::{Lookup, Model};
use super::trace;
use crate::error::{Diagnostic, Diagnostics};
use crate::index::{self, PageRef, Site};
use crate::parse::{self, Head, Kind, Meta, Page, ParseOptions};
use crate::render::View;
use crate::render::values::{self, Shared};

/// How the site changed.
pub(super) enum Outcome {
    /// Every page kept its place: the same jobs show the same pages.
    InPlace(Changed),
    /// Pages came, went or moved, and the site was indexed again; `moves` says where each
    /// page went.
    Reindexed { changed: Changed, moves: Moves },
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
    let mut new_lookup = Lookup::default();
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
        // Where pages are is made again after indexing: only the URLs and ids are copied.
        new_lookup = Lookup {
            urls: model.lookup.urls.clone(),
            topic_ids: model.lookup.topic_ids.clone(),
            locate: Default::default(),
        };
        for (rel, head) in &heads {
            match url(head) {
                Some(u) => new_lookup.urls.insert(rel.clone(), u),
                None => new_lookup.urls.remove(rel),
            };
            match topic(head) {
                Some(id) => new_lookup.topic_ids.insert(rel.clone(), id),
                None => new_lookup.topic_ids.remove(rel),
            };
        }
    }
    let lookup = if links_change {
        &new_lookup
    } else {
        &model.lookup
    };

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
    trace::mark("heads");

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
    if problems.iter().any(Diagnostic::is_error) {
        return Err(Failed::kept(problems));
    }
    trace::mark("parse");
    // The warnings of the files that changed (those parsed again only for their links
    // said theirs before).
    model.warnings = problems;
    model.warnings.extend(
        pages
            .iter()
            .filter(|(rel, _)| pending.contains(rel))
            .filter_map(|(_, page)| page.as_ref())
            .flat_map(|p| p.warnings.iter().cloned()),
    );

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
        reindex(model, pages, pending, links_change.then_some(new_lookup))
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
        match parse::parse_head(file.clone(), &model.site.config, options) {
            Ok(h) => heads.push((rel.clone(), h)),
            Err(d) => problems.extend(d),
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
    if old.kind != new.kind || old.path != new.path || old.meta.common() != new.meta.common() {
        return false;
    }
    // Redirect pages carry the title of the page they lead to.
    if !old.meta.common().aliases.is_empty() && old.title() != new.title() {
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

/// What a link to a page shows: its title and URL path.
fn link(page: &Page) -> (&str, &str) {
    (page.title(), &page.path)
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
        model.search.forget(&model.site, at);
        changed.page(at, View::Full);
        let old = slot(&mut model.site, at);
        if link(old) != link(&page) {
            changed.page(at, View::Ref);
        }
        if let PageRef::Article(i) = at {
            let card = values::card(
                &page,
                &base_path,
                &model.shared.topic_refs,
                &model.shared.dates,
            );
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
/// the other pages parsed again changed at most in where their links lead. `lookup` has
/// the URLs and topic ids after the edit, when they changed.
fn reindex(
    model: &mut Model,
    pages: Vec<Parsed>,
    pending: &BTreeSet<String>,
    lookup: Option<Lookup>,
) -> Result<Outcome, Failed> {
    // URLs first, on paths alone, so that a collision leaves the site untouched. Most
    // edits make none, which a quick look finds; a collision is then reported as a build
    // reports it.
    if !may_collide(&model.site, &pages) {
        trace::mark("urls");
        return reindex_unchecked(model, pages, pending, lookup);
    }
    // The pages in file order, as a full build sees them.
    let mut claims: BTreeMap<&str, index::Claim> = model
        .site
        .all_pages()
        .map(|p| (p.rel.as_str(), index::Claim::of(p)))
        .collect();
    for (rel, page) in &pages {
        match page {
            Some(p) => claims.insert(rel, index::Claim::of(p)),
            None => claims.remove(rel.as_str()),
        };
    }
    let claims: Vec<index::Claim> = claims.into_values().collect();
    let problems = index::check_urls(&claims).problems;
    if !problems.is_empty() {
        return Err(Failed::kept(problems));
    }
    drop(claims);
    trace::mark("urls");
    reindex_unchecked(model, pages, pending, lookup)
}

/// Whether the pages after the edit might share a URL (with each other, or with a page
/// attache makes itself). A site with aliases always gets the whole check.
fn may_collide(site: &Site, pages: &[Parsed]) -> bool {
    let replaced: FxHashSet<&str> = pages.iter().map(|(rel, _)| rel.as_str()).collect();
    let mut seen: FxHashSet<&str> = FxHashSet::default();
    site.all_pages()
        .filter(|p| !replaced.contains(p.rel.as_str()))
        .map(|p| p.path.as_str())
        .chain(
            pages
                .iter()
                .filter_map(|(_, p)| p.as_ref().map(|p| p.path.as_str())),
        )
        .any(|path| {
            index::GENERATED.contains(&path)
                || index::reserved(path).is_some()
                || !seen.insert(path)
        })
        || site
            .all_pages()
            .chain(pages.iter().filter_map(|(_, p)| p.as_ref()))
            .any(|p| !p.meta.common().aliases.is_empty())
}

/// [`reindex`], once the URLs are known to be unique.
fn reindex_unchecked(
    model: &mut Model,
    pages: Vec<Parsed>,
    pending: &BTreeSet<String>,
    lookup: Option<Lookup>,
) -> Result<Outcome, Failed> {
    // Take the pages out of the site (no copies), swap in the new ones, index again.
    let before = Before::of(&model.site);
    let old_cards = std::mem::take(&mut model.shared.cards);
    let old_lookup = std::mem::take(&mut model.lookup);
    let config = model.site.config.clone();
    let site = std::mem::replace(&mut model.site, Site::empty(config.clone()));
    let Site {
        home,
        articles,
        topics,
        pages: plain,
        related,
        ..
    } = site;
    let (n_articles, n_topics) = (articles.len(), topics.len());
    let has_home = usize::from(home.is_some());
    let slot_of = |at: PageRef| -> usize {
        let home = has_home;
        match at {
            PageRef::Home => 0,
            PageRef::Article(i) => home + i,
            PageRef::Topic(i) => home + n_articles + i,
            PageRef::Page(i) => home + n_articles + n_topics + i,
        }
    };
    let mut slots: Vec<Option<Page>> = home
        .into_iter()
        .chain(articles)
        .chain(topics.into_iter().map(|t| t.page))
        .chain(plain)
        .map(Some)
        .collect();
    let mut changed_articles = Vec::new();
    // Pages whose content changed: the files edited, and pages whose links now lead
    // elsewhere; and what a link to them showed.
    let mut reparsed: HashMap<String, Option<(String, String)>> = HashMap::new();
    for (rel, page) in pages {
        let was = old_lookup.locate.get(&rel).copied();
        let old = was.and_then(|at| slots[slot_of(at)].take());
        let text_changed = pending.contains(&rel)
            || match (&old, &page) {
                (Some(old), Some(new)) => {
                    old.body.html != new.body.html || old.body.summary_html != new.body.summary_html
                }
                _ => true,
            };
        if text_changed {
            let old_link = old.as_ref().map(|p| {
                let (title, path) = link(p);
                (title.to_string(), path.to_string())
            });
            reparsed.insert(rel.clone(), old_link);
        }
        slots.extend(page.map(Some));
        if let (true, Some(old), Some(PageRef::Article(i))) = (text_changed, old, was) {
            changed_articles.push((i, old));
        }
    }
    let pages = in_file_order(slots.into_iter().flatten().collect());
    let earlier = index::Earlier {
        rels: before.articles(),
        related,
        changed: changed_articles,
    };
    trace::mark("take");
    model.site = match index::index_again(config, pages, earlier) {
        Ok(site) => site,
        Err(problems) => {
            return Err(Failed {
                problems,
                model_kept: false,
            });
        }
    };
    trace::mark("index");
    let lookup = lookup.unwrap_or(old_lookup);
    model.lookup = Lookup {
        locate: Lookup::locate(&model.site),
        ..lookup
    };
    trace::mark("lookup");

    let moves = Moves::new(&before, &model.site);
    // Search-index entries hold a page's text, and the titles of its topics.
    let topic_refs = Shared::topic_refs(&model.site);
    let refs_same = topic_refs == model.shared.topic_refs;
    if refs_same {
        let site = &model.site;
        model.search.moved(site, |at| {
            site.page(at).is_some_and(|p| !pending.contains(&p.rel))
        });
    } else {
        model.search.clear();
    }

    let mut changed = Changed::default();
    for (rel, old_link) in &reparsed {
        let Some(&at) = model.lookup.locate.get(rel) else {
            continue;
        };
        changed.page(at, View::Full);
        let page = model.site.page(at).expect("located");
        let (title, path) = link(page);
        if old_link
            .as_ref()
            .is_none_or(|(t, p)| (t.as_str(), p.as_str()) != (title, path))
        {
            changed.page(at, View::Ref);
        }
    }

    // Cards: kept for the articles that did not change while the topics they name look
    // the same.
    let base_path = model.site.config.base_path().to_string();
    let was_at: FxHashMap<&str, usize> = before
        .articles()
        .iter()
        .enumerate()
        .map(|(i, rel)| (rel.as_str(), i))
        .collect();
    let cards: Vec<(Value, bool)> = model
        .site
        .articles
        .par_iter()
        .map(|a| {
            let old = was_at.get(a.rel.as_str()).map(|&i| &old_cards[i]);
            match old {
                Some(c) if refs_same && !reparsed.contains_key(&a.rel) => (c.clone(), false),
                _ => {
                    let card = values::card(a, &base_path, &topic_refs, &model.shared.dates);
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
    trace::mark("cards");
    Ok(Outcome::Reindexed { changed, moves })
}

/// Pages as a build hands them to `index`: in the order of their content paths. Articles
/// are left as they are: `index` puts them in an order of their own that does not depend
/// on the order it gets them in, and they are nearly in it already.
fn in_file_order(pages: Vec<Page>) -> Vec<Page> {
    let mut order: Vec<(bool, &str, usize)> = pages
        .iter()
        .enumerate()
        .map(|(i, p)| match p.kind {
            Kind::Article => (true, "", i),
            _ => (false, p.rel.as_str(), i),
        })
        .collect();
    order.sort_unstable();
    let order: Vec<usize> = order.into_iter().map(|(.., i)| i).collect();
    let mut slots: Vec<Option<Page>> = pages.into_iter().map(Some).collect();
    order
        .into_iter()
        .map(|i| slots[i].take().expect("each page once"))
        .collect()
}
