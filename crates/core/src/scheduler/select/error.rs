//! Selection failures (S-31 … S-36, D-8): one variant per way spread-constraint selection fails,
//! whose `Display` is the condition message.
//!
//! Owns: the error vocabulary of `select`. Must not: decide when an error happens or how it is
//! classified and retried (S-57 belongs to the caller).

use flotilla_api::types::SpreadByField;

/// Why spread-constraint selection found no acceptable set of clusters.
///
/// `Display` is the message for the `Scheduled=False` condition. Karmada's messages are kept
/// verbatim (S-32, S-33, S-36); the D-8 messages end with Karmada's S-31 text so that it still
/// appears in them.
#[derive(thiserror::Error, Debug, Clone, PartialEq, Eq)]
pub enum SelectError {
    /// D-8: a `spreadByLabel` constraint is present; the scheduler does not implement it. Carries
    /// the label of the first such constraint in list order.
    #[error(
        "spread constraint spreadByLabel {label:?} is not supported: just support cluster and region spread constraint"
    )]
    UnsupportedLabel {
        /// The constraint's `spreadByLabel`.
        label: String,
    },
    /// S-31 step 3 / D-8: no `cluster` or `region` constraint, only `zone`/`provider` ones.
    /// Carries the field of the first constraint in list order.
    #[error(
        "spread constraint spreadByField {:?} is not supported without a cluster or region spread constraint: just support cluster and region spread constraint",
        field.as_str()
    )]
    UnsupportedField {
        /// The first constraint's `spreadByField` (`zone` or `provider`).
        field: SpreadByField,
    },
    /// S-32: fewer candidates than the cluster constraint's `minGroups`.
    #[error("the number of feasible clusters is less than spreadConstraint.MinGroups")]
    TooFewClusters,
    /// S-32: no choice of `k` clusters holds the needed replicas (Divided strategies only).
    #[error("no enough resource when selecting {k} clusters")]
    NotEnoughResource {
        /// The number of clusters selection tried to choose.
        k: usize,
    },
    /// S-36, S-37: selection chose no cluster (capacity-blind selection with nothing to take).
    #[error("no clusters available to schedule")]
    NoClusters,
    /// S-33 step 1: fewer regions than the region constraint's `minGroups`.
    #[error("the number of feasible region is less than spreadConstraint.MinGroups")]
    TooFewRegions,
    /// S-33 step 3: the group search (S-35) found no set of regions that holds the cluster
    /// constraint's `minGroups` clusters within the region bounds.
    #[error("the number of clusters is less than the cluster spreadConstraint.MinGroups")]
    NoRegionGroup,
}

#[cfg(test)]
mod tests {
    use super::*;

    // S-31, S-32, S-33, S-36, D-8: the exact condition messages.
    #[test]
    fn messages() {
        let cases = [
            (
                SelectError::UnsupportedLabel {
                    label: "rack".into(),
                },
                "spread constraint spreadByLabel \"rack\" is not supported: just support cluster and region spread constraint",
            ),
            (
                SelectError::UnsupportedField {
                    field: SpreadByField::Zone,
                },
                "spread constraint spreadByField \"zone\" is not supported without a cluster or region spread constraint: just support cluster and region spread constraint",
            ),
            (
                SelectError::TooFewClusters,
                "the number of feasible clusters is less than spreadConstraint.MinGroups",
            ),
            (
                SelectError::NotEnoughResource { k: 2 },
                "no enough resource when selecting 2 clusters",
            ),
            (SelectError::NoClusters, "no clusters available to schedule"),
            (
                SelectError::TooFewRegions,
                "the number of feasible region is less than spreadConstraint.MinGroups",
            ),
            (
                SelectError::NoRegionGroup,
                "the number of clusters is less than the cluster spreadConstraint.MinGroups",
            ),
        ];
        for (err, want) in cases {
            assert_eq!(err.to_string(), want);
        }
    }
}
