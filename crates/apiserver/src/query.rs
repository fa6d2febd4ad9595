//! Query strings (kube-api.md §1, §7): lenient `application/x-www-form-urlencoded` decoding
//! (empty pairs tolerated, `+` is a space, the last value of a repeated key wins, unknown keys
//! ignored), the typed parameters of each verb, and the opaque `continue` token.
//!
//! Owns: query parsing and the continue token's format. Must not: decide anything about objects.

use std::collections::HashMap;

/// A query parameter that cannot be used.
#[derive(thiserror::Error, Debug, Clone, PartialEq, Eq)]
pub enum QueryError {
    /// A parameter with a malformed value (400).
    #[error("invalid value for {name}: {value:?}: {reason}")]
    Invalid {
        /// Parameter.
        name: &'static str,
        /// Value given.
        value: String,
        /// Why.
        reason: &'static str,
    },
    /// The continue token cannot be decoded (400).
    #[error("continue key is not valid: {0}")]
    BadContinue(&'static str),
}

/// Decoded parameters.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Query(HashMap<String, String>);

impl Query {
    /// Decodes a raw query string (without `?`).
    pub fn parse(raw: &str) -> Query {
        let mut map = HashMap::new();
        for pair in raw.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            map.insert(decode(k), decode(v));
        }
        Query(map)
    }

    /// A parameter's value, if present and non-empty.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// A boolean parameter (`true`/`1`; absent or empty: false).
    pub fn flag(&self, name: &'static str) -> Result<bool, QueryError> {
        match self.get(name) {
            None => Ok(false),
            Some("true" | "1" | "True" | "TRUE") => Ok(true),
            Some("false" | "0" | "False" | "FALSE") => Ok(false),
            Some(other) => Err(QueryError::Invalid {
                name,
                value: other.into(),
                reason: "must be true or false",
            }),
        }
    }

    /// A non-negative integer parameter.
    pub fn number(&self, name: &'static str) -> Result<Option<u64>, QueryError> {
        self.get(name)
            .map(|v| {
                v.parse().map_err(|_| QueryError::Invalid {
                    name,
                    value: v.into(),
                    reason: "must be a non-negative integer",
                })
            })
            .transpose()
    }

    /// `dryRun=All` (any other value is refused, as upstream does).
    pub fn dry_run(&self) -> Result<bool, QueryError> {
        match self.get("dryRun") {
            None => Ok(false),
            Some("All") => Ok(true),
            Some(other) => Err(QueryError::Invalid {
                name: "dryRun",
                value: other.into(),
                reason: "supported values: \"All\"",
            }),
        }
    }
}

/// Percent-decodes one component, with `+` as a space; invalid escapes are kept as text.
fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(high), Some(low)) => {
                    out.push(high << 4 | low);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(digit: u8) -> Option<u8> {
    (digit as char).to_digit(16).map(|d| d as u8)
}

/// Where a paginated list continues: the snapshot revision and the last key served.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Continue {
    /// The first page's snapshot revision.
    pub revision: u64,
    /// The last key of the previous page (store key).
    pub last_key: String,
}

impl Continue {
    /// The opaque token (URL-safe base64 of `<revision>:<key>`).
    pub fn encode(&self) -> String {
        crate::base64::encode_url(format!("{}:{}", self.revision, self.last_key).as_bytes())
    }

    /// Decodes a token.
    pub fn decode(token: &str) -> Result<Continue, QueryError> {
        let bytes =
            crate::base64::decode_url(token).ok_or(QueryError::BadContinue("not base64"))?;
        let text = String::from_utf8(bytes).map_err(|_| QueryError::BadContinue("not text"))?;
        let (revision, last_key) = text
            .split_once(':')
            .ok_or(QueryError::BadContinue("no revision"))?;
        let revision = revision
            .parse()
            .map_err(|_| QueryError::BadContinue("bad revision"))?;
        if !last_key.starts_with('/') {
            return Err(QueryError::BadContinue("bad key"));
        }
        Ok(Continue {
            revision,
            last_key: last_key.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lenient_decoding() {
        let q = Query::parse(
            "&limit=500&&labelSelector=tier+in+%28t1%2Ct2%29%2Cenv%3Dprod&timeout=32s&limit=2&x",
        );
        assert_eq!(q.get("labelSelector"), Some("tier in (t1,t2),env=prod"));
        assert_eq!(q.number("limit"), Ok(Some(2)), "the last value wins");
        assert_eq!(q.get("x"), None);
        assert_eq!(q.flag("watch"), Ok(false));
        assert_eq!(Query::parse("watch=1").flag("watch"), Ok(true));
        assert_eq!(Query::parse("watch=true").flag("watch"), Ok(true));
        assert!(Query::parse("watch=maybe").flag("watch").is_err());
        assert!(Query::parse("limit=-1").number("limit").is_err());
        assert_eq!(Query::parse("a=%zz%4").get("a"), Some("%zz%4"));
        assert_eq!(Query::parse("a=%é1").get("a"), Some("%é1"));
        assert_eq!(Query::parse("a=%41%42").get("a"), Some("AB"));
        assert_eq!(Query::parse("dryRun=All").dry_run(), Ok(true));
        assert!(Query::parse("dryRun=Some").dry_run().is_err());
    }

    #[test]
    fn continue_tokens_round_trip() {
        let c = Continue {
            revision: 117,
            last_key: "/core/configmaps/demo/cfg-9".into(),
        };
        assert_eq!(Continue::decode(&c.encode()), Ok(c));
        for bad in [
            "",
            "!!!",
            &crate::base64::encode_url(b"nocolon"),
            &crate::base64::encode_url(b"x:/a"),
        ] {
            assert!(Continue::decode(bad).is_err(), "{bad}");
        }
    }
}
