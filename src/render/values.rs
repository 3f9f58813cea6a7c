//! The template values of docs/templates.md, built once per build and shared.
//!
//! Tera values are reference-counted, so an article's card is built once and every list
//! that shows it (home, topics, timeline, entity pages, related) clones a pointer, not
//! the card. This keeps list pages cheap on large sites.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use rayon::prelude::*;
use tera::Value;

use crate::i18n::{Dates, Language};
use crate::index::{EntityKind, Site};
use crate::parse::Page;
use crate::parse::front_matter::PageDate;
use crate::parse::markdown::TocEntry;

/// Words per minute for reading time.
const READING_SPEED: usize = 200;

/// A template map from `(key, value)` pairs.
pub fn obj<const N: usize>(pairs: [(&'static str, Value); N]) -> Value {
    Value::from(BTreeMap::from(pairs))
}

pub fn text(s: &str) -> Value {
    Value::from(s)
}

pub fn opt_text(s: Option<&str>) -> Value {
    s.map_or_else(Value::none, Value::from)
}

/// Rendered HTML, which templates print without escaping.
pub fn html(s: &str) -> Value {
    Value::safe_string(s)
}

pub fn list(values: impl IntoIterator<Item = Value>) -> Value {
    Value::from(values.into_iter().collect::<Vec<Value>>())
}

pub fn reading_time(words: usize) -> usize {
    words.div_ceil(READING_SPEED).max(1)
}

/// Everything shared between the pages of one build.
pub struct Shared {
    pub base_path: String,
    pub base_url: String,
    /// Card per article, by article index.
    pub cards: Vec<Value>,
    /// Topic ref per topic id.
    pub topic_refs: HashMap<String, Value>,
    /// Entity ref per (kind, slug).
    pub entity_urls: HashMap<(EntityKind, String), String>,
    /// Topic cards, in topic order.
    pub topic_cards: Value,
    /// Values in every template's context.
    pub globals: Vec<(&'static str, Value)>,
    /// The language pages are written in (for now, every page is in the default one).
    pub language: Language,
    /// Dates in that language.
    pub dates: Arc<Dates>,
}

impl Shared {
    pub fn new(site: &Site) -> Shared {
        let base_path = site.config.base_path();
        let topic_refs = Shared::topic_refs(site);
        let dates = Dates::for_language(site.config.default_language());
        let cards: Vec<Value> = site
            .articles
            .par_iter()
            .map(|a| card(a, base_path, &topic_refs, &dates))
            .collect();
        Shared::with_cards(site, cards)
    }

    /// The topic ref of every topic, by id.
    pub fn topic_refs(site: &Site) -> HashMap<String, Value> {
        let base_path = site.config.base_path();
        site.topics
            .iter()
            .map(|t| {
                let v = obj([
                    ("id", text(&t.page.id)),
                    ("title", text(t.page.title())),
                    ("url", text(&format!("{base_path}{}", t.page.path))),
                ]);
                (t.page.id.clone(), v)
            })
            .collect()
    }

    /// As [`Shared::new`], with the article cards (made by [`card`], one per article in
    /// order) given: `serve` keeps the cards of the articles an edit did not change.
    pub fn with_cards(site: &Site, cards: Vec<Value>) -> Shared {
        let config = &site.config;
        let language = config.default_language().clone();
        let base_path = config.base_path().to_string();
        let base_url = config.base_url.clone();
        let topic_refs = Shared::topic_refs(site);
        let mut entity_urls = HashMap::new();
        for (kind, list) in &site.entities {
            if kind.enabled(config) {
                for e in list {
                    entity_urls.insert(
                        (*kind, e.slug.clone()),
                        format!("{base_path}{}/{}/", kind.key(), e.slug),
                    );
                }
            }
        }
        let feed_url = |path: &str| format!("{base_path}{path}atom.xml");
        let topic_cards = list(site.topics.iter().map(|t| {
            obj([
                ("id", text(&t.page.id)),
                ("title", text(t.page.title())),
                ("url", text(&format!("{base_path}{}", t.page.path))),
                ("summary", text(&t.page.summary)),
                ("count", Value::from(t.articles.len())),
                (
                    "latest",
                    t.articles
                        .first()
                        .map_or_else(Value::none, |&i| cards[i].clone()),
                ),
                (
                    "feed_url",
                    if config.feeds.enabled && config.feeds.per_topic {
                        text(&feed_url(&t.page.path))
                    } else {
                        Value::none()
                    },
                ),
            ])
        }));
        // The menu is on every page, so it carries no counts: adding an article changes
        // the pages that list it, not every page (counts are on the topic cards).
        let nav_topics = list(site.topics.iter().map(|t| {
            obj([
                ("id", text(&t.page.id)),
                ("title", text(t.page.title())),
                ("url", text(&format!("{base_path}{}", t.page.path))),
            ])
        }));
        let nav_pages = list(
            site.pages
                .iter()
                .filter(|p| matches!(&p.meta, crate::parse::Meta::Page(m) if m.menu))
                .map(|p| {
                    obj([
                        ("title", text(p.title())),
                        ("url", text(&format!("{base_path}{}", p.path))),
                    ])
                }),
        );
        let site_value = obj([
            ("title", text(&config.title)),
            ("description", text(&config.description)),
            ("author", opt_text(config.author.as_deref())),
            ("language", text(&language.code)),
            (
                "languages",
                list(config.languages.iter().map(language_value)),
            ),
            ("base_url", text(&base_url)),
            ("base_path", text(&base_path)),
            (
                "feed_url",
                if config.feeds.enabled {
                    text(&feed_url(""))
                } else {
                    Value::none()
                },
            ),
            ("search", Value::from(config.search.enabled)),
            (
                "pack_url",
                if config.packs.enabled {
                    text(&format!("{base_path}pack/"))
                } else {
                    Value::none()
                },
            ),
            ("search_url", text(&format!("{base_path}search/"))),
            (
                "taxonomies",
                obj([
                    ("people", Value::from(config.taxonomies.people)),
                    (
                        "organizations",
                        Value::from(config.taxonomies.organizations),
                    ),
                    ("tags", Value::from(config.taxonomies.tags)),
                ]),
            ),
        ]);
        Shared {
            globals: vec![
                ("site", site_value),
                ("nav_topics", nav_topics),
                ("nav_pages", nav_pages),
                ("lang", language_value(&language)),
            ],
            dates: Dates::for_language(&language),
            language,
            base_path,
            base_url,
            cards,
            topic_refs,
            entity_urls,
            topic_cards,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_path)
    }

    pub fn permalink(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    pub fn cards(&self, indices: &[usize]) -> Value {
        list(indices.iter().map(|&i| self.cards[i].clone()))
    }

    pub fn entity_refs(&self, kind: EntityKind, names: &[String]) -> Value {
        list(names.iter().map(|name| {
            let url = self
                .entity_urls
                .get(&(kind, slug::slugify(name)))
                .map(String::as_str);
            obj([("name", text(name.trim())), ("url", opt_text(url))])
        }))
    }

    pub fn topic_list(&self, ids: &[String]) -> Value {
        list(ids.iter().filter_map(|id| self.topic_refs.get(id).cloned()))
    }

    /// A date as `(date_iso, date_display)`, in the pages' language.
    pub fn date_values(&self, date: Option<PageDate>) -> (Value, Value) {
        date_values(date, &self.dates)
    }
}

/// A language for templates: `{code, name, dir, date_locale}`, as `lang` gives the page's.
pub fn language_value(language: &Language) -> Value {
    obj([
        ("code", text(&language.code)),
        ("name", text(&language.name)),
        ("dir", text(language.dir.as_str())),
        (
            "date_locale",
            text(&crate::i18n::dates::date_locale(&language.id).to_string()),
        ),
    ])
}

/// The card of an article, as every list shows it, its date in the language of `dates`.
pub fn card(
    page: &Page,
    base_path: &str,
    topic_refs: &HashMap<String, Value>,
    dates: &Dates,
) -> Value {
    let meta = page.article();
    let date = meta.map(|m| m.date);
    obj([
        ("title", text(page.title())),
        ("url", text(&format!("{base_path}{}", page.path))),
        (
            "date_iso",
            date.map_or_else(Value::none, |d| text(&d.iso())),
        ),
        (
            "date_display",
            date.map_or_else(Value::none, |d| dates.long(d.date)),
        ),
        ("summary", text(&page.summary)),
        (
            "location",
            opt_text(meta.and_then(|m| m.location.as_deref())),
        ),
        (
            "reading_time",
            Value::from(reading_time(page.body.word_count)),
        ),
        (
            "topics",
            list(
                meta.map(|m| m.topics.as_slice())
                    .unwrap_or(&[])
                    .iter()
                    .filter_map(|id| topic_refs.get(id).cloned()),
            ),
        ),
    ])
}

/// A date as `(date_iso, date_display)`, the display form in the language of `dates`.
pub fn date_values(date: Option<PageDate>, dates: &Dates) -> (Value, Value) {
    match date {
        Some(d) => (text(&d.iso()), dates.long(d.date)),
        None => (Value::none(), Value::none()),
    }
}

pub fn toc(entries: &[TocEntry]) -> Value {
    Value::from_serializable(entries)
}
