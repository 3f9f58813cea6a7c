//! A briefing in English, Urdu and Russian as one site: the writer adds `x.ur.md` beside
//! `x.md` (or a file with `lang:` in a folder of its own), and readers get an edition per
//! language under `/<code>/`, each page in its language and direction, a switcher to the
//! same page in the others, feeds, a sitemap and a search index per language.
//!
//! The fixture (`tests/fixtures/trilingual`, published under `/briefing/`): three articles
//! in English; `meeting` translated into Urdu and Russian, `flights` into Urdu, `old` into
//! Urdu by a file in a folder of its own (`articles/ur/old.md`, `lang: ur`); one article
//! only in Russian (`moscow-forum`); the topic `trade` in all three languages, `flights` in
//! English and Urdu, `culture` in English only; `about` in all three, `methodology` in
//! English only.

mod common;

use std::collections::BTreeMap;

use common::{Fixture, Page, Site};
use quick_xml::events::Event;
use quick_xml::{Reader, XmlVersion};

const BASE: &str = "https://example.org/briefing/";

fn built() -> Site {
    Fixture::new("trilingual").build(&[])
}

/// The language a page's path says it is in, and the direction of that language.
fn expected_language(file: &str) -> (&'static str, &'static str) {
    if file.starts_with("ur/") {
        ("ur", "rtl")
    } else if file.starts_with("ru/") {
        ("ru", "ltr")
    } else {
        ("en", "ltr")
    }
}

fn html_attr(page: &Page, attr: &str) -> String {
    page.select("html")[0]
        .value()
        .attr(attr)
        .unwrap_or_default()
        .to_string()
}

/// The output path of a URL under the site (`https://example.org/briefing/ur/` or
/// `/briefing/ur/` → `ur/index.html`).
fn file_of(url: &str) -> String {
    let path = url
        .strip_prefix(BASE)
        .or_else(|| url.strip_prefix("/briefing/"))
        .unwrap_or_else(|| panic!("{url} is not under the site"));
    if path.is_empty() || path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path.to_string()
    }
}

/// `hreflang` → `href` of a page's `<link rel="alternate" hreflang>`.
fn alternates(page: &Page) -> BTreeMap<String, String> {
    page.select("link[rel=alternate][hreflang]")
        .iter()
        .map(|e| {
            let v = e.value();
            (
                v.attr("hreflang").unwrap().to_string(),
                v.attr("href").unwrap().to_string(),
            )
        })
        .collect()
}

fn text(page: &Page, css: &str) -> String {
    page.texts(css)
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("nothing matches {css}"))
}

#[test]
fn every_page_is_in_the_language_and_direction_of_its_edition() {
    let site = built();
    let pages = site.html_files();
    assert!(pages.len() > 40, "{pages:?}");
    for file in &pages {
        let page = site.html(file);
        let (lang, dir) = expected_language(file);
        assert_eq!(
            (
                html_attr(&page, "lang").as_str(),
                html_attr(&page, "dir").as_str()
            ),
            (lang, dir),
            "{file}"
        );
    }
    // The theme's words and the dates are those of the page's language.
    let ur = site.html("ur/articles/meeting/index.html");
    assert_eq!(text(&ur, "#key-points-title"), "اہم نکات");
    // The site's English description keeps its order inside an Urdu page.
    assert_eq!(ur.attrs(".site-description", "dir"), ["auto"]);
    assert_eq!(text(&ur, ".article-meta time"), "15 جنوری، 2025");
    let ru = site.html("ru/articles/meeting/index.html");
    assert_eq!(text(&ru, "#key-points-title"), "Главное");
    assert_eq!(text(&ru, ".article-meta time"), "15 января 2025 г.");
    let en = site.html("articles/meeting/index.html");
    assert_eq!(text(&en, ".article-meta time"), "15 January 2025");
}

