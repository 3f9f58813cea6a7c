//! People, organizations and tags: the entities articles name, each with the articles
//! that name it, collected in one pass over the articles.

use std::collections::BTreeMap;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::config::Config;
use crate::error::{Diagnostic, Problem};
use crate::parse::front_matter::ArticleMeta;
use crate::parse::{Kind, Page};

/// A person, organization or tag, and the articles that name it (newest first).
#[derive(Debug, Clone)]
pub struct Entity {
    pub name: String,
    pub slug: String,
    pub articles: Vec<usize>,
    /// Its profile, as an index into `Site::profiles`, when it has one.
    pub profile: Option<usize>,
    /// The slugs of the other spellings that lead to it (a profile's aliases and its
    /// names in other scripts), so that a link from any of them finds its page.
    pub other_slugs: Vec<String>,
    /// The topics its articles are filed under, as (topic index, how many of its
    /// articles), most articles first, then in the order of the topics: found once per
    /// index, not by each page of a long entity list.
    pub topics: Vec<(usize, usize)>,
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

    /// The kind of content file that is a profile of this kind of entity.
    pub fn profile_kind(self) -> Kind {
        match self {
            EntityKind::People => Kind::Person,
            EntityKind::Organizations => Kind::Organization,
            EntityKind::Tags => Kind::Tag,
        }
    }

    /// The kind of entity a profile file describes.
    pub fn of_profile(kind: Kind) -> Option<EntityKind> {
        match kind {
            Kind::Person => Some(EntityKind::People),
            Kind::Organization => Some(EntityKind::Organizations),
            Kind::Tag => Some(EntityKind::Tags),
            _ => None,
        }
    }
}

/// Each name as written in the articles, by kind, to its entity's position in its list.
pub(super) type Spellings<'a> = [FxHashMap<&'a str, usize>; 3];

/// The entities of `articles` (newest first) and `profiles` (in file order), each kind
/// sorted by name, where each spelling went, and the names two profiles claim. Names that
/// slugify alike are one entity; a profile's name, aliases and names in other scripts all
/// lead to its entity; otherwise the first spelling (in the newest article) is kept.
pub(super) fn collect<'a>(
    articles: &'a [Page],
    profiles: &[Page],
) -> (
    BTreeMap<EntityKind, Vec<Entity>>,
    Spellings<'a>,
    Vec<Diagnostic>,
) {
    let kinds: Vec<KindEntities> = EntityKind::ALL
        .par_iter()
        .map(|&kind| collect_kind(kind, articles, profiles))
        .collect();
    let mut entities = BTreeMap::new();
    let mut spellings: Spellings = Default::default();
    let mut problems = Vec::new();
    for (kind, (list, names, taken)) in EntityKind::ALL.into_iter().zip(kinds) {
        entities.insert(kind, list);
        spellings[kind.at()] = names;
        problems.extend(taken);
    }
    (entities, spellings, problems)
}

