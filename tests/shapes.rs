//! The shape check: every recorded reply of every core method, on every database it was recorded
//! on, has exactly the keys its declared result type has, recursively. A type field the reply
//! lacks fails (unless the schema says when the key is sent: `when:`), and so does a reply key
//! the type lacks (unless the schema lists it as ignored, with the reason). Types are thereby
//! proven to be what each method really sends, not a union of what several methods send.

use kanboard::api::descriptors::{METHODS, MODELS};
use kanboard::descriptor::{MethodDescriptor, Outcome};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A model as the check sees it: its keys, and which of them may be absent.
#[derive(Clone, Debug)]
struct Model {
    fields: Vec<(String, String, bool)>,
    ignored: Vec<String>,
}

type Models = BTreeMap<String, Model>;

fn schema_models() -> Models {
    MODELS
        .iter()
        .map(|m| {
            let fields = m
                .fields
                .iter()
                .map(|f| (f.wire.to_owned(), f.ty.to_owned(), f.when.is_some()))
                .collect();
            let ignored = m.ignored.iter().map(|i| i.key.to_owned()).collect();
            (m.name.to_owned(), Model { fields, ignored })
        })
        .collect()
}

/// Splits `map<K,V>`'s inside at its top-level comma.
fn split_pair(inner: &str) -> (&str, &str) {
    let mut depth = 0;
    for (i, c) in inner.char_indices() {
        match c {
            '<' => depth += 1,
            '>' => depth -= 1,
            ',' if depth == 0 => return (inner[..i].trim(), inner[i + 1..].trim()),
            _ => {}
        }
    }
    (inner, "")
}

/// Checks `v` against the type spelled `ty`; every mismatch is pushed as `path: what`.
fn check(models: &Models, ty: &str, v: &Value, path: &str, out: &mut Vec<String>) {
    if let Some(inner) = ty.strip_suffix('?') {
        if !v.is_null() {
            check(models, inner, v, path, out);
        }
        return;
    }
    if let Some(t) = ty.strip_prefix("list<").and_then(|t| t.strip_suffix('>')) {
        match v {
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    check(models, t, item, &format!("{path}[{i}]"), out);
                }
            }
            // Kanboard sends some lists as objects keyed by id.
            Value::Object(m) => {
                for (k, item) in m {
                    check(models, t, item, &format!("{path}[{k}]"), out);
                }
            }
            _ => {}
        }
        return;
    }
    if let Some(t) = ty.strip_prefix("map<").and_then(|t| t.strip_suffix('>')) {
        let (_, value_ty) = split_pair(t);
        match v {
            Value::Object(m) => {
                for (k, item) in m {
                    check(models, value_ty, item, &format!("{path}[{k}]"), out);
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    check(models, value_ty, item, &format!("{path}[{i}]"), out);
                }
            }
            _ => {}
        }
        return;
    }
    let Some(model) = models.get(ty) else {
        return; // a plain type or an enum: no keys
    };
    let Value::Object(obj) = v else {
        out.push(format!("{path}: expected a `{ty}` object, got {v}"));
        return;
    };
    for (wire, fty, conditional) in &model.fields {
        match obj.get(wire) {
            Some(fv) => check(models, fty, fv, &format!("{path}.{wire}"), out),
            None if *conditional => {}
            None => out.push(format!(
                "{path}: `{ty}.{wire}` is declared but the reply has no `{wire}`"
            )),
        }
    }
    for key in obj.keys() {
        if !model.fields.iter().any(|(w, _, _)| w == key) && !model.ignored.contains(key) {
            out.push(format!(
                "{path}: the reply has `{key}`, which `{ty}` does not declare"
            ));
        }
    }
}

/// Whether a result is one of the method's sentinels (not found, rejected, empty), which carry
/// no shape.
fn is_sentinel(desc: &MethodDescriptor, v: &Value) -> bool {
    let r = &desc.returns;
    let outcome = match v {
        Value::Bool(false) => r.on_false,
        Value::Null => r.on_null,
        Value::Number(n) if n.as_f64() == Some(0.0) => r.on_zero,
        Value::String(s) if s.is_empty() => r.on_empty,
        Value::Array(a) if a.is_empty() => r.on_empty,
        Value::Object(o) if o.is_empty() => r.on_empty,
        _ => return false,
    };
    outcome != Outcome::Value
}

fn recorded_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/recorded")
}

