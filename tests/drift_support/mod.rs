//! Shared by the drift tests: an edited copy of the schema, and a model of Kanboard's JSON-RPC
//! argument handling to probe without a real server.
#![allow(dead_code)] // each test file uses its own part

use base64::Engine;
use kanboard::descriptor::DeviationKind;
use kanboard::drift::{DeviationSpec, Finding, Manifest, MethodSpec};
use kanboard::{Availability, KanboardVersion};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};

pub fn fixture(name: &str) -> Manifest {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    Manifest::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The manifest of every Kanboard release the schema describes
/// (`tests/fixtures/manifests/`), oldest first.
pub fn release_manifests() -> Vec<Manifest> {
    let dir = format!("{}/tests/fixtures/manifests", env!("CARGO_MANIFEST_DIR"));
    let mut all: Vec<Manifest> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .map(|e| {
            let path = e.unwrap().path();
            Manifest::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        })
        .collect();
    all.sort_by_key(|m| m.release());
    all
}

pub fn core_manifest() -> Manifest {
    fixture("kanboard-1.2.53.json")
}

pub fn plugin_manifest() -> Manifest {
    fixture("kanboard-plugin-portfolio-1.17.0.json")
}

/// A schema file's methods, read at run time through the code generator's own checks.
pub fn schema_from_yaml(yaml: &str) -> Vec<MethodSpec> {
    kanboard_codegen::signatures(yaml)
        .unwrap_or_else(|d| panic!("edited schema refused: {d}"))
        .into_iter()
        .map(|s| {
            let mut m = MethodSpec::new(s.rpc);
            for p in s.params {
                m = m.param_in(p.wire, p.required, available(&p.since, &p.until));
            }
            m.available = available(&s.since, &s.until);
            m.user_only = s.user_only;
            m.plugin = s.plugin;
            m.deviations = s
                .drift
                .into_iter()
                .map(|(param, kind, reason)| DeviationSpec {
                    param,
                    kind: DeviationKind::from_spelling(kind).expect("codegen checked the kind"),
                    reason,
                })
                .collect();
            m
        })
        .collect()
}

/// The releases between `since` and `until` as the schema writes them.
fn available(since: &Option<String>, until: &Option<String>) -> Availability {
    let read = |v: &Option<String>| {
        v.as_deref().map(|v| {
            v.parse::<KanboardVersion>()
                .expect("codegen checked the release")
        })
    };
    Availability::new(read(since), read(until))
}

fn replace_once(text: &str, from: &str, to: &str) -> String {
    assert_eq!(
        text.matches(from).count(),
        1,
        "expected once in the schema: {from}"
    );
    text.replacen(from, to, 1)
}

/// `schema/kanboard.yaml` with each `from` (found exactly once) replaced by its `to`.
pub fn schema_with(edits: &[(&str, &str)]) -> Vec<MethodSpec> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/schema/kanboard.yaml");
    let mut yaml = std::fs::read_to_string(path).unwrap();
    for (from, to) in edits {
        yaml = replace_once(&yaml, from, to);
    }
    schema_from_yaml(&yaml)
}

/// `schema/kanboard.yaml` with three edits: `getColumn`'s parameter `column_id` renamed
/// `col_id`, `changeColumnPosition` removed, `getColumnColour` invented.
pub fn edited_schema() -> Vec<MethodSpec> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/schema/kanboard.yaml");
    let yaml = std::fs::read_to_string(path).unwrap();
    let yaml = replace_once(
        &yaml,
        "        rpc: getColumn\n        doc: One column by id.\n        params:\n          column_id: {type: ColumnId, doc: \"Id of the column, in any project.\"}\n",
        "        rpc: getColumn\n        doc: One column by id.\n        params:\n          col_id: {type: ColumnId, doc: \"Id of the column, in any project.\"}\n",
    );
    let start = yaml.find("      change_column_position:\n").unwrap();
    let end = start + yaml[start..].find("      update_column:\n").unwrap();
    assert!(yaml[start..end].contains("rpc: changeColumnPosition\n"));
    let yaml = format!("{}{}", &yaml[..start], &yaml[end..]);
    let yaml = replace_once(
        &yaml,
        "      update_column:\n",
        "      get_column_colour:\n        rpc: getColumnColour\n        doc: The colour a column is drawn in.\n        \
         params:\n          column_id: {type: ColumnId, doc: \"Id of the column, in any project.\"}\n        returns: {kind: value, type: string}\n      update_column:\n",
    );
    schema_from_yaml(&yaml)
}

/// The report lines expected for [`edited_schema`].
pub const THREE_EDITS: [&str; 3] = [
    "getColumn: parameter 1 is `col_id` in the schema, `column_id` on the server",
    "getColumnColour: in the schema, missing on the server",
    "changeColumnPosition: on the server, missing in the schema",
];

pub fn lines(findings: &[Finding]) -> Vec<String> {
    findings.iter().map(ToString::to_string).collect()
}

/// One method of the simulated server.
#[derive(Debug, Clone)]
pub struct SimMethod {
    pub name: String,
    /// Name and whether required, in order.
    pub params: Vec<(String, bool)>,
    pub user_only: bool,
    /// Registered with `withCallback` (plugins): matched with case, no `beforeProcedure`.
    pub callback: bool,
}

