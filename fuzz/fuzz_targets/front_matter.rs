//! Front matter from untrusted bytes: decoding, splitting, typed deserialization of every
//! kind of page, unknown keys, slugs and the diagnostics a writer would see.
//!
//! Invariants checked beyond "no panic": the body offset points at the body, a slug that
//! is accepted always makes a safe output path, and every diagnostic renders.
#![no_main]

use attache::config::Config;
use attache::emit::is_safe_output_path;
use attache::error::{Diagnostic, Location, Problem};
use attache::load::{ContentFile, decode_text};
use attache::parse::front_matter::{self, PageDate};
use attache::parse::{ParseOptions, parse_head};
use libfuzzer_sys::fuzz_target;

fn show(text: &str, problem: Problem, location: Option<Location>) {
    let d = Diagnostic::new("content/articles/2025/fuzz.md", problem);
    render(&d.maybe_at(location, text));
}

fn render(d: &Diagnostic) {
    let _ = d.render(false);
    let _ = d.render(true);
    let _ = d.to_string();
}

fuzz_target!(|data: &[u8]| {
    // As load does it: a BOM is dropped, CRLF becomes LF, bad UTF-8 is an error.
    let text = match decode_text(data.to_vec()) {
        Ok(t) => t,
        Err(offset) => {
            assert!(offset <= data.len());
            show("", Problem::NotUtf8 { offset }, None);
            return;
        }
    };
    if let Some(first) = text.lines().next()
        && let Ok(d) = PageDate::parse(first)
    {
        let _ = (d.iso(), d.display(), d.rfc3339());
    }
    let split = match front_matter::split(&text) {
        Ok(s) => s,
        Err((problem, location)) => {
            show(&text, problem, Some(location));
            return;
        }
    };
    assert!(split.body_offset <= text.len());
    assert_eq!(&text[split.body_offset..], split.body);

    // Every kind of page, as the first pass of a build reads it: every problem renders,
    // and an accepted page (its slug, permalink, aliases) makes only safe output paths.
    let config = Config::parse("title: T\nbase_url: https://example.org/\n").expect("valid");
    for rel in [
        "articles/2025/fuzz.md",
        "articles/2025/2025-01-15-fuzz.md",
        "pages/fuzz.md",
        "topics/fuzz.md",
        "_index.md",
    ] {
        let file = ContentFile {
            rel: rel.to_string(),
            display: format!("content/{rel}").into(),
            text: text.clone(),
        };
        match parse_head(
            file,
            &config,
            ParseOptions {
                drafts: true,
                future: true,
                ..ParseOptions::default()
            },
        ) {
            Ok(head) => {
                let path = format!("{}index.html", head.path());
                assert!(is_safe_output_path(&path), "{path:?}");
                for alias in head.aliases() {
                    let file = if alias.ends_with('/') {
                        format!("{alias}index.html")
                    } else {
                        alias.clone()
                    };
                    assert!(is_safe_output_path(&file), "{file:?}");
                }
            }
            Err(problems) => problems.iter().for_each(render),
        }
    }
});
