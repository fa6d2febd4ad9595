//! The taint manager driven like the runtime drives it: cluster passes every 10 s while a
//! NoExecute taint is present, one eviction queue for both binding kinds, processing in due-time
//! order with exact sub-step times, and one pacer token per real eviction (FD-11). Invariants 4,
//! 5 and 6 are checked on every eviction written.
//!
//! Owns: the eviction queue and its timing. Must not: decide evictions (`taint_manager`).

use std::collections::{BTreeMap, HashMap, VecDeque};

use flotilla_core::failover::eviction::graceful_evict_cluster;
use flotilla_core::failover::pacer::{
    Acquire, EvictionPacer, EvictionRate, PacerError, RetryBackoff, RetryTracker,
};
use flotilla_core::failover::taint_manager::{
    BindingView, EvictionKey, Observed, Process, TaintManagerConfig, When, cluster_pass,
    no_execute_taints, process,
};
use flotilla_core::taints::tolerates;

use crate::world::{World, ms_of};

/// A queued key as (binding index, cluster index): cheap to hash and compare.
type Slot = (usize, usize);

/// The taint manager's runtime state.
#[derive(Debug)]
pub struct EvictionDriver {
    /// The taint manager's switches.
    pub config: TaintManagerConfig,
    /// Gate `Failover` (and `--enable-taint-manager`): without it the manager does not exist.
    pub registered: bool,
    /// The one pacer for both kinds.
    pub pacer: EvictionPacer,
    rate_per_s: f64,
    queue: BTreeMap<(i64, u64), Slot>,
    due: HashMap<Slot, (i64, u64)>,
    seq: u64,
    next_pass_ms: BTreeMap<usize, i64>,
    retries: RetryTracker<Slot>,
    /// Keys whose eviction is decided but waits for a pacer token, in arrival order: only the
    /// head asks the pacer, so a burst costs one check per token, not one per key.
    token_waiters: VecDeque<(Slot, i64)>,
    waiting: std::collections::HashSet<Slot>,
    /// Times of every eviction written (ms).
    pub evictions: Vec<i64>,
    /// Binding index by `namespace/name`.
    index: HashMap<String, usize>,
}

impl EvictionDriver {
    /// A driver for `world` with the given switches.
    pub fn new(
        world: &World,
        registered: bool,
        config: TaintManagerConfig,
        rate_per_s: f64,
    ) -> Self {
        let index = world
            .bindings
            .iter()
            .enumerate()
            .map(|(i, b)| {
                let meta = &b.object.metadata;
                (
                    format!(
                        "{}/{}",
                        meta.namespace.as_deref().unwrap_or(""),
                        meta.name.as_deref().unwrap_or("")
                    ),
                    i,
                )
            })
            .collect();
        EvictionDriver {
            config,
            registered,
            pacer: EvictionPacer::new(EvictionRate::new(rate_per_s).expect("a valid rate")),
            rate_per_s,
            queue: BTreeMap::new(),
            due: HashMap::new(),
            seq: 0,
            next_pass_ms: BTreeMap::new(),
            retries: RetryTracker::new(RetryBackoff::new(0.005, 1000.0)),
            token_waiters: VecDeque::new(),
            waiting: std::collections::HashSet::new(),
            evictions: Vec::new(),
            index,
        }
    }

    /// Changes the rate at run time (FD-11); invariant 4 then checks against the new rate.
    pub fn set_rate(&mut self, rate_per_s: f64) -> Result<(), PacerError> {
        self.pacer.set_rate(EvictionRate::new(rate_per_s)?);
        self.rate_per_s = rate_per_s;
        Ok(())
    }

    /// Cluster passes for changed or due clusters, then the queue up to the end of the step.
    pub fn step(&mut self, world: &mut World, changed_clusters: &[usize], tick_ms: i64) {
        if !self.registered {
            return;
        }
        let due: Vec<usize> = self
            .next_pass_ms
            .iter()
            .filter(|(_, t)| **t <= world.now_ms)
            .map(|(c, _)| *c)
            .collect();
        for c in changed_clusters.iter().copied().chain(due) {
            self.cluster_pass(world, c);
        }
        self.drain(world, world.now_ms + tick_ms);
    }

