//! Every resource kind (61) with its fields and send ports, the 18 meta params, the 4 edge
//! properties, and the send/recv rules.
//!
//! The tables live in `data/resources_table.rs`, one entry per line, generated from mgmt's JSON
//! fact tables by a throwaway script kept outside the repository (regenerate, or fix by hand).
//! Field types are stored in mgmt's internal type syntax; [`field_type`] parses them.
//!
//! How mgmt maps a resource's Go fields to mcl types: only exported fields with a `lang:"name"`
//! tag are visible; `bool`→`bool`, `string`→`str`, every int/uint width→`int`, `float32/64`→
//! `float`, slices and arrays→lists, maps→maps, nested structs→structs of their tagged fields,
//! pointers are transparent (and mark the field [`optional`](FieldDef::optional)),
//! `interface{}`→`variant` (any value), `net.HardwareAddr`→`str`; complex numbers, channels and
//! multi-result functions cannot be represented (such fields are in
//! [`KindDef::skipped_fields`]).

use crate::types::{self, Type};
use std::fmt;
use std::sync::OnceLock;

/// One resource kind (`file`, `http:server:flag`, …).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KindDef {
    /// The kind as written in mcl, lower case with colons.
    pub name: &'static str,
    /// The fields a resource body may set, in the Go struct's order.
    pub fields: &'static [FieldDef],
    /// The send ports (fields of its Sends struct); empty if the kind cannot send.
    pub send: &'static [FieldDef],
    /// The kind can receive values on its fields (Recvable).
    pub recv: bool,
    /// The kind adds automatic edges (implements mgmt's EdgeableRes).
    pub autoedges: bool,
    /// The kind can be grouped with others (implements GroupableRes).
    pub autogroup: bool,
    /// The kind has its own group comparison: it can be the parent of a group.
    pub group_parent: bool,
    /// mgmt's traits the kind embeds (`Edgeable`, `Groupable`, `Recvable`, `Refreshable`,
    /// `Reversible`, `Sendable`, `GraphQueryable`).
    pub traits: &'static [&'static str],
    /// The Go build tag the kind sits behind (`!novirt`, `linux`, …), if any.
    pub build_tag: Option<&'static str>,
    /// Tagged fields mcl cannot represent (complex numbers); a body cannot set them.
    pub skipped_fields: &'static [&'static str],
}

/// One field of a resource kind, or one send port.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldDef {
    /// The name used in resource bodies (the `lang` tag).
    pub name: &'static str,
    /// The mcl type in the internal syntax (`variant` for a Go `interface{}` field).
    pub ty: &'static str,
    /// The Go type of the field (`*string`, `uint32`, `[]*AugeasSet`, …): what range and
    /// send/recv compatibility checks need.
    pub go_type: &'static str,
    /// The Go field is a pointer: it may be left unset, distinct from its zero value.
    pub optional: bool,
    /// The Go field is an `interface{}`: it accepts a value of any type.
    pub variant: bool,
}

/// One meta parameter (`Meta:noop => true`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MetaParamDef {
    /// The lower-case name.
    pub name: &'static str,
    /// The mcl type in the internal syntax.
    pub ty: &'static str,
    /// The default value as text: `false`, `true`, `0`, `+Inf` (for `limit`) or `[]`.
    pub default: &'static str,
    /// The Go type behind it (`int16` for `retry`: values must fit it).
    pub go_type: &'static str,
}

/// One edge property of a resource body (`Before => File["x"]`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EdgePropertyDef {
    /// The lower-case name: `before`, `notify`, `depend` or `listen`.
    pub name: &'static str,
    /// True when the edge points from the other resource to this one (`depend`, `listen`).
    pub reverse: bool,
    /// The edge carries notifications (`notify`, `listen`).
    pub notify: bool,
}

/// The defaults every kind entry starts from.
const KIND: KindDef = KindDef {
    name: "",
    fields: &[],
    send: &[],
    recv: false,
    autoedges: false,
    autogroup: false,
    group_parent: false,
    traits: &[],
    build_tag: None,
    skipped_fields: &[],
};

/// The defaults every field entry starts from.
const FIELD: FieldDef = FieldDef { name: "", ty: "", go_type: "", optional: false, variant: false };

include!("data/resources_table.rs");

