//! Hostile servers on loopback: redirects that would carry credentials or a request body to
//! another origin, replies with no end, endless uploads, and replies framed so that the client
//! would have to guess. Each is a typed error, and nothing reaches a server it was not meant for.
//! (Peak memory for large replies is measured in `tests/memory.rs`.)

mod raw_server;

use kanboard::{Error, FileContent, KanboardClient, SizeLimit};
use raw_server::{Script, Server};
use serde_json::json;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

fn client(url: &str) -> kanboard::ClientBuilder {
    KanboardClient::builder(url)
        .app_token("secret-token")
        .auth_header("X-API-Auth")
        .timeout(Duration::from_secs(5))
}

fn requests(s: &Server) -> usize {
    s.requests.load(Ordering::SeqCst)
}

async fn redirecting(status: u16, to: &str) -> Server {
    raw_server::start(Script::Redirect {
        status,
        location: to.into(),
    })
    .await
}

// ---- 1 and 3: redirects ----

#[tokio::test]
async fn a_redirect_to_another_origin_is_never_followed_and_names_the_location() {
    let elsewhere = raw_server::start(Script::Result(json!(7))).await;
    for status in [301, 302, 303, 307, 308] {
        let origin = redirecting(status, &elsewhere.http()).await;
        for follow in [false, true] {
            let kb = client(&origin.http())
                .follow_redirects(follow)
                .build()
                .unwrap();
            let e = kb
                .users()
                .create_user("mallory", "a-password-to-keep")
                .send()
                .await
                .unwrap_err();
            match &e {
                Error::Redirect {
                    status: got,
                    location: Some(location),
                    ..
                } => {
                    assert_eq!(*got, status);
                    assert_eq!(location, &elsewhere.http());
                }
                other => panic!(
                    "HTTP {status}, follow {follow}: expected a redirect error, got {other:?}"
                ),
            }
            assert!(e.to_string().contains(&elsewhere.http()), "{e}");
        }
        // One POST per call, and nothing at all, credentials or body, at the other origin.
        assert_eq!(requests(&origin), 2);
    }
    assert_eq!(requests(&elsewhere), 0);
}

#[tokio::test]
async fn a_get_turning_redirect_to_the_same_origin_is_not_followed() {
    for status in [301, 302, 303] {
        let server = redirecting(status, "/elsewhere/jsonrpc.php").await;
        let kb = client(&server.http())
            .follow_redirects(true)
            .build()
            .unwrap();
        let e = kb.application().get_version().send().await.unwrap_err();
        assert!(
            matches!(&e, Error::Redirect { status: s, location: Some(l), .. }
                if *s == status && l.ends_with("/elsewhere/jsonrpc.php")),
            "{e:?}"
        );
        assert!(e.to_string().contains("GET"), "{e}");
        assert_eq!(requests(&server), 1);
    }
}

#[tokio::test]
async fn a_redirect_loop_posts_once() {
    let server = redirecting(307, "http://{self}/jsonrpc.php").await;
    for follow in [false, true] {
        let kb = client(&server.http())
            .follow_redirects(follow)
            .build()
            .unwrap();
        let e = kb
            .tasks()
            .create_task("written once", 1)
            .send()
            .await
            .unwrap_err();
        assert!(matches!(e, Error::Redirect { status: 307, .. }), "{e:?}");
    }
    // Once per call: the loop is seen before the same write is posted again.
    assert_eq!(requests(&server), 2);
}

#[tokio::test]
async fn a_same_origin_307_is_followed_only_when_asked_with_its_body() {
    // Two servers cannot share an origin, so the redirect points at a path of its own server,
    // which answers the same redirect: followed once, then seen as a loop.
    let server = redirecting(307, "http://{self}/moved/jsonrpc.php").await;
    let kb = client(&server.http()).build().unwrap();
    assert!(matches!(
        kb.application().get_version().send().await,
        Err(Error::Redirect { .. })
    ));
    assert_eq!(requests(&server), 1);
    let kb = client(&server.http())
        .follow_redirects(true)
        .build()
        .unwrap();
    assert!(matches!(
        kb.application().get_version().send().await,
        Err(Error::Redirect { .. })
    ));
    // Followed once, with the body (the server reads the same request again).
    assert_eq!(requests(&server), 3);
    let bodies = server.body_bytes.load(Ordering::SeqCst);
    assert!(bodies > 0 && bodies % 3 == 0, "{bodies}");
}

#[tokio::test]
async fn credentials_in_a_location_are_not_shown() {
    let server = redirecting(307, "http://user:hunter2@127.0.0.1:9/jsonrpc.php").await;
    let kb = client(&server.http()).build().unwrap();
    let e = kb.application().get_version().send().await.unwrap_err();
    assert!(!e.to_string().contains("hunter2"), "{e}");
    assert!(!format!("{e:?}").contains("hunter2"), "{e:?}");
}

