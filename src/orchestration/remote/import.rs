//! Copying a whole portfolio into the plugin, naming what it cannot keep and what it refuses
//! (beforehand for a dry run, from what it read back otherwise).

use super::RemotePortfolioBackend;
use super::rows::*;
use crate::orchestration::backend::{ImportPlan, Imported};
use crate::orchestration::error::{Error, Result};
use crate::orchestration::fetch::Plan;
use crate::orchestration::models::{Milestone, Portfolio};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// What the server says about the ids a portfolio names: which projects exist, and each
/// task's project (`None`: no such task). The plugin refuses a project that does not exist
/// and a task that does not exist or whose project is not in the portfolio.
struct Lookup {
    projects: BTreeSet<i64>,
    tasks: BTreeMap<i64, Option<i64>>,
}

impl Lookup {
    fn project_refused(&self, portfolio: &str, id: i64) -> Option<String> {
        (!self.projects.contains(&id))
            .then(|| format!("portfolio {portfolio:?}: project #{id} does not exist on the server"))
    }

    /// Why the plugin refuses task `id` in a portfolio of the projects `members`, if it does.
    fn task_refused(&self, milestone: &str, id: i64, members: &BTreeSet<i64>) -> Option<String> {
        match self.tasks.get(&id) {
            Some(None) => Some(format!(
                "milestone {milestone:?}: task #{id} does not exist on the server"
            )),
            Some(Some(project)) if !members.contains(project) => Some(format!(
                "milestone {milestone:?}: task #{id} is in project #{project}, which is not in the portfolio"
            )),
            _ => None,
        }
    }
}

/// The tasks an import adds to a milestone, in order: its tasks, then critical tasks that are
/// not among them (the plugin marks only member tasks critical, so they are added as tasks).
fn tasks_to_add(m: &Milestone) -> Vec<i64> {
    let mut ids = m.task_ids.clone();
    ids.extend(
        m.critical_task_ids
            .iter()
            .filter(|t| !m.task_ids.contains(t)),
    );
    ids
}

/// A 1-based position for the `i`th item: the plugin lists projects and milestone tasks by
/// the position given when adding (0 when none is given), so the source's order is kept only
/// when each is sent.
fn position(i: usize) -> i64 {
    i64::try_from(i).map_or(i64::MAX, |i| i.saturating_add(1))
}

impl RemotePortfolioBackend {
    pub(super) fn warnings_for_import(&self, p: &Portfolio) -> Vec<String> {
        let mut w = Vec::new();
        if p.created_at.is_some() || p.updated_at.is_some() {
            w.push(format!(
                "portfolio {:?}: created_at and updated_at are set by the server, not copied",
                p.name
            ));
        }
        for k in p
            .extra
            .keys()
            .filter(|k| !PORTFOLIO_EXTRAS.contains(&k.as_str()))
        {
            w.push(format!(
                "portfolio {:?}: field {k:?} is not kept by the plugin",
                p.name
            ));
        }
        for m in &p.milestones {
            if let Some(t) = &m.target_date
                && let (_, Some(lost)) = target_day(&m.name, t)
            {
                w.push(lost);
            }
            let stray: Vec<i64> = m
                .critical_task_ids
                .iter()
                .copied()
                .filter(|t| !m.task_ids.contains(t))
                .collect();
            if !stray.is_empty() {
                w.push(format!(
                    "milestone {:?}: critical task(s) {} are not among its tasks (the plugin marks only member tasks critical); they are added as tasks",
                    m.name,
                    ids_text(&stray)
                ));
            }
            for k in m
                .extra
                .keys()
                .filter(|k| !MILESTONE_EXTRAS.contains(&k.as_str()))
            {
                w.push(format!(
                    "milestone {:?}: field {k:?} is not kept by the plugin",
                    m.name
                ));
            }
        }
        w
    }

    /// Projects and tasks looked up in one batch (no request when there are none).
    async fn lookup(
        &self,
        projects: impl IntoIterator<Item = i64>,
        tasks: impl IntoIterator<Item = i64>,
    ) -> Result<Lookup> {
        let projects: BTreeSet<i64> = projects.into_iter().collect();
        let tasks: BTreeSet<i64> = tasks.into_iter().collect();
        let mut found = Lookup {
            projects: BTreeSet::new(),
            tasks: BTreeMap::new(),
        };
        if projects.is_empty() && tasks.is_empty() {
            return Ok(found);
        }
        let mut plan = Plan::new(&self.kb, self.opts);
        let mut project_tickets = Vec::new();
        for &id in &projects {
            project_tickets.push((id, plan.push(self.kb.projects().get_project_by_id(id))?));
        }
        let mut task_tickets = Vec::new();
        for &id in &tasks {
            task_tickets.push((id, plan.push(self.kb.tasks().get_task(id))?));
        }
        let mut out = plan.run().await.map_err(|e| self.err(e))?;
        for (id, t) in project_tickets {
            match out.take(t) {
                Ok(_) => {
                    found.projects.insert(id);
                }
                Err(e) if e.is_not_found() => {}
                Err(e) => return Err(self.err(e)),
            }
        }
        for (id, t) in task_tickets {
            match out.take(t) {
                Ok(task) => {
                    found.tasks.insert(id, Some(task.project_id.get()));
                }
                Err(e) if e.is_not_found() => {
                    found.tasks.insert(id, None);
                }
                Err(e) => return Err(self.err(e)),
            }
        }
        Ok(found)
    }

