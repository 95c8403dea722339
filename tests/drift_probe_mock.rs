//! The live probe against a model of Kanboard's JSON-RPC server (tests/drift_support): no real
//! server needed, and the model records any call that would have run a method.

mod drift_support;

use drift_support::*;
use kanboard::KanboardClient;
use kanboard::drift::{self, Manifest, MethodSpec};
use kanboard_test_support::url;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer};

async fn serve(sim: &SimServer) -> (MockServer, KanboardClient) {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(sim.clone())
        .mount(&server)
        .await;
    let kb = KanboardClient::new(url(&server), &sim.token).unwrap();
    (server, kb)
}

#[tokio::test]
async fn a_matching_server_shows_no_drift_and_runs_nothing() {
    let (core, plugin) = (core_manifest(), plugin_manifest());
    let sim = SimServer::new(&[&core]);
    let (_server, kb) = serve(&sim).await;
    let report = drift::probe(&kb, &drift::schema(), &[core, plugin])
        .await
        .unwrap();
    print!("{report}");
    assert!(report.is_clean(), "{report}");
    assert!(sim.runs().is_empty(), "ran {:?}", sim.runs());
    assert_eq!(report.user_only.len(), 7);
    // The plugin's methods are in the schema, and the server has none of them.
    assert!(report.manifest_only.is_empty(), "{report}");
    assert_eq!(report.plugins_absent, vec![("portfolio".to_owned(), 28)]);
    // The release asked, three rounds in batches, plus one request per user-only method.
    assert_eq!(report.stats.requests, 1 + 3 + 7);
    assert_eq!(*sim.version_asks.lock().unwrap(), 1);
    assert!(
        report.drift.title.starts_with(
            "schema for Kanboard 1.2.53 (since/until applied) vs the server at http://"
        ),
        "{report}"
    );
    assert_eq!(*sim.requests.lock().unwrap(), report.stats.requests);
    assert_eq!(report.stats.methods, 188);
}

/// Plugin methods are registered as callbacks: matched with case, no user-only refusal.
#[tokio::test]
async fn plugin_callbacks_are_probed_like_the_rest() {
    let plugin = plugin_manifest();
    let sim = SimServer::new(&[&core_manifest(), &plugin]);
    let (_server, kb) = serve(&sim).await;
    let report = drift::probe(&kb, &plugin.specs(), &[]).await.unwrap();
    assert!(report.is_clean(), "{report}");
    assert!(sim.runs().is_empty(), "ran {:?}", sim.runs());
    assert_eq!(report.stats.requests, 1 + 3);
}

#[tokio::test]
async fn an_edited_schema_copy_shows_exactly_its_three_edits() {
    let core = core_manifest();
    let sim = SimServer::new(&[&core]);
    let (_server, kb) = serve(&sim).await;
    let report = drift::probe(&kb, &edited_schema(), &[core]).await.unwrap();
    assert_eq!(lines(&report.drift.findings), THREE_EDITS, "{report}");
    assert!(
        report.stopped.is_empty() && report.stats.unexpected == 0,
        "{report}"
    );
    assert!(sim.runs().is_empty());
}

/// A server whose methods drifted in every way a probe can see.
#[tokio::test]
async fn what_a_probe_can_prove() {
    let core = core_manifest();
    let mut sim = SimServer::new(&[&core]);
    sim.method_mut("getVersion").user_only = true; // 403 inside a batch
    sim.method_mut("createTask").params[1].0 = "pid".into(); // required, renamed
    sim.method_mut("getTask")
        .params
        .push(("with_links".into(), true)); // one more required
    sim.method_mut("getAllTasks").params.pop(); // its only optional one gone
    sim.method_mut("getColumn").params.push(("x".into(), false)); // one optional more
    sim.method_mut("getMe").user_only = false; // open to the token
    let (_server, kb) = serve(&sim).await;
    let report = drift::probe(&kb, &drift::schema(), &[]).await.unwrap();
    print!("{report}");
    assert_eq!(
        lines(&report.drift.findings),
        [
            "getVersion: open to the application token in the schema, user-only on the server",
            "createTask: parameter 2 is `project_id` in the schema, `pid` on the server",
            "getTask: the server has required parameter `with_links`, the schema does not",
            "getAllTasks: the schema has parameter `status_id`, the server does not",
            "getColumn: the server takes 2 parameters, the schema lists 1",
            "getMe: user-only in the schema, open to the application token on the server",
        ]
    );
    assert!(sim.runs().is_empty(), "ran {:?}", sim.runs());
    assert!(report.user_only.contains(&"getVersion".to_string()));
}

