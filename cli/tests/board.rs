//! `board show` draws the board in table output (columns side by side, swimlanes as bands, WIP
//! limits, fitted to the terminal), and task tables name columns and swimlanes: against a mock
//! Kanboard answering with recorded replies.

mod common;

use common::*;
use serde_json::{Value, json};
use wiremock::MockServer;

fn dir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

/// The recorded board of a project (swimlanes Urgent, Default swimlane and Parked over five
/// columns), with a WIP limit of 2 on Backlog (3 open tasks: over it) and due dates that do not
/// move into the past as time goes by.
fn board() -> Value {
    let mut board = recorded_result("getBoard");
    for lane in board.as_array_mut().unwrap() {
        for column in lane["columns"].as_array_mut().unwrap() {
            if column["title"] == "Backlog" {
                column["task_limit"] = json!(2);
            }
            for task in column["tasks"].as_array_mut().unwrap() {
                if task["id"] == 1 {
                    // 2100-01-01 15:30 UTC.
                    task["date_due"] = json!(4102500600_i64);
                }
            }
        }
    }
    board
}

async fn server() -> MockServer {
    let server = MockServer::start().await;
    answer_each(
        &server,
        vec![
            ("getBoard", board()),
            ("getAllTasks", tasks()),
            ("getTask", tasks()[0].clone()),
            ("getColumns", recorded_result("getColumns")),
            ("getAllSwimlanes", recorded_result("getAllSwimlanes")),
        ],
    )
    .await;
    server
}

