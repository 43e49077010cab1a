//! `mclc run --once` end to end: real files in temp directories.

use mcl_tests::run::program;

/// A program with a directory, 50 files in it (one notifying an exec), and the exec.
fn fifty_files(dir: &std::path::Path) -> std::path::PathBuf {
    program(
        dir,
        r#"import "fmt"
import "iter"

file "@DIR@/out/" {
	state => "exists",
	mode => "0750",
}
for $i, $n in iter.range(50) {
	$s = fmt.printf("%d", $n)
	file "@DIR@/out/f${s}.txt" {
		state => "exists",
		content => fmt.printf("file number %d\n", $n),
		mode => "0640",
	}
}
file "@DIR@/out/config" {
	state => "exists",
	content => "setting = 1\n",
	Notify => Exec["reload"],
}
exec "reload" {
	cmd => "echo reloaded >> @DIR@/reloads",
	shell => "/bin/sh",
	creates => "@DIR@/reloads",
}
"#,
    )
}

#[test]
fn fifty_files_an_exec_and_a_notify_edge_converge_and_a_second_run_applies_nothing() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path();
    let main = fifty_files(dir);
    let out = mcl_tests::run(["run", "--once", main.to_str().unwrap()], None);
    assert_eq!(out.code, Some(0), "{}", out.all());
    for n in 0..50 {
        let f = dir.join(format!("out/f{n}.txt"));
        assert_eq!(std::fs::read_to_string(&f).unwrap(), format!("file number {n}\n"));
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&f).unwrap().permissions().mode() & 0o777, 0o640);
    }
    assert_eq!(std::fs::read_to_string(dir.join("reloads")).unwrap(), "reloaded\n");
    assert!(out.stdout.contains("converged: 53 applied, 0 unchanged, 0 failed"), "{}", out.all());
    assert!(out.stdout.contains("applied exec[reload]: ran `echo reloaded"), "{}", out.stdout);

    let again = mcl_tests::run(["run", "--once", main.to_str().unwrap()], None);
    assert_eq!(again.code, Some(0), "{}", again.all());
    assert!(again.stdout.contains("converged: 0 applied, 53 unchanged, 0 failed"), "{}", again.all());
    assert!(!again.stdout.contains("applied "), "{}", again.stdout);
    assert_eq!(std::fs::read_to_string(dir.join("reloads")).unwrap(), "reloaded\n", "the exec ran again");

    // A changed file refreshes the exec through the Notify edge: it runs despite `creates`.
    std::fs::write(dir.join("out/config"), "setting = 2\n").unwrap();
    let third = mcl_tests::run(["run", "--once", main.to_str().unwrap()], None);
    assert_eq!(third.code, Some(0), "{}", third.all());
    assert!(third.stdout.contains("converged: 2 applied, 51 unchanged"), "{}", third.all());
    assert_eq!(std::fs::read_to_string(dir.join("reloads")).unwrap(), "reloaded\nreloaded\n");
}

#[test]
fn noop_changes_nothing_and_reports_what_it_would_do() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path();
    let main = fifty_files(dir);
    let out = mcl_tests::run(["run", "--once", "--noop", main.to_str().unwrap()], None);
    assert_eq!(out.code, Some(0), "{}", out.all());
    assert!(!dir.join("out").exists(), "--noop created the directory");
    assert!(!dir.join("reloads").exists(), "--noop ran the exec");
    assert!(out.stdout.contains(&format!("would apply file[{}/out/f7.txt]: create (14 bytes)", dir.display())), "{}", out.stdout);
    assert!(out.stdout.contains("would apply exec[reload]: run `echo reloaded"), "{}", out.stdout);
    assert!(out.stdout.contains("noop: 53 would change, 0 unchanged, 0 failed"), "{}", out.stdout);

    // Meta:noop on one resource: the others apply.
    std::fs::create_dir(dir.join("out")).unwrap();
    std::fs::write(dir.join("out/keep"), "mine\n").unwrap();
    let main = program(dir, "file \"@DIR@/out/keep\" {\n\tcontent => \"theirs\\n\",\n\tMeta:noop => true,\n}\nfile \"@DIR@/out/new\" {\n\tcontent => \"x\",\n}\n");
    let out = mcl_tests::run(["run", "--once", main.to_str().unwrap()], None);
    assert_eq!(out.code, Some(0), "{}", out.all());
    assert_eq!(std::fs::read_to_string(dir.join("out/keep")).unwrap(), "mine\n");
    assert_eq!(std::fs::read_to_string(dir.join("out/new")).unwrap(), "x");
    assert!(out.stdout.contains("would apply file["), "{}", out.stdout);
}

