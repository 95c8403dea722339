//! The portfolio, milestone and migrate commands: the local store in a temporary HOME, and a
//! fake Kanboard (tasks, links, metadata, and the Portfolio plugin when asked) on a mock server.
//! Also `schema drift`'s exit code against a server that has none of the schema's methods.

mod common;

use common::kanboard;
use kanboard_test_support::{FakeKanboard, each_call, serve};
use serde_json::{Value, json};
use std::path::Path;
use wiremock::{Mock, MockServer, Request, matchers};

/// A small Kanboard: two projects, five tasks, four blocking links (one from a closed task);
/// numbers as strings, as Kanboard sends them from MySQL.
fn fake(plugin: bool) -> FakeKanboard {
    let mut kb = FakeKanboard {
        plugin,
        next_id: 100,
        string_numbers: true,
        ..FakeKanboard::default()
    };
    kb.add_project(1, "Web");
    kb.add_project(2, "Core");
    kb.add_task(1, 1, "Design API", true);
    kb.add_task(2, 2, "Build core", true);
    kb.add_task(3, 2, "Ship it", true);
    kb.add_task(4, 1, "Old work", false);
    kb.add_task(5, 1, "Docs", true);
    kb.blocks = vec![(1, 2), (2, 3), (4, 3), (3, 5)];
    kb
}

struct Run {
    code: Option<i32>,
    out: String,
    err: String,
}

fn run(home: &Path, url: Option<&str>, args: &[&str]) -> Run {
    let mut cmd = kanboard(home);
    if let Some(u) = url {
        cmd.args(["--url", u, "--token", "t0ken"]);
    }
    let o = cmd.args(args).output().unwrap();
    Run {
        code: o.status.code(),
        out: String::from_utf8(o.stdout).unwrap(),
        err: String::from_utf8(o.stderr).unwrap(),
    }
}

fn ok(home: &Path, url: Option<&str>, args: &[&str]) -> String {
    let r = run(home, url, args);
    assert_eq!(r.code, Some(0), "{args:?}: {}{}", r.out, r.err);
    r.out
}

