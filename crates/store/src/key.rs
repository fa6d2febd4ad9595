//! Key and prefix rules: `/<group or core>/<resource>/[<namespace>/]<name>` (kube-api.md §18.1).
//! Checked before anything is written, so malformed keys never reach a backend.
//!
//! Owns: what a well-formed key or prefix is and the end of a prefix's range. Must not: know which
//! resources exist.

use crate::error::StoreError;
use crate::types::MAX_VALUE_BYTES;

/// The longest key accepted (bytes).
pub const MAX_KEY_BYTES: usize = 4096;

/// Checks a key: starts with `/`, at least three non-empty segments, no empty segment (`//`),
/// no trailing `/`, no `.` or `..` segment, no control characters, at most [`MAX_KEY_BYTES`].
pub fn validate_key(key: &str) -> Result<(), StoreError> {
    let invalid = |reason| StoreError::InvalidKey {
        key: shorten(key),
        reason,
    };
    check_common(key).map_err(invalid)?;
    if key.ends_with('/') {
        return Err(invalid("must not end with '/'"));
    }
    if key[1..].split('/').count() < 3 {
        return Err(invalid(
            "must have at least three segments: /<group>/<resource>/<name>",
        ));
    }
    Ok(())
}

/// Checks a prefix: `/` alone, or `/`-separated non-empty segments ending with `/`.
pub fn validate_prefix(prefix: &str) -> Result<(), StoreError> {
    let invalid = |reason| StoreError::InvalidPrefix {
        prefix: shorten(prefix),
        reason,
    };
    if prefix == "/" {
        return Ok(());
    }
    check_common(prefix).map_err(invalid)?;
    if !prefix.ends_with('/') {
        return Err(invalid("must end with '/'"));
    }
    Ok(())
}

/// Checks a value's size.
pub fn validate_value(key: &str, value: &[u8]) -> Result<(), StoreError> {
    if value.len() > MAX_VALUE_BYTES {
        return Err(StoreError::ValueTooLarge {
            key: shorten(key),
            size: value.len(),
            limit: MAX_VALUE_BYTES,
        });
    }
    Ok(())
}

fn check_common(text: &str) -> Result<(), &'static str> {
    if text.is_empty() {
        return Err("must not be empty");
    }
    if text.len() > MAX_KEY_BYTES {
        return Err("is longer than 4096 bytes");
    }
    if !text.starts_with('/') {
        return Err("must start with '/'");
    }
    if text.chars().any(char::is_control) {
        return Err("must not contain control characters");
    }
    if text.contains("//") {
        return Err("must not contain an empty segment ('//')");
    }
    let body = text.strip_suffix('/').unwrap_or(text);
    for segment in body[1..].split('/') {
        if segment.is_empty() {
            return Err("must not contain an empty segment ('//')");
        }
        if segment == "." || segment == ".." {
            return Err("must not contain '.' or '..' segments");
        }
    }
    Ok(())
}

/// The first 100 characters of a key, for error messages.
fn shorten(key: &str) -> String {
    if key.chars().count() <= 100 {
        key.to_string()
    } else {
        let head: String = key.chars().take(100).collect();
        format!("{head}…")
    }
}

/// Whether `key` lies under `prefix`.
pub fn has_prefix(key: &str, prefix: &str) -> bool {
    key.starts_with(prefix)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys() {
        for ok in [
            "/core/configmaps/default/app",
            "/cluster.karmada.io/clusters/member1",
            "/apps/deployments/demo/web-1",
        ] {
            assert_eq!(validate_key(ok), Ok(()), "{ok}");
        }
        let cases = [
            ("", "must not be empty"),
            ("core/configmaps/a", "must start with '/'"),
            ("/core/configmaps/", "must not end with '/'"),
            (
                "/core/configmaps",
                "must have at least three segments: /<group>/<resource>/<name>",
            ),
            ("/core//a/b", "must not contain an empty segment ('//')"),
            (
                "/core/configmaps/../b",
                "must not contain '.' or '..' segments",
            ),
            (
                "/core/configmaps/a\nb",
                "must not contain control characters",
            ),
            (
                "/core/configmaps/a\0b",
                "must not contain control characters",
            ),
        ];
        for (key, reason) in cases {
            match validate_key(key) {
                Err(StoreError::InvalidKey { reason: r, .. }) => assert_eq!(r, reason, "{key:?}"),
                other => panic!("{key:?}: {other:?}"),
            }
        }
        let long = format!("/core/configmaps/{}", "a".repeat(MAX_KEY_BYTES));
        match validate_key(&long) {
            Err(StoreError::InvalidKey { key, reason }) => {
                assert_eq!(reason, "is longer than 4096 bytes");
                assert!(key.ends_with('…') && key.chars().count() == 101);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn prefixes_and_values() {
        for ok in [
            "/",
            "/core/",
            "/apps/deployments/",
            "/apps/deployments/demo/",
        ] {
            assert_eq!(validate_prefix(ok), Ok(()), "{ok}");
        }
        for bad in ["", "/apps/deployments", "apps/", "/apps//"] {
            assert!(validate_prefix(bad).is_err(), "{bad}");
        }
        assert_eq!(validate_value("/a/b/c", &vec![0; MAX_VALUE_BYTES]), Ok(()));
        assert_eq!(
            validate_value("/a/b/c", &vec![0; MAX_VALUE_BYTES + 1]),
            Err(StoreError::ValueTooLarge {
                key: "/a/b/c".into(),
                size: MAX_VALUE_BYTES + 1,
                limit: MAX_VALUE_BYTES
            })
        );
    }
}
