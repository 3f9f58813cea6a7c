//! The search index: every word of every page, in shards, so that a query downloads only
//! what it needs.
//!
//! Each language's edition has an index of its own pages, words found as that language is
//! written, in its own folder (`search/`, `ur/search/`):
//!
//! - `manifest.json`: the number of pages, the stop words, and each shard's first term and
//!   name: all the search page reads before the first query;
//! - `s/<name>.bin`: the shards, the terms in order with their postings ([`index`]); a
//!   query fetches the shard of each of its words (a word being typed: every shard its
//!   prefix reaches);
//! - `f/<n>.json`: the fragments of one day's pages (each page's title, URL, date,
//!   summary, key points, names, and the text a snippet is cut from), by page id
//!   ([`fragments`]), fetched only for the results shown.
//!
//! Every word of every field is indexed — title, summary, key points, people,
//! organizations, topics, the whole body (up to [`analyse::MAX_TEXT`] per field) — split by
//! Unicode's word boundaries and folded as [`words`] says, which the search page's script
//! mirrors. A quoted phrase is looked up by its words, and then checked in the fragments
//! of the candidates, best first, until a page of results is found: positions in the
//! postings would make every shard several times larger for the rarer phrase query.
//!
//! `serve` keeps the index between rebuilds (see `serve::search`) and rewrites only the
//! shards and fragments an edit touched; a build makes it afresh, with the same bytes.

pub mod analyse;
mod ascii;
pub mod fragments;
pub mod index;
mod postings;
pub mod read;
mod segment;
mod shards;
pub mod words;

use std::borrow::Cow;

use bytes::Bytes;

use super::job::{Reads, Scope, Writes};
use super::values::Shared;
use crate::index::{Edition, PageRef};
use crate::parse::{PackedText, Page};
pub use analyse::{Analysed, Doc};
pub use index::Index;

