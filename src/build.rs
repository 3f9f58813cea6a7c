//! The pipeline: load → parse → index → render, as one call, plus writing to disk.

use std::collections::btree_map::Entry;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::config::Config;
use crate::emit::{self, Output, Written};
use crate::error::{Diagnostic, Diagnostics};
use crate::index::{self, EntityKind, Site};
use crate::load::{self, SiteDirs, Sources, StaticFile};
use crate::parse::{self, ParseOptions};
use crate::render::{self, Templates};

/// What a build may change from `site.yaml`.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub drafts: bool,
    /// Replaces `base_url` (for previews and staging hosts).
    pub base_url: Option<String>,
    /// Include pages not yet published or withdrawn (`publish_date`, `expiry_date`).
    pub future: bool,
    /// The moment the build happens at, for `publish_date` and `expiry_date`; the clock
    /// when `None` (tests and `--now` set it).
    pub now: Option<jiff::Timestamp>,
}

impl BuildOptions {
    /// The options with the moment of the build fixed: the clock is read here, once, so
    /// every page of one build is judged at the same moment.
    pub fn at_a_moment(&self) -> BuildOptions {
        BuildOptions {
            now: Some(self.now.unwrap_or_else(jiff::Timestamp::now)),
            ..self.clone()
        }
    }

    /// What parse needs of these options (after [`BuildOptions::at_a_moment`]).
    pub fn parse_options(&self, keep_markdown: bool) -> ParseOptions {
        ParseOptions {
            drafts: self.drafts,
            keep_markdown,
            keep_links: true,
            future: self.future,
            now: self.now.unwrap_or_else(jiff::Timestamp::now),
        }
    }
}

