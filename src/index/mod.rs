//! Stage 3, index: from parsed pages to the [`Site`]: articles in time order, topics,
//! people, organizations and tags with their articles, related articles, and the checks
//! that span files (two sources on one URL).

use std::collections::{BTreeMap, HashMap};

use rustc_hash::FxHashMap;

use crate::config::Config;
use crate::error::{Diagnostic, Diagnostics, Problem};
use crate::i18n::Lang;
use crate::parse::{Kind, Page};
pub(crate) use entities::{Entity, EntityKind};
pub(crate) use related::Related;

mod claims;
mod entities;
mod order;
mod related;
mod urls;

use urls::keep_unique_urls;
pub(crate) use urls::{Claim, GENERATED, check_urls, prefixes, taken_section};

/// A topic and the articles filed under it (indices into `Site::articles`, newest first).
#[derive(Debug, Clone)]
pub struct Topic {
    pub page: Page,
    pub articles: Vec<usize>,
}

/// The whole site, ready to render: one edition per language.
#[derive(Debug, Clone)]
pub struct Site {
    pub config: Config,
    /// One edition per language of `config.languages`, in that order: the first is the
    /// default language's. A site of one language has one.
    pub editions: Vec<Edition>,
    /// The pages that translate each other, by the content path of their original.
    pub translations: Translations,
}

/// One language's edition of the site: the pages written in it and the lists made from
/// them. Lists show only what exists in the language: a page with no translation is not
/// in the editions of other languages.
#[derive(Debug, Clone, Default)]
pub struct Edition {
    pub home: Option<Page>,
    /// Newest first; an article's position here is its id everywhere else.
    pub articles: Vec<Page>,
    /// Ordered by weight, then title.
    pub topics: Vec<Topic>,
    /// Plain pages, ordered by weight, then title.
    pub pages: Vec<Page>,
    /// Profiles of people, organizations and tags, in file order; each is shown on its
    /// entity's page (see [`Entity::profile`]).
    pub profiles: Vec<Page>,
    /// People, organizations and tags, each sorted by name.
    pub entities: BTreeMap<EntityKind, Vec<Entity>>,
    /// Up to [`RELATED`] related articles per article.
    pub related: Vec<Related>,
    /// The years with articles, newest first, each with its articles (positions in
    /// `articles`, in order): made once here, not by each of the timeline's year pages.
    pub years: Vec<(i16, Vec<usize>)>,
    /// Each topic's position in `topics`, by id: pages ask for it for every topic an
    /// article names, thousands of times per build.
    topic_at: FxHashMap<String, usize>,
    /// The profiles (positions in `profiles`, in order) that claim each slug, by kind (see
    /// [`claims::claimed_slugs`]): every name of every article is looked up here, where asking
    /// each profile made a build with hundreds of profiles a tenth slower.
    claimed: claims::Claimed,
}

/// Where a page made from a content file is in its [`Edition`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PageRef {
    Home,
    Article(usize),
    Topic(usize),
    Page(usize),
    Profile(usize),
}

impl Edition {
    /// Every page made from a content file: home, articles, topics, plain pages.
    pub fn all_pages(&self) -> impl Iterator<Item = &Page> {
        self.page_refs().map(|(_, p)| p)
    }

    /// Every page made from a content file, with where it is.
    pub fn page_refs(&self) -> impl Iterator<Item = (PageRef, &Page)> {
        self.home
            .iter()
            .map(|p| (PageRef::Home, p))
            .chain(
                self.articles
                    .iter()
                    .enumerate()
                    .map(|(i, p)| (PageRef::Article(i), p)),
            )
            .chain(
                self.topics
                    .iter()
                    .enumerate()
                    .map(|(i, t)| (PageRef::Topic(i), &t.page)),
            )
            .chain(
                self.pages
                    .iter()
                    .enumerate()
                    .map(|(i, p)| (PageRef::Page(i), p)),
            )
            .chain(
                self.profiles
                    .iter()
                    .enumerate()
                    .map(|(i, p)| (PageRef::Profile(i), p)),
            )
    }

    /// The page at `at`.
    pub fn page(&self, at: PageRef) -> Option<&Page> {
        match at {
            PageRef::Home => self.home.as_ref(),
            PageRef::Article(i) => self.articles.get(i),
            PageRef::Topic(i) => self.topics.get(i).map(|t| &t.page),
            PageRef::Page(i) => self.pages.get(i),
            PageRef::Profile(i) => self.profiles.get(i),
        }
    }

    /// The page at `at`, to change.
    pub fn page_mut(&mut self, at: PageRef) -> Option<&mut Page> {
        match at {
            PageRef::Home => self.home.as_mut(),
            PageRef::Article(i) => self.articles.get_mut(i),
            PageRef::Topic(i) => self.topics.get_mut(i).map(|t| &mut t.page),
            PageRef::Page(i) => self.pages.get_mut(i),
            PageRef::Profile(i) => self.profiles.get_mut(i),
        }
    }

