//! Translation between etcd-client's types and the store's: failures (etcd's "required revision
//! has been compacted" and "future revision" are told apart from everything else, which is a
//! retryable backend error), revisions, key/value pairs and watch events.
//!
//! Owns: the shape of what comes back from etcd. Must not: issue requests.

use std::future::Future;
use std::time::Duration;

use etcd_client::{EventType, ResponseHeader};

use super::keys::KeySpace;
use crate::error::StoreError;
use crate::types::{Event, EventKind, KeyValue, Revision};

/// etcd's message for a read or watch below its compacted revision.
const COMPACTED_MESSAGE: &str = "required revision has been compacted";
/// etcd's message for a read above its current revision.
const FUTURE_REVISION_MESSAGE: &str = "required revision is a future revision";
/// etcd's message for a request over its `--max-request-bytes`.
const TOO_LARGE_MESSAGE: &str = "request is too large";

/// Why an etcd request failed.
#[derive(Debug)]
pub(super) enum Failure {
    /// The revision asked for has been compacted.
    Compacted,
    /// The revision asked for is above the current one.
    FutureRevision,
    /// Anything else: connection, timeout, server error.
    Backend(String),
}

impl Failure {
    fn from_client(error: etcd_client::Error) -> Self {
        if let etcd_client::Error::GRpcStatus(status) = &error {
            let message = status.message();
            if message.contains(COMPACTED_MESSAGE) {
                return Failure::Compacted;
            }
            if message.contains(FUTURE_REVISION_MESSAGE) {
                return Failure::FutureRevision;
            }
            if message.contains(TOO_LARGE_MESSAGE) {
                return Failure::Backend(format!(
                    "etcd refused the request as too large ({message}): its --max-request-bytes \
                     must exceed the store's value limit plus the key"
                ));
            }
        }
        Failure::Backend(format!("etcd: {error}"))
    }

    /// The failure of a request for which compaction and future revisions cannot happen.
    pub(super) fn into_error(self) -> StoreError {
        match self {
            Failure::Compacted => StoreError::Backend(format!("etcd: {COMPACTED_MESSAGE}")),
            Failure::FutureRevision => {
                StoreError::Backend(format!("etcd: {FUTURE_REVISION_MESSAGE}"))
            }
            Failure::Backend(message) => StoreError::Backend(message),
        }
    }
}

impl From<Failure> for StoreError {
    fn from(failure: Failure) -> Self {
        failure.into_error()
    }
}

/// Runs one etcd request with a deadline.
pub(super) async fn rpc<T>(
    timeout: Duration,
    request: impl Future<Output = Result<T, etcd_client::Error>>,
) -> Result<T, Failure> {
    match tokio::time::timeout(timeout, request).await {
        Ok(Ok(response)) => Ok(response),
        Ok(Err(error)) => Err(Failure::from_client(error)),
        Err(_) => Err(Failure::Backend(format!(
            "etcd request timed out after {} ms",
            timeout.as_millis()
        ))),
    }
}

/// An etcd revision (never negative in a response) as a store revision.
pub(super) fn revision(etcd: i64) -> Revision {
    Revision::try_from(etcd).unwrap_or(0)
}

/// A store revision as an etcd revision (saturating: etcd's revisions are `i64`).
pub(super) fn etcd_revision(revision: Revision) -> i64 {
    i64::try_from(revision).unwrap_or(i64::MAX)
}

/// The revision of a response's header: the store revision the request was served at (for a
/// write: the revision the write produced).
pub(super) fn header_revision(header: Option<&ResponseHeader>) -> Result<Revision, StoreError> {
    header
        .map(|h| revision(h.revision()))
        .ok_or_else(|| StoreError::Backend("etcd response without a header".into()))
}

/// A pair read from etcd (copying the value).
pub(super) fn key_value(
    keys: &KeySpace,
    kv: &etcd_client::KeyValue,
) -> Result<KeyValue, StoreError> {
    Ok(KeyValue {
        key: keys.contract_key(kv.key())?,
        value: kv.value().to_vec(),
        create_revision: revision(kv.create_revision()),
        mod_revision: revision(kv.mod_revision()),
    })
}

/// A pair read from etcd (taking its value).
pub(super) fn into_key_value(
    keys: &KeySpace,
    kv: etcd_client::KeyValue,
) -> Result<KeyValue, StoreError> {
    let create_revision = revision(kv.create_revision());
    let mod_revision = revision(kv.mod_revision());
    let (key, value) = kv.into_key_value();
    Ok(KeyValue {
        key: keys.contract_key(&key)?,
        value,
        create_revision,
        mod_revision,
    })
}

/// A watch event. etcd's delete event carries the key with the deletion's revision as its mod
/// revision and no create revision: the incarnation's comes from `prev_kv`.
pub(super) fn event(keys: &KeySpace, event: &etcd_client::Event) -> Result<Event, StoreError> {
    let kv = event
        .kv()
        .ok_or_else(|| StoreError::Backend("etcd watch event without a key".into()))?;
    let prev_kv = event.prev_kv().map(|p| key_value(keys, p)).transpose()?;
    Ok(match event.event_type() {
        EventType::Put => Event {
            kind: EventKind::Put,
            kv: key_value(keys, kv)?,
            prev_kv,
        },
        EventType::Delete => Event {
            kind: EventKind::Delete,
            kv: KeyValue {
                key: keys.contract_key(kv.key())?,
                value: Vec::new(),
                create_revision: prev_kv.as_ref().map_or(0, |p| p.create_revision),
                mod_revision: revision(kv.mod_revision()),
            },
            prev_kv,
        },
    })
}
