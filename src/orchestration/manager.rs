//! Portfolio-wide views over Kanboard data: projects, tasks, milestone progress, a whole
//! analysis, and the metadata sync kanboard-cli does, each in a fixed number of rounds of
//! batched requests whatever the number of tasks.

use super::backend::PortfolioBackend;
use super::dependencies::{DependencyAnalyzer, DependencySnapshot, fetch_snapshot};
use super::error::Result;
use super::fetch::{BatchOptions, Outcomes, Plan, Ticket};
use super::models::{Milestone, MilestoneProgress, Portfolio};
use super::pyjson;
use crate::KanboardClient;
use crate::models::{LinkLabel, LinkedTask, Project, Task, TaskId};
use std::collections::{BTreeMap, HashMap, HashSet};

/// kanboard-cli's project metadata key: JSON `{"name", "description"}` of the portfolio.
pub const META_PORTFOLIO: &str = "kanboard_cli:portfolio";
/// kanboard-cli's task metadata key: JSON list of the milestone names holding the task.
pub const META_MILESTONES: &str = "kanboard_cli:milestones";
/// kanboard-cli's task metadata key: JSON list of the milestones where the task is critical.
pub const META_MILESTONE_CRITICAL: &str = "kanboard_cli:milestone_critical";

/// Days before the target when an unfinished milestone is at risk (kanboard-cli's constant).
pub const AT_RISK_DAYS: f64 = 7.0;
/// Percent under which a milestone near its target is at risk (kanboard-cli's constant).
pub const AT_RISK_PERCENT: f64 = 80.0;

/// Which tasks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum TaskStatus {
    /// Open tasks (kanboard-cli's default, `status=1`).
    #[default]
    Active,
    /// Closed tasks (`status=0`).
    Closed,
    /// Both.
    All,
}

/// Filters for [`PortfolioManager::portfolio_tasks`].
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct TaskFilter {
    /// Open tasks (the default), closed ones, or both.
    pub status: TaskStatus,
    /// Only tasks assigned to this user (`owner_id`).
    pub assignee_id: Option<i64>,
    /// Only this project's tasks; none when it is not in the portfolio.
    pub project_id: Option<i64>,
}

impl TaskFilter {
    /// Open tasks of every project of the portfolio, any assignee.
    pub fn new() -> Self {
        Self::default()
    }
    /// Which tasks by status.
    pub fn status(mut self, s: TaskStatus) -> Self {
        self.status = s;
        self
    }
    /// Only tasks assigned to this user id (0: unassigned tasks).
    pub fn assignee(mut self, user_id: i64) -> Self {
        self.assignee_id = Some(user_id);
        self
    }
    /// Only this project's tasks; none when the project is not in the portfolio.
    pub fn project(mut self, project_id: i64) -> Self {
        self.project_id = Some(project_id);
        self
    }
}

/// Everything kanboard-cli's portfolio commands show, fetched together.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct PortfolioAnalysis {
    /// The portfolio as the backend holds it.
    pub portfolio: Portfolio,
    /// The open tasks of the portfolio's projects.
    pub tasks: Vec<Task>,
    /// One per milestone, in the portfolio's order.
    pub progress: Vec<MilestoneProgress>,
    /// Edges, blocked and blocking tasks and critical path over `tasks`.
    pub dependencies: DependencySnapshot,
}

/// What [`PortfolioManager::sync_metadata`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct SyncReport {
    /// Projects carrying the portfolio key after the sync.
    pub projects_synced: usize,
    /// Tasks carrying the milestone keys after the sync.
    pub tasks_synced: usize,
    /// Keys written (the others already had the right value).
    pub keys_written: usize,
    /// Keys removed because they no longer apply, as (project or task id, key).
    pub removed_project_keys: Vec<(i64, String)>,
    /// Task keys removed because they no longer apply, as (task id, key).
    pub removed_task_keys: Vec<(i64, String)>,
    /// Portfolio projects that no longer exist on the server.
    pub missing_projects: Vec<i64>,
    /// Milestone tasks that no longer exist on the server.
    pub missing_tasks: Vec<i64>,
}

/// Aggregates Kanboard data for the portfolios of a backend.
#[derive(Debug, Clone)]
pub struct PortfolioManager<B> {
    kb: KanboardClient,
    backend: B,
    opts: BatchOptions,
}

