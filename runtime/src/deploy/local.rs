//! The agent's files on its host: the state directory must be private (an agent runs whatever
//! is in it, so another local user able to change it could run code as the agent), and files
//! are created only where nothing exists yet, never through a symbolic link.

use super::error::DeployError;
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// Why `dir` (a directory on the way to the state directory) lets another user change what
/// is below it: it is owned by someone other than root or `euid`, or writable by group or
/// others without the sticky bit (which keeps others from renaming entries they don't own).
fn unsafe_ancestor(dir: &Path, euid: u32) -> Option<String> {
    let meta = match std::fs::metadata(dir) {
        Ok(m) => m,
        Err(e) => return Some(format!("{} can't be inspected ({e})", dir.display())),
    };
    if meta.uid() != 0 && meta.uid() != euid {
        return Some(format!("{} is owned by user {}", dir.display(), meta.uid()));
    }
    let mode = meta.mode() & 0o7777;
    if mode & 0o022 != 0 && mode & 0o1000 == 0 {
        return Some(format!("{} is writable by other users (mode {mode:04o})", dir.display()));
    }
    None
}

/// Creates `dir` if needed (mode 0700), makes it mode 0700 if it is this user's, and checks
/// that no other user can change it: it must be owned by the effective user, and every
/// directory above it (as given and with symbolic links resolved) owned by root or that user
/// and not writable by others (unless sticky, like `/tmp`). Returns the resolved path.
pub fn private_dir(dir: &Path) -> Result<PathBuf, DeployError> {
    std::fs::DirBuilder::new().recursive(true).mode(0o700).create(dir).map_err(|e| DeployError::io("create", dir, &e))?;
    let real = std::fs::canonicalize(dir).map_err(|e| DeployError::io("resolve", dir, &e))?;
    // SAFETY: geteuid(2) has no preconditions and cannot fail.
    let euid = unsafe { libc::geteuid() };
    let refuse = |why: String| {
        DeployError::Other(format!(
            "the state directory {} is not private: {why}. The agent runs the deploys stored there, so only its own user may change it: \
choose another --state-dir, or fix the ownership and permissions",
            dir.display()
        ))
    };
    let meta = std::fs::metadata(&real).map_err(|e| DeployError::io("inspect", &real, &e))?;
    if meta.uid() != euid {
        return Err(refuse(format!("it is owned by user {}, not by this agent's user {euid}", meta.uid())));
    }
    if meta.mode() & 0o077 != 0 {
        std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o700)).map_err(|e| DeployError::io("set the mode of", &real, &e))?;
    }
    let absolute = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    for chain in [&absolute, &real] {
        for ancestor in chain.ancestors().skip(1) {
            if let Some(why) = unsafe_ancestor(ancestor, euid) {
                return Err(refuse(why));
            }
        }
    }
    Ok(real)
}

/// Writes `bytes` to a new file `path` with `mode` (whatever the umask); fails when anything,
/// a symbolic link included, is already there (`O_CREAT | O_EXCL`, `O_NOFOLLOW`).
pub fn write_new(path: &Path, bytes: &[u8], mode: u32) -> Result<(), DeployError> {
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .custom_flags(libc::O_NOFOLLOW)
        .mode(mode & 0o700)
        .open(path)
        .map_err(|e| DeployError::io("create", path, &e))?;
    f.write_all(bytes).map_err(|e| DeployError::io("write", path, &e))?;
    f.set_permissions(std::fs::Permissions::from_mode(mode)).map_err(|e| DeployError::io("set the mode of", path, &e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_new_never_follows_or_replaces() {
        let dir = tempfile::tempdir().expect("tmp");
        let target = dir.path().join("target");
        std::fs::write(&target, "keep").expect("write");
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&target, &link).expect("symlink");
        assert!(write_new(&link, b"evil", 0o644).is_err());
        assert!(write_new(&target, b"evil", 0o644).is_err());
        assert_eq!(std::fs::read_to_string(&target).expect("read"), "keep");
        let new = dir.path().join("new");
        write_new(&new, b"x", 0o755).expect("new file");
        assert_eq!(std::fs::metadata(&new).expect("meta").mode() & 0o7777, 0o755);
    }

    #[test]
    fn private_dirs() {
        let dir = tempfile::tempdir().expect("tmp");
        // Created 0700; an existing one of ours is made 0700.
        let state = dir.path().join("a/state");
        private_dir(&state).expect("private");
        assert_eq!(std::fs::metadata(&state).expect("meta").mode() & 0o777, 0o700);
        std::fs::set_permissions(&state, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        private_dir(&state).expect("private");
        assert_eq!(std::fs::metadata(&state).expect("meta").mode() & 0o777, 0o700);
        // Below a directory others can write to (no sticky bit): refused, also through a link.
        let shared = dir.path().join("shared");
        std::fs::create_dir(&shared).expect("mkdir");
        std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o777)).expect("chmod");
        let err = private_dir(&shared.join("state")).expect_err("shared parent").to_string();
        assert!(err.contains("is not private") && err.contains("writable by other users"), "{err}");
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(shared.join("state"), &link).expect("symlink");
        assert!(private_dir(&link).is_err());
        // With the sticky bit (like /tmp) it is fine.
        std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o1777)).expect("chmod");
        private_dir(&shared.join("state")).expect("sticky parent");
    }
}
