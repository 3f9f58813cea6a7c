//! Which render jobs an edit touches. Nothing here knows a page type: every job declares
//! what it writes and what it shows ([`crate::render::job`]), and a job is rendered again
//! when what it shows changed — a page it shows in full, a card it lists, the order of a
//! list, a count, the menus — judged by comparing its declarations before and after.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::i18n::Lang;
use crate::index::{PageRef, Site};
use crate::render::{Job, Reads, Renderer, View, Writes, all_jobs};

/// One job of a site, with what it writes and what it reads.
pub(super) struct Entry {
    pub(super) job: Job,
    pub(super) writes: Writes,
    pub(super) reads: Reads,
}

/// Every job of a site.
pub(super) struct JobTable {
    entries: Vec<Entry>,
    by_key: FxHashMap<String, usize>,
    /// The output paths that are no job's key.
    others: FxHashSet<String>,
    /// The folders some job writes every file of.
    folders: Vec<String>,
    /// Which jobs show what: made when an edit in place first asks (or when `serve` has
    /// time after an edit), kept up to date as jobs declare their reads again.
    readers: OnceLock<Readers>,
    /// The jobs (by index) rendered again in place whose reads are still to be declared
    /// again: that can wait until the reload notice went out (see [`JobTable::catch_up`]).
    stale: BTreeSet<usize>,
}

/// The reverse of every job's [`Reads`]: the jobs (by index) that show a page in a given
/// way, and those that show each language's shared values. An edit in place finds the
/// jobs it touches here instead of asking each of the site's jobs.
#[derive(Default)]
struct Readers {
    shows: FxHashMap<(Lang, PageRef, View), Vec<usize>>,
    globals: FxHashMap<Lang, Vec<usize>>,
    topic_cards: FxHashMap<Lang, Vec<usize>>,
}

impl Readers {
    fn of(entries: &[Entry]) -> Readers {
        let mut r = Readers::default();
        for (i, e) in entries.iter().enumerate() {
            r.add(i, &e.reads);
        }
        r
    }

    /// Job `i` now reads `new` instead of `old`.
    fn replace(&mut self, i: usize, old: &Reads, new: &Reads) {
        if old != new {
            self.remove(i, old);
            self.add(i, new);
        }
    }

    fn add(&mut self, i: usize, reads: &Reads) {
        if reads.globals {
            self.globals.entry(reads.lang).or_default().push(i);
        }
        if reads.topic_cards {
            self.topic_cards.entry(reads.lang).or_default().push(i);
        }
        // A job that shows a page twice is listed twice (the keys found are a set).
        for &(at, view) in &reads.shows {
            self.shows
                .entry((reads.lang, at, view))
                .or_default()
                .push(i);
        }
    }

