//! Briefing packs as pages of the site: `/topics/<id>/pack/` for each topic and `/pack/` for
//! the whole briefing, each one long page laid out for paper (the theme's `pack.html`).
//!
//! A pack page draws the same [`Pack`] the PDF typesets ([`crate::pack`]): the bodies are the
//! pack's own events, so a link to an article in the pack leads to it on the page, and every
//! other link to its address on the published site. It is a second view of pages the site
//! already has, so it is not in the sitemap and asks search engines not to index it.
//!
//! Packs are per language, as every job is: the pack of an edition holds the pages written
//! in its language, at `<prefix>pack/` and under the edition's topic pages (`/ur/pack/`,
//! `/ur/topics/trade/pack/`), laid out in the language's direction. A job names its pack by
//! [`PackOf`]; where the pack lives and what it covers are worked out from that and the
//! edition in one place ([`target`]).

use std::path::{Path, PathBuf};

use pulldown_cmark::{CowStr, Event, HeadingLevel, LinkType, Tag, TagEnd};
use pulldown_cmark_escape::escape_href;
use tera::Value;

use super::job::{Reads, Scope as Edition, Writes, index_html};
use super::share::{self, Share};
use super::values::{html, list, obj, opt_text, text};
use super::{Files, Local};
use rayon::prelude::*;

use crate::error::{Diagnostic, Diagnostics, Problem};
use crate::i18n::Lang;
use crate::index::{EntityKind, PageRef, Site};
use crate::load::{self, SiteDirs, StaticFile};
use crate::pack::{self, MAX_MARKDOWN_BYTES, MAX_MARKDOWN_MB, Pack, Scope};
use crate::parse::Page;

/// Which pack a job makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PackOf {
    /// Every topic and every article.
    Briefing,
    /// One topic, by its place in the site's topics.
    Topic(usize),
}

/// The pack pages of an edition: the whole briefing's, then each topic's. None when the
/// site turns them off (`packs.enabled: false`).
pub fn jobs(site: &Site, edition: &crate::index::Edition) -> impl Iterator<Item = PackOf> + use<> {
    let on = site.config.packs.enabled;
    std::iter::once(PackOf::Briefing)
        .chain((0..edition.topics.len()).map(PackOf::Topic))
        .filter(move |_| on)
}

/// Every pack of the site, by language.
pub fn all(site: &Site) -> impl Iterator<Item = (Lang, PackOf)> + '_ {
    site.editions
        .iter()
        .enumerate()
        .flat_map(move |(lang, ed)| jobs(site, ed).map(move |of| (lang, of)))
}

/// What a pack covers and the URL path of its page.
pub struct Target {
    pub scope: Scope,
    pub path: String,
}

/// Where the pack `of` of the edition `r` lives, and what it covers: `<prefix>pack/` for
/// the briefing, `<topic's path>pack/` for a topic.
pub fn target(r: &Edition, of: PackOf) -> Target {
    match of {
        PackOf::Briefing => Target {
            scope: Scope::Briefing,
            path: r.local("pack/"),
        },
        PackOf::Topic(t) => {
            let page = &r.ed.topics[t].page;
            Target {
                scope: Scope::Topic(page.id.clone()),
                path: format!("{}pack/", page.path),
            }
        }
    }
}

/// The output path of the PDF beside a pack page at `path`.
pub fn pdf_path(path: &str) -> String {
    format!("{path}pack.pdf")
}

/// A pack page writes its `index.html`; it has no entry in the sitemap (see the module
/// docs). The PDF beside it is made by the build, not by the job (see [`crate::build`]).
pub fn writes(r: &Edition, of: PackOf) -> Writes {
    Writes::files(vec![index_html(&target(r, of).path)])
}

/// A pack shows its overviews and its articles in full, in reading order; the titles of
/// the topics its articles are filed under; and the names of the people and organizations
/// its articles name, as the site spells them.
pub fn reads(r: &Edition, of: PackOf) -> Reads {
    let (site, ed) = (r.site, r.ed);
    let Target { scope, .. } = target(r, of);
    // A topic of the edition is always known.
    let Ok(members) = pack::members(site, r.lang, &scope) else {
        return Reads::themed();
    };
    let mut reads = Reads::themed();
    for &t in &members.topics {
        reads = reads.full(PageRef::Topic(t));
    }
    reads = reads.articles_in_full(members.articles.iter().copied());
    // The other topics filed under, from the topics' lists of articles: each article's own
    // list of topic ids is a page away in memory, ten thousand times for a large pack.
    let position = pack::positions(ed, &members.articles);
    for (t, topic) in ed.topics.iter().enumerate() {
        if !members.topics.contains(&t) && topic.articles.iter().any(|&a| position[a].is_some()) {
            reads = reads.link(PageRef::Topic(t));
        }
    }
    reads.other(names(ed, &position))
}

