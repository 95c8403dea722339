//! The probe against servers whose answers prove nothing: every call answered `true`, or HTTP
//! 403 for every request. The report says it could not check, never "no drift", and the
//! user-only methods that stop early do not keep rounds going.

use kanboard::KanboardClient;
use kanboard::drift;
use kanboard_test_support::{Echo, url};
use serde_json::json;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn probe_against(template: impl wiremock::Respond + 'static) -> drift::ProbeReport {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(template)
        .mount(&server)
        .await;
    let kb = KanboardClient::new(url(&server), "token").unwrap();
    drift::probe(&kb, &drift::schema(), &[]).await.unwrap()
}

#[tokio::test]
async fn a_server_that_answers_true_to_everything_gets_no_verdict() {
    let report = probe_against(Echo(json!(true))).await;
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
    let report = probe_against(ResponseTemplate::new(403)).await;
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
}
