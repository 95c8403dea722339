//! The transport, auth, ids, batches and every error mapping, against a mock server.

use kanboard::{AuthFailure, Error, KanboardClient, OptionalExt};
use kanboard_test_support::{Echo, each_call, full, url};
use serde_json::{Value, json};
use std::time::Duration;
use wiremock::matchers::{body_partial_json, header, method};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const TOKEN: &str = "tok-SECRET-1234";

/// Answers a batch call by call, by method name.
struct PerMethod(fn(&str, &Value) -> Value);

impl Respond for PerMethod {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        each_call(req, |c| {
            (self.0)(c["method"].as_str().unwrap(), &c["params"])
        })
    }
}

async fn server_with(result: Value) -> (MockServer, KanboardClient) {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(Echo(result))
        .mount(&server)
        .await;
    let kb = KanboardClient::new(url(&server), TOKEN).unwrap();
    (server, kb)
}

async fn server_raw(status: u16, body: &str, content_type: &str) -> (MockServer, KanboardClient) {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(status).set_body_raw(body.as_bytes().to_vec(), content_type),
        )
        .mount(&server)
        .await;
    let kb = KanboardClient::new(url(&server), TOKEN).unwrap();
    (server, kb)
}

async fn sent(server: &MockServer) -> Vec<(Value, wiremock::Request)> {
    server
        .received_requests()
        .await
        .unwrap()
        .into_iter()
        .map(|r| (serde_json::from_slice(&r.body).unwrap(), r))
        .collect()
}

#[tokio::test]
async fn envelope_named_params_ids_and_headers() {
    let (server, kb) = server_with(json!(7)).await;
    let id = kb
        .tasks()
        .create_task("Title", 3)
        .color_id("green")
        .tags(["a", "b"])
        .send()
        .await
        .unwrap();
    assert_eq!(id.get(), 7);
    // A number where text is declared is read as its digits.
    assert_eq!(kb.application().get_version().send().await.unwrap(), "7");
    let reqs = sent(&server).await;
    let (body, req) = &reqs[0];
    assert_eq!(body["jsonrpc"], "2.0");
    assert_eq!(body["method"], "createTask");
    assert_eq!(
        body["params"],
        json!({"title": "Title", "project_id": 3, "color_id": "green", "tags": ["a", "b"]})
    );
    assert!(body["id"].is_u64());
    // The second call has the next id and no params at all.
    assert_eq!(
        reqs[1].0["id"].as_u64().unwrap(),
        body["id"].as_u64().unwrap() + 1
    );
    assert!(reqs[1].0.get("params").is_none());
    let auth = req.headers.get("authorization").unwrap().to_str().unwrap();
    assert_eq!(auth, "Basic anNvbnJwYzp0b2stU0VDUkVULTEyMzQ="); // base64("jsonrpc:tok-SECRET-1234")
    let ua = req.headers.get("user-agent").unwrap().to_str().unwrap();
    assert_eq!(ua, format!("kanboard-rs/{}", env!("CARGO_PKG_VERSION")));
    assert_eq!(req.headers.get("content-type").unwrap(), "application/json");
}

#[tokio::test]
async fn version_is_text_even_when_numeric() {
    let (_s, kb) = server_with(json!("1.2.53")).await;
    assert_eq!(
        kb.application().get_version().send().await.unwrap(),
        "1.2.53"
    );
}

#[tokio::test]
async fn wire_rename_sends_the_server_name() {
    let (server, kb) = server_with(json!(true)).await;
    kb.tasks().update_task(5).title("New").send().await.unwrap();
    assert_eq!(
        sent(&server).await[0].0["params"],
        json!({"id": 5, "title": "New"})
    );
}

