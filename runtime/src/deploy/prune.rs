//! `mclc deploy prune --keep N`: deletes old manifests and the blobs no remaining manifest
//! references. Kept: the `N` newest deploys, and every deploy a host reports as the one it is
//! on or running. Blob deletion is guarded by `P/head`'s revision, and a deploy's id
//! allocation by its blobs' existence, so a prune racing a deploy never leaves a manifest
//! pointing at deleted files.

use super::error::DeployError;
use super::schema::BlobMeta;
use super::store::Store;
use etcd_client::{Compare, CompareOp, DeleteOptions, GetOptions, Txn, TxnOp};
use std::collections::BTreeSet;

/// What a prune deleted.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PruneReport {
    /// The deleted deploys' ids.
    pub deploys: Vec<u64>,
    /// How many blobs were deleted.
    pub blobs: usize,
    /// Their total size in bytes.
    pub bytes: u64,
    /// The deploys kept.
    pub kept: Vec<u64>,
}

/// Prunes all but the `keep` newest deploys (at least 1 is always kept).
pub async fn prune(store: &Store, keep: usize) -> Result<PruneReport, DeployError> {
    let keep = keep.max(1);
    let k = store.keys().clone();
    let manifests = store.manifests().await?;
    let statuses = store.statuses().await?;
    let mut ids: Vec<u64> = manifests.iter().map(|(id, _)| *id).collect();
    ids.sort_unstable();
    let mut kept: BTreeSet<u64> = ids.iter().rev().take(keep).copied().collect();
    for s in statuses.values() {
        kept.insert(s.deploy);
        kept.extend(s.running);
    }
    let mut report = PruneReport::default();
    let doomed: Vec<u64> = ids.iter().copied().filter(|id| !kept.contains(id)).collect();
    for group in doomed.chunks(100) {
        let ops: Vec<TxnOp> = group.iter().map(|id| TxnOp::delete(k.deploy(*id), None)).collect();
        store.txn(Txn::new().and_then(ops), "delete old deploys").await?;
        report.deploys.extend_from_slice(group);
    }
    report.kept = ids.iter().copied().filter(|id| kept.contains(id)).collect();
    // Blobs: recompute the references until no deploy lands in between.
    for _ in 0..10 {
        let (_, head_rev) = store.head().await?;
        let mut referenced = BTreeSet::new();
        for (_, m) in store.manifests().await? {
            // An unreadable manifest keeps nothing alive: agents reject it anyway.
            if let Ok(m) = m {
                referenced.extend(m.files.into_iter().map(|f| f.sha256));
            }
        }
        let blobs = store.get(k.blobs(), Some(GetOptions::new().with_prefix()), "list stored files").await?;
        let mut doomed = Vec::new();
        for kv in &blobs {
            let key = String::from_utf8_lossy(kv.key()).into_owned();
            let Some(sha) = key.strip_prefix(&k.blobs()) else { continue };
            if !referenced.contains(sha) {
                let size = Store::parse::<BlobMeta>(kv).map(|m| m.size).unwrap_or(0);
                doomed.push((sha.to_string(), size));
            }
        }
        let mut raced = false;
        for group in doomed.chunks(40) {
            let guard = if head_rev == 0 { Compare::create_revision(k.head(), CompareOp::Equal, 0) } else { Compare::mod_revision(k.head(), CompareOp::Equal, head_rev) };
            let mut ops = Vec::new();
            for (sha, _) in group {
                ops.push(TxnOp::delete(k.blob(sha), None));
                ops.push(TxnOp::delete(k.chunks(sha), Some(DeleteOptions::new().with_prefix())));
            }
            let resp = store.txn(Txn::new().when([guard]).and_then(ops), "delete unreferenced files").await?;
            if !resp.succeeded() {
                raced = true;
                break;
            }
            report.blobs += group.len();
            report.bytes += group.iter().map(|(_, s)| s).sum::<u64>();
        }
        if !raced {
            return Ok(report);
        }
    }
    Ok(report)
}
