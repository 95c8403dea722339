//! The backend's operations on the plugin: creating, changing and removing portfolios,
//! projects, milestones and their tasks, each read back after writing.

use super::RemotePortfolioBackend;
use super::rows::*;
use crate::orchestration::backend::{BackendKind, ImportPlan, Imported, PortfolioBackend};
use crate::orchestration::error::{Error, Result};
use crate::orchestration::fetch::Plan;
use crate::orchestration::models::{Milestone, Portfolio};
use crate::orchestration::store::{MilestoneUpdate, PortfolioUpdate};
use jiff::civil::DateTime;

impl PortfolioBackend for RemotePortfolioBackend {
    fn kind(&self) -> BackendKind {
        BackendKind::Remote
    }

    async fn load(&self) -> Result<Vec<Portfolio>> {
        let rows = self
            .kb
            .portfolios()
            .get_all_portfolios()
            .send()
            .await
            .map_err(|e| self.err(e))?;
        self.build(rows).await
    }

    async fn create_portfolio(
        &self,
        name: &str,
        description: &str,
        ids: &[i64],
    ) -> Result<Portfolio> {
        let mut p = Portfolio::new(name).description(description);
        p.project_ids = ids.to_vec();
        self.import_portfolio(&p).await.and_then(|i| {
            if i.warnings.is_empty() && i.refused.is_empty() {
                Ok(i.portfolio)
            } else {
                Err(Error::Unsupported {
                    what: i
                        .refused
                        .iter()
                        .chain(&i.warnings)
                        .cloned()
                        .collect::<Vec<_>>()
                        .join("; "),
                })
            }
        })
    }

    async fn get_portfolio(&self, name: &str) -> Result<Portfolio> {
        let row = self.portfolio_row(name).await?;
        self.build_one(row).await
    }

    async fn update_portfolio(&self, name: &str, update: PortfolioUpdate) -> Result<Portfolio> {
        let row = self.portfolio_row(name).await?;
        if update.name.is_some() || update.description.is_some() {
            let mut req = self.kb.portfolios().update_portfolio(row.id);
            if let Some(n) = &update.name {
                req = req.name(n.clone());
            }
            if let Some(d) = &update.description {
                req = req.description(d.clone());
            }
            if let Err(e) = req.send().await {
                if e.is_rejected()
                    && let Some(n) = &update.name
                    && n != name
                {
                    return Err(Error::PortfolioExists { name: n.clone() });
                }
                return Err(self.err(e));
            }
        }
        let final_name = update.name.clone().unwrap_or_else(|| name.to_owned());
        if let Some(wanted) = &update.project_ids {
            let rows = self.project_rows(row.id).await?;
            let current: Vec<i64> = rows.iter().map(|r| r.id).collect();
            let last = rows.iter().map(|r| r.position).max().unwrap_or(0);
            let add: Vec<i64> = wanted
                .iter()
                .copied()
                .filter(|i| !current.contains(i))
                .collect();
            self.add_projects(row.id, &add, last).await?;
            let mut plan = Plan::new(&self.kb, self.opts);
            let mut tickets = Vec::new();
            for id in current.iter().filter(|i| !wanted.contains(i)) {
                tickets.push(
                    plan.push(
                        self.kb
                            .portfolios()
                            .remove_project_from_portfolio(row.id, *id),
                    )?,
                );
            }
            let mut out = plan.run().await.map_err(|e| self.err(e))?;
            for t in tickets {
                match out.take(t) {
                    Ok(()) => {}
                    Err(e) if e.is_rejected() => {} // already gone
                    Err(e) => return Err(self.err(e)),
                }
            }
        }
        let p = self.get_portfolio(&final_name).await?;
        if let Some(wanted) = &update.project_ids {
            let missing: Vec<i64> = wanted
                .iter()
                .copied()
                .filter(|i| !p.project_ids.contains(i))
                .collect();
            if !missing.is_empty() {
                return Err(Error::Unsupported {
                    what: format!(
                        "portfolio {final_name:?}: the server did not take project(s) {} (do they exist?)",
                        ids_text(&missing)
                    ),
                });
            }
        }
        Ok(p)
    }

    async fn remove_portfolio(&self, name: &str) -> Result<bool> {
        let row = match self.portfolio_row(name).await {
            Ok(r) => r,
            Err(Error::PortfolioNotFound { .. }) => return Ok(false),
            Err(e) => return Err(e),
        };
        match self.kb.portfolios().remove_portfolio(row.id).send().await {
            Ok(()) => Ok(true),
            Err(e) if e.is_rejected() => Ok(false),
            Err(e) => Err(self.err(e)),
        }
    }

    async fn add_project(&self, portfolio: &str, project_id: i64) -> Result<Portfolio> {
        let row = self.portfolio_row(portfolio).await?;
        let last = self
            .project_rows(row.id)
            .await?
            .iter()
            .map(|r| r.position)
            .max()
            .unwrap_or(0);
        self.add_projects(row.id, &[project_id], last).await?;
        let p = self.build_one(row).await?;
        if !p.project_ids.contains(&project_id) {
            return Err(Error::Unsupported {
                what: format!(
                    "portfolio {portfolio:?}: the server did not take project #{project_id} (does it exist?)"
                ),
            });
        }
        Ok(p)
    }

    async fn remove_project(&self, portfolio: &str, project_id: i64) -> Result<Portfolio> {
        let row = self.portfolio_row(portfolio).await?;
        match self
            .kb
            .portfolios()
            .remove_project_from_portfolio(row.id, project_id)
            .send()
            .await
        {
            Ok(()) => {}
            Err(e) if e.is_rejected() => {} // not a member: nothing to do, as locally
            Err(e) => return Err(self.err(e)),
        }
        self.build_one(row).await
    }