#[tokio::test]
async fn user_auth_and_custom_header() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(header("X-API-Auth", "YWxpY2U6cHc=")) // base64("alice:pw"), no "Basic "
        .respond_with(Echo(json!("1.2.53")))
        .mount(&server)
        .await;
    let kb = KanboardClient::builder(server.uri())
        .user("alice", "pw")
        .auth_header("X-API-Auth")
        .build()
        .unwrap();
    kb.application().get_version().send().await.unwrap();
    let reqs = sent(&server).await;
    assert!(
        reqs[0].1.headers.get("authorization").is_none(),
        "the custom header replaces Basic auth"
    );

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(header("authorization", "Basic YWxpY2U6cHc="))
        .respond_with(Echo(full("getMe", json!({"id": 2, "username": "alice"}))))
        .mount(&server)
        .await;
    let kb = KanboardClient::builder(server.uri())
        .user("alice", "pw")
        .build()
        .unwrap();
    kb.me().get_me().send().await.unwrap();
}

#[tokio::test]
async fn user_only_method_refused_before_sending_with_app_token() {
    let (server, kb) = server_with(json!({})).await;
    let e = kb.me().get_me().send().await.unwrap_err();
    assert!(
        matches!(
            e,
            Error::Auth {
                failure: AuthFailure::UserOnlyMethod,
                ..
            }
        ),
        "{e:?}"
    );
    assert!(sent(&server).await.is_empty(), "nothing may be sent");
    assert!(e.to_string().contains("needs a user login"), "{e}");
}

#[tokio::test]
async fn http_401_and_403_with_null_id() {
    let body = r#"{"jsonrpc":"2.0","error":{"code":401,"message":"Unauthorized"},"id":null}"#;
    let (_s, kb) = server_raw(401, body, "application/json").await;
    let e = kb.application().get_version().send().await.unwrap_err();
    assert!(
        matches!(
            e,
            Error::Auth {
                status: Some(401),
                failure: AuthFailure::BadCredentials,
                ..
            }
        ),
        "{e:?}"
    );
    assert!(e.to_string().contains("check the API token"), "{e}");
    assert!(e.is_auth());

    let body = r#"{"jsonrpc":"2.0","error":{"code":403,"message":"Forbidden"},"id":null}"#;
    let (_s, kb) = server_raw(403, body, "application/json").await;
    let e = kb.projects().get_all_projects().send().await.unwrap_err();
    assert!(
        matches!(
            e,
            Error::Auth {
                status: Some(403),
                failure: AuthFailure::Forbidden,
                ..
            }
        ),
        "{e:?}"
    );
}

#[tokio::test]
async fn http_500_with_empty_html_body() {
    let (_s, kb) = server_raw(500, "", "text/html; charset=UTF-8").await;
    let e = kb
        .projects()
        .get_project_activities([1])
        .send()
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Server { status: 500, .. }), "{e:?}");
    assert!(e.is_transient());
    assert!(e.to_string().contains("HTTP 500"), "{e}");
}

