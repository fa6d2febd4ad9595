//! JSON patch: the examples of RFC 6902 appendix A (own inputs), pointer escaping, index rules,
//! errors, the `test`-null quirk kube-rs relies on, and atomicity.

use serde_json::{Value, json};

use crate::patch::{MalformedOp, OpFailure, PatchError, json_patch};

fn ok(target: Value, ops: Value) -> Value {
    json_patch(&target, &ops).unwrap_or_else(|err| panic!("{ops}: {err}"))
}

fn failure(target: Value, ops: Value) -> PatchError {
    match json_patch(&target, &ops) {
        Ok(result) => panic!("{ops} unexpectedly gave {result}"),
        Err(err) => err,
    }
}

#[test]
fn rfc6902_appendix_a_edits() {
    let cases = [
        // A.1 add an object member
        (
            json!({"foo": "bar"}),
            json!([{"op": "add", "path": "/baz", "value": "qux"}]),
            json!({"foo": "bar", "baz": "qux"}),
        ),
        // A.2 add an array element
        (
            json!({"foo": ["bar", "baz"]}),
            json!([{"op": "add", "path": "/foo/1", "value": "qux"}]),
            json!({"foo": ["bar", "qux", "baz"]}),
        ),
        // A.3 remove an object member
        (
            json!({"baz": "qux", "foo": "bar"}),
            json!([{"op": "remove", "path": "/baz"}]),
            json!({"foo": "bar"}),
        ),
        // A.4 remove an array element
        (
            json!({"foo": ["bar", "qux", "baz"]}),
            json!([{"op": "remove", "path": "/foo/1"}]),
            json!({"foo": ["bar", "baz"]}),
        ),
        // A.5 replace a value
        (
            json!({"baz": "qux", "foo": "bar"}),
            json!([{"op": "replace", "path": "/baz", "value": "boo"}]),
            json!({"baz": "boo", "foo": "bar"}),
        ),
        // A.6 move a value
        (
            json!({"foo": {"bar": "baz", "waldo": "fred"}, "qux": {"corge": "grault"}}),
            json!([{"op": "move", "from": "/foo/waldo", "path": "/qux/thud"}]),
            json!({"foo": {"bar": "baz"}, "qux": {"corge": "grault", "thud": "fred"}}),
        ),
        // A.7 move an array element
        (
            json!({"foo": ["all", "grass", "cows", "eat"]}),
            json!([{"op": "move", "from": "/foo/1", "path": "/foo/3"}]),
            json!({"foo": ["all", "cows", "eat", "grass"]}),
        ),
    ];
    for (target, ops, expected) in cases {
        assert_eq!(ok(target, ops.clone()), expected, "{ops}");
    }
}

#[test]
fn rfc6902_appendix_a_tests_and_nesting() {
    let cases = [
        // A.8 test successes
        (
            json!({"baz": "qux", "foo": ["a", 2, "c"]}),
            json!([
                {"op": "test", "path": "/baz", "value": "qux"},
                {"op": "test", "path": "/foo/1", "value": 2}
            ]),
            json!({"baz": "qux", "foo": ["a", 2, "c"]}),
        ),
        // A.10 add a nested member object
        (
            json!({"foo": "bar"}),
            json!([{"op": "add", "path": "/child", "value": {"grandchild": {}}}]),
            json!({"foo": "bar", "child": {"grandchild": {}}}),
        ),
        // A.11 unrecognised members are ignored
        (
            json!({"foo": "bar"}),
            json!([{"op": "add", "path": "/baz", "value": "qux", "xyz": 123}]),
            json!({"foo": "bar", "baz": "qux"}),
        ),
        // A.14 ~ escape ordering: "~01" is "~1", not "/"
        (
            json!({"/": 9, "~1": 10}),
            json!([{"op": "test", "path": "/~01", "value": 10}]),
            json!({"/": 9, "~1": 10}),
        ),
        // A.16 add an array value with "-"
        (
            json!({"foo": ["bar"]}),
            json!([{"op": "add", "path": "/foo/-", "value": ["abc", "def"]}]),
            json!({"foo": ["bar", ["abc", "def"]]}),
        ),
    ];
    for (target, ops, expected) in cases {
        assert_eq!(ok(target, ops.clone()), expected, "{ops}");
    }
}

