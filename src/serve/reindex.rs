//! Indexing the site again after an edit moved pages: URLs checked first (quickly when no
//! URL can collide), then the new pages indexed in file order, the search entries and
//! shared values of each language brought along while the new site's jobs declare what
//! they write and show, and the result told as [`Moves`].

use std::collections::{BTreeMap, BTreeSet, HashMap};

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use tera::Value;

use super::affected::{Before, Changed, JobTable, Moves};
use super::model::{Lookup, Model};
use super::search;
use super::trace;
use super::update::{Failed, Outcome, Parsed, link};
use crate::i18n::Lang;
use crate::index::{self, PageRef, Site};
use crate::parse::{Kind, Page};
use crate::render::View;
use crate::render::values::{self, Shared};

/// Indexes the site again with the new pages. `pending` are the files whose text changed;
/// the other pages parsed again changed at most in where their links lead. `lookup` has
/// the URLs and topic ids after the edit, when they changed.
pub(super) fn reindex(
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
    let prefixes = index::prefixes(&model.site.config);
    let problems = index::check_urls(&claims, &prefixes).problems;
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
    // Every language's pages are under its own prefix, which the quick look does not know.
    if site.editions.len() > 1 {
        return true;
    }
    let replaced: FxHashSet<&str> = pages.iter().map(|(rel, _)| rel.as_str()).collect();
    let mut seen: FxHashSet<&str> = FxHashSet::default();
    site.all_pages()
        .filter(|p| !replaced.contains(p.rel.as_str()))
        .chain(pages.iter().filter_map(|(_, p)| p.as_ref()))
        .any(|p| {
            let path = p.path.as_str();
            index::GENERATED.contains(&path)
                || index::taken_section(p.kind, path).is_some()
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
    let old_cards: Vec<Vec<Value>> = model
        .shared
        .iter_mut()
        .map(|s| std::mem::take(&mut s.cards))
        .collect();
    let old_lookup = std::mem::take(&mut model.lookup);
    let config = model.site.config.clone();
    let site = std::mem::replace(&mut model.site, Site::empty(config.clone()));
    // Every page in one list of slots, edition after edition; where each edition starts.
    let mut starts = Vec::with_capacity(site.editions.len());
    let mut shapes = Vec::with_capacity(site.editions.len());
    let mut slots: Vec<Option<Page>> = Vec::new();
    let mut related = Vec::with_capacity(site.editions.len());
    // What is left of the old editions (their entities, years, lists) is freed on a
    // thread of its own: the new index need not wait for it.
    let mut rest = Vec::with_capacity(site.editions.len());
    for mut edition in site.editions {
        starts.push(slots.len());
        shapes.push((
            usize::from(edition.home.is_some()),
            edition.articles.len(),
            edition.topics.len(),
            edition.pages.len(),
        ));
        related.push(std::mem::take(&mut edition.related));
        let topics = std::mem::take(&mut edition.topics);
        slots.extend(
            edition
                .home
                .take()
                .into_iter()
                .chain(std::mem::take(&mut edition.articles))
                .chain(topics.into_iter().map(|t| t.page))
                .chain(std::mem::take(&mut edition.pages))
                .chain(std::mem::take(&mut edition.profiles))
                .map(Some),
        );
        rest.push(edition);
    }
    super::engine::free_later(rest);
    let slot_of = |lang: Lang, at: PageRef| -> usize {
        let (home, n_articles, n_topics, n_pages) = shapes[lang];
        starts[lang]
            + match at {
                PageRef::Home => 0,
                PageRef::Article(i) => home + i,
                PageRef::Topic(i) => home + n_articles + i,
                PageRef::Page(i) => home + n_articles + n_topics + i,
                PageRef::Profile(i) => home + n_articles + n_topics + n_pages + i,
            }
    };
    let mut changed_articles: Vec<Vec<(usize, Page)>> =
        (0..starts.len()).map(|_| Vec::new()).collect();
    // Pages whose content changed: the files edited, and pages whose links now lead
    // elsewhere; and what a link to them showed.
    let mut reparsed: HashMap<String, Option<(String, String)>> = HashMap::new();
    for (rel, page) in pages {
        let was = old_lookup.locate.get(&rel).copied();
        let old = was.and_then(|(lang, at)| slots[slot_of(lang, at)].take());
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
        if let (true, Some(old), Some((lang, PageRef::Article(i)))) = (text_changed, old, was) {
            changed_articles[lang].push((i, old));
        }
    }
    let pages = in_file_order(slots);
    // A profile's names decide which articles share a person or an organization: when
    // one changes, every article's related list is chosen again.
    let profile_changed = pending.iter().any(|rel| {
        matches!(
            crate::parse::Kind::of(rel),
            Some(
                crate::parse::Kind::Person
                    | crate::parse::Kind::Organization
                    | crate::parse::Kind::Tag
            )
        )
    });
    let earlier = related
        .into_iter()
        .zip(changed_articles)
        .enumerate()
        .map(|(lang, (related, changed))| index::Earlier {
            rels: if profile_changed {
                &[]
            } else {
                before.articles(lang)
            },
            related,
            changed,
        })
        .collect();
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
    model.lookup = lookup.unwrap_or(old_lookup);
    let old = Old {
        before: &before,
        cards: old_cards,
        reparsed,
        pending,
    };
    // What the jobs of the new site write and show is declared beside the rest.
    let (changed, (moves, jobs)) = rayon::join(
        || {
            carry_over(
                &model.site,
                &mut model.lookup,
                &mut model.shared,
                &mut model.search,
                old,
            )
        },
        || {
            (
                Moves::new(&before, &model.site),
                Box::new(JobTable::of(&model.site)),
            )
        },
    );
    trace::mark("jobs");
    Ok(Outcome::Reindexed {
        changed,
        moves,
        jobs,
    })
}

/// What an edit that moved pages changed from the site before it.
struct Old<'a> {
    before: &'a Before,
    /// The articles' cards, by language and index.
    cards: Vec<Vec<Value>>,
    /// The pages whose content changed, with what a link to them showed.
    reparsed: HashMap<String, Option<(String, String)>>,
    /// The files whose text changed.
    pending: &'a BTreeSet<String>,
}

/// Brings `lookup`, the shared values and the search indexes along to the new `site`,
/// keeping what the edit did not change; tells what changed for the jobs to compare.
fn carry_over(
    site: &Site,
    lookup: &mut Lookup,
    shared: &mut [Shared],
    search: &mut [search::Kept],
    old: Old,
) -> Changed {
    lookup.locate = Lookup::locate(site);
    trace::mark("lookup");

    let mut changed = Changed::default();
    for (rel, old_link) in &old.reparsed {
        let Some(&(lang, at)) = lookup.locate.get(rel) else {
            continue;
        };
        changed.page(lang, at, View::Full);
        let page = site.page(lang, at).expect("located");
        let (title, path) = link(page);
        if old_link
            .as_ref()
            .is_none_or(|(t, p)| (t.as_str(), p.as_str()) != (title, path))
        {
            changed.page(lang, at, View::Ref);
        }
    }

    let base_path = site.config.base_path().to_string();
    for (lang, old_cards) in old.cards.into_iter().enumerate() {
        // Search-index entries hold a page's text, and the titles of its topics.
        let topic_refs = Shared::topic_refs(site, lang);
        let refs_same = topic_refs == shared[lang].topic_refs;
        if refs_same {
            search[lang].moved(&site.editions[lang], |at| {
                site.page(lang, at)
                    .is_some_and(|p| !old.pending.contains(&p.rel))
            });
        } else {
            search[lang].clear();
        }
        // Cards: kept for the articles that did not change while the topics they name
        // look the same.
        let was_at: FxHashMap<&str, usize> = old
            .before
            .articles(lang)
            .iter()
            .enumerate()
            .map(|(i, rel)| (rel.as_str(), i))
            .collect();
        let dates = &shared[lang].dates;
        let cards: Vec<(Value, bool)> = site.editions[lang]
            .articles
            .par_iter()
            .map(|a| {
                let card = was_at.get(a.rel.as_str()).map(|&i| &old_cards[i]);
                match card {
                    Some(c) if refs_same && !old.reparsed.contains_key(&a.rel) => {
                        (c.clone(), false)
                    }
                    _ => {
                        let new = values::card(a, &base_path, &topic_refs, dates);
                        let differs = card != Some(&new);
                        (new, differs)
                    }
                }
            })
            .collect();
        let mut kept = Vec::with_capacity(cards.len());
        for (i, (card, differs)) in cards.into_iter().enumerate() {
            if differs {
                changed.page(lang, PageRef::Article(i), View::Card);
            }
            kept.push(card);
        }
        let now = Shared::with_cards(site, lang, kept);
        if now.topic_cards != shared[lang].topic_cards {
            changed.topic_cards.insert(lang);
        }
        if now.globals != shared[lang].globals {
            changed.globals.insert(lang);
        }
        shared[lang] = now;
    }
    trace::mark("cards");
    changed
}

/// Pages as a build hands them to `index`: in the order of their content paths. Articles
/// are left as they are: `index` puts them in an order of their own that does not depend
/// on the order it gets them in, and they are nearly in it already. Each article is moved
/// once (ten thousand pages moved three times took 16 ms): the few other pages are taken
/// out and sorted first.
fn in_file_order(mut slots: Vec<Option<Page>>) -> Vec<Page> {
    let mut pages: Vec<Page> = slots
        .iter_mut()
        .filter(|slot| slot.as_ref().is_some_and(|p| p.kind != Kind::Article))
        .filter_map(Option::take)
        .collect();
    pages.sort_unstable_by(|a, b| a.rel.cmp(&b.rel));
    pages.reserve(slots.len());
    pages.extend(slots.into_iter().flatten());
    pages
}