fn store(home: &Path) -> Value {
    let text = std::fs::read_to_string(home.join(".config/kanboard/portfolios.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// The portfolio `launch` of both projects, milestone Beta with tasks 1 (critical), 2 and 4.
fn build_portfolio(home: &Path, url: Option<&str>) {
    ok(
        home,
        url,
        &["portfolio", "create", "launch", "-d", "Q3 launch"],
    );
    ok(home, url, &["portfolio", "add-project", "launch", "1"]);
    ok(home, url, &["portfolio", "add-project", "launch", "2"]);
    ok(
        home,
        url,
        &[
            "milestone",
            "create",
            "launch",
            "Beta",
            "--target-date",
            "2026-06-30",
        ],
    );
    let out = ok(
        home,
        url,
        &["milestone", "add-task", "launch", "Beta", "1", "--critical"],
    );
    assert_eq!(out, "✓ Task #1 (critical) added to milestone 'Beta'.\n");
    ok(home, url, &["milestone", "add-task", "launch", "Beta", "2"]);
    ok(home, url, &["milestone", "add-task", "launch", "Beta", "4"]);
}

#[test]
fn local_store_commands_without_a_server() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    build_portfolio(h, None);
    let s = store(h);
    assert_eq!(s["version"], 1);
    let p = &s["portfolios"][0];
    assert_eq!(
        (&p["name"], &p["description"], &p["project_ids"]),
        (&json!("launch"), &json!("Q3 launch"), &json!([1, 2]))
    );
    let m = &p["milestones"][0];
    assert_eq!(m["target_date"], "2026-06-30T00:00:00");
    assert_eq!(m["task_ids"], json!([1, 2, 4]));
    assert_eq!(m["critical_task_ids"], json!([1]));

    let listed = ok(h, None, &["portfolio", "list"]);
    assert!(
        listed.contains("launch") && listed.contains("Q3 launch"),
        "{listed}"
    );
    let csv = ok(h, None, &["-o", "csv", "milestone", "list", "launch"]);
    assert!(
        csv.starts_with("name,target_date,task_count,critical_count"),
        "{csv}"
    );
    assert!(csv.contains("Beta,2026-06-30,3,1,"), "{csv}");
    // Quiet output names portfolios, which have no id.
    assert_eq!(
        ok(h, None, &["-o", "quiet", "portfolio", "list"]),
        "launch\n"
    );

    // Without a server, show tells so and prints what the store holds.
    let r = run(h, None, &["portfolio", "show", "launch"]);
    assert_eq!(r.code, Some(0));
    assert!(r.out.contains("Portfolio: launch") && r.out.contains("Projects: 2  |  Milestones: 1"));
    assert!(r.err.contains("no Kanboard configured"), "{}", r.err);

    // Names are unique; a bad date and a missing portfolio are named.
    let r = run(h, None, &["portfolio", "create", "launch"]);
    assert_eq!(r.code, Some(1));
    common::one_error_line(r.err.as_bytes());
    let r = run(
        h,
        None,
        &[
            "milestone",
            "create",
            "launch",
            "GA",
            "--target-date",
            "30/06/2026",
        ],
    );
    assert_eq!(r.code, Some(2), "{}", r.err);
    let r = run(h, None, &["milestone", "list", "nope"]);
    assert_eq!(r.code, Some(5));
    assert!(r.err.contains("portfolio \"nope\" not found"), "{}", r.err);
    // Progress needs the server: a configuration error naming the URL setting.
    let r = run(h, None, &["milestone", "progress", "launch"]);
    assert_eq!(r.code, Some(3));
    assert!(r.err.contains("KANBOARD_URL"), "{}", r.err);
}

#[test]
fn removals_ask_unless_yes() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    build_portfolio(h, None);
    let before = store(h);
    for args in [
        &["portfolio", "remove", "launch"][..],
        &["portfolio", "remove-project", "launch", "2"],
        &["milestone", "remove", "launch", "Beta"],
        &["milestone", "remove-task", "launch", "Beta", "2"],
    ] {
        // No answer on a closed standard input: a usage error, nothing removed.
        let r = run(h, None, args);
        assert_eq!(r.code, Some(2), "{args:?}: {}", r.err);
        assert!(r.err.contains("--yes"), "{}", r.err);
        // "n": declined.
        let o = kanboard(h).args(args).write_stdin("n\n").output().unwrap();
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        assert_eq!(store(h), before, "{args:?} changed the store");
    }
    ok(
        h,
        None,
        &["milestone", "remove-task", "launch", "Beta", "2", "--yes"],
    );
    assert_eq!(
        store(h)["portfolios"][0]["milestones"][0]["task_ids"],
        json!([1, 4])
    );
    let o = kanboard(h)
        .args(["portfolio", "remove-project", "launch", "2"])
        .write_stdin("y\n")
        .output()
        .unwrap();
    assert!(o.status.success());
    assert_eq!(store(h)["portfolios"][0]["project_ids"], json!([1]));
    ok(h, None, &["milestone", "remove", "launch", "Beta", "--yes"]);
    let out = ok(h, None, &["portfolio", "remove", "launch", "--yes"]);
    assert_eq!(out, "✓ Portfolio 'launch' removed.\n");
    assert_eq!(store(h)["portfolios"], json!([]));
    let r = run(h, None, &["portfolio", "remove", "launch", "--yes"]);
    assert_eq!(r.code, Some(5), "{}", r.err);
}

#[tokio::test(flavor = "multi_thread")]
async fn analysis_against_the_servers_links() {
    let (server, state) = serve(fake(false)).await;
    let url = common::url(&server);
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let u = Some(url.as_str());
    build_portfolio(h, u);
    // With a server, a project or task it lacks is refused.
    let r = run(h, u, &["portfolio", "add-project", "launch", "9"]);
    assert_eq!(r.code, Some(5), "{}", r.err);
    let r = run(h, u, &["milestone", "add-task", "launch", "Beta", "99"]);
    assert_eq!(r.code, Some(5), "{}", r.err);

    // The open tasks 1 → 2 → 3 → 5 form the longest chain; 4 (closed) → 3 is resolved.
    let path: Value = serde_json::from_str(&ok(
        h,
        u,
        &["-o", "json", "portfolio", "critical-path", "launch"],
    ))
    .unwrap();
    let ids: Vec<i64> = path
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [1, 2, 3, 5]);
    assert_eq!(path[0]["project_name"], "Web");
    let text = ok(h, u, &["portfolio", "critical-path", "launch"]);
    // A plain chain: no task holds more of it than another, so no bottleneck is named.
    assert_eq!(
        text,
        "Critical Path:\n   1. ● #1 Design API\n   2. ● #2 Build core\n   3. ● #3 Ship it\n   4. ● #5 Docs\n"
    );
    let mermaid = ok(
        h,
        u,
        &[
            "portfolio",
            "critical-path",
            "launch",
            "--format",
            "mermaid",
        ],
    );
    assert_eq!(
        mermaid,
        "flowchart LR\n  subgraph p1[\"Web\"]\n    t1[\"#1 Design API\"]\n    t5[\"#5 Docs\"]\n  end\n  \
         subgraph p2[\"Core\"]\n    t2[\"#2 Build core\"]\n    t3[\"#3 Ship it\"]\n  end\n  \
         t1 --> t2\n  t2 --> t3\n  t3 --> t5\n  linkStyle 0,1,2 stroke:red,stroke-width:3px\n"
    );
    let dot = ok(
        h,
        u,
        &["portfolio", "critical-path", "launch", "--format", "dot"],
    );
    assert!(dot.starts_with("digraph dependencies {"), "{dot}");
    assert!(dot.contains("t2 -> t3 [color=red, penwidth=2.5];"), "{dot}");
    assert!(!dot.contains("t4"), "only the chain: {dot}");

    // Dependencies: every link once, as blocker → blocked, in each format.
    let graph: Value = serde_json::from_str(&ok(
        h,
        u,
        &["portfolio", "dependencies", "launch", "--format", "json"],
    ))
    .unwrap();
    let mut edges: Vec<(i64, i64, bool)> = graph["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["task_id"].as_i64().unwrap(),
                e["opposite_task_id"].as_i64().unwrap(),
                e["is_resolved"].as_bool().unwrap(),
            )
        })
        .collect();
    edges.sort();
    assert_eq!(
        edges,
        [(1, 2, false), (2, 3, false), (3, 5, false), (4, 3, true)]
    );
    assert_eq!(graph["critical_path"], json!([1, 2, 3, 5]));
    let cross: Value = serde_json::from_str(&ok(
        h,
        u,
        &[
            "-o",
            "json",
            "portfolio",
            "dependencies",
            "launch",
            "--cross-project-only",
        ],
    ))
    .unwrap();
    assert!(
        cross
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["is_cross_project"] == true)
    );
    assert_eq!(cross.as_array().unwrap().len(), 3);
    let mm = ok(
        h,
        u,
        &["portfolio", "dependencies", "launch", "--format", "mermaid"],
    );
    assert!(
        mm.contains("  t4 -.-> t3\n") && mm.contains("class t4 closed"),
        "{mm}"
    );
    let dot = ok(
        h,
        u,
        &["portfolio", "dependencies", "launch", "--format", "dot"],
    );
    assert!(
        dot.contains("t4 -> t3 [style=dashed, color=blue];"),
        "{dot}"
    );
    let text = ok(h, u, &["portfolio", "dependencies", "launch"]);
    assert!(text.contains("=== Core ===\n  ● #2 Build core\n    → blocks #3 Ship it\n    ← blocked by #1 Design API\n"), "{text}");
    let csv = ok(h, u, &["-o", "csv", "portfolio", "blocked", "launch"]);
    assert!(
        csv.contains("\n2,Build core,Core,#1 Design API,Web,1,true\n"),
        "{csv}"
    );
    let quiet = ok(
        h,
        u,
        &["-o", "quiet", "portfolio", "critical-path", "launch"],
    );
    assert_eq!(quiet, "1\n2\n3\n5\n");

    // Progress: Beta holds 1, 2 (open) and 4 (closed); 2 is held by the open task 1.
    let p: Value = serde_json::from_str(&ok(
        h,
        u,
        &["-o", "json", "milestone", "progress", "launch", "Beta"],
    ))
    .unwrap();
    assert_eq!(
        (p["total"].as_i64(), p["completed"].as_i64()),
        (Some(3), Some(1))
    );
    assert_eq!(p["blocked_task_ids"], json!([2]));
    let bars = ok(h, u, &["milestone", "progress", "launch"]);
    assert!(
        bars.contains("[███████░░░░░░░░░░░░░] 33.3% - Beta (target: 2026-06-30)"),
        "{bars}"
    );
    let show = ok(h, u, &["portfolio", "show", "launch"]);
    assert!(
        show.contains("Projects: 2  |  Milestones: 1  |  Tasks: 4  |  Blocked: 3"),
        "{show}"
    );
    let tasks = ok(
        h,
        u,
        &[
            "-o",
            "csv",
            "--columns",
            "id,project_name",
            "portfolio",
            "tasks",
            "launch",
            "--project",
            "2",
        ],
    );
    assert_eq!(tasks, "id,project_name\n2,Core\n3,Core\n");
    let closed = ok(
        h,
        u,
        &[
            "-o",
            "quiet",
            "portfolio",
            "tasks",
            "launch",
            "--status",
            "closed",
        ],
    );
    assert_eq!(closed, "4\n");

    // Everything went out as batches: far fewer requests than calls.
    let requests = server.received_requests().await.unwrap().len();
    let calls = state.lock().unwrap().calls.len();
    assert!(requests < calls, "{requests} requests for {calls} calls");
}

