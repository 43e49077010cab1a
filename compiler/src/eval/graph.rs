//! Building the resource graph from what the program output: list names are already expanded;
//! here identical duplicates merge and differing ones are errors, every resource is validated
//! (kind, name, meta params, field ranges), edges must point at resources of the graph, send/recv
//! pairs are checked, and the automatic edges mgmt adds (a file after its parent directory) are
//! added.

use crate::eval::interp::{EdgeOut, Output, ResourceOut};
use crate::eval::value::Value;
use crate::registry::resources;
use crate::source::{FileId, Span};
use smol_str::SmolStr;
use std::collections::BTreeMap;

/// A resource's identity: kind and name.
pub type ResId = (SmolStr, String);

/// One resource of the graph.
#[derive(Clone, Debug, PartialEq)]
pub struct Resource {
    /// The kind.
    pub kind: SmolStr,
    /// The name.
    pub name: String,
    /// Fields set by the program.
    pub params: BTreeMap<SmolStr, Value>,
    /// Meta params set by the program (lower-case names).
    pub meta: BTreeMap<SmolStr, Value>,
    /// Where it was written (the first statement, for merged duplicates).
    pub file: FileId,
    /// The statement's span.
    pub span: Span,
}

impl Resource {
    /// A meta param as a bool (false when unset).
    pub fn meta_bool(&self, name: &str) -> bool {
        self.meta.get(name).and_then(Value::as_bool).unwrap_or(false)
    }
}

/// One edge of the graph (one per ordered pair).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Edge {
    /// Whether changes notify the target (Notify/Listen).
    pub notify: bool,
    /// Send/recv pairs carried by the edge: (sending port, receiving field).
    pub send_recv: Vec<(SmolStr, SmolStr)>,
    /// True for an automatic edge.
    pub automatic: bool,
}

/// The resource graph.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Graph {
    /// Resources by identity.
    pub resources: BTreeMap<ResId, Resource>,
    /// Edges by (from, to).
    pub edges: BTreeMap<(ResId, ResId), Edge>,
}

impl Graph {
    /// The text form of `mclc graph`: sorted `Vertex: kind[name]` and `Edge: a -> b` lines.
    pub fn to_text(&self) -> String {
        let mut lines: Vec<String> = self.resources.keys().map(|(k, n)| format!("Vertex: {k}[{n}]")).collect();
        lines.extend(self.edges.keys().map(|((k1, n1), (k2, n2))| format!("Edge: {k1}[{n1}] -> {k2}[{n2}]")));
        lines.sort();
        lines.iter().map(|l| format!("{l}\n")).collect()
    }

    /// The JSON form of `mclc graph --format json` (the conformance contract), with params and
    /// meta params.
    pub fn to_json(&self) -> serde_json::Value {
        let object = |m: &BTreeMap<SmolStr, Value>| m.iter().map(|(k, v)| (k.to_string(), value_json(v))).collect::<serde_json::Map<_, _>>();
        let vertices: Vec<_> = self
            .resources
            .values()
            .map(|r| serde_json::json!({ "kind": r.kind.as_str(), "name": r.name, "params": object(&r.params), "meta": object(&r.meta) }))
            .collect();
        let edges: Vec<_> = self
            .edges
            .iter()
            .map(|(((k1, n1), (k2, n2)), e)| {
                serde_json::json!({
                    "from": {"kind": k1.as_str(), "name": n1},
                    "to": {"kind": k2.as_str(), "name": n2},
                    "notify": e.notify,
                    "automatic": e.automatic,
                    "send_recv": e.send_recv.iter().map(|(s, r)| serde_json::json!({"send": s.as_str(), "recv": r.as_str()})).collect::<Vec<_>>(),
                })
            })
            .collect();
        serde_json::json!({ "vertices": vertices, "edges": edges })
    }
}

/// A value as JSON (a map key that is not a string is written as its mcl text; a function as
/// its description).
pub fn value_json(v: &Value) -> serde_json::Value {
    match v {
        Value::Bool(b) => serde_json::Value::Bool(*b),
        Value::Int(i) => serde_json::Value::from(*i),
        Value::Float(f) => serde_json::Number::from_f64(*f).map_or(serde_json::Value::Null, serde_json::Value::Number),
        Value::Str(s) => serde_json::Value::String(s.to_string()),
        Value::List(l) => serde_json::Value::Array(l.iter().map(value_json).collect()),
        Value::Map(m) => serde_json::Value::Object(m.iter().map(|(k, v)| (k.as_str().map_or_else(|| k.to_string(), str::to_string), value_json(v))).collect()),
        Value::Struct(fields) => serde_json::Value::Object(fields.iter().map(|(k, v)| (k.to_string(), value_json(v))).collect()),
        Value::Func(f) => serde_json::Value::String(f.describe()),
    }
}

