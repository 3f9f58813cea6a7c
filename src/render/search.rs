//! The search index: one compact JSON document the `/search/` page searches offline.
//!
//! Per page it keeps what a reader searches by (title, summary, topics, people,
//! organizations, date) and the body's distinct words rather than its full text: every
//! word stays findable while the index stays a fraction of the site's size.

use std::borrow::Cow;

use rayon::prelude::*;
use rustc_hash::FxHashSet;
use serde::Serialize;
use unicode_segmentation::UnicodeSegmentation;

use super::job::{Reads, Scope, Writes};
use super::values::Shared;
use crate::index::{Edition, PageRef};
use crate::parse::Page;

/// The index's name in the output: each language's edition has its own, of the pages in
/// that language, under the edition's prefix (`search-index.json`, `ur/search-index.json`).
pub const INDEX_FILE: &str = "search-index.json";

/// The output path of the search index of an edition.
pub fn index_file(s: &Scope) -> String {
    s.local(INDEX_FILE)
}

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

pub(super) fn index_writes(s: &Scope) -> Writes {
    Writes::files(vec![index_file(s)])
}

/// Every indexed page in full, and the topics' titles its entries name.
pub(super) fn index_reads(s: &Scope) -> Reads {
    let mut reads = Reads::default();
    for (at, _) in indexed_pages(s.ed) {
        reads = reads.full(at);
    }
    for t in 0..s.ed.topics.len() {
        reads = reads.link(PageRef::Topic(t));
    }
    reads
}

/// The search index of one language's edition: its pages, their words found as that
/// language is written.
pub fn index(s: &Scope, shared: &Shared) -> super::Files {
    let pages: Vec<&Page> = indexed_pages(s.ed).map(|(_, p)| p).collect();
    let entries: Vec<Vec<u8>> = pages.par_iter().map(|p| entry_json(s, shared, p)).collect();
    let json = join(entries.iter().map(Vec::as_slice), |p| p).concat();
    vec![(index_file(s), json)]
}

/// The pages in the index, in order: articles (newest first), topics, plain pages, home.
pub fn indexed_pages(ed: &Edition) -> impl Iterator<Item = (PageRef, &Page)> {
    let home = ed.page_refs().filter(|(at, _)| *at == PageRef::Home);
    ed.page_refs()
        .filter(|(at, _)| *at != PageRef::Home)
        .chain(home)
}

/// One page's entry in the index, as JSON. The index is the entries of
/// [`indexed_pages`] made into one array by [`join`].
pub fn entry_json(s: &Scope, shared: &Shared, page: &Page) -> Vec<u8> {
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
                    .filter_map(|id| {
                        let edition = std::iter::once(s.ed).chain(&s.site.editions);
                        edition
                            .into_iter()
                            .find_map(|e| e.topic(id).map(|t| e.topics[t].page.title()))
                    })
                    .collect()
            })
            .unwrap_or_default(),
        people: meta.map_or(&[], |m| m.people.as_slice()),
        organizations: meta.map_or(&[], |m| m.organizations.as_slice()),
        body: distinct_words(&page.body.text, shared.language.id.language.as_str()),
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

/// Calls `each` with the words of `text` by Unicode's word boundaries (UAX #29), as
/// `unicode_words` finds them, until it returns false; only faster on the plain ASCII words
/// that make up most of a Latin-script text.
///
/// Whitespace always separates words, and ASCII punctuation at either end of a run of
/// non-space characters always ends a word there (it joins only between letters or digits,
/// `_` aside), so a run of ASCII letters and digits is one word as it stands. Every other
/// run goes through the segmenter, which is about five times slower per byte.
fn for_each_word<'a>(text: &'a str, mut each: impl FnMut(&'a str) -> bool) {
    let edge = |b: &u8| b.is_ascii_punctuation() && *b != b'_';
    // Split at ASCII whitespace, byte by byte; a run holding any other space (no-break,
    // ideographic) is not plain ASCII and goes to the segmenter, which splits it there.
    for run in text.split_ascii_whitespace() {
        let bytes = run.as_bytes();
        let start = bytes.iter().position(|b| !edge(b)).unwrap_or(bytes.len());
        let end = bytes
            .iter()
            .rposition(|b| !edge(b))
            .map_or(start, |i| i + 1);
        // ASCII bytes never fall inside a character, so these are character boundaries.
        let trimmed = &run[start..end];
        if trimmed.is_empty() {
            continue;
        }
        if trimmed.bytes().all(|b| b.is_ascii_alphanumeric()) {
            if !each(trimmed) {
                return;
            }
        } else {
            for word in trimmed.unicode_words() {
                if !each(word) {
                    return;
                }
            }
        }
    }
}

