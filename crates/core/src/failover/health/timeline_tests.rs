//! F-11 worked timelines over simulated time: a probe loop (F-4 … F-7) feeding the system taints
//! (F-10) and the F-17 ClusterTaintPolicy (F-15), and the Pull monitor (F-9). T = 0 is the moment
//! the member fails; every probe phase within one period is tried.

use flotilla_api::constants::conditions;
use flotilla_api::kinds::{Cluster, ClusterTaintPolicy};
use flotilla_api::types::{
    ClusterAffinity, ClusterTaintPolicySpec, ConditionStatus, MatchCondition, SyncMode, TaintSpec,
    find_condition, set_condition,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, MicroTime};

use super::test_support::{at, cluster, ready};
use super::*;
use crate::failover::taint_policy;

/// How the simulated member behaves for a probe that starts at `t`: the outcome and how long
/// the probe takes.
type Member = dyn Fn(i64) -> (ProbeOutcome, i64);

fn healthy() -> (ProbeOutcome, i64) {
    (ProbeOutcome::Readyz(HttpReply::Status(200)), 0)
}

fn refused_from(t_fail: i64, t_recover: i64) -> impl Fn(i64) -> (ProbeOutcome, i64) {
    move |t| {
        if (t_fail..t_recover).contains(&t) {
            let error = "connection refused".to_string();
            (
                ProbeOutcome::Readyz(HttpReply::TransportFailure { error }),
                0,
            )
        } else {
            healthy()
        }
    }
}

fn dropped_from(t_fail: i64) -> impl Fn(i64) -> (ProbeOutcome, i64) {
    move |t| {
        if t >= t_fail {
            let error = "context deadline exceeded".to_string();
            (
                ProbeOutcome::Readyz(HttpReply::TransportFailure { error }),
                32,
            )
        } else {
            healthy()
        }
    }
}

/// The F-17 example policy (NoExecute on prod clusters whose Ready is not True).
fn evict_when_not_ready() -> ClusterTaintPolicy {
    let labels = [("tier".to_string(), "prod".to_string())].into();
    let mut p = ClusterTaintPolicy::new(
        "evict-when-not-ready",
        ClusterTaintPolicySpec {
            target_clusters: Some(ClusterAffinity {
                label_selector: Some(LabelSelector {
                    match_labels: Some(labels),
                    match_expressions: None,
                }),
                ..Default::default()
            }),
            add_on_conditions: vec![MatchCondition {
                condition_type: "Ready".into(),
                operator: "NotIn".into(),
                status_values: vec!["True".into()],
            }],
            remove_on_conditions: vec![MatchCondition {
                condition_type: "Ready".into(),
                operator: "In".into(),
                status_values: vec!["True".into()],
            }],
            taints: vec![TaintSpec {
                key: "failover.example.io/down".into(),
                effect: "NoExecute".into(),
                value: String::new(),
            }],
        },
    );
    p.metadata.creation_timestamp = Some(at(-10_000));
    p
}

/// A Push prober with its Cluster, damping state and the taint controllers behind it.
struct PushSim {
    cluster: Cluster,
    damping: DampingState,
    config: HealthConfig,
    policies: Vec<ClusterTaintPolicy>,
    /// (time, Ready status) at each Ready status change written.
    flips: Vec<(i64, ConditionStatus)>,
}

impl PushSim {
    fn new(initial: ConditionStatus) -> Self {
        let mut cluster = cluster(
            "east",
            SyncMode::Push,
            vec![ready(initial, "Init", -10_000)],
        );
        cluster.metadata.labels = Some([("tier".to_string(), "prod".to_string())].into());
        PushSim {
            cluster,
            damping: DampingState::new(),
            config: HealthConfig::default(),
            policies: vec![evict_when_not_ready()],
            flips: vec![],
        }
    }

    fn ready_status(&self) -> Option<ConditionStatus> {
        let status = self.cluster.status.as_ref()?;
        find_condition(&status.conditions, conditions::READY).map(|c| c.status)
    }

    /// One probe pass starting at `start`; returns when the next one starts.
    fn pass(&mut self, member: &Member, start: i64) -> i64 {
        let (outcome, took) = member(start);
        let now = at(start + took);
        let before = self.ready_status();
        let plan = decide_probe(
            &self.cluster,
            &outcome,
            &mut self.damping,
            &self.config,
            &now,
        );
        let status = self.cluster.status.get_or_insert_with(Default::default);
        match plan.write {
            ProbeWrite::Nothing => {}
            ProbeWrite::Ready(r) | ProbeWrite::Everything(r) => {
                set_condition(&mut status.conditions, r, &now);
            }
        }
        let after = self.ready_status();
        if after != before {
            self.flips.push((start + took, after.unwrap()));
        }
        // The cluster controller and the ClusterTaintPolicy controller react to the change.
        let status = self.cluster.status.as_ref().unwrap();
        let ready = find_condition(&status.conditions, conditions::READY).cloned();
        if let Some(u) = system_taints(&self.cluster.spec.taints, ready.as_ref(), &now) {
            self.cluster.spec.taints = u.taints;
        }
        if let Some(u) = taint_policy::evaluate(&self.cluster, &self.policies, &now) {
            self.cluster.spec.taints = u.taints;
        }
        start + took + plan.requeue_after_s as i64
    }

    /// Runs passes from `first` until `until`.
    fn run(&mut self, member: &Member, first: i64, until: i64) {
        let mut t = first;
        while t < until {
            t = self.pass(member, t);
        }
    }

