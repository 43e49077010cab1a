//! The host-facing builtins (`os`, `sys`, `local`, `golang/os`, `golang/os/exec`,
//! `golang/runtime`, `deploy`, `test`, `example`, `world`, `world/collect`, `value`): called
//! directly through `stdlib::implementation` with a test host, and end to end through
//! `driver::build_graph`.

use mcl_compiler::driver::build_graph;
use mcl_compiler::eval::stdlib::{self, CallCtx, Host, World};
use mcl_compiler::eval::value::{EvalError, Value};
use mcl_compiler::registry::functions;
use mcl_compiler::types::{self, Type};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// The modules these files implement.
const MODULES: &[&str] = &[
    "os",
    "sys",
    "sys/fwupd",
    "local",
    "golang/os",
    "golang/os/exec",
    "golang/runtime",
    "deploy",
    "test",
    "example",
    "example/nested",
    "world",
    "world/collect",
    "value",
];

/// A call context with a test host and, optionally, an inferred result type.
struct Ctx {
    host: Host,
    ret: Option<Type>,
}

impl CallCtx for Ctx {
    fn call(&mut self, _: &Value, _: Vec<Value>) -> Result<Value, EvalError> {
        Err(EvalError::fatal("no function values in these tests"))
    }
    fn ret_type(&self) -> Option<Type> {
        self.ret.clone()
    }
    fn host(&self) -> &Host {
        &self.host
    }
}

/// A temp dir holding a deploy tree (`files/file1`, `files/foo/a`, `files/foo/nested/b`) and a
/// vardir, and a context whose host uses them.
struct Fixture {
    dir: tempfile::TempDir,
    ctx: Ctx,
}

impl Fixture {
    fn new() -> Fixture {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().join("deploy");
        for (path, body) in [("files/file1", "one\n"), ("files/foo/a", "file a\n"), ("files/foo/nested/b", "file b\n"), ("main.mcl", "")] {
            let p = root.join(path);
            std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
            std::fs::write(p, body).expect("write");
        }
        let host = Host { hostname: "h1".into(), deploy_root: root, world: Arc::new(Mutex::new(World::default())), vardir: dir.path().join("var") };
        Fixture { dir, ctx: Ctx { host, ret: None } }
    }

    fn call(&mut self, module: &str, name: &str, args: &[Value]) -> Result<Value, EvalError> {
        let f = stdlib::implementation(module, name).unwrap_or_else(|| panic!("{module}.{name} is not implemented"));
        f(&mut self.ctx, args)
    }

    fn ok(&mut self, module: &str, name: &str, args: &[Value]) -> Value {
        self.call(module, name, args).unwrap_or_else(|e| panic!("{module}.{name}: {e}"))
    }

    fn err(&mut self, module: &str, name: &str, args: &[Value]) -> EvalError {
        match self.call(module, name, args) {
            Ok(v) => panic!("{module}.{name} gave {v} instead of an error"),
            Err(e) => e,
        }
    }

    fn world(&self) -> std::sync::MutexGuard<'_, World> {
        self.ctx.host.world.lock().expect("world lock")
    }
}

fn s(x: &str) -> Value {
    Value::str(x)
}

fn text(v: &Value) -> &str {
    v.as_str().unwrap_or_else(|| panic!("{v} is not a str"))
}

fn int(v: &Value) -> i64 {
    v.as_int().unwrap_or_else(|| panic!("{v} is not an int"))
}

fn boolean(v: &Value) -> bool {
    v.as_bool().unwrap_or_else(|| panic!("{v} is not a bool"))
}

fn field<'a>(v: &'a Value, name: &str) -> &'a Value {
    v.field(name).unwrap_or_else(|| panic!("{v} has no field {name}"))
}

fn strs(v: &Value) -> Vec<String> {
    v.as_list().unwrap_or_else(|| panic!("{v} is not a list")).iter().map(|x| text(x).to_string()).collect()
}

fn str_map(v: &Value) -> BTreeMap<String, String> {
    v.as_map().unwrap_or_else(|| panic!("{v} is not a map")).iter().map(|(k, v)| (text(k).to_string(), text(v).to_string())).collect()
}

