//! The search index: one compact JSON document the `/search/` page searches offline.
//!
//! Per page it keeps what a reader searches by (title, summary, topics, people,
//! organizations, date) and the body's distinct words rather than its full text: every
//! word stays findable while the index stays a fraction of the site's size.

use std::collections::HashSet;

use serde::Serialize;

use super::values::Shared;
use crate::index::Site;
use crate::parse::Page;

/// The index's path in the output.
pub const INDEX_FILE: &str = "search-index.json";

/// At most this many distinct body words per page.
const MAX_WORDS: usize = 400;

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

pub fn index_json(site: &Site, shared: &Shared) -> Vec<u8> {
    let mut entries: Vec<Entry> = site
        .articles
        .iter()
        .map(|a| {
            let meta = a.article();
            Entry {
                title: a.title(),
                url: shared.url(&a.path),
                summary: &a.summary,
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
                body: distinct_words(&a.body.text),
            }
        })
        .collect();
    let others = site
        .topics
        .iter()
        .map(|t| &t.page)
        .chain(&site.pages)
        .chain(site.home.as_ref());
    entries.extend(others.map(|p: &Page| Entry {
        title: p.title(),
        url: shared.url(&p.path),
        summary: &p.summary,
        date: None,
        topics: Vec::new(),
        people: &[],
        organizations: &[],
        body: distinct_words(&p.body.text),
    }));
    // Serializing plain strings and lists cannot fail.
    serde_json::to_vec(&entries).expect("the search index is plain data")
}

/// The distinct words of `text`, lower-cased, in order of first use, without very short
/// or very common words.
fn distinct_words(text: &str) -> String {
    const COMMON: &[&str] = &[
        "the", "and", "for", "that", "with", "was", "are", "this", "from", "has", "have", "its",
        "not", "but", "also", "which", "were", "been", "their", "they", "will", "would", "into",
    ];
    let mut seen = HashSet::new();
    let mut out = String::new();
    for word in text
        .split(|c: char| !c.is_alphanumeric() && c != '-' && c != '\'')
        .map(|w| w.trim_matches(|c: char| c == '-' || c == '\''))
        .filter(|w| w.chars().count() >= 3)
    {
        let lower = word.to_lowercase();
        if COMMON.contains(&lower.as_str()) || !seen.insert(lower.clone()) {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&lower);
        if seen.len() >= MAX_WORDS {
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
