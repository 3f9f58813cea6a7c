//! The search index: what `/search/` searches, in shards a query fetches only some of.
//!
//! These tests read the built files as the search page's script does (the manifest, the
//! shard of a word, the fragments of the pages found), through `render::search::read`.

mod common;

use attache::render::search::read;
use common::{Fixture, Site};
use serde_json::Value;

/// The pages (their fragments) where `term` is found, best first.
fn found(site: &Site, term: &str) -> Vec<Value> {
    found_in(site, "search/", term)
}

/// As [`found`], in the index in `folder` (`search/`, `ur/search/`).
fn found_in(site: &Site, folder: &str, term: &str) -> Vec<Value> {
    let file = |rel: &str| site.files.get(&format!("{folder}{rel}")).cloned();
    let mut postings = read::postings(file, term).unwrap();
    postings.sort_by(|a, b| b.1.cmp(&a.1).then(b.0.cmp(&a.0)));
    postings
        .iter()
        .map(|(id, _)| read::fragment(file, *id).unwrap())
        .collect()
}

fn urls(fragments: &[Value]) -> Vec<&str> {
    fragments.iter().map(|f| f["u"].as_str().unwrap()).collect()
}

#[test]
fn the_index_holds_what_readers_search_by() {
    let site = Fixture::new("basic").build(&[]);
    let manifest = read::Manifest::parse(site.text("search/manifest.json").as_bytes()).unwrap();
    assert!(!manifest.shards.is_empty());
    // A body word finds the first article; its fragment holds what a result shows.
    let links = found(&site, "links");
    let first = links
        .iter()
        .find(|f| f["u"] == "/articles/first/")
        .expect("a body word finds the first article");
    assert_eq!(first["t"], "First article");
    assert_eq!(first["s"], "The first article, filed under alpha.");
    assert_eq!(first["d"], "2023-05-01");
    assert_eq!(first["k"], serde_json::json!(["A first key point"]));
    assert_eq!(
        first["e"],
        serde_json::json!(["Ada Example", "Ben Sample", "Org One", "Alpha"])
    );
    assert!(
        first["x"]
            .as_str()
            .unwrap()
            .starts_with("The first article links")
    );
    // People, organizations and topics are words of the page; so are key points.
    for term in ["ada", "org", "alpha", "key"] {
        assert!(
            urls(&found(&site, term)).contains(&"/articles/first/"),
            "{term}"
        );
    }
    // Topics and plain pages are searchable too; drafts are not.
    let all: Vec<Value> = site
        .files
        .iter()
        .filter(|(k, _)| k.starts_with("search/f/"))
        .flat_map(|(_, bytes)| read::fragments(bytes).unwrap().into_values())
        .collect();
    assert!(all.iter().any(|e| e["u"] == "/topics/alpha/"));
    assert!(all.iter().any(|e| e["u"] == "/about/"));
    assert!(!all.iter().any(|e| e["t"] == "Unfinished draft"));
    assert_eq!(manifest.pages, all.len());
    assert!(found(&site, "unfinished").is_empty());
    // Stop words are left out, and the manifest says which they are.
    assert!(manifest.stop.iter().any(|w| w == "the"));
    assert!(found(&site, "the").is_empty());
    // The search page points at the manifest.
    let search = site.html("search/index.html");
    assert_eq!(
        search.attrs("[data-index]", "data-index"),
        ["/search/manifest.json"]
    );
    assert_eq!(
        search.attrs("form[role=search] input[type=search]", "name")[0],
        "q"
    );
}

#[test]
fn every_word_of_a_long_article_is_found_and_titles_rank_first() {
    let f = Fixture::new("basic");
    // 1,200 distinct words, then one that appears nowhere else, in the last paragraph.
    let filler: Vec<String> = (0..1200).map(|i| format!("filler{i}")).collect();
    f.write(
        "content/articles/2025/long.md",
        &format!(
            "---\ntitle: \"A long report\"\ndate: 2025-03-01\ntopics: [alpha]\n---\n{}\n\nThe last paragraph names Zhukovsky and the textile quota.\n",
            filler.join(" ")
        ),
    );
    f.write(
        "content/articles/2025/zhukovsky.md",
        "---\ntitle: \"Zhukovsky visits\"\ndate: 2024-01-01\ntopics: [alpha]\n---\nA short note.\n",
    );
    let site = f.build(&[]);
    let hits = found(&site, "zhukovsky");
    assert_eq!(
        urls(&hits),
        ["/articles/zhukovsky/", "/articles/long/"],
        "the title match first, then the word from the last paragraph"
    );
    assert!(hits[1]["x"].as_str().unwrap().ends_with("textile quota."));
    assert_eq!(urls(&found(&site, "filler1199")), ["/articles/long/"]);
}

