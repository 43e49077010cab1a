//! The `datetime` module: `now`, `str_now`, `weekday_fast` (mgmt's clock streams, sampled once
//! here), and `format`, `hour`, `print`, `weekday` on unix seconds.
//!
//! Times are shown in UTC (mgmt uses the host's local zone; hosts running mgmt commonly use UTC,
//! and a port cannot read the zone database without a dependency). `format` takes a Go time
//! layout (reference time `Mon Jan 2 15:04:05 MST 2006`) and implements Go's layout elements:
//! `2006 06 January Jan 01 1 Monday Mon 02 2 _2 002 __2 15 03 3 04 4 05 5 PM pm MST`, the numeric
//! and ISO 8601 zones (`-0700 -07:00 -07 -070000 -07:00:00 Z0700 Z07:00 Z07 Z070000 Z07:00:00`)
//! and fractional seconds (`.000`, `,000`, `.999`, `,999`, any length). A negative time is an
//! error, as in mgmt ("epoch delta must be positive").

use super::{BuiltinFn, CallCtx, args, int_arg, str_arg};
use crate::eval::value::{EvalError, Value};

/// The functions this module implements.
pub(super) const FUNCTIONS: &[(&str, &str, BuiltinFn)] = &[
    ("datetime", "now", now),
    ("datetime", "str_now", str_now),
    ("datetime", "weekday_fast", weekday_fast),
    ("datetime", "format", format),
    ("datetime", "hour", hour),
    ("datetime", "print", print),
    ("datetime", "weekday", weekday),
];

const LONG_DAYS: [&str; 7] = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const LONG_MONTHS: [&str; 12] = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/// The current unix time in seconds.
fn unix_now() -> i64 {
    match std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        Err(e) => i64::try_from(e.duration().as_secs()).map_or(i64::MIN, |s| -s),
    }
}

/// `datetime.now()`: the current unix time in seconds (a stream in mgmt that ticks every second;
/// here the value at the time of the call).
fn now(_: &mut dyn CallCtx, values: &[Value]) -> Result<Value, EvalError> {
    args::<0>(values)?;
    Ok(Value::Int(unix_now()))
}

/// `datetime.str_now()`: the current unix time in seconds, as a decimal string.
fn str_now(_: &mut dyn CallCtx, values: &[Value]) -> Result<Value, EvalError> {
    args::<0>(values)?;
    Ok(Value::str(unix_now().to_string()))
}

/// `datetime.weekday_fast()`: today's weekday, lower case (`monday`).
fn weekday_fast(_: &mut dyn CallCtx, values: &[Value]) -> Result<Value, EvalError> {
    args::<0>(values)?;
    Ok(Value::str(LONG_DAYS[Civil::from_unix(unix_now()).weekday].to_lowercase()))
}

/// The time argument: unix seconds, which mgmt requires to be non-negative.
fn epoch_arg(values: &[Value]) -> Result<i64, EvalError> {
    let t = int_arg(values, 0)?;
    if t < 0 {
        return Err(EvalError::fatal("epoch delta must be positive"));
    }
    Ok(t)
}

/// `datetime.format(t, layout)`: Go's `time.Unix(t, 0).Format(layout)` (in UTC).
fn format(_: &mut dyn CallCtx, values: &[Value]) -> Result<Value, EvalError> {
    args::<2>(values)?;
    let t = epoch_arg(values)?;
    Ok(Value::str(go_format(t, str_arg(values, 1)?)))
}

/// `datetime.hour(t)`: the hour of the day, 0–23.
fn hour(_: &mut dyn CallCtx, values: &[Value]) -> Result<Value, EvalError> {
    args::<1>(values)?;
    Ok(Value::Int(Civil::from_unix(epoch_arg(values)?).hour))
}

/// `datetime.print(t)`: Go's `time.Time.String()`, e.g. `2009-11-10 23:00:00 +0000 UTC`.
fn print(_: &mut dyn CallCtx, values: &[Value]) -> Result<Value, EvalError> {
    args::<1>(values)?;
    Ok(Value::str(go_format(epoch_arg(values)?, "2006-01-02 15:04:05.999999999 -0700 MST")))
}

/// `datetime.weekday(t)`: the weekday, lower case (`monday`).
fn weekday(_: &mut dyn CallCtx, values: &[Value]) -> Result<Value, EvalError> {
    args::<1>(values)?;
    Ok(Value::str(LONG_DAYS[Civil::from_unix(epoch_arg(values)?).weekday].to_lowercase()))
}

