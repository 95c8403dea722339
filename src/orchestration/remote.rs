//! The remote backend: portfolios kept by the server's Portfolio plugin, through the typed
//! `portfolios` and `milestones` resources.
//!
//! It works around plugin 1.17.0's answers (`true` instead of new ids, `false` after a
//! successful add) by reading back what it wrote, and it says by name what the plugin did not
//! take instead of dropping it. A server without the plugin gives [`Error::PluginMissing`].

use super::backend::{BackendKind, Imported, PortfolioBackend};
use super::error::{Error, Result};
use super::fetch::{BatchOptions, Plan};
use super::models::{Milestone, Portfolio};
use super::store::{MilestoneUpdate, PortfolioUpdate};
use crate::KanboardClient;
use crate::models::{MilestoneStatus, PluginMilestone, PluginMilestoneTask, PluginPortfolio};
use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use serde_json::{Map, Value, json};

/// Portfolio fields the plugin keeps beyond the local model; they travel in `extra`.
const PORTFOLIO_EXTRAS: [&str; 2] = ["owner_id", "is_active"];
/// Milestone fields the plugin keeps beyond the local model; they travel in `extra`.
const MILESTONE_EXTRAS: [&str; 4] = ["description", "color_id", "owner_id", "status"];

/// Portfolios on the server, through the Portfolio plugin.
#[derive(Debug, Clone)]
pub struct RemotePortfolioBackend {
    kb: KanboardClient,
    opts: BatchOptions,
}

impl RemotePortfolioBackend {
    /// The plugin's portfolios on the server `kb` talks to, with the default
    /// [`BatchOptions`]; nothing is sent until a method is called.
    pub fn new(kb: KanboardClient) -> Self {
        RemotePortfolioBackend {
            kb,
            opts: BatchOptions::default(),
        }
    }

    /// How reads of many milestones and tasks are grouped into batches.
    pub fn batch_options(mut self, opts: BatchOptions) -> Self {
        self.opts = opts;
        self
    }

    /// A client error, or [`Error::PluginMissing`] when the method does not exist.
    fn err(&self, e: crate::Error) -> Error {
        if e.is_method_not_found() {
            Error::PluginMissing {
                url: self.kb.url().to_owned(),
            }
        } else {
            Error::Client(e)
        }
    }

