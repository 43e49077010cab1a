//! The `math` module (`fortytwo`, `minus1`, `mod`, `pow`, `sqrt`), the `golang/math` wrappers of
//! Go's `math` package (all 58 in the table) and the `golang/math/rand` ones.
//!
//! * `math.mod`, `math.pow` and `math.sqrt` turn a NaN or infinite result into a catchable error
//!   (`result is not a number`, …), as mgmt does; `math.mod` on ints is Go's `%` (the sign of the
//!   dividend) and a zero divisor is that catchable error. `math.fortytwo` returns an int or a
//!   float depending on the call's inferred result type ([`CallCtx::ret_type`]).
//! * The `golang/math` functions follow Go's documented special cases (`Max(x, NaN) = NaN`,
//!   `Round` half away from zero, `Ilogb(0) = MinInt32`, …). Elementary functions come from
//!   Rust's `std`; the error, gamma and Bessel functions and `remainder`/`nextafter` from the
//!   `libm` crate (ports of the same FreeBSD msun code Go's are based on). Results can differ from
//!   Go's in the last bit where Go uses its own approximation.
//! * Integer arguments wrap like Go's `int` (int64): `minus1(MinInt64)` is `MaxInt64`.
//! * `golang/math/rand` draws from a process-wide generator seeded from the clock. Go panics on
//!   `Intn(n <= 0)`; here that is a (fatal) error.

use super::core::{random_below, random_u64};
use super::{BuiltinFn, CallCtx, args, float_arg, int_arg, str_arg};
use crate::eval::value::{EvalError, Value};
use crate::types::Type;
use std::f64::consts::PI;

