//! The template values of docs/templates.md, built once per build and shared.
//!
//! Tera values are reference-counted, so an article's card is built once and every list
//! that shows it (home, topics, timeline, entity pages, related) clones a pointer, not
//! the card. This keeps list pages cheap on large sites.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use rayon::prelude::*;
use tera::Value;

use crate::i18n::{Dates, Lang, Language};
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

/// Everything shared between the pages of one language's edition in one build.
pub struct Shared {
    pub base_path: String,
    pub base_url: String,
    /// Card per article of the edition, by article index.
    pub cards: Vec<Value>,
    /// Topic ref per topic id: the edition's topics, and for a topic not in its language,
    /// the topic in the default language (else the first language that has it).
    pub topic_refs: HashMap<String, Value>,
    /// Entity ref per (kind, slug).
    pub entity_urls: HashMap<(EntityKind, String), String>,
    /// The name a profiled entity goes by in this edition's language, per (kind, slug) of
    /// each of its spellings: an article's metadata shows Альберт Хорев on a Russian page
    /// whichever spelling the article was written with.
    pub entity_names: HashMap<(EntityKind, String), String>,
    /// Topic cards, in topic order.
    pub topic_cards: Value,
    /// Values in every template's context.
    pub globals: Vec<(&'static str, Value)>,
    /// The language the edition's pages are written in,
    pub language: Language,
    /// its position among the site's languages,
    pub lang: Lang,
    /// and the start of its URL paths (`ur/`).
    pub prefix: String,
    /// Dates in that language.
    pub dates: Arc<Dates>,
    /// `og:locale` of that language (`en_US`).
    pub og_locale: String,
    /// The site's picture for link previews (`image` in site.yaml), absolute.
    pub site_image: Option<String>,
    /// The site's title and description in the edition's language (`title` and
    /// `description` of its entry in `languages`, else the site's).
    pub site_title: String,
    /// The description also stands for pages without a summary.
    pub site_description: String,
}

impl Shared {
    /// The shared values of the edition in `lang`.
    pub fn new(site: &Site, lang: Lang) -> Shared {
        let base_path = site.config.base_path();
        let topic_refs = Shared::topic_refs(site, lang);
        let dates = Dates::for_language(Shared::language_of(site, lang));
        let cards: Vec<Value> = site.editions[lang]
            .articles
            .par_iter()
            .map(|a| card(a, base_path, &topic_refs, &dates))
            .collect();
        Shared::with_cards(site, lang, cards)
    }

    /// The shared values of every edition, by language.
    pub fn all(site: &Site) -> Vec<Shared> {
        (0..site.editions.len())
            .map(|lang| Shared::new(site, lang))
            .collect()
    }

    pub(super) fn language_of(site: &Site, lang: Lang) -> &Language {
        site.config
            .languages
            .get(lang)
            .unwrap_or_else(|| site.config.default_language())
    }

    /// The topic ref of every topic, by id, as the edition in `lang` links to it.
    pub fn topic_refs(site: &Site, lang: Lang) -> HashMap<String, Value> {
        let base_path = site.config.base_path();
        let mut refs = HashMap::new();
        let order = std::iter::once(lang).chain((0..site.editions.len()).filter(|&l| l != lang));
        for l in order {
            for t in &site.editions[l].topics {
                refs.entry(t.page.id.clone()).or_insert_with(|| {
                    obj([
                        ("id", text(&t.page.id)),
                        ("title", text(t.page.title())),
                        ("url", text(&format!("{base_path}{}", t.page.path))),
                    ])
                });
            }
        }
        refs
    }

