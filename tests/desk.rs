//! A briefing that stays true: profiles of people and organizations, "as of" dates,
//! publication control (`publish_date`, `expiry_date`, `--future`, `--now`) and what link
//! previews, news readers and feed readers read (Open Graph, JSON-LD, Atom and RSS).
//!
//! The stories build `tests/fixtures/desk` as of 1 April 2025: one article is embargoed
//! until June, one was withdrawn in February, a topic overview is older than its newest
//! article, and an article names a person by an alias their profile lists.

mod common;

use std::collections::BTreeSet;

use common::{Fixture, Page, Site};
use quick_xml::Reader;
use quick_xml::events::Event;
use serde_json::Value as Json;

const NOW: &str = "2025-04-01";
const BASE: &str = "https://example.org/desk/";

fn desk() -> Fixture {
    Fixture::new("desk")
}

fn built(f: &Fixture) -> Site {
    f.build(&["--now", NOW])
}

/// The JSON-LD of a page, as JSON (the page must have exactly one).
fn json_ld(page: &Page) -> Json {
    let scripts = page.select("script[type=\"application/ld+json\"]");
    assert_eq!(scripts.len(), 1, "one JSON-LD script");
    let text: String = scripts[0].text().collect();
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("JSON-LD is not JSON ({e}): {text}"))
}

/// The node of `@type` `kind` in a JSON-LD `@graph`.
fn node<'a>(doc: &'a Json, kind: &str) -> &'a Json {
    assert_eq!(doc["@context"], "https://schema.org");
    doc["@graph"]
        .as_array()
        .and_then(|g| g.iter().find(|n| n["@type"] == kind))
        .unwrap_or_else(|| panic!("no {kind} in {doc}"))
}

/// The content of `<meta property=…>` or `<meta name=…>`.
fn meta(page: &Page, key: &str) -> Vec<String> {
    let mut v = page.attrs(&format!("meta[property=\"{key}\"]"), "content");
    v.extend(page.attrs(&format!("meta[name=\"{key}\"]"), "content"));
    v
}

// ---- profiles ----------------------------------------------------------------------------

#[test]
fn a_profile_gathers_the_articles_naming_any_of_its_spellings() {
    let f = desk();
    let site = built(&f);
    // "Ahsan Bakhtawari" (an alias) and "Ahsan Zafar Bakhtawari" are one person.
    assert!(!site.has("people/ahsan-bakhtawari/index.html"));
    let page = site.html("people/ahsan-zafar-bakhtawari/index.html");
    assert_eq!(page.texts("h1"), ["Ahsan Zafar Bakhtawari"]);
    assert_eq!(
        page.texts(".card-title"),
        [
            "A later article",
            "The meeting </script><script>alert(1)</script> & \"quotes\""
        ],
        "articles newest first"
    );
    let roles = page.texts(".profile .role");
    assert_eq!(
        roles,
        [
            "Chairman, Clean and Green Islamabad Movement",
            "former President, Islamabad Chamber of Commerce and Industry"
        ]
    );
    // Names in other scripts keep their language and direction.
    assert_eq!(page.attrs(".profile bdi[lang=ur]", "dir"), ["rtl"]);
    assert_eq!(
        page.texts(".profile bdi[lang=ru]"),
        ["Ахсан Зафар Бахтавари"]
    );
    assert_eq!(page.texts(".profile .prose"), ["A short profile."]);
    assert_eq!(page.texts(".as-of"), ["As of 15 January 2025"]);
    // The topics the person appears in, most articles first.
    assert_eq!(page.texts(".entity-topics a"), ["Trade", "Culture"]);
    // The article names the alias and links to the one page.
    let article = site.html("articles/meeting/index.html");
    assert!(
        article
            .attrs(".article-meta a", "href")
            .contains(&"/desk/people/ahsan-zafar-bakhtawari/".to_string())
    );
    assert!(
        article
            .attrs(".article-meta a", "href")
            .contains(&"/desk/organizations/united-business-group/".to_string()),
        "UBG is an alias of the United Business Group"
    );
    // And shows the name the profile goes by, not the alias it was written with.
    let names = article.texts(".article-meta a");
    assert!(
        names.contains(&"Ahsan Zafar Bakhtawari".to_string()),
        "{names:?}"
    );
    assert!(
        !names.contains(&"Ahsan Bakhtawari".to_string()),
        "{names:?}"
    );
}

