//! Lexical scanning for the template parser.
//!
//! Owns: a cursor over the template text that tracks byte offsets, and the readers for the
//! smallest tokens — field names (with `\` escapes), quoted strings (with Go-style escapes),
//! quoted bracket keys, integers and number literals, bare words. Must not: know about
//! template structure (actions, ranges, steps, filters); that is `parser.rs`.

use super::error::ParseError;
use serde_json::{Number, Value};

/// Where a field name is being read; filters end names at comparison characters too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum NameContext {
    /// Inside `{...}` outside any filter.
    Action,
    /// Inside the parentheses of `[?( ... )]`.
    Filter,
}

/// A position in the template text. All positions are byte offsets.
pub(super) struct Cursor<'s> {
    src: &'s str,
    pos: usize,
}

/// Whitespace as the template syntax knows it.
pub(super) fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

/// Whether `c` ends an unescaped field name in the given context.
pub(super) fn ends_name(c: char, ctx: NameContext) -> bool {
    if is_space(c) || matches!(c, '.' | '[' | ']' | ',' | '{' | '}' | '@' | '$') {
        return true;
    }
    ctx == NameContext::Filter && matches!(c, '=' | '!' | '<' | '>' | '(' | ')')
}

impl<'s> Cursor<'s> {
    pub(super) fn new(src: &'s str) -> Self {
        Cursor { src, pos: 0 }
    }

    pub(super) fn pos(&self) -> usize {
        self.pos
    }

    pub(super) fn set_pos(&mut self, pos: usize) {
        self.pos = pos;
    }

