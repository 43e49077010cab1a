//! `pkg`: a Debian package, through `dpkg-query` and `apt-get`. `state` is `installed` (the
//! default), `uninstalled`, `newest` (the candidate version of `apt-cache policy`) or a version
//! string. `allowdowngrade` and `allowuntrusted` pass apt-get's switches. The resource watches
//! dpkg's status database, so a package removed by hand is reinstalled. Packages ready at the
//! same time are grouped (`Meta:autogroup`, on by default): one `apt-get install` for all.

use super::util::{self, Ran};
use super::{Ctx, Kind, Outcome, Params, Watch};
use crate::error::ResError;
use std::path::PathBuf;
use std::process::Command;

/// The `pkg` kind.
pub struct Pkg;

/// The installed version of `name`, if it is installed.
pub fn installed_version(name: &str) -> Result<Option<String>, ResError> {
    Ok(installed_versions(&[name])?.remove(name))
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

/// The installed versions of `names` (one dpkg-query for all; unknown ones are absent).
fn installed_versions(names: &[&str]) -> Result<std::collections::HashMap<String, String>, ResError> {
    let mut c = Command::new("dpkg-query");
    c.args(["-W", "-f", "${Package}|${db:Status-Abbrev}|${Version}\n"]).args(names);
    let ran = util::run(c, "dpkg-query -W", None)?;
    Ok(ran
        .stdout
        .lines()
        .filter_map(|l| {
            let mut f = l.splitn(3, '|');
            let (name, status, version) = (f.next()?, f.next()?, f.next()?);
            status.starts_with("ii").then(|| (name.split(':').next().unwrap_or(name).to_string(), version.trim().to_string()))
        })
        .collect())
}

/// A member that can be grouped: plain `installed`/`uninstalled`, no apt switches.
fn groupable(p: &Params<'_>) -> Result<Option<bool>, ResError> {
    if p.bool("allowdowngrade")? || p.bool("allowuntrusted")? {
        return Ok(None);
    }
    Ok(match p.str_or_empty("state")? {
        "" | "installed" => Some(true),
        "uninstalled" => Some(false),
        _ => None,
    })
}

impl Kind for Pkg {
    fn groups(&self) -> bool {
        true
    }

    /// Installs every missing package of the group in one `apt-get install` and removes the
    /// unwanted ones in one `apt-get remove`; when a group command fails, each package is tried
    /// alone so that the failure is reported on the package that caused it.
    fn check_apply_group(&self, members: &[Params<'_>], ctx: &mut Ctx<'_>) -> Vec<Result<Outcome, ResError>> {
        let mut results: Vec<Option<Result<Outcome, ResError>>> = (0..members.len()).map(|_| None).collect();
        let mut plain: Vec<(usize, bool)> = Vec::new();
        for (i, p) in members.iter().enumerate() {
            match groupable(p) {
                Ok(Some(install)) => plain.push((i, install)),
                Ok(None) => results[i] = Some(self.check_apply(p, ctx)),
                Err(e) => results[i] = Some(Err(e)),
            }
        }
        if !plain.is_empty() {
            if !util::on_path("dpkg-query") || !util::on_path("apt-get") {
                for (i, _) in &plain {
                    results[*i] = Some(Err(ResError::Other("pkg needs dpkg-query and apt-get (a Debian-family system)".into())));
                }
            } else {
                let names: Vec<&str> = plain.iter().map(|(i, _)| members[*i].name()).collect();
                match installed_versions(&names) {
                    Err(e) => {
                        for (i, _) in &plain {
                            results[*i] = Some(Err(e.clone()));
                        }
                    }
                    Ok(have) => {
                        for install in [true, false] {
                            let todo: Vec<usize> = plain.iter().filter(|(i, w)| *w == install && have.contains_key(members[*i].name()) != install).map(|(i, _)| *i).collect();
                            for (i, w) in &plain {
                                if *w == install && !todo.contains(i) {
                                    results[*i] = Some(Ok(Outcome::ok()));
                                }
                            }
                            if todo.is_empty() {
                                continue;
                            }
                            let verb = if install { "install" } else { "remove" };
                            let pkgs: Vec<&str> = todo.iter().map(|i| members[*i].name()).collect();
                            let together = if pkgs.len() > 1 { format!(" (one apt-get call for {})", pkgs.join(" ")) } else { String::new() };
                            let group_ok = ctx.noop || {
                                let mut args = vec![verb];
                                args.extend(&pkgs);
                                apt_get(&args, ctx.timeout).is_ok()
                            };
                            for i in todo {
                                let mut out = Outcome::ok();
                                out.changes.push(format!("{verb} {}{together}", members[i].name()));
                                results[i] = Some(if group_ok {
                                    Ok(out)
                                } else {
                                    apt_get(&[verb, members[i].name()], ctx.timeout).map(|_| {
                                        let mut alone = Outcome::ok();
                                        alone.changes.push(format!("{verb} {}", members[i].name()));
                                        alone
                                    })
                                });
                            }
                        }
                    }
                }
            }
        }
        results.into_iter().map(|r| r.unwrap_or_else(|| Err(ResError::Other("not checked".into())))).collect()
    }

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
