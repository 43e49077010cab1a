//! Deploying to an etcd that requires TLS with client certificates, and to one with user
//! authentication (both started by the test on loopback; skipped when etcd is not installed).

use mcl_tests::etcd::{Agent, Cluster, mclc_in, printer, write};
use mcl_tests::run::wait_for;
use std::sync::Mutex;
use std::time::Duration;

static SERIAL: Mutex<()> = Mutex::new(());

#[test]
fn tls_with_client_certificates() {
    let _guard = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let Some(cluster) = Cluster::start_with(1, true) else { return };
    let Some(tls) = cluster.tls.clone() else { panic!("no TLS files") };
    let ep = cluster.endpoints();
    assert!(ep.starts_with("https://"), "{ep}");
    let (ca, cert, key) = (tls.ca.to_string_lossy().into_owned(), tls.client_cert.to_string_lossy().into_owned(), tls.client_key.to_string_lossy().into_owned());
    let flags = ["--etcd-ca", ca.as_str(), "--etcd-cert", cert.as_str(), "--etcd-key", key.as_str()];
    let h1 = Agent::start(&ep, "h1", &flags);
    assert!(h1.registered(), "{}", h1.stderr());
    let dir = tempfile::tempdir().expect("tmp");
    let main = write(dir.path(), "main.mcl", &printer("tls"));
    let mut args = vec!["deploy", "--etcd", ep.as_str(), "--wait"];
    args.extend_from_slice(&flags);
    args.push(&main);
    let out = mclc_in(dir.path(), &args, &[]);
    assert_eq!(out.code, Some(0), "{}", out.all());
    assert!(out.stdout.contains("h1: converged"), "{}", out.stdout);
    assert!(wait_for(Duration::from_secs(2), || h1.stdout().contains("tls on h1")).is_some(), "{}", h1.stdout());
    let mut status = vec!["status", "--etcd", ep.as_str()];
    status.extend_from_slice(&flags);
    let out = mclc_in(dir.path(), &status, &[]);
    assert!(out.stdout.contains("converged"), "{}", out.all());

    // Without the CA the server's certificate is not trusted; without a client certificate
    // the server refuses. Both name the endpoint and the flags to check.
    let out = mclc_in(dir.path(), &["status", "--etcd", &ep, "--etcd-cert", &cert, "--etcd-key", &key], &[]);
    assert_eq!(out.code, Some(2), "{}", out.all());
    assert!(out.stderr.contains(&ep) && out.stderr.contains("--etcd-ca"), "{}", out.stderr);
    let out = mclc_in(dir.path(), &["status", "--etcd", &ep, "--etcd-ca", &ca], &[]);
    assert_eq!(out.code, Some(2), "{}", out.all());
    assert!(out.stderr.contains(&ep), "{}", out.stderr);
    // TLS files with an http:// endpoint are a usage mistake.
    let plain = ep.replacen("https://", "http://", 1);
    let out = mclc_in(dir.path(), &["status", "--etcd", &plain, "--etcd-ca", &ca], &[]);
    assert!(out.stderr.contains("use https://"), "{}", out.stderr);
    drop(h1);
}

#[test]
fn user_authentication() {
    let _guard = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let Some(cluster) = Cluster::start(1) else { return };
    let ep = cluster.endpoints();
    cluster.ctl(&["user", "add", "root:rootpw", "--interactive=false"], None);
    cluster.ctl(&["role", "add", "deployer"], None);
    cluster.ctl(&["role", "grant-permission", "deployer", "--prefix=true", "readwrite", "/mcl/"], None);
    cluster.ctl(&["user", "add", "alice:s3cret", "--interactive=false"], None);
    cluster.ctl(&["user", "grant-role", "alice", "deployer"], None);
    cluster.ctl(&["auth", "enable"], None);

    let env = [("MCL_ETCD_PASSWORD", "s3cret")];
    let h1 = Agent::start_env(&ep, "h1", &["--etcd-user", "alice"], &env);
    assert!(h1.registered(), "{}", h1.stderr());
    let dir = tempfile::tempdir().expect("tmp");
    let main = write(dir.path(), "main.mcl", &printer("auth"));
    let out = mclc_in(dir.path(), &["deploy", "--etcd", &ep, "--etcd-user", "alice", "--wait", &main], &env);
    assert_eq!(out.code, Some(0), "{}", out.all());
    assert!(out.stdout.contains("h1: converged"), "{}", out.stdout);
    assert!(wait_for(Duration::from_secs(2), || h1.stdout().contains("auth on h1")).is_some(), "{}", h1.stdout());

    // A wrong password, and no user at all, are refused with a hint.
    let out = mclc_in(dir.path(), &["status", "--etcd", &ep, "--etcd-user", "alice"], &[("MCL_ETCD_PASSWORD", "wrong")]);
    assert_eq!(out.code, Some(2), "{}", out.all());
    assert!(out.stderr.contains(&format!("etcd at {ep} refused the credentials")) && out.stderr.contains("MCL_ETCD_PASSWORD"), "{}", out.stderr);
    let out = mclc_in(dir.path(), &["status", "--etcd", &ep], &[]);
    assert_eq!(out.code, Some(2), "{}", out.all());
    assert!(out.stderr.contains("--etcd-user"), "{}", out.stderr);
    // Without a terminal, a missing password is an error, not a hang (setsid: no controlling
    // terminal even when the tests run in one).
    let out = std::process::Command::new("setsid")
        .arg("-w")
        .arg(mcl_tests::mclc())
        .args(["status", "--etcd", &ep, "--etcd-user", "alice"])
        .env_remove("MCL_ETCD_PASSWORD")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("setsid mclc");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("MCL_ETCD_PASSWORD"), "{stderr}");
    drop(h1);
}
