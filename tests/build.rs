//! `attache build`: a writer's site goes in, a browsable static site comes out.

mod common;

use std::collections::BTreeSet;

use common::{Fixture, Site, snapshot};
use quick_xml::events::Event;

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

fn links(site: &Site, page: &str) -> BTreeSet<String> {
    site.html(page).article_links().into_iter().collect()
}

#[test]
fn each_topic_page_lists_exactly_its_articles_newest_first() {
    let site = Fixture::new("basic").build(&[]);
    assert_eq!(
        links(&site, "topics/alpha/index.html"),
        set(&["/articles/first/", "/articles/second/", "/articles/fourth/"])
    );
    assert_eq!(
        links(&site, "topics/beta/index.html"),
        set(&["/articles/second/", "/articles/custom-third/"])
    );
    // The only other gamma article is a draft.
    assert_eq!(
        links(&site, "topics/gamma/index.html"),
        set(&["/articles/fourth/"])
    );

    let alpha = site.html("topics/alpha/index.html");
    let order: Vec<String> = alpha
        .attrs("main a[href*='/articles/']", "href")
        .into_iter()
        .fold(Vec::new(), |mut v, h| {
            if !v.contains(&h) {
                v.push(h);
            }
            v
        });
    assert_eq!(
        order,
        ["/articles/fourth/", "/articles/second/", "/articles/first/"]
    );
    // Grouped by year, and the topic's own overview comes first.
    assert!(alpha.texts("main h2").iter().any(|t| t.contains("2025")));
    assert!(
        alpha
            .texts("main p")
            .iter()
            .any(|t| t.contains("The Alpha overview"))
    );
}

#[test]
fn people_organization_and_tag_pages_list_the_articles_that_name_them() {
    let site = Fixture::new("basic").build(&[]);
    let cases = [
        (
            "people/ada-example/index.html",
            &["/articles/first/", "/articles/second/"][..],
        ),
        (
            "people/ben-sample/index.html",
            &["/articles/first/", "/articles/fourth/"],
        ),
        ("people/carla-test/index.html", &["/articles/custom-third/"]),
        (
            "organizations/org-one/index.html",
            &["/articles/first/", "/articles/custom-third/"],
        ),
        ("organizations/org-two/index.html", &["/articles/second/"]),
        (
            "tags/t-one/index.html",
            &["/articles/first/", "/articles/second/"],
        ),
        (
            "tags/t-two/index.html",
            &["/articles/second/", "/articles/fourth/"],
        ),
    ];
    for (page, expected) in cases {
        assert_eq!(links(&site, page), set(expected), "{page}");
    }
    let people = site.html("people/index.html");
    let names = people.texts("main li a");
    assert_eq!(names, ["Ada Example", "Ben Sample", "Carla Test"]);
}

#[test]
fn every_internal_link_and_asset_resolves_to_a_built_file() {
    let site = Fixture::new("basic").build(&[]);
    assert_internal_links_resolve(&site, "/");
}

#[test]
fn the_shipped_briefing_builds_and_links_cleanly() {
    let out = tempfile::tempdir().unwrap();
    let dest = out.path().join("public");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_attache"))
        .args(["build", "--quiet", "--root"])
        .arg(common::repo())
        .arg("-o")
        .arg(&dest)
        .status()
        .unwrap();
    assert!(status.success());
    let site = Site::read(&dest);
    assert_internal_links_resolve(&site, "/");
    for topic in ["trade", "it", "flights", "environment"] {
        let page = site.html(&format!("topics/{topic}/index.html"));
        assert_eq!(page.select("h1").len(), 1, "{topic}");
        assert!(
            !page.article_links().is_empty(),
            "topic {topic} lists no article"
        );
    }
    for page in site.html_files() {
        assert_eq!(
            site.html(&page).select("h1").len(),
            1,
            "{page} must have one h1"
        );
    }
}

