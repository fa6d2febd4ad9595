//! Threshold damping of the observed Ready condition (failover.md F-6; restart behaviour FD-15).
//!
//! Owns: the per-cluster damping record and the publish-or-hold verdict. Must not: persist the
//! records — they live in memory, so a restarted prober (or a new leader) publishes its first
//! observation of each cluster undamped.

use std::collections::BTreeMap;

use flotilla_api::types::{Condition, ConditionStatus};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;

use super::{HealthConfig, plus_s};

/// What the damping filter remembers about one cluster (F-6).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DampingRecord {
    /// Only the first observation since the process started has been seen (Karmada's "zero"
    /// `since`): a boundary crossing is never held while the record is in this state.
    Seeded {
        /// The status of that observation.
        last: ConditionStatus,
    },
    /// `last` has been observed continuously since `since`.
    Observing {
        /// The last observed status.
        last: ConditionStatus,
        /// When the prober first observed `last` in the current run of equal observations.
        since: Time,
    },
}

impl DampingRecord {
    /// The last observed status.
    pub fn last(&self) -> ConditionStatus {
        match self {
            DampingRecord::Seeded { last } | DampingRecord::Observing { last, .. } => *last,
        }
    }
}

/// The damping records of all clusters, keyed by cluster name. The caller owns it and keeps it
/// for the life of the process; [`DampingState::forget`] when a Cluster is deleted.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DampingState {
    records: BTreeMap<String, DampingRecord>,
}

impl DampingState {
    /// An empty state (as after a restart).
    pub fn new() -> Self {
        Self::default()
    }

    /// The record of one cluster, if any.
    pub fn record(&self, cluster: &str) -> Option<&DampingRecord> {
        self.records.get(cluster)
    }

    /// Drops the record of a deleted Cluster (F-6, last sentence).
    pub fn forget(&mut self, cluster: &str) {
        self.records.remove(cluster);
    }
}

/// The damping verdict: which Ready condition a probe pass publishes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Published {
    /// The observed condition passes through.
    Observed(Condition),
    /// A boundary crossing not yet observed for the threshold: the stored condition is kept.
    Held(Condition),
}

impl Published {
    /// The published condition.
    pub fn condition(&self) -> &Condition {
        match self {
            Published::Observed(c) | Published::Held(c) => c,
        }
    }

    /// The published condition, by value.
    pub fn into_condition(self) -> Condition {
        match self {
            Published::Observed(c) | Published::Held(c) => c,
        }
    }
}

