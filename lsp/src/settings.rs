//! Client settings under `mcl.*`, from `initializationOptions`, `workspace/didChangeConfiguration`
//! and `workspace/configuration` (the newest value of each key wins).

use serde_json::Value;

/// The settings the server knows, as a JSON object (unknown keys are kept for later features).
#[derive(Clone, Debug, Default)]
pub struct Settings {
    values: serde_json::Map<String, Value>,
}

impl Settings {
    /// Merges an `mcl` settings object: nested objects key by key, other values replace.
    pub fn merge(&mut self, value: &Value) {
        if let Value::Object(m) = value {
            merge_into(&mut self.values, m);
        }
    }

    /// The setting at a dotted path below `mcl` (`"etcd.endpoints"`); both nested objects and
    /// flat dotted keys (as VS Code sends them) are understood.
    pub fn get(&self, path: &str) -> Option<&Value> {
        if let Some(v) = self.values.get(path) {
            return Some(v);
        }
        let mut cur: Option<&Value> = None;
        for (i, part) in path.split('.').enumerate() {
            cur = if i == 0 { self.values.get(part) } else { cur?.get(part) };
        }
        cur
    }

    /// A list-of-strings setting (a single string is a one-element list; commas separate).
    pub fn strings(&self, path: &str) -> Vec<String> {
        match self.get(path) {
            Some(Value::Array(items)) => items.iter().filter_map(|v| v.as_str().map(str::to_string)).collect(),
            Some(Value::String(s)) => s.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect(),
            _ => Vec::new(),
        }
    }
}

fn merge_into(into: &mut serde_json::Map<String, Value>, from: &serde_json::Map<String, Value>) {
    for (k, v) in from {
        match (into.get_mut(k), v) {
            (Some(Value::Object(a)), Value::Object(b)) => merge_into(a, b),
            _ => {
                into.insert(k.clone(), v.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_and_flat_keys() {
        let mut s = Settings::default();
        s.merge(&serde_json::json!({"etcd": {"endpoints": ["http://a:2379"]}}));
        assert_eq!(s.strings("etcd.endpoints"), vec!["http://a:2379"]);
        s.merge(&serde_json::json!({"etcd.endpoints": "http://b:2379, http://c:2379"}));
        assert_eq!(s.strings("etcd.endpoints"), vec!["http://b:2379", "http://c:2379"]);
        assert!(s.get("nope.x").is_none());
    }
}
