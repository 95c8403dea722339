//! kanboard-cli's `portfolio` commands (the orchestration ones, beside the plugin's generated
//! `create-portfolio` & co. in the same group): portfolios kept in the local store file or by
//! the server's plugin, and the analyses computed from the server's tasks and links.

use crate::ctx::Ctx;
use crate::failure::{Exit, Failure};
use crate::node::{Handler, Node};
use crate::orch::{self, quote};
use crate::output::Outcome;
use crate::portfolio_view as view;
use crate::progress;
use clap::{Arg, ArgAction, ArgMatches, Command};
use kanboard::config::OutputFormat;
use kanboard::orchestration::{
    BackendKind, DependencySnapshot, Error, PortfolioBackend, PortfolioManager, TaskFilter,
    TaskStatus,
};
use serde_json::{Value, json};
use std::collections::HashMap;

pub fn name_arg() -> Arg {
    Arg::new("name")
        .value_name("NAME")
        .required(true)
        .help("Portfolio name (case-sensitive)")
}

pub fn int_arg(id: &'static str, help: &'static str) -> Arg {
    Arg::new(id)
        .value_name(id.to_uppercase())
        .required(true)
        .value_parser(clap::value_parser!(i64))
        .help(help)
}

fn cmd(name: &'static str, about: &str) -> Command {
    Command::new(name).about(format!("{about} [kanboard-cli's `portfolio {name}`]"))
}

fn cross_arg() -> Arg {
    Arg::new("cross-project-only")
        .long("cross-project-only")
        .action(ArgAction::SetTrue)
        .help("Only links between tasks of different projects")
}

/// The orchestration commands of the `portfolios` group.
/// Where portfolios and milestones live, for the groups' long help.
pub const ORCHESTRATION: &str = "\
kanboard-cli's portfolio and milestone commands (list, show, create, remove, add-project, tasks,
dependencies, critical-path, migrate, ...) keep portfolios in the local store
~/.config/kanboard/portfolios.json (the file kanboard-cli uses) or, with --portfolio-backend remote
(KANBOARD_PORTFOLIO_BACKEND, `portfolio_backend` in the profile), in the server's Portfolio plugin.
Tasks, links and progress always come from the server.";

/// kanboard-cli's `portfolio` group: the orchestration commands over the configured backend.
pub fn node() -> Node {
    let group = Command::new("portfolio")
        .about("Portfolios: kanboard-cli's commands, over the local store or the server plugin (see --portfolio-backend)")
        .long_about(ORCHESTRATION)
        .subcommand_required(true)
        .arg_required_else_help(true)
        .subcommands(commands());
    Node::leaf(
        group,
        Handler::Fn(|ctx, m| {
            Box::pin(async move {
                let (sub, sm) = m
                    .subcommand()
                    .ok_or_else(|| Failure::usage("a portfolio command is needed"))?;
                match run(ctx, sub, sm).await {
                    Some(done) => done.map(Some),
                    None => Err(Failure::usage(format!("unknown command `portfolio {sub}`"))),
                }
            })
        }),
    )
}

fn commands() -> Vec<Command> {
    vec![
        cmd("list", "List the portfolios of the configured backend"),
        cmd("show", "A portfolio's summary and milestone progress").arg(name_arg()),
        cmd("create", "Create a portfolio").arg(name_arg()).arg(
            Arg::new("description")
                .long("description")
                .short('d')
                .value_name("TEXT")
                .default_value("")
                .help("Description"),
        ),
        cmd("remove", "Remove a portfolio (its projects and tasks stay)")
            .arg(name_arg())
            .arg(crate::prompt::yes_arg()),
        cmd("add-project", "Add a project to a portfolio (checked on the server when one is configured)")
            .arg(name_arg())
            .arg(int_arg("project_id", "Project id")),
        cmd("remove-project", "Take a project out of a portfolio")
            .arg(name_arg())
            .arg(int_arg("project_id", "Project id"))
            .arg(crate::prompt::yes_arg()),
        cmd("tasks", "Tasks of the portfolio's projects")
            .arg(name_arg())
            .arg(
                Arg::new("status")
                    .long("status")
                    .value_name("STATUS")
                    .value_parser(["active", "closed", "all"])
                    .ignore_case(true)
                    .default_value("active")
                    .help("Open tasks, closed ones, or both"),
            )
            .arg(
                Arg::new("project")
                    .long("project")
                    .value_name("PROJECT_ID")
                    .value_parser(clap::value_parser!(i64))
                    .help("Only this project's tasks"),
            )
            .arg(
                Arg::new("assignee")
                    .long("assignee")
                    .value_name("USER_ID")
                    .value_parser(clap::value_parser!(i64))
                    .help("Only tasks assigned to this user"),
            ),
        cmd("sync", "Write kanboard-cli's portfolio and milestone metadata keys on the projects and tasks, and remove the stale ones")
            .arg(name_arg()),
        cmd("dependencies", "Blocking links between the portfolio's open tasks")
            .arg(name_arg())
            .arg(cross_arg())
            .arg(
                Arg::new("format")
                    .long("format")
                    .value_name("FORMAT")
                    .value_parser(["graph", "table", "json", "dot", "mermaid"])
                    .ignore_case(true)
                    .help("graph (text, the default with -o table), table (rows in the -o format, the default otherwise), json (nodes and edges), dot (Graphviz), mermaid; the critical path is drawn in red"),
            ),
        cmd("blocked", "Open tasks held by an open blocker")
            .arg(name_arg())
            .arg(cross_arg()),
        cmd("blocking", "Open tasks holding other tasks")
            .arg(name_arg())
            .arg(cross_arg()),
        cmd("critical-path", "The longest chain of open blocking links")
            .arg(name_arg())
            .arg(
                Arg::new("format")
                    .long("format")
                    .value_name("FORMAT")
                    .value_parser(["table", "json", "dot", "mermaid"])
                    .ignore_case(true)
                    .help("table (the -o format, the default), json, dot (Graphviz) or mermaid (the chain alone)"),
            ),
        crate::migrate_cmd::command(),
    ]
}

