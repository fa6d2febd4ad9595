//! The in-memory backend (tests, the simulator): every version of every key since the last
//! compaction, a log of which key each revision touched, and a broadcast of commits — all under
//! one mutex, so commits are totally ordered and published in revision order.
//!
//! Owns: in-memory state. Must not: persist anything (a new store starts at revision 0).

use std::collections::BTreeMap;
use std::ops::Bound;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::sync::broadcast;

use crate::error::StoreError;
use crate::key::{validate_key, validate_prefix, validate_value};
use crate::types::{
    Event, EventKind, GetResult, KeyValue, ListOptions, ListResult, ReadAt, Revision,
};
use crate::watch::{
    BROADCAST_CAPACITY_EVENTS, DEFAULT_PROGRESS_INTERVAL_MS, EventSource, Watch, spawn_watch,
};
use crate::{BoxFuture, Result, Store};

/// One version of a key.
#[derive(Clone, Debug)]
struct Version {
    revision: Revision,
    create_revision: Revision,
    /// `None`: a tombstone.
    value: Option<Vec<u8>>,
}

#[derive(Debug, Default)]
struct State {
    revision: Revision,
    compacted: Revision,
    /// Versions per key, oldest first.
    versions: BTreeMap<String, Vec<Version>>,
    /// The key each revision since the compaction touched.
    log: BTreeMap<Revision, String>,
}

impl State {
    fn latest(&self, key: &str) -> Option<KeyValue> {
        let version = self.versions.get(key)?.last()?;
        kv(key, version)
    }

    fn at(&self, key: &str, revision: Revision) -> Option<KeyValue> {
        let versions = self.versions.get(key)?;
        let version = versions.iter().rev().find(|v| v.revision <= revision)?;
        kv(key, version)
    }

    fn check_read_at(&self, at: ReadAt) -> Result<Revision> {
        match at {
            ReadAt::Latest => Ok(self.revision),
            ReadAt::Revision(r) if r < self.compacted => Err(StoreError::Compacted {
                requested: r,
                compacted: self.compacted,
            }),
            ReadAt::Revision(r) if r > self.revision => Err(StoreError::FutureRevision {
                requested: r,
                current: self.revision,
            }),
            ReadAt::Revision(r) => Ok(r),
        }
    }

    /// The event of `revision` (which touched `key`).
    fn event(&self, key: &str, revision: Revision) -> Option<Event> {
        let versions = self.versions.get(key)?;
        let i = versions.iter().position(|v| v.revision == revision)?;
        let prev_kv = i.checked_sub(1).and_then(|p| kv(key, &versions[p]));
        let this = &versions[i];
        Some(match &this.value {
            Some(_) => Event {
                kind: EventKind::Put,
                kv: kv(key, this)?,
                prev_kv,
            },
            None => Event {
                kind: EventKind::Delete,
                kv: KeyValue {
                    key: key.to_string(),
                    value: Vec::new(),
                    create_revision: prev_kv.as_ref().map_or(0, |p| p.create_revision),
                    mod_revision: revision,
                },
                prev_kv,
            },
        })
    }

    /// Appends a version of `key` at the next revision and returns its event.
    fn commit(&mut self, key: &str, value: Option<Vec<u8>>, create_revision: Revision) -> Event {
        self.revision += 1;
        let revision = self.revision;
        self.versions
            .entry(key.to_string())
            .or_default()
            .push(Version {
                revision,
                create_revision,
                value,
            });
        self.log.insert(revision, key.to_string());
        self.event(key, revision).expect("just committed")
    }

    fn compact(&mut self, target: Revision) {
        let target = target.min(self.revision);
        if target <= self.compacted {
            return;
        }
        self.versions.retain(|_, versions| {
            // Keep the newest version at or below the target (unless it is a tombstone) and
            // every later one.
            let newest_old = versions.iter().rposition(|v| v.revision <= target);
            if let Some(i) = newest_old {
                let keep_from = if versions[i].value.is_some() {
                    i
                } else {
                    i + 1
                };
                versions.drain(..keep_from);
            }
            !versions.is_empty()
        });
        self.log = self.log.split_off(&(target + 1));
        self.compacted = target;
    }
}