/// Every registered function of these modules has an implementation that accepts its arity (so
/// it never reports "not implemented").
#[test]
fn every_function_of_the_modules_is_implemented() {
    let mut count = 0;
    for f in functions::all().iter().filter(|f| MODULES.contains(&f.module)) {
        assert!(stdlib::implementation(f.module, f.name).is_some(), "{} has no implementation", f.qualified_name());
        count += 1;
    }
    assert_eq!(count, 95);
}

/// Wrong argument counts are errors, never panics.
#[test]
fn wrong_arity_is_an_error() {
    let mut fx = Fixture::new();
    for f in functions::all().iter().filter(|f| MODULES.contains(&f.module)) {
        let too_many = vec![s("x"); usize::from(f.max_args.unwrap_or(8)) + 1];
        assert!(fx.call(f.module, f.name, &too_many).is_err(), "{}", f.qualified_name());
    }
}

#[test]
fn os_files_and_commands() {
    let mut fx = Fixture::new();
    let file1 = fx.ctx.host.deploy_root.join("files/file1").to_string_lossy().into_owned();
    assert_eq!(text(&fx.ok("os", "readfile", &[s(&file1)])), "one\n");
    let e = fx.err("os", "readfile", &[s("/nonexistent/mclc-x")]);
    assert!(e.catchable);
    assert_eq!(e.message, "error reading file: open /nonexistent/mclc-x: no such file or directory");
    assert!(boolean(&fx.ok("os", "file_exists", &[s(&file1)])));
    assert!(!boolean(&fx.ok("os", "file_exists", &[s("/nonexistent/mclc-x")])));
    assert!(!boolean(&fx.ok("os", "file_exists", &[s(&format!("{file1}/below-a-file"))])));

    // the first value of the stream is the first line
    assert_eq!(text(&fx.ok("os", "system", &[s("echo 0; echo 1")])), "0");
    assert_eq!(text(&fx.ok("os", "system", &[s("printf 'a b\\r\\nc'")])), "a b");
    assert_eq!(text(&fx.ok("os", "system", &[s("echo first; sleep 30")])), "first", "stops a long-running command");
    let e = fx.err("os", "system", &[s("true")]);
    assert!(!e.catchable);
    assert!(e.message.contains("printed nothing"), "{}", e.message);
}

#[test]
fn os_users_and_distro() {
    let mut fx = Fixture::new();
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
    if let Some(root) = passwd.lines().find(|l| l.starts_with("root:")) {
        let fields: Vec<&str> = root.split(':').collect();
        assert!(boolean(&fx.ok("os", "user_exists", &[s("root")])));
        assert_eq!(text(&fx.ok("os", "uid", &[s("root")])), fields[2]);
        let home = fx.ok("os", "home", &[s("root")]);
        assert_eq!(text(&home).trim_end_matches('/'), fields[5].trim_end_matches('/'));
        assert!(text(&home).ends_with('/'));
        let expanded = fx.ok("os", "expand_home", &[s("~root/x/")]);
        assert_eq!(text(&expanded), format!("{}/x/", fields[5].trim_end_matches('/')));
    }
    assert!(!boolean(&fx.ok("os", "user_exists", &[s("no-such-user-mclc")])));
    assert!(!boolean(&fx.ok("os", "user_exists", &[s("")])));
    let e = fx.err("os", "home", &[s("no-such-user-mclc")]);
    assert_eq!(e.message, "user: unknown user no-such-user-mclc");
    assert!(!e.catchable);
    assert!(fx.call("os", "uid", &[s("no-such-user-mclc")]).is_err());

    assert_eq!(text(&fx.ok("os", "expand_home", &[s("/abs/path")])), "/abs/path");
    assert_eq!(text(&fx.ok("os", "expand_home", &[s("")])), "");
    if let Ok(home) = std::env::var("HOME")
        && !home.is_empty()
    {
        let home = home.trim_end_matches('/').to_string();
        assert_eq!(text(&fx.ok("os", "expand_home", &[s("~")])), home);
        assert_eq!(text(&fx.ok("os", "expand_home", &[s("~/a/b")])), format!("{home}/a/b"));
    }

    let uid = fx.ok("os", "parse_distro_uid", &[s("fedora39-x86_64")]);
    assert_eq!((text(field(&uid, "distro")), text(field(&uid, "version")), text(field(&uid, "arch"))), ("fedora", "39", "x86_64"));
    for bad in ["fedora-x86_64", "39-x86_64", "fedora39", "fedora39-", ""] {
        let v = fx.ok("os", "parse_distro_uid", &[s(bad)]);
        assert_eq!(v.to_string(), "struct{distro => \"\", version => \"\", arch => \"\"}", "{bad}");
    }

    let family = fx.ok("os", "family", &[]);
    assert!(["redhat", "debian", "archlinux", ""].contains(&text(&family)));
    let flags: Vec<bool> = ["is_family_redhat", "is_family_debian", "is_family_archlinux"].iter().map(|n| boolean(&fx.ok("os", n, &[]))).collect();
    if text(&family) == "debian" {
        assert!(flags[1]);
    }
    if Path::new("/etc/os-release").exists() || Path::new("/usr/lib/os-release").exists() {
        let release = fx.ok("os", "release", &[]);
        for f in ["id", "variant_id", "version_id"] {
            text(field(&release, f));
        }
    }
    boolean(&fx.ok("os", "is_virtual", &[]));
    assert!(!boolean(&fx.ok("os", "modinfo_loaded", &[s("no_such_module_mclc")])));
    assert!(!strs(&fx.ok("os", "args", &[])).is_empty());
}

