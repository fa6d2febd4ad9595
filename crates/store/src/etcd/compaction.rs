//! The compacted revision of an etcd store. etcd compacts its whole key space and does not say at
//! which revision it last did, so the store finds out:
//!
//! - [`Inner::compact`] compacts etcd (physically) and records the revision in the store's meta key
//!   (`<prefix>!meta/compacted`) with a compare-and-swap that never lowers it;
//! - [`Inner::compacted_revision`] reads the record, then checks that etcd still serves a read at
//!   it. If not (someone else compacted etcd, or the record was never written), it bisects for
//!   the lowest revision etcd still serves between the record and the current revision: that is
//!   etcd's compacted revision. A count-only read of one key costs little, and this happens only
//!   after a compaction the record does not know of. What is learned that way (and from watch
//!   cancels, which carry the compacted revision) is kept in memory, not written: reads do not
//!   write.
//!
//! Owns: compaction and the compacted revision. Must not: choose when to compact.

use std::sync::atomic::Ordering;
use std::time::Duration;

use etcd_client::{CompactionOptions, Compare, CompareOp, GetOptions, Txn, TxnOp};

use super::Inner;
use super::convert::{Failure, etcd_revision, rpc};
use crate::Result;
use crate::error::StoreError;
use crate::types::Revision;

/// Attempts of the compare-and-swap that raises the recorded compacted revision.
const RECORD_COMPACTED_ATTEMPTS: usize = 16;
/// Deadline of a physical compaction, which may take a while on a large store (milliseconds).
const COMPACT_TIMEOUT_MS: u64 = 120_000;

impl Inner {
    /// The revision at or below which etcd has compacted its history (0 if never).
    pub(super) async fn compacted_revision(&self) -> Result<Revision> {
        let (recorded, _) = self.recorded_compacted().await?;
        let known = recorded.max(self.learned_compacted.load(Ordering::SeqCst));
        let probe = known.max(1);
        if self.readable_at(probe).await? {
            return Ok(known);
        }
        // etcd no longer serves `below`, and always serves its current revision.
        let mut below = probe;
        let mut readable = self.current_revision().await?;
        while readable - below > 1 {
            let middle = below + (readable - below) / 2;
            if self.readable_at(middle).await? {
                readable = middle;
            } else {
                below = middle;
            }
        }
        self.learn_compacted(readable);
        Ok(readable)
    }

    /// Remembers a compacted revision seen in a response (never lowering what is known).
    pub(super) fn learn_compacted(&self, revision: Revision) {
        self.learned_compacted.fetch_max(revision, Ordering::SeqCst);
    }

    /// Compacts etcd at `target` (capped at the current revision) and records it; a no-op at or
    /// below the compacted revision.
    pub(super) async fn compact(&self, target: Revision) -> Result<()> {
        let compacted = self.compacted_revision().await?;
        if target <= compacted {
            return Ok(());
        }
        let target = target.min(self.current_revision().await?);
        if target <= compacted {
            return Ok(());
        }
        let mut kv = self.kv.clone();
        let physical = Some(CompactionOptions::new().with_physical());
        let timeout = Duration::from_millis(COMPACT_TIMEOUT_MS);
        match rpc(timeout, kv.compact(etcd_revision(target), physical)).await {
            // Compacted: someone compacted at or above the target meanwhile.
            Ok(_) | Err(Failure::Compacted) => {}
            Err(failure) => return Err(failure.into_error()),
        }
        self.learn_compacted(target);
        self.record_compacted(target).await
    }

    /// Whether etcd still serves a read at `revision`.
    async fn readable_at(&self, revision: Revision) -> Result<bool> {
        let options = GetOptions::new()
            .with_revision(etcd_revision(revision))
            .with_count_only();
        match self.range(self.keys.compacted_meta(), Some(options)).await {
            Ok(_) => Ok(true),
            Err(Failure::Compacted) => Ok(false),
            Err(failure) => Err(failure.into_error()),
        }
    }

    /// The recorded compacted revision and the mod revision of its key (0 and 0 if absent).
    async fn recorded_compacted(&self) -> Result<(Revision, i64)> {
        let response = self.range(self.keys.compacted_meta(), None).await?;
        let Some(kv) = response.kvs().first() else {
            return Ok((0, 0));
        };
        let recorded = std::str::from_utf8(kv.value())
            .ok()
            .and_then(|text| text.parse::<Revision>().ok())
            .ok_or_else(|| {
                StoreError::Backend(format!(
                    "the compacted revision record {:?} is not a number",
                    String::from_utf8_lossy(kv.value())
                ))
            })?;
        Ok((recorded, kv.mod_revision()))
    }

    /// Raises the recorded compacted revision to `target` (never lowers it).
    async fn record_compacted(&self, target: Revision) -> Result<()> {
        let key = self.keys.compacted_meta();
        for _ in 0..RECORD_COMPACTED_ATTEMPTS {
            let (recorded, mod_revision) = self.recorded_compacted().await?;
            if recorded >= target {
                return Ok(());
            }
            // A missing key's mod revision compares equal to 0.
            let txn = Txn::new()
                .when([Compare::mod_revision(key, CompareOp::Equal, mod_revision)])
                .and_then([TxnOp::put(key, target.to_string(), None)]);
            if self.txn(txn).await?.succeeded() {
                return Ok(());
            }
        }
        Err(StoreError::Backend(format!(
            "could not record compacted revision {target}: the record kept changing \
             ({RECORD_COMPACTED_ATTEMPTS} attempts)"
        )))
    }
}
