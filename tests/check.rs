//! `attache check`, `attache new` and `attache init`: the day-two commands.

mod common;

use common::Fixture;

fn check(fixture: &Fixture, extra: &[&str]) -> (bool, String) {
    let mut args = vec!["check"];
    args.extend_from_slice(extra);
    let out = fixture.attache(&args);
    assert_ne!(out.status.code(), Some(101), "check panicked");
    (out.status.success(), String::from_utf8(out.stdout).unwrap())
}

/// A fixture site with one problem of each kind, each in its own file.
fn broken_site() -> Fixture {
    let f = Fixture::new("basic");
    f.write(
        "content/articles/2025/a.md",
        "---\ntitle: A\ndate: 2025-01-01\ntopics: [alpah]\n---\nA.\n",
    );
    f.write(
        "content/articles/2025/b.md",
        "---\ntitle: B\ndate: 2025-13-01\ntopics: [alpha]\n---\nB.\n",
    );
    f.write(
        "content/articles/2025/c.md",
        "---\ntitle: C\ndate: 2025-01-03\ntopics: [alpha]\nslug: first\n---\nC.\n",
    );
    f.write(
        "content/articles/2025/d.md",
        "---\ntitle: D\ndate: 2025-01-04\ntopics: [alpha]\n---\nSee [beta](../../topics/beta.md#state-of-ply).\n\n![Map](/images/map.png)\n\n[Gone](../2024/gone.md)\n",
    );
    f.write(
        "templates/page.html",
        "{% extends \"base.html\" %}{% block content %}{{ page.nope }}{% endblock content %}",
    );
    f
}

#[test]
fn the_shipped_briefing_checks_clean() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_attache"))
        .args(["check", "--root"])
        .arg(common::repo())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("No problems found."), "{stdout}");
}

#[test]
fn check_reports_every_problem_with_file_line_and_column() {
    let f = broken_site();
    let (ok, out) = check(&f, &[]);
    assert!(!ok);
    let expect = [
        "content/articles/2025/a.md:4:10: unknown topic `alpah` (did you mean `alpha`?)",
        "content/articles/2025/b.md:3:7: `2025-13-01` is not a date: there is no month 13",
        "content/articles/2025/c.md: this page would be written to `/articles/first/`, which content/articles/2023/first.md also produces",
        "content/articles/2025/d.md:6:5: the link to `../../topics/beta.md#state-of-ply` points at `#state-of-ply`",
        "content/articles/2025/d.md:8:1: the image `/images/map.png` points at /images/map.png, which the site does not have",
        "content/articles/2025/d.md:10:1: the link to `../2024/gone.md` leads nowhere",
        "templates/page.html:1:",
    ];
    for line in expect {
        assert!(out.contains(line), "missing {line:?} in:\n{out}");
    }
    assert!(out.contains("did you mean `#state-of-play`?"), "{out}");
    // The fixture's own raw HTML and template syntax are warnings, reported alongside.
    assert!(
        out.contains("content/articles/2024/second.md:20:29: warning: `{{ site.title }}` is a template expression"),
        "{out}"
    );
    assert!(
        out.trim_end().ends_with("7 errors, 2 warnings in 6 files"),
        "{out}"
    );
    // Grouped by file: both problems of d.md are adjacent.
    let d_lines: Vec<usize> = out
        .lines()
        .enumerate()
        .filter(|(_, l)| l.starts_with("content/articles/2025/d.md"))
        .map(|(i, _)| i)
        .collect();
    assert_eq!(d_lines, (d_lines[0]..d_lines[0] + 3).collect::<Vec<_>>());
    // check writes nothing.
    assert!(!f.path("public").exists());
}

#[test]
fn check_speaks_json_for_editors_and_ci() {
    let f = broken_site();
    let (ok, out) = check(&f, &["--format", "json"]);
    assert!(!ok);
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["errors"], 7);
    let a = doc["problems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["file"] == "content/articles/2025/a.md")
        .unwrap();
    assert_eq!(
        (a["line"].as_u64(), a["column"].as_u64()),
        (Some(4), Some(10))
    );
    assert_eq!(a["help"], "did you mean `alpha`?");
}

