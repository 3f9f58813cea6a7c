//! Where the index is cut into shards, and the shards' bytes.
//!
//! The terms, in order, are cut into shards of at most [`MAX_SHARD`] bytes: a shard ends
//! where the next term would make it too large, or — once it holds [`MIN_SHARD`] bytes —
//! before a term whose hash says so (a cut chosen by content, as in content-defined
//! chunking). A term whose postings alone exceed the limit is split into pieces, each a
//! shard of its own.
//!
//! The plan is a scan from left to right whose state starts afresh at every cut, so after
//! an edit under `serve` only the shards around the changed terms are planned again: the
//! scan starts at the cut before the first shard holding a changed term (or before the
//! shard whose end such a term decides) and stops as soon as it cuts where the last plan
//! cut before a shard no change reached. From there on the old plan is the new one. The
//! result is the plan a fresh scan makes (tested against it).

use std::cmp::Ordering;

use rustc_hash::FxHashMap;

use super::analyse::fnv1a;
use super::index::{Index, Shard, utf16_cmp, varint};

/// A shard grows to at least this many bytes before a content-chosen cut may end it.
const MIN_SHARD: usize = 8 * 1024;
/// No shard (and no piece of a term) is larger, but for one term's single posting list
/// entry, which is a few bytes.
pub(super) const MAX_SHARD: usize = 32 * 1024;
/// Past [`MIN_SHARD`], one term in this many ends a shard.
const CUT_EVERY: u64 = 16;

/// One shard of the plan: its entries (term id, piece), its first term (`None` for a
/// further piece of the term before it) and its bytes.
#[derive(Debug)]
pub(super) struct Planned {
    pub(super) first: Option<u32>,
    entries: Vec<(u32, usize)>,
    pub(super) shard: Shard,
}

impl Planned {
    /// The term the shard starts with, and whether that is the term's first piece.
    fn start(&self) -> (u32, bool) {
        (self.entries[0].0, self.entries[0].1 == 0)
    }
}

impl Index {
    /// Plans the shards from the term at `start` in the order of terms. Before each shard
    /// but the first, `resync` is asked about the term it would start with: `Some(j)`
    /// stops the scan there, returning `j`.
    pub(super) fn plan_from(
        &mut self,
        start: usize,
        resync: impl Fn(u32) -> Option<usize>,
    ) -> (Vec<Planned>, Option<usize>) {
        let mut out = Vec::new();
        let mut current: Vec<(u32, usize)> = Vec::new();
        let mut size = 0;
        for i in start..self.order.len() {
            let t = self.order[i];
            let pieces = self.pieces(t);
            let entry = match &pieces[..] {
                [one] => Some(self.vocab.term(t).len() + 2 + one.len()),
                _ => None,
            };
            let cut = entry.is_none_or(|entry| {
                size + entry > MAX_SHARD
                    || (size >= MIN_SHARD
                        && fnv1a(self.vocab.term(t).as_bytes()).is_multiple_of(CUT_EVERY))
            });
            if cut && !current.is_empty() {
                out.push(self.planned(std::mem::take(&mut current)));
                size = 0;
            }
            if current.is_empty()
                && i > start
                && let Some(j) = resync(t)
            {
                return (out, Some(j));
            }
            match entry {
                Some(entry) => {
                    current.push((t, 0));
                    size += entry;
                }
                None => out.extend((0..pieces.len()).map(|k| self.planned(vec![(t, k)]))),
            }
        }
        if !current.is_empty() {
            out.push(self.planned(current));
        }
        (out, None)
    }

    /// The plan after the terms `touched` changed, from the plan before (`old`), planned
    /// again only around them (see the module doc).
    pub(super) fn replan(&mut self, old: Vec<Planned>, touched: &[u32]) -> Vec<Planned> {
        let dirty = self.dirty(&old, touched);
        // Where each shard that starts a term's postings starts, to find a cut the scan
        // shares with the old plan.
        let starts: FxHashMap<u32, usize> = old
            .iter()
            .enumerate()
            .filter(|(_, p)| p.start().1)
            .map(|(j, p)| (p.start().0, j))
            .collect();
        let first_terms: Vec<u32> = old.iter().map(|p| p.start().0).collect();
        let mut old: Vec<Option<Planned>> = old.into_iter().map(Some).collect();
        let mut new = Vec::with_capacity(old.len());
        let mut k = 0;
        while let Some(d) = (k..old.len()).find(|&d| dirty[d]) {
            new.extend(old[k..d].iter_mut().filter_map(Option::take));
            let start = if d == 0 {
                0
            } else {
                let first = self.vocab.term(first_terms[d]);
                self.order
                    .partition_point(|&t| utf16_cmp(self.vocab.term(t), first) == Ordering::Less)
            };
            let resync = |t: u32| starts.get(&t).copied().filter(|&j| j > d && !dirty[j]);
            let (planned, stop) = self.plan_from(start, resync);
            new.extend(planned);
            match stop {
                Some(j) => k = j,
                None => {
                    k = old.len();
                    break;
                }
            }
        }
        new.extend(old[k..].iter_mut().filter_map(Option::take));
        new
    }

