//! Briefing packs: `attache pack` makes a PDF of a topic or of the whole briefing. Each
//! test makes a pack of a fixture site (or of the briefing in this repository) with the
//! real binary and reads the PDF back: its text with `pdftotext` (poppler-utils), its
//! outline and links with `lopdf`.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{Fixture, repo};

/// A PDF that `attache pack` wrote.
struct Pack {
    path: PathBuf,
    bytes: Vec<u8>,
    doc: lopdf::Document,
}

impl Pack {
    fn read(path: &Path) -> Pack {
        let bytes = std::fs::read(path).expect("the PDF was written");
        let doc = lopdf::Document::load_mem(&bytes).expect("a PDF lopdf can read");
        Pack {
            path: path.to_path_buf(),
            bytes,
            doc,
        }
    }

    fn pages(&self) -> usize {
        self.doc.get_pages().len()
    }

    /// The text of pages `first..=last` (1-based), whitespace collapsed.
    fn text_of(&self, first: usize, last: usize) -> String {
        let out = Command::new("pdftotext")
            .args(["-f", &first.to_string(), "-l", &last.to_string()])
            .arg(&self.path)
            .arg("-")
            .output()
            .expect("pdftotext (poppler-utils) is installed; .ci/run installs it");
        assert!(out.status.success(), "pdftotext failed");
        collapse(&String::from_utf8_lossy(&out.stdout))
    }

    fn text(&self) -> String {
        self.text_of(1, self.pages())
    }

    /// The bookmarks: (level, title, page), level 1 at the top.
    fn outline(&self) -> Vec<(usize, String, usize)> {
        let toc = self.doc.get_toc().expect("the PDF has an outline");
        assert!(toc.errors.is_empty(), "{:?}", toc.errors);
        toc.toc
            .into_iter()
            .map(|t| (t.level, collapse(&t.title), t.page))
            .collect()
    }

    /// The titles of the bookmarks under the top-level one named `part`.
    fn under(&self, part: &str) -> Vec<(String, usize)> {
        let outline = self.outline();
        let start = outline
            .iter()
            .position(|(l, t, _)| *l == 1 && t == part)
            .unwrap_or_else(|| panic!("no `{part}` in the outline: {outline:?}"));
        outline[start + 1..]
            .iter()
            .take_while(|(l, ..)| *l > 1)
            .filter(|(l, ..)| *l == 2)
            .map(|(_, t, p)| (t.clone(), *p))
            .collect()
    }

    /// The URLs links open, and how many links lead to a place in the PDF itself.
    fn links(&self) -> (Vec<String>, usize) {
        let mut uris = Vec::new();
        let mut inside = 0;
        for (_, page) in self.doc.get_pages() {
            for annot in self.doc.get_page_annotations(page).unwrap_or_default() {
                if annot.get(b"Dest").is_ok() {
                    inside += 1;
                    continue;
                }
                let Ok(action) = annot.get_deref(b"A", &self.doc).and_then(|a| a.as_dict()) else {
                    continue;
                };
                match action.get(b"S").and_then(|s| s.as_name()) {
                    Ok(b"URI") => {
                        let uri = action.get(b"URI").and_then(|u| u.as_str()).unwrap();
                        uris.push(String::from_utf8_lossy(uri).into_owned());
                    }
                    Ok(b"GoTo") => inside += 1,
                    _ => {}
                }
            }
        }
        (uris, inside)
    }

