//! Property tests: parsing and rendering never panic, whatever the input.
//!
//! Owns: robustness against arbitrary template text. Must not: assert particular outputs.

use super::super::{RenderOptions, Template};
use proptest::prelude::*;
use serde_json::json;

/// Characters that matter to the grammar, so that generated strings reach deep into it.
const ALPHABET: &[char] = &[
    '{', '}', '[', ']', '(', ')', '.', '*', '@', '$', '?', ':', ',', '\'', '"', '\\', '=', '!',
    '<', '>', '-', '+', ' ', '0', '1', '9', 'a', 'e', 'n', 'r', 'x', 'é',
];

fn grammar_text() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(ALPHABET), 0..48)
        .prop_map(|chars| chars.into_iter().collect())
}

fn keyword_text() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "{",
        "}",
        "range ",
        "end",
        ".a",
        ".items",
        "[*]",
        "[0]",
        "[-1]",
        "[1:]",
        "..",
        ".*",
        "[?(@.n>1)]",
        "[?(@.a)]",
        "['a','b']",
        "\"x\"",
        "true",
        " ",
        "@",
        "$",
        "text",
    ]);
    prop::collection::vec(pieces, 0..16).prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn parse_never_panics_on_any_string(text in any::<String>()) {
        let _ = Template::parse(&text);
    }

    #[test]
    fn parse_and_render_never_panic(text in prop_oneof![grammar_text(), keyword_text()]) {
        let data = json!({
            "a": {"b": [1, "x", null]}, "n": 2, "items": [{"n": 1, "a": "s"}, {"n": 2.5}], "e": []
        });
        if let Ok(template) = Template::parse(&text) {
            for allow in [true, false] {
                let _ = template.render(&data, &RenderOptions { allow_missing_keys: allow });
            }
        }
    }

    #[test]
    fn text_without_braces_is_copied(text in "[^{]*") {
        let template = Template::parse(&text).expect("brace-free text always parses");
        prop_assert_eq!(template.render(&json!(null), &RenderOptions::default()).unwrap(), text);
    }

    #[test]
    fn error_positions_are_inside_the_text(text in grammar_text()) {
        if let Err(e) = Template::parse(&text) {
            prop_assert!(e.position <= text.len());
            prop_assert!(text.is_char_boundary(e.position));
        }
    }
}
