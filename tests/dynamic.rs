//! Calls by descriptor (`kb.request(desc)`): for every one of the schema's 188 methods, the
//! parameters of a real recorded call, given by name, go out exactly as the typed builder sent
//! them when the call was recorded, and the reply decodes to the same typed value. Bad
//! parameters are refused before anything is sent.

use kanboard::api::descriptors::METHODS;
use kanboard::descriptor::MethodDescriptor;
use kanboard::{Error, KanboardClient, TypedValue};
use kanboard_test_support::{Echo, Recording, recorded_result, url};
use serde_json::{Value, json};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The recording of `desc`'s method.
fn recorded(desc: &MethodDescriptor) -> Recording {
    let flags = desc.params.iter().filter(|p| p.ty == "bool");
    Recording::of(desc.rpc_name, flags.map(|p| p.wire))
}

fn client(url: &str, user: bool) -> KanboardClient {
    // The recordings come from 1.2.53: its calls are checked without asking the release.
    let b = KanboardClient::builder(url).kanboard_version(kanboard::KanboardVersion::new(1, 2, 53));
    let b = if user {
        b.user("alice", "pw")
    } else {
        b.app_token("tok")
    };
    b.build().unwrap()
}

/// The typed result of a recorded reply, decoded without any request.
fn expected(desc: &MethodDescriptor, r: &Recording) -> kanboard::Result<TypedValue> {
    let bytes = serde_json::to_vec(&r.body).unwrap();
    let id = r.body["id"].as_u64().unwrap_or(0);
    kanboard::envelope::decode_single(desc.rpc_name, id, r.status, &bytes)
        .and_then(|reply| desc.decode_result(reply.result))
}

#[tokio::test]
async fn every_method_sends_what_its_builder_sent_and_decodes_the_same() {
    let mut checked = 0;
    for desc in METHODS {
        let r = recorded(desc);
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(r.clone())
            .mount(&server)
            .await;
        let kb = client(&url(&server), r.user);
        let args = r.params.as_object().cloned().unwrap_or_default();
        let got = kb
            .request(desc)
            .args(args)
            .unwrap_or_else(|e| panic!("{}: recorded parameters refused: {e}", desc.rpc_name));
        let got = got.send().await;

        let requests = server.received_requests().await.unwrap();
        assert_eq!(requests.len(), 1, "{}", desc.rpc_name);
        let sent: Value = serde_json::from_slice(&requests[0].body).unwrap();
        assert_eq!(sent["method"], desc.rpc_name);
        assert_eq!(
            sent.get("params").cloned().unwrap_or(json!({})),
            r.params,
            "{}: parameters differ from the builder's",
            desc.rpc_name
        );

        match (got, expected(desc, &r)) {
            (Ok(g), Ok(e)) => {
                assert_eq!(g.method(), desc.rpc_name);
                assert_eq!(
                    g.to_json().unwrap(),
                    e.to_json().unwrap(),
                    "{}",
                    desc.rpc_name
                );
            }
            (Err(g), Err(e)) => assert_eq!(
                std::mem::discriminant(&g),
                std::mem::discriminant(&e),
                "{}: {g} / {e}",
                desc.rpc_name
            ),
            (g, e) => panic!("{}: got {g:?}, expected {e:?}", desc.rpc_name),
        }
        checked += 1;
    }
    assert_eq!(checked, 188);
    println!(
        "{checked}/188 methods: calls by descriptor send the builder's parameters and decode alike"
    );
}

async fn silent_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&server)
        .await;
    server
}

fn desc(rpc: &str) -> &'static MethodDescriptor {
    MethodDescriptor::find(rpc).unwrap()
}

#[tokio::test]
async fn bad_parameters_are_refused_before_sending() {
    let server = silent_server().await;
    let kb = client(&url(&server), false);
    let input = |r: kanboard::Result<_>| match r {
        Err(Error::Input { method, message }) => format!("{method}: {message}"),
        Err(e) => panic!("not an input error: {e}"),
        Ok(_) => panic!("accepted"),
    };
    assert_eq!(
        input(
            kb.request(desc("getTask"))
                .arg("task_id", json!("5"))
                .map(|_| ())
        ),
        "getTask: `task_id` must be an integer (TaskId), not \"5\""
    );
    assert_eq!(
        input(kb.request(desc("getTask")).arg("id", json!(5)).map(|_| ())),
        "getTask: has no parameter `id`: it takes task_id"
    );
    assert_eq!(
        input(
            kb.request(desc("createTask"))
                .arg("tags", json!(["a", 2]))
                .map(|_| ())
        ),
        "createTask: `tags` item 1 must be text, not 2"
    );
    assert_eq!(
        input(
            kb.request(desc("createTask"))
                .arg("title", json!("x"))
                .unwrap()
                .send()
                .await
                .map(|_| ())
        ),
        "createTask: the required parameter `project_id` is missing"
    );
    assert_eq!(
        input(
            kb.request(desc("getVersion"))
                .file("blob", b"x".to_vec())
                .map(|_| ())
        ),
        "getVersion: has no parameter `blob`: it takes none"
    );
    // A user-only method with the application token is refused as the builder refuses it.
    let e = kb.request(desc("getMe")).send().await.unwrap_err();
    assert!(
        matches!(
            e,
            Error::Auth {
                failure: kanboard::AuthFailure::UserOnlyMethod,
                ..
            }
        ),
        "{e}"
    );
}

#[tokio::test]
async fn the_typed_value_is_the_builders_type() {
    let server = MockServer::start().await;
    let task = recorded_result("getTask");
    Mock::given(method("POST"))
        .respond_with(Echo(task))
        .mount(&server)
        .await;
    let kb = client(&url(&server), false);
    let dynamic = kb
        .request(desc("getTask"))
        .arg("task_id", json!(1))
        .unwrap()
        .send()
        .await
        .unwrap();
    let typed = kb.tasks().get_task(1).send().await.unwrap();
    assert_eq!(
        dynamic.to_json().unwrap(),
        serde_json::to_value(&typed).unwrap()
    );
    let dynamic = dynamic
        .downcast::<Vec<kanboard::models::Project>>()
        .unwrap_err();
    assert_eq!(
        dynamic.downcast_ref::<kanboard::models::Task>(),
        Some(&typed)
    );
    assert_eq!(dynamic.downcast::<kanboard::models::Task>().unwrap(), typed);
}

#[tokio::test]
async fn calls_by_descriptor_share_a_batch_with_typed_calls() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(Echo(json!("1.2.53")))
        .expect(1)
        .mount(&server)
        .await;
    let kb = client(&url(&server), false);
    let mut batch = kb.batch();
    let typed = batch.add(kb.application().get_version()).unwrap();
    let dynamic = batch.add(kb.request(desc("getVersion"))).unwrap();
    let mut results = batch.send().await.unwrap();
    assert_eq!(results.take(typed).unwrap(), "1.2.53");
    assert_eq!(
        results.take(dynamic).unwrap().to_json().unwrap(),
        json!("1.2.53")
    );
}

#[tokio::test]
async fn downloads_show_as_base64_text() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(Echo(json!("aGVsbG8=")))
        .mount(&server)
        .await;
    let kb = client(&url(&server), false);
    let v = kb
        .request(desc("downloadTaskFile"))
        .arg("file_id", json!(1))
        .unwrap()
        .send()
        .await
        .unwrap();
    assert_eq!(v.to_json().unwrap(), json!("aGVsbG8="));
    assert_eq!(v.downcast::<Vec<u8>>().unwrap(), b"hello");
}
