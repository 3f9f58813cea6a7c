//! People, organizations and tags: the entities articles name, each with the articles
//! that name it, collected in one pass over the articles.

use std::collections::BTreeMap;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::config::Config;
use crate::parse::Page;
use crate::parse::front_matter::ArticleMeta;

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

    pub(super) fn names(self, page: &Page) -> &[String] {
        page.article().map_or(&[], |m| self.of(m))
    }

    fn of(self, meta: &ArticleMeta) -> &[String] {
        match self {
            EntityKind::People => &meta.people,
            EntityKind::Organizations => &meta.organizations,
            EntityKind::Tags => &meta.tags,
        }
    }

    fn at(self) -> usize {
        self as usize
    }
}

/// Each name as written in the articles, by kind, to its entity's position in its list.
pub(super) type Spellings<'a> = [FxHashMap<&'a str, usize>; 3];

/// The entities of `articles` (newest first), each kind sorted by name, and where each
/// spelling went. Names that slugify alike are one entity; the first spelling (in the
/// newest article) is kept.
pub(super) fn collect(articles: &[Page]) -> (BTreeMap<EntityKind, Vec<Entity>>, Spellings<'_>) {
    let kinds: Vec<(Vec<Entity>, FxHashMap<&str, usize>)> = EntityKind::ALL
        .par_iter()
        .map(|&kind| collect_kind(kind, articles))
        .collect();
    let mut entities = BTreeMap::new();
    let mut spellings: Spellings = Default::default();
    for (kind, (list, names)) in EntityKind::ALL.into_iter().zip(kinds) {
        entities.insert(kind, list);
        spellings[kind.at()] = names;
    }
    (entities, spellings)
}

fn collect_kind(kind: EntityKind, articles: &[Page]) -> (Vec<Entity>, FxHashMap<&str, usize>) {
    // Names repeat across articles: each spelling is made into a slug once.
    let mut spellings: FxHashMap<&str, usize> = FxHashMap::default();
    let mut by_slug: FxHashMap<String, usize> = FxHashMap::default();
    let mut list: Vec<Entity> = Vec::new();
    for (i, a) in articles.iter().enumerate() {
        for name in kind.names(a) {
            let at = *spellings.entry(name.as_str()).or_insert_with(|| {
                let slug = slug::slugify(name);
                *by_slug.entry(slug.clone()).or_insert_with(|| {
                    list.push(Entity {
                        name: name.trim().to_string(),
                        slug,
                        articles: Vec::new(),
                    });
                    list.len() - 1
                })
            });
            let e = &mut list[at];
            if e.articles.last() != Some(&i) {
                e.articles.push(i);
            }
        }
    }
    let mut order: Vec<usize> = (0..list.len()).collect();
    order.sort_by_cached_key(|&i| (list[i].name.to_lowercase(), list[i].slug.clone()));
    let mut moved_to = vec![0; list.len()];
    for (to, &from) in order.iter().enumerate() {
        moved_to[from] = to;
    }
    for at in spellings.values_mut() {
        *at = moved_to[*at];
    }
    let mut slots: Vec<Option<Entity>> = list.into_iter().map(Some).collect();
    let sorted = order
        .into_iter()
        .map(|i| slots[i].take().expect("each entity once"))
        .collect();
    (sorted, spellings)
}

/// Finds the articles that name an entity, by a name as written.
pub(super) struct Names<'s, 'a> {
    entities: &'a BTreeMap<EntityKind, Vec<Entity>>,
    spellings: &'s Spellings<'s>,
    by_slug: [FxHashMap<&'a str, usize>; 3],
}

impl<'s, 'a> Names<'s, 'a> {
    pub(super) fn new(
        entities: &'a BTreeMap<EntityKind, Vec<Entity>>,
        spellings: &'s Spellings<'s>,
    ) -> Names<'s, 'a> {
        let mut by_slug: [FxHashMap<&str, usize>; 3] = Default::default();
        for (kind, list) in entities {
            by_slug[kind.at()] = list
                .iter()
                .enumerate()
                .map(|(i, e)| (e.slug.as_str(), i))
                .collect();
        }
        Names {
            entities,
            spellings,
            by_slug,
        }
    }

    /// The articles naming `name` (this spelling, or any with the same slug).
    pub(super) fn articles(&self, kind: EntityKind, name: &str) -> Option<&'a [usize]> {
        let k = kind.at();
        let at = match self.spellings[k].get(name) {
            Some(&at) => at,
            None => *self.by_slug[k].get(slug::slugify(name).as_str())?,
        };
        Some(self.entities[&kind][at].articles.as_slice())
    }
}
