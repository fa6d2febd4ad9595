//! APIEnablement filter (S-18): a new cluster must serve the template's apiVersion and kind;
//! clusters already in `spec.clusters` pass. An incomplete API list counts as "not served" (D-16).
//!
//! Owns: this one check. Must not: look at anything but the API list.

use super::Reason;
use crate::scheduler::context::BindingContext;
use crate::scheduler::snapshot::ClusterInfo;

/// S-18.
pub fn filter(ctx: &BindingContext<'_>, cluster: &ClusterInfo) -> Result<(), Reason> {
    let resource = &ctx.spec.resource;
    let served = match ctx.served_by {
        Some(index) => index.get(cluster.index).copied().unwrap_or(false),
        None => cluster.serves(&resource.api_version, &resource.kind),
    };
    if ctx.is_current(&cluster.name) || served {
        Ok(())
    } else {
        Err(Reason::ApiNotEnabled)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheduler::filters::test_support::cluster;
    use flotilla_api::types::{ObjectReference, ResourceBindingSpec, TargetCluster};

    /// S-18 table.
    #[test]
    fn s18_api_enablement() {
        let c = cluster("m1", &[]);
        let spec_for = |api_version: &str, kind: &str, current: bool| ResourceBindingSpec {
            resource: ObjectReference {
                api_version: api_version.into(),
                kind: kind.into(),
                name: "x".into(),
                ..Default::default()
            },
            clusters: if current {
                vec![TargetCluster {
                    name: "m1".into(),
                    ..Default::default()
                }]
            } else {
                vec![]
            },
            ..Default::default()
        };
        let cases = [
            (spec_for("apps/v1", "Deployment", false), Ok(())),
            (
                spec_for("apps/v1", "StatefulSet", false),
                Err(Reason::ApiNotEnabled),
            ),
            (
                spec_for("flink.apache.org/v1beta1", "FlinkDeployment", false),
                Err(Reason::ApiNotEnabled),
            ),
            (
                spec_for("flink.apache.org/v1beta1", "FlinkDeployment", true),
                Ok(()),
            ),
        ];
        for (i, (spec, expected)) in cases.iter().enumerate() {
            assert_eq!(
                filter(&BindingContext::new(spec, None), &c),
                *expected,
                "case {i}"
            );
        }
    }
}
