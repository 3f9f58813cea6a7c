//! Long lists in pages: a briefing with more articles than `pagination.per_page` gets its
//! home, topic, timeline-year, people, organization and tag lists split into pages a
//! reader walks with plain links.

mod common;

use std::collections::BTreeSet;

use common::{Fixture, Site, broken_internal_links};

/// The basic fixture with `n` more articles on topic alpha, all naming one person, spread
/// over 2021–2023 (newest first: article 0 is the newest), and `per_page` in site.yaml.
fn many(n: usize, per_page: usize) -> Fixture {
    let f = Fixture::new("basic");
    f.write(
        "site.yaml",
        &format!(
            "{}pagination:\n  per_page: {per_page}\n",
            f.read("site.yaml")
        ),
    );
    for i in 0..n {
        let year = 2023 - (i / 10);
        let month = 12 - (i % 10);
        f.write(
            &format!("content/articles/many/a{i:03}.md"),
            &format!(
                "---\ntitle: Many {i:03}\ndate: {year}-{month:02}-15\ntopics: [alpha]\npeople: [Pat Many]\n---\nArticle {i}.\n"
            ),
        );
    }
    f
}

/// Follows `rel=next` from the page at `first` (an output path), returning every page's
/// path and the article links each shows in `<main>`, in order.
fn walk(site: &Site, first: &str) -> Vec<(String, Vec<String>)> {
    let mut pages = Vec::new();
    let mut at = first.to_string();
    for _ in 0..1000 {
        let html = site.html(&at);
        let mut shown: Vec<String> = html
            .attrs("main .card-title a", "href")
            .into_iter()
            .collect();
        shown.dedup();
        pages.push((at.clone(), shown));
        let next = html.attrs("head link[rel=next]", "href");
        let Some(next) = next.first() else {
            return pages;
        };
        // The pager in the page says the same as the head.
        assert_eq!(
            html.attrs("main a[rel=next]", "href"),
            std::slice::from_ref(next),
            "{at}"
        );
        at = format!("{}index.html", next.trim_start_matches('/'));
    }
    panic!("rel=next from {first} never ends");
}

fn articles_in(pages: &[(String, Vec<String>)]) -> Vec<String> {
    pages.iter().flat_map(|(_, a)| a.iter().cloned()).collect()
}

#[test]
fn a_topic_with_more_articles_than_a_page_holds_is_split_into_pages() {
    // Alpha has 3 articles in the fixture, 23 more here: 26, at 10 a page, 3 pages.
    let site = many(23, 10).build(&[]);
    let pages = walk(&site, "topics/alpha/index.html");
    let paths: Vec<&str> = pages.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        paths,
        [
            "topics/alpha/index.html",
            "topics/alpha/page/2/index.html",
            "topics/alpha/page/3/index.html"
        ]
    );
    let counts: Vec<usize> = pages.iter().map(|(_, a)| a.len()).collect();
    assert_eq!(counts, [10, 10, 6]);
    // The first page is the plain URL: there is no page/1/.
    assert!(!site.has("topics/alpha/page/1/index.html"));

    let first = site.html("topics/alpha/index.html");
    assert!(first.attrs("head link[rel=prev]", "href").is_empty());
    assert_eq!(
        first.attrs("head link[rel=next]", "href"),
        ["/topics/alpha/page/2/"]
    );
    // The overview is on the first page only.
    assert!(!first.select(".state-of-play").is_empty());
    let second = site.html("topics/alpha/page/2/index.html");
    assert!(second.select(".state-of-play").is_empty());
    assert_eq!(
        second.attrs("head link[rel=prev]", "href"),
        ["/topics/alpha/"]
    );
    assert_eq!(
        second.attrs("head link[rel=next]", "href"),
        ["/topics/alpha/page/3/"]
    );
    assert_eq!(
        second.attrs("head link[rel=canonical]", "href"),
        ["https://example.org/topics/alpha/page/2/"]
    );
    assert_eq!(second.texts("title"), ["Alpha · Page 2 · Fixture Briefing"]);
    // The pager names every page (three need no gap) and marks this one.
    assert_eq!(
        second.texts("nav.list-pages li a:not([rel])"),
        ["1", "2", "3"]
    );
    assert_eq!(
        second.attrs("nav.list-pages a[aria-current=page]", "href"),
        ["/topics/alpha/page/2/"]
    );
    let last = site.html("topics/alpha/page/3/index.html");
    assert!(last.attrs("head link[rel=next]", "href").is_empty());
    // The first page counts the whole topic; the others say where they are, so that an
    // article added to the list changes only the pages whose articles move.
    assert!(first.texts(".page-meta")[0].starts_with("26 articles"));
    assert!(last.texts(".page-meta")[0].starts_with("Page 3 of 3"));
}

