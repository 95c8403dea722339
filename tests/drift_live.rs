//! The live drift probe against a real Kanboard: no drift against any release the schema
//! describes (the schema taken for the server's release, asked with getVersion), the server's
//! state unchanged by a full probe, and an edited schema copy showing exactly its three edits.
//! "Unchanged" is checked through the API and, for a server of scripts/kanboard-server.sh
//! (KANBOARD_STATE_DIR), row by row in a dump of its database: `sqlite3 .dump`, or with
//! KANBOARD_DB=postgres `pg_dump`, with KANBOARD_DB=mariadb `mariadb-dump` (see `db_state`).
//! Skipped (and says so) without KANBOARD_URL/KANBOARD_TOKEN.

mod common;
mod drift_support;

use common::{live, unique};
use drift_support::*;
use kanboard::KanboardClient;
use kanboard::drift;
use serde_json::{Value, json};

/// Everything the API shows of the server's content, read with the application token (reads
/// change nothing): projects, users, groups, links, tags, the activity stream, and per project
/// its tasks (open and closed), columns, swimlanes, categories and members.
async fn api_state(kb: &KanboardClient) -> Value {
    let get = |m: &'static str, p: Value| async move {
        kb.call(m, p).await.unwrap_or_else(|e| panic!("{m}: {e}"))
    };
    let projects = get("getAllProjects", Value::Null).await;
    let ids: Vec<i64> = projects
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_i64().unwrap())
        .collect();
    let mut per_project = Vec::new();
    for id in &ids {
        let p = json!({"project_id": id});
        per_project.push(json!({
            "open": get("getAllTasks", json!({"project_id": id, "status_id": 1})).await,
            "closed": get("getAllTasks", json!({"project_id": id, "status_id": 0})).await,
            "columns": get("getColumns", p.clone()).await,
            "swimlanes": get("getAllSwimlanes", p.clone()).await,
            "categories": get("getAllCategories", p.clone()).await,
            "users": get("getProjectUsers", p).await,
        }));
    }
    json!({
        "projects": projects,
        "users": get("getAllUsers", Value::Null).await,
        "groups": get("getAllGroups", Value::Null).await,
        "links": get("getAllLinks", Value::Null).await,
        "tags": get("getAllTags", Value::Null).await,
        "activity": get("getProjectActivities", json!({"project_ids": ids})).await,
        "per_project": per_project,
    })
}

/// Every row of every table, when the database is reachable: the database of a server started
/// by scripts/kanboard-server.sh (KANBOARD_STATE_DIR), dumped as SQL text with one `INSERT INTO`
/// line per row: the SQLite file with `sqlite3 .dump`; on PostgreSQL (KANBOARD_DB=postgres)
/// `pg_dump --inserts` over TCP as the `kanboard` user; on MariaDB `mariadb-dump` through the
/// server's unix socket as root. Without the state dir or the tool, `None`: the test then compares
/// through the API only, and says so.
fn db_state() -> Option<String> {
    let why_not = |why: &str| {
        eprintln!("database comparison SKIPPED: {why}; comparing through the API only");
        None
    };
    let Ok(dir) = std::env::var("KANBOARD_STATE_DIR") else {
        return why_not("KANBOARD_STATE_DIR is not set");
    };
    let dir = std::path::Path::new(&dir);
    let db = common::Db::from_env();
    let (tool, mut cmd) = match db {
        common::Db::Sqlite => {
            let file = dir.join("data/db.sqlite");
            if !file.exists() {
                return why_not(&format!("no {}", file.display()));
            }
            // The server may still hold a lock for a moment after answering: wait for it.
            let mut cmd = std::process::Command::new("sqlite3");
            cmd.args(["-readonly", "-bail", "-cmd", ".timeout 10000"])
                .arg(&file)
                .arg(".dump");
            ("sqlite3", cmd)
        }
        common::Db::Postgres => {
            let Ok(port) = std::fs::read_to_string(dir.join("pgsql/port")) else {
                return why_not(&format!("no {}", dir.join("pgsql/port").display()));
            };
            let mut cmd = std::process::Command::new("pg_dump");
            cmd.env("PGPASSWORD", "kanboard-test-password")
                .args(["-h", "127.0.0.1", "-p", port.trim(), "-U", "kanboard"])
                .args(["--inserts", "--no-owner", "--no-privileges", "kanboard"]);
            ("pg_dump", cmd)
        }
        common::Db::Mariadb => {
            let socket = dir.join("mariadb/mysqld.sock");
            if !socket.exists() {
                return why_not(&format!("no {}", socket.display()));
            }
            // --skip-create-options: no AUTO_INCREMENT counters, which a refused insert advances.
            let mut cmd = std::process::Command::new("mariadb-dump");
            cmd.arg("--no-defaults")
                .arg(format!("--socket={}", socket.display()))
                .args(["-u", "root", "--skip-extended-insert", "--skip-dump-date"])
                .args(["--order-by-primary", "--skip-create-options", "kanboard"]);
            ("mariadb-dump", cmd)
        }
    };
    let out = match cmd.output() {
        Ok(o) => o,
        Err(e) => return why_not(&format!("cannot run {tool}: {e}")),
    };
    let dump = String::from_utf8(out.stdout).unwrap();
    let errors = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && errors.trim().is_empty() && dump.contains("CREATE TABLE"),
        "{tool} failed on {}: {errors}",
        db.name()
    );
    // pg_dump brackets its output with `\restrict KEY` / `\unrestrict KEY`, a new random KEY
    // each run: not content.
    let dump: String = dump
        .lines()
        .filter(|l| !l.starts_with("\\restrict ") && !l.starts_with("\\unrestrict "))
        .flat_map(|l| [l, "\n"])
        .collect();
    Some(dump)
}

