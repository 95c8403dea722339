//! The static drift check: the schema against the server manifests in `tests/fixtures/` (made by
//! PHP reflection on Kanboard 1.2.53 and on the Portfolio plugin 1.17.0). No server needed.

mod drift_support;

use drift_support::*;
use kanboard::drift::{self, Finding};

#[test]
fn schema_matches_kanboard_1_2_53() {
    let manifest = core_manifest();
    let report = drift::compare(&drift::schema(), &manifest);
    print!("{report}");
    assert!(report.is_clean(), "{report}");
    assert_eq!(report.schema_methods, manifest.methods.len());
}

/// The plugin's methods are compared with the plugin's manifest, Kanboard's own with Kanboard's.
#[test]
fn schema_matches_the_portfolio_plugin_1_17_0() {
    let manifest = plugin_manifest();
    let report = drift::compare(&drift::schema(), &manifest);
    print!("{report}");
    if report.schema_methods == 0 {
        // The schema does not have the plugin yet: then exactly its methods are missing.
        let missing: Vec<&str> = report
            .findings
            .iter()
            .map(|f| match f {
                Finding::MethodMissingInSchema { method } => method.as_str(),
                other => panic!("unexpected: {other}"),
            })
            .collect();
        let all: Vec<&str> = manifest.methods.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(missing, all);
    } else {
        assert!(report.is_clean(), "{report}");
    }
}

#[test]
fn an_edited_schema_copy_shows_exactly_its_three_edits() {
    let report = drift::compare(&edited_schema(), &core_manifest());
    assert_eq!(lines(&report.findings), THREE_EDITS, "{report}");
    assert!(report.declared.is_empty() && report.stale.is_empty());
    assert_eq!(
        report.to_string(),
        "schema for Kanboard 1.2.53 (since/until applied) vs manifest of Kanboard 1.2.53: \
         160 schema methods, 160 on the other side\n\
         3 differences:\n  \
         - getColumn: parameter 1 is `col_id` in the schema, `column_id` on the server\n  \
         - getColumnColour: in the schema, missing on the server\n  \
         - changeColumnPosition: on the server, missing in the schema\n"
    );
}

/// A declared difference moves out of the drift list, with its reason; a declaration that
/// matches nothing is reported as stale.
#[test]
fn declarations_in_a_schema_copy() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/schema/kanboard.yaml");
    let yaml = std::fs::read_to_string(path).unwrap();
    let from = "        rpc: getColumn\n        doc: One column by id.\n        params:\n          column_id: {type: ColumnId, doc: \"Id of the column, in any project.\"}\n";
    assert_eq!(yaml.matches(from).count(), 1);
    let to = format!(
        "{}        drift:\n          - {{param: column_id, kind: required, reason: \"Checked by the client.\"}}\n          - {{kind: user_only, reason: \"Not really.\"}}\n",
        from.replace(
            "column_id: {type: ColumnId,",
            "column_id: {type: ColumnId, required: false,"
        )
    );
    let schema = schema_from_yaml(&yaml.replacen(from, &to, 1));
    let report = drift::compare(&schema, &core_manifest());
    assert!(report.findings.is_empty(), "{report}");
    assert_eq!(report.declared.len(), 1);
    assert_eq!(report.stale.len(), 1);
    assert!(!report.is_clean());
    let text = report.to_string();
    assert!(
        text.contains("getColumn: `column_id` is optional in the schema, required by the server: Checked by the client."),
        "{text}"
    );
    assert!(
        text.contains("getColumn: kind `user_only` (Not really.)"),
        "{text}"
    );
}

#[test]
fn manifests_are_checked_when_read() {
    use kanboard::drift::Manifest;
    for (text, needle) in [
        ("{}", "missing field `methods`"),
        (
            r#"{"methods":[{"name":"a","params":[{"name":"x","position":1,"required":true}]}]}"#,
            "positions",
        ),
        (
            r#"{"methods":[{"name":"a","params":[]},{"name":"A","params":[]}]}"#,
            "listed twice",
        ),
        (
            r#"{"methods":[{"name":"a","params":"x"}]}"#,
            "methods[0].params",
        ),
    ] {
        let e = Manifest::from_json(text).unwrap_err().to_string();
        assert!(e.contains(needle), "{text}: {e}");
    }
}

