//! Functions that read the local machine: modules `os`, `sys`, `sys/fwupd`, `local`,
//! `golang/os`, `golang/os/exec` and `golang/runtime`.
//!
//! mgmt runs most of these as streams that watch the machine (inotify, netlink, dbus, timers)
//! and send a new value on every change; `mclc` evaluates a program once, so each returns the
//! value such a stream sends **first**. Notable choices:
//!
//! * `os.system(cmd)` runs `sh -c cmd` and returns its first line of stdout (mgmt streams one
//!   value per line); a command that prints nothing within ten seconds is an error, since mgmt
//!   would never produce a value for it.
//! * `sys.hostname()` and `golang/os.hostname()` are the [`Host`](super::Host)'s hostname.
//! * `local.vardir` and `local.pool` keep their state under [`Host::vardir`](super::Host) with
//!   mgmt's layout: `<vardir>/vardir/functions/<path>/` and `<vardir>/pool/<namespace>/<uid>.uid`.
//! * Users are looked up in `/etc/passwd` (as Go's pure `os/user` does).
//! * `os.readfile` and `sys.getenv` fail with catchable errors, as in mgmt; every other failure
//!   stops the program. Error texts follow Go's (`open /x: no such file or directory`).

use super::{BuiltinFn, CallCtx, args, int_arg, str_arg};
use crate::eval::value::{EvalError, Value};
use smol_str::SmolStr;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

/// The functions this module implements.
pub(super) const FUNCTIONS: &[(&str, &str, BuiltinFn)] = &[
    ("os", "args", os_args),
    ("os", "expand_home", os_expand_home),
    ("os", "family", os_family),
    ("os", "file_exists", os_file_exists),
    ("os", "home", os_home),
    ("os", "is_family_archlinux", os_is_family_archlinux),
    ("os", "is_family_debian", os_is_family_debian),
    ("os", "is_family_redhat", os_is_family_redhat),
    ("os", "is_virtual", os_is_virtual),
    ("os", "modinfo_loaded", os_modinfo_loaded),
    ("os", "parse_distro_uid", os_parse_distro_uid),
    ("os", "readfile", os_readfile),
    ("os", "release", os_release),
    ("os", "system", os_system),
    ("os", "uid", os_uid),
    ("os", "user_exists", os_user_exists),
    ("sys", "cpu_count", sys_cpu_count),
    ("sys", "env", sys_env),
    ("sys", "getenv", sys_getenv),
    ("sys", "hasenv", sys_hasenv),
    ("sys", "hostname", sys_hostname),
    ("sys", "load", sys_load),
    ("sys", "uptime", sys_uptime),
    ("sys/fwupd", "reboot_needed", fwupd_reboot_needed),
    ("local", "pool", local_pool),
    ("local", "vardir", local_vardir),
    ("golang/os", "executable", go_executable),
    ("golang/os", "expand_env", go_expand_env),
    ("golang/os", "getegid", go_getegid),
    ("golang/os", "getenv", go_getenv),
    ("golang/os", "geteuid", go_geteuid),
    ("golang/os", "getgid", go_getgid),
    ("golang/os", "getpagesize", go_getpagesize),
    ("golang/os", "getpid", go_getpid),
    ("golang/os", "getppid", go_getppid),
    ("golang/os", "getuid", go_getuid),
    ("golang/os", "getwd", go_getwd),
    ("golang/os", "hostname", go_hostname),
    ("golang/os", "mkdir_temp", go_mkdir_temp),
    ("golang/os", "read_file", go_read_file),
    ("golang/os", "readlink", go_readlink),
    ("golang/os", "temp_dir", go_temp_dir),
    ("golang/os", "user_cache_dir", go_user_cache_dir),
    ("golang/os", "user_config_dir", go_user_config_dir),
    ("golang/os", "user_home_dir", go_user_home_dir),
    ("golang/os/exec", "look_path", go_look_path),
    ("golang/runtime", "cpu_profile", go_cpu_profile),
    ("golang/runtime", "gomaxprocs", go_gomaxprocs),
    ("golang/runtime", "goroot", go_goroot),
    ("golang/runtime", "num_cpu", go_num_cpu),
    ("golang/runtime", "num_cgo_call", go_num_cgo_call),
    ("golang/runtime", "num_goroutine", go_num_goroutine),
    ("golang/runtime", "read_trace", go_read_trace),
    ("golang/runtime", "set_mutex_profile_fraction", go_set_mutex_profile_fraction),
    ("golang/runtime", "stack", go_stack),
    ("golang/runtime", "version", go_version),
];

/// What `golang/runtime.version()` answers: mclc is not a Go program, so a fixed, recognisable
/// string in Go's format.
pub const GO_VERSION: &str = "go1.25 (mclc)";

/// How long `os.system` waits for the first line of output.
const SYSTEM_TIMEOUT: Duration = Duration::from_secs(10);

// ---------------------------------------------------------------------------------------------
// Shared helpers (also used by `deploy` and `world`).

/// An I/O error as Go prints an `*fs.PathError`: `open /x: no such file or directory`.
pub(super) fn go_path_error(op: &str, path: &str, err: &std::io::Error) -> String {
    format!("{op} {path}: {}", go_errno_text(err))
}