    fn cluster_pass(&mut self, world: &mut World, c: usize) {
        let now = world.now();
        let cluster = &world.clusters[c].object;
        let views = world.targeting[c].iter().map(|&i| {
            let b = &world.bindings[i];
            BindingView {
                kind: b.kind,
                meta: &b.object.metadata,
                spec: &b.object.spec,
            }
        });
        let plan = cluster_pass(&self.config, cluster, views, &now);
        match plan.resync_after_s {
            Some(s) => self.next_pass_ms.insert(c, world.now_ms + s as i64 * 1000),
            None => self.next_pass_ms.remove(&c),
        };
        for (key, when) in plan.enqueue {
            let at = match when {
                When::Now => world.now_ms,
                When::At(t) => ms_of(&t),
            };
            if let Some(&i) = self.index.get(&format!("{}/{}", key.namespace, key.name)) {
                self.add((i, c), at);
            }
        }
    }

    /// Adds a key; a key already waiting keeps the earlier time, and a key already waiting for
    /// a pacer token stays where it is (F-24: adding a queued key is a no-op).
    fn add(&mut self, key: Slot, at_ms: i64) {
        if self.waiting.contains(&key) {
            return;
        }
        if let Some(&(t, s)) = self.due.get(&key) {
            if t <= at_ms {
                return;
            }
            self.queue.remove(&(t, s));
        }
        self.seq += 1;
        self.queue.insert((at_ms, self.seq), key);
        self.due.insert(key, (at_ms, self.seq));
    }

    /// Processes keys due before `until_ms`, each at its own time, and hands out pacer tokens
    /// to waiting evictions in order.
    fn drain(&mut self, world: &mut World, until_ms: i64) {
        let step_start = world.now_ms;
        loop {
            let next_key = self
                .queue
                .first_key_value()
                .map(|(&(at, _), _)| at)
                .filter(|at| *at < until_ms);
            let token_at = (!self.token_waiters.is_empty())
                .then(|| ms_of(&self.pacer.next_free(&world.now())).max(step_start))
                .filter(|at| *at < until_ms);
            match (next_key, token_at) {
                (Some(k), t) if t.is_none_or(|t| k <= t) => {
                    let (&(at, seq), _) = self.queue.first_key_value().expect("present");
                    let key = self.queue.remove(&(at, seq)).expect("present");
                    self.due.remove(&key);
                    world.now_ms = at.max(step_start);
                    self.handle(world, key, None);
                }
                (_, Some(t)) => {
                    let (key, since) = self.token_waiters.pop_front().expect("present");
                    self.waiting.remove(&key);
                    world.now_ms = t;
                    self.handle(world, key, Some(since));
                }
                _ => break,
            }
        }
        world.now_ms = step_start;
    }

