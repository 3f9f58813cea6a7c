//! Briefing packs: a topic, or the whole briefing, as one document to print or hand over.
//!
//! A pack is another view of the [`Site`]: [`assemble`] picks the pages a pack holds and
//! puts them in reading order as a plain [`Pack`] — cover facts, the topic overview(s), the
//! articles in date order, one numbered list of every source they cite, and the people and
//! organizations they name. Renderers only lay that out: [`pdf`] typesets it with the
//! embedded engine; an HTML pack page can walk the same model.
//!
//! Bodies stay Markdown until a renderer asks for them: [`Pack::article_events`] gives the
//! parsed events with every link already decided — `#anchor` for a page inside the pack,
//! an absolute URL for everything else — and heading ids made unique in the whole pack,
//! so any renderer that can draw pulldown-cmark events draws the same document.

mod assemble;
mod links;
pub(crate) mod make;
pub(crate) mod pdf;

use std::path::Path;

use pulldown_cmark::Event;

pub(crate) use assemble::{assemble, members, named_in, positions};
pub(crate) use links::Links;
pub(crate) use make::{PackOptions, check_output, make, write_pdf};

use crate::parse::Page;
use crate::parse::front_matter::PageDate;

/// What a pack covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Every topic and every article.
    Briefing,
    /// One topic, by id: its overview and the articles filed under it.
    Topic(String),
}

/// Which way text runs in a language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Direction {
    Ltr,
    Rtl,
}

impl Direction {
    /// The direction of a language, from its BCP 47 tag (`ur`, `ar-EG`).
    pub(crate) fn of_language(code: &str) -> Direction {
        const RTL: &[&str] = &[
            "ar", "arc", "ckb", "dv", "fa", "he", "ks", "ku", "ps", "sd", "ug", "ur", "yi",
        ];
        let primary = code.split(['-', '_']).next().unwrap_or("");
        if RTL.iter().any(|l| l.eq_ignore_ascii_case(primary)) {
            Direction::Rtl
        } else {
            Direction::Ltr
        }
    }

    /// The direction a run of text starts in: that of its first letter with a strong
    /// direction (Unicode's rule for a paragraph), or `None` when it has no such letter.
    pub(crate) fn of_text(text: &str) -> Option<Direction> {
        use unicode_bidi::BidiClass::{AL, L, R};
        text.chars()
            .find_map(|c| match unicode_bidi::bidi_class(c) {
                L => Some(Direction::Ltr),
                R | AL => Some(Direction::Rtl),
                _ => None,
            })
    }

    /// `ltr` or `rtl`, as HTML's `dir` and Typst's `text(dir:)` spell it.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Direction::Ltr => "ltr",
            Direction::Rtl => "rtl",
        }
    }
}

/// The language a pack is written in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Language {
    /// The BCP 47 tag from site.yaml (`en`, `ur`).
    pub code: String,
    /// Its name in itself, for the cover (`English`, `اردو`); the code when unknown.
    pub name: String,
    pub direction: Direction,
}

impl Language {
    pub(crate) fn new(code: &str) -> Language {
        let primary = code.split(['-', '_']).next().unwrap_or("");
        let name = match primary.to_ascii_lowercase().as_str() {
            "en" => "English",
            "ur" => "اردو",
            "ru" => "Русский",
            "ar" => "العربية",
            "fa" => "فارسی",
            "zh" => "中文",
            "fr" => "Français",
            "de" => "Deutsch",
            "es" => "Español",
            _ => code,
        };
        Language {
            code: code.to_string(),
            name: name.to_string(),
            direction: Direction::of_language(code),
        }
    }
}

/// The words a pack prints around the content. English for now: this is where the
/// theme's `i18n/<code>.yaml` will plug in once the site has languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Words {
    pub briefing_title: &'static str,
    pub as_of: &'static str,
    pub language: &'static str,
    pub contents: &'static str,
    pub overview: &'static str,
    pub overviews: &'static str,
    pub articles: &'static str,
    pub no_articles: &'static str,
    pub key_points: &'static str,
    pub people: &'static str,
    pub organizations: &'static str,
    pub people_and_organizations: &'static str,
    pub sources: &'static str,
    pub cited_in: &'static str,
    pub updated: &'static str,
    pub online: &'static str,
    pub page: &'static str,
    pub article_count: (&'static str, &'static str),
    pub source_count: (&'static str, &'static str),
}

