//! kanboard-cli's `milestone` commands (beside the plugin's generated `create-milestone` & co.
//! in the same group): dated goals of a portfolio, their tasks and their progress.

use crate::ctx::Ctx;
use crate::failure::{Exit, Failure};
use crate::node::{Handler, Node, run_subcommand};
use crate::orch::{self, quote};
use crate::output::Outcome;
use crate::portfolio_cmd::int_arg;
use crate::portfolio_view as view;
use crate::progress;
use clap::{Arg, ArgAction, ArgMatches, Command};
use kanboard::KanboardClient;
use kanboard::orchestration::{AnyBackend, Error, PortfolioBackend, PortfolioManager, datetime};
use serde_json::{Value, json};

fn portfolio_arg() -> Arg {
    Arg::new("portfolio_name")
        .value_name("PORTFOLIO_NAME")
        .required(true)
        .help("Portfolio name (case-sensitive)")
}

fn milestone_arg(required: bool) -> Arg {
    Arg::new("milestone_name")
        .value_name("MILESTONE_NAME")
        .required(required)
        .help("Milestone name (case-sensitive)")
}

fn cmd(name: &'static str, about: &str) -> Command {
    Command::new(name).about(format!("{about} [kanboard-cli's `milestone {name}`]"))
}

/// The orchestration commands of the `milestones` group.
/// kanboard-cli's `milestone` group: the orchestration commands over the configured backend.
pub fn node() -> Node {
    let group = Command::new("milestone")
        .about("Milestones of a portfolio: kanboard-cli's commands, over the local store or the server plugin")
        .long_about(crate::portfolio_cmd::ORCHESTRATION)
        .subcommand_required(true)
        .arg_required_else_help(true)
        .subcommands(commands());
    Node::leaf(
        group,
        Handler::Fn(|ctx, m| {
            Box::pin(run_subcommand("milestone", m, move |sub, sm| {
                run(ctx, sub, sm)
            }))
        }),
    )
}

fn commands() -> Vec<Command> {
    vec![
        cmd("list", "List a portfolio's milestones").arg(portfolio_arg()),
        cmd("show", "A milestone's progress, counts and blocked tasks")
            .arg(portfolio_arg())
            .arg(milestone_arg(true)),
        cmd("create", "Create a milestone in a portfolio")
            .arg(portfolio_arg())
            .arg(milestone_arg(true))
            .arg(
                Arg::new("target-date")
                    .long("target-date")
                    .value_name("YYYY-MM-DD")
                    .help("Target date, e.g. 2026-06-30"),
            )
            .arg(
                Arg::new("description")
                    .long("description")
                    .short('d')
                    .value_name("TEXT")
                    .help("Description (kept as the milestone's `description`, the field the server plugin has)"),
            ),
        cmd("remove", "Remove a milestone (its tasks stay)")
            .arg(portfolio_arg())
            .arg(milestone_arg(true))
            .arg(crate::prompt::yes_arg()),
        cmd("add-task", "Add a task to a milestone (checked on the server when one is configured)")
            .arg(portfolio_arg())
            .arg(milestone_arg(true))
            .arg(int_arg("task_id", "Task id"))
            .arg(
                Arg::new("critical")
                    .long("critical")
                    .action(ArgAction::SetTrue)
                    .help("Mark the task critical for the milestone"),
            ),
        cmd("remove-task", "Take a task out of a milestone")
            .arg(portfolio_arg())
            .arg(milestone_arg(true))
            .arg(int_arg("task_id", "Task id"))
            .arg(crate::prompt::yes_arg()),
        cmd("progress", "Progress bars of one milestone, or of every milestone of the portfolio")
            .arg(portfolio_arg())
            .arg(milestone_arg(false)),
    ]
}

fn text(m: &ArgMatches, id: &str) -> Option<String> {
    m.try_get_one::<String>(id).ok().flatten().cloned()
}

/// Runs a `milestone` command; `None` when `sub` is not one of them.
async fn run(ctx: &Ctx, sub: &str, m: &ArgMatches) -> Option<Result<Outcome, Failure>> {
    let p = text(m, "portfolio_name").unwrap_or_default();
    let ms = text(m, "milestone_name");
    let task = m
        .try_get_one::<i64>("task_id")
        .ok()
        .flatten()
        .copied()
        .unwrap_or_default();
    let ms_name = ms.clone().unwrap_or_default();
    Some(match sub {
        "list" => list(ctx, &p).await,
        "show" => show(ctx, &p, &ms_name).await,
        "create" => create(ctx, &p, &ms_name, m).await,
        "remove" => remove(ctx, &p, &ms_name, m).await,
        "add-task" => add_task(ctx, &p, &ms_name, task, m.get_flag("critical")).await,
        "remove-task" => remove_task(ctx, &p, &ms_name, task, m).await,
        "progress" => progress_cmd(ctx, &p, ms.as_deref()).await,
        _ => return None,
    })
}

fn day(d: &Option<jiff::civil::DateTime>) -> Value {
    d.as_ref()
        .map(|d| json!(d.date().to_string()))
        .unwrap_or(Value::Null)
}