impl KindDef {
    /// The field `name` a resource body may set.
    pub fn field(&self, name: &str) -> Option<&'static FieldDef> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// The send port `name`.
    pub fn send_port(&self, name: &str) -> Option<&'static FieldDef> {
        self.send.iter().find(|f| f.name == name)
    }

    /// The kind can send values (has send ports).
    pub fn can_send(&self) -> bool {
        !self.send.is_empty()
    }

    /// The kind embeds mgmt's trait `name` (`Reversible`, `Refreshable`, …).
    pub fn has_trait(&self, name: &str) -> bool {
        self.traits.contains(&name)
    }

    /// The kind is hidden from users (`_panic`, added by the `panic` statement).
    pub fn is_internal(&self) -> bool {
        self.name.starts_with('_')
    }
}

/// Every resource kind, sorted by name (61, the hidden `_panic` included).
pub fn kinds() -> &'static [KindDef] {
    KINDS
}

/// The kind `name` (lower case, as the lexer produces it).
pub fn kind(name: &str) -> Option<&'static KindDef> {
    KINDS.binary_search_by(|k| k.name.cmp(name)).ok().map(|i| &KINDS[i])
}

/// The mcl type of a field or send port. A `variant` field gives [`Type::Variant`]: it accepts
/// any value, so a type checker should give each use of it a fresh unification variable.
pub fn field_type(f: &FieldDef) -> Type {
    types::parse(f.ty).unwrap_or_else(|e| panic!("resource field `{}`: {e}", f.name))
}

/// The meta params in the order of the `Meta => struct{…}` type (18).
pub fn meta_params() -> &'static [MetaParamDef] {
    META_PARAMS
}

/// The meta param `name`, ignoring case (`Meta:RetryReset` works).
pub fn meta_param(name: &str) -> Option<&'static MetaParamDef> {
    META_PARAMS.iter().find(|p| p.name.eq_ignore_ascii_case(name))
}

/// The mcl type of a meta param.
pub fn meta_param_type(p: &MetaParamDef) -> Type {
    types::parse(p.ty).unwrap_or_else(|e| panic!("meta param `{}`: {e}", p.name))
}

/// The type `Meta => …` must have exactly: a struct of all 18 params in order,
/// `struct{noop bool; retry int; …; autogroup bool}`.
pub fn meta_struct_type() -> Type {
    static TYPE: OnceLock<Type> = OnceLock::new();
    TYPE.get_or_init(|| types::parse(META_STRUCT_TYPE).expect("the Meta struct type parses")).clone()
}

/// The four edge properties: `before`, `notify`, `depend`, `listen`.
pub fn edge_properties() -> &'static [EdgePropertyDef] {
    EDGE_PROPERTIES
}

/// The edge property `name`, ignoring case (`Depend` or `depend`).
pub fn edge_property(name: &str) -> Option<&'static EdgePropertyDef> {
    EDGE_PROPERTIES.iter().find(|p| p.name.eq_ignore_ascii_case(name))
}

/// The type of send port `port` of `kind`, if that kind can send on it.
pub fn can_send(kind: &str, port: &str) -> Option<Type> {
    self::kind(kind)?.send_port(port).map(field_type)
}

/// The type of field `field` of `kind`, if that kind can receive and has the field.
pub fn can_recv(kind: &str, field: &str) -> Option<Type> {
    let k = self::kind(kind)?;
    if !k.recv {
        return None;
    }
    k.field(field).map(field_type)
}

/// Why a send/recv edge `Kind1[a].key -> Kind2[b].field` is rejected; `Display` gives mgmt's
/// message (all are errUnify in mgmt).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SendRecvError {
    /// A kind that does not exist.
    UnknownKind(String),
    /// The sending kind has no send ports.
    CannotSend(String),
    /// The receiving kind is not Recvable.
    CannotRecv(String),
    /// The send key is not a port of the sender.
    NoSendKey(String),
    /// The receiving field does not exist.
    NoRecvField(String),
    /// The Go kinds of the two fields differ (neither is a pointer or interface).
    KindMismatch(String, String),
    /// The Go kinds agree but the Go types differ.
    TypeMismatch(String, String),
}

