//! Where a link in a pack leads: to a section of the pack when the page it names is in
//! it, otherwise to the page's address on the published site.
//!
//! Every renderer of a pack draws the events [`Links::events`] gives, so the HTML pack page
//! and the PDF send a reader to the same places.

use std::collections::{HashMap, HashSet};

use pulldown_cmark::{CowStr, Event, Parser, Tag, TagEnd};

use crate::parse::markdown::{
    MarkdownOptions, assign_heading_ids, is_dangerous_url, is_more_marker, join_content_path,
    parser_options,
};

/// One page of the site, as links see it.
#[derive(Debug, Clone)]
struct Target<'s> {
    /// URL path below the site root (`articles/x/`).
    path: &'s str,
    /// Where it starts in the pack, when the pack holds it.
    anchor: Option<String>,
}

/// The link table of one pack.
#[derive(Debug, Clone)]
pub(crate) struct Links<'s> {
    base: Option<url::Url>,
    /// Content path (`articles/2025/x.md`) to page.
    pages: HashMap<&'s str, Target<'s>>,
    /// URL path to the anchor of a page in the pack.
    inside: HashMap<&'s str, String>,
    /// Every heading anchor in the pack (`article-x--figures`).
    headings: HashSet<String>,
    markdown: MarkdownOptions,
}

impl<'s> Links<'s> {
    /// `base_url` is the site's address; `pages` every page of the site as (content path,
    /// URL path, anchor in the pack if it is in it, its heading ids).
    pub(crate) fn new(
        base_url: &str,
        pages: impl IntoIterator<Item = (&'s str, &'s str, Option<String>, Vec<&'s str>)>,
        markdown: MarkdownOptions,
    ) -> Links<'s> {
        let mut links = Links {
            base: url::Url::parse(base_url).ok(),
            pages: HashMap::new(),
            inside: HashMap::new(),
            headings: HashSet::new(),
            markdown,
        };
        for (rel, path, anchor, ids) in pages {
            if let Some(anchor) = &anchor {
                links.inside.insert(path, anchor.clone());
                links
                    .headings
                    .extend(ids.iter().map(|id| heading_anchor(anchor, id)));
            }
            links.pages.insert(rel, Target { path, anchor });
        }
        links
    }

    /// The events of a body from `rel` whose section starts at `anchor`, ready to draw:
    /// links decided (see [`Links::resolve`]), raw HTML as text unless the site allows
    /// it, the `<!-- more -->` marker dropped, and heading ids and footnote labels made
    /// unique in the pack by starting them with `anchor`.
    pub(crate) fn events(&self, markdown: &'s str, rel: &str, anchor: &str) -> Vec<Event<'s>> {
        let mut events: Vec<Event<'s>> = Vec::new();
        let mut headings: Vec<(usize, u8, String)> = Vec::new();
        let mut heading: Option<(usize, String)> = None;
        let mut more_seen = false;
        for event in Parser::new_ext(markdown, parser_options(&self.markdown)) {
            let event = match event {
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }) => Event::Start(Tag::Link {
                    link_type,
                    dest_url: self.resolve(&dest_url, rel, anchor).into(),
                    title,
                    id,
                }),
                Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                }) => {
                    let dest_url = if is_dangerous_url(&dest_url)
                        && !dest_url.trim_start().starts_with("data:image/")
                    {
                        CowStr::from("")
                    } else {
                        self.absolute(&dest_url, rel).into()
                    };
                    Event::Start(Tag::Image {
                        link_type,
                        dest_url,
                        title,
                        id,
                    })
                }
                Event::Start(Tag::Heading { .. }) => {
                    heading = Some((events.len(), String::new()));
                    event
                }
                Event::End(TagEnd::Heading(level)) => {
                    if let Some((start, text)) = heading.take() {
                        headings.push((start, level as u8, text.trim().to_string()));
                    }
                    event
                }
                Event::Html(html) | Event::InlineHtml(html)
                    if !more_seen && is_more_marker(&html) =>
                {
                    more_seen = true;
                    continue;
                }
                Event::Html(html) | Event::InlineHtml(html) if !self.markdown.unsafe_html => {
                    Event::Text(html)
                }
                Event::FootnoteReference(label) => {
                    Event::FootnoteReference(footnote_label(anchor, &label).into())
                }
                Event::Start(Tag::FootnoteDefinition(label)) => Event::Start(
                    Tag::FootnoteDefinition(footnote_label(anchor, &label).into()),
                ),
                event => event,
            };
            if let (Event::Text(t) | Event::Code(t), Some((_, text))) = (&event, heading.as_mut()) {
                text.push_str(t);
            }
            events.push(event);
        }
        assign_heading_ids(&mut events, &headings);
        for (start, ..) in &headings {
            if let Event::Start(Tag::Heading { id: Some(id), .. }) = &mut events[*start] {
                *id = heading_anchor(anchor, id).into();
            }
        }
        events
    }

    /// Where a link written in the body of `rel` (whose section is `anchor`) leads:
    /// `#anchor` inside the pack, an absolute URL outside it, `""` for a link that would
    /// run a script.
    pub(crate) fn resolve(&self, dest: &str, rel: &str, anchor: &str) -> String {
        if dest.is_empty() || (!self.markdown.unsafe_html && is_dangerous_url(dest)) {
            return String::new();
        }
        if let Some(fragment) = dest.strip_prefix('#') {
            return format!("#{}", self.section(anchor, Some(fragment)));
        }
        let (path, fragment) = match dest.split_once('#') {
            Some((p, f)) => (p, Some(f)),
            None => (dest, None),
        };
        let file = path.split('?').next().unwrap_or(path);
        if file.ends_with(".md") && !dest.contains("://") {
            let target = join_content_path(rel, file).and_then(|t| self.pages.get(t.as_str()));
            return match target {
                Some(Target {
                    anchor: Some(inside),
                    ..
                }) => format!("#{}", self.section(inside, fragment)),
                Some(Target { path, .. }) => {
                    let url = self.page_url(path);
                    match fragment {
                        Some(f) => format!("{url}#{f}"),
                        None => url,
                    }
                }
                // `parse` refuses links to Markdown files that do not exist.
                None => dest.to_string(),
            };
        }
        let absolute = self.absolute(dest, rel);
        if let Some(below) = self
            .base
            .as_ref()
            .and_then(|b| absolute.strip_prefix(b.as_str()))
        {
            let (path, fragment) = match below.split_once('#') {
                Some((p, f)) => (p, Some(f)),
                None => (below, None),
            };
            if let Some(inside) = self.inside.get(path) {
                return format!("#{}", self.section(inside, fragment));
            }
        }
        absolute
    }

    /// `dest` as an absolute URL, read from the page made from `rel`.
    fn absolute(&self, dest: &str, rel: &str) -> String {
        let page = self.pages.get(rel).map_or("", |t| t.path);
        self.base
            .as_ref()
            .and_then(|b| b.join(page).ok())
            .and_then(|p| p.join(dest).ok())
            .map_or_else(|| dest.to_string(), String::from)
    }

    fn page_url(&self, path: &str) -> String {
        self.base
            .as_ref()
            .and_then(|b| b.join(path).ok())
            .map_or_else(|| path.to_string(), String::from)
    }

    /// The anchor of `fragment` in the section at `anchor`, or the section itself when it
    /// has no such heading.
    fn section(&self, anchor: &str, fragment: Option<&str>) -> String {
        match fragment {
            Some(f) if !f.is_empty() => {
                let heading = heading_anchor(anchor, f);
                if self.headings.contains(&heading) {
                    heading
                } else {
                    anchor.to_string()
                }
            }
            _ => anchor.to_string(),
        }
    }
}

