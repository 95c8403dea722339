//! The local portfolio store: kanboard-cli's file format, CRUD rules, many processes writing at
//! once, writers killed mid-write, and files exchanged with kanboard-cli itself.

use kanboard::orchestration::{
    Error, LocalPortfolioStore, Milestone, MilestoneUpdate, Portfolio, PortfolioUpdate, datetime,
};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

const SAMPLE: &str = include_str!("fixtures/kanboard-cli-portfolios-sample.json");
const WORKER_ENV: &str = "KANBOARD_STORE_TEST_WORKER";
const KANBOARD_CLI_PYTHON: &str = "/opt/kanboard-cli-venv/bin/python";

fn temp_dir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!(
        "kb-store-{tag}-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    ));
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn reads_and_rewrites_kanboard_cli_sample_byte_for_byte() {
    let dir = temp_dir("sample");
    let path = dir.join("portfolios.json");
    std::fs::write(&path, SAMPLE).unwrap();
    let store = LocalPortfolioStore::new(&path);
    let all = store.load().unwrap();
    assert_eq!(all.len(), 1);
    let p = &all[0];
    assert_eq!(p.name, "platform-launch");
    assert_eq!(p.project_ids, vec![1, 2, 3]);
    let m = &p.milestones[0];
    assert_eq!(m.task_ids, vec![42, 43]);
    assert_eq!(m.critical_task_ids, vec![43]);
    assert_eq!(
        datetime::format(&m.target_date.unwrap()),
        "2026-06-30T00:00:00"
    );
    assert_eq!(
        datetime::format(&p.created_at.unwrap()),
        "2026-11-28T20:23:49.203193"
    );
    store.save(&all).unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), SAMPLE);
}

#[test]
fn crud_follows_kanboard_cli_rules() {
    let dir = temp_dir("crud");
    let store = LocalPortfolioStore::new(dir.join("sub/portfolios.json"));
    assert!(store.load().unwrap().is_empty(), "a missing file is empty");
    store.create_portfolio("Launch", "Q3", &[1, 2, 2]).unwrap();
    assert!(matches!(
        store.create_portfolio("Launch", "", &[]),
        Err(Error::PortfolioExists { .. })
    ));
    // Names are case-sensitive.
    store.create_portfolio("launch", "", &[]).unwrap();
    assert!(matches!(
        store.get_portfolio("nope"),
        Err(Error::PortfolioNotFound { .. })
    ));
    assert_eq!(
        store.add_project("Launch", 3).unwrap().project_ids,
        vec![1, 2, 3]
    );
    assert_eq!(
        store.add_project("Launch", 3).unwrap().project_ids,
        vec![1, 2, 3]
    );
    assert_eq!(
        store.remove_project("Launch", 1).unwrap().project_ids,
        vec![2, 3]
    );

    let target = datetime::parse("2026-06-30").unwrap();
    store.add_milestone("Launch", "Beta", Some(target)).unwrap();
    assert!(matches!(
        store.add_milestone("Launch", "Beta", None),
        Err(Error::MilestoneExists { .. })
    ));
    store
        .add_task_to_milestone("Launch", "Beta", 42, false)
        .unwrap();
    let m = store
        .add_task_to_milestone("Launch", "Beta", 42, true)
        .unwrap();
    assert_eq!(
        (m.task_ids.clone(), m.critical_task_ids.clone()),
        (vec![42], vec![42])
    );
    let m = store
        .remove_task_from_milestone("Launch", "Beta", 42)
        .unwrap();
    assert!(m.task_ids.is_empty() && m.critical_task_ids.is_empty());
    assert!(matches!(
        store.add_task_to_milestone("Launch", "Nope", 1, false),
        Err(Error::MilestoneNotFound { .. })
    ));

    let m = store
        .update_milestone(
            "Launch",
            "Beta",
            MilestoneUpdate::new().name("GA").target_date(None),
        )
        .unwrap();
    assert_eq!((m.name.as_str(), m.target_date), ("GA", None));
    let p = store
        .update_portfolio(
            "Launch",
            PortfolioUpdate::new().name("Launch 2").description("Q4"),
        )
        .unwrap();
    assert_eq!(p.milestones[0].portfolio_name, "Launch 2");
    assert!(matches!(
        store.update_portfolio("Launch 2", PortfolioUpdate::new().name("launch")),
        Err(Error::PortfolioExists { .. })
    ));
    assert!(store.remove_milestone("Launch 2", "GA").unwrap());
    assert!(!store.remove_milestone("Launch 2", "GA").unwrap());
    assert!(store.remove_portfolio("Launch 2").unwrap());
    assert!(!store.remove_portfolio("Launch 2").unwrap());
    assert!(matches!(
        store.create_portfolio("  ", "", &[]),
        Err(Error::Invalid(_))
    ));
}

