//! The pure functions of the `net` module, following mgmt's `lang/core/net` and the Go `net`,
//! `net/netip` and `net/url` functions they call: CIDR arithmetic, MAC address formats,
//! `split_hostport` and `url_parser`.
//!
//! Invalid input is a catchable error for every function that can fail (the table's `catchable`
//! flag). Not implemented here, because they read the host's network interfaces and stream
//! updates: `net.interface_cidr`, `net.macs` and `net.wired_interface`.

use super::{BuiltinFn, CallCtx, str_arg};
use crate::eval::value::{EvalError, Value};
use smol_str::SmolStr;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

type Res = Result<Value, EvalError>;

/// The functions this module implements.
pub(super) const FUNCTIONS: &[(&str, &str, BuiltinFn)] = &[
    ("net", "cidr_to_first", cidr_to_first),
    ("net", "cidr_to_ip", cidr_to_ip),
    ("net", "cidr_to_last", cidr_to_last),
    ("net", "cidr_to_mask", cidr_to_mask),
    ("net", "cidr_to_network", cidr_to_network),
    ("net", "cidr_to_prefix", cidr_to_prefix),
    ("net", "ip_in_cidr", ip_in_cidr),
    ("net", "is_mac", is_mac),
    ("net", "macfmt", macfmt),
    ("net", "oldmacfmt", oldmacfmt),
    ("net", "split_hostport", split_hostport),
    ("net", "url_parser", url_parser),
];

fn catchable(message: impl Into<String>) -> EvalError {
    EvalError::catchable(message)
}

// ---------------------------------------------------------------------------------------------
// IP addresses as Go's `net` package sees them: byte slices of length 4 or 16.
// ---------------------------------------------------------------------------------------------

/// An address as 16 bytes (IPv4 in its IPv4-mapped IPv6 form), as `netip.Addr.As16` gives it.
fn as16(ip: IpAddr) -> [u8; 16] {
    match ip {
        IpAddr::V4(v4) => v4.to_ipv6_mapped().octets(),
        IpAddr::V6(v6) => v6.octets(),
    }
}

/// Go's `IP.To4`: the 4-byte form of an IPv4 or IPv4-mapped address.
fn to4(ip: &[u8]) -> Option<[u8; 4]> {
    match ip.len() {
        4 => ip.try_into().ok(),
        16 if ip[..10].iter().all(|&b| b == 0) && ip[10] == 0xff && ip[11] == 0xff => ip[12..].try_into().ok(),
        _ => None,
    }
}

/// Go's `net.IP.String`: dotted quad for IPv4 and IPv4-mapped addresses, RFC 5952 otherwise.
fn ip_string(ip: &[u8]) -> String {
    if let Some(v4) = to4(ip) {
        return Ipv4Addr::from(v4).to_string();
    }
    match <[u8; 16]>::try_from(ip) {
        Ok(v6) => Ipv6Addr::from(v6).to_string(),
        Err(_) => format!("?{}", ip.iter().map(|b| format!("{b:02x}")).collect::<String>()),
    }
}

/// Go's `net.CIDRMask(ones, bits)`.
fn cidr_mask(ones: u32, bits: u32) -> Vec<u8> {
    (0..bits / 8)
        .map(|i| {
            let start = i * 8;
            match ones.saturating_sub(start) {
                0 => 0,
                n if n >= 8 => 0xff,
                n => 0xffu8 << (8 - n),
            }
        })
        .collect()
}

/// Go's `IP.Mask`: the 4-byte form when an IPv4(-mapped) address meets a 4-byte mask.
fn apply_mask(ip: &[u8], mask: &[u8]) -> Option<Vec<u8>> {
    let ip: Vec<u8> = if mask.len() == 4 && ip.len() == 16 && to4(ip).is_some() { ip[12..].to_vec() } else { ip.to_vec() };
    (ip.len() == mask.len()).then(|| ip.iter().zip(mask).map(|(a, m)| a & m).collect())
}

