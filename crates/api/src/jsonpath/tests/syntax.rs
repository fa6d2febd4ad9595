//! Table tests: one table per syntax feature, with exact expected output.
//!
//! Owns: the behaviour of each construct on small hand-written documents. Must not: depend on
//! kubectl or fixture files (the golden tests do that).

use super::{render, render_with};
use serde_json::{Value, json};

fn doc() -> Value {
    json!({
        "metadata": {
            "name": "web",
            "labels": {"app": "web", "a.b": "dotted", "tier": "front", "x y": "spaced"},
            "annotations": {"example.io/owner": "team-a", "a\\b": "backslash"}
        },
        "spec": {
            "items": [
                {"name": "a", "n": 1, "tags": ["x", "y"], "ok": true},
                {"name": "b", "n": 2.5, "tags": [], "ok": false},
                {"name": "c", "n": 10, "extra": {"name": "deep"}, "v": null}
            ],
            "matrix": [[1, 2], [3, 4]],
            "empty": [],
            "none": null
        },
        "status": {"s": "hi", "n": 3, "big": 1234567, "f": 0.5, "t": true, "nil": null}
    })
}

/// Asserts each `(template, expected)` renders exactly so against `doc()`, missing keys allowed.
fn check(cases: &[(&str, &str)]) {
    let data = doc();
    for (template, expected) in cases {
        assert_eq!(
            render(template, &data).as_deref(),
            Ok(*expected),
            "template {template:?}"
        );
    }
}

