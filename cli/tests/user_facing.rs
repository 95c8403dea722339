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

#[tokio::test(flavor = "multi_thread")]
async fn a_refusal_says_why_and_a_missing_task_is_not_found() {
    let home = tempfile::tempdir().unwrap();
    let server = MockServer::start().await;
    answer(&server, "closeTask", json!(false)).await;
    answer(&server, "createCategory", json!(false)).await;
    answer(&server, "addSwimlane", json!(false)).await;
    let u = url(&server);
    let run = |args: &[&str]| {
        kanboard(home.path())
            .args(["--url", &u, "--token", "t"])
            .args(args)
            .output()
            .unwrap()
    };
    // closeTask answers false only for a task that does not exist: "not found", exit 5.
    let out = run(&["task", "close", "99999"]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(5), "{err}");
    assert!(err.contains("task_id=99999"), "{err}");
    // A duplicate name: still a refusal (exit 7), now with the server's documented reasons.
    for (args, reason) in [
        (
            vec!["category", "create", "1", "A"],
            "a name already used in the project",
        ),
        (
            vec!["swimlane", "add", "1", "Default swimlane"],
            "a name already used in the project",
        ),
    ] {
        let out = run(&args);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(7), "{args:?}: {err}");
        assert!(err.contains(reason), "{args:?}: {err}");
    }
}

/// The column names of a table.
fn header(stdout: &[u8]) -> Vec<String> {
    let t = text(stdout);
    let first = t.lines().next().unwrap_or_default();
    first.split_whitespace().map(str::to_owned).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_list_keeps_its_columns_whatever_the_data_and_an_empty_one_shows_them() {
    let home = tempfile::tempdir().unwrap();
    let list = |server: &MockServer| {
        let u = url(server);
        // Wide enough for every column: which ones fit a narrow terminal is another matter.
        kanboard(home.path())
            .env("COLUMNS", "200")
            .args(["--url", &u, "--token", "t", "task", "list", "1"])
            .output()
            .unwrap()
    };
    let full_tasks = MockServer::start().await;
    answer(&full_tasks, "getAllTasks", tasks()).await;
    // The same tasks with every optional value empty (no due date, no assignee, priority 0).
    let mut bare = tasks();
    for t in bare.as_array_mut().unwrap() {
        for k in ["date_due", "owner_id", "priority"] {
            t[k] = json!("0");
        }
    }
    let bare_tasks = MockServer::start().await;
    answer(&bare_tasks, "getAllTasks", bare).await;
    let none = MockServer::start().await;
    answer(&none, "getAllTasks", json!([])).await;

    let (a, b, c) = (list(&full_tasks), list(&bare_tasks), list(&none));
    for out in [&a, &b, &c] {
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    let first = header(&a.stdout);
    for col in ["id", "title", "owner_id", "date_due", "priority"] {
        assert!(first.iter().any(|c| c == col), "{first:?}");
    }
    assert_eq!(header(&b.stdout), first, "columns changed with the data");
    // Nothing to list: the table's columns and no row.
    assert_eq!(header(&c.stdout), first);
    assert_eq!(text(&c.stdout).lines().count(), 1, "{}", text(&c.stdout));
}

#[tokio::test(flavor = "multi_thread")]
async fn verbose_logs_into_a_redirected_stderr_carry_no_colour_codes() {
    let home = tempfile::tempdir().unwrap();
    let server = MockServer::start().await;
    answer(&server, "getAllTasks", tasks()).await;
    let u = url(&server);
    let out = kanboard(home.path())
        .args(["--url", &u, "--token", "t", "-v", "task", "list", "1"])
        .output()
        .unwrap();
    let err = text(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("getAllTasks"), "no log line: {err}");
    assert!(!err.contains('\u{1b}'), "escape codes in {err:?}");
}

#[test]
fn enum_options_complete_to_their_values_not_to_file_names() {
    let home = tempfile::tempdir().unwrap();
    let out = kanboard(home.path())
        .args(["completion", "bash"])
        .output()
        .unwrap();
    let script = text(&out.stdout);
    for opt in ["--color)", "--role)"] {
        let at = script.find(opt).unwrap_or_else(|| panic!("no {opt}"));
        let case = &script[at..at + 200];
        assert!(case.contains("compgen -W"), "{opt}: {case}");
        assert!(!case.contains("compgen -f"), "{opt}: {case}");
    }
    assert!(script.contains("deep_orange") && script.contains("app-manager"));
}

#[test]
fn help_and_prompts_speak_of_kanboard_not_of_rust_or_rpc_names() {
    let home = tempfile::tempdir().unwrap();
    let out = kanboard(home.path())
        .args(["task-link", "list", "--help"])
        .output()
        .unwrap();
    let help = text(&out.stdout);
    assert!(help.contains("The links of a task"), "{help}");
    assert!(!help.contains("LinkedTask"), "{help}");
    // The removal prompt, as it is refused with no standard input.
    let out = kanboard(home.path())
        .args(["--url", "http://127.0.0.1:9/jsonrpc.php", "--token", "t"])
        .args(["task", "remove", "12"])
        .output()
        .unwrap();
    let err = text(&out.stderr);
    assert!(err.contains("Remove task #12?"), "{err}");
    assert!(
        !err.contains("removeTask") && !err.contains("task_id="),
        "{err}"
    );
}

/// `schema compare`: the static check, without a server. The schema is taken for each
/// manifest's release; a manifest whose release is misstated shows the parameters that
/// release should not have.
#[test]
fn schema_compare_takes_the_manifest_s_release() {
    let home = tempfile::tempdir().unwrap();
    let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures");
    let old = format!("{fixtures}/manifests/kanboard-1.2.36.json");
    let out = kanboard(home.path())
        .args(["schema", "compare", &old])
        .output()
        .unwrap();
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        stdout.starts_with(
            "schema for Kanboard 1.2.36 (since/until applied) vs manifest of Kanboard 1.2.36: \
             160 schema methods, 160 on the other side\nno drift\n"
        ),
        "{stdout}"
    );
    // 1.2.53's manifest claiming to be 1.2.36: the ten later parameters are drift.
    let text53 = std::fs::read_to_string(format!("{fixtures}/manifests/kanboard-1.2.53.json"))
        .unwrap()
        .replacen(
            "\"kanboard_version\": \"1.2.53\"",
            "\"kanboard_version\": \"1.2.36\"",
            1,
        );
    assert!(text53.contains("\"kanboard_version\": \"1.2.36\""));
    let misstated = home.path().join("misstated.json");
    std::fs::write(&misstated, text53).unwrap();
    let out = kanboard(home.path())
        .args(["-o", "json", "schema", "compare"])
        .arg(&misstated)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(8), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v[0]["release"], "1.2.36");
    assert_eq!(v[0]["clean"], false);
    assert_eq!(v[0]["findings"].as_array().unwrap().len(), 10, "{v}");
    assert_eq!(
        v[0]["findings"][0],
        "createProject: parameter `priority_default` on the server (Kanboard 1.2.36), the schema \
         says 1.2.45 and later: its `since`/`until` is wrong"
    );
    common::one_error_line(&out.stderr);
    // A file that is not a manifest: a usage error.
    let out = kanboard(home.path())
        .args(["schema", "compare", "/nonexistent.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
}
