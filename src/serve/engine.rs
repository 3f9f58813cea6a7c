//! The incremental builder behind `serve`: the site stays in memory, and a change
//! re-reads, re-parses and re-renders only what it touches. The output is byte for byte
//! what a full [`crate::build::build`] of the same files with the same options gives, and
//! a rebuild fails exactly when such a build would.
//!
//! One rebuild, in order:
//!
//! 1. [`classify`](super::classify) each changed path: a content file, a template, a
//!    static file, or site.yaml (which builds everything from disk);
//! 2. read again what changed, through `load` ([`super::sources`]);
//! 3. parse the changed content and update the site ([`super::update`]);
//! 4. find the jobs that show what changed ([`super::affected`]);
//! 5. check what a build checks across files (a static file on a generated page's path),
//!    render the jobs, and put the files in place ([`super::output`]).
//!
//! A failed rebuild changes nothing that is served. What it could not do is owed to the
//! next one: the changed files stay pending, and the jobs it was to render are rendered
//! with the next change.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use bytes::Bytes;

use super::affected::{self, JobTable};
use super::classify::{self, Change, Known};
use super::model::Model;
use super::output::{Body, Delta, Gone, Served};
use super::search;
use super::trace;
use super::update::{self, Outcome};
use crate::build::{self, BuildOptions};
use crate::config::Config;
use crate::emit::Output;
use crate::error::{Diagnostic, Diagnostics, relative_to};
use crate::i18n::Lang;
use crate::load::SiteDirs;
use crate::parse::ParseOptions;
use crate::render::packs::{self, PackOf};
use crate::render::{self, Job, JobKind, Renderer, Scope};

/// What a rebuild did, for the terminal and the browser.
#[derive(Debug, Default, Clone)]
pub struct Report {
    /// The changed sources, as paths from the site root (`content/articles/x.md`).
    pub changed: Vec<String>,
    /// How many pages were rendered again.
    pub rendered: usize,
    /// The paths of those pages (`ur/articles/x/index.html`), sorted.
    pub pages: Vec<String>,
    /// True when the whole site was built again from disk.
    pub full: bool,
    pub delta: Delta,
    pub elapsed: Duration,
    /// Warnings: of the whole site after a full build, of the changed files otherwise.
    pub warnings: Diagnostics,
}

impl Report {
    /// One line for the terminal.
    pub fn line(&self) -> String {
        let what = match self.changed.len() {
            0 => "no source".to_string(),
            1..=3 => self.changed.join(", "),
            n => format!(
                "{}, {} and {} more",
                self.changed[0],
                self.changed[1],
                n - 2
            ),
        };
        let files = self.delta.upserts.len() + self.delta.removals.len();
        format!(
            "{what} changed: {} re-rendered, {} updated{} in {} ms",
            plural(self.rendered, "page"),
            plural(files, "file"),
            if self.full { " (full build)" } else { "" },
            self.elapsed.as_millis()
        )
    }
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// The work of one rebuild besides reading and parsing; what a failed one owes the next.
#[derive(Debug, Default, Clone)]
struct Work {
    /// Render every job.
    all: bool,
    /// Render the jobs with these keys.
    jobs: BTreeSet<String>,
    /// Jobs may have come or gone: compare every output path.
    structural: bool,
    /// Static files may have changed.
    statics: bool,
}

impl Work {
    fn everything() -> Work {
        Work {
            all: true,
            structural: true,
            statics: true,
            ..Work::default()
        }
    }

    fn and(mut self, other: Work) -> Work {
        self.all |= other.all;
        self.jobs.extend(other.jobs);
        self.structural |= other.structural;
        self.statics |= other.statics;
        self
    }
}

/// What a rebuild produced, before it is reported.
struct Done {
    delta: Delta,
    pages: Vec<String>,
    full: bool,
}

/// The incremental builder behind `serve`.
pub struct Engine {
    root: PathBuf,
    options: BuildOptions,
    model: Option<Model>,
    /// Content files changed since the site in `model` was made.
    pending: BTreeSet<String>,
    /// Work a failed rebuild left for the next.
    owed: Work,
    /// The output as served.
    served: Served,
    /// The last rebuild failed.
    failing: bool,
}

impl Engine {
    /// An engine for the site at `root`; nothing is built until [`Engine::build`].
    pub fn new(root: &Path, options: BuildOptions) -> Engine {
        let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        Engine {
            root,
            // One moment for the whole session, so that a page rendered again agrees with
            // the pages it was rendered with.
            options: options.at_a_moment(),
            model: None,
            pending: BTreeSet::new(),
            owed: Work::default(),
            served: Served::default(),
            failing: false,
        }
    }

