//! Matching of Kubernetes label selectors and Karmada cluster affinities against clusters
//! (scheduling.md S-16, api.md §2.1, §3.2, §3.3). Used by the scheduler, static weights and
//! ClusterTaintPolicy targets.
//!
//! Owns: selector semantics. Must not: know about bindings or scheduling passes.

use std::collections::BTreeMap;

use flotilla_api::kinds::Cluster;
use flotilla_api::types::{ClusterAffinity, FieldSelector};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

/// The facts about a cluster that affinities look at.
#[derive(Clone, Copy, Debug)]
pub struct ClusterFacts<'a> {
    /// Cluster name.
    pub name: &'a str,
    /// Cluster labels.
    pub labels: &'a BTreeMap<String, String>,
    /// `spec.provider` (empty when unset).
    pub provider: &'a str,
    /// `spec.region` (empty when unset).
    pub region: &'a str,
    /// `spec.zones` (admission has moved a deprecated `spec.zone` here).
    pub zones: &'a [String],
}

static NO_LABELS: BTreeMap<String, String> = BTreeMap::new();

impl<'a> ClusterFacts<'a> {
    /// The facts of a Cluster object. A deprecated `spec.zone` counts as a one-element zone list
    /// when `spec.zones` is empty.
    pub fn of(cluster: &'a Cluster) -> Self {
        let spec = &cluster.spec;
        ClusterFacts {
            name: cluster.metadata.name.as_deref().unwrap_or(""),
            labels: cluster.metadata.labels.as_ref().unwrap_or(&NO_LABELS),
            provider: &spec.provider,
            region: &spec.region,
            zones: if spec.zones.is_empty() && !spec.zone.is_empty() {
                std::slice::from_ref(&spec.zone)
            } else {
                &spec.zones
            },
        }
    }
}

/// S-16: does the cluster match the affinity? Every set part must hold; an empty affinity
/// matches every cluster.
pub fn cluster_matches(cluster: &ClusterFacts<'_>, affinity: &ClusterAffinity) -> bool {
    if affinity.exclude.iter().any(|n| n == cluster.name) {
        return false;
    }
    if let Some(selector) = &affinity.label_selector
        && !label_selector_matches(selector, cluster.labels)
    {
        return false;
    }
    if let Some(fields) = &affinity.field_selector
        && !field_selector_matches(fields, cluster)
    {
        return false;
    }
    affinity.cluster_names.is_empty() || affinity.cluster_names.iter().any(|n| n == cluster.name)
}

/// Kubernetes label-selector semantics. An empty selector matches everything; a selector that
/// cannot be converted (empty key, unknown operator, `In`/`NotIn` without values, `Exists` with
/// values) matches nothing.
pub fn label_selector_matches(selector: &LabelSelector, labels: &BTreeMap<String, String>) -> bool {
    if let Some(match_labels) = &selector.match_labels {
        for (key, value) in match_labels {
            if key.is_empty() || labels.get(key) != Some(value) {
                return false;
            }
        }
    }
    let Some(expressions) = &selector.match_expressions else {
        return true;
    };
    expressions.iter().all(|e| {
        let values = e.values.as_deref().unwrap_or(&[]);
        requirement_matches(
            &e.key,
            &e.operator,
            values,
            labels.get(&e.key).map(String::as_str),
        )
    })
}

/// One set-based requirement against the value a key has (None = key absent).
fn requirement_matches(key: &str, operator: &str, values: &[String], actual: Option<&str>) -> bool {
    if key.is_empty() {
        return false;
    }
    let contains = |v: &str| values.iter().any(|x| x == v);
    match operator {
        "In" => !values.is_empty() && actual.is_some_and(contains),
        "NotIn" => !values.is_empty() && !actual.is_some_and(contains),
        "Exists" => values.is_empty() && actual.is_some(),
        "DoesNotExist" => values.is_empty() && actual.is_none(),
        _ => false,
    }
}

/// S-16 item 3: `zone` against the zone list, `provider`/`region` as node-selector
/// requirements over {provider, region}; other keys are never present.
fn field_selector_matches(selector: &FieldSelector, cluster: &ClusterFacts<'_>) -> bool {
    selector.match_expressions.iter().all(|e| {
        let values = e.values.as_deref().unwrap_or(&[]);
        match e.key.as_str() {
            "zone" => zones_match(&e.operator, values, cluster.zones),
            key => {
                let actual = match key {
                    "provider" if !cluster.provider.is_empty() => Some(cluster.provider),
                    "region" if !cluster.region.is_empty() => Some(cluster.region),
                    _ => None,
                };
                requirement_matches(key, &e.operator, values, actual)
            }
        }
    })
}