/// Kanboard's JSON-RPC server as libs/jsonrpc implements it, for what a probe touches: Basic
/// auth with the application token, batches (a 403 replaces the whole reply), -32601, the
/// user-only refusal before the arguments, the count checks and the named binding. A call that
/// gets past all of them "runs": it is recorded in `runs` and answers `true`; except
/// `getVersion` without parameters, which answers `version` (it reads a constant) and is
/// counted in `version_asks`.
#[derive(Clone)]
pub struct SimServer {
    pub methods: Vec<SimMethod>,
    pub token: String,
    /// What `getVersion` answers: the first manifest's `kanboard_version`.
    pub version: Option<String>,
    pub runs: Arc<Mutex<Vec<String>>>,
    pub version_asks: Arc<Mutex<usize>>,
    pub requests: Arc<Mutex<usize>>,
}

impl SimServer {
    pub fn new(manifests: &[&Manifest]) -> Self {
        let methods = manifests
            .iter()
            .flat_map(|m| {
                m.methods.iter().map(|x| SimMethod {
                    name: x.name.clone(),
                    params: x
                        .params
                        .iter()
                        .map(|p| (p.name.clone(), p.required))
                        .collect(),
                    user_only: x.is_user_only(),
                    callback: x.registration.as_deref() == Some("withCallback"),
                })
            })
            .collect();
        SimServer {
            methods,
            token: "sim-token".into(),
            version: manifests.iter().find_map(|m| m.kanboard_version.clone()),
            runs: Arc::default(),
            version_asks: Arc::default(),
            requests: Arc::default(),
        }
    }

    pub fn method_mut(&mut self, name: &str) -> &mut SimMethod {
        self.methods.iter_mut().find(|m| m.name == name).unwrap()
    }

    pub fn runs(&self) -> Vec<String> {
        self.runs.lock().unwrap().clone()
    }

    /// One element: Ok(reply object) or Err(()) for a 403 that replaces the batch.
    fn call(&self, req: &Value) -> Result<Value, ()> {
        let id = req.get("id").cloned().unwrap_or(Value::Null);
        let err = |code: i64, message: &str, data: Option<&str>| {
            let mut e = json!({"code": code, "message": message});
            if let Some(d) = data {
                e["data"] = json!(d);
            }
            Ok(json!({"jsonrpc": "2.0", "error": e, "id": id}))
        };
        let name = req.get("method").and_then(Value::as_str).unwrap_or("");
        let Some(m) = self.methods.iter().find(|m| {
            if m.callback {
                m.name == name
            } else {
                m.name.eq_ignore_ascii_case(name)
            }
        }) else {
            return err(-32601, "Method not found", None);
        };
        if m.user_only && !m.callback {
            return Err(());
        }
        let empty = serde_json::Map::new();
        let (count, named) = match req.get("params") {
            None | Some(Value::Null) => (0, Some(&empty)),
            Some(Value::Object(o)) => (o.len(), Some(o)),
            Some(Value::Array(a)) => (a.len(), None),
            Some(_) => return err(-32600, "Invalid Request", None),
        };
        let required = m.params.iter().filter(|p| p.1).count();
        if count < required {
            return err(-32602, "Invalid params", Some("Wrong number of arguments"));
        }
        if count > m.params.len() {
            return err(-32602, "Invalid params", Some("Too many arguments"));
        }
        if let Some(o) = named {
            for (p, req) in &m.params {
                if *req && !o.contains_key(p) {
                    return err(
                        -32602,
                        "Invalid params",
                        Some(&format!("Missing argument: {p}")),
                    );
                }
            }
        }
        if let (true, 0, Some(v)) = (m.name == "getVersion", count, &self.version) {
            *self.version_asks.lock().unwrap() += 1;
            return Ok(json!({"jsonrpc": "2.0", "result": v, "id": id}));
        }
        self.runs.lock().unwrap().push(m.name.clone());
        Ok(json!({"jsonrpc": "2.0", "result": true, "id": id}))
    }
}

impl wiremock::Respond for SimServer {
    fn respond(&self, request: &wiremock::Request) -> wiremock::ResponseTemplate {
        *self.requests.lock().unwrap() += 1;
        let reply = |status: u16, body: Value| {
            wiremock::ResponseTemplate::new(status)
                .set_body_raw(body.to_string().into_bytes(), "application/json")
        };
        let expected = format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(format!("jsonrpc:{}", self.token))
        );
        let auth = request
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok());
        if auth != Some(expected.as_str()) {
            return reply(
                401,
                json!({"jsonrpc":"2.0","error":{"code":401,"message":"Unauthorized"},"id":null}),
            );
        }
        let forbidden = || {
            reply(
                403,
                json!({"jsonrpc":"2.0","error":{"code":403,"message":"Forbidden"},"id":null}),
            )
        };
        let Ok(body) = serde_json::from_slice::<Value>(&request.body) else {
            return reply(
                200,
                json!({"jsonrpc":"2.0","error":{"code":-32700,"message":"Parse error"},"id":null}),
            );
        };
        match body {
            Value::Array(items) => {
                let mut out = Vec::new();
                for item in &items {
                    match self.call(item) {
                        Ok(v) => out.push(v),
                        Err(()) => return forbidden(),
                    }
                }
                reply(200, Value::Array(out))
            }
            single => match self.call(&single) {
                Ok(v) => reply(200, v),
                Err(()) => forbidden(),
            },
        }
    }
}
