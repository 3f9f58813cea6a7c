//! The typed front matter of each kind of page, read field by field with a [`Reader`].

use jiff::civil::Date;
use serde::Deserialize;
use serde_yaml::Value;

use super::dates::PageDate;
use super::fields::Reader;
use super::urls;
use crate::error::Problem;

/// A cited source.
///
/// Many items a briefing cites have no headline of their own (a wire report, a cable, a
/// statement read out), so `title` is optional: an untitled item is cited by a plain
/// `description` instead, which templates must never present as a title. A source needs
/// one of the two; [`Source::is_described`] says whether it has one.
#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    /// The item's own title or headline, exactly as published.
    pub title: Option<String>,
    /// What the item is, in a few lower-case words (`news report`, `speech`).
    pub kind: Option<String>,
    /// The item described in plain words, for an item without a title of its own
    /// (`News report (untitled)`).
    pub description: Option<String>,
    pub publisher: Option<String>,
    pub url: Option<String>,
    pub date: Option<PageDate>,
    /// The place a report was filed from (`Islamabad`).
    pub dateline: Option<String>,
}

impl Source {
    /// Whether a reader can tell what the source is: it has a title or a description that
    /// is not blank.
    pub fn is_described(&self) -> bool {
        let given = |s: &Option<String>| s.as_deref().is_some_and(|s| !s.trim().is_empty());
        given(&self.title) || given(&self.description)
    }
}

/// A source as written; a misspelt field inside it is an error, since nothing else
/// would show it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SourceText {
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    publisher: Option<String>,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    date: Option<Value>,
    #[serde(default)]
    dateline: Option<String>,
}

/// Front matter of `content/articles/**.md`.
#[derive(Debug, Clone)]
pub struct ArticleMeta {
    pub title: String,
    pub date: PageDate,
    pub topics: Vec<String>,
    pub summary: Option<String>,
    pub key_points: Vec<String>,
    pub people: Vec<String>,
    pub organizations: Vec<String>,
    pub tags: Vec<String>,
    /// Categories as written (Jekyll, Hugo); the topics when `topics` is not given.
    pub categories: Vec<String>,
    /// The topics are the `categories` made into ids, for want of `topics`.
    pub topics_from_categories: bool,
    /// `author` and `authors`, shown on the article and in feeds.
    pub authors: Vec<String>,
    pub location: Option<String>,
    pub sources: Vec<Source>,
    pub slug: Option<String>,
    pub updated: Option<PageDate>,
    pub draft: bool,
    pub common: Common,
}

impl ArticleMeta {
    /// When the article last changed: `updated`, unless that is before `date`.
    pub fn last_modified(&self) -> PageDate {
        self.updated.unwrap_or(self.date).max(self.date)
    }
}

/// The date of an article that has none of its own yet (a translation, until it takes its
/// original's).
pub(super) const UNDATED: PageDate = PageDate {
    instant: jiff::Timestamp::UNIX_EPOCH,
    date: jiff::civil::date(1970, 1, 1),
};

/// Fields every kind of page may have.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Common {
    /// The page's language (a BCP 47 tag such as `en` or `ur`), when it is not the site's.
    pub lang: Option<String>,
    /// Old URLs of the page, as output paths (`blog/old/`, `2013/02/x.html`), each to
    /// redirect to the page.
    pub aliases: Vec<String>,
    /// The page's own URL path (`blog/release/v2/`), when the writer chose one.
    pub permalink: Option<String>,
    /// Published from this moment on (`publish_date`); before it, a build leaves the page
    /// out unless asked for the future.
    pub publish_date: Option<PageDate>,
    /// Withdrawn from this moment on (`expiry_date`).
    pub expiry_date: Option<PageDate>,
    /// The picture link previews show (`image`), as written: a path below the site or a
    /// full URL.
    pub image: Option<String>,
}

