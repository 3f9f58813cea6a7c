//! The inverted index of one language's pages, and how it is cut into shards.
//!
//! Every term has its postings (page id, impact), sorted by id, encoded in pieces of at
//! most [`MAX_SHARD`] bytes (a word on every page takes several). The terms, in order, are
//! cut into shards where their content says ([`super::shards`]), so a change to one term
//! moves the cuts of its own neighbourhood only, and a shard no edit touched keeps its
//! bytes and its name (a hash of its bytes).
//!
//! The index is kept between rebuilds by `serve`: pages are added, removed and replaced
//! one by one, a term's encoding is redone only when its postings changed, and the cuts
//! are planned again only around the terms that did ([`super::shards`]). A build makes a
//! fresh one; both give the same bytes.

use std::cmp::Ordering;
use std::sync::Arc;

use bytes::Bytes;
use rustc_hash::FxHashMap;
use serde::Serialize;

use super::analyse::{Posting, Vocab};
use super::postings::{Entry, Postings};
use super::shards::{MAX_SHARD, Planned};

/// The format of the manifest and shards; the script refuses others.
pub const FORMAT: u32 = 2;

/// One shard as written: its name (a hash of its bytes) and its bytes.
#[derive(Debug, Clone)]
pub struct Shard {
    pub name: String,
    pub bytes: Bytes,
}

/// The inverted index.
#[derive(Debug, Default)]
pub struct Index {
    pub vocab: Vocab,
    /// By term id: (page id, impact), sorted by page id.
    postings: Vec<Postings>,
    /// By term id: the term's postings, encoded in pieces; `None` when they changed.
    pieces: Vec<Option<Arc<[Bytes]>>>,
    /// The terms whose postings changed since the shards were last planned.
    touched: Vec<u32>,
    /// The term ids with postings, in the order of their terms.
    pub(super) order: Vec<u32>,
    /// Terms whose postings were empty and since got some: to be placed in `order`. An
    /// edit under `serve` adds a few, which are merged in rather than the whole
    /// vocabulary sorted again.
    order_added: Vec<u32>,
    /// Whether some term's postings became empty, so `order` must let go of it.
    order_removed: bool,
    /// The shards last planned, in order.
    plan: Vec<Planned>,
    pages: usize,
    /// Whether no edit will follow the shards being planned (see [`Index::final_shards`]).
    last_plan: bool,
}

impl Index {
    /// Adds the page `id` with its `terms` (ids in [`Index::vocab`]).
    pub fn add(&mut self, id: u32, terms: &[Posting]) {
        for &(term, impact) in terms {
            let t = term as usize;
            if t >= self.postings.len() {
                self.postings.resize_with(t + 1, Postings::default);
                self.pieces.resize(t + 1, None);
            }
            let list = &mut self.postings[t];
            if list.is_empty() {
                self.order_added.push(term);
            }
            list.add(Entry::new(id, impact));
            self.changed(t);
        }
        self.pages += 1;
    }

    /// Removes the page `id`, which was added with `terms`.
    pub fn remove(&mut self, id: u32, terms: &[Posting]) {
        for &(term, _) in terms {
            let t = term as usize;
            let Some(list) = self.postings.get_mut(t) else {
                continue;
            };
            if list.remove(id) {
                if list.is_empty() {
                    self.order_removed = true;
                }
                self.changed(t);
            }
        }
        self.pages = self.pages.saturating_sub(1);
    }

