//! `attache serve`: the incremental builder against full builds, and the preview server
//! over real HTTP (live reload over Server-Sent Events, errors, safety of paths and hosts).
//!
//! Every server binds 127.0.0.1 on a free port and is shut down at the end of its test;
//! every wait has a generous timeout, so a loaded machine makes the tests slower, not red.

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use attache::build::{self, BuildOptions};
use attache::serve::Engine;
use attache::serve::{self, Handle, ServeOptions};
use common::Fixture;

const WAIT: Duration = Duration::from_secs(15);

// ---------------------------------------------------------------------------------------
// The incremental builder: byte for byte a full build, after every kind of edit.

const BASE: &str = "http://127.0.0.1:9/";

fn options() -> BuildOptions {
    BuildOptions {
        drafts: false,
        base_url: Some(BASE.to_string()),
        ..Default::default()
    }
}

/// Asserts the engine's output is exactly a fresh full build of the same files.
fn assert_same_as_full_build(engine: &Engine, root: &Path, step: &str) {
    assert_same_as_full_build_with(engine, root, step, &options());
}

/// As [`assert_same_as_full_build`], the full build made with `options`.
fn assert_same_as_full_build_with(
    engine: &Engine,
    root: &Path,
    step: &str,
    options: &BuildOptions,
) {
    let full = build::build(root, options)
        .unwrap_or_else(|e| panic!("{step}: the full build failed:\n{e}"))
        .output;
    let ours = engine.output();
    if ours == full {
        return;
    }
    let mut problems = Vec::new();
    let keys: BTreeSet<&String> = ours.files.keys().chain(full.files.keys()).collect();
    for k in keys {
        match (ours.files.get(k), full.files.get(k)) {
            (Some(a), Some(b)) if a != b => {
                let (a, b) = (String::from_utf8_lossy(a), String::from_utf8_lossy(b));
                let at = a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count();
                let from = at.saturating_sub(80);
                problems.push(format!(
                    "{k} differs at char {at}:\n  incremental: {:?}\n  full build:  {:?}",
                    a.chars().skip(from).take(200).collect::<String>(),
                    b.chars().skip(from).take(200).collect::<String>()
                ));
            }
            (Some(_), None) => problems.push(format!("{k} is only in the incremental output")),
            (None, Some(_)) => problems.push(format!("{k} is missing from the incremental output")),
            _ => {}
        }
    }
    panic!(
        "{step}: {} differences:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

struct Steps<'a> {
    engine: Engine,
    site: &'a Fixture,
    /// What the engine and the full builds it is compared with are built with.
    options: BuildOptions,
}

impl<'a> Steps<'a> {
    /// The steps on `site`, built first (with [`options`]).
    fn built(site: &'a Fixture) -> Steps<'a> {
        let mut engine = Engine::new(site.root(), options());
        engine.build().expect("the fixture builds");
        Steps {
            engine,
            site,
            options: options(),
        }
    }

    /// Applies `edit`, rebuilds for the paths it names, and compares with a full build.
    fn step(&mut self, name: &str, edit: impl FnOnce(&Fixture) -> Vec<&'static str>) {
        self.step_after(name, false, edit);
    }

    /// As [`Steps::step`]; `index_failed`: the step before failed when the site was
    /// indexed (two profiles claiming one name), which leaves nothing to build on, so this
    /// step builds from disk.
    fn step_after(
        &mut self,
        name: &str,
        index_failed: bool,
        edit: impl FnOnce(&Fixture) -> Vec<&'static str>,
    ) {
        let changed = edit(self.site);
        let paths: Vec<PathBuf> = changed.iter().map(|p| self.site.path(p)).collect();
        let report = self
            .engine
            .rebuild(&paths)
            .unwrap_or_else(|e| panic!("{name}: the rebuild failed:\n{e}"));
        assert!(!report.changed.is_empty(), "{name}: nothing changed?");
        // Only site.yaml and source folders appearing call for a build from disk.
        let expect_full = index_failed
            || changed
                .iter()
                .any(|p| matches!(*p, "site.yaml" | "static" | "templates"));
        assert_eq!(report.full, expect_full, "{name}: {}", report.line());
        assert_same_as_full_build_with(&self.engine, self.site.root(), name, &self.options);
    }

    /// Adds `line` to the front matter of `rel`, which breaks the site (the rebuild fails
    /// and the output stays), then takes it out again (a step like any other).
    fn failing_line(&mut self, name: &str, rel: &'static str, line: &str) {
        self.failing_step(name, |f| {
            edit(f, rel, |t| {
                t.replacen("---\n", &format!("---\n{line}\n"), 1)
            });
            vec![rel]
        });
        self.step(&format!("{name}: taken out again"), |f| {
            edit(f, rel, |t| t.replacen(&format!("{line}\n"), "", 1));
            vec![rel]
        });
    }

    /// Applies `edit`, which breaks the site: the rebuild fails and the output stays.
    fn failing_step(&mut self, name: &str, edit: impl FnOnce(&Fixture) -> Vec<&'static str>) {
        let before = self.engine.output();
        let changed = edit(self.site);
        let paths: Vec<PathBuf> = changed.iter().map(|p| self.site.path(p)).collect();
        let e = match self.engine.rebuild(&paths) {
            Ok(_) => panic!("{name}: the rebuild should fail"),
            Err(e) => e,
        };
        assert!(build::build(self.site.root(), &self.options).is_err());
        assert!(self.engine.is_failing());
        assert!(
            self.engine.output() == before,
            "{name}: a failed rebuild changed the output ({e})"
        );
    }
}

fn edit(site: &Fixture, rel: &str, f: impl FnOnce(String) -> String) {
    let text = site.read(rel);
    let new = f(text.clone());
    assert_ne!(text, new, "the edit of {rel} changes nothing");
    site.write(rel, &new);
}

/// A site with no aliases has the URLs of a page-moving edit looked at quickly, before
/// the full check: the quick look must still see a page taking attache's own pages' URLs.
#[test]
fn a_page_taking_a_tag_pages_url_fails_as_in_a_build() {
    let site = Fixture::new("basic");
    edit(&site, "content/articles/2025/fourth.md", |t| {
        t.lines()
            .filter(|l| !l.starts_with("aliases:"))
            .map(|l| format!("{l}\n"))
            .collect()
    });
    Steps::built(&site).failing_line(
        "an article's URL among the tag pages",
        "content/articles/2024/second.md",
        "url: /tags/second/",
    );
}

#[test]
fn incremental_rebuilds_are_byte_identical_to_full_builds() {
    let site = Fixture::new("basic");
    let mut engine = Engine::new(site.root(), options());
    engine.build().expect("the fixture builds");
    assert_same_as_full_build(&engine, site.root(), "first build");
    let mut s = Steps {
        engine,
        site: &site,
        options: options(),
    };

    s.step("append to a body", |f| {
        edit(f, "content/articles/2025/fourth.md", |t| {
            t + "\nOne more sentence at the end.\n"
        });
        vec!["content/articles/2025/fourth.md"]
    });
    s.step("change a summary (the card changes)", |f| {
        edit(f, "content/articles/2024/second.md", |t| {
            t.replace("The opening paragraph", "The rewritten opening paragraph")
        });
        vec!["content/articles/2024/second.md"]
    });
    s.step("a longer body (reading time)", |f| {
        edit(f, "content/articles/2024/third.md", |t| {
            t + &"\nword ".repeat(450)
        });
        vec!["content/articles/2024/third.md"]
    });
    s.step("retitle", |f| {
        edit(f, "content/articles/2024/third.md", |t| {
            t.replace("title: \"Third article\"", "title: \"A retitled third\"")
        });
        vec!["content/articles/2024/third.md"]
    });
    s.step("change topics", |f| {
        edit(f, "content/articles/2023/first.md", |t| {
            t.replace("topics: [alpha]", "topics: [beta, gamma]")
        });
        vec!["content/articles/2023/first.md"]
    });
    s.step("change the date (the order changes)", |f| {
        edit(f, "content/articles/2023/first.md", |t| {
            t.replace("date: 2023-05-01\ntopics", "date: 2025-06-01\ntopics")
        });
        vec!["content/articles/2023/first.md"]
    });
    s.step("change people (entity pages come and go)", |f| {
        edit(f, "content/articles/2025/fourth.md", |t| {
            t.replace("people: [\"Ben Sample\"]", "people: [\"Dana New\"]")
        });
        vec!["content/articles/2025/fourth.md"]
    });
    s.step("set updated (sitemap lastmod)", |f| {
        edit(f, "content/articles/2024/second.md", |t| {
            t.replace(
                "date: 2024-02-10\n",
                "date: 2024-02-10\nupdated: 2024-03-01\n",
            )
        });
        vec!["content/articles/2024/second.md"]
    });
    s.step("add an article in a new folder", |f| {
        f.write(
            "content/articles/2026/fifth.md",
            "---\ntitle: \"Fifth article\"\ndate: 2026-01-05\ntopics: [gamma]\npeople: [\"Ada Example\"]\ntags: [t-three]\n---\nA new article that links to [the second](../2024/second.md).\n",
        );
        vec!["content/articles/2026", "content/articles/2026/fifth.md"]
    });
    s.step("change a slug", |f| {
        edit(f, "content/articles/2024/third.md", |t| {
            t.replace("slug: custom-third", "slug: renamed-third")
        });
        vec!["content/articles/2024/third.md"]
    });
    s.step("add aliases (redirect pages appear)", |f| {
        edit(f, "content/articles/2024/second.md", |t| {
            t.replace(
                "title: \"Second article\"\n",
                "title: \"Second article\"\naliases: [/old/second/, /2024/02/second.html]\n",
            )
        });
        vec!["content/articles/2024/second.md"]
    });
    s.step(
        "retitle an article with aliases (its redirects name it)",
        |f| {
            edit(f, "content/articles/2024/second.md", |t| {
                t.replace("title: \"Second article\"", "title: \"The second article\"")
            });
            vec!["content/articles/2024/second.md"]
        },
    );
    s.failing_step("an alias on another page's URL", |f| {
        edit(f, "content/articles/2024/second.md", |t| {
            t.replace("/old/second/", "/articles/first/")
        });
        vec!["content/articles/2024/second.md"]
    });
    s.step("drop an alias (its redirect goes)", |f| {
        edit(f, "content/articles/2024/second.md", |t| {
            t.replace(
                "[/articles/first/, /2024/02/second.html]",
                "[/2024/02/second.html]",
            )
        });
        vec!["content/articles/2024/second.md"]
    });
    s.step("drop the aliases and the new title", |f| {
        edit(f, "content/articles/2024/second.md", |t| {
            t.replace("aliases: [/2024/02/second.html]\n", "")
                .replace("The second article", "Second article")
        });
        vec!["content/articles/2024/second.md"]
    });
    s.step("rename a file (its URL changes)", |f| {
        fs::rename(
            f.path("content/articles/2025/fourth.md"),
            f.path("content/articles/2025/fourth-renamed.md"),
        )
        .unwrap();
        vec![
            "content/articles/2025/fourth.md",
            "content/articles/2025/fourth-renamed.md",
        ]
    });
    s.step("publish a draft", |f| {
        edit(f, "content/articles/2025/draft.md", |t| {
            t.replace("draft: true\n", "")
        });
        vec!["content/articles/2025/draft.md"]
    });
    s.step("delete an article", |f| {
        fs::remove_file(f.path("content/articles/2025/draft.md")).unwrap();
        vec!["content/articles/2025/draft.md"]
    });
    s.step("edit a topic's overview", |f| {
        edit(f, "content/topics/alpha.md", |t| {
            t.replace("says what is known", "says all that is known")
        });
        vec!["content/topics/alpha.md"]
    });
    s.step("retitle a topic (every page's menu)", |f| {
        edit(f, "content/topics/beta.md", |t| {
            t.replace("title: \"Beta\"", "title: \"Beta, renamed\"")
        });
        vec!["content/topics/beta.md"]
    });
    s.step("edit a plain page and the home page together", |f| {
        edit(f, "content/pages/about.md", |t| {
            t.replace("exists for tests", "exists for the tests")
        });
        edit(f, "content/_index.md", |t| {
            t.replace("Welcome", "Welcome again")
        });
        vec!["content/pages/about.md", "content/_index.md"]
    });
    s.failing_step("break the front matter", |f| {
        edit(f, "content/articles/2024/second.md", |t| {
            t.replacen("title: \"Second article\"", "title: [unclosed", 1)
        });
        vec!["content/articles/2024/second.md"]
    });
    s.failing_step("another file changes while one is broken", |f| {
        edit(f, "content/articles/2023/first.md", |t| {
            t.replace("The first article links", "The first article still links")
        });
        vec!["content/articles/2023/first.md"]
    });
    s.step("fix the front matter", |f| {
        edit(f, "content/articles/2024/second.md", |t| {
            t.replacen("title: [unclosed", "title: \"Second article, fixed\"", 1)
        });
        vec!["content/articles/2024/second.md"]
    });
    s.failing_step("rename a file others link to (the link breaks)", |f| {
        fs::rename(
            f.path("content/articles/2023/first.md"),
            f.path("content/articles/2023/first-moved.md"),
        )
        .unwrap();
        vec![
            "content/articles/2023/first.md",
            "content/articles/2023/first-moved.md",
        ]
    });
    s.step("fix the link", |f| {
        edit(f, "content/pages/about.md", |t| {
            t.replace("2023/first.md", "2023/first-moved.md")
        });
        vec!["content/pages/about.md"]
    });
    s.step("a site stylesheet and template", |f| {
        f.write("static/extra.css", "body { color: red }\n");
        f.write(
            "templates/404.html",
            "<!doctype html><title>{{ title }}</title><body><p>Nothing at this address.</p></body>\n",
        );
        vec!["static", "templates"]
    });
    s.step("change the stylesheet", |f| {
        f.write("static/extra.css", "body { color: blue }\n");
        vec!["static/extra.css"]
    });
    s.step("change the template", |f| {
        edit(f, "templates/404.html", |t| {
            t.replace("Nothing", "Still nothing")
        });
        vec!["templates/404.html"]
    });
    s.step("site.yaml", |f| {
        edit(f, "site.yaml", |t| {
            t.replace("Fixture Briefing\"", "Fixture Briefing, renamed\"")
        });
        vec!["site.yaml"]
    });
    s.step("editor leftovers are ignored, the real save is not", |f| {
        f.write("content/articles/2024/.second.md.swp", "junk");
        f.write("content/articles/2024/second.md~", "junk");
        f.write("content/articles/2024/4913", "");
        edit(f, "content/articles/2024/second.md", |t| {
            t + "\nSaved again.\n"
        });
        vec![
            "content/articles/2024/.second.md.swp",
            "content/articles/2024/second.md~",
            "content/articles/2024/4913",
            "content/articles/2024/second.md",
        ]
    });
    s.failing_line(
        "two articles on one URL",
        "content/articles/2024/second.md",
        "slug: fourth-renamed",
    );
    s.step("a new topic, and an article filed under it", |f| {
        f.write(
            "content/topics/delta.md",
            "---\ntitle: \"Delta\"\nweight: 9\n---\nThe delta overview.\n",
        );
        edit(f, "content/articles/2024/second.md", |t| {
            t.replace("topics: [alpha, beta]", "topics: [alpha, delta]")
        });
        vec!["content/topics/delta.md", "content/articles/2024/second.md"]
    });
    s.step("a topic's weight (the menu order)", |f| {
        edit(f, "content/topics/delta.md", |t| {
            t.replace("weight: 9", "weight: -1")
        });
        vec!["content/topics/delta.md"]
    });
    s.failing_step("delete a topic still in use", |f| {
        fs::remove_file(f.path("content/topics/delta.md")).unwrap();
        vec!["content/topics/delta.md"]
    });
    s.step("stop using it", |f| {
        edit(f, "content/articles/2024/second.md", |t| {
            t.replace("topics: [alpha, delta]", "topics: [alpha, beta]")
        });
        vec!["content/articles/2024/second.md"]
    });
    s.step("a page leaves the menu", |f| {
        edit(f, "content/pages/about.md", |t| {
            t.replace("menu: true\n", "")
        });
        vec!["content/pages/about.md"]
    });
    s.step("the home page goes", |f| {
        fs::remove_file(f.path("content/_index.md")).unwrap();
        vec!["content/_index.md"]
    });
    s.step("delete a folder of articles", |f| {
        fs::remove_dir_all(f.path("content/articles/2026")).unwrap();
        vec!["content/articles/2026"]
    });
}

#[test]
fn a_static_file_on_a_generated_page_fails_like_a_full_build_until_it_goes() {
    let site = Fixture::new("basic");
    site.write("static/extra.css", "body { color: black }\n");
    let mut s = Steps::built(&site);
    s.failing_step("a static file takes the about page's place", |f| {
        f.write("static/about/index.html", "<p>static about</p>\n");
        vec!["static/about", "static/about/index.html"]
    });
    s.failing_step("an article edited while it is there", |f| {
        edit(f, "content/articles/2025/fourth.md", |t| {
            t + "\nEdited while the static page is in the way.\n"
        });
        vec!["content/articles/2025/fourth.md"]
    });
    s.failing_step("the about page edited while it is there", |f| {
        edit(f, "content/pages/about.md", |t| {
            t.replace("exists for tests", "exists for the tests")
        });
        vec!["content/pages/about.md"]
    });
    s.step("the static file goes", |f| {
        fs::remove_file(f.path("static/about/index.html")).unwrap();
        vec!["static/about/index.html"]
    });
    s.failing_step("an edit and a colliding static file in one save", |f| {
        edit(f, "content/articles/2024/second.md", |t| {
            t + "\nSaved along with a colliding static file.\n"
        });
        f.write("static/timeline/index.html", "<p>static timeline</p>\n");
        vec![
            "content/articles/2024/second.md",
            "static/timeline",
            "static/timeline/index.html",
        ]
    });
    s.step("that static file goes too", |f| {
        fs::remove_file(f.path("static/timeline/index.html")).unwrap();
        vec!["static/timeline/index.html"]
    });
    s.step("a static file where no page is yet", |f| {
        f.write("static/articles/sixth/index.html", "<p>static sixth</p>\n");
        vec![
            "static/articles",
            "static/articles/sixth",
            "static/articles/sixth/index.html",
        ]
    });
    s.failing_step("an article comes on the static file's path", |f| {
        f.write(
            "content/articles/2025/sixth.md",
            "---\ntitle: \"Sixth article\"\ndate: 2025-07-01\ntopics: [alpha]\n---\nSix.\n",
        );
        vec!["content/articles/2025/sixth.md"]
    });
    s.step("the static file goes, and the article is there", |f| {
        fs::remove_file(f.path("static/articles/sixth/index.html")).unwrap();
        vec!["static/articles/sixth/index.html"]
    });
    s.failing_step("and a static file comes on its path", |f| {
        f.write("static/articles/sixth/index.html", "<p>static sixth</p>\n");
        vec!["static/articles/sixth/index.html"]
    });
    s.step("the article goes: the static file may stay", |f| {
        fs::remove_file(f.path("content/articles/2025/sixth.md")).unwrap();
        vec!["content/articles/2025/sixth.md"]
    });
}

/// A page that fails to render leaves the search index as it was served: the fix may be
/// elsewhere (here the template), and what the failed rebuild had indexed is served then.
#[test]
fn an_article_that_breaks_its_template_rebuilds_like_a_full_build_once_fixed() {
    let site = Fixture::new("basic");
    site.write(
        "templates/article.html",
        "{% extends \"base.html\" %}{% block content %}<h1>{{ page.title }}</h1>\
         {{ page.content | safe }}{% if page.extra.mood is defined %}<p class=\"mood\">\
         {{ page.extra.mood | upper }}</p>{% endif %}{% endblock content %}\n",
    );
    let mut s = Steps::built(&site);
    s.failing_step("a mood the template cannot write, and new words", |f| {
        edit(f, "content/articles/2025/fourth.md", |t| {
            t.replace("mood: calm", "mood: [1, 2]") + "\nA zebracorn appears at the end.\n"
        });
        vec!["content/articles/2025/fourth.md"]
    });
    s.step("the template stops writing the mood in capitals", |f| {
        edit(f, "templates/article.html", |t| t.replace(" | upper", ""));
        vec!["templates/article.html"]
    });
}

/// The desk fixture as of 1 April 2025: profiles, as-of dates, an embargoed and a
/// withdrawn article. `future` is what a preview shows (the two with their banners).
fn desk_options(future: bool) -> BuildOptions {
    BuildOptions {
        future,
        now: Some(
            attache::parse::front_matter::PageDate::parse("2025-04-01")
                .unwrap()
                .instant,
        ),
        ..options()
    }
}

#[test]
fn profiles_as_of_dates_and_embargoes_rebuild_like_full_builds() {
    for future in [false, true] {
        let site = Fixture::new("desk");
        let options = desk_options(future);
        let mut engine = Engine::new(site.root(), options.clone());
        engine.build().expect("the desk fixture builds");
        assert_same_as_full_build_with(&engine, site.root(), "first build", &options);
        let mut s = Steps {
            engine,
            site: &site,
            options,
        };
        desk_steps(&mut s, future);
    }
}

fn desk_steps(s: &mut Steps, future: bool) {
    let ahsan = "content/people/ahsan-zafar-bakhtawari.md";
    s.step("a profile's prose", |f| {
        edit(f, ahsan, |t| {
            t.replace("A short profile.", "A shorter profile.")
        });
        vec![ahsan]
    });
    s.step("a role ends (the people index regroups)", |f| {
        edit(f, ahsan, |t| {
            t.replace(
                "  - title: Chairman\n    organization: Clean and Green Islamabad Movement\n",
                "  - title: Chairman\n    organization: Clean and Green Islamabad Movement\n    to: \"2025\"\n",
            )
        });
        vec![ahsan]
    });
    s.step("an alias goes (the alias gets a page of its own)", |f| {
        edit(f, ahsan, |t| {
            t.replace("aliases: [\"Ahsan Bakhtawari\"]\n", "")
        });
        vec![ahsan]
    });
    s.step("and comes back", |f| {
        edit(f, ahsan, |t| {
            t.replace(
                "country: Pakistan\n",
                "aliases: [\"Ahsan Bakhtawari\"]\ncountry: Pakistan\n",
            )
        });
        vec![ahsan]
    });
    s.step("a new profile of someone no article names", |f| {
        f.write(
            "content/people/new-person.md",
            "---\nname: New Person\nrole: {title: Adviser, organization: United Business Group}\nupdated: 2025-02-01\n---\nNew.\n",
        );
        vec!["content/people/new-person.md"]
    });
    s.failing_step("a second profile claims an alias", |f| {
        edit(f, "content/people/new-person.md", |t| {
            t.replace(
                "name: New Person\n",
                "name: New Person\naliases: [Ahsan Bakhtawari]\n",
            )
        });
        vec!["content/people/new-person.md"]
    });
    s.step_after("the profile goes", true, |f| {
        fs::remove_file(f.path("content/people/new-person.md")).unwrap();
        vec!["content/people/new-person.md"]
    });
    s.step("an organization profile is renamed", |f| {
        edit(f, "content/organizations/united-business-group.md", |t| {
            t.replace(
                "summary: \"A business group.\"",
                "summary: \"A group of businesses.\"",
            )
        });
        vec!["content/organizations/united-business-group.md"]
    });
    s.step("an overview is revised (its notice goes)", |f| {
        edit(f, "content/topics/trade.md", |t| {
            t.replace("updated: 2025-01-01", "updated: 2025-03-20")
        });
        vec!["content/topics/trade.md"]
    });
    s.step("the home page's as-of date", |f| {
        edit(f, "content/_index.md", |t| {
            t.replace("updated: 2025-01-15", "updated: 2025-03-21")
        });
        vec!["content/_index.md"]
    });
    let meeting = "content/articles/2025/meeting.md";
    s.step("an article is embargoed", |f| {
        edit(f, meeting, |t| {
            t.replacen(
                "date: 2025-01-15\n",
                "date: 2025-01-15\npublish_date: 2025-05-01\n",
                1,
            )
        });
        vec![meeting]
    });
    s.step("and published", |f| {
        edit(f, meeting, |t| t.replace("publish_date: 2025-05-01\n", ""));
        vec![meeting]
    });
    let scheduled = "content/articles/2025/scheduled.md";
    s.step("the embargo is lifted", |f| {
        edit(f, scheduled, |t| {
            t.replace("publish_date: 2025-06-01\n", "")
                .replace("date: 2025-06-01", "date: 2025-03-30")
        });
        vec![scheduled]
    });
    s.step("an article is withdrawn", |f| {
        edit(f, scheduled, |t| {
            t.replace(
                "date: 2025-03-30\n",
                "date: 2025-03-30\nexpiry_date: 2025-03-31\n",
            )
        });
        vec![scheduled]
    });
    s.step("and restored", |f| {
        edit(f, scheduled, |t| t.replace("expiry_date: 2025-03-31\n", ""));
        vec![scheduled]
    });
    let later = "content/articles/2025/later.md";
    let withdraw_later = |f: &Fixture| {
        edit(f, later, |t| {
            t.replace(
                "date: 2025-03-10\n",
                "date: 2025-03-10\nexpiry_date: 2025-03-31\n",
            )
        });
        vec![later]
    };
    if future {
        s.step(
            "an article others link to is withdrawn: the preview shows it",
            withdraw_later,
        );
    } else {
        s.failing_step(
            "an article others link to is withdrawn: the link is an error",
            withdraw_later,
        );
    }
}

#[test]
fn profiles_and_embargoes_in_three_languages_rebuild_like_full_builds() {
    let site = Fixture::new("trilingual");
    site.write(
        "content/people/albert-khorev.md",
        "---\nname: Albert Khorev\nrole: Ambassador\nupdated: 2025-01-15\n---\nThe ambassador.\n",
    );
    let options = desk_options(false);
    let mut engine = Engine::new(site.root(), options.clone());
    engine.build().expect("the trilingual fixture builds");
    let mut s = Steps {
        engine,
        site: &site,
        options,
    };
    let ru = "content/people/albert-khorev.ru.md";
    s.step("a profile is translated into Russian", |f| {
        f.write(ru, "---\nname: Альберт Хорев\nrole: Посол\n---\nПосол.\n");
        vec![ru]
    });
    s.step("the translation is revised", |f| {
        edit(f, ru, |t| t.replace("Посол.\n", "Посол России.\n"));
        vec![ru]
    });
    // The Russian articles naming him show the Russian profile's name.
    s.step("the Russian name is respelled", |f| {
        edit(f, ru, |t| t.replace("Альберт Хорев", "А. Хорев"));
        vec![ru]
    });
    s.step("the original gives his name in Urdu", |f| {
        edit(f, "content/people/albert-khorev.md", |t| {
            t.replace(
                "role: Ambassador\n",
                "role: Ambassador\nnames: {ur: البرٹ خوریف}\n",
            )
        });
        vec!["content/people/albert-khorev.md"]
    });
    s.step("the original's date changes every edition's as-of", |f| {
        edit(f, "content/people/albert-khorev.md", |t| {
            t.replace("updated: 2025-01-15", "updated: 2025-02-01")
        });
        vec!["content/people/albert-khorev.md"]
    });
    // A tag's profile names it on every article that carries it, in each language.
    let (tag, tag_ru) = (
        "content/tags/trade-talks.md",
        "content/tags/trade-talks.ru.md",
    );
    s.step("a tag gets a profile", |f| {
        f.write(tag, "---\nname: Trade talks\n---\nTalks on trade.\n");
        vec![tag]
    });
    s.step("the tag is named in Russian", |f| {
        f.write(tag_ru, "---\nname: Торговые переговоры\n---\nО торговле.\n");
        vec![tag_ru]
    });
    s.step("the tag's Russian name changes", |f| {
        edit(f, tag_ru, |t| {
            t.replace("Торговые переговоры", "Переговоры о торговле")
        });
        vec![tag_ru]
    });
    // Urdu has no translation of it: the original's `names` name it there.
    s.step("the original names the tag in Urdu", |f| {
        edit(f, tag, |t| {
            t.replace(
                "name: Trade talks\n",
                "name: Trade talks\nnames: {ur: تجارتی مذاکرات}\n",
            )
        });
        vec![tag]
    });
    s.step("the tag's Urdu name changes", |f| {
        edit(f, tag, |t| t.replace("تجارتی مذاکرات", "تجارتی بات چیت"));
        vec![tag]
    });
    let (en, ru_article) = (
        "content/articles/2025/embargoed.md",
        "content/articles/2025/embargoed.ru.md",
    );
    s.step("an embargoed article and its translation arrive", |f| {
        f.write(
            en,
            "---\ntitle: \"Embargoed report\"\ndate: 2025-03-01\npublish_date: 2025-06-01\ntopics: [trade]\npeople: [\"Albert Khorev\"]\n---\nNot before June.\n",
        );
        f.write(ru_article, "---\ntitle: \"Отчёт под эмбарго\"\n---\nНе раньше июня.\n");
        vec![en, ru_article]
    });
    s.step("the embargo is lifted: published in both languages", |f| {
        edit(f, en, |t| t.replace("publish_date: 2025-06-01\n", ""));
        vec![en]
    });
    s.step("withdrawn in Russian only", |f| {
        edit(f, ru_article, |t| {
            t.replace("title:", "expiry_date: 2025-03-15\ntitle:")
        });
        vec![ru_article]
    });
    s.step("the translated profile goes", |f| {
        fs::remove_file(f.path(ru)).unwrap();
        vec![ru]
    });
    s.step("the Russian edition gets a title of its own", |f| {
        edit(f, "site.yaml", |t| {
            t.replace(
                "title: \"Трёхъязычный обзор\"",
                "title: \"Обзор на трёх языках\"",
            )
        });
        vec!["site.yaml"]
    });
}

#[test]
fn an_urdu_site_and_its_words_rebuild_like_full_builds() {
    let site = Fixture::new("urdu");
    let mut engine = Engine::new(site.root(), options());
    engine.build().expect("the Urdu fixture builds");
    assert_same_as_full_build(&engine, site.root(), "first build");
    let mut s = Steps {
        engine,
        site: &site,
        options: options(),
    };
    s.step(
        "an Urdu article's date (Urdu month names on every list)",
        |f| {
            edit(f, "content/articles/2024/test-article.md", |t| {
                t.replace("date: 2024-05-10", "date: 2024-08-10")
            });
            vec!["content/articles/2024/test-article.md"]
        },
    );
    s.step("the site replaces a theme word", |f| {
        f.write("i18n/ur.yaml", "key_points: خلاصہ\n");
        vec!["i18n", "i18n/ur.yaml"]
    });
    s.step("and a counted one", |f| {
        edit(f, "i18n/ur.yaml", |t| {
            t + "articles:\n  one: \"{n} تحریر\"\n  other: \"{n} تحریریں\"\n"
        });
        vec!["i18n/ur.yaml"]
    });
    s.failing_step("a word file that is not YAML", |f| {
        f.write("i18n/ur.yaml", "key_points: [خلاصہ\n");
        vec!["i18n/ur.yaml"]
    });
    s.step("fixed", |f| {
        f.write("i18n/ur.yaml", "key_points: نکات\n");
        vec!["i18n/ur.yaml"]
    });
    s.step("the word file goes", |f| {
        fs::remove_file(f.path("i18n/ur.yaml")).unwrap();
        vec!["i18n/ur.yaml"]
    });
}

/// Rebuilds `changed` and returns the pages rendered again and the files that changed.
fn rebuilt(engine: &mut Engine, site: &Fixture, changed: &[&str]) -> (Vec<String>, Vec<String>) {
    let paths: Vec<PathBuf> = changed.iter().map(|p| site.path(p)).collect();
    let report = engine
        .rebuild(&paths)
        .unwrap_or_else(|e| panic!("{changed:?}: the rebuild failed:\n{e}"));
    assert!(!report.full, "{changed:?}: {}", report.line());
    let mut files: Vec<String> = report
        .delta
        .upserts
        .iter()
        .map(|(p, _)| p.clone())
        .collect();
    files.extend(report.delta.removals.iter().cloned());
    (report.pages, files)
}

#[test]
fn editing_an_urdu_file_renders_the_urdu_pages_only() {
    let site = Fixture::new("trilingual");
    let mut engine = Engine::new(site.root(), options());
    engine.build().expect("the trilingual fixture builds");
    let only_urdu = |what: &str, pages: &[String], files: &[String]| {
        assert!(!pages.is_empty(), "{what}: nothing rendered");
        for p in pages.iter().chain(files) {
            assert!(
                p.starts_with("ur/"),
                "{what}: {p} is not an Urdu page ({pages:?})"
            );
        }
    };

    let urdu = "content/articles/2025/meeting.ur.md";
    edit(&site, urdu, |t| t + "\nایک اور سطر۔\n");
    let (pages, files) = rebuilt(&mut engine, &site, &[urdu]);
    only_urdu("an Urdu body", &pages, &files);
    // Its page, and the Urdu packs that hold its text.
    assert_eq!(
        pages,
        [
            "ur/articles/meeting/index.html",
            "ur/pack/index.html",
            "ur/topics/trade/pack/index.html"
        ]
    );
    assert_same_as_full_build(&engine, site.root(), "an Urdu body");

    // A new title shows on every Urdu list and feed, and on no page of another language.
    edit(&site, urdu, |t| {
        t.replace(
            "سفیر کی کاروباری رہنماؤں سے ملاقات",
            "سفیر کی تاجروں سے ملاقات",
        )
    });
    let (pages, files) = rebuilt(&mut engine, &site, &[urdu]);
    only_urdu("an Urdu title", &pages, &files);
    // The timeline's index shows years; the year's page lists the titles.
    for listed in [
        "ur/index.html",
        "ur/timeline/2025/index.html",
        "ur/topics/trade/index.html",
    ] {
        assert!(
            pages.iter().any(|p| p == listed),
            "{listed} not rendered: {pages:?}"
        );
    }
    assert!(files.iter().any(|f| f == "ur/atom.xml"), "{files:?}");
    assert_same_as_full_build(&engine, site.root(), "an Urdu title");

    // An Urdu page by its folder (`lang: ur`).
    let by_folder = "content/articles/ur/old.md";
    edit(&site, by_folder, |t| {
        t.replace("ایک پرانی ملاقات\"", "پرانی ملاقات\"")
    });
    let (pages, files) = rebuilt(&mut engine, &site, &[by_folder]);
    only_urdu("an Urdu title by folder", &pages, &files);
    assert_same_as_full_build(&engine, site.root(), "an Urdu title by folder");

    let mut s = Steps {
        engine,
        site: &site,
        options: options(),
    };
    // What changes the other languages too: the alternates of the original, the counts of
    // what is only in other languages, the sitemap.
    s.step("a new Urdu translation of a topic", |f| {
        f.write(
            "content/topics/culture.ur.md",
            "---\ntitle: \"ثقافت\"\nsummary: \"ثقافتی تبادلہ۔\"\n---\nثقافتی تبادلے کی صورتحال۔\n",
        );
        vec!["content/topics/culture.ur.md"]
    });
    s.step("a Russian translation goes", |f| {
        fs::remove_file(f.path("content/articles/2025/meeting.ru.md")).unwrap();
        vec!["content/articles/2025/meeting.ru.md"]
    });
    s.step("and comes back", |f| {
        f.write(
            "content/articles/2025/meeting.ru.md",
            "---\ntitle: \"Встреча посла\"\n---\nПосол говорил о торговле.\n",
        );
        vec!["content/articles/2025/meeting.ru.md"]
    });
    s.step("the original's date, which its translations take", |f| {
        edit(f, "content/articles/2025/meeting.md", |t| {
            t.replace("date: 2025-01-15", "date: 2025-03-15")
        });
        vec!["content/articles/2025/meeting.md"]
    });
    s.failing_step("a translation contradicts its original", |f| {
        edit(f, "content/articles/2025/meeting.ur.md", |t| {
            t.replacen("title:", "date: 2025-01-16\ntitle:", 1)
        });
        vec!["content/articles/2025/meeting.ur.md"]
    });
    s.step("fixed", |f| {
        edit(f, "content/articles/2025/meeting.ur.md", |t| {
            t.replacen("date: 2025-01-16\n", "", 1)
        });
        vec!["content/articles/2025/meeting.ur.md"]
    });
    s.step("a page by folder moves to another language", |f| {
        edit(f, "content/articles/ur/old.md", |t| {
            t.replace("lang: ur", "lang: ru")
        });
        vec!["content/articles/ur/old.md"]
    });
    s.step("the Russian-only article gets an English original", |f| {
        f.write(
            "content/articles/2025/moscow-forum.md",
            "---\ntitle: \"A forum in Moscow\"\ndate: 2025-03-03\ntopics: [trade]\n---\nA forum.\n",
        );
        vec!["content/articles/2025/moscow-forum.md"]
    });
    s.step("and loses it again", |f| {
        fs::remove_file(f.path("content/articles/2025/moscow-forum.md")).unwrap();
        vec!["content/articles/2025/moscow-forum.md"]
    });
}

/// A generated site big enough for the dependencies between pages to matter: shared
/// people, organizations and tags (related articles), several years, feeds with limits.
fn generated_site(rng: &mut rand_pcg::Pcg64, articles: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::write(
        root.join("site.yaml"),
        "title: \"Generated\"\nbase_url: \"https://example.org/\"\nfeeds:\n  limit: 5\n",
    )
    .unwrap();
    fs::create_dir_all(root.join("content/topics")).unwrap();
    fs::create_dir_all(root.join("content/articles/a")).unwrap();
    fs::create_dir_all(root.join("content/pages")).unwrap();
    fs::create_dir_all(root.join("static")).unwrap();
    fs::write(root.join("static/site.css"), "body { margin: 0 }\n").unwrap();
    fs::write(
        root.join("content/_index.md"),
        "---\ntitle: Home\n---\nHello.\n",
    )
    .unwrap();
    fs::write(
        root.join("content/pages/about.md"),
        "---\ntitle: About\nmenu: true\n---\nSee [one](../articles/a/a0.md).\n",
    )
    .unwrap();
    for t in ["t0", "t1", "t2", "t3"] {
        fs::write(
            root.join(format!("content/topics/{t}.md")),
            format!("---\ntitle: \"Topic {t}\"\n---\nAbout {t}.\n"),
        )
        .unwrap();
    }
    for i in 0..articles {
        fs::write(
            root.join(format!("content/articles/a/a{i}.md")),
            random_article(rng, i, 0),
        )
        .unwrap();
    }
    dir
}

fn random_article(rng: &mut rand_pcg::Pcg64, i: usize, version: usize) -> String {
    use rand::RngExt;
    let pick = |rng: &mut rand_pcg::Pcg64, prefix: &str, n: usize, k: usize| -> String {
        let mut names: Vec<String> = (0..k)
            .map(|_| format!("\"{prefix} {}\"", rng.random_range(0..n)))
            .collect();
        names.sort();
        names.dedup();
        names.join(", ")
    };
    let topics = pick(rng, "x", 4, 2).replace("\"x ", "t").replace('"', "");
    let year = 2020 + rng.random_range(0..4);
    let month = 1 + rng.random_range(0..12);
    let day = 1 + rng.random_range(0..28);
    let people = pick(rng, "Person", 8, 2);
    let orgs = pick(rng, "Org", 5, 1);
    let tags = pick(rng, "tag", 6, 2);
    let link = if i > 0 && rng.random_bool(0.3) {
        format!(" See [an earlier one](a{}.md).", rng.random_range(0..i))
    } else {
        String::new()
    };
    let paragraphs = 1 + rng.random_range(0..3);
    let mut body = String::new();
    for p in 0..paragraphs {
        body.push_str(&format!(
            "Paragraph {p} of article {i}, version {version}.{link}\n\n"
        ));
    }
    format!(
        "---\ntitle: \"Article {i}\"\ndate: {year}-{month:02}-{day:02}\ntopics: [{topics}]\npeople: [{people}]\norganizations: [{orgs}]\ntags: [{tags}]\n---\n{body}"
    )
}

#[test]
fn random_edit_sequences_match_full_builds() {
    use rand::{RngExt, SeedableRng};
    let mut rng = rand_pcg::Pcg64::seed_from_u64(7);
    let n = 40;
    let dir = generated_site(&mut rng, n);
    let root = dir.path();
    let mut engine = Engine::new(root, options());
    engine.build().expect("the generated site builds");
    assert_same_as_full_build(&engine, root, "first build");
    let mut present: Vec<bool> = vec![true; n];
    // Static files put where a generated page may be, and articles deleted while others
    // still linked to them: both break the site until they are undone.
    let mut statics: BTreeSet<String> = BTreeSet::new();
    let mut broken_deletes: BTreeSet<usize> = BTreeSet::new();
    let (mut incremental, mut ok_steps, mut failed_steps) = (0, 0, 0);
    // After a failure, an edit that changes one page in place: the cheapest rebuild must
    // still find what is wrong.
    let mut in_place_next = false;
    for step in 0..90 {
        let i = rng.random_range(0..n);
        let rel = format!("content/articles/a/a{i}.md");
        let path = root.join(&rel);
        let mut paths = vec![path.clone()];
        // a0 is linked from the about page: keep it.
        let kind = if std::mem::take(&mut in_place_next) {
            0
        } else if i == 0 {
            rng.random_range(0..4)
        } else {
            rng.random_range(0..7)
        };
        let what = if kind == 6 {
            // A static file on a generated page's path (or on an article's, which may
            // come and go).
            let target = match rng.random_range(0..3) {
                0 => "timeline/index.html".to_string(),
                1 => "sitemap.xml".to_string(),
                _ => format!("articles/a{i}/index.html"),
            };
            let file = root.join("static").join(&target);
            fs::create_dir_all(file.parent().unwrap()).unwrap();
            fs::write(&file, format!("static, step {step}\n")).unwrap();
            paths = file
                .ancestors()
                .take_while(|a| *a != root.join("static"))
                .map(Path::to_path_buf)
                .collect();
            statics.insert(target);
            "static"
        } else if !present[i] {
            fs::write(&path, random_article(&mut rng, i, step)).unwrap();
            present[i] = true;
            "add"
        } else {
            let text = fs::read_to_string(&path).unwrap();
            match kind {
                0 => {
                    fs::write(&path, text + "One more sentence.\n").unwrap();
                    "append"
                }
                1 => {
                    let at = text.rfind("---\n").unwrap() + 4;
                    let new = format!(
                        "{}New first paragraph {step}.\n\n{}",
                        &text[..at],
                        &text[at..]
                    );
                    fs::write(&path, new).unwrap();
                    "summary"
                }
                2 => {
                    fs::write(&path, random_article(&mut rng, i, step)).unwrap();
                    "rewrite"
                }
                3 => {
                    let new = text.replacen(
                        &format!("title: \"Article {i}"),
                        &format!("title: \"Article {i} (step {step})"),
                        1,
                    );
                    fs::write(&path, new).unwrap();
                    "retitle"
                }
                4 => {
                    fs::remove_file(&path).unwrap();
                    present[i] = false;
                    "delete"
                }
                _ => {
                    let day = 1 + rng.random_range(0..28);
                    let new: String = text
                        .lines()
                        .map(|l| {
                            if l.starts_with("date: ") {
                                format!("date: 2019-03-{day:02}\n")
                            } else {
                                format!("{l}\n")
                            }
                        })
                        .collect();
                    fs::write(&path, new).unwrap();
                    "redate"
                }
            }
        };
        let story = format!("step {step} ({what} {rel})");
        let full = build::build(root, &options());
        match engine.rebuild(&paths) {
            Ok(report) => {
                assert!(full.is_ok(), "{story}: only the full build fails");
                ok_steps += 1;
                if !report.full {
                    incremental += 1;
                }
                assert_same_as_full_build(&engine, root, &story);
            }
            Err(e) => {
                assert!(full.is_err(), "{story}: only the rebuild fails: {e}");
                failed_steps += 1;
                if what == "delete" {
                    // Others link to it.
                    broken_deletes.insert(i);
                }
                // Sometimes the site stays broken for a while: further edits must fail
                // as the full build does, and the first good one must catch up.
                if rng.random_bool(0.5) {
                    in_place_next = true;
                    continue;
                }
                let mut fixed = Vec::new();
                for target in std::mem::take(&mut statics) {
                    let file = root.join("static").join(target);
                    fs::remove_file(&file).unwrap();
                    fixed.push(file);
                }
                for i in std::mem::take(&mut broken_deletes) {
                    let path = root.join(format!("content/articles/a/a{i}.md"));
                    if !present[i] {
                        fs::write(&path, random_article(&mut rng, i, step)).unwrap();
                        present[i] = true;
                    }
                    fixed.push(path);
                }
                if matches!(what, "add" | "rewrite") {
                    // It may link to an article deleted earlier: written again.
                    fs::write(&path, random_article(&mut rng, i, step + 1000)).unwrap();
                    fixed.push(path.clone());
                }
                if fixed.is_empty() {
                    continue;
                }
                let full = build::build(root, &options());
                match engine.rebuild(&fixed) {
                    Ok(_) => {
                        assert!(full.is_ok(), "{story}, fixed: only the full build fails");
                        assert_same_as_full_build(&engine, root, &format!("{story}, fixed"));
                    }
                    // A rewrite may have linked to an article deleted in an earlier step.
                    Err(e) => assert!(full.is_err(), "{story}, fixed: only the rebuild fails: {e}"),
                }
            }
        }
    }
    assert!(ok_steps > 40, "{ok_steps} good steps");
    assert!(failed_steps > 3, "{failed_steps} failed steps");
    assert_eq!(incremental, ok_steps, "every step was incremental");
}

#[test]
fn a_css_change_touches_only_the_stylesheet() {
    let site = Fixture::new("basic");
    site.write("static/style.css", "body { color: black }\n");
    let mut engine = Engine::new(site.root(), options());
    engine.build().unwrap();
    site.write("static/style.css", "body { color: navy }\n");
    let report = engine.rebuild(&[site.path("static/style.css")]).unwrap();
    assert_eq!(report.rendered, 0);
    assert!(report.delta.css_only(), "{:?}", report.delta.upserts);
    assert_eq!(report.delta.upserts.len(), 1);
    assert_same_as_full_build(&engine, site.root(), "css");
}

#[test]
fn a_body_edit_renders_few_pages() {
    let site = Fixture::new("basic");
    let mut engine = Engine::new(site.root(), options());
    engine.build().unwrap();
    edit(&site, "content/articles/2025/fourth.md", |t| {
        t + "\nAnother line at the end.\n"
    });
    let report = engine
        .rebuild(&[site.path("content/articles/2025/fourth.md")])
        .unwrap();
    // The article's own page, and the packs that hold its text: the briefing's and those
    // of its two topics. Not the third topic's pack, nor any list. (The feeds and the
    // search index carry the text too; they are not pages.)
    let mut updated: Vec<&str> = report
        .delta
        .upserts
        .iter()
        .map(|(p, _)| p.as_str())
        .filter(|p| p.ends_with(".html"))
        .collect();
    updated.sort_unstable();
    assert_eq!(
        updated,
        [
            "articles/fourth/index.html",
            "pack/index.html",
            "topics/alpha/pack/index.html",
            "topics/gamma/pack/index.html",
        ],
        "{report:?}"
    );
    assert_eq!(report.rendered, 4, "{report:?}");
    assert!(!report.full);
    assert_same_as_full_build(&engine, site.root(), "body edit");
}

#[test]
fn a_pack_page_follows_the_articles_it_holds_and_nothing_else() {
    let site = Fixture::new("pack");
    let mut engine = Engine::new(site.root(), options());
    engine.build().unwrap();
    let mut rebuild = |rel: &str| -> Vec<String> {
        let report = engine.rebuild(&[site.path(rel)]).unwrap();
        assert!(!report.full, "{rel}: {}", report.line());
        assert_same_as_full_build(&engine, site.root(), rel);
        let mut updated: Vec<String> = report.delta.upserts.into_iter().map(|(p, _)| p).collect();
        updated.sort_unstable();
        updated
    };
    let packs = |updated: &[String]| -> Vec<String> {
        updated
            .iter()
            .filter(|p| p.ends_with("pack/index.html"))
            .cloned()
            .collect()
    };

    // A body edit of a fisheries article: its pack and the briefing's, not the ports pack.
    edit(&site, "content/articles/2024/quota-review.md", |t| {
        t + "\nThe review ends in May.\n"
    });
    let updated = rebuild("content/articles/2024/quota-review.md");
    assert_eq!(
        packs(&updated),
        ["pack/index.html", "topics/fisheries/pack/index.html"]
    );

    // The ports overview: the ports pack and the briefing's.
    edit(&site, "content/topics/ports.md", |t| {
        t.replace("Both harbours are busy.", "Both harbours are very busy.")
    });
    let updated = rebuild("content/topics/ports.md");
    assert_eq!(
        packs(&updated),
        ["pack/index.html", "topics/ports/pack/index.html"]
    );

    // A topic's title is in every pack that shows an article filed under it (and in the
    // menus every themed page carries).
    edit(&site, "content/topics/fisheries.md", |t| {
        t.replace("title: \"Fisheries\"", "title: \"Fishing\"")
    });
    let updated = rebuild("content/topics/fisheries.md");
    assert_eq!(
        packs(&updated),
        [
            "pack/index.html",
            "topics/fisheries/pack/index.html",
            "topics/ports/pack/index.html"
        ]
    );

    // A page no pack holds: no pack is rendered again.
    edit(&site, "content/pages/about.md", |t| {
        t + "\nAnd who edits it.\n"
    });
    let updated = rebuild("content/pages/about.md");
    assert!(packs(&updated).is_empty(), "{updated:?}");

    // An article moves from one topic to the other: both packs, and the briefing's (its
    // topics are listed under its title).
    edit(&site, "content/articles/2024/harbour-opens.md", |t| {
        t.replace("topics: [ports]", "topics: [fisheries]")
    });
    let updated = rebuild("content/articles/2024/harbour-opens.md");
    assert_eq!(
        packs(&updated),
        [
            "pack/index.html",
            "topics/fisheries/pack/index.html",
            "topics/ports/pack/index.html"
        ]
    );
    let ports =
        String::from_utf8(engine.output().files["topics/ports/pack/index.html"].clone()).unwrap();
    assert!(!ports.contains("The north harbour opens"));
}

#[test]
fn with_packs_pdf_the_preview_serves_each_pack_pdf_and_typesets_only_those_that_changed() {
    let site = Fixture::new("pack");
    let config = site.read("site.yaml");
    site.write("site.yaml", &format!("{config}packs:\n  pdf: true\n"));
    let mut engine = Engine::new(site.root(), options());
    engine.build().unwrap();
    assert_same_as_full_build(&engine, site.root(), "first build");
    let pdfs = |engine: &Engine| -> Vec<String> {
        engine
            .output()
            .files
            .keys()
            .filter(|k| k.ends_with(".pdf"))
            .cloned()
            .collect()
    };
    assert_eq!(
        pdfs(&engine),
        [
            "pack/pack.pdf",
            "topics/fisheries/pack/pack.pdf",
            "topics/ports/pack/pack.pdf"
        ]
    );

    // A fisheries article's text: its topic's PDF and the briefing's, not the ports one.
    edit(&site, "content/articles/2024/quota-review.md", |t| {
        t + "\nThe review ends in May.\n"
    });
    let report = engine
        .rebuild(&[site.path("content/articles/2024/quota-review.md")])
        .unwrap();
    let mut changed: Vec<&str> = report
        .delta
        .upserts
        .iter()
        .map(|(p, _)| p.as_str())
        .filter(|p| p.ends_with(".pdf"))
        .collect();
    changed.sort_unstable();
    assert_eq!(changed, ["pack/pack.pdf", "topics/fisheries/pack/pack.pdf"]);
    assert_same_as_full_build(&engine, site.root(), "article edit");

    // A page no pack holds: no PDF is typeset again.
    edit(&site, "content/pages/about.md", |t| {
        t + "\nAnd who edits it.\n"
    });
    let report = engine
        .rebuild(&[site.path("content/pages/about.md")])
        .unwrap();
    assert!(
        !report
            .delta
            .upserts
            .iter()
            .any(|(p, _)| p.ends_with(".pdf")),
        "{:?}",
        report
            .delta
            .upserts
            .iter()
            .map(|(p, _)| p)
            .collect::<Vec<_>>()
    );

    // A new topic gets its pack and its PDF; deleting it takes both away.
    site.write(
        "content/topics/shipyards.md",
        "---\ntitle: \"Shipyards\"\n---\nNo news yet.\n",
    );
    engine
        .rebuild(&[site.path("content/topics/shipyards.md")])
        .unwrap();
    assert!(pdfs(&engine).contains(&"topics/shipyards/pack/pack.pdf".to_string()));
    assert_same_as_full_build(&engine, site.root(), "new topic");
    std::fs::remove_file(site.path("content/topics/shipyards.md")).unwrap();
    engine
        .rebuild(&[site.path("content/topics/shipyards.md")])
        .unwrap();
    assert!(!pdfs(&engine).contains(&"topics/shipyards/pack/pack.pdf".to_string()));
    assert_same_as_full_build(&engine, site.root(), "topic deleted");

    // Turning the PDFs off takes them away.
    site.write("site.yaml", &config);
    engine.rebuild(&[site.path("site.yaml")]).unwrap();
    assert!(pdfs(&engine).is_empty());
    assert_same_as_full_build(&engine, site.root(), "pdf off");
}

#[test]
fn adding_an_article_renders_the_pages_that_show_it_not_every_page() {
    use rand::SeedableRng;
    let mut rng = rand_pcg::Pcg64::seed_from_u64(11);
    let dir = generated_site(&mut rng, 40);
    let root = dir.path();
    let mut engine = Engine::new(root, options());
    engine.build().unwrap();
    let pages = engine
        .output()
        .files
        .keys()
        .filter(|k| k.ends_with(".html"))
        .count();
    let new = root.join("content/articles/a/new.md");
    fs::write(
        &new,
        "---\ntitle: \"A new article\"\ndate: 2030-01-01\ntopics: [t1]\npeople: [\"Someone New\"]\n---\nNew.\n",
    )
    .unwrap();
    let report = engine.rebuild(std::slice::from_ref(&new)).unwrap();
    assert!(!report.full);
    // Its page, its neighbour, home, the timeline, its topic and the topics page (counts),
    // its person and the people page, and the articles that now list it as related.
    assert!(
        report.rendered < pages / 2,
        "{} of {pages} pages rendered",
        report.rendered
    );
    let updated: Vec<&str> = report
        .delta
        .upserts
        .iter()
        .map(|(p, _)| p.as_str())
        .collect();
    for shown in [
        "articles/new/index.html",
        "index.html",
        "timeline/index.html",
        "topics/t1/index.html",
        "topics/index.html",
        "people/someone-new/index.html",
        "people/index.html",
        "sitemap.xml",
    ] {
        assert!(updated.contains(&shown), "{shown} not updated: {updated:?}");
    }
    for unchanged in ["about/index.html", "topics/t0/index.html", "404.html"] {
        assert!(!updated.contains(&unchanged), "{unchanged} updated");
    }
    assert_same_as_full_build(&engine, root, "add an article");

    fs::remove_file(&new).unwrap();
    let report = engine.rebuild(std::slice::from_ref(&new)).unwrap();
    assert!(report.rendered < pages / 2, "{report:?}");
    assert!(
        report
            .delta
            .removals
            .contains(&"people/someone-new/index.html".to_string())
    );
    assert_same_as_full_build(&engine, root, "delete it again");
}

/// A site with 29 articles on topic t0, one a day in January 2022, and 5 on t1 in 2021,
/// at 5 articles a page.
fn paged_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::write(
        root.join("site.yaml"),
        "title: Paged\nbase_url: https://example.org/\npagination:\n  per_page: 5\n",
    )
    .unwrap();
    fs::create_dir_all(root.join("content/topics")).unwrap();
    fs::create_dir_all(root.join("content/articles")).unwrap();
    for t in ["t0", "t1"] {
        fs::write(
            root.join(format!("content/topics/{t}.md")),
            format!("---\ntitle: Topic {t}\n---\nAbout {t}.\n"),
        )
        .unwrap();
    }
    for day in 1..=29 {
        fs::write(
            root.join(format!("content/articles/d{day:02}.md")),
            format!("---\ntitle: Day {day:02}\ndate: 2022-01-{day:02}\ntopics: [t0]\n---\nOn day {day}.\n"),
        )
        .unwrap();
    }
    for month in 1..=5 {
        fs::write(
            root.join(format!("content/articles/m{month}.md")),
            format!("---\ntitle: Month {month}\ndate: 2021-{month:02}-15\ntopics: [t1]\n---\nIn month {month}.\n"),
        )
        .unwrap();
    }
    dir
}

#[test]
fn adding_an_article_renders_only_the_pages_of_a_list_whose_contents_changed() {
    let dir = paged_site();
    let root = dir.path();
    let mut engine = Engine::new(root, options());
    engine.build().unwrap();
    // A late-filed article from 8 January: in every list of 2022 it lands on page 5 of 6
    // (newest first, 5 a page), so pages 1-4 show what they showed.
    let new = root.join("content/articles/late.md");
    fs::write(
        &new,
        "---\ntitle: Late\ndate: 2022-01-08\ntopics: [t0]\n---\nFiled late.\n",
    )
    .unwrap();
    let report = engine.rebuild(std::slice::from_ref(&new)).unwrap();
    assert!(!report.full);
    let updated: BTreeSet<&str> = report
        .delta
        .upserts
        .iter()
        .map(|(p, _)| p.as_str())
        .collect();
    for changed in [
        "timeline/2022/page/5/index.html",
        "timeline/2022/page/6/index.html",
        "topics/t0/page/5/index.html",
        "topics/t0/page/6/index.html",
        // Home lists 2022, then 2021: the new one is 22nd.
        "page/5/index.html",
        "page/6/index.html",
        "page/7/index.html",
        "timeline/index.html",
        // The first page of a list counts its articles.
        "timeline/2022/index.html",
        "topics/t0/index.html",
    ] {
        assert!(
            updated.contains(changed),
            "{changed} not updated: {updated:?}"
        );
    }
    for same in [
        "timeline/2022/page/2/index.html",
        "timeline/2022/page/4/index.html",
        "timeline/2021/index.html",
        "topics/t0/page/2/index.html",
        "topics/t0/page/4/index.html",
        "topics/t1/index.html",
        "page/2/index.html",
        "page/4/index.html",
    ] {
        assert!(!updated.contains(same), "{same} updated");
    }
    // Every page rendered again changed: nothing was rendered for nothing.
    let html = updated.iter().filter(|p| p.ends_with(".html")).count();
    assert_eq!(report.rendered, html, "{}", report.line());
    assert_same_as_full_build(&engine, root, "add a late article");

    // A new page of a list: one more article in 2022 makes 31, a seventh page, and every
    // page of the year shows the new page in its pager.
    let newer = root.join("content/articles/later.md");
    fs::write(
        &newer,
        "---\ntitle: Later\ndate: 2022-01-30\ntopics: [t0]\n---\nLater still.\n",
    )
    .unwrap();
    let report = engine.rebuild(std::slice::from_ref(&newer)).unwrap();
    let updated: Vec<&str> = report
        .delta
        .upserts
        .iter()
        .map(|(p, _)| p.as_str())
        .collect();
    assert!(updated.contains(&"timeline/2022/page/7/index.html"));
    assert!(updated.contains(&"timeline/2022/index.html"));
    assert_same_as_full_build(&engine, root, "a seventh page");
    fs::remove_file(&newer).unwrap();
    let report = engine.rebuild(std::slice::from_ref(&newer)).unwrap();
    assert!(
        report
            .delta
            .removals
            .contains(&"timeline/2022/page/7/index.html".to_string()),
        "{:?}",
        report.delta.removals
    );
    assert_same_as_full_build(&engine, root, "back to six pages");
}

/// A site of 400 articles with 60 words each from a vocabulary of 9,000, so that its search
/// index has many shards.
fn wordy_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::write(
        root.join("site.yaml"),
        "title: Wordy\nbase_url: https://example.org/\n",
    )
    .unwrap();
    fs::create_dir_all(root.join("content/topics")).unwrap();
    fs::create_dir_all(root.join("content/articles")).unwrap();
    fs::write(
        root.join("content/topics/t0.md"),
        "---\ntitle: Topic\n---\nAbout.\n",
    )
    .unwrap();
    for i in 0..400usize {
        let words: Vec<String> = (0..60)
            .map(|k| format!("w{}", (i * 7919 + k * 104_729) % 9000))
            .collect();
        fs::write(
            root.join(format!("content/articles/a{i}.md")),
            format!(
                "---\ntitle: Article {i}\ndate: 2021-{:02}-{:02}\ntopics: [t0]\n---\n{}\n",
                1 + i % 12,
                1 + i % 28,
                words.join(" ")
            ),
        )
        .unwrap();
    }
    dir
}