impl Common {
    /// Whether the page is published at `now`: not before its `publish_date`, not from
    /// its `expiry_date` on.
    pub fn publication(&self, now: jiff::Timestamp) -> Publication {
        match (self.publish_date, self.expiry_date) {
            (Some(from), _) if from.instant > now => Publication::Scheduled(from),
            (_, Some(until)) if until.instant <= now => Publication::Expired(until),
            _ => Publication::Published,
        }
    }
}

/// Where a page stands at the moment of a build.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Publication {
    Published,
    /// Not yet published: its `publish_date` is still to come.
    Scheduled(PageDate),
    /// Withdrawn: its `expiry_date` has passed.
    Expired(PageDate),
}

pub const ARTICLE_KEYS: &[&str] = &[
    "title",
    "date",
    "topics",
    "summary",
    "key_points",
    "people",
    "organizations",
    "tags",
    "categories",
    "author",
    "authors",
    "location",
    "sources",
    "slug",
    "updated",
    "draft",
    "published",
    "lang",
    "aliases",
    "redirect_from",
    "permalink",
    "url",
    "taxonomies",
    "publish_date",
    "expiry_date",
    "image",
];

/// Front matter of `content/topics/<id>.md`.
#[derive(Debug, Clone)]
pub struct TopicMeta {
    pub title: String,
    pub summary: Option<String>,
    /// Lower weights come first in menus and on the home page.
    pub weight: i64,
    /// When the overview was last revised ("state of play as of"); a pack of the topic is
    /// "as of" this date when it is newer than every article in it.
    pub updated: Option<PageDate>,
    pub draft: bool,
    pub common: Common,
}

pub const TOPIC_KEYS: &[&str] = &[
    "title",
    "summary",
    "weight",
    "updated",
    "draft",
    "published",
    "lang",
    "aliases",
    "redirect_from",
    "publish_date",
    "expiry_date",
    "image",
];

/// Front matter of `content/_index.md` and `content/pages/*.md`.
#[derive(Debug, Clone)]
pub struct PageMeta {
    pub title: String,
    pub summary: Option<String>,
    pub slug: Option<String>,
    /// Show a link to this page in the main menu.
    pub menu: bool,
    pub weight: i64,
    /// When the page was last revised.
    pub updated: Option<PageDate>,
    pub draft: bool,
    pub common: Common,
}

pub const PAGE_KEYS: &[&str] = &[
    "title",
    "summary",
    "slug",
    "menu",
    "weight",
    "updated",
    "draft",
    "published",
    "lang",
    "aliases",
    "redirect_from",
    "permalink",
    "url",
    "publish_date",
    "expiry_date",
    "image",
];

/// Reads an article. `file_date` is the date in a Jekyll-style file name
/// (`2013-02-24-title.md`), used when there is no `date`. A translation (`translation`)
/// may leave the date out: it comes from the page it translates.
pub(super) fn article(
    r: &mut Reader,
    file_date: Option<Date>,
    translation: bool,
) -> Option<ArticleMeta> {
    let title = r.required_text("title");
    let date = match r.has("date") {
        true => r.date("date"),
        false => match file_date {
            Some(d) => PageDate::parse_in(&d.to_string(), r.tz).ok(),
            None if translation => Some(UNDATED),
            None => {
                r.missing(
                    "date",
                    " (or start the file name with it: 2025-01-15-name.md)",
                );
                None
            }
        },
    };
    let mut topics = r.list("topics");
    let mut tags = r.list("tags");
    let mut categories = r.list("categories");
    // Zola files tags and categories under `[taxonomies]`.
    if let Some(Value::Mapping(taxonomies)) = r.take("taxonomies") {
        for (name, values) in taxonomies {
            match name.as_str() {
                Some("tags") => tags.extend(r.list_of("taxonomies", values)),
                Some("categories") => categories.extend(r.list_of("taxonomies", values)),
                _ => {}
            }
        }
    }
    let topics_from_categories = topics.is_empty() && !categories.is_empty();
    if topics_from_categories {
        for category in &categories {
            let id = slug::slugify(category);
            if !id.is_empty() && !topics.contains(&id) {
                topics.push(id);
            }
        }
    }
    let mut authors = r.list("authors");
    for author in r.list("author") {
        if !authors.contains(&author) {
            authors.push(author);
        }
    }
    let meta = ArticleMeta {
        summary: r.text("summary"),
        key_points: r.list("key_points"),
        people: r.list("people"),
        organizations: r.list("organizations"),
        location: r.text("location"),
        sources: sources(r),
        slug: r.text("slug"),
        updated: r.date("updated"),
        draft: draft(r),
        common: common(r, true),
        title: title.unwrap_or_default(),
        // Only used when there is no error, and then the date was read.
        date: date.unwrap_or(UNDATED),
        topics,
        tags,
        categories,
        topics_from_categories,
        authors,
    };
    (!r.has_errors()).then_some(meta)
}