    async fn add_milestone(
        &self,
        portfolio: &str,
        milestone: &str,
        target_date: Option<DateTime>,
    ) -> Result<Milestone> {
        let row = self.portfolio_row(portfolio).await?;
        let mut req = self.kb.milestones().create_milestone(row.id, milestone);
        if let Some(t) = &target_date {
            let (day, lost) = target_day(milestone, t);
            if let Some(what) = lost {
                return Err(Error::Unsupported { what });
            }
            req = req.target_date(day);
        }
        if let Err(e) = req.send().await {
            if e.is_rejected() && self.milestone_row(&row, milestone).await.is_ok() {
                return Err(Error::MilestoneExists {
                    portfolio: portfolio.into(),
                    milestone: milestone.into(),
                });
            }
            return Err(self.err(e));
        }
        self.milestone_now(&row, milestone).await
    }

    async fn update_milestone(
        &self,
        portfolio: &str,
        milestone: &str,
        update: MilestoneUpdate,
    ) -> Result<Milestone> {
        let row = self.portfolio_row(portfolio).await?;
        let m = self.milestone_row(&row, milestone).await?;
        let mut req = self.kb.milestones().update_milestone(m.id);
        match &update.target_date {
            Some(None) => {
                return Err(Error::Unsupported {
                    what: format!("milestone {milestone:?}: the plugin cannot clear a target date"),
                });
            }
            Some(Some(t)) => {
                let (day, lost) = target_day(milestone, t);
                if let Some(what) = lost {
                    return Err(Error::Unsupported { what });
                }
                req = req.target_date(day);
            }
            None => {}
        }
        if let Some(n) = &update.name {
            req = req.name(n.clone());
        }
        if (update.name.is_some() || update.target_date.is_some())
            && let Err(e) = req.send().await
        {
            if e.is_rejected()
                && let Some(n) = &update.name
                && n != milestone
                && self.milestone_row(&row, n).await.is_ok()
            {
                return Err(Error::MilestoneExists {
                    portfolio: portfolio.into(),
                    milestone: n.clone(),
                });
            }
            return Err(self.err(e));
        }
        self.milestone_now(&row, update.name.as_deref().unwrap_or(milestone))
            .await
    }

    async fn remove_milestone(&self, portfolio: &str, milestone: &str) -> Result<bool> {
        let row = self.portfolio_row(portfolio).await?;
        let m = match self.milestone_row(&row, milestone).await {
            Ok(m) => m,
            Err(Error::MilestoneNotFound { .. }) => return Ok(false),
            Err(e) => return Err(e),
        };
        match self.kb.milestones().remove_milestone(m.id).send().await {
            Ok(()) => Ok(true),
            Err(e) if e.is_rejected() => Ok(false),
            Err(e) => Err(self.err(e)),
        }
    }

    async fn add_task_to_milestone(
        &self,
        portfolio: &str,
        milestone: &str,
        task_id: i64,
        critical: bool,
    ) -> Result<Milestone> {
        let row = self.portfolio_row(portfolio).await?;
        let m = self.milestone_row(&row, milestone).await?;
        let tasks = self.milestone_tasks(m.id).await?;
        if let Some(t) = tasks.iter().find(|t| t.id == task_id) {
            if !critical || t.is_critical {
                return Ok(milestone_from_row(&m, portfolio, &tasks));
            }
            // The plugin has no call to change the flag: take the task out and put it back
            // critical, at the same position.
            let position = t.position;
            self.kb
                .milestones()
                .remove_task_from_milestone(m.id, task_id)
                .send()
                .await
                .map_err(|e| self.err(e))?;
            self.kb
                .milestones()
                .add_task_to_milestone(m.id, task_id)
                .is_critical(true)
                .position(position)
                .send()
                .await
                .map_err(|e| self.err(e))?;
        } else {
            // After the last one: the plugin lists tasks by the position given (0 when none).
            let last = tasks.iter().map(|t| t.position).max().unwrap_or(0);
            self.kb
                .milestones()
                .add_task_to_milestone(m.id, task_id)
                .is_critical(critical)
                .position(last.saturating_add(1))
                .send()
                .await
                .map_err(|e| self.err(e))?;
        }
        let tasks = self.milestone_tasks(m.id).await?;
        match tasks.iter().find(|t| t.id == task_id) {
            Some(t) if t.is_critical || !critical => Ok(milestone_from_row(&m, portfolio, &tasks)),
            Some(_) => Err(Error::Unsupported {
                what: format!("milestone {milestone:?}: task #{task_id} was not marked critical"),
            }),
            None => Err(Error::Unsupported {
                what: format!(
                    "milestone {milestone:?}: the server did not take task #{task_id} \
                     (the task must exist and its project must be in portfolio {portfolio:?})"
                ),
            }),
        }
    }

    async fn remove_task_from_milestone(
        &self,
        portfolio: &str,
        milestone: &str,
        task_id: i64,
    ) -> Result<Milestone> {
        let row = self.portfolio_row(portfolio).await?;
        let m = self.milestone_row(&row, milestone).await?;
        match self
            .kb
            .milestones()
            .remove_task_from_milestone(m.id, task_id)
            .send()
            .await
        {
            Ok(()) => {}
            Err(e) if e.is_rejected() => {} // not in the milestone: nothing to do
            Err(e) => return Err(self.err(e)),
        }
        let tasks = self.milestone_tasks(m.id).await?;
        Ok(milestone_from_row(&m, portfolio, &tasks))
    }
    async fn plan_import(&self, p: &Portfolio) -> Result<ImportPlan> {
        self.plan(p).await
    }

    async fn import_portfolio(&self, p: &Portfolio) -> Result<Imported> {
        self.import(p).await
    }
}
