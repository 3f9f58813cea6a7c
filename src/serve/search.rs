//! The search index of each language's edition as `serve` keeps it between rebuilds (one
//! [`Kept`] per language): each page's analysis (its terms and fragment) by content path,
//! and the inverted index itself ([`crate::render::search::Index`]).
//!
//! An edit that moves no page (the common case: a sentence changed) costs only what it
//! touched: the changed pages are analysed again, their postings replaced under the same
//! ids, the shards around the terms whose postings changed planned and encoded again, and
//! the files given are the manifest, the shards and the fragments files of the changed
//! pages' days, with the shards that are gone named. After pages came, went or moved, every page's id is found
//! again from its URL and date, the pages that took another id move in the index, and the
//! whole folder is given. Either way the files of everything else are the same `Bytes` as
//! before, so comparing them with what is served costs nothing.

use std::sync::Arc;

use bytes::Bytes;
use rustc_hash::{FxHashMap, FxHashSet};

use super::output::{Body, Gone};
use crate::index::{Edition, PageRef};
use crate::render::Scope;
use crate::render::search::{self, Analysed, Doc, Index, analyse, fragments, words};
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
    /// The pages changed in place since the index was last written, and where they are.
    forgotten: Vec<(String, PageRef)>,
    /// True while every page the index holds is where it was when the index was last
    /// written: then only the `forgotten` pages need work.
    in_place: bool,
    /// The shard files last written.
    shard_paths: FxHashSet<String>,
}

/// One page's analysis.
struct Page {
    terms: Vec<analyse::Posting>,
    fragment: Bytes,
}

/// The files of an index as written again, and those that are gone.
pub(super) struct Written {
    pub(super) files: Vec<(String, Body)>,
    pub(super) gone: Gone,
}

impl Kept {
    /// The page at `at` changed in place: it must be analysed again.
    pub(super) fn forget(&mut self, ed: &Edition, at: PageRef) {
        if let Some(page) = ed.page(at) {
            self.analysed.remove(&page.rel);
            self.forgotten.push((page.rel.clone(), at));
        }
    }

    /// After the site was indexed again: keeps the analyses of the pages that are still
    /// in the edition (`ed`, as it is now) and for which `keep` holds.
    pub(super) fn moved(&mut self, ed: &Edition, keep: impl Fn(PageRef) -> bool) {
        let kept: FxHashSet<&str> = ed
            .page_refs()
            .filter(|(at, _)| keep(*at))
            .map(|(_, p)| p.rel.as_str())
            .collect();
        self.analysed.retain(|rel, _| kept.contains(rel.as_str()));
        self.in_place = false;
    }

    /// Every page must be analysed again (the topics' titles, which pages name, changed).
    pub(super) fn clear(&mut self) {
        self.analysed.clear();
        self.in_place = false;
    }

    /// The files of the index of the edition `s`, as a build writes them.
    pub(super) fn files(&mut self, s: &Scope, shared: &Shared) -> Written {
        let stop = words::stop_words(search::language(shared));
        let folder = search::folder(s);
        if self.in_place
            && let Some(fragments) = self.replace_forgotten(s, shared, stop, &folder)
        {
            let (mut files, gone) = self.write(stop, &folder);
            files.extend(fragments);
            return Written {
                files,
                gone: Gone::files(gone),
            };
        }
        let fresh = self.placed.is_empty();
        let (fragments, gone_fragments) = self.place_all(s, shared, stop, &folder);
        let (mut files, gone_shards) = self.write(stop, &folder);
        files.extend(fragments);
        // An index made afresh replaces whatever the folders held before.
        let gone = if fresh {
            Gone::rest_of(search::owned_folders(&folder))
        } else {
            Gone::files(gone_shards.into_iter().chain(gone_fragments).collect())
        };
        Written { files, gone }
    }