/// The result of Go's `net.ParseCIDR`: the address (16 bytes), the masked network address, the
/// mask (4 bytes for IPv4 syntax, else 16) and the prefix length.
struct Cidr {
    ip: [u8; 16],
    network: Vec<u8>,
    mask: Vec<u8>,
    ones: u32,
}

/// Go's `net.ParseCIDR` (the address part in `netip.ParseAddr` syntax, without a zone).
fn parse_cidr(s: &str) -> Result<Cidr, EvalError> {
    let bad = || catchable(format!("invalid CIDR address: {s}"));
    let (addr, bits) = s.split_once('/').ok_or_else(bad)?;
    let ip: IpAddr = addr.parse().map_err(|_| bad())?;
    let bit_len = if ip.is_ipv4() { 32 } else { 128 };
    if bits.is_empty() || bits.len() > 7 || !bits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let ones: u32 = bits.parse().map_err(|_| bad())?;
    if ones > bit_len {
        return Err(bad());
    }
    let mask = cidr_mask(ones, bit_len);
    let ip = as16(ip);
    let network = apply_mask(&ip, &mask).ok_or_else(bad)?;
    Ok(Cidr { ip, network, mask, ones })
}

/// `net.cidr_to_ip("192.0.2.5/24")` → `"192.0.2.5"` (surrounding space is ignored).
fn cidr_to_ip(_: &mut dyn CallCtx, a: &[Value]) -> Res {
    let c = parse_cidr(str_arg(a, 0)?.trim())?;
    Ok(Value::str(ip_string(&c.ip)))
}

/// `net.cidr_to_prefix("192.0.2.5/24")` → `"24"`.
fn cidr_to_prefix(_: &mut dyn CallCtx, a: &[Value]) -> Res {
    let c = parse_cidr(str_arg(a, 0)?.trim())?;
    Ok(Value::str(c.ones.to_string()))
}

/// `net.cidr_to_mask("192.0.2.5/24")` → `"255.255.255.0"`.
fn cidr_to_mask(_: &mut dyn CallCtx, a: &[Value]) -> Res {
    let c = parse_cidr(str_arg(a, 0)?.trim())?;
    Ok(Value::str(ip_string(&c.mask)))
}

/// `net.cidr_to_network("192.0.2.5/24")` → `"192.0.2.0/24"`.
fn cidr_to_network(_: &mut dyn CallCtx, a: &[Value]) -> Res {
    let c = parse_cidr(str_arg(a, 0)?.trim())?;
    Ok(Value::str(format!("{}/{}", ip_string(&c.network), c.ones)))
}

/// Go's `netip.ParsePrefix`: the address (unmasked, IPv4-mapped IPv6 kept as IPv6) and the
/// prefix length (decimal without leading zeros).
fn parse_prefix(s: &str) -> Result<(IpAddr, u32), EvalError> {
    let err = |why: &str| catchable(format!("netip.ParsePrefix({}): {why}", super::strings::go_quote(s)));
    let i = s.rfind('/').ok_or_else(|| err("no '/'"))?;
    let (addr, bits) = (&s[..i], &s[i + 1..]);
    let ip: IpAddr = addr.parse().map_err(|_| err(&format!("ParseAddr({}): invalid IP address", super::strings::go_quote(addr))))?;
    let digits_ok = !bits.is_empty() && bits.bytes().all(|b| b.is_ascii_digit()) && !(bits.len() > 1 && bits.starts_with('0'));
    let ones: u32 = if digits_ok { bits.parse().map_err(|_| err(&format!("bad bits after slash: {}", super::strings::go_quote(bits))))? } else { return Err(err(&format!("bad bits after slash: {}", super::strings::go_quote(bits)))) };
    let bit_len = if ip.is_ipv4() { 32 } else { 128 };
    if ones > bit_len {
        return Err(err("prefix length out of range"));
    }
    Ok((ip, ones))
}

