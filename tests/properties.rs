//! Properties of the pure parts, on arbitrary and mutated input: the reply decoders, the typed
//! decoding of every method, the request encoder and the retry backoff never panic and always
//! give a typed value or a typed error. Each property prints how many cases it ran; set
//! PROPTEST_CASES to run more (the defaults keep CI short).

use kanboard::api::descriptors::METHODS;
use kanboard::descriptor::MethodDescriptor;
use kanboard::envelope::{decode_batch, decode_single, first_param, request, request_body};
use kanboard::{Error, RetryPolicy};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::path::Path;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Cases per property: PROPTEST_CASES, or this default.
fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Runs `test` on `cases` values of `strategy`, panicking with the smallest failing value, and
/// prints the number of cases run.
fn check<S: Strategy>(
    name: &str,
    cases: u32,
    strategy: S,
    test: impl Fn(S::Value) -> Result<(), TestCaseError>,
) {
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let ran = AtomicUsize::new(0);
    let outcome = runner.run(&strategy, |v| {
        ran.fetch_add(1, Ordering::Relaxed);
        test(v)
    });
    if let Err(e) = outcome {
        panic!("{name}: {e}");
    }
    println!("{name}: {} cases", ran.load(Ordering::Relaxed));
}

/// A recorded real exchange.
struct Sample {
    method: String,
    id: u64,
    status: u16,
    body: Vec<u8>,
}

fn samples() -> &'static [Sample] {
    static SAMPLES: OnceLock<Vec<Sample>> = OnceLock::new();
    SAMPLES.get_or_init(|| {
        let mut out = Vec::new();
        for dir in ["tests/fixtures/samples", "tests/fixtures/plugin-samples"] {
            let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
            let mut files: Vec<_> = std::fs::read_dir(dir)
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|e| e == "json"))
                .collect();
            files.sort();
            for p in files {
                let v: Value = serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
                let body = match &v["response"] {
                    Value::String(s) => s.clone().into_bytes(),
                    other => serde_json::to_vec(other).unwrap(),
                };
                out.push(Sample {
                    method: v["method"]
                        .as_str()
                        .or(v["request"]["method"].as_str())
                        .unwrap()
                        .to_owned(),
                    id: v["request"]["id"].as_u64().unwrap_or(1),
                    status: v["http_status"].as_u64().unwrap_or(200) as u16,
                    body,
                });
            }
        }
        assert!(out.len() >= 40, "the recorded samples are there");
        out
    })
}

