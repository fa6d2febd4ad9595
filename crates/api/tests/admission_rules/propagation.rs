//! api.md §14.2: PropagationPolicy and ClusterPropagationPolicy rules (schema, webhook, updates).

use RejectionKind::{Forbidden, Invalid};
use flotilla_api::admission::{AdmissionConfig, FieldValidation, Operation, RejectionKind};
use serde_json::Value;

use super::common::{NEW_ID, admit_value, admit_yaml, context, error_lines};
use super::*;

#[test]
fn propagation_policy_schema_rules_api_14_2() {
    let cases = [
        Case { rule: "§14.2 spec missing", yaml: "apiVersion: policy.karmada.io/v1alpha1\nkind: PropagationPolicy\nmetadata: {name: p, namespace: default}\n".into(), kind: Invalid,
            errors: &["spec: Required value"] },
        Case { rule: "§14.2 resourceSelectors missing", yaml: pp("priority: 1"), kind: Invalid,
            errors: &["spec.resourceSelectors: Required value"] },
        Case { rule: "§14.2 resourceSelectors empty", yaml: pp("resourceSelectors: []"), kind: Invalid,
            errors: &["spec.resourceSelectors: Invalid value: 0: spec.resourceSelectors in body should have at least 1 items"] },
        Case { rule: "§14.2 selector apiVersion/kind", yaml: pp("resourceSelectors: [{name: web}]"), kind: Invalid,
            errors: &["spec.resourceSelectors[0].apiVersion: Required value", "spec.resourceSelectors[0].kind: Required value"] },
        Case { rule: "§14.2 preemption", yaml: with_sel("preemption: Sometimes"), kind: Invalid,
            errors: &["spec.preemption: Unsupported value: \"Sometimes\": supported values: \"Always\", \"Never\""] },
        Case { rule: "§14.2 conflictResolution", yaml: with_sel("conflictResolution: Merge"), kind: Invalid,
            errors: &["spec.conflictResolution: Unsupported value: \"Merge\": supported values: \"Abort\", \"Overwrite\""] },
        Case { rule: "§14.2 activationPreference", yaml: with_sel("activationPreference: Eager"), kind: Invalid,
            errors: &["spec.activationPreference: Unsupported value: \"Eager\": supported values: \"Lazy\""] },
        Case { rule: "§14.2 application.decisionConditions", yaml: with_sel("propagateDeps: true\nfailover: {application: {purgeMode: Directly}}"), kind: Invalid,
            errors: &["spec.failover.application.decisionConditions: Required value"] },
        Case { rule: "§14.2 application.purgeMode", yaml: with_sel("propagateDeps: true\nfailover: {application: {decisionConditions: {}, purgeMode: Later}}"), kind: Invalid,
            errors: &["spec.failover.application.purgeMode: Unsupported value: \"Later\": supported values: \"Directly\", \"Gracefully\", \"Never\""] },
        Case { rule: "§14.2 cluster.purgeMode", yaml: with_sel("failover: {cluster: {purgeMode: Never}}"), kind: Invalid,
            errors: &["spec.failover.cluster.purgeMode: Unsupported value: \"Never\": supported values: \"Directly\", \"Gracefully\""] },
        Case { rule: "§14.2 statePreservation.rules", yaml: with_sel("failover: {cluster: {statePreservation: {}}}"), kind: Invalid,
            errors: &["spec.failover.cluster.statePreservation.rules: Required value"] },
        Case { rule: "§14.2 rules[i].aliasLabelName/jsonPath", yaml: with_sel("failover: {cluster: {statePreservation: {rules: [{}]}}}"), kind: Invalid,
            errors: &["spec.failover.cluster.statePreservation.rules[0].aliasLabelName: Required value", "spec.failover.cluster.statePreservation.rules[0].jsonPath: Required value"] },
        Case { rule: "§14.2 affinityName missing", yaml: with_sel("placement: {clusterAffinities: [{clusterNames: [m1]}]}"), kind: Invalid,
            errors: &["spec.placement.clusterAffinities[0].affinityName: Required value"] },
        Case { rule: "§14.2 affinityName empty", yaml: with_sel("placement: {clusterAffinities: [{affinityName: ''}]}"), kind: Invalid,
            errors: &["spec.placement.clusterAffinities[0].affinityName: Invalid value: \"\": spec.placement.clusterAffinities[0].affinityName in body should be at least 1 chars long"] },
        Case { rule: "§14.2 affinityName > 32", yaml: with_sel(&format!("placement: {{clusterAffinities: [{{affinityName: {}}}]}}", "a".repeat(33))), kind: Invalid,
            errors: &["spec.placement.clusterAffinities[0].affinityName: Too long: may not be more than 32 bytes"] },
        Case { rule: "§14.2 overflow affinityName > 32", yaml: with_sel(&format!("placement: {{clusterAffinities: [{{affinityName: a, overflowAffinities: [{{affinityName: {}}}]}}]}}", "b".repeat(33))), kind: Invalid,
            errors: &["spec.placement.clusterAffinities[0].overflowAffinities[0].affinityName: Too long: may not be more than 32 bytes"] },
        Case { rule: "§14.2 spreadByField", yaml: with_sel("placement: {spreadConstraints: [{spreadByField: rack}]}"), kind: Invalid,
            errors: &["spec.placement.spreadConstraints[0].spreadByField: Unsupported value: \"rack\": supported values: \"cluster\", \"region\", \"zone\", \"provider\""] },
        Case { rule: "§14.2 replicaSchedulingType", yaml: with_sel("placement: {replicaScheduling: {replicaSchedulingType: Split}}"), kind: Invalid,
            errors: &["spec.placement.replicaScheduling.replicaSchedulingType: Unsupported value: \"Split\": supported values: \"Duplicated\", \"Divided\""] },
        Case { rule: "§14.2 replicaDivisionPreference", yaml: with_sel("placement: {replicaScheduling: {replicaDivisionPreference: Even}}"), kind: Invalid,
            errors: &["spec.placement.replicaScheduling.replicaDivisionPreference: Unsupported value: \"Even\": supported values: \"Aggregated\", \"Weighted\""] },
        Case { rule: "§14.2 dynamicWeight", yaml: with_sel("placement: {replicaScheduling: {weightPreference: {dynamicWeight: Capacity}}}"), kind: Invalid,
            errors: &["spec.placement.replicaScheduling.weightPreference.dynamicWeight: Unsupported value: \"Capacity\": supported values: \"AvailableReplicas\""] },
        Case { rule: "§14.2 staticWeightList weight >= 1", yaml: with_sel("placement: {replicaScheduling: {weightPreference: {staticWeightList: [{targetCluster: {clusterNames: [m1]}, weight: 0}]}}}"), kind: Invalid,
            errors: &["spec.placement.replicaScheduling.weightPreference.staticWeightList[0].weight: Invalid value: 0: spec.placement.replicaScheduling.weightPreference.staticWeightList[0].weight in body should be greater than or equal to 1"] },
        Case { rule: "§14.2 staticWeightList required", yaml: with_sel("placement: {replicaScheduling: {weightPreference: {staticWeightList: [{}]}}}"), kind: Invalid,
            errors: &["spec.placement.replicaScheduling.weightPreference.staticWeightList[0].targetCluster: Required value", "spec.placement.replicaScheduling.weightPreference.staticWeightList[0].weight: Required value"] },
        Case { rule: "§14.2 fieldSelector key/operator required", yaml: with_sel("placement: {clusterAffinity: {fieldSelector: {matchExpressions: [{values: [x]}]}}}"), kind: Invalid,
            errors: &["spec.placement.clusterAffinity.fieldSelector.matchExpressions[0].key: Required value", "spec.placement.clusterAffinity.fieldSelector.matchExpressions[0].operator: Required value"] },
        Case { rule: "§14.2 schedulePriority", yaml: with_sel("schedulePriority: {priorityClassSource: PodPriorityClass}"), kind: Invalid,
            errors: &["spec.schedulePriority.priorityClassName: Required value", "spec.schedulePriority.priorityClassSource: Unsupported value: \"PodPriorityClass\": supported values: \"KubePriorityClass\""] },
        Case { rule: "§14.2 workloadAffinity groupByLabelKey", yaml: with_sel("placement: {workloadAffinity: {affinity: {}}}"), kind: Invalid,
            errors: &["spec.placement.workloadAffinity.affinity.groupByLabelKey: Required value"] },
        Case { rule: "§0.2 integers are integers", yaml: with_sel("priority: high"), kind: Invalid,
            errors: &["spec.priority: Invalid value: \"string\": spec.priority in body must be of type integer: \"string\""] },
    ];
    check(&cases, AdmissionConfig::default());
}

