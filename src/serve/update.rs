//! Bringing the site in memory up to date with changed content files.
//!
//! The changed files are parsed again, and with them the pages whose links or topics they
//! change (a page that links to a file that moved, an article filed under a topic that
//! came or went); no other file is read or parsed. Then either the new pages take the
//! places of the old ones, when nothing moves (same URL, and for an article the same date,
//! title, topics and names), or the site is indexed again from the pages in memory. Either
//! way the result says how each page changed, for [`super::affected`].

use std::collections::{BTreeMap, BTreeSet, HashSet};

use rayon::prelude::*;

use super::affected::{Changed, JobTable, Moves};
use super::model::{Lookup, Model};
use super::reindex::reindex;
use super::trace;
use crate::error::{Diagnostic, Diagnostics};
use crate::i18n::Lang;
use crate::index::{PageRef, Site};
use crate::parse::translate::{Original, Originals};
use crate::parse::{self, Head, Kind, Meta, Page, ParseOptions};
use crate::render::View;
use crate::render::values::{self, Shared};

/// How the site changed.
pub(super) enum Outcome {
    /// Every page kept its place: the same jobs show the same pages.
    InPlace(Changed),
    /// Pages came, went or moved, and the site was indexed again; `moves` says where each
    /// page went.
    Reindexed {
        changed: Changed,
        moves: Moves,
        /// The jobs of the site after the edit.
        jobs: Box<JobTable>,
    },
}

/// Why an update failed.
pub(super) struct Failed {
    pub(super) problems: Diagnostics,
    /// The model is still the one before the update (otherwise it lost its pages, and the
    /// next rebuild starts from disk).
    pub(super) model_kept: bool,
}

impl Failed {
    pub(super) fn kept(problems: Vec<Diagnostic>) -> Failed {
        Failed {
            problems: Diagnostics(problems).sorted(),
            model_kept: true,
        }
    }
}

/// A content file parsed again: the page, or `None` when the file is gone or a draft.
pub(super) type Parsed = (String, Option<Page>);