fn heading_anchor(section: &str, id: &str) -> String {
    format!("{section}--{id}")
}

/// A footnote's label: `:` never appears in a section anchor or a heading anchor's `--`,
/// so a note `[^1]` and a heading `## 1` of one article stay apart.
fn footnote_label(section: &str, label: &str) -> String {
    format!("{section}:{label}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn links() -> Links<'static> {
        Links::new(
            "https://example.org/briefing/",
            [
                (
                    "articles/2025/a.md",
                    "articles/a/",
                    Some("article-a".to_string()),
                    vec!["figures"],
                ),
                ("articles/2025/b.md", "articles/b/", None, vec![]),
                (
                    "topics/trade.md",
                    "topics/trade/",
                    Some("topic-trade".to_string()),
                    vec![],
                ),
            ],
            MarkdownOptions {
                smart_punctuation: true,
                unsafe_html: false,
                keep_text: false,
            },
        )
    }

    #[test]
    fn links_to_pages_in_the_pack_become_anchors() {
        let l = links();
        let from = "articles/2025/b.md";
        assert_eq!(l.resolve("a.md", from, "x"), "#article-a");
        assert_eq!(l.resolve("a.md#figures", from, "x"), "#article-a--figures");
        assert_eq!(l.resolve("a.md#nothing", from, "x"), "#article-a");
        assert_eq!(
            l.resolve("../../topics/trade.md", from, "x"),
            "#topic-trade"
        );
        assert_eq!(
            l.resolve(
                "https://example.org/briefing/articles/a/#figures",
                from,
                "x"
            ),
            "#article-a--figures"
        );
        assert_eq!(l.resolve("/briefing/articles/a/", from, "x"), "#article-a");
        assert_eq!(
            l.resolve("#figures", "articles/2025/a.md", "article-a"),
            "#article-a--figures"
        );
    }

    #[test]
    fn links_out_of_the_pack_become_absolute_urls() {
        let l = links();
        let from = "articles/2025/a.md";
        assert_eq!(
            l.resolve("b.md#s", from, "article-a"),
            "https://example.org/briefing/articles/b/#s"
        );
        assert_eq!(
            l.resolve("../people/x/", from, "article-a"),
            "https://example.org/briefing/articles/people/x/"
        );
        assert_eq!(
            l.resolve("https://other.org/a", from, "article-a"),
            "https://other.org/a"
        );
        assert_eq!(l.resolve("javascript:alert(1)", from, "article-a"), "");
    }

    #[test]
    fn headings_and_footnotes_are_unique_in_the_pack() {
        let l = links();
        let events = l.events(
            "## Figures\n\nA[^1].\n\n[^1]: Note.\n\n<!-- more -->\n\n<b>x</b>\n",
            "articles/2025/a.md",
            "article-a",
        );
        let ids: Vec<String> = events
            .iter()
            .filter_map(|e| match e {
                Event::Start(Tag::Heading { id: Some(id), .. }) => Some(id.to_string()),
                Event::FootnoteReference(l) => Some(l.to_string()),
                _ => None,
            })
            .collect();
        assert_eq!(ids, ["article-a--figures", "article-a:1"]);
        assert!(!events.iter().any(|e| matches!(e, Event::Html(_))));
        assert!(
            events
                .iter()
                .any(|e| matches!(e, Event::Text(t) if t.contains("<b>")))
        );
    }
}
