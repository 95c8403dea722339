//! What users hit first: bad dates refused before sending, output into a closed or full pipe,
//! `config init` options after its name, a URL that points at a web page, `--columns` with an
//! unknown name, downloads to standard output.

mod common;

use common::{answer, kanboard, received, tasks, url};
use serde_json::json;
use wiremock::MockServer;
use wiremock::matchers::method;
use wiremock::{Mock, ResponseTemplate};

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn an_impossible_date_is_a_usage_error_naming_the_option_and_nothing_is_sent() {
    let home = tempfile::tempdir().unwrap();
    let server = MockServer::start().await;
    answer(&server, "createTask", json!(5)).await;
    let u = url(&server);
    for args in [
        vec!["task", "create", "1", "x", "--due", "2026-13-45"],
        vec![
            "api",
            "tasks",
            "create-task",
            "x",
            "1",
            "--date-due",
            "2026-02-28 25:00",
        ],
    ] {
        let out = kanboard(home.path())
            .args(["--url", &u, "--token", "t"])
            .args(&args)
            .output()
            .unwrap();
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("--due") || err.contains("--date-due"), "{err}");
        assert!(err.contains("is not a date"), "{err}");
    }
    assert!(
        received(&server).await.is_empty(),
        "a refused date was sent"
    );
    // The server's own formats still go through.
    let out = kanboard(home.path())
        .args(["--url", &u, "--token", "t", "-o", "quiet"])
        .args(["task", "create", "1", "x", "--due", "12/31/2026"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
}

#[test]
fn a_closed_or_full_stdout_is_not_a_panic() {
    let home = tempfile::tempdir().unwrap();
    // `| head -1`: the reader goes away; the command ends quietly.
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("kanboard"))
        .args(["completion", "bash"])
        .env("HOME", home.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let err = text(&out.stderr);
    assert!(!err.contains("internal error"), "{err}");
    assert!(out.status.success(), "{err}");
    // `>/dev/full`: a clear error, not a panic.
    for args in [vec!["config", "path"], vec!["completion", "bash"]] {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("kanboard"))
            .args(&args)
            .env("HOME", home.path())
            .stdout(full)
            .output()
            .unwrap();
        let err = text(&out.stderr);
        assert!(!err.contains("internal error"), "{args:?}: {err}");
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(err.contains("cannot write the output"), "{err}");
    }
}

