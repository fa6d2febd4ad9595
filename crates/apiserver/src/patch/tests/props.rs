//! Properties: merge patch identities and idempotence, the empty JSON patch, and strategic merge
//! patch agreeing with merge patch when no list merges and no directive is used.

use proptest::prelude::*;
use serde_json::{Map, Value, json};

use crate::patch::{StrategicSchema, json_patch, merge_patch, strategic_merge_patch};

fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        "[a-z]{0,4}".prop_map(Value::String),
    ]
}

/// Any JSON value (keys drawn from a small alphabet so patches and targets overlap).
fn value() -> impl Strategy<Value = Value> {
    scalar().prop_recursive(4, 40, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec(("[a-e]", inner), 0..5)
                .prop_map(|members| Value::Object(members.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

fn object() -> impl Strategy<Value = Value> {
    prop::collection::vec(("[a-e]", value()), 0..5)
        .prop_map(|members| Value::Object(members.into_iter().collect::<Map<_, _>>()))
}

/// Drops object members whose value is null, at every depth (not inside arrays).
fn without_null_members(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(_, inner)| !inner.is_null())
                .map(|(key, inner)| (key.clone(), without_null_members(inner)))
                .collect(),
        ),
        other => other.clone(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, ..ProptestConfig::default() })]

    #[test]
    fn empty_merge_patch_is_identity(target in object()) {
        prop_assert_eq!(merge_patch(&target, &json!({})), target);
    }

    #[test]
    fn non_object_merge_patch_replaces(target in value(), patch in scalar()) {
        prop_assert_eq!(merge_patch(&target, &patch), patch);
    }

    #[test]
    fn merge_patch_is_idempotent(target in value(), patch in value()) {
        let once = merge_patch(&target, &patch);
        prop_assert_eq!(merge_patch(&once, &patch), once);
    }

    #[test]
    fn a_document_patched_with_itself_is_unchanged(target in object()) {
        let clean = without_null_members(&target);
        prop_assert_eq!(merge_patch(&clean, &clean), clean);
    }

    #[test]
    fn merge_patch_onto_nothing_strips_null_members(patch in object()) {
        prop_assert_eq!(merge_patch(&json!({}), &patch), without_null_members(&patch));
    }

    #[test]
    fn empty_json_patch_is_identity(target in value()) {
        prop_assert_eq!(json_patch(&target, &json!([])), Ok(target));
    }

    #[test]
    fn json_patch_replace_root_then_test(target in value(), replacement in value()) {
        let ops = json!([
            {"op": "replace", "path": "", "value": replacement},
            {"op": "test", "path": "", "value": replacement}
        ]);
        prop_assert_eq!(json_patch(&target, &ops), Ok(replacement));
    }

    #[test]
    fn strategic_without_merging_lists_is_merge_patch(target in value(), patch in object()) {
        // Keys are [a-e], so no directive can appear.
        let schema = StrategicSchema::new(&[]);
        prop_assert_eq!(strategic_merge_patch(&target, &patch, &schema), Ok(merge_patch(&target, &patch)));
    }
}
