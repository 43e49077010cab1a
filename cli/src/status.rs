//! `mclc status`: what every host reported (the work is in `mcl_runtime::deploy`).

use crate::deploy::{EtcdArgs, ListFormat, connect, out, report_error};
use clap::Args;
use mcl_runtime::deploy::printable;
use std::process::ExitCode;

/// Arguments of `mclc status`.
#[derive(Args, Debug)]
#[command(after_help = "One line per host: the deploy it is on, its state (compiling, applying, converged, failed), since when, whether its agent is live, and the first error. \
A host whose newest deploy failed to compile keeps running an older one: `running` says which.\n\n\
Examples:\n  mclc status --etcd http://127.0.0.1:2379\n  mclc status --format json | jq '.hosts[] | select(.state == \"failed\")'\n\n\
Environment:\n  MCL_ETCD_ENDPOINTS  etcd client URLs when --etcd is not given (comma-separated)\n  MCL_ETCD_PASSWORD   the password of --etcd-user (else it is prompted for on a terminal)")]
pub struct StatusArgs {
    #[command(flatten)]
    etcd: EtcdArgs,
    /// Output format
    #[arg(long, value_enum, default_value_t = ListFormat::Text)]
    format: ListFormat,
}

/// Runs `mclc status`.
pub fn run(args: StatusArgs) -> ExitCode {
    let (rt, store) = match connect("mclc status", &args.etcd) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let read = rt.block_on(async { Ok::<_, mcl_runtime::deploy::DeployError>((store.head().await?.0, store.hosts().await?, store.statuses().await?)) });
    let (head, hosts, statuses) = match read {
        Ok(r) => r,
        Err(e) => return report_error("mclc status", e),
    };
    let mut names: Vec<&String> = hosts.keys().chain(statuses.keys()).collect();
    names.sort();
    names.dedup();
    match args.format {
        ListFormat::Json => {
            let items: Vec<serde_json::Value> = names
                .iter()
                .map(|h| {
                    let s = statuses.get(*h);
                    serde_json::json!({
                        "host": h,
                        "live": hosts.contains_key(*h),
                        "deploy": s.map(|s| s.deploy),
                        "state": s.map(|s| s.state.as_str()),
                        "running": s.and_then(|s| s.running),
                        "since": s.map(|s| s.since.clone()),
                        "updated_at": s.map(|s| s.updated_at.clone()),
                        "diagnostics": s.map(|s| s.diagnostics.clone()).unwrap_or_default(),
                        "pid": hosts.get(*h).map(|r| r.pid),
                        "machine": hosts.get(*h).map(|r| r.machine.clone()),
                    })
                })
                .collect();
            let doc = serde_json::json!({ "newest": head.as_ref().map(|h| h.id), "hosts": items });
            out!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
        }
        ListFormat::Text => {
            // Everything below comes from etcd, written by agents: printed through
            // `printable`, so a compromised host can't send escape sequences to this terminal.
            match &head {
                Some(h) => out!("newest deploy: {}", h.id),
                None => out!("no deploy yet under {}", store.keys().prefix()),
            }
            if names.is_empty() {
                out!("no agent has registered under {}", store.keys().hosts());
                return ExitCode::SUCCESS;
            }
            let width = names.iter().map(|n| printable(n).chars().count()).max().unwrap_or(4).max(4);
            out!("{:width$}  {:>6}  {:9}  {:24}  {:4}  ERROR", "HOST", "DEPLOY", "STATE", "SINCE", "LIVE");
            for h in names {
                let live = if hosts.contains_key(h) { "yes" } else { "no" };
                let shown = printable(h);
                match statuses.get(h) {
                    Some(s) => {
                        let mut error = s.diagnostics.first().cloned().unwrap_or_default();
                        if s.diagnostics.len() > 1 {
                            error.push_str(&format!(" (+{} more)", s.diagnostics.len() - 1));
                        }
                        if let Some(r) = s.running
                            && r != s.deploy
                        {
                            error.push_str(&format!(" [running deploy {r}]"));
                        }
                        out!("{shown:width$}  {:>6}  {:9}  {:24}  {live:4}  {}", s.deploy, s.state.as_str(), printable(&s.since), printable(&error));
                    }
                    None => out!("{shown:width$}  {:>6}  {:9}  {:24}  {live:4}", "-", "-", "-"),
                }
            }
        }
    }
    ExitCode::SUCCESS
}