/// Parses the `pending` content files (and the pages they affect) and updates the site.
pub(super) fn update(
    model: &mut Model,
    pending: &BTreeSet<String>,
    options: ParseOptions,
) -> Result<Outcome, Failed> {
    // Translations take fields from their originals: the translations of a changed page
    // are read again with it (and a translation's original, when the site does not hold
    // it, a draft perhaps).
    let mut pending = with_relatives(model, pending);
    // First pass for the changed files: their URL and kind.
    let mut heads = heads_of(model, pending.iter(), &[], options)?;
    // A page that is new in the default language, or has a new slug there, may be the
    // original of a page in another language by its `lang:` that stood alone until now.
    let adopted = adopted_by_new_originals(model, &heads, &pending);
    if !adopted.is_empty() {
        pending.extend(adopted);
        heads = heads_of(model, pending.iter(), &[], options)?;
    }
    let pending = &pending;
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
    // A translation that came, went or moved changes where links to its original lead
    // from pages in its language.
    let old_original = |rel: &str| {
        let (lang, at) = model.lookup.locate.get(rel)?;
        model.site.page(*lang, *at)?.original.as_deref()
    };
    for (rel, head) in &heads {
        let new_url = url(head);
        let old_url = model.lookup.urls.get(rel);
        let new_original = head.as_ref().and_then(Head::original);
        if new_url.as_ref() != old_url || new_original != old_original(rel) {
            moved.insert(rel);
            moved.extend(old_original(rel));
            moved.extend(new_original);
        }
        let (old, new) = (model.lookup.topic_ids.get(rel), topic(head));
        if old != new.as_ref() {
            topics_changed.extend(old.cloned().into_iter().chain(new));
        }
    }
    let links_change = !moved.is_empty() || !topics_changed.is_empty();
    if links_change {
        // Where pages are is made again after indexing: only the URLs, translations and
        // ids are copied.
        new_lookup = Lookup {
            urls: model.lookup.urls.clone(),
            translated: model.lookup.translated.clone(),
            topic_ids: model.lookup.topic_ids.clone(),
            locate: Default::default(),
        };
        for (rel, head) in &heads {
            if let (Some(original), Some(old_url)) = (old_original(rel), model.lookup.urls.get(rel))
                && let Some(list) = new_lookup.translated.get_mut(original)
            {
                list.retain(|(_, u)| u != old_url);
                if list.is_empty() {
                    new_lookup.translated.remove(original);
                }
            }
            match url(head) {
                Some(u) => {
                    if let Some(h) = head
                        && let Some(original) = h.original()
                    {
                        new_lookup
                            .translated
                            .entry(original.to_string())
                            .or_default()
                            .push((h.lang(), u.clone()));
                    }
                    new_lookup.urls.insert(rel.clone(), u)
                }
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
    let more = heads_of(model, affected.iter(), &heads, options)?;
    heads.extend(more);
    trace::mark("heads");

    // Second pass: Markdown to HTML, links resolved through the new URLs.
    let topic_ids: Vec<&str> = lookup.topic_ids.values().map(String::as_str).collect();
    let config = &model.site.config;
    let parsed: Vec<(Parsed, Vec<Diagnostic>)> = heads
        .into_par_iter()
        .map(|(rel, head)| match head {
            None => ((rel, None), Vec::new()),
            Some(h) => {
                let (page, problems) =
                    parse::parse_body(h, &lookup.urls, &lookup.translated, &topic_ids, config);
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
                (Some(&(lang, at)), Some(new)) => same_place(&model.site, lang, at, new),
                _ => false,
            });
    if in_place {
        Ok(Outcome::InPlace(put_in_place(model, pages)))
    } else {
        reindex(model, pages, pending, links_change.then_some(new_lookup))
    }
}

/// `pending` and the files whose pages depend on theirs through translation: the
/// translations of a changed page (found in the site, or by their names among the files,
/// for drafts), a translation's original when the site does not hold it, and a page in
/// another language by its `lang:` that now has (or had) a page of its slug to translate.
fn with_relatives(model: &Model, pending: &BTreeSet<String>) -> BTreeSet<String> {
    let languages = &model.site.config.languages;
    if languages.len() < 2 && model.lookup.translated.is_empty() {
        return pending.clone();
    }
    let mut all = pending.clone();
    for rel in pending {
        // Translations by name: `x.ur.md` beside `x.md`.
        if let Some(stem) = crate::load::markdown_stem(rel) {
            let extension = &rel[stem.len()..];
            for l in languages {
                let name = format!("{stem}.{}{extension}", l.code);
                if model.sources.texts.contains_key(&name) {
                    all.insert(name);
                }
            }
        }
        if let Ok(Some((_, original))) = parse::translate::named(rel, languages)
            && !model.lookup.locate.contains_key(&original)
            && model.sources.texts.contains_key(&original)
        {
            all.insert(original);
        }
    }
    // Translations in the site, by their original; and pages in other languages that
    // share a slug with a changed page in the default language.
    let ids: BTreeSet<(Kind, &str)> = pending
        .iter()
        .filter_map(|rel| {
            let (lang, at) = model.lookup.locate.get(rel)?;
            let page = model.site.page(*lang, *at)?;
            (*lang == 0).then_some((page.kind, page.id.as_str()))
        })
        .collect();
    for (lang, _, page) in model.site.page_refs() {
        let translates = page.original.as_ref().is_some_and(|o| pending.contains(o));
        let same_slug = lang != 0 && ids.contains(&(page.kind, page.id.as_str()));
        if translates || same_slug {
            all.insert(page.rel.clone());
        }
    }
    all
}

/// The pages in other languages, standing alone by their `lang:`, whose kind and id a head
/// in the default language now has and did not have before: they become its translations.
fn adopted_by_new_originals(
    model: &Model,
    heads: &[(String, Option<Head>)],
    pending: &BTreeSet<String>,
) -> BTreeSet<String> {
    let had = |rel: &str, kind: Kind, id: &str| {
        model
            .lookup
            .locate
            .get(rel)
            .and_then(|(lang, at)| model.site.page(*lang, *at))
            .is_some_and(|p| p.kind == kind && p.id == id && p.original.is_none())
    };
    let new_ids: BTreeSet<(Kind, &str)> = heads
        .iter()
        .filter_map(|(rel, h)| Some((rel, h.as_ref()?)))
        .filter(|(_, h)| h.lang() == 0 && h.original().is_none())
        .filter(|(rel, h)| !had(rel, h.kind(), h.id()))
        .map(|(_, h)| (h.kind(), h.id()))
        .collect();
    if new_ids.is_empty() {
        return BTreeSet::new();
    }
    model
        .site
        .page_refs()
        .filter(|(lang, _, page)| {
            *lang != 0
                && page.original.is_none()
                && !pending.contains(&page.rel)
                && new_ids.contains(&(page.kind, page.id.as_str()))
        })
        .map(|(_, _, page)| page.rel.clone())
        .collect()
}

/// The pages a batch of heads may translate, in memory: the heads read earlier in this
/// update (as they are now), then the site before it, but for the files read again.
struct InMemory<'a> {
    model: &'a Model,
    fresh: &'a [(String, Option<Head>)],
    /// Every file read again in this update: the site's version of them is stale.
    replaced: &'a HashSet<&'a str>,
}

impl InMemory<'_> {
    fn fresh(&self, rel: &str) -> Option<Option<&Head>> {
        if let Some((_, h)) = self.fresh.iter().find(|(r, _)| r == rel) {
            return Some(h.as_ref());
        }
        self.replaced.contains(rel).then_some(None)
    }

    fn original_of_page<'p>(&'p self, page: &'p Page) -> Option<Original<'p>> {
        let file = self.model.sources.texts.get(&page.rel)?;
        Some(Original {
            rel: &page.rel,
            kind: page.kind,
            lang: page.lang,
            meta: &page.meta,
            extra: &page.extra,
            display: &page.display,
            text: &file.text,
        })
    }
}

impl Originals for InMemory<'_> {
    fn by_rel(&self, rel: &str) -> Option<Original<'_>> {
        if let Some(fresh) = self.fresh(rel) {
            return fresh.map(Original::of_head);
        }
        let (lang, at) = self.model.lookup.locate.get(rel)?;
        self.original_of_page(self.model.site.page(*lang, *at)?)
    }

    fn by_id(&self, kind: Kind, id: &str) -> Option<Original<'_>> {
        let fresh =
            self.fresh.iter().filter_map(|(_, h)| h.as_ref()).find(|h| {
                h.lang() == 0 && h.original().is_none() && h.kind() == kind && h.id() == id
            });
        if let Some(h) = fresh {
            return Some(Original::of_head(h));
        }
        self.model.site.editions[0]
            .all_pages()
            .filter(|p| self.fresh(&p.rel).is_none())
            .find(|p| p.kind == kind && p.id == id && p.original.is_none())
            .and_then(|p| self.original_of_page(p))
    }

    fn is_named_original(&self, rel: &str) -> bool {
        let languages = &self.model.site.config.languages;
        let named = |r: &str| matches!(parse::translate::named(r, languages), Ok(Some(_)));
        self.fresh
            .iter()
            .filter_map(|(_, h)| h.as_ref())
            .any(|h| h.original() == Some(rel) && named(h.rel()))
            || self
                .model
                .site
                .all_pages()
                .filter(|p| self.fresh(&p.rel).is_none())
                .any(|p| p.original.as_deref() == Some(rel) && named(&p.rel))
    }

    fn is_unreadable(&self, _: &str) -> bool {
        false
    }
}

