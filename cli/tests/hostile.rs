//! The binary against servers that send crafted replies: escape sequences in data and error
//! messages, huge error messages, stalled replies; and JSON typed on the command line that
//! would not arrive as typed.

mod common;

use common::*;
use serde_json::json;
use wiremock::MockServer;

fn dir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

/// Screen clear, window title (OSC ended by BEL), a C1 CSI, DEL and a bare carriage return.
const HOSTILE: &str = "evil\x1b[2J\x1b]0;pwned\x07title\u{9b}31m\x7f\rX";

fn has_raw_controls(s: &str) -> bool {
    s.chars().any(|c| c.is_control() && c != '\n' && c != '\t')
}

fn run(home: &std::path::Path, url: &str, args: &[&str]) -> std::process::Output {
    kanboard(home)
        .args(["--url", url, "--token", "t"])
        .args(args)
        .output()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn escape_sequences_in_titles_reach_the_terminal_escaped_but_data_formats_exact() {
    let server = MockServer::start().await;
    let task = full(
        "getTask",
        json!({"id": "7", "title": HOSTILE, "project_id": "1", "is_active": "1"}),
    );
    answer(&server, "getAllTasks", json!([task.clone()])).await;
    answer(&server, "getTask", task.clone()).await;
    let home = dir();
    let u = url(&server);
    for args in [
        &["task", "list", "1"][..],
        &["task", "get", "7"],
        &[
            "-o",
            "quiet",
            "call",
            "getAllTasks",
            "--params",
            r#"{"project_id": 1}"#,
        ],
        &[
            "-o",
            "quiet",
            "call",
            "getTask",
            "--raw",
            "--param",
            "task_id=7",
        ],
    ] {
        let out = run(home.path(), &u, args);
        assert!(out.status.success(), "{args:?}");
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(!has_raw_controls(&text), "{args:?}: {text:?}");
    }
    let table = String::from_utf8(run(home.path(), &u, &["task", "list", "1"]).stdout).unwrap();
    assert!(
        // In a cell a carriage return is a line break, so it becomes a space.
        table.contains(r"evil\x1b[2J\x1b]0;pwned\x07title\u{9b}31m\x7f X"),
        "{table}"
    );
    // json and csv carry the title byte for byte.
    let out = run(
        home.path(),
        &u,
        &[
            "-o",
            "json",
            "call",
            "getAllTasks",
            "--raw",
            "--param",
            "project_id=1",
        ],
    );
    let back: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(back[0]["title"], json!(HOSTILE));
    let out = run(home.path(), &u, &["-o", "csv", "task", "list", "1"]);
    let csv = String::from_utf8(out.stdout).unwrap();
    assert!(csv.contains(&format!("\"{HOSTILE}\"")), "{csv:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn escape_sequences_in_server_errors_reach_stderr_escaped() {
    let server = MockServer::start().await;
    answer_error(
        &server,
        "getTask",
        -32000,
        "bad\x1b[2J\x1b]0;pwned\x07\u{9b}m\nthing",
    )
    .await;
    let home = dir();
    let out = run(
        home.path(),
        &url(&server),
        &["call", "getTask", "--param", "task_id=1"],
    );
    assert_eq!(out.status.code(), Some(7));
    let line = one_error_line(&out.stderr);
    assert!(!has_raw_controls(line.trim_end()), "{line:?}");
    assert!(
        line.contains(r"bad\x1b[2J\x1b]0;pwned\x07\u{9b}m thing"),
        "{line:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn huge_error_messages_are_cut_unless_verbose() {
    let server = MockServer::start().await;
    let message = "A".repeat(2_000_000);
    answer_error(&server, "getTask", -32000, &message).await;
    let home = dir();
    let u = url(&server);
    let out = run(
        home.path(),
        &u,
        &["call", "getTask", "--param", "task_id=1"],
    );
    assert_eq!(out.status.code(), Some(7));
    let line = one_error_line(&out.stderr);
    assert!(line.len() < 1000, "{} bytes", line.len());
    assert!(line.contains("more characters cut; -v shows all"), "{line}");
    let out = run(
        home.path(),
        &u,
        &["-v", "call", "getTask", "--param", "task_id=1"],
    );
    let all = String::from_utf8_lossy(&out.stderr);
    assert!(all.contains(&message), "-v shows {} bytes", all.len());
    assert!(!all.contains("characters cut"));
}

#[tokio::test(flavor = "multi_thread")]
async fn big_integers_typed_as_json_are_refused_not_sent_as_floats() {
    let server = MockServer::start().await;
    answer(&server, "getTask", serde_json::Value::Null).await;
    answer(&server, "getFoo", json!(true)).await;
    answer(&server, "createAction", json!(3)).await;
    let home = dir();
    let u = url(&server);
    let big = "100000000000000000000000";
    let params = format!(r#"{{"task_id": {big}}}"#);
    let action = format!(r#"{{"column_id": {big}}}"#);
    let param = format!("task_id={big}");
    let json_param = format!("params={action}");
    for args in [
        vec!["call", "getTask", "--params", params.as_str()],
        vec!["call", "getFoo", "--params", params.as_str()],
        vec!["call", "getFoo", "--param", param.as_str()],
        vec![
            "call",
            "createAction",
            "--param",
            "project_id=1",
            "--param",
            "event_name=e",
            "--param",
            "action_name=a",
            "--param",
            json_param.as_str(),
        ],
        vec![
            "api",
            "actions",
            "create-action",
            "1",
            "e",
            "a",
            action.as_str(),
        ],
    ] {
        let out = run(home.path(), &u, &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(big), "{args:?}: {stderr}");
    }
    assert!(received(&server).await.is_empty(), "nothing may be sent");
    // Integers that fit are sent as integers.
    let out = run(
        home.path(),
        &u,
        &[
            "call",
            "getFoo",
            "--params",
            r#"{"task_id": 9223372036854775807}"#,
        ],
    );
    assert!(out.status.success());
    let sent = serde_json::to_string(&received(&server).await[0]["params"]).unwrap();
    assert_eq!(sent, r#"{"task_id":9223372036854775807}"#);
}

/// A server that accepts connections and never answers; its address.
fn stalled_server() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().flatten() {
            held.push(stream);
        }
    });
    format!("http://{addr}/jsonrpc.php")
}

#[test]
fn a_stalled_server_times_out_as_configured_and_says_how_to_wait_longer() {
    let home = dir();
    let u = stalled_server();
    let started = std::time::Instant::now();
    let out = run(home.path(), &u, &["--timeout", "1", "call", "getVersion"]);
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
    assert_eq!(out.status.code(), Some(6));
    let line = one_error_line(&out.stderr);
    assert!(
        line.contains("the call timed out after 1s")
            && line.contains("--timeout SECONDS, KANBOARD_TIMEOUT or `timeout` in the profile")
            && line.contains("`timeout` from flag"),
        "{line}"
    );
    assert!(!line.contains("is Kanboard running there"), "{line}");
    // The same from the environment and from the profile.
    let out = kanboard(home.path())
        .args(["--url", &u, "--token", "t", "call", "getVersion"])
        .env("KANBOARD_TIMEOUT", "0.5")
        .output()
        .unwrap();
    let line = one_error_line(&out.stderr);
    assert!(
        line.contains("after 0.5s") && line.contains("env KANBOARD_TIMEOUT"),
        "{line}"
    );
    let config = home.path().join("config.toml");
    std::fs::write(
        &config,
        format!("[profiles.default]\nurl = \"{u}\"\ntoken = \"t\"\ntimeout = 1\n"),
    )
    .unwrap();
    let out = kanboard(home.path())
        .args(["--config", config.to_str().unwrap(), "call", "getVersion"])
        .output()
        .unwrap();
    let line = one_error_line(&out.stderr);
    assert!(
        line.contains("after 1s") && line.contains("from profile `default`"),
        "{line}"
    );
}

#[test]
fn bad_transport_settings_are_config_errors_naming_their_source() {
    let home = dir();
    let u = "http://127.0.0.1:9/jsonrpc.php";
    let out = kanboard(home.path())
        .args(["--url", u, "--token", "t", "call", "getVersion"])
        .env("KANBOARD_TIMEOUT", "soon")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let line = one_error_line(&out.stderr);
    assert!(
        line.contains("\"soon\" (from env KANBOARD_TIMEOUT)"),
        "{line}"
    );
    let absent = home.path().join("absent.pem");
    let out = run(
        home.path(),
        u,
        &["--ca-cert", absent.to_str().unwrap(), "call", "getVersion"],
    );
    assert_eq!(out.status.code(), Some(3));
    let line = one_error_line(&out.stderr);
    assert!(
        line.contains("`ca_cert`") && line.contains("(from flag) cannot be read"),
        "{line}"
    );
    let out = kanboard(home.path())
        .args(["--url", u, "--token", "t", "call", "getVersion"])
        .env("KANBOARD_INSECURE", "maybe")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let line = one_error_line(&out.stderr);
    assert!(
        line.contains("env KANBOARD_INSECURE") && line.contains("true or false"),
        "{line}"
    );
    // `config show` lists the new settings with their sources.
    let out = run(
        home.path(),
        u,
        &["--insecure", "-o", "csv", "config", "show"],
    );
    let shown = String::from_utf8(out.stdout).unwrap();
    assert!(
        shown.contains("timeout,30,default") && shown.contains("insecure,true,flag"),
        "{shown}"
    );
}

/// Runs the binary with `args` and standard input from `/dev/zero`, under `/usr/bin/time` when
/// it exists; returns the output and the peak resident memory in KiB.
fn endless_stdin_with_peak_rss(
    home: &std::path::Path,
    args: &[&str],
) -> (std::process::Output, Option<u64>) {
    let bin = assert_cmd::cargo::cargo_bin("kanboard");
    let report = tempfile::NamedTempFile::new().unwrap();
    let time = std::path::Path::new("/usr/bin/time");
    let mut cmd = if time.exists() {
        let mut c = std::process::Command::new(time);
        c.args(["-f", "%M", "-o"]).arg(report.path()).arg(&bin);
        c
    } else {
        std::process::Command::new(&bin)
    };
    for (k, _) in std::env::vars() {
        if k.starts_with("KANBOARD_") {
            cmd.env_remove(k);
        }
    }
    let out = cmd
        .args(args)
        .env("HOME", home)
        .stdin(std::fs::File::open("/dev/zero").unwrap())
        .output()
        .unwrap();
    let kib = std::fs::read_to_string(report.path())
        .ok()
        .and_then(|t| t.lines().last().and_then(|l| l.trim().parse().ok()));
    (out, kib)
}

#[tokio::test(flavor = "multi_thread")]
async fn an_upload_from_endless_standard_input_stops_at_the_limit() {
    let server = MockServer::start().await;
    answer(&server, "createTaskFile", json!(5)).await;
    let home = dir();
    let u = url(&server);
    let started = std::time::Instant::now();
    let (out, peak_kib) = endless_stdin_with_peak_rss(
        home.path(),
        &[
            "--url",
            &u,
            "--token",
            "t",
            "api",
            "task-files",
            "create-task-file",
            "1",
            "1",
            "zero.bin",
            "-",
        ],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("larger than the limit"), "{err}");
    assert!(server.received_requests().await.unwrap().is_empty());
    println!(
        "upload from endless stdin: exit 2 after {:.2} s, peak RSS {} ({err})",
        started.elapsed().as_secs_f64(),
        peak_kib.map_or("not measured".into(), |k| format!(
            "{:.0} MiB",
            k as f64 / 1024.0
        ))
    );
    // The default limit is 64 MiB of content; memory stays near it, not at the input's size.
    if let Some(kib) = peak_kib {
        assert!(kib < 400 * 1024, "{kib} KiB");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_redirecting_server_is_a_config_error_naming_the_location() {
    let server = MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::method("POST"))
        .respond_with(
            wiremock::ResponseTemplate::new(301)
                .insert_header("Location", "https://kanboard.example.org/jsonrpc.php"),
        )
        .mount(&server)
        .await;
    let home = dir();
    let out = run(home.path(), &url(&server), &["project", "list"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(
        err.contains("redirects (HTTP 301) to https://kanboard.example.org/jsonrpc.php"),
        "{err}"
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}