/// The errno text of an I/O error the way Go's `syscall.Errno` prints it (lower case, no
/// `(os error N)` suffix).
pub(super) fn go_errno_text(err: &std::io::Error) -> String {
    let text = err.to_string();
    let text = match text.find(" (os error ") {
        Some(i) => &text[..i],
        None => text.as_str(),
    };
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Reads a whole file as a string (bytes that are not UTF-8 are replaced), with Go's error text.
pub(super) fn read_to_string_go(path: &Path, shown: &str) -> Result<String, String> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(String::from_utf8_lossy(&bytes).into_owned()),
        Err(e) => {
            let op = if e.kind() == std::io::ErrorKind::IsADirectory { "read" } else { "open" };
            Err(go_path_error(op, shown, &e))
        }
    }
}

/// A path as a `str` value (lossy for non-UTF-8 paths).
pub(super) fn path_value(p: &Path) -> Value {
    Value::str(p.to_string_lossy().into_owned())
}

/// A struct value from `(field, value)` pairs.
pub(super) fn structure(fields: Vec<(&str, Value)>) -> Value {
    Value::structure(fields.into_iter().map(|(n, v)| (SmolStr::new(n), v)).collect())
}

/// A `map{str: str}` value.
pub(super) fn str_map<'a>(entries: impl IntoIterator<Item = (&'a str, &'a str)>) -> Value {
    let map: BTreeMap<Value, Value> = entries.into_iter().map(|(k, v)| (Value::str(k), Value::str(v))).collect();
    Value::Map(Arc::new(map))
}

/// A `[]str` value.
pub(super) fn str_list<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> Value {
    Value::list(items.into_iter().map(|s| Value::str(s.as_ref())).collect())
}

/// Go's `path.Clean` of `p` taken as rooted at `/`: the result starts with `/`, has no `.` or
/// `..` elements and no trailing slash (except `/` itself). `..` never climbs above the root.
pub(super) fn clean_rooted(p: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in p.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    format!("/{}", parts.join("/"))
}

/// `root` joined with a rooted, cleaned path (so the result stays inside `root`).
pub(super) fn join_under(root: &Path, rooted: &str) -> PathBuf {
    let clean = clean_rooted(rooted);
    let rel = clean.trim_start_matches('/');
    if rel.is_empty() { root.to_path_buf() } else { root.join(rel) }
}

/// An environment variable as a string (lossy), if set.
fn env_var(name: &str) -> Option<String> {
    if name.is_empty() || name.contains('=') || name.contains('\0') {
        return None;
    }
    std::env::var_os(name).map(|v| v.to_string_lossy().into_owned())
}

/// An entry of `/etc/passwd`.
struct PasswdEntry {
    uid: String,
    home: String,
}

/// Looks a user up in `/etc/passwd`: `Ok(None)` when there is no such user.
fn lookup_user(name: &str) -> Result<Option<PasswdEntry>, String> {
    let text = match std::fs::read(Path::new("/etc/passwd")) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(go_path_error("open", "/etc/passwd", &e)),
    };
    if name.is_empty() {
        return Ok(None);
    }
    for line in text.lines() {
        let fields: Vec<&str> = line.split(':').collect();
        if fields.len() >= 7 && fields[0] == name {
            return Ok(Some(PasswdEntry { uid: fields[2].to_string(), home: fields[5].to_string() }));
        }
    }
    Ok(None)
}

/// Looks a user up, or fails as Go's `user.Lookup` does.
fn user_or_error(name: &str) -> Result<PasswdEntry, EvalError> {
    match lookup_user(name) {
        Ok(Some(entry)) => Ok(entry),
        Ok(None) => Err(EvalError::fatal(format!("user: unknown user {name}"))),
        Err(e) => Err(EvalError::fatal(e)),
    }
}

/// The home directory of the user running mclc (`$HOME`, else `/etc/passwd`).
fn current_home() -> Option<String> {
    if let Some(home) = env_var("HOME").filter(|h| !h.is_empty()) {
        return Some(home);
    }
    let uid = proc_status_ids("Uid:").map(|ids| ids[0])?;
    let text = std::fs::read_to_string("/etc/passwd").ok()?;
    text.lines().map(|l| l.split(':').collect::<Vec<_>>()).find(|f| f.len() >= 7 && f[2].parse::<i64>().ok() == Some(uid)).map(|f| f[5].to_string())
}

/// The ids on a `Uid:`/`Gid:` line of `/proc/self/status`: real, effective, saved, filesystem.
fn proc_status_ids(prefix: &str) -> Option<[i64; 4]> {
    let text = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = text.lines().find(|l| l.starts_with(prefix))?;
    let ids: Vec<i64> = line[prefix.len()..].split_whitespace().filter_map(|s| s.parse().ok()).collect();
    if ids.len() >= 4 { Some([ids[0], ids[1], ids[2], ids[3]]) } else { None }
}

/// The number of CPUs this process may use.
fn cpus() -> i64 {
    std::thread::available_parallelism().map(|n| n.get() as i64).unwrap_or(1)
}

/// Whether a path exists (following symlinks); other errors than "not found" are reported.
fn exists(path: &str) -> Result<bool, EvalError> {
    match std::fs::metadata(path) {
        Ok(_) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) if e.raw_os_error() == Some(20) => Ok(false), // ENOTDIR: a path through a file
        Err(e) => Err(EvalError::fatal(go_path_error("stat", path, &e))),
    }
}

// ---------------------------------------------------------------------------------------------
// os

fn os_args(_: &mut dyn CallCtx, a: &[Value]) -> Result<Value, EvalError> {
    args::<0>(a)?;
    Ok(str_list(std::env::args_os().map(|s| s.to_string_lossy().into_owned())))
}

