//! `examples/drift_probe`, run for real against model servers: it ends with the exit codes of
//! `kanboard schema drift` (0 no drift, 8 drift, 9 no verdict, and an error's own code), taken
//! from the same place in the library.

mod drift_support;

use drift_support::*;
use kanboard::drift::Verdict;
use kanboard::exit_code;
use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::OnceLock;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Builds the example (a no-op when it is up to date) next to this test's own build.
fn example() -> &'static PathBuf {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT.get_or_init(|| {
        // <target>/<profile>/deps/drift_example-<hash>
        let exe = std::env::current_exe().unwrap();
        let profile_dir = exe.parent().and_then(|d| d.parent()).unwrap().to_owned();
        let target_dir = profile_dir.parent().unwrap();
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| env!("CARGO").to_owned());
        let status = Command::new(cargo)
            .args([
                "build",
                "--quiet",
                "-p",
                "kanboard",
                "--example",
                "drift_probe",
            ])
            .arg("--target-dir")
            .arg(target_dir)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .status()
            .expect("run cargo");
        assert!(status.success(), "cargo build --example drift_probe failed");
        let bin = profile_dir.join("examples").join("drift_probe");
        assert!(bin.exists(), "{} was not built", bin.display());
        bin
    })
}

async fn run(env: &[(&str, &str)], args: &[&str]) -> Output {
    let mut cmd = Command::new(example());
    cmd.env_remove("KANBOARD_URL")
        .env_remove("KANBOARD_TOKEN")
        .envs(env.iter().copied())
        .args(args);
    tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap()
}

async fn run_against(server: &MockServer, token: &str, args: &[&str]) -> Output {
    let url = kanboard_test_support::url(server);
    run(&[("KANBOARD_URL", &url), ("KANBOARD_TOKEN", token)], args).await
}

async fn sim_server(sim: &SimServer) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(sim.clone())
        .mount(&server)
        .await;
    server
}

fn code(out: &Output) -> i32 {
    out.status.code().expect("exited, not killed")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn the_verdicts_codes_are_the_cli_s() {
    assert_eq!(Verdict::NoDrift.exit_code(), 0);
    assert_eq!(Verdict::Drift.exit_code(), 8);
    assert_eq!(Verdict::Unchecked.exit_code(), 9);
}

#[tokio::test(flavor = "multi_thread")]
async fn exits_0_8_and_9_with_the_verdict() {
    let sim = SimServer::new(&[&core_manifest()]);
    let server = sim_server(&sim).await;
    let out = run_against(&server, &sim.token, &[]).await;
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout).lines().nth(1), Some("no drift"));

    // Kanboard 1.2.36's API behind a server that says it runs 1.2.53.
    let mut old = SimServer::new(&[&fixture("manifests/kanboard-1.2.36.json")]);
    old.version = Some("1.2.53".into());
    let server = sim_server(&old).await;
    let out = run_against(&server, &old.token, &[]).await;
    assert_eq!(code(&out), i32::from(Verdict::Drift.exit_code()));
    assert_eq!(text(&out.stdout).lines().nth(1), Some("4 differences:"));

    let proxy = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(403))
        .mount(&proxy)
        .await;
    let out = run_against(&proxy, "token", &[]).await;
    assert_eq!(code(&out), i32::from(Verdict::Unchecked.exit_code()));
    assert!(
        text(&out.stdout).contains("every call was refused with HTTP 403"),
        "{}",
        text(&out.stdout)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn errors_exit_with_their_own_code() {
    let sim = SimServer::new(&[&core_manifest()]);
    let server = sim_server(&sim).await;
    // Refused credentials: 4, as `kanboard` exits.
    let out = run_against(&server, "wrong", &[]).await;
    assert_eq!(
        code(&out),
        i32::from(exit_code::AUTH),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(exit_code::AUTH, 4);
    assert!(
        text(&out.stderr).starts_with("error: "),
        "{}",
        text(&out.stderr)
    );
    // Nothing listening: 6.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let url = format!("http://127.0.0.1:{closed}/jsonrpc.php");
    let out = run(&[("KANBOARD_URL", &url), ("KANBOARD_TOKEN", "t")], &[]).await;
    assert_eq!(
        code(&out),
        i32::from(exit_code::CONNECTION),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(exit_code::CONNECTION, 6);
    // No URL or token: a configuration error, 3.
    let out = run(&[], &[]).await;
    assert_eq!(
        code(&out),
        i32::from(exit_code::CONFIG),
        "{}",
        text(&out.stderr)
    );
    // A manifest that cannot be read, or a stray argument: 2.
    let out = run_against(&server, &sim.token, &["--manifest", "/nonexistent.json"]).await;
    assert_eq!(
        code(&out),
        i32::from(exit_code::USAGE),
        "{}",
        text(&out.stderr)
    );
    let out = run_against(&server, &sim.token, &["--bogus"]).await;
    assert_eq!(
        code(&out),
        i32::from(exit_code::USAGE),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(
        *sim.requests.lock().unwrap(),
        1,
        "only the wrong token's request"
    );
}
