//! The site in memory: the sources, the site made from them, and what is kept from one
//! rebuild to the next so that the next one does little (the jobs' declarations, article
//! cards, the search index, lookups by content path).

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use rustc_hash::FxHashMap;

use super::affected::JobTable;
use super::search;
use super::sources::Sources;
use crate::build::{self, BuildOptions};
use crate::error::{Diagnostic, Diagnostics};
use crate::i18n::Lang;
use crate::index::{self, PageRef, Site};
use crate::load::{self, SiteDirs};
use crate::parse::markdown::Translated;
use crate::parse::{self, ParseOptions};
use crate::render::Templates;
use crate::render::values::Shared;

/// The site in memory, consistent with the sources as last read.
pub(super) struct Model {
    pub(super) sources: Sources,
    pub(super) site: Site,
    /// The shared values of each language's edition, by language.
    pub(super) shared: Vec<Shared>,
    pub(super) lookup: Lookup,
    /// Every job of `site`, with what it writes and what it reads.
    pub(super) jobs: JobTable,
    /// The search index of each edition, kept between rebuilds, by language.
    pub(super) search: Vec<search::Kept>,
    /// The warnings to report with the next result: those of the whole site after a full
    /// load, those of the changed files after an update.
    pub(super) warnings: Vec<Diagnostic>,
}

/// Lookups by content path, for every page in the site.
#[derive(Debug, Clone, Default)]
pub(super) struct Lookup {
    /// Content path to URL: what links between Markdown files resolve through.
    pub(super) urls: HashMap<String, String>,
    /// The translations of each page that has some, with their URLs: a link from a page
    /// in one language to a page with a translation in it leads to the translation.
    pub(super) translated: Translated,
    /// Content path to topic id, for every topic (in every language).
    pub(super) topic_ids: BTreeMap<String, String>,
    /// Content path to the language and place of the page in the site.
    pub(super) locate: FxHashMap<String, (Lang, PageRef)>,
}

impl Lookup {
    pub(super) fn of(site: &Site) -> Lookup {
        let base_path = site.config.base_path();
        Lookup {
            urls: site
                .all_pages()
                .map(|p| (p.rel.clone(), format!("{base_path}{}", p.path)))
                .collect(),
            translated: Lookup::translated(site),
            topic_ids: site
                .editions
                .iter()
                .flat_map(|e| &e.topics)
                .map(|t| (t.page.rel.clone(), t.page.id.clone()))
                .collect(),
            locate: Lookup::locate(site),
        }
    }

    /// The translations of every page, with their URLs.
    pub(super) fn translated(site: &Site) -> Translated {
        let base_path = site.config.base_path();
        parse::translated(site.all_pages().filter_map(|p| {
            Some((
                p.original.as_deref()?,
                p.lang,
                format!("{base_path}{}", p.path),
            ))
        }))
    }

    /// Content path to where the page is, for every page of `site`.
    pub(super) fn locate(site: &Site) -> FxHashMap<String, (Lang, PageRef)> {
        site.page_refs()
            .map(|(lang, at, p)| (p.rel.clone(), (lang, at)))
            .collect()
    }
}

impl Model {
    /// Reads everything from disk and makes the site, as a build does up to rendering.
    pub(super) fn load(root: &Path, options: &BuildOptions) -> Result<Model, Diagnostics> {
        let config = build::load_config(root, options)?;
        let dirs = SiteDirs::new(root, &config);
        let mut sources = load::load(&dirs)?;
        let mut warnings = std::mem::take(&mut sources.warnings);
        let texts = sources.content.clone();
        let parse_options: ParseOptions = options.parse_options(config.packs.enabled);
        let (templates, pages) = rayon::join(
            || Templates::compile(&sources.templates, &sources.i18n, &config.languages),
            || parse::parse_all(sources.content, &config, parse_options),
        );
        let (templates, pages) =
            Diagnostics::both(templates, pages).map_err(|d| d.with(warnings.clone()))?;
        let languages = config.languages.clone();
        let site = index::index(config, pages)?;
        warnings.extend(index::warnings(&site));
        let mut model = Model::new(
            Sources::new(dirs, languages, &texts, templates, sources.statics),
            site,
        );
        model.warnings = warnings;
        Ok(model)
    }

    fn new(sources: Sources, site: Site) -> Model {
        Model {
            shared: Shared::all(&site),
            lookup: Lookup::of(&site),
            jobs: JobTable::of(&site),
            search: site
                .editions
                .iter()
                .map(|_| search::Kept::default())
                .collect(),
            warnings: Vec::new(),
            sources,
            site,
        }
    }
}
