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
use super::{Files, Renderer, entities, feeds, pages, redirects, search, service_pages, timeline};
use crate::error::Diagnostic;
use crate::i18n::Lang;
use crate::index::{Edition, EntityKind, PageRef, Site};
use crate::parse::front_matter::PageDate;

/// One unit of rendering work: a page, or a group of files, of one language's edition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Job {
    /// The language whose edition the job belongs to; the files of the whole site (the
    /// sitemap, robots.txt) are the default language's.
    pub lang: Lang,
    pub kind: JobKind,
}

/// What a job renders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum JobKind {
    /// A page of the home page's list (0 the first: see [`super::paging`]).
    Home(usize),
    Topics,
    /// The timeline's index of years.
    Timeline,
    /// A page of a year of the timeline.
    TimelineYear(i16, usize),
    Article(usize),
    /// A page of a topic's list.
    Topic(usize, usize),
    Page(usize),
    Entities(EntityKind),
    /// A page of a person's, organization's or tag's list.
    Entity(EntityKind, usize, usize),
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

impl Job {
    pub fn new(lang: Lang, kind: JobKind) -> Job {
        Job { lang, kind }
    }

    /// Whether the job takes far longer than a page's: an edition's search index, and its
    /// feeds (the site's, each topic's and each entity's).
    pub fn runs_long(&self) -> bool {
        matches!(self.kind, JobKind::SearchIndex | JobKind::Feeds)
    }
}

