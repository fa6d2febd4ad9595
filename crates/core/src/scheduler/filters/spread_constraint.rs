//! SpreadConstraint filter (S-19): a cluster lacking the topology property a constraint spreads
//! by (provider, region, zones) is rejected.
//!
//! Owns: this one check. Must not: select clusters (that is `select`).

use flotilla_api::types::SpreadByField;

use super::Reason;
use crate::scheduler::context::BindingContext;
use crate::scheduler::snapshot::ClusterInfo;

/// S-19.
pub fn filter(ctx: &BindingContext<'_>, cluster: &ClusterInfo) -> Result<(), Reason> {
    let spec = &cluster.cluster.spec;
    for constraint in &ctx.placement.spread_constraints {
        let missing = match constraint.spread_by_field {
            Some(SpreadByField::Provider) if spec.provider.is_empty() => Some("provider"),
            Some(SpreadByField::Region) if spec.region.is_empty() => Some("region"),
            Some(SpreadByField::Zone) if cluster.zones.is_empty() => Some("zones"),
            _ => None,
        };
        if let Some(property) = missing {
            return Err(Reason::MissingProperty(property));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheduler::filters::test_support::cluster;
    use flotilla_api::types::{Placement, ResourceBindingSpec, SpreadConstraint};

    /// S-19 table.
    #[test]
    fn s19_spread_properties() {
        let bare = cluster("bare", &[]);
        let mut placed = cluster("placed", &[]);
        placed.cluster.spec.region = "eu".into();
        placed.cluster.spec.provider = "aws".into();
        placed.zones = vec!["eu-1a".into()];
        let by = |fields: &[SpreadByField]| ResourceBindingSpec {
            placement: Some(Placement {
                spread_constraints: fields
                    .iter()
                    .map(|f| SpreadConstraint {
                        spread_by_field: Some(*f),
                        min_groups: 1,
                        ..Default::default()
                    })
                    .collect(),
                ..Default::default()
            }),
            ..Default::default()
        };
        let check = |spec: &ResourceBindingSpec, c| filter(&BindingContext::new(spec, None), c);
        assert_eq!(check(&by(&[SpreadByField::Cluster]), &bare), Ok(()));
        assert_eq!(
            check(&by(&[SpreadByField::Cluster, SpreadByField::Region]), &bare),
            Err(Reason::MissingProperty("region"))
        );
        assert_eq!(
            check(&by(&[SpreadByField::Provider]), &bare),
            Err(Reason::MissingProperty("provider"))
        );
        assert_eq!(
            check(&by(&[SpreadByField::Zone]), &bare),
            Err(Reason::MissingProperty("zones"))
        );
        assert_eq!(
            Reason::MissingProperty("zones").describe(&bare),
            "cluster(s) did not have zones property"
        );
        for f in [
            SpreadByField::Region,
            SpreadByField::Provider,
            SpreadByField::Zone,
        ] {
            assert_eq!(check(&by(&[f]), &placed), Ok(()));
        }
    }
}