/// An address as an integer with its width in bits (32 or 128), for prefix arithmetic.
fn to_bits(ip: IpAddr) -> (u128, u32) {
    match ip {
        IpAddr::V4(v4) => (u128::from(u32::from(v4)), 32),
        IpAddr::V6(v6) => (u128::from(v6), 128),
    }
}

fn from_bits(n: u128, width: u32) -> IpAddr {
    if width == 32 { IpAddr::V4(Ipv4Addr::from(n as u32)) } else { IpAddr::V6(Ipv6Addr::from(n)) }
}

/// The host-bit mask of a prefix of `ones` bits in a `width`-bit address.
fn host_mask(ones: u32, width: u32) -> u128 {
    let host = width - ones;
    if host >= 128 { u128::MAX } else { (1u128 << host) - 1 }
}

/// `net.cidr_to_first("192.0.2.0/24")` → `"192.0.2.1"`: the address after the one written (not
/// after the network address, as in mgmt), if it is still inside the prefix.
fn cidr_to_first(_: &mut dyn CallCtx, a: &[Value]) -> Res {
    let (ip, ones) = parse_prefix(str_arg(a, 0)?)?;
    let (n, width) = to_bits(ip);
    let max = if width == 32 { u128::from(u32::MAX) } else { u128::MAX };
    let next = if n == max { None } else { Some(n + 1) };
    let hosts = host_mask(ones, width);
    match next {
        Some(next) if next & !hosts == n & !hosts => Ok(Value::str(from_bits(next, width).to_string())),
        _ => Err(catchable("no usable next address")),
    }
}

/// `net.cidr_to_last("192.0.2.0/24")` → `"192.0.2.255"` (the broadcast address for IPv4).
fn cidr_to_last(_: &mut dyn CallCtx, a: &[Value]) -> Res {
    let (ip, ones) = parse_prefix(str_arg(a, 0)?)?;
    let (n, width) = to_bits(ip);
    Ok(Value::str(from_bits(n | host_mask(ones, width), width).to_string()))
}

/// `net.ip_in_cidr(ip, cidr)`: Go's `IPNet.Contains(ParseIP(ip))`.
fn ip_in_cidr(_: &mut dyn CallCtx, a: &[Value]) -> Res {
    let (s, cidr) = (str_arg(a, 0)?, str_arg(a, 1)?);
    let ip: IpAddr = s.parse().map_err(|_| catchable(format!("invalid IP: {s}")))?;
    let c = parse_cidr(cidr)?;
    // networkNumberAndMask
    let (nn, mut m): (Vec<u8>, &[u8]) = match to4(&c.network) {
        Some(v4) => (v4.to_vec(), &c.mask),
        None => (c.network.clone(), &c.mask),
    };
    if m.len() == 16 && nn.len() == 4 {
        m = &m[12..];
    }
    if m.len() != nn.len() {
        return Ok(Value::Bool(false));
    }
    let ip16 = as16(ip);
    let ip: Vec<u8> = to4(&ip16).map_or(ip16.to_vec(), |v4| v4.to_vec());
    let inside = ip.len() == nn.len() && ip.iter().zip(&nn).zip(m).all(|((x, n), m)| x & m == n & m);
    Ok(Value::Bool(inside))
}

// ---------------------------------------------------------------------------------------------
// MAC addresses
// ---------------------------------------------------------------------------------------------

