//! Opt-in retries: only calls that change nothing (or all calls when the policy says so), only
//! after a connection error or an HTTP 5xx, with capped exponential backoff and jitter.

mod raw_server;

use kanboard::{Error, KanboardClient, RetryPolicy};
use kanboard_test_support::{Echo, full, received, url};
use serde_json::{Value, json};
use std::time::Duration;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

fn quick(max_retries: u32, retry_writes: bool) -> RetryPolicy {
    RetryPolicy {
        max_retries,
        base_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(5),
        retry_writes,
    }
}

/// A server that fails the first `failures` requests with `status` and then echoes `result`.
async fn flaky(failures: u64, status: u16, result: Value) -> MockServer {
    let server = MockServer::start().await;
    if failures > 0 {
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(status).set_body_string(""))
            .up_to_n_times(failures)
            .with_priority(1)
            .mount(&server)
            .await;
    }
    Mock::given(method("POST"))
        .respond_with(Echo(result))
        .with_priority(2)
        .mount(&server)
        .await;
    server
}

fn client(server: &MockServer, policy: Option<RetryPolicy>) -> KanboardClient {
    let b = KanboardClient::builder(url(server)).app_token("t");
    match policy {
        Some(p) => b.retry(p).build().unwrap(),
        None => b.build().unwrap(),
    }
}

fn task() -> Value {
    full("getTask", json!({"id": 4, "title": "t", "project_id": 1}))
}

#[tokio::test]
async fn a_read_only_call_is_retried_once_after_a_503_and_succeeds() {
    let server = flaky(1, 503, task()).await;
    let kb = client(&server, Some(quick(3, false)));
    let t = kb.tasks().get_task(4).send().await.unwrap();
    assert_eq!(t.id.get(), 4);
    let sent = received(&server).await;
    assert_eq!(sent.len(), 2, "one failure, one retry");
    assert_eq!(
        sent[0], sent[1],
        "the retry sends the same request, id included"
    );
}

#[tokio::test]
async fn retries_stop_after_max_retries_with_the_last_error() {
    let server = flaky(100, 502, task()).await;
    let kb = client(&server, Some(quick(3, false)));
    let e = kb.tasks().get_task(4).send().await.unwrap_err();
    assert!(matches!(e, Error::Server { status: 502, .. }), "{e:?}");
    assert_eq!(received(&server).await.len(), 4, "the call and 3 retries");
}

#[tokio::test]
async fn without_a_policy_nothing_is_retried() {
    let server = flaky(1, 503, task()).await;
    let kb = client(&server, None);
    let e = kb.tasks().get_task(4).send().await.unwrap_err();
    assert!(matches!(e, Error::Server { status: 503, .. }), "{e:?}");
    assert_eq!(received(&server).await.len(), 1);
}

#[tokio::test]
async fn a_create_is_never_retried_unless_writes_are() {
    let server = flaky(1, 503, json!(9)).await;
    let kb = client(&server, Some(quick(3, false)));
    let e = kb.tasks().create_task("x", 1).send().await.unwrap_err();
    assert!(matches!(e, Error::Server { status: 503, .. }), "{e:?}");
    assert_eq!(received(&server).await.len(), 1, "a write is sent once");
    // A raw call of a write is not retried either; of a read it is.
    let server = flaky(1, 503, json!(9)).await;
    let kb = client(&server, Some(quick(3, false)));
    assert!(
        kb.call("createTask", json!({"title": "x", "project_id": 1}))
            .await
            .is_err()
    );
    assert_eq!(received(&server).await.len(), 1);
    let server = flaky(1, 503, task()).await;
    let kb = client(&server, Some(quick(3, false)));
    assert_eq!(
        kb.call("getTask", json!({"task_id": 4})).await.unwrap(),
        task()
    );
    assert_eq!(received(&server).await.len(), 2);

    let server = flaky(1, 503, json!(9)).await;
    let kb = client(&server, Some(quick(3, true)));
    assert_eq!(
        kb.tasks().create_task("x", 1).send().await.unwrap().get(),
        9
    );
    assert_eq!(
        received(&server).await.len(),
        2,
        "retry_writes retries writes"
    );
}

#[tokio::test]
async fn client_errors_and_json_rpc_errors_are_never_retried() {
    for status in [400, 401, 403, 404, 429] {
        let server = flaky(1, status, task()).await;
        let kb = client(&server, Some(quick(3, true)));
        let e = kb.tasks().get_task(4).send().await.unwrap_err();
        assert!(!e.is_transient(), "{status}: {e:?}");
        assert_eq!(
            received(&server).await.len(),
            1,
            "HTTP {status} is not retried"
        );
    }
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"jsonrpc": "2.0", "error": {"code": -32603, "message": "Internal error"}, "id": 1}),
        ))
        .mount(&server)
        .await;
    let kb = client(&server, Some(quick(3, true)));
    let e = kb.tasks().get_task(4).send().await.unwrap_err();
    assert_eq!(e.rpc_code(), Some(-32603), "{e:?}");
    assert_eq!(
        received(&server).await.len(),
        1,
        "a JSON-RPC error is an answer"
    );
}

