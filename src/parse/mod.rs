//! Stage 2, parse: front matter into typed fields, Markdown into HTML.
//!
//! Two passes over the files, both parallel: the first reads every front matter (which
//! fixes each page's URL and the set of topics), the second renders Markdown, which needs
//! those URLs to turn links between Markdown files into links between pages. Problems
//! that concern one file alone (bad YAML, an unknown topic, a broken link) are found here;
//! problems between files (two pages on one URL) are found by `index`.

pub mod front_matter;
pub mod markdown;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;

use rayon::prelude::*;

use crate::config::Config;
use crate::error::{Diagnostic, Diagnostics, Location, Problem, did_you_mean};
use crate::load::ContentFile;
use front_matter::{ARTICLE_KEYS, ArticleMeta, PAGE_KEYS, PageMeta, TOPIC_KEYS, TopicMeta};
use markdown::{Links, MarkdownOptions, Rendered};

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
}

impl Kind {
    fn of(rel: &str) -> Option<Kind> {
        let depth = rel.matches('/').count();
        match rel.split('/').next()? {
            "_index.md" if depth == 0 => Some(Kind::Home),
            "topics" if depth == 1 => Some(Kind::Topic),
            "articles" => Some(Kind::Article),
            "pages" if depth == 1 => Some(Kind::Page),
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
}

impl Meta {
    pub fn title(&self) -> &str {
        match self {
            Meta::Home(m) | Meta::Page(m) => &m.title,
            Meta::Topic(m) => &m.title,
            Meta::Article(m) => &m.title,
        }
    }

    fn summary(&self) -> Option<&str> {
        match self {
            Meta::Home(m) | Meta::Page(m) => m.summary.as_deref(),
            Meta::Topic(m) => m.summary.as_deref(),
            Meta::Article(m) => m.summary.as_deref(),
        }
    }
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
    /// The summary as plain text: front matter `summary`, else from the body.
    pub summary: String,
    /// The Markdown after the front matter, kept only when [`ParseOptions::keep_markdown`]
    /// asks for it: packs walk it again as events, a build does not need it.
    pub markdown: Option<String>,
}

impl Page {
    pub fn title(&self) -> &str {
        self.meta.title()
    }

    pub fn article(&self) -> Option<&ArticleMeta> {
        match &self.meta {
            Meta::Article(m) => Some(m),
            _ => None,
        }
    }
}

/// Settings that change what parse produces.
#[derive(Debug, Clone, Copy, Default)]
pub struct ParseOptions {
    pub drafts: bool,
    /// Keep each page's Markdown in [`Page::markdown`] (for packs).
    pub keep_markdown: bool,
}

/// A file after the first pass: front matter read, URL known.
pub struct Head {
    file: ContentFile,
    kind: Kind,
    meta: Meta,
    extra: BTreeMap<String, serde_yaml::Value>,
    body_offset: usize,
    path: String,
    id: String,
    keep_markdown: bool,
}

impl Head {
    /// Path under `content/`.
    pub fn rel(&self) -> &str {
        &self.file.rel
    }

    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// URL path below the site root, as in [`Page::path`].
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The slug, or the topic id.
    pub fn id(&self) -> &str {
        &self.id
    }
}

/// The first pass for one file (as `serve` does on a save): front matter, kind and URL.
/// `Ok(None)` for a draft left out. [`parse_all`] runs both passes over every file.
pub fn parse_head(file: ContentFile, options: ParseOptions) -> Result<Option<Head>, Diagnostic> {
    read_head(file, options)
}

/// The second pass for one file: Markdown to HTML, with links resolved through `urls`
/// (content path to URL, for every page, as [`parse_all`] builds it) and topics checked
/// against `topic_ids`. The page comes back with its problems, as in [`parse_lenient`].
pub fn parse_body(
    head: Head,
    urls: &HashMap<String, String>,
    topic_ids: &[&str],
    config: &Config,
) -> (Page, Vec<Diagnostic>) {
    let known_topics: HashSet<&str> = topic_ids.iter().copied().collect();
    let md = MarkdownOptions {
        smart_punctuation: config.markdown.smart_punctuation,
        unsafe_html: config.markdown.unsafe_html,
    };
    read_body(head, urls, topic_ids, &known_topics, &md)
}

/// Parses every content file. Drafts are dropped unless `options.drafts`.
pub fn parse_all(
    files: Vec<ContentFile>,
    config: &Config,
    options: ParseOptions,
) -> Result<Vec<Page>, Diagnostics> {
    let (pages, problems) = parse_lenient(files, config, options);
    Diagnostics(problems).into_result(pages)
}

/// Parses every file it can: the pages that parsed, and the problems of those that did
/// not. `attache check` uses this to go on and check the good pages too.
pub fn parse_lenient(
    files: Vec<ContentFile>,
    config: &Config,
    options: ParseOptions,
) -> (Vec<Page>, Vec<Diagnostic>) {
    let results: Vec<Result<Option<Head>, Diagnostic>> = files
        .into_par_iter()
        .map(|f| read_head(f, options))
        .collect();
    let mut problems = Vec::new();
    let mut heads = Vec::with_capacity(results.len());
    for r in results {
        match r {
            Ok(Some(h)) => heads.push(h),
            Ok(None) => {}
            Err(d) => problems.push(d),
        }
    }

    let base_path = config.base_path();
    let urls: HashMap<String, String> = heads
        .iter()
        .map(|h| (h.file.rel.clone(), format!("{base_path}{}", h.path)))
        .collect();
    let topic_names: Vec<String> = heads
        .iter()
        .filter(|h| h.kind == Kind::Topic)
        .map(|h| h.id.clone())
        .collect();
    let topic_ids: Vec<&str> = topic_names.iter().map(String::as_str).collect();
    let known_topics: HashSet<&str> = topic_ids.iter().copied().collect();
    let md = MarkdownOptions {
        smart_punctuation: config.markdown.smart_punctuation,
        unsafe_html: config.markdown.unsafe_html,
    };

    // A page with problems in its body is still kept, so `check` can go on checking it;
    // `parse_all` fails the build on any problem.
    let results: Vec<(Page, Vec<Diagnostic>)> = heads
        .into_par_iter()
        .map(|h| read_body(h, &urls, &topic_ids, &known_topics, &md))
        .collect();
    let mut pages = Vec::with_capacity(results.len());
    for (page, page_problems) in results {
        pages.push(page);
        problems.extend(page_problems);
    }
    pages.sort_by(|a, b| a.rel.cmp(&b.rel));
    (pages, problems)
}

fn read_head(file: ContentFile, options: ParseOptions) -> Result<Option<Head>, Diagnostic> {
    let fail = |problem, location: Option<Location>, file: &ContentFile| {
        let d = Diagnostic::new(file.display.clone(), problem);
        match location {
            Some(l) => d.at(l, &file.text),
            None => d,
        }
    };
    let Some(kind) = Kind::of(&file.rel) else {
        return Err(fail(
            Problem::FrontMatter(
                "this file is in no known place: articles go under content/articles/, topics in content/topics/, plain pages in content/pages/, the home page is content/_index.md".into(),
            ),
            None,
            &file,
        ));
    };
    let split = front_matter::split(&file.text).map_err(|(p, l)| fail(p, Some(l), &file))?;
    let (yaml, body_offset) = (split.yaml, split.body_offset);
    let located = |(p, l): (Problem, Option<Location>)| fail(p, l, &file);
    let (meta, known_keys) = match kind {
        Kind::Home => (
            Meta::Home(front_matter::deserialize(yaml).map_err(located)?),
            PAGE_KEYS,
        ),
        Kind::Topic => (
            Meta::Topic(front_matter::deserialize(yaml).map_err(located)?),
            TOPIC_KEYS,
        ),
        Kind::Article => (
            Meta::Article(Box::new(front_matter::deserialize(yaml).map_err(located)?)),
            ARTICLE_KEYS,
        ),
        Kind::Page => (
            Meta::Page(front_matter::deserialize(yaml).map_err(located)?),
            PAGE_KEYS,
        ),
    };
    let draft = match &meta {
        Meta::Article(m) => m.draft,
        Meta::Page(m) | Meta::Home(m) => m.draft,
        Meta::Topic(_) => false,
    };
    if draft && !options.drafts {
        return Ok(None);
    }
    let extra = front_matter::extra(yaml, known_keys);
    let stem = file
        .rel
        .rsplit('/')
        .next()
        .and_then(|n| n.strip_suffix(".md"))
        .unwrap_or("");
    let explicit_slug = match &meta {
        Meta::Article(m) => m.slug.as_deref(),
        Meta::Page(m) => m.slug.as_deref(),
        _ => None,
    };
    let raw_slug = explicit_slug.unwrap_or(stem);
    let id = match kind {
        Kind::Home => String::new(),
        _ => checked_slug(raw_slug).map_err(|reason| {
            let location =
                explicit_slug.and_then(|s| front_matter::locate_value(&file.text, "slug", s));
            fail(
                Problem::BadSlug {
                    slug: raw_slug.to_string(),
                    reason,
                },
                location,
                &file,
            )
        })?,
    };
    let path = match kind {
        Kind::Home => String::new(),
        Kind::Topic => format!("topics/{id}/"),
        Kind::Article => format!("articles/{id}/"),
        Kind::Page => format!("{id}/"),
    };
    Ok(Some(Head {
        file,
        kind,
        meta,
        extra,
        body_offset,
        path,
        id,
        keep_markdown: options.keep_markdown,
    }))
}

fn read_body(
    head: Head,
    urls: &HashMap<String, String>,
    topic_ids: &[&str],
    known_topics: &HashSet<&str>,
    md: &MarkdownOptions,
) -> (Page, Vec<Diagnostic>) {
    let text = &head.file.text;
    let mut problems = Vec::new();
    if let Meta::Article(m) = &head.meta {
        check_article(m, text, topic_ids, known_topics, &head.file, &mut problems);
    }
    let links = Links {
        urls,
        current: &head.file.rel,
    };
    let (mut body, broken) = markdown::render(&text[head.body_offset..], &links, md);
    for r in &mut body.references {
        r.location = Some(Location::of_offset(text, head.body_offset + r.offset));
    }
    for link in broken {
        let candidates = urls.keys().map(String::as_str);
        let wanted = markdown::join_content_path(&head.file.rel, &link.target).unwrap_or_default();
        let suggestion =
            did_you_mean(&wanted, candidates).map(|s| relative_link(&head.file.rel, &s));
        problems.push(
            Diagnostic::new(
                head.file.display.clone(),
                Problem::BrokenLink {
                    target: link.target,
                    suggestion,
                },
            )
            .at(
                Location::of_offset(text, head.body_offset + link.offset),
                text,
            ),
        );
    }
    let summary = head
        .meta
        .summary()
        .map(str::to_owned)
        .unwrap_or_else(|| body.summary.clone());
    let markdown = head
        .keep_markdown
        .then(|| text[head.body_offset..].to_string());
    let page = Page {
        kind: head.kind,
        rel: head.file.rel,
        display: head.file.display,
        path: head.path,
        id: head.id,
        meta: head.meta,
        extra: head.extra,
        body,
        summary,
        markdown,
    };
    (page, problems)
}

fn check_article(
    meta: &ArticleMeta,
    text: &str,
    topic_ids: &[&str],
    known_topics: &HashSet<&str>,
    file: &ContentFile,
    problems: &mut Vec<Diagnostic>,
) {
    let here = |problem, key: &str, value: &str| {
        let d = Diagnostic::new(file.display.clone(), problem);
        match front_matter::locate_value(text, key, value) {
            Some(l) => d.at(l, text),
            None => d,
        }
    };
    if meta.topics.is_empty() {
        problems.push(here(Problem::NoTopics, "topics", ""));
    }
    for topic in &meta.topics {
        if !known_topics.contains(topic.as_str()) {
            let mut known: Vec<String> = topic_ids.iter().map(|s| s.to_string()).collect();
            known.sort();
            problems.push(here(
                Problem::UnknownTopic {
                    topic: topic.clone(),
                    suggestion: did_you_mean(topic, topic_ids.iter().copied()),
                    known,
                },
                "topics",
                topic,
            ));
        }
    }
    for (field, names) in [
        ("people", &meta.people),
        ("organizations", &meta.organizations),
        ("tags", &meta.tags),
    ] {
        for name in names {
            if slug::slugify(name).is_empty() {
                problems.push(here(
                    Problem::BadName {
                        name: name.clone(),
                        field,
                    },
                    field,
                    name,
                ));
            }
        }
    }
    for url in meta.sources.iter().filter_map(|s| s.url.as_deref()) {
        if markdown::is_dangerous_url(url) {
            problems.push(here(
                Problem::UnsafeUrl {
                    url: url.to_string(),
                },
                "sources",
                url,
            ));
        }
    }
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

/// How `from` would link to `to` (both content paths), for did-you-mean hints.
fn relative_link(from: &str, to: &str) -> String {
    let from_dir: Vec<&str> = from.split('/').collect();
    let from_dir = &from_dir[..from_dir.len() - 1];
    let to_parts: Vec<&str> = to.split('/').collect();
    let common = from_dir
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let mut parts: Vec<&str> = vec![".."; from_dir.len() - common];
    parts.extend(&to_parts[common..]);
    parts.join("/")
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

    #[test]
    fn relative_links_for_hints() {
        assert_eq!(
            relative_link("articles/2025/a.md", "topics/trade.md"),
            "../../topics/trade.md"
        );
        assert_eq!(
            relative_link("articles/2025/a.md", "articles/2025/b.md"),
            "b.md"
        );
    }
}
