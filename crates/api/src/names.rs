//! Kubernetes name and label syntax checks that return Kubernetes' exact message texts.
//!
//! Owns: the DNS-1123 label and subdomain checks, qualified names (label keys), label values and
//! the total annotation size limit, each returning the messages that
//! `k8s.io/apimachinery/pkg/util/validation` (and `field.TooLong`) produce, word for word, so
//! admission errors read like the Kubernetes API server's. An empty `Vec` means valid.
//! Must not: know field paths or error kinds (callers wrap each message, e.g. as
//! `Invalid value: "<v>": <message>`), do I/O, or apply object-specific rules (such as Karmada's
//! 48-character cluster-name limit).
//!
//! Lengths are counted in bytes, as Kubernetes counts them, although the messages say
//! "characters".

use std::sync::LazyLock;

use regex::Regex;

/// Longest DNS-1123 label, in bytes.
pub const DNS1123_LABEL_MAX_LENGTH: usize = 63;

/// Longest DNS-1123 subdomain, in bytes.
pub const DNS1123_SUBDOMAIN_MAX_LENGTH: usize = 253;

/// Longest name part of a qualified name (label key), in bytes.
pub const QUALIFIED_NAME_MAX_LENGTH: usize = 63;

/// Longest label value, in bytes.
pub const LABEL_VALUE_MAX_LENGTH: usize = 63;

/// Largest total size of an object's annotations (keys plus values), in bytes: 256 KiB
/// (Kubernetes' `TotalAnnotationSizeLimitB`).
pub const TOTAL_ANNOTATION_SIZE_LIMIT_B: usize = 256 * 1024;

/// Kubernetes' message for an empty value where one is required (`EmptyError`).
pub const EMPTY_ERROR: &str = "must be non-empty";

/// Regex (as printed in messages) for a DNS-1123 label.
const DNS1123_LABEL_FMT: &str = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";

/// What a DNS-1123 label must look like.
const DNS1123_LABEL_ERR_MSG: &str = "a lowercase RFC 1123 label must consist of lower case \
     alphanumeric characters or '-', and must start and end with an alphanumeric character";

/// Regex (as printed in messages) for a DNS-1123 subdomain.
const DNS1123_SUBDOMAIN_FMT: &str =
    r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";

/// What a DNS-1123 subdomain must look like.
const DNS1123_SUBDOMAIN_ERR_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower \
     case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric \
     character";

/// Regex (as printed in messages) for the name part of a qualified name.
const QUALIFIED_NAME_FMT: &str = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";

/// What the name part of a qualified name must look like.
const QUALIFIED_NAME_ERR_MSG: &str = "must consist of alphanumeric characters, '-', '_' or '.', \
     and must start and end with an alphanumeric character";

/// Regex (as printed in messages) for a label value.
const LABEL_VALUE_FMT: &str = "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?";

/// What a label value must look like.
const LABEL_VALUE_ERR_MSG: &str = "a valid label must be an empty string or consist of \
     alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric \
     character";

/// Compiles `fmt` anchored at both ends.
fn anchored(fmt: &str) -> Regex {
    Regex::new(&format!("^(?:{fmt})$")).expect("the built-in name patterns are valid regexes")
}

/// Matches a whole DNS-1123 label.
static DNS1123_LABEL: LazyLock<Regex> = LazyLock::new(|| anchored(DNS1123_LABEL_FMT));

/// Matches a whole DNS-1123 subdomain.
static DNS1123_SUBDOMAIN: LazyLock<Regex> = LazyLock::new(|| anchored(DNS1123_SUBDOMAIN_FMT));

/// Matches a whole qualified-name name part.
static QUALIFIED_NAME: LazyLock<Regex> = LazyLock::new(|| anchored(QUALIFIED_NAME_FMT));

/// Matches a whole label value.
static LABEL_VALUE: LazyLock<Regex> = LazyLock::new(|| anchored(LABEL_VALUE_FMT));

/// Kubernetes' message for a value longer than `length` (`MaxLenError`):
/// `must be no more than <length> characters`.
pub fn max_len_error(length: usize) -> String {
    format!("must be no more than {length} characters")
}

/// Kubernetes' detail for a value longer than `max_bytes` bytes (`field.TooLong`):
/// `must have at most <max_bytes> bytes`.
pub fn too_long_error(max_bytes: usize) -> String {
    format!("must have at most {max_bytes} bytes")
}

