//! Cluster-level controllers driven the way the runtime will drive them: the health prober with
//! damping (F-4 … F-7), system NoSchedule taints (F-10) and the ClusterTaintPolicy controller
//! (F-12 … F-15). Manual NoExecute taints (faults) also land here.
//!
//! Owns: calling the core decisions for clusters and writing the results into the world. Must
//! not: decide anything itself.

use flotilla_api::constants::conditions;
use flotilla_api::kinds::ClusterTaintPolicy;
use flotilla_api::types::{find_condition, set_condition};
use flotilla_core::failover::health::{
    self, DampingState, HealthConfig, HttpReply, ProbeOutcome, ProbeWrite,
};
use flotilla_core::failover::taint_policy;
use k8s_openapi::api::core::v1::Taint;

use crate::faults::MANUAL_TAINT_KEY;
use crate::world::{Member, World};

/// State the cluster-level controllers keep in memory.
#[derive(Debug, Default)]
pub struct ClusterControllers {
    /// F-6 damping per cluster.
    pub damping: DampingState,
    /// Probe cadence and thresholds.
    pub health: HealthConfig,
    /// The ClusterTaintPolicies in force.
    pub policies: Vec<ClusterTaintPolicy>,
    /// Gate `Failover` (the ClusterTaintPolicy controller runs only with it).
    pub failover_gate: bool,
}

impl ClusterControllers {
    /// Probes every cluster whose probe is due; reconciles taints of clusters whose Ready changed.
    /// Returns the indices of clusters whose spec (taints) changed.
    pub fn step(&mut self, world: &mut World) -> Vec<usize> {
        let mut changed = Vec::new();
        for i in 0..world.clusters.len() {
            if world.clusters[i].probe_due_ms > world.now_ms {
                continue;
            }
            let ready_changed = self.probe(world, i);
            if ready_changed && self.reconcile_taints(world, i) {
                changed.push(i);
            }
        }
        changed
    }

    /// One probe of cluster `i` (F-4 … F-7); true if Ready changed.
    fn probe(&mut self, world: &mut World, i: usize) -> bool {
        let now = world.now();
        let cluster = &world.clusters[i];
        let outcome = match cluster.member {
            Member::Up => ProbeOutcome::Readyz(HttpReply::Status(200)),
            Member::Down => ProbeOutcome::Readyz(HttpReply::TransportFailure {
                error: "connection refused".into(),
            }),
        };
        let plan = health::decide_probe(
            &cluster.object,
            &outcome,
            &mut self.damping,
            &self.health,
            &now,
        );
        let cluster = &mut world.clusters[i];
        cluster.probe_due_ms = world.now_ms + plan.requeue_after_s as i64 * 1000;
        let ready = match plan.write {
            ProbeWrite::Nothing => return false,
            ProbeWrite::Ready(c) | ProbeWrite::Everything(c) => c,
        };
        let status = cluster.object.status.get_or_insert_with(Default::default);
        let before = find_condition(&status.conditions, conditions::READY).map(|c| c.status);
        set_condition(&mut status.conditions, ready.clone(), &now);
        before != Some(ready.status)
    }

    /// F-10 then F-15 for cluster `i`; true if its taints changed.
    pub fn reconcile_taints(&self, world: &mut World, i: usize) -> bool {
        let now = world.now();
        let mut changed = false;
        let name = world.clusters[i].name().to_string();
        let ready = world.clusters[i]
            .object
            .status
            .as_ref()
            .and_then(|s| find_condition(&s.conditions, conditions::READY))
            .cloned();
        if let Some(update) =
            health::system_taints(&world.clusters[i].object.spec.taints, ready.as_ref(), &now)
        {
            world.clusters[i].object.spec.taints = update.taints;
            world.record(format!("Cluster {name}"), update.event);
            changed = true;
        }
        if taint_policy::controller_runs(self.failover_gate, true)
            && let Some(update) =
                taint_policy::evaluate(&world.clusters[i].object, &self.policies, &now)
        {
            world.clusters[i].object.spec.taints = update.taints;
            world.record(format!("Cluster {name}"), update.event);
            changed = true;
        }
        if changed {
            let c = &mut world.clusters[i].object;
            c.metadata.generation = Some(c.metadata.generation.unwrap_or(1) + 1);
            world.snapshot_stale = true;
        }
        changed
    }
}

/// A human adds (or removes) the manual NoExecute taint; the API server stamps `timeAdded`.
pub fn set_manual_taint(world: &mut World, i: usize, present: bool) -> bool {
    let now = world.now();
    let taints = &mut world.clusters[i].object.spec.taints;
    let has = taints
        .iter()
        .any(|t| t.key == MANUAL_TAINT_KEY && t.effect == "NoExecute");
    if has == present {
        return false;
    }
    if present {
        taints.push(Taint {
            key: MANUAL_TAINT_KEY.into(),
            value: None,
            effect: "NoExecute".into(),
            time_added: Some(now),
        });
    } else {
        taints.retain(|t| !(t.key == MANUAL_TAINT_KEY && t.effect == "NoExecute"));
    }
    let c = &mut world.clusters[i].object;
    c.metadata.generation = Some(c.metadata.generation.unwrap_or(1) + 1);
    world.snapshot_stale = true;
    true
}