#[test]
fn a_translation_takes_what_it_leaves_out_from_its_original() {
    let site = built();
    let ur = site.html("ur/articles/meeting/index.html");
    // Its own title, summary and key points; the original's date, topics, names, place.
    assert_eq!(text(&ur, "h1"), "سفیر کی کاروباری رہنماؤں سے ملاقات");
    assert_eq!(ur.texts(".key-points li"), ["تجارت بنیادی موضوع تھا۔"]);
    assert_eq!(ur.attrs(".article-meta time", "datetime")[0], "2025-01-15");
    assert!(
        ur.texts(".article-meta bdi")
            .contains(&"Albert Khorev".to_string())
    );
    assert!(ur.texts(".article-meta").concat().contains("Islamabad"));
    // Its topics link to the topic in Urdu where there is one, else to the original's.
    let topics = ur.attrs(".article-meta a[href*='/topics/']", "href");
    assert_eq!(
        topics,
        ["/briefing/ur/topics/trade/", "/briefing/topics/culture/"]
    );
    // A translation by folder (`articles/ur/old.md`, `lang: ur`) is the same page.
    let old = site.html("ur/articles/old/index.html");
    assert_eq!(old.attrs(".article-meta time", "datetime")[0], "2024-05-09");
    assert_eq!(
        alternates(&old).get("en").map(String::as_str),
        Some("https://example.org/briefing/articles/old/")
    );
    // `x.ur.md` never becomes a page of its own.
    assert!(!site.files.keys().any(|k| k.contains("meeting.ur")));
}

#[test]
fn links_lead_to_the_translation_in_the_page_language_else_to_the_original() {
    let site = built();
    let links = |file: &str| site.html(file).attrs(".prose a", "href");
    assert_eq!(
        links("ur/articles/meeting/index.html"),
        [
            "/briefing/ur/articles/flights/",
            "/briefing/ur/articles/old/",
            "/briefing/topics/culture/"
        ]
    );
    // No Russian `flights` or `old`: the English pages.
    assert_eq!(
        links("ru/articles/meeting/index.html"),
        ["/briefing/articles/flights/", "/briefing/articles/old/"]
    );
    assert_eq!(
        links("articles/meeting/index.html"),
        [
            "/briefing/articles/flights/",
            "/briefing/articles/old/",
            "/briefing/topics/culture/"
        ]
    );
    assert_eq!(links("ur/index.html"), ["/briefing/ur/articles/meeting/"]);
}

#[test]
fn switcher_and_hreflang_links_lead_to_pages_in_those_languages() {
    let site = built();
    let (broken, followed) = common::broken_internal_links(&site, BASE);
    assert!(broken.is_empty(), "{broken:#?}");
    assert!(followed > 1000, "{followed}");
    let mut checked = 0;
    for file in site.html_files() {
        let page = site.html(&file);
        for (lang, href) in alternates(&page) {
            let target = file_of(&href);
            let html = site.html(&target);
            let want = if lang == "x-default" { "en" } else { &lang };
            assert_eq!(html_attr(&html, "lang"), want, "{file} → {href}");
            // Each version lists the same versions.
            let mut back = alternates(&html);
            let mut here = alternates(&page);
            back.remove("x-default");
            here.remove("x-default");
            assert_eq!(back, here, "{file} and {target} disagree");
            checked += 1;
        }
        // A pack page is a document to print, without the site's menus.
        if file.ends_with("pack/index.html") {
            continue;
        }
        let switcher = page.select(".language-switcher a");
        assert_eq!(switcher.len(), 3, "{file}");
        for a in switcher {
            let (href, lang) = (
                a.value().attr("href").unwrap(),
                a.value().attr("lang").unwrap(),
            );
            let target = site.html(&file_of(href));
            assert_eq!(html_attr(&target, "lang"), lang, "{file} → {href}");
        }
    }
    assert!(checked > 100, "{checked}");
    let meeting = site.html("articles/meeting/index.html");
    assert_eq!(
        alternates(&meeting),
        BTreeMap::from(
            [
                ("en", "https://example.org/briefing/articles/meeting/"),
                ("ur", "https://example.org/briefing/ur/articles/meeting/"),
                ("ru", "https://example.org/briefing/ru/articles/meeting/"),
                (
                    "x-default",
                    "https://example.org/briefing/articles/meeting/"
                ),
            ]
            .map(|(a, b)| (a.to_string(), b.to_string()))
        )
    );
    assert_eq!(
        meeting.attrs(".language-switcher a[aria-current]", "lang"),
        ["en"]
    );
}