impl fmt::Display for SendRecvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SendRecvError::UnknownKind(k) => write!(f, "resource kind `{k}` does not exist"),
            SendRecvError::CannotSend(k) => write!(f, "cannot send from resource of kind: {k}"),
            SendRecvError::CannotRecv(k) => write!(f, "cannot recv to resource of kind: {k}"),
            SendRecvError::NoSendKey(key) => write!(f, "key not found in send struct: {key}"),
            SendRecvError::NoRecvField(key) => write!(f, "key not found in recv struct: {key}"),
            SendRecvError::KindMismatch(a, b) => write!(f, "field kind mismatch between {a} and {b}"),
            SendRecvError::TypeMismatch(a, b) => write!(f, "type mismatch between {a} and {b}"),
        }
    }
}

impl std::error::Error for SendRecvError {}

/// Checks a send/recv edge by mgmt's rules: the sender must have send ports and `send_key` among
/// them, the receiver must be Recvable and have `recv_field`; then if either Go field is a pointer
/// or an interface the pair is accepted, otherwise the Go kinds and then the Go types must be
/// equal. (Every current send port is a pointer except `test`'s `answer`, so in practice almost
/// any pair passes; mismatches of mcl types surface at run time.)
pub fn check_send_recv(send_kind: &str, send_key: &str, recv_kind: &str, recv_field: &str) -> Result<(), SendRecvError> {
    let sender = kind(send_kind).ok_or_else(|| SendRecvError::UnknownKind(send_kind.into()))?;
    let receiver = kind(recv_kind).ok_or_else(|| SendRecvError::UnknownKind(recv_kind.into()))?;
    if !sender.can_send() {
        return Err(SendRecvError::CannotSend(send_kind.into()));
    }
    if !receiver.recv {
        return Err(SendRecvError::CannotRecv(recv_kind.into()));
    }
    let from = sender.send_port(send_key).ok_or_else(|| SendRecvError::NoSendKey(send_key.into()))?;
    let to = receiver.field(recv_field).ok_or_else(|| SendRecvError::NoRecvField(recv_field.into()))?;
    let (ka, kb) = (go_kind(from), go_kind(to));
    if matches!(ka, "ptr" | "interface") || matches!(kb, "ptr" | "interface") {
        return Ok(());
    }
    if ka != kb {
        return Err(SendRecvError::KindMismatch(ka.into(), kb.into()));
    }
    if from.go_type != to.go_type {
        return Err(SendRecvError::TypeMismatch(from.go_type.into(), to.go_type.into()));
    }
    Ok(())
}

/// The Go `reflect.Kind` name of a field's Go type (`ptr`, `interface`, `slice`, `map`, `string`,
/// `int64`, …). A named type whose underlying type the tables do not give is approximated from
/// its mcl type.
pub fn go_kind(f: &FieldDef) -> &'static str {
    let g = f.go_type;
    if g.starts_with('*') {
        return "ptr";
    }
    if g == "interface{}" {
        return "interface";
    }
    if g.starts_with("[]") {
        return "slice";
    }
    if g.starts_with('[') {
        return "array";
    }
    if g.starts_with("map[") {
        return "map";
    }
    if g.starts_with("struct{") {
        return "struct";
    }
    if g.starts_with("func(") {
        return "func";
    }
    match g {
        "bool" | "string" | "int" | "int8" | "int16" | "int32" | "int64" | "uint" | "uint8" | "uint16" | "uint32" | "uint64" => g,
        "uintptr" | "float32" | "float64" | "complex64" | "complex128" => g,
        "byte" => "uint8",
        "rune" => "int32",
        _ => match f.ty {
            "str" => "string",
            "bool" => "bool",
            "int" => "int",
            "float" => "float64",
            _ => "struct",
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meta_struct_type_matches_the_params() {
        let built = Type::Struct(META_PARAMS.iter().map(|p| (p.name.into(), meta_param_type(p))).collect());
        assert_eq!(meta_struct_type(), built);
    }

    #[test]
    fn go_kinds() {
        let f = |go_type, ty| FieldDef { go_type, ty, ..FIELD };
        assert_eq!(go_kind(&f("***int8", "int")), "ptr");
        assert_eq!(go_kind(&f("interface{}", "variant")), "interface");
        assert_eq!(go_kind(&f("[]*AugeasSet", "[]struct{path str; value str}")), "slice");
        assert_eq!(go_kind(&f("map[string]string", "map{str: str}")), "map");
        assert_eq!(go_kind(&f("byte", "int")), "uint8");
        assert_eq!(go_kind(&f("uint32", "int")), "uint32");
        assert_eq!(go_kind(&f("KVResSkipCmpStyle", "int")), "int");
    }
}
