//! Which render jobs an edit touches: the pages that show an article's card, the feeds
//! that carry its text, and per job a signature of the articles it lists, so that two
//! versions of the site can be compared job by job without rendering either.

use std::collections::hash_map::DefaultHasher;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::hash::{Hash, Hasher};

use rayon::prelude::*;

use crate::index::{EntityKind, Site};
use crate::render::{self, Job, search};

use super::incremental::lastmod;

/// Jobs that show the cards of `articles` (indices in `site`).
pub(super) fn card_jobs(site: &Site, articles: &[usize]) -> BTreeSet<Job> {
    let mut jobs = BTreeSet::new();
    if articles.is_empty() {
        return jobs;
    }
    let changed: HashSet<usize> = articles.iter().copied().collect();
    jobs.insert(Job::Timeline);
    let topic_pos: HashMap<&str, usize> = site
        .topics
        .iter()
        .enumerate()
        .map(|(i, t)| (t.page.id.as_str(), i))
        .collect();
    for &i in articles {
        if i < 10 {
            jobs.insert(Job::Home);
        }
        // The newer article shows this one as `prev`, the older one as `next`.
        if i > 0 {
            jobs.insert(Job::Article(i - 1));
        }
        if i + 1 < site.articles.len() {
            jobs.insert(Job::Article(i + 1));
        }
        let Some(meta) = site.articles[i].article() else {
            continue;
        };
        for t in &meta.topics {
            if let Some(&p) = topic_pos.get(t.as_str()) {
                jobs.insert(Job::Topic(p));
            }
        }
        for kind in EntityKind::ALL {
            if !kind.enabled(&site.config) {
                continue;
            }
            let names = match kind {
                EntityKind::People => &meta.people,
                EntityKind::Organizations => &meta.organizations,
                EntityKind::Tags => &meta.tags,
            };
            for name in names {
                let slug = slug::slugify(name);
                if let Some(e) = site.entities[&kind].iter().position(|e| e.slug == slug) {
                    jobs.insert(Job::Entity(kind, e));
                }
            }
        }
    }
    for (j, related) in site.related.iter().enumerate() {
        if related.iter().any(|r| changed.contains(r)) {
            jobs.insert(Job::Article(j));
        }
    }
    jobs
}

/// Jobs that show more of `articles` than their card: feeds (the full text).
pub(super) fn page_jobs(site: &Site, articles: &[usize]) -> BTreeSet<Job> {
    let mut jobs = BTreeSet::new();
    if !site.config.feeds.enabled {
        return jobs;
    }
    let limit = site.config.feeds.limit;
    for &i in articles {
        let in_topic_feed = site.config.feeds.per_topic
            && site.topics.iter().any(|t| {
                let at = t.articles.partition_point(|&x| x < i);
                at < limit && t.articles.get(at) == Some(&i)
            });
        if i < limit || in_topic_feed {
            jobs.insert(Job::Feeds);
        }
    }
    jobs
}

/// Per job, a hash of the content paths it shows (in order): when it changes between two
/// sites, the job lists other articles (or the same in another order) and must be rendered.
pub(super) struct Signatures {
    pub(super) jobs: Vec<(Job, String, u64)>,
    pub(super) by_key: HashMap<String, u64>,
}

pub(super) fn signatures(site: &Site) -> Signatures {
    let jobs: Vec<(Job, String, u64)> = render::all_jobs(site)
        .into_par_iter()
        .map(|job| {
            let key = job_outputs(site, job).swap_remove(0);
            (job, key, signature(site, job))
        })
        .collect();
    let by_key = jobs.iter().map(|(_, k, s)| (k.clone(), *s)).collect();
    Signatures { jobs, by_key }
}

