//! TaintToleration filter (S-17): a new cluster is rejected on its first NoSchedule/NoExecute
//! taint that no toleration covers; clusters already in `spec.clusters` pass whatever their
//! taints (only eviction removes them). `tolerationSeconds` plays no part here.
//!
//! Owns: this one check. Must not: decide evictions.

use super::Reason;
use crate::scheduler::context::BindingContext;
use crate::scheduler::snapshot::ClusterInfo;
use crate::taints::tolerated_by_any;

/// S-17.
pub fn filter(ctx: &BindingContext<'_>, cluster: &ClusterInfo) -> Result<(), Reason> {
    if ctx.is_current(&cluster.name) {
        return Ok(());
    }
    let tolerations = &ctx.placement.cluster_tolerations;
    let untolerated = cluster.taints().iter().position(|t| {
        (t.effect == "NoSchedule" || t.effect == "NoExecute") && !tolerated_by_any(tolerations, t)
    });
    match untolerated {
        Some(index) => Err(Reason::UntoleratedTaint(index)),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheduler::filters::test_support::{cluster, toleration};
    use flotilla_api::types::{Placement, ResourceBindingSpec, TargetCluster};

    /// S-17 table, including the spec's example (`maint=yes:NoExecute`).
    #[test]
    fn s17_taint_toleration() {
        let b = cluster("b", &[("maint", "yes", "NoExecute")]);
        let soft = cluster("s", &[("k", "", "PreferNoSchedule")]);
        let two = cluster("t", &[("a", "", "NoSchedule"), ("b", "", "NoSchedule")]);
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
        let tolerant = spec_with(
            vec![toleration("maint", "Exists", "NoExecute", Some(60))],
            false,
        );
        let bare = spec_with(vec![], false);
        let current = spec_with(vec![], true);
        let only_a = spec_with(vec![toleration("a", "Exists", "", None)], false);
        let check = |spec: &ResourceBindingSpec, c| filter(&BindingContext::new(spec, None), c);
        assert_eq!(
            check(&tolerant, &b),
            Ok(()),
            "tolerationSeconds is ignored here"
        );
        assert_eq!(check(&bare, &b), Err(Reason::UntoleratedTaint(0)));
        assert_eq!(
            Reason::UntoleratedTaint(0).describe(&b),
            "cluster(s) had untolerated taint {maint=yes:NoExecute}"
        );
        assert_eq!(check(&current, &b), Ok(()), "current clusters are exempt");
        assert_eq!(check(&bare, &soft), Ok(()), "PreferNoSchedule is ignored");
        assert_eq!(check(&only_a, &two), Err(Reason::UntoleratedTaint(1)));
        assert_eq!(
            check(&bare, &two),
            Err(Reason::UntoleratedTaint(0)),
            "first in list order"
        );
    }
}
