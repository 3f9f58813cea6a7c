//! The two pages every edition has besides its content: the search page and the page for
//! unknown addresses. For each job: what it writes, what it shows, and how it is rendered.

use super::job::{Reads, Scope, Writes};
use super::values::text;
use super::{Files, Local, search};
use crate::error::{Diagnostic, Problem};

// ---- search: `/search/` ---------------------------------------------------------------------

pub(super) fn search_writes(s: &Scope) -> Writes {
    Writes::page(&s.local("search/"), None)
}

pub(super) fn search_reads() -> Reads {
    Reads::themed()
}

pub(super) fn search(r: &Local) -> Result<Files, Diagnostic> {
    if !r.templates.has("search.html") {
        return Err(Diagnostic::new(
            "templates/search.html",
            Problem::Template("search is on but the theme has no `search.html`: add one or set `search: {enabled: false}` in site.yaml".into()),
        ));
    }
    r.page(
        "search.html",
        &r.local("search/"),
        r.word("search"),
        "search",
        vec![(
            "index_url",
            text(&r.shared.url(&search::manifest_path(&search::folder(r)))),
        )],
    )
}

// ---- the page for unknown addresses: `/404.html` ----------------------------------------

/// Hosts serve it for unknown paths; it is not in the sitemap.
pub(super) fn not_found_writes(s: &Scope) -> Writes {
    Writes::files(vec![s.local("404.html")])
}

pub(super) fn not_found_reads() -> Reads {
    Reads::themed()
}

pub(super) fn not_found(r: &Local) -> Result<Files, Diagnostic> {
    r.page(
        "404.html",
        &r.local("404.html"),
        r.word("page_not_found"),
        "404",
        vec![],
    )
}