/// mgmt's `util.ExpandHome`: `~` and `~/…` expand to the current user's home, `~user/…` to that
/// user's home; anything else is returned unchanged.
fn os_expand_home(_: &mut dyn CallCtx, a: &[Value]) -> Result<Value, EvalError> {
    let [_] = args::<1>(a)?;
    let p = str_arg(a, 0)?;
    let Some(rest) = p.strip_prefix('~') else { return Ok(Value::str(p)) };
    let (user, tail) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    let home = if user.is_empty() {
        current_home().ok_or_else(|| EvalError::fatal("can't expand ~ into home directory"))?
    } else {
        user_or_error(user)?.home
    };
    let home = home.trim_end_matches('/');
    Ok(Value::str(if tail.is_empty() { home.to_string() } else { format!("{home}{tail}") }))
}

fn os_family(_: &mut dyn CallCtx, a: &[Value]) -> Result<Value, EvalError> {
    args::<0>(a)?;
    let family = if exists("/etc/redhat-release")? {
        "redhat"
    } else if exists("/etc/debian_version")? {
        "debian"
    } else if exists("/etc/arch-release")? {
        "archlinux"
    } else {
        ""
    };
    Ok(Value::str(family))
}

fn os_is_family_redhat(_: &mut dyn CallCtx, a: &[Value]) -> Result<Value, EvalError> {
    args::<0>(a)?;
    Ok(Value::Bool(exists("/etc/redhat-release")?))
}

fn os_is_family_debian(_: &mut dyn CallCtx, a: &[Value]) -> Result<Value, EvalError> {
    args::<0>(a)?;
    Ok(Value::Bool(exists("/etc/debian_version")?))
}

fn os_is_family_archlinux(_: &mut dyn CallCtx, a: &[Value]) -> Result<Value, EvalError> {
    args::<0>(a)?;
    Ok(Value::Bool(exists("/etc/arch-release")?))
}

fn os_file_exists(_: &mut dyn CallCtx, a: &[Value]) -> Result<Value, EvalError> {
    let [_] = args::<1>(a)?;
    Ok(Value::Bool(exists(str_arg(a, 0)?)?))
}

/// The user's home directory, always ending in `/`.
fn os_home(_: &mut dyn CallCtx, a: &[Value]) -> Result<Value, EvalError> {
    let [_] = args::<1>(a)?;
    let mut home = user_or_error(str_arg(a, 0)?)?.home;
    if !home.ends_with('/') {
        home.push('/');
    }
    Ok(Value::str(home))
}

fn os_uid(_: &mut dyn CallCtx, a: &[Value]) -> Result<Value, EvalError> {
    let [_] = args::<1>(a)?;
    Ok(Value::str(user_or_error(str_arg(a, 0)?)?.uid))
}

fn os_user_exists(_: &mut dyn CallCtx, a: &[Value]) -> Result<Value, EvalError> {
    let [_] = args::<1>(a)?;
    match lookup_user(str_arg(a, 0)?) {
        Ok(found) => Ok(Value::Bool(found.is_some())),
        Err(e) => Err(EvalError::fatal(format!("unexpected error in os.user_exists: {e}"))),
    }
}

/// Virtualisation vendors that mgmt looks for in the DMI files.
const VIRT_VENDORS: &[&str] = &[
    "Amazon EC2",
    "Apple Virtualization",
    "BHYVE",
    "Bochs",
    "Google Computer Engine",
    "Hyper-V",
    "innotek GmbH",
    "KubeVirt",
    "KVM",
    "OpenStack",
    "Oracle Corporation",
    "Parallels",
    "QEMU",
    "VMware",
    "Xen",
];

/// The DMI files mgmt reads.
const DMI_FILES: &[&str] = &[
    "/sys/class/dmi/id/product_name",
    "/sys/class/dmi/id/sys_vendor",
    "/sys/class/dmi/id/board_vendor",
    "/sys/class/dmi/id/bios_vendor",
    "/sys/class/dmi/id/product_version",
];

