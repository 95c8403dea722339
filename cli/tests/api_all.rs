//! `kanboard -o json api <resource> <method>` for all 188 schema methods: each recorded call's
//! parameters, typed on the command line as a user would, reach the server exactly as the typed
//! builder sent them, and the output is the JSON form of the typed result and nothing else.

mod common;

use kanboard::api::descriptors::METHODS;
use kanboard::descriptor::MethodDescriptor;
use kanboard_cli::api_cmd::{kebab, method_name, placements};
use kanboard_cli::params::{Kind, Placement, Shape, shape};
use kanboard_test_support::{Recording, url};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::path::Path;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// The recording of `desc`'s method.
fn recorded(desc: &MethodDescriptor) -> Recording {
    let flags = desc.params.iter().filter(|p| p.ty == "bool");
    Recording::of(desc.rpc_name, flags.map(|p| p.wire))
}

/// Answers each method with its recorded reply, the request's id put in.
struct Replay(HashMap<&'static str, Recording>);

impl Respond for Replay {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let sent: Value = serde_json::from_slice(&req.body).unwrap();
        match sent["method"].as_str().and_then(|m| self.0.get(m)) {
            Some(recording) => recording.reply(&sent["id"]),
            None => ResponseTemplate::new(500),
        }
    }
}

/// A JSON value as typed on the command line.
fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The command line that gives `params` to `desc`'s `api` command; files for `bytes`
/// parameters are written under `dir`.
fn command_line(desc: &MethodDescriptor, params: &Value, dir: &Path) -> Vec<String> {
    let mut args = vec!["api".to_owned(), kebab(desc.resource), method_name(desc)];
    let mut options = Vec::new();
    for (p, place) in desc.params.iter().zip(placements(desc)) {
        let Some(v) = params.get(p.wire) else {
            continue;
        };
        let values: Vec<String> = match (shape(p.ty), v) {
            (Shape::Map, Value::Object(m)) => {
                m.iter().map(|(k, v)| format!("{k}={}", text(v))).collect()
            }
            (Shape::List(_), Value::Array(items)) => items.iter().map(text).collect(),
            (Shape::One(Kind::Bytes), Value::String(b64)) => {
                use base64::Engine;
                let bytes = base64::engine::general_purpose::STANDARD
                    .decode(b64)
                    .unwrap();
                let file = dir.join(format!("{}-{}", desc.rpc_name, p.name));
                std::fs::write(&file, bytes).unwrap();
                vec![file.to_string_lossy().into_owned()]
            }
            (_, v) => vec![text(v)],
        };
        match place {
            Placement::Positional => args.extend(values),
            Placement::Option { .. } => {
                for v in values {
                    options.push(format!("--{}", kebab(p.name)));
                    options.push(v);
                }
            }
        }
    }
    if desc.rust_name.starts_with("remove") {
        options.push("--yes".into());
    }
    args.extend(options);
    args
}

/// Numbers compare by value: `2` typed for a `float` goes out as `2.0`.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn every_method_prints_the_json_form_of_its_typed_result() {
    let home = tempfile::tempdir().unwrap();
    let replies = METHODS.iter().map(|d| (d.rpc_name, recorded(d))).collect();
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(Replay(replies))
        .mount(&server)
        .await;
    let url = url(&server);
    let mut checked = 0;
    for desc in METHODS {
        let r = recorded(desc);
        let mut cmd = common::kanboard(home.path());
        cmd.args(["--url", &url, "-o", "json", "--kanboard-version", "1.2.53"]);
        if r.user {
            cmd.args(["--auth-mode", "user", "--username", "u", "--password", "p"]);
        } else {
            cmd.args(["--token", "t"]);
        }
        let line = command_line(desc, &r.params, home.path());
        let out = cmd.args(&line).output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);

        let requests = server.received_requests().await.unwrap();
        assert_eq!(requests.len(), checked + 1, "{line:?}: {stderr}");
        let sent: Value = serde_json::from_slice(&requests[checked].body).unwrap();
        assert_eq!(sent["method"], desc.rpc_name);
        let sent = sent.get("params").cloned().unwrap_or(json!({}));
        assert!(
            same(&sent, &r.params),
            "{line:?} sent {sent}, the builder sent {}",
            r.params
        );

        let bytes = serde_json::to_vec(&r.body).unwrap();
        let id = r.body["id"].as_u64().unwrap_or(0);
        let expected = kanboard::envelope::decode_single(desc.rpc_name, id, r.status, &bytes)
            .and_then(|reply| desc.decode_result(reply.result))
            .and_then(|typed| typed.to_json());
        match expected {
            Ok(want) => {
                assert!(out.status.success(), "{line:?}: {stderr}");
                let got: Value = serde_json::from_str(&stdout)
                    .unwrap_or_else(|e| panic!("{line:?}: not JSON ({e}): {stdout}"));
                assert_eq!(got, want, "{line:?}");
            }
            Err(e) => {
                assert!(
                    !out.status.success(),
                    "{line:?} succeeded; the library says {e}"
                );
                assert!(stdout.is_empty(), "{line:?}: {stdout}");
            }
        }
        checked += 1;
    }
    assert_eq!(checked, 188);
    println!(
        "188/188 methods: `kanboard -o json api` sends the builder's parameters and prints the typed JSON"
    );
}
