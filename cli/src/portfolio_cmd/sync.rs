//! `portfolio sync`: the portfolio's metadata keys written to (and stale ones removed from) the
//! server's projects and tasks.

use crate::ctx::Ctx;
use crate::failure::Failure;
use crate::orch;
use crate::output::Outcome;
use crate::progress;
use kanboard::orchestration::BackendKind;
use serde_json::{Value, json};

pub(super) async fn sync(ctx: &Ctx, name: &str) -> Result<Outcome, Failure> {
    if orch::backend_kind(ctx)? == BackendKind::Remote {
        let text = "Portfolio sync is a no-op for the remote backend — data is already managed server-side.";
        return Ok(Outcome::Report(
            format!("{text}\n"),
            json!({"status": "skipped", "message": text}),
        ));
    }
    let manager = orch::manager(ctx)?;
    let pb = progress::stages(1, "portfolio sync");
    pb.set_message("reading and writing metadata");
    let r = manager
        .sync_metadata(name)
        .await
        .map_err(|e| orch::fail(ctx, e))?;
    pb.finish_and_clear();
    let mut text = format!(
        "Synced {} projects, {} tasks.\n",
        r.projects_synced, r.tasks_synced
    );
    text.push_str(&format!(
        "{} keys written, {} stale keys removed.\n",
        r.keys_written,
        r.removed_project_keys.len() + r.removed_task_keys.len()
    ));
    let ids = |v: &[i64]| {
        v.iter()
            .map(|i| format!("#{i}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if !r.missing_projects.is_empty() {
        text.push_str(&format!(
            "Projects no longer on the server: {}\n",
            ids(&r.missing_projects)
        ));
    }
    if !r.missing_tasks.is_empty() {
        text.push_str(&format!(
            "Milestone tasks no longer on the server: {}\n",
            ids(&r.missing_tasks)
        ));
    }
    let keys = |v: &[(i64, String)]| -> Value {
        v.iter()
            .map(|(id, key)| json!({"id": id, "key": key}))
            .collect()
    };
    Ok(Outcome::Report(
        text,
        json!({"projects_synced": r.projects_synced, "tasks_synced": r.tasks_synced,
               "keys_written": r.keys_written,
               "removed_project_keys": keys(&r.removed_project_keys),
               "removed_task_keys": keys(&r.removed_task_keys),
               "missing_projects": r.missing_projects, "missing_tasks": r.missing_tasks}),
    ))
}