/// True when `/proc/cpuinfo` has the `hypervisor` flag or a DMI file names a hypervisor vendor.
fn os_is_virtual(_: &mut dyn CallCtx, a: &[Value]) -> Result<Value, EvalError> {
    args::<0>(a)?;
    let mut cpuinfo_err = None;
    match std::fs::read("/proc/cpuinfo") {
        Ok(bytes) if String::from_utf8_lossy(&bytes).contains("hypervisor") => return Ok(Value::Bool(true)),
        Ok(_) => {}
        Err(e) => cpuinfo_err = Some(go_path_error("open", "/proc/cpuinfo", &e)),
    }
    for file in DMI_FILES {
        match std::fs::read(file) {
            Ok(bytes) => {
                let text = String::from_utf8_lossy(&bytes);
                if VIRT_VENDORS.iter().any(|v| text.contains(v)) {
                    return Ok(Value::Bool(true));
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(EvalError::fatal(go_path_error("open", file, &e))),
        }
    }
    match cpuinfo_err {
        Some(e) => Err(EvalError::fatal(e)),
        None => Ok(Value::Bool(false)),
    }
}

/// Whether a kernel module is listed in `/proc/modules` (false when the kernel has no module
/// list, as in many containers).
fn os_modinfo_loaded(_: &mut dyn CallCtx, a: &[Value]) -> Result<Value, EvalError> {
    let [_] = args::<1>(a)?;
    let name = str_arg(a, 0)?;
    let text = match std::fs::read("/proc/modules") {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Value::Bool(false)),
        Err(e) => return Err(EvalError::fatal(format!("error reading modules: {}", go_path_error("open", "/proc/modules", &e)))),
    };
    Ok(Value::Bool(text.lines().any(|l| l.split_whitespace().next() == Some(name))))
}

/// Splits `fedora39-x86_64` into distro, version and arch; all empty when it doesn't parse.
fn os_parse_distro_uid(_: &mut dyn CallCtx, a: &[Value]) -> Result<Value, EvalError> {
    let [_] = args::<1>(a)?;
    let uid = str_arg(a, 0)?;
    let (distro, version, arch) = match uid.split_once('-') {
        Some((before, arch)) => {
            let distro = before.trim_end_matches(|c: char| c.is_ascii_digit());
            let version = &before[distro.len()..];
            if distro.is_empty() || version.is_empty() || arch.is_empty() { ("", "", "") } else { (distro, version, arch) }
        }
        None => ("", "", ""),
    };
    Ok(structure(vec![("distro", Value::str(distro)), ("version", Value::str(version)), ("arch", Value::str(arch))]))
}

/// A local file's contents; a failure is catchable (`error reading file: open …`).
fn os_readfile(_: &mut dyn CallCtx, a: &[Value]) -> Result<Value, EvalError> {
    let [_] = args::<1>(a)?;
    let name = str_arg(a, 0)?;
    read_to_string_go(Path::new(name), name).map(Value::str).map_err(|e| EvalError::catchable(format!("error reading file: {e}")))
}

/// `id`, `variant_id` and `version_id` of `/etc/os-release` (or `/usr/lib/os-release`).
fn os_release(_: &mut dyn CallCtx, a: &[Value]) -> Result<Value, EvalError> {
    args::<0>(a)?;
    let text = match std::fs::read_to_string("/etc/os-release") {
        Ok(t) => t,
        Err(first) => std::fs::read_to_string("/usr/lib/os-release").map_err(|_| EvalError::fatal(go_path_error("open", "/etc/os-release", &first)))?,
    };
    let fields = parse_os_release(&text);
    let get = |k: &str| Value::str(fields.get(k).map(String::as_str).unwrap_or(""));
    Ok(structure(vec![("id", get("ID")), ("variant_id", get("VARIANT_ID")), ("version_id", get("VERSION_ID"))]))
}

/// `KEY=value` lines of an os-release file, with shell quotes removed.
fn parse_os_release(text: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((k, v)) = line.split_once('=') else { continue };
        let v = v.trim();
        let v = if v.len() >= 2 && ((v.starts_with('"') && v.ends_with('"')) || (v.starts_with('\'') && v.ends_with('\''))) { &v[1..v.len() - 1] } else { v };
        let v = v.replace("\\\"", "\"").replace("\\$", "$").replace("\\`", "`").replace("\\\\", "\\");
        out.insert(k.trim().to_string(), v);
    }
    out
}

/// Runs `sh -c cmd` and returns the first line it prints (mgmt sends one value per line).
fn os_system(_: &mut dyn CallCtx, a: &[Value]) -> Result<Value, EvalError> {
    let [_] = args::<1>(a)?;
    let cmd = str_arg(a, 0)?;
    use std::os::unix::process::CommandExt;
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(cmd)
        .process_group(0) // its own group, so that stopping it stops what it started
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| EvalError::fatal(format!("os.system: can't run `sh -c {cmd}`: {}", go_errno_text(&e))))?;
    let Some(stdout) = child.stdout.take() else {
        stop(&mut child);
        return Err(EvalError::fatal("os.system: no stdout pipe"));
    };
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut line = Vec::new();
        let result = BufReader::new(stdout).read_until(b'\n', &mut line).map(|n| (n, line));
        let _ = tx.send(result);
    });
    let received = rx.recv_timeout(SYSTEM_TIMEOUT);
    // The first value is all a single evaluation uses: stop the command (if it still runs).
    stop(&mut child);
    match received {
        Ok(Ok((n, mut line))) if n > 0 => {
            if line.last() == Some(&b'\n') {
                line.pop();
                if line.last() == Some(&b'\r') {
                    line.pop();
                }
            }
            Ok(Value::str(String::from_utf8_lossy(&line).into_owned()))
        }
        Ok(Ok(_)) => Err(EvalError::fatal(format!("os.system: `{cmd}` printed nothing, so it never produces a value"))),
        Ok(Err(e)) => Err(EvalError::fatal(format!("os.system: reading the output of `{cmd}`: {}", go_errno_text(&e)))),
        Err(_) => Err(EvalError::fatal(format!("os.system: `{cmd}` printed no line within {} seconds", SYSTEM_TIMEOUT.as_secs()))),
    }
}

/// Stops a command started in its own process group: the whole group (with `kill`, as std has
/// no `killpg`), then the command itself, and reaps it.
fn stop(child: &mut std::process::Child) {
    if matches!(child.try_wait(), Ok(None)) {
        let group = format!("-{}", child.id());
        let _ = Command::new("kill").args(["-KILL", "--", &group]).stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::null()).status();
        let _ = child.kill();
    }
    let _ = child.wait();
}

// ---------------------------------------------------------------------------------------------
// sys

/// Online CPUs from `/sys/devices/system/cpu/online` (`0-3,8`), else the usable CPU count.
fn sys_cpu_count(_: &mut dyn CallCtx, a: &[Value]) -> Result<Value, EvalError> {
    args::<0>(a)?;
    let text = match std::fs::read_to_string("/sys/devices/system/cpu/online") {
        Ok(t) => t,
        Err(_) => return Ok(Value::Int(cpus())),
    };
    parse_cpu_list(&text).map(Value::Int).map_err(|e| EvalError::fatal(format!("could not get CPU count: {e}")))
}

