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
    // Three rounds in batches, plus one request per user-only method.
    assert_eq!(report.stats.requests, 3 + 7);
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
    assert_eq!(report.stats.requests, 3);
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
    sim.method_mut("getAllTasks").params.pop(); // one optional fewer
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
            "getAllTasks: the server takes 1 parameter, the schema lists 2",
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
