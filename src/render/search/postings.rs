//! One term's postings, held as compactly as the way they grow allows.
//!
//! A build adds pages in the order of their ids, so a term's list only ever grows at its
//! end, and it is held until the shards are encoded: at 100,000 articles some thirty
//! million postings. Held as the shards hold them, each page id as its difference from
//! the one before (a LEB128 varint, mostly a byte) and then its impact, a posting takes
//! some two bytes rather than five. `serve` also removes pages and adds them in the
//! middle: the first such edit of a list turns it into plain entries, which edit in place.

use std::borrow::Cow;

use super::index::varint;

/// A posting: a page id and the impact of the term on that page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(C, packed)]
pub(super) struct Entry {
    id: u32,
    impact: u8,
}

impl Entry {
    pub(super) fn new(id: u32, impact: u8) -> Entry {
        Entry { id, impact }
    }

    pub(super) fn id(self) -> u32 {
        self.id
    }

    pub(super) fn impact(self) -> u8 {
        self.impact
    }
}

/// A term's postings, sorted by page id.
#[derive(Debug, Clone)]
pub(super) enum Postings {
    /// Grown only at the end: for each posting, the varint of its id less the one before
    /// (the first's less 0), then its impact.
    Appended { bytes: Vec<u8>, last: u32 },
    /// Edited in the middle.
    Entries(Vec<Entry>),
}

impl Default for Postings {
    fn default() -> Postings {
        Postings::Appended {
            bytes: Vec::new(),
            last: 0,
        }
    }
}

impl Postings {
    pub(super) fn is_empty(&self) -> bool {
        match self {
            Postings::Appended { bytes, .. } => bytes.is_empty(),
            Postings::Entries(entries) => entries.is_empty(),
        }
    }

    /// Adds the posting `entry`, replacing none: a page is added once.
    pub(super) fn add(&mut self, entry: Entry) {
        match self {
            Postings::Appended { bytes, last } if bytes.is_empty() || entry.id() > *last => {
                // Grow by a quarter rather than double: lists are held until the end.
                if bytes.capacity() - bytes.len() < 6 {
                    bytes.reserve_exact((bytes.capacity() / 4).max(8));
                }
                varint(
                    bytes,
                    u64::from(entry.id() - if bytes.is_empty() { 0 } else { *last }),
                );
                bytes.push(entry.impact());
                *last = entry.id();
            }
            _ => {
                let entries = self.entries_mut();
                let at = entries.partition_point(|p| p.id() < entry.id());
                entries.insert(at, entry);
            }
        }
    }

    /// Removes the posting of page `id`; whether there was one.
    pub(super) fn remove(&mut self, id: u32) -> bool {
        let entries = self.entries_mut();
        match entries.binary_search_by(|p| p.id().cmp(&id)) {
            Ok(at) => {
                entries.remove(at);
                true
            }
            Err(_) => false,
        }
    }

    /// Sets the impact of page `id`'s posting; whether there was one.
    pub(super) fn set(&mut self, entry: Entry) -> bool {
        let entries = self.entries_mut();
        match entries.binary_search_by(|p| p.id().cmp(&entry.id())) {
            Ok(at) => {
                entries[at] = entry;
                true
            }
            Err(_) => false,
        }
    }

    /// The postings, in order of page id.
    pub(super) fn entries(&self) -> Cow<'_, [Entry]> {
        match self {
            Postings::Appended { bytes, .. } => Cow::Owned(decode(bytes)),
            Postings::Entries(entries) => Cow::Borrowed(entries),
        }
    }

    fn entries_mut(&mut self) -> &mut Vec<Entry> {
        if let Postings::Appended { bytes, .. } = self {
            *self = Postings::Entries(decode(bytes));
        }
        match self {
            Postings::Entries(entries) => entries,
            Postings::Appended { .. } => unreachable!("turned into entries just above"),
        }
    }
}

/// The entries of an [`Postings::Appended`] list's bytes.
fn decode(bytes: &[u8]) -> Vec<Entry> {
    let mut entries = Vec::new();
    let (mut at, mut id) = (0, 0u32);
    while at < bytes.len() {
        let mut delta = 0u32;
        let mut shift = 0;
        // Written by `varint` from a u32 difference: at most five bytes, the last < 0x80.
        loop {
            let b = bytes[at];
            at += 1;
            delta |= u32::from(b & 0x7f) << shift;
            shift += 7;
            if b < 0x80 {
                break;
            }
        }
        id += delta;
        entries.push(Entry::new(id, bytes[at]));
        at += 1;
    }
    entries
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_posting_takes_five_bytes_at_most_and_mostly_two() {
        assert_eq!(std::mem::size_of::<Entry>(), 5);
        let mut list = Postings::default();
        for id in (0..10_000).map(|i| i * 3) {
            list.add(Entry::new(id, 7));
        }
        let Postings::Appended { bytes, .. } = &list else {
            panic!("grown at its end, it stays appended");
        };
        assert_eq!(bytes.len(), 20_000);
        assert!(bytes.capacity() <= 25_000, "{}", bytes.capacity());
    }

    #[test]
    fn edits_in_the_middle_keep_the_order_of_ids() {
        let mut list = Postings::default();
        for (id, impact) in [(5, 1), (300, 2), (1 << 31, 3)] {
            list.add(Entry::new(id, impact));
        }
        list.add(Entry::new(200, 4));
        assert!(list.remove(300));
        assert!(!list.remove(301));
        assert!(list.set(Entry::new(5, 9)));
        list.add(Entry::new(u32::MAX, 5));
        let got: Vec<(u32, u8)> = list
            .entries()
            .iter()
            .map(|e| (e.id(), e.impact()))
            .collect();
        assert_eq!(got, [(5, 9), (200, 4), (1 << 31, 3), (u32::MAX, 5)]);
        assert!(list.remove(5) && list.remove(200) && list.remove(1 << 31));
        assert!(list.remove(u32::MAX) && list.is_empty());
    }
}
