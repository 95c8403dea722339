//! The probe against servers whose answers prove nothing: every call answered `true`, or HTTP
//! 403 for every request. The report says it could not check, never "no drift", and the
//! user-only methods that stop early do not keep rounds going.

mod drift_support;

use kanboard::KanboardClient;
use kanboard::drift;
use kanboard_test_support::{Echo, url};
use serde_json::json;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The report, and the number of HTTP requests the server received.
async fn probe_against(template: impl wiremock::Respond + 'static) -> (drift::ProbeReport, usize) {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(template)
        .mount(&server)
        .await;
    let kb = KanboardClient::new(url(&server), "token").unwrap();
    let report = drift::probe(&kb, &drift::schema(), &[]).await.unwrap();
    let received = server.received_requests().await.unwrap().len();
    assert_eq!(received, report.stats.requests);
    (report, received)
}

#[tokio::test]
async fn a_server_that_answers_true_to_everything_gets_no_verdict() {
    let (report, _) = probe_against(Echo(json!(true))).await;
    let text = report.to_string();
    print!("{text}");
    let headline = text.lines().nth(1).unwrap();
    assert!(
        headline.starts_with("COULD NOT CHECK: none of the 188 methods"),
        "{headline}"
    );
    assert!(!text.contains("no drift"), "{text}");
    assert!(!report.is_clean());
    assert!(report.drift.findings.is_empty(), "{text}");
    assert_eq!(report.drift.unchecked, 188);
    // The probe stops once nothing is left to ask: a few rounds, not MAX_ROUNDS.
    assert!(report.stats.rounds <= 4, "{} rounds", report.stats.rounds);
}

#[tokio::test]
async fn http_403_for_every_request_is_not_a_server_of_user_only_methods() {
    let (report, requests) = probe_against(ResponseTemplate::new(403)).await;
    let text = report.to_string();
    print!("{text}");
    assert!(report.user_only.is_empty(), "{text}");
    assert!(
        !report
            .drift
            .findings
            .iter()
            .any(|f| matches!(f, drift::Finding::UserOnly { .. })),
        "{text}"
    );
    assert!(
        text.contains("every call was refused with HTTP 403"),
        "{text}"
    );
    assert!(
        text.lines().nth(1).unwrap().starts_with("COULD NOT CHECK"),
        "{text}"
    );
    assert_eq!(report.drift.unchecked, 188);
    // The first batch refused, then one call to a method no server has refused too: that
    // settles it, without splitting the batch down to single calls (~700 requests).
    assert_eq!(requests, 2, "{text}");
}

/// A server with one user-only method more than the schema says: the 403 is Kanboard's own
/// refusal, and the batch is split to find it, as before.
#[tokio::test]
async fn a_403_from_kanboard_itself_is_not_taken_for_a_proxy() {
    let core = drift_support::core_manifest();
    let mut sim = drift_support::SimServer::new(&[&core]);
    sim.method_mut("getVersion").user_only = true;
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(sim.clone())
        .mount(&server)
        .await;
    let kb = KanboardClient::new(url(&server), &sim.token).unwrap();
    let report = drift::probe(&kb, &drift::schema(), &[]).await.unwrap();
    assert_eq!(
        drift_support::lines(&report.drift.findings),
        ["getVersion: open to the application token in the schema, user-only on the server"],
        "{report}"
    );
    assert!(report.stopped.is_empty(), "{report}");
    assert!(sim.runs().is_empty(), "ran {:?}", sim.runs());
}