#[test]
fn a_page_without_translation_has_no_alternate_and_its_switcher_leads_home() {
    let site = built();
    let methodology = site.html("methodology/index.html");
    assert!(alternates(&methodology).is_empty());
    assert_eq!(
        methodology.attrs(".language-switcher a", "href"),
        ["/briefing/methodology/", "/briefing/ur/", "/briefing/ru/"]
    );
    assert!(
        methodology
            .select(".language-switcher a[rel=alternate]")
            .is_empty()
    );
    // The Russian-only article: no alternate, and no English or Urdu page made up for it.
    let forum = site.html("ru/articles/moscow-forum/index.html");
    assert!(alternates(&forum).is_empty());
    assert!(!site.has("articles/moscow-forum/index.html"));
    assert!(!site.has("ur/articles/moscow-forum/index.html"));
    // An untranslated topic has no page in the other languages.
    assert!(site.has("topics/culture/index.html"));
    assert!(!site.has("ur/topics/culture/index.html"));
    assert!(!site.has("ru/topics/flights/index.html"));
}

#[test]
fn each_language_lists_what_exists_in_it_and_says_what_is_only_in_others() {
    let site = built();
    let titles = |file: &str| site.html(file).texts("main .card-title");
    // Home lists every article of its edition (the timeline is an index of years).
    assert_eq!(
        titles("ur/index.html"),
        [
            "براہ راست پروازوں کی تجویز",
            "سفیر کی کاروباری رہنماؤں سے ملاقات",
            "ایک پرانی ملاقات"
        ]
    );
    assert_eq!(
        titles("ru/index.html"),
        [
            "Форум в Москве",
            "Посол встретился с представителями бизнеса"
        ]
    );
    assert_eq!(titles("index.html").len(), 3);
    assert_eq!(
        titles("ur/topics/flights/index.html"),
        ["براہ راست پروازوں کی تجویز"]
    );
    assert_eq!(
        site.html("ru/topics/index.html").texts(".topic-card-title"),
        ["Торговля"]
    );

    // What each list leaves out, and where it is.
    let elsewhere = |file: &str| {
        let page = site.html(file);
        let links: Vec<(String, String)> = page
            .select(".elsewhere a")
            .iter()
            .map(|a| {
                let v = a.value();
                (
                    v.attr("lang").unwrap().to_string(),
                    v.attr("href").unwrap().to_string(),
                )
            })
            .collect();
        (page.texts(".elsewhere").concat(), links)
    };
    let (text, links) = elsewhere("ur/timeline/index.html");
    assert!(
        text.starts_with("1 مضمون صرف دوسری زبانوں میں ہے"),
        "{text}"
    );
    assert_eq!(links, [("ru".into(), "/briefing/ru/timeline/".into())]);
    let (text, links) = elsewhere("ru/timeline/index.html");
    assert!(
        text.starts_with("2 статьи есть только на других языках"),
        "{text}"
    );
    assert!(
        text.contains("English (2)") && text.contains("اردو (2)"),
        "{text}"
    );
    assert_eq!(links.len(), 2);
    let (text, links) = elsewhere("ur/topics/trade/index.html");
    assert!(text.contains("Русский (1)"), "{text}");
    assert_eq!(links, [("ru".into(), "/briefing/ru/topics/trade/".into())]);
    let (text, _) = elsewhere("index.html");
    assert!(
        text.starts_with("1 article is only in other languages"),
        "{text}"
    );
    // A list that leaves nothing out says nothing.
    assert!(
        site.html("ur/topics/flights/index.html")
            .select(".elsewhere")
            .is_empty()
    );
}

/// The XML elements of `xml` with the attributes of each, in order; panics if it is not
/// well-formed.
fn xml_elements(xml: &str) -> Vec<(String, BTreeMap<String, String>)> {
    let mut reader = Reader::from_str(xml);
    reader.config_mut().check_end_names = true;
    let mut out = Vec::new();
    loop {
        match reader.read_event() {
            Ok(Event::Eof) => break,
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => {
                let name = AsRef::<str>::as_ref(&e.name()).to_string();
                let attrs = e
                    .attributes()
                    .map(|a| {
                        let a = a.unwrap();
                        (
                            AsRef::<str>::as_ref(&a.key).to_string(),
                            a.normalized_value(XmlVersion::default())
                                .unwrap()
                                .into_owned(),
                        )
                    })
                    .collect();
                out.push((name, attrs));
            }
            Ok(_) => {}
            Err(e) => panic!("not well-formed XML at {}: {e}", reader.buffer_position()),
        }
    }
    assert!(!out.is_empty());
    out
}