/// Counts the CPUs in a list like `2,4-31`.
fn parse_cpu_list(list: &str) -> Result<i64, String> {
    let mut count = 0i64;
    for range in list.trim().split(',').filter(|r| !r.is_empty()) {
        match range.split_once('-') {
            None => count += 1,
            Some((lo, hi)) => {
                let lo: i64 = lo.trim().parse().map_err(|_| format!("strconv.ParseInt: parsing \"{lo}\": invalid syntax"))?;
                let hi: i64 = hi.trim().parse().map_err(|_| format!("strconv.ParseInt: parsing \"{hi}\": invalid syntax"))?;
                count += hi - lo + 1;
            }
        }
    }
    Ok(count)
}

fn sys_env(_: &mut dyn CallCtx, a: &[Value]) -> Result<Value, EvalError> {
    args::<0>(a)?;
    let vars: Vec<(String, String)> = std::env::vars_os().map(|(k, v)| (k.to_string_lossy().into_owned(), v.to_string_lossy().into_owned())).collect();
    Ok(str_map(vars.iter().map(|(k, v)| (k.as_str(), v.as_str()))))
}

/// An environment variable; unset is a catchable error (a set but empty one is `""`).
fn sys_getenv(_: &mut dyn CallCtx, a: &[Value]) -> Result<Value, EvalError> {
    let [_] = args::<1>(a)?;
    let name = str_arg(a, 0)?;
    env_var(name).map(Value::str).ok_or_else(|| EvalError::catchable(format!("environment variable not set: {name}")))
}

fn sys_hasenv(_: &mut dyn CallCtx, a: &[Value]) -> Result<Value, EvalError> {
    let [_] = args::<1>(a)?;
    Ok(Value::Bool(env_var(str_arg(a, 0)?).is_some()))
}

fn sys_hostname(ctx: &mut dyn CallCtx, a: &[Value]) -> Result<Value, EvalError> {
    args::<0>(a)?;
    Ok(Value::str(ctx.host().hostname.as_str()))
}

/// The 1, 5 and 15 minute load averages from `/proc/loadavg`.
fn sys_load(_: &mut dyn CallCtx, a: &[Value]) -> Result<Value, EvalError> {
    args::<0>(a)?;
    let text = read_to_string_go(Path::new("/proc/loadavg"), "/proc/loadavg").map_err(EvalError::fatal)?;
    let loads: Vec<f64> = text.split_whitespace().take(3).filter_map(|s| s.parse().ok()).collect();
    let [x1, x5, x15] = loads[..] else { return Err(EvalError::fatal(format!("can't parse /proc/loadavg: {:?}", text.trim()))) };
    Ok(structure(vec![("x1", Value::Float(x1)), ("x5", Value::Float(x5)), ("x15", Value::Float(x15))]))
}

/// Seconds since boot (`/proc/uptime`, truncated).
fn sys_uptime(_: &mut dyn CallCtx, a: &[Value]) -> Result<Value, EvalError> {
    args::<0>(a)?;
    let text = read_to_string_go(Path::new("/proc/uptime"), "/proc/uptime").map_err(EvalError::fatal)?;
    let secs: f64 = text.split_whitespace().next().and_then(|s| s.parse().ok()).ok_or_else(|| EvalError::fatal(format!("can't parse /proc/uptime: {:?}", text.trim())))?;
    Ok(Value::Int(secs as i64))
}

/// fwupd is asked over dbus in mgmt; mclc has no dbus client, so no reboot is ever pending.
fn fwupd_reboot_needed(_: &mut dyn CallCtx, a: &[Value]) -> Result<Value, EvalError> {
    args::<0>(a)?;
    Ok(Value::Bool(false))
}

// ---------------------------------------------------------------------------------------------
// local

/// Creates `<vardir>/vardir/functions/<path>/` and returns it (with the trailing slash). The
/// path must be relative and name a directory (end in `/`).
fn local_vardir(ctx: &mut dyn CallCtx, a: &[Value]) -> Result<Value, EvalError> {
    let [_] = args::<1>(a)?;
    let rel = str_arg(a, 0)?;
    if rel.starts_with('/') {
        return Err(EvalError::fatal("path must be relative"));
    }
    if !rel.ends_with('/') {
        return Err(EvalError::fatal("path must be a dir"));
    }
    let dir = join_under(&ctx.host().vardir.join("vardir").join("functions"), rel);
    std::fs::create_dir_all(&dir).map_err(|e| EvalError::fatal(go_path_error("mkdir", &dir.to_string_lossy(), &e)))?;
    let mut s = dir.to_string_lossy().into_owned();
    if !s.ends_with('/') {
        s.push('/');
    }
    Ok(Value::str(s))
}

