//! A fixed-size array of values that answers "the first position holding the maximum" and accepts
//! point updates, both in O(log n) (used by the capacity swap of S-32).
//!
//! Owns: the index structure only. Must not: know about candidates or replicas; ties between
//! equal maxima always go to the lowest position, which is what S-32's "FIRST element" needs.

/// Max segment tree over `i64` values with leftmost-maximum queries.
#[derive(Debug, Clone)]
pub(crate) struct LeftmostMax {
    /// Leaves live at `size .. size + len`; node `i` holds the max of its children.
    tree: Vec<i64>,
    /// Number of leaves (a power of two, at least 1).
    size: usize,
    /// Number of real positions.
    len: usize,
}

impl LeftmostMax {
    /// Builds the structure over `values` in O(n).
    pub(crate) fn new(values: impl ExactSizeIterator<Item = i64>) -> Self {
        let len = values.len();
        let size = len.max(1).next_power_of_two();
        let mut tree = vec![i64::MIN; 2 * size];
        for (slot, v) in tree[size..].iter_mut().zip(values) {
            *slot = v;
        }
        for i in (1..size).rev() {
            tree[i] = tree[2 * i].max(tree[2 * i + 1]);
        }
        LeftmostMax { tree, size, len }
    }

    /// The maximum value and the first position holding it; `None` when empty.
    pub(crate) fn first_max(&self) -> Option<(i64, usize)> {
        if self.len == 0 {
            return None;
        }
        let best = self.tree[1];
        let mut node = 1;
        while node < self.size {
            node = if self.tree[2 * node] == best {
                2 * node
            } else {
                2 * node + 1
            };
        }
        Some((best, node - self.size))
    }

    /// Sets position `pos` to `value`.
    pub(crate) fn set(&mut self, pos: usize, value: i64) {
        debug_assert!(pos < self.len, "position {pos} out of range {}", self.len);
        let mut node = self.size + pos;
        self.tree[node] = value;
        while node > 1 {
            node /= 2;
            self.tree[node] = self.tree[2 * node].max(self.tree[2 * node + 1]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// (values, expected first maximum).
    type Case = (&'static [i64], Option<(i64, usize)>);

    fn naive(values: &[i64]) -> Option<(i64, usize)> {
        let max = *values.iter().max()?;
        values.iter().position(|&v| v == max).map(|p| (max, p))
    }

    // S-32: "the FIRST element whose avail is the strict maximum".
    #[test]
    fn table() {
        let cases: [Case; 6] = [
            (&[], None),
            (&[7], Some((7, 0))),
            (&[1, 5, 5, 2], Some((5, 1))),
            (&[9, 1, 9], Some((9, 0))),
            (&[0, 0, 0], Some((0, 0))),
            (&[3, 4, 1, 2, 8], Some((8, 4))),
        ];
        for (values, want) in cases {
            let t = LeftmostMax::new(values.iter().copied());
            assert_eq!(t.first_max(), want, "{values:?}");
        }
    }

    // S-32: after a swap the outgoing cluster's smaller avail takes the position.
    #[test]
    fn update_moves_the_maximum() {
        let mut t = LeftmostMax::new([4, 9, 9, 1].into_iter());
        assert_eq!(t.first_max(), Some((9, 1)));
        t.set(1, 2);
        assert_eq!(t.first_max(), Some((9, 2)));
        t.set(2, 4);
        assert_eq!(t.first_max(), Some((4, 0)));
    }

    proptest! {
        // The tree agrees with a linear scan after any sequence of updates.
        #[test]
        fn agrees_with_scan(
            mut values in prop::collection::vec(0i64..6, 0..20),
            updates in prop::collection::vec((0usize..20, 0i64..6), 0..20),
        ) {
            let mut t = LeftmostMax::new(values.iter().copied());
            prop_assert_eq!(t.first_max(), naive(&values));
            for (pos, v) in updates {
                if pos < values.len() {
                    values[pos] = v;
                    t.set(pos, v);
                    prop_assert_eq!(t.first_max(), naive(&values));
                }
            }
        }
    }
}
