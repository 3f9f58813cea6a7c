//! One page as the index sees it ([`Doc`]): its terms with how much each says about the
//! page ([`Analysed`]), its id, and its fragment (what a result shows).
//!
//! Ranking is BM25 with field weights, taken apart so that a shard depends on nothing but
//! its own terms' postings: each posting carries an *impact* byte, made from the page
//! alone (the field the term is most prominent in, and BM25's term-frequency part against a
//! fixed reference length), and the search page multiplies it by the term's rarity, which
//! it reads off the postings it fetched. Adding a page thus changes only the shards of the
//! page's own terms.

use std::borrow::Cow;

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::Serialize;

use super::words;
use crate::parse::{PackedText, Releasable};

/// At most this much of a field is indexed and kept in the page's fragment (the first
/// 256 KiB: a book-length article); a 50 MB paste costs no more than that.
pub const MAX_TEXT: usize = 256 * 1024;

/// A page, borrowed from the site: what is indexed, and what a result shows.
#[derive(Debug, Clone)]
pub struct Doc<'a> {
    /// Its URL (root-relative, with the site's base path).
    pub url: String,
    /// Its date, for articles: orders results and ids.
    pub date: Option<jiff::civil::Date>,
    pub title: &'a str,
    pub summary: &'a str,
    pub key_points: &'a [String],
    /// People, organizations and the titles of its topics.
    pub entities: Vec<&'a str>,
    /// The body as plain text, its whitespace collapsed (as the parser leaves it): the
    /// fragment keeps it as it is.
    pub body: Body<'a>,
}

/// A page's body text as the index gets it.
#[derive(Debug, Clone)]
pub enum Body<'a> {
    Plain(&'a str),
    /// As a page keeps it, packed against its HTML and unpacked only while the page is
    /// analysed; owned when a build to disk took it out of its page (see
    /// [`super::take_texts`]), to be freed with the batch of pages it is analysed in.
    Packed {
        text: Cow<'a, PackedText>,
        html: &'a Releasable,
    },
}

impl Body<'_> {
    fn text(&self) -> Cow<'_, str> {
        match self {
            Body::Plain(text) => Cow::Borrowed(text),
            Body::Packed { text, html } => Cow::Owned(html.unpack_text(text)),
        }
    }
}

/// The fields of a page, most prominent first: a term's *tier* is the most prominent
/// field it is in; `WEIGHTS` count its occurrences in each for BM25.
const TIER_TITLE: u8 = 4;
const TIER_KEY_POINTS: u8 = 3;
const TIER_ENTITIES: u8 = 2;
const TIER_SUMMARY: u8 = 1;
const TIER_BODY: u8 = 0;
const WEIGHTS: [u32; 5] = [1, 2, 3, 4, 6];

/// BM25's parameters, and the page length a page is measured against (a fixed one, not
/// the site's average, which would change every posting when one page is added).
const K1: f64 = 1.2;
const B: f64 = 0.75;
const REFERENCE_LENGTH: f64 = 600.0;

/// A term of a page and its impact: `tier << 5 | q`, `q` (0–31) being BM25's
/// term-frequency part scaled to `K1 + 1`.
pub type Posting = (u32, u8);

/// A page's terms (ids in the vocabulary they were interned in) with their impacts, and
/// its fragment.
#[derive(Debug, Clone)]
pub struct Analysed {
    pub terms: Vec<Posting>,
    pub fragment: Vec<u8>,
}

/// Terms interned to small numbers, so that a page's terms are a list of numbers.
#[derive(Debug, Default)]
pub struct Vocab {
    /// Terms of up to fifteen bytes, most of them, by [`words::packed`]: looking one up
    /// compares numbers rather than following a pointer to compare bytes.
    short: FxHashMap<u128, u32>,
    long: FxHashMap<Box<str>, u32>,
    /// The short term last looked up in each of [`RECENT`] slots (picked by a hash of
    /// it), with its id: the words a text repeats most are found here, in a table small
    /// enough to stay in the processor's cache. Empty until the first lookup.
    recent: Vec<(u128, u32)>,
    pub(super) terms: Vec<Box<str>>,
}

/// Slots in [`Vocab::recent`], a power of two.
const RECENT: usize = 4096;

impl Vocab {
    pub fn intern(&mut self, term: &str) -> u32 {
        self.intern_term(words::Term::new(term))
    }