/// The functions this module implements.
pub(super) const FUNCTIONS: &[(&str, &str, BuiltinFn)] = &[
    ("math", "fortytwo", fortytwo),
    ("math", "minus1", minus1),
    ("math", "mod", modulo),
    ("math", "pow", pow),
    ("math", "sqrt", sqrt),
    // golang/math: Go's `math` package.
    ("golang/math", "abs", |_, v| f1(v, f64::abs)),
    ("golang/math", "acos", |_, v| f1(v, f64::acos)),
    ("golang/math", "acosh", |_, v| f1(v, f64::acosh)),
    ("golang/math", "asin", |_, v| f1(v, f64::asin)),
    ("golang/math", "asinh", |_, v| f1(v, f64::asinh)),
    ("golang/math", "atan", |_, v| f1(v, f64::atan)),
    ("golang/math", "atan_2", |_, v| f2(v, f64::atan2)),
    ("golang/math", "atanh", |_, v| f1(v, f64::atanh)),
    ("golang/math", "cbrt", |_, v| f1(v, f64::cbrt)),
    ("golang/math", "ceil", |_, v| f1(v, f64::ceil)),
    ("golang/math", "copysign", |_, v| f2(v, f64::copysign)),
    ("golang/math", "cos", |_, v| f1(v, f64::cos)),
    ("golang/math", "cosh", |_, v| f1(v, f64::cosh)),
    ("golang/math", "dim", |_, v| f2(v, go_dim)),
    ("golang/math", "erf", |_, v| f1(v, libm::erf)),
    ("golang/math", "erfc", |_, v| f1(v, libm::erfc)),
    ("golang/math", "erfcinv", |_, v| f1(v, |x| erfinv(1.0 - x))),
    ("golang/math", "erfinv", |_, v| f1(v, erfinv)),
    ("golang/math", "exp", |_, v| f1(v, f64::exp)),
    ("golang/math", "exp_2", |_, v| f1(v, f64::exp2)),
    ("golang/math", "expm_1", |_, v| f1(v, f64::exp_m1)),
    ("golang/math", "fma", go_fma),
    ("golang/math", "floor", |_, v| f1(v, f64::floor)),
    ("golang/math", "gamma", |_, v| f1(v, libm::tgamma)),
    ("golang/math", "hypot", |_, v| f2(v, f64::hypot)),
    ("golang/math", "ilogb", |_, v| {
        args::<1>(v)?;
        Ok(Value::Int(go_ilogb(float_arg(v, 0)?)))
    }),
    ("golang/math", "inf", |_, v| {
        args::<1>(v)?;
        Ok(Value::Float(if int_arg(v, 0)? >= 0 { f64::INFINITY } else { f64::NEG_INFINITY }))
    }),
    ("golang/math", "is_inf", |_, v| {
        args::<2>(v)?;
        let (f, sign) = (float_arg(v, 0)?, int_arg(v, 1)?);
        Ok(Value::Bool((sign >= 0 && f == f64::INFINITY) || (sign <= 0 && f == f64::NEG_INFINITY)))
    }),
    ("golang/math", "is_na_n", |_, v| {
        args::<1>(v)?;
        Ok(Value::Bool(float_arg(v, 0)?.is_nan()))
    }),
    ("golang/math", "j_0", |_, v| f1(v, libm::j0)),
    ("golang/math", "j_1", |_, v| f1(v, libm::j1)),
    ("golang/math", "jn", |_, v| bessel_n(v, false)),
    ("golang/math", "ldexp", |_, v| {
        args::<2>(v)?;
        let (frac, exp) = (float_arg(v, 0)?, int_arg(v, 1)?);
        // Any exponent beyond ±2200 saturates the same way (to 0 or ±Inf).
        Ok(Value::Float(libm::scalbn(frac, exp.clamp(-2200, 2200) as i32)))
    }),
    ("golang/math", "log", |_, v| f1(v, f64::ln)),
    ("golang/math", "log_10", |_, v| f1(v, |x| x.ln() * std::f64::consts::LOG10_E)),
    ("golang/math", "log_1_p", |_, v| f1(v, f64::ln_1p)),
    ("golang/math", "log_2", |_, v| f1(v, go_log2)),
    ("golang/math", "logb", |_, v| f1(v, go_logb)),
    ("golang/math", "max", |_, v| f2(v, go_max)),
    ("golang/math", "min", |_, v| f2(v, go_min)),
    ("golang/math", "mod", |_, v| f2(v, |x, y| x % y)),
    ("golang/math", "na_n", |_, v| {
        args::<0>(v)?;
        Ok(Value::Float(f64::NAN))
    }),
    ("golang/math", "nextafter", |_, v| f2(v, libm::nextafter)),
    ("golang/math", "pow", |_, v| f2(v, f64::powf)),
    ("golang/math", "pow_10", |_, v| {
        args::<1>(v)?;
        Ok(Value::Float(go_pow10(int_arg(v, 0)?)))
    }),
    ("golang/math", "remainder", |_, v| f2(v, libm::remainder)),
    ("golang/math", "round", |_, v| f1(v, f64::round)),
    ("golang/math", "round_to_even", |_, v| f1(v, f64::round_ties_even)),
    ("golang/math", "signbit", |_, v| {
        args::<1>(v)?;
        Ok(Value::Bool(float_arg(v, 0)?.is_sign_negative()))
    }),
    ("golang/math", "sin", |_, v| f1(v, f64::sin)),
    ("golang/math", "sinh", |_, v| f1(v, f64::sinh)),
    ("golang/math", "sqrt", |_, v| f1(v, f64::sqrt)),
    ("golang/math", "tan", |_, v| f1(v, f64::tan)),
    ("golang/math", "tanh", |_, v| f1(v, f64::tanh)),
    ("golang/math", "trunc", |_, v| f1(v, f64::trunc)),
    ("golang/math", "y_0", |_, v| f1(v, libm::y0)),
    ("golang/math", "y_1", |_, v| f1(v, libm::y1)),
    ("golang/math", "yn", |_, v| bessel_n(v, true)),
    // golang/math/rand: Go's `math/rand` top-level functions.
    ("golang/math/rand", "exp_float_64", |_, v| {
        args::<0>(v)?;
        Ok(Value::Float(-(1.0 - unit_float()).ln()))
    }),
    ("golang/math/rand", "float_64", |_, v| {
        args::<0>(v)?;
        Ok(Value::Float(unit_float()))
    }),
    ("golang/math/rand", "int", |_, v| {
        args::<0>(v)?;
        Ok(Value::Int((random_u64() >> 1) as i64))
    }),
    ("golang/math/rand", "int_63", |_, v| {
        args::<0>(v)?;
        Ok(Value::Int((random_u64() >> 1) as i64))
    }),
    ("golang/math/rand", "int_63_n", |_, v| random_n(v, "Int63n")),
    ("golang/math/rand", "intn", |_, v| random_n(v, "Intn")),
    ("golang/math/rand", "norm_float_64", |_, v| {
        args::<0>(v)?;
        // Box–Muller: u1 in (0, 1] keeps the logarithm finite.
        let (u1, u2) = (1.0 - unit_float(), unit_float());
        Ok(Value::Float((-2.0 * u1.ln()).sqrt() * (2.0 * PI * u2).cos()))
    }),
    ("golang/math/rand", "read", |_, v| {
        // Go's rand.Read fills the buffer and returns its length (never an error).
        args::<1>(v)?;
        Ok(Value::Int(i64::try_from(str_arg(v, 0)?.len()).unwrap_or(i64::MAX)))
    }),
];

