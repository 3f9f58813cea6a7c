//! `attache import`: a Jekyll, a Hugo and a Zola site, each written in its own formats
//! (tests/fixtures/import/), are converted once; the result builds, its every internal
//! link leads somewhere, what could not be converted is listed by file and line, and the
//! source is left byte for byte as it was.

mod common;

use std::path::Path;
use std::process::Command;

use common::{Site, broken_internal_links, copy_dir, repo, snapshot};

fn attache(dir: &Path, args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_attache"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run attache");
    assert_ne!(out.status.code(), Some(101), "attache panicked");
    (
        out.status.success(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// A source site copied to `<tmp>/src`, imported into `<tmp>/site` and built; returns
/// what import printed, what build printed and the built site.
struct Imported {
    dir: tempfile::TempDir,
    said: String,
    build_said: String,
    site: Site,
}

fn import(kind: &str) -> Imported {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    copy_dir(&repo().join("tests/fixtures/import").join(kind), &src);
    let before = snapshot(&src);
    let (ok, said, err) = attache(dir.path(), &["import", kind, "src", "site"]);
    assert!(ok, "import failed: {said}{err}");
    assert!(snapshot(&src) == before, "import changed the source site");
    let (ok, out, build_said) = attache(&dir.path().join("site"), &["build"]);
    assert!(ok, "the imported site does not build:\n{out}{build_said}");
    let site = Site::read(&dir.path().join("site/public"));
    Imported {
        dir,
        said,
        build_said,
        site,
    }
}

fn assert_crawls_clean(site: &Site, base_url: &str) {
    let (broken, followed) = broken_internal_links(site, base_url);
    assert!(
        broken.is_empty(),
        "broken internal links:\n{}",
        broken.join("\n")
    );
    assert!(followed > 50, "only {followed} links followed");
}

/// The old address `file` redirects to `to` (refresh, canonical link and link).
fn assert_redirects(site: &Site, file: &str, to: &str, base_url: &str) {
    let page = site.html(file);
    assert_eq!(
        page.attrs("meta[http-equiv=refresh]", "content"),
        [format!("0; url={to}")],
        "{file}"
    );
    assert_eq!(
        page.attrs("link[rel=canonical]", "href"),
        [format!("{}{}", base_url.trim_end_matches('/'), to)]
    );
    assert_eq!(page.attrs("body a[href]", "href"), [to.to_string()]);
}

fn read(imported: &Imported, rel: &str) -> String {
    std::fs::read_to_string(imported.dir.path().join("site").join(rel))
        .unwrap_or_else(|e| panic!("{rel}: {e}"))
}

#[test]
fn a_jekyll_site_is_imported_and_builds() {
    let i = import("jekyll");
    assert!(
        i.said
            .starts_with("Imported 4 articles, 3 pages, 4 topics and 1 static file"),
        "{}",
        i.said
    );
    // What could not be converted, by file and line.
    for line in [
        "_posts/2013-02-24-trade-talks-open.md:13:1: warning: `{% highlight ruby %}` is a Liquid tag",
        "_posts/2013-03-01-second-round.markdown:8:1: warning: `{{ site.title }}` is a template expression",
        "feed.xml:1:1: warning: not converted: a file made with Jekyll's templates",
        "index.html:1:1: warning: not converted",
        "assets/css/style.scss:1:1: warning: not converted",
        "_drafts/unfinished.md:1:1: warning: it has no date, so it became a plain page",
    ] {
        assert!(i.said.contains(line), "{line} in:\n{}", i.said);
    }
    let config = read(&i, "site.yaml");
    for setting in [
        "title: Embassy News",
        "base_url: https://news.example.org/",
        "timezone: Asia/Karachi",
        "author: Press Office",
    ] {
        assert!(config.contains(setting), "{setting} in:\n{config}");
    }
    // Front matter mapped: categories (two words) to topics, a word of tags to a list,
    // the old URL kept as an alias, the date as written; the unknown key kept.
    let post = read(&i, "content/articles/2013/trade-talks-open.md");
    for mapped in [
        "date: 2013-02-24 5:00:00 +0000",
        "topics:\n- trade\n- talks\n",
        "tags:\n- security\n",
        "aliases:\n- /trade/talks/2013/02/24/trade-talks-open.html\n",
        "locaton: Islamabad",
    ] {
        assert!(post.contains(mapped), "{mapped} in:\n{post}");
    }
    assert!(!post.contains("layout"), "{post}");
    let second = read(&i, "content/articles/2013/second-round.md");
    assert!(
        second.contains("- /trade/2013/03/01/second-round.html\n- /old/second-round/"),
        "{second}"
    );
    assert!(read(&i, "content/topics/trade.md").contains("title: trade"));
    // The build warns about what the archive still holds.
    for warning in [
        "warning: `locaton` is not a front matter field",
        "warning: `summery` is not a front matter field",
        "warning: `{% highlight ruby %}` is a Liquid tag",
        "warning: raw HTML is shown as text",
    ] {
        assert!(
            i.build_said.contains(warning),
            "{warning} in:\n{}",
            i.build_said
        );
    }
    assert_crawls_clean(&i.site, "https://news.example.org/");
    // Old URLs answer with a redirect to the new page (a body links to one of them).
    let base = "https://news.example.org/";
    assert_redirects(
        &i.site,
        "trade/talks/2013/02/24/trade-talks-open.html",
        "/articles/trade-talks-open/",
        base,
    );
    assert_redirects(
        &i.site,
        "trade/2013/03/01/second-round.html",
        "/articles/second-round/",
        base,
    );
    assert_redirects(
        &i.site,
        "old/second-round/index.html",
        "/articles/second-round/",
        base,
    );
    assert_redirects(
        &i.site,
        "blog/release/v20.0.0/index.html",
        "/articles/release/",
        base,
    );
    assert_redirects(&i.site, "contact.html", "/contact/", base);
    let page = i.site.html("articles/trade-talks-open/index.html");
    assert_eq!(page.texts("h1"), ["Trade talks open in Islamabad"]);
    assert!(i.site.has("articles/statement/index.html"));
    assert!(i.site.has("topics/press/index.html"));
    assert!(i.site.has("about/index.html"));
    assert!(i.site.has("assets/logo.png"));
    assert!(!i.site.has("notes.txt") && !i.site.has("Gemfile"));
}

#[test]
fn a_hugo_site_with_toml_and_yaml_front_matter_is_imported_and_builds() {
    let i = import("hugo");
    assert!(
        i.said
            .starts_with("Imported 4 articles, 3 pages, 2 topics and 2 static files"),
        "{}",
        i.said
    );
    for line in [
        "content/posts/first-visit.md:13:1: warning: `{{< figure src=\"/images/flag.png\" title=\"The flag\" >}}` is a Hugo shortcode",
        "content/posts/first-visit.md:15:1: warning: `{{% note %}}` is a Hugo shortcode",
        "content/posts/undated.md:1:1: warning: it has no date",
        "assets: warning: Hugo Pipes assets are not converted",
    ] {
        assert!(i.said.contains(line), "{line} in:\n{}", i.said);
    }
    let config = read(&i, "site.yaml");
    for setting in [
        "title: Chamber of Commerce News",
        "base_url: https://hugo.example.org/",
        "timezone: Europe/Moscow",
        "unsafe_html: true",
    ] {
        assert!(config.contains(setting), "{setting} in:\n{config}");
    }
    let first = read(&i, "content/articles/2019/first-visit.md");
    for mapped in [
        "date: 2019-03-05T10:00:00+03:00",
        "topics:\n- trade-fairs\n",
        "summary: A delegation visited the fair.",
        "tags:\n- visits\n",
        "updated: 2019-03-06",
        "aliases:\n- /2019/03/first-trade-visit/\n- /old/first-visit/\n",
    ] {
        assert!(first.contains(mapped), "{mapped} in:\n{first}");
    }
    let second = read(&i, "content/articles/2019/second-meeting.md");
    assert!(second.contains("- /2019/04/second-meeting/"), "{second}");
    assert!(
        second.contains("authors:\n- Anna Petrova\n- Bilal Khan\n"),
        "{second}"
    );
    let release = read(&i, "content/articles/2020/press-release.md");
    assert!(release.contains("- /press/new-office/"), "{release}");
    assert!(read(&i, "content/topics/posts.md").contains("title: News posts"));
    assert!(
        i.build_said
            .contains("warning: `tagz` is not a front matter field"),
        "{}",
        i.build_said
    );
    assert_crawls_clean(&i.site, "https://hugo.example.org/");
    let base = "https://hugo.example.org/";
    assert_redirects(
        &i.site,
        "2019/03/first-trade-visit/index.html",
        "/articles/first-visit/",
        base,
    );
    assert_redirects(
        &i.site,
        "old/first-visit/index.html",
        "/articles/first-visit/",
        base,
    );
    assert_redirects(
        &i.site,
        "2019/04/second-meeting/index.html",
        "/articles/second-meeting/",
        base,
    );
    assert_redirects(
        &i.site,
        "press/new-office/index.html",
        "/articles/press-release/",
        base,
    );
    // The page bundle's image went beside the article, so its relative link works.
    assert!(i.site.has("articles/bundle-post/chart.png"));
    let bundle = i.site.html("articles/bundle-post/index.html");
    assert_eq!(bundle.attrs("main img", "src"), ["chart.png"]);
    // Raw HTML was on in Hugo, so it is on here.
    let page = i.site.html("articles/second-meeting/index.html");
    assert_eq!(page.select("main iframe").len(), 1);
    let about = i.site.html("about/index.html");
    assert_eq!(about.texts("h1"), ["About the chamber"]);
}

#[test]
fn a_zola_site_with_toml_front_matter_is_imported_and_builds() {
    let i = import("zola");
    assert!(
        i.said
            .starts_with("Imported 3 articles, 2 pages, 2 topics and 2 static files"),
        "{}",
        i.said
    );
    for line in [
        "content/blog/2024-01-05-new-year.md:11:1: warning: `{{ youtube(id=\"dQw4w9WgXcQ\") }}` is a template expression",
        "content/blog/2024-01-05-new-year.md:13:1: warning: `{% quote(author=\"A minister\") %}`",
        "sass: warning: Sass files are not converted",
    ] {
        assert!(i.said.contains(line), "{line} in:\n{}", i.said);
    }
    let new_year = read(&i, "content/articles/2024/new-year.md");
    for mapped in [
        "date: 2024-01-05",
        "topics:\n- outlook\n",
        "tags:\n- outlook\n",
        "aliases:\n- /blog/new-year/\n",
        // Zola's internal link now points at the article's new file.
        "[the second note](second.md)",
    ] {
        assert!(new_year.contains(mapped), "{mapped} in:\n{new_year}");
    }
    let second = read(&i, "content/articles/2024/second.md");
    assert!(
        second.contains("- /notes/second/\n- /blog/old-second/"),
        "{second}"
    );
    assert!(second.contains("(new-year.md#part-two)"), "{second}");
    assert!(
        i.build_said
            .contains("warning: `updatd` is not a front matter field"),
        "{}",
        i.build_said
    );
    assert_crawls_clean(&i.site, "https://zola.example.org/");
    let base = "https://zola.example.org/";
    assert_redirects(
        &i.site,
        "blog/new-year/index.html",
        "/articles/new-year/",
        base,
    );
    assert_redirects(
        &i.site,
        "notes/second/index.html",
        "/articles/second/",
        base,
    );
    assert_redirects(
        &i.site,
        "blog/old-second/index.html",
        "/articles/second/",
        base,
    );
    let page = i.site.html("articles/second/index.html");
    assert!(
        page.attrs("main a[href]", "href")
            .contains(&"/articles/new-year/#part-two".to_string())
    );
    assert!(i.site.has("articles/photo-story/photo.png"));
    assert!(i.site.has("favicon.png"));
    assert!(i.site.has("contact/index.html"));
}

#[test]
fn import_refuses_a_destination_it_could_damage_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    copy_dir(&repo().join("tests/fixtures/import/jekyll"), &src);
    // A folder that is not empty and not an attache site.
    std::fs::create_dir_all(dir.path().join("busy")).unwrap();
    std::fs::write(dir.path().join("busy/precious.txt"), "keep").unwrap();
    let (ok, _, err) = attache(dir.path(), &["import", "jekyll", "src", "busy"]);
    assert!(!ok);
    assert!(
        err.contains("busy is not empty and not an attache site"),
        "{err}"
    );
    assert_eq!(
        snapshot(&dir.path().join("busy"))
            .keys()
            .collect::<Vec<_>>(),
        ["precious.txt"]
    );
    // Inside the source.
    let before = snapshot(&src);
    let (ok, _, err) = attache(dir.path(), &["import", "jekyll", "src", "src/out"]);
    assert!(!ok);
    assert!(err.contains("is inside src"), "{err}");
    assert!(snapshot(&src) == before);
    // A folder that is not a site of that kind.
    let (ok, _, err) = attache(dir.path(), &["import", "hugo", "src", "new"]);
    assert!(!ok);
    assert!(
        err.contains("is not a Hugo site: there is no hugo.toml"),
        "{err}"
    );
    assert!(!dir.path().join("new").exists());
    // Into an attache site: added beside what is there, never over it.
    let (ok, ..) = attache(dir.path(), &["init", "mine"]);
    assert!(ok);
    let (ok, said, err) = attache(dir.path(), &["import", "jekyll", "src", "mine"]);
    assert!(ok, "{said}{err}");
    assert!(
        dir.path()
            .join("mine/content/articles/2013/trade-talks-open.md")
            .is_file()
    );
    let site_yaml = std::fs::read_to_string(dir.path().join("mine/site.yaml")).unwrap();
    assert!(!site_yaml.contains("Imported"), "{site_yaml}");
    let again = attache(dir.path(), &["import", "jekyll", "src", "mine"]);
    assert!(!again.0);
    assert!(again.2.contains("would be overwritten"), "{}", again.2);
}
