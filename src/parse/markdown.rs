//! Markdown to HTML, with heading ids, a table of contents, a summary, word counts and
//! links between Markdown files turned into page URLs.
//!
//! Bodies never pass through the template engine, so `{{ }}` in an article is just text.

use std::collections::HashMap;

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd, html};

pub use super::headings::TocEntry;
pub(crate) use super::headings::assign_heading_ids;
use super::links::{Resolved, reference, resolve_link};
pub use super::links::{has_scheme, is_dangerous_url, join_content_path};
use super::packed::{PackedText, Releasable};
use super::plain_text::{PlainText, collapse_whitespace};
use crate::i18n::Lang;

/// A rendered body.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    /// The HTML, kept compressed (see [`Packed`]); a build releases an article's once
    /// every page showing it is written.
    pub html: Releasable,
    pub toc: Vec<TocEntry>,
    /// Plain text of the part before `<!-- more -->`, else of the first paragraph; left
    /// empty by parse when the front matter has a `summary` (read [`super::Page::summary`]).
    pub summary: String,
    /// HTML of the part before `<!-- more -->`, when there is such a marker.
    pub summary_html: Option<String>,
    pub word_count: usize,
    /// The body as plain text, whitespace collapsed (for the search index), compressed
    /// against the HTML (read it with [`Releasable::unpack_text`]); empty when the site has
    /// no search (see [`MarkdownOptions::keep_text`]).
    pub text: PackedText,
    /// Links and images that point inside the site, for `attache check`.
    pub references: Vec<Reference>,
    /// The ids on the page that the table of contents does not hold (headings outside
    /// its levels, ids in raw HTML): with the table's, every id a `#fragment` link may
    /// point at ([`Rendered::anchors`]).
    pub other_anchors: Vec<String>,
    /// The content paths whose URLs the links in the HTML were made from (found or not):
    /// when one of those pages moves, comes or goes, this body must be rendered again.
    pub links_to: Vec<String>,
    /// Raw HTML shown as text because raw HTML is off, if any.
    pub raw_html: Option<RawHtml>,
    /// Template syntax left from another tool (Liquid, shortcodes), shown as text.
    pub leftovers: Vec<super::leftovers::Leftover>,
}

impl Rendered {
    /// Every id on the page a `#fragment` link may point at: the table of contents' (in
    /// its order), then the others.
    pub fn anchors(&self) -> Vec<&str> {
        fn walk<'a>(toc: &'a [TocEntry], out: &mut Vec<&'a str>) {
            // The table nests three levels at most (headings 2 to 4).
            for entry in toc {
                out.push(&entry.id);
                walk(&entry.children, out);
            }
        }
        let mut ids = Vec::new();
        walk(&self.toc, &mut ids);
        ids.extend(self.other_anchors.iter().map(String::as_str));
        ids
    }
}

/// Raw HTML in a body that was shown as text.
#[derive(Debug, Clone, PartialEq)]
pub struct RawHtml {
    /// How many pieces of raw HTML (blocks and inline tags).
    pub count: usize,
    /// Byte offset of the first, in the body; `parse` fills in the rest.
    pub offset: usize,
    pub location: Option<crate::error::Location>,
    /// The line of the first, for the excerpt under a warning.
    pub line: Option<String>,
}

/// A link or image in a body that points inside the site.
#[derive(Debug, Clone, PartialEq)]
pub struct Reference {
    pub image: bool,
    /// The destination as written.
    pub dest: String,
    /// For a link to a Markdown file: its content path; `None` for other destinations.
    pub target: Option<String>,
    /// The `#fragment`, without `#`, if any.
    pub fragment: Option<String>,
    /// Byte offset in the body; `parse` turns it into a file location.
    pub offset: usize,
    pub location: Option<crate::error::Location>,
}

/// A link to a Markdown file that matches no page; `offset` is in the body.
#[derive(Debug, Clone, PartialEq)]
pub struct BrokenLink {
    pub target: String,
    pub offset: usize,
}

/// How to turn links to other Markdown files into URLs.
pub struct Links<'a> {
    /// Content path (`articles/2025/x.md`) to URL (`/briefing/articles/x/`).
    pub urls: &'a HashMap<String, String>,
    /// Content path of the file being rendered.
    pub current: &'a str,
    /// The language of the file being rendered: a link to a page that has a translation
    /// in it leads to the translation.
    pub lang: Lang,
    /// The translations of each page that has some: their language and URL.
    pub translated: &'a Translated,
}

/// The content path of each page that has translations, to their languages and URLs.
pub type Translated = HashMap<String, Vec<(Lang, String)>>;

