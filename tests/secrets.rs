//! The API token, login passwords and password parameters never show: not in `Debug`, not in
//! the `Display` or `Debug` of any error, not in tracing output at any level (the client's,
//! reqwest's and hyper's, TRACE included). User records never carry password hashes.

mod raw_server;

use base64::Engine;
use kanboard::{Error, KanboardClient, RetryPolicy};
use serde_json::{Value, json};
use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;
use wiremock::matchers::{body_partial_json, method};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// Answers each call (or each call of a batch) with `result`, echoing its id.
struct Echo(Value);

impl Respond for Echo {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let body: Value = serde_json::from_slice(&req.body).unwrap();
        let one = |call: &Value| json!({"jsonrpc": "2.0", "result": self.0, "id": call["id"]});
        let reply = match &body {
            Value::Array(calls) => Value::Array(calls.iter().map(one).collect()),
            call => one(call),
        };
        ResponseTemplate::new(200).set_body_json(reply)
    }
}

const TOKEN: &str = "tok-0f3c-NEVER-SHOWN-7781";
const PASSWORD: &str = "pw-LOGIN-NEVER-SHOWN-42";
const NEW_USER_PASSWORD: &str = "pw-PARAM-NEVER-SHOWN-99";

/// Every form in which a secret could leak: as itself and inside an Authorization header.
fn forbidden() -> Vec<String> {
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    vec![
        TOKEN.into(),
        PASSWORD.into(),
        NEW_USER_PASSWORD.into(),
        b64(&format!("jsonrpc:{TOKEN}")),
        b64(&format!("alice:{PASSWORD}")),
    ]
}

fn assert_clean(what: &str, text: &str) {
    for secret in forbidden() {
        assert!(!text.contains(&secret), "{what} shows a secret:\n{text}");
    }
}

/// Everything every subscriber-visible event and span of this test binary printed.
fn captured() -> &'static Arc<Mutex<Vec<u8>>> {
    static LOG: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOG.get_or_init(|| {
        let log = Arc::new(Mutex::new(Vec::new()));
        let sink = log.clone();
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_span_events(tracing_subscriber::fmt::format::FmtSpan::FULL)
            .with_writer(move || Sink(sink.clone()))
            .init(); // also routes the `log` records of reqwest and its stack here
        log
    })
}

struct Sink(Arc<Mutex<Vec<u8>>>);

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

async fn answering(status: u16, body: Value) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(status).set_body_json(body))
        .mount(&server)
        .await;
    server
}

fn app(url: &str) -> KanboardClient {
    KanboardClient::builder(url)
        .app_token(TOKEN)
        .timeout(Duration::from_millis(500))
        .retry(RetryPolicy {
            max_retries: 1,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(2),
            retry_writes: false,
        })
        .build()
        .unwrap()
}

fn user(url: &str) -> KanboardClient {
    KanboardClient::builder(url)
        .user("alice", PASSWORD)
        .auth_header("X-API-Auth")
        .timeout(Duration::from_millis(500))
        .build()
        .unwrap()
}

/// Runs calls that succeed and calls that fail every way, returning the errors.
async fn every_kind_of_call() -> Vec<Error> {
    let mut errors = Vec::new();
    let ok = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(Echo(json!(5)))
        .mount(&ok)
        .await;
    for kb in [app(&ok.uri()), user(&ok.uri())] {
        assert_eq!(
            kb.users()
                .create_user("bob", NEW_USER_PASSWORD)
                .send()
                .await
                .unwrap(),
            5
        );
        let mut batch = kb.batch();
        let slot = batch
            .add(kb.users().create_user("carol", NEW_USER_PASSWORD))
            .unwrap();
        assert_eq!(batch.send().await.unwrap().take(slot).unwrap(), 5);
    }
    let unauthorized =
        json!({"jsonrpc": "2.0", "error": {"code": 401, "message": "Unauthorized"}, "id": null});
    let forbidden =
        json!({"jsonrpc": "2.0", "error": {"code": 403, "message": "Forbidden"}, "id": null});
    let cases = [
        answering(401, unauthorized.clone()).await,
        answering(403, forbidden).await,
        answering(500, json!("Fatal error: something")).await,
        answering(200, json!({"jsonrpc": "2.0", "error": {"code": -32602, "message": "Invalid params", "data": "Missing argument: user_id"}, "id": 1})).await,
        answering(200, json!({"unexpected": true})).await,
    ];
    for server in &cases {
        for kb in [app(&server.uri()), user(&server.uri())] {
            errors.extend(kb.tasks().get_task(1).send().await.err());
            errors.extend(
                kb.users()
                    .create_user("dave", NEW_USER_PASSWORD)
                    .send()
                    .await
                    .err(),
            );
            errors.extend(kb.call("getVersion", Value::Null).await.err());
            let mut batch = kb.batch();
            let _ = batch
                .add(kb.users().create_user("erin", NEW_USER_PASSWORD))
                .unwrap();
            errors.extend(batch.send().await.err());
        }
    }
    // Faults of the connection: never answering (timeout, retried), refused, cut off.
    for script in [raw_server::Script::Silent, raw_server::Script::CutOff] {
        let server = raw_server::start(script).await;
        for kb in [app(&server.http()), user(&server.http())] {
            errors.extend(kb.tasks().get_task(1).send().await.err());
            errors.extend(
                kb.users()
                    .create_user("frank", NEW_USER_PASSWORD)
                    .send()
                    .await
                    .err(),
            );
        }
    }
    let refused = {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        format!("http://127.0.0.1:{port}/jsonrpc.php")
    };
    errors.extend(app(&refused).application().get_version().send().await.err());
    // A user-only method refused locally.
    errors.extend(app(&refused).me().get_me().send().await.err());
    errors
}