#[test]
fn malformed_or_wrong_version_files_are_typed_errors() {
    let dir = temp_dir("bad");
    let path = dir.join("portfolios.json");
    let store = LocalPortfolioStore::new(&path);
    for (text, needle) in [
        ("{not json", "malformed JSON"),
        ("", "malformed JSON"),
        ("[]", "malformed JSON"),
        (r#"{"version": 2, "portfolios": []}"#, "version mismatch"),
        (r#"{"portfolios": []}"#, "malformed JSON"),
    ] {
        std::fs::write(&path, text).unwrap();
        match store.load() {
            Err(e @ Error::StoreFormat { .. }) => {
                assert!(e.to_string().contains(needle), "{text:?}: {e}")
            }
            other => panic!("{text:?}: {other:?}"),
        }
    }
    // A write on a broken file is refused rather than replacing it.
    std::fs::write(&path, "{not json").unwrap();
    assert!(store.create_portfolio("x", "", &[]).is_err());
    assert!(matches!(store.save(&[]), Err(Error::StoreFormat { .. })));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "{not json");
}

#[test]
fn unknown_fields_survive_a_rewrite_and_the_mode_is_kept() {
    let dir = temp_dir("extra");
    let path = dir.join("portfolios.json");
    std::fs::write(
        &path,
        r#"{"version": 1, "portfolios": [{"name": "A", "description": "", "project_ids": [],
            "milestones": [{"name": "M", "portfolio_name": "A", "target_date": null,
            "task_ids": [], "critical_task_ids": [], "color_id": "red"}],
            "created_at": null, "updated_at": null, "owner_id": 7}]}"#,
    )
    .unwrap();
    #[cfg(unix)]
    let mode = || {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(&path).unwrap().permissions().mode() & 0o777
    };
    #[cfg(unix)]
    let before = mode();
    let store = LocalPortfolioStore::new(&path);
    store.add_task_to_milestone("A", "M", 5, false).unwrap();
    let p = store.get_portfolio("A").unwrap();
    assert_eq!(p.extra["owner_id"], 7);
    assert_eq!(p.milestones[0].extra["color_id"], "red");
    // A rewrite keeps the file's mode (a new file is 0600: tests/hostile_files.rs).
    #[cfg(unix)]
    assert_eq!(mode(), before);
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

// ----- many processes -----

/// Entry point of the child processes (does nothing in a normal run).
#[test]
fn store_worker_entry() {
    let Ok(spec) = std::env::var(WORKER_ENV) else {
        return;
    };
    let mut parts = spec.splitn(3, ':');
    let mode = parts.next().unwrap().to_owned();
    let worker: i64 = parts.next().unwrap().parse().unwrap();
    let path = PathBuf::from(parts.next().unwrap());
    let store = LocalPortfolioStore::new(path);
    match mode.as_str() {
        "updates" => {
            for i in 0..UPDATES_PER_WORKER {
                store
                    .add_task_to_milestone("shared", "M", worker * 100_000 + i, i % 3 == 0)
                    .unwrap();
            }
        }
        "forever" => {
            for i in 0.. {
                // Alternate growing and shrinking so every write changes the file's size.
                if i % 2 == 0 {
                    store.add_task_to_milestone("big-0", "M", i, true).unwrap();
                } else {
                    store
                        .remove_task_from_milestone("big-0", "M", i - 1)
                        .unwrap();
                }
            }
        }
        other => panic!("unknown worker mode {other}"),
    }
}

