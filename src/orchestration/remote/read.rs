//! Reading the plugin's portfolios and milestones, and assembling them into local models.

use super::RemotePortfolioBackend;
use super::rows::*;
use crate::models::{
    MilestoneId, PluginMilestone, PluginMilestoneTask, PluginPortfolio, PluginPortfolioProject,
    PortfolioId,
};
use crate::orchestration::error::{Error, Result};
use crate::orchestration::fetch::Plan;
use crate::orchestration::models::{Milestone, Portfolio};

impl RemotePortfolioBackend {
    pub(super) async fn portfolio_row(&self, name: &str) -> Result<PluginPortfolio> {
        match self
            .kb
            .portfolios()
            .get_portfolio_by_name(name)
            .send()
            .await
        {
            Ok(p) => Ok(p),
            Err(e) if e.is_not_found() => Err(Error::PortfolioNotFound { name: name.into() }),
            Err(e) => Err(self.err(e)),
        }
    }

    pub(super) async fn milestone_row(
        &self,
        portfolio: &PluginPortfolio,
        name: &str,
    ) -> Result<PluginMilestone> {
        let all = self
            .kb
            .milestones()
            .get_portfolio_milestones(portfolio.id)
            .send()
            .await
            .map_err(|e| self.err(e))?;
        all.into_iter()
            .find(|m| m.name == name)
            .ok_or_else(|| Error::MilestoneNotFound {
                portfolio: portfolio.name.clone(),
                milestone: name.into(),
            })
    }

    pub(super) async fn milestone_tasks(
        &self,
        milestone_id: MilestoneId,
    ) -> Result<Vec<PluginMilestoneTask>> {
        self.kb
            .milestones()
            .get_milestone_tasks(milestone_id)
            .send()
            .await
            .map_err(|e| self.err(e))
    }

    /// Full portfolios from their rows: two more rounds of batched requests in all.
    pub(super) async fn build(&self, rows: Vec<PluginPortfolio>) -> Result<Vec<Portfolio>> {
        let mut plan = Plan::new(&self.kb, self.opts);
        let mut tickets = Vec::new();
        for p in &rows {
            tickets.push((
                plan.push(self.kb.portfolios().get_portfolio_projects(p.id))?,
                plan.push(self.kb.milestones().get_portfolio_milestones(p.id))?,
            ));
        }
        let mut out = plan.run().await.map_err(|e| self.err(e))?;
        let mut parts = Vec::new();
        for (pt, mt) in tickets {
            let projects = out.take(pt).map_err(|e| self.err(e))?;
            let milestones = out.take(mt).map_err(|e| self.err(e))?;
            parts.push((projects, milestones));
        }
        let mut plan = Plan::new(&self.kb, self.opts);
        let mut task_tickets = Vec::new();
        for (_, milestones) in &parts {
            let mut ts = Vec::new();
            for m in milestones {
                ts.push(plan.push(self.kb.milestones().get_milestone_tasks(m.id))?);
            }
            task_tickets.push(ts);
        }
        let mut out = plan.run().await.map_err(|e| self.err(e))?;
        let mut result = Vec::new();
        for ((row, (projects, milestones)), tickets) in
            rows.into_iter().zip(parts).zip(task_tickets)
        {
            let mut p = portfolio_from_row(&row);
            p.project_ids = projects.iter().map(|x| x.id).collect();
            for (m, t) in milestones.into_iter().zip(tickets) {
                let tasks = out.take(t).map_err(|e| self.err(e))?;
                p.milestones.push(milestone_from_row(&m, &row.name, &tasks));
            }
            result.push(p);
        }
        Ok(result)
    }

    pub(super) async fn build_one(&self, row: PluginPortfolio) -> Result<Portfolio> {
        let name = row.name.clone();
        self.build(vec![row])
            .await?
            .pop()
            .ok_or(Error::PortfolioNotFound { name })
    }

    pub(super) async fn milestone_now(
        &self,
        portfolio: &PluginPortfolio,
        name: &str,
    ) -> Result<Milestone> {
        let m = self.milestone_row(portfolio, name).await?;
        let tasks = self.milestone_tasks(m.id).await?;
        Ok(milestone_from_row(&m, &portfolio.name, &tasks))
    }

    /// The portfolio's projects with their positions, in the plugin's order.
    pub(super) async fn project_rows(
        &self,
        portfolio_id: PortfolioId,
    ) -> Result<Vec<PluginPortfolioProject>> {
        self.kb
            .portfolios()
            .get_portfolio_projects(portfolio_id)
            .send()
            .await
            .map_err(|e| self.err(e))
    }

    /// Adds projects in one batch at positions `after + 1`, `after + 2`, ... (the plugin
    /// orders projects by the position given, 0 when none is); its answer carries no
    /// information, so the caller reads back.
    pub(super) async fn add_projects(
        &self,
        portfolio_id: PortfolioId,
        ids: &[i64],
        after: i64,
    ) -> Result<()> {
        let mut plan = Plan::new(&self.kb, self.opts);
        let mut tickets = Vec::new();
        for (&id, position) in ids.iter().zip(after.saturating_add(1)..) {
            tickets.push(
                plan.push(
                    self.kb
                        .portfolios()
                        .add_project_to_portfolio(portfolio_id, id)
                        .position(position),
                )?,
            );
        }
        let mut out = plan.run().await.map_err(|e| self.err(e))?;
        for t in tickets {
            out.take(t).map_err(|e| self.err(e))?;
        }
        Ok(())
    }
}