pub(super) fn topic(r: &mut Reader) -> Option<TopicMeta> {
    let meta = TopicMeta {
        title: r.required_text("title").unwrap_or_default(),
        summary: r.text("summary"),
        weight: r.integer("weight").unwrap_or(0),
        updated: r.date("updated"),
        draft: draft(r),
        common: common(r, false),
    };
    (!r.has_errors()).then_some(meta)
}

/// A plain page, or the home page (which has no URL of its own to choose).
pub(super) fn page(r: &mut Reader, home: bool) -> Option<PageMeta> {
    let meta = PageMeta {
        title: r.required_text("title").unwrap_or_default(),
        summary: r.text("summary"),
        slug: r.text("slug"),
        menu: r.flag("menu").unwrap_or(false),
        weight: r.integer("weight").unwrap_or(0),
        updated: r.date("updated"),
        draft: draft(r),
        common: common(r, !home),
    };
    (!r.has_errors()).then_some(meta)
}

/// `draft: true`, or Jekyll's `published: false`.
fn draft(r: &mut Reader) -> bool {
    let draft = r.flag("draft").unwrap_or(false);
    let unpublished = r.flag("published") == Some(false);
    draft || unpublished
}

fn common(r: &mut Reader, own_url: bool) -> Common {
    let lang = r.text("lang").filter(|lang| {
        let ok = is_language_tag(lang);
        if !ok {
            r.error(
                "lang",
                Problem::FrontMatter(format!(
                    "`{lang}` is not a language tag: write one such as `en`, `ur`, `ru` or `pt-BR`"
                )),
            );
        }
        ok
    });
    let mut aliases = Vec::new();
    for key in ["aliases", "redirect_from"] {
        for written in r.list(key) {
            match urls::alias_path(&written) {
                Ok(path) if !aliases.contains(&path) => aliases.push(path),
                Ok(_) => {}
                Err(reason) => r.error_in(
                    key,
                    &written,
                    Problem::BadPath {
                        field: "aliases",
                        path: written.clone(),
                        reason,
                    },
                ),
            }
        }
    }
    let mut permalink = None;
    if own_url {
        let written = match (r.text("permalink"), r.text("url")) {
            (Some(p), Some(_)) => {
                r.error(
                    "url",
                    Problem::FrontMatter(
                        "`permalink` and `url` both set the page's URL: keep one of them".into(),
                    ),
                );
                Some(("permalink", p))
            }
            (Some(p), None) => Some(("permalink", p)),
            (None, Some(u)) => Some(("url", u)),
            (None, None) => None,
        };
        if let Some((key, written)) = written {
            match urls::page_path(&written) {
                Ok((path, old)) => {
                    permalink = Some(path);
                    // `/x.html` is served as `/x/`; the old address redirects there.
                    aliases.extend(old.filter(|o| !aliases.contains(o)));
                }
                Err(reason) => r.error_in(
                    key,
                    &written,
                    Problem::BadPath {
                        field: if key == "url" { "url" } else { "permalink" },
                        path: written.clone(),
                        reason,
                    },
                ),
            }
        }
    }
    let (publish_date, expiry_date) = publication_dates(r);
    let image = r.text("image").filter(|image| {
        let ok = !super::markdown::is_dangerous_url(image);
        if !ok {
            r.error("image", Problem::UnsafeUrl { url: image.clone() });
        }
        ok
    });
    Common {
        lang,
        aliases,
        permalink,
        publish_date,
        expiry_date,
        image,
    }
}