    pub(super) fn rest(&self) -> &'s str {
        &self.src[self.pos..]
    }

    pub(super) fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    pub(super) fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    /// Consumes `c` if it is next.
    pub(super) fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.pos += c.len_utf8();
            true
        } else {
            false
        }
    }

    /// Consumes `s` if the text continues with it.
    pub(super) fn eat_str(&mut self, s: &str) -> bool {
        if self.rest().starts_with(s) {
            self.pos += s.len();
            true
        } else {
            false
        }
    }

    pub(super) fn skip_space(&mut self) {
        while self.peek().is_some_and(is_space) {
            self.pos += 1;
        }
    }

    /// Text up to (not including) the next `{`, or to the end.
    pub(super) fn read_text(&mut self) -> &'s str {
        let rest = self.rest();
        let len = rest.find('{').unwrap_or(rest.len());
        self.pos += len;
        &rest[..len]
    }

    /// A run of ASCII letters, digits and underscores.
    pub(super) fn read_word(&mut self) -> &'s str {
        let rest = self.rest();
        let len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        self.pos += len;
        &rest[..len]
    }

    /// A field name: characters up to a terminator; `\` makes the next character literal.
    pub(super) fn read_name(&mut self, ctx: NameContext) -> Result<String, ParseError> {
        let mut name = String::new();
        while let Some(c) = self.peek() {
            if c == '\\' {
                let at = self.pos;
                self.bump();
                match self.bump() {
                    Some(escaped) => name.push(escaped),
                    None => return Err(ParseError::new(at, "'\\' at the end of the template")),
                }
            } else if ends_name(c, ctx) {
                break;
            } else {
                name.push(c);
                self.bump();
            }
        }
        Ok(name)
    }

    /// A bracket key `'...'` or `"..."`: `\` makes the next character literal.
    pub(super) fn read_key(&mut self) -> Result<String, ParseError> {
        let open = self.pos;
        let quote = self.bump().unwrap_or('\'');
        let mut key = String::new();
        loop {
            match self.bump() {
                None => return Err(unterminated(open)),
                Some(c) if c == quote => return Ok(key),
                Some('\\') => match self.bump() {
                    Some(escaped) => key.push(escaped),
                    None => return Err(unterminated(open)),
                },
                Some(c) => key.push(c),
            }
        }
    }

    /// A string literal `'...'` or `"..."` with Go-style escapes (`\n`, `\t`, `\"`, `\x41`,
    /// `\u00e9`, octal `\101`, ...).
    pub(super) fn read_string(&mut self) -> Result<String, ParseError> {
        let open = self.pos;
        let quote = self.bump().unwrap_or('"');
        let mut text = String::new();
        loop {
            let at = self.pos;
            match self.bump() {
                None => return Err(unterminated(open)),
                Some(c) if c == quote => return Ok(text),
                Some('\\') => text.push(self.read_escape(at)?),
                Some(c) => text.push(c),
            }
        }
    }

    /// The character an escape sequence stands for; the `\` at `at` is already consumed.
    fn read_escape(&mut self, at: usize) -> Result<char, ParseError> {
        let bad = || ParseError::new(at, "invalid escape sequence in string literal");
        let c = self.bump().ok_or_else(bad)?;
        let simple = match c {
            'a' => Some('\u{7}'),
            'b' => Some('\u{8}'),
            'f' => Some('\u{c}'),
            'n' => Some('\n'),
            'r' => Some('\r'),
            't' => Some('\t'),
            'v' => Some('\u{b}'),
            '\\' | '\'' | '"' => Some(c),
            _ => None,
        };
        if let Some(s) = simple {
            return Ok(s);
        }
        let (digits, radix, first) = match c {
            'x' => (2, 16, None),
            'u' => (4, 16, None),
            'U' => (8, 16, None),
            '0'..='7' => (2, 8, Some(c)),
            _ => return Err(bad()),
        };
        let mut code = first.map_or(0, |d| d.to_digit(8).unwrap_or(0));
        for _ in 0..digits {
            let d = self
                .bump()
                .and_then(|d| d.to_digit(radix))
                .ok_or_else(bad)?;
            code = code
                .checked_mul(radix)
                .and_then(|v| v.checked_add(d))
                .ok_or_else(bad)?;
        }
        // Byte escapes (\x, octal) above 0x7f would not be UTF-8 text on their own.
        if matches!(c, 'x' | '0'..='7') && code > 0x7f {
            return Err(ParseError::new(
                at,
                "byte escape above \\x7f in string literal",
            ));
        }
        char::from_u32(code).ok_or_else(bad)
    }

    /// An optional integer `-?[0-9]+` as used in indices and slices.
    pub(super) fn read_int(&mut self) -> Result<Option<i64>, ParseError> {
        let start = self.pos;
        let negative = self.eat('-');
        let digits = self.read_digits();
        if digits.is_empty() {
            if negative {
                return Err(ParseError::new(start, "'-' without digits in array index"));
            }
            return Ok(None);
        }
        let text = &self.src[start..self.pos];
        text.parse::<i64>()
            .map(Some)
            .map_err(|_| ParseError::new(start, format!("array index {text} is out of range")))
    }

    /// A number literal: optional sign, digits, optional `.` and fraction digits (no exponent).
    /// Integers become `i64`, numbers with a `.` become `f64`.
    pub(super) fn read_number(&mut self) -> Result<Value, ParseError> {
        let start = self.pos;
        let sign = match self.peek() {
            Some('-') => "-",
            _ => "",
        };
        if matches!(self.peek(), Some('-' | '+')) {
            self.bump();
        }
        let digits_start = self.pos;
        if self.read_digits().is_empty() {
            return Err(ParseError::new(start, "invalid number literal"));
        }
        let is_float = self.eat('.');
        if is_float {
            self.read_digits();
        }
        let text = format!(
            "{sign}{}",
            self.src[digits_start..self.pos].trim_end_matches('.')
        );
        let number = if is_float {
            text.parse::<f64>().ok().and_then(Number::from_f64)
        } else {
            text.parse::<i64>().ok().map(Number::from)
        };
        number
            .map(Value::Number)
            .ok_or_else(|| ParseError::new(start, format!("number {text} is out of range")))
    }

    fn read_digits(&mut self) -> &'s str {
        let rest = self.rest();
        let len = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        self.pos += len;
        &rest[..len]
    }
}

fn unterminated(open: usize) -> ParseError {
    ParseError::new(open, "unterminated quoted string")
}