/// Crawls every HTML page: each root-relative href/src must name a file in the output.
fn assert_internal_links_resolve(site: &Site, base_path: &str) {
    let mut checked = 0;
    for page in site.html_files() {
        let html = site.html(&page);
        let targets = html
            .attrs("a[href]", "href")
            .into_iter()
            .chain(html.attrs("link[href]", "href"))
            .chain(html.attrs("script[src]", "src"))
            .chain(html.attrs("img[src]", "src"))
            .chain(html.attrs("form[action]", "action"))
            .chain(html.attrs("[data-index]", "data-index"));
        for target in targets {
            let target = target.split(['#', '?']).next().unwrap().to_string();
            let local = if let Some(rest) = target.strip_prefix("https://example.org") {
                rest.to_string()
            } else if target.starts_with('/') && !target.starts_with("//") {
                target.clone()
            } else {
                continue; // external, mailto:, or a same-page fragment
            };
            let rel = local.strip_prefix(base_path).unwrap_or_else(|| {
                panic!("{page}: link {target} is outside the base path {base_path}")
            });
            let file = if rel.is_empty() || rel.ends_with('/') {
                format!("{rel}index.html")
            } else {
                rel.to_string()
            };
            assert!(
                site.has(&file),
                "{page}: link {target} leads to no file ({file})"
            );
            checked += 1;
        }
    }
    assert!(checked > 50, "only {checked} links checked");
}

/// Parses XML fully (so it must be well-formed) and returns every URL it holds.
fn xml_urls(text: &str) -> Vec<String> {
    let mut reader = quick_xml::Reader::from_str(text);
    let mut urls = Vec::new();
    let mut in_url_element = false;
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) => {
                in_url_element = matches!(e.name().as_ref(), "id" | "loc");
                for a in e.attributes() {
                    let a = a.unwrap();
                    if a.key.as_ref() == "href" {
                        urls.push(a.value.to_string());
                    }
                }
            }
            Event::Text(t) if in_url_element => {
                urls.push(t.xml10_content().into_owned());
            }
            Event::End(_) => in_url_element = false,
            _ => {}
        }
    }
    urls
}

#[test]
fn feeds_and_sitemap_are_well_formed_with_absolute_urls() {
    let site = Fixture::new("basic").build(&["--base-url", "https://example.org/briefing/"]);
    for file in [
        "atom.xml",
        "topics/alpha/atom.xml",
        "topics/gamma/atom.xml",
        "sitemap.xml",
    ] {
        let urls = xml_urls(&site.text(file));
        assert!(!urls.is_empty(), "{file} has no URLs");
        for url in urls {
            assert!(
                url.starts_with("https://example.org/briefing/"),
                "{file}: {url}"
            );
        }
    }
    let feed = site.text("atom.xml");
    assert_eq!(feed.matches("<entry>").count(), 4);
    let alpha = site.text("topics/alpha/atom.xml");
    assert_eq!(alpha.matches("<entry>").count(), 3);
    let sitemap = site.text("sitemap.xml");
    assert!(sitemap.contains("https://example.org/briefing/articles/custom-third/"));
    assert!(!sitemap.contains("404"));
    assert!(
        site.text("robots.txt")
            .contains("Sitemap: https://example.org/briefing/sitemap.xml")
    );
}

#[test]
fn a_sub_path_base_url_prefixes_every_link() {
    let site = Fixture::new("basic").build(&["--base-url", "https://example.org/briefing/"]);
    let home = site.html("index.html");
    for href in home.attrs("a[href]", "href") {
        if href.starts_with('/') {
            assert!(href.starts_with("/briefing/"), "unprefixed link {href}");
        }
    }
    assert_eq!(
        home.attrs("link[rel=stylesheet]", "href"),
        ["/briefing/style.css"]
    );
    assert_internal_links_resolve(&site, "/briefing/");
    // Links between Markdown files get the prefix too.
    let first = site.html("articles/first/index.html");
    assert!(
        first
            .attrs("main a", "href")
            .contains(&"/briefing/articles/second/".to_string())
    );
    assert!(
        first
            .attrs("main a", "href")
            .contains(&"/briefing/topics/beta/#state-of-play".to_string())
    );
}

