//! Incremental rebuilds: the site stays in memory, and a change re-reads, re-parses and
//! re-renders only what it touches. The output is byte for byte what a full
//! [`crate::build::build`] of the same files with the same options gives.
//!
//! How a change travels:
//!
//! - **content file**: re-read and re-parsed alone. If its URL and the set of topics stay
//!   the same, only its own page is parsed; otherwise every body is rendered again from
//!   the texts kept in memory (links may now resolve differently), still without reading
//!   the other files again. If the article keeps its place (date, title, topics, names),
//!   it replaces its old version in the [`Site`] without indexing again; otherwise the
//!   site is re-indexed from the pages in memory.
//! - **which pages to render**: a job is rendered again when its own page changed, when a
//!   card it shows changed (prev/next, related, topic, entity, home, timeline), or when
//!   the articles it lists changed (compared through a signature of their content paths).
//!   Values in every page (site settings, the topic and page menus) changing re-renders
//!   everything, as does a template change.
//! - **static file**: that one file is read again; nothing is rendered.
//! - **site.yaml** (or anything the watcher could not follow): a full build from disk.
//!
//! A failed rebuild changes nothing that is served: the changed files stay pending and
//! are tried again with the next change.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use rayon::prelude::*;
use tera::Value;

use crate::build::{self, BuildOptions};
use crate::config::{CONFIG_FILE, Config};
use crate::emit::Output;
use crate::error::{Diagnostic, Diagnostics, relative_to};
use crate::index::{self, EntityKind, Site};
use crate::load::{self, ContentFile, SiteDirs, StaticFile};
use crate::parse::{self, Kind, Meta, Page, ParseOptions};
use crate::render::values::{self, Shared};
use crate::render::{self, Job, Templates, search};

use super::dependents::{card_jobs, job_outputs, page_jobs, signatures};

/// The contents of one output file: whole, or (the search index, which is large and
/// changes an entry at a time) as parts to send one after the other, so an edit does not
/// copy the whole file.
#[derive(Debug, Clone)]
pub enum Body {
    Whole(Bytes),
    Parts(Arc<[Bytes]>),
}