#[test]
fn new_article_writes_complete_front_matter_and_never_overwrites() {
    let f = Fixture::new("basic");
    let out = f.attache(&[
        "new",
        "article",
        "Talks on Trade: Round 2!",
        "--topics",
        "alpha,beta",
        "--date",
        "2025-06-01",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = f.read("content/articles/2025/talks-on-trade-round-2.md");
    for field in [
        "title: \"Talks on Trade: Round 2!\"",
        "date: 2025-06-01",
        "topics: [alpha, beta]",
        "summary:",
        "key_points:",
        "people:",
        "organizations:",
        "tags:",
        "sources:",
        "draft: true",
    ] {
        assert!(text.contains(field), "{field} missing from\n{text}");
    }
    // It builds (as a draft) and checks clean.
    assert!(check(&f, &["--drafts"]).0);
    let site = f.build(&["--drafts"]);
    assert!(site.has("articles/talks-on-trade-round-2/index.html"));

    let again = f.attache(&[
        "new",
        "article",
        "Talks on Trade: Round 2!",
        "--topics",
        "alpha",
        "--date",
        "2025-06-01",
    ]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));

    let typo = f.attache(&["new", "article", "Other", "--topics", "alpa"]);
    assert!(!typo.status.success());
    assert!(String::from_utf8_lossy(&typo.stderr).contains("did you mean `alpha`?"));
}

#[test]
fn new_article_knows_topics_by_the_id_the_build_gives_them() {
    // A topic file named with a capital: the build files articles under `trade`.
    let f = Fixture::new("basic");
    f.write(
        "content/topics/Trade.md",
        "---\ntitle: \"Trade\"\n---\nThe state of trade.\n",
    );
    let out = f.attache(&[
        "new",
        "article",
        "A trade article",
        "--topics",
        "trade",
        "--date",
        "2025-06-02",
    ]);
    assert!(
        out.status.success(),
        "the build's id is accepted: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        f.read("content/articles/2025/a-trade-article.md")
            .contains("topics: [trade]")
    );
    let site = f.build(&["--drafts"]);
    let page = site.html("articles/a-trade-article/index.html");
    assert!(
        page.attrs("a[href]", "href")
            .iter()
            .any(|h| h.ends_with("/topics/trade/")),
        "the article links to its topic"
    );

    // The file's own spelling is not an id the build knows: refused, with the id it has.
    let raw = f.attache(&["new", "article", "Another", "--topics", "Trade"]);
    assert!(!raw.status.success());
    let said = String::from_utf8_lossy(&raw.stderr);
    assert!(said.contains("did you mean `trade`?"), "{said}");
    assert!(!f.path("content/articles").join("2025/another.md").exists());
}

#[test]
fn new_topic_adds_a_topic_the_site_can_use() {
    let f = Fixture::new("basic");
    let out = f.attache(&["new", "topic", "energy"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        f.read("content/topics/energy.md")
            .contains("title: \"Energy\"")
    );
    assert!(f.build(&[]).has("topics/energy/index.html"));
    assert!(!f.attache(&["new", "topic", "energy"]).status.success());
}

#[test]
fn init_makes_a_site_that_builds_and_checks_clean() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("brief");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_attache"))
        .args(["init"])
        .arg(&site)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_attache"))
            .args(args)
            .current_dir(&site)
            .output()
            .unwrap()
    };
    let checked = run(&["check"]);
    assert!(
        checked.status.success(),
        "{}",
        String::from_utf8_lossy(&checked.stdout)
    );
    assert!(run(&["build", "--quiet"]).status.success());
    let built = common::Site::read(&site.join("public"));
    assert!(built.has("articles/welcome/index.html"));
    assert!(built.has("topics/general/index.html"));
    // A second init into the same folder refuses.
    let again = std::process::Command::new(env!("CARGO_BIN_EXE_attache"))
        .args(["init"])
        .arg(&site)
        .output()
        .unwrap();
    assert!(!again.status.success());
}