const WORKERS: i64 = 8;
const UPDATES_PER_WORKER: i64 = 200;

fn spawn_worker(mode: &str, worker: i64, path: &Path) -> std::process::Child {
    Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "store_worker_entry",
            "--test-threads=1",
            "--quiet",
        ])
        .env(WORKER_ENV, format!("{mode}:{worker}:{}", path.display()))
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap()
}

#[test]
fn eight_processes_times_200_updates_lose_nothing() {
    let dir = temp_dir("multi");
    let path = dir.join("portfolios.json");
    let store = LocalPortfolioStore::new(&path);
    store.create_portfolio("shared", "", &[]).unwrap();
    store.add_milestone("shared", "M", None).unwrap();
    let children: Vec<_> = (0..WORKERS)
        .map(|w| spawn_worker("updates", w, &path))
        .collect();
    for mut c in children {
        assert!(c.wait().unwrap().success());
    }
    let m = store.get_portfolio("shared").unwrap().milestones.remove(0);
    let mut expected: Vec<i64> = (0..WORKERS)
        .flat_map(|w| (0..UPDATES_PER_WORKER).map(move |i| w * 100_000 + i))
        .collect();
    let mut got = m.task_ids.clone();
    got.sort_unstable();
    expected.sort_unstable();
    assert_eq!(got.len(), (WORKERS * UPDATES_PER_WORKER) as usize);
    assert_eq!(got, expected);
    let critical = m.critical_task_ids.len() as i64;
    assert_eq!(
        critical,
        WORKERS * (UPDATES_PER_WORKER as u64).div_ceil(3) as i64
    );
}

#[test]
fn a_writer_killed_at_random_moments_never_leaves_an_unreadable_file() {
    let dir = temp_dir("kill");
    let path = dir.join("portfolios.json");
    let store = LocalPortfolioStore::new(&path);
    // About a megabyte, so that each write takes a while and a kill can land inside one.
    let mut all = Vec::new();
    for i in 0..400 {
        let mut m = Milestone::new("M");
        for t in 0..200 {
            m = m.task(t, t % 2 == 0);
        }
        all.push(
            Portfolio::new(format!("big-{i}"))
                .description("x".repeat(200))
                .milestone(m),
        );
    }
    store.save(&all).unwrap();
    let count_temps = || {
        std::fs::read_dir(&dir)
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .count()
    };
    let mut seed = std::process::id() as u64 ^ 0x9E37_79B9_7F4A_7C15;
    let mut kills = 0;
    let mut mid_write = 0;
    for round in 0..100 {
        let mut child = spawn_worker("forever", round, &path);
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        std::thread::sleep(Duration::from_millis(30 + seed % 270));
        child.kill().unwrap(); // SIGKILL on Unix
        child.wait().unwrap();
        kills += 1;
        let loaded = store
            .load()
            .unwrap_or_else(|e| panic!("after kill {kills}: {e}"));
        assert_eq!(loaded.len(), 400, "after kill {kills}");
        // A temporary file left behind means the kill landed inside a write.
        if count_temps() > 0 {
            mid_write += 1;
        }
    }
    // Temporary files of writers killed mid-write are cleared by the next write.
    store.add_project("big-1", 1).unwrap();
    assert_eq!(count_temps(), 0);
    eprintln!(
        "{kills} writers killed with SIGKILL; the store loaded after each; \
         {mid_write} of the kills landed inside a write"
    );
}

// ----- kanboard-cli on the same file -----

fn kanboard_cli(test: &str) -> Option<&'static str> {
    if Path::new(KANBOARD_CLI_PYTHON).exists() {
        Some(KANBOARD_CLI_PYTHON)
    } else {
        eprintln!(
            "SKIPPED {test}: kanboard-cli is not installed ({KANBOARD_CLI_PYTHON} missing; run scripts/install-kanboard-cli.sh)"
        );
        None
    }
}

