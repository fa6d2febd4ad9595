//! The scheduler driven like the runtime drives it: bindings whose generation changed are
//! checked (S-8) and scheduled against a snapshot of the clusters, whose capacity reflects the
//! Works running on them; decisions are written back through the world (S-55, S-56).
//!
//! Owns: when the scheduler runs and the snapshot refresh. Must not: decide placements.

use std::collections::BTreeMap;

use flotilla_api::kinds::Cluster;
use flotilla_core::events::Event;
use flotilla_core::scheduler::trigger::{Trigger, needs_scheduling};
use flotilla_core::scheduler::{ClusterSnapshot, Retry, SchedulerConfig, apply_decision, schedule};

use crate::world::World;

/// How often cluster capacity figures are refreshed (the status period, F-7).
const SUMMARY_REFRESH_MS: i64 = 10_000;

/// The scheduler's runtime state.
#[derive(Debug, Default)]
pub struct SchedulerDriver {
    /// Scheduler settings.
    pub config: SchedulerConfig,
    snapshot: ClusterSnapshot,
    built_at_ms: Option<i64>,
    /// Bindings to retry at a time (S-12).
    retries: BTreeMap<i64, Vec<usize>>,
    /// Passes run.
    pub passes: u64,
}

impl SchedulerDriver {
    /// Rebuilds the snapshot when cluster specs changed, or capacity changed and the summary
    /// period has passed.
    fn refresh(&mut self, world: &mut World, capacity_changed: bool) {
        let due = self
            .built_at_ms
            .is_none_or(|t| world.now_ms - t >= SUMMARY_REFRESH_MS);
        if !(world.snapshot_stale || (capacity_changed && due)) {
            return;
        }
        let mut used: std::collections::HashMap<&str, i64> = std::collections::HashMap::new();
        for work in world.bindings.iter().flat_map(|b| b.works.iter()) {
            *used.entry(work.0.as_str()).or_default() += i64::from(work.1.replicas);
        }
        let clusters: Vec<Cluster> = world
            .clusters
            .iter()
            .map(|c| with_usage(c, used.get(c.name()).copied().unwrap_or(0)))
            .collect();
        self.snapshot = ClusterSnapshot::new(clusters);
        self.built_at_ms = Some(world.now_ms);
        world.snapshot_stale = false;
    }

    /// Runs passes for every dirty binding and every due retry.
    pub fn step(&mut self, world: &mut World, capacity_changed: bool) {
        self.refresh(world, capacity_changed);
        let due: Vec<i64> = self
            .retries
            .range(..=world.now_ms)
            .map(|(t, _)| *t)
            .collect();
        for t in due {
            for i in self.retries.remove(&t).unwrap_or_default() {
                world.schedule_dirty.insert(i);
            }
        }
        let dirty = std::mem::take(&mut world.schedule_dirty);
        for i in dirty {
            self.schedule_one(world, i);
        }
    }

    fn schedule_one(&mut self, world: &mut World, i: usize) {
        let now = world.now();
        let b = &world.bindings[i].object;
        let trigger = needs_scheduling(&self.snapshot, &b.metadata, &b.spec, b.status.as_ref());
        match trigger {
            Trigger::Schedule(_) => {}
            Trigger::ObserveGeneration(g) => {
                world.bindings[i]
                    .object
                    .status
                    .get_or_insert_with(Default::default)
                    .scheduler_observed_generation = g;
                world.status_dirty.insert(i);
                return;
            }
            Trigger::Nothing | Trigger::Deleting => return,
        }
        self.passes += 1;
        let decision = schedule(
            &self.snapshot,
            &b.metadata,
            &b.spec,
            b.status.as_ref(),
            &self.config,
            &[],
            &now,
        );
        let mut updated = world.bindings[i].object.clone();
        apply_decision(&mut updated, &decision, &now);
        let events: Vec<Event> = decision
            .events
            .iter()
            .map(|e| {
                if e.warning {
                    Event::warning(e.reason, e.message.clone())
                } else {
                    Event::normal(e.reason, e.message.clone())
                }
            })
            .collect();
        let binding = &mut world.bindings[i].object;
        binding.metadata.annotations = updated.metadata.annotations.clone();
        binding.status = updated.status.clone();
        if updated.spec == binding.spec {
            let name = crate::world::describe(&world.bindings[i]);
            events
                .into_iter()
                .for_each(|e| world.record(name.clone(), e));
        } else {
            world.write_spec(i, updated.spec, events);
        }
        world.status_dirty.insert(i);
        let retry_ms = match decision.retry {
            Retry::OnEvent => None,
            Retry::After(s) => Some(s as i64 * 1000),
            Retry::Backoff => Some(10_000),
        };
        if let Some(after) = retry_ms.filter(|_| decision.failure.is_some()) {
            self.retries
                .entry(world.now_ms + after)
                .or_default()
                .push(i);
        }
    }
}

/// The cluster as its status reports it: allocated pods = replicas of the Works on it.
fn with_usage(cluster: &crate::world::SimCluster, used: i64) -> Cluster {
    let mut object = cluster.object.clone();
    if let Some(summary) = object
        .status
        .as_mut()
        .and_then(|s| s.resource_summary.as_mut())
    {
        summary
            .allocated
            .insert("pods".into(), used.to_string().parse().expect("a count"));
    }
    object
}
