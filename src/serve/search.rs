//! The search indexes as `serve` keeps them (one per language's edition): one entry per
//! indexed page, in the order of the index, kept from one rebuild to the next. An edit makes the entries of the pages it
//! changed again; the index is sent as parts (the entries, and the punctuation between
//! them from [`search::join`]), so the unchanged entries are never copied.

use bytes::Bytes;
use rayon::prelude::*;

use super::affected::Moves;
use super::output::Body;
use crate::i18n::Lang;
use crate::index::{Edition, PageRef};
use crate::render::values::Shared;
use crate::render::{Scope, search};

/// The entries of one edition's search index, by position in it; `None` where one must be
/// made.
#[derive(Debug, Default)]
pub(super) struct Entries {
    entries: Vec<Option<Bytes>>,
}

/// How many pages of each kind a site has: what places each page in the index (see
/// [`search::indexed_pages`]: articles, topics, plain pages, home).
#[derive(Debug, Clone, Copy)]
pub(super) struct Shape {
    pub(super) articles: usize,
    pub(super) topics: usize,
    pub(super) pages: usize,
    pub(super) home: bool,
}

impl Shape {
    pub(super) fn of(ed: &Edition) -> Shape {
        Shape {
            articles: ed.articles.len(),
            topics: ed.topics.len(),
            pages: ed.pages.len(),
            home: ed.home.is_some(),
        }
    }

    fn position(&self, at: PageRef) -> usize {
        match at {
            PageRef::Article(i) => i,
            PageRef::Topic(t) => self.articles + t,
            PageRef::Page(p) => self.articles + self.topics + p,
            PageRef::Home => self.articles + self.topics + self.pages,
        }
    }

    fn len(&self) -> usize {
        self.articles + self.topics + self.pages + usize::from(self.home)
    }

    /// Every page, in the order of the index.
    fn pages(&self) -> impl Iterator<Item = PageRef> {
        (0..self.articles)
            .map(PageRef::Article)
            .chain((0..self.topics).map(PageRef::Topic))
            .chain((0..self.pages).map(PageRef::Page))
            .chain(self.home.then_some(PageRef::Home))
    }
}

impl Entries {
    /// The entry of the page at `at` in the edition `ed` must be made again.
    pub(super) fn forget(&mut self, ed: &Edition, at: PageRef) {
        if let Some(e) = self.entries.get_mut(Shape::of(ed).position(at)) {
            *e = None;
        }
    }

    /// After the site was indexed again: the entries of the pages of the edition in
    /// `lang` that stayed in it (`moves` says where each page of the site before went;
    /// `keep`, whether its entry still holds) at their new places. `before` is the
    /// edition's shape before, `ed` the edition now.
    pub(super) fn moved(
        &mut self,
        lang: Lang,
        before: Shape,
        ed: &Edition,
        moves: &Moves,
        keep: impl Fn(PageRef) -> bool,
    ) {
        let now = Shape::of(ed);
        let mut entries = vec![None; now.len()];
        for old in before.pages() {
            let Some(entry) = self
                .entries
                .get_mut(before.position(old))
                .and_then(Option::take)
            else {
                continue;
            };
            if let Some((l, at)) = moves.now(lang, old)
                && l == lang
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

    /// The index of an edition: the kept entries, and new ones for the others.
    pub(super) fn index(&mut self, s: &Scope, shared: &Shared) -> Body {
        let pages: Vec<_> = search::indexed_pages(s.ed).collect();
        self.entries.resize(pages.len(), None);
        let made: Vec<(usize, Bytes)> = self
            .entries
            .iter()
            .enumerate()
            .filter(|(_, e)| e.is_none())
            .map(|(i, _)| i)
            .collect::<Vec<_>>()
            .into_par_iter()
            .map(|i| (i, Bytes::from(search::entry_json(s, shared, pages[i].1))))
            .collect();
        for (i, entry) in made {
            self.entries[i] = Some(entry);
        }
        let parts = search::join(self.entries.iter().flatten().cloned(), Bytes::from_static);
        Body::Parts(parts.into())
    }
}
