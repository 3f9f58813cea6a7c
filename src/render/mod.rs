//! Stage 4, render: the [`Site`] through the templates into an [`Output`], every page in
//! parallel; plus the files attache writes itself (feeds, sitemap, robots.txt, search
//! index) and the static files.
//!
//! Rendering is split into [`Job`]s (see [`job`]): each declares what it writes and what
//! it shows, next to the code that renders it, so that the sitemap and `serve` ask the
//! jobs rather than keep lists of their own.

mod entities;
pub mod feeds;
pub mod job;
pub mod json_ld;
mod languages;
pub mod packs;
mod pages;
pub mod paging;
mod profiles;
pub mod redirects;
mod release;
pub mod search;
mod service_pages;
pub mod share;
pub mod templates;
mod timeline;
pub mod values;

use rayon::prelude::*;
use tera::{Context, Value};

use crate::emit::Output;
use crate::error::{Diagnostic, Diagnostics, Problem};
use crate::index::{PageRef, Site};
use crate::load::StaticFile;
use crate::parse::PackedText;
pub use job::{Job, JobKind, Listed, Reads, Scope, View, Writes, all_jobs};
pub use templates::Templates;
use values::{Shared, text};

/// Files a job produces: output path and contents.
pub type Files = Vec<(String, Vec<u8>)>;

/// What every job renders with.
pub struct Renderer<'a> {
    pub site: &'a Site,
    /// The shared values of each language's edition, by language.
    pub shared: &'a [Shared],
    pub templates: &'a Templates,
}

impl<'a> Renderer<'a> {
    /// What `job` renders with: its edition and that edition's shared values.
    fn edition(&self, job: Job) -> Local<'a> {
        Local {
            scope: Scope::of(self.site, job.lang),
            shared: &self.shared[job.lang],
            templates: self.templates,
            job,
        }
    }
}

/// What one job renders with: its language's edition ([`Scope`], which it derefs to),
/// that edition's shared values, and the templates.
pub struct Local<'a> {
    pub scope: Scope<'a>,
    pub shared: &'a Shared,
    pub templates: &'a Templates,
    pub job: Job,
}

impl<'a> std::ops::Deref for Local<'a> {
    type Target = Scope<'a>;
    fn deref(&self) -> &Scope<'a> {
        &self.scope
    }
}

/// Renders the whole site.
pub fn render(
    site: &Site,
    templates: &Templates,
    statics: &[StaticFile],
) -> Result<Output, Diagnostics> {
    let (output, problems) = render_lenient(site, templates, statics);
    Diagnostics(problems).into_result(output)
}

/// Renders every page it can: the output without the pages that failed, and the problems.
pub fn render_lenient(
    site: &Site,
    templates: &Templates,
    statics: &[StaticFile],
) -> (Output, Vec<Diagnostic>) {
    let shared = Shared::all(site);
    let renderer = Renderer {
        site,
        shared: &shared,
        templates,
    };
    let (mut output, mut problems) = render_some(&renderer, &all_jobs(site));
    if let Err(d) = add_statics(&mut output, statics) {
        problems.extend(d.0);
    }
    (output, problems)
}

/// Renders `jobs`; problems from many pages with the same template error are reported once.
pub fn render_jobs(renderer: &Renderer, jobs: &[Job]) -> Result<Output, Diagnostics> {
    let (output, problems) = render_some(renderer, jobs);
    Diagnostics(problems).into_result(output)
}

fn render_some(renderer: &Renderer, jobs: &[Job]) -> (Output, Vec<Diagnostic>) {
    let results: Vec<Result<Files, Diagnostic>> = jobs
        .par_iter()
        .map(|&job| render_job(renderer, job))
        .collect();
    let mut output = Output::default();
    let mut problems: Vec<Diagnostic> = Vec::new();
    for r in results {
        match r {
            Ok(files) => output.files.extend(files),
            Err(d) => problems.push(d),
        }
    }
    (output, once_each(problems))
}

