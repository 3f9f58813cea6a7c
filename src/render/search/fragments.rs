//! Fragments (what a result shows) in files of one day's pages each.
//!
//! A page's id is its day and one of the day's [`PER_FILE`] slots ([`super::analyse`]),
//! so `f/<id / PER_FILE>.json` holds the fragments of the pages of one day: a JSON object
//! from each page's id to its fragment, in the order of the ids. One file per page made a
//! 10,000-article build create ten thousand files, the index's largest single cost; a
//! day's file is still small, as a news desk files a few pieces a day, and adding a page
//! rewrites only its own day's file.

use std::sync::Mutex;

use rustc_hash::FxHashMap;

use super::Put;
use super::analyse::SLOTS_PER_DAY;

/// Pages (consecutive ids) per fragments file: a day's.
pub const PER_FILE: u32 = SLOTS_PER_DAY;

/// The number of the fragments file of the page `id`.
pub fn file_of(id: u32) -> u32 {
    id / PER_FILE
}

/// The output path of the fragments file `file` of the index in `folder`.
pub fn path(folder: &str, file: u32) -> String {
    format!("{folder}f/{file}.json")
}

/// The fragments file of `pages` (id and fragment, the ids those of one file, in order).
pub fn file<'a>(pages: impl IntoIterator<Item = (u32, &'a [u8])>) -> Vec<u8> {
    let mut out = vec![b'{'];
    for (id, fragment) in pages {
        if out.len() > 1 {
            out.push(b',');
        }
        out.extend_from_slice(format!("\"{id}\":").as_bytes());
        out.extend_from_slice(fragment);
    }
    out.push(b'}');
    out
}

/// A page's id and its fragment.
type Made = (u32, Vec<u8>);

/// Fragments gathered into their files as pages are analysed, from many threads: a file
/// is put as soon as the last of its pages is in. Pages are analysed in runs of
/// consecutive ids, so all but the few files a run's ends cut across are put by the thread
/// that made them, and held only while it makes the rest.
pub struct Gather<'p, E> {
    /// By file: how many pages it holds.
    expected: FxHashMap<u32, u32>,
    /// By file: the fragments in so far, of files with more than one page.
    waiting: Mutex<FxHashMap<u32, Vec<Made>>>,
    folder: &'p str,
    put: Put<'p, E>,
}

impl<'p, E> Gather<'p, E> {
    /// Gathers the fragments of the pages `ids`, into files of the index in `folder`.
    pub fn new(ids: impl IntoIterator<Item = u32>, folder: &'p str, put: Put<'p, E>) -> Self {
        let mut expected: FxHashMap<u32, u32> = FxHashMap::default();
        for id in ids {
            *expected.entry(file_of(id)).or_default() += 1;
        }
        Gather {
            expected,
            waiting: Mutex::default(),
            folder,
            put,
        }
    }

    /// Takes the fragment of the page `id`, putting its file if it was the last.
    pub fn add(&self, id: u32, fragment: Vec<u8>) -> Result<(), E> {
        let n = file_of(id);
        let path = path(self.folder, n);
        if self.expected.get(&n) == Some(&1) {
            return (self.put)(&path, &file([(id, fragment.as_slice())]));
        }
        let complete = {
            // A thread that panicked while holding the map has already failed the build.
            let mut waiting = self.waiting.lock().unwrap_or_else(|e| e.into_inner());
            let pages = waiting.entry(n).or_default();
            pages.push((id, fragment));
            if pages.len() as u32 == self.expected.get(&n).copied().unwrap_or(0) {
                waiting.remove(&n)
            } else {
                None
            }
        };
        match complete {
            Some(mut pages) => {
                pages.sort_unstable_by_key(|(id, _)| *id);
                let pages = pages.iter().map(|(id, f)| (*id, f.as_slice()));
                (self.put)(&path, &file(pages))
            }
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_put_once_with_all_its_pages_in_order() {
        let put_files = Mutex::new(Vec::new());
        let put = |path: &str, bytes: &[u8]| {
            put_files
                .lock()
                .unwrap()
                .push((path.to_string(), String::from_utf8(bytes.to_vec()).unwrap()));
            Ok::<(), ()>(())
        };
        let ids = [3, 70, 64, 5, 200];
        let gather = Gather::new(ids, "search/", &put);
        for id in ids {
            gather
                .add(id, format!("{{\"t\":\"{id}\"}}").into_bytes())
                .unwrap();
        }
        let mut files = put_files.into_inner().unwrap();
        files.sort();
        assert_eq!(
            files,
            [
                ("search/f/0.json", r#"{"3":{"t":"3"},"5":{"t":"5"}}"#),
                ("search/f/1.json", r#"{"64":{"t":"64"},"70":{"t":"70"}}"#),
                ("search/f/3.json", r#"{"200":{"t":"200"}}"#),
            ]
            .map(|(p, b)| (p.to_string(), b.to_string()))
        );
        let parsed: serde_json::Value = serde_json::from_str(&files[1].1).unwrap();
        assert_eq!(parsed["70"]["t"], "70");
    }
}
