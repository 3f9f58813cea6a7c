//! Render jobs: the one place that knows what each output file is made from.
//!
//! A [`Job`] is one page, or one group of files written together (the feeds). Next to
//! the code that renders it, each job declares as data what it writes ([`Writes`]: its
//! output paths, and its entry in the sitemap) and what it shows ([`Reads`]: which pages
//! in full, which articles as cards, which lists). Everything else asks the jobs:
//!
//! - a build renders [`all_jobs`];
//! - the sitemap lists the entries the jobs declare;
//! - `serve` compares a job's [`Reads`] in two versions of the site to know whether it
//!   must render the job again, and its [`Writes`] to know which files went away.
//!
//! A new page type is a variant here, in [`all_jobs`] and in the three functions of its
//! module (`writes`, `reads`, render); build, the sitemap, check and serve need nothing.
//! The jobs of a site are data (`Job` values, each with its key, the first output path),
//! so a dimension such as a language (every job once per language) or a paginated list
//! (one job per page of a list) is a field of `Job` and more entries in [`all_jobs`].

use std::hash::{Hash, Hasher};

use rustc_hash::FxHasher;

use super::packs::{self, PackOf};
use super::{Files, Renderer, feeds, pages, redirects, search};
use crate::error::Diagnostic;
use crate::index::{EntityKind, PageRef, Site};
use crate::parse::front_matter::PageDate;

/// One unit of rendering work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Job {
    Home,
    Topics,
    Timeline,
    Article(usize),
    Topic(usize),
    Page(usize),
    Entities(EntityKind),
    Entity(EntityKind, usize),
    Search,
    NotFound,
    Feeds,
    Sitemap,
    Robots,
    SearchIndex,
    /// Redirect pages at every alias.
    Redirects,
    /// A briefing pack's page (`/pack/`, `/topics/<id>/pack/`).
    Pack(PackOf),
}

/// What a job writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Writes {
    /// Output paths. The first is the job's key: it names the job across edits of the
    /// site, while indices into the site move.
    pub outputs: Vec<String>,
    /// The page's entry in the sitemap, if it has one.
    pub listed: Option<Listed>,
}

impl Writes {
    /// A page at the URL path `path` (`""`, `articles/x/`), written as `path/index.html`
    /// and listed in the sitemap.
    pub(super) fn page(path: &str, lastmod: Option<PageDate>) -> Writes {
        Writes {
            outputs: vec![index_html(path)],
            listed: Some(Listed {
                path: path.to_string(),
                lastmod,
            }),
        }
    }

    /// Files that are not listed in the sitemap.
    pub(super) fn files(outputs: Vec<String>) -> Writes {
        Writes {
            outputs,
            listed: None,
        }
    }

    pub fn key(&self) -> &str {
        &self.outputs[0]
    }
}

/// The output path of the page at the URL path `path`.
pub(super) fn index_html(path: &str) -> String {
    format!("{path}index.html")
}

/// A page's entry in the sitemap.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Listed {
    /// URL path below the site root.
    pub path: String,
    /// When the page last changed (written as a date).
    pub lastmod: Option<PageDate>,
}

/// How much of a content page a job shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum View {
    /// All of it: its text and front matter.
    Full,
    /// Its card (title, URL, date, summary, location, reading time, topics).
    Card,
    /// A link to it: its title and URL.
    Ref,
}

/// What a job shows, as data. Two versions of a job whose reads are equal, and none of
/// whose shown pages changed in the way they are shown, render to the same bytes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reads {
    /// The values in every themed page: the site settings and the menus.
    pub globals: bool,
    /// The topic cards (with their counts and latest articles).
    pub topic_cards: bool,
    /// The sitemap entries every job declares in its [`Writes`].
    pub listings: bool,
    /// The content pages it shows, in the order shown, and how much of each.
    pub shows: Vec<(PageRef, View)>,
    /// A fingerprint of everything else it shows that comes from the site: counts, names,
    /// how its lists are cut. Settings are left out: they change only with site.yaml,
    /// which builds everything again.
    pub other: u64,
}

impl Reads {
    /// What a themed page reads: the values every page shows.
    pub(super) fn themed() -> Reads {
        Reads {
            globals: true,
            ..Reads::default()
        }
    }

    pub(super) fn full(mut self, page: PageRef) -> Reads {
        self.shows.push((page, View::Full));
        self
    }

    /// The cards of `articles`, in order.
    pub(super) fn cards(mut self, articles: impl IntoIterator<Item = usize>) -> Reads {
        self.shows.extend(
            articles
                .into_iter()
                .map(|i| (PageRef::Article(i), View::Card)),
        );
        self
    }

    /// `articles` in full, in order (the feeds).
    pub(super) fn articles_in_full(mut self, articles: impl IntoIterator<Item = usize>) -> Reads {
        self.shows.extend(
            articles
                .into_iter()
                .map(|i| (PageRef::Article(i), View::Full)),
        );
        self
    }