fn render_job(renderer: &Renderer, job: Job) -> Result<Files, Diagnostic> {
    let files = job.render(renderer)?;
    if cfg!(debug_assertions) {
        // Files inside a job's folders (the search index's shards) are not named one by one.
        let writes = job.writes(renderer.site);
        let named: Vec<&str> = files
            .iter()
            .map(|(p, _)| p.as_str())
            .filter(|p| !writes.in_folders(p))
            .collect();
        assert_eq!(named, writes.outputs, "{job:?} writes what it declares");
    }
    Ok(files)
}

/// The problems in order, each told once: many pages with the same template error give
/// the same problem.
fn once_each(all: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut problems: Vec<Diagnostic> = Vec::new();
    for d in all {
        let seen = problems.iter().any(|p| {
            p.path == d.path
                && p.location == d.location
                && p.problem.to_string() == d.problem.to_string()
        });
        if !seen {
            problems.push(d);
        }
    }
    problems
}

/// Where a streaming render puts each file: output path and contents, from many threads.
pub type Sink<'a> = &'a (dyn Fn(&str, &[u8]) -> Result<(), Diagnostic> + Sync);

/// Renders the whole site as [`render`] does, but hands each file to `put` as soon as its
/// job is rendered instead of collecting the output: memory holds the pages being rendered,
/// not the site's; an article's HTML is let go of once the last page showing it is put
/// ([`release`]); the search indexes take the pages' texts (which nothing else reads) and
/// put their fragments batch by batch. Returns how many files were put.
pub fn render_each(
    site: &mut Site,
    templates: &Templates,
    statics: &[StaticFile],
    put: Sink,
) -> Result<usize, Diagnostics> {
    let shared = Shared::all(site);
    let jobs = all_jobs(site);
    let generated: rustc_hash::FxHashSet<String> = jobs
        .par_iter()
        .flat_map_iter(|job| job.writes(site).outputs)
        .collect();
    // As in [`add_statics`]: not on a generated page, nor in a search index's folders.
    let taken = |path: &str| generated.contains(path);
    let mut problems: Vec<Diagnostic> = statics
        .iter()
        .filter(|s| taken(&s.rel) || search::in_index_folder(&s.rel, taken))
        .map(|s| static_collision(&s.rel, &s.display))
        .collect();
    let files = generated.len();
    drop(generated);
    // The search indexes beside every other job, from the start (each index adds its
    // postings and encodes its shards on one thread, which was the build's tail when it
    // started last), and among the other jobs the long ones (feeds) first.
    let (indexes, mut jobs): (Vec<Job>, Vec<Job>) = jobs
        .into_iter()
        .partition(|job| job.kind == JobKind::SearchIndex);
    jobs.sort_by_key(|job| !job.runs_long());
    // Only the indexes read the pages' texts: they take them, and free them as they go.
    let mut texts = search::take_texts(site);
    let indexes: Vec<(Job, Vec<PackedText>)> = indexes
        .into_iter()
        .map(|job| (job, std::mem::take(&mut texts[job.lang])))
        .collect();
    drop(texts);
    let site = &*site;
    // Every job frees the HTML of the articles it was the last to show. An index reads
    // each article's HTML too (the text is packed against it), and lets go of each
    // article as it is done with it.
    let readers = release::Readers::new(site);
    for (job, _) in &indexes {
        readers.count(site, *job);
    }
    let jobs: Vec<(Job, Box<[u32]>)> = jobs
        .into_par_iter()
        .map(|job| (job, readers.count(site, job)))
        .collect();
    let renderer = Renderer {
        site,
        shared: &shared,
        templates,
    };
    let put_all = || {
        jobs.par_iter()
            .filter_map(|(job, shown)| {
                let files = match render_job(&renderer, *job) {
                    Ok(files) => files,
                    Err(d) => return Some(d),
                };
                // In parallel: the feeds job writes a file per feed and format.
                let put = files
                    .par_iter()
                    .find_map_first(|(path, bytes)| put(path, bytes).err());
                readers.done(site, *job, shown);
                put
            })
            .collect::<Vec<Diagnostic>>()
    };
    let (indexes, mut rendered) = rayon::join(
        || {
            indexes
                .into_par_iter()
                .filter_map(|(job, texts)| {
                    let s = Scope::of(site, job.lang);
                    let read = |at: PageRef| readers.read(site, job, at);
                    search::index_each(&s, &shared[job.lang], Some(texts), put, &read)
                        .and_then(|files| files.iter().try_for_each(|(p, b)| put(p, b)))
                        .err()
                })
                .collect::<Vec<_>>()
        },
        put_all,
    );
    rendered.extend(indexes);
    problems.extend(once_each(rendered));
    if problems.is_empty() {
        problems.extend(
            statics
                .par_iter()
                .filter_map(|s| put(&s.rel, &s.bytes).err())
                .collect::<Vec<_>>(),
        );
    }
    Diagnostics(problems).into_result(files + statics.len())
}