#[test]
fn sys_environment_and_machine() {
    let mut fx = Fixture::new();
    let path = std::env::var("PATH").expect("PATH is set for tests");
    assert_eq!(text(&fx.ok("sys", "getenv", &[s("PATH")])), path);
    let e = fx.err("sys", "getenv", &[s("MCLC_SURELY_UNSET_VARIABLE")]);
    assert!(e.catchable);
    assert_eq!(e.message, "environment variable not set: MCLC_SURELY_UNSET_VARIABLE");
    assert!(fx.err("sys", "getenv", &[s("")]).catchable);
    assert!(boolean(&fx.ok("sys", "hasenv", &[s("PATH")])));
    assert!(!boolean(&fx.ok("sys", "hasenv", &[s("MCLC_SURELY_UNSET_VARIABLE")])));
    assert_eq!(str_map(&fx.ok("sys", "env", &[])).get("PATH"), Some(&path));

    assert_eq!(text(&fx.ok("sys", "hostname", &[])), "h1");
    let load = fx.ok("sys", "load", &[]);
    for f in ["x1", "x5", "x15"] {
        assert!(field(&load, f).as_float().is_some_and(|x| x >= 0.0), "{load}");
    }
    assert_eq!(load.ty(), types::parse("struct{x1 float; x5 float; x15 float}").expect("type"));
    assert!(int(&fx.ok("sys", "uptime", &[])) >= 0);
    assert!(int(&fx.ok("sys", "cpu_count", &[])) >= 1);
    assert!(!boolean(&fx.ok("sys/fwupd", "reboot_needed", &[])));
}

#[test]
fn local_vardir_and_pool() {
    let mut fx = Fixture::new();
    let var = fx.ctx.host.vardir.clone();
    let dir = fx.ok("local", "vardir", &[s("foo1/")]);
    let expected = format!("{}/", var.join("vardir/functions/foo1").to_string_lossy());
    assert_eq!(text(&dir), expected);
    assert!(Path::new(text(&dir)).is_dir());
    let nested = fx.ok("local", "vardir", &[s("a/../../../b/")]);
    assert!(text(&nested).starts_with(&*var.join("vardir/functions").to_string_lossy()), "stays inside: {nested}");
    assert_eq!(fx.err("local", "vardir", &[s("/abs/")]).message, "path must be relative");
    assert_eq!(fx.err("local", "vardir", &[s("nodir")]).message, "path must be a dir");

    assert_eq!(int(&fx.ok("local", "pool", &[s("ns"), s("james")])), 1);
    assert_eq!(int(&fx.ok("local", "pool", &[s("ns"), s("purple")])), 2);
    assert_eq!(int(&fx.ok("local", "pool", &[s("ns"), s("james")])), 1, "stable");
    assert_eq!(int(&fx.ok("local", "pool", &[s("other"), s("purple")])), 1, "per namespace");
    assert_eq!(std::fs::read_to_string(var.join("pool/ns/purple.uid")).expect("pool file"), "2\n");
    assert_eq!(fx.err("local", "pool", &[s(""), s("x")]).message, "namespace is empty");
    assert_eq!(fx.err("local", "pool", &[s("ns"), s("a/b")]).message, "uid contains slash");
    assert!(fx.call("local", "pool", &[s("ns"), s("..")]).is_err());
}

