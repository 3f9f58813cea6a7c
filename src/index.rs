//! Stage 3, index: from parsed pages to the [`Site`]: articles in time order, topics,
//! people, organizations and tags with their articles, related articles, and the checks
//! that span files (two sources on one URL).

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use rayon::prelude::*;

use crate::config::Config;
use crate::error::{Diagnostic, Diagnostics, Problem};
use crate::parse::{Kind, Page};

/// A topic and the articles filed under it (indices into `Site::articles`, newest first).
#[derive(Debug, Clone)]
pub struct Topic {
    pub page: Page,
    pub articles: Vec<usize>,
}

/// A person, organization or tag, and the articles that name it (newest first).
#[derive(Debug, Clone)]
pub struct Entity {
    pub name: String,
    pub slug: String,
    pub articles: Vec<usize>,
}

/// The kinds of entity pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EntityKind {
    People,
    Organizations,
    Tags,
}

impl EntityKind {
    pub const ALL: [EntityKind; 3] = [
        EntityKind::People,
        EntityKind::Organizations,
        EntityKind::Tags,
    ];

    /// The URL segment and template `kind` value.
    pub fn key(self) -> &'static str {
        match self {
            EntityKind::People => "people",
            EntityKind::Organizations => "organizations",
            EntityKind::Tags => "tags",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            EntityKind::People => "People",
            EntityKind::Organizations => "Organizations",
            EntityKind::Tags => "Tags",
        }
    }

    pub fn enabled(self, config: &Config) -> bool {
        match self {
            EntityKind::People => config.taxonomies.people,
            EntityKind::Organizations => config.taxonomies.organizations,
            EntityKind::Tags => config.taxonomies.tags,
        }
    }

    fn names(self, page: &Page) -> &[String] {
        let Some(a) = page.article() else { return &[] };
        match self {
            EntityKind::People => &a.people,
            EntityKind::Organizations => &a.organizations,
            EntityKind::Tags => &a.tags,
        }
    }
}

/// The whole site, ready to render.
#[derive(Debug, Clone)]
pub struct Site {
    pub config: Config,
    pub home: Option<Page>,
    /// Newest first; an article's position here is its id everywhere else.
    pub articles: Vec<Page>,
    /// Ordered by weight, then title.
    pub topics: Vec<Topic>,
    /// Plain pages, ordered by weight, then title.
    pub pages: Vec<Page>,
    /// People, organizations and tags, each sorted by name.
    pub entities: BTreeMap<EntityKind, Vec<Entity>>,
    /// Up to [`RELATED`] related articles per article.
    pub related: Vec<Vec<usize>>,
}

impl Site {
    /// Every page made from a content file: home, articles, topics, plain pages.
    pub fn all_pages(&self) -> impl Iterator<Item = &Page> {
        self.home
            .iter()
            .chain(&self.articles)
            .chain(self.topics.iter().map(|t| &t.page))
            .chain(&self.pages)
    }
}

/// How many related articles an article lists.
pub const RELATED: usize = 5;

/// URL paths attache generates itself, which no content file may take.
pub const GENERATED: &[&str] = &[
    "topics/",
    "timeline/",
    "people/",
    "organizations/",
    "tags/",
    "search/",
    "articles/",
];

pub fn index(config: Config, pages: Vec<Page>) -> Result<Site, Diagnostics> {
    let (site, problems) = index_lenient(config, pages);
    Diagnostics(problems).into_result(site)
}

/// The warnings of every page of the site, and those about the site as a whole: raw
/// HTML shown as text is one warning for the whole site, at its first place.
pub fn warnings(site: &Site) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = site
        .all_pages()
        .flat_map(|p| p.warnings.iter().cloned())
        .collect();
    let mut raw: Vec<&Page> = site
        .all_pages()
        .filter(|p| p.body.raw_html.is_some())
        .collect();
    raw.sort_by(|a, b| a.display.cmp(&b.display));
    if let Some(first) = raw.first()
        && let Some(html) = &first.body.raw_html
    {
        let times = match html.count {
            1 => String::new(),
            n => format!(" ({n} times)"),
        };
        let here = match raw.len() {
            1 => format!("here{times}, the only file with raw HTML"),
            n => format!(
                "here{times} and in {} more file{} ({n} in all)",
                n - 1,
                if n == 2 { "" } else { "s" }
            ),
        };
        let mut d = Diagnostic::warning(first.display.clone(), Problem::RawHtmlShown { here });
        d.location = html.location;
        d.line_text = html.line.clone();
        out.push(d);
    }
    out
}

/// Indexes what it can: pages whose URL is taken by an earlier page (or by a generated
/// page) are left out and reported, and the rest of the site is indexed.
pub fn index_lenient(config: Config, pages: Vec<Page>) -> (Site, Vec<Diagnostic>) {
    let (pages, problems) = check_urls(pages);
    (index_pages(config, pages), problems)
}