/// A problem building the graph, at the statement that caused it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GraphError {
    /// What went wrong.
    pub message: String,
    /// How to fix it, when known.
    pub help: Option<String>,
    /// The file of the statement.
    pub file: FileId,
    /// The statement.
    pub span: Span,
}

fn error(file: FileId, span: Span, message: impl Into<String>) -> GraphError {
    GraphError { message: message.into(), help: None, file, span }
}

/// Builds and validates the graph.
pub fn build(out: Output) -> Result<Graph, GraphError> {
    let mut g = Graph { resources: resource_map(out.resources)?, edges: BTreeMap::new() };
    let mut receivers: BTreeMap<(ResId, SmolStr), ()> = BTreeMap::new();
    for e in out.edges {
        add_edge(&mut g, e, &mut receivers)?;
    }
    add_automatic_edges(&mut g);
    Ok(g)
}

/// The resources by identity. The map is built in one go from a sorted list (a stream change
/// rebuilds the graph of every resource, and inserting one by one compared long names over and
/// over); the first error in program order is the one reported, as if added one by one.
fn resource_map(resources: Vec<ResourceOut>) -> Result<BTreeMap<ResId, Resource>, GraphError> {
    let mut first_error: Option<(usize, GraphError)> = None;
    let mut keyed: Vec<(ResId, usize, Resource)> = Vec::with_capacity(resources.len());
    for (i, r) in resources.into_iter().enumerate() {
        let checked = match resources::kind(&r.kind) {
            None => Err(error(r.file, r.span, format!("error building resource: cannot create resource kind `{}` with name `{}`: no resource kind `{}` available", r.kind, r.name, r.kind))),
            Some(kind) => validate(&r, kind),
        };
        if let Err(e) = checked {
            first_error = Some((i, e));
            break;
        }
        let id: ResId = (r.kind.clone(), r.name.clone());
        let params: BTreeMap<SmolStr, Value> = r.fields.into_iter().collect();
        let meta: BTreeMap<SmolStr, Value> = r.meta.into_iter().collect();
        keyed.push((id, i, Resource { kind: r.kind, name: r.name, params, meta, file: r.file, span: r.span }));
    }
    // Stable: equal identities stay in program order, so the first of each is the one kept.
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    let mut unique: Vec<(ResId, Resource)> = Vec::with_capacity(keyed.len());
    for (id, i, r) in keyed {
        match unique.last() {
            Some((last, existing)) if *last == id => {
                if (existing.params != r.params || existing.meta != r.meta) && first_error.as_ref().is_none_or(|(at, _)| i < *at) {
                    first_error = Some((i, duplicate_error(existing, &r)));
                }
            }
            _ => unique.push((id, r)),
        }
    }
    match first_error {
        Some((_, e)) => Err(e),
        // Sorted and without duplicates: the map is bulk-built in linear time.
        None => Ok(unique.into_iter().collect()),
    }
}

/// The error for two statements that produce the same resource differently.
fn duplicate_error(existing: &Resource, r: &Resource) -> GraphError {
    let differing = existing
        .params
        .keys()
        .chain(r.params.keys())
        .find(|k| existing.params.get(*k) != r.params.get(*k))
        .map(|k| format!("the contents of {} differ", go_field_name(k)))
        .unwrap_or_else(|| "their meta params differ".into());
    let mut e = error(r.file, r.span, format!("inequivalent duplicate resource `{}[{}]` found: {differing}", r.kind, r.name));
    e.help = Some("two statements may produce the same resource only when they set it up identically; rename one, or make them agree".into());
    e
}

/// mgmt's Go field name for an mcl field (`content` → `Content`), for messages it matches.
fn go_field_name(field: &str) -> String {
    field.split('_').map(|w| {
        let mut c = w.chars();
        c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
    }).collect()
}