/// F-6: damps `observed` for `cluster` against `stored` (the Ready condition currently on the
/// Cluster), updating the record in `state`.
///
/// A change across the `True` boundary is published only once it has been observed continuously
/// for the threshold (success threshold towards `True`, failure threshold away from it), measured
/// from the first probe that saw it. Changes on one side of the boundary pass at once. The first
/// observation of a cluster (no record) is never damped.
pub fn damp(
    state: &mut DampingState,
    cluster: &str,
    observed: Condition,
    stored: Option<&Condition>,
    config: &HealthConfig,
    now: &Time,
) -> Published {
    let Some(record) = state.records.get_mut(cluster) else {
        state.records.insert(
            cluster.to_string(),
            DampingRecord::Seeded {
                last: observed.status,
            },
        );
        return Published::Observed(observed);
    };
    let Some(stored) = stored else {
        return Published::Observed(observed);
    };
    if record.last() != observed.status {
        *record = DampingRecord::Observing {
            last: observed.status,
            since: now.clone(),
        };
    }
    let observed_true = observed.status == ConditionStatus::True;
    let crosses = observed_true != (stored.status == ConditionStatus::True);
    let within_threshold = match record {
        DampingRecord::Seeded { .. } => false,
        DampingRecord::Observing { since, .. } => {
            now.0 < plus_s(since, config.threshold_s(observed_true))
        }
    };
    if crosses && within_threshold {
        Published::Held(stored.clone())
    } else {
        Published::Observed(observed)
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{at, ready};
    use super::*;
    use ConditionStatus::{False, True, Unknown};
    use proptest::prelude::*;

    fn obs(status: ConditionStatus, reason: &str, t: i64) -> Condition {
        ready(status, reason, t)
    }

    /// F-6 steps 1–6 as a table: (record before, stored C, observation at `now`) → verdict and
    /// record after.
    #[test]
    fn f6_damping_table() {
        let cfg = HealthConfig::default();
        let seeded = |last| Some(DampingRecord::Seeded { last });
        let since = |last, t| Some(DampingRecord::Observing { last, since: at(t) });
        type Case = (
            Option<DampingRecord>,
            Option<ConditionStatus>,
            ConditionStatus,
            i64,
            bool,
            Option<DampingRecord>,
        );
        // (record, stored status, observed status, now, held?, record after)
        #[rustfmt::skip]
        let cases: Vec<Case> = vec![
            // step 1: no record → publish, seed.
            (None, Some(True), False, 100, false, seeded(False)),
            (None, None, True, 100, false, seeded(True)),
            // step 2: no stored condition → publish, record untouched.
            (seeded(True), None, False, 100, false, seeded(True)),
            // step 3+5: a new crossing starts the clock and is held.
            (seeded(True), Some(True), False, 100, true, since(False, 100)),
            (since(True, 0), Some(True), False, 100, true, since(False, 100)),
            // still inside the threshold (100 + 29 < 130).
            (since(False, 100), Some(True), False, 129, true, since(False, 100)),
            // at the threshold: published (now < since + threshold is false).
            (since(False, 100), Some(True), False, 130, false, since(False, 100)),
            // seeded (zero since): a crossing with the same status is never held.
            (seeded(False), Some(True), False, 100, false, seeded(False)),
            // recovery: success threshold.
            (since(False, 0), Some(False), True, 200, true, since(True, 200)),
            (since(True, 200), Some(False), True, 230, false, since(True, 200)),
            // same side of the boundary: False → Unknown passes at once.
            (since(False, 0), Some(False), Unknown, 5, false, since(Unknown, 5)),
            (since(Unknown, 0), Some(Unknown), False, 5, false, since(False, 5)),
            // True stored, True observed: nothing to damp.
            (since(True, 0), Some(True), True, 5, false, since(True, 0)),
        ];
        for (i, (record, stored, observed, now, held, after)) in cases.into_iter().enumerate() {
            let mut state = DampingState::new();
            if let Some(r) = record {
                state.records.insert("east".into(), r);
            }
            let stored = stored.map(|s| obs(s, "Stored", -50));
            let o = obs(observed, "Observed", now);
            let verdict = damp(
                &mut state,
                "east",
                o.clone(),
                stored.as_ref(),
                &cfg,
                &at(now),
            );
            let expected = if held {
                Published::Held(stored.clone().unwrap())
            } else {
                Published::Observed(o)
            };
            assert_eq!(verdict, expected, "case {i}");
            assert_eq!(state.record("east").cloned(), after, "case {i}");
        }
    }

    /// F-6 "measured from the first probe that saw it": a blip shorter than the threshold that
    /// returns to the stored side restarts the clock.
    #[test]
    fn f6_damping_blip_restarts_clock() {
        let cfg = HealthConfig::default();
        let mut state = DampingState::new();
        let stored = obs(True, "ClusterReady", -100);
        let mut publish = |status, t| {
            damp(
                &mut state,
                "east",
                obs(status, "X", t),
                Some(&stored),
                &cfg,
                &at(t),
            )
        };
        assert!(matches!(publish(True, 0), Published::Observed(_)));
        assert!(matches!(publish(False, 10), Published::Held(_)));
        assert!(matches!(publish(False, 20), Published::Held(_)));
        assert!(matches!(publish(True, 30), Published::Observed(_)));
        assert!(matches!(publish(False, 40), Published::Held(_)));
        assert!(matches!(publish(False, 60), Published::Held(_)));
        assert!(matches!(publish(False, 70), Published::Observed(_)));
    }

    /// F-6 / FD-15: a restarted prober (empty state) publishes its first observation undamped,
    /// and forgetting a deleted cluster does the same.
    #[test]
    fn f6_fd15_first_observation_after_restart_is_undamped() {
        let cfg = HealthConfig::default();
        let stored = obs(True, "ClusterReady", -100);
        let mut state = DampingState::new();
        let v = damp(
            &mut state,
            "east",
            obs(False, "Down", 0),
            Some(&stored),
            &cfg,
            &at(0),
        );
        assert!(matches!(v, Published::Observed(_)));
        state.forget("east");
        assert_eq!(state.record("east"), None);
        let v = damp(
            &mut state,
            "east",
            obs(False, "Down", 1),
            Some(&stored),
            &cfg,
            &at(1),
        );
        assert!(matches!(v, Published::Observed(_)));
    }

    fn status_strategy() -> impl Strategy<Value = ConditionStatus> {
        prop_oneof![Just(True), Just(False), Just(Unknown)]
    }

    proptest! {
        /// F-6 property: after the first observation, the published status never crosses the
        /// True boundary (relative to the stored condition) before the observation has been on
        /// its side continuously for the threshold.
        #[test]
        fn f6_never_publishes_crossing_before_threshold(
            steps in prop::collection::vec((status_strategy(), 1i64..25), 1..40),
            threshold in 0u64..60,
        ) {
            let cfg = HealthConfig {
                cluster_failure_threshold_s: threshold,
                cluster_success_threshold_s: threshold,
                ..HealthConfig::default()
            };
            let mut state = DampingState::new();
            let mut stored = obs(True, "ClusterReady", 0);
            // Seed with a True observation at t = 0.
            damp(&mut state, "c", obs(True, "ClusterReady", 0), Some(&stored), &cfg, &at(0));
            let mut t = 0i64;
            // Start of the current run of observations on the same side of the boundary.
            let mut run_start = 0i64;
            let mut prev_status = True;
            for (status, dt) in steps {
                t += dt;
                if status != prev_status {
                    // the damping clock restarts on any status change
                    run_start = t;
                }
                prev_status = status;
                let published = damp(&mut state, "c", obs(status, "X", t), Some(&stored), &cfg, &at(t))
                    .into_condition();
                let crossed = (published.status == True) != (stored.status == True);
                if crossed {
                    prop_assert!(t - run_start >= threshold as i64,
                        "crossed at {} after run start {}", t, run_start);
                }
                stored = published;
            }
        }
    }
}
