//! The real reply of every core method, recorded from Kanboard 1.2.53 on each database it runs on
//! by `examples/record.rs` into `tests/fixtures/recorded/<db>/` (`sqlite`, `postgres`,
//! `mariadb`), decodes with the typed client: the envelope, the method's convention and its
//! model. Needs no server.

use kanboard::api::descriptors::METHODS;
use kanboard::descriptor::MethodDescriptor;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

/// Methods whose only possible reply on the recording server is a refusal, with the JSON-RPC
/// error code and message expected.
const REFUSED: &[(&str, i64, &str)] = &[(
    "createLdapUser",
    0,
    "LDAP server not configured, check the parameter LDAP_SERVER",
)];

/// The databases recorded, one folder each.
const DATABASES: &[&str] = &["sqlite", "postgres", "mariadb"];

struct Recorded {
    file: String,
    database: String,
    method: String,
    id: u64,
    status: u16,
    body: Vec<u8>,
}

fn load(database: &str) -> Vec<Recorded> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/recorded")
        .join(database);
    let mut out: Vec<Recorded> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| {
            let file = p.file_name().unwrap().to_string_lossy().into_owned();
            let v: Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap())
                .unwrap_or_else(|e| panic!("{database}/{file}: {e}"));
            Recorded {
                database: v["database"].as_str().unwrap_or_default().to_owned(),
                method: v["method"].as_str().unwrap().to_owned(),
                id: v["request"]["id"].as_u64().unwrap(),
                status: v["http_status"].as_u64().unwrap() as u16,
                body: match &v["response"] {
                    Value::String(s) => s.clone().into_bytes(),
                    other => serde_json::to_vec(other).unwrap(),
                },
                file,
            }
        })
        .collect();
    out.sort_by(|a, b| a.file.cmp(&b.file));
    out
}

/// The typed view of a recorded reply, as JSON (`MethodDescriptor::decode_result`).
fn decode(r: &Recorded) -> kanboard::Result<Value> {
    let desc = MethodDescriptor::find(&r.method)
        .unwrap_or_else(|| panic!("{}/{}: not in the schema", r.database, r.file));
    let reply = kanboard::envelope::decode_single(&r.method, r.id, r.status, &r.body)?;
    desc.decode_result(reply.result)?.to_json()
}

fn typed(database: &str, method: &str) -> Value {
    let r = load(database)
        .into_iter()
        .find(|r| r.method == method)
        .unwrap_or_else(|| panic!("{database}: no recording of {method}"));
    decode(&r).unwrap_or_else(|e| panic!("{database}/{method}: {e}"))
}

#[test]
fn every_recorded_core_method_decodes() {
    let core: Vec<&str> = METHODS
        .iter()
        .filter(|m| m.plugin.is_none())
        .map(|m| m.rpc_name)
        .collect();
    let mut failures = Vec::new();
    let mut counts = Vec::new();
    for database in DATABASES {
        let (decoded, problems) = check_database(database, &core);
        counts.push(decoded);
        failures.extend(problems.into_iter().map(|p| format!("{database}: {p}")));
    }
    let all = counts.iter().all(|n| *n == core.len());
    if all {
        println!(
            "{}/{} recorded core methods decoded with the typed client on {}",
            counts[0],
            core.len(),
            DATABASES.join(", ")
        );
    } else {
        for (database, n) in DATABASES.iter().zip(&counts) {
            println!(
                "{n}/{} recorded core methods decoded with the typed client on {database}",
                core.len()
            );
        }
    }
    assert!(
        failures.is_empty(),
        "recorded replies that do not decode as expected:\n{}",
        failures.join("\n")
    );
}

