//! The application, projects and tasks resources against a real Kanboard: every method called
//! with an assertion on what came back. Skipped (and says so) without KANBOARD_URL/KANBOARD_TOKEN.

mod common;

use common::{Tally, live};

#[tokio::test]
async fn application_projects_tasks_live() {
    let Some(env) = live("application_projects_tasks_live") else {
        return;
    };
    let t = Tally::default();
    common::core_flow::application_projects_tasks(&env, &t).await;

    let mine: Vec<&'static str> = kanboard::api::descriptors::METHODS
        .iter()
        .filter(|m| ["application", "projects", "tasks"].contains(&m.resource))
        .map(|m| m.rpc_name)
        .collect();
    let hit = t.report(
        "application/projects/tasks methods",
        &mine,
        env.release().await,
    );
    assert_eq!(
        hit,
        mine.len(),
        "every method of the three resources is exercised"
    );
}
