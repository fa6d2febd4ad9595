//! Evaluation of parsed templates against JSON data.
//!
//! Owns: walking the segments (text, actions, ranges), applying path steps to lists of
//! current values, kubectl's index/slice rules, and the missing-key policy. Must not: parse
//! text, format values (that is `render.rs`), or compare filter operands (that is
//! `filter.rs`). Works on borrowed values only; it never copies the input document. Work and
//! output are capped ([`MAX_SELECTED`], [`MAX_OUTPUT`]) so no template can stall a caller.

use super::ast::{Expr, Segment, Selector, SelectorKind, Step, StepKind};
use super::error::EvalError;
use super::filter::filter_matches;
use super::render::{sorted_members, type_name, write_value};
use serde_json::Value;

/// Values selected so far; they borrow from the input document or the template's literals.
pub(super) type Values<'a> = Vec<&'a Value>;

/// Most values all steps of one render may select together (a safety limit, not in kubectl).
pub(super) const MAX_SELECTED: usize = 1 << 22;
/// Most bytes of output one render may produce (a safety limit, not in kubectl).
pub(super) const MAX_OUTPUT: usize = 1 << 24;

/// State of one render: the missing-key policy and the work done so far.
pub(super) struct Evaluator {
    allow_missing: bool,
    selected: usize,
}

impl Evaluator {
    pub(super) fn new(allow_missing: bool) -> Self {
        Evaluator {
            allow_missing,
            selected: 0,
        }
    }

    /// Renders `segments` with `data` as the current object, appending to `out`.
    pub(super) fn render<'a>(
        &mut self,
        segments: &'a [Segment],
        data: &'a Value,
        out: &mut String,
    ) -> Result<(), EvalError> {
        for segment in segments {
            match segment {
                Segment::Text(text) => out.push_str(text),
                Segment::Action(expr) => {
                    for (i, value) in self.eval_expr(expr, data)?.into_iter().enumerate() {
                        if i > 0 {
                            out.push(' ');
                        }
                        write_value(value, out);
                        check_output(out, expr.position)?;
                    }
                }
                Segment::Range { expr, body } => {
                    for item in self.eval_expr(expr, data)? {
                        self.render(body, item, out)?;
                    }
                }
            }
            check_output(out, 0)?;
        }
        Ok(())
    }

    /// Applies the steps of `expr` to `[root]`.
    pub(super) fn eval_expr<'a>(
        &mut self,
        expr: &'a Expr,
        root: &'a Value,
    ) -> Result<Values<'a>, EvalError> {
        let mut values = vec![root];
        for step in &expr.steps {
            values = self.apply_step(step, values)?;
            self.selected = self.selected.saturating_add(values.len());
            self.check_budget(0, step.position)?;
        }
        Ok(values)
    }

    /// Like [`Evaluator::eval_expr`], but missing keys select nothing whatever the policy.
    pub(super) fn eval_expr_lenient<'a>(
        &mut self,
        expr: &'a Expr,
        root: &'a Value,
    ) -> Result<Values<'a>, EvalError> {
        let policy = std::mem::replace(&mut self.allow_missing, true);
        let result = self.eval_expr(expr, root);
        self.allow_missing = policy;
        result
    }

    /// Fails when the values selected so far plus `pending` exceed [`MAX_SELECTED`].
    fn check_budget(&self, pending: usize, position: usize) -> Result<(), EvalError> {
        if self.selected.saturating_add(pending) > MAX_SELECTED {
            return Err(EvalError::LimitExceeded {
                what: "selected values",
                limit: MAX_SELECTED,
                position,
            });
        }
        Ok(())
    }

    fn apply_step<'a>(
        &mut self,
        step: &'a Step,
        input: Values<'a>,
    ) -> Result<Values<'a>, EvalError> {
        let position = step.position;
        match &step.kind {
            StepKind::Current => Ok(input),
            StepKind::Field(key) => field(key, &input, self.allow_missing, position),
            StepKind::Select(selectors) => self.select(selectors, &input, position),
            StepKind::Literal(value) => Ok(vec![value]),
            kind => {
                let mut out = Vec::new();
                for value in input {
                    self.expand(kind, value, position, &mut out)?;
                    self.check_budget(out.len(), position)?;
                }
                Ok(out)
            }
        }
    }

    /// Appends what `.*`, `..`, `[*]` or a filter selects from one value.
    fn expand<'a>(
        &mut self,
        kind: &'a StepKind,
        value: &'a Value,
        position: usize,
        out: &mut Values<'a>,
    ) -> Result<(), EvalError> {
        match kind {
            StepKind::Children => out.extend(children(value)),
            StepKind::Descendants => descendants(value, out),
            StepKind::AllElements => out.extend(array_of(value, position)?.iter()),
            StepKind::Filter(filter) => {
                let Value::Array(items) = value else {
                    let found = type_name(value);
                    return Err(EvalError::NotFilterable { found, position });
                };
                for item in items {
                    if filter_matches(self, filter, item, position)? {
                        out.push(item);
                    }
                }
            }
            // One-to-one steps are handled by `apply_step` directly.
            StepKind::Current | StepKind::Field(_) | StepKind::Select(_) | StepKind::Literal(_) => {
            }
        }
        Ok(())
    }

    /// A bracket union, member by member: `[0,1]` on two arrays gives both firsts, then both
    /// seconds, as kubectl does. Type errors point at the `[` (`bracket`), range errors at the
    /// member.
    fn select<'a>(
        &mut self,
        selectors: &'a [Selector],
        input: &[&'a Value],
        bracket: usize,
    ) -> Result<Values<'a>, EvalError> {
        let mut out = Vec::new();
        for selector in selectors {
            let position = selector.position;
            if let SelectorKind::Key(key) = &selector.kind {
                out.extend(field(key, input, self.allow_missing, position)?);
                continue;
            }
            for &value in input {
                // Indexing null selects nothing, even out of range (kubectl).
                let Value::Array(items) = value else {
                    array_of(value, bracket)?;
                    continue;
                };
                match selector.kind {
                    SelectorKind::Index(index) => out.push(index_into(items, index, position)?),
                    SelectorKind::Slice { start, end, step } => {
                        out.extend(slice(items, start, end, step, position)?);
                    }
                    SelectorKind::Key(_) => {}
                }
                self.check_budget(out.len(), bracket)?;
            }
        }
        Ok(out)
    }
}

