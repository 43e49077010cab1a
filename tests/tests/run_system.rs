//! `mclc run` on system resources: Debian packages, users and groups, systemd services. Each
//! test runs for real where the machine allows it (root, apt, systemd) and otherwise prints why
//! it is skipped.

use mcl_tests::run::program;
use std::path::Path;
use std::process::Command;

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

fn on_path(program: &str) -> bool {
    std::env::var_os("PATH").is_some_and(|p| std::env::split_paths(&p).any(|d| d.join(program).is_file()))
}

fn installed(pkg: &str) -> bool {
    Command::new("dpkg-query").args(["-W", "-f", "${db:Status-Abbrev}", pkg]).output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).starts_with("ii"))
}

fn skip(test: &str, why: &str) {
    eprintln!("skipping {test}: {why}");
}

#[test]
fn pkg_installs_and_removes_the_hello_package() {
    if !is_root() {
        return skip("pkg", "not root (apt-get needs root)");
    }
    if !on_path("apt-get") || !on_path("dpkg-query") {
        return skip("pkg", "no apt-get/dpkg-query (not a Debian-family system)");
    }
    let candidate = Command::new("apt-cache").args(["policy", "hello"]).output().map(|o| String::from_utf8_lossy(&o.stdout).into_owned()).unwrap_or_default();
    if !candidate.contains("Candidate:") || candidate.contains("Candidate: (none)") {
        return skip("pkg", "apt knows no `hello` package (run apt-get update)");
    }
    // `sl` (tiny, no new dependencies) joins `hello` when apt has it: both are installed with
    // one apt-get call (Meta:autogroup).
    let sl = Command::new("apt-cache").args(["policy", "sl"]).output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("Candidate: 5"));
    let pkgs: Vec<&str> = if sl { vec!["hello", "sl"] } else { vec!["hello"] };
    let was_installed: Vec<bool> = pkgs.iter().map(|p| installed(p)).collect();
    let tmp = tempfile::tempdir().expect("temp dir");
    let body = |state: &str| pkgs.iter().map(|p| format!("pkg \"{p}\" {{\n\tstate => \"{state}\",\n}}\n")).collect::<String>();
    let main = program(tmp.path(), &body("installed"));
    let out = mcl_tests::run(["run", "--once", main.to_str().unwrap()], None);
    assert_eq!(out.code, Some(0), "{}", out.all());
    assert!(pkgs.iter().all(|p| installed(p)), "not installed\n{}", out.all());
    assert!(Path::new("/usr/bin/hello").exists());
    if !was_installed[0] {
        assert!(out.stdout.contains("applied pkg[hello]: install hello"), "{}", out.stdout);
    }
    if sl && !was_installed.iter().any(|w| *w) {
        assert!(out.stdout.contains("applied pkg[hello]: install hello (one apt-get call for hello sl)"), "{}", out.stdout);
    }
    let again = mcl_tests::run(["run", "--once", main.to_str().unwrap()], None);
    assert!(again.stdout.contains(&format!("converged: 0 applied, {} unchanged", pkgs.len())), "{}", again.all());

    let main = program(tmp.path(), &body("uninstalled"));
    let noop = mcl_tests::run(["run", "--once", "--noop", main.to_str().unwrap()], None);
    assert!(noop.stdout.contains("would apply pkg[hello]: remove"), "{}", noop.all());
    assert!(installed("hello"));
    let out = mcl_tests::run(["run", "--once", main.to_str().unwrap()], None);
    assert_eq!(out.code, Some(0), "{}", out.all());
    assert!(!pkgs.iter().any(|p| installed(p)), "still installed\n{}", out.all());
    for (p, was) in pkgs.iter().zip(was_installed) {
        if was {
            let _ = Command::new("apt-get").args(["install", "-y", "-q", p]).env("DEBIAN_FRONTEND", "noninteractive").status();
        }
    }
}