/// The names the pack lists (`position`: see [`pack::positions`]), each with its
/// profile's role and the pack's articles naming them.
fn names<'s>(
    ed: &'s crate::index::Edition,
    position: &[Option<usize>],
) -> Vec<(&'s str, Option<String>, Vec<usize>)> {
    [EntityKind::People, EntityKind::Organizations]
        .into_iter()
        .flat_map(|kind| pack::named_in(ed, kind, position))
        .map(|n| (n.name, n.role, n.articles))
        .collect()
}

/// Renders the pack page `of` with the theme's `pack.html`.
pub fn render(r: &Local, of: PackOf) -> Result<Files, Diagnostic> {
    if !r.templates.has("pack.html") {
        return Err(Diagnostic::new(
            "templates/pack.html",
            Problem::Template("the pack pages are on but the theme has no `pack.html`: add one or set `packs: {enabled: false}` in site.yaml".into()),
        ));
    }
    let Target { scope, path } = target(r, of);
    let pack = pack::assemble(r.site, r.lang, &scope)?;
    let value = pack_value(r, &pack, of, &path);
    // A pack is shared as the page it is: its title and summary in a link preview.
    let preview = Share {
        title: pack.title,
        description: pack.summary,
        path: &path,
        kind: share::Kind::Website,
        image: None,
    };
    r.page(
        "pack.html",
        &path,
        pack.title,
        "pack",
        vec![("pack", value), ("share", preview.value(r.shared))],
    )
}

