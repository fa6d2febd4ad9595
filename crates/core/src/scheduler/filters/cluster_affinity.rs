//! ClusterAffinity filter (S-15): the cluster must match `clusterAffinity`, or the term under
//! evaluation (its inline affinity, plus its overflow affinities for workloads). No exemption
//! for current clusters.
//!
//! Owns: this one check. Must not: order or score clusters.

use super::Reason;
use crate::scheduler::context::BindingContext;
use crate::scheduler::snapshot::ClusterInfo;
use crate::selector::cluster_matches;

/// S-15.
pub fn filter(ctx: &BindingContext<'_>, cluster: &ClusterInfo) -> Result<(), Reason> {
    let affinities = ctx.affinities();
    if affinities.is_empty() {
        return Ok(());
    }
    let facts = cluster.facts();
    if affinities.iter().any(|a| cluster_matches(&facts, a)) {
        Ok(())
    } else {
        Err(Reason::AffinityMismatch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheduler::filters::test_support::cluster;
    use flotilla_api::types::*;

    fn names(n: &[&str]) -> ClusterAffinity {
        ClusterAffinity {
            cluster_names: n.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        }
    }

    /// S-15 table: clusterAffinity, terms with overflow (workloads only), none, no exemption.
    #[test]
    fn s15_cluster_affinity() {
        let m1 = cluster("m1", &[]);
        let m2 = cluster("m2", &[]);
        let term = ClusterAffinityTerm {
            affinity_name: "primary".into(),
            affinity: names(&["m1"]),
            overflow_affinities: vec![OverflowClusterAffinity {
                affinity_name: "burst".into(),
                affinity: names(&["m2"]),
            }],
        };
        let with = |placement: Placement, replicas: i32| ResourceBindingSpec {
            placement: Some(placement),
            replicas,
            clusters: vec![TargetCluster {
                name: "m2".into(),
                replicas,
                ..Default::default()
            }],
            ..Default::default()
        };
        let single = with(
            Placement {
                cluster_affinity: Some(names(&["m1"])),
                ..Default::default()
            },
            1,
        );
        let terms = Placement {
            cluster_affinities: Some(vec![term.clone()]),
            ..Default::default()
        };
        let workload = with(terms.clone(), 2);
        let config = with(terms, 0);
        let none = with(Placement::default(), 1);
        let check = |spec: &ResourceBindingSpec, t: Option<&ClusterAffinityTerm>, c| {
            filter(&BindingContext::new(spec, t), c)
        };
        assert_eq!(check(&single, None, &m1), Ok(()));
        assert_eq!(
            check(&single, None, &m2),
            Err(Reason::AffinityMismatch),
            "no exemption for current clusters"
        );
        assert_eq!(
            check(&workload, Some(&term), &m2),
            Ok(()),
            "overflow counts for workloads"
        );
        assert_eq!(
            check(&config, Some(&term), &m2),
            Err(Reason::AffinityMismatch),
            "not for non-workloads"
        );
        assert_eq!(check(&config, Some(&term), &m1), Ok(()));
        assert_eq!(check(&none, None, &m2), Ok(()));
        assert_eq!(
            check(&config, None, &m2),
            Ok(()),
            "terms but none under evaluation"
        );
    }
}