#[test]
fn golang_os_wrappers() {
    let mut fx = Fixture::new();
    let path = std::env::var("PATH").expect("PATH is set for tests");
    assert_eq!(text(&fx.ok("golang/os", "getenv", &[s("PATH")])), path);
    assert_eq!(text(&fx.ok("golang/os", "getenv", &[s("MCLC_SURELY_UNSET_VARIABLE")])), "");
    let expand = |fx: &mut Fixture, x: &str| text(&fx.ok("golang/os", "expand_env", &[s(x)])).to_string();
    assert_eq!(expand(&mut fx, "a $PATH b"), format!("a {path} b"));
    assert_eq!(expand(&mut fx, "<${PATH}>"), format!("<{path}>"));
    assert_eq!(expand(&mut fx, "x$MCLC_SURELY_UNSET_VARIABLE.y"), "x.y");
    assert_eq!(expand(&mut fx, "cost: 5$"), "cost: 5$");
    assert_eq!(expand(&mut fx, "a$ b"), "a$ b");
    assert_eq!(expand(&mut fx, "a${}b"), "ab");
    assert_eq!(expand(&mut fx, "a${b"), "ab");
    assert_eq!(expand(&mut fx, "plain"), "plain");
    assert_eq!(expand(&mut fx, "é$MCLC_SURELY_UNSET_VARIABLEé"), "éé");

    assert_eq!(int(&fx.ok("golang/os", "getpid", &[])), i64::from(std::process::id()));
    assert_eq!(int(&fx.ok("golang/os", "getppid", &[])), i64::from(std::os::unix::process::parent_id()));
    for n in ["getuid", "geteuid", "getgid", "getegid"] {
        assert!(int(&fx.ok("golang/os", n, &[])) >= 0, "{n}");
    }
    let page = int(&fx.ok("golang/os", "getpagesize", &[]));
    assert!(page >= 4096 && (page & (page - 1)) == 0, "{page}");
    let cwd = std::env::current_dir().expect("cwd");
    assert_eq!(text(&fx.ok("golang/os", "getwd", &[])), cwd.to_string_lossy());
    assert_eq!(text(&fx.ok("golang/os", "hostname", &[])), "h1");
    assert!(!text(&fx.ok("golang/os", "executable", &[])).is_empty());
    assert!(!text(&fx.ok("golang/os", "temp_dir", &[])).is_empty());
    if let Ok(home) = std::env::var("HOME")
        && !home.is_empty()
    {
        assert_eq!(text(&fx.ok("golang/os", "user_home_dir", &[])), home);
    }
    let _ = fx.call("golang/os", "user_cache_dir", &[]);
    let _ = fx.call("golang/os", "user_config_dir", &[]);

    let base = fx.dir.path().to_string_lossy().into_owned();
    let made = fx.ok("golang/os", "mkdir_temp", &[s(&base), s("pre-*-post")]);
    let name = Path::new(text(&made)).file_name().expect("name").to_string_lossy().into_owned();
    assert!(Path::new(text(&made)).is_dir() && name.starts_with("pre-") && name.ends_with("-post"), "{made}");
    let other = fx.ok("golang/os", "mkdir_temp", &[s(&base), s("pre-*-post")]);
    assert_ne!(made, other);
    assert!(fx.call("golang/os", "mkdir_temp", &[s(&base), s("a/b")]).is_err());

    let file1 = fx.ctx.host.deploy_root.join("files/file1");
    assert_eq!(text(&fx.ok("golang/os", "read_file", &[s(&file1.to_string_lossy())])), "one\n");
    let e = fx.err("golang/os", "read_file", &[s("/nonexistent/mclc-x")]);
    assert!(!e.catchable, "golang wrappers' errors are not catchable");
    assert_eq!(e.message, "open /nonexistent/mclc-x: no such file or directory");
    let link = fx.dir.path().join("link");
    std::os::unix::fs::symlink("files/file1", &link).expect("symlink");
    assert_eq!(text(&fx.ok("golang/os", "readlink", &[s(&link.to_string_lossy())])), "files/file1");
    assert!(fx.err("golang/os", "readlink", &[s(&file1.to_string_lossy())]).message.starts_with("readlink "));

    let sh = fx.ok("golang/os/exec", "look_path", &[s("sh")]);
    assert!(text(&sh).starts_with('/') && text(&sh).ends_with("/sh"), "{sh}");
    assert_eq!(text(&fx.ok("golang/os/exec", "look_path", std::slice::from_ref(&sh))), text(&sh));
    assert_eq!(fx.err("golang/os/exec", "look_path", &[s("no-such-command-mclc")]).message, "exec: \"no-such-command-mclc\": executable file not found in $PATH");
    assert!(fx.call("golang/os/exec", "look_path", &[s(&file1.to_string_lossy())]).is_err(), "not executable");
}

