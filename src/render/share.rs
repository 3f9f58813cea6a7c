//! What link previews and news readers read from a page: Open Graph and Twitter card
//! values (printed by the theme as `<meta>` tags) and JSON-LD (schema.org), so a page
//! forwarded anywhere keeps its title, summary, date, picture and who it is about.
//!
//! JSON-LD is built as [`serde_json::Value`]s and serialized, never written from a string
//! template; [`script_json`] makes it safe inside `<script>` whatever the text holds.

use serde_json::{Value as Json, json};
use tera::Value;

use super::job::Scope;
use super::values::{Shared, list, obj, opt_text, text};
use crate::index::{EntityKind, Site};
use crate::parse::Page;
use crate::parse::front_matter::{ArticleMeta, PageDate};
use crate::parse::profile::ProfileMeta;

/// What kind of thing a page is, for `og:type` and its extra properties.
pub enum Kind<'a> {
    Website,
    /// An article: `og:type` article, with its dates, topics (sections) and authors.
    Article {
        meta: &'a ArticleMeta,
        sections: Vec<&'a str>,
    },
    /// A person's profile page.
    Profile,
}

/// The values of one page's preview.
pub struct Share<'a> {
    pub title: &'a str,
    /// The page's summary; the site's description when it has none.
    pub description: &'a str,
    /// URL path below the site root.
    pub path: &'a str,
    pub kind: Kind<'a>,
    /// The page's own `image`, else the site's.
    pub image: Option<&'a str>,
}

impl Share<'_> {
    /// The `share` value templates print as `<meta>` tags.
    pub fn value(&self, shared: &Shared) -> Value {
        let image = self
            .image
            .or(shared.site_image.as_deref())
            .map(|i| shared.absolute(i));
        let (og_type, published, modified, sections, authors) = match &self.kind {
            Kind::Website => ("website", None, None, Vec::new(), Vec::new()),
            Kind::Profile => ("profile", None, None, Vec::new(), Vec::new()),
            Kind::Article { meta, sections } => (
                "article",
                Some(meta.date.rfc3339()),
                Some(meta.last_modified().rfc3339()),
                sections.clone(),
                meta.authors.iter().map(String::as_str).collect(),
            ),
        };
        let description = if self.description.trim().is_empty() {
            shared.site_description.as_str()
        } else {
            self.description
        };
        obj([
            ("title", text(self.title)),
            ("description", text(description)),
            ("url", text(&shared.permalink(self.path))),
            ("type", text(og_type)),
            ("locale", text(&shared.og_locale)),
            ("twitter_card", text(twitter_card(image.is_some()))),
            ("image", opt_text(image.as_deref())),
            ("published_time", opt_text(published.as_deref())),
            ("modified_time", opt_text(modified.as_deref())),
            ("sections", list(sections.into_iter().map(text))),
            ("authors", list(authors.into_iter().map(text))),
        ])
    }
}

/// `summary_large_image` when there is a picture to show large, else `summary`.
fn twitter_card(has_image: bool) -> &'static str {
    if has_image {
        "summary_large_image"
    } else {
        "summary"
    }
}

/// `og:locale` for a language code: the `language_TERRITORY` form Facebook reads
/// (`en_US`, `ur_PK`, `ru_RU`), from CLDR's likely subtags; the code as it is when no
/// territory can be derived.
pub fn og_locale(code: &str) -> String {
    let Ok(mut id) = crate::i18n::parse_code(code) else {
        return code.to_string();
    };
    if id.region.is_none() {
        icu_locale::LocaleExpander::new_common().maximize(&mut id);
    }
    match id.region {
        Some(region) => format!("{}_{}", id.language, region),
        None => code.to_string(),
    }
}

/// JSON-LD as it may stand inside `<script type="application/ld+json">`: `<`, `>` and `&`
/// are written as JSON escapes, so no text (a title holding `</script>`) can end the
/// script or start a comment, and the JSON reads the same.
pub fn script_json(value: &Json) -> Value {
    let raw = serde_json::to_string(value).unwrap_or_default();
    let mut safe = String::with_capacity(raw.len() + 16);
    // Copies the runs between the characters to escape whole: most text has none.
    let mut copied = 0;
    for (at, c) in raw.char_indices() {
        let escape = match c {
            '<' => "\\u003c",
            '>' => "\\u003e",
            '&' => "\\u0026",
            '\u{2028}' => "\\u2028",
            '\u{2029}' => "\\u2029",
            _ => continue,
        };
        safe.push_str(&raw[copied..at]);
        safe.push_str(escape);
        copied = at + c.len_utf8();
    }
    safe.push_str(&raw[copied..]);
    Value::safe_string(&safe)
}

