//! Quick start: connects with KANBOARD_URL and KANBOARD_TOKEN, creates a project with two
//! tasks, reads them back, closes one, and cleans up.
//!
//! `cargo run --example quickstart`

use kanboard::{KanboardClient, OptionalExt};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (Ok(url), Ok(token)) = (
        std::env::var("KANBOARD_URL"),
        std::env::var("KANBOARD_TOKEN"),
    ) else {
        eprintln!("set KANBOARD_URL (…/jsonrpc.php) and KANBOARD_TOKEN (Settings → API) first");
        std::process::exit(2);
    };
    let kb = KanboardClient::new(url, token)?;

    println!(
        "Kanboard {} ({})",
        kb.application().get_version().send().await?,
        kb.application().get_timezone().send().await?
    );

    let name = format!("quickstart-{}", std::process::id());
    let project_id = kb
        .projects()
        .create_project(&name)
        .description("made by examples/quickstart.rs")
        .send()
        .await?;
    println!("created project #{project_id} {name:?}");

    let first = kb
        .tasks()
        .create_task("Write the docs", project_id)
        .color_id("green")
        .date_due("2030-01-31")
        .send()
        .await?;
    let second = kb
        .tasks()
        .create_task("Ship it", project_id)
        .tags(["release"])
        .priority(2)
        .send()
        .await?;
    kb.tasks().close_task(first).send().await?;

    for status in [1, 0] {
        for task in kb
            .tasks()
            .get_all_tasks(project_id)
            .status_id(status)
            .send()
            .await?
        {
            let due = task
                .date_due
                .map(|t| t.to_string())
                .unwrap_or_else(|| "no due date".into());
            println!(
                "  #{} {:<16} open={} color={} due={due}",
                task.id, task.title, task.is_active, task.color_id
            );
        }
    }

    let missing = kb.tasks().get_task(999_999).send().await.optional()?;
    println!("task 999999: {missing:?}");

    kb.projects().remove_project(project_id).send().await?;
    println!("removed project #{project_id} (tasks {first} and {second} with it)");
    Ok(())
}
