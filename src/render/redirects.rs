//! Redirect pages at old URLs (`aliases:`), so links to where a page used to be keep
//! working on any static host: a meta refresh for browsers, a canonical link for search
//! engines and a plain link for everyone else. No server configuration is needed.

use pulldown_cmark_escape::{escape_href, escape_html};

use super::Files;
use super::job::{Reads, Scope, Writes};
use super::values::Shared;
use crate::index::{Edition, PageRef};

/// The redirect page to `url` (root-relative, for the browser) whose permanent address is
/// `permalink` (absolute, for search engines).
pub fn redirect_page(url: &str, permalink: &str, title: &str, language: &str) -> Vec<u8> {
    let mut href = String::new();
    let mut canonical = String::new();
    let mut title_text = String::new();
    let mut lang = String::new();
    // Writing into a String cannot fail.
    let _ = escape_href(&mut href, url);
    let _ = escape_href(&mut canonical, permalink);
    let _ = escape_html(&mut title_text, title);
    let _ = escape_html(&mut lang, language);
    format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>{title_text}</title>\n<link rel=\"canonical\" href=\"{canonical}\">\n\
         <meta name=\"robots\" content=\"noindex\">\n\
         <meta http-equiv=\"refresh\" content=\"0; url={href}\">\n</head>\n<body>\n\
         <p>This page has moved to <a href=\"{href}\">{title_text}</a>.</p>\n</body>\n</html>\n"
    )
    .into_bytes()
}

/// The output path of an alias: a folder's `index.html`, or the `.html` file itself.
pub fn alias_file(alias: &str) -> String {
    if alias.ends_with('/') {
        format!("{alias}index.html")
    } else {
        alias.to_string()
    }
}

/// Every page of an edition with an alias, and its aliases other than its own URL.
fn aliased(ed: &Edition) -> impl Iterator<Item = (PageRef, &crate::parse::Page, &String)> {
    ed.page_refs().flat_map(|(at, page)| {
        page.meta
            .common()
            .aliases
            .iter()
            .filter(move |alias| **alias != page.path)
            .map(move |alias| (at, page, alias))
    })
}

/// The redirect job writes one file per alias, none of them in the sitemap.
pub fn writes(s: &Scope) -> Writes {
    Writes::files(
        aliased(s.ed)
            .map(|(_, _, alias)| alias_file(alias))
            .collect(),
    )
}

/// It shows the title and URL of each page with aliases, and the aliases.
pub fn reads(s: &Scope) -> Reads {
    aliased(s.ed).fold(Reads::default(), |reads, (at, _, alias)| {
        reads.link(at).other(alias)
    })
}

/// Every redirect page of an edition, in its language.
pub fn redirects(s: &Scope, shared: &Shared) -> Files {
    aliased(s.ed)
        .map(|(_, page, alias)| {
            let html = redirect_page(
                &shared.url(&page.path),
                &shared.permalink(&page.path),
                page.title(),
                &shared.language.code,
            );
            (alias_file(alias), html)
        })
        .collect()
}

/// Whether the edition has any alias, so its redirect job has work.
pub fn any(ed: &Edition) -> bool {
    aliased(ed).next().is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_redirect_page_refreshes_links_and_names_the_canonical_address() {
        let page = String::from_utf8(redirect_page(
            "/articles/a&b/",
            "https://example.org/articles/a&b/",
            "Tom & \"Jerry\"",
            "en",
        ))
        .unwrap();
        assert!(
            page.contains("<meta http-equiv=\"refresh\" content=\"0; url=/articles/a&amp;b/\">"),
            "{page}"
        );
        assert!(
            page.contains(
                "<link rel=\"canonical\" href=\"https://example.org/articles/a&amp;b/\">"
            )
        );
        assert!(page.contains("<a href=\"/articles/a&amp;b/\">Tom &amp; &quot;Jerry&quot;</a>"));
        assert_eq!(alias_file("old/x/"), "old/x/index.html");
        assert_eq!(alias_file("2013/x.html"), "2013/x.html");
    }
}
