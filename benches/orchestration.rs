//! Portfolio analysis by kanboard-cli 1.2.4 and by this library on the same server and the same
//! store file (5 projects × 40 tasks, 60 "blocks" links, 3 milestones), and the critical path
//! of a synthetic graph of 100 000 tasks and 300 000 edges. Prints one table.
//!
//! `cargo bench --bench orchestration`. Uses KANBOARD_URL/KANBOARD_TOKEN (and
//! KANBOARD_STATE_DIR, to count HTTP requests in the server's log), or starts a server with
//! scripts/kanboard-server.sh. kanboard-cli is looked up in KANBOARD_CLI_VENV (default
//! /opt/kanboard-cli-venv).
//!
//! The analysis is what kanboard-cli's `portfolio tasks`, `milestone progress`, `portfolio
//! blocked`, `portfolio blocking` and `portfolio critical-path` compute: open tasks, all
//! milestone progress, blocked and blocking tasks and the critical path. Times cover the
//! analysis only (not Python's or this process's start-up); each is the median of ROUNDS runs.

#[path = "../tests/portfolio_data/mod.rs"]
mod portfolio_data;

use kanboard::KanboardClient;
use kanboard::models::{LinkLabel, LinkedTask, Task, TaskId};
use kanboard::orchestration::graph::DependencyDag;
use kanboard::orchestration::{
    DependencyAnalyzer, DependencySnapshot, LocalPortfolioStore, PortfolioManager, TaskFilter,
};
use std::collections::HashMap;
use std::process::Command;
use std::time::{Duration, Instant};

const ROUNDS: usize = 5;

struct Server {
    url: String,
    token: String,
    log: Option<String>,
    started: Option<String>,
}

fn server() -> Option<Server> {
    if let (Ok(url), Ok(token)) = (
        std::env::var("KANBOARD_URL"),
        std::env::var("KANBOARD_TOKEN"),
    ) {
        let log = std::env::var("KANBOARD_STATE_DIR")
            .ok()
            .map(|d| format!("{d}/server.log"));
        return Some(Server {
            url,
            token,
            log,
            started: None,
        });
    }
    let out = Command::new("bash")
        .args(["scripts/kanboard-server.sh", "start"])
        .output()
        .ok()?;
    if !out.status.success() {
        eprintln!("{}", String::from_utf8_lossy(&out.stderr));
        return None;
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let get = |k: &str| {
        text.lines().find_map(|l| {
            l.strip_prefix(&format!("export {k}="))
                .map(|v| v.trim_matches('\'').to_owned())
        })
    };
    let dir = get("KANBOARD_STATE_DIR");
    Some(Server {
        url: get("KANBOARD_URL")?,
        token: get("KANBOARD_TOKEN")?,
        log: dir.as_ref().map(|d| format!("{d}/server.log")),
        started: dir,
    })
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(dir) = &self.started {
            let _ = Command::new("bash")
                .args(["scripts/kanboard-server.sh", "stop", dir])
                .status();
        }
    }
}

impl Server {
    /// HTTP requests the server has logged so far (php -S logs one line per request).
    fn requests(&self) -> Option<usize> {
        let text = std::fs::read_to_string(self.log.as_ref()?).ok()?;
        Some(text.lines().filter(|l| l.contains("]: POST ")).count())
    }
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1000.0)
}

/// What kanboard-cli's commands compute, through the separate calls.
async fn separate_calls(
    manager: &PortfolioManager<LocalPortfolioStore>,
    kb: &KanboardClient,
    name: &str,
) -> usize {
    let tasks = manager
        .portfolio_tasks(name, &TaskFilter::new())
        .await
        .unwrap();
    manager.all_milestone_progress(name).await.unwrap();
    let analyzer = DependencyAnalyzer::new(kb.clone());
    analyzer.blocked_tasks(&tasks).await.unwrap();
    analyzer.blocking_tasks(&tasks).await.unwrap();
    analyzer.critical_path(&tasks).await.unwrap().len()
}

async fn in_one_go(manager: &PortfolioManager<LocalPortfolioStore>, name: &str) -> usize {
    let a = manager.analyze(name).await.unwrap();
    a.dependencies.blocked_tasks();
    a.dependencies.blocking_tasks();
    a.dependencies.critical_path().unwrap().len()
}