#[test]
fn an_edit_rewrites_only_the_search_shards_of_the_words_it_changed() {
    let dir = wordy_site();
    let root = dir.path();
    let mut engine = Engine::new(root, options());
    engine.build().unwrap();
    let shards = |engine: &Engine| -> BTreeSet<String> {
        engine
            .output()
            .files
            .keys()
            .filter(|k| k.starts_with("search/s/"))
            .cloned()
            .collect()
    };
    let before = shards(&engine);
    assert!(before.len() > 8, "{} shards", before.len());
    // One word of one article becomes a word no other page has.
    let path = root.join("content/articles/a42.md");
    let text = fs::read_to_string(&path).unwrap();
    let word = text
        .lines()
        .nth(5)
        .unwrap()
        .split(' ')
        .next()
        .unwrap()
        .to_string();
    fs::write(&path, text.replacen(&word, "zanzibar", 1)).unwrap();
    let report = engine.rebuild(std::slice::from_ref(&path)).unwrap();
    assert!(!report.full);
    let search: Vec<&str> = report
        .delta
        .upserts
        .iter()
        .map(|(p, _)| p.as_str())
        .filter(|p| p.starts_with("search/"))
        .collect();
    let new_shards = search.iter().filter(|p| p.starts_with("search/s/")).count();
    // The shard that lost the word and the one that gained the new one (or one that did
    // both; a cut moved by the change may take a neighbour with it), the manifest that
    // names them, and the article's fragment.
    assert!(
        (1..=4).contains(&new_shards),
        "{new_shards} shards rewritten: {search:?}"
    );
    assert!(search.contains(&"search/manifest.json"));
    assert_eq!(search.len(), new_shards + 2, "{search:?}");
    let gone = report
        .delta
        .removals
        .iter()
        .filter(|p| p.starts_with("search/s/"))
        .count();
    assert!((1..=4).contains(&gone), "{:?}", report.delta.removals);
    assert_same_as_full_build(&engine, root, "a new word");
    let after = shards(&engine);
    assert!(before.intersection(&after).count() >= before.len() - 4);

    // A new article and its removal: its words' shards and its fragment come and go.
    let new = root.join("content/articles/new.md");
    fs::write(
        &new,
        "---\ntitle: Brand new\ndate: 2022-05-05\ntopics: [t0]\n---\nw1 w2 w3 quetzal\n",
    )
    .unwrap();
    engine.rebuild(std::slice::from_ref(&new)).unwrap();
    assert_same_as_full_build(&engine, root, "a new article");
    fs::remove_file(&new).unwrap();
    let report = engine.rebuild(std::slice::from_ref(&new)).unwrap();
    assert!(
        report
            .delta
            .removals
            .iter()
            .any(|p| p.starts_with("search/f/")),
        "{:?}",
        report.delta.removals
    );
    assert_same_as_full_build(&engine, root, "the new article gone");
    assert_eq!(shards(&engine), after, "the same shards as before it came");

    // One filed on a day that has articles joins their fragments file, and leaves it.
    let day_files = |report: &attache::serve::Report| -> Vec<String> {
        let upserts = report.delta.upserts.iter().map(|(p, _)| p);
        upserts
            .chain(&report.delta.removals)
            .filter(|p| p.starts_with("search/f/"))
            .cloned()
            .collect()
    };
    let busy = root.join("content/articles/busy-day.md");
    fs::write(
        &busy,
        "---\ntitle: Same day\ndate: 2021-01-01\ntopics: [t0]\n---\nw1 quokka\n",
    )
    .unwrap();
    let report = engine.rebuild(std::slice::from_ref(&busy)).unwrap();
    let joined = day_files(&report);
    assert_eq!(joined.len(), 1, "{joined:?}");
    assert_same_as_full_build(&engine, root, "an article on a busy day");
    fs::remove_file(&busy).unwrap();
    let report = engine.rebuild(std::slice::from_ref(&busy)).unwrap();
    assert_eq!(
        day_files(&report),
        joined,
        "the day's file is written again"
    );
    assert!(!report.delta.removals.contains(&joined[0]));
    assert_same_as_full_build(&engine, root, "the busy day as it was");
}