#[test]
fn every_article_is_reachable_from_the_first_page_of_each_list_by_following_next() {
    let f = many(23, 4);
    let site = f.build(&[]);
    // The home page lists every article, newest first.
    let home = walk(&site, "index.html");
    let all = articles_in(&home);
    assert_eq!(all.len(), 27, "{all:?}");
    assert_eq!(
        all.iter().collect::<BTreeSet<_>>().len(),
        27,
        "no article twice"
    );
    assert_eq!(home.len(), 7);
    assert_eq!(home[1].0, "page/2/index.html");
    // Topic alpha: its 26 articles.
    let alpha = articles_in(&walk(&site, "topics/alpha/index.html"));
    assert_eq!(alpha.len(), 26);
    // A person's page: the 23 articles naming them.
    let person = walk(&site, "people/pat-many/index.html");
    assert_eq!(person.len(), 6);
    let person = articles_in(&person);
    assert_eq!(person.len(), 23);
    assert!(
        person.iter().all(|a| a.starts_with("/articles/a0")),
        "{person:?}"
    );
    // The newest comes first on every list.
    assert_eq!(alpha[0], "/articles/fourth/");
    assert_eq!(person[0], "/articles/a000/");
}

#[test]
fn the_timeline_is_an_index_of_years_with_a_paged_list_per_year() {
    let site = many(23, 4).build(&[]);
    let index = site.html("timeline/index.html");
    assert_eq!(
        index.attrs("main .year-group h2 a", "href"),
        [
            "/timeline/2025/",
            "/timeline/2024/",
            "/timeline/2023/",
            "/timeline/2022/",
            "/timeline/2021/"
        ]
    );
    // No article is listed on the index itself: it stays small however long the archive.
    assert!(index.select("main .card").is_empty());
    // 2023 has the fixture's first article and ten of ours: 11, three pages of 4.
    let year = walk(&site, "timeline/2023/index.html");
    assert_eq!(year.len(), 3);
    let shown = articles_in(&year);
    assert_eq!(shown.len(), 11);
    assert!(shown.contains(&"/articles/first/".to_string()));
    let first = site.html("timeline/2023/index.html");
    assert_eq!(first.texts("main h1"), ["2023"]);
    assert_eq!(
        first.attrs(".year-index a[aria-current]", "href"),
        ["/timeline/2023/"]
    );
    // Each month on the index links to the page of its year where it starts.
    let months = index.attrs("main .month-index a", "href");
    for link in &months {
        let (page, anchor) = link.split_once('#').expect("an anchor");
        let html = site.html(&format!("{}index.html", page.trim_start_matches('/')));
        assert_eq!(html.select(&format!("#{anchor}")).len(), 1, "{link}");
    }
    // 2023 holds ours from December down to March, 4 a page: May starts on page 2 (ours,
    // the 15th) and goes on to page 3 (the fixture's first article, the 1st).
    assert!(
        months.contains(&"/timeline/2023/page/2/#m5".to_string()),
        "{months:?}"
    );
    let third = site.html("timeline/2023/page/3/index.html");
    assert_eq!(third.texts("main .month-group h2")[0], "May");
}