fn index_pages(config: Config, pages: Vec<Page>) -> Site {
    let mut home = None;
    let mut articles = Vec::new();
    let mut topic_pages = Vec::new();
    let mut plain = Vec::new();
    for page in pages {
        match page.kind {
            Kind::Home => home = Some(page),
            Kind::Article => articles.push(page),
            Kind::Topic => topic_pages.push(page),
            Kind::Page => plain.push(page),
        }
    }
    articles.sort_by(|a, b| {
        let (ma, mb) = (a.article(), b.article());
        let date = |m: Option<&crate::parse::front_matter::ArticleMeta>| m.map(|m| m.date);
        date(mb)
            .cmp(&date(ma))
            .then_with(|| a.title().cmp(b.title()))
            .then_with(|| a.rel.cmp(&b.rel))
    });
    topic_pages.sort_by(|a, b| {
        topic_weight(a)
            .cmp(&topic_weight(b))
            .then_with(|| a.title().cmp(b.title()))
    });
    plain.sort_by(|a, b| {
        page_weight(a)
            .cmp(&page_weight(b))
            .then_with(|| a.title().cmp(b.title()))
    });

    let topic_pos: HashMap<&str, usize> = topic_pages
        .iter()
        .enumerate()
        .map(|(i, t)| (t.id.as_str(), i))
        .collect();
    let mut filed: Vec<Vec<usize>> = vec![Vec::new(); topic_pages.len()];
    for (i, a) in articles.iter().enumerate() {
        for t in a.article().map(|m| m.topics.as_slice()).unwrap_or(&[]) {
            if let Some(&p) = topic_pos.get(t.as_str())
                && filed[p].last() != Some(&i)
            {
                filed[p].push(i);
            }
        }
    }

    let entities: BTreeMap<EntityKind, Vec<Entity>> = EntityKind::ALL
        .into_iter()
        .map(|kind| (kind, collect_entities(kind, &articles)))
        .collect();
    let related = related_articles(&articles, &filed, &topic_pos, &entities);
    let topics = topic_pages
        .into_iter()
        .zip(filed)
        .map(|(page, articles)| Topic { page, articles })
        .collect();

    Site {
        config,
        home,
        articles,
        topics,
        pages: plain,
        entities,
        related,
    }
}

fn topic_weight(p: &Page) -> i64 {
    match &p.meta {
        crate::parse::Meta::Topic(m) => m.weight,
        _ => 0,
    }
}

fn page_weight(p: &Page) -> i64 {
    match &p.meta {
        crate::parse::Meta::Page(m) => m.weight,
        _ => 0,
    }
}

/// Two sources may not produce the same URL; both files are named. Returns the pages
/// that keep their URL (the first, in file order) and the problems.
fn check_urls(pages: Vec<Page>) -> (Vec<Page>, Vec<Diagnostic>) {
    let claims: Vec<Claim> = pages
        .iter()
        .map(|p| Claim {
            display: &p.display,
            kind: p.kind,
            path: &p.path,
            aliases: &p.meta.common().aliases,
        })
        .collect();
    let (taken, problems) = url_problems(&claims);
    let kept = pages
        .into_iter()
        .zip(taken)
        .filter_map(|(page, ok)| ok.then_some(page))
        .collect();
    (kept, problems)
}

/// What one content file asks for in the output: its URL path and its aliases.
pub struct Claim<'a> {
    pub display: &'a Path,
    pub kind: Kind,
    pub path: &'a str,
    pub aliases: &'a [String],
}