/// Go's `net.ParseMAC` for the 17-character forms `aa:bb:cc:dd:ee:ff` and `aa-bb-cc-dd-ee-ff`
/// (mgmt rejects every other length before parsing): the six bytes.
fn parse_mac(s: &str) -> Result<[u8; 6], EvalError> {
    let b = s.as_bytes();
    if b.len() != 17 {
        return Err(catchable(format!("invalid MAC address length: {s}")));
    }
    let bad = || catchable(format!("address {s}: invalid MAC address"));
    let sep = b[2];
    if sep != b':' && sep != b'-' {
        return Err(bad());
    }
    let mut out = [0u8; 6];
    for (i, byte) in out.iter_mut().enumerate() {
        let at = i * 3;
        if i < 5 && b[at + 2] != sep {
            return Err(bad());
        }
        let hex = std::str::from_utf8(&b[at..at + 2]).map_err(|_| bad())?;
        if !hex.bytes().all(|c| c.is_ascii_hexdigit()) {
            return Err(bad());
        }
        *byte = u8::from_str_radix(hex, 16).map_err(|_| bad())?;
    }
    Ok(out)
}

fn mac_string(mac: &[u8; 6], sep: &str) -> String {
    mac.iter().map(|b| format!("{b:02x}")).collect::<Vec<_>>().join(sep)
}

/// `net.is_mac(s)`: whether `s` is a MAC address in the canonical lower-case colon form.
fn is_mac(_: &mut dyn CallCtx, a: &[Value]) -> Res {
    let s = str_arg(a, 0)?;
    Ok(Value::Bool(parse_mac(s).is_ok_and(|mac| mac_string(&mac, ":") == s)))
}

/// `net.macfmt("AA-BB-CC-DD-EE-FF")` → `"aa:bb:cc:dd:ee:ff"`.
fn macfmt(_: &mut dyn CallCtx, a: &[Value]) -> Res {
    Ok(Value::str(mac_string(&parse_mac(str_arg(a, 0)?)?, ":")))
}

/// `net.oldmacfmt("aa:bb:cc:dd:ee:ff")` → `"aa-bb-cc-dd-ee-ff"`.
fn oldmacfmt(_: &mut dyn CallCtx, a: &[Value]) -> Res {
    Ok(Value::str(mac_string(&parse_mac(str_arg(a, 0)?)?, "-")))
}

// ---------------------------------------------------------------------------------------------
// split_hostport and url_parser
// ---------------------------------------------------------------------------------------------

/// Go's `net.SplitHostPort`: `host:port`, `[v6]:port`; the error text is Go's `AddrError`.
fn go_split_host_port(hostport: &str) -> Result<(&str, &str), String> {
    let err = |why: &str| if hostport.is_empty() { why.to_string() } else { format!("address {hostport}: {why}") };
    let b = hostport.as_bytes();
    let i = hostport.rfind(':').ok_or_else(|| err("missing port in address"))?;
    let (host, j, k);
    if b[0] == b'[' {
        let end = hostport.find(']').ok_or_else(|| err("missing ']' in address"))?;
        if end + 1 == b.len() {
            return Err(err("missing port in address"));
        } else if end + 1 != i {
            return Err(if b[end + 1] == b':' { err("too many colons in address") } else { err("missing port in address") });
        }
        host = &hostport[1..end];
        (j, k) = (1, end + 1);
    } else {
        host = &hostport[..i];
        if host.contains(':') {
            return Err(err("too many colons in address"));
        }
        (j, k) = (0, 0);
    }
    if hostport[j..].contains('[') {
        return Err(err("unexpected '[' in address"));
    }
    if hostport[k..].contains(']') {
        return Err(err("unexpected ']' in address"));
    }
    Ok((host, &hostport[i + 1..]))
}

/// `net.split_hostport("example.com:80")` → `struct{host => "example.com", port => "80"}`.
fn split_hostport(_: &mut dyn CallCtx, a: &[Value]) -> Res {
    let (host, port) = go_split_host_port(str_arg(a, 0)?).map_err(|e| catchable(format!("error parsing the input: {e}")))?;
    Ok(Value::structure(vec![(SmolStr::new_static("host"), Value::str(host)), (SmolStr::new_static("port"), Value::str(port))]))
}

/// The parts of a URL that `url_parser` returns, as Go's `url.Parse` fills them.
#[derive(Debug, Default, PartialEq)]
struct Url {
    scheme: String,
    host: String,
    path: String,
    raw_query: String,
}

