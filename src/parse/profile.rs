//! Profiles of people and organizations (`content/people/<slug>.md`,
//! `content/organizations/<slug>.md`): who someone is, in typed fields, so an entity page
//! can say more than a name and a list of articles.
//!
//! A profile names its entity once (`name`), with the other spellings articles use for it
//! (`aliases`) and its name in other scripts (`names`, per language code); `index` files
//! every article naming any of them under the one entity.

use std::collections::BTreeMap;

use serde_yaml::Value;

use super::Kind;
use super::dates::PageDate;
use super::fields::Reader;
use super::front_matter::describe;
use super::meta::{Common, publication_dates};
use crate::error::Problem;

/// A role someone holds or held, as the sources state it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Role {
    /// `Chairman`, `President`.
    pub title: String,
    /// Where the role is held; the profile's `organization` when left out.
    pub organization: Option<String>,
    /// Since when, where known: `2019`, `2019-06` or `2019-06-01`.
    pub from: Option<String>,
    /// Until when, where known; a role with an end is a former one.
    pub to: Option<String>,
    /// A role the sources call former, when they do not say until when.
    pub former: bool,
}

impl Role {
    /// The role is held now (as of the profile's date): it has no end and is not former.
    pub fn is_current(&self) -> bool {
        !self.former && self.to.is_none()
    }
}

/// A link about the entity (an official site, a register entry).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ProfileLink {
    pub title: Option<String>,
    pub url: String,
}

/// Front matter of a profile.
#[derive(Debug, Clone, PartialEq)]
pub struct ProfileMeta {
    /// The name the entity goes by, as the briefing writes it.
    pub name: String,
    /// Roles, current ones first as written (people only).
    pub roles: Vec<Role>,
    /// The organization a person belongs to (people are grouped by it), or the one an
    /// organization is part of.
    pub organization: Option<String>,
    pub country: Option<String>,
    /// The name in other languages and scripts, by language code (`ru`, `ur`).
    pub names: BTreeMap<String, String>,
    /// Other spellings of the name that articles use.
    pub aliases: Vec<String>,
    pub links: Vec<ProfileLink>,
    pub summary: Option<String>,
    /// The date the profile is true as of.
    pub updated: Option<PageDate>,
    pub draft: bool,
    pub common: Common,
}

impl ProfileMeta {
    /// The name the entity goes by in the language `code`: its `names` entry for it, else
    /// its `name`.
    pub fn name_in(&self, code: &str) -> &str {
        self.names.get(code).unwrap_or(&self.name)
    }

    /// The organization a person is listed under: `organization`, else that of the first
    /// current role that names one.
    pub fn home_organization(&self) -> Option<&str> {
        self.organization.as_deref().or_else(|| {
            self.roles
                .iter()
                .filter(|r| r.is_current())
                .find_map(|r| r.organization.as_deref())
        })
    }

    /// `Chairman, Clean and Green Islamabad Movement` for the first current role (or the
    /// first role at all), as a list of people shows it.
    pub fn role_line(&self) -> Option<String> {
        let role = self
            .roles
            .iter()
            .find(|r| r.is_current())
            .or(self.roles.first())?;
        let organization = role
            .organization
            .as_deref()
            .or(self.organization.as_deref());
        Some(match organization {
            Some(o) => format!("{} ({o})", role.title),
            None => role.title.clone(),
        })
    }
}

pub const PERSON_KEYS: &[&str] = &[
    "name",
    "role",
    "roles",
    "organization",
    "country",
    "names",
    "aliases",
    "links",
    "summary",
    "updated",
    "draft",
    "published",
    "lang",
    "image",
    "publish_date",
    "expiry_date",
];

/// An organization's keys: its own two first, then those every profile takes.
pub const ORGANIZATION_KEYS: &[&str] = &[
    "organization",
    "country",
    "name",
    "names",
    "aliases",
    "links",
    "summary",
    "updated",
    "draft",
    "published",
    "lang",
    "image",
    "publish_date",
    "expiry_date",
];

/// A tag's keys: an organization's but its organization and country.
pub const TAG_KEYS: &[&str] = ORGANIZATION_KEYS.split_at(2).1;

