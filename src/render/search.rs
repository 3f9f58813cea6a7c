//! The search index: one compact JSON document the `/search/` page searches offline.
//!
//! Per page it keeps what a reader searches by (title, summary, topics, people,
//! organizations, date) and the body's distinct words rather than its full text: every
//! word stays findable while the index stays a fraction of the site's size.

use rayon::prelude::*;
use rustc_hash::FxHashSet;
use serde::Serialize;

use super::job::{Reads, Writes};
use super::values::Shared;
use crate::index::{PageRef, Site};
use crate::parse::Page;

/// The index's path in the output.
pub const INDEX_FILE: &str = "search-index.json";

/// At most this many distinct body words per page: enough to find an article by what it
/// is about, few enough that the index of a 10,000-article site stays a few megabytes
/// compressed.
const MAX_WORDS: usize = 150;

#[derive(Serialize)]
struct Entry<'a> {
    title: &'a str,
    url: String,
    summary: &'a str,
    date: Option<String>,
    topics: Vec<&'a str>,
    people: &'a [String],
    organizations: &'a [String],
    body: String,
}

pub(super) fn index_writes() -> Writes {
    Writes::files(vec![INDEX_FILE.to_string()])
}

/// Every indexed page in full, and the topics' titles its entries name.
pub(super) fn index_reads(site: &Site) -> Reads {
    let mut reads = Reads::default();
    for (at, _) in indexed_pages(site) {
        reads = reads.full(at);
    }
    for t in 0..site.topics.len() {
        reads = reads.link(PageRef::Topic(t));
    }
    reads
}

pub fn index(site: &Site, shared: &Shared) -> super::Files {
    let pages: Vec<&Page> = indexed_pages(site).map(|(_, p)| p).collect();
    let entries: Vec<Vec<u8>> = pages
        .par_iter()
        .map(|p| entry_json(site, shared, p))
        .collect();
    let json = join(entries.iter().map(Vec::as_slice), |p| p).concat();
    vec![(INDEX_FILE.to_string(), json)]
}

/// The pages in the index, in order: articles (newest first), topics, plain pages, home.
pub fn indexed_pages(site: &Site) -> impl Iterator<Item = (PageRef, &Page)> {
    let home = site.page_refs().filter(|(at, _)| *at == PageRef::Home);
    site.page_refs()
        .filter(|(at, _)| *at != PageRef::Home)
        .chain(home)
}

/// One page's entry in the index, as JSON. The index is the entries of
/// [`indexed_pages`] made into one array by [`join`].
pub fn entry_json(site: &Site, shared: &Shared, page: &Page) -> Vec<u8> {
    let meta = page.article();
    let entry = Entry {
        title: page.title(),
        url: shared.url(&page.path),
        summary: &page.summary,
        date: meta.map(|m| m.date.iso()),
        topics: meta
            .map(|m| {
                m.topics
                    .iter()
                    .filter_map(|id| site.topics.iter().find(|t| &t.page.id == id))
                    .map(|t| t.page.title())
                    .collect()
            })
            .unwrap_or_default(),
        people: meta.map_or(&[], |m| m.people.as_slice()),
        organizations: meta.map_or(&[], |m| m.organizations.as_slice()),
        body: distinct_words(&page.body.text),
    };
    // Serializing plain strings and lists cannot fail.
    serde_json::to_vec(&entry).expect("the search index is plain data")
}

/// The index from its entries, as the parts of a JSON array (`[`, the entries with `,`
/// between them, `]`), as `serde_json` writes one; `punctuation` makes a part of the
/// punctuation. A build joins the parts; `serve` keeps them apart and sends them one after
/// the other, keeping the entries of the pages an edit did not change.
pub fn join<T>(
    entries: impl IntoIterator<Item = T>,
    punctuation: impl Fn(&'static [u8]) -> T,
) -> Vec<T> {
    let mut parts = vec![punctuation(b"[")];
    for (i, e) in entries.into_iter().enumerate() {
        if i > 0 {
            parts.push(punctuation(b","));
        }
        parts.push(e);
    }
    parts.push(punctuation(b"]"));
    parts
}

/// The distinct words of `text`, lower-cased, in order of first use, without very short
/// or very common words.
///
/// This runs over every word of every page, so it lower-cases the text once and keeps
/// borrowed words in a fast-hashing set rather than allocating per word.
fn distinct_words(text: &str) -> String {
    const COMMON: &[&str] = &[
        "the", "and", "for", "that", "with", "was", "are", "this", "from", "has", "have", "its",
        "not", "but", "also", "which", "were", "been", "their", "they", "will", "would", "into",
    ];
    let lower = text.to_lowercase();
    let mut seen: FxHashSet<&str> = COMMON.iter().copied().collect();
    seen.reserve(MAX_WORDS);
    let mut out = String::with_capacity(MAX_WORDS * 8);
    let mut kept = 0;
    for word in lower
        .split(|c: char| !c.is_alphanumeric() && c != '-' && c != '\'')
        .map(|w| w.trim_matches(|c: char| c == '-' || c == '\''))
    {
        // Three characters at least; a word of 3+ bytes may still be 2 wide characters.
        if word.len() < 3 || (word.len() < 12 && word.chars().nth(2).is_none()) {
            continue;
        }
        if !seen.insert(word) {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
        kept += 1;
        if kept >= MAX_WORDS {
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_each_word_once_in_order() {
        assert_eq!(
            distinct_words("Direct flights, the flights and Direct trade."),
            "direct flights trade"
        );
    }
}