    /// As [`Vocab::intern`], for a term whose number is known. The look in
    /// [`Vocab::recent`] is made where the term is counted; the rest, seldom needed, is
    /// not.
    #[inline]
    pub fn intern_term(&mut self, term: words::Term) -> u32 {
        let words::Term::Short(key) = term else {
            return self.intern_long(term);
        };
        let mixed = (key as u64 ^ (key >> 64) as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let slot = (mixed >> (64 - RECENT.trailing_zeros())) as usize;
        match self.recent.get(slot) {
            Some(&(recent, id)) if recent == key => id,
            _ => self.intern_short(key, slot),
        }
    }

    /// The id of a term too long to pack.
    #[cold]
    fn intern_long(&mut self, term: words::Term) -> u32 {
        let text = term.text();
        if let Some(&id) = self.long.get(&*text) {
            return id;
        }
        let id = self.push(&text);
        self.long.insert(text.into(), id);
        id
    }

    /// The id of the packed term `key`, not in its `slot` of [`Vocab::recent`]; it is
    /// there afterwards.
    fn intern_short(&mut self, key: u128, slot: usize) -> u32 {
        if self.recent.is_empty() {
            // No term packs to 0 (its length, at least 1, is in the top byte).
            self.recent = vec![(0, 0); RECENT];
        }
        let id = match self.short.get(&key) {
            Some(&id) => id,
            None => {
                let id = self.push(&words::Term::Short(key).text());
                self.short.insert(key, id);
                id
            }
        };
        self.recent[slot] = (key, id);
        id
    }

    fn push(&mut self, term: &str) -> u32 {
        let id = u32::try_from(self.terms.len()).expect("fewer than 4 billion terms");
        self.terms.push(term.into());
        id
    }

    pub fn term(&self, id: u32) -> &str {
        &self.terms[id as usize]
    }

    pub fn len(&self) -> usize {
        self.terms.len()
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }
}

/// Per-term counts while one page is read: scratch space reused across the pages of a
/// batch, indexed by term id.
#[derive(Default)]
struct Counts {
    /// By term id, side by side so that counting an occurrence touches one place.
    by_term: Vec<Count>,
    /// The terms of the current page, in order of first use.
    page: Vec<u32>,
}

#[derive(Clone, Copy, Default)]
struct Count {
    /// The page (numbered in the batch, from 1) that last counted the term.
    seen: u32,
    weighted: u32,
    tier: u8,
}

/// Analyses `docs`, interning their terms into `vocab`; in parallel, each batch of pages
/// with a vocabulary of its own, merged into `vocab` in order (so ids do not depend on the
/// number of threads).
pub fn analyse_all(docs: &[Doc], stop: &[&str], vocab: &mut Vocab) -> Vec<Analysed> {
    let keep = |_: usize, fragment: Vec<u8>| Ok::<_, std::convert::Infallible>(fragment);
    let Ok(analysed) = analyse_with(docs, stop, vocab, keep);
    analysed
}

/// As [`analyse_all`], but each page's fragment goes to `take` (with the page's place in
/// `docs`) as soon as it is made, and what `take` gives back is kept in its stead: a build
/// writes the fragment and keeps nothing.
pub fn analyse_with<E: Send>(
    docs: &[Doc],
    stop: &[&str],
    vocab: &mut Vocab,
    take: impl Fn(usize, Vec<u8>) -> Result<Vec<u8>, E> + Sync,
) -> Result<Vec<Analysed>, E> {
    let stop = &words::StopWords::new(stop);
    let batch = docs
        .len()
        .div_ceil(rayon::current_num_threads() * 4)
        .max(16);
    let batches: Vec<(Vocab, Vec<Analysed>)> = docs
        .par_chunks(batch)
        .enumerate()
        .map(|(b, chunk)| {
            let mut local = Vocab::default();
            let mut counts = Counts::default();
            let mut buffer = String::new();
            let analysed = chunk
                .iter()
                .enumerate()
                .map(|(i, doc)| {
                    let body = doc.body.text();
                    let terms = terms(
                        doc,
                        &body,
                        stop,
                        i as u32 + 1,
                        &mut local,
                        &mut counts,
                        &mut buffer,
                    );
                    let fragment = take(b * batch + i, fragment(doc, &body))?;
                    Ok(Analysed { terms, fragment })
                })
                .collect::<Result<_, E>>()?;
            Ok((local, analysed))
        })
        .collect::<Result<_, E>>()?;
    let mut out = Vec::with_capacity(docs.len());
    for (local, analysed) in batches {
        let global: Vec<u32> = local.terms.iter().map(|t| vocab.intern(t)).collect();
        out.extend(analysed.into_iter().map(|mut a| {
            for (term, _) in &mut a.terms {
                *term = global[*term as usize];
            }
            a
        }));
    }
    Ok(out)
}

/// The terms of `doc` with their impacts; `n` numbers the page in its batch (from 1).
fn terms(
    doc: &Doc,
    body: &str,
    stop: &words::StopWords,
    n: u32,
    vocab: &mut Vocab,
    counts: &mut Counts,
    buffer: &mut String,
) -> Vec<Posting> {
    counts.page.clear();
    let mut length: u64 = 0;
    let mut field = |text: &str, tier: u8, counts: &mut Counts, buffer: &mut String| {
        words::for_each_term(capped(text), stop, buffer, |term| {
            let id = vocab.intern_term(term) as usize;
            if id >= counts.by_term.len() {
                counts.by_term.resize(id + 1, Count::default());
            }
            let c = &mut counts.by_term[id];
            if c.seen != n {
                c.seen = n;
                c.weighted = 0;
                c.tier = tier;
                counts.page.push(id as u32);
            }
            c.weighted += WEIGHTS[tier as usize];
            c.tier = c.tier.max(tier);
            length += 1;
            true
        });
    };
    field(doc.title, TIER_TITLE, counts, buffer);
    for k in doc.key_points {
        field(k, TIER_KEY_POINTS, counts, buffer);
    }
    for e in &doc.entities {
        field(e, TIER_ENTITIES, counts, buffer);
    }
    field(doc.summary, TIER_SUMMARY, counts, buffer);
    field(body, TIER_BODY, counts, buffer);
    counts
        .page
        .iter()
        .map(|&id| {
            let c = counts.by_term[id as usize];
            (id, impact(c.weighted, c.tier, length))
        })
        .collect()
}

/// The impact byte of a term found `weighted` times (fields weighted) on a page of
/// `length` terms, most prominently in `tier`.
fn impact(weighted: u32, tier: u8, length: u64) -> u8 {
    let tf = f64::from(weighted);
    let norm = 1.0 - B + B * (length as f64) / REFERENCE_LENGTH;
    let part = tf * (K1 + 1.0) / (tf + K1 * norm);
    let q = (part / (K1 + 1.0) * 31.0).round().clamp(0.0, 31.0) as u8;
    tier << 5 | q
}

/// `text` cut to at most [`MAX_TEXT`] bytes, at a character boundary.
fn capped(text: &str) -> &str {
    if text.len() <= MAX_TEXT {
        return text;
    }
    let mut end = MAX_TEXT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// What a result shows, fetched only for the results shown: title, URL, date, summary,
/// key points and names, and the text (whitespace collapsed, up to [`MAX_TEXT`]) that the
/// snippet around a match is cut from and a quoted phrase is checked against.
#[derive(Serialize)]
struct Fragment<'a> {
    t: &'a str,
    u: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    d: Option<String>,
    s: &'a str,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    k: &'a [String],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    e: &'a Vec<&'a str>,
    /// Written by [`fragment`] itself, last: see [`push_json_string`].
    #[serde(skip)]
    x: &'a str,
}

fn fragment(doc: &Doc, body: &str) -> Vec<u8> {
    let f = Fragment {
        t: doc.title,
        u: &doc.url,
        d: doc.date.map(|d| d.to_string()),
        s: doc.summary,
        k: doc.key_points,
        e: &doc.entities,
        x: capped(body),
    };
    // Room for it all at once: grown as it is written, the text was copied over and over.
    let mut out = Vec::with_capacity(f.x.len() + f.s.len() + 512);
    // Plain strings and lists serialize without fail.
    serde_json::to_writer(&mut out, &f).expect("a fragment is plain data");
    // The object ends in `}`: the text goes in before it.
    out.pop();
    out.extend_from_slice(b",\"x\":");
    push_json_string(&mut out, f.x);
    out.push(b'}');
    out
}

/// Writes `text` as a JSON string, as `serde_json` does: a text with nothing to escape (no
/// quote, backslash or control character, which a page's collapsed text seldom has) is
/// copied as it is, after one pass the compiler makes wide, instead of being escaped
/// byte by byte.
fn push_json_string(out: &mut Vec<u8>, text: &str) {
    let plain = text.bytes().fold(true, |plain, b| {
        plain & (b >= 0x20) & (b != b'"') & (b != b'\\')
    });
    if plain {
        out.push(b'"');
        out.extend_from_slice(text.as_bytes());
        out.push(b'"');
    } else {
        // A string serializes without fail.
        serde_json::to_writer(&mut *out, text).expect("a string is plain data");
    }
}

/// Ids place pages in postings. A page's id comes from its date and URL alone (so that a
/// page added to the site moves no other page's id, and changes no shard but those of
/// its own terms): 64 slots per day since 1900-01-01 (undated pages on day 0), the slot
/// picked by a hash of the URL; a page whose slot is taken takes the next free one, the
/// pages of a slot in the order of their URLs. Newer pages have larger ids, which is how
/// the search page orders results of equal score.
pub fn assign_ids(docs: &[Doc]) -> Vec<u32> {
    let mut keys: Vec<(u32, &str, usize)> = docs
        .iter()
        .enumerate()
        .map(|(i, d)| (natural_id(d), d.url.as_str(), i))
        .collect();
    keys.sort_unstable();
    let mut ids = vec![0; docs.len()];
    let mut next = 0u32;
    for (natural, _, i) in keys {
        let id = natural.max(next);
        ids[i] = id;
        next = id + 1;
    }
    ids
}

pub const SLOTS_PER_DAY: u32 = 64;

fn natural_id(doc: &Doc) -> u32 {
    let day = doc.date.map_or(0, |d| {
        let base = jiff::civil::date(1900, 1, 1);
        // Days from 1900 up to the year 9999 fit easily; earlier dates share day 0.
        (d - base).get_days().max(0) as u32
    });
    let slot = (fnv1a(doc.url.as_bytes()) % u64::from(SLOTS_PER_DAY)) as u32;
    day * SLOTS_PER_DAY + slot
}

/// FNV-1a, 64 bits: a hash that is the same in every build of attache.
pub(super) fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc<'a>(url: &str, date: Option<&str>, title: &'a str, body: &'a str) -> Doc<'a> {
        Doc {
            url: url.to_string(),
            date: date.map(|d| d.parse().unwrap()),
            title,
            summary: "",
            key_points: &[],
            entities: Vec::new(),
            body: Body::Plain(body),
        }
    }