#[test]
fn each_language_has_its_feeds_and_the_sitemap_lists_every_version() {
    let site = built();
    for (feed, lang, entries) in [
        ("atom.xml", "en", 3),
        ("ur/atom.xml", "ur", 3),
        ("ru/atom.xml", "ru", 2),
        ("ur/topics/trade/atom.xml", "ur", 3),
        ("ru/topics/trade/atom.xml", "ru", 2),
        ("topics/culture/atom.xml", "en", 1),
    ] {
        let elements = xml_elements(&site.text(feed));
        assert_eq!(elements[0].0, "feed", "{feed}");
        assert_eq!(elements[0].1["xml:lang"], lang, "{feed}");
        let n = elements.iter().filter(|(name, _)| name == "entry").count();
        assert_eq!(n, entries, "{feed}");
    }
    assert!(!site.has("ur/topics/culture/atom.xml"));
    let ur_feed = site.text("ur/atom.xml");
    assert!(ur_feed.contains("سفیر کی کاروباری رہنماؤں سے ملاقات"));
    assert!(!ur_feed.contains("Форум"));

    let sitemap = xml_elements(&site.text("sitemap.xml"));
    assert_eq!(sitemap[0].1["xmlns:xhtml"], "http://www.w3.org/1999/xhtml");
    // Each <url>'s <loc> is a page of the site, and its alternates name it.
    let text = site.text("sitemap.xml");
    let locs: Vec<&str> = text
        .split("<loc>")
        .skip(1)
        .map(|s| s.split("</loc>").next().unwrap())
        .collect();
    for loc in &locs {
        assert!(site.has(&file_of(loc)), "{loc}");
    }
    assert!(locs.contains(&"https://example.org/briefing/ur/articles/meeting/"));
    assert!(locs.contains(&"https://example.org/briefing/ru/articles/moscow-forum/"));
    assert!(!locs.iter().any(|l| l.ends_with("404.html")));
    let links: Vec<&BTreeMap<String, String>> = sitemap
        .iter()
        .filter(|(name, _)| name == "xhtml:link")
        .map(|(_, a)| a)
        .collect();
    for l in &links {
        assert_eq!(l["rel"], "alternate");
        assert!(site.has(&file_of(&l["href"])), "{l:?}");
    }
    let meeting_versions: Vec<&str> = links
        .iter()
        .filter(|l| l["href"].ends_with("/articles/meeting/"))
        .map(|l| l["hreflang"].as_str())
        .collect();
    // Listed under each of its three versions: en, ur, ru, x-default each time.
    assert_eq!(meeting_versions.len(), 12, "{meeting_versions:?}");
    // A page in one language has no alternates.
    let methodology = text
        .split("<url>")
        .find(|u| u.contains("/methodology/"))
        .unwrap();
    assert!(!methodology.contains("xhtml:link"), "{methodology}");
}

#[test]
fn each_language_has_its_own_search_index() {
    let site = built();
    // The Urdu and Russian words each appear in one language's article only (tests/search.rs
    // looks them up as the search page does).
    let index = |folder: &str| -> String {
        site.files
            .iter()
            .filter(|(k, _)| k.starts_with(folder) && k.ends_with(".json"))
            .map(|(_, v)| String::from_utf8_lossy(v).into_owned())
            .collect()
    };
    assert!(index("ur/search/").contains("زعفرانی"));
    assert!(!index("search/").contains("زعفرانی"));
    assert!(!index("ru/search/").contains("زعفرانی"));
    assert!(index("ru/search/").contains("Шафрановый"));
    assert!(!index("ur/search/").contains("Шафрановый"));
    let search = site.html("ur/search/index.html");
    assert_eq!(
        search.attrs("script[data-index]", "data-index"),
        ["/briefing/ur/search/manifest.json"]
    );
    assert_eq!(
        site.html("ru/index.html")
            .attrs("form.site-search", "action"),
        ["/briefing/ru/search/"]
    );
}

#[test]
fn every_language_has_a_page_for_unknown_addresses() {
    let site = built();
    let ur = site.html("ur/404.html");
    assert_eq!(text(&ur, "h1"), "صفحہ نہیں ملا");
    assert_eq!(html_attr(&ur, "dir"), "rtl");
    assert_eq!(ur.attrs("main a", "href")[0], "/briefing/ur/");
    assert_eq!(text(&site.html("404.html"), "h1"), "Page not found");
}

/// What `attache <command>` says when it fails (`check` reports on stdout).
fn failing(f: &Fixture, command: &str) -> String {
    let out = f.attache(&[command]);
    assert!(!out.status.success(), "{command} should fail");
    let mut said = String::from_utf8_lossy(&out.stderr).into_owned();
    said.push_str(&String::from_utf8_lossy(&out.stdout));
    said
}