#[tokio::test(flavor = "multi_thread")]
async fn migrate_dry_run_writes_nothing_then_the_real_run_copies_everything() {
    let (server, state) = serve(fake(true)).await;
    let url = common::url(&server);
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    build_portfolio(h, None);
    let u = Some(url.as_str());
    let before = state.lock().unwrap().calls.len();

    let out = ok(
        h,
        u,
        &[
            "portfolio",
            "migrate",
            "local-to-remote",
            "launch",
            "--dry-run",
        ],
    );
    assert!(
        out.starts_with(
            "[dry-run] Creating portfolio 'launch'...\n[dry-run]   Adding project #1...\n"
        ),
        "{out}"
    );
    assert!(
        out.contains("[dry-run]     Adding task #1 (critical) to milestone 'Beta'...\n"),
        "{out}"
    );
    assert!(
        out.contains("created_at and updated_at are set by the server"),
        "{out}"
    );
    assert!(
        out.ends_with("\n[dry-run] Migrated 1 portfolio (0 failed).\n"),
        "{out}"
    );
    let sent: Vec<String> = state.lock().unwrap().calls[before..].to_vec();
    assert!(
        sent.iter().all(|m| m.starts_with("get")),
        "a dry run only reads: {sent:?}"
    );
    assert!(state.lock().unwrap().portfolios.is_empty());

    let json_plan: Value = serde_json::from_str(&ok(
        h,
        u,
        &[
            "-o",
            "json",
            "portfolio",
            "migrate",
            "local-to-remote",
            "--all",
            "--dry-run",
        ],
    ))
    .unwrap();
    assert_eq!(json_plan[0]["status"], "planned");

    // The real run: the plugin gets the portfolio, its projects, milestone and tasks.
    let out = ok(h, u, &["portfolio", "migrate", "local-to-remote", "launch"]);
    assert!(
        out.contains("Portfolio 'launch' migrated successfully."),
        "{out}"
    );
    {
        let kb = state.lock().unwrap();
        let p = &kb.portfolios[0];
        assert_eq!(
            (p.name.as_str(), p.projects.clone()),
            ("launch", vec![1, 2])
        );
        assert_eq!(p.milestones[0].name, "Beta");
        assert_eq!(
            p.milestones[0].tasks,
            vec![(1, true), (2, false), (4, false)]
        );
    }
    // Again: a conflict, by default a failure; skipped when asked.
    let r = run(h, u, &["portfolio", "migrate", "local-to-remote", "launch"]);
    assert_eq!(r.code, Some(1), "{}", r.err);
    assert!(r.err.contains("already exists on the server"), "{}", r.err);
    let out = ok(
        h,
        u,
        &[
            "portfolio",
            "migrate",
            "local-to-remote",
            "launch",
            "--on-conflict",
            "skip",
        ],
    );
    assert!(
        out.contains("already exists on the server — skipping."),
        "{out}"
    );
    // Overwrite asks first.
    let r = run(
        h,
        u,
        &[
            "portfolio",
            "migrate",
            "local-to-remote",
            "launch",
            "--on-conflict",
            "overwrite",
        ],
    );
    assert_eq!(r.code, Some(2), "{}", r.err);

    // Both sides now agree, and the status counts them.
    let diff = ok(
        h,
        u,
        &["-o", "csv", "portfolio", "migrate", "diff", "launch"],
    );
    assert!(diff.lines().skip(1).all(|l| l.ends_with(",both")), "{diff}");
    let status: Value =
        serde_json::from_str(&ok(h, u, &["-o", "json", "portfolio", "migrate", "status"])).unwrap();
    assert_eq!(status["local"]["counts"]["task_assignments"], 3);
    assert_eq!(status["remote"]["counts"]["task_assignments"], 3);

    // Remote to local into an empty store, dry run first: the store is not touched.
    std::fs::remove_file(h.join(".config/kanboard/portfolios.json")).unwrap();
    let out = ok(
        h,
        u,
        &[
            "portfolio",
            "migrate",
            "remote-to-local",
            "--all",
            "--dry-run",
        ],
    );
    assert!(
        out.contains("[dry-run] Creating portfolio 'launch'..."),
        "{out}"
    );
    assert!(!h.join(".config/kanboard/portfolios.json").exists());
    ok(h, u, &["portfolio", "migrate", "remote-to-local", "launch"]);
    let m = &store(h)["portfolios"][0]["milestones"][0];
    assert_eq!(
        (&m["task_ids"], &m["critical_task_ids"]),
        (&json!([1, 2, 4]), &json!([1]))
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_without_the_plugin_is_named() {
    let (server, _) = serve(fake(false)).await;
    let url = common::url(&server);
    let home = tempfile::tempdir().unwrap();
    let r = run(
        home.path(),
        Some(&url),
        &["--portfolio-backend", "remote", "portfolio", "list"],
    );
    assert_eq!(r.code, Some(7), "{}", r.err);
    common::one_error_line(r.err.as_bytes());
    assert!(
        r.err.contains("does not have the Portfolio plugin"),
        "{}",
        r.err
    );
    let out = ok(home.path(), Some(&url), &["portfolio", "migrate", "status"]);
    assert!(out.contains("Plugin detected  : No"), "{out}");
}

#[tokio::test(flavor = "multi_thread")]
async fn schema_drift_exits_8_when_the_server_differs() {
    // A server that knows no method at all: every schema method is missing there.
    let server = MockServer::start().await;
    Mock::given(matchers::method("POST"))
        .respond_with(|req: &Request| {
            each_call(
                req,
                |_| json!({"error": {"code": -32601, "message": "Method not found"}}),
            )
        })
        .mount(&server)
        .await;
    let home = tempfile::tempdir().unwrap();
    let r = run(
        home.path(),
        Some(&common::url(&server)),
        &["schema", "drift"],
    );
    assert_eq!(r.code, Some(8), "{}", r.err);
    assert!(r.out.contains("differences:"), "{}", r.out);
    assert!(
        r.out
            .contains("getTask: in the schema, missing on the server"),
        "{}",
        r.out
    );
    common::one_error_line(r.err.as_bytes());
    let r = run(
        home.path(),
        Some(&common::url(&server)),
        &["-o", "json", "schema", "drift"],
    );
    assert_eq!(r.code, Some(8));
    let v: Value = serde_json::from_str(&r.out).unwrap();
    assert_eq!(v["clean"], false);
}

#[tokio::test(flavor = "multi_thread")]
async fn remote_portfolio_show_reads_the_portfolio_once() {
    let (server, _) = serve(fake(true)).await;
    let url = common::url(&server);
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let remote = |args: &[&str]| {
        let mut all = vec!["--portfolio-backend", "remote"];
        all.extend_from_slice(args);
        ok(h, Some(&url), &all)
    };
    remote(&["portfolio", "create", "launch"]);
    remote(&["portfolio", "add-project", "launch", "1"]);
    remote(&[
        "milestone",
        "create",
        "launch",
        "Beta",
        "--target-date",
        "2026-06-30",
    ]);
    remote(&["milestone", "add-task", "launch", "Beta", "1"]);
    let before = server.received_requests().await.unwrap().len();
    let out = remote(&["portfolio", "show", "launch"]);
    assert!(out.contains("Beta"), "{out}");
    let used = server.received_requests().await.unwrap().len() - before;
    println!("remote `portfolio show`: {used} HTTP requests");
    // One read of the portfolio (its row, its milestones, their tasks), then the analysis's
    // two rounds of batches: the portfolio is not read a second time.
    assert!(used <= 5, "{used} requests");
}

/// Writes the local store through `edit`, as another tool (or a hand) would.
fn edit_store(home: &Path, edit: impl FnOnce(&mut Value)) {
    let mut v = store(home);
    edit(&mut v);
    std::fs::write(
        home.join(".config/kanboard/portfolios.json"),
        serde_json::to_string_pretty(&v).unwrap(),
    )
    .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn migrate_to_the_server_names_what_it_refuses_in_the_dry_run_and_counts_it_as_failed() {
    let (server, state) = serve(fake(true)).await;
    let url = common::url(&server);
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    // Locally (no server to check against): project 9 does not exist on the server, task 3 is
    // in project 2 (not in the portfolio), task 99 does not exist.
    ok(h, None, &["portfolio", "create", "launch"]);
    ok(h, None, &["portfolio", "add-project", "launch", "1"]);
    ok(h, None, &["portfolio", "add-project", "launch", "9"]);
    ok(h, None, &["milestone", "create", "launch", "Beta"]);
    for t in ["1", "3", "99"] {
        ok(h, None, &["milestone", "add-task", "launch", "Beta", t]);
    }
    let u = Some(url.as_str());
    let refusals = [
        "portfolio \"launch\": project #9 does not exist on the server",
        "milestone \"Beta\": task #3 is in project #2, which is not in the portfolio",
        "milestone \"Beta\": task #99 does not exist on the server",
    ];

    let before = server.received_requests().await.unwrap().len();
    let args = [
        "portfolio",
        "migrate",
        "local-to-remote",
        "launch",
        "--dry-run",
    ];
    let r = run(h, u, &args);
    let requests = server.received_requests().await.unwrap().len() - before;
    assert_eq!(r.code, Some(1), "{}{}", r.out, r.err);
    for what in refusals {
        assert!(
            r.out.contains(&format!(
                "[dry-run]   ✗ would be refused on the server: {what}\n"
            )),
            "{what}: {}",
            r.out
        );
    }
    assert!(!r.out.contains("migrated successfully"), "{}", r.out);
    assert!(
        r.out.ends_with(
            "[dry-run] Portfolio 'launch' would be migrated without 3 items refused on the server.\n\
             \n[dry-run] Migrated 0 portfolios (1 failed).\n"
        ),
        "{}",
        r.out
    );
    assert_eq!(
        common::one_error_line(r.err.as_bytes()),
        "error: 1 of 1 portfolio would fail to migrate: 'launch' (3 items would be refused); the items are listed above\n"
    );
    // The conflict check, then one batch for every project and task.
    assert_eq!(requests, 2, "{requests} HTTP requests");
    assert!(state.lock().unwrap().portfolios.is_empty());
    let mut json_args = vec!["-o", "json"];
    json_args.extend_from_slice(&args);
    let r = run(h, u, &json_args);
    assert_eq!(r.code, Some(1));
    let v: Value = serde_json::from_str(&r.out).unwrap();
    assert_eq!(v[0]["status"], "incomplete");
    assert_eq!(v[0]["refused"], json!(refusals));

    // The real run copies what the server takes, names the rest and fails.
    let r = run(h, u, &["portfolio", "migrate", "local-to-remote", "launch"]);
    assert_eq!(r.code, Some(1), "{}{}", r.out, r.err);
    for what in refusals {
        assert!(
            r.out
                .contains(&format!("  ✗ refused on the server: {what}\n")),
            "{what}: {}",
            r.out
        );
    }
    assert!(
        r.out.ends_with(
            "Portfolio 'launch' migrated without 3 items refused on the server.\n\
             \nMigrated 0 portfolios (1 failed).\n"
        ),
        "{}",
        r.out
    );
    assert_eq!(
        common::one_error_line(r.err.as_bytes()),
        "error: 1 of 1 portfolio failed to migrate: 'launch' (3 items refused); the items are listed above\n"
    );
    let kb = state.lock().unwrap();
    assert_eq!(kb.portfolios[0].projects, vec![1]);
    assert_eq!(kb.portfolios[0].milestones[0].tasks, vec![(1, false)]);
}

#[tokio::test(flavor = "multi_thread")]
async fn migrate_keeps_the_order_of_projects_and_milestone_tasks_as_positions() {
    let (server, state) = serve(fake(true)).await;
    let url = common::url(&server);
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let u = Some(url.as_str());
    ok(h, None, &["portfolio", "create", "launch"]);
    ok(h, None, &["portfolio", "add-project", "launch", "2"]);
    ok(h, None, &["portfolio", "add-project", "launch", "1"]);
    ok(h, None, &["milestone", "create", "launch", "Beta"]);
    for t in ["3", "1", "2"] {
        ok(h, None, &["milestone", "add-task", "launch", "Beta", t]);
    }
    ok(h, u, &["portfolio", "migrate", "local-to-remote", "launch"]);
    let positions = |kb: &FakeKanboard| {
        let p = &kb.portfolios[0];
        let m = &p.milestones[0];
        (
            p.projects
                .iter()
                .map(|id| (*id, p.project_positions[id]))
                .collect::<Vec<_>>(),
            m.tasks
                .iter()
                .map(|(id, _)| (*id, m.task_positions[id]))
                .collect::<Vec<_>>(),
        )
    };
    assert_eq!(
        positions(&state.lock().unwrap()),
        (vec![(2, 1), (1, 2)], vec![(3, 1), (1, 2), (2, 3)])
    );
    // Added afterwards on the server: after the last one, not before the first.
    let remote = ["--portfolio-backend", "remote"];
    ok(
        h,
        u,
        &[
            &remote[..],
            &["milestone", "add-task", "launch", "Beta", "5"],
        ]
        .concat(),
    );
    ok(
        h,
        u,
        &[
            &remote[..],
            &["portfolio", "add-project", "launch", "2"], // already there: no change
        ]
        .concat(),
    );
    assert_eq!(
        positions(&state.lock().unwrap()).1,
        vec![(3, 1), (1, 2), (2, 3), (5, 4)]
    );
    // And back: the store gets the server's order.
    std::fs::remove_file(h.join(".config/kanboard/portfolios.json")).unwrap();
    ok(h, u, &["portfolio", "migrate", "remote-to-local", "launch"]);
    let p = &store(h)["portfolios"][0];
    assert_eq!(
        (&p["project_ids"], &p["milestones"][0]["task_ids"]),
        (&json!([2, 1]), &json!([3, 1, 2, 5]))
    );
}

/// The server's `launch`: project 1, milestone Beta (2026-06-30) with tasks 1 and 5, none
/// critical.
fn server_launch(kb: &mut FakeKanboard) {
    kb.portfolios.push(kanboard_test_support::FakePortfolio {
        id: 1,
        name: "launch".into(),
        description: "Q3 launch".into(),
        projects: vec![1],
        project_positions: [(1, 1)].into(),
        milestones: vec![kanboard_test_support::FakeMilestone {
            id: 2,
            name: "Beta".into(),
            target: Some(1_782_777_600),
            tasks: vec![(1, false), (5, false)],
            task_positions: [(1, 1), (5, 2)].into(),
            ..Default::default()
        }],
        ..Default::default()
    });
}

#[tokio::test(flavor = "multi_thread")]
async fn overwriting_the_local_store_names_the_local_data_it_drops() {
    let mut kb = fake(true);
    server_launch(&mut kb);
    let (server, _state) = serve(kb).await;
    let url = common::url(&server);
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let u = Some(url.as_str());
    build_portfolio(h, None); // projects 1 and 2; Beta: 1 (critical), 2, 4
    ok(h, None, &["milestone", "create", "launch", "Local only"]);
    ok(
        h,
        None,
        &["milestone", "add-task", "launch", "Local only", "5"],
    );
    edit_store(h, |v| {
        let p = &mut v["portfolios"][0];
        p["colour"] = json!("teal");
        p["milestones"][0]["target_date"] = json!("2026-06-30T17:30:00");
    });
    let dropped = [
        "portfolio \"launch\": field \"colour\" = \"teal\" (the server's copy has none)",
        "portfolio \"launch\": project(s) #2 (not in the server's copy)",
        "milestone \"Beta\": target date 2026-06-30T17:30:00 (the server's copy has 2026-06-30T00:00:00)",
        "milestone \"Beta\": task(s) #2, #4 (not in the server's copy)",
        "milestone \"Beta\": the critical flag of task(s) #1 (not in the server's copy)",
        "milestone \"Local only\" and its task(s) #5 (not in the server's copy)",
    ];
    let before = store(h);
    let args = [
        "portfolio",
        "migrate",
        "remote-to-local",
        "launch",
        "--on-conflict",
        "overwrite",
    ];
    let out = ok(h, u, &[&args[..], &["--dry-run"]].concat());
    for what in dropped {
        assert!(
            out.contains(&format!(
                "[dry-run]   ⚠ not kept in the local store: {what}\n"
            )),
            "{what}: {out}"
        );
    }
    assert_eq!(store(h), before, "a dry run writes nothing");

    let out = ok(h, u, &[&args[..], &["--yes"]].concat());
    for what in dropped {
        assert!(
            out.contains(&format!("  ⚠ not kept in the local store: {what}\n")),
            "{what}: {out}"
        );
    }
    let p = &store(h)["portfolios"][0];
    assert_eq!(p["project_ids"], json!([1]));
    assert!(p.get("colour").is_none(), "{p}");
    // Nothing is named when the copies agree.
    let out = ok(h, u, &[&args[..], &["--yes"]].concat());
    assert!(!out.contains('⚠'), "{out}");
}

#[tokio::test(flavor = "multi_thread")]
async fn plugin_fields_kanboard_cli_dropped_are_named_when_a_migration_resets_them() {
    let docs = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/orchestration.md"),
    )
    .unwrap();
    let docs = docs.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        docs.contains("kanboard-cli 1.2.4 drops the plugin's fields from a store it writes to"),
        "docs/orchestration.md does not warn about kanboard-cli dropping the plugin's fields"
    );

    let mut kb = fake(true);
    server_launch(&mut kb);
    {
        let p = &mut kb.portfolios[0];
        p.owner_id = 1;
        p.inactive = true;
        let m = &mut p.milestones[0];
        m.description = "first cut".into();
        m.color_id = "red".into();
        m.owner_id = 1;
        m.status = Some(2);
    }
    let (server, state) = serve(kb).await;
    let url = common::url(&server);
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let u = Some(url.as_str());
    ok(h, u, &["portfolio", "migrate", "remote-to-local", "launch"]);
    let p = &store(h)["portfolios"][0];
    assert_eq!(
        (&p["owner_id"], &p["is_active"]),
        (&json!(1), &json!(false))
    );
    assert_eq!(p["milestones"][0]["color_id"], "red");

    // kanboard-cli's first write to the shared store drops them (what the docs warn about).
    let kanboard_cli = Path::new("/opt/kanboard-cli-venv/bin/kanboard");
    if kanboard_cli.exists() {
        let o = std::process::Command::new(kanboard_cli)
            .args(["portfolio", "create", "other"])
            .env("HOME", h)
            .env_remove("KANBOARD_URL")
            .env_remove("KANBOARD_TOKEN")
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let p = &store(h)["portfolios"][0];
        for k in ["owner_id", "is_active"] {
            assert!(p.get(k).is_none(), "{k} kept by kanboard-cli: {p}");
        }
        for k in ["description", "color_id", "owner_id", "status"] {
            assert!(p["milestones"][0].get(k).is_none(), "{k} kept: {p}");
        }
    } else {
        eprintln!(
            "kanboard-cli is not installed ({}): its write is imitated",
            kanboard_cli.display()
        );
        edit_store(h, |v| {
            let p = v["portfolios"][0].as_object_mut().unwrap();
            p.remove("owner_id");
            p.remove("is_active");
            let m = p["milestones"][0].as_object_mut().unwrap();
            for k in ["description", "color_id", "owner_id", "status"] {
                m.remove(k);
            }
        });
    }

    // Migrating back over the server's copy names each field going back to its default.
    let out = ok(
        h,
        u,
        &[
            "portfolio",
            "migrate",
            "local-to-remote",
            "launch",
            "--on-conflict",
            "overwrite",
            "--yes",
        ],
    );
    for what in [
        "portfolio \"launch\": field \"owner_id\" = 1 (the local copy has none)",
        "portfolio \"launch\": field \"is_active\" = false (the local copy has none)",
        "milestone \"Beta\": field \"description\" = \"first cut\" (the local copy has none)",
        "milestone \"Beta\": field \"color_id\" = \"red\" (the local copy has none)",
        "milestone \"Beta\": field \"owner_id\" = 1 (the local copy has none)",
        "milestone \"Beta\": field \"status\" = 2 (the local copy has none)",
    ] {
        assert!(
            out.contains(&format!("  ⚠ not kept on the server: {what}\n")),
            "{what}: {out}"
        );
    }
    let kb = state.lock().unwrap();
    let p = &kb.portfolios[0];
    let m = &p.milestones[0];
    assert_eq!((p.owner_id, p.inactive), (0, false));
    assert_eq!(
        (
            m.description.as_str(),
            m.color_id.as_str(),
            m.owner_id,
            m.status
        ),
        ("", "", 0, None)
    );
}
