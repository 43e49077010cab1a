//! Git facts about deployed code. Git never blocks a deploy: the repository is found from the
//! entry file's directory upward (so a subdirectory of a clone works, and so does a directory
//! that is no repository — it has no git info), the commit and branch are recorded as they are,
//! and a dirty tree is recorded, not refused.

use super::manifest::GitInfo;
use std::path::Path;

/// The git facts of the work tree containing `dir`, if there is one.
pub fn info(dir: &Path) -> Option<GitInfo> {
    let repo = git2::Repository::discover(dir).ok()?;
    let root = repo.workdir()?.to_path_buf();
    let (commit, branch) = match repo.head() {
        Ok(head) => {
            let commit = head.peel_to_commit().ok().map(|c| c.id().to_string());
            let branch = if head.is_branch() { head.shorthand().ok().map(str::to_string) } else { None };
            (commit, branch)
        }
        // An unborn branch (no commit yet): HEAD still names it.
        Err(_) => {
            let branch = repo.find_reference("HEAD").ok().and_then(|r| r.symbolic_target().ok().flatten().map(|t| t.trim_start_matches("refs/heads/").to_string()));
            (None, branch)
        }
    };
    let mut opts = git2::StatusOptions::new();
    opts.include_untracked(true).recurse_untracked_dirs(false).include_ignored(false).exclude_submodules(true);
    let dirty = repo.statuses(Some(&mut opts)).map(|s| !s.is_empty()).unwrap_or(false);
    Some(GitInfo { root: root.display().to_string().trim_end_matches('/').to_string(), commit, branch, dirty })
}

/// Who deploys: git's `user.name <user.email>` for `dir`'s repository (or the global
/// configuration), else `user@machine`.
pub fn author(dir: &Path) -> String {
    let config = git2::Repository::discover(dir).ok().and_then(|r| r.config().ok()).or_else(|| git2::Config::open_default().ok());
    if let Some(cfg) = config {
        let name = cfg.get_string("user.name").ok();
        let email = cfg.get_string("user.email").ok();
        match (name, email) {
            (Some(n), Some(e)) => return format!("{n} <{e}>"),
            (Some(n), None) => return n,
            (None, Some(e)) => return format!("<{e}>"),
            (None, None) => {}
        }
    }
    let user = std::env::var("USER").or_else(|_| std::env::var("LOGNAME")).unwrap_or_else(|_| "unknown".into());
    format!("{user}@{}", machine_name())
}

/// This machine's hostname.
pub fn machine_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname").map(|s| s.trim().to_string()).unwrap_or_else(|_| "localhost".into())
}