impl<B: PortfolioBackend> PortfolioManager<B> {
    /// A manager reading Kanboard through `kb` and portfolios from `backend`, with the default
    /// [`BatchOptions`].
    pub fn new(kb: KanboardClient, backend: B) -> Self {
        PortfolioManager {
            kb,
            backend,
            opts: BatchOptions::default(),
        }
    }

    /// How the many task and link reads are grouped into batches.
    pub fn batch_options(mut self, opts: BatchOptions) -> Self {
        self.opts = opts;
        self
    }

    /// The backend the portfolios come from.
    pub fn backend(&self) -> &B {
        &self.backend
    }

    /// The client used for Kanboard reads.
    pub fn client(&self) -> &KanboardClient {
        &self.kb
    }

    /// A dependency analyzer on this manager's client, with its batch settings.
    pub fn dependencies(&self) -> DependencyAnalyzer {
        DependencyAnalyzer::new(self.kb.clone()).batch_options(self.opts)
    }

    /// The portfolio's projects; projects deleted from Kanboard are skipped with a warning.
    pub async fn portfolio_projects(&self, portfolio: &str) -> Result<Vec<Project>> {
        let p = self.backend.get_portfolio(portfolio).await?;
        let mut plan = Plan::new(&self.kb, self.opts);
        let mut tickets = Vec::new();
        for &id in &p.project_ids {
            tickets.push((id, plan.push(self.kb.projects().get_project_by_id(id))?));
        }
        let mut out = plan.run().await?;
        let mut projects = Vec::new();
        for (id, t) in tickets {
            match out.take(t) {
                Ok(project) => projects.push(project),
                Err(e) if e.is_not_found() => {
                    tracing::warn!(
                        project_id = id,
                        portfolio,
                        "project not found in Kanboard (deleted?); skipping"
                    );
                }
                Err(e) => return Err(e.into()),
            }
        }
        Ok(projects)
    }

    /// Tasks of the portfolio's projects, in project order.
    pub async fn portfolio_tasks(&self, portfolio: &str, filter: &TaskFilter) -> Result<Vec<Task>> {
        let p = self.backend.get_portfolio(portfolio).await?;
        self.tasks_of(&p, filter).await
    }

    async fn tasks_of(&self, p: &Portfolio, filter: &TaskFilter) -> Result<Vec<Task>> {
        let mut plan = Plan::new(&self.kb, self.opts);
        let tickets = self.plan_tasks(&mut plan, p, filter)?;
        let mut out = plan.run().await?;
        collect_tasks(&mut out, tickets, filter)
    }

    fn plan_tasks(
        &self,
        plan: &mut Plan,
        p: &Portfolio,
        filter: &TaskFilter,
    ) -> Result<Vec<Ticket<Vec<Task>>>> {
        let projects: Vec<i64> = match filter.project_id {
            Some(id) if p.project_ids.contains(&id) => vec![id],
            Some(_) => return Ok(Vec::new()),
            None => p.project_ids.clone(),
        };
        let statuses: &[i64] = match filter.status {
            TaskStatus::Active => &[1],
            TaskStatus::Closed => &[0],
            TaskStatus::All => &[1, 0],
        };
        let mut tickets = Vec::new();
        for &pid in &projects {
            for &s in statuses {
                tickets.push(plan.push(self.kb.tasks().get_all_tasks(pid).status_id(s))?);
            }
        }
        Ok(tickets)
    }

    /// Progress of one milestone.
    pub async fn milestone_progress(
        &self,
        portfolio: &str,
        milestone: &str,
    ) -> Result<MilestoneProgress> {
        let p = self.backend.get_portfolio(portfolio).await?;
        let m = p
            .find_milestone(milestone)
            .ok_or_else(|| super::Error::MilestoneNotFound {
                portfolio: portfolio.into(),
                milestone: milestone.into(),
            })?;
        let facts = self.milestone_facts(std::slice::from_ref(m)).await?;
        Ok(facts.progress(&p, m, jiff::Timestamp::now()))
    }

    /// Progress of every milestone, with one round of batched requests for all of them.
    pub async fn all_milestone_progress(&self, portfolio: &str) -> Result<Vec<MilestoneProgress>> {
        let p = self.backend.get_portfolio(portfolio).await?;
        let facts = self.milestone_facts(&p.milestones).await?;
        let now = jiff::Timestamp::now();
        Ok(p.milestones
            .iter()
            .map(|m| facts.progress(&p, m, now))
            .collect())
    }