/// Every release the schema describes (tests/fixtures/manifests/, made by
/// scripts/kanboard-manifest.php from each release's source): the schema taken for that release
/// (its `since` / `until` applied) matches the release's manifest exactly.
#[test]
fn schema_matches_every_release_it_describes() {
    let manifests = release_manifests();
    assert_eq!(manifests.len(), 34, "1.2.20 to 1.2.53");
    let mut failures = Vec::new();
    for manifest in &manifests {
        let report = drift::compare(&drift::schema(), manifest);
        let v = manifest.release().expect("a release number");
        assert_eq!(report.release, Some(v));
        assert!(
            report.title.starts_with(&format!(
                "schema for Kanboard {v} (since/until applied) vs manifest of Kanboard {v}"
            )),
            "{report}"
        );
        if !report.is_clean() {
            failures.push(report.to_string());
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    let (oldest, newest) = (&manifests[0], &manifests[33]);
    assert_eq!(oldest.kanboard_version.as_deref(), Some("1.2.20"));
    assert_eq!(newest.kanboard_version.as_deref(), Some("1.2.53"));
    // 1.2.20 lacks every parameter with a `since`; 1.2.53 none.
    assert_eq!(drift::compare(&drift::schema(), oldest).left_out.len(), 14);
    assert!(drift::compare(&drift::schema(), newest).left_out.is_empty());
}

/// Kanboard 1.2.36 lacks the parameters the schema gives to later releases: expected, not
/// drift; the report says which release it compared against and what it left out.
#[test]
fn kanboard_1_2_36_lacks_only_what_since_explains() {
    let report = drift::compare(&drift::schema(), &fixture("manifests/kanboard-1.2.36.json"));
    print!("{report}");
    assert_eq!(
        report.to_string(),
        "schema for Kanboard 1.2.36 (since/until applied) vs manifest of Kanboard 1.2.36: \
         160 schema methods, 160 on the other side\n\
         no drift\n\
         not in Kanboard 1.2.36 by the schema's since/until (not expected): \
         createProject `priority_default`, `priority_start`, `priority_end`, `email`; \
         updateProject `priority_default`, `priority_start`, `priority_end`, `email`; \
         createCategory `color_id`; updateCategory `color_id`\n"
    );
    assert!(report.is_clean());
}

/// A manifest without a release number is compared with the whole schema, as written for the
/// newest release: 1.2.36's then lacks ten parameters.
#[test]
fn without_a_release_number_the_whole_schema_is_compared() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/manifests/kanboard-1.2.36.json"
    );
    let mut json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    for version in [serde_json::Value::Null, "main.1a2b3c".into()] {
        json["kanboard_version"] = version;
        let manifest = drift::Manifest::from_json(&json.to_string()).unwrap();
        assert_eq!(manifest.release(), None);
        let report = drift::compare(&drift::schema(), &manifest);
        assert_eq!(report.release, None);
        assert!(report.title.starts_with("schema vs manifest of Kanboard"));
        let mut expected = Vec::new();
        for method in ["createProject", "updateProject"] {
            for param in [
                "priority_default",
                "priority_start",
                "priority_end",
                "email",
            ] {
                expected.push(format!(
                    "{method}: the schema has parameter `{param}`, the server does not"
                ));
            }
        }
        for method in ["createCategory", "updateCategory"] {
            expected.push(format!(
                "{method}: the schema has parameter `color_id`, the server does not"
            ));
        }
        assert_eq!(lines(&report.findings), expected, "{report}");
    }
}

/// An edited schema copy whose `since` / `until` are wrong for 1.2.36: a parameter or method
/// the schema gives only to later (or earlier) releases, which 1.2.36 has, is drift; one given
/// to 1.2.36 that it lacks, too.
#[test]
fn a_wrong_since_or_until_is_drift() {
    let manifest = fixture("manifests/kanboard-1.2.36.json");
    // `visibility` is in 1.2.36: a `since` one release later is wrong.
    let report = drift::compare(
        &schema_with(&[("since: \"1.2.36\"}", "since: \"1.2.37\"}")]),
        &manifest,
    );
    assert_eq!(
        lines(&report.findings),
        [
            "createComment: parameter `visibility` on the server (Kanboard 1.2.36), the schema \
          says 1.2.37 and later: its `since`/`until` is wrong"
        ],
        "{report}"
    );
    // Categories' `color_id` (1.2.37) moved back to 1.2.30: 1.2.36 should have it.
    let report = drift::compare(
        &schema_with(&[(
            "Not checked: any text is stored.\", since: \"1.2.37\"}",
            "Not checked: any text is stored.\", since: \"1.2.30\"}",
        )]),
        &manifest,
    );
    assert_eq!(
        lines(&report.findings),
        ["createCategory: the schema has parameter `color_id`, the server does not"],
        "{report}"
    );
    // Whole methods: one the schema says came later, one it says went earlier.
    let report = drift::compare(
        &schema_with(&[
            (
                "        rpc: getColumn\n",
                "        rpc: getColumn\n        since: \"1.2.40\"\n",
            ),
            (
                "        rpc: getVersion\n",
                "        rpc: getVersion\n        until: \"1.2.30\"\n",
            ),
        ]),
        &manifest,
    );
    assert_eq!(
        lines(&report.findings),
        [
            "getVersion: on the server (Kanboard 1.2.36), the schema says up to 1.2.30: its \
             `since`/`until` is wrong",
            "getColumn: on the server (Kanboard 1.2.36), the schema says 1.2.40 and later: its \
             `since`/`until` is wrong",
        ],
        "{report}"
    );
    // Against a release they are right for, the same edits are not drift.
    let report = drift::compare(
        &schema_with(&[(
            "        rpc: getColumn\n",
            "        rpc: getColumn\n        since: \"1.2.40\"\n",
        )]),
        &fixture("manifests/kanboard-1.2.40.json"),
    );
    assert!(report.is_clean(), "{report}");
}