/// A site built in memory.
pub struct Built {
    pub site: Site,
    /// The files, for a build in memory; empty for a build to disk, which writes each file
    /// as it is rendered.
    pub output: Output,
    /// How many files the build made.
    pub files: usize,
    /// What a build to disk wrote and what it kept from the previous output.
    pub written: Option<Written>,
    /// What the writer should know although the site built (sorted by file).
    pub warnings: Diagnostics,
    pub elapsed: Duration,
    /// Time spent in each stage, in pipeline order.
    pub stages: Vec<(&'static str, Duration)>,
    /// The pages left out: drafts, and pages not yet or no longer published.
    pub left_out: parse::LeftOut,
}

impl Built {
    /// One line on what was built, e.g. for the terminal.
    pub fn summary(&self) -> String {
        let s = &self.site;
        let sum = |f: &dyn Fn(&crate::index::Edition) -> usize| s.editions.iter().map(f).sum();
        let entities = |k: EntityKind| {
            if k.enabled(&s.config) {
                sum(&|e| e.entities[&k].len())
            } else {
                0
            }
        };
        let count =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        let languages = match s.editions.len() {
            1 => String::new(),
            n => format!(" in {n} languages"),
        };
        let left_out = match self.left_out.describe() {
            Some(what) => format!("; left out {what}"),
            None => String::new(),
        };
        format!(
            "{}, {}, {}, {}, {}, {}{languages} ({}){left_out}",
            count(sum(&|e| e.articles.len()), "article", "articles"),
            count(sum(&|e| e.topics.len()), "topic", "topics"),
            count(sum(&|e| e.pages.len()), "page", "pages"),
            count(entities(EntityKind::People), "person", "people"),
            count(
                entities(EntityKind::Organizations),
                "organization",
                "organizations"
            ),
            count(entities(EntityKind::Tags), "tag", "tags"),
            count(self.files, "file", "files"),
        )
    }
}

/// Reads `site.yaml` and applies command-line overrides.
pub fn load_config(root: &Path, options: &BuildOptions) -> Result<Config, Diagnostics> {
    let mut config = Config::load(root)?;
    if let Some(url) = &options.base_url {
        config.base_url = crate::config::normalize_base_url(url).map_err(|reason| {
            Diagnostic::new("--base-url", crate::error::Problem::Config(reason))
        })?;
    }
    Ok(config)
}

/// Builds the site at `root` in memory.
pub fn build(root: &Path, options: &BuildOptions) -> Result<Built, Diagnostics> {
    let config = load_config(root, options)?;
    build_with(root, config, options)
}

/// Builds the site at `root` with an already loaded configuration.
pub fn build_with(
    root: &Path,
    config: Config,
    options: &BuildOptions,
) -> Result<Built, Diagnostics> {
    let start = Instant::now();
    let options = &options.at_a_moment();
    let dirs = SiteDirs::new(root, &config);
    let sources = load::load(&dirs)?;
    let mut stages = vec![("load", start.elapsed())];
    let (site, mut output, warnings, left_out) =
        build_stages(root, config, sources, options, &mut stages)?;
    if site.config.packs.pdf {
        let start = Instant::now();
        let pdfs = pack_pdfs(&site, &dirs, &output).map_err(|d| d.with(warnings.0.clone()))?;
        add_generated(&mut output, pdfs).map_err(|d| d.with(warnings.0.clone()))?;
        stages.push(("pdf", start.elapsed()));
    }
    Ok(Built {
        site,
        files: output.files.len(),
        output,
        written: None,
        warnings,
        elapsed: start.elapsed(),
        stages,
        left_out,
    })
}

/// The PDFs of the site's packs (`packs.pdf: true`), typeset with the fonts the theme
/// carries and those among the site's static files, as `attache pack` does.
fn pack_pdfs(site: &Site, dirs: &SiteDirs, output: &Output) -> Result<render::Files, Diagnostics> {
    let statics = output
        .files
        .iter()
        .map(|(rel, b)| (rel.as_str(), b.as_slice()));
    let fonts = render::packs::fonts(dirs, statics)?;
    render::packs::pdfs(site, &fonts)
}

/// The PDFs of the packs of a site built to disk; a static file may not already be at
/// their place (as [`add_generated`] checks for a build in memory).
fn disk_pack_pdfs(ready: &Ready, dirs: &SiteDirs) -> Result<render::Files, Diagnostics> {
    let statics = ready
        .statics
        .iter()
        .map(|f| (f.rel.as_str(), f.bytes.as_slice()));
    let fonts = render::packs::fonts(dirs, statics)?;
    let pdfs = render::packs::pdfs(&ready.site, &fonts)?;
    let problems: Vec<_> = ready
        .statics
        .iter()
        .filter(|f| pdfs.iter().any(|(rel, _)| *rel == f.rel))
        .map(|f| render::static_collision(&f.rel, &f.display))
        .collect();
    Diagnostics(problems).into_result(pdfs)
}

/// Adds files made after rendering; a static file may not already be at their place.
fn add_generated(output: &mut Output, files: render::Files) -> Result<(), Diagnostics> {
    let mut problems = Vec::new();
    for (rel, bytes) in files {
        match output.files.entry(rel) {
            Entry::Occupied(taken) => {
                problems.push(render::static_collision(
                    taken.key(),
                    Path::new(taken.key()),
                ));
            }
            Entry::Vacant(place) => {
                place.insert(bytes);
            }
        }
    }
    Diagnostics(problems).into_result(())
}

/// A site ready to render: indexed, its templates compiled, and the warnings so far.
struct Ready {
    site: Site,
    templates: Templates,
    statics: Vec<StaticFile>,
    warnings: Diagnostics,
    /// The pages left out because they are not yet published or have expired.
    left_out: parse::LeftOut,
}

fn build_stages(
    root: &Path,
    config: Config,
    sources: Sources,
    options: &BuildOptions,
    stages: &mut Vec<(&'static str, Duration)>,
) -> Result<(Site, Output, Diagnostics, parse::LeftOut), Diagnostics> {
    let ready = prepare(root, config, sources, options, stages)?;
    let clock = Instant::now();
    let output = render::render(&ready.site, &ready.templates, &ready.statics)
        .map_err(|d| d.with(ready.warnings.0.clone()))?;
    stages.push(("render", clock.elapsed()));
    Ok((ready.site, output, ready.warnings, ready.left_out))
}

/// Parse and index go on past problems, as `check` does, so a failed build reports every
/// problem of every file (a duplicate URL along with a bad date elsewhere), and the
/// warnings with them; rendering starts only when there is no error.
fn prepare(
    root: &Path,
    config: Config,
    sources: Sources,
    options: &BuildOptions,
    stages: &mut Vec<(&'static str, Duration)>,
) -> Result<Ready, Diagnostics> {
    let mut clock = Instant::now();
    let mut lap = |name: &'static str, stages: &mut Vec<(&'static str, Duration)>| {
        stages.push((name, clock.elapsed()));
        clock = Instant::now();
    };
    let Sources {
        content,
        templates,
        statics,
        warnings: load_warnings,
        i18n,
    } = sources;
    // Templates and content are independent until rendering: check both, report both.
    let (templates, (pages, mut problems, left_out)) = rayon::join(
        || Templates::compile(&templates, &i18n, &config.languages),
        || {
            // Pack pages draw the bodies again from their Markdown, which is read again
            // below for the pages a pack shows.
            // Nor does a build look at the bodies' links again once they are resolved.
            let options = ParseOptions {
                keep_links: false,
                ..options.parse_options(false)
            };
            parse::parse_counted(content, &config, options)
        },
    );
    lap("parse", stages);
    let (mut site, index_problems) = index::index_lenient(config, pages);
    if site.config.packs.enabled {
        problems.extend(render::packs::keep_shown_markdown(&mut site, root));
    }
    problems.extend(index_problems);
    problems.extend(load_warnings);
    problems.extend(index::warnings(&site));
    if let Err(d) = &templates {
        problems.extend(d.0.iter().cloned());
    }
    let problems = Diagnostics(problems).sorted();
    let templates = match templates {
        Ok(t) if !problems.has_errors() => t,
        _ => return Err(problems),
    };
    lap("index", stages);
    Ok(Ready {
        site,
        templates,
        statics,
        warnings: problems,
        left_out,
    })
}

/// The output folder a build writes to: `-o` if given, else `output_dir` from site.yaml.
pub fn output_dir(root: &Path, config: &Config, flag: Option<&Path>) -> PathBuf {
    match flag {
        Some(p) => p.to_path_buf(),
        None => root.join(&config.output_dir),
    }
}

/// Builds the site and writes it to `out` (or the configured output folder), each file as
/// soon as it is rendered, into a staging folder that replaces the output folder only when
/// every file is written. Files whose bytes did not change are linked from the previous
/// output rather than written again (see [`emit::Staging`]).
pub fn build_to_disk(
    root: &Path,
    out: Option<&Path>,
    options: &BuildOptions,
) -> Result<(Built, PathBuf), Diagnostics> {
    let start = Instant::now();
    let options = &options.at_a_moment();
    let config = load_config(root, options)?;
    let dir = checked_output_dir(root, &config, out)?;
    let dirs = SiteDirs::new(root, &config);
    let sources = load::load(&dirs)?;
    let mut stages = vec![("load", start.elapsed())];
    let mut ready = prepare(root, config, sources, options, &mut stages)?;
    let clock = Instant::now();
    let warnings = &ready.warnings;
    let staging =
        emit::Staging::begin(&dir).map_err(|d| Diagnostics::one(d).with(warnings.0.clone()))?;
    let files = render::render_each(
        &mut ready.site,
        &ready.templates,
        &ready.statics,
        &|p, b| staging.put(p, b),
    )
    .map_err(|d| d.with(warnings.0.clone()))?;
    stages.push(("render+write", clock.elapsed()));
    let files = if ready.site.config.packs.pdf {
        let clock = Instant::now();
        let pdfs = disk_pack_pdfs(&ready, &dirs).map_err(|d| d.with(warnings.0.clone()))?;
        for (rel, bytes) in &pdfs {
            staging
                .put(rel, bytes)
                .map_err(|d| Diagnostics::one(d).with(warnings.0.clone()))?;
        }
        stages.push(("pdf", clock.elapsed()));
        files + pdfs.len()
    } else {
        files
    };
    let clock = Instant::now();
    let written = staging.finish().map_err(|d| d.with(warnings.0.clone()))?;
    stages.push(("swap", clock.elapsed()));
    let Ready {
        site,
        warnings,
        left_out,
        ..
    } = ready;
    let built = Built {
        site,
        left_out,
        output: Output::default(),
        files,
        written: Some(written),
        warnings,
        elapsed: start.elapsed(),
        stages,
    };
    Ok((built, dir))
}

/// The output folder, once it is known to be safe to replace (see
/// [`emit::check_output_dir`]); a problem points at where the folder was chosen.
pub fn checked_output_dir(
    root: &Path,
    config: &Config,
    flag: Option<&Path>,
) -> Result<PathBuf, Diagnostic> {
    let dir = output_dir(root, config, flag);
    emit::check_output_dir(root, &dir).map_err(|d| where_output_was_chosen(d, root, flag))?;
    Ok(dir)
}

/// Points a problem with the output folder at where that folder was chosen: the `--output`
/// flag, or the `output_dir` line of site.yaml.
fn where_output_was_chosen(mut d: Diagnostic, root: &Path, flag: Option<&Path>) -> Diagnostic {
    if flag.is_some() {
        d.path = PathBuf::from("--output");
        return d;
    }
    let text = std::fs::read_to_string(root.join(crate::config::CONFIG_FILE)).unwrap_or_default();
    match crate::config::find_key(&text, "output_dir") {
        Some(l) => d.at(l, &text),
        None => d,
    }
}
