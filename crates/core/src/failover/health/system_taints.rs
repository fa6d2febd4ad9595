//! The system `NoSchedule` taints derived from Ready (failover.md F-10) and the taint-list text of
//! taint events (F-67), shared with the ClusterTaintPolicy controller.
//!
//! Owns: the `not-ready`/`unreachable` reconciliation and the `TaintClusterSucceed` /
//! `TaintClusterFailed` events. Must not: add `NoExecute` taints (the system stopped doing that in
//! v1.14) or touch `cluster.karmada.io/unschedulable` (only `karmadactl uncordon` or a human
//! removes it).

use flotilla_api::constants::{events, taints};
use flotilla_api::types::{Condition, ConditionStatus};
use k8s_openapi::api::core::v1::Taint;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;

use crate::events::Event;

/// A changed taint list and the event that reports it once the write succeeds.
#[derive(Clone, Debug, PartialEq)]
pub struct TaintUpdate {
    /// The new `spec.taints`.
    pub taints: Vec<Taint>,
    /// `TaintClusterSucceed`, to emit on the Cluster after the write.
    pub event: Event,
}

/// F-67: the taint-list text of taint events:
/// `cluster now has taints([{Key:k,Value:v,Effect:e},{Key:k,Effect:e}])` (`Value` only when it is
/// not empty), or `cluster now does not have taints`.
pub fn taints_message(list: &[Taint]) -> String {
    if list.is_empty() {
        return "cluster now does not have taints".to_string();
    }
    let items: Vec<String> = list
        .iter()
        .map(|t| match t.value.as_deref() {
            Some(v) if !v.is_empty() => {
                format!("{{Key:{},Value:{},Effect:{}}}", t.key, v, t.effect)
            }
            _ => format!("{{Key:{},Effect:{}}}", t.key, t.effect),
        })
        .collect();
    format!("cluster now has taints([{}])", items.join(","))
}

/// F-67: `TaintClusterFailed` (Warning) with the write error, for either taint controller.
pub fn taint_write_failed(error: &str) -> Event {
    Event::warning(events::TAINT_CLUSTER_FAILED, error)
}

