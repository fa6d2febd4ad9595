//! Syntax tree of a parsed JSONPath template.
//!
//! Owns: the in-memory shape of a template (text, actions, ranges, path steps, filters) that
//! the parser builds and the evaluator walks. Must not: contain parsing or evaluation logic;
//! these are plain data types private to the module.

use serde_json::Value;

/// One piece of a template, in source order.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Segment {
    /// Literal text outside braces, copied verbatim.
    Text(String),
    /// `{expr}`: the values the expression selects, joined by single spaces.
    Action(Expr),
    /// `{range expr}body{end}`: `body` rendered once per selected value, with that value as
    /// the current object. A range without `{end}` runs to the end of the template.
    Range { expr: Expr, body: Vec<Segment> },
}

/// A sequence of steps, applied left to right to a list of current values.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Expr {
    pub(super) steps: Vec<Step>,
    /// Byte offset of the enclosing `{` (actions) or of the operand (filters).
    pub(super) position: usize,
}

/// One step and the byte offset where it starts in the template.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Step {
    pub(super) kind: StepKind,
    pub(super) position: usize,
}

/// What a step does to the list of current values.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum StepKind {
    /// `@`, `$`, `{.}` or `{}`: keeps the current values.
    Current,
    /// `.name`: the member `name` of each object.
    Field(String),
    /// `.*`: every member value of each object (sorted by key) and every element of each array.
    Children,
    /// `..`: each value and the non-empty objects, arrays and strings nested in it, parent first.
    Descendants,
    /// `[*]`: every element of each array.
    AllElements,
    /// `[a,b,...]`: a union of indices, slices and quoted keys, evaluated member by member.
    Select(Vec<Selector>),
    /// `[?(...)]`: the elements of each array for which the filter holds.
    Filter(Box<Filter>),
    /// `"text"`, `'text'`, a number, `true` or `false`: replaces the current values with itself.
    Literal(Value),
}

/// One member of a bracket union, with its byte offset.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Selector {
    pub(super) kind: SelectorKind,
    pub(super) position: usize,
}

/// The kinds of bracket union members.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum SelectorKind {
    /// `[n]`, negative counting from the end.
    Index(i64),
    /// `[start:end:step]`, each part optional.
    Slice {
        start: Option<i64>,
        end: Option<i64>,
        step: Option<i64>,
    },
    /// `['key']` or `["key"]`: the member `key` of each object, like a field step.
    Key(String),
}

/// The condition inside `[?( ... )]`.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Filter {
    pub(super) left: Operand,
    /// `None` for an existence test such as `[?(@.name)]`.
    pub(super) comparison: Option<(CmpOp, Operand)>,
}

/// A filter operand.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Operand {
    /// `@...` or `$...`, evaluated with the array element as the current object.
    Path(Expr),
    /// A string, number or boolean literal.
    Literal(Value),
}

/// Filter comparison operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum CmpOp {
    Eq,
    Ne,
    Lt,
    Gt,
    Le,
    Ge,
}

impl CmpOp {
    /// The operator as written in a template.
    pub(super) fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Gt => ">",
            CmpOp::Le => "<=",
            CmpOp::Ge => ">=",
        }
    }
}
