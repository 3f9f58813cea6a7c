//! Hostile input: what copy-pasted text, half-saved files and wrong settings do to
//! `attache build` and `attache check`.
//!
//! Every story starts from a briefing that built fine, so there is a `public/` to lose.
//! Then something goes wrong, and attache must: not panic (exit code 1, never 101); name
//! the file, and the line and column where the input has one, in plain words; leave
//! `public/` byte-identical; and write nothing anywhere else: the whole folder around the
//! site is compared before and after. Inputs that are odd but valid (a BOM, CRLF, a 50 MB
//! article, deep nesting, `<script>` in the text) must build, and no script from the
//! content may end up executable in the output.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use attache::render::search::read;
use common::{Page, Site, copy_dir, repo, snapshot};
use proptest::prelude::*;

/// A copy of the `basic` fixture in `<outer>/site`, built once. `outer` is a folder of its
/// own, so "nothing written outside the site" is checked on it, not on a shared /tmp.
struct Desk {
    outer: tempfile::TempDir,
}

/// What is on disk around `public/`: every entry of `outer` but the output folder.
#[derive(Debug, PartialEq, Eq)]
enum Entry {
    Dir,
    File(Vec<u8>),
    /// A file that cannot be read (chmod 000), by size.
    Unreadable(u64),
    Link(PathBuf),
}

/// What the writer must be told.
struct Told<'a> {
    /// The file, relative to the site folder.
    file: &'a str,
    /// `line:col`, where the input has one.
    at: Option<&'a str>,
    /// Words the message must contain.
    says: &'a [&'a str],
}

impl Desk {
    fn new() -> Desk {
        let outer = tempfile::tempdir().expect("temp dir");
        copy_dir(
            &repo().join("tests/fixtures/basic"),
            &outer.path().join("site"),
        );
        let desk = Desk { outer };
        let out = desk.attache(&["build", "--quiet"]);
        assert!(
            out.status.success(),
            "the good build failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        desk
    }

    fn root(&self) -> PathBuf {
        self.outer.path().join("site")
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.root().join(rel)
    }

    fn write(&self, rel: &str, bytes: impl AsRef<[u8]>) {
        let p = self.path(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, bytes).unwrap();
    }

    fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.path(rel)).unwrap()
    }

    fn attache(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_attache"))
            .args(args)
            .current_dir(self.root())
            .env("NO_COLOR", "1")
            .output()
            .expect("run attache")
    }

    fn public(&self) -> BTreeMap<String, Vec<u8>> {
        snapshot(&self.path("public"))
    }

    /// Everything in `outer` except `site/public/` and the previous output attache keeps
    /// beside it for the next build (`site/.public.attache-old`), symbolic links not
    /// followed.
    fn surroundings(&self) -> BTreeMap<PathBuf, Entry> {
        let public = self.path("public");
        let kept = self.path(".public.attache-old");
        walkdir::WalkDir::new(self.outer.path())
            .min_depth(1)
            .into_iter()
            .filter_entry(|e| e.path() != public && e.path() != kept)
            .map(|e| {
                let e = e.unwrap();
                let rel = e.path().strip_prefix(self.outer.path()).unwrap().into();
                let entry = if e.path_is_symlink() {
                    Entry::Link(fs::read_link(e.path()).unwrap())
                } else if e.file_type().is_dir() {
                    Entry::Dir
                } else {
                    match fs::read(e.path()) {
                        Ok(bytes) => Entry::File(bytes),
                        Err(_) => Entry::Unreadable(e.metadata().unwrap().len()),
                    }
                };
                (rel, entry)
            })
            .collect()
    }

    /// The commands each story runs: `build`, and `check` when this attache has it.
    fn commands() -> &'static [&'static str] {
        static HAS_CHECK: OnceLock<bool> = OnceLock::new();
        let has_check = *HAS_CHECK.get_or_init(|| {
            Command::new(env!("CARGO_BIN_EXE_attache"))
                .args(["check", "--help"])
                .output()
                .is_ok_and(|o| o.status.success())
        });
        if has_check {
            &["build", "check"]
        } else {
            &["build"]
        }
    }

    /// Runs every command on a site that must be refused; returns what `build` said.
    fn refuses(&self, told: Told) -> String {
        self.refuses_with(told, &[])
    }

    /// As [`Desk::refuses`], with extra arguments for every command.
    fn refuses_with(&self, told: Told, extra: &[&str]) -> String {
        let public = self.public();
        let around = self.surroundings();
        let mut build_says = String::new();
        for &command in Desk::commands() {
            let mut args = vec![command];
            args.extend_from_slice(extra);
            let out = self.attache(&args);
            // `check` reports on stdout, `build` on stderr.
            let said = format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            let story = format!("`attache {}` said:\n{said}", args.join(" "));
            assert_eq!(out.status.code(), Some(1), "exit code; {story}");
            assert_plain_words(&said, &story);
            let named = match told.at {
                Some(at) => format!("{}:{at}", told.file),
                None => told.file.to_string(),
            };
            assert!(said.contains(&named), "should name {named}; {story}");
            for words in told.says {
                assert!(said.contains(words), "should say {words:?}; {story}");
            }
            assert!(self.public() == public, "public/ changed; {story}");
            assert_eq!(self.surroundings(), around, "files changed; {story}");
            if command == "build" {
                build_says = said;
            }
        }
        build_says
    }

    /// Runs every command on a site that must build; returns the new `public/`.
    fn builds(&self) -> Site {
        self.builds_with(Desk::commands())
    }

    /// As [`Desk::builds`], running only `commands`.
    fn builds_with(&self, commands: &[&str]) -> Site {
        let around = self.surroundings();
        for &command in commands {
            let out = self.attache(&[command, "--quiet"][..if command == "build" { 2 } else { 1 }]);
            let said = format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            assert!(
                out.status.success(),
                "`attache {command}` should succeed, said:\n{said}"
            );
            assert!(!said.contains("panicked"), "{said}");
            assert_eq!(
                self.surroundings(),
                around,
                "`attache {command}` wrote outside public/"
            );
        }
        Site::read(&self.path("public"))
    }
}

/// An answer a writer can act on: no panic, no Rust debug output.
fn assert_plain_words(said: &str, story: &str) {
    for bad in [
        "panicked",
        "RUST_BACKTRACE",
        "Os {",
        "Custom {",
        "kind: ",
        "Error {",
        "\u{1b}",
    ] {
        assert!(!said.contains(bad), "{bad:?} in the answer; {story}");
    }
}

const ARTICLE: &str = "content/articles/2025/pasted.md";

fn article(front_matter: &str, body: &str) -> String {
    format!("---\n{front_matter}---\n{body}")
}

// ---- front matter ----------------------------------------------------------------------

#[test]
fn a_writer_who_never_closes_the_front_matter_is_told_to_add_the_closing_line() {
    let desk = Desk::new();
    desk.write(
        ARTICLE,
        "---\ntitle: Half saved\ndate: 2025-03-01\ntopics: [alpha]\nThe body starts here.\n",
    );
    desk.refuses(Told {
        file: ARTICLE,
        at: Some("1:1"),
        says: &["never closed", "add a `---` line"],
    });
}

#[test]
fn a_writer_whose_editor_indented_with_a_tab_is_shown_the_line() {
    let desk = Desk::new();
    desk.write(
        ARTICLE,
        article(
            "title: Tabs\ndate: 2025-03-01\ntopics:\n\t- alpha\n",
            "Body.\n",
        ),
    );
    desk.refuses(Told {
        file: ARTICLE,
        at: Some("5:1"),
        says: &["tab"],
    });
}

#[test]
fn a_writer_who_misaligns_a_field_is_shown_where() {
    let desk = Desk::new();
    desk.write(
        ARTICLE,
        article(
            "title: Indent\n  date: 2025-03-01\ntopics: [alpha]\n",
            "Body.\n",
        ),
    );
    desk.refuses(Told {
        file: ARTICLE,
        at: Some("3:7"),
        says: &["invalid front matter"],
    });
    desk.write(
        ARTICLE,
        article(
            "title: Indent\ndate: 2025-03-01\ntopics:\n  - alpha\n - beta\n",
            "Body.\n",
        ),
    );
    desk.refuses(Told {
        file: ARTICLE,
        at: Some("6:2"),
        says: &["invalid front matter"],
    });
}

#[test]
fn a_writer_who_pastes_a_field_twice_is_shown_the_second_one() {
    let desk = Desk::new();
    desk.write(
        ARTICLE,
        article(
            "title: First\ndate: 2025-03-01\ntitle: Second\ntopics: [alpha]\n",
            "Body.\n",
        ),
    );
    desk.refuses(Told {
        file: ARTICLE,
        at: Some("4:1"),
        says: &["`title` is written twice"],
    });
}

#[test]
fn a_writer_who_leaves_out_the_date_is_told_it_is_required() {
    let desk = Desk::new();
    desk.write(
        ARTICLE,
        article("title: No date\ntopics: [alpha]\n", "Body.\n"),
    );
    let said = desk.refuses(Told {
        file: ARTICLE,
        at: Some("2:1"),
        says: &["required field `date` is missing"],
    });
    assert!(said.contains("add a `date:` line"), "{said}");
}

#[test]
fn a_writer_who_gives_a_list_for_the_title_is_shown_the_value_and_a_word_for_topics_is_a_list() {
    let desk = Desk::new();
    desk.write(
        ARTICLE,
        article(
            "title: [Trade, talks]\ndate: 2025-03-01\ntopics: [alpha]\n",
            "Body.\n",
        ),
    );
    desk.refuses(Told {
        file: ARTICLE,
        at: Some("2:8"),
        says: &["`title` should be text, not a list"],
    });
    // One word where a list belongs is a list of one, as Jekyll and Hugo read it.
    desk.write(
        ARTICLE,
        article(
            "title: T\ndate: 2025-03-01\ntopics: alpha\ntags: security\n",
            "Body.\n",
        ),
    );
    let site = desk.builds();
    let alpha = site.html("topics/alpha/index.html");
    assert!(
        alpha
            .article_links()
            .contains(&"/articles/pasted/".to_string())
    );
    assert!(site.has("tags/security/index.html"));
}

#[test]
fn a_writer_who_writes_a_date_that_is_not_a_date_is_shown_it() {
    let desk = Desk::new();
    for (date, col) in [
        ("next Tuesday", "7"),
        ("2025-02-30", "7"),
        ("15/03/2025", "7"),
    ] {
        desk.write(
            ARTICLE,
            article(
                &format!("title: T\ndate: {date}\ntopics: [alpha]\n"),
                "Body.\n",
            ),
        );
        desk.refuses(Told {
            file: ARTICLE,
            at: Some(&format!("3:{col}")),
            says: &[date, "is not a date", "YYYY-MM-DD"],
        });
    }
}

