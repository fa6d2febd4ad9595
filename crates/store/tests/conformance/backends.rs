//! The backends under test, behind one small harness: open a fresh store, reopen the same data
//! (a restart), and the progress interval the cases can rely on.

use std::sync::Arc;
use std::time::Duration;

use flotilla_store::Store;
use flotilla_store::memory::MemoryStore;
use flotilla_store::sqlite::{SqliteOptions, SqliteStore};

#[cfg(feature = "etcd")]
#[path = "../support/etcd_server.rs"]
mod etcd_server;

/// Progress interval configured for the stores under test.
pub const TEST_PROGRESS_INTERVAL_MS: u64 = 200;

/// A backend instance for one test.
pub enum Backend {
    /// In-process.
    Memory(MemoryStore),
    /// SQLite in a temporary directory.
    Sqlite {
        /// The data directory (removed when the test ends).
        dir: tempfile::TempDir,
        /// The open store (`None` while restarting).
        store: Option<Arc<SqliteStore>>,
    },
    /// A real etcd process started for the test, on loopback.
    #[cfg(feature = "etcd")]
    Etcd {
        /// The etcd process (stopped when the test ends).
        server: etcd_server::EtcdServer,
        /// The connected store (`None` while restarting).
        store: Option<Arc<flotilla_store::etcd::EtcdStore>>,
    },
}

impl Backend {
    /// An in-memory store.
    pub fn memory() -> Option<Backend> {
        Some(Backend::Memory(MemoryStore::with_progress_interval(
            Duration::from_millis(TEST_PROGRESS_INTERVAL_MS),
        )))
    }

    /// A SQLite store in a new temporary directory.
    pub fn sqlite() -> Option<Backend> {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let store = open_sqlite(dir.path());
        Some(Backend::Sqlite {
            dir,
            store: Some(store),
        })
    }

    /// A store on a fresh etcd process (`None`, after saying so, when etcd is not installed and
    /// `CI` is not `true`; with `CI=true` a missing etcd fails the test).
    #[cfg(feature = "etcd")]
    pub fn etcd(test: &str) -> Option<Backend> {
        let server = etcd_server::EtcdServer::start_or_skip(test)?;
        Some(Backend::Etcd {
            server,
            store: None,
        })
    }

    /// The store under test.
    pub async fn store(&mut self) -> Arc<dyn Store> {
        match self {
            Backend::Memory(m) => Arc::new(m.clone()),
            Backend::Sqlite { store, .. } => store.clone().expect("open"),
            #[cfg(feature = "etcd")]
            Backend::Etcd { server, store } => {
                if store.is_none() {
                    *store = Some(connect_etcd(server).await);
                }
                store.clone().expect("connected")
            }
        }
    }

    /// Closes the store and opens it again on the same data (a process restart). The caller has
    /// dropped its handles.
    pub async fn restart(&mut self) -> Arc<dyn Store> {
        match self {
            Backend::Memory(_) => panic!("the in-memory store does not survive a restart"),
            Backend::Sqlite { dir, store } => {
                let old = store.take().expect("open");
                assert_eq!(Arc::strong_count(&old), 1, "a handle outlives the restart");
                drop(old);
                let reopened = open_sqlite(dir.path());
                *store = Some(reopened.clone());
                reopened
            }
            #[cfg(feature = "etcd")]
            Backend::Etcd { server, store } => {
                drop(store.take());
                server.stop();
                server.start_again();
                let reconnected = connect_etcd(server).await;
                *store = Some(reconnected.clone());
                reconnected
            }
        }
    }
}

fn open_sqlite(dir: &std::path::Path) -> Arc<SqliteStore> {
    let options = SqliteOptions {
        progress_interval: Duration::from_millis(TEST_PROGRESS_INTERVAL_MS),
        ..Default::default()
    };
    Arc::new(SqliteStore::open_with(dir, options).expect("open the SQLite store"))
}

#[cfg(feature = "etcd")]
async fn connect_etcd(server: &etcd_server::EtcdServer) -> Arc<flotilla_store::etcd::EtcdStore> {
    let options = flotilla_store::etcd::EtcdOptions {
        key_prefix: "/flotilla".into(),
        progress_interval: Duration::from_millis(TEST_PROGRESS_INTERVAL_MS),
        ..Default::default()
    };
    let store = flotilla_store::etcd::EtcdStore::connect(&server.endpoints(), options)
        .await
        .expect("connect to etcd");
    Arc::new(store)
}