const DENIED_PP: &str = "admission webhook \"propagationpolicy.karmada.io\" denied the request: ";

#[test]
fn propagation_policy_webhook_rules_api_14_2() {
    let qualified = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
    let cases = [
        Case {
            rule: "§14.2 clusterAffinity with clusterAffinities",
            yaml: with_sel(
                "placement: {clusterAffinity: {clusterNames: [m1]}, clusterAffinities: []}",
            ),
            kind: Forbidden,
            errors: &[
                "spec.placement: Invalid value: {\"clusterAffinity\":{\"clusterNames\":[\"m1\"]},\"clusterAffinities\":[]}: clusterAffinities cannot co-exist with clusterAffinity",
            ],
        },
        Case {
            rule: "§14.2 overflowAffinities need aggregated or dynamic weight",
            yaml: with_sel(
                "placement: {clusterAffinities: [{affinityName: a, clusterNames: [m1], overflowAffinities: [{affinityName: b, clusterNames: [m2]}]}]}",
            ),
            kind: Forbidden,
            errors: &[
                "spec.placement.clusterAffinities[0].overflowAffinities: Invalid value: [{\"affinityName\":\"b\",\"clusterNames\":[\"m2\"]}]: overflowAffinities can only be used together with dynamic weight or aggregated scheduling",
            ],
        },
        Case {
            rule: "§14.2 fieldSelector key",
            yaml: with_sel(
                "placement: {clusterAffinity: {fieldSelector: {matchExpressions: [{key: rack, operator: In, values: [r1]}]}}}",
            ),
            kind: Forbidden,
            errors: &[
                "spec.placement.clusterAffinity.fieldSelector: Invalid value: {\"key\":\"rack\",\"operator\":\"In\",\"values\":[\"r1\"]}: unsupported key \"rack\", must be provider, region, or zone",
            ],
        },
        Case {
            rule: "§14.2 fieldSelector operator (terms too)",
            yaml: with_sel(
                "placement: {clusterAffinities: [{affinityName: a, fieldSelector: {matchExpressions: [{key: region, operator: Exists}]}}]}",
            ),
            kind: Forbidden,
            errors: &[
                "spec.placement.clusterAffinities[0].fieldSelector: Invalid value: {\"key\":\"region\",\"operator\":\"Exists\"}: unsupported operator \"Exists\", must be In or NotIn",
            ],
        },
        Case {
            rule: "§14.2 affinityName qualified name",
            yaml: with_sel("placement: {clusterAffinities: [{affinityName: 'my group'}]}"),
            kind: Forbidden,
            errors: &[],
        },
        Case {
            rule: "§14.2 affinity names unique",
            yaml: with_sel(
                "placement: {clusterAffinities: [{affinityName: a}, {affinityName: a}]}",
            ),
            kind: Forbidden,
            errors: &[
                "spec.placement.clusterAffinities: Invalid value: [{\"affinityName\":\"a\"},{\"affinityName\":\"a\"}]: each affinity term in a policy must have a unique name",
            ],
        },
        Case {
            rule: "§14.2 overflow needs inline affinity",
            yaml: with_sel(
                "placement: {replicaScheduling: {replicaDivisionPreference: Aggregated}, clusterAffinities: [{affinityName: a, overflowAffinities: [{affinityName: b}]}]}",
            ),
            kind: Forbidden,
            errors: &[
                "spec.placement.clusterAffinities[0].overflowAffinities: Invalid value: [{\"affinityName\":\"b\"}]: overflowAffinities can only be used together with the inline ClusterAffinity",
            ],
        },
        Case {
            rule: "§14.2 overflow names unique and not the term's",
            yaml: with_sel(
                "placement: {replicaScheduling: {replicaDivisionPreference: Aggregated}, clusterAffinities: [{affinityName: a, clusterNames: [m1], overflowAffinities: [{affinityName: a}]}]}",
            ),
            kind: Forbidden,
            errors: &[
                "spec.placement.clusterAffinities[0].overflowAffinities[0].affinityName: Invalid value: \"a\": overflow affinity name must be unique and must not duplicate the primary group's affinityName",
            ],
        },
        Case {
            rule: "§14.2 spreadByLabel with spreadByField",
            yaml: with_sel(
                "placement: {spreadConstraints: [{spreadByField: cluster, spreadByLabel: rack, maxGroups: 2}]}",
            ),
            kind: Forbidden,
            errors: &[
                "spec.placement.spreadConstraints[0]: Invalid value: {\"spreadByField\":\"cluster\",\"spreadByLabel\":\"rack\",\"maxGroups\":2,\"minGroups\":1}: spreadByLabel should not co-exist with spreadByField",
            ],
        },
        Case {
            rule: "§14.2 minGroups < 0",
            yaml: with_sel(
                "placement: {spreadConstraints: [{spreadByField: cluster, minGroups: -1, maxGroups: 2}]}",
            ),
            kind: Forbidden,
            errors: &[
                "spec.placement.spreadConstraints[0]: Invalid value: {\"spreadByField\":\"cluster\",\"maxGroups\":2,\"minGroups\":-1}: minGroups lower than 0 is not allowed",
            ],
        },
        Case {
            rule: "§14.2 maxGroups < 0",
            yaml: with_sel(
                "placement: {spreadConstraints: [{spreadByField: cluster, maxGroups: -2}]}",
            ),
            kind: Forbidden,
            errors: &[
                "spec.placement.spreadConstraints[0]: Invalid value: {\"spreadByField\":\"cluster\",\"maxGroups\":-2,\"minGroups\":1}: maxGroups lower than 0 is not allowed",
            ],
        },
        Case {
            rule: "§14.2 maxGroups < minGroups",
            yaml: with_sel(
                "placement: {spreadConstraints: [{spreadByField: cluster, minGroups: 3, maxGroups: 2}]}",
            ),
            kind: Forbidden,
            errors: &[
                "spec.placement.spreadConstraints[0]: Invalid value: {\"spreadByField\":\"cluster\",\"maxGroups\":2,\"minGroups\":3}: maxGroups lower than minGroups is not allowed",
            ],
        },
        Case {
            rule: "§14.2 one constraint per field",
            yaml: with_sel(
                "placement: {spreadConstraints: [{spreadByField: cluster, maxGroups: 1}, {spreadByField: cluster, maxGroups: 2}]}",
            ),
            kind: Forbidden,
            errors: &[
                "spec.placement.spreadConstraints: Invalid value: [{\"spreadByField\":\"cluster\",\"maxGroups\":1,\"minGroups\":1},{\"spreadByField\":\"cluster\",\"maxGroups\":2,\"minGroups\":1}]: multiple cluster spread constraints are not allowed",
            ],
        },
        Case {
            rule: "§14.2 a cluster constraint is needed",
            yaml: with_sel(
                "placement: {spreadConstraints: [{spreadByField: region, maxGroups: 2}]}",
            ),
            kind: Forbidden,
            errors: &[
                "spec.placement.spreadConstraints: Invalid value: [{\"spreadByField\":\"region\",\"maxGroups\":2,\"minGroups\":1}]: the cluster spread constraint must be enabled in one of the constraints in case of SpreadByField is enabled",
            ],
        },
        Case {
            rule: "§14.2 workloadAffinity keys differ",
            yaml: with_sel(
                "placement: {workloadAffinity: {affinity: {groupByLabelKey: app}, antiAffinity: {groupByLabelKey: app}}}",
            ),
            kind: Forbidden,
            errors: &[
                "spec.placement.workloadAffinity: Invalid value: {\"affinity\":{\"groupByLabelKey\":\"app\"},\"antiAffinity\":{\"groupByLabelKey\":\"app\"}}: affinity and antiAffinity must not use the same groupByLabelKey",
            ],
        },
        Case {
            rule: "§14.2 toleration operator Lt/Gt",
            yaml: with_sel("placement: {clusterTolerations: [{key: k, operator: Gt, value: '3'}]}"),
            kind: Forbidden,
            errors: &[
                "spec.placement.clusterTolerations[0].operator: Unsupported value: \"Gt\": supported values: \"\", \"Exists\", \"Equal\"",
            ],
        },
        Case {
            rule: "§14.2/F-60 application failover needs propagateDeps",
            yaml: with_sel(
                "failover: {application: {decisionConditions: {tolerationSeconds: 60}}}",
            ),
            kind: Forbidden,
            errors: &[
                "spec.propagateDeps: Invalid value: false: application failover is set, propagateDeps must be true",
            ],
        },
        Case {
            rule: "§14.2/F-60 tolerationSeconds >= 0",
            yaml: with_sel(
                "propagateDeps: true\nfailover: {application: {decisionConditions: {tolerationSeconds: -1}}}",
            ),
            kind: Forbidden,
            errors: &[
                "spec.failover.application.decisionConditions.tolerationSeconds: Invalid value: -1: must be greater than or equal to 0",
            ],
        },
        Case {
            rule: "§14.2/F-60 gracePeriodSeconds only with Gracefully",
            yaml: with_sel(
                "propagateDeps: true\nfailover: {application: {decisionConditions: {}, purgeMode: Never, gracePeriodSeconds: 30}}",
            ),
            kind: Forbidden,
            errors: &[
                "spec.failover.application.gracePeriodSeconds: Invalid value: 30: only takes effect when purgeMode is gracefully",
            ],
        },
        Case {
            rule: "§14.2/F-60 gracePeriodSeconds > 0",
            yaml: with_sel(
                "propagateDeps: true\nfailover: {application: {decisionConditions: {}, gracePeriodSeconds: 0}}",
            ),
            kind: Forbidden,
            errors: &[
                "spec.failover.application.gracePeriodSeconds: Invalid value: 0: must be greater than 0",
            ],
        },
        Case {
            rule: "§14.2/F-41 aliasLabelName is a label key",
            yaml: with_sel(
                "failover: {cluster: {statePreservation: {rules: [{aliasLabelName: 'job id', jsonPath: '{.jobId}'}]}}}",
            ),
            kind: Forbidden,
            errors: &[],
        },
        Case {
            rule: "§14.2 selector namespace",
            yaml: pp("resourceSelectors: [{apiVersion: v1, kind: ConfigMap, namespace: other}]"),
            kind: Forbidden,
            errors: &[
                "spec.resourceSelectors[0].namespace: Invalid value: \"other\": namespace of resource selector must be the same as the namespace of the policy",
            ],
        },
        Case {
            rule: "§14.2 preemption Always needs names",
            yaml: pp("preemption: Always\nresourceSelectors: [{apiVersion: v1, kind: ConfigMap}]"),
            kind: Forbidden,
            errors: &[
                "spec.resourceSelectors[0].name: Invalid value: \"\": name cannot be empty if preemption is Always, the empty name may cause unexpected resources preemption",
            ],
        },
        Case {
            rule: "§14.2 suspension (decisions.md: correct path)",
            yaml: with_sel(
                "suspension: {dispatching: true, dispatchingOnClusters: {clusterNames: [m1]}}",
            ),
            kind: Forbidden,
            errors: &[
                "spec.suspension: Invalid value: {\"dispatching\":true,\"dispatchingOnClusters\":{\"clusterNames\":[\"m1\"]}}: suspension dispatching cannot co-exist with dispatchingOnClusters.clusterNames",
            ],
        },
    ];
    let ctx = context(AdmissionConfig::default(), FieldValidation::Strict);
    let mut exact = Vec::new();
    for case in cases {
        if case.errors.is_empty() {
            let rejection = admit_yaml(&case.yaml, &ctx).unwrap_err();
            let lines = error_lines(&rejection);
            assert_eq!(lines.len(), 1, "{}: {lines:?}", case.rule);
            assert!(lines[0].ends_with(qualified), "{}: {}", case.rule, lines[0]);
            assert!(
                rejection.message.starts_with(DENIED_PP),
                "{}",
                rejection.message
            );
        } else {
            exact.push(case);
        }
    }
    check(&exact, AdmissionConfig::default());
    let message = admit_yaml(&exact[0].yaml, &ctx).unwrap_err().message;
    assert!(message.starts_with(DENIED_PP), "{message}");
}

