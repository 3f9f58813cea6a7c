//! Front matter as real sites write it: the dates, lists, keys and URLs of Jekyll, Hugo
//! and Zola archives either build right or are reported, all at once, with the fix.

mod common;

use common::Fixture;

/// Runs attache; returns (success, stdout, stderr).
fn run(f: &Fixture, args: &[&str]) -> (bool, String, String) {
    let out = f.attache(args);
    assert_ne!(out.status.code(), Some(101), "attache panicked");
    (
        out.status.success(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

const POST: &str = "content/articles/2013/2013-02-24-release-notes.md";

#[test]
fn a_jekyll_post_builds_as_it_is_with_warnings_for_near_miss_keys() {
    let f = Fixture::new("basic");
    f.write(
        POST,
        "---\n\
         title: Release notes\n\
         date: 2013-02-24 5:00:00 +0000\n\
         categories: alpha\n\
         tags: security\n\
         author: Ada Writer\n\
         lang: en-GB\n\
         locaton: Karachi\n\
         tagz: [oops]\n\
         summery: Spelt wrong.\n\
         layout: post\n\
         ---\n\
         The notes.\n",
    );
    let (ok, stdout, stderr) = run(&f, &["build"]);
    assert!(ok, "{stderr}");
    for (line, key, field) in [
        ("8:1", "locaton", "location"),
        ("9:1", "tagz", "tags"),
        ("10:1", "summery", "summary"),
    ] {
        let at = format!("{POST}:{line}");
        assert!(stderr.contains(&at), "{at} in:\n{stderr}");
        assert!(
            stderr.contains(&format!(
                "`{key}` is not a front matter field attache knows"
            )),
            "{stderr}"
        );
        assert!(
            stderr.contains(&format!("help: did you mean `{field}`?")),
            "{stderr}"
        );
    }
    // `layout` is close to nothing attache reads: kept for templates, no warning.
    assert!(!stderr.contains("`layout`"), "{stderr}");
    // Three here, and the fixture's own raw HTML and template syntax elsewhere.
    assert!(stdout.trim_end().ends_with("5 warnings"), "{stdout}");

    let site = common::Site::read(&f.path("public"));
    // The date came from the front matter, the slug from the file name without its date.
    let page = site.html("articles/release-notes/index.html");
    assert_eq!(page.attrs("main time", "datetime")[0], "2013-02-24");
    assert!(
        page.texts(".article-meta dd")
            .contains(&"Ada Writer".to_string()),
        "{:?}",
        page.texts(".article-meta dd")
    );
    // `categories` stood in for `topics`; one tag written as a word is a list of one.
    let alpha = site.html("topics/alpha/index.html");
    assert!(
        alpha
            .article_links()
            .contains(&"/articles/release-notes/".to_string())
    );
    assert!(site.has("tags/security/index.html"));
    // Authors are in the feed too.
    let feed = site.text("atom.xml");
    assert!(
        feed.contains("<author>\n   <name>Ada Writer</name>"),
        "{feed}"
    );
    assert!(feed.contains("<published>2013-02-24T05:00:00+00:00</published>"));
}

#[test]
fn a_date_missing_from_the_front_matter_comes_from_a_jekyll_file_name() {
    let f = Fixture::new("basic");
    f.write(POST, "---\ntitle: Notes\ntopics: [alpha]\n---\nBody.\n");
    let site = f.build(&[]);
    let page = site.html("articles/release-notes/index.html");
    assert_eq!(
        page.texts(".article-meta time"),
        vec!["24 February 2013".to_string()]
    );
}

#[test]
fn times_without_an_offset_are_in_the_sites_time_zone() {
    let f = Fixture::new("basic");
    let config = f.read("site.yaml");
    f.write("site.yaml", &format!("{config}timezone: Asia/Karachi\n"));
    f.write(
        POST,
        "---\ntitle: Notes\ndate: 2013-02-24T05:00:00\ntopics: [alpha]\n---\nBody.\n",
    );
    let site = f.build(&[]);
    let feed = site.text("atom.xml");
    assert!(
        feed.contains("<published>2013-02-24T00:00:00+00:00</published>"),
        "{feed}"
    );
    f.write("site.yaml", &format!("{config}timezone: Asia/Karach\n"));
    let (ok, _, stderr) = run(&f, &["build"]);
    assert!(!ok);
    assert!(stderr.contains("site.yaml:6:"), "{stderr}");
    assert!(stderr.contains("did you mean `Asia/Karachi`?"), "{stderr}");
}

#[test]
fn toml_front_matter_builds_like_yaml() {
    let f = Fixture::new("basic");
    f.write(
        "content/articles/2024/hugo-post.md",
        "+++\ntitle = \"From Hugo\"\ndate = 2024-03-01T10:00:00+05:00\ntopics = [\"alpha\"]\n\
         authors = [\"A\", \"B\"]\n[taxonomies]\ntags = [\"zola-tag\"]\n+++\nBody.\n",
    );
    let site = f.build(&[]);
    let page = site.html("articles/hugo-post/index.html");
    assert_eq!(page.texts("h1"), vec!["From Hugo".to_string()]);
    assert!(site.has("tags/zola-tag/index.html"));
}

/// A post with many problems: every one is reported in one run of `check` (and of
/// `build`), each on its line.
#[test]
fn every_problem_of_a_post_is_reported_in_one_run() {
    let f = Fixture::new("basic");
    f.write(
        "content/articles/2025/many.md",
        "---\n\
         title: [Not, text]\n\
         date: 15/03/2025\n\
         topics: alpha\n\
         updated: 2025-02-30\n\
         weight: heavy\n\
         draft: maybe\n\
         lang: English\n\
         aliases: [/ok/, ../../etc/]\n\
         permalink: https://example.org/x/\n\
         sources:\n\
         \x20 - title: S\n\
         \x20   publsher: P\n\
         tagz: x\n\
         ---\n\
         Body.\n",
    );
    // And a duplicate URL in another file, reported in the same run.
    f.write(
        "content/articles/2025/copy.md",
        "---\ntitle: Copy\ndate: 2025-01-01\ntopics: [alpha]\nslug: first\n---\nBody\n",
    );
    let (ok, stdout, _) = run(&f, &["check"]);
    assert!(!ok);
    let file = "content/articles/2025/many.md";
    for (at, says) in [
        (
            "2:8",
            "invalid front matter: `title` should be text, not a list",
        ),
        ("3:7", "`15/03/2025` is not a date"),
        (
            "5:10",
            "`2025-02-30` is not a date: February 2025 has 28 days",
        ),
        (
            "7:8",
            "invalid front matter: `draft` should be true or false, not `maybe`",
        ),
        (
            "8:7",
            "invalid front matter: `English` is not a language tag",
        ),
        ("9:17", "`../../etc/` in `aliases` cannot be used"),
        (
            "10:12",
            "`https://example.org/x/` in `permalink` cannot be used",
        ),
        (
            "13:5",
            "invalid front matter: source 1 in `sources`: unknown field `publsher`",
        ),
        ("14:1", "warning: `tagz` is not a front matter field"),
    ] {
        let line = format!("{file}:{at}: {says}");
        assert!(stdout.contains(&line), "missing {line:?} in:\n{stdout}");
    }
    assert!(stdout.contains("(did you mean `2025-03-15`?"), "{stdout}");
    // `weight` is no article field: kept for templates, and not a problem.
    assert!(!stdout.contains("weight"), "{stdout}");
    assert!(
        stdout.contains(
            "content/articles/2025/copy.md: this page would be written to `/articles/first/`"
        ),
        "{stdout}"
    );
    assert!(stdout.contains("another `slug:`"), "{stdout}");
    assert!(
        stdout
            .trim_end()
            .ends_with("9 errors, 3 warnings in 3 files"),
        "{stdout}"
    );
    // `build` says the same, all at once.
    let (ok, _, stderr) = run(&f, &["build"]);
    assert!(!ok);
    assert!(
        stderr
            .trim_end()
            .ends_with("9 errors, 3 warnings — nothing was written"),
        "{stderr}"
    );
}

#[test]
fn check_passes_with_warnings_unless_told_to_deny_them() {
    let f = Fixture::new("basic");
    f.write(
        POST,
        "---\ntitle: Notes\ntopics: [alpha]\nsummery: x\n---\nBody.\n",
    );
    let (ok, stdout, _) = run(&f, &["check", "--format", "json"]);
    assert!(ok, "{stdout}");
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let warning = doc["problems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["file"] == POST)
        .unwrap();
    assert_eq!(warning["severity"], "warning");
    assert_eq!(warning["line"], 4);
    assert_eq!(warning["help"], "did you mean `summary`?");
    assert_eq!(doc["errors"], 0);
    let (ok, _, _) = run(&f, &["check", "--deny-warnings"]);
    assert!(!ok);
}

#[test]
fn a_draft_topic_is_left_out_and_articles_filed_under_it_are_told_why() {
    let f = Fixture::new("basic");
    f.write(
        "content/topics/gamma.md",
        "---\ntitle: Gamma\ndraft: true\n---\nNot yet.\n",
    );
    let (ok, _, stderr) = run(&f, &["build"]);
    assert!(!ok);
    assert!(stderr.contains("the topic `gamma` is a draft"), "{stderr}");
    assert!(stderr.contains("make this article a draft too"), "{stderr}");
    // With drafts, it is there.
    let site = f.build(&["--drafts"]);
    assert!(site.has("topics/gamma/index.html"));
    // Once no article is filed under it, the site builds without the topic.
    for rel in [
        "content/articles/2024/third.md",
        "content/articles/2025/fourth.md",
    ] {
        let text = f.read(rel).replace(", gamma", "").replace("gamma, ", "");
        f.write(rel, &text.replace("[gamma]", "[alpha]"));
    }
    let site = f.build(&[]);
    assert!(!site.has("topics/gamma/index.html"));
}

#[test]
fn a_permalink_or_a_site_wide_pattern_decides_an_articles_url() {
    let f = Fixture::new("basic");
    f.write(
        "content/articles/2025/release.md",
        "---\ntitle: Release\ndate: 2025-02-01\ntopics: [alpha]\npermalink: /blog/release/v20.0.0/\n---\nBody.\n",
    );
    let site = f.build(&[]);
    assert!(site.has("blog/release/v20.0.0/index.html"));
    let alpha = site.html("topics/alpha/index.html");
    assert!(alpha.article_links().iter().all(|l| !l.contains("release")));
    assert!(
        alpha
            .attrs("main a[href]", "href")
            .contains(&"/blog/release/v20.0.0/".to_string())
    );
    let config = f.read("site.yaml");
    f.write(
        "site.yaml",
        &format!("{config}permalinks:\n  articles: /:year/:month/:day/:slug/\n"),
    );
    let site = f.build(&[]);
    assert!(
        site.has("2023/05/01/first/index.html"),
        "{:?}",
        site.html_files()
    );
    assert!(site.has("blog/release/v20.0.0/index.html"));
    assert!(!site.has("articles/first/index.html"));
}

/// The redirect page at an old URL: where its refresh, canonical link and link lead.
fn redirect_of(site: &common::Site, file: &str) -> (String, String, String) {
    let page = site.html(file);
    let refresh = page.attrs("meta[http-equiv=refresh]", "content");
    let canonical = page.attrs("link[rel=canonical]", "href");
    let link = page.attrs("body a[href]", "href");
    assert_eq!(
        (refresh.len(), canonical.len(), link.len()),
        (1, 1, 1),
        "{file}"
    );
    (refresh[0].clone(), canonical[0].clone(), link[0].clone())
}

#[test]
fn old_urls_answer_with_a_redirect_to_the_new_page() {
    let f = Fixture::new("basic");
    f.write(
        POST,
        "---\ntitle: Notes\ntopics: [alpha]\npermalink: /2013/02/24/release-notes.html\n\
         aliases: [/blog/notes/, old-notes]\nredirect_from: /notes.html\n---\nBody.\n",
    );
    let site = f.build(&["--base-url", "https://example.org/briefing/"]);
    assert!(site.has("2013/02/24/release-notes/index.html"));
    for old in [
        "2013/02/24/release-notes.html",
        "blog/notes/index.html",
        "old-notes/index.html",
        "notes.html",
    ] {
        let (refresh, canonical, link) = redirect_of(&site, old);
        assert_eq!(
            refresh, "0; url=/briefing/2013/02/24/release-notes/",
            "{old}"
        );
        assert_eq!(
            canonical,
            "https://example.org/briefing/2013/02/24/release-notes/"
        );
        assert_eq!(link, "/briefing/2013/02/24/release-notes/");
    }
    // Redirects are no pages of their own: not in the sitemap.
    assert!(!site.text("sitemap.xml").contains("old-notes"));
    let (broken, _) = common::broken_internal_links(&site, "https://example.org/briefing/");
    assert!(broken.is_empty(), "{broken:?}");
}

#[test]
fn an_alias_on_a_taken_url_is_an_error_naming_both_files() {
    let f = Fixture::new("basic");
    f.write(
        "content/articles/2025/a.md",
        "---\ntitle: A\ndate: 2025-01-01\ntopics: [alpha]\naliases: [/articles/first/, /shared/, /tags/t-one/]\n---\nA.\n",
    );
    f.write(
        "content/articles/2025/b.md",
        "---\ntitle: B\ndate: 2025-01-02\ntopics: [alpha]\naliases: [/shared/]\n---\nB.\n",
    );
    let (ok, stdout, _) = run(&f, &["check"]);
    assert!(!ok);
    for line in [
        "content/articles/2025/a.md: the alias `/articles/first/` of this page is the URL of content/articles/2023/first.md",
        "content/articles/2025/b.md: the alias `/shared/` of this page is an alias of content/articles/2025/a.md too",
        "content/articles/2025/a.md: the alias `/tags/t-one/` of this page is attache's own pages under /tags/",
    ] {
        assert!(stdout.contains(line), "{line} in:\n{stdout}");
    }
    let (ok, _, stderr) = run(&f, &["build"]);
    assert!(!ok);
    assert!(stderr.contains("3 errors"), "{stderr}");
    assert!(!f.path("public").exists());
}
