//! What overwriting a portfolio with another copy of it throws away: the data of the copy
//! being replaced that the incoming copy does not have, named one by one.

use super::models::{Milestone, Portfolio, naive};
use serde_json::{Map, Value};
use std::collections::BTreeSet;

/// Each thing of `replaced` that is gone once `incoming` takes its place: projects,
/// milestones, milestone tasks and critical flags that `incoming` lacks, and fields (the
/// description, target dates, the plugin's and unknown fields in `extra`) that `incoming`
/// lacks or holds with another value. `incoming_label` names the incoming copy in the text
/// ("the server's copy"). Timestamps are left out: the target sets its own or takes the
/// incoming ones by design. Empty when nothing is lost.
pub fn overwrite_losses(
    replaced: &Portfolio,
    incoming: &Portfolio,
    incoming_label: &str,
) -> Vec<String> {
    let mut lost = Vec::new();
    let portfolio = format!("portfolio {:?}", replaced.name);
    if !replaced.description.is_empty() && replaced.description != incoming.description {
        lost.push(format!(
            "{portfolio}: description {:?} ({incoming_label} has {:?})",
            replaced.description, incoming.description
        ));
    }
    fields(
        &mut lost,
        &portfolio,
        &replaced.extra,
        &incoming.extra,
        incoming_label,
    );
    let projects = missing(&replaced.project_ids, &incoming.project_ids);
    if !projects.is_empty() {
        lost.push(format!(
            "{portfolio}: project(s) {} (not in {incoming_label})",
            ids(&projects)
        ));
    }
    for m in &replaced.milestones {
        match incoming.find_milestone(&m.name) {
            None if m.task_ids.is_empty() => {
                lost.push(format!("milestone {:?} (not in {incoming_label})", m.name))
            }
            None => lost.push(format!(
                "milestone {:?} and its task(s) {} (not in {incoming_label})",
                m.name,
                ids(&m.task_ids)
            )),
            Some(new) => milestone(&mut lost, m, new, incoming_label),
        }
    }
    lost
}

fn milestone(lost: &mut Vec<String>, old: &Milestone, new: &Milestone, incoming_label: &str) {
    let what = format!("milestone {:?}", old.name);
    if let Some(t) = &old.target_date
        && old.target_date != new.target_date
    {
        let now = new
            .target_date
            .map(|d| naive::format(&d))
            .unwrap_or_else(|| "none".into());
        lost.push(format!(
            "{what}: target date {} ({incoming_label} has {now})",
            naive::format(t)
        ));
    }
    fields(lost, &what, &old.extra, &new.extra, incoming_label);
    let tasks = missing(&old.task_ids, &new.task_ids);
    if !tasks.is_empty() {
        lost.push(format!(
            "{what}: task(s) {} (not in {incoming_label})",
            ids(&tasks)
        ));
    }
    // Critical flags of tasks both copies hold; a task that goes takes its flag with it.
    let flags: Vec<i64> = missing(&old.critical_task_ids, &new.critical_task_ids)
        .into_iter()
        .filter(|t| !tasks.contains(t))
        .collect();
    if !flags.is_empty() {
        lost.push(format!(
            "{what}: the critical flag of task(s) {} (not in {incoming_label})",
            ids(&flags)
        ));
    }
}

/// Fields of `old` that `new` lacks or holds with another value.
fn fields(
    lost: &mut Vec<String>,
    what: &str,
    old: &Map<String, Value>,
    new: &Map<String, Value>,
    incoming_label: &str,
) {
    for (k, v) in old {
        match new.get(k) {
            Some(n) if n == v => {}
            Some(n) => lost.push(format!(
                "{what}: field {k:?} = {v} ({incoming_label} has {n})"
            )),
            None => lost.push(format!(
                "{what}: field {k:?} = {v} ({incoming_label} has none)"
            )),
        }
    }
}

/// The ids of `old` not in `new`, each once, in `old`'s order.
fn missing(old: &[i64], new: &[i64]) -> Vec<i64> {
    let new: BTreeSet<&i64> = new.iter().collect();
    let mut seen = BTreeSet::new();
    old.iter()
        .filter(|i| !new.contains(i) && seen.insert(**i))
        .copied()
        .collect()
}

fn ids(ids: &[i64]) -> String {
    ids.iter()
        .map(|i| format!("#{i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::orchestration::datetime;
    use serde_json::json;

    #[test]
    fn names_what_only_the_replaced_copy_holds() {
        let mut old = Portfolio::new("P")
            .description("Q3")
            .project_ids([1, 2])
            .milestone(
                Milestone::new("Beta")
                    .target_date(datetime::parse("2026-06-30T17:30:00").unwrap())
                    .task(1, true)
                    .task(2, false)
                    .task(3, true),
            );
        old = old.milestone(Milestone::new("Gamma").task(5, false));
        old.extra.insert("owner_id".into(), json!(3));
        let mut new = Portfolio::new("P")
            .description("Q3")
            .project_ids([1])
            .milestone(
                Milestone::new("Beta")
                    .target_date(datetime::parse("2026-06-30").unwrap())
                    .task(1, false)
                    .task(2, false),
            );
        new.extra.insert("is_active".into(), json!(false));
        assert_eq!(
            overwrite_losses(&old, &new, "the server's copy"),
            [
                "portfolio \"P\": field \"owner_id\" = 3 (the server's copy has none)",
                "portfolio \"P\": project(s) #2 (not in the server's copy)",
                "milestone \"Beta\": target date 2026-06-30T17:30:00 (the server's copy has 2026-06-30T00:00:00)",
                "milestone \"Beta\": task(s) #3 (not in the server's copy)",
                "milestone \"Beta\": the critical flag of task(s) #1 (not in the server's copy)",
                "milestone \"Gamma\" and its task(s) #5 (not in the server's copy)",
            ]
        );
        assert!(overwrite_losses(&new, &new, "x").is_empty());
    }
}