#[test]
fn drafts_are_left_out_unless_asked_for() {
    let fixture = Fixture::new("basic");
    let site = fixture.build(&[]);
    assert!(!site.has("articles/draft/index.html"));
    assert!(!site.has("people/drafty-person/index.html"));
    assert!(
        site.files
            .iter()
            .filter(|(k, _)| k.starts_with("search/"))
            .all(|(_, v)| !String::from_utf8_lossy(v).contains("Unfinished draft"))
    );
    assert!(!site.text("atom.xml").contains("Unfinished draft"));

    let site = fixture.build(&["--drafts"]);
    assert!(site.has("articles/draft/index.html"));
    assert_eq!(links(&site, "topics/gamma/index.html").len(), 2);
}

#[test]
fn an_article_page_shows_its_metadata_sources_and_neighbours() {
    let site = Fixture::new("basic").build(&[]);
    let first = site.html("articles/first/index.html");
    assert_eq!(first.texts("h1"), ["First article"]);
    assert!(
        first
            .attrs("time", "datetime")
            .contains(&"2023-05-01".to_string())
    );
    assert!(
        first
            .texts("main")
            .iter()
            .any(|t| t.contains("1 May 2023") && t.contains("Lahore"))
    );
    assert!(
        first
            .attrs("a", "href")
            .contains(&"https://news.example.com/one".to_string())
    );
    assert!(
        first
            .texts("main")
            .iter()
            .any(|t| t.contains("A first key point"))
    );
    assert!(
        first
            .attrs("main a", "href")
            .contains(&"/people/ada-example/".to_string())
    );
    assert!(
        first
            .attrs("main a", "href")
            .contains(&"/organizations/org-one/".to_string())
    );
    // The newer neighbour of the oldest article is the second one.
    assert!(
        first
            .attrs("main a", "href")
            .contains(&"/articles/second/".to_string())
    );

    let fourth = site.html("articles/fourth/index.html");
    assert_eq!(
        fourth.attrs("h2[id]", "id")[..2],
        ["background".to_string(), "outlook".to_string()]
    );
    assert!(
        fourth
            .attrs("a", "href")
            .contains(&"#background".to_string()),
        "TOC links to headings"
    );
    assert_eq!(fourth.select("main table").len(), 1);
    assert_eq!(fourth.select("main input[type=checkbox]").len(), 2);
    assert!(!fourth.select("main .footnote-definition").is_empty());

    // A date-time with an offset keeps its local date.
    let third = site.html("articles/custom-third/index.html");
    assert!(
        third
            .attrs("time", "datetime")
            .contains(&"2024-11-20".to_string())
    );
}

#[test]
fn markdown_cannot_run_templates_or_scripts() {
    let site = Fixture::new("basic").build(&[]);
    let second = site.html("articles/second/index.html");
    let text = second.texts("main").join(" ");
    assert!(text.contains("{{ site.title }}"), "{text}");
    assert!(text.contains("{% if true %}"));
    assert!(second.select("main script").is_empty());
    // The summary comes from the text before <!-- more -->.
    let home = site.html("index.html");
    assert!(
        home.texts("main")
            .join(" ")
            .contains("The opening paragraph of the second article.")
    );
}

#[test]
fn a_failed_build_leaves_the_previous_site_byte_identical() {
    let fixture = Fixture::new("basic");
    fixture.build(&[]);
    let before = snapshot(&fixture.path("public"));
    fixture.write(
        "content/articles/2024/second.md",
        &fixture
            .read("content/articles/2024/second.md")
            .replace("topics: [alpha, beta]", "topics: [alpha, bta]"),
    );
    let out = fixture.attache(&["build"]);
    assert!(!out.status.success());
    assert_eq!(snapshot(&fixture.path("public")), before);
    let leftovers: Vec<_> = std::fs::read_dir(fixture.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("attache-"))
        .collect();
    assert!(leftovers.is_empty(), "staging left behind: {leftovers:?}");
}