fn synthetic(n: usize, m: usize) -> (Vec<(usize, usize)>, u64) {
    let mut seed = 0x2545_F491_4F6C_DD1Du64;
    let mut next = |k: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % k as u64) as usize
    };
    let mut edges = Vec::with_capacity(m);
    while edges.len() < m {
        let a = next(n);
        let b = next(n);
        if a < b {
            edges.push((a, b));
        }
    }
    (edges, seed)
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let mut rows: Vec<[String; 5]> = Vec::new();

    match server() {
        None => eprintln!(
            "SKIPPED portfolio analysis: no Kanboard server (set KANBOARD_URL/KANBOARD_TOKEN)"
        ),
        Some(srv) => {
            let kb = KanboardClient::new(&srv.url, &srv.token).unwrap();
            let dir = std::env::temp_dir().join(format!("kb-bench-orch-{}", std::process::id()));
            std::fs::create_dir_all(&dir).unwrap();
            let path = dir.join("portfolios.json");
            let store = LocalPortfolioStore::new(&path);
            let spec = portfolio_data::Spec {
                projects: 5,
                tasks_per_project: 40,
                links: 60,
                milestones: 3,
                empty_milestone: false,
            };
            let truth = rt.block_on(portfolio_data::build(&kb, &store, &spec));
            let name = truth.portfolio.clone();
            let manager = PortfolioManager::new(kb.clone(), store.clone());

            // kanboard-cli, in its venv, on the same store file.
            let venv = std::env::var("KANBOARD_CLI_VENV")
                .unwrap_or_else(|_| "/opt/kanboard-cli-venv".into());
            let python = format!("{venv}/bin/python");
            let cli = if std::path::Path::new(&python).exists() {
                let before = srv.requests();
                let out = Command::new(&python)
                    .args([
                        "tests/support/kanboard_cli_portfolio.py",
                        path.to_str().unwrap(),
                        &name,
                        &ROUNDS.to_string(),
                    ])
                    .env("KANBOARD_URL", &srv.url)
                    .env("KANBOARD_TOKEN", &srv.token)
                    .output()
                    .unwrap();
                assert!(
                    out.status.success(),
                    "{}",
                    String::from_utf8_lossy(&out.stderr)
                );
                let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
                let times: Vec<Duration> = v["seconds"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|s| Duration::from_secs_f64(s.as_f64().unwrap()))
                    .collect();
                // Requests per round from the script's own counter; the server log's total also
                // holds the script's final edge listing.
                let logged = match (before, srv.requests()) {
                    (Some(a), Some(b)) => format!(
                        ": {} (server log: {} for {ROUNDS} rounds and one edge listing)",
                        v["requests_per_round"],
                        b - a
                    ),
                    _ => String::new(),
                };
                Some((
                    median(times),
                    v["requests"].as_u64().unwrap() as usize,
                    logged,
                ))
            } else {
                eprintln!(
                    "SKIPPED kanboard-cli: {python} missing (scripts/install-kanboard-cli.sh)"
                );
                None
            };

            let mut measure = |label: &str, f: &dyn Fn() -> usize| {
                f(); // warm-up (connections, caches)
                let mut times = Vec::new();
                let mut reqs = None;
                for _ in 0..ROUNDS {
                    let before = srv.requests();
                    let start = Instant::now();
                    f();
                    times.push(start.elapsed());
                    reqs = match (before, srv.requests()) {
                        (Some(a), Some(b)) => Some(b - a),
                        _ => None,
                    };
                }
                let t = median(times);
                let (cli_t, cli_r, _) = cli.clone().unwrap_or((Duration::ZERO, 0, String::new()));
                rows.push([
                    format!("portfolio analysis, {label}"),
                    if cli.is_some() {
                        format!("{} ms, {cli_r} requests", ms(cli_t))
                    } else {
                        "n/a".into()
                    },
                    format!(
                        "{} ms, {} requests",
                        ms(t),
                        reqs.map_or("?".into(), |r| r.to_string())
                    ),
                    if cli.is_some() {
                        format!("{:.1}×", cli_t.as_secs_f64() / t.as_secs_f64())
                    } else {
                        "n/a".into()
                    },
                    "≥ 10×".into(),
                ]);
            };
            measure("as separate calls", &|| {
                rt.block_on(separate_calls(&manager, &kb, &name))
            });
            measure("with analyze()", &|| {
                rt.block_on(in_one_go(&manager, &name))
            });
            if let Some((_, _, logged)) = &cli
                && !logged.is_empty()
            {
                eprintln!("kanboard-cli requests per round{logged}");
            }
            let _ = std::fs::remove_dir_all(&dir);
        }
    }

    // Critical path on a synthetic graph: the algorithm alone, and from tasks and links.
    let (n, m) = (100_000, 300_000);
    let (edges, _) = synthetic(n, m);
    let mut dag_times = Vec::new();
    let mut path_len = 0;
    for _ in 0..ROUNDS {
        let start = Instant::now();
        let dag = DependencyDag::new(n, edges.iter().copied()).unwrap();
        path_len = dag.critical_path().unwrap().len();
        dag_times.push(start.elapsed());
    }
    rows.push([
        format!("critical path, {n} tasks × {m} edges (graph build + path, {path_len} tasks long)"),
        "n/a".into(),
        format!("{} ms", ms(median(dag_times))),
        String::new(),
        "< 100 ms".into(),
    ]);
    let tasks: Vec<Task> = (0..n)
        .map(|i| {
            let mut t = Task::default();
            t.id = (i as i64 + 1).into();
            t.project_id = ((i % 5) as i64 + 1).into();
            t.is_active = true;
            t
        })
        .collect();
    let mut links: HashMap<TaskId, Vec<LinkedTask>> = HashMap::new();
    for &(a, b) in &edges {
        let mut l = LinkedTask::default();
        l.task_id = (b as i64 + 1).into();
        l.label = LinkLabel::Blocks;
        l.project_id = ((b % 5) as i64 + 1).into();
        l.is_active = true;
        links.entry(TaskId(a as i64 + 1)).or_default().push(l);
    }
    let snapshot = DependencySnapshot::from_links(tasks, &links, &HashMap::new());
    let mut snap_times = Vec::new();
    for _ in 0..ROUNDS {
        let start = Instant::now();
        let len = snapshot.critical_path().unwrap().len();
        snap_times.push(start.elapsed());
        assert_eq!(len, path_len);
    }
    rows.push([
        format!("critical path, {n} tasks × {m} edges (DependencySnapshot::critical_path)"),
        "n/a".into(),
        format!("{} ms", ms(median(snap_times))),
        String::new(),
        "< 100 ms".into(),
    ]);

    println!("\n| measurement | kanboard-cli 1.2.4 | this library | speed-up | goal |");
    println!("| --- | --- | --- | --- | --- |");
    for r in &rows {
        println!("| {} | {} | {} | {} | {} |", r[0], r[1], r[2], r[3], r[4]);
    }
    println!("\nMedian of {ROUNDS} runs each; times cover the analysis only.");
}