/// Kubernetes' message for a failed pattern match (`RegexError`): `msg`, then the examples and
/// the regex in parentheses, e.g. `… (e.g. 'my-name',  or '123-abc', regex used for validation
/// is '…')` — the double space before `or` is Kubernetes' own.
pub fn regex_error(msg: &str, fmt: &str, examples: &[&str]) -> String {
    if examples.is_empty() {
        return format!("{msg} (regex used for validation is '{fmt}')");
    }
    let mut message = format!("{msg} (e.g. ");
    for (index, example) in examples.iter().enumerate() {
        if index > 0 {
            message.push_str(" or ");
        }
        message.push('\'');
        message.push_str(example);
        message.push_str("', ");
    }
    message.push_str("regex used for validation is '");
    message.push_str(fmt);
    message.push_str("')");
    message
}

/// Checks a DNS-1123 label (`IsDNS1123Label`): at most 63 bytes of lower-case alphanumerics
/// and `-`, starting and ending with an alphanumeric. A value that is a valid subdomain but not
/// a label gets `must not contain dots` instead of the pattern message.
pub fn is_dns1123_label(value: &str) -> Vec<String> {
    let mut errors = Vec::new();
    if value.len() > DNS1123_LABEL_MAX_LENGTH {
        errors.push(max_len_error(DNS1123_LABEL_MAX_LENGTH));
    }
    if !DNS1123_LABEL.is_match(value) {
        if DNS1123_SUBDOMAIN.is_match(value) {
            errors.push("must not contain dots".to_owned());
        } else {
            errors.push(regex_error(
                DNS1123_LABEL_ERR_MSG,
                DNS1123_LABEL_FMT,
                &["my-name", "123-abc"],
            ));
        }
    }
    errors
}

/// Checks a DNS-1123 subdomain (`IsDNS1123Subdomain`): at most 253 bytes of dot-separated
/// labels of lower-case alphanumerics and `-`.
pub fn is_dns1123_subdomain(value: &str) -> Vec<String> {
    let mut errors = Vec::new();
    if value.len() > DNS1123_SUBDOMAIN_MAX_LENGTH {
        errors.push(max_len_error(DNS1123_SUBDOMAIN_MAX_LENGTH));
    }
    if !DNS1123_SUBDOMAIN.is_match(value) {
        errors.push(regex_error(
            DNS1123_SUBDOMAIN_ERR_MSG,
            DNS1123_SUBDOMAIN_FMT,
            &["example.com"],
        ));
    }
    errors
}

/// Checks a qualified name (`IsQualifiedName`): an optional DNS-1123 subdomain prefix and `/`,
/// then a name of at most 63 bytes of alphanumerics, `-`, `_` and `.` that starts and ends with
/// an alphanumeric. Prefix problems are reported as `prefix part …`, name problems as
/// `name part …`; more than one `/` gives a single message describing the whole format.
pub fn is_qualified_name(value: &str) -> Vec<String> {
    let parts: Vec<&str> = value.split('/').collect();
    let (prefix, name) = match parts.as_slice() {
        [name] => (None, *name),
        [prefix, name] => (Some(*prefix), *name),
        _ => {
            let format = regex_error(
                QUALIFIED_NAME_ERR_MSG,
                QUALIFIED_NAME_FMT,
                &["MyName", "my.name", "123-abc"],
            );
            return vec![format!(
                "a qualified name {format} with an optional DNS subdomain prefix and '/' \
                 (e.g. 'example.com/MyName')"
            )];
        }
    };
    let mut errors = Vec::new();
    match prefix {
        Some("") => errors.push(format!("prefix part {EMPTY_ERROR}")),
        Some(prefix) => errors.extend(
            is_dns1123_subdomain(prefix)
                .into_iter()
                .map(|message| format!("prefix part {message}")),
        ),
        None => {}
    }
    if name.is_empty() {
        errors.push(format!("name part {EMPTY_ERROR}"));
    } else if name.len() > QUALIFIED_NAME_MAX_LENGTH {
        errors.push(format!(
            "name part {}",
            max_len_error(QUALIFIED_NAME_MAX_LENGTH)
        ));
    }
    if !QUALIFIED_NAME.is_match(name) {
        let format = regex_error(
            QUALIFIED_NAME_ERR_MSG,
            QUALIFIED_NAME_FMT,
            &["MyName", "my.name", "123-abc"],
        );
        errors.push(format!("name part {format}"));
    }
    errors
}

/// Checks a label key; label keys are qualified names (see [`is_qualified_name`]).
pub fn is_valid_label_key(value: &str) -> Vec<String> {
    is_qualified_name(value)
}