/// The problem of a static file (at output path `rel`, from the file `display`) whose
/// path a generated page already takes.
pub fn static_collision(rel: &str, display: &std::path::Path) -> Diagnostic {
    Diagnostic::new(
        display,
        Problem::UrlCollision {
            url: format!("/{rel}"),
            other: "a generated page".to_string(),
        },
    )
}

/// Static files go to the output root; one may not replace a generated page, nor lie in
/// the folders of a search index (whose files come and go with the site).
pub fn add_statics(output: &mut Output, statics: &[StaticFile]) -> Result<(), Diagnostics> {
    let mut problems = Vec::new();
    for s in statics {
        let generated = |path: &str| output.files.contains_key(path);
        if generated(&s.rel) || search::in_index_folder(&s.rel, generated) {
            problems.push(static_collision(&s.rel, &s.display));
        } else {
            output.files.insert(s.rel.clone(), s.bytes.clone());
        }
    }
    Diagnostics(problems).into_result(())
}

impl Local<'_> {
    /// One of attache's own words (the titles it gives its pages), in the pages' language.
    fn word(&self, key: &'static str) -> &str {
        self.templates.words.text(&self.shared.language.code, key)
    }

    /// Renders a themed page at the URL path `path` (or the file `404.html`) with
    /// `template`, the values every page has, and `values`.
    fn page(
        &self,
        template: &str,
        path: &str,
        title: &str,
        section: &str,
        values: Vec<(&'static str, Value)>,
    ) -> Result<Files, Diagnostic> {
        let mut values = values;
        values.extend(languages::values(self, path));
        let bytes = render_page(
            self.templates,
            self.shared,
            template,
            path,
            title,
            section,
            values,
        )?;
        Ok(vec![(pages::output_path(path), bytes)])
    }
}

fn render_page(
    templates: &Templates,
    shared: &Shared,
    template: &str,
    path: &str,
    title: &str,
    section: &str,
    values: Vec<(&'static str, Value)>,
) -> Result<Vec<u8>, Diagnostic> {
    let mut context = Context::new();
    for (k, v) in &shared.globals {
        context.insert_value(*k, v.clone());
    }

    context.insert_value("t", templates.words.t(&shared.language.code));
    context.insert_value("section", text(section));
    context.insert_value("title", text(title));
    context.insert_value("canonical", text(&shared.permalink(path)));
    // What a link preview shows, unless the page says more (articles, profiles).
    let share = share::Share {
        title,
        description: "",
        path,
        kind: share::Kind::Website,
        image: None,
    };
    context.insert_value("share", share.value(shared));
    for (k, v) in values {
        context.insert_value(k, v);
    }
    // Render into a buffer each thread reuses, then copy out exactly: pages are kept in
    // memory until written, and growth slack on ten thousand pages adds up to hundreds of
    // megabytes.
    thread_local! {
        static BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    BUFFER.with_borrow_mut(|buffer| {
        buffer.clear();
        templates
            .tera
            .render_to(template, &context, &mut *buffer)
            .map_err(|e| templates.diagnose(&e, Some(template)))?;
        Ok(buffer.as_slice().to_vec())
    })
}