#[test]
fn users_and_groups_are_created_changed_and_removed() {
    if !is_root() {
        return skip("user/group", "not root");
    }
    if !on_path("useradd") || !on_path("groupadd") {
        return skip("user/group", "no useradd/groupadd");
    }
    let (user, group) = ("mclctestuser", "mclctestgroup");
    let db = |file: &str, name: &str| std::fs::read_to_string(file).unwrap_or_default().lines().find(|l| l.split(':').next() == Some(name)).map(str::to_string);
    if db("/etc/passwd", user).is_some() || db("/etc/group", group).is_some() {
        return skip("user/group", "the test account already exists (a previous run was interrupted?)");
    }
    let tmp = tempfile::tempdir().expect("temp dir");
    let main = program(
        tmp.path(),
        &format!("group \"{group}\" {{\n\tstate => \"exists\",\n\tgid => 4711,\n}}\nuser \"{user}\" {{\n\tstate => \"exists\",\n\tgroup => \"{group}\",\n\tshell => \"/bin/sh\",\n\thomedir => \"/nonexistent\",\n}}\nfile \"@DIR@/owned\" {{\n\tcontent => \"x\",\n\towner => \"{user}\",\n\tgroup => \"{group}\",\n}}\n"),
    );
    let out = mcl_tests::run(["run", "--once", main.to_str().unwrap()], None);
    let cleanup = || {
        let quiet = |c: &mut Command| c.stderr(std::process::Stdio::null()).status();
        let _ = quiet(Command::new("userdel").arg(user));
        let _ = quiet(Command::new("groupdel").arg(group));
    };
    if out.code != Some(0) {
        cleanup();
        panic!("{}", out.all());
    }
    let passwd = db("/etc/passwd", user).unwrap_or_default();
    assert!(passwd.ends_with(":/nonexistent:/bin/sh") && passwd.contains(":4711:"), "{passwd}");
    assert!(db("/etc/group", group).is_some_and(|g| g.contains(":4711:")));
    use std::os::unix::fs::MetadataExt;
    assert_eq!(std::fs::metadata(tmp.path().join("owned")).unwrap().gid(), 4711);

    // A change by hand is put back; then both go away.
    let _ = Command::new("usermod").args(["-s", "/bin/bash", user]).status();
    let out = mcl_tests::run(["run", "--once", main.to_str().unwrap()], None);
    assert!(out.stdout.contains(&format!("applied user[{user}]: shell /bin/sh")), "{}", out.all());
    let main = program(tmp.path(), &format!("user \"{user}\" {{\n\tstate => \"absent\",\n}}\ngroup \"{group}\" {{\n\tstate => \"absent\",\n\tDepend => User[\"{user}\"],\n}}\n"));
    let out = mcl_tests::run(["run", "--once", main.to_str().unwrap()], None);
    let gone = db("/etc/passwd", user).is_none() && db("/etc/group", group).is_none();
    cleanup();
    assert_eq!(out.code, Some(0), "{}", out.all());
    assert!(gone, "{}", out.all());
}

#[test]
fn svc_starts_and_stops_a_unit_where_systemd_runs() {
    if !is_root() {
        return skip("svc", "not root");
    }
    if !Path::new("/run/systemd/system").is_dir() {
        // Still check that the failure is reported per resource, with the reason.
        let tmp = tempfile::tempdir().expect("temp dir");
        let main = program(tmp.path(), "svc \"mclc-test\" {\n\tstate => \"running\",\n}\nfile \"@DIR@/ok\" {\n\tcontent => \"x\",\n}\n");
        let out = mcl_tests::run(["run", "--once", main.to_str().unwrap()], None);
        assert_eq!(out.code, Some(1));
        assert!(out.stderr.contains("svc[mclc-test]: svc needs systemd, which is not running on this machine"), "{}", out.all());
        assert!(tmp.path().join("ok").exists());
        return skip("svc", "systemd is not running on this machine (checked the failure report instead)");
    }
    let tmp = tempfile::tempdir().expect("temp dir");
    let unit = "/etc/systemd/system/mclc-test.service";
    let main = program(
        tmp.path(),
        &format!("file \"{unit}\" {{\n\tcontent => \"[Service]\\nExecStart=/bin/sleep 600\\n\",\n}}\nsvc \"mclc-test\" {{\n\tstate => \"running\",\n}}\n"),
    );
    let _ = Command::new("systemctl").arg("daemon-reload").status();
    let out = mcl_tests::run(["run", "--once", main.to_str().unwrap()], None);
    let _ = Command::new("systemctl").arg("daemon-reload").status();
    let out2 = mcl_tests::run(["run", "--once", main.to_str().unwrap()], None);
    let active = Command::new("systemctl").args(["is-active", "mclc-test"]).status().is_ok_and(|s| s.success());
    let _ = Command::new("systemctl").args(["stop", "mclc-test"]).status();
    let _ = std::fs::remove_file(unit);
    let _ = Command::new("systemctl").arg("daemon-reload").status();
    assert!(active, "{}{}", out.all(), out2.all());
}