/// stdout of a successful run; the time zone is fixed, as due dates are shown in local time.
fn run(home: &std::path::Path, url: &str, columns: &str, args: &[&str]) -> String {
    let out = kanboard(home)
        .env("COLUMNS", columns)
        .env("TZ", "UTC")
        .args(["--url", url, "--token", "t0ken"])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn max_width(text: &str) -> usize {
    text.lines().map(|l| l.chars().count()).max().unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread")]
async fn board_show_draws_columns_side_by_side_at_200() {
    let server = server().await;
    let home = dir();
    let text = run(home.path(), &url(&server), "200", &["board", "show", "1"]);
    // The five columns in one row of headers, each with its open tasks; Backlog over its limit.
    let header = text.lines().next().unwrap();
    for title in [
        "Backlog 3/2 ⚠",
        "Ready 1",
        "Work in progress 0",
        "Code review 0/4",
        "Done 0",
    ] {
        assert!(header.contains(title), "{title} not in {header:?}\n{text}");
    }
    // Each swimlane is a band; the empty ones say so.
    assert!(text.contains("══ Urgent · 4 open ══"), "{text}");
    assert!(
        text.contains("══ Default swimlane · 0 open ══") && text.contains("(no open tasks)"),
        "{text}"
    );
    // Tasks side by side: Backlog's first task beside Ready's, with assignee, colour, due date.
    assert!(
        text.lines()
            .any(|l| l.contains("#2 Document refunds") && l.contains("#1 Card declined")),
        "{text}"
    );
    assert!(text.contains("Alice Example · blue"), "{text}");
    assert!(text.contains("overdue 2020-01-01"), "{text}");
    assert!(text.contains("due 2100-01-01 15:30"), "{text}");
    assert!(text.contains("@admin · yellow"), "{text}");
    assert!(max_width(&text) <= 200, "{text}");
    insta::assert_snapshot!("board_show_200", text);
}

#[tokio::test(flavor = "multi_thread")]
async fn board_show_folds_its_columns_at_80() {
    let server = server().await;
    let home = dir();
    let text = run(home.path(), &url(&server), "80", &["board", "show", "1"]);
    assert!(max_width(&text) <= 80, "{text}");
    assert!(
        text.contains("columns 1-3 of 5") && text.contains("columns 4-5 of 5"),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.starts_with("Code review 0/4") && l.contains("Done 0")),
        "{text}"
    );
    insta::assert_snapshot!("board_show_80", text);
}

#[tokio::test(flavor = "multi_thread")]
async fn board_show_keeps_the_data_formats() {
    let server = server().await;
    let home = dir();
    let url = url(&server);
    // JSON: the typed result, as the generated command prints it.
    let json = run(
        home.path(),
        &url,
        "80",
        &["-o", "json", "board", "show", "1"],
    );
    let api = run(
        home.path(),
        &url,
        "80",
        &["-o", "json", "api", "board", "get-board", "1"],
    );
    assert_eq!(json, api);
    let parsed: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(parsed[0]["name"], "Urgent");
    assert_eq!(
        parsed[0]["columns"][0]["tasks"][0]["title"],
        "Document refunds and chargebacks"
    );
    // quiet: the swimlanes' ids; csv: a row per swimlane.
    assert_eq!(
        run(
            home.path(),
            &url,
            "80",
            &["-o", "quiet", "board", "show", "1"]
        ),
        "3\n1\n4\n"
    );
    let csv = run(
        home.path(),
        &url,
        "80",
        &["-o", "csv", "board", "show", "1"],
    );
    assert!(csv.starts_with("id,name,position,"), "{csv}");
    assert_eq!(csv.lines().count(), 4, "{csv}");
    // --columns asks for fields: a table of the swimlanes' fields.
    let table = run(
        home.path(),
        &url,
        "80",
        &["--columns", "id,name,nb_tasks", "board", "show", "1"],
    );
    assert!(
        table
            .lines()
            .next()
            .unwrap()
            .split_whitespace()
            .eq(["id", "name", "nb_tasks"]),
        "{table}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn board_show_of_a_project_that_does_not_exist_says_so() {
    let server = MockServer::start().await;
    answer_each(&server, vec![("getBoard", json!([]))]).await;
    let home = dir();
    let text = run(home.path(), &url(&server), "80", &["board", "show", "7"]);
    assert!(text.starts_with("No board to show"), "{text}");
}

#[test]
fn board_show_help_says_what_it_draws() {
    let home = dir();
    let out = kanboard(home.path())
        .args(["board", "show", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8(out.stdout).unwrap();
    assert!(
        help.contains("the board is drawn") && help.contains("fold"),
        "{help}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn task_list_names_columns_and_swimlanes_in_one_more_request() {
    let server = server().await;
    let home = dir();
    let url = url(&server);
    let text = run(home.path(), &url, "200", &["task", "list", "1"]);
    let header: Vec<&str> = text.lines().next().unwrap().split_whitespace().collect();
    assert!(
        header.contains(&"column_name") && header.contains(&"swimlane_name"),
        "{text}"
    );
    assert!(
        !header.contains(&"column_id") && !header.contains(&"swimlane_id"),
        "{text}"
    );
    let row = |id: &str| {
        text.lines()
            .find(|l| l.split_whitespace().next() == Some(id))
            .unwrap()
            .to_owned()
    };
    assert!(
        row("1").contains("Ready") && row("1").contains("Default swimlane"),
        "{text}"
    );
    assert!(row("2").contains("Work in progress"), "{text}");
    // getAllTasks, then one batch with getColumns and getAllSwimlanes for the project.
    let calls = received(&server).await;
    assert_eq!(calls.len(), 2, "{calls:?}");
    let batch: Vec<&Value> = calls[1]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| &c["method"])
        .collect();
    assert_eq!(batch, [&json!("getColumns"), &json!("getAllSwimlanes")]);
}

#[tokio::test(flavor = "multi_thread")]
async fn task_json_is_the_servers_data_in_one_request() {
    let server = server().await;
    let home = dir();
    let json = run(
        home.path(),
        &url(&server),
        "200",
        &["-o", "json", "task", "list", "1"],
    );
    let tasks: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(tasks[0]["column_id"], 2);
    assert!(tasks[0].get("column_name").is_none(), "{json}");
    assert_eq!(received(&server).await.len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn task_get_names_its_column_and_ids_stay_when_asked_for() {
    let server = server().await;
    let home = dir();
    let url = url(&server);
    let text = run(home.path(), &url, "200", &["task", "get", "1"]);
    let field = |name: &str| {
        text.lines()
            .find(|l| l.split_whitespace().next() == Some(name))
            .map(|l| l.split_whitespace().skip(1).collect::<Vec<_>>().join(" "))
    };
    assert_eq!(field("column_name").as_deref(), Some("Ready"), "{text}");
    assert_eq!(
        field("swimlane_name").as_deref(),
        Some("Default swimlane"),
        "{text}"
    );
    assert_eq!(field("column_id"), None, "{text}");
    let text = run(
        home.path(),
        &url,
        "200",
        &["--columns", "id,column_id,column_name", "task", "list", "1"],
    );
    assert!(
        text.lines()
            .next()
            .unwrap()
            .split_whitespace()
            .eq(["id", "column_id", "column_name"]),
        "{text}"
    );
    assert!(text.contains("2          Ready"), "{text}");
}

#[tokio::test(flavor = "multi_thread")]
async fn names_that_cannot_be_read_leave_the_ids_and_say_why() {
    let server = MockServer::start().await;
    answer_each(&server, vec![("getAllTasks", tasks())]).await;
    let home = dir();
    let out = kanboard(home.path())
        .args(["--url", &url(&server), "--token", "t", "task", "list", "1"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.lines().next().unwrap().contains("column_id"), "{text}");
    let note = String::from_utf8(out.stderr).unwrap();
    assert!(
        note.contains("shown by id") && note.contains("getColumns"),
        "{note}"
    );
}