/// The recorded databases and their folders: `recorded/<db>/`, or the flat folder for SQLite.
fn databases() -> Vec<(String, PathBuf)> {
    let root = recorded_root();
    let mut dbs: Vec<(String, PathBuf)> = ["sqlite", "postgres", "mariadb"]
        .iter()
        .map(|db| (db.to_string(), root.join(db)))
        .filter(|(_, dir)| dir.is_dir())
        .collect();
    if dbs.is_empty() {
        dbs.push(("sqlite".into(), root));
    }
    dbs
}

/// The result of each recorded method in `dir`; `None` for a recorded JSON-RPC error (createLdapUser
/// on a server without LDAP), which has no shape to check.
fn results(dir: &Path) -> BTreeMap<String, Option<Value>> {
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let record: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let method = record["method"].as_str().unwrap_or_default().to_owned();
        if let Some(result) = record["response"].get("result") {
            out.insert(method, Some(result.clone()));
        } else if record["response"].get("error").is_some() {
            out.insert(method, None);
        }
    }
    out
}

/// Every mismatch, per database and method, of the recorded replies against `models`.
fn mismatches(models: &Models) -> (Vec<String>, Vec<(String, usize)>) {
    let mut problems = Vec::new();
    let mut checked = Vec::new();
    for (db, dir) in databases() {
        let replies = results(&dir);
        let mut n = 0;
        for desc in METHODS.iter().filter(|d| d.plugin.is_none()) {
            let Some(reply) = replies.get(desc.rpc_name) else {
                problems.push(format!("{db}: {}: no recorded reply", desc.rpc_name));
                continue;
            };
            n += 1;
            let Some(result) = reply else {
                // A model named in the type (`list<Task>`), not a longer name (`UserId`).
                let named = |m: &str| {
                    desc.returns
                        .ty
                        .split(|c: char| !c.is_alphanumeric())
                        .any(|w| w == m)
                };
                if MODELS.iter().any(|m| named(m.name)) {
                    problems.push(format!(
                        "{db}: {}: only an error was recorded, so its result type is unproven",
                        desc.rpc_name
                    ));
                }
                continue;
            };
            if is_sentinel(desc, result) {
                continue;
            }
            let mut out = Vec::new();
            check(models, desc.returns.ty, result, "result", &mut out);
            problems.extend(
                out.into_iter()
                    .map(|p| format!("{db}: {}: {p}", desc.rpc_name)),
            );
        }
        checked.push((db, n));
    }
    (problems, checked)
}

/// `result[3].x[12]` → `result[].x[]`.
fn erase_indices(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut inside = false;
    for c in s.chars() {
        match c {
            '[' if !inside => {
                inside = true;
                out.push_str("[]");
            }
            ']' if inside => inside = false,
            _ if inside => {}
            _ => out.push(c),
        }
    }
    out
}

#[test]
fn result_types_match_real_replies_on_every_recorded_database() {
    let (problems, checked) = mismatches(&schema_models());
    // One line per method and message, however many elements repeat it.
    let mut unique: Vec<String> = problems.iter().map(|p| erase_indices(p)).collect();
    unique.sort();
    unique.dedup();
    let core = METHODS.iter().filter(|d| d.plugin.is_none()).count();
    let dbs: Vec<&str> = checked.iter().map(|(db, _)| db.as_str()).collect();
    let failing: std::collections::BTreeSet<&str> =
        unique.iter().filter_map(|p| p.split(": ").nth(1)).collect();
    println!(
        "{}/{core} methods: result types match real replies on {}",
        core - failing.len(),
        dbs.join(", ")
    );
    assert!(
        unique.is_empty(),
        "{} mismatches:\n{}",
        unique.len(),
        unique.join("\n")
    );
    assert!(checked.iter().all(|&(_, n)| n == core), "{checked:?}");
}

#[test]
fn a_planted_mistake_fails_the_check() {
    let real = schema_models();
    // A field every task reply lacks.
    let mut extra = real.clone();
    extra
        .get_mut("Task")
        .unwrap()
        .fields
        .push(("invented".into(), "int".into(), false));
    let (problems, _) = mismatches(&extra);
    assert!(
        problems
            .iter()
            .any(|p| p.contains("`Task.invented` is declared")),
        "a field no reply has went unnoticed"
    );
    // A key every task reply has, no longer declared.
    let mut missing = real.clone();
    missing
        .get_mut("Task")
        .unwrap()
        .fields
        .retain(|(w, _, _)| w != "title");
    let (problems, _) = mismatches(&missing);
    assert!(
        problems
            .iter()
            .any(|p| p.contains("has `title`, which `Task` does not declare")),
        "a key the reply has went unnoticed"
    );
    println!(
        "planted mistakes found: `Task.invented` ({} replies), undeclared `title`",
        problems.len()
    );
}
