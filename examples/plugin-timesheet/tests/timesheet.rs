//! The made-up Timesheet plugin through its generated extension trait: typed calls share the
//! client's transport, conventions and errors, mix with core calls in one batch, sit in their
//! own descriptor table, and compare with the plugin's manifest through `kanboard::drift`.

use example_timesheet::TimesheetExt;
use example_timesheet::api::descriptors::METHODS;
use kanboard::drift::{Manifest, MethodSpec, compare};
use kanboard::{Error, KanboardClient};
use kanboard_test_support::{each_call, received, url};
use serde_json::json;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// A Kanboard with the plugin: entries of task 12, a new entry #5, no entry #99.
struct Plugin;

impl Respond for Plugin {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        each_call(req, |c| match c["method"].as_str().unwrap() {
            "getTimesheet" => json!({"result": [
                {"id": "1", "task_id": "12", "user_id": "1", "hours": "1.5", "note": "review",
                 "color_id": null, "date_creation": "1796000000"}
            ]}),
            "addTimesheetEntry" => json!({"result": 5}),
            "removeTimesheetEntry" => json!({"result": false}),
            "getVersion" => json!({"result": "1.2.53"}),
            _ => json!({"result": null}),
        })
    }
}

async fn server() -> (MockServer, KanboardClient) {
    let s = MockServer::start().await;
    Mock::given(wiremock::matchers::method("POST"))
        .respond_with(Plugin)
        .mount(&s)
        .await;
    let kb = KanboardClient::new(url(&s), "t").unwrap();
    (s, kb)
}

#[tokio::test]
async fn typed_calls_on_the_client() {
    let (s, kb) = server().await;
    let id = kb
        .timesheets()
        .add_timesheet_entry(12, 1, 1.5)
        .note("review")
        .send()
        .await
        .unwrap();
    assert_eq!(id.get(), 5);
    let entries = kb.timesheets().get_timesheet(12).send().await.unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].hours, 1.5);
    assert_eq!(entries[0].task_id, kanboard::models::TaskId(12));
    assert_eq!(entries[0].color_id, None);
    // The schema's convention: false is "not found" here.
    let e = kb
        .timesheets()
        .remove_timesheet_entry(99)
        .send()
        .await
        .unwrap_err();
    assert!(matches!(e, Error::NotFound { .. }), "{e:?}");
    let sent = received(&s).await;
    assert_eq!(sent[0]["method"], "addTimesheetEntry");
    assert_eq!(
        sent[0]["params"],
        json!({"task_id": 12, "user_id": 1, "hours": 1.5, "note": "review"})
    );
}

#[tokio::test]
async fn plugin_and_core_calls_share_a_batch() {
    let (s, kb) = server().await;
    let mut b = kb.batch();
    let version = b.add(kb.application().get_version()).unwrap();
    let entries = b.add(kb.timesheets().get_timesheet(12)).unwrap();
    let mut r = b.send().await.unwrap();
    assert_eq!(r.take(version).unwrap(), "1.2.53");
    assert_eq!(r.take(entries).unwrap().len(), 1);
    assert_eq!(received(&s).await.len(), 1, "one HTTP request");
}

#[test]
fn its_descriptor_table_compares_with_the_plugins_manifest() {
    assert_eq!(METHODS.len(), 3);
    assert!(METHODS.iter().all(|m| m.plugin == Some("Timesheet")));
    let schema: Vec<MethodSpec> = METHODS.iter().map(|d| MethodSpec::from(*d)).collect();
    let manifest = |color_param: &str| {
        Manifest::from_json(&format!(
            r#"{{"plugin": "Timesheet", "methods": [
              {{"name": "getTimesheet", "params": [{{"name": "task_id", "position": 0, "required": true}}]}},
              {{"name": "addTimesheetEntry", "params": [
                {{"name": "task_id", "position": 0, "required": true}},
                {{"name": "user_id", "position": 1, "required": true}},
                {{"name": "hours", "position": 2, "required": true}},
                {{"name": "note", "position": 3, "required": false, "default": ""}},
                {{"name": "{color_param}", "position": 4, "required": false, "default": null}}]}},
              {{"name": "removeTimesheetEntry", "params": [{{"name": "entry_id", "position": 0, "required": true}}]}}
            ]}}"#
        ))
        .unwrap()
    };
    assert!(compare(&schema, &manifest("color_id")).is_clean());
    let drifted = compare(&schema, &manifest("colour"));
    assert!(!drifted.is_clean(), "a renamed parameter is drift");
}
