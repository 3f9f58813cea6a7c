//! The entity pages: `/<kind>/` (people grouped by organization) and `/<kind>/<slug>/`
//! (the profile, when there is one, then the articles naming the entity, newest first,
//! and the topics it appears in), with each entity's feeds. For each job: what it
//! writes, what it shows, and how it is rendered, side by side.

use tera::Value;

use super::job::{Reads, Scope, Writes};
use super::json_ld;
use super::pages::newest;
use super::paging::{self, Paged};
use super::share::{self, Share};
use super::values::{self, Shared, obj, text};
use super::{Files, Local, profiles};
use crate::error::Diagnostic;
use crate::index::{EntityKind, PageRef};

// ---- people, organizations, tags: `/<kind>/` and `/<kind>/<slug>/` -----------------------

fn entities_path(s: &Scope, kind: EntityKind) -> String {
    format!("{}{}/", s.prefix, kind.key())
}

fn entity_path(s: &Scope, kind: EntityKind, i: usize) -> String {
    format!(
        "{}{}/{}/",
        s.prefix,
        kind.key(),
        s.ed.entities[&kind][i].slug
    )
}

pub(super) fn entities_writes(s: &Scope, kind: EntityKind) -> Writes {
    Writes::page(&entities_path(s, kind), None)
}

/// The list shows each entity's name, URL and count, and each profile's organization
/// (people are grouped by it): it reads the profiles of its kind in full.
pub(super) fn entities_reads(s: &Scope, kind: EntityKind) -> Reads {
    let code = &Shared::language_of(s.site, s.lang).code;
    let shown: Vec<(&str, &str, usize)> = s.ed.entities[&kind]
        .iter()
        .map(|e| {
            let name = s.site.entity_name(s.lang, kind, e, code);
            (name, e.slug.as_str(), e.articles.len())
        })
        .collect();
    s.ed.entities[&kind]
        .iter()
        .filter_map(|e| e.profile)
        .fold(Reads::themed(), |reads, p| reads.full(PageRef::Profile(p)))
        .other(shown)
}

pub(super) fn entities(r: &Local, kind: EntityKind) -> Result<Files, Diagnostic> {
    let shared = r.shared;
    let groups = profiles::groups(r, shared, kind);
    r.page(
        "entities.html",
        &entities_path(r, kind),
        r.word(kind.key()),
        kind.key(),
        vec![
            ("kind", text(kind.key())),
            ("kind_title", text(r.word(kind.key()))),
            ("entities", profiles::entity_list(r, shared, kind, None)),
            ("groups", groups),
        ],
    )
}

/// The articles page `page` of entity `i` shows.
fn entity_paged<'a>(
    s: &Scope<'a>,
    kind: EntityKind,
    i: usize,
    page: usize,
) -> (Paged, &'a [usize]) {
    let articles = &s.ed.entities[&kind][i].articles;
    let per = paging::per_page(s.site);
    let range = paging::page_range(articles.len(), page, per);
    (Paged::of(articles.len(), page, per), &articles[range])
}

/// The number of pages of entity `i`.
pub(super) fn entity_pages(s: &Scope, kind: EntityKind, i: usize) -> usize {
    paging::page_count(
        s.ed.entities[&kind][i].articles.len(),
        paging::per_page(s.site),
    )
}

/// The first page also writes the entity's feeds.
pub(super) fn entity_writes(s: &Scope, kind: EntityKind, i: usize, page: usize) -> Writes {
    let e = &s.ed.entities[&kind][i];
    let path = entity_path(s, kind, i);
    let (_, shown) = entity_paged(s, kind, i, page);
    let articles = shown.iter().map(|&a| s.ed.articles[a].meta.updated());
    let profile = s.ed.profile_of(e).and_then(|p| p.meta.updated());
    let mut writes = Writes::page(
        &paging::page_path(&path, page),
        newest(articles.chain([profile])),
    );
    if page == 0 {
        writes
            .outputs
            .extend(super::feeds::entity_feed_files(s.site, &path));
    }
    writes
}