#[test]
fn russian_and_urdu_words_are_terms_of_their_own() {
    let ru = Fixture::new("russian").build(&[]);
    let manifest = read::Manifest::parse(ru.text("search/manifest.json").as_bytes()).unwrap();
    // Russian has no English stop words.
    assert!(manifest.stop.is_empty());
    let some_russian = ru
        .files
        .keys()
        .filter(|k| k.starts_with("search/s/"))
        .flat_map(|k| read::decode_shard(&ru.files[k]).unwrap())
        .map(|(term, _)| term)
        .find(|t| t.chars().all(|c| ('а'..='я').contains(&c)) && t.chars().count() > 4)
        .expect("a Russian word in the index");
    assert!(!found(&ru, &some_russian).is_empty());

    let ur = Fixture::new("urdu").build(&[]);
    // اقدامات ("measures"), a word of the Urdu fixture.
    assert!(!found(&ur, "اقدامات").is_empty());
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
    // The search page explains that it needs JavaScript and links to the lists instead
    // (a parser that runs scripts reads <noscript> as text: parse that text on its own).
    let search = site.html("search/index.html");
    let notice: String = search.select("noscript")[0].text().collect();
    let notice = common::Page(scraper::Html::parse_fragment(&notice));
    assert_eq!(
        notice.attrs("a", "href"),
        ["/briefing/topics/", "/briefing/timeline/"]
    );
    assert_eq!(
        search.attrs("[data-index]", "data-index"),
        ["/briefing/search/manifest.json"]
    );
}

#[test]
fn search_can_be_switched_off() {
    let f = Fixture::new("basic");
    f.write(
        "site.yaml",
        &format!("{}search:\n  enabled: false\n", f.read("site.yaml")),
    );
    let site = f.build(&[]);
    assert!(!site.files.keys().any(|k| k.starts_with("search/")));
    assert!(
        site.html("index.html")
            .select("form[role=search]")
            .is_empty()
    );
}

#[test]
fn each_language_has_its_own_sharded_index() {
    let site = Fixture::new("trilingual").build(&[]);
    // An Urdu word is in the Urdu index only, a Russian one in the Russian index only.
    let ur = found_in(&site, "ur/search/", "زعفرانی");
    assert!(!ur.is_empty());
    assert!(
        urls(&ur).iter().all(|u| u.starts_with("/briefing/ur/")),
        "{:?}",
        urls(&ur)
    );
    assert!(found_in(&site, "search/", "زعفرانی").is_empty());
    assert!(found_in(&site, "ru/search/", "زعفرانی").is_empty());
    // Folded as the search page folds what a reader types: й decomposed.
    let mut saffron = String::new();
    attache::render::search::words::fold("Шафрановый", &mut saffron);
    let ru = found_in(&site, "ru/search/", &saffron);
    assert!(!ru.is_empty());
    assert!(
        urls(&ru).iter().all(|u| u.starts_with("/briefing/ru/")),
        "{:?}",
        urls(&ru)
    );
    assert!(found_in(&site, "ur/search/", &saffron).is_empty());
    // Each manifest counts its own edition's pages and has its language's stop words.
    let manifest = |folder: &str| {
        read::Manifest::parse(site.text(&format!("{folder}manifest.json")).as_bytes()).unwrap()
    };
    let fragments = |folder: &str| {
        site.files
            .iter()
            .filter(|(k, _)| k.starts_with(&format!("{folder}f/")))
            .map(|(_, bytes)| read::fragments(bytes).unwrap().len())
            .sum::<usize>()
    };
    for folder in ["search/", "ur/search/", "ru/search/"] {
        assert_eq!(manifest(folder).pages, fragments(folder), "{folder}");
    }
    assert!(!manifest("search/").stop.is_empty());
    assert!(manifest("ur/search/").stop.is_empty());
    // Each edition's search page reads its own index.
    for (page, index) in [
        ("search/index.html", "/briefing/search/manifest.json"),
        ("ur/search/index.html", "/briefing/ur/search/manifest.json"),
        ("ru/search/index.html", "/briefing/ru/search/manifest.json"),
    ] {
        assert_eq!(site.html(page).attrs("[data-index]", "data-index"), [index]);
    }
}
