//! Parser from template text to the syntax tree in `ast.rs`.
//!
//! Owns: the grammar — text versus `{...}` actions, `range`/`end` nesting, path steps,
//! bracket unions and slices, filters and literals — and the byte positions of parse errors.
//! Must not: look at data or evaluate anything; token-level reading is in `lexer.rs`.
//! Nesting depth is bounded so that hostile templates cannot exhaust the stack.

use super::ast::{CmpOp, Expr, Filter, Operand, Segment, Selector, SelectorKind, Step, StepKind};
use super::error::ParseError;
use super::lexer::{Cursor, NameContext, ends_name};
use serde_json::Value;

/// Deepest nesting of brackets/filters, and separately of `{range}` blocks.
const MAX_NESTING: usize = 64;

/// Parses a whole template.
pub(super) fn parse_template(src: &str) -> Result<Vec<Segment>, ParseError> {
    Parser {
        cur: Cursor::new(src),
        depth: 0,
    }
    .template()
}

/// What one `{...}` turned out to be.
enum Action {
    Expr(Expr),
    Range(Expr),
    End,
}

/// A `{range}` whose body is being collected.
struct OpenRange {
    expr: Expr,
    outer: Vec<Segment>,
}

struct Parser<'s> {
    cur: Cursor<'s>,
    depth: usize,
}