#[test]
fn the_people_index_groups_people_by_organization() {
    let site = built(&desk());
    let page = site.html("people/index.html");
    assert_eq!(
        page.texts(".entity-group h2"),
        [
            "Clean and Green Islamabad Movement",
            "Without an organization"
        ]
    );
    let first = page.select(".entity-group")[0].text().collect::<String>();
    assert!(first.contains("Ahsan Zafar Bakhtawari"), "{first}");
    assert!(first.contains("Chairman (Clean and Green Islamabad Movement)"));
    // A profile with no article still has its page; people named only in articles
    // left out have none.
    assert!(site.has("people/albert-khorev/index.html"));
    assert!(!site.has("people/scheduled-person/index.html"));
}

#[test]
fn each_entity_has_feeds_of_its_articles() {
    let site = built(&desk());
    let atom = site.text("people/ahsan-zafar-bakhtawari/atom.xml");
    let doc = parse_xml(&atom);
    assert_eq!(doc.count("feed/entry"), 2);
    let rss = site.text("people/ahsan-zafar-bakhtawari/rss.xml");
    assert_eq!(parse_xml(&rss).count("rss/channel/item"), 2);
    let page = site.html("people/ahsan-zafar-bakhtawari/index.html");
    assert_eq!(
        page.attrs("link[type=\"application/atom+xml\"]", "href")
            .last()
            .map(String::as_str),
        Some("/desk/people/ahsan-zafar-bakhtawari/atom.xml")
    );
}

#[test]
fn two_profiles_claiming_one_name_are_an_error_naming_both() {
    let f = desk();
    f.write(
        "content/people/ahsan-again.md",
        "---\nname: Someone Else\naliases:\n  - \"Ahsan Bakhtawari\"\n---\nA second claim.\n",
    );
    let out = f.attache(&["build", "--now", NOW]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("`Ahsan Bakhtawari` names the profile in"),
        "{stderr}"
    );
    assert!(
        stderr.contains("content/people/ahsan-again.md:4:"),
        "{stderr}"
    );
    assert!(
        stderr.contains("content/people/ahsan-zafar-bakhtawari.md:9:"),
        "the first claim, with its line: {stderr}"
    );
    assert!(!f.path("public").exists(), "nothing was written");
}

// ---- "as of" and freshness -----------------------------------------------------------------

#[test]
fn overviews_say_how_current_they_are_and_when_articles_came_since() {
    let site = built(&desk());
    let trade = site.html("topics/trade/index.html");
    assert_eq!(
        trade.texts(".as-of"),
        ["State of play as of 1 January 2025"]
    );
    assert_eq!(
        trade.texts(".overview-older"),
        [
            "This overview was last revised on 1 January 2025; 2 articles have been filed under this topic since."
        ]
    );
    let culture = site.html("topics/culture/index.html");
    assert!(
        culture.texts(".overview-older").is_empty(),
        "revised after its articles"
    );
    let home = site.html("index.html");
    assert_eq!(
        home.texts(".as-of"),
        ["State of play as of 15 January 2025"]
    );
    let about = site.html("about/index.html");
    assert_eq!(about.texts(".as-of"), ["As of 1 February 2025"]);
}

#[test]
fn check_warns_about_stale_overviews_with_file_and_line() {
    let f = desk();
    let out = f.attache(&["check", "--now", NOW, "--format", "json"]);
    let doc: Json = serde_json::from_slice(&out.stdout).unwrap();
    let stale: Vec<&Json> = doc["problems"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| {
            p["message"]
                .as_str()
                .unwrap()
                .contains("the overview is as of")
        })
        .collect();
    assert_eq!(stale.len(), 1, "{doc}");
    assert_eq!(stale[0]["severity"], "warning");
    assert_eq!(stale[0]["file"], "content/topics/trade.md");
    assert_eq!(stale[0]["line"], 5);
    assert!(out.status.success(), "a warning is not an error");
}