/// A unary float function of Go's `math`.
fn f1(values: &[Value], f: fn(f64) -> f64) -> Result<Value, EvalError> {
    args::<1>(values)?;
    Ok(Value::Float(f(float_arg(values, 0)?)))
}

/// A binary float function of Go's `math`.
fn f2(values: &[Value], f: fn(f64, f64) -> f64) -> Result<Value, EvalError> {
    args::<2>(values)?;
    Ok(Value::Float(f(float_arg(values, 0)?, float_arg(values, 1)?)))
}

/// `math.fortytwo()`: 42, as an int or a float depending on the inferred result type (an int
/// when it is unknown).
fn fortytwo(ctx: &mut dyn CallCtx, values: &[Value]) -> Result<Value, EvalError> {
    args::<0>(values)?;
    match ctx.ret_type() {
        Some(Type::Float) => Ok(Value::Float(42.0)),
        Some(Type::Int | Type::Var(_) | Type::Variant) | None => Ok(Value::Int(42)),
        Some(other) => Err(EvalError::fatal(format!("unknown output type: {other}"))),
    }
}

/// `math.minus1(x)`: `x - 1` (wrapping like Go's int64).
fn minus1(_: &mut dyn CallCtx, values: &[Value]) -> Result<Value, EvalError> {
    args::<1>(values)?;
    Ok(Value::Int(int_arg(values, 0)?.wrapping_sub(1)))
}

/// The catchable error for a NaN or infinite result, or the value.
fn finite(z: f64) -> Result<f64, EvalError> {
    if z.is_nan() {
        Err(EvalError::catchable("result is not a number"))
    } else if z == f64::INFINITY {
        Err(EvalError::catchable("result is positive infinity"))
    } else if z == f64::NEG_INFINITY {
        Err(EvalError::catchable("result is negative infinity"))
    } else {
        Ok(z)
    }
}

/// `math.mod(x, y)`: the remainder of `x / y` with the sign of `x` (Go's `%` for ints,
/// `math.Mod` for floats). A zero divisor, or a NaN/infinite float result, is a catchable error.
fn modulo(_: &mut dyn CallCtx, values: &[Value]) -> Result<Value, EvalError> {
    let [x, y] = args::<2>(values)?;
    match (x, y) {
        // checked_rem fails for a zero divisor and for MinInt64 % -1, whose remainder is 0.
        (Value::Int(x), Value::Int(y)) => match (x.checked_rem(*y), *y) {
            (_, 0) => Err(EvalError::catchable("result is not a number")),
            (Some(r), _) => Ok(Value::Int(r)),
            (None, _) => Ok(Value::Int(0)),
        },
        (Value::Float(x), Value::Float(y)) => Ok(Value::Float(finite(x % y)?)),
        _ => Err(EvalError::fatal(format!("unexpected kinds: {} and {}", x.ty(), y.ty()))),
    }
}

/// `math.pow(x, y)`: `x` to the power `y`; a NaN or infinite result is a catchable error.
fn pow(_: &mut dyn CallCtx, values: &[Value]) -> Result<Value, EvalError> {
    args::<2>(values)?;
    Ok(Value::Float(finite(float_arg(values, 0)?.powf(float_arg(values, 1)?))?))
}

/// `math.sqrt(x)`: the square root; a negative `x` (NaN result) is a catchable error.
fn sqrt(_: &mut dyn CallCtx, values: &[Value]) -> Result<Value, EvalError> {
    args::<1>(values)?;
    Ok(Value::Float(finite(float_arg(values, 0)?.sqrt())?))
}

/// Go's `math.Dim`: `max(x - y, 0)`, NaN propagating.
fn go_dim(x: f64, y: f64) -> f64 {
    let v = x - y;
    if v <= 0.0 { 0.0 } else { v }
}

