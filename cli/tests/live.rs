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

/// Whether the server, whose `getVersion` answer is `version`, refuses every date (an old
/// release on PHP 8.2+: `old_kanboard::dates_refused`).
fn server_refuses_dates(version: &str) -> bool {
    let release: Vec<u16> = version
        .trim()
        .split('.')
        .map(|p| p.parse().unwrap())
        .collect();
    kanboard_test_support::old_kanboard::dates_refused(
        (release[0], release[1], release[2]),
        kanboard_test_support::old_kanboard::server_php(),
    )
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
    let create = [
        "-o",
        "quiet",
        "task",
        "create",
        &project.to_string(),
        "Write docs",
        "--tag",
        "docs",
    ];
    let with_due = [&create[..], &["--due", "2026-12-31"]].concat();
    let tasks = || -> Vec<Value> {
        serde_json::from_str(&ok(&[
            "-o",
            "json",
            "api",
            "tasks",
            "get-all-tasks",
            &project.to_string(),
        ]))
        .unwrap()
    };
    // An old release on PHP 8.2+ refuses every date (`false`, exit 7) and makes no task: then
    // the task is made without one.
    let dates_refused = server_refuses_dates(&ok(&["api", "application", "get-version"]));
    let task: i64 = if dates_refused {
        let (code, _, err) = kb(&with_due);
        assert_eq!(code, Some(7), "{err}");
        assert!(err.contains("refused"), "{err}");
        assert_eq!(tasks(), Vec::<Value>::new(), "no task made");
        ok(&create)
    } else {
        ok(&with_due)
    }
    .trim()
    .parse()
    .unwrap();
    let listed = tasks();
    let mine = listed
        .iter()
        .find(|t| t["id"] == task)
        .expect("task listed");
    assert_eq!(mine["title"], "Write docs");
    let due = mine["date_due"].as_str().unwrap_or_default();
    assert_eq!(due.starts_with("2026-12-31"), !dates_refused, "{mine}");
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
        "api",
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

#[test]
fn portfolio_critical_path_as_mermaid_and_no_schema_drift() {
    let Some((url, token)) = live() else { return };
    let home = tempfile::tempdir().unwrap();
    let ok = |args: &[&str]| {
        let out = common::kanboard(home.path())
            .args(["--url", &url, "--token", &token])
            .args(args)
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let id = |args: &[&str]| -> String {
        let mut all = vec!["-o", "quiet"];
        all.extend_from_slice(args);
        ok(&all).trim().to_owned()
    };
    let web = unique("cli-live-web");
    let core = unique("cli-live-core");
    let (pw, pc) = (
        id(&["project", "create", &web]),
        id(&["project", "create", &core]),
    );
    let a1 = id(&["task", "create", &pw, "Design"]);
    let b1 = id(&["task", "create", &pc, "Build"]);
    let a2 = id(&["task", "create", &pw, "Integrate"]);
    let b2 = id(&["task", "create", &pc, "Ship"]);
    let old = id(&["task", "create", &pw, "Old spike"]);
    ok(&["task", "close", &old]);
    let link: Value =
        serde_json::from_str(&ok(&["-o", "json", "link", "get-by-label", "blocks"])).unwrap();
    let blocks = link["id"].to_string();
    for (x, y) in [(&a1, &b1), (&b1, &a2), (&a2, &b2), (&old, &b2)] {
        ok(&["task-link", "create", x, y, &blocks]);
    }
    let name = unique("cli-live-portfolio");
    ok(&["portfolio", "create", &name]);
    ok(&["portfolio", "add-project", &name, &pw]);
    ok(&["portfolio", "add-project", &name, &pc]);
    ok(&[
        "milestone",
        "create",
        &name,
        "Beta",
        "--target-date",
        "2030-01-31",
    ]);
    ok(&["milestone", "add-task", &name, "Beta", &a1, "--critical"]);
    ok(&["milestone", "add-task", &name, "Beta", &old]);

    let mermaid = ok(&["portfolio", "critical-path", &name, "--format", "mermaid"]);
    let expected = format!(
        "flowchart LR\n  subgraph p{pw}[\"{web}\"]\n    t{a1}[\"#{a1} Design\"]\n    t{a2}[\"#{a2} Integrate\"]\n  end\n  \
         subgraph p{pc}[\"{core}\"]\n    t{b1}[\"#{b1} Build\"]\n    t{b2}[\"#{b2} Ship\"]\n  end\n  \
         t{a1} --> t{b1}\n  t{b1} --> t{a2}\n  t{a2} --> t{b2}\n  linkStyle 0,1,2 stroke:red,stroke-width:3px\n"
    );
    assert_eq!(mermaid, expected);
    let progress = ok(&["milestone", "progress", &name, "Beta"]);
    assert!(
        progress.contains("50.0% - Beta (target: 2030-01-31)"),
        "{progress}"
    );
    // The closed blocker's link is resolved: drawn dashed in the whole graph.
    let graph = ok(&["portfolio", "dependencies", &name, "--format", "mermaid"]);
    assert!(graph.contains(&format!("  t{old} -.-> t{b2}\n")), "{graph}");

    let drift = ok(&["schema", "drift"]);
    assert!(drift.lines().nth(1) == Some("no drift"), "{drift}");
}
