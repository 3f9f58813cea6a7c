//! Stage 2, parse: front matter into typed fields, Markdown into HTML.
//!
//! Two passes over the files, both parallel: the first reads every front matter (which
//! fixes each page's URL and the set of topics), the second renders Markdown, which needs
//! those URLs to turn links between Markdown files into links between pages. Problems
//! that concern one file alone (bad YAML, an unknown topic, a broken link) are found here;
//! problems between files (two pages on one URL) are found by `index`.

mod body;
mod dates;
mod fields;
pub mod front_matter;
mod head;
mod headings;
mod html_ids;
pub mod leftovers;
mod links;
pub mod markdown;
mod meta;
pub mod packed;
mod plain_text;
pub mod profile;
pub mod translate;
pub mod urls;

pub use packed::{Packed, PackedText, Releasable};

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;

use rayon::prelude::*;

use crate::config::Config;
use crate::error::{Diagnostic, Diagnostics, Location};
use crate::i18n::Lang;
use crate::load::ContentFile;
use body::read_body;
use front_matter::{ArticleMeta, PageMeta, TopicMeta};
pub use head::Head;
pub use head::Settings;
use head::read_head;
use markdown::{MarkdownOptions, Rendered, Translated};
pub use meta::{Common, Publication};
use profile::ProfileMeta;

/// Every `id` in a piece of raw HTML, as links may point at them.
pub fn html_ids(html: &str) -> Vec<String> {
    html_ids::ids(html)
}

/// The hint shown with a date that cannot be read.
pub fn fields_date_help(suggestion: Option<&str>) -> String {
    fields::date_help(suggestion)
}

/// What a content file is, from where it lies under `content/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// `content/_index.md`
    Home,
    /// `content/topics/<id>.md`
    Topic,
    /// `content/articles/**.md`
    Article,
    /// `content/pages/*.md`
    Page,
    /// `content/people/<slug>.md`: a person's profile.
    Person,
    /// `content/organizations/<slug>.md`: an organization's profile.
    Organization,
    /// `content/tags/<slug>.md`: a tag's profile (its name in each language, a note).
    Tag,
}

impl Kind {
    pub(crate) fn of(rel: &str) -> Option<Kind> {
        let depth = rel.matches('/').count();
        let first = rel.split('/').next()?;
        match first {
            _ if depth == 0 && crate::load::markdown_stem(first) == Some("_index") => {
                Some(Kind::Home)
            }
            "topics" if depth == 1 => Some(Kind::Topic),
            "articles" => Some(Kind::Article),
            "pages" if depth == 1 => Some(Kind::Page),
            "people" if depth == 1 => Some(Kind::Person),
            "organizations" if depth == 1 => Some(Kind::Organization),
            "tags" if depth == 1 => Some(Kind::Tag),
            _ => None,
        }
    }
}

/// Typed front matter, by kind.
#[derive(Debug, Clone)]
pub enum Meta {
    Home(PageMeta),
    Topic(TopicMeta),
    Article(Box<ArticleMeta>),
    Page(PageMeta),
    Profile(Box<ProfileMeta>),
}

impl Meta {
    pub fn title(&self) -> &str {
        match self {
            Meta::Home(m) | Meta::Page(m) => &m.title,
            Meta::Topic(m) => &m.title,
            Meta::Article(m) => &m.title,
            Meta::Profile(m) => &m.name,
        }
    }

    pub fn common_mut(&mut self) -> &mut Common {
        match self {
            Meta::Home(m) | Meta::Page(m) => &mut m.common,
            Meta::Topic(m) => &mut m.common,
            Meta::Article(m) => &mut m.common,
            Meta::Profile(m) => &mut m.common,
        }
    }

    /// When the page was last revised: the date it is "as of".
    pub fn updated(&self) -> Option<front_matter::PageDate> {
        match self {
            Meta::Home(m) | Meta::Page(m) => m.updated,
            Meta::Topic(m) => m.updated,
            Meta::Article(m) => Some(m.last_modified()),
            Meta::Profile(m) => m.updated,
        }
    }