#[test]
fn golang_runtime_answers_like_an_idle_go_program() {
    let mut fx = Fixture::new();
    assert_eq!(text(&fx.ok("golang/runtime", "version", &[])), "go1.25 (mclc)");
    assert_eq!(text(&fx.ok("golang/runtime", "goroot", &[])), "");
    let cpus = int(&fx.ok("golang/runtime", "num_cpu", &[]));
    assert!(cpus >= 1);
    assert_eq!(int(&fx.ok("golang/runtime", "gomaxprocs", &[Value::Int(2)])), cpus);
    assert_eq!(int(&fx.ok("golang/runtime", "num_cgo_call", &[])), 0);
    assert_eq!(int(&fx.ok("golang/runtime", "num_goroutine", &[])), 1);
    assert_eq!(text(&fx.ok("golang/runtime", "cpu_profile", &[])), "");
    assert_eq!(text(&fx.ok("golang/runtime", "read_trace", &[])), "");
    assert_eq!(int(&fx.ok("golang/runtime", "set_mutex_profile_fraction", &[Value::Int(5)])), 0);
    assert_eq!(int(&fx.ok("golang/runtime", "stack", &[s(""), Value::Bool(true)])), 0);
    assert_eq!(int(&fx.ok("golang/runtime", "stack", &[s("12345"), Value::Bool(false)])), 5);
}

#[test]
fn deploy_paths_and_files() {
    let mut fx = Fixture::new();
    assert_eq!(text(&fx.ok("deploy", "abspath", &[s("/files/file1")])), "/files/file1");
    assert_eq!(text(&fx.ok("deploy", "abspath", &[s("")])), "/");
    let e = fx.err("deploy", "abspath", &[s("files/file1")]);
    assert_eq!(e.message, "path was not absolute, got: `files/file1`");

    assert_eq!(text(&fx.ok("deploy", "readfile", &[s("/files/file1")])), "one\n");
    assert_eq!(text(&fx.ok("deploy", "readfile", &[s("/files/../../files/./file1")])), "one\n", "can't climb out");
    assert_eq!(text(&fx.ok("deploy", "readfileabs", &[s("/files/file1")])), "one\n");
    let e = fx.err("deploy", "readfile", &[s("/files/nope")]);
    assert!(!e.catchable);
    assert_eq!(e.message, "can't read file `/files/nope` (/files/nope): open /files/nope: no such file or directory");
    assert_eq!(fx.err("deploy", "readfile", &[s("files/file1")]).message, "filename was not absolute, got: `files/file1`");
    assert_eq!(fx.err("deploy", "readfileabs", &[s("/nope")]).message, "can't read file `/nope`: open /nope: no such file or directory");
    assert!(fx.err("deploy", "readfile", &[s("/files/")]).message.contains("is a directory"));

    assert!(boolean(&fx.ok("deploy", "file_exists", &[s("/files/file1")])));
    assert!(boolean(&fx.ok("deploy", "file_exists", &[s("/files/foo")])));
    assert!(!boolean(&fx.ok("deploy", "file_exists", &[s("/files/nope")])));

    let dir = fx.ok("deploy", "directory", &[s("/files/foo/")]);
    assert!(text(&dir).starts_with('/') && text(&dir).ends_with("/files/foo/"), "{dir}");
    assert_eq!(std::fs::read_to_string(format!("{}nested/b", text(&dir))).expect("read"), "file b\n");
    assert_eq!(fx.err("deploy", "directory", &[s("/files/foo")]).message, "directory path must be a dir");
    assert_eq!(fx.err("deploy", "directory", &[s("files/foo/")]).message, "directory was not absolute, got: `files/foo/`");
    assert!(fx.err("deploy", "directory", &[s("/files/none/")]).message.starts_with("can't sync dir `/files/none/`"));

    assert_eq!(strs(&fx.ok("deploy", "bootstrap_packages", &[s("debian")])), ["libaugeas-dev", "libvirt-dev", "packagekit-tools"]);
    assert_eq!(strs(&fx.ok("deploy", "bootstrap_packages", &[s("fedora")])), ["augeas-devel", "libvirt-devel", "PackageKit"]);
    assert_eq!(fx.err("deploy", "bootstrap_packages", &[s("beos")]).message, "missing distro");
    assert!(!text(&fx.ok("deploy", "binary_path", &[])).is_empty());
}

