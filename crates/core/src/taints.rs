//! Taints and tolerations: Kubernetes matching semantics (failover.md F-21, scheduling.md S-17 as
//! corrected by decisions.md) and the taint text used in reasons and events.
//!
//! Owns: toleration matching. Must not: decide evictions (that is the taint manager).

use k8s_openapi::api::core::v1::{Taint, Toleration};

/// Does `toleration` tolerate `taint`? Effects must match (an empty toleration effect matches
/// all); a non-empty toleration key must equal the taint key; `Exists` ignores the value, `Equal`
/// (or empty) needs equal values — so an empty-key `Equal` toleration matches any key whose value
/// is equal (Kubernetes semantics, decisions.md "Corrections").
pub fn tolerates(toleration: &Toleration, taint: &Taint) -> bool {
    let effect = toleration.effect.as_deref().unwrap_or("");
    if !effect.is_empty() && effect != taint.effect {
        return false;
    }
    let key = toleration.key.as_deref().unwrap_or("");
    if !key.is_empty() && key != taint.key {
        return false;
    }
    match toleration.operator.as_deref().unwrap_or("") {
        "Exists" => true,
        "" | "Equal" => {
            toleration.value.as_deref().unwrap_or("") == taint.value.as_deref().unwrap_or("")
        }
        _ => false,
    }
}

/// True if some toleration in the list tolerates the taint.
pub fn tolerated_by_any(tolerations: &[Toleration], taint: &Taint) -> bool {
    tolerations.iter().any(|t| tolerates(t, taint))
}

/// `{key=value:effect}`, or `{key:effect}` when the value is empty (S-17 reason text).
pub fn taint_text(taint: &Taint) -> String {
    match taint.value.as_deref() {
        Some(v) if !v.is_empty() => format!("{{{}={}:{}}}", taint.key, v, taint.effect),
        _ => format!("{{{}:{}}}", taint.key, taint.effect),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn taint(key: &str, value: &str, effect: &str) -> Taint {
        Taint {
            key: key.into(),
            value: (!value.is_empty()).then(|| value.into()),
            effect: effect.into(),
            time_added: None,
        }
    }

    fn tol(key: &str, op: &str, value: &str, effect: &str) -> Toleration {
        let opt = |s: &str| (!s.is_empty()).then(|| s.to_string());
        Toleration {
            key: opt(key),
            operator: opt(op),
            value: opt(value),
            effect: opt(effect),
            toleration_seconds: None,
        }
    }

    /// S-17 / F-21 table.
    #[test]
    fn toleration_matching() {
        let t = taint("maint", "yes", "NoExecute");
        let cases = [
            (tol("maint", "Exists", "", "NoExecute"), true),
            (tol("maint", "Exists", "", ""), true),
            (tol("maint", "Exists", "", "NoSchedule"), false),
            (tol("", "Exists", "", ""), true),
            (tol("maint", "Equal", "yes", ""), true),
            (tol("maint", "", "yes", "NoExecute"), true),
            (tol("maint", "Equal", "no", ""), false),
            (tol("other", "Exists", "", ""), false),
            (tol("", "Equal", "yes", ""), true),
            (tol("", "", "no", ""), false),
            (tol("maint", "Lt", "5", ""), false),
        ];
        for (i, (toleration, expected)) in cases.iter().enumerate() {
            assert_eq!(
                tolerates(toleration, &t),
                *expected,
                "case {i}: {toleration:?}"
            );
        }
    }

    #[test]
    fn taint_texts() {
        assert_eq!(
            taint_text(&taint("maint", "yes", "NoExecute")),
            "{maint=yes:NoExecute}"
        );
        assert_eq!(taint_text(&taint("k", "", "NoSchedule")), "{k:NoSchedule}");
    }
}
