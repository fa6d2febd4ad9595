//! Kubernetes JSONPath *templates*, as `kubectl -o jsonpath=...` (v1.32) evaluates them, for
//! state preservation (failover spec §7, F-43) and anything else that needs kubectl's syntax.
//!
//! Owns: the public API ([`Template`], [`RenderOptions`], [`ParseError`], [`EvalError`]) and
//! the documentation of the supported syntax and of every deliberate difference from kubectl.
//! Must not: do I/O, read the clock, use randomness, or panic on any input; parsing is in
//! `parser.rs`/`lexer.rs`, evaluation in `eval.rs`/`filter.rs`, output text in `render.rs`.
//!
//! # Syntax
//! Text outside braces is copied verbatim (no escape processing: `a\nb` stays four
//! characters). Inside `{...}`, whitespace separates steps, which apply left to right:
//!
//! | syntax | meaning |
//! |---|---|
//! | `.name`, `['name']`, `["name"]` | object member; `\` makes the next character literal (`.a\.b` is the key `a.b`) |
//! | `[n]`, `[-n]` | array element, negative from the end |
//! | `[start:end:step]` | slice; each part optional |
//! | `[*]` | all elements of an array |
//! | `.*` | all member values of an object (in key order) or elements of an array |
//! | `..name`, `..[n]`, `..*` | the step after `..` applied to the value and to every non-empty object, array or string nested in it (kubectl's set), parent first |
//! | `[a,b]`, `['a','b']`, `[0,2:4]` | union, evaluated member by member |
//! | `[?(@.x == "y")]` | filter: `==`, `!=`, `<`, `>`, `<=`, `>=` against string, number or boolean literals or other `@` paths; `[?(@.x)]` tests that `x` exists |
//! | `@`, `$`, `.`, `{}` | the current object (`$` is *not* the document root inside a range or filter — see below) |
//! | `"text"`, `'text'`, `12`, `-1.5`, `true`, `false` | a literal, replacing the current values (`{"\n"}` is a newline) |
//! | `{range expr}...{end}` | the body once per value selected by `expr`; `{end}` may be left out at the very end |
//!
//! # Output
//! The values one action selects are joined by single spaces; actions are concatenated.
//! Strings are raw; booleans `true`/`false`; null `null`; arrays and objects compact JSON
//! as Go writes it (sorted keys, `<`/`>`/`&` as `\u003c`/`\u003e`/`\u0026`); numbers as plain
//! decimals (FD-9): integers digit for digit (`1234567` → `1234567`), other numbers in
//! shortest round-trip form without exponent (`0.5`, `1.5e-7` → `0.00000015`).
//!
//! # Errors and missing keys
//! A `.name` step that selects nothing from a non-empty input is a [`EvalError::MissingKey`]
//! unless [`RenderOptions::allow_missing_keys`] is set (kubectl's default; Karmada's state
//! preservation clears it). As in kubectl, out-of-range indices, indexing a non-array, and
//! filtering a non-array are errors either way, while indexing `null` selects nothing.
//!
//! # Where this differs from kubectl 1.32, on purpose
//! - Numbers (FD-9): kubectl prints floats in Go's `%v` form (`1234567.5` → `1.2345675e+06`,
//!   `1.5e-7` → `1.5e-07`, integers beyond `i64` → `1.2345678901234567e+19`); we print plain
//!   decimals. Integers within `i64` print the same in both.
//! - Order: kubectl visits object members in Go's random map order for `.*` and `..`; we use
//!   key order, so output is deterministic.
//! - Quoted keys: kubectl re-reads `['a.b']` as the path `.a.b` (and rejects `["a"]`); we
//!   treat both as the literal key `a.b` / `a`. `\` in keys and names: kubectl drops every
//!   backslash; we make the next character literal (`\\` is one backslash).
//! - Numeric filters: kubectl refuses to compare an integer with a float
//!   (`[?(@.n > 1)]` fails when some `n` is `2.5`); we compare numbers by value.
//! - `{.}` is the current object here; kubectl looks up an empty key and prints nothing.
//! - `.*` on a string selects nothing here; kubectl selects its bytes as numbers.
//! - Unknown bare words (`{foo}`), `{range}` without an expression, `{end}` without a range,
//!   and invalid filter operands are [`ParseError`]s here; kubectl reports some of them only
//!   when the action runs. Whitespace is accepted inside brackets (`[ 0 ]`); kubectl
//!   rejects it before the first member. `..*` is accepted; kubectl rejects it.
//! - Comparisons: unlike kubectl we name the operand types in [`EvalError`] messages; which
//!   comparisons fail is otherwise the same (null and objects never compare, booleans only
//!   with `==`/`!=`, mixed types never).

mod ast;
mod error;
mod eval;
mod filter;
mod lexer;
mod parser;
mod render;
#[cfg(test)]
mod tests;

pub use error::{EvalError, ParseError};

use serde_json::Value;

/// A parsed JSONPath template, ready to render against any number of documents.
///
/// ```
/// use flotilla_api::jsonpath::{RenderOptions, Template};
///
/// let template = Template::parse("{range .items[*]}{.name}={.n}{\"\\n\"}{end}").unwrap();
/// let data = serde_json::json!({"items": [{"name": "a", "n": 1}, {"name": "b", "n": 1234567}]});
/// let text = template.render(&data, &RenderOptions::default()).unwrap();
/// assert_eq!(text, "a=1\nb=1234567\n");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    segments: Vec<ast::Segment>,
}

/// Options for [`Template::render`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RenderOptions {
    /// When true, a `.name` step that finds nothing selects nothing; when false it is an
    /// [`EvalError::MissingKey`]. kubectl's `--allow-missing-template-keys`, whose default is
    /// true (this type's `Default`); Karmada's state preservation (F-43) uses false.
    pub allow_missing_keys: bool,
}

impl Default for RenderOptions {
    /// kubectl's default: missing keys allowed.
    fn default() -> Self {
        RenderOptions {
            allow_missing_keys: true,
        }
    }
}

impl Template {
    /// Parses template text. Never panics; errors carry the byte offset of the problem.
    pub fn parse(text: &str) -> Result<Template, ParseError> {
        Ok(Template {
            segments: parser::parse_template(text)?,
        })
    }

    /// Evaluates the template with `data` as the current object and returns the text: literal
    /// text and the output of each top-level action, in order.
    pub fn render(&self, data: &Value, options: &RenderOptions) -> Result<String, EvalError> {
        let mut out = String::new();
        eval::Evaluator::new(options.allow_missing_keys).render(&self.segments, data, &mut out)?;
        Ok(out)
    }
}