fn kv(key: &str, version: &Version) -> Option<KeyValue> {
    Some(KeyValue {
        key: key.to_string(),
        value: version.value.clone()?,
        create_revision: version.create_revision,
        mod_revision: version.revision,
    })
}

struct Shared {
    state: Mutex<State>,
    commits: broadcast::Sender<Arc<Event>>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave a half-applied commit (commits are single
        // pushes), so a poisoned lock is still consistent.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn publish(&self, event: Event) {
        // No receiver is fine: nobody watches.
        let _ = self.commits.send(Arc::new(event));
    }
}

impl EventSource for Shared {
    fn events_after<'a>(
        &'a self,
        prefix: &'a str,
        after: Revision,
        limit: usize,
    ) -> BoxFuture<'a, Result<Vec<Event>>> {
        Box::pin(async move {
            let state = self.lock();
            if after < state.compacted {
                return Err(StoreError::Compacted {
                    requested: after,
                    compacted: state.compacted,
                });
            }
            Ok(state
                .log
                .range((Bound::Excluded(after), Bound::Unbounded))
                .filter(|(_, key)| key.starts_with(prefix))
                .filter_map(|(revision, key)| state.event(key, *revision))
                .take(limit)
                .collect())
        })
    }

    fn current_revision(&self) -> BoxFuture<'_, Result<Revision>> {
        Box::pin(async move { Ok(self.lock().revision) })
    }
}

/// The in-memory store. Cheap to clone (clones share the state).
#[derive(Clone)]
pub struct MemoryStore {
    shared: Arc<Shared>,
    progress_interval: Duration,
}

impl Default for MemoryStore {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryStore").finish_non_exhaustive()
    }
}

impl MemoryStore {
    /// An empty store at revision 0.
    pub fn new() -> Self {
        Self::with_progress_interval(Duration::from_millis(DEFAULT_PROGRESS_INTERVAL_MS))
    }

    /// An empty store whose watches send progress notifications every `interval`.
    pub fn with_progress_interval(interval: Duration) -> Self {
        let (commits, _) = broadcast::channel(BROADCAST_CAPACITY_EVENTS);
        MemoryStore {
            shared: Arc::new(Shared {
                state: Mutex::new(State::default()),
                commits,
            }),
            progress_interval: interval,
        }
    }

    fn create_now(&self, key: &str, value: Vec<u8>) -> Result<Revision> {
        validate_key(key)?;
        validate_value(key, &value)?;
        let mut state = self.shared.lock();
        if state.latest(key).is_some() {
            return Err(StoreError::AlreadyExists { key: key.into() });
        }
        let next = state.revision + 1;
        let event = state.commit(key, Some(value), next);
        self.shared.publish(event);
        Ok(next)
    }

    fn update_now(&self, key: &str, expected: Revision, value: Vec<u8>) -> Result<Revision> {
        validate_key(key)?;
        validate_value(key, &value)?;
        let mut state = self.shared.lock();
        let current = state
            .latest(key)
            .ok_or_else(|| StoreError::NotFound { key: key.into() })?;
        if current.mod_revision != expected {
            return Err(StoreError::Conflict {
                key: key.into(),
                expected,
                current: Box::new(current),
            });
        }
        if current.value == value {
            return Ok(current.mod_revision);
        }
        let event = state.commit(key, Some(value), current.create_revision);
        let revision = event.revision();
        self.shared.publish(event);
        Ok(revision)
    }

