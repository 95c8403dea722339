//! Copying a whole portfolio into the plugin, and naming what it cannot keep.

use super::RemotePortfolioBackend;
use super::rows::*;
use crate::orchestration::backend::Imported;
use crate::orchestration::error::{Error, Result};
use crate::orchestration::fetch::Plan;
use crate::orchestration::models::Portfolio;
use serde_json::Value;

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

    pub(super) async fn import(&self, p: &Portfolio) -> Result<Imported> {
        if p.name.trim().is_empty() {
            return Err(Error::Invalid("a portfolio name must not be blank".into()));
        }
        let mut warnings = self.warnings_for_import(p);
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