/// Checks a label value (`IsValidLabelValue`): empty, or at most 63 bytes of alphanumerics,
/// `-`, `_` and `.` that starts and ends with an alphanumeric.
pub fn is_valid_label_value(value: &str) -> Vec<String> {
    let mut errors = Vec::new();
    if value.len() > LABEL_VALUE_MAX_LENGTH {
        errors.push(max_len_error(LABEL_VALUE_MAX_LENGTH));
    }
    if !LABEL_VALUE.is_match(value) {
        errors.push(regex_error(
            LABEL_VALUE_ERR_MSG,
            LABEL_VALUE_FMT,
            &["MyValue", "my_value", "12345"],
        ));
    }
    errors
}

/// The total size of annotations as Kubernetes counts it: the byte lengths of every key and
/// every value, added up.
pub fn annotations_size<K, V>(annotations: impl IntoIterator<Item = (K, V)>) -> usize
where
    K: AsRef<str>,
    V: AsRef<str>,
{
    annotations
        .into_iter()
        .map(|(key, value)| key.as_ref().len().saturating_add(value.as_ref().len()))
        .fold(0, usize::saturating_add)
}

/// Checks the total annotation size (`ValidateAnnotationsSize`): more than 262144 bytes of keys
/// plus values gives `must have at most 262144 bytes` (reported by Kubernetes as
/// `metadata.annotations: Too long: must have at most 262144 bytes`). Accepts any map or list of
/// string pairs, e.g. `&BTreeMap<String, String>`.
pub fn validate_annotations_size<K, V>(annotations: impl IntoIterator<Item = (K, V)>) -> Vec<String>
where
    K: AsRef<str>,
    V: AsRef<str>,
{
    if annotations_size(annotations) > TOTAL_ANNOTATION_SIZE_LIMIT_B {
        vec![too_long_error(TOTAL_ANNOTATION_SIZE_LIMIT_B)]
    } else {
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    /// The exact DNS-1123 label pattern message.
    const LABEL_MSG: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

    /// The exact DNS-1123 subdomain pattern message.
    const SUBDOMAIN_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

    /// The exact qualified-name name-part pattern message.
    const NAME_PART_MSG: &str = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

    /// The exact message for a qualified name with more than one `/`.
    const TOO_MANY_SLASHES_MSG: &str = "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')";

    /// The exact label-value pattern message.
    const LABEL_VALUE_MSG: &str = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

    /// Runs `check` over (input, expected messages) rows.
    fn table(check: fn(&str) -> Vec<String>, rows: &[(String, Vec<&str>)]) {
        for (input, want) in rows {
            assert_eq!(check(input), *want, "messages for {input:?}");
        }
    }

    /// One table row.
    fn row(input: impl Into<String>, want: &[&'static str]) -> (String, Vec<&'static str>) {
        (input.into(), want.to_vec())
    }

    #[test]
    fn dns1123_label() {
        let max = "must be no more than 63 characters";
        table(
            is_dns1123_label,
            &[
                row("my-name", &[]),
                row("123-abc", &[]),
                row("a", &[]),
                row("0", &[]),
                row("a".repeat(63), &[]),
                row("a-b--c", &[]),
                row("", &[LABEL_MSG]),
                row("a".repeat(64), &[max]),
                row("My-Name", &[LABEL_MSG]),
                row("-abc", &[LABEL_MSG]),
                row("abc-", &[LABEL_MSG]),
                row("a_b", &[LABEL_MSG]),
                row("a b", &[LABEL_MSG]),
                row("ä", &[LABEL_MSG]),
                row("a.b", &["must not contain dots"]),
                row(
                    format!("{}.b", "a".repeat(63)),
                    &[max, "must not contain dots"],
                ),
                row("-".repeat(64), &[max, LABEL_MSG]),
                row("a\n", &[LABEL_MSG]),
            ],
        );
    }

    #[test]
    fn dns1123_subdomain() {
        let max = "must be no more than 253 characters";
        table(
            is_dns1123_subdomain,
            &[
                row("example.com", &[]),
                row("a", &[]),
                row("a.b.c-d.0", &[]),
                row("a".repeat(253), &[]),
                row("", &[SUBDOMAIN_MSG]),
                row("a".repeat(254), &[max]),
                row("Example.com", &[SUBDOMAIN_MSG]),
                row("a..b", &[SUBDOMAIN_MSG]),
                row(".a", &[SUBDOMAIN_MSG]),
                row("a.", &[SUBDOMAIN_MSG]),
                row("a_b.com", &[SUBDOMAIN_MSG]),
                row("a.-b", &[SUBDOMAIN_MSG]),
                row(format!("{}_", "a".repeat(253)), &[max, SUBDOMAIN_MSG]),
            ],
        );
    }

    #[test]
    fn qualified_name_and_label_key() {
        let name_max = "name part must be no more than 63 characters";
        let prefix_max = "prefix part must be no more than 253 characters";
        let prefix_msg = format!("prefix part {SUBDOMAIN_MSG}");
        let prefix_msg: &'static str = prefix_msg.leak();
        let rows = [
            row("MyName", &[]),
            row("my.name", &[]),
            row("123-abc", &[]),
            row("a", &[]),
            row("a_b.C-d", &[]),
            row("example.com/MyName", &[]),
            row("kubernetes.io/hostname", &[]),
            row("a/b", &[]),
            row("a".repeat(63), &[]),
            row(format!("{}/a", "a".repeat(253)), &[]),
            row("", &["name part must be non-empty", NAME_PART_MSG]),
            row("a".repeat(64), &[name_max]),
            row("-a", &[NAME_PART_MSG]),
            row("a-", &[NAME_PART_MSG]),
            row("a b", &[NAME_PART_MSG]),
            row("example.com/-", &[NAME_PART_MSG]),
            row("/a", &["prefix part must be non-empty"]),
            row("a/", &["name part must be non-empty", NAME_PART_MSG]),
            row(
                "/",
                &[
                    "prefix part must be non-empty",
                    "name part must be non-empty",
                    NAME_PART_MSG,
                ],
            ),
            row("a/b/c", &[TOO_MANY_SLASHES_MSG]),
            row("//", &[TOO_MANY_SLASHES_MSG]),
            row("Example.com/a", &[prefix_msg]),
            row("example_com/a", &[prefix_msg]),
            row(format!("{}/a", "a".repeat(254)), &[prefix_max]),
            row(
                format!("Example.com/{}", "a".repeat(64)),
                &[prefix_msg, name_max],
            ),
        ];
        table(is_qualified_name, &rows);
        table(is_valid_label_key, &rows);
    }

    #[test]
    fn label_value() {
        let max = "must be no more than 63 characters";
        table(
            is_valid_label_value,
            &[
                row("", &[]),
                row("MyValue", &[]),
                row("my_value", &[]),
                row("12345", &[]),
                row("a.b-c_d", &[]),
                row("a".repeat(63), &[]),
                row("a".repeat(64), &[max]),
                row("-a", &[LABEL_VALUE_MSG]),
                row("a-", &[LABEL_VALUE_MSG]),
                row("_a", &[LABEL_VALUE_MSG]),
                row("a b", &[LABEL_VALUE_MSG]),
                row("a/b", &[LABEL_VALUE_MSG]),
                row("ä", &[LABEL_VALUE_MSG]),
                row("-".repeat(64), &[max, LABEL_VALUE_MSG]),
            ],
        );
    }

    #[test]
    fn annotations_size_limit() {
        let message = vec!["must have at most 262144 bytes".to_owned()];
        let empty: BTreeMap<String, String> = BTreeMap::new();
        assert!(validate_annotations_size(&empty).is_empty());

        let mut at_limit = BTreeMap::new();
        at_limit.insert("key1".to_owned(), "v".repeat(262_144 - 4));
        assert_eq!(annotations_size(&at_limit), 262_144);
        assert!(validate_annotations_size(&at_limit).is_empty());

        let mut over = at_limit.clone();
        over.insert("k".to_owned(), String::new());
        assert_eq!(annotations_size(&over), 262_145);
        assert_eq!(validate_annotations_size(&over), message);

        // Bytes, not characters: 87382 three-byte characters are 262146 bytes.
        let wide = [("", "大".repeat(87_382))];
        assert_eq!(
            validate_annotations_size(wide.iter().map(|(k, v)| (k, v))),
            message
        );
        let pairs = vec![("a", "b"); 3];
        assert_eq!(annotations_size(pairs), 6);
    }

    #[test]
    fn message_helpers() {
        assert_eq!(max_len_error(48), "must be no more than 48 characters");
        assert_eq!(too_long_error(1), "must have at most 1 bytes");
        assert_eq!(EMPTY_ERROR, "must be non-empty");
        assert_eq!(
            regex_error("m", "f", &[]),
            "m (regex used for validation is 'f')"
        );
        assert_eq!(
            regex_error("m", "f", &["a", "b", "c"]),
            "m (e.g. 'a',  or 'b',  or 'c', regex used for validation is 'f')"
        );
    }
}