    /// As [`Shared::new`], with the article cards (made by [`card`], one per article in
    /// order) given: `serve` keeps the cards of the articles an edit did not change.
    pub fn with_cards(site: &Site, lang: Lang, cards: Vec<Value>) -> Shared {
        let config = &site.config;
        let edition = &site.editions[lang];
        let language = Shared::language_of(site, lang).clone();
        let prefix = crate::i18n::prefix(&config.languages, lang);
        let base_path = config.base_path().to_string();
        let base_url = config.base_url.clone();
        let topic_refs = Shared::topic_refs(site, lang);
        let mut entity_urls = HashMap::new();
        let mut entity_names = HashMap::new();
        for (kind, list) in &edition.entities {
            for e in list {
                let spellings = || std::iter::once(&e.slug).chain(&e.other_slugs);
                if kind.enabled(config) {
                    // Every spelling a profile knows leads to its page.
                    let url = format!("{base_path}{prefix}{}/{}/", kind.key(), e.slug);
                    for slug in spellings() {
                        entity_urls.insert((*kind, slug.clone()), url.clone());
                    }
                }
                let name = site.entity_name(lang, *kind, e, &language.code);
                if e.profile.is_some() || name != e.name {
                    for slug in spellings() {
                        entity_names.insert((*kind, slug.clone()), name.to_string());
                    }
                }
            }
        }
        let feed_url = |path: &str| format!("{base_path}{path}atom.xml");
        let rss_url = if config.feeds.enabled && config.feeds.rss {
            text(&format!("{base_path}{prefix}rss.xml"))
        } else {
            Value::none()
        };
        let topic_cards = Shared::topic_cards(site, lang, &cards);
        // The menu is on every page, so it carries no counts: adding an article changes
        // the pages that list it, not every page (counts are on the topic cards).
        let nav_topics = list(edition.topics.iter().map(|t| {
            obj([
                ("id", text(&t.page.id)),
                ("title", text(t.page.title())),
                ("url", text(&format!("{base_path}{}", t.page.path))),
            ])
        }));
        let nav_pages = list(
            edition
                .pages
                .iter()
                .filter(|p| matches!(&p.meta, crate::parse::Meta::Page(m) if m.menu))
                .map(|p| {
                    obj([
                        ("title", text(p.title())),
                        ("url", text(&format!("{base_path}{}", p.path))),
                    ])
                }),
        );
        let (site_title, site_description) = (config.title_in(lang), config.description_in(lang));
        let site_value = obj([
            ("title", text(site_title)),
            ("description", text(site_description)),
            ("author", opt_text(config.author.as_deref())),
            ("language", text(&language.code)),
            (
                "languages",
                list(config.languages.iter().map(language_value)),
            ),
            ("base_url", text(&base_url)),
            ("base_path", text(&base_path)),
            ("home_url", text(&format!("{base_path}{prefix}"))),
            (
                "feed_url",
                if config.feeds.enabled {
                    text(&feed_url(&prefix))
                } else {
                    Value::none()
                },
            ),
            ("rss_url", rss_url),
            ("search", Value::from(config.search.enabled)),
            (
                "pack_url",
                if config.packs.enabled {
                    text(&format!("{base_path}{prefix}pack/"))
                } else {
                    Value::none()
                },
            ),
            ("search_url", text(&format!("{base_path}{prefix}search/"))),
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
            og_locale: super::share::og_locale(&language.code),
            site_image: config
                .image
                .as_deref()
                .map(|i| super::share::absolute_url(&base_url, i)),
            site_title: site_title.to_string(),
            site_description: site_description.to_string(),
            globals: vec![
                ("site", site_value),
                ("nav_topics", nav_topics),
                ("nav_pages", nav_pages),
                ("lang", language_value(&language)),
            ],
            dates: Dates::for_language(&language),
            language,
            lang,
            prefix,
            base_path,
            base_url,
            cards,
            topic_refs,
            entity_urls,
            entity_names,
            topic_cards,
        }
    }

    /// The card of each topic of the edition in `lang`, in topic order: what the topics
    /// index shows, with the card of each topic's latest article (from `cards`).
    pub fn topic_cards(site: &Site, lang: Lang, cards: &[Value]) -> Value {
        let config = &site.config;
        let base_path = config.base_path();
        list(site.editions[lang].topics.iter().map(|t| {
            obj([
                ("id", text(&t.page.id)),
                ("title", text(t.page.title())),
                ("url", text(&format!("{base_path}{}", t.page.path))),
                ("summary", text(t.page.summary())),
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
                        text(&format!("{base_path}{}atom.xml", t.page.path))
                    } else {
                        Value::none()
                    },
                ),
            ])
        }))
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_path)
    }

    pub fn permalink(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// A URL the site's pages use (`/briefing/people/x/`), an image path or a full URL, as
    /// an absolute URL under `base_url`.
    pub fn absolute(&self, url: &str) -> String {
        match url.strip_prefix(self.base_path.as_str()) {
            Some(rest) if url.starts_with('/') => self.permalink(rest),
            _ => super::share::absolute_url(&self.base_url, url),
        }
    }

    pub fn cards(&self, indices: &[usize]) -> Value {
        list(indices.iter().map(|&i| self.cards[i].clone()))
    }

    pub fn entity_refs(&self, kind: EntityKind, names: &[String]) -> Value {
        list(names.iter().map(|name| {
            let key = (kind, slug::slugify(name));
            let url = self.entity_urls.get(&key).map(String::as_str);
            let shown = self
                .entity_names
                .get(&key)
                .map_or(name.trim(), String::as_str);
            obj([("name", text(shown)), ("url", opt_text(url))])
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
        ("summary", text(page.summary())),
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

/// Whether a page is published, for the banner a preview shows on a page that is not:
/// `{state: "scheduled" | "expired", date_iso, date_display}`, or none when it is.
pub fn publication(page: &Page, dates: &Dates) -> Value {
    let (state, date) = match page.publication {
        crate::parse::Publication::Published => return Value::none(),
        crate::parse::Publication::Scheduled(d) => ("scheduled", d),
        crate::parse::Publication::Expired(d) => ("expired", d),
    };
    obj([
        ("state", text(state)),
        ("date_iso", text(&date.iso())),
        ("date_display", dates.long(date.date)),
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