    /// Forgets the site in memory: the next rebuild starts from disk.
    pub fn reset(&mut self) {
        self.model = None;
        self.pending.clear();
    }

    /// The site folder (canonical).
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The folders to watch: content, the theme in use, site templates and static files.
    /// The site root itself is watched too, for site.yaml and folders appearing.
    pub fn watched_dirs(&self) -> Vec<PathBuf> {
        let dirs = match &self.model {
            Some(m) => m.sources.dirs.clone(),
            None => match build::load_config(&self.root, &self.options) {
                Ok(config) => SiteDirs::new(&self.root, &config),
                Err(_) => SiteDirs::new(&self.root, &fallback_config()),
            },
        };
        dirs.watched().iter().map(|p| p.to_path_buf()).collect()
    }

    /// True while the last build failed (the output is the last good one, or none).
    pub fn is_failing(&self) -> bool {
        self.failing
    }

    /// The whole output, as [`crate::build::build`] would give it.
    pub fn output(&self) -> Output {
        self.served.output()
    }

    /// Every output file, shared (no copy), for the server.
    pub fn files(&self) -> impl Iterator<Item = (&String, &Body)> {
        self.served.files()
    }

    /// Does what the last rebuild left for later because only the next one needs it;
    /// `serve` calls this once the pages were told of the change.
    pub fn catch_up(&mut self) {
        if let Some(model) = &mut self.model {
            model.jobs.catch_up(&model.site);
        }
    }

    /// A full build from disk.
    pub fn build(&mut self) -> Result<Report, Diagnostics> {
        let start = Instant::now();
        let result = self.build_from_disk();
        self.finish(result, Vec::new(), start)
    }

    /// Rebuilds after the files at `paths` (absolute, as the watcher reports them) changed.
    pub fn rebuild(&mut self, paths: &[PathBuf]) -> Result<Report, Diagnostics> {
        let start = Instant::now();
        let known = self.model.as_ref().map(|m| &m.sources as &dyn Known);
        let classified: Vec<(&PathBuf, Change)> = paths
            .iter()
            .filter_map(|p| classify::classify(p, &self.root, known).map(|c| (p, c)))
            .collect();
        if classified.is_empty() {
            return Ok(Report {
                elapsed: start.elapsed(),
                ..Report::default()
            });
        }
        let changed: Vec<String> = classified
            .iter()
            .map(|(p, _)| relative_to(p, &self.root).display().to_string())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let changes: BTreeSet<Change> = classified.into_iter().map(|(_, c)| c).collect();
        let result = if self.model.is_none() || changes.contains(&Change::Everything) {
            self.build_from_disk()
        } else {
            self.incremental(&changes)
        };
        self.finish(result, changed, start)
    }

    fn finish(
        &mut self,
        result: Result<Done, Diagnostics>,
        changed: Vec<String>,
        start: Instant,
    ) -> Result<Report, Diagnostics> {
        self.failing = result.is_err();
        let done = result?;
        let warnings = self
            .model
            .as_mut()
            .map(|m| std::mem::take(&mut m.warnings))
            .unwrap_or_default();
        Ok(Report {
            changed,
            rendered: done.pages.len(),
            pages: done.pages,
            full: done.full,
            delta: done.delta,
            elapsed: start.elapsed(),
            warnings: Diagnostics(warnings).sorted(),
        })
    }

    /// How changed files are parsed: as the first build parsed them (see `Model::load`).
    fn parse_options(&self, config: &Config) -> ParseOptions {
        self.options.parse_options(config.packs.enabled)
    }

    /// Builds everything from disk, keeping what an incremental rebuild needs.
    fn build_from_disk(&mut self) -> Result<Done, Diagnostics> {
        self.model = None;
        self.pending.clear();
        self.owed = Work::default();
        let mut model = Model::load(&self.root, &self.options)?;
        let result = self.render_and_apply(&mut model, Work::everything());
        self.model = Some(model);
        result.map(|(delta, pages)| Done {
            delta,
            pages,
            full: true,
        })
    }