/// A stable, unique, non-zero int per `(namespace, uid)`: the first request for a uid gets one
/// more than the largest allocated in its namespace; kept in `<vardir>/pool/<namespace>/<uid>.uid`.
fn local_pool(ctx: &mut dyn CallCtx, a: &[Value]) -> Result<Value, EvalError> {
    let [_, _] = args::<2>(a)?;
    let (namespace, uid) = (str_arg(a, 0)?, str_arg(a, 1)?);
    for (what, s) in [("namespace", namespace), ("uid", uid)] {
        if s.is_empty() {
            return Err(EvalError::fatal(format!("{what} is empty")));
        }
        if s.contains('/') {
            return Err(EvalError::fatal(format!("{what} contains slash")));
        }
        if s == "." || s == ".." {
            return Err(EvalError::fatal(format!("{what} is not a valid name")));
        }
    }
    let dir = ctx.host().vardir.join("pool").join(namespace);
    let shown = |p: &Path| p.to_string_lossy().into_owned();
    std::fs::create_dir_all(&dir).map_err(|e| EvalError::fatal(go_path_error("mkdir", &shown(&dir), &e)))?;
    let read = |p: &Path| -> Result<i64, EvalError> {
        match std::fs::read_to_string(p) {
            Ok(text) => text.trim().parse().map_err(|_| EvalError::fatal(format!("strconv.Atoi: parsing {:?}: invalid syntax", text.trim()))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(0),
            Err(e) => Err(EvalError::fatal(go_path_error("open", &shown(p), &e))),
        }
    };
    let file = dir.join(format!("{uid}.uid"));
    let existing = read(&file)?;
    if existing != 0 {
        return Ok(Value::Int(existing));
    }
    let entries = std::fs::read_dir(&dir).map_err(|e| EvalError::fatal(go_path_error("open", &shown(&dir), &e)))?;
    let mut max = 0i64;
    for entry in entries {
        let entry = entry.map_err(|e| EvalError::fatal(go_path_error("readdirent", &shown(&dir), &e)))?;
        if entry.file_type().map(|t| t.is_dir()).unwrap_or(false) {
            continue;
        }
        max = max.max(read(&entry.path())?);
    }
    let next = max + 1;
    std::fs::write(&file, format!("{next}\n")).map_err(|e| EvalError::fatal(go_path_error("open", &shown(&file), &e)))?;
    Ok(Value::Int(next))
}

// ---------------------------------------------------------------------------------------------
// golang/os, golang/os/exec

fn go_executable(_: &mut dyn CallCtx, a: &[Value]) -> Result<Value, EvalError> {
    args::<0>(a)?;
    std::env::current_exe().map(|p| path_value(&p)).map_err(|e| EvalError::fatal(go_path_error("readlink", "/proc/self/exe", &e)))
}

/// Go's `os.ExpandEnv`: `$NAME` and `${NAME}` become the variable's value (`""` when unset).
fn go_expand_env(_: &mut dyn CallCtx, a: &[Value]) -> Result<Value, EvalError> {
    let [_] = args::<1>(a)?;
    Ok(Value::str(go_expand(str_arg(a, 0)?, |name| env_var(name).unwrap_or_default())))
}

/// Go's `os.Expand`.
pub(super) fn go_expand(s: &str, mapping: impl Fn(&str) -> String) -> String {
    let b = s.as_bytes();
    let mut buf: Vec<u8> = Vec::new();
    let mut touched = false;
    let mut i = 0;
    let mut j = 0;
    while j < b.len() {
        if b[j] == b'$' && j + 1 < b.len() {
            touched = true;
            buf.extend_from_slice(&b[i..j]);
            let (name, w) = shell_name(&s[j + 1..]);
            if name.is_empty() && w > 0 {
                // invalid syntax: the characters are eaten
            } else if name.is_empty() {
                buf.push(b'$');
            } else {
                buf.extend_from_slice(mapping(name).as_bytes());
            }
            j += w;
            i = j + 1;
        }
        j += 1;
    }
    if !touched {
        return s.to_string();
    }
    if i < b.len() {
        buf.extend_from_slice(&b[i..]);
    }
    String::from_utf8_lossy(&buf).into_owned()
}

/// Go's `getShellName`: the variable name after a `$` and how many bytes it spans.
fn shell_name(s: &str) -> (&str, usize) {
    let b = s.as_bytes();
    let special = |c: u8| matches!(c, b'*' | b'#' | b'$' | b'@' | b'!' | b'?' | b'-' | b'0'..=b'9');
    if b[0] == b'{' {
        if b.len() > 2 && special(b[1]) && b[2] == b'}' {
            return (&s[1..2], 3);
        }
        for (i, &c) in b.iter().enumerate().skip(1) {
            if c == b'}' {
                if i == 1 {
                    return ("", 2);
                }
                return (&s[1..i], i + 1);
            }
        }
        return ("", 1);
    }
    if special(b[0]) {
        return (&s[0..1], 1);
    }
    let n = b.iter().take_while(|&&c| c == b'_' || c.is_ascii_alphanumeric()).count();
    (&s[..n], n)
}

fn go_getuid(_: &mut dyn CallCtx, a: &[Value]) -> Result<Value, EvalError> {
    args::<0>(a)?;
    Ok(Value::Int(proc_status_ids("Uid:").map_or(-1, |ids| ids[0])))
}

fn go_geteuid(_: &mut dyn CallCtx, a: &[Value]) -> Result<Value, EvalError> {
    args::<0>(a)?;
    Ok(Value::Int(proc_status_ids("Uid:").map_or(-1, |ids| ids[1])))
}

fn go_getgid(_: &mut dyn CallCtx, a: &[Value]) -> Result<Value, EvalError> {
    args::<0>(a)?;
    Ok(Value::Int(proc_status_ids("Gid:").map_or(-1, |ids| ids[0])))
}

fn go_getegid(_: &mut dyn CallCtx, a: &[Value]) -> Result<Value, EvalError> {
    args::<0>(a)?;
    Ok(Value::Int(proc_status_ids("Gid:").map_or(-1, |ids| ids[1])))
}

fn go_getenv(_: &mut dyn CallCtx, a: &[Value]) -> Result<Value, EvalError> {
    let [_] = args::<1>(a)?;
    Ok(Value::str(env_var(str_arg(a, 0)?).unwrap_or_default()))
}

/// The memory page size (from the `AT_PAGESZ` entry of the auxiliary vector; 4096 otherwise).
fn go_getpagesize(_: &mut dyn CallCtx, a: &[Value]) -> Result<Value, EvalError> {
    args::<0>(a)?;
    const AT_PAGESZ: u64 = 6;
    let mut size = 4096i64;
    if let Ok(auxv) = std::fs::read("/proc/self/auxv") {
        for pair in auxv.chunks_exact(16) {
            let key = u64::from_ne_bytes(pair[..8].try_into().unwrap_or([0; 8]));
            let value = u64::from_ne_bytes(pair[8..].try_into().unwrap_or([0; 8]));
            if key == AT_PAGESZ && value > 0 {
                size = i64::try_from(value).unwrap_or(size);
                break;
            }
        }
    }
    Ok(Value::Int(size))
}

fn go_getpid(_: &mut dyn CallCtx, a: &[Value]) -> Result<Value, EvalError> {
    args::<0>(a)?;
    Ok(Value::Int(i64::from(std::process::id())))
}

fn go_getppid(_: &mut dyn CallCtx, a: &[Value]) -> Result<Value, EvalError> {
    args::<0>(a)?;
    Ok(Value::Int(i64::from(std::os::unix::process::parent_id())))
}

fn go_getwd(_: &mut dyn CallCtx, a: &[Value]) -> Result<Value, EvalError> {
    args::<0>(a)?;
    std::env::current_dir().map(|p| path_value(&p)).map_err(|e| EvalError::fatal(format!("getwd: {}", go_errno_text(&e))))
}

fn go_hostname(ctx: &mut dyn CallCtx, a: &[Value]) -> Result<Value, EvalError> {
    args::<0>(a)?;
    Ok(Value::str(ctx.host().hostname.as_str()))
}

/// Go's `os.MkdirTemp`: a new directory in `dir` (the temp dir when empty) named by `pattern`
/// with its last `*` (or its end) replaced by a random number.
fn go_mkdir_temp(_: &mut dyn CallCtx, a: &[Value]) -> Result<Value, EvalError> {
    let [_, _] = args::<2>(a)?;
    let (dir, pattern) = (str_arg(a, 0)?, str_arg(a, 1)?);
    let dir = if dir.is_empty() { temp_dir() } else { dir.to_string() };
    if pattern.contains('/') {
        return Err(EvalError::fatal(format!("mkdirtemp {pattern}: pattern contains path separator")));
    }
    let (prefix, suffix) = match pattern.rfind('*') {
        Some(i) => (&pattern[..i], &pattern[i + 1..]),
        None => (pattern, ""),
    };
    let sep = if dir.ends_with('/') { "" } else { "/" };
    for attempt in 0..10_000u32 {
        let name = format!("{dir}{sep}{prefix}{}{suffix}", random_u32(attempt));
        match std::fs::create_dir(&name) {
            Ok(()) => {
                use std::os::unix::fs::PermissionsExt;
                let _ = std::fs::set_permissions(&name, std::fs::Permissions::from_mode(0o700));
                return Ok(Value::str(name));
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(EvalError::fatal(go_path_error("mkdirtemp", &format!("{dir}{sep}{pattern}"), &e))),
        }
    }
    Err(EvalError::fatal(format!("mkdirtemp {dir}{sep}{pattern}: file exists")))
}

/// A random number (std's randomly keyed hasher over the time, the process and a counter).
fn random_u32(salt: u32) -> u32 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u32(salt);
    h.write_u32(std::process::id());
    if let Ok(d) = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        h.write_u128(d.as_nanos());
    }
    h.finish() as u32
}

