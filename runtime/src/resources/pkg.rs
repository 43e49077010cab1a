//! `pkg`: a Debian package, through `dpkg-query` and `apt-get`. `state` is `installed` (the
//! default), `uninstalled`, `newest` (the candidate version of `apt-cache policy`) or a version
//! string. `allowdowngrade` and `allowuntrusted` pass apt-get's switches. The resource watches
//! dpkg's status database, so a package removed by hand is reinstalled.

use super::util::{self, Ran};
use super::{Ctx, Kind, Outcome, Params, Watch};
use crate::error::ResError;
use std::path::PathBuf;
use std::process::Command;

/// The `pkg` kind.
pub struct Pkg;

/// The installed version of `name`, if it is installed.
pub fn installed_version(name: &str) -> Result<Option<String>, ResError> {
    let mut c = Command::new("dpkg-query");
    c.args(["-W", "-f", "${db:Status-Abbrev}|${Version}", name]);
    let ran = util::run(c, &format!("dpkg-query -W {name}"), None)?;
    if !ran.success() {
        return Ok(None);
    }
    Ok(ran.stdout.split_once('|').filter(|(status, _)| status.starts_with("ii")).map(|(_, v)| v.trim().to_string()))
}

/// The candidate version apt would install.
fn candidate(name: &str) -> Result<Option<String>, ResError> {
    let ran = util::run_ok("apt-cache", &["policy", name])?;
    Ok(ran.stdout.lines().find_map(|l| l.trim().strip_prefix("Candidate:")).map(|v| v.trim().to_string()).filter(|v| v != "(none)"))
}

fn apt_get(args: &[&str], timeout: Option<std::time::Duration>) -> Result<Ran, ResError> {
    let mut c = Command::new("apt-get");
    c.args(["-y", "-q", "--no-install-recommends"]).args(args).env("DEBIAN_FRONTEND", "noninteractive");
    let shown = format!("apt-get {}", args.join(" "));
    let ran = util::run(c, &shown, timeout)?;
    if ran.success() { Ok(ran) } else { Err(ran.failure(&shown)) }
}

impl Kind for Pkg {
    fn check_apply(&self, p: &Params<'_>, ctx: &mut Ctx<'_>) -> Result<Outcome, ResError> {
        if !util::on_path("dpkg-query") || !util::on_path("apt-get") {
            return Err(ResError::Other("pkg needs dpkg-query and apt-get (a Debian-family system)".into()));
        }
        let name = p.name();
        let state = p.str_or_empty("state")?;
        let have = installed_version(name)?;
        let mut flags: Vec<&str> = Vec::new();
        if p.bool("allowdowngrade")? {
            flags.push("--allow-downgrades");
        }
        if p.bool("allowuntrusted")? {
            flags.push("--allow-unauthenticated");
        }
        let mut out = Outcome::ok();
        let target = match state {
            "" | "installed" => {
                if have.is_some() {
                    return Ok(out);
                }
                name.to_string()
            }
            "uninstalled" => {
                if have.is_none() {
                    return Ok(out);
                }
                out.changes.push("remove".into());
                if !ctx.noop {
                    apt_get(&["remove", name], ctx.timeout)?;
                }
                return Ok(out);
            }
            "newest" => {
                let Some(c) = candidate(name)? else { return Err(ResError::Other(format!("apt knows no package `{name}`"))) };
                if have.as_deref() == Some(c.as_str()) {
                    return Ok(out);
                }
                name.to_string()
            }
            version => {
                if have.as_deref() == Some(version) {
                    return Ok(out);
                }
                format!("{name}={version}")
            }
        };
        out.changes.push(match &have {
            None => format!("install {target}"),
            Some(v) => format!("upgrade from {v} ({target})"),
        });
        if !ctx.noop {
            let mut args = vec!["install"];
            args.extend(flags);
            args.push(&target);
            apt_get(&args, ctx.timeout)?;
        }
        Ok(out)
    }

    fn watches(&self, _p: &Params<'_>) -> Vec<Watch> {
        vec![Watch::Path(PathBuf::from("/var/lib/dpkg/status"))]
    }
}