async fn list(ctx: &Ctx, portfolio: &str) -> Result<Outcome, Failure> {
    let (backend, _) = orch::backend(ctx)?;
    let p = backend
        .get_portfolio(portfolio)
        .await
        .map_err(|e| orch::fail(ctx, e))?;
    let rows = p
        .milestones
        .iter()
        .map(|m| {
            json!({"name": m.name, "target_date": day(&m.target_date),
                   "task_count": m.task_ids.len(), "critical_count": m.critical_task_ids.len(),
                   "task_ids": m.task_ids, "critical_task_ids": m.critical_task_ids})
        })
        .collect();
    Ok(Outcome::Listing(
        Value::Array(rows),
        vec!["name", "target_date", "task_count", "critical_count"],
    ))
}

async fn create(
    ctx: &Ctx,
    portfolio: &str,
    name: &str,
    m: &ArgMatches,
) -> Result<Outcome, Failure> {
    let target = m
        .get_one::<String>("target-date")
        .map(|d| orch::parse_day(d))
        .transpose()?;
    let (backend, kb) = orch::backend(ctx)?;
    backend
        .add_milestone(portfolio, name, target)
        .await
        .map_err(|e| orch::fail(ctx, e))?;
    if let Some(d) = m.get_one::<String>("description") {
        describe(ctx, &backend, kb.as_ref(), portfolio, name, d).await?;
    }
    Ok(Outcome::Done(format!(
        "Milestone '{name}' created in portfolio '{portfolio}'."
    )))
}

/// Keeps a description: in the store file as the milestone's `description` (the plugin's
/// field, so a migration carries it), or on the server through the plugin's update call.
async fn describe(
    ctx: &Ctx,
    backend: &AnyBackend,
    kb: Option<&KanboardClient>,
    portfolio: &str,
    name: &str,
    description: &str,
) -> Result<(), Failure> {
    match (backend, kb) {
        (AnyBackend::Local(store), _) => store
            .update(|all| {
                let m = all
                    .iter_mut()
                    .find(|p| p.name == portfolio)
                    .and_then(|p| p.milestones.iter_mut().find(|m| m.name == name))
                    .ok_or_else(|| Error::MilestoneNotFound {
                        portfolio: portfolio.into(),
                        milestone: name.into(),
                    })?;
                m.extra.insert("description".into(), json!(description));
                Ok(((), true))
            })
            .map_err(|e| orch::fail(ctx, e)),
        (_, Some(kb)) => {
            let fail = |e| ctx.fail(e);
            let row = kb
                .portfolios()
                .get_portfolio_by_name(portfolio)
                .send()
                .await
                .map_err(fail)?;
            let ms = kb
                .milestones()
                .get_portfolio_milestones(row.id)
                .send()
                .await
                .map_err(fail)?;
            let Some(m) = ms.iter().find(|m| m.name == name) else {
                return Err(orch::fail(
                    ctx,
                    Error::MilestoneNotFound {
                        portfolio: portfolio.into(),
                        milestone: name.into(),
                    },
                ));
            };
            kb.milestones()
                .update_milestone(m.id)
                .description(description)
                .send()
                .await
                .map_err(fail)?;
            Ok(())
        }
        _ => Ok(()),
    }
}

async fn remove(
    ctx: &Ctx,
    portfolio: &str,
    name: &str,
    m: &ArgMatches,
) -> Result<Outcome, Failure> {
    crate::prompt::confirm_removal(
        m,
        &format!("Remove milestone '{name}' from portfolio '{portfolio}'?"),
    )?;
    let (backend, _) = orch::backend(ctx)?;
    let removed = backend
        .remove_milestone(portfolio, name)
        .await
        .map_err(|e| orch::fail(ctx, e))?;
    if !removed {
        return Err(orch::fail(
            ctx,
            Error::MilestoneNotFound {
                portfolio: portfolio.into(),
                milestone: name.into(),
            },
        ));
    }
    Ok(Outcome::Done(format!(
        "Milestone '{name}' removed from portfolio '{portfolio}'."
    )))
}

async fn add_task(
    ctx: &Ctx,
    portfolio: &str,
    name: &str,
    task_id: i64,
    critical: bool,
) -> Result<Outcome, Failure> {
    let (backend, kb) = orch::backend(ctx)?;
    let p = backend
        .get_portfolio(portfolio)
        .await
        .map_err(|e| orch::fail(ctx, e))?;
    if p.find_milestone(name).is_none() {
        return Err(orch::fail(
            ctx,
            Error::MilestoneNotFound {
                portfolio: portfolio.into(),
                milestone: name.into(),
            },
        ));
    }
    if let Some(kb) = kb {
        // As kanboard-cli: the task must exist and be in one of the portfolio's projects.
        let task = match kb.tasks().get_task(task_id).send().await {
            Ok(t) => t,
            Err(e) if e.is_not_found() => {
                return Err(Failure::new(
                    Exit::NotFound,
                    format!("task #{task_id} not found on the server"),
                ));
            }
            Err(e) => return Err(ctx.fail(e)),
        };
        if !p.project_ids.contains(&task.project_id.get()) {
            return Err(Failure::usage(format!(
                "task #{task_id} belongs to project #{}, which is not in portfolio '{portfolio}'",
                task.project_id
            ))
            .hint(format!(
                "add the project first: kanboard portfolio add-project {} {}",
                quote(portfolio),
                task.project_id
            )));
        }
    }
    backend
        .add_task_to_milestone(portfolio, name, task_id, critical)
        .await
        .map_err(|e| orch::fail(ctx, e))?;
    Ok(Outcome::Done(format!(
        "Task #{task_id}{} added to milestone '{name}'.",
        if critical { " (critical)" } else { "" }
    )))
}