    /// Analyses the pages changed in place again and replaces their postings, under the
    /// ids they had; gives their fragments. `None` when a page is not where it was.
    fn replace_forgotten(
        &mut self,
        s: &Scope,
        shared: &Shared,
        stop: &[&str],
        folder: &str,
    ) -> Option<Vec<(String, Body)>> {
        let mut forgotten = std::mem::take(&mut self.forgotten);
        forgotten.sort_unstable();
        forgotten.dedup();
        let pages: Vec<_> = forgotten
            .iter()
            .map(|(rel, at)| {
                s.ed.page(*at)
                    .filter(|p| p.rel == *rel && self.placed.contains_key(rel))
            })
            .collect::<Option<_>>()?;
        let docs: Vec<Doc> = pages.iter().map(|p| search::doc(s, shared, p)).collect();
        let analysed = analyse::analyse_all(&docs, stop, &mut self.index.vocab);
        let mut touched = FxHashSet::default();
        for (p, Analysed { terms, fragment }) in pages.iter().zip(analysed) {
            let page = Arc::new(Page {
                terms,
                fragment: Bytes::from(fragment),
            });
            let placed = self.placed.get_mut(&p.rel)?;
            self.index.replace(placed.0, &placed.1.terms, &page.terms);
            placed.1 = Arc::clone(&page);
            touched.insert(fragments::file_of(placed.0));
            self.analysed.insert(p.rel.clone(), page);
        }
        // The pages kept their ids: every file touched still has them.
        Some(self.fragment_files(touched, folder).0)
    }

    /// Finds every page's id again, analyses the pages that are new or changed, and moves
    /// the postings of those that came, went, changed or took another id; gives their
    /// fragments, and the fragment files no page has any more.
    fn place_all(
        &mut self,
        s: &Scope,
        shared: &Shared,
        stop: &[&str],
        folder: &str,
    ) -> (Vec<(String, Body)>, Vec<String>) {
        self.forgotten.clear();
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
        let ids = analyse::assign_ids(&docs);
        let now: FxHashMap<&str, (u32, Arc<Page>)> = rels
            .iter()
            .zip(&ids)
            .map(|(rel, &id)| (*rel, (id, Arc::clone(&self.analysed[*rel]))))
            .collect();
        let same = |placed: &(u32, Arc<Page>), now: Option<&(u32, Arc<Page>)>| {
            now.is_some_and(|(id, page)| *id == placed.0 && Arc::ptr_eq(page, &placed.1))
        };
        let mut touched = FxHashSet::default();
        for (rel, placed) in &self.placed {
            if !same(placed, now.get(rel.as_str())) {
                self.index.remove(placed.0, &placed.1.terms);
                touched.insert(fragments::file_of(placed.0));
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
        for &(id, rel) in &added {
            self.index.add(id, &now[rel].1.terms);
            touched.insert(fragments::file_of(id));
        }
        self.analysed
            .retain(|rel, _| now.contains_key(rel.as_str()));
        self.placed = now
            .into_iter()
            .map(|(rel, placed)| (rel.to_string(), placed))
            .collect();
        self.in_place = true;
        self.fragment_files(touched, folder)
    }

    /// The fragments files `touched` as the pages placed now make them, in order of their
    /// paths, and the paths of those of them no page is in any more.
    fn fragment_files(
        &self,
        touched: FxHashSet<u32>,
        folder: &str,
    ) -> (Vec<(String, Body)>, Vec<String>) {
        let mut in_file: FxHashMap<u32, Vec<(u32, &Page)>> =
            touched.into_iter().map(|n| (n, Vec::new())).collect();
        for (id, page) in self.placed.values() {
            if let Some(pages) = in_file.get_mut(&fragments::file_of(*id)) {
                pages.push((*id, page));
            }
        }
        let mut in_file: Vec<_> = in_file.into_iter().collect();
        in_file.sort_unstable_by_key(|(n, _)| *n);
        let (mut files, mut gone) = (Vec::new(), Vec::new());
        for (n, mut pages) in in_file {
            let path = fragments::path(folder, n);
            if pages.is_empty() {
                gone.push(path);
                continue;
            }
            pages.sort_unstable_by_key(|(id, _)| *id);
            let bytes = fragments::file(pages.iter().map(|(id, p)| (*id, &p.fragment[..])));
            files.push((path, Body::Whole(Bytes::from(bytes))));
        }
        (files, gone)
    }

    /// The manifest and the shards, and the shard files written before that are gone.
    fn write(&mut self, stop: &[&str], folder: &str) -> (Vec<(String, Body)>, Vec<String>) {
        let files: Vec<(String, Body)> = search::write(&mut self.index, stop, folder)
            .into_iter()
            .map(|(path, bytes)| (path, Body::Whole(bytes)))
            .collect();
        let manifest = search::manifest_path(folder);
        let paths: FxHashSet<String> = files
            .iter()
            .filter(|(path, _)| *path != manifest)
            .map(|(path, _)| path.clone())
            .collect();
        let gone = self
            .shard_paths
            .iter()
            .filter(|p| !paths.contains(*p))
            .cloned()
            .collect();
        self.shard_paths = paths;
        (files, gone)
    }
}