#[test]
fn the_sitemap_dates_every_page_that_has_a_date() {
    let site = built(&desk());
    let sitemap = site.text("sitemap.xml");
    let doc = parse_xml(&sitemap);
    let lastmod = |loc: &str| doc.lastmod(&format!("{BASE}{loc}"));
    assert_eq!(
        lastmod("").as_deref(),
        Some("2025-03-10"),
        "home: its newest article"
    );
    assert_eq!(lastmod("topics/trade/").as_deref(), Some("2025-03-10"));
    assert_eq!(
        lastmod("topics/culture/").as_deref(),
        Some("2025-03-01"),
        "its overview"
    );
    assert_eq!(lastmod("about/").as_deref(), Some("2025-02-01"));
    assert_eq!(lastmod("timeline/").as_deref(), Some("2025-03-10"));
    assert_eq!(
        lastmod("people/albert-khorev/").as_deref(),
        Some("2025-01-15"),
        "a profile's date"
    );
    assert_eq!(lastmod("articles/later/").as_deref(), Some("2025-03-10"));
}

// ---- publication control -------------------------------------------------------------------

/// Every output file that mentions `needle`.
fn mentions(site: &Site, needle: &str) -> Vec<String> {
    site.files
        .iter()
        .filter(|(_, bytes)| String::from_utf8_lossy(bytes).contains(needle))
        .map(|(p, _)| p.clone())
        .collect()
}

#[test]
fn a_build_leaves_out_what_is_not_yet_or_no_longer_published_and_says_so() {
    let f = desk();
    let out = f.attache(&["build", "--now", NOW]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("left out 1 not yet published, 1 withdrawn"),
        "{stdout}"
    );
    let site = Site::read(&f.path("public"));
    // Not in any page, list, feed, sitemap or search index, and no page links there.
    for needle in [
        "Embargoed report",
        "articles/scheduled",
        "Scheduled Person",
        "embargo-tag",
        "Withdrawn note",
        "articles/withdrawn",
        "Withdrawn Person",
        "old/withdrawn",
    ] {
        assert_eq!(mentions(&site, needle), Vec::<String>::new(), "{needle}");
    }
    assert!(!site.has("articles/scheduled/index.html"));
    // Every link of every page still leads somewhere.
    let (broken, followed) = common::broken_internal_links(&site, BASE);
    assert!(broken.is_empty(), "{broken:?}");
    assert!(followed > 50);
}

#[test]
fn with_future_a_build_includes_them_for_review() {
    let f = desk();
    let site = f.build(&["--now", NOW, "--future"]);
    assert!(site.has("articles/scheduled/index.html"));
    assert!(site.has("articles/withdrawn/index.html"));
    // On the day, the embargoed article is published without --future.
    let later = f.build(&["--now", "2025-06-01"]);
    assert!(later.has("articles/scheduled/index.html"));
}

#[test]
fn the_preview_shows_them_with_a_banner() {
    let f = desk();
    let now = attache::parse::front_matter::PageDate::parse(NOW)
        .unwrap()
        .instant;
    let mut engine = attache::serve::Engine::new(
        f.root(),
        attache::build::BuildOptions {
            base_url: Some("http://127.0.0.1:9/".into()),
            future: true,
            now: Some(now),
            ..Default::default()
        },
    );
    engine.build().expect("the preview builds");
    let output = engine.output();
    let page = |path: &str| {
        Page(scraper::Html::parse_document(&String::from_utf8_lossy(
            &output.files[path],
        )))
    };
    assert_eq!(
        page("articles/scheduled/index.html").texts(".publication-banner"),
        ["Not yet published: this page appears on 1 June 2025. Only the preview shows it."]
    );
    assert_eq!(
        page("articles/withdrawn/index.html").texts(".publication-banner"),
        ["Withdrawn: this page was taken down on 1 February 2025. Only the preview shows it."]
    );
    assert!(
        page("articles/later/index.html")
            .texts(".publication-banner")
            .is_empty()
    );
}