    /// The profile of an entity, if it has one.
    pub fn profile_of(&self, entity: &Entity) -> Option<&Page> {
        entity.profile.and_then(|p| self.profiles.get(p))
    }

    /// An edition with no pages.
    pub fn empty() -> Edition {
        Edition {
            entities: EntityKind::ALL
                .into_iter()
                .map(|k| (k, Vec::new()))
                .collect(),
            ..Edition::default()
        }
    }

    /// The position of the topic `id` among this edition's topics.
    pub fn topic(&self, id: &str) -> Option<usize> {
        self.topic_at.get(id).copied()
    }
}

impl Site {
    /// Every page made from a content file, in every language.
    pub fn all_pages(&self) -> impl Iterator<Item = &Page> {
        self.editions.iter().flat_map(Edition::all_pages)
    }

    /// Every page made from a content file, with its language and where it is.
    pub fn page_refs(&self) -> impl Iterator<Item = (Lang, PageRef, &Page)> {
        self.editions
            .iter()
            .enumerate()
            .flat_map(|(lang, e)| e.page_refs().map(move |(at, p)| (lang, at, p)))
    }

    /// The page at `at` in the edition of `lang`.
    pub fn page(&self, lang: Lang, at: PageRef) -> Option<&Page> {
        self.editions.get(lang)?.page(at)
    }

    /// The default language's edition.
    pub fn default_edition(&self) -> &Edition {
        &self.editions[0]
    }

    /// A site with no pages, for `config`.
    pub fn empty(config: Config) -> Site {
        Site {
            editions: config.languages.iter().map(|_| Edition::empty()).collect(),
            config,
            translations: Translations::default(),
        }
    }

    /// Every version of `page` (itself included), by language, when it has translations;
    /// nothing for a page in one language.
    pub fn versions(&self, page: &Page) -> &[(Lang, PageRef)] {
        let group = page.original.as_deref().unwrap_or(&page.rel);
        self.translations
            .groups
            .get(group)
            .map_or(&[], Vec::as_slice)
    }
}

/// The pages that translate each other.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Translations {
    /// By the content path of the original: every version (the original too), by
    /// language. Only pages with translations are here.
    pub groups: FxHashMap<String, Vec<(Lang, PageRef)>>,
}

impl Translations {
    fn of(editions: &[Edition]) -> Translations {
        let mut groups: FxHashMap<String, Vec<(Lang, PageRef)>> = FxHashMap::default();
        let translations = editions.iter().enumerate().flat_map(|(lang, e)| {
            e.page_refs()
                .filter_map(move |(at, p)| Some((p.original.as_ref()?, lang, at)))
        });
        for (original, lang, at) in translations {
            groups.entry(original.clone()).or_default().push((lang, at));
        }
        if groups.is_empty() {
            return Translations { groups };
        }
        for (lang, e) in editions.iter().enumerate() {
            for (at, p) in e.page_refs() {
                if let Some(group) = groups.get_mut(&p.rel) {
                    group.push((lang, at));
                }
            }
        }
        for group in groups.values_mut() {
            group.sort();
        }
        Translations { groups }
    }
}

pub(crate) fn index(config: Config, pages: Vec<Page>) -> Result<Site, Diagnostics> {
    let (site, problems) = index_lenient(config, pages);
    Diagnostics(problems).into_result(site)
}

/// Indexes what it can: pages whose URL is taken by an earlier page (or by a generated
/// page) are left out and reported, and the rest of the site is indexed.
pub(crate) fn index_lenient(config: Config, pages: Vec<Page>) -> (Site, Vec<Diagnostic>) {
    let (pages, mut problems) = keep_unique_urls(pages, &config);
    let (site, more) = index_pages(config, pages, None);
    problems.extend(more);
    (site, problems)
}

/// The warnings of every page of the site, and those about the site as a whole: raw
/// HTML shown as text is one warning for the whole site, at its first place.
pub(crate) fn warnings(site: &Site) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = site
        .all_pages()
        .flat_map(|p| p.warnings.iter().cloned())
        .collect();
    let mut raw: Vec<&Page> = site
        .all_pages()
        .filter(|p| p.body.raw_html.is_some())
        .collect();
    raw.sort_by(|a, b| a.display.cmp(&b.display));
    if let Some(first) = raw.first()
        && let Some(html) = &first.body.raw_html
    {
        let times = match html.count {
            1 => String::new(),
            n => format!(" ({n} times)"),
        };
        let here = match raw.len() {
            1 => format!("here{times}, the only file with raw HTML"),
            n => format!(
                "here{times} and in {} more file{} ({n} in all)",
                n - 1,
                if n == 2 { "" } else { "s" }
            ),
        };
        let mut d = Diagnostic::warning(first.display.clone(), Problem::RawHtmlShown { here });
        d.location = html.location;
        d.line_text = html.line.clone();
        out.push(d);
    }
    out.extend(crate::render::packs::warnings(site));
    if let Some(limit) = site.config.freshness.warn_after_days {
        for ed in &site.editions {
            out.extend(ed.topics.iter().filter_map(|t| stale(ed, t, limit)));
        }
    }
    out
}