    /// The tasks and links of every milestone task, in one round.
    async fn milestone_facts(&self, milestones: &[Milestone]) -> Result<Facts> {
        let mut plan = Plan::new(&self.kb, self.opts);
        let tickets = self.plan_facts(&mut plan, milestones)?;
        let mut out = plan.run().await?;
        collect_facts(&mut out, tickets)
    }

    fn plan_facts(&self, plan: &mut Plan, milestones: &[Milestone]) -> Result<FactTickets> {
        let mut tickets = Vec::new();
        let mut seen = HashSet::new();
        for id in milestones.iter().flat_map(|m| &m.task_ids) {
            if seen.insert(*id) {
                tickets.push((
                    *id,
                    plan.push(self.kb.tasks().get_task(*id))?,
                    plan.push(self.kb.task_links().get_all_task_links(*id))?,
                ));
            }
        }
        Ok(tickets)
    }

    /// Open tasks, all milestone progress and the dependency snapshot of a portfolio, in two
    /// rounds of batched requests (plus the backend's own reads).
    pub async fn analyze(&self, portfolio: &str) -> Result<PortfolioAnalysis> {
        let p = self.backend.get_portfolio(portfolio).await?;
        self.analyze_portfolio(p).await
    }

    /// As [`analyze`](Self::analyze), for a portfolio already read from the backend (the
    /// remote backend reads one in several requests; they need not be made twice).
    pub async fn analyze_portfolio(&self, p: Portfolio) -> Result<PortfolioAnalysis> {
        // Round 1: open tasks per project, and each milestone task with its links.
        let filter = TaskFilter::new();
        let mut plan = Plan::new(&self.kb, self.opts);
        let task_tickets = self.plan_tasks(&mut plan, &p, &filter)?;
        let fact_tickets = self.plan_facts(&mut plan, &p.milestones)?;
        let mut out = plan.run().await?;
        let tasks = collect_tasks(&mut out, task_tickets, &filter)?;
        let facts = collect_facts(&mut out, fact_tickets)?;
        let now = jiff::Timestamp::now();
        let progress = p
            .milestones
            .iter()
            .map(|m| facts.progress(&p, m, now))
            .collect();
        // Round 2: links of the open tasks not fetched yet, and project names.
        let known: HashMap<TaskId, Vec<LinkedTask>> = tasks
            .iter()
            .filter_map(|t| facts.links.get(&t.id.get()).map(|l| (t.id, l.clone())))
            .collect();
        let dependencies =
            fetch_snapshot(&self.kb, self.opts, tasks.clone(), known, HashMap::new()).await?;
        Ok(PortfolioAnalysis {
            portfolio: p,
            tasks,
            progress,
            dependencies,
        })
    }