#[test]
fn a_writer_who_mistypes_a_topic_gets_a_suggestion() {
    let desk = Desk::new();
    desk.write(
        ARTICLE,
        article(
            "title: T\ndate: 2025-03-01\ntopics: [alpha, btea]\n",
            "Body.\n",
        ),
    );
    desk.refuses(Told {
        file: ARTICLE,
        at: Some("4:17"),
        says: &["unknown topic `btea`", "did you mean `beta`?"],
    });
}

#[test]
fn dates_in_every_spelling_old_archives_hold_build_and_sort() {
    let desk = Desk::new();
    let dates = [
        ("a", "2013-02-24 05:00:00 +0000"),
        ("b", "2013-02-24 5:00:00 +0000"),
        ("c", "2013-02-24T05:00:00"),
        ("d", "2013-2-4 23:59:59.999 -0700 MST"),
        ("e", "2001-12-14t21:59:43.10-05:00"),
        ("f", "'2013-02-25'"),
        ("g", "Sun, 24 Feb 2013 05:00:00 +0000"),
    ];
    for (name, date) in dates {
        desk.write(
            &format!("content/articles/old/{name}.md"),
            article(
                &format!("title: {name}\ndate: {date}\ntopics: [alpha]\n"),
                "Body.\n",
            ),
        );
    }
    let site = desk.builds();
    // The timeline has a page per year.
    let links = |year: &str| {
        site.html(&format!("timeline/{year}/index.html"))
            .attrs("main a[href*='/articles/']", "href")
    };
    let (y2013, y2001) = (links("2013"), links("2001"));
    let position = |slug: &str| {
        y2013
            .iter()
            .position(|l| l.ends_with(&format!("/articles/{slug}/")))
            .unwrap_or_else(|| panic!("{slug} not in {y2013:?}"))
    };
    // Newest first: the 25th, then the 24th (all three at 05:00 UTC), then the 5th.
    assert!(position("f") < position("a"));
    assert!(position("a") < position("d"));
    assert!(
        y2001.iter().any(|l| l.ends_with("/articles/e/")),
        "{y2001:?}"
    );
}

#[test]
fn fields_of_the_wrong_kind_are_all_shown_in_one_run() {
    let desk = Desk::new();
    desk.write(
        ARTICLE,
        article(
            "title: T\ndate: [2025-03-01]\ntopics: {alpha: yes}\nauthor: {name: A}\n\
             sources: just a line of text\nkey_points: [[nested], ok]\n",
            "Body.\n",
        ),
    );
    desk.write(
        "content/topics/alpha.md",
        "---\ntitle: Alpha\nweight: heavy\ndraft: [yes]\n---\nOverview.\n",
    );
    desk.write(
        "content/pages/about.md",
        "---\ntitle: About\nmenu: [x]\nslug: 42\n---\nAbout.\n",
    );
    let said = desk.refuses(Told {
        file: ARTICLE,
        at: Some("3:7"),
        says: &[
            "`date` should be one date such as `2025-01-15`, not a list",
            "`topics` should be a list such as `[a, b]` (or one value), not a map",
            "`author` should be a list such as `[a, b]` (or one value), not a map",
            "source 1 in `sources` should be a map with a `title:`",
            "each item of `key_points` should be text",
            "`weight` should be a whole number, not `heavy`",
            "`draft` should be true or false, not a list",
            "`menu` should be true or false, not a list",
        ],
    });
    // Only these: a topic or page whose front matter failed is still known by its name,
    // so the articles and links naming it are not reported as well.
    assert!(
        said.contains("8 errors, 2 warnings — nothing was written"),
        "{said}"
    );
    let out = desk.attache(&["check"]);
    let check = String::from_utf8_lossy(&out.stdout);
    for line in [
        "content/topics/alpha.md:3:9: invalid front matter: `weight`",
        "content/topics/alpha.md:4:8: invalid front matter: `draft`",
        "content/pages/about.md:3:7: invalid front matter: `menu`",
    ] {
        assert!(check.contains(line), "{line} in:\n{check}");
    }
}

#[test]
fn huge_lists_build_in_bounded_time() {
    let desk = Desk::new();
    let points: Vec<String> = (0..100_000).map(|i| format!("point {i}")).collect();
    let tags = vec!["t-one"; 50_000].join(", ");
    desk.write(
        ARTICLE,
        article(
            &format!(
                "title: T\ndate: 2025-03-01\ntopics: [alpha]\ntags: [{tags}]\nkey_points: [{}]\n",
                points.join(", ")
            ),
            "Body.\n",
        ),
    );
    let start = Instant::now();
    let site = desk.builds_with(&["build"]);
    assert!(
        start.elapsed() < Duration::from_secs(120),
        "{:?}",
        start.elapsed()
    );
    let page = site.html("articles/pasted/index.html");
    assert_eq!(page.select(".key-points li").len(), 100_000);
}

#[test]
fn toml_front_matter_that_is_not_toml_is_refused_on_its_line() {
    let desk = Desk::new();
    desk.write(
        ARTICLE,
        "+++\ntitle = \"T\"\ndate = 2025-03-01\ntopics = [\"alpha\"\nmood = calm\n+++\nBody.\n",
    );
    desk.refuses(Told {
        file: ARTICLE,
        at: Some("5:"),
        says: &["the TOML is not valid"],
    });
    desk.write(
        ARTICLE,
        "+++\ntitle = \"T\"\ntitle = \"again\"\ndate = 2025-03-01\ntopics = [\"alpha\"]\n+++\n",
    );
    desk.refuses(Told {
        file: ARTICLE,
        at: Some("3:"),
        says: &["the TOML is not valid", "title"],
    });
    desk.write(
        ARTICLE,
        "+++\ntitle = \"T\"\n\nBody, and the fence never closes.\n",
    );
    desk.refuses(Told {
        file: ARTICLE,
        at: Some("1:1"),
        says: &["add a `+++` line"],
    });
    desk.write(ARTICLE, "+++\n\u{0}\u{1b}[2J = \"\u{7f}\"\n+++\n");
    desk.refuses(Told {
        file: ARTICLE,
        at: Some("2:"),
        says: &["the TOML is not valid"],
    });
}

#[test]
fn an_article_saved_on_windows_with_a_bom_and_crlf_builds_and_reads_right() {
    let desk = Desk::new();
    desk.write(
        ARTICLE,
        "\u{feff}---\r\ntitle: Saved on Windows\r\ndate: 2025-03-01\r\ntopics: [alpha]\r\n\
         summary: Line endings are no obstacle.\r\n---\r\nFirst paragraph,\r\nstill first.\r\n\r\n\
         ## A heading\r\n\r\nSecond.\r\n",
    );
    let site = desk.builds();
    let page = site.html("articles/pasted/index.html");
    assert_eq!(page.texts("h1"), ["Saved on Windows"]);
    assert!(
        page.texts("main p")
            .iter()
            .any(|t| t == "First paragraph, still first.")
    );
    assert!(
        page.attrs("main h2[id]", "id")
            .iter()
            .any(|id| id == "a-heading")
    );
    let html = site.text("articles/pasted/index.html");
    assert!(!html.contains('\r') && !html.contains('\u{feff}'));
}

#[test]
fn an_article_in_a_legacy_encoding_is_refused_at_the_first_bad_byte() {
    let desk = Desk::new();
    // "café" in Latin-1, as an old Word export would save it.
    desk.write(
        ARTICLE,
        b"---\ntitle: Caf\xe9 diplomacy\ndate: 2025-03-01\ntopics: [alpha]\n---\nBody.\n",
    );
    desk.refuses(Told {
        file: ARTICLE,
        at: Some("2:11"),
        says: &["not UTF-8", "save the file as UTF-8"],
    });
}

/// Found by fuzzing: the excerpt under the message cut U+2028 in half, and attache
/// panicked (exit code 101) instead of answering.
#[test]
fn text_pasted_from_word_starting_with_a_line_separator_is_refused_not_a_crash() {
    let desk = Desk::new();
    desk.write(ARTICLE, "\u{2028}Talks resumed in Islamabad.\n");
    desk.refuses(Told {
        file: ARTICLE,
        at: Some("1:1"),
        says: &["there is no front matter"],
    });
}

#[test]
fn an_empty_file_left_by_a_crashed_editor_is_refused() {
    let desk = Desk::new();
    desk.write(ARTICLE, "");
    desk.refuses(Told {
        file: ARTICLE,
        at: Some("1:1"),
        says: &["the file is empty"],
    });
}

// ---- size and depth --------------------------------------------------------------------

#[test]
fn a_fifty_megabyte_article_builds_in_bounded_time() {
    let desk = Desk::new();
    let para = "Trade between the two countries grew, and the *ministers* met in \
                [Islamabad](https://example.org/) to sign a memorandum on flights. "
        .repeat(4)
        + "\n\n";
    let head = "---\ntitle: The long read\ndate: 2025-03-01\ntopics: [alpha]\n---\n## Part one\n\n";
    let target = 50 * 1024 * 1024;
    let mut text = String::with_capacity(target + para.len());
    text.push_str(head);
    while text.len() < target {
        text.push_str(&para);
    }
    text.push_str("The last words.\n");
    assert!(text.len() >= target);
    desk.write(ARTICLE, &text);
    drop(text);
    let start = Instant::now();
    // Each of `build` and `check` reads, parses and renders all 50 MB: about 3 s in a
    // release build, but 20 s or more in the debug build `cargo test` makes. So a debug
    // build runs only `build` on the full 50 MB (`check` runs the same stages, and is
    // tested on every other case); a release build (`cargo test --release`) runs both.
    let commands: &[&str] = if cfg!(debug_assertions) {
        &["build"]
    } else {
        Desk::commands()
    };
    let site = desk.builds_with(commands);
    let elapsed = start.elapsed();
    // Generous, for debug builds on a busy machine: the point is "bounded", not "fast".
    assert!(elapsed < Duration::from_secs(240), "took {elapsed:?}");
    let page = &site.files["articles/pasted/index.html"];
    assert!(page.len() > target, "{} bytes", page.len());
    let tail = String::from_utf8_lossy(&page[page.len() - 64 * 1024..]);
    assert!(tail.contains("The last words."));
    // Its topic's pack would be too large to print: the pack page shows no article, says
    // so, and sends the reader to the topic's page, which lists them.
    let rel = "topics/alpha/pack/index.html";
    assert!(
        site.files[rel].len() < 200_000,
        "{} bytes",
        site.files[rel].len()
    );
    let pack = site.html(rel);
    assert_eq!(
        pack.attrs("nav.pack-contents a", "href"),
        ["/topics/alpha/"]
    );
    assert!(pack.select(".pack-article").is_empty());
    assert_eq!(pack.select(".pack-notice").len(), 1);
    // Nothing to print: the toolbar does not offer to.
    let print_hint = |toolbar: Vec<String>| toolbar.concat().contains("Print command");
    assert!(!print_hint(pack.texts(".pack-toolbar")));
    // The build let go of the Markdown that only the too large packs held, but a topic
    // whose pack fits still shows every article's text, one in the large topic too.
    let beta = site.html("topics/beta/pack/index.html");
    assert!(beta.select(".pack-notice").is_empty());
    assert!(print_hint(beta.texts(".pack-toolbar")));
    let bodies = beta.texts(".pack-article");
    assert_eq!(bodies.len(), 2, "{bodies:?}");
    assert!(
        bodies.iter().any(|b| b.contains("custom slug")),
        "{bodies:?}"
    );
    // Search takes in the article's first 256 KiB: no file of its index grows with it.
    let (largest, bytes) = site
        .files
        .iter()
        .filter(|(k, _)| k.starts_with("search/"))
        .map(|(k, v)| (v.len(), k))
        .max()
        .unwrap();
    assert!(largest < 300 * 1024, "{bytes}: {largest} bytes");
}