impl Words {
    pub(crate) fn for_language(_code: &str) -> &'static Words {
        &ENGLISH
    }
}

static ENGLISH: Words = Words {
    briefing_title: "The complete briefing",
    as_of: "As of",
    language: "Language",
    contents: "Contents",
    overview: "Overview",
    overviews: "Topic overviews",
    articles: "Articles",
    no_articles: "No articles are filed under this topic yet.",
    key_points: "Key points",
    people: "People",
    organizations: "Organizations",
    people_and_organizations: "People and organizations",
    sources: "Sources",
    cited_in: "Cited in",
    updated: "updated",
    online: "Online",
    page: "p.",
    article_count: ("article", "articles"),
    source_count: ("source", "sources"),
};

/// A topic overview in a pack.
#[derive(Debug, Clone)]
pub(crate) struct Overview<'s> {
    pub page: &'s Page,
    pub id: &'s str,
    pub title: &'s str,
    pub summary: &'s str,
    pub updated: Option<PageDate>,
    /// Where it starts: `topic-<id>`.
    pub anchor: String,
    pub body: &'s str,
    /// How many of the pack's articles are filed under it.
    pub article_count: usize,
}

/// A topic an article is filed under, and its overview's anchor when the pack has it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TopicRef<'s> {
    pub id: &'s str,
    pub title: &'s str,
    pub anchor: Option<String>,
}

/// An article in a pack.
#[derive(Debug, Clone)]
pub(crate) struct PackArticle<'s> {
    pub page: &'s Page,
    pub title: &'s str,
    pub date: PageDate,
    /// `updated`, when it is later than `date`.
    pub updated: Option<PageDate>,
    pub location: Option<&'s str>,
    /// The writer's own summary (front matter `summary`), if any: a lead above the body.
    /// Unlike [`Page::summary`] it never repeats the body's first paragraph.
    pub summary: Option<&'s str>,
    pub key_points: &'s [String],
    pub topics: Vec<TopicRef<'s>>,
    pub people: &'s [String],
    pub organizations: &'s [String],
    /// Where it starts: `article-<slug>`.
    pub anchor: String,
    /// Its address on the published site.
    pub url: String,
    pub body: &'s str,
    /// The sources it cites, as indices into [`Pack::sources`], in its own order.
    pub sources: Vec<usize>,
}

/// One source in the pack's consolidated list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PackSource<'s> {
    /// 1-based, in order of first citation.
    pub number: usize,
    /// The item's own title, cited as such.
    pub title: Option<&'s str>,
    /// What an untitled item is, in plain words (never shown as a title).
    pub description: Option<&'s str>,
    pub publisher: Option<&'s str>,
    pub url: Option<&'s str>,
    pub date: Option<PageDate>,
    pub dateline: Option<&'s str>,
    /// `source-<number>`.
    pub anchor: String,
    /// The articles citing it, as indices into [`Pack::articles`], in pack order.
    pub cited_by: Vec<usize>,
}

/// A person or organization named in the pack, and the articles naming them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Named<'s> {
    pub name: &'s str,
    /// What the entity's profile says it is, as the list shows it after the name:
    /// `Chairman (Clean and Green Islamabad Movement)`.
    pub role: Option<String>,
    /// Indices into [`Pack::articles`], in pack order.
    pub articles: Vec<usize>,
}

