//! Text views of portfolio data, as kanboard-cli prints them in table mode: milestone progress
//! bars, the portfolio summary, the numbered critical path and the dependency graph as text.
//! The json, csv and quiet formats get the data instead (see the JSON helpers at the end).

use kanboard::models::Task;
use kanboard::orchestration::{
    DependencyEdge, DependencyGraph, Milestone, MilestoneProgress, Portfolio, datetime,
};
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write;

const BAR_WIDTH: usize = 20;

fn day(d: &Option<jiff::civil::DateTime>) -> Option<String> {
    d.as_ref().map(|d| d.date().to_string())
}

/// `⚠ [████████░░░░░░░░░░░░] 40.0% - Beta (target: 2026-06-30) 🔴`: ⚠ at risk, 🔴 overdue.
pub fn progress_line(p: &MilestoneProgress) -> String {
    bar_line(
        &p.milestone_name,
        p.percent,
        day(&p.target_date),
        p.is_at_risk,
        p.is_overdue,
    )
}

fn bar_line(
    name: &str,
    percent: f64,
    target: Option<String>,
    at_risk: bool,
    overdue: bool,
) -> String {
    let fill = ((percent / 5.0).round().max(0.0) as usize).min(BAR_WIDTH);
    let bar = format!("{}{}", "█".repeat(fill), "░".repeat(BAR_WIDTH - fill));
    format!(
        "{}[{bar}] {percent:.1}% - {name} (target: {}){}\n",
        if at_risk { "⚠ " } else { "" },
        target.as_deref().unwrap_or("no target"),
        if overdue { " 🔴" } else { "" }
    )
}

/// The summary of `portfolio show`; `live` is None when the server could not be asked.
pub fn summary(
    p: &Portfolio,
    progress: &[MilestoneProgress],
    live: Option<(usize, usize)>,
) -> String {
    let mut s = format!("Portfolio: {}\n", p.name);
    if !p.description.is_empty() {
        let _ = writeln!(s, "Description: {}", p.description);
    }
    let _ = write!(
        s,
        "Projects: {}  |  Milestones: {}",
        p.project_ids.len(),
        p.milestones.len()
    );
    match live {
        Some((tasks, blocked)) => {
            let _ = writeln!(s, "  |  Tasks: {tasks}  |  Blocked: {blocked}");
        }
        None => s.push('\n'),
    }
    let at_risk = progress.iter().filter(|m| m.is_at_risk).count();
    let overdue = progress.iter().filter(|m| m.is_overdue).count();
    if at_risk > 0 || overdue > 0 {
        let _ = writeln!(
            s,
            "At-risk milestones: {at_risk}  |  Overdue milestones: {overdue}"
        );
    }
    if !progress.is_empty() {
        s.push_str("\nMilestone Progress:\n");
        for m in progress {
            s.push_str(&progress_line(m));
        }
    } else if live.is_some() && p.milestones.is_empty() {
        s.push_str("No milestones defined.\n");
    }
    s
}

/// A milestone as the store holds it, when the server cannot be asked.
pub fn stored_milestone(m: &Milestone) -> String {
    format!(
        "Milestone:   {}\nPortfolio:   {}\nTarget date: {}\nTasks:       {} ({} critical)\n",
        m.name,
        m.portfolio_name,
        day(&m.target_date).unwrap_or_else(|| "None".into()),
        m.task_ids.len(),
        m.critical_task_ids.len()
    )
}

/// The task of the path with the most unresolved edges to other tasks of the path, when one
/// task has more than every other.
fn bottleneck(path: &[Task], edges: &[DependencyEdge]) -> Option<i64> {
    let ids: Vec<i64> = path.iter().map(|t| t.id.get()).collect();
    let unresolved = edges
        .iter()
        .filter(|e| !e.is_resolved)
        .map(|e| (e.task_id, e.opposite_task_id));
    holds_most(&ids, unresolved)
}

fn holds_most(path: &[i64], edges: impl Iterator<Item = (i64, i64)>) -> Option<i64> {
    let on: HashSet<i64> = path.iter().copied().collect();
    let mut count: HashMap<i64, usize> = HashMap::new();
    for (from, to) in edges {
        if on.contains(&from) && on.contains(&to) {
            *count.entry(from).or_default() += 1;
        }
    }
    // Only a task that holds more of the chain than any other: in a plain chain every task but
    // the last holds one, and kanboard-cli's pick (the first of them) says nothing.
    let best = count.values().copied().max()?;
    let mut top = count.iter().filter(|(_, n)| **n == best).map(|(id, _)| *id);
    match (top.next(), top.next()) {
        (Some(id), None) => Some(id),
        _ => None,
    }
}

/// kanboard-cli's numbered critical path.
pub fn critical_path_text(path: &[Task], edges: &[DependencyEdge]) -> String {
    if path.is_empty() {
        return "No critical path found.\n".into();
    }
    let neck = bottleneck(path, edges);
    let mut s = String::from("Critical Path:\n");
    for (i, t) in path.iter().enumerate() {
        let _ = writeln!(
            s,
            "  {:2}. {} #{} {}{}",
            i + 1,
            if t.is_active { "●" } else { "✓" },
            t.id,
            t.title,
            if Some(t.id.get()) == neck {
                " ← BOTTLENECK"
            } else {
                ""
            }
        );
    }
    s
}