    /// Language, aliases and chosen URL.
    pub fn common(&self) -> &Common {
        match self {
            Meta::Home(m) | Meta::Page(m) => &m.common,
            Meta::Topic(m) => &m.common,
            Meta::Article(m) => &m.common,
            Meta::Profile(m) => &m.common,
        }
    }

    fn summary(&self) -> Option<&str> {
        match self {
            Meta::Home(m) | Meta::Page(m) => m.summary.as_deref(),
            Meta::Topic(m) => m.summary.as_deref(),
            Meta::Article(m) => m.summary.as_deref(),
            Meta::Profile(m) => m.summary.as_deref(),
        }
    }
}

/// Where a front matter key or value is written, kept for problems found after parsing
/// (a stale overview, a profile's alias claimed twice).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spot {
    /// `updated`, `name`, or `aliases:<the alias>`.
    pub key: String,
    pub location: Location,
    /// The text of that line.
    pub line: String,
}

/// One parsed content file: everything later stages need, and nothing from disk.
#[derive(Debug, Clone)]
pub struct Page {
    pub kind: Kind,
    /// Path under `content/` (`articles/2025/x.md`).
    pub rel: String,
    /// Path from the site root, for messages.
    pub display: PathBuf,
    /// URL path below the site root: `""`, `articles/x/`, `topics/trade/`, `about/`.
    pub path: String,
    /// The slug, or the topic id.
    pub id: String,
    pub meta: Meta,
    /// Front matter keys attache does not know, handed to templates.
    pub extra: BTreeMap<String, serde_yaml::Value>,
    pub body: Rendered,
    /// What the writer should know about this file although it built (a misspelt key).
    pub warnings: Vec<Diagnostic>,
    /// The Markdown after the front matter, kept only when [`ParseOptions::keep_markdown`]
    /// asks for it: packs walk it again as events. A build reads it again only for the pages a
    /// pack shows (see [`crate::render::packs::keep_shown_markdown`]).
    pub markdown: Option<String>,
    /// How many bytes that Markdown has, kept or not: what a pack would hold.
    pub markdown_len: usize,
    /// The language it is written in: which edition of the site it is in.
    pub lang: Lang,
    /// The content path of the page it translates, for a translation.
    pub original: Option<String>,
    /// Whether the page is published at the moment of the build (a page that is not is
    /// only there with [`ParseOptions::future`]).
    pub publication: Publication,
    /// Where some keys are written, for later problems.
    pub spots: Vec<Spot>,
}

impl Page {
    pub fn title(&self) -> &str {
        self.meta.title()
    }

    /// The summary as plain text: front matter `summary`, else the one taken from the body.
    pub fn summary(&self) -> &str {
        self.meta.summary().unwrap_or(&self.body.summary)
    }

    pub fn article(&self) -> Option<&ArticleMeta> {
        match &self.meta {
            Meta::Article(m) => Some(m),
            _ => None,
        }
    }

    pub fn profile(&self) -> Option<&ProfileMeta> {
        match &self.meta {
            Meta::Profile(m) => Some(m),
            _ => None,
        }
    }

    /// Where `key` is written in the front matter, if it was kept.
    pub fn spot(&self, key: &str) -> Option<&Spot> {
        self.spots.iter().find(|s| s.key == key)
    }
}

/// Settings that change what parse produces.
#[derive(Debug, Clone, Copy, Default)]
pub struct ParseOptions {
    pub drafts: bool,
    /// Keep each page's Markdown in [`Page::markdown`] (for packs).
    pub keep_markdown: bool,
    /// Keep each body's links into the site ([`Rendered::references`] for `check`,
    /// [`Rendered::links_to`] for `serve`): a build needs neither, and at 100,000
    /// articles they take some 30 MiB.
    pub keep_links: bool,
    /// Include pages not yet published (`publish_date` to come) or withdrawn
    /// (`expiry_date` past), for review.
    pub future: bool,
    /// The moment of the build, which `publish_date` and `expiry_date` are compared with;
    /// read once per build by whoever makes the options.
    pub now: jiff::Timestamp,
}