    /// `pdffonts`: every font is embedded; returns their names.
    fn embedded_fonts(&self) -> Vec<String> {
        let out = Command::new("pdffonts").arg(&self.path).output().unwrap();
        let listing = String::from_utf8_lossy(&out.stdout).into_owned();
        listing
            .lines()
            .skip(2)
            .map(|line| {
                let cols: Vec<&str> = line.split_whitespace().collect();
                // name type [encoding…] emb sub uni object-id: `emb` is 5th from the end.
                assert_eq!(cols[cols.len() - 5], "yes", "not embedded: {line}");
                cols[0].to_string()
            })
            .collect()
    }
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The contents page as "title page" pairs: leader dots and the word joiner Typst puts
/// before each page number left out.
fn contents(text: &str) -> String {
    text.replace('\u{2060}', "")
        .split_whitespace()
        .filter(|w| *w != ".")
        .collect::<Vec<_>>()
        .join(" ")
}

/// Runs `attache pack` in `root` with `args`; the output is `<root>/<file>`.
fn attache_pack(root: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_attache"))
        .arg("pack")
        .args(args)
        .current_dir(root)
        .env("NO_COLOR", "1")
        .output()
        .expect("run attache")
}

/// Makes the pack and reads it, asserting success.
fn pack(root: &Path, args: &[&str], file: &str) -> Pack {
    let mut all = args.to_vec();
    all.extend(["-o", file]);
    let out = attache_pack(root, &all);
    assert!(
        out.status.success(),
        "attache pack failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Pack::read(&root.join(file))
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

const PORTS: [&str; 3] = [
    "Dredging begins in the south channel",
    "Cranes ordered for the north harbour",
    "The north harbour opens",
];

#[test]
fn a_topic_pack_has_a_cover_contents_and_every_article_newest_first() {
    let site = Fixture::new("pack");
    let pdf = pack(site.root(), &["--topic", "ports"], "ports.pdf");

    let cover = pdf.text_of(1, 1);
    assert!(cover.contains("HARBOUR WATCH"), "{cover}");
    assert!(cover.contains("Ports"), "{cover}");
    // The overview's `updated` is newer than every article in it.
    assert!(cover.contains("As of 1 March 2025"), "{cover}");
    assert!(
        cover.contains("English · 3 articles · 4 sources"),
        "{cover}"
    );

    let contents = contents(&pdf.text_of(2, 2));
    assert!(
        contents.starts_with("Ports Harbour Watch CONTENTS"),
        "{contents}"
    );
    let listed: Vec<usize> = PORTS.iter().map(|t| contents.find(t).unwrap()).collect();
    assert!(listed.is_sorted(), "{contents}");

    // One bookmark per article, in order, each on its own page, which starts with it.
    let articles = pdf.under("Articles");
    let titles: Vec<&str> = articles.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(titles, PORTS);
    let pages: BTreeSet<usize> = articles.iter().map(|(_, p)| *p).collect();
    assert_eq!(pages.len(), 3, "{articles:?}");
    for (title, page) in &articles {
        let text = pdf.text_of(*page, *page);
        assert!(text.contains(title.as_str()), "page {page}: {text}");
        // The page number printed in the contents is the page the article is on.
        assert!(contents.contains(&format!("{title} {page}")), "{contents}");
    }
    // The article from another topic is not in this pack.
    assert!(!pdf.text().contains("Fishing quotas under review"));

    // Cover, contents, overview, three articles, sources, people: 8 pages.
    assert_eq!(pdf.pages(), 8);
    let top: Vec<String> = pdf
        .outline()
        .into_iter()
        .filter(|(l, ..)| *l == 1)
        .map(|(_, t, _)| t)
        .collect();
    assert_eq!(
        top,
        [
            "Overview",
            "Articles",
            "Sources",
            "People and organizations"
        ]
    );
}

#[test]
fn every_source_is_listed_once_with_the_articles_that_cite_it() {
    let site = Fixture::new("pack");
    let pdf = pack(site.root(), &["--topic", "ports"], "ports.pdf");
    let (_, sources_page) = pdf
        .outline()
        .into_iter()
        .find(|(l, t, _)| *l == 1 && t == "Sources")
        .map(|(_, t, p)| (t, p))
        .unwrap();
    let list = pdf.text_of(sources_page, sources_page);
    // Three articles cite the board's notice (once with a trailing slash, once without a
    // publisher); it is one source, numbered where it is first cited.
    for (n, title) in [
        (1, "Harbour Board notice"),
        (2, "Fisheries Office statement"),
        (3, "Channel map"),
        (4, "Crane Works press release"),
    ] {
        assert_eq!(list.matches(title).count(), 1, "{title} in {list}");
        assert!(list.contains(&format!("[{n}] {title}")), "{list}");
    }
    assert!(!list.contains("[5]"), "{list}");
    assert!(
        list.contains(
            "[1] Harbour Board notice. Harbour Board, 1 April 2024. https://board.example.org/notices/1 \
             Cited in: Dredging begins in the south channel (p. 4); Cranes ordered for the north \
             harbour (p. 5); The north harbour opens (p. 6)"
        ),
        "{list}"
    );
    // Each article ends with the numbers of its sources.
    assert!(pdf.text_of(4, 4).contains("Sources: [1] [2] [3]"));
    assert!(pdf.text_of(5, 5).contains("Sources: [1] [4]"));

    let people = pdf.text_of(sources_page + 1, sources_page + 1);
    assert!(
        people.contains(
            "Mara Quay Cranes ordered for the north harbour (p. 5); The north harbour opens (p. 6)"
        ),
        "{people}"
    );
    assert!(people.contains("Organizations Crane Works"), "{people}");
}

#[test]
fn links_inside_the_pack_stay_inside_and_links_out_are_printed() {
    let site = Fixture::new("pack");
    let pdf = pack(site.root(), &["--topic", "ports"], "ports.pdf");
    let (uris, inside) = pdf.links();
    // A link to an article of another topic leads to the site, and its address is printed.
    let elsewhere = "https://example.org/harbours/articles/quota-review/";
    assert!(uris.iter().any(|u| u == elsewhere), "{uris:?}");
    assert!(
        pdf.text_of(5, 5)
            .contains(&format!("The quotas story is elsewhere ({elsewhere})")),
        "{}",
        pdf.text_of(5, 5)
    );
    // Links to articles and headings in the pack (the overview's two, "the opening",
    // contents entries, source numbers, "cited in") go to places in the PDF.
    assert!(inside > 20, "{inside} links inside");
    for inner in ["crane-order", "dredging-begins", "harbour-opens"] {
        let web = format!("https://example.org/harbours/articles/{inner}/");
        // The only link to an article in the pack that leaves it is its "Online" line.
        assert_eq!(uris.iter().filter(|u| **u == web).count(), 1, "{uris:?}");
    }
    // An autolink shows its address once.
    assert!(pdf.text_of(5, 5).contains("the board’s site is https://"));
    assert!(!pdf.text_of(5, 5).contains("board.example.org/ (https"));
}

#[test]
fn the_briefing_pack_holds_every_topic_and_article_and_oldest_first_is_a_setting() {
    let site = Fixture::new("pack");
    let pdf = pack(site.root(), &[], "all.pdf");
    let overviews: Vec<String> = pdf
        .under("Topic overviews")
        .into_iter()
        .map(|(t, _)| t)
        .collect();
    assert_eq!(overviews, ["Ports", "Fisheries"]);
    let articles: Vec<String> = pdf.under("Articles").into_iter().map(|(t, _)| t).collect();
    assert_eq!(
        articles,
        [PORTS[0], PORTS[1], "Fishing quotas under review", PORTS[2]]
    );
    assert!(pdf.text_of(1, 1).contains("The complete briefing"));

    let yaml = site.read("site.yaml") + "packs:\n  order: oldest-first\n";
    site.write("site.yaml", &yaml);
    let pdf = pack(site.root(), &[], "all.pdf");
    let articles: Vec<String> = pdf.under("Articles").into_iter().map(|(t, _)| t).collect();
    assert_eq!(
        articles,
        [PORTS[2], "Fishing quotas under review", PORTS[1], PORTS[0]]
    );
}

#[test]
fn the_same_site_gives_the_same_bytes() {
    let site = Fixture::new("pack");
    let first = pack(site.root(), &["--topic", "ports"], "a.pdf");
    let second = pack(site.root(), &["--topic", "ports"], "b.pdf");
    assert!(first.bytes == second.bytes, "two packs of one site differ");
    // No clock: no creation date in the document.
    let info = Command::new("pdfinfo").arg(&first.path).output().unwrap();
    let info = String::from_utf8_lossy(&info.stdout);
    assert!(!info.contains("CreationDate"), "{info}");
    assert!(info.contains("Title:           Ports"), "{info}");
}

#[test]
fn the_shipped_briefing_makes_a_pack_of_every_topic() {
    let out = tempfile::tempdir().unwrap();
    let content = repo().join("content");
    // The English articles: `x.ur.md` and `x.ru.md` are their translations.
    let articles = std::fs::read_dir(content.join("articles/2025"))
        .unwrap()
        .filter(|e| {
            let name = e.as_ref().unwrap().file_name();
            name.to_string_lossy().matches('.').count() == 1
        })
        .count();
    let whole = out.path().join("briefing.pdf");
    let pdf = pack(&repo(), &[], whole.to_str().unwrap());
    let listed = pdf.under("Articles");
    assert_eq!(listed.len(), articles, "{listed:?}");
    for (title, page) in &listed {
        // A title broken after a dash gains a space in the text; compare without any.
        let bare = |s: &str| s.split_whitespace().collect::<String>();
        let text = pdf.text_of(*page, *page);
        assert!(
            bare(&text).contains(&bare(title)),
            "{title} not on page {page}: {text}"
        );
    }
    // Cover, contents, the overviews, then every article on pages of its own.
    assert!(
        pdf.pages() >= 3 + articles && pdf.pages() < 40,
        "{}",
        pdf.pages()
    );
    // One report is cited by every article: it is listed once.
    let text = pdf.text();
    let sources = &text[text.rfind("SOURCES").unwrap()..];
    assert_eq!(sources.matches("[1]").count(), 1, "{sources}");
    assert!(!sources.contains("[2]"), "{sources}");
    // It has no title: it is described, never given one.
    assert!(sources.contains("News report (untitled)"), "{sources}");
    // Fonts travel with the file.
    let fonts = pdf.embedded_fonts();
    assert!(fonts.iter().any(|f| f.contains("Libertinus")), "{fonts:?}");

    for topic in ["trade", "it", "flights", "environment", "culture", "sco"] {
        let file = out.path().join(format!("{topic}.pdf"));
        let pdf = pack(&repo(), &["--topic", topic], file.to_str().unwrap());
        assert!(!pdf.under("Articles").is_empty(), "{topic}");
    }
    let again = pack(&repo(), &[], out.path().join("again.pdf").to_str().unwrap());
    assert!(
        again.bytes == pdf_bytes(&whole),
        "the briefing's pack changed between runs"
    );
}

fn pdf_bytes(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap()
}

// ---- mistakes and hostile input -----------------------------------------------------

#[test]
fn an_unknown_topic_or_language_or_output_is_a_clear_error_and_writes_nothing() {
    let site = Fixture::new("pack");
    let out = attache_pack(site.root(), &["--topic", "prots", "-o", "x.pdf"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("unknown topic `prots`"), "{err}");
    assert!(err.contains("did you mean `ports`?"), "{err}");
    assert!(!site.path("x.pdf").exists());

    let out = attache_pack(site.root(), &["--lang", "ur", "-o", "x.pdf"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("no `ur` edition"), "{err}");
    assert!(err.contains("give one of: en"), "{err}");
    assert!(!site.path("x.pdf").exists());

    // The site's own language is fine.
    pack(
        site.root(),
        &["--lang", "en", "--topic", "fisheries"],
        "en.pdf",
    );

    for (bad, says) in [
        ("missing/x.pdf", "the folder missing does not exist"),
        ("content", "it is a folder"),
    ] {
        let out = attache_pack(site.root(), &["-o", bad]);
        assert!(!out.status.success());
        let err = stderr(&out);
        assert!(err.contains("cannot write the PDF here"), "{err}");
        assert!(err.contains(says), "{err}");
    }

    // A file that cannot be replaced (a read-only folder) is an error after the work,
    // and leaves no temporary file behind.
    #[cfg(unix)]
    if !running_as_root() {
        use std::os::unix::fs::PermissionsExt;
        std::fs::create_dir(site.path("locked")).unwrap();
        std::fs::set_permissions(site.path("locked"), std::fs::Permissions::from_mode(0o555))
            .unwrap();
        let out = attache_pack(site.root(), &["-o", "locked/x.pdf"]);
        assert!(!out.status.success());
        assert!(stderr(&out).contains("cannot write the PDF here"));
        assert_eq!(std::fs::read_dir(site.path("locked")).unwrap().count(), 0);
    }
}

#[cfg(unix)]
fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

#[test]
fn a_topic_with_no_articles_makes_a_short_pack() {
    let site = Fixture::new("pack");
    site.write(
        "content/topics/lighthouses.md",
        "---\ntitle: Lighthouses\nsummary: Nothing yet.\n---\nNo news so far.\n",
    );
    let pdf = pack(site.root(), &["--topic", "lighthouses"], "empty.pdf");
    let text = pdf.text();
    assert!(
        text.contains("No articles are filed under this topic yet."),
        "{text}"
    );
    assert!(text.contains("As of —"), "{text}");
    assert!(pdf.under("Articles").is_empty());
    assert!(pdf.pages() <= 5, "{} pages", pdf.pages());
}

#[test]
fn markup_characters_and_typst_syntax_in_titles_and_bodies_print_as_written() {
    let site = Fixture::new("pack");
    let title = r#"# *Tariffs* [draft] $x^2$ \ <b>bold</b> #panic("boom") @ref <lbl> `raw` // no"#;
    let body = "The text says #panic(\"boom\") and #{ 1 + 1 } and $ a $ and `#eval(\"x\")`.\n\n\
                = Not a heading\n\n#set text(size: 50pt)\n\n\\#emph[x] <label> @cite [link](#nowhere)\n\n\
                ## 1\n\nA note[^1], the same note again[^1], and [back up](#1).\n\n[^1]: The note.\n";
    site.write(
        "content/articles/2025/markup.md",
        &format!(
            "---\ntitle: {}\ndate: 2025-03-05\ntopics: [ports]\nkey_points: [\"#strong[k] *k*\"]\n\
             people: [\"#panic()\"]\nsources:\n  - title: \"#panic() source\"\n    url: \"https://example.org/?a=$b#c\"\n---\n{body}",
            serde_json_string(title)
        ),
    );
    let pdf = pack(site.root(), &["--topic", "ports"], "markup.pdf");
    let (_, page) = pdf.under("Articles")[0].clone();
    let text = pdf.text_of(page, page);
    for literal in [
        "# *Tariffs* [draft] $x^2$ \\ <b>bold</b> #panic(\"boom\") @ref <lbl> `raw` // no",
        // Smart punctuation curls the quotes of text, not of code.
        "The text says #panic(“boom”) and #{ 1 + 1 } and $ a $ and #eval(\"x\").",
        "= Not a heading",
        "#set text(size: 50pt)",
        "#emph[x] <label> @cite link",
        "#strong[k] *k*",
        "People: #panic()",
    ] {
        assert!(text.contains(literal), "missing {literal:?} in {text}");
    }
    assert_eq!(pdf.under("Articles")[0].0, collapse(title));
    assert!(pdf.text().contains("#panic() source"));
}

fn serde_json_string(s: &str) -> String {
    // A YAML double-quoted scalar is a JSON string.
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[test]
fn urdu_text_in_an_english_pack_is_set_right_to_left_in_an_arabic_script_font() {
    let site = Fixture::new("pack");
    site.write(
        "content/articles/2025/urdu.md",
        "---\ntitle: \"پاکستان اور روس کے تعلقات\"\ndate: 2025-03-06\ntopics: [ports]\n\
         key_points: [\"براہ راست پروازیں\"]\n---\n\
         An English paragraph first.\n\n\
         اسلام آباد میں روسی سفیر نے تجارت پر بات کی۔\n\n\
         ## تجارت\n\n- پہلا نکتہ\n- second point\n",
    );
    let pdf = pack(site.root(), &["--topic", "ports"], "urdu.pdf");
    let fonts = pdf.embedded_fonts();
    assert!(
        fonts.iter().any(|f| f.contains("NotoNaskhArabic")),
        "{fonts:?}"
    );
    let (title, page) = pdf.under("Articles")[0].clone();
    assert_eq!(title, "پاکستان اور روس کے تعلقات");
    let text = pdf.text_of(page, page);
    assert!(text.contains("An English paragraph first."), "{text}");
    // Poppler gives right-to-left lines back in reading order: the words come out whole
    // and in the order they were written.
    for words in ["پاکستان اور روس", "روسی سفیر", "تجارت", "پہلا نکتہ"]
    {
        assert!(text.contains(words), "missing {words} in {text}");
    }
}

#[test]
fn a_fifty_megabyte_article_is_refused_with_the_file_named() {
    let site = Fixture::new("pack");
    let para = "Cargo moved through the harbour, and the *board* met in [Northport](https://example.org/). "
        .repeat(4)
        + "\n\n";
    let head = "---\ntitle: The long read\ndate: 2025-03-01\ntopics: [ports]\n---\n";
    let target = 50 * 1024 * 1024;
    let mut text = String::with_capacity(target + para.len());
    text.push_str(head);
    while text.len() < target {
        text.push_str(&para);
    }
    site.write("content/articles/2025/long.md", &text);
    drop(text);
    let out = attache_pack(site.root(), &["--topic", "ports", "-o", "long.pdf"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("the pack is too large to typeset"), "{err}");
    assert!(err.contains("content/articles/2025/long.md"), "{err}");
    assert!(err.contains("--topic"), "{err}");
    assert!(!site.path("long.pdf").exists());
    // The other topic's pack is not affected.
    pack(site.root(), &["--topic", "fisheries"], "fish.pdf");
}

#[test]
fn deeply_nested_markdown_makes_a_pack() {
    let site = Fixture::new("pack");
    let quotes = "> ".repeat(5_000);
    let stars = "*".repeat(5_000);
    site.write(
        "content/articles/2025/deep.md",
        &format!(
            "---\ntitle: Deep\ndate: 2025-03-01\ntopics: [ports]\n---\n{quotes}the bottom\n\n{stars}x{stars}\n\n{}y\n",
            "- ".repeat(2_000)
        ),
    );
    let pdf = pack(site.root(), &["--topic", "ports"], "deep.pdf");
    let (_, page) = pdf.under("Articles")[0].clone();
    assert!(pdf.text_of(page, page + 1).contains("the bottom"));
}
