//! The key schema: every key the deployer and the agents use, below one prefix (default
//! `/mcl`), and the JSON records stored in them. `docs/deploy.md` describes the same schema for
//! people; this module is the only place in the code that spells a key.
//!
//! | key | value |
//! |---|---|
//! | `P/head` | [`Head`]: the newest deploy id and its content hash |
//! | `P/deploys/<id>` | a [`Manifest`](super::manifest::Manifest) (id zero-padded to 10 digits) |
//! | `P/blobs/<sha256>` | [`BlobMeta`]: size and chunk count, written after every chunk |
//! | `P/chunks/<sha256>/<n>` | raw bytes of chunk `n` (4 digits) of that blob |
//! | `P/hosts/<host>` | [`HostRecord`], attached to the agent's lease |
//! | `P/status/<host>` | [`HostStatus`] |
//! | `P/world/values/<key>` | JSON string: `world.getval` / `kv` |
//! | `P/world/ns/<namespace>/<host>` | JSON string: `world.kvlookup` |
//! | `P/world/exported/<host>/<kind>/<name>` | [`Exported`](mcl_compiler::eval::stdlib::Exported): `world/collect.res` |

use serde::{Deserialize, Serialize};

/// The largest chunk of a blob stored in one key (etcd refuses requests over 1.5 MiB by
/// default; one chunk plus the request's overhead stays well below).
pub const CHUNK_SIZE: usize = 1024 * 1024;

/// The keys of one deploy namespace (a prefix such as `/mcl`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Keys {
    prefix: String,
}

impl Keys {
    /// The keys below `prefix` (a trailing `/` is dropped; an empty prefix means the root).
    pub fn new(prefix: &str) -> Keys {
        Keys { prefix: prefix.trim_end_matches('/').to_string() }
    }

    /// The prefix as given (without a trailing `/`).
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// `P/head`.
    pub fn head(&self) -> String {
        format!("{}/head", self.prefix)
    }

    /// `P/deploys/` (every manifest).
    pub fn deploys(&self) -> String {
        format!("{}/deploys/", self.prefix)
    }

    /// `P/deploys/<id>`, the id zero-padded so that keys sort by id.
    pub fn deploy(&self, id: u64) -> String {
        format!("{}/deploys/{id:010}", self.prefix)
    }

    /// The id of a `P/deploys/<id>` key.
    pub fn deploy_id(&self, key: &str) -> Option<u64> {
        key.strip_prefix(&self.deploys())?.parse().ok()
    }

    /// `P/blobs/` (every blob's metadata).
    pub fn blobs(&self) -> String {
        format!("{}/blobs/", self.prefix)
    }

    /// `P/blobs/<sha256>`.
    pub fn blob(&self, sha: &str) -> String {
        format!("{}/blobs/{sha}", self.prefix)
    }

    /// `P/chunks/<sha256>/` (every chunk of one blob).
    pub fn chunks(&self, sha: &str) -> String {
        format!("{}/chunks/{sha}/", self.prefix)
    }

    /// `P/chunks/<sha256>/<n>`.
    pub fn chunk(&self, sha: &str, n: usize) -> String {
        format!("{}/chunks/{sha}/{n:04}", self.prefix)
    }

    /// `P/hosts/` (every live agent).
    pub fn hosts(&self) -> String {
        format!("{}/hosts/", self.prefix)
    }

    /// `P/hosts/<host>`.
    pub fn host(&self, host: &str) -> String {
        format!("{}/hosts/{host}", self.prefix)
    }

    /// `P/status/` (every agent's last report).
    pub fn statuses(&self) -> String {
        format!("{}/status/", self.prefix)
    }

    /// `P/status/<host>`.
    pub fn status(&self, host: &str) -> String {
        format!("{}/status/{host}", self.prefix)
    }

    /// `P/world/` (the world functions' store).
    pub fn world(&self) -> String {
        format!("{}/world/", self.prefix)
    }

    /// `P/world/values/<key>`.
    pub fn world_value(&self, key: &str) -> String {
        format!("{}/world/values/{key}", self.prefix)
    }

    /// `P/world/ns/<namespace>/<host>`.
    pub fn world_ns(&self, namespace: &str, host: &str) -> String {
        format!("{}/world/ns/{namespace}/{host}", self.prefix)
    }

    /// `P/world/exported/<host>/` (what one host exports).
    pub fn world_exported_by(&self, host: &str) -> String {
        format!("{}/world/exported/{host}/", self.prefix)
    }

    /// `P/world/exported/<host>/<kind>/<name>`.
    pub fn world_exported(&self, host: &str, kind: &str, name: &str) -> String {
        format!("{}/world/exported/{host}/{kind}/{name}", self.prefix)
    }