#[test]
fn rfc6902_appendix_a_errors() {
    // A.9 a failing test
    let err = failure(
        json!({"baz": "qux", "foo": ["a", 2, "c"]}),
        json!([{"op": "test", "path": "/baz", "value": "bar"}]),
    );
    assert_eq!(
        err.to_string(),
        "json patch op 0 (test) failed at /baz: value differs"
    );
    // A.12 add to a non-existent parent
    let err = failure(
        json!({"foo": "bar"}),
        json!([{"op": "add", "path": "/baz/bat", "value": "qux"}]),
    );
    assert_eq!(
        err.to_string(),
        "json patch op 0 (add) failed at /baz/bat: path does not exist"
    );
    // A.15 strings and numbers differ
    let err = failure(
        json!({"/": 9, "~1": 10}),
        json!([{"op": "test", "path": "/~01", "value": "10"}]),
    );
    assert!(matches!(
        err,
        PatchError::OpFailed {
            reason: OpFailure::TestFailed,
            ..
        }
    ));
}

#[test]
fn pointer_escapes_and_members() {
    let doc = json!({"a/b": 1, "m~n": 2, "": 3, " ": 4, "c%d": 5});
    let cases = [("/a~1b", 1), ("/m~0n", 2), ("/", 3), ("/ ", 4), ("/c%d", 5)];
    for (path, value) in cases {
        ok(
            doc.clone(),
            json!([{"op": "test", "path": path, "value": value}]),
        );
    }
    let err = failure(doc, json!([{"op": "test", "path": "/m~2n", "value": 2}]));
    assert!(matches!(
        err,
        PatchError::OpFailed {
            reason: OpFailure::InvalidPointer(_),
            ..
        }
    ));
}

#[test]
fn whole_document_operations() {
    let doc = json!({"a": 1});
    assert_eq!(
        ok(
            doc.clone(),
            json!([{"op": "add", "path": "", "value": [1]}])
        ),
        json!([1])
    );
    assert_eq!(
        ok(
            doc.clone(),
            json!([{"op": "replace", "path": "", "value": {"b": 2}}])
        ),
        json!({"b": 2})
    );
    ok(
        doc.clone(),
        json!([{"op": "test", "path": "", "value": {"a": 1}}]),
    );
    let err = failure(doc, json!([{"op": "remove", "path": ""}]));
    assert_eq!(
        err.to_string(),
        "json patch op 0 (remove) failed at the document root: cannot remove the document root"
    );
}

#[test]
fn array_index_rules() {
    let doc = json!({"l": ["a", "b"]});
    let good = [
        (
            json!({"op": "add", "path": "/l/2", "value": "c"}),
            json!(["a", "b", "c"]),
        ),
        (
            json!({"op": "add", "path": "/l/0", "value": "z"}),
            json!(["z", "a", "b"]),
        ),
        (
            json!({"op": "add", "path": "/l/-", "value": "c"}),
            json!(["a", "b", "c"]),
        ),
        (
            json!({"op": "replace", "path": "/l/1", "value": "c"}),
            json!(["a", "c"]),
        ),
        (
            json!({"op": "copy", "from": "/l/0", "path": "/l/-"}),
            json!(["a", "b", "a"]),
        ),
    ];
    for (op, list) in good {
        assert_eq!(ok(doc.clone(), json!([op]))["l"], list, "{op}");
    }
    let bad = [
        json!({"op": "add", "path": "/l/3", "value": "c"}),
        json!({"op": "add", "path": "/l/01", "value": "c"}),
        json!({"op": "add", "path": "/l/-1", "value": "c"}),
        json!({"op": "remove", "path": "/l/2"}),
        json!({"op": "remove", "path": "/l/-"}),
        json!({"op": "replace", "path": "/l/x", "value": 1}),
        json!({"op": "test", "path": "/l/99999999999999999999999", "value": 1}),
    ];
    for op in bad {
        let err = failure(doc.clone(), json!([op]));
        assert!(
            matches!(
                err,
                PatchError::OpFailed {
                    reason: OpFailure::BadIndex(_),
                    ..
                }
            ),
            "{op}: {err}"
        );
    }
}

