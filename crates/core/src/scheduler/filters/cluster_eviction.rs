//! ClusterEviction filter (S-20, decisions.md D-12): a cluster the binding is being evicted from
//! is never chosen; and — Flotilla's deviation D-12 — a *new* cluster whose NoExecute taint the
//! binding tolerates only for a limited time is not chosen either (it would be evicted again).
//!
//! Owns: this one check. Must not: write evictions.

use super::Reason;
use crate::scheduler::context::BindingContext;
use crate::scheduler::snapshot::ClusterInfo;
use crate::taints::tolerates;

/// S-20 and D-12.
pub fn filter(ctx: &BindingContext<'_>, cluster: &ClusterInfo) -> Result<(), Reason> {
    if ctx.is_evicting(&cluster.name) {
        return Err(Reason::BeingEvicted);
    }
    if ctx.is_current(&cluster.name) {
        return Ok(());
    }
    let tolerations = &ctx.placement.cluster_tolerations;
    for (index, taint) in cluster
        .taints()
        .iter()
        .enumerate()
        .filter(|(_, t)| t.effect == "NoExecute")
    {
        let matching = tolerations.iter().filter(|t| tolerates(t, taint));
        let mut forever = false;
        let mut limited = false;
        for toleration in matching {
            match toleration.toleration_seconds {
                None => forever = true,
                Some(_) => limited = true,
            }
        }
        if limited && !forever {
            return Err(Reason::TemporarilyTolerated(index));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheduler::filters::test_support::{cluster, toleration};
    use flotilla_api::types::{
        GracefulEvictionTask, Placement, ResourceBindingSpec, TargetCluster,
    };

    /// S-20: clusters in eviction tasks are rejected, current or not.
    #[test]
    fn s20_cluster_eviction() {
        let m1 = cluster("m1", &[]);
        let spec = ResourceBindingSpec {
            graceful_eviction_tasks: vec![GracefulEvictionTask {
                from_cluster: "m1".into(),
                ..Default::default()
            }],
            clusters: vec![TargetCluster {
                name: "m1".into(),
                replicas: 1,
                ..Default::default()
            }],
            ..Default::default()
        };
        assert_eq!(
            filter(&BindingContext::new(&spec, None), &m1),
            Err(Reason::BeingEvicted)
        );
        assert_eq!(
            Reason::BeingEvicted.describe(&m1),
            "cluster(s) is in the process of eviction"
        );
        let clean = ResourceBindingSpec::default();
        assert_eq!(filter(&BindingContext::new(&clean, None), &m1), Ok(()));
    }

    /// D-12 (regression test named after the decision): a NoExecute taint tolerated only for a
    /// limited time keeps *new* placements away; tolerated forever, or already placed, it does not.
    #[test]
    fn d12_limited_toleration_is_not_a_new_home() {
        let tainted = cluster("b", &[("maint", "", "NoExecute")]);
        let spec_with = |tolerations, current: bool| ResourceBindingSpec {
            placement: Some(Placement {
                cluster_tolerations: tolerations,
                ..Default::default()
            }),
            clusters: if current {
                vec![TargetCluster {
                    name: "b".into(),
                    ..Default::default()
                }]
            } else {
                vec![]
            },
            ..Default::default()
        };
        let limited = spec_with(
            vec![toleration("maint", "Exists", "NoExecute", Some(120))],
            false,
        );
        let forever = spec_with(
            vec![
                toleration("maint", "Exists", "NoExecute", None),
                toleration("", "Exists", "", Some(5)),
            ],
            false,
        );
        let placed = spec_with(
            vec![toleration("maint", "Exists", "NoExecute", Some(120))],
            true,
        );
        let check = |spec: &ResourceBindingSpec| filter(&BindingContext::new(spec, None), &tainted);
        assert_eq!(check(&limited), Err(Reason::TemporarilyTolerated(0)));
        assert_eq!(check(&forever), Ok(()));
        assert_eq!(check(&placed), Ok(()));
    }
}
