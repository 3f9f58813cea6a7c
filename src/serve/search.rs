//! The search index of each language's edition as `serve` keeps it between rebuilds (one
//! [`Kept`] per language): each page's analysis (its terms
//! and fragment) by content path, and the inverted index itself
//! ([`crate::render::search::Index`]). An edit analyses again only the pages it changed,
//! moves their postings in the index, and re-encodes only the shards of the terms whose
//! postings changed; the files of everything else are the same `Bytes` as before, so
//! comparing them with what is served costs nothing and the delta holds only what the
//! edit touched.

use std::sync::Arc;

use bytes::Bytes;
use rustc_hash::FxHashMap;

use super::output::Body;
use crate::index::{Edition, PageRef};
use crate::render::Scope;
use crate::render::search::{self, Analysed, Doc, Index, analyse, words};
use crate::render::values::Shared;

/// What is kept of the search index between rebuilds.
#[derive(Default)]
pub(super) struct Kept {
    /// Each page's terms (ids in the index's vocabulary) and fragment, by content path;
    /// missing where the page must be analysed again.
    analysed: FxHashMap<String, Arc<Page>>,
    index: Index,
    /// The pages the index holds, by content path: their ids and analyses.
    placed: FxHashMap<String, (u32, Arc<Page>)>,
}

/// One page's analysis.
struct Page {
    terms: Vec<analyse::Posting>,
    fragment: Bytes,
}

impl Kept {
    /// The page at `at` changed: it must be analysed again.
    pub(super) fn forget(&mut self, ed: &Edition, at: PageRef) {
        if let Some(page) = ed.page(at) {
            self.analysed.remove(&page.rel);
        }
    }

    /// After the site was indexed again: keeps the analyses of the pages that are still
    /// in the edition (`ed`, as it is now) and for which `keep` holds.
    pub(super) fn moved(&mut self, ed: &Edition, keep: impl Fn(PageRef) -> bool) {
        let kept: FxHashMap<&str, ()> = ed
            .page_refs()
            .filter(|(at, _)| keep(*at))
            .map(|(_, p)| (p.rel.as_str(), ()))
            .collect();
        self.analysed
            .retain(|rel, _| kept.contains_key(rel.as_str()));
    }

    /// Every page must be analysed again (the topics' titles, which pages name, changed).
    pub(super) fn clear(&mut self) {
        self.analysed.clear();
    }

    /// The files of the index of the edition `s`, as a build writes them.
    pub(super) fn files(&mut self, s: &Scope, shared: &Shared) -> Vec<(String, Body)> {
        let stop = words::stop_words(search::language(shared));
        let folder = search::folder(s);
        let pages: Vec<_> = search::indexed_pages(s.ed).map(|(_, p)| p).collect();
        let rels: Vec<&str> = pages.iter().map(|p| p.rel.as_str()).collect();
        // Every page's id comes from its URL and date alone.
        let docs: Vec<Doc> = pages
            .iter()
            .map(|p| search::placed_doc(shared, p))
            .collect();
        // Analyse the pages that are new or changed, seen in full.
        let missing: Vec<_> = pages
            .iter()
            .filter(|p| !self.analysed.contains_key(&p.rel))
            .collect();
        let changed: Vec<Doc> = missing.iter().map(|p| search::doc(s, shared, p)).collect();
        let analysed = analyse::analyse_all(&changed, stop, &mut self.index.vocab);
        for (p, Analysed { terms, fragment }) in missing.iter().zip(analysed) {
            let page = Page {
                terms,
                fragment: Bytes::from(fragment),
            };
            self.analysed.insert(p.rel.clone(), Arc::new(page));
        }
        // Move the postings of the pages that came, went, changed or took another id.
        let ids = analyse::assign_ids(&docs);
        let now: FxHashMap<&str, (u32, Arc<Page>)> = rels
            .iter()
            .zip(&ids)
            .map(|(rel, &id)| (*rel, (id, Arc::clone(&self.analysed[*rel]))))
            .collect();
        let same = |placed: &(u32, Arc<Page>), now: Option<&(u32, Arc<Page>)>| {
            now.is_some_and(|(id, page)| *id == placed.0 && Arc::ptr_eq(page, &placed.1))
        };
        for (rel, placed) in &self.placed {
            if !same(placed, now.get(rel.as_str())) {
                self.index.remove(placed.0, &placed.1.terms);
            }
        }
        let mut added: Vec<(u32, &str)> = now
            .iter()
            .filter(|(rel, _)| {
                self.placed
                    .get(**rel)
                    .is_none_or(|placed| !same(placed, now.get(**rel)))
            })
            .map(|(rel, (id, _))| (*id, *rel))
            .collect();
        added.sort_unstable();
        for (id, rel) in added {
            self.index.add(id, &now[rel].1.terms);
        }
        self.analysed
            .retain(|rel, _| now.contains_key(rel.as_str()));
        self.placed = now
            .into_iter()
            .map(|(rel, placed)| (rel.to_string(), placed))
            .collect();
        // The files: the manifest and shards, then a fragment per page.
        let mut files: Vec<(String, Body)> = search::write(&mut self.index, stop, &folder)
            .into_iter()
            .map(|(path, bytes)| (path, Body::Whole(bytes)))
            .collect();
        files.extend(rels.iter().zip(&ids).map(|(rel, &id)| {
            (
                search::fragment_path(&folder, id),
                Body::Whole(self.analysed[*rel].fragment.clone()),
            )
        }));
        files
    }
}
