//! JSON-LD (schema.org) for search engines and link previews: a `NewsArticle` for each
//! article, a `Person` or `Organization` for each profile, the `WebSite` on the home page
//! and a `BreadcrumbList` everywhere else.
//!
//! Each node is a typed struct borrowing from the site and serialized straight into the
//! page's `<script>`: every page of a build carries one, and building them as generic JSON
//! trees first cost a build more than a twentieth of its time. The fields of each struct
//! are in the byte order of their keys, so a document reads the same as JSON with sorted
//! keys would; [`script`] makes it safe inside `<script>` whatever the text holds.

use serde::Serialize;
use tera::Value;

use super::job::Scope;
use super::values::Shared;
use crate::index::{EntityKind, Site};
use crate::parse::Page;
use crate::parse::front_matter::ArticleMeta;
use crate::parse::profile::ProfileMeta;

/// A page's JSON-LD document: its nodes under schema.org's context.
#[derive(Serialize)]
pub struct Graph<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@graph")]
    graph: Vec<Node<'a>>,
}

/// Several JSON-LD nodes as one document.
pub fn graph(nodes: Vec<Node<'_>>) -> Graph<'_> {
    Graph {
        context: "https://schema.org",
        graph: nodes,
    }
}

/// One node of a page's graph.
#[derive(Serialize)]
#[serde(untagged)]
pub enum Node<'a> {
    Article(Box<NewsArticle<'a>>),
    Profile(Box<Profile<'a>>),
    WebSite(WebSite<'a>),
    Breadcrumbs(BreadcrumbList<'a>),
}

/// A thing with a type and a name, and where it has a page, its URL.
#[derive(Serialize)]
pub struct Named<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
}

impl<'a> Named<'a> {
    fn new(kind: &'static str, name: &'a str) -> Named<'a> {
        Named {
            kind,
            name,
            url: None,
        }
    }

    /// A person or organization, linked to its page on the site when it has one.
    fn entity(shared: &Shared, kind: EntityKind, name: &'a str) -> Named<'a> {
        let url = shared
            .entity_urls
            .get(&(kind, slug::slugify(name)))
            .map(|url| shared.absolute(url));
        Named {
            kind: schema_type(kind),
            name,
            url,
        }
    }
}

/// The site as the publisher of its pages.
#[derive(Serialize)]
pub struct Publisher<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    logo: Option<Logo>,
    name: &'a str,
    url: &'a str,
}

#[derive(Serialize)]
struct Logo {
    #[serde(rename = "@type")]
    kind: &'static str,
    url: String,
}

fn publisher<'a>(site: &'a Site, shared: &'a Shared) -> Publisher<'a> {
    Publisher {
        kind: "Organization",
        logo: site.config.image.as_deref().map(|image| Logo {
            kind: "ImageObject",
            url: absolute(site, image),
        }),
        name: &shared.site_title,
        url: &site.config.base_url,
    }
}

fn absolute(site: &Site, path_or_url: &str) -> String {
    super::share::absolute_url(&site.config.base_url, path_or_url)
}

/// Who wrote an article: its authors, else the site's author, else the site itself.
#[derive(Serialize)]
#[serde(untagged)]
pub enum Author<'a> {
    Person(Named<'a>),
    Site(Publisher<'a>),
}

/// A source an article cites.
#[derive(Serialize)]
pub struct Citation<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "datePublished", skip_serializing_if = "Option::is_none")]
    date_published: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    genre: Option<&'a str>,
    /// The source's title, else its description; `null` for neither.
    name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    publisher: Option<Named<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'a str>,
}

#[derive(Serialize)]
pub struct WebPage<'a> {
    #[serde(rename = "@id")]
    id: &'a str,
    #[serde(rename = "@type")]
    kind: &'static str,
}

/// The `NewsArticle` of an article.
#[derive(Serialize)]
pub struct NewsArticle<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    about: Vec<Named<'a>>,
    #[serde(rename = "articleSection", skip_serializing_if = "Vec::is_empty")]
    article_section: Vec<&'a str>,
    author: Vec<Author<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    citation: Vec<Citation<'a>>,
    #[serde(rename = "contentLocation", skip_serializing_if = "Option::is_none")]
    content_location: Option<Named<'a>>,
    #[serde(rename = "dateModified")]
    date_modified: String,
    #[serde(rename = "datePublished")]
    date_published: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    headline: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    image: Option<[String; 1]>,
    #[serde(rename = "inLanguage")]
    in_language: &'a str,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    keywords: &'a [String],
    #[serde(rename = "mainEntityOfPage")]
    main_entity_of_page: WebPage<'a>,
    publisher: Publisher<'a>,
    url: &'a str,
}

