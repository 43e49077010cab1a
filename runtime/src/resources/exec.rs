//! `exec`: runs a command, guarded by conditions, and sends its output.
//!
//! The command is `cmd` with `args`; with a `shell` it is `shell -c "cmd args…"`, without `args`
//! it is split on whitespace. It runs when every guard allows it: `ifcmd` exits 0 (and prints
//! `ifequals`, when set), `nifcmd` exits non-zero, and the file `creates` does not exist (a
//! refresh from a Notify edge overrides `creates`). An exec with no guard runs on its first check
//! in this process, on refresh and on its watch events (each line `watchcmd` prints, a change of
//! a `watchfiles` path), not on every re-check. After a successful run, `donecmd` runs and the
//! output is sent on the `output`, `stdout` and `stderr` ports. `Meta:timeout` kills the
//! command when it runs longer. `user`/`group` run it under those ids (root only).

use super::util::{self, Ran, resolve_id};
use super::{Ctx, Kind, Names, Outcome, Params, Watch};
use crate::error::ResError;
use mcl_compiler::eval::value::Value;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The `exec` kind.
pub struct Exec;

/// The command for `cmd`/`args` under `shell` in `cwd`, and how it is shown.
fn command(cmd: &str, args: &[&str], shell: &str, cwd: &str) -> Result<(Command, String), ResError> {
    let shown = if args.is_empty() { cmd.to_string() } else { format!("{cmd} {}", args.join(" ")) };
    let mut c = if !shell.is_empty() {
        let mut c = Command::new(shell);
        c.arg("-c").arg(&shown);
        c
    } else if !args.is_empty() {
        let mut c = Command::new(cmd);
        c.args(args);
        c
    } else {
        let mut words = cmd.split_whitespace();
        let Some(program) = words.next() else { return Err(ResError::invalid("cmd", "the command is empty")) };
        let mut c = Command::new(program);
        c.args(words);
        c
    };
    if !cwd.is_empty() {
        c.current_dir(cwd);
    }
    Ok((c, shown))
}

impl Exec {
    /// Runs a guard command (`ifcmd`/`nifcmd`); returns what it produced.
    fn guard(&self, cmd: &str, shell: &str, cwd: &str, ctx: &Ctx<'_>) -> Result<Ran, ResError> {
        let (c, shown) = command(cmd, &[], if shell.is_empty() { "sh" } else { shell }, cwd)?;
        util::run(c, &shown, ctx.timeout)
    }
}

impl Kind for Exec {
    fn check_apply(&self, p: &Params<'_>, ctx: &mut Ctx<'_>) -> Result<Outcome, ResError> {
        let cmd = p.str_or_empty("cmd")?;
        if cmd.trim().is_empty() {
            return Err(ResError::invalid("cmd", "the command is empty"));
        }
        let ifcmd = p.str_or_empty("ifcmd")?;
        if !ifcmd.is_empty() {
            let ran = self.guard(ifcmd, p.str_or_empty("ifshell")?, p.str_or_empty("ifcwd")?, ctx)?;
            let equals = p.str("ifequals")?;
            if !ran.success() || equals.is_some_and(|e| e != ran.output()) {
                return Ok(Outcome::ok());
            }
        }
        let nifcmd = p.str_or_empty("nifcmd")?;
        if !nifcmd.is_empty() && self.guard(nifcmd, p.str_or_empty("nifshell")?, p.str_or_empty("nifcwd")?, ctx)?.success() {
            return Ok(Outcome::ok());
        }
        let creates = p.str_or_empty("creates")?;
        if !creates.is_empty() && !ctx.refresh && Path::new(creates).exists() {
            return Ok(Outcome::ok());
        }
        let guarded = !ifcmd.is_empty() || !nifcmd.is_empty() || !creates.is_empty();
        if !guarded && !ctx.first && !ctx.refresh && !ctx.event {
            return Ok(Outcome::ok());
        }
        let args = p.strs("args")?;
        let (mut c, shown) = command(cmd, &args, p.str_or_empty("shell")?, p.str_or_empty("cwd")?)?;
        let mut out = Outcome::ok();
        if ctx.noop {
            out.changes.push(format!("run `{shown}`"));
            return Ok(out);
        }
        for (k, v) in p.str_map("env")? {
            c.env(k, v);
        }
        if let Some(u) = p.str("user")?.filter(|u| !u.is_empty()) {
            c.uid(resolve_id(Path::new("/etc/passwd"), "owner", u)?);
        }
        if let Some(g) = p.str("group")?.filter(|g| !g.is_empty()) {
            c.gid(resolve_id(Path::new("/etc/group"), "group", g)?);
        }
        let ran = util::run(c, &shown, ctx.timeout)?;
        if !ran.success() {
            return Err(ran.failure(&shown));
        }
        out.changes.push(format!("ran `{shown}`"));
        let donecmd = p.str_or_empty("donecmd")?;
        if !donecmd.is_empty() {
            let done = self.guard(donecmd, p.str_or_empty("doneshell")?, p.str_or_empty("donecwd")?, ctx)?;
            if !done.success() {
                return Err(done.failure(donecmd));
            }
        }
        out.sends = vec![("output".into(), Value::str(ran.output())), ("stdout".into(), Value::str(ran.stdout.as_str())), ("stderr".into(), Value::str(ran.stderr.as_str()))];
        Ok(out)
    }

    fn watches(&self, p: &Params<'_>) -> Vec<Watch> {
        let mut w = Vec::new();
        if let Ok(cmd) = p.str_or_empty("watchcmd")
            && !cmd.is_empty()
        {
            let cwd = p.str_or_empty("watchcwd").unwrap_or_default();
            w.push(Watch::Command { cmd: cmd.to_string(), shell: p.str_or_empty("watchshell").unwrap_or_default().to_string(), cwd: (!cwd.is_empty()).then(|| PathBuf::from(cwd)) });
        }
        for f in p.strs("watchfiles").unwrap_or_default() {
            w.push(Watch::Path(PathBuf::from(f)));
        }
        w
    }

    fn names(&self, p: &Params<'_>) -> Vec<Names> {
        let mut names = Vec::new();
        let cmd = p.str_or_empty("cmd").unwrap_or_default();
        if let Some(program) = cmd.split_whitespace().next().filter(|c| c.starts_with('/')) {
            names.push(Names::Path(program.to_string()));
        }
        for field in ["cwd", "creates"] {
            if let Ok(path) = p.str_or_empty(field)
                && path.starts_with('/')
            {
                names.push(Names::Path(path.to_string()));
            }
        }
        if let Ok(Some(u)) = p.str("user")
            && !u.is_empty()
        {
            names.push(Names::User(u.to_string()));
        }
        if let Ok(Some(g)) = p.str("group")
            && !g.is_empty()
        {
            names.push(Names::Group(g.to_string()));
        }
        names
    }
}