fn name(m: &ArgMatches) -> String {
    m.try_get_one::<String>("name")
        .ok()
        .flatten()
        .cloned()
        .unwrap_or_default()
}

fn id(m: &ArgMatches, arg: &str) -> i64 {
    m.try_get_one::<i64>(arg)
        .ok()
        .flatten()
        .copied()
        .unwrap_or_default()
}

/// Runs a `portfolio` command; `None` when `sub` is not one of them.
async fn run(ctx: &Ctx, sub: &str, m: &ArgMatches) -> Option<Result<Outcome, Failure>> {
    Some(match sub {
        "list" => list(ctx).await,
        "show" => show(ctx, &name(m)).await,
        "create" => {
            let desc = m
                .get_one::<String>("description")
                .cloned()
                .unwrap_or_default();
            create(ctx, &name(m), &desc).await
        }
        "remove" => remove(ctx, &name(m), m).await,
        "add-project" => add_project(ctx, &name(m), id(m, "project_id")).await,
        "remove-project" => remove_project(ctx, &name(m), id(m, "project_id"), m).await,
        "tasks" => tasks(ctx, &name(m), m).await,
        "sync" => sync(ctx, &name(m)).await,
        "dependencies" => dependencies(ctx, &name(m), m).await,
        "blocked" | "blocking" => blocked(ctx, &name(m), sub == "blocked", m).await,
        "critical-path" => critical_path(ctx, &name(m), m).await,
        "migrate" => crate::migrate_cmd::run(ctx, m).await,
        _ => return None,
    })
}

async fn list(ctx: &Ctx) -> Result<Outcome, Failure> {
    let (backend, _) = orch::backend(ctx)?;
    let all = backend.load().await.map_err(|e| orch::fail(ctx, e))?;
    let rows = all
        .iter()
        .map(|p| {
            json!({"name": p.name, "description": p.description,
                   "project_count": p.project_ids.len(), "milestone_count": p.milestones.len(),
                   "project_ids": p.project_ids})
        })
        .collect();
    Ok(Outcome::Listing(
        Value::Array(rows),
        vec!["name", "description", "project_count", "milestone_count"],
    ))
}

async fn create(ctx: &Ctx, name: &str, description: &str) -> Result<Outcome, Failure> {
    let (backend, _) = orch::backend(ctx)?;
    backend
        .create_portfolio(name, description, &[])
        .await
        .map_err(|e| orch::fail(ctx, e))?;
    Ok(Outcome::Done(format!("Portfolio '{name}' created.")))
}

async fn remove(ctx: &Ctx, name: &str, m: &ArgMatches) -> Result<Outcome, Failure> {
    crate::prompt::confirm_removal(m, &format!("Remove portfolio '{name}'?"))?;
    let (backend, _) = orch::backend(ctx)?;
    let removed = backend
        .remove_portfolio(name)
        .await
        .map_err(|e| orch::fail(ctx, e))?;
    if !removed {
        return Err(orch::fail(
            ctx,
            Error::PortfolioNotFound { name: name.into() },
        ));
    }
    Ok(Outcome::Done(format!("Portfolio '{name}' removed.")))
}

async fn add_project(ctx: &Ctx, name: &str, project_id: i64) -> Result<Outcome, Failure> {
    let (backend, kb) = orch::backend(ctx)?;
    if let Some(kb) = kb {
        // As kanboard-cli: a project the server does not have is not added.
        match kb.projects().get_project_by_id(project_id).send().await {
            Ok(_) => {}
            Err(e) if e.is_not_found() => {
                return Err(Failure::new(
                    Exit::NotFound,
                    format!("project #{project_id} not found on the server"),
                )
                .hint("see kanboard project list"));
            }
            Err(e) => return Err(ctx.fail(e)),
        }
    }
    backend
        .add_project(name, project_id)
        .await
        .map_err(|e| orch::fail(ctx, e))?;
    Ok(Outcome::Done(format!(
        "Project #{project_id} added to portfolio '{name}'."
    )))
}

