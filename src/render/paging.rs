//! Long lists in pages: which articles a page of a list shows, its URL, and the pager.
//!
//! A list with a base path (`topics/trade/`) is one render job per page; everything about
//! a page follows from the base path, the page's number and the list's length, so a list
//! of another language (`ur/topics/trade/`) pages the same way. The first page is at the
//! base path itself; page `n` (from 2) at `<base>page/<n>/`. No `page/1/` is written: the
//! pager never links there, and one URL per page keeps the sitemap free of duplicates.

use std::ops::Range;

use tera::Value;

use super::values::{Shared, list, obj};
use crate::index::Site;

/// How many articles a page of a list shows.
pub fn per_page(site: &Site) -> usize {
    site.config.pagination.per_page.get()
}

/// How many pages a list of `len` articles takes: one at least, so an empty list still
/// has its page.
pub fn page_count(len: usize, per_page: usize) -> usize {
    len.div_ceil(per_page.max(1)).max(1)
}

/// The URL path of page `page` (0 is the first) of the list at `base`.
pub fn page_path(base: &str, page: usize) -> String {
    if page == 0 {
        base.to_string()
    } else {
        format!("{base}page/{}/", page + 1)
    }
}

/// The positions in a list of `len` that page `page` shows.
pub fn page_range(len: usize, page: usize, per_page: usize) -> Range<usize> {
    let start = (page * per_page).min(len);
    start..(start + per_page).min(len)
}

/// The length of a list as the page `page` of it shows it: only the first page says how
/// many articles the list has (the others say which page of how many they are), so that
/// an article added to a list changes only the pages whose articles move.
pub fn first_only(page: usize, len: usize) -> Option<usize> {
    (page == 0).then_some(len)
}

/// The `count` template value of page `page` of a list of `len`: none but on the first.
pub fn count_value(page: usize, len: usize) -> Value {
    first_only(page, len).map_or_else(Value::none, Value::from)
}

/// One page of a list, as its job knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Paged {
    /// 0 for the first page.
    pub page: usize,
    pub pages: usize,
}

impl Paged {
    pub fn of(len: usize, page: usize, per_page: usize) -> Paged {
        Paged {
            page,
            pages: page_count(len, per_page),
        }
    }

    /// The page numbers the pager shows (from 1), `None` for a gap: always the first and
    /// the last, and two on each side of the current one, so a list of a thousand pages
    /// has a pager of at most nine entries.
    pub fn numbers(self) -> Vec<Option<usize>> {
        const AROUND: usize = 2;
        let current = self.page + 1;
        let kept = |n: usize| n == 1 || n == self.pages || n.abs_diff(current) <= AROUND;
        let mut out = Vec::new();
        let mut last = 0;
        for n in 1..=self.pages {
            // A gap of a single page shows that page rather than an ellipsis.
            let lone = n > 1 && n < self.pages && kept(n - 1) && kept(n + 1);
            if kept(n) || lone {
                if n > last + 1 {
                    out.push(None);
                }
                out.push(Some(n));
                last = n;
            }
        }
        out
    }

    /// The `pager` template value: `current` and `pages` (numbers from 1), `prev` and
    /// `next` (URLs, or none), and `items`, each `{number, url, current}` or `{gap: true}`.
    pub fn value(self, shared: &Shared, base: &str) -> Value {
        let url = |page: usize| Value::from(shared.url(&page_path(base, page)));
        let items = list(self.numbers().into_iter().map(|n| match n {
            None => obj([("gap", Value::from(true))]),
            Some(n) => obj([
                ("number", Value::from(n)),
                ("url", url(n - 1)),
                ("current", Value::from(n == self.page + 1)),
            ]),
        }));
        let prev = self.page.checked_sub(1).map_or_else(Value::none, url);
        let next = if self.page + 1 < self.pages {
            url(self.page + 1)
        } else {
            Value::none()
        };
        obj([
            ("current", Value::from(self.page + 1)),
            ("pages", Value::from(self.pages)),
            ("prev", prev),
            ("next", next),
            ("items", items),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(page: usize, pages: usize) -> String {
        Paged { page, pages }
            .numbers()
            .into_iter()
            .map(|n| n.map_or("…".to_string(), |n| n.to_string()))
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn the_pager_elides_far_pages() {
        assert_eq!(shown(0, 1), "1");
        assert_eq!(shown(0, 5), "1 2 3 4 5");
        assert_eq!(shown(0, 6), "1 2 3 … 6");
        assert_eq!(shown(2, 5), "1 2 3 4 5");
        assert_eq!(shown(0, 25), "1 2 3 … 25");
        assert_eq!(shown(11, 25), "1 … 10 11 12 13 14 … 25");
        assert_eq!(shown(24, 25), "1 … 23 24 25");
        // One hidden page is shown rather than elided.
        assert_eq!(shown(3, 7), "1 2 3 4 5 6 7");
    }

    #[test]
    fn pages_cover_the_list_once() {
        assert_eq!(page_count(0, 10), 1);
        assert_eq!(page_count(10, 10), 1);
        assert_eq!(page_count(11, 10), 2);
        assert_eq!(page_range(11, 0, 10), 0..10);
        assert_eq!(page_range(11, 1, 10), 10..11);
        assert_eq!(page_range(0, 0, 10), 0..0);
        assert_eq!(page_path("topics/trade/", 0), "topics/trade/");
        assert_eq!(page_path("topics/trade/", 1), "topics/trade/page/2/");
        assert_eq!(page_path("", 2), "page/3/");
    }
}