    fn incremental(&mut self, changes: &BTreeSet<Change>) -> Result<Done, Diagnostics> {
        let Some(mut model) = self.model.take() else {
            return self.build_from_disk();
        };
        trace::start();
        // What the last edit left to do, if it was not done after its notice.
        model.jobs.catch_up(&model.site);
        // 1. Read what changed.
        let read = model.sources.read(changes);
        self.pending.extend(read.content);
        trace::mark("read");
        // 2. Problems that stop the build before parsing.
        if let Some(problems) = model.sources.problems() {
            self.model = Some(model);
            self.owed.statics |= read.statics;
            self.owed.all |= read.templates;
            return Err(problems);
        }
        // 3. Parse the changed content and update the site.
        let mut work = Work {
            all: read.templates,
            statics: read.statics,
            ..Work::default()
        };
        if !self.pending.is_empty() {
            let options = self.parse_options(&model.site.config);
            match update::update(&mut model, &self.pending, options) {
                Ok(outcome) => {
                    trace::mark("put in place");
                    work = work.and(self.affected(&mut model, outcome));
                }
                Err(failed) => {
                    if failed.model_kept {
                        self.model = Some(model);
                        self.owed = std::mem::take(&mut self.owed).and(work);
                    }
                    return Err(failed.problems);
                }
            }
            self.pending.clear();
        }
        trace::mark("update site");
        // 4. Render and put in place.
        let result = self.render_and_apply(&mut model, work);
        self.model = Some(model);
        trace::finish();
        result.map(|(delta, pages)| Done {
            delta,
            pages,
            full: false,
        })
    }

    /// The jobs an update touches.
    fn affected(&self, model: &mut Model, outcome: Outcome) -> Work {
        match outcome {
            Outcome::InPlace(changed) => {
                let mut jobs = affected::in_place(&model.jobs, &changed);
                if model.jobs.refresh(&model.site, &jobs) {
                    jobs.extend(model.jobs.listing_readers());
                }
                // Values in every page of a language changed: the pages of that language
                // show them (found above); their jobs may also have come or gone.
                Work {
                    all: false,
                    structural: !changed.globals.is_empty(),
                    jobs,
                    statics: false,
                }
            }
            Outcome::Reindexed {
                changed,
                moves,
                jobs,
            } => {
                let old = std::mem::replace(&mut model.jobs, *jobs);
                let jobs = affected::compared(&old, &moves, &model.jobs, &changed);
                free_later(old);
                trace::mark("compared");
                Work {
                    all: false,
                    jobs,
                    structural: true,
                    statics: false,
                }
            }
        }
    }

    /// Checks, renders and serves what `work` (and any work owed) calls for. On failure
    /// nothing served changes, and the work is owed to the next rebuild.
    fn render_and_apply(
        &mut self,
        model: &mut Model,
        work: Work,
    ) -> Result<(Delta, Vec<String>), Diagnostics> {
        let work = std::mem::take(&mut self.owed).and(work);
        match self.try_render_and_apply(model, &work) {
            Ok(done) => Ok(done),
            Err(e) => {
                self.owed = work;
                Err(e)
            }
        }
    }