async fn remove_project(
    ctx: &Ctx,
    name: &str,
    project_id: i64,
    m: &ArgMatches,
) -> Result<Outcome, Failure> {
    crate::prompt::confirm_removal(
        m,
        &format!("Remove project #{project_id} from portfolio '{name}'?"),
    )?;
    let (backend, _) = orch::backend(ctx)?;
    let p = backend
        .get_portfolio(name)
        .await
        .map_err(|e| orch::fail(ctx, e))?;
    if !p.project_ids.contains(&project_id) {
        return Err(Failure::new(
            Exit::NotFound,
            format!("project #{project_id} is not in portfolio '{name}'"),
        )
        .hint(format!("see kanboard portfolio show {}", quote(name))));
    }
    backend
        .remove_project(name, project_id)
        .await
        .map_err(|e| orch::fail(ctx, e))?;
    Ok(Outcome::Done(format!(
        "Project #{project_id} removed from portfolio '{name}'."
    )))
}

/// Project names of a portfolio's projects (one batched round).
async fn project_names<B: PortfolioBackend>(
    ctx: &Ctx,
    manager: &PortfolioManager<B>,
    name: &str,
) -> Result<HashMap<i64, String>, Failure> {
    Ok(manager
        .portfolio_projects(name)
        .await
        .map_err(|e| orch::fail(ctx, e))?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect())
}

async fn tasks(ctx: &Ctx, name: &str, m: &ArgMatches) -> Result<Outcome, Failure> {
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
                    json!(names.get(&t.project_id).cloned().unwrap_or_default()),
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

async fn sync(ctx: &Ctx, name: &str) -> Result<Outcome, Failure> {
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

/// The portfolio's open tasks and every blocking link touching them: two rounds of batched
/// requests, with a progress line on a terminal.
async fn snapshot(ctx: &Ctx, name: &str) -> Result<DependencySnapshot, Failure> {
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
fn path_or_note(snap: &DependencySnapshot) -> Vec<i64> {
    match snap.critical_path() {
        Ok(p) => p.iter().map(|t| t.id).collect(),
        Err(e) => {
            crate::terminal_text::warn(&format!("note: no critical path drawn: {e}"));
            Vec::new()
        }
    }
}

const EDGE_COLUMNS: [&str; 9] = [
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

async fn dependencies(ctx: &Ctx, name: &str, m: &ArgMatches) -> Result<Outcome, Failure> {
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

fn pretty(v: &Value) -> String {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_default();
    s.push('\n');
    s
}

async fn blocked(ctx: &Ctx, name: &str, blocked: bool, m: &ArgMatches) -> Result<Outcome, Failure> {
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

async fn critical_path(ctx: &Ctx, name: &str, m: &ArgMatches) -> Result<Outcome, Failure> {
    let format = m
        .get_one::<String>("format")
        .map(|f| f.to_ascii_lowercase())
        .unwrap_or_else(|| "table".into());
    let snap = snapshot(ctx, name).await?;
    let path = snap.critical_path().map_err(|e| orch::fail(ctx, e))?;
    let edges = snap.edges(false);
    let ids: Vec<i64> = path.iter().map(|t| t.id).collect();
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

async fn show(ctx: &Ctx, name: &str) -> Result<Outcome, Failure> {
    let (backend, kb) = orch::backend(ctx)?;
    let stored = backend
        .get_portfolio(name)
        .await
        .map_err(|e| orch::fail(ctx, e))?;
    let Some(kb) = kb else {
        crate::terminal_text::warn(
            "⚠ Warning: no Kanboard configured — showing the stored portfolio only.",
        );
        return Ok(show_outcome(&stored, None));
    };
    let manager = PortfolioManager::new(kb, backend);
    let pb = progress::stages(1, "portfolio analysis");
    pb.set_message("tasks, milestones and links");
    let analysis = manager.analyze(name).await;
    pb.finish_and_clear();
    match analysis {
        Ok(a) => Ok(show_outcome(&a.portfolio, Some(&a))),
        Err(Error::Client(e)) if e.is_connection() => {
            // As kanboard-cli: the stored data is still worth seeing.
            let f = ctx.fail(e);
            crate::terminal_text::warn(&format!(
                "⚠ Warning: {} — showing the stored portfolio only.",
                f.message
            ));
            Ok(show_outcome(&stored, None))
        }
        Err(e) => Err(orch::fail(ctx, e)),
    }
}

fn show_outcome(
    p: &kanboard::orchestration::Portfolio,
    a: Option<&kanboard::orchestration::PortfolioAnalysis>,
) -> Outcome {
    let progress = a.map(|a| a.progress.as_slice()).unwrap_or_default();
    let live = a.map(|a| (a.tasks.len(), a.dependencies.blocked_tasks().len()));
    let text = view::summary(p, progress, live);
    let mut data = json!({
        "name": p.name, "description": p.description, "project_ids": p.project_ids,
        "milestones": p.milestones.iter().map(|m| m.name.clone()).collect::<Vec<_>>(),
    });
    if let Some(a) = a {
        data["open_tasks"] = json!(a.tasks.len());
        data["blocked_tasks"] = json!(a.dependencies.blocked_tasks().len());
        data["progress"] = Value::Array(progress.iter().map(view::progress_json).collect());
    }
    Outcome::Report(text, data)
}