/// Fails once the output has grown past [`MAX_OUTPUT`].
fn check_output(out: &str, position: usize) -> Result<(), EvalError> {
    if out.len() > MAX_OUTPUT {
        return Err(EvalError::LimitExceeded {
            what: "bytes of output",
            limit: MAX_OUTPUT,
            position,
        });
    }
    Ok(())
}

/// `.key`: members named `key`; non-objects contribute nothing. Selecting nothing from a
/// non-empty input is an error unless missing keys are allowed (kubectl's rule).
fn field<'a>(
    key: &str,
    input: &[&'a Value],
    allow_missing: bool,
    position: usize,
) -> Result<Values<'a>, EvalError> {
    let out: Values<'a> = input
        .iter()
        .filter_map(|value| value.as_object().and_then(|map| map.get(key)))
        .collect();
    if out.is_empty() && !input.is_empty() && !allow_missing {
        return Err(EvalError::MissingKey {
            key: key.to_string(),
            position,
        });
    }
    Ok(out)
}

/// `.*`: object members in key order, or array elements; scalars have none.
fn children(value: &Value) -> Values<'_> {
    match value {
        Value::Object(map) => sorted_members(map).into_iter().map(|(_, v)| v).collect(),
        Value::Array(items) => items.iter().collect(),
        _ => Vec::new(),
    }
}

/// kubectl's `..` set: the value and everything nested in it that is a non-empty object,
/// array or string (numbers, booleans, null and empty containers are left out), parent
/// before children, object members in key order. Iterative, so deep documents cannot
/// exhaust the stack.
fn descendants<'a>(root: &'a Value, out: &mut Values<'a>) {
    let mut stack = vec![root];
    while let Some(value) = stack.pop() {
        let included = match value {
            Value::String(s) => !s.is_empty(),
            Value::Array(items) => !items.is_empty(),
            Value::Object(map) => !map.is_empty(),
            _ => false,
        };
        if included {
            out.push(value);
        }
        let start = stack.len();
        stack.extend(children(value));
        stack[start..].reverse();
    }
}

/// The elements of an array; null has none; any other type is an error.
fn array_of(value: &Value, position: usize) -> Result<&[Value], EvalError> {
    match value {
        Value::Array(items) => Ok(items),
        Value::Null => Ok(&[]),
        other => Err(EvalError::NotArray {
            found: type_name(other),
            position,
        }),
    }
}

fn len_i64(items: &[Value]) -> i64 {
    i64::try_from(items.len()).unwrap_or(i64::MAX)
}

/// `[n]`: negative `n` counts from the end; out of range is always an error.
fn index_into(items: &[Value], index: i64, position: usize) -> Result<&Value, EvalError> {
    let length = items.len();
    let normalised = if index < 0 {
        index.saturating_add(len_i64(items))
    } else {
        index
    };
    usize::try_from(normalised)
        .ok()
        .and_then(|i| items.get(i))
        .ok_or(EvalError::IndexOutOfRange {
            index: normalised,
            length,
            position,
        })
}

/// `[start:end:step]` with kubectl's checks, in kubectl's order: an empty range is fine
/// wherever it is; otherwise start must be an index of the array, end at most the length,
/// start at most end, and step positive.
fn slice(
    items: &[Value],
    start: Option<i64>,
    end: Option<i64>,
    step: Option<i64>,
    position: usize,
) -> Result<impl Iterator<Item = &Value>, EvalError> {
    let len = len_i64(items);
    let normalise = |i: i64| if i < 0 { i.saturating_add(len) } else { i };
    let start = normalise(start.unwrap_or(0));
    let end = normalise(end.unwrap_or(len));
    let step = step.unwrap_or(1);
    let length = items.len();
    let range = if start == end {
        0..0
    } else if start < 0 || start >= len {
        return Err(EvalError::IndexOutOfRange {
            index: start,
            length,
            position,
        });
    } else if end < 0 || end > len {
        let index = end.saturating_sub(1);
        return Err(EvalError::IndexOutOfRange {
            index,
            length,
            position,
        });
    } else if start > end {
        return Err(EvalError::StartAfterEnd {
            start,
            end,
            position,
        });
    } else if step <= 0 {
        return Err(EvalError::NonPositiveStep { step, position });
    } else {
        // Both bounds are within 0..=len here, so the conversions cannot fail.
        usize::try_from(start).unwrap_or(0)..usize::try_from(end).unwrap_or(0)
    };
    let step = usize::try_from(step).unwrap_or(usize::MAX).max(1);
    Ok(items[range].iter().step_by(step))
}