fn python(py: &str, script: &str, path: &Path) -> String {
    let out = Command::new(py)
        .args(["-c", script, path.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "python failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn a_file_written_here_loads_in_kanboard_cli_and_back() {
    let Some(py) = kanboard_cli("a_file_written_here_loads_in_kanboard_cli_and_back") else {
        return;
    };
    let dir = temp_dir("interop1");
    let path = dir.join("portfolios.json");
    let store = LocalPortfolioStore::new(&path);
    store
        .create_portfolio("Launch ✓", "Q3 \"big\"", &[1, 2])
        .unwrap();
    store
        .add_milestone(
            "Launch ✓",
            "Beta",
            Some(datetime::parse("2026-06-30").unwrap()),
        )
        .unwrap();
    store
        .add_task_to_milestone("Launch ✓", "Beta", 42, false)
        .unwrap();
    store
        .add_task_to_milestone("Launch ✓", "Beta", 43, true)
        .unwrap();
    // kanboard-cli reads it, checks its values, then changes it with its own store.
    let out = python(
        py,
        r#"
import sys, json
from pathlib import Path
from datetime import datetime
from kanboard.orchestration import LocalPortfolioStore
s = LocalPortfolioStore(Path(sys.argv[1]))
p = s.get_portfolio("Launch ✓")
m = p.milestones[0]
assert p.description == 'Q3 "big"' and p.project_ids == [1, 2], p
assert m.target_date == datetime(2026, 6, 30) and m.task_ids == [42, 43] and m.critical_task_ids == [43], m
assert isinstance(p.created_at, datetime) and p.created_at.tzinfo is None
s.add_task_to_milestone("Launch ✓", "Beta", 44, critical=True)
s.add_milestone("Launch ✓", "GA", target_date=datetime(2026, 9, 1, 17, 30))
print(json.dumps({"ok": True}))
"#,
        &path,
    );
    assert!(out.contains("\"ok\": true"), "{out}");
    let p = store.get_portfolio("Launch ✓").unwrap();
    assert_eq!(p.milestones[0].task_ids, vec![42, 43, 44]);
    assert_eq!(p.milestones[0].critical_task_ids, vec![43, 44]);
    assert_eq!(
        datetime::format(&p.milestones[1].target_date.unwrap()),
        "2026-09-01T17:30:00"
    );
}

#[test]
fn a_file_written_by_kanboard_cli_loads_here() {
    let Some(py) = kanboard_cli("a_file_written_by_kanboard_cli_loads_here") else {
        return;
    };
    let dir = temp_dir("interop2");
    let path = dir.join("portfolios.json");
    python(
        py,
        r#"
import sys
from pathlib import Path
from datetime import datetime
from kanboard.orchestration import LocalPortfolioStore
s = LocalPortfolioStore(Path(sys.argv[1]))
s.create_portfolio("café", description="ünïcode", project_ids=[3, 4])
s.add_milestone("café", "Beta", target_date=datetime(2026, 7, 15))
s.add_task_to_milestone("café", "Beta", 7, critical=True)
s.add_task_to_milestone("café", "Beta", 8)
s.create_portfolio("second")
"#,
        &path,
    );
    let store = LocalPortfolioStore::new(&path);
    let all = store.load().unwrap();
    assert_eq!(all.len(), 2);
    let p = &all[0];
    assert_eq!(
        (p.name.as_str(), p.description.as_str()),
        ("café", "ünïcode")
    );
    assert_eq!(p.project_ids, vec![3, 4]);
    let m = &p.milestones[0];
    assert_eq!(m.task_ids, vec![7, 8]);
    assert_eq!(m.critical_task_ids, vec![7]);
    assert_eq!(
        datetime::format(&m.target_date.unwrap()),
        "2026-07-15T00:00:00"
    );
    assert!(p.created_at.is_some() && p.updated_at.is_some());
    // Rewriting here keeps kanboard-cli's bytes (same JSON layout).
    let before = std::fs::read_to_string(&path).unwrap();
    store.save(&all).unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), before);
}
