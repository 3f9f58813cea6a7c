//! What every source kind shares: a content file read loosely, and its conversion into an
//! attache article or page, with front matter mapped as in the README's table.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde_yaml::{Mapping, Value};

use super::{Files, ImportError, Settings, note};
use crate::error::Diagnostic;
use crate::parse::front_matter::{self, PageDate};
use crate::parse::{checked_slug, leftovers, markdown};

pub(crate) use super::entry::{Entry, list_of};

/// Everything an import will write, and what it could not convert.
pub(crate) struct Plan {
    pub files: Files,
    pub notes: Vec<Diagnostic>,
    pub settings: Settings,
    /// Topics by id, with the title to give a new topic file.
    pub topics: BTreeMap<String, String>,
    /// Article slugs taken, so two posts never share a URL.
    slugs: BTreeSet<String>,
    pub articles: usize,
    pub pages: usize,
    pub statics: usize,
    pub topics_written: usize,
    /// The old site passed raw HTML through on purpose (Hugo's `unsafe = true`).
    pub unsafe_html: bool,
    tz: TimeZone,
}

/// What a source reader found out about one post.
pub(crate) struct Post {
    pub entry: Entry,
    /// The slug it had (file name, bundle folder or `slug:`).
    pub slug: String,
    /// A date from its file name (Jekyll, Zola).
    pub file_date: Option<Date>,
    /// The topic for a post with no categories (the section it was in).
    pub default_topic: (String, String),
    /// Jekyll reads `tags: a b` and `categories: a b` as two words each.
    pub split_words: bool,
    /// Its address on the old site, computed by the source's rules, if known.
    pub old_url: Option<String>,
    /// Categories implied by where it was (Jekyll's `blog/_posts/`).
    pub path_categories: Vec<String>,
}

/// Front matter keys whose meaning is the old site's layout, not the content.
const DROPPED: &[&str] = &[
    "layout",
    "type",
    "weight",
    "menu",
    "sitemap",
    "render",
    "template",
    "sort_by",
    "output",
    "outputs",
    "build",
    "cascade",
    "markup",
    "in_search_index",
    "transparent",
    "page_template",
    "paginate_by",
    "insert_anchor_links",
    "headless",
];

impl Plan {
    pub(crate) fn new(settings: Settings) -> Plan {
        let tz = settings
            .timezone
            .as_deref()
            .and_then(|t| TimeZone::get(t).ok())
            .unwrap_or(TimeZone::UTC);
        Plan {
            files: Files::new(),
            notes: Vec::new(),
            settings,
            topics: BTreeMap::new(),
            slugs: BTreeSet::new(),
            articles: 0,
            pages: 0,
            statics: 0,
            topics_written: 0,
            unsafe_html: false,
            tz,
        }
    }

    /// Copies a static file to `static/<to>`.
    pub(crate) fn copy(&mut self, root: &Path, from: &str, to: &str) -> Result<(), ImportError> {
        let bytes = super::read(root, from)?;
        if crate::emit::is_safe_output_path(to) {
            self.files.insert(format!("static/{to}"), bytes);
            self.statics += 1;
        } else {
            self.notes.push(note(
                from,
                None,
                format!("not copied: `{to}` cannot be a path in the output"),
            ));
        }
        Ok(())
    }

    /// The date a post's front matter or file name gives, in the site's time zone.
    pub(crate) fn date_of(&self, value: &Value) -> Option<PageDate> {
        match value {
            Value::String(s) => PageDate::parse_in(s, &self.tz).ok(),
            _ => None,
        }
    }

