//! The template values of profiles and entity lists: a profile's fields as the entity page
//! shows them, the people list grouped by organization, and the topics an entity appears
//! in (documented in docs/templates.md).

use tera::Value;

use super::job::Scope;
use super::values::{Shared, html, list, obj, opt_text, text};
use crate::index::{Edition, Entity, EntityKind};
use crate::parse::Page;

/// The URL of the entity of `kind` a name leads to, if it has a page.
fn entity_url<'a>(shared: &'a Shared, kind: EntityKind, name: &str) -> Option<&'a str> {
    shared
        .entity_urls
        .get(&(kind, slug::slugify(name)))
        .map(String::as_str)
}

/// `{name, url}` of an organization a profile names (a link when it has a page).
fn organization(shared: &Shared, name: Option<&str>) -> Value {
    name.map_or_else(Value::none, |n| {
        obj([
            ("name", text(n)),
            (
                "url",
                opt_text(entity_url(shared, EntityKind::Organizations, n)),
            ),
        ])
    })
}

/// A profile as the entity page shows it.
pub(super) fn profile_value(shared: &Shared, page: &Page) -> Value {
    let Some(m) = page.profile() else {
        return Value::none();
    };
    let names = list(m.names.iter().map(|(code, name)| {
        let dir = crate::i18n::parse_code(code)
            .map(|id| crate::i18n::Direction::of(&id).as_str())
            .unwrap_or("auto");
        obj([
            ("lang", text(code)),
            ("dir", text(dir)),
            ("name", text(name)),
        ])
    }));
    let roles = list(m.roles.iter().map(|role| {
        obj([
            ("title", text(&role.title)),
            (
                "organization",
                organization(
                    shared,
                    role.organization.as_deref().or(m.organization.as_deref()),
                ),
            ),
            ("from", opt_text(role.from.as_deref())),
            ("to", opt_text(role.to.as_deref())),
            ("current", Value::from(role.is_current())),
        ])
    }));
    let links = list(m.links.iter().map(|l| {
        obj([
            ("title", opt_text(l.title.as_deref())),
            ("url", text(&l.url)),
        ])
    }));
    let (updated_iso, updated_display) = shared.date_values(m.updated);
    obj([
        ("name", text(&m.name)),
        ("names", names),
        ("aliases", list(m.aliases.iter().map(|a| text(a)))),
        ("roles", roles),
        (
            "organization",
            organization(shared, m.organization.as_deref()),
        ),
        ("country", opt_text(m.country.as_deref())),
        ("links", links),
        ("summary", text(page.summary())),
        (
            "lead",
            opt_text(m.summary.as_deref().filter(|s| !s.trim().is_empty())),
        ),
        ("content", html(&page.body.html.unpack())),
        ("updated_iso", updated_iso),
        ("updated_display", updated_display),
        ("extra", Value::from_serializable(&page.extra)),
    ])
}

/// `[{id, title, url, count}]` for [`Entity::topics`].
pub(super) fn topics_value(ed: &Edition, shared: &Shared, e: &Entity) -> Value {
    list(e.topics.iter().map(|&(t, count)| {
        let page = &ed.topics[t].page;
        obj([
            ("id", text(&page.id)),
            ("title", text(page.title())),
            ("url", text(&shared.url(&page.path))),
            ("count", Value::from(count)),
        ])
    }))
}

/// The entities of `kind` (those `keep` lets through), as lists show them:
/// `{name, url, count, role}`.
pub(super) fn entity_list(
    s: &Scope,
    shared: &Shared,
    kind: EntityKind,
    keep: Option<&dyn Fn(&Entity) -> bool>,
) -> Value {
    let code = &shared.language.code;
    let mut shown: Vec<(&str, &Entity)> = s.ed.entities[&kind]
        .iter()
        .filter(|e| keep.is_none_or(|k| k(e)))
        .map(|e| (s.site.entity_name(s.lang, kind, e, code), e))
        .collect();
    // In the order of the names shown, in the edition's language.
    let compare = shared.language.compare_names();
    shown.sort_by(|a, b| compare(a.0, b.0));
    list(shown.into_iter().map(|(name, e)| {
        let profile = s.ed.profile_of(e).and_then(Page::profile);
        obj([
            ("name", text(name)),
            (
                "url",
                text(&shared.url(&format!("{}{}/{}/", s.prefix, kind.key(), e.slug))),
            ),
            ("count", Value::from(e.articles.len())),
            (
                "role",
                opt_text(profile.and_then(|m| m.role_line()).as_deref()),
            ),
        ])
    }))
}

/// People grouped by the organization their profile names, organizations by name, then
/// those without one last, in a group with no name (the theme names it in the page's
/// language): `[{name, url, entities}]`. Only people are grouped.
pub(super) fn groups(s: &Scope, shared: &Shared, kind: EntityKind) -> Value {
    let ed = s.ed;
    if kind != EntityKind::People {
        return Value::none();
    }
    let home = |e: &Entity| {
        ed.profile_of(e)
            .and_then(Page::profile)
            .and_then(|m| m.home_organization())
            .map(str::to_string)
    };
    let mut names: Vec<String> = ed.entities[&kind].iter().filter_map(home).collect();
    let compare = shared.language.compare_names();
    names.sort_by(|a, b| compare(a, b));
    names.dedup();
    let mut groups: Vec<Value> = names
        .iter()
        .map(|name| {
            let keep = |e: &Entity| home(e).as_deref() == Some(name.as_str());
            obj([
                ("name", text(name)),
                (
                    "url",
                    opt_text(entity_url(shared, EntityKind::Organizations, name)),
                ),
                ("entities", entity_list(s, shared, kind, Some(&keep))),
            ])
        })
        .collect();
    if groups.is_empty() {
        return Value::none();
    }
    let without_any = |e: &Entity| home(e).is_none();
    if ed.entities[&kind].iter().any(without_any) {
        groups.push(obj([
            ("name", Value::none()),
            ("url", Value::none()),
            ("entities", entity_list(s, shared, kind, Some(&without_any))),
        ]));
    }
    list(groups)
}