impl ParseOptions {
    /// Whether a page with this head is in the build: it is neither a draft (unless
    /// drafts are wanted) nor unpublished at the moment of the build (unless the future
    /// is). Call it once the head is joined to the page it translates, if any.
    pub fn keeps(&self, head: &mut Head) -> bool {
        self.left_out(head).is_none()
    }

    /// Why a page with this head is left out, if it is; its publication is worked out
    /// again, as a translation takes its dates from its original.
    fn left_out(&self, head: &mut Head) -> Option<LeftOutAs> {
        head.publication = head.meta.common().publication(self.now);
        self.leaves_out(head)
    }

    /// Why a page with this head is left out, if it is.
    fn leaves_out(&self, head: &Head) -> Option<LeftOutAs> {
        if head.draft && !self.drafts {
            return Some(LeftOutAs::Draft);
        }
        match head.publication {
            _ if self.future => None,
            Publication::Published => None,
            Publication::Scheduled(_) => Some(LeftOutAs::Scheduled),
            Publication::Expired(_) => Some(LeftOutAs::Expired),
        }
    }
}

/// Why a page was left out of a build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LeftOutAs {
    Draft,
    Scheduled,
    Expired,
}

/// How many pages a build left out, and why.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LeftOut {
    pub drafts: usize,
    /// Not yet published (`publish_date` still to come).
    pub scheduled: usize,
    /// Withdrawn (`expiry_date` past).
    pub expired: usize,
}

impl LeftOut {
    fn count(&mut self, why: LeftOutAs) {
        match why {
            LeftOutAs::Draft => self.drafts += 1,
            LeftOutAs::Scheduled => self.scheduled += 1,
            LeftOutAs::Expired => self.expired += 1,
        }
    }

    pub fn total(&self) -> usize {
        self.drafts + self.scheduled + self.expired
    }

    /// `1 draft, 2 not yet published, 1 withdrawn`, or `None` when nothing was left out.
    pub fn describe(&self) -> Option<String> {
        let mut parts = Vec::new();
        if self.drafts > 0 {
            parts.push(format!(
                "{} draft{}",
                self.drafts,
                if self.drafts == 1 { "" } else { "s" }
            ));
        }
        if self.scheduled > 0 {
            parts.push(format!("{} not yet published", self.scheduled));
        }
        if self.expired > 0 {
            parts.push(format!("{} withdrawn", self.expired));
        }
        (!parts.is_empty()).then(|| parts.join(", "))
    }
}

/// The first pass for one file (as `serve` does on a save): front matter, kind and URL.
/// A translation's URL is known once it is joined to its original
/// ([`translate::join`]), which also says whether it is a draft; [`parse_all`] runs both
/// passes over every file.
pub fn parse_head(
    file: ContentFile,
    config: &Config,
    options: ParseOptions,
) -> Result<Head, Vec<Diagnostic>> {
    let mut head = read_head(file, &Settings::of(config), options.now)?;
    head.keep_markdown = options.keep_markdown;
    Ok(head)
}

/// The second pass for one file: Markdown to HTML, with links resolved through `urls`
/// (content path to URL, for every page, as [`parse_all`] builds it) and topics checked
/// against `topic_ids`. The page comes back with its problems, as in [`parse_lenient`].
pub fn parse_body(
    head: Head,
    urls: &HashMap<String, String>,
    translated: &Translated,
    topic_ids: &[&str],
    config: &Config,
) -> (Page, Vec<Diagnostic>) {
    let known = Known {
        topic_ids,
        topics: topic_ids.iter().copied().collect(),
        draft_topics: HashSet::new(),
        left_out: HashMap::new(),
    };
    let md = MarkdownOptions::of(config);
    read_body(head, urls, translated, &known, &md)
}

