//! The etcd backend (cargo feature `etcd`): the storage contract of kube-api.md §18.1 on etcd v3,
//! mapped as §18.2 says. A mod revision is etcd's `mod_revision`, a read's revision is the
//! response header's `revision` (etcd's revisions are cluster-global, so every replica agrees),
//! and every mutation is one etcd transaction:
//!
//! - create: `if create_revision(key) == 0 then put` (else AlreadyExists);
//! - update: a read first (an identical value at the expected revision is a no-op that takes no
//!   revision), then `if mod_revision(key) == expected then put else get` (Conflict / NotFound);
//! - delete: `if create_revision(key) != 0 && mod_revision(key) == expected then delete(prev_kv)
//!   else get`, or an unconditional delete with `prev_kv` (NotFound if nothing was deleted);
//! - list: one range read at the requested revision (or the latest); etcd's `more` and `count`
//!   are exact; a continuation restarts just after `start_after` at the first page's revision.
//!
//! Keys live under a key prefix (see [`EtcdOptions::key_prefix`]) so one etcd can hold several
//! stores. The compacted revision, which etcd does not expose, is recorded and checked as the
//! `compaction` module says; watches (the `watch` module) resume after etcd restarts.
//!
//! Owns: the etcd client and the mapping. Must not: start or manage etcd itself.

mod compaction;
mod convert;
mod keys;
mod watch;

use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::Duration;

use etcd_client::{
    Client, Compare, CompareOp, ConnectOptions, DeleteOptions, GetOptions, GetResponse, KvClient,
    Txn, TxnOp, TxnOpResponse, TxnResponse, WatchClient,
};

use self::convert::{Failure, etcd_revision, header_revision, into_key_value, key_value, rpc};
use self::keys::KeySpace;
use crate::error::StoreError;
use crate::key::{validate_key, validate_prefix, validate_value};
use crate::types::{GetResult, KeyValue, ListOptions, ListResult, ReadAt, Revision};
use crate::watch::DEFAULT_PROGRESS_INTERVAL_MS;
use crate::{BoxFuture, Result, Store, Watch};

/// Default deadline of one etcd request (milliseconds).
pub const DEFAULT_REQUEST_TIMEOUT_MS: u64 = 10_000;
/// Default deadline of establishing a connection to an endpoint (milliseconds).
pub const DEFAULT_CONNECT_TIMEOUT_MS: u64 = 5_000;
/// Interval of HTTP/2 keep-alive pings, which find a dead connection that sent no reset
/// (milliseconds).
const KEEP_ALIVE_INTERVAL_MS: u64 = 10_000;
/// How long a keep-alive ping may go unanswered before the connection is dropped (milliseconds).
const KEEP_ALIVE_TIMEOUT_MS: u64 = 5_000;
/// The largest response accepted: a list or a watch response is not bounded by etcd's request
/// limit (etcd's own gRPC send limit is the same; bytes).
const MAX_RESPONSE_BYTES: usize = i32::MAX as usize;

/// How to connect.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EtcdOptions {
    /// Prepended to every key and stripped on read: empty, or `/`-separated segments without a
    /// trailing `/`, like `/flotilla`. Stores whose prefixes differ (and do not nest) share one
    /// etcd without seeing each other's keys; they do share its revisions and its compaction.
    pub key_prefix: String,
    /// How often a watch asks etcd for a progress notification.
    pub progress_interval: Duration,
    /// Deadline of one request; a request that misses it fails with [`StoreError::Backend`].
    pub request_timeout: Duration,
    /// Deadline of establishing a connection to an endpoint.
    pub connect_timeout: Duration,
}

impl Default for EtcdOptions {
    fn default() -> Self {
        EtcdOptions {
            key_prefix: String::new(),
            progress_interval: Duration::from_millis(DEFAULT_PROGRESS_INTERVAL_MS),
            request_timeout: Duration::from_millis(DEFAULT_REQUEST_TIMEOUT_MS),
            connect_timeout: Duration::from_millis(DEFAULT_CONNECT_TIMEOUT_MS),
        }
    }
}