/// Several JSON-LD nodes as one document.
pub fn graph(nodes: Vec<Json>) -> Json {
    json!({"@context": "https://schema.org", "@graph": nodes})
}

/// The site as the publisher of its pages.
fn publisher(site: &Site) -> Json {
    let mut org = json!({
        "@type": "Organization",
        "name": site.config.title,
        "url": site.config.base_url,
    });
    if let Some(image) = &site.config.image {
        org["logo"] = json!({"@type": "ImageObject", "url": absolute(site, image)});
    }
    org
}

fn absolute(site: &Site, path_or_url: &str) -> String {
    absolute_url(&site.config.base_url, path_or_url)
}

/// `path_or_url` as an absolute URL: a full URL as it is, a path below the site
/// (`/images/a.png`, `images/a.png`) under `base_url`.
pub fn absolute_url(base_url: &str, path_or_url: &str) -> String {
    if crate::parse::markdown::has_scheme(path_or_url) || path_or_url.starts_with("//") {
        return path_or_url.to_string();
    }
    format!("{base_url}{}", path_or_url.trim_start_matches('/'))
}

/// A `BreadcrumbList` from (name, URL path) steps, the home page first.
pub fn breadcrumbs(shared: &Shared, steps: &[(&str, String)]) -> Json {
    let items: Vec<Json> = steps
        .iter()
        .enumerate()
        .map(|(i, (name, path))| {
            json!({
                "@type": "ListItem",
                "position": i + 1,
                "name": name,
                "item": shared.permalink(path),
            })
        })
        .collect();
    json!({"@type": "BreadcrumbList", "itemListElement": items})
}

fn date(d: PageDate) -> String {
    d.rfc3339()
}

/// The `NewsArticle` of an article: headline, dates, authors (the site's author, else the
/// site itself, when it names none), the site as publisher, its topics, the people and
/// organizations it is about, and its sources as citations (an untitled source by its
/// description).
pub fn news_article(s: &Scope, shared: &Shared, page: &Page, meta: &ArticleMeta) -> Json {
    let site = s.site;
    let url = shared.permalink(&page.path);
    let authors: Vec<Json> = if meta.authors.is_empty() {
        match &site.config.author {
            Some(a) => vec![json!({"@type": "Person", "name": a})],
            None => vec![publisher(site)],
        }
    } else {
        meta.authors
            .iter()
            .map(|a| json!({"@type": "Person", "name": a}))
            .collect()
    };
    let sections: Vec<&str> = meta
        .topics
        .iter()
        .filter_map(|id| s.ed.topic(id).map(|t| s.ed.topics[t].page.title()))
        .collect();
    let named = |kind: EntityKind, names: &[String]| -> Vec<Json> {
        names
            .iter()
            .map(|name| {
                let mut node = json!({"@type": schema_type(kind), "name": name.trim()});
                if let Some(url) = shared.entity_urls.get(&(kind, slug::slugify(name))) {
                    node["url"] = json!(shared.absolute(url));
                }
                node
            })
            .collect()
    };
    let mut about = named(EntityKind::People, &meta.people);
    about.extend(named(EntityKind::Organizations, &meta.organizations));
    let citations: Vec<Json> = meta
        .sources
        .iter()
        .map(|s| {
            let name = s.title.as_deref().or(s.description.as_deref());
            let mut c = json!({"@type": "CreativeWork", "name": name});
            if let Some(url) = &s.url {
                c["url"] = json!(url);
            }
            if let Some(p) = &s.publisher {
                c["publisher"] = json!({"@type": "Organization", "name": p});
            }
            if let Some(d) = s.date {
                c["datePublished"] = json!(d.iso());
            }
            if let Some(kind) = &s.kind {
                c["genre"] = json!(kind);
            }
            c
        })
        .collect();
    let mut node = json!({
        "@type": "NewsArticle",
        "headline": meta.title,
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "datePublished": date(meta.date),
        "dateModified": date(meta.last_modified()),
        "author": authors,
        "publisher": publisher(site),
        "inLanguage": meta.common.lang.as_deref().unwrap_or(&shared.language.code),
    });
    if !page.summary().trim().is_empty() {
        node["description"] = json!(page.summary());
    }
    if !sections.is_empty() {
        node["articleSection"] = json!(sections);
    }
    if !meta.tags.is_empty() {
        node["keywords"] = json!(meta.tags);
    }
    if !about.is_empty() {
        node["about"] = json!(about);
    }
    if let Some(place) = &meta.location {
        node["contentLocation"] = json!({"@type": "Place", "name": place});
    }
    if !citations.is_empty() {
        node["citation"] = json!(citations);
    }
    if let Some(image) = meta
        .common
        .image
        .as_deref()
        .or(site.config.image.as_deref())
    {
        node["image"] = json!([absolute(site, image)]);
    }
    node
}

