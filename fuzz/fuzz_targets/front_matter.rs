//! Front matter from untrusted bytes: decoding, splitting, typed deserialization of every
//! kind of page, unknown keys, slugs and the diagnostics a writer would see.
//!
//! Invariants checked beyond "no panic": the body offset points at the body, a slug that
//! is accepted always makes a safe output path, and every diagnostic renders.
#![no_main]

use attache::emit::is_safe_output_path;
use attache::error::{Diagnostic, Location, Problem};
use attache::load::decode_text;
use attache::parse::checked_slug;
use attache::parse::front_matter::{
    self, ARTICLE_KEYS, ArticleMeta, PAGE_KEYS, PageDate, PageMeta, TOPIC_KEYS, TopicMeta,
};
use libfuzzer_sys::fuzz_target;

fn show(text: &str, problem: Problem, location: Option<Location>) {
    let d = Diagnostic::new("content/articles/2025/fuzz.md", problem);
    let d = match location {
        Some(l) => d.at(l, text),
        None => d,
    };
    let _ = d.render(false);
    let _ = d.render(true);
    let _ = d.to_string();
}

fn slug(text: &str, raw: &str, prefix: &str) {
    match checked_slug(raw) {
        Ok(id) => {
            let path = format!("{prefix}{id}/index.html");
            assert!(is_safe_output_path(&path), "{raw:?} made {path:?}");
        }
        Err(reason) => show(
            text,
            Problem::BadSlug {
                slug: raw.to_string(),
                reason,
            },
            front_matter::locate_value(text, "slug", raw),
        ),
    }
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

    match front_matter::deserialize::<ArticleMeta>(split.yaml) {
        Ok(meta) => {
            let _ = (meta.date.iso(), meta.date.display(), meta.date.rfc3339());
            for topic in &meta.topics {
                let location = front_matter::locate_value(&text, "topics", topic);
                show(
                    &text,
                    Problem::UnknownTopic {
                        topic: topic.clone(),
                        suggestion: None,
                        known: Vec::new(),
                    },
                    location,
                );
            }
            for (field, names) in [("people", &meta.people), ("tags", &meta.tags)] {
                for name in names {
                    let _ = front_matter::locate_value(&text, field, name);
                }
            }
            slug(&text, meta.slug.as_deref().unwrap_or("fuzz"), "articles/");
        }
        Err((problem, location)) => show(&text, problem, location),
    }
    match front_matter::deserialize::<PageMeta>(split.yaml) {
        Ok(meta) => slug(&text, meta.slug.as_deref().unwrap_or("fuzz"), ""),
        Err((problem, location)) => show(&text, problem, location),
    }
    if let Err((problem, location)) = front_matter::deserialize::<TopicMeta>(split.yaml) {
        show(&text, problem, location);
    }
    for keys in [ARTICLE_KEYS, PAGE_KEYS, TOPIC_KEYS] {
        let extra = front_matter::extra(split.yaml, keys);
        assert!(extra.keys().all(|k| !keys.contains(&k.as_str())));
    }
});