/// The first pass over the files at `rels`, as last read (`None`: gone, or a draft),
/// joined to the pages they translate: those among themselves, in `fresh` (read earlier in
/// this update) or in the site.
fn heads_of<'a>(
    model: &Model,
    rels: impl Iterator<Item = &'a String> + Clone,
    fresh: &'a [(String, Option<Head>)],
    options: ParseOptions,
) -> Result<Vec<(String, Option<Head>)>, Failed> {
    let mut heads = Vec::new();
    let mut gone = Vec::new();
    let mut problems = Vec::new();
    let replaced: HashSet<&str> = rels
        .clone()
        .map(String::as_str)
        .chain(fresh.iter().map(|(rel, _)| rel.as_str()))
        .collect();
    for rel in rels {
        let Some(file) = model.sources.texts.get(rel) else {
            gone.push(rel.clone());
            continue;
        };
        match parse::parse_head(file.clone(), &model.site.config, options) {
            Ok(h) => heads.push(h),
            Err(d) => problems.extend(d),
        }
    }
    if !problems.is_empty() {
        return Err(Failed::kept(problems));
    }
    let settings = parse::Settings::of(&model.site.config);
    let others = InMemory {
        model,
        fresh,
        replaced: &replaced,
    };
    let (joined, problems, _) = parse::translate::join(heads, &settings, &others);
    if !problems.is_empty() {
        return Err(Failed::kept(problems));
    }
    let mut out: Vec<(String, Option<Head>)> = gone.into_iter().map(|rel| (rel, None)).collect();
    for mut h in joined {
        let kept = options.keeps(&mut h);
        out.push((h.rel().to_string(), kept.then_some(h)));
    }
    Ok(out)
}