/// The limit the probe documents: a method that requires nothing but accepts parameters, where
/// the schema lists none, is run by the first probe. The report says so.
#[tokio::test]
async fn the_documented_limit_is_reported_not_hidden() {
    let core = core_manifest();
    let mut sim = SimServer::new(&[&core]);
    sim.method_mut("getVersion")
        .params
        .push(("format".into(), false));
    let (_server, kb) = serve(&sim).await;
    let only = vec![MethodSpec::new("getVersion")];
    let report = drift::probe(&kb, &only, &[]).await.unwrap();
    assert_eq!(sim.runs(), ["getVersion"]);
    assert_eq!(report.stats.unexpected, 1);
    assert!(!report.is_clean());
    assert!(
        report
            .to_string()
            .contains("1 call was NOT rejected as expected"),
        "{report}"
    );
}

#[tokio::test]
async fn wrong_token_and_user_logins_are_errors() {
    let sim = SimServer::new(&[&core_manifest()]);
    let (server, _) = serve(&sim).await;
    let url = url(&server);
    let bad = KanboardClient::new(&url, "wrong").unwrap();
    let e = drift::probe(&bad, &drift::schema(), &[]).await.unwrap_err();
    assert!(e.is_auth(), "{e}");
    let user = KanboardClient::builder(&url)
        .user("admin", "admin")
        .build()
        .unwrap();
    let e = drift::probe(&user, &drift::schema(), &[])
        .await
        .unwrap_err();
    assert!(e.to_string().contains("needs the application token"), "{e}");
    assert_eq!(
        *sim.requests.lock().unwrap(),
        1,
        "the user login sent nothing"
    );
}

#[tokio::test]
async fn a_manifest_with_methods_the_server_lacks() {
    let sim = SimServer::new(&[&core_manifest()]);
    let (_server, kb) = serve(&sim).await;
    let extra = Manifest::from_json(
        r#"{"kanboard_version":"9.9","methods":[{"name":"getVersion","params":[]},{"name":"getFuture","params":[{"name":"x","position":0,"required":true}]}]}"#,
    )
    .unwrap();
    let report = drift::probe(&kb, &[], &[extra]).await.unwrap();
    assert_eq!(
        lines(&report.drift.findings),
        ["getVersion: on the server, missing in the schema"]
    );
    assert_eq!(report.manifest_only, ["getFuture"]);
}

/// A server with Kanboard 1.2.36's API (its manifest) that says it runs 1.2.53, as a patched
/// one might: `createCategory` and `updateCategory` have no `color_id`, `createProject` and
/// `updateProject` fewer optional parameters than 1.2.53 has. Where the server's required
/// parameters leave a single schema parameter unaccounted for and the server has no optional
/// one, the probe names it; where several remain, it names the candidates. Every name it gives
/// is one the static check against the same manifest, without its release, finds.
#[tokio::test]
async fn missing_parameters_are_named_when_the_evidence_allows() {
    let mut old = fixture("manifests/kanboard-1.2.36.json");
    let mut sim = SimServer::new(&[&old]);
    sim.version = Some("1.2.53".into());
    old.kanboard_version = None;
    let (_server, kb) = serve(&sim).await;
    let report = drift::probe(&kb, &drift::schema(), &[]).await.unwrap();
    print!("{report}");
    assert_eq!(
        lines(&report.drift.findings),
        [
            "createProject: the server takes 6 parameters, the schema lists 10; at least 4 of \
             `description`, `owner_id`, `identifier`, `start_date`, `end_date`, \
             `priority_default`, `priority_start`, `priority_end`, `email` are not on the server",
            "updateProject: the server takes 7 parameters, the schema lists 11; at least 4 of \
             `name`, `description`, `owner_id`, `identifier`, `start_date`, `end_date`, \
             `priority_default`, `priority_start`, `priority_end`, `email` are not on the server",
            "createCategory: the schema has parameter `color_id`, the server does not",
            "updateCategory: the schema has parameter `color_id`, the server does not",
        ],
        "{report}"
    );
    assert!(sim.runs().is_empty(), "ran {:?}", sim.runs());
    let truth = drift::compare(&drift::schema(), &old).findings;
    let gone = |m: &str, p: &str| {
        truth.contains(&drift::Finding::ParamMissingOnServer {
            method: m.into(),
            param: p.into(),
        })
    };
    for f in &report.drift.findings {
        match f {
            drift::Finding::ParamMissingOnServer { method, param } => {
                assert!(gone(method, param), "{f}")
            }
            drift::Finding::ParamCount {
                method,
                missing_from,
                missing_at_least,
                ..
            } => {
                let spec = drift::schema()
                    .into_iter()
                    .find(|s| &s.name == method)
                    .unwrap();
                let really: Vec<&str> = spec
                    .params
                    .iter()
                    .map(|p| p.name.as_str())
                    .filter(|p| gone(method, p))
                    .collect();
                assert!(really.len() >= *missing_at_least, "{f}: {really:?}");
                assert!(
                    really.iter().all(|p| missing_from.iter().any(|c| c == p)),
                    "{f}: {really:?}"
                );
            }
            _ => panic!("unexpected {f}"),
        }
    }
}

