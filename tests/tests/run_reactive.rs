//! `mclc run` as a long-running process: watches, streams, signals, idleness.

use mcl_tests::run::{Running, program, wait_for};
use std::time::Duration;

#[test]
fn a_managed_file_edited_by_hand_is_restored_within_a_second_and_a_converged_run_is_idle() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path();
    let main = program(dir, "file \"@DIR@/managed\" {\n\tstate => \"exists\",\n\tcontent => \"desired\\n\",\n\tmode => \"0644\",\n}\nfile \"@DIR@/gone\" {\n\tstate => \"absent\",\n}\n");
    let mut run = Running::start(&["run", main.to_str().unwrap()], dir);
    let managed = dir.join("managed");
    assert!(wait_for(Duration::from_secs(10), || std::fs::read_to_string(&managed).ok().as_deref() == Some("desired\n")).is_some(), "{}", run.stderr());
    assert!(wait_for(Duration::from_secs(5), || run.stdout().contains("converged:")).is_some());

    // Edited in place, replaced, removed: each is undone within a second.
    std::fs::write(&managed, "edited by hand\n").unwrap();
    let took = wait_for(Duration::from_secs(1), || std::fs::read_to_string(&managed).ok().as_deref() == Some("desired\n"));
    assert!(took.is_some(), "not restored within 1 s\n{}{}", run.stdout(), run.stderr());
    println!("restored after an edit in {:?}", took.unwrap());
    std::fs::remove_file(&managed).unwrap();
    assert!(wait_for(Duration::from_secs(1), || managed.exists()).is_some(), "not recreated within 1 s");
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&managed, std::fs::Permissions::from_mode(0o600)).unwrap();
    assert!(wait_for(Duration::from_secs(1), || std::fs::metadata(&managed).is_ok_and(|m| m.permissions().mode() & 0o777 == 0o644)).is_some(), "mode not restored");
    std::fs::write(dir.join("gone"), "should not exist").unwrap();
    assert!(wait_for(Duration::from_secs(1), || !dir.join("gone").exists()).is_some(), "absent file not removed");

    // Converged: no CPU use while nothing happens.
    std::thread::sleep(Duration::from_millis(300));
    let before = run.cpu_ticks();
    std::thread::sleep(Duration::from_secs(2));
    let after = run.cpu_ticks();
    if let (Some(b), Some(a)) = (before, after) {
        assert!(a - b <= 1, "a converged run used {} clock ticks in 2 s", a - b);
    }

    // SIGTERM stops it gracefully, with exit status 0 (everything converged).
    let code = run.signal_and_wait("TERM", Duration::from_secs(5));
    assert_eq!(code, Some(0), "{}{}", run.stdout(), run.stderr());
}

#[test]
fn a_file_whose_content_comes_from_datetime_now_is_rewritten_as_time_passes() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path();
    let main = program(dir, "import \"datetime\"\nimport \"fmt\"\n\nfile \"@DIR@/clock\" {\n\tstate => \"exists\",\n\tcontent => fmt.printf(\"%d\\n\", datetime.now()),\n}\n");
    let mut run = Running::start(&["run", main.to_str().unwrap()], dir);
    let clock = dir.join("clock");
    let read = || std::fs::read_to_string(&clock).ok().and_then(|s| s.trim().parse::<i64>().ok());
    assert!(wait_for(Duration::from_secs(10), || read().is_some()).is_some(), "{}", run.stderr());
    let first = read().unwrap();
    assert!(wait_for(Duration::from_secs(3), || read().is_some_and(|t| t > first)).is_some(), "not rewritten\n{}{}", run.stdout(), run.stderr());
    let second = read().unwrap();
    assert!(wait_for(Duration::from_secs(3), || read().is_some_and(|t| t > second)).is_some(), "not rewritten twice");
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    assert!((now - read().unwrap()).abs() <= 2);
    assert_eq!(run.signal_and_wait("INT", Duration::from_secs(5)), Some(0), "{}", run.stderr());
}

