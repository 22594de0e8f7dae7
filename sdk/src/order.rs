//! One stable sort for the whole crate.
//!
//! Every `sort_by` with its own element type or comparator compiles its own
//! copy of the standard library's sort: about 3.5 KB of the npm package's
//! WebAssembly each. [`sort_by`] sorts positions with a `dyn` comparator
//! instead, so there is one copy, then moves the items into that order; and
//! that copy is a short merge sort of its own rather than the standard one.

use std::cmp::Ordering;

/// Sorts `items` stably (equal items keep their order) by `compare`.
pub(crate) fn sort_by<T>(items: &mut Vec<T>, compare: impl Fn(&T, &T) -> Ordering) {
    if items.is_sorted_by(|a, b| compare(a, b) != Ordering::Greater) {
        return;
    }
    let order = positions_in_order(items.len(), &|a, b| compare(&items[a], &items[b]));
    let mut slots: Vec<Option<T>> = items.drain(..).map(Some).collect();
    items.extend(order.into_iter().filter_map(|i| slots[i].take()));
}

/// The positions `0..len` in the order `compare` gives them, equal ones in
/// their own order: a bottom-up merge sort, a few hundred bytes where the
/// standard library's stable sort (driftsort) is 4 KB of the npm package.
fn positions_in_order(len: usize, compare: &dyn Fn(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..len).collect();
    let mut merged = vec![0; len];
    let mut run = 1;
    while run < len {
        // Merge each pair of neighbouring sorted runs of `run` positions.
        for start in (0..len).step_by(2 * run) {
            let middle = (start + run).min(len);
            let end = (start + 2 * run).min(len);
            let (mut left, mut right) = (start, middle);
            for slot in &mut merged[start..end] {
                // The right run's next goes first only when strictly less:
                // equal positions keep their order.
                let take_right = right < end
                    && (left == middle || compare(order[right], order[left]) == Ordering::Less);
                if take_right {
                    *slot = order[right];
                    right += 1;
                } else {
                    *slot = order[left];
                    left += 1;
                }
            }
        }
        std::mem::swap(&mut order, &mut merged);
        run *= 2;
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_stably_and_keeps_every_item() {
        let mut items = vec![(3, 'a'), (1, 'b'), (3, 'c'), (2, 'd'), (1, 'e')];
        sort_by(&mut items, |a, b| a.0.cmp(&b.0));
        assert_eq!(items, [(1, 'b'), (1, 'e'), (2, 'd'), (3, 'a'), (3, 'c')]);
        let mut words: Vec<String> = ["pear", "fig", "apple"].map(String::from).to_vec();
        sort_by(&mut words, |a, b| b.cmp(a));
        assert_eq!(words, ["pear", "fig", "apple"]);
        sort_by(&mut words, Ord::cmp);
        assert_eq!(words, ["apple", "fig", "pear"]);
        let mut empty: Vec<u8> = Vec::new();
        sort_by(&mut empty, Ord::cmp);
        assert!(empty.is_empty());
    }

    #[test]
    fn sorts_as_the_standard_stable_sort_does() {
        let mut rng = fastrand::Rng::with_seed(26);
        for len in (0..70).chain([255, 256, 257, 1000]) {
            // Few distinct keys, so many ties whose order must be kept.
            let items: Vec<(u8, usize)> = (0..len).map(|i| (rng.u8(0..5), i)).collect();
            let mut ours = items.clone();
            sort_by(&mut ours, |a, b| a.0.cmp(&b.0));
            let mut std = items;
            std.sort_by_key(|a| a.0);
            assert_eq!(ours, std, "{len} items");
        }
    }
}
