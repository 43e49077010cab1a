//! The deploy manifest (`P/deploys/<id>`): which files make up a deploy, their sha256, the entry
//! file, and where the deploy came from. Agents trust nothing in it: [`Manifest::validate`]
//! rejects absolute paths, `..`, duplicate paths, malformed hashes and anything over the size
//! [limits](MAX_FILES) (so a manifest can't make an agent fill its memory or disk) before
//! anything is fetched.

use super::error::DeployError;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::{Component, Path};

/// The manifest format version this code writes and reads.
pub const FORMAT: u32 = 1;

/// At most this many files in one deploy (agents refuse more before fetching anything).
pub const MAX_FILES: usize = 10_000;
/// At most this many bytes in one file of a deploy.
pub const MAX_FILE_SIZE: u64 = 64 * 1024 * 1024;
/// At most this many bytes in all files of a deploy together (an agent holds a deploy's
/// blobs in memory while it materialises them).
pub const MAX_TOTAL_SIZE: u64 = 256 * 1024 * 1024;
/// At most this many bytes in a path inside a deploy.
pub const MAX_PATH_LEN: usize = 1024;
/// At most this many bytes in one component of a path (Linux's `NAME_MAX`).
const MAX_NAME_LEN: usize = 255;

fn mib(n: u64) -> String {
    format!("{:.1} MiB", n as f64 / (1024.0 * 1024.0))
}

/// One file of a deploy.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    /// The path inside the deploy (`/`-separated, relative, no `..`).
    pub path: String,
    /// The content's sha256, lower-case hex; the blob key.
    pub sha256: String,
    /// Size in bytes.
    pub size: u64,
    /// Whether the file is executable.
    #[serde(default)]
    pub executable: bool,
}

/// Git facts about the deployed code, when the entry file is inside a git work tree.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GitInfo {
    /// The work tree's root directory on the deploying machine.
    pub root: String,
    /// The commit HEAD points at (absent in a repository without commits).
    pub commit: Option<String>,
    /// The branch HEAD is on (absent when detached).
    pub branch: Option<String>,
    /// True when the work tree has uncommitted changes (tracked or untracked files).
    pub dirty: bool,
}

/// A deploy: `P/deploys/<id>`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// Format version ([`FORMAT`]).
    pub format: u32,
    /// The deploy id (1, 2, …), allocated when the manifest is stored.
    pub id: u64,
    /// The entry file's path inside the deploy.
    pub entry: String,
    /// Every file, sorted by path.
    pub files: Vec<FileEntry>,
    /// The hash of entry, noop flag and files ([`content_hash`]): equal for equal deploys.
    pub content: String,
    /// Agents only check what would change (`--noop`).
    #[serde(default)]
    pub noop: bool,
    /// When it was deployed (RFC 3339, UTC).
    pub created_at: String,
    /// Who deployed it (`name <email>` from git, else `user@machine`).
    pub author: String,
    /// The entry file's path on the deploying machine.
    pub source: String,
    /// Git facts, when the entry file is inside a git work tree.
    pub git: Option<GitInfo>,
}

/// The lower-case hex sha256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

/// The content hash of a deploy: what makes two deploys "the same".
pub fn content_hash(entry: &str, noop: bool, files: &[FileEntry]) -> String {
    let mut h = Sha256::new();
    h.update(format!("mcl-deploy {FORMAT}\nentry {entry}\nnoop {noop}\n"));
    for f in files {
        h.update(format!("{} {} {} {}\n", f.sha256, f.size, f.executable, f.path));
    }
    hex(&h.finalize())
}

