//! Shared by the CLI test files: the binary with a clean environment, and a mock Kanboard.
#![allow(dead_code)] // each test file uses its own part

#[allow(unused_imports)] // each test file uses its own part
pub use kanboard_test_support::{full, received, recorded_result, url};

use assert_cmd::Command;
use kanboard_test_support::{Reply, each_call};
use serde_json::{Value, json};
use std::path::Path;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate, matchers};

/// The `kanboard` binary with no KANBOARD_* variables, HOME in `home` (so no real config is
/// read), a fixed width for tables and no standard input.
pub fn kanboard(home: &Path) -> Command {
    let mut cmd = Command::cargo_bin("kanboard").unwrap();
    for (k, _) in std::env::vars() {
        if k.starts_with("KANBOARD_") {
            cmd.env_remove(k);
        }
    }
    cmd.env("HOME", home)
        .env("COLUMNS", "100")
        .env_remove("RUST_BACKTRACE")
        .env_remove("RUST_LOG")
        .write_stdin("");
    cmd
}

/// Mounts `method` → `result`.
pub async fn answer(server: &MockServer, method: &str, result: Value) {
    Mock::given(matchers::method("POST"))
        .and(matchers::body_partial_json(json!({"method": method})))
        .respond_with(Reply(json!({"result": result})))
        .mount(server)
        .await;
}

/// Answers every call, alone or in a batch, with the result given for its method; a method not
/// given gets JSON-RPC's "method not found".
pub struct ByMethod(pub Vec<(&'static str, Value)>);

impl Respond for ByMethod {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        each_call(req, |call| {
            match self.0.iter().find(|(m, _)| call["method"] == *m) {
                Some((_, result)) => json!({"result": result}),
                None => json!({"error": {"code": -32601, "message": "Method not found"}}),
            }
        })
    }
}

/// Mounts one responder for every POST: each method → its result (batches included).
pub async fn answer_each(server: &MockServer, results: Vec<(&'static str, Value)>) {
    Mock::given(matchers::method("POST"))
        .respond_with(ByMethod(results))
        .mount(server)
        .await;
}

/// Mounts `method` → a JSON-RPC error object.
pub async fn answer_error(server: &MockServer, method: &str, code: i64, message: &str) {
    Mock::given(matchers::method("POST"))
        .and(matchers::body_partial_json(json!({"method": method})))
        .respond_with(Reply(json!({"error": {"code": code, "message": message}})))
        .mount(server)
        .await;
}

/// Two tasks as Kanboard 1.2.53 sends them (strings for numbers, as the server does).
pub fn tasks() -> Value {
    // Every key a test does not set comes from a recording: fixed here, so outputs do not
    // change when the fixtures are recorded again.
    let steady = |mut t: Value| {
        let fixed = json!({"swimlane_id": "1", "category_id": "0", "position": "1", "score": "0",
            "date_creation": "1796000000", "date_modification": "1796000000", "date_moved": "1796000000",
            "date_started": "0", "date_completed": null, "time_spent": "0", "time_estimated": "0",
            "creator_id": "1", "url": "http://localhost/?controller=TaskViewController&action=show&task_id=1"});
        if let (Value::Object(t), Value::Object(f)) = (&mut t, fixed) {
            for (k, v) in f {
                t.insert(k, v);
            }
        }
        t
    };
    let tasks = json!([
        full(
            "getAllTasks",
            json!({"id": "1", "title": "Write docs", "description": "", "project_id": "1", "column_id": "2",
         "owner_id": "0", "is_active": "1", "priority": "0", "color_id": "yellow", "date_due": "1798675200",
         "reference": ""})
        ),
        full(
            "getAllTasks",
            json!({"id": "2", "title": "Ship, \"soon\"", "description": "line one\nline two", "project_id": "1",
         "column_id": "3", "owner_id": "1", "is_active": "0", "priority": "2", "color_id": "green",
         "date_due": "0", "reference": "T-2"})
        )
    ]);
    match tasks {
        Value::Array(items) => Value::Array(items.into_iter().map(steady).collect()),
        other => other,
    }
}

/// stderr as text; asserts it is one `error:` line with no panic or backtrace.
pub fn one_error_line(stderr: &[u8]) -> String {
    let s = String::from_utf8_lossy(stderr).into_owned();
    let lines: Vec<&str> = s.lines().collect();
    assert_eq!(lines.len(), 1, "expected one line, got {s:?}");
    assert!(lines[0].starts_with("error: "), "{s}");
    assert!(!s.contains("panicked") && !s.contains("backtrace"), "{s}");
    s
}