#[test]
fn config_init_takes_its_options_after_its_name() {
    let home = tempfile::tempdir().unwrap();
    let out = kanboard(home.path())
        .args(["config", "init", "--url", "http://kb.example/jsonrpc.php"])
        .args(["--token", "secret-token", "--profile", "work"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let written =
        std::fs::read_to_string(home.path().join(".config/kanboard/config.toml")).unwrap();
    assert!(written.contains("[profiles.work]"), "{written}");
    assert!(
        written.contains("http://kb.example/jsonrpc.php"),
        "{written}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_web_page_instead_of_json_rpc_says_to_give_the_endpoint() {
    let home = tempfile::tempdir().unwrap();
    let server = MockServer::start().await;
    let page = format!(
        "<!DOCTYPE html><html><head><title>Login</title></head><body>{}</body></html>",
        "x".repeat(9000)
    );
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_string(page))
        .mount(&server)
        .await;
    let out = kanboard(home.path())
        .args(["--url", &server.uri(), "--token", "t", "app", "version"])
        .output()
        .unwrap();
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(7), "{err}");
    assert!(
        err.contains("hint: the server answered with a web page"),
        "{err}"
    );
    assert!(err.contains("/jsonrpc.php"), "{err}");
    assert!(
        err.len() < 1200,
        "the page is not quoted whole: {} bytes",
        err.len()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unknown_column_is_a_usage_error_naming_the_fields() {
    let home = tempfile::tempdir().unwrap();
    let server = MockServer::start().await;
    answer(&server, "getAllTasks", tasks()).await;
    let u = url(&server);
    let out = kanboard(home.path())
        .args(["--url", &u, "--token", "t", "--columns", "id,titel"])
        .args(["task", "list", "1"])
        .output()
        .unwrap();
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("no field named titel"), "{err}");
    assert!(err.contains("title"), "the known fields are named: {err}");
    let out = kanboard(home.path())
        .args([
            "--url",
            &u,
            "--token",
            "t",
            "--columns",
            "id,title",
            "-o",
            "csv",
        ])
        .args(["task", "list", "1"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).starts_with("id,title\n"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_download_to_dash_goes_to_standard_output() {
    let home = tempfile::tempdir().unwrap();
    let server = MockServer::start().await;
    answer(&server, "downloadTaskFile", json!("aGVsbG8=")).await;
    let out = kanboard(home.path())
        .current_dir(home.path())
        .args(["--url", &url(&server), "--token", "t"])
        .args(["task-file", "download", "1", "--output", "-"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(out.stdout, b"hello");
    assert!(
        !home.path().join("-").exists(),
        "a file named - was written"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn schema_drift_that_could_check_nothing_exits_9_not_8() {
    let home = tempfile::tempdir().unwrap();
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(kanboard_test_support::Echo(json!(true)))
        .mount(&server)
        .await;
    let out = kanboard(home.path())
        .args(["--url", &url(&server), "--token", "t", "schema", "drift"])
        .output()
        .unwrap();
    let (stdout, err) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(9), "{err}");
    assert!(
        stdout
            .lines()
            .nth(1)
            .is_some_and(|l| l.starts_with("COULD NOT CHECK")),
        "{stdout}"
    );
    assert!(!stdout.contains("no drift"), "{stdout}");
    assert!(err.contains("no verdict"), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_custom_credentials_header_is_sent_from_flag_env_or_profile() {
    let home = tempfile::tempdir().unwrap();
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(wiremock::matchers::header_exists("x-api-auth"))
        .respond_with(kanboard_test_support::Echo(json!("1.2.53")))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    let u = url(&server);
    let flag = kanboard(home.path())
        .args([
            "--url",
            &u,
            "--token",
            "t",
            "--auth-header",
            "X-API-Auth",
            "app",
            "version",
        ])
        .output()
        .unwrap();
    assert!(flag.status.success(), "{}", text(&flag.stderr));
    let env = kanboard(home.path())
        .env("KANBOARD_AUTH_HEADER", "X-API-Auth")
        .args(["--url", &u, "--token", "t", "app", "version"])
        .output()
        .unwrap();
    assert!(env.status.success(), "{}", text(&env.stderr));
    for req in received(&server).await {
        assert!(req.get("method").is_some());
    }
    // Without it the server refuses (401 here), and a bad name is a config error.
    let none = kanboard(home.path())
        .args(["--url", &u, "--token", "t", "app", "version"])
        .output()
        .unwrap();
    assert_eq!(none.status.code(), Some(4), "{}", text(&none.stderr));
    let bad = kanboard(home.path())
        .args([
            "--url",
            &u,
            "--token",
            "t",
            "--auth-header",
            "not a header",
            "app",
            "version",
        ])
        .output()
        .unwrap();
    let err = text(&bad.stderr);
    assert_eq!(bad.status.code(), Some(3), "{err}");
    assert!(err.contains("--auth-header"), "{err}");
}

#[test]
fn taking_out_a_task_that_is_not_in_the_milestone_is_not_found() {
    let home = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| kanboard(home.path()).args(args).output().unwrap();
    assert!(run(&["portfolio", "create", "launch"]).status.success());
    let made = run(&["milestone", "create", "launch", "Beta"]);
    assert!(made.status.success(), "{}", text(&made.stderr));
    let out = run(&["milestone", "remove-task", "launch", "Beta", "99", "--yes"]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(5), "{err}");
    assert!(err.contains("task #99 is not in milestone 'Beta'"), "{err}");
    assert!(
        !text(&out.stdout).contains("removed"),
        "{}",
        text(&out.stdout)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn long_cells_show_whole_on_a_wide_terminal_and_comments_show_their_text() {
    let home = tempfile::tempdir().unwrap();
    let server = MockServer::start().await;
    let class = r"\Kanboard\Action\TaskAssignCategorySwimlaneChange";
    answer(
        &server,
        "getAvailableActions",
        json!({class: "Assign automatically a category based on a change of swimlane"}),
    )
    .await;
    answer(
        &server,
        "getAllComments",
        json!([common::full(
            "getAllComments",
            json!({"id": 3, "comment": "Looks good to me"})
        )]),
    )
    .await;
    let u = url(&server);
    let wide = kanboard(home.path())
        .env("COLUMNS", "300")
        .args(["--url", &u, "--token", "t", "action", "available"])
        .output()
        .unwrap();
    assert!(wide.status.success(), "{}", text(&wide.stderr));
    assert!(text(&wide.stdout).contains(class), "{}", text(&wide.stdout));
    for width in ["80", "120"] {
        let out = kanboard(home.path())
            .env("COLUMNS", width)
            .args(["--url", &u, "--token", "t", "comment", "list", "1"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
        assert!(
            text(&out.stdout).contains("Looks good to me"),
            "at {width} columns: {}",
            text(&out.stdout)
        );
    }
}