/// Which part of a URL [`unescape`] decodes (Go's `encoding` modes that parsing uses).
#[derive(Clone, Copy, PartialEq)]
enum Part {
    Host,
    Zone,
    Path,
    UserPassword,
    Fragment,
}

/// Go's `shouldEscape` for the modes above, on an ASCII byte: whether it must be %-escaped.
fn should_escape(c: u8, part: Part) -> bool {
    if c.is_ascii_alphanumeric() {
        return false;
    }
    if matches!(part, Part::Host | Part::Zone) && b"!$&'()*+,;=:[]<>\"".contains(&c) {
        return false;
    }
    match c {
        b'-' | b'_' | b'.' | b'~' => return false,
        b'$' | b'&' | b'+' | b',' | b'/' | b':' | b';' | b'=' | b'?' | b'@' => match part {
            Part::Path => return c == b'?',
            Part::UserPassword => return matches!(c, b'@' | b'/' | b'?' | b':'),
            Part::Fragment => return false,
            Part::Host | Part::Zone => {}
        },
        _ => {}
    }
    !(part == Part::Fragment && matches!(c, b'!' | b'(' | b')' | b'*'))
}

/// Go's `url.unescape`: decodes `%XX` after checking every escape (and, in a host, every
/// character); the error texts are Go's.
fn unescape(s: &str, part: Part) -> Result<String, String> {
    let b = s.as_bytes();
    let hex = |c: u8| char::from(c).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' => {
                let (Some(hi), Some(lo)) = (b.get(i + 1).copied().and_then(hex), b.get(i + 2).copied().and_then(hex)) else {
                    let esc = String::from_utf8_lossy(&b[i..(i + 3).min(b.len())]).into_owned();
                    return Err(format!("invalid URL escape {}", super::strings::go_quote(&esc)));
                };
                let escape = &s[i..i + 3];
                if part == Part::Host && hi < 8 && escape != "%25" {
                    return Err(format!("invalid URL escape {}", super::strings::go_quote(escape)));
                }
                let v = (hi << 4) | lo;
                if part == Part::Zone && escape != "%25" && v != b' ' && v < 0x80 && should_escape(v, Part::Host) {
                    return Err(format!("invalid URL escape {}", super::strings::go_quote(escape)));
                }
                out.push(v);
                i += 3;
            }
            c => {
                if matches!(part, Part::Host | Part::Zone) && c < 0x80 && should_escape(c, part) {
                    return Err(format!("invalid character {} in host name", super::strings::go_quote(&char::from(c).to_string())));
                }
                out.push(c);
                i += 1;
            }
        }
    }
    Ok(String::from_utf8_lossy(&out).into_owned())
}

/// Go's `parseHost`: an optional `:port` must be digits; IPv6 literals in brackets may carry a
/// `%25`-escaped zone.
fn parse_host(host: &str) -> Result<String, String> {
    let valid_port = |p: &str| p.is_empty() || (p.starts_with(':') && p[1..].bytes().all(|b| b.is_ascii_digit()));
    if host.starts_with('[') {
        let i = host.rfind(']').ok_or("missing ']' in host")?;
        let colon_port = &host[i + 1..];
        if !valid_port(colon_port) {
            return Err(format!("invalid port {} after host", super::strings::go_quote(colon_port)));
        }
        if let Some(zone) = host[..i].find("%25") {
            return Ok(unescape(&host[..zone], Part::Host)? + &unescape(&host[zone..i], Part::Zone)? + &unescape(&host[i..], Part::Host)?);
        }
    } else if let Some(i) = host.rfind(':') {
        let colon_port = &host[i..];
        if !valid_port(colon_port) {
            return Err(format!("invalid port {} after host", super::strings::go_quote(colon_port)));
        }
    }
    unescape(host, Part::Host)
}