#[test]
fn check_warns_about_a_future_date_without_publish_date() {
    let f = desk();
    f.write(
        "content/articles/2025/ahead.md",
        "---\ntitle: Ahead\ndate: 2025-09-01\ntopics: [trade]\n---\nToo early.\n",
    );
    let out = f.attache(&["check", "--now", NOW]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(
            "content/articles/2025/ahead.md:3:7: warning: this article is dated 2025-09-01, in the future"
        ),
        "{stdout}"
    );
    assert!(stdout.contains("publish_date: 2025-09-01"), "{stdout}");
}

#[test]
fn a_link_to_an_embargoed_article_is_an_error_that_says_why() {
    let f = desk();
    f.write(
        "content/articles/2025/later.md",
        "---\ntitle: \"A later article\"\ndate: 2025-03-10\ntopics: [trade]\n---\nSee [the report](scheduled.md).\n",
    );
    let out = f.attache(&["build", "--now", NOW]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("leads to a page that is not published yet"),
        "{stderr}"
    );
    assert!(
        stderr.contains("content/articles/2025/later.md:6:"),
        "{stderr}"
    );
    // For review, with --future, it builds.
    f.build(&["--now", NOW, "--future"]);
}

// ---- sharing -------------------------------------------------------------------------------

#[test]
fn an_article_carries_what_link_previews_read() {
    let site = built(&desk());
    let page = site.html("articles/meeting/index.html");
    assert_eq!(meta(&page, "og:type"), ["article"]);
    assert_eq!(meta(&page, "og:url"), [format!("{BASE}articles/meeting/")]);
    assert_eq!(meta(&page, "og:site_name"), ["Desk Briefing"]);
    assert_eq!(meta(&page, "og:locale"), ["en_US"]);
    assert_eq!(
        meta(&page, "og:description"),
        ["A meeting, filed under trade and culture."]
    );
    assert_eq!(
        meta(&page, "og:title"),
        ["The meeting </script><script>alert(1)</script> & \"quotes\""]
    );
    assert_eq!(
        meta(&page, "article:published_time"),
        ["2025-01-15T00:00:00Z"]
    );
    assert_eq!(meta(&page, "article:section"), ["Trade", "Culture"]);
    assert_eq!(meta(&page, "og:image"), [format!("{BASE}images/card.png")]);
    assert_eq!(meta(&page, "twitter:card"), ["summary_large_image"]);
    // A page's own picture wins over the site's.
    let later = site.html("articles/later/index.html");
    assert_eq!(
        meta(&later, "og:image"),
        [format!("{BASE}images/later.png")]
    );
    // Every page has the basics.
    for name in site.html_files() {
        let p = site.html(&name);
        for key in [
            "og:title",
            "og:url",
            "og:type",
            "og:site_name",
            "og:locale",
            "twitter:card",
        ] {
            assert_eq!(meta(&p, key).len(), 1, "{name}: {key}");
        }
        assert!(meta(&p, "og:url")[0].starts_with(BASE), "{name}");
    }
}