/// `Person` or `Organization`.
fn schema_type(kind: EntityKind) -> &'static str {
    match kind {
        EntityKind::Organizations => "Organization",
        _ => "Person",
    }
}

/// The `Person` or `Organization` of a profile: its names, roles (`jobTitle`, `worksFor`),
/// country and links (`sameAs`).
pub fn profile_node(shared: &Shared, kind: EntityKind, page: &Page, meta: &ProfileMeta) -> Json {
    let url = shared.permalink(&page.path);
    let mut node = json!({
        "@type": schema_type(kind),
        "@id": url,
        "name": meta.name,
        "url": url,
    });
    let mut other: Vec<&str> = meta.aliases.iter().map(String::as_str).collect();
    other.extend(meta.names.values().map(String::as_str));
    if !other.is_empty() {
        node["alternateName"] = json!(other);
    }
    if !page.summary().trim().is_empty() {
        node["description"] = json!(page.summary());
    }
    let org_node = |name: &str| {
        let mut o = json!({"@type": "Organization", "name": name});
        if let Some(u) = shared
            .entity_urls
            .get(&(EntityKind::Organizations, slug::slugify(name)))
        {
            o["url"] = json!(shared.absolute(u));
        }
        o
    };
    let current: Vec<_> = meta.roles.iter().filter(|r| r.is_current()).collect();
    if !current.is_empty() {
        node["jobTitle"] = json!(current.iter().map(|r| &r.title).collect::<Vec<_>>());
        let orgs: Vec<Json> = current
            .iter()
            .filter_map(|r| r.organization.as_deref())
            .map(org_node)
            .collect();
        if !orgs.is_empty() {
            node["worksFor"] = json!(orgs);
        }
    }
    if let Some(org) = meta.organization.as_deref() {
        let key = if kind == EntityKind::Organizations {
            "parentOrganization"
        } else {
            "affiliation"
        };
        node[key] = org_node(org);
    }
    if let Some(country) = &meta.country {
        let key = if kind == EntityKind::Organizations {
            "location"
        } else {
            "nationality"
        };
        node[key] = json!({"@type": "Country", "name": country});
    }
    let same_as: Vec<&str> = meta
        .links
        .iter()
        .map(|l| l.url.as_str())
        .filter(|u| crate::parse::markdown::has_scheme(u))
        .collect();
    if !same_as.is_empty() {
        node["sameAs"] = json!(same_as);
    }
    if let Some(image) = meta.common.image.as_deref() {
        node["image"] = json!(shared.absolute(image));
    }
    node
}

/// The `WebSite` of the home page.
pub fn website(site: &Site, shared: &Shared) -> Json {
    json!({
        "@type": "WebSite",
        "name": site.config.title,
        "url": site.config.base_url,
        "description": site.config.description,
        "inLanguage": shared.language.code,
        "publisher": publisher(site),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn og_locale_takes_the_likely_territory() {
        assert_eq!(og_locale("en"), "en_US");
        assert_eq!(og_locale("ur"), "ur_PK");
        assert_eq!(og_locale("ru"), "ru_RU");
        assert_eq!(og_locale("pt-BR"), "pt_BR");
    }

    #[test]
    fn json_ld_cannot_close_its_script() {
        let v = json!({"headline": "</script><script>alert(1)</script> & <!--"});
        let safe = script_json(&v);
        let s = safe.as_str().unwrap();
        assert!(!s.contains('<') && !s.contains('>'), "{s}");
        let back: Json = serde_json::from_str(s).unwrap();
        assert_eq!(back, v);
    }

    #[test]
    fn paths_become_absolute_and_urls_stay() {
        let base = "https://example.org/briefing/";
        assert_eq!(
            absolute_url(base, "/images/a.png"),
            "https://example.org/briefing/images/a.png"
        );
        assert_eq!(
            absolute_url(base, "https://cdn.example.com/a.png"),
            "https://cdn.example.com/a.png"
        );
    }
}
