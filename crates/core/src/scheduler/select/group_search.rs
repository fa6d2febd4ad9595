//! Group search (S-35): the depth-first search that chooses which regions to spread over, with
//! recorded paths, discovery ids and the prefix rule.
//!
//! Owns: enumerating group sets and picking the winner. Must not: score groups (S-34) or turn
//! groups into clusters (S-33).
//!
//! Bounds. The search is exponential in the worst case, as in Karmada. Two prunings that cannot
//! change the result are applied: a branch stops when even the largest remaining values cannot
//! reach `target` within `max` groups, and when too few groups remain to reach `min`. Neither
//! prunes a recorded path, so discovery ids are unchanged. In addition the search visits at most
//! [`SEARCH_BUDGET`] nodes; past that it stops and chooses among the paths recorded so far
//! (deterministically). With a few dozen regions and `maxGroups` up to 4 the budget is never
//! reached (Σ_{j≤4} C(36, j) = 66,712 nodes before pruning).

use std::cmp::Reverse;

/// One group as the search sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Group<'a> {
    /// Group name (region name); names are unique.
    pub name: &'a str,
    /// Number of clusters in the group.
    pub value: i64,
    /// The group's score (S-34).
    pub weight: i128,
}

/// Most DFS nodes one search visits (see the module documentation).
pub const SEARCH_BUDGET: usize = 200_000;

/// Group bounds and the value target of one search.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SearchBounds {
    /// Fewest groups in a path (`minGroups` of the group constraint).
    pub min: i64,
    /// Most groups in a path (already resolved for D-7 by the caller).
    pub max: usize,
    /// Least Σvalue of a path (the cluster constraint's `minGroups`).
    pub target: i64,
}

/// A recorded path.
#[derive(Debug)]
struct Record {
    id: usize,
    /// Indices into the caller's groups, sorted by (weight desc, name asc).
    groups: Vec<usize>,
    weight: i128,
    value: i128,
}

/// The DFS state.
struct Search<'g, 'a> {
    groups: &'g [Group<'a>],
    /// Group indices sorted by (value asc, weight desc, name asc).
    sorted: Vec<usize>,
    /// `suffix[i]` = Σ value of `sorted[i..]`.
    suffix: Vec<i128>,
    bounds: SearchBounds,
    path: Vec<usize>,
    records: Vec<Record>,
    visits: usize,
    budget: usize,
}