#[test]
fn an_edit_in_one_language_rewrites_only_that_languages_search_files() {
    let site = Fixture::new("trilingual");
    site.write(
        "site.yaml",
        &format!("{}pagination:\n  per_page: 1\n", site.read("site.yaml")),
    );
    let mut engine = Engine::new(site.root(), options());
    engine.build().unwrap();
    assert_same_as_full_build(&engine, site.root(), "first build");
    let rel = "content/articles/2025/meeting.ur.md";
    edit(&site, rel, |t| t + "\nنیا لفظ\n");
    let report = engine.rebuild(&[site.path(rel)]).unwrap();
    let search: Vec<&str> = report
        .delta
        .upserts
        .iter()
        .map(|(p, _)| p.as_str())
        .filter(|p| p.contains("search/"))
        .collect();
    assert!(!search.is_empty());
    assert!(
        search.iter().all(|p| p.starts_with("ur/search/")),
        "{search:?}"
    );
    assert_same_as_full_build(&engine, site.root(), "an Urdu edit");
    // A new Russian article: the Russian lists get a page more, the others stay.
    let new = "content/articles/ru/2025/new.md";
    site.write(
        new,
        "---\ntitle: \"Новая статья\"\nlang: ru\ndate: 2025-06-01\ntopics: [trade]\n---\nТекст.\n",
    );
    let report = engine.rebuild(&[site.path(new)]).unwrap();
    let updated: Vec<&str> = report
        .delta
        .upserts
        .iter()
        .map(|(p, _)| p.as_str())
        .collect();
    assert!(updated.contains(&"ru/page/3/index.html"), "{updated:?}");
    assert!(
        !updated.iter().any(|p| p.starts_with("ur/search/")),
        "{updated:?}"
    );
    assert_same_as_full_build(&engine, site.root(), "a new Russian article");
}