/// The warning for a topic whose overview is more than `limit` days older than the newest
/// article filed under it.
fn stale(ed: &Edition, topic: &Topic, limit: u32) -> Option<Diagnostic> {
    // A translation that takes its date from the original is reported with it, once.
    if topic.page.original.is_some() && topic.page.spot("updated").is_none() {
        return None;
    }
    let updated = topic.page.meta.updated()?;
    let newest = topic
        .articles
        .first()
        .and_then(|&a| ed.articles[a].article())?
        .date;
    // The difference of two dates is a span in days.
    let days = i64::from((newest.date - updated.date).get_days());
    if days <= i64::from(limit) {
        return None;
    }
    let mut d = Diagnostic::warning(
        topic.page.display.clone(),
        Problem::StaleOverview {
            updated: updated.iso(),
            newest: newest.iso(),
            days,
            limit,
        },
    );
    if let Some(s) = topic.page.spot("updated") {
        d.location = Some(s.location);
        d.line_text = Some(s.line.clone());
    }
    Some(d)
}

/// What indexing again after an edit keeps from one edition before it (`serve` does this).
#[derive(Default)]
pub(crate) struct Earlier<'a> {
    /// Every article before the edit, by index: its content path,
    pub rels: &'a [String],
    /// and its related articles.
    pub related: Vec<Related>,
    /// The articles that went or changed in the edit, by their index before it, as they
    /// were.
    pub changed: Vec<(usize, Page)>,
}

/// As [`index`], after an edit: the same site, with the related articles of `earlier`
/// (one per edition) kept where the edit cannot have changed them. The caller has made
/// sure that every page has a URL of its own ([`check_urls`]).
pub(crate) fn index_again(
    config: Config,
    pages: Vec<Page>,
    earlier: Vec<Earlier>,
) -> Result<Site, Diagnostics> {
    let (site, problems) = index_pages(config, pages, Some(earlier));
    Diagnostics(problems).into_result(site)
}

fn index_pages(
    config: Config,
    pages: Vec<Page>,
    earlier: Option<Vec<Earlier>>,
) -> (Site, Vec<Diagnostic>) {
    let languages = config.languages.len().max(1);
    let related = config.related;
    let results: Vec<(Edition, Vec<Diagnostic>)> = if languages == 1 {
        vec![index_edition(
            pages,
            earlier.and_then(|e| e.into_iter().next()),
            related,
        )]
    } else {
        let mut by_lang: Vec<Vec<Page>> = (0..languages).map(|_| Vec::new()).collect();
        for page in pages {
            let lang = page.lang.min(languages - 1);
            by_lang[lang].push(page);
        }
        let mut earlier = earlier.map(|e| e.into_iter());
        by_lang
            .into_iter()
            .map(|pages| {
                let earlier = earlier.as_mut().and_then(Iterator::next);
                index_edition(pages, earlier, related)
            })
            .collect()
    };
    let mut problems = Vec::new();
    let mut editions = Vec::with_capacity(results.len());
    for (edition, more) in results {
        problems.extend(more);
        editions.push(edition);
    }
    let site = Site {
        translations: Translations::of(&editions),
        editions,
        config,
    };
    (site, problems)
}