/// Decodes one database's recordings: how many core methods decoded, and every problem.
fn check_database(database: &str, core: &[&str]) -> (usize, Vec<String>) {
    let recorded = load(database);
    let mut decoded = BTreeMap::new();
    let mut failures = Vec::new();
    for r in &recorded {
        if r.file != format!("{}.json", r.method) {
            failures.push(format!("{}: one file per method, named after it", r.file));
        }
        if r.database != database {
            failures.push(format!("{}: recorded on {:?}", r.file, r.database));
        }
        let outcome = decode(r);
        let ok = match (REFUSED.iter().find(|(m, ..)| *m == r.method), &outcome) {
            (None, Ok(_)) => true,
            (
                Some((_, code, text)),
                Err(kanboard::Error::Api {
                    code: c, message, ..
                }),
            ) => c == code && message == text,
            _ => false,
        };
        if ok {
            decoded.insert(r.method.as_str(), ());
        } else {
            failures.push(format!("{}: {outcome:?}", r.file));
        }
    }
    let recorded_names: Vec<&str> = recorded.iter().map(|r| r.method.as_str()).collect();
    let missing: Vec<&&str> = core
        .iter()
        .filter(|m| !recorded_names.contains(*m))
        .collect();
    if !missing.is_empty() {
        failures.push(format!("core methods without a recording: {missing:?}"));
    }
    let extra: Vec<&str> = recorded_names
        .iter()
        .filter(|m| !core.contains(*m))
        .copied()
        .collect();
    if !extra.is_empty() {
        failures.push(format!("recordings of methods outside the core: {extra:?}"));
    }
    (decoded.len(), failures)
}

#[test]
fn recorded_values_are_typed() {
    for database in DATABASES {
        values_are_typed(database);
    }
}

fn values_are_typed(database: &str) {
    let typed = |method| typed(database, method);
    // 0/1 flags (PostgreSQL: true/false) become booleans, Unix times RFC 3339, base64 bytes
    // bytes, numbers sent as text (PostgreSQL's time_estimated) numbers.
    let task = typed("getTask");
    assert_eq!(
        (task["is_active"].as_bool(), task["color_id"].as_str()),
        (Some(true), Some("green"))
    );
    assert_eq!(task["date_due"], "2031-02-03T10:30:00Z");
    assert_eq!(task["time_estimated"], 4.5);
    let user = typed("getUser");
    assert_eq!(user["is_active"], true);
    assert!(
        user.get("password").is_none(),
        "the password hash is never decoded"
    );
    // Bytes are shown as base64 text, as the server sends them, not as a list of numbers.
    let file = typed("downloadTaskFile");
    let text = file.as_str().expect("base64 text");
    use base64::Engine;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(text)
        .unwrap();
    assert_eq!(bytes, b"timeout after 30000 ms\n");
    assert_eq!(typed("isActiveUser"), false);
    assert_eq!(typed("getSubtaskTimeSpent"), 0.0);
}

#[test]
fn recorded_lists_are_filled() {
    for database in DATABASES {
        lists_are_filled(database);
    }
}

fn lists_are_filled(database: &str) {
    let typed = |method| typed(database, method);
    // The recorder sets data up so lists come back with the fields that only filled lists have.
    // The order of the dashboard's tasks differs by database (PostgreSQL: another one).
    let dash = typed("getMyDashboard");
    assert!(
        dash.as_array().unwrap().iter().any(|t| {
            !t["tags"].as_array().unwrap().is_empty()
                && !t["subtasks"].as_array().unwrap().is_empty()
        }),
        "{database}: a dashboard task with tags and subtasks"
    );
    let board = typed("getBoard");
    let tasks: Vec<&Value> = board
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|lane| lane["columns"].as_array().unwrap())
        .flat_map(|col| col["tasks"].as_array().unwrap())
        .collect();
    assert!(tasks.iter().any(|t| t["is_milestone"] == true));
    assert!(
        tasks
            .iter()
            .any(|t| !t["tags"].as_array().unwrap().is_empty())
    );
    let subtasks = typed("getAllSubtasks");
    assert!(
        subtasks
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["is_timer_started"] == true)
    );
    let swimlanes = typed("getAllSwimlanes");
    assert!(
        swimlanes
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["is_active"] == false)
    );
    let events = typed("getProjectActivity");
    let names: Vec<&str> = events
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event_name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"task.create") && names.contains(&"comment.create"),
        "{database}: {names:?}"
    );
}