#[tokio::test]
async fn php_text_before_the_json_is_survived() {
    let body = "array (\n  'task_id' => \n  array (\n    0 => 'This value must be an integer',\n  ),\n){\"jsonrpc\":\"2.0\",\"result\":false,\"id\":1}";
    let (_s, kb) = server_raw(200, body, "application/json").await;
    // The id is 1 only for the first call of a new client.
    let e = kb
        .tasks()
        .update_task(1)
        .title("x")
        .send()
        .await
        .unwrap_err();
    match &e {
        Error::Rejected {
            method,
            returned,
            why,
            detail,
        } => {
            assert_eq!(method, "updateTask");
            assert_eq!(returned, "false");
            // The schema's reasons for a refusal come with it.
            assert_eq!(*why, Some("`false` for a missing task or an invalid date."));
            assert!(
                detail
                    .as_deref()
                    .unwrap()
                    .contains("This value must be an integer")
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(e.to_string().contains("server printed"), "{e}");
}

#[tokio::test]
async fn empty_and_non_json_bodies() {
    let (_s, kb) = server_raw(200, "", "application/json").await;
    let e = kb.application().get_version().send().await.unwrap_err();
    assert!(
        matches!(&e, Error::Response { reason, .. } if reason == "empty body"),
        "{e:?}"
    );

    let html = format!(
        "<html><body>{}</body></html>",
        "Service Unavailable ".repeat(50)
    );
    let (_s, kb) = server_raw(200, &html, "text/html").await;
    let e = kb.application().get_version().send().await.unwrap_err();
    let Error::Response { body, .. } = &e else {
        panic!("{e:?}")
    };
    assert_eq!(body.as_str(), html, "the raw body is kept whole");
    let shown = e.to_string();
    assert!(
        shown.len() < 400 && shown.contains('…'),
        "shown truncated: {shown}"
    );
}

#[tokio::test]
async fn mismatched_id_is_an_error() {
    let (_s, kb) = server_raw(
        200,
        r#"{"jsonrpc":"2.0","result":"1.2.53","id":999}"#,
        "application/json",
    )
    .await;
    let e = kb.application().get_version().send().await.unwrap_err();
    assert!(
        matches!(&e, Error::Response { reason, .. } if reason.contains("does not match")),
        "{e:?}"
    );
}

#[tokio::test]
async fn json_rpc_errors() {
    let server = MockServer::start().await;
    Mock::given(body_partial_json(json!({"method": "getVersion"})))
        .respond_with(PerMethod(
            |_, _| json!({"error": {"code": -32601, "message": "Method not found"}}),
        ))
        .mount(&server)
        .await;
    Mock::given(body_partial_json(json!({"method": "getTask"})))
        .respond_with(PerMethod(|_, _| {
            json!({"error": {"code": -32602, "message": "Invalid params", "data": "Missing argument: task_id"}})
        }))
        .mount(&server)
        .await;
    let kb = KanboardClient::new(server.uri(), TOKEN).unwrap();
    let e = kb.application().get_version().send().await.unwrap_err();
    assert!(
        e.is_method_not_found() && e.rpc_code() == Some(-32601),
        "{e:?}"
    );
    let e = kb.tasks().get_task(1).send().await.unwrap_err();
    assert!(e.is_validation(), "{e:?}");
    assert!(e.to_string().contains("Missing argument: task_id"), "{e}");
}

#[tokio::test]
async fn return_conventions() {
    // model: null and false are NotFound.
    let (_s, kb) = server_with(json!(null)).await;
    let e = kb.tasks().get_task(42).send().await.unwrap_err();
    assert!(
        matches!(&e, Error::NotFound { identifier, method, .. } if identifier == "task_id=42" && method == "getTask"),
        "{e:?}"
    );
    assert_eq!(
        kb.tasks().get_task(42).send().await.optional().unwrap(),
        None
    );
    let (_s, kb) = server_with(json!(false)).await;
    assert!(
        kb.projects()
            .get_project_by_name("nope")
            .send()
            .await
            .unwrap_err()
            .is_not_found()
    );
    // new_id: false and 0 are Rejected.
    let e = kb.tasks().create_task("t", 1).send().await.unwrap_err();
    assert!(
        matches!(&e, Error::Rejected { returned, .. } if returned == "false"),
        "{e:?}"
    );
    let (_s, kb) = server_with(json!(0)).await;
    let e = kb.tasks().create_task("t", 999).send().await.unwrap_err();
    assert!(
        matches!(&e, Error::Rejected { returned, .. } if returned == "0"),
        "{e:?}"
    );
    // list: false, null and [] are empty.
    for empty in [json!(false), json!(null), json!([])] {
        let (_s, kb) = server_with(empty).await;
        assert!(kb.tasks().get_all_tasks(1).send().await.unwrap().is_empty());
    }
    // map: {} and [] are empty; string keys are kept in order.
    for empty in [json!({}), json!([])] {
        let (_s, kb) = server_with(empty).await;
        assert!(
            kb.application()
                .get_color_list()
                .send()
                .await
                .unwrap()
                .is_empty()
        );
    }
    let (_s, kb) = server_with(json!({"yellow": "Yellow", "blue": "Blue"})).await;
    let colors = kb.application().get_color_list().send().await.unwrap();
    assert_eq!(colors.keys().collect::<Vec<_>>(), ["yellow", "blue"]);
    // success: true is Ok, false is Rejected; where the server answers false only for an
    // object that does not exist (`on_false: not_found`), false is NotFound.
    let (_s, kb) = server_with(json!(true)).await;
    kb.tasks().close_task(1).send().await.unwrap();
    let (_s, kb) = server_with(json!(false)).await;
    assert!(
        kb.categories()
            .update_category(1, "x")
            .send()
            .await
            .unwrap_err()
            .is_rejected()
    );
    let e = kb.tasks().remove_task(1).send().await.unwrap_err();
    assert!(
        matches!(&e, Error::NotFound { identifier, .. } if identifier == "task_id=1"),
        "{e:?}"
    );
}

#[tokio::test]
async fn numeric_strings_from_mysql_servers_decode() {
    let (_s, kb) = server_with(full(
        "getTask",
        json!({"id": "12", "title": "T", "is_active": "1", "project_id": "3",
        "date_due": "1896109200", "date_completed": null, "time_spent": "1.5", "color_id": "red"}),
    ))
    .await;
    let t = kb.tasks().get_task(12).send().await.unwrap();
    assert_eq!(
        (t.id.get(), t.project_id.get(), t.is_active, t.time_spent),
        (12, 3, true, 1.5)
    );
    assert_eq!(t.date_due.unwrap().as_second(), 1896109200);
    assert_eq!(t.date_completed, None);
    assert_eq!(t.color_id, kanboard::models::Color::Red);
    let (_s, kb) = server_with(json!("5")).await;
    assert_eq!(
        kb.tasks().create_task("t", 1).send().await.unwrap().get(),
        5
    );
}

#[tokio::test]
async fn undecodable_result_names_the_field() {
    let (_s, kb) = server_with(json!([
        full("getTask", json!({"id": 1, "title": "ok"})),
        full("getTask", json!({"id": "abc"}))
    ]))
    .await;
    let e = kb.tasks().get_all_tasks(1).send().await.unwrap_err();
    let Error::Decode { path, message, .. } = &e else {
        panic!("{e:?}")
    };
    assert!(path.starts_with("result[1]"), "{path}");
    assert!(message.contains("\"abc\""), "{message}");
}

#[tokio::test]
async fn batch_results_in_order_each_its_own_result() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(PerMethod(|m, p| match m {
            "getVersion" => json!({"result": "1.2.53"}),
            "getTask" if p["task_id"] == 1 => {
                json!({"result": full("getTask", json!({"id": 1, "title": "one"}))})
            }
            "getTask" => json!({"result": null}),
            _ => json!({"error": {"code": -32601, "message": "Method not found"}}),
        }))
        .mount(&server)
        .await;
    let kb = KanboardClient::new(server.uri(), TOKEN).unwrap();
    let mut batch = kb.batch();
    let v = batch.add(kb.application().get_version()).unwrap();
    let t1 = batch.add(kb.tasks().get_task(1)).unwrap();
    let t2 = batch.add(kb.tasks().get_task(2)).unwrap();
    let raw = batch.add_raw("noSuchMethod", json!({"x": 1}));
    let me = batch.add(kb.me().get_me()).unwrap(); // refused locally, not sent
    let mut results = batch.send().await.unwrap();
    assert_eq!(results.len(), 5);
    assert_eq!(results.counts(), (3, 2));
    assert_eq!(results.take(v).unwrap(), "1.2.53");
    assert_eq!(results.take(t1).unwrap().title, "one");
    assert!(results.take(t2).unwrap_err().is_not_found());
    assert!(results.take(raw).unwrap_err().is_method_not_found());
    assert!(matches!(
        results.take(me).unwrap_err(),
        Error::Auth {
            failure: AuthFailure::UserOnlyMethod,
            ..
        }
    ));
    let reqs = sent(&server).await;
    assert_eq!(reqs.len(), 1, "one HTTP request");
    let methods: Vec<&str> = reqs[0]
        .0
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["method"].as_str().unwrap())
        .collect();
    assert_eq!(
        methods,
        ["getVersion", "getTask", "getTask", "noSuchMethod"]
    );
}

#[tokio::test]
async fn a_slot_of_another_batch_is_an_error_not_a_panic() {
    let (_s, kb) = server_with(json!("1.2.53")).await;
    let mut first = kb.batch();
    let _a = first.add(kb.application().get_version()).unwrap();
    let _b = first.add(kb.application().get_version()).unwrap();
    let third = first.add(kb.application().get_version()).unwrap();
    let mut small = kb.batch();
    let _only = small.add(kb.application().get_version()).unwrap();
    let mut results = small.send().await.unwrap();
    let e = results.take(third).unwrap_err();
    assert!(
        matches!(&e, Error::Input { message, .. } if message.contains("not issued by this batch")),
        "{e:?}"
    );
}

#[tokio::test]
async fn batch_refused_as_a_whole() {
    let body = r#"{"jsonrpc":"2.0","error":{"code":403,"message":"Forbidden"},"id":null}"#;
    let (_s, kb) = server_raw(403, body, "application/json").await;
    let mut batch = kb.batch();
    let _a = batch.add(kb.application().get_version()).unwrap();
    let _b = batch.add(kb.projects().get_all_projects()).unwrap();
    let e = batch.send().await.err().expect("whole batch refused");
    assert!(matches!(&e, Error::BatchRefused { calls: 2, .. }), "{e:?}");
    assert!(e.is_auth());
}

#[tokio::test]
async fn raw_call_returns_json() {
    let (server, kb) = server_with(json!({"anything": [1, 2]})).await;
    let v = kb.call("pluginMethod", json!({"a": 1})).await.unwrap();
    assert_eq!(v, json!({"anything": [1, 2]}));
    assert_eq!(sent(&server).await[0].0["params"], json!({"a": 1}));
}

#[tokio::test]
async fn timeout_is_honoured() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(30)))
        .mount(&server)
        .await;
    let kb = KanboardClient::builder(server.uri())
        .app_token(TOKEN)
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let e = kb.application().get_version().send().await.unwrap_err();
    assert!(e.is_timeout() && e.is_connection(), "{e:?}");
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn connection_refused_names_the_url() {
    let kb = KanboardClient::new("http://127.0.0.1:9/jsonrpc.php", TOKEN).unwrap();
    let e = kb.application().get_version().send().await.unwrap_err();
    assert!(e.is_connection(), "{e:?}");
    assert!(e.to_string().contains("127.0.0.1:9"), "{e}");
    assert!(
        std::error::Error::source(&e).is_some(),
        "the cause is chained"
    );
}