    /// Processes one key (F-25). An eviction takes a pacer token (FD-11); without one the key
    /// joins the token queue (or, when it was already waiting since `waiting`, stays at its head).
    fn handle(&mut self, world: &mut World, slot: Slot, waiting: Option<i64>) {
        let now = world.now();
        let (i, c) = slot;
        let b = &world.bindings[i];
        let key = EvictionKey {
            cluster: world.clusters[c].name().to_string(),
            kind: b.kind,
            namespace: b.object.metadata.namespace.clone().unwrap_or_default(),
            name: b.object.metadata.name.clone().unwrap_or_default(),
        };
        let b = &b.object;
        let observed = Observed {
            binding: Some((&b.metadata, &b.spec, b.status.as_ref())),
            cluster: Some(&world.clusters[c].object),
        };
        match process(&self.config, &key, observed, &now) {
            Process::Done(_) => self.retries.succeeded(&slot),
            Process::Later(t) => self.add(slot, ms_of(&t)),
            Process::Failed { events, .. } => {
                world.bindings[i].blocked_by_state |= events
                    .iter()
                    .any(|e| e.reason == flotilla_api::constants::events::PRESERVE_STATE_FAILED);
                let name = crate::world::describe(&world.bindings[i]);
                events
                    .into_iter()
                    .for_each(|e| world.record(name.clone(), e));
                let retry = self.retries.failed(slot, &now);
                self.add(slot, ms_of(&retry));
            }
            Process::Evict(plan) => match self.pacer.try_acquire(&now) {
                Acquire::WaitUntil(_) => {
                    world.bindings[i]
                        .pacing_since_ms
                        .get_or_insert(world.now_ms);
                    if let Some(since) = waiting {
                        self.waiting.insert(slot);
                        self.token_waiters.push_front((slot, since));
                    } else if self.waiting.insert(slot) {
                        self.token_waiters.push_back((slot, world.now_ms));
                    }
                }
                Acquire::Granted(_) => {
                    let _ = waiting;
                    if let Some(since) = world.bindings[i].pacing_since_ms.take() {
                        world.bindings[i].pacing_wait_ms += world.now_ms - since;
                    }
                    self.check_eviction(world, i, &key);
                    let mut spec = world.bindings[i].object.spec.clone();
                    graceful_evict_cluster(&mut spec, &key.cluster, plan.options);
                    world.write_spec(i, spec, plan.on_success);
                    self.retries.succeeded(&slot);
                    self.evictions.push(world.now_ms);
                }
            },
        }
    }

    /// Invariants 4 (rate ceiling), 5 (not before the toleration deadline) and 6 (only with the
    /// switches on), checked independently of the decision code.
    fn check_eviction(&self, world: &mut World, i: usize, key: &EvictionKey) {
        let now = world.now_ms;
        if !(self.registered && self.config.no_execute_eviction) {
            world.violations.push(format!(
                "invariant 6 at {now} ms: eviction from {} with failover switched off",
                key.cluster
            ));
        }
        let min_gap_ms = if self.rate_per_s > 0.0 {
            (1000.0 / self.rate_per_s).floor() as i64
        } else {
            1_800_000
        };
        if let Some(last) = self.evictions.last()
            && now - last < min_gap_ms
        {
            world.violations.push(format!(
                "invariant 4 at {now} ms: eviction {} ms after the previous one (ceiling {} /s)",
                now - last,
                self.rate_per_s
            ));
        }
        if let Some(earliest) = earliest_allowed_ms(world, i, &key.cluster)
            && now < earliest
        {
            world.violations.push(format!(
                "invariant 5 at {now} ms: {} evicted from {} before its toleration deadline ({earliest} ms)",
                crate::world::describe(&world.bindings[i]),
                key.cluster
            ));
        }
    }
}

/// The earliest time an eviction can be due: if every NoExecute taint is tolerated by some
/// toleration, no eviction may happen before the earliest `timeAdded + tolerationSeconds`
/// among matching limited tolerations (never, if none is limited). `None`: some taint is not
/// tolerated at all, so any time is allowed.
fn earliest_allowed_ms(world: &World, i: usize, cluster: &str) -> Option<i64> {
    let c = world.cluster_index(cluster)?;
    let taints = no_execute_taints(&world.clusters[c].object);
    let b = &world.bindings[i].object;
    let annotation = b
        .metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(flotilla_api::constants::annotations::APPLIED_PLACEMENT));
    let placement: flotilla_api::types::Placement = annotation
        .and_then(|t| serde_json::from_str(t).ok())
        .or_else(|| b.spec.placement.clone())
        .unwrap_or_default();
    let tolerations = &placement.cluster_tolerations;
    if taints
        .iter()
        .any(|t| !tolerations.iter().any(|u| tolerates(u, t)))
    {
        return None;
    }
    let deadlines = taints.iter().flat_map(|t| {
        tolerations
            .iter()
            .filter(|u| tolerates(u, t))
            .filter_map(|u| Some(ms_of(t.time_added.as_ref()?) + u.toleration_seconds? * 1000))
    });
    Some(deadlines.min().unwrap_or(i64::MAX))
}