/// The entities of the profiles of `kind`, each with every slug that leads to it; a slug
/// two profiles claim is a problem at the second, naming the first.
fn profile_entities(
    kind: EntityKind,
    profiles: &[Page],
    by_slug: &mut FxHashMap<String, usize>,
    list: &mut Vec<Entity>,
) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    // Where each slug was claimed: the profile and the spot (key) in it.
    let mut claimed: FxHashMap<String, (usize, String)> = FxHashMap::default();
    for (p, page) in profiles.iter().enumerate() {
        let Some(meta) = page.profile() else { continue };
        if EntityKind::of_profile(page.kind) != Some(kind) {
            continue;
        }
        let at = list.len();
        let mut spellings: Vec<(String, String)> = vec![
            (page.id.clone(), "name".to_string()),
            (meta.name.clone(), "name".to_string()),
        ];
        spellings.extend(
            meta.aliases
                .iter()
                .map(|a| (a.clone(), format!("aliases:{a}"))),
        );
        spellings.extend(
            meta.names
                .values()
                .map(|n| (n.clone(), format!("names:{n}"))),
        );
        let mut other_slugs = Vec::new();
        for (spelling, key) in spellings {
            let slug = slug::slugify(&spelling);
            if slug.is_empty() {
                continue;
            }
            match claimed.get(&slug) {
                Some((q, _)) if *q == p => {}
                Some((q, first_key)) => {
                    let first = &profiles[*q];
                    let where_first = match first.spot(first_key) {
                        Some(s) => format!(
                            "{}:{}:{}",
                            first.display.display(),
                            s.location.line,
                            s.location.column
                        ),
                        None => first.display.display().to_string(),
                    };
                    let mut d = Diagnostic::new(
                        page.display.clone(),
                        Problem::NameTaken {
                            spelling: spelling.clone(),
                            other: format!("the profile in {where_first}"),
                        },
                    );
                    if let Some(s) = page.spot(&key) {
                        d.location = Some(s.location);
                        d.line_text = Some(s.line.clone());
                    }
                    problems.push(d);
                }
                None => {
                    claimed.insert(slug.clone(), (p, key));
                    by_slug.insert(slug.clone(), at);
                    if slug != page.id && !other_slugs.contains(&slug) {
                        other_slugs.push(slug);
                    }
                }
            }
        }
        list.push(Entity {
            name: meta.name.clone(),
            slug: page.id.clone(),
            articles: Vec::new(),
            profile: Some(p),
            other_slugs,
            topics: Vec::new(),
        });
    }
    problems
}

/// The entities of one kind, where each spelling went, and the names two profiles claim.
type KindEntities<'a> = (Vec<Entity>, FxHashMap<&'a str, usize>, Vec<Diagnostic>);

fn collect_kind<'a>(kind: EntityKind, articles: &'a [Page], profiles: &[Page]) -> KindEntities<'a> {
    // Names repeat across articles: each spelling is made into a slug once.
    let mut spellings: FxHashMap<&str, usize> = FxHashMap::default();
    let mut by_slug: FxHashMap<String, usize> = FxHashMap::default();
    let mut list: Vec<Entity> = Vec::new();
    let problems = profile_entities(kind, profiles, &mut by_slug, &mut list);
    for (i, a) in articles.iter().enumerate() {
        for name in kind.names(a) {
            let at = *spellings.entry(name.as_str()).or_insert_with(|| {
                let slug = slug::slugify(name);
                *by_slug.entry(slug.clone()).or_insert_with(|| {
                    list.push(Entity {
                        name: name.trim().to_string(),
                        slug,
                        articles: Vec::new(),
                        profile: None,
                        other_slugs: Vec::new(),
                        topics: Vec::new(),
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
    (sorted, spellings, problems)
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
                .flat_map(|(i, e)| {
                    std::iter::once(e.slug.as_str())
                        .chain(e.other_slugs.iter().map(String::as_str))
                        .map(move |s| (s, i))
                })
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

/// Fills in each entity's [`Entity::topics`], once its articles and the edition's topics
/// (`topic_at`: each topic's position, by id) are known.
pub(super) fn file_topics(
    entities: &mut BTreeMap<EntityKind, Vec<Entity>>,
    articles: &[Page],
    topic_at: &FxHashMap<String, usize>,
) {
    // Each article's topics, looked up once rather than once per name it carries.
    let filed: Vec<Vec<usize>> = articles
        .par_iter()
        .map(|a| {
            a.article()
                .map_or(&[][..], |m| &m.topics)
                .iter()
                .filter_map(|id| topic_at.get(id).copied())
                .collect()
        })
        .collect();
    for list in entities.values_mut() {
        list.par_iter_mut().for_each(|e| {
            let mut counts = vec![0usize; topic_at.len()];
            for &a in &e.articles {
                for &t in &filed[a] {
                    counts[t] += 1;
                }
            }
            let mut topics: Vec<(usize, usize)> = counts
                .into_iter()
                .enumerate()
                .filter(|&(_, n)| n > 0)
                .collect();
            topics.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            e.topics = topics;
        });
    }
}