#[derive(Debug, Clone, Copy)]
pub struct MarkdownOptions {
    pub smart_punctuation: bool,
    pub unsafe_html: bool,
    /// Keep each body's plain text ([`Rendered::text`]): only the search index reads it,
    /// and compressing it is 3 % of a 10,000-article build's CPU.
    pub keep_text: bool,
}

impl MarkdownOptions {
    /// The options a site's `site.yaml` sets.
    pub fn of(config: &crate::config::Config) -> MarkdownOptions {
        MarkdownOptions {
            smart_punctuation: config.markdown.smart_punctuation,
            unsafe_html: config.markdown.unsafe_html,
            keep_text: config.search.enabled,
        }
    }
}

const MORE_MARKER: &str = "<!-- more -->";

/// The Markdown dialect attache reads, for every renderer of a body.
pub fn parser_options(options: &MarkdownOptions) -> Options {
    let mut opts = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES;
    if options.smart_punctuation {
        opts |= Options::ENABLE_SMART_PUNCTUATION;
    }
    opts
}

/// Whether an HTML event is the `<!-- more -->` marker that ends a summary.
pub fn is_more_marker(html: &str) -> bool {
    html.trim() == MORE_MARKER
}

pub fn render(body: &str, links: &Links, options: &MarkdownOptions) -> (Rendered, Vec<BrokenLink>) {
    let opts = parser_options(options);

    let mut events: Vec<Event> = Vec::new();
    let mut broken = Vec::new();
    let mut headings: Vec<(usize, u8, String)> = Vec::new(); // (event index, level, text)
    let mut heading_open: Option<usize> = None;
    let mut heading_text = String::new();
    let mut text = PlainText::default();
    let mut first_paragraph: Option<String> = None;
    let mut paragraph_depth = 0usize;
    let mut in_first_paragraph = false;
    let mut more_at: Option<(usize, usize)> = None; // (event index, text length)
    let mut references = Vec::new();
    let mut links_to = Vec::new();
    let mut raw_html: Option<RawHtml> = None;
    // Raw HTML passed through, read for its ids once the body is done.
    let mut passed_html = String::new();
    // Where code is, so template syntax in it is not reported.
    let mut code: Vec<std::ops::Range<usize>> = Vec::new();

    for (event, range) in Parser::new_ext(body, opts).into_offset_iter() {
        let event = match event {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                // `<name@example.org>` is an e-mail address, written without `mailto:`.
                if link_type != pulldown_cmark::LinkType::Email
                    && let Some(r) = reference(&dest_url, false, range.start, links)
                {
                    references.push(r);
                }
                let dest_url = match resolve_link(&dest_url, links, &mut links_to) {
                    // Pasted `javascript:` links would run when clicked: keep the text only.
                    _ if !options.unsafe_html && is_dangerous_url(&dest_url) => CowStr::from(""),
                    Resolved::Unchanged => dest_url,
                    Resolved::Url(url) => CowStr::from(url),
                    Resolved::Broken => {
                        broken.push(BrokenLink {
                            target: dest_url.to_string(),
                            offset: range.start,
                        });
                        dest_url
                    }
                };
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                })
            }
            Event::Start(Tag::Image { ref dest_url, .. }) => {
                if let Some(r) = reference(dest_url, true, range.start, links) {
                    references.push(r);
                }
                match event {
                    Event::Start(Tag::Image {
                        link_type,
                        dest_url,
                        title,
                        id,
                    }) if !options.unsafe_html
                        && is_dangerous_url(&dest_url)
                        && !dest_url.trim_start().starts_with("data:image/") =>
                    {
                        Event::Start(Tag::Image {
                            link_type,
                            dest_url: CowStr::from(""),
                            title,
                            id,
                        })
                    }
                    event => event,
                }
            }
            Event::Start(Tag::Heading { .. }) => {
                heading_open = Some(events.len());
                heading_text.clear();
                event
            }
            Event::End(TagEnd::Heading(level)) => {
                if let Some(start) = heading_open.take() {
                    headings.push((start, level as u8, heading_text.trim().to_string()));
                }
                event
            }
            Event::Start(Tag::Paragraph) => {
                paragraph_depth += 1;
                if first_paragraph.is_none() && paragraph_depth == 1 {
                    in_first_paragraph = true;
                    first_paragraph = Some(String::new());
                }
                event
            }
            Event::End(TagEnd::Paragraph) => {
                paragraph_depth = paragraph_depth.saturating_sub(1);
                in_first_paragraph = false;
                event
            }
            Event::Html(ref html) | Event::InlineHtml(ref html)
                if is_more_marker(html) && more_at.is_none() =>
            {
                more_at = Some((events.len(), text.len()));
                continue;
            }
            Event::Html(html) | Event::InlineHtml(html) if !options.unsafe_html => {
                let raw = raw_html.get_or_insert(RawHtml {
                    count: 0,
                    offset: range.start,
                    location: None,
                    line: None,
                });
                raw.count += 1;
                Event::Text(html)
            }
            Event::Html(ref html) | Event::InlineHtml(ref html) => {
                passed_html.push_str(html);
                event
            }
            Event::Start(Tag::CodeBlock(_)) | Event::Code(_) => {
                code.push(range.clone());
                event
            }
            event => event,
        };
        if let Event::Text(t) | Event::Code(t) = &event {
            if heading_open.is_some() {
                heading_text.push_str(t);
            }
            if in_first_paragraph && let Some(p) = first_paragraph.as_mut() {
                p.push_str(t);
            }
            text.push(t);
        } else if matches!(event, Event::SoftBreak | Event::HardBreak) {
            text.space();
            if in_first_paragraph && let Some(p) = first_paragraph.as_mut() {
                p.push(' ');
            }
        } else if matches!(
            event,
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::TableCell)
        ) {
            text.space();
        }
        events.push(event);
    }

    let (toc, mut other_anchors) = assign_heading_ids(&mut events, &headings);
    if !passed_html.is_empty() {
        other_anchors.extend(super::html_ids(&passed_html));
    }
    other_anchors.shrink_to_fit();

    let mut out = String::with_capacity(body.len() * 3 / 2);
    html::push_html(&mut out, events.iter().cloned());

    let (summary, summary_html) = match more_at {
        Some((index, text_len)) => {
            let mut summary_html = String::new();
            html::push_html(&mut summary_html, events[..index].iter().cloned());
            (text.as_str()[..text_len].to_string(), Some(summary_html))
        }
        None => (
            collapse_whitespace(first_paragraph.as_deref().unwrap_or("")),
            None,
        ),
    };
    let word_count = text.words();
    let leftovers = super::leftovers::find(body, &code);
    (
        Rendered {
            text: if options.keep_text {
                PackedText::new(text.as_str(), &out)
            } else {
                PackedText::default()
            },
            html: Releasable::new(&out),
            toc,
            summary,
            summary_html,
            word_count,
            references,
            other_anchors,
            links_to,
            raw_html,
            leftovers,
        },
        broken,
    )
}