    fn remove(&mut self, i: usize, reads: &Reads) {
        let drop_from = |jobs: Option<&mut Vec<usize>>| {
            if let Some(jobs) = jobs {
                jobs.retain(|&j| j != i);
            }
        };
        drop_from(self.globals.get_mut(&reads.lang));
        drop_from(self.topic_cards.get_mut(&reads.lang));
        for &(at, view) in &reads.shows {
            drop_from(self.shows.get_mut(&(reads.lang, at, view)));
        }
    }
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
        let others = entries
            .iter()
            .flat_map(|e| e.writes.outputs[1..].iter().cloned())
            .collect();
        let folders = entries
            .iter()
            .flat_map(|e| e.writes.folders.iter().cloned())
            .collect();
        JobTable {
            entries,
            by_key,
            others,
            folders,
            readers: OnceLock::new(),
            stale: BTreeSet::new(),
        }
    }

    pub(super) fn get(&self, key: &str) -> Option<&Entry> {
        self.by_key.get(key).map(|&i| &self.entries[i])
    }

    pub(super) fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Whether a job writes `path`.
    pub(super) fn writes(&self, path: &str) -> bool {
        self.by_key.contains_key(path)
            || self.others.contains(path)
            || self.folders.iter().any(|f| path.starts_with(f.as_str()))
    }

    /// Declares what the jobs with `keys` write again, after their pages changed in
    /// place; what they read is declared again by [`JobTable::catch_up`]. True when a
    /// sitemap entry changed.
    pub(super) fn refresh(&mut self, site: &Site, keys: &BTreeSet<String>) -> bool {
        let mut listed = false;
        for key in keys {
            if let Some(&i) = self.by_key.get(key) {
                let writes = self.entries[i].job.writes(site);
                listed |= writes.listed != self.entries[i].writes.listed;
                self.entries[i].writes = writes;
                self.stale.insert(i);
            }
        }
        listed
    }

    /// Declares again what the jobs rendered in place since the last call read (a pack's
    /// reads follow every article it holds: milliseconds that need not delay a reload),
    /// and makes the index of readers if there is none. Called after an edit's reload
    /// notice went out, and before anything reads the declarations, with the site as the
    /// edit left it.
    pub(super) fn catch_up(&mut self, site: &Site) {
        for i in std::mem::take(&mut self.stale) {
            let reads = self.entries[i].job.reads(site);
            if let Some(readers) = self.readers.get_mut() {
                readers.replace(i, &self.entries[i].reads, &reads);
            }
            self.entries[i].reads = reads;
        }
        self.readers.get_or_init(|| Readers::of(&self.entries));
    }

    /// The sitemap (the job `sitemap`'s file), of the entries the jobs declare: the same
    /// file as a build's, without asking every job again.
    pub(super) fn sitemap(&self, renderer: &Renderer, sitemap: Job) -> crate::render::Files {
        let listed = self.entries.iter().filter_map(|e| e.writes.listed.as_ref());
        let shared = &renderer.shared[sitemap.lang];
        crate::render::feeds::sitemap_of(listed, renderer.site, shared)
    }

    /// The keys of the jobs that show the sitemap entries of all jobs.
    pub(super) fn listing_readers(&self) -> impl Iterator<Item = String> + '_ {
        self.entries
            .iter()
            .filter(|e| e.reads.listings)
            .map(|e| e.writes.key().to_string())
    }
}

/// What changed in an edit: the pages whose content, card or sitemap entry changed (by
/// language and where they are in their edition after the edit), and the languages whose
/// values in every page or whose topic cards changed.
#[derive(Debug, Default)]
pub(super) struct Changed {
    pages: FxHashSet<(Lang, PageRef, View)>,
    pub(super) globals: FxHashSet<Lang>,
    pub(super) topic_cards: FxHashSet<Lang>,
}

impl Changed {
    pub(super) fn page(&mut self, lang: Lang, at: PageRef, view: View) {
        self.pages.insert((lang, at, view));
    }

    fn shown(&self, reads: &Reads) -> bool {
        (reads.globals && self.globals.contains(&reads.lang))
            || (reads.topic_cards && self.topic_cards.contains(&reads.lang))
            || reads
                .shows
                .iter()
                .any(|&(at, view)| self.pages.contains(&(reads.lang, at, view)))
    }
}

/// The keys of the jobs that show what changed, when no page moved: the same jobs
/// exist, each showing the same pages in the same order.
pub(super) fn in_place(table: &JobTable, changed: &Changed) -> BTreeSet<String> {
    let readers = table.readers.get_or_init(|| Readers::of(&table.entries));
    let by_lang = |map: &FxHashMap<Lang, Vec<usize>>, langs: &FxHashSet<Lang>| {
        langs
            .iter()
            .filter_map(|lang| map.get(lang))
            .flatten()
            .copied()
            .collect::<Vec<usize>>()
    };
    let shown = changed
        .pages
        .iter()
        .filter_map(|key| readers.shows.get(key))
        .flatten()
        .copied();
    by_lang(&readers.globals, &changed.globals)
        .into_iter()
        .chain(by_lang(&readers.topic_cards, &changed.topic_cards))
        .chain(shown)
        .map(|i| table.entries[i].writes.key().to_string())
        .collect()
}

/// The content paths of a site's pages by language and where they are, kept from before
/// an edit that moves pages, to compare what jobs showed with what they show now.
pub(super) struct Before {
    editions: Vec<EditionBefore>,
}

struct EditionBefore {
    home: Option<String>,
    articles: Vec<String>,
    topics: Vec<String>,
    pages: Vec<String>,
    profiles: Vec<String>,
}

/// Where each page of a site before an edit is after it (a page may change language).
pub(super) struct Moves {
    editions: Vec<EditionMoves>,
}