/// A UTC calendar time.
#[derive(Clone, Copy, Debug)]
struct Civil {
    year: i64,
    /// 1–12
    month: i64,
    /// 1–31
    day: i64,
    /// 1–366
    yday: i64,
    hour: i64,
    minute: i64,
    second: i64,
    /// 0 = Sunday
    weekday: usize,
}

/// Unix seconds and milliseconds as RFC 3339 in UTC (`2024-05-01T10:00:00.123Z`), for the
/// timestamps of deploy records.
pub fn utc_rfc3339(secs: i64, millis: u32) -> String {
    let c = Civil::from_unix(secs);
    format!("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{millis:03}Z", c.year, c.month, c.day, c.hour, c.minute, c.second)
}

impl Civil {
    /// The UTC calendar time of unix seconds `t` (proleptic Gregorian, any i64).
    fn from_unix(t: i64) -> Civil {
        let days = t.div_euclid(86_400);
        let secs = t.rem_euclid(86_400);
        // Howard Hinnant's civil_from_days, on an era of 400 years starting 0000-03-01.
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
        const CUMULATIVE: [i64; 12] = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
        let yday = CUMULATIVE[(month - 1) as usize] + day + i64::from(leap && month > 2);
        // 1970-01-01 was a Thursday (4).
        let weekday = (days + 4).rem_euclid(7) as usize;
        Civil { year, month, day, yday, hour: secs / 3600, minute: secs % 3600 / 60, second: secs % 60, weekday }
    }
}

