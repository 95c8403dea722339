//! A fake Kanboard with its state in memory: projects, tasks, "blocks" links (shown as `blocks`
//! on one side, `is blocked by` on the other) and, when `plugin` is set, the Portfolio plugin's
//! portfolios and milestones. It answers single calls and batches, and records every method
//! called. Replies are whole objects from recorded replies, with the fake's values on top.

use crate::{each_call, full};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate, matchers};

#[derive(Clone, Debug)]
pub struct FakeTask {
    pub id: i64,
    pub project_id: i64,
    pub title: String,
    pub active: bool,
    pub owner_id: i64,
}

#[derive(Default, Clone, Debug)]
pub struct FakeMilestone {
    pub id: i64,
    pub name: String,
    /// The target day as a timestamp (00:00 UTC), as the plugin keeps it.
    pub target: Option<i64>,
    /// Task ids with their critical flag, in the plugin's order: by position, then in the
    /// order they were added.
    pub tasks: Vec<(i64, bool)>,
    /// Each task's position, as sent (0 when none was).
    pub task_positions: BTreeMap<i64, i64>,
    pub description: String,
    /// Empty for the plugin's default, `blue`.
    pub color_id: String,
    pub owner_id: i64,
    /// `None` for the plugin's default, 1 (active).
    pub status: Option<i64>,
}

#[derive(Default, Clone, Debug)]
pub struct FakePortfolio {
    pub id: i64,
    pub name: String,
    pub description: String,
    /// Project ids in the plugin's order: by position, then in the order they were added.
    pub projects: Vec<i64>,
    /// Each project's position, as sent (0 when none was).
    pub project_positions: BTreeMap<i64, i64>,
    pub milestones: Vec<FakeMilestone>,
    pub owner_id: i64,
    pub inactive: bool,
}

/// Inserts `id` where the plugin lists it: after every item of a position up to `position`.
fn insert_at_position(
    list: &mut Vec<i64>,
    positions: &mut BTreeMap<i64, i64>,
    id: i64,
    position: i64,
) {
    let at = list
        .iter()
        .position(|x| positions.get(x).copied().unwrap_or(0) > position)
        .unwrap_or(list.len());
    list.insert(at, id);
    positions.insert(id, position);
}

#[derive(Default, Debug)]
pub struct FakeKanboard {
    pub projects: BTreeMap<i64, String>,
    pub tasks: BTreeMap<i64, FakeTask>,
    /// (blocker, blocked)
    pub blocks: Vec<(i64, i64)>,
    /// Whether the Portfolio plugin is installed: without it, its methods are not found.
    pub plugin: bool,
    pub portfolios: Vec<FakePortfolio>,
    /// The last id given to a portfolio or milestone.
    pub next_id: i64,
    /// Every method called, in order.
    pub calls: Vec<String>,
    /// Numbers of core replies (tasks, links) as strings, as Kanboard sends them from MySQL.
    pub string_numbers: bool,
}

impl FakeKanboard {
    pub fn add_project(&mut self, id: i64, name: impl Into<String>) {
        self.projects.insert(id, name.into());
    }

    pub fn add_task(&mut self, id: i64, project_id: i64, title: impl Into<String>, active: bool) {
        self.tasks.insert(
            id,
            FakeTask {
                id,
                project_id,
                title: title.into(),
                active,
                owner_id: 0,
            },
        );
    }

    /// A number as this fake sends it in core replies.
    fn number(&self, n: i64) -> Value {
        if self.string_numbers {
            json!(n.to_string())
        } else {
            json!(n)
        }
    }

    fn task_json(&self, t: &FakeTask) -> Value {
        let n = |v| self.number(v);
        full(
            "getTask",
            json!({"id": n(t.id), "title": t.title, "project_id": n(t.project_id),
                   "is_active": n(i64::from(t.active)), "owner_id": n(t.owner_id),
                   "column_id": n(1), "date_due": n(0), "priority": n(0)}),
        )
    }

    fn links_of(&self, id: i64) -> Value {
        let n = |v| self.number(v);
        let mut out = Vec::new();
        for (k, &(a, b)) in self.blocks.iter().enumerate() {
            let (other, label) = if a == id {
                (b, "blocks")
            } else if b == id {
                (a, "is blocked by")
            } else {
                continue;
            };
            let o = &self.tasks[&other];
            out.push(full(
                "getAllTaskLinks",
                json!({"id": n(k as i64 + 1), "task_id": n(other), "label": label,
                    "title": o.title, "project_id": n(o.project_id),
                    "project_name": self.projects[&o.project_id],
                    "is_active": n(i64::from(o.active))}),
            ));
        }
        Value::Array(out)
    }

