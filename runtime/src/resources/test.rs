//! `test`: mgmt's resource for testing the engine. It changes nothing; it fails when
//! `validateerror` is set, checks `expectrecv` (the fields that must have been received), and
//! sends `hello` (its `sendvalue`, when set) and `answer` (42).

use super::{Ctx, Kind, Outcome, Params};
use crate::error::ResError;
use mcl_compiler::eval::value::Value;

/// The `test` kind.
pub struct Test;

impl Kind for Test {
    fn check_apply(&self, p: &Params<'_>, _ctx: &mut Ctx<'_>) -> Result<Outcome, ResError> {
        let err = p.str_or_empty("validateerror")?;
        if !err.is_empty() {
            return Err(ResError::Other(err.to_string()));
        }
        if p.get("expectrecv").is_some() {
            for field in p.strs("expectrecv")? {
                if !p.received.contains_key(field) {
                    return Err(ResError::invalid("expectrecv", format!("expected to receive a value on `{field}`")));
                }
            }
        }
        let mut out = Outcome::ok();
        let send = p.str_or_empty("sendvalue")?;
        if !send.is_empty() {
            out.sends.push(("hello".into(), Value::str(send)));
        }
        out.sends.push(("answer".into(), Value::Int(42)));
        Ok(out)
    }
}