#[test]
fn paged_lists_keep_every_link_working_and_every_page_in_the_sitemap() {
    let site = many(23, 3).build(&["--base-url", "https://example.org/briefing/"]);
    let (broken, followed) = broken_internal_links(&site, "https://example.org/briefing/");
    assert!(broken.is_empty(), "{broken:#?}");
    assert!(followed > 500, "{followed}");
    let sitemap = site.text("sitemap.xml");
    let listed: BTreeSet<String> = sitemap
        .split("<loc>")
        .skip(1)
        .map(|s| s.split("</loc>").next().unwrap().to_string())
        .collect();
    for page in site.html_files() {
        // Pack pages repeat other pages for print and are left out of the sitemap.
        if page == "404.html"
            || page.ends_with("pack/index.html")
            || !site
                .html(&page)
                .select("meta[http-equiv=refresh]")
                .is_empty()
        {
            continue;
        }
        let url = format!(
            "https://example.org/briefing/{}",
            page.trim_end_matches("index.html")
        );
        assert!(listed.contains(&url), "{url} is not in the sitemap");
    }
    assert!(listed.contains("https://example.org/briefing/topics/alpha/page/9/"));
}

#[test]
fn per_page_must_be_at_least_one() {
    let f = Fixture::new("basic");
    f.write(
        "site.yaml",
        &format!("{}pagination:\n  per_page: 0\n", f.read("site.yaml")),
    );
    let out = f.attache(&["build"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("site.yaml:7"), "{stderr}");
    assert!(!f.path("public").exists());
}

#[test]
fn a_page_may_not_take_the_url_of_a_page_of_the_home_list() {
    let f = Fixture::new("basic");
    f.write(
        "content/articles/2025/squatter.md",
        "---\ntitle: Squatter\ndate: 2025-03-01\ntopics: [alpha]\npermalink: /page/2/\n---\nText.\n",
    );
    let out = f.attache(&["build"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("squatter.md"), "{stderr}");
    assert!(stderr.contains("/page/2/"), "{stderr}");
}

#[test]
fn every_language_pages_its_own_lists() {
    let f = Fixture::new("trilingual");
    f.write(
        "site.yaml",
        &format!("{}pagination:\n  per_page: 1\n", f.read("site.yaml")),
    );
    let site = f.build(&[]);
    // Each edition's home lists its own articles, one a page, under its own prefix.
    let pages = |prefix: &str| {
        (1..10)
            .take_while(|n| *n == 1 || site.has(&format!("{prefix}page/{n}/index.html")))
            .count()
    };
    let articles = |prefix: &str| {
        site.files
            .keys()
            .filter(|k| {
                k.strip_prefix(prefix)
                    .and_then(|k| k.strip_prefix("articles/"))
                    .is_some_and(|k| k.ends_with("/index.html") && k.matches('/').count() == 1)
            })
            .count()
    };
    for prefix in ["", "ur/", "ru/"] {
        assert_eq!(pages(prefix), articles(prefix), "{prefix:?}");
    }
    // The pager of the Urdu home links within the Urdu edition.
    let home = site.html("ur/index.html");
    assert_eq!(
        home.attrs("link[rel=next]", "href"),
        ["/briefing/ur/page/2/"]
    );
    let second = site.html("ur/page/2/index.html");
    assert_eq!(second.attrs("link[rel=prev]", "href"), ["/briefing/ur/"]);
    // The timeline of each edition has its own years.
    assert!(site.has("ur/timeline/2025/index.html"));
    assert!(site.has("ru/timeline/2025/index.html"));
    let (broken, followed) = common::broken_internal_links(&site, "https://example.org/briefing/");
    assert!(broken.is_empty() && followed > 0, "{broken:?}");
}