    fn portfolio_row(p: &FakePortfolio) -> Value {
        full(
            "getAllPortfolios",
            json!({"id": p.id, "name": p.name, "description": p.description,
                   "owner_id": p.owner_id, "is_active": i64::from(!p.inactive),
                   "created_at": 1_790_000_000, "updated_at": 1_790_000_000}),
        )
    }

    fn milestone_row(pid: i64, m: &FakeMilestone) -> Value {
        let color = if m.color_id.is_empty() {
            "blue"
        } else {
            &m.color_id
        };
        full(
            "getPortfolioMilestones",
            json!({"id": m.id, "portfolio_id": pid, "name": m.name, "description": m.description,
                   "target_date": m.target, "status": m.status.unwrap_or(1), "color_id": color,
                   "owner_id": m.owner_id}),
        )
    }

    fn find_milestone(&self, mid: i64) -> Option<(usize, usize)> {
        for (i, p) in self.portfolios.iter().enumerate() {
            if let Some(j) = p.milestones.iter().position(|m| m.id == mid) {
                return Some((i, j));
            }
        }
        None
    }

    /// A target date as a timestamp in UTC: a day at 00:00, or a date and time as sent.
    fn timestamp(d: &str) -> i64 {
        let utc = jiff::tz::TimeZone::UTC;
        match d.parse::<jiff::civil::Date>() {
            Ok(day) => day.to_zoned_datetime(utc),
            Err(_) => d
                .parse::<jiff::civil::DateTime>()
                .unwrap()
                .to_zoned_datetime(utc),
        }
        .unwrap()
        .timestamp()
        .as_second()
    }