fn failing_build(fixture: &Fixture) -> String {
    let out = fixture.attache(&["build"]);
    assert!(!out.status.success(), "the build should fail");
    assert!(!fixture.path("public").exists(), "nothing may be written");
    String::from_utf8(out.stderr).unwrap()
}

#[test]
fn an_unknown_topic_names_the_file_line_and_column_with_a_suggestion() {
    let fixture = Fixture::new("basic");
    fixture.write(
        "content/articles/2024/second.md",
        &fixture
            .read("content/articles/2024/second.md")
            .replace("topics: [alpha, beta]", "topics: [alpha, bta]"),
    );
    let err = failing_build(&fixture);
    assert!(
        err.contains("content/articles/2024/second.md:4:17"),
        "{err}"
    );
    assert!(err.contains("unknown topic `bta`"), "{err}");
    assert!(err.contains("did you mean `beta`?"), "{err}");
}

#[test]
fn a_broken_markdown_link_names_the_file_and_line() {
    let fixture = Fixture::new("basic");
    fixture.write(
        "content/pages/about.md",
        &fixture
            .read("content/pages/about.md")
            .replace("2023/first.md", "2023/frist.md"),
    );
    let err = failing_build(&fixture);
    assert!(err.contains("content/pages/about.md:6:"), "{err}");
    assert!(err.contains("frist.md"), "{err}");
    assert!(
        err.contains("did you mean `../articles/2023/first.md`?"),
        "{err}"
    );
}

#[test]
fn two_articles_on_one_url_name_both_files() {
    let fixture = Fixture::new("basic");
    fixture.write(
        "content/articles/2025/copy.md",
        "---\ntitle: Copy\ndate: 2025-01-01\ntopics: [alpha]\nslug: first\n---\nBody\n",
    );
    let err = failing_build(&fixture);
    assert!(err.contains("/articles/first/"), "{err}");
    assert!(err.contains("content/articles/2023/first.md"), "{err}");
    assert!(err.contains("content/articles/2025/copy.md"), "{err}");
}

#[test]
fn every_problem_is_reported_in_one_run() {
    let fixture = Fixture::new("basic");
    fixture.write(
        "content/articles/2025/a.md",
        "---\ntitle: A\ndate: 2025-01-01\ntopics: [nope]\n---\n",
    );
    fixture.write(
        "content/articles/2025/b.md",
        "---\ntitle: B\ndate: 2025-02-30\ntopics: [alpha]\n---\n",
    );
    fixture.write(
        "content/articles/2025/c.md",
        "---\ntitle: C\ntopics: [alpha]\n",
    );
    let err = failing_build(&fixture);
    assert!(err.contains("content/articles/2025/a.md:4:"), "{err}");
    assert!(err.contains("content/articles/2025/b.md:3:"), "{err}");
    assert!(err.contains("content/articles/2025/c.md"), "{err}");
    assert!(err.contains("3 errors"), "{err}");
}

