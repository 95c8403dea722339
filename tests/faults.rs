//! Faults of the server and the network, each giving its documented error, no call outliving
//! its timeout, nothing panicking.
//!
//! Faults a real Kanboard produces (its stop, its HTTP 500 with an empty HTML body, PHP text
//! before its JSON, a 403 for a whole batch) run against a Kanboard this file starts with
//! scripts/kanboard-server.sh (SKIPPED when there is no Kanboard source tree or php). Faults of
//! the network (a server that accepts and never answers, a reply cut off half way, a dropped
//! connection) use a small raw server in the test.

mod raw_server;

use kanboard::{AuthFailure, Error, KanboardClient, RetryPolicy};
use raw_server::Script;
use serde_json::{Value, json};
use std::future::Future;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// The timeout of the clients in this file.
const TIMEOUT: Duration = Duration::from_millis(800);
/// How long past its timeout a call may take before the test calls it hung: a liveness bound,
/// far above any scheduling delay.
const GRACE: Duration = Duration::from_secs(10);

/// Runs a call that must fail, failing the test if it outlives `limit` + [`GRACE`]. Prints
/// how long it took.
async fn must_fail<T>(
    what: &str,
    limit: Duration,
    call: impl Future<Output = kanboard::Result<T>>,
) -> Error {
    let t0 = Instant::now();
    let outcome = tokio::time::timeout(limit + GRACE, call)
        .await
        .unwrap_or_else(|_| panic!("{what}: still running {:?} after its limit", GRACE));
    let took = t0.elapsed();
    let Err(e) = outcome else {
        panic!("{what}: succeeded")
    };
    println!("{what}: {took:.2?} (limit {limit:?}) -> {e}");
    e
}

fn client(url: &str) -> KanboardClient {
    KanboardClient::builder(url)
        .app_token("token")
        .timeout(TIMEOUT)
        .build()
        .unwrap()
}

// ---- a real Kanboard ----

/// A Kanboard started for one test and stopped when dropped.
struct Kanboard {
    url: String,
    token: String,
    state_dir: String,
}

impl Kanboard {
    fn script() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/kanboard-server.sh")
    }

    /// Starts one, or says SKIPPED and gives `None` when this machine cannot.
    fn start(test: &str) -> Option<Kanboard> {
        let dir = std::env::var("KANBOARD_DIR").unwrap_or_else(|_| "/opt/kanboard-1.2.53".into());
        let php = std::env::var("PHP").unwrap_or_else(|_| "php".into());
        let has_php = Command::new(&php)
            .arg("-v")
            .output()
            .is_ok_and(|o| o.status.success());
        if !Path::new(&dir).join("jsonrpc.php").exists() || !has_php {
            eprintln!(
                "SKIPPED {test}: no Kanboard to start (needs php and a Kanboard source tree in KANBOARD_DIR, default /opt/kanboard-1.2.53; see scripts/README.md)"
            );
            return None;
        }
        let out = Command::new("bash")
            .arg(Self::script())
            .args(["start", "--workers", "1"])
            .env("KANBOARD_DIR", &dir)
            .env_remove("KANBOARD_TOKEN")
            .output()
            .expect("run scripts/kanboard-server.sh");
        assert!(
            out.status.success(),
            "kanboard-server.sh start failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let exports = String::from_utf8(out.stdout).unwrap();
        let var = |name: &str| {
            exports
                .lines()
                .find_map(|l| l.strip_prefix(&format!("export {name}=")))
                .map(|v| v.trim_matches('\'').to_owned())
                .unwrap_or_else(|| panic!("no {name} in {exports}"))
        };
        Some(Kanboard {
            url: var("KANBOARD_URL"),
            token: var("KANBOARD_TOKEN"),
            state_dir: var("KANBOARD_STATE_DIR"),
        })
    }

    fn app(&self) -> KanboardClient {
        KanboardClient::builder(&self.url)
            .app_token(&self.token)
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap()
    }

    fn stop(&mut self) {
        if self.state_dir.is_empty() {
            return;
        }
        let ok = Command::new("bash")
            .arg(Self::script())
            .args(["stop", &self.state_dir])
            .status()
            .is_ok_and(|s| s.success());
        self.state_dir.clear();
        assert!(ok, "kanboard-server.sh stop failed");
    }
}