    /// One call: its result, or a JSON-RPC error's code and message.
    pub fn call(&mut self, method: &str, p: &Value) -> Result<Value, (i64, &'static str)> {
        self.calls.push(method.to_owned());
        let int = |k: &str| p[k].as_i64().unwrap_or(0);
        if !self.plugin && (method.contains("ortfolio") || method.contains("ilestone")) {
            return Err((-32601, "Method not found"));
        }
        Ok(match method {
            "getAllTasks" => {
                let active = p.get("status_id").and_then(Value::as_i64).unwrap_or(1) == 1;
                Value::Array(
                    self.tasks
                        .values()
                        .filter(|t| t.project_id == int("project_id") && t.active == active)
                        .map(|t| self.task_json(t))
                        .collect(),
                )
            }
            "getTask" => match self.tasks.get(&int("task_id")) {
                Some(t) => self.task_json(t),
                None => Value::Null,
            },
            "getAllTaskLinks" => self.links_of(int("task_id")),
            "getProjectById" => match self.projects.get(&int("project_id")) {
                Some(n) => full(
                    "getProjectById",
                    json!({"id": int("project_id"), "name": n}),
                ),
                None => Value::Null,
            },
            "getAllPortfolios" => {
                Value::Array(self.portfolios.iter().map(Self::portfolio_row).collect())
            }
            "getPortfolioByName" => match self.portfolios.iter().find(|x| x.name == p["name"]) {
                Some(x) => Self::portfolio_row(x),
                None => Value::Null,
            },
            "createPortfolio" => {
                if self.portfolios.iter().any(|x| x.name == p["name"]) {
                    return Ok(json!(false));
                }
                self.next_id += 1;
                self.portfolios.push(FakePortfolio {
                    id: self.next_id,
                    name: p["name"].as_str().unwrap_or_default().into(),
                    description: p["description"].as_str().unwrap_or_default().into(),
                    owner_id: int("owner_id"),
                    ..Default::default()
                });
                json!(true) // plugin 1.17.0: not the id
            }
            "updatePortfolio" => {
                let Some(x) = self
                    .portfolios
                    .iter_mut()
                    .find(|x| x.id == int("portfolio_id"))
                else {
                    return Ok(json!(false));
                };
                if let Some(n) = p["name"].as_str() {
                    x.name = n.into();
                }
                if let Some(d) = p["description"].as_str() {
                    x.description = d.into();
                }
                if let Some(o) = p["owner_id"].as_i64() {
                    x.owner_id = o;
                }
                match &p["is_active"] {
                    Value::Bool(b) => x.inactive = !b,
                    Value::Number(n) => x.inactive = n.as_i64() == Some(0),
                    _ => {}
                }
                json!(true)
            }
            "removePortfolio" => {
                let before = self.portfolios.len();
                self.portfolios.retain(|x| x.id != int("portfolio_id"));
                json!(before != self.portfolios.len())
            }
            "addProjectToPortfolio" => {
                let pid = int("project_id");
                if self.projects.contains_key(&pid)
                    && let Some(x) = self
                        .portfolios
                        .iter_mut()
                        .find(|x| x.id == int("portfolio_id"))
                    && !x.projects.contains(&pid)
                {
                    insert_at_position(
                        &mut x.projects,
                        &mut x.project_positions,
                        pid,
                        int("position"),
                    );
                }
                json!(false) // plugin 1.17.0 answers false even on success
            }
            "getPortfolioProjects" => {
                let x = self.portfolios.iter().find(|x| x.id == int("portfolio_id"));
                Value::Array(
                    x.map(|x| x.projects.clone())
                        .unwrap_or_default()
                        .iter()
                        .map(|id| {
                            let position = x.map_or(0, |x| x.project_positions[id]);
                            full(
                                "getPortfolioProjects",
                                json!({"id": id, "name": self.projects[id], "position": position}),
                            )
                        })
                        .collect(),
                )
            }
            "getPortfolioMilestones" => {
                match self.portfolios.iter().find(|x| x.id == int("portfolio_id")) {
                    Some(x) => Value::Array(
                        x.milestones
                            .iter()
                            .map(|m| Self::milestone_row(x.id, m))
                            .collect(),
                    ),
                    None => json!([]),
                }
            }
            "createMilestone" => {
                self.next_id += 1;
                let id = self.next_id;
                let target = p["target_date"].as_str().map(Self::timestamp);
                match self
                    .portfolios
                    .iter_mut()
                    .find(|x| x.id == int("portfolio_id"))
                {
                    Some(x) if !x.milestones.iter().any(|m| m.name == p["name"]) => {
                        x.milestones.push(FakeMilestone {
                            id,
                            name: p["name"].as_str().unwrap_or_default().into(),
                            target,
                            description: p["description"].as_str().unwrap_or_default().into(),
                            color_id: p["color_id"].as_str().unwrap_or_default().into(),
                            owner_id: int("owner_id"),
                            ..Default::default()
                        });
                        json!(true)
                    }
                    _ => json!(false),
                }
            }
            "updateMilestone" => {
                let Some((i, j)) = self.find_milestone(int("milestone_id")) else {
                    return Ok(json!(false));
                };
                let m = &mut self.portfolios[i].milestones[j];
                if let Some(n) = p["name"].as_str() {
                    m.name = n.into();
                }
                if let Some(d) = p["target_date"].as_str() {
                    m.target = Some(Self::timestamp(d));
                }
                if let Some(d) = p["description"].as_str() {
                    m.description = d.into();
                }
                if let Some(c) = p["color_id"].as_str() {
                    m.color_id = c.into();
                }
                if let Some(o) = p["owner_id"].as_i64() {
                    m.owner_id = o;
                }
                if let Some(st) = p["status"].as_i64() {
                    if !(0..=2).contains(&st) {
                        return Ok(json!(false));
                    }
                    m.status = Some(st);
                }
                json!(true)
            }
            "getMilestoneTasks" => match self.find_milestone(int("milestone_id")) {
                Some((i, j)) => {
                    let m = &self.portfolios[i].milestones[j];
                    Value::Array(
                        m.tasks
                            .iter()
                            .map(|(t, c)| {
                                full(
                                    "getMilestoneTasks",
                                    json!({"id": t, "title": self.tasks[t].title,
                                    "project_id": self.tasks[t].project_id,
                                    "position": m.task_positions[t],
                                    "is_critical": i64::from(*c), "is_active": 1}),
                                )
                            })
                            .collect(),
                    )
                }
                None => json!([]),
            },
            "addTaskToMilestone" => {
                let tid = int("task_id");
                if let Some((i, j)) = self.find_milestone(int("milestone_id"))
                    && let Some(t) = self.tasks.get(&tid)
                    && self.portfolios[i].projects.contains(&t.project_id)
                    && !self.portfolios[i].milestones[j]
                        .tasks
                        .iter()
                        .any(|x| x.0 == tid)
                {
                    let c = p["is_critical"] == json!(true) || p["is_critical"] == json!(1);
                    let m = &mut self.portfolios[i].milestones[j];
                    let mut order: Vec<i64> = m.tasks.iter().map(|x| x.0).collect();
                    insert_at_position(&mut order, &mut m.task_positions, tid, int("position"));
                    let at = order.iter().position(|x| *x == tid).unwrap_or(order.len());
                    m.tasks.insert(at, (tid, c));
                }
                json!(false)
            }
            other => panic!("the fake Kanboard has no {other}"),
        })
    }
}