impl Parser<'_> {
    fn err<T>(&self, position: usize, message: impl Into<String>) -> Result<T, ParseError> {
        Err(ParseError::new(position, message))
    }

    fn template(&mut self) -> Result<Vec<Segment>, ParseError> {
        let mut open: Vec<OpenRange> = Vec::new();
        let mut segments = Vec::new();
        while let Some(c) = self.cur.peek() {
            if c != '{' {
                segments.push(Segment::Text(self.cur.read_text().to_string()));
                continue;
            }
            let position = self.cur.pos();
            match self.action()? {
                Action::Expr(expr) => segments.push(Segment::Action(expr)),
                Action::Range(expr) => {
                    if open.len() >= MAX_NESTING {
                        return self.err(position, "{range} blocks are nested too deeply");
                    }
                    let outer = std::mem::take(&mut segments);
                    open.push(OpenRange { expr, outer });
                }
                Action::End => {
                    let Some(range) = open.pop() else {
                        return self.err(position, "{end} without a matching {range}");
                    };
                    close_range(range, &mut segments);
                }
            }
        }
        // kubectl lets a range without {end} run to the end of the template.
        while let Some(range) = open.pop() {
            close_range(range, &mut segments);
        }
        Ok(segments)
    }

    /// One `{...}`; the cursor is on the `{`.
    fn action(&mut self) -> Result<Action, ParseError> {
        let open = self.cur.pos();
        self.cur.bump();
        self.cur.skip_space();
        let word_start = self.cur.pos();
        match self.cur.read_word() {
            "range" => {
                let expr = self.expr(open)?;
                if expr.steps.is_empty() {
                    return self.err(word_start, "{range} needs an expression");
                }
                Ok(Action::Range(expr))
            }
            "end" => {
                self.cur.skip_space();
                if self.cur.eat('}') {
                    Ok(Action::End)
                } else if self.cur.peek().is_none() {
                    self.err(open, "unclosed action: missing '}'")
                } else {
                    self.err(self.cur.pos(), "unexpected text after 'end'")
                }
            }
            _ => {
                self.cur.set_pos(word_start);
                Ok(Action::Expr(self.expr(open)?))
            }
        }
    }

    /// Steps up to and including the closing `}` of the action opened at `open`.
    fn expr(&mut self, open: usize) -> Result<Expr, ParseError> {
        let mut steps = Vec::new();
        loop {
            self.cur.skip_space();
            match self.cur.peek() {
                None => return self.err(open, "unclosed action: missing '}'"),
                Some('}') => {
                    self.cur.bump();
                    return Ok(Expr {
                        steps,
                        position: open,
                    });
                }
                Some(_) => self.step(NameContext::Action, &mut steps)?,
            }
        }
    }

    /// One step (two for `..name`), appended to `steps`.
    fn step(&mut self, ctx: NameContext, steps: &mut Vec<Step>) -> Result<(), ParseError> {
        let position = self.cur.pos();
        let kind = match self.cur.peek() {
            Some('.') => return self.dot(ctx, steps),
            Some('[') => self.bracket()?,
            Some('@' | '$') => {
                self.cur.bump();
                StepKind::Current
            }
            Some(_) => StepKind::Literal(self.literal()?),
            None => return self.err(position, "unexpected end of template"),
        };
        steps.push(Step { kind, position });
        Ok(())
    }

    /// `.name`, `.*`, `..`, `..name`, `..*`, or a lone `.` (the current object).
    fn dot(&mut self, ctx: NameContext, steps: &mut Vec<Step>) -> Result<(), ParseError> {
        let position = self.cur.pos();
        self.cur.bump();
        let recursive = self.cur.eat('.');
        if recursive {
            steps.push(Step {
                kind: StepKind::Descendants,
                position,
            });
        }
        let kind = match self.cur.peek() {
            Some('*') => {
                self.cur.bump();
                StepKind::Children
            }
            Some(c) if c == '\\' || !ends_name(c, ctx) => StepKind::Field(self.cur.read_name(ctx)?),
            _ if recursive => return Ok(()),
            _ => StepKind::Current,
        };
        steps.push(Step { kind, position });
        Ok(())
    }

    /// A literal inside an action: string, number, `true` or `false`.
    fn literal(&mut self) -> Result<Value, ParseError> {
        let position = self.cur.pos();
        match self.cur.peek() {
            Some('"' | '\'') => Ok(Value::String(self.cur.read_string()?)),
            Some(c) if c.is_ascii_digit() || c == '-' || c == '+' => self.cur.read_number(),
            Some(c) if c.is_ascii_alphabetic() || c == '_' => match self.cur.read_word() {
                "true" => Ok(Value::Bool(true)),
                "false" => Ok(Value::Bool(false)),
                word => self.err(position, format!("unrecognized identifier {word}")),
            },
            Some(c) => self.err(position, format!("unexpected character {c:?}")),
            None => self.err(position, "unexpected end of template"),
        }
    }

    /// `[*]`, `[?(...)]` or a union; the cursor is on the `[`.
    fn bracket(&mut self) -> Result<StepKind, ParseError> {
        let open = self.cur.pos();
        if self.depth >= MAX_NESTING {
            return self.err(open, "brackets are nested too deeply");
        }
        self.depth += 1;
        self.cur.bump();
        self.cur.skip_space();
        let kind = if self.cur.eat('*') {
            StepKind::AllElements
        } else if self.cur.eat('?') {
            StepKind::Filter(Box::new(self.filter(open)?))
        } else {
            StepKind::Select(self.union()?)
        };
        self.cur.skip_space();
        if !self.cur.eat(']') {
            return match self.cur.peek() {
                None => self.err(open, "unterminated '[': missing ']'"),
                Some(c) => self.err(self.cur.pos(), format!("expected ']' but found {c:?}")),
            };
        }
        self.depth -= 1;
        Ok(kind)
    }

    /// Comma-separated indices, slices and quoted keys.
    fn union(&mut self) -> Result<Vec<Selector>, ParseError> {
        let mut selectors = Vec::new();
        loop {
            self.cur.skip_space();
            selectors.push(self.selector()?);
            self.cur.skip_space();
            if !self.cur.eat(',') {
                return Ok(selectors);
            }
        }
    }

    fn selector(&mut self) -> Result<Selector, ParseError> {
        let position = self.cur.pos();
        if matches!(self.cur.peek(), Some('\'' | '"')) {
            let kind = SelectorKind::Key(self.cur.read_key()?);
            return Ok(Selector { kind, position });
        }
        let start = self.cur.read_int()?;
        self.cur.skip_space();
        let kind = if self.cur.eat(':') {
            self.cur.skip_space();
            let end = self.cur.read_int()?;
            self.cur.skip_space();
            let step = if self.cur.eat(':') {
                self.cur.skip_space();
                self.cur.read_int()?
            } else {
                None
            };
            SelectorKind::Slice { start, end, step }
        } else if let Some(index) = start {
            SelectorKind::Index(index)
        } else {
            return self.err(
                position,
                "invalid array index: expected a number, slice, '*', filter or quoted key",
            );
        };
        Ok(Selector { kind, position })
    }

    /// `(left op right)` or `(path)` after `[?`; `open` is the position of the `[`.
    fn filter(&mut self, open: usize) -> Result<Filter, ParseError> {
        if !self.cur.eat('(') {
            return self.err(self.cur.pos(), "expected '(' after '[?'");
        }
        self.cur.skip_space();
        let left = self.operand(open)?;
        self.cur.skip_space();
        let comparison = if self.cur.peek() == Some(')') {
            None
        } else {
            let op = self.operator(open)?;
            self.cur.skip_space();
            let right = self.operand(open)?;
            self.cur.skip_space();
            Some((op, right))
        };
        if !self.cur.eat(')') {
            return match self.cur.peek() {
                None => self.err(open, "unterminated filter: missing ')'"),
                Some(c) => self.err(
                    self.cur.pos(),
                    format!("expected ')' in filter but found {c:?}"),
                ),
            };
        }
        Ok(Filter { left, comparison })
    }

    fn operator(&mut self, open: usize) -> Result<CmpOp, ParseError> {
        const OPS: [(&str, CmpOp); 6] = [
            ("==", CmpOp::Eq),
            ("!=", CmpOp::Ne),
            ("<=", CmpOp::Le),
            (">=", CmpOp::Ge),
            ("<", CmpOp::Lt),
            (">", CmpOp::Gt),
        ];
        for (text, op) in OPS {
            if self.cur.eat_str(text) {
                return Ok(op);
            }
        }
        match self.cur.peek() {
            None => self.err(open, "unterminated filter: missing ')'"),
            Some(c) => self.err(
                self.cur.pos(),
                format!("unrecognized filter operator at {c:?}"),
            ),
        }
    }

    /// `@...`/`$...` path, or a string, number or boolean literal.
    fn operand(&mut self, open: usize) -> Result<Operand, ParseError> {
        let position = self.cur.pos();
        match self.cur.peek() {
            Some('@' | '$') => {
                self.cur.bump();
                let mut steps = vec![Step {
                    kind: StepKind::Current,
                    position,
                }];
                while matches!(self.cur.peek(), Some('.' | '[')) {
                    self.step(NameContext::Filter, &mut steps)?;
                }
                Ok(Operand::Path(Expr { steps, position }))
            }
            None => self.err(open, "unterminated filter: missing ')'"),
            Some(c) if c.is_ascii_alphanumeric() || matches!(c, '"' | '\'' | '-' | '+' | '_') => {
                Ok(Operand::Literal(self.literal()?))
            }
            Some(c) => self.err(
                position,
                format!("invalid filter operand starting with {c:?}"),
            ),
        }
    }
}

/// Turns the segments collected since `range` into its body and restores the outer list.
fn close_range(range: OpenRange, segments: &mut Vec<Segment>) {
    let body = std::mem::replace(segments, range.outer);
    segments.push(Segment::Range {
        expr: range.expr,
        body,
    });
}