    /// Converts a post into `content/articles/<year>/<slug>.md`.
    pub(crate) fn article(&mut self, post: Post) {
        let Post {
            mut entry,
            slug,
            file_date,
            default_topic,
            split_words,
            old_url,
            path_categories,
        } = post;
        let rel = entry.rel.clone();
        let written_date = entry.take("date");
        let date = match &written_date {
            Some(v) => match self.date_of(v) {
                Some(d) => Some((d, v.clone())),
                None => {
                    self.notes.push(note(
                        &rel,
                        Some(1),
                        format!(
                            "the date {} is not one attache reads: fix it in the article",
                            show(v)
                        ),
                    ));
                    Some((PageDate::parse("1970-01-01").expect("a date"), v.clone()))
                }
            },
            None => file_date.map(|d| {
                let text = d.to_string();
                (PageDate::parse(&text).expect("a date"), Value::String(text))
            }),
        };
        let Some((date, date_value)) = date else {
            self.notes.push(note(
                &rel,
                Some(1),
                "it has no date, so it became a plain page (content/pages/) instead of an article"
                    .into(),
            ));
            self.page(entry, &slug, old_url, false);
            return;
        };
        let slug = self.unique_slug(&slug, &rel);
        let mut out = Mapping::new();
        let title = entry.text("title").unwrap_or_else(|| {
            self.notes.push(note(
                &rel,
                Some(1),
                "it has no title: one was made from its file name".into(),
            ));
            title_from(&slug)
        });
        out.insert("title".into(), title.into());
        out.insert("date".into(), date_value);
        let mut categories = path_categories;
        categories.extend(entry.list("categories", split_words));
        categories.extend(entry.list("category", split_words));
        let mut tags = entry.list("tags", split_words);
        tags.extend(entry.list("tag", split_words));
        if let Some(Value::Mapping(taxonomies)) = entry.take("taxonomies") {
            for (name, values) in taxonomies {
                match name.as_str() {
                    Some("categories") => categories.extend(list_of(Some(values), false)),
                    Some("tags") => tags.extend(list_of(Some(values), false)),
                    Some(other) => self.notes.push(note(
                        &rel,
                        Some(1),
                        format!("the taxonomy `{other}` has no place in attache: it was left out"),
                    )),
                    None => {}
                }
            }
        }
        let mut topics: Vec<String> = Vec::new();
        for category in &categories {
            let id = slug::slugify(category);
            if id.is_empty() || topics.contains(&id) {
                continue;
            }
            self.topics
                .entry(id.clone())
                .or_insert_with(|| category.trim().to_string());
            topics.push(id);
        }
        if topics.is_empty() {
            let (id, title) = default_topic;
            self.topics.entry(id.clone()).or_insert(title);
            topics.push(id);
        }
        out.insert("topics".into(), strings(topics));
        let summary = ["summary", "description", "excerpt"]
            .into_iter()
            .find_map(|k| entry.text(k));
        if let Some(summary) = summary {
            out.insert("summary".into(), summary.into());
        }
        let mut authors = entry.list("authors", false);
        for author in author_names(entry.take("author")) {
            if !authors.contains(&author) {
                authors.push(author);
            }
        }
        if !authors.is_empty() {
            out.insert("authors".into(), strings(authors));
        }
        tags.dedup();
        if !tags.is_empty() {
            out.insert("tags".into(), strings(tags));
        }
        let updated = ["updated", "lastmod", "last_modified_at"]
            .into_iter()
            .find_map(|k| entry.take(k));
        if let Some(updated) = updated {
            out.insert("updated".into(), updated);
        }
        let new_url = format!("/articles/{slug}/");
        self.common(&mut entry, &mut out, old_url, &new_url, true);
        let year = date.date.year();
        let body = self.body(&entry);
        let text = self.front(out, entry) + &body;
        self.files.insert(
            format!("content/articles/{year}/{slug}.md"),
            text.into_bytes(),
        );
        self.articles += 1;
    }

