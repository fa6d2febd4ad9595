//! Label selectors: `k=v`, `k==v`, `k!=v`, `k in (a,b)`, `k notin (a,b)`, `k`, `!k`, `k>n`,
//! `k<n`, joined by commas (AND). Keys must be qualified names and values label values, checked
//! with the validation messages of `flotilla_api::names`; errors read as the Kubernetes API
//! server's.
//!
//! Owns: the grammar, the requirement rules and matching. Must not: trim or decode the input.

use std::collections::BTreeMap;
use std::fmt;

use flotilla_api::names::{is_qualified_name, is_valid_label_value};

use super::error::{Expected, InvalidValue, RequirementError, SelectorError, SyntaxError};
use super::lexer::{Item, Token, scan};

/// How a requirement relates its key to its values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Operator {
    /// `k in (a,b)`: the key is present with one of the values.
    In,
    /// `k notin (a,b)`: the key is absent or has none of the values.
    NotIn,
    /// `k=v`.
    Equals,
    /// `k==v`.
    DoubleEquals,
    /// `k!=v`: the key is absent or has another value.
    NotEquals,
    /// `k`: the key is present.
    Exists,
    /// `!k`: the key is absent.
    DoesNotExist,
    /// `k>n`: the key's value is an integer greater than `n`.
    GreaterThan,
    /// `k<n`: the key's value is an integer less than `n`.
    LessThan,
}

/// One requirement: a key, an operator and its values (sorted, without duplicates).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Requirement {
    key: String,
    operator: Operator,
    values: Vec<String>,
}

impl Requirement {
    /// The label key.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The operator.
    pub fn operator(&self) -> Operator {
        self.operator
    }

    /// The values, sorted (empty for `Exists` and `DoesNotExist`).
    pub fn values(&self) -> &[String] {
        &self.values
    }

    /// Whether `labels` satisfy this requirement.
    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        let value = labels.get(&self.key);
        let listed = |v: &String| self.values.iter().any(|candidate| candidate == v);
        match self.operator {
            Operator::In | Operator::Equals | Operator::DoubleEquals => value.is_some_and(listed),
            Operator::NotIn | Operator::NotEquals => !value.is_some_and(listed),
            Operator::Exists => value.is_some(),
            Operator::DoesNotExist => value.is_none(),
            Operator::GreaterThan | Operator::LessThan => self.compare(value),
        }
    }

    fn compare(&self, value: Option<&String>) -> bool {
        let Some(actual) = value.and_then(|v| v.parse::<i64>().ok()) else {
            return false;
        };
        let Some(bound) = self.values.first().and_then(|v| v.parse::<i64>().ok()) else {
            return false;
        };
        match self.operator {
            Operator::GreaterThan => actual > bound,
            _ => actual < bound,
        }
    }
}

impl fmt::Display for Requirement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let values = self.values.join(",");
        let key = &self.key;
        match self.operator {
            Operator::Exists => write!(f, "{key}"),
            Operator::DoesNotExist => write!(f, "!{key}"),
            Operator::Equals => write!(f, "{key}={values}"),
            Operator::DoubleEquals => write!(f, "{key}=={values}"),
            Operator::NotEquals => write!(f, "{key}!={values}"),
            Operator::GreaterThan => write!(f, "{key}>{values}"),
            Operator::LessThan => write!(f, "{key}<{values}"),
            Operator::In => write!(f, "{key} in ({values})"),
            Operator::NotIn => write!(f, "{key} notin ({values})"),
        }
    }
}

/// A parsed label selector: the AND of its requirements (sorted by key). The empty selector
/// matches everything.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LabelSelector {
    requirements: Vec<Requirement>,
}

impl LabelSelector {
    /// Parses the `labelSelector` query value (already percent-decoded, `+` already a space).
    pub fn parse(selector: &str) -> Result<LabelSelector, SelectorError> {
        let mut parser = Parser {
            items: scan(selector),
            pos: 0,
        };
        let mut requirements = parser.selector()?;
        requirements.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(LabelSelector { requirements })
    }

    /// The requirements, sorted by key.
    pub fn requirements(&self) -> &[Requirement] {
        &self.requirements
    }

