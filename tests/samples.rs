//! Real exchanges recorded from Kanboard 1.2.53 (and the Portfolio plugin) decode with the typed
//! client: the envelope, the convention and the model of every method that has a sample.

use kanboard::descriptor::MethodDescriptor;
use serde_json::Value;
use std::path::Path;

struct Sample {
    file: String,
    method: String,
    status: u16,
    body: Vec<u8>,
}

fn load(dir: &str) -> Vec<Sample> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut out: Vec<Sample> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| {
            let v: Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
            let response = v.get("response").cloned().unwrap_or(Value::Null);
            Sample {
                file: p.file_name().unwrap().to_string_lossy().into_owned(),
                method: v["method"]
                    .as_str()
                    .or(v["request"]["method"].as_str())
                    .unwrap()
                    .to_owned(),
                status: v["http_status"].as_u64().unwrap_or(200) as u16,
                body: match response {
                    Value::String(s) => s.into_bytes(),
                    other => serde_json::to_vec(&other).unwrap(),
                },
            }
        })
        .collect();
    out.sort_by(|a, b| a.file.cmp(&b.file));
    out
}

/// Decodes one sample through the envelope and the method's convention.
fn decode(s: &Sample) -> Option<Result<Value, kanboard::Error>> {
    let desc = MethodDescriptor::find(&s.method)?;
    let request: Value = serde_json::from_slice(&s.body).ok()?;
    let id = request["id"].as_u64().unwrap_or(1);
    Some(
        kanboard::envelope::decode_single(&s.method, id, s.status, &s.body)
            .and_then(|r| desc.decode_result(r.result))
            .and_then(|t| t.to_json()),
    )
}

fn check_all(dir: &str) -> (usize, usize) {
    let samples = load(dir);
    let mut decoded = 0;
    let mut failures = Vec::new();
    for s in &samples {
        match decode(s) {
            Some(Ok(_)) => decoded += 1,
            Some(Err(e)) => failures.push(format!("{}: {e}", s.file)),
            None => {}
        }
    }
    assert!(
        failures.is_empty(),
        "samples that do not decode:\n{}",
        failures.join("\n")
    );
    (decoded, samples.len())
}

#[test]
fn every_core_sample_in_the_schema_decodes() {
    let (decoded, total) = check_all("tests/fixtures/samples");
    println!("{decoded}/{total} core samples decoded with the typed client");
    assert!(decoded >= 10);
}

#[test]
fn every_plugin_sample_in_the_schema_decodes() {
    let (decoded, total) = check_all("tests/fixtures/plugin-samples");
    println!("{decoded}/{total} plugin samples decoded with the typed client");
}

fn typed(file: &str) -> Value {
    let s = load("tests/fixtures/samples")
        .into_iter()
        .find(|s| s.file == file)
        .unwrap();
    decode(&s).unwrap().unwrap()
}

#[test]
fn task_fields_are_typed() {
    let t = typed("getTask.json");
    assert_eq!(t["id"], 1);
    assert_eq!(t["is_active"], true);
    assert_eq!(t["color_id"], "green");
    assert_eq!(t["date_due"], "2030-01-31T17:00:00Z");
    assert_eq!(t["date_started"], Value::Null, "0 means no date");
    assert_eq!(t["date_completed"], Value::Null);
    assert_eq!(t["color"]["name"], "Green");
}

#[test]
fn project_fields_are_typed() {
    let p = typed("getProjectById.json");
    assert_eq!(p["identifier"], "PROBE");
    assert_eq!(p["is_active"], true);
    assert_eq!(p["is_public"], false);
    assert_eq!(p["start_date"], "");
    assert!(
        p["url"]["board"]
            .as_str()
            .unwrap()
            .contains("BoardViewController")
    );
}

#[test]
fn maps_keep_server_order() {
    let colors = typed("getColorList.json");
    let keys: Vec<&String> = colors.as_object().unwrap().keys().collect();
    assert_eq!(keys[..3], ["yellow", "blue", "green"]);
}