impl Drop for Kanboard {
    fn drop(&mut self) {
        if !self.state_dir.is_empty() {
            let _ = Command::new("bash")
                .arg(Self::script())
                .args(["stop", &self.state_dir])
                .status();
        }
    }
}

#[tokio::test]
async fn a_real_server_stopped_mid_run() {
    let Some(mut kanboard) = Kanboard::start("a_real_server_stopped_mid_run") else {
        return;
    };
    let kb = KanboardClient::builder(&kanboard.url)
        .app_token(&kanboard.token)
        .timeout(TIMEOUT)
        .build()
        .unwrap();
    assert_eq!(
        kb.application().get_version().send().await.unwrap(),
        "1.2.53"
    );
    let project = kb.projects().create_project("Faults").send().await.unwrap();
    kanboard.stop();

    let e = must_fail(
        "typed call after the stop",
        TIMEOUT,
        kb.projects().get_project_by_id(project).send(),
    )
    .await;
    assert!(e.is_connection() && e.is_transient(), "{e:?}");
    assert!(e.to_string().contains(&kanboard.url), "names the URL: {e}");
    assert!(
        e.to_string().contains("cannot connect (Connection refused"),
        "{e}"
    );
    let e = must_fail(
        "raw call after the stop",
        TIMEOUT,
        kb.call("getVersion", Value::Null),
    )
    .await;
    assert!(e.is_connection(), "{e:?}");
    let mut batch = kb.batch();
    let _ = batch.add(kb.application().get_version()).unwrap();
    let e = must_fail("batch after the stop", TIMEOUT, batch.send()).await;
    assert!(e.is_connection(), "{e:?}");
    // With retries, a read gives up after its retries with the same error.
    let kb = KanboardClient::builder(&kanboard.url)
        .app_token(&kanboard.token)
        .timeout(TIMEOUT)
        .retry(RetryPolicy {
            max_retries: 2,
            base_delay: Duration::from_millis(10),
            max_delay: Duration::from_millis(50),
            retry_writes: false,
        })
        .build()
        .unwrap();
    let e = must_fail(
        "read with 2 retries after the stop",
        TIMEOUT * 3 + Duration::from_millis(100),
        kb.application().get_version().send(),
    )
    .await;
    assert!(e.is_connection(), "{e:?}");
}

#[tokio::test]
async fn a_real_http_500_with_an_empty_html_body() {
    let Some(kanboard) = Kanboard::start("a_real_http_500_with_an_empty_html_body") else {
        return;
    };
    let kb = kanboard.app();
    // An array-typed parameter given a string: an uncaught PHP TypeError.
    let e = must_fail(
        "getProjectActivities with project_ids a string",
        Duration::from_secs(10),
        kb.call("getProjectActivities", json!({"project_ids": "1"})),
    )
    .await;
    match &e {
        Error::Server {
            method,
            status: 500,
            body,
        } => {
            assert_eq!(method, "getProjectActivities");
            assert!(body.as_str().trim().is_empty(), "{body:?}");
        }
        other => panic!("expected Error::Server, got {other:?}"),
    }
    assert!(e.is_transient());
    assert!(
        e.to_string().contains("HTTP 500") && e.to_string().contains("(empty body)"),
        "{e}"
    );
    // In a batch the 500 replaces every reply: the batch's own error.
    let mut batch = kb.batch();
    let _v = batch.add(kb.application().get_version()).unwrap();
    let _a = batch.add_raw("getProjectActivities", json!({"project_ids": "1"}));
    let e = must_fail(
        "batch with the fatal call",
        Duration::from_secs(10),
        batch.send(),
    )
    .await;
    assert!(matches!(e, Error::Server { status: 500, .. }), "{e:?}");
}

