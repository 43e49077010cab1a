//! The etcd side of deploying: connecting (endpoints, TLS, user auth), and every read and write
//! of the [key schema](super::schema). Requests have a deadline, and errors are turned into
//! [`DeployError`]s that name the endpoints and what to check.

use super::error::DeployError;
use super::manifest::{Manifest, sha256_hex};
use super::schema::{BlobMeta, CHUNK_SIZE, Head, HostRecord, HostStatus, Keys};
use etcd_client::{Client, Compare, CompareOp, ConnectOptions, GetOptions, KeyValue, Txn, TxnOp, TxnOpResponse};
use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;
use std::time::Duration;

/// How long one etcd request may take.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// How many operations one transaction may hold (etcd's default `--max-txn-ops` is 128).
const MAX_TXN_OPS: usize = 100;

/// How many bytes one write transaction may carry (etcd refuses requests over 1.5 MiB).
const MAX_TXN_BYTES: usize = 1200 * 1024;

/// The result of [`Store::allocate`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Allocation {
    /// The deploy was stored under this id.
    Id(u64),
    /// A blob of the manifest is gone (pruned meanwhile): upload again and retry.
    BlobsMissing,
}

/// Where etcd is and how to log in. (Its `Debug` output never shows the password.)
#[derive(Clone, Default)]
pub struct EtcdConfig {
    /// Client URLs (`http://127.0.0.1:2379`, `https://…`).
    pub endpoints: Vec<String>,
    /// The key prefix (default `/mcl`).
    pub prefix: String,
    /// CA certificate (PEM) to verify the servers.
    pub ca: Option<PathBuf>,
    /// Client certificate (PEM).
    pub cert: Option<PathBuf>,
    /// Client key (PEM).
    pub key: Option<PathBuf>,
    /// User name and password.
    pub user: Option<(String, String)>,
}

impl EtcdConfig {
    /// Endpoints from a comma-separated list (as in `MCL_ETCD_ENDPOINTS`); `/mcl` as the prefix.
    pub fn from_list(list: &str) -> EtcdConfig {
        EtcdConfig { endpoints: split_endpoints(list), prefix: "/mcl".into(), ..EtcdConfig::default() }
    }
}

impl std::fmt::Debug for EtcdConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EtcdConfig")
            .field("endpoints", &self.endpoints)
            .field("prefix", &self.prefix)
            .field("ca", &self.ca)
            .field("cert", &self.cert)
            .field("key", &self.key)
            .field("user", &self.user.as_ref().map(|(u, _)| (u, "<redacted>")))
            .finish()
    }
}

impl EtcdConfig {
    /// A warning for endpoints reached over the network without TLS (`http://` to a host
    /// that is not loopback), or `None`.
    pub fn plaintext_warning(&self) -> Option<String> {
        let remote: Vec<&str> = self.endpoints.iter().filter(|e| !e.starts_with("https://") && !e.starts_with("unix") && !is_loopback(&authority(e))).map(String::as_str).collect();
        if remote.is_empty() {
            return None;
        }
        let mut w = format!(
            "etcd at {} is reached without TLS: anyone on the network path can read the deploys (and any secret in them), and anyone who can write to the prefix runs code on every agent",
            remote.join(", ")
        );
        if self.user.is_some() {
            w.push_str("; the password of --etcd-user crosses the network in clear text");
        }
        w.push_str(" — use https:// endpoints with --etcd-ca, --etcd-cert and --etcd-key (docs/security.md)");
        Some(w)
    }
}