/// True when `new` can replace the page at `at` without moving anything in the site:
/// same kind and URL, and for an article the same sort key, topics and names.
fn same_place(site: &Site, lang: Lang, at: PageRef, new: &Page) -> bool {
    let Some(old) = site.page(lang, at) else {
        return false;
    };
    if old.kind != new.kind
        || old.path != new.path
        || old.meta.common() != new.meta.common()
        || old.lang != new.lang
        || old.original != new.original
    {
        return false;
    }
    // Redirect pages carry the title of the page they lead to.
    if !old.meta.common().aliases.is_empty() && old.title() != new.title() {
        return false;
    }
    match (&old.meta, &new.meta) {
        (Meta::Article(a), Meta::Article(b)) => {
            // `updated` is in the sitemap entries of the pages listing the article.
            a.date == b.date
                && a.updated == b.updated
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
        // A profile's spellings decide which articles its entity has.
        (Meta::Profile(a), Meta::Profile(b)) => {
            a.name == b.name && a.aliases == b.aliases && a.names == b.names
        }
        _ => false,
    }
}

/// What a link to a page shows: its title and URL path.
pub(super) fn link(page: &Page) -> (&str, &str) {
    (page.title(), &page.path)
}

fn slot(site: &mut Site, lang: Lang, at: PageRef) -> &mut Page {
    let ed = &mut site.editions[lang];
    match at {
        PageRef::Home => ed.home.as_mut().expect("located pages exist"),
        PageRef::Article(i) => &mut ed.articles[i],
        PageRef::Topic(i) => &mut ed.topics[i].page,
        PageRef::Page(i) => &mut ed.pages[i],
        PageRef::Profile(i) => &mut ed.profiles[i],
    }
}

/// Replaces pages whose place in the site does not change.
fn put_in_place(model: &mut Model, pages: Vec<Parsed>) -> Changed {
    let mut changed = Changed::default();
    let base_path = model.site.config.base_path().to_string();
    // By language: whether a page other than an article changed there (the values shared
    // by the edition's pages may then change), and whether an article's card did.
    let mut touched: BTreeMap<Lang, Touched> = BTreeMap::new();
    for (rel, page) in pages {
        let page = page.expect("checked by same_place");
        let (lang, at) = model.lookup.locate[&rel];
        model.search[lang].forget(&model.site.editions[lang], at);
        changed.page(lang, at, View::Full);
        let touched = touched.entry(lang).or_default();
        let shared = &mut model.shared[lang];
        let old = slot(&mut model.site, lang, at);
        if link(old) != link(&page) {
            changed.page(lang, at, View::Ref);
        }
        if let PageRef::Article(i) = at {
            let card = values::card(&page, &base_path, &shared.topic_refs, &shared.dates);
            if card != shared.cards[i] {
                shared.cards[i] = card;
                touched.cards = true;
                changed.page(lang, at, View::Card);
            }
        } else {
            touched.other = true;
        }
        *old = page;
    }
    for (lang, touched) in touched {
        let old = &mut model.shared[lang];
        if touched.other {
            // Titles, menus and summaries of topics and pages are in the shared values.
            let shared = Shared::with_cards(&model.site, lang, std::mem::take(&mut old.cards));
            if shared.topic_cards != old.topic_cards {
                changed.topic_cards.insert(lang);
            }
            if shared.globals != old.globals {
                changed.globals.insert(lang);
            }
            *old = shared;
        } else if touched.cards {
            // Articles alone show in nothing shared but the topic cards' latest articles.
            let topic_cards = Shared::topic_cards(&model.site, lang, &old.cards);
            if topic_cards != old.topic_cards {
                changed.topic_cards.insert(lang);
                old.topic_cards = topic_cards;
            }
        }
    }
    changed
}

/// What changed in one language's edition by an edit in place.
#[derive(Default)]
struct Touched {
    /// A page other than an article.
    other: bool,
    /// An article's card.
    cards: bool,
}