/// An article whose body is `depth` nested blocks, written on one line.
fn deep_article(desk: &Desk, opener: &str, depth: usize) {
    desk.write(
        ARTICLE,
        format!(
            "---\ntitle: Deep\ndate: 2025-03-01\ntopics: [alpha]\n---\n{}the bottom\n",
            opener.repeat(depth)
        ),
    );
}

#[test]
fn a_hundred_thousand_nested_blockquotes_build_without_overflowing_the_stack() {
    let desk = Desk::new();
    deep_article(&desk, ">", 100_000);
    let site = desk.builds();
    let html = site.text("articles/pasted/index.html");
    assert!(html.matches("<blockquote>").count() >= 100_000);
    assert!(html.contains("the bottom"));
}

#[test]
fn a_hundred_thousand_nested_list_items_build_without_overflowing_the_stack() {
    let desk = Desk::new();
    deep_article(&desk, "- ", 100_000);
    let site = desk.builds();
    let html = site.text("articles/pasted/index.html");
    assert!(html.matches("<li>").count() >= 100_000);
    assert!(html.contains("the bottom"));
    // Ordered lists and lists inside quotes, too.
    deep_article(&desk, "1. ", 100_000);
    desk.builds();
    deep_article(&desk, "- > ", 50_000);
    desk.builds();
}