/// Every release the schema describes, each as a model server answering `getVersion` with its
/// release: the probe takes the schema for that release and finds no drift (1.2.36's
/// `createProject` takes 6 parameters, as many as the schema lists once the four of 1.2.45 are
/// left out). One mock server, its model swapped per release.
#[tokio::test]
async fn no_drift_against_any_release_the_schema_describes() {
    let server = MockServer::start().await;
    let mut seen = Vec::new();
    for manifest in release_manifests() {
        server.reset().await;
        let sim = SimServer::new(&[&manifest]);
        Mock::given(method("POST"))
            .respond_with(sim.clone())
            .mount(&server)
            .await;
        let kb = KanboardClient::new(url(&server), &sim.token).unwrap();
        let report = drift::probe(&kb, &drift::schema(), &[]).await.unwrap();
        let v = manifest.release().unwrap();
        assert!(report.is_clean(), "{report}");
        assert!(sim.runs().is_empty(), "{v}: ran {:?}", sim.runs());
        assert_eq!(report.drift.release, Some(v));
        assert!(
            report
                .drift
                .title
                .starts_with(&format!("schema for Kanboard {v} (since/until applied)")),
            "{report}"
        );
        seen.push(v.to_string());
        if v.to_string() == "1.2.36" {
            print!("{report}");
            assert_eq!(
                report.drift.left_out.len(),
                10,
                "{:?}",
                report.drift.left_out
            );
        }
    }
    assert_eq!(seen.len(), 34);
}

/// A `since` that is wrong for the server's release: a method the schema gives to later
/// releases that the server has is drift; an optional parameter shows in the count (the probe
/// cannot see its name); a required one by name.
#[tokio::test]
async fn a_wrong_since_is_drift_live() {
    let manifest = fixture("manifests/kanboard-1.2.36.json");
    let mut sim = SimServer::new(&[&manifest]);
    sim.method_mut("createComment").params[4].1 = true; // `visibility`, now required
    let (_server, kb) = serve(&sim).await;
    let schema = schema_with(&[
        (
            "        rpc: getColumn\n",
            "        rpc: getColumn\n        since: \"1.2.40\"\n",
        ),
        ("since: \"1.2.36\"}", "since: \"1.2.37\"}"),
        ("since: \"1.2.21\"}", "since: \"1.2.40\"}"),
    ]);
    let report = drift::probe(&kb, &schema, &[]).await.unwrap();
    print!("{report}");
    assert_eq!(
        lines(&report.drift.findings),
        [
            "getColumn: on the server (Kanboard 1.2.36), the schema says 1.2.40 and later: its \
             `since`/`until` is wrong",
            "createComment: parameter `visibility` on the server (Kanboard 1.2.36), the schema \
             says 1.2.37 and later: its `since`/`until` is wrong",
            "updateSubtask: the server takes 8 parameters, the schema lists 7",
        ],
        "{report}"
    );
    assert!(sim.runs().is_empty(), "ran {:?}", sim.runs());
}

/// A server whose `getVersion` is not a release number (a development checkout): the whole
/// schema is compared, and the report says why.
#[tokio::test]
async fn an_unknown_release_compares_the_whole_schema() {
    let mut sim = SimServer::new(&[&core_manifest()]);
    sim.version = Some("main.1a2b3c".into());
    let (_server, kb) = serve(&sim).await;
    let report = drift::probe(&kb, &drift::schema(), &[]).await.unwrap();
    assert!(report.is_clean(), "{report}");
    assert_eq!(report.drift.release, None);
    assert!(report.drift.title.starts_with("schema vs the server at"));
    assert!(
        report.to_string().contains(
            "the server's release is unknown (getVersion answered `main.1a2b3c`, not a release \
             number): the whole schema was compared, since/until not applied"
        ),
        "{report}"
    );
}
