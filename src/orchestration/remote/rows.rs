//! The plugin's rows as local models: dates, the fields kept in `extra`, what the plugin cannot
//! keep.

use crate::orchestration::models::{Milestone, Portfolio};

use crate::models::{MilestoneStatus, PluginMilestone, PluginMilestoneTask, PluginPortfolio};
use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use serde_json::{Map, json};

/// Portfolio fields the plugin keeps beyond the local model; they travel in `extra`.
pub(super) const PORTFOLIO_EXTRAS: [&str; 2] = ["owner_id", "is_active"];
/// Milestone fields the plugin keeps beyond the local model; they travel in `extra`.
pub(super) const MILESTONE_EXTRAS: [&str; 4] = ["description", "color_id", "owner_id", "status"];

pub(super) fn local_naive(ts: jiff::Timestamp) -> DateTime {
    ts.to_zoned_datetime(TimeZone::system()).datetime()
}

pub(super) fn portfolio_from_row(row: &PluginPortfolio) -> Portfolio {
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

pub(super) fn milestone_from_row(
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
pub(super) fn target_day(milestone: &str, t: &DateTime) -> (String, Option<String>) {
    let day = t.date().strftime("%Y-%m-%d").to_string();
    let lost = (t.time() != jiff::civil::Time::midnight()).then(|| {
        format!(
            "milestone {milestone:?}: the time of day of its target {} is dropped (the plugin keeps a date)",
            crate::orchestration::models::naive::format(t)
        )
    });
    (day, lost)
}

pub(super) fn ids_text(ids: &[i64]) -> String {
    ids.iter()
        .map(|i| format!("#{i}"))
        .collect::<Vec<_>>()
        .join(", ")
}