/// The topics an article may name, and those it may not because they are drafts; the
/// pages left out of the build, which no page may link to.
struct Known<'a> {
    topic_ids: &'a [&'a str],
    topics: HashSet<&'a str>,
    draft_topics: HashSet<&'a str>,
    left_out: HashMap<String, LeftOutAs>,
}

/// Parses every content file. Drafts are dropped unless `options.drafts`.
pub fn parse_all(
    files: Vec<ContentFile>,
    config: &Config,
    options: ParseOptions,
) -> Result<Vec<Page>, Diagnostics> {
    let (pages, problems) = parse_lenient(files, config, options);
    if !problems.iter().any(Diagnostic::is_error) {
        return Ok(pages);
    }
    let warnings = pages.iter().flat_map(|p| p.warnings.iter().cloned());
    Err(Diagnostics(problems).with(warnings))
}

/// Parses every file it can: the pages that parsed (each with its own warnings), and the
/// problems of those that did not (errors, and the warnings of those files). `attache
/// check` uses this to go on and check the good pages too.
pub fn parse_lenient(
    files: Vec<ContentFile>,
    config: &Config,
    options: ParseOptions,
) -> (Vec<Page>, Vec<Diagnostic>) {
    let (pages, problems, _) = parse_counted(files, config, options);
    (pages, problems)
}

/// As [`parse_lenient`], with how many pages were left out (drafts, pages not yet or no
/// longer published), for the summary of a build.
pub fn parse_counted(
    files: Vec<ContentFile>,
    config: &Config,
    options: ParseOptions,
) -> (Vec<Page>, Vec<Diagnostic>, LeftOut) {
    let settings = Settings::of(config);
    let results: Vec<Result<Head, (Vec<Diagnostic>, String)>> = files
        .into_par_iter()
        .map(|f| {
            let rel = f.rel.clone();
            read_head(f, &settings, options.now)
                .map(|mut h| {
                    h.keep_markdown = options.keep_markdown;
                    h
                })
                .map_err(|d| (d, rel))
        })
        .collect();
    let mut problems = Vec::new();
    let mut heads = Vec::with_capacity(results.len());
    // Files whose front matter failed still have a URL and a topic id from their name,
    // so that links and topics naming them are not reported as well.
    let mut failed: Vec<(String, Kind, String, String)> = Vec::new();
    for r in results {
        match r {
            Ok(h) => heads.push(h),
            Err((d, rel)) => {
                problems.extend(d);
                failed.extend(head::fallback(&rel, &settings).map(|(k, id, p)| (rel, k, id, p)));
            }
        }
    }
    // Translations take what they leave out from their originals (drafts too: a draft's
    // translation is a draft).
    let unreadable = translate::Unreadable(failed.iter().map(|(rel, ..)| rel.clone()).collect());
    let (joined, join_problems, unplaced) = translate::join(heads, &settings, &unreadable);
    problems.extend(join_problems);
    for rel in unplaced {
        failed.extend(head::fallback(&rel, &settings).map(|(k, id, p)| (rel, k, id, p)));
    }
    let mut heads = Vec::with_capacity(joined.len());
    let mut draft_topics: Vec<String> = Vec::new();
    let mut left_out = LeftOut::default();
    let mut left_out_rels = HashMap::new();
    for mut h in joined {
        match options.left_out(&mut h) {
            Some(why) => {
                left_out.count(why);
                left_out_rels.insert(h.file.rel.clone(), why);
                if h.kind == Kind::Topic && h.original().is_none() {
                    draft_topics.push(h.id);
                }
            }
            None => heads.push(h),
        }
    }

    let base_path = config.base_path();
    let urls: HashMap<String, String> = heads
        .iter()
        .map(|h| (h.file.rel.clone(), format!("{base_path}{}", h.path)))
        .chain(
            failed
                .iter()
                .map(|(rel, _, _, path)| (rel.clone(), format!("{base_path}{path}"))),
        )
        .collect();
    let translated = translated(heads.iter().filter_map(|h| {
        let original = h.original()?;
        Some((original, h.lang, format!("{base_path}{}", h.path)))
    }));
    let topic_names: Vec<String> = heads
        .iter()
        .filter(|h| h.kind == Kind::Topic)
        .map(|h| h.id.clone())
        .chain(
            failed
                .iter()
                .filter(|(_, kind, ..)| *kind == Kind::Topic)
                .map(|(_, _, id, _)| id.clone()),
        )
        .collect();
    let topic_ids: Vec<&str> = topic_names.iter().map(String::as_str).collect();
    let known = Known {
        topic_ids: &topic_ids,
        topics: topic_ids.iter().copied().collect(),
        draft_topics: draft_topics.iter().map(String::as_str).collect(),
        left_out: left_out_rels,
    };
    let md = MarkdownOptions::of(config);

    // A page with problems in its body is still kept, so `check` can go on checking it;
    // `parse_all` fails the build on any problem.
    let results: Vec<(Page, Vec<Diagnostic>)> = heads
        .into_par_iter()
        .map(|h| {
            let (mut page, problems) = read_body(h, &urls, &translated, &known, &md);
            if !options.keep_links {
                page.body.references = Vec::new();
                page.body.links_to = Vec::new();
            }
            (page, problems)
        })
        .collect();
    let mut pages = Vec::with_capacity(results.len());
    for (page, page_problems) in results {
        pages.push(page);
        problems.extend(page_problems);
    }
    pages.sort_by(|a, b| a.rel.cmp(&b.rel));
    (pages, problems, left_out)
}

