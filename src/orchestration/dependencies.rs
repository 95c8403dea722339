//! Blocking dependencies between tasks: edges, blocked and blocking tasks, critical path and
//! the graph, from the links Kanboard reports (`getAllTaskLinks`).
//!
//! The links of every task are fetched together (see [`BatchOptions`]), so the number of HTTP
//! requests does not follow the number of tasks, and every result is computed from one
//! [`DependencySnapshot`] without further calls.

use super::error::{Error, Result};
use super::fetch::{BatchOptions, Plan};
use super::graph::DependencyDag;
use super::models::DependencyEdge;
use crate::KanboardClient;
use crate::models::{LinkLabel, LinkedTask, ProjectId, Task, TaskId};
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// What is known of a task at one end of an edge.
#[derive(Debug, Clone)]
struct End {
    title: String,
    project_id: ProjectId,
    is_active: bool,
}

/// The input tasks and every blocking edge touching them, ready for analysis.
#[derive(Debug, Clone, Default)]
pub struct DependencySnapshot {
    tasks: Vec<Task>,
    /// Deduplicated, blocker → blocked, in the order the links were met.
    edges: Vec<DependencyEdge>,
}

impl DependencySnapshot {
    /// Builds the edges from each input task's links (`links[task_id]`, as `getAllTaskLinks`
    /// returns them) and project names. Only `blocks` and `is blocked by` links count; an
    /// `is blocked by` link is turned around, and a pair seen from both sides counts once.
    pub fn from_links(
        tasks: Vec<Task>,
        links: &HashMap<TaskId, Vec<LinkedTask>>,
        project_names: &HashMap<ProjectId, String>,
    ) -> Self {
        let mut ends: HashMap<TaskId, End> = tasks
            .iter()
            .map(|t| {
                (
                    t.id,
                    End {
                        title: t.title.clone(),
                        project_id: t.project_id,
                        is_active: t.is_active,
                    },
                )
            })
            .collect();
        let mut names = project_names.clone();
        for l in links.values().flatten() {
            ends.entry(l.task_id).or_insert_with(|| End {
                title: l.title.clone(),
                project_id: l.project_id,
                is_active: l.is_active,
            });
            if !l.project_name.is_empty() {
                names
                    .entry(l.project_id)
                    .or_insert_with(|| l.project_name.clone());
            }
        }
        let mut seen = HashSet::new();
        let mut edges = Vec::new();
        for t in &tasks {
            for l in links.get(&t.id).map(Vec::as_slice).unwrap_or_default() {
                let (blocker, blocked) = match l.label {
                    LinkLabel::Blocks => (t.id, l.task_id),
                    LinkLabel::IsBlockedBy => (l.task_id, t.id),
                    _ => continue,
                };
                if !seen.insert((blocker, blocked)) {
                    continue;
                }
                let (Some(a), Some(b)) = (ends.get(&blocker), ends.get(&blocked)) else {
                    continue;
                };
                let name = |p: ProjectId| names.get(&p).cloned().unwrap_or_default();
                edges.push(DependencyEdge {
                    task_id: blocker.get(),
                    task_title: a.title.clone(),
                    task_project_id: a.project_id.get(),
                    task_project_name: name(a.project_id),
                    opposite_task_id: blocked.get(),
                    opposite_task_title: b.title.clone(),
                    opposite_task_project_id: b.project_id.get(),
                    opposite_task_project_name: name(b.project_id),
                    link_label: "blocks".into(),
                    is_cross_project: a.project_id != b.project_id,
                    is_resolved: !a.is_active,
                });
            }
        }
        DependencySnapshot { tasks, edges }
    }

    /// The tasks the snapshot was taken of, in the order given.
    pub fn tasks(&self) -> &[Task] {
        &self.tasks
    }

    /// The edges, optionally only those between different projects.
    pub fn edges(&self, cross_project_only: bool) -> Vec<DependencyEdge> {
        self.edges
            .iter()
            .filter(|e| !cross_project_only || e.is_cross_project)
            .cloned()
            .collect()
    }

    /// Input tasks with an unresolved incoming edge (an open blocker), with those edges, in
    /// input order.
    pub fn blocked_tasks(&self) -> Vec<(Task, Vec<DependencyEdge>)> {
        self.group(|e| e.opposite_task_id, |_| true)
    }

    /// Open input tasks with an unresolved outgoing edge, with those edges, in input order.
    pub fn blocking_tasks(&self) -> Vec<(Task, Vec<DependencyEdge>)> {
        self.group(|e| e.task_id, |t| t.is_active)
    }