/// Reads a profile of a `kind` of entity: a person's has roles, a person's and an
/// organization's an organization and a country. A translation (`relaxed`) may leave out
/// what it shares with the profile it translates, its name too.
pub fn profile(r: &mut Reader, kind: Kind, relaxed: bool) -> Option<ProfileMeta> {
    let person = kind == Kind::Person;
    // A tag is a subject: it has no organization or country, and either written in its
    // front matter is left to templates as `extra`, like any key of the site's own.
    let placed = kind != Kind::Tag;
    let name = if relaxed {
        r.text("name")
    } else {
        r.required_text("name")
    }
    .map(|n| n.trim().to_string());
    let mut roles = Vec::new();
    if person {
        for key in ["role", "roles"] {
            if let Some(value) = r.take(key) {
                roles.extend(read_roles(r, key, value));
            }
        }
    }
    let names = read_names(r);
    let mut aliases: Vec<String> = Vec::new();
    for alias in r.list("aliases") {
        let alias = alias.trim().to_string();
        if slug::slugify(&alias).is_empty() {
            r.error_in(
                "aliases",
                &alias,
                Problem::BadName {
                    name: alias.clone(),
                    field: "aliases",
                },
            );
        } else if !aliases.contains(&alias) && Some(&alias) != name.as_ref() {
            aliases.push(alias);
        }
    }
    let links = read_links(r);
    let (publish_date, expiry_date) = publication_dates(r);
    let lang = r.text("lang");
    let image = r.text("image");
    let meta = ProfileMeta {
        roles,
        organization: placed
            .then(|| r.text("organization"))
            .flatten()
            .map(|o| o.trim().to_string()),
        country: placed.then(|| r.text("country")).flatten(),
        names,
        aliases,
        links,
        summary: r.text("summary"),
        updated: r.date("updated"),
        draft: r.flag("draft").unwrap_or(false) || r.flag("published") == Some(false),
        common: Common {
            lang,
            image,
            publish_date,
            expiry_date,
            ..Common::default()
        },
        name: name.unwrap_or_default(),
    };
    if let Some(image) = &meta.common.image
        && super::markdown::is_dangerous_url(image)
    {
        r.error("image", Problem::UnsafeUrl { url: image.clone() });
    }
    (!r.has_errors()).then_some(meta)
}

/// `role: Chairman`, `role: {title: …, organization: …, from: …, to: …, former: …}`, or a
/// list of either.
fn read_roles(r: &mut Reader, key: &str, value: Value) -> Vec<Role> {
    let items = match value {
        Value::Sequence(items) => items,
        Value::Null => return Vec::new(),
        other => vec![other],
    };
    let mut roles = Vec::new();
    for (i, item) in items.into_iter().enumerate() {
        match item {
            Value::String(title) if !title.trim().is_empty() => roles.push(Role {
                title: title.trim().to_string(),
                organization: None,
                from: None,
                to: None,
                former: false,
            }),
            Value::Mapping(map) => {
                let field = |name: &str| -> Option<Value> {
                    map.iter()
                        .find(|(k, _)| k.as_str() == Some(name))
                        .map(|(_, v)| v.clone())
                };
                let text = |v: Option<Value>| match v {
                    Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_string()),
                    Some(Value::Number(n)) => Some(n.to_string()),
                    _ => None,
                };
                let unknown: Vec<String> = map
                    .keys()
                    .filter_map(|k| k.as_str())
                    .filter(|k| !["title", "organization", "from", "to", "former"].contains(k))
                    .map(str::to_string)
                    .collect();
                let title = text(field("title"));
                let from = text(field("from"));
                let to = text(field("to"));
                let former = matches!(field("former"), Some(Value::Bool(true)));
                let organization = text(field("organization"));
                let mut bad = |message: String| {
                    r.error_at_item(key, i, Problem::FrontMatter(message));
                };
                if let Some(k) = unknown.first() {
                    bad(format!(
                        "role {} has a field `{k}` attache does not know: a role has `title`, `organization`, `from`, `to` and `former`",
                        i + 1
                    ));
                    continue;
                }
                let Some(title) = title else {
                    bad(format!("role {} needs a `title` (`Chairman`)", i + 1));
                    continue;
                };
                for (which, date) in [("from", &from), ("to", &to)] {
                    if let Some(d) = date
                        && !is_partial_date(d)
                    {
                        bad(format!(
                            "`{which}: {d}` in role {} is not a date: write a year (`2019`), a month (`2019-06`) or a day (`2019-06-01`)",
                            i + 1
                        ));
                    }
                }
                roles.push(Role {
                    title,
                    organization,
                    from,
                    to,
                    former,
                });
            }
            other => r.error_at_item(
                key,
                i,
                Problem::FrontMatter(format!(
                    "each role should be a title (`Chairman`) or a map with `title:`, not {}",
                    describe(&other)
                )),
            ),
        }
    }
    roles
}

