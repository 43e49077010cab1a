//! `mclc deploy`: bundle, describe, upload, and allocate the id — the same code for the command
//! line and the language server.
//!
//! [`prepare`] is local and synchronous (check, bundle, git); [`publish`] talks to etcd: it
//! compares with the newest deploy, uploads only the blobs the cluster lacks (before the
//! manifest exists, so agents never see a deploy whose files are missing), then stores the
//! manifest and moves `P/head` in one transaction.

use super::bundle::{self, Bundle};
use super::error::DeployError;
use super::git;
use super::manifest::{FORMAT, Manifest, content_hash, now_rfc3339};
use super::store::{Allocation, Store};
use std::path::PathBuf;

/// What to deploy and how.
#[derive(Clone, Debug, Default)]
pub struct DeployOptions {
    /// The program: a file, or a module directory.
    pub path: PathBuf,
    /// Agents only check what would change.
    pub noop: bool,
    /// Deploy even when the content equals the newest deploy's.
    pub force: bool,
    /// Refuse a dirty git work tree.
    pub require_clean: bool,
}

/// A checked, bundled deploy with its manifest (id not allocated yet).
#[derive(Debug)]
pub struct Prepared {
    /// The files.
    pub bundle: Bundle,
    /// The manifest (id 0 until published).
    pub manifest: Manifest,
    /// Things the user should know (a dirty tree, …).
    pub warnings: Vec<String>,
}

/// What [`publish`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// A new deploy was stored.
    Deployed {
        /// Its id.
        id: u64,
        /// How many files were uploaded (the others were stored already).
        uploaded: usize,
    },
    /// The newest deploy has the same content; nothing was stored.
    AlreadyDeployed {
        /// The newest deploy's id.
        id: u64,
    },
}

/// Checks and bundles the program, and describes it (git, author, time).
pub fn prepare(opts: &DeployOptions) -> Result<Prepared, DeployError> {
    let bundle = bundle::bundle(&opts.path)?;
    let dir = bundle.source.parent().map(PathBuf::from).unwrap_or_else(|| bundle.root.clone());
    let git = git::info(&dir);
    let mut warnings = Vec::new();
    if let Some(g) = &git
        && g.dirty
    {
        if opts.require_clean {
            return Err(DeployError::Dirty { root: PathBuf::from(&g.root) });
        }
        warnings.push(format!("the git work tree {} has uncommitted changes; deploying them as they are (commit {})", g.root, g.short_commit()));
    }
    let files: Vec<_> = bundle.files.iter().map(|(f, _)| f.clone()).collect();
    let manifest = Manifest {
        format: FORMAT,
        id: 0,
        entry: bundle.entry.clone(),
        content: content_hash(&bundle.entry, opts.noop, &files),
        files,
        noop: opts.noop,
        created_at: now_rfc3339(),
        author: git::author(&dir),
        source: bundle.source.display().to_string(),
        git,
    };
    // Refuse here what every agent would refuse (paths, limits), before anything is stored.
    manifest.validate(0).map_err(|e| match e {
        DeployError::BadManifest { reason, .. } => DeployError::Bundle { path: bundle.root.clone(), message: format!("agents would reject this deploy: {reason}") },
        e => e,
    })?;
    Ok(Prepared { bundle, manifest, warnings })
}

/// Stores a prepared deploy: unless `force`, a deploy equal to the newest is not stored again.
pub async fn publish(store: &Store, prepared: &mut Prepared, force: bool) -> Result<Outcome, DeployError> {
    if !force {
        let (head, _) = store.head().await?;
        if let Some(h) = head
            && h.content == prepared.manifest.content
        {
            prepared.manifest.id = h.id;
            return Ok(Outcome::AlreadyDeployed { id: h.id });
        }
    }
    let mut shas: Vec<String> = prepared.bundle.files.iter().map(|(f, _)| f.sha256.clone()).collect();
    shas.sort();
    shas.dedup();
    let mut uploaded = 0;
    for _ in 0..5 {
        let missing = store.missing_blobs(&shas).await?;
        let mut upload: Vec<(&str, &[u8])> = Vec::new();
        for (f, bytes) in &prepared.bundle.files {
            if missing.contains(&f.sha256) && !upload.iter().any(|(s, _)| *s == f.sha256) {
                upload.push((f.sha256.as_str(), bytes.as_slice()));
            }
        }
        store.put_blobs(&upload).await?;
        uploaded += upload.len();
        prepared.manifest.created_at = now_rfc3339();
        if let Allocation::Id(id) = store.allocate(&mut prepared.manifest).await? {
            return Ok(Outcome::Deployed { id, uploaded });
        }
    }
    Err(DeployError::Other(format!("etcd at {}: the deploy's files kept disappearing while it was stored (is `mclc deploy prune` running in a loop?)", store.endpoints())))
}
