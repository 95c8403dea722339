//! Orchestration against a fake Kanboard (with or without the Portfolio plugin) on a mock
//! server: results against the fake's own data, and the number of HTTP requests, which must not
//! follow the number of tasks.

use kanboard::KanboardClient;
use kanboard::orchestration::{
    BackendKind, BatchOptions, DependencyAnalyzer, Error, LocalPortfolioStore, Milestone,
    Portfolio, PortfolioBackend, PortfolioManager, RemotePortfolioBackend, TaskFilter, TaskStatus,
    create_backend, datetime,
};
use kanboard_test_support::{FakeKanboard as Kanboard, FakeTask, url};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use wiremock::MockServer;

/// A portfolio of 5 projects × `per_project` tasks; every 5th task closed; chains of blocking
/// links inside each project and across projects; plus one task outside the portfolio.
fn portfolio_data(per_project: i64) -> Kanboard {
    let mut kb = Kanboard::default();
    let mut id = 0;
    for p in 1..=5 {
        kb.projects.insert(p, format!("Project {p}"));
        for i in 0..per_project {
            id += 1;
            kb.tasks.insert(
                id,
                FakeTask {
                    id,
                    project_id: p,
                    title: format!("Task {id}"),
                    active: id % 5 != 0,
                    owner_id: if i % 2 == 0 { 7 } else { 0 },
                },
            );
        }
    }
    let n = id;
    // Same-project pairs (i blocks i+1 every 3rd task) and cross-project pairs.
    for t in (1..n).step_by(3) {
        if kb.tasks[&t].project_id == kb.tasks[&(t + 1)].project_id {
            kb.blocks.push((t, t + 1));
        }
        let cross = t + per_project;
        if cross <= n {
            kb.blocks.push((t + 1, cross));
        }
    }
    kb.projects.insert(99, "Outside".into());
    kb.tasks.insert(
        1000,
        FakeTask {
            id: 1000,
            project_id: 99,
            title: "Outside blocker".into(),
            active: true,
            owner_id: 0,
        },
    );
    kb.blocks.push((1000, 2));
    kb
}

async fn serve(kb: Kanboard) -> (MockServer, KanboardClient, Arc<Mutex<Kanboard>>) {
    let (server, state) = kanboard_test_support::serve(kb).await;
    let kb = KanboardClient::new(url(&server), "tok").unwrap();
    (server, kb, state)
}

fn store_with(per_project: i64) -> LocalPortfolioStore {
    let path = std::env::temp_dir().join(format!(
        "kb-orch-mock-{}-{per_project}-{}.json",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    ));
    let store = LocalPortfolioStore::new(path);
    let n = per_project * 5;
    let mut portfolio = Portfolio::new("P").project_ids(1..=5);
    for (k, name) in ["Alpha", "Beta", "GA"].iter().enumerate() {
        let mut m = Milestone::new(*name).target_date(datetime::parse("2030-01-01").unwrap());
        for t in (1 + k as i64..=n).step_by(3) {
            m = m.task(t, t % 4 == 0);
        }
        portfolio = portfolio.milestone(m);
    }
    portfolio.milestones[0].task_ids.push(5000); // deleted task: left out of the total
    store.import_portfolio(&portfolio).unwrap();
    store
}

async fn requests(server: &MockServer) -> usize {
    server.received_requests().await.unwrap().len()
}

