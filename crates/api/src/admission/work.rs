//! Work admission (api.md §9.3, §12.4): the permanent-id label, and each manifest pruned of
//! server-populated fields and stamped with the Work id and the managed-keys records. Work has
//! no validating webhook (schema only).
//!
//! Owns: the Work mutating webhook. Must not: apply manifests.

use serde_json::{Map, Value};

use super::{AdmissionContext, Admit, Verdict};
use crate::constants::{annotations, labels};
use crate::kinds::Work;

/// Metadata fields the member's API server owns; never dispatched.
const SERVER_METADATA: &[&str] = &[
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "generation",
    "managedFields",
    "resourceVersion",
    "selfLink",
    "uid",
    "ownerReferences",
    "finalizers",
];
const DEPLOYMENT_REVISION: &str = "deployment.kubernetes.io/revision";
const JOB_CONTROLLER_UID_LABELS: &[&str] =
    &["controller-uid", "batch.kubernetes.io/controller-uid"];

impl Admit for Work {
    /// Work has no validating webhook; the name is never used in a denial.
    const WEBHOOK: Option<&'static str> = Some("work.karmada.io");

    fn mutate(&mut self, _: Option<&Self>, ctx: &AdmissionContext, _: &mut Vec<String>) {
        let work_labels = self.metadata.labels.get_or_insert_with(Default::default);
        let id = work_labels
            .entry(labels::WORK_PERMANENT_ID.to_string())
            .or_insert_with(|| ctx.new_id.clone())
            .clone();
        for manifest in &mut self.spec.workload.manifests {
            prepare_manifest(manifest, &id);
        }
    }

    fn validate(&self, _: Option<&Self>, _: &AdmissionContext, _: &mut Vec<String>) -> Verdict {
        Verdict::Allowed
    }
}

/// Prunes one manifest and (re)writes the Work id label and the managed-keys annotations.
pub(crate) fn prepare_manifest(manifest: &mut Value, work_id: &str) {
    let Value::Object(object) = manifest else {
        return;
    };
    object.remove("status");
    let kind = object
        .get("kind")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let api_version = object
        .get("apiVersion")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    if kind == "Job" && api_version == "batch/v1" {
        prune_job(object);
    }
    let meta = object
        .entry("metadata")
        .or_insert_with(|| Value::Object(Map::new()));
    let Value::Object(meta) = meta else { return };
    for field in SERVER_METADATA {
        meta.remove(*field);
    }
    if kind == "Deployment"
        && let Some(Value::Object(a)) = meta.get_mut("annotations")
    {
        a.remove(DEPLOYMENT_REVISION);
    }
    let label_map = object_entry(meta, "labels");
    label_map.insert(
        labels::WORK_PERMANENT_ID.into(),
        Value::String(work_id.into()),
    );
    let label_keys = sorted_keys(label_map);
    let annotation_map = object_entry(meta, "annotations");
    annotation_map.insert(
        annotations::MANAGED_LABELS.into(),
        Value::String(label_keys),
    );
    annotation_map.insert(
        annotations::MANAGED_ANNOTATIONS.into(),
        Value::String(String::new()),
    );
    let annotation_keys = sorted_keys(annotation_map);
    annotation_map.insert(
        annotations::MANAGED_ANNOTATIONS.into(),
        Value::String(annotation_keys),
    );
}

fn object_entry<'a>(meta: &'a mut Map<String, Value>, key: &str) -> &'a mut Map<String, Value> {
    let entry = meta.entry(key).or_insert_with(|| Value::Object(Map::new()));
    if !entry.is_object() {
        *entry = Value::Object(Map::new());
    }
    entry.as_object_mut().expect("just made an object")
}

fn sorted_keys(map: &Map<String, Value>) -> String {
    let mut keys: Vec<&str> = map.keys().map(String::as_str).collect();
    keys.sort_unstable();
    keys.join(",")
}

/// Jobs: the TTL is the member's business, and controller-uid selectors/labels are per cluster.
fn prune_job(object: &mut Map<String, Value>) {
    let Some(Value::Object(spec)) = object.get_mut("spec") else {
        return;
    };
    spec.remove("ttlSecondsAfterFinished");
    if let Some(Value::Object(selector)) = spec.get_mut("selector") {
        if let Some(Value::Object(match_labels)) = selector.get_mut("matchLabels") {
            JOB_CONTROLLER_UID_LABELS.iter().for_each(|k| {
                match_labels.remove(*k);
            });
            if match_labels.is_empty() {
                selector.remove("matchLabels");
            }
        }
        if selector.is_empty() {
            spec.remove("selector");
        }
    }
    let template_labels = spec
        .get_mut("template")
        .and_then(|t| t.get_mut("metadata"))
        .and_then(|m| m.get_mut("labels"));
    if let Some(Value::Object(template_labels)) = template_labels {
        JOB_CONTROLLER_UID_LABELS.iter().for_each(|k| {
            template_labels.remove(*k);
        });
    }
}