/// The `pack` value of `pack.html` (docs/templates.md lists its fields).
fn pack_value(r: &Local, pack: &Pack, of: PackOf, path: &str) -> Value {
    let (site, shared) = (r.site, r.shared);
    let (size, _) = pack.size();
    let too_large = pack.too_large();
    let dates = |d| shared.date_values(d);
    let (as_of_iso, as_of_display) = dates(pack.as_of);
    // Where a reader goes back to: the topic's page, or the home page.
    let (back_url, back_title) = match of {
        PackOf::Briefing => (shared.url(&r.prefix), shared.site_title.as_str()),
        PackOf::Topic(t) => {
            let page = &r.ed.topics[t].page;
            (shared.url(&page.path), page.title())
        }
    };
    let bodies = !too_large;
    let overviews = list(pack.overviews.iter().enumerate().map(|(i, o)| {
        let (updated_iso, updated_display) = dates(o.updated);
        obj([
            ("id", text(o.id)),
            ("title", text(o.title)),
            ("summary", text(o.summary)),
            ("anchor", text(&o.anchor)),
            ("url", text(&shared.url(&o.page.path))),
            ("updated_iso", updated_iso),
            ("updated_display", updated_display),
            ("count", Value::from(o.article_count)),
            (
                "content",
                if bodies {
                    html(&body_html(pack.overview_events(i)))
                } else {
                    Value::none()
                },
            ),
        ])
    }));
    let article_ref = |i: usize| {
        let a = &pack.articles[i];
        obj([("title", text(a.title)), ("anchor", text(&a.anchor))])
    };
    // A pack too large to show its bodies has no articles to list either (at 10,000
    // articles their titles alone make megabytes): the page sends readers to the topic
    // pages.
    let articles = list(pack.articles.iter().enumerate().map(|(i, a)| {
        let (date_iso, date_display) = dates(Some(a.date));
        let (updated_iso, updated_display) = dates(a.updated);
        let topics = list(a.topics.iter().map(|t| {
            let href = match &t.anchor {
                Some(anchor) => format!("#{anchor}"),
                // The topic in this language, else in the first language that has it.
                None => std::iter::once(r.ed)
                    .chain(site.editions.iter())
                    .find_map(|ed| ed.topic(t.id).map(|i| &ed.topics[i].page.path))
                    .map_or_else(String::new, |path| shared.url(path)),
            };
            obj([("title", text(t.title)), ("href", text(&href))])
        }));
        let names = |names: &[String]| list(names.iter().map(|n| text(n.trim())));
        let sources = list(a.sources.iter().map(|&s| {
            let source = &pack.sources[s];
            obj([
                ("number", Value::from(source.number)),
                ("anchor", text(&source.anchor)),
            ])
        }));
        obj([
            ("title", text(a.title)),
            ("anchor", text(&a.anchor)),
            ("url", text(&shared.url(&a.page.path))),
            ("permalink", text(&a.url)),
            ("date_iso", date_iso),
            ("date_display", date_display),
            ("updated_iso", updated_iso),
            ("updated_display", updated_display),
            ("location", opt_text(a.location)),
            ("summary", opt_text(a.summary)),
            ("key_points", list(a.key_points.iter().map(|k| text(k)))),
            ("topics", topics),
            ("people", names(a.people)),
            ("organizations", names(a.organizations)),
            ("sources", sources),
            ("content", html(&body_html(pack.article_events(i)))),
        ])
    }));
    let sources = list(pack.sources.iter().map(|s| {
        let (date_iso, date_display) = dates(s.date);
        obj([
            ("number", Value::from(s.number)),
            ("anchor", text(&s.anchor)),
            ("title", opt_text(s.title)),
            ("description", opt_text(s.description)),
            ("publisher", opt_text(s.publisher)),
            ("url", opt_text(s.url)),
            ("date_iso", date_iso),
            ("date_display", date_display),
            ("dateline", opt_text(s.dateline)),
            ("cited_by", list(s.cited_by.iter().map(|&i| article_ref(i)))),
        ])
    }));
    let named = |named: &[pack::Named]| {
        list(named.iter().map(|n| {
            obj([
                ("name", text(n.name)),
                ("role", opt_text(n.role.as_deref())),
                ("articles", list(n.articles.iter().map(|&i| article_ref(i)))),
            ])
        }))
    };
    let pdf_url = (site.config.packs.pdf && !too_large).then(|| shared.url(&pdf_path(path)));
    // The language by its name in site.yaml, else by attache's own name for it.
    let language = match &shared.language {
        l if l.name != l.code => l.name.as_str(),
        _ => pack.language.name.as_str(),
    };
    obj([
        ("briefing", Value::from(of == PackOf::Briefing)),
        ("title", text(pack.title)),
        ("summary", text(pack.summary)),
        ("language", text(language)),
        ("url", text(&shared.url(path))),
        ("back_url", text(&back_url)),
        ("back_title", text(back_title)),
        ("pdf_url", opt_text(pdf_url.as_deref())),
        ("as_of_iso", as_of_iso),
        ("as_of_display", as_of_display),
        ("too_large", Value::from(too_large)),
        ("article_count", Value::from(pack.held)),
        ("size_mb", text(&format!("{:.1}", size as f64 / 1e6))),
        ("limit_mb", Value::from(MAX_MARKDOWN_MB)),
        ("overviews", overviews),
        ("articles", articles),
        ("sources", sources),
        ("people", named(&pack.people)),
        ("organizations", named(&pack.organizations)),
    ])
}

/// A body's events as HTML, one heading level down (the article's title is the `h2` of
/// its part of the page), with links whose text is their own address marked `class="url"`
/// so that print does not write the address twice.
pub fn body_html(events: Vec<Event<'_>>) -> String {
    let mut bare_links: Vec<bool> = Vec::new();
    let events = events.into_iter().map(|event| match event {
        Event::Start(Tag::Heading {
            level,
            id,
            classes,
            attrs,
        }) => Event::Start(Tag::Heading {
            level: deeper(level),
            id,
            classes,
            attrs,
        }),
        Event::End(TagEnd::Heading(level)) => Event::End(TagEnd::Heading(deeper(level))),
        Event::Start(Tag::Link {
            link_type: link_type @ (LinkType::Autolink | LinkType::Email),
            dest_url,
            title,
            id,
        }) => {
            bare_links.push(true);
            let mut href = String::new();
            // Writing into a String cannot fail.
            let _ = escape_href(&mut href, &dest_url);
            if link_type == LinkType::Email && !dest_url.starts_with("mailto:") {
                href.insert_str(0, "mailto:");
            }
            let _ = (title, id);
            Event::InlineHtml(CowStr::from(format!("<a class=\"url\" href=\"{href}\">")))
        }
        Event::Start(Tag::Link { .. }) => {
            bare_links.push(false);
            event
        }
        Event::End(TagEnd::Link) => {
            if bare_links.pop() == Some(true) {
                Event::InlineHtml(CowStr::from("</a>"))
            } else {
                event
            }
        }
        event => event,
    });
    let mut out = String::new();
    pulldown_cmark::html::push_html(&mut out, events);
    out
}