/// A site without search keeps no plain text of its bodies (only the index reads it): a
/// writer who turns search on while previewing gets every page indexed, word for word.
#[test]
fn turning_search_on_while_previewing_indexes_every_word() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let yaml = "title: Desk\nbase_url: https://example.org/\n";
    fs::write(
        root.join("site.yaml"),
        format!("{yaml}search:\n  enabled: false\n"),
    )
    .unwrap();
    fs::create_dir_all(root.join("content/articles")).unwrap();
    fs::create_dir_all(root.join("content/topics")).unwrap();
    fs::write(
        root.join("content/topics/trade.md"),
        "---\ntitle: Trade\n---\nTrade.\n",
    )
    .unwrap();
    let article = root.join("content/articles/port.md");
    fs::write(
        &article,
        "---\ntitle: Port talks\ndate: 2025-01-15\ntopics: [trade]\n---\nTalks on Gwadar.\n",
    )
    .unwrap();
    let mut engine = Engine::new(root, options());
    engine.build().unwrap();
    let has_search = |engine: &Engine| {
        engine
            .output()
            .files
            .keys()
            .any(|k| k.starts_with("search/"))
    };
    assert!(!has_search(&engine));
    fs::write(
        &article,
        "---\ntitle: Port talks\ndate: 2025-01-15\ntopics: [trade]\n---\nTalks on Gwadar and Karachi.\n",
    )
    .unwrap();
    engine.rebuild(std::slice::from_ref(&article)).unwrap();
    assert_same_as_full_build(&engine, root, "an edit without search");

    fs::write(root.join("site.yaml"), yaml).unwrap();
    engine.rebuild(&[root.join("site.yaml")]).unwrap();
    assert!(has_search(&engine));
    assert_same_as_full_build(&engine, root, "search turned on");
    let fragments: Vec<serde_json::Value> = engine
        .output()
        .files
        .iter()
        .filter(|(k, _)| k.starts_with("search/f/"))
        .map(|(_, bytes)| serde_json::from_slice(bytes).unwrap())
        .collect();
    let text = fragments
        .iter()
        .flat_map(|file| file.as_object().unwrap().values())
        .map(|fragment| fragment["x"].as_str().unwrap_or_default().to_string())
        .collect::<Vec<_>>()
        .join(" ");
    assert!(text.contains("Gwadar and Karachi"), "{text}");
}