/// True for a lower-case hex sha256.
pub fn is_sha256(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Checks that `path` is a safe relative path inside a deploy: not empty, not absolute, no `..`,
/// `.`, empty or backslash components, at most [`MAX_PATH_LEN`] bytes.
pub fn check_path(path: &str) -> Result<(), String> {
    if path.is_empty() {
        return Err("an empty path".into());
    }
    if path.len() > MAX_PATH_LEN {
        return Err(format!("`{}…` is longer than {MAX_PATH_LEN} bytes", path.chars().take(40).collect::<String>()));
    }
    if path.starts_with('/') {
        return Err(format!("`{path}` is absolute"));
    }
    if path.contains('\\') || path.contains('\0') {
        return Err(format!("`{path}` contains a backslash or NUL"));
    }
    for part in path.split('/') {
        match part {
            "" => return Err(format!("`{path}` has an empty component")),
            "." => return Err(format!("`{path}` has a `.` component")),
            ".." => return Err(format!("`{path}` leaves the deploy (`..`)")),
            p if p.len() > MAX_NAME_LEN => return Err(format!("`{path}` has a component longer than {MAX_NAME_LEN} bytes")),
            _ => {}
        }
    }
    if Path::new(path).components().any(|c| !matches!(c, Component::Normal(_))) {
        return Err(format!("`{path}` is not a plain relative path"));
    }
    Ok(())
}

impl GitInfo {
    /// The commit shortened to 12 characters, or `(no commit)`. (A stored manifest is not
    /// trusted to hold hex, so this counts characters, not bytes.)
    pub fn short_commit(&self) -> String {
        self.commit.as_deref().map(|c| c.chars().take(12).collect()).unwrap_or_else(|| "(no commit)".into())
    }
}

impl Manifest {
    /// Parses and validates a stored manifest; `id` is the id of the key it was read from.
    pub fn parse(id: u64, bytes: &[u8]) -> Result<Manifest, DeployError> {
        let m: Manifest = serde_json::from_slice(bytes).map_err(|e| DeployError::BadManifest { id, reason: format!("not a manifest: {e}") })?;
        m.validate(id)?;
        Ok(m)
    }

    /// Rejects a manifest an agent must not apply: wrong format or id, unsafe paths, duplicate
    /// paths, malformed hashes, an entry that is not among the files, a content hash that does
    /// not match the files, more files or bytes than the limits ([`MAX_FILES`],
    /// [`MAX_FILE_SIZE`], [`MAX_TOTAL_SIZE`], [`MAX_PATH_LEN`]).
    pub fn validate(&self, id: u64) -> Result<(), DeployError> {
        let bad = |reason: String| DeployError::BadManifest { id, reason };
        if self.format != FORMAT {
            return Err(bad(format!("format {} is not supported (this agent reads format {FORMAT}); upgrade the agent", self.format)));
        }
        if self.id != id {
            return Err(bad(format!("it claims id {} but is stored as deploy {id}", self.id)));
        }
        if self.files.len() > MAX_FILES {
            return Err(bad(format!("it has {} files, more than the {MAX_FILES} an agent accepts", self.files.len())));
        }
        let mut total = 0u64;
        for f in &self.files {
            if f.size > MAX_FILE_SIZE {
                return Err(bad(format!("file `{}` has {}, more than the {} an agent accepts for one file", f.path, mib(f.size), mib(MAX_FILE_SIZE))));
            }
            total = total.saturating_add(f.size);
        }
        if total > MAX_TOTAL_SIZE {
            return Err(bad(format!("its files have {} together, more than the {} an agent accepts", mib(total), mib(MAX_TOTAL_SIZE))));
        }
        let mut seen = std::collections::HashSet::new();
        for f in &self.files {
            check_path(&f.path).map_err(|e| bad(format!("file path {e}")))?;
            if !is_sha256(&f.sha256) {
                return Err(bad(format!("file `{}` has a malformed sha256 `{}`", f.path, f.sha256)));
            }
            if !seen.insert(f.path.as_str()) {
                return Err(bad(format!("file `{}` is listed twice", f.path)));
            }
        }
        check_path(&self.entry).map_err(|e| bad(format!("entry {e}")))?;
        if !seen.contains(self.entry.as_str()) {
            return Err(bad(format!("the entry `{}` is not among its files", self.entry)));
        }
        // A path that is both a file and a directory of another file can't be materialised.
        for f in &self.files {
            let mut dir = f.path.as_str();
            while let Some((parent, _)) = dir.rsplit_once('/') {
                if seen.contains(parent) {
                    return Err(bad(format!("`{parent}` is both a file and a directory")));
                }
                dir = parent;
            }
        }
        if content_hash(&self.entry, self.noop, &self.files) != self.content {
            return Err(bad("its content hash does not match its files".into()));
        }
        Ok(())
    }

    /// A one-line description: `#7 2024-05-01T10:00:00Z alice main.mcl abc1234 (dirty)`.
    pub fn summary(&self) -> String {
        let mut s = format!("{:>4}  {}  {}  {}", self.id, self.created_at, self.author, self.entry);
        if let Some(g) = &self.git {
            s.push_str(&format!("  {}", g.short_commit()));
            if let Some(b) = &g.branch {
                s.push_str(&format!(" {b}"));
            }
            if g.dirty {
                s.push_str(" (dirty)");
            }
        } else {
            s.push_str("  (no git)");
        }
        if self.noop {
            s.push_str("  noop");
        }
        s
    }
}

/// The current time as RFC 3339 in UTC, with milliseconds (`2024-05-01T10:00:00.123Z`).
pub fn now_rfc3339() -> String {
    let d = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    rfc3339(d.as_secs() as i64, d.subsec_millis())
}

/// Unix seconds (and milliseconds) as RFC 3339 in UTC.
pub fn rfc3339(secs: i64, millis: u32) -> String {
    mcl_compiler::eval::stdlib::utc_rfc3339(secs, millis)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(paths: &[&str]) -> Manifest {
        let files: Vec<FileEntry> = paths.iter().map(|p| FileEntry { path: p.to_string(), sha256: sha256_hex(p.as_bytes()), size: 1, executable: false }).collect();
        Manifest {
            format: FORMAT,
            id: 3,
            entry: paths[0].to_string(),
            content: content_hash(paths[0], false, &files),
            files,
            noop: false,
            created_at: now_rfc3339(),
            author: "a".into(),
            source: "/x".into(),
            git: None,
        }
    }

    #[test]
    fn validation() {
        assert!(manifest(&["main.mcl", "files/a"]).validate(3).is_ok());
        assert!(manifest(&["main.mcl"]).validate(4).is_err());
        for bad in [&["../x"][..], &["/etc/passwd"], &["a/../b"], &["main.mcl", "main.mcl"], &["a", "a/b"], &["./a"], &["a//b"]] {
            assert!(manifest(bad).validate(3).is_err(), "{bad:?}");
        }
        let mut m = manifest(&["main.mcl"]);
        m.files[0].sha256 = "00".into();
        assert!(m.validate(3).is_err());
        let mut m = manifest(&["main.mcl"]);
        m.files[0].size = 2;
        assert!(m.validate(3).is_err(), "content hash must cover sizes");
    }

    /// A manifest with `files` as given (content hash recomputed, so only the limits reject it).
    fn with_files(files: Vec<FileEntry>) -> Manifest {
        let mut m = manifest(&["main.mcl"]);
        m.files = files;
        m.content = content_hash(&m.entry, false, &m.files);
        m
    }

    fn entry(path: &str, size: u64) -> FileEntry {
        FileEntry { path: path.to_string(), sha256: sha256_hex(path.as_bytes()), size, executable: false }
    }

    #[test]
    fn limits() {
        // Too many files.
        let many: Vec<FileEntry> = std::iter::once(entry("main.mcl", 1)).chain((0..MAX_FILES).map(|i| entry(&format!("files/{i:05}"), 1))).collect();
        let err = with_files(many).validate(3).expect_err("too many files").to_string();
        assert!(err.contains("10001 files"), "{err}");
        // One file too big; together too big; at the limits it is fine.
        let err = with_files(vec![entry("main.mcl", 1), entry("files/big", MAX_FILE_SIZE + 1)]).validate(3).expect_err("too big").to_string();
        assert!(err.contains("files/big") && err.contains("64.0 MiB"), "{err}");
        assert!(with_files(vec![entry("main.mcl", 1), entry("files/big", MAX_FILE_SIZE)]).validate(3).is_ok());
        let parts: Vec<FileEntry> = std::iter::once(entry("main.mcl", 0)).chain((0..5).map(|i| entry(&format!("files/{i}"), MAX_FILE_SIZE))).collect();
        let err = with_files(parts).validate(3).expect_err("too much").to_string();
        assert!(err.contains("320.0 MiB together"), "{err}");
        // Sizes can't wrap around.
        let err = with_files(vec![entry("main.mcl", 1), entry("a", u64::MAX)]).validate(3).expect_err("huge").to_string();
        assert!(err.contains("file `a`"), "{err}");
        // Long paths and names.
        let long = format!("files/{}", "d/".repeat(MAX_PATH_LEN / 2));
        assert!(check_path(&long).expect_err("long path").contains("longer than 1024 bytes"));
        assert!(check_path(&format!("files/{}", "n".repeat(256))).expect_err("long name").contains("255"));
        assert!(check_path(&format!("files/{}", "n".repeat(255))).is_ok());
    }

    #[test]
    fn times() {
        assert_eq!(rfc3339(0, 0), "1970-01-01T00:00:00.000Z");
        assert_eq!(rfc3339(951_782_400, 5), "2000-02-29T00:00:00.005Z");
        assert_eq!(rfc3339(1_700_000_000, 0), "2023-11-14T22:13:20.000Z");
        assert_eq!(sha256_hex(b""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }
}
