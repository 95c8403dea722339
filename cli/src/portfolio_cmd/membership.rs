//! Creating, listing, showing and changing portfolios and their projects.

use crate::ctx::Ctx;
use crate::failure::{Exit, Failure};
use crate::orch::{self, quote};
use crate::output::Outcome;
use crate::portfolio_view as view;
use crate::progress;
use clap::ArgMatches;
use kanboard::orchestration::{Error, PortfolioBackend, PortfolioManager};
use serde_json::{Value, json};

pub(super) async fn list(ctx: &Ctx) -> Result<Outcome, Failure> {
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

pub(super) async fn create(ctx: &Ctx, name: &str, description: &str) -> Result<Outcome, Failure> {
    let (backend, _) = orch::backend(ctx)?;
    backend
        .create_portfolio(name, description, &[])
        .await
        .map_err(|e| orch::fail(ctx, e))?;
    Ok(Outcome::Done(format!("Portfolio '{name}' created.")))
}

pub(super) async fn remove(ctx: &Ctx, name: &str, m: &ArgMatches) -> Result<Outcome, Failure> {
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

pub(super) async fn add_project(
    ctx: &Ctx,
    name: &str,
    project_id: i64,
) -> Result<Outcome, Failure> {
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

pub(super) async fn remove_project(
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

pub(super) async fn show(ctx: &Ctx, name: &str) -> Result<Outcome, Failure> {
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
    let analysis = manager.analyze_portfolio(stored.clone()).await;
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

pub(super) fn show_outcome(
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