#[test]
fn json_ld_describes_articles_profiles_and_breadcrumbs() {
    let site = built(&desk());
    let doc = json_ld(&site.html("articles/meeting/index.html"));
    let article = node(&doc, "NewsArticle");
    // What schema.org and news readers need of a NewsArticle.
    assert_eq!(
        article["headline"],
        "The meeting </script><script>alert(1)</script> & \"quotes\""
    );
    assert_eq!(article["datePublished"], "2025-01-15T00:00:00Z");
    assert_eq!(article["dateModified"], "2025-01-15T00:00:00Z");
    assert_eq!(article["author"][0]["@type"], "Person");
    assert_eq!(article["author"][0]["name"], "Desk Writer");
    assert_eq!(article["publisher"]["@type"], "Organization");
    assert_eq!(article["publisher"]["name"], "Desk Briefing");
    assert_eq!(
        article["mainEntityOfPage"]["@id"],
        format!("{BASE}articles/meeting/")
    );
    assert_eq!(article["image"][0], format!("{BASE}images/card.png"));
    // Sources as citations; an untitled one by its description.
    let citations = article["citation"].as_array().unwrap();
    assert_eq!(citations[0]["name"], "News report (untitled)");
    assert_eq!(citations[1]["name"], "A titled cable");
    assert_eq!(citations[1]["url"], "https://news.example.com/cable");
    assert_eq!(citations[1]["publisher"]["name"], "The Wire");
    let crumbs = node(&doc, "BreadcrumbList")["itemListElement"]
        .as_array()
        .unwrap();
    let names: Vec<&str> = crumbs.iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(names[..2], ["Desk Briefing", "Trade"]);
    for (i, c) in crumbs.iter().enumerate() {
        assert_eq!(c["position"], i + 1);
        assert!(c["item"].as_str().unwrap().starts_with(BASE));
    }
    // A person's profile.
    let doc = json_ld(&site.html("people/ahsan-zafar-bakhtawari/index.html"));
    let person = node(&doc, "Person");
    assert_eq!(person["name"], "Ahsan Zafar Bakhtawari");
    assert_eq!(person["jobTitle"][0], "Chairman");
    assert_eq!(
        person["worksFor"][0]["name"],
        "Clean and Green Islamabad Movement"
    );
    assert_eq!(person["sameAs"][0], "https://example.com/ahsan");
    assert!(
        person["alternateName"]
            .as_array()
            .unwrap()
            .contains(&Json::from("Ahsan Bakhtawari"))
    );
    node(&doc, "BreadcrumbList");
    let doc = json_ld(&site.html("organizations/united-business-group/index.html"));
    assert_eq!(node(&doc, "Organization")["name"], "United Business Group");
    let doc = json_ld(&site.html("topics/trade/index.html"));
    node(&doc, "BreadcrumbList");
}

// ---- feeds ---------------------------------------------------------------------------------

/// An element: its path, its text and its attributes.
type Element = (String, String, Vec<(String, String)>);

/// A parsed XML document: element paths (`feed/entry/id`) with their text and attributes.
struct Xml {
    elements: Vec<Element>,
}

impl Xml {
    fn count(&self, path: &str) -> usize {
        self.elements.iter().filter(|(p, ..)| p == path).count()
    }

    fn texts(&self, path: &str) -> Vec<&str> {
        self.elements
            .iter()
            .filter(|(p, ..)| p == path)
            .map(|(_, t, _)| t.as_str())
            .collect()
    }

    fn attrs(&self, path: &str, name: &str) -> Vec<&str> {
        self.elements
            .iter()
            .filter(|(p, ..)| p == path)
            .flat_map(|(_, _, a)| a.iter().filter(|(k, _)| k == name).map(|(_, v)| v.as_str()))
            .collect()
    }

    /// The `lastmod` of the sitemap entry whose `loc` is `loc`.
    fn lastmod(&self, loc: &str) -> Option<String> {
        let mut current = None;
        for (path, text, _) in &self.elements {
            match path.as_str() {
                "urlset/url/loc" => current = Some(text.clone()),
                "urlset/url/lastmod" if current.as_deref() == Some(loc) => {
                    return Some(text.clone());
                }
                _ => {}
            }
        }
        None
    }
}

