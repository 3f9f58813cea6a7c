//! Which render jobs an edit touches. Nothing here knows a page type: every job declares
//! what it writes and what it shows ([`crate::render::job`]), and a job is rendered again
//! when what it shows changed — a page it shows in full, a card it lists, the order of a
//! list, a count, the menus — judged by comparing its declarations before and after.

use std::collections::{BTreeSet, HashMap, HashSet};

use rayon::prelude::*;
use rustc_hash::FxHashSet;

use crate::index::{PageRef, Site};
use crate::render::{Job, Reads, View, Writes, all_jobs};

/// One job of a site, with what it writes and what it reads.
pub(super) struct Entry {
    pub(super) job: Job,
    pub(super) writes: Writes,
    pub(super) reads: Reads,
}

/// Every job of a site.
pub(super) struct JobTable {
    entries: Vec<Entry>,
    by_key: HashMap<String, usize>,
}

impl JobTable {
    pub(super) fn of(site: &Site) -> JobTable {
        let entries: Vec<Entry> = all_jobs(site)
            .into_par_iter()
            .map(|job| Entry {
                job,
                writes: job.writes(site),
                reads: job.reads(site),
            })
            .collect();
        let by_key = entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.writes.key().to_string(), i))
            .collect();
        JobTable { entries, by_key }
    }

    pub(super) fn get(&self, key: &str) -> Option<&Entry> {
        self.by_key.get(key).map(|&i| &self.entries[i])
    }

    pub(super) fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Every output path of every job.
    pub(super) fn outputs(&self) -> HashSet<&str> {
        self.entries
            .iter()
            .flat_map(|e| e.writes.outputs.iter().map(String::as_str))
            .collect()
    }

    /// Declares the jobs with `keys` again, after their pages changed in place.
    pub(super) fn refresh(&mut self, site: &Site, keys: &BTreeSet<String>) {
        for key in keys {
            if let Some(&i) = self.by_key.get(key) {
                let job = self.entries[i].job;
                self.entries[i].writes = job.writes(site);
                self.entries[i].reads = job.reads(site);
            }
        }
    }
}

/// What changed in an edit: the pages whose content, card or sitemap entry changed (where
/// they are in the site after the edit), and the values every page or the topic cards show.
#[derive(Debug, Default)]
pub(super) struct Changed {
    pages: FxHashSet<(PageRef, View)>,
    pub(super) globals: bool,
    pub(super) topic_cards: bool,
}

impl Changed {
    pub(super) fn page(&mut self, at: PageRef, view: View) {
        self.pages.insert((at, view));
    }

    fn shown(&self, reads: &Reads) -> bool {
        (reads.globals && self.globals)
            || (reads.topic_cards && self.topic_cards)
            || reads.shows.iter().any(|s| self.pages.contains(s))
    }
}

/// The keys of the jobs that show what changed, when no page moved: the same jobs
/// exist, each showing the same pages in the same order.
pub(super) fn in_place(table: &JobTable, changed: &Changed) -> BTreeSet<String> {
    table
        .entries
        .par_iter()
        .filter(|e| changed.shown(&e.reads))
        .map(|e| e.writes.key().to_string())
        .collect()
}

/// The content paths of a site's pages by where they are, kept from before an edit that
/// moves pages, to compare what jobs showed with what they show now.
pub(super) struct Before {
    home: Option<String>,
    articles: Vec<String>,
    topics: Vec<String>,
    pages: Vec<String>,
}

impl Before {
    pub(super) fn of(site: &Site) -> Before {
        Before {
            home: site.home.as_ref().map(|p| p.rel.clone()),
            articles: site.articles.iter().map(|p| p.rel.clone()).collect(),
            topics: site.topics.iter().map(|t| t.page.rel.clone()).collect(),
            pages: site.pages.iter().map(|p| p.rel.clone()).collect(),
        }
    }

    fn rel(&self, at: PageRef) -> Option<&str> {
        match at {
            PageRef::Home => self.home.as_deref(),
            PageRef::Article(i) => self.articles.get(i).map(String::as_str),
            PageRef::Topic(i) => self.topics.get(i).map(String::as_str),
            PageRef::Page(i) => self.pages.get(i).map(String::as_str),
        }
    }
}

/// The keys of the jobs of `site` (declared in `new`) to render after an edit that moved
/// pages: new jobs, jobs that write or show something else than before (other pages, in
/// another order, other counts), and jobs that show what changed.
pub(super) fn compared(
    old: &JobTable,
    before: &Before,
    new: &JobTable,
    site: &Site,
    changed: &Changed,
) -> BTreeSet<String> {
    let rel = |at: PageRef| site.page(at).map(|p| p.rel.as_str());
    new.entries
        .par_iter()
        .filter(|e| {
            let Some(o) = old.get(e.writes.key()) else {
                return true;
            };
            e.writes != o.writes
                || e.reads.other != o.reads.other
                || e.reads.globals != o.reads.globals
                || e.reads.topic_cards != o.reads.topic_cards
                || e.reads.shows.len() != o.reads.shows.len()
                || changed.shown(&e.reads)
                || e.reads
                    .shows
                    .iter()
                    .zip(&o.reads.shows)
                    .any(|((a, v), (b, w))| v != w || rel(*a) != before.rel(*b))
        })
        .map(|e| e.writes.key().to_string())
        .collect()
}
