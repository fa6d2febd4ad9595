//! A small URL splitter with Go `net/url.Parse` semantics for the parts Cluster validation needs
//! (scheme, user info, host, query, fragment), so that error cases match what Karmada users see.
//!
//! Owns: URL decomposition for validation. Must not: resolve or normalise URLs.

/// The parts of a URL that validation looks at.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct UrlParts<'a> {
    pub scheme: &'a str,
    pub user_info: Option<&'a str>,
    pub host: &'a str,
    pub query: Option<&'a str>,
    pub fragment: Option<&'a str>,
}

/// Splits `raw` like Go's `url.Parse`; errors read like Go's (`parse "x": …`).
pub(crate) fn parse(raw: &str) -> Result<UrlParts<'_>, String> {
    let fail = |why: &str| Err(format!("parse {raw:?}: {why}"));
    if raw.chars().any(|c| c.is_control()) {
        return fail("net/url: invalid control character in URL");
    }
    let (rest, fragment) = match raw.split_once('#') {
        Some((r, f)) => (r, Some(f)),
        None => (raw, None),
    };
    let (scheme, rest) = match split_scheme(rest) {
        Ok(parts) => parts,
        Err(why) => return fail(why),
    };
    let (rest, query) = match rest.split_once('?') {
        Some((r, q)) => (r, Some(q)),
        None => (rest, None),
    };
    let mut parts = UrlParts {
        scheme,
        query,
        fragment,
        ..Default::default()
    };
    if let Some(after) = rest.strip_prefix("//") {
        let authority = after.split('/').next().unwrap_or("");
        let host = match authority.rsplit_once('@') {
            Some((user, host)) => {
                parts.user_info = Some(user);
                host
            }
            None => authority,
        };
        if let Err(why) = check_port(host) {
            return fail(&why);
        }
        parts.host = host;
    } else if scheme.is_empty() && rest.split('/').next().unwrap_or("").contains(':') {
        return fail("first path segment in URL cannot contain colon");
    }
    Ok(parts)
}

fn split_scheme(text: &str) -> Result<(&str, &str), &'static str> {
    for (i, c) in text.char_indices() {
        match c {
            'a'..='z' | 'A'..='Z' => {}
            '0'..='9' | '+' | '-' | '.' if i > 0 => {}
            ':' if i == 0 => return Err("missing protocol scheme"),
            ':' => return Ok((&text[..i], &text[i + 1..])),
            _ => return Ok(("", text)),
        }
    }
    Ok(("", text))
}

fn check_port(host: &str) -> Result<(), String> {
    let after_bracket = host.rfind(']').map_or(0, |i| i + 1);
    if let Some(colon) = host[after_bracket..].rfind(':') {
        let port = &host[after_bracket + colon..];
        if !port[1..].chars().all(|c| c.is_ascii_digit()) {
            return Err(format!("invalid port {port:?} after host"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_like_go() {
        let p = parse("https://user@h.example:6443/p?x=1#f").unwrap();
        assert_eq!(p.scheme, "https");
        assert_eq!(p.user_info, Some("user"));
        assert_eq!(p.host, "h.example:6443");
        assert_eq!(p.query, Some("x=1"));
        assert_eq!(p.fragment, Some("f"));
        assert_eq!(parse("h.example").unwrap().host, "");
    }

    #[test]
    fn errors_like_go() {
        assert_eq!(
            parse("10.0.0.1:6443").unwrap_err(),
            r#"parse "10.0.0.1:6443": first path segment in URL cannot contain colon"#
        );
        assert_eq!(
            parse(":6443").unwrap_err(),
            r#"parse ":6443": missing protocol scheme"#
        );
        assert_eq!(
            parse("https://h:port").unwrap_err(),
            r#"parse "https://h:port": invalid port ":port" after host"#
        );
    }
}