    /// Replaces the terms of page `id`, added with `old`, by `new`: only the postings
    /// whose impact changed, or that came or went, change (an edit of a sentence leaves
    /// most of a page's terms as they were).
    pub fn replace(&mut self, id: u32, old: &[Posting], new: &[Posting]) {
        let before: FxHashMap<u32, u8> = old.iter().copied().collect();
        let now: FxHashMap<u32, u8> = new.iter().copied().collect();
        let gone: Vec<Posting> = old
            .iter()
            .filter(|(t, _)| !now.contains_key(t))
            .copied()
            .collect();
        let came: Vec<Posting> = new
            .iter()
            .filter(|(t, _)| !before.contains_key(t))
            .copied()
            .collect();
        self.remove(id, &gone);
        self.add(id, &came);
        // The page was counted out and in again.
        for &(term, impact) in new {
            if before.get(&term).is_some_and(|&was| was != impact) {
                let t = term as usize;
                if self.postings[t].set(Entry::new(id, impact)) {
                    self.changed(t);
                }
            }
        }
    }

    fn changed(&mut self, t: usize) {
        self.pieces[t] = None;
        // Without a plan, everything is planned anyway.
        if !self.plan.is_empty() {
            self.touched.push(t as u32);
        }
    }

    /// The number of pages in the index.
    pub fn pages(&self) -> usize {
        self.pages
    }

    /// The shards, in the order of their terms, each with the first term it holds (`None`
    /// for a further piece of the term before it).
    pub fn shards(&mut self) -> Vec<(Option<u32>, Shard)> {
        let touched = std::mem::take(&mut self.touched);
        self.place_terms();
        let old = std::mem::take(&mut self.plan);
        // Planning again around many terms costs more than planning everything.
        self.plan = if old.is_empty() || touched.len() * 8 > self.order.len() {
            self.plan_from(0, |_| None).0
        } else {
            self.replan(old, &touched)
        };
        self.plan
            .iter()
            .map(|p| (p.first, p.shard.clone()))
            .collect()
    }

    /// The shards, as [`Index::shards`] gives them, of an index no edit will follow (a
    /// build's): each term's postings and pieces are let go of as soon as its shards are
    /// made, rather than all held beside the shards. The index cannot plan again.
    pub fn final_shards(&mut self) -> Vec<(Option<u32>, Shard)> {
        self.last_plan = true;
        self.shards()
    }

    /// Brings `order` up to date: the terms that lost their last posting leave it, those
    /// that got their first are merged in at their places.
    fn place_terms(&mut self) {
        let (vocab, postings) = (&self.vocab, &self.postings);
        if self.order_removed {
            self.order.retain(|&t| !postings[t as usize].is_empty());
            self.order_removed = false;
        }
        if self.order_added.is_empty() {
            return;
        }
        let mut added = std::mem::take(&mut self.order_added);
        added.retain(|&t| !postings[t as usize].is_empty());
        added.sort_unstable_by(|&a, &b| utf16_cmp(vocab.term(a), vocab.term(b)));
        added.dedup();
        let old = std::mem::take(&mut self.order);
        let mut order = Vec::with_capacity(old.len() + added.len());
        let (mut i, mut j) = (0, 0);
        while i < old.len() && j < added.len() {
            match utf16_cmp(vocab.term(old[i]), vocab.term(added[j])) {
                std::cmp::Ordering::Less => {
                    order.push(old[i]);
                    i += 1;
                }
                std::cmp::Ordering::Greater => {
                    order.push(added[j]);
                    j += 1;
                }
                // A term that lost its postings and got new ones is still in place.
                std::cmp::Ordering::Equal => {
                    order.push(old[i]);
                    i += 1;
                    j += 1;
                }
            }
        }
        order.extend_from_slice(&old[i..]);
        order.extend_from_slice(&added[j..]);
        self.order = order;
    }

    /// The encoded pieces of term `t`.
    pub(super) fn pieces(&mut self, t: u32) -> Arc<[Bytes]> {
        let t = t as usize;
        if let Some(p) = &self.pieces[t] {
            return p.clone();
        }
        let p: Arc<[Bytes]> = encode_pieces(&self.postings[t].entries()).into();
        if self.last_plan {
            self.postings[t] = Postings::default();
        }
        self.pieces[t] = Some(p.clone());
        p
    }