// ---------------------------------------------------------------------------------------
// The server, over HTTP.

fn start(site: &Fixture) -> Handle {
    start_on(site, 0)
}

fn start_on(site: &Fixture, port: u16) -> Handle {
    let mut options = ServeOptions::new(site.root());
    options.port = port;
    options.quiet = true;
    serve::start(options).expect("the server starts")
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(WAIT))
        .http_status_as_error(false)
        .max_redirects(0)
        .max_redirects_will_error(false)
        .build()
        .into()
}

struct Got {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Got {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

fn request(method: &str, url: &str, headers: &[(&str, &str)]) -> Got {
    let agent = agent();
    let mut builder = match method {
        "HEAD" => agent.head(url),
        _ => agent.get(url),
    };
    for (k, v) in headers {
        builder = builder.header(*k, *v);
    }
    let mut r = builder
        .call()
        .unwrap_or_else(|e| panic!("{method} {url}: {e}"));
    Got {
        status: r.status().as_u16(),
        headers: r
            .headers()
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string()))
            .collect(),
        body: r.body_mut().read_to_vec().unwrap_or_default(),
    }
}

fn get(handle: &Handle, path: &str) -> Got {
    request("GET", &format!("http://{}{path}", handle.addr()), &[])
}

/// Sends `raw` bytes as the request and returns the status code and the whole response.
fn raw(addr: SocketAddr, raw: &[u8]) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(WAIT)).unwrap();
    stream.write_all(raw).unwrap();
    let mut out = Vec::new();
    let _ = stream.read_to_end(&mut out);
    let text = String::from_utf8_lossy(&out).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {text:?}"));
    (status, text)
}