    fn group(
        &self,
        key: impl Fn(&DependencyEdge) -> i64,
        keep: impl Fn(&Task) -> bool,
    ) -> Vec<(Task, Vec<DependencyEdge>)> {
        let mut by: HashMap<i64, Vec<DependencyEdge>> = HashMap::new();
        for e in self.edges.iter().filter(|e| !e.is_resolved) {
            by.entry(key(e)).or_default().push(e.clone());
        }
        self.tasks
            .iter()
            .filter(|t| keep(t))
            .filter_map(|t| by.remove(&t.id.get()).map(|es| (t.clone(), es)))
            .collect()
    }

    /// The longest chain of open input tasks over unresolved edges, first blocker first;
    /// empty when no such edge exists. A cycle is [`Error::Cycle`] naming its tasks.
    pub fn critical_path(&self) -> Result<Vec<Task>> {
        let open: Vec<&Task> = self.tasks.iter().filter(|t| t.is_active).collect();
        let index: HashMap<i64, usize> = open
            .iter()
            .enumerate()
            .map(|(i, t)| (t.id.get(), i))
            .collect();
        let edges = self
            .edges
            .iter()
            .filter(|e| !e.is_resolved)
            .filter_map(|e| Some((*index.get(&e.task_id)?, *index.get(&e.opposite_task_id)?)));
        let dag = DependencyDag::new(open.len(), edges)
            .ok_or_else(|| Error::Invalid("dependency graph too large".into()))?;
        match dag.critical_path() {
            Ok(path) => Ok(path.into_iter().map(|i| open[i].clone()).collect()),
            Err(cycle) => Err(Error::Cycle {
                task_ids: cycle.into_iter().map(|i| open[i].id.get()).collect(),
            }),
        }
    }

    /// Nodes and edges for rendering ([`DependencyGraph::to_dot`], [`DependencyGraph::to_mermaid`]).
    /// Nodes are the input tasks, then the tasks outside the input that edges reach.
    pub fn graph(&self, cross_project_only: bool) -> DependencyGraph {
        let edges = self.edges(cross_project_only);
        let mut nodes: Vec<GraphNode> = self
            .tasks
            .iter()
            .map(|t| GraphNode {
                id: t.id.get(),
                title: t.title.clone(),
                project_id: t.project_id.get(),
                project_name: String::new(),
                is_active: t.is_active,
            })
            .collect();
        let mut known: HashMap<i64, usize> =
            nodes.iter().enumerate().map(|(i, n)| (n.id, i)).collect();
        for e in &self.edges {
            // A task outside the input is known from the edge: as a blocker, it is open exactly
            // when the edge is unresolved; as a blocked task its state is not reported (open).
            let ends = [
                (
                    e.task_id,
                    &e.task_title,
                    e.task_project_id,
                    &e.task_project_name,
                    !e.is_resolved,
                ),
                (
                    e.opposite_task_id,
                    &e.opposite_task_title,
                    e.opposite_task_project_id,
                    &e.opposite_task_project_name,
                    true,
                ),
            ];
            for (id, title, project_id, project_name, is_active) in ends {
                match known.get(&id) {
                    Some(&i) if nodes[i].project_name.is_empty() => {
                        nodes[i].project_name = project_name.clone();
                    }
                    Some(_) => {}
                    None => {
                        known.insert(id, nodes.len());
                        nodes.push(GraphNode {
                            id,
                            title: title.clone(),
                            project_id,
                            project_name: project_name.clone(),
                            is_active,
                        });
                    }
                }
            }
        }
        DependencyGraph {
            nodes,
            edges: edges
                .into_iter()
                .map(|e| GraphEdge {
                    task_id: e.task_id,
                    opposite_task_id: e.opposite_task_id,
                    link_label: e.link_label,
                    is_cross_project: e.is_cross_project,
                    is_resolved: e.is_resolved,
                })
                .collect(),
            critical_path: Vec::new(),
        }
    }
}

/// A dependency graph for display or export.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct DependencyGraph {
    /// The input tasks first, then tasks outside the input that an edge reaches.
    pub nodes: Vec<GraphNode>,
    /// The blocking links between nodes, blocker first.
    pub edges: Vec<GraphEdge>,
    /// Task ids to highlight, in chain order (see [`DependencyGraph::highlight`]).
    pub critical_path: Vec<i64>,
}

/// A task of a [`DependencyGraph`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct GraphNode {
    /// The task's id.
    pub id: i64,
    /// The task's title.
    pub title: String,
    /// The task's project id.
    pub project_id: i64,
    /// Empty when unknown.
    pub project_name: String,
    /// The task is open; closed ones are drawn as done.
    pub is_active: bool,
}

/// A blocking link of a [`DependencyGraph`], from the blocker to the blocked task.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct GraphEdge {
    /// The blocker.
    pub task_id: i64,
    /// The blocked task.
    pub opposite_task_id: i64,
    /// Always `blocks`, the direction every edge is normalised to.
    pub link_label: String,
    /// The two tasks are in different projects.
    pub is_cross_project: bool,
    /// The blocker is closed, so it no longer holds the blocked task.
    pub is_resolved: bool,
}

