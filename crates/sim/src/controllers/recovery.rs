//! The controllers that finish a failover: status collection into the bindings, the graceful
//! eviction controller (F-35 … F-40) with Flotilla's `EvictionPending` condition, and
//! application failover (F-55 … F-61).
//!
//! Owns: when those controllers run in the simulation. Must not: decide (core does).

use std::collections::BTreeMap;

use flotilla_api::types::{ResourceBindingStatus, set_condition};
use flotilla_core::failover::application::{
    ApplicationFailoverGates, PassOutcome, UnhealthyTimers, sync_binding,
};
use flotilla_core::failover::eviction::evict_with_task;
use flotilla_core::failover::graceful::{
    Dispatched, GracefulConfig, assess, pending_condition, triggers,
};

use super::dispatch::collect_status;
use crate::world::{World, describe};

/// Runtime state of the graceful eviction and application failover controllers.
#[derive(Debug, Default)]
pub struct RecoveryDriver {
    /// Graceful eviction settings.
    pub graceful: GracefulConfig,
    /// Application failover gates.
    pub gates: ApplicationFailoverGates,
    timers: UnhealthyTimers,
    requeues: BTreeMap<i64, Vec<usize>>,
    /// Tasks removed (old copies released).
    pub released: u64,
    /// Application failovers written.
    pub application_evictions: u64,
}

impl RecoveryDriver {
    /// Collects status of dirty bindings, then runs both controllers on them and on due requeues.
    pub fn step(&mut self, world: &mut World) {
        let due: Vec<i64> = self
            .requeues
            .range(..=world.now_ms)
            .map(|(t, _)| *t)
            .collect();
        for t in due {
            world
                .status_dirty
                .extend(self.requeues.remove(&t).unwrap_or_default());
        }
        for i in std::mem::take(&mut world.status_dirty) {
            collect_status(world, i);
            self.graceful_pass(world, i);
            self.application_pass(world, i);
        }
    }

    fn requeue(&mut self, world: &World, i: usize, after_s: i64) {
        self.requeues
            .entry(world.now_ms + after_s.max(1) * 1000)
            .or_default()
            .push(i);
    }

    fn graceful_pass(&mut self, world: &mut World, i: usize) {
        let now = world.now();
        let b = &world.bindings[i];
        if !triggers(&b.object.metadata, &b.object.spec) {
            clear_pending(world, i);
            return;
        }
        let dispatched: Vec<String> = b
            .works
            .iter()
            .filter(|(_, w)| !w.terminating)
            .map(|(c, _)| c.clone())
            .collect();
        let plan = assess(
            &self.graceful,
            &b.object.metadata,
            &b.object.spec,
            b.object.status.as_ref(),
            Dispatched {
                clusters: &dispatched,
            },
            &now,
        );
        let condition = pending_condition(&plan, &now);
        let status = world.bindings[i]
            .object
            .status
            .get_or_insert_with(ResourceBindingStatus::default);
        set_condition(&mut status.conditions, condition, &now);
        if let Some(tasks) = plan.tasks {
            self.released += plan.dropped.len() as u64;
            let mut spec = world.bindings[i].object.spec.clone();
            spec.graceful_eviction_tasks = tasks;
            world.write_spec(i, spec, plan.events);
        }
        if let Some(after) = plan.requeue_after_s {
            self.requeue(world, i, after);
        }
    }

    fn application_pass(&mut self, world: &mut World, i: usize) {
        let now = world.now();
        let b = &world.bindings[i];
        if b.object
            .spec
            .failover
            .as_ref()
            .and_then(|f| f.application.as_ref())
            .is_none()
        {
            return;
        }
        match sync_binding(&b.object, true, self.gates, &mut self.timers, &now) {
            PassOutcome::Ineligible(_) => {}
            PassOutcome::Wait { requeue_after_s } => {
                if let Some(after) = requeue_after_s {
                    self.requeue(world, i, after as i64);
                }
            }
            PassOutcome::Evict(plan) => {
                let mut spec = world.bindings[i].object.spec.clone();
                for task in plan.tasks {
                    evict_with_task(&mut spec, task);
                }
                self.application_evictions += plan.clusters.len() as u64;
                let key =
                    flotilla_core::failover::application::BindingKey::of(&world.bindings[i].object);
                self.timers.forget_clusters(&key, &plan.clusters);
                world.write_spec(i, spec, plan.events);
                if let Some(after) = plan.requeue_after_s {
                    self.requeue(world, i, after as i64);
                }
            }
            PassOutcome::Failed { events, .. } => {
                let name = describe(&world.bindings[i]);
                events
                    .into_iter()
                    .for_each(|e| world.record(name.clone(), e));
                self.requeue(world, i, 10);
            }
        }
    }
}

/// With no task left, `EvictionPending` turns False (when it was ever set).
fn clear_pending(world: &mut World, i: usize) {
    let now = world.now();
    let Some(status) = world.bindings[i].object.status.as_mut() else {
        return;
    };
    if status
        .conditions
        .iter()
        .any(|c| c.type_ == flotilla_api::constants::conditions::EVICTION_PENDING)
    {
        let empty = flotilla_core::failover::graceful::GracefulPlan::default();
        set_condition(
            &mut status.conditions,
            pending_condition(&empty, &now),
            &now,
        );
    }
}
