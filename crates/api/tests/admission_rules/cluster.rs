//! api.md §14.1: Cluster rules and the resource models.

use RejectionKind::Invalid;
use flotilla_api::admission::{AdmissionConfig, FieldValidation, RejectionKind};

use super::common::{admit_yaml, context, error_lines};
use super::*;

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