fn go_read_file(_: &mut dyn CallCtx, a: &[Value]) -> Result<Value, EvalError> {
    let [_] = args::<1>(a)?;
    let name = str_arg(a, 0)?;
    read_to_string_go(Path::new(name), name).map(Value::str).map_err(EvalError::fatal)
}

fn go_readlink(_: &mut dyn CallCtx, a: &[Value]) -> Result<Value, EvalError> {
    let [_] = args::<1>(a)?;
    let name = str_arg(a, 0)?;
    std::fs::read_link(name).map(|p| path_value(&p)).map_err(|e| EvalError::fatal(go_path_error("readlink", name, &e)))
}

/// Go's `os.TempDir`: `$TMPDIR`, else `/tmp`.
fn temp_dir() -> String {
    env_var("TMPDIR").filter(|d| !d.is_empty()).unwrap_or_else(|| "/tmp".to_string())
}

fn go_temp_dir(_: &mut dyn CallCtx, a: &[Value]) -> Result<Value, EvalError> {
    args::<0>(a)?;
    Ok(Value::str(temp_dir()))
}

/// Go's `os.UserCacheDir`/`UserConfigDir` on Unix: `$XDG_…_HOME`, else `$HOME/<fallback>`.
fn xdg_dir(var: &str, fallback: &str) -> Result<Value, EvalError> {
    match env_var(var).filter(|d| !d.is_empty()) {
        Some(dir) if dir.starts_with('/') => Ok(Value::str(dir)),
        Some(_) => Err(EvalError::fatal(format!("path in ${var} is relative"))),
        None => match env_var("HOME").filter(|h| !h.is_empty()) {
            Some(home) => Ok(Value::str(format!("{home}/{fallback}"))),
            None => Err(EvalError::fatal(format!("neither ${var} nor $HOME are defined"))),
        },
    }
}