/// Runs each analysis the way kanboard-cli's commands do and returns the request count of each.
async fn request_counts(per_project: i64, opts: BatchOptions) -> Vec<(&'static str, usize)> {
    let (server, kb, _) = serve(portfolio_data(per_project)).await;
    let manager = PortfolioManager::new(kb.clone(), store_with(per_project)).batch_options(opts);
    let analyzer = DependencyAnalyzer::new(kb.clone()).batch_options(opts);
    let mut counts = Vec::new();
    let mut last = 0;
    let mut mark = |name, now: usize| {
        counts.push((name, now - last));
        last = now;
    };
    let tasks = manager
        .portfolio_tasks("P", &TaskFilter::new())
        .await
        .unwrap();
    mark("portfolio tasks", requests(&server).await);
    manager.all_milestone_progress("P").await.unwrap();
    mark("all milestone progress", requests(&server).await);
    analyzer.blocked_tasks(&tasks).await.unwrap();
    mark("blocked tasks", requests(&server).await);
    analyzer.blocking_tasks(&tasks).await.unwrap();
    mark("blocking tasks", requests(&server).await);
    analyzer.critical_path(&tasks).await.unwrap();
    mark("critical path", requests(&server).await);
    manager.analyze("P").await.unwrap();
    mark("whole analysis", requests(&server).await);
    counts
}

#[tokio::test]
async fn http_requests_do_not_grow_with_the_number_of_tasks() {
    // 5 × 8 = 40 tasks and 5 × 80 = 400 tasks, with batches large enough for every round:
    // the same number of requests.
    let big = BatchOptions::new(2000, 4);
    let small = request_counts(8, big).await;
    let large = request_counts(80, big).await;
    eprintln!("HTTP requests (batches of up to 2000 calls), 40 tasks: {small:?}");
    eprintln!("HTTP requests (batches of up to 2000 calls), 400 tasks: {large:?}");
    assert_eq!(small, large);
    assert!(small.iter().all(|(_, n)| *n == 1 || *n == 2), "{small:?}");
    // With the default batches of 250 calls, a round of c calls takes ceil(c / 250) requests.
    let default = request_counts(80, BatchOptions::default()).await;
    eprintln!("HTTP requests (default batches of 250 calls), 400 tasks: {default:?}");
    for (name, n) in &default {
        assert!(*n <= 6, "{name}: {n}");
    }
}

/// Edges, blocked ids, blocking ids and the longest chain's length.
type Truth = (BTreeSet<(i64, i64)>, BTreeSet<i64>, BTreeSet<i64>, usize);

/// What the fake's links say, computed directly.
fn truth(kb: &Kanboard, input: &BTreeSet<i64>) -> Truth {
    let edges: BTreeSet<(i64, i64)> = kb
        .blocks
        .iter()
        .copied()
        .filter(|(a, b)| input.contains(a) || input.contains(b))
        .collect();
    let open = |t: &i64| kb.tasks[t].active;
    let blocked = edges
        .iter()
        .filter(|(a, b)| open(a) && input.contains(b))
        .map(|e| e.1)
        .collect();
    let blocking = edges
        .iter()
        .filter(|(a, _)| open(a) && input.contains(a))
        .map(|e| e.0)
        .collect();
    // Longest chain over open input tasks, by memoised DFS.
    let live: Vec<(i64, i64)> = edges
        .iter()
        .copied()
        .filter(|(a, b)| open(a) && open(b) && input.contains(a) && input.contains(b))
        .collect();
    fn longest(v: i64, live: &[(i64, i64)], memo: &mut BTreeMap<i64, usize>) -> usize {
        if let Some(&d) = memo.get(&v) {
            return d;
        }
        let d = 1 + live
            .iter()
            .filter(|e| e.0 == v)
            .map(|e| longest(e.1, live, memo))
            .max()
            .unwrap_or(0);
        memo.insert(v, d);
        d
    }
    let mut memo = BTreeMap::new();
    let len = if live.is_empty() {
        0
    } else {
        live.iter()
            .map(|e| longest(e.0, &live, &mut memo))
            .max()
            .unwrap()
    };
    (edges, blocked, blocking, len)
}

