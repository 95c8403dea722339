//! The Portfolio plugin's methods against its real answers (recorded from a Kanboard 1.2.53 with
//! plugin 1.17.0; there is no plugin server here), served by a mock: the quirks decode as the
//! schema documents them.

use kanboard::KanboardClient;
use kanboard_test_support::Reply;
use serde_json::Value;
use wiremock::matchers::body_partial_json;
use wiremock::{Mock, MockServer};

async fn plugin_server() -> (MockServer, KanboardClient) {
    let server = MockServer::start().await;
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/plugin-samples");
    for entry in std::fs::read_dir(dir).unwrap() {
        let v: Value =
            serde_json::from_str(&std::fs::read_to_string(entry.unwrap().path()).unwrap()).unwrap();
        Mock::given(body_partial_json(
            serde_json::json!({"method": v["method"]}),
        ))
        .respond_with(Reply(v["response"].clone()))
        .mount(&server)
        .await;
    }
    let kb = KanboardClient::new(server.uri(), "token").unwrap();
    (server, kb)
}

#[tokio::test]
async fn create_returns_true_not_the_id() {
    let (_s, kb) = plugin_server().await;
    // The plugin answers `true`; the id is looked up by name.
    kb.portfolios()
        .create_portfolio("Platform launch")
        .send()
        .await
        .unwrap();
    let p = kb
        .portfolios()
        .get_portfolio_by_name("Platform launch")
        .send()
        .await;
    assert!(p.is_ok(), "{p:?}");
    kb.milestones()
        .create_milestone(1, "M1 Beta launch")
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn add_answers_false_even_on_success() {
    let (_s, kb) = plugin_server().await;
    let answered = kb
        .portfolios()
        .add_project_to_portfolio(1, 2)
        .send()
        .await
        .unwrap();
    assert!(
        !answered,
        "1.17.0 answers false although the project was added"
    );
    let answered = kb
        .milestones()
        .add_task_to_milestone(1, 1)
        .send()
        .await
        .unwrap();
    assert!(!answered);
}

#[tokio::test]
async fn progress_and_dependencies_decode() {
    let (_s, kb) = plugin_server().await;
    let progress = kb
        .milestones()
        .get_milestone_progress(1)
        .send()
        .await
        .unwrap();
    assert_eq!(
        (progress.total, progress.completed, progress.blocked_count),
        (3, 0, 2)
    );
    assert_eq!(progress.percent, 0.0);
    assert!(!progress.is_at_risk && !progress.is_overdue);
    assert_eq!(progress.target_date.unwrap().as_second(), 1814313600);
    let deps = kb
        .portfolios()
        .get_portfolio_dependencies(1)
        .send()
        .await
        .unwrap();
    assert!(!deps.is_empty());
    // Each link is listed twice, differing only in the link row id.
    assert_eq!(deps.len() % 2, 0, "{deps:?}");
}

#[tokio::test]
async fn a_server_without_the_plugin_says_method_not_found() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::method("POST"))
        .respond_with(Reply(serde_json::json!({"jsonrpc": "2.0", "error": {"code": -32601, "message": "Method not found"}})))
        .mount(&server)
        .await;
    let kb = KanboardClient::new(server.uri(), "token").unwrap();
    let e = kb
        .portfolios()
        .get_all_portfolios()
        .send()
        .await
        .unwrap_err();
    assert!(e.is_method_not_found(), "{e:?}");
}