/// Parses `text` as XML (it must be well-formed) into element paths.
fn parse_xml(text: &str) -> Xml {
    let mut reader = Reader::from_str(text);
    let mut stack: Vec<String> = Vec::new();
    let mut elements: Vec<Element> = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    loop {
        match reader
            .read_event()
            .unwrap_or_else(|e| panic!("not XML: {e}\n{text}"))
        {
            Event::Start(e) => {
                stack.push(e.name().as_ref().to_owned());
                let attrs = e
                    .attributes()
                    .map(|a| {
                        let a = a.unwrap();
                        (
                            a.key.as_ref().to_owned(),
                            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                                .unwrap()
                                .into_owned(),
                        )
                    })
                    .collect();
                elements.push((stack.join("/"), String::new(), attrs));
                open.push(elements.len() - 1);
            }
            Event::Empty(e) => {
                stack.push(e.name().as_ref().to_owned());
                let attrs = e
                    .attributes()
                    .map(|a| {
                        let a = a.unwrap();
                        (
                            a.key.as_ref().to_owned(),
                            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                                .unwrap()
                                .into_owned(),
                        )
                    })
                    .collect();
                elements.push((stack.join("/"), String::new(), attrs));
                stack.pop();
            }
            Event::Text(t) => {
                if let Some(&i) = open.last() {
                    elements[i].1.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) => {
                if let Some(&i) = open.last() {
                    if let Some(c) = r.resolve_char_ref().unwrap() {
                        elements[i].1.push(c);
                        continue;
                    }
                    let c = match &*r {
                        "lt" => "<",
                        "gt" => ">",
                        "amp" => "&",
                        "quot" => "\"",
                        "apos" => "'",
                        other => panic!("unknown entity {other}"),
                    };
                    elements[i].1.push_str(c);
                }
            }
            Event::CData(t) => {
                if let Some(&i) = open.last() {
                    elements[i].1.push_str(&t);
                }
            }
            Event::End(_) => {
                stack.pop();
                open.pop();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert!(stack.is_empty(), "unclosed elements");
    Xml { elements }
}

#[test]
fn feeds_exist_as_atom_and_rss_with_absolute_urls_inside() {
    let site = built(&desk());
    for page in ["", "topics/trade/"] {
        let atom = parse_xml(&site.text(&format!("{page}atom.xml")));
        // What RFC 4287 requires of a feed and of each entry.
        assert_eq!(atom.count("feed/id"), 1);
        assert_eq!(atom.count("feed/title"), 1);
        assert_eq!(atom.count("feed/updated"), 1);
        let entries = atom.count("feed/entry");
        assert!(entries >= 2, "{page}");
        for part in ["id", "title", "updated"] {
            assert_eq!(
                atom.count(&format!("feed/entry/{part}")),
                entries,
                "{page} {part}"
            );
        }
        assert_eq!(
            atom.attrs("feed/link", "rel"),
            ["self", "alternate"],
            "{page}"
        );
        let rss = parse_xml(&site.text(&format!("{page}rss.xml")));
        // What RSS 2.0 requires of a channel and of each item.
        for part in ["title", "link", "description"] {
            assert_eq!(
                rss.count(&format!("rss/channel/{part}")),
                1,
                "{page} {part}"
            );
        }
        assert_eq!(rss.attrs("rss", "version"), ["2.0"]);
        let items = rss.count("rss/channel/item");
        assert_eq!(items, entries, "{page}: the same articles");
        for part in ["title", "link", "guid", "pubDate"] {
            assert_eq!(
                rss.count(&format!("rss/channel/item/{part}")),
                items,
                "{page} {part}"
            );
        }
        // Nothing left out is in a feed.
        assert!(!atom.texts("feed/entry/title").contains(&"Embargoed report"));
    }
    let atom = parse_xml(&site.text("atom.xml"));
    let content = atom
        .texts("feed/entry/content")
        .into_iter()
        .find(|c| c.contains("A map"))
        .expect("the meeting's content");
    assert!(
        content.contains(&format!("href=\"{BASE}articles/later/\"")),
        "a link between articles, made absolute: {content}"
    );
    assert!(
        content.contains(&format!("src=\"{BASE}images/map.png\"")),
        "{content}"
    );
    assert!(
        content.contains(&format!("href=\"{BASE}articles/meeting/#notes\"")),
        "{content}"
    );
    assert!(!content.contains("href=\"/"), "{content}");
    let rss = parse_xml(&site.text("rss.xml"));
    let encoded = rss.texts("rss/channel/item/content:encoded");
    assert!(
        encoded
            .iter()
            .any(|c| c.contains(&format!("src=\"{BASE}images/map.png\"")))
    );
    let pages: BTreeSet<String> = site
        .html("index.html")
        .attrs("link[rel=alternate]", "type")
        .into_iter()
        .collect();
    assert!(pages.contains("application/rss+xml"));
}

// ---- in every language -------------------------------------------------------------------

/// The trilingual fixture (English, Urdu, Russian) with a profile translated into
/// Russian, a dated overview, and an article embargoed in all its languages.
fn trilingual_desk() -> Fixture {
    let f = Fixture::new("trilingual");
    f.write(
        "content/people/albert-khorev.md",
        "---\nname: Albert Khorev\nrole: Ambassador\naliases: [Ambassador Khorev]\nupdated: 2025-01-15\n---\nThe ambassador.\n",
    );
    f.write(
        "content/people/albert-khorev.ru.md",
        "---\nname: Альберт Хорев\nrole: Посол\n---\nПосол.\n",
    );
    let trade = f.read("content/topics/trade.md");
    f.write(
        "content/topics/trade.md",
        &trade.replace("weight: 1\n", "weight: 1\nupdated: 2025-01-01\n"),
    );
    f.write(
        "content/articles/2025/embargoed.md",
        "---\ntitle: \"Embargoed report\"\ndate: 2025-03-01\npublish_date: 2025-06-01\ntopics: [trade]\npeople: [\"Ambassador Khorev\"]\n---\nNot before June.\n",
    );
    f.write(
        "content/articles/2025/embargoed.ru.md",
        "---\ntitle: \"Отчёт под эмбарго\"\n---\nНе раньше июня.\n",
    );
    f
}

#[test]
fn profiles_as_of_dates_and_embargoes_work_in_every_language() {
    let f = trilingual_desk();
    let site = built(&f);
    // The English profile on the English page, the Russian one on the Russian page.
    let en = site.html("people/albert-khorev/index.html");
    assert_eq!(en.texts("h1"), ["Albert Khorev"]);
    assert_eq!(en.texts(".profile .role"), ["Ambassador"]);
    assert_eq!(en.attrs(".as-of time", "datetime"), ["2025-01-15"]);
    let ru = site.html("ru/people/albert-khorev/index.html");
    assert_eq!(ru.texts("h1"), ["Альберт Хорев"]);
    assert_eq!(ru.texts(".profile .role"), ["Посол"]);
    // The translation takes its date from the original, and says it in Russian.
    assert_eq!(ru.attrs(".as-of time", "datetime"), ["2025-01-15"]);
    assert_eq!(ru.texts(".as-of"), ["По состоянию на 15 января 2025 г."]);
    assert_eq!(meta(&ru, "og:locale"), ["ru_RU"]);
    assert_eq!(
        meta(&ru, "og:url"),
        ["https://example.org/briefing/ru/people/albert-khorev/"]
    );
    assert_eq!(node(&json_ld(&ru), "Person")["name"], "Альберт Хорев");
    // The Russian article names the English spelling; it is filed under the one entity,
    // and its page shows the name the Russian profile gives.
    assert!(
        ru.attrs(".card-title a", "href")
            .contains(&"/briefing/ru/articles/meeting/".to_string())
    );
    let people = |page: &str| site.html(page).texts(".article-meta a[href*=\"/people/\"]");
    assert_eq!(people("ru/articles/meeting/index.html"), ["Альберт Хорев"]);
    assert_eq!(people("articles/meeting/index.html"), ["Albert Khorev"]);
    // Urdu has no translation of the profile: the page lists the articles only.
    let ur = site.html("ur/people/albert-khorev/index.html");
    assert!(ur.select(".profile").is_empty());
    // The overview's date in every language that has the topic.
    for (page, date) in [
        ("topics/trade/index.html", "2025-01-01"),
        ("ru/topics/trade/index.html", "2025-01-01"),
    ] {
        assert_eq!(
            site.html(page).attrs(".as-of time", "datetime"),
            [date],
            "{page}"
        );
    }
    // The embargoed article is in no edition: no page, list, feed or sitemap.
    for needle in [
        "Embargoed report",
        "Отчёт под эмбарго",
        "articles/embargoed",
    ] {
        assert_eq!(mentions(&site, needle), Vec::<String>::new(), "{needle}");
    }
    // Each edition has its own RSS feed, in its language.
    let rss = parse_xml(&site.text("ru/rss.xml"));
    assert_eq!(rss.texts("rss/channel/language"), ["ru"]);
    // For review, every edition has it.
    let review = f.build(&["--now", NOW, "--future"]);
    assert!(review.has("articles/embargoed/index.html"));
    assert!(review.has("ru/articles/embargoed/index.html"));
}

#[test]
fn a_stale_overview_is_reported_once_not_once_per_language() {
    let f = trilingual_desk();
    let config = f.read("site.yaml");
    f.write(
        "site.yaml",
        &format!("{config}freshness:\n  warn_after_days: 30\n"),
    );
    f.write(
        "content/articles/2025/later.md",
        "---\ntitle: Later\ndate: 2025-03-10\ntopics: [trade]\n---\nLater.\n",
    );
    // In Russian too: the Russian overview, which takes its date from the English one,
    // is as stale.
    f.write(
        "content/articles/2025/later.ru.md",
        "---\ntitle: Позже\n---\nПозже.\n",
    );
    let out = f.attache(&["check", "--now", NOW, "--format", "json"]);
    let doc: Json = serde_json::from_slice(&out.stdout).unwrap();
    let stale: Vec<&Json> = doc["problems"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| {
            p["message"]
                .as_str()
                .unwrap()
                .contains("the overview is as of")
        })
        .collect();
    assert_eq!(stale.len(), 1, "{doc}");
    assert_eq!(stale[0]["file"], "content/topics/trade.md");
}

#[test]
fn a_tag_profile_names_the_tag_in_each_language() {
    let f = trilingual_desk();
    // Articles write the tag as a slug; its profile gives the name readers see: in
    // English, in Urdu by its `names` (the Urdu edition has no translation of it), and in
    // Russian by its translation.
    f.write(
        "content/tags/trade-talks.md",
        "---\nname: Trade talks\nnames: {ur: تجارتی مذاکرات}\nsummary: \"Talks on trade.\"\n---\nMeetings about trade between the two countries.\n",
    );
    f.write(
        "content/tags/trade-talks.ru.md",
        "---\nname: Торговые переговоры\n---\nВстречи о торговле.\n",
    );
    let site = built(&f);
    let tags = |page: &str| site.html(page).texts(".article-meta a[href*=\"/tags/\"]");
    assert_eq!(tags("articles/meeting/index.html"), ["Trade talks"]);
    assert_eq!(tags("ur/articles/meeting/index.html"), ["تجارتی مذاکرات"]);
    assert_eq!(
        tags("ru/articles/meeting/index.html"),
        ["Торговые переговоры"]
    );
    // The tag's page: its name, the profile's prose, the articles; the index lists it by
    // its name.
    let en = site.html("tags/trade-talks/index.html");
    assert_eq!(en.texts("h1"), ["Trade talks"]);
    assert!(
        en.texts(".profile p")
            .contains(&"Meetings about trade between the two countries.".to_string())
    );
    assert!(
        en.attrs(".card-title a", "href")
            .contains(&"/briefing/articles/meeting/".to_string())
    );
    assert_eq!(
        node(&json_ld(&en), "DefinedTerm")["name"],
        "Trade talks",
        "a tag is a term, not a person"
    );
    let ur = site.html("ur/tags/trade-talks/index.html");
    assert_eq!(ur.texts("h1"), ["تجارتی مذاکرات"]);
    let ru = site.html("ru/tags/trade-talks/index.html");
    assert_eq!(ru.texts("h1"), ["Торговые переговоры"]);
    assert!(
        site.html("ru/tags/index.html")
            .texts(".entity-list a")
            .contains(&"Торговые переговоры".to_string())
    );
    // A name that is no text is refused where it is written.
    f.write(
        "content/tags/trade-talks.md",
        "---\nname: [Trade, talks]\n---\nMeetings.\n",
    );
    let out = f.attache(&["check", "--now", NOW]);
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success());
    assert!(
        said.contains("content/tags/trade-talks.md:2:7") && said.contains("`name`"),
        "{said}"
    );
}
