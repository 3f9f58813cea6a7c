//! The search index: what `/search/` searches, offline.

mod common;

use common::Fixture;
use serde_json::Value;

#[test]
fn the_index_holds_what_readers_search_by() {
    let site = Fixture::new("basic").build(&[]);
    let index: Vec<Value> = serde_json::from_str(&site.text("search-index.json")).unwrap();
    let first = index
        .iter()
        .find(|e| e["url"] == "/articles/first/")
        .expect("the first article is indexed");
    assert_eq!(first["title"], "First article");
    assert_eq!(first["summary"], "The first article, filed under alpha.");
    assert_eq!(first["date"], "2023-05-01");
    assert_eq!(first["topics"], serde_json::json!(["Alpha"]));
    assert_eq!(
        first["people"],
        serde_json::json!(["Ada Example", "Ben Sample"])
    );
    assert_eq!(first["organizations"], serde_json::json!(["Org One"]));
    // Body words are searchable, each once.
    let body = first["body"].as_str().unwrap();
    assert!(body.split(' ').any(|w| w == "links"), "{body}");
    assert_eq!(
        body.split(' ').filter(|w| *w == "article").count(),
        1,
        "{body}"
    );
    // Topics and plain pages are searchable too; drafts are not.
    assert!(index.iter().any(|e| e["url"] == "/topics/alpha/"));
    assert!(index.iter().any(|e| e["url"] == "/about/"));
    assert!(!index.iter().any(|e| e["title"] == "Unfinished draft"));
    // The search page points at the index.
    let search = site.html("search/index.html");
    assert_eq!(
        search.attrs("[data-index]", "data-index"),
        ["/search-index.json"]
    );
    assert_eq!(
        search.attrs("form[role=search] input[type=search]", "name")[0],
        "q"
    );
}

#[test]
fn every_page_has_a_search_form_that_works_without_javascript() {
    let site = Fixture::new("basic").build(&["--base-url", "https://example.org/briefing/"]);
    for page in site.html_files() {
        if page == "search/index.html" {
            continue;
        }
        let html = site.html(&page);
        // Redirect pages at old URLs are no pages of the site; a pack page is a document
        // to print, without the site's menu or search.
        if !html.select("meta[http-equiv=refresh]").is_empty() || page.ends_with("pack/index.html")
        {
            continue;
        }
        let forms = html.attrs("form[role=search]", "action");
        assert_eq!(forms, ["/briefing/search/"], "{page}");
        assert_eq!(
            html.attrs("form[role=search] input[name=q]", "type"),
            ["search"],
            "{page}"
        );
    }
}

#[test]
fn search_can_be_switched_off() {
    let f = Fixture::new("basic");
    f.write(
        "site.yaml",
        &format!("{}search:\n  enabled: false\n", f.read("site.yaml")),
    );
    let site = f.build(&[]);
    assert!(!site.has("search-index.json"));
    assert!(!site.has("search/index.html"));
    assert!(
        site.html("index.html")
            .select("form[role=search]")
            .is_empty()
    );
}
