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
        "schema vs manifest of Kanboard 1.2.53: 160 schema methods, 160 on the other side\n\
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

/// Kanboard 1.2.36's manifest (scripts/kanboard-manifest.php on its source): what the schema,
/// written for 1.2.53, has that 1.2.36 lacks. The live probe of the same server
/// (tests/drift_probe_mock.rs) sees these as counts, or by name where its evidence allows.
#[test]
fn kanboard_1_2_36_lacks_newer_parameters() {
    let report = drift::compare(&drift::schema(), &fixture("kanboard-1.2.36.json"));
    print!("{report}");
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
    assert_eq!(lines(&report.findings), expected);
}
