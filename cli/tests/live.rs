//! The binary against a real Kanboard (KANBOARD_URL and KANBOARD_TOKEN, e.g. from
//! `scripts/kanboard-server.sh start`); says SKIPPED without one. Names are unique per run, so
//! it passes on a fresh server and on a used one.

mod common;

use serde_json::Value;

fn live() -> Option<(String, String)> {
    match (
        std::env::var("KANBOARD_URL"),
        std::env::var("KANBOARD_TOKEN"),
    ) {
        (Ok(u), Ok(t)) if !u.is_empty() && !t.is_empty() => Some((u, t)),
        _ => {
            eprintln!(
                "SKIPPED cli live tests: set KANBOARD_URL and KANBOARD_TOKEN (scripts/kanboard-server.sh start)"
            );
            None
        }
    }
}

fn unique(prefix: &str) -> String {
    let n = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{prefix}-{n}")
}

#[test]
fn config_project_task_round_trip() {
    let Some((url, token)) = live() else { return };
    let home = tempfile::tempdir().unwrap();
    let kb = |args: &[&str]| {
        let out = common::kanboard(home.path()).args(args).output().unwrap();
        (
            out.status.code(),
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    };
    let ok = |args: &[&str]| {
        let (code, out, err) = kb(args);
        assert_eq!(code, Some(0), "{args:?}: {err}");
        out
    };
    ok(&["--url", &url, "--token", &token, "config", "init"]);
    assert!(ok(&["config", "test"]).contains("server_version"));

    let name = unique("cli-live");
    let project: i64 = ok(&[
        "-o",
        "quiet",
        "project",
        "create",
        &name,
        "-d",
        "from the CLI test",
    ])
    .trim()
    .parse()
    .unwrap();
    let task: i64 = ok(&[
        "-o",
        "quiet",
        "task",
        "create",
        &project.to_string(),
        "Write docs",
        "--due",
        "2026-12-31",
        "--tag",
        "docs",
    ])
    .trim()
    .parse()
    .unwrap();
    let listed: Value = serde_json::from_str(&ok(&[
        "-o",
        "json",
        "tasks",
        "get-all-tasks",
        &project.to_string(),
    ]))
    .unwrap();
    let mine = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == task)
        .expect("task listed");
    assert_eq!(mine["title"], "Write docs");
    assert!(
        mine["date_due"].as_str().unwrap().starts_with("2026-12-31"),
        "{mine}"
    );
    let tags: Value =
        serde_json::from_str(&ok(&["-o", "json", "tag", "get", &task.to_string()])).unwrap();
    assert!(
        tags.as_object().unwrap().values().any(|v| v == "docs"),
        "{tags}"
    );
    assert!(ok(&["-o", "csv", "task", "list", &project.to_string()]).contains("Write docs"));
    // kanboard-cli's project-access form and the generated one reach the same method.
    ok(&[
        "project-access",
        "add-user",
        &project.to_string(),
        "1",
        "--role",
        "project-manager",
    ]);
    let role = ok(&[
        "project-permissions",
        "get-project-user-role",
        &project.to_string(),
        "1",
    ]);
    assert_eq!(role.trim(), "project-manager");

    ok(&["task", "remove", &task.to_string(), "--yes"]);
    let (code, _, err) = kb(&["task", "get", &task.to_string()]);
    assert_eq!(code, Some(5), "{err}");
    common::one_error_line(err.as_bytes());
    ok(&["project", "remove", &project.to_string(), "--yes"]);

    // A wrong token is an auth failure, named as such.
    let (code, _, err) = kb(&["--token", "wrong", "project", "list"]);
    assert_eq!(code, Some(4), "{err}");
}