// ---- 2: replies without bounds ----

#[tokio::test]
async fn an_endless_reply_stops_at_the_limit() {
    let server = raw_server::start(Script::Endless).await;
    let kb = client(&server.http())
        .max_reply_size(Some(4 * 1024 * 1024))
        .build()
        .unwrap();
    let started = Instant::now();
    let e = kb.application().get_version().send().await.unwrap_err();
    assert!(
        matches!(
            e,
            Error::TooLarge {
                what: SizeLimit::Reply,
                limit: 4194304,
                size: None,
                ..
            }
        ),
        "{e:?}"
    );
    assert!(e.to_string().contains("max_reply_size"), "{e}");
    println!(
        "endless reply: {e} after {:.0} ms",
        started.elapsed().as_secs_f64() * 1e3
    );
}

#[tokio::test]
async fn a_declared_length_over_the_limit_fails_before_reading() {
    let server = raw_server::start(Script::Padded {
        len: 3 * 1024 * 1024,
        declared: true,
    })
    .await;
    let kb = client(&server.http())
        .max_reply_size(Some(1024 * 1024))
        .build()
        .unwrap();
    let e = kb.application().get_version().send().await.unwrap_err();
    assert!(
        matches!(e, Error::TooLarge { size: Some(s), .. } if s >= 3 * 1024 * 1024 - 64),
        "{e:?}"
    );
    // Under the limit, the same reply is read whole, and so it is with no limit at all.
    for limit in [Some(8 * 1024 * 1024), None] {
        let kb = client(&server.http())
            .max_reply_size(limit)
            .build()
            .unwrap();
        let version = kb.application().get_version().send().await.unwrap();
        assert!(version.len() > 3 * 1024 * 1024 - 64);
    }
}

// ---- 4: uploads from endless input ----

#[tokio::test]
async fn an_upload_from_endless_input_stops_at_the_limit_and_sends_nothing() {
    let server = raw_server::start(Script::Result(json!(1))).await;
    let kb = client(&server.http())
        .max_upload_size(Some(8 * 1024 * 1024))
        .build()
        .unwrap();
    let started = Instant::now();
    let e = kb
        .task_files()
        .create_task_file(1, 1, "zero.bin", FileContent::path("/dev/zero"))
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(
            e,
            Error::TooLarge {
                what: SizeLimit::Upload,
                ..
            }
        ),
        "{e:?}"
    );
    assert_eq!(requests(&server), 0);
    println!(
        "upload from /dev/zero: {e} after {:.0} ms",
        started.elapsed().as_secs_f64() * 1e3
    );
}

