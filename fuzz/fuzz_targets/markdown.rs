//! Markdown bodies from untrusted text, through the same renderer a build uses, with
//! links between Markdown files resolved against a small site.
//!
//! Invariants checked beyond "no panic": broken links point inside the body and their
//! diagnostics render; with raw HTML off (the default) no `<script` reaches the output;
//! no link or image leads to a `javascript:` (or similar) URL; heading ids are unique.
#![no_main]

use std::collections::{HashMap, HashSet};

use attache::error::{Diagnostic, Location, Problem};
use attache::parse::markdown::{self, Links, MarkdownOptions, TocEntry};
use libfuzzer_sys::fuzz_target;

const CURRENT: &str = "articles/2025/x.md";

fn ids<'a>(toc: &'a [TocEntry], out: &mut Vec<&'a str>) {
    for e in toc {
        out.push(&e.id);
        ids(&e.children, out);
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let Ok(body) = std::str::from_utf8(rest) else {
        return;
    };
    let urls: HashMap<String, String> = [
        ("articles/2025/x.md", "/articles/x/"),
        ("articles/2025/y.md", "/briefing/articles/y/"),
        ("articles/2024/old.md", "/articles/old/"),
        ("topics/trade.md", "/topics/trade/"),
        ("pages/about.md", "/about/"),
        ("_index.md", "/"),
    ]
    .into_iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    let translated = markdown::Translated::new();
    let links = Links {
        urls: &urls,
        current: CURRENT,
        lang: 0,
        translated: &translated,
    };
    let options = MarkdownOptions {
        smart_punctuation: flags & 1 != 0,
        unsafe_html: flags & 2 != 0,
        keep_text: true,
    };
    let (rendered, broken) = markdown::render(body, &links, &options);

    for link in &broken {
        assert!(link.offset <= body.len(), "{link:?}");
        let _ = markdown::join_content_path(CURRENT, &link.target);
        let d = Diagnostic::new(
            "content/articles/2025/x.md",
            Problem::BrokenLink {
                target: link.target.clone(),
                suggestion: None,
            },
        )
        .at(Location::of_offset(body, link.offset), body);
        let _ = d.render(false);
    }
    if !options.unsafe_html {
        let html = rendered.html.unpack();
        let lower = html.to_ascii_lowercase();
        assert!(!lower.contains("<script"), "{html}");
        for attr in ["href=\"", "src=\""] {
            for (i, _) in lower.match_indices(attr) {
                let value = &lower[i + attr.len()..];
                let value = &value[..value.find('"').unwrap_or(value.len())];
                assert!(
                    !markdown::is_dangerous_url(value) || value.starts_with("data:image/"),
                    "{attr}{value}"
                );
            }
        }
        if let Some(summary) = &rendered.summary_html {
            assert!(!summary.to_ascii_lowercase().contains("<script"));
        }
    }
    let mut all = Vec::new();
    ids(&rendered.toc, &mut all);
    let unique: HashSet<&str> = all.iter().copied().collect();
    assert_eq!(unique.len(), all.len(), "duplicate heading ids: {all:?}");
    assert_eq!(
        rendered.word_count,
        rendered.text.unpack().split_whitespace().count()
    );
});