fn raw_get(addr: SocketAddr, target: &str) -> (u16, String) {
    raw(
        addr,
        format!("GET {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").as_bytes(),
    )
}

/// A live-reload listener: events arrive on a channel, read by a thread of their own.
struct Events {
    rx: mpsc::Receiver<(String, String)>,
}

impl Events {
    fn connect(handle: &Handle) -> Events {
        let url = format!("http://{}/__attache/events", handle.addr());
        let (tx, rx) = mpsc::channel();
        let (ready_tx, ready_rx) = mpsc::channel();
        std::thread::spawn(move || {
            let agent: ureq::Agent = ureq::Agent::config_builder()
                .http_status_as_error(false)
                .build()
                .into();
            let response = agent.get(&url).call();
            let Ok(response) = response else { return };
            let _ = ready_tx.send(response.status().as_u16());
            let reader = BufReader::new(response.into_body().into_reader());
            let (mut event, mut data) = (String::new(), String::new());
            for line in reader.lines() {
                let Ok(line) = line else { return };
                if line.is_empty() {
                    if !event.is_empty() && tx.send((event.clone(), data.clone())).is_err() {
                        return;
                    }
                    event.clear();
                    data.clear();
                } else if let Some(e) = line.strip_prefix("event:") {
                    event = e.trim().to_string();
                } else if let Some(d) = line.strip_prefix("data:") {
                    data.push_str(d.trim_start());
                }
            }
        });
        let status = ready_rx
            .recv_timeout(WAIT)
            .expect("the event stream answers");
        assert_eq!(status, 200);
        let events = Events { rx };
        events.expect("hello");
        events
    }

    /// Waits for the event `name` (skipping others) and returns its data.
    fn expect(&self, name: &str) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok((event, data)) if event == name => return data,
                Ok(_) => continue,
                Err(_) => panic!("no `{name}` event within {WAIT:?}"),
            }
        }
    }

    /// The events that arrive within `d`.
    fn during(&self, d: Duration) -> Vec<(String, String)> {
        let deadline = Instant::now() + d;
        let mut out = Vec::new();
        while let Ok(e) = self
            .rx
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
        {
            out.push(e);
        }
        out
    }
}

/// Shuts the server down and checks it does so promptly, even with an event stream open.
fn stop(handle: Handle) {
    let start = Instant::now();
    handle.shutdown();
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "shutdown took {:?}",
        start.elapsed()
    );
}