#[test]
fn path_errors_name_the_op_and_pointer() {
    let doc = json!({"metadata": {"name": "x"}, "n": 1});
    let cases = [
        (
            json!([{"op": "test", "path": "/n", "value": 1}, {"op": "remove", "path": "/metadata/labels"}]),
            "json patch op 1 (remove) failed at /metadata/labels: path does not exist",
        ),
        (
            json!([{"op": "replace", "path": "/metadata/uid", "value": "u"}]),
            "json patch op 0 (replace) failed at /metadata/uid: path does not exist",
        ),
        (
            json!([{"op": "add", "path": "/n/x", "value": 1}]),
            "json patch op 0 (add) failed at /n/x: cannot descend into a number",
        ),
        (
            json!([{"op": "move", "from": "/nope", "path": "/n"}]),
            "json patch op 0 (move) failed at /nope: path does not exist",
        ),
        (
            json!([{"op": "move", "from": "/metadata", "path": "/metadata/inner"}]),
            "json patch op 0 (move) failed at /metadata/inner: cannot move a value into one of its own children",
        ),
        (
            json!([{"op": "copy", "from": "/n/0", "path": "/m"}]),
            "json patch op 0 (copy) failed at /n/0: cannot descend into a number",
        ),
        (
            json!([{"op": "test", "path": "/metadata/name", "value": 1}]),
            "json patch op 0 (test) failed at /metadata/name: value differs",
        ),
        (
            json!([{"op": "test", "path": "/metadata/uid", "value": "u"}]),
            "json patch op 0 (test) failed at /metadata/uid: path does not exist",
        ),
        (
            json!([{"op": "add", "path": "metadata", "value": 1}]),
            "json patch op 0 (add) failed at metadata: invalid JSON pointer: a pointer must be empty or start with '/'",
        ),
    ];
    for (ops, message) in cases {
        assert_eq!(failure(doc.clone(), ops).to_string(), message);
    }
}

#[test]
fn malformed_operations() {
    let doc = json!({});
    let cases = [
        (json!([1]), MalformedOp::NotAnObject),
        (json!([{"path": "/a"}]), MalformedOp::MissingOp),
        (json!([{"op": 1, "path": "/a"}]), MalformedOp::MissingOp),
        (
            json!([{"op": "frobnicate", "path": "/a"}]),
            MalformedOp::UnknownOp("frobnicate".into()),
        ),
        (
            json!([{"op": "add", "value": 1}]),
            MalformedOp::MissingMember("path"),
        ),
        (
            json!([{"op": "add", "path": "/a"}]),
            MalformedOp::MissingMember("value"),
        ),
        (
            json!([{"op": "test", "path": "/a"}]),
            MalformedOp::MissingMember("value"),
        ),
        (
            json!([{"op": "move", "path": "/a"}]),
            MalformedOp::MissingMember("from"),
        ),
        (
            json!([{"op": "copy", "path": "/a", "from": 3}]),
            MalformedOp::NotAString("from"),
        ),
        (
            json!([{"op": "remove", "path": ["a"]}]),
            MalformedOp::NotAString("path"),
        ),
    ];
    for (ops, reason) in cases {
        assert_eq!(
            failure(doc.clone(), ops),
            PatchError::MalformedOp { index: 0, reason }
        );
    }
    assert_eq!(
        failure(doc.clone(), json!({"op": "add"})),
        PatchError::JsonPatchNotArray
    );
    assert_eq!(
        failure(doc, json!([{"op": "add", "path": "/a", "value": 1}, "x"])).to_string(),
        "json patch op 1 is malformed: an operation must be a JSON object"
    );
}

#[test]
fn add_null_and_explicit_null_values() {
    assert_eq!(
        ok(
            json!({}),
            json!([{"op": "add", "path": "/a", "value": null}])
        ),
        json!({"a": null})
    );
    assert_eq!(
        ok(
            json!({"a": 1}),
            json!([{"op": "replace", "path": "/a", "value": null}])
        ),
        json!({"a": null})
    );
}