    /// True when the selector has no requirement (it matches everything).
    pub fn is_empty(&self) -> bool {
        self.requirements.is_empty()
    }

    /// Whether `labels` satisfy every requirement.
    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        self.requirements.iter().all(|r| r.matches(labels))
    }
}

impl fmt::Display for LabelSelector {
    /// The canonical form: requirements by key, joined by `,`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, requirement) in self.requirements.iter().enumerate() {
            if index > 0 {
                f.write_str(",")?;
            }
            write!(f, "{requirement}")?;
        }
        Ok(())
    }
}

/// Where the parser is; `in` and `notin` are words only where an operator is expected.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Context {
    Operator,
    Values,
}

struct Parser<'a> {
    items: Vec<Item<'a>>,
    pos: usize,
}

fn syntax(found: &str, expected: Expected) -> SyntaxError {
    SyntaxError {
        found: found.to_string(),
        expected,
    }
}

fn in_requirement(found: &str, expected: Expected) -> RequirementError {
    RequirementError::Syntax(syntax(found, expected))
}

impl<'a> Parser<'a> {
    fn peek(&self, context: Context) -> (Token, &'a str) {
        let item = self.items[self.pos.min(self.items.len() - 1)];
        (classify(item.token, context), item.text)
    }

    fn next(&mut self, context: Context) -> (Token, &'a str) {
        let found = self.peek(context);
        self.pos += 1;
        found
    }

    /// `requirement (',' requirement)*`, or nothing.
    fn selector(&mut self) -> Result<Vec<Requirement>, SelectorError> {
        let mut requirements = Vec::new();
        loop {
            match self.peek(Context::Values) {
                (Token::Identifier | Token::Not, _) => {}
                (Token::End, _) => return Ok(requirements),
                (_, text) => {
                    let error = syntax(text, Expected::RequirementStart);
                    return Err(SelectorError::Syntax(error));
                }
            }
            requirements.push(self.requirement().map_err(SelectorError::Requirement)?);
            match self.next(Context::Values) {
                (Token::End, _) => return Ok(requirements),
                (Token::Comma, _) => match self.peek(Context::Values) {
                    (Token::Identifier | Token::Not, _) => {}
                    (_, text) => {
                        let error = syntax(text, Expected::IdentifierAfterComma);
                        return Err(SelectorError::Syntax(error));
                    }
                },
                (_, text) => return Err(SelectorError::Syntax(syntax(text, Expected::CommaOrEnd))),
            }
        }
    }

    fn requirement(&mut self) -> Result<Requirement, RequirementError> {
        let (key, unary) = self.key()?;
        if let Some(operator) = unary {
            return build(key, operator, Vec::new());
        }
        let operator = self.operator()?;
        let values = match operator {
            Operator::In | Operator::NotIn => self.value_list()?,
            _ => vec![self.exact_value()?],
        };
        build(key, operator, values)
    }

    /// `['!'] key`; the operator is `Some` when the requirement ends after the key.
    fn key(&mut self) -> Result<(String, Option<Operator>), RequirementError> {
        let mut negated = false;
        let mut found = self.next(Context::Values);
        if found.0 == Token::Not {
            negated = true;
            found = self.next(Context::Values);
        }
        let (token, key) = found;
        if token != Token::Identifier {
            return Err(in_requirement(key, Expected::Identifier));
        }
        let problems = is_qualified_name(key);
        if !problems.is_empty() {
            return Err(invalid("<nil>", key, &problems));
        }
        let ends = matches!(self.peek(Context::Values).0, Token::End | Token::Comma);
        let unary = match (negated, ends) {
            (true, _) => Some(Operator::DoesNotExist),
            (false, true) => Some(Operator::Exists),
            (false, false) => None,
        };
        Ok((key.to_string(), unary))
    }

    fn operator(&mut self) -> Result<Operator, RequirementError> {
        let operator = match self.next(Context::Operator) {
            (Token::In, _) => Operator::In,
            (Token::NotIn, _) => Operator::NotIn,
            (Token::Equals, _) => Operator::Equals,
            (Token::DoubleEquals, _) => Operator::DoubleEquals,
            (Token::NotEquals, _) => Operator::NotEquals,
            (Token::Greater, _) => Operator::GreaterThan,
            (Token::Less, _) => Operator::LessThan,
            (_, text) => return Err(in_requirement(text, Expected::Operator)),
        };
        Ok(operator)
    }