fn admitted_pp(ctx: &flotilla_api::admission::AdmissionContext) -> Value {
    admit_yaml(&with_sel(""), ctx).unwrap().object
}

#[test]
fn propagation_policy_update_rules_api_14_2() {
    let ctx = context(AdmissionConfig::default(), FieldValidation::Strict);
    let old = admitted_pp(&ctx);
    let update = |f: &dyn Fn(&mut Value)| {
        let mut new = old.clone();
        f(&mut new);
        admit_value(new, vec![], Operation::Update { old: old.clone() }, &ctx)
    };
    let label = "propagationpolicy.karmada.io/permanent-id";
    assert_eq!(old["metadata"]["labels"][label], NEW_ID);
    let missing = update(&|o| {
        o["metadata"]["labels"]
            .as_object_mut()
            .unwrap()
            .remove(label);
    })
    .unwrap_err();
    assert_eq!(
        missing.message,
        format!(
            "{DENIED_PP}label {label} is required, it should be set by the mutating admission webhook during creation"
        )
    );
    let scheduler = update(&|o| o["spec"]["schedulerName"] = "other".into()).unwrap_err();
    assert_eq!(
        scheduler.message,
        format!("{DENIED_PP}the schedulerName should not be updated")
    );
    let changed = update(&|o| o["metadata"]["labels"][label] = "x".into()).unwrap_err();
    assert_eq!(
        changed.message,
        format!(
            "{DENIED_PP}label {label} is immutable, it can only be set by the system during creation"
        )
    );
    assert_eq!(changed.kind, Forbidden);
    update(&|o| o["spec"]["priority"] = 5.into()).expect("a plain update is admitted");
}

