//! Metadata of Flotilla's kinds under admission: managedFields sent back by a client (kube-rs
//! `replace` sends the object it read, managedFields included) are kept whole, even with
//! strict field validation (kube-api.md §9: FieldsV1 sets are free-form).

mod common;

use common::{admit_value, context};
use flotilla_api::admission::{AdmissionConfig, FieldValidation, Operation};
use serde_json::json;

#[test]
fn managed_fields_sets_survive_admission() {
    let managed = json!([{"manager": "kubectl", "operation": "Apply", "apiVersion": "cluster.karmada.io/v1alpha1",
        "time": "2026-11-24T10:00:00Z", "fieldsType": "FieldsV1",
        "fieldsV1": {"f:spec": {"f:syncMode": {}, "f:apiEndpoint": {}}}}]);
    let cluster = json!({"apiVersion": "cluster.karmada.io/v1alpha1", "kind": "Cluster",
        "metadata": {"name": "member1", "managedFields": managed},
        "spec": {"syncMode": "Push", "apiEndpoint": "https://m1:6443"}});
    for validation in [FieldValidation::Strict, FieldValidation::Warn] {
        let ctx = context(AdmissionConfig::default(), validation);
        let admitted = admit_value(cluster.clone(), Vec::new(), Operation::Create, &ctx)
            .unwrap_or_else(|r| panic!("{validation:?}: {r:?}"));
        assert_eq!(
            admitted.object["metadata"]["managedFields"], managed,
            "{validation:?}"
        );
        assert!(admitted.warnings.is_empty(), "{:?}", admitted.warnings);
    }
}
