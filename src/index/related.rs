//! Related articles: shared people weigh most, then organizations, tags, and topics.
//!
//! Candidates come from the lists of articles that name the same person, organization or
//! tag, or are filed under the same topic. Long lists are cut to the neighbours in time
//! (a window around the article), so the cost stays linear in the number of articles even
//! when one name appears in thousands of them. Candidates are ranked by summed weight,
//! then by nearness in time, then by position.
//!
//! After an edit, [`again`] keeps the choice of every article the edit cannot have changed:
//! one whose windows hold no article that came, went or changed, and whose candidates all
//! moved by the same number of places, since nearness is counted in articles between.

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

/// How many related articles an article lists.
pub(crate) const RELATED: usize = 5;

/// How many neighbours on each side of an article in a list are candidates.
const WINDOW: usize = 25;

/// One article's related articles.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Related {
    /// Up to [`RELATED`] articles, by index, best first.
    pub articles: Vec<usize>,
    /// The first and the last article (by index) among the article and every candidate.
    span: (usize, usize),
}

/// The lists an article is related through (sorted article indices), with their weights.
pub(super) type Lists<'a> = Vec<(&'a [usize], u32)>;

fn window(list: &[usize], me: usize) -> &[usize] {
    let at = list.partition_point(|&x| x < me);
    &list[at.saturating_sub(WINDOW)..(at + WINDOW + 1).min(list.len())]
}

/// Reused between articles: summed weights by article index, and which are set.
struct Scratch {
    weights: Vec<u32>,
    touched: Vec<usize>,
}

impl Scratch {
    fn new(n: usize) -> Scratch {
        Scratch {
            weights: vec![0; n],
            touched: Vec::new(),
        }
    }
}

/// The related articles of article `me`, from its lists.
fn choose(me: usize, lists: &Lists, scratch: &mut Scratch) -> Related {
    let Scratch { weights, touched } = scratch;
    touched.clear();
    let mut span = (me, me);
    for (list, weight) in lists {
        let near = window(list, me);
        if let (Some(&first), Some(&last)) = (near.first(), near.last()) {
            span = (span.0.min(first), span.1.max(last));
        }
        for &other in near {
            if other != me {
                if weights[other] == 0 {
                    touched.push(other);
                }
                weights[other] += weight;
            }
        }
    }
    // The order is total (ties end on the index): the best few are kept in order as the
    // candidates go by, and the weights are cleared for the next article.
    let before = |a: (usize, u32), b: (usize, u32)| {
        (std::cmp::Reverse(a.1), a.0.abs_diff(me), a.0)
            < (std::cmp::Reverse(b.1), b.0.abs_diff(me), b.0)
    };
    let mut best: Vec<(usize, u32)> = Vec::with_capacity(RELATED + 1);
    for &other in touched.iter() {
        let candidate = (other, weights[other]);
        weights[other] = 0;
        if best.len() == RELATED && !before(candidate, best[RELATED - 1]) {
            continue;
        }
        let at = best.partition_point(|&b| before(b, candidate));
        best.insert(at, candidate);
        best.truncate(RELATED);
    }
    Related {
        articles: best.into_iter().map(|(i, _)| i).collect(),
        span,
    }
}

/// The related articles of each of the `n` articles, from its lists.
pub(super) fn all<'a>(n: usize, lists: impl Fn(usize) -> Lists<'a> + Sync) -> Vec<Related> {
    (0..n)
        .into_par_iter()
        .map_init(|| Scratch::new(n), |s, me| choose(me, &lists(me), s))
        .collect()
}

/// No related articles for any of the `n` articles (`related: false` in site.yaml).
pub(super) fn none(n: usize) -> Vec<Related> {
    (0..n)
        .map(|i| Related {
            articles: Vec::new(),
            span: (i, i),
        })
        .collect()
}

/// The related articles of the site before an edit, and what the edit changed.
pub(super) struct Reuse<'a> {
    /// Every article before the edit, by index: its content path,
    pub(super) rels: &'a [String],
    /// and its related articles.
    pub(super) related: &'a [Related],
    /// The articles that went or changed, by their index before the edit, with the lists
    /// (of the site after the edit) of the names and topics they had.
    pub(super) changed: Vec<(usize, Vec<&'a [usize]>)>,
}

/// The related articles of every article after an edit, keeping those of `earlier` the
/// edit cannot have changed. `rels` are the content paths of the articles now, in order.
/// The lists of an article are made only for the articles chosen for again.
pub(super) fn again<'a>(
    lists: impl Fn(usize) -> Lists<'a> + Sync,
    rels: &[&str],
    earlier: &Reuse,
) -> Vec<Related> {
    kept_from(lists, rels, earlier).0
}