    /// What an import of `p` would lose and what the server would refuse, from one batch of
    /// reads.
    pub(super) async fn plan(&self, p: &Portfolio) -> Result<ImportPlan> {
        let warnings = self.warnings_for_import(p);
        let found = self
            .lookup(
                p.project_ids.iter().copied(),
                p.milestones.iter().flat_map(tasks_to_add),
            )
            .await?;
        let mut refused: Vec<String> = unique(&p.project_ids)
            .filter_map(|id| found.project_refused(&p.name, id))
            .collect();
        let members: BTreeSet<i64> = found.projects.clone();
        for m in &p.milestones {
            refused.extend(
                unique(&tasks_to_add(m)).filter_map(|t| found.task_refused(&m.name, t, &members)),
            );
        }
        Ok(ImportPlan { warnings, refused })
    }

    pub(super) async fn import(&self, p: &Portfolio) -> Result<Imported> {
        if p.name.trim().is_empty() {
            return Err(Error::Invalid("a portfolio name must not be blank".into()));
        }
        let warnings = self.warnings_for_import(p);
        let mut refused = Vec::new();
        let mut req = self
            .kb
            .portfolios()
            .create_portfolio(p.name.clone())
            .description(p.description.clone());
        if let Some(owner) = p.extra.get("owner_id").and_then(Value::as_i64) {
            req = req.owner_id(owner);
        }
        if let Err(e) = req.send().await {
            if e.is_rejected() && self.portfolio_row(&p.name).await.is_ok() {
                return Err(Error::PortfolioExists {
                    name: p.name.clone(),
                });
            }
            return Err(self.err(e));
        }
        let row = self.portfolio_row(&p.name).await?;
        if p.extra.get("is_active") == Some(&Value::Bool(false)) {
            self.kb
                .portfolios()
                .update_portfolio(row.id)
                .is_active(false)
                .send()
                .await
                .map_err(|e| self.err(e))?;
        }
        self.add_projects(row.id, &p.project_ids, 0).await?;

        // Milestones, then their ids by name (the plugin answers `true`, not ids).
        let mut plan = Plan::new(&self.kb, self.opts);
        let mut tickets = Vec::new();
        for m in &p.milestones {
            let mut req = self
                .kb
                .milestones()
                .create_milestone(row.id, m.name.clone());
            if let Some(t) = &m.target_date {
                req = req.target_date(target_day(&m.name, t).0);
            }
            if let Some(d) = m.extra.get("description").and_then(Value::as_str) {
                req = req.description(d);
            }
            if let Some(c) = m.extra.get("color_id").and_then(Value::as_str) {
                req = req.color_id(c);
            }
            if let Some(o) = m.extra.get("owner_id").and_then(Value::as_i64) {
                req = req.owner_id(o);
            }
            tickets.push((m.name.clone(), plan.push(req)?));
        }
        let mut out = plan.run().await.map_err(|e| self.err(e))?;
        for (name, t) in tickets {
            if let Err(e) = out.take(t) {
                if e.is_rejected() {
                    refused.push(format!("milestone {name:?}: the server refused it (duplicate name or bad target date?)"));
                } else {
                    return Err(self.err(e));
                }
            }
        }
        let rows = self
            .kb
            .milestones()
            .get_portfolio_milestones(row.id)
            .send()
            .await
            .map_err(|e| self.err(e))?;
        let mut plan = Plan::new(&self.kb, self.opts);
        let mut tickets = Vec::new();
        for m in &p.milestones {
            let Some(mr) = rows.iter().find(|r| r.name == m.name) else {
                continue;
            };
            if let Some(s) = m.extra.get("status").and_then(Value::as_i64) {
                tickets.push(plan.push(self.kb.milestones().update_milestone(mr.id).status(s))?);
            }
            for (i, t) in tasks_to_add(m).into_iter().enumerate() {
                let critical = m.critical_task_ids.contains(&t);
                plan.push(
                    self.kb
                        .milestones()
                        .add_task_to_milestone(mr.id, t)
                        .is_critical(critical)
                        .position(position(i)),
                )
                .map(drop)?;
            }
        }
        let mut out = plan.run().await.map_err(|e| self.err(e))?;
        for t in tickets {
            if let Err(e) = out.take(t) {
                return Err(self.err(e));
            }
        }

        // Read back; name whatever did not land, with the server's reason when a lookup of
        // just those ids finds it.
        let now = self.build_one(row).await?;
        let lost_projects: Vec<i64> = unique(&p.project_ids)
            .filter(|i| !now.project_ids.contains(i))
            .collect();
        let mut lost_tasks = Vec::new();
        for m in &p.milestones {
            if let Some(got) = now.find_milestone(&m.name) {
                let lost: Vec<i64> = unique(&tasks_to_add(m))
                    .filter(|t| !got.task_ids.contains(t))
                    .collect();
                lost_tasks.push((m.name.as_str(), lost));
            }
        }
        if !lost_projects.is_empty() || lost_tasks.iter().any(|(_, l)| !l.is_empty()) {
            let found = self
                .lookup(
                    lost_projects.iter().copied(),
                    lost_tasks.iter().flat_map(|(_, l)| l.iter().copied()),
                )
                .await?;
            for id in lost_projects {
                refused.push(found.project_refused(&p.name, id).unwrap_or_else(|| {
                    format!(
                        "portfolio {:?}: the server did not take project #{id}",
                        p.name
                    )
                }));
            }
            let members: BTreeSet<i64> = now.project_ids.iter().copied().collect();
            for (name, lost) in lost_tasks {
                for t in lost {
                    refused.push(found.task_refused(name, t, &members).unwrap_or_else(|| {
                        format!("milestone {name:?}: the server did not take task #{t}")
                    }));
                }
            }
        }
        Ok(Imported {
            portfolio: now,
            warnings,
            refused,
        })
    }
}

/// Each id once, in first-seen order.
fn unique(ids: &[i64]) -> impl Iterator<Item = i64> + '_ {
    let mut seen = BTreeSet::new();
    ids.iter().copied().filter(move |i| seen.insert(*i))
}