#[test]
fn test_compares_numbers_by_value_and_objects_without_order() {
    let doc = json!({"n": 1, "f": 2.5, "o": {"x": 1, "y": [1, 2]}});
    ok(
        doc.clone(),
        json!([{"op": "test", "path": "/n", "value": 1.0}]),
    );
    ok(
        doc.clone(),
        json!([{"op": "test", "path": "/f", "value": 2.5}]),
    );
    ok(
        doc.clone(),
        json!([{"op": "test", "path": "/o", "value": {"y": [1.0, 2], "x": 1}}]),
    );
    failure(
        doc.clone(),
        json!([{"op": "test", "path": "/o", "value": {"y": [2, 1], "x": 1}}]),
    );
    failure(
        doc,
        json!([{"op": "test", "path": "/o", "value": {"x": 1}}]),
    );
}

#[test]
fn test_with_null_passes_on_an_absent_member() {
    // The kube-rs finalizer helper: the first finalizer goes in with test-null then add.
    let ops = json!([
        {"op": "test", "path": "/metadata/finalizers", "value": null},
        {"op": "add", "path": "/metadata/finalizers", "value": ["x"]}
    ]);
    let live = json!({"metadata": {"name": "a"}});
    assert_eq!(
        ok(live, ops.clone()),
        json!({"metadata": {"name": "a", "finalizers": ["x"]}})
    );
    // An explicit null also passes.
    let live = json!({"metadata": {"name": "a", "finalizers": null}});
    assert_eq!(
        ok(live, ops.clone())["metadata"]["finalizers"],
        json!(["x"])
    );
    // Someone else added a finalizer in between: the test fails, nothing is applied.
    let live = json!({"metadata": {"name": "a", "finalizers": ["other"]}});
    assert_eq!(
        failure(live, ops).to_string(),
        "json patch op 0 (test) failed at /metadata/finalizers: value differs"
    );
    // The parent must still exist.
    let err = failure(
        json!({}),
        json!([{"op": "test", "path": "/metadata/finalizers", "value": null}]),
    );
    assert!(matches!(
        err,
        PatchError::OpFailed {
            reason: OpFailure::Missing,
            ..
        }
    ));
}

#[test]
fn kube_rs_finalizer_removal_pattern() {
    // kube-rs removes its finalizer by index, guarded by a test of that index.
    let live = json!({"metadata": {"finalizers": ["a", "mine", "b"]}});
    let ops = json!([
        {"op": "test", "path": "/metadata/finalizers/1", "value": "mine"},
        {"op": "remove", "path": "/metadata/finalizers/1"}
    ]);
    assert_eq!(ok(live, ops)["metadata"]["finalizers"], json!(["a", "b"]));
}

#[test]
fn the_patch_is_atomic() {
    let live = json!({"metadata": {"name": "a", "labels": {"x": "1"}}, "data": {"k": "v"}});
    let before = live.clone();
    let ops = json!([
        {"op": "add", "path": "/metadata/labels/y", "value": "2"},
        {"op": "remove", "path": "/data"},
        {"op": "test", "path": "/metadata/name", "value": "b"}
    ]);
    assert_eq!(
        json_patch(&live, &ops),
        Err(PatchError::OpFailed {
            index: 2,
            op: "test",
            path: "/metadata/name".into(),
            reason: OpFailure::TestFailed,
        })
    );
    assert_eq!(live, before);
}

#[test]
fn later_ops_see_earlier_ones() {
    let ops = json!([
        {"op": "add", "path": "/a", "value": {}},
        {"op": "add", "path": "/a/b", "value": [1]},
        {"op": "copy", "from": "/a/b", "path": "/c"},
        {"op": "move", "from": "/a/b/0", "path": "/a/n"},
        {"op": "test", "path": "/a", "value": {"b": [], "n": 1}},
        {"op": "move", "from": "/c", "path": "/c"}
    ]);
    assert_eq!(
        ok(json!({}), ops),
        json!({"a": {"b": [], "n": 1}, "c": [1]})
    );
}

#[test]
fn managed_fields_rewrite() {
    // kubectl may migrate client-side-apply ownership with a JSON patch on managedFields.
    let live = json!({"metadata": {"managedFields": [{"manager": "kubectl-client-side-apply"}]}});
    let ops = json!([
        {"op": "test", "path": "/metadata/managedFields/0/manager", "value": "kubectl-client-side-apply"},
        {"op": "replace", "path": "/metadata/managedFields", "value": [{"manager": "kubectl"}]}
    ]);
    assert_eq!(
        ok(live, ops)["metadata"]["managedFields"],
        json!([{"manager": "kubectl"}])
    );
}