    /// Writes kanboard-cli's metadata keys for the portfolio and removes those it wrote
    /// earlier that no longer apply (a project taken out of the portfolio, a task taken out of
    /// its milestones or no longer critical). Tasks are looked for in the portfolio's projects
    /// and in projects whose key still names the portfolio.
    pub async fn sync_metadata(&self, portfolio: &str) -> Result<SyncReport> {
        let p = self.backend.get_portfolio(portfolio).await?;
        let mut report = SyncReport::default();
        let project_value = pyjson::dumps(&serde_json::json!({
            "name": p.name, "description": p.description
        }));

        // Round 1: every project, with its portfolio key.
        let projects = self.kb.projects().get_all_projects().send().await?;
        let mut plan = Plan::new(&self.kb, self.opts);
        let mut tickets = Vec::new();
        for pr in &projects {
            tickets.push((
                pr.id.get(),
                plan.push(
                    self.kb
                        .project_metadata()
                        .get_project_metadata_by_name(pr.id, META_PORTFOLIO),
                )?,
            ));
        }
        let mut out = plan.run().await?;
        let mut project_key: HashMap<i64, String> = HashMap::new();
        for (id, t) in tickets {
            let v = out.take(t)?;
            if !v.is_empty() {
                project_key.insert(id, v);
            }
        }
        let existing: HashSet<i64> = projects.iter().map(|x| x.id.get()).collect();
        report.missing_projects = p
            .project_ids
            .iter()
            .copied()
            .filter(|i| !existing.contains(i))
            .collect();
        let names_us = |v: &str| {
            serde_json::from_str::<serde_json::Value>(v)
                .ok()
                .and_then(|j| j.get("name").and_then(|n| n.as_str()).map(|n| n == p.name))
                .unwrap_or(false)
        };
        let stale_projects: Vec<i64> = project_key
            .iter()
            .filter(|(id, v)| !p.project_ids.contains(id) && names_us(v))
            .map(|(id, _)| *id)
            .collect();
        let scope: Vec<i64> = p
            .project_ids
            .iter()
            .copied()
            .filter(|i| existing.contains(i))
            .chain(stale_projects.iter().copied())
            .collect();

        // Wanted task keys, from the milestones.
        let mut wanted_ms: BTreeMap<i64, Vec<String>> = BTreeMap::new();
        let mut wanted_crit: BTreeMap<i64, Vec<String>> = BTreeMap::new();
        for m in &p.milestones {
            for t in &m.task_ids {
                wanted_ms.entry(*t).or_default().push(m.name.clone());
            }
            for t in &m.critical_task_ids {
                wanted_crit.entry(*t).or_default().push(m.name.clone());
            }
        }

        // Round 2: the tasks of the scope projects.
        let mut plan = Plan::new(&self.kb, self.opts);
        let mut tickets = Vec::new();
        for &pid in &scope {
            for s in [1, 0] {
                tickets.push(plan.push(self.kb.tasks().get_all_tasks(pid).status_id(s))?);
            }
        }
        let mut out = plan.run().await?;
        let mut scope_tasks: HashSet<i64> = HashSet::new();
        for t in tickets {
            scope_tasks.extend(out.take(t)?.into_iter().map(|t| t.id.get()));
        }

        // Round 3: metadata of scope tasks and milestone tasks, and existence of the latter.
        let mut plan = Plan::new(&self.kb, self.opts);
        let mut meta_tickets = Vec::new();
        let mut exist_tickets = Vec::new();
        let all_tasks: std::collections::BTreeSet<i64> = scope_tasks
            .iter()
            .copied()
            .chain(wanted_ms.keys().copied())
            .chain(wanted_crit.keys().copied())
            .collect();
        for &t in &all_tasks {
            meta_tickets.push((t, plan.push(self.kb.task_metadata().get_task_metadata(t))?));
            if !scope_tasks.contains(&t) {
                exist_tickets.push((t, plan.push(self.kb.tasks().get_task(t))?));
            }
        }
        let mut out = plan.run().await?;
        let mut meta: HashMap<i64, indexmap::IndexMap<String, String>> = HashMap::new();
        for (t, ticket) in meta_tickets {
            meta.insert(t, out.take(ticket)?);
        }
        let mut gone: HashSet<i64> = HashSet::new();
        for (t, ticket) in exist_tickets {
            match out.take(ticket) {
                Ok(_) => {}
                Err(e) if e.is_not_found() => {
                    gone.insert(t);
                }
                Err(e) => return Err(e.into()),
            }
        }
        report.missing_tasks = gone.iter().copied().collect();
        report.missing_tasks.sort_unstable();

        // Round 4: the writes.
        let mut plan = Plan::new(&self.kb, self.opts);
        let mut writes = Vec::new();
        let mut removals = Vec::new();
        for &pid in &p.project_ids {
            if !existing.contains(&pid) {
                continue;
            }
            report.projects_synced += 1;
            if project_key.get(&pid) != Some(&project_value) {
                writes.push(
                    plan.push(
                        self.kb
                            .project_metadata()
                            .save_project_metadata(pid, [(META_PORTFOLIO, project_value.as_str())]),
                    )?,
                );
            }
        }
        for &pid in &stale_projects {
            removals.push(
                plan.push(
                    self.kb
                        .project_metadata()
                        .remove_project_metadata(pid, META_PORTFOLIO),
                )?,
            );
            report
                .removed_project_keys
                .push((pid, META_PORTFOLIO.into()));
        }
        for &t in &all_tasks {
            if gone.contains(&t) {
                continue;
            }
            let current = meta.get(&t).cloned().unwrap_or_default();
            let mut values: Vec<(&str, String)> = Vec::new();
            let want_ms = wanted_ms
                .get(&t)
                .map(|names| pyjson::dumps(&serde_json::json!(names)));
            let want_crit = wanted_crit
                .get(&t)
                .map(|names| pyjson::dumps(&serde_json::json!(names)));
            for (key, want) in [
                (META_MILESTONES, &want_ms),
                (META_MILESTONE_CRITICAL, &want_crit),
            ] {
                match (want, current.get(key)) {
                    (Some(w), Some(c)) if w == c => {}
                    (Some(w), _) => values.push((key, w.clone())),
                    (None, Some(_)) => {
                        removals
                            .push(plan.push(self.kb.task_metadata().remove_task_metadata(t, key))?);
                        report.removed_task_keys.push((t, key.into()));
                    }
                    (None, None) => {}
                }
            }
            if want_ms.is_some() {
                report.tasks_synced += 1;
            }
            if !values.is_empty() {
                report.keys_written += values.len() - 1;
                writes.push(plan.push(self.kb.task_metadata().save_task_metadata(t, values))?);
            }
        }
        report.keys_written += writes.len();
        let mut out = plan.run().await?;
        for t in writes {
            out.take(t)?;
        }
        for t in removals {
            match out.take(t) {
                Ok(()) => {}
                Err(e) if e.is_rejected() => {} // already gone
                Err(e) => return Err(e.into()),
            }
        }
        Ok(report)
    }
}

