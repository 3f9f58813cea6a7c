//! Letting go of each article's HTML as soon as no page still to be written shows it.
//!
//! A build renders every page from one `&Site` and writes each as soon as it is made, but
//! the articles' bodies were all held until the end: at 100,000 articles, some 320 MiB of
//! packed HTML beside the search index's postings, which grow at the same time. The jobs
//! already say which pages they show in full (their [`Reads`], which `serve` relies on
//! to know what an edit changes); counting, for each article, the jobs that show it in
//! full tells when its last one is done, and then its HTML is released.

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
        let ed = &site.editions[job.lang];
        for &i in shown {
            // AcqRel: whoever takes the count to zero sees every other reader's use as done.
            if self.left[job.lang][i as usize].fetch_sub(1, Ordering::AcqRel) == 1 {
                ed.articles[i as usize].body.html.release();
            }
        }
    }
}