/// The translations of each page, from `(original, language, URL)` of every translation.
pub fn translated<'a>(translations: impl Iterator<Item = (&'a str, Lang, String)>) -> Translated {
    let mut map = Translated::new();
    for (original, lang, url) in translations {
        map.entry(original.to_string())
            .or_default()
            .push((lang, url));
    }
    map
}

/// A topic's id, the one rule for it: the name of its file under `content/topics/` (without
/// `.md`) as a slug, so `Trade.md` is the topic `trade`. Articles name topics by this id.
pub fn topic_id(file_stem: &str) -> Result<String, &'static str> {
    checked_slug(file_stem)
}

/// A slug that is safe as one URL path segment and one folder name on any system.
pub fn checked_slug(raw: &str) -> Result<String, &'static str> {
    if raw.contains('\0') {
        return Err("it contains a NUL character");
    }
    if raw.contains('/') || raw.contains('\\') {
        return Err("it contains a path separator; a slug is one URL segment");
    }
    if raw.contains("..") {
        return Err("it contains `..`");
    }
    if raw.as_bytes().get(1) == Some(&b':') {
        return Err("it looks like a drive letter");
    }
    let slug = slug::slugify(raw);
    if slug.is_empty() {
        return Err("it has no letters or digits");
    }
    Ok(slug)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_follow_folders() {
        assert_eq!(Kind::of("_index.md"), Some(Kind::Home));
        assert_eq!(Kind::of("topics/trade.md"), Some(Kind::Topic));
        assert_eq!(Kind::of("articles/2025/01/x.md"), Some(Kind::Article));
        assert_eq!(Kind::of("pages/about.md"), Some(Kind::Page));
        assert_eq!(Kind::of("people/albert-khorev.md"), Some(Kind::Person));
        assert_eq!(Kind::of("organizations/sco.md"), Some(Kind::Organization));
        assert_eq!(Kind::of("people/x/y.md"), None);
        assert_eq!(Kind::of("stray.md"), None);
        assert_eq!(Kind::of("topics/nested/x.md"), None);
    }

    #[test]
    fn slugs_cannot_escape() {
        assert_eq!(checked_slug("Direct Flights!").unwrap(), "direct-flights");
        for bad in ["../etc", "a/b", "a\\b", "C:evil", "x\0y", "!!!"] {
            assert!(checked_slug(bad).is_err(), "{bad:?}");
        }
    }
}