#[test]
fn deploy_root_may_be_relative() {
    let mut fx = Fixture::new();
    let cwd = std::env::current_dir().expect("cwd");
    let rel = pathdiff(&fx.ctx.host.deploy_root, &cwd);
    fx.ctx.host.deploy_root = rel;
    let dir = fx.ok("deploy", "directory", &[s("/files/foo/")]);
    assert!(text(&dir).starts_with('/'), "an absolute host path: {dir}");
    assert_eq!(text(&fx.ok("deploy", "readfile", &[s("/files/file1")])), "one\n");
}

/// `path` relative to `base` (both absolute) with `..` steps.
fn pathdiff(path: &Path, base: &Path) -> PathBuf {
    let p: Vec<_> = path.components().collect();
    let b: Vec<_> = base.components().collect();
    let common = p.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut out = PathBuf::new();
    for _ in common..b.len() {
        out.push("..");
    }
    for c in &p[common..] {
        out.push(c);
    }
    out
}

#[test]
fn test_and_example_modules() {
    let mut fx = Fixture::new();
    for n in ["a", "b", "c", "d", "e", "f", "g", "h"] {
        assert_eq!(text(&fx.ok("test", &format!("one_instance_{n}"), &[])), "hello");
    }
    assert_eq!(text(&fx.ok("test", "one_stream", &[Value::Int(13)])), "xxxxxxxxxxxxx");
    assert_eq!(text(&fx.ok("test", "one_stream", &[Value::Int(0)])), "");
    assert_eq!(fx.err("test", "one_stream", &[Value::Int(-1)]).message, "cannot use a negative count");
    assert!(fx.call("test", "one_stream", &[Value::Int(i64::MAX)]).is_err());
    assert_eq!(int(&fx.ok("test", "fastcount", &[])), 0);
    assert_eq!(strs(&fx.ok("test", "forloop", &[])), ["foo"]);
    assert_eq!(str_map(&fx.ok("test", "forkvloop", &[])), BTreeMap::from([("foo".to_string(), "bar".to_string())]));
    assert_eq!(text(&fx.ok("test", "slow_string", &[])), "five seconds has elapsed");

    assert_eq!(int(&fx.ok("example", "answer", &[])), 42);
    assert_eq!(int(&fx.ok("example", "nativeanswer", &[])), 42);
    assert_eq!(int(&fx.ok("example", "test1", &[])), 42);
    assert_eq!(text(&fx.ok("example", "errorbool", &[Value::Bool(false)])), "set input to true to generate an error");
    assert_eq!(fx.err("example", "errorbool", &[Value::Bool(true)]).message, "we errored on request");
    assert!(!boolean(&fx.ok("example", "flipflop", &[])));
    assert_eq!(text(&fx.ok("example", "int2str", &[Value::Int(-42)])), "-42");
    assert_eq!(text(&fx.ok("example", "plus", &[s("a"), s("b")])), "ab");
    for (input, want) in [("42", 42), ("-7", -7), ("+7", 7), ("x", 0), ("", 0), (" 1", 0), ("99999999999999999999", 0), ("-", 0)] {
        assert_eq!(int(&fx.ok("example", "str2int", &[s(input)])), want, "{input:?}");
    }
    assert_eq!(text(&fx.ok("example", "vumeter", &[s("="), Value::Int(20), Value::Float(0.9)])), "(0.000000):\n=\n=");
    assert_eq!(text(&fx.ok("example", "vumeter", &[s("#"), Value::Int(5), Value::Float(-1.0)])), "(0.000000):\n# PEAK!!!\n# PEAK!!!");
    assert_eq!(text(&fx.ok("example/nested", "hello", &[])), "Hello!");
}