impl Body {
    pub fn len(&self) -> usize {
        match self {
            Body::Whole(b) => b.len(),
            Body::Parts(parts) => parts.iter().map(Bytes::len).sum(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn to_vec(&self) -> Vec<u8> {
        match self {
            Body::Whole(b) => b.to_vec(),
            Body::Parts(parts) => {
                let mut out = Vec::with_capacity(self.len());
                for p in parts.iter() {
                    out.extend_from_slice(p);
                }
                out
            }
        }
    }

    /// The same contents (parts are compared by identity first, then by content).
    fn same_as(&self, other: &Body) -> bool {
        let same =
            |a: &Bytes, b: &Bytes| (a.as_ptr() == b.as_ptr() && a.len() == b.len()) || a == b;
        match (self, other) {
            (Body::Whole(a), Body::Whole(b)) => same(a, b),
            (Body::Parts(a), Body::Parts(b)) => {
                a.len() == b.len() && a.iter().zip(b.iter()).all(|(a, b)| same(a, b))
            }
            _ => self.to_vec() == other.to_vec(),
        }
    }
}

/// What one rebuild changed in the output.
#[derive(Debug, Default, Clone)]
pub struct Delta {
    /// Files added or changed, by output path.
    pub upserts: Vec<(String, Body)>,
    /// Files no longer produced.
    pub removals: Vec<String>,
}

impl Delta {
    pub fn is_empty(&self) -> bool {
        self.upserts.is_empty() && self.removals.is_empty()
    }

    /// True when every changed file is a stylesheet (the page can swap it in place).
    pub fn css_only(&self) -> bool {
        !self.is_empty()
            && self.removals.is_empty()
            && self.upserts.iter().all(|(p, _)| p.ends_with(".css"))
    }
}

/// What a rebuild did, for the terminal and the browser.
#[derive(Debug, Default, Clone)]
pub struct Report {
    /// The changed sources, as paths from the site root (`content/articles/x.md`).
    pub changed: Vec<String>,
    /// How many output files were rendered again.
    pub rendered: usize,
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
        format!(
            "{what} changed: {} re-rendered, {} file{} updated{} in {} ms",
            plural(self.rendered, "page"),
            self.delta.upserts.len() + self.delta.removals.len(),
            if self.delta.upserts.len() + self.delta.removals.len() == 1 {
                ""
            } else {
                "s"
            },
            if self.full { " (full build)" } else { "" },
            self.elapsed.as_millis()
        )
    }
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// What a changed path means for the build.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Change {
    /// A Markdown file under content/, by its path there.
    Content(String),
    /// Something under content/ that may be a folder: list content/ again.
    ContentFolder,
    /// A template of the theme or the site.
    Template,
    /// A static file, by its output path.
    Static(String),
    /// Static folders changed in a way best read again as a whole.
    StaticFolder,
    /// site.yaml, or a source folder appearing or going: build everything from disk.
    Everything,
}

/// Where a page is in the [`Site`].
#[derive(Debug, Clone, Copy)]
enum Loc {
    Home,
    Article(usize),
    Topic(usize),
    Page(usize),
}

/// The site in memory, consistent with the output last served.
struct State {
    config: Config,
    dirs: SiteDirs,
    /// Every content file, as last read.
    texts: BTreeMap<String, ContentFile>,
    /// Content files that could not be read, by path under content/.
    unreadable: BTreeMap<String, Diagnostic>,
    templates: Templates,
    /// The problem with the templates on disk, when they do not compile.
    template_problem: Option<Diagnostics>,
    /// Static files by output path (the site's replacing the theme's).
    statics: BTreeMap<String, StaticFile>,
    site: Site,
    shared: Shared,
    /// Content path to URL, for every page in `site` (what links resolve through).
    urls: HashMap<String, String>,
    /// Content path to topic id, for every topic.
    topic_ids: BTreeMap<String, String>,
    locate: HashMap<String, Loc>,
    /// Search-index entries by content path.
    search: HashMap<String, Bytes>,
}

/// The incremental builder behind `serve`.
pub struct Engine {
    root: PathBuf,
    options: BuildOptions,
    state: Option<State>,
    /// Content files changed since the site in `state` was made.
    pending: BTreeSet<String>,
    /// Render every job with the next successful rebuild.
    render_all: bool,
    /// Generated files (pages, feeds, indexes) by output path.
    generated: BTreeMap<String, Body>,
    /// Static files by output path, as served.
    statics_out: BTreeMap<String, Body>,
    /// The problems of the last rebuild, if it failed.
    failing: bool,
    /// The warnings of the last rebuild, handed over with its report.
    warnings: Diagnostics,
}

impl Engine {
    /// An engine for the site at `root`; nothing is built until [`Engine::build`].
    pub fn new(root: &Path, options: BuildOptions) -> Engine {
        let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        Engine {
            root,
            options,
            state: None,
            pending: BTreeSet::new(),
            render_all: false,
            generated: BTreeMap::new(),
            statics_out: BTreeMap::new(),
            failing: false,
            warnings: Diagnostics::default(),
        }
    }

    /// Forgets the site in memory: the next rebuild starts from disk.
    pub fn reset(&mut self) {
        self.state = None;
        self.pending.clear();
    }

    /// The site folder (canonical).
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The folders to watch: content, the theme in use, site templates and static files.
    /// The site root itself is watched too, for site.yaml and folders appearing.
    pub fn watched_dirs(&self) -> Vec<PathBuf> {
        let dirs = match &self.state {
            Some(st) => st.dirs.clone(),
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

    /// True once a build succeeded: there is a site to serve.
    pub fn has_site(&self) -> bool {
        !self.generated.is_empty()
    }

    /// The whole output, as [`crate::build::build`] would give it.
    pub fn output(&self) -> Output {
        let mut files: BTreeMap<String, Vec<u8>> = self
            .generated
            .iter()
            .map(|(k, v)| (k.clone(), v.to_vec()))
            .collect();
        for (k, v) in &self.statics_out {
            files.insert(k.clone(), v.to_vec());
        }
        Output { files }
    }

    /// Every output file, shared (no copy), for the server.
    pub fn files(&self) -> impl Iterator<Item = (&String, &Body)> {
        self.generated.iter().chain(self.statics_out.iter())
    }

    /// A full build from disk.
    pub fn build(&mut self) -> Result<Report, Diagnostics> {
        let start = Instant::now();
        let result = self.full_from_disk();
        self.finish(result, vec![], start)
    }

    /// Rebuilds after the files at `paths` (absolute, as the watcher reports them) changed.
    pub fn rebuild(&mut self, paths: &[PathBuf]) -> Result<Report, Diagnostics> {
        let start = Instant::now();
        let mut changes = BTreeSet::new();
        for p in paths {
            if let Some(c) = self.classify(p) {
                changes.insert(c);
            }
        }
        let mut changed: Vec<String> = paths
            .iter()
            .filter(|p| self.classify(p).is_some())
            .map(|p| relative_to(p, &self.root).display().to_string())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        if changes.is_empty() {
            changed.clear();
            return Ok(Report {
                elapsed: start.elapsed(),
                ..Report::default()
            });
        }
        let result = if self.state.is_none() || changes.contains(&Change::Everything) {
            self.full_from_disk()
        } else {
            self.incremental(&changes)
        };
        self.finish(result, changed, start)
    }

    fn finish(
        &mut self,
        result: Result<(Delta, usize, bool), Diagnostics>,
        changed: Vec<String>,
        start: Instant,
    ) -> Result<Report, Diagnostics> {
        match result {
            Ok((delta, rendered, full)) => {
                self.failing = false;
                Ok(Report {
                    changed,
                    rendered,
                    full,
                    delta,
                    elapsed: start.elapsed(),
                    warnings: std::mem::take(&mut self.warnings),
                })
            }
            Err(e) => {
                self.failing = true;
                Err(e)
            }
        }
    }

    /// What a changed path means, or `None` when it does not concern the site.
    fn classify(&self, path: &Path) -> Option<Change> {
        let root = &self.root;
        if path == root.join(CONFIG_FILE) {
            return Some(Change::Everything);
        }
        let dirs = match &self.state {
            Some(st) => st.dirs.clone(),
            None => return Some(Change::Everything),
        };
        let theme_templates = dirs.theme.join("templates");
        let theme_static = dirs.theme.join("static");
        // A source folder itself appearing or going.
        for d in [
            &dirs.content,
            &dirs.theme,
            &dirs.templates,
            &dirs.statics,
            &theme_templates,
            &theme_static,
        ] {
            if path == d.as_path() {
                return Some(Change::Everything);
            }
        }
        let ignored = |rest: &Path| {
            rest.components()
                .any(|c| load::is_ignored(&c.as_os_str().to_string_lossy()))
        };
        let rel_of = |rest: &Path| {
            rest.components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/")
        };
        if let Ok(rest) = path.strip_prefix(&dirs.content) {
            if ignored(rest) {
                return None;
            }
            let rel = rel_of(rest);
            // A symbolic link is checked (does it leave the site?) by a full load.
            if path
                .ancestors()
                .take_while(|a| *a != dirs.content)
                .any(|a| a.is_symlink())
            {
                return Some(Change::Everything);
            }
            if load::is_markdown(path) && !path.is_dir() {
                return Some(Change::Content(rel));
            }
            // A folder (or something that was one): list content again.
            let prefix = format!("{rel}/");
            let was_folder = self
                .state
                .as_ref()
                .is_some_and(|st| st.texts.keys().any(|k| k.starts_with(&prefix)));
            if path.is_dir() || was_folder {
                return Some(Change::ContentFolder);
            }
            return None;
        }
        // The theme's words change what templates print, as a template edit does.
        let theme_i18n = dirs.theme.join("i18n");
        for dir in [&theme_templates, &dirs.templates, &theme_i18n, &dirs.i18n] {
            if let Ok(rest) = path.strip_prefix(dir) {
                return (!ignored(rest)).then_some(Change::Template);
            }
        }
        for dir in [&theme_static, &dirs.statics] {
            if let Ok(rest) = path.strip_prefix(dir) {
                if ignored(rest) {
                    return None;
                }
                let rel = rel_of(rest);
                let was_folder = self.state.as_ref().is_some_and(|st| {
                    let prefix = format!("{rel}/");
                    st.statics.keys().any(|k| k.starts_with(&prefix))
                });
                if path.is_dir() || was_folder {
                    return Some(Change::StaticFolder);
                }
                return Some(Change::Static(rel));
            }
        }
        None
    }

    /// Builds everything from disk, keeping what an incremental rebuild needs.
    fn full_from_disk(&mut self) -> Result<(Delta, usize, bool), Diagnostics> {
        self.state = None;
        self.pending.clear();
        self.render_all = false;
        let config = build::load_config(&self.root, &self.options)?;
        let dirs = SiteDirs::new(&self.root, &config);
        let mut sources = load::load(&dirs)?;
        let mut warnings = std::mem::take(&mut sources.warnings);
        let templates = Templates::compile(&sources.templates, &sources.i18n, &config.languages);
        let texts: BTreeMap<String, ContentFile> = sources
            .content
            .iter()
            .map(|f| (f.rel.clone(), f.clone()))
            .collect();
        let pages = parse::parse_all(sources.content, &config, self.parse_options());
        let (templates, pages) =
            Diagnostics::both(templates, pages).map_err(|d| d.with(warnings.clone()))?;
        let site = index::index(config.clone(), pages)?;
        warnings.extend(index::warnings(&site));
        self.warnings = Diagnostics(warnings).sorted();
        let shared = Shared::new(&site);
        let statics: BTreeMap<String, StaticFile> = sources
            .statics
            .into_iter()
            .map(|s| (s.rel.clone(), s))
            .collect();
        let mut st = State {
            urls: urls_of(&site),
            topic_ids: topic_ids_of(&site),
            locate: locate(&site),
            config,
            dirs,
            texts,
            unreadable: BTreeMap::new(),
            templates,
            template_problem: None,
            statics,
            site,
            shared,
            search: HashMap::new(),
        };
        let jobs = render::all_jobs(&st.site);
        let rendered = render_output(&mut st, &jobs)?;
        let count = rendered.len();
        let delta = self.apply(&st, rendered, true)?;
        self.state = Some(st);
        Ok((delta, count, true))
    }

    fn parse_options(&self) -> ParseOptions {
        ParseOptions {
            drafts: self.options.drafts,
            keep_markdown: false,
        }
    }

    fn incremental(
        &mut self,
        changes: &BTreeSet<Change>,
    ) -> Result<(Delta, usize, bool), Diagnostics> {
        let options = self.parse_options();
        let mut st = self.state.take().expect("checked by the caller");
        let result = self.incremental_on(&mut st, changes, options);
        match result {
            Ok(r) => {
                self.state = Some(st);
                Ok(r)
            }
            Err((e, keep)) => {
                if keep {
                    self.state = Some(st);
                }
                Err(e)
            }
        }
    }

    /// The rebuild proper. On failure, says whether `st` is still consistent with the
    /// output served (else the next rebuild starts from disk).
    fn incremental_on(
        &mut self,
        st: &mut State,
        changes: &BTreeSet<Change>,
        options: ParseOptions,
    ) -> Result<(Delta, usize, bool), (Diagnostics, bool)> {
        // 1. Read what changed.
        trace::start();
        let mut statics_changed = false;
        for change in changes {
            match change {
                Change::Content(rel) => {
                    read_content(st, rel);
                    self.pending.insert(rel.clone());
                }
                Change::ContentFolder => {
                    for rel in rescan_content(st) {
                        self.pending.insert(rel);
                    }
                }
                Change::Template | Change::StaticFolder => {
                    reload_theme(st);
                    statics_changed = true;
                    if *change == Change::Template {
                        self.render_all = true;
                    }
                }
                Change::Static(rel) => {
                    if !reload_static(st, rel) {
                        reload_theme(st);
                    }
                    statics_changed = true;
                }
                Change::Everything => unreachable!("handled by the caller"),
            }
        }

        trace::mark("read");
        // 2. Problems that stop the build before parsing.
        let mut problems: Vec<Diagnostic> = Vec::new();
        if let Some(p) = &st.template_problem {
            problems.extend(p.iter().cloned());
        }
        problems.extend(st.unreadable.values().cloned());
        if !problems.is_empty() {
            return Err((Diagnostics(problems).sorted(), true));
        }

        // 3. Parse the changed content and update the site.
        let mut content = ContentUpdate::default();
        if !self.pending.is_empty() {
            content = update_content(st, &self.pending, options)?;
            self.pending.clear();
        }
        self.warnings = Diagnostics(std::mem::take(&mut content.warnings)).sorted();

        trace::mark("update site");
        // 4. Which jobs to render.
        let all = self.render_all || content.globals_changed;
        let jobs: Vec<Job> = if all {
            render::all_jobs(&st.site)
        } else {
            content.jobs.iter().copied().collect()
        };
        let structure_changed = all || content.structure_changed;
        let rendered = match render_output(st, &jobs) {
            Ok(r) => r,
            Err(e) => {
                self.render_all = true;
                return Err((e, true));
            }
        };
        self.render_all = false;
        trace::mark("render");
        let count = rendered
            .iter()
            .filter(|(p, _)| p.ends_with(".html"))
            .count();
        let mut delta = self.apply(st, rendered, structure_changed).map_err(|e| {
            self.render_all = true;
            (e, true)
        })?;
        if statics_changed && !structure_changed {
            // `apply` compares the statics only along with a structural change.
            delta = merge(delta, self.apply_statics(st).map_err(|e| (e, true))?);
        }
        trace::mark("compare");
        trace::finish();
        Ok((delta, count, false))
    }

    /// Puts rendered files in place and returns what changed. With `structural`, files no
    /// job produces any more are removed and the statics are checked against the pages.
    fn apply(
        &mut self,
        st: &State,
        rendered: Vec<(String, Body)>,
        structural: bool,
    ) -> Result<Delta, Diagnostics> {
        let mut delta = Delta::default();
        let mut next = if structural {
            let expected: HashSet<String> = render::all_jobs(&st.site)
                .into_iter()
                .flat_map(|j| job_outputs(&st.site, j))
                .collect();
            // Statics may not take a generated page's place.
            let mut problems = Vec::new();
            for s in st.statics.values() {
                if expected.contains(&s.rel) {
                    problems.push(render::static_collision(s));
                }
            }
            if !problems.is_empty() {
                return Err(Diagnostics(problems));
            }
            let mut next = std::mem::take(&mut self.generated);
            next.retain(|path, _| {
                let keep = expected.contains(path);
                if !keep {
                    delta.removals.push(path.clone());
                }
                keep
            });
            next
        } else {
            std::mem::take(&mut self.generated)
        };
        for (path, body) in rendered {
            if next.get(&path).is_some_and(|old| old.same_as(&body)) {
                continue;
            }
            next.insert(path.clone(), body.clone());
            delta.upserts.push((path, body));
        }
        self.generated = next;
        if structural {
            delta = merge(delta, self.apply_statics(st)?);
        }
        Ok(delta)
    }

    /// Brings the served statics in line with `st.statics`.
    fn apply_statics(&mut self, st: &State) -> Result<Delta, Diagnostics> {
        let mut delta = Delta::default();
        let mut problems = Vec::new();
        for s in st.statics.values() {
            if self.generated.contains_key(&s.rel) {
                problems.push(render::static_collision(s));
            }
        }
        if !problems.is_empty() {
            return Err(Diagnostics(problems));
        }
        self.statics_out.retain(|rel, _| {
            let keep = st.statics.contains_key(rel);
            if !keep {
                delta.removals.push(rel.clone());
            }
            keep
        });
        for (rel, s) in &st.statics {
            let body = Body::Whole(Bytes::from(s.bytes.clone()));
            if self
                .statics_out
                .get(rel)
                .is_some_and(|old| old.same_as(&body))
            {
                continue;
            }
            self.statics_out.insert(rel.clone(), body.clone());
            delta.upserts.push((rel.clone(), body));
        }
        Ok(delta)
    }
}

/// With `ATTACHE_SERVE_TRACE` set, each rebuild prints how long its stages took.
mod trace {
    use std::cell::RefCell;
    use std::sync::OnceLock;
    use std::time::{Duration, Instant};

    /// The time of the last mark, and each stage's time.
    type Marks = (Option<Instant>, Vec<(&'static str, Duration)>);

    thread_local! {
        static MARKS: RefCell<Marks> = const { RefCell::new((None, Vec::new())) };
    }

    fn on() -> bool {
        static ON: OnceLock<bool> = OnceLock::new();
        *ON.get_or_init(|| std::env::var_os("ATTACHE_SERVE_TRACE").is_some())
    }

    pub fn start() {
        if on() {
            MARKS.with(|m| *m.borrow_mut() = (Some(Instant::now()), Vec::new()));
        }
    }

    pub fn mark(label: &'static str) {
        if on() {
            MARKS.with(|m| {
                let mut m = m.borrow_mut();
                if let Some(last) = m.0 {
                    let now = Instant::now();
                    m.1.push((label, now - last));
                    m.0 = Some(now);
                }
            });
        }
    }

    pub fn finish() {
        if on() {
            MARKS.with(|m| {
                let m = m.borrow();
                let parts: Vec<String> =
                    m.1.iter()
                        .map(|(l, d)| format!("{l} {:.1}", d.as_secs_f64() * 1000.0))
                        .collect();
                eprintln!("[serve trace ms] {}", parts.join(" · "));
            });
        }
    }
}

fn merge(mut a: Delta, b: Delta) -> Delta {
    a.upserts.extend(b.upserts);
    a.removals.extend(b.removals);
    a
}

fn fallback_config() -> Config {
    Config::parse("title: site\nbase_url: http://127.0.0.1/\n").expect("a valid configuration")
}

fn urls_of(site: &Site) -> HashMap<String, String> {
    let base_path = site.config.base_path();
    site.all_pages()
        .map(|p| (p.rel.clone(), format!("{base_path}{}", p.path)))
        .collect()
}

fn topic_ids_of(site: &Site) -> BTreeMap<String, String> {
    site.topics
        .iter()
        .map(|t| (t.page.rel.clone(), t.page.id.clone()))
        .collect()
}

fn locate(site: &Site) -> HashMap<String, Loc> {
    let mut map = HashMap::with_capacity(site.articles.len() + site.topics.len() + 8);
    if let Some(h) = &site.home {
        map.insert(h.rel.clone(), Loc::Home);
    }
    for (i, a) in site.articles.iter().enumerate() {
        map.insert(a.rel.clone(), Loc::Article(i));
    }
    for (i, t) in site.topics.iter().enumerate() {
        map.insert(t.page.rel.clone(), Loc::Topic(i));
    }
    for (i, p) in site.pages.iter().enumerate() {
        map.insert(p.rel.clone(), Loc::Page(i));
    }
    map
}

/// Reads one content file again (or notes that it is gone).
fn read_content(st: &mut State, rel: &str) {
    let path = rel
        .split('/')
        .fold(st.dirs.content.clone(), |p, part| p.join(part));
    let display = relative_to(&path, &st.dirs.root);
    st.unreadable.remove(rel);
    st.texts.remove(rel);
    if !path.is_file() {
        return;
    }
    match load::read_text(&path, &display) {
        Ok(text) => {
            st.texts.insert(
                rel.to_string(),
                ContentFile {
                    rel: rel.to_string(),
                    display,
                    text,
                },
            );
        }
        // Unless it went between the event and the read, it is a problem to show.
        Err(d) if path.exists() => {
            st.unreadable.insert(rel.to_string(), d);
        }
        Err(_) => {}
    }
}

/// Lists content/ again; returns the content paths that appeared or went (read already).
fn rescan_content(st: &mut State) -> Vec<String> {
    let mut on_disk = BTreeSet::new();
    if st.dirs.content.is_dir() {
        let walker = walkdir::WalkDir::new(&st.dirs.content)
            .follow_links(true)
            .into_iter()
            .filter_entry(|e| {
                e.depth() == 0 || !load::is_ignored(e.file_name().to_string_lossy().as_ref())
            });
        for entry in walker.flatten() {
            if entry.file_type().is_file() && load::is_markdown(entry.path()) {
                let rel = entry
                    .path()
                    .strip_prefix(&st.dirs.content)
                    .unwrap_or(entry.path())
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/");
                on_disk.insert(rel);
            }
        }
    }
    let known: BTreeSet<String> = st
        .texts
        .keys()
        .chain(st.unreadable.keys())
        .cloned()
        .collect();
    let changed: Vec<String> = on_disk.symmetric_difference(&known).cloned().collect();
    for rel in &changed {
        read_content(st, rel);
    }
    changed
}

/// Reads the templates and statics again (they are small), from the theme or the
/// built-in theme and the site's folders, exactly as a build does.
fn reload_theme(st: &mut State) {
    let dirs = SiteDirs {
        // An empty path does not exist: nothing under content/ is read.
        content: PathBuf::new(),
        ..st.dirs.clone()
    };
    let (sources, problems) = load::load_lenient(&dirs);
    st.statics = sources
        .statics
        .into_iter()
        .map(|s| (s.rel.clone(), s))
        .collect();
    let compiled = if problems.is_empty() {
        Templates::compile(&sources.templates, &sources.i18n, &st.config.languages)
    } else {
        Err(Diagnostics(problems))
    };
    match compiled {
        Ok(t) => {
            st.templates = t;
            st.template_problem = None;
        }
        Err(e) => st.template_problem = Some(e.sorted()),
    }
}

/// Reads one static file again. False when the caller should read all statics instead.
fn reload_static(st: &mut State, rel: &str) -> bool {
    let in_dir = |dir: &Path| {
        rel.split('/')
            .fold(dir.to_path_buf(), |p, part| p.join(part))
    };
    let site_file = in_dir(&st.dirs.statics);
    let theme_file = in_dir(&st.dirs.theme.join("static"));
    for file in [&site_file, &theme_file] {
        if file
            .ancestors()
            .take_while(|a| *a != st.dirs.root)
            .any(|a| a.is_symlink())
        {
            return false;
        }
    }
    let chosen = if site_file.is_file() {
        site_file
    } else if theme_file.is_file() {
        theme_file
    } else if !st.dirs.theme.is_dir() {
        // The built-in theme may have a file of that name.
        return false;
    } else {
        st.statics.remove(rel);
        return true;
    };
    match std::fs::read(&chosen) {
        Ok(bytes) => {
            st.statics.insert(
                rel.to_string(),
                StaticFile {
                    rel: rel.to_string(),
                    display: relative_to(&chosen, &st.dirs.root),
                    bytes,
                },
            );
            true
        }
        Err(_) => false,
    }
}

/// What a content update means for rendering.
#[derive(Default)]
struct ContentUpdate {
    /// Jobs to render (when not all).
    jobs: BTreeSet<Job>,
    /// Values in every page changed: render all.
    globals_changed: bool,
    /// Pages came or went, or moved: outputs may have to be removed.
    structure_changed: bool,
    /// The warnings of the files changed.
    warnings: Vec<Diagnostic>,
}

/// Parses the pending content files and brings the site up to date.
fn update_content(
    st: &mut State,
    pending: &BTreeSet<String>,
    options: ParseOptions,
) -> Result<ContentUpdate, (Diagnostics, bool)> {
    // First pass for the changed files: their URL and kind.
    let mut heads = Vec::new();
    let mut problems = Vec::new();
    for rel in pending {
        let Some(file) = st.texts.get(rel) else {
            heads.push((rel.clone(), None));
            continue;
        };
        match parse::parse_head(file.clone(), &st.config, options) {
            Ok(h) => heads.push((rel.clone(), h)),
            Err(d) => problems.extend(d),
        }
    }
    if !problems.is_empty() {
        return Err((Diagnostics(problems).sorted(), true));
    }
    let base_path = st.config.base_path().to_string();
    let links_changed = heads.iter().any(|(rel, h)| {
        let url = h.as_ref().map(|h| format!("{base_path}{}", h.path()));
        let topic = h
            .as_ref()
            .filter(|h| h.kind() == Kind::Topic)
            .map(|h| h.id().to_string());
        url.as_ref() != st.urls.get(rel) || topic.as_ref() != st.topic_ids.get(rel)
    });

    // Second pass: the changed files alone, or every file when links may resolve differently.
    let new_pages: Vec<(String, Option<Page>)> = if links_changed {
        let files: Vec<ContentFile> = st.texts.values().cloned().collect();
        let (pages, problems) = parse::parse_lenient(files, &st.config, options);
        if problems.iter().any(Diagnostic::is_error) {
            return Err((Diagnostics(problems).sorted(), true));
        }
        let mut by_rel: BTreeMap<String, Option<Page>> =
            st.site.all_pages().map(|p| (p.rel.clone(), None)).collect();
        for p in pages {
            by_rel.insert(p.rel.clone(), Some(p));
        }
        by_rel.into_iter().collect()
    } else {
        let topic_ids: Vec<&str> = st.topic_ids.values().map(String::as_str).collect();
        let mut out = Vec::new();
        for (rel, head) in heads {
            match head {
                None => out.push((rel, None)),
                Some(h) => {
                    let (page, page_problems) =
                        parse::parse_body(h, &st.urls, &topic_ids, &st.config);
                    problems.extend(page_problems);
                    out.push((rel, Some(page)));
                }
            }
        }
        if !problems.is_empty() {
            return Err((Diagnostics(problems).sorted(), true));
        }
        out
    };

    trace::mark("parse");
    let warnings: Vec<Diagnostic> = new_pages
        .iter()
        .filter(|(rel, _)| pending.contains(rel))
        .filter_map(|(_, page)| page.as_ref())
        .flat_map(|p| p.warnings.iter().cloned())
        .collect();
    let in_place = !links_changed
        && new_pages
            .iter()
            .all(|(rel, new)| match (st.locate.get(rel), new) {
                (Some(loc), Some(new)) => same_place(&st.site, *loc, new),
                _ => false,
            });
    let mut update = if in_place {
        update_in_place(st, new_pages)
    } else {
        reindex(st, new_pages, pending)?
    };
    update.warnings = warnings;
    Ok(update)
}

/// The old page at `loc`.
fn page_at(site: &Site, loc: Loc) -> &Page {
    match loc {
        Loc::Home => site.home.as_ref().expect("located"),
        Loc::Article(i) => &site.articles[i],
        Loc::Topic(i) => &site.topics[i].page,
        Loc::Page(i) => &site.pages[i],
    }
}

/// True when `new` can replace the page at `loc` without moving anything in the site:
/// same kind and URL, and for an article the same sort key, topics and names.
fn same_place(site: &Site, loc: Loc, new: &Page) -> bool {
    let old = page_at(site, loc);
    if old.kind != new.kind || old.path != new.path || old.meta.common() != new.meta.common() {
        return false;
    }
    // Redirect pages carry the title of the page they lead to.
    if !old.meta.common().aliases.is_empty() && old.title() != new.title() {
        return false;
    }
    match (&old.meta, &new.meta) {
        (Meta::Article(a), Meta::Article(b)) => {
            a.date == b.date
                && a.title == b.title
                && a.topics == b.topics
                && a.people == b.people
                && a.organizations == b.organizations
                && a.tags == b.tags
        }
        (Meta::Topic(a), Meta::Topic(b)) => a.title == b.title && a.weight == b.weight,
        (Meta::Page(a), Meta::Page(b)) => {
            a.title == b.title && a.weight == b.weight && a.menu == b.menu
        }
        (Meta::Home(_), Meta::Home(_)) => true,
        _ => false,
    }
}

/// The article's `lastmod` in the sitemap.
pub(super) fn lastmod(p: &Page) -> Option<String> {
    p.article().map(|m| m.last_modified().iso())
}

/// Replaces pages whose place in the site does not change.
fn update_in_place(st: &mut State, new_pages: Vec<(String, Option<Page>)>) -> ContentUpdate {
    let mut update = ContentUpdate::default();
    let base_path = st.config.base_path().to_string();
    let mut cards = std::mem::take(&mut st.shared.cards);
    let mut changed_cards = Vec::new();
    let mut reparsed = Vec::new();
    for (rel, page) in new_pages {
        let page = page.expect("checked by same_place");
        let loc = st.locate[&rel];
        st.search.remove(&rel);
        match loc {
            Loc::Home => {
                update.jobs.insert(Job::Home);
                st.site.home = Some(page);
            }
            Loc::Article(i) => {
                update.jobs.insert(Job::Article(i));
                if lastmod(&st.site.articles[i]) != lastmod(&page) {
                    update.jobs.insert(Job::Sitemap);
                }
                let card = values::card(&page, &base_path, &st.shared.topic_refs, &st.shared.dates);
                if card != cards[i] {
                    cards[i] = card;
                    changed_cards.push(i);
                }
                st.site.articles[i] = page;
                reparsed.push(i);
            }
            Loc::Topic(t) => {
                update.jobs.insert(Job::Topic(t));
                st.site.topics[t].page = page;
            }
            Loc::Page(p) => {
                update.jobs.insert(Job::Page(p));
                st.site.pages[p] = page;
            }
        }
    }
    trace::mark("replace");
    let shared = Shared::with_cards(&st.site, cards);
    trace::mark("shared");
    if shared.topic_cards != st.shared.topic_cards {
        update.jobs.insert(Job::Home);
        update.jobs.insert(Job::Topics);
    }
    update.globals_changed = shared.globals != st.shared.globals;
    st.shared = shared;
    update.jobs.extend(card_jobs(&st.site, &changed_cards));
    update.jobs.extend(page_jobs(&st.site, &reparsed));
    update.jobs.insert(Job::SearchIndex);
    update
}

/// Re-indexes the site with the new pages (`None`: the file is gone or a draft).
/// `pending` are the files whose text changed; the others in `new_pages` (when every
/// body was rendered again) changed at most in where their links lead.
fn reindex(
    st: &mut State,
    new_pages: Vec<(String, Option<Page>)>,
    pending: &BTreeSet<String>,
) -> Result<ContentUpdate, (Diagnostics, bool)> {
    // Check URLs first, on paths alone, so a collision leaves the site untouched. The
    // pages in file order, as a full build sees them.
    let mut pages: BTreeMap<&str, &Page> = BTreeMap::new();
    for p in st.site.all_pages() {
        pages.insert(&p.rel, p);
    }
    for (rel, page) in &new_pages {
        match page {
            Some(p) => pages.insert(rel, p),
            None => pages.remove(rel.as_str()),
        };
    }
    let claims: Vec<index::Claim> = pages
        .values()
        .map(|p| index::Claim {
            display: &p.display,
            kind: p.kind,
            path: &p.path,
            aliases: &p.meta.common().aliases,
        })
        .collect();
    let (_, problems) = index::url_problems(&claims);
    if !problems.is_empty() {
        return Err((Diagnostics(problems).sorted(), true));
    }

    trace::mark("url check");
    let old_sigs = signatures(&st.site);
    trace::mark("old signatures");
    let old_cards: HashMap<String, Value> = st
        .site
        .articles
        .iter()
        .zip(&st.shared.cards)
        .map(|(a, c)| (a.rel.clone(), c.clone()))
        .collect();
    let old_topic_refs = st.shared.topic_refs.clone();

    // Take the pages out of the site (no copies), swap in the new ones, index again.
    let site = std::mem::replace(&mut st.site, empty_site(&st.config));
    let mut by_rel: BTreeMap<String, Page> = BTreeMap::new();
    let Site {
        home,
        articles,
        topics,
        pages,
        ..
    } = site;
    for p in home
        .into_iter()
        .chain(articles)
        .chain(topics.into_iter().map(|t| t.page))
        .chain(pages)
    {
        by_rel.insert(p.rel.clone(), p);
    }
    // Pages whose content changed: the files edited, and pages whose links now lead
    // elsewhere. Cards and search entries come from the text alone.
    let mut reparsed: HashSet<String> = HashSet::new();
    for (rel, page) in new_pages {
        let changed = pending.contains(&rel)
            || match (by_rel.get(&rel), &page) {
                (Some(old), Some(new)) => {
                    old.body.html != new.body.html || old.body.summary_html != new.body.summary_html
                }
                _ => true,
            };
        if changed {
            reparsed.insert(rel.clone());
        }
        if pending.contains(&rel) {
            st.search.remove(&rel);
        }
        match page {
            Some(p) => by_rel.insert(rel, p),
            None => by_rel.remove(&rel),
        };
    }
    trace::mark("take pages");
    let site = match index::index(st.config.clone(), by_rel.into_values().collect()) {
        Ok(site) => site,
        // The pages are gone with the error: the next rebuild starts from disk.
        Err(e) => return Err((e, false)),
    };
    trace::mark("index");
    st.site = site;
    st.urls = urls_of(&st.site);
    st.topic_ids = topic_ids_of(&st.site);
    st.locate = locate(&st.site);

    // Cards: kept for unchanged articles while the topics they name look the same.
    let topic_refs = Shared::topic_refs(&st.site);
    let refs_same = topic_refs == old_topic_refs;
    if !refs_same {
        st.search.clear();
    }
    let base_path = st.config.base_path().to_string();
    let mut changed_cards = Vec::new();
    let cards: Vec<Value> = st
        .site
        .articles
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let old = old_cards.get(&a.rel);
            match old {
                Some(c) if refs_same && !reparsed.contains(&a.rel) => c.clone(),
                _ => {
                    let card = values::card(a, &base_path, &topic_refs, &st.shared.dates);
                    if old != Some(&card) {
                        changed_cards.push(i);
                    }
                    card
                }
            }
        })
        .collect();
    let shared = Shared::with_cards(&st.site, cards);
    trace::mark("cards");

    let mut update = ContentUpdate {
        structure_changed: true,
        globals_changed: shared.globals != st.shared.globals,
        ..ContentUpdate::default()
    };
    if shared.topic_cards != st.shared.topic_cards {
        update.jobs.insert(Job::Home);
        update.jobs.insert(Job::Topics);
    }
    st.shared = shared;
    if update.globals_changed {
        return Ok(update);
    }
    let new_sigs = signatures(&st.site);
    trace::mark("new signatures");
    for (job, key, sig) in &new_sigs.jobs {
        if old_sigs.by_key.get(key) != Some(sig) {
            update.jobs.insert(*job);
        }
    }
    // Pages whose own content changed.
    let reparsed_articles: Vec<usize> = reparsed
        .iter()
        .filter_map(|rel| match st.locate.get(rel) {
            Some(Loc::Article(i)) => Some(*i),
            _ => None,
        })
        .collect();
    for rel in &reparsed {
        match st.locate.get(rel) {
            Some(Loc::Home) => update.jobs.insert(Job::Home),
            Some(Loc::Article(i)) => update.jobs.insert(Job::Article(*i)),
            Some(Loc::Topic(t)) => update.jobs.insert(Job::Topic(*t)),
            Some(Loc::Page(p)) => update.jobs.insert(Job::Page(*p)),
            None => false,
        };
    }
    update.jobs.extend(card_jobs(&st.site, &changed_cards));
    update.jobs.extend(page_jobs(&st.site, &reparsed_articles));
    update.jobs.insert(Job::SearchIndex);
    Ok(update)
}

fn empty_site(config: &Config) -> Site {
    Site {
        config: config.clone(),
        home: None,
        articles: Vec::new(),
        topics: Vec::new(),
        pages: Vec::new(),
        entities: EntityKind::ALL
            .into_iter()
            .map(|k| (k, Vec::new()))
            .collect(),
        related: Vec::new(),
    }
}

/// Renders `jobs`; the search index comes from the entries kept per page.
fn render_output(st: &mut State, jobs: &[Job]) -> Result<Vec<(String, Body)>, Diagnostics> {
    let (search_jobs, page_jobs): (Vec<Job>, Vec<Job>) =
        jobs.iter().partition(|j| **j == Job::SearchIndex);
    trace::mark("jobs");
    let output = render::render_jobs(&st.site, &st.shared, &st.templates, &page_jobs)?;
    trace::mark("pages");
    let mut files: Vec<(String, Body)> = output
        .files
        .into_iter()
        .map(|(path, bytes)| (path, Body::Whole(Bytes::from(bytes))))
        .collect();
    if !search_jobs.is_empty() && st.site.config.search.enabled {
        let missing: Vec<&Page> = search::indexed_pages(&st.site)
            .filter(|p| !st.search.contains_key(&p.rel))
            .collect();
        let made: Vec<(String, Bytes)> = missing
            .par_iter()
            .map(|p| {
                let entry = search::entry_json(&st.site, &st.shared, p);
                (p.rel.clone(), Bytes::from(entry))
            })
            .collect();
        st.search.extend(made);
        // `[`, the entries with `,` between them, `]`: what `join_entries` writes.
        let (open, comma, close) = (
            Bytes::from_static(b"["),
            Bytes::from_static(b","),
            Bytes::from_static(b"]"),
        );
        let mut parts = vec![open];
        for (i, p) in search::indexed_pages(&st.site).enumerate() {
            if i > 0 {
                parts.push(comma.clone());
            }
            parts.push(st.search[&p.rel].clone());
        }
        parts.push(close);
        files.push((search::INDEX_FILE.to_string(), Body::Parts(parts.into())));
    }
    Ok(files)
}