fn deeper(level: HeadingLevel) -> HeadingLevel {
    match level {
        HeadingLevel::H1 => HeadingLevel::H2,
        HeadingLevel::H2 => HeadingLevel::H3,
        HeadingLevel::H3 => HeadingLevel::H4,
        HeadingLevel::H4 => HeadingLevel::H5,
        HeadingLevel::H5 | HeadingLevel::H6 => HeadingLevel::H6,
    }
}

/// The PDF of every pack of the site (`packs.pdf: true`), each at [`pdf_path`] beside its
/// page; a pack over the size limit gets none (its warning says so, see [`warnings`]).
///
/// Packs are typeset in parallel, in groups that together hold no more Markdown than one
/// pack may: the engine's memory grows with the text, so a build's peak stays that of one
/// full-sized pack however many cores it runs on.
pub fn pdfs(site: &Site, fonts: &[StaticFile]) -> Result<Files, Diagnostics> {
    pdfs_of(site, fonts, all(site))
}

/// The PDFs of the packs `packs` (as [`pdfs`]; `serve` typesets those whose page it renders
/// again).
pub fn pdfs_of(
    site: &Site,
    fonts: &[StaticFile],
    packs: impl Iterator<Item = (Lang, PackOf)>,
) -> Result<Files, Diagnostics> {
    let mut sized: Vec<(usize, (Lang, PackOf))> = packs
        .filter_map(|(lang, of)| {
            let r = Edition::of(site, lang);
            let members = pack::members(site, lang, &target(&r, of).scope).ok()?;
            let (size, _) = members.size(r.ed);
            (size <= MAX_MARKDOWN_BYTES).then_some((size, (lang, of)))
        })
        .collect();
    sized.sort_unstable_by(|a, b| b.cmp(a));
    let mut groups: Vec<(usize, Vec<(Lang, PackOf)>)> = Vec::new();
    for (size, of) in sized {
        match groups
            .iter_mut()
            .find(|(total, _)| total + size <= MAX_MARKDOWN_BYTES)
        {
            Some((total, group)) => {
                *total += size;
                group.push(of);
            }
            None => groups.push((size, vec![of])),
        }
    }
    let mut files = Files::new();
    let mut problems = Vec::new();
    for (_, group) in groups {
        let typeset: Vec<Result<(String, Vec<u8>), Diagnostic>> = group
            .into_par_iter()
            .map(|(lang, of)| {
                let Target { scope, path } = target(&Edition::of(site, lang), of);
                let pack = pack::assemble(site, lang, &scope)?;
                let pdf = pack::pdf::typeset(&pack, fonts)?;
                Ok((pdf_path(&path), pdf.bytes))
            })
            .collect();
        for result in typeset {
            match result {
                Ok(file) => files.push(file),
                Err(d) => problems.push(d),
            }
        }
    }
    files.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    Diagnostics(problems).into_result(files)
}

/// The fonts a pack PDF is typeset with, as `attache pack` uses them: those the theme
/// carries, then the font files among the site's static files (`statics`: output path and
/// bytes).
pub fn fonts<'a>(
    dirs: &SiteDirs,
    statics: impl Iterator<Item = (&'a str, &'a [u8])>,
) -> Result<Vec<StaticFile>, Diagnostics> {
    let mut fonts = load::theme_fonts(dirs)?;
    fonts.extend(
        statics
            .filter(|(rel, _)| load::is_font(rel))
            .map(|(rel, bytes)| StaticFile {
                rel: rel.to_string(),
                display: PathBuf::from(rel),
                bytes: bytes.to_vec(),
            }),
    );
    Ok(fonts)
}