#[tokio::test]
async fn real_php_text_before_the_json() {
    let Some(kanboard) = Kanboard::start("real_php_text_before_the_json") else {
        return;
    };
    let kb = kanboard.app();
    // An empty dependency fails validation, and Kanboard var_exports its errors into the reply.
    let e = must_fail(
        "createExternalTaskLink that fails validation",
        Duration::from_secs(10),
        kb.external_task_links()
            .create_external_task_link(1, "http://127.0.0.1/doc", "")
            .title("Doc")
            .send(),
    )
    .await;
    match &e {
        Error::Rejected {
            method,
            returned,
            detail: Some(detail),
            ..
        } => {
            assert_eq!(method, "createExternalTaskLink");
            assert_eq!(returned, "false");
            assert!(
                detail.contains("dependency") && detail.contains("array ("),
                "{detail}"
            );
        }
        other => panic!("expected Error::Rejected with the leaked text, got {other:?}"),
    }
    println!("leaked text kept in the error: {e}");
    // The raw call reads the JSON after the text.
    let v = kb
        .call(
            "createExternalTaskLink",
            json!({"task_id": "abc", "url": "http://127.0.0.1/doc", "dependency": "related", "title": "Doc"}),
        )
        .await
        .unwrap();
    assert_eq!(v, json!(false));
}

#[tokio::test]
async fn a_real_403_for_a_whole_batch() {
    let Some(kanboard) = Kanboard::start("a_real_403_for_a_whole_batch") else {
        return;
    };
    let app = kanboard.app();
    let user_id = app
        .users()
        .create_user("faults-user", "faults-password-1")
        .send()
        .await
        .unwrap();
    assert!(user_id.get() > 0);
    let user = KanboardClient::builder(&kanboard.url)
        .user("faults-user", "faults-password-1")
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    assert_eq!(
        user.application().get_version().send().await.unwrap(),
        "1.2.53"
    );
    // getAllUsers needs an administrator: its 403 replaces the replies of the whole batch.
    let mut batch = user.batch();
    let _v = batch.add(user.application().get_version()).unwrap();
    let _u = batch.add(user.users().get_all_users()).unwrap();
    let _t = batch.add(user.application().get_timezone()).unwrap();
    let e = must_fail(
        "batch with an admin-only call",
        Duration::from_secs(10),
        batch.send(),
    )
    .await;
    match &e {
        Error::BatchRefused { calls: 3, source } => assert!(
            matches!(
                **source,
                Error::Auth {
                    status: Some(403),
                    failure: AuthFailure::Forbidden,
                    ..
                }
            ),
            "{source:?}"
        ),
        other => panic!("expected Error::BatchRefused, got {other:?}"),
    }
    assert!(e.is_auth() && !e.is_transient());
    // Alone, the same call is a plain 403.
    let e = must_fail(
        "admin-only call alone",
        Duration::from_secs(10),
        user.users().get_all_users().send(),
    )
    .await;
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
    // A wrong password: 401 for the batch too.
    let wrong = KanboardClient::builder(&kanboard.url)
        .user("faults-user", "not-the-password")
        .build()
        .unwrap();
    let mut batch = wrong.batch();
    let _v = batch.add(wrong.application().get_version()).unwrap();
    let e = must_fail(
        "batch with a wrong password",
        Duration::from_secs(10),
        batch.send(),
    )
    .await;
    assert!(
        matches!(&e, Error::BatchRefused { calls: 1, source } if matches!(**source, Error::Auth { status: Some(401), failure: AuthFailure::BadCredentials, .. })),
        "{e:?}"
    );
}

// ---- faults of the network, from a raw server ----