#[test]
fn cluster_propagation_policy_rules_api_14_2() {
    let ctx = context(AdmissionConfig::default(), FieldValidation::Strict);
    let admitted = admit_yaml(
        &cpp("resourceSelectors: [{apiVersion: v1, kind: Namespace, name: team}]"),
        &ctx,
    )
    .unwrap()
    .object;
    assert_eq!(
        admitted["metadata"]["labels"]["clusterpropagationpolicy.karmada.io/permanent-id"],
        NEW_ID
    );
    assert_eq!(
        admitted["metadata"]["finalizers"][0],
        "karmada.io/cluster-propagation-policy-controller"
    );
    assert!(
        admitted["spec"]["resourceSelectors"][0]
            .get("namespace")
            .is_none(),
        "CPP selectors keep an empty namespace"
    );
    let rejection = admit_yaml(&cpp("resourceSelectors: [{apiVersion: v1, kind: ConfigMap}]\nplacement: {clusterTolerations: [{operator: Lt}]}"), &ctx).unwrap_err();
    assert_eq!(
        rejection.message,
        "admission webhook \"clusterpropagationpolicy.karmada.io\" denied the request: spec.placement.clusterTolerations[0].operator: Unsupported value: \"Lt\": supported values: \"\", \"Exists\", \"Equal\""
    );
}