    #[test]
    fn a_title_match_outranks_any_number_of_body_matches() {
        let many = "trade ".repeat(50);
        let docs = [
            doc("/a/", None, "Trade talks", "Nothing else here."),
            doc("/b/", None, "Talks", &many),
        ];
        let mut vocab = Vocab::default();
        let analysed = analyse_all(&docs, &[], &mut vocab);
        let trade = vocab.intern("trade");
        let impact = |a: &Analysed| a.terms.iter().find(|t| t.0 == trade).unwrap().1;
        assert!(impact(&analysed[0]) > impact(&analysed[1]));
        assert_eq!(impact(&analysed[0]) >> 5, TIER_TITLE);
    }

    #[test]
    fn ids_follow_dates_and_never_collide() {
        let docs: Vec<Doc> = (0..500)
            .map(|i| doc(&format!("/a/{i}/"), Some("2025-01-15"), "", ""))
            .chain([
                doc("/old/", Some("1990-01-01"), "", ""),
                doc("/t/", None, "", ""),
            ])
            .collect();
        let ids = assign_ids(&docs);
        let unique: std::collections::BTreeSet<u32> = ids.iter().copied().collect();
        assert_eq!(unique.len(), docs.len());
        assert!(ids[500] < ids[0] && ids[501] < ids[500]);
        // Another page's arrival on another day moves nobody.
        let mut more = docs.clone();
        more.push(doc("/new/", Some("2025-02-01"), "", ""));
        assert_eq!(&assign_ids(&more)[..docs.len()], &ids[..]);
    }

    #[test]
    fn a_fragment_is_the_json_serde_writes() {
        for body in ["Plain text, ملاقات", "A \"quoted\" word\\ and a \u{1}"] {
            let d = doc("/a/", Some("2025-01-15"), "T", body);
            let f: serde_json::Value = serde_json::from_slice(&fragment(&d, body)).unwrap();
            assert_eq!(f["x"], body);
            assert_eq!(f["t"], "T");
            let mut out = Vec::new();
            push_json_string(&mut out, body);
            assert_eq!(out, serde_json::to_vec(body).unwrap());
        }
    }

    #[test]
    fn a_huge_page_is_indexed_up_to_the_cap() {
        let body = "word ".repeat(200_000) + "needle";
        let docs = [doc("/big/", None, "Big", &body)];
        let mut vocab = Vocab::default();
        let analysed = analyse_all(&docs, &[], &mut vocab);
        assert_eq!(analysed[0].terms.len(), 2);
        assert!(analysed[0].fragment.len() <= MAX_TEXT + 200);
    }
}