#[test]
fn serves_pages_with_types_etags_heads_and_redirects() {
    let site = Fixture::new("basic");
    site.write("static/pixel.png", "not really a png");
    site.write("static/font.woff2", "not really a font");
    let handle = start(&site);
    assert!(handle.url().starts_with("http://127.0.0.1:"));
    assert_ne!(handle.addr().port(), 0);

    let home = get(&handle, "/");
    assert_eq!(home.status, 200);
    assert_eq!(
        home.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    let text = home.text();
    assert!(text.contains("Fixture Briefing"));
    // Links point at this server, with no sub-path.
    assert!(
        text.contains(&format!("href=\"{}\"", handle.url())),
        "canonical link to the local URL"
    );
    // The live-reload script, last in the body, with the generation the page is from.
    let tag = "<script src=\"/__attache/live-reload.js\" data-gen=\"";
    let at = text.rfind(tag).expect("the live-reload script");
    assert!(
        text[at..].contains("\"></script>\n</body>"),
        "{}",
        &text[at..]
    );
    let generation = &text[at + tag.len()..];
    let generation = &generation[..generation.find('"').unwrap()];
    assert!(!generation.is_empty());
    assert!(home.header("access-control-allow-origin").is_none());

    for (path, ctype) in [
        ("/style.css", "text/css; charset=utf-8"),
        ("/favicon.svg", "image/svg+xml"),
        ("/search.js", "text/javascript; charset=utf-8"),
        ("/atom.xml", "application/atom+xml"),
        ("/topics/alpha/atom.xml", "application/atom+xml"),
        ("/sitemap.xml", "application/xml"),
        ("/robots.txt", "text/plain; charset=utf-8"),
        ("/search/manifest.json", "application/json"),
        ("/pixel.png", "image/png"),
        ("/font.woff2", "font/woff2"),
        ("/articles/custom-third/", "text/html; charset=utf-8"),
        (
            "/articles/custom-third/index.html",
            "text/html; charset=utf-8",
        ),
        (
            "/__attache/live-reload.js",
            "text/javascript; charset=utf-8",
        ),
    ] {
        let r = get(&handle, path);
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(r.header("content-type"), Some(ctype), "{path}");
    }
    // Only HTML gets the script.
    assert!(!get(&handle, "/atom.xml").text().contains("live-reload"));

    // `/x` is the page `/x/`.
    for (from, to) in [
        ("/topics", "/topics/"),
        ("/articles/custom-third", "/articles/custom-third/"),
        ("/topics?x=1", "/topics/?x=1"),
    ] {
        let r = get(&handle, from);
        assert!(matches!(r.status, 301 | 308), "{from}: {}", r.status);
        assert_eq!(r.header("location"), Some(to), "{from}");
    }

    // HEAD: the headers of GET, no body.
    let head = request("HEAD", &format!("{}topics/", handle.url()), &[]);
    let full = get(&handle, "/topics/");
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert_eq!(
        head.header("content-length").map(str::to_owned),
        Some(full.body.len().to_string())
    );
    assert_eq!(head.header("etag"), full.header("etag"));

    // Conditional GET.
    let etag = full.header("etag").expect("an ETag").to_string();
    let again = request(
        "GET",
        &format!("{}topics/", handle.url()),
        &[("If-None-Match", &etag)],
    );
    assert_eq!(again.status, 304);
    assert!(again.body.is_empty());
    let other = request(
        "GET",
        &format!("{}topics/", handle.url()),
        &[("If-None-Match", "\"something-else\"")],
    );
    assert_eq!(other.status, 200);

    // Unknown paths: the site's 404 page, with status 404, and the requested path
    // never echoed unescaped.
    // Served bytes are the built bytes.
    let built = build::build(
        site.root(),
        &BuildOptions {
            drafts: false,
            base_url: Some(handle.url().to_string()),
            ..Default::default()
        },
    )
    .unwrap()
    .output;
    for file in [
        "search/manifest.json",
        "atom.xml",
        "style.css",
        "sitemap.xml",
    ] {
        let served = get(&handle, &format!("/{file}"));
        assert!(
            served.body == built.files[file],
            "{file} differs from the build"
        );
        let head = request("HEAD", &format!("{}{file}", handle.url()), &[]);
        assert_eq!(
            head.header("content-length").map(str::to_owned),
            Some(built.files[file].len().to_string()),
            "{file}"
        );
    }

    let missing = get(&handle, "/no/such/page/");
    assert_eq!(missing.status, 404);
    let built_404 = build::build(
        site.root(),
        &BuildOptions {
            drafts: false,
            base_url: Some(handle.url().to_string()),
            ..Default::default()
        },
    )
    .unwrap()
    .output
    .files["404.html"]
        .clone();
    let built_404 = String::from_utf8(built_404).unwrap();
    let title = built_404
        .split("<title>")
        .nth(1)
        .and_then(|t| t.split("</title>").next())
        .unwrap();
    assert!(missing.text().contains(title), "the site's own 404 page");
    let (status, text) = raw_get(handle.addr(), "/%3Cscript%3Ealert(1)%3C/script%3E");
    assert_eq!(status, 404);
    assert!(!text.contains("<script>alert(1)"));

    // Other methods.
    let (status, _) = raw(
        handle.addr(),
        format!(
            "POST / HTTP/1.1\r\nHost: {}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            handle.addr()
        )
        .as_bytes(),
    );
    assert_eq!(status, 405);
    stop(handle);
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .expect("a gzip stream");
    out
}

fn unbrotli(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    brotli::Decompressor::new(bytes, 4096)
        .read_to_end(&mut out)
        .expect("a brotli stream");
    out
}

/// A reader's browser asks for brotli or gzip and gets the very page it would get plain,
/// compressed, with a tag of its own for each encoding; images go as they are; after an
/// edit the compressed page is the new one.
#[test]
fn serves_text_compressed_as_the_client_asks() {
    let site = Fixture::new("basic");
    site.write("static/pixel.png", "not really a png");
    let handle = start(&site);
    let events = Events::connect(&handle);
    let url = |path: &str| format!("http://{}{path}", handle.addr());
    let plain = get(&handle, "/articles/fourth/");
    assert_eq!(plain.status, 200);
    assert_eq!(plain.header("content-encoding"), None);
    assert_eq!(plain.header("vary"), Some("accept-encoding"));

    let br = request(
        "GET",
        &url("/articles/fourth/"),
        &[("accept-encoding", "gzip, deflate, br")],
    );
    assert_eq!(br.status, 200);
    assert_eq!(br.header("content-encoding"), Some("br"));
    assert_eq!(br.header("vary"), Some("accept-encoding"));
    assert_eq!(
        br.header("content-length"),
        Some(br.body.len().to_string().as_str())
    );
    assert!(br.body.len() < plain.body.len(), "smaller than the page");
    assert_eq!(unbrotli(&br.body), plain.body, "the same page");

    let gz = request(
        "GET",
        &url("/articles/fourth/"),
        &[("accept-encoding", "gzip")],
    );
    assert_eq!(gz.header("content-encoding"), Some("gzip"));
    assert_eq!(gunzip(&gz.body), plain.body);

    // Each encoding has its own tag, and a client that has it gets 304.
    let tags = [&plain, &br, &gz].map(|g| g.header("etag").unwrap().to_string());
    assert_eq!(tags.iter().collect::<BTreeSet<_>>().len(), 3, "{tags:?}");
    let again = request(
        "GET",
        &url("/articles/fourth/"),
        &[("accept-encoding", "br"), ("if-none-match", &tags[1])],
    );
    assert_eq!(again.status, 304);
    assert_eq!(again.header("etag"), Some(tags[1].as_str()));

    // Stylesheets and the search index are compressed; images are not.
    for path in ["/style.css", "/search/manifest.json", "/atom.xml"] {
        let whole = get(&handle, path);
        assert_eq!(whole.status, 200, "{path}");
        let gz = request("GET", &url(path), &[("accept-encoding", "gzip")]);
        assert_eq!(gz.header("content-encoding"), Some("gzip"), "{path}");
        assert_eq!(gunzip(&gz.body), whole.body, "{path}");
    }
    let png = request(
        "GET",
        &url("/pixel.png"),
        &[("accept-encoding", "br, gzip")],
    );
    assert_eq!(png.header("content-encoding"), None);
    assert_eq!(png.body, b"not really a png");
    // A client that refuses both gets the page plain.
    let refused = request("GET", &url("/"), &[("accept-encoding", "br;q=0, gzip;q=0")]);
    assert_eq!(refused.header("content-encoding"), None);

    // After an edit, the compressed page is the new one.
    edit(&site, "content/articles/2025/fourth.md", |t| {
        t + "\nA sentence freshly added.\n"
    });
    events.expect("reload");
    let br = request(
        "GET",
        &url("/articles/fourth/"),
        &[("accept-encoding", "br")],
    );
    let text = String::from_utf8(unbrotli(&br.body)).unwrap();
    assert!(text.contains("freshly added"), "{text}");
    assert_eq!(text, get(&handle, "/articles/fourth/").text());
    stop(handle);
}

#[test]
fn request_paths_never_leave_the_output() {
    let site = Fixture::new("basic");
    site.write("static/inside.txt", "inside");
    let handle = start(&site);
    let addr = handle.addr();
    let secret = fs::read_to_string(site.path("site.yaml")).unwrap();
    let secret_line = secret.lines().find(|l| l.contains("base_url")).unwrap();
    for target in [
        "/../site.yaml",
        "/../../../../etc/passwd",
        "/%2e%2e/site.yaml",
        "/%2E%2E/%2e%2e/etc/passwd",
        "/%2e%2e%2fsite.yaml",
        "/..%2fsite.yaml",
        "/articles/..%2f..%2fsite.yaml",
        "/./site.yaml",
        "/%2e/site.yaml",
        "/..\\site.yaml",
        "/%5c..%5csite.yaml",
        "/..%5csite.yaml",
        "/index.html%00.txt",
        "/%00",
        "/%ff%fe",
        "/%c0%ae%c0%ae/site.yaml",
        "//etc/passwd",
        "/site.yaml",
        "/content/_index.md",
        "/static/inside.txt",
        "/%2fetc%2fpasswd",
        "/a/b/%2e%2e/%2e%2e/%2e%2e/site.yaml",
    ] {
        let (status, text) = raw_get(addr, target);
        assert!(
            matches!(status, 400 | 404),
            "{target}: answered {status}:\n{text}"
        );
        assert!(!text.contains(secret_line), "{target} leaked site.yaml");
        assert!(!text.contains("root:"), "{target} leaked /etc/passwd");
    }
    // The file is served at its output path, and `%2f` is just a `/` there.
    assert_eq!(raw_get(addr, "/inside.txt").0, 200);
    assert_eq!(raw_get(addr, "/topics%2falpha%2f").0, 200);
    // Malformed requests: 400, and the server goes on.
    for junk in [
        &b"GARBAGE\r\n\r\n"[..],
        b"GET /\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: \xff\xfe\r\n\r\n",
        b"GET /\x01x HTTP/1.1\r\n\r\n",
    ] {
        let (status, _) = raw(addr, junk);
        assert_eq!(status, 400, "{:?}", String::from_utf8_lossy(junk));
    }
    assert_eq!(get(&handle, "/").status, 200);
    stop(handle);
}

#[test]
fn the_host_must_name_this_server() {
    let site = Fixture::new("basic");
    let handle = start(&site);
    let addr = handle.addr();
    let port = addr.port();
    let ask = |host: Option<&str>, path: &str, extra: &str| {
        let host = host.map(|h| format!("Host: {h}\r\n")).unwrap_or_default();
        raw(
            addr,
            format!("GET {path} HTTP/1.1\r\n{host}{extra}Connection: close\r\n\r\n").as_bytes(),
        )
        .0
    };
    assert_eq!(ask(Some(&format!("127.0.0.1:{port}")), "/", ""), 200);
    assert_eq!(ask(Some(&format!("localhost:{port}")), "/", ""), 200);
    // DNS rebinding: a name that resolves here, but is not this server's.
    assert_eq!(ask(Some(&format!("attacker.example:{port}")), "/", ""), 403);
    assert_eq!(ask(Some("attacker.example"), "/", ""), 403);
    assert_eq!(ask(Some(&format!("127.0.0.1:{}", port ^ 1)), "/", ""), 403);
    assert_eq!(ask(None, "/", ""), 400);
    assert_eq!(
        ask(
            Some(&format!("attacker.example:{port}")),
            "/__attache/events",
            ""
        ),
        403
    );
    // Live reload refuses other origins.
    let own = format!("127.0.0.1:{port}");
    assert_eq!(
        ask(
            Some(&own),
            "/__attache/events",
            "Origin: http://attacker.example\r\n"
        ),
        403
    );
    assert_eq!(
        ask(
            Some(&own),
            "/__attache/events",
            "Sec-Fetch-Site: cross-site\r\n"
        ),
        403
    );
    // The same origin is fine (read just the head: the stream stays open).
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(WAIT)).unwrap();
    write!(
        stream,
        "GET /__attache/events HTTP/1.1\r\nHost: {own}\r\nOrigin: http://{own}\r\n\r\n"
    )
    .unwrap();
    let mut head = [0u8; 12];
    stream.read_exact(&mut head).unwrap();
    assert_eq!(&head, b"HTTP/1.1 200");
    drop(stream);
    stop(handle);
}

#[test]
fn an_edit_reloads_open_pages_with_the_new_content() {
    let site = Fixture::new("basic");
    let handle = start(&site);
    let events = Events::connect(&handle);
    assert!(
        !get(&handle, "/articles/fourth/")
            .text()
            .contains("freshly added")
    );

    edit(&site, "content/articles/2025/fourth.md", |t| {
        t + "\nA sentence freshly added.\n"
    });
    events.expect("reload");
    assert!(
        get(&handle, "/articles/fourth/")
            .text()
            .contains("freshly added")
    );

    // An editor's atomic save: write a temporary file, rename it over the real one.
    let tmp = site.path("content/articles/2025/.fourth.md.tmp-1234");
    let text = site.read("content/articles/2025/fourth.md");
    fs::write(&tmp, text.replace("freshly added", "saved atomically")).unwrap();
    fs::rename(&tmp, site.path("content/articles/2025/fourth.md")).unwrap();
    events.expect("reload");
    assert!(
        get(&handle, "/articles/fourth/")
            .text()
            .contains("saved atomically")
    );

    // A new article in a new folder.
    fs::create_dir_all(site.path("content/articles/2030/q1")).unwrap();
    site.write(
        "content/articles/2030/q1/new.md",
        "---\ntitle: \"Brand new\"\ndate: 2030-01-01\ntopics: [alpha]\n---\nNew text.\n",
    );
    let deadline = Instant::now() + WAIT;
    while get(&handle, "/articles/new/").status != 200 {
        events.expect("reload");
        assert!(Instant::now() < deadline, "the new article never appeared");
    }
    assert!(get(&handle, "/").text().contains("Brand new"));

    // Deleting it.
    fs::remove_file(site.path("content/articles/2030/q1/new.md")).unwrap();
    events.expect("reload");
    assert_eq!(get(&handle, "/articles/new/").status, 404);

    // Editor leftovers change nothing.
    site.write("content/articles/2025/.fourth.md.swp", "x");
    site.write("content/articles/2025/fourth.md~", "x");
    site.write("content/articles/2025/4913", "");
    let quiet = events.during(Duration::from_millis(800));
    assert!(quiet.is_empty(), "leftovers caused {quiet:?}");
    stop(handle);
}

#[test]
fn a_burst_of_saves_is_one_rebuild() {
    let site = Fixture::new("basic");
    let handle = start(&site);
    let events = Events::connect(&handle);
    // Like "save all" in an editor: several files, some twice, in quick succession.
    let files = [
        "content/articles/2023/first.md",
        "content/articles/2024/second.md",
        "content/articles/2024/third.md",
        "content/articles/2025/fourth.md",
    ];
    let writes: Vec<(PathBuf, String, String)> = files
        .iter()
        .enumerate()
        .map(|(i, rel)| {
            let t = site.read(rel);
            (
                site.path(rel),
                format!("{t}\nBurst edit {i}.\n"),
                format!("{t}\nBurst edit {i}, again.\n"),
            )
        })
        .collect();
    // Written aside first (editors' temporary names are ignored), then renamed into place
    // in quick succession, as an editor's atomic saves do.
    let staged: Vec<(PathBuf, PathBuf, PathBuf)> = writes
        .iter()
        .enumerate()
        .map(|(i, (path, once, twice))| {
            let a = path.with_file_name(format!(".burst-{i}-a.tmp"));
            let b = path.with_file_name(format!(".burst-{i}-b.tmp"));
            fs::write(&a, once).unwrap();
            fs::write(&b, twice).unwrap();
            (path.clone(), a, b)
        })
        .collect();
    // Let the temporary files' own events pass (they change nothing).
    assert!(events.during(Duration::from_millis(300)).is_empty());
    for (path, a, b) in &staged {
        fs::rename(a, path).unwrap();
        fs::rename(b, path).unwrap();
    }
    events.expect("reload");
    // One rebuild; on a loaded machine the renames themselves may be spread out enough
    // for a second. Never one per save (eight).
    let more = events.during(Duration::from_millis(1000));
    let reloads = more.iter().filter(|(e, _)| e == "reload").count();
    assert!(
        reloads <= 1,
        "{} rebuilds for one burst: {more:?}",
        reloads + 1
    );
    assert!(
        get(&handle, "/articles/fourth/")
            .text()
            .contains("Burst edit 3, again.")
    );
    stop(handle);
}

#[test]
fn a_stylesheet_change_is_swapped_without_a_reload() {
    let site = Fixture::new("basic");
    site.write("static/style.css", "body { color: black }\n");
    let handle = start(&site);
    let events = Events::connect(&handle);
    site.write("static/style.css", "body { color: rebeccapurple }\n");
    let data = events.expect("css");
    assert!(data.contains("style.css"), "{data}");
    assert!(get(&handle, "/style.css").text().contains("rebeccapurple"));
    let more = events.during(Duration::from_millis(500));
    assert!(more.iter().all(|(e, _)| e != "reload"), "{more:?}");
    stop(handle);
}

#[test]
fn a_broken_save_keeps_the_last_good_page_and_shows_the_error() {
    let site = Fixture::new("basic");
    let handle = start(&site);
    let events = Events::connect(&handle);
    let good = get(&handle, "/articles/fourth/").text();

    edit(&site, "content/articles/2025/fourth.md", |t| {
        t.replace(
            "topics: [gamma, alpha]",
            "topics: [gamma, <b>nope</b>]\ndate: [",
        )
    });
    // Not `error`, which is also the name of EventSource's own connection-error event.
    let data = events.expect("build-error");
    let message: serde_json::Value = serde_json::from_str(&data).unwrap();
    let message = message["message"].as_str().unwrap();
    assert!(
        message.contains("content/articles/2025/fourth.md:"),
        "file:line:col in {message}"
    );
    assert!(handle.error().is_some());
    // The last good version is still served.
    let page = get(&handle, "/articles/fourth/");
    assert_eq!(page.status, 200);
    assert_eq!(page.text(), good);
    // A page opened now hears about the error as soon as it connects.
    let late = Events::connect_expecting_error(&handle);
    assert!(late.contains("fourth.md"));

    // A second broken save: still an error.
    edit(&site, "content/articles/2025/fourth.md", |t| t + "\nmore\n");
    events.expect("build-error");

    // Fixing it reloads the pages with the fix.
    edit(&site, "content/articles/2025/fourth.md", |t| {
        t.replace(
            "topics: [gamma, <b>nope</b>]\ndate: [",
            "topics: [gamma, alpha]",
        )
    });
    events.expect("reload");
    assert!(handle.error().is_none());
    assert!(get(&handle, "/articles/fourth/").text().contains("more"));
    stop(handle);
}