#[test]
fn a_file_read_with_os_readfile_is_followed() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path();
    std::fs::write(dir.join("input"), "one\n").unwrap();
    let main = program(dir, "import \"os\"\n\nfile \"@DIR@/copy\" {\n\tstate => \"exists\",\n\tcontent => os.readfile(\"@DIR@/input\"),\n}\n");
    let run = Running::start(&["run", main.to_str().unwrap()], dir);
    let copy = dir.join("copy");
    assert!(wait_for(Duration::from_secs(10), || std::fs::read_to_string(&copy).ok().as_deref() == Some("one\n")).is_some(), "{}", run.stderr());
    std::fs::write(dir.join("input"), "two\n").unwrap();
    assert!(wait_for(Duration::from_secs(2), || std::fs::read_to_string(&copy).ok().as_deref() == Some("two\n")).is_some(), "{}{}", run.stdout(), run.stderr());
}

#[test]
fn converged_timeout_exits_after_the_idle_time() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path();
    let main = program(dir, "file \"@DIR@/x\" {\n\tcontent => \"x\",\n}\n");
    let mut run = Running::start(&["run", "--converged-timeout", "0.5", main.to_str().unwrap()], dir);
    assert_eq!(run.wait_exit(Duration::from_secs(10)), Some(0), "{}{}", run.stdout(), run.stderr());
    assert!(run.stdout().contains("converged: 1 applied"), "{}", run.stdout());
}

#[test]
fn an_exec_watchcmd_line_reruns_it() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path();
    let main = program(
        dir,
        "exec \"counter\" {\n\tcmd => \"echo ran >> @DIR@/runs\",\n\tshell => \"/bin/sh\",\n\twatchcmd => \"sleep 0.3; echo tick; sleep 0.3; echo tick; sleep 60\",\n}\n",
    );
    let run = Running::start(&["run", main.to_str().unwrap()], dir);
    let runs = || std::fs::read_to_string(dir.join("runs")).map(|s| s.lines().count()).unwrap_or(0);
    assert!(wait_for(Duration::from_secs(10), || runs() >= 3).is_some(), "runs: {}\n{}{}", runs(), run.stdout(), run.stderr());
}

#[test]
fn a_graph_swap_applies_new_resources_and_stops_managing_removed_ones() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path();
    std::fs::write(dir.join("mode"), "a").unwrap();
    let main = program(
        dir,
        "import \"os\"\n\n$mode = os.readfile(\"@DIR@/mode\")\nfile \"@DIR@/always\" {\n\tcontent => \"kept\\n\",\n}\nif $mode == \"a\" {\n\tfile \"@DIR@/a\" {\n\t\tcontent => \"a\\n\",\n\t}\n} else {\n\tfile \"@DIR@/b\" {\n\t\tcontent => \"b\\n\",\n\t}\n}\n",
    );
    let run = Running::start(&["run", main.to_str().unwrap()], dir);
    assert!(wait_for(Duration::from_secs(10), || dir.join("a").exists() && dir.join("always").exists()).is_some(), "{}", run.stderr());
    let before = run.stdout().matches("applied file[").count();
    std::fs::write(dir.join("mode"), "b").unwrap();
    assert!(wait_for(Duration::from_secs(3), || dir.join("b").exists()).is_some(), "{}{}", run.stdout(), run.stderr());
    std::thread::sleep(Duration::from_millis(200));
    // Only the new resource was applied: `always` is unchanged, `a` is no longer managed.
    assert_eq!(run.stdout().matches("applied file[").count(), before + 1, "{}", run.stdout());
    std::fs::write(dir.join("a"), "edited\n").unwrap();
    std::fs::write(dir.join("always"), "edited\n").unwrap();
    assert!(wait_for(Duration::from_secs(1), || std::fs::read_to_string(dir.join("always")).ok().as_deref() == Some("kept\n")).is_some());
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(std::fs::read_to_string(dir.join("a")).unwrap(), "edited\n", "a removed resource is still managed");
}

#[test]
fn a_kv_resource_feeds_world_getval() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path();
    let main = program(
        dir,
        "import \"world\"\n\nkv \"greeting\" {\n\tkey => \"greeting\",\n\tvalue => \"hello world\\n\",\n}\n$g = world.getval(\"greeting\")\nfile \"@DIR@/from-world\" {\n\tcontent => $g->value,\n}\n",
    );
    let run = Running::start(&["run", main.to_str().unwrap()], dir);
    let read = || std::fs::read_to_string(dir.join("from-world")).ok();
    assert!(wait_for(Duration::from_secs(10), || read().as_deref() == Some("hello world\n")).is_some(), "{:?}\n{}{}", read(), run.stdout(), run.stderr());
}