/// True when the host of `authority` (`host:port`) is a loopback address or `localhost`.
fn is_loopback(authority: &str) -> bool {
    let host = authority.rsplit_once(':').map_or(authority, |(h, _)| h).trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost") || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Splits a comma- or space-separated endpoint list.
pub fn split_endpoints(list: &str) -> Vec<String> {
    list.split([',', ' ']).map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect()
}

/// A connection to the cluster, with the keys of one prefix.
#[derive(Clone)]
pub struct Store {
    client: Client,
    keys: Keys,
    endpoints: String,
}

/// The host:port of an endpoint URL.
fn authority(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let host = rest.split('/').next().unwrap_or(rest);
    if host.rsplit_once(':').is_some_and(|(_, p)| p.parse::<u16>().is_ok()) && !host.ends_with(']') { host.to_string() } else { format!("{host}:2379") }
}

/// Tries a TCP connection to each endpoint; the first success, or why none worked.
fn probe(endpoints: &[String]) -> Result<(), String> {
    use std::net::ToSocketAddrs;
    let mut reasons = Vec::new();
    for e in endpoints {
        let addrs = match authority(e).to_socket_addrs() {
            Ok(a) => a.collect::<Vec<_>>(),
            Err(err) => {
                reasons.push(format!("{e}: cannot resolve the address ({err})"));
                continue;
            }
        };
        for a in addrs {
            match std::net::TcpStream::connect_timeout(&a, Duration::from_secs(2)) {
                Ok(_) => return Ok(()),
                Err(err) if err.kind() == std::io::ErrorKind::ConnectionRefused => reasons.push("connection refused".into()),
                Err(err) if err.kind() == std::io::ErrorKind::TimedOut => reasons.push("no answer within 2 s".into()),
                Err(err) => reasons.push(err.to_string()),
            }
        }
    }
    reasons.dedup();
    Err(reasons.join("; "))
}

fn read_pem(path: &PathBuf) -> Result<Vec<u8>, DeployError> {
    std::fs::read(path).map_err(|e| DeployError::Tls { path: path.clone(), message: e.to_string() })
}

/// True for errors worth another try on a cluster that is changing: the request never reached
/// a server (its member is down), the connection broke under it (its member died: tonic says
/// "transport error"), or the cluster was electing a leader. Every write of this crate is
/// idempotent or detects its own earlier success (id allocation, registration), so an
/// ambiguous write is safe to repeat.
fn transient(e: &etcd_client::Error) -> bool {
    let m = message(e).to_lowercase();
    matches!(e, etcd_client::Error::GRpcStatus(_) | etcd_client::Error::TransportError(_))
        && ["tcp connect", "connection refused", "not ready", "connect error", "leader changed", "no leader", "request timed out", "too many requests", "broken pipe", "connection reset", "transport error", "connection closed"]
            .iter()
            .any(|t| m.contains(t))
}

/// The most specific text of an etcd client error (the innermost cause).
fn message(e: &etcd_client::Error) -> String {
    match e {
        etcd_client::Error::GRpcStatus(s) => s.message().trim_start_matches("etcdserver: ").to_string(),
        other => {
            let mut msg = other.to_string();
            let mut source = std::error::Error::source(other);
            while let Some(s) = source {
                msg = s.to_string();
                source = s.source();
            }
            msg
        }
    }
}

impl Store {
    /// Connects: checks that an endpoint answers, logs in when a user is given, and reads
    /// `P/head` to be sure the cluster serves requests.
    pub async fn connect(cfg: &EtcdConfig) -> Result<Store, DeployError> {
        if cfg.endpoints.is_empty() {
            return Err(DeployError::NoEndpoints);
        }
        let endpoints = cfg.endpoints.join(", ");
        let list = cfg.endpoints.clone();
        let probed = tokio::task::spawn_blocking(move || probe(&list)).await.unwrap_or_else(|e| Err(e.to_string()));
        if let Err(reason) = probed {
            return Err(DeployError::Unreachable { endpoints, reason });
        }
        let tls_wanted = cfg.ca.is_some() || cfg.cert.is_some() || cfg.key.is_some();
        let mut opts = ConnectOptions::new()
            .with_connect_timeout(Duration::from_secs(3))
            .with_keep_alive(Duration::from_secs(3), Duration::from_secs(3))
            .with_keep_alive_while_idle(true);
        if tls_wanted {
            if let Some(plain) = cfg.endpoints.iter().find(|e| e.starts_with("http://")) {
                return Err(DeployError::Other(format!("TLS files were given but the endpoint {plain} is http://: use https:// endpoints")));
            }
            let mut tls = etcd_client::TlsOptions::new();
            if let Some(ca) = &cfg.ca {
                tls = tls.ca_certificate(etcd_client::Certificate::from_pem(read_pem(ca)?));
            }
            match (&cfg.cert, &cfg.key) {
                (Some(cert), Some(key)) => tls = tls.identity(etcd_client::Identity::from_pem(read_pem(cert)?, read_pem(key)?)),
                (None, None) => {}
                (Some(p), None) | (None, Some(p)) => return Err(DeployError::Tls { path: p.clone(), message: "--etcd-cert and --etcd-key go together".into() }),
            }
            opts = opts.with_tls(tls);
        }
        if let Some((user, password)) = &cfg.user {
            opts = opts.with_user(user.clone(), password.clone());
        }
        let connected = tokio::time::timeout(REQUEST_TIMEOUT, Client::connect(&cfg.endpoints, Some(opts))).await;
        let client = match connected {
            Err(_) => return Err(DeployError::Unreachable { endpoints, reason: format!("no answer within {} s", REQUEST_TIMEOUT.as_secs()) }),
            Ok(Err(e)) => return Err(Store::classify(&endpoints, "connect", &e)),
            Ok(Ok(c)) => c,
        };
        let store = Store { client, keys: Keys::new(if cfg.prefix.is_empty() { "/mcl" } else { &cfg.prefix }), endpoints };
        store.get(store.keys.head(), None, "read the newest deploy").await?;
        Ok(store)
    }

    fn classify(endpoints: &str, op: &str, e: &etcd_client::Error) -> DeployError {
        let msg = message(e);
        let lower = msg.to_lowercase();
        let tls = lower.contains("certificate") || lower.contains("tls") || lower.contains("handshake") || lower.contains("unknownissuer");
        if lower.contains("authentication") || lower.contains("permission denied") || lower.contains("invalid auth token") || lower.contains("user name") {
            DeployError::Auth { endpoints: endpoints.to_string(), message: msg }
        } else if tls {
            DeployError::Other(format!("etcd at {endpoints}: TLS failed: {msg} — check --etcd-ca (the servers' CA), --etcd-cert/--etcd-key, and that the certificate names the host of the URL"))
        } else if lower.contains("connection refused") || lower.contains("tcp connect") {
            DeployError::Unreachable { endpoints: endpoints.to_string(), reason: msg }
        } else if lower == "transport error" || lower.contains("connection closed") {
            let message = format!("the connection broke ({msg}) and kept breaking — are the members up, and is a majority of the cluster?");
            DeployError::Etcd { endpoints: endpoints.to_string(), op: op.to_string(), message }
        } else {
            DeployError::Etcd { endpoints: endpoints.to_string(), op: op.to_string(), message: msg }
        }
    }

    /// An etcd error as a [`DeployError`] about `op`.
    pub fn error(&self, op: &str, e: &etcd_client::Error) -> DeployError {
        Store::classify(&self.endpoints, op, e)
    }

    fn timeout(&self, op: &str) -> DeployError {
        DeployError::Etcd {
            endpoints: self.endpoints.clone(),
            op: op.to_string(),
            message: format!("no answer within {} s — is a majority of the cluster up?", REQUEST_TIMEOUT.as_secs()),
        }
    }

    /// The key schema of this store's prefix.
    pub fn keys(&self) -> &Keys {
        &self.keys
    }

    /// The endpoints, for messages.
    pub fn endpoints(&self) -> &str {
        &self.endpoints
    }

    /// The etcd client (cheap to clone), for watches and leases.
    pub fn client(&self) -> Client {
        self.client.clone()
    }

    /// Runs `f` on a clone of the client with the request deadline; errors name `op`.
    ///
    /// A request that failed [transiently](transient) (a member down, a leader election) is
    /// tried again until the deadline.
    pub async fn call<T, F, Fut>(&self, op: &str, mut f: F) -> Result<T, DeployError>
    where
        F: FnMut(Client) -> Fut,
        Fut: std::future::Future<Output = Result<T, etcd_client::Error>>,
    {
        let deadline = tokio::time::Instant::now() + REQUEST_TIMEOUT;
        loop {
            match tokio::time::timeout_at(deadline, f(self.client.clone())).await {
                Err(_) => return Err(self.timeout(op)),
                Ok(Ok(v)) => return Ok(v),
                Ok(Err(e)) if transient(&e) && tokio::time::Instant::now() + Duration::from_millis(50) < deadline => {
                    tracing::debug!("{op}: {}; trying again", message(&e));
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
                Ok(Err(e)) => return Err(self.error(op, &e)),
            }
        }
    }

    /// The key-values of a get.
    pub async fn get(&self, key: String, opts: Option<GetOptions>, op: &str) -> Result<Vec<KeyValue>, DeployError> {
        self.call(op, |mut c| {
            let (key, opts) = (key.clone(), opts.clone());
            async move { c.get(key, opts).await.map(|mut r| r.take_kvs()) }
        })
        .await
    }

    /// A transaction.
    pub async fn txn(&self, txn: Txn, op: &str) -> Result<etcd_client::TxnResponse, DeployError> {
        self.call(op, |mut c| {
            let txn = txn.clone();
            async move { c.txn(txn).await }
        })
        .await
    }

    /// Parses a JSON record stored at `key`.
    pub fn parse<T: serde::de::DeserializeOwned>(kv: &KeyValue) -> Result<T, DeployError> {
        serde_json::from_slice(kv.value()).map_err(|e| DeployError::Other(format!("the record at {} does not parse: {e}", String::from_utf8_lossy(kv.key()))))
    }

    /// `P/head` and its mod revision (0 when there is no deploy yet).
    pub async fn head(&self) -> Result<(Option<Head>, i64), DeployError> {
        let kvs = self.get(self.keys.head(), None, "read the newest deploy").await?;
        match kvs.first() {
            Some(kv) => Ok((Some(Store::parse(kv)?), kv.mod_revision())),
            None => Ok((None, 0)),
        }
    }

    /// The validated manifest of deploy `id`.
    pub async fn manifest(&self, id: u64) -> Result<Manifest, DeployError> {
        let kvs = self.get(self.keys.deploy(id), None, &format!("read deploy {id}")).await?;
        let kv = kvs.first().ok_or(DeployError::NoSuchDeploy { id })?;
        Manifest::parse(id, kv.value())
    }

    /// Every stored manifest by id, oldest first; unreadable ones as errors.
    pub async fn manifests(&self) -> Result<Vec<(u64, Result<Manifest, DeployError>)>, DeployError> {
        let kvs = self.get(self.keys.deploys(), Some(GetOptions::new().with_prefix()), "read the deploy log").await?;
        let mut out = Vec::new();
        for kv in &kvs {
            let key = String::from_utf8_lossy(kv.key());
            if let Some(id) = self.keys.deploy_id(&key) {
                out.push((id, Manifest::parse(id, kv.value())));
            }
        }
        Ok(out)
    }

    /// Which of the blobs `shas` are not stored (complete) yet.
    pub async fn missing_blobs(&self, shas: &[String]) -> Result<HashSet<String>, DeployError> {
        let mut missing = HashSet::new();
        for group in shas.chunks(MAX_TXN_OPS) {
            let ops: Vec<TxnOp> = group.iter().map(|s| TxnOp::get(self.keys.blob(s), Some(GetOptions::new().with_count_only()))).collect();
            let resp = self.txn(Txn::new().and_then(ops), "look up stored files").await?;
            for (sha, r) in group.iter().zip(resp.op_responses()) {
                if let TxnOpResponse::Get(g) = r
                    && g.count() == 0
                {
                    missing.insert(sha.clone());
                }
            }
        }
        Ok(missing)
    }

    /// Stores blobs (content-addressed, so storing one twice is harmless): every chunk first,
    /// then its [`BlobMeta`], packed into as few transactions as etcd's limits allow.
    pub async fn put_blobs(&self, blobs: &[(&str, &[u8])]) -> Result<(), DeployError> {
        let now = super::manifest::now_rfc3339();
        let mut ops: Vec<(TxnOp, usize)> = Vec::new();
        for (sha, bytes) in blobs {
            let chunks: Vec<&[u8]> = if bytes.is_empty() { vec![&[][..]] } else { bytes.chunks(CHUNK_SIZE).collect() };
            for (n, c) in chunks.iter().enumerate() {
                ops.push((TxnOp::put(self.keys.chunk(sha, n), c.to_vec(), None), c.len() + 128));
            }
            let meta = BlobMeta { size: bytes.len() as u64, chunks: chunks.len(), created_at: now.clone() };
            let json = serde_json::to_vec(&meta).map_err(|e| DeployError::Other(e.to_string()))?;
            ops.push((TxnOp::put(self.keys.blob(sha), json, None), 256));
        }
        let mut batch: Vec<TxnOp> = Vec::new();
        let mut bytes = 0;
        for (op, size) in ops {
            if !batch.is_empty() && (batch.len() >= MAX_TXN_OPS || bytes + size > MAX_TXN_BYTES) {
                self.txn(Txn::new().and_then(std::mem::take(&mut batch)), "store the deploy's files").await?;
                bytes = 0;
            }
            bytes += size;
            batch.push(op);
        }
        if !batch.is_empty() {
            self.txn(Txn::new().and_then(batch), "store the deploy's files").await?;
        }
        Ok(())
    }

    /// Reads blobs for deploy `id`: `wanted` is `(path, sha256, size)`; each blob's content is
    /// checked against its sha256 and size. Returns the contents by sha256.
    pub async fn read_blobs(&self, id: u64, wanted: &[(String, String, u64)]) -> Result<BTreeMap<String, Vec<u8>>, DeployError> {
        let op = format!("read the files of deploy {id}");
        let mut out = BTreeMap::new();
        // Batches of [meta, first chunk] gets, bounded in count and expected size.
        let mut groups: Vec<Vec<&(String, String, u64)>> = vec![Vec::new()];
        let mut size = 0u64;
        for w in wanted {
            let last = groups.last_mut().map(|g| g.len()).unwrap_or(0);
            if last > 0 && (last * 2 >= MAX_TXN_OPS || size + w.2.min(CHUNK_SIZE as u64) > 2 * CHUNK_SIZE as u64) {
                groups.push(Vec::new());
                size = 0;
            }
            size += w.2.min(CHUNK_SIZE as u64);
            if let Some(g) = groups.last_mut() {
                g.push(w);
            }
        }
        for group in groups.into_iter().filter(|g| !g.is_empty()) {
            let mut ops = Vec::new();
            for (_, sha, _) in &group {
                ops.push(TxnOp::get(self.keys.blob(sha), None));
                ops.push(TxnOp::get(self.keys.chunk(sha, 0), None));
            }
            let resp = self.txn(Txn::new().and_then(ops), &op).await?;
            let rs = resp.op_responses();
            for (i, (path, sha, size)) in group.iter().enumerate() {
                let bad = |reason: String| DeployError::BadBlob { id, path: path.clone(), reason };
                let first_kv = |r: Option<&TxnOpResponse>| match r {
                    Some(TxnOpResponse::Get(g)) => g.kvs().first().cloned(),
                    _ => None,
                };
                let meta_kv = first_kv(rs.get(2 * i)).ok_or_else(|| bad(format!("its content {sha} is not stored (incomplete upload, or pruned)")))?;
                let meta: BlobMeta = Store::parse(&meta_kv)?;
                // The record must agree with the manifest's size before any more is read, so
                // a bogus record can't make the agent read without bound.
                let chunks = usize::try_from(size.div_ceil(CHUNK_SIZE as u64)).unwrap_or(usize::MAX).max(1);
                if meta.size != *size || meta.chunks != chunks {
                    return Err(bad(format!("its stored record says {} bytes in {} chunks, the manifest says {size} bytes", meta.size, meta.chunks)));
                }
                let mut bytes = first_kv(rs.get(2 * i + 1)).map(|kv| kv.value().to_vec()).ok_or_else(|| bad(format!("chunk 0 of {sha} is missing")))?;
                for n in 1..chunks {
                    if bytes.len() as u64 > *size {
                        break;
                    }
                    let kvs = self.get(self.keys.chunk(sha, n), None, &op).await?;
                    let kv = kvs.first().ok_or_else(|| bad(format!("chunk {n} of {sha} is missing")))?;
                    bytes.extend_from_slice(kv.value());
                }
                if bytes.len() as u64 != *size {
                    return Err(bad(format!("its content has {} bytes, the manifest says {size}", bytes.len())));
                }
                let got = sha256_hex(&bytes);
                if got != *sha {
                    return Err(bad(format!("its content's sha256 is {got}, the manifest says {sha}")));
                }
                out.insert(sha.clone(), bytes);
            }
        }
        Ok(out)
    }

    /// Stores `manifest` as the next deploy: allocates the id and writes the manifest and
    /// `P/head` in one transaction, retrying when another deployer got there first. Sets and
    /// returns the id. The transaction also requires every blob of the manifest to exist (so a
    /// concurrent `prune` can't leave it with missing files): [`Allocation::BlobsMissing`] when
    /// one vanished.
    pub async fn allocate(&self, manifest: &mut Manifest) -> Result<Allocation, DeployError> {
        let mut shas: Vec<&str> = manifest.files.iter().map(|f| f.sha256.as_str()).collect();
        shas.sort_unstable();
        shas.dedup();
        let blob_guards: Vec<Compare> = shas.iter().take(MAX_TXN_OPS).map(|s| Compare::create_revision(self.keys.blob(s), CompareOp::Greater, 0)).collect();
        let (mut head, mut rev) = self.head().await?;
        let op = "allocate a deploy id";
        for attempt in 0..200u32 {
            let id = head.as_ref().map_or(0, |h| h.id) + 1;
            manifest.id = id;
            let json = serde_json::to_vec_pretty(&*manifest).map_err(|e| DeployError::Other(e.to_string()))?;
            let new_head = serde_json::to_vec(&Head { id, content: manifest.content.clone() }).map_err(|e| DeployError::Other(e.to_string()))?;
            let head_key = self.keys.head();
            let guard = if rev == 0 { Compare::create_revision(head_key.clone(), CompareOp::Equal, 0) } else { Compare::mod_revision(head_key.clone(), CompareOp::Equal, rev) };
            let mut guards = vec![guard, Compare::create_revision(self.keys.deploy(id), CompareOp::Equal, 0)];
            guards.extend(blob_guards.iter().cloned());
            let txn = Txn::new()
                .when(guards)
                .and_then([TxnOp::put(head_key.clone(), new_head, None), TxnOp::put(self.keys.deploy(id), json.clone(), None)])
                .or_else([TxnOp::get(head_key, None)]);
            let resp = self.txn(txn, op).await?;
            if resp.succeeded() {
                return Ok(Allocation::Id(id));
            }
            // Lost the race: take the head the transaction saw and try the next id.
            let kv = resp.op_responses().into_iter().find_map(|r| match r {
                TxnOpResponse::Get(g) => g.kvs().first().cloned(),
                _ => None,
            });
            let new_rev = kv.as_ref().map_or(0, KeyValue::mod_revision);
            // A retried transaction may find its own earlier, applied attempt.
            if let Some(h) = kv.as_ref().and_then(|kv| Store::parse::<Head>(kv).ok())
                && h.id == id
                && h.content == manifest.content
                && let Some(stored) = self.get(self.keys.deploy(id), None, op).await?.first()
                && stored.value() == json.as_slice()
            {
                return Ok(Allocation::Id(id));
            }
            if new_rev == rev {
                // The head did not move, so a blob guard failed.
                return Ok(Allocation::BlobsMissing);
            }
            head = kv.as_ref().map(Store::parse).transpose()?;
            rev = new_rev;
            let jitter = (std::process::id() as u64 * 7919 + attempt as u64 * 104_729 + now_nanos()) % 20;
            tokio::time::sleep(Duration::from_millis(jitter)).await;
        }
        Err(DeployError::Etcd { endpoints: self.endpoints.clone(), op: op.into(), message: "200 attempts lost the race to other deployers; try again".into() })
    }

    /// The JSON records below `prefix` that parse as `T`, by the name `name` gives them.
    async fn records<T: serde::de::DeserializeOwned>(&self, prefix: String, op: &str, name: impl Fn(&T) -> String) -> Result<BTreeMap<String, T>, DeployError> {
        let kvs = self.get(prefix, Some(GetOptions::new().with_prefix()), op).await?;
        Ok(kvs.iter().filter_map(|kv| Store::parse::<T>(kv).ok()).map(|r| (name(&r), r)).collect())
    }

    /// Live agents (registered under a lease) by host name.
    pub async fn hosts(&self) -> Result<BTreeMap<String, HostRecord>, DeployError> {
        self.records(self.keys.hosts(), "read the registered hosts", |r: &HostRecord| r.host.clone()).await
    }

    /// Every host's last status by host name.
    pub async fn statuses(&self) -> Result<BTreeMap<String, HostStatus>, DeployError> {
        self.records(self.keys.statuses(), "read the hosts' status", |s: &HostStatus| s.host.clone()).await
    }
}

fn now_nanos() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| u64::from(d.subsec_nanos())).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authorities() {
        assert_eq!(authority("http://127.0.0.1:2379"), "127.0.0.1:2379");
        assert_eq!(authority("https://etcd.example"), "etcd.example:2379");
        assert_eq!(authority("127.0.0.1:4001/"), "127.0.0.1:4001");
        assert_eq!(split_endpoints("http://a:1, http://b:2"), vec!["http://a:1", "http://b:2"]);
    }

    #[test]
    fn plaintext_and_secrets() {
        let cfg = |list: &str| EtcdConfig::from_list(list);
        for local in ["http://127.0.0.1:2379", "http://localhost:2379", "http://[::1]:2379", "127.0.0.5:2379", "https://10.0.0.1:2379", "unix:///run/etcd.sock"] {
            assert_eq!(cfg(local).plaintext_warning(), None, "{local}");
        }
        let w = cfg("http://127.0.0.1:2379,http://10.0.0.1:2379").plaintext_warning().expect("a warning");
        assert!(w.contains("etcd at http://10.0.0.1:2379 is reached without TLS") && !w.contains("127.0.0.1") && !w.contains("password"), "{w}");
        let mut with_user = cfg("http://etcd.example:2379");
        with_user.user = Some(("alice".into(), "s3cret".into()));
        assert!(with_user.plaintext_warning().is_some_and(|w| w.contains("password of --etcd-user crosses the network")));
        let shown = format!("{with_user:?}");
        assert!(shown.contains("alice") && !shown.contains("s3cret"), "{shown}");
    }
}