/// Runs the S-35 search and returns the chosen groups as indices into `groups`, ordered by
/// (weight desc, name asc); `None` when no path qualifies. Visits at most `SEARCH_BUDGET` nodes.
pub fn search_groups(groups: &[Group<'_>], bounds: SearchBounds) -> Option<Vec<usize>> {
    search_with_budget(groups, bounds, SEARCH_BUDGET)
}

/// [`search_groups`] with an explicit node budget.
pub(crate) fn search_with_budget(
    groups: &[Group<'_>],
    bounds: SearchBounds,
    budget: usize,
) -> Option<Vec<usize>> {
    if groups.is_empty() {
        return None;
    }
    let mut sorted: Vec<usize> = (0..groups.len()).collect();
    sorted.sort_by(|&a, &b| {
        let (x, y) = (&groups[a], &groups[b]);
        (x.value, Reverse(x.weight), x.name).cmp(&(y.value, Reverse(y.weight), y.name))
    });
    let mut suffix = vec![0i128; groups.len() + 1];
    for i in (0..groups.len()).rev() {
        suffix[i] = suffix[i + 1] + i128::from(groups[sorted[i]].value);
    }
    let mut s = Search {
        groups,
        sorted,
        suffix,
        bounds,
        path: Vec::new(),
        records: Vec::new(),
        visits: 0,
        budget,
    };
    s.dfs(0, 0);
    choose(s.records)
}

impl Search<'_, '_> {
    /// Visits the node for the current path with value `sum`; children start at `begin`.
    fn dfs(&mut self, sum: i128, begin: usize) {
        if self.visits >= self.budget {
            return;
        }
        self.visits += 1;
        let len = self.path.len();
        if sum >= i128::from(self.bounds.target)
            && (len as i64) >= self.bounds.min
            && len <= self.bounds.max
        {
            self.record(sum);
            return;
        }
        if len >= self.bounds.max || self.hopeless(sum, begin) {
            return;
        }
        for i in begin..self.sorted.len() {
            let g = self.sorted[i];
            self.path.push(g);
            self.dfs(sum + i128::from(self.groups[g].value), i + 1);
            self.path.pop();
            if self.visits >= self.budget {
                return;
            }
        }
    }

    /// True when no extension from `begin` can be recorded: too few groups left for `min`, or
    /// the largest values that still fit under `max` cannot reach `target`.
    fn hopeless(&self, sum: i128, begin: usize) -> bool {
        let n = self.sorted.len();
        let len = self.path.len();
        if ((len + (n - begin)) as i64) < self.bounds.min {
            return true;
        }
        let room = self.bounds.max - len;
        let from = begin.max(n.saturating_sub(room));
        sum + self.suffix[from] < i128::from(self.bounds.target)
    }

    /// Records the current path with the next discovery id.
    fn record(&mut self, sum: i128) {
        let groups = self.groups;
        let mut members = self.path.clone();
        members.sort_by(|&a, &b| {
            let (x, y) = (&groups[a], &groups[b]);
            (Reverse(x.weight), x.name).cmp(&(Reverse(y.weight), y.name))
        });
        let weight = members.iter().map(|&g| groups[g].weight).sum();
        let id = self.records.len() + 1;
        self.records.push(Record {
            id,
            groups: members,
            weight,
            value: sum,
        });
    }
}

/// Best path by (weight desc, value desc, id asc), then the prefix rule: walking the rest in that
/// order, a shorter path that is a prefix of the current best replaces it.
fn choose(mut records: Vec<Record>) -> Option<Vec<usize>> {
    records.sort_by(|a, b| {
        b.weight
            .cmp(&a.weight)
            .then_with(|| b.value.cmp(&a.value))
            .then_with(|| a.id.cmp(&b.id))
    });
    let mut iter = records.into_iter();
    let mut best = iter.next()?;
    for p in iter {
        if p.groups.len() < best.groups.len() && best.groups.starts_with(&p.groups) {
            best = p;
        }
    }
    Some(best.groups)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// (what, groups, bounds, expected group names).
    type Case = (
        &'static str,
        Vec<Group<'static>>,
        SearchBounds,
        Option<Vec<&'static str>>,
    );

    fn g(name: &str, value: i64, weight: i128) -> Group<'_> {
        Group {
            name,
            value,
            weight,
        }
    }

    fn b(min: i64, max: usize, target: i64) -> SearchBounds {
        SearchBounds { min, max, target }
    }

    fn named<'a>(groups: &[Group<'a>], got: Option<Vec<usize>>) -> Option<Vec<&'a str>> {
        got.map(|v| v.into_iter().map(|i| groups[i].name).collect())
    }

    // S-35 worked example: us (1), eu (2), ap (3), all weight 15000, min = max = 2, target 3.
    #[test]
    fn s35_worked_example() {
        let groups = [g("eu", 2, 15000), g("us", 1, 15000), g("ap", 3, 15000)];
        assert_eq!(
            named(&groups, search_groups(&groups, b(2, 2, 3))),
            Some(vec!["ap", "eu"])
        );
        assert_eq!(reference(&groups, b(2, 2, 3)), Some(vec![2, 0]));
    }

    // S-35 rules, table-driven.
    #[test]
    fn s35_table() {
        let cases: Vec<Case> = vec![
            ("S-35 no groups", vec![], b(1, 3, 1), None),
            (
                "S-35 no path reaches the target",
                vec![g("a", 1, 9), g("b", 1, 9)],
                b(1, 2, 3),
                None,
            ),
            (
                "S-35 fewer groups than min",
                vec![g("a", 5, 9)],
                b(2, 2, 1),
                None,
            ),
            (
                "S-35 a single path",
                vec![g("a", 1, 9), g("b", 1, 3)],
                b(2, 2, 2),
                Some(vec!["a", "b"]),
            ),
            (
                "S-35 weight desc decides",
                vec![g("a", 1, 1), g("b", 1, 7), g("c", 1, 3)],
                b(1, 1, 1),
                Some(vec!["b"]),
            ),
            (
                "S-35 equal weight and value: discovery id decides",
                vec![g("z", 1, 5), g("y", 1, 5), g("x", 1, 5)],
                b(2, 2, 1),
                Some(vec!["x", "y"]),
            ),
            (
                "S-35 a recorded path is not extended, and the prefix rule picks the shorter path",
                vec![g("A", 3, 10), g("B", 1, 5)],
                b(1, 2, 3),
                Some(vec!["A"]),
            ),
            (
                "S-35 the prefix rule needs a prefix by name",
                vec![g("A", 3, 10), g("B", 1, 20)],
                b(1, 2, 3),
                Some(vec!["B", "A"]),
            ),
            (
                "S-35 returned order is weight desc, then name asc",
                vec![g("c", 1, 1), g("b", 1, 2), g("a", 1, 2)],
                b(3, 3, 3),
                Some(vec!["a", "b", "c"]),
            ),
        ];
        for (what, groups, bounds, want) in cases {
            assert_eq!(
                named(&groups, search_groups(&groups, bounds)),
                want,
                "{what}"
            );
        }
    }

    // S-35 bound: a pathological search stops at the budget and still answers deterministically.
    #[test]
    fn s35_budget_bounds_the_search() {
        let names: Vec<String> = (0..40).map(|i| format!("r{i:02}")).collect();
        let groups: Vec<Group<'_>> = names.iter().map(|n| g(n, 1, 1000)).collect();
        let first = search_with_budget(&groups, b(20, 20, 20), 5_000);
        assert_eq!(first.as_ref().map(Vec::len), Some(20));
        assert_eq!(first, search_with_budget(&groups, b(20, 20, 20), 5_000));
    }

    /// S-35's pseudo-code without pruning or budget, as the reference.
    fn reference(groups: &[Group<'_>], bounds: SearchBounds) -> Option<Vec<usize>> {
        if groups.is_empty() {
            return None;
        }
        let mut sorted: Vec<usize> = (0..groups.len()).collect();
        sorted.sort_by_key(|&i| (groups[i].value, Reverse(groups[i].weight), groups[i].name));
        let mut records = Vec::new();
        let mut path = Vec::new();
        naive_dfs(groups, &sorted, bounds, &mut path, &mut records, 0, 0);
        choose(records)
    }

    fn naive_dfs(
        groups: &[Group<'_>],
        sorted: &[usize],
        bounds: SearchBounds,
        path: &mut Vec<usize>,
        records: &mut Vec<Record>,
        sum: i128,
        begin: usize,
    ) {
        if sum >= i128::from(bounds.target)
            && path.len() as i64 >= bounds.min
            && path.len() <= bounds.max
        {
            let mut members = path.clone();
            members.sort_by_key(|&i| (Reverse(groups[i].weight), groups[i].name));
            let weight = members.iter().map(|&i| groups[i].weight).sum();
            records.push(Record {
                id: records.len() + 1,
                groups: members,
                weight,
                value: sum,
            });
            return;
        }
        if path.len() >= bounds.max {
            return;
        }
        for i in begin..sorted.len() {
            path.push(sorted[i]);
            naive_dfs(
                groups,
                sorted,
                bounds,
                path,
                records,
                sum + i128::from(groups[sorted[i]].value),
                i + 1,
            );
            path.pop();
        }
    }

    proptest! {
        // S-35: the pruned search equals the literal search; same input, same output (S-67).
        #[test]
        fn s35_pruning_changes_nothing(
            rows in prop::collection::vec((1i64..5, 0i128..4), 0..9),
            min in 0i64..5,
            extra in 0usize..5,
            target in 0i64..12,
        ) {
            let names: Vec<String> = (0..rows.len()).map(|i| format!("g{i}")).collect();
            let groups: Vec<Group<'_>> = rows.iter().zip(&names).map(|(&(v, w), n)| g(n, v, w * 1000)).collect();
            let bounds = b(min, (min.max(0) as usize) + extra, target);
            let got = search_groups(&groups, bounds);
            prop_assert_eq!(&got, &reference(&groups, bounds));
            prop_assert_eq!(got, search_groups(&groups, bounds));
        }
    }
}