/// A warning for each pack of the site that holds more Markdown than a pack may: its page
/// is only its cover, linking to the topic pages, and it gets no PDF. The warning names the pack,
/// the limit, and the pack's largest page.
pub fn warnings(site: &Site) -> Vec<Diagnostic> {
    all(site)
        .filter_map(|(lang, of)| {
            let r = Edition::of(site, lang);
            let Target { scope, path } = target(&r, of);
            let members = pack::members(site, lang, &scope).ok()?;
            let (size, largest) = members.size(r.ed);
            (size > MAX_MARKDOWN_BYTES).then(|| {
                let name = match of {
                    PackOf::Briefing => "of the whole briefing".to_string(),
                    PackOf::Topic(t) => format!("of the topic `{}`", r.ed.topics[t].page.id),
                };
                Diagnostic::warning(
                    largest.map_or_else(|| "site.yaml".into(), |p| p.to_path_buf()),
                    Problem::PackOverLimit {
                        pack: format!("{name} (/{path})"),
                        size: format!("{:.1}", size as f64 / 1e6),
                        limit: MAX_MARKDOWN_MB,
                        pdf: if site.config.packs.pdf {
                            " (and no PDF is made)"
                        } else {
                            ""
                        },
                    },
                )
            })
        })
        .collect()
}

/// Gives the Markdown of every page a pack of the site shows, and only of those: a pack
/// over [`MAX_MARKDOWN_BYTES`] shows no body. A build parses without keeping Markdown
/// (see [`crate::parse::ParseOptions::keep_markdown`]) and reads the shown pages' files
/// again here, from the site at `root`: on a site of 10,000 articles, where the whole
/// briefing and every topic are over the limit, it then never holds their Markdown (some
/// 60 MB) beside their HTML.
pub fn keep_shown_markdown(site: &mut Site, root: &Path) -> Vec<Diagnostic> {
    let mut shown: Vec<(Vec<bool>, Vec<bool>)> = site
        .editions
        .iter()
        .map(|ed| (vec![false; ed.topics.len()], vec![false; ed.articles.len()]))
        .collect();
    for (lang, of) in all(site) {
        let r = Edition::of(site, lang);
        let Ok(members) = pack::members(site, lang, &target(&r, of).scope) else {
            continue;
        };
        if members.size(r.ed).0 > MAX_MARKDOWN_BYTES {
            continue;
        }
        let (topics, articles) = &mut shown[lang];
        members.topics.iter().for_each(|&t| topics[t] = true);
        members.articles.iter().for_each(|&a| articles[a] = true);
    }
    let mut pages: Vec<&mut Page> = Vec::new();
    for (ed, (topics, articles)) in site.editions.iter_mut().zip(shown) {
        let all = ed.topics.iter_mut().map(|t| &mut t.page).zip(topics);
        for (page, shown) in all.chain(ed.articles.iter_mut().zip(articles)) {
            match (shown, &page.markdown) {
                (false, _) => page.markdown = None,
                (true, None) => pages.push(page),
                (true, Some(_)) => {}
            }
        }
    }
    pages
        .into_par_iter()
        .filter_map(|page| match markdown_again(page, root) {
            Ok(markdown) => {
                page.markdown = Some(markdown);
                None
            }
            Err(d) => Some(d),
        })
        .collect()
}

/// The Markdown of `page` read again from its file, as it was parsed.
fn markdown_again(page: &Page, root: &Path) -> Result<String, Diagnostic> {
    let text = load::read_text(&root.join(&page.display), &page.display)?;
    match crate::parse::front_matter::split(&text) {
        Ok(split) if split.body.len() == page.markdown_len => Ok(split.body.to_string()),
        _ => Err(Diagnostic::new(&page.display, Problem::ChangedDuringBuild)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_go_one_heading_level_down_and_bare_addresses_are_marked() {
        let events: Vec<Event> = pulldown_cmark::Parser::new(
            "# Top\n\n## Figures\n\nSee <https://example.org/a?b=1&c=2> and [the board](https://example.org/).\n",
        )
        .collect();
        let html = body_html(events);
        assert!(html.contains("<h2>Top</h2>"), "{html}");
        assert!(html.contains("<h3>Figures</h3>"), "{html}");
        assert!(
            html.contains(
                "<a class=\"url\" href=\"https://example.org/a?b=1&amp;c=2\">https://example.org/a?b=1&amp;c=2</a>"
            ),
            "{html}"
        );
        assert!(
            html.contains("<a href=\"https://example.org/\">the board</a>"),
            "{html}"
        );
    }
}
