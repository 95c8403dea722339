//! Builds a portfolio on a real Kanboard: projects, tasks, cross-project "blocks" links, closed
//! tasks, and milestones with critical tasks in a local store; and keeps the ground truth (what
//! was created) to check any analysis against. Used by the live tests and the benchmark.
#![allow(dead_code)] // each user takes its part

use kanboard::KanboardClient;
use kanboard::models::{LinkLabel, ProjectId, TaskId};
use kanboard::orchestration::{LocalPortfolioStore, Milestone, Portfolio, datetime};
use std::collections::{BTreeMap, BTreeSet};

pub struct Spec {
    pub projects: usize,
    pub tasks_per_project: usize,
    pub links: usize,
    /// Milestones with tasks; `empty_milestone` adds one without tasks.
    pub milestones: usize,
    pub empty_milestone: bool,
}

pub struct Truth {
    pub portfolio: String,
    pub project_ids: Vec<i64>,
    /// Every task created, by project, in creation order.
    pub tasks: Vec<i64>,
    pub project_of: BTreeMap<i64, i64>,
    pub closed: BTreeSet<i64>,
    /// Blocker → blocked.
    pub blocks: Vec<(i64, i64)>,
    pub milestones: Vec<Milestone>,
}

impl Truth {
    pub fn open_tasks(&self) -> BTreeSet<i64> {
        self.tasks
            .iter()
            .copied()
            .filter(|t| !self.closed.contains(t))
            .collect()
    }

    /// The edges touching `input`.
    pub fn edges(&self, input: &BTreeSet<i64>) -> BTreeSet<(i64, i64)> {
        self.blocks
            .iter()
            .copied()
            .filter(|(a, b)| input.contains(a) || input.contains(b))
            .collect()
    }

    pub fn blocked(&self, input: &BTreeSet<i64>) -> BTreeSet<i64> {
        self.edges(input)
            .into_iter()
            .filter(|(a, b)| !self.closed.contains(a) && input.contains(b))
            .map(|(_, b)| b)
            .collect()
    }

    pub fn blocking(&self, input: &BTreeSet<i64>) -> BTreeSet<i64> {
        self.edges(input)
            .into_iter()
            .filter(|(a, _)| !self.closed.contains(a) && input.contains(a))
            .map(|(a, _)| a)
            .collect()
    }

    /// Open edges between open input tasks.
    pub fn live_edges(&self, input: &BTreeSet<i64>) -> Vec<(i64, i64)> {
        self.blocks
            .iter()
            .copied()
            .filter(|(a, b)| {
                input.contains(a)
                    && input.contains(b)
                    && !self.closed.contains(a)
                    && !self.closed.contains(b)
            })
            .collect()
    }

    /// Length (in tasks) of the longest chain over live edges; 0 without edges.
    pub fn longest_chain(&self, input: &BTreeSet<i64>) -> usize {
        let live = self.live_edges(input);
        fn go(v: i64, live: &[(i64, i64)], memo: &mut BTreeMap<i64, usize>) -> usize {
            if let Some(&d) = memo.get(&v) {
                return d;
            }
            let d = 1 + live
                .iter()
                .filter(|e| e.0 == v)
                .map(|e| go(e.1, live, memo))
                .max()
                .unwrap_or(0);
            memo.insert(v, d);
            d
        }
        let mut memo = BTreeMap::new();
        live.iter()
            .map(|e| go(e.0, &live, &mut memo))
            .max()
            .unwrap_or(0)
    }

    /// Milestone tasks with an "is blocked by" link to an open task.
    pub fn held(&self, m: &Milestone) -> Vec<i64> {
        m.task_ids
            .iter()
            .copied()
            .filter(|t| {
                self.blocks
                    .iter()
                    .any(|(a, b)| b == t && !self.closed.contains(a))
            })
            .collect()
    }
}

/// Kanboard on SQLite answers "database is locked" when writes of two tests overlap: the live
/// tests of one binary take this lock for their whole run.
pub async fn serial() -> tokio::sync::MutexGuard<'static, ()> {
    static LOCK: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
    LOCK.lock().await
}

fn unique(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{prefix}-{}-{nanos}", std::process::id())
}