/// `2019`, `2019-06` or `2019-06-01`.
fn is_partial_date(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    match parts.as_slice() {
        [y] => digits(y, 4),
        [y, m] => digits(y, 4) && digits(m, 2) && (1..=12).contains(&m.parse().unwrap_or(0)),
        _ => text.parse::<jiff::civil::Date>().is_ok(),
    }
}

/// `names: {ru: Альберт Хорев, ur: البرٹ خوریف}`: language codes to names.
fn read_names(r: &mut Reader) -> BTreeMap<String, String> {
    let mut names = BTreeMap::new();
    match r.take("names") {
        None | Some(Value::Null) => {}
        Some(Value::Mapping(map)) => {
            for (code, name) in map {
                let code = code.as_str().map(str::to_string).unwrap_or_default();
                let parsed = crate::i18n::parse_code(&code);
                match (parsed, name) {
                    (Ok(id), Value::String(name)) if !name.trim().is_empty() => {
                        names.insert(id.to_string(), name.trim().to_string());
                    }
                    (Err(reason), _) => r.error_in("names", &code, Problem::FrontMatter(reason)),
                    (Ok(_), other) => r.error_in(
                        "names",
                        &code,
                        Problem::FrontMatter(format!(
                            "the name for `{code}` should be text, not {}",
                            describe(&other)
                        )),
                    ),
                }
            }
        }
        Some(other) => r.error(
            "names",
            Problem::FrontMatter(format!(
                "`names` should be a map of language codes to names (`ru: Альберт Хорев`), not {}",
                describe(&other)
            )),
        ),
    }
    names
}

/// `links: [https://…, {title: …, url: …}]`; only http(s) and site paths.
fn read_links(r: &mut Reader) -> Vec<ProfileLink> {
    let items = match r.take("links") {
        None | Some(Value::Null) => return Vec::new(),
        Some(Value::Sequence(items)) => items,
        Some(other) => vec![other],
    };
    let mut links = Vec::new();
    for (i, item) in items.into_iter().enumerate() {
        let link = match item {
            Value::String(url) => Some(ProfileLink {
                title: None,
                url: url.trim().to_string(),
            }),
            Value::Mapping(map) => {
                let get = |k: &str| {
                    map.iter()
                        .find(|(key, _)| key.as_str() == Some(k))
                        .and_then(|(_, v)| v.as_str())
                        .map(|s| s.trim().to_string())
                        .filter(|s| !s.is_empty())
                };
                get("url").map(|url| ProfileLink {
                    title: get("title"),
                    url,
                })
            }
            _ => None,
        };
        match link {
            Some(l) if super::markdown::is_dangerous_url(&l.url) => {
                r.error_in("links", &l.url.clone(), Problem::UnsafeUrl { url: l.url })
            }
            Some(l) => links.push(l),
            None => r.error_at_item(
                "links",
                i,
                Problem::FrontMatter(format!(
                    "link {} should be a URL or a map with `url:` (and `title:`)",
                    i + 1
                )),
            ),
        }
    }
    links
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_dates_may_be_a_year_a_month_or_a_day() {
        for ok in ["2019", "2019-06", "2019-06-01"] {
            assert!(is_partial_date(ok), "{ok}");
        }
        for bad in ["19", "2019-13", "2019-02-30", "June 2019", ""] {
            assert!(!is_partial_date(bad), "{bad}");
        }
    }

    #[test]
    fn a_role_line_names_the_current_role_and_its_organization() {
        let role = |title: &str, org: Option<&str>, former: bool| Role {
            title: title.into(),
            organization: org.map(Into::into),
            from: None,
            to: None,
            former,
        };
        let meta = ProfileMeta {
            name: "A".into(),
            roles: vec![
                role("President", Some("Chamber"), true),
                role("Chairman", Some("Movement"), false),
            ],
            organization: None,
            country: None,
            names: BTreeMap::new(),
            aliases: vec![],
            links: vec![],
            summary: None,
            updated: None,
            draft: false,
            common: Common::default(),
        };
        assert_eq!(meta.role_line().as_deref(), Some("Chairman (Movement)"));
        assert_eq!(meta.home_organization(), Some("Movement"));
    }
}
