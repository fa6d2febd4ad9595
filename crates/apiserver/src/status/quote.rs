//! Double-quoting of names and values in messages the way Kubernetes' messages quote them (Go's
//! `%q`): printable characters as they are, `"` and `\` escaped, the usual short escapes, other
//! control characters as `\xHH`, other non-printable characters as `\uHHHH` or `\UHHHHHHHH`.
//!
//! Owns: that one formatting rule. Must not: know what is being quoted.

use std::fmt::Write;

/// `text` in double quotes, escaped as Go's `%q` escapes it.
pub fn go_quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        push_escaped(&mut out, c);
    }
    out.push('"');
    out
}

fn push_escaped(out: &mut String, c: char) {
    let short = match c {
        '"' => Some("\\\""),
        '\\' => Some("\\\\"),
        '\u{7}' => Some("\\a"),
        '\u{8}' => Some("\\b"),
        '\u{c}' => Some("\\f"),
        '\n' => Some("\\n"),
        '\r' => Some("\\r"),
        '\t' => Some("\\t"),
        '\u{b}' => Some("\\v"),
        _ => None,
    };
    if let Some(short) = short {
        out.push_str(short);
    } else if c < ' ' || c == '\u{7f}' {
        let _ = write!(out, "\\x{:02x}", u32::from(c));
    } else if is_printable(c) {
        out.push(c);
    } else if u32::from(c) < 0x1_0000 {
        let _ = write!(out, "\\u{:04x}", u32::from(c));
    } else {
        let _ = write!(out, "\\U{:08x}", u32::from(c));
    }
}

/// Printable in Go's sense: ASCII space, or a character Rust's debug escaping leaves alone and
/// that is not whitespace (Go escapes non-ASCII spaces such as U+00A0).
fn is_printable(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_graphic() || c == ' ';
    }
    if c.is_whitespace() || c.is_control() {
        return false;
    }
    let mut escaped = c.escape_debug();
    escaped.next() == Some(c) && escaped.next().is_none()
}

#[cfg(test)]
mod tests {
    use super::go_quote;

    #[test]
    fn quotes_like_go() {
        let cases = [
            ("plain", r#""plain""#),
            ("", r#""""#),
            ("a\"b\\c", r#""a\"b\\c""#),
            ("tab\tnl\n", r#""tab\tnl\n""#),
            ("\u{1}\u{7f}", r#""\x01\x7f""#),
            ("é ü 日本", "\"é ü 日本\""),
            ("\u{a0}", r#""\u00a0""#),
            ("\u{200b}", r#""\u200b""#),
            ("\u{e0001}", r#""\U000e0001""#),
            ("it's", r#""it's""#),
        ];
        for (input, want) in cases {
            assert_eq!(go_quote(input), want, "{input:?}");
        }
    }
}
