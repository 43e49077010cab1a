//! `user`: a user account (`state` `exists` — the default — or `absent`; `uid`, `gid` or `group`
//! for the primary group, supplementary `groups`, `homedir`, `shell`, `allowduplicateuid`),
//! through `useradd`, `usermod` and `userdel`. Groups it names are applied first. It watches
//! /etc/passwd and /etc/group.

use super::util::{self, db_entry};
use super::{Ctx, Kind, Names, Outcome, Params, Watch};
use crate::error::ResError;
use std::path::{Path, PathBuf};

/// The `user` kind.
pub struct User;

/// The supplementary groups `user` is a member of.
fn member_of(user: &str) -> Result<Vec<String>, ResError> {
    let text = std::fs::read_to_string("/etc/group").map_err(|e| ResError::io("read", "/etc/group", &e))?;
    Ok(text
        .lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split(':').collect();
            (f.len() >= 4 && f[3].split(',').any(|m| m == user)).then(|| f[0].to_string())
        })
        .collect())
}

impl Kind for User {
    fn check_apply(&self, p: &Params<'_>, ctx: &mut Ctx<'_>) -> Result<Outcome, ResError> {
        let name = p.name();
        let entry = db_entry(Path::new("/etc/passwd"), name)?;
        let mut out = Outcome::ok();
        let state = p.str_or_empty("state")?;
        if state == "absent" {
            if entry.is_some() {
                out.changes.push("delete".into());
                if !ctx.noop {
                    util::run_ok("userdel", &[name])?;
                }
            }
            return Ok(out);
        }
        if !matches!(state, "" | "exists") {
            return Err(ResError::invalid("state", format!("`{state}` is neither `exists` nor `absent`")));
        }
        let uid = p.int("uid")?.map(|u| u.to_string());
        let primary = match (p.str("group")?.filter(|g| !g.is_empty()), p.int("gid")?) {
            (Some(g), _) => Some(g.to_string()),
            (None, Some(g)) => Some(g.to_string()),
            (None, None) => None,
        };
        let groups = p.strs("groups")?;
        let home = p.str("homedir")?.filter(|h| !h.is_empty());
        let shell = p.str("shell")?.filter(|s| !s.is_empty());
        let mut args: Vec<String> = Vec::new();
        let mut push = |flag: &str, value: &str| {
            args.push(flag.to_string());
            args.push(value.to_string());
        };
        match &entry {
            None => {
                out.changes.push("create".into());
                if let Some(u) = &uid {
                    push("-u", u);
                }
                if let Some(g) = &primary {
                    push("-g", g);
                }
                if !groups.is_empty() {
                    push("-G", &groups.join(","));
                }
                if let Some(h) = home {
                    push("-d", h);
                }
                if let Some(s) = shell {
                    push("-s", s);
                }
            }
            Some(f) => {
                let field = |i: usize| f.get(i).map(String::as_str).unwrap_or("");
                if let Some(u) = uid.as_deref().filter(|u| *u != field(2)) {
                    out.changes.push(format!("uid {u}"));
                    push("-u", u);
                }
                if let Some(g) = &primary {
                    let gid_now = field(3);
                    let same = g == gid_now || db_entry(Path::new("/etc/group"), g)?.is_some_and(|e| e.get(2).map(String::as_str) == Some(gid_now));
                    if !same {
                        out.changes.push(format!("primary group {g}"));
                        push("-g", g);
                    }
                }
                if !groups.is_empty() {
                    let mut have = member_of(name)?;
                    have.sort();
                    let mut want: Vec<String> = groups.iter().map(|g| g.to_string()).collect();
                    want.sort();
                    if have != want {
                        out.changes.push(format!("groups {}", want.join(",")));
                        push("-G", &want.join(","));
                    }
                }
                if let Some(h) = home.filter(|h| *h != field(5)) {
                    out.changes.push(format!("home {h}"));
                    push("-d", h);
                }
                if let Some(s) = shell.filter(|s| *s != field(6)) {
                    out.changes.push(format!("shell {s}"));
                    push("-s", s);
                }
            }
        }
        if out.changed() && !ctx.noop {
            if p.bool("allowduplicateuid")? && uid.is_some() {
                args.push("-o".into());
            }
            args.push(name.to_string());
            let argv: Vec<&str> = args.iter().map(String::as_str).collect();
            util::run_ok(if entry.is_none() { "useradd" } else { "usermod" }, &argv)?;
        }
        Ok(out)
    }

    fn watches(&self, _p: &Params<'_>) -> Vec<Watch> {
        vec![Watch::Path(PathBuf::from("/etc/passwd")), Watch::Path(PathBuf::from("/etc/group"))]
    }

    fn names(&self, p: &Params<'_>) -> Vec<Names> {
        let mut names: Vec<Names> = p.strs("groups").unwrap_or_default().into_iter().map(|g| Names::Group(g.to_string())).collect();
        if let Ok(Some(g)) = p.str("group")
            && !g.is_empty()
        {
            names.push(Names::Group(g.to_string()));
        }
        names
    }

    fn manages(&self, p: &Params<'_>) -> Option<Names> {
        Some(Names::User(p.name().to_string()))
    }
}