fn zones_match(operator: &str, values: &[String], zones: &[String]) -> bool {
    let any_in = || zones.iter().any(|z| values.contains(z));
    match operator {
        "In" => !zones.is_empty() && any_in(),
        "NotIn" => !any_in(),
        "Exists" => !zones.is_empty(),
        "DoesNotExist" => zones.is_empty(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::NodeSelectorRequirement;
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelectorRequirement;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    fn field(key: &str, op: &str, values: &[&str]) -> NodeSelectorRequirement {
        NodeSelectorRequirement {
            key: key.into(),
            operator: op.into(),
            values: Some(strings(values)),
        }
    }

    fn fields(reqs: Vec<NodeSelectorRequirement>) -> Option<FieldSelector> {
        Some(FieldSelector {
            match_expressions: reqs,
        })
    }

    /// S-16's worked example: cluster c1 {env=prod; aws; eu-1; zones eu-1a, eu-1b}.
    #[test]
    fn s16_worked_example() {
        let l = labels(&[("env", "prod")]);
        let zones = strings(&["eu-1a", "eu-1b"]);
        let c1 = ClusterFacts {
            name: "c1",
            labels: &l,
            provider: "aws",
            region: "eu-1",
            zones: &zones,
        };
        let cases: Vec<(ClusterAffinity, bool)> = vec![
            (
                ClusterAffinity {
                    cluster_names: strings(&["c1", "c2"]),
                    field_selector: fields(vec![field("zone", "In", &["eu-1b"])]),
                    ..Default::default()
                },
                true,
            ),
            (
                ClusterAffinity {
                    field_selector: fields(vec![field("zone", "NotIn", &["eu-1a"])]),
                    ..Default::default()
                },
                false,
            ),
            (
                ClusterAffinity {
                    label_selector: Some(LabelSelector {
                        match_labels: Some(labels(&[("env", "prod")])),
                        ..Default::default()
                    }),
                    exclude: strings(&["c1"]),
                    ..Default::default()
                },
                false,
            ),
            (
                ClusterAffinity {
                    field_selector: fields(vec![
                        field("provider", "In", &["aws"]),
                        field("region", "NotIn", &["us-1"]),
                    ]),
                    ..Default::default()
                },
                true,
            ),
            (ClusterAffinity::default(), true),
            (
                ClusterAffinity {
                    cluster_names: strings(&["c2"]),
                    ..Default::default()
                },
                false,
            ),
        ];
        for (i, (affinity, expected)) in cases.iter().enumerate() {
            assert_eq!(cluster_matches(&c1, affinity), *expected, "case {i}");
        }
    }

    /// S-16 item 3: zone operators against empty and non-empty lists; unknown keys.
    #[test]
    fn s16_field_selector_edges() {
        let l = BTreeMap::new();
        let none: Vec<String> = vec![];
        let bare = ClusterFacts {
            name: "x",
            labels: &l,
            provider: "",
            region: "",
            zones: &none,
        };
        let matches = |req| {
            cluster_matches(
                &bare,
                &ClusterAffinity {
                    field_selector: fields(vec![req]),
                    ..Default::default()
                },
            )
        };
        assert!(!matches(field("zone", "In", &["a"])));
        assert!(matches(field("zone", "NotIn", &["a"])));
        assert!(!matches(field("zone", "Exists", &[])));
        assert!(matches(field("zone", "DoesNotExist", &[])));
        assert!(!matches(field("zone", "Gt", &["1"])));
        assert!(!matches(field("region", "In", &["eu"])));
        assert!(matches(field("region", "NotIn", &["eu"])));
        assert!(
            matches(field("rack", "NotIn", &["r1"])),
            "other keys are never present"
        );
        assert!(
            !matches(field("", "NotIn", &["r1"])),
            "a malformed requirement matches nothing"
        );
    }

    /// api.md §2.1: label selector semantics.
    #[test]
    fn label_selectors() {
        let l = labels(&[("env", "prod"), ("tier", "web")]);
        let expr = |key: &str, op: &str, values: Option<Vec<String>>| LabelSelector {
            match_expressions: Some(vec![LabelSelectorRequirement {
                key: key.into(),
                operator: op.into(),
                values,
            }]),
            match_labels: None,
        };
        assert!(
            label_selector_matches(&LabelSelector::default(), &l),
            "empty matches all"
        );
        assert!(label_selector_matches(
            &expr("env", "In", Some(strings(&["prod", "dev"]))),
            &l
        ));
        assert!(!label_selector_matches(
            &expr("env", "NotIn", Some(strings(&["prod"]))),
            &l
        ));
        assert!(label_selector_matches(
            &expr("zone", "NotIn", Some(strings(&["a"]))),
            &l
        ));
        assert!(label_selector_matches(&expr("tier", "Exists", None), &l));
        assert!(label_selector_matches(
            &expr("zone", "DoesNotExist", None),
            &l
        ));
        assert!(
            !label_selector_matches(&expr("env", "In", Some(vec![])), &l),
            "In without values is invalid"
        );
        assert!(
            !label_selector_matches(&expr("env", "Exists", Some(strings(&["x"]))), &l),
            "Exists with values is invalid"
        );
        assert!(
            !label_selector_matches(&expr("", "Exists", None), &l),
            "empty key is invalid"
        );
        assert!(!label_selector_matches(&expr("env", "Like", None), &l));
        let both = LabelSelector {
            match_labels: Some(labels(&[("env", "prod")])),
            ..expr("tier", "In", Some(strings(&["db"])))
        };
        assert!(
            !label_selector_matches(&both, &l),
            "matchLabels and expressions are ANDed"
        );
    }
}