/// Answers single calls and batches from the fake's state.
#[derive(Clone)]
struct Responder(Arc<Mutex<FakeKanboard>>);

impl Respond for Responder {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let mut kb = self.0.lock().unwrap();
        each_call(req, |c| {
            match kb.call(c["method"].as_str().unwrap(), &c["params"]) {
                Ok(r) => json!({"result": r}),
                Err((code, msg)) => json!({"error": {"code": code, "message": msg}}),
            }
        })
    }
}

/// A mock server answering every POST from `kb`, and the fake's state to inspect or change.
/// The server counts requests (`received_requests`); the state records calls.
pub async fn serve(kb: FakeKanboard) -> (MockServer, Arc<Mutex<FakeKanboard>>) {
    let state = Arc::new(Mutex::new(kb));
    let server = MockServer::start().await;
    Mock::given(matchers::method("POST"))
        .respond_with(Responder(state.clone()))
        .mount(&server)
        .await;
    (server, state)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small(plugin: bool) -> FakeKanboard {
        let mut kb = FakeKanboard {
            plugin,
            ..FakeKanboard::default()
        };
        kb.add_project(1, "Web");
        kb.add_task(1, 1, "Design API", true);
        kb.add_task(2, 1, "Old work", false);
        kb.blocks.push((2, 1));
        kb
    }

    #[test]
    fn tasks_and_links_come_from_the_state_with_every_recorded_key() {
        let mut kb = small(false);
        let open = kb.call("getAllTasks", &json!({"project_id": 1})).unwrap();
        assert_eq!(open.as_array().unwrap().len(), 1);
        assert_eq!(open[0]["title"], "Design API");
        assert_eq!(open[0]["is_active"], 1);
        let recorded = crate::recorded_result("getTask");
        for key in recorded.as_object().unwrap().keys() {
            assert!(open[0].get(key).is_some(), "{key} missing");
        }
        let closed = kb
            .call("getAllTasks", &json!({"project_id": 1, "status_id": 0}))
            .unwrap();
        assert_eq!(closed[0]["id"], 2);
        assert_eq!(
            kb.call("getTask", &json!({"task_id": 9})).unwrap(),
            Value::Null
        );
        let links = kb.call("getAllTaskLinks", &json!({"task_id": 1})).unwrap();
        assert_eq!(
            (
                &links[0]["label"],
                &links[0]["task_id"],
                &links[0]["is_active"]
            ),
            (&json!("is blocked by"), &json!(2), &json!(0))
        );
        assert_eq!(
            kb.calls,
            ["getAllTasks", "getAllTasks", "getTask", "getAllTaskLinks"]
        );
    }

    #[test]
    fn string_numbers_are_strings_in_core_replies() {
        let mut kb = small(false);
        kb.string_numbers = true;
        let task = kb.call("getTask", &json!({"task_id": 1})).unwrap();
        assert_eq!(
            (&task["id"], &task["is_active"]),
            (&json!("1"), &json!("1"))
        );
    }

    #[test]
    fn the_plugin_keeps_days_and_refuses_tasks_outside_its_projects() {
        assert_eq!(
            small(false).call("getAllPortfolios", &json!({})),
            Err((-32601, "Method not found"))
        );
        let mut kb = small(true);
        kb.add_project(2, "Core");
        kb.add_task(3, 2, "Elsewhere", true);
        assert_eq!(
            kb.call("createPortfolio", &json!({"name": "P"})),
            Ok(json!(true))
        );
        assert_eq!(
            kb.call("createPortfolio", &json!({"name": "P"})),
            Ok(json!(false))
        );
        let pid = kb.portfolios[0].id;
        kb.call(
            "addProjectToPortfolio",
            &json!({"portfolio_id": pid, "project_id": 1}),
        )
        .unwrap();
        kb.call(
            "createMilestone",
            &json!({"portfolio_id": pid, "name": "Beta", "target_date": "2026-06-30"}),
        )
        .unwrap();
        let m = &kb.portfolios[0].milestones[0];
        assert_eq!(m.target, Some(1_782_777_600));
        let mid = m.id;
        for task in [1, 3] {
            kb.call(
                "addTaskToMilestone",
                &json!({"milestone_id": mid, "task_id": task, "is_critical": true}),
            )
            .unwrap();
        }
        assert_eq!(kb.portfolios[0].milestones[0].tasks, vec![(1, true)]);
    }
}
