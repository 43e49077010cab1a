//! `group`: a group account (`state` `exists` — the default — or `absent`, optional `gid`),
//! through `groupadd`, `groupmod` and `groupdel`. It watches /etc/group.

use super::util::{self, db_entry};
use super::{Ctx, Kind, Names, Outcome, Params, Watch};
use crate::error::ResError;
use std::path::{Path, PathBuf};

/// The `group` kind.
pub struct Group;

impl Kind for Group {
    fn check_apply(&self, p: &Params<'_>, ctx: &mut Ctx<'_>) -> Result<Outcome, ResError> {
        let name = p.name();
        let entry = db_entry(Path::new("/etc/group"), name)?;
        let gid = p.int("gid")?.map(|g| g.to_string());
        let mut out = Outcome::ok();
        match p.str_or_empty("state")? {
            "absent" => {
                if entry.is_some() {
                    out.changes.push("delete".into());
                    if !ctx.noop {
                        util::run_ok("groupdel", &[name])?;
                    }
                }
            }
            "" | "exists" => match entry {
                None => {
                    out.changes.push("create".into());
                    if !ctx.noop {
                        let mut args = Vec::new();
                        if let Some(g) = &gid {
                            args.extend(["-g", g.as_str()]);
                        }
                        args.push(name);
                        util::run_ok("groupadd", &args)?;
                    }
                }
                Some(fields) => {
                    if let Some(g) = &gid
                        && fields.get(2) != Some(g)
                    {
                        out.changes.push(format!("gid {g}"));
                        if !ctx.noop {
                            util::run_ok("groupmod", &["-g", g, name])?;
                        }
                    }
                }
            },
            other => return Err(ResError::invalid("state", format!("`{other}` is neither `exists` nor `absent`"))),
        }
        Ok(out)
    }

    fn watches(&self, _p: &Params<'_>) -> Vec<Watch> {
        vec![Watch::Path(PathBuf::from("/etc/group"))]
    }

    fn manages(&self, p: &Params<'_>) -> Option<Names> {
        Some(Names::Group(p.name().to_string()))
    }
}
