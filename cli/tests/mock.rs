//! The binary against a mock Kanboard: what it sends, what it prints in each format, and how it
//! fails (exit codes and one-line errors).

mod common;

use common::*;
use serde_json::json;
use wiremock::MockServer;

fn dir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

async fn with_tasks() -> MockServer {
    let server = MockServer::start().await;
    // The table names the tasks' columns and swimlanes from the project's lists.
    answer_each(
        &server,
        vec![
            ("getAllTasks", tasks()),
            ("getColumns", recorded_result("getColumns")),
            ("getAllSwimlanes", recorded_result("getAllSwimlanes")),
        ],
    )
    .await;
    server
}

fn run_format(home: &std::path::Path, url: &str, format: &str) -> String {
    let out = kanboard(home)
        .args([
            "--url", url, "--token", "t0ken", "-o", format, "task", "list", "1",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn each_output_format() {
    let server = with_tasks().await;
    let home = dir();
    let url = url(&server);
    insta::assert_snapshot!("task_list_table", run_format(home.path(), &url, "table"));
    insta::assert_snapshot!("task_list_json", run_format(home.path(), &url, "json"));
    insta::assert_snapshot!("task_list_csv", run_format(home.path(), &url, "csv"));
    insta::assert_snapshot!("task_list_quiet", run_format(home.path(), &url, "quiet"));
    // The compat command and the generated one send the same call.
    let calls = received(&server).await;
    assert_eq!(calls[0]["params"], json!({"project_id": 1, "status_id": 1}));
}

#[tokio::test(flavor = "multi_thread")]
async fn output_format_from_env_and_profile_is_honoured() {
    let server = with_tasks().await;
    let home = dir();
    let cfg = home.path().join(".config/kanboard");
    std::fs::create_dir_all(&cfg).unwrap();
    std::fs::write(
        cfg.join("config.toml"),
        format!(
            "[profiles.default]\nurl = \"{}\"\ntoken = \"t\"\noutput_format = \"quiet\"\n",
            url(&server)
        ),
    )
    .unwrap();
    let out = kanboard(home.path())
        .args(["task", "list", "1"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap(), "1\n2\n");
    let out = kanboard(home.path())
        .env("KANBOARD_OUTPUT_FORMAT", "csv")
        .args(["--columns", "id,title", "task", "list", "1"])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "id,title\n1,Write docs\n2,\"Ship, \"\"soon\"\"\"\n"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn kanboard_cli_task_create_maps_its_options() {
    let server = MockServer::start().await;
    answer(&server, "createTask", json!(42)).await;
    let home = dir();
    let out = kanboard(home.path())
        .args([
            "--url",
            &url(&server),
            "--token",
            "t",
            "task",
            "create",
            "1",
            "Title",
        ])
        .args([
            "--due",
            "2026-12-31",
            "--tag",
            "bug",
            "--tag",
            "ui",
            "--color",
            "red",
            "-d",
            "text",
        ])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "✓ Task #42 created.\n"
    );
    let calls = received(&server).await;
    assert_eq!(
        calls[0]["params"],
        json!({"project_id": 1, "title": "Title", "date_due": "2026-12-31", "description": "text",
               "color_id": "red", "tags": ["bug", "ui"]})
    );
    // Generated form, quiet: just the id.
    let out = kanboard(home.path())
        .args([
            "--url",
            &url(&server),
            "--token",
            "t",
            "-o",
            "quiet",
            "api",
            "tasks",
            "create-task",
            "T",
            "1",
        ])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap(), "42\n");
}

#[tokio::test(flavor = "multi_thread")]
async fn typed_parameters_from_the_schema() {
    let server = MockServer::start().await;
    answer(&server, "saveProjectMetadata", json!(true)).await;
    answer(&server, "addTaskToMilestone", json!(true)).await;
    answer(&server, "getProjectActivities", json!([])).await;
    let home = dir();
    let base = [
        "--url".to_owned(),
        url(&server),
        "--token".into(),
        "t".into(),
    ];
    let ok = |args: &[&str]| {
        let out = kanboard(home.path())
            .args(&base)
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    ok(&[
        "api",
        "project-metadata",
        "save-project-metadata",
        "3",
        "--values",
        "a=1",
        "--values",
        "b=x=y",
    ]);
    ok(&[
        "api",
        "milestones",
        "add-task-to-milestone",
        "5",
        "6",
        "--is-critical",
    ]);
    ok(&["api", "projects", "get-project-activities", "1", "2"]);
    let calls = received(&server).await;
    assert_eq!(
        calls[0]["params"],
        json!({"project_id": 3, "values": {"a": "1", "b": "x=y"}})
    );
    assert_eq!(
        calls[1]["params"],
        json!({"milestone_id": 5, "task_id": 6, "is_critical": true})
    );
    assert_eq!(calls[2]["params"], json!({"project_ids": [1, 2]}));
    // A value of the wrong type never reaches the server.
    let out = kanboard(home.path())
        .args(&base)
        .args(["api", "tasks", "get-task", "abc"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(received(&server).await.len(), 3);
}

#[tokio::test(flavor = "multi_thread")]
async fn removals_ask_unless_yes() {
    let server = MockServer::start().await;
    answer(&server, "removeTask", json!(true)).await;
    let home = dir();
    let u = url(&server);
    let out = kanboard(home.path())
        .args(["--url", &u, "--token", "t", "task", "remove", "7"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    one_error_line(&out.stderr);
    let out = kanboard(home.path())
        .args(["--url", &u, "--token", "t", "task", "remove", "7"])
        .write_stdin("n\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        received(&server).await.is_empty(),
        "nothing sent before confirmation"
    );
    let out = kanboard(home.path())
        .args(["--url", &u, "--token", "t", "task", "remove", "7", "--yes"])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "✓ Task #7 removed.\n"
    );
    let out = kanboard(home.path())
        .args([
            "--url",
            &u,
            "--token",
            "t",
            "api",
            "tasks",
            "remove-task",
            "7",
        ])
        .write_stdin("y\n")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(received(&server).await.len(), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn failures_have_distinct_exit_codes_and_one_line() {
    let server = MockServer::start().await;
    answer(&server, "getTask", serde_json::Value::Null).await;
    answer_error(&server, "getAllPortfolios", -32601, "Method not found").await;
    answer(&server, "createCategory", json!(false)).await;
    wiremock::Mock::given(wiremock::matchers::body_partial_json(
        json!({"method": "getVersion"}),
    ))
    .respond_with(wiremock::ResponseTemplate::new(401))
    .mount(&server)
    .await;
    let home = dir();
    let u = url(&server);
    let case = |args: &[&str], code: i32, needle: &str| {
        let out = kanboard(home.path())
            .args(["--url", &u, "--token", "t"])
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(code), "{args:?}");
        let line = one_error_line(&out.stderr);
        assert!(line.contains(needle), "{line}");
    };
    case(&["task", "get", "9"], 5, "task_id=9");
    case(
        &["api", "portfolios", "get-all-portfolios"],
        7,
        "install the `portfolio` plugin",
    );
    case(&["category", "create", "1", "Dup"], 7, "refused");
    case(&["app", "version"], 4, "KANBOARD_TOKEN");
    // A user-only method with the app token is refused without a request.
    let before = received(&server).await.len();
    case(&["me"], 4, "--auth-mode user");
    assert_eq!(received(&server).await.len(), before);
}

#[test]
fn server_down_is_one_line_exit_6() {
    // A port nothing listens on: bind one, then free it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let home = dir();
    let out = kanboard(home.path())
        .args([
            "--url",
            &format!("http://127.0.0.1:{port}/jsonrpc.php"),
            "--token",
            "t",
            "task",
            "list",
            "1",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(6));
    let line = one_error_line(&out.stderr);
    assert!(
        line.contains("cannot reach Kanboard") && line.contains("--url"),
        "{line}"
    );
}

#[test]
fn no_config_at_all_is_one_line_exit_3() {
    let home = dir();
    for args in [&["task", "list", "1"][..], &["config", "test"], &["me"]] {
        let out = kanboard(home.path()).args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(3), "{args:?}");
        let line = one_error_line(&out.stderr);
        assert!(
            line.contains("--url") && line.contains("KANBOARD_URL") && line.contains("config init"),
            "{line}"
        );
    }
    // Commands that need no server work without a config.
    kanboard(home.path())
        .args(["config", "path"])
        .assert()
        .success();
    kanboard(home.path())
        .args(["config", "show"])
        .assert()
        .success();
    kanboard(home.path())
        .args(["completion", "bash"])
        .assert()
        .success();
}

#[test]
fn usage_errors_exit_2() {
    let home = dir();
    let out = kanboard(home.path())
        .args(["task", "create"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = kanboard(home.path()).args(["nonsense"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[tokio::test(flavor = "multi_thread")]
async fn config_init_writes_a_private_file_and_show_masks_the_token() {
    let server = MockServer::start().await;
    answer(&server, "getVersion", json!("1.2.53")).await;
    let home = dir();
    let u = url(&server);
    kanboard(home.path())
        .args([
            "--url",
            &u,
            "--token",
            "secret-token-abcd",
            "config",
            "init",
        ])
        .assert()
        .success();
    let path = home.path().join(".config/kanboard/config.toml");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    // A second init of the same profile needs --force.
    let out = kanboard(home.path())
        .args(["--url", &u, "--token", "x", "config", "init"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let out = kanboard(home.path())
        .args(["-o", "json", "config", "show"])
        .output()
        .unwrap();
    let shown = String::from_utf8(out.stdout).unwrap();
    assert!(
        shown.contains("****abcd") && !shown.contains("secret-token"),
        "{shown}"
    );
    let out = kanboard(home.path())
        .args(["-o", "csv", "config", "test"])
        .output()
        .unwrap();
    assert!(
        String::from_utf8(out.stdout)
            .unwrap()
            .contains("server_version,1.2.53")
    );
    let out = kanboard(home.path())
        .args(["-o", "quiet", "config", "profiles"])
        .output()
        .unwrap();
    assert!(out.status.success());
}

#[tokio::test(flavor = "multi_thread")]
async fn raw_call_types_schema_params_and_passes_others_through() {
    let server = MockServer::start().await;
    answer(&server, "getTask", tasks()[0].clone()).await;
    answer(&server, "myPluginMethod", json!({"anything": [1, 2]})).await;
    let home = dir();
    let u = url(&server);
    let out = kanboard(home.path())
        .args([
            "--url",
            &u,
            "--token",
            "t",
            "-o",
            "json",
            "call",
            "getTask",
            "--param",
            "task_id=1",
        ])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["id"], json!(1), "typed decoding turns \"1\" into 1");
    assert_eq!(v["is_active"], json!(true));
    let out = kanboard(home.path())
        .args([
            "--url",
            &u,
            "--token",
            "t",
            "-o",
            "json",
            "call",
            "myPluginMethod",
            "-p",
            "n=3",
            "-p",
            "s=x",
        ])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v, json!({"anything": [1, 2]}));
    let calls = received(&server).await;
    assert_eq!(calls[0]["params"], json!({"task_id": 1}));
    assert_eq!(calls[1]["params"], json!({"n": 3, "s": "x"}));
    let out = kanboard(home.path())
        .args([
            "--url",
            &u,
            "--token",
            "t",
            "call",
            "getTask",
            "--param",
            "task_id=x",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn completion_scripts_cover_generated_commands() {
    let home = dir();
    for shell in ["bash", "zsh", "fish"] {
        let out = kanboard(home.path())
            .args(["completion", shell])
            .output()
            .unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(
            text.contains("get-all-tasks") && text.contains("project-access"),
            "{shell}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn downloaded_bytes_print_as_base64_text_in_json() {
    let server = MockServer::start().await;
    answer(&server, "downloadTaskFile", json!("aGVsbG8K")).await;
    let home = dir();
    let out = kanboard(home.path())
        .args(["--url", &server.uri(), "--token", "t", "-o", "json"])
        .args(["api", "task-files", "download-task-file", "1"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // The server's own form (base64), not a list of numbers.
    assert_eq!(printed, json!("aGVsbG8K"));
}