/// Every object key in the samples: arbitrary JSON uses them so it reaches the typed fields.
fn field_names() -> Vec<String> {
    fn walk(v: &Value, out: &mut BTreeSet<String>) {
        match v {
            Value::Object(m) => {
                for (k, v) in m {
                    out.insert(k.clone());
                    walk(v, out);
                }
            }
            Value::Array(a) => a.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let mut keys = BTreeSet::new();
    for s in samples() {
        if let Ok(v) = serde_json::from_slice::<Value>(&s.body) {
            walk(&v, &mut keys);
        }
    }
    keys.into_iter().collect()
}

/// Arbitrary JSON, with Kanboard's favourite shapes (numeric strings, 0/1, "", sentinels) and
/// the field names of the real replies.
fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| json!(f)),
        (0i64..3).prop_map(Value::from),
        "[0-9]{1,22}".prop_map(Value::from),
        "-?[0-9]{1,3}\\.[0-9]{1,3}".prop_map(Value::from),
        Just(Value::from("")),
        Just(Value::from("0")),
        "\\PC{0,16}".prop_map(Value::from),
        "[0-9]{4}-[0-9]{2}-[0-9]{2}( [0-9]{2}:[0-9]{2})?".prop_map(Value::from),
    ];
    let names = field_names();
    leaf.prop_recursive(4, 96, 10, move |inner| {
        let key = prop_oneof![
            3 => proptest::sample::select(names.clone()),
            1 => "[a-z_0-9]{0,10}",
        ];
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::vec((key, inner), 0..10)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

fn any_method() -> impl Strategy<Value = &'static MethodDescriptor> {
    proptest::sample::select(METHODS.to_vec())
}

fn any_status() -> impl Strategy<Value = u16> {
    prop_oneof![
        4 => Just(200u16),
        1 => Just(401u16),
        1 => Just(403u16),
        1 => Just(500u16),
        1 => 100u16..600,
    ]
}

/// The typed error must be usable: it formats both ways without panicking.
fn exercise(e: &Error) {
    let _ = format!("{e} {e:?}");
    let _ = (e.is_transient(), e.is_auth(), e.rpc_code());
}

/// Decodes one reply through the envelope and, if it has a result, through the method's
/// convention and model. Nothing may panic; everything is a value or a typed error.
fn decode_through(method: &'static MethodDescriptor, id: u64, status: u16, body: &[u8]) {
    match decode_single(method.rpc_name, id, status, body) {
        Ok(reply) => match method.decode_result(reply.result).and_then(|t| t.to_json()) {
            Ok(v) => {
                let _ = serde_json::to_string(&v).unwrap();
            }
            Err(e) => exercise(&e),
        },
        Err(e) => exercise(&e),
    }
}

#[test]
fn arbitrary_bytes_never_panic_the_decoders() {
    check(
        "arbitrary bytes, single and batch",
        cases(3000),
        (
            any_method(),
            any::<u64>(),
            any_status(),
            proptest::collection::vec(any::<u8>(), 0..512),
        ),
        |(method, id, status, body)| {
            decode_through(method, id, status, &body);
            let calls = [(method.rpc_name, id), ("getVersion", id.wrapping_add(1))];
            match decode_batch(&calls, status, &body) {
                Ok(replies) => prop_assert_eq!(replies.len(), 2),
                Err(e) => exercise(&e),
            }
            let _ = first_param(&body);
            Ok(())
        },
    );
}

#[test]
fn arbitrary_json_never_panics_the_decoders() {
    check(
        "arbitrary JSON bodies and results, every method",
        cases(3000),
        (any_method(), any_status(), json(), any::<bool>()),
        |(method, status, value, as_result)| {
            // Either a whole body, or a well-formed reply whose result is arbitrary.
            let body = if as_result {
                json!({"jsonrpc": "2.0", "result": value, "id": 7})
            } else {
                value
            };
            let bytes = serde_json::to_vec(&body).unwrap();
            decode_through(method, 7, status, &bytes);
            let calls = [(method.rpc_name, 7), ("getTask", 8)];
            if let Ok(replies) = decode_batch(&calls, status, &bytes) {
                prop_assert_eq!(replies.len(), 2);
                for r in replies {
                    match r {
                        Ok(reply) => {
                            if let Err(e) =
                                method.decode_result(reply.result).and_then(|t| t.to_json())
                            {
                                exercise(&e)
                            }
                        }
                        Err(e) => exercise(&e),
                    }
                }
            }
            Ok(())
        },
    );
}

/// One edit of a byte string.
#[derive(Debug, Clone)]
enum Edit {
    Flip(proptest::sample::Index, u8),
    Insert(proptest::sample::Index, Vec<u8>),
    Delete(proptest::sample::Index, usize),
    Truncate(proptest::sample::Index),
    Duplicate(proptest::sample::Index, usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    use proptest::sample::Index;
    let tokens: Vec<Vec<u8>> = [
        "null",
        "false",
        "0",
        "\"\"",
        "[]",
        "{}",
        "\"1\"",
        "-1",
        "1e400",
        "\"\\u0000\"",
        "{",
        "}",
        "[",
        "]",
        ",",
        ":",
        "\"",
        "\\",
        "<br />",
        "\u{feff}",
    ]
    .iter()
    .map(|s| s.as_bytes().to_vec())
    .collect();
    prop_oneof![
        (any::<Index>(), any::<u8>()).prop_map(|(i, b)| Edit::Flip(i, b)),
        (
            any::<Index>(),
            prop_oneof![
                proptest::sample::select(tokens),
                proptest::collection::vec(any::<u8>(), 1..8)
            ]
        )
            .prop_map(|(i, b)| Edit::Insert(i, b)),
        (any::<Index>(), 1usize..16).prop_map(|(i, n)| Edit::Delete(i, n)),
        any::<Index>().prop_map(Edit::Truncate),
        (any::<Index>(), 1usize..64).prop_map(|(i, n)| Edit::Duplicate(i, n)),
    ]
}

fn apply(body: &mut Vec<u8>, e: &Edit) {
    let at = |i: &proptest::sample::Index, len: usize| if len == 0 { 0 } else { i.index(len) };
    match e {
        Edit::Flip(i, b) if !body.is_empty() => {
            let k = at(i, body.len());
            body[k] ^= b | 1;
        }
        Edit::Flip(..) => {}
        Edit::Insert(i, bytes) => {
            let k = at(i, body.len() + 1);
            body.splice(k..k, bytes.iter().copied());
        }
        Edit::Delete(i, n) => {
            let k = at(i, body.len());
            let end = (k + n).min(body.len());
            body.drain(k..end);
        }
        Edit::Truncate(i) => body.truncate(at(i, body.len() + 1)),
        Edit::Duplicate(i, n) => {
            let k = at(i, body.len());
            let end = (k + n).min(body.len());
            let copy = body[k..end].to_vec();
            body.splice(k..k, copy);
        }
    }
}

#[test]
fn mutated_real_replies_never_panic_the_decoders() {
    let n = samples().len();
    check(
        "byte mutations of recorded replies",
        cases(4000),
        (0..n, proptest::collection::vec(edit(), 1..5), any_status()),
        |(i, edits, status)| {
            let s = &samples()[i];
            let mut body = s.body.clone();
            for e in &edits {
                apply(&mut body, e);
            }
            let status = if status == 200 { s.status } else { status };
            match MethodDescriptor::find(&s.method) {
                Some(d) => decode_through(d, s.id, status, &body),
                None => {
                    if let Err(e) = decode_single(&s.method, s.id, status, &body) {
                        exercise(&e)
                    }
                }
            }
            Ok(())
        },
    );
}

/// Every node of a JSON tree, as JSON pointers.
fn pointers(v: &Value, at: String, out: &mut Vec<String>) {
    out.push(at.clone());
    match v {
        Value::Object(m) => {
            for (k, v) in m {
                pointers(
                    v,
                    format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                    out,
                );
            }
        }
        Value::Array(a) => {
            for (i, v) in a.iter().enumerate() {
                pointers(v, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn real_replies_with_a_field_of_another_shape_never_panic() {
    let typed: Vec<(&Sample, &'static MethodDescriptor, Value)> = samples()
        .iter()
        .filter_map(|s| {
            let d = MethodDescriptor::find(&s.method)?;
            let v: Value = serde_json::from_slice(&s.body).ok()?;
            Some((s, d, v))
        })
        .collect();
    let n = typed.len();
    check(
        "recorded replies with one node replaced by arbitrary JSON, decoded alone and as a batch",
        cases(3000),
        (0..n, any::<proptest::sample::Index>(), json(), 0..n),
        |(i, node, replacement, j)| {
            let (s, desc, original) = &typed[i];
            let mut v = original.clone();
            let mut all = Vec::new();
            pointers(&v["result"], "/result".into(), &mut all);
            let target = &all[node.index(all.len())];
            if let Some(slot) = v.pointer_mut(target) {
                *slot = replacement;
            }
            let body = serde_json::to_vec(&v).unwrap();
            decode_through(desc, s.id, 200, &body);
            // The same reply in a batch beside another real one, ids made distinct.
            let (s2, desc2, other) = &typed[j];
            let mut first = v.clone();
            first["id"] = json!(1);
            let mut second = other.clone();
            second["id"] = json!(2);
            let batch = serde_json::to_vec(&json!([first, second])).unwrap();
            let calls = [(desc.rpc_name, 1), (desc2.rpc_name, 2)];
            match decode_batch(&calls, s2.status, &batch) {
                Ok(replies) => {
                    prop_assert_eq!(replies.len(), 2);
                    for (r, d) in replies.into_iter().zip([*desc, *desc2]) {
                        match r.map(|r| d.decode_result(r.result).and_then(|t| t.to_json())) {
                            Ok(Ok(_)) => {}
                            Ok(Err(e)) | Err(e) => exercise(&e),
                        }
                    }
                }
                Err(e) => exercise(&e),
            }
            Ok(())
        },
    );
}

#[test]
fn request_bodies_are_the_envelope_and_name_their_first_parameter() {
    check(
        "request encoding of arbitrary methods and params",
        cases(2000),
        ("\\PC{0,24}", any::<u64>(), json()),
        |(method, id, params)| {
            let params = (!params.is_null()).then_some(params);
            let body = request_body(&method, id, params.as_ref()).unwrap();
            // The same object as the tree-building `request`, less an empty `params`, which the
            // byte encoder leaves out (Kanboard reads both as no parameters).
            let mut expected = request(&method, id, params.clone());
            if expected.get("params") == Some(&json!({})) {
                expected.as_object_mut().unwrap().remove("params");
            }
            prop_assert_eq!(
                String::from_utf8(body.clone()).unwrap(),
                serde_json::to_string(&expected).unwrap()
            );
            // The shortcut reads what a full parse of the body reads (floats parse the same way).
            let reparsed: Value = serde_json::from_slice(&body).unwrap();
            let first = reparsed
                .get("params")
                .and_then(Value::as_object)
                .and_then(|m| m.iter().next())
                .map(|(k, v)| (k.clone(), v.clone()));
            prop_assert_eq!(first_param(&body), first);
            Ok(())
        },
    );
}

#[test]
fn uploads_from_a_path_encode_like_uploads_from_memory() {
    use base64::Engine;
    let dir = std::env::temp_dir().join(format!("kanboard-prop-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("f.bin");
    // Around the 48 KiB pieces the file is read in, and far from them.
    let size = prop_oneof![
        0usize..10,
        (3 * 16 * 1024 - 4usize)..(3 * 16 * 1024 + 4),
        (2 * 3 * 16 * 1024 - 4usize)..(2 * 3 * 16 * 1024 + 4),
        0usize..200_000,
    ];
    check(
        "path uploads encoded in pieces",
        cases(64),
        (size, any::<u8>()),
        |(size, salt)| {
            let bytes: Vec<u8> = (0..size)
                .map(|i| (i as u8).wrapping_mul(31) ^ salt)
                .collect();
            std::fs::write(&path, &bytes).unwrap();
            let from_path = serde_json::to_value(kanboard::FileContent::path(&path)).unwrap();
            let from_memory =
                serde_json::to_value(kanboard::FileContent::from(bytes.clone())).unwrap();
            let expected = base64::engine::general_purpose::STANDARD.encode(&bytes);
            prop_assert_eq!(from_path.as_str(), Some(expected.as_str()));
            prop_assert_eq!(from_memory.as_str(), Some(expected.as_str()));
            Ok(())
        },
    );
    std::fs::remove_dir_all(&dir).ok();
    // A file that cannot be read is an error of the call, not a panic.
    let missing = serde_json::to_vec(&kanboard::FileContent::path("/nonexistent/kanboard-file"));
    assert!(missing.unwrap_err().to_string().contains("cannot read"));
}

#[test]
fn backoff_never_panics_and_never_exceeds_its_cap() {
    let d = || (0u64..u64::MAX).prop_map(std::time::Duration::from_nanos);
    check(
        "retry delays for arbitrary policies",
        cases(5000),
        (d(), d(), any::<u32>(), any::<u64>()),
        |(base, max, attempt, seed)| {
            let p = RetryPolicy {
                max_retries: 3,
                base_delay: base,
                max_delay: max,
                retry_writes: false,
            };
            let delay = p.delay(attempt, seed);
            prop_assert!(delay <= max);
            prop_assert!(delay <= base.saturating_mul(1u32 << attempt.min(20)));
            Ok(())
        },
    );
}