#[test]
fn world_store_and_scheduler() {
    let mut fx = Fixture::new();
    assert_eq!(fx.ok("world", "getval", &[s("k")]).to_string(), "struct{value => \"\", exists => false}");
    fx.world().values.insert("k".into(), "v".into());
    assert_eq!(fx.ok("world", "getval", &[s("k")]).to_string(), "struct{value => \"v\", exists => true}");

    assert!(str_map(&fx.ok("world", "kvlookup", &[s("ns")])).is_empty());
    fx.world().namespaces.insert("ns".into(), [("h1".to_string(), "a".to_string()), ("h2".to_string(), "b".to_string())].into_iter().collect());
    assert_eq!(fx.ok("world", "kvlookup", &[s("ns")]).to_string(), "{\"h1\" => \"a\", \"h2\" => \"b\"}");

    assert_eq!(strs(&fx.ok("world", "schedule", &[s("ns")])), ["h1"]);
    assert_eq!(fx.ok("world/collect", "res", &[s("file")]), Value::list(Vec::new()));
}

#[test]
fn value_resource_store() {
    let mut fx = Fixture::new();
    assert_eq!(fx.ok("value", "get_str", &[s("k")]).to_string(), "struct{value => \"\", ready => false}");
    assert_eq!(fx.ok("value", "get_int", &[s("k")]).to_string(), "struct{value => 0, ready => false}");
    assert_eq!(fx.ok("value", "get_float", &[s("k")]).to_string(), "struct{value => 0.0, ready => false}");
    assert_eq!(fx.ok("value", "get_bool", &[s("k")]).to_string(), "struct{value => false, ready => false}");
    fx.world().values.insert("k".into(), "x".into());
    assert_eq!(fx.ok("value", "get_str", &[s("k")]).to_string(), "struct{value => \"\", ready => false}", "world keys are not value keys");

    {
        let mut w = fx.world();
        w.values.insert("value:s".into(), "hello".into());
        w.values.insert("value:i".into(), "-3".into());
        w.values.insert("value:f".into(), "2.5".into());
        w.values.insert("value:b".into(), "true".into());
    }
    assert_eq!(fx.ok("value", "get_str", &[s("s")]).to_string(), "struct{value => \"hello\", ready => true}");
    assert_eq!(fx.ok("value", "get_int", &[s("i")]).to_string(), "struct{value => -3, ready => true}");
    assert_eq!(fx.ok("value", "get_float", &[s("f")]).to_string(), "struct{value => 2.5, ready => true}");
    assert_eq!(fx.ok("value", "get_bool", &[s("b")]).to_string(), "struct{value => true, ready => true}");
    assert!(!fx.err("value", "get_int", &[s("s")]).catchable);

    fx.ctx.ret = Some(types::parse("struct{value int; ready bool}").expect("type"));
    assert_eq!(fx.ok("value", "get", &[s("i")]).to_string(), "struct{value => -3, ready => true}");
    fx.ctx.ret = Some(types::parse("struct{value []str; ready bool}").expect("type"));
    assert_eq!(fx.ok("value", "get", &[s("missing")]).to_string(), "struct{value => [], ready => false}");
    fx.ctx.ret = None;
    assert!(fx.call("value", "get", &[s("i")]).is_err());
}