    /// Lets go of the pieces of term `t` once its last piece `k` is in a shard, when no
    /// plan will follow.
    pub(super) fn placed(&mut self, t: u32, k: usize) {
        let t = t as usize;
        if self.last_plan && self.pieces[t].as_ref().is_some_and(|p| k + 1 == p.len()) {
            self.pieces[t] = None;
        }
    }
}

/// A term's postings as pieces of at most [`MAX_SHARD`] bytes: each a count, the page
/// ids (the first whole, the others as the difference from the one before), then the
/// impacts, one byte each; numbers as LEB128 varints.
fn encode_pieces(postings: &[Entry]) -> Vec<Bytes> {
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut size = 0;
    let mut previous = 0;
    for (i, id) in postings.iter().map(|p| p.id()).enumerate() {
        let delta = if i == start { id } else { id - previous };
        let len = varint_len(u64::from(delta)) + 1;
        if i > start && size + len + 4 > MAX_SHARD {
            pieces.push(piece(&postings[start..i]));
            start = i;
            size = varint_len(u64::from(id)) + 1;
        } else {
            size += len;
        }
        previous = id;
    }
    pieces.push(piece(&postings[start..]));
    pieces
}

fn piece(postings: &[Entry]) -> Bytes {
    let mut out = Vec::with_capacity(postings.len() * 3 + 4);
    varint(&mut out, postings.len() as u64);
    let mut previous = 0;
    for (i, id) in postings.iter().map(|p| p.id()).enumerate() {
        varint(&mut out, u64::from(if i == 0 { id } else { id - previous }));
        previous = id;
    }
    out.extend(postings.iter().map(|p| p.impact()));
    Bytes::from(out)
}

pub(super) fn varint(out: &mut Vec<u8>, mut n: u64) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

fn varint_len(n: u64) -> usize {
    (64 - n.max(1).leading_zeros() as usize).div_ceil(7)
}

/// Orders strings as JavaScript compares them (by UTF-16 code units), so that the search
/// page's binary search over the shards' first terms agrees with the order they were cut
/// in. It differs from Rust's byte order only between characters above U+FFFF and those
/// from U+E000 to U+FFFF.
pub fn utf16_cmp(a: &str, b: &str) -> Ordering {
    fn key(c: char) -> u32 {
        let c = c as u32;
        if (0xE000..0x10000).contains(&c) {
            c + 0x11_0000
        } else {
            c
        }
    }
    a.chars().map(key).cmp(b.chars().map(key))
}