    fn taint_added(&self, key: &str) -> Option<i64> {
        self.cluster
            .spec
            .taints
            .iter()
            .find(|t| t.key == key)
            .map(|t| t.time_added.as_ref().unwrap().0.as_second() - at(0).0.as_second())
    }
}

/// F-11 timeline 1: Push, connection refused. Ready=False (`ClusterNotReachable`) between about
/// T+30s and T+40s; the `not-ready` taint and the policy's NoExecute taint in the same second.
#[test]
fn f11_push_refused_ready_false_within_30_to_40s() {
    for phase in 0..10 {
        let mut sim = PushSim::new(ConditionStatus::True);
        let member = refused_from(0, i64::MAX);
        sim.run(&member, -200 + phase, 200);
        assert_eq!(sim.flips.len(), 1, "phase {phase}: {:?}", sim.flips);
        let (t, status) = sim.flips[0];
        assert_eq!(status, ConditionStatus::False);
        assert!(
            (30..=40).contains(&t),
            "phase {phase}: Ready=False at T+{t}"
        );
        let status = sim.cluster.status.as_ref().unwrap();
        let r = find_condition(&status.conditions, "Ready").unwrap();
        assert_eq!(r.reason, "ClusterNotReachable");
        assert_eq!(r.last_transition_time, at(t));
        assert_eq!(sim.taint_added("cluster.karmada.io/not-ready"), Some(t));
        assert_eq!(sim.taint_added("failover.example.io/down"), Some(t));
    }
}

/// F-11 timeline 2: Push, packets dropped (each probe takes the 32s timeout). Ready=False at
/// about T+75…85s.
#[test]
fn f11_push_dropped_ready_false_within_75_to_85s() {
    for phase in 0..10 {
        let mut sim = PushSim::new(ConditionStatus::True);
        let member = dropped_from(0);
        sim.run(&member, -200 + phase, 300);
        let (t, status) = sim.flips[0];
        assert_eq!(status, ConditionStatus::False);
        assert!(
            (74..=85).contains(&t),
            "phase {phase}: Ready=False at T+{t}"
        );
    }
}

/// F-11 timeline 4: recovery. Ready=True at the first probe at or after s1+30s; both NoSchedule
/// taints and the policy taint go in the same second.
#[test]
fn f11_push_recovery_after_success_threshold() {
    for phase in 0..10 {
        let mut sim = PushSim::new(ConditionStatus::True);
        let member = refused_from(0, 300);
        sim.run(&member, -200 + phase, 500);
        let (down, _) = sim.flips[0];
        let (up, status) = sim.flips[1];
        assert!((30..=40).contains(&down));
        assert_eq!(status, ConditionStatus::True);
        // s1 is the first probe at or after 300, so in [300, 310).
        assert!(
            (330..340).contains(&up),
            "phase {phase}: Ready=True at T+{up}"
        );
        assert!(
            sim.cluster.spec.taints.is_empty(),
            "{:?}",
            sim.cluster.spec.taints
        );
        assert_eq!(sim.flips.len(), 2);
    }
}

/// F-11 timeline 5 (F-6 step 1, FD-15): a prober restarted while the member is down publishes
/// False on its first probe.
#[test]
fn f11_restart_while_down_publishes_at_once() {
    let mut sim = PushSim::new(ConditionStatus::True);
    let member = refused_from(0, i64::MAX);
    sim.pass(&member, 5);
    assert_eq!(sim.flips, vec![(5, ConditionStatus::False)]);
    assert_eq!(sim.taint_added("cluster.karmada.io/not-ready"), Some(5));
}

/// F-11 timeline 3: Pull, agent dead at T (last renewal L ≤ T). Ready=Unknown at the first
/// monitor tick more than 40s after the tick that saw L (about T+45s); the `unreachable` taint
/// follows.
#[test]
fn f11_pull_agent_dead_unknown_by_45s() {
    let config = HealthConfig::default();
    for renew_phase in 0..10 {
        for tick_phase in 0..5 {
            let mut c = cluster(
                "west",
                SyncMode::Pull,
                vec![ready(ConditionStatus::True, "ClusterReady", -10_000)],
            );
            c.spec.taints = vec![];
            let mut state = MonitorState::new();
            let last_renewal = |t: i64| {
                let l = (t.min(0) - renew_phase).div_euclid(10) * 10 + renew_phase;
                MicroTime(at(l).0)
            };
            let mut unknown_at = None;
            let mut t = -200 + tick_phase;
            while t < 100 && unknown_at.is_none() {
                let lease = last_renewal(t);
                if let MonitorDecision::WriteReady(cond) =
                    monitor_cluster(&mut state, &c, Some(&lease), &config, &at(t))
                {
                    let status = c.status.as_mut().unwrap();
                    set_condition(&mut status.conditions, cond, &at(t));
                    let ready = find_condition(&status.conditions, "Ready").cloned();
                    if let Some(u) = system_taints(&c.spec.taints, ready.as_ref(), &at(t)) {
                        c.spec.taints = u.taints;
                    }
                    unknown_at = Some(t);
                }
                t += config.cluster_monitor_period_s as i64;
            }
            let t = unknown_at.expect("Ready became Unknown");
            let l = last_renewal(0).0.as_second() - at(0).0.as_second();
            // probeTime is the first tick that saw L (in [L, L+5)), so Unknown lands in
            // [L+45, L+50): "about T+45s" in F-11, at most T+50s when L = T.
            assert!(t >= l + 45 && t < l + 50, "L={l}: Unknown at T+{t}");
            assert!(t < 50);
            assert_eq!(c.spec.taints.len(), 1);
            assert_eq!(c.spec.taints[0].key, "cluster.karmada.io/unreachable");
        }
    }
}
