//! `svc`: a systemd unit, through `systemctl`. `state` is `running` or `stopped`, `startup` is
//! `enabled` or `disabled` (either may be left unset), `session` manages the user's units
//! (`systemctl --user`). A refresh (Notify edge) restarts a running service. The unit's file
//! under /etc/systemd/system, when a file resource manages it, is applied first.

use super::util::{self};
use super::{Ctx, Kind, Names, Outcome, Params};
use crate::error::ResError;
use std::process::Command;

/// The `svc` kind.
pub struct Svc;

fn unit(name: &str) -> String {
    if name.contains('.') { name.to_string() } else { format!("{name}.service") }
}

/// True when systemd manages this machine (its runtime directory exists).
pub fn systemd_running() -> bool {
    std::path::Path::new("/run/systemd/system").is_dir()
}

fn systemctl(session: bool, args: &[&str]) -> Result<util::Ran, ResError> {
    let mut c = Command::new("systemctl");
    if session {
        c.arg("--user");
    }
    c.args(args);
    util::run(c, &format!("systemctl {}", args.join(" ")), None)
}

fn systemctl_ok(session: bool, args: &[&str]) -> Result<(), ResError> {
    let ran = systemctl(session, args)?;
    if ran.success() { Ok(()) } else { Err(ran.failure(&format!("systemctl {}", args.join(" ")))) }
}

impl Kind for Svc {
    fn check_apply(&self, p: &Params<'_>, ctx: &mut Ctx<'_>) -> Result<Outcome, ResError> {
        if !systemd_running() || !util::on_path("systemctl") {
            return Err(ResError::Other("svc needs systemd, which is not running on this machine".into()));
        }
        let unit = unit(p.name());
        let session = p.bool("session")?;
        let state = p.str_or_empty("state")?;
        let startup = p.str_or_empty("startup")?;
        let mut out = Outcome::ok();
        match startup {
            "" => {}
            "enabled" | "disabled" => {
                let enabled = systemctl(session, &["is-enabled", &unit])?.stdout.trim() == "enabled";
                if enabled != (startup == "enabled") {
                    let verb = if startup == "enabled" { "enable" } else { "disable" };
                    out.changes.push(verb.into());
                    if !ctx.noop {
                        systemctl_ok(session, &[verb, &unit])?;
                    }
                }
            }
            other => return Err(ResError::invalid("startup", format!("`{other}` is neither `enabled` nor `disabled`"))),
        }
        match state {
            "" => {}
            "running" | "stopped" => {
                let active = systemctl(session, &["is-active", &unit])?.success();
                let want = state == "running";
                if active != want {
                    let verb = if want { "start" } else { "stop" };
                    out.changes.push(verb.into());
                    if !ctx.noop {
                        systemctl_ok(session, &[verb, &unit])?;
                    }
                } else if want && ctx.refresh {
                    out.changes.push("restart".into());
                    if !ctx.noop {
                        systemctl_ok(session, &["restart", &unit])?;
                    }
                }
            }
            other => return Err(ResError::invalid("state", format!("`{other}` is neither `running` nor `stopped`"))),
        }
        Ok(out)
    }

    fn names(&self, p: &Params<'_>) -> Vec<Names> {
        let unit = unit(p.name());
        vec![Names::Path(format!("/etc/systemd/system/{unit}"))]
    }
}