#[test]
fn building_twice_gives_byte_identical_output() {
    let f = Fixture::new("basic");
    let first = f.build(&[]).files;
    let second = f.build(&[]).files;
    assert_eq!(
        first.keys().collect::<Vec<_>>(),
        second.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &first {
        assert!(second[path] == *bytes, "{path} differs between builds");
    }
}

#[test]
fn check_flags_an_output_folder_that_would_replace_the_sources() {
    let f = Fixture::new("basic");
    f.write(
        "site.yaml",
        &format!("{}output_dir: content\n", f.read("site.yaml")),
    );
    let (ok, out) = check(&f, &[]);
    assert!(!ok);
    assert!(out.contains("site.yaml:6:1: the output folder"), "{out}");
    assert!(out.contains("content/ folder"), "{out}");
}

#[test]
fn check_refuses_a_source_that_says_neither_what_it_is_called_nor_what_it_is() {
    let f = Fixture::new("basic");
    f.write(
        "content/articles/2025/cable.md",
        "---\ntitle: Cable\ndate: 2025-01-05\ntopics: [alpha]\nsources:\n  - title: \"A titled source\"\n  - kind: news report\n    date: 2025-01-05\n    dateline: Islamabad\n---\nBody.\n",
    );
    let (ok, out) = check(&f, &[]);
    assert!(!ok, "{out}");
    assert!(
        out.contains(
            "content/articles/2025/cable.md:7:3: this source has neither a `title` nor a `description`"
        ),
        "{out}"
    );
    assert!(
        out.contains("description: \"News report (untitled)\""),
        "hint: {out}"
    );
    assert!(
        out.trim_end().ends_with("1 error, 2 warnings in 2 files"),
        "{out}"
    );
    assert!(!f.path("public").exists());
}

/// `check` is wrong in neither direction: e-mail addresses and ids written in raw HTML
/// are fine, an address in brackets twice is not.
#[test]
fn check_knows_email_links_and_html_ids_and_catches_addresses_in_double_brackets() {
    let f = Fixture::new("basic");
    let config = f.read("site.yaml");
    f.write(
        "site.yaml",
        &format!("{config}markdown:\n  unsafe_html: true\n"),
    );
    f.write(
        "content/articles/2025/mail.md",
        "---\ntitle: Mail\ndate: 2025-01-01\ntopics: [alpha]\n---\n\
         Write to <npm-cli+bot@github.com> or [the desk](mailto:desk@example.org).\n\n\
         <a id=\"old-anchor\"></a>\n\n<h3 id=\"figures\">Figures</h3>\n\n\
         Back to [the anchor](#old-anchor), on to [the other](other.md#named).\n",
    );
    f.write(
        "content/articles/2025/other.md",
        "---\ntitle: Other\ndate: 2025-01-02\ntopics: [alpha]\n---\n\
         <a name=\"named\"></a>See [figures](mail.md#figures) and [a typo](mail.md#figure).\n\n\
         And [the site]((https://example.org)).\n",
    );
    let (ok, out) = check(&f, &[]);
    assert!(!ok, "{out}");
    let file = "content/articles/2025/other.md";
    assert!(
        out.contains(&format!(
            "{file}:8:5: the link `(https://example.org)` is not a web address"
        )),
        "{out}"
    );
    assert!(out.contains("did you mean `https://example.org`?"), "{out}");
    assert!(
        out.contains(&format!("{file}:6:56: the link to `mail.md#figure`")),
        "{out}"
    );
    assert!(out.contains("did you mean `#figures`?"), "{out}");
    assert!(!out.contains("mail.md:"), "{out}");
    assert!(
        out.trim_end().ends_with("2 errors, 1 warning in 2 files"),
        "{out}"
    );
}
