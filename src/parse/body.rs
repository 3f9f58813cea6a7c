//! The second pass of parse: one file's Markdown body into HTML, once every page's URL is
//! known, and the checks of an article's fields that need the other pages (topics that
//! exist, sources that are not links into the site).

use std::collections::HashMap;

use super::front_matter::{self, ArticleMeta};
use super::markdown::{self, Links, MarkdownOptions, Translated};
use super::{Head, Known, LeftOutAs, Meta, Page};
use crate::error::{Diagnostic, Location, Locator, Problem, did_you_mean};
use crate::load::ContentFile;

pub(super) fn read_body(
    head: Head,
    urls: &HashMap<String, String>,
    translated: &Translated,
    known: &Known,
    md: &MarkdownOptions,
) -> (Page, Vec<Diagnostic>) {
    let text = &head.file.text;
    let original = head.original().map(str::to_owned);
    let mut problems = Vec::new();
    if let Meta::Article(m) = &head.meta {
        check_article(m, text, known, &head.file, &mut problems);
    }
    let links = Links {
        urls,
        current: &head.file.rel,
        lang: head.lang,
        translated,
    };
    let (mut body, broken) = markdown::render(&text[head.body_offset..], &links, md);
    let mut locator = Locator::new(text);
    for r in &mut body.references {
        r.location = Some(locator.at(head.body_offset + r.offset));
    }
    let mut warnings = head.warnings;
    if let Some(raw) = &mut body.raw_html {
        let location = Location::of_offset(text, head.body_offset + raw.offset);
        raw.line = text.lines().nth(location.line - 1).map(str::to_owned);
        raw.location = Some(location);
    }
    if let Some(first) = body.leftovers.first() {
        let line_of = |offset: usize| Location::of_offset(text, head.body_offset + offset).line;
        let more = match &body.leftovers[1..] {
            [] => String::new(),
            rest => {
                let mut lines: Vec<String> =
                    rest.iter().map(|l| line_of(l.offset).to_string()).collect();
                lines.dedup();
                let shown = lines.len().min(10);
                let tail = if lines.len() > shown { ", …" } else { "" };
                format!(
                    " ({} more in this file, on line{} {}{tail})",
                    rest.len(),
                    if lines.len() == 1 { "" } else { "s" },
                    lines[..shown].join(", ")
                )
            }
        };
        warnings.push(
            Diagnostic::warning(
                head.file.display.clone(),
                Problem::TemplateSyntax {
                    snippet: first.snippet.clone(),
                    kind: first.syntax.describe(),
                    more,
                },
            )
            .at(
                Location::of_offset(text, head.body_offset + first.offset),
                text,
            ),
        );
    }
    for link in broken {
        let candidates = urls.keys().map(String::as_str);
        let wanted = markdown::join_content_path(&head.file.rel, &link.target).unwrap_or_default();
        let problem = match known.left_out.get(&wanted) {
            Some(why) => Problem::LinkToLeftOut {
                target: link.target,
                why: match why {
                    LeftOutAs::Draft => "is a draft",
                    LeftOutAs::Scheduled => "is not published yet (its `publish_date` is to come)",
                    LeftOutAs::Expired => "is withdrawn (its `expiry_date` has passed)",
                },
            },
            None => Problem::BrokenLink {
                target: link.target,
                suggestion: did_you_mean(&wanted, candidates)
                    .map(|s| relative_link(&head.file.rel, &s)),
            },
        };
        problems.push(Diagnostic::new(head.file.display.clone(), problem).at(
            Location::of_offset(text, head.body_offset + link.offset),
            text,
        ));
    }
    if head.meta.summary().is_some() {
        // The writer's own summary is the page's (see `Page::summary`): the body's is not
        // held beside it for every page of the build.
        body.summary = String::new();
    }
    let markdown_len = text.len() - head.body_offset;
    let markdown = head
        .keep_markdown
        .then(|| text[head.body_offset..].to_string());
    let page = Page {
        lang: head.lang,
        original,
        kind: head.kind,
        rel: head.file.rel,
        display: head.file.display,
        path: head.path,
        id: head.id,
        meta: head.meta,
        extra: head.extra,
        body,
        warnings,
        markdown,
        markdown_len,
        publication: head.publication,
        spots: head.spots,
    };
    (page, problems)
}

fn check_article(
    meta: &ArticleMeta,
    text: &str,
    known: &Known,
    file: &ContentFile,
    problems: &mut Vec<Diagnostic>,
) {
    let here = |problem, key: &str, value: &str| {
        let d = Diagnostic::new(file.display.clone(), problem);
        d.maybe_at(front_matter::locate_value(text, key, value), text)
    };
    // Topics taken from `categories` are found on that line.
    let topics_key = if meta.topics_from_categories {
        "categories"
    } else {
        "topics"
    };
    if meta.topics.is_empty() {
        problems.push(here(Problem::NoTopics, "topics", ""));
    }
    for topic in &meta.topics {
        if known.draft_topics.contains(topic.as_str()) {
            problems.push(here(
                Problem::DraftTopic {
                    topic: topic.clone(),
                },
                topics_key,
                topic,
            ));
        } else if !known.topics.contains(topic.as_str()) {
            let mut ids: Vec<String> = known.topic_ids.iter().map(|s| s.to_string()).collect();
            ids.sort();
            problems.push(here(
                Problem::UnknownTopic {
                    topic: topic.clone(),
                    suggestion: did_you_mean(topic, known.topic_ids.iter().copied()),
                    known: ids,
                },
                topics_key,
                topic,
            ));
        }
    }
    for (field, names) in [
        ("people", &meta.people),
        ("organizations", &meta.organizations),
        ("tags", &meta.tags),
    ] {
        for name in names {
            if slug::slugify(name).is_empty() {
                problems.push(here(
                    Problem::BadName {
                        name: name.clone(),
                        field,
                    },
                    field,
                    name,
                ));
            }
        }
    }
    for (i, source) in meta.sources.iter().enumerate() {
        if !source.is_described() {
            let d = Diagnostic::new(file.display.clone(), Problem::UndescribedSource);
            problems.push(match front_matter::locate_list_item(text, "sources", i) {
                Some(l) => d.at(l, text),
                None => d,
            });
        }
    }
    for url in meta.sources.iter().filter_map(|s| s.url.as_deref()) {
        if markdown::is_dangerous_url(url) {
            problems.push(here(
                Problem::UnsafeUrl {
                    url: url.to_string(),
                },
                "sources",
                url,
            ));
        }
    }
}

/// How `from` would link to `to` (both content paths), for did-you-mean hints.
fn relative_link(from: &str, to: &str) -> String {
    let from_dir: Vec<&str> = from.split('/').collect();
    let from_dir = &from_dir[..from_dir.len() - 1];
    let to_parts: Vec<&str> = to.split('/').collect();
    let common = from_dir
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let mut parts: Vec<&str> = vec![".."; from_dir.len() - common];
    parts.extend(&to_parts[common..]);
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_links_for_hints() {
        assert_eq!(
            relative_link("articles/2025/a.md", "topics/trade.md"),
            "../../topics/trade.md"
        );
        assert_eq!(
            relative_link("articles/2025/a.md", "articles/2025/b.md"),
            "b.md"
        );
    }
}
