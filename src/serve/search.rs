//! The search index as `serve` keeps it: one entry per indexed page, in the order of the
//! index, kept from one rebuild to the next. An edit makes the entries of the pages it
//! changed again; the index is sent as parts (the entries, and the punctuation between
//! them from [`search::join`]), so the unchanged entries are never copied.

use bytes::Bytes;
use rayon::prelude::*;

use super::affected::Moves;
use super::output::Body;
use crate::index::{PageRef, Site};
use crate::render::search;
use crate::render::values::Shared;

/// The entries of the search index, by position in it; `None` where one must be made.
#[derive(Debug, Default)]
pub(super) struct Entries {
    entries: Vec<Option<Bytes>>,
}

/// How many pages of each kind a site has: what places each page in the index (see
/// [`search::indexed_pages`]: articles, topics, plain pages, profiles, home).
#[derive(Debug, Clone, Copy)]
pub(super) struct Shape {
    pub(super) articles: usize,
    pub(super) topics: usize,
    pub(super) pages: usize,
    pub(super) profiles: usize,
    pub(super) home: bool,
}

impl Shape {
    pub(super) fn of(site: &Site) -> Shape {
        Shape {
            articles: site.articles.len(),
            topics: site.topics.len(),
            pages: site.pages.len(),
            profiles: site.profiles.len(),
            home: site.home.is_some(),
        }
    }

    fn position(&self, at: PageRef) -> usize {
        match at {
            PageRef::Article(i) => i,
            PageRef::Topic(t) => self.articles + t,
            PageRef::Page(p) => self.articles + self.topics + p,
            PageRef::Profile(p) => self.articles + self.topics + self.pages + p,
            PageRef::Home => self.articles + self.topics + self.pages + self.profiles,
        }
    }

    fn len(&self) -> usize {
        self.articles + self.topics + self.pages + self.profiles + usize::from(self.home)
    }

    /// Every page, in the order of the index.
    fn pages(&self) -> impl Iterator<Item = PageRef> {
        (0..self.articles)
            .map(PageRef::Article)
            .chain((0..self.topics).map(PageRef::Topic))
            .chain((0..self.pages).map(PageRef::Page))
            .chain((0..self.profiles).map(PageRef::Profile))
            .chain(self.home.then_some(PageRef::Home))
    }
}

impl Entries {
    /// The entry of the page at `at` must be made again.
    pub(super) fn forget(&mut self, site: &Site, at: PageRef) {
        if let Some(e) = self.entries.get_mut(Shape::of(site).position(at)) {
            *e = None;
        }
    }

    /// After the site was indexed again: the entries of the pages kept (`moves` says where
    /// each page of the site `before` went; `keep`, whether its entry still holds) at their
    /// new places.
    pub(super) fn moved(
        &mut self,
        before: Shape,
        site: &Site,
        moves: &Moves,
        keep: impl Fn(PageRef) -> bool,
    ) {
        let now = Shape::of(site);
        let mut entries = vec![None; now.len()];
        for old in before.pages() {
            let Some(entry) = self
                .entries
                .get_mut(before.position(old))
                .and_then(Option::take)
            else {
                continue;
            };
            if let Some(at) = moves.now(old)
                && keep(at)
            {
                entries[now.position(at)] = Some(entry);
            }
        }
        self.entries = entries;
    }

    /// Every entry must be made again.
    pub(super) fn clear(&mut self) {
        self.entries.clear();
    }

    /// The index of `site`: the kept entries, and new ones for the others.
    pub(super) fn index(&mut self, site: &Site, shared: &Shared) -> Body {
        let pages: Vec<_> = search::indexed_pages(site).collect();
        self.entries.resize(pages.len(), None);
        let made: Vec<(usize, Bytes)> = self
            .entries
            .iter()
            .enumerate()
            .filter(|(_, e)| e.is_none())
            .map(|(i, _)| i)
            .collect::<Vec<_>>()
            .into_par_iter()
            .map(|i| (i, Bytes::from(search::entry_json(site, shared, pages[i].1))))
            .collect();
        for (i, entry) in made {
            self.entries[i] = Some(entry);
        }
        let parts = search::join(self.entries.iter().flatten().cloned(), Bytes::from_static);
        Body::Parts(parts.into())
    }
}