/// The distinct words of `text` (written in `language`, a language subtag such as `en`),
/// lower-cased, in order of first use, without very short words and, in English, without
/// very common ones.
///
/// Words are found by Unicode's word boundaries (UAX #29), so Urdu words keep their vowel
/// marks and Russian ones their letters. This runs over every page, so it stops at
/// [`MAX_WORDS`] and keeps borrowed words in a fast-hashing set, allocating only for a word
/// that is not already lower case.
fn distinct_words(text: &str, language: &str) -> String {
    const ENGLISH_COMMON: &[&str] = &[
        "the", "and", "for", "that", "with", "was", "are", "this", "from", "has", "have", "its",
        "not", "but", "also", "which", "were", "been", "their", "they", "will", "would", "into",
    ];
    let common: &[&str] = if language == "en" {
        ENGLISH_COMMON
    } else {
        &[]
    };
    let mut seen: FxHashSet<Cow<str>> = common.iter().map(|&w| Cow::Borrowed(w)).collect();
    seen.reserve(MAX_WORDS);
    let mut out = String::with_capacity(MAX_WORDS * 8);
    let mut kept = 0;
    let mut lowered = String::new();
    for_each_word(text, |word| {
        let ascii = word.is_ascii();
        // Three characters at least; a word of 3+ bytes may still be 2 wide characters.
        if word.len() < 3 || (!ascii && word.len() < 12 && word.chars().nth(2).is_none()) {
            return true;
        }
        let lower = if ascii {
            !word.bytes().any(|b| b.is_ascii_uppercase())
        } else {
            !word.chars().any(char::is_uppercase)
        };
        // One hash per word in the common case: a word already in lower case goes into the
        // set borrowed, and the set says whether it was new.
        if lower {
            if !seen.insert(Cow::Borrowed(word)) {
                return true;
            }
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(word);
        } else {
            // Capitalised words mostly repeat ("The", names): lower-case into a buffer and
            // allocate only for a word not seen yet.
            lowered.clear();
            if ascii {
                lowered.push_str(word);
                lowered.make_ascii_lowercase();
            } else {
                // Not char by char: a Greek final sigma depends on its place in the word.
                lowered.push_str(&word.to_lowercase());
            }
            if seen.contains(lowered.as_str()) {
                return true;
            }
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&lowered);
            seen.insert(Cow::Owned(lowered.clone()));
        }
        kept += 1;
        kept < MAX_WORDS
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_each_word_once_in_order() {
        assert_eq!(
            distinct_words("Direct flights, the flights and Direct trade.", "en"),
            "direct flights trade"
        );
    }

    #[test]
    fn urdu_and_russian_split_into_their_words() {
        assert_eq!(
            distinct_words(
                "روسی سفیر البرٹ خوریف نے اسلام آباد میں تاجروں سے ملاقات کی۔",
                "ur"
            ),
            "روسی سفیر البرٹ خوریف اسلام آباد میں تاجروں ملاقات"
        );
        assert_eq!(
            distinct_words(
                "Посол России Альберт Хорев встретился с бизнесменами; посол, РОССИИ.",
                "ru"
            ),
            "посол россии альберт хорев встретился бизнесменами"
        );
    }

    #[test]
    fn words_are_found_as_the_unicode_segmenter_finds_them() {
        let texts = [
            "Direct flights, the \"SCO\" (2025) and Pakistan's IT sector: site.title 3.5 _x_ a-b",
            "  Tabs\tand\nnew lines;; end. ",
            "روسی سفیر (SCO) نے کہا: ”ملاقات“ ۔ 2025ء",
            "Посол «России» — 15 января; т.е. всё.",
            "e\u{301}te\u{301} café naïve ﬁle 1,000 don't",
            "no\u{a0}break\u{3000}ideographic\u{2028}line 15\u{202f}г. ΟΔΟΣ",
        ];
        for text in texts {
            let mut fast = Vec::new();
            for_each_word(text, |w| {
                fast.push(w);
                true
            });
            let slow: Vec<&str> = text.unicode_words().collect();
            assert_eq!(fast, slow, "{text}");
        }
    }

    #[test]
    fn english_stop_words_are_only_dropped_in_english() {
        assert_eq!(
            distinct_words("the trade and the flights", "en"),
            "trade flights"
        );
        // "and" is a word like any other in a Russian text quoting English.
        assert_eq!(
            distinct_words("the trade and flights", "ru"),
            "the trade and flights"
        );
    }
}