    /// Converts a page into `content/pages/<slug>.md`, or the home page.
    pub(crate) fn page(
        &mut self,
        mut entry: Entry,
        slug: &str,
        old_url: Option<String>,
        home: bool,
    ) {
        let rel = entry.rel.clone();
        let slug = match checked_slug(slug) {
            Ok(s) => s,
            Err(reason) => {
                self.notes.push(note(
                    &rel,
                    None,
                    format!("not converted: its name makes no slug ({reason})"),
                ));
                return;
            }
        };
        let mut out = Mapping::new();
        let title = entry.text("title").unwrap_or_else(|| title_from(&slug));
        out.insert("title".into(), title.into());
        if let Some(summary) = ["summary", "description", "excerpt"]
            .into_iter()
            .find_map(|k| entry.text(k))
        {
            out.insert("summary".into(), summary.into());
        }
        entry.take("date");
        let target = if home {
            "content/_index.md".to_string()
        } else {
            format!("content/pages/{slug}.md")
        };
        if self.files.contains_key(&target) {
            self.notes.push(note(
                &rel,
                None,
                format!("not converted: another page already became {target}"),
            ));
            return;
        }
        let new_url = if home {
            "/".to_string()
        } else {
            format!("/{slug}/")
        };
        self.common(&mut entry, &mut out, old_url, &new_url, !home);
        let body = self.body(&entry);
        let text = self.front(out, entry) + &body;
        self.files.insert(target, text.into_bytes());
        self.pages += 1;
    }

    /// Fields every kind shares: draft, language, aliases (with the old URL).
    fn common(
        &mut self,
        entry: &mut Entry,
        out: &mut Mapping,
        old_url: Option<String>,
        new_url: &str,
        can_alias: bool,
    ) {
        let draft = entry
            .take("draft")
            .is_some_and(|v| matches!(v, Value::Bool(true)) || v.as_str() == Some("true"));
        let unpublished = entry
            .take("published")
            .is_some_and(|v| matches!(v, Value::Bool(false)));
        // The slug is in the new file's name.
        entry.take("slug");
        let mut aliases: Vec<String> = Vec::new();
        for key in ["aliases", "redirect_from"] {
            aliases.extend(entry.list(key, false));
        }
        for key in ["permalink", "url", "path"] {
            entry.take(key);
        }
        if can_alias && let Some(old) = old_url {
            aliases.insert(0, old);
        }
        let mut kept: Vec<String> = Vec::new();
        for alias in aliases {
            let normalized = format!("/{}", alias.trim().trim_start_matches('/'));
            let same = normalized.trim_end_matches('/') == new_url.trim_end_matches('/');
            if same || kept.contains(&normalized) {
                continue;
            }
            match crate::parse::urls::alias_path(&normalized) {
                Ok(_) => kept.push(normalized),
                Err(reason) => self.notes.push(note(
                    &entry.rel,
                    None,
                    format!("the old address `{alias}` cannot be kept as an alias: {reason}"),
                )),
            }
        }
        if !kept.is_empty() {
            out.insert("aliases".into(), strings(kept));
        }
        if let Some(lang) = entry.text("lang").or_else(|| entry.text("language")) {
            out.insert("lang".into(), lang.into());
        }
        if draft || unpublished {
            out.insert("draft".into(), true.into());
        }
    }

    /// The front matter, ending with the keys attache does not know (kept for templates).
    fn front(&mut self, mut out: Mapping, entry: Entry) -> String {
        for (key, value) in entry.fields {
            if DROPPED.contains(&key.as_str()) {
                continue;
            }
            if key == "extra"
                && let Value::Mapping(extra) = value
            {
                for (k, v) in extra {
                    out.entry(k).or_insert(v);
                }
                continue;
            }
            out.entry(key.into()).or_insert(value);
        }
        let yaml = serde_yaml::to_string(&Value::Mapping(out)).unwrap_or_default();
        format!("---\n{yaml}---\n")
    }