#[test]
fn a_hundred_thousand_nested_yaml_lists_are_refused_at_once() {
    let desk = Desk::new();
    // The YAML parser takes minutes on this (its work grows with the square of the depth);
    // attache refuses it before parsing.
    desk.write(
        ARTICLE,
        article(
            &format!(
                "title: T\ndate: 2025-03-01\ntopics: [alpha]\nmood: {}{}\n",
                "[".repeat(100_000),
                "]".repeat(100_000)
            ),
            "Body.\n",
        ),
    );
    let start = Instant::now();
    desk.refuses(Told {
        file: ARTICLE,
        at: Some("5:71"),
        says: &["nested more than 64 deep"],
    });
    assert!(
        start.elapsed() < Duration::from_secs(20),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn self_multiplying_yaml_aliases_are_not_expanded_without_bound() {
    let desk = Desk::new();
    // A "billion laughs": each alias doubles the one before, 2^39 items in the end.
    let mut yaml = String::from("title: T\ndate: 2025-03-01\ntopics: [alpha]\na0: &a0 [lol]\n");
    for i in 1..40 {
        yaml.push_str(&format!("a{i}: &a{i} [*a{}, *a{}]\n", i - 1, i - 1));
    }
    desk.write(ARTICLE, article(&yaml, "Body.\n"));
    let start = Instant::now();
    // Every key is read (unknown ones go to templates), so the expansion is refused at
    // once, with words that say what to do.
    desk.refuses(Told {
        file: ARTICLE,
        at: None,
        says: &["invalid front matter", "aliases", "write the values out"],
    });
    assert!(
        start.elapsed() < Duration::from_secs(30),
        "{:?}",
        start.elapsed()
    );
    yaml.push_str("key_points: *a39\n");
    desk.write(ARTICLE, article(&yaml, "Body.\n"));
    desk.refuses(Told {
        file: ARTICLE,
        at: None,
        says: &["invalid front matter", "aliases"],
    });
    assert!(
        start.elapsed() < Duration::from_secs(60),
        "{:?}",
        start.elapsed()
    );
}

// ---- slugs and paths -------------------------------------------------------------------

#[test]
fn slugs_that_try_to_leave_the_output_folder_are_refused_on_their_line() {
    let desk = Desk::new();
    let cases = [
        ("dotdot", r#""../../../etc/cron.d/x""#, "path separator"),
        ("dots", r#""..""#, "`..`"),
        ("slash", "a/b", "path separator"),
        ("backslash", r#""..\\..\\windows""#, "path separator"),
        ("drive", r#""C:\\Windows""#, "path separator"),
        ("drive-only", r#""C:evil""#, "drive letter"),
        ("nul", r#""x\0y""#, "NUL"),
        ("punctuation", r#""?!…—""#, "no letters or digits"),
        ("absolute", "/etc/passwd", "path separator"),
    ];
    for (name, slug, _) in cases {
        desk.write(
            &format!("content/articles/2025/{name}.md"),
            article(
                &format!("title: T\ndate: 2025-03-01\ntopics: [alpha]\nslug: {slug}\n"),
                "Body.\n",
            ),
        );
    }
    let said = desk.refuses(Told {
        file: "content/articles/2025/dotdot.md:5:",
        at: None,
        says: &["cannot be used"],
    });
    for (name, _, reason) in cases {
        let file = format!("content/articles/2025/{name}.md:5:");
        assert!(said.contains(&file), "{file} not named:\n{said}");
        assert!(said.contains(reason), "{reason} not said:\n{said}");
    }
    assert!(said.contains(&format!("{} errors", cases.len())), "{said}");
}

#[test]
fn aliases_and_permalinks_that_try_to_leave_the_output_folder_are_refused_on_their_line() {
    let desk = Desk::new();
    for (field, value, says) in [
        ("aliases", r#"["../../../tmp/escape/"]"#, "`.` or `..`"),
        ("aliases", r#"["/%2e%2e/%2e%2e/x/"]"#, "`.` or `..`"),
        ("aliases", r#"["C:/Windows/x/"]"#, "drive letter"),
        ("aliases", r#"['/a\b/']"#, "`\\`"),
        ("aliases", r#"["/x%00y/"]"#, "control character"),
        ("aliases", r#"["https://evil.example/x/"]"#, "path only"),
        ("aliases", r#"["/feed.xml"]"#, "the address of a page"),
        ("permalink", r#""/../../x/""#, "`.` or `..`"),
        ("permalink", r#""/""#, "home page"),
        ("redirect_from", r#""/ok/../../x/""#, "`.` or `..`"),
    ] {
        desk.write(
            ARTICLE,
            article(
                &format!("title: T\ndate: 2025-03-01\ntopics: [alpha]\n{field}: {value}\n"),
                "Body.\n",
            ),
        );
        desk.refuses(Told {
            file: ARTICLE,
            at: Some("5:"),
            says: &["cannot be used", says],
        });
    }
}

#[test]
fn file_names_that_make_unusable_slugs_are_refused_by_name() {
    let desk = Desk::new();
    let names = ["a..b", "back\\slash", "C:drive", "!!!", "—"];
    for name in names {
        desk.write(
            &format!("content/articles/2025/{name}.md"),
            article("title: T\ndate: 2025-03-01\ntopics: [alpha]\n", "Body.\n"),
        );
    }
    let said = desk.refuses(Told {
        file: "content/articles/2025/!!!.md",
        at: None,
        says: &["cannot be used"],
    });
    for name in names {
        assert!(
            said.contains(&format!("content/articles/2025/{name}.md")),
            "{name}: {said}"
        );
    }
}

#[test]
fn two_articles_on_one_url_name_both_files() {
    let desk = Desk::new();
    // Same file name in another year's folder, and an explicit slug equal to another's.
    desk.write(
        "content/articles/2025/first.md",
        article(
            "title: Again\ndate: 2025-03-01\ntopics: [alpha]\n",
            "Body.\n",
        ),
    );
    let said = desk.refuses(Told {
        file: "content/articles/2025/first.md",
        at: None,
        says: &["/articles/first/", "content/articles/2023/first.md"],
    });
    assert!(said.contains("also produces"), "{said}");
    fs::remove_file(desk.path("content/articles/2025/first.md")).unwrap();
    desk.write(
        "content/pages/search-me.md",
        article("title: Search\nslug: search\n", "Body.\n"),
    );
    desk.refuses(Told {
        file: "content/pages/search-me.md",
        at: None,
        says: &["/search/", "generated"],
    });
}

// ---- languages -------------------------------------------------------------------------

/// The site's settings with `languages` (YAML list items) instead of its one `language`
/// (or the `languages` given before).
fn with_languages(desk: &Desk, items: &str) {
    let settings: String = desk
        .read("site.yaml")
        .lines()
        .take_while(|l| !l.starts_with("languages:"))
        .filter(|l| !l.starts_with("language:"))
        .map(|l| format!("{l}\n"))
        .collect();
    desk.write("site.yaml", format!("{settings}languages:\n{items}"));
}

#[test]
fn languages_that_are_no_language_or_twice_the_same_are_refused_on_their_line() {
    let desk = Desk::new();
    // A code that would make a folder outside the output, then one listed twice.
    with_languages(
        &desk,
        "  - {code: en, name: English}\n  - {code: \"../../etc\", name: X}\n",
    );
    desk.refuses(Told {
        file: "site.yaml",
        at: Some("7:6"),
        says: &["`../../etc` is not a language code"],
    });
    with_languages(
        &desk,
        "  - {code: en, name: English}\n  - {code: ur, name: U}\n  - {code: UR, name: V}\n",
    );
    desk.refuses(Told {
        file: "site.yaml",
        at: Some("8:6"),
        says: &["`ur` is listed twice"],
    });
}

#[test]
fn translations_that_collide_or_translate_a_translation_are_refused_by_name() {
    let desk = Desk::new();
    with_languages(
        &desk,
        "  - {code: en, name: English}\n  - {code: ur, name: اردو}\n",
    );
    // Two Urdu versions of one article: by its name and by a folder with `lang:`.
    desk.write(
        "content/articles/2025/fourth.ur.md",
        article("title: \"چوتھا\"\n", "Text.\n"),
    );
    desk.write(
        "content/articles/ur/fourth.md",
        article("title: \"چوتھا\"\nlang: ur\n", "Text.\n"),
    );
    let said = desk.refuses(Told {
        file: "content/articles/ur/fourth.md",
        at: None,
        says: &["/ur/articles/fourth/", "content/articles/2025/fourth.ur.md"],
    });
    assert!(said.contains("also produces"), "{said}");
    fs::remove_file(desk.path("content/articles/ur/fourth.md")).unwrap();
    // The translation of a translation.
    desk.write(
        "content/articles/2025/fourth.ur.ur.md",
        article("title: \"چوتھا\"\n", "Text.\n"),
    );
    desk.refuses(Told {
        file: "content/articles/2025/fourth.ur.ur.md",
        at: None,
        says: &["fourth.ur.md", "fourth.md"],
    });
}

#[test]
fn a_language_name_with_markup_and_bidi_controls_is_shown_as_text() {
    let desk = Desk::new();
    with_languages(
        &desk,
        "  - {code: en, name: English}\n  - {code: ur, name: \"\u{202e}اردو<script>alert(1)</script>\"}\n",
    );
    let site = desk.builds();
    let theme = theme_scripts();
    for file in site.html_files() {
        assert_no_content_script(&file, &site.html(&file), &theme);
    }
    let home = site.html("index.html");
    let names = home.texts(".language-switcher a[lang=ur]");
    assert_eq!(names, ["\u{202e}اردو<script>alert(1)</script>"]);
    // Its direction is the link's own: the control character does not reach the page.
    assert_eq!(home.attrs(".language-switcher a[lang=ur]", "dir"), ["rtl"]);
}

#[test]
fn a_language_title_is_shown_as_text_and_one_that_is_no_text_is_refused_on_its_line() {
    let desk = Desk::new();
    with_languages(
        &desk,
        "  - {code: en, name: English}\n  - {code: ur, name: اردو, title: \"<script>alert(1)</script>اردو\", description: \"</p><b>\u{202e}x</b>\"}\n",
    );
    let site = desk.builds();
    let theme = theme_scripts();
    for file in site.html_files() {
        assert_no_content_script(&file, &site.html(&file), &theme);
    }
    let urdu = site
        .html_files()
        .into_iter()
        .find(|f| f.starts_with("ur/"))
        .expect("an Urdu page");
    let page = site.html(&urdu);
    assert_eq!(page.texts(".site-title"), ["<script>alert(1)</script>اردو"]);
    assert_eq!(page.texts(".site-description"), ["</p><b>\u{202e}x</b>"]);
    // A title must be text: a list is refused where it is written.
    with_languages(
        &desk,
        "  - {code: en, name: English}\n  - {code: ur, name: اردو, title: [a, b]}\n",
    );
    desk.refuses(Told {
        file: "site.yaml",
        at: Some("7:35"),
        says: &["languages[1].title", "expected a string"],
    });
}

// ---- the file system -------------------------------------------------------------------

#[cfg(unix)]
#[test]
fn a_symlink_loop_in_content_is_refused() {
    let desk = Desk::new();
    std::os::unix::fs::symlink("..", desk.path("content/articles/loop")).unwrap();
    desk.refuses(Told {
        file: "content/articles/loop",
        at: None,
        says: &["loops back"],
    });
}

#[cfg(unix)]
#[test]
fn a_symlink_to_a_file_or_folder_outside_the_site_is_refused_and_nothing_of_it_published() {
    let desk = Desk::new();
    let secret = article(
        "title: Secret\ndate: 2025-03-01\ntopics: [alpha]\n",
        "CONFIDENTIAL-CABLE-TEXT\n",
    );
    fs::write(desk.outer.path().join("secret.md"), &secret).unwrap();
    fs::create_dir(desk.outer.path().join("drafts")).unwrap();
    fs::write(desk.outer.path().join("drafts/cable.md"), &secret).unwrap();
    std::os::unix::fs::symlink(
        "../../../secret.md",
        desk.path("content/articles/secret.md"),
    )
    .unwrap();
    let said = desk.refuses(Told {
        file: "content/articles/secret.md",
        at: None,
        says: &["outside the site folder"],
    });
    assert!(!said.contains("CONFIDENTIAL"));
    fs::remove_file(desk.path("content/articles/secret.md")).unwrap();
    std::os::unix::fs::symlink("../../../drafts", desk.path("content/articles/drafts")).unwrap();
    desk.refuses(Told {
        file: "content/articles/drafts/cable.md",
        at: None,
        says: &["outside the site folder"],
    });
    // A static file linked from outside is refused the same way.
    fs::remove_file(desk.path("content/articles/drafts")).unwrap();
    fs::create_dir_all(desk.path("static")).unwrap();
    std::os::unix::fs::symlink("../../secret.md", desk.path("static/leak.txt")).unwrap();
    desk.refuses(Told {
        file: "static/leak.txt",
        at: None,
        says: &["outside the site folder"],
    });
}

/// The preview's builder on `desk`, after a good first build.
fn preview_engine(desk: &Desk) -> attache::serve::Engine {
    let mut engine = attache::serve::Engine::new(
        &desk.root(),
        attache::build::BuildOptions {
            drafts: false,
            base_url: Some("http://127.0.0.1:9/".into()),
            ..Default::default()
        },
    );
    engine.build().expect("the desk's site builds");
    engine
}

/// Moves a folder made beside the site into `content/articles/<name>` in one step, as a
/// `git checkout` or an unpacked archive does, and rebuilds the preview for it: what the
/// preview said when it refused, or `Err` when it built.
fn folder_arrives_in_preview(
    desk: &Desk,
    engine: &mut attache::serve::Engine,
    name: &str,
    make: impl FnOnce(&Path),
) -> Result<String, String> {
    let staging = desk.outer.path().join(format!("staging-{name}"));
    fs::create_dir(&staging).unwrap();
    make(&staging);
    let arrived = desk.path("content/articles").join(name);
    fs::rename(&staging, &arrived).unwrap();
    let result = engine.rebuild(&[arrived]);
    let served = engine
        .output()
        .files
        .values()
        .any(|b| String::from_utf8_lossy(b).contains("CONFIDENTIAL"));
    assert!(!served, "the preview serves the linked file");
    match result {
        Ok(_) => Err("the preview built it".to_string()),
        Err(e) => Ok(e.to_string()),
    }
}

#[cfg(unix)]
#[test]
fn the_preview_refuses_a_folder_that_arrives_with_a_symlink_out_of_the_site() {
    let desk = Desk::new();
    let secret = desk.outer.path().join("secret.md");
    fs::write(
        &secret,
        article(
            "title: Secret\ndate: 2025-03-01\ntopics: [alpha]\n",
            "CONFIDENTIAL-CABLE-TEXT\n",
        ),
    )
    .unwrap();
    let mut engine = preview_engine(&desk);
    let said = folder_arrives_in_preview(&desk, &mut engine, "leak", |dir| {
        std::os::unix::fs::symlink(&secret, dir.join("cable.md")).unwrap();
    })
    .expect("a full build refuses the link, so the preview must too");
    assert!(said.contains("content/articles/leak/cable.md"), "{said}");
    assert!(said.contains("outside the site folder"), "{said}");
    assert!(!said.contains("CONFIDENTIAL"), "{said}");
    // As `attache build` and `attache check` do.
    desk.refuses(Told {
        file: "content/articles/leak/cable.md",
        at: None,
        says: &["outside the site folder"],
    });
}

#[cfg(unix)]
#[test]
fn the_preview_reports_a_folder_that_arrives_with_a_symlink_loop() {
    let desk = Desk::new();
    let mut engine = preview_engine(&desk);
    let said = folder_arrives_in_preview(&desk, &mut engine, "loopy", |dir| {
        fs::write(
            dir.join("fine.md"),
            article(
                "title: Fine\ndate: 2025-03-02\ntopics: [alpha]\n",
                "Fine.\n",
            ),
        )
        .unwrap();
        std::os::unix::fs::symlink("..", dir.join("back")).unwrap();
    })
    .expect("a full build reports the loop, so the preview must too");
    assert!(said.contains("content/articles/loopy/back"), "{said}");
    assert!(said.contains("loops back"), "{said}");
    desk.refuses(Told {
        file: "content/articles/loopy/back",
        at: None,
        says: &["loops back"],
    });
    // Taking the link away makes both good again.
    fs::remove_file(desk.path("content/articles/loopy/back")).unwrap();
    engine
        .rebuild(&[desk.path("content/articles/loopy/back")])
        .expect("the loop is gone");
    assert!(desk.builds().has("articles/fine/index.html"));
}

#[cfg(unix)]
#[test]
fn an_article_nobody_may_read_is_refused_by_name() {
    use std::os::unix::fs::PermissionsExt;
    let desk = Desk::new();
    desk.write(
        ARTICLE,
        article(
            "title: Locked\ndate: 2025-03-01\ntopics: [alpha]\n",
            "Body.\n",
        ),
    );
    fs::set_permissions(desk.path(ARTICLE), fs::Permissions::from_mode(0o000)).unwrap();
    if fs::read(desk.path(ARTICLE)).is_ok() {
        // Running as root (as CI does): permissions do not stop reading, so there is no
        // unreadable file to test with. The build must simply work.
        desk.builds();
        return;
    }
    desk.refuses(Told {
        file: ARTICLE,
        at: None,
        says: &["cannot read it", "ermission denied"],
    });
}

// ---- templates -------------------------------------------------------------------------

#[test]
fn a_template_syntax_error_names_the_template_line_and_column() {
    let desk = Desk::new();
    desk.write(
        "templates/page.html",
        "<!doctype html>\n<title>{{ page.title }}</title>\n<h1>{{ page.title }</h1>\n",
    );
    desk.refuses(Told {
        file: "templates/page.html",
        at: Some("3:19"),
        says: &["expected }}"],
    });
}

#[test]
fn an_unknown_filter_names_the_template_line_and_column() {
    let desk = Desk::new();
    desk.write(
        "templates/page.html",
        "<!doctype html>\n<h1>{{ page.title | shout }}</h1>\n",
    );
    let said = desk.refuses(Told {
        file: "templates/page.html",
        at: Some("2:21"),
        says: &["Unknown filter `shout`"],
    });
    assert!(!said.contains("templates/templates"), "{said}");
}

#[test]
fn including_a_template_that_does_not_exist_names_the_include() {
    let desk = Desk::new();
    desk.write(
        "templates/page.html",
        "<!doctype html>\n<main>\n  {% include \"partials/nope.html\" %}\n</main>\n",
    );
    desk.refuses(Told {
        file: "templates/page.html",
        at: Some("3:14"),
        says: &["partials/nope.html"],
    });
}

#[test]
fn a_template_that_includes_itself_is_refused_not_looped() {
    let desk = Desk::new();
    desk.write(
        "templates/page.html",
        "<!doctype html>\n{% include \"page.html\" %}\n",
    );
    desk.refuses(Told {
        file: "templates/page.html",
        at: None,
        says: &["includes itself"],
    });
    // And two that include each other.
    desk.write("templates/page.html", "{% include \"partials/b.html\" %}");
    desk.write("templates/partials/b.html", "{% include \"page.html\" %}");
    desk.refuses(Told {
        file: "templates/",
        at: None,
        says: &["includes itself"],
    });
}

// ---- site.yaml and the output folder ---------------------------------------------------

#[test]
fn running_attache_where_there_is_no_site_yaml_says_so() {
    let desk = Desk::new();
    fs::remove_file(desk.path("site.yaml")).unwrap();
    desk.refuses(Told {
        file: "site.yaml",
        at: None,
        says: &["there is no site.yaml", "is this the site folder?"],
    });
}

#[test]
fn an_invalid_site_yaml_is_refused_at_its_line() {
    let desk = Desk::new();
    desk.write(
        "site.yaml",
        "title: Briefing\nbase_url: https://example.org/\nfeeds:\n\tenabled: true\n",
    );
    desk.refuses(Told {
        file: "site.yaml",
        at: Some("4:1"),
        says: &["tab"],
    });
    desk.write(
        "site.yaml",
        "title: \"Briefing\nbase_url: https://example.org/\n",
    );
    desk.refuses(Told {
        file: "site.yaml",
        at: None,
        says: &["invalid site configuration"],
    });
}

#[test]
fn a_packs_setting_of_the_wrong_kind_is_refused_at_its_line() {
    let desk = Desk::new();
    let config = desk.read("site.yaml");
    desk.write("site.yaml", format!("{config}packs:\n  pdf: sometimes\n"));
    desk.refuses(Told {
        file: "site.yaml",
        at: Some("7:8"),
        says: &["packs.pdf", "expected a boolean"],
    });
    desk.write(
        "site.yaml",
        format!("{config}packs:\n  enabled: false\n  pdf: true\n"),
    );
    desk.refuses(Told {
        file: "site.yaml",
        at: Some("8:3"),
        says: &["packs.enabled is false"],
    });
    // A file of the site where a pack page goes.
    desk.write("site.yaml", &config);
    desk.write("static/topics/alpha/pack/index.html", "<p>mine</p>\n");
    desk.refuses(Told {
        file: "static/topics/alpha/pack/index.html",
        at: None,
        says: &["/topics/alpha/pack/index.html"],
    });
}

#[test]
fn a_page_size_that_is_no_count_is_refused_and_any_count_builds() {
    let desk = Desk::new();
    let config = desk.read("site.yaml");
    for bad in ["0", "-3", "ten", "2.5", "[5]"] {
        desk.write(
            "site.yaml",
            format!("{config}pagination:\n  per_page: {bad}\n"),
        );
        let said = desk.refuses(Told {
            file: "site.yaml",
            at: None,
            says: &["per_page"],
        });
        assert!(said.contains("site.yaml:7"), "{bad}: {said}");
    }
    // One article a page, and more than any site has: both build, every link resolves.
    for good in ["1", "18446744073709551615"] {
        desk.write(
            "site.yaml",
            format!("{config}pagination:\n  per_page: {good}\n"),
        );
        let site = desk.builds();
        let (broken, followed) = common::broken_internal_links(&site, "https://example.org/");
        assert!(broken.is_empty() && followed > 0, "{good}: {broken:?}");
        assert_eq!(site.has("page/2/index.html"), good == "1", "{good}");
    }
}

/// Sets `output_dir` in site.yaml; it goes on line 6.
fn output_dir(desk: &Desk, dir: &str) {
    let config = desk.read("site.yaml");
    desk.write("site.yaml", format!("{}output_dir: {dir}\n", config));
    assert_eq!(desk.read("site.yaml").lines().count(), 6);
}

/// `check` writes nothing, so it need not refuse an output folder; `build` must.
fn build_refuses_output(desk: &Desk, told: Told) {
    let public = desk.public();
    let around = desk.surroundings();
    let out = desk.attache(&["build"]);
    let said = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert_plain_words(&said, &said);
    let named = format!(
        "{}{}",
        told.file,
        told.at.map(|a| format!(":{a}")).unwrap_or_default()
    );
    assert!(said.contains(&named), "should name {named}: {said}");
    for words in told.says {
        assert!(said.contains(words), "should say {words:?}: {said}");
    }
    assert!(desk.public() == public);
    assert_eq!(desk.surroundings(), around);
    if Desk::commands().contains(&"check") {
        let out = desk.attache(&["check"]);
        let said = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        assert!(matches!(out.status.code(), Some(0 | 1)), "{said}");
        assert_plain_words(&said, &said);
        assert!(desk.public() == public);
        assert_eq!(desk.surroundings(), around);
    }
}

#[test]
fn an_output_folder_that_is_the_site_itself_is_refused() {
    let desk = Desk::new();
    output_dir(&desk, ".");
    build_refuses_output(
        &desk,
        Told {
            file: "site.yaml",
            at: Some("6:1"),
            says: &["is the site folder itself"],
        },
    );
}

#[test]
fn an_output_folder_inside_content_is_refused() {
    let desk = Desk::new();
    output_dir(&desk, "content");
    build_refuses_output(
        &desk,
        Told {
            file: "site.yaml",
            at: Some("6:1"),
            says: &["inside the site's content/ folder"],
        },
    );
}

#[test]
fn an_output_folder_that_contains_the_site_is_refused() {
    let desk = Desk::new();
    output_dir(&desk, "..");
    build_refuses_output(
        &desk,
        Told {
            file: "site.yaml",
            at: Some("6:1"),
            says: &["contains the site folder"],
        },
    );
}

#[test]
fn an_output_flag_pointing_at_the_site_is_refused_and_named_as_the_flag() {
    let desk = Desk::new();
    let public = desk.public();
    let around = desk.surroundings();
    for flag in [".", "..", "content", "public/.."] {
        let out = desk.attache(&["build", "-o", flag]);
        let said = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(1), "{flag}: {said}");
        assert!(said.contains("--output"), "{flag}: {said}");
        assert!(!said.contains("site.yaml"), "{flag}: {said}");
        assert!(desk.public() == public);
        assert_eq!(desk.surroundings(), around);
    }
}

#[cfg(unix)]
#[test]
fn a_kept_previous_output_planted_as_links_to_folders_outside_is_never_followed() {
    let desk = Desk::new();
    let elsewhere = desk.outer.path().join("elsewhere");
    copy_dir(&desk.path("public"), &elsewhere);
    let elsewhere_before = snapshot(&elsewhere);
    let kept = desk.path(".public.attache-old");
    // The kept output itself a link to a folder outside, then a real folder whose
    // folders are links to it.
    std::os::unix::fs::symlink(&elsewhere, &kept).unwrap();
    let first = desk.builds();
    assert_eq!(snapshot(&elsewhere), elsewhere_before);
    assert!(!fs::symlink_metadata(&kept).unwrap().is_symlink());
    for folder in ["articles", "topics", "search"] {
        fs::remove_dir_all(kept.join(folder)).unwrap();
        std::os::unix::fs::symlink(elsewhere.join(folder), kept.join(folder)).unwrap();
    }
    let second = desk.builds();
    assert_eq!(
        snapshot(&elsewhere),
        elsewhere_before,
        "nothing outside changed"
    );
    assert_eq!(second.files, first.files);
}

// ---- scripts in content ----------------------------------------------------------------

/// The scripts the theme ships; the only ones a page may load.
fn theme_scripts() -> Vec<String> {
    fs::read_dir(repo().join("themes/briefing/static"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".js"))
        .collect()
}

/// No element of `page` can run a script that came from content.
fn assert_no_content_script(name: &str, page: &Page, theme: &[String]) {
    for script in page.select("script") {
        match script.value().attr("src") {
            Some(src) => assert!(
                theme.iter().any(|t| src == format!("/{t}")),
                "{name}: a script from {src}"
            ),
            // The only inline scripts are JSON-LD: data a browser never runs, which no
            // text can end early (no `<` in it), and which parses as JSON.
            None => {
                let body: String = script.text().collect();
                assert_eq!(
                    script.value().attr("type"),
                    Some("application/ld+json"),
                    "{name}: an inline script that would run: {body}"
                );
                assert!(!body.contains('<'), "{name}: markup in JSON-LD: {body}");
                serde_json::from_str::<serde_json::Value>(&body)
                    .unwrap_or_else(|e| panic!("{name}: JSON-LD that is not JSON ({e}): {body}"));
            }
        }
    }
    for element in page.select("*") {
        for (attr, value) in element.value().attrs() {
            let lower = value.to_ascii_lowercase();
            assert!(
                !attr.starts_with("on"),
                "{name}: event handler {attr}={value}"
            );
            if matches!(attr, "href" | "src" | "action" | "formaction") {
                assert!(
                    !lower.trim_start().starts_with("javascript:"),
                    "{name}: {attr}={value}"
                );
            }
        }
    }
}

#[test]
fn scripts_pasted_into_markdown_and_front_matter_never_run() {
    let desk = Desk::new();
    desk.write(
        ARTICLE,
        article(
            "title: \"<script>alert('title')</script>\"\n\
             date: 2025-03-01\n\
             topics: [alpha]\n\
             summary: \"<script>alert('summary')</script>\"\n\
             key_points: [\"<script>alert('key point')</script>\", \"<img src=x onerror=alert(1)>\"]\n\
             people: [\"<script>alert('person')</script>\"]\n\
             organizations: [\"</script><script>alert('org')</script>\"]\n\
             tags: [\"<svg onload=alert('tag')>\"]\n\
             location: \"<script>alert('location')</script>\"\n\
             sources:\n  - title: \"<script>alert('source')</script>\"\n    publisher: \"<b onclick=alert(1)>P</b>\"\n\
             mood: \"<script>alert('extra')</script>\"\n",
            "Intro <script>alert('inline')</script> text.\n\n\
             <script>alert('block')</script>\n\n\
             <img src=x onerror=\"alert('img')\">\n\n\
             [click me](javascript:alert('link')) and [again](<JavaScript:alert('case')>)\n\n\
             ![pic](javascript:alert('image'))\n",
        ),
    );
    let site = desk.builds();
    let theme = theme_scripts();
    assert!(!theme.is_empty());
    for name in site.html_files() {
        assert_no_content_script(&name, &site.html(&name), &theme);
    }
    // The words are still there, as text.
    let page = site.html("articles/pasted/index.html");
    assert_eq!(page.texts("h1"), ["<script>alert('title')</script>"]);
    assert!(
        page.texts("main")
            .join(" ")
            .contains("<script>alert('block')</script>")
    );
    // Feeds carry the text escaped, never as markup.
    let atom = site.text("atom.xml");
    assert!(!atom.contains("<script>"), "{atom}");
}

#[test]
fn a_flood_of_articles_on_one_day_keeps_its_search_fragments_files_small() {
    // An import dates 300 pieces the same day: their fragments spread over files of at
    // most a day's 64 slots, and every piece is still found.
    let desk = Desk::new();
    for i in 0..300 {
        desk.write(
            &format!("content/articles/flood/piece-{i}.md"),
            article(
                "title: Flood piece\ndate: 2025-03-01\ntopics: [alpha]\n",
                &format!("Piece number{i} of the flood.\n"),
            ),
        );
    }
    let site = desk.builds();
    let files: Vec<usize> = site
        .files
        .iter()
        .filter(|(k, _)| k.starts_with("search/f/"))
        .map(|(_, bytes)| read::fragments(bytes).unwrap().len())
        .collect();
    assert!(files.iter().all(|&n| n <= 64), "{files:?}");
    let file = |rel: &str| site.files.get(&format!("search/{rel}")).cloned();
    for i in [0, 150, 299] {
        let found = read::postings(file, &format!("number{i}")).unwrap();
        assert_eq!(found.len(), 1, "number{i}");
        let fragment = read::fragment(file, found[0].0).unwrap();
        assert_eq!(fragment["u"], format!("/articles/piece-{i}/"));
    }
}

#[test]
fn pasted_words_of_any_length_and_script_make_a_bounded_search_index() {
    let desk = Desk::new();
    let endless = "x".repeat(100_000);
    desk.write(
        ARTICLE,
        article(
            "title: \"<img src=x onerror=alert(1)>\"\ndate: 2025-03-01\ntopics: [alpha]\n",
            &format!(
                "{endless}\n\n{}\n\nRight\u{202e}to\u{200b}left \u{301}\u{301} 🇵🇰👍🏽 中华人民共和国 \
                 ـــــ <script>alert('body')</script> naïve\n",
                "again ".repeat(20_000)
            ),
        ),
    );
    let site = desk.builds();
    let mut shards = 0;
    for (path, bytes) in site
        .files
        .iter()
        .filter(|(k, _)| k.starts_with("search/s/"))
    {
        shards += 1;
        assert!(
            bytes.len() <= 32 * 1024 + 64,
            "{path}: {} bytes",
            bytes.len()
        );
        for (term, _) in read::decode_shard(bytes).unwrap() {
            assert!(
                term.chars().count() <= 32,
                "{path}: a term of {} chars",
                term.len()
            );
        }
    }
    assert!(shards > 0);
    // The endless word is a term of 32 letters; Han text is pairs of characters.
    let file = |rel: &str| site.files.get(&format!("search/{rel}")).cloned();
    let pasted = |term: &str| {
        read::postings(file, term)
            .unwrap()
            .iter()
            .map(|(id, _)| read::fragment(file, *id).unwrap())
            .find(|f| f["u"] == "/articles/pasted/")
    };
    assert!(pasted(&"x".repeat(32)).is_some());
    assert!(pasted("人民").is_some());
    assert!(pasted("naive").is_some());
    // The fragment holds the title as JSON text, for the page's script to insert as text.
    assert_eq!(
        pasted("again").unwrap()["t"],
        "<img src=x onerror=alert(1)>"
    );
}

#[test]
fn a_static_file_in_the_search_index_folders_is_refused() {
    let desk = Desk::new();
    desk.write("static/search/s/0123456789abcdef.bin", b"not a shard");
    desk.refuses(Told {
        file: "static/search/s/0123456789abcdef.bin",
        at: None,
        says: &["/search/s/0123456789abcdef.bin", "generated"],
    });
}

#[test]
fn a_source_url_that_would_run_a_script_is_refused_on_its_line() {
    let desk = Desk::new();
    desk.write(
        ARTICLE,
        article(
            "title: T\ndate: 2025-03-01\ntopics: [alpha]\nsources:\n  - title: Cable\n    url: \"javascript:alert(1)\"\n",
            "Body.\n",
        ),
    );
    desk.refuses(Told {
        file: ARTICLE,
        at: Some("7:11"),
        says: &["would run a script", "https://"],
    });
}

// ---- the theme's words ------------------------------------------------------------------

#[test]
fn a_translation_file_that_is_not_yaml_is_shown_on_its_line() {
    let desk = Desk::new();
    // A colon inside an unquoted text makes YAML read a second key.
    desk.write(
        "i18n/en.yaml",
        "key_points: In brief\nsearch_none: No articles match: {q}\nrelated_articles: See also\n",
    );
    desk.refuses(Told {
        file: "i18n/en.yaml",
        at: Some("2:"),
        says: &["not valid YAML"],
    });
}

#[test]
fn a_translation_file_that_is_a_list_or_in_a_legacy_encoding_is_refused() {
    let desk = Desk::new();
    desk.write("i18n/en.yaml", "- Key points\n- Sources\n");
    desk.refuses(Told {
        file: "i18n/en.yaml",
        at: Some("1:1"),
        says: &["`key: text` lines"],
    });
    desk.write("i18n/en.yaml", b"key_points: R\xe9sum\xe9\n");
    desk.refuses(Told {
        file: "i18n/en.yaml",
        at: Some("1:14"),
        says: &["not UTF-8"],
    });
}

#[test]
fn a_translation_that_looks_like_a_template_or_markup_is_printed_as_text() {
    let desk = Desk::new();
    let word = "{{ site.title }} {% include \"404.html\" %} <script>alert(1)</script>";
    desk.write(
        "i18n/en.yaml",
        format!(
            "key_points: '{word}'\narticles:\n  one: \"{{n}} <b onclick=alert(1)>piece</b>\"\n  other: \"{{{{ n }}}} pieces\"\n"
        ),
    );
    let site = desk.builds();
    let theme = theme_scripts();
    for name in site.html_files() {
        assert_no_content_script(&name, &site.html(&name), &theme);
    }
    let page = site.html("articles/first/index.html");
    assert_eq!(page.texts("#key-points-title"), [word]);
    let topics = site.html("topics/index.html");
    assert_eq!(
        topics.texts(".topic-card-count"),
        [
            "{{ n }} pieces",
            "{{ n }} pieces",
            "1 <b onclick=alert(1)>piece</b>"
        ]
    );
}

// ---- properties: no slug or file name leads out of public/ -----------------------------

/// Strings that try hard to be paths: separators, dots, drive letters, NUL, unicode.
#[test]
fn a_source_pasted_as_a_bare_string_a_map_or_a_blank_title_is_refused_on_its_line() {
    let desk = Desk::new();
    let head = "title: T\ndate: 2025-03-01\ntopics: [alpha]\nsources:\n";
    // A citation pasted as one line of text instead of fields.
    desk.write(
        ARTICLE,
        article(&format!("{head}  - \"Dawn, 15 January 2025\"\n"), "Body.\n"),
    );
    desk.refuses(Told {
        file: ARTICLE,
        at: Some("6:3"),
        says: &["sources", "title", "description"],
    });
    // One source written as a map, without the list dash, is a list of one (as Hugo and
    // Jekyll read it).
    desk.write(
        ARTICLE,
        article(&format!("{head}  title: Cable\n"), "Body.\n"),
    );
    desk.builds();
    // A list where the title goes, and an empty list item.
    desk.write(
        ARTICLE,
        article(&format!("{head}  - title: [a, b]\n"), "Body.\n"),
    );
    desk.refuses(Told {
        file: ARTICLE,
        at: Some("6:3"),
        says: &["title", "expected a string"],
    });
    desk.write(ARTICLE, article(&format!("{head}  -\n"), "Body.\n"));
    desk.refuses(Told {
        file: ARTICLE,
        at: Some("6:3"),
        says: &["source 1 in `sources`", "`title:`", "`description:`"],
    });
    // A title left blank and no description: nothing says what the source is.
    desk.write(
        ARTICLE,
        article(
            &format!("{head}  - title: \"\"\n    date: 2025-03-01\n  - description: \" \"\n"),
            "Body.\n",
        ),
    );
    let said = desk.refuses(Told {
        file: ARTICLE,
        at: Some("6:3"),
        says: &["neither a `title` nor a `description`"],
    });
    assert!(said.contains(&format!("{ARTICLE}:8:3")), "{said}");
}

fn path_like() -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::string::string_regex(r"[a-zA-Z0-9 ./\\:\x00_!~é—-]{0,16}").unwrap(),
        proptest::string::string_regex(r"(\.\.|/|\\|C:|%2e|%2f|\x00|[a-z]{1,3}){1,8}").unwrap(),
        any::<String>(),
        // Mostly a real slug, with one hostile fragment somewhere.
        proptest::string::string_regex(r"[a-z]{1,8}(\.\.|/|\\|:|\x00|%2e|-|\.| )?[a-z]{0,8}")
            .unwrap(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2048, ..ProptestConfig::default() })]

    /// Whatever slug is written, an accepted one gives an output path that only goes down.
    #[test]
    fn an_accepted_slug_always_makes_a_path_inside_the_output(raw in path_like()) {
        if let Ok(slug) = attache::parse::checked_slug(&raw) {
            for path in [
                format!("articles/{slug}/index.html"),
                format!("{slug}/index.html"),
                format!("topics/{slug}/atom.xml"),
            ] {
                prop_assert!(attache::emit::is_safe_output_path(&path), "{raw:?} → {path}");
                let joined = Path::new("/srv/public").join(&path);
                prop_assert!(joined.components().all(|c| !matches!(c, std::path::Component::ParentDir)));
                prop_assert!(joined.starts_with("/srv/public"));
            }
        }
    }
}

/// A tiny site whose article and page carry `slug`, in a file named after `stem`.
fn tiny_site(outer: &Path, slug: &str, stem: &str) -> PathBuf {
    let root = outer.join("site");
    let write = |rel: &str, text: String| {
        let p = root.join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
    };
    let quoted = yaml_quoted(slug);
    write(
        "site.yaml",
        "title: T\nbase_url: https://example.org/\nsearch: {enabled: false}\n".into(),
    );
    write("content/topics/t.md", "---\ntitle: T\n---\n".into());
    write(
        &format!("content/articles/{stem}.md"),
        format!("---\ntitle: A\ndate: 2025-01-01\ntopics: [t]\npeople: [{quoted}]\n---\nBody\n"),
    );
    write(
        "content/articles/b.md",
        format!(
            "---\ntitle: B\ndate: 2025-01-02\ntopics: [t]\nslug: {quoted}\ntags: [{quoted}]\n---\nBody\n"
        ),
    );
    write(
        "content/pages/p.md",
        format!("---\ntitle: P\nslug: {quoted}\n---\nBody\n"),
    );
    root
}

/// `s` as a YAML double-quoted string: printable ASCII as is, everything else escaped.
fn yaml_quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            ' '..='~' => out.push(c),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push('"');
    out
}

/// Every file under `dir`, as paths relative to it.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| !e.file_type().is_dir())
        .map(|e| e.path().strip_prefix(dir).unwrap().to_path_buf())
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// A real build of a site whose slugs, names and file name are hostile: whatever
    /// happens, every file written is under public/ and nothing else in the folder changes.
    #[test]
    fn whatever_the_slug_every_written_file_is_inside_public(
        raw in path_like(),
        stem in proptest::string::string_regex(r"[a-zA-Z0-9 .\\:_!~é-]{1,12}").unwrap(),
    ) {
        prop_assume!(!stem.starts_with('.') && stem != "b" && !stem.contains('/'));
        let outer = tempfile::tempdir().unwrap();
        let root = tiny_site(outer.path(), &raw, &stem);
        let before = files_under(outer.path());
        let result = attache::build::build_to_disk(&root, None, &attache::build::BuildOptions::default());
        let after = files_under(outer.path());
        let new: Vec<&PathBuf> = after.iter().filter(|p| !before.contains(p)).collect();
        match result {
            Ok((built, dir)) => {
                prop_assert_eq!(dir, root.join("public"));
                // A build to disk writes each file as it is rendered and keeps none.
                for p in &new {
                    prop_assert!(p.starts_with("site/public"), "{raw:?} wrote {p:?}");
                    let rel = p.strip_prefix("site/public").unwrap().to_string_lossy().into_owned();
                    prop_assert!(attache::emit::is_safe_output_path(&rel), "{rel:?}");
                }
                prop_assert_eq!(new.len(), built.files + 1); // + the marker file
            }
            Err(problems) => {
                prop_assert!(new.is_empty(), "a failed build wrote {new:?}");
                prop_assert!(!problems.is_empty());
            }
        }
    }
}

// ---- the preview server under attack and load ------------------------------------------

mod preview {
    use std::io::{Read, Write};
    use std::net::{SocketAddr, TcpStream};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::{Duration, Instant};

    use attache::serve::{self, Handle, ServeOptions};

    use super::Desk;

    const WAIT: Duration = Duration::from_secs(10);

    /// Pages the basic fixture has, as a reader would ask for them.
    pub(crate) const VALID: &[&str] = &[
        "/",
        "/articles/first/",
        "/articles/second/",
        "/topics/alpha/",
        "/timeline/",
        "/people/ada-example/",
        "/style.css",
        "/atom.xml",
        "/search/manifest.json",
        "/about/",
    ];

    pub(crate) fn start(desk: &Desk) -> Handle {
        let mut options = ServeOptions::new(desk.root());
        options.port = 0;
        options.quiet = true;
        serve::start(options).expect("the server starts")
    }

    /// One response on a keep-alive connection: status and body.
    pub(crate) fn read_response(stream: &mut TcpStream) -> Option<(u16, Vec<u8>)> {
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") {
            match stream.read(&mut byte) {
                Ok(1) => head.push(byte[0]),
                _ => return None,
            }
            if head.len() > 64 * 1024 {
                return None;
            }
        }
        let head = String::from_utf8_lossy(&head).into_owned();
        let status = head.split_whitespace().nth(1)?.parse().ok()?;
        let length: usize = head
            .lines()
            .find_map(|l| {
                let (k, v) = l.split_once(':')?;
                k.eq_ignore_ascii_case("content-length")
                    .then(|| v.trim().parse().ok())?
            })
            .unwrap_or(0);
        let mut body = vec![0; length];
        stream.read_exact(&mut body).ok()?;
        Some((status, body))
    }

    pub(crate) fn get_on(
        stream: &mut TcpStream,
        addr: SocketAddr,
        path: &str,
    ) -> Option<(u16, Vec<u8>)> {
        let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\n\r\n");
        stream.write_all(request.as_bytes()).ok()?;
        read_response(stream)
    }

    pub(crate) fn connect(addr: SocketAddr) -> TcpStream {
        let stream = TcpStream::connect(addr).expect("connect");
        stream.set_read_timeout(Some(WAIT)).unwrap();
        stream.set_write_timeout(Some(WAIT)).unwrap();
        stream
    }

    pub(crate) fn get(addr: SocketAddr, path: &str) -> Option<(u16, Vec<u8>)> {
        get_on(&mut connect(addr), addr, path)
    }

    /// Sends `bytes` as a request; the status, or `None` if the server closed instead.
    pub(crate) fn send(addr: SocketAddr, bytes: &[u8]) -> Option<u16> {
        let mut stream = connect(addr);
        // The server may close while a huge request is still being written.
        let _ = stream.write_all(bytes);
        read_response(&mut stream).map(|(status, _)| status)
    }

    /// `attache serve` in a process of its own, so its memory can be measured alone.
    pub(crate) struct Server {
        pub child: std::process::Child,
        pub addr: SocketAddr,
    }

    impl Server {
        pub(crate) fn start(desk: &Desk) -> Server {
            use std::io::BufRead;
            let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_attache"))
                .args(["serve", "--port", "0", "--root"])
                .arg(desk.root())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::null())
                .spawn()
                .expect("run attache serve");
            let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
            // "Serving <root> at http://127.0.0.1:PORT/", after a line on the build.
            let first = lines
                .by_ref()
                .take(20)
                .map(|l| l.expect("a line"))
                .find(|l| l.starts_with("Serving "))
                .expect("serve says where it serves");
            let url = first.rsplit(' ').next().unwrap();
            let addr = url
                .trim_start_matches("http://")
                .trim_end_matches('/')
                .parse()
                .unwrap_or_else(|e| panic!("no address in {first:?}: {e}"));
            // Keep reading so the server never blocks on a full pipe.
            std::thread::spawn(move || for _ in lines {});
            Server { child, addr }
        }

        /// Resident memory of the server process, in KB.
        pub(crate) fn rss_kb(&self) -> usize {
            rss_kb_of(&format!("/proc/{}/status", self.child.id()))
        }
    }

    impl Drop for Server {
        fn drop(&mut self) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }

    fn rss_kb_of(status: &str) -> usize {
        std::fs::read_to_string(status)
            .ok()
            .and_then(|s| {
                s.lines()
                    .find(|l| l.starts_with("VmRSS:"))
                    .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
            })
            .unwrap_or(0)
    }

    /// Keep-alive clients asking for valid pages as fast as they can, for `time`.
    /// Returns (answers, answers that were not 2xx/3xx).
    pub(crate) fn load(addr: SocketAddr, clients: usize, time: Duration) -> (usize, usize) {
        let done = Arc::new(AtomicUsize::new(0));
        let bad = Arc::new(AtomicUsize::new(0));
        let until = Instant::now() + time;
        let threads: Vec<_> = (0..clients)
            .map(|c| {
                let (done, bad) = (done.clone(), bad.clone());
                std::thread::spawn(move || {
                    let mut stream = connect(addr);
                    let mut i = c;
                    while Instant::now() < until {
                        let path = VALID[i % VALID.len()];
                        i += 1;
                        match get_on(&mut stream, addr, path) {
                            Some((status, _)) if (200..400).contains(&status) => {}
                            _ => {
                                bad.fetch_add(1, Ordering::Relaxed);
                                stream = connect(addr);
                            }
                        }
                        done.fetch_add(1, Ordering::Relaxed);
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        (done.load(Ordering::Relaxed), bad.load(Ordering::Relaxed))
    }

    /// Stops the server, failing if that takes long (open idle connections must not hold
    /// it).
    pub(crate) fn stop(handle: Handle) {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            handle.shutdown();
            let _ = tx.send(());
        });
        assert!(
            rx.recv_timeout(Duration::from_secs(15)).is_ok(),
            "shutdown hangs"
        );
    }

    /// Polls `ok` until it holds, for at most `WAIT`.
    pub(crate) fn converges(what: &str, mut ok: impl FnMut() -> bool) {
        let deadline = Instant::now() + WAIT;
        while Instant::now() < deadline {
            if ok() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("the preview did not converge: {what}");
    }
}

#[test]
fn a_preview_server_flooded_with_idle_huge_and_concurrent_requests_keeps_serving() {
    use preview::*;
    use std::io::Write;
    let desk = Desk::new();
    let mut server = Server::start(&desk);
    let addr = server.addr;
    for path in VALID {
        assert_eq!(get(addr, path).map(|r| r.0), Some(200), "{path}");
    }
    let rss_start = server.rss_kb();

    // Clients that connect and send nothing, or half a request, and stay.
    let mut idle: Vec<_> = (0..300).map(|_| connect(addr)).collect();
    for _ in 0..100 {
        let mut s = connect(addr);
        s.write_all(b"GET / HTTP/1.1\r\nHost: ").unwrap();
        idle.push(s);
    }
    assert_eq!(
        get(addr, "/").map(|r| r.0),
        Some(200),
        "idle clients block others"
    );

    // Oversized requests are refused (or the connection closed), never served.
    let huge = "a".repeat(1024 * 1024);
    let requests = [
        format!("GET /{huge} HTTP/1.1\r\nHost: {addr}\r\n\r\n"),
        format!("GET / HTTP/1.1\r\nHost: {addr}\r\nX-Pasted: {huge}\r\n\r\n"),
        format!(
            "GET / HTTP/1.1\r\nHost: {addr}\r\n{}\r\n",
            (0..20_000)
                .map(|i| format!("X-{i}: x\r\n"))
                .collect::<String>()
        ),
        format!("GET / HTTP/1.1\r\nHost: {huge}\r\n\r\n"),
    ];
    for request in &requests {
        let status = send(addr, request.as_bytes());
        assert!(
            status.is_none_or(|s| (400..500).contains(&s)),
            "a {} byte request got {status:?}",
            request.len()
        );
    }
    assert_eq!(get(addr, "/").map(|r| r.0), Some(200));

    // Paths that try to climb out, double-encoded and overlong too (tests/serve.rs has
    // more): never a file from outside the output.
    let config = desk.read("site.yaml");
    for target in [
        "/%252e%252e/site.yaml",
        "/%252e%252e%252fsite.yaml",
        "/..%252f..%252fsite.yaml",
        "/%c0%ae%c0%ae/site.yaml",
        "/%e0%80%ae%e0%80%ae/site.yaml",
        "/..%c0%afsite.yaml",
        "/%2e%2e%5c%2e%2e%5csite.yaml",
        "/articles/%2e%2e/%2e%2e/%2e%2e/site.yaml",
        "/site.yaml%00.html",
    ] {
        let answer = get(addr, target);
        let (status, body) = answer.unwrap_or_else(|| panic!("{target}: no answer"));
        assert!(matches!(status, 400 | 404), "{target}: {status}");
        assert!(!String::from_utf8_lossy(&body).contains(config.lines().next().unwrap()));
    }

    // 1,000 connections at once, each asking for a valid page.
    let conns: Vec<TcpStreamBatch> = (0..20)
        .map(|_| TcpStreamBatch((0..50).map(|_| connect(addr)).collect()))
        .collect();
    let threads: Vec<_> = conns
        .into_iter()
        .enumerate()
        .map(|(t, mut batch)| {
            std::thread::spawn(move || {
                let mut bad = Vec::new();
                for (i, s) in batch.0.iter_mut().enumerate() {
                    let path = VALID[(t + i) % VALID.len()];
                    match get_on(s, addr, path) {
                        Some((200, _)) => {}
                        other => bad.push(format!("{path}: {:?}", other.map(|r| r.0))),
                    }
                }
                bad
            })
        })
        .collect();
    let bad: Vec<String> = threads
        .into_iter()
        .flat_map(|t| t.join().unwrap())
        .collect();
    assert!(
        bad.is_empty(),
        "of 1,000 concurrent requests, failed: {bad:?}"
    );

    // Full speed from 8 keep-alive clients: first to warm up, then to measure memory.
    let (warm, bad) = load(addr, 8, Duration::from_secs(2));
    assert_eq!(bad, 0, "{bad} of {warm} answers were not 2xx/3xx");
    let rss_warm = server.rss_kb();
    let (answers, bad) = load(addr, 8, Duration::from_secs(4));
    assert_eq!(bad, 0, "{bad} of {answers} answers were not 2xx/3xx");
    let rss_end = server.rss_kb();
    assert!(answers > 1000, "only {answers} answers in 4 s");
    eprintln!(
        "preview under load: {answers} answers in 4 s from 8 clients; server memory {rss_start} KB at start, {rss_warm} KB warm, {rss_end} KB after"
    );
    assert!(
        rss_end < rss_warm + 64 * 1024,
        "memory grew under load: {rss_start} KB at start, {rss_warm} KB warm, {rss_end} KB after {answers} more answers"
    );

    // Still serving, with the idle clients still connected.
    assert_eq!(get(addr, "/articles/first/").map(|r| r.0), Some(200));
    assert!(
        matches!(server.child.try_wait(), Ok(None)),
        "the server exited"
    );
    drop(idle);
}

/// A batch of connections handed to one client thread.
struct TcpStreamBatch(Vec<std::net::TcpStream>);

#[test]
fn the_preview_converges_after_the_content_folder_is_deleted_renamed_or_flooded() {
    use preview::*;
    let desk = Desk::new();
    let handle = start(&desk);
    let addr = handle.addr();
    let page_has = |path: &str, words: &str| {
        get(addr, path)
            .is_some_and(|(s, body)| s == 200 && String::from_utf8_lossy(&body).contains(words))
    };
    assert!(page_has("/articles/first/", "First article"));

    // The content folder renamed away and back.
    let content = desk.path("content");
    let away = desk.path("content-away");
    std::fs::rename(&content, &away).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(500));
    assert!(get(addr, "/").is_some(), "the server stopped answering");
    std::fs::rename(&away, &content).unwrap();
    converges("content renamed back", || {
        page_has("/articles/first/", "First article")
    });

    // Deleted and recreated.
    std::fs::remove_dir_all(&content).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(500));
    assert!(get(addr, "/").is_some(), "the server stopped answering");
    copy_dir(&repo().join("tests/fixtures/basic/content"), &content);
    converges("content recreated", || {
        page_has("/articles/first/", "First article")
    });

    // 200 saves within a second; the last one wins.
    let rel = "content/articles/2024/third.md";
    let original = desk.read(rel);
    let start = std::time::Instant::now();
    for i in 0..200 {
        desk.write(
            rel,
            original.replacen("title:", &format!("title: Save {i} of"), 1),
        );
        // Spread over one second.
        let next = start + std::time::Duration::from_millis(5 * (i + 1));
        std::thread::sleep(next.saturating_duration_since(std::time::Instant::now()));
    }
    converges("the last of 200 saves", || {
        page_has("/articles/custom-third/", "Save 199 of")
    });

    // An article replaced by a folder of the same name, then put back.
    let third = desk.path(rel);
    std::fs::remove_file(&third).unwrap();
    std::fs::create_dir(&third).unwrap();
    converges("the article gone", || {
        get(addr, "/articles/custom-third/").is_some_and(|(s, _)| s == 404)
    });
    assert!(page_has("/articles/first/", "First article"));
    assert_eq!(handle.error(), None);
    std::fs::remove_dir(&third).unwrap();
    desk.write(rel, &original);
    converges("the article back", || {
        page_has("/articles/custom-third/", "Third article")
    });

    // The same with an article another one links to: the rebuild fails on the broken
    // link, the last good pages stay up, and the problem is reported until it is fixed.
    let second = desk.path("content/articles/2024/second.md");
    let text = desk.read("content/articles/2024/second.md");
    std::fs::remove_file(&second).unwrap();
    std::fs::create_dir(&second).unwrap();
    converges("the broken link reported", || {
        handle.error().is_some_and(|e| e.contains("second.md"))
    });
    assert!(page_has("/articles/second/", "Second article"));
    std::fs::remove_dir(&second).unwrap();
    desk.write("content/articles/2024/second.md", &text);
    converges("the problem cleared", || handle.error().is_none());
    assert!(page_has("/articles/second/", "Second article"));

    // Stopping is prompt even with clients connected that never send a byte.
    let idle: Vec<_> = (0..50).map(|_| connect(addr)).collect();
    stop(handle);
    drop(idle);
    // And serve never wrote to the output folder.
    assert!(desk.path("public/.attache-output").exists());
}

// ---- profiles and publication dates -----------------------------------------------------

const PROFILE: &str = "content/people/pasted-person.md";

#[test]
fn a_profile_with_fields_that_would_run_a_script_or_are_not_what_they_say_is_refused_on_its_line() {
    let desk = Desk::new();
    for (field, value, at, says) in [
        (
            "links",
            "[\"javascript:alert(1)\"]",
            "3:",
            "would run a script",
        ),
        (
            "image",
            "\"javascript:alert(1)\"",
            "3:",
            "would run a script",
        ),
        ("names", "{\"not a code\": X}", "3:", "not a code"),
        ("names", "[Альберт]", "3:", "a map of language codes"),
        ("role", "{title: Chair, from: June}", "3:", "is not a date"),
        ("role", "{chair: yes}", "3:", "does not know"),
        ("aliases", "[\"?!\"]", "3:", "aliases"),
        ("publish_date", "soon", "3:", "not a date"),
    ] {
        desk.write(
            PROFILE,
            format!("---\nname: Pasted Person\n{field}: {value}\n---\nProse.\n"),
        );
        desk.refuses(Told {
            file: PROFILE,
            at: Some(at),
            says: &[says],
        });
    }
}

#[test]
fn a_profile_without_a_name_or_claiming_another_profiles_name_is_refused_naming_both() {
    let desk = Desk::new();
    desk.write(PROFILE, "---\nrole: Chair\n---\nProse.\n");
    desk.refuses(Told {
        file: PROFILE,
        at: None,
        says: &["name"],
    });
    desk.write(
        "content/people/ada-example.md",
        "---\nname: Ada Example\naliases: [A. Example]\n---\nAda.\n",
    );
    desk.write(
        PROFILE,
        "---\nname: Someone\naliases:\n  - Ada Example\n---\nProse.\n",
    );
    let said = desk.refuses(Told {
        file: PROFILE,
        at: Some("4:"),
        says: &["`Ada Example` names the profile in"],
    });
    assert!(said.contains("content/people/ada-example.md:2:"), "{said}");
}

#[test]
fn a_tag_profile_pasted_with_scripts_shows_them_as_text_and_one_claiming_anothers_name_is_refused()
{
    let desk = Desk::new();
    desk.write(
        "content/tags/pasted.md",
        "---\n\
         name: \"<script>alert('tag')</script>\"\n\
         aliases: [Alpha talks]\n\
         summary: \"</script><script>alert('summary')</script>\"\n\
         ---\n\
         Prose <script>alert('prose')</script>.\n",
    );
    desk.write(
        ARTICLE,
        article(
            "title: T\ndate: 2025-03-01\ntopics: [alpha]\ntags: [pasted]\n",
            "Body.\n",
        ),
    );
    let site = desk.builds();
    let theme = theme_scripts();
    for name in site.html_files() {
        assert_no_content_script(&name, &site.html(&name), &theme);
    }
    let tags = site
        .html("articles/pasted/index.html")
        .texts(".article-meta a[href*=\"/tags/\"]");
    assert_eq!(tags, ["<script>alert('tag')</script>"]);
    desk.write(
        "content/tags/other.md",
        "---\nname: Other\naliases:\n  - Alpha talks\n---\nProse.\n",
    );
    let said = desk.refuses(Told {
        file: "content/tags/other.md",
        at: Some("4:"),
        says: &["`Alpha talks` names the profile in"],
    });
    assert!(said.contains("content/tags/pasted.md:3:"), "{said}");
}

#[test]
fn publication_dates_that_contradict_each_other_are_refused_on_their_line() {
    let desk = Desk::new();
    desk.write(
        ARTICLE,
        article(
            "title: T\ndate: 2025-03-01\ntopics: [alpha]\npublish_date: 2025-06-01\nexpiry_date: 2025-05-01\n",
            "Body.\n",
        ),
    );
    desk.refuses(Told {
        file: ARTICLE,
        at: Some("6:"),
        says: &["is not after `publish_date`"],
    });
}

#[test]
fn scripts_pasted_into_a_profile_never_run() {
    let desk = Desk::new();
    desk.write(
        "content/people/ada-example.md",
        "---\n\
         name: \"</script><script>alert('name')</script>\"\n\
         aliases: [Ada Example]\n\
         role: {title: \"<img src=x onerror=alert(1)>\", organization: \"<script>alert('org')</script>\"}\n\
         country: \"<svg onload=alert('country')>\"\n\
         names: {ru: \"<script>alert('ru')</script>\"}\n\
         links: [{title: \"<script>alert('link')</script>\", url: \"https://example.com/\"}]\n\
         summary: \"</script><script>alert('summary')</script>\"\n\
         ---\n\
         Prose <script>alert('prose')</script>.\n",
    );
    let site = desk.builds();
    let theme = theme_scripts();
    for name in site.html_files() {
        assert_no_content_script(&name, &site.html(&name), &theme);
    }
    let page = site.html("people/ada-example/index.html");
    assert_eq!(
        page.texts("h1"),
        ["</script><script>alert('name')</script>"]
    );
    for feed in ["people/ada-example/atom.xml", "people/ada-example/rss.xml"] {
        assert!(!site.text(feed).contains("<script>"), "{feed}");
    }
}