struct EditionMoves {
    home: Option<(Lang, PageRef)>,
    articles: Vec<Option<(Lang, PageRef)>>,
    topics: Vec<Option<(Lang, PageRef)>>,
    pages: Vec<Option<(Lang, PageRef)>>,
    profiles: Vec<Option<(Lang, PageRef)>>,
}

impl Moves {
    pub(super) fn new(before: &Before, site: &Site) -> Moves {
        let now: FxHashMap<&str, (Lang, PageRef)> = site
            .page_refs()
            .map(|(lang, at, p)| (p.rel.as_str(), (lang, at)))
            .collect();
        let find = |rels: &[String]| -> Vec<Option<(Lang, PageRef)>> {
            rels.iter().map(|r| now.get(r.as_str()).copied()).collect()
        };
        Moves {
            editions: before
                .editions
                .iter()
                .map(|e| EditionMoves {
                    home: e.home.as_deref().and_then(|r| now.get(r).copied()),
                    articles: find(&e.articles),
                    topics: find(&e.topics),
                    pages: find(&e.pages),
                    profiles: find(&e.profiles),
                })
                .collect(),
        }
    }

    /// Where the page at `at` in the edition of `lang` before is now.
    pub(super) fn now(&self, lang: Lang, at: PageRef) -> Option<(Lang, PageRef)> {
        let e = self.editions.get(lang)?;
        match at {
            PageRef::Home => e.home,
            PageRef::Article(i) => e.articles.get(i).copied().flatten(),
            PageRef::Topic(i) => e.topics.get(i).copied().flatten(),
            PageRef::Page(i) => e.pages.get(i).copied().flatten(),
            PageRef::Profile(i) => e.profiles.get(i).copied().flatten(),
        }
    }
}

impl Before {
    pub(super) fn of(site: &Site) -> Before {
        Before {
            editions: site
                .editions
                .iter()
                .map(|e| EditionBefore {
                    home: e.home.as_ref().map(|p| p.rel.clone()),
                    articles: e.articles.iter().map(|p| p.rel.clone()).collect(),
                    topics: e.topics.iter().map(|t| t.page.rel.clone()).collect(),
                    pages: e.pages.iter().map(|p| p.rel.clone()).collect(),
                    profiles: e.profiles.iter().map(|p| p.rel.clone()).collect(),
                })
                .collect(),
        }
    }

    /// The articles' content paths of the edition of `lang`, in order.
    pub(super) fn articles(&self, lang: Lang) -> &[String] {
        self.editions.get(lang).map_or(&[], |e| &e.articles)
    }
}

/// The keys of the jobs of `site` (declared in `new`) to render after an edit that moved
/// pages: new jobs, jobs that write or show something else than before (other pages, in
/// another order, other counts), and jobs that show what changed.
pub(super) fn compared(
    old: &JobTable,
    moves: &Moves,
    new: &JobTable,
    changed: &Changed,
) -> BTreeSet<String> {
    // Jobs came, went, moved in the order of the sitemap, or list other entries in it.
    let listings_changed = old.entries.len() != new.entries.len()
        || old
            .entries
            .iter()
            .zip(&new.entries)
            .any(|(o, e)| o.writes.key() != e.writes.key())
        || new.entries.par_iter().any(|e| {
            old.get(e.writes.key())
                .is_none_or(|o| o.writes.listed != e.writes.listed)
        });
    new.entries
        .par_iter()
        .filter(|e| {
            let Some(o) = old.get(e.writes.key()) else {
                return true;
            };
            (e.reads.listings && listings_changed)
                || e.writes != o.writes
                || e.reads.other != o.reads.other
                || e.reads.globals != o.reads.globals
                || e.reads.topic_cards != o.reads.topic_cards
                || e.reads.lang != o.reads.lang
                || e.reads.shows.len() != o.reads.shows.len()
                || changed.shown(&e.reads)
                || e.reads
                    .shows
                    .iter()
                    .zip(&o.reads.shows)
                    .any(|((a, v), (b, w))| {
                        v != w || moves.now(o.reads.lang, *b) != Some((e.reads.lang, *a))
                    })
        })
        .map(|e| e.writes.key().to_string())
        .collect()
}