#[tokio::test]
async fn connection_errors_are_retried() {
    // The server reads each request and hangs up without a reply.
    let server = raw_server::start(raw_server::Script::Close).await;
    let kb = KanboardClient::builder(server.http())
        .app_token("t")
        .retry(quick(2, false))
        .build()
        .unwrap();
    let e = kb.tasks().get_task(4).send().await.unwrap_err();
    assert!(e.is_connection(), "{e:?}");
    assert_eq!(
        server.requests.load(std::sync::atomic::Ordering::SeqCst),
        3,
        "the call and 2 retries"
    );
}

#[tokio::test]
async fn timeouts_are_retried_for_reads_and_each_attempt_has_the_timeout() {
    let server = raw_server::start(raw_server::Script::Silent).await;
    let kb = KanboardClient::builder(server.http())
        .app_token("t")
        .timeout(Duration::from_millis(300))
        .retry(quick(1, false))
        .build()
        .unwrap();
    let e = kb.tasks().get_task(4).send().await.unwrap_err();
    assert!(e.is_timeout(), "{e:?}");
    assert_eq!(server.requests.load(std::sync::atomic::Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_batch_of_reads_is_retried_and_a_batch_with_a_write_is_not() {
    let server = flaky(1, 500, json!("1.2.53")).await;
    let kb = client(&server, Some(quick(3, false)));
    let mut batch = kb.batch();
    let v = batch.add(kb.application().get_version()).unwrap();
    let raw = batch.add_raw("getTimezone", Value::Null);
    let mut results = batch.send().await.unwrap();
    assert_eq!(results.take(v).unwrap(), "1.2.53");
    assert_eq!(results.take(raw).unwrap(), json!("1.2.53"));
    let sent = received(&server).await;
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[0], sent[1]);

    let server = flaky(1, 500, json!(1)).await;
    let kb = client(&server, Some(quick(3, false)));
    let mut batch = kb.batch();
    let _v = batch.add(kb.application().get_version()).unwrap();
    let _c = batch.add(kb.tasks().create_task("x", 1)).unwrap();
    let e = batch
        .send()
        .await
        .err()
        .expect("the 500 is the batch's error");
    assert!(matches!(e, Error::Server { status: 500, .. }), "{e:?}");
    assert_eq!(
        received(&server).await.len(),
        1,
        "a batch with a write is sent once"
    );
    // A raw call of a method the schema does not know might write: not retried either.
    let server = flaky(1, 500, json!(1)).await;
    let kb = client(&server, Some(quick(3, false)));
    let mut batch = kb.batch();
    let _p = batch.add_raw("somePluginMethod", json!({"a": 1}));
    assert!(batch.send().await.is_err());
    assert_eq!(received(&server).await.len(), 1);
}

#[test]
fn backoff_is_capped_exponential_with_full_jitter() {
    let p = RetryPolicy {
        max_retries: 10,
        base_delay: Duration::from_millis(100),
        max_delay: Duration::from_secs(2),
        retry_writes: false,
    };
    for attempt in 0..12u32 {
        let cap = (Duration::from_millis(100) * 2u32.pow(attempt)).min(Duration::from_secs(2));
        let delays: Vec<Duration> = (0..2000u64).map(|seed| p.delay(attempt, seed)).collect();
        let max = *delays.iter().max().unwrap();
        let min = *delays.iter().min().unwrap();
        let mean = delays.iter().sum::<Duration>() / delays.len() as u32;
        assert!(max <= cap, "attempt {attempt}: {max:?} > {cap:?}");
        // Full jitter: spread over [0, cap], averaging about half of it.
        assert!(min < cap / 10, "attempt {attempt}: smallest {min:?}");
        assert!(max > cap * 9 / 10, "attempt {attempt}: largest {max:?}");
        assert!(
            mean > cap * 2 / 5 && mean < cap * 3 / 5,
            "attempt {attempt}: mean {mean:?} of cap {cap:?}"
        );
    }
    // Extreme settings neither panic nor exceed the cap.
    let wild = RetryPolicy {
        max_retries: u32::MAX,
        base_delay: Duration::MAX,
        max_delay: Duration::MAX,
        retry_writes: true,
    };
    for seed in 0..1000 {
        assert!(wild.delay(u32::MAX, seed) <= Duration::MAX);
        assert_eq!(
            RetryPolicy {
                max_delay: Duration::ZERO,
                ..wild.clone()
            }
            .delay(3, seed),
            Duration::ZERO
        );
    }
}
