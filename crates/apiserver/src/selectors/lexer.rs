//! Tokens of the label selector syntax: identifiers (keys, values, and the words `in` and
//! `notin`), the symbols `! = == != ( ) , > <`, and the end of the input. Whitespace (space, tab,
//! CR, LF) separates tokens and is otherwise ignored; any other character belongs to an
//! identifier.
//!
//! Owns: splitting the text into tokens. Must not: know the grammar.

/// A token's class.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Token {
    /// The end of the input (text `""`).
    End,
    /// A key or value (or `in`/`notin` where a value is expected).
    Identifier,
    /// `in`.
    In,
    /// `notin`.
    NotIn,
    /// `!`.
    Not,
    /// `=`.
    Equals,
    /// `==`.
    DoubleEquals,
    /// `!=`.
    NotEquals,
    /// `>`.
    Greater,
    /// `<`.
    Less,
    /// `(`.
    OpenParen,
    /// `)`.
    CloseParen,
    /// `,`.
    Comma,
}

/// A token and its text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Item<'a> {
    /// The class.
    pub token: Token,
    /// The text as written.
    pub text: &'a str,
}

fn is_whitespace(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\r' | b'\n')
}

fn is_symbol(byte: u8) -> bool {
    matches!(byte, b'=' | b'!' | b'(' | b')' | b',' | b'>' | b'<')
}

/// The tokens of `input`, always ending with one `End`.
pub(super) fn scan(input: &str) -> Vec<Item<'_>> {
    let bytes = input.as_bytes();
    let mut items = Vec::new();
    let mut pos = 0;
    loop {
        while pos < bytes.len() && is_whitespace(bytes[pos]) {
            pos += 1;
        }
        if pos == bytes.len() {
            items.push(Item {
                token: Token::End,
                text: "",
            });
            return items;
        }
        let start = pos;
        let token = if is_symbol(bytes[pos]) {
            let (token, len) = symbol(bytes[pos], bytes.get(pos + 1).copied());
            pos += len;
            token
        } else {
            while pos < bytes.len() && !is_whitespace(bytes[pos]) && !is_symbol(bytes[pos]) {
                pos += 1;
            }
            match &input[start..pos] {
                "in" => Token::In,
                "notin" => Token::NotIn,
                _ => Token::Identifier,
            }
        };
        items.push(Item {
            token,
            text: &input[start..pos],
        });
    }
}

/// The symbol starting with `first` (two characters for `==` and `!=`) and its length.
fn symbol(first: u8, second: Option<u8>) -> (Token, usize) {
    match (first, second) {
        (b'=', Some(b'=')) => (Token::DoubleEquals, 2),
        (b'!', Some(b'=')) => (Token::NotEquals, 2),
        (b'=', _) => (Token::Equals, 1),
        (b'!', _) => (Token::Not, 1),
        (b'(', _) => (Token::OpenParen, 1),
        (b')', _) => (Token::CloseParen, 1),
        (b',', _) => (Token::Comma, 1),
        (b'>', _) => (Token::Greater, 1),
        _ => (Token::Less, 1),
    }
}

#[cfg(test)]
mod tests {
    use super::{Token, scan};

    fn tokens(input: &str) -> Vec<(Token, &str)> {
        scan(input).into_iter().map(|i| (i.token, i.text)).collect()
    }

    #[test]
    fn splits_symbols_words_and_whitespace() {
        use Token::*;
        assert_eq!(tokens(""), vec![(End, "")]);
        assert_eq!(
            tokens(" a\t==b!=c=d "),
            vec![
                (Identifier, "a"),
                (DoubleEquals, "=="),
                (Identifier, "b"),
                (NotEquals, "!="),
                (Identifier, "c"),
                (Equals, "="),
                (Identifier, "d"),
                (End, "")
            ]
        );
        assert_eq!(
            tokens("x in(in,notin),!y"),
            vec![
                (Identifier, "x"),
                (In, "in"),
                (OpenParen, "("),
                (In, "in"),
                (Comma, ","),
                (NotIn, "notin"),
                (CloseParen, ")"),
                (Comma, ","),
                (Not, "!"),
                (Identifier, "y"),
                (End, "")
            ]
        );
        assert_eq!(
            tokens("===!!><"),
            vec![
                (DoubleEquals, "=="),
                (Equals, "="),
                (Not, "!"),
                (Not, "!"),
                (Greater, ">"),
                (Less, "<"),
                (End, "")
            ]
        );
        assert_eq!(tokens("é/ü"), vec![(Identifier, "é/ü"), (End, "")]);
    }
}