pub(super) fn signature(site: &Site, job: Job) -> u64 {
    let mut h = DefaultHasher::new();
    let rel = |i: usize| site.articles[i].rel.as_str();
    let rels = |h: &mut DefaultHasher, list: &[usize]| {
        list.len().hash(h);
        for &i in list {
            rel(i).hash(h);
        }
    };
    match job {
        Job::Home => {
            site.home.as_ref().map(|p| &p.rel).hash(&mut h);
            let latest: Vec<usize> = (0..site.articles.len().min(10)).collect();
            rels(&mut h, &latest);
            site.articles.len().hash(&mut h);
        }
        Job::Article(i) => {
            rel(i).hash(&mut h);
            site.articles.get(i + 1).map(|a| &a.rel).hash(&mut h);
            i.checked_sub(1).map(rel).hash(&mut h);
            rels(&mut h, &site.related[i]);
        }
        Job::Topic(t) => {
            site.topics[t].page.rel.hash(&mut h);
            rels(&mut h, &site.topics[t].articles);
        }
        Job::Timeline => {
            for a in &site.articles {
                a.rel.hash(&mut h);
            }
        }
        Job::Entities(kind) => {
            for e in &site.entities[&kind] {
                (&e.name, &e.slug, e.articles.len()).hash(&mut h);
            }
        }
        Job::Entity(kind, i) => {
            let e = &site.entities[&kind][i];
            (&e.name, &e.slug).hash(&mut h);
            rels(&mut h, &e.articles);
        }
        Job::Page(p) => site.pages[p].rel.hash(&mut h),
        Job::Feeds => {
            let limit = site.config.feeds.limit;
            let all: Vec<usize> = (0..site.articles.len().min(limit)).collect();
            rels(&mut h, &all);
            for t in &site.topics {
                t.page.rel.hash(&mut h);
                rels(&mut h, &t.articles[..t.articles.len().min(limit)]);
            }
        }
        Job::Sitemap => {
            for p in site.all_pages() {
                p.path.hash(&mut h);
                lastmod(p).hash(&mut h);
            }
            for (kind, list) in &site.entities {
                for e in list {
                    (kind.key(), &e.slug).hash(&mut h);
                }
            }
        }
        Job::Redirects => {
            for p in site.all_pages() {
                (&p.path, p.title(), &p.meta.common().aliases).hash(&mut h);
            }
        }
        Job::Topics | Job::Search | Job::NotFound | Job::Robots | Job::SearchIndex => {}
    }
    h.finish()
}

/// The output paths a job writes; the first is its key.
pub(super) fn job_outputs(site: &Site, job: Job) -> Vec<String> {
    let index = |path: &str| format!("{path}index.html");
    match job {
        Job::Home => vec![index("")],
        Job::Article(i) => vec![index(&site.articles[i].path)],
        Job::Topics => vec![index("topics/")],
        Job::Topic(t) => vec![index(&site.topics[t].page.path)],
        Job::Timeline => vec![index("timeline/")],
        Job::Entities(kind) => vec![index(&format!("{}/", kind.key()))],
        Job::Entity(kind, i) => vec![index(&format!(
            "{}/{}/",
            kind.key(),
            site.entities[&kind][i].slug
        ))],
        Job::Page(p) => vec![index(&site.pages[p].path)],
        Job::Search => vec![index("search/")],
        Job::NotFound => vec!["404.html".to_string()],
        Job::Feeds => {
            let mut out = vec!["atom.xml".to_string()];
            if site.config.feeds.per_topic {
                out.extend(
                    site.topics
                        .iter()
                        .map(|t| format!("{}atom.xml", t.page.path)),
                );
            }
            out
        }
        Job::Sitemap => vec!["sitemap.xml".to_string()],
        Job::Robots => vec!["robots.txt".to_string()],
        Job::SearchIndex => vec![search::INDEX_FILE.to_string()],
        Job::Redirects => site
            .all_pages()
            .flat_map(|p| {
                p.meta
                    .common()
                    .aliases
                    .iter()
                    .filter(|a| **a != p.path)
                    .map(|a| render::redirects::alias_file(a))
            })
            .collect(),
    }
}
