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
//! - `f/<id>.json`: one fragment per page (title, URL, date, summary, key points, names,
//!   and the text a snippet is cut from), fetched only for the results shown.
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
pub mod index;
pub mod read;
mod shards;
pub mod words;

use bytes::Bytes;

use super::job::{Reads, Scope, Writes};
use super::values::Shared;
use crate::index::{Edition, PageRef};
use crate::parse::Page;
pub use analyse::{Analysed, Doc};
pub use index::Index;

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

/// The output path of the fragment of the page `id`.
pub fn fragment_path(folder: &str, id: u32) -> String {
    format!("{folder}f/{id}.json")
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
    let docs: Vec<Doc> = indexed_pages(s.ed)
        .map(|(_, p)| doc(s, shared, p))
        .collect();
    build(&docs, language(shared), &folder(s))
        .into_iter()
        .map(|(path, bytes)| (path, Vec::from(bytes)))
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
        summary: &page.summary,
        key_points: meta.map_or(&[], |m| m.key_points.as_slice()),
        entities,
        body: &page.body.text,
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
        body: "",
    }
}

/// The files of the index of `docs` (pages written in `language`, a subtag such as `en`)
/// in `folder`: the manifest first, then the shards and the fragments.
pub fn build(docs: &[Doc], language: &str, folder: &str) -> Vec<(String, Bytes)> {
    let stop = words::stop_words(language);
    let mut index = Index::default();
    let analysed = analyse::analyse_all(docs, stop, &mut index.vocab);
    let ids = analyse::assign_ids(docs);
    let mut by_id: Vec<usize> = (0..docs.len()).collect();
    by_id.sort_unstable_by_key(|&i| ids[i]);
    for &i in &by_id {
        index.add(ids[i], &analysed[i].terms);
    }
    let mut files = write(&mut index, stop, folder);
    drop(index);
    files.extend(
        analysed
            .into_iter()
            .zip(ids)
            .map(|(a, id)| (fragment_path(folder, id), Bytes::from(a.fragment))),
    );
    files
}

/// The manifest and the shards of `index`, in `folder`.
pub fn write(index: &mut Index, stop: &[&str], folder: &str) -> Vec<(String, Bytes)> {
    let shards = index.shards();
    let manifest = index::Manifest {
        format: index::FORMAT,
        pages: index.pages(),
        stop,
        term_chars: words::MAX_TERM_CHARS,
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
