//! The order of an edition's articles.

use rayon::prelude::*;

use crate::parse::Page;
use crate::parse::front_matter::PageDate;

/// The articles newest first (then by title and path), put in order where they are: a page
/// is large, ten thousand of them take milliseconds to move, and they are mostly in order
/// already (the file order of dated folders, or the order of the last index).
pub(super) fn newest_first(mut articles: Vec<Page>) -> Vec<Page> {
    let mut order: Vec<(std::cmp::Reverse<Option<PageDate>>, &str, &str, usize)> = articles
        .par_iter()
        .enumerate()
        .map(|(i, a)| {
            let date = a.article().map(|m| m.date);
            (std::cmp::Reverse(date), a.title(), a.rel.as_str(), i)
        })
        .collect();
    order.par_sort_unstable();
    let order: Vec<usize> = order.into_iter().map(|(.., i)| i).collect();
    permute(&mut articles, &order);
    articles
}

/// Puts at each place `k` of `items` the item that was at `from[k]` (`from` holds every
/// place once), following each cycle of the permutation with swaps: an item already in its
/// place is not moved.
fn permute<T>(items: &mut [T], from: &[usize]) {
    let mut placed = vec![false; items.len()];
    for start in 0..items.len() {
        let mut k = start;
        // Along the cycle, the item first at `start` travels ahead of the swaps; it ends
        // where the cycle closes.
        while !placed[k] {
            placed[k] = true;
            let source = from[k];
            if source == start {
                break;
            }
            items.swap(k, source);
            k = source;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::permute;

    #[test]
    fn permuting_puts_each_item_where_it_is_asked_for() {
        let orders: [&[usize]; 5] = [&[], &[0], &[2, 0, 1], &[1, 0, 3, 2, 4], &[4, 3, 2, 1, 0]];
        for from in orders {
            let mut items: Vec<usize> = (0..from.len()).map(|i| i * 10).collect();
            permute(&mut items, from);
            let wanted: Vec<usize> = from.iter().map(|&i| i * 10).collect();
            assert_eq!(items, wanted, "{from:?}");
        }
    }
}