impl Events {
    /// Connects while the site is failing: `hello` says so and the error follows.
    fn connect_expecting_error(handle: &Handle) -> String {
        let events = Events::connect(handle);
        events.expect("build-error")
    }
}

#[test]
fn a_first_build_that_fails_serves_an_error_page_until_fixed() {
    let site = Fixture::new("basic");
    edit(&site, "content/articles/2024/second.md", |t| {
        t.replace("date: 2024-02-10", "date: \"<script>alert(1)</script>\"")
    });
    let handle = start(&site);
    let page = get(&handle, "/articles/second-article/");
    assert_eq!(page.status, 500);
    let text = page.text();
    assert!(text.contains("content/articles/2024/second.md"), "{text}");
    assert!(!text.contains("<script>alert(1)"), "unescaped: {text}");
    assert!(text.contains("&lt;script&gt;"), "{text}");
    assert!(text.contains("/__attache/live-reload.js"));

    let events = Events::connect(&handle);
    edit(&site, "content/articles/2024/second.md", |t| {
        t.replace("date: \"<script>alert(1)</script>\"", "date: 2024-02-10")
    });
    events.expect("reload");
    let home = get(&handle, "/");
    assert_eq!(home.status, 200);
    assert!(home.text().contains("Second article"));
    stop(handle);
}

/// Context switches of every thread of process `pid` so far: each time a thread went to
/// sleep or was woken.
#[cfg(target_os = "linux")]
fn wake_ups(pid: u32) -> u64 {
    let mut total = 0;
    for task in fs::read_dir(format!("/proc/{pid}/task")).expect("the process's threads") {
        let status = fs::read_to_string(task.unwrap().path().join("status")).unwrap_or_default();
        for line in status.lines() {
            if let Some((key, value)) = line.split_once(':')
                && key.ends_with("ctxt_switches")
            {
                total += value.trim().parse::<u64>().unwrap_or(0);
            }
        }
    }
    total
}

#[cfg(target_os = "linux")]
#[test]
fn an_idle_server_sleeps_until_something_changes() {
    use std::process::{Command, Stdio};
    let site = Fixture::new("basic");
    let mut child = Command::new(env!("CARGO_BIN_EXE_attache"))
        .args(["serve", "--port", "0", "--root"])
        .arg(site.root())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("run attache serve");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let serving = lines
        .by_ref()
        .take(20)
        .map_while(Result::ok)
        .find(|l| l.starts_with("Serving "));
    let pid = child.id();
    // Keep reading so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    let watching = serving.is_some();
    // Let start-up settle, then count what the server does while nobody does anything. A
    // timer that ticks every millisecond would wake it about a thousand times.
    std::thread::sleep(Duration::from_millis(500));
    let before = wake_ups(pid);
    std::thread::sleep(Duration::from_secs(1));
    let idle = wake_ups(pid) - before;
    let _ = child.kill();
    let _ = child.wait();
    assert!(watching, "the server did not start");
    assert!(idle < 50, "{idle} wake-ups in one idle second");
}

#[test]
fn serve_never_touches_the_output_folder() {
    let site = Fixture::new("basic");
    fs::create_dir_all(site.path("public")).unwrap();
    site.write("public/keep.txt", "mine");
    let handle = start(&site);
    let events = Events::connect(&handle);
    edit(&site, "content/articles/2025/fourth.md", |t| t + "\nx\n");
    events.expect("reload");
    stop(handle);
    let left: Vec<_> = fs::read_dir(site.path("public"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left, vec![std::ffi::OsString::from("keep.txt")]);
}

// ---------------------------------------------------------------------------------------
// In a real browser: headless Chromium through chromedriver.

mod browser {
    use super::*;
    use fantoccini::{Client, ClientBuilder, Locator};
    use serde_json::{Value, json};
    use std::os::unix::process::CommandExt;
    use std::process::{Child, Command, Stdio};

    fn which(name: &str) -> Option<PathBuf> {
        std::env::split_paths(&std::env::var_os("PATH")?)
            .map(|d| d.join(name))
            .find(|p| p.is_file())
    }

    /// chromedriver in its own process group, ended (with its browsers) on drop.
    struct Driver(Child);

    impl Drop for Driver {
        fn drop(&mut self) {
            let _ = Command::new("kill")
                .args(["-KILL", "--", &format!("-{}", self.0.id())])
                .stderr(Stdio::null())
                .status();
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }

    fn start_driver(chromedriver: &Path) -> (Driver, u16) {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .expect("chromedriver starts");
        let driver = Driver(child);
        let deadline = Instant::now() + WAIT;
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "chromedriver never listened");
            std::thread::sleep(Duration::from_millis(50));
        }
        (driver, port)
    }

    async fn wait_until(client: &Client, what: &str, script: &str) -> Value {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Ok(v) = client.execute(script, vec![]).await
                && !(v.is_null() || v == json!(false) || v == json!(""))
            {
                return v;
            }
            assert!(Instant::now() < deadline, "timed out waiting for {what}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// chromium and chromedriver, or `None` (after a notice) when they are missing outside CI.
    fn chromium() -> Option<(PathBuf, PathBuf)> {
        let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
        let (Some(chromium), Some(chromedriver)) = (
            which("chromium").or_else(|| which("chromium-browser")),
            which("chromedriver"),
        ) else {
            assert!(
                !ci,
                "CI=true, so the browser test must run: chromium and chromedriver are missing"
            );
            eprintln!(
                "NOTICE: skipping the serve browser test: chromium or chromedriver is missing"
            );
            return None;
        };
        Some((chromium, chromedriver))
    }

    /// A headless Chromium session through a chromedriver of its own, for `run`.
    fn in_browser<F>(run: F)
    where
        F: AsyncFnOnce(&Client),
    {
        let Some((chromium, chromedriver)) = chromium() else {
            return;
        };
        let (_driver, port) = start_driver(&chromedriver);
        let profile = tempfile::tempdir().unwrap();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let caps = json!({
                "browserName": "chrome",
                "goog:chromeOptions": {
                    "binary": chromium,
                    "args": [
                        "--headless", "--no-sandbox", "--disable-gpu",
                        "--disable-background-networking", "--disable-component-update",
                        "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                        "--window-size=1280,900",
                        format!("--user-data-dir={}", profile.path().display()),
                    ],
                },
            });
            let Value::Object(caps) = caps else {
                unreachable!()
            };
            let client = tokio::time::timeout(
                Duration::from_secs(60),
                ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
                    .capabilities(caps)
                    .connect(&format!("http://127.0.0.1:{port}")),
            )
            .await
            .expect("a browser session in time")
            .expect("a browser session");
            run(&client).await;
            let _ = client.close().await;
        });
    }

    /// Waits until the page's live-reload script is connected.
    async fn live(client: &Client) {
        wait_until(
            client,
            "the live-reload connection",
            "return window.__attacheLiveReload === true",
        )
        .await;
        // Give the event stream a moment to be open.
        tokio::time::sleep(Duration::from_millis(300)).await;
    }

    #[test]
    fn two_quick_saves_end_with_the_second_on_screen() {
        // The first save's reload may still be loading the page when the second save's
        // notice goes out: the page, built before the second save, must see that it is
        // behind when its event stream connects.
        let site = Fixture::new("basic");
        let handle = start(&site);
        in_browser(async |client: &Client| {
            client
                .goto(&format!("{}articles/fourth/", handle.url()))
                .await
                .unwrap();
            for round in 0..8 {
                live(client).await;
                let path = site.path("content/articles/2025/fourth.md");
                let text = site.read("content/articles/2025/fourth.md");
                fs::write(&path, format!("{text}\nQuick save {round}, first.\n")).unwrap();
                std::thread::sleep(Duration::from_millis(20));
                fs::write(&path, format!("{text}\nQuick save {round}, second.\n")).unwrap();
                wait_until(
                    client,
                    "the second save to be on screen",
                    &format!(
                        "return document.body.innerText.includes('Quick save {round}, second.')"
                    ),
                )
                .await;
            }
        });
        stop(handle);
    }

    #[test]
    fn an_open_page_follows_edits_and_restarts_by_itself() {
        let site = Fixture::new("basic");
        site.write(
            "static/extra.css",
            "body { outline: 0 solid rgb(0, 0, 0) }\n",
        );
        let handle = start(&site);
        let handle = std::cell::RefCell::new(Some(handle));
        in_browser(async |client: &Client| {
            let client = client.clone();
            let handle = handle.borrow_mut().take().unwrap();
            let page = format!("{}articles/fourth/", handle.url());
            client.goto(&page).await.unwrap();
            // Load the extra stylesheet the way a theme would, and mark this page load.
            client
                .execute(
                    "const l = document.createElement('link'); l.rel = 'stylesheet';
                     l.href = '/extra.css'; document.head.appendChild(l); window.__mark = 1;",
                    vec![],
                )
                .await
                .unwrap();
            wait_until(
                &client,
                "the live-reload connection",
                "return window.__attacheLiveReload === true",
            )
            .await;
            // Give the event stream a moment to be open before the first save.
            tokio::time::sleep(Duration::from_millis(300)).await;

            // 1. A save: the page reloads by itself with the new text.
            edit(&site, "content/articles/2025/fourth.md", |t| {
                t + "\nA sentence the browser should show.\n"
            });
            wait_until(
                &client,
                "the edit to appear",
                "return document.body.innerText.includes('A sentence the browser should show.')",
            )
            .await;
            let mark = client
                .execute("return window.__mark === 1", vec![])
                .await
                .unwrap();
            assert_eq!(mark, json!(false), "the page was reloaded");

            // 2. A stylesheet change is swapped in without a reload.
            client
                .execute(
                    "const l = document.createElement('link'); l.rel = 'stylesheet';
                     l.href = '/extra.css'; document.head.appendChild(l); window.__mark = 2;",
                    vec![],
                )
                .await
                .unwrap();
            wait_until(
                &client,
                "the live-reload connection",
                "return window.__attacheLiveReload === true",
            )
            .await;
            tokio::time::sleep(Duration::from_millis(300)).await;
            site.write(
                "static/extra.css",
                "body { outline: 3px solid rgb(1, 2, 3) }\n",
            );
            wait_until(
                &client,
                "the new stylesheet",
                "return getComputedStyle(document.body).outlineColor === 'rgb(1, 2, 3)'",
            )
            .await;
            let mark = client
                .execute("return window.__mark", vec![])
                .await
                .unwrap();
            assert_eq!(mark, json!(2), "no reload for a stylesheet");

            // 3. A broken save: the overlay shows the problem, as text, over the old page.
            edit(&site, "content/articles/2025/fourth.md", |t| {
                t.replace(
                    "topics: [gamma, alpha]",
                    "topics: [gamma, \"<img src=x onerror=window.__pwned=1>\"]",
                )
            });
            let overlay = client
                .wait()
                .at_most(WAIT)
                .for_element(Locator::Css("#attache-error-overlay"))
                .await
                .expect("the error overlay");
            let text = overlay.text().await.unwrap();
            assert!(text.contains("content/articles/2025/fourth.md:"), "{text}");
            assert!(text.contains("<img src=x"), "the message as text: {text}");
            let injected = client
                .execute(
                    "return document.querySelector('#attache-error-overlay img') !== null
                        || window.__pwned === 1",
                    vec![],
                )
                .await
                .unwrap();
            assert_eq!(injected, json!(false));
            assert!(
                client
                    .execute("return document.body.innerText", vec![])
                    .await
                    .unwrap()
                    .as_str()
                    .unwrap()
                    .contains("A sentence the browser should show."),
                "the last good page is still there"
            );

            // 4. The fix: the page reloads and the overlay is gone.
            edit(&site, "content/articles/2025/fourth.md", |t| {
                t.replace(
                    "topics: [gamma, \"<img src=x onerror=window.__pwned=1>\"]",
                    "topics: [gamma, alpha]",
                )
                .replace("should show.", "should show, fixed.")
            });
            wait_until(
                &client,
                "the fix",
                "return document.body.innerText.includes('should show, fixed.')
                    && !document.querySelector('#attache-error-overlay')",
            )
            .await;

            // 5. The server stops and comes back (with a change made meanwhile): the page
            // reconnects by itself and shows the current version.
            let port = handle.addr().port();
            stop(handle);
            edit(&site, "content/articles/2025/fourth.md", |t| {
                t.replace("should show, fixed.", "should show, after a restart.")
            });
            tokio::time::sleep(Duration::from_millis(300)).await;
            let handle = start_on(&site, port);
            wait_until(
                &client,
                "the page to reconnect and reload",
                "return document.body.innerText.includes('should show, after a restart.')",
            )
            .await;
            stop(handle);
        });
    }
}
