//! Bodies from other tools: raw HTML, Liquid and shortcodes come out as text, and files
//! attache does not read are left out; each is a warning naming the file and line, so a
//! site that builds never looks broken without a word.

mod common;

use common::Fixture;

fn build(f: &Fixture) -> (String, String) {
    let out = f.attache(&["build"]);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(out.status.success(), "{stderr}");
    (String::from_utf8(out.stdout).unwrap(), stderr)
}

/// The fixture without its own raw HTML and template syntax, so warnings are ours.
fn quiet_fixture() -> Fixture {
    let f = Fixture::new("basic");
    let second = f.read("content/articles/2024/second.md");
    let cut = second.find("Template syntax").unwrap();
    f.write("content/articles/2024/second.md", &second[..cut]);
    let (stdout, stderr) = build(&f);
    assert!(!stdout.contains("warning"), "{stdout}");
    assert!(stderr.is_empty(), "{stderr}");
    f
}

fn article(name: &str, body: &str) -> (String, String) {
    (
        format!("content/articles/2025/{name}"),
        format!("---\ntitle: {name}\ndate: 2025-01-01\ntopics: [alpha]\n---\n{body}"),
    )
}

#[test]
fn raw_html_shown_as_text_is_one_warning_with_the_count_and_the_setting() {
    let f = quiet_fixture();
    for (name, body) in [
        (
            "a.md",
            "Text.\n\n<div class=\"box\">Boxed</div>\n\nAnd <b>bold</b>.\n",
        ),
        ("b.md", "<iframe src=\"https://example.org\"></iframe>\n"),
        ("c.md", "Inline <span>html</span>.\n"),
    ] {
        let (path, text) = article(name, body);
        f.write(&path, &text);
    }
    let (stdout, stderr) = build(&f);
    assert_eq!(stderr.matches("raw HTML").count(), 2, "{stderr}");
    assert!(
        stderr.contains(
            "warning: raw HTML is shown as text, not passed through: here (3 times) and in 2 more files (3 in all)"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("content/articles/2025/a.md:8:1"),
        "{stderr}"
    );
    assert!(
        stderr.contains("set `markdown: {unsafe_html: true}` in site.yaml"),
        "{stderr}"
    );
    assert!(stdout.trim_end().ends_with(", 1 warning"), "{stdout}");
    let site = common::Site::read(&f.path("public"));
    let page = site.html("articles/a/index.html");
    assert!(page.select("main div.box").is_empty());
    // Turned on, the HTML goes through and there is nothing to warn about.
    let config = f.read("site.yaml");
    f.write(
        "site.yaml",
        &format!("{config}markdown:\n  unsafe_html: true\n"),
    );
    let (_, stderr) = build(&f);
    assert!(!stderr.contains("raw HTML"), "{stderr}");
    let site = common::Site::read(&f.path("public"));
    assert_eq!(
        site.html("articles/a/index.html")
            .select("main div.box")
            .len(),
        1
    );
}

#[test]
fn liquid_tags_and_shortcodes_are_named_by_file_and_line() {
    let f = quiet_fixture();
    let (path, text) = article(
        "jekyll.md",
        "Intro.\n\n{% highlight ruby %}\nputs 1\n{% endhighlight %}\n\nSee {{ site.url }}/about.\n\n\
         ```liquid\n{% raw %}{{ kept }}{% endraw %}\n```\n\nAnd `{{ inline }}` code.\n",
    );
    f.write(&path, &text);
    let (path2, text2) = article(
        "hugo.md",
        "{{< figure src=\"/img/a.png\" caption=\"A\" >}}\n\n{{% note %}}Careful.{{% /note %}}\n",
    );
    f.write(&path2, &text2);
    let (_, stderr) = build(&f);
    assert!(
        stderr.contains(
            "warning: `{% highlight ruby %}` is a Liquid tag (Jekyll) or a Zola shortcode, which attache does not run: it is shown as text (2 more in this file, on lines 10, 12)"
        ),
        "{stderr}"
    );
    assert!(stderr.contains(&format!("{path}:8:1")), "{stderr}");
    assert!(
        stderr.contains(
            "warning: `{{< figure src=\"/img/a.png\" caption=\"A\" >}}` is a Hugo shortcode"
        ),
        "{stderr}"
    );
    assert!(stderr.contains(&format!("{path2}:6:1")), "{stderr}");
    assert!(
        stderr.contains("(2 more in this file, on line 8)"),
        "{stderr}"
    );
    // Code is shown as written and not reported.
    assert!(!stderr.contains("kept"), "{stderr}");
    assert!(!stderr.contains("inline"), "{stderr}");
    // `check` says the same, and passes: these are warnings.
    let out = f.attache(&["check"]);
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains(&format!("{path}:8:1: warning: `{{% highlight ruby %}}`")),
        "{stdout}"
    );
}

#[test]
fn files_attache_does_not_read_are_named_and_markdown_of_every_extension_is_read() {
    let f = quiet_fixture();
    let (_, text) = article("x", "Long form.\n");
    f.write("content/articles/2025/long.markdown", &text);
    f.write("content/articles/2025/mac.mdown", &text);
    f.write("content/articles/2025/component.mdx", &text);
    f.write("content/articles/2025/photo.png", "not really a PNG");
    f.write("content/articles/2025/notes.txt", "notes");
    let (_, stderr) = build(&f);
    let site = common::Site::read(&f.path("public"));
    assert!(site.has("articles/long/index.html"));
    assert!(site.has("articles/mac/index.html"));
    for (file, says) in [
        ("component.mdx", "attache reads Markdown files only"),
        ("notes.txt", "attache reads Markdown files only"),
        (
            "photo.png",
            "files in content/ other than Markdown are not published",
        ),
    ] {
        let line = format!("content/articles/2025/{file}");
        let at = stderr
            .find(&line)
            .unwrap_or_else(|| panic!("{line} in:\n{stderr}"));
        let block = &stderr[at.saturating_sub(160)..at];
        assert!(block.contains(says), "{says} for {file} in:\n{stderr}");
    }
    assert!(
        stderr.contains("put images and downloads in static/"),
        "{stderr}"
    );
}
