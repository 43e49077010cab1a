//! `noop`: does nothing (a point to hang edges on; its `comment` is ignored).

use super::{Ctx, Kind, Outcome, Params};
use crate::error::ResError;

/// The `noop` kind.
pub struct Noop;

impl Kind for Noop {
    fn check_apply(&self, _p: &Params<'_>, _ctx: &mut Ctx<'_>) -> Result<Outcome, ResError> {
        Ok(Outcome::ok())
    }
}