/// The next of a run of random numbers (xorshift64), the same run every time: the
/// module's tests make random texts with it.
#[cfg(test)]
fn next_random(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

/// The folder of an index, below its edition's prefix.
pub const FOLDER: &str = "search/";
/// The manifest, in the index's folder.
pub const MANIFEST: &str = "manifest.json";

/// The output path of the manifest of the index in `folder`.
pub fn manifest_path(folder: &str) -> String {
    format!("{folder}{MANIFEST}")
}

/// The folders of the index in `folder` whose files come and go with the site.
pub fn owned_folders(folder: &str) -> Vec<String> {
    vec![format!("{folder}s/"), format!("{folder}f/")]
}

/// Whether the output path `path` lies in the shards' or fragments' folder of an index
/// whose manifest `generated` says is written.
pub fn in_index_folder(path: &str, generated: impl Fn(&str) -> bool) -> bool {
    ["/s/", "/f/"].iter().any(|owned| {
        path.match_indices(owned)
            .any(|(at, _)| generated(&manifest_path(&path[..=at])))
    })
}

/// The folder of the index of the edition `s` (`search/`, `ur/search/`).
pub fn folder(s: &Scope) -> String {
    s.local(FOLDER)
}

pub(super) fn index_writes(s: &Scope) -> Writes {
    let folder = folder(s);
    Writes::files(vec![manifest_path(&folder)]).and_folders(owned_folders(&folder))
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

/// The index of the pages of the edition `s`, whose shared values are `shared`.
pub fn index(s: &Scope, shared: &Shared) -> super::Files {
    let fragments = std::sync::Mutex::new(Vec::new());
    let collect = |path: &str, bytes: &[u8]| -> Result<(), std::convert::Infallible> {
        // A thread that panicked while holding the list has already failed the build.
        let mut fragments = fragments.lock().unwrap_or_else(|e| e.into_inner());
        fragments.push((path.to_string(), bytes.to_vec()));
        Ok(())
    };
    let Ok(files) = index_each(s, shared, None, &collect, &|_| {});
    let mut files: super::Files = files
        .into_iter()
        .map(|(path, bytes)| (path, Vec::from(bytes)))
        .collect();
    files.extend(fragments.into_inner().unwrap_or_else(|e| e.into_inner()));
    files
}

/// The index of the pages of the edition `s`, as [`index`] makes it, handing each page's
/// fragment to `put` as soon as it is made: a build to disk holds one batch of pages'
/// analyses at a time, not the whole site's. `texts`, when given, are the pages' texts
/// taken out of them ([`take_texts`]), freed batch by batch; each page is handed to `read`
/// once the index has read its text (and so its HTML, which the text is packed against).
/// Gives the manifest and the shards.
pub fn index_each<E: Send>(
    s: &Scope,
    shared: &Shared,
    texts: Option<Vec<PackedText>>,
    put: Put<'_, E>,
    read: &(dyn Fn(PageRef) + Sync),
) -> Result<Vec<(String, Bytes)>, E> {
    let pages: Vec<(PageRef, &Page)> = indexed_pages(s.ed).collect();
    let mut texts: Vec<Option<PackedText>> =
        texts.unwrap_or_default().into_iter().map(Some).collect();
    let whole = |i: usize| {
        let (_, page) = pages[i];
        let doc = doc(s, shared, page);
        match texts.get_mut(i).and_then(Option::take) {
            Some(text) => Doc {
                body: analyse::Body::Packed {
                    text: Cow::Owned(text),
                    html: &page.body.html,
                },
                ..doc
            },
            None => doc,
        }
    };
    build_each(
        pages.len(),
        |i| placed_doc(shared, pages[i].1),
        whole,
        |i| read(pages[i].0),
        language(shared),
        &folder(s),
        put,
    )
}

/// Takes every indexed page's plain text, which only the search index reads, out of the
/// site: by edition, in the order of [`indexed_pages`].
pub fn take_texts(site: &mut crate::index::Site) -> Vec<Vec<PackedText>> {
    site.editions
        .iter_mut()
        .map(|ed| {
            let at: Vec<PageRef> = indexed_pages(ed).map(|(at, _)| at).collect();
            at.into_iter()
                .filter_map(|at| ed.page_mut(at).map(|p| std::mem::take(&mut p.body.text)))
                .collect()
        })
        .collect()
}

/// The language subtag (`en`) the words of an edition's index are in.
pub fn language(shared: &Shared) -> &str {
    shared.language.id.language.as_str()
}

/// The pages in the index: articles (newest first), topics, plain pages, home.
pub fn indexed_pages(ed: &Edition) -> impl Iterator<Item = (PageRef, &Page)> {
    let home = ed.page_refs().filter(|(at, _)| *at == PageRef::Home);
    ed.page_refs()
        .filter(|(at, _)| *at != PageRef::Home)
        .chain(home)
}

/// A page of the edition `s` as the index sees it.
pub fn doc<'a>(s: &Scope<'a>, shared: &Shared, page: &'a Page) -> Doc<'a> {
    let meta = page.article();
    let mut entities: Vec<&'a str> = Vec::new();
    if let Some(m) = meta {
        entities.extend(m.people.iter().map(String::as_str));
        entities.extend(m.organizations.iter().map(String::as_str));
        // A topic's title in the page's own edition, else in the first that has it.
        entities.extend(m.topics.iter().filter_map(|id| {
            std::iter::once(s.ed)
                .chain(&s.site.editions)
                .find_map(|e| e.topic(id).map(|t| e.topics[t].page.title()))
        }));
    }
    Doc {
        title: page.title(),
        summary: page.summary(),
        key_points: meta.map_or(&[], |m| m.key_points.as_slice()),
        entities,
        body: analyse::Body::Packed {
            text: Cow::Borrowed(&page.body.text),
            html: &page.body.html,
        },
        ..placed_doc(shared, page)
    }
}

/// What the id of a page of the edition `s` is made from, its URL and date, and nothing
/// else: `serve` keeps the analysis of a page an edit did not change, and needs only its id.
pub fn placed_doc<'a>(shared: &Shared, page: &'a Page) -> Doc<'a> {
    Doc {
        url: shared.url(&page.path),
        date: page.article().map(|m| m.date.date),
        title: "",
        summary: "",
        key_points: &[],
        entities: Vec::new(),
        body: analyse::Body::Plain(""),
    }
}