/// The critical path as rows (json, csv, quiet).
pub fn critical_path_rows(
    path: &[Task],
    edges: &[DependencyEdge],
    names: &HashMap<i64, String>,
) -> Value {
    let neck = bottleneck(path, edges);
    Value::Array(
        path.iter()
            .enumerate()
            .map(|(i, t)| {
                json!({"position": i + 1, "id": t.id, "title": t.title, "project_id": t.project_id,
                       "project_name": names.get(&t.project_id.get()).cloned().unwrap_or_default(),
                       "is_active": t.is_active, "bottleneck": Some(t.id.get()) == neck})
            })
            .collect(),
    )
}

/// The dependency graph as text, grouped by project: each task with what it blocks (→) and
/// what blocks it (←); ✓ closed, ● open.
pub fn graph_text(g: &DependencyGraph, cross_project_only: bool) -> String {
    let involved: HashSet<i64> = g
        .edges
        .iter()
        .flat_map(|e| [e.task_id, e.opposite_task_id])
        .collect();
    let title: HashMap<i64, &str> = g.nodes.iter().map(|n| (n.id, n.title.as_str())).collect();
    let mut projects: BTreeMap<i64, (String, Vec<usize>)> = BTreeMap::new();
    for (i, n) in g.nodes.iter().enumerate() {
        if cross_project_only && !involved.contains(&n.id) {
            continue;
        }
        let entry = projects.entry(n.project_id).or_default();
        if entry.0.is_empty() {
            entry.0 = n.project_name.clone();
        }
        entry.1.push(i);
    }
    if projects.is_empty() {
        return "(no tasks to display)\n".into();
    }
    let mut s = String::new();
    for (pid, (name, mut members)) in projects {
        let name = if name.is_empty() {
            format!("Project #{pid}")
        } else {
            name
        };
        let _ = writeln!(s, "\n=== {name} ===");
        members.sort_by_key(|&i| g.nodes[i].id);
        for i in members {
            let n = &g.nodes[i];
            let _ = writeln!(
                s,
                "  {} #{} {}",
                if n.is_active { "●" } else { "✓" },
                n.id,
                n.title
            );
            for e in g.edges.iter().filter(|e| e.task_id == n.id) {
                let other = title.get(&e.opposite_task_id).copied().unwrap_or_default();
                let _ = writeln!(s, "    → blocks #{} {other}", e.opposite_task_id);
            }
            for e in g.edges.iter().filter(|e| e.opposite_task_id == n.id) {
                let other = title.get(&e.task_id).copied().unwrap_or_default();
                let _ = writeln!(s, "    ← blocked by #{} {other}", e.task_id);
            }
        }
    }
    s
}

/// Only the chain: its tasks and the edges between consecutive ones, highlighted.
pub fn path_graph(g: DependencyGraph, path: &[i64]) -> DependencyGraph {
    let on: HashSet<i64> = path.iter().copied().collect();
    let steps: HashSet<(i64, i64)> = path.windows(2).map(|w| (w[0], w[1])).collect();
    let mut g = g.highlight(path.iter().copied());
    g.nodes.retain(|n| on.contains(&n.id));
    let order: HashMap<i64, usize> = path.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    g.nodes
        .sort_by_key(|n| order.get(&n.id).copied().unwrap_or(usize::MAX));
    g.edges
        .retain(|e| steps.contains(&(e.task_id, e.opposite_task_id)));
    g.edges
        .sort_by_key(|e| order.get(&e.task_id).copied().unwrap_or(usize::MAX));
    g
}

/// A milestone progress as JSON, dates as the store writes them.
pub fn progress_json(p: &MilestoneProgress) -> Value {
    serde_json::to_value(p).unwrap_or_else(|_| {
        json!({"milestone_name": p.milestone_name, "percent": p.percent,
               "target_date": p.target_date.as_ref().map(datetime::format)})
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bottleneck_holds_more_of_the_chain_than_any_other_task() {
        let chain = [1, 2, 3, 4];
        assert_eq!(
            holds_most(&chain, [(1, 2), (2, 3), (3, 4)].into_iter()),
            None
        );
        // 2 also blocks 4 directly: it holds two tasks of the chain.
        assert_eq!(
            holds_most(&chain, [(1, 2), (2, 3), (3, 4), (2, 4), (9, 1)].into_iter()),
            Some(2)
        );
        assert_eq!(holds_most(&chain, std::iter::empty()), None);
    }

    #[test]
    fn progress_bars_are_twenty_cells_with_risk_marks() {
        assert_eq!(
            bar_line("Beta", 40.0, Some("2026-06-30".into()), true, false),
            "⚠ [████████░░░░░░░░░░░░] 40.0% - Beta (target: 2026-06-30)\n"
        );
        assert_eq!(
            bar_line("GA", 100.0, None, false, true),
            "[████████████████████] 100.0% - GA (target: no target) 🔴\n"
        );
        assert!(bar_line("x", 0.0, None, false, false).contains("[░░░░░░░░░░░░░░░░░░░░] 0.0%"));
    }
}