/// The `NewsArticle` of an article, whose absolute URL is `url`: headline, dates, authors
/// (the site's author, else the site itself, when it names none), the site as publisher,
/// its topics, the people and organizations it is about, and its sources as citations (an
/// untitled source by its description).
pub fn news_article<'a>(
    s: &Scope<'a>,
    shared: &'a Shared,
    page: &'a Page,
    meta: &'a ArticleMeta,
    url: &'a str,
) -> Node<'a> {
    let site = s.site;
    let author = if meta.authors.is_empty() {
        match &site.config.author {
            Some(a) => vec![Author::Person(Named::new("Person", a))],
            None => vec![Author::Site(publisher(site, shared))],
        }
    } else {
        meta.authors
            .iter()
            .map(|a| Author::Person(Named::new("Person", a)))
            .collect()
    };
    let article_section = meta
        .topics
        .iter()
        .filter_map(|id| s.ed.topic(id).map(|t| s.ed.topics[t].page.title()))
        .collect();
    let people = meta.people.iter().map(|name| (EntityKind::People, name));
    let orgs = meta
        .organizations
        .iter()
        .map(|n| (EntityKind::Organizations, n));
    let about = people
        .chain(orgs)
        .map(|(kind, name)| Named {
            name: name.trim(),
            ..Named::entity(shared, kind, name)
        })
        .collect();
    let citation = meta
        .sources
        .iter()
        .map(|s| Citation {
            kind: "CreativeWork",
            date_published: s.date.map(|d| d.iso()),
            genre: s.kind.as_deref(),
            name: s.title.as_deref().or(s.description.as_deref()),
            publisher: s
                .publisher
                .as_deref()
                .map(|p| Named::new("Organization", p)),
            url: s.url.as_deref(),
        })
        .collect();
    let summary = page.summary();
    let image = meta
        .common
        .image
        .as_deref()
        .or(site.config.image.as_deref());
    Node::Article(Box::new(NewsArticle {
        kind: "NewsArticle",
        about,
        article_section,
        author,
        citation,
        content_location: meta.location.as_deref().map(|p| Named::new("Place", p)),
        date_modified: meta.last_modified().rfc3339(),
        date_published: meta.date.rfc3339(),
        description: (!summary.trim().is_empty()).then_some(summary),
        headline: &meta.title,
        image: image.map(|i| [absolute(site, i)]),
        in_language: meta.common.lang.as_deref().unwrap_or(&shared.language.code),
        keywords: &meta.tags,
        main_entity_of_page: WebPage {
            id: url,
            kind: "WebPage",
        },
        publisher: publisher(site, shared),
        url,
    }))
}

/// `Person`, `Organization`, or for a tag the `DefinedTerm` it names.
fn schema_type(kind: EntityKind) -> &'static str {
    match kind {
        EntityKind::People => "Person",
        EntityKind::Organizations => "Organization",
        EntityKind::Tags => "DefinedTerm",
    }
}

/// A `BreadcrumbList`.
#[derive(Serialize)]
pub struct BreadcrumbList<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "itemListElement")]
    items: Vec<ListItem<'a>>,
}

#[derive(Serialize)]
struct ListItem<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    item: String,
    name: &'a str,
    position: usize,
}

/// A `BreadcrumbList` from (name, URL path) steps, the home page first.
pub fn breadcrumbs<'a>(shared: &Shared, steps: &[(&'a str, String)]) -> Node<'a> {
    let items = steps
        .iter()
        .enumerate()
        .map(|(i, (name, path))| ListItem {
            kind: "ListItem",
            item: shared.permalink(path),
            name,
            position: i + 1,
        })
        .collect();
    Node::Breadcrumbs(BreadcrumbList {
        kind: "BreadcrumbList",
        items,
    })
}

/// The `Person` or `Organization` of a profile.
#[derive(Serialize)]
pub struct Profile<'a> {
    #[serde(rename = "@id")]
    id: String,
    #[serde(rename = "@type")]
    kind: &'static str,
    /// A person's home organization (an organization's is `parentOrganization`).
    #[serde(skip_serializing_if = "Option::is_none")]
    affiliation: Option<Named<'a>>,
    #[serde(rename = "alternateName", skip_serializing_if = "Vec::is_empty")]
    alternate_name: Vec<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    image: Option<String>,
    #[serde(rename = "jobTitle", skip_serializing_if = "Vec::is_empty")]
    job_title: Vec<&'a str>,
    /// An organization's country (a person's is `nationality`).
    #[serde(skip_serializing_if = "Option::is_none")]
    location: Option<Named<'a>>,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    nationality: Option<Named<'a>>,
    #[serde(rename = "parentOrganization", skip_serializing_if = "Option::is_none")]
    parent_organization: Option<Named<'a>>,
    #[serde(rename = "sameAs", skip_serializing_if = "Vec::is_empty")]
    same_as: Vec<&'a str>,
    url: String,
    #[serde(rename = "worksFor", skip_serializing_if = "Vec::is_empty")]
    works_for: Vec<Named<'a>>,
}