    async fn portfolio_row(&self, name: &str) -> Result<PluginPortfolio> {
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

    async fn milestone_row(
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

    async fn milestone_tasks(&self, milestone_id: i64) -> Result<Vec<PluginMilestoneTask>> {
        self.kb
            .milestones()
            .get_milestone_tasks(milestone_id)
            .send()
            .await
            .map_err(|e| self.err(e))
    }

    /// Full portfolios from their rows: two more rounds of batched requests in all.
    async fn build(&self, rows: Vec<PluginPortfolio>) -> Result<Vec<Portfolio>> {
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

    async fn build_one(&self, row: PluginPortfolio) -> Result<Portfolio> {
        let name = row.name.clone();
        self.build(vec![row])
            .await?
            .pop()
            .ok_or(Error::PortfolioNotFound { name })
    }

    async fn milestone_now(&self, portfolio: &PluginPortfolio, name: &str) -> Result<Milestone> {
        let m = self.milestone_row(portfolio, name).await?;
        let tasks = self.milestone_tasks(m.id).await?;
        Ok(milestone_from_row(&m, &portfolio.name, &tasks))
    }

    /// Adds projects in one batch; the plugin's answer carries no information, so the caller
    /// reads back.
    async fn add_projects(&self, portfolio_id: i64, ids: &[i64]) -> Result<()> {
        let mut plan = Plan::new(&self.kb, self.opts);
        let mut tickets = Vec::new();
        for &id in ids {
            tickets.push(
                plan.push(
                    self.kb
                        .portfolios()
                        .add_project_to_portfolio(portfolio_id, id),
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

fn local_naive(ts: jiff::Timestamp) -> DateTime {
    ts.to_zoned_datetime(TimeZone::system()).datetime()
}

fn portfolio_from_row(row: &PluginPortfolio) -> Portfolio {
    let mut p = Portfolio::new(row.name.clone()).description(row.description.clone());
    p.created_at = row.created_at.map(local_naive);
    p.updated_at = row.updated_at.map(local_naive);
    if row.owner_id.get() != 0 {
        p.extra.insert("owner_id".into(), json!(row.owner_id));
    }
    if !row.is_active {
        p.extra.insert("is_active".into(), json!(false));
    }
    p
}

fn milestone_from_row(
    m: &PluginMilestone,
    portfolio: &str,
    tasks: &[PluginMilestoneTask],
) -> Milestone {
    let mut out = Milestone::new(m.name.clone());
    out.portfolio_name = portfolio.into();
    // The plugin keeps a day, as 00:00 UTC; the local model keeps a naive date-time.
    out.target_date = m
        .target_date
        .map(|t| t.to_zoned_datetime(TimeZone::UTC).datetime());
    for t in tasks {
        out.add_task(t.id, t.is_critical);
    }
    let mut extra = Map::new();
    if !m.description.is_empty() {
        extra.insert("description".into(), json!(m.description));
    }
    if m.color_id.as_str() != "blue" && !m.color_id.as_str().is_empty() {
        extra.insert("color_id".into(), json!(m.color_id.as_str()));
    }
    if m.owner_id.get() != 0 {
        extra.insert("owner_id".into(), json!(m.owner_id));
    }
    if m.status != MilestoneStatus::Active
        && let Ok(n) = m.status.as_str().parse::<i64>()
    {
        extra.insert("status".into(), json!(n));
    }
    out.extra = extra;
    out
}

/// The day the plugin can store, or what it would lose.
fn target_day(milestone: &str, t: &DateTime) -> (String, Option<String>) {
    let day = t.date().strftime("%Y-%m-%d").to_string();
    let lost = (t.time() != jiff::civil::Time::midnight()).then(|| {
        format!(
            "milestone {milestone:?}: the time of day of its target {} is dropped (the plugin keeps a date)",
            super::models::naive::format(t)
        )
    });
    (day, lost)
}

fn ids_text(ids: &[i64]) -> String {
    ids.iter()
        .map(|i| format!("#{i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

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
            if i.warnings.is_empty() {
                Ok(i.portfolio)
            } else {
                Err(Error::Unsupported {
                    what: i.warnings.join("; "),
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
            let current = self.get_portfolio(&final_name).await?.project_ids;
            let add: Vec<i64> = wanted
                .iter()
                .copied()
                .filter(|i| !current.contains(i))
                .collect();
            self.add_projects(row.id, &add).await?;
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
        self.add_projects(row.id, &[project_id]).await?;
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
            self.kb
                .milestones()
                .add_task_to_milestone(m.id, task_id)
                .is_critical(critical)
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

    fn import_warnings(&self, p: &Portfolio) -> Vec<String> {
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

    async fn import_portfolio(&self, p: &Portfolio) -> Result<Imported> {
        if p.name.trim().is_empty() {
            return Err(Error::Invalid("a portfolio name must not be blank".into()));
        }
        let mut warnings = self.import_warnings(p);
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
        self.add_projects(row.id, &p.project_ids).await?;

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
                    warnings.push(format!("milestone {name:?}: the server refused it (duplicate name or bad target date?)"));
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
            let mut ids = m.task_ids.clone();
            ids.extend(
                m.critical_task_ids
                    .iter()
                    .filter(|t| !m.task_ids.contains(t)),
            );
            for t in ids {
                let critical = m.critical_task_ids.contains(&t);
                plan.push(
                    self.kb
                        .milestones()
                        .add_task_to_milestone(mr.id, t)
                        .is_critical(critical),
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

        // Read back and name whatever did not land.
        let now = self.build_one(row).await?;
        let missing: Vec<i64> = p
            .project_ids
            .iter()
            .copied()
            .filter(|i| !now.project_ids.contains(i))
            .collect();
        if !missing.is_empty() {
            warnings.push(format!(
                "portfolio {:?}: the server did not take project(s) {} (do they exist?)",
                p.name,
                ids_text(&missing)
            ));
        }
        for m in &p.milestones {
            let Some(got) = now.find_milestone(&m.name) else {
                continue;
            };
            let lost: Vec<i64> = m
                .task_ids
                .iter()
                .chain(&m.critical_task_ids)
                .copied()
                .filter(|t| !got.task_ids.contains(t))
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect();
            if !lost.is_empty() {
                warnings.push(format!(
                    "milestone {:?}: the server did not take task(s) {} (a task must exist and its project be in the portfolio)",
                    m.name,
                    ids_text(&lost)
                ));
            }
        }
        Ok(Imported {
            portfolio: now,
            warnings,
        })
    }
}
