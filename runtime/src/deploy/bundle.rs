//! Bundling: what a deploy ships. The program is checked first (a program that does not
//! type-check is refused here, before anything is stored); then the bundle holds the entry file,
//! every file it imports locally, and each module directory's `metadata.yaml` and `files/`
//! tree. Paths are relative to the deploy root: the entry file's directory (or the module
//! directory given). An import from outside the root is refused with the importing path named.

use super::error::DeployError;
use super::manifest::{FileEntry, sha256_hex};
use mcl_compiler::driver::{self, StopAfter};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A checked program's files, ready to ship.
#[derive(Debug)]
pub struct Bundle {
    /// The deploy root on this machine.
    pub root: PathBuf,
    /// The entry file, relative to the root.
    pub entry: String,
    /// The entry file's absolute path.
    pub source: PathBuf,
    /// Every file with its content, sorted by path.
    pub files: Vec<(FileEntry, Vec<u8>)>,
}

fn canonical(path: &Path) -> Result<PathBuf, DeployError> {
    std::fs::canonicalize(path).map_err(|e| DeployError::io("resolve", path, &e))
}

/// The path of `file` relative to `root`, `/`-separated; an error when it is outside.
fn relative(root: &Path, file: &Path) -> Result<String, DeployError> {
    let rel = file.strip_prefix(root).map_err(|_| DeployError::Bundle {
        path: file.to_path_buf(),
        message: format!("it is outside the deploy root {} (imports must stay below the entry file's directory; deploy a directory higher up instead)", root.display()),
    })?;
    let parts: Vec<String> = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
    Ok(parts.join("/"))
}

/// Refuses `path` (a symbolic link, or a module's `files:` directory) when it leads outside the
/// deploy root: following it would ship files from elsewhere on this machine (a key in
/// `~/.ssh`, all of `/etc`) to every host.
fn inside_root(root: &Path, path: &Path) -> Result<(), DeployError> {
    let real = canonical(path)?;
    if real.starts_with(root) {
        return Ok(());
    }
    Err(DeployError::Bundle {
        path: path.to_path_buf(),
        message: format!("it leads to {}, outside the deploy root {} (symbolic links and `files:` directories must stay inside it; copy the file in instead)", real.display(), root.display()),
    })
}

/// Adds `file` (canonical) to `files`.
fn add(root: &Path, file: &Path, files: &mut BTreeMap<String, (FileEntry, Vec<u8>)>) -> Result<(), DeployError> {
    let rel = relative(root, file)?;
    if files.contains_key(&rel) {
        return Ok(());
    }
    let bytes = std::fs::read(file).map_err(|e| DeployError::io("read", file, &e))?;
    let executable = {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(file).map(|m| m.permissions().mode() & 0o111 != 0).unwrap_or(false)
    };
    let entry = FileEntry { path: rel.clone(), sha256: sha256_hex(&bytes), size: bytes.len() as u64, executable };
    files.insert(rel, (entry, bytes));
    Ok(())
}

/// Adds every regular file below `dir` (following symbolic links that stay inside the root,
/// refusing others; skipping `.git`).
fn add_tree(root: &Path, dir: &Path, files: &mut BTreeMap<String, (FileEntry, Vec<u8>)>, depth: usize) -> Result<(), DeployError> {
    if depth > 32 {
        return Err(DeployError::Bundle { path: dir.to_path_buf(), message: "directories nest more than 32 deep (a symbolic link loop?)".into() });
    }
    let entries = std::fs::read_dir(dir).map_err(|e| DeployError::io("list", dir, &e))?;
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        if p.file_name().is_some_and(|n| n == ".git") {
            continue;
        }
        if std::fs::symlink_metadata(&p).is_ok_and(|m| m.file_type().is_symlink()) {
            inside_root(root, &p)?;
        }
        let meta = std::fs::metadata(&p).map_err(|e| DeployError::io("read", &p, &e))?;
        if meta.is_dir() {
            add_tree(root, &p, files, depth + 1)?;
        } else if meta.is_file() {
            // Keep the path under the root even when the link points elsewhere.
            let rel = relative(root, &p)?;
            if !files.contains_key(&rel) {
                let bytes = std::fs::read(&p).map_err(|e| DeployError::io("read", &p, &e))?;
                use std::os::unix::fs::PermissionsExt;
                let executable = meta.permissions().mode() & 0o111 != 0;
                files.insert(rel.clone(), (FileEntry { path: rel, sha256: sha256_hex(&bytes), size: bytes.len() as u64, executable }, bytes));
            }
        }
    }
    Ok(())
}

/// The `files:` directory a module's `metadata.yaml` names (default `files`).
fn files_dir(module: &Path) -> PathBuf {
    let named = std::fs::read_to_string(module.join("metadata.yaml")).ok().and_then(|text| {
        text.lines().find_map(|line| {
            let line = line.split('#').next().unwrap_or("").trim();
            let v = line.strip_prefix("files:")?.trim().trim_matches('"').trim_matches('\'').trim_end_matches('/');
            (!v.is_empty()).then(|| v.to_string())
        })
    });
    module.join(named.unwrap_or_else(|| "files".into()))
}

/// Checks the program at `path` (a file or a module directory) and collects its files.
pub fn bundle(path: &Path) -> Result<Bundle, DeployError> {
    let checked = driver::check_path(path, StopAfter::Unify);
    if checked.has_errors() {
        return Err(DeployError::Program { diagnostics: checked.diagnostics, sources: checked.sources });
    }
    let root = canonical(if path.is_dir() { path } else { path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new(".")) })?;
    let entry_path = canonical(&checked.sources.get(checked.entry).path)?;
    let mut files = BTreeMap::new();
    let mut module_dirs = vec![root.clone()];
    for (_, source) in checked.sources.iter() {
        let file = canonical(&source.path)?;
        if let Some(dir) = file.parent() {
            module_dirs.push(dir.to_path_buf());
        }
        add(&root, &file, &mut files)?;
    }
    module_dirs.sort();
    module_dirs.dedup();
    for dir in module_dirs {
        let meta = dir.join("metadata.yaml");
        if meta.is_file() {
            add(&root, &meta, &mut files)?;
        }
        let fdir = files_dir(&dir);
        if fdir.is_dir() {
            inside_root(&root, &fdir)?;
            add_tree(&root, &fdir, &mut files, 0)?;
        }
    }
    let entry = relative(&root, &entry_path)?;
    Ok(Bundle { root, entry, source: entry_path, files: files.into_values().collect() })
}