/// The lines of one dump missing from the other (at most 10 each way), to show what changed.
fn changed_lines(before: &str, after: &str) -> String {
    let gone = before.lines().filter(|l| !after.lines().any(|a| a == *l));
    let new = after.lines().filter(|l| !before.lines().any(|b| b == *l));
    gone.take(10)
        .map(|l| format!("- {l}"))
        .chain(new.take(10).map(|l| format!("+ {l}")))
        .collect::<Vec<_>>()
        .join("\n")
}

fn table_counts(dump: &str) -> Vec<(String, usize)> {
    let mut counts = std::collections::BTreeMap::new();
    for line in dump.lines() {
        if let Some(rest) = line.strip_prefix("INSERT INTO ") {
            let table = rest
                .split([' ', '('])
                .next()
                .unwrap()
                .trim_matches(['"', '`']);
            *counts.entry(table.to_owned()).or_insert(0) += 1;
        }
    }
    counts.into_iter().collect()
}

#[tokio::test]
async fn probe_finds_no_drift_and_changes_nothing() {
    let Some(env) = live("probe_finds_no_drift_and_changes_nothing") else {
        return;
    };
    let kb = env.app();
    // Some content a run method could touch: a project with a task, a subtask, a comment, a
    // category, a tag and metadata. Removed at the end.
    let project = kb
        .call("createProject", json!({"name": unique("drift-probe")}))
        .await
        .unwrap();
    let task = kb
        .call(
            "createTask",
            json!({"title": "probe me", "project_id": project, "tags": ["drift"]}),
        )
        .await
        .unwrap();
    for (m, p) in [
        ("createSubtask", json!({"task_id": task, "title": "sub"})),
        (
            "createComment",
            json!({"task_id": task, "user_id": 1, "content": "c"}),
        ),
        (
            "createCategory",
            json!({"project_id": project, "name": "cat"}),
        ),
        (
            "saveTaskMetadata",
            json!({"task_id": task, "values": {"k": "v"}}),
        ),
    ] {
        kb.call(m, p).await.unwrap_or_else(|e| panic!("{m}: {e}"));
    }
    let (db_before, api_before) = (db_state(), api_state(&kb).await);

    let report = drift::probe(&kb, &drift::schema(), &[core_manifest(), plugin_manifest()])
        .await
        .unwrap();
    print!("{report}");

    let (db_after, api_after) = (db_state(), api_state(&kb).await);
    assert_eq!(
        api_before, api_after,
        "the probe changed what the API shows"
    );
    if let (Some(before), Some(after)) = (&db_before, &db_after) {
        println!(
            "database unchanged: {} rows in {} tables compared on {}",
            table_counts(before).iter().map(|(_, n)| n).sum::<usize>(),
            before.matches("CREATE TABLE").count(),
            env.db.name()
        );
        assert_eq!(table_counts(before), table_counts(after));
        assert!(
            before == after,
            "the probe changed the database:\n{}",
            changed_lines(before, after)
        );
    }
    // Control: the same snapshots do see a change when a method runs.
    kb.call("updateTask", json!({"id": task, "title": "probed"}))
        .await
        .unwrap();
    assert_ne!(
        api_state(&kb).await,
        api_after,
        "the API snapshot misses a change"
    );
    if let Some(after) = &db_after {
        assert!(
            db_state().as_ref() != Some(after),
            "the database snapshot misses a change"
        );
    }
    kb.call("removeProject", json!({"project_id": project}))
        .await
        .unwrap();
    assert!(report.drift.findings.is_empty(), "{report}");
    assert!(report.stopped.is_empty(), "{report}");
    assert_eq!(report.stats.unexpected, 0, "{report}");
    assert_eq!(report.user_only.len(), 7, "{report}");
    // The schema was taken for the server's own release.
    let version = kb.call("getVersion", Value::Null).await.unwrap();
    let version = version.as_str().unwrap();
    assert_eq!(
        report.drift.release.map(|v| v.to_string()).as_deref(),
        Some(version),
        "{report}"
    );
    assert!(
        report.drift.title.starts_with(&format!(
            "schema for Kanboard {version} (since/until applied) vs the server at "
        )),
        "{report}"
    );
}

#[tokio::test]
async fn an_edited_schema_copy_shows_exactly_its_three_edits_live() {
    let Some(env) = live("an_edited_schema_copy_shows_exactly_its_three_edits_live") else {
        return;
    };
    let report = drift::probe(&env.app(), &edited_schema(), &[core_manifest()])
        .await
        .unwrap();
    print!("{report}");
    assert_eq!(lines(&report.drift.findings), THREE_EDITS, "{report}");
    assert_eq!(report.stats.unexpected, 0);
}

#[tokio::test]
async fn user_logins_are_refused_before_sending() {
    let Some(env) = live("user_logins_are_refused_before_sending") else {
        return;
    };
    let e = drift::probe(&env.admin(), &drift::schema(), &[])
        .await
        .unwrap_err();
    assert!(e.to_string().contains("needs the application token"), "{e}");
}
