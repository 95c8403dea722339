//! Client CPU time per call (`getVersion`) against a local Kanboard, beside kanboard-cli 1.2.4's
//! figure measured in the same run against the same server.
//!
//! `cargo bench --bench call_overhead`. Uses KANBOARD_URL/KANBOARD_TOKEN, or starts a server with
//! scripts/kanboard-server.sh when those are unset. kanboard-cli is looked up in
//! KANBOARD_CLI_VENV (default /opt/kanboard-cli-venv; `scripts/install-kanboard-cli.sh`).
//!
//! CPU time is the process's user and system time (getrusage), all threads, so server time
//! (another process) is not counted but every client thread is.

use std::process::Command;
use std::time::Instant;

const CALLS: usize = 1000;

/// The process's (user, system) CPU time in microseconds, all threads (getrusage RUSAGE_SELF).
fn cpu_us() -> (f64, f64) {
    use nix::sys::resource::{UsageWho, getrusage};
    let u = getrusage(UsageWho::RUSAGE_SELF).expect("getrusage");
    let us = |t: nix::sys::time::TimeVal| t.tv_sec() as f64 * 1e6 + t.tv_usec() as f64;
    (us(u.user_time()), us(u.system_time()))
}

struct Server {
    label: String,
    url: String,
    token: String,
    state_dir: Option<String>,
}

/// The servers to measure: KANBOARD_URL if set, else a `php -S` server (one connection per
/// call) and, when nginx and php-fpm are installed, an nginx + php-fpm one (keep-alive).
fn servers() -> Vec<Server> {
    if let (Ok(url), Ok(token)) = (
        std::env::var("KANBOARD_URL"),
        std::env::var("KANBOARD_TOKEN"),
    ) {
        return vec![Server {
            label: "KANBOARD_URL".into(),
            url,
            token,
            state_dir: None,
        }];
    }
    let mut out = Vec::new();
    for (label, args) in [
        (
            "php -S (no keep-alive)",
            &["scripts/kanboard-server.sh", "start"][..],
        ),
        (
            "nginx + php-fpm (keep-alive)",
            &["scripts/kanboard-server.sh", "start", "--nginx"][..],
        ),
    ] {
        if args.len() == 3 && Command::new("nginx").arg("-v").output().is_err() {
            println!(
                "nginx not installed (scripts/install-nginx.sh): keep-alive server not measured"
            );
            continue;
        }
        match start(args) {
            Some((url, token, dir)) => out.push(Server {
                label: label.into(),
                url,
                token,
                state_dir: Some(dir),
            }),
            None => println!("could not start a {label} server"),
        }
    }
    out
}

fn start(args: &[&str]) -> Option<(String, String, String)> {
    let out = Command::new("bash").args(args).output().ok()?;
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
    Some((
        get("KANBOARD_URL")?,
        get("KANBOARD_TOKEN")?,
        get("KANBOARD_STATE_DIR")?,
    ))
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(dir) = &self.state_dir {
            let _ = Command::new("bash")
                .args(["scripts/kanboard-server.sh", "stop", dir])
                .status();
        }
    }
}

struct Row {
    client: &'static str,
    mode: &'static str,
    user_us: f64,
    sys_us: f64,
    wall_ms: f64,
}

/// Runs `f` and returns a row of per-call figures.
async fn timed<F: std::future::Future<Output = ()>>(
    client: &'static str,
    mode: &'static str,
    f: F,
) -> Row {
    let ((u0, s0), t0) = (cpu_us(), Instant::now());
    f.await;
    let (u1, s1) = cpu_us();
    Row {
        client,
        mode,
        user_us: (u1 - u0) / CALLS as f64,
        sys_us: (s1 - s0) / CALLS as f64,
        wall_ms: t0.elapsed().as_secs_f64() * 1e3,
    }
}

fn measure_rust(srv: &Server) -> Vec<Row> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let kb = kanboard::KanboardClient::builder(&srv.url)
        .app_token(&srv.token)
        .no_proxy()
        .build()
        .unwrap();
    rt.block_on(async {
        for _ in 0..20 {
            kb.application().get_version().send().await.unwrap(); // warm up
        }
        let sequential = timed("kanboard (Rust)", "one call per request", async {
            for _ in 0..CALLS {
                let v = kb.application().get_version().send().await.unwrap();
                assert!(!v.is_empty());
            }
        })
        .await;
        let batched = timed("kanboard (Rust)", "one batch of all calls", async {
            let mut batch = kb.batch();
            let slots: Vec<_> = (0..CALLS)
                .map(|_| batch.add(kb.application().get_version()).unwrap())
                .collect();
            let mut results = batch.send().await.unwrap();
            for s in slots {
                assert!(!results.take(s).unwrap().is_empty());
            }
        })
        .await;
        vec![sequential, batched]
    })
}

const PYTHON: &str = r#"
import os, sys, time
from kanboard import KanboardClient
n = int(sys.argv[1])
c = KanboardClient(os.environ["KB_URL"], os.environ["KB_TOKEN"])
for _ in range(20):
    c.application.get_version()
r0, t0 = os.times(), time.perf_counter()
for _ in range(n):
    assert c.application.get_version()
r1 = os.times()
print((r1.user - r0.user) / n * 1e6, (r1.system - r0.system) / n * 1e6, (time.perf_counter() - t0) * 1e3)
"#;

fn measure_python(srv: &Server) -> Result<Row, String> {
    let venv =
        std::env::var("KANBOARD_CLI_VENV").unwrap_or_else(|_| "/opt/kanboard-cli-venv".into());
    let python = format!("{venv}/bin/python");
    let out = Command::new(&python)
        .args(["-c", PYTHON, &CALLS.to_string()])
        .env("KB_URL", &srv.url)
        .env("KB_TOKEN", &srv.token)
        .output()
        .map_err(|e| {
            format!("cannot run {python}: {e} (scripts/install-kanboard-cli.sh installs it)")
        })?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let mut it = text
        .split_whitespace()
        .map(|x| x.parse::<f64>().unwrap_or(f64::NAN));
    Ok(Row {
        client: "kanboard-cli 1.2.4 (Python)",
        mode: "one call per request",
        user_us: it.next().unwrap_or(f64::NAN),
        sys_us: it.next().unwrap_or(f64::NAN),
        wall_ms: it.next().unwrap_or(f64::NAN),
    })
}

fn main() {
    // `cargo bench` passes `--bench`; nothing else to parse.
    let servers = servers();
    if servers.is_empty() {
        println!(
            "SKIPPED call_overhead: no Kanboard (set KANBOARD_URL/KANBOARD_TOKEN or install one, see scripts/README.md)"
        );
        return;
    }
    println!(
        "\ngetVersion x {CALLS} per row; client CPU = user + system time of the client process\n"
    );
    println!(
        "| server | client | mode | client CPU per call | user | system | wall time, all calls |"
    );
    println!("|---|---|---|---:|---:|---:|---:|");
    for srv in &servers {
        let mut rows = measure_rust(srv);
        match measure_python(srv) {
            Ok(row) => rows.push(row),
            Err(e) => println!("kanboard-cli not measured: {e}"),
        }
        for r in &rows {
            println!(
                "| {} | {} | {} | {:.1} µs | {:.1} µs | {:.1} µs | {:.0} ms |",
                srv.label,
                r.client,
                r.mode,
                r.user_us + r.sys_us,
                r.user_us,
                r.sys_us,
                r.wall_ms
            );
        }
    }
    println!(
        "\nSystem time includes the kernel's loopback TCP work for both ends of each connection;"
    );
    println!("`php -S` closes every connection, so there each call pays a TCP connect and close.");
}