#[test]
fn a_translation_that_contradicts_its_original_names_both_files() {
    let f = Fixture::new("trilingual");
    let rel = "content/articles/2025/meeting.ur.md";
    f.write(
        rel,
        &f.read(rel).replace(
            "title:",
            "date: 2025-01-16\ntopics: [trade, flights]\ntitle:",
        ),
    );
    for command in ["build", "check"] {
        let stderr = failing(&f, command);
        assert!(
            stderr.contains(&format!("{rel}:2:7"))
                && stderr.contains("`date` of this translation (2025-01-16)"),
            "{stderr}"
        );
        assert!(
            stderr.contains("content/articles/2025/meeting.md:3:7"),
            "the original is named with its line: {stderr}"
        );
        assert!(stderr.contains(&format!("{rel}:3:9")), "{stderr}");
        assert!(stderr.contains("`topics` of this translation"), "{stderr}");
    }
    assert!(!f.path("public").exists(), "nothing is written");
}

#[test]
fn a_missing_word_in_one_language_names_the_file_and_the_key() {
    let f = Fixture::new("trilingual");
    // The site's own copy of the theme, whose Russian words lack one.
    common::copy_dir(
        &common::repo().join("themes/briefing"),
        &f.path("themes/briefing"),
    );
    let ru = "themes/briefing/i18n/ru.yaml";
    f.write(ru, &f.read(ru).replace("key_points: Главное\n", ""));
    let stderr = failing(&f, "build");
    assert!(stderr.contains(ru), "{stderr}");
    assert!(
        stderr.contains("`key_points` is missing for ru"),
        "{stderr}"
    );
}

#[test]
fn check_names_each_translation_problem_with_its_file_and_line() {
    let f = Fixture::new("trilingual");
    let edit = |rel: &str, from: &str, to: &str| f.write(rel, &f.read(rel).replacen(from, to, 1));
    // A date that is not the original's; a `lang:` the name contradicts; a language the
    // site does not list, by `lang:` and by name; a translation of nothing.
    edit(
        "content/articles/2025/meeting.ur.md",
        "title:",
        "date: 2025-01-16\ntitle:",
    );
    edit(
        "content/articles/2025/flights.ur.md",
        "title:",
        "lang: ru\ntitle:",
    );
    f.write(
        "content/articles/2025/solo.md",
        "---\ntitle: \"Solo\"\nlang: fr\ndate: 2025-01-01\ntopics: [trade]\n---\nText.\n",
    );
    f.write(
        "content/articles/2025/flights.de.md",
        "---\ntitle: \"Flüge\"\n---\nText.\n",
    );
    f.write(
        "content/articles/2025/ghost.ur.md",
        "---\ntitle: \"بھوت\"\n---\nText.\n",
    );
    let out = f.attache(&["check"]);
    assert!(!out.status.success());
    let said = String::from_utf8_lossy(&out.stdout);
    for line in [
        "content/articles/2025/meeting.ur.md:2:7: the `date` of this translation (2025-01-16) is not its original's (2025-01-15, at content/articles/2025/meeting.md:3:7)",
        "content/articles/2025/flights.ur.md:2:7: the file name says this page is in `ur`, but `lang:` says `ru`",
        "content/articles/2025/solo.md:3:7: `fr` is not one of this site's languages (en, ur, ru)",
        "content/articles/2025/flights.de.md: `de` is not one of this site's languages (en, ur, ru)",
        "content/articles/2025/ghost.ur.md: this translation has no original: there is no content/articles/2025/ghost.md",
    ] {
        assert!(said.contains(line), "missing {line:?} in:\n{said}");
    }
    assert!(said.trim_end().ends_with("5 errors in 5 files"), "{said}");
    assert!(!f.path("public").exists(), "check writes nothing");
}