/// Go's `parseAuthority`: `[userinfo@]host`; only the host is kept.
fn parse_authority(authority: &str) -> Result<String, String> {
    let at = authority.rfind('@');
    let host = parse_host(at.map_or(authority, |i| &authority[i + 1..]))?;
    if let Some(i) = at {
        let userinfo = &authority[..i];
        let valid = userinfo.chars().all(|r| r.is_ascii_alphanumeric() || "-._:~!$&'()*+,;=%@".contains(r));
        if !valid {
            return Err("net/url: invalid userinfo".into());
        }
        for part in userinfo.splitn(2, ':') {
            unescape(part, Part::UserPassword)?;
        }
    }
    Ok(host)
}

/// Go's `url.Parse` (without the request-URI mode), reduced to the fields [`Url`] keeps. The
/// error is Go's text: `parse "…": …`.
fn go_url_parse(raw: &str) -> Result<Url, String> {
    let (u, frag) = raw.split_once('#').unwrap_or((raw, ""));
    let url = parse_url(u).map_err(|e| format!("parse {}: {e}", super::strings::go_quote(u)))?;
    if !frag.is_empty() {
        unescape(frag, Part::Fragment).map_err(|e| format!("parse {}: {e}", super::strings::go_quote(raw)))?;
    }
    Ok(url)
}

fn parse_url(raw: &str) -> Result<Url, String> {
    if raw.bytes().any(|b| b < b' ' || b == 0x7f) {
        return Err("net/url: invalid control character in URL".into());
    }
    let mut url = Url::default();
    if raw == "*" {
        url.path = "*".into();
        return Ok(url);
    }
    // getScheme
    let mut rest = raw;
    for (i, c) in raw.bytes().enumerate() {
        match c {
            b'a'..=b'z' | b'A'..=b'Z' => {}
            b'0'..=b'9' | b'+' | b'-' | b'.' if i > 0 => {}
            b':' if i == 0 => return Err("missing protocol scheme".into()),
            b':' => {
                url.scheme = raw[..i].to_ascii_lowercase();
                rest = &raw[i + 1..];
                break;
            }
            _ => break,
        }
    }
    if rest.ends_with('?') && rest.matches('?').count() == 1 {
        rest = &rest[..rest.len() - 1];
    } else if let Some((r, q)) = rest.split_once('?') {
        url.raw_query = q.to_string();
        rest = r;
    }
    if !rest.starts_with('/') {
        if !url.scheme.is_empty() {
            // An opaque URL (`mailto:x`): no host and no path.
            return Ok(url);
        }
        if rest.split('/').next().is_some_and(|seg| seg.contains(':')) {
            return Err("first path segment in URL cannot contain colon".into());
        }
    }
    if (!url.scheme.is_empty() || !rest.starts_with("///")) && rest.starts_with("//") {
        let authority = &rest[2..];
        let (authority, path) = match authority.find('/') {
            Some(i) => (&authority[..i], &authority[i..]),
            None => (authority, ""),
        };
        url.host = parse_authority(authority)?;
        rest = path;
    }
    url.path = unescape(rest, Part::Path)?;
    Ok(url)
}

/// `net.url_parser(url)` → `struct{scheme; host; path; raw_query}` from Go's `url.Parse`; a URL
/// that does not parse or has no scheme is a catchable error.
fn url_parser(_: &mut dyn CallCtx, a: &[Value]) -> Res {
    let u = go_url_parse(str_arg(a, 0)?).map_err(|e| catchable(format!("error parsing the URL: {e}")))?;
    if u.scheme.is_empty() {
        return Err(catchable("empty schemes are invalid"));
    }
    Ok(Value::structure(vec![
        (SmolStr::new_static("scheme"), Value::str(u.scheme)),
        (SmolStr::new_static("host"), Value::str(u.host)),
        (SmolStr::new_static("path"), Value::str(u.path)),
        (SmolStr::new_static("raw_query"), Value::str(u.raw_query)),
    ]))
}
