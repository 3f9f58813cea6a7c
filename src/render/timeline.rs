//! The timeline: `/timeline/`, an index of the years and their months, and one page per
//! year at `/timeline/<year>/` (paged like every list when the year is long), so no page of
//! it grows with the whole archive.

use tera::Value;

use super::job::{Reads, Scope, Writes};
use super::languages::elsewhere;
use super::pages::newest;
use super::paging::{self, Paged};
use super::values::{Shared, list, obj, text};
use super::{Files, Local};
use crate::error::Diagnostic;
use crate::index::Edition;

/// The calendar year of article `i` as written.
fn month_of(ed: &Edition, i: usize) -> i8 {
    ed.articles[i].article().map_or(1, |m| m.date.date.month())
}

/// The years with articles, newest first, each with its articles (in the site's order).
pub(super) fn years<'a>(s: &Scope<'a>) -> &'a [(i16, Vec<usize>)] {
    &s.ed.years
}

/// The articles of `year`, in the site's order.
fn articles_of(ed: &Edition, year: i16) -> &[usize] {
    ed.years
        .iter()
        .find(|(y, _)| *y == year)
        .map_or(&[], |(_, articles)| articles.as_slice())
}

fn year_path(s: &Scope, year: i16) -> String {
    s.local(&format!("timeline/{year}/"))
}

/// A month of a year on the timeline: `(month, articles, page)`, `page` being the page of
/// the year where the month starts.
type Month = (i8, usize, usize);

/// Every year, newest first, with the months of its articles.
fn outline(s: &Scope) -> Vec<(i16, Vec<Month>)> {
    let per = paging::per_page(s.site);
    let ed = s.ed;
    years(s)
        .iter()
        .map(|(year, articles)| {
            let mut months = Vec::new();
            let mut at = 0;
            for group in articles.chunk_by(|&a, &b| month_of(ed, a) == month_of(ed, b)) {
                months.push((month_of(ed, group[0]), group.len(), at / per));
                at += group.len();
            }
            (*year, months)
        })
        .collect()
}

// ---- the index: `/timeline/` ------------------------------------------------------------

pub(super) fn index_writes(s: &Scope) -> Writes {
    Writes::page(
        &s.local("timeline/"),
        newest(s.ed.articles.iter().map(|a| a.meta.updated())),
    )
}

pub(super) fn index_reads(s: &Scope) -> Reads {
    Reads::themed()
        .other(outline(s))
        .other(elsewhere(s, None, "timeline/"))
}

pub(super) fn index(r: &Local) -> Result<Files, Diagnostic> {
    let shared = r.shared;
    let outline = outline(r);
    let count: usize = outline
        .iter()
        .flat_map(|(_, months)| months.iter().map(|m| m.1))
        .sum();
    let years = list(outline.into_iter().map(|(year, months)| {
        let base = year_path(r, year);
        obj([
            ("year", Value::from(year)),
            ("url", text(&shared.url(&base))),
            (
                "count",
                Value::from(months.iter().map(|m| m.1).sum::<usize>()),
            ),
            (
                "months",
                list(months.into_iter().map(|(month, count, page)| {
                    let url = format!("{}#m{month}", shared.url(&paging::page_path(&base, page)));
                    obj([
                        ("month", Value::from(month)),
                        ("name", text(&shared.dates.month(month))),
                        ("count", Value::from(count)),
                        ("url", text(&url)),
                    ])
                })),
            ),
        ])
    }));
    r.page(
        "timeline.html",
        &r.local("timeline/"),
        r.word("timeline"),
        "timeline",
        vec![
            ("years", years),
            ("count", Value::from(count)),
            ("elsewhere", elsewhere(r, None, "timeline/").value(r)),
        ],
    )
}

// ---- a year: `/timeline/<year>/`, paged ---------------------------------------------------

/// The number of pages of `year`, which has `len` articles.
pub(super) fn year_pages(s: &Scope, len: usize) -> usize {
    paging::page_count(len, paging::per_page(s.site))
}

/// The articles page `page` of `year` shows, with the year's size.
fn year_paged(s: &Scope, year: i16, page: usize) -> (Paged, Vec<usize>, usize) {
    let articles = articles_of(s.ed, year);
    let per = paging::per_page(s.site);
    let range = paging::page_range(articles.len(), page, per);
    (
        Paged::of(articles.len(), page, per),
        articles[range].to_vec(),
        articles.len(),
    )
}

/// Every year with articles, newest first (the years the page links to).
fn all_years(ed: &Edition) -> Vec<i16> {
    ed.years.iter().map(|(year, _)| *year).collect()
}

pub(super) fn year_writes(s: &Scope, year: i16, page: usize) -> Writes {
    let (_, shown, _) = year_paged(s, year, page);
    Writes::page(
        &paging::page_path(&year_path(s, year), page),
        newest(shown.iter().map(|&a| s.ed.articles[a].meta.updated())),
    )
}

pub(super) fn year_reads(s: &Scope, year: i16, page: usize) -> Reads {
    let (paged, shown, len) = year_paged(s, year, page);
    Reads::themed().cards(shown).other((
        year,
        paging::first_only(page, len),
        paged,
        all_years(s.ed),
    ))
}

pub(super) fn year(r: &Local, year: i16, page: usize) -> Result<Files, Diagnostic> {
    let (ed, shared) = (r.ed, r.shared);
    let (paged, shown, len) = year_paged(r, year, page);
    let base = year_path(r, year);
    let years = list(all_years(ed).into_iter().map(|y| {
        obj([
            ("year", Value::from(y)),
            ("url", text(&shared.url(&year_path(r, y)))),
            ("current", Value::from(y == year)),
        ])
    }));
    r.page(
        "timeline_year.html",
        &paging::page_path(&base, page),
        &year.to_string(),
        "timeline",
        vec![
            ("year", Value::from(year)),
            ("count", paging::count_value(page, len)),
            ("months", by_month(ed, shared, &shown)),
            ("years", years),
            ("timeline_url", text(&shared.url(&r.local("timeline/")))),
            ("pager", paged.value(shared, &base)),
        ],
    )
}

/// Articles (already newest first) grouped by month.
fn by_month(ed: &Edition, shared: &Shared, articles: &[usize]) -> Value {
    list(
        articles
            .chunk_by(|&a, &b| month_of(ed, a) == month_of(ed, b))
            .map(|group| {
                let month = month_of(ed, group[0]);
                obj([
                    ("month", Value::from(month)),
                    ("name", text(&shared.dates.month(month))),
                    ("articles", shared.cards(group)),
                ])
            }),
    )
}