    fn try_render_and_apply(
        &mut self,
        model: &mut Model,
        work: &Work,
    ) -> Result<(Delta, Vec<String>), Diagnostics> {
        // A static file may not take a generated page's path, as in a build.
        let taken = |path: &str| {
            if work.structural {
                model.jobs.writes(path)
            } else {
                self.served.is_generated(path)
            }
        };
        let collisions: Vec<Diagnostic> = model
            .sources
            .statics
            .iter()
            .filter(|(rel, _)| taken(rel))
            .map(|(rel, s)| render::static_collision(rel, &s.display))
            .collect();
        if !collisions.is_empty() {
            return Err(Diagnostics(collisions).sorted());
        }
        let jobs: Vec<Job> = if work.all {
            model.jobs.entries().iter().map(|e| e.job).collect()
        } else {
            work.jobs
                .iter()
                .filter_map(|key| model.jobs.get(key).map(|e| e.job))
                .collect()
        };
        trace::mark("check");
        let renderer = Renderer {
            site: &model.site,
            shared: &model.shared,
            templates: &model.sources.templates,
        };
        let (mut rendered, gone) = render_jobs(&renderer, &mut model.search, &model.jobs, &jobs)?;
        let packs: Vec<(Lang, PackOf)> = jobs
            .iter()
            .filter_map(|job| match job.kind {
                JobKind::Pack(of) => Some((job.lang, of)),
                _ => None,
            })
            .collect();
        let pdfs = pack_pdfs(model, &packs)?;
        rendered.extend(pdfs.iter().cloned());
        trace::mark("render");
        if std::env::var_os("ATTACHE_SERVE_TRACE").is_some() {
            let mut kinds: std::collections::BTreeMap<String, usize> = Default::default();
            for j in &jobs {
                let k = format!("{j:?}");
                let k = k.split('(').next().unwrap_or("").to_string();
                *kinds.entry(k).or_default() += 1;
            }
            eprintln!("[serve trace jobs] {kinds:?}");
        }
        let mut pages: Vec<String> = rendered
            .iter()
            .filter(|(p, _)| p.ends_with(".html"))
            .map(|(p, _)| p.clone())
            .collect();
        pages.sort();
        let statics = work.statics.then_some(&model.sources.statics);
        // The PDF beside a pack page is the build's, not the job's (see `pack_pdfs`).
        let page_of_pdf = |path: &str| {
            path.strip_suffix("pack.pdf")
                .map(|dir| format!("{dir}index.html"))
        };
        let written = |path: &str| match page_of_pdf(path) {
            Some(page) if model.site.config.packs.pdf => model.jobs.writes(&page),
            _ => model.jobs.writes(path),
        };
        // A pack page rendered again without its PDF (the pack grew past the limit) has
        // none any more.
        let stale: BTreeSet<String> = packs
            .iter()
            .map(|&(lang, of)| {
                packs::pdf_path(&packs::target(&Scope::of(&model.site, lang), of).path)
            })
            .filter(|pdf| model.site.config.packs.pdf && !pdfs.iter().any(|(p, _)| p == pdf))
            .collect();
        let kept = |path: &str| !stale.contains(path) && (!work.structural || written(path));
        let expected: Option<&dyn Fn(&str) -> bool> =
            (work.structural || !stale.is_empty()).then_some(&kept);
        let delta = self.served.apply(rendered, expected, &gone, statics);
        trace::mark("compare");
        Ok((delta, pages))
    }
}

/// The PDFs beside the pack pages `packs` when the site makes them (`packs.pdf: true`),
/// as a build typesets them ([`crate::build`]): a pack's PDF changes with its page, so it is
/// typeset again whenever its page is rendered again.
fn pack_pdfs(model: &Model, packs: &[(Lang, PackOf)]) -> Result<Vec<(String, Body)>, Diagnostics> {
    if packs.is_empty() || !model.site.config.packs.pdf {
        return Ok(Vec::new());
    }
    let statics = model
        .sources
        .statics
        .iter()
        .map(|(rel, s)| (rel.as_str(), &s.bytes[..]));
    let fonts = packs::fonts(&model.sources.dirs, statics)?;
    let files = packs::pdfs_of(&model.site, &fonts, packs.iter().copied())?;
    Ok(files
        .into_iter()
        .map(|(path, bytes)| (path, Body::Whole(Bytes::from(bytes))))
        .collect())
}

/// Renders `jobs`; each language's search index comes from the one kept for it in `kept`
/// (by language), which also says which of its files are gone; the sitemap lists the
/// entries `table` declares.
fn render_jobs(
    renderer: &Renderer,
    kept: &mut [search::Kept],
    table: &JobTable,
    jobs: &[Job],
) -> Result<(Vec<(String, Body)>, Gone), Diagnostics> {
    let (index, mut pages): (Vec<Job>, Vec<Job>) =
        jobs.iter().partition(|j| j.kind == JobKind::SearchIndex);
    let sitemap = pages.iter().position(|j| j.kind == JobKind::Sitemap);
    let sitemap = sitemap.map(|i| pages.swap_remove(i));
    // The feeds take far longer than a page: started first, they do not end last.
    pages.sort_by_key(|j| !j.runs_long());
    // The search index is mostly one thread's work (its shards are encoded in order):
    // it runs beside the pages, which share the other threads.
    let (output, written) = rayon::join(
        || {
            let (output, sitemap) = rayon::join(
                || render::render_jobs(renderer, &pages),
                || sitemap.map(|job| table.sitemap(renderer, job)),
            );
            output.map(|mut output| {
                output.files.extend(sitemap.into_iter().flatten());
                output
            })
        },
        || {
            index
                .iter()
                .map(|job| {
                    let scope = Scope::of(renderer.site, job.lang);
                    kept[job.lang].files(&scope, &renderer.shared[job.lang])
                })
                .collect::<Vec<_>>()
        },
    );
    let output = match output {
        Ok(output) => output,
        Err(e) => {
            // The index moved on, but the files it gave are not served: the next rebuild
            // makes it afresh, so that what is served stays a build's.
            for job in &index {
                kept[job.lang] = search::Kept::default();
            }
            return Err(e);
        }
    };
    trace::mark("render pages and search index");
    let mut files: Vec<(String, Body)> = output
        .files
        .into_iter()
        .map(|(path, bytes)| (path, Body::Whole(Bytes::from(bytes))))
        .collect();
    let mut gone = Gone::default();
    for written in written {
        files.extend(written.files);
        gone = gone.and(written.gone);
    }
    Ok((files, gone))
}

/// Frees `value` on a thread of its own: the jobs of a 10,000-article site take
/// milliseconds to free, which the pages waiting for the edit need not wait for. (When no
/// thread can be made, it is freed here.)
pub(super) fn free_later<T: Send + 'static>(value: T) {
    let _ = std::thread::Builder::new()
        .name("attache-free".into())
        .spawn(move || drop(value));
}

fn fallback_config() -> Config {
    Config::parse("title: site\nbase_url: http://127.0.0.1/\n").expect("a valid configuration")
}
