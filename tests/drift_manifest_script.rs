//! scripts/kanboard-manifest.php run on a Kanboard source tree gives the same API as the
//! manifests in tests/fixtures. Needs `php` and the tree (KANBOARD_DIR, default
//! /opt/kanboard-1.2.53); skipped, and says so, without them.

mod drift_support;

use drift_support::*;
use kanboard::drift::{self, Manifest};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn kanboard_dir(test: &str) -> Option<PathBuf> {
    let dir = PathBuf::from(
        std::env::var("KANBOARD_DIR").unwrap_or_else(|_| "/opt/kanboard-1.2.53".into()),
    );
    let php = Command::new("php").arg("--version").output();
    if !dir.join("app/common.php").exists() || !php.is_ok_and(|o| o.status.success()) {
        eprintln!(
            "SKIPPED {test}: needs php and a Kanboard source tree in KANBOARD_DIR (default /opt/kanboard-1.2.53)"
        );
        return None;
    }
    Some(dir)
}

fn run_script(dir: &Path, extra: &[&str]) -> Manifest {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/kanboard-manifest.php");
    let out = Command::new("php")
        .arg(script)
        .arg(dir)
        .args(extra)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Manifest::from_json(std::str::from_utf8(&out.stdout).unwrap()).unwrap()
}

/// Names, positions, required flags, defaults and user-only flags of both manifests.
fn assert_same_api(made: &Manifest, fixture: &Manifest) {
    let d = drift::compare_specs(&made.specs(), &fixture.specs());
    assert!(d.is_empty(), "{}", lines(&d).join("\n"));
    for (a, b) in made.methods.iter().zip(&fixture.methods) {
        assert_eq!(a.name, b.name, "same order");
        let defaults = |m: &kanboard::drift::ManifestMethod| -> Vec<Option<Value>> {
            m.params.iter().map(|p| p.default.clone()).collect()
        };
        assert_eq!(defaults(a), defaults(b), "{}", a.name);
        assert_eq!(a.registration, b.registration, "{}", a.name);
    }
}

#[test]
fn script_reproduces_the_kanboard_1_2_53_manifest() {
    let Some(dir) = kanboard_dir("script_reproduces_the_kanboard_1_2_53_manifest") else {
        return;
    };
    let made = run_script(&dir, &[]);
    assert_eq!(made.kanboard_version.as_deref(), Some("1.2.53"));
    assert_same_api(&made, &core_manifest());
}

/// A plugin registers closures (`withCallback`). A stand-in plugin with the Portfolio plugin's
/// signatures (bodies that never run) gives back the plugin's manifest.
#[test]
fn script_reads_plugin_callbacks() {
    let Some(dir) = kanboard_dir("script_reads_plugin_callbacks") else {
        return;
    };
    let fixture = plugin_manifest();
    let plugins = std::env::temp_dir().join(format!("drift-plugins-{}", std::process::id()));
    std::fs::create_dir_all(plugins.join("Portfolio")).unwrap();
    std::fs::write(
        plugins.join("Portfolio/Plugin.php"),
        stand_in_plugin(&fixture),
    )
    .unwrap();
    let plugins_arg = plugins.to_str().unwrap();
    let made = run_script(
        &dir,
        &["--plugins-dir", plugins_arg, "--plugin", "Portfolio"],
    );
    let core = run_script(&dir, &["--plugins-dir", plugins_arg]);
    std::fs::remove_dir_all(&plugins).unwrap();
    assert_eq!(made.plugin.as_deref(), Some("Portfolio"));
    assert_eq!(made.plugin_version.as_deref(), Some("1.17.0"));
    assert_same_api(&made, &fixture);
    // Kanboard's own manifest leaves the plugin's methods out.
    assert_same_api(&core, &core_manifest());
}

/// PHP source of a plugin that registers the manifest's methods as closures that throw.
fn stand_in_plugin(m: &Manifest) -> String {
    let php = |v: &Option<Value>| match v {
        None | Some(Value::Null) => "null".to_owned(),
        Some(Value::String(s)) => format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'")),
        Some(v) => v.to_string(),
    };
    let mut calls = String::new();
    for method in &m.methods {
        let params: Vec<String> = method
            .params
            .iter()
            .map(|p| match p.required {
                true => format!("${}", p.name),
                false => format!("${} = {}", p.name, php(&p.default)),
            })
            .collect();
        calls += &format!(
            "        $h->withCallback('{}', function ({}) {{ throw new \\Exception('never run'); }});\n",
            method.name,
            params.join(", ")
        );
    }
    format!(
        "<?php\nnamespace Kanboard\\Plugin\\Portfolio;\n\nclass Plugin extends \\Kanboard\\Core\\Plugin\\Base\n{{\n    \
         public function initialize()\n    {{\n        $h = $this->api->getProcedureHandler();\n{calls}    }}\n    \
         public function getPluginName() {{ return 'Portfolio'; }}\n    \
         public function getPluginVersion() {{ return '1.17.0'; }}\n}}\n"
    )
}