/// xorshift, seeded: the same data every run.
struct Rng(u64);
impl Rng {
    fn next(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

async fn send_all<R: kanboard::Request>(kb: &KanboardClient, reqs: Vec<R>) -> Vec<R::Output> {
    let mut out = Vec::new();
    let mut reqs = reqs.into_iter().peekable();
    while reqs.peek().is_some() {
        let mut batch = kb.batch();
        let slots: Vec<_> = reqs
            .by_ref()
            .take(100)
            .map(|r| batch.add(r).unwrap())
            .collect();
        let mut res = batch.send().await.unwrap();
        for s in slots {
            out.push(res.take(s).unwrap());
        }
    }
    out
}

/// Creates the data on the server and a portfolio in `store`.
pub async fn build(kb: &KanboardClient, store: &LocalPortfolioStore, spec: &Spec) -> Truth {
    let name = unique("portfolio");
    let project_ids = send_all(
        kb,
        (0..spec.projects)
            .map(|i| kb.projects().create_project(unique(&format!("orch-p{i}"))))
            .collect(),
    )
    .await
    .into_iter()
    .map(ProjectId::get)
    .collect::<Vec<i64>>();
    let mut creates = Vec::new();
    let mut owners = Vec::new();
    for &p in &project_ids {
        for i in 0..spec.tasks_per_project {
            creates.push(kb.tasks().create_task(format!("task {i} of {p}"), p));
            owners.push(p);
        }
    }
    let tasks: Vec<i64> = send_all(kb, creates)
        .await
        .into_iter()
        .map(TaskId::get)
        .collect();
    let project_of: BTreeMap<i64, i64> = tasks.iter().copied().zip(owners).collect();

    // "blocks" links from an earlier task to a later one in a shuffled order: no cycle.
    let blocks_id = kb
        .links()
        .get_all_links()
        .send()
        .await
        .unwrap()
        .into_iter()
        .find(|l| l.label == LinkLabel::Blocks)
        .expect("the blocks link type")
        .id;
    let mut rng = Rng(0x5EED_1234_ABCD_0001);
    let mut order = tasks.clone();
    for i in (1..order.len()).rev() {
        order.swap(i, rng.next(i + 1));
    }
    let mut blocks = BTreeSet::new();
    while blocks.len() < spec.links {
        let a = rng.next(order.len());
        let b = rng.next(order.len());
        if a < b && b - a <= order.len() / 4 {
            blocks.insert((order[a], order[b]));
        }
    }
    let blocks: Vec<(i64, i64)> = blocks.into_iter().collect();
    send_all(
        kb,
        blocks
            .iter()
            .map(|&(a, b)| kb.task_links().create_task_link(a, b, blocks_id))
            .collect(),
    )
    .await;

    // Every 4th task closed, some of them blockers.
    let closed: BTreeSet<i64> = tasks.iter().copied().skip(3).step_by(4).collect();
    send_all(
        kb,
        closed.iter().map(|&t| kb.tasks().close_task(t)).collect(),
    )
    .await;

    // Milestones: due in 3 days, past, far off, ... each with a slice of the tasks.
    let today = jiff::ZonedDateTime::now().date();
    let targets = [
        today.checked_add(jiff::Span::new().days(3)).unwrap(),
        today.checked_sub(jiff::Span::new().days(10)).unwrap(),
        today.checked_add(jiff::Span::new().days(90)).unwrap(),
    ];
    let mut portfolio = Portfolio::new(name.clone())
        .description("orchestration test data")
        .project_ids(project_ids.iter().copied());
    for k in 0..spec.milestones {
        let mut m = Milestone::new(format!("M{k}"))
            .target_date(datetime::parse(&targets[k % 3].to_string()).unwrap());
        for (i, &t) in tasks.iter().enumerate() {
            if i % (spec.milestones + 1) == k {
                m = m.task(t, i % 3 == 0);
            }
        }
        portfolio = portfolio.milestone(m);
    }
    if spec.empty_milestone {
        portfolio = portfolio.milestone(
            Milestone::new("Empty").target_date(datetime::parse(&targets[1].to_string()).unwrap()),
        );
    }
    // A task deleted after being put in a milestone: left out of the totals.
    let gone = kb
        .tasks()
        .create_task("deleted later", project_ids[0])
        .send()
        .await
        .unwrap();
    kb.tasks().remove_task(gone).send().await.unwrap();
    portfolio.milestones[0].task_ids.push(gone.get());
    store.import_portfolio(&portfolio).unwrap();
    let milestones = portfolio.milestones.clone();
    Truth {
        portfolio: name,
        project_ids,
        tasks,
        project_of,
        closed,
        blocks,
        milestones,
    }
}