#[tokio::test]
async fn results_match_the_links_kanboard_reports() {
    let (_server, kb, state) = serve(portfolio_data(12)).await;
    let manager = PortfolioManager::new(kb.clone(), store_with(12));
    let analysis = manager.analyze("P").await.unwrap();
    let input: BTreeSet<i64> = analysis.tasks.iter().map(|t| t.id.get()).collect();
    {
        let fake = state.lock().unwrap();
        assert_eq!(
            input,
            fake.tasks
                .values()
                .filter(|t| t.active && t.project_id <= 5)
                .map(|t| t.id)
                .collect()
        );
        let (edges, blocked, blocking, len) = truth(&fake, &input);
        let deps = &analysis.dependencies;
        let got: BTreeSet<(i64, i64)> = deps
            .edges(false)
            .iter()
            .map(|e| (e.task_id, e.opposite_task_id))
            .collect();
        assert_eq!(got, edges);
        assert_eq!(deps.edges(false).len(), edges.len(), "no duplicates");
        let outside = deps
            .edges(false)
            .into_iter()
            .find(|e| e.task_id == 1000)
            .unwrap();
        assert_eq!(outside.task_project_name, "Outside");
        assert!(outside.is_cross_project && !outside.is_resolved);
        assert!(deps.edges(true).iter().all(|e| e.is_cross_project));
        let ids = |v: Vec<(
            kanboard::models::Task,
            Vec<kanboard::orchestration::DependencyEdge>,
        )>| {
            v.into_iter()
                .map(|(t, _)| t.id.get())
                .collect::<BTreeSet<_>>()
        };
        assert_eq!(ids(deps.blocked_tasks()), blocked);
        assert_eq!(ids(deps.blocking_tasks()), blocking);
        let path = deps.critical_path().unwrap();
        assert_eq!(path.len(), len);
        for w in path.windows(2) {
            assert!(edges.contains(&(w[0].id.get(), w[1].id.get())));
        }

        // Milestone progress against the fake's tasks.
        for (m, pr) in analysis.portfolio.milestones.iter().zip(&analysis.progress) {
            let present: Vec<&FakeTask> = m
                .task_ids
                .iter()
                .filter_map(|t| fake.tasks.get(t))
                .collect();
            assert_eq!(pr.total, present.len());
            assert_eq!(pr.completed, present.iter().filter(|t| !t.active).count());
            assert!((pr.percent - pr.completed as f64 * 100.0 / pr.total as f64).abs() < 1e-9);
            let held: Vec<i64> = m
                .task_ids
                .iter()
                .copied()
                .filter(|t| {
                    fake.blocks
                        .iter()
                        .any(|(a, b)| b == t && fake.tasks[a].active)
                })
                .collect();
            assert_eq!(pr.blocked_task_ids, held);
            assert!(!pr.is_at_risk && !pr.is_overdue, "target in 2030");
        }
    }

    // Filters.
    let mine = manager
        .portfolio_tasks(
            "P",
            &TaskFilter::new()
                .status(TaskStatus::All)
                .assignee(7)
                .project(2),
        )
        .await
        .unwrap();
    assert!(
        !mine.is_empty()
            && mine
                .iter()
                .all(|t| t.owner_id.get() == 7 && t.project_id.get() == 2)
    );
    assert!(mine.iter().any(|t| !t.is_active));
    assert!(
        manager
            .portfolio_tasks("P", &TaskFilter::new().project(99))
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn a_cycle_is_an_error_naming_its_tasks() {
    let mut data = portfolio_data(4);
    data.blocks.push((3, 1)); // 1 → 2 → 3 already? make sure: add 2 → 3 and 3 → 1
    data.blocks.push((2, 3));
    data.blocks.push((1, 2));
    let (_server, kb, _) = serve(data).await;
    let manager = PortfolioManager::new(kb, store_with(4));
    let analysis = manager.analyze("P").await.unwrap();
    match analysis.dependencies.critical_path() {
        Err(Error::Cycle { task_ids }) => {
            let set: BTreeSet<i64> = task_ids.iter().copied().collect();
            assert_eq!(set, BTreeSet::from([1, 2, 3]), "{task_ids:?}");
        }
        other => panic!("expected a cycle, got {other:?}"),
    }
}

#[tokio::test]
async fn deleted_projects_are_skipped() {
    let (_server, kb, _) = serve(portfolio_data(2)).await;
    let store = store_with(2);
    store.add_project("P", 77).unwrap();
    let projects = PortfolioManager::new(kb, store)
        .portfolio_projects("P")
        .await
        .unwrap();
    assert_eq!(
        projects.iter().map(|p| p.id.get()).collect::<Vec<_>>(),
        vec![1, 2, 3, 4, 5]
    );
}

#[tokio::test]
async fn the_remote_backend_names_a_missing_plugin() {
    let (server, kb, _) = serve(portfolio_data(2)).await;
    let backend = create_backend("remote", Some(&kb), None).unwrap();
    assert_eq!(backend.kind(), BackendKind::Remote);
    let err = backend.load().await.unwrap_err();
    assert!(matches!(err, Error::PluginMissing { .. }), "{err:?}");
    assert!(err.to_string().contains("Portfolio plugin"), "{err}");
    assert!(matches!(
        create_backend("cloud", None, None),
        Err(Error::UnknownBackend { .. })
    ));
    assert!(matches!(
        create_backend("remote", None, None),
        Err(Error::Invalid(_))
    ));
    drop(server);
}

#[tokio::test]
async fn migration_to_the_plugin_keeps_everything_or_names_what_it_lost() {
    let mut data = portfolio_data(3);
    data.plugin = true;
    let (server, kb, state) = serve(data).await;
    let remote = RemotePortfolioBackend::new(kb.clone());
    let mut local = Portfolio::new("Launch")
        .description("Q3")
        .project_ids([1, 2])
        .milestone(
            Milestone::new("Beta")
                .target_date(datetime::parse("2026-06-30").unwrap())
                .task(1, false)
                .task(4, true)
                .task(7, false), // project 3: not in the portfolio, refused by the plugin
        );
    local.created_at = Some(datetime::parse("2026-01-01T10:00:00").unwrap());
    let planned = remote.plan_import(&local).await.unwrap();
    assert_eq!(planned.warnings.len(), 1, "{planned:?}"); // timestamps
    assert_eq!(
        planned.refused,
        ["milestone \"Beta\": task #7 is in project #3, which is not in the portfolio"]
    );
    let done = remote.import_portfolio(&local).await.unwrap();
    let p = &done.portfolio;
    assert_eq!(p.project_ids, vec![1, 2]);
    let m = &p.milestones[0];
    assert_eq!(m.task_ids, vec![1, 4]);
    assert_eq!(m.critical_task_ids, vec![4]);
    assert_eq!(
        datetime::format(&m.target_date.unwrap()),
        "2026-06-30T00:00:00"
    );
    assert_eq!(done.refused, planned.refused);
    assert_eq!(done.warnings, planned.warnings);
    assert!(matches!(
        remote.import_portfolio(&local).await,
        Err(Error::PortfolioExists { .. })
    ));

    // A whole load costs three requests whatever the number of portfolios and milestones.
    let before = requests(&server).await;
    let all = remote.load().await.unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(requests(&server).await - before, 3);

    // Single operations read back what the plugin really did.
    let m = remote
        .add_task_to_milestone("Launch", "Beta", 2, true)
        .await
        .unwrap();
    assert_eq!(m.critical_task_ids, vec![4, 2]);
    let err = remote
        .add_task_to_milestone("Launch", "Beta", 8, false)
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Unsupported { .. }) && err.to_string().contains("#8"),
        "{err}"
    );
    let err = remote
        .add_milestone(
            "Launch",
            "GA",
            Some(datetime::parse("2026-09-01T17:30:00").unwrap()),
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("time of day"), "{err}");
    assert!(matches!(
        remote.add_milestone("Launch", "Beta", None).await,
        Err(Error::MilestoneExists { .. })
    ));
    assert!(remote.remove_portfolio("Launch").await.unwrap());
    assert!(!remote.remove_portfolio("Launch").await.unwrap());
    assert!(state.lock().unwrap().portfolios.is_empty());
}