fn go_user_cache_dir(_: &mut dyn CallCtx, a: &[Value]) -> Result<Value, EvalError> {
    args::<0>(a)?;
    xdg_dir("XDG_CACHE_HOME", ".cache")
}

fn go_user_config_dir(_: &mut dyn CallCtx, a: &[Value]) -> Result<Value, EvalError> {
    args::<0>(a)?;
    xdg_dir("XDG_CONFIG_HOME", ".config")
}

fn go_user_home_dir(_: &mut dyn CallCtx, a: &[Value]) -> Result<Value, EvalError> {
    args::<0>(a)?;
    env_var("HOME").filter(|h| !h.is_empty()).map(Value::str).ok_or_else(|| EvalError::fatal("$HOME is not defined"))
}

/// Go's `exec.LookPath`: a name with a `/` is checked as is; otherwise each `$PATH` entry is
/// tried. A match must be a regular file with an execute bit.
fn go_look_path(_: &mut dyn CallCtx, a: &[Value]) -> Result<Value, EvalError> {
    let [_] = args::<1>(a)?;
    let file = str_arg(a, 0)?;
    let fail = |why: String| EvalError::fatal(format!("exec: {}: {why}", crate::eval::value::go_quote(file)));
    if file.contains('/') {
        return match executable(file) {
            Ok(()) => Ok(Value::str(file)),
            Err(e) => Err(fail(go_path_error("stat", file, &e))),
        };
    }
    let path = env_var("PATH").unwrap_or_default();
    for dir in path.split(':') {
        // filepath.Join(dir, file), with "" meaning the current directory
        let candidate = if dir.is_empty() || dir == "." { file.to_string() } else { format!("{}/{file}", dir.trim_end_matches('/')) };
        if executable(&candidate).is_ok() {
            if !candidate.starts_with('/') {
                return Err(fail("cannot run executable found relative to current directory".into()));
            }
            return Ok(Value::str(candidate));
        }
    }
    Err(fail("executable file not found in $PATH".into()))
}

/// Go's `findExecutable`.
fn executable(path: &str) -> Result<(), std::io::Error> {
    use std::os::unix::fs::PermissionsExt;
    let meta = std::fs::metadata(path)?;
    if meta.is_dir() {
        return Err(std::io::Error::from_raw_os_error(21)); // EISDIR
    }
    if meta.permissions().mode() & 0o111 != 0 { Ok(()) } else { Err(std::io::Error::from(std::io::ErrorKind::PermissionDenied)) }
}

// ---------------------------------------------------------------------------------------------
// golang/runtime: mclc is not a Go runtime, so these answer as an idle Go program would.

/// No CPU profile is being taken.
fn go_cpu_profile(_: &mut dyn CallCtx, a: &[Value]) -> Result<Value, EvalError> {
    args::<0>(a)?;
    Ok(Value::str(""))
}

/// Returns the previous setting (the CPU count); the setting itself has no effect here.
fn go_gomaxprocs(_: &mut dyn CallCtx, a: &[Value]) -> Result<Value, EvalError> {
    let [_] = args::<1>(a)?;
    int_arg(a, 0)?;
    Ok(Value::Int(cpus()))
}

fn go_goroot(_: &mut dyn CallCtx, a: &[Value]) -> Result<Value, EvalError> {
    args::<0>(a)?;
    Ok(Value::str(""))
}

fn go_num_cpu(_: &mut dyn CallCtx, a: &[Value]) -> Result<Value, EvalError> {
    args::<0>(a)?;
    Ok(Value::Int(cpus()))
}

fn go_num_cgo_call(_: &mut dyn CallCtx, a: &[Value]) -> Result<Value, EvalError> {
    args::<0>(a)?;
    Ok(Value::Int(0))
}

fn go_num_goroutine(_: &mut dyn CallCtx, a: &[Value]) -> Result<Value, EvalError> {
    args::<0>(a)?;
    Ok(Value::Int(1))
}

/// No execution trace is being taken.
fn go_read_trace(_: &mut dyn CallCtx, a: &[Value]) -> Result<Value, EvalError> {
    args::<0>(a)?;
    Ok(Value::str(""))
}

/// Returns the previous rate (0: mutex profiling off).
fn go_set_mutex_profile_fraction(_: &mut dyn CallCtx, a: &[Value]) -> Result<Value, EvalError> {
    let [_] = args::<1>(a)?;
    int_arg(a, 0)?;
    Ok(Value::Int(0))
}

/// Go writes the stack into (a copy of) `buf` and returns the bytes written: at most `len(buf)`.
fn go_stack(_: &mut dyn CallCtx, a: &[Value]) -> Result<Value, EvalError> {
    let [_, _] = args::<2>(a)?;
    let buf = str_arg(a, 0)?;
    super::bool_arg(a, 1)?;
    const TRACE: &str = "goroutine 1 [running]:\nmain.main()\n";
    Ok(Value::Int(buf.len().min(TRACE.len()) as i64))
}

fn go_version(_: &mut dyn CallCtx, a: &[Value]) -> Result<Value, EvalError> {
    args::<0>(a)?;
    Ok(Value::str(GO_VERSION))
}
