//! The schema's `since` / `until` against the manifest of every Kanboard release in
//! `tests/fixtures/manifests/` (made by `scripts/kanboard-manifest.php` from each release tag):
//! a method or parameter that a release has must be in the span the schema gives it, and one it
//! lacks must not.

use kanboard_codegen::{ServerRelease, check_releases};
use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap()
}

fn schema() -> String {
    std::fs::read_to_string(root().join("schema/kanboard.yaml")).unwrap()
}

/// Every committed manifest, as the releases it describes.
fn manifests() -> Vec<ServerRelease> {
    let dir = root().join("tests/fixtures/manifests");
    let mut out = Vec::new();
    for e in std::fs::read_dir(&dir).unwrap() {
        let path = e.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let m: serde_json::Value = serde_json::from_str(&text).unwrap();
        let methods = m["methods"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| {
                let params = x["params"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|p| p["name"].as_str().unwrap().to_owned())
                    .collect();
                (x["name"].as_str().unwrap().to_owned(), params)
            })
            .collect();
        out.push(ServerRelease {
            release: m["kanboard_version"].as_str().unwrap().to_owned(),
            methods,
        });
    }
    out
}

#[test]
fn since_and_until_match_every_release_manifest() {
    let releases = manifests();
    // 1.2.20 to 1.2.53: every release the schema says it describes.
    assert_eq!(releases.len(), 34, "manifests in tests/fixtures/manifests");
    if let Err(found) = check_releases(&schema(), &releases) {
        let lines: Vec<String> = found
            .iter()
            .map(|d| d.render("schema/kanboard.yaml"))
            .collect();
        panic!("{}", lines.join("\n"));
    }
}

#[test]
fn a_missing_or_wrong_since_is_reported_at_the_parameter() {
    let releases = manifests();
    let yaml = schema();
    // Without its `since`, createProject's `email` (first in 1.2.45) is reported where it is
    // declared, with the value to set.
    let line = yaml
        .lines()
        .position(|l| l.trim_start().starts_with("email:") && l.contains("since: \"1.2.45\""))
        .unwrap()
        + 1;
    let missing = yaml.replacen(", since: \"1.2.45\"}", "}", 1);
    let found = check_releases(&missing, &releases).unwrap_err();
    let d = found
        .iter()
        .find(|d| d.message.contains("`priority_default` of `createProject`"))
        .unwrap_or_else(|| panic!("{found:?}"));
    assert!(
        d.message.contains("since 1.2.45") && d.message.contains("set `since: \"1.2.45\"`"),
        "{d}"
    );
    assert!(d.line > 0 && d.line < line as u64, "{d}");
    // A wrong one, too.
    let wrong = yaml.replacen("since: \"1.2.36\"", "since: \"1.2.35\"", 1);
    let found = check_releases(&wrong, &releases).unwrap_err();
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].message.contains("`visibility` of `createComment`")
            && found[0].message.contains("set `since: \"1.2.36\"`"),
        "{}",
        found[0]
    );
}