#[test]
fn a_folder_attache_did_not_make_is_never_replaced() {
    let fixture = Fixture::new("basic");
    fixture.write("public/precious.txt", "keep me");
    let out = fixture.attache(&["build"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("was not made by attache"));
    assert_eq!(fixture.read("public/precious.txt"), "keep me");
}

#[test]
fn a_mistyped_site_setting_is_an_error_naming_it() {
    let fixture = Fixture::new("basic");
    fixture.write(
        "site.yaml",
        &format!("{}\ntheem: dark\n", fixture.read("site.yaml")),
    );
    let err = failing_build(&fixture);
    assert!(err.contains("site.yaml:7:1"), "{err}");
    assert!(err.contains("unknown field `theem`"), "{err}");
}

#[test]
fn site_templates_and_static_files_override_the_theme() {
    let fixture = Fixture::new("basic");
    fixture.write("static/style.css", "body { color: red }\n");
    fixture.write(
        "templates/404.html",
        "<!doctype html><title>Lost</title><h1>Lost at {{ site.title }}</h1>",
    );
    let site = fixture.build(&[]);
    assert_eq!(site.text("style.css"), "body { color: red }\n");
    assert_eq!(
        site.html("404.html").texts("h1"),
        ["Lost at Fixture Briefing"]
    );
}

#[test]
fn bom_and_crlf_articles_build() {
    let fixture = Fixture::new("basic");
    fixture.write(
        "content/articles/2025/windows.md",
        "\u{feff}---\r\ntitle: Windows\r\ndate: 2025-02-01\r\ntopics: [beta]\r\n---\r\nSaved on Windows.\r\n",
    );
    let site = fixture.build(&[]);
    assert_eq!(
        site.html("articles/windows/index.html").texts("h1"),
        ["Windows"]
    );
}

#[test]
fn the_summary_line_counts_what_was_built() {
    let fixture = Fixture::new("basic");
    let out = fixture.attache(&["build"]);
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("4 articles, 3 topics, 1 page,"), "{stdout}");
    assert!(stdout.contains("public"), "{stdout}");
}

/// The `<li>` of each cited source on an article page.
fn source_items(page: &common::Page) -> Vec<scraper::ElementRef<'_>> {
    page.select(".sources li")
}

fn inner(item: &scraper::ElementRef<'_>, css: &str) -> Vec<String> {
    let sel = scraper::Selector::parse(css).unwrap();
    item.select(&sel)
        .map(|e| e.text().collect::<String>().trim().to_string())
        .collect()
}

fn words(item: &scraper::ElementRef<'_>) -> String {
    item.text()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn an_untitled_source_is_described_in_plain_words_and_a_titled_one_is_cited_by_its_title() {
    // second.md cites "Source two" by its title, then an untitled news report by a
    // description; first.md cites a titled source of a stated kind, with a URL.
    let site = Fixture::new("basic").build(&[]);
    let second = site.html("articles/second/index.html");
    let items = source_items(&second);
    assert_eq!(items.len(), 2, "two sources listed");

    let titled = &items[0];
    assert_eq!(inner(titled, "cite"), ["Source two"]);
    assert_eq!(words(titled), "Source two, datelined Islamabad");

    let untitled = &items[1];
    assert_eq!(
        words(untitled),
        "News report (untitled), 9 February 2024, datelined Karachi"
    );
    assert!(
        inner(untitled, "cite, i, em, b, strong").is_empty(),
        "a description is not a title: {}",
        untitled.html()
    );
    assert_eq!(
        inner(untitled, ".source-description"),
        ["News report (untitled)"]
    );

    let first = site.html("articles/first/index.html");
    let items = source_items(&first);
    assert_eq!(items.len(), 1);
    assert_eq!(inner(&items[0], "cite"), ["Source one"]);
    assert_eq!(inner(&items[0], "cite a"), ["Source one"]);
    // The kind follows the title as plain text, not as part of it.
    assert_eq!(
        words(&items[0]),
        "Source one [news report], The Publisher, 1 May 2023"
    );
}

#[test]
fn a_source_with_neither_title_nor_description_stops_the_build_at_its_line() {
    let fixture = Fixture::new("basic");
    fixture.write(
        "content/articles/2024/second.md",
        &fixture
            .read("content/articles/2024/second.md")
            .replace("    description: \"News report (untitled)\"\n", ""),
    );
    let err = failing_build(&fixture);
    assert!(
        err.contains("content/articles/2024/second.md:11:3"),
        "{err}"
    );
    assert!(
        err.contains("neither a `title` nor a `description`"),
        "{err}"
    );
    assert!(
        err.contains("description:"),
        "the hint shows the fix: {err}"
    );
}