    /// A link to `page` (its title and URL).
    pub(super) fn link(mut self, page: PageRef) -> Reads {
        self.shows.push((page, View::Ref));
        self
    }

    pub(super) fn topic_cards(mut self) -> Reads {
        self.topic_cards = true;
        self
    }

    /// Adds `value` to the fingerprint of the rest.
    pub(super) fn other(mut self, value: impl Hash) -> Reads {
        let mut h = FxHasher::default();
        self.other.hash(&mut h);
        value.hash(&mut h);
        self.other = h.finish();
        self
    }
}

/// Every job a full build runs, in the order of the sitemap.
pub fn all_jobs(site: &Site) -> Vec<Job> {
    let mut jobs = vec![Job::Home, Job::Topics, Job::Timeline];
    jobs.extend((0..site.articles.len()).map(Job::Article));
    jobs.extend((0..site.topics.len()).map(Job::Topic));
    jobs.extend((0..site.pages.len()).map(Job::Page));
    jobs.extend(packs::jobs(site).map(Job::Pack));
    for kind in EntityKind::ALL {
        if kind.enabled(&site.config) {
            jobs.push(Job::Entities(kind));
            jobs.extend((0..site.entities[&kind].len()).map(|i| Job::Entity(kind, i)));
        }
    }
    if site.config.search.enabled {
        jobs.push(Job::Search);
    }
    jobs.push(Job::NotFound);
    if site.config.feeds.enabled {
        jobs.push(Job::Feeds);
    }
    jobs.push(Job::Sitemap);
    jobs.push(Job::Robots);
    if site.config.search.enabled {
        jobs.push(Job::SearchIndex);
    }
    if redirects::any(site) {
        jobs.push(Job::Redirects);
    }
    jobs
}

impl Job {
    /// What the job writes.
    pub fn writes(self, site: &Site) -> Writes {
        match self {
            Job::Home => pages::home_writes(),
            Job::Topics => pages::topics_writes(),
            Job::Timeline => pages::timeline_writes(),
            Job::Article(i) => pages::article_writes(site, i),
            Job::Topic(t) => pages::topic_writes(site, t),
            Job::Page(i) => pages::page_writes(site, i),
            Job::Entities(kind) => pages::entities_writes(kind),
            Job::Entity(kind, i) => pages::entity_writes(site, kind, i),
            Job::Search => pages::search_writes(),
            Job::NotFound => pages::not_found_writes(),
            Job::Feeds => feeds::feeds_writes(site),
            Job::Sitemap => feeds::sitemap_writes(),
            Job::Robots => feeds::robots_writes(),
            Job::SearchIndex => search::index_writes(),
            Job::Redirects => redirects::writes(site),
            Job::Pack(of) => packs::writes(site, of),
        }
    }

    /// What the job shows.
    pub fn reads(self, site: &Site) -> Reads {
        match self {
            Job::Home => pages::home_reads(site),
            Job::Topics => pages::topics_reads(),
            Job::Timeline => pages::timeline_reads(site),
            Job::Article(i) => pages::article_reads(site, i),
            Job::Topic(t) => pages::topic_reads(site, t),
            Job::Page(i) => pages::page_reads(i),
            Job::Entities(kind) => pages::entities_reads(site, kind),
            Job::Entity(kind, i) => pages::entity_reads(site, kind, i),
            Job::Search => pages::search_reads(),
            Job::NotFound => pages::not_found_reads(),
            Job::Feeds => feeds::feeds_reads(site),
            Job::Sitemap => feeds::sitemap_reads(),
            Job::Robots => feeds::robots_reads(),
            Job::SearchIndex => search::index_reads(site),
            Job::Redirects => redirects::reads(site),
            Job::Pack(of) => packs::reads(site, of),
        }
    }

    /// Renders the job's files.
    pub(super) fn render(self, r: &Renderer) -> Result<Files, Diagnostic> {
        match self {
            Job::Home => pages::home(r),
            Job::Topics => pages::topics(r),
            Job::Timeline => pages::timeline(r),
            Job::Article(i) => pages::article(r, i),
            Job::Topic(t) => pages::topic(r, t),
            Job::Page(i) => pages::page(r, i),
            Job::Entities(kind) => pages::entities(r, kind),
            Job::Entity(kind, i) => pages::entity(r, kind, i),
            Job::Search => pages::search(r),
            Job::NotFound => pages::not_found(r),
            Job::Feeds => Ok(feeds::atom_feeds(r.site, r.shared)),
            Job::Sitemap => Ok(feeds::sitemap(r.site, r.shared)),
            Job::Robots => Ok(feeds::robots(r.shared)),
            Job::SearchIndex => Ok(search::index(r.site, r.shared)),
            Job::Redirects => Ok(redirects::redirects(r.site, r.shared)),
            Job::Pack(of) => packs::render(r, of),
        }
    }
}
