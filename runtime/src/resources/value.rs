//! `value`: holds a value (`any`, set by the program or received) and sends it on its `any` port,
//! so that values can flow between resources over send/recv edges.

use super::{Ctx, Kind, Outcome, Params};
use crate::error::ResError;

/// The `value` kind.
pub struct ValueRes;

impl Kind for ValueRes {
    fn check_apply(&self, p: &Params<'_>, _ctx: &mut Ctx<'_>) -> Result<Outcome, ResError> {
        let mut out = Outcome::ok();
        if let Some(v) = p.get("any") {
            out.sends.push(("any".into(), v.clone()));
        }
        Ok(out)
    }
}
