//! Module `deploy`: the program's own file tree (the "deploy").
//!
//! In mgmt the deploy is a file system whose root `/` is the entry module's directory; here it
//! is [`Host::deploy_root`](super::Host). Every module has a *base* inside it: `/` for the entry
//! module, `/mod1/` for a module imported as `import "mod1/"`. `deploy.abspath`,
//! `deploy.readfile`, `deploy.file_exists` and `deploy.directory` take absolute paths relative
//! to the calling module's base (`/files/x` in `mod1` is `/mod1/files/x`); `deploy.readfileabs`
//! takes a path from the deploy root. Paths are cleaned as rooted paths, so `..` cannot leave
//! the deploy.
//!
//! The evaluator does not tell builtins which module calls them yet, so the base is always `/`
//! (see [`module_base`]). `deploy.directory` returns the directory's path inside
//! `deploy_root` (mgmt copies it to a private directory first; the contents are the same).
//! Failures stop the program, as in mgmt (none of these errors is catchable).

use super::host::{clean_rooted, go_path_error, join_under, path_value, read_to_string_go, str_list};
use super::{BuiltinFn, CallCtx, args, str_arg};
use crate::eval::value::{EvalError, Value};
use std::path::PathBuf;

/// The functions this module implements.
pub(super) const FUNCTIONS: &[(&str, &str, BuiltinFn)] = &[
    ("deploy", "abspath", abspath),
    ("deploy", "binary_path", binary_path),
    ("deploy", "bootstrap_packages", bootstrap_packages),
    ("deploy", "directory", directory),
    ("deploy", "file_exists", file_exists),
    ("deploy", "readfile", readfile),
    ("deploy", "readfileabs", readfileabs),
];

/// The deploy-fs directory of the calling module, ending in `/` (`/mod1/` for code of
/// `import "mod1/"`), as the evaluator reports it.
fn module_base(ctx: &dyn CallCtx) -> String {
    ctx.module_base()
}

/// The deploy root as an absolute host path.
fn deploy_root(ctx: &dyn CallCtx) -> PathBuf {
    let root = &ctx.host().deploy_root;
    std::path::absolute(root).unwrap_or_else(|_| root.clone())
}

/// mgmt's module-relative resolution: the base without its trailing slash, then `path`, which
/// must be absolute. `what` names the argument in the error (`path`, `filename`, `directory`).
fn resolve(ctx: &dyn CallCtx, path: &str, what: &str) -> Result<String, EvalError> {
    if !path.starts_with('/') {
        return Err(EvalError::fatal(format!("{what} was not absolute, got: `{path}`")));
    }
    let base = module_base(ctx);
    Ok(format!("{}{path}", base.trim_end_matches('/')))
}

/// The absolute deploy path of a path relative to the calling module; `""` gives the module's
/// base directory.
fn abspath(ctx: &mut dyn CallCtx, a: &[Value]) -> Result<Value, EvalError> {
    let [_] = args::<1>(a)?;
    let path = str_arg(a, 0)?;
    if path.is_empty() {
        let base = module_base(ctx);
        return Ok(Value::str(format!("{}/", base.trim_end_matches('/'))));
    }
    resolve(ctx, path, "path").map(Value::str)
}

/// The path of the running binary (mclc's, standing in for mgmt's).
fn binary_path(_: &mut dyn CallCtx, a: &[Value]) -> Result<Value, EvalError> {
    args::<0>(a)?;
    std::env::current_exe().map(|p| path_value(&p)).map_err(|e| EvalError::fatal(go_path_error("readlink", "/proc/self/exe", &e)))
}

/// The packages a distro needs before it can run mgmt (mgmt's table).
fn bootstrap_packages(_: &mut dyn CallCtx, a: &[Value]) -> Result<Value, EvalError> {
    let [_] = args::<1>(a)?;
    let packages: &[&str] = match str_arg(a, 0)? {
        "debian" => &["libaugeas-dev", "libvirt-dev", "packagekit-tools"],
        "fedora" => &["augeas-devel", "libvirt-devel", "PackageKit"],
        _ => return Err(EvalError::fatal("missing distro")),
    };
    Ok(str_list(packages.iter()))
}

/// A deploy directory (absolute from the module base, ending in `/`) as a host directory path
/// ending in `/`.
fn directory(ctx: &mut dyn CallCtx, a: &[Value]) -> Result<Value, EvalError> {
    let [_] = args::<1>(a)?;
    let dir = str_arg(a, 0)?;
    let p = resolve(ctx, dir, "directory")?;
    if !dir.ends_with('/') {
        return Err(EvalError::fatal("directory path must be a dir"));
    }
    let host_dir = join_under(&deploy_root(ctx), &p);
    match std::fs::metadata(&host_dir) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => return Err(EvalError::fatal(format!("can't sync dir `{dir}` ({p}): readdir {}: not a directory", clean_rooted(&p)))),
        Err(e) => return Err(EvalError::fatal(format!("can't sync dir `{dir}` ({p}): {}", go_path_error("open", &clean_rooted(&p), &e)))),
    }
    let mut s = host_dir.to_string_lossy().into_owned();
    if !s.ends_with('/') {
        s.push('/');
    }
    Ok(Value::str(s))
}

/// Whether a path (absolute from the module base) exists in the deploy.
fn file_exists(ctx: &mut dyn CallCtx, a: &[Value]) -> Result<Value, EvalError> {
    let [_] = args::<1>(a)?;
    let p = resolve(ctx, str_arg(a, 0)?, "filename")?;
    match std::fs::metadata(join_under(&deploy_root(ctx), &p)) {
        Ok(_) => Ok(Value::Bool(true)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound || e.raw_os_error() == Some(20) => Ok(Value::Bool(false)),
        Err(e) => Err(EvalError::fatal(go_path_error("stat", &clean_rooted(&p), &e))),
    }
}

/// The contents of a deploy file given relative to the calling module's base.
fn readfile(ctx: &mut dyn CallCtx, a: &[Value]) -> Result<Value, EvalError> {
    let [_] = args::<1>(a)?;
    let filename = str_arg(a, 0)?;
    let p = resolve(ctx, filename, "filename")?;
    let clean = clean_rooted(&p);
    read_to_string_go(&join_under(&deploy_root(ctx), &p), &clean).map(Value::str).map_err(|e| EvalError::fatal(format!("can't read file `{filename}` ({p}): {e}")))
}

/// The contents of a deploy file given from the deploy root.
fn readfileabs(ctx: &mut dyn CallCtx, a: &[Value]) -> Result<Value, EvalError> {
    let [_] = args::<1>(a)?;
    let filename = str_arg(a, 0)?;
    let clean = clean_rooted(filename);
    read_to_string_go(&join_under(&deploy_root(ctx), filename), &clean).map(Value::str).map_err(|e| EvalError::fatal(format!("can't read file `{filename}`: {e}")))
}