type FactTickets = Vec<(i64, Ticket<Task>, Ticket<Vec<LinkedTask>>)>;

fn collect_tasks(
    out: &mut Outcomes,
    tickets: Vec<Ticket<Vec<Task>>>,
    filter: &TaskFilter,
) -> Result<Vec<Task>> {
    let mut tasks = Vec::new();
    for t in tickets {
        tasks.extend(
            out.take(t)?
                .into_iter()
                .filter(|t| filter.assignee_id.is_none_or(|a| t.owner_id.get() == a)),
        );
    }
    Ok(tasks)
}

fn collect_facts(out: &mut Outcomes, tickets: FactTickets) -> Result<Facts> {
    let mut facts = Facts::default();
    for (id, tt, lt) in tickets {
        let links = out.take(lt);
        match out.take(tt) {
            Ok(task) => {
                facts.tasks.insert(id, task);
                facts.links.insert(id, links?);
            }
            Err(e) if e.is_not_found() => {
                tracing::warn!(
                    task_id = id,
                    "task not found in Kanboard (deleted?); left out of progress"
                );
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(facts)
}

/// Milestone tasks and their links, as fetched.
#[derive(Default)]
struct Facts {
    tasks: HashMap<i64, Task>,
    links: HashMap<i64, Vec<LinkedTask>>,
}

impl Facts {
    fn progress(&self, p: &Portfolio, m: &Milestone, now: jiff::Timestamp) -> MilestoneProgress {
        let mut total = 0;
        let mut completed = 0;
        let mut blocked = Vec::new();
        for id in &m.task_ids {
            let Some(task) = self.tasks.get(id) else {
                continue; // deleted: not counted, as kanboard-cli does
            };
            total += 1;
            if !task.is_active {
                completed += 1;
            }
            let held = self.links.get(id).is_some_and(|ls| {
                ls.iter()
                    .any(|l| l.label == LinkLabel::IsBlockedBy && l.is_active)
            });
            if held {
                blocked.push(*id);
            }
        }
        let percent = if total > 0 {
            completed as f64 / total as f64 * 100.0
        } else {
            0.0
        };
        let (is_at_risk, is_overdue) = match m.target_date.as_ref() {
            Some(target) => risk(target, percent, now),
            None => (false, false),
        };
        MilestoneProgress {
            milestone_name: m.name.clone(),
            portfolio_name: p.name.clone(),
            target_date: m.target_date,
            total,
            completed,
            percent,
            is_at_risk,
            is_overdue,
            blocked_task_ids: blocked,
        }
    }
}

/// (at risk, overdue) for a naive local target date, as kanboard-cli decides them.
pub(crate) fn risk(
    target: &jiff::civil::DateTime,
    percent: f64,
    now: jiff::Timestamp,
) -> (bool, bool) {
    let Ok(target) = target.to_zoned_datetime(jiff::tz::TimeZone::system()) else {
        return (false, false);
    };
    let seconds = target.timestamp().as_second() as f64 - now.as_second() as f64
        + (target.timestamp().subsec_nanosecond() - now.subsec_nanosecond()) as f64 / 1e9;
    let days_left = seconds / 86400.0;
    let overdue = days_left < 0.0 && percent < 100.0;
    let at_risk = (0.0..=AT_RISK_DAYS).contains(&days_left) && percent < AT_RISK_PERCENT;
    (at_risk, overdue)
}