    /// What a key below `P/world/` is.
    pub fn parse_world(&self, key: &str) -> Option<WorldKey> {
        let rest = key.strip_prefix(&self.world())?;
        if let Some(k) = rest.strip_prefix("values/") {
            return Some(WorldKey::Value(k.to_string()));
        }
        if let Some(k) = rest.strip_prefix("exported/") {
            // Host and kind have no `/`; the name may (file paths).
            let (host, rest) = k.split_once('/')?;
            let (kind, name) = rest.split_once('/')?;
            return Some(WorldKey::Exported { host: host.to_string(), kind: kind.to_string(), name: name.to_string() });
        }
        let rest = rest.strip_prefix("ns/")?;
        let (ns, host) = rest.rsplit_once('/')?;
        Some(WorldKey::Namespace(ns.to_string(), host.to_string()))
    }
}

/// A key of the world store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WorldKey {
    /// `world/values/<key>`.
    Value(String),
    /// `world/ns/<namespace>/<host>`.
    Namespace(String, String),
    /// `world/exported/<host>/<kind>/<name>`.
    Exported {
        /// The exporting host.
        host: String,
        /// The resource's kind.
        kind: String,
        /// The resource's name.
        name: String,
    },
}

/// `P/head`: which deploy is the newest. Written in the same transaction as the manifest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Head {
    /// The newest deploy id (ids start at 1).
    pub id: u64,
    /// Its [`Manifest::content`](super::manifest::Manifest::content) hash.
    pub content: String,
}

/// `P/blobs/<sha256>`: a complete blob.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlobMeta {
    /// Size in bytes.
    pub size: u64,
    /// How many `P/chunks/<sha256>/<n>` keys hold it.
    pub chunks: usize,
    /// When it was first uploaded (RFC 3339, UTC).
    pub created_at: String,
}

/// `P/hosts/<host>`: a live agent (the key disappears with the agent's lease).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostRecord {
    /// The name the agent runs under (`--hostname`).
    pub host: String,
    /// The machine's own hostname.
    pub machine: String,
    /// The agent's process id.
    pub pid: u32,
    /// When the agent registered (RFC 3339, UTC).
    pub started_at: String,
    /// The agent's mclc version.
    pub version: String,
}

/// Where a host is with a deploy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    /// Fetching, verifying and checking the deploy.
    Compiling,
    /// Converging the deploy's graph.
    Applying,
    /// Every resource is in its desired state.
    Converged,
    /// The deploy could not be fetched, checked or evaluated, or a resource failed.
    Failed,
}

impl State {
    /// The state's name as shown and stored (`converged`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            State::Compiling => "compiling",
            State::Applying => "applying",
            State::Converged => "converged",
            State::Failed => "failed",
        }
    }

    /// True for the states a deploy ends in (converged, failed).
    pub fn is_final(self) -> bool {
        matches!(self, State::Converged | State::Failed)
    }
}

impl std::fmt::Display for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `P/status/<host>`: what an agent last reported.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostStatus {
    /// The host.
    pub host: String,
    /// The deploy this status is about (the newest the agent has seen).
    pub deploy: u64,
    /// Where the host is with it.
    pub state: State,
    /// The deploy actually running: `deploy` unless that one failed before it could start, in
    /// which case the previous one keeps running (`None`: nothing runs).
    pub running: Option<u64>,
    /// When `state` was entered (RFC 3339, UTC).
    pub since: String,
    /// When this record was written (RFC 3339, UTC).
    pub updated_at: String,
    /// Why it failed: diagnostics as `file:line:col: message` (paths inside the deploy) or
    /// resource failures as `file:line:col: kind[name]: reason`.
    #[serde(default)]
    pub diagnostics: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_sort_and_parse() {
        let k = Keys::new("/mcl/");
        assert_eq!(k.deploy(7), "/mcl/deploys/0000000007");
        assert!(k.deploy(9) < k.deploy(10));
        assert_eq!(k.deploy_id("/mcl/deploys/0000000042"), Some(42));
        assert_eq!(k.parse_world("/mcl/world/values/a/b"), Some(WorldKey::Value("a/b".into())));
        assert_eq!(k.parse_world("/mcl/world/ns/x/h1"), Some(WorldKey::Namespace("x".into(), "h1".into())));
        assert_eq!(
            k.parse_world(&k.world_exported("h1", "file", "/tmp/a/b")),
            Some(WorldKey::Exported { host: "h1".into(), kind: "file".into(), name: "/tmp/a/b".into() })
        );
        assert_eq!(serde_json::to_string(&State::Converged).ok().as_deref(), Some("\"converged\""));
    }
}