/// Go's `math.Max`: +Inf wins over NaN, NaN over the rest, `+0` over `-0`.
fn go_max(x: f64, y: f64) -> f64 {
    if x == f64::INFINITY || y == f64::INFINITY {
        f64::INFINITY
    } else if x.is_nan() || y.is_nan() {
        f64::NAN
    } else if x == 0.0 && y == 0.0 {
        if x.is_sign_negative() { y } else { x }
    } else if x > y {
        x
    } else {
        y
    }
}

/// Go's `math.Min`: -Inf wins over NaN, NaN over the rest, `-0` over `+0`.
fn go_min(x: f64, y: f64) -> f64 {
    if x == f64::NEG_INFINITY || y == f64::NEG_INFINITY {
        f64::NEG_INFINITY
    } else if x.is_nan() || y.is_nan() {
        f64::NAN
    } else if x == 0.0 && y == 0.0 {
        if x.is_sign_negative() { x } else { y }
    } else if x < y {
        x
    } else {
        y
    }
}

/// Go's `math.FMA(x, y, z)`: `x * y + z` rounded once.
fn go_fma(_: &mut dyn CallCtx, values: &[Value]) -> Result<Value, EvalError> {
    args::<3>(values)?;
    Ok(Value::Float(float_arg(values, 0)?.mul_add(float_arg(values, 1)?, float_arg(values, 2)?)))
}

/// Go's `math.Frexp` for a finite non-zero float: `x = frac × 2^exp` with `|frac|` in [0.5, 1).
fn frexp(x: f64) -> (f64, i64) {
    const TWO_52: f64 = 4_503_599_627_370_496.0;
    // Subnormals: scale into the normal range first.
    let (x, adjust) = if x.abs() < f64::MIN_POSITIVE { (x * TWO_52, -52) } else { (x, 0) };
    let bits = x.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i64 - 1022 + adjust;
    let frac = f64::from_bits((bits & !(0x7ff << 52)) | (1022 << 52));
    (frac, exp)
}

/// The unbiased binary exponent of a finite non-zero float (subnormals included).
fn exponent(x: f64) -> i64 {
    frexp(x).1 - 1
}

/// Go's `math.Ilogb`: the binary exponent; `MinInt32` for 0, `MaxInt32` for ±Inf and NaN.
fn go_ilogb(x: f64) -> i64 {
    if x == 0.0 {
        i64::from(i32::MIN)
    } else if !x.is_finite() {
        i64::from(i32::MAX)
    } else {
        exponent(x)
    }
}

/// Go's `math.Logb`: the binary exponent as a float; -Inf for 0, +Inf for ±Inf, NaN for NaN.
fn go_logb(x: f64) -> f64 {
    if x == 0.0 {
        f64::NEG_INFINITY
    } else if x.is_infinite() {
        f64::INFINITY
    } else if x.is_nan() {
        x
    } else {
        exponent(x) as f64
    }
}

/// Go's `math.Log2`: exact for powers of two, `Log(frac) / Ln2 + exp` otherwise.
fn go_log2(x: f64) -> f64 {
    if x.is_finite() && x != 0.0 {
        let (frac, exp) = frexp(x);
        if frac == 0.5 {
            return (exp - 1) as f64;
        }
        return frac.ln() * std::f64::consts::LOG2_E + exp as f64;
    }
    x.log2()
}

/// Go's `math.Pow10(n)`: `10^n` from Go's tables (the product of two table entries), 0 below
/// `-323` and +Inf above 308.
fn go_pow10(n: i64) -> f64 {
    let p10 = |k: i64| format!("1e{k}").parse::<f64>().unwrap_or(0.0);
    if (0..=308).contains(&n) {
        p10(n / 32 * 32) * p10(n % 32)
    } else if (-323..0).contains(&n) {
        let m = -n;
        p10(-(m / 32 * 32)) / p10(m % 32)
    } else if n > 0 {
        f64::INFINITY
    } else {
        0.0
    }
}