impl DependencyGraph {
    /// Marks a chain (such as the critical path) to be drawn in bold.
    pub fn highlight(mut self, task_ids: impl IntoIterator<Item = i64>) -> Self {
        self.critical_path = task_ids.into_iter().collect();
        self
    }
}

/// Fetches links and computes dependency results, as kanboard-cli's `DependencyAnalyzer` does
/// but with batched requests.
#[derive(Debug, Clone)]
pub struct DependencyAnalyzer {
    kb: KanboardClient,
    opts: BatchOptions,
}

impl DependencyAnalyzer {
    /// An analyzer that fetches through `kb` with the default [`BatchOptions`].
    pub fn new(kb: KanboardClient) -> Self {
        DependencyAnalyzer {
            kb,
            opts: BatchOptions::default(),
        }
    }

    /// How the link fetches are grouped into batches.
    pub fn batch_options(mut self, opts: BatchOptions) -> Self {
        self.opts = opts;
        self
    }

    /// Fetches the links of every task and the names of their projects (one round of
    /// batched requests) and returns the snapshot every other method works from.
    pub async fn snapshot(&self, tasks: &[Task]) -> Result<DependencySnapshot> {
        fetch_snapshot(
            &self.kb,
            self.opts,
            tasks.to_vec(),
            HashMap::new(),
            HashMap::new(),
        )
        .await
    }

    /// The blocking edges among `tasks` and the tasks they link to, optionally only those
    /// between different projects ([`DependencySnapshot::edges`]).
    pub async fn dependency_edges(
        &self,
        tasks: &[Task],
        cross_project_only: bool,
    ) -> Result<Vec<DependencyEdge>> {
        Ok(self.snapshot(tasks).await?.edges(cross_project_only))
    }

    /// The tasks held by an open blocker, with those edges
    /// ([`DependencySnapshot::blocked_tasks`]).
    pub async fn blocked_tasks(&self, tasks: &[Task]) -> Result<Vec<(Task, Vec<DependencyEdge>)>> {
        Ok(self.snapshot(tasks).await?.blocked_tasks())
    }

    /// The open tasks holding others, with those edges
    /// ([`DependencySnapshot::blocking_tasks`]).
    pub async fn blocking_tasks(&self, tasks: &[Task]) -> Result<Vec<(Task, Vec<DependencyEdge>)>> {
        Ok(self.snapshot(tasks).await?.blocking_tasks())
    }

    /// The longest chain of open tasks over unresolved edges; [`Error::Cycle`] when the links
    /// loop ([`DependencySnapshot::critical_path`]).
    pub async fn critical_path(&self, tasks: &[Task]) -> Result<Vec<Task>> {
        self.snapshot(tasks).await?.critical_path()
    }

    /// Nodes and edges for rendering ([`DependencySnapshot::graph`]); the critical path is
    /// not marked (see [`DependencyGraph::highlight`]).
    pub async fn dependency_graph(
        &self,
        tasks: &[Task],
        cross_project_only: bool,
    ) -> Result<DependencyGraph> {
        Ok(self.snapshot(tasks).await?.graph(cross_project_only))
    }
}

/// Builds a snapshot, fetching only the links and project names not already given.
pub(crate) async fn fetch_snapshot(
    kb: &KanboardClient,
    opts: BatchOptions,
    tasks: Vec<Task>,
    mut links: HashMap<TaskId, Vec<LinkedTask>>,
    mut names: HashMap<ProjectId, String>,
) -> Result<DependencySnapshot> {
    let mut plan = Plan::new(kb, opts);
    let mut link_tickets = Vec::new();
    let mut asked = HashSet::new();
    for t in &tasks {
        if !links.contains_key(&t.id) && asked.insert(t.id) {
            link_tickets.push((t.id, plan.push(kb.task_links().get_all_task_links(t.id))?));
        }
    }
    let mut name_tickets = Vec::new();
    let mut asked = HashSet::new();
    for t in &tasks {
        if !names.contains_key(&t.project_id) && asked.insert(t.project_id) {
            name_tickets.push((
                t.project_id,
                plan.push(kb.projects().get_project_by_id(t.project_id))?,
            ));
        }
    }
    if plan.len() > 0 {
        let mut out = plan.run().await?;
        for (id, ticket) in link_tickets {
            links.insert(id, out.take(ticket)?);
        }
        for (pid, ticket) in name_tickets {
            // A deleted project has no name; kanboard-cli uses "" too.
            match out.take(ticket) {
                Ok(p) => {
                    names.insert(pid, p.name);
                }
                Err(e) if e.is_not_found() => {}
                Err(e) => return Err(e.into()),
            }
        }
    }
    Ok(DependencySnapshot::from_links(tasks, &links, &names))
}