    /// Which shards of `old` must be planned again for the terms `touched`: the shard a
    /// term is in (or would go in), and the one before it when the term starts a shard
    /// (whether a cut falls before a term depends on the term).
    fn dirty(&self, old: &[Planned], touched: &[u32]) -> Vec<bool> {
        let mut dirty = vec![false; old.len()];
        if old.is_empty() {
            return dirty;
        }
        for &t in touched {
            let term = self.vocab.term(t);
            let order = |p: &Planned| utf16_cmp(self.vocab.term(p.start().0), term);
            let lo = old.partition_point(|p| order(p) == Ordering::Less);
            let hi = old.partition_point(|p| order(p) != Ordering::Greater);
            let to = if hi > lo { hi } else { lo.max(1) };
            for d in &mut dirty[lo.saturating_sub(1)..to.min(old.len())] {
                *d = true;
            }
        }
        dirty
    }

    /// A shard of `entries` with its bytes: for each entry, its term front-coded against
    /// the one before (shared prefix length and the rest, in UTF-8 bytes), then the piece
    /// of its postings.
    fn planned(&mut self, entries: Vec<(u32, usize)>) -> Planned {
        let pieces: Vec<_> = entries
            .iter()
            .map(|&(t, k)| self.pieces(t)[k].clone())
            .collect();
        let mut out = Vec::new();
        let mut previous: &[u8] = &[];
        for (&(t, _), piece) in entries.iter().zip(&pieces) {
            let term = self.vocab.term(t).as_bytes();
            let shared = previous
                .iter()
                .zip(term)
                .take_while(|(a, b)| a == b)
                .count();
            varint(&mut out, shared as u64);
            varint(&mut out, (term.len() - shared) as u64);
            out.extend_from_slice(&term[shared..]);
            out.extend_from_slice(piece);
            previous = term;
        }
        for &(t, k) in &entries {
            self.placed(t, k);
        }
        let (first, piece) = entries[0];
        Planned {
            first: (piece == 0).then_some(first),
            entries,
            // A hash that every build of attache computes alike: the name is in the output.
            shard: Shard {
                name: format!("{:016x}", fnv1a(&out)),
                bytes: out.into(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::analyse::Posting;
    use super::*;

    /// A small deterministic generator, so the test needs no seed to replay.
    struct Rng(u64);

    impl Rng {
        fn below(&mut self, n: usize) -> usize {
            (super::super::next_random(&mut self.0) % n as u64) as usize
        }
    }

    fn names(index: &mut Index) -> Vec<String> {
        index.shards().into_iter().map(|(_, s)| s.name).collect()
    }

    /// The shards of an index made afresh from `pages` (id, terms).
    fn fresh(terms: &[String], pages: &[(u32, Vec<Posting>)]) -> Vec<String> {
        let mut index = Index::default();
        for t in terms {
            index.vocab.intern(t);
        }
        for (id, page) in pages {
            index.add(*id, page);
        }
        names(&mut index)
    }

    #[test]
    fn planning_again_around_changed_terms_gives_the_plan_made_afresh() {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        // Words of all lengths, and one on every page whose postings take two pieces.
        let terms: Vec<String> = std::iter::once("the".to_string())
            .chain((0..4000).map(|i| format!("w{}{i}", "x".repeat(i % 11))))
            .collect();
        let mut index = Index::default();
        for t in &terms {
            index.vocab.intern(t);
        }
        let page = |rng: &mut Rng| -> Vec<Posting> {
            let mut mine: Vec<Posting> = vec![(0, 3)];
            for _ in 0..6 {
                let t = 1 + rng.below(terms.len() - 1) as u32;
                if !mine.iter().any(|p| p.0 == t) {
                    mine.push((t, rng.below(64) as u8));
                }
            }
            mine
        };
        let mut pages: Vec<(u32, Vec<Posting>)> =
            (0..12_000).map(|i| (i * 200, page(&mut rng))).collect();
        for (id, p) in &pages {
            index.add(*id, p);
        }
        assert_eq!(names(&mut index), fresh(&terms, &pages));
        let mut next_id = 12_000 * 200;
        for round in 0..40 {
            for _ in 0..=rng.below(3) {
                let i = rng.below(pages.len());
                match rng.below(4) {
                    // An edit: some impacts change, a word comes, a word goes.
                    0 | 1 => {
                        let mut new = pages[i].1.clone();
                        new[1].1 = rng.below(64) as u8;
                        new.pop();
                        new.extend(page(&mut rng).into_iter().skip(1).take(2));
                        new.dedup_by_key(|p| p.0);
                        new.sort_unstable();
                        new.dedup_by_key(|p| p.0);
                        index.replace(pages[i].0, &pages[i].1, &new);
                        pages[i].1 = new;
                    }
                    2 => {
                        let (id, old) = pages.remove(i);
                        index.remove(id, &old);
                    }
                    _ => {
                        next_id += 1;
                        let new = page(&mut rng);
                        index.add(next_id, &new);
                        pages.push((next_id, new));
                    }
                }
            }
            assert_eq!(names(&mut index), fresh(&terms, &pages), "round {round}");
        }
    }
}