impl EtcdOptions {
    /// Default options with `prefix` as the key prefix.
    pub fn with_key_prefix(prefix: impl Into<String>) -> Self {
        EtcdOptions {
            key_prefix: prefix.into(),
            ..Self::default()
        }
    }
}

/// A store in etcd. Cheap to clone (clones share the connection). The client reconnects on its
/// own: while etcd is unreachable operations fail with [`StoreError::Backend`], and succeed
/// again once it is back.
#[derive(Clone)]
pub struct EtcdStore {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for EtcdStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EtcdStore")
            .field("keys", &self.inner.keys)
            .finish_non_exhaustive()
    }
}

struct Inner {
    /// Kept alive: it owns the endpoint list of the balanced channel the clients below share.
    _client: Client,
    kv: KvClient,
    watch: WatchClient,
    keys: KeySpace,
    request_timeout: Duration,
    progress_interval: Duration,
    /// The highest compacted revision learned from etcd (beyond the recorded one).
    learned_compacted: Arc<AtomicU64>,
}

impl EtcdStore {
    /// Connects to etcd at `endpoints` (like `http://127.0.0.1:2379`) and checks that it answers.
    pub async fn connect(endpoints: &[String], options: EtcdOptions) -> Result<EtcdStore> {
        let keys = KeySpace::new(&options.key_prefix)?;
        if endpoints.is_empty() {
            return Err(StoreError::Backend("no etcd endpoint given".into()));
        }
        let connect = ConnectOptions::new()
            .with_connect_timeout(options.connect_timeout)
            .with_keep_alive(
                Duration::from_millis(KEEP_ALIVE_INTERVAL_MS),
                Duration::from_millis(KEEP_ALIVE_TIMEOUT_MS),
            );
        let client = rpc(
            options.connect_timeout,
            Client::connect(endpoints, Some(connect)),
        )
        .await?;
        let inner = Inner {
            kv: client
                .kv_client()
                .max_decoding_message_size(MAX_RESPONSE_BYTES),
            watch: client
                .watch_client()
                .max_decoding_message_size(MAX_RESPONSE_BYTES),
            _client: client,
            keys,
            request_timeout: options.request_timeout,
            progress_interval: options.progress_interval,
            learned_compacted: Arc::new(AtomicU64::new(0)),
        };
        inner.current_revision().await?;
        Ok(EtcdStore {
            inner: Arc::new(inner),
        })
    }
}

impl Inner {
    async fn range(&self, key: &[u8], options: Option<GetOptions>) -> Result<GetResponse, Failure> {
        let mut kv = self.kv.clone();
        rpc(self.request_timeout, kv.get(key, options)).await
    }

    async fn txn(&self, txn: Txn) -> Result<TxnResponse, Failure> {
        let mut kv = self.kv.clone();
        rpc(self.request_timeout, kv.txn(txn)).await
    }

    /// The latest revision: the header of a linearizable count-only read.
    async fn current_revision(&self) -> Result<Revision> {
        let options = GetOptions::new().with_count_only();
        let response = self
            .range(self.keys.compacted_meta(), Some(options))
            .await?;
        header_revision(response.header())
    }

    /// The latest pair of an etcd key, if any.
    async fn latest(&self, key: &[u8]) -> Result<(Option<KeyValue>, Revision)> {
        let response = self.range(key, None).await?;
        let kv = response
            .kvs()
            .first()
            .map(|kv| key_value(&self.keys, kv))
            .transpose()?;
        Ok((kv, header_revision(response.header())?))
    }

    /// The pair read by the `else` branch of a failed transaction, if the key exists.
    fn else_pair(&self, response: &TxnResponse) -> Result<Option<KeyValue>> {
        for op in response.op_responses() {
            if let TxnOpResponse::Get(get) = op {
                return get
                    .kvs()
                    .first()
                    .map(|kv| key_value(&self.keys, kv))
                    .transpose();
            }
        }
        Err(StoreError::Backend(
            "etcd transaction response without its read".into(),
        ))
    }

