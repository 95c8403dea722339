//! The portfolio's tasks and the dependency analyses: one snapshot of tasks and links, read in
//! batched rounds, then computed here.

use crate::ctx::Ctx;
use crate::failure::Failure;
use crate::orch;
use crate::output::Outcome;
use crate::portfolio_view as view;
use crate::progress;
use clap::ArgMatches;
use kanboard::config::OutputFormat;
use kanboard::orchestration::{
    DependencySnapshot, PortfolioBackend, PortfolioManager, TaskFilter, TaskStatus,
};
use serde_json::{Value, json};
use std::collections::HashMap;

/// Project names of a portfolio's projects (one batched round).
pub(super) async fn project_names<B: PortfolioBackend>(
    ctx: &Ctx,
    manager: &PortfolioManager<B>,
    name: &str,
) -> Result<HashMap<i64, String>, Failure> {
    Ok(manager
        .portfolio_projects(name)
        .await
        .map_err(|e| orch::fail(ctx, e))?
        .into_iter()
        .map(|p| (p.id.get(), p.name))
        .collect())
}

pub(super) async fn tasks(ctx: &Ctx, name: &str, m: &ArgMatches) -> Result<Outcome, Failure> {
    let manager = orch::manager(ctx)?;
    let mut filter = TaskFilter::new().status(
        match m
            .get_one::<String>("status")
            .map(|s| s.to_ascii_lowercase())
            .as_deref()
        {
            Some("closed") => TaskStatus::Closed,
            Some("all") => TaskStatus::All,
            _ => TaskStatus::Active,
        },
    );
    if let Some(p) = m.get_one::<i64>("project") {
        filter = filter.project(*p);
    }
    if let Some(u) = m.get_one::<i64>("assignee") {
        filter = filter.assignee(*u);
    }
    let pb = progress::stages(2, "portfolio tasks");
    pb.set_message("tasks");
    let found = manager
        .portfolio_tasks(name, &filter)
        .await
        .map_err(|e| orch::fail(ctx, e))?;
    pb.inc(1);
    pb.set_message("project names");
    let names = project_names(ctx, &manager, name).await?;
    pb.finish_and_clear();
    let rows = found
        .iter()
        .map(|t| {
            let mut row = serde_json::to_value(t).unwrap_or_default();
            if let Value::Object(o) = &mut row {
                o.insert(
                    "project_name".into(),
                    json!(names.get(&t.project_id.get()).cloned().unwrap_or_default()),
                );
            }
            row
        })
        .collect();
    Ok(Outcome::Listing(
        Value::Array(rows),
        vec![
            "id",
            "title",
            "project_name",
            "column_id",
            "owner_id",
            "date_due",
            "priority",
        ],
    ))
}

/// The portfolio's open tasks and every blocking link touching them: two rounds of batched
/// requests, with a progress line on a terminal.
pub(super) async fn snapshot(ctx: &Ctx, name: &str) -> Result<DependencySnapshot, Failure> {
    let manager = orch::manager(ctx)?;
    let pb = progress::stages(2, "portfolio analysis");
    pb.set_message("open tasks");
    let open = manager
        .portfolio_tasks(name, &TaskFilter::new())
        .await
        .map_err(|e| orch::fail(ctx, e))?;
    pb.inc(1);
    pb.set_message(format!("links of {} tasks", open.len()));
    let snap = manager
        .dependencies()
        .snapshot(&open)
        .await
        .map_err(|e| orch::fail(ctx, e))?;
    pb.finish_and_clear();
    Ok(snap)
}

/// The critical path's ids, or none (with a note on stderr) when the links form a cycle: a
/// graph is still worth drawing then.
pub(super) fn path_or_note(snap: &DependencySnapshot) -> Vec<i64> {
    match snap.critical_path() {
        Ok(p) => p.iter().map(|t| t.id.get()).collect(),
        Err(e) => {
            crate::terminal_text::warn(&format!("note: no critical path drawn: {e}"));
            Vec::new()
        }
    }
}

pub(super) const EDGE_COLUMNS: [&str; 9] = [
    "task_id",
    "task_title",
    "task_project_name",
    "opposite_task_id",
    "opposite_task_title",
    "opposite_task_project_name",
    "link_label",
    "is_cross_project",
    "is_resolved",
];

