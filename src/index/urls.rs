//! The URL checks that span files: two pages (or a page and an alias) on one URL, a page
//! on a URL attache makes itself, a page outside its language's prefix.

use std::path::Path;

use rustc_hash::FxHashMap;

use crate::config::Config;
use crate::error::{Diagnostic, Problem};
use crate::i18n::Lang;
use crate::parse::{Kind, Page};

/// URL paths attache generates itself, which no content file may take.
pub(crate) const GENERATED: &[&str] = &[
    "topics/",
    "timeline/",
    "people/",
    "organizations/",
    "tags/",
    "search/",
    "articles/",
    "pack/",
];

/// What one content file asks for in the output: its URL path and its aliases.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Claim<'a> {
    pub display: &'a Path,
    pub kind: Kind,
    pub path: &'a str,
    pub aliases: &'a [String],
    pub lang: Lang,
}

impl<'a> Claim<'a> {
    pub(crate) fn of(page: &'a Page) -> Self {
        Claim {
            display: &page.display,
            kind: page.kind,
            path: &page.path,
            aliases: &page.meta.common().aliases,
            lang: page.lang,
        }
    }
}

/// The start of the URL paths of each language's pages (`""`, `ur/`, `ru/`).
pub(crate) fn prefixes(config: &Config) -> Vec<String> {
    (0..config.languages.len())
        .map(|lang| crate::i18n::prefix(&config.languages, lang))
        .collect()
}

/// What the URL check found: per claim, whether its page keeps its URL (the first one
/// to claim a URL does; an alias in conflict does not cost a page its place), and every
/// collision.
pub(crate) struct UrlCheck {
    pub kept: Vec<bool>,
    pub problems: Vec<Diagnostic>,
}

/// The one URL-collision check, for `index` and for `serve`: no two pages on one URL, no
/// page on a URL attache generates, and no alias on the URL of a page, of another alias
/// or of a generated page. Every collision names both files. Claims come in file order;
/// `prefixes` are the start of each language's URL paths ([`prefixes`]): each language's
/// edition has attache's own pages under its own, which no page in another may take.
pub(crate) fn check_urls(claims: &[Claim], prefixes: &[String]) -> UrlCheck {
    let mut owners: FxHashMap<&str, &Path> = FxHashMap::default();
    owners.reserve(claims.len());
    let mut problems = Vec::new();
    let mut kept = Vec::with_capacity(claims.len());
    // Another language's pages, for a page: its home, and everything under its prefix.
    let foreign = |c: &Claim| {
        prefixes.iter().enumerate().find(|(lang, prefix)| {
            *lang != c.lang && !prefix.is_empty() && c.path.starts_with(prefix.as_str())
        })
    };
    for c in claims {
        let own = prefixes.get(c.lang).map_or("", String::as_str);
        let rest = c.path.strip_prefix(own).unwrap_or(c.path);
        let other = if GENERATED.contains(&rest) {
            Some("attache's own generated page".to_string())
        } else if let Some(section) = taken_section(c.kind, rest) {
            Some(format!("attache's own pages under /{own}{section}/"))
        } else if let Some((_, prefix)) = foreign(c) {
            Some(format!(
                "the edition in another language, whose pages are under /{prefix}"
            ))
        } else {
            owners.get(c.path).map(|first| first.display().to_string())
        };
        kept.push(other.is_none());
        match other {
            Some(other) => problems.push(Diagnostic::new(
                c.display,
                Problem::UrlCollision {
                    url: format!("/{}", c.path),
                    other,
                },
            )),
            None => {
                owners.insert(c.path, c.display);
            }
        }
    }
    let mut alias_owners: FxHashMap<&str, &Path> = FxHashMap::default();
    for c in claims {
        for alias in c.aliases {
            if alias == c.path {
                continue;
            }
            let folder = alias.trim_end_matches("index.html");
            // Every edition has attache's own pages; an alias takes none of them.
            let (edition, in_edition) = prefixes
                .iter()
                .filter(|p| !p.is_empty())
                .find_map(|p| Some((p.as_str(), alias.strip_prefix(p.as_str())?)))
                .unwrap_or(("", alias.as_str()));
            let in_folder = in_edition.trim_end_matches("index.html");
            let other = if GENERATED.contains(&in_folder)
                || in_edition == "404.html"
                || (!edition.is_empty() && in_folder.is_empty())
            {
                Some("attache's own generated page".to_string())
            } else if let Some(section) = reserved(in_edition) {
                Some(format!("attache's own pages under /{edition}{section}/"))
            } else if let Some(page) = owners.get(folder) {
                Some(format!("the URL of {}", page.display()))
            } else {
                alias_owners
                    .get(alias.as_str())
                    .map(|first| format!("an alias of {} too", first.display()))
            };
            match other {
                Some(other) => problems.push(Diagnostic::new(
                    c.display,
                    Problem::AliasCollision {
                        alias: format!("/{alias}"),
                        other,
                    },
                )),
                None => {
                    alias_owners.insert(alias, c.display);
                }
            }
        }
    }
    UrlCheck { kept, problems }
}

/// Whether pages of `kind` live in attache's section `section` (topics in `topics/`,
/// profiles on their entity pages).
fn own_section(kind: Kind, section: &str) -> bool {
    matches!(
        (kind, section),
        (Kind::Topic, "topics")
            | (Kind::Person, "people")
            | (Kind::Organization, "organizations")
            | (Kind::Tag, "tags")
    )
}

/// The section of attache's own pages that a page of `kind` at `path` would take (a topic
/// page belongs under `topics/`, a person's profile under `people/`).
pub(crate) fn taken_section(kind: Kind, path: &str) -> Option<&'static str> {
    reserved(path).filter(|s| !own_section(kind, s))
}

/// The section of attache's own pages a path lies in (`tags` for `tags/x/`), which no
/// chosen URL or alias may take; `page/<n>/` holds the pages of the home page's list.
fn reserved(path: &str) -> Option<&'static str> {
    let mut segments = path.split('/');
    let first = segments.next()?;
    let number = segments.next().unwrap_or("");
    if first == "page" && !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()) {
        return Some("page");
    }
    [
        "topics",
        "people",
        "organizations",
        "tags",
        "timeline",
        "search",
        "pack",
    ]
    .into_iter()
    .find(|s| *s == first && path.len() > first.len())
}

/// The pages that keep their URL, and the problems of the others.
pub(super) fn keep_unique_urls(pages: Vec<Page>, config: &Config) -> (Vec<Page>, Vec<Diagnostic>) {
    let claims: Vec<Claim> = pages.iter().map(Claim::of).collect();
    let UrlCheck { kept, problems } = check_urls(&claims, &prefixes(config));
    drop(claims);
    if problems.is_empty() {
        return (pages, problems);
    }
    let pages = pages
        .into_iter()
        .zip(kept)
        .filter_map(|(page, keep)| keep.then_some(page))
        .collect();
    (pages, problems)
}