/// The `Person`, `Organization` or `DefinedTerm` of a profile: its names, roles
/// (`jobTitle`, `worksFor`), country and links (`sameAs`).
pub fn profile<'a>(
    shared: &Shared,
    kind: EntityKind,
    page: &'a Page,
    meta: &'a ProfileMeta,
) -> Node<'a> {
    let url = shared.permalink(&page.path);
    let organization = |name| Named::entity(shared, EntityKind::Organizations, name);
    let current: Vec<_> = meta.roles.iter().filter(|r| r.is_current()).collect();
    let works_for = current
        .iter()
        .filter_map(|r| r.organization.as_deref())
        .map(organization)
        .collect();
    let home = meta.organization.as_deref().map(organization);
    let country = meta.country.as_deref().map(|c| Named::new("Country", c));
    let is_org = kind == EntityKind::Organizations;
    let (parent_organization, affiliation) = if is_org { (home, None) } else { (None, home) };
    let (location, nationality) = if is_org {
        (country, None)
    } else {
        (None, country)
    };
    let mut alternate_name: Vec<&str> = meta.aliases.iter().map(String::as_str).collect();
    alternate_name.extend(meta.names.values().map(String::as_str));
    let summary = page.summary();
    Node::Profile(Box::new(Profile {
        id: url.clone(),
        kind: schema_type(kind),
        affiliation,
        alternate_name,
        description: (!summary.trim().is_empty()).then_some(summary),
        image: meta.common.image.as_deref().map(|i| shared.absolute(i)),
        job_title: current.iter().map(|r| r.title.as_str()).collect(),
        location,
        name: &meta.name,
        nationality,
        parent_organization,
        same_as: meta
            .links
            .iter()
            .map(|l| l.url.as_str())
            .filter(|u| crate::parse::markdown::has_scheme(u))
            .collect(),
        url,
        works_for,
    }))
}

/// The site, described on its home page.
#[derive(Serialize)]
pub struct WebSite<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    description: &'a str,
    #[serde(rename = "inLanguage")]
    in_language: &'a str,
    name: &'a str,
    publisher: Publisher<'a>,
    url: &'a str,
}

/// The `WebSite` of the home page.
pub fn website<'a>(site: &'a Site, shared: &'a Shared) -> Node<'a> {
    Node::WebSite(WebSite {
        kind: "WebSite",
        description: &shared.site_description,
        in_language: &shared.language.code,
        name: &shared.site_title,
        publisher: publisher(site, shared),
        url: &site.config.base_url,
    })
}

/// JSON-LD as it may stand inside `<script type="application/ld+json">`: `<`, `>` and `&`
/// are written as JSON escapes, so no text (a title holding `</script>`) can end the
/// script or start a comment, and the JSON reads the same.
pub fn script(document: &impl Serialize) -> Value {
    let mut out = Vec::with_capacity(2048);
    let mut json = serde_json::Serializer::with_formatter(&mut out, ScriptSafe);
    // Strings, numbers and lists of them serialize without fail into a Vec.
    document
        .serialize(&mut json)
        .expect("JSON-LD is plain data");
    // serde_json writes UTF-8, and the escapes are ASCII.
    let text = String::from_utf8(out).expect("serde_json writes UTF-8");
    Value::safe_string(&text)
}

/// serde_json's compact output, with the characters that could end a `<script>` (or,
/// for U+2028 and U+2029, a line of older JavaScript) escaped inside strings.
struct ScriptSafe;

impl serde_json::ser::Formatter for ScriptSafe {
    fn write_string_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        let bytes = fragment.as_bytes();
        // Copies the runs between the characters to escape whole: most text has none.
        let mut copied = 0;
        for (at, &b) in bytes.iter().enumerate() {
            let escape: &[u8] = match b {
                b'<' => b"\\u003c",
                b'>' => b"\\u003e",
                b'&' => b"\\u0026",
                // U+2028 and U+2029 are E2 80 A8 and E2 80 A9.
                0xE2 if bytes.get(at + 1) == Some(&0x80) => match bytes.get(at + 2) {
                    Some(0xA8) => b"\\u2028",
                    Some(0xA9) => b"\\u2029",
                    _ => continue,
                },
                _ => continue,
            };
            writer.write_all(&bytes[copied..at])?;
            writer.write_all(escape)?;
            copied = at + if b < 0x80 { 1 } else { 3 };
        }
        writer.write_all(&bytes[copied..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Headline<'a> {
        headline: &'a str,
    }

    #[test]
    fn json_ld_cannot_close_its_script() {
        let text = "</script><script>alert(1)</script> & <!-- \u{2028}\u{2029} é \u{2020}";
        let safe = script(&Headline { headline: text });
        let s = safe.as_str().unwrap();
        assert!(!s.contains(['<', '>', '&', '\u{2028}', '\u{2029}']), "{s}");
        let back: serde_json::Value = serde_json::from_str(s).unwrap();
        assert_eq!(back["headline"], text);
    }

    #[test]
    fn text_without_those_characters_is_written_as_serde_json_writes_it() {
        let text = "Khorev \"meets\" \\ business leaders\n\t— Хорев, اسلام آباد";
        let safe = script(&Headline { headline: text });
        let plain = serde_json::to_string(&Headline { headline: text }).unwrap();
        assert_eq!(safe.as_str(), Some(plain.as_str()));
    }
}