#[test]
fn plain_text_and_literals() {
    check(&[
        ("", ""),
        ("plain text", "plain text"),
        (r"a\nb\t}", r"a\nb\t}"),
        ("x{.status.s}y", "xhiy"),
        (r#"{"lit"}"#, "lit"),
        (r#"{"a\nb\t\"q\"\\"}"#, "a\nb\t\"q\"\\"),
        (r"{'single\'s'}", "single's"),
        (r#"{"\u00e9\x41\101"}"#, "éAA"),
        (r#"{"}{"}"#, "}{"),
        ("{true}{false}", "truefalse"),
        ("{12} {-1.5} {+2} {0.}", "12 -1.5 2 0"),
        (r#"{.status.s "x"}"#, "x"),
        (r#"{.missing "x"}"#, "x"),
    ]);
}

#[test]
fn current_object() {
    let small = json!({"b": 1, "a": [true, null]});
    for template in ["{@}", "{$}", "{.}", "{}", "{ }", "{@ }"] {
        assert_eq!(
            render(template, &small).as_deref(),
            Ok(r#"{"a":[true,null],"b":1}"#),
            "{template}"
        );
    }
    check(&[
        ("{@.status.s}", "hi"),
        ("{$.status.s}", "hi"),
        ("{.spec@.none}", "null"),
    ]);
}

#[test]
fn fields() {
    check(&[
        ("{.metadata.name}", "web"),
        ("{ .metadata.name }", "web"),
        ("{.metadata .name}", "web"),
        (r"{.metadata.labels.a\.b}", "dotted"),
        (r"{.metadata.labels.x\ y}", "spaced"),
        (r"{.metadata.annotations.example\.io/owner}", "team-a"),
        (r"{.metadata.annotations.a\\b}", "backslash"),
        ("{.metadata.labels['a.b']}", "dotted"),
        (r#"{.metadata.labels["a.b"]}"#, "dotted"),
        (r"{.metadata.labels['x y']}", "spaced"),
        ("{['metadata']['name']}", "web"),
        ("{.missing}", ""),
        ("{.metadata.name.deeper}", ""),
        ("{.spec.items.name}", ""),
        ("{.spec.none.x}", ""),
    ]);
}

#[test]
fn indices_and_slices() {
    check(&[
        ("{.spec.items[0].name}", "a"),
        ("{.spec.items[-1].name}", "c"),
        ("{.spec.items[-3].name}", "a"),
        ("{.spec.items[01].name}", "b"),
        ("{.spec.items[ 1 ].name}", "b"),
        ("{.spec.items[0:2].name}", "a b"),
        ("{.spec.items[1:].name}", "b c"),
        ("{.spec.items[:-1].name}", "a b"),
        ("{.spec.items[-2:].name}", "b c"),
        ("{.spec.items[::2].name}", "a c"),
        ("{.spec.items[0:3:5].name}", "a"),
        ("{.spec.items[:].name}", "a b c"),
        ("{.spec.items[3:].name}", ""),
        ("{.spec.items[1:1].name}", ""),
        ("{.spec.items[5:5].name}", ""),
        ("{.spec.items[1:1:0].name}", ""),
        ("{.spec.empty[0:]}", ""),
        ("{.spec.none[0]}", ""),
        ("{.spec.none[*]}", ""),
        ("{.spec.none[1:2]}", ""),
        ("{.spec.matrix[1][0]}", "3"),
    ]);
}

#[test]
fn wildcards_and_unions() {
    check(&[
        ("{.spec.items[*].name}", "a b c"),
        ("{.spec.items[*].tags[*]}", "x y"),
        ("{.spec.empty[*]}", ""),
        ("{.metadata.labels.*}", "dotted web front spaced"),
        ("{.spec.matrix.*}", "[1,2] [3,4]"),
        ("{.status.s.*}", ""),
        ("{.spec.items[0,2].name}", "a c"),
        ("{.spec.items[0, 2].name}", "a c"),
        ("{.spec.items[0,1:3].name}", "a b c"),
        ("{.spec.matrix[*][0,1]}", "1 3 2 4"),
        ("{.metadata['name','labels'].app}", "web"),
        ("{.metadata.labels['tier','app']}", "front web"),
        ("{.spec.items[*]['name','n']}", "a b c 1 2.5 10"),
    ]);
}

#[test]
fn recursive_descent() {
    check(&[
        ("{..name}", "web a b c deep"),
        ("{.spec..name}", "a b c deep"),
        ("{..tags}", r#"["x","y"] []"#),
        ("{.spec.matrix..*}", "[1,2] [3,4] 1 2 3 4"),
        ("{.spec.matrix..[0]}", "[1,2] 1 3"),
        (
            "{.status..}",
            r#"{"big":1234567,"f":0.5,"n":3,"nil":null,"s":"hi","t":true} hi"#,
        ),
        ("{.spec.matrix..}", "[[1,2],[3,4]] [1,2] [3,4]"),
        ("{.spec.items[0].n..}", ""),
        ("{..nothing}", ""),
    ]);
}

#[test]
fn filters() {
    check(&[
        (r#"{.spec.items[?(@.name=="b")].n}"#, "2.5"),
        (r#"{.spec.items[?(@.name == 'b')].n}"#, "2.5"),
        (r#"{.spec.items[?( @.name != "b" )].name}"#, "a c"),
        ("{.spec.items[?(@.n>1)].name}", "b c"),
        ("{.spec.items[?(@.n>=2.5)].name}", "b c"),
        ("{.spec.items[?(@.n<2.5)].name}", "a"),
        ("{.spec.items[?(@.n<=10)].name}", "a b c"),
        ("{.spec.items[?(@.n==1.0)].name}", "a"),
        ("{.spec.items[?(@.n==-1)].name}", ""),
        ("{.spec.items[?(1<@.n)].name}", "b c"),
        (r#"{.spec.items[?(@.name>"a")].name}"#, "b c"),
        ("{.spec.items[?(@.ok==true)].name}", "a"),
        ("{.spec.items[?(@.ok!=true)].name}", "b"),
        ("{.spec.items[?(@.extra)].name}", "c"),
        ("{.spec.items[?(@.ok)].name}", "a b"),
        ("{.spec.items[?(@.v)].name}", "c"),
        ("{.spec.items[?(@.extra.name)].name}", "c"),
        (r#"{.spec.items[?(@.extra.name=="deep")].name}"#, "c"),
        ("{.spec.items[?(@.n==@.n)].name}", "a b c"),
        ("{.spec.items[?($.n==10)].name}", "c"),
        (r#"{.spec.items[?(@.missing=="x")].name}"#, ""),
        (r#"{.spec.items[?(@.tags[*])].name}"#, "a"),
        (r#"{.spec.items[?(@.name=="a")].tags[?(@=="y")]}"#, "y"),
        (r#"{.spec.items[?(@.name=="zz")].name}"#, ""),
    ]);
}

#[test]
fn ranges() {
    check(&[
        ("{range .spec.items[*]}[{.name}]{end}", "[a][b][c]"),
        (r#"{range .spec.items[*]}{.name}{"\n"}{end}"#, "a\nb\nc\n"),
        ("{range .spec.items[*]} {.name}{end}!", " a b c!"),
        ("{ range .spec.items[*] }{.name}{ end }", "abc"),
        ("{range.spec.items[*]}{.name}{end}", "abc"),
        ("{range .spec.items[*]}{.name}", "abc"),
        ("{range .spec.items[*]}{.tags[*]}{end}", "x y"),
        ("{range .spec.items[*]}{.name}{.tags[*]}{end}", "ax ybc"),
        (
            "{range .spec.items[*]}{range .tags[*]}<{@}>{end};{end}",
            "<x><y>;;;",
        ),
        ("{range .spec.items}{.name}{end}", ""),
        ("{range .spec.items[*]}{$.name}{end}", "abc"),
        ("{range .status.s}{@}{end}", "hi"),
        ("{range .missing}x{end}y", "y"),
        ("{range .spec.empty[*]}x{end}", ""),
        ("{range .spec.matrix[*]}{@[1]},{end}", "2,4,"),
    ]);
}

#[test]
fn rendering_values() {
    let data = json!({
        "s": "<raw & text>", "t": true, "f": false, "nil": null,
        "ints": [0, -3, 1234567, 9007199254740993_i64, 18446744073709551615_u64],
        "floats": [0.5, 1.0, 2.25, -0.125, 1234567.5, 1e21, 1.5e-7, 0.1],
        "obj": {"z": 1, "a": {"html": "<&>", "ctl": "\u{1}\u{8}\u{c}\n\r\t\u{7f}", "ls": "\u{2028}", "q": "\"\\/"}},
        "emptyo": {}, "emptya": []
    });
    let cases = [
        ("{.s}", "<raw & text>"),
        ("{.t} {.f} {.nil}", "true false null"),
        (
            "{.ints[*]}",
            "0 -3 1234567 9007199254740993 18446744073709551615",
        ),
        (
            "{.floats[*]}",
            "0.5 1 2.25 -0.125 1234567.5 1000000000000000000000 0.00000015 0.1",
        ),
        (
            "{.ints}",
            "[0,-3,1234567,9007199254740993,18446744073709551615]",
        ),
        ("{.floats[4:6]}", "1234567.5 1000000000000000000000"),
        (
            "{.obj}",
            concat!(
                r#"{"a":{"ctl":"\u0001\b\f\n\r\t"#,
                "\u{7f}",
                r#"","html":"\u003c\u0026\u003e","ls":"\u2028","q":"\"\\/"},"z":1}"#
            ),
        ),
        ("{.emptyo}{.emptya}", "{}[]"),
    ];
    for (template, expected) in cases {
        assert_eq!(
            render(template, &data).as_deref(),
            Ok(expected),
            "{template}"
        );
    }
}

#[test]
fn strict_missing_keys() {
    let data = doc();
    let ok = [
        ("{.spec.items[*].extra.name}", "deep"),
        ("{..name}", "web a b c deep"),
        ("{.spec.items[?(@.missing)].name}", ""),
        (r#"{.spec.items[?(@.name=="zz")].name}"#, ""),
        ("{.spec.none[0]}", ""),
        ("{.status.nil}", "null"),
    ];
    for (template, expected) in ok {
        assert_eq!(
            render_with(template, &data, false).as_deref(),
            Ok(expected),
            "{template}"
        );
    }
    let failing = [
        "{.missing}",
        "{.status.missing}",
        "{.spec.items[*].missing}",
        "{.spec.none.x}",
        "{..missing}",
        "{.metadata['name','missing']}",
        r#"{.spec.items[?(@.extra.name=="deep")].name}"#,
        "{range .spec.items[*]}{.extra}{end}",
        r#"{.missing "x"}"#,
    ];
    for template in failing {
        let result = render_with(template, &data, false);
        assert!(
            result.as_deref().is_err_and(|e| e.contains("is not found")),
            "{template}: {result:?}"
        );
    }
}