    async fn create(&self, key: &str, value: Vec<u8>) -> Result<Revision> {
        validate_key(key)?;
        validate_value(key, &value)?;
        let full = self.keys.etcd_key(key);
        let txn = Txn::new()
            .when([Compare::create_revision(full.clone(), CompareOp::Equal, 0)])
            .and_then([TxnOp::put(full, value, None)]);
        let response = self.txn(txn).await?;
        if !response.succeeded() {
            return Err(StoreError::AlreadyExists { key: key.into() });
        }
        header_revision(response.header())
    }

    async fn update(&self, key: &str, expected: Revision, value: Vec<u8>) -> Result<Revision> {
        validate_key(key)?;
        validate_value(key, &value)?;
        let full = self.keys.etcd_key(key);
        match self.latest(&full).await?.0 {
            None => return Err(StoreError::NotFound { key: key.into() }),
            Some(current) if current.mod_revision != expected => {
                return Err(conflict(key, expected, current));
            }
            Some(current) if current.value == value => return Ok(current.mod_revision),
            // From here on `expected` is the mod revision of an existing key, so never 0 (which
            // a missing key's mod revision would compare equal to).
            Some(_) => {}
        }
        let txn = Txn::new()
            .when([Compare::mod_revision(
                full.clone(),
                CompareOp::Equal,
                etcd_revision(expected),
            )])
            .and_then([TxnOp::put(full.clone(), value, None)])
            .or_else([TxnOp::get(full, None)]);
        let response = self.txn(txn).await?;
        if response.succeeded() {
            return header_revision(response.header());
        }
        match self.else_pair(&response)? {
            Some(current) => Err(conflict(key, expected, current)),
            None => Err(StoreError::NotFound { key: key.into() }),
        }
    }

    async fn delete(&self, key: &str, expected: Option<Revision>) -> Result<(Revision, KeyValue)> {
        validate_key(key)?;
        let full = self.keys.etcd_key(key);
        let Some(expected) = expected else {
            let mut kv = self.kv.clone();
            let options = Some(DeleteOptions::new().with_prev_key());
            let mut response = rpc(self.request_timeout, kv.delete(full, options)).await?;
            let revision = header_revision(response.header())?;
            return match response.take_prev_kvs().into_iter().next() {
                Some(last) => Ok((revision, into_key_value(&self.keys, last)?)),
                None => Err(StoreError::NotFound { key: key.into() }),
            };
        };
        let txn = Txn::new()
            .when([
                Compare::create_revision(full.clone(), CompareOp::NotEqual, 0),
                Compare::mod_revision(full.clone(), CompareOp::Equal, etcd_revision(expected)),
            ])
            .and_then([TxnOp::delete(
                full.clone(),
                Some(DeleteOptions::new().with_prev_key()),
            )])
            .or_else([TxnOp::get(full, None)]);
        let response = self.txn(txn).await?;
        if !response.succeeded() {
            return match self.else_pair(&response)? {
                Some(current) => Err(conflict(key, expected, current)),
                None => Err(StoreError::NotFound { key: key.into() }),
            };
        }
        let revision = header_revision(response.header())?;
        for op in response.op_responses() {
            if let TxnOpResponse::Delete(delete) = op
                && let Some(last) = delete.prev_kvs().first()
            {
                return Ok((revision, key_value(&self.keys, last)?));
            }
        }
        Err(StoreError::Backend(
            "etcd deleted a key without returning it".into(),
        ))
    }

    async fn list(&self, prefix: &str, options: &ListOptions) -> Result<ListResult> {
        validate_prefix(prefix)?;
        let (start, end) = self.keys.range(prefix);
        let start = match &options.start_after {
            Some(after) if after.as_str() >= prefix => {
                let mut next = self.keys.etcd_key(after);
                next.push(0);
                next
            }
            _ => start,
        };
        let mut get = GetOptions::new().with_range(end);
        match options.at {
            ReadAt::Latest => {}
            // etcd reads revision 0 as "latest": the state at 0 is the empty store.
            ReadAt::Revision(0) => return self.list_at_zero(options).await,
            ReadAt::Revision(r) => get = get.with_revision(etcd_revision(r)),
        }
        if let Some(limit) = options.limit.filter(|l| *l > 0) {
            get = get.with_limit(i64::try_from(limit).unwrap_or(i64::MAX));
        }
        let mut response = match self.range(&start, Some(get)).await {
            Ok(response) => response,
            Err(failure) => return Err(self.read_at_failure(options.at, failure).await),
        };
        let revision = match options.at {
            ReadAt::Revision(r) => r,
            ReadAt::Latest => header_revision(response.header())?,
        };
        let more = response.more();
        let count = usize::try_from(response.count()).unwrap_or(usize::MAX);
        let items = response
            .take_kvs()
            .into_iter()
            .map(|kv| into_key_value(&self.keys, kv))
            .collect::<Result<Vec<_>>>()?;
        Ok(ListResult {
            items,
            revision,
            more,
            count: options.count.then_some(count),
        })
    }

