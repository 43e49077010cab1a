//! `mclc deploy --wait`: follows the hosts' status records until every live agent has finished
//! a deploy (converged or failed), reporting each change as it happens.

use super::error::DeployError;
use super::schema::{HostStatus, State};
use super::store::Store;
use etcd_client::{GetOptions, Txn, TxnOp, TxnOpResponse, WatchOptions};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// Where one host is with the awaited deploy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HostResult {
    /// Not finished (no status yet, an older deploy, or compiling/applying).
    Pending(Option<HostStatus>),
    /// Finished the deploy: converged or failed.
    Done(HostStatus),
    /// Already moved on to a newer deploy (its status).
    Superseded(HostStatus),
}

impl HostResult {
    /// True when the host failed the deploy.
    pub fn failed(&self) -> bool {
        matches!(self, HostResult::Done(s) if s.state == State::Failed)
    }

    /// A short description: `converged`, `failed: main.mcl:3:1: …`, `applying`, ….
    pub fn describe(&self) -> String {
        match self {
            HostResult::Pending(None) => "no status yet".into(),
            HostResult::Pending(Some(s)) if s.state.is_final() => format!("still on deploy {} ({})", s.deploy, s.state),
            HostResult::Pending(Some(s)) => s.state.to_string(),
            HostResult::Done(s) if s.state == State::Failed => {
                let mut d = "failed".to_string();
                if let Some(first) = s.diagnostics.first() {
                    d.push_str(&format!(": {first}"));
                    if s.diagnostics.len() > 1 {
                        d.push_str(&format!(" (+{} more)", s.diagnostics.len() - 1));
                    }
                }
                if let Some(r) = s.running
                    && r != s.deploy
                {
                    d.push_str(&format!(" — still running deploy {r}"));
                }
                d
            }
            HostResult::Done(s) => s.state.to_string(),
            HostResult::Superseded(s) => format!("moved on to deploy {} ({})", s.deploy, s.state),
        }
    }
}

/// The end of a wait.
#[derive(Clone, Debug)]
pub struct WaitReport {
    /// The awaited deploy.
    pub id: u64,
    /// Every host waited for.
    pub hosts: BTreeMap<String, HostResult>,
    /// The deadline passed before every host finished.
    pub timed_out: bool,
}

impl WaitReport {
    /// True when any host failed.
    pub fn failed(&self) -> bool {
        self.hosts.values().any(HostResult::failed)
    }
}

fn classify(id: u64, status: Option<&HostStatus>) -> HostResult {
    match status {
        Some(s) if s.deploy > id => HostResult::Superseded(s.clone()),
        Some(s) if s.deploy == id && s.state.is_final() => HostResult::Done(s.clone()),
        other => HostResult::Pending(other.cloned()),
    }
}

/// Reads live hosts and statuses in one transaction; the revision read.
async fn snapshot(store: &Store) -> Result<(Vec<String>, BTreeMap<String, HostStatus>, i64), DeployError> {
    let k = store.keys();
    let txn = Txn::new().and_then([TxnOp::get(k.hosts(), Some(GetOptions::new().with_prefix().with_keys_only())), TxnOp::get(k.statuses(), Some(GetOptions::new().with_prefix()))]);
    let resp = store.txn(txn, "read the hosts' status").await?;
    let rev = resp.header().map_or(0, |h| h.revision());
    let mut hosts = Vec::new();
    let mut statuses = BTreeMap::new();
    for (i, r) in resp.op_responses().into_iter().enumerate() {
        let TxnOpResponse::Get(g) = r else { continue };
        for kv in g.kvs() {
            let key = String::from_utf8_lossy(kv.key());
            if i == 0 {
                if let Some(h) = key.strip_prefix(&k.hosts()) {
                    hosts.push(h.to_string());
                }
            } else if let Ok(s) = Store::parse::<HostStatus>(kv) {
                statuses.insert(s.host.clone(), s);
            }
        }
    }
    Ok((hosts, statuses, rev))
}

/// Waits until every live agent has finished deploy `id` (or moved past it), or `timeout`
/// passes. `on_change(host, result)` is called whenever a host's result changes.
pub async fn wait(store: &Store, id: u64, timeout: Duration, mut on_change: impl FnMut(&str, &HostResult)) -> Result<WaitReport, DeployError> {
    let deadline = Instant::now() + timeout;
    let mut shown: BTreeMap<String, HostResult> = BTreeMap::new();
    let k = store.keys().clone();
    let mut watch: Option<etcd_client::WatchStream> = None;
    loop {
        let (live, statuses, rev) = snapshot(store).await?;
        let mut all_done = true;
        let mut current = BTreeMap::new();
        for host in live.iter().chain(shown.keys().filter(|h| !live.contains(h))) {
            let r = classify(id, statuses.get(host));
            let gone = !live.contains(host);
            if !gone && matches!(r, HostResult::Pending(_)) {
                all_done = false;
            }
            if gone && matches!(r, HostResult::Pending(_)) {
                continue;
            }
            if shown.get(host) != Some(&r) {
                on_change(host, &r);
            }
            current.insert(host.clone(), r);
        }
        shown = current;
        if all_done {
            return Ok(WaitReport { id, hosts: shown, timed_out: false });
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Ok(WaitReport { id, hosts: shown, timed_out: true });
        }
        if watch.is_none() {
            // One watch over P/hosts/ … P/status/ (nothing else sorts between them).
            let opts = WatchOptions::new().with_range(format!("{}0", k.statuses().trim_end_matches('/'))).with_start_revision(rev + 1);
            let hosts_key = k.hosts();
            let call = store.call("watch the hosts' status", |mut c| {
                let (hosts_key, opts) = (hosts_key.clone(), opts.clone());
                async move { c.watch(hosts_key, Some(opts)).await }
            });
            watch = call.await.ok();
        }
        let tick = left.min(Duration::from_secs(1));
        match &mut watch {
            Some(w) => match tokio::time::timeout(tick, w.message()).await {
                Ok(Ok(Some(m))) if !m.canceled() => {}
                Err(_) => {}
                Ok(Ok(_)) | Ok(Err(_)) => {
                    watch = None;
                    tokio::time::sleep(Duration::from_millis(100).min(left)).await;
                }
            },
            None => tokio::time::sleep(Duration::from_millis(200).min(left)).await,
        }
    }
}