/// Where an index puts each fragment as soon as it is made: output path and contents,
/// from many threads.
pub type Put<'a, E> = &'a (dyn Fn(&str, &[u8]) -> Result<(), E> + Sync);

/// How many pages are analysed at once by [`build_each`]: each batch is a point where
/// every thread waits for the others, and its pages' terms are held until added (a page's
/// fragment is written as soon as it is made).
const BATCH: usize = 4096;

/// The index of `pages` pages written in `language` (a subtag such as `en`) in `folder`,
/// the page at `i` placed (given an id) by `placed(i)` and indexed as `whole(i)`: the
/// pages are analysed in batches in the order of their ids, each batch's pages made
/// whole only then, each fragments file handed to `put` as soon as its last page is made
/// ([`fragments::Gather`]) and each batch's postings added before the next is analysed;
/// `read(i)` is called for each page once its batch is analysed. Gives the manifest and
/// the shards.
pub fn build_each<'a, E: Send>(
    pages: usize,
    placed: impl Fn(usize) -> Doc<'a>,
    mut whole: impl FnMut(usize) -> Doc<'a>,
    read: impl Fn(usize),
    language: &str,
    folder: &str,
    put: Put<'_, E>,
) -> Result<Vec<(String, Bytes)>, E> {
    let stop = words::stop_words(language);
    let mut index = Index::default();
    let ids = analyse::assign_ids(&(0..pages).map(placed).collect::<Vec<_>>());
    let gather = fragments::Gather::new(ids.iter().copied(), folder, put);
    let mut by_id: Vec<(u32, usize)> = ids.into_iter().zip(0..).collect();
    by_id.sort_unstable();
    for batch in by_id.chunks(BATCH) {
        let ids: Vec<u32> = batch.iter().map(|&(id, _)| id).collect();
        let docs: Vec<Doc> = batch.iter().map(|&(_, i)| whole(i)).collect();
        let written =
            |i: usize, fragment: Vec<u8>| gather.add(ids[i], fragment).map(|()| Vec::new());
        let analysed = analyse::analyse_with(&docs, stop, &mut index.vocab, written)?;
        batch.iter().for_each(|&(_, i)| read(i));
        for (&id, a) in ids.iter().zip(&analysed) {
            index.add(id, &a.terms);
        }
    }
    // No edit follows a build's index: its last plan lets go of what it has encoded.
    let shards = index.final_shards();
    Ok(write_shards(shards, &index, stop, folder))
}

/// The manifest and the shards of `index`, in `folder`.
pub fn write(index: &mut Index, stop: &[&str], folder: &str) -> Vec<(String, Bytes)> {
    write_shards(index.shards(), index, stop, folder)
}

/// The manifest of `index` and its `shards`, in `folder`.
fn write_shards(
    shards: Vec<(Option<u32>, index::Shard)>,
    index: &Index,
    stop: &[&str],
    folder: &str,
) -> Vec<(String, Bytes)> {
    let manifest = index::Manifest {
        format: index::FORMAT,
        pages: index.pages(),
        stop,
        term_chars: words::MAX_TERM_CHARS,
        fragments_per_file: fragments::PER_FILE,
        shards: shards
            .iter()
            .map(|(first, s)| (first.map(|t| index.vocab.term(t)), s.name.as_str()))
            .collect(),
    };
    // Plain strings, numbers and lists serialize without fail.
    let json = serde_json::to_vec(&manifest).expect("the manifest is plain data");
    let mut files = Vec::with_capacity(shards.len() + 1);
    files.push((manifest_path(folder), Bytes::from(json)));
    files.extend(
        shards
            .into_iter()
            .map(|(_, s)| (format!("{folder}s/{}.bin", s.name), s.bytes)),
    );
    files
}