/// As [`again`], with how many articles kept their choice.
fn kept_from<'a>(
    lists: impl Fn(usize) -> Lists<'a> + Sync,
    rels: &[&str],
    earlier: &Reuse,
) -> (Vec<Related>, usize) {
    let n = rels.len();
    let changed_before: FxHashSet<usize> = earlier.changed.iter().map(|(i, _)| *i).collect();
    let now: FxHashMap<&str, usize> = rels.iter().enumerate().map(|(i, r)| (*r, i)).collect();
    // Where each article before is now, if it is there unchanged.
    let moved_to: Vec<Option<usize>> = earlier
        .rels
        .iter()
        .enumerate()
        .map(|(i, rel)| {
            (!changed_before.contains(&i))
                .then(|| now.get(rel.as_str()).copied())
                .flatten()
        })
        .collect();
    let mut came_from: Vec<Option<usize>> = vec![None; n];
    for (before, now) in moved_to.iter().enumerate() {
        if let Some(now) = now {
            came_from[*now] = Some(before);
        }
    }

    let mut stale = vec![false; n];
    let mark_near = |stale: &mut Vec<bool>, list: &[usize], at: usize| {
        let from = at.saturating_sub(WINDOW + 2);
        let to = (at + WINDOW + 3).min(list.len());
        for &i in &list[from..to] {
            stale[i] = true;
        }
    };
    // Articles that came or changed, and their neighbours in their lists.
    for (i, from) in came_from.iter().enumerate() {
        if from.is_none() {
            stale[i] = true;
            for (list, _) in lists(i) {
                mark_near(&mut stale, list, list.partition_point(|&x| x < i));
            }
        }
    }
    // Articles that went or changed: their neighbours in the lists they were in, found by
    // the place they left (before the first article after them that is still there).
    for (before, old_lists) in &earlier.changed {
        let at = moved_to[before + 1..]
            .iter()
            .find_map(|now| *now)
            .unwrap_or(n);
        for list in old_lists {
            mark_near(&mut stale, list, list.partition_point(|&x| x < at));
        }
    }
    // Nearness is counted in articles between: it changes between two articles that are
    // still there only if they moved by different amounts. `breaks` are the articles
    // (by index before) that moved by another amount than the one before them.
    let mut breaks = Vec::new();
    let mut last_shift = None;
    for (before, now) in moved_to.iter().enumerate() {
        if let Some(now) = now {
            let shift = *now as isize - before as isize;
            if last_shift.is_some_and(|s| s != shift) {
                breaks.push(before);
            }
            last_shift = Some(shift);
        }
    }

    let mut related: Vec<Option<Related>> = (0..n)
        .map(|me| {
            if stale[me] {
                return None;
            }
            let old = &earlier.related[came_from[me]?];
            let (lo, hi) = old.span;
            let first_break = breaks.partition_point(|&b| b <= lo);
            if breaks.get(first_break).is_some_and(|&b| b <= hi) {
                return None;
            }
            let articles = old
                .articles
                .iter()
                .map(|&a| moved_to[a])
                .collect::<Option<Vec<usize>>>()?;
            Some(Related {
                articles,
                span: (moved_to[lo]?, moved_to[hi]?),
            })
        })
        .collect();
    let missing: Vec<usize> = (0..n).filter(|&i| related[i].is_none()).collect();
    let kept = n - missing.len();
    let made: Vec<(usize, Related)> = missing
        .par_iter()
        .map_init(|| Scratch::new(n), |s, &me| (me, choose(me, &lists(me), s)))
        .collect();
    for (me, r) in made {
        related[me] = Some(r);
    }
    let related = related.into_iter().map(Option::unwrap_or_default).collect();
    (related, kept)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// The definition, slowly: every candidate's summed weight, all sorted.
    fn reference(me: usize, lists: &Lists) -> Vec<usize> {
        let mut weights: BTreeMap<usize, u32> = BTreeMap::new();
        for (list, w) in lists {
            for &other in window(list, me) {
                if other != me {
                    *weights.entry(other).or_default() += w;
                }
            }
        }
        let mut ranked: Vec<(usize, u32)> = weights.into_iter().collect();
        ranked.sort_by_key(|&(a, w)| (std::cmp::Reverse(w), a.abs_diff(me), a));
        ranked.into_iter().take(RELATED).map(|(a, _)| a).collect()
    }

    /// A small deterministic generator, enough for test data.
    struct Rng(u64);

    impl Rng {
        fn below(&mut self, n: u64) -> u64 {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (self.0 >> 33) % n
        }
    }

    /// Articles as (content path, keys with weights), in site order.
    type Articles = Vec<(String, Vec<(u32, u32)>)>;

    fn random_articles(rng: &mut Rng, n: usize) -> Articles {
        (0..n)
            .map(|i| random_article(rng, format!("a{i}")))
            .collect()
    }

    fn random_article(rng: &mut Rng, rel: String) -> (String, Vec<(u32, u32)>) {
        let keys = (0..1 + rng.below(6))
            .map(|_| {
                let key = rng.below(40) as u32;
                (key, 1 + key % 4)
            })
            .collect();
        (rel, keys)
    }

    fn posting_lists(articles: &Articles) -> BTreeMap<u32, Vec<usize>> {
        let mut lists: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
        for (i, (_, keys)) in articles.iter().enumerate() {
            for (key, _) in keys {
                let list = lists.entry(*key).or_default();
                if list.last() != Some(&i) {
                    list.push(i);
                }
            }
        }
        lists
    }

    fn lists_of<'a>(articles: &Articles, lists: &'a BTreeMap<u32, Vec<usize>>) -> Vec<Lists<'a>> {
        articles
            .iter()
            .map(|(_, keys)| {
                keys.iter()
                    .map(|(k, w)| (lists[k].as_slice(), *w))
                    .collect()
            })
            .collect()
    }

    #[test]
    fn the_choice_is_the_definition() {
        let mut rng = Rng(3);
        let articles = random_articles(&mut rng, 400);
        let lists = posting_lists(&articles);
        let per = lists_of(&articles, &lists);
        let related = all(per.len(), |i| per[i].clone());
        for me in 0..articles.len() {
            assert_eq!(
                related[me].articles,
                reference(me, &per[me]),
                "article {me}"
            );
        }
    }

    #[test]
    fn after_an_edit_the_choice_is_what_choosing_again_gives() {
        let mut rng = Rng(7);
        let mut articles = random_articles(&mut rng, 600);
        let mut kept_somewhere = 0;
        for step in 0..200 {
            let lists = posting_lists(&articles);
            let old_per = lists_of(&articles, &lists);
            let before = all(old_per.len(), |i| old_per[i].clone());
            // One to three articles come, go, move or change their names.
            let mut edited = articles.clone();
            let mut gone: Vec<(String, Vec<(u32, u32)>)> = Vec::new();
            for _ in 0..1 + rng.below(3) {
                let at = rng.below(edited.len() as u64) as usize;
                match rng.below(4) {
                    0 => {
                        // New articles are often the newest.
                        let a = random_article(&mut rng, format!("n{step}-{at}"));
                        let to = match rng.below(3) {
                            0 => 0,
                            _ => rng.below(edited.len() as u64 + 1) as usize,
                        };
                        edited.insert(to, a);
                    }
                    1 => gone.push(edited.remove(at)),
                    2 => {
                        let a = edited.remove(at);
                        gone.push(a.clone());
                        edited.insert(rng.below(edited.len() as u64 + 1) as usize, a);
                    }
                    _ => {
                        gone.push(edited[at].clone());
                        edited[at] = random_article(&mut rng, edited[at].0.clone());
                    }
                }
            }
            let new_lists = posting_lists(&edited);
            let per = lists_of(&edited, &new_lists);
            let empty: Vec<usize> = Vec::new();
            let changed = gone
                .iter()
                .filter_map(|(rel, keys)| {
                    let i = articles.iter().position(|(r, _)| r == rel)?;
                    let lists = keys
                        .iter()
                        .map(|(k, _)| new_lists.get(k).unwrap_or(&empty).as_slice())
                        .collect();
                    Some((i, lists))
                })
                .collect();
            let old_rels: Vec<String> = articles.iter().map(|(rel, _)| rel.clone()).collect();
            let earlier = Reuse {
                rels: &old_rels,
                related: &before,
                changed,
            };
            let rels: Vec<&str> = edited.iter().map(|(r, _)| r.as_str()).collect();
            let kept = again(|i| per[i].clone(), &rels, &earlier);
            let fresh = all(per.len(), |i| per[i].clone());
            for me in 0..edited.len() {
                assert_eq!(kept[me], fresh[me], "step {step}, article {me}");
            }
            kept_somewhere += usize::from(kept_from(|i| per[i].clone(), &rels, &earlier).1 > 0);
            articles = edited;
        }
        assert!(
            kept_somewhere > 50,
            "only {kept_somewhere} edits kept anything"
        );
    }
}