#[tokio::test]
async fn a_server_that_accepts_and_never_answers_times_out() {
    for (name, script) in [
        ("never reads", Script::AcceptOnly),
        ("reads, never answers", Script::Silent),
    ] {
        let server = raw_server::start(script).await;
        let kb = client(&server.http());
        let e = must_fail(name, TIMEOUT, kb.tasks().get_task(1).send()).await;
        assert!(e.is_timeout() && e.is_connection(), "{name}: {e:?}");
        assert!(
            e.to_string()
                .contains("no complete reply within the timeout"),
            "{e}"
        );
        let mut batch = kb.batch();
        let _ = batch.add(kb.application().get_version()).unwrap();
        let e = must_fail(&format!("{name}, batch"), TIMEOUT, batch.send()).await;
        assert!(e.is_timeout(), "{name}: {e:?}");
    }
}

#[tokio::test]
async fn a_reply_that_trickles_in_still_ends_at_the_timeout() {
    let server = raw_server::start(Script::Trickle).await;
    let kb = client(&server.http());
    let e = must_fail(
        "reply trickling a byte per 50 ms",
        TIMEOUT,
        kb.tasks().get_task(1).send(),
    )
    .await;
    assert!(e.is_timeout(), "{e:?}");
}

#[tokio::test]
async fn a_reply_cut_off_half_way() {
    let server = raw_server::start(Script::CutOff).await;
    let kb = client(&server.http());
    let e = must_fail("reply cut off", TIMEOUT, kb.tasks().get_task(1).send()).await;
    assert!(e.is_connection() && !e.is_timeout(), "{e:?}");
    assert!(e.to_string().contains("cut off"), "{e}");
    let mut batch = kb.batch();
    let _ = batch.add(kb.application().get_version()).unwrap();
    let e = must_fail("batch reply cut off", TIMEOUT, batch.send()).await;
    assert!(e.is_connection(), "{e:?}");
}

#[tokio::test]
async fn a_connection_dropped_without_a_reply() {
    let server = raw_server::start(Script::Close).await;
    let kb = client(&server.http());
    let e = must_fail(
        "connection closed after the request",
        TIMEOUT,
        kb.tasks().get_task(1).send(),
    )
    .await;
    assert!(e.is_connection() && !e.is_timeout(), "{e:?}");
    // A server that dies while a call waits for its reply.
    let server = raw_server::start(Script::Silent).await;
    let kb = client(&server.http());
    let call = tokio::spawn(async move { kb.tasks().get_task(1).send().await });
    while server.requests.load(std::sync::atomic::Ordering::SeqCst) == 0 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    drop(server);
    let e = must_fail("server gone while waiting", TIMEOUT, async {
        call.await.unwrap()
    })
    .await;
    assert!(e.is_connection(), "{e:?}");
}

#[tokio::test]
async fn a_500_with_an_empty_html_body_and_php_text_before_json() {
    let server = raw_server::start(Script::Raw {
        status: 500,
        content_type: "text/html; charset=UTF-8",
        body: Vec::new(),
    })
    .await;
    let kb = client(&server.http());
    let e = must_fail("500, empty HTML", TIMEOUT, kb.tasks().get_task(1).send()).await;
    assert!(matches!(e, Error::Server { status: 500, .. }), "{e:?}");

    let server = raw_server::start(Script::TextBefore(
        "array (\n  'title' => \n  array (\n    0 => 'Field required',\n  ),\n)",
        json!(false),
    ))
    .await;
    let kb = client(&server.http());
    let e = must_fail(
        "text before JSON",
        TIMEOUT,
        kb.tasks().create_task("", 1).send(),
    )
    .await;
    assert!(
        matches!(&e, Error::Rejected { detail: Some(d), .. } if d.contains("Field required")),
        "{e:?}"
    );
}

#[tokio::test]
async fn nothing_listening() {
    // A port that was just free: connection refused, at once.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let kb = client(&format!("http://127.0.0.1:{port}/jsonrpc.php"));
    let e = must_fail(
        "connection refused",
        TIMEOUT,
        kb.application().get_version().send(),
    )
    .await;
    assert!(e.is_connection() && !e.is_timeout(), "{e:?}");
}