/// Writes `files` under a temp dir and builds the graph of its `main.mcl` with `host` (made
/// from the dir when `None`); returns the sorted `kind[name]` lines or the first error.
fn graph(files: &[(&str, &str)], hostname: &str, world: World) -> Result<Vec<String>, String> {
    let dir = tempfile::tempdir().expect("temp dir");
    for (path, body) in files {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, body).expect("write");
    }
    let mut host = Host::local(dir.path().to_path_buf());
    host.hostname = hostname.into();
    host.vardir = dir.path().join(".var");
    host.world = Arc::new(Mutex::new(world));
    let built = build_graph(&dir.path().join("main.mcl"), Some(host));
    match built.graph {
        Some(g) => {
            let mut lines: Vec<String> = g.resources.keys().map(|(k, n)| format!("{k}[{n}]")).collect();
            lines.sort();
            Ok(lines)
        }
        None => Err(built.checked.diagnostics.iter().find(|d| d.is_error()).map(|d| d.message.clone()).unwrap_or_default()),
    }
}

#[test]
fn end_to_end_deploy_and_os() {
    let main = "import \"deploy\"\nimport \"os\"\nimport \"strings\"\n\
        $x = deploy.readfile(\"/files/file1\")\n\
        $dir = deploy.directory(\"/files/foo/\")\n\
        $b = strings.trim_space(os.readfile($dir + \"nested/b\"))\n\
        $missing = os.readfile(\"/nonexistent/mclc\") <|> \"fallback\"\n\
        test [$x, $b, $missing, deploy.abspath(\"/files/file1\")] {}\n";
    let files = [("main.mcl", main), ("files/file1", "one"), ("files/foo/nested/b", "bee\n")];
    assert_eq!(graph(&files, "h1", World::default()), Ok(vec!["test[/files/file1]".into(), "test[bee]".into(), "test[fallback]".into(), "test[one]".into()]));

    let bad = [("main.mcl", "import \"deploy\"\ntest [deploy.readfile(\"/files/nope\")] {}\n")];
    let e = graph(&bad, "h1", World::default()).expect_err("a missing deploy file stops the program");
    assert!(e.starts_with("can't read file `/files/nope`"), "{e}");
}

#[test]
fn end_to_end_host_world_and_test_modules() {
    let main = "import \"sys\"\nimport \"world\"\nimport \"test\"\nimport \"example/nested\"\nimport \"os\"\n\
        $v = world.getval(\"color\")\n\
        $kv = world.kvlookup(\"ns\")\n\
        test [sys.hostname(), $v->value, $kv[\"h2\"], test.one_stream(3), nested.hello(), os.system(\"echo 0; echo 1\")] {}\n\
        test [world.schedule(\"ns\")[0] + \"-scheduled\"] {}\n";
    let mut world = World::default();
    world.values.insert("color".into(), "blue".into());
    world.namespaces.insert("ns".into(), [("h2".to_string(), "from-h2".to_string())].into_iter().collect());
    let got = graph(&[("main.mcl", main)], "myhost", world).expect("graph");
    assert_eq!(got, ["test[0]", "test[Hello!]", "test[blue]", "test[from-h2]", "test[myhost-scheduled]", "test[myhost]", "test[xxx]"]);
}

#[test]
fn end_to_end_local_state() {
    let main = "import \"local\"\nimport \"value\"\nimport \"example\"\n\
        $d = local.vardir(\"cache/\")\n\
        $p = local.pool(\"ns\", \"me\")\n\
        $g = value.get_int(\"counter\")\n\
        $r = if $g->ready { \"true\" } else { \"false\" }\n\
        test [example.int2str($p), \"ready:${r}\"] {}\n\
        file [$d] {}\n";
    let got = graph(&[("main.mcl", main)], "h1", World::default()).expect("graph");
    assert_eq!(got.len(), 3, "{got:?}");
    assert!(got.contains(&"test[1]".to_string()) && got.contains(&"test[ready:false]".to_string()), "{got:?}");
    assert!(got.iter().any(|l| l.starts_with("file[/") && l.ends_with("/.var/vardir/functions/cache/]")), "{got:?}");
}
