//! Group score (S-34): how well one topology group (a region) can hold the workload, used as the
//! group weight of the region search (S-35).
//!
//! Owns: the score formula for Duplicated and Divided placements. Must not: group candidates,
//! sort them, or choose groups.

use crate::scheduler::types::Candidate;

/// Inputs of S-34 that do not depend on the group.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScoreParams {
    /// True for Duplicated (or absent `replicaScheduling`); false for any Divided preference.
    pub duplicated: bool,
    /// `spec.replicas`.
    pub replicas: i64,
    /// The group constraint's `minGroups` (the region constraint's, for regions).
    pub group_min_groups: i64,
    /// The `cluster` constraint's `minGroups`, 0 when there is none.
    pub cluster_min_groups: i64,
}

/// The S-34 score of a group whose clusters are `clusters`, in candidate order.
///
/// Integer arithmetic, `/` truncating; i128 so that no realistic or unrealistic figure overflows.
/// A `group_min_groups` ≤ 0 (only possible without admission) counts as 1 when computing the
/// Divided target, so that the division is defined.
pub fn group_score(clusters: &[&Candidate], p: ScoreParams) -> i128 {
    if p.duplicated {
        duplicated_score(clusters, p.replicas)
    } else {
        divided_score(clusters, p)
    }
}

/// Duplicated: the clusters with avail ≥ replicas count 1000 each, plus their mean score.
fn duplicated_score(clusters: &[&Candidate], replicas: i64) -> i128 {
    let (n, sum_score) = clusters
        .iter()
        .filter(|c| c.avail >= replicas)
        .fold((0i128, 0i128), |(n, s), c| (n + 1, s + i128::from(c.score)));
    if n == 0 { 0 } else { n * 1000 + sum_score / n }
}

/// Divided: walk until enough clusters and enough avail for target = ceil(replicas / groupMin).
fn divided_score(clusters: &[&Candidate], p: ScoreParams) -> i128 {
    let group_min = i128::from(p.group_min_groups.max(1));
    let replicas = i128::from(p.replicas);
    let target = if replicas > 0 {
        (replicas + group_min - 1) / group_min
    } else {
        replicas / group_min
    };
    let c_min_eff = i128::from(p.cluster_min_groups.max(p.group_min_groups));
    let (mut sum_avail, mut sum_score, mut n) = (0i128, 0i128, 0i128);
    for c in clusters {
        sum_avail += i128::from(c.avail);
        sum_score += i128::from(c.score);
        n += 1;
        if n >= c_min_eff && sum_avail >= target {
            break;
        }
    }
    if sum_avail < target {
        sum_avail * 1000 + sum_score / (clusters.len() as i128).max(1)
    } else {
        target * 1000 + sum_score / n.max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheduler::select::test_support::cand;

    /// (what, clusters as (score, avail), params, expected score).
    type Case = (&'static str, Vec<(i64, i64)>, ScoreParams, i128);

    fn score(rows: &[(i64, i64)], p: ScoreParams) -> i128 {
        let owned: Vec<Candidate> = rows
            .iter()
            .enumerate()
            .map(|(i, &(s, a))| cand(&format!("c{i}"), s, a))
            .collect();
        let refs: Vec<&Candidate> = owned.iter().collect();
        group_score(&refs, p)
    }

    fn divided(replicas: i64, gmin: i64, cmin: i64) -> ScoreParams {
        ScoreParams {
            duplicated: false,
            replicas,
            group_min_groups: gmin,
            cluster_min_groups: cmin,
        }
    }

    fn dup(replicas: i64) -> ScoreParams {
        ScoreParams {
            duplicated: true,
            replicas,
            group_min_groups: 1,
            cluster_min_groups: 1,
        }
    }

    // S-34 worked example: replicas 30, region minGroups 2, cluster minGroups 3, target 15.
    #[test]
    fn s34_worked_example() {
        let p = divided(30, 2, 3);
        assert_eq!(
            score(&[(0, 20), (0, 10)], p),
            15000,
            "eu: list ends at n = 2 < 3, 30 ≥ 15"
        );
        assert_eq!(
            score(&[(0, 5), (0, 5), (0, 5)], p),
            15000,
            "ap: reaches 15 at n = 3"
        );
        assert_eq!(score(&[(0, 4), (0, 4)], p), 8000, "lat: 8 < 15");
    }

    // S-34 rules, table-driven.
    #[test]
    fn s34_table() {
        let cases: Vec<Case> = vec![
            (
                "S-34 Duplicated: no valid cluster",
                vec![(100, 1), (0, 2)],
                dup(3),
                0,
            ),
            (
                "S-34 Duplicated: 2 valid, mean score",
                vec![(100, 3), (0, 5), (100, 1)],
                dup(3),
                2050,
            ),
            (
                "S-34 Duplicated: mean truncates",
                vec![(100, 3), (0, 3), (0, 3)],
                dup(3),
                3033,
            ),
            (
                "S-34 Divided: ceil target",
                vec![(0, 100)],
                divided(31, 2, 1),
                16000,
            ),
            (
                "S-34 Divided: stop after the first cluster meeting both, mean over n",
                vec![(100, 10), (0, 10), (0, 10)],
                divided(10, 1, 2),
                10050,
            ),
            (
                "S-34 Divided: walk runs out, mean over all clusters",
                vec![(100, 1), (100, 1), (0, 1)],
                divided(10, 1, 1),
                3066,
            ),
            (
                "S-34 Divided: cMinEff = max(cluster min, group min)",
                vec![(100, 50), (0, 1)],
                divided(10, 2, 1),
                5050,
            ),
            (
                "S-34 Divided: zero replicas",
                vec![(100, 0)],
                divided(0, 1, 1),
                100,
            ),
            (
                "S-34 Divided: group min 0 counts as 1",
                vec![(0, 7)],
                divided(5, 0, 0),
                5000,
            ),
        ];
        for (what, rows, p, want) in cases {
            assert_eq!(score(&rows, p), want, "{what}");
        }
    }
}