#[tokio::test]
async fn a_regular_file_over_the_limit_is_refused_before_reading() {
    let dir = tempdir("over-limit");
    let path = dir.join("big.bin");
    std::fs::write(&path, vec![7u8; 2 * 1024 * 1024]).unwrap();
    let server = raw_server::start(Script::Result(json!(1))).await;
    let kb = client(&server.http())
        .max_upload_size(Some(1024 * 1024))
        .build()
        .unwrap();
    let e = kb
        .project_files()
        .create_project_file(1, "big.bin", FileContent::path(&path))
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(
            e,
            Error::TooLarge {
                size: Some(2097152),
                ..
            }
        ),
        "{e:?}"
    );
    assert_eq!(requests(&server), 0);
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test]
async fn input_that_never_ends_is_stopped_by_the_timeout_and_by_cancellation() {
    let dir = tempdir("fifo");
    let fifo = dir.join("input");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    // A writer that opens the pipe and then neither writes nor closes it.
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            let f = std::fs::OpenOptions::new().write(true).open(fifo).unwrap();
            std::thread::sleep(Duration::from_secs(4));
            drop(f);
        })
    };
    let server = raw_server::start(Script::Result(json!(1))).await;
    let kb = client(&server.http())
        .timeout(Duration::from_millis(500))
        .build()
        .unwrap();
    let started = Instant::now();
    let e = kb
        .task_files()
        .create_task_file(1, 1, "pipe", FileContent::path(&fifo))
        .send()
        .await
        .unwrap_err();
    let took = started.elapsed();
    assert!(matches!(e, Error::Input { .. }), "{e:?}");
    assert!(e.to_string().contains("timeout"), "{e}");
    assert!(took < Duration::from_secs(3), "{took:?}");

    // The caller's own timeout (cancellation) ends it too, well before the client's.
    let kb = client(&server.http())
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let started = Instant::now();
    let call = kb
        .task_files()
        .create_task_file(1, 1, "pipe", FileContent::path(&fifo))
        .send();
    assert!(
        tokio::time::timeout(Duration::from_millis(300), call)
            .await
            .is_err()
    );
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(requests(&server), 0);
    writer.join().unwrap();
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test]
async fn a_streamed_upload_to_a_server_that_does_not_read_is_cancelled() {
    let dir = tempdir("stalled");
    let path = dir.join("big.bin");
    std::fs::write(&path, vec![1u8; 24 * 1024 * 1024]).unwrap();
    let server = raw_server::start(Script::AcceptOnly).await;
    let kb = client(&server.http())
        .timeout(Duration::from_millis(700))
        .build()
        .unwrap();
    let started = Instant::now();
    let e = kb
        .task_files()
        .create_task_file(1, 1, "big.bin", FileContent::path(&path))
        .send()
        .await
        .unwrap_err();
    assert!(e.is_timeout(), "{e:?}");
    assert!(started.elapsed() < Duration::from_secs(3));
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test]
async fn a_streamed_upload_arrives_whole_with_its_length() {
    let dir = tempdir("whole");
    let path = dir.join("data.bin");
    let data: Vec<u8> = (0..1_000_001u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(&path, &data).unwrap();
    let server = raw_server::start(Script::Result(json!(9))).await;
    let kb = client(&server.http()).build().unwrap();
    let id = kb
        .task_files()
        .create_task_file(1, 2, "data.bin", FileContent::path(&path))
        .send()
        .await
        .unwrap();
    assert_eq!(id, 9);
    // The body the server read (by Content-Length) holds the whole base64 text.
    let encoded = data.len().div_ceil(3) * 4;
    let body = server.body_bytes.load(Ordering::SeqCst);
    assert!(
        body > encoded && body < encoded + 200,
        "{body} vs {encoded}"
    );
    std::fs::remove_dir_all(dir).ok();
}

// ---- 8: framing ----

async fn raw(body: &str) -> Server {
    raw_server::start(Script::Raw {
        status: 200,
        content_type: "application/json",
        body: body.as_bytes().to_vec(),
    })
    .await
}

#[tokio::test]
async fn two_replies_back_to_back_are_an_error() {
    for body in [
        r#"{"jsonrpc":"2.0","result":"1.2.53","id":1}{"jsonrpc":"2.0","result":"6.6.6","id":1}"#,
        r#"array ( ){"jsonrpc":"2.0","result":"1.2.53","id":1}{"jsonrpc":"2.0","result":"6.6.6","id":1}"#,
    ] {
        let server = raw(body).await;
        let kb = client(&server.http()).build().unwrap();
        let e = kb.application().get_version().send().await.unwrap_err();
        assert!(
            matches!(&e, Error::Response { reason, .. } if reason.contains("more than one")),
            "{e:?}"
        );
    }
    // Text before one reply is still survived.
    let server = raw(r#"array ( ){"jsonrpc":"2.0","result":"1.2.53","id":1}"#).await;
    let kb = client(&server.http()).build().unwrap();
    assert_eq!(
        kb.application().get_version().send().await.unwrap(),
        "1.2.53"
    );
}

async fn batch_of_two(body: &str) -> kanboard::Result<kanboard::BatchResults> {
    let server = raw(body).await;
    let kb = client(&server.http()).build().unwrap();
    let mut batch = kb.batch();
    let _ = batch.add(kb.application().get_version()).unwrap();
    let _ = batch.add(kb.application().get_timezone()).unwrap();
    batch.send().await
}

#[tokio::test]
async fn a_batch_reply_with_a_duplicated_unknown_or_missing_id_is_an_error() {
    let cases = [
        (
            r#"[{"jsonrpc":"2.0","result":"1.2.53","id":1},{"jsonrpc":"2.0","result":"UTC","id":1}]"#,
            "twice",
        ),
        (
            r#"[{"jsonrpc":"2.0","result":"1.2.53","id":1},{"jsonrpc":"2.0","result":"UTC","id":7}]"#,
            "did not send",
        ),
        (
            r#"[{"jsonrpc":"2.0","result":"1.2.53","id":1}]"#,
            "2 calls and the reply has 1",
        ),
        (
            r#"[{"jsonrpc":"2.0","result":"1.2.53","id":1},{"jsonrpc":"2.0","result":"UTC","id":2},{"jsonrpc":"2.0","result":"x","id":2}]"#,
            "2 calls and the reply has 3",
        ),
    ];
    for (body, says) in cases {
        match batch_of_two(body).await {
            Err(Error::Response { reason, .. }) => assert!(reason.contains(says), "{reason}"),
            Err(other) => panic!("{body}: expected a framing error, got {other:?}"),
            Ok(_) => panic!("{body}: expected a framing error, got results"),
        }
    }
    // Reordered replies are still fine.
    let mut results = batch_of_two(
        r#"[{"jsonrpc":"2.0","result":"UTC","id":2},{"jsonrpc":"2.0","result":"1.2.53","id":1}]"#,
    )
    .await
    .unwrap();
    assert_eq!(results.counts(), (2, 0));
    let _ = &mut results;
}

fn tempdir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "kanboard-hostile-{name}-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
