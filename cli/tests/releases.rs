//! The server's Kanboard release on the command line: an option newer than the server is a
//! one-line error with a hint and nothing is sent; `config test` says whether the release is
//! supported and what calls are checked against.

mod common;

use common::{answer, kanboard, one_error_line, received, url};
use serde_json::json;
use wiremock::MockServer;

#[tokio::test(flavor = "multi_thread")]
async fn an_option_newer_than_the_server_is_refused_with_a_hint() {
    let home = tempfile::tempdir().unwrap();
    let server = MockServer::start().await;
    answer(&server, "getVersion", json!("1.2.36")).await;
    answer(&server, "createProject", json!(3)).await;
    let u = url(&server);
    let out = kanboard(home.path())
        .args(["--url", &u, "--token", "t"])
        .args([
            "api",
            "projects",
            "create-project",
            "x",
            "--email",
            "a@example.org",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let line = one_error_line(&out.stderr);
    assert!(
        line.contains("`email` needs Kanboard 1.2.45 and later; the server runs 1.2.36")
            && line.contains("hint: leave that option out"),
        "{line}"
    );
    let methods: Vec<_> = received(&server)
        .await
        .iter()
        .map(|b| b["method"].clone())
        .collect();
    assert_eq!(methods, [json!("getVersion")], "createProject was sent");
    // `--kanboard-version off` sends it as asked, without asking the release.
    let out = kanboard(home.path())
        .args(["--url", &u, "--token", "t", "--kanboard-version", "off"])
        .args([
            "api",
            "projects",
            "create-project",
            "x",
            "--email",
            "a@example.org",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(received(&server).await.len(), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn config_test_says_whether_the_release_is_supported() {
    let home = tempfile::tempdir().unwrap();
    for (version, says) in [
        ("1.2.36", "yes (1.2.20 to 1.2.53)"),
        ("1.2.19", "no: older than 1.2.20"),
        ("1.2.60", "newer than 1.2.53"),
        ("main.abc", "unknown: not a release number"),
    ] {
        let server = MockServer::start().await;
        answer(&server, "getVersion", json!(version)).await;
        let out = kanboard(home.path())
            .args(["--url", &url(&server), "--token", "t", "-o", "json"])
            .args(["config", "test"])
            .output()
            .unwrap();
        assert!(out.status.success());
        let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let supported = rows
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["key"] == "supported")
            .unwrap()["value"]
            .as_str()
            .unwrap()
            .to_owned();
        assert!(supported.starts_with(says), "{version}: {supported}");
    }
}