    /// The value after `=`, `==`, `!=`, `>` or `<`; nothing before `,` or the end means `""`.
    fn exact_value(&mut self) -> Result<String, RequirementError> {
        if matches!(self.peek(Context::Values).0, Token::End | Token::Comma) {
            return Ok(String::new());
        }
        match self.next(Context::Values) {
            (Token::Identifier, value) => Ok(value.to_string()),
            (_, text) => Err(in_requirement(text, Expected::Identifier)),
        }
    }

    /// `'(' values ')'`; empty items (`()`, `(a,)`, `(,a)`, `(a,,b)`) are the value `""`.
    fn value_list(&mut self) -> Result<Vec<String>, RequirementError> {
        let (token, text) = self.next(Context::Values);
        if token != Token::OpenParen {
            return Err(in_requirement(text, Expected::OpenParen));
        }
        match self.peek(Context::Values) {
            (Token::CloseParen, _) => {
                self.pos += 1;
                Ok(vec![String::new()])
            }
            (Token::Identifier | Token::Comma, _) => {
                let values = self.list_items()?;
                self.pos += 1; // the `)` that ended the list
                Ok(values)
            }
            (_, text) => Err(in_requirement(text, Expected::ValueListStart)),
        }
    }

    /// The items of a value list, stopping before its `)`.
    fn list_items(&mut self) -> Result<Vec<String>, RequirementError> {
        let mut values: Vec<String> = Vec::new();
        loop {
            match self.next(Context::Values) {
                (Token::Identifier, value) => {
                    values.push(value.to_string());
                    match self.peek(Context::Values) {
                        (Token::Comma, _) => {}
                        (Token::CloseParen, _) => return Ok(values),
                        (_, text) => return Err(in_requirement(text, Expected::CommaOrCloseParen)),
                    }
                }
                (Token::Comma, _) => {
                    if values.is_empty() {
                        values.push(String::new());
                    }
                    match self.peek(Context::Values).0 {
                        Token::CloseParen => {
                            values.push(String::new());
                            return Ok(values);
                        }
                        Token::Comma => {
                            self.pos += 1;
                            values.push(String::new());
                        }
                        _ => {}
                    }
                }
                (_, text) => return Err(in_requirement(text, Expected::CommaOrIdentifier)),
            }
        }
    }
}

fn classify(token: Token, context: Context) -> Token {
    match (token, context) {
        (Token::In | Token::NotIn, Context::Values) => Token::Identifier,
        _ => token,
    }
}

fn invalid(field: &str, value: &str, problems: &[String]) -> RequirementError {
    RequirementError::Invalid(vec![InvalidValue {
        field: field.to_string(),
        value: value.to_string(),
        detail: problems.join("; "),
    }])
}

/// A requirement with its values sorted and deduplicated, after the value checks: integers for
/// `>` and `<`, then label-value syntax for every value.
fn build(
    key: String,
    operator: Operator,
    mut values: Vec<String>,
) -> Result<Requirement, RequirementError> {
    values.sort();
    values.dedup();
    let mut errors = Vec::new();
    if matches!(operator, Operator::GreaterThan | Operator::LessThan) {
        for (index, value) in values.iter().enumerate() {
            if value.parse::<i64>().is_err() {
                errors.push(InvalidValue {
                    field: format!("values[{index}]"),
                    value: value.clone(),
                    detail: "for 'Gt', 'Lt' operators, the value must be an integer".into(),
                });
            }
        }
    }
    for (index, value) in values.iter().enumerate() {
        let problems = is_valid_label_value(value);
        if !problems.is_empty() {
            errors.push(InvalidValue {
                field: format!("values[{index}][{key}]"),
                value: value.clone(),
                detail: problems.join("; "),
            });
        }
    }
    if !errors.is_empty() {
        return Err(RequirementError::Invalid(errors));
    }
    Ok(Requirement {
        key,
        operator,
        values,
    })
}
