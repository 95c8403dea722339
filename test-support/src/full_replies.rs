//! Whole result objects for fake servers, taken from real recorded replies: a fake answers with
//! every key the real method sends (result types refuse a reply that lacks one), overriding
//! only the keys a test cares about.

use serde_json::Value;
use std::path::{Path, PathBuf};

/// The library's fixtures, in its tests beside this crate.
pub(crate) fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures")
}

/// The recorded result of `method` (core methods from the SQLite recordings, plugin methods
/// from the plugin's samples).
pub fn recorded_result(method: &str) -> Value {
    let root = fixtures();
    let candidates = [
        root.join("recorded/sqlite").join(format!("{method}.json")),
        root.join("recorded").join(format!("{method}.json")),
        root.join("plugin-samples").join(format!("{method}.json")),
        root.join("samples").join(format!("{method}.json")),
    ];
    for path in candidates {
        if let Ok(text) = std::fs::read_to_string(&path) {
            let record: Value = serde_json::from_str(&text).unwrap();
            if let Some(result) = record["response"].get("result") {
                return result.clone();
            }
        }
    }
    panic!("no recorded result for {method}")
}

/// One whole object of the kind `method` returns (its first element, for a list or a map),
/// with `overrides` set on top of it.
pub fn full(method: &str, overrides: Value) -> Value {
    let mut object = match recorded_result(method) {
        Value::Array(items) => items.into_iter().next(),
        Value::Object(m) if m.values().all(Value::is_object) && !m.is_empty() => {
            m.into_iter().next().map(|(_, v)| v)
        }
        other => Some(other),
    }
    .filter(Value::is_object)
    .unwrap_or_else(|| panic!("{method}'s recorded result holds no object"));
    if let (Value::Object(base), Value::Object(over)) = (&mut object, overrides) {
        base.extend(over);
    }
    object
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn overrides_replace_keys_and_the_rest_is_recorded() {
        let recorded = recorded_result("getProjectById");
        let project = full("getProjectById", json!({"id": 42, "name": "Launch"}));
        assert_eq!(
            (&project["id"], &project["name"]),
            (&json!(42), &json!("Launch"))
        );
        let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
        assert_eq!(keys(&project), keys(&recorded));
        assert_eq!(project["description"], recorded["description"]);
    }

    #[test]
    fn lists_and_plugin_methods_give_one_whole_object() {
        let task = full("getAllTasks", json!({"title": "t"}));
        assert!(task.is_object() && task["title"] == "t" && task.get("date_due").is_some());
        assert!(
            full("getAllPortfolios", json!({}))
                .get("owner_id")
                .is_some()
        );
    }
}
