//! When to compact (kube-api.md §18.1): every 5 minutes, compact to the revision that was current
//! 5 minutes earlier, but never within the last 1,000 revisions. The decision is a pure function
//! of samples and `now`; [`spawn_compactor`] is the thin loop that applies it.
//!
//! Owns: the compaction schedule. Must not: decide how a backend compacts.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use crate::Store;
use crate::types::Revision;

/// The schedule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CompactionPolicy {
    /// How often to compact, and how old the target revision must be (seconds).
    pub interval_s: u64,
    /// Revisions always kept behind the current one.
    pub min_retained_revisions: u64,
}

impl Default for CompactionPolicy {
    fn default() -> Self {
        CompactionPolicy {
            interval_s: 300,
            min_retained_revisions: 1_000,
        }
    }
}

/// Revisions seen over time, and the compactions done.
#[derive(Clone, Debug, Default)]
pub struct CompactionSchedule {
    policy: CompactionPolicy,
    /// (seconds, revision current then), oldest first.
    samples: VecDeque<(u64, Revision)>,
    compacted: Revision,
}

impl CompactionSchedule {
    /// A schedule with `policy`.
    pub fn new(policy: CompactionPolicy) -> Self {
        CompactionSchedule {
            policy,
            ..Default::default()
        }
    }

    /// Records that `current` was the revision at `now_s` and returns the revision to compact to,
    /// if any: the latest sample at least `interval_s` old, capped `min_retained_revisions`
    /// below `current`, and above what was compacted already.
    pub fn observe(&mut self, now_s: u64, current: Revision) -> Option<Revision> {
        self.samples.push_back((now_s, current));
        let old_enough = now_s.checked_sub(self.policy.interval_s)?;
        let mut target = None;
        while let Some(&(t, r)) = self.samples.front() {
            if t > old_enough {
                break;
            }
            target = Some(r);
            self.samples.pop_front();
        }
        if let Some(r) = target {
            // Keep the sample: it is still the latest one old enough next time.
            self.samples.push_front((old_enough, r));
        }
        let cap = current.saturating_sub(self.policy.min_retained_revisions);
        let target = target?.min(cap);
        (target > self.compacted).then(|| {
            self.compacted = target;
            target
        })
    }
}

/// Compacts `store` on `policy`'s schedule until the returned task is aborted. Failures are
/// retried at the next interval.
pub fn spawn_compactor(
    store: Arc<dyn Store>,
    policy: CompactionPolicy,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut schedule = CompactionSchedule::new(policy);
        let started = tokio::time::Instant::now();
        let mut tick = tokio::time::interval(Duration::from_secs(policy.interval_s.max(1)));
        loop {
            tick.tick().await;
            let Ok(current) = store.current_revision().await else {
                continue;
            };
            if let Some(target) = schedule.observe(started.elapsed().as_secs(), current) {
                let _ = store.compact(target).await;
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compacts_to_the_revision_seen_one_interval_ago_keeping_the_last_thousand() {
        let mut s = CompactionSchedule::new(CompactionPolicy::default());
        assert_eq!(s.observe(0, 5_000), None, "nothing is old enough yet");
        assert_eq!(s.observe(120, 6_000), None, "still nothing 300 s old");
        assert_eq!(
            s.observe(300, 9_000),
            Some(5_000),
            "the revision seen at 0 s"
        );
        assert_eq!(
            s.observe(600, 9_500),
            Some(8_500),
            "9,000 capped 1,000 below current"
        );
        assert_eq!(s.observe(900, 9_600), Some(8_600));
        assert_eq!(
            s.observe(1_200, 9_600),
            None,
            "no write since: nothing new to compact"
        );
        assert_eq!(s.observe(1_500, 20_000), Some(9_600));
    }

    /// The running compactor bounds history: after writes and two intervals, revisions older
    /// than the interval (keeping the last 1,000) are compacted away. Paused time.
    #[tokio::test(start_paused = true)]
    async fn the_compactor_bounds_history() {
        use crate::memory::MemoryStore;
        use crate::{ListOptions, ReadAt, StoreError};
        let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
        let compactor = spawn_compactor(store.clone(), CompactionPolicy::default());
        for i in 0..3_000 {
            store
                .create(&format!("/core/configmaps/default/c{i}"), vec![1])
                .await
                .unwrap();
        }
        tokio::time::sleep(Duration::from_secs(301)).await;
        assert_eq!(
            store.compacted_revision().await.unwrap(),
            2_000,
            "3,000 - 1,000"
        );
        for i in 0..2_000 {
            store
                .create(&format!("/core/configmaps/default/d{i}"), vec![1])
                .await
                .unwrap();
        }
        tokio::time::sleep(Duration::from_secs(300)).await;
        assert_eq!(
            store.compacted_revision().await.unwrap(),
            3_000,
            "seen 300 s earlier"
        );
        let old = ListOptions {
            at: ReadAt::Revision(10),
            ..Default::default()
        };
        assert!(matches!(
            store.list("/core/", old).await,
            Err(StoreError::Compacted { .. })
        ));
        compactor.abort();
    }
}