#[test]
fn debug_never_shows_secrets() {
    let kb = KanboardClient::new("http://localhost/jsonrpc.php", TOKEN).unwrap();
    let shown = format!("{kb:?} {:?}", kb.tasks());
    assert!(
        !shown.contains(TOKEN) && shown.contains("REDACTED"),
        "{shown}"
    );
    let kb = KanboardClient::builder("http://localhost/")
        .user("admin", "hunter2-pass")
        .build()
        .unwrap();
    let shown = format!("{kb:?} {:#?}", kb.projects().get_all_projects());
    assert!(
        !shown.contains("hunter2-pass") && shown.contains("admin"),
        "{shown}"
    );
}

#[test]
fn config_errors_name_the_field() {
    let e = KanboardClient::new("not a url", TOKEN).unwrap_err();
    assert!(
        matches!(&e, Error::Config { field, .. } if field == "url"),
        "{e:?}"
    );
    let e = KanboardClient::new("ftp://x/", TOKEN).unwrap_err();
    assert!(
        matches!(&e, Error::Config { field, .. } if field == "url"),
        "{e:?}"
    );
    let e = KanboardClient::new("http://x/", "").unwrap_err();
    assert!(
        matches!(&e, Error::Config { field, .. } if field == "token"),
        "{e:?}"
    );
    let e = KanboardClient::builder("http://x/").build().unwrap_err();
    assert!(
        matches!(&e, Error::Config { field, .. } if field == "auth"),
        "{e:?}"
    );
}

#[test]
fn client_is_send_sync_and_cheap_clone() {
    fn assert_send_sync<T: Send + Sync + Clone>() {}
    assert_send_sync::<KanboardClient>();
    fn assert_send<T: Send>(_: &T) {}
    let kb = KanboardClient::new("http://localhost/", TOKEN).unwrap();
    assert_send(&kb.tasks().get_all_tasks(1).send());
}