/// Go's `math.Erfinv`: the inverse error function; ±Inf at ±1, NaN outside [-1, 1].
///
/// An initial approximation (Giles, "Approximating the erfinv function", single precision)
/// refined by Halley steps on `erf` (on `erfc` near ±1, where that keeps the precision).
fn erfinv(x: f64) -> f64 {
    if x.is_nan() || !(-1.0..=1.0).contains(&x) {
        return f64::NAN;
    }
    if x == 1.0 {
        return f64::INFINITY;
    }
    if x == -1.0 {
        return f64::NEG_INFINITY;
    }
    if x == 0.0 {
        return x;
    }
    let a = x.abs();
    let w = -((1.0 - a) * (1.0 + a)).ln();
    let p = if w < 5.0 {
        let w = w - 2.5;
        [3.432_739_39e-7, -3.523_387_7e-6, -4.391_506_54e-6, 2.185_808_7e-4, -1.253_725_03e-3, -4.177_681_64e-3, 2.466_407_27e-1, 1.501_409_41]
            .iter()
            .fold(2.810_226_36e-8, |p, c| c + p * w)
    } else {
        let w = w.sqrt() - 3.0;
        [1.009_505_58e-4, 1.349_343_22e-3, -3.673_428_44e-3, 5.739_507_73e-3, -7.622_461_3e-3, 9.438_870_47e-3, 1.001_674_06, 2.832_976_82]
            .iter()
            .fold(-2.002_142_57e-4, |p, c| c + p * w)
    };
    let mut y = p * a;
    let two_over_sqrt_pi = 2.0 / PI.sqrt();
    // The approximation is good to single precision for w < 16 (a few steps polish it); further
    // out (|x| within 1e-7 of 1) it starts low, and the steps climb monotonically to the root.
    for _ in 0..64 {
        // f(y) = erf(y) - a, computed through erfc when a is near 1.
        let f = if a <= 0.5 { libm::erf(y) - a } else { (1.0 - a) - libm::erfc(y) };
        let slope = two_over_sqrt_pi * (-y * y).exp();
        if slope == 0.0 || !f.is_finite() {
            break;
        }
        let t = f / slope;
        let next = y - t / (1.0 + y * t);
        if !next.is_finite() || next == y {
            break;
        }
        y = next;
    }
    y.copysign(x)
}

/// The largest Bessel order passed to `libm`, whose recurrences take about `n` steps (as Go's
/// do): beyond it only the cases whose value is known without them are answered.
const MAX_BESSEL_ORDER: u64 = 1 << 20;

/// `golang/math.jn(n, x)` / `yn(n, x)`: the Bessel functions of order `n`. For orders above
/// [`MAX_BESSEL_ORDER`] the special arguments (NaN, ±Inf, 0) and the region `|x| <= |n|/2`, where
/// `J` underflows to ±0 and `Y` overflows to ∓Inf, are answered; other arguments are an error.
fn bessel_n(values: &[Value], second_kind: bool) -> Result<Value, EvalError> {
    args::<2>(values)?;
    let (n, x) = (int_arg(values, 0)?, float_arg(values, 1)?);
    if n.unsigned_abs() <= MAX_BESSEL_ORDER {
        let n = n as i32; // fits: |n| <= 2^20
        return Ok(Value::Float(if second_kind { libm::yn(n, x) } else { libm::jn(n, x) }));
    }
    let odd = n % 2 != 0;
    let y = if x.is_nan() || (second_kind && x < 0.0) {
        f64::NAN
    } else if x.is_infinite() {
        0.0
    } else if x == 0.0 || x.abs() <= (n.unsigned_abs() / 2) as f64 {
        if second_kind {
            // Y_n(x) → -Inf for n > 0; Y_-n = (-1)^n Y_n.
            if n < 0 && odd { f64::INFINITY } else { f64::NEG_INFINITY }
        } else {
            // J_n(x) → ±0: J_-n = (-1)^n J_n and J_n(-x) = (-1)^n J_n(x).
            if odd && ((n < 0) != (x < 0.0)) { -0.0 } else { 0.0 }
        }
    } else {
        return Err(EvalError::fatal(format!("golang/math.{}: order {n} is too large", if second_kind { "yn" } else { "jn" })));
    };
    Ok(Value::Float(y))
}

/// A random float in [0, 1) with 53 random bits.
fn unit_float() -> f64 {
    (random_u64() >> 11) as f64 / (1u64 << 53) as f64
}

/// Go's `rand.Int63n(n)` / `rand.Intn(n)`: a random int in `0..n`; `n <= 0` is an error (Go
/// panics).
fn random_n(values: &[Value], go_name: &str) -> Result<Value, EvalError> {
    args::<1>(values)?;
    let n = int_arg(values, 0)?;
    if n <= 0 {
        return Err(EvalError::fatal(format!("invalid argument to {go_name}")));
    }
    Ok(Value::Int(random_below(n as u64) as i64))
}
