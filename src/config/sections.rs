//! The sections of site.yaml besides the site's own fields: each a plain type with its
//! defaults, read by serde.

use serde::{Deserialize, Serialize};

/// How current topic overviews must be.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Freshness {
    /// `check` warns about an overview whose `updated` is more than this many days older
    /// than the newest article filed under its topic. None: no such warning.
    pub warn_after_days: Option<u32>,
}

/// Where pages go, by kind. An article's own `permalink` wins over its pattern.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Permalinks {
    /// The URL of every article, from `:year`, `:month`, `:day`, `:slug`, `:title` and
    /// `:topic`; by default `/articles/:slug/`.
    pub articles: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Feeds {
    /// Write `/atom.xml` and one feed per topic.
    pub enabled: bool,
    /// How many of the newest articles a feed carries.
    pub limit: usize,
    /// Write `/topics/<id>/atom.xml` too.
    pub per_topic: bool,
    /// Write a feed for each person, organization and tag (`/people/<slug>/atom.xml`).
    pub per_entity: bool,
    /// Write each feed as RSS 2.0 too (`rss.xml` beside each `atom.xml`).
    pub rss: bool,
}

impl Default for Feeds {
    fn default() -> Self {
        Feeds {
            enabled: true,
            limit: 20,
            per_topic: true,
            per_entity: true,
            rss: true,
        }
    }
}

/// Which entity pages to generate. Articles keep the names either way.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Taxonomies {
    pub people: bool,
    pub organizations: bool,
    pub tags: bool,
}

impl Default for Taxonomies {
    fn default() -> Self {
        Taxonomies {
            people: true,
            organizations: true,
            tags: true,
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Search {
    /// Write the search index and the `/search/` page.
    pub enabled: bool,
}

impl Default for Search {
    fn default() -> Self {
        Search { enabled: true }
    }
}

/// Long lists (home, topics, timeline years, people, organizations, tags) in pages.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Pagination {
    /// How many articles one page of a list shows.
    pub per_page: std::num::NonZeroUsize,
}

impl Default for Pagination {
    fn default() -> Self {
        Pagination {
            // 50 cards keep a list page near 50 KB of HTML.
            per_page: std::num::NonZeroUsize::new(50).expect("50 is not zero"),
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Markdown {
    /// Curly quotes, dashes and ellipses.
    pub smart_punctuation: bool,
    /// Pass raw HTML in Markdown through unchanged. Off by default: raw HTML is shown as
    /// text, so text pasted from e-mail or Word can never inject a script.
    pub unsafe_html: bool,
}

impl Default for Markdown {
    fn default() -> Self {
        Markdown {
            smart_punctuation: true,
            unsafe_html: false,
        }
    }
}

/// Briefing packs: a topic, or the whole briefing, as one printable document.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Packs {
    /// The order of the articles in a pack.
    pub order: PackOrder,
    /// Write the HTML pack pages (`/pack/`, `/topics/<id>/pack/`) with the site.
    pub enabled: bool,
    /// Write `pack.pdf` beside each HTML pack page at build time (slow: the PDF engine
    /// takes some 30 ms per article).
    pub pdf: bool,
}

impl Default for Packs {
    fn default() -> Self {
        Packs {
            order: PackOrder::default(),
            enabled: true,
            pdf: false,
        }
    }
}

/// Which article comes first in a pack.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PackOrder {
    /// The latest first, as on the topic pages: a reader sees what changed.
    #[default]
    NewestFirst,
    /// The earliest first: the story as it happened.
    OldestFirst,
}
