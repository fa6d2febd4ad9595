//! The backends under test, behind one small harness: open a fresh store, reopen the same data
//! (a restart), and the progress interval the cases can rely on.

use std::sync::Arc;
use std::time::Duration;

use flotilla_store::Store;
use flotilla_store::memory::MemoryStore;

/// Progress interval configured for the stores under test.
pub const TEST_PROGRESS_INTERVAL_MS: u64 = 200;

/// A backend instance for one test.
pub enum Backend {
    /// In-process.
    Memory(MemoryStore),
}

impl Backend {
    /// An in-memory store.
    pub fn memory() -> Option<Backend> {
        Some(Backend::Memory(MemoryStore::with_progress_interval(
            Duration::from_millis(TEST_PROGRESS_INTERVAL_MS),
        )))
    }

    /// The store under test.
    pub async fn store(&mut self) -> Arc<dyn Store> {
        match self {
            Backend::Memory(m) => Arc::new(m.clone()),
        }
    }

    /// Closes the store and opens it again on the same data (a process restart).
    pub async fn restart(&mut self) -> Arc<dyn Store> {
        match self {
            Backend::Memory(_) => panic!("the in-memory store does not survive a restart"),
        }
    }
}
