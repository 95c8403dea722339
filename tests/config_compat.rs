//! A kanboard-cli config file is read as kanboard-cli reads it: the same profile, URL,
//! credentials, output format and backend for the same file, flags and environment; and where
//! kanboard-cli fails, the same field is reported. When kanboard-cli is installed (the venv of
//! `scripts/install-kanboard-cli.sh`) each case is also run through its own `KanboardConfig.resolve`.

use kanboard::config::{KanboardConfig, Overrides};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

const PYTHON: &str = "/opt/kanboard-cli-venv/bin/python";

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/kanboard-cli/config.toml")
}

struct Case {
    name: &'static str,
    profile: Option<&'static str>,
    url: Option<&'static str>,
    env: &'static [(&'static str, &'static str)],
    /// Resolved fields, or `{"error": field}`.
    expect: Value,
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "settings.default_profile",
            profile: None,
            url: None,
            env: &[],
            expect: json!({"url": "https://kanboard.example.com/jsonrpc.php", "token": "work-token-0002",
                "profile": "work", "output_format": "json", "auth_mode": "app", "username": null,
                "password": null, "portfolio_backend": "remote"}),
        },
        Case {
            name: "KANBOARD_PROFILE",
            profile: None,
            url: None,
            env: &[("KANBOARD_PROFILE", "default")],
            expect: json!({"url": "http://localhost/jsonrpc.php", "token": "default-token-0001",
                "profile": "default", "output_format": "table", "auth_mode": "app", "username": null,
                "password": null, "portfolio_backend": "local"}),
        },
        Case {
            name: "flag beats env beats profile",
            profile: Some("work"),
            url: Some("http://flag.example/jsonrpc.php"),
            env: &[
                ("KANBOARD_PROFILE", "default"),
                ("KANBOARD_URL", "http://env.example/jsonrpc.php"),
                ("KANBOARD_TOKEN", "env-token-0003"),
                ("KANBOARD_OUTPUT_FORMAT", "csv"),
            ],
            expect: json!({"url": "http://flag.example/jsonrpc.php", "token": "env-token-0003",
                "profile": "work", "output_format": "csv", "auth_mode": "app", "username": null,
                "password": null, "portfolio_backend": "remote"}),
        },
        Case {
            name: "user profile",
            profile: Some("me"),
            url: None,
            env: &[],
            expect: json!({"url": "https://kanboard.example.com/jsonrpc.php", "token": "",
                "profile": "me", "output_format": "table", "auth_mode": "user", "username": "admin",
                "password": "my-password", "portfolio_backend": "local"}),
        },
        Case {
            name: "missing token",
            profile: Some("broken"),
            url: None,
            env: &[],
            expect: json!({"error": "token"}),
        },
        Case {
            name: "bad backend",
            profile: None,
            url: None,
            env: &[("KANBOARD_PORTFOLIO_BACKEND", "cloud")],
            expect: json!({"error": "portfolio_backend"}),
        },
    ]
}

fn ours(c: &Case) -> Value {
    let mut o = Overrides::default();
    o.profile = c.profile.map(Into::into);
    o.url = c.url.map(Into::into);
    o.config_file = Some(fixture());
    let env = |k: &str| {
        c.env
            .iter()
            .find(|(n, _)| *n == k)
            .map(|(_, v)| v.to_string())
    };
    match KanboardConfig::resolve_with(&o, &env) {
        Ok(r) => json!({"url": r.url, "token": r.token().map(|t| t.expose()).unwrap_or(""),
            "profile": r.profile, "output_format": r.output_format.as_str(),
            "auth_mode": r.auth_mode.as_str(), "username": r.username,
            "password": r.password().map(|p| p.expose()), "portfolio_backend": r.portfolio_backend.as_str()}),
        Err(kanboard::Error::Config { field, .. }) => json!({"error": field}),
        Err(e) => panic!("{}: {e}", c.name),
    }
}

const RESOLVE_PY: &str = r#"
import json, sys
from pathlib import Path
from kanboard.config import KanboardConfig
from kanboard.exceptions import KanboardConfigError
a = json.loads(sys.argv[1])
try:
    c = KanboardConfig.resolve(url=a["url"], profile=a["profile"], config_file=Path(a["file"]))
    print(json.dumps({"url": c.url, "token": c.token, "profile": c.profile,
        "output_format": c.output_format, "auth_mode": c.auth_mode, "username": c.username,
        "password": c.password, "portfolio_backend": c.portfolio_backend}))
except KanboardConfigError as e:
    print(json.dumps({"error": e.field}))
"#;

fn theirs(c: &Case) -> Value {
    let args = json!({"url": c.url, "profile": c.profile, "file": fixture()});
    let mut cmd = std::process::Command::new(PYTHON);
    cmd.args(["-c", RESOLVE_PY, &args.to_string()]);
    for (k, _) in std::env::vars() {
        if k.starts_with("KANBOARD_") {
            cmd.env_remove(k);
        }
    }
    for (k, v) in c.env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run kanboard-cli's resolver");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn resolves_as_documented() {
    for c in cases() {
        assert_eq!(ours(&c), c.expect, "{}", c.name);
    }
}

#[test]
fn resolves_as_kanboard_cli_does() {
    if !Path::new(PYTHON).exists() {
        eprintln!(
            "SKIPPED resolves_as_kanboard_cli_does: kanboard-cli not installed at {PYTHON} (scripts/install-kanboard-cli.sh)"
        );
        return;
    }
    for c in cases() {
        assert_eq!(ours(&c), theirs(&c), "{}", c.name);
    }
}

#[test]
fn workflows_table_is_readable() {
    let f = kanboard::config::ConfigFile::load(&fixture()).unwrap();
    assert_eq!(
        f.workflow("my_workflow")["some_setting"].as_str(),
        Some("value")
    );
    assert_eq!(f.profile_names(), ["default", "work", "me", "broken"]);
}