pub(super) async fn dependencies(
    ctx: &Ctx,
    name: &str,
    m: &ArgMatches,
) -> Result<Outcome, Failure> {
    let cross = m.get_flag("cross-project-only");
    let format = match m.get_one::<String>("format") {
        Some(f) => f.to_ascii_lowercase(),
        None if ctx.format() == OutputFormat::Table => "graph".into(),
        None => "table".into(),
    };
    let snap = snapshot(ctx, name).await?;
    Ok(match format.as_str() {
        "table" => Outcome::Listing(
            serde_json::to_value(snap.edges(cross)).unwrap_or_default(),
            EDGE_COLUMNS.to_vec(),
        ),
        "graph" => Outcome::Text(view::graph_text(&snap.graph(cross), cross)),
        other => {
            let graph = snap.graph(cross).highlight(path_or_note(&snap));
            match other {
                "dot" => Outcome::Text(graph.to_dot()),
                "mermaid" => Outcome::Text(graph.to_mermaid()),
                _ => Outcome::Text(pretty(&serde_json::to_value(&graph).unwrap_or_default())),
            }
        }
    })
}

pub(super) fn pretty(v: &Value) -> String {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_default();
    s.push('\n');
    s
}

pub(super) async fn blocked(
    ctx: &Ctx,
    name: &str,
    blocked: bool,
    m: &ArgMatches,
) -> Result<Outcome, Failure> {
    let cross = m.get_flag("cross-project-only");
    let snap = snapshot(ctx, name).await?;
    let project = |name: &str, id: i64| {
        if name.is_empty() {
            format!("Project #{id}")
        } else {
            name.to_owned()
        }
    };
    let groups = if blocked {
        snap.blocked_tasks()
    } else {
        snap.blocking_tasks()
    };
    let mut rows = Vec::new();
    for (task, edges) in groups {
        for e in edges.iter().filter(|e| !cross || e.is_cross_project) {
            rows.push(if blocked {
                json!({"task_id": task.id, "title": task.title,
                   "project": project(&e.opposite_task_project_name, e.opposite_task_project_id),
                   "blocked_by_task": format!("#{} {}", e.task_id, e.task_title),
                   "blocked_by_project": project(&e.task_project_name, e.task_project_id),
                   "blocked_by_task_id": e.task_id, "is_cross_project": e.is_cross_project})
            } else {
                json!({"task_id": task.id, "title": task.title,
                   "project": project(&e.task_project_name, e.task_project_id),
                   "blocks_task": format!("#{} {}", e.opposite_task_id, e.opposite_task_title),
                   "blocks_project": project(&e.opposite_task_project_name, e.opposite_task_project_id),
                   "blocks_task_id": e.opposite_task_id, "is_cross_project": e.is_cross_project})
            });
        }
    }
    let columns = if blocked {
        vec![
            "task_id",
            "title",
            "project",
            "blocked_by_task",
            "blocked_by_project",
        ]
    } else {
        vec![
            "task_id",
            "title",
            "project",
            "blocks_task",
            "blocks_project",
        ]
    };
    Ok(Outcome::Listing(Value::Array(rows), columns))
}

pub(super) async fn critical_path(
    ctx: &Ctx,
    name: &str,
    m: &ArgMatches,
) -> Result<Outcome, Failure> {
    let format = m
        .get_one::<String>("format")
        .map(|f| f.to_ascii_lowercase())
        .unwrap_or_else(|| "table".into());
    let snap = snapshot(ctx, name).await?;
    let path = snap.critical_path().map_err(|e| orch::fail(ctx, e))?;
    let edges = snap.edges(false);
    let ids: Vec<i64> = path.iter().map(|t| t.id.get()).collect();
    let names: HashMap<i64, String> = snap
        .graph(false)
        .nodes
        .into_iter()
        .filter(|n| !n.project_name.is_empty())
        .map(|n| (n.project_id, n.project_name))
        .collect();
    let graph = || view::path_graph(snap.graph(false), &ids);
    if ids.is_empty() && matches!(format.as_str(), "dot" | "mermaid") {
        crate::terminal_text::warn(
            "note: no critical path: no open task of the portfolio blocks another",
        );
    }
    Ok(match format.as_str() {
        "dot" => Outcome::Text(graph().to_dot()),
        "mermaid" => Outcome::Text(graph().to_mermaid()),
        "json" => Outcome::Text(pretty(&view::critical_path_rows(&path, &edges, &names))),
        _ => Outcome::Report(
            view::critical_path_text(&path, &edges),
            view::critical_path_rows(&path, &edges, &names),
        ),
    })
}
