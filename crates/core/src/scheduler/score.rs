//! The ClusterLocality score plugin (S-22): 100 for clusters the binding already runs on, else 0.
//! (ClusterAffinity scores 0 and is therefore not modelled.)
//!
//! Owns: the score. Must not: filter.

use super::context::BindingContext;

/// The score of locality.
pub const LOCALITY_SCORE: i64 = 100;

/// S-22.
pub fn score(ctx: &BindingContext<'_>, cluster: &str) -> i64 {
    if ctx.is_current(cluster) {
        LOCALITY_SCORE
    } else {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flotilla_api::types::{ResourceBindingSpec, TargetCluster};

    /// S-22.
    #[test]
    fn s22_cluster_locality() {
        let spec = ResourceBindingSpec {
            clusters: vec![TargetCluster {
                name: "a".into(),
                replicas: 2,
                ..Default::default()
            }],
            ..Default::default()
        };
        let ctx = BindingContext::new(&spec, None);
        assert_eq!(score(&ctx, "a"), 100);
        assert_eq!(score(&ctx, "b"), 0);
        let empty = ResourceBindingSpec::default();
        assert_eq!(score(&BindingContext::new(&empty, None), "a"), 0);
    }
}