async fn remove_task(
    ctx: &Ctx,
    portfolio: &str,
    name: &str,
    task_id: i64,
    m: &ArgMatches,
) -> Result<Outcome, Failure> {
    let (backend, _) = orch::backend(ctx)?;
    // Taking out a task that is not there changes nothing: say so rather than "removed".
    let stored = backend
        .get_portfolio(portfolio)
        .await
        .map_err(|e| orch::fail(ctx, e))?;
    if let Some(ms) = stored.milestones.iter().find(|x| x.name == name)
        && !ms.task_ids.contains(&task_id)
    {
        return Err(Failure::new(
            Exit::NotFound,
            format!("task #{task_id} is not in milestone '{name}' of portfolio '{portfolio}'"),
        )
        .hint(format!(
            "`kanboard milestone show {portfolio} {name}` lists its tasks"
        )));
    }
    crate::prompt::confirm_removal(
        m,
        &format!("Remove task #{task_id} from milestone '{name}'?"),
    )?;
    backend
        .remove_task_from_milestone(portfolio, name, task_id)
        .await
        .map_err(|e| orch::fail(ctx, e))?;
    Ok(Outcome::Done(format!(
        "Task #{task_id} removed from milestone '{name}'."
    )))
}

async fn progress_cmd(ctx: &Ctx, portfolio: &str, name: Option<&str>) -> Result<Outcome, Failure> {
    let manager = orch::manager(ctx)?;
    let pb = progress::stages(1, "milestone progress");
    pb.set_message("milestone tasks and links");
    let found = match name {
        Some(n) => manager
            .milestone_progress(portfolio, n)
            .await
            .map(|p| vec![p]),
        None => manager.all_milestone_progress(portfolio).await,
    }
    .map_err(|e| orch::fail(ctx, e))?;
    pb.finish_and_clear();
    let text = if found.is_empty() {
        "No milestones found.\n".to_owned()
    } else {
        found.iter().map(view::progress_line).collect()
    };
    let data: Vec<Value> = found.iter().map(view::progress_json).collect();
    Ok(Outcome::Report(
        text,
        match (name, data.len()) {
            (Some(_), 1) => data.into_iter().next().unwrap_or_default(),
            _ => Value::Array(data),
        },
    ))
}

async fn show(ctx: &Ctx, portfolio: &str, name: &str) -> Result<Outcome, Failure> {
    let (backend, kb) = orch::backend(ctx)?;
    let p = backend
        .get_portfolio(portfolio)
        .await
        .map_err(|e| orch::fail(ctx, e))?;
    let Some(stored) = p.find_milestone(name).cloned() else {
        return Err(orch::fail(
            ctx,
            Error::MilestoneNotFound {
                portfolio: portfolio.into(),
                milestone: name.into(),
            },
        ));
    };
    let stored_json = json!({"name": stored.name, "portfolio_name": stored.portfolio_name,
        "target_date": stored.target_date.as_ref().map(datetime::format),
        "task_ids": stored.task_ids, "critical_task_ids": stored.critical_task_ids,
        "description": stored.extra.get("description")});
    let offline = |why: &str| {
        crate::terminal_text::warn(&format!(
            "⚠ Warning: {why} — showing the stored milestone only."
        ));
        Ok(Outcome::Report(
            view::stored_milestone(&stored),
            json!({"milestone": stored_json}),
        ))
    };
    let Some(kb) = kb else {
        return offline("no Kanboard configured");
    };
    let manager = PortfolioManager::new(kb, backend);
    let pb = progress::stages(1, "milestone progress");
    pb.set_message("milestone tasks and links");
    let got = manager.milestone_progress(portfolio, name).await;
    pb.finish_and_clear();
    let pr = match got {
        Ok(pr) => pr,
        Err(Error::Client(e)) if e.is_connection() => return offline(&ctx.fail(e).message),
        Err(e) => return Err(orch::fail(ctx, e)),
    };
    let mut text = view::progress_line(&pr);
    if pr.total > 0 {
        text.push_str(&format!(
            "\nTasks: {} total, {} completed\n",
            pr.total, pr.completed
        ));
    }
    if !pr.blocked_task_ids.is_empty() {
        let ids: Vec<String> = pr
            .blocked_task_ids
            .iter()
            .map(|t| format!("#{t}"))
            .collect();
        text.push_str(&format!("⛔ Blocked tasks: {}\n", ids.join(", ")));
    }
    Ok(Outcome::Report(
        text,
        json!({"milestone": stored_json, "progress": view::progress_json(&pr)}),
    ))
}
