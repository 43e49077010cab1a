//! `print`: says its `msg` (on standard output, as `print[name]: msg`). Saying changes nothing on
//! the machine, so a print is never counted as applied. It speaks on its first check, when its
//! message changes (a new graph or a received value) and on refresh; with `refresh_only`, only
//! on refresh.

use super::{Ctx, Kind, Outcome, Params};
use crate::error::ResError;

/// The `print` kind.
pub struct Print;

impl Kind for Print {
    fn check_apply(&self, p: &Params<'_>, ctx: &mut Ctx<'_>) -> Result<Outcome, ResError> {
        let refresh_only = p.bool("refresh_only")?;
        if !ctx.refresh && (refresh_only || !ctx.first) {
            return Ok(Outcome::ok());
        }
        let msg = p.str_or_empty("msg")?;
        ctx.say.push(format!("print[{}]: {msg}", p.name()));
        Ok(Outcome::ok())
    }
}