#[tokio::test]
async fn secrets_never_reach_errors_or_tracing_output_at_any_level() {
    let log = captured();
    let errors = every_kind_of_call().await;
    assert!(
        errors.len() >= 30,
        "the calls failed as planned: {}",
        errors.len()
    );
    for e in &errors {
        assert_clean("an error", &format!("{e}\n{e:?}"));
        let mut source = std::error::Error::source(e);
        while let Some(s) = source {
            assert_clean("an error's source", &format!("{s}\n{s:?}"));
            source = s.source();
        }
    }
    let text = String::from_utf8(log.lock().unwrap().clone()).unwrap();
    // The capture works: the client's spans and events, and the HTTP stack's, are in it.
    assert!(
        text.contains("kanboard.rpc") && text.contains("TRACE"),
        "{text}"
    );
    assert!(text.contains("retrying"), "the retry events were captured");
    assert!(text.contains("createUser"), "the calls are named");
    assert_clean("tracing output", &text);
    println!(
        "{} errors and {} lines of TRACE-level output checked for {} secret forms",
        errors.len(),
        text.lines().count(),
        forbidden().len()
    );
}

#[test]
fn debug_of_clients_builders_and_requests_hides_secrets() {
    let kb = app("http://127.0.0.1:9/jsonrpc.php");
    let u = user("http://127.0.0.1:9/jsonrpc.php");
    let shown = format!(
        "{kb:?}\n{u:?}\n{:?}\n{:#?}\n{:?}\n{:?}\n{:?}",
        KanboardClient::builder("http://h/").app_token(TOKEN),
        u.users().create_user("bob", NEW_USER_PASSWORD),
        kanboard::Auth::user("alice", PASSWORD),
        kanboard::Auth::app_token(TOKEN),
        kanboard::Secret::new(NEW_USER_PASSWORD),
    );
    assert_clean("Debug", &shown);
    assert!(
        shown.contains("REDACTED") && shown.contains("alice"),
        "{shown}"
    );
}

#[test]
fn credentials_in_the_url_are_refused_without_being_echoed() {
    for url in [
        format!("http://alice:{PASSWORD}@127.0.0.1/jsonrpc.php"),
        format!("http://jsonrpc:{TOKEN}@127.0.0.1/jsonrpc.php"),
        format!("http://alice:{PASSWORD}@127.0.0.1:99999/jsonrpc.php"), // not even a valid URL
    ] {
        let e = KanboardClient::new(&url, "token").unwrap_err();
        assert!(
            matches!(&e, Error::Config { field, .. } if field == "url"),
            "{e:?}"
        );
        assert_clean("a URL error", &format!("{e}\n{e:?}"));
    }
}

#[tokio::test]
async fn user_records_never_carry_password_hashes() {
    let sample: Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/samples/getUser.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let mut record = sample["response"]["result"].clone();
    let hash = record["password"].as_str().unwrap().to_owned();
    assert!(
        hash.starts_with("$2y$"),
        "the recorded reply has the bcrypt hash"
    );
    // Fill the other secret columns too, as a server with them set would send them.
    record["api_access_token"] = json!("personal-token-NEVER-SHOWN");
    record["twofactor_secret"] = json!("TOTP-SECRET-NEVER-SHOWN");
    record["token"] = json!("remember-me-NEVER-SHOWN");
    let secrets = [
        hash.as_str(),
        "personal-token-NEVER-SHOWN",
        "TOTP-SECRET-NEVER-SHOWN",
        "remember-me-NEVER-SHOWN",
    ];
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(body_partial_json(json!({"method": "getUser"})))
        .respond_with(Echo(record.clone()))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(body_partial_json(json!({"method": "getAllUsers"})))
        .respond_with(Echo(json!([record.clone(), record.clone()])))
        .mount(&server)
        .await;
    let kb = KanboardClient::new(server.uri(), "t").unwrap();
    let desc = |m| kanboard::descriptor::MethodDescriptor::find(m).unwrap();
    let shown = [
        (
            "getUser",
            format!("{:?}", kb.users().get_user(2).send().await.unwrap()),
        ),
        (
            "getAllUsers",
            format!("{:#?}", kb.users().get_all_users().send().await.unwrap()),
        ),
        (
            "getUser, typed view as JSON",
            desc("getUser")
                .decode_result(record.clone())
                .and_then(|t| t.to_json())
                .unwrap()
                .to_string(),
        ),
    ];
    for (what, text) in shown {
        assert!(text.contains("alice"), "{what}: {text}");
        for s in secrets {
            assert!(!text.contains(s), "{what} shows {s}: {text}");
        }
        assert!(!text.contains("password"), "{what}: {text}");
    }
}