pub(super) fn entity_reads(s: &Scope, kind: EntityKind, i: usize, page: usize) -> Reads {
    let (site, ed) = (s.site, s.ed);
    let e = &ed.entities[&kind][i];
    let (paged, shown) = entity_paged(s, kind, i, page);
    let mut reads = Reads::themed();
    if let Some(p) = e.profile {
        reads = reads.full(PageRef::Profile(p));
    }
    let topics = &e.topics;
    for (t, _) in topics {
        reads = reads.link(PageRef::Topic(*t));
    }
    // The first page's feeds carry each newest article's card, and its date of revision
    // and authors besides: a body edit leaves them as they were.
    let in_feed = if page == 0 {
        super::feeds::entity_feed_len(site, e.articles.len())
    } else {
        0
    };
    let feed_extras: Vec<_> = e.articles[..in_feed]
        .iter()
        .filter_map(|&a| ed.articles[a].article())
        .map(|m| (m.last_modified(), &m.authors))
        .collect();
    reads
        .cards(shown.iter().copied())
        .cards(e.articles[..in_feed].iter().copied())
        .other((
            s.site
                .entity_name(s.lang, kind, e, &Shared::language_of(site, s.lang).code),
            &e.slug,
            &e.other_slugs,
            topics,
            feed_extras,
            paging::first_only(page, e.articles.len()),
            paged,
        ))
}

pub(super) fn entity(
    r: &Local,
    kind: EntityKind,
    i: usize,
    page: usize,
) -> Result<Files, Diagnostic> {
    let (site, ed, shared) = (r.site, r.ed, r.shared);
    let e = &ed.entities[&kind][i];
    let path = entity_path(r, kind, i);
    let (paged, shown) = entity_paged(r, kind, i, page);
    let profile = ed.profile_of(e);
    let feeds = super::feeds::entity_feed_urls(site, shared, &path);
    let name = site.entity_name(r.lang, kind, e, &shared.language.code);
    let entity = obj([
        ("name", text(name)),
        ("url", text(&shared.url(&path))),
        ("count", paging::count_value(page, e.articles.len())),
        ("feed_url", feeds.0),
        ("rss_url", feeds.1),
        (
            "profile",
            profile.map_or_else(Value::none, |p| profiles::profile_value(shared, p)),
        ),
        ("topics", profiles::topics_value(ed, shared, e)),
    ]);
    let steps = [
        (shared.site_title.as_str(), r.local("")),
        (r.word(kind.key()), entities_path(r, kind)),
        (name, path.clone()),
    ];
    let mut nodes = Vec::new();
    if let Some((p, m)) = profile.and_then(|p| Some((p, p.profile()?))) {
        nodes.push(json_ld::profile(shared, kind, p, m));
    }
    nodes.push(json_ld::breadcrumbs(shared, &steps));
    let preview = Share {
        title: name,
        description: profile.map_or("", |p| p.summary()),
        path: &path,
        kind: if profile.is_some() && kind == EntityKind::People {
            share::Kind::Profile
        } else {
            share::Kind::Website
        },
        image: profile.and_then(|p| p.meta.common().image.as_deref()),
    };
    let mut files = r.page(
        "entity.html",
        &paging::page_path(&path, page),
        name,
        kind.key(),
        vec![
            ("share", preview.value(shared)),
            ("json_ld", json_ld::script(&json_ld::graph(nodes))),
            (
                "publication",
                profile.map_or_else(Value::none, |p| values::publication(p, &shared.dates)),
            ),
            ("kind", text(kind.key())),
            ("kind_title", text(r.word(kind.key()))),
            ("entity", entity),
            ("articles", shared.cards(shown)),
            ("pager", paged.value(shared, &path)),
        ],
    )?;
    if page == 0 {
        files.extend(super::feeds::entity_feeds(
            r,
            shared,
            name,
            &path,
            &e.articles,
        ));
    }
    Ok(files)
}