/// Where code is in a body (fenced, indented and inline), as byte ranges in order.
pub fn code_ranges(body: &str) -> Vec<std::ops::Range<usize>> {
    Parser::new_ext(body, Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES)
        .into_offset_iter()
        .filter(|(event, _)| matches!(event, Event::Start(Tag::CodeBlock(_)) | Event::Code(_)))
        .map(|(_, range)| range)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render_plain(body: &str) -> Rendered {
        render_keeping_text(body, true)
    }

    fn render_keeping_text(body: &str, keep_text: bool) -> Rendered {
        let urls = HashMap::new();
        let translated = Translated::new();
        let links = Links {
            urls: &urls,
            current: "articles/x.md",
            lang: 0,
            translated: &translated,
        };
        let options = MarkdownOptions {
            smart_punctuation: true,
            unsafe_html: false,
            keep_text,
        };
        render(body, &links, &options).0
    }

    #[test]
    fn the_plain_text_is_kept_only_for_a_site_with_search() {
        let body = "Trade in *Gwadar*.\n\nMore <!-- more --> after.\n";
        let kept = render_keeping_text(body, true);
        assert_eq!(
            kept.html.unpack_text(&kept.text),
            "Trade in Gwadar. More after."
        );
        let not = render_keeping_text(body, false);
        assert!(not.text.is_empty());
        // What the page shows from the text is the same either way.
        assert_eq!(
            (not.word_count, &not.summary),
            (kept.word_count, &kept.summary)
        );
        assert_eq!(not.word_count, 5);
    }

    #[test]
    fn headings_get_unique_ids_and_a_nested_toc() {
        let r = render_plain("## Trade\n\n### Figures\n\n## Trade\n");
        assert!(
            r.html.unpack().contains(r#"<h2 id="trade">"#),
            "{}",
            r.html.unpack()
        );
        assert!(
            r.html.unpack().contains(r#"<h2 id="trade-1">"#),
            "{}",
            r.html.unpack()
        );
        assert_eq!(r.toc.len(), 2);
        assert_eq!(r.toc[0].children[0].id, "figures");
    }

    #[test]
    fn summary_is_the_first_paragraph_or_the_part_before_more() {
        assert_eq!(
            render_plain("# T\n\nFirst *one*.\n\nSecond.").summary,
            "First one."
        );
        let r = render_plain("Intro.\n\nMore intro.\n\n<!-- more -->\n\nRest.");
        assert_eq!(r.summary, "Intro. More intro.");
        assert!(r.summary_html.unwrap().contains("<p>More intro.</p>"));
        assert!(!r.html.unpack().contains("more --"));
    }

    #[test]
    fn raw_html_and_template_syntax_stay_text() {
        let r = render_plain("<script>alert(1)</script>\n\n{{ site.title }} {% if x %}");
        assert!(!r.html.unpack().contains("<script>"), "{}", r.html.unpack());
        assert!(r.html.unpack().contains("&lt;script&gt;"));
        assert!(r.html.unpack().contains("{{ site.title }}"));
    }

    /// Found by `cargo fuzz run markdown` (its own seed): `{#trade-1}` written by hand
    /// collided with the id generated for the second "Trade".
    #[test]
    fn written_and_generated_heading_ids_never_collide() {
        let r =
            render_plain("## Trade\n\n## Trade\n\n## Trade {#trade-1}\n\n## Trade-1\n\n## Trade\n");
        let ids: Vec<&str> = r.toc.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["trade", "trade-2", "trade-1", "trade-1-1", "trade-3"]);
        assert_eq!(r.anchors(), ids);
        assert!(r.other_anchors.is_empty());
    }

    #[test]
    fn pasted_script_links_lose_their_target() {
        let r = render_plain(
            "[a](javascript:alert(1)) [b](<JaVa\tScRiPt:alert(2)>) [c]( vbscript:x) \
             [d](&#106;avascript:alert(3)) [e](data:text/html,x) ![i](javascript:alert(4)) \
             ![ok](data:image/png;base64,AAAA) [web](https://example.org/)",
        );
        assert!(
            !r.html.unpack().to_lowercase().contains("script:"),
            "{}",
            r.html.unpack()
        );
        assert!(
            !r.html.unpack().contains("data:text"),
            "{}",
            r.html.unpack()
        );
        assert!(
            r.html
                .unpack()
                .contains(r#"src="data:image/png;base64,AAAA""#)
        );
        assert!(r.html.unpack().contains(r#"href="https://example.org/""#));
        assert!(is_dangerous_url("\u{1}javascript:x"));
        assert!(!is_dangerous_url("javascript.md"));
    }

    #[test]
    fn markdown_links_become_page_urls() {
        let urls = HashMap::from([("topics/trade.md".to_string(), "/topics/trade/".to_string())]);
        let translated = Translated::new();
        let links = Links {
            urls: &urls,
            current: "articles/2025/x.md",
            lang: 0,
            translated: &translated,
        };
        let options = MarkdownOptions {
            smart_punctuation: false,
            unsafe_html: false,
            keep_text: true,
        };
        let (r, broken) = render(
            "[t](../../topics/trade.md#s) [m](../../topics/missing.md) [e](https://x.org/a.md)",
            &links,
            &options,
        );
        assert!(
            r.html.unpack().contains(r#"href="/topics/trade/#s""#),
            "{}",
            r.html.unpack()
        );
        assert!(r.html.unpack().contains(r#"href="https://x.org/a.md""#));
        assert_eq!(
            broken,
            vec![BrokenLink {
                target: "../../topics/missing.md".into(),
                offset: 29
            }]
        );
    }

    #[test]
    fn content_paths_join_and_refuse_to_escape() {
        assert_eq!(
            join_content_path("articles/a.md", "b.md").as_deref(),
            Some("articles/b.md")
        );
        assert_eq!(
            join_content_path("articles/a.md", "/topics/t.md").as_deref(),
            Some("topics/t.md")
        );
        assert_eq!(join_content_path("a.md", "../../x.md"), None);
    }

    #[test]
    fn email_addresses_and_schemes_are_no_site_references() {
        let r = render_plain(
            "<npm-cli+bot@github.com> [m](mailto:a@b.org) [t](tel:+921234) [i](irc://x) \
             [w](HTTPS://x.org/) [s](/about/) [p]((https://example.org))",
        );
        let dests: Vec<&str> = r.references.iter().map(|x| x.dest.as_str()).collect();
        assert_eq!(dests, ["/about/", "(https://example.org)"]);
        assert!(
            r.html
                .unpack()
                .contains("href=\"mailto:npm-cli+bot@github.com\""),
            "{}",
            r.html.unpack()
        );
        assert!(!has_scheme("C:/x") && !has_scheme("(https://x)") && has_scheme("a+b:x"));
    }

    #[test]
    fn counts_words() {
        assert_eq!(
            render_plain("One two three.\n\n- four\n- five").word_count,
            5
        );
    }
}
