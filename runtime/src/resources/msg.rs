//! `msg`: says its `body` (with its `priority` and `fields`) on standard output and in the log,
//! like [`print`](super::print): on its first check, when it changes, and on refresh. The
//! `journal` and `syslog` switches send it through `logger` when that program exists.

use super::util;
use super::{Ctx, Kind, Outcome, Params};
use crate::error::ResError;

/// The `msg` kind.
pub struct Msg;

impl Kind for Msg {
    fn check_apply(&self, p: &Params<'_>, ctx: &mut Ctx<'_>) -> Result<Outcome, ResError> {
        if !ctx.first && !ctx.refresh {
            return Ok(Outcome::ok());
        }
        let body = p.str_or_empty("body")?;
        let priority = p.str_or_empty("priority")?;
        let fields: Vec<String> = p.str_map("fields")?.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let mut line = format!("msg[{}]: {body}", p.name());
        if !priority.is_empty() {
            line.push_str(&format!(" (priority {priority})"));
        }
        if !fields.is_empty() {
            line.push_str(&format!(" [{}]", fields.join(" ")));
        }
        tracing::info!(target: "mcl::msg", "{line}");
        ctx.say.push(line);
        if (p.bool("journal")? || p.bool("syslog")?) && !ctx.noop && util::on_path("logger") {
            let mut args = vec!["-t", "mclc"];
            let prio;
            if !priority.is_empty() {
                prio = format!("user.{}", priority.to_lowercase());
                args.extend(["-p", prio.as_str()]);
            }
            args.push(body);
            util::run_ok("logger", &args)?;
        }
        Ok(Outcome::ok())
    }
}