    /// The body as it was; template syntax left in it is noted by line.
    fn body(&mut self, entry: &Entry) -> String {
        let code = markdown::code_ranges(&entry.body);
        for left in leftovers::find(&entry.body, &code) {
            let line = entry.body[..left.offset].matches('\n').count() + entry.body_line;
            self.notes.push(note(
                &entry.rel,
                Some(line),
                format!(
                    "`{}` is {} and was left in place: attache shows it as text",
                    left.snippet,
                    left.syntax.describe()
                ),
            ));
        }
        entry.body.clone()
    }

    fn unique_slug(&mut self, slug: &str, rel: &str) -> String {
        let base = checked_slug(slug).unwrap_or_else(|_| "post".to_string());
        let mut candidate = base.clone();
        let mut n = 1;
        while !self.slugs.insert(candidate.clone()) {
            n += 1;
            candidate = format!("{base}-{n}");
        }
        if candidate != base {
            self.notes.push(note(
                rel,
                None,
                format!("another post has the slug `{base}`: this one became `{candidate}`"),
            ));
        }
        candidate
    }

    /// Adds site.yaml (unless importing into an attache site) and a file per new topic.
    pub(crate) fn finish(&mut self, source: &str, existing_site: Option<&Path>) {
        for (id, title) in std::mem::take(&mut self.topics) {
            let rel = format!("content/topics/{id}.md");
            if existing_site.is_some_and(|d| d.join(&rel).exists()) {
                continue;
            }
            let mut front = Mapping::new();
            front.insert("title".into(), title.clone().into());
            let yaml = serde_yaml::to_string(&Value::Mapping(front)).unwrap_or_default();
            let text =
                format!("---\n{yaml}---\nEverything filed under {title} on the {source} site.\n");
            self.files.insert(rel, text.into_bytes());
            self.topics_written += 1;
        }
        if existing_site.is_some() {
            return;
        }
        let s = &self.settings;
        let mut config = Mapping::new();
        config.insert(
            "title".into(),
            s.title
                .clone()
                .unwrap_or_else(|| "Imported site".into())
                .into(),
        );
        if let Some(d) = &s.description {
            config.insert("description".into(), d.clone().into());
        }
        let base_url = s
            .base_url
            .clone()
            .filter(|u| crate::config::normalize_base_url(u).is_ok());
        if base_url.is_none() {
            self.notes.push(note("", None, "the site's address was not found: site.yaml says https://example.org/, change `base_url`".into()));
        }
        config.insert(
            "base_url".into(),
            base_url
                .unwrap_or_else(|| "https://example.org/".into())
                .into(),
        );
        if let Some(l) = &s.language {
            config.insert("language".into(), l.clone().into());
        }
        if let Some(a) = &s.author {
            config.insert("author".into(), a.clone().into());
        }
        if let Some(tz) = s.timezone.clone().filter(|t| TimeZone::get(t).is_ok()) {
            config.insert("timezone".into(), tz.into());
        }
        if self.unsafe_html {
            let mut markdown = Mapping::new();
            markdown.insert("unsafe_html".into(), true.into());
            config.insert("markdown".into(), Value::Mapping(markdown));
        }
        let yaml = serde_yaml::to_string(&Value::Mapping(config)).unwrap_or_default();
        self.files.insert(
            crate::config::CONFIG_FILE.to_string(),
            format!("# Imported from a {source} site.\n{yaml}").into_bytes(),
        );
    }
}

fn strings(items: Vec<String>) -> Value {
    Value::Sequence(items.into_iter().map(Value::String).collect())
}

/// `author: Name`, `author: [A, B]` or `author: {name: A}` as names.
fn author_names(value: Option<Value>) -> Vec<String> {
    match value {
        Some(Value::Mapping(m)) => m
            .get("name")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .into_iter()
            .collect(),
        other => list_of(other, false),
    }
}

/// `release-notes` as `Release notes`.
pub(crate) fn title_from(slug: &str) -> String {
    let words = slug.replace(['-', '_'], " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => words,
    }
}

fn show(value: &Value) -> String {
    match value {
        Value::String(s) => format!("`{s}`"),
        other => front_matter::describe(other).to_string(),
    }
}