/// One element of a Go layout.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Std {
    LongMonth,
    Month,
    NumMonth,
    ZeroMonth,
    LongWeekDay,
    WeekDay,
    Day,
    UnderDay,
    ZeroDay,
    UnderYearDay,
    ZeroYearDay,
    Hour,
    Hour12,
    ZeroHour12,
    Minute,
    ZeroMinute,
    Second,
    ZeroSecond,
    LongYear,
    Year,
    PM,
    Pm,
    TZ,
    /// `Z…` forms: `Z` for UTC.
    Iso8601(&'static str),
    /// `-07…` forms: the offset in that shape.
    NumTZ(&'static str),
    /// Fractional seconds: separator, digit count, trim trailing zeros (`9`) or not (`0`).
    Frac(u8, usize, bool),
}

/// Go's `nextStdChunk`: the literal text before the first layout element, the element, and the
/// rest of the layout.
fn next_chunk(layout: &str) -> (&str, Option<Std>, &str) {
    let b = layout.as_bytes();
    let at = |i: usize, s: &str| layout.get(i..).is_some_and(|rest| rest.starts_with(s));
    let lower_at = |i: usize| b.get(i).is_some_and(u8::is_ascii_lowercase);
    for i in 0..b.len() {
        let found = |len: usize, std: Std| Some((&layout[..i], Some(std), &layout[i + len..]));
        let chunk = match b[i] {
            b'J' if at(i, "Jan") => {
                if at(i, "January") {
                    found(7, Std::LongMonth)
                } else if !lower_at(i + 3) {
                    found(3, Std::Month)
                } else {
                    None
                }
            }
            b'M' if at(i, "Mon") && at(i, "Monday") => found(6, Std::LongWeekDay),
            b'M' if at(i, "Mon") && !lower_at(i + 3) => found(3, Std::WeekDay),
            b'M' if at(i, "MST") => found(3, Std::TZ),
            b'0' if matches!(b.get(i + 1), Some(b'1'..=b'6')) => {
                let std = [Std::ZeroMonth, Std::ZeroDay, Std::ZeroHour12, Std::ZeroMinute, Std::ZeroSecond, Std::Year][usize::from(b[i + 1] - b'1')];
                found(2, std)
            }
            b'0' if at(i, "002") => found(3, Std::ZeroYearDay),
            b'1' if at(i, "15") => found(2, Std::Hour),
            b'1' => found(1, Std::NumMonth),
            b'2' if at(i, "2006") => found(4, Std::LongYear),
            b'2' => found(1, Std::Day),
            // `_2006` is a literal `_` followed by the long year.
            b'_' if at(i, "_2006") => Some((&layout[..=i], Some(Std::LongYear), &layout[i + 5..])),
            b'_' if at(i, "_2") => found(2, Std::UnderDay),
            b'_' if at(i, "__2") => found(3, Std::UnderYearDay),
            b'3' => found(1, Std::Hour12),
            b'4' => found(1, Std::Minute),
            b'5' => found(1, Std::Second),
            b'P' if at(i, "PM") => found(2, Std::PM),
            b'p' if at(i, "pm") => found(2, Std::Pm),
            b'-' => ["-070000", "-07:00:00", "-0700", "-07:00", "-07"].into_iter().find(|f| at(i, f)).and_then(|f| found(f.len(), Std::NumTZ(f))),
            b'Z' => ["Z070000", "Z07:00:00", "Z0700", "Z07:00", "Z07"].into_iter().find(|f| at(i, f)).and_then(|f| found(f.len(), Std::Iso8601(f))),
            c @ (b'.' | b',') if matches!(b.get(i + 1), Some(b'0' | b'9')) => {
                let digit = b[i + 1];
                let end = (i + 1..b.len()).find(|&j| b[j] != digit).unwrap_or(b.len());
                // Only a fractional second if no other digit follows the run.
                if b.get(end).is_some_and(u8::is_ascii_digit) { None } else { found(end - i, Std::Frac(c, end - i - 1, digit == b'9')) }
            }
            _ => None,
        };
        if let Some(chunk) = chunk {
            return chunk;
        }
    }
    (layout, None, "")
}

/// Go's `appendInt(b, x, width)`: decimal, zero-padded to `width`.
fn pad(out: &mut String, x: i64, width: usize) {
    if x < 0 {
        out.push('-');
    }
    out.push_str(&format!("{:0width$}", x.unsigned_abs()));
}

/// Go's `time.Unix(t, 0).UTC().Format(layout)`.
pub(super) fn go_format(t: i64, layout: &str) -> String {
    let c = Civil::from_unix(t);
    let mut out = String::with_capacity(layout.len() + 10);
    let mut rest = layout;
    loop {
        let (prefix, std, suffix) = next_chunk(rest);
        out.push_str(prefix);
        let Some(std) = std else { break };
        rest = suffix;
        let hour12 = if c.hour % 12 == 0 { 12 } else { c.hour % 12 };
        match std {
            Std::Year => pad(&mut out, c.year.rem_euclid(100), 2),
            Std::LongYear => pad(&mut out, c.year, 4),
            Std::Month => out.push_str(&LONG_MONTHS[(c.month - 1) as usize][..3]),
            Std::LongMonth => out.push_str(LONG_MONTHS[(c.month - 1) as usize]),
            Std::NumMonth => pad(&mut out, c.month, 0),
            Std::ZeroMonth => pad(&mut out, c.month, 2),
            Std::WeekDay => out.push_str(&LONG_DAYS[c.weekday][..3]),
            Std::LongWeekDay => out.push_str(LONG_DAYS[c.weekday]),
            Std::Day => pad(&mut out, c.day, 0),
            Std::UnderDay => {
                if c.day < 10 {
                    out.push(' ');
                }
                pad(&mut out, c.day, 0);
            }
            Std::ZeroDay => pad(&mut out, c.day, 2),
            Std::UnderYearDay => {
                if c.yday < 100 {
                    out.push(' ');
                    if c.yday < 10 {
                        out.push(' ');
                    }
                }
                pad(&mut out, c.yday, 0);
            }
            Std::ZeroYearDay => pad(&mut out, c.yday, 3),
            Std::Hour => pad(&mut out, c.hour, 2),
            Std::Hour12 => pad(&mut out, hour12, 0),
            Std::ZeroHour12 => pad(&mut out, hour12, 2),
            Std::Minute => pad(&mut out, c.minute, 0),
            Std::ZeroMinute => pad(&mut out, c.minute, 2),
            Std::Second => pad(&mut out, c.second, 0),
            Std::ZeroSecond => pad(&mut out, c.second, 2),
            Std::PM => out.push_str(if c.hour >= 12 { "PM" } else { "AM" }),
            Std::Pm => out.push_str(if c.hour >= 12 { "pm" } else { "am" }),
            Std::TZ => out.push_str("UTC"),
            // A zero offset: ISO 8601 writes `Z`, the numeric forms `+00…` in their shape.
            Std::Iso8601(_) => out.push('Z'),
            Std::NumTZ(form) => out.push_str(&form.replace('-', "+").replace('7', "0")),
            // Whole seconds: `.000` shows zeros (at most 9), `.999` nothing.
            Std::Frac(sep, digits, trim) => {
                if !trim && digits > 0 {
                    out.push(char::from(sep));
                    out.push_str(&"0".repeat(digits.min(9)));
                }
            }
        }
    }
    out
}