#[test]
fn new_article_with_lang_starts_a_translation_with_the_originals_fields() {
    let f = Fixture::new("trilingual");
    let out = f.attache(&["new", "article", "--lang", "ru", "--of", "flights"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rel = "content/articles/2025/flights.ru.md";
    assert!(String::from_utf8_lossy(&out.stdout).contains(rel));
    let text = f.read(rel);
    // The words to translate, the original's text below, and what it takes as comments.
    for line in [
        "# The Русский (ru) translation of content/articles/2025/flights.md.",
        "#   date: 2025-02-01",
        "#   topics: [flights, trade]",
        "title: A proposal for direct flights",
        "summary: Direct flights were proposed.",
        "draft: true",
        "---\nDirect flights were proposed to make business travel easier.",
    ] {
        assert!(text.contains(line), "{line:?} missing from\n{text}");
    }
    // A draft until translated: checks clean, is built with --drafts only, and then it
    // is the Russian version of the original with the original's date.
    let checked = f.attache(&["check", "--drafts"]);
    assert!(
        checked.status.success(),
        "{}",
        String::from_utf8_lossy(&checked.stdout)
    );
    assert!(!f.build(&[]).has("ru/articles/flights/index.html"));
    let site = f.build(&["--drafts"]);
    let ru = site.html("ru/articles/flights/index.html");
    assert_eq!(html_attr(&ru, "lang"), "ru");
    assert_eq!(ru.attrs(".article-meta time", "datetime")[0], "2025-02-01");
    assert_eq!(
        alternates(&ru).get("en").map(String::as_str),
        Some("https://example.org/briefing/articles/flights/")
    );

    // By its path, with the translated title; a translation by folder is no original.
    let out = f.attache(&[
        "new",
        "article",
        "Старая встреча",
        "--lang",
        "ru",
        "--of",
        "content/articles/2024/old.md",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        f.read("content/articles/2024/old.ru.md")
            .contains("title: Старая встреча")
    );

    // Mistakes are refused with what to do, and nothing is overwritten.
    for (args, says) in [
        (&["--lang", "ru", "--of", "flights"][..], "already exists"),
        (
            &["--lang", "de", "--of", "flights"],
            "translations are in ur, ru",
        ),
        (
            &["--lang", "en", "--of", "flights"],
            "the site's default language",
        ),
        (
            &["--lang", "ur", "--of", "fligts"],
            "did you mean `flights`?",
        ),
    ] {
        let mut all = vec!["new", "article"];
        all.extend_from_slice(args);
        let out = f.attache(&all);
        assert!(!out.status.success(), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{args:?}: {err}");
    }
    assert!(f.read(rel).contains("title: A proposal for direct flights"));

    // An article written only in Russian: `lang:` says so.
    let out = f.attache(&[
        "new",
        "article",
        "Solo",
        "--lang",
        "ru",
        "--topics",
        "trade",
        "--date",
        "2025-03-01",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        f.read("content/articles/2025/solo.md")
            .contains("lang: ru\n")
    );
    let site = f.build(&["--drafts"]);
    assert!(site.has("ru/articles/solo/index.html"));
    assert!(!site.has("articles/solo/index.html"));
}

/// The text of the first `<title>` of a feed.
fn feed_title(xml: &str) -> String {
    let mut reader = Reader::from_str(xml);
    let mut in_title = false;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) if AsRef::<str>::as_ref(&e.name()) == "title" => in_title = true,
            Ok(Event::Text(t)) if in_title => return t.xml10_content().into_owned(),
            Ok(Event::Eof) => panic!("no <title> in the feed"),
            Ok(_) => {}
            Err(e) => panic!("not well-formed XML at {}: {e}", reader.buffer_position()),
        }
    }
}

/// A language's entry in `languages` may give the site's title and description in that
/// language; a language that gives none keeps the site's.
#[test]
fn each_edition_takes_the_sites_title_and_description_in_its_language() {
    let site = built();
    for (file, title, description) in [
        (
            "ru/index.html",
            "Трёхъязычный обзор",
            "Небольшой сайт на трёх языках, который собирают тесты.",
        ),
        (
            "ru/articles/meeting/index.html",
            "Трёхъязычный обзор",
            "Небольшой сайт на трёх языках, который собирают тесты.",
        ),
        (
            "ur/index.html",
            "Trilingual Briefing",
            "A small site in three languages the tests build.",
        ),
        (
            "index.html",
            "Trilingual Briefing",
            "A small site in three languages the tests build.",
        ),
    ] {
        let page = site.html(file);
        assert_eq!(page.texts(".site-title"), [title], "{file}");
        assert_eq!(
            page.attrs("meta[property=\"og:site_name\"]", "content"),
            [title],
            "{file}"
        );
        assert_eq!(page.texts(".site-description"), [description], "{file}");
    }
    assert_eq!(feed_title(&site.text("ru/atom.xml")), "Трёхъязычный обзор");
    assert_eq!(feed_title(&site.text("atom.xml")), "Trilingual Briefing");
}