/// `publish_date` and `expiry_date`; a page withdrawn before it is published is an error
/// at its `expiry_date`.
pub(super) fn publication_dates(r: &mut Reader) -> (Option<PageDate>, Option<PageDate>) {
    let publish = r.date("publish_date");
    let expiry = r.date("expiry_date");
    if let (Some(p), Some(e)) = (publish, expiry)
        && e.instant <= p.instant
    {
        r.error(
            "expiry_date",
            Problem::FrontMatter(format!(
                "`expiry_date` ({}) is not after `publish_date` ({}): the page would never be published; correct one of the dates",
                e.iso(),
                p.iso()
            )),
        );
        return (publish, None);
    }
    (publish, expiry)
}

fn sources(r: &mut Reader) -> Vec<Source> {
    let Some(value) = r.take("sources") else {
        return Vec::new();
    };
    let items = match value {
        Value::Sequence(items) => items,
        Value::Null => return Vec::new(),
        other => vec![other],
    };
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        if !matches!(item, Value::Mapping(_)) {
            r.error_at_item(
                "sources",
                i,
                Problem::FrontMatter(format!(
                    "source {} in `sources` should be a map with a `title:` (or a `description:` for an untitled item, and `kind:`, `publisher:`, `url:`, `date:`, `dateline:` as needed), not {}",
                    i + 1,
                    super::front_matter::describe(&item)
                )),
            );
            continue;
        }
        match SourceText::deserialize(item) {
            Ok(s) => {
                let date = s.date.and_then(|d| r.date_of("sources", d));
                out.push(Source {
                    title: s.title,
                    kind: s.kind,
                    description: s.description,
                    publisher: s.publisher,
                    url: s.url,
                    date,
                    dateline: s.dateline,
                });
            }
            Err(e) => {
                let message = crate::config::strip_yaml_location(&e.to_string());
                let message = match message.strip_prefix("missing field ") {
                    Some(field) => format!("the required field {field} is missing"),
                    None => message,
                };
                let problem =
                    Problem::FrontMatter(format!("source {} in `sources`: {message}", i + 1));
                match message
                    .strip_prefix("unknown field `")
                    .and_then(|rest| rest.split('`').next())
                {
                    Some(field) => r.error_in("sources", field, problem),
                    None => r.error_at_item("sources", i, problem),
                }
            }
        }
    }
    out
}

/// `en`, `ur`, `pt-BR`, `zh-Hant-TW`: a language and optional subtags.
fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split(['-', '_']);
    let primary = parts.next().unwrap_or("");
    (2..=3).contains(&primary.len())
        && primary.chars().all(|c| c.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_source_is_described_by_a_title_or_a_description() {
        let source = |title: Option<&str>, description: Option<&str>| Source {
            title: title.map(str::to_string),
            kind: Some("news report".to_string()),
            description: description.map(str::to_string),
            publisher: None,
            url: None,
            date: None,
            dateline: None,
        };
        assert!(source(Some("A cable"), None).is_described());
        assert!(source(None, Some("News report (untitled)")).is_described());
        assert!(!source(None, None).is_described());
        assert!(!source(Some(""), Some("  ")).is_described());
    }

    #[test]
    fn language_tags() {
        for ok in ["en", "ur", "pt-BR", "zh-Hant-TW", "en_GB"] {
            assert!(is_language_tag(ok), "{ok}");
        }
        for bad in ["", "e", "english", "en-", "12", "en/x"] {
            assert!(!is_language_tag(bad), "{bad}");
        }
    }
}