/// One language's edition from its pages, and the problems of its profiles;
/// `related: false` (site.yaml) leaves out related articles and their cost.
fn index_edition(
    pages: Vec<Page>,
    earlier: Option<Earlier>,
    related: bool,
) -> (Edition, Vec<Diagnostic>) {
    let mut home = None;
    // Room for every page at once: a page is moved as few times as can be (see
    // `order::newest_first`).
    let mut articles: Vec<Page> = Vec::with_capacity(pages.len());
    let mut topic_pages = Vec::new();
    let mut plain = Vec::new();
    let mut profiles = Vec::new();
    for page in pages {
        match page.kind {
            Kind::Home => home = Some(page),
            Kind::Article => articles.push(page),
            Kind::Topic => topic_pages.push(page),
            Kind::Page => plain.push(page),
            Kind::Person | Kind::Organization | Kind::Tag => profiles.push(page),
        }
    }
    profiles.sort_by(|a, b| a.rel.cmp(&b.rel));
    let articles = order::newest_first(articles);
    topic_pages.sort_by(|a, b| {
        topic_weight(a)
            .cmp(&topic_weight(b))
            .then_with(|| a.title().cmp(b.title()))
    });
    plain.sort_by(|a, b| {
        page_weight(a)
            .cmp(&page_weight(b))
            .then_with(|| a.title().cmp(b.title()))
    });

    let topic_pos: HashMap<&str, usize> = topic_pages
        .iter()
        .enumerate()
        .map(|(i, t)| (t.id.as_str(), i))
        .collect();
    let mut filed: Vec<Vec<usize>> = vec![Vec::new(); topic_pages.len()];
    for (i, a) in articles.iter().enumerate() {
        for t in a.article().map(|m| m.topics.as_slice()).unwrap_or(&[]) {
            if let Some(&p) = topic_pos.get(t.as_str())
                && filed[p].last() != Some(&i)
            {
                filed[p].push(i);
            }
        }
    }

    let (mut entities, spellings, problems) = entities::collect(&articles, &profiles);
    let names = entities::Names::new(&entities, &spellings);
    let lists = |i: usize| related_lists(&articles[i], &filed, &topic_pos, &names);
    let related = match &earlier {
        _ if !related => related::none(articles.len()),
        None => related::all(articles.len(), lists),
        Some(earlier) => {
            let changed = earlier
                .changed
                .iter()
                .map(|(i, page)| {
                    let mut old = Vec::new();
                    for kind in EntityKind::ALL {
                        old.extend(
                            kind.names(page)
                                .iter()
                                .filter_map(|n| names.articles(kind, n)),
                        );
                    }
                    for t in page.article().map(|m| m.topics.as_slice()).unwrap_or(&[]) {
                        old.extend(topic_pos.get(t.as_str()).map(|&p| filed[p].as_slice()));
                    }
                    (*i, old)
                })
                .collect();
            let rels: Vec<&str> = articles.iter().map(|a| a.rel.as_str()).collect();
            let reuse = related::Reuse {
                rels: earlier.rels,
                related: &earlier.related,
                changed,
            };
            related::again(lists, &rels, &reuse)
        }
    };
    drop(names);
    let topics = topic_pages
        .into_iter()
        .zip(filed)
        .map(|(page, articles)| Topic { page, articles })
        .collect::<Vec<Topic>>();
    // Should two topics share an id, the first is the one found (inserted last).
    let topic_at = topics
        .iter()
        .enumerate()
        .rev()
        .map(|(i, t)| (t.page.id.clone(), i))
        .collect();
    entities::file_topics(&mut entities, &articles, &topic_at);

    let years = years_of(&articles);
    let claimed = claims::claimed_slugs(&profiles);
    let edition = Edition {
        home,
        years,
        topic_at,
        articles,
        topics,
        pages: plain,
        profiles,
        entities,
        related,
        claimed,
    };
    (edition, problems)
}

/// The years of `articles`, newest first, each with its articles in order. Articles are
/// ordered by instant and a year by the date as written, which agree but for dates written
/// in far-apart time zones around New Year, so every article is looked at rather than one
/// run per year assumed.
fn years_of(articles: &[Page]) -> Vec<(i16, Vec<usize>)> {
    let mut years: BTreeMap<std::cmp::Reverse<i16>, Vec<usize>> = BTreeMap::new();
    for (i, a) in articles.iter().enumerate() {
        let year = a.article().map_or(0, |m| m.date.date.year());
        years.entry(std::cmp::Reverse(year)).or_default().push(i);
    }
    years.into_iter().map(|(y, a)| (y.0, a)).collect()
}

fn topic_weight(p: &Page) -> i64 {
    match &p.meta {
        crate::parse::Meta::Topic(m) => m.weight,
        _ => 0,
    }
}

fn page_weight(p: &Page) -> i64 {
    match &p.meta {
        crate::parse::Meta::Page(m) => m.weight,
        _ => 0,
    }
}

fn related_lists<'a>(
    page: &Page,
    topics: &'a [Vec<usize>],
    topic_pos: &HashMap<&str, usize>,
    names: &entities::Names<'_, 'a>,
) -> related::Lists<'a> {
    let mut lists = Vec::new();
    for (kind, weight) in [
        (EntityKind::People, 4),
        (EntityKind::Organizations, 3),
        (EntityKind::Tags, 2),
    ] {
        for name in kind.names(page) {
            if let Some(list) = names.articles(kind, name) {
                lists.push((list, weight));
            }
        }
    }
    for t in page.article().map(|m| m.topics.as_slice()).unwrap_or(&[]) {
        if let Some(&p) = topic_pos.get(t.as_str()) {
            lists.push((topics[p].as_slice(), 1));
        }
    }
    lists
}
