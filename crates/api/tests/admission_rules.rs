//! One table test per validation rule of api.md §14 (and the schema rules of §2.5, §3, §8.2),
//! asserting the exact field path, error type and detail users see.

mod common;

use common::{NEW_ID, admit_value, admit_yaml, context, error_lines};
use flotilla_api::admission::{AdmissionConfig, FieldValidation, Operation, RejectionKind};
use serde_json::Value;

/// A rule case: what it cites, the object, and the expected HTTP answer and error lines.
struct Case {
    rule: &'static str,
    yaml: String,
    kind: RejectionKind,
    errors: &'static [&'static str],
}

fn check(cases: &[Case], config: AdmissionConfig) {
    let ctx = context(config, FieldValidation::Strict);
    let mut failures = Vec::new();
    for case in cases {
        match admit_yaml(&case.yaml, &ctx) {
            Ok(_) => failures.push(format!(
                "{}: admitted, expected {:?}",
                case.rule, case.errors
            )),
            Err(rejection) => {
                let got = error_lines(&rejection);
                if got != case.errors || rejection.kind != case.kind {
                    failures.push(format!(
                        "{}:\n  expected {:?} {:#?}\n  got      {:?} {:#?}",
                        case.rule, case.kind, case.errors, rejection.kind, got
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

fn pp(spec: &str) -> String {
    format!(
        "apiVersion: policy.karmada.io/v1alpha1\nkind: PropagationPolicy\nmetadata: {{name: p, namespace: default}}\nspec:\n{}",
        indent(spec)
    )
}

fn cpp(spec: &str) -> String {
    format!(
        "apiVersion: policy.karmada.io/v1alpha1\nkind: ClusterPropagationPolicy\nmetadata: {{name: c}}\nspec:\n{}",
        indent(spec)
    )
}

fn cluster(name: &str, spec: &str) -> String {
    format!(
        "apiVersion: cluster.karmada.io/v1alpha1\nkind: Cluster\nmetadata: {{name: {name}}}\nspec:\n{}",
        indent(spec)
    )
}

fn ctp(spec: &str) -> String {
    format!(
        "apiVersion: policy.karmada.io/v1alpha1\nkind: ClusterTaintPolicy\nmetadata: {{name: t}}\nspec:\n{}",
        indent(spec)
    )
}

fn op(spec: &str) -> String {
    format!(
        "apiVersion: policy.karmada.io/v1alpha1\nkind: OverridePolicy\nmetadata: {{name: o, namespace: default}}\nspec:\n{}",
        indent(spec)
    )
}

fn rb(spec: &str) -> String {
    format!(
        "apiVersion: work.karmada.io/v1alpha2\nkind: ResourceBinding\nmetadata: {{name: web-deployment, namespace: default}}\nspec:\n{}",
        indent(spec)
    )
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("  {l}\n")).collect()
}

const SEL: &str = "resourceSelectors: [{apiVersion: apps/v1, kind: Deployment, name: web}]\n";

fn with_sel(rest: &str) -> String {
    pp(&format!("{SEL}{rest}"))
}

const LABEL_MSG: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

use RejectionKind::{BadRequest, Forbidden, Invalid};

#[test]
fn cluster_rules_api_14_1() {
    let long = "a".repeat(49);
    let cases = vec![
        Case {
            rule: "§14.1 name > 48",
            yaml: cluster(&long, "syncMode: Push"),
            kind: Invalid,
            errors: &[
                "metadata.name: Invalid value: \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\": must be no more than 48 characters",
            ],
        },
        Case {
            rule: "§14.1 name not a DNS-1123 label",
            yaml: cluster("member_1", "syncMode: Push"),
            kind: Invalid,
            errors: &[],
        },
        Case {
            rule: "§14.1 syncMode missing",
            yaml: cluster("m1", "apiEndpoint: https://10.0.0.1:6443"),
            kind: Invalid,
            errors: &["spec.syncMode: Required value"],
        },
        Case {
            rule: "§14.1 syncMode empty",
            yaml: cluster("m1", "syncMode: ''"),
            kind: Invalid,
            errors: &[
                "spec.syncMode: Required value",
                "spec.syncMode: Unsupported value: \"\": supported values: \"Pull\", \"Push\"",
            ],
        },
        Case {
            rule: "§14.1 syncMode unsupported",
            yaml: cluster("m1", "syncMode: Hybrid"),
            kind: Invalid,
            errors: &[
                "spec.syncMode: Unsupported value: \"Hybrid\": supported values: \"Pull\", \"Push\"",
            ],
        },
        Case {
            rule: "§14.1 apiEndpoint unparsable",
            yaml: cluster("m1", "syncMode: Push\napiEndpoint: '10.0.0.1:6443'"),
            kind: Invalid,
            errors: &[
                "spec.apiEndpoint: Invalid value: \"10.0.0.1:6443\": apiEndpoint must be a valid URL: parse \"10.0.0.1:6443\": first path segment in URL cannot contain colon; desired format: hostname, hostname:port, IP or IP:port",
            ],
        },
        Case {
            rule: "§14.1 apiEndpoint without host",
            yaml: cluster("m1", "syncMode: Push\napiEndpoint: member1.example.com"),
            kind: Invalid,
            errors: &[
                "spec.apiEndpoint: Invalid value: \"member1.example.com\": host must be provided; desired format: hostname, hostname:port, IP or IP:port",
            ],
        },
        Case {
            rule: "§14.1 apiEndpoint user info",
            yaml: cluster("m1", "syncMode: Push\napiEndpoint: https://admin@h:6443"),
            kind: Invalid,
            errors: &[
                "spec.apiEndpoint: Invalid value: \"admin\": user information is not permitted in the URL",
            ],
        },
        Case {
            rule: "§14.1 apiEndpoint fragment",
            yaml: cluster("m1", "syncMode: Push\napiEndpoint: https://h:6443#top"),
            kind: Invalid,
            errors: &[
                "spec.apiEndpoint: Invalid value: \"top\": fragments are not permitted in the URL",
            ],
        },
        Case {
            rule: "§14.1 apiEndpoint query",
            yaml: cluster("m1", "syncMode: Push\napiEndpoint: https://h:6443?x=1"),
            kind: Invalid,
            errors: &[
                "spec.apiEndpoint: Invalid value: \"x=1\": query parameters are not permitted in the URL",
            ],
        },
        Case {
            rule: "§14.1 secretRef.namespace",
            yaml: cluster("m1", "syncMode: Push\nsecretRef: {name: s}"),
            kind: Invalid,
            errors: &["spec.secretRef.namespace: Required value"],
        },
        Case {
            rule: "§14.1 impersonatorSecretRef.name",
            yaml: cluster(
                "m1",
                "syncMode: Push\nimpersonatorSecretRef: {namespace: karmada-cluster}",
            ),
            kind: Invalid,
            errors: &["spec.impersonatorSecretRef.name: Required value"],
        },
        Case {
            rule: "§14.1 proxyURL scheme",
            yaml: cluster("m1", "syncMode: Push\nproxyURL: ftp://proxy:21"),
            kind: Invalid,
            errors: &[
                "spec.proxyURL: Invalid value: \"ftp://proxy:21\": unsupported scheme \"ftp\", must be http, https, or socks5",
            ],
        },
        Case {
            rule: "§14.1 provider label value",
            yaml: cluster("m1", "syncMode: Push\nprovider: aws cloud"),
            kind: Invalid,
            errors: &[
                "spec.provider: Invalid value: \"aws cloud\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
            ],
        },
        Case {
            rule: "§14.1 region label value",
            yaml: cluster("m1", &format!("syncMode: Push\nregion: {}", "r".repeat(64))),
            kind: Invalid,
            errors: &[],
        },
        Case {
            rule: "§14.1 zone and zones (decisions.md: correct path)",
            yaml: cluster("m1", "syncMode: Push\nzone: z1\nzones: [z1, z2]"),
            kind: Invalid,
            errors: &["spec.zones: Invalid value: [\"z1\",\"z2\"]: Zone and Zones cannot co-exist"],
        },
        Case {
            rule: "§14.1 zones label value",
            yaml: cluster("m1", "syncMode: Push\nzones: [z1, '-z2']"),
            kind: Invalid,
            errors: &[
                "spec.zones[1]: Invalid value: \"-z2\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
            ],
        },
        Case {
            rule: "§14.1 taint key",
            yaml: cluster(
                "m1",
                "syncMode: Push\ntaints: [{key: bad key, effect: NoSchedule}]",
            ),
            kind: Invalid,
            errors: &[
                "spec.taints[0].key: Invalid value: \"bad key\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
            ],
        },
        Case {
            rule: "§14.1 taint value",
            yaml: cluster(
                "m1",
                "syncMode: Push\ntaints: [{key: k, value: 'a b', effect: NoSchedule}]",
            ),
            kind: Invalid,
            errors: &[
                "spec.taints[0].value: Invalid value: \"a b\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
            ],
        },
        Case {
            rule: "§14.1 taint effect empty",
            yaml: cluster("m1", "syncMode: Push\ntaints: [{key: k, effect: ''}]"),
            kind: Invalid,
            errors: &["spec.taints[0].effect: Required value"],
        },
        Case {
            rule: "§14.1 taint effect PreferNoSchedule",
            yaml: cluster(
                "m1",
                "syncMode: Push\ntaints: [{key: k, effect: PreferNoSchedule}]",
            ),
            kind: Invalid,
            errors: &[
                "spec.taints[0].effect: Unsupported value: \"PreferNoSchedule\": supported values: \"NoSchedule\", \"NoExecute\"",
            ],
        },
        Case {
            rule: "§14.1 taints unique by key and effect",
            yaml: cluster(
                "m1",
                "syncMode: Push\ntaints: [{key: k, effect: NoSchedule}, {key: k, value: v, effect: NoSchedule}]",
            ),
            kind: Invalid,
            errors: &[
                "spec.taints[1]: Duplicate value: {\"effect\":\"NoSchedule\",\"key\":\"k\",\"value\":\"v\"}: taints must be unique by key and effect pair",
            ],
        },
    ];
    check(&cases[..1], AdmissionConfig::default());
    check(&cases[2..14], AdmissionConfig::default());
    check(&cases[15..], AdmissionConfig::default());
    // Messages that come from the names module are checked by prefix here.
    for case in [&cases[1], &cases[14]] {
        let rejection = admit_yaml(
            &case.yaml,
            &context(AdmissionConfig::default(), FieldValidation::Strict),
        )
        .unwrap_err();
        let lines = error_lines(&rejection);
        assert_eq!(lines.len(), 1, "{}: {lines:?}", case.rule);
        assert!(
            lines[0].ends_with(LABEL_MSG)
                || lines[0].ends_with("must be no more than 63 characters"),
            "{}: {}",
            case.rule,
            lines[0]
        );
    }
}

fn model(grade: u32, cpu: (&str, &str), memory: (&str, &str)) -> String {
    format!(
        "{{grade: {grade}, ranges: [{{name: cpu, min: '{}', max: '{}'}}, {{name: memory, min: '{}', max: '{}'}}]}}",
        cpu.0, cpu.1, memory.0, memory.1
    )
}

#[test]
fn cluster_resource_model_rules_api_14_1() {
    let cases = [
        ("grades unique", vec![model(0, ("0", "1"), ("0", "4Gi")), model(0, ("1", "2"), ("4Gi", "8Gi"))], "The grade of each models should not be the same"),
        ("same number of types", vec![model(0, ("0", "1"), ("0", "4Gi")), "{grade: 1, ranges: [{name: cpu, min: '1', max: '2'}]}".into()], "The number of resource types should be the same"),
        ("max > min", vec![model(0, ("0", "1"), ("0", "4Gi")), model(1, ("2", "1"), ("4Gi", "8Gi")), model(2, ("1", "9"), ("8Gi", "9Gi"))], "The max value of each resource must be greater than the min value"),
        ("same types", vec![model(0, ("0", "1"), ("0", "4Gi")), "{grade: 1, ranges: [{name: memory, min: '1', max: '2'}, {name: cpu, min: '4Gi', max: '8Gi'}]}".into()], "The resource types of each models should be the same"),
        ("contiguous", vec![model(0, ("0", "1"), ("0", "4Gi")), model(1, ("2", "4"), ("4Gi", "8Gi"))], "Model intervals for resources must be contiguous and non-overlapping"),
    ];
    let ctx = context(AdmissionConfig::default(), FieldValidation::Strict);
    for (rule, models, message) in cases {
        let yaml = cluster(
            "m1",
            &format!("syncMode: Push\nresourceModels: [{}]", models.join(", ")),
        );
        let rejection = admit_yaml(&yaml, &ctx).unwrap_err();
        let lines = error_lines(&rejection);
        assert_eq!(lines.len(), 1, "{rule}: {lines:?}");
        assert!(
            lines[0].starts_with("spec.resourceModels: Invalid value: "),
            "{rule}: {}",
            lines[0]
        );
        assert!(lines[0].ends_with(message), "{rule}: {}", lines[0]);
    }
}

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

#[test]
fn cluster_taint_policy_rules_api_14_3() {
    let cases = [
        Case {
            rule: "§14.3 taints missing",
            yaml: ctp(
                "addOnConditions: [{conditionType: Ready, operator: In, statusValues: ['False']}]",
            ),
            kind: Invalid,
            errors: &["spec.taints: Required value"],
        },
        Case {
            rule: "§14.3 taints empty",
            yaml: ctp("taints: []"),
            kind: Invalid,
            errors: &[
                "spec.taints: Invalid value: 0: spec.taints in body should have at least 1 items",
            ],
        },
        Case {
            rule: "§14.3 taint key/effect required",
            yaml: ctp("taints: [{value: v}]"),
            kind: Invalid,
            errors: &[
                "spec.taints[0].effect: Required value",
                "spec.taints[0].key: Required value",
            ],
        },
        Case {
            rule: "§14.3 condition fields required",
            yaml: ctp("taints: [{key: k, effect: NoSchedule}]\nremoveOnConditions: [{}]"),
            kind: Invalid,
            errors: &[
                "spec.removeOnConditions[0].conditionType: Required value",
                "spec.removeOnConditions[0].operator: Required value",
                "spec.removeOnConditions[0].statusValues: Required value",
            ],
        },
        Case {
            rule: "§14.3/F-17 NoExecute needs --allow-no-execute-taint-policy",
            yaml: ctp("taints: [{key: k, effect: NoExecute}]"),
            kind: Forbidden,
            errors: &[
                "spec.taints[0]: Forbidden: Configuring taint with NoExecute effect is not allowed, this capability must be explicitly enabled by administrators through command-line flags",
            ],
        },
        Case {
            rule: "§14.3 duplicate taints",
            yaml: ctp(
                "taints: [{key: k, effect: NoSchedule}, {key: k, value: other, effect: NoSchedule}]",
            ),
            kind: Forbidden,
            errors: &[
                "spec.taints[0]: Duplicate value: \"Duplicate taint with the same key(k) and effect(NoSchedule) is not allowed\"",
            ],
        },
        Case {
            rule: "§16 #12 taint effect (Flotilla, stricter)",
            yaml: ctp("taints: [{key: k, effect: PreferNoSchedule}]"),
            kind: Forbidden,
            errors: &[
                "spec.taints[0].effect: Unsupported value: \"PreferNoSchedule\": supported values: \"NoSchedule\", \"NoExecute\"",
            ],
        },
        Case {
            rule: "§16 #12 taint value (Flotilla, stricter)",
            yaml: ctp("taints: [{key: k, value: 'a:b', effect: NoSchedule}]"),
            kind: Forbidden,
            errors: &[
                "spec.taints[0].value: Invalid value: \"a:b\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
            ],
        },
    ];
    check(&cases, AdmissionConfig::default());
    let allowed = AdmissionConfig {
        allow_no_execute_taint_policy: true,
        ..Default::default()
    };
    let ctx = context(allowed, FieldValidation::Strict);
    admit_yaml(&ctp("taints: [{key: k, effect: NoExecute}]"), &ctx).expect("allowed with the flag");
}

#[test]
fn override_policy_rules_api_14_4() {
    let cases = [
        Case {
            rule: "§14.4 schema: plaintext operator enum",
            yaml: op(
                "overrideRules: [{overriders: {plaintext: [{path: /spec/replicas, operator: set, value: 1}]}}]",
            ),
            kind: Invalid,
            errors: &[
                "spec.overrideRules[0].overriders.plaintext[0].operator: Unsupported value: \"set\": supported values: \"add\", \"remove\", \"replace\"",
            ],
        },
        Case {
            rule: "§14.4 schema: image component enum",
            yaml: op(
                "overrideRules: [{overriders: {imageOverrider: [{component: Digest, operator: replace, value: x}]}}]",
            ),
            kind: Invalid,
            errors: &[
                "spec.overrideRules[0].overriders.imageOverrider[0].component: Unsupported value: \"Digest\": supported values: \"Registry\", \"Repository\", \"Tag\"",
            ],
        },
        Case {
            rule: "§14.4 schema: required overriders, path, containerName, fieldPath",
            yaml: op(
                "overrideRules: [{targetCluster: {clusterNames: [m1]}}, {overriders: {plaintext: [{operator: remove}], commandOverrider: [{operator: add}], fieldOverrider: [{json: [{operator: remove}]}], labelsOverrider: [{operator: add}]}}]",
            ),
            kind: Invalid,
            errors: &[
                "spec.overrideRules[0].overriders: Required value",
                "spec.overrideRules[1].overriders.commandOverrider[0].containerName: Required value",
                "spec.overrideRules[1].overriders.fieldOverrider[0].fieldPath: Required value",
                "spec.overrideRules[1].overriders.fieldOverrider[0].json[0].subPath: Required value",
                "spec.overrideRules[1].overriders.labelsOverrider[0].value: Required value",
                "spec.overrideRules[1].overriders.plaintext[0].path: Required value",
            ],
        },
        Case {
            rule: "§14.4 targetCluster with overrideRules",
            yaml: op("targetCluster: {clusterNames: [m1]}\noverrideRules: []"),
            kind: Forbidden,
            errors: &[
                "spec.targetCluster: Invalid value: {\"clusterNames\":[\"m1\"]}: overrideRules and targetCluster can't co-exist",
            ],
        },
        Case {
            rule: "§14.4 overriders with overrideRules",
            yaml: op(
                "overriders: {labelsOverrider: [{operator: add, value: {a: b}}]}\noverrideRules: []",
            ),
            kind: Forbidden,
            errors: &[
                "spec.overriders: Invalid value: {\"labelsOverrider\":[{\"operator\":\"add\",\"value\":{\"a\":\"b\"}}]}: overrideRules and overriders can't co-exist",
            ],
        },
        Case {
            rule: "§14.4 field selectors",
            yaml: op(
                "overrideRules: [{targetCluster: {fieldSelector: {matchExpressions: [{key: name, operator: In, values: [m1]}]}}, overriders: {}}]",
            ),
            kind: Forbidden,
            errors: &[
                "spec.overrideRules[0].targetCluster.fieldSelector: Invalid value: {\"key\":\"name\",\"operator\":\"In\",\"values\":[\"m1\"]}: unsupported key \"name\", must be provider, region, or zone",
            ],
        },
        Case {
            rule: "§14.4 labels",
            yaml: op(
                "overrideRules: [{overriders: {labelsOverrider: [{operator: add, value: {'bad key': v}}]}}]",
            ),
            kind: Forbidden,
            errors: &[
                "spec.overrideRules[0].overriders.labelsOverrider[0].value: Invalid value: \"bad key\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
            ],
        },
        Case {
            rule: "§14.4 annotations",
            yaml: op(
                "overrideRules: [{overriders: {annotationsOverrider: [{operator: add, value: {'-x': v}}]}}]",
            ),
            kind: Forbidden,
            errors: &[
                "spec.overrideRules[0].overriders.annotationsOverrider[0].value: Invalid value: \"-x\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
            ],
        },
        Case {
            rule: "§14.4 image predicate path",
            yaml: op(
                "overrideRules: [{overriders: {imageOverrider: [{predicate: {path: spec/image}, component: Tag, operator: replace, value: v2}]}}]",
            ),
            kind: Forbidden,
            errors: &[
                "spec.overrideRules[0].overriders.imageOverrider[0].predicate.path: Invalid value: \"spec/image\": JSON pointer must be empty or start with a \"/\"",
            ],
        },
        Case {
            rule: "§14.4 fieldOverrider both",
            yaml: op(
                "overrideRules: [{overriders: {fieldOverrider: [{fieldPath: /data/a, json: [{subPath: /x, operator: remove}], yaml: [{subPath: /y, operator: remove}]}]}}]",
            ),
            kind: Forbidden,
            errors: &[
                "spec.overrideRules[0].overriders.fieldOverrider[0]: Invalid value: {\"fieldPath\":\"/data/a\",\"json\":[{\"subPath\":\"/x\",\"operator\":\"remove\"}],\"yaml\":[{\"subPath\":\"/y\",\"operator\":\"remove\"}]}: FieldOverrider has both YAML and JSON set. Only one is allowed",
            ],
        },
        Case {
            rule: "§14.4 fieldOverrider neither; pointers",
            yaml: op("overrideRules: [{overriders: {fieldOverrider: [{fieldPath: data}]}}]"),
            kind: Forbidden,
            errors: &[
                "spec.overrideRules[0].overriders.fieldOverrider[0]: Required value: FieldOverrider must have either JSON or YAML set",
                "spec.overrideRules[0].overriders.fieldOverrider[0].fieldPath: Invalid value: \"data\": JSON pointer must be empty or start with a \"/\"",
            ],
        },
        Case {
            rule: "§14.4 sub-operation values",
            yaml: op(
                "overrideRules: [{overriders: {fieldOverrider: [{fieldPath: /data/a, yaml: [{subPath: x, operator: add}, {subPath: /y, operator: remove, value: 1}]}]}}]",
            ),
            kind: Forbidden,
            errors: &[
                "spec.overrideRules[0].overriders.fieldOverrider[0].yaml[0].subPath: Invalid value: \"x\": JSON pointer must be empty or start with a \"/\"",
                "spec.overrideRules[0].overriders.fieldOverrider[0].yaml[0].value: Required value: value is required for add or replace operation",
                "spec.overrideRules[0].overriders.fieldOverrider[0].yaml[1].value: Invalid value: 1: value is not allowed for remove operation",
            ],
        },
        Case {
            rule: "§14.4 selector namespace (OverridePolicy)",
            yaml: op(
                "resourceSelectors: [{apiVersion: apps/v1, kind: Deployment, namespace: shop}]",
            ),
            kind: Forbidden,
            errors: &[
                "spec.resourceSelectors[0].namespace: Invalid value: \"shop\": namespace of resource selector must be the same as the namespace of the policy",
            ],
        },
    ];
    check(&cases, AdmissionConfig::default());
}

#[test]
fn binding_and_work_rules_api_14_5() {
    let cases = [
        Case { rule: "§14.5 spec.resource required", yaml: rb("replicas: 2"), kind: Invalid,
            errors: &["spec.resource: Required value"] },
        Case { rule: "§14.5 resource fields required", yaml: rb("resource: {namespace: default}"), kind: Invalid,
            errors: &["spec.resource.apiVersion: Required value", "spec.resource.kind: Required value", "spec.resource.name: Required value"] },
        Case { rule: "§14.5 clusters[].name", yaml: rb("resource: {apiVersion: apps/v1, kind: Deployment, name: web}\nclusters: [{replicas: 1}]"), kind: Invalid,
            errors: &["spec.clusters[0].name: Required value"] },
        Case { rule: "§14.5 task required fields", yaml: rb("resource: {apiVersion: apps/v1, kind: Deployment, name: web}\ngracefulEvictionTasks: [{purgeMode: Directly}]"), kind: Invalid,
            errors: &["spec.gracefulEvictionTasks[0].fromCluster: Required value", "spec.gracefulEvictionTasks[0].producer: Required value", "spec.gracefulEvictionTasks[0].reason: Required value"] },
        Case { rule: "§14.5 task reason pattern and length", yaml: rb(&format!("resource: {{apiVersion: apps/v1, kind: Deployment, name: web}}\ngracefulEvictionTasks: [{{fromCluster: m1, producer: TaintManager, reason: '1bad'}}, {{fromCluster: m2, producer: TaintManager, reason: {}}}]", "R".repeat(33))), kind: Invalid,
            errors: &["spec.gracefulEvictionTasks[0].reason: Invalid value: \"1bad\": spec.gracefulEvictionTasks[0].reason in body should match '^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$'", "spec.gracefulEvictionTasks[1].reason: Too long: may not be more than 32 bytes"] },
        Case { rule: "§14.5 task message length, purgeMode enum", yaml: rb(&format!("resource: {{apiVersion: apps/v1, kind: Deployment, name: web}}\ngracefulEvictionTasks: [{{fromCluster: m1, producer: p, reason: R, purgeMode: Later, message: {}}}]", "m".repeat(1025))), kind: Invalid,
            errors: &["spec.gracefulEvictionTasks[0].message: Too long: may not be more than 1024 bytes", "spec.gracefulEvictionTasks[0].purgeMode: Unsupported value: \"Later\": supported values: \"Directly\", \"Gracefully\", \"Never\""] },
        Case { rule: "§14.5 conflictResolution enum", yaml: rb("resource: {apiVersion: apps/v1, kind: Deployment, name: web}\nconflictResolution: abort"), kind: Invalid,
            errors: &["spec.conflictResolution: Unsupported value: \"abort\": supported values: \"Abort\", \"Overwrite\""] },
        Case { rule: "§14.5 components[].name <= 32", yaml: rb(&format!("resource: {{apiVersion: apps/v1, kind: Deployment, name: web}}\ncomponents: [{{name: {}, replicas: 1}}]", "c".repeat(33))), kind: Invalid,
            errors: &["spec.components[0].name: Too long: may not be more than 32 bytes"] },
        Case { rule: "§14.5 dependencies annotation", yaml: "apiVersion: work.karmada.io/v1alpha2\nkind: ResourceBinding\nmetadata: {name: b, namespace: default, annotations: {resourcebinding.karmada.io/dependencies: '[{'}}\nspec: {resource: {apiVersion: v1, kind: ConfigMap, name: c}}\n".into(), kind: Forbidden,
            errors: &["metadata.annotations[resourcebinding.karmada.io/dependencies]: Invalid value: \"[{\": annotation value must be a valid JSON"] },
        Case { rule: "§14.5 Work schema", yaml: "apiVersion: work.karmada.io/v1alpha1\nkind: Work\nmetadata: {name: w, namespace: karmada-es-m1}\nspec: {workload: {manifests: {kind: Deployment}}}\n".into(), kind: Invalid,
            errors: &["spec.workload.manifests: Invalid value: \"object\": spec.workload.manifests in body must be of type array: \"object\""] },
    ];
    check(&cases, AdmissionConfig::default());
    let gated = AdmissionConfig {
        multiple_pod_templates_scheduling: true,
        ..Default::default()
    };
    let components = [
        Case {
            rule: "§14.5 component names non-empty (gated)",
            yaml: rb(
                "resource: {apiVersion: apps/v1, kind: Deployment, name: web}\ncomponents: [{name: '', replicas: 1}]",
            ),
            kind: Forbidden,
            errors: &[
                "spec.components[0].name: Invalid value: \"\": component names must be non-empty",
            ],
        },
        Case {
            rule: "§14.5 component names unique (gated)",
            yaml: rb(
                "resource: {apiVersion: apps/v1, kind: Deployment, name: web}\ncomponents: [{name: a, replicas: 1}, {name: a, replicas: 2}]",
            ),
            kind: Forbidden,
            errors: &[
                "spec.components[1].name: Invalid value: \"a\": component names must be unique",
            ],
        },
    ];
    check(&components, gated);
}

#[test]
fn condition_schema_rules_api_2_5() {
    use flotilla_api::field::FieldPath;
    use flotilla_api::kinds::RESOURCE_BINDING;
    let schema = flotilla_api::schema::structural(&RESOURCE_BINDING);
    let object: Value = serde_json::json!({
        "apiVersion": "work.karmada.io/v1alpha2", "kind": "ResourceBinding",
        "metadata": {"name": "b", "namespace": "default"},
        "spec": {"resource": {"apiVersion": "v1", "kind": "ConfigMap", "name": "c"}},
        "status": {
            "conditions": [
                {"type": "Scheduled", "status": "Maybe", "reason": "no spaces", "message": "", "lastTransitionTime": "2026-09-01T08:00:00Z", "observedGeneration": -1},
                {"type": "Scheduled", "status": "True", "reason": "Success"}
            ],
            "aggregatedStatus": [{"clusterName": "m1", "health": "Fine"}]
        }
    });
    let mut errors = Vec::new();
    schema.validate(&object, &FieldPath::root(), &mut errors);
    let mut got: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
    got.sort();
    assert_eq!(
        got,
        [
            "status.aggregatedStatus[0].health: Unsupported value: \"Fine\": supported values: \"Healthy\", \"Unhealthy\", \"Unknown\"",
            "status.conditions[0].observedGeneration: Invalid value: -1: status.conditions[0].observedGeneration in body should be greater than or equal to 0",
            "status.conditions[0].reason: Invalid value: \"no spaces\": status.conditions[0].reason in body should match '^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$'",
            "status.conditions[0].status: Unsupported value: \"Maybe\": supported values: \"True\", \"False\", \"Unknown\"",
            "status.conditions[1].lastTransitionTime: Required value",
            "status.conditions[1].message: Required value",
        ]
    );
}

#[test]
fn metadata_rules() {
    let ctx = context(AdmissionConfig::default(), FieldValidation::Strict);
    let bad_name = admit_yaml("apiVersion: policy.karmada.io/v1alpha1\nkind: PropagationPolicy\nmetadata: {name: Web_1, namespace: default}\nspec: {resourceSelectors: [{apiVersion: v1, kind: ConfigMap}]}\n", &ctx).unwrap_err();
    assert_eq!(bad_name.kind, Invalid);
    assert!(bad_name.message.starts_with("PropagationPolicy.policy.karmada.io \"Web_1\" is invalid: metadata.name: Invalid value: \"Web_1\": a lowercase RFC 1123 subdomain"), "{}", bad_name.message);
    let no_name = admit_yaml("apiVersion: policy.karmada.io/v1alpha1\nkind: ClusterTaintPolicy\nmetadata: {}\nspec: {taints: [{key: k, effect: NoSchedule}]}\n", &ctx).unwrap_err();
    assert_eq!(
        error_lines(&no_name),
        ["metadata.name: Required value: name or generateName is required"]
    );
    let no_namespace = flotilla_api::admission::admit(
        &flotilla_api::kinds::PROPAGATION_POLICY,
        flotilla_api::admission::Request {
            object: serde_json::json!({
                "apiVersion": "policy.karmada.io/v1alpha1", "kind": "PropagationPolicy",
                "metadata": {"name": "p"},
                "spec": {"resourceSelectors": [{"apiVersion": "v1", "kind": "ConfigMap"}]}
            }),
            duplicate_fields: vec![],
            operation: Operation::Create,
        },
        &ctx,
    )
    .unwrap_err();
    assert_eq!(
        error_lines(&no_namespace),
        ["metadata.namespace: Required value"]
    );
    let bad_label = admit_yaml("apiVersion: policy.karmada.io/v1alpha1\nkind: ClusterTaintPolicy\nmetadata: {name: t, labels: {tier: 'a b'}}\nspec: {taints: [{key: k, effect: NoSchedule}]}\n", &ctx).unwrap_err();
    assert!(
        error_lines(&bad_label)[0]
            .starts_with("metadata.labels: Invalid value: \"a b\": a valid label must be"),
        "{:?}",
        error_lines(&bad_label)
    );
}

#[test]
fn unknown_and_duplicate_fields_follow_field_validation() {
    let yaml = "apiVersion: policy.karmada.io/v1alpha1\nkind: ClusterTaintPolicy\nmetadata: {name: t, color: blue}\nspec: {taints: [{key: k, effect: NoSchedule, weight: 3}], mode: fast}\n";
    let strict = admit_yaml(
        yaml,
        &context(AdmissionConfig::default(), FieldValidation::Strict),
    )
    .unwrap_err();
    assert_eq!(strict.kind, BadRequest);
    assert_eq!(
        strict.message,
        "ClusterTaintPolicy in version \"v1alpha1\" cannot be handled as a ClusterTaintPolicy: strict decoding error: unknown field \"metadata.color\", unknown field \"spec.mode\", unknown field \"spec.taints[0].weight\""
    );
    let warn = admit_yaml(
        yaml,
        &context(AdmissionConfig::default(), FieldValidation::Warn),
    )
    .unwrap();
    assert_eq!(
        warn.warnings,
        [
            "unknown field \"metadata.color\"",
            "unknown field \"spec.mode\"",
            "unknown field \"spec.taints[0].weight\""
        ]
    );
    assert!(
        warn.object["spec"].get("mode").is_none(),
        "unknown fields are pruned"
    );
    let ignore = admit_yaml(
        yaml,
        &context(AdmissionConfig::default(), FieldValidation::Ignore),
    )
    .unwrap();
    assert!(ignore.warnings.is_empty());
    assert_eq!(ignore.object, warn.object);
    let json = r#"{"apiVersion":"policy.karmada.io/v1alpha1","kind":"ClusterTaintPolicy","metadata":{"name":"t"},"spec":{"taints":[{"key":"a","key":"k","effect":"NoSchedule"}]}}"#;
    let dup = admit_yaml(
        json,
        &context(AdmissionConfig::default(), FieldValidation::Strict),
    )
    .unwrap_err();
    assert!(
        dup.message
            .ends_with("strict decoding error: duplicate field \"spec.taints[0].key\""),
        "{}",
        dup.message
    );
    let dup_warn = admit_yaml(
        json,
        &context(AdmissionConfig::default(), FieldValidation::Warn),
    )
    .unwrap();
    assert_eq!(
        dup_warn.warnings,
        ["duplicate field \"spec.taints[0].key\""]
    );
    assert_eq!(
        dup_warn.object["spec"]["taints"][0]["key"], "k",
        "the last value wins"
    );
}

#[test]
fn embedded_json_keeps_unknown_fields() {
    let ctx = context(AdmissionConfig::default(), FieldValidation::Strict);
    let work = "apiVersion: work.karmada.io/v1alpha1\nkind: Work\nmetadata: {name: w, namespace: karmada-es-m1}\nspec:\n  workload:\n    manifests:\n    - {apiVersion: example.io/v1, kind: Thing, metadata: {name: t}, spec: {anything: [1, {deep: true}]}}\n";
    let admitted = admit_yaml(work, &ctx).unwrap();
    assert_eq!(
        admitted.object["spec"]["workload"]["manifests"][0]["spec"]["anything"][1]["deep"],
        true
    );
}

/// scheduling.md S-2: the admission defaults the scheduler relies on.
#[test]
fn s2_scheduler_defaults() {
    let ctx = context(AdmissionConfig::default(), FieldValidation::Strict);
    let admitted = admit_yaml(
        &with_sel("placement:\n  spreadConstraints: [{maxGroups: 2}, {spreadByField: region}]\n  replicaScheduling: {}"),
        &ctx,
    )
    .unwrap()
    .object;
    let placement = &admitted["spec"]["placement"];
    assert_eq!(
        placement["spreadConstraints"][0],
        serde_json::json!({"spreadByField": "cluster", "maxGroups": 2, "minGroups": 1})
    );
    assert_eq!(placement["spreadConstraints"][1]["minGroups"], 1);
    assert_eq!(
        placement["replicaScheduling"],
        serde_json::json!({"replicaSchedulingType": "Divided", "replicaDivisionPreference": "Weighted"})
    );
    let absent = admit_yaml(&with_sel(""), &ctx).unwrap().object;
    assert!(
        absent["spec"].get("placement").is_none(),
        "S-2 item 5: nothing is written when replicaScheduling is absent"
    );
}