    fn delete_now(&self, key: &str, expected: Option<Revision>) -> Result<(Revision, KeyValue)> {
        validate_key(key)?;
        let mut state = self.shared.lock();
        let current = state
            .latest(key)
            .ok_or_else(|| StoreError::NotFound { key: key.into() })?;
        if let Some(expected) = expected
            && current.mod_revision != expected
        {
            return Err(StoreError::Conflict {
                key: key.into(),
                expected,
                current: Box::new(current),
            });
        }
        let event = state.commit(key, None, current.create_revision);
        let revision = event.revision();
        self.shared.publish(event);
        Ok((revision, current))
    }

    fn list_now(&self, prefix: &str, options: &ListOptions) -> Result<ListResult> {
        validate_prefix(prefix)?;
        let state = self.shared.lock();
        let revision = state.check_read_at(options.at)?;
        let start = match &options.start_after {
            Some(after) if after.as_str() >= prefix => Bound::Excluded(after.clone()),
            _ => Bound::Included(prefix.to_string()),
        };
        let limit = options.limit.filter(|l| *l > 0).unwrap_or(usize::MAX);
        let mut items = Vec::new();
        let mut more = false;
        let mut count = 0;
        for (key, _) in state.versions.range((start, Bound::Unbounded)) {
            if !key.starts_with(prefix) {
                break;
            }
            let Some(kv) = state.at(key, revision) else {
                continue;
            };
            count += 1;
            if items.len() < limit {
                items.push(kv);
            } else {
                more = true;
                if !options.count {
                    break;
                }
            }
        }
        Ok(ListResult {
            items,
            revision,
            more,
            count: options.count.then_some(count),
        })
    }
}

impl Store for MemoryStore {
    fn current_revision(&self) -> BoxFuture<'_, Result<Revision>> {
        Box::pin(async move { Ok(self.shared.lock().revision) })
    }

    fn compacted_revision(&self) -> BoxFuture<'_, Result<Revision>> {
        Box::pin(async move { Ok(self.shared.lock().compacted) })
    }

    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<GetResult>> {
        Box::pin(async move {
            validate_key(key)?;
            let state = self.shared.lock();
            Ok(GetResult {
                kv: state.latest(key),
                revision: state.revision,
            })
        })
    }

    fn create<'a>(&'a self, key: &'a str, value: Vec<u8>) -> BoxFuture<'a, Result<Revision>> {
        Box::pin(async move { self.create_now(key, value) })
    }

    fn update<'a>(
        &'a self,
        key: &'a str,
        expected: Revision,
        value: Vec<u8>,
    ) -> BoxFuture<'a, Result<Revision>> {
        Box::pin(async move { self.update_now(key, expected, value) })
    }

    fn delete<'a>(
        &'a self,
        key: &'a str,
        expected: Option<Revision>,
    ) -> BoxFuture<'a, Result<(Revision, KeyValue)>> {
        Box::pin(async move { self.delete_now(key, expected) })
    }

    fn list<'a>(
        &'a self,
        prefix: &'a str,
        options: ListOptions,
    ) -> BoxFuture<'a, Result<ListResult>> {
        Box::pin(async move { self.list_now(prefix, &options) })
    }

    fn watch<'a>(&'a self, prefix: &'a str, after: Revision) -> BoxFuture<'a, Result<Watch>> {
        Box::pin(async move {
            validate_prefix(prefix)?;
            let (live, subscribed_at) = {
                let state = self.shared.lock();
                if after < state.compacted {
                    return Err(StoreError::Compacted {
                        requested: after,
                        compacted: state.compacted,
                    });
                }
                // Subscribed under the lock: no commit can slip between history and live.
                (self.shared.commits.subscribe(), state.revision)
            };
            let source: Arc<dyn EventSource> = self.shared.clone();
            Ok(spawn_watch(
                source,
                live,
                prefix.to_string(),
                after,
                subscribed_at,
                self.progress_interval,
            ))
        })
    }

    fn compact(&self, revision: Revision) -> BoxFuture<'_, Result<()>> {
        Box::pin(async move {
            self.shared.lock().compact(revision);
            Ok(())
        })
    }
}