/// F-10: reconciles `cluster.karmada.io/not-ready:NoSchedule` and
/// `cluster.karmada.io/unreachable:NoSchedule` on `current` from the Ready condition. Taints
/// match by (key, effect); an added taint is appended with an empty value and `timeAdded = now`;
/// others keep their order. `None` when the list does not change. Runs whatever the gates.
///
/// | Ready | add | remove |
/// |---|---|---|
/// | absent | not-ready | — |
/// | False | not-ready | unreachable |
/// | Unknown | unreachable | not-ready |
/// | True | — | both |
pub fn system_taints(
    current: &[Taint],
    ready: Option<&Condition>,
    now: &Time,
) -> Option<TaintUpdate> {
    let (add, remove): (&[&str], &[&str]) = match ready.map(|c| c.status) {
        None => (&[taints::NOT_READY], &[]),
        Some(ConditionStatus::False) => (&[taints::NOT_READY], &[taints::UNREACHABLE]),
        Some(ConditionStatus::Unknown) => (&[taints::UNREACHABLE], &[taints::NOT_READY]),
        Some(ConditionStatus::True) => (&[], &[taints::NOT_READY, taints::UNREACHABLE]),
    };
    let is_system = |t: &Taint, keys: &[&str]| {
        t.effect == taints::NO_SCHEDULE && keys.contains(&t.key.as_str())
    };
    let mut next: Vec<Taint> = current
        .iter()
        .filter(|t| !is_system(t, remove))
        .cloned()
        .collect();
    for key in add {
        if !next.iter().any(|t| is_system(t, &[key])) {
            next.push(Taint {
                key: key.to_string(),
                value: None,
                effect: taints::NO_SCHEDULE.to_string(),
                time_added: Some(now.clone()),
            });
        }
    }
    if next == current {
        return None;
    }
    let event = Event::normal(
        events::TAINT_CLUSTER_SUCCEED,
        format!("Taint cluster succeed: {}.", taints_message(&next)),
    );
    Some(TaintUpdate {
        taints: next,
        event,
    })
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{at, ready, taint};
    use super::*;
    use crate::events::EventType;
    use ConditionStatus::{False, True, Unknown};

    const NR: &str = "cluster.karmada.io/not-ready";
    const UR: &str = "cluster.karmada.io/unreachable";
    const CORDON: &str = "cluster.karmada.io/unschedulable";

    /// `key:effect` with the system keys shortened to `not-ready`, `unreachable`, `cordon`.
    fn keys(list: &[Taint]) -> Vec<String> {
        let short = |k: &str| match k {
            NR => "not-ready".to_string(),
            UR => "unreachable".to_string(),
            CORDON => "cordon".to_string(),
            other => other.to_string(),
        };
        list.iter()
            .map(|t| format!("{}:{}", short(&t.key), t.effect))
            .collect()
    }

    /// F-10 table: Ready → taints added and removed, order kept, other taints untouched.
    #[test]
    fn f10_system_taint_table() {
        let user = || taint("maint", "NoExecute");
        let cordon = || taint(CORDON, "NoSchedule");
        let nr = || taint(NR, "NoSchedule");
        let ur = || taint(UR, "NoSchedule");
        let nr_exec = || taint(NR, "NoExecute");
        type Case = (
            Option<ConditionStatus>,
            Vec<Taint>,
            Option<Vec<&'static str>>,
        );
        #[rustfmt::skip]
        let cases: Vec<Case> = vec![
            (None, vec![], Some(vec!["not-ready:NoSchedule"])),
            (None, vec![nr()], None),
            (
                Some(False),
                vec![user(), ur(), cordon()],
                Some(vec!["maint:NoExecute", "cordon:NoSchedule", "not-ready:NoSchedule"]),
            ),
            (Some(False), vec![user(), nr()], None),
            (
                Some(Unknown),
                vec![nr(), user()],
                Some(vec!["maint:NoExecute", "unreachable:NoSchedule"]),
            ),
            (Some(True), vec![nr(), cordon(), ur()], Some(vec!["cordon:NoSchedule"])),
            (Some(True), vec![cordon(), user()], None),
            // Matching is by (key, effect): a NoExecute taint with the same key is not ours.
            (Some(True), vec![nr_exec()], None),
            (
                Some(False),
                vec![nr_exec()],
                Some(vec!["not-ready:NoExecute", "not-ready:NoSchedule"]),
            ),
        ];
        for (i, (status, current, expected)) in cases.into_iter().enumerate() {
            let cond = status.map(|s| ready(s, "X", 0));
            let got = system_taints(&current, cond.as_ref(), &at(42));
            assert_eq!(
                got.as_ref().map(|u| keys(&u.taints)),
                expected.map(|v| v.iter().map(|s| s.to_string()).collect()),
                "case {i}"
            );
            if let Some(u) = got {
                // Added taints carry timeAdded = now and no value; kept ones are unchanged.
                for t in &u.taints {
                    if current.contains(t) {
                        continue;
                    }
                    assert_eq!(t.time_added, Some(at(42)), "case {i}");
                    assert_eq!(t.value, None, "case {i}");
                    assert_eq!(t.effect, "NoSchedule", "case {i}: never NoExecute");
                }
            }
        }
    }

    /// F-10 / F-67: the event and the taint-list text.
    #[test]
    fn f10_event_message() {
        let u = system_taints(&[], None, &at(0)).unwrap();
        assert_eq!(u.event.type_, EventType::Normal);
        assert_eq!(u.event.reason, "TaintClusterSucceed");
        assert_eq!(
            u.event.message,
            "Taint cluster succeed: cluster now has taints([{Key:cluster.karmada.io/not-ready,Effect:NoSchedule}])."
        );
        let u = system_taints(
            &[taint(NR, "NoSchedule")],
            Some(&ready(True, "X", 0)),
            &at(0),
        )
        .unwrap();
        assert_eq!(
            u.event.message,
            "Taint cluster succeed: cluster now does not have taints."
        );
        let failed = taint_write_failed("conflict");
        assert_eq!(failed.type_, EventType::Warning);
        assert_eq!(
            (failed.reason, failed.message.as_str()),
            ("TaintClusterFailed", "conflict")
        );
    }

    /// F-67: `Value` appears only when non-empty.
    #[test]
    fn f67_taint_list_text() {
        let mut with_value = taint("maint", "NoExecute");
        with_value.value = Some("now".into());
        let mut empty_value = taint("k", "NoSchedule");
        empty_value.value = Some(String::new());
        assert_eq!(
            taints_message(&[with_value, empty_value]),
            "cluster now has taints([{Key:maint,Value:now,Effect:NoExecute},{Key:k,Effect:NoSchedule}])"
        );
        assert_eq!(taints_message(&[]), "cluster now does not have taints");
    }
}
