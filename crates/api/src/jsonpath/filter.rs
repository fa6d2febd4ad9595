//! Filter evaluation: `[?(@.x)]` existence tests and `[?(@.x op literal)]` comparisons.
//!
//! Owns: deciding whether one array element passes a filter, and the comparison rules
//! between JSON values (numbers numerically, strings bytewise, booleans for equality only,
//! null/arrays/objects never). Must not: walk templates or format output; operand paths are
//! evaluated through `eval.rs`.

use super::ast::{CmpOp, Filter, Operand};
use super::error::EvalError;
use super::eval::{Evaluator, Values};
use super::render::type_name;
use serde_json::{Number, Value};
use std::cmp::Ordering;

/// Whether `item` passes `filter`. `position` is the filter's byte offset, for errors.
pub(super) fn filter_matches(
    evaluator: &mut Evaluator,
    filter: &Filter,
    item: &Value,
    position: usize,
) -> Result<bool, EvalError> {
    let Some((op, right)) = &filter.comparison else {
        // An existence test never reports a missing key: absence just means "no".
        return Ok(!operand_values(evaluator, &filter.left, item, true)?.is_empty());
    };
    let left = operand_values(evaluator, &filter.left, item, false)?;
    let right = operand_values(evaluator, right, item, false)?;
    if left.len() > 1 || right.len() > 1 {
        return Err(EvalError::MultipleValues { position });
    }
    match (left.first(), right.first()) {
        (Some(l), Some(r)) => compare(l, *op, r, position),
        _ => Ok(false),
    }
}

/// The values an operand stands for; `lenient` ignores the missing-key policy.
fn operand_values<'a>(
    evaluator: &mut Evaluator,
    operand: &'a Operand,
    item: &'a Value,
    lenient: bool,
) -> Result<Values<'a>, EvalError> {
    match operand {
        Operand::Path(expr) if lenient => evaluator.eval_expr_lenient(expr, item),
        Operand::Path(expr) => evaluator.eval_expr(expr, item),
        Operand::Literal(value) => Ok(vec![value]),
    }
}

/// Applies `op` to two values of the same JSON type.
fn compare(left: &Value, op: CmpOp, right: &Value, position: usize) -> Result<bool, EvalError> {
    let invalid = |found| EvalError::InvalidComparison {
        found,
        operator: op.symbol(),
        position,
    };
    let ordering = match (left, right) {
        (Value::Null, _) | (_, Value::Null) => return Err(invalid("null")),
        (Value::Number(a), Value::Number(b)) => compare_numbers(a, b),
        (Value::String(a), Value::String(b)) => a.as_str().cmp(b.as_str()),
        (Value::Bool(a), Value::Bool(b)) => match op {
            CmpOp::Eq => return Ok(a == b),
            CmpOp::Ne => return Ok(a != b),
            _ => return Err(invalid("boolean")),
        },
        (Value::Array(_), Value::Array(_)) | (Value::Object(_), Value::Object(_)) => {
            return Err(invalid(type_name(left)));
        }
        _ => {
            return Err(EvalError::IncompatibleTypes {
                left: type_name(left),
                right: type_name(right),
                position,
            });
        }
    };
    Ok(match op {
        CmpOp::Eq => ordering == Ordering::Equal,
        CmpOp::Ne => ordering != Ordering::Equal,
        CmpOp::Lt => ordering == Ordering::Less,
        CmpOp::Gt => ordering == Ordering::Greater,
        CmpOp::Le => ordering != Ordering::Greater,
        CmpOp::Ge => ordering != Ordering::Less,
    })
}

/// An exact integer view of a JSON number, when it has one.
fn as_integer(n: &Number) -> Option<i128> {
    n.as_i64()
        .map(i128::from)
        .or_else(|| n.as_u64().map(i128::from))
}

/// Numeric order of two JSON numbers, exact for integers of any size serde_json holds and
/// between integers and floats.
pub(super) fn compare_numbers(a: &Number, b: &Number) -> Ordering {
    match (as_integer(a), as_integer(b)) {
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(x), None) => compare_int_float(x, b.as_f64().unwrap_or(0.0)),
        (None, Some(y)) => compare_int_float(y, a.as_f64().unwrap_or(0.0)).reverse(),
        (None, None) => {
            let (x, y) = (a.as_f64().unwrap_or(0.0), b.as_f64().unwrap_or(0.0));
            x.partial_cmp(&y).unwrap_or(Ordering::Equal)
        }
    }
}

/// Orders an integer against a finite float without rounding the integer.
fn compare_int_float(int: i128, float: f64) -> Ordering {
    // Every i128 that serde_json can hold (i64/u64) is far inside ±1e20.
    if float >= 1e20 {
        return Ordering::Less;
    }
    if float <= -1e20 {
        return Ordering::Greater;
    }
    let whole = float.trunc();
    // `whole` is integral and within ±1e20, so the cast is exact.
    match int.cmp(&(whole as i128)) {
        Ordering::Equal => 0.0_f64
            .partial_cmp(&(float - whole))
            .unwrap_or(Ordering::Equal),
        other => other,
    }
}