/// The manifest: what the search page reads first.
#[derive(Serialize)]
pub struct Manifest<'a> {
    pub format: u32,
    /// How many pages are indexed (for how rare a term is).
    pub pages: usize,
    /// Words the index leaves out (the language's stop words).
    pub stop: &'a [&'a str],
    /// Terms are cut to this many characters.
    pub term_chars: usize,
    /// The fragment of the page `id` is in the file `f/<id / fragments_per_file>.json`.
    pub fragments_per_file: u32,
    /// Each shard's first term (or none: a further piece of the term before), and name.
    pub shards: Vec<(Option<&'a str>, &'a str)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_are_leb128() {
        let mut out = Vec::new();
        for n in [0u64, 127, 128, 300, 1 << 30] {
            out.clear();
            varint(&mut out, n);
            assert_eq!(out.len(), varint_len(n), "{n}");
        }
        out.clear();
        varint(&mut out, 300);
        assert_eq!(out, [0xAC, 0x02]);
    }

    #[test]
    fn strings_sort_as_javascript_sorts_them() {
        let mut v = vec!["\u{FF21}", "\u{1F600}", "b", "a", "ab"];
        v.sort_by(|a, b| utf16_cmp(a, b));
        assert_eq!(v, ["a", "ab", "b", "\u{1F600}", "\u{FF21}"]);
    }

    #[test]
    fn a_term_on_every_page_is_split_into_pieces_of_bounded_size() {
        let postings: Vec<Entry> = (0..100_000).map(|i| Entry::new(i * 3, 7)).collect();
        let pieces = encode_pieces(&postings);
        assert!(pieces.len() > 1);
        assert!(
            pieces.iter().all(|p| p.len() <= MAX_SHARD),
            "{:?}",
            pieces.iter().map(|p| p.len()).collect::<Vec<_>>()
        );
    }

    #[test]
    fn a_builds_last_plan_is_the_plan_and_lets_go_of_the_postings() {
        let make = || {
            let mut index = Index::default();
            let terms: Vec<u32> = (0..300)
                .map(|i| index.vocab.intern(&format!("w{i}")))
                .collect();
            for page in 0..40_000u32 {
                // The first word on every page (several pieces), the others here and there.
                index.add(
                    page * 3,
                    &[(terms[0], 9), (terms[1 + page as usize % 299], 4)],
                );
            }
            index
        };
        let named = |shards: Vec<(Option<u32>, Shard)>| -> Vec<(Option<u32>, String)> {
            shards.into_iter().map(|(f, s)| (f, s.name)).collect()
        };
        let (mut kept, mut last) = (make(), make());
        let plan = named(kept.shards());
        assert!(plan.iter().filter(|(first, _)| first.is_none()).count() > 1);
        assert_eq!(named(last.final_shards()), plan);
        assert!(last.postings.iter().all(Postings::is_empty));
        assert!(last.pieces.iter().all(Option::is_none));
        assert!(kept.postings.iter().all(|p| !p.is_empty()));
    }

    #[test]
    fn terms_that_come_and_go_are_placed_as_a_fresh_index_places_them() {
        let mut index = Index::default();
        let mut term = |w: &str| index.vocab.intern(w);
        let (b, d, a, c, e) = (term("b"), term("d"), term("a"), term("c"), term("e"));
        index.add(1, &[(b, 1), (d, 1)]);
        let shards = |index: &mut Index| {
            index.shards();
            index
                .order
                .iter()
                .map(|&t| index.vocab.term(t).to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(shards(&mut index), ["b", "d"]);
        // New words before, between and after; one page's word gone; one gone and back.
        index.add(2, &[(a, 1), (c, 1), (e, 1)]);
        index.remove(1, &[(b, 1), (d, 1)]);
        index.add(3, &[(d, 1)]);
        assert_eq!(shards(&mut index), ["a", "c", "d", "e"]);
        index.remove(2, &[(a, 1), (c, 1), (e, 1)]);
        assert_eq!(shards(&mut index), ["d"]);
    }

    #[test]
    fn an_edit_rewrites_only_the_shards_of_its_terms() {
        let mut index = Index::default();
        let terms: Vec<u32> = (0..5000)
            .map(|i| index.vocab.intern(&format!("term{i:05}")))
            .collect();
        for page in 0..200u32 {
            let mine: Vec<Posting> = terms
                .iter()
                .filter(|&&t| (t + page) % 7 == 0)
                .map(|&t| (t, 5))
                .collect();
            index.add(page * 10, &mine);
        }
        let before: Vec<String> = index.shards().into_iter().map(|(_, s)| s.name).collect();
        assert!(before.len() > 10, "{}", before.len());
        // A new page with one term, at the end.
        index.add(5000, &[(terms[2500], 9)]);
        let after: Vec<String> = index.shards().into_iter().map(|(_, s)| s.name).collect();
        let changed = after.iter().filter(|n| !before.contains(n)).count();
        assert_eq!(changed, 1, "{before:?}\n{after:?}");
        // The same index made afresh is the same.
        let mut fresh = Index::default();
        for (i, t) in index.vocab.terms.iter().enumerate() {
            assert_eq!(fresh.vocab.intern(t), i as u32);
        }
        for (t, list) in index.postings.iter().enumerate() {
            for p in list.entries().iter() {
                fresh.add(p.id(), &[(t as u32, p.impact())]);
            }
        }
        let again: Vec<String> = fresh.shards().into_iter().map(|(_, s)| s.name).collect();
        assert_eq!(again, after);
    }
}
