//! `kv`: sets a key of the world store to `value` (the in-process store that `world.getval`
//! reads; a cluster backend comes with the deployer). With `skiplessthan`, a numeric value is
//! only ever raised. An unset `value` deletes the key.

use super::{Ctx, Kind, Outcome, Params};
use crate::error::ResError;

/// The `kv` kind.
pub struct Kv;

impl Kind for Kv {
    fn check_apply(&self, p: &Params<'_>, ctx: &mut Ctx<'_>) -> Result<Outcome, ResError> {
        let key = p.str("key")?.filter(|k| !k.is_empty()).unwrap_or(p.name()).to_string();
        let want = p.str("value")?;
        let mut world = ctx.world.lock().map_err(|_| ResError::Other("the world store is unusable (a thread panicked)".into()))?;
        let have = world.values.get(&key).map(String::as_str);
        if have == want {
            return Ok(Outcome::ok());
        }
        if p.bool("skiplessthan")?
            && let (Some(h), Some(w)) = (have.and_then(|h| h.parse::<f64>().ok()), want.and_then(|w| w.parse::<f64>().ok()))
            && w < h
        {
            return Ok(Outcome::ok());
        }
        let mut out = Outcome::ok();
        out.changes.push(match want {
            Some(w) => format!("set `{key}` to `{w}`"),
            None => format!("delete `{key}`"),
        });
        if !ctx.noop {
            match want {
                Some(w) => world.values.insert(key, w.to_string()),
                None => world.values.remove(&key),
            };
        }
        Ok(out)
    }
}