/// Everything a pack shows, in reading order, borrowed from the [`Site`].
///
/// [`Site`]: crate::index::Site
#[derive(Debug, Clone)]
pub(crate) struct Pack<'s> {
    pub scope: Scope,
    pub site_title: &'s str,
    pub title: &'s str,
    /// A sentence under the title: the topic's summary, or the site's description.
    pub summary: &'s str,
    /// The newest article date, `updated` or overview `updated` in the pack.
    pub as_of: Option<PageDate>,
    pub language: Language,
    pub words: &'static Words,
    pub overviews: Vec<Overview<'s>>,
    /// The articles it shows: all it holds, or none when it is [too large](Pack::too_large).
    pub articles: Vec<PackArticle<'s>>,
    /// How many articles it holds.
    pub held: usize,
    /// How many bytes of Markdown its bodies hold, and the file of the largest.
    size: (usize, Option<&'s Path>),
    pub sources: Vec<PackSource<'s>>,
    pub people: Vec<Named<'s>>,
    pub organizations: Vec<Named<'s>>,
    /// How links in the bodies are drawn; none for a pack too large to show its bodies.
    links: Option<Links<'s>>,
}

impl<'s> Pack<'s> {
    /// The parsed events of the `i`-th overview's body, ready to draw: links inside the
    /// pack are `#anchor`, every other link an absolute URL, links that would run a
    /// script are emptied, and every heading id is `<section anchor>--<heading id>`.
    /// None for a pack [too large](Pack::too_large) to show its bodies.
    pub(crate) fn overview_events(&self, i: usize) -> Vec<Event<'s>> {
        let o = &self.overviews[i];
        self.links
            .as_ref()
            .map_or_else(Vec::new, |l| l.events(o.body, &o.page.rel, &o.anchor))
    }

    /// The parsed events of the `i`-th article's body, as [`Pack::overview_events`].
    pub(crate) fn article_events(&self, i: usize) -> Vec<Event<'s>> {
        let a = &self.articles[i];
        self.links
            .as_ref()
            .map_or_else(Vec::new, |l| l.events(a.body, &a.page.rel, &a.anchor))
    }

    /// How many bytes of Markdown the pack's bodies hold, and the file of the largest.
    pub(crate) fn size(&self) -> (usize, Option<&'s Path>) {
        self.size
    }

    /// Whether the pack holds more Markdown than a pack may ([`MAX_MARKDOWN_MB`]).
    pub(crate) fn too_large(&self) -> bool {
        self.size().0 > MAX_MARKDOWN_BYTES
    }
}

/// How much Markdown one pack may hold, in MB. Typesetting takes time and memory in
/// proportion to the text (measured: about 2.5 s of CPU and 450 MB per MB of Markdown);
/// this bounds both, to some 1,700 printed pages, 10 s and 2 GB, and keeps a runaway file
/// from stalling the machine. The largest topic of the 1,000-article benchmark site holds
/// about 2 MB. An HTML pack page keeps to the same bound: past it, a browser takes minutes
/// to lay out and print the page, and a build would write megabytes nobody prints.
pub(crate) const MAX_MARKDOWN_MB: usize = 4;

/// [`MAX_MARKDOWN_MB`] in bytes.
pub(crate) const MAX_MARKDOWN_BYTES: usize = MAX_MARKDOWN_MB * 1_000_000;

/// The total of `sizes` and the file of the largest.
fn largest<'s>(sizes: impl Iterator<Item = (usize, &'s Page)>) -> (usize, Option<&'s Path>) {
    let mut total = 0;
    let mut largest: Option<(usize, &'s Page)> = None;
    for (len, page) in sizes {
        total += len;
        if largest.is_none_or(|(l, _)| len > l) {
            largest = Some((len, page));
        }
    }
    (total, largest.map(|(_, p)| p.display.as_path()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn direction_follows_the_language_and_the_first_strong_letter() {
        assert_eq!(Direction::of_language("ur"), Direction::Rtl);
        assert_eq!(Direction::of_language("ur-PK"), Direction::Rtl);
        assert_eq!(Direction::of_language("en"), Direction::Ltr);
        assert_eq!(Direction::of_text("2025: پاکستان"), Some(Direction::Rtl));
        assert_eq!(Direction::of_text("«Pakistan» اور"), Some(Direction::Ltr));
        assert_eq!(Direction::of_text("2025 — 10%"), None);
    }

    #[test]
    fn a_language_is_named_in_itself() {
        assert_eq!(Language::new("ur").name, "اردو");
        assert_eq!(Language::new("xx").name, "xx");
    }
}