/// The URL-collision check, for `index` and for `serve`: no two pages on one URL, no
/// page on a URL attache generates, and no alias on the URL of a page, of another alias
/// or of a generated page. Every collision names both files. Returns, per claim, whether
/// its page keeps its URL (aliases in conflict do not cost a page its place).
pub fn url_problems(claims: &[Claim]) -> (Vec<bool>, Vec<Diagnostic>) {
    let mut owners: HashMap<&str, &Path> = HashMap::with_capacity(claims.len());
    let mut problems = Vec::new();
    let mut kept = Vec::with_capacity(claims.len());
    for c in claims {
        let other = if GENERATED.contains(&c.path) {
            Some("attache's own generated page".to_string())
        } else if let Some(section) = reserved(c.path).filter(|_| c.kind != Kind::Topic) {
            Some(format!("attache's own pages under /{section}/"))
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
    let mut alias_owners: HashMap<&str, &Path> = HashMap::new();
    for c in claims {
        for alias in c.aliases {
            if alias == c.path {
                continue;
            }
            let folder = alias.trim_end_matches("index.html");
            let other = if GENERATED.contains(&folder) || alias == "404.html" {
                Some("attache's own generated page".to_string())
            } else if let Some(section) = reserved(alias) {
                Some(format!("attache's own pages under /{section}/"))
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
    (kept, problems)
}

/// The section of attache's own pages a path lies in (`tags` for `tags/x/`), which no
/// chosen URL or alias may take.
fn reserved(path: &str) -> Option<&'static str> {
    let first = path.split('/').next()?;
    [
        "topics",
        "people",
        "organizations",
        "tags",
        "timeline",
        "search",
    ]
    .into_iter()
    .find(|s| *s == first && path.len() > first.len())
}

/// Names that slugify alike are one entity; the first spelling (newest article) is kept.
fn collect_entities(kind: EntityKind, articles: &[Page]) -> Vec<Entity> {
    let mut by_slug: HashMap<String, Entity> = HashMap::new();
    for (i, a) in articles.iter().enumerate() {
        for name in kind.names(a) {
            let slug = slug::slugify(name);
            let e = by_slug.entry(slug.clone()).or_insert_with(|| Entity {
                name: name.trim().to_string(),
                slug,
                articles: Vec::new(),
            });
            if e.articles.last() != Some(&i) {
                e.articles.push(i);
            }
        }
    }
    let mut list: Vec<Entity> = by_slug.into_values().collect();
    list.sort_by(|a, b| {
        a.name
            .to_lowercase()
            .cmp(&b.name.to_lowercase())
            .then_with(|| a.slug.cmp(&b.slug))
    });
    list
}

/// Related articles: shared people weigh most, then organizations, tags, and topics.
///
/// Candidates come from the posting lists of the article's entities and topics. Long lists
/// are cut to the neighbours in time, so the cost stays linear in the number of articles
/// even when one name appears in thousands of them.
fn related_articles(
    articles: &[Page],
    topics: &[Vec<usize>],
    topic_pos: &HashMap<&str, usize>,
    entities: &BTreeMap<EntityKind, Vec<Entity>>,
) -> Vec<Vec<usize>> {
    const WINDOW: usize = 25;
    let by_slug: HashMap<(EntityKind, &str), &[usize]> = entities
        .iter()
        .flat_map(|(kind, list)| {
            list.iter()
                .map(move |e| ((*kind, e.slug.as_str()), e.articles.as_slice()))
        })
        .collect();
    // Each distinct name is made into a slug once, not once per article naming it.
    let mut postings: HashMap<(EntityKind, &str), &[usize]> = HashMap::new();
    for page in articles {
        for kind in EntityKind::ALL {
            for name in kind.names(page) {
                if !postings.contains_key(&(kind, name.as_str()))
                    && let Some(list) = by_slug.get(&(kind, slug::slugify(name).as_str()))
                {
                    postings.insert((kind, name.as_str()), list);
                }
            }
        }
    }
    let near = |list: &[usize], me: usize| -> std::ops::Range<usize> {
        let at = list.partition_point(|&x| x < me);
        at.saturating_sub(WINDOW)..(at + WINDOW + 1).min(list.len())
    };
    (0..articles.len())
        .into_par_iter()
        .map_init(Vec::new, |pairs: &mut Vec<(usize, u32)>, me| {
            // (candidate, weight) for every shared name and topic; summed after a sort,
            // which is cheaper than a hash map per article.
            pairs.clear();
            let page = &articles[me];
            let mut add = |list: &[usize], weight: u32| {
                for &other in &list[near(list, me)] {
                    if other != me {
                        pairs.push((other, weight));
                    }
                }
            };
            for (kind, weight) in [
                (EntityKind::People, 4),
                (EntityKind::Organizations, 3),
                (EntityKind::Tags, 2),
            ] {
                for name in kind.names(page) {
                    if let Some(list) = postings.get(&(kind, name.as_str())) {
                        add(list, weight);
                    }
                }
            }
            for t in page.article().map(|m| m.topics.as_slice()).unwrap_or(&[]) {
                if let Some(&p) = topic_pos.get(t.as_str()) {
                    add(&topics[p], 1);
                }
            }
            pairs.sort_unstable_by_key(|&(other, _)| other);
            let mut ranked: Vec<(usize, u32)> = Vec::with_capacity(pairs.len());
            for &(other, weight) in pairs.iter() {
                match ranked.last_mut() {
                    Some(last) if last.0 == other => last.1 += weight,
                    _ => ranked.push((other, weight)),
                }
            }
            // The order is total (ties end on the index), so only the first few need sorting.
            let order = |a: &(usize, u32), b: &(usize, u32)| {
                b.1.cmp(&a.1)
                    .then_with(|| a.0.abs_diff(me).cmp(&b.0.abs_diff(me)))
                    .then_with(|| a.0.cmp(&b.0))
            };
            if ranked.len() > RELATED {
                ranked.select_nth_unstable_by(RELATED - 1, order);
                ranked.truncate(RELATED);
            }
            ranked.sort_by(order);
            ranked.into_iter().map(|(i, _)| i).collect()
        })
        .collect()
}