/// What a job writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Writes {
    /// Output paths. The first is the job's key: it names the job across edits of the
    /// site, while indices into the site move.
    pub outputs: Vec<String>,
    /// The page's entry in the sitemap, if it has one.
    pub listed: Option<Listed>,
    /// Folders (`search/s/`) whose every file the job writes, when which files those are
    /// depends on the whole site (the shards of the search index): a path in one is
    /// the job's, and a file there that a new rendering of the job leaves out is gone.
    pub folders: Vec<String>,
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
                alternates: Vec::new(),
            }),
            folders: Vec::new(),
        }
    }

    /// Files that are not listed in the sitemap.
    pub(super) fn files(outputs: Vec<String>) -> Writes {
        Writes {
            outputs,
            listed: None,
            folders: Vec::new(),
        }
    }

    /// And every file in `folders`.
    pub(super) fn and_folders(mut self, folders: Vec<String>) -> Writes {
        self.folders = folders;
        self
    }

    pub fn key(&self) -> &str {
        &self.outputs[0]
    }

    /// Whether the job writes `path`.
    pub fn writes(&self, path: &str) -> bool {
        self.outputs.iter().any(|o| o == path) || self.in_folders(path)
    }

    /// Whether `path` is in one of the job's folders.
    pub fn in_folders(&self, path: &str) -> bool {
        self.folders.iter().any(|f| path.starts_with(f.as_str()))
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
    /// The same page in every language it exists in, itself included, by language and
    /// URL path; empty when it exists in one.
    pub alternates: Vec<(Lang, String)>,
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
    /// The edition the pages in `shows` are in: the job's own.
    pub lang: Lang,
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

/// Every job a full build runs, in the order of the sitemap: each language's edition in
/// turn, then the files of the whole site.
pub fn all_jobs(site: &Site) -> Vec<Job> {
    let mut jobs = Vec::new();
    for (lang, edition) in site.editions.iter().enumerate() {
        let job = |kind| Job::new(lang, kind);
        let scope = Scope::of(site, lang);
        let r = &scope;
        jobs.extend((0..pages::home_pages(r)).map(|p| job(JobKind::Home(p))));
        jobs.extend([JobKind::Topics, JobKind::Timeline].map(job));
        for (year, articles) in timeline::years(r) {
            let pages = timeline::year_pages(r, articles.len());
            jobs.extend((0..pages).map(|p| job(JobKind::TimelineYear(*year, p))));
        }
        jobs.extend((0..edition.articles.len()).map(|i| job(JobKind::Article(i))));
        for t in 0..edition.topics.len() {
            jobs.extend((0..pages::topic_pages(r, t)).map(|p| job(JobKind::Topic(t, p))));
        }
        jobs.extend((0..edition.pages.len()).map(|i| job(JobKind::Page(i))));
        jobs.extend(packs::jobs(site, edition).map(|of| job(JobKind::Pack(of))));
        for kind in EntityKind::ALL {
            if kind.enabled(&site.config) {
                jobs.push(job(JobKind::Entities(kind)));
                for i in 0..edition.entities[&kind].len() {
                    let pages = entities::entity_pages(r, kind, i);
                    jobs.extend((0..pages).map(|p| job(JobKind::Entity(kind, i, p))));
                }
            }
        }
        if site.config.search.enabled {
            jobs.push(job(JobKind::Search));
        }
        jobs.push(job(JobKind::NotFound));
        if site.config.feeds.enabled {
            jobs.push(job(JobKind::Feeds));
        }
        if site.config.search.enabled {
            jobs.push(job(JobKind::SearchIndex));
        }
        if redirects::any(edition) {
            jobs.push(job(JobKind::Redirects));
        }
    }
    jobs.push(Job::new(0, JobKind::Sitemap));
    jobs.push(Job::new(0, JobKind::Robots));
    jobs
}

impl Job {
    /// What the job writes.
    pub fn writes(self, site: &Site) -> Writes {
        let r = Scope::of(site, self.lang);
        let mut writes = match self.kind {
            JobKind::Home(p) => pages::home_writes(&r, p),
            JobKind::Topics => pages::topics_writes(&r),
            JobKind::Timeline => timeline::index_writes(&r),
            JobKind::TimelineYear(year, p) => timeline::year_writes(&r, year, p),
            JobKind::Article(i) => pages::article_writes(&r, i),
            JobKind::Topic(t, p) => pages::topic_writes(&r, t, p),
            JobKind::Page(i) => pages::page_writes(&r, i),
            JobKind::Entities(kind) => entities::entities_writes(&r, kind),
            JobKind::Entity(kind, i, p) => entities::entity_writes(&r, kind, i, p),
            JobKind::Search => service_pages::search_writes(&r),
            JobKind::NotFound => service_pages::not_found_writes(&r),
            JobKind::Feeds => feeds::feeds_writes(&r),
            JobKind::Sitemap => feeds::sitemap_writes(),
            JobKind::Robots => feeds::robots_writes(),
            JobKind::SearchIndex => search::index_writes(&r),
            JobKind::Redirects => redirects::writes(&r),
            JobKind::Pack(of) => packs::writes(&r, of),
        };
        if let Some(listed) = &mut writes.listed {
            listed.alternates = self.versions(site);
        }
        writes
    }

    /// What the job shows.
    pub fn reads(self, site: &Site) -> Reads {
        let r = Scope::of(site, self.lang);
        let reads = match self.kind {
            JobKind::Home(p) => pages::home_reads(&r, p),
            JobKind::Topics => pages::topics_reads(),
            JobKind::Timeline => timeline::index_reads(&r),
            JobKind::TimelineYear(year, p) => timeline::year_reads(&r, year, p),
            JobKind::Article(i) => pages::article_reads(&r, i),
            JobKind::Topic(t, p) => pages::topic_reads(&r, t, p),
            JobKind::Page(i) => pages::page_reads(i),
            JobKind::Entities(kind) => entities::entities_reads(&r, kind),
            JobKind::Entity(kind, i, p) => entities::entity_reads(&r, kind, i, p),
            JobKind::Search => service_pages::search_reads(),
            JobKind::NotFound => service_pages::not_found_reads(),
            JobKind::Feeds => feeds::feeds_reads(&r),
            JobKind::Sitemap => feeds::sitemap_reads(),
            JobKind::Robots => feeds::robots_reads(),
            JobKind::SearchIndex => search::index_reads(&r),
            JobKind::Redirects => redirects::reads(&r),
            JobKind::Pack(of) => packs::reads(&r, of),
        };
        // A page links to its versions in the other languages.
        let reads = match self.kind {
            JobKind::Sitemap | JobKind::Robots => reads,
            _ if site.editions.len() > 1 => reads.other(self.versions(site)),
            _ => reads,
        };
        Reads {
            lang: self.lang,
            ..reads
        }
    }

    /// Renders the job's files.
    pub(super) fn render(self, r: &Renderer) -> Result<Files, Diagnostic> {
        let r = &r.edition(self);
        match self.kind {
            JobKind::Home(p) => pages::home(r, p),
            JobKind::Topics => pages::topics(r),
            JobKind::Timeline => timeline::index(r),
            JobKind::TimelineYear(year, p) => timeline::year(r, year, p),
            JobKind::Article(i) => pages::article(r, i),
            JobKind::Topic(t, p) => pages::topic(r, t, p),
            JobKind::Page(i) => pages::page(r, i),
            JobKind::Entities(kind) => entities::entities(r, kind),
            JobKind::Entity(kind, i, p) => entities::entity(r, kind, i, p),
            JobKind::Search => service_pages::search(r),
            JobKind::NotFound => service_pages::not_found(r),
            JobKind::Feeds => Ok(feeds::site_feeds(r, r.shared)),
            JobKind::Sitemap => Ok(feeds::sitemap(r.site, r.shared)),
            JobKind::Robots => Ok(feeds::robots(r.shared)),
            JobKind::SearchIndex => Ok(search::index(r, r.shared)),
            JobKind::Redirects => Ok(redirects::redirects(r, r.shared)),
            JobKind::Pack(of) => packs::render(r, of),
        }
    }

    /// The same page in every language it exists in, itself included, by language and
    /// URL path: the translations of a content page; attache's own pages, which every
    /// edition has; an entity's page in the editions that name it. Empty for a page in one
    /// language, and for files that are not pages.
    pub fn versions(self, site: &Site) -> Vec<(Lang, String)> {
        if site.editions.len() < 2 {
            return Vec::new();
        }
        let prefix = |lang| crate::i18n::prefix(&site.config.languages, lang);
        let everywhere = |path: &str| {
            (0..site.editions.len())
                .map(|lang| (lang, format!("{}{path}", prefix(lang))))
                .collect()
        };
        let edition = &site.editions[self.lang];
        let content = |at: PageRef| {
            let Some(page) = edition.page(at) else {
                return Vec::new();
            };
            site.versions(page)
                .iter()
                .filter_map(|&(lang, at)| Some((lang, site.page(lang, at)?.path.clone())))
                .collect()
        };
        match self.kind {
            // The later pages of a list differ from edition to edition: only the first
            // page of each list has versions.
            JobKind::Home(0) => everywhere(""),
            JobKind::Topics => everywhere("topics/"),
            JobKind::Timeline => everywhere("timeline/"),
            JobKind::Search => everywhere("search/"),
            JobKind::NotFound => everywhere("404.html"),
            JobKind::Entities(kind) => everywhere(&format!("{}/", kind.key())),
            JobKind::Article(i) => content(PageRef::Article(i)),
            JobKind::Topic(t, 0) => content(PageRef::Topic(t)),
            JobKind::Page(i) => content(PageRef::Page(i)),
            JobKind::Entity(kind, i, 0) => {
                let slug = &edition.entities[&kind][i].slug;
                let found: Vec<(Lang, String)> = site
                    .editions
                    .iter()
                    .enumerate()
                    .filter(|(_, e)| e.entities[&kind].iter().any(|x| &x.slug == slug))
                    .map(|(lang, _)| (lang, format!("{}{}/{slug}/", prefix(lang), kind.key())))
                    .collect();
                if found.len() > 1 { found } else { Vec::new() }
            }
            JobKind::Home(_)
            | JobKind::Topic(..)
            | JobKind::Entity(..)
            | JobKind::TimelineYear(..)
            | JobKind::Feeds
            | JobKind::Sitemap
            | JobKind::Robots
            | JobKind::SearchIndex
            | JobKind::Redirects
            | JobKind::Pack(_) => Vec::new(),
        }
    }
}

/// One language's edition, as the jobs of that language see it: the pages and lists of
/// the language, and where its pages are (`ur/`).
pub struct Scope<'a> {
    pub site: &'a Site,
    pub lang: Lang,
    pub ed: &'a Edition,
    /// The start of its URL paths: nothing for the default language, `ur/` for Urdu.
    pub prefix: String,
}

impl<'a> Scope<'a> {
    pub fn of(site: &'a Site, lang: Lang) -> Scope<'a> {
        Scope {
            site,
            lang,
            ed: &site.editions[lang],
            prefix: crate::i18n::prefix(&site.config.languages, lang),
        }
    }

    /// The URL path of attache's own page at `path` in this edition (`ur/topics/`).
    pub fn local(&self, path: &str) -> String {
        format!("{}{path}", self.prefix)
    }
}