#[test]
fn a_failing_exec_blocks_only_its_dependents() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path();
    let main = program(
        dir,
        r#"exec "broken" {
	cmd => "echo oh no >&2; exit 3",
	shell => "/bin/sh",
}
file "@DIR@/after-broken" {
	content => "never\n",
	Depend => Exec["broken"],
}
file "@DIR@/after-after" {
	content => "never either\n",
	Depend => File["@DIR@/after-broken"],
}
file "@DIR@/independent" {
	content => "fine\n",
}
exec "ok" {
	cmd => "touch @DIR@/ok-ran",
}
"#,
    );
    let out = mcl_tests::run(["run", "--once", main.to_str().unwrap()], None);
    assert_eq!(out.code, Some(1), "{}", out.all());
    assert!(dir.join("independent").exists() && dir.join("ok-ran").exists(), "{}", out.all());
    assert!(!dir.join("after-broken").exists() && !dir.join("after-after").exists(), "{}", out.all());
    // The failure names the resource, its statement's location and the reason.
    let loc = format!("{}:1:1: error: exec[broken]: `echo oh no >&2; exit 3` failed (exit status 3): oh no", main.display());
    assert!(out.stderr.contains(&loc), "{}", out.stderr);
    assert!(out.stderr.contains(&format!("{}:5:1: blocked: file[{}/after-broken]: not attempted because exec[broken] failed", main.display(), dir.display())), "{}", out.stderr);
    assert!(out.stderr.contains("after-after]: not attempted because exec[broken] failed"), "{}", out.stderr);
    assert!(out.stdout.contains("converged: 2 applied, 0 unchanged, 1 failed, 2 blocked"), "{}", out.stdout);
}

#[test]
fn unsupported_kinds_are_reported_per_resource_while_the_rest_runs() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path();
    let main = program(dir, "virt \"vm1\" {\n}\nfile \"@DIR@/still-made\" {\n\tcontent => \"yes\\n\",\n}\n");
    let out = mcl_tests::run(["run", "--once", main.to_str().unwrap()], None);
    assert_eq!(out.code, Some(1), "{}", out.all());
    assert!(out.stderr.contains(&format!("{}:1:1: error: virt[vm1]: kind `virt` is not supported by this runtime", main.display())), "{}", out.stderr);
    assert_eq!(std::fs::read_to_string(dir.join("still-made")).unwrap(), "yes\n");
}

#[test]
fn an_execs_output_is_sent_into_a_files_content_and_values_flow() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path();
    let main = program(
        dir,
        r#"exec "producer" {
	cmd => "echo produced",
}
file "@DIR@/received" {
	content => "placeholder",
}
Exec["producer"].output -> File["@DIR@/received"].content

value "v" {
	any => "through a value\n",
}
file "@DIR@/from-value" {
	content => "placeholder",
}
Value["v"].any -> File["@DIR@/from-value"].content
print "said" {
	msg => "hello",
}
"#,
    );
    let out = mcl_tests::run(["run", "--once", main.to_str().unwrap()], None);
    assert_eq!(out.code, Some(0), "{}", out.all());
    assert_eq!(std::fs::read_to_string(dir.join("received")).unwrap(), "produced\n");
    assert_eq!(std::fs::read_to_string(dir.join("from-value")).unwrap(), "through a value\n");
    assert!(out.stdout.contains("print[said]: hello"), "{}", out.stdout);
}