    /// A list at revision 0: empty, unless history has been compacted.
    async fn list_at_zero(&self, options: &ListOptions) -> Result<ListResult> {
        let compacted = self.compacted_revision().await?;
        if compacted > 0 {
            return Err(StoreError::Compacted {
                requested: 0,
                compacted,
            });
        }
        Ok(ListResult {
            items: Vec::new(),
            revision: 0,
            more: false,
            count: options.count.then_some(0),
        })
    }

    /// The error of a read at `at` that etcd refused.
    async fn read_at_failure(&self, at: ReadAt, failure: Failure) -> StoreError {
        let requested = match at {
            ReadAt::Revision(r) => r,
            ReadAt::Latest => return failure.into_error(),
        };
        match failure {
            Failure::Compacted => match self.compacted_revision().await {
                Ok(compacted) => StoreError::Compacted {
                    requested,
                    compacted,
                },
                Err(error) => error,
            },
            Failure::FutureRevision => match self.current_revision().await {
                Ok(current) => StoreError::FutureRevision { requested, current },
                Err(error) => error,
            },
            Failure::Backend(message) => StoreError::Backend(message),
        }
    }
}

fn conflict(key: &str, expected: Revision, current: KeyValue) -> StoreError {
    StoreError::Conflict {
        key: key.into(),
        expected,
        current: Box::new(current),
    }
}

impl Store for EtcdStore {
    fn current_revision(&self) -> BoxFuture<'_, Result<Revision>> {
        Box::pin(self.inner.current_revision())
    }

    fn compacted_revision(&self) -> BoxFuture<'_, Result<Revision>> {
        Box::pin(self.inner.compacted_revision())
    }

    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<GetResult>> {
        Box::pin(async move {
            validate_key(key)?;
            let (kv, revision) = self.inner.latest(&self.inner.keys.etcd_key(key)).await?;
            Ok(GetResult { kv, revision })
        })
    }

    fn create<'a>(&'a self, key: &'a str, value: Vec<u8>) -> BoxFuture<'a, Result<Revision>> {
        Box::pin(self.inner.create(key, value))
    }

    fn update<'a>(
        &'a self,
        key: &'a str,
        expected: Revision,
        value: Vec<u8>,
    ) -> BoxFuture<'a, Result<Revision>> {
        Box::pin(self.inner.update(key, expected, value))
    }

    fn delete<'a>(
        &'a self,
        key: &'a str,
        expected: Option<Revision>,
    ) -> BoxFuture<'a, Result<(Revision, KeyValue)>> {
        Box::pin(self.inner.delete(key, expected))
    }

    fn list<'a>(
        &'a self,
        prefix: &'a str,
        options: ListOptions,
    ) -> BoxFuture<'a, Result<ListResult>> {
        Box::pin(async move { self.inner.list(prefix, &options).await })
    }

    fn watch<'a>(&'a self, prefix: &'a str, after: Revision) -> BoxFuture<'a, Result<Watch>> {
        Box::pin(async move {
            validate_prefix(prefix)?;
            let compacted = self.inner.compacted_revision().await?;
            if after < compacted {
                return Err(StoreError::Compacted {
                    requested: after,
                    compacted,
                });
            }
            watch::start(self.inner.clone(), prefix, after).await
        })
    }

    fn compact(&self, revision: Revision) -> BoxFuture<'_, Result<()>> {
        Box::pin(self.inner.compact(revision))
    }
}