/// The checks mgmt's interpret phase makes on each resource.
fn validate(r: &ResourceOut, kind: &resources::KindDef) -> Result<(), GraphError> {
    if r.name.is_empty() {
        return Err(error(r.file, r.span, format!("resource `{}` has an empty name", r.kind)));
    }
    let dollar = r.meta.iter().any(|(n, v)| n == "dollar" && v.as_bool() == Some(true));
    if r.name.starts_with('$') && !dollar {
        let mut e = error(r.file, r.span, format!("resource name `{}` starts with `$`", r.name));
        e.help = Some("a `$` at the start of a name usually means a variable was meant; set `Meta:dollar => true` if it is intended".into());
        return Err(e);
    }
    for (name, value) in &r.fields {
        let Some(field) = kind.field(name) else { continue };
        if let Value::Int(i) = value {
            let (lo, hi): (i128, i128) = match field.go_type.trim_start_matches('*') {
                "uint" | "uint64" => (0, u64::MAX as i128),
                "uint32" => (0, u32::MAX as i128),
                "uint16" => (0, u16::MAX as i128),
                "uint8" | "byte" => (0, u8::MAX as i128),
                "int32" | "rune" => (i32::MIN as i128, i32::MAX as i128),
                "int16" => (i16::MIN as i128, i16::MAX as i128),
                "int8" => (i8::MIN as i128, i8::MAX as i128),
                _ => (i64::MIN as i128, i64::MAX as i128),
            };
            let v = *i as i128;
            if v < lo && lo == 0 {
                return Err(error(r.file, r.span, format!("error building resource: can't store negative int `{i}` into unsigned `{}` field", field.go_type.trim_start_matches('*'))));
            }
            if v < lo || v > hi {
                return Err(error(r.file, r.span, format!("error building resource: int `{i}` doesn't fit the `{}` field `{name}` ({lo} to {hi})", field.go_type.trim_start_matches('*'))));
            }
        }
    }
    for (name, value) in &r.meta {
        let bad = match (name.as_str(), value) {
            ("retry", Value::Int(i)) => !(i16::MIN as i64..=i16::MAX as i64).contains(i),
            ("delay" | "timeout", Value::Int(i)) => *i < 0,
            ("poll", Value::Int(i)) => !(i32::MIN as i64..=i32::MAX as i64).contains(i),
            ("burst", Value::Int(i)) => *i < 0,
            _ => false,
        };
        if bad {
            return Err(error(r.file, r.span, format!("invalid value {value} for `Meta:{name}`")));
        }
    }
    let limit = r.meta.iter().find(|(n, _)| n == "limit").and_then(|(_, v)| v.as_float());
    let burst = r.meta.iter().find(|(n, _)| n == "burst").and_then(|(_, v)| v.as_int()).unwrap_or(0);
    if limit.is_some_and(f64::is_finite) && burst == 0 {
        return Err(error(r.file, r.span, "`Meta:limit` needs a `Meta:burst` above zero"));
    }
    Ok(())
}

fn add_edge(g: &mut Graph, e: EdgeOut, receivers: &mut BTreeMap<(ResId, SmolStr), ()>) -> Result<(), GraphError> {
    for end in [&e.from, &e.to] {
        if !g.resources.contains_key(end) {
            return Err(error(e.file, e.span, format!("edge cannot find resource kind: {} named: `{}`", end.0, end.1)));
        }
    }
    if let Some((send, recv)) = &e.send_recv {
        if g.resources.get(&e.from).is_some_and(|r| r.meta_bool("hidden")) {
            return Err(error(e.file, e.span, format!("cannot send from hidden resource: {}[{}]", e.from.0, e.from.1)));
        }
        if receivers.insert((e.to.clone(), recv.clone()), ()).is_some() {
            return Err(error(e.file, e.span, format!("resource: `{}[{}]` has duplicate receive on: `{recv}` param", e.to.0, e.to.1)));
        }
        let _ = send;
    }
    let edge = g.edges.entry((e.from, e.to)).or_default();
    edge.notify |= e.notify;
    if let Some(pair) = e.send_recv {
        edge.send_recv.push(pair);
    }
    Ok(())
}

/// mgmt's automatic edges that change a graph's shape: a file resource depends on the file
/// resource of its parent directory (the closest one in the graph), unless `Meta:autoedge` is
/// false on either.
fn add_automatic_edges(g: &mut Graph) {
    let paths: BTreeMap<String, ResId> = g
        .resources
        .iter()
        .filter(|(id, r)| id.0 == "file" && r.meta.get("autoedge").and_then(Value::as_bool) != Some(false))
        .map(|(id, r)| (file_path(r), id.clone()))
        .collect();
    let mut new_edges = Vec::new();
    for (path, id) in &paths {
        let mut dir = path.trim_end_matches('/').to_string();
        while let Some(pos) = dir.rfind('/') {
            dir.truncate(pos);
            if let Some(parent) = paths.get(&format!("{dir}/")) {
                if parent != id {
                    new_edges.push((parent.clone(), id.clone()));
                }
                break;
            }
        }
    }
    if new_edges.is_empty() {
        return;
    }
    // A written edge wins over an automatic one. Each file has at most one automatic edge, so
    // the keys are unique and the whole map is bulk-built from one list.
    let mut all: Vec<((ResId, ResId), Edge)> = new_edges
        .into_iter()
        .filter(|key| !g.edges.contains_key(key))
        .map(|key| (key, Edge { automatic: true, ..Edge::default() }))
        .collect();
    all.extend(std::mem::take(&mut g.edges));
    g.edges = all.into_iter().collect();
}

/// A file resource's path: its `path` field, else its name.
fn file_path(r: &Resource) -> String {
    r.params.get("path").and_then(Value::as_str).map(str::to_string).unwrap_or_else(|| r.name.clone())
}