#[test]
fn files_directories_symlinks_and_absent() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path();
    std::fs::write(dir.join("doomed"), "bye").unwrap();
    std::fs::write(dir.join("src.txt"), "copied\n").unwrap();
    let main = program(
        dir,
        r#"file "@DIR@/d/" {
	state => "exists",
}
file "@DIR@/d/e/" {
	state => "exists",
	mode => "0700",
}
file "@DIR@/d/e/copy" {
	state => "exists",
	source => "@DIR@/src.txt",
}
file "@DIR@/link" {
	state => "exists",
	symlink => true,
	source => "@DIR@/src.txt",
}
file "@DIR@/doomed" {
	state => "absent",
}
"#,
    );
    let out = mcl_tests::run(["run", "--once", main.to_str().unwrap()], None);
    assert_eq!(out.code, Some(0), "{}", out.all());
    assert_eq!(std::fs::read_to_string(dir.join("d/e/copy")).unwrap(), "copied\n");
    assert_eq!(std::fs::read_link(dir.join("link")).unwrap(), dir.join("src.txt"));
    assert!(!dir.join("doomed").exists());
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(dir.join("d/e")).unwrap().permissions().mode() & 0o777, 0o700);
    // No temporary files are left behind.
    let leftovers: Vec<_> = std::fs::read_dir(dir.join("d/e")).unwrap().filter_map(|e| e.ok()).map(|e| e.file_name()).filter(|n| n.to_string_lossy().contains(".mclc-")).collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_rejected_program_is_reported_with_diagnostics() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let main = program(tmp.path(), "file \"/x\" {\n\tcontent => 42,\n}\n");
    let out = mcl_tests::run(["run", "--once", main.to_str().unwrap()], None);
    assert_eq!(out.code, Some(1), "{}", out.all());
    assert!(out.stderr.contains("main.mcl:2:"), "{}", out.stderr);
}

#[test]
fn the_readme_example_converges_without_root() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let example = mcl_tests::workspace_root().join("examples/run.mcl");
    let out = std::process::Command::new(mcl_tests::mclc())
        .args(["run", "--once", example.to_str().unwrap()])
        .env("TMPDIR", tmp.path())
        .output()
        .expect("run mclc");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    let demo = tmp.path().join("mclc-demo");
    assert_eq!(std::fs::read_to_string(demo.join("hello.txt")).unwrap(), "hello from mclc\n");
    assert!(demo.join("clock.txt").exists() && demo.join("hello.log").exists());
    assert!(stdout.contains(&format!("print[greeting]: managing {}", demo.display())), "{stdout}");
}

#[test]
fn meta_params_retry_timeout_poll_and_hidden() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path();
    let main = program(
        dir,
        r#"exec "flaky" {
	cmd => "n=$(cat @DIR@/tries 2>/dev/null || echo 0); echo $((n+1)) > @DIR@/tries; [ $n -ge 2 ]",
	shell => "/bin/sh",
	Meta:retry => 3,
	Meta:delay => 10,
}
exec "slow" {
	cmd => "sleep 5",
	Meta:timeout => 200,
}
file "@DIR@/hidden" {
	content => "never written",
	Meta:hidden => true,
}
exec "limited" {
	cmd => "true",
	Meta:limit => 100.0,
	Meta:burst => 1,
	Meta:sema => ["lock:1"],
}
"#,
    );
    let t = std::time::Instant::now();
    let out = mcl_tests::run(["run", "--once", main.to_str().unwrap()], None);
    assert_eq!(out.code, Some(1), "{}", out.all());
    assert!(t.elapsed() < std::time::Duration::from_secs(4), "the timeout did not stop `sleep 5`");
    assert_eq!(std::fs::read_to_string(dir.join("tries")).unwrap().trim(), "3", "{}", out.all());
    assert!(out.stdout.contains("applied exec[flaky]"), "{}", out.all());
    assert!(out.stderr.contains("exec[slow]: timed out after 200 ms"), "{}", out.stderr);
    assert!(!dir.join("hidden").exists());
    assert!(out.stdout.contains("applied exec[limited]"), "{}", out.all());
}
