//! Letting go of each article's HTML as soon as no page still to be written shows it.
//!
//! A build renders every page from one `&Site` and writes each as soon as it is made, but
//! the articles' bodies were all held until the end: at 100,000 articles, some 320 MiB of
//! packed HTML beside the search index's postings, which grow at the same time. The jobs
//! already say which pages they show in full (their [`Reads`], which `serve` relies on
//! to know what an edit changes); counting, for each article, the jobs that show it in
//! full tells when its last one is done, and then its HTML is released. An edition's
//! search index is counted among the readers of its articles too (each page's text is
//! packed against its HTML, `parse::PackedText`), and marks each article read once it has
//! analysed its batch.

use std::sync::atomic::{AtomicU32, Ordering};

use super::job::{Job, View};
use crate::index::{PageRef, Site};

/// For each article of each edition, how many of the jobs counted that show it in full
/// are not yet done.
pub(super) struct Readers {
    left: Vec<Vec<AtomicU32>>,
}

impl Readers {
    pub(super) fn new(site: &Site) -> Readers {
        Readers {
            left: site
                .editions
                .iter()
                .map(|ed| ed.articles.iter().map(|_| AtomicU32::new(0)).collect())
                .collect(),
        }
    }

    /// Counts `job` as a reader of the articles it shows in full, and gives them, to be
    /// handed back to [`Readers::done`] when the job is done.
    pub(super) fn count(&self, site: &Site, job: Job) -> Box<[u32]> {
        let shown: Box<[u32]> = job
            .reads(site)
            .shows
            .into_iter()
            .filter_map(|(at, view)| match (at, view) {
                (PageRef::Article(i), View::Full) => u32::try_from(i).ok(),
                _ => None,
            })
            .collect();
        for &i in &shown {
            self.left[job.lang][i as usize].fetch_add(1, Ordering::Relaxed);
        }
        shown
    }

    /// Marks `job`, which showed the articles `shown` in full, done: those no other
    /// counted job still has to show let go of their HTML.
    pub(super) fn done(&self, site: &Site, job: Job, shown: &[u32]) {
        for &i in shown {
            self.read(site, job, PageRef::Article(i as usize));
        }
    }

    /// Marks the page `at`, which the counted `job` shows in full, read by it: an article
    /// no other counted job still has to show lets go of its HTML.
    pub(super) fn read(&self, site: &Site, job: Job, at: PageRef) {
        let PageRef::Article(i) = at else {
            return;
        };
        // AcqRel: whoever takes the count to zero sees every other reader's use as done.
        if self.left[job.lang][i].fetch_sub(1, Ordering::AcqRel) == 1 {
            site.editions[job.lang].articles[i].body.html.release();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::build::{BuildOptions, build};
    use crate::render::JobKind;

    #[test]
    fn an_article_the_search_index_has_yet_to_read_keeps_its_html() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/basic");
        let site = build(&root, &BuildOptions::default()).unwrap().site;
        let html = |i: usize| site.editions[0].articles[i].body.html.packed_len();
        assert!(html(0) > 0);
        let readers = Readers::new(&site);
        let index = Job::new(0, JobKind::SearchIndex);
        let page = Job::new(0, JobKind::Article(0));
        readers.count(&site, index);
        let shown = readers.count(&site, page);
        assert_eq!(&*shown, [0], "the article's page shows it in full");
        readers.done(&site, page, &shown);
        assert!(html(0) > 0, "the index has still to read its text");
        readers.read(&site, index, PageRef::Article(0));
        assert_eq!(html(0), 0, "released once the index read it");
        assert!(html(1) > 0, "another article is the index's to read");
    }
}
